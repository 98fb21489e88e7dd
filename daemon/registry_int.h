/*
 * registry_int.h - what registry.c shares with the files that ask the
 * registry its questions (registry_probe.c, registry_fetch.c,
 * registry_search.c): the client's state and how an answer is judged.
 * Not a public header: only registry*.c include it.
 */
#ifndef CTMIRROR_REGISTRY_INT_H
#define CTMIRROR_REGISTRY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "registry.h"

struct fetch_response;

/*
 * Requests open at a time: probe batches, and batches of a full fetch.  A
 * fetch batch holds its records until its last one-by-one question is
 * answered, so opening every batch at once would hold most of a large
 * fetch in memory behind the FIFO queue; and a registry that refuses us
 * should see four requests, not all of them.
 */
#define REGISTRY_WINDOW		4
/* Pages a listing may take beyond those its size needs (empty pages). */
#define REGISTRY_PAGE_SLACK	2
/* What a probe and a search listing ask for. */
#define REGISTRY_PROBE_FIELDS	"NCTId,LastUpdatePostDate"

struct registry {
	struct fetch *f;
	char *base;		/* as configured: what requests go to */
	char *shown;		/* base without credentials, for messages */
	unsigned probe_batch;
	unsigned fetch_batch;
	size_t max_url;
	unsigned long answered;	/* usable answers this cycle */
	unsigned down;		/* unanswered requests in a row */
	char *stop;		/* why nothing more is asked; NULL: go on */
};

/* What to do with an answer (registry_answer). */
enum registry_use {
	ANSWER,		/* 200 with a JSON body: read it */
	SPLIT,		/* refused for its size or one bad ID: halve it */
	ONE_BY_ONE,	/* no use as a whole: ask each ID on its own */
	UNANSWERED,	/* no answer after the retries: the registry is down */
	STOPPED,	/* the registry refuses us as a client: stop */
};

/* printf into a new string; NULL when out of memory. */
char *registry_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Nothing more is asked this cycle; `why` (new, stolen) is reported once. */
void registry_stop(struct registry *r, char *why);
/* Stopped, or the cycle was cancelled. */
bool registry_stopped(const struct registry *r);

/*
 * The first line of registry text, at most `max` bytes, for a message:
 * made safe by log_safe (the text is the registry's, shown on terminals
 * and in mail, and stored as text: a character cut at `max` becomes '?',
 * not invalid UTF-8).  New.
 */
char *registry_text_line(const char *s, size_t max);

/* IDs that fit one filter.ids request URL, with room for `extra` bytes. */
size_t registry_ids_per_url(const struct registry *r, size_t extra);

/*
 * "{base}/studies?filter.ids=A,B&..." for ids[0..n) (valid IDs only),
 * with fields=REGISTRY_PROBE_FIELDS when `probe`, and pageToken when
 * `token` is not NULL.  New, or NULL when out of memory.
 */
char *registry_batch_url(const struct registry *r, char *const *ids,
    size_t n, bool probe, unsigned page_size, const char *token);

/*
 * Why a response is not a usable JSON answer, in words that name the real
 * cause (did not answer, answered too slowly, answered too much); NULL
 * when it is usable.  New.
 */
char *registry_cause(const struct fetch_response *resp);

/*
 * What to do with the answer to a request of `n` IDs.  A refusal of us,
 * or an outage, stops the registry here (registry_failure), so every
 * caller only has to stop asking.  *why (new): the cause, unless the
 * verdict is ANSWER.
 */
enum registry_use registry_answer(struct registry *r,
    const struct fetch_response *resp, size_t n, char **why);

#endif

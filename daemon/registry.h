/*
 * registry.h - the ClinicalTrials.gov API v2, on top of fetch.c
 * (registry.c, with registry_probe.c, registry_fetch.c and
 * registry_search.c).  Probe: GET /studies?filter.ids=..&fields=NCTId,
 * LastUpdatePostDate in batches, following nextPageToken.  Full fetch:
 * GET /studies?filter.ids=.. in batches of ~100, delivered batch by batch
 * so memory stays flat.  Search: GET /studies?QUERY&fields=NCTId,
 * LastUpdatePostDate, paged.  Batches are sized by count and by URL
 * length.  Records are matched to the IDs asked by the ID they carry and
 * by their nctIdAliases (filter.ids also searches aliases and answers with
 * the current record), one record per trial per batch.  IDs a batch did
 * not answer for are asked one by one (/studies/{id}) to tell "not found"
 * (a text/plain 404), an alias (301 to the current ID) and an error apart.
 * A 400, 414 or 431 on a batch is split in halves to isolate what it
 * refuses.  Status and Content-Type are checked before any body is
 * parsed.  Refusals that are about the client, not an ID (401, 403, the
 * web server's 404, paging that never ends, an outage) stop all further
 * requests and are reported once, by registry_failure().  Every behaviour
 * relied on is listed with its source in tests/registry/CONFORMANCE.md.
 */
#ifndef CTMIRROR_REGISTRY_H
#define CTMIRROR_REGISTRY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct fetch;
struct registry;

#define REGISTRY_DEFAULT_URL "https://clinicaltrials.gov/api/v2"
/*
 * Longest request URL, by default: the largest batch known to work in
 * production is AACT's 500 IDs, about 7 KB of URL; the registry documents
 * no limit, and its web server's default refuses lines past 8 KB.
 */
#define REGISTRY_DEFAULT_MAX_URL 6144
/* "2026-12-01T09:00:06" and room to spare. */
#define REGISTRY_BUILD_SIZE 40

struct registry_opts {
	const char *base_url;	/* without trailing slash, e.g. REGISTRY_DEFAULT_URL */
	unsigned probe_batch;	/* IDs per probe request (<= 1000) */
	unsigned fetch_batch;	/* IDs per full-record request */
	size_t max_url;		/* bytes; 0: REGISTRY_DEFAULT_MAX_URL */
};

enum registry_outcome {
	REG_OK = 0,		/* json is set */
	REG_NOT_FOUND,		/* the registry does not know the ID (its text/plain 404) */
	REG_ERROR,		/* anything else; error says what */
	/*
	 * nct_id is an alias of current_id, whose record another item of
	 * this batch carries: nothing to store for this one but the alias.
	 */
	REG_ALIAS,
};

/*
 * One requested ID's result.  Within one batch at most one item carries
 * the record of any one trial: an alias asked with its current ID, or two
 * aliases of one trial, give one REG_OK item and REG_ALIAS for the rest.
 */
struct registry_item {
	char nct_id[NCT_ID_SIZE];	/* the ID asked for */
	char current_id[NCT_ID_SIZE];	/* when an alias: the ID the registry moved it to; else "" */
	enum registry_outcome outcome;
	/*
	 * REG_OK: the study's JSON text as the registry sent it, NUL-ended
	 * (owned by the item; steal by setting NULL).  Its structure was
	 * checked and its first nctId is the ID asked for (or current_id);
	 * its syntax in detail is the parser's to check.
	 */
	char *json;
	size_t json_len;
	char *error;			/* REG_ERROR / REG_NOT_FOUND: human text naming the ID; owned */
	/*
	 * REG_NOT_FOUND: the registry's own words ("NCT number NCT01234560
	 * not found"), one line, control characters replaced; owned.
	 */
	char *answer;
	long http_status;		/* last HTTP status seen for it, 0 if none */
	/*
	 * The answer carried more than one record for this ID; json is the
	 * one with the latest lastUpdatePostDate (the first of equals).
	 */
	bool twins;
};

struct registry_probe_result {
	/* IDs the registry returned, sorted, each once (its latest date) */
	struct trial_update *v;
	size_t n;
	struct registry_item *failed;	/* IDs whose batch failed (outcome REG_ERROR) */
	size_t n_failed;
};

/*
 * New; borrows f (must outlive it) and copies opts.  NULL on failure.
 * One per cycle: once it has stopped (registry_failure), it stays so.
 */
struct registry *registry_new(struct fetch *f, const struct registry_opts *opts);
void registry_free(struct registry *r);

/*
 * GET /version: the dataTimestamp of the registry's current data build
 * into out.  0; -1 with *why (new, free()) when there is none (a mirror
 * without /version, an error): not a failure of the cycle.
 */
int registry_version(struct registry *r, char out[REGISTRY_BUILD_SIZE],
    char **why);

/*
 * Why this registry stopped asking: a refusal that is about the client,
 * not any one ID (401, 403, the web server's 404 for the API's path, a
 * 414 for a single ID, paging that never ends), or an outage (nothing
 * answered, or four requests in a row unanswered after their retries).
 * Borrowed; NULL while it has not stopped.
 */
const char *registry_failure(const struct registry *r);

/* base_url as it may be shown: credentials in it replaced.  Borrowed. */
const char *registry_shown_url(const struct registry *r);

/*
 * Probe `ids` (borrowed).  IDs absent from the answer are simply not in
 * out->v (absence is not proof of deletion).  Returns 0 when every batch
 * was answered, -1 if some failed (listed in out->failed), on cancel, or
 * when the registry stopped (registry_failure; IDs not asked by then are
 * in neither list).  Free with registry_probe_finish.
 */
int registry_probe(struct registry *r, char *const *ids, size_t n,
    struct registry_probe_result *out);
void registry_probe_finish(struct registry_probe_result *res);

/* The requests a probe of n IDs takes, an empty page after a full one aside. */
unsigned registry_probe_cost(const struct registry *r, size_t n);

/*
 * Called once per batch with one item per requested ID of that batch, in
 * request order.  Items are borrowed (the callee may steal item->study by
 * setting it to NULL).  Return 0 to go on, -1 to stop the fetch.
 */
typedef int (*registry_batch_fn)(void *arg, struct registry_item *items,
    size_t n);

/*
 * Fetch full records of `ids` (borrowed) batch by batch.  Returns 0 when
 * every ID got an outcome (errors included), -1 if the callback stopped
 * it, on cancel, or when the registry stopped (registry_failure: the
 * batches still open are not handed over).
 */
int registry_fetch(struct registry *r, char *const *ids, size_t n,
    registry_batch_fn fn, void *arg);

/* The studies a search matches (registry_search). */
struct registry_search_result {
	struct trial_update *v;	/* sorted by ID, each once (its latest date) */
	size_t n;
	size_t total;		/* the count its first page gave (totalCount) */
	unsigned requests;	/* pages asked, rereads included */
	unsigned rereads;	/* reads again from the first page */
	/*
	 * Every study the first page counted was listed.  A listing the
	 * registry's data moved under may come out short even when read
	 * again: absence from it is then no proof that a study stopped
	 * matching.
	 */
	bool complete;
};

/*
 * The studies `query` matches (a URL query string of search.h's form;
 * "" for every study), with their last-update dates: GET /studies?QUERY&
 * fields=NCTId,LastUpdatePostDate&pageSize=P&countTotal=true, then each
 * nextPageToken in turn (P: probe_batch).  A listing that comes back with
 * fewer studies than its first page counted, or whose page token the
 * registry refused, is read again from its first page, twice at most
 * (out->complete says how it came out).  With max_pages > 0, a search
 * counted larger than max_pages pages is not read on: 1, with out->total.
 * 0 when listed; -1 when the registry refused it (*refused, new: its
 * words, "HTTP 400: ..."), or stopped (registry_failure), or on cancel.
 * Free with registry_search_finish (also after a failure).
 */
int registry_search(struct registry *r, const char *query,
    unsigned max_pages, struct registry_search_result *out, char **refused);
void registry_search_finish(struct registry_search_result *res);

/*
 * How many studies `query` matches (countTotal=true, pageSize=0), into
 * *count.  0; -1 as registry_search.
 */
int registry_search_count(struct registry *r, const char *query,
    size_t *count, char **refused);

/* "https://clinicaltrials.gov/study/NCT..." into out.  */
void registry_study_link(const char *nct_id, char out[64]);

#endif

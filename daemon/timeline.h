/*
 * timeline.h - PURE: a trial's stored versions, oldest first, into the
 * dated entries of its life as `ctmirror history` shows them (like git
 * log, newest first): status changes, dates moving (estimated -> actual),
 * results submitted and posted, references added or removed, other parts
 * edited; each with the version number, in words for a person and as
 * JSON for a script.
 */
#ifndef CTMIRROR_TIMELINE_H
#define CTMIRROR_TIMELINE_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"

/* A reference of a version: its PMID and type ("RESULT", ...). */
struct timeline_ref {
	const char *pmid;
	const char *type;	/* may be NULL */
};

/*
 * One stored version as the timeline reads it.  Strings are borrowed
 * (store.c's store_versions owns them); absent ones are NULL.
 */
struct timeline_version {
	int version_no;			/* place in the stored life, 1 = oldest */
	const char *date;		/* the day it took effect, "YYYY-MM-DD" */
	bool history;			/* read from the registry's history */
	int registry_version;		/* the registry's number; -1 unknown */
	const char *overall_status;
	const char *why_stopped;
	bool has_results;
	const char *results_first_posted;
	const char *results_submitted;	/* submitted, not yet posted */
	unsigned results_changes;	/* results-class changes from the one before */
	const char *start, *start_type;
	const char *primary_completion, *primary_completion_type;
	const char *completion, *completion_type;
	const char *enrollment, *enrollment_type;
	struct timeline_ref *refs;	/* references with a PMID */
	size_t n_refs;
	const char *const *edited;	/* modules with other changes */
	size_t n_edited;
};

/* One dated entry. */
struct timeline_entry {
	const struct timeline_version *version;	/* borrowed */
	enum change_class cls;
	const char *event;	/* static: "registered", "status", ... */
	char *text;		/* words for a person, owned */
	char *old_value;	/* owned; NULL when there is none */
	char *new_value;	/* owned; NULL when there is none */
};

struct timeline {
	struct timeline_entry *v;	/* newest first */
	size_t n, cap;
};

/* Every class: the default of `ctmirror history`. */
#define TIMELINE_ALL_CLASSES ((1u << CHANGE_STATUS) | (1u << CHANGE_RESULTS) | \
	(1u << CHANGE_REFERENCES) | (1u << CHANGE_DATES) | (1u << CHANGE_OTHER))

/*
 * "status,results,..." into a set of 1 << enum change_class.  0, or -1
 * with *bad pointing at the word that is no class.
 */
int timeline_classes(const char *list, unsigned *set, const char **bad);

/*
 * The entries of versions v[0..n) (oldest first) in the classes of
 * `classes`, dated on or after `since` ("YYYY-MM-DD"; NULL: all), newest
 * first, into *out (timeline_finish frees it).  The first version's
 * entry says what the registry showed then.  0, or -1 when out of memory.
 */
int timeline_build(const struct timeline_version *v, size_t n,
    unsigned classes, const char *since, struct timeline *out);
void timeline_finish(struct timeline *t);

/* Called with each line of the text form, without its newline; borrowed. */
typedef void (*timeline_line_fn)(void *arg, const char *line);

/*
 * The text form: a header naming the trial and where its versions came
 * from, then one block per version with entries (like git log), handed
 * to line(arg, ...) a line at a time.  The registry's words are in it as
 * the registry wrote them, control characters and all, each inside its
 * line: the caller shows every line safely (log_print).  0, or -1 when
 * out of memory (the lines handed out before stand).
 */
int timeline_text(const char *nct_id, const char *acronym,
    const struct timeline_version *v, size_t n, const struct timeline *t,
    timeline_line_fn line, void *arg);

/* The JSON form of the same.  New reference, or NULL when out of memory. */
json_t *timeline_json(const char *nct_id, const char *acronym,
    const struct timeline_version *v, size_t n, const struct timeline *t);

#endif

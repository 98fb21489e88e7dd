/*
 * registry.h - the ClinicalTrials.gov API v2, on top of fetch.c.
 * Probe: GET /studies?filter.ids=..&fields=NCTId,LastUpdatePostDate in
 * batches, following nextPageToken.  Full fetch: GET /studies?filter.ids=..
 * in batches of ~100, delivered batch by batch so memory stays flat; IDs a
 * batch did not return are asked for one by one (/studies/{id}) to tell
 * "not found" (404), an alias (301 to the current ID) and an error apart.
 * A 400 on a batch is split in halves to isolate the ID it refuses.
 * Status and Content-Type are checked before any body is parsed.
 */
#ifndef CTMIRROR_REGISTRY_H
#define CTMIRROR_REGISTRY_H

#include <jansson.h>
#include <stddef.h>

#include "model.h"

struct fetch;
struct registry;

#define REGISTRY_DEFAULT_URL "https://clinicaltrials.gov/api/v2"

struct registry_opts {
	const char *base_url;	/* without trailing slash, e.g. REGISTRY_DEFAULT_URL */
	unsigned probe_batch;	/* IDs per probe request (<= 1000) */
	unsigned fetch_batch;	/* IDs per full-record request */
};

enum registry_outcome {
	REG_OK = 0,		/* study is set */
	REG_NOT_FOUND,		/* the registry does not know the ID (404) */
	REG_ERROR,		/* anything else; error says what */
};

/* One requested ID's result. */
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
	long http_status;		/* last HTTP status seen for it, 0 if none */
};

/* One probed ID: the registry's lastUpdatePostDate for it. */
struct registry_probe_entry {
	char nct_id[NCT_ID_SIZE];
	char last_update[DATE_SIZE];	/* "" if the registry gave none */
};

struct registry_probe_result {
	struct registry_probe_entry *v;	/* IDs the registry returned */
	size_t n;
	struct registry_item *failed;	/* IDs whose batch failed (outcome REG_ERROR) */
	size_t n_failed;
};

/* New; borrows f (must outlive it) and copies opts.  NULL on failure. */
struct registry *registry_new(struct fetch *f, const struct registry_opts *opts);
void registry_free(struct registry *r);

/*
 * Probe `ids` (borrowed).  IDs absent from the answer are simply not in
 * out->v (absence is not proof of deletion).  Returns 0 when every batch
 * was answered, -1 if some failed (listed in out->failed) or on cancel.
 * Free with registry_probe_finish.
 */
int registry_probe(struct registry *r, char *const *ids, size_t n,
    struct registry_probe_result *out);
void registry_probe_finish(struct registry_probe_result *res);

/*
 * Called once per batch with one item per requested ID of that batch, in
 * request order.  Items are borrowed (the callee may steal item->study by
 * setting it to NULL).  Return 0 to go on, -1 to stop the fetch.
 */
typedef int (*registry_batch_fn)(void *arg, struct registry_item *items,
    size_t n);

/*
 * Fetch full records of `ids` (borrowed) batch by batch.  Returns 0 when
 * every ID got an outcome (errors included), -1 if the callback stopped it
 * or on cancel.
 */
int registry_fetch(struct registry *r, char *const *ids, size_t n,
    registry_batch_fn fn, void *arg);

/* "https://clinicaltrials.gov/study/NCT..." into out.  */
void registry_study_link(const char *nct_id, char out[64]);

#endif

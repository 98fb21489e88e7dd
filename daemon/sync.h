/*
 * sync.h - one ctmirror cycle, top to bottom as DESIGN.md's data flow:
 * track -> probe -> fetch changed -> parse -> diff -> store (one
 * transaction per batch) -> history backfill -> pages -> claims -> rules
 * -> flags -> alerts.
 * `ctmirror sync` runs it once; the daemon runs it on a timer.
 */
#ifndef CTMIRROR_SYNC_H
#define CTMIRROR_SYNC_H

#include <stdbool.h>

#include "backfill.h"
#include "store.h"

struct config;
struct event_base;
struct fetch;
struct fetch_opts;

/* What one cycle did, for -v, the run record and /metrics. */
struct sync_result {
	struct store_run run;		/* what committed, as in sync_runs */
	unsigned trials_failed;		/* trials with an error this cycle */
	unsigned alerts_sent;
	unsigned alerts_failed;
	struct backfill_result backfill;	/* the history backfill stage */
	double seconds;
	char registry_build[40];	/* the registry's dataTimestamp, "" if none */
	char error[512];		/* why the cycle failed, "" if it did not */
	double failed_at;		/* unix time of the failure, 0 if none */
	/*
	 * The run record could not be closed (the database was gone): write
	 * it with sync_record_failure once the database answers again.
	 */
	bool unrecorded;
};

/* Progress reporting hook (terminal progress, daemon phase); may be NULL. */
struct sync_hooks {
	void (*phase)(void *arg, const char *phase);
	void (*progress)(void *arg, unsigned done, unsigned total,
	    const char *what);
	void *arg;
};

/*
 * Run one cycle against the store `s` (borrowed; the caller has checked
 * the schema) using `f` (borrowed) for HTTP.  Takes the sync lock for the
 * duration; if another sync holds it, fails with "another sync is running".
 * Returns 0 when everything succeeded; 1 when the cycle completed but some
 * trials or alerts failed (they are named in the log and the run record);
 * -1 when it stopped (database failure, registry unreachable, cancelled),
 * with res->error saying why.  Nothing of a failed step is stored.
 */
int sync_cycle(const struct config *cfg, struct store *s, struct fetch *f,
    const char *mode, const struct sync_hooks *hooks,
    struct sync_result *res);

/*
 * Close the run record of a failed cycle that left res->unrecorded: its
 * committed counts, its cause, the time it failed.  Call before the next
 * cycle (whose start would close it as "interrupted").  0 / -1.
 */
int sync_record_failure(struct store *s, const struct sync_result *res);

/*
 * The HTTP client options of a cycle, from cfg (strings borrowed from it):
 * the one place `sync` and the daemon set them.
 */
void sync_fetch_opts(const struct config *cfg, struct fetch_opts *fo);

/*
 * The page stage's judge, shared by the cycle and `ctmirror scan` so both
 * give the same verdicts: the stored registry states, the records the
 * citation check reads (loaded from `s` as pages name them, cached), and
 * the rule options from `cfg`.  New (sync_judge_free) or NULL, with
 * store_errmsg(s) saying why.  `cfg` and `s` are borrowed for its life.
 */
struct sync_judge;
struct sync_judge *sync_judge_new(const struct config *cfg, struct store *s);
void sync_judge_free(struct sync_judge *j);

/* What one page claims and which rules fire, owned by the struct. */
struct sync_page {
	struct claim_list claims;	/* the claims, then one mention claim per cited ID */
	struct verdict_list verdicts;
	/*
	 * verdicts.v[k] judges claims.v[owner[k]]; owner never decreases,
	 * so a claim's verdicts are one run of verdicts.
	 */
	size_t *owner;
	size_t owner_cap;
};

/*
 * Extract and judge one page (text need not be NUL-terminated); its file
 * name, path, says how to read it (reader_format_of()).  Fills
 * *out (overwritten; sync_page_finish frees it, also after a failure).
 * 0; -1 on allocation or database failure, with store_errmsg() saying
 * which for the latter.
 */
int sync_judge_page(struct sync_judge *j, const char *path, const char *text,
    size_t len, struct sync_page *out);
void sync_page_finish(struct sync_page *p);

/* The registry state a claim's ID leads to (an alias: its current ID's). */
const struct trial_state *sync_judge_state(const struct sync_judge *j,
    const char *nct_id);

#endif

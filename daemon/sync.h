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

#include "alerts.h"
#include "backfill.h"
#include "store.h"

struct config;
struct event_base;
struct fetch;
struct fetch_opts;
struct registry_opts;

/* What one cycle did, for -v, the run record and /metrics. */
struct sync_result {
	struct store_run run;		/* what committed, as in sync_runs */
	unsigned trials_failed;		/* trials with an error this cycle */
	unsigned alerts_sent;
	unsigned alerts_failed;
	struct alerts_counts alerts;	/* the same, per sink */
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
/* The registry client's options of a cycle, from cfg (borrowed from it). */
void sync_registry_opts(const struct config *cfg, struct registry_opts *ro);

#endif

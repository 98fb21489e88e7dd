/*
 * backfill.h - the backfill stage of a cycle ([tracking] backfill): each
 * tracked trial gets the versions the registry kept from before ctmirror
 * first saw it, read from its History of Changes (history.c) within a
 * budget of requests, staged as they arrive (so a backfill goes on where
 * an earlier cycle, a fault or a kill left it) and joined to the versions
 * seen live in one transaction: oldest first, numbered before them, with
 * their field-level changes (diff.c), and none stored twice.
 */
#ifndef CTMIRROR_BACKFILL_H
#define CTMIRROR_BACKFILL_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct fetch;
struct store;

/* What one stage did, for the log, `status` and /metrics. */
struct backfill_result {
	unsigned requests;	/* sent to the history endpoints */
	unsigned versions;	/* versions fetched and staged */
	unsigned stored;	/* history versions added to trials' lives */
	unsigned trials_done;	/* trials whose history was joined */
	unsigned trials_failed;	/* given up for good this cycle */
	unsigned pending;	/* trials whose backfill is not done, after */
	bool endpoint_failed;	/* the endpoints failed: resumes next cycle */
	bool over_max;		/* more pending than backfill_max_trials: none read */
};

/*
 * Run the stage: queue newly tracked trials, then work the open backfills
 * (newest tracked first) until cfg->backfill_requests are spent, all are
 * done, or the endpoints fail.  With more trials waiting than
 * cfg->backfill_max_trials (a search of the whole registry) none is read,
 * and the log says so.  Registry failures never fail it: they are
 * logged once, kept with the trial, and tried again next cycle.  `f` and
 * `s` are borrowed; run_id is the run the versions are stored under.
 * 0; -1 when the database failed, with err (errlen bytes) saying so.
 */
int backfill_run(const struct config *cfg, struct store *s, struct fetch *f,
    long long run_id, struct backfill_result *res, char *err, size_t errlen);

#endif

/*
 * metrics.h - ctmirror's Prometheus text exposition: the daemon's
 * /metrics, counters summed over the process's life, and for a `sync`
 * from cron the metrics of its one run as gauges, written whole to a file
 * node_exporter's textfile collector reads ([daemon] metrics_file).
 */
#ifndef CTMIRROR_METRICS_H
#define CTMIRROR_METRICS_H

#include <stdbool.h>

#include "alerts.h"
#include "fetch.h"

struct store_summary;
struct sync_result;

/* The daemon's counters; zero-initialise, then metrics_fold each cycle. */
struct metrics {
	unsigned long cycles_ok, cycles_partial, cycles_failed;
	double last_success;		/* unix time, 0 = never */
	double last_duration;
	double duration_sum;
	unsigned long duration_count;
	unsigned trials_tracked;
	unsigned long versions, changes;
	unsigned long alerts_sent[ALERTS_SINKS], alerts_failed[ALERTS_SINKS];
	unsigned flags_stale, flags_recheck;
	double registry_build;		/* its dataTimestamp, unix time; 0 = none */
	struct fetch_stats http;	/* summed over cycles */
	/* The history backfill (backfill.h). */
	unsigned backfill_pending;	/* as of the last cycle */
	unsigned long backfill_versions, backfill_stored, backfill_failures;
};

/*
 * Add one finished cycle: sync_cycle's rc and result, the HTTP client's
 * counts of that cycle, and the store's summary after it (NULL when the
 * database could not give one).  `now` is the unix time it ended.
 */
void metrics_fold(struct metrics *m, int rc, const struct sync_result *res,
    const struct fetch_stats *http, const struct store_summary *sum,
    double now);

/*
 * The /metrics page: build info, m, and what only the daemon knows now
 * (a cycle is running, the database answered last time).  New (free()),
 * NULL on no memory.
 */
char *metrics_text(const struct metrics *m, bool cycle_running, bool db_up);

/*
 * One sync's metrics as gauges (its outcome, end, duration, counts, the
 * alerts per sink, the registry's answers; the last success from `sum`
 * when this run failed), in Prometheus text, written to `path` whole: a
 * temporary file beside it, flushed, then renamed over it, so a scrape
 * never reads half a file.  0, or -1 with why in err.
 */
int metrics_write_run(const char *path, int rc, const struct sync_result *res,
    const struct fetch_stats *http, const struct store_summary *sum,
    double ended, char *err, size_t errsize);

#endif

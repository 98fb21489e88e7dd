/*
 * metrics.c - the Prometheus text of the daemon's /metrics and of a cron
 * sync's textfile, from the same counts, with the same names where they
 * mean the same thing.
 */
#include "metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "store.h"
#include "sync.h"
#include "text.h"

/* "# HELP name help" and "# TYPE name type". */
static void
metric(struct text_buf *b, const char *name, const char *type,
    const char *help)
{
	text_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* The registry's dataTimestamp ("2026-12-02T13:41:31") as unix time. */
static double
build_time(const char *ts)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ts == NULL || ts[0] == '\0' ||
	    strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return 0;
	return (double)timegm(&tm);
}

static void
build_info(struct text_buf *b)
{
	metric(b, "ctmirror_build_info", "gauge",
	    "Always 1: the version of ctmirror and the schema it needs.");
	text_buf_printf(b,
	    "ctmirror_build_info{version=\"%s\",schema=\"%04d\"} 1\n",
	    CTMIRROR_VERSION, CTMIRROR_SCHEMA_VERSION);
}

static void
add_http(struct fetch_stats *to, const struct fetch_stats *h)
{
	to->requests += h->requests;
	to->responses_2xx += h->responses_2xx;
	to->responses_3xx += h->responses_3xx;
	to->responses_4xx += h->responses_4xx;
	to->responses_5xx += h->responses_5xx;
	to->responses_429 += h->responses_429;
	to->transport_errors += h->transport_errors;
	to->retries += h->retries;
	to->rate_waits += h->rate_waits;
	to->bytes += h->bytes;
}

void
metrics_fold(struct metrics *m, int rc, const struct sync_result *res,
    const struct fetch_stats *http, const struct store_summary *sum,
    double now)
{
	double build = build_time(res->registry_build);

	if (rc == 0)
		m->cycles_ok++;
	else if (rc > 0)
		m->cycles_partial++;
	else
		m->cycles_failed++;
	if (rc >= 0)
		m->last_success = now;
	m->last_duration = res->seconds;
	m->duration_sum += res->seconds;
	m->duration_count++;
	if (res->run.trials_tracked)
		m->trials_tracked = res->run.trials_tracked;
	if (build > 0)
		m->registry_build = build;
	m->versions += res->run.versions_stored;
	m->changes += res->run.changes_stored;
	for (int k = 0; k < ALERTS_SINKS; k++) {
		m->alerts_sent[k] += res->alerts.sent[k];
		m->alerts_failed[k] += res->alerts.failed[k];
	}
	m->backfill_pending = res->backfill.pending;
	m->backfill_versions += res->backfill.versions;
	m->backfill_stored += res->backfill.stored;
	m->backfill_failures += res->backfill.endpoint_failed;
	if (sum != NULL) {
		m->trials_tracked = sum->trials_tracked;
		m->flags_stale = sum->flags_open_stale;
		m->flags_recheck = sum->flags_open_recheck;
	}
	add_http(&m->http, http);
}

/* The registry's answers by class, under `name`. */
static void
requests(struct text_buf *b, const char *name, const struct fetch_stats *h)
{
	text_buf_printf(b, "%s{status=\"2xx\"} %lu\n%s{status=\"3xx\"} %lu\n"
	    "%s{status=\"4xx\"} %lu\n%s{status=\"5xx\"} %lu\n"
	    "%s{status=\"error\"} %lu\n", name, h->responses_2xx, name,
	    h->responses_3xx, name, h->responses_4xx, name, h->responses_5xx,
	    name, h->transport_errors);
}

/* Alerts by sink and result, under `name`. */
static void
alerts(struct text_buf *b, const char *name, const unsigned long *sent,
    const unsigned long *failed)
{
	for (int k = 0; k < ALERTS_SINKS; k++)
		text_buf_printf(b, "%s{sink=\"%s\",result=\"sent\"} %lu\n"
		    "%s{sink=\"%s\",result=\"failed\"} %lu\n", name,
		    alerts_sink_name(k), sent[k], name, alerts_sink_name(k),
		    failed[k]);
}

static void
open_flags(struct text_buf *b, unsigned stale, unsigned recheck)
{
	metric(b, "ctmirror_open_flags", "gauge",
	    "Open, unacknowledged flags by severity (as of the last cycle).");
	text_buf_printf(b, "ctmirror_open_flags{severity=\"stale\"} %u\n"
	    "ctmirror_open_flags{severity=\"recheck\"} %u\n", stale, recheck);
}

char *
metrics_text(const struct metrics *m, bool cycle_running, bool db_up)
{
	struct text_buf b = {0};

	build_info(&b);
	metric(&b, "ctmirror_cycles_total", "counter",
	    "Sync cycles finished, by outcome.");
	text_buf_printf(&b, "ctmirror_cycles_total{outcome=\"ok\"} %lu\n"
	    "ctmirror_cycles_total{outcome=\"partial\"} %lu\n"
	    "ctmirror_cycles_total{outcome=\"failed\"} %lu\n",
	    m->cycles_ok, m->cycles_partial, m->cycles_failed);
	metric(&b, "ctmirror_last_success_timestamp_seconds", "gauge",
	    "Unix time the last cycle completed (ok or partial); 0 if never.");
	text_buf_printf(&b, "ctmirror_last_success_timestamp_seconds %.0f\n",
	    m->last_success);
	metric(&b, "ctmirror_cycle_running", "gauge", "1 while a cycle runs.");
	text_buf_printf(&b, "ctmirror_cycle_running %d\n", cycle_running);
	metric(&b, "ctmirror_cycle_duration_seconds", "summary",
	    "Wall time of finished cycles.");
	text_buf_printf(&b, "ctmirror_cycle_duration_seconds_sum %.3f\n"
	    "ctmirror_cycle_duration_seconds_count %lu\n", m->duration_sum,
	    m->duration_count);
	metric(&b, "ctmirror_last_cycle_duration_seconds", "gauge",
	    "Wall time of the last finished cycle.");
	text_buf_printf(&b, "ctmirror_last_cycle_duration_seconds %.3f\n",
	    m->last_duration);
	metric(&b, "ctmirror_trials_tracked", "gauge", "Trials tracked.");
	text_buf_printf(&b, "ctmirror_trials_tracked %u\n", m->trials_tracked);
	metric(&b, "ctmirror_versions_stored_total", "counter",
	    "New study versions stored by this process.");
	text_buf_printf(&b, "ctmirror_versions_stored_total %lu\n",
	    m->versions);
	metric(&b, "ctmirror_changes_stored_total", "counter",
	    "Field-level changes stored by this process.");
	text_buf_printf(&b, "ctmirror_changes_stored_total %lu\n", m->changes);
	open_flags(&b, m->flags_stale, m->flags_recheck);
	metric(&b, "ctmirror_alerts_total", "counter",
	    "Flags delivered (or not) to each alert sink.");
	alerts(&b, "ctmirror_alerts_total", m->alerts_sent, m->alerts_failed);
	metric(&b, "ctmirror_registry_requests_total", "counter",
	    "HTTP requests sent, by response status class (error: no response).");
	requests(&b, "ctmirror_registry_requests_total", &m->http);
	metric(&b, "ctmirror_registry_throttled_total", "counter",
	    "Responses 429 Too Many Requests (also counted in 4xx).");
	text_buf_printf(&b, "ctmirror_registry_throttled_total %lu\n",
	    m->http.responses_429);
	metric(&b, "ctmirror_registry_retries_total", "counter",
	    "Requests retried after an error, 5xx or 429.");
	text_buf_printf(&b, "ctmirror_registry_retries_total %lu\n",
	    m->http.retries);
	metric(&b, "ctmirror_rate_limit_waits_total", "counter",
	    "Requests that waited for the client-side rate limit.");
	text_buf_printf(&b, "ctmirror_rate_limit_waits_total %lu\n",
	    m->http.rate_waits);
	metric(&b, "ctmirror_registry_bytes_total", "counter",
	    "Decompressed response bytes received.");
	text_buf_printf(&b, "ctmirror_registry_bytes_total %llu\n",
	    m->http.bytes);
	metric(&b, "ctmirror_backfill_pending_trials", "gauge",
	    "Trials whose history backfill is not done (as of the last cycle).");
	text_buf_printf(&b, "ctmirror_backfill_pending_trials %u\n",
	    m->backfill_pending);
	metric(&b, "ctmirror_backfill_versions_fetched_total", "counter",
	    "Versions read from the registry's history by this process.");
	text_buf_printf(&b, "ctmirror_backfill_versions_fetched_total %lu\n",
	    m->backfill_versions);
	metric(&b, "ctmirror_backfill_versions_stored_total", "counter",
	    "History versions joined into trials' lives by this process.");
	text_buf_printf(&b, "ctmirror_backfill_versions_stored_total %lu\n",
	    m->backfill_stored);
	metric(&b, "ctmirror_backfill_endpoint_failures_total", "counter",
	    "Cycles in which the registry's history endpoints failed.");
	text_buf_printf(&b, "ctmirror_backfill_endpoint_failures_total %lu\n",
	    m->backfill_failures);
	metric(&b, "ctmirror_registry_data_timestamp_seconds", "gauge",
	    "The registry's data build the last cycle saw (GET /version "
	    "dataTimestamp, UTC); 0 = none.");
	text_buf_printf(&b, "ctmirror_registry_data_timestamp_seconds %.0f\n",
	    m->registry_build);
	metric(&b, "ctmirror_database_up", "gauge",
	    "1 when the last attempt reached the database.");
	text_buf_printf(&b, "ctmirror_database_up %d\n", db_up);
	if (b.failed) {
		text_buf_finish(&b);
		return NULL;
	}
	return b.s;
}

/* A run's gauges, as a textfile collector takes them. */
static char *
run_text(int rc, const struct sync_result *res, const struct fetch_stats *h,
    const struct store_summary *sum, double ended)
{
	struct text_buf b = {0};
	unsigned long sent[ALERTS_SINKS], failed[ALERTS_SINKS];
	const char *outcome = rc == 0 ? "ok" : rc > 0 ? "partial" : "failed";
	double last_ok = rc >= 0 ? ended : 0;

	if (rc < 0 && sum != NULL && sum->last_ok_finished[0]) {
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		if (strptime(sum->last_ok_finished, "%Y-%m-%dT%H:%M:%SZ", &tm))
			last_ok = (double)timegm(&tm);
	}
	for (int k = 0; k < ALERTS_SINKS; k++) {
		sent[k] = res->alerts.sent[k];
		failed[k] = res->alerts.failed[k];
	}
	build_info(&b);
	metric(&b, "ctmirror_last_run_outcome", "gauge",
	    "1 for the outcome of the last `ctmirror sync`, 0 for the others.");
	text_buf_printf(&b, "ctmirror_last_run_outcome{outcome=\"ok\"} %d\n"
	    "ctmirror_last_run_outcome{outcome=\"partial\"} %d\n"
	    "ctmirror_last_run_outcome{outcome=\"failed\"} %d\n",
	    strcmp(outcome, "ok") == 0, strcmp(outcome, "partial") == 0,
	    strcmp(outcome, "failed") == 0);
	metric(&b, "ctmirror_last_run_timestamp_seconds", "gauge",
	    "Unix time the last `ctmirror sync` ended.");
	text_buf_printf(&b, "ctmirror_last_run_timestamp_seconds %.0f\n",
	    ended);
	metric(&b, "ctmirror_last_success_timestamp_seconds", "gauge",
	    "Unix time the last sync completed (ok or partial); 0 if never.");
	text_buf_printf(&b, "ctmirror_last_success_timestamp_seconds %.0f\n",
	    last_ok);
	metric(&b, "ctmirror_last_run_duration_seconds", "gauge",
	    "Wall time of the last `ctmirror sync`.");
	text_buf_printf(&b, "ctmirror_last_run_duration_seconds %.3f\n",
	    res->seconds);
	metric(&b, "ctmirror_trials_tracked", "gauge", "Trials tracked.");
	text_buf_printf(&b, "ctmirror_trials_tracked %u\n", sum != NULL ?
	    sum->trials_tracked : res->run.trials_tracked);
	metric(&b, "ctmirror_last_run_versions_stored", "gauge",
	    "New study versions the last sync stored.");
	text_buf_printf(&b, "ctmirror_last_run_versions_stored %u\n",
	    res->run.versions_stored);
	metric(&b, "ctmirror_last_run_changes_stored", "gauge",
	    "Field-level changes the last sync stored.");
	text_buf_printf(&b, "ctmirror_last_run_changes_stored %u\n",
	    res->run.changes_stored);
	metric(&b, "ctmirror_last_run_flags_raised", "gauge",
	    "Flags the last sync raised.");
	text_buf_printf(&b, "ctmirror_last_run_flags_raised %u\n",
	    res->run.flags_raised);
	if (sum != NULL)
		open_flags(&b, sum->flags_open_stale, sum->flags_open_recheck);
	metric(&b, "ctmirror_last_run_alerts", "gauge",
	    "Flags the last sync delivered (or not) to each alert sink.");
	alerts(&b, "ctmirror_last_run_alerts", sent, failed);
	metric(&b, "ctmirror_last_run_registry_requests", "gauge",
	    "HTTP requests of the last sync, by response status class.");
	requests(&b, "ctmirror_last_run_registry_requests", h);
	metric(&b, "ctmirror_backfill_pending_trials", "gauge",
	    "Trials whose history backfill is not done (after the last sync).");
	text_buf_printf(&b, "ctmirror_backfill_pending_trials %u\n",
	    res->backfill.pending);
	metric(&b, "ctmirror_registry_data_timestamp_seconds", "gauge",
	    "The registry's data build the last sync saw; 0 = none.");
	text_buf_printf(&b, "ctmirror_registry_data_timestamp_seconds %.0f\n",
	    build_time(res->registry_build));
	if (b.failed) {
		text_buf_finish(&b);
		return NULL;
	}
	return b.s;
}

int
metrics_write_run(const char *path, int rc, const struct sync_result *res,
    const struct fetch_stats *http, const struct store_summary *sum,
    double ended, char *err, size_t errsize)
{
	char *text = run_text(rc, res, http, sum, ended), *tmp = NULL;
	size_t len, off = 0;
	int fd = -1, ret = -1;

	if (text == NULL || asprintf(&tmp, "%s.tmp.%ld", path,
	    (long)getpid()) < 0) {
		tmp = NULL;
		snprintf(err, errsize, "out of memory");
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0)
		goto fail;
	len = strlen(text);
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto fail;
		off += (size_t)w;
	}
	/* On disk before it replaces the old file: never half a file. */
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	ret = 0;
	goto out;
fail:
	snprintf(err, errsize, "%s", strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
	free(text);
	return ret;
}

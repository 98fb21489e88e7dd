/*
 * service.c - the daemon: schedule, signals, status endpoint and systemd
 * notifications on the main thread's event loop; each sync cycle on a
 * worker thread (its own event base, HTTP client and database connection).
 */
#include "service.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "build_config.h"
#include "config.h"
#include "fetch.h"
#include "localdb.h"
#include "log.h"
#include "metrics.h"
#include "output.h"
#include "store.h"
#include "sync.h"

#if HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#define notify(...) sd_notifyf(0, __VA_ARGS__)
#else
#define notify(...) ((void)0)
#endif

#define FIRST_BACKOFF 60	/* seconds after the first failed cycle */
#define STOP_GRACE 8		/* seconds a cancelled cycle gets to wind down */
/*
 * Milliseconds the endpoint rests when out of descriptors: long enough
 * not to spin (ten tries a second), short enough to answer again almost
 * as soon as descriptors are free (a second's rest could start just
 * before they were, and be taken twice).
 */
#define ACCEPT_PAUSE_MS 100

struct service;

/* One cycle's worker and what it hands back. */
struct worker {
	struct service *svc;
	struct config *cfg;		/* the config this cycle runs with */
	pthread_t thread;
	struct event_base *base;	/* worker's loop (svc->worker_base) */
	struct event *ev_cancel;	/* activated from the main thread */
	struct fetch *f;
	bool cancel;			/* under svc->mu */
	int rc;
	bool db_failed;			/* could not connect or the DB broke */
	/* An earlier failed cycle's run record, to write first (have_unrecorded). */
	struct sync_result unrecorded;
	bool have_unrecorded, recorded;
	struct sync_result res;
	json_t *trials;			/* per-trial snapshot (new) */
	struct store_summary sum;
	bool have_sum;
	struct fetch_stats http;
};

struct service {
	struct config *cfg;
	struct config *retired;		/* an old config a running cycle still uses */
	const char *config_path;
	int verbosity;

	struct event_base *base;
	/*
	 * Every cycle's loop, made once at start: making one needs
	 * descriptors, and libevent exits the process when it finds none.
	 */
	struct event_base *worker_base;
	struct evhttp *http;
	struct event *ev_hup, *ev_term, *ev_int, *ev_timer, *ev_done;
	struct event *ev_watchdog, *ev_stop_timeout;
	struct evconnlistener *listener;	/* the status endpoint's (borrowed) */
	struct event *ev_accept;	/* re-enables it after a pause */
	double accept_warned;		/* unix time of the last such warning */

	pthread_mutex_t mu;		/* guards everything below */
	struct worker *w;		/* the running cycle, NULL when idle */
	bool stopping;
	unsigned backoff;		/* seconds of the current backoff, 0 = none */
	char phase[32];
	double next_cycle;		/* unix time */
	double started_at;
	bool ever_finished;
	int last_rc;
	char last_error[512];
	double running_started;		/* the cycle running now, 0 when idle */
	double last_started, last_finished;	/* the last finished cycle */
	struct store_run last_run;
	/*
	 * A failed cycle whose run record the database was too far gone to
	 * take: the next cycle writes it before it begins.
	 */
	struct sync_result unrecorded;
	bool have_unrecorded;
	bool db_up, registry_up;
	struct metrics m;
	json_t *trials;
};

static double
wall(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void
iso_time(double t, char out[32])
{
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0) {
		snprintf(out, 32, "%s", "");
		return;
	}
	gmtime_r(&s, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ----------------------------------------------------------- the worker */

static void
on_phase(void *arg, const char *phase)
{
	struct service *svc = arg;

	pthread_mutex_lock(&svc->mu);
	snprintf(svc->phase, sizeof(svc->phase), "%s", phase);
	pthread_mutex_unlock(&svc->mu);
}

static void
on_cancel(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	if (w->f)
		fetch_cancel(w->f);
}

static int
snapshot_trial(void *arg, const struct store_trial_row *r)
{
	json_t *arr = arg;

	json_array_append_new(arr, output_trial_json(r));
	return 0;
}

static struct store *
worker_store(struct worker *w)
{
	struct store *s;
	char *conninfo = NULL, *err = NULL;

	if (localdb_wanted(w->cfg->conninfo) &&
	    localdb_ensure(w->cfg->state_dir, &conninfo, &err) < 0) {
		snprintf(w->res.error, sizeof(w->res.error), "database: %s",
		    err ? err : "local cluster failed");
		free(err);
		return NULL;
	}
	s = store_open(conninfo ? conninfo : w->cfg->conninfo, &err);
	free(conninfo);
	if (s == NULL) {
		snprintf(w->res.error, sizeof(w->res.error), "database: %s",
		    err ? err : "cannot connect");
		free(err);
		return NULL;
	}
	if (store_check_schema(s) < 0) {
		snprintf(w->res.error, sizeof(w->res.error), "database: %s",
		    store_errmsg(s));
		store_close(s);
		return NULL;
	}
	return s;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct service *svc = w->svc;
	struct sync_hooks hooks = {on_phase, NULL, svc};
	struct fetch_opts fo;
	struct store *s = NULL;
	bool cancel;

	w->rc = -1;
	if ((s = worker_store(w)) == NULL) {
		w->db_failed = true;
		goto out;
	}
	/* The last cycle's record first: this one's start would close it. */
	if (w->have_unrecorded)
		w->recorded = sync_record_failure(s, &w->unrecorded) == 0;
	sync_fetch_opts(w->cfg, &fo);
	if ((w->f = fetch_new(w->base, &fo)) == NULL) {
		snprintf(w->res.error, sizeof(w->res.error), "%s",
		    "cannot set up the HTTP client");
		goto out;
	}
	pthread_mutex_lock(&svc->mu);
	cancel = w->cancel;
	pthread_mutex_unlock(&svc->mu);
	if (cancel)
		fetch_cancel(w->f);
	w->rc = sync_cycle(w->cfg, s, w->f, "run", &hooks, &w->res);
	w->http = *fetch_stats(w->f);
	if (w->rc < 0 && !store_ok(s))
		w->db_failed = true;
	if (store_ok(s)) {
		char today[DATE_SIZE];

		config_today(w->cfg, today);
		w->trials = json_array();
		if (store_set_today(s, today) < 0 ||
		    store_each_trial(s, snapshot_trial, w->trials) < 0) {
			json_decref(w->trials);
			w->trials = NULL;
		}
		w->have_sum = store_summary(s, &w->sum) == 0;
	}
out:
	fetch_free(w->f);
	w->f = NULL;
	store_close(s);
	/* Hand the result to the main thread's loop. */
	event_active(svc->ev_done, EV_READ, 0);
	return NULL;
}

/* ---------------------------------------------------------- scheduling */

static void
schedule(struct service *svc, double seconds)
{
	struct timeval tv;

	if (seconds < 0)
		seconds = 0;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	pthread_mutex_lock(&svc->mu);
	svc->next_cycle = wall() + seconds;
	pthread_mutex_unlock(&svc->mu);
	evtimer_add(svc->ev_timer, &tv);
}

static void
start_cycle(evutil_socket_t fd, short what, void *arg)
{
	struct service *svc = arg;
	struct worker *w;

	if (svc->w != NULL || svc->stopping)
		return;		/* never two cycles at once */
	if ((w = calloc(1, sizeof(*w))) == NULL)
		goto retry;
	w->svc = svc;
	w->cfg = svc->cfg;
	w->base = svc->worker_base;
	w->unrecorded = svc->unrecorded;
	w->have_unrecorded = svc->have_unrecorded;
	if ((w->ev_cancel = event_new(w->base, -1, 0, on_cancel, w)) == NULL)
		goto fail;
	pthread_mutex_lock(&svc->mu);
	svc->w = w;
	svc->running_started = wall();
	snprintf(svc->phase, sizeof(svc->phase), "%s", "starting");
	pthread_mutex_unlock(&svc->mu);
	if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
		pthread_mutex_lock(&svc->mu);
		svc->w = NULL;
		pthread_mutex_unlock(&svc->mu);
		goto fail;
	}
	return;
fail:
	if (w->ev_cancel)
		event_free(w->ev_cancel);
	free(w);
retry:
	log_error(
	    "daemon: cannot start a cycle (out of resources); retrying in %d s",
	    FIRST_BACKOFF);
	schedule(svc, FIRST_BACKOFF);
}

static bool
is_db_error(const char *e)
{
	return strncmp(e, "database", 8) == 0;
}

/* Outages are logged when they begin and end, not at every attempt. */
static void
track_outages(struct service *svc, struct worker *w)
{
	bool db_bad = w->db_failed || (w->rc < 0 && is_db_error(w->res.error));
	bool reg_bad = w->rc < 0 && !db_bad &&
	    strncmp(w->res.error, "registry", 8) == 0;

	if (db_bad && svc->db_up)
		log_error("daemon: %s; will keep retrying", w->res.error);
	else if (!db_bad && !svc->db_up)
		log_notice("daemon: database reachable again");
	if (reg_bad && svc->registry_up)
		log_error("daemon: %s; will keep retrying", w->res.error);
	else if (!reg_bad && !svc->registry_up && w->rc >= 0)
		log_notice("daemon: registry reachable again");
	if (w->rc < 0 && !db_bad && !reg_bad && strcmp(w->res.error,
	    "cancelled") != 0)
		log_error("daemon: cycle failed: %s", w->res.error);
	svc->db_up = !db_bad;
	if (w->rc >= 0)
		svc->registry_up = true;
	else if (reg_bad)
		svc->registry_up = false;
}

static void
cycle_done(evutil_socket_t fd, short what, void *arg)
{
	struct service *svc = arg;
	struct worker *w = svc->w;
	unsigned interval;
	double delay;

	if (w == NULL)
		return;
	pthread_join(w->thread, NULL);
	track_outages(svc, w);
	pthread_mutex_lock(&svc->mu);
	svc->w = NULL;
	svc->ever_finished = true;
	svc->last_rc = w->rc;
	svc->last_started = svc->running_started;
	svc->running_started = 0;
	svc->last_finished = wall();
	if (w->recorded)
		svc->have_unrecorded = false;
	if (w->res.unrecorded) {
		svc->unrecorded = w->res;
		svc->have_unrecorded = true;
	}
	svc->last_run = w->res.run;
	snprintf(svc->last_error, sizeof(svc->last_error), "%s", w->res.error);
	metrics_fold(&svc->m, w->rc, &w->res, &w->http,
	    w->have_sum ? &w->sum : NULL, wall());
	if (w->trials) {
		json_decref(svc->trials);
		svc->trials = w->trials;
		w->trials = NULL;
	}
	snprintf(svc->phase, sizeof(svc->phase), "%s", "idle");
	pthread_mutex_unlock(&svc->mu);
	if (svc->retired) {
		config_free(svc->retired);
		svc->retired = NULL;
	}
	event_free(w->ev_cancel);
	if (w->rc >= 0)
		log_info(
		    "daemon: cycle %s in %.1f s: %u versions, %u changes, %u flags raised",
		    w->rc == 0 ? "ok" : "partial",
		    w->res.seconds, w->res.run.versions_stored,
		    w->res.run.changes_stored, w->res.run.flags_raised);
	if (svc->stopping) {
		free(w);
		event_base_loopbreak(svc->base);
		return;
	}
	interval = svc->cfg->interval;
	if (w->rc < 0) {
		/* 1 min doubling up to the interval, not the next interval. */
		svc->backoff = svc->backoff ? svc->backoff * 2 : FIRST_BACKOFF;
		if (svc->backoff > interval)
			svc->backoff = interval;
		delay = svc->backoff;
	} else {
		svc->backoff = 0;
		delay = interval + (svc->cfg->jitter ?
		    (double)arc4random_uniform(svc->cfg->jitter + 1) : 0);
	}
	free(w);
	schedule(svc, delay);
	notify("STATUS=last cycle %s; next in %.0f s",
	    svc->last_rc < 0 ? "failed" : "completed", delay);
}

/* -------------------------------------------------------------- signals */

/* Said at every start and reload that turns verification off, even -q. */
static void
warn_tls(const struct config *cfg)
{
	static const char off[] = "[registry] tls_verify = no: TLS "
	    "certificates are NOT verified";

	if (cfg->tls_verify)
		return;
	if (log_verbosity() < LOG_NORMAL)
		log_error("%s", off);
	else
		log_warnx("%s", off);
}

static void
on_reload(evutil_socket_t fd, short what, void *arg)
{
	struct service *svc = arg;
	struct config_error err;
	struct config *fresh, *old;

	notify("RELOADING=1");
	fresh = config_load(svc->config_path, &err);
	if (fresh == NULL) {
		/*
		 * Keep running on the old config, say exactly what is wrong:
		 * one problem in one line, several each in its own.
		 */
		for (unsigned i = 0; i < err.n && i < CONFIG_MAX_PROBLEMS; i++) {
			const struct config_problem *p = &err.all[i];
			const char *keep = err.n == 1 ?
			    "; keeping the old configuration" : "";

			if (p->line > 0)
				log_error("reload: %s:%d: %s%s", p->file,
				    p->line, p->text, keep);
			else
				log_error("reload: %s%s%s%s", p->file,
				    p->file[0] ? ": " : "", p->text, keep);
		}
		if (err.n != 1)
			log_error("reload: %u problems in the file; keeping the old configuration",
			    err.n);
		notify("READY=1");
		return;
	}
	if (strcmp(fresh->listen, svc->cfg->listen) != 0)
		log_warnx(
		    "reload: [daemon] listen changed to %s; it takes a restart, still serving %s",
		    fresh->listen,
		    svc->cfg->listen);
	log_init(svc->verbosity, strcmp(fresh->log, "syslog") == 0);
	warn_tls(fresh);
	pthread_mutex_lock(&svc->mu);
	old = svc->cfg;
	svc->cfg = fresh;
	pthread_mutex_unlock(&svc->mu);
	/* A running cycle keeps the config it started with until it ends. */
	if (svc->w && svc->w->cfg == old) {
		config_free(svc->retired);
		svc->retired = old;
	} else {
		config_free(old);
	}
	log_notice("reload: configuration reloaded; %zu trials tracked from "
	    "the config", fresh->n_nct_ids);
	notify("READY=1");
}

static void
stop_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct service *svc = arg;

	log_warnx("daemon: the cycle did not stop in time; exiting anyway");
	event_base_loopbreak(svc->base);
}

static void
on_stop(evutil_socket_t fd, short what, void *arg)
{
	struct service *svc = arg;
	struct timeval grace = {STOP_GRACE, 0};

	if (svc->stopping)
		return;
	svc->stopping = true;
	notify("STOPPING=1");
	log_info("daemon: stopping");
	evtimer_del(svc->ev_timer);
	if (svc->w == NULL) {
		event_base_loopbreak(svc->base);
		return;
	}
	/* No new requests; the open transaction commits or rolls back. */
	pthread_mutex_lock(&svc->mu);
	svc->w->cancel = true;
	pthread_mutex_unlock(&svc->mu);
	event_active(svc->w->ev_cancel, EV_READ, 0);
	evtimer_add(svc->ev_stop_timeout, &grace);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	notify("WATCHDOG=1");
}

/* ------------------------------------------------------ status endpoint */

/* The reason phrase of a status the endpoint answers (RFC 9110). */
static const char *
reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 404:
		return "Not Found";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Error";
	}
}

static void
reply(struct evhttp_request *req, int code, const char *type, const char *body)
{
	struct evbuffer *b = evbuffer_new();

	if (b == NULL) {
		evhttp_send_error(req, 500, reason(500));
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", type);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	evbuffer_add(b, body, strlen(body));
	evhttp_send_reply(req, code, reason(code), b);
	evbuffer_free(b);
}

static void
reply_json(struct evhttp_request *req, int code, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;

	if (text == NULL) {
		evhttp_send_error(req, 500, reason(500));
	} else {
		reply(req, code, "application/json", text);
		free(text);
	}
	json_decref(doc);
}

static void
handle_healthz(struct evhttp_request *req, struct service *svc)
{
	const char *why = NULL;
	char last[32];
	int code;

	pthread_mutex_lock(&svc->mu);
	if (!svc->ever_finished)
		why = "no cycle has finished yet";
	else if (!svc->db_up)
		why = "the database does not answer";
	else if (svc->last_rc < 0)
		why = "the last cycle failed";
	code = why ? 503 : 200;
	iso_time(svc->last_finished, last);
	reply_json(req, code, json_pack("{s:s, s:s?, s:s, s:s?, s:s?}",
	    "status", why ? "unhealthy" : "ok", "reason", why,
	    "database", svc->db_up ? "up" : "down",
	    "last_cycle_finished", last[0] ? last : NULL,
	    "last_error", svc->last_error[0] ? svc->last_error : NULL));
	pthread_mutex_unlock(&svc->mu);
}

static void
handle_metrics(struct evhttp_request *req, struct service *svc)
{
	char *text;

	pthread_mutex_lock(&svc->mu);
	text = metrics_text(&svc->m, svc->w != NULL, svc->db_up);
	pthread_mutex_unlock(&svc->mu);
	if (text == NULL) {
		reply(req, 500, "text/plain; charset=utf-8", "out of memory\n");
		return;
	}
	reply(req, 200, "text/plain; version=0.0.4; charset=utf-8", text);
	free(text);
}

static void
handle_status(struct evhttp_request *req, struct service *svc)
{
	const struct config *c;
	char *db = NULL, *registry;
	char started[32], finished[32], next[32], up[32], running[32];
	json_t *ids, *pages, *doc, *run = NULL;

	pthread_mutex_lock(&svc->mu);
	c = svc->cfg;
	ids = json_array();
	for (size_t i = 0; i < c->n_nct_ids; i++)
		json_array_append_new(ids, json_string(c->nct_ids[i]));
	pages = json_array();
	for (size_t i = 0; i < c->n_page_paths; i++)
		json_array_append_new(pages, json_string(c->page_paths[i]));
	/* Never the conninfo or webhook URL as such: they may hold secrets. */
	db = c->conninfo[0] ? config_redact(c->conninfo) : NULL;
	registry = config_redact_url(c->base_url);
	iso_time(svc->last_started, started);
	iso_time(svc->last_finished, finished);
	iso_time(svc->w ? 0 : svc->next_cycle, next);
	iso_time(svc->started_at, up);
	/* The cycle under way, apart from the last one that finished. */
	iso_time(svc->w ? svc->running_started : 0, running);
	if (running[0])
		run = json_pack("{s:s, s:s}", "started_at", running, "phase",
		    svc->phase);
	doc = json_pack("{s:s, s:s, s:s, s:{s:s, s:s, s:o, s:b, s:o, s:i, s:i, "
	    "s:i, s:s, s:i, s:i, s:b}, s:o?, s:{s:s?, s:s?, s:s?, s:s?, s:I, "
	    "s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:s?, s:O?}",
	    "version", CTMIRROR_VERSION, "started_at", up,
	    "phase", svc->w ? svc->phase : "idle",
	    "config",
	    "registry", registry ? registry : "?",
	    "database", db ? db : "local cluster or PG* environment",
	    "tracked_ids", ids, "from_pages", c->from_pages,
	    "pages", pages, "stale_after_days", (int)c->stale_after_days,
	    "interval_seconds", (int)c->interval, "jitter_seconds",
	    (int)c->jitter, "listen", c->listen, "rate_limit_per_minute",
	    (int)c->rate_limit, "concurrency", (int)c->concurrency,
	    "webhook_configured", c->webhook_url[0] != '\0',
	    "running_cycle", run,
	    "last_cycle",
	    "started_at", started[0] ? started : NULL,
	    "finished_at", finished[0] ? finished : NULL,
	    "outcome", !svc->ever_finished ? NULL : svc->last_rc == 0 ? "ok" :
	    svc->last_rc > 0 ? "partial" : "failed",
	    "error", svc->last_error[0] ? svc->last_error : NULL,
	    "run_id", (json_int_t)svc->last_run.run_id,
	    "trials_probed", (int)svc->last_run.trials_probed,
	    "trials_fetched", (int)svc->last_run.trials_fetched,
	    "versions_stored", (int)svc->last_run.versions_stored,
	    "changes_stored", (int)svc->last_run.changes_stored,
	    "flags_raised", (int)svc->last_run.flags_raised,
	    "pages_skipped", (int)svc->last_run.pages_skipped,
	    "errors", (int)svc->last_run.errors,
	    "next_cycle_at", next[0] ? next : NULL,
	    "trials", svc->trials);
	pthread_mutex_unlock(&svc->mu);
	free(db);
	free(registry);
	reply_json(req, 200, doc);
}

static void
route(struct evhttp_request *req, void *arg)
{
	struct service *svc = arg;
	const char *path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));

	if (path == NULL)
		path = "";
	if (strcmp(path, "/healthz") == 0)
		handle_healthz(req, svc);
	else if (strcmp(path, "/metrics") == 0)
		handle_metrics(req, svc);
	else if (strcmp(path, "/status") == 0)
		handle_status(req, svc);
	else
		reply(req, 404, "text/plain; charset=utf-8",
		    "not found: try /healthz, /metrics or /status\n");
}

static void
accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct service *svc = arg;

	evconnlistener_enable(svc->listener);
}

/* The error callback's argument is evhttp's own: one service a process. */
static struct service *accept_svc;

/*
 * accept() failed for want of descriptors (many clients holding
 * connections open): the listening socket stays readable, so without a
 * pause the loop would spin and libevent log a line per turn.  Rest, say
 * so at most once a minute, and try again.
 */
static void
accept_error(struct evconnlistener *l, void *arg)
{
	struct service *svc = accept_svc;
	struct timeval pause = {0, ACCEPT_PAUSE_MS * 1000};
	int e = EVUTIL_SOCKET_ERROR();

	if (wall() - svc->accept_warned >= 60) {
		log_warnx(
		    "status endpoint: cannot accept a connection: %s; pausing %d ms",
		    strerror(e), ACCEPT_PAUSE_MS);
		svc->accept_warned = wall();
	}
	evconnlistener_disable(l);
	evtimer_add(svc->ev_accept, &pause);
}

static int
listen_http(struct service *svc)
{
	struct evhttp_bound_socket *bound;
	char host[256];
	const char *colon = strrchr(svc->cfg->listen, ':');
	size_t hl;
	int port;

	if (colon == NULL)
		return -1;
	hl = (size_t)(colon - svc->cfg->listen);
	if (hl >= sizeof(host))
		return -1;
	memcpy(host, svc->cfg->listen, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	port = atoi(colon + 1);
	if ((svc->http = evhttp_new(svc->base)) == NULL)
		return -1;
	/* Read-only: GET and HEAD, small requests, slow clients cut off. */
	evhttp_set_allowed_methods(svc->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(svc->http, 8192);
	evhttp_set_max_body_size(svc->http, 0);
	evhttp_set_timeout(svc->http, 10);
	evhttp_set_gencb(svc->http, route, svc);
	if ((bound = evhttp_bind_socket_with_handle(svc->http, host,
	    (ev_uint16_t)port)) == NULL ||
	    (svc->ev_accept = evtimer_new(svc->base, accept_resume, svc)) ==
	    NULL)
		return -1;
	svc->listener = evhttp_bound_socket_get_listener(bound);
	accept_svc = svc;
	evconnlistener_set_error_cb(svc->listener, accept_error);
	return 0;
}

/* ---------------------------------------------------------------- run */

/* At start: refuse an older or newer schema; an unreachable DB is retried. */
static int
check_schema_at_start(const struct config *cfg)
{
	struct store *s;
	char *conninfo = NULL, *err = NULL;
	int rc = 0;

	if (localdb_wanted(cfg->conninfo) &&
	    localdb_ensure(cfg->state_dir, &conninfo, &err) < 0) {
		log_warnx("daemon: local database: %s; will retry", err);
		free(err);
		return 0;
	}
	s = store_open(conninfo ? conninfo : cfg->conninfo, &err);
	free(conninfo);
	if (s == NULL) {
		log_warnx("daemon: %s; will retry", err ? err : "no database");
		free(err);
		return 0;
	}
	if (store_check_schema(s) < 0) {
		log_error("%s", store_errmsg(s));
		rc = -1;
	}
	store_close(s);
	return rc;
}

int
service_run(struct config *cfg, const char *config_path, int verbosity)
{
	struct service svc;
	uint64_t wd_usec = 0;
	int rc = 1;

	memset(&svc, 0, sizeof(svc));
	svc.cfg = cfg;
	svc.config_path = config_path;
	svc.verbosity = verbosity;
	svc.db_up = svc.registry_up = true;
	svc.started_at = wall();
	snprintf(svc.phase, sizeof(svc.phase), "%s", "idle");
	pthread_mutex_init(&svc.mu, NULL);
	log_init(verbosity, strcmp(cfg->log, "syslog") == 0);

	/* Worker threads wake the main loop: libevent must know threads. */
	if (evthread_use_pthreads() != 0 || (svc.base = event_base_new()) == NULL ||
	    (svc.worker_base = event_base_new()) == NULL) {
		log_error("daemon: cannot create the event loop");
		goto out;
	}
	if (check_schema_at_start(cfg) < 0)
		goto out;
	if (listen_http(&svc) < 0) {
		log_error("daemon: cannot listen on %s: %s", cfg->listen,
		    strerror(errno));
		goto out;
	}
	svc.ev_hup = evsignal_new(svc.base, SIGHUP, on_reload, &svc);
	svc.ev_term = evsignal_new(svc.base, SIGTERM, on_stop, &svc);
	svc.ev_int = evsignal_new(svc.base, SIGINT, on_stop, &svc);
	svc.ev_timer = evtimer_new(svc.base, start_cycle, &svc);
	svc.ev_done = event_new(svc.base, -1, 0, cycle_done, &svc);
	svc.ev_stop_timeout = evtimer_new(svc.base, stop_timeout, &svc);
	if (!svc.ev_hup || !svc.ev_term || !svc.ev_int || !svc.ev_timer ||
	    !svc.ev_done || !svc.ev_stop_timeout ||
	    evsignal_add(svc.ev_hup, NULL) || evsignal_add(svc.ev_term, NULL) ||
	    evsignal_add(svc.ev_int, NULL)) {
		log_error("daemon: cannot set up events");
		goto out;
	}
#if HAVE_LIBSYSTEMD
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		struct timeval tv = {(time_t)(wd_usec / 2000000),
		    (suseconds_t)(wd_usec / 2 % 1000000)};

		svc.ev_watchdog = event_new(svc.base, -1, EV_PERSIST, on_watchdog,
		    &svc);
		if (svc.ev_watchdog)
			event_add(svc.ev_watchdog, &tv);
	}
#endif
	(void)wd_usec;
	log_notice("daemon: ctmirror %s running; status on http://%s/status, "
	    "a cycle every %u s", CTMIRROR_VERSION, cfg->listen, cfg->interval);
	schedule(&svc, 0);
	notify("READY=1\nSTATUS=running");
	event_base_dispatch(svc.base);
	/* A cycle cut short by the grace timer: wait for the thread briefly. */
	if (svc.w)
		log_warnx("daemon: exiting with a cycle still winding down");
	log_notice("daemon: stopped");
	rc = 0;
out:
	if (svc.ev_watchdog)
		event_free(svc.ev_watchdog);
	if (svc.ev_hup)
		event_free(svc.ev_hup);
	if (svc.ev_term)
		event_free(svc.ev_term);
	if (svc.ev_int)
		event_free(svc.ev_int);
	if (svc.ev_timer)
		event_free(svc.ev_timer);
	if (svc.ev_stop_timeout)
		event_free(svc.ev_stop_timeout);
	if (svc.ev_accept)
		event_free(svc.ev_accept);
	if (svc.http)
		evhttp_free(svc.http);
	if (!svc.w) {
		if (svc.ev_done)
			event_free(svc.ev_done);
		if (svc.base)
			event_base_free(svc.base);
		if (svc.worker_base)
			event_base_free(svc.worker_base);
		config_free(svc.retired);
		config_free(svc.cfg);
		json_decref(svc.trials);
		pthread_mutex_destroy(&svc.mu);
	}
	/* else: a worker still holds them; the process is about to exit. */
	return rc;
}

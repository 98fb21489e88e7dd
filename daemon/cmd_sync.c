/*
 * cmd_sync.c - the commands that talk to the registry: check-config
 * (--online counts each search's matches), sync (one cycle) and run
 * (the daemon).
 */
#include "cmd.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "fetch.h"
#include "listing.h"
#include "log.h"
#include "metrics.h"
#include "registry.h"
#include "service.h"
#include "store.h"
#include "sync.h"

/* An event base + HTTP client configured from cfg, for sync and alerts. */
static struct fetch *
make_fetch(const struct config *cfg, struct event_base **base)
{
	struct fetch_opts fo;
	struct fetch *f;

	if ((*base = event_base_new()) == NULL)
		return NULL;
	sync_fetch_opts(cfg, &fo);
	if ((f = fetch_new(*base, &fo)) == NULL) {
		event_base_free(*base);
		*base = NULL;
	}
	return f;
}

/* Progress on a terminal only (log_progress): never under cron. */
static void
show_phase(void *arg, const char *phase)
{
	if (strcmp(phase, "probe") == 0)
		log_progress("probing tracked trials...");
	else if (strcmp(phase, "pages") == 0)
		log_progress("reading pages...");
	else if (strcmp(phase, "idle") == 0)
		log_progress_clear();
}

static void
show_progress(void *arg, unsigned done, unsigned total, const char *what)
{
	const struct fetch_stats *st = fetch_stats(arg);

	log_progress("%s %u/%u trials, %lu requests, %lu rate-limit waits",
	    what, done, total, st->requests, st->rate_waits);
}

/*
 * [daemon] metrics_file: this run's metrics for a textfile collector.  A
 * file that cannot be written is a warning: the sync itself went as it
 * went, and its exit status says so.
 */
static void
write_metrics(struct cmd_ctx *x, int rc, const struct sync_result *res,
    const struct fetch_stats *http)
{
	struct store_summary sum;
	bool have_sum = store_ok(x->s) && store_summary(x->s, &sum) == 0;
	struct timespec now;
	char err[256];

	clock_gettime(CLOCK_REALTIME, &now);
	if (metrics_write_run(x->cfg->metrics_file, rc, res, http, have_sum ?
	    &sum : NULL, (double)now.tv_sec, err, sizeof(err)) < 0)
		log_warnx("metrics_file=%s: not written: %s",
		    x->cfg->metrics_file, err);
}

int
cmd_check_config(struct cmd_ctx *x)
{
	const struct config *cfg = x->cfg;
	struct event_base *base = NULL;
	struct registry_opts ro;
	struct registry *reg = NULL;
	struct fetch *f = NULL;
	int rc = 0;

	if (cmdline_flag(&x->a, "--online") && cfg->n_searches > 0) {
		/* The registry counts what each search matches. */
		sync_registry_opts(cfg, &ro);
		if ((f = make_fetch(cfg, &base)) == NULL ||
		    (reg = registry_new(f, &ro)) == NULL) {
			log_error("check-config: cannot set up the HTTP client");
			rc = CMD_EXIT_RUNTIME;
			goto out;
		}
		if ((rc = listing_check(cfg, reg, stdout, stderr)) != 0)
			goto out;
	}
	/* Which file it was: the search may have found another than meant. */
	if (cfg->path != NULL)
		log_print(stdout, "%s: configuration OK", cfg->path);
	else
		printf(
		    "configuration OK (no file found: built-in defaults; looked for $CTMIRROR_CONFIG, ./ctmirror.conf and /etc/ctmirror/ctmirror.conf)\n");
out:
	registry_free(reg);
	fetch_free(f);
	if (base != NULL)
		event_base_free(base);
	return rc;
}

int
cmd_sync(struct cmd_ctx *x)
{
	struct event_base *base = NULL;
	struct fetch *f = NULL;
	struct sync_result res;
	struct sync_hooks hooks = {show_phase, show_progress, NULL};
	int rc;

	if ((f = make_fetch(x->cfg, &base)) == NULL) {
		log_error("sync: cannot set up the HTTP client");
		return CMD_EXIT_RUNTIME;
	}
	hooks.arg = f;
	rc = sync_cycle(x->cfg, x->s, f, "sync", log_progress_shown() ?
	    &hooks : NULL, &res);
	if (x->cfg->metrics_file[0] != '\0')
		write_metrics(x, rc, &res, fetch_stats(f));
	fetch_free(f);
	event_base_free(base);
	if (rc < 0) {
		log_error("sync failed: %s; nothing partial was stored", res.error);
		return CMD_EXIT_RUNTIME;
	}
	log_info(
	    "synced %u trials: %u probed, %u fetched, %u new versions, %u changes, %u requests, %u pages, %u flags raised, %u resolved, %.1f s",
	    res.run.trials_tracked, res.run.trials_probed,
	    res.run.trials_fetched, res.run.versions_stored,
	    res.run.changes_stored, res.run.requests, res.run.pages_scanned,
	    res.run.flags_raised, res.run.flags_resolved, res.seconds);
	if (rc > 0) {
		if (res.trials_failed)
			log_error(
			    "sync incomplete: %u trial%s failed (named above); everything else was stored",
			    res.trials_failed, res.trials_failed == 1 ? "" : "s");
		if (res.alerts_failed)
			log_error(
			    "%u alert%s could not be delivered; they stay queued for the next run",
			    res.alerts_failed,
			    res.alerts_failed == 1 ? "" : "s");
		return CMD_EXIT_RUNTIME;
	}
	return 0;
}

/* The service owns the config from here: a reload replaces it. */
int
cmd_run(struct cmd_ctx *x)
{
	struct config *cfg = x->cfg;

	x->cfg = NULL;
	return service_run(cfg, x->config_path, x->verbosity);
}

/*
 * main.c - ctmirror's command line: options, subcommands, exit codes.
 * Exit codes: 0 success; 1 a runtime failure (registry or database);
 * 2 a usage or configuration error.
 */
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alerts.h"
#include "build_config.h"
#include "claims.h"
#include "config.h"
#include "fetch.h"
#include "judge.h"
#include "listing.h"
#include "localdb.h"
#include "log.h"
#include "pages.h"
#include "registry.h"
#include "report.h"
#include "rules.h"
#include "service.h"
#include "store.h"
#include "sync.h"
#include "text.h"
#include "timeline.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	bool needs_db;
	int (*fn)(struct config *cfg, struct store *s, int argc, char **argv);
	const char *const *flags;	/* options it takes; checked before any I/O */
};

static const char *const json_flag[] = {"--json", NULL};
static const char *const online_flag[] = {"--online", NULL};
static const char *const flags_flags[] = {"--all", "--json", NULL};
static const char *const report_flags[] = {"--out", NULL};

static int cmd_check_config(struct config *, struct store *, int, char **);
static int cmd_migrate(struct config *, struct store *, int, char **);
static int cmd_status(struct config *, struct store *, int, char **);
static int cmd_sync(struct config *, struct store *, int, char **);
static int cmd_scan(struct config *, struct store *, int, char **);
static int cmd_flags(struct config *, struct store *, int, char **);
static int cmd_ack(struct config *, struct store *, int, char **);
static int cmd_run(struct config *, struct store *, int, char **);
static int cmd_history(struct config *, struct store *, int, char **);
static int cmd_report(struct config *, struct store *, int, char **);

static const char *const history_flags[] = {"--json", "--since", "--class",
    NULL};

static const struct command commands[] = {
	{"check-config", "[--online]", "parse and validate the config, print \"configuration OK\"",
	    "Reads the configuration (see -c), applies the environment overrides and\n"
	    "validates every key. Prints \"configuration OK\" and exits 0, or prints\n"
	    "FILE:LINE: message and exits 2. --online also asks the registry how\n"
	    "many studies each [tracking] search.NAME matches (a search it refuses\n"
	    "is a FILE:LINE error with its words; exit 1 if it cannot be asked).\n",
	    false, cmd_check_config, online_flag},
	{"migrate", "", "apply pending database migrations",
	    "Applies the migrations compiled into this binary that the database does\n"
	    "not have yet, in order, each in its own transaction, under an advisory\n"
	    "lock. Running it again applies nothing and says so.\n",
	    true, cmd_migrate, NULL},
	{"sync", "", "one cycle: fetch tracked trials, store changes, scan pages, flag, alert",
	    "Runs one cycle, then exits: probes every tracked trial's last-update date,\n"
	    "fetches the records that moved, stores new versions and their field-level\n"
	    "changes (one transaction per batch), reads the pages, flags claims the\n"
	    "registry contradicts, and delivers new alerts. Quiet on success: prints\n"
	    "only new flags and errors (cron mails what it prints); -v tells more.\n"
	    "Exit 0: all done; 1: something failed (named above), nothing partial stored.\n",
	    true, cmd_sync, NULL},
	{"run", "", "the daemon: a cycle every interval; SIGHUP reloads, SIGTERM stops",
	    "Runs as a long-lived service: one cycle at start, then one every\n"
	    "[daemon] interval plus a random jitter; a failed cycle is retried with\n"
	    "backoff (1 min doubling up to the interval). SIGHUP reloads the config\n"
	    "(an invalid file keeps the old one), SIGTERM or SIGINT stop cleanly.\n"
	    "Serves /healthz, /metrics (Prometheus) and /status on [daemon] listen.\n"
	    "With libsystemd it speaks sd_notify (Type=notify, watchdog).\n",
	    false, cmd_run, NULL},
	{"scan", "[--json] [PATH...]", "print the claims on pages and their verdicts (no fetch)",
	    "Extracts the claims of the given pages (default: [pages] paths) and judges\n"
	    "them against the registry state already stored, without fetching or\n"
	    "writing anything. --json prints one JSON document.\n",
	    true, cmd_scan, json_flag},
	{"flags", "[--all] [--json]", "list open (or all) flags",
	    "Lists the open flags (not resolved, not acknowledged); --all lists every\n"
	    "flag ever raised; --json prints a JSON array.\n",
	    true, cmd_flags, flags_flags},
	{"ack", "ID", "silence one flag",
	    "Acknowledges flag ID: it stops showing in `ctmirror flags` and is not\n"
	    "announced again while it stays open.\n",
	    true, cmd_ack, NULL},
	{"status", "[--json]", "tracked trials, last run, open flag count",
	    "Shows every tracked trial's current status, results posting, last\n"
	    "check and whether its results are due under FDAAA 801 (the\n"
	    "results_due view), the last run and the number of open flags.\n"
	    "--json for scripts.\n",
	    true, cmd_status, json_flag},
	{"history", "NCT_ID [--json] [--since DATE] [--class CLASS,...]",
	    "a trial's life, newest first, like git log",
	    "Prints the stored life of one trial, newest first: for each version\n"
	    "(its number, the day it took effect, and whether it was read from the\n"
	    "registry's history or seen live) the status changes, dates moving\n"
	    "(estimated -> actual), results submitted and posted, references added\n"
	    "and other edits. --since YYYY-MM-DD keeps versions from that day on;\n"
	    "--class status,results,references,dates,other keeps those classes\n"
	    "(default: all); --json prints one JSON document for scripts.\n",
	    true, cmd_history, history_flags},
	{"report", "[--out DIR]", "write the HTML report: open flags, trial timelines, pages",
	    "Writes a static HTML site into DIR (default: [report] dir): index.html\n"
	    "lists the open flags by page, worst first; trial/NCT....html draws each\n"
	    "tracked trial's life as a timeline with the page claims about it;\n"
	    "page/N.html shows one page's claims and citations with their verdicts.\n"
	    "No script, no request outside DIR. The new report is written beside DIR\n"
	    "and swapped in whole; DIR must be absent, empty or an earlier report.\n",
	    true, cmd_report, report_flags},
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctmirror [-c FILE] [-v|-q] COMMAND [ARGS]\n"
	    "\n"
	    "Mirrors tracked ClinicalTrials.gov records into PostgreSQL and flags page\n"
	    "claims the registry now contradicts.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --config FILE  configuration file (default: $CTMIRROR_CONFIG,\n"
	    "                     ./ctmirror.conf, /etc/ctmirror/ctmirror.conf)\n"
	    "  -v, --verbose      tell more (twice: debug)\n"
	    "  -q, --quiet        errors only\n"
	    "  -h, --help         this help; COMMAND --help for a command's\n"
	    "  -V, --version      print the version\n"
	    "\n"
	    "Commands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	    "\n"
	    "Exit status: 0 success, 1 runtime failure (registry or database),\n"
	    "2 usage or configuration error.\n");
}

static void
command_help(const struct command *c)
{
	printf("usage: ctmirror [-c FILE] [-v|-q] %s %s\n\n%s", c->name, c->args,
	    c->help);
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	return false;
}

/* Sub-command flags: only --name booleans and positional arguments. */
static int
parse_flags(const char *cmd, int argc, char **argv, const char *const *known,
    bool *set, char ***rest, int *nrest)
{
	*nrest = 0;
	*rest = argv + 1;
	for (int i = 1; i < argc; i++) {
		size_t k;

		if (strncmp(argv[i], "--", 2) != 0 || argv[i][2] == '\0') {
			(*rest)[(*nrest)++] = argv[i];
			continue;
		}
		for (k = 0; known[k]; k++)
			if (strcmp(argv[i], known[k]) == 0) {
				set[k] = true;
				break;
			}
		if (known[k] == NULL) {
			fprintf(stderr, "ctmirror %s: unknown option '%s' "
			    "(try 'ctmirror %s --help')\n", cmd, argv[i], cmd);
			return -1;
		}
	}
	return 0;
}

/* ----------------------------------------------------------- commands */

static struct fetch *make_fetch(const struct config *cfg,
    struct event_base **base);

static int
cmd_check_config(struct config *cfg, struct store *s, int argc, char **argv)
{
	const char *const *known = online_flag;
	bool set[1] = {false};
	struct event_base *base = NULL;
	struct registry_opts ro;
	struct registry *reg = NULL;
	struct fetch *f = NULL;
	char **rest;
	int nrest, rc;

	if (parse_flags("check-config", argc, argv, known, set, &rest,
	    &nrest) < 0 || nrest > 0) {
		if (nrest > 0)
			fprintf(stderr, "ctmirror check-config: takes no "
			    "arguments but --online\n");
		return EXIT_USAGE;
	}
	if (!set[0] || cfg->n_searches == 0) {
		printf("configuration OK\n");
		return 0;
	}
	/* --online: the registry counts what each search matches. */
	sync_registry_opts(cfg, &ro);
	if ((f = make_fetch(cfg, &base)) == NULL ||
	    (reg = registry_new(f, &ro)) == NULL) {
		log_error("check-config: cannot set up the HTTP client");
		rc = EXIT_RUNTIME;
		goto out;
	}
	rc = listing_check(cfg, reg, stdout, stderr);
	if (rc == 0)
		printf("configuration OK\n");
out:
	registry_free(reg);
	fetch_free(f);
	if (base != NULL)
		event_base_free(base);
	return rc;
}

static int
cmd_migrate(struct config *cfg, struct store *s, int argc, char **argv)
{
	int applied, version;

	if (argc > 1) {
		fprintf(stderr, "ctmirror migrate: takes no arguments\n");
		return EXIT_USAGE;
	}
	if (store_migrate(s, &applied) < 0) {
		log_error("migrate: %s; nothing of the failed migration was "
		    "applied", store_errmsg(s));
		return EXIT_RUNTIME;
	}
	if (store_schema_version(s, &version) < 0) {
		log_error("migrate: %s", store_errmsg(s));
		return EXIT_RUNTIME;
	}
	if (applied == 0)
		printf("schema is up to date at %04d; nothing to apply\n", version);
	else
		printf("applied %d migration%s; schema is at %04d\n", applied,
		    applied == 1 ? "" : "s", version);
	return 0;
}

struct status_ctx {
	bool json;
	json_t *arr;
};

static int
status_row(void *arg, const struct store_trial_row *r)
{
	struct status_ctx *x = arg;
	char due[80];

	if (x->json) {
		/* jansson has no nullable integer: "o?" takes NULL. */
		json_array_append_new(x->arr, json_pack(
		    "{s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s, s:i, s:s?, "
		    "s:s?, s:o?}",
		    "nct_id", r->nct_id, "acronym", r->acronym,
		    "overall_status", r->overall_status,
		    "has_results", r->has_results,
		    "results_first_posted", r->results_first_posted[0] ?
		    r->results_first_posted : NULL,
		    "last_update_posted", r->last_update_posted[0] ?
		    r->last_update_posted : NULL,
		    "last_checked_at", r->last_checked_at,
		    "registry_state", r->registry_state,
		    "versions", r->versions,
		    "results_due", r->results_due_state,
		    "results_due_by", r->results_due_by[0] ?
		    r->results_due_by : NULL,
		    "results_days_late", r->results_days_late >= 0 ?
		    json_integer(r->results_days_late) : NULL));
		return 0;
	}
	/* "overdue, due 2025-06-28, 521 days late" (at most ~50 bytes) */
	snprintf(due, sizeof(due), "%s%s%s", r->results_due_state ?
	    r->results_due_state : "-", r->results_due_by[0] ? ", due " : "",
	    r->results_due_by);
	if (r->results_days_late > 0) {
		size_t n = strlen(due);

		snprintf(due + n, sizeof(due) - n, ", %ld day%s late",
		    r->results_days_late, r->results_days_late == 1 ? "" : "s");
	}
	/* The acronym and status are registry text: shown safely. */
	log_print(stdout, "%-12s %-10.10s %-24s %-16s %-12s %-20s %s",
	    r->nct_id, r->acronym ? r->acronym : "-",
	    r->overall_status ? r->overall_status :
	    strcmp(r->registry_state, "not_found") == 0 ? "(not found)" :
	    "(not synced)",
	    r->has_results ? (r->results_first_posted[0] ?
	    r->results_first_posted : "yes") : "no",
	    r->last_update_posted[0] ? r->last_update_posted : "-",
	    r->last_checked_at ? r->last_checked_at : "never", due);
	return 0;
}

static int
cmd_status(struct config *cfg, struct store *s, int argc, char **argv)
{
	const char *const *known = json_flag;
	bool set[1] = {false};
	struct status_ctx x = {0};
	struct store_summary sum;
	struct store_backfill_summary bsum;
	struct store_registry reg;
	char today[DATE_SIZE];
	char **rest;
	int nrest;

	if (parse_flags("status", argc, argv, known, set, &rest, &nrest) < 0 ||
	    nrest > 0) {
		if (nrest > 0)
			fprintf(stderr, "ctmirror status: unexpected argument "
			    "'%s'\n", rest[0]);
		return EXIT_USAGE;
	}
	x.json = set[0];
	config_today(cfg, today);
	if (store_set_today(s, today) < 0 || store_summary(s, &sum) < 0 ||
	    store_last_registry(s, &reg) < 0 ||
	    store_backfill_summary(s, &bsum) < 0)
		goto dberr;
	if (x.json) {
		json_t *doc;
		char *text;

		x.arr = json_array();
		if (store_each_trial(s, status_row, &x) < 0) {
			json_decref(x.arr);
			goto dberr;
		}
		/* jansson has no nullable integer: "o?" takes NULL. */
		doc = json_pack("{s:i, s:o, s:{s:o?, s:s?, s:s?, s:s?, s:s?}, "
		    "s:s?, s:{s:i, s:i}, s:{s:i, s:s?}, s:{s:s?, s:s?}}",
		    "trials_tracked", (int)sum.trials_tracked, "trials", x.arr,
		    "last_run", "run_id", sum.last_run_id ?
		    json_integer(sum.last_run_id) : NULL,
		    "status", sum.last_run_id ? sum.last_run_status : NULL,
		    "started_at", sum.last_run_id ? sum.last_run_started : NULL,
		    "finished_at", sum.last_run_finished[0] ?
		    sum.last_run_finished : NULL,
		    "error", sum.last_run_error[0] ? sum.last_run_error : NULL,
		    "last_success_at", sum.last_ok_finished[0] ?
		    sum.last_ok_finished : NULL,
		    "open_flags", "stale", (int)sum.flags_open_stale,
		    "recheck", (int)sum.flags_open_recheck,
		    "pages_skipped", "count", (int)sum.pages_skipped,
		    "since", sum.pages_skipped_since[0] ?
		    sum.pages_skipped_since : NULL,
		    "registry", "data_timestamp", reg.build[0] ? reg.build :
		    NULL, "seen_at", reg.build[0] ? reg.build_seen_at : NULL);
		/* The history backfill: one member more, kept apart. */
		if (doc != NULL && json_object_set_new(doc, "backfill", json_pack(
		    "{s:i, s:i, s:i, s:I}", "pending", (int)bsum.pending,
		    "done", (int)bsum.done, "failed", (int)bsum.failed,
		    "versions", (json_int_t)bsum.versions)) < 0) {
			json_decref(doc);
			doc = NULL;
		}
		if (doc == NULL ||
		    (text = json_dumps(doc, JSON_INDENT(2))) == NULL) {
			json_decref(doc);
			log_error("status: out of memory");
			return EXIT_RUNTIME;
		}
		printf("%s\n", text);
		free(text);
		json_decref(doc);
		return 0;
	}
	printf("%u tracked trial%s\n\n", sum.trials_tracked,
	    sum.trials_tracked == 1 ? "" : "s");
	printf("%-12s %-10s %-24s %-16s %-12s %-20s %s\n", "NCT ID", "ACRONYM",
	    "STATUS", "RESULTS POSTED", "UPDATED", "LAST CHECKED",
	    "RESULTS DUE (FDAAA 801)");
	if (store_each_trial(s, status_row, &x) < 0)
		goto dberr;
	printf("\n");
	if (sum.last_run_id)
		log_print(stdout, "last run: #%lld %s, started %s%s%s%s%s",
		    sum.last_run_id, sum.last_run_status, sum.last_run_started,
		    sum.last_run_finished[0] ? ", finished " : "",
		    sum.last_run_finished, sum.last_run_error[0] ? ": " : "",
		    sum.last_run_error);
	else
		printf("last run: never (run 'ctmirror sync')\n");
	printf("open flags: %u stale, %u recheck\n", sum.flags_open_stale,
	    sum.flags_open_recheck);
	printf("history backfill: %u trial%s pending, %u done (%llu version%s "
	    "from the registry's history), %u failed\n", bsum.pending,
	    bsum.pending == 1 ? "" : "s", bsum.done, bsum.versions,
	    bsum.versions == 1 ? "" : "s", bsum.failed);
	if (sum.pages_skipped)
		printf("pages skipped: %u, their claims and flags kept (the "
		    "oldest since %s; the sync log says why)\n",
		    sum.pages_skipped, sum.pages_skipped_since);
	/*
	 * The registry's daily data build, as the last run that asked saw
	 * it: registry text, shown safely.
	 */
	if (reg.build[0])
		log_print(stdout, "registry data: build %s (seen by the run "
		    "started %s)", reg.build, reg.build_seen_at);
	return 0;
dberr:
	log_error("status: %s", store_errmsg(s));
	return EXIT_RUNTIME;
}

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

/* Progress on a terminal only: never on a pipe, so never under cron. */
struct progress {
	struct fetch *f;
	bool shown;
};

static void
show_phase(void *arg, const char *phase)
{
	struct progress *p = arg;

	if (strcmp(phase, "idle") == 0 && p->shown) {
		fputs("\r\033[K", stderr);
		p->shown = false;
	} else if (strcmp(phase, "probe") == 0 || strcmp(phase, "pages") == 0) {
		fprintf(stderr, "\r\033[Kctmirror: %s...",
		    strcmp(phase, "probe") == 0 ? "probing tracked trials" :
		    "reading pages");
		p->shown = true;
	}
}

static void
show_progress(void *arg, unsigned done, unsigned total, const char *what)
{
	struct progress *p = arg;
	const struct fetch_stats *st = fetch_stats(p->f);

	fprintf(stderr, "\r\033[Kctmirror: %s %u/%u trials, %lu requests, "
	    "%lu rate-limit waits", what, done, total, st->requests,
	    st->rate_waits);
	p->shown = true;
}

static int
cmd_sync(struct config *cfg, struct store *s, int argc, char **argv)
{
	struct event_base *base = NULL;
	struct fetch *f = NULL;
	struct sync_result res;
	struct progress prog = {0};
	struct sync_hooks hooks = {show_phase, show_progress, &prog};
	int rc;

	if (argc > 1) {
		fprintf(stderr, "ctmirror sync: takes no arguments (try "
		    "'ctmirror sync --help')\n");
		return EXIT_USAGE;
	}
	if ((f = make_fetch(cfg, &base)) == NULL) {
		log_error("sync: cannot set up the HTTP client");
		return EXIT_RUNTIME;
	}
	prog.f = f;
	rc = sync_cycle(cfg, s, f, "sync", isatty(STDERR_FILENO) &&
	    log_verbosity() >= LOG_NORMAL ? &hooks : NULL, &res);
	fetch_free(f);
	event_base_free(base);
	if (rc < 0) {
		log_error("sync failed: %s; nothing partial was stored", res.error);
		return EXIT_RUNTIME;
	}
	log_info("synced %u trials: %u probed, %u fetched, %u new versions, "
	    "%u changes, %u requests, %u pages, %u flags raised, %u resolved, "
	    "%.1f s", res.run.trials_tracked, res.run.trials_probed,
	    res.run.trials_fetched, res.run.versions_stored,
	    res.run.changes_stored, res.run.requests, res.run.pages_scanned,
	    res.run.flags_raised, res.run.flags_resolved, res.seconds);
	if (rc > 0) {
		if (res.trials_failed)
			log_error("sync incomplete: %u trial%s failed (named "
			    "above); everything else was stored",
			    res.trials_failed, res.trials_failed == 1 ? "" : "s");
		if (res.alerts_failed)
			log_error("%u alert%s could not be delivered; they stay "
			    "queued for the next run", res.alerts_failed,
			    res.alerts_failed == 1 ? "" : "s");
		return EXIT_RUNTIME;
	}
	return 0;
}

static int
cmd_run(struct config *cfg, struct store *s, int argc, char **argv)
{
	if (argc > 1) {
		fprintf(stderr, "ctmirror run: takes no arguments\n");
		return EXIT_USAGE;
	}
	return -1;	/* main() hands the config over to service_run() */
}

/* ---------------------------------------------------------------- scan */

struct scan_out {
	struct judge *judge;
	bool json;
	json_t *pages;
	unsigned claims, findings;
	int failed;
};

/*
 * One claim and the verdicts on it: verdicts [from, to) of the page (a
 * claim's verdicts are one run, judge.h), so a page of n claims costs n
 * steps, not n times its verdicts.
 */
static void
scan_claim(struct scan_out *x, const char *path, const struct judge_page *pg,
    size_t i, size_t from, size_t to, json_t *jclaims)
{
	const struct claim *c = &pg->claims.v[i];
	const struct verdict *v;
	char stbuf[160] = "";
	json_t *jv = NULL;
	size_t k;

	x->claims++;
	x->findings += (unsigned)(to - from);
	if (c->kind == CLAIM_STATUS)
		claims_statuses_text(c->statuses, stbuf, sizeof(stbuf));
	if (x->json) {
		jv = json_array();
		for (k = from; k < to; k++) {
			v = &pg->verdicts.v[k];
			json_array_append_new(jv, json_pack("{s:s, s:s, s:s, s:s}",
			    "rule", v->rule,
			    "severity", rules_severity_name(v->severity),
			    "evidence", v->evidence ? v->evidence : "",
			    "link", v->link));
		}
		json_array_append_new(jclaims, json_pack(
		    "{s:i, s:s, s:s, s:s?, s:s?, s:s, s:s, s:o}",
		    "line", c->line, "nct_id", c->nct_id,
		    "kind", claims_kind_name(c->kind),
		    "statuses", c->kind == CLAIM_STATUS ? stbuf : NULL,
		    "as_of", c->as_of[0] ? c->as_of : NULL,
		    "phrase", c->phrase ? c->phrase : "",
		    "excerpt", c->excerpt ? c->excerpt : "",
		    "verdicts", jv));
		return;
	}
	/* The page's name and words, and registry text: shown safely. */
	log_print(stdout, "  %s:%d: %s %s%s%s%s%s \"%s\"", path, c->line,
	    c->nct_id, claims_kind_name(c->kind), stbuf[0] ? " " : "", stbuf,
	    c->as_of[0] ? " as of " : "", c->as_of, c->phrase ? c->phrase : "");
	if (judge_state(x->judge, c->nct_id) == NULL ||
	    judge_state(x->judge, c->nct_id)->overall_status == NULL)
		printf("      (no registry record stored for %s)\n", c->nct_id);
	else if (to == from)
		printf("      ok: %s\n", c->kind == CLAIM_MENTION ?
		    "nothing in the record contradicts the citation" :
		    "the registry agrees");
	for (k = from; k < to; k++) {
		v = &pg->verdicts.v[k];
		log_print(stdout, "      %s [%s]: %s", v->rule,
		    rules_severity_name(v->severity),
		    v->evidence ? v->evidence : "");
	}
}

static int
scan_page(void *arg, const char *path, const char *text, size_t len)
{
	struct scan_out *x = arg;
	struct judge_page pg;
	json_t *jclaims = NULL;
	size_t k = 0;

	if (judge_page(x->judge, path, text, len, &pg) < 0) {
		judge_page_finish(&pg);
		x->failed = 1;
		return -1;
	}
	if (x->json)
		jclaims = json_array();
	else
		log_print(stdout, "%s: %zu claim%s", path, pg.claims.n,
		    pg.claims.n == 1 ? "" : "s");
	for (size_t i = 0; i < pg.claims.n; i++) {
		size_t from = k;

		while (k < pg.verdicts.n && pg.owner[k] == i)
			k++;
		scan_claim(x, path, &pg, i, from, k, jclaims);
	}
	if (x->json)
		json_array_append_new(x->pages, json_pack("{s:s, s:o}", "page",
		    path, "claims", jclaims));
	judge_page_finish(&pg);
	return 0;
}

static int
cmd_scan(struct config *cfg, struct store *s, int argc, char **argv)
{
	const char *const *known = json_flag;
	bool set[1] = {false};
	struct scan_out x;
	char **rest;
	int nrest, rc = EXIT_RUNTIME;
	long pages;

	memset(&x, 0, sizeof(x));
	if (parse_flags("scan", argc, argv, known, set, &rest, &nrest) < 0)
		return EXIT_USAGE;
	x.json = set[0];
	if (nrest == 0 && cfg->n_page_paths == 0) {
		fprintf(stderr, "ctmirror scan: no pages: give PATH arguments or "
		    "set [pages] paths\n");
		return EXIT_USAGE;
	}
	if ((x.judge = judge_new(cfg, s)) == NULL ||
	    judge_prepare(x.judge, nrest ? rest : cfg->page_paths, nrest ?
	    (size_t)nrest : cfg->n_page_paths, cfg->max_page_size) < 0) {
		log_error("scan: %s", store_errmsg(s));
		judge_free(x.judge);
		return EXIT_RUNTIME;
	}
	if (x.json)
		x.pages = json_array();
	pages = nrest ? pages_scan(rest, (size_t)nrest, cfg->max_page_size,
	    scan_page, &x, NULL) : pages_scan(cfg->page_paths,
	    cfg->n_page_paths, cfg->max_page_size, scan_page, &x, NULL);
	if (pages < 0 || x.failed) {
		log_error("scan: %s", x.failed ? store_errmsg(s) :
		    "reading the pages failed");
		goto out;
	}
	if (x.json) {
		char *text = json_dumps(x.pages, JSON_INDENT(2));

		printf("%s\n", text ? text : "[]");
		free(text);
	} else {
		printf("%ld page%s, %u claim%s, %u finding%s\n", pages,
		    pages == 1 ? "" : "s", x.claims, x.claims == 1 ? "" : "s",
		    x.findings, x.findings == 1 ? "" : "s");
	}
	rc = 0;
out:
	json_decref(x.pages);
	judge_free(x.judge);
	return rc;
}

/* --------------------------------------------------------- flags / ack */

struct flags_out {
	bool json;
	json_t *arr;
	unsigned n;
};

static int
flag_row(void *arg, const struct store_flag *f)
{
	struct flags_out *x = arg;

	x->n++;
	if (x->json) {
		json_array_append_new(x->arr, json_pack(
		    "{s:I, s:s, s:i, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, "
		    "s:s, s:s?, s:s?}",
		    "flag_id", (json_int_t)f->flag_id, "page", f->page,
		    "line", f->line, "nct_id", f->nct_id,
		    "claim_kind", f->claim_kind, "claim_text", f->claim_text,
		    "as_of", f->as_of, "rule", f->rule, "severity", f->severity,
		    "evidence", f->evidence, "link", f->link,
		    "raised_at", f->raised_at, "resolved_at", f->resolved_at,
		    "acked_at", f->acked_at));
		return 0;
	}
	if (f->resolved_at)
		printf("[resolved %s] ", f->resolved_at);
	else if (f->acked_at)
		printf("[acked %s] ", f->acked_at);
	alerts_print_flag(stdout, f);
	return 0;
}

static int
cmd_flags(struct config *cfg, struct store *s, int argc, char **argv)
{
	const char *const *known = flags_flags;
	bool set[2] = {false, false};
	struct flags_out x = {0};
	char **rest;
	int nrest;

	if (parse_flags("flags", argc, argv, known, set, &rest, &nrest) < 0 ||
	    nrest > 0) {
		if (nrest > 0)
			fprintf(stderr, "ctmirror flags: unexpected argument "
			    "'%s'\n", rest[0]);
		return EXIT_USAGE;
	}
	x.json = set[1];
	if (x.json)
		x.arr = json_array();
	if (store_each_flag(s, set[0], flag_row, &x) < 0) {
		json_decref(x.arr);
		log_error("flags: %s", store_errmsg(s));
		return EXIT_RUNTIME;
	}
	if (x.json) {
		char *text = json_dumps(x.arr, JSON_INDENT(2));

		printf("%s\n", text ? text : "[]");
		free(text);
		json_decref(x.arr);
	} else if (x.n == 0) {
		printf("no %sflags\n", set[0] ? "" : "open ");
	}
	return 0;
}

static int
cmd_ack(struct config *cfg, struct store *s, int argc, char **argv)
{
	char *end;
	long long id;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: ctmirror ack ID\n");
		return EXIT_USAGE;
	}
	errno = 0;
	id = strtoll(argv[1], &end, 10);
	if (errno || *end || id <= 0) {
		fprintf(stderr, "ctmirror ack: '%s' is not a flag ID\n", argv[1]);
		return EXIT_USAGE;
	}
	rc = store_ack(s, id);
	if (rc < 0) {
		log_error("ack: %s", store_errmsg(s));
		return EXIT_RUNTIME;
	}
	if (rc > 0) {
		fprintf(stderr, "ctmirror ack: no flag %lld\n", id);
		return EXIT_USAGE;
	}
	printf("flag %lld acknowledged\n", id);
	return 0;
}

/* ------------------------------------------------------------ history */

/* A line of registry text on a terminal: through log_print. */
static void
print_line(void *arg, const char *line)
{
	log_print(arg, "%s", line);
}

static int
cmd_history(struct config *cfg, struct store *s, int argc, char **argv)
{
	const char *nct_id = NULL, *since = NULL, *bad;
	unsigned classes = TIMELINE_ALL_CLASSES;
	struct store_versions *m = NULL;
	const struct timeline_version *v;
	struct timeline t = {0};
	bool json = false;
	size_t n;
	int rc = EXIT_RUNTIME;

	for (int i = 1; i < argc; i++) {
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--since") == 0) {
			if (val == NULL || text_date_parse(val, NULL, NULL,
			    NULL) != TEXT_DATE_DAY) {
				fprintf(stderr, "ctmirror history: --since wants "
				    "a day YYYY-MM-DD\n");
				return EXIT_USAGE;
			}
			since = argv[++i];
		} else if (strcmp(argv[i], "--class") == 0) {
			if (val == NULL || timeline_classes(val, &classes,
			    &bad) < 0) {
				fprintf(stderr, "ctmirror history: --class wants "
				    "classes from status,results,references,"
				    "dates,other%s%.*s%s\n", val ? " (not '" : "",
				    val ? (int)strcspn(bad, ",") : 0, val ? bad : "",
				    val ? "')" : "");
				return EXIT_USAGE;
			}
			i++;
		} else if (nct_id == NULL && text_nct_id(argv[i])) {
			nct_id = argv[i];
		} else {
			fprintf(stderr, "ctmirror history: '%s' is not an NCT ID "
			    "(NCT and 8 digits)\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (nct_id == NULL) {
		fprintf(stderr, "usage: ctmirror history NCT_ID [--json] "
		    "[--since DATE] [--class CLASS,...]\n");
		return EXIT_USAGE;
	}
	if ((m = store_load_versions(s, nct_id)) == NULL) {
		log_error("history: %s", store_errmsg(s));
		return EXIT_RUNTIME;
	}
	v = store_versions_list(m, &n);
	if (timeline_build(v, n, classes, since, &t) < 0) {
		log_error("history: out of memory");
		goto out;
	}
	if (json) {
		json_t *doc = timeline_json(nct_id, store_versions_acronym(m), v,
		    n, &t);
		char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;

		json_decref(doc);
		if (text == NULL) {
			log_error("history: out of memory");
			goto out;
		}
		printf("%s\n", text);
		free(text);
	} else if (timeline_text(nct_id, store_versions_acronym(m), v, n, &t,
	    print_line, stdout) < 0) {
		log_error("history: out of memory");
		goto out;
	}
	rc = n > 0 ? 0 : EXIT_RUNTIME;
	if (n == 0)
		log_error("history: no version of %s is stored (is it tracked? "
		    "run 'ctmirror sync')", nct_id);
out:
	timeline_finish(&t);
	store_versions_free(m);
	return rc;
}

/* -------------------------------------------------------------- report */

static int
cmd_report(struct config *cfg, struct store *s, int argc, char **argv)
{
	struct report_stats st;
	const char *dir = cfg->report_dir;
	char today[11], err[1024];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		fprintf(stderr, "ctmirror report: %s (try 'ctmirror report "
		    "--help')\n", strcmp(argv[i], "--out") == 0 ?
		    "--out needs a folder" : "unexpected argument");
		return EXIT_USAGE;
	}
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "ctmirror report: no folder: give --out DIR or "
		    "set [report] dir\n");
		return EXIT_USAGE;
	}
	config_today(cfg, today);
	if (report_write(s, dir, today, &st, err, sizeof(err)) < 0) {
		log_error("report: %s; nothing was changed in %s", err, dir);
		return EXIT_RUNTIME;
	}
	printf("wrote %s/index.html: %u flags, %u trials, %u pages; %u files, "
	    "%.1f MB in %.1f s\n", dir, st.flags, st.trials, st.pages, st.files,
	    (double)st.bytes / 1e6, st.seconds);
	return 0;
}

/* ---------------------------------------------------------------- main */

/* Open the database the config names (or the private local cluster). */
static struct store *
open_store(const struct config *cfg)
{
	struct store *s = NULL;
	char *conninfo = NULL, *err = NULL;

	if (localdb_wanted(cfg->conninfo)) {
		if (localdb_ensure(cfg->state_dir, &conninfo, &err) < 0) {
			log_error("local database: %s", err ? err : "failed");
			free(err);
			return NULL;
		}
	}
	s = store_open(conninfo ? conninfo : cfg->conninfo, &err);
	if (s == NULL) {
		log_error("%s", err ? err : "cannot connect to PostgreSQL");
		free(err);
	}
	free(conninfo);
	return s;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"verbose", no_argument, NULL, 'v'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	const struct command *cmd = NULL;
	const char *config_path = NULL;
	struct config *cfg = NULL;
	struct config_error cerr;
	struct store *s = NULL;
	int ch, verbosity = LOG_NORMAL, rc = EXIT_USAGE;

	signal(SIGPIPE, SIG_IGN);
	/* "+": stop at the command; its own flags follow it. */
	while ((ch = getopt_long(argc, argv, "+c:vqhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'v':
			verbosity = verbosity < LOG_NORMAL ? LOG_NORMAL :
			    verbosity + 1;
			break;
		case 'q':
			verbosity = LOG_QUIET;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("ctmirror %s (schema %04d)\n", CTMIRROR_VERSION,
			    CTMIRROR_SCHEMA_VERSION);
			return 0;
		default:
			fprintf(stderr, "try 'ctmirror --help'\n");
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(argv[0], commands[i].name) == 0)
			cmd = &commands[i];
	if (cmd == NULL) {
		fprintf(stderr, "ctmirror: unknown command '%s' (try 'ctmirror "
		    "--help')\n", argv[0]);
		return EXIT_USAGE;
	}
	if (wants_help(argc, argv)) {
		command_help(cmd);
		return 0;
	}
	log_init(verbosity, false);

	if ((cfg = config_load(config_path, &cerr)) == NULL) {
		if (cerr.line > 0)
			log_print(stderr, "%s:%d: %s", cerr.file, cerr.line,
			    cerr.text);
		else if (cerr.file[0])
			log_print(stderr, "%s: %s", cerr.file, cerr.text);
		else
			log_print(stderr, "ctmirror: %s", cerr.text);
		return EXIT_USAGE;
	}
	/* Loud at every start, whatever the command and even with -q. */
	if (!cfg->tls_verify)
		(verbosity < LOG_NORMAL ? log_error : log_warnx)("[registry] "
		    "tls_verify = no: TLS certificates are NOT verified");
	/* A typo in an option is a usage error, whatever the database says. */
	if (cmd->flags != NULL) {
		char **copy = calloc((size_t)argc + 1, sizeof(*copy)), **rest;
		bool set[4] = {false};
		int nrest, bad;

		if (copy == NULL) {
			rc = EXIT_RUNTIME;
			goto out;
		}
		memcpy(copy, argv, (size_t)argc * sizeof(*copy));
		bad = parse_flags(cmd->name, argc, copy, cmd->flags, set, &rest,
		    &nrest);
		free(copy);
		if (bad < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (cmd->needs_db) {
		if ((s = open_store(cfg)) == NULL) {
			rc = EXIT_RUNTIME;
			goto out;
		}
		if (cmd->fn != cmd_migrate && store_check_schema(s) < 0) {
			log_error("%s", store_errmsg(s));
			rc = EXIT_RUNTIME;
			goto out;
		}
	}
	rc = cmd->fn(cfg, s, argc, argv);
	if (cmd->fn == cmd_run && rc == -1) {
		/* The service owns the config from here (reloads replace it). */
		rc = service_run(cfg, config_path, verbosity);
		cfg = NULL;
	}
out:
	store_close(s);
	config_free(cfg);
	return rc;
}

/*
 * main.c - ctmirror's command line: options, subcommands, exit codes.
 * Exit codes: 0 success; 1 a runtime failure (registry or database);
 * 2 a usage or configuration error.
 */
#include <errno.h>
#include <pwd.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "config.h"
#include "fetch.h"
#include "judge.h"
#include "listing.h"
#include "localdb.h"
#include "log.h"
#include "metrics.h"
#include "output.h"
#include "pages.h"
#include "registry.h"
#include "report.h"
#include "service.h"
#include "store.h"
#include "sync.h"
#include "text.h"
#include "timeline.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

/* An option a command takes: "--json" (a flag) or "--out" with a value. */
struct option_def {
	const char *name;
	const char *value;	/* NULL: a flag; else the value's name in help */
};

#define MAX_OPTIONS 8

/*
 * A command line after parsing, before any I/O: which of the command's
 * options were given (their values), and the positional arguments.
 */
struct args {
	const struct option_def *defs;
	const char *val[MAX_OPTIONS];	/* NULL: not given; "" a flag given */
	char **pos;			/* borrowed from argv */
	int npos;
};

/* What a command runs with.  `cfg` and `s` are main()'s. */
struct ctx {
	struct config *cfg;
	struct store *s;
	const char *config_path;
	int verbosity;
	struct args a;
};

struct command {
	const char *name;
	const char *args;
	const char *summary;
	const char *help;
	bool needs_db;
	int (*fn)(struct ctx *x);
	const struct option_def *options;	/* NULL-terminated; NULL: none */
	int min_pos, max_pos;			/* positional arguments */
	/* Option values checked before any I/O (NULL: none to check). */
	int (*check)(struct ctx *x);
};

static const struct option_def json_option[] = {{"--json", NULL}, {NULL, NULL}};
static const struct option_def online_option[] = {{"--online", NULL},
    {NULL, NULL}};
static const struct option_def flags_options[] = {{"--all", NULL},
    {"--json", NULL}, {NULL, NULL}};
static const struct option_def scan_options[] = {{"--format", "FORMAT"},
    {"--json", NULL}, {"--all", NULL}, {"--fail-on", "SEVERITY"},
    {NULL, NULL}};
static const struct option_def ack_options[] = {{"--reason", "TEXT"},
    {NULL, NULL}};
static const struct option_def report_options[] = {{"--out", "DIR"},
    {NULL, NULL}};
static const struct option_def history_options[] = {{"--json", NULL},
    {"--since", "DATE"}, {"--class", "CLASSES"}, {NULL, NULL}};

static int cmd_check_config(struct ctx *);
static int cmd_migrate(struct ctx *);
static int cmd_status(struct ctx *);
static int cmd_sync(struct ctx *);
static int cmd_scan(struct ctx *);
static int cmd_flags(struct ctx *);
static int cmd_ack(struct ctx *);
static int cmd_run(struct ctx *);
static int cmd_history(struct ctx *);
static int check_history(struct ctx *);
static int cmd_report(struct ctx *);

#define ANY (-1)


static const struct command commands[] = {
	{"check-config", "[--online]", "parse and validate the config, print \"configuration OK\"",
	    "Reads the configuration (see -c), applies the environment overrides and\n"
	    "validates every key. Prints the file it read (or that it used the\n"
	    "built-in defaults) and \"configuration OK\", exit 0; or every problem\n"
	    "in the file as FILE:LINE: message (an unknown key or section with the\n"
	    "nearest known one), exit 2. --online also asks the registry how\n"
	    "many studies each [tracking] search.NAME matches (a search it refuses\n"
	    "is a FILE:LINE error with its words; exit 1 if it cannot be asked).\n",
	    false, cmd_check_config, online_option, 0, 0, NULL},
	{"migrate", "", "apply pending database migrations",
	    "Applies the migrations compiled into this binary that the database does\n"
	    "not have yet, in order, each in its own transaction, under an advisory\n"
	    "lock. Running it again applies nothing and says so.\n",
	    true, cmd_migrate, NULL, 0, 0, NULL},
	{"sync", "", "one cycle: fetch tracked trials, store changes, scan pages, flag, alert",
	    "Runs one cycle, then exits: probes every tracked trial's last-update date,\n"
	    "fetches the records that moved, stores new versions and their field-level\n"
	    "changes (one transaction per batch), reads the pages, flags claims the\n"
	    "registry contradicts, and delivers new alerts. Quiet on success: prints\n"
	    "only new flags and errors (cron mails what it prints); -v tells more.\n"
	    "Exit 0: all done; 1: something failed (named above), nothing partial stored.\n",
	    true, cmd_sync, NULL, 0, 0, NULL},
	{"run", "", "the daemon: a cycle every interval; SIGHUP reloads, SIGTERM stops",
	    "Runs as a long-lived service: one cycle at start, then one every\n"
	    "[daemon] interval plus a random jitter; a failed cycle is retried with\n"
	    "backoff (1 min doubling up to the interval). SIGHUP reloads the config\n"
	    "(an invalid file keeps the old one), SIGTERM or SIGINT stop cleanly.\n"
	    "Serves /healthz, /metrics (Prometheus) and /status on [daemon] listen.\n"
	    "With libsystemd it speaks sd_notify (Type=notify, watchdog).\n",
	    false, cmd_run, NULL, 0, 0, NULL},
	{"scan", "[--format text|json|github|sarif] [--fail-on stale|recheck] [--all] [PATH...]",
	    "check pages against the stored registry, as a CI gate (no fetch)",
	    "Judges the claims of the given pages (default: [pages] paths) against the\n"
	    "registry records already stored, without fetching, starting a database or\n"
	    "writing anything, and prints the findings: claims the registry contradicts\n"
	    "(stale) or that need a fresh look (recheck), less those acknowledged with\n"
	    "`ctmirror ack` and those the page silences with <!-- ctmirror-disable-\n"
	    "next-line [rule] --> or <!-- ctmirror off --> ... <!-- ctmirror on -->.\n"
	    "  --format text    file:line:col: severity: rule: message (default)\n"
	    "  --format json    an array with the field names of `flags --json`\n"
	    "  --format github  GitHub Actions annotations (::error, ::warning)\n"
	    "  --format sarif   SARIF 2.1.0, for code scanning\n"
	    "  --json           the same as --format json\n"
	    "  --all            every claim, not only the findings\n"
	    "  --fail-on        the least severity that fails: stale (default) or recheck\n"
	    "Exit 1: a finding fails; 2: a PATH matches nothing, or no registry data is\n"
	    "stored yet (it says how to get some); 0: otherwise.\n",
	    false, cmd_scan, scan_options, 0, ANY, NULL},
	{"flags", "[--all] [--json]", "list open (or all) flags",
	    "Lists the open flags (not resolved, not acknowledged); --all lists every\n"
	    "flag ever raised; --json prints a JSON array.\n",
	    true, cmd_flags, flags_options, 0, 0, NULL},
	{"ack", "ID... [--reason TEXT]", "silence flags",
	    "Acknowledges the flags ID...: they stop showing in `ctmirror flags` and\n"
	    "are not announced again while they stay open. Who ran it, when, and the\n"
	    "reason given show in `ctmirror flags --all` and the stale_claims view.\n"
	    "All or none: an ID that is no flag acknowledges nothing (exit 2).\n",
	    true, cmd_ack, ack_options, 1, ANY, NULL},
	{"status", "[--json]", "tracked trials, last run, open flag count",
	    "Shows every tracked trial's current status, results posting, last\n"
	    "check and whether its results are due under FDAAA 801 (the\n"
	    "results_due view), the last run and the number of open flags.\n"
	    "--json for scripts. Exit 1 when the last run failed or was\n"
	    "incomplete (the output says why, \"problem\" in JSON), else 0.\n",
	    true, cmd_status, json_option, 0, 0, NULL},
	{"history", "NCT_ID [--json] [--since DATE] [--class CLASS,...]",
	    "a trial's life, newest first, like git log",
	    "Prints the stored life of one trial, newest first: for each version\n"
	    "(its number, the day it took effect, and whether it was read from the\n"
	    "registry's history or seen live) the status changes, dates moving\n"
	    "(estimated -> actual), results submitted and posted, references added\n"
	    "and other edits. --since YYYY-MM-DD keeps versions from that day on;\n"
	    "--class status,results,references,dates,other keeps those classes\n"
	    "(default: all); --json prints one JSON document for scripts.\n",
	    true, cmd_history, history_options, 1, 1, check_history},
	{"report", "[--out DIR]", "write the HTML report: open flags, trial timelines, pages",
	    "Writes a static HTML site into DIR (default: [report] dir): index.html\n"
	    "lists the open flags by page, worst first; trial/NCT....html draws each\n"
	    "tracked trial's life as a timeline with the page claims about it;\n"
	    "page/N.html shows one page's claims and citations with their verdicts.\n"
	    "No script, no request outside DIR. The new report is written beside DIR\n"
	    "and swapped in whole; DIR must be absent, empty or an earlier report.\n",
	    true, cmd_report, report_options, 0, 0, NULL},
	{"help", "[COMMAND]", "this list, or what COMMAND does",
	    "Prints the list of commands, or the help of one.\n",
	    false, NULL, NULL, 0, 1, NULL},	/* main() answers it, no config read */
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: ctmirror [-c FILE] [-v|-q] COMMAND [ARGS]  (options may follow COMMAND)\n"
	    "\n"
	    "Mirrors tracked ClinicalTrials.gov records into PostgreSQL and flags page\n"
	    "claims the registry now contradicts.\n"
	    "\n"
	    "Options:\n"
	    "  -c, --config FILE  configuration file (default: $CTMIRROR_CONFIG,\n"
	    "                     ./ctmirror.conf, /etc/ctmirror/ctmirror.conf)\n"
	    "  -v, --verbose      tell more (twice: debug)\n"
	    "  -q, --quiet        errors only\n"
	    "  -h, --help         this help; 'ctmirror help COMMAND' for a command's\n"
	    "  -V, --version      print the version and the schema version\n"
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

/* The value of option `name` (a flag: ""), or NULL when not given. */
static const char *
arg_value(const struct args *a, const char *name)
{
	for (size_t i = 0; a->defs && a->defs[i].name; i++)
		if (strcmp(a->defs[i].name, name) == 0)
			return a->val[i];
	return NULL;
}

static bool
arg_flag(const struct args *a, const char *name)
{
	return arg_value(a, name) != NULL;
}

/*
 * The command's own options and positional arguments, once, before any
 * I/O, so that a typo is a usage error whatever the database says.
 * argv[0] is the command.  "--name=value" and "--name value" both work;
 * "--" ends the options.  0 / -1 (said on stderr).
 */
static int
parse_args(const struct command *c, int argc, char **argv, struct args *a)
{
	bool options = true;

	memset(a, 0, sizeof(*a));
	a->defs = c->options;
	a->pos = argv + 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq;
		size_t k, len;

		if (!options || strncmp(arg, "--", 2) != 0 || arg[2] == '\0') {
			if (options && strcmp(arg, "--") == 0) {
				options = false;
				continue;
			}
			a->pos[a->npos++] = argv[i];
			continue;
		}
		eq = strchr(arg, '=');
		len = eq ? (size_t)(eq - arg) : strlen(arg);
		for (k = 0; c->options && c->options[k].name; k++)
			if (strlen(c->options[k].name) == len &&
			    strncmp(arg, c->options[k].name, len) == 0)
				break;
		if (c->options == NULL || c->options[k].name == NULL) {
			fprintf(stderr,
			    "ctmirror %s: unknown option '%.*s' (try 'ctmirror %s --help')\n",
			    c->name, (int)len,
			    arg, c->name);
			return -1;
		}
		if (c->options[k].value == NULL) {
			if (eq != NULL) {
				fprintf(stderr,
				    "ctmirror %s: %.*s takes no value\n",
				    c->name, (int)len, arg);
				return -1;
			}
			a->val[k] = "";
		} else if (eq != NULL) {
			a->val[k] = eq + 1;
		} else if (i + 1 < argc) {
			a->val[k] = argv[++i];
		} else {
			fprintf(stderr,
			    "ctmirror %s: %s needs a %s (try 'ctmirror %s --help')\n",
			    c->name, arg,
			    c->options[k].value, c->name);
			return -1;
		}
	}
	if (a->npos < c->min_pos || (c->max_pos != ANY &&
	    a->npos > c->max_pos)) {
		if (c->max_pos == 0)
			fprintf(stderr,
			    "ctmirror %s: takes no arguments ('%s' given; try 'ctmirror %s --help')\n",
			    c->name,
			    a->pos[0], c->name);
		else
			fprintf(stderr, "usage: ctmirror %s %s\n", c->name,
			    c->args);
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------- commands */

static struct fetch *make_fetch(const struct config *cfg,
    struct event_base **base);

static int
cmd_check_config(struct ctx *x)
{
	const struct config *cfg = x->cfg;
	struct event_base *base = NULL;
	struct registry_opts ro;
	struct registry *reg = NULL;
	struct fetch *f = NULL;
	int rc = 0;

	if (arg_flag(&x->a, "--online") && cfg->n_searches > 0) {
		/* The registry counts what each search matches. */
		sync_registry_opts(cfg, &ro);
		if ((f = make_fetch(cfg, &base)) == NULL ||
		    (reg = registry_new(f, &ro)) == NULL) {
			log_error("check-config: cannot set up the HTTP client");
			rc = EXIT_RUNTIME;
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

static int
cmd_migrate(struct ctx *x)
{
	int applied, version;

	if (store_migrate(x->s, &applied) < 0) {
		log_error(
		    "migrate: %s; nothing of the failed migration was applied",
		    store_errmsg(x->s));
		return EXIT_RUNTIME;
	}
	if (store_schema_version(x->s, &version) < 0) {
		log_error("migrate: %s", store_errmsg(x->s));
		return EXIT_RUNTIME;
	}
	if (applied == 0)
		printf("schema is up to date at %04d; nothing to apply\n", version);
	else
		printf("applied %d migration%s; schema is at %04d\n", applied,
		    applied == 1 ? "" : "s", version);
	return 0;
}

static int
cmd_status(struct ctx *x)
{
	struct output o;
	struct store_summary sum;
	struct store_backfill_summary bsum;
	struct store_registry reg;
	char today[DATE_SIZE], why[700];
	int rc = EXIT_RUNTIME;

	output_init(&o, stdout, arg_flag(&x->a, "--json") ? OUTPUT_JSON :
	    OUTPUT_TEXT);
	config_today(x->cfg, today);
	if (store_set_today(x->s, today) < 0 || store_summary(x->s, &sum) < 0 ||
	    store_last_registry(x->s, &reg) < 0 ||
	    store_backfill_summary(x->s, &bsum) < 0)
		goto dberr;
	output_status_begin(&o, &sum);
	if (store_each_trial(x->s, output_status_trial, &o) < 0)
		goto dberr;
	/* Like systemctl is-failed: a script can test the last run. */
	if (output_status_end(&o, &sum, &reg, &bsum) == 0)
		rc = output_status_problem(&sum, why, sizeof(why)) ?
		    EXIT_RUNTIME : 0;
	goto out;
dberr:
	log_error("status: %s", store_errmsg(x->s));
out:
	output_finish(&o);
	return rc;
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
write_metrics(struct ctx *x, int rc, const struct sync_result *res,
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

static int
cmd_sync(struct ctx *x)
{
	struct event_base *base = NULL;
	struct fetch *f = NULL;
	struct sync_result res;
	struct sync_hooks hooks = {show_phase, show_progress, NULL};
	int rc;

	if ((f = make_fetch(x->cfg, &base)) == NULL) {
		log_error("sync: cannot set up the HTTP client");
		return EXIT_RUNTIME;
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
		return EXIT_RUNTIME;
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
		return EXIT_RUNTIME;
	}
	return 0;
}

/* The service owns the config from here: a reload replaces it. */
static int
cmd_run(struct ctx *x)
{
	struct config *cfg = x->cfg;

	x->cfg = NULL;
	return service_run(cfg, x->config_path, x->verbosity);
}

/* ---------------------------------------------------------------- scan */

/* How to get registry data, for a scan that finds none (exit 2). */
#define NO_DATA_HINT "run `ctmirror sync` once (it starts a private " \
	"PostgreSQL cluster in %s and fetches the tracked trials), or point " \
	"[database] conninfo (or CTMIRROR_DATABASE) at a mirror that has them"

/*
 * The database scan reads, without starting or creating one: the one the
 * config names, or the private cluster if it was made and runs.  0 with
 * *s; EXIT_USAGE when there is no registry data to read (said, with how
 * to get it); EXIT_RUNTIME when a database that should answer does not.
 */
static int
open_store_to_read(const struct config *cfg, struct store **s)
{
	char *conninfo = NULL, *err = NULL;
	bool records = false;
	int version = -1, r;

	*s = NULL;
	if (localdb_wanted(cfg->conninfo)) {
		if ((r = localdb_find(cfg->state_dir, &conninfo, &err)) != 0) {
			if (r > 0)
				log_print(stderr,
				    "ctmirror scan: no registry data: " NO_DATA_HINT, cfg->state_dir);
			else
				log_print(stderr,
				    "ctmirror scan: no registry data: %s",
				    err ? err : "no database");
			free(err);
			return EXIT_USAGE;
		}
	}
	*s = store_open(conninfo ? conninfo : cfg->conninfo, &err);
	free(conninfo);
	if (*s == NULL) {
		log_error("%s", err ? err : "cannot connect to PostgreSQL");
		free(err);
		return EXIT_RUNTIME;
	}
	if (store_schema_version(*s, &version) == 0 && version == 0)
		goto no_data;
	if (store_check_schema(*s) < 0) {
		log_error("%s", store_errmsg(*s));
		return EXIT_RUNTIME;
	}
	if (store_has_records(*s, &records) < 0) {
		log_error("scan: %s", store_errmsg(*s));
		return EXIT_RUNTIME;
	}
	if (records)
		return 0;
no_data:
	log_print(stderr, "ctmirror scan: no registry data is stored yet: "
	    NO_DATA_HINT, cfg->state_dir[0] ? cfg->state_dir :
	    "[database] state_dir");
	return EXIT_USAGE;
}

struct scan_pass {
	struct judge *judge;
	struct output o;
	const char *root;
	char *cwd;		/* GitHub and SARIF: paths relative to it */
	int failed;
};

static int
scan_page(void *arg, const char *path, const char *text, size_t len)
{
	struct scan_pass *p = arg;
	struct judge_page pg;
	char *name = pages_name(p->root, path), *shown = NULL;
	int rc = 0;

	/* Code scanning and annotations want paths from the checkout's top. */
	if (p->cwd != NULL)
		shown = pages_name(p->cwd, path);
	if (name == NULL || (p->cwd != NULL && shown == NULL)) {
		p->failed = 1;
		rc = -1;
		goto out;
	}
	if (judge_page(p->judge, path, text, len, &pg) < 0) {
		p->failed = 1;
		rc = -1;
	} else if (output_scan_page(&p->o, shown ? shown : path, name, text,
	    len, &pg, p->judge) < 0) {
		rc = -1;
	}
	judge_page_finish(&pg);
out:
	free(shown);
	free(name);
	return rc;
}

static int
scan_format(const char *f, enum output_format *out)
{
	static const struct {
		const char *name;
		enum output_format format;
	} formats[] = {{"text", OUTPUT_TEXT}, {"json", OUTPUT_JSON},
	    {"github", OUTPUT_GITHUB}, {"sarif", OUTPUT_SARIF}};

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(f, formats[i].name) == 0) {
			*out = formats[i].format;
			return 0;
		}
	return -1;
}

/*
 * A gate, as linters are: exit 1 when a finding at least as severe as
 * --fail-on is not acknowledged, 2 when there is nothing to judge (a path
 * matches nothing, no registry data), 0 otherwise.  Reads only: it
 * starts no database and writes nothing.
 */
static int
cmd_scan(struct ctx *x)
{
	const struct config *cfg = x->cfg;
	const char *format = arg_value(&x->a, "--format");
	const char *fail_on = arg_value(&x->a, "--fail-on");
	enum output_format fmt = OUTPUT_TEXT;
	char *const *paths = x->a.npos ? x->a.pos : cfg->page_paths;
	size_t n = x->a.npos ? (size_t)x->a.npos : cfg->n_page_paths;
	struct store *s = NULL;
	struct scan_pass p;
	char *root = NULL;
	int rc = EXIT_USAGE;
	long pages;

	memset(&p, 0, sizeof(p));
	if (arg_flag(&x->a, "--json"))
		fmt = OUTPUT_JSON;
	if (format != NULL && scan_format(format, &fmt) < 0) {
		log_print(stderr,
		    "ctmirror scan: --format %s: not text, json, github or sarif",
		    format);
		return EXIT_USAGE;
	}
	if (fail_on == NULL)
		fail_on = "stale";
	if (strcmp(fail_on, "stale") != 0 && strcmp(fail_on, "recheck") != 0) {
		log_print(stderr,
		    "ctmirror scan: --fail-on %s: not stale or recheck",
		    fail_on);
		return EXIT_USAGE;
	}
	if (n == 0) {
		fprintf(stderr,
		    "ctmirror scan: no pages: give PATH arguments or set [pages] paths\n");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		if (!pages_matches(paths[i])) {
			log_print(stderr, "ctmirror scan: %s: matches nothing",
			    paths[i]);
			rc = -1;
		}
	if (rc < 0)
		return EXIT_USAGE;
	if ((rc = open_store_to_read(cfg, &s)) != 0)
		goto out;
	rc = EXIT_RUNTIME;
	/* Names as the sync gives them, to find their flags and acks. */
	root = cfg->n_page_paths || cfg->page_root[0] ? pages_root(
	    cfg->page_root, cfg->page_paths, cfg->n_page_paths) :
	    pages_root(NULL, paths, n);
	if ((p.root = root) == NULL) {
		log_error("scan: the pages' root folder: %s", strerror(errno));
		goto out;
	}
	output_init(&p.o, stdout, fmt);
	p.o.all = arg_flag(&x->a, "--all");
	if ((fmt == OUTPUT_GITHUB || fmt == OUTPUT_SARIF) &&
	    (p.cwd = getcwd(NULL, 0)) == NULL) {
		log_error("scan: the working folder: %s", strerror(errno));
		goto out;
	}
	if (store_each_open_flag(s, output_scan_flag, &p.o) < 0 ||
	    (p.judge = judge_new(cfg, s)) == NULL ||
	    judge_prepare(p.judge, paths, n, cfg->max_page_size) < 0) {
		log_error("scan: %s", store_errmsg(s));
		goto out;
	}
	pages = pages_scan(paths, n, cfg->max_page_size, scan_page, &p, NULL);
	if (pages < 0 || p.failed) {
		log_error("scan: %s", p.failed ? store_errmsg(s) :
		    "reading the pages failed");
		goto out;
	}
	if (output_scan_end(&p.o, pages) < 0)
		goto out;
	rc = p.o.stale || (strcmp(fail_on, "recheck") == 0 && p.o.recheck) ?
	    EXIT_RUNTIME : 0;
out:
	output_finish(&p.o);
	judge_free(p.judge);
	store_close(s);
	free(p.cwd);
	free(root);
	return rc;
}

/* --------------------------------------------------------- flags / ack */

static int
cmd_flags(struct ctx *x)
{
	bool all = arg_flag(&x->a, "--all");
	struct output o;
	int rc = EXIT_RUNTIME;

	output_init(&o, stdout, arg_flag(&x->a, "--json") ? OUTPUT_JSON :
	    OUTPUT_TEXT);
	if (store_each_flag(x->s, all, output_flag, &o) < 0)
		log_error("flags: %s", store_errmsg(x->s));
	else if (output_flags_end(&o, all) == 0)
		rc = 0;
	output_finish(&o);
	return rc;
}

/*
 * Who runs this: the login behind sudo, else the user.  For the record
 * of an ack, not for any decision.
 */
static void
who(char *out, size_t size)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;

	if (getuid() == 0 && sudo != NULL && *sudo != '\0')
		snprintf(out, size, "%s", sudo);
	else if ((pw = getpwuid(getuid())) != NULL)
		snprintf(out, size, "%s", pw->pw_name);
	else
		snprintf(out, size, "uid %u", (unsigned)getuid());
	log_safe(out);
}

static int
cmd_ack(struct ctx *x)
{
	const char *reason = arg_value(&x->a, "--reason");
	long long *ids = NULL, missing;
	char by[128];
	int rc = EXIT_USAGE;

	if ((ids = calloc((size_t)x->a.npos, sizeof(*ids))) == NULL) {
		log_error("ack: out of memory");
		return EXIT_RUNTIME;
	}
	for (int i = 0; i < x->a.npos; i++) {
		const char *arg = x->a.pos[i];
		char *end;

		errno = 0;
		ids[i] = strtoll(arg, &end, 10);
		if (errno || *end || ids[i] <= 0) {
			log_print(stderr, "ctmirror ack: '%s' is not a flag ID",
			    arg);
			goto out;
		}
	}
	if (reason != NULL && reason[0] == '\0')
		reason = NULL;
	who(by, sizeof(by));
	switch (store_ack(x->s, ids, (size_t)x->a.npos, by, reason, &missing)) {
	case 0:
		for (int i = 0; i < x->a.npos; i++)
			printf("flag %lld acknowledged\n", ids[i]);
		rc = 0;
		break;
	case 1:
		fprintf(stderr,
		    "ctmirror ack: no flag %lld; nothing was acknowledged\n",
		    missing);
		break;
	default:
		log_error("ack: %s", store_errmsg(x->s));
		rc = EXIT_RUNTIME;
	}
out:
	free(ids);
	return rc;
}

/* ------------------------------------------------------------ history */

/* A line of registry text on a terminal: through log_print. */
static void
print_line(void *arg, const char *line)
{
	log_print(arg, "%s", line);
}

/* --since and --class of `history`, or -1 (said on stderr). */
static int
history_args(const struct args *a, const char **since, unsigned *classes)
{
	const char *cls = arg_value(a, "--class"), *bad;

	*since = arg_value(a, "--since");
	*classes = TIMELINE_ALL_CLASSES;
	if (*since != NULL && text_date_parse(*since, NULL, NULL, NULL) !=
	    TEXT_DATE_DAY) {
		fprintf(stderr,
		    "ctmirror history: --since wants a day YYYY-MM-DD\n");
		return -1;
	}
	if (cls != NULL && timeline_classes(cls, classes, &bad) < 0) {
		fprintf(stderr,
		    "ctmirror history: --class wants classes from status,results,references,dates,other (not '%.*s')\n",
		    (int)strcspn(bad, ","), bad);
		return -1;
	}
	return 0;
}

static int
check_history(struct ctx *x)
{
	const char *since;
	unsigned classes;

	if (!text_nct_id(x->a.pos[0])) {
		fprintf(stderr,
		    "ctmirror history: '%s' is not an NCT ID (NCT and 8 digits)\n",
		    x->a.pos[0]);
		return -1;
	}
	return history_args(&x->a, &since, &classes);
}

static int
cmd_history(struct ctx *x)
{
	const char *nct_id = x->a.pos[0], *since;
	unsigned classes;
	struct store_versions *m = NULL;
	const struct timeline_version *v;
	struct timeline t = {0};
	size_t n;
	int rc = EXIT_RUNTIME;

	if (history_args(&x->a, &since, &classes) < 0)
		return EXIT_USAGE;	/* check_history said so already */
	if ((m = store_load_versions(x->s, nct_id)) == NULL) {
		log_error("history: %s", store_errmsg(x->s));
		return EXIT_RUNTIME;
	}
	v = store_versions_list(m, &n);
	if (timeline_build(v, n, classes, since, &t) < 0) {
		log_error("history: out of memory");
		goto out;
	}
	if (arg_flag(&x->a, "--json")) {
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
		log_error(
		    "history: no version of %s is stored (is it tracked? run 'ctmirror sync')",
		    nct_id);
out:
	timeline_finish(&t);
	store_versions_free(m);
	return rc;
}

/* -------------------------------------------------------------- report */

static int
cmd_report(struct ctx *x)
{
	struct report_stats st;
	const char *dir = arg_value(&x->a, "--out");
	char today[11], err[1024];

	if (dir == NULL)
		dir = x->cfg->report_dir;
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr,
		    "ctmirror report: no folder: give --out DIR or set [report] dir\n");
		return EXIT_USAGE;
	}
	config_today(x->cfg, today);
	if (report_write(x->s, dir, today, &st, err, sizeof(err)) < 0) {
		log_error("report: %s; nothing was changed in %s", err, dir);
		return EXIT_RUNTIME;
	}
	printf(
	    "wrote %s/index.html: %u flags, %u trials, %u pages; %u files, %.1f MB in %.1f s\n",
	    dir, st.flags, st.trials, st.pages, st.files,
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

/* The options every command takes, before or after the command's name. */
struct cmdline {
	const char *config_path;
	int verbosity;
	bool help, version;
	const struct command *cmd;	/* NULL: none named */
	const char *unknown;		/* a command name that is none */
	int argc;			/* the command and its own arguments */
	char **argv;			/* new array of argv's strings */
};

static const struct command *
find_command(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/*
 * One global option at argv[*i] ("-c FILE", "-cFILE", "--config=FILE",
 * "-vq", "--verbose", ...) into cl.  1 when it was one, 0 when it is not
 * a global option (a command's, or a positional argument), -1 on a usage
 * error (said on stderr).
 */
static int
global_option(struct cmdline *cl, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];

	if (strcmp(arg, "--config") == 0 || strncmp(arg, "--config=", 9) == 0) {
		if (arg[8] == '=')
			cl->config_path = arg + 9;
		else if (*i + 1 < argc)
			cl->config_path = argv[++*i];
		else
			goto needs_file;
		return 1;
	}
	if (strcmp(arg, "--verbose") == 0)
		arg = "-v";
	else if (strcmp(arg, "--quiet") == 0)
		arg = "-q";
	else if (strcmp(arg, "--help") == 0)
		arg = "-h";
	else if (strcmp(arg, "--version") == 0)
		arg = "-V";
	/* "-5" is no option (none is a digit): an argument, a bad flag ID. */
	if (arg[0] != '-' || arg[1] == '-' || arg[1] == '\0' ||
	    (arg[1] >= '0' && arg[1] <= '9'))
		return 0;
	for (const char *p = arg + 1; *p; p++) {
		switch (*p) {
		case 'v':
			cl->verbosity = cl->verbosity < LOG_NORMAL ? LOG_NORMAL :
			    cl->verbosity + 1;
			break;
		case 'q':
			cl->verbosity = LOG_QUIET;
			break;
		case 'h':
			cl->help = true;
			break;
		case 'V':
			cl->version = true;
			break;
		case 'c':
			if (p[1] != '\0')
				cl->config_path = p + 1;
			else if (*i + 1 < argc)
				cl->config_path = argv[++*i];
			else
				goto needs_file;
			return 1;
		default:
			fprintf(stderr,
			    "ctmirror: unknown option '-%c' (try 'ctmirror --help')\n",
			    *p);
			return -1;
		}
	}
	return 1;
needs_file:
	fprintf(stderr, "ctmirror: %s needs a FILE (try 'ctmirror --help')\n",
	    argv[*i]);
	return -1;
}

/*
 * The whole command line: global options anywhere (`ctmirror sync -v`,
 * `ctmirror status -c FILE`), the first other word is the command, what
 * is left is the command's (parse_args).  After "--" nothing is an
 * option.  0 / -1 (said on stderr).
 */
static int
parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	bool options = true;

	memset(cl, 0, sizeof(*cl));
	cl->verbosity = LOG_NORMAL;
	if ((cl->argv = calloc((size_t)argc + 1, sizeof(*cl->argv))) == NULL)
		return -1;
	for (int i = 1; i < argc; i++) {
		int r = options ? global_option(cl, argc, argv, &i) : 0;

		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		if (options && strcmp(argv[i], "--") == 0)
			options = false;
		if (cl->argc == 0 && cl->unknown == NULL) {
			if (strncmp(argv[i], "--", 2) == 0) {
				fprintf(stderr,
				    "ctmirror: unknown option '%s' (try 'ctmirror --help')\n",
				    argv[i]);
				return -1;
			}
			if ((cl->cmd = find_command(argv[i])) == NULL) {
				cl->unknown = argv[i];
				continue;
			}
		}
		cl->argv[cl->argc++] = argv[i];
	}
	return 0;
}

/* `ctmirror help [COMMAND]`. */
static int
help(const struct cmdline *cl)
{
	const struct command *c;

	if (cl->argc < 2) {
		usage(stdout);
		return 0;
	}
	if ((c = find_command(cl->argv[1])) == NULL) {
		fprintf(stderr,
		    "ctmirror help: no command '%s' (try 'ctmirror help')\n",
		    cl->argv[1]);
		return EXIT_USAGE;
	}
	command_help(c);
	return 0;
}

/* Say what went wrong in the config: every problem, as FILE:LINE: text. */
static void
config_errors(const struct config_error *e)
{
	for (unsigned i = 0; i < e->n && i < CONFIG_MAX_PROBLEMS; i++) {
		const struct config_problem *p = &e->all[i];

		if (p->line > 0)
			log_print(stderr, "%s:%d: %s", p->file, p->line,
			    p->text);
		else if (p->file[0])
			log_print(stderr, "%s: %s", p->file, p->text);
		else
			log_print(stderr, "ctmirror: %s", p->text);
	}
	if (e->n > CONFIG_MAX_PROBLEMS)
		fprintf(stderr, "ctmirror: ... %u more problems\n",
		    e->n - CONFIG_MAX_PROBLEMS);
	if (e->n > 1)
		log_print(stderr, "%s: %u problems", e->file[0] ? e->file :
		    "ctmirror", e->n);
}

int
main(int argc, char **argv)
{
	struct cmdline cl;
	const struct command *cmd;
	struct config_error cerr;
	struct ctx x;
	int rc = EXIT_USAGE;

	memset(&x, 0, sizeof(x));
	signal(SIGPIPE, SIG_IGN);
	if (parse_cmdline(argc, argv, &cl) < 0)
		goto out;
	cmd = cl.cmd;
	if (cl.version) {
		printf("ctmirror %s (schema %04d)\n", CTMIRROR_VERSION,
		    CTMIRROR_SCHEMA_VERSION);
		rc = 0;
		goto out;
	}
	if (cl.unknown != NULL) {
		fprintf(stderr,
		    "ctmirror: unknown command '%s' (try 'ctmirror --help')\n",
		    cl.unknown);
		goto out;
	}
	if (cmd == NULL) {
		usage(cl.help ? stdout : stderr);
		rc = cl.help ? 0 : EXIT_USAGE;
		goto out;
	}
	if (cmd->fn == NULL) {
		rc = help(&cl);
		goto out;
	}
	if (cl.help) {
		command_help(cmd);
		rc = 0;
		goto out;
	}
	x.config_path = cl.config_path;
	x.verbosity = cl.verbosity;
	log_init(x.verbosity, false);

	if ((x.cfg = config_load(x.config_path, &cerr)) == NULL) {
		config_errors(&cerr);
		goto out;
	}
	/* Loud at every start, whatever the command and even with -q. */
	if (!x.cfg->tls_verify)
		(x.verbosity < LOG_NORMAL ? log_error : log_warnx)("[registry] "
		    "tls_verify = no: TLS certificates are NOT verified");
	/* A typo in an option is a usage error, whatever the database says. */
	if (parse_args(cmd, cl.argc, cl.argv, &x.a) < 0 ||
	    (cmd->check != NULL && cmd->check(&x) < 0))
		goto out;
	if (cmd->needs_db) {
		rc = EXIT_RUNTIME;
		if ((x.s = open_store(x.cfg)) == NULL)
			goto out;
		if (cmd->fn != cmd_migrate && store_check_schema(x.s) < 0) {
			log_error("%s", store_errmsg(x.s));
			goto out;
		}
	}
	rc = cmd->fn(&x);
out:
	store_close(x.s);
	config_free(x.cfg);
	free(cl.argv);
	return rc;
}

/*
 * main.c - ctmirror's entry point: the table of commands (their options,
 * usage and help) and main(), which parses the command line (cmdline.c),
 * loads the configuration, opens the database a command needs and runs
 * it (cmd_*.c).
 * Exit codes: 0 success; 1 a runtime failure (registry or database);
 * 2 a usage or configuration error.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "cmd.h"
#include "cmdline.h"
#include "config.h"
#include "localdb.h"
#include "log.h"
#include "store.h"

static const struct cmdline_option json_option[] = {{"--json", NULL},
    {NULL, NULL}};
static const struct cmdline_option online_option[] = {{"--online", NULL},
    {NULL, NULL}};
static const struct cmdline_option flags_options[] = {{"--all", NULL},
    {"--json", NULL}, {NULL, NULL}};
static const struct cmdline_option scan_options[] = {{"--format", "FORMAT"},
    {"--json", NULL}, {"--all", NULL}, {"--fail-on", "SEVERITY"},
    {NULL, NULL}};
static const struct cmdline_option ack_options[] = {{"--reason", "TEXT"},
    {NULL, NULL}};
static const struct cmdline_option report_options[] = {{"--out", "DIR"},
    {NULL, NULL}};
static const struct cmdline_option history_options[] = {{"--json", NULL},
    {"--since", "DATE"}, {"--class", "CLASSES"}, {NULL, NULL}};

static const struct cmdline_command commands[] = {
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
	    false, cmd_scan, scan_options, 0, CMDLINE_ANY, NULL},
	{"flags", "[--all] [--json]", "list open (or all) flags",
	    "Lists the open flags (not resolved, not acknowledged); --all lists every\n"
	    "flag ever raised; --json prints a JSON array.\n",
	    true, cmd_flags, flags_options, 0, 0, NULL},
	{"ack", "ID... [--reason TEXT]", "silence flags",
	    "Acknowledges the flags ID...: they stop showing in `ctmirror flags` and\n"
	    "are not announced again while they stay open. Who ran it, when, and the\n"
	    "reason given show in `ctmirror flags --all` and the stale_claims view.\n"
	    "All or none: an ID that is no flag acknowledges nothing (exit 2).\n",
	    true, cmd_ack, ack_options, 1, CMDLINE_ANY, NULL},
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
	    true, cmd_history, history_options, 1, 1, cmd_history_check},
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

/* `ctmirror help [COMMAND]`. */
static int
help(const struct cmdline *cl)
{
	const struct cmdline_command *c;

	if (cl->argc < 2) {
		cmdline_usage(stdout, commands, N_COMMANDS);
		return 0;
	}
	if ((c = cmdline_find(commands, N_COMMANDS, cl->argv[1])) ==
	    NULL) {
		fprintf(stderr,
		    "ctmirror help: no command '%s' (try 'ctmirror help')\n",
		    cl->argv[1]);
		return CMD_EXIT_USAGE;
	}
	cmdline_command_help(c);
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
	const struct cmdline_command *cmd;
	struct config_error cerr;
	struct cmd_ctx x;
	int rc = CMD_EXIT_USAGE;

	memset(&x, 0, sizeof(x));
	signal(SIGPIPE, SIG_IGN);
	if (cmdline_parse(&cl, commands, N_COMMANDS, argc, argv) < 0)
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
		cmdline_usage(cl.help ? stdout : stderr, commands,
		    N_COMMANDS);
		rc = cl.help ? 0 : CMD_EXIT_USAGE;
		goto out;
	}
	if (cmd->fn == NULL) {
		rc = help(&cl);
		goto out;
	}
	if (cl.help) {
		cmdline_command_help(cmd);
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
	if (cmdline_parse_args(cmd, cl.argc, cl.argv, &x.a) < 0 ||
	    (cmd->check != NULL && cmd->check(&x) < 0))
		goto out;
	if (cmd->needs_db) {
		rc = CMD_EXIT_RUNTIME;
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
	cmdline_finish(&cl);
	return rc;
}

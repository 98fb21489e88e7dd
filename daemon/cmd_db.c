/*
 * cmd_db.c - the commands that work on the database alone: migrate,
 * status, flags, ack, history (a trial's life) and report (the HTML site).
 */
#include "cmd.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "output.h"
#include "report.h"
#include "store.h"
#include "text.h"
#include "timeline.h"

/* ----------------------------------------------------- migrate / status */

int
cmd_migrate(struct cmd_ctx *x)
{
	int applied, version;

	if (store_migrate(x->s, &applied) < 0) {
		log_error(
		    "migrate: %s; nothing of the failed migration was applied",
		    store_errmsg(x->s));
		return CMD_EXIT_RUNTIME;
	}
	if (store_schema_version(x->s, &version) < 0) {
		log_error("migrate: %s", store_errmsg(x->s));
		return CMD_EXIT_RUNTIME;
	}
	if (applied == 0)
		printf("schema is up to date at %04d; nothing to apply\n", version);
	else
		printf("applied %d migration%s; schema is at %04d\n", applied,
		    applied == 1 ? "" : "s", version);
	return 0;
}

int
cmd_status(struct cmd_ctx *x)
{
	struct output o;
	struct store_summary sum;
	struct store_backfill_summary bsum;
	struct store_registry reg;
	char today[DATE_SIZE], why[700];
	int rc = CMD_EXIT_RUNTIME;

	output_init(&o, stdout, cmdline_flag(&x->a, "--json") ? OUTPUT_JSON :
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
		    CMD_EXIT_RUNTIME : 0;
	goto out;
dberr:
	log_error("status: %s", store_errmsg(x->s));
out:
	output_finish(&o);
	return rc;
}

/* --------------------------------------------------------- flags / ack */

int
cmd_flags(struct cmd_ctx *x)
{
	bool all = cmdline_flag(&x->a, "--all");
	struct output o;
	int rc = CMD_EXIT_RUNTIME;

	output_init(&o, stdout, cmdline_flag(&x->a, "--json") ? OUTPUT_JSON :
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

int
cmd_ack(struct cmd_ctx *x)
{
	const char *reason = cmdline_value(&x->a, "--reason");
	long long *ids = NULL, missing;
	char by[128];
	int rc = CMD_EXIT_USAGE;

	if ((ids = calloc((size_t)x->a.npos, sizeof(*ids))) == NULL) {
		log_error("ack: out of memory");
		return CMD_EXIT_RUNTIME;
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
		rc = CMD_EXIT_RUNTIME;
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
history_args(const struct cmdline_args *a, const char **since,
    unsigned *classes)
{
	const char *cls = cmdline_value(a, "--class"), *bad;

	*since = cmdline_value(a, "--since");
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

int
cmd_history_check(struct cmd_ctx *x)
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

int
cmd_history(struct cmd_ctx *x)
{
	const char *nct_id = x->a.pos[0], *since;
	unsigned classes;
	struct store_versions *m = NULL;
	const struct timeline_version *v;
	struct timeline t = {0};
	size_t n;
	int rc = CMD_EXIT_RUNTIME;

	if (history_args(&x->a, &since, &classes) < 0)
		return CMD_EXIT_USAGE;	/* cmd_history_check said so */
	if ((m = store_load_versions(x->s, nct_id)) == NULL) {
		log_error("history: %s", store_errmsg(x->s));
		return CMD_EXIT_RUNTIME;
	}
	v = store_versions_list(m, &n);
	if (timeline_build(v, n, classes, since, &t) < 0) {
		log_error("history: out of memory");
		goto out;
	}
	if (cmdline_flag(&x->a, "--json")) {
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
	rc = n > 0 ? 0 : CMD_EXIT_RUNTIME;
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

int
cmd_report(struct cmd_ctx *x)
{
	struct report_stats st;
	const char *dir = cmdline_value(&x->a, "--out");
	char today[11], err[1024];

	if (dir == NULL)
		dir = x->cfg->report_dir;
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr,
		    "ctmirror report: no folder: give --out DIR or set [report] dir\n");
		return CMD_EXIT_USAGE;
	}
	config_today(x->cfg, today);
	if (report_write(x->s, dir, today, &st, err, sizeof(err)) < 0) {
		log_error("report: %s; nothing was changed in %s", err, dir);
		return CMD_EXIT_RUNTIME;
	}
	printf(
	    "wrote %s/index.html: %u flags, %u trials, %u pages; %u files, %.1f MB in %.1f s\n",
	    dir, st.flags, st.trials, st.pages, st.files,
	    (double)st.bytes / 1e6, st.seconds);
	return 0;
}

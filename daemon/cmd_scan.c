/*
 * cmd_scan.c - `ctmirror scan`: page claims judged against the registry
 * records already stored, as a CI gate; it fetches, starts and writes
 * nothing.
 */
#include "cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "judge.h"
#include "localdb.h"
#include "log.h"
#include "output.h"
#include "pages.h"
#include "store.h"

/* How to get registry data, for a scan that finds none (exit 2). */
#define NO_DATA_HINT "run `ctmirror sync` once (it starts a private " \
	"PostgreSQL cluster in %s and fetches the tracked trials), or point " \
	"[database] conninfo (or CTMIRROR_DATABASE) at a mirror that has them"

/*
 * The database scan reads, without starting or creating one: the one the
 * config names, or the private cluster if it was made and runs.  0 with
 * *s; CMD_EXIT_USAGE when there is no registry data to read (said, with
 * how to get it); CMD_EXIT_RUNTIME when a database that should answer
 * does not.
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
			return CMD_EXIT_USAGE;
		}
	}
	*s = store_open(conninfo ? conninfo : cfg->conninfo, &err);
	free(conninfo);
	if (*s == NULL) {
		log_error("%s", err ? err : "cannot connect to PostgreSQL");
		free(err);
		return CMD_EXIT_RUNTIME;
	}
	if (store_schema_version(*s, &version) == 0 && version == 0)
		goto no_data;
	if (store_check_schema(*s) < 0) {
		log_error("%s", store_errmsg(*s));
		return CMD_EXIT_RUNTIME;
	}
	if (store_has_records(*s, &records) < 0) {
		log_error("scan: %s", store_errmsg(*s));
		return CMD_EXIT_RUNTIME;
	}
	if (records)
		return 0;
no_data:
	log_print(stderr, "ctmirror scan: no registry data is stored yet: "
	    NO_DATA_HINT, cfg->state_dir[0] ? cfg->state_dir :
	    "[database] state_dir");
	return CMD_EXIT_USAGE;
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
int
cmd_scan(struct cmd_ctx *x)
{
	const struct config *cfg = x->cfg;
	const char *format = cmdline_value(&x->a, "--format");
	const char *fail_on = cmdline_value(&x->a, "--fail-on");
	enum output_format fmt = OUTPUT_TEXT;
	char *const *paths = x->a.npos ? x->a.pos : cfg->page_paths;
	size_t n = x->a.npos ? (size_t)x->a.npos : cfg->n_page_paths;
	struct store *s = NULL;
	struct scan_pass p;
	char *root = NULL;
	int rc = CMD_EXIT_USAGE;
	long pages;

	memset(&p, 0, sizeof(p));
	if (cmdline_flag(&x->a, "--json"))
		fmt = OUTPUT_JSON;
	if (format != NULL && scan_format(format, &fmt) < 0) {
		log_print(stderr,
		    "ctmirror scan: --format %s: not text, json, github or sarif",
		    format);
		return CMD_EXIT_USAGE;
	}
	if (fail_on == NULL)
		fail_on = "stale";
	if (strcmp(fail_on, "stale") != 0 && strcmp(fail_on, "recheck") != 0) {
		log_print(stderr,
		    "ctmirror scan: --fail-on %s: not stale or recheck",
		    fail_on);
		return CMD_EXIT_USAGE;
	}
	if (n == 0) {
		fprintf(stderr,
		    "ctmirror scan: no pages: give PATH arguments or set [pages] paths\n");
		return CMD_EXIT_USAGE;
	}
	for (size_t i = 0; i < n; i++)
		if (!pages_matches(paths[i])) {
			log_print(stderr, "ctmirror scan: %s: matches nothing",
			    paths[i]);
			rc = -1;
		}
	if (rc < 0)
		return CMD_EXIT_USAGE;
	if ((rc = open_store_to_read(cfg, &s)) != 0)
		goto out;
	rc = CMD_EXIT_RUNTIME;
	/* Names as the sync gives them, to find their flags and acks. */
	root = cfg->n_page_paths || cfg->page_root[0] ? pages_root(
	    cfg->page_root, cfg->page_paths, cfg->n_page_paths) :
	    pages_root(NULL, paths, n);
	if ((p.root = root) == NULL) {
		log_error("scan: the pages' root folder: %s", strerror(errno));
		goto out;
	}
	output_init(&p.o, stdout, fmt);
	p.o.all = cmdline_flag(&x->a, "--all");
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
	    CMD_EXIT_RUNTIME : 0;
out:
	output_finish(&p.o);
	judge_free(p.judge);
	store_close(s);
	free(p.cwd);
	free(root);
	return rc;
}

/*
 * test_scan.c - `ctmirror scan` as a CI gate, through the binary: its exit
 * codes (1 a finding fails, 2 nothing to judge, 0 otherwise), every output
 * format (text in line order, JSON with the flags' field names, GitHub
 * annotations, SARIF validated against the SARIF 2.1.0 schema), acks and
 * disable comments honoured, and that it starts no database and writes
 * nothing.  The registry is the fake one, synced once.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakereg.h"
#include "harness.h"

static char *db, *dir, *conf, *cwd, *regdir;
static struct fakereg *reg;

static void
copy(const char *from_rel, const char *to)
{
	char *from = harness_fmt("%s/%s", harness_data(), from_rel);

	cr_assert_eq(harness_copy(from, to), 0, "copy %s", from);
	free(from);
}

static void
setup(void)
{
	char *body;

	db = harness_db_migrated("scan");
	cr_assert_not_null(db);
	dir = harness_tmpdir();
	cwd = getcwd(NULL, 0);
	cr_assert_eq(chdir(dir), 0);
	regdir = harness_fmt("%s/registry", dir);
	cr_assert_eq(mkdir(regdir, 0755), 0);
	cr_assert_eq(mkdir("kb", 0755), 0);
	/* HERA has posted results and a RESULT paper (stale claims). */
	copy("registry/variants/NCT02982915-results.json",
	    "registry/NCT02982915.json");
	copy("registry/default/NCT05233774.json", "registry/NCT05233774.json");
	copy("registry/default/NCT04421456.json", "registry/NCT04421456.json");
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg);
	conf = harness_fmt("%s/ctmirror.conf", dir);
	body = harness_fmt("[database]\nconninfo = %s\n[registry]\nbase_url = "
	    "%s\nrate_limit = 0\nretries = 0\n[pages]\npaths = kb\n[alerts]\n"
	    "stdout = no\nnotify = no\n", db, fakereg_url(reg));
	cr_assert_eq(harness_write(conf, body), 0);
	free(body);
}

static void
teardown(void)
{
	fakereg_stop(reg);
	free(regdir);
	if (cwd != NULL && chdir(cwd) != 0)
		cr_log_error("chdir back failed");
	free(cwd);
	harness_rmtree(dir);
	free(dir);
	free(conf);
	harness_db_drop(db);
}

TestSuite(scan, .init = setup, .fini = teardown, .timeout = 120);

#define NOW "CTMIRROR_NOW=2026-11-23"

/* ctmirror -c conf ARGS... from the test's folder. */
static int
run(struct harness_run *r, const char *a1, const char *a2, const char *a3,
    const char *a4)
{
	const char *argv[] = {"-c", conf, a1, a2, a3, a4, NULL};
	const char *env[] = {NOW, NULL};

	cr_assert_eq(harness_run(r, argv, env), 0);
	return r->status;
}

static void
sync_once(void)
{
	struct harness_run r;

	cr_assert_eq(run(&r, "sync", NULL, NULL, NULL), 0, "%s", r.err);
	harness_run_free(&r);
}

/* kb/stale.md makes stale claims; kb/recheck.md recheck ones only. */
static void
write_pages(void)
{
	cr_assert_eq(harness_write("kb/stale.md", "# Notes\n\n"
	    "HERA (NCT02982915): results pending.\n\n"
	    "Nothing else here.\n"
	    "HERA (NCT02982915) is recruiting.\n"), 0);
	cr_assert_eq(harness_write("kb/recheck.md", "# CLEARMIND\n\n"
	    "CLEARMIND (NCT05233774) results pending as of 2025-01-01.\n"), 0);
	cr_assert_eq(harness_write("kb/clean.md", "# HERA\n\n"
	    "HERA (NCT02982915) has completed.\n"), 0);
}

static long
count(const char *sql)
{
	return harness_db_count(db, sql);
}

Test(scan, exit_codes)
{
	struct harness_run r;
	const char *none_env[] = {"PGHOST=", "PGPORT=", "PGDATABASE=",
	    "PGUSER=", "PGSERVICE=", "PGHOSTADDR=", "CTMIRROR_DATABASE=", NULL};
	char *noconf = harness_fmt("%s/none.conf", dir);
	char *state = harness_fmt("%s/state", dir);
	char *body = harness_fmt("[database]\nstate_dir = state\n[pages]\n"
	    "paths = kb\n");
	const char *none_argv[] = {"-c", noconf, "scan", NULL};

	write_pages();
	/* No database configured and no private cluster made: how to get one. */
	cr_assert_eq(harness_write(noconf, body), 0);
	cr_assert_eq(harness_run(&r, none_argv, none_env), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.err, "run `ctmirror sync` once") != NULL, "%s",
	    r.err);
	cr_expect(strstr(r.err, state) != NULL, "the folder, absolute: %s",
	    r.err);
	cr_expect_neq(access(state, F_OK), 0, "scan made no cluster");
	harness_run_free(&r);
	/* A database with no registry record yet. */
	cr_expect_eq(run(&r, "scan", NULL, NULL, NULL), 2, "%s", r.err);
	cr_expect(strstr(r.err, "no registry data is stored yet") != NULL,
	    "%s", r.err);
	harness_run_free(&r);
	sync_once();
	/* A path that matches nothing, file or glob. */
	cr_expect_eq(run(&r, "scan", "kb/missing.md", NULL, NULL), 2);
	cr_expect(strstr(r.err, "kb/missing.md: matches nothing") != NULL,
	    "%s", r.err);
	harness_run_free(&r);
	cr_expect_eq(run(&r, "scan", "kb/*.markdown", NULL, NULL), 2);
	harness_run_free(&r);
	/* stale fails by default; recheck only with --fail-on recheck. */
	cr_expect_eq(run(&r, "scan", "kb/stale.md", NULL, NULL), 1, "%s",
	    r.err);
	harness_run_free(&r);
	cr_expect_eq(run(&r, "scan", "kb/recheck.md", NULL, NULL), 0, "%s",
	    r.out);
	cr_expect(strstr(r.out, ": recheck: ") != NULL, "%s", r.out);
	harness_run_free(&r);
	cr_expect_eq(run(&r, "scan", "--fail-on", "recheck", "kb/recheck.md"),
	    1);
	harness_run_free(&r);
	cr_expect_eq(run(&r, "scan", "kb/clean.md", NULL, NULL), 0, "%s",
	    r.out);
	cr_expect_str_eq(r.out, "", "only findings are printed");
	harness_run_free(&r);
	cr_expect_eq(run(&r, "scan", "--fail-on", "never", NULL), 2);
	harness_run_free(&r);
	free(body);
	free(state);
	free(noconf);
}

/* Every text line is file:line:col: severity: rule: message, in order. */
Test(scan, text_lines_in_line_order)
{
	struct harness_run r;
	regex_t re;
	regmatch_t m[3];
	long last = 0;
	int lines = 0;

	write_pages();
	sync_once();
	cr_assert_eq(regcomp(&re, "^kb/stale\\.md:([0-9]+):([0-9]+): "
	    "(stale|recheck): [a-z-]+: NCT[0-9]{8}", REG_EXTENDED), 0);
	cr_expect_eq(run(&r, "scan", "kb/stale.md", NULL, NULL), 1);
	for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
		long n;

		cr_expect_eq(regexec(&re, line, 3, m, 0), 0, "%s", line);
		n = strtol(line + m[1].rm_so, NULL, 10);
		cr_expect_geq(n, last, "line order: %s", line);
		last = n;
		lines++;
	}
	cr_expect_geq(lines, 2);
	cr_expect(strstr(r.err, "finding") != NULL, "summary on stderr: %s",
	    r.err);
	harness_run_free(&r);
	regfree(&re);
	/* --all: the page report, every claim. */
	cr_expect_eq(run(&r, "scan", "--all", "kb/clean.md", NULL), 0);
	cr_expect(strstr(r.out, "kb/clean.md: 2 claims") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "ok: the registry agrees") != NULL, "%s",
	    r.out);
	harness_run_free(&r);
}

Test(scan, json_has_the_flags_field_names)
{
	static const char *const fields[] = {"flag_id", "page", "line",
	    "nct_id", "claim_kind", "claim_text", "as_of", "rule", "severity",
	    "evidence", "link", "acked_at"};
	struct harness_run r;
	json_error_t e;
	json_t *doc, *f;

	write_pages();
	sync_once();
	cr_expect_eq(run(&r, "scan", "--format", "json", "kb/stale.md"), 1);
	doc = json_loads(r.out, 0, &e);
	cr_assert_not_null(doc, "%s: %s", e.text, r.out);
	cr_assert(json_is_array(doc) && json_array_size(doc) > 0);
	f = json_array_get(doc, 0);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		cr_expect_not_null(json_object_get(f, fields[i]), "%s",
		    fields[i]);
	cr_expect_str_eq(json_string_value(json_object_get(f, "page")),
	    "kb/stale.md");
	/* The flag the sync raised for the same claim. */
	cr_expect(json_is_integer(json_object_get(f, "flag_id")));
	json_decref(doc);
	harness_run_free(&r);
}

Test(scan, github_annotations)
{
	struct harness_run r;

	write_pages();
	sync_once();
	cr_expect_eq(run(&r, "scan", "--format", "github", "kb"), 1);
	cr_expect(strstr(r.out, "::error file=kb/stale.md,line=3,col=") !=
	    NULL, "%s", r.out);
	cr_expect(strstr(r.out, ",title=ctmirror results-posted (stale)::"
	    "NCT02982915 results-pending \"results pending\": ") != NULL, "%s",
	    r.out);
	cr_expect(strstr(r.out, "::warning file=kb/recheck.md,line=3,") !=
	    NULL, "%s", r.out);
	for (char *p = r.out; *p; p = strchr(p, '\n') + 1) {
		cr_expect(strncmp(p, "::error ", 8) == 0 ||
		    strncmp(p, "::warning ", 10) == 0, "%.80s", p);
		if (strchr(p, '\n') == NULL)
			break;
	}
	harness_run_free(&r);
}

/* A python with jsonschema: Debian's, or the one on PATH. */
static const char *
python(void)
{
	return system("/usr/bin/python3 -c 'import jsonschema' 2>/dev/null") ==
	    0 ? "/usr/bin/python3" : "python3";
}

Test(scan, sarif_is_valid_sarif_2_1_0)
{
	struct harness_run r;
	char *path = harness_fmt("%s/out.sarif", dir), *cmd;
	json_error_t e;
	json_t *doc, *run0;

	write_pages();
	sync_once();
	cr_expect_eq(run(&r, "scan", "--format", "sarif", "kb"), 1);
	cr_assert_eq(harness_write(path, r.out), 0);
	cmd = harness_fmt("%s %s/tests/sarif-validate %s", python(),
	    harness_root(), path);
	cr_expect_eq(system(cmd), 0, "%s: %s", cmd, r.out);
	doc = json_loads(r.out, 0, &e);
	cr_assert_not_null(doc, "%s", e.text);
	run0 = json_array_get(json_object_get(doc, "runs"), 0);
	cr_expect_gt(json_array_size(json_object_get(run0, "results")), 0);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(run0, "tool"), "driver"), "name")), "ctmirror");
	json_decref(doc);
	harness_run_free(&r);
	/* The schema check itself fails a broken log. */
	cr_assert_eq(harness_write(path, "{\"version\": \"2.0\", \"runs\": "
	    "[]}"), 0);
	cr_expect_neq(system(cmd), 0, "an invalid log passes: %s", cmd);
	free(cmd);
	free(path);
}

/*
 * A flag acknowledged with `ctmirror ack` is no finding for scan; --all
 * shows it, and who acknowledged it.  Disable comments silence their
 * lines.  Nothing scan does writes to the database.
 */
Test(scan, acks_and_disable_comments)
{
	struct harness_run r;
	char *id, *flags_before, *runs_before;

	cr_assert_eq(harness_write("kb/stale.md", "# Notes\n\n"
	    "HERA (NCT02982915): results pending.\n"), 0);
	sync_once();
	id = harness_db_value(db, "SELECT flag_id FROM stale_claims WHERE "
	    "rule = 'results-posted'");
	cr_assert_not_null(id);
	cr_expect_eq(run(&r, "scan", "kb/stale.md", NULL, NULL), 1);
	harness_run_free(&r);
	cr_assert_eq(run(&r, "ack", id, "--reason", "fixed upstream"), 0,
	    "%s", r.err);
	harness_run_free(&r);
	flags_before = harness_db_value(db, "SELECT string_agg(flag_id || "
	    "coalesce(resolved_at::text, ''), ',') FROM flags");
	runs_before = harness_db_value(db, "SELECT count(*) FROM sync_runs");
	cr_expect_eq(run(&r, "scan", "kb/stale.md", NULL, NULL), 0, "%s",
	    r.out);
	cr_expect(strstr(r.out, "results-posted") == NULL, "%s", r.out);
	harness_run_free(&r);
	cr_expect_eq(run(&r, "scan", "--all", "kb/stale.md", NULL), 0);
	cr_expect(strstr(r.out, "acknowledged") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "fixed upstream") != NULL, "%s", r.out);
	harness_run_free(&r);
	/* Disable comments: the next line, or the lines between off and on. */
	cr_assert_eq(harness_write("kb/quiet.md", "# Quiet\n\n"
	    "<!-- ctmirror-disable-next-line results-posted -->\n"
	    "HERA (NCT02982915): results pending.\n\n"
	    "<!-- ctmirror off -->\n"
	    "HERA (NCT02982915) is recruiting.\n"
	    "<!-- ctmirror on -->\n"
	    "HERA (NCT02982915) is recruiting.\n"), 0);
	cr_expect_eq(run(&r, "scan", "kb/quiet.md", NULL, NULL), 1);
	cr_expect(strstr(r.out, "results-posted") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "kb/quiet.md:7:") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "kb/quiet.md:9:") != NULL, "%s", r.out);
	harness_run_free(&r);
	/* scan wrote nothing: no run, no flag, no page. */
	{
		char *flags_after = harness_db_value(db, "SELECT string_agg("
		    "flag_id || coalesce(resolved_at::text, ''), ',') FROM "
		    "flags");
		char *runs_after = harness_db_value(db, "SELECT count(*) FROM "
		    "sync_runs");

		cr_expect_str_eq(flags_after, flags_before);
		cr_expect_str_eq(runs_after, runs_before);
		cr_expect_eq(count("SELECT count(*) FROM pages WHERE path = "
		    "'quiet.md'"), 0);
		free(flags_after);
		free(runs_after);
	}
	free(flags_before);
	free(runs_before);
	free(id);
}

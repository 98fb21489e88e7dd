/*
 * test_cli.c - the command line as a user meets it: exit codes 0 / 1 / 2
 * and the words printed for unknown commands, missing or bad config files,
 * --help, help COMMAND and --version, options before or after the
 * command, status's exit code, and the private local database.
 */
#include <criterion/criterion.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

TestSuite(cli, .timeout = 120);

struct cli_case {
	const char *name;
	const char *argv[6];
	int status;
	const char *out;	/* substring of stdout, or NULL */
	const char *err;	/* substring of stderr, or NULL */
};

static const struct cli_case cases[] = {
	{"no command", {NULL}, 2, NULL, "usage: ctmirror"},
	{"unknown command", {"frobnicate", NULL}, 2, NULL,
	    "unknown command 'frobnicate'"},
	{"unknown option", {"--frob", NULL}, 2, NULL, "try 'ctmirror --help'"},
	{"help", {"--help", NULL}, 0, "check-config", NULL},
	{"help lists migrate", {"-h", NULL}, 0, "migrate", NULL},
	{"help lists status", {"--help", NULL}, 0, "status", NULL},
	{"version", {"--version", NULL}, 0, "ctmirror 0.1.0", NULL},
	{"command help", {"check-config", "--help", NULL}, 0,
	    "usage: ctmirror [-c FILE] [-v|-q] check-config", NULL},
	{"migrate help", {"migrate", "--help", NULL}, 0, "advisory", NULL},
	{"missing config", {"-c", "/nonexistent/ctmirror.conf", "check-config",
	    NULL}, 2, NULL, "/nonexistent/ctmirror.conf: cannot open"},
	{"defaults are valid", {"check-config", NULL}, 0,
	    "configuration OK (no file found: built-in defaults", NULL},
	{"check-config takes no args", {"check-config", "extra", NULL}, 2, NULL,
	    "takes no arguments"},
	{"status bad flag", {"status", "--frob", NULL}, 2, NULL,
	    "unknown option '--frob'"},
	/* Options may follow the command, as with git and systemctl. */
	{"config after command", {"check-config", "-c",
	    "/nonexistent/after.conf", NULL}, 2, NULL,
	    "/nonexistent/after.conf: cannot open"},
	{"config= after command", {"check-config",
	    "--config=/nonexistent/eq.conf", NULL}, 2, NULL,
	    "/nonexistent/eq.conf: cannot open"},
	{"verbose after command", {"check-config", "-v", NULL}, 0,
	    "configuration OK", NULL},
	{"quiet before, verbose after", {"-q", "check-config", "-vv", NULL}, 0,
	    "configuration OK", NULL},
	{"version after command", {"status", "-V", NULL}, 0,
	    "ctmirror 0.1.0 (schema ", NULL},
	{"help after command", {"sync", "-h", NULL}, 0,
	    "usage: ctmirror [-c FILE] [-v|-q] sync", NULL},
	{"help command", {"help", NULL}, 0, "Commands:", NULL},
	{"help COMMAND", {"help", "scan", NULL}, 0,
	    "usage: ctmirror [-c FILE] [-v|-q] scan", NULL},
	{"help unknown COMMAND", {"help", "frob", NULL}, 2, NULL,
	    "no command 'frob'"},
	{"option without its value", {"report", "--out", NULL}, 2, NULL,
	    "--out needs a DIR"},
	{"flag with a value", {"flags", "--json=yes", NULL}, 2, NULL,
	    "--json takes no value"},
	{"-c without its file", {"status", "-c", NULL}, 2, NULL,
	    "-c needs a FILE"},
	{"unknown short option after command", {"sync", "-x", NULL}, 2, NULL,
	    "unknown option '-x'"},
};

Test(cli, table)
{
	char *dir = harness_tmpdir();
	char *cwd = getcwd(NULL, 0);

	/* An empty folder: no ./ctmirror.conf is found, defaults apply. */
	cr_assert_not_null(dir);
	cr_assert_eq(chdir(dir), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct cli_case *c = &cases[i];
		struct harness_run r;

		cr_assert_eq(harness_run(&r, c->argv, NULL), 0);
		cr_expect_eq(r.status, c->status, "%s: exit %d, want %d; "
		    "stderr: %s", c->name, r.status, c->status, r.err);
		if (c->out)
			cr_expect(strstr(r.out, c->out) != NULL,
			    "%s: stdout lacks '%s': %s", c->name, c->out, r.out);
		if (c->err)
			cr_expect(strstr(r.err, c->err) != NULL,
			    "%s: stderr lacks '%s': %s", c->name, c->err, r.err);
		harness_run_free(&r);
	}
	cr_assert_eq(chdir(cwd), 0);
	harness_rmtree(dir);
	free(dir);
	free(cwd);
}

Test(cli, bad_nct_id_names_file_and_line)
{
	char *dir = harness_tmpdir();
	char *conf = harness_fmt("%s/bad.conf", dir);
	char *want = harness_fmt("%s:3:", conf);
	const char *argv[] = {"-c", conf, "check-config", NULL};
	struct harness_run r;

	cr_assert_eq(harness_write(conf, "# tracked trials\n[tracking]\n"
	    "nct_ids = NCT123\n"), 0);
	cr_assert_eq(harness_run(&r, argv, NULL), 0);
	cr_expect_eq(r.status, 2, "stderr: %s", r.err);
	cr_expect(strstr(r.err, want) != NULL, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "NCT123") != NULL, "stderr: %s", r.err);
	harness_run_free(&r);
	harness_rmtree(dir);
	free(dir);
	free(conf);
	free(want);
}

/*
 * The man pages render with man(1) without a warning (groff's -ww), and
 * ctmirror(1) describes every command `ctmirror help` lists.
 */
Test(cli, man_pages_render)
{
	static const char *const pages[] = {"ctmirror.1", "ctmirror.conf.5"};
	const char *argv[] = {"help", NULL};
	struct harness_run r;

	for (size_t i = 0; i < 2; i++) {
		char *out = harness_fmt("/tmp/ctmirror-man-%d.out", (int)getpid());
		char *err = harness_fmt("/tmp/ctmirror-man-%d.err", (int)getpid());
		char *cmd = harness_fmt("MANWIDTH=80 man --warnings -E UTF-8 -l "
		    "%s/config/%s > %s 2> %s", harness_root(), pages[i], out,
		    err);
		char *text, *warnings;

		cr_expect_eq(system(cmd), 0, "%s", cmd);
		text = harness_read(out);
		warnings = harness_read(err);
		cr_assert_not_null(text);
		cr_expect_str_eq(warnings ? warnings : "", "", "%s: %s",
		    pages[i], warnings);
		cr_expect(strstr(text, "NAME") != NULL && strstr(text,
		    "SEE ALSO") != NULL, "%s", text);
		if (i == 0) {
			cr_assert_eq(harness_run(&r, argv, NULL), 0);
			for (char *p = strstr(r.out, "Commands:\n"); p &&
			    (p = strstr(p, "\n  ")) != NULL; p += 3) {
				char name[32];

				if (sscanf(p + 3, "%31s", name) != 1)
					break;
				cr_expect(strstr(text, name) != NULL,
				    "ctmirror.1 lacks %s", name);
			}
			harness_run_free(&r);
		}
		unlink(out);
		unlink(err);
		free(warnings);
		free(text);
		free(cmd);
		free(err);
		free(out);
	}
}

/* check-config names the file it read and lists every problem in it. */
Test(cli, check_config_names_the_file_and_every_problem)
{
	char *dir = harness_tmpdir();
	char *conf = harness_fmt("%s/three.conf", dir);
	char *want[3];
	const char *argv[] = {"check-config", "-c", conf, NULL};
	struct harness_run r;

	cr_assert_eq(harness_write(conf, "[registry]\nrate_limt = 10\n"
	    "[tracking]\nnct_ids = NCT123\n[alerts]\nstdout = maybe\n"), 0);
	want[0] = harness_fmt("%s:2: unknown key 'rate_limt' in [registry]; "
	    "did you mean 'rate_limit'?", conf);
	want[1] = harness_fmt("%s:4: [tracking] nct_ids: \"NCT123\"", conf);
	want[2] = harness_fmt("%s:6: [alerts] stdout: \"maybe\" is not yes "
	    "or no", conf);
	cr_assert_eq(harness_run(&r, argv, NULL), 0);
	cr_expect_eq(r.status, 2, "stderr: %s", r.err);
	for (int i = 0; i < 3; i++) {
		cr_expect(strstr(r.err, want[i]) != NULL, "lacks %s: %s",
		    want[i], r.err);
		free(want[i]);
	}
	cr_expect(strstr(r.err, "3 problems") != NULL, "%s", r.err);
	harness_run_free(&r);
	cr_assert_eq(harness_write(conf, "[registry]\nrate_limit = 10\n"), 0);
	cr_assert_eq(harness_run(&r, argv, NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	want[0] = harness_fmt("%s: configuration OK", conf);
	cr_expect(strstr(r.out, want[0]) != NULL, "%s", r.out);
	free(want[0]);
	harness_run_free(&r);
	harness_rmtree(dir);
	free(dir);
	free(conf);
}

Test(cli, config_from_environment)
{
	char *dir = harness_tmpdir();
	char *conf = harness_fmt("%s/env.conf", dir);
	char *env0 = harness_fmt("CTMIRROR_CONFIG=%s", conf);
	const char *env[] = {env0, NULL};
	const char *argv[] = {"check-config", NULL};
	struct harness_run r;

	cr_assert_eq(harness_write(conf, "[tracking]\nnct_ids = NCT0000001\n"), 0);
	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 2, "stderr: %s", r.err);
	cr_expect(strstr(r.err, conf) != NULL, "stderr: %s", r.err);
	harness_run_free(&r);
	harness_rmtree(dir);
	free(dir);
	free(conf);
	free(env0);
}

Test(cli, unreachable_database_is_runtime_error)
{
	const char *env[] = {"CTMIRROR_DATABASE=host=/nonexistent-socket-dir "
	    "dbname=x connect_timeout=2 password=s3cr3t-pw", NULL};
	const char *argv[] = {"status", NULL};
	struct harness_run r;

	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "cannot connect to PostgreSQL") != NULL,
	    "stderr: %s", r.err);
	cr_expect(strstr(r.err, "s3cr3t-pw") == NULL, "password leaked: %s",
	    r.err);
	harness_run_free(&r);
}

Test(cli, status_after_migrate)
{
	char *db = harness_db_migrated("cli");
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, NULL};
	const char *argv[] = {"status", NULL};
	const char *argv_json[] = {"status", "--json", NULL};
	struct harness_run r;

	cr_assert_not_null(db);
	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "last run: never") != NULL, "%s", r.out);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, argv_json, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\"open_flags\"") != NULL, "%s", r.out);
	harness_run_free(&r);
	free(ci);
	harness_db_drop(db);
}

/* status exits 1 when the last run failed, and says why (text and JSON). */
Test(cli, status_exit_code_says_why)
{
	char *db = harness_db_migrated("clifail");
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, NULL};
	const char *argv[] = {"status", NULL};
	const char *argv_json[] = {"status", "--json", NULL};
	struct harness_run r;

	cr_assert_not_null(db);
	cr_assert_eq(harness_db_exec(db, "INSERT INTO sync_runs (mode, status, "
	    "finished_at, error_text) VALUES ('sync', 'ok', now(), NULL), "
	    "('sync', 'failed', now(), 'registry: connection refused')"), 0);
	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "problem: the last run (#2) failed: registry: "
	    "connection refused") != NULL, "%s", r.out);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, argv_json, env), 0);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\"problem\": \"the last run (#2) failed: "
	    "registry: connection refused\"") != NULL, "%s", r.out);
	harness_run_free(&r);
	/* A partial run names its errors; a good one after it clears it. */
	cr_assert_eq(harness_db_exec(db, "INSERT INTO sync_runs (mode, status, "
	    "finished_at, errors) VALUES ('sync', 'partial', now(), 2)"), 0);
	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 1, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "was incomplete: 2 trial or page errors") !=
	    NULL, "%s", r.out);
	harness_run_free(&r);
	cr_assert_eq(harness_db_exec(db, "INSERT INTO sync_runs (mode, status, "
	    "finished_at) VALUES ('sync', 'ok', now())"), 0);
	cr_assert_eq(harness_run(&r, argv_json, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\"problem\": null") != NULL, "%s", r.out);
	harness_run_free(&r);
	free(ci);
	harness_db_drop(db);
}

/* ack takes several IDs and a reason; flags shows who, when and why. */
Test(cli, ack_several_with_a_reason)
{
	char *db = harness_db_migrated("cliack");
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, "SUDO_USER=", NULL};
	const char *ack[] = {"ack", "1", "2", "--reason", "fixed in the "
	    "next release", NULL};
	const char *typo[] = {"ack", "3", "99", NULL};
	const char *all[] = {"flags", "--all", NULL};
	const char *json[] = {"flags", "--all", "--json", NULL};
	struct passwd *pw = getpwuid(getuid());
	struct harness_run r;
	char *want;

	cr_assert_not_null(db);
	cr_assert_not_null(pw);
	cr_assert_eq(harness_db_exec(db, "INSERT INTO pages (path) VALUES "
	    "('kb/a.md'); INSERT INTO flags (page_id, nct_id, claim_kind, "
	    "rule, severity, line, claim_text, evidence, link) SELECT 1, "
	    "'NCT0000000' || n, 'results-pending', 'results-posted', "
	    "'stale', n, 'results pending', 'posted', 'https://x/' || n "
	    "FROM generate_series(1, 3) n"), 0);
	cr_assert_eq(harness_run(&r, ack, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "flag 1 acknowledged\nflag 2 acknowledged\n") !=
	    NULL, "%s", r.out);
	harness_run_free(&r);
	/* A typo among the IDs acknowledges none of them. */
	cr_assert_eq(harness_run(&r, typo, env), 0);
	cr_expect_eq(r.status, 2, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "no flag 99; nothing was acknowledged") != NULL,
	    "%s", r.err);
	harness_run_free(&r);
	cr_expect_eq(harness_db_count(db, "SELECT count(*) FROM flags WHERE "
	    "acked_at IS NOT NULL"), 2);
	cr_assert_eq(harness_run(&r, all, env), 0);
	want = harness_fmt("by %s: fixed in the next release", pw->pw_name);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "[acked 20") != NULL, "%s", r.out);
	free(want);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, json, env), 0);
	want = harness_fmt("\"acked_by\": \"%s\"", pw->pw_name);
	cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "\"ack_reason\": \"fixed in the next "
	    "release\"") != NULL, "%s", r.out);
	free(want);
	harness_run_free(&r);
	free(ci);
	harness_db_drop(db);
}

/*
 * With no conninfo and no PG* environment ctmirror brings up its own
 * cluster under the state directory, says where, and reuses it.
 */
Test(cli, private_local_database, .timeout = 240)
{
	char *dir = harness_tmpdir();
	char *state = harness_fmt("%s/state", dir);
	char *conf = harness_fmt("%s/local.conf", dir);
	char *body = harness_fmt("[database]\nstate_dir = %s\n", state);
	const char *env[] = {"PGHOST=", "PGPORT=", "PGDATABASE=", "PGUSER=",
	    "PGSERVICE=", "PGHOSTADDR=", "CTMIRROR_DATABASE=", NULL};
	const char *migrate[] = {"-c", conf, "migrate", NULL};
	const char *status[] = {"-c", conf, "status", NULL};
	struct harness_run r;
	char *stop;

	cr_assert_eq(harness_write(conf, body), 0);
	cr_assert_eq(harness_run(&r, migrate, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "private PostgreSQL cluster") != NULL, "%s",
	    r.err);
	/* Keep the command it tells the operator, to stop the cluster with. */
	stop = strstr(r.err, "stop it with: ");
	cr_assert_not_null(stop, "%s", r.err);
	stop = strndup(stop + 14, strcspn(stop + 14, "\n"));
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, status, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "private PostgreSQL cluster") == NULL,
	    "second run reuses the running cluster quietly: %s", r.err);
	harness_run_free(&r);
	cr_expect_eq(system(stop), 0, "%s", stop);
	free(stop);
	harness_rmtree(dir);
	free(dir);
	free(state);
	free(conf);
	free(body);
}

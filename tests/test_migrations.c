/*
 * test_migrations.c - the migrations on a real PostgreSQL: they apply to
 * an empty database, re-apply as a no-op, produce exactly schema/schema.sql,
 * give ctmirror_reader the views and nothing else, and a schema that does
 * not match the binary is refused with a clear message.
 */
#include <criterion/criterion.h>
#include <criterion/new/assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build_config.h"
#include "harness.h"
#include "store.h"

static char *db;

/* What a command says on an empty database (made by setup). */
static char want_migrate[128];

static void
setup(void)
{
	db = harness_db_create("migr");
	cr_assert_not_null(db, "test database");
	(void)snprintf(want_migrate, sizeof(want_migrate), "database schema "
	    "is at 0000, ctmirror needs %04d: run 'ctmirror migrate'",
	    CTMIRROR_SCHEMA_VERSION);
}

static void
teardown(void)
{
	harness_db_drop(db);
	db = NULL;
}


TestSuite(migrations, .init = setup, .fini = teardown, .timeout = 120);

static struct store *
open_db(void)
{
	char *err = NULL;
	struct store *s = store_open(db, &err);

	cr_assert_not_null(s, "store_open: %s", err ? err : "");
	return s;
}

Test(migrations, apply_then_noop)
{
	struct store *s = open_db();
	int applied = -1, version = -1;

	cr_expect_eq(store_check_schema(s), -1);
	cr_expect(strstr(store_errmsg(s), want_migrate) != NULL, "%s",
	    store_errmsg(s));
	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	cr_expect_eq(applied, store_migrations_count);
	cr_assert_eq(store_schema_version(s, &version), 0);
	cr_expect_eq(version, CTMIRROR_SCHEMA_VERSION);
	cr_expect_eq(store_check_schema(s), 0);
	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	cr_expect_eq(applied, 0, "second migrate applies nothing");
	cr_expect_eq(harness_db_count(db, "SELECT count(*) FROM schema_migrations"),
	    store_migrations_count);
	store_close(s);
}

Test(migrations, binary_migrates_twice)
{
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, NULL};
	const char *argv[] = {"migrate", NULL};
	struct harness_run r;

	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	{
		char *want = harness_fmt("applied %d migration",
		    store_migrations_count);

		cr_expect(strstr(r.out, want) != NULL, "%s", r.out);
		free(want);
	}
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "nothing to apply") != NULL, "%s", r.out);
	harness_run_free(&r);
	free(ci);
}

/* pg_dump text without what varies between runs and versions. */
static char *
normalize(const char *dump)
{
	char *out = calloc(1, strlen(dump) + 1), *o = out;
	const char *line = dump;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		if (len > 0 && strncmp(line, "--", 2) != 0 &&
		    strncmp(line, "SET ", 4) != 0 &&
		    strncmp(line, "SELECT pg_catalog.set_config", 28) != 0 &&
		    strncmp(line, "\\restrict", 9) != 0 &&
		    strncmp(line, "\\unrestrict", 11) != 0) {
			memcpy(o, line, len);
			o += len;
			*o++ = '\n';
		}
		line = end ? end + 1 : NULL;
	}
	*o = '\0';
	return out;
}

Test(migrations, schema_sql_matches)
{
	struct store *s = open_db();
	char *cmd, *dump_path, *dump, *want, *a, *b, *schema;
	int applied;

	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	store_close(s);
	dump_path = harness_fmt("/tmp/ctmirror-schema-%d.sql", (int)getpid());
	cmd = harness_fmt("pg_dump --schema-only --no-owner '%s' > %s", db,
	    dump_path);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	dump = harness_read(dump_path);
	schema = harness_fmt("%s/schema/schema.sql", harness_root());
	want = harness_read(schema);
	cr_assert_not_null(dump);
	cr_assert_not_null(want, "%s", schema);
	a = normalize(dump);
	b = normalize(want);
	cr_expect(strcmp(a, b) == 0,
	    "schema/schema.sql differs from what the migrations produce; the "
	    "fresh dump is in %s (regenerate schema/schema.sql from it)",
	    dump_path);
	if (strcmp(a, b) == 0)
		remove(dump_path);
	free(a);
	free(b);
	free(dump);
	free(want);
	free(schema);
	free(cmd);
	free(dump_path);
}

static const char *const views[] = {"trials_current", "trial_changes",
    "stale_claims", "trial_conditions", "trial_interventions",
    "trial_sponsors", "trial_references", "trial_outcomes", "trial_design",
    "trial_dates", "trial_sites", "trial_conditions_history",
    "trial_interventions_history", "trial_sponsors_history",
    "trial_references_history", "trial_outcomes_history",
    "trial_design_history", "trial_dates_history", "trial_sites_history",
    "results_due", "trial_timeline", "trial_searches", "status_changes",
    "trial_versions"};
static const char *const tables[] = {"sync_runs", "trials", "study_versions",
    "study_changes", "trial_aliases", "sync_errors", "pages", "claims",
    "flags", "alert_outbox", "schema_migrations", "version_facts",
    "history_backfill", "history_changes", "history_staged", "searches",
    "search_matches", "match_outbox"};

Test(migrations, reader_role)
{
	struct store *s = open_db();
	int applied;
	char sql[512];

	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	store_close(s);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		snprintf(sql, sizeof(sql), "SET ROLE ctmirror_reader; "
		    "SELECT count(*) FROM %s", views[i]);
		cr_expect_eq(harness_db_exec(db, sql), 0, "reader reads %s",
		    views[i]);
	}
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const char *verbs[] = {"SELECT * FROM", "DELETE FROM",
		    "TRUNCATE"};

		for (size_t k = 0; k < 3; k++) {
			char inner[128];

			snprintf(inner, sizeof(inner), "%s %s", verbs[k],
			    tables[i]);
			snprintf(sql, sizeof(sql), "SET ROLE ctmirror_reader; %s",
			    inner);
			cr_expect_neq(harness_db_exec(db, sql), 0,
			    "reader must not: %s", inner);
		}
	}
	/* The catalogue's word, for every privilege at once. */
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM pg_class c WHERE c.relnamespace = "
	    "'public'::regnamespace AND c.relkind IN ('r', 'v') AND "
	    "(has_table_privilege('ctmirror_reader', c.oid, "
	    "'INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER') OR "
	    "(c.relkind = 'r' AND has_table_privilege('ctmirror_reader', "
	    "c.oid, 'SELECT')))"), 0);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM pg_class c WHERE c.relnamespace = "
	    "'public'::regnamespace AND c.relkind = 'v' AND "
	    "has_table_privilege('ctmirror_reader', c.oid, 'SELECT')"),
	    (long)(sizeof(views) / sizeof(views[0])));
	/* Functions: trials_as_of, which reads trial_timeline, and no other. */
	cr_expect_eq(harness_db_exec(db, "SET ROLE ctmirror_reader; "
	    "SELECT count(*) FROM trials_as_of('2020-01-01')"), 0);
	cr_expect_eq(harness_db_count(db, "SELECT count(*) FROM pg_proc p "
	    "WHERE p.pronamespace = 'public'::regnamespace AND "
	    "has_function_privilege('ctmirror_reader', p.oid, 'EXECUTE') AND "
	    "p.proname <> 'trials_as_of'"), 0);
	for (size_t i = 0; i < sizeof(views) / sizeof(views[0]); i++) {
		snprintf(sql, sizeof(sql), "SET ROLE ctmirror_reader; "
		    "DELETE FROM %s", views[i]);
		cr_expect_neq(harness_db_exec(db, sql), 0, "reader must not "
		    "delete from %s", views[i]);
	}
}

Test(migrations, views_documented)
{
	struct store *s = open_db();
	int applied;

	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	store_close(s);
	/* Every view and every column of every view has a comment. */
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM pg_class c WHERE c.relkind = 'v' AND "
	    "c.relnamespace = 'public'::regnamespace AND "
	    "obj_description(c.oid, 'pg_class') IS NULL"), 0);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM pg_attribute a JOIN pg_class c ON "
	    "c.oid = a.attrelid WHERE c.relkind = 'v' AND c.relnamespace = "
	    "'public'::regnamespace AND a.attnum > 0 AND "
	    "col_description(c.oid, a.attnum) IS NULL"), 0);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM information_schema.columns WHERE "
	    "table_name = 'trials_current' AND column_name IN ('nct_id', "
	    "'acronym', 'brief_title', 'overall_status', 'has_results', "
	    "'results_first_posted', 'primary_completion', "
	    "'last_update_posted', 'last_checked_at')"), 9,
	    "0001's names stay (deprecated aliases)");
	/* Every date column of every view is a date (timestamps aside). */
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM information_schema.columns c JOIN "
	    "information_schema.views v ON v.table_name = c.table_name AND "
	    "v.table_schema = c.table_schema WHERE c.table_schema = 'public' "
	    "AND (c.column_name ~ '(_date|_posted|_completion|registry_updated"
	    "|as_of|due_by)$') AND c.data_type <> 'date'"), 0);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM information_schema.columns WHERE "
	    "table_name = 'stale_claims' AND column_name IN ('acked_at', "
	    "'acked_by', 'ack_reason')"), 3);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM information_schema.columns WHERE "
	    "table_name = 'status_changes' AND column_name IN ('nct_id', "
	    "'old_status', 'new_status', 'registry_updated', 'detected_at')"),
	    5);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM information_schema.columns WHERE "
	    "table_name = 'trial_changes' AND column_name IN ('nct_id', "
	    "'field', 'change_class', 'old_value', 'new_value', "
	    "'registry_updated', 'detected_at')"), 7);
	cr_expect_eq(harness_db_count(db,
	    "SELECT count(*) FROM information_schema.columns WHERE "
	    "table_name = 'stale_claims' AND column_name IN ('flag_id', 'page', "
	    "'line', 'nct_id', 'claim_kind', 'claim_text', 'as_of', 'rule', "
	    "'severity', 'evidence', 'raised_at', 'resolved_at')"), 12);
}

/*
 * The registry writes dates as YYYY-MM-DD, YYYY-MM or YYYY: every view
 * gives a date (a month or year alone its first day), its precision and
 * the registry's type, under AACT's names; the old names of 0001 give
 * the same dates.  A malformed one is NULL, never an error.
 */
Test(migrations, typed_dates_from_every_registry_shape)
{
	static const struct {
		const char *nct, *date, *want, *precision;
	} cases[] = {
		{"NCT00000101", "2024-05-17", "2024-05-17", "day"},
		{"NCT00000102", "2024-05", "2024-05-01", "month"},
		{"NCT00000103", "2024", "2024-01-01", "year"},
		{"NCT00000104", "2024-02-30", "", ""},
	};
	int applied;
	struct store *s = open_db();

	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	store_close(s);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *sql = harness_fmt(
		    "INSERT INTO trials (nct_id) VALUES ('%s');"
		    "INSERT INTO study_versions (nct_id, version_no, content_hash,"
		    " last_update_posted, overall_status, has_results, citation,"
		    " raw) VALUES ('%s', 1, repeat('a', 64), '2025-03-10',"
		    " 'COMPLETED', false, '{}', '{\"protocolSection\": {\"statusModule\": {"
		    "\"primaryCompletionDateStruct\": {\"date\": \"%s\","
		    " \"type\": \"ACTUAL\"}, \"lastUpdatePostDateStruct\": {"
		    "\"date\": \"2025-03-10\", \"type\": \"ACTUAL\"}}}}');"
		    "UPDATE trials SET current_version_id = (SELECT version_id FROM"
		    " study_versions WHERE nct_id = '%s') WHERE nct_id = '%s';",
		    cases[i].nct, cases[i].nct, cases[i].date, cases[i].nct,
		    cases[i].nct);
		char *q = harness_fmt("SELECT concat_ws('|', "
		    "primary_completion_date, primary_completion_date_precision, "
		    "primary_completion_date_type, primary_completion, "
		    "last_update_posted_date, last_update_posted_date_precision, "
		    "pg_typeof(primary_completion_date)) FROM trials_current "
		    "WHERE nct_id = '%s'", cases[i].nct);
		char *want = cases[i].want[0] ? harness_fmt(
		    "%s|%s|ACTUAL|%s|2025-03-10|day|date", cases[i].want,
		    cases[i].precision, cases[i].want) :
		    harness_fmt("ACTUAL|2025-03-10|day|date");
		char *got;

		cr_assert_eq(harness_db_exec(db, sql), 0, "%s", cases[i].date);
		got = harness_db_value(db, q);
		cr_expect_str_eq(got, want, "%s", cases[i].date);
		free(got);
		free(want);
		free(q);
		free(sql);
	}
	/* trial_changes and status_changes: the registry's date, a date. */
	cr_assert_eq(harness_db_exec(db, "INSERT INTO study_versions (nct_id, "
	    "version_no, content_hash, overall_status, has_results, citation, "
	    "raw) VALUES ('NCT00000101', 2, repeat('b', 64), 'TERMINATED', "
	    "false, '{}', '{}'); INSERT INTO study_changes (nct_id, version_id, "
	    "prev_version_id, path, change_class, old_value, new_value, "
	    "registry_updated) SELECT 'NCT00000101', max(version_id), "
	    "min(version_id), '/protocolSection/statusModule/overallStatus', "
	    "'status', '\"RECRUITING\"', '\"TERMINATED\"', '2025-04-01' "
	    "FROM study_versions WHERE nct_id = 'NCT00000101'"), 0);
	{
		char *got = harness_db_value(db, "SELECT concat_ws('|', "
		    "old_status, new_status, registry_updated, "
		    "pg_typeof(registry_updated)) FROM status_changes");

		cr_expect_str_eq(got, "RECRUITING|TERMINATED|2025-04-01|date");
		free(got);
		got = harness_db_value(db, "SELECT pg_typeof(registry_updated) "
		    "FROM trial_changes");
		cr_expect_str_eq(got, "date");
		free(got);
	}
}

Test(migrations, newer_schema_refused)
{
	struct store *s = open_db();
	int applied;
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, NULL};
	const char *argv[] = {"status", NULL};
	struct harness_run r;

	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	cr_assert_eq(harness_db_exec(db, "INSERT INTO schema_migrations "
	    "(version, name) VALUES (9999, '9999_future.sql')"), 0);
	cr_expect_eq(store_check_schema(s), -1);
	cr_expect(strstr(store_errmsg(s), "newer than this ctmirror") != NULL,
	    "%s", store_errmsg(s));
	cr_expect_eq(store_migrate(s, &applied), -1, "migrate refuses too");
	store_close(s);
	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "newer than this ctmirror") != NULL, "%s", r.err);
	harness_run_free(&r);
	free(ci);
}

Test(migrations, older_schema_refused_by_commands)
{
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, NULL};
	const char *argv[] = {"status", NULL};
	struct harness_run r;

	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, want_migrate) != NULL, "%s", r.err);
	harness_run_free(&r);
	free(ci);
}

/*
 * A schema_migrations row no migration has (a negative or zero version,
 * written by hand or another program) is refused by name, by migrate and
 * by every command; migrate used to index its table by that number (an
 * ASan global-buffer-overflow for -1).
 */
Test(migrations, unknown_version_refused)
{
	static const char *const bad[] = {"-1", "0", "-2147483648"};
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", db);
	const char *env[] = {ci, NULL};
	const char *migrate[] = {"migrate", NULL};
	const char *status[] = {"status", NULL};
	struct harness_run r;

	cr_assert_eq(harness_db_exec(db, "CREATE TABLE schema_migrations ("
	    " version integer PRIMARY KEY, name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct store *s = open_db();
		char *sql = harness_fmt("DELETE FROM schema_migrations; INSERT "
		    "INTO schema_migrations (version, name) VALUES (%s, 'x')",
		    bad[i]);
		char *want = harness_fmt("schema_migrations holds version %s, "
		    "which is no migration of this ctmirror", bad[i]);
		int applied = -1;

		cr_assert_eq(harness_db_exec(db, sql), 0);
		cr_expect_eq(store_migrate(s, &applied), -1, "%s", bad[i]);
		cr_expect_eq(applied, 0);
		cr_expect(strstr(store_errmsg(s), want) != NULL, "%s",
		    store_errmsg(s));
		cr_expect_eq(store_check_schema(s), -1);
		cr_expect(strstr(store_errmsg(s), want) != NULL, "%s",
		    store_errmsg(s));
		store_close(s);
		cr_assert_eq(harness_run(&r, migrate, env), 0);
		cr_expect_eq(r.status, 1, "%s", r.err);
		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		harness_run_free(&r);
		cr_assert_eq(harness_run(&r, status, env), 0);
		cr_expect_eq(r.status, 1, "%s", r.err);
		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		harness_run_free(&r);
		/* Nothing was applied on top of it. */
		cr_expect_eq(harness_db_count(db, "SELECT count(*) FROM "
		    "schema_migrations"), 1);
		cr_expect_eq(harness_db_count(db, "SELECT count(*) FROM "
		    "pg_class WHERE relname = 'sync_runs'"), 0);
		free(sql);
		free(want);
	}
	free(ci);
}

/*
 * A migration's version is its number, and numbers may skip one that a
 * branch not merged yet holds: the newest is the schema version, and a
 * database that lacks one below its newest is told to migrate.
 */
Test(migrations, versions_are_the_numbers_a_gap_allowed)
{
	struct store *s = open_db();
	int applied;

	for (int i = 1; i < store_migrations_count; i++)
		cr_expect_gt(store_migrations[i].version,
		    store_migrations[i - 1].version);
	cr_expect_eq(store_migrations[store_migrations_count - 1].version,
	    CTMIRROR_SCHEMA_VERSION);
	for (int i = 0; i < store_migrations_count; i++)
		cr_expect_eq(atoi(store_migrations[i].name),
		    store_migrations[i].version, "%s",
		    store_migrations[i].name);
	cr_assert_eq(store_migrate(s, &applied), 0, "%s", store_errmsg(s));
	cr_assert_eq(harness_db_exec(db, "DELETE FROM schema_migrations "
	    "WHERE version = 1"), 0);
	cr_expect_eq(store_check_schema(s), -1);
	cr_expect(strstr(store_errmsg(s), "lacks migration 0001: run "
	    "'ctmirror migrate'") != NULL, "%s", store_errmsg(s));
	store_close(s);
}

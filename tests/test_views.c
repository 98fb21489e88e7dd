/*
 * test_views.c - the analysts' views (migration 0006) on a real
 * PostgreSQL.  Records are stored the way sync stores them (study_from_text,
 * store_add_version: the trigger makes version_facts), real ones from
 * tests/data/views/real and ones the tests build: every array member is a
 * row, a missing module gives no row and no error, NULL exactly where the
 * record lacks the key; results_due on its edge cases; what the
 * results-overdue rule reads (store_each_state); and the README's worked
 * queries, run for real on the example trials.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakereg.h"
#include "harness.h"
#include "store.h"
#include "study.h"

static char *db;
static struct store *st;

static void
setup(void)
{
	char *err = NULL;

	db = harness_db_migrated("views");
	cr_assert_not_null(db);
	st = store_open(db, &err);
	cr_assert_not_null(st, "%s", err ? err : "");
}

static void
teardown(void)
{
	store_close(st);
	harness_db_drop(db);
}

TestSuite(views, .init = setup, .fini = teardown, .timeout = 120);

static long
count(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static long
count(const char *fmt, ...)
{
	va_list ap;
	char *sql;
	long n;

	va_start(ap, fmt);
	cr_assert_neq(vasprintf(&sql, fmt, ap), -1);
	va_end(ap);
	n = harness_db_count(db, sql);
	free(sql);
	return n;
}

/* One value as text ("" for NULL or no row); new. */
static char *
value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
value(const char *fmt, ...)
{
	va_list ap;
	char *sql, *v;

	va_start(ap, fmt);
	cr_assert_neq(vasprintf(&sql, fmt, ap), -1);
	va_end(ap);
	v = harness_db_value(db, sql);
	cr_assert_not_null(v, "%s", sql);
	free(sql);
	return v;
}

static void
expect_value(const char *want, const char *sql)
{
	char *got = value("%s", sql);

	cr_expect_str_eq(got, want, "%s", sql);
	free(got);
}

/* Store one record as a new version of its trial, as sync does. */
static void
store_text(const char *text, size_t len)
{
	struct study_error err;
	struct study *s = study_from_text(text, len, NULL, &err);
	struct store_current cur;
	char *ids[1], *sql;

	cr_assert_not_null(s, "%s %s: %s", err.nct_id, err.path, err.text);
	ids[0] = s->nct_id;
	sql = harness_fmt("INSERT INTO trials (nct_id) VALUES ('%s') "
	    "ON CONFLICT DO NOTHING", s->nct_id);
	cr_assert_eq(harness_db_exec(db, sql), 0);
	free(sql);
	cr_assert_eq(store_begin(st), 0, "%s", store_errmsg(st));
	cr_assert_eq(store_current(st, ids, 1, false, &cur), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_add_version(st, 0, s, &cur, NULL), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_commit(st), 0, "%s", store_errmsg(st));
	store_current_finish(&cur, 1);
	study_free(s);
}

static void
store_file(const char *path)
{
	char *text = harness_read(path);

	cr_assert_not_null(text, "%s", path);
	store_text(text, strlen(text));
	free(text);
}

static void
store_json(json_t *root)
{
	char *text = json_dumps(root, JSON_COMPACT);

	cr_assert_not_null(text);
	store_text(text, strlen(text));
	free(text);
	json_decref(root);
}

static void
store_real(void)
{
	char *dir = harness_fmt("%s/views/real", harness_data());
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		char *path;

		if (strstr(e->d_name, ".json") == NULL)
			continue;
		path = harness_fmt("%s/%s", dir, e->d_name);
		store_file(path);
		free(path);
		n++;
	}
	closedir(d);
	free(dir);
	cr_assert_eq(n, 6, "six real records");
}

/* ---------------------------------------------------------- real records */

/*
 * Per trial, what the view holds against what the record holds, counted
 * by jsonb in the same database (a different path from the view's).
 */
struct per_trial {
	const char *what;
	const char *got;	/* SQL: rows of the view for t.nct_id */
	const char *want;	/* SQL over v.raw */
};

static const struct per_trial member_rows[] = {
	{"sites", "SELECT count(*) FROM trial_sites s WHERE s.nct_id = t.nct_id",
	    "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,contactsLocationsModule,locations}'), 0)"},
	{"references", "SELECT count(*) FROM trial_references r "
	    "WHERE r.nct_id = t.nct_id", "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,referencesModule,references}'), 0)"},
	{"interventions", "SELECT count(*) FROM trial_interventions i "
	    "WHERE i.nct_id = t.nct_id", "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,armsInterventionsModule,interventions}'), 0)"},
	{"sponsors", "SELECT count(*) FROM trial_sponsors s "
	    "WHERE s.nct_id = t.nct_id", "(v.raw #> '{protocolSection,"
	    "sponsorCollaboratorsModule,leadSponsor}' IS NOT NULL)::int + "
	    "coalesce(jsonb_array_length(v.raw #> '{protocolSection,"
	    "sponsorCollaboratorsModule,collaborators}'), 0)"},
	{"outcomes", "SELECT count(*) FROM trial_outcomes o "
	    "WHERE o.nct_id = t.nct_id", "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,outcomesModule,primaryOutcomes}'), 0) + "
	    "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,outcomesModule,secondaryOutcomes}'), 0) + "
	    "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,outcomesModule,otherOutcomes}'), 0)"},
	{"conditions", "SELECT count(name) FROM trial_conditions c "
	    "WHERE c.nct_id = t.nct_id", "coalesce(jsonb_array_length(v.raw #> "
	    "'{protocolSection,conditionsModule,conditions}'), 0)"},
	{"condition MeSH terms", "SELECT count(mesh_term) FROM trial_conditions c "
	    "WHERE c.nct_id = t.nct_id", "coalesce(jsonb_array_length(v.raw #> "
	    "'{derivedSection,conditionBrowseModule,meshes}'), 0)"},
	/* NULL exactly where the member lacks the key. */
	{"sites without a status", "SELECT count(*) FROM trial_sites s "
	    "WHERE s.nct_id = t.nct_id AND s.status IS NULL",
	    "(SELECT count(*) FROM jsonb_array_elements(v.raw #> "
	    "'{protocolSection,contactsLocationsModule,locations}') e "
	    "WHERE NOT e ? 'status')"},
	{"sites without a state", "SELECT count(*) FROM trial_sites s "
	    "WHERE s.nct_id = t.nct_id AND s.state IS NULL",
	    "(SELECT count(*) FROM jsonb_array_elements(v.raw #> "
	    "'{protocolSection,contactsLocationsModule,locations}') e "
	    "WHERE NOT e ? 'state')"},
	{"sites without a facility", "SELECT count(*) FROM trial_sites s "
	    "WHERE s.nct_id = t.nct_id AND s.name IS NULL",
	    "(SELECT count(*) FROM jsonb_array_elements(v.raw #> "
	    "'{protocolSection,contactsLocationsModule,locations}') e "
	    "WHERE NOT e ? 'facility')"},
	{"references without a PMID", "SELECT count(*) FROM trial_references r "
	    "WHERE r.nct_id = t.nct_id AND r.pmid IS NULL",
	    "(SELECT count(*) FROM jsonb_array_elements(v.raw #> "
	    "'{protocolSection,referencesModule,references}') e "
	    "WHERE NOT e ? 'pmid')"},
	{"interventions without other names", "SELECT count(*) FROM "
	    "trial_interventions i WHERE i.nct_id = t.nct_id AND "
	    "i.other_names IS NULL", "(SELECT count(*) FROM jsonb_array_elements("
	    "v.raw #> '{protocolSection,armsInterventionsModule,interventions}') e "
	    "WHERE NOT e ? 'otherNames')"},
	{"other names", "SELECT coalesce(sum(cardinality(other_names)), 0) FROM "
	    "trial_interventions i WHERE i.nct_id = t.nct_id",
	    "(SELECT coalesce(sum(jsonb_array_length(e -> 'otherNames')), 0) "
	    "FROM jsonb_array_elements(v.raw #> '{protocolSection,"
	    "armsInterventionsModule,interventions}') e WHERE e ? 'otherNames')"},
	{"outcomes without a time frame", "SELECT count(*) FROM trial_outcomes o "
	    "WHERE o.nct_id = t.nct_id AND o.time_frame IS NULL",
	    "(SELECT count(*) FROM jsonb_array_elements(coalesce(v.raw #> "
	    "'{protocolSection,outcomesModule,primaryOutcomes}', '[]') || "
	    "coalesce(v.raw #> '{protocolSection,outcomesModule,"
	    "secondaryOutcomes}', '[]') || coalesce(v.raw #> '{protocolSection,"
	    "outcomesModule,otherOutcomes}', '[]')) e WHERE NOT e ? 'timeFrame')"},
	/* One row per trial in the one-row views. */
	{"design rows", "SELECT count(*) FROM trial_design d "
	    "WHERE d.nct_id = t.nct_id", "1"},
	{"dates rows", "SELECT count(*) FROM trial_dates d "
	    "WHERE d.nct_id = t.nct_id", "1"},
	{"results_due rows", "SELECT count(*) FROM results_due d "
	    "WHERE d.nct_id = t.nct_id", "1"},
};

Test(views, real_records_every_member_a_row)
{
	size_t i;

	store_real();
	for (i = 0; i < sizeof(member_rows) / sizeof(member_rows[0]); i++) {
		const struct per_trial *p = &member_rows[i];
		char *bad = value("SELECT string_agg(x.nct_id || ': ' || x.got "
		    "|| ' rows, the record has ' || x.want, '; ') FROM ("
		    "SELECT t.nct_id, (%s) AS got, %s AS want FROM trials t "
		    "JOIN study_versions v ON v.version_id = t.current_version_id"
		    ") x WHERE x.got <> x.want", p->got, p->want);

		cr_expect_str_eq(bad, "", "%s: %s", p->what, bad);
		free(bad);
	}
	/* Not vacuous: the fixtures have all of these. */
	cr_expect_gt(count("SELECT count(*) FROM trial_sites"), 10);
	cr_expect_gt(count("SELECT count(*) FROM trial_sites WHERE status IS "
	    "NULL"), 0);
	cr_expect_gt(count("SELECT count(*) FROM trial_sites WHERE state IS "
	    "NULL"), 0);
	cr_expect_eq(count("SELECT count(*) FROM trial_references WHERE "
	    "nct_id = 'NCT02552212' AND reference_type = 'RESULT'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trial_references WHERE "
	    "nct_id = 'NCT02552212' AND reference_type = 'DERIVED'"), 2);
	cr_expect_gt(count("SELECT count(*) FROM trial_outcomes WHERE "
	    "outcome_type = 'secondary'"), 0);
	cr_expect_gt(count("SELECT count(*) FROM trial_interventions WHERE "
	    "other_names IS NOT NULL"), 0);
	cr_expect_gt(count("SELECT count(*) FROM trial_sponsors WHERE "
	    "lead_or_collaborator = 'collaborator'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM trial_sponsors WHERE "
	    "lead_or_collaborator = 'lead'"), 6);
	/* Every column of every row of the one-row views, spot-checked. */
	expect_value("2015-09-01|month|ACTUAL|2018-05-01|month|2019-03-01|day|"
	    "2019-04-27|2020-08-17|ACTUAL",
	    "SELECT concat_ws('|', start_date, start_date_precision, "
	    "start_date_type, primary_completion_date, "
	    "primary_completion_date_precision, disposition_first_submitted_date,"
	    " disposition_first_submitted_date_precision, "
	    "results_first_submitted_date, results_first_posted_date, "
	    "results_first_posted_date_type) FROM trial_dates "
	    "WHERE nct_id = 'NCT02552212'");
	/* A legacy start date without a type: NULL type, month precision. */
	expect_value("2010-05-01|month|<null>", "SELECT concat_ws('|', "
	    "start_date, start_date_precision, coalesce(start_date_type, "
	    "'<null>')) FROM trial_dates WHERE nct_id = 'NCT00973089'");
	expect_value("ESTIMATED|ESTIMATED|ESTIMATED|ESTIMATED", "SELECT "
	    "concat_ws('|', start_date_type, primary_completion_date_type, "
	    "completion_date_type, last_update_posted_date_type) FROM "
	    "trial_dates WHERE nct_id = 'NCT06171568'");
	expect_value("INTERVENTIONAL|PHASE3|{PHASE3}|RANDOMIZED|<null>|<null>",
	    "SELECT concat_ws('|', study_type, phase, phases, allocation, "
	    "coalesce(is_fda_regulated_drug::text, '<null>'), "
	    "coalesce(is_fda_regulated_device::text, '<null>')) FROM "
	    "trial_design WHERE nct_id = 'NCT02552212'");
	expect_value("OBSERVATIONAL|<null>|<null>", "SELECT concat_ws('|', "
	    "study_type, coalesce(phase, '<null>'), coalesce(phases::text, "
	    "'<null>')) FROM trial_design WHERE nct_id = 'NCT03475563'");
	/* What results_due makes of them. */
	expect_value("NCT00973089 not applicable; NCT02552212 unknown; "
	    "NCT03418623 overdue; NCT03475563 not applicable; "
	    "NCT05594173 not applicable; NCT06171568 not applicable",
	    "SELECT string_agg(nct_id || ' ' || state, '; ' ORDER BY nct_id) "
	    "FROM results_due");
}

/* ------------------------------------------------ shapes the tests build */

static json_t *
minimal(const char *nct_id)
{
	return json_pack("{s:{s:{s:s}, s:{s:s}}, s:b}", "protocolSection",
	    "identificationModule", "nctId", nct_id, "statusModule",
	    "overallStatus", "RECRUITING", "hasResults", 0);
}

Test(views, missing_modules_give_no_row)
{
	static const char *const lists[] = {"trial_conditions",
	    "trial_interventions", "trial_sponsors", "trial_references",
	    "trial_outcomes", "trial_sites"};

	store_json(minimal("NCT09000301"));
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		cr_expect_eq(count("SELECT count(*) FROM %s", lists[i]), 0,
		    "%s", lists[i]);
	/* One row each, with nothing but the NCT ID. */
	cr_expect_eq(count("SELECT count(*) FROM trial_design d WHERE (SELECT "
	    "bool_and(j.value = 'null') FROM jsonb_each(to_jsonb(d) - 'nct_id')"
	    " j)"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_dates d WHERE (SELECT "
	    "bool_and(j.value = 'null') FROM jsonb_each(to_jsonb(d) - 'nct_id')"
	    " j)"), 1);
	expect_value("unknown|the record gives no study type|<null>",
	    "SELECT concat_ws('|', state, reason, coalesce(due_by::text, "
	    "'<null>')) FROM results_due");
}

/* Odd shapes in every list: skipped members, odd values, bad dates. */
Test(views, odd_shapes)
{
	json_t *r = minimal("NCT09000302");
	json_t *p = json_object_get(r, "protocolSection");
	json_t *sm = json_object_get(p, "statusModule");

	/*
	 * study.c refuses an impossible day in the dates it reads
	 * (primaryCompletionDateStruct among them); the views meet one only
	 * in a date it does not read.
	 */
	json_object_set_new(sm, "resultsFirstSubmitDate",
	    json_string("2024-02-30"));
	json_object_set_new(sm, "studyFirstPostDateStruct",
	    json_pack("{s:s, s:s}", "date", "2025-13", "type", "ACTUAL"));
	json_object_set_new(sm, "completionDateStruct",
	    json_pack("{s:s}", "date", "2024"));
	json_object_set_new(sm, "dispFirstSubmitDate", json_string("soon"));
	json_object_set_new(p, "conditionsModule", json_pack("{s:[s, s]}",
	    "conditions", "Alpha Disease", "Beta"));
	json_object_set_new(p, "designModule", json_pack("{s:s, s:[s,s], "
	    "s:{s:I}}", "studyType", "INTERVENTIONAL", "phases", "PHASE1",
	    "PHASE2", "enrollmentInfo", "count", (json_int_t)12));
	json_object_set_new(p, "armsInterventionsModule", json_pack("{s:[{s:s, "
	    "s:s, s:[s]}, {s:s, s:[]}]}", "interventions", "type", "DRUG",
	    "name", "X", "otherNames", "Y", "name", "Z", "otherNames"));
	json_object_set_new(p, "contactsLocationsModule", json_pack("{s:[{s:s},"
	    " i, {}]}", "locations", "facility", "F", 5));
	json_object_set_new(p, "sponsorCollaboratorsModule", json_pack("{s:{}, "
	    "s:[{s:s}]}", "leadSponsor", "collaborators", "name", "C"));
	json_object_set_new(r, "derivedSection", json_pack("{s:{s:[{s:s}, {s:s},"
	    " s]}}", "conditionBrowseModule", "meshes", "term", "alpha disease",
	    "id", "D1", "junk"));
	store_json(r);
	expect_value("Alpha Disease=alpha disease; Beta=",
	    "SELECT string_agg(concat(name, '=', mesh_term), '; ' ORDER BY name)"
	    " FROM trial_conditions");
	expect_value("X:{Y} Z:{}", "SELECT string_agg(concat(name, ':', "
	    "other_names), ' ' ORDER BY name) FROM trial_interventions");
	/* {} is a member with nothing in it: a row of NULLs. */
	expect_value("2|1", "SELECT count(*) || '|' || count(name) FROM "
	    "trial_sites");
	expect_value("C collaborator,- lead", "SELECT string_agg(coalesce(name, "
	    "'-') || ' ' || lead_or_collaborator, ',' ORDER BY name) FROM "
	    "trial_sponsors");
	expect_value("PHASE1/PHASE2|{PHASE1,PHASE2}|12", "SELECT "
	    "concat_ws('|', phase, phases, enrollment) FROM trial_design");
	expect_value("<null>|<null>|<null>|<null>|2024-01-01|year|<null>",
	    "SELECT concat_ws('|', coalesce(results_first_submitted_date::text, "
	    "'<null>'), coalesce(results_first_submitted_date_precision, "
	    "'<null>'), "
	    "coalesce(study_first_posted_date::text, '<null>'), "
	    "coalesce(study_first_posted_date_precision, '<null>'), "
	    "completion_date, completion_date_precision, "
	    "coalesce(disposition_first_submitted_date::text, '<null>')) "
	    "FROM trial_dates");
}

Test(views, history_and_current)
{
	json_t *a = minimal("NCT09000303"), *b = minimal("NCT09000303");

	json_object_set_new(json_object_get(json_object_get(a,
	    "protocolSection"), "statusModule"), "lastUpdatePostDateStruct",
	    json_pack("{s:s, s:s}", "date", "2025-01-02", "type", "ACTUAL"));
	json_object_set_new(json_object_get(a, "protocolSection"),
	    "contactsLocationsModule", json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}",
	    "locations", "city", "Oslo", "status", "RECRUITING", "city", "Bergen",
	    "status", "RECRUITING"));
	json_object_set_new(json_object_get(json_object_get(b,
	    "protocolSection"), "statusModule"), "lastUpdatePostDateStruct",
	    json_pack("{s:s, s:s}", "date", "2026-03-04", "type", "ACTUAL"));
	json_object_set_new(json_object_get(b, "protocolSection"),
	    "contactsLocationsModule", json_pack("{s:[{s:s, s:s}]}",
	    "locations", "city", "Oslo", "status", "COMPLETED"));
	store_json(a);
	store_json(b);
	expect_value("1 2025-01-02 Bergen RECRUITING; 1 2025-01-02 Oslo "
	    "RECRUITING; 2 2026-03-04 Oslo COMPLETED", "SELECT string_agg("
	    "concat_ws(' ', version_no, registry_updated, city, status), '; ' "
	    "ORDER BY version_no, city) FROM trial_sites_history");
	expect_value("Oslo COMPLETED", "SELECT string_agg(city || ' ' || status,"
	    " ',') FROM trial_sites");
	cr_expect_eq(count("SELECT count(*) FROM trial_dates_history"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trial_dates"), 1);
	/* An untracked trial keeps its history and leaves the current views. */
	cr_assert_eq(harness_db_exec(db, "UPDATE trials SET tracked = false"), 0);
	cr_expect_eq(count("SELECT count(*) FROM trial_sites"), 0);
	cr_expect_eq(count("SELECT count(*) FROM results_due"), 0);
	cr_expect_eq(count("SELECT count(*) FROM trial_sites_history"), 3);
}

static const char *const version_tables[] = {"version_facts",
    "version_conditions", "version_interventions", "version_sponsors",
    "version_references", "version_outcomes", "version_sites"};
#define N_VERSION_TABLES (sizeof(version_tables) / sizeof(version_tables[0]))

/* Every row of the version_* tables, in one text, for comparing. */
static char *
version_rows_text(void)
{
	char *parts[N_VERSION_TABLES], *all;

	for (size_t i = 0; i < N_VERSION_TABLES; i++)
		parts[i] = value("SELECT count(*) || ':' || coalesce(md5("
		    "string_agg(x::text, ',' ORDER BY x::text)), '') FROM %s x",
		    version_tables[i]);
	all = harness_fmt("%s %s %s %s %s %s %s", parts[0], parts[1],
	    parts[2], parts[3], parts[4], parts[5], parts[6]);
	for (size_t i = 0; i < N_VERSION_TABLES; i++)
		free(parts[i]);
	return all;
}

/*
 * Migration 0006 makes the rows of versions stored before it from their
 * stored (compressed) raw: the same rows the trigger makes from the
 * record being stored.
 */
Test(views, backfill_matches_trigger)
{
	char *by_trigger, *by_backfill;

	store_real();
	by_trigger = version_rows_text();
	for (size_t i = 0; i < N_VERSION_TABLES; i++) {
		char *sql = harness_fmt("DELETE FROM %s", version_tables[i]);

		cr_assert_eq(harness_db_exec(db, sql), 0);
		free(sql);
	}
	cr_assert_eq(harness_db_exec(db, "SELECT version_rows(version_id, "
	    "raw - 'resultsSection', results_submitted) FROM study_versions"),
	    0);
	by_backfill = version_rows_text();
	cr_expect_str_eq(by_backfill, by_trigger);
	cr_expect_eq(count("SELECT count(*) FROM version_facts"), 6);
	free(by_trigger);
	free(by_backfill);
}

/* A version deleted takes its rows along; a failed store leaves none. */
Test(views, rows_follow_their_version)
{
	json_t *a = minimal("NCT09000304"), *b = minimal("NCT09000304");
	struct study_error err;
	struct study *s;
	struct store_current cur;
	char *text;

	json_object_set_new(json_object_get(a, "protocolSection"),
	    "contactsLocationsModule", json_pack("{s:[{s:s}]}", "locations",
	    "city", "Oslo"));
	json_object_set_new(json_object_get(b, "protocolSection"),
	    "contactsLocationsModule", json_pack("{s:[{s:s}, {s:s}]}",
	    "locations", "city", "Oslo", "city", "Bergen"));
	store_json(a);
	store_json(b);
	cr_expect_eq(count("SELECT count(*) FROM version_sites"), 3);
	cr_assert_eq(harness_db_exec(db, "DELETE FROM study_versions WHERE "
	    "version_no = 1"), 0);
	cr_expect_eq(count("SELECT count(*) FROM version_sites"), 2);
	cr_expect_eq(count("SELECT count(*) FROM version_facts"), 1);
	/* A store that fails (version 2 again) rolls its rows back too. */
	text = harness_fmt("{\"protocolSection\":{\"identificationModule\":"
	    "{\"nctId\":\"NCT09000304\"},\"statusModule\":{\"overallStatus\""
	    ":\"COMPLETED\"},\"contactsLocationsModule\":{\"locations\":[{"
	    "\"city\":\"Tromso\"}]}},\"hasResults\":false}");
	s = study_from_text(text, strlen(text), NULL, &err);
	cr_assert_not_null(s, "%s", err.text);
	memset(&cur, 0, sizeof(cur));
	cur.version_no = 1;	/* makes version_no 2, which exists */
	cr_assert_eq(store_begin(st), 0);
	cr_expect_eq(store_add_version(st, 0, s, &cur, NULL), -1);
	store_rollback(st);
	cr_expect_eq(count("SELECT count(*) FROM version_sites WHERE city = "
	    "'Tromso'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM version_facts"), 1);
	study_free(s);
	free(text);
}

/* --------------------------------------------------------- results_due */

/* An applicable trial unless a case says otherwise. */
struct due_case {
	const char *name;
	const char *study_type;		/* NULL: none */
	const char *phases;		/* JSON, NULL: none */
	const char *status;
	const char *drug, *device;	/* "true", "false", NULL: absent */
	const char *purpose;
	const char *pcd, *pcd_type;	/* NULL: none */
	const char *disp;		/* dispFirstSubmitDate */
	const char *submitted;		/* resultsFirstSubmitDate (posted) */
	const char *qc;			/* unposted RELEASE date */
	const char *today;
	/* state|due_by|days_late|results_first_submitted_date */
	const char *want;
};

#define ACT "INTERVENTIONAL", "[\"PHASE2\"]", "COMPLETED", "true", "false", \
	"TREATMENT"

static const struct due_case due_cases[] = {
	{"actual completion, the deadline day", ACT, "2024-05-15", "ACTUAL",
	    NULL, NULL, NULL, "2025-05-15", "not due yet|2025-05-15||"},
	{"actual completion, a day past", ACT, "2024-05-15", "ACTUAL",
	    NULL, NULL, NULL, "2025-05-16", "overdue|2025-05-15|1|"},
	{"month-only completion counts as the month's last day", ACT,
	    "2024-05", "ACTUAL", NULL, NULL, NULL, "2025-05-31",
	    "not due yet|2025-05-31||"},
	{"month-only completion, a day past", ACT, "2024-05", "ACTUAL", NULL,
	    NULL, NULL, "2025-06-01", "overdue|2025-05-31|1|"},
	{"year-only completion counts as the year's last day", ACT, "2024",
	    "ACTUAL", NULL, NULL, NULL, "2026-01-01", "overdue|2025-12-31|1|"},
	{"leap day completion", ACT, "2024-02-29", "ACTUAL", NULL, NULL, NULL,
	    "2025-03-01", "overdue|2025-02-28|1|"},
	{"estimated completion ahead", ACT, "2026-03", "ESTIMATED", NULL, NULL,
	    NULL, "2026-12-01", "not due yet|2027-03-31||"},
	{"estimated completion long past: the record cannot say", ACT,
	    "2023-03", "ESTIMATED", NULL, NULL, NULL, "2026-12-01",
	    "unknown|2024-03-31||"},
	{"submitted in time, in QC, not posted", ACT, "2024-05-15", "ACTUAL",
	    NULL, NULL, "2025-04-01", "2026-12-01",
	    "reported on time|2025-05-15|0|2025-04-01"},
	{"submitted late, in QC, not posted", ACT, "2024-05-15", "ACTUAL",
	    NULL, NULL, "2025-07-01", "2026-12-01",
	    "reported late|2025-05-15|47|2025-07-01"},
	{"submitted and posted, late", ACT, "2024-05-15", "ACTUAL", NULL,
	    "2025-08-01", NULL, "2026-12-01",
	    "reported late|2025-05-15|78|2025-08-01"},
	{"submitted and posted on the deadline", ACT, "2024-05-15", "ACTUAL",
	    NULL, "2025-05-15", NULL, "2026-12-01",
	    "reported on time|2025-05-15|0|2025-05-15"},
	{"certificate of delay: 3 years", ACT, "2024-05-15", "ACTUAL",
	    "2025-03-01", NULL, NULL, "2026-12-01", "not due yet|2027-05-15||"},
	{"certificate of delay, 3 years past", ACT, "2024-05-15", "ACTUAL",
	    "2025-03-01", NULL, NULL, "2027-05-20", "overdue|2027-05-15|5|"},
	{"certificate after the deadline extends nothing", ACT, "2024-05-15",
	    "ACTUAL", "2025-06-01", NULL, NULL, "2026-12-01",
	    "overdue|2025-05-15|565|"},
	{"withdrawn before enrolment", "INTERVENTIONAL", "[\"PHASE2\"]",
	    "WITHDRAWN", "true", "false", "TREATMENT", "2024-05-15", "ACTUAL",
	    NULL, NULL, NULL, "2026-12-01", "not applicable|||"},
	{"phase 1", "INTERVENTIONAL", "[\"PHASE1\"]", "COMPLETED", "true",
	    "false", "TREATMENT", "2024-05-15", "ACTUAL", NULL, NULL, NULL,
	    "2026-12-01", "not applicable|||"},
	{"early phase 1", "INTERVENTIONAL", "[\"EARLY_PHASE1\"]", "COMPLETED",
	    "true", "false", "TREATMENT", "2024-05-15", "ACTUAL", NULL, NULL,
	    NULL, "2026-12-01", "not applicable|||"},
	{"phase 1/2 is applicable", "INTERVENTIONAL",
	    "[\"PHASE1\", \"PHASE2\"]", "COMPLETED", "true", "false",
	    "TREATMENT", "2024-05-15", "ACTUAL", NULL, NULL, NULL, "2026-12-01",
	    "overdue|2025-05-15|565|"},
	{"NA phase (a device trial)", "INTERVENTIONAL", "[\"NA\"]",
	    "COMPLETED", "false", "true", "TREATMENT", "2024-05-15", "ACTUAL",
	    NULL, NULL, NULL, "2026-12-01", "overdue|2025-05-15|565|"},
	{"observational", "OBSERVATIONAL", NULL, "COMPLETED", "true", "false",
	    NULL, "2024-05-15", "ACTUAL", NULL, NULL, NULL, "2026-12-01",
	    "not applicable|||"},
	{"device feasibility", "INTERVENTIONAL", "[\"NA\"]", "COMPLETED",
	    "false", "true", "DEVICE_FEASIBILITY", "2024-05-15", "ACTUAL", NULL,
	    NULL, NULL, "2026-12-01", "not applicable|||"},
	{"not FDA-regulated", "INTERVENTIONAL", "[\"PHASE3\"]", "COMPLETED",
	    "false", "false", "TREATMENT", "2024-05-15", "ACTUAL", NULL, NULL,
	    NULL, "2026-12-01", "not applicable|||"},
	{"FDA flags absent: unknown", "INTERVENTIONAL", "[\"PHASE3\"]",
	    "COMPLETED", NULL, NULL, "TREATMENT", "2024-05-15", "ACTUAL", NULL,
	    NULL, NULL, "2026-12-01", "unknown|||"},
	{"one flag false, one absent: unknown", "INTERVENTIONAL",
	    "[\"PHASE3\"]", "COMPLETED", "false", NULL, "TREATMENT",
	    "2024-05-15", "ACTUAL", NULL, NULL, NULL, "2026-12-01", "unknown|||"},
	{"no phase: unknown", "INTERVENTIONAL", NULL, "COMPLETED", "true",
	    "false", "TREATMENT", "2024-05-15", "ACTUAL", NULL, NULL, NULL,
	    "2026-12-01", "unknown|||"},
	{"no primary completion: unknown", ACT, NULL, NULL, NULL, NULL, NULL,
	    "2026-12-01", "unknown|||"},
	{"completed before the Final Rule", ACT, "2017-01-17", "ACTUAL", NULL,
	    NULL, NULL, "2026-12-01", "not applicable|||"},
	{"completed the day the Final Rule took effect", ACT, "2017-01-18",
	    "ACTUAL", NULL, NULL, NULL, "2026-12-01", "overdue|2018-01-18|3239|"},
};

static json_t *
due_record(const char *nct_id, const struct due_case *c)
{
	json_t *r = minimal(nct_id);
	json_t *p = json_object_get(r, "protocolSection");
	json_t *sm = json_object_get(p, "statusModule");
	json_t *dm = json_object(), *om = json_object(), *di = json_object();
	json_error_t jerr;

	json_object_set_new(sm, "overallStatus", json_string(c->status));
	if (c->pcd)
		json_object_set_new(sm, "primaryCompletionDateStruct",
		    json_pack("{s:s, s:s}", "date", c->pcd, "type", c->pcd_type));
	if (c->disp)
		json_object_set_new(sm, "dispFirstSubmitDate",
		    json_string(c->disp));
	if (c->submitted) {
		json_object_set_new(sm, "resultsFirstSubmitDate",
		    json_string(c->submitted));
		json_object_set_new(sm, "resultsFirstPostDateStruct",
		    json_pack("{s:s, s:s}", "date", "2025-09-01", "type",
		    "ACTUAL"));
		json_object_set_new(r, "hasResults", json_true());
	}
	if (c->qc)
		json_object_set_new(r, "annotationSection", json_pack("{s:{s:{s:"
		    "[{s:s, s:s}]}}}", "annotationModule", "unpostedAnnotation",
		    "unpostedEvents", "type", "RELEASE", "date", c->qc));
	if (c->study_type)
		json_object_set_new(dm, "studyType", json_string(c->study_type));
	if (c->phases)
		json_object_set_new(dm, "phases", json_loads(c->phases, 0, &jerr));
	if (c->purpose)
		json_object_set_new(di, "primaryPurpose", json_string(c->purpose));
	json_object_set_new(dm, "designInfo", di);
	json_object_set_new(p, "designModule", dm);
	if (c->drug)
		json_object_set_new(om, "isFdaRegulatedDrug",
		    json_boolean(strcmp(c->drug, "true") == 0));
	if (c->device)
		json_object_set_new(om, "isFdaRegulatedDevice",
		    json_boolean(strcmp(c->device, "true") == 0));
	json_object_set_new(p, "oversightModule", om);
	return r;
}

Test(views, results_due_edge_cases)
{
	size_t n = sizeof(due_cases) / sizeof(due_cases[0]), i;

	for (i = 0; i < n; i++) {
		char id[NCT_ID_SIZE];

		snprintf(id, sizeof(id), "NCT0910%04zu", i);
		store_json(due_record(id, &due_cases[i]));
	}
	for (i = 0; i < n; i++) {
		const struct due_case *c = &due_cases[i];
		char *got = value("SELECT set_config('ctmirror.today', '%s', "
		    "false); SELECT concat_ws('|', state, coalesce(due_by::text, "
		    "''), coalesce(days_late::text, ''), coalesce("
		    "results_first_submitted_date::text, '')) FROM results_due "
		    "WHERE nct_id = 'NCT0910%04zu'", c->today, i);
		char *reason = value("SELECT reason FROM results_due WHERE "
		    "nct_id = 'NCT0910%04zu'", i);

		cr_expect_str_eq(got, c->want, "%s (reason: %s)", c->name,
		    reason);
		cr_expect_neq(reason[0], '\0', "%s: a reason", c->name);
		free(reason);
		free(got);
	}
	/* The reasons say why, in words. */
	expect_value("a phase 1 trial (PHASE1)", "SELECT reason FROM results_due"
	    " WHERE nct_id = 'NCT09100016'");
	expect_value("withdrawn before enrolling its first participant",
	    "SELECT reason FROM results_due WHERE nct_id = 'NCT09100015'");
	cr_expect_eq(count("SELECT count(*) FROM results_due WHERE nct_id = "
	    "'NCT09100012' AND reason LIKE '%%certificate of delay submitted "
	    "2025-03-01%%'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM results_due WHERE nct_id = "
	    "'NCT09100008' AND reason LIKE '%%quality-control review%%'"), 1);
	/* Without the setting, today is current_date. */
	cr_expect_eq(count("SELECT count(*) FROM results_due WHERE nct_id = "
	    "'NCT09100000' AND days_late = current_date - DATE '2025-05-15'"),
	    1);
}

/* The deadline of each state store_each_state() gives, by trial. */
struct deadlines {
	char id[8][NCT_ID_SIZE];
	char due[8][DATE_SIZE];
	size_t n;
};

static int
on_deadline(void *arg, const struct trial_state *s, const char *summary,
    size_t len)
{
	struct deadlines *d = arg;

	cr_assert_lt(d->n, 8);
	snprintf(d->id[d->n], NCT_ID_SIZE, "%s", s->nct_id);
	snprintf(d->due[d->n], DATE_SIZE, "%s", s->results_due_by);
	d->n++;
	return 0;
}

/* What the rule results-overdue reads: the deadline, whatever the day. */
Test(views, states_carry_the_deadline)
{
	static const int which[] = {0, 6, 8, 15, 23};
	static const char *const want[] = {"2025-05-15", "", "", "", ""};
	char ids[5][NCT_ID_SIZE], *idp[5];
	struct deadlines d = {0};

	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		snprintf(ids[i], sizeof(ids[i]), "NCT0910%04d", which[i]);
		idp[i] = ids[i];
		store_json(due_record(ids[i], &due_cases[which[i]]));
	}
	cr_assert_eq(store_each_state(st, idp, 5, on_deadline, &d), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(d.n, 5);
	for (size_t i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		size_t k = 0;

		while (k < d.n && strcmp(d.id[k], ids[i]) != 0)
			k++;
		cr_assert_lt(k, d.n, "%s", ids[i]);
		cr_expect_str_eq(d.due[k], want[i], "%s (%s)",
		    due_cases[which[i]].name, ids[i]);
	}
	/* status reads the state as of the day it is given. */
	cr_assert_eq(store_set_today(st, "2025-05-15"), 0, "%s",
	    store_errmsg(st));
	cr_expect_eq(store_set_today(st, "not a date"), -1);
}

/* ------------------------------------------------- the README's queries */

static void
serve(const char *regdir, const char *from, const char *id)
{
	char *src = harness_fmt("%s/%s", harness_data(), from);
	char *dst = harness_fmt("%s/%s.json", regdir, id);

	cr_assert_eq(harness_copy(src, dst), 0, "%s", src);
	free(src);
	free(dst);
}

static void
sync_now(const char *conf)
{
	char *cenv = harness_fmt("CTMIRROR_CONFIG=%s", conf);
	const char *env[] = {cenv, "CTMIRROR_NOW=2026-12-01", NULL};
	const char *argv[] = {"sync", NULL};
	struct harness_run r;

	cr_assert_eq(harness_run(&r, argv, env), 0);
	cr_assert_eq(r.status, 0, "sync: %s", r.err);
	harness_run_free(&r);
	free(cenv);
}

/*
 * Text without the spaces that end its lines: psql pads its header line,
 * and editors (.editorconfig) trim them from the files that keep it.
 */
static char *
rstrip_lines(const char *text)
{
	char *out = strdup(text), *o = out;

	cr_assert_not_null(out);
	for (const char *t = text; *t; t++) {
		if (*t == '\n')
			while (o > out && o[-1] == ' ')
				o--;
		*o++ = *t;
	}
	*o = '\0';
	return out;
}

/* psql's output of one query file, as an analyst would see it. */
static char *
psql_output(const char *file)
{
	char *cmd = harness_fmt("PGOPTIONS='-c ctmirror.today=2026-12-01' "
	    "psql -X -q -P pager=off -d '%s' -f '%s' 2>&1", db, file);
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t cap = 0, len = 0, n;
	char buf[4096];

	cr_assert_not_null(p, "%s", cmd);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			out = realloc(out, cap);
			cr_assert_not_null(out);
		}
		memcpy(out + len, buf, n);
		len += n;
	}
	cr_assert_eq(pclose(p), 0, "%s", cmd);
	free(cmd);
	if (out == NULL)
		out = strdup("");
	else
		out[len] = '\0';
	return out;
}

/* A config in dir for the fake registry reg; `more` is appended.  New path. */
static char *
write_conf(const char *dir, const struct fakereg *reg, const char *more)
{
	char *conf = harness_fmt("%s/ctmirror.conf", dir);
	char *text = harness_fmt("[database]\nconninfo = %s\n[registry]\n"
	    "base_url = %s\nrate_limit = 0\n[tracking]\nnct_ids = NCT02982915 "
	    "NCT05233774 NCT04421456 NCT04506073\n[alerts]\nstdout = no\n"
	    "notify = no\n%s", db, fakereg_url(reg), more);

	cr_assert_eq(harness_write(conf, text), 0);
	free(text);
	return conf;
}

/* The rule and status, end to end: CLEARMIND's results are overdue. */
Test(views, overdue_flag_and_status)
{
	char *regdir = harness_tmpdir();
	struct fakereg *reg = fakereg_start(regdir, 0);
	char *page = harness_fmt("%s/kb/clearmind.md", regdir);
	char *kb = harness_fmt("[pages]\npaths = %s/kb\n", regdir);
	char *conf, *cenv, *dir;
	const char *argv[] = {"status", NULL}, *argv_json[] = {"status",
	    "--json", NULL};
	struct harness_run r;

	cr_assert_not_null(reg);
	conf = write_conf(regdir, reg, kb);
	dir = harness_fmt("%s/kb", regdir);
	cr_assert_eq(mkdir(dir, 0700), 0);
	cr_assert_eq(harness_write(page, "# CLEARMIND\n\nCLEARMIND "
	    "(NCT05233774): results pending.\n"), 0);
	serve(regdir, "registry/default/NCT02982915.json", "NCT02982915");
	serve(regdir, "registry/default/NCT04421456.json", "NCT04421456");
	serve(regdir, "registry/default/NCT05233774.json", "NCT05233774");
	serve(regdir, "views/examples/NCT04506073.json", "NCT04506073");
	sync_now(conf);
	fakereg_stop(reg);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT05233774' AND rule = 'results-overdue' AND severity = "
	    "'recheck' AND evidence LIKE 'results were due by 2025-06-28 under "
	    "FDAAA 801 and none have been submitted: 521 days overdue%%' AND "
	    "resolved_at IS NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE rule = "
	    "'results-overdue'"), 1);
	cenv = harness_fmt("CTMIRROR_CONFIG=%s", conf);
	{
		const char *env[] = {cenv, "CTMIRROR_NOW=2026-12-01", NULL};

		cr_assert_eq(harness_run(&r, argv, env), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "RESULTS DUE") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "overdue, due 2025-06-28, 521 days "
		    "late") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "not due yet, due 2028-06-30") != NULL,
		    "%s", r.out);
		cr_expect(strstr(r.out, "not applicable") != NULL, "%s", r.out);
		harness_run_free(&r);
		cr_assert_eq(harness_run(&r, argv_json, env), 0);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "\"results_due\": \"overdue\",\n      "
		    "\"results_due_by\": \"2025-06-28\",\n      "
		    "\"results_days_late\": 521") != NULL, "%s", r.out);
		harness_run_free(&r);
	}
	/* A later day: the days late follow CTMIRROR_NOW. */
	{
		const char *env[] = {cenv, "CTMIRROR_NOW=2026-12-02", NULL};

		cr_assert_eq(harness_run(&r, argv, env), 0);
		cr_expect(strstr(r.out, "2025-06-28, 522 days late") != NULL,
		    "%s", r.out);
		harness_run_free(&r);
	}
	free(cenv);
	free(dir);
	free(kb);
	free(page);
	free(conf);
	harness_rmtree(regdir);
	free(regdir);
}

Test(views, readme_examples, .timeout = 180)
{
	char *regdir = harness_tmpdir();
	struct fakereg *reg = fakereg_start(regdir, 0);
	char *conf, *text, *readme;

	cr_assert_not_null(reg);
	conf = write_conf(regdir, reg, "");
	/* Sync 1: CLEARMIND as it stood in 2023. */
	serve(regdir, "registry/default/NCT02982915.json", "NCT02982915");
	serve(regdir, "registry/default/NCT04421456.json", "NCT04421456");
	serve(regdir, "views/examples/before/NCT05233774.json", "NCT05233774");
	serve(regdir, "views/examples/NCT04506073.json", "NCT04506073");
	sync_now(conf);
	/* Sync 2: CLEARMIND completed, HERA's results posted. */
	serve(regdir, "registry/default/NCT05233774.json", "NCT05233774");
	serve(regdir, "registry/variants/NCT02982915-results.json",
	    "NCT02982915");
	sync_now(conf);
	fakereg_stop(reg);

	text = harness_fmt("%s/README.md", harness_root());
	readme = harness_read(text);
	cr_assert_not_null(readme, "%s", text);
	free(text);
	text = readme;
	readme = rstrip_lines(text);
	free(text);
	for (int q = 0; q <= 5; q++) {
		char *sql_path = harness_fmt("%s/views/examples/q%d.sql",
		    harness_data(), q);
		char *out_path = harness_fmt("%s/views/examples/q%d.out",
		    harness_data(), q);
		char *sql = harness_read(sql_path), *want = harness_read(out_path);
		char *raw = psql_output(sql_path), *got = rstrip_lines(raw);

		free(raw);
		cr_assert_not_null(sql, "%s", sql_path);
		if (want != NULL) {
			raw = want;
			want = rstrip_lines(raw);
			free(raw);
		}
		if (want == NULL || strcmp(got, want) != 0) {
			char *keep = harness_fmt("/tmp/ctmirror-views-q%d-%d.out",
			    q, (int)getpid());

			harness_write(keep, got);
			cr_expect_fail("q%d.sql: the output differs from %s (what "
			    "it gave is in %s)", q, out_path, keep);
			free(keep);
		}
		cr_expect(strstr(readme, sql) != NULL, "README.md lacks q%d.sql "
		    "as written", q);
		if (want != NULL) {
			/* The README's block ends where psql's blank line does. */
			size_t n = strlen(want);

			while (n > 0 && want[n - 1] == '\n')
				want[--n] = '\0';
			cr_expect(strstr(readme, want) != NULL, "README.md lacks "
			    "q%d.out as psql gives it", q);
		}
		free(sql_path);
		free(out_path);
		free(sql);
		free(want);
		free(got);
	}
	free(readme);
	free(conf);
	harness_rmtree(regdir);
	free(regdir);
}

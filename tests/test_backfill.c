/*
 * test_backfill.c - the backfill stage end to end: HERA's 32 versions
 * (tests/data/history/gen.py) served by the fake registry's history
 * endpoints, a real PostgreSQL, sync_cycle() in process.  Every version
 * stored once and in order, the change list matching the versions, the
 * timeline covering the whole life, a live sync after it adding nothing;
 * the budget, resuming, a registry that moved, placing by date; and the
 * endpoints failing (gone, an HTML page, another shape, slow, stalled),
 * each leaving the mirror consistent and the backfill resuming.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fakereg.h"
#include "harness.h"
#include "store.h"
#include "sync.h"

#define HERA "NCT02982915"
#define CLEARMIND "NCT05233774"

static struct harness_mirror *m;
/* The calls nearly every test makes, by short names. */
static int (*const cycle)(struct sync_result *) = harness_mirror_cycle;
static long (*const count)(const char *) = harness_mirror_count;

/* HERA's current record and its 32 versions into `dir`. */
static void
regenerate(const char *dir)
{
	char *cmd = harness_fmt("python3 '%s/history/gen.py' '%s'",
	    harness_data(), dir);

	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
}

static void
setup(void)
{
	static const char *const hera[] = {HERA};
	char *records = harness_tmpdir();

	cr_assert_not_null(records);
	regenerate(records);
	m = harness_mirror_start("backfill", records);
	harness_mirror_track(hera, 1);
	m->cfg->retries = 1;
}

TestSuite(backfill, .init = setup, .fini = harness_mirror_stop,
    .timeout = 240);

static char *
value(const char *sql)
{
	return harness_db_value(m->db, sql);
}

/* tests/reliability/invariants.sql: the rows it returns (violations). */
static long
violations(void)
{
	char *path = harness_fmt("%s/tests/reliability/invariants.sql",
	    harness_root());
	char *sql = harness_read(path), *end, *wrapped, *what;
	long n;

	cr_assert_not_null(sql, "%s", path);
	end = strrchr(sql, ';');
	cr_assert_not_null(end);
	*end = '\0';
	wrapped = harness_fmt("SELECT count(*) FROM (%s) v", sql);
	n = count(wrapped);
	if (n != 0) {
		what = harness_fmt("SELECT string_agg(violation || ' ' || "
		    "subject, E'\\n') FROM (%s) v", sql);
		cr_log_error("invariants: %s", value(what));
		free(what);
	}
	free(wrapped);
	free(sql);
	free(path);
	return n;
}

/* The served current record of HERA becomes history version `v`. */
static void
serve_version(int v)
{
	char *from = harness_fmt("%s/history/%s/%d.json", m->regdir, HERA, v);
	char *to = harness_fmt("%s/%s.json", m->regdir, HERA);

	cr_assert_eq(harness_copy(from, to), 0, "%s", from);
	free(from);
	free(to);
}

/* Drop history versions from `first` on: the registry as it was. */
static void
truncate_history(int first)
{
	for (int v = first;; v++) {
		char *p = harness_fmt("%s/history/%s/%d.json", m->regdir,
		    HERA, v);
		int gone = remove(p);

		free(p);
		if (gone != 0)
			break;
	}
}

/* ------------------------------------------------------------ the life */

Test(backfill, stores_every_version_once_in_order)
{
	struct sync_result res;
	char *v;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.backfill.trials_done, 1);
	cr_expect_eq(res.backfill.versions, 32, "every version fetched once");
	cr_expect_eq(res.backfill.stored, 31);
	cr_expect_eq(res.backfill.requests, 33, "the list and 32 versions");
	cr_expect_eq(res.backfill.pending, 0);
	cr_expect_eq(fakereg_count(m->reg, "/api/int/"), 33);
	/* 31 from the history, then the one seen live: 32, numbered 1..32. */
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = '" HERA "'"), 32);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "source = 'history'"), 31);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "version_no = registry_version + 1"), 32,
	    "version_no is the website's version number after a backfill");
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "source = 'live' AND version_no = 32 AND registry_version = 31 "
	    "AND registry_date = '2026-10-05'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials t JOIN study_versions v"
	    " ON v.version_id = t.current_version_id WHERE v.version_no = 32"),
	    1, "the current version is still the live one");
	/* The change list matches the versions, date for date. */
	cr_expect_eq(count("SELECT count(*) FROM history_changes"), 32);
	cr_expect_eq(count("SELECT count(*) FROM study_versions v JOIN "
	    "history_changes c ON c.nct_id = v.nct_id AND c.registry_version = "
	    "v.registry_version AND c.registry_date = v.registry_date AND "
	    "c.registry_date = v.raw #>> '{protocolSection,statusModule,"
	    "lastUpdateSubmitDate}' AND c.overall_status = v.overall_status"),
	    32);
	cr_expect_eq(count("SELECT count(*) FROM history_staged"), 0);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "state = 'done' AND versions_listed = 32 AND anchor_version = 31 "
	    "AND versions_stored = 31 AND versions_skipped = 0"), 1);
	/* Every version after the first has its changes, classed as live. */
	cr_expect_eq(count("SELECT count(DISTINCT version_id) FROM "
	    "study_changes"), 31);
	v = value("SELECT string_agg(v.version_no || ':' || c.change_class || "
	    "':' || c.old_value::text || '>' || c.new_value::text, ' ' ORDER "
	    "BY v.version_no) FROM study_changes c JOIN study_versions v USING "
	    "(version_id) WHERE c.path = '/protocolSection/statusModule/"
	    "overallStatus'");
	cr_expect_str_eq(v, "2:status:\"NOT_YET_RECRUITING\">\"RECRUITING\" "
	    "14:status:\"RECRUITING\">\"SUSPENDED\" "
	    "15:status:\"SUSPENDED\">\"RECRUITING\" "
	    "19:status:\"RECRUITING\">\"ACTIVE_NOT_RECRUITING\" "
	    "21:status:\"ACTIVE_NOT_RECRUITING\">\"COMPLETED\"");
	free(v);
	/* An estimated date made actual; results submitted, then posted. */
	cr_expect_eq(count("SELECT count(*) FROM study_changes c JOIN "
	    "study_versions v USING (version_id) WHERE v.version_no = 20 AND "
	    "c.change_class = 'dates' AND c.path LIKE '/protocolSection/"
	    "statusModule/primaryCompletionDateStruct%'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "version_no = 29 AND results_submitted = '2026-05-20' AND NOT "
	    "has_results"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_changes c JOIN "
	    "study_versions v USING (version_id) WHERE v.version_no = 30 AND "
	    "c.path = '/hasResults' AND c.new_value = 'true'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_changes c JOIN "
	    "study_versions v USING (version_id) WHERE v.version_no = 31 AND "
	    "c.change_class = 'references' AND c.new_value ->> 'pmid' = "
	    "'39999999'"), 1);
	cr_expect_eq(violations(), 0);
}

Test(backfill, timeline_covers_the_whole_life)
{
	struct sync_result res;
	char *v;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* One span per state, each starting where the one before ended. */
	cr_expect_eq(count("SELECT count(*) FROM (SELECT valid_to, lead("
	    "valid_from) OVER (ORDER BY valid_from) AS next FROM "
	    "trial_timeline) s WHERE valid_to IS DISTINCT FROM next"), 0,
	    "no gap, no overlap");
	cr_expect_eq(count("SELECT count(*) FROM trial_timeline WHERE "
	    "valid_to <= valid_from"), 0);
	cr_expect_eq(count("SELECT count(*) FROM trial_timeline WHERE "
	    "valid_to IS NULL"), 1);
	v = value("SELECT min(valid_from)::text FROM trial_timeline");
	cr_expect_str_eq(v, "2016-12-06", "from the first version's posting");
	free(v);
	v = value("SELECT string_agg(valid_from || ' ' || overall_status || "
	    "' ' || has_results || ' ' || coalesce(primary_completion_date::text, "
	    "'-') || ' ' || primary_completion_date_precision || ' ' || "
	    "primary_completion_date_type || ' ' || enrollment || ' ' || "
	    "enrollment_type || ' ' || source, E'\\n' ORDER BY valid_from) "
	    "FROM trial_timeline");
	cr_expect_str_eq(v,
	    "2016-12-06 NOT_YET_RECRUITING false 2019-06-01 month ESTIMATED 40 ESTIMATED history\n"
	    "2017-02-22 RECRUITING false 2019-06-01 month ESTIMATED 40 ESTIMATED history\n"
	    "2018-03-14 RECRUITING false 2019-12-01 month ESTIMATED 40 ESTIMATED history\n"
	    "2018-12-05 RECRUITING false 2019-12-01 month ESTIMATED 45 ESTIMATED history\n"
	    "2019-03-13 RECRUITING false 2020-06-01 month ESTIMATED 45 ESTIMATED history\n"
	    "2020-04-01 SUSPENDED false 2020-06-01 month ESTIMATED 45 ESTIMATED history\n"
	    "2020-07-08 RECRUITING false 2020-06-01 month ESTIMATED 45 ESTIMATED history\n"
	    "2020-10-21 RECRUITING false 2021-03-01 month ESTIMATED 45 ESTIMATED history\n"
	    "2021-03-24 RECRUITING false 2021-06-01 month ESTIMATED 45 ESTIMATED history\n"
	    "2021-05-05 ACTIVE_NOT_RECRUITING false 2021-06-01 month ESTIMATED 43 ACTUAL history\n"
	    "2021-07-14 ACTIVE_NOT_RECRUITING false 2021-06-30 day ACTUAL 43 ACTUAL history\n"
	    "2021-10-13 COMPLETED false 2021-06-30 day ACTUAL 43 ACTUAL history\n"
	    "2026-08-01 COMPLETED true 2021-06-30 day ACTUAL 43 ACTUAL history");
	free(v);
	/* The state of every tracked trial on a day. */
	v = value("SELECT overall_status || ' ' || primary_completion_date FROM "
	    "trials_as_of('2020-05-01')");
	cr_expect_str_eq(v, "SUSPENDED 2020-06-01");
	free(v);
	cr_expect_eq(count("SELECT count(*) FROM trials_as_of('2016-12-05')"), 0,
	    "nothing before the first version");
	cr_expect_eq(count("SELECT count(*) FROM trials_as_of('2030-01-01') "
	    "WHERE has_results"), 1);
}

Test(backfill, live_sync_after_adds_nothing)
{
	struct timespec settle = {1, 100000000};
	struct sync_result res;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/*
	 * Files written within the last second may still change unseen: the
	 * fake names a new data build for each /version until they settle.
	 */
	nanosleep(&settle, NULL);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 0);
	cr_expect_eq(res.backfill.requests, 0, "the backfill is done");
	cr_expect_eq(fakereg_count(m->reg, NULL), 1, "only /version");
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 32);
	/* The registry moves on: the live version follows the history. */
	truncate_history(32);
	{
		char *path = harness_fmt("%s/%s.json", m->regdir, HERA);
		json_error_t jerr;
		json_t *r = json_load_file(path, 0, &jerr);
		json_t *sm = json_object_get(json_object_get(r,
		    "protocolSection"), "statusModule");

		cr_assert_not_null(r);
		json_object_set_new(sm, "lastUpdateSubmitDate",
		    json_string("2026-11-02"));
		json_object_set_new(sm, "lastUpdatePostDateStruct", json_pack(
		    "{s:s, s:s}", "date", "2026-11-04", "type", "ACTUAL"));
		cr_assert_eq(json_dump_file(r, path, 0), 0);
		json_decref(r);
		free(path);
	}
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "version_no = 33 AND source = 'live' AND registry_version IS NULL"),
	    1);
	cr_expect_eq(count("SELECT count(*) FROM study_changes c JOIN "
	    "study_versions v USING (version_id) JOIN study_versions p ON "
	    "p.version_id = c.prev_version_id WHERE v.version_no = 33 AND "
	    "p.version_no = 32"), 2, "two dates moved");
	cr_expect_eq(violations(), 0);
}

/* ------------------------------------------------- budget and resuming */

Test(backfill, budget_spreads_it_over_cycles)
{
	struct sync_result res;
	int cycles = 0;

	m->cfg->backfill_requests = 10;
	do {
		cr_assert_eq(cycle(&res), 0, "%s", res.error);
		cr_expect_leq(res.backfill.requests, 10);
		cr_expect_eq(violations(), 0);
		if (res.backfill.pending > 0) {
			/* Nothing of the history shows until it is whole. */
			cr_expect_eq(count("SELECT count(*) FROM study_versions"),
			    1);
		}
	} while (res.backfill.pending > 0 && ++cycles < 10);
	cr_expect_eq(cycles, 3, "33 requests at 10 a cycle: 4 cycles");
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 32);
	cr_expect_eq(fakereg_count(m->reg, "/api/int/"), 33,
	    "none asked twice");
}

Test(backfill, registry_moved_before_the_backfill)
{
	struct sync_result res;

	/* First seen live as version 27, with the backfill off. */
	truncate_history(28);
	serve_version(27);
	m->cfg->backfill = false;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* The registry then posts 28..31, and the backfill runs. */
	regenerate(m->regdir);
	m->cfg->backfill = true;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.backfill.stored, 27);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 29,
	    "27 from the history, then 27 and 31 seen live");
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "source = 'live' AND version_no = 28 AND registry_version = 27"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "source = 'live' AND version_no = 29"), 1);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "anchor_version = 27"), 1);
	cr_expect_eq(violations(), 0);
}

Test(backfill, placed_by_date_when_no_version_matches)
{
	struct sync_result res;
	char *path = harness_fmt("%s/%s.json", m->regdir, HERA);
	json_error_t jerr;
	json_t *r = json_load_file(path, 0, &jerr);

	/* The live record says what no history version says. */
	cr_assert_not_null(r);
	json_object_set_new(json_object_get(json_object_get(r,
	    "protocolSection"), "identificationModule"), "briefTitle",
	    json_string("HERA, as the live record names it"));
	cr_assert_eq(json_dump_file(r, path, 0), 0);
	json_decref(r);
	free(path);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.backfill.stored, 31, "submitted before 2026-10-05");
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "state = 'done' AND anchor_version IS NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "version_no = 32 AND source = 'live' AND registry_version IS NULL"),
	    1);
	cr_expect_eq(violations(), 0);
}

Test(backfill, off_reads_no_history)
{
	struct sync_result res;

	m->cfg->backfill = false;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, "/api/int/"), 0);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill"), 0);
}

/*
 * More trials waiting than backfill_max_trials (a search of the whole
 * registry, in small): none is read, and the mirror's requests stay its
 * own; the limit lifted, the backfill goes on.
 */
Test(backfill, more_than_max_trials_reads_none)
{
	static const char *const two[] = {HERA, "NCT05233774"};
	char *from = harness_fmt("%s/registry/default/%s.json", harness_data(),
	    two[1]);
	char *to = harness_fmt("%s/%s.json", m->regdir, two[1]);
	struct sync_result res;

	cr_assert_eq(harness_copy(from, to), 0, "copy %s", from);
	free(from);
	free(to);
	harness_mirror_track(two, 2);
	m->cfg->backfill_max_trials = 1;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 2);
	cr_expect(res.backfill.over_max);
	cr_expect_eq(res.backfill.pending, 2);
	cr_expect_eq(res.backfill.requests, 0);
	cr_expect_eq(fakereg_count(m->reg, "/api/int/"), 0);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill"), 2,
	    "queued, to be read once the limit allows");
	m->cfg->backfill_max_trials = 0;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_not(res.backfill.over_max);
	cr_expect_gt(fakereg_count(m->reg, "/api/int/"), 0);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = 'NCT02982915'"), 32, "HERA's whole life");
}

/* ------------------------------------------------------------- faults */

/* How many logged requests end with `tail` (which ends with a newline). */
static int
asked(const char *tail)
{
	char *log = fakereg_log(m->reg), *p = log;
	int n = 0;

	while ((p = strstr(p, tail)) != NULL) {
		n++;
		p += strlen(tail);
	}
	free(log);
	return n;
}

/*
 * A fault on the history endpoints: the sync succeeds with everything it
 * did live, the backfill waits with the reason, nothing of the history is
 * half-stored; once the fault clears, it completes.
 */
static void
fault_then_resume(const char *reason)
{
	struct sync_result res;
	char *err;

	cr_assert_eq(cycle(&res), 0, "the sync's result stands: %s", res.error);
	cr_expect(res.backfill.endpoint_failed);
	cr_expect_eq(res.backfill.pending, 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'ok'"), 1);
	err = value("SELECT last_error FROM history_backfill");
	cr_expect(err && strstr(err, reason) != NULL, "last_error: %s", err);
	free(err);
	cr_expect_eq(violations(), 0);
	fakereg_clear_faults(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.backfill.pending, 0);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 32);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "state = 'done' AND attempts = 0 AND last_error IS NULL"), 1);
	cr_expect_eq(violations(), 0);
}

Test(backfill, endpoint_gone_404)
{
	fakereg_set_history_mode(m->reg, FAKEREG_HISTORY_GONE);
	fault_then_resume("HTTP 404 (text/html)");
}

Test(backfill, endpoint_answers_html)
{
	harness_fault(m->reg, FAULT_HTML_200, "/api/int/", 0, 0);
	fault_then_resume("not JSON");
}

Test(backfill, endpoint_changed_shape)
{
	fakereg_set_history_mode(m->reg, FAKEREG_HISTORY_RESHAPED);
	fault_then_resume("shape ctmirror does not know");
}

Test(backfill, endpoint_stalls_past_the_timeout)
{
	harness_fault(m->reg, FAULT_STALL, "/history/7", 0, 0);
	m->cfg->timeout = 1;
	m->cfg->retries = 0;
	fault_then_resume("version 7");
	/* What arrived before the stall was kept, not asked for again. */
	cr_expect_eq(asked(HERA "/history/3\n"), 1);
	cr_expect_eq(asked(HERA "/history/7\n"), 2);
}

Test(backfill, slow_endpoint_is_only_slower)
{
	struct sync_result res;
	struct fakereg_fault f = {0};

	f.kind = FAULT_DELAY;
	f.match = "/api/int/";
	f.delay_ms = 50;
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.backfill.stored, 31);
	cr_expect_eq(violations(), 0);
}

Test(backfill, change_list_only_in_the_record_form)
{
	struct sync_result res;

	/* ctrdata and cthist ask ?history=true: so does ctmirror on a 404. */
	fakereg_set_history_mode(m->reg, FAKEREG_HISTORY_LIST_GONE);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.backfill.stored, 31);
	cr_expect_eq(fakereg_count(m->reg, "?history=true"), 1);
	cr_expect_eq(violations(), 0);
}

Test(backfill, a_trial_the_history_does_not_know_is_given_up)
{
	static const char *const ids[] = {HERA, CLEARMIND};
	struct sync_result res;
	char *from = harness_fmt("%s/registry/default/%s.json", harness_data(),
	    CLEARMIND);
	char *to = harness_fmt("%s/%s.json", m->regdir, CLEARMIND);

	cr_assert_eq(harness_copy(from, to), 0);
	harness_mirror_track(ids, 2);
	/* The registry's own words: the trial, not the endpoint. */
	harness_fault(m->reg, FAULT_STATUS, HERA "/history", 404, 0);
	harness_fault(m->reg, FAULT_STATUS, HERA "?history", 404, 0);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(cycle(&res), 0, "%s", res.error);
		cr_expect(!res.backfill.endpoint_failed);
	}
	cr_expect_eq(res.backfill.trials_failed, 1);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "nct_id = '" CLEARMIND "' AND state = 'done'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "nct_id = '" HERA "' AND state = 'failed' AND attempts = 3 AND "
	    "last_error LIKE '%HTTP 404%'"), 1);
	cr_expect_eq(res.backfill.pending, 0);
	cr_expect_eq(violations(), 0);
	free(from);
	free(to);
}

Test(backfill, a_version_the_parser_refuses)
{
	struct sync_result res;
	char *path = harness_fmt("%s/history/%s/5.json", m->regdir, HERA);

	cr_assert_eq(harness_write(path, "{\"protocolSection\": "
	    "{\"identificationModule\": {\"nctId\": \"" HERA "\"}, "
	    "\"statusModule\": {\"overallStatus\": 17, "
	    "\"lastUpdateSubmitDate\": \"2018-03-12\"}}}"), 0);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM history_backfill WHERE "
	    "state = 'listed' AND attempts = 1 AND last_error LIKE "
	    "'%version 5%'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 1);
	cr_expect_eq(violations(), 0);
	free(path);
}

/* ------------------------------------------------------ ctmirror history */

Test(backfill, history_command)
{
	struct sync_result res;
	struct harness_run r;
	char *ci = harness_fmt("CTMIRROR_DATABASE=%s", m->db);
	const char *env[] = {ci, NULL};
	const char *text[] = {"history", HERA, NULL};
	const char *json[] = {"history", HERA, "--json", "--class",
	    "status,dates", "--since", "2021-01-01", NULL};
	const char *bad[] = {"history", HERA, "--class", "statuses", NULL};
	const char *none[] = {"history", "NCT00000001", NULL};
	const char *status[] = {"status", NULL};
	json_t *doc;
	json_error_t jerr;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_assert_eq(harness_run(&r, text, env), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "32 versions from 2016-12-06: versions 1-31 "
	    "read from the registry's history, 32 seen live\n") != NULL, "%s",
	    r.out);
	cr_expect(strstr(r.out, "version 30  2026-08-01  history (registry "
	    "version 29)\n    results     results posted, first posted on "
	    "2026-08-01\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "version 20  2021-07-14  history (registry "
	    "version 19)\n    dates       primary completion 2021-06 "
	    "(estimated) -> 2021-06-30 (actual): now actual\n") != NULL, "%s",
	    r.out);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, json, env), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	doc = json_loads(r.out, 0, &jerr);
	cr_assert_not_null(doc, "%s: %s", jerr.text, r.out);
	cr_expect_eq(json_array_size(json_object_get(doc, "entries")), 6,
	    "%s", r.out);
	json_decref(doc);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, bad, env), 0);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "not 'statuses'") != NULL, "%s", r.err);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, none, env), 0);
	cr_expect_eq(r.status, 1);
	cr_expect(strstr(r.err, "no version of NCT00000001 is stored") != NULL,
	    "%s", r.err);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, status, env), 0);
	cr_expect(strstr(r.out, "history backfill: 0 trials pending, 1 done (31 "
	    "versions from the registry's history), 0 failed\n") != NULL, "%s",
	    r.out);
	harness_run_free(&r);
	free(ci);
}

/* ------------------------------------------------- wrong when written */

Test(backfill, claims_wrong_when_written)
{
	struct sync_result res;
	char *page = harness_fmt("%s/hera.md", m->regdir), *v;

	cr_assert_eq(harness_write(page, "# HERA\n\n"
	    "As of 2026-05-06, HERA (NCT02982915) is still recruiting.\n\n"
	    "As of 2026-05-06, HERA (NCT02982915) results are not yet "
	    "published.\n"), 0);
	m->cfg->page_paths = calloc(2, sizeof(char *));
	m->cfg->page_paths[0] = page;
	m->cfg->n_page_paths = 1;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions v JOIN trials t "
	    "ON t.current_version_id = v.version_id WHERE v.status_since = "
	    "'2021-10-13' AND v.result_refs_since = '2026-09-03'"), 1);
	v = value("SELECT evidence FROM stale_claims WHERE rule = "
	    "'status-changed'");
	cr_expect(v && strstr(v, "status is COMPLETED (so since 2021-10-13, "
	    "before this claim's date 2026-05-06: wrong when written)"), "%s",
	    v);
	free(v);
	v = value("SELECT evidence FROM stale_claims WHERE rule = "
	    "'publication-linked'");
	cr_expect(v && strstr(v, "(listed since 2026-09-03, after the claim's "
	    "date 2026-05-06)"), "%s", v);
	free(v);
	cr_expect_eq(violations(), 0);
}

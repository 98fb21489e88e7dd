/*
 * test_sync.c - whole cycles end to end: the fake registry on loopback, a
 * real PostgreSQL, sync_cycle() in process.  First sync, a changed record,
 * an unchanged resync (probe only, or nothing when the registry's data
 * build is unchanged), an unknown ID, 429 + Retry-After, a failing batch
 * that leaves nothing partial; and the real registry's ways
 * (tests/registry/CONFORMANCE.md): aliases inside a batch, URL length,
 * throttling for a span, refusals, HTML 404s, unknown IDs cited on pages,
 * paging that never ends, two records for one ID, credentials in base_url.
 */
#include <criterion/criterion.h>
#include <event2/event.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "fakereg.h"
#include "fetch.h"
#include "harness.h"
#include "store.h"
#include "sync.h"

static struct harness_mirror *m;
/* The calls nearly every test makes, by short names. */
static int (*const cycle)(struct sync_result *) = harness_mirror_cycle;
static long (*const count)(const char *) = harness_mirror_count;

static void
set_str(char **field, const char *value)
{
	free(*field);
	*field = strdup(value);
}

static void
setup(void)
{
	m = harness_mirror_start("sync", harness_default_records());
	/* The live path's requests only: test_backfill has the history's. */
	m->cfg->backfill = false;
}

TestSuite(sync, .init = setup, .fini = harness_mirror_stop, .timeout = 120);

/* Rewrite one served record with a change applied by `edit`. */
static void
edit_record(const char *id, void (*edit)(json_t *root))
{
	char *path = harness_fmt("%s/%s.json", m->regdir, id);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);

	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	edit(root);
	cr_assert_eq(json_dump_file(root, path, JSON_INDENT(2)), 0);
	json_decref(root);
	free(path);
}

static json_t *
status_module(json_t *root)
{
	return json_object_get(json_object_get(root, "protocolSection"),
	    "statusModule");
}

static void
make_active(json_t *root)
{
	json_object_set_new(status_module(root), "overallStatus",
	    json_string("ACTIVE_NOT_RECRUITING"));
	json_object_set_new(root, "hasResults", json_false());
	json_object_del(status_module(root), "resultsFirstPostDateStruct");
}

static void
post_results(json_t *root)
{
	json_t *ps = json_object_get(root, "protocolSection");
	json_t *refs_mod = json_object_get(ps, "referencesModule");
	json_t *refs;

	json_object_set_new(status_module(root), "overallStatus",
	    json_string("COMPLETED"));
	json_object_set_new(root, "hasResults", json_true());
	json_object_set_new(status_module(root), "resultsFirstPostDateStruct",
	    json_pack("{s:s, s:s}", "date", "2026-08-01", "type", "ACTUAL"));
	json_object_set_new(status_module(root), "lastUpdatePostDateStruct",
	    json_pack("{s:s, s:s}", "date", "2026-08-01", "type", "ACTUAL"));
	if (refs_mod == NULL) {
		refs_mod = json_object();
		json_object_set_new(ps, "referencesModule", refs_mod);
	}
	if ((refs = json_object_get(refs_mod, "references")) == NULL) {
		refs = json_array();
		json_object_set_new(refs_mod, "references", refs);
	}
	json_array_append_new(refs, json_pack("{s:s, s:s, s:s}", "pmid",
	    "39999999", "type", "RESULT", "citation",
	    "Results of the HERA trial. J Frailty 2026."));
}

static void
bump_update(json_t *root)
{
	json_object_set_new(status_module(root), "lastUpdatePostDateStruct",
	    json_pack("{s:s, s:s}", "date", "2026-09-01", "type", "ACTUAL"));
}

Test(sync, first_sync_stores_default_trials)
{
	struct sync_result res;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.trials_tracked, 3);
	cr_expect_eq(res.run.versions_stored, 3);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "overall_status IS NOT NULL AND last_checked_at IS NOT NULL"), 3);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3);
	cr_expect_eq(count("SELECT count(*) FROM study_changes"), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = 'ok' "
	    "AND versions_stored = 3"), 1);
	/*
	 * The data build, then one batch of full records and no probe:
	 * nothing was stored, so there is no last-update date to compare with.
	 */
	cr_expect_eq(fakereg_count(m->reg, NULL), 2, "requests:\n%s",
	    fakereg_log(m->reg));
	cr_expect_eq(fakereg_count(m->reg, "/version"), 1);
	cr_expect_eq(fakereg_count(m->reg, "fields="), 0, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "nct_id = 'NCT02982915' AND acronym = 'HERA'"), 1);
}

Test(sync, changed_record_yields_exactly_its_changes)
{
	struct sync_result res;

	edit_record("NCT02982915", make_active);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	edit_record("NCT02982915", post_results);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 1, "only HERA moved");
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = 'NCT02982915'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "nct_id = 'NCT02982915' AND field = "
	    "'/protocolSection/statusModule/overallStatus' AND change_class = "
	    "'status' AND old_value = '\"ACTIVE_NOT_RECRUITING\"' AND "
	    "new_value = '\"COMPLETED\"' AND registry_updated = '2026-08-01'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "field = '/hasResults' AND change_class = 'results' AND "
	    "new_value = 'true'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "field LIKE '/protocolSection/statusModule/resultsFirstPostDateStruct%' "
	    "AND change_class = 'results'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "change_class = 'references' AND new_value::text LIKE "
	    "'%39999999%'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "field LIKE '/protocolSection/statusModule/lastUpdatePostDateStruct%' "
	    "AND change_class = 'other'"), 1);
	/* Exactly those five, nothing else. */
	cr_expect_eq(count("SELECT count(*) FROM trial_changes"), 5,
	    "changes: %s", harness_db_value(m->db, "SELECT string_agg(field || "
	    "' ' || change_class, E'\\n') FROM trial_changes"));
	/* The analysts' view answers the question of the issue. */
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE nct_id = "
	    "'NCT02982915' AND has_results AND results_first_posted = "
	    "'2026-08-01' AND overall_status = 'COMPLETED'"), 1);
}

/* Rewrite a served file with its own bytes: a new data build, no change. */
static void
touch_record(const char *id)
{
	char *path = harness_fmt("%s/%s.json", m->regdir, id);
	char *text = harness_read(path);

	cr_assert_not_null(text);
	cr_assert_eq(harness_write(path, text), 0);
	free(text);
	free(path);
}

Test(sync, unchanged_resync_probes_only)
{
	struct sync_result res;
	char *log;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	fakereg_clear_log(m->reg);
	touch_record("NCT05233774");
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 0);
	cr_expect_eq(res.run.trials_fetched, 0);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3);
	log = fakereg_log(m->reg);
	cr_expect_eq(fakereg_count(m->reg, NULL), 2, "%s", log);
	cr_expect_eq(fakereg_count(m->reg, "fields="), 1, "only the probe: %s",
	    log);
	free(log);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = 'ok'"), 2);
}

/*
 * The registry's data build (GET /version dataTimestamp) is recorded per
 * run; while it and the tracked set stay those of the last successful
 * cycle, no record can have moved and the probe is skipped (issue 13, 8).
 */
Test(sync, unchanged_registry_build_skips_the_probe)
{
	static const char *const more[] = {"NCT02982915", "NCT05233774",
	    "NCT04421456", "NCT09999999"};
	struct timespec settle = {1, 100000000};
	struct sync_result res;
	char *build;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* Files written within the last second may still change unseen. */
	nanosleep(&settle, NULL);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, NULL), 1, "only /version: %s",
	    fakereg_log(m->reg));
	cr_expect_eq(res.run.trials_probed, 0);
	cr_expect_neq(res.registry_build[0], '\0');
	build = harness_db_value(m->db, "SELECT registry_build FROM sync_runs "
	    "ORDER BY run_id DESC LIMIT 1");
	cr_expect_str_eq(build, res.registry_build);
	free(build);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'ok' AND registry_build IS NOT NULL AND tracked_digest IS NOT "
	    "NULL"), 3);
	/* A record moves: a new build, so the probe runs and finds it. */
	edit_record("NCT04421456", bump_update);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 1);
	nanosleep(&settle, NULL);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* The same build, but the tracked set changed: probe (and fetch). */
	harness_mirror_track(more, 4);
	fakereg_clear_log(m->reg);
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, "fields="), 1, "%s",
	    fakereg_log(m->reg));
}

Test(sync, moved_date_fetches_only_that_trial)
{
	struct sync_result res;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* Only the last-update date moved: one fetch, one version, one change. */
	edit_record("NCT04421456", bump_update);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.trials_fetched, 1);
	cr_expect_eq(res.run.versions_stored, 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "nct_id = 'NCT04421456'"), 1);
}

Test(sync, unknown_id_is_reported_others_stored)
{
	static const char *const ids[] = {"NCT02982915", "NCT05233774",
	    "NCT04421456", "NCT09999999"};
	struct sync_result res;

	harness_mirror_track(ids, 4);
	cr_expect_eq(cycle(&res), 1, "partial: %s", res.error);
	cr_expect_eq(res.trials_failed, 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors WHERE nct_id = "
	    "'NCT09999999' AND message LIKE "
	    "'NCT09999999: not found in the registry%'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE nct_id = "
	    "'NCT09999999' AND registry_state = 'not_found'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE nct_id = "
	    "'NCT09999999' AND last_checked_at IS NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'partial'"), 1);
}

Test(sync, waits_out_429_retry_after)
{
	struct fakereg_fault f = {0};
	struct sync_result res;
	struct timespec a, b;

	f.kind = FAULT_RETRY_AFTER;
	f.status = 429;
	f.retry_after = 2;
	f.count = 1;
	f.match = "/studies";
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	clock_gettime(CLOCK_MONOTONIC, &a);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cr_expect_geq((double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9, 1.9, "Retry-After honoured");
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3);
}

Test(sync, failing_batch_leaves_nothing_partial)
{
	struct fakereg_fault f = {0};
	struct sync_result res;

	m->cfg->fetch_batch = 1;
	m->cfg->retries = 1;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	edit_record("NCT02982915", bump_update);
	edit_record("NCT05233774", bump_update);
	/* Every way of asking for CLEARMIND's full record fails with 500. */
	f.kind = FAULT_STATUS;
	f.status = 500;
	f.match = "filter.ids=NCT05233774";
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	f.match = "/studies/NCT05233774";
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	cr_expect_eq(cycle(&res), 1, "partial: %s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id = "
	    "'NCT05233774'"), 1, "no new version for the failed trial");
	cr_expect_eq(count("SELECT count(*) FROM study_changes WHERE nct_id = "
	    "'NCT05233774'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id = "
	    "'NCT02982915'"), 2, "the other trial still synced");
	cr_expect_eq(count("SELECT count(*) FROM sync_errors WHERE nct_id = "
	    "'NCT05233774'"), 1);
	/* Once the fault clears, the next sync converges. */
	fakereg_clear_faults(m->reg);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id = "
	    "'NCT05233774'"), 2);
}

Test(sync, second_sync_waits_for_the_lock)
{
	struct store *other;
	struct sync_result res;
	char *err = NULL;

	other = store_open(m->db, &err);
	cr_assert_not_null(other);
	cr_assert(store_lock_sync(other));
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "another sync is running") != NULL, "%s",
	    res.error);
	store_unlock_sync(other);
	store_close(other);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 0);
}

/* ------------------------------------------------------------ citations */

/* Serve a record of tests/data/REL under its own ID. */
static void
serve(const char *rel, const char *id)
{
	char *from = harness_fmt("%s/%s", harness_data(), rel);
	char *to = harness_fmt("%s/%s.json", m->regdir, id);

	cr_assert_eq(harness_copy(from, to), 0, "copy %s", from);
	free(from);
	free(to);
}

/* One page, the only one the cycle reads; returns its path (new). */
static char *
only_page(const char *text)
{
	char *path = harness_fmt("%s/kb.md", m->regdir);

	cr_assert_eq(harness_write(path, text), 0);
	for (size_t i = 0; i < m->cfg->n_page_paths; i++)
		free(m->cfg->page_paths[i]);
	free(m->cfg->page_paths);
	m->cfg->page_paths = calloc(2, sizeof(char *));
	m->cfg->page_paths[0] = strdup(path);
	m->cfg->n_page_paths = 1;
	return path;
}

static const char pd_page[] =
    "# Cell therapy in Parkinson's disease\n"
    "\n"
    "The UTHealth Houston Phase 2 trial gave allogeneic bone "
    "marrow-derived mesenchymal stromal cells (MSCs) to 45 people with "
    "mild-to-moderate Parkinson's disease (%s).\n";

Test(sync, wrong_citation_is_flagged_right_one_is_not)
{
	const char *const ids[] = {"NCT04421456", "NCT04506073"};
	struct sync_result res;
	char *text, *page;

	serve("identity/records/NCT04506073.json", "NCT04506073");
	harness_mirror_track(ids, 2);
	/* The Parkinson's trial cited under the cannabidiol trial's ID. */
	text = harness_fmt(pd_page, "NCT04421456");
	page = only_page(text);
	free(text);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "resolved_at IS NULL AND rule = 'identity-mismatch'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "resolved_at IS NULL AND rule = 'identity-mismatch' AND nct_id = "
	    "'NCT04421456' AND severity = 'stale' AND claim_kind = 'mention' "
	    "AND line = 3 AND evidence LIKE '%Schizophrenia%' AND evidence "
	    "LIKE '%Cannabidiol%' AND evidence ILIKE '%parkinson%'"), 1);
	/* Run again: the same flag, not a second one. */
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.flags_raised, 0);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE rule = "
	    "'identity-mismatch'"), 1);

	/* The maintainer fixes the ID: the flag resolves, none is raised. */
	text = harness_fmt(pd_page, "NCT04506073");
	cr_assert_eq(harness_write(page, text), 0);
	free(text);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.flags_raised, 0);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "resolved_at IS NULL"), 0);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE rule = "
	    "'identity-mismatch' AND resolved_at IS NOT NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM claims WHERE kind = "
	    "'mention' AND nct_id = 'NCT04506073'"), 1);
	free(page);
}

/*
 * A page citing more trials than one record load asks for (512) is judged
 * in windows: every citation still meets its own record, none "no record".
 */
Test(sync, page_citing_600_trials_judges_every_citation)
{
	enum { N = 600 };
	char *ids[N], *path, *text;
	json_error_t jerr;
	json_t *root;
	struct sync_result res;
	size_t len = 0;

	path = harness_fmt("%s/registry/default/NCT04421456.json",
	    harness_data());
	root = json_load_file(path, 0, &jerr);
	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	free(path);
	text = calloc(N, sizeof(pd_page) + 16);
	cr_assert_not_null(text);
	for (int i = 0; i < N; i++) {
		ids[i] = harness_fmt("NCT095%05d", i);
		json_object_set_new(json_object_get(json_object_get(root,
		    "protocolSection"), "identificationModule"), "nctId",
		    json_string(ids[i]));
		path = harness_fmt("%s/%s.json", m->regdir, ids[i]);
		cr_assert_eq(json_dump_file(root, path, 0), 0);
		free(path);
		/* The Parkinson's trial's text under each cannabidiol ID. */
		len += (size_t)sprintf(text + len, pd_page + 2, ids[i]);
		text[len++] = '\n';
	}
	json_decref(root);
	harness_mirror_track((const char *const *)ids, N);
	path = only_page(text);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trials_current"), N);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "resolved_at IS NULL AND rule = 'identity-mismatch' AND evidence "
	    "LIKE '%Cannabidiol%'"), N);
	for (int i = 0; i < N; i++)
		free(ids[i]);
	free(text);
	free(path);
}

Test(sync, alias_id_on_a_page_gets_a_recheck)
{
	const char *const ids[] = {"NCT09100099"};
	struct sync_result res;
	char *text, *page;

	/* The registry moved NCT09100099 to the Parkinson's trial's ID. */
	serve("identity/records/NCT04506073.json", "NCT04506073");
	cr_assert_eq(fakereg_set_alias(m->reg, "NCT09100099", "NCT04506073"),
	    0);
	harness_mirror_track(ids, 1);
	text = harness_fmt(pd_page, "NCT09100099");
	page = only_page(text);
	free(text);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trial_aliases WHERE "
	    "alias_nct_id = 'NCT09100099' AND nct_id = 'NCT04506073'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "nct_id = 'NCT04506073'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE "
	    "rule = 'alias-id' AND severity = 'recheck' AND nct_id = "
	    "'NCT09100099' AND evidence LIKE '%NCT04506073%' AND link LIKE "
	    "'%/NCT04506073' AND resolved_at IS NULL"), 1);
	/* Judged against the record the alias leads to: it matches. */
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "rule = 'identity-mismatch'"), 0);
	free(page);
}

Test(sync, submitted_results_get_a_recheck)
{
	const char *const ids[] = {"NCT09000104"};
	struct sync_result res;
	char *page;

	/* Results first sent in January 2023, returned, resent, still in QC. */
	serve("studies/unposted.json", "NCT09000104");
	harness_mirror_track(ids, 1);
	snprintf(m->cfg->now, sizeof(m->cfg->now), "%s", "2024-02-01");
	page = only_page("NCT09000104: results pending as of 2024-01-15.\n");
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "rule = 'results-submitted' AND severity = 'recheck' AND "
	    "claim_kind = 'results-pending' AND evidence LIKE "
	    "'%2023-01-10%'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "severity = 'stale'"), 0);
	free(page);
}

/*
 * Nothing answers on a first sync (no probe to fail): one failure for
 * the cycle, not one per trial, and no error row per trial either.
 */
Test(sync, registry_down_is_one_failure)
{
	struct sync_result res;

	set_str(&m->cfg->base_url, "http://127.0.0.1:9/api/v2");
	m->cfg->retries = 0;
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "registry: did not answer") != NULL,
	    "%s", res.error);
	cr_expect_eq(res.trials_failed, 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors"), 0);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'failed'"), 1);
}

/* ------------------------------------------------- the real registry's ways */

/*
 * Tracking only an alias (issue 13, 1): filter.ids answers with the
 * current record; it is stored under the current ID, the alias recorded
 * once and not asked again; when the current record moves, the next sync
 * stores one new version.  Before, the alias was fetched on every run and
 * the sync after the move stored the trial twice in one transaction
 * (duplicate version number), failing every sync from then on.
 */
Test(sync, tracking_an_alias_survives_a_move)
{
	const char *const ids[] = {"NCT01111111"};
	struct sync_result res;

	cr_assert_eq(fakereg_set_alias(m->reg, "NCT01111111", "NCT02982915"),
	    0);
	harness_mirror_track(ids, 1);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trial_aliases WHERE "
	    "alias_nct_id = 'NCT01111111' AND nct_id = 'NCT02982915'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = 'NCT02982915'"), 1);
	/* Unchanged: the alias is not asked again; its current ID is probed. */
	fakereg_clear_log(m->reg);
	touch_record("NCT02982915");
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, "NCT01111111"), 0, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(fakereg_count(m->reg, "fields="), 1);
	/* The current record moves: one new version, and the sync is ok. */
	edit_record("NCT02982915", post_results);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = 'NCT02982915'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trial_aliases"), 1);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
}

/* An alias and its current ID tracked together: one version of one trial. */
Test(sync, alias_and_its_current_id_together)
{
	const char *const ids[] = {"NCT01111111", "NCT02982915"};
	struct sync_result res;

	cr_assert_eq(fakereg_set_alias(m->reg, "NCT01111111", "NCT02982915"),
	    0);
	harness_mirror_track(ids, 2);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.versions_stored, 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = 'NCT02982915'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_aliases WHERE "
	    "alias_nct_id = 'NCT01111111'"), 1);
	edit_record("NCT02982915", bump_update);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "nct_id = 'NCT02982915'"), 2);
}

/*
 * A probe of 700 IDs is an 8.4 KB URL, past the 8 KB the registry's web
 * server takes (issue 13, 2): batches are cut at max_url (6 KB), and a
 * registry that takes even less is answered by splitting on 414.
 */
Test(sync, long_probe_urls_fit)
{
	enum { N = 700 };
	char *ids[N], *path;
	json_error_t jerr;
	json_t *root;
	struct sync_result res;

	path = harness_fmt("%s/registry/default/NCT04421456.json",
	    harness_data());
	root = json_load_file(path, 0, &jerr);
	cr_assert_not_null(root, "%s", jerr.text);
	free(path);
	for (int i = 0; i < N; i++) {
		ids[i] = harness_fmt("NCT096%05d", i);
		if (i % 7 == 0) {
			json_object_set_new(json_object_get(json_object_get(
			    root, "protocolSection"), "identificationModule"),
			    "nctId", json_string(ids[i]));
			path = harness_fmt("%s/%s.json", m->regdir, ids[i]);
			cr_assert_eq(json_dump_file(root, path, 0), 0);
			free(path);
		}
	}
	json_decref(root);
	m->cfg->max_missing = N;
	harness_mirror_track((const char *const *)ids, N);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), N / 7);
	/* The probe of the stored 100 fits one URL; make it 700 of them. */
	cr_assert_eq(harness_db_exec(m->db, "UPDATE trials SET "
	    "current_version_id = (SELECT min(version_id) FROM "
	    "study_versions), registry_state = 'present' WHERE "
	    "current_version_id IS NULL"), 0);
	fakereg_clear_log(m->reg);
	cr_expect_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, " 414"), 0);
	cr_expect_geq(fakereg_count(m->reg, "fields="), 2, "%s", res.error);
	cr_expect_eq(res.run.trials_probed, N / 7, "%s", res.error);
	/* A registry that takes 3 KB: 414, split, and still every ID. */
	fakereg_set_max_url(m->reg, 3072);
	fakereg_clear_log(m->reg);
	cr_expect_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.run.trials_probed, N / 7, "%s", res.error);
	for (int i = 0; i < N; i++)
		free(ids[i]);
}

/*
 * The registry throttles for a span of seconds, without Retry-After
 * (issue 13, 3): the retries wait it out (here 1.5 s against waits of
 * 0.05 s doubling; [registry] retries = 2 would give up within 0.15 s).
 */
Test(sync, throttling_for_a_span_is_waited_out)
{
	struct fakereg_fault f = {0};
	struct sync_result res;

	f.kind = FAULT_STATUS;
	f.status = 429;
	f.match = "/studies";
	f.span_ms = 1500;
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3);
	/* Past the window, the cycle fails once, naming the throttling. */
	m->cfg->retry_window = 1;
	f.span_ms = 0;
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	edit_record("NCT02982915", bump_update);
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "still throttling") != NULL, "%s",
	    res.error);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors"), 0);
}

/*
 * 403 (or 401) is about the client, not the IDs (issue 13, 4): the cycle
 * fails once with the status and the registry's text, and no request per
 * ID follows.
 */
Test(sync, forbidden_fails_the_cycle_once)
{
	struct sync_result res;

	m->cfg->fetch_batch = 1;
	harness_fault(m->reg, FAULT_STATUS, "/studies", 403, 0);
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "registry: the registry refuses") != NULL,
	    "%s", res.error);
	cr_expect(strstr(res.error, "HTTP 403: fakereg: injected 403") != NULL,
	    "%s", res.error);
	/* The first batch, and at most the window's others: no ID alone. */
	cr_expect_leq(fakereg_count(m->reg, "/studies"), 3, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(fakereg_count(m->reg, "/studies/"), 0, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(count("SELECT count(*) FROM sync_errors"), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'failed' AND error_text LIKE '%HTTP 403%'"), 1);
}

/*
 * A base_url the API is not at gets the web server's HTML 404 (issue 13,
 * 5): a registry failure for the cycle, never "not found" for every
 * trial.  Before, each ID was asked on its own and marked missing.
 */
Test(sync, html_404_is_the_path_not_the_trials)
{
	struct sync_result res;
	char *wrong = harness_fmt("%s/v2", fakereg_url(m->reg));

	set_str(&m->cfg->base_url, wrong);
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "answered 404 for its API path") != NULL,
	    "%s", res.error);
	cr_expect(strstr(res.error, "is base_url right?") != NULL);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE registry_state "
	    "= 'not_found'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors"), 0);
	cr_expect_eq(fakereg_count(m->reg, "/studies"), 1);
	free(wrong);
}

/*
 * A page citing an ID the registry does not know, a typo for NCT04421456
 * (issue 13, 7): a stale flag on that page line with the registry's
 * answer and its date, the sync exits 0, and the ID is not asked again
 * within the week.  Before, every nightly sync exited 1.
 */
Test(sync, unknown_id_on_a_page_is_a_finding)
{
	struct sync_result res;
	char *page;

	m->cfg->from_pages = true;
	page = only_page("# Notes\n\nThe cannabidiol trial (NCT04421456) "
	    "is completed.\n\nSee also NCT04421465 for the follow-up.\n");
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.trials_failed, 0);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "resolved_at IS NULL AND rule = 'unknown-trial' AND severity = "
	    "'stale' AND nct_id = 'NCT04421465' AND line = 5 AND evidence LIKE "
	    "'%\"NCT number NCT04421465 not found\" on ____-__-__%'"), 1,
	    "%s", harness_db_value(m->db, "SELECT string_agg(rule || ': ' || "
	    "evidence, E'\\n') FROM stale_claims"));
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE nct_id = "
	    "'NCT04421465' AND registry_state = 'not_found' AND "
	    "registry_checked_at IS NOT NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors"), 0);
	/* The next syncs: not asked again this week, the flag stays. */
	fakereg_clear_log(m->reg);
	touch_record("NCT02982915");
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, "NCT04421465"), 0, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(res.run.flags_raised, 0);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE rule = "
	    "'unknown-trial' AND resolved_at IS NULL"), 1);
	/* A week later it is asked once more. */
	cr_assert_eq(harness_db_exec(m->db, "UPDATE trials SET "
	    "registry_checked_at = now() - interval '8 days' WHERE nct_id = "
	    "'NCT04421465'"), 0);
	touch_record("NCT02982915");
	fakereg_clear_log(m->reg);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, "NCT04421465"), 2, "%s",
	    fakereg_log(m->reg));
	/* Fixed on the page: the flag resolves. */
	cr_assert_eq(harness_write(page, "# Notes\n\nNCT04421456 only.\n"), 0);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE rule = "
	    "'unknown-trial' AND resolved_at IS NOT NULL"), 1);
	free(page);
}

/* An unknown ID in the config is the operator's error, with its line. */
Test(sync, unknown_id_in_the_config_names_its_line)
{
	struct sync_result res;
	char *path = harness_fmt("%s/ctmirror.conf", m->regdir);
	char *want, *got;

	cr_assert_eq(harness_write(path, "[tracking]\nnct_ids = NCT02982915\n"
	    "  NCT09999999\n"), 0);
	free(m->cfg->path);
	m->cfg->path = strdup(path);
	harness_mirror_track((const char *const []){"NCT02982915",
	    "NCT09999999"}, 2);
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	want = harness_fmt("NCT09999999: not found in the registry; listed at "
	    "%s:3 ([tracking] nct_ids)", path);
	cr_expect_eq(harness_db_count(m->db, "SELECT count(*) FROM sync_errors "
	    "WHERE nct_id = 'NCT09999999'"), 1);
	got = harness_db_value(m->db, "SELECT substr(message, 1, "
	    "length(message) - length(': correct or remove it')) FROM "
	    "sync_errors WHERE nct_id = 'NCT09999999'");
	cr_expect_str_eq(got, want);
	free(got);
	free(want);
	free(path);
}

/*
 * A nextPageToken that never ends (issue 21, 7) stops the cycle, naming
 * the registry's fault, instead of hanging it with the sync lock held.
 */
Test(sync, paging_that_never_ends_fails_the_cycle)
{
	struct sync_result res;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	harness_fault(m->reg, FAULT_TOKEN_ENDLESS, "fields=", 0, 0);
	touch_record("NCT02982915");
	fakereg_clear_log(m->reg);
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "registry: the registry's paging does not "
	    "end") != NULL, "%s", res.error);
	cr_expect_leq(fakereg_count(m->reg, "fields="), 3);
	fakereg_clear_faults(m->reg);
	harness_fault(m->reg, FAULT_TOKEN_REPEAT, "fields=", 0, 0);
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "nextPageToken \"again\" again") != NULL,
	    "%s", res.error);
	fakereg_clear_faults(m->reg);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
}

/*
 * An answer carrying two records for one ID, the older first (issue 21,
 * 13): the newer is stored; and a record older than the stored version is
 * never stored as a new one, and the sync says so.
 */
Test(sync, older_records_are_never_stored_silently)
{
	struct sync_result res;

	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	edit_record("NCT02982915", bump_update);
	harness_fault(m->reg, FAULT_OLDER_TWIN, "filter.ids", 0, 0);
	cr_expect_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id "
	    "= 'NCT02982915'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE nct_id "
	    "= 'NCT02982915' AND last_update_posted = '2026-09-01'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE "
	    "last_update_posted < '2020'"), 0);
	/* Only an older record comes back: kept out, and named. */
	fakereg_clear_faults(m->reg);
	edit_record("NCT02982915", make_active);
	{
		char *path = harness_fmt("%s/NCT02982915.json", m->regdir);
		json_t *root = json_load_file(path, 0, NULL);

		cr_assert_not_null(root);
		json_object_set_new(status_module(root),
		    "lastUpdatePostDateStruct", json_pack("{s:s, s:s}", "date",
		    "2019-01-02", "type", "ACTUAL"));
		cr_assert_eq(json_dump_file(root, path, 0), 0);
		json_decref(root);
		free(path);
	}
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id "
	    "= 'NCT02982915'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors WHERE nct_id = "
	    "'NCT02982915' AND stage = 'store' AND message LIKE '%last updated "
	    "2019-01-02, older than the stored version (2026-09-01)%'"), 1);
}

/*
 * Credentials in base_url (issue 21, 11) are used, never shown: not in
 * the cycle's error, not in sync_runs.error_text, not in trial errors.
 */
Test(sync, credentials_in_base_url_are_never_shown)
{
	struct sync_result res;
	struct fakereg_fault f = {0};
	char *url = harness_fmt("http://mirror:s3cr3t@127.0.0.1:%d/api/v2",
	    fakereg_port(m->reg));

	set_str(&m->cfg->base_url, url);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	edit_record("NCT02982915", bump_update);
	m->cfg->max_body = 100000;
	f.kind = FAULT_OVERSIZED;
	f.size = 400000;
	f.match = "filter.ids=NCT02982915&";	/* the fetch, not the probe */
	cr_assert_eq(fakereg_add_fault(m->reg, &f), 0);
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors WHERE message "
	    "LIKE '%s3cr3t%'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors WHERE message "
	    "LIKE '%max_body%'"), 1);
	/* A wrong path shows the URL, without its password. */
	free(url);
	url = harness_fmt("http://mirror:s3cr3t@127.0.0.1:%d/api/v1",
	    fakereg_port(m->reg));
	set_str(&m->cfg->base_url, url);
	cr_expect_eq(cycle(&res), -1);
	cr_expect(strstr(res.error, "404") != NULL, "%s", res.error);
	cr_expect(strstr(res.error, "127.0.0.1") != NULL, "%s", res.error);
	cr_expect(strstr(res.error, "s3cr3t") == NULL, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE error_text "
	    "LIKE '%s3cr3t%'"), 0);
	free(url);
}

/*
 * Messages name the cause (issue 21, 17): an answer too large is not
 * "did not answer", nor is one too slow.
 */
Test(sync, messages_name_the_real_cause)
{
	struct sync_result res;
	char *why;

	m->cfg->max_body = 100000;
	harness_fault(m->reg, FAULT_OVERSIZED, "filter.ids", 0, 0);
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	why = harness_db_value(m->db, "SELECT string_agg(message, E'\\n') FROM "
	    "sync_errors");
	cr_expect(strstr(why, "answered more than it may") != NULL, "%s", why);
	cr_expect(strstr(why, "max_body") != NULL, "%s", why);
	cr_expect(strstr(why, "did not answer") == NULL, "%s", why);
	free(why);
	fakereg_clear_faults(m->reg);
	m->cfg->max_body = 64 << 20;
	m->cfg->timeout = 1;
	m->cfg->retries = 0;
	harness_fault(m->reg, FAULT_STALL, "filter.ids", 0, 0);
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	why = harness_db_value(m->db, "SELECT string_agg(message, E'\\n') FROM "
	    "sync_errors WHERE run_id = (SELECT max(run_id) FROM sync_runs)");
	cr_expect(strstr(why, "answered too slowly") != NULL, "%s", why);
	cr_expect(strstr(why, "did not answer") == NULL, "%s", why);
	free(why);
}

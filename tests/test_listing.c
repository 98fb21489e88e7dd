/*
 * test_listing.c - searches and listings of changes, through whole cycles
 * (sync_cycle against the fake registry and a real PostgreSQL): a search's
 * first listing tracks its matches and announces nothing; a trial that
 * matches later is announced once; one that stops matching stays tracked;
 * a search edited on reload starts over; a study updated between two
 * pages of a listing is neither lost nor stored twice; a search the
 * registry refuses fails with its words and its name; nightly reruns ask
 * only what changed, and a long tracked list reads the changes instead of
 * probing each ID.
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
#include "search.h"
#include "store.h"
#include "sync.h"

static struct harness_mirror *m;
/* The calls nearly every test makes, by short names. */
static int (*const cycle)(struct sync_result *) = harness_mirror_cycle;
static long (*const count)(const char *) = harness_mirror_count;
static char today[11], yesterday[11];

/* Make the config's searches exactly name=text pairs (NULL-ended). */
static void
set_searches(const char *const *pairs)
{
	struct config *cfg = m->cfg;
	char err[256];

	for (size_t i = 0; i < cfg->n_searches; i++) {
		free(cfg->searches[i].name);
		free(cfg->searches[i].query);
		free(cfg->searches[i].text);
	}
	free(cfg->searches);
	cfg->searches = NULL;
	cfg->n_searches = 0;
	for (size_t i = 0; pairs[i]; i += 2) {
		struct config_search *v = realloc(cfg->searches,
		    (cfg->n_searches + 1) * sizeof(*v));

		cr_assert_not_null(v);
		cfg->searches = v;
		v += cfg->n_searches++;
		memset(v, 0, sizeof(*v));
		v->name = strdup(pairs[i]);
		v->text = strdup(pairs[i + 1]);
		v->query = search_parse(pairs[i + 1], err, sizeof(err));
		cr_assert_not_null(v->query, "%s", err);
	}
}

static void
setup(void)
{
	time_t t = time(NULL);
	struct tm tm;

	/* The registry dates a change the day it posts it (UTC here). */
	gmtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	t -= 86400;
	gmtime_r(&t, &tm);
	strftime(yesterday, sizeof(yesterday), "%Y-%m-%d", &tm);
	m = harness_mirror_start("listing", harness_default_records());
	m->cfg->alert_notify = true;	/* announcements go somewhere */
	harness_mirror_track(NULL, 0);
}

TestSuite(listing, .init = setup, .fini = harness_mirror_stop,
    .timeout = 120);

static json_t *
load_record(const char *id)
{
	char *path = harness_fmt("%s/%s.json", m->regdir, id);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);

	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	free(path);
	return root;
}

static void
save_record(const char *id, json_t *root)
{
	char *path = harness_fmt("%s/%s.json", m->regdir, id);

	cr_assert_eq(json_dump_file(root, path, 0), 0);
	free(path);
	json_decref(root);
}

static json_t *
module(json_t *root, const char *name)
{
	return json_object_get(json_object_get(root, "protocolSection"), name);
}

/* The record as the registry posts a change: last updated on `date`. */
static void
dated(json_t *root, const char *date)
{
	json_object_set_new(module(root, "statusModule"),
	    "lastUpdatePostDateStruct", json_pack("{s:s, s:s}", "date", date,
	    "type", "ACTUAL"));
}

/*
 * A new trial registered today: HERA's record as `id`, its title and
 * intervention `intervention`.
 */
static void
register_trial(const char *id, const char *intervention, const char *date)
{
	json_t *root = load_record("NCT02982915");
	json_t *idm = module(root, "identificationModule");

	json_object_set_new(idm, "nctId", json_string(id));
	json_object_del(idm, "acronym");
	json_object_set_new(idm, "briefTitle", json_string("A new trial of "
	    "stem cells"));
	json_object_set_new(json_array_get(json_object_get(module(root,
	    "armsInterventionsModule"), "interventions"), 0), "name",
	    json_string(intervention));
	json_object_set_new(module(root, "statusModule"), "overallStatus",
	    json_string("RECRUITING"));
	dated(root, date);
	save_record(id, root);
}

static const char *const lomecel[] = {"msc", "query.intr=lomecel-b", NULL};

Test(listing, first_listing_tracks_its_matches_and_announces_nothing)
{
	struct sync_result res;

	set_searches(lomecel);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE tracked AND "
	    "source = 'search'"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "search = 'msc' AND matching"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "overall_status IS NOT NULL"), 2);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox"), 0);
	cr_expect_eq(count("SELECT count(*) FROM searches WHERE name = 'msc' "
	    "AND baseline AND listed_at IS NOT NULL AND matching = 2"), 1);
}

Test(listing, a_new_matching_trial_is_announced_once)
{
	struct sync_result res;

	set_searches(lomecel);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	register_trial("NCT09000001", "Lomecel-B", yesterday);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* Asked only what changed since the last good cycle's eve. */
	cr_expect_eq(fakereg_count(m->reg, "query.intr=lomecel-b&query.term="
	    "AREA%5BLastUpdatePostDate%5DRANGE%5B"), 1, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "nct_id = 'NCT09000001' AND matching"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "nct_id = 'NCT09000001' AND overall_status = 'RECRUITING'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox WHERE "
	    "nct_id = 'NCT09000001' AND sink = 'notify' AND delivered_at IS "
	    "NOT NULL"), 1);
	cr_expect_eq(res.alerts_sent, 1);
	/* Again, and again after a change of it: announced once. */
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.alerts_sent, 0);
	{
		json_t *root = load_record("NCT09000001");

		json_object_set_new(module(root, "statusModule"),
		    "overallStatus", json_string("ACTIVE_NOT_RECRUITING"));
		dated(root, today);
		save_record("NCT09000001", root);
	}
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(res.alerts_sent, 0);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id "
	    "= 'NCT09000001'"), 2);
}

Test(listing, a_trial_that_stops_matching_stays_tracked)
{
	struct sync_result res;
	json_t *root;

	set_searches(lomecel);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	/* CLEARMIND drops Lomecel-B for another product. */
	root = load_record("NCT05233774");
	json_object_set_new(json_array_get(json_object_get(module(root,
	    "armsInterventionsModule"), "interventions"), 0), "name",
	    json_string("Another product"));
	json_object_set_new(module(root, "conditionsModule"), "keywords",
	    json_array());
	dated(root, today);
	save_record("NCT05233774", root);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "nct_id = 'NCT05233774' AND NOT matching"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "nct_id = 'NCT02982915' AND matching"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE nct_id = "
	    "'NCT05233774' AND tracked"), 1);
	cr_expect_eq(count("SELECT count(*) FROM study_versions WHERE nct_id "
	    "= 'NCT05233774'"), 2, "its change is stored");
	cr_expect_eq(count("SELECT matching FROM searches"), 1);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox"), 0);
}

/*
 * A search edited (on SIGHUP the daemon's next cycle reads the new
 * config): its new query is listed whole, a baseline again, announcing
 * nothing; what only the old query matched stops matching, still tracked.
 */
Test(listing, an_edited_search_starts_over)
{
	static const char *const cannabidiol[] = {"msc",
	    "query.intr=cannabidiol", NULL};
	struct sync_result res;

	set_searches(lomecel);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	set_searches(cannabidiol);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "matching"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "nct_id = 'NCT04421456' AND matching"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE tracked"), 3);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox"), 0);
	cr_expect_eq(count("SELECT count(*) FROM searches WHERE query = "
	    "'query.intr=cannabidiol' AND baseline"), 1);
	/* Removed from the config: its trials are no longer polled. */
	set_searches((const char *const[]){NULL});
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE tracked"), 0);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3,
	    "history kept");
}

/* Five matches; the fake's listings are newest first. */
static void
five_matches(void)
{
	static const char *const dates[] = {"2026-01-05", "2026-01-04",
	    "2026-01-03", "2026-01-02", "2026-01-01"};

	for (int i = 0; i < 5; i++) {
		char id[16];

		snprintf(id, sizeof(id), "NCT0910000%d", i + 1);
		register_trial(id, "Novacel", dates[i]);
	}
}

static void
update_fourth(void *arg)
{
	json_t *root = load_record("NCT09100004");

	json_object_set_new(module(root, "statusModule"), "overallStatus",
	    json_string("COMPLETED"));
	dated(root, arg);
	save_record("NCT09100004", root);
}

/*
 * Paged two at a time; before the second page the fourth (not listed
 * yet) is updated, which moves it to the front: the second page skips it
 * and the listing comes back one short of its count.  Read again, it is
 * whole; each trial is stored once, the fourth as updated.
 */
Test(listing, a_study_updated_between_two_pages_is_neither_lost_nor_stored_twice)
{
	static const char *const novacel[] = {"nc", "query.intr=novacel",
	    NULL};
	struct sync_result res;

	five_matches();
	set_searches(novacel);
	m->cfg->probe_batch = 2;
	cr_assert_eq(fakereg_before(m->reg, "pageToken=", update_fourth,
	    (void *)today), 0);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_geq(fakereg_count(m->reg, "query.intr=novacel&fields=NCTId,"
	    "LastUpdatePostDate&pageSize=2&countTotal=true"), 2,
	    "read again from its first page");
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "matching"), 5);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 5);
	cr_expect_eq(count("SELECT count(DISTINCT nct_id) FROM "
	    "study_versions"), 5);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE nct_id "
	    "= 'NCT09100004' AND overall_status = 'COMPLETED'"), 1);
	/* The same with a registry that refuses tokens of older data. */
	harness_fault(m->reg, FAULT_TOKEN_EXPIRED, "pageToken=", 0, 0);
	cr_assert_eq(fakereg_before(m->reg, "pageToken=", update_fourth,
	    (void *)"2026-01-04"), 0);
	cr_assert_geq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "matching"), 5);
	cr_expect_eq(count("SELECT count(DISTINCT nct_id) FROM "
	    "study_versions"), 5);
}

Test(listing, a_refused_search_fails_with_its_words_and_name)
{
	static const char *const two[] = {"bad", "query.term=(frailty",
	    "msc", "query.intr=lomecel-b", NULL};
	struct sync_result res;

	set_searches(two);
	cr_expect_eq(cycle(&res), 1, "%s", res.error);
	cr_expect_eq(res.trials_failed, 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors WHERE nct_id = "
	    "'search.bad' AND stage = 'search' AND message LIKE 'search bad: "
	    "the registry refused it: HTTP 400: Parameter `query.term` has "
	    "incorrect format: %'"), 1);
	/* The other search went on. */
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "search = 'msc' AND matching"), 2);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'partial'"), 1);
}

/*
 * Every study: the nightly rerun is the listing of what changed since the
 * last good cycle's eve, which also stands for a probe of every trial.
 */
Test(listing, the_whole_registry_costs_what_changed)
{
	static const char *const all[] = {"all", "*", NULL};
	struct sync_result res;
	json_t *root;

	struct timespec settle = {1, 100000000};

	set_searches(all);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(count("SELECT count(*) FROM trials_current"), 3);
	/* Files written within the last second may still change unseen. */
	nanosleep(&settle, NULL);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* Nothing changed, the data build neither: /version alone. */
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, NULL), 1);
	/* One changed. */
	root = load_record("NCT04421456");
	json_object_set_new(module(root, "statusModule"), "overallStatus",
	    json_string("TERMINATED"));
	dated(root, today);
	save_record("NCT04421456", root);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	/* /version, the changes (one page), one fetch. */
	cr_expect_eq(fakereg_count(m->reg, NULL), 3, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(fakereg_count(m->reg, "/studies?query.term=AREA"), 1);
	cr_expect_eq(res.run.versions_stored, 1);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "overall_status = 'TERMINATED'"), 1);
}

/*
 * Tracked by ID, more than one probe request's worth: the changes of the
 * whole registry since the last good cycle's eve take fewer requests.
 */
Test(listing, a_long_id_list_reads_the_changes_instead_of_probing)
{
	static const char *const ids[] = {"NCT02982915", "NCT05233774",
	    "NCT04421456"};
	struct sync_result res;
	json_t *root;

	harness_mirror_track(ids, 3);
	/* Three probe requests, one page of changes. */
	m->cfg->probe_batch = 1;
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	root = load_record("NCT02982915");
	json_object_set_new(module(root, "statusModule"), "overallStatus",
	    json_string("TERMINATED"));
	dated(root, today);
	save_record("NCT02982915", root);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_eq(fakereg_count(m->reg, "filter.ids=NCT02982915&fields="), 0,
	    "%s", fakereg_log(m->reg));
	/* The changes' first page (the only one with a count). */
	cr_expect_eq(fakereg_count(m->reg, "query.term=AREA%5B"
	    "LastUpdatePostDate%5DRANGE%5B") - fakereg_count(m->reg,
	    "pageToken="), 1, "%s",
	    fakereg_log(m->reg));
	cr_expect_eq(res.run.versions_stored, 1);
	/*
	 * A trial tracked again after a while: a listing of the changes
	 * since the last good cycle cannot speak for it, so it is probed.
	 */
	harness_mirror_track(ids, 2);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	root = load_record("NCT04421456");
	json_object_set_new(module(root, "statusModule"), "overallStatus",
	    json_string("WITHDRAWN"));
	dated(root, "2025-12-01");	/* long before the last good cycle */
	save_record("NCT04421456", root);
	harness_mirror_track(ids, 3);
	fakereg_clear_log(m->reg);
	cr_assert_eq(cycle(&res), 0, "%s", res.error);
	cr_expect_geq(fakereg_count(m->reg, "filter.ids=NCT04421456&"
	    "fields="), 1, "%s", fakereg_log(m->reg));
	cr_expect_eq(fakereg_count(m->reg, "filter.ids=NCT02982915&"
	    "fields="), 0);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "overall_status = 'WITHDRAWN'"), 1);
}

/* check-config asks the registry only with --online. */
Test(listing, check_config_online_counts_each_search)
{
	char *conf = harness_fmt("%s/ctmirror.conf", m->regdir), *body;
	const char *argv[] = {"-c", conf, "check-config", NULL, NULL};
	struct harness_run r;

	body = harness_fmt("[registry]\nbase_url = %s\n[tracking]\n"
	    "search.msc = query.intr=lomecel-b\n"
	    "search.bad = query.term=(frailty\n", fakereg_url(m->reg));
	cr_assert_eq(harness_write(conf, body), 0);
	fakereg_clear_log(m->reg);
	cr_assert_eq(harness_run(&r, argv, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, ": configuration OK\n") != NULL, "%s", r.out);
	cr_expect_eq(fakereg_count(m->reg, NULL), 0, "offline by default");
	harness_run_free(&r);
	argv[3] = "--online";
	cr_assert_eq(harness_run(&r, argv, NULL), 0);
	cr_expect_eq(r.status, 2, "%s", r.err);
	cr_expect(strstr(r.out, "search msc: 2 studies match "
	    "(query.intr=lomecel-b)\n") != NULL, "%s", r.out);
	{
		char *want = harness_fmt("%s:5: [tracking] search.bad: the "
		    "registry refused it: HTTP 400: Parameter `query.term` has "
		    "incorrect format", conf);

		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		free(want);
	}
	cr_expect_eq(fakereg_count(m->reg, "countTotal=true"), 2);
	cr_expect_eq(fakereg_count(m->reg, "pageSize=0"), 2);
	harness_run_free(&r);
	free(body);
	free(conf);
}

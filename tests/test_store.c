/*
 * test_store.c - store.c against a real PostgreSQL: versions and their
 * changes, transactions that roll back leave nothing, hostile text travels
 * as parameters, flags are raised once per key, refreshed, resolved and
 * acknowledged, and each flag gets one outbox row per sink.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "plan.h"
#include "store.h"

static char *db;
static struct store *st;

static void
setup(void)
{
	char *err = NULL;

	db = harness_db_migrated("store");
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

TestSuite(store, .init = setup, .fini = teardown, .timeout = 60);

static long
count(const char *sql)
{
	return harness_db_count(db, sql);
}

/* A hand-made study: store.c only reads the struct. */
static void
fake_study(struct study *s, const char *id, const char *status,
    const char *canonical, const char *hash)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->nct_id, sizeof(s->nct_id), "%s", id);
	s->overall_status = (char *)status;
	s->acronym = (char *)"ACR";
	s->brief_title = (char *)"A \"quoted\" title with \\ backslash, {braces}";
	s->canonical = (char *)canonical;
	s->canonical_len = strlen(canonical);
	snprintf(s->hash, sizeof(s->hash), "%s", hash);
	snprintf(s->last_update_posted.date, DATE_SIZE, "2026-01-02");
	s->last_update_posted.type = DATE_ACTUAL;
}

static const char H1[] =
    "1111111111111111111111111111111111111111111111111111111111111111";
static const char H2[] =
    "2222222222222222222222222222222222222222222222222222222222222222";

Test(store, versions_and_changes)
{
	char *ids[] = {(char *)"NCT00000001"};
	struct store_current cur[1];
	struct study s1, s2;
	struct change ch[2] = {
		{(char *)"/a/b", (char *)"\"x\"", (char *)"\"y\"", CHANGE_STATUS},
		{(char *)"/c", NULL, (char *)"{\"k\": [1, \"\\\"q\\\"\"]}",
		    CHANGE_OTHER},
	};
	struct change_list cl = {ch, 2, 2};
	struct plan_ask *tracked = NULL;
	size_t n = 0;

	cr_assert_eq(store_set_tracked(st, "config", ids, 1), 0, "%s",
	    store_errmsg(st));
	fake_study(&s1, "NCT00000001", "RECRUITING", "{\"a\": {\"b\": \"x\"}}", H1);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, 1, true, cur), 0, "%s",
	    store_errmsg(st));
	cr_expect_eq(cur[0].version_id, 0);
	cr_assert_eq(store_add_version(st, 0, &s1, &cur[0], NULL), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_commit(st), 0);
	store_current_finish(cur, 1);

	fake_study(&s2, "NCT00000001", "COMPLETED",
	    "{\"a\": {\"b\": \"y\"}, \"c\": {\"k\": [1, \"\\\"q\\\"\"]}}", H2);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, 1, true, cur), 0);
	cr_expect_eq(cur[0].version_no, 1);
	cr_expect_str_eq(cur[0].hash, H1);
	cr_expect_not_null(cur[0].raw);
	cr_assert_eq(store_add_version(st, 0, &s2, &cur[0], &cl), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_commit(st), 0);
	store_current_finish(cur, 1);

	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "change_class = 'status' AND old_value = '\"x\"'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE "
	    "old_value IS NULL AND new_value -> 'k' ->> 1 = '\"q\"'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE "
	    "overall_status = 'COMPLETED' AND brief_title = "
	    "'A \"quoted\" title with \\ backslash, {braces}'"), 1);
	cr_assert_eq(store_tracked(st, &tracked, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(tracked[0].stored, "2026-01-02");
	free(tracked);
}

Test(store, rollback_leaves_nothing)
{
	char *ids[] = {(char *)"NCT00000002"};
	struct store_current cur[1];
	struct study s;

	cr_assert_eq(store_set_tracked(st, "config", ids, 1), 0);
	fake_study(&s, "NCT00000002", "RECRUITING", "{\"a\": 1}", H1);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, 1, false, cur), 0);
	cr_assert_eq(store_add_version(st, 0, &s, &cur[0], NULL), 0);
	store_rollback(st);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 0);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE current_version_id "
	    "IS NOT NULL"), 0);
	/* Invalid JSON is refused by the database: the step fails whole. */
	fake_study(&s, "NCT00000002", "RECRUITING", "{not json", H1);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, 1, false, cur), 0);
	cr_expect_eq(store_add_version(st, 0, &s, &cur[0], NULL), -1);
	cr_expect(strstr(store_errmsg(st), "store version") != NULL, "%s",
	    store_errmsg(st));
	store_rollback(st);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 0);
}

Test(store, tracking_reconciles)
{
	char *a[] = {(char *)"NCT00000001", (char *)"NCT00000002"};
	char *b[] = {(char *)"NCT00000002", (char *)"NCT00000003"};
	char **ids = NULL;
	size_t n = 0;

	cr_assert_eq(store_set_tracked(st, "config", a, 2), 0);
	cr_assert_eq(store_set_tracked(st, "config", b, 2), 0);
	cr_assert_eq(store_tracked_ids(st, &ids, &n), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(ids[0], "NCT00000002");
	cr_expect_str_eq(ids[1], "NCT00000003");
	store_free_ids(ids, n);
	/* Untracked, not deleted: its history stays. */
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE nct_id = "
	    "'NCT00000001' AND NOT tracked"), 1);
	/*
	 * Re-applying the same set rewrites no row (same xmin) and locks
	 * none (same xmax: ON CONFLICT's row locks are WAL records too).
	 */
	{
		const char *q = "SELECT string_agg(xmin::text || '/' || "
		    "xmax::text, ',' ORDER BY nct_id) FROM trials";
		char *before = harness_db_value(db, q), *after;

		cr_assert_eq(store_set_tracked(st, "config", b, 2), 0);
		after = harness_db_value(db, q);
		cr_expect_str_eq(after, before);
		free(before);
		free(after);
	}
}

Test(store, sync_lock_is_exclusive)
{
	char *err = NULL;
	struct store *other = store_open(db, &err);

	cr_assert_not_null(other);
	cr_expect(store_lock_sync(st));
	cr_expect_not(store_lock_sync(other));
	cr_expect_str_eq(store_errmsg(other), "another sync is running");
	store_unlock_sync(st);
	cr_expect(store_lock_sync(other));
	store_unlock_sync(other);
	store_close(other);
}

static int
count_flag(void *arg, const struct store_flag *f)
{
	(*(int *)arg)++;
	return 0;
}

/* store_page_flags with its arguments spelled out. */
static int
page_flags(const char *path, const char *content, const char *claims_hash,
    const struct claim_list *cl, const struct store_finding *f, size_t n,
    const char *const *sinks, size_t n_sinks, unsigned *raised,
    unsigned *resolved)
{
	struct store_page pg = {path, content, claims_hash, cl, f, n, false};

	return store_page_flags(st, &pg, sinks, n_sinks, raised, resolved);
}

/* Every row's identity and version: equal before and after = no write. */
static char *
row_versions(void)
{
	return harness_db_value(db,
	    "SELECT concat_ws(';',"
	    " (SELECT string_agg(ctid::text || xmin::text, ',' ORDER BY page_id)"
	    "   FROM pages),"
	    " (SELECT string_agg(ctid::text || xmin::text, ',' ORDER BY claim_id)"
	    "   FROM claims),"
	    " (SELECT string_agg(ctid::text || xmin::text, ',' ORDER BY flag_id)"
	    "   FROM flags),"
	    " (SELECT string_agg(ctid::text || xmin::text, ',' ORDER BY alert_id)"
	    "   FROM alert_outbox),"
	    " (SELECT last_value::text FROM flags_flag_id_seq))");
}

/* One results-pending claim on HERA and the results-posted verdict on it. */
struct one_flag {
	struct claim c;
	struct claim_list cl;
	struct verdict v;
	struct store_finding f[2];
};

static void
one_flag(struct one_flag *o)
{
	memset(o, 0, sizeof(*o));
	snprintf(o->c.nct_id, sizeof(o->c.nct_id), "NCT02982915");
	o->c.kind = CLAIM_RESULTS_PENDING;
	o->c.line = 7;
	o->c.excerpt = (char *)"HERA results pending; it's \"fine\" {really}";
	o->c.phrase = (char *)"results pending";
	snprintf(o->c.as_of, sizeof(o->c.as_of), "2026-05-06");
	o->cl.v = &o->c;
	o->cl.n = o->cl.cap = 1;
	o->v.rule = "results-posted";
	o->v.severity = SEV_STALE;
	o->v.evidence = (char *)"results first posted on 2026-08-01";
	snprintf(o->v.link, sizeof(o->v.link),
	    "https://clinicaltrials.gov/study/NCT02982915");
	o->f[0].claim = &o->c;
	o->f[0].verdict = &o->v;
	o->f[1] = o->f[0];	/* the same key twice: one flag */
}

Test(store, flags_raise_once_refresh_resolve_ack)
{
	struct one_flag o;
	const char *sinks[] = {"stdout", "webhook"};
	unsigned raised, resolved;
	int n = 0;

	one_flag(&o);
	cr_assert_eq(page_flags("kb/page.md", "h1", "c1", &o.cl, o.f, 2, sinks,
	    2, &raised, &resolved), 0, "%s", store_errmsg(st));
	cr_expect_eq(raised, 1);
	cr_expect_eq(resolved, 0);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 2);
	cr_expect_eq(count("SELECT count(*) FROM claims"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE page = "
	    "'kb/page.md' AND line = 7 AND rule = 'results-posted' AND "
	    "severity = 'stale' AND resolved_at IS NULL"), 1);

	/* Re-run: nothing new; a moved line is refreshed in place. */
	o.c.line = 9;
	cr_assert_eq(page_flags("kb/page.md", "h2", "c2", &o.cl, o.f, 1, sinks,
	    2, &raised, &resolved), 0);
	cr_expect_eq(raised, 0);
	cr_expect_eq(count("SELECT count(*) FROM flags"), 1);
	cr_expect_eq(count("SELECT line FROM flags"), 9);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 2);
	cr_expect_eq(count("SELECT count(*) FROM claims WHERE line = 9"), 1);

	/* Pending alerts, then delivered ones are not pending any more. */
	cr_assert_eq(store_each_pending_alert(st, "stdout", count_flag, &n), 0);
	cr_expect_eq(n, 1);
	cr_assert_eq(harness_db_exec(db, "UPDATE alert_outbox SET delivered_at "
	    "= now() WHERE sink = 'stdout'"), 0);
	n = 0;
	cr_assert_eq(store_each_pending_alert(st, "stdout", count_flag, &n), 0);
	cr_expect_eq(n, 0);

	/* Ack silences it in the open list. */
	n = 0;
	cr_assert_eq(store_each_flag(st, false, count_flag, &n), 0);
	cr_expect_eq(n, 1);
	{
		long long ids[2] = {count("SELECT flag_id FROM flags"), 424242};
		long long missing = 0;

		cr_expect_eq(store_ack(st, ids, 2, "alice", NULL, &missing), 1,
		    "all or none");
		cr_expect_eq(missing, 424242);
		cr_expect_eq(count("SELECT count(*) FROM flags WHERE acked_at "
		    "IS NOT NULL"), 0);
		cr_expect_eq(store_ack(st, ids, 1, "alice", "published in "
		    "May", &missing), 0);
		cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
		    "acked_by = 'alice' AND ack_reason = 'published in May'"),
		    1);
	}
	n = 0;
	cr_assert_eq(store_each_flag(st, false, count_flag, &n), 0);
	cr_expect_eq(n, 0);

	/* The page stops making the claim: resolved, with a time. */
	o.cl.n = 0;
	cr_assert_eq(page_flags("kb/page.md", "h3", "c3", &o.cl, NULL, 0,
	    sinks, 2, &raised, &resolved), 0);
	cr_expect_eq(resolved, 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE resolved_at "
	    "IS NOT NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM claims"), 0);

	/* Claimed again later: a new flag, announced again. */
	o.cl.n = 1;
	cr_assert_eq(page_flags("kb/page.md", "h4", "c4", &o.cl, o.f, 1, sinks,
	    2, &raised, &resolved), 0);
	cr_expect_eq(raised, 1);
	cr_expect_eq(count("SELECT count(*) FROM flags"), 2);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 4);
}

/*
 * The steady state writes nothing: the same page, claims and findings
 * again change no row (same ctid and xmin everywhere) and take no flag
 * ID; only what moved is written, in place.
 */
Test(store, unchanged_page_writes_nothing)
{
	struct one_flag o;
	const char *sinks[] = {"stdout"};
	unsigned raised, resolved;
	char *before, *after;

	one_flag(&o);
	cr_assert_eq(page_flags("kb/p.md", "h", "c", &o.cl, o.f, 1, sinks, 1,
	    &raised, &resolved), 0, "%s", store_errmsg(st));
	before = row_versions();
	for (int i = 0; i < 3; i++)
		cr_assert_eq(page_flags("kb/p.md", "h", "c", &o.cl, o.f, 1,
		    sinks, 1, &raised, &resolved), 0);
	after = row_versions();
	cr_expect_str_eq(after, before, "an unchanged page wrote");
	free(after);
	/* New evidence: the flag is rewritten, the page and claims are not. */
	o.v.evidence = (char *)"results first posted on 2026-09-01";
	cr_assert_eq(page_flags("kb/p.md", "h", "c", &o.cl, o.f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_expect_eq(raised, 0);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE evidence LIKE "
	    "'%2026-09-01'"), 1);
	after = harness_db_value(db, "SELECT string_agg(ctid::text || "
	    "xmin::text, ',') FROM claims");
	cr_expect(strstr(before, after) != NULL, "claims rewritten");
	free(after);
	free(before);
}

/*
 * Flag IDs stay dense: 100 cycles of the same open flags (and of moving
 * lines, refreshed in place) take no identity value; INSERT ... ON
 * CONFLICT took one per flag per cycle (users were told "ctmirror ack
 * 2067692").
 */
Test(store, flag_ids_dense_across_100_cycles)
{
	enum { K = 20 };
	struct claim c[K];
	struct verdict v[K];
	struct store_finding f[K];
	struct claim_list cl = {c, K, K};
	const char *sinks[] = {"stdout", "notify"};
	unsigned raised, resolved;

	memset(c, 0, sizeof(c));
	memset(v, 0, sizeof(v));
	for (int i = 0; i < K; i++) {
		snprintf(c[i].nct_id, sizeof(c[i].nct_id), "NCT%08d", 100 + i);
		c[i].kind = CLAIM_STATUS;
		c[i].statuses = ST_RECRUITING;
		c[i].line = i + 1;
		c[i].excerpt = (char *)"recruiting";
		c[i].phrase = (char *)"recruiting";
		v[i].rule = "status-changed";
		v[i].evidence = (char *)"the registry says COMPLETED";
		f[i].claim = &c[i];
		f[i].verdict = &v[i];
	}
	for (int cycle = 0; cycle < 100; cycle++) {
		char h[16];

		/* Every tenth cycle the page moves down a line. */
		for (int i = 0; i < K; i++)
			c[i].line = i + 1 + cycle / 10;
		snprintf(h, sizeof(h), "h%d", cycle / 10);
		cr_assert_eq(page_flags("kb/dense.md", h, h, &cl, f, K, sinks,
		    2, &raised, &resolved), 0, "%s", store_errmsg(st));
		cr_expect_eq(raised, cycle == 0 ? K : 0);
		cr_expect_eq(resolved, 0);
	}
	cr_expect_eq(count("SELECT count(*) FROM flags"), K);
	cr_expect_eq(count("SELECT max(flag_id) FROM flags"), K);
	cr_expect_eq(count("SELECT max(alert_id) FROM alert_outbox"), 2 * K);
	cr_expect_eq(count("SELECT min(line) FROM flags"), 10);
}

/*
 * An edited page rewrites only the claims whose words changed: a line
 * added at the top moves every claim (same rows, new line), one sentence
 * reworded replaces one claim, and the table ends up as the page says.
 */
Test(store, edited_page_moves_claims_in_place)
{
	enum { K = 6 };
	struct claim c[K];
	struct claim_list cl = {c, K, K};
	unsigned raised, resolved;
	char *ids_before, *ids_after;

	memset(c, 0, sizeof(c));
	for (int i = 0; i < K; i++) {
		snprintf(c[i].nct_id, sizeof(c[i].nct_id), "NCT%08d", 200 + i % 3);
		c[i].kind = i % 2 ? CLAIM_RESULTS_PENDING : CLAIM_STATUS;
		c[i].statuses = ST_RECRUITING;
		c[i].line = 10 + i;
		/* Two claims with the very same words, on different lines. */
		c[i].excerpt = (char *)(i < 2 ? "same words" : "other words");
		c[i].phrase = (char *)"p";
	}
	cr_assert_eq(page_flags("kb/e.md", "h1", "c1", &cl, NULL, 0, NULL, 0,
	    &raised, &resolved), 0, "%s", store_errmsg(st));
	ids_before = harness_db_value(db, "SELECT string_agg(claim_id::text, ','"
	    " ORDER BY claim_id) FROM claims");
	/* A line added above: every claim one line down, same rows. */
	for (int i = 0; i < K; i++)
		c[i].line++;
	cr_assert_eq(page_flags("kb/e.md", "h2", "c2", &cl, NULL, 0, NULL, 0,
	    &raised, &resolved), 0, "%s", store_errmsg(st));
	ids_after = harness_db_value(db, "SELECT string_agg(claim_id::text, ','"
	    " ORDER BY claim_id) FROM claims");
	cr_expect_str_eq(ids_after, ids_before, "moved claims kept their rows");
	cr_expect_eq(count("SELECT min(line) FROM claims"), 11);
	cr_expect_eq(count("SELECT max(line) FROM claims"), 16);
	free(ids_after);
	/* One claim reworded, one gone, one new: only those rows change. */
	c[3].excerpt = (char *)"reworded";
	c[5] = c[4];
	c[5].line = 40;
	c[5].excerpt = (char *)"brand new";
	cl.n = K;
	cr_assert_eq(page_flags("kb/e.md", "h3", "c3", &cl, NULL, 0, NULL, 0,
	    &raised, &resolved), 0, "%s", store_errmsg(st));
	cr_expect_eq(count("SELECT count(*) FROM claims"), K);
	cr_expect_eq(count("SELECT count(*) FROM claims WHERE excerpt = "
	    "'reworded' AND line = 14"), 1);
	cr_expect_eq(count("SELECT count(*) FROM claims WHERE excerpt = "
	    "'brand new' AND line = 40"), 1);
	cr_expect_eq(count("SELECT count(*) FROM claims WHERE excerpt = "
	    "'same words'"), 2);
	/* Four of the six first rows are still there. */
	{
		char *sql = harness_fmt("SELECT count(*) FROM claims WHERE "
		    "claim_id = ANY ('{%s}'::bigint[])", ids_before);

		cr_expect_eq(count(sql), 4);
		free(sql);
	}
	/* The two same-worded claims swap nothing when one line moves. */
	c[1].line = 9;
	cr_assert_eq(page_flags("kb/e.md", "h4", "c4", &cl, NULL, 0, NULL, 0,
	    &raised, &resolved), 0);
	cr_expect_eq(count("SELECT count(*) FROM claims WHERE excerpt = "
	    "'same words' AND line IN (9, 11)"), 2);
	free(ids_before);
}

Test(store, forgotten_pages_resolve_their_flags)
{
	struct claim c = {0};
	struct claim_list cl;
	struct verdict v = {0};
	struct store_finding f;
	const char *sinks[] = {"stdout"};
	char *gone[] = {(char *)"kb/gone.md"};
	char **paths = NULL;
	size_t n = 0;
	unsigned raised, resolved;

	snprintf(c.nct_id, sizeof(c.nct_id), "NCT05233774");
	c.kind = CLAIM_PUBLICATION_PENDING;
	c.line = 1;
	c.excerpt = (char *)"not yet published";
	c.phrase = (char *)"not yet published";
	cl.v = &c;
	cl.n = cl.cap = 1;
	v.rule = "publication-linked";
	v.evidence = (char *)"PMID 1";
	f.claim = &c;
	f.verdict = &v;
	cr_assert_eq(page_flags("kb/gone.md", "h", "c", &cl, &f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_assert_eq(page_flags("kb/other.md", "h", "c", &cl, &f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_assert_eq(store_page_paths(st, &paths, &n), 0);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(paths[0], "kb/gone.md");
	store_free_ids(paths, n);
	cr_assert_eq(store_forget_pages(st, gone, 1, &resolved), 0);
	cr_expect_eq(resolved, 1);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE resolved_at IS NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM claims"), 1);
	/* Gone pages are not listed again; one back with the same text is whole. */
	cr_assert_eq(store_page_paths(st, &paths, &n), 0);
	cr_expect_eq(n, 1);
	store_free_ids(paths, n);
	cr_assert_eq(page_flags("kb/gone.md", "h", "c", &cl, &f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_expect_eq(raised, 1);
	cr_expect_eq(count("SELECT count(*) FROM claims"), 2);
}

/* A skip is written when it begins, not while it lasts; a read ends it. */
Test(store, skipped_pages_recorded_once)
{
	struct one_flag o;
	const char *sinks[] = {"stdout"};
	char *paths[] = {(char *)"kb/a.md", (char *)"kb/none.md"};
	char *why[] = {(char *)"binary", (char *)"binary"};
	char since[2][32], first[32];
	bool lasting[2];
	unsigned raised, resolved;
	char *before, *after;

	one_flag(&o);
	cr_assert_eq(page_flags("kb/a.md", "h", "c", &o.cl, o.f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_assert_eq(store_pages_skipped(st, paths, why, 2, since, lasting), 0,
	    "%s", store_errmsg(st));
	cr_expect_neq(since[0][0], '\0');
	cr_expect_not(lasting[0], "a skip that began now");
	cr_expect_str_eq(since[1], "");
	snprintf(first, sizeof(first), "%s", since[0]);
	before = row_versions();
	cr_assert_eq(store_pages_skipped(st, paths, why, 2, since, lasting), 0);
	after = row_versions();
	cr_expect(lasting[0], "a skip from before");
	cr_expect_str_eq(after, before, "a lasting skip wrote");
	cr_expect_str_eq(since[0], first);
	free(after);
	free(before);
	cr_expect_eq(count("SELECT count(*) FROM pages WHERE skipped_since IS "
	    "NOT NULL AND skip_reason = 'binary'"), 1);
	/* Read again, unchanged: the skip ends, the claims stay as they are. */
	cr_assert_eq(page_flags("kb/a.md", "h", "c", &o.cl, o.f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_expect_eq(count("SELECT count(*) FROM pages WHERE skipped_since IS "
	    "NOT NULL"), 0);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE resolved_at IS "
	    "NULL"), 1);
}

Test(store, run_records)
{
	struct store_run run = {0};
	struct store_summary sum;

	cr_assert_eq(store_run_begin(st, "sync", &run.run_id), 0);
	cr_assert_eq(store_run_error(st, run.run_id, "NCT09999999", "fetch",
	    "NCT09999999: not found in the registry"), 0);
	run.errors = 1;
	cr_assert_eq(store_run_finish(st, &run, "partial", NULL, 0), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_summary(st, &sum), 0);
	cr_expect_eq(sum.last_run_id, run.run_id);
	cr_expect_str_eq(sum.last_run_status, "partial");
	cr_expect_eq(count("SELECT errors FROM sync_runs"), 1);
}

/*
 * Counts are written as steps commit; a run that never finishes is closed
 * by the next with those counts and the time it was last heard of, not
 * the next run's start; a run that failed records when and why.
 */
Test(store, interrupted_run_is_closed_by_the_next)
{
	struct store_run dead = {0}, failed = {0};
	long long next;

	/* A process killed mid-run leaves its row "running"... */
	cr_assert_eq(store_run_begin(st, "sync", &dead.run_id), 0);
	dead.versions_stored = 20;
	dead.changes_stored = 75;
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_run_progress(st, &dead), 0);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(harness_db_exec(db, "UPDATE sync_runs SET started_at = "
	    "started_at - interval '1 hour', last_progress_at = "
	    "last_progress_at - interval '50 minutes'"), 0);
	/* ...and the next run (which holds the sync lock) closes it. */
	cr_assert_eq(store_run_begin(st, "sync", &next), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'running'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'failed' AND error_text LIKE 'interrupted: nothing heard from the "
	    "run after %' AND versions_stored = 20 AND changes_stored = 75 AND "
	    "finished_at = last_progress_at AND finished_at < now() - "
	    "interval '49 minutes'"), 1);
	/* A failure recorded later keeps its own time and cause. */
	cr_assert_eq(harness_db_exec(db, "UPDATE sync_runs SET started_at = "
	    "started_at - interval '1 minute' WHERE status = 'running'"), 0);
	failed.run_id = next;
	failed.versions_stored = 3;
	cr_assert_eq(store_run_finish(st, &failed, "failed",
	    "database connection lost during store: terminating connection",
	    (double)time(NULL) - 30), 0, "%s", store_errmsg(st));
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE run_id = (SELECT "
	    "max(run_id) FROM sync_runs) AND status = 'failed' AND "
	    "versions_stored = 3 AND error_text LIKE 'database connection lost "
	    "during store: %' AND finished_at BETWEEN now() - interval '40 s' "
	    "AND now() - interval '20 s'"), 1);
}

/*
 * Retention deletes delivered alerts (and announcements of new search
 * matches) and runs past their age, a batch at a time, and never an undelivered alert, a run that stored a version,
 * the newest run, a flag, a version or a change.
 */
Test(store, retention_prunes_only_what_is_configured)
{
	struct one_flag o;
	const char *sinks[] = {"stdout", "webhook"};
	unsigned raised, resolved, alerts, runs;
	long long id;
	char *ids[] = {(char *)"NCT00000009"};
	struct store_current cur[1];
	struct study s;

	one_flag(&o);
	for (int i = 0; i < 3; i++) {
		char path[32];

		snprintf(path, sizeof(path), "kb/r%d.md", i);
		cr_assert_eq(page_flags(path, "h", "c", &o.cl, o.f, 1, sinks, 2,
		    &raised, &resolved), 0);
	}
	/* 6 alerts: stdout ones delivered 40 and 10 days ago, webhook never. */
	cr_assert_eq(harness_db_exec(db, "UPDATE alert_outbox SET delivered_at "
	    "= now() - CASE WHEN flag_id = 1 THEN interval '10 days' ELSE "
	    "interval '40 days' END WHERE sink = 'stdout'; UPDATE alert_outbox "
	    "SET created_at = now() - interval '400 days', attempts = 9 WHERE "
	    "sink = 'webhook'"), 0);
	/* Runs: 5 old and empty, 1 old that stored a version, 1 new. */
	cr_assert_eq(store_set_tracked(st, "config", ids, 1), 0);
	/* A new search match announced on stdout 40 days ago, not on webhook. */
	cr_assert_eq(harness_db_exec(db, "INSERT INTO searches (name, query) "
	    "VALUES ('msc', 'query.intr=x'); INSERT INTO match_outbox (search,"
	    " nct_id, sink, delivered_at) VALUES ('msc', 'NCT00000009', "
	    "'stdout', now() - interval '40 days'), ('msc', 'NCT00000009', "
	    "'webhook', NULL)"), 0);
	for (int i = 0; i < 7; i++) {
		struct store_run r = {0};

		cr_assert_eq(store_run_begin(st, "sync", &id), 0);
		r.run_id = id;
		if (i == 5) {
			fake_study(&s, ids[0], "RECRUITING", "{\"a\": 1}", H1);
			cr_assert_eq(store_begin(st), 0);
			cr_assert_eq(store_current(st, ids, 1, false, cur), 0);
			cr_assert_eq(store_add_version(st, id, &s, &cur[0], NULL), 0);
			cr_assert_eq(store_commit(st), 0);
		}
		cr_assert_eq(store_run_error(st, id, "NCT00000009", "fetch", "x"), 0);
		cr_assert_eq(store_run_finish(st, &r, "ok", NULL, 0), 0);
	}
	cr_assert_eq(harness_db_exec(db, "UPDATE sync_runs SET started_at = "
	    "now() - interval '500 days', finished_at = now() - interval "
	    "'499 days'"), 0);
	/* 0 keeps forever. */
	cr_assert_eq(store_prune(st, 0, 0, 2, &alerts, &runs), 0);
	cr_expect_eq(alerts + runs, 0);
	/*
	 * Batches of 2: 2 + 1, then 0 (only 2 stdout alerts and 1 stdout
	 * announcement are 30 days old).
	 */
	cr_assert_eq(store_prune(st, 30 * 86400, 400 * 86400, 2, &alerts,
	    &runs), 0, "%s", store_errmsg(st));
	cr_expect_eq(alerts, 3);
	cr_expect_eq(runs, 2);
	cr_assert_eq(store_prune(st, 30 * 86400, 400 * 86400, 2, &alerts,
	    &runs), 0);
	cr_expect_eq(alerts, 0);
	cr_expect_eq(runs, 2);
	cr_assert_eq(store_prune(st, 30 * 86400, 400 * 86400, 2, &alerts,
	    &runs), 0);
	cr_expect_eq(runs, 1);
	cr_assert_eq(store_prune(st, 30 * 86400, 400 * 86400, 2, &alerts,
	    &runs), 0);
	cr_expect_eq(runs, 0);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 4);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox WHERE "
	    "delivered_at IS NULL"), 3);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox WHERE sink = "
	    "'stdout' AND flag_id = 1"), 1);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox WHERE "
	    "delivered_at IS NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox"), 1);
	cr_expect_eq(count("SELECT count(*) FROM flags"), 3);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs"), 2);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs r JOIN "
	    "study_versions v USING (run_id)"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_errors"), 2);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 1);
}

/*
 * Every statement goes through PQexecParams with constant text; the only
 * PQexec runs the compiled-in migrations.  This scans daemon/ so a
 * string-built query cannot slip in unnoticed (issue: security).
 */
Test(store, sql_is_never_built_from_strings)
{
	static const char *patterns[] = {
		/* a printf-style format that starts a statement */
		"printf *\\([^;]*\"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|"
		    "CREATE|DROP|ALTER|GRANT|TRUNCATE|COPY|NOTIFY|LISTEN|SET)[[:space:]][^\"]*%",
		/* strcat / strcpy of SQL text */
		"str(n?cat|n?cpy) *\\([^;]*\"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE) ",
		/* a buffer to assemble a query in */
		"char +[a-z_]*(sql|query|stmt)[a-z_]* *\\[",
	};
	char *dir = harness_fmt("%s/daemon", harness_root());
	DIR *d = opendir(dir);
	struct dirent *e;
	regex_t re[3];
	int pqexec = 0;

	cr_assert_not_null(d, "%s", dir);
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(regcomp(&re[i], patterns[i], REG_EXTENDED | REG_NOSUB),
		    0, "pattern %zu", i);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		char *path, *text, *line, *save = NULL;
		int lineno = 0;

		if (n < 3 || strcmp(e->d_name + n - 2, ".c") != 0)
			continue;
		path = harness_fmt("%s/%s", dir, e->d_name);
		text = harness_read(path);
		cr_assert_not_null(text, "%s", path);
		for (line = strtok_r(text, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save)) {
			lineno++;
			for (size_t i = 0; i < 3; i++)
				cr_expect_neq(regexec(&re[i], line, 0, NULL, 0), 0,
				    "%s:%d: SQL built from strings: %s",
				    e->d_name, lineno, line);
			if (strstr(line, "PQexec(") != NULL)
				pqexec++;
		}
		free(text);
		free(path);
	}
	closedir(d);
	for (size_t i = 0; i < 3; i++)
		regfree(&re[i]);
	cr_expect_eq(pqexec, 1, "PQexec only for the migration files");
	free(dir);
}

/* stderr into a file while `fn` runs, for counting log lines. */
static int
capture_start(const char *path)
{
	int saved, fd;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	cr_assert(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	close(fd);
	return saved;
}

static char *
capture_stop(int saved, const char *path)
{
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	return harness_read(path);
}

static unsigned
lines(const char *text)
{
	unsigned n = 0;

	for (; text && *text; text++)
		n += *text == '\n';
	return n;
}

/*
 * The server ends the session in the middle of a pipelined batch (a
 * restart during the store step), after `kill_at` of its statements were
 * sent: the batch fails naming the cause the server gave, libpq logs
 * nothing about the results it never delivered (it used to log a line per
 * statement: "message type 0x31 arrived from server while idle"), nothing
 * of the batch is stored, and the store connects again.
 */
static void
drop_mid_pipeline(int kill_at)
{
	enum { N = 150 };
	static char *ids[N];
	static char idbuf[N][NCT_ID_SIZE];
	struct store_current *cur = calloc(N, sizeof(*cur));
	char *path = harness_fmt("/tmp/ctmirror-store-log-%d", (int)getpid());
	char *text, big[2048];
	int saved, rc = 0;

	for (int i = 0; i < N; i++) {
		snprintf(idbuf[i], sizeof(idbuf[i]), "NCT%08d", i + 1);
		ids[i] = idbuf[i];
	}
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(store_set_tracked(st, "config", ids, N), 0);
	saved = capture_start(path);
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, N, false, cur), 0);
	cr_assert_eq(store_pipeline_begin(st), 0);
	for (int i = 0; i <= N && rc == 0; i++) {
		struct study s;
		char *canon;
		char hash[65];

		if (i == kill_at) {
			cr_assert_eq(harness_db_exec(db, "SELECT "
			    "pg_terminate_backend(pid) FROM pg_stat_activity "
			    "WHERE application_name = 'ctmirror' AND datname = "
			    "current_database()"), 0);
			usleep(100 * 1000);	/* the FATAL is on its way */
		}
		if (i == N)
			break;
		canon = harness_fmt("{\"n\": %d, \"pad\": \"%s\"}", i, big);
		snprintf(hash, sizeof(hash), "%064d", i);
		fake_study(&s, ids[i], "RECRUITING", canon, hash);
		rc = store_add_version(st, 0, &s, &cur[i], NULL);
		free(canon);
	}
	if (rc == 0)
		rc = store_commit(st);
	cr_expect_eq(rc, -1, "kill at %d", kill_at);
	cr_expect(strstr(store_errmsg(st), "terminating connection due to "
	    "administrator command") != NULL || strstr(store_errmsg(st),
	    "server closed the connection") != NULL, "kill at %d: %s",
	    kill_at, store_errmsg(st));
	store_rollback(st);
	cr_expect_not(store_ok(st));
	text = capture_stop(saved, path);
	cr_expect_eq(lines(text), 0, "kill at %d: logged: %s", kill_at, text);
	free(text);
	remove(path);
	cr_assert_eq(store_reset(st), 0, "%s", store_errmsg(st));
	cr_expect(store_ok(st));
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 0);
	/* The new session prepares its statements again. */
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, 1, false, cur), 0);
	cr_assert_eq(store_pipeline_begin(st), 0);
	{
		struct study s;

		fake_study(&s, ids[0], "RECRUITING", "{\"n\": 0}", H1);
		cr_expect_eq(store_add_version(st, 0, &s, &cur[0], NULL), 0);
	}
	cr_expect_eq(store_commit(st), 0, "kill at %d: %s", kill_at,
	    store_errmsg(st));
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 1);
	cr_assert_eq(harness_db_exec(db, "UPDATE trials SET "
	    "current_version_id = NULL"), 0);
	cr_assert_eq(harness_db_exec(db, "DELETE FROM study_versions"), 0);
	store_current_finish(cur, 1);
	free(path);
	free(cur);
}

/*
 * The per-record statements are prepared on the server once per session
 * (store.c pipeline_send).  A pipeline that fails forgets those it
 * prepared, and the next uses a new name: the old one may exist on the
 * server or not, depending on where the pipeline stopped.
 */
Test(store, prepared_statements_outlive_a_failed_pipeline)
{
	char *ids[] = {(char *)"NCT00000003"};
	struct store_current cur[1];
	struct study s;
	const char *docs[] = {"{not json", "{\"a\": 1}", "{\"a\": 2}"};
	const char *hashes[] = {H1, H1, H2};

	cr_assert_eq(store_set_tracked(st, "config", ids, 1), 0);
	for (int i = 0; i < 3; i++) {
		int rc;

		fake_study(&s, ids[0], "RECRUITING", docs[i], hashes[i]);
		cr_assert_eq(store_begin(st), 0);
		cr_assert_eq(store_current(st, ids, 1, false, cur), 0);
		cr_assert_eq(store_pipeline_begin(st), 0);
		rc = store_add_version(st, 0, &s, &cur[0], NULL);
		if (rc == 0)
			rc = store_commit(st);
		if (i == 0) {
			cr_expect_eq(rc, -1);
			cr_expect(strstr(store_errmsg(st), "invalid input syntax "
			    "for type json") != NULL, "%s", store_errmsg(st));
			store_rollback(st);
		} else {
			cr_expect_eq(rc, 0, "batch %d: %s", i, store_errmsg(st));
		}
		store_current_finish(cur, 1);
	}
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trials t JOIN study_versions "
	    "v ON v.version_id = t.current_version_id WHERE t.nct_id = "
	    "'NCT00000003' AND v.version_no = 2"), 1);
	cr_expect(store_ok(st));
}

Test(store, dropped_connection_mid_pipeline)
{
	static const int at[] = {0, 2, 5, 10, 40, 150};

	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		drop_mid_pipeline(at[i]);
}

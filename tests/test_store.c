/*
 * test_store.c - store.c against a real PostgreSQL: versions and their
 * changes, transactions that roll back leave nothing, hostile text travels
 * as parameters, flags are raised once per key, refreshed, resolved and
 * acknowledged, and each flag gets one outbox row per sink.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	/* Re-applying the same set rewrites no row (same xmin). */
	{
		const char *q = "SELECT string_agg(xmin::text, ',' ORDER BY "
		    "nct_id) FROM trials";
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

Test(store, flags_raise_once_refresh_resolve_ack)
{
	struct claim c = {0};
	struct claim_list cl;
	struct verdict v = {0};
	struct store_finding f[2];
	const char *sinks[] = {"stdout", "webhook"};
	unsigned raised, resolved;
	int n = 0;

	snprintf(c.nct_id, sizeof(c.nct_id), "NCT02982915");
	c.kind = CLAIM_RESULTS_PENDING;
	c.line = 7;
	c.excerpt = (char *)"HERA results pending; it's \"fine\" {really}";
	c.phrase = (char *)"results pending";
	snprintf(c.as_of, sizeof(c.as_of), "2026-05-06");
	cl.v = &c;
	cl.n = cl.cap = 1;
	v.rule = "results-posted";
	v.severity = SEV_STALE;
	v.evidence = (char *)"results first posted on 2026-08-01";
	snprintf(v.link, sizeof(v.link),
	    "https://clinicaltrials.gov/study/NCT02982915");
	f[0].claim = &c;
	f[0].verdict = &v;
	f[1] = f[0];	/* the same key twice: one flag */

	cr_assert_eq(store_page_flags(st, "kb/page.md", "h1", &cl, f, 2, sinks, 2,
	    &raised, &resolved), 0, "%s", store_errmsg(st));
	cr_expect_eq(raised, 1);
	cr_expect_eq(resolved, 0);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 2);
	cr_expect_eq(count("SELECT count(*) FROM claims"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE page = "
	    "'kb/page.md' AND line = 7 AND rule = 'results-posted' AND "
	    "severity = 'stale' AND resolved_at IS NULL"), 1);

	/* Re-run: nothing new; a moved line is refreshed in place. */
	c.line = 9;
	cr_assert_eq(store_page_flags(st, "kb/page.md", "h2", &cl, f, 1, sinks, 2,
	    &raised, &resolved), 0);
	cr_expect_eq(raised, 0);
	cr_expect_eq(count("SELECT count(*) FROM flags"), 1);
	cr_expect_eq(count("SELECT line FROM flags"), 9);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 2);

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
	cr_expect_eq(store_ack(st, count("SELECT flag_id FROM flags")), 0);
	cr_expect_eq(store_ack(st, 424242), 1);
	n = 0;
	cr_assert_eq(store_each_flag(st, false, count_flag, &n), 0);
	cr_expect_eq(n, 0);

	/* The page stops making the claim: resolved, with a time. */
	cl.n = 0;
	cr_assert_eq(store_page_flags(st, "kb/page.md", "h3", &cl, NULL, 0,
	    sinks, 2, &raised, &resolved), 0);
	cr_expect_eq(resolved, 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE resolved_at "
	    "IS NOT NULL"), 1);
	cr_expect_eq(count("SELECT count(*) FROM claims"), 0);

	/* Claimed again later: a new flag, announced again. */
	cl.n = 1;
	cr_assert_eq(store_page_flags(st, "kb/page.md", "h4", &cl, f, 1, sinks, 2,
	    &raised, &resolved), 0);
	cr_expect_eq(raised, 1);
	cr_expect_eq(count("SELECT count(*) FROM flags"), 2);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox"), 4);
}

Test(store, forgotten_pages_resolve_their_flags)
{
	struct claim c = {0};
	struct claim_list cl;
	struct verdict v = {0};
	struct store_finding f;
	const char *sinks[] = {"stdout"};
	char *keep[] = {(char *)"kb/other.md"};
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
	cr_assert_eq(store_page_flags(st, "kb/gone.md", "h", &cl, &f, 1, sinks, 1,
	    &raised, &resolved), 0);
	cr_assert_eq(store_forget_pages(st, keep, 1, &resolved), 0);
	cr_expect_eq(resolved, 1);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE resolved_at IS NULL"), 0);
}

Test(store, run_records)
{
	struct store_run run = {0};
	struct store_summary sum;

	cr_assert_eq(store_run_begin(st, "sync", &run.run_id), 0);
	cr_assert_eq(store_run_error(st, run.run_id, "NCT09999999", "fetch",
	    "NCT09999999: not found in the registry"), 0);
	run.errors = 1;
	cr_assert_eq(store_run_finish(st, &run, "partial", NULL), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_summary(st, &sum), 0);
	cr_expect_eq(sum.last_run_id, run.run_id);
	cr_expect_str_eq(sum.last_run_status, "partial");
	cr_expect_eq(count("SELECT errors FROM sync_runs"), 1);
}

Test(store, interrupted_run_is_closed_by_the_next)
{
	long long dead, next;

	/* A process killed mid-run leaves its row "running"... */
	cr_assert_eq(store_run_begin(st, "sync", &dead), 0);
	/* ...and the next run (which holds the sync lock) closes it. */
	cr_assert_eq(store_run_begin(st, "sync", &next), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'running'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'failed' AND error_text LIKE 'interrupted%'"), 1);
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

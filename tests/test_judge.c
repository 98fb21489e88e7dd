/*
 * test_judge.c - the page judge on its own: records stored straight into a
 * real PostgreSQL (no registry), pages judged as the cycle and `ctmirror
 * scan` judge them.  Claims and citations, aliases, IDs with nothing
 * stored, and a knowledge base citing more trials than the record cache
 * holds: every citation is still judged against its own record, whether
 * the records were prepared first (judge_prepare: each read once) or are
 * read as pages need them.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "harness.h"
#include "judge.h"
#include "store.h"
#include "study.h"

static char *db;
static struct config *cfg;
static struct store *st;
static long long run_id;

static void
setup(void)
{
	char *err = NULL;

	db = harness_db_migrated("judge");
	cr_assert_not_null(db);
	cfg = config_defaults();
	cr_assert_not_null(cfg);
	snprintf(cfg->now, sizeof(cfg->now), "%s", "2026-05-06");
	st = store_open(db, &err);
	cr_assert_not_null(st, "%s", err ? err : "");
	cr_assert_eq(store_run_begin(st, "sync", &run_id), 0, "%s",
	    store_errmsg(st));
}

static void
teardown(void)
{
	store_close(st);
	config_free(cfg);
	harness_db_drop(db);
}

TestSuite(judge, .init = setup, .fini = teardown, .timeout = 60);

/* Store `text` as the first version of trial `id` (tracked from config). */
static void
store_text(const char *id, const char *text)
{
	char *ids[1] = {(char *)id};
	struct store_current cur;
	struct change_list none = {0};
	struct study_error serr;
	struct study *s = study_from_text(text, strlen(text), id, &serr);

	cr_assert_not_null(s, "%s: %s", id, serr.text);
	cr_assert_eq(store_set_tracked(st, "config", ids, 1), 0);
	memset(&cur, 0, sizeof(cur));
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_current(st, ids, 1, false, &cur), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_add_version(st, run_id, s, &cur, &none), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(store_commit(st), 0, "%s", store_errmsg(st));
	store_current_finish(&cur, 1);
	study_free(s);
}

/* A record file of tests/data as trial `id` (its nctId rewritten). */
static void
store_file(const char *file, const char *id)
{
	char *path = harness_fmt("%s/%s", harness_data(), file);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);
	char *text;

	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	json_object_set_new(json_object_get(json_object_get(root,
	    "protocolSection"), "identificationModule"), "nctId",
	    json_string(id));
	text = json_dumps(root, JSON_COMPACT);
	store_text(id, text);
	free(text);
	json_decref(root);
	free(path);
}

/* How many verdicts of rule `rule` judge claims of trial `id`. */
static size_t
verdicts_of(const struct judge_page *pg, const char *id, const char *rule)
{
	size_t n = 0;

	for (size_t k = 0; k < pg->verdicts.n; k++)
		n += strcmp(pg->claims.v[pg->owner[k]].nct_id, id) == 0 &&
		    strcmp(pg->verdicts.v[k].rule, rule) == 0;
	return n;
}

Test(judge, claims_and_citations_meet_the_stored_record)
{
	static const char page[] =
	    "# Frailty\n\nThe HERA trial (NCT02982915) is still recruiting; "
	    "results pending as of 2024-01-10.\n";
	struct judge *j;
	struct judge_page pg;

	store_file("registry/default/NCT02982915.json", "NCT02982915");
	j = judge_new(cfg, st);
	cr_assert_not_null(j, "%s", store_errmsg(st));
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page), &pg), 0, "%s",
	    store_errmsg(st));
	/* "recruiting" against COMPLETED; one citation. */
	cr_expect_eq(verdicts_of(&pg, "NCT02982915", "status-changed"), 1);
	cr_expect_eq(verdicts_of(&pg, "NCT02982915", "registry-updated"), 2);
	cr_expect_eq(pg.claims.v[pg.claims.n - 1].kind, CLAIM_MENTION);
	cr_expect_not_null(judge_state(j, "NCT02982915"));
	cr_expect_str_eq(judge_state(j, "NCT02982915")->overall_status,
	    "COMPLETED");
	judge_page_finish(&pg);
	judge_free(j);
}

Test(judge, nothing_stored_gives_no_verdict)
{
	static const char page[] = "NCT09999991 results pending.\n";
	struct judge *j = judge_new(cfg, st);
	struct judge_page pg;

	cr_assert_not_null(j, "%s", store_errmsg(st));
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page), &pg), 0);
	cr_expect_eq(pg.claims.n, 2);		/* the claim and the citation */
	cr_expect_eq(pg.verdicts.n, 0);
	cr_expect_null(judge_state(j, "NCT09999991"));
	judge_page_finish(&pg);
	judge_free(j);
}

Test(judge, an_alias_is_judged_by_its_current_record)
{
	static const char page[] = "NCT09100099 is still recruiting.\n";
	struct judge *j;
	struct judge_page pg;

	store_file("registry/default/NCT02982915.json", "NCT02982915");
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_record_alias(st, "NCT09100099", "NCT02982915"), 0,
	    "%s", store_errmsg(st));
	cr_assert_eq(store_commit(st), 0);
	j = judge_new(cfg, st);
	cr_assert_not_null(j, "%s", store_errmsg(st));
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page), &pg), 0);
	cr_expect_not_null(judge_state(j, "NCT09100099"));
	cr_expect_eq(verdicts_of(&pg, "NCT09100099", "status-changed"), 1);
	cr_expect_eq(verdicts_of(&pg, "NCT09100099", "alias-id"), 1);
	judge_page_finish(&pg);
	judge_free(j);
}

/*
 * More cited trials than the smallest record cache holds (2 x 512 records
 * a load): the cache starts over, and every citation still meets its own
 * record, as it does with room for all of them.
 */
Test(judge, a_full_cache_starts_over_without_losing_a_citation)
{
	enum { N = 1100 };
	char *path = harness_fmt("%s/registry/default/NCT04421456.json",
	    harness_data());
	char *text = harness_read(path), *page, *p;
	struct judge_page small, large;
	struct judge *j;
	size_t n_small, n_large;

	cr_assert_not_null(text);
	page = calloc(N, 64);
	cr_assert_not_null(page);
	p = page;
	for (int i = 0; i < N; i++) {
		char id[16];

		snprintf(id, sizeof(id), "NCT095%05d", i);
		store_file("registry/default/NCT04421456.json", id);
		/* A Parkinson's MSC trial cited under a cannabidiol record. */
		p += sprintf(p, "Parkinson disease MSC trial (%s).\n\n", id);
	}
	cfg->record_cache = 1u << 20;
	j = judge_new(cfg, st);
	cr_assert_not_null(j, "%s", store_errmsg(st));
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page),
	    &small), 0, "%s",
	    store_errmsg(st));
	judge_free(j);
	/* Prepared from a file of the page: each record read once. */
	{
		char *dir = harness_tmpdir(), *file;
		char *paths[1];
		struct judge_page again;

		file = harness_fmt("%s/kb.md", dir);
		cr_assert_eq(harness_write(file, page), 0);
		paths[0] = file;
		j = judge_new(cfg, st);
		cr_assert_not_null(j);
		cr_assert_eq(judge_prepare(j, paths, 1, 1u << 24), 0, "%s",
		    store_errmsg(st));
		cr_assert_eq(judge_page(j, "page.md", page, strlen(page),
		    &again), 0, "%s",
		    store_errmsg(st));
		cr_expect_eq(again.verdicts.n, small.verdicts.n);
		for (size_t k = 0; k < again.verdicts.n &&
		    k < small.verdicts.n; k++)
			cr_expect_str_eq(again.verdicts.v[k].evidence,
			    small.verdicts.v[k].evidence);
		judge_page_finish(&again);
		judge_free(j);
		harness_rmtree(dir);
		free(dir);
		free(file);
	}
	cfg->record_cache = 256u << 20;
	j = judge_new(cfg, st);
	cr_assert_not_null(j);
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page), &large), 0);
	judge_free(j);
	n_small = n_large = 0;
	for (size_t k = 0; k < small.verdicts.n; k++)
		n_small += strcmp(small.verdicts.v[k].rule,
		    "identity-mismatch") == 0;
	for (size_t k = 0; k < large.verdicts.n; k++)
		n_large += strcmp(large.verdicts.v[k].rule,
		    "identity-mismatch") == 0;
	cr_expect_eq(n_small, N);
	cr_expect_eq(n_large, N);
	cr_expect_eq(small.verdicts.n, large.verdicts.n);
	judge_page_finish(&small);
	judge_page_finish(&large);
	free(page);
	free(text);
	free(path);
}

/*
 * Prepared from the pages, read back from the file: the same verdicts as
 * read from the database one by one; a trial a page names only by its
 * acronym (not prepared) is read when judged; an alias leads to the
 * current trial's prepared record.
 */
Test(judge, prepared_records_judge_as_the_database_does)
{
	static const char page[] =
	    "# Frailty\n\nHERA Phase 2b (NCT02982915) is still recruiting; "
	    "results pending as of 2024-01-10.\n\nThe CLEARMIND trial is "
	    "ongoing.\n\nNCT09100099 is completed.\n";
	char *dir = harness_tmpdir(), *file = harness_fmt("%s/kb.md", dir);
	char *paths[1] = {file};
	struct judge_page a, b;
	struct judge *j;

	store_file("registry/default/NCT02982915.json", "NCT02982915");
	store_file("registry/default/NCT05233774.json", "NCT05233774");
	store_file("registry/default/NCT04421456.json", "NCT04421456");
	cr_assert_eq(store_begin(st), 0);
	cr_assert_eq(store_record_alias(st, "NCT09100099", "NCT04421456"), 0);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(harness_write(file, page), 0);
	j = judge_new(cfg, st);
	cr_assert_not_null(j, "%s", store_errmsg(st));
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page), &a), 0);
	judge_free(j);
	j = judge_new(cfg, st);
	cr_assert_not_null(j);
	cr_assert_eq(judge_prepare(j, paths, 1, 1u << 20), 0, "%s",
	    store_errmsg(st));
	cr_assert_eq(judge_page(j, "page.md", page, strlen(page), &b), 0);
	cr_assert_eq(a.claims.n, b.claims.n);
	cr_assert_eq(a.verdicts.n, b.verdicts.n);
	for (size_t k = 0; k < a.verdicts.n; k++) {
		cr_expect_str_eq(a.verdicts.v[k].rule, b.verdicts.v[k].rule);
		cr_expect_str_eq(a.verdicts.v[k].evidence,
		    b.verdicts.v[k].evidence);
		cr_expect_eq(a.owner[k], b.owner[k]);
	}
	/* CLEARMIND by acronym alone: "ongoing" against COMPLETED. */
	cr_expect_eq(verdicts_of(&b, "NCT05233774", "status-changed"), 1);
	cr_expect_eq(verdicts_of(&b, "NCT09100099", "alias-id"), 1);
	cr_expect_not_null(judge_state(j, "NCT09100099"));
	judge_page_finish(&a);
	judge_page_finish(&b);
	judge_free(j);
	harness_rmtree(dir);
	free(dir);
	free(file);
}

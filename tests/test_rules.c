/*
 * test_rules.c - rules.c as a table: claim x registry state x today ->
 * the exact set of rules that fire, each rule firing and not firing, the
 * claim-expired day boundary, undated and malformed dates, and the
 * example page's trials (HERA, CLEARMIND, NCT04421456) as sync sees them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"

#define HERA "NCT02982915"
#define CLEARMIND "NCT05233774"

enum { RP = CLAIM_RESULTS_PENDING, PP = CLAIM_PUBLICATION_PENDING,
    ST = CLAIM_STATUS };

/* A registry state in one line of a table. */
struct st_row {
	const char *status;	/* NULL: none given */
	bool has_results;
	const char *rfp;	/* results first posted */
	const char *lup;	/* last update posted */
	const char *pmids;	/* space-separated RESULT PMIDs, or NULL */
	const char *submitted;	/* results submitted, not posted ("" none) */
};

struct rule_case {
	const char *name;
	int kind;
	unsigned statuses;
	const char *as_of;
	struct st_row st;
	const char *today;
	unsigned stale_after;
	const char *expect;	/* rules fired, in order, comma-separated */
};

#define COMPLETED_NO_RESULTS(lup) {"COMPLETED", false, "", lup, NULL, ""}
#define WITH_RESULTS(lup) {"COMPLETED", true, "2026-08-01", lup, NULL, ""}
#define SUBMITTED(sub, lup) {"COMPLETED", false, "", lup, NULL, sub}

static const struct rule_case cases[] = {
	/* results-posted */
	{"results posted after the claim", RP, 0, "2026-05-06",
	    WITH_RESULTS("2026-05-01"), "2026-06-01", 180, "results-posted"},
	{"results posted, undated claim", RP, 0, "",
	    WITH_RESULTS("2026-08-01"), "2026-06-01", 180, "results-posted"},
	{"hasResults without a posted date", RP, 0, "2026-05-06",
	    {"COMPLETED", true, "", "2026-05-01", NULL, ""}, "2026-06-01", 180,
	    "results-posted"},
	{"posted date without hasResults (month only)", RP, 0, "2026-05-06",
	    {"COMPLETED", false, "2026-04", "2026-05-01", NULL, ""}, "2026-06-01",
	    180, "results-posted"},
	{"no results: results-pending holds", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-05-01"), "2026-06-01", 180, ""},
	{"results do not contradict publication-pending", PP, 0, "2026-05-06",
	    WITH_RESULTS("2026-05-01"), "2026-06-01", 180, ""},
	/* publication-linked */
	{"RESULT reference linked", PP, 0, "2026-05-06",
	    {"COMPLETED", false, "", "2026-05-01", "39999999", ""}, "2026-06-01",
	    180, "publication-linked"},
	{"no RESULT reference", PP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-05-01"), "2026-06-01", 180, ""},
	{"a paper does not contradict results-pending", RP, 0, "2026-05-06",
	    {"COMPLETED", false, "", "2026-05-01", "39999999", ""}, "2026-06-01",
	    180, ""},
	{"a paper does not contradict a status", ST, ST_COMPLETED, "",
	    {"COMPLETED", false, "", "2026-05-01", "39999999", ""}, "2026-06-01",
	    180, ""},
	/* status-changed */
	{"recruiting, now completed", ST, ST_RECRUITING, "",
	    COMPLETED_NO_RESULTS("2026-05-01"), "2026-06-01", 180,
	    "status-changed"},
	{"completed, still completed", ST, ST_COMPLETED, "",
	    COMPLETED_NO_RESULTS("2026-05-01"), "2026-06-01", 180, ""},
	{"ongoing, registry recruiting", ST, ST_ACTIVE, "",
	    {"RECRUITING", false, "", "2026-05-01", NULL, ""}, "2026-06-01", 180,
	    ""},
	{"ongoing, registry active not recruiting", ST, ST_ACTIVE, "",
	    {"ACTIVE_NOT_RECRUITING", false, "", "2026-05-01", NULL, ""},
	    "2026-06-01", 180, ""},
	{"ongoing, now terminated", ST, ST_ACTIVE, "",
	    {"TERMINATED", false, "", "2026-05-01", NULL, ""}, "2026-06-01", 180,
	    "status-changed"},
	{"ongoing or completed, registry completed", ST,
	    ST_ACTIVE | ST_COMPLETED, "", COMPLETED_NO_RESULTS("2026-05-01"),
	    "2026-06-01", 180, ""},
	{"recruiting, expanded-access status", ST, ST_RECRUITING, "",
	    {"AVAILABLE", false, "", "2026-05-01", NULL, ""}, "2026-06-01", 180,
	    "status-changed"},
	{"empty claimed set", ST, 0, "", COMPLETED_NO_RESULTS("2026-05-01"),
	    "2026-06-01", 180, ""},
	{"no registry status", ST, ST_RECRUITING, "",
	    {NULL, false, "", "2026-05-01", NULL, ""}, "2026-06-01", 180, ""},
	{"status and update after the claim", ST, ST_RECRUITING, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-08-01"), "2026-09-01", 180,
	    "status-changed,registry-updated"},
	/* registry-updated */
	{"updated the day after the claim", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-05-07"), "2026-06-01", 180,
	    "registry-updated"},
	{"updated the day of the claim", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-05-06"), "2026-06-01", 180, ""},
	{"updated, undated claim", RP, 0, "",
	    COMPLETED_NO_RESULTS("2026-08-01"), "2026-09-01", 180, ""},
	{"update date unknown", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS(""), "2026-06-01", 180, ""},
	{"update date malformed", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-13-01"), "2026-06-01", 180, ""},
	{"month-only update in the claim's month", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-05"), "2026-06-01", 180, ""},
	{"status claim, updated since", ST, ST_COMPLETED, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-08-01"), "2026-09-01", 180,
	    "registry-updated"},
	/* claim-expired: 2026-05-06 + 180 days = 2026-11-02 */
	{"180 days old: not expired", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-01-01"), "2026-11-02", 180, ""},
	{"181 days old: expired", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-01-01"), "2026-11-03", 180,
	    "claim-expired"},
	{"publication claim expired", PP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2026-01-01"), "2026-11-03", 180,
	    "claim-expired"},
	{"status claims do not expire", ST, ST_COMPLETED, "2020-01-01",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2026-11-03", 180, ""},
	{"undated claims do not expire", RP, 0, "",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2026-11-03", 180, ""},
	{"claim dated in the future", RP, 0, "2027-01-01",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2026-11-03", 180, ""},
	{"across a leap day: 2 > 1", RP, 0, "2024-02-28",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2024-03-01", 1,
	    "claim-expired"},
	{"leap day itself: 1 day", RP, 0, "2024-02-29",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2024-03-01", 1, ""},
	{"no leap day in 2100", RP, 0, "2100-02-28",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2100-03-01", 0,
	    "claim-expired"},
	{"threshold 0, same day", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2026-05-06", 0, ""},
	{"threshold 0, a day old", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2019-01-01"), "2026-05-07", 0,
	    "claim-expired"},
	{"today malformed", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2019-01-01"), "yesterday", 180, ""},
	{"today empty", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2019-01-01"), "", 180, ""},
	/* malformed as-of dates disable the date rules, nothing else */
	{"as-of February 30", RP, 0, "2026-02-30",
	    WITH_RESULTS("2026-08-01"), "2026-11-24", 180, "results-posted"},
	{"as-of without padding", RP, 0, "2026-5-6",
	    COMPLETED_NO_RESULTS("2026-08-01"), "2026-11-24", 180, ""},
	{"as-of garbage", PP, 0, "soon", COMPLETED_NO_RESULTS("2026-08-01"),
	    "2026-11-24", 180, ""},
	{"as-of year 0000", RP, 0, "0000-01-01",
	    COMPLETED_NO_RESULTS("2026-08-01"), "2026-11-24", 180,
	    "registry-updated,claim-expired"},
	/* results-submitted */
	{"submitted after the claim, not posted", RP, 0, "2026-05-06",
	    SUBMITTED("2026-05-20", "2026-05-01"), "2026-06-01", 180,
	    "results-submitted"},
	{"submitted before the claim", RP, 0, "2026-05-06",
	    SUBMITTED("2025-11-02", "2025-11-03"), "2026-06-01", 180,
	    "results-submitted"},
	{"submitted, undated claim", RP, 0, "",
	    SUBMITTED("2026-05-20", "2026-06-01"), "2026-06-01", 180,
	    "results-submitted"},
	{"submitted month only", RP, 0, "2026-05-06",
	    SUBMITTED("2026-05", "2026-05-01"), "2026-06-01", 180,
	    "results-submitted"},
	{"submitted and already posted: results-posted only", RP, 0,
	    "2026-05-06", {"COMPLETED", true, "2026-08-01", "2026-05-01", NULL,
	    "2026-05-20"}, "2026-06-01", 180, "results-posted"},
	{"posted date without hasResults beats a submission", RP, 0,
	    "2026-05-06", {"COMPLETED", false, "2026-08-01", "2026-05-01",
	    NULL, "2026-05-20"}, "2026-06-01", 180, "results-posted"},
	{"submission says nothing of a publication", PP, 0, "2026-05-06",
	    SUBMITTED("2026-05-20", "2026-05-01"), "2026-06-01", 180, ""},
	{"submission says nothing of a status", ST, ST_COMPLETED, "",
	    SUBMITTED("2026-05-20", "2026-05-01"), "2026-06-01", 180, ""},
	{"submitted, updated, expired", RP, 0, "2026-05-06",
	    SUBMITTED("2026-05-20", "2026-06-01"), "2026-11-24", 180,
	    "registry-updated,results-submitted,claim-expired"},
	/* everything at once, stale rules first */
	{"every rule for a pending claim", RP, 0, "2026-05-06",
	    {"COMPLETED", true, "2026-08-01", "2026-08-01", "39999999", ""},
	    "2026-11-24", 180,
	    "results-posted,registry-updated,claim-expired"},
};

/* Fill `st` from a table row; `pmids` receives pointers into `store`. */
static void
make_state(const char *nct, const struct st_row *r, struct trial_state *st,
    char *store, size_t size, const char **pmids, size_t max)
{
	char *save = NULL, *tok;

	memset(st, 0, sizeof(*st));
	snprintf(st->nct_id, sizeof(st->nct_id), "%s", nct);
	st->overall_status = r->status;
	st->has_results = r->has_results;
	snprintf(st->results_first_posted, sizeof(st->results_first_posted),
	    "%s", r->rfp);
	snprintf(st->last_update_posted, sizeof(st->last_update_posted),
	    "%s", r->lup);
	snprintf(st->results_submitted, sizeof(st->results_submitted), "%s",
	    r->submitted ? r->submitted : "");
	snprintf(store, size, "%s", r->pmids ? r->pmids : "");
	for (tok = strtok_r(store, " ", &save); tok && st->n_result_pmids < max;
	    tok = strtok_r(NULL, " ", &save))
		pmids[st->n_result_pmids++] = tok;
	st->result_pmids = pmids;
}

static void
make_claim(struct claim *c, const char *nct, int kind, unsigned statuses,
    const char *as_of)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->nct_id, sizeof(c->nct_id), "%s", nct);
	c->kind = (enum claim_kind)kind;
	c->statuses = statuses;
	c->line = 1;
	snprintf(c->as_of, sizeof(c->as_of), "%s", as_of);
}

/* "rule,rule" of a verdict list; buf returned. */
static char *
fired(const struct verdict_list *l, size_t from, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = from; i < l->n; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		    i > from ? "," : "", l->v[i].rule);
	return buf;
}

Test(rules, table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rule_case *k = &cases[i];
		struct trial_state st;
		struct claim c;
		struct rules_opts o;
		struct verdict_list vl = {0};
		const char *pmids[8];
		char store[128], got[256];

		make_state(HERA, &k->st, &st, store, sizeof(store), pmids, 8);
		make_claim(&c, HERA, k->kind, k->statuses, k->as_of);
		memset(&o, 0, sizeof(o));
		snprintf(o.today, sizeof(o.today), "%s", k->today);
		o.stale_after_days = k->stale_after;
		cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0, "%s", k->name);
		cr_expect_str_eq(fired(&vl, 0, got, sizeof(got)), k->expect,
		    "case \"%s\"", k->name);
		for (size_t j = 0; j < vl.n; j++) {
			cr_expect_str_eq(vl.v[j].link,
			    "https://clinicaltrials.gov/study/" HERA, "%s",
			    k->name);
			cr_expect(vl.v[j].evidence && vl.v[j].evidence[0],
			    "%s: empty evidence", k->name);
			cr_expect_eq(vl.v[j].severity,
			    strcmp(vl.v[j].rule, "registry-updated") == 0 ||
			    strcmp(vl.v[j].rule, "results-submitted") == 0 ||
			    strcmp(vl.v[j].rule, "results-overdue") == 0 ||
			    strcmp(vl.v[j].rule, "claim-expired") == 0 ?
			    SEV_RECHECK : SEV_STALE, "%s", k->name);
		}
		rules_list_finish(&vl);
	}
}

Test(rules, null_state_yields_nothing)
{
	struct claim c;
	struct rules_opts o = {"2026-11-24", 180, NULL};
	struct verdict_list vl = {0};

	make_claim(&c, HERA, RP, 0, "2020-01-01");
	cr_expect_eq(rules_judge(&c, NULL, &o, &vl), 0);
	cr_expect_eq(vl.n, 0);
	rules_list_finish(&vl);
	rules_list_finish(&vl);	/* finished twice: still fine */
}

/* Look up one verdict by rule; NULL if it did not fire. */
static const struct verdict *
find(const struct verdict_list *l, const char *rule)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].rule, rule) == 0)
			return &l->v[i];
	return NULL;
}

static void
expect_evidence(const struct verdict_list *l, const char *rule,
    const char *words)
{
	const struct verdict *v = find(l, rule);

	cr_assert_not_null(v, "%s did not fire", rule);
	cr_expect(strstr(v->evidence, words) != NULL,
	    "%s evidence \"%s\" lacks \"%s\"", rule, v->evidence, words);
}

Test(rules, evidence_in_words)
{
	static const struct st_row hera = {"COMPLETED", true, "2026-08-01",
	    "2026-08-01", "39999999 40000001", ""};
	static const struct st_row many = {"COMPLETED", false, "",
	    "2026-08-01", "1 2 3 4 5 6 7", ""};
	struct trial_state st;
	struct claim c;
	struct rules_opts o = {"2026-11-24", 180, NULL};
	struct verdict_list vl = {0};
	const char *pmids[8];
	char store[128];

	make_state(HERA, &hera, &st, store, sizeof(store), pmids, 8);
	make_claim(&c, HERA, RP, 0, "2026-05-06");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-posted", "results first posted on "
	    "2026-08-01, after the claim's date 2026-05-06");
	expect_evidence(&vl, "registry-updated", "last updated on 2026-08-01");
	expect_evidence(&vl, "claim-expired", "2026-05-06 is 202 days old");
	expect_evidence(&vl, "claim-expired", "180 days");

	make_claim(&c, HERA, PP, 0, "");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "publication-linked",
	    "PMID 39999999, PMID 40000001");

	make_claim(&c, HERA, ST, ST_RECRUITING | ST_NOT_YET_RECRUITING, "");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "status-changed", "status is COMPLETED (record "
	    "last updated 2026-08-01); the page says NOT_YET_RECRUITING or "
	    "RECRUITING");
	rules_list_finish(&vl);

	make_claim(&c, HERA, ST, ST_ACTIVE, "");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "status-changed", "an active status");
	rules_list_finish(&vl);

	/* A long PMID list is cut short, with a count of the rest. */
	make_state(HERA, &many, &st, store, sizeof(store), pmids, 8);
	make_claim(&c, HERA, PP, 0, "");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "publication-linked", "PMID 5 and 2 more");
	rules_list_finish(&vl);

	/* Expired and still unanswered: the evidence says so. */
	make_state(CLEARMIND, &(struct st_row)COMPLETED_NO_RESULTS("2025-03-10"),
	    &st, store, sizeof(store), pmids, 8);
	make_claim(&c, CLEARMIND, RP, 0, "2026-05-06");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "claim-expired", "no results posted yet; the claim dated 2026-05-06");
	cr_expect_str_eq(vl.v[0].link,
	    "https://clinicaltrials.gov/study/" CLEARMIND);
	rules_list_finish(&vl);

	/* Submitted, not posted: the submission date, and that it is news. */
	make_state(HERA, &(struct st_row)SUBMITTED("2026-05-20", "2026-06-01"),
	    &st, store, sizeof(store), pmids, 8);
	make_claim(&c, HERA, RP, 0, "2026-05-06");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-submitted", "results submitted to the "
	    "registry on 2026-05-20, not posted yet (in quality-control "
	    "review), after the claim's date 2026-05-06");
	cr_expect_eq(find(&vl, "results-submitted")->severity, SEV_RECHECK);
	rules_list_finish(&vl);
	make_claim(&c, HERA, RP, 0, "2026-06-01");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-submitted", "on 2026-05-20, not posted "
	    "yet (in quality-control review)");
	cr_expect_null(strstr(find(&vl, "results-submitted")->evidence,
	    "after the claim"));
	rules_list_finish(&vl);
}

/* results-overdue: the FDAAA 801 deadline (from results_due) has passed. */
static const struct {
	const char *name;
	int kind;
	unsigned statuses;
	const char *as_of;
	struct st_row st;
	const char *due_by;
	const char *today;
	const char *expect;
} overdue_cases[] = {
	{"results overdue", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-06-28", "2026-06-01",
	    "results-overdue"},
	{"results due today: not yet overdue", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2026-06-01", "2026-06-01", ""},
	{"overdue, undated claim", RP, 0, "",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-06-28", "2026-06-01",
	    "results-overdue"},
	{"overdue and expired", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-06-28", "2026-12-01",
	    "results-overdue,claim-expired"},
	{"submitted since: results-submitted only", RP, 0, "2026-05-06",
	    SUBMITTED("2026-05-20", "2025-03-10"), "2025-06-28", "2026-06-01",
	    "results-submitted"},
	{"posted since: results-posted only", RP, 0, "2026-05-06",
	    WITH_RESULTS("2025-03-10"), "2025-06-28", "2026-06-01",
	    "results-posted"},
	{"says nothing of a publication", PP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-06-28", "2026-06-01", ""},
	{"says nothing of a status", ST, ST_COMPLETED, "",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-06-28", "2026-06-01", ""},
	{"no deadline", RP, 0, "2026-05-06", COMPLETED_NO_RESULTS("2025-03-10"),
	    "", "2026-06-01", ""},
	{"deadline malformed", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-02-30", "2026-06-01", ""},
	{"today malformed", RP, 0, "2026-05-06",
	    COMPLETED_NO_RESULTS("2025-03-10"), "2025-06-28", "someday", ""},
};

Test(rules, results_overdue_table)
{
	for (size_t i = 0; i < sizeof(overdue_cases) /
	    sizeof(overdue_cases[0]); i++) {
		struct trial_state st;
		struct claim c;
		struct rules_opts o = {"", 180, NULL};
		struct verdict_list vl = {0};
		const char *pmids[1];
		char store[16], got[256];

		make_state(HERA, &overdue_cases[i].st, &st, store, sizeof(store),
		    pmids, 1);
		snprintf(st.results_due_by, sizeof(st.results_due_by), "%s",
		    overdue_cases[i].due_by);
		make_claim(&c, HERA, overdue_cases[i].kind,
		    overdue_cases[i].statuses, overdue_cases[i].as_of);
		snprintf(o.today, sizeof(o.today), "%s", overdue_cases[i].today);
		cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
		cr_expect_str_eq(fired(&vl, 0, got, sizeof(got)),
		    overdue_cases[i].expect, "case \"%s\"",
		    overdue_cases[i].name);
		rules_list_finish(&vl);
	}
}

/* results-overdue says since when, and how long it has been. */
Test(rules, results_overdue_evidence)
{
	static const struct st_row clearmind =
	    COMPLETED_NO_RESULTS("2025-03-10");
	struct trial_state st;
	struct claim c;
	struct rules_opts o = {"2026-12-01", 180, NULL};
	struct verdict_list vl = {0};
	const char *pmids[1];
	char store[8];

	make_state(CLEARMIND, &clearmind, &st, store, sizeof(store), pmids, 1);
	snprintf(st.results_due_by, sizeof(st.results_due_by), "2025-06-28");
	make_claim(&c, CLEARMIND, RP, 0, "");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-overdue", "results were due by "
	    "2025-06-28 under FDAAA 801 and none have been submitted: 521 days "
	    "overdue");
	cr_expect_eq(find(&vl, "results-overdue")->severity, SEV_RECHECK);
	cr_expect_str_eq(find(&vl, "results-overdue")->link,
	    "https://clinicaltrials.gov/study/" CLEARMIND);
	rules_list_finish(&vl);
	snprintf(o.today, sizeof(o.today), "2025-06-29");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-overdue", "submitted: 1 day overdue");
	rules_list_finish(&vl);
}

Test(rules, appends_to_a_list)
{
	static const struct st_row hera = {"COMPLETED", true, "2026-08-01",
	    "2026-08-01", NULL, ""};
	struct trial_state st;
	struct claim c;
	struct rules_opts o = {"2026-11-24", 180, NULL};
	struct verdict_list vl = {0};
	const char *pmids[1];
	char store[8], got[256];

	make_state(HERA, &hera, &st, store, sizeof(store), pmids, 1);
	/* Enough claims to grow the list several times. */
	for (int i = 0; i < 20; i++) {
		size_t before = vl.n;

		make_claim(&c, HERA, RP, 0, "2026-05-06");
		cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
		cr_expect_str_eq(fired(&vl, before, got, sizeof(got)),
		    "results-posted,registry-updated,claim-expired");
	}
	cr_expect_eq(vl.n, 60);
	rules_list_finish(&vl);
	cr_expect_eq(vl.n, 0);
	cr_expect_null(vl.v);
}

Test(rules, severity_names)
{
	cr_expect_str_eq(rules_severity_name(SEV_STALE), "stale");
	cr_expect_str_eq(rules_severity_name(SEV_RECHECK), "recheck");
}

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(a, b);
}

/*
 * The example page (tests/data/kb/msc-therapy.txt) as claims.c reads it,
 * against the registry of test_alerts.c: HERA with results and a RESULT
 * paper posted 2026-08-01, CLEARMIND completed without results and not
 * updated since the page's date, NCT04421456 mentioned without a claim.
 * Flags are keyed by (trial, claim kind, rule), so compare that set.
 */
Test(rules, example_page)
{
	static const struct {
		const char *nct;
		int kind;
		unsigned statuses;
		const char *as_of;
	} claims[] = {
		/* "HERA Phase 2b underway (NCT02982915 completed; results
		 * pending full publication)" */
		{HERA, ST, ST_ACTIVE | ST_COMPLETED, ""},
		{HERA, RP, 0, ""},
		/* "HERA Phase 2b (NCT02982915 — completed, full publication
		 * pending)" */
		{HERA, ST, ST_COMPLETED, ""},
		{HERA, PP, 0, ""},
		/* "Trial completed per ClinicalTrials.gov; ... as of
		 * 2026-05-06." */
		{HERA, ST, ST_COMPLETED, "2026-05-06"},
		/* "CLEARMIND Phase 2a (NCT05233774 — completed)", "n not yet
		 * published.  Completed per ClinicalTrials.gov." */
		{CLEARMIND, ST, ST_COMPLETED, ""},
		{CLEARMIND, PP, 0, ""},
		/* "HERA and CLEARMIND published results pending as of
		 * 2026-05-06" */
		{HERA, RP, 0, "2026-05-06"},
		{CLEARMIND, RP, 0, "2026-05-06"},
	};
	static const struct st_row hera = {"COMPLETED", true, "2026-08-01",
	    "2026-08-01", "39999999", ""};
	static const struct st_row clearmind =
	    COMPLETED_NO_RESULTS("2025-03-10");
	static const char *const kinds[] = {"results-pending",
	    "publication-pending", "status"};
	const char *expect =
	    "NCT02982915 publication-pending publication-linked\n"
	    "NCT02982915 results-pending claim-expired\n"
	    "NCT02982915 results-pending registry-updated\n"
	    "NCT02982915 results-pending results-posted\n"
	    "NCT02982915 status registry-updated\n"
	    "NCT05233774 results-pending claim-expired\n";
	struct trial_state st_hera, st_cm;
	struct rules_opts o = {"2026-11-23", 180, NULL};
	const char *p_hera[2], *p_cm[1];
	char s_hera[32], s_cm[8];
	char keys[16][96], got[2048] = "";
	size_t nkeys = 0;

	make_state(HERA, &hera, &st_hera, s_hera, sizeof(s_hera), p_hera, 2);
	make_state(CLEARMIND, &clearmind, &st_cm, s_cm, sizeof(s_cm), p_cm, 1);
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		struct verdict_list vl = {0};
		struct claim c;
		const struct trial_state *st;

		make_claim(&c, claims[i].nct, claims[i].kind,
		    claims[i].statuses, claims[i].as_of);
		st = strcmp(c.nct_id, HERA) == 0 ? &st_hera : &st_cm;
		cr_assert_eq(rules_judge(&c, st, &o, &vl), 0);
		for (size_t k = 0; k < vl.n; k++) {
			char key[96];
			size_t j;

			snprintf(key, sizeof(key), "%s %s %s\n", c.nct_id,
			    kinds[c.kind], vl.v[k].rule);
			for (j = 0; j < nkeys; j++)
				if (strcmp(keys[j], key) == 0)
					break;
			if (j == nkeys) {
				cr_assert_lt(nkeys, 16);
				memcpy(keys[nkeys++], key, sizeof(key));
			}
		}
		rules_list_finish(&vl);
	}
	qsort(keys, nkeys, sizeof(keys[0]), cmp_key);
	for (size_t j = 0; j < nkeys; j++)
		strcat(got, keys[j]);
	cr_expect_str_eq(got, expect);

	/* A claim about the mis-cited trial with no registry record. */
	{
		struct verdict_list vl = {0};
		struct claim c;

		make_claim(&c, "NCT04421456", RP, 0, "2026-05-06");
		cr_expect_eq(rules_judge(&c, NULL, &o, &vl), 0);
		cr_expect_eq(vl.n, 0);
	}
}

/* A claim the registry contradicted before it was written says so. */
Test(rules, wrong_when_written)
{
	static const struct st_row hera = {"COMPLETED", true, "2024-03-01",
	    "2026-08-01", "39999999", ""};
	struct trial_state st;
	struct claim c;
	struct rules_opts o = {"2026-06-01", 180, NULL};
	struct verdict_list vl = {0};
	const char *pmids[8];
	char store[128];

	make_state(HERA, &hera, &st, store, sizeof(store), pmids, 8);
	snprintf(st.status_since, sizeof(st.status_since), "2021-10-13");
	snprintf(st.result_refs_since, sizeof(st.result_refs_since),
	    "2026-09-03");
	make_claim(&c, HERA, RP, 0, "2026-05-06");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-posted", "results were posted on "
	    "2024-03-01, before this claim's date 2026-05-06 (wrong when "
	    "written)");
	rules_list_finish(&vl);
	make_claim(&c, HERA, ST, ST_RECRUITING, "2026-05-06");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "status-changed", "status is COMPLETED (so since "
	    "2021-10-13, before this claim's date 2026-05-06: wrong when "
	    "written); the page says RECRUITING");
	rules_list_finish(&vl);
	/* Listed after the claim: gone stale since, not wrong when written. */
	make_claim(&c, HERA, PP, 0, "2026-05-06");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "publication-linked", "PMID 39999999 (listed "
	    "since 2026-09-03, after the claim's date 2026-05-06)");
	rules_list_finish(&vl);
	/* Undated: the day it began, no judgement on when it was written. */
	make_claim(&c, HERA, ST, ST_RECRUITING, "");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "status-changed", "status is COMPLETED (so since "
	    "2021-10-13); the page");
	rules_list_finish(&vl);
	/* The same day: either may have come first. */
	make_claim(&c, HERA, RP, 0, "2024-03-01");
	cr_assert_eq(rules_judge(&c, &st, &o, &vl), 0);
	expect_evidence(&vl, "results-posted", "results first posted on "
	    "2024-03-01");
	cr_expect(strstr(find(&vl, "results-posted")->evidence, "wrong") ==
	    NULL);
	rules_list_finish(&vl);
}

/*
 * unknown-trial: a cited ID the registry does not know is a stale finding
 * on the citation, with the registry's answer and date; a claim about it
 * gets no other verdict (there is no record to contradict it).
 */
Test(rules, unknown_trial_on_a_citation)
{
	struct claim c;
	struct mention m = {"NCT01234560", 3, "", 0};
	struct trial_state st;
	struct rules_opts o = {"2026-11-24", 180, NULL};
	struct verdict_list vl = {0};

	memset(&st, 0, sizeof(st));
	snprintf(st.nct_id, sizeof(st.nct_id), "%s", "NCT01234560");
	st.registry_answer = "NCT number NCT01234560 not found";
	snprintf(st.answered_on, sizeof(st.answered_on), "%s", "2026-11-20");
	make_claim(&c, "NCT01234560", CLAIM_MENTION, 0, "");
	cr_assert_eq(rules_judge_mention(&c, &m, &st, NULL, NULL, &o, &vl), 0);
	cr_assert_eq(vl.n, 1);
	cr_expect_str_eq(vl.v[0].rule, "unknown-trial");
	cr_expect_eq(vl.v[0].severity, SEV_STALE);
	cr_expect_str_eq(vl.v[0].evidence, "the registry does not know "
	    "NCT01234560: it answered \"NCT number NCT01234560 not found\" on "
	    "2026-11-20; check the ID (a typo?)");
	cr_expect_str_eq(vl.v[0].link,
	    "https://clinicaltrials.gov/study/NCT01234560");
	rules_list_finish(&vl);
	/* A results-pending claim on it: nothing to judge it against. */
	make_claim(&c, "NCT01234560", RP, 0, "2020-01-01");
	cr_expect_eq(rules_judge(&c, &st, &o, &vl), 0);
	cr_expect_eq(vl.n, 0);
	/* A known trial's citation: no unknown-trial. */
	st.registry_answer = NULL;
	make_claim(&c, "NCT01234560", CLAIM_MENTION, 0, "");
	cr_expect_eq(rules_judge_mention(&c, &m, &st, NULL, NULL, &o, &vl), 0);
	cr_expect_eq(vl.n, 0);
	cr_expect_eq(rules_judge_mention(&c, &m, NULL, NULL, NULL, &o, &vl), 0);
	cr_expect_eq(vl.n, 0);
	rules_list_finish(&vl);
}

/*
 * test_search.c - registry searches as the config writes them (search.c):
 * the query string the registry is asked with, refusals that name the
 * parameter, the "changed since" form of a nightly rerun, and the text
 * a person reads.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

static char err[256];

static void
expect_query(const char *text, const char *want)
{
	char *q = search_parse(text, err, sizeof(err));

	cr_assert_not_null(q, "%s: %s", text, err);
	cr_expect_str_eq(q, want, "%s", text);
	free(q);
}

static void
expect_refused(const char *text, const char *words)
{
	char *q;

	err[0] = '\0';
	q = search_parse(text, err, sizeof(err));
	cr_expect_null(q, "%s was taken: %s", text, q ? q : "");
	cr_expect(strstr(err, words) != NULL, "%s: \"%s\" lacks \"%s\"", text,
	    err, words);
	free(q);
}

Test(search, parameters_become_a_sorted_query_string)
{
	expect_query("query.intr=mesenchymal stem cells",
	    "query.intr=mesenchymal%20stem%20cells");
	expect_query(" query.intr = MSC & filter.overallStatus = recruiting|"
	    "not_yet_recruiting ",
	    "filter.overallStatus=RECRUITING%2CNOT_YET_RECRUITING&"
	    "query.intr=MSC");
	expect_query("query.term=AREA[Phase]PHASE3 AND \"heart attack\"",
	    "query.term=AREA%5BPhase%5DPHASE3%20AND%20%22heart%20attack%22");
	/* A literal '&' is written %26. */
	expect_query("query.spons=Johnson %26 Johnson",
	    "query.spons=Johnson%20%26%20Johnson");
	expect_query("query.cond=Parkinson’s disease",
	    "query.cond=Parkinson%E2%80%99s%20disease");
	expect_query("*", "");
	expect_query("  *  ", "");
}

Test(search, refusals_name_the_parameter)
{
	expect_refused("", "no parameter");
	expect_refused("mesenchymal stem cells", "not parameter=value");
	expect_refused("query.foo=x", "unknown parameter \"query.foo\"");
	expect_refused("filter.ids=NCT00000001", "unknown parameter");
	expect_refused("pageSize=5", "unknown parameter");
	expect_refused("query.cond=", "query.cond: empty value");
	expect_refused("query.cond=a&query.cond=b", "given twice");
	expect_refused("query.cond=a&", "empty parameter");
	expect_refused("query.cond=100%", "'%' must start");
	expect_refused("query.cond=a%00b", "'%' must start");
	expect_refused("query.cond=a%0Ab", "control character");
	expect_refused("query.cond=\xff", "not UTF-8");
	expect_refused("filter.overallStatus=RECRUITING,ONGOING",
	    "not a list of statuses");
	expect_refused("filter.overallStatus=,", "not a list of statuses");
}

Test(search, names)
{
	cr_expect(search_name_ok("msc"));
	cr_expect(search_name_ok("Parkinson_MSC-2"));
	cr_expect_not(search_name_ok(""));
	cr_expect_not(search_name_ok("a b"));
	cr_expect_not(search_name_ok("a.b"));
	cr_expect_not(search_name_ok("x2345678901234567890123456789012345678901"));
}

Test(search, continuation_lines)
{
	cr_expect(search_starts_param("  filter.overallStatus = RECRUITING"));
	cr_expect(search_starts_param("query.term=x"));
	cr_expect_not(search_starts_param("OR stromal"));
	cr_expect_not(search_starts_param("query.termx=1"));
}

Test(search, since_a_day_ands_the_range_to_the_terms)
{
	char *q = search_since("query.intr=MSC", "2026-12-01");

	cr_expect_str_eq(q, "query.intr=MSC&query.term=AREA%5BLastUpdatePostDate"
	    "%5DRANGE%5B2026-12-01%2CMAX%5D");
	free(q);
	q = search_since("query.term=a%20OR%20b", "2026-12-01");
	cr_expect_str_eq(q, "query.term=%28a%20OR%20b%29%20AND%20AREA%5B"
	    "LastUpdatePostDate%5DRANGE%5B2026-12-01%2CMAX%5D");
	free(q);
	q = search_since("", "2026-12-01");
	cr_expect_str_eq(q, "query.term=AREA%5BLastUpdatePostDate%5DRANGE%5B"
	    "2026-12-01%2CMAX%5D");
	free(q);
}

Test(search, text_for_people)
{
	char *t = search_text("filter.overallStatus=RECRUITING&query.intr="
	    "mesenchymal%20stem%20cells");

	cr_expect_str_eq(t, "filter.overallStatus=RECRUITING & query.intr="
	    "mesenchymal stem cells");
	free(t);
	t = search_text("");
	cr_expect_str_eq(t, "every study");
	free(t);
}

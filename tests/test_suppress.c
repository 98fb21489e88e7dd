/*
 * test_suppress.c - disable comments: which lines and rules each form
 * silences (next line, off/on, with and without rules, unclosed, in
 * Markdown, HTML and text alike), and the verdicts dropped for them.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "suppress.h"

TestSuite(suppress, .timeout = 10);

static const char page[] =
    "# Trials\n"						/* 1 */
    "<!-- ctmirror-disable-next-line -->\n"			/* 2 */
    "HERA (NCT02982915): results pending.\n"			/* 3 */
    "CLEARMIND (NCT05233774): results pending.\n"		/* 4 */
    "<!-- ctmirror-disable-next-line claim-expired, registry-updated -->\n"
    "NCT04421456 is recruiting as of May 2026.\n"		/* 6 */
    "<!--\n  ctmirror off status-changed\n-->\n"		/* 7-9 */
    "NCT04421456 is recruiting.\n"				/* 10 */
    "NCT04421456 results pending.\n"			/* 11 */
    "<!-- ctmirror on -->\n"					/* 12 */
    "NCT04421456 is recruiting.\n"				/* 13 */
    "<!-- an ordinary comment: ctmirror off is not at its start -->\n"
    "<!-- ctmirror off -->\n"					/* 15 */
    "NCT02982915 results pending.\n";			/* 16 */

Test(suppress, lines_and_rules)
{
	static const struct {
		int line;
		const char *rule;
		bool hidden;
	} cases[] = {
		{1, "results-posted", false},
		{3, "results-posted", true},
		{3, "identity-mismatch", true},
		{4, "results-posted", false},
		{6, "claim-expired", true},
		{6, "registry-updated", true},
		{6, "status-changed", false},
		{6, "claim", false},
		{10, "status-changed", true},
		{11, "status-changed", true},
		{11, "results-posted", false},
		{12, "status-changed", true},
		{13, "status-changed", false},
		{14, "results-posted", false},
		{16, "results-posted", true},
		{1000, "unknown-trial", true},
	};
	struct suppress s = {0};

	cr_assert_eq(suppress_scan(page, strlen(page), &s), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(suppress_hides(&s, cases[i].line, cases[i].rule),
		    cases[i].hidden, "line %d %s", cases[i].line,
		    cases[i].rule);
	suppress_finish(&s);
}

Test(suppress, no_comment_no_range)
{
	struct suppress s = {0};
	const char *t = "NCT02982915 results pending. <!-- unclosed";

	cr_assert_eq(suppress_scan(t, strlen(t), &s), 0);
	cr_expect_eq(s.n, 0);
	cr_expect_not(suppress_hides(&s, 1, "results-posted"));
	suppress_finish(&s);
}

static struct verdict
verdict(const char *rule)
{
	struct verdict v = {0};

	v.rule = rule;
	v.severity = SEV_STALE;
	v.evidence = strdup(rule);
	return v;
}

/* Dropped verdicts go (freed), the rest move down with their owners. */
Test(suppress, apply_drops_in_order)
{
	struct claim c[3] = {0};
	struct claim_list cl = {c, 3, 3};
	struct verdict v[4];
	struct verdict_list vl = {v, 4, 4};
	size_t owner[4] = {0, 1, 1, 2};

	c[0].line = 3;		/* silenced, every rule */
	c[1].line = 6;		/* claim-expired silenced, status-changed not */
	c[2].line = 4;
	v[0] = verdict("results-posted");
	v[1] = verdict("claim-expired");
	v[2] = verdict("status-changed");
	v[3] = verdict("results-posted");
	cr_expect_eq(suppress_apply(page, strlen(page), &cl, &vl, owner), 2);
	cr_assert_eq(vl.n, 2);
	cr_expect_str_eq(vl.v[0].rule, "status-changed");
	cr_expect_eq(owner[0], 1);
	cr_expect_str_eq(vl.v[1].rule, "results-posted");
	cr_expect_eq(owner[1], 2);
	free(v[0].evidence);
	free(v[1].evidence);
	/* A page without comments is left alone. */
	cr_expect_eq(suppress_apply("no comment", 10, &cl, &vl, owner), 0);
	cr_expect_eq(vl.n, 2);
}

/*
 * test_plan.c - which tracked trials a cycle fetches (plan.c), on tables
 * of stored and registry dates: never stored, moved, unchanged, absent
 * from a probe or from a listing of changes, failed probes.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"

static struct plan_ask
ask(const char *id, const char *stored, bool probe)
{
	struct plan_ask a;

	memset(&a, 0, sizeof(a));
	a.probe = probe;
	snprintf(a.nct_id, sizeof(a.nct_id), "%.11s", id);
	snprintf(a.stored, sizeof(a.stored), "%.10s", stored);
	return a;
}

static struct trial_update
seen(const char *id, const char *date)
{
	struct trial_update e;

	memset(&e, 0, sizeof(e));
	snprintf(e.nct_id, sizeof(e.nct_id), "%.11s", id);
	snprintf(e.last_update, sizeof(e.last_update), "%.10s", date);
	return e;
}

/* The IDs of want[0..n) as one space-separated string. */
static const char *
ids_of(const struct plan_ask *a, const size_t *want, size_t n)
{
	static char buf[512];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		    i ? " " : "", a[want[i]].nct_id);
	return buf;
}

Test(plan, a_probe_fetches_what_moved_or_did_not_answer)
{
	struct plan_ask a[] = {
		ask("NCT00000001", "2026-01-01", true),	/* unchanged */
		ask("NCT00000002", "2026-01-01", true),	/* moved */
		ask("NCT00000003", "", true),		/* never stored */
		ask("NCT00000004", "2026-01-01", true),	/* absent: ask it alone */
		ask("NCT00000005", "2026-02-01", true),	/* older: moved too */
	};
	struct trial_update s[] = {
		seen("NCT00000001", "2026-01-01"),
		seen("NCT00000002", "2026-03-04"),
		seen("NCT00000005", "2026-01-15"),
		seen("NCT00000009", "2026-01-15"),	/* not asked */
	};
	size_t want[5], same = 99;
	size_t n = plan_moved(a, 5, s, 4, want, &same);

	cr_expect_str_eq(ids_of(a, want, n),
	    "NCT00000003 NCT00000002 NCT00000004 NCT00000005");
	cr_expect_eq(same, 1);
}

Test(plan, a_listing_of_changes_leaves_the_absent_alone)
{
	struct plan_ask a[] = {
		ask("NCT00000001", "2026-01-01", false),	/* not listed */
		ask("NCT00000002", "2026-01-01", false),	/* listed, moved */
		ask("NCT00000003", "", false),			/* never stored */
		ask("NCT00000004", "2026-12-02", false),	/* same date */
		ask("NCT00000005", "2026-01-01", true),		/* tracked anew */
	};
	struct trial_update s[] = {
		seen("NCT00000002", "2026-12-02"),
		seen("NCT00000004", "2026-12-02"),
	};
	size_t want[5], same;
	size_t n = plan_moved(a, 5, s, 2, want, &same);

	/* A trial tracked since the last good cycle is asked by its ID. */
	cr_expect_str_eq(ids_of(a, want, n),
	    "NCT00000003 NCT00000002 NCT00000005");
	cr_expect_eq(same, 2);
}

Test(plan, a_failed_probe_is_neither_fetched_nor_unchanged)
{
	struct plan_ask a[] = {
		ask("NCT00000001", "2026-01-01", true),
		ask("NCT00000002", "", true),
	};
	size_t want[2], same;
	size_t n;

	a[0].failed = true;
	a[1].failed = true;	/* never stored: fetched all the same */
	n = plan_moved(a, 2, NULL, 0, want, &same);
	cr_expect_str_eq(ids_of(a, want, n), "NCT00000002");
	cr_expect_eq(same, 0);
}

Test(plan, nothing_asked_nothing_fetched)
{
	size_t want[1], same = 7;

	cr_expect_eq(plan_moved(NULL, 0, NULL, 0, want, &same), 0);
	cr_expect_eq(same, 0);
	cr_expect_eq(plan_moved(NULL, 0, NULL, 0, want, NULL), 0);
}

/* The walk keeps its place: many asks, every other one listed. */
Test(plan, a_long_walk_matches_every_pair)
{
	enum { N = 2000 };
	static struct plan_ask a[N];
	static struct trial_update s[N / 2];
	static size_t want[N];
	size_t same, n;

	for (int i = 0; i < N; i++) {
		char id[16];

		snprintf(id, sizeof(id), "NCT%08d", i + 1);
		a[i] = ask(id, "2026-01-01", false);
		if (i % 2 == 0)
			s[i / 2] = seen(id, i % 4 == 0 ? "2026-01-01" :
			    "2026-06-01");
	}
	n = plan_moved(a, N, s, N / 2, want, &same);
	cr_expect_eq(n, N / 4);
	cr_expect_eq(same, N / 2 + N / 4);	/* the unlisted too */
	for (size_t i = 0; i < n; i++)
		cr_expect_eq(want[i] % 4, 2);
	for (int i = 0; i < N; i++)
		a[i].probe = true;
	n = plan_moved(a, N, s, N / 2, want, &same);
	cr_expect_eq(n, N / 4 + N / 2);
}

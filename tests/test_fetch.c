/*
 * test_fetch.c - the HTTP client against the fake registry: bodies and
 * statuses, the concurrency bound, the rate limit, retries and Retry-After,
 * every transport fault, the size cap, cancel and free mid-transfer, stats.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "fakereg.h"
#include "fetch.h"
#include "harness.h"

static char *regdir;
static struct fakereg *reg;
static struct event_base *base;

static void
setup(void)
{
	regdir = harness_fmt("%s/registry/default", harness_data());
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg, "fake registry");
	base = event_base_new();
	cr_assert_not_null(base);
}

static void
teardown(void)
{
	event_base_free(base);
	fakereg_stop(reg);
	free(regdir);
}

TestSuite(fetch, .init = setup, .fini = teardown, .timeout = 30);

/* ------------------------------------------------------------ helpers */

/* What one callback saw, copied out of the borrowed response. */
struct got {
	int calls;
	long status;
	char *url;
	char *body;
	size_t len;
	char *ctype;
	char *location;
	char *error;
	enum fetch_failure failure;
	unsigned attempts;
	double at;		/* seconds since the test's t0 */
};

static double t0;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void
on_done(void *arg, const struct fetch_response *resp)
{
	struct got *g = arg;

	g->calls++;
	g->status = resp->status;
	g->url = dup_or_null(resp->url);
	g->body = dup_or_null(resp->body);
	g->len = resp->len;
	g->ctype = dup_or_null(resp->content_type);
	g->location = dup_or_null(resp->location);
	g->error = dup_or_null(resp->error);
	g->failure = resp->failure;
	g->attempts = resp->attempts;
	g->at = now() - t0;
}

static void
got_free(struct got *g)
{
	free(g->url);
	free(g->body);
	free(g->ctype);
	free(g->location);
	free(g->error);
	memset(g, 0, sizeof(*g));
}

static struct fetch_opts
opts(void)
{
	struct fetch_opts o;

	memset(&o, 0, sizeof(o));
	o.concurrency = 4;
	o.timeout = 10;
	o.connect_timeout = 5;
	o.retries = 0;
	o.backoff_base = 0.05;
	o.backoff_max = 0.2;
	o.max_body = 1 << 20;
	o.tls_verify = true;
	return o;
}

static char *
url(const char *path)
{
	return harness_fmt("%s%s", fakereg_url(reg), path);
}

/* One GET of `path` with `o`; the outcome in g, fetch_run's result back. */
static int
get_one(const struct fetch_opts *o, const char *path, struct got *g,
    struct fetch_stats *st)
{
	struct fetch *f = fetch_new(base, o);
	char *u = url(path);
	int rc;

	cr_assert_not_null(f);
	t0 = now();
	cr_assert_eq(fetch_get(f, u, on_done, g), 0);
	rc = fetch_run(f);
	if (st != NULL)
		*st = *fetch_stats(f);
	fetch_free(f);
	free(u);
	return rc;
}

/* gzip of {"pad":"xxx...x"}: 200000 bytes once inflated. */
static const unsigned char bomb[] = {
	0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xed, 0xc1,
	0x41, 0x0d, 0x00, 0x20, 0x0c, 0x04, 0x30, 0x2f, 0x27, 0x63, 0x6e, 0x48,
	0x10, 0xc0, 0x93, 0x84, 0xcc, 0xfb, 0x2c, 0x20, 0xa0, 0xed, 0xcb, 0x59,
	0x3b, 0x95, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x7c, 0x4a, 0x0f, 0xa8, 0xda, 0x43, 0x19, 0x40,
	0x0d, 0x03, 0x00,
};

/* -------------------------------------------------------------- tests */

Test(fetch, get_ok_with_body)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.calls, 1);
	cr_expect_eq(g.status, 200, "%ld %s", g.status, g.body);
	cr_expect_null(g.error);
	cr_expect_eq(g.attempts, 1);
	cr_assert_not_null(g.body);
	cr_expect_not_null(strstr(g.body, "\"NCT02982915\""));
	cr_expect_eq(strlen(g.body), g.len);
	cr_assert_not_null(g.ctype);
	cr_expect_eq(strncmp(g.ctype, "application/json", 16), 0, "%s",
	    g.ctype);
	cr_expect_null(g.location);
	cr_expect_not_null(strstr(g.url, "/studies/NCT02982915"));
	cr_expect_eq(st.requests, 1);
	cr_expect_eq(st.responses_2xx, 1);
	cr_expect_eq(st.retries, 0);
	cr_expect_eq(st.transport_errors, 0);
	cr_expect_eq(st.bytes, g.len);
	got_free(&g);
}

Test(fetch, not_found_is_a_response_not_an_error)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 3;
	cr_assert_eq(get_one(&o, "/studies/NCT09999999", &g, &st), 0);
	cr_expect_eq(g.status, 404);
	cr_expect_null(g.error);
	cr_expect_eq(g.attempts, 1, "4xx is not retried");
	cr_expect_eq(st.responses_4xx, 1);
	cr_expect_eq(st.responses_429, 0);
	got_free(&g);
}

Test(fetch, redirect_is_not_followed)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	cr_assert_eq(fakereg_set_alias(reg, "NCT01111111", "NCT02982915"), 0);
	cr_assert_eq(get_one(&o, "/studies/NCT01111111", &g, &st), 0);
	cr_expect_eq(g.status, 301);
	cr_assert_not_null(g.location);
	cr_expect_not_null(strstr(g.location, "/studies/NCT02982915"), "%s",
	    g.location);
	cr_expect_eq(st.responses_3xx, 1);
	cr_expect_eq(fakereg_count(reg, "NCT02982915"), 0);
	got_free(&g);
}

Test(fetch, post_sends_the_body)
{
	struct fetch_opts o = opts();
	struct fetch *f = fetch_new(base, &o);
	char *u = url("/studies");
	struct got g = {0};
	char *log;

	cr_assert_not_null(f);
	cr_assert_eq(fetch_post(f, u, "application/json", "{\"a\":1}", 7,
	    on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	cr_expect_eq(g.calls, 1);
	cr_expect_gt(g.status, 0);
	log = fakereg_log(reg);
	cr_expect_not_null(strstr(log, "POST /api/v2/studies"), "%s", log);
	free(log);
	fetch_free(f);
	free(u);
	got_free(&g);
}

Test(fetch, concurrency_bound)
{
	static const struct {
		unsigned conc, n;
	} cases[] = {{1, 3}, {2, 6}, {6, 6}};
	struct fakereg_fault fl = {0};

	fl.kind = FAULT_DELAY;
	fl.delay_ms = 400;
	cr_assert_eq(fakereg_add_fault(reg, &fl), 0);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fetch_opts o = opts();
		struct got g[6] = {{0}};
		struct fetch *f;
		char *u = url("/studies/NCT02982915");
		unsigned rounds = (cases[k].n + cases[k].conc - 1) /
		    cases[k].conc;
		double took;

		o.concurrency = cases[k].conc;
		f = fetch_new(base, &o);
		cr_assert_not_null(f);
		t0 = now();
		for (unsigned i = 0; i < cases[k].n; i++)
			cr_assert_eq(fetch_get(f, u, on_done, &g[i]), 0);
		cr_expect_eq(fetch_run(f), 0);
		took = now() - t0;
		cr_expect_geq(took, rounds * 0.4 - 0.05,
		    "conc %u: %.2f s", cases[k].conc, took);
		cr_expect_lt(took, rounds * 0.4 + 0.6,
		    "conc %u: %.2f s", cases[k].conc, took);
		for (unsigned i = 0; i < cases[k].n; i++) {
			cr_expect_eq(g[i].status, 200);
			got_free(&g[i]);
		}
		cr_expect_eq(fetch_stats(f)->requests, cases[k].n);
		fetch_free(f);
		free(u);
	}
}

Test(fetch, rate_limit)
{
	struct fetch_opts o = opts();
	struct got g[5] = {{0}};
	struct fetch *f;
	char *u = url("/studies/NCT02982915");
	double took;

	o.rate_per_min = 120;	/* one every 0.5 s */
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	t0 = now();
	for (size_t i = 0; i < 5; i++)
		cr_assert_eq(fetch_get(f, u, on_done, &g[i]), 0);
	cr_expect_eq(fetch_run(f), 0);
	took = now() - t0;
	cr_expect_geq(took, 1.9, "%.2f s", took);
	cr_expect_lt(took, 3.5, "%.2f s", took);
	/* Started in order, half a second apart, no burst. */
	for (size_t i = 1; i < 5; i++)
		cr_expect_geq(g[i].at - g[0].at, 0.45 * (double)i,
		    "request %zu at %.2f", i, g[i].at);
	cr_expect_geq(fetch_stats(f)->rate_waits, 1);
	cr_expect_eq(fetch_stats(f)->requests, 5);
	for (size_t i = 0; i < 5; i++)
		got_free(&g[i]);
	fetch_free(f);
	free(u);
}

Test(fetch, retry_500_then_success)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 2;
	harness_fault(reg, FAULT_STATUS, "NCT02982915", 500, 1);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 200);
	cr_expect_eq(g.attempts, 2);
	cr_expect_not_null(strstr(g.body, "NCT02982915"));
	cr_expect_eq(st.requests, 2);
	cr_expect_eq(st.retries, 1);
	cr_expect_eq(st.responses_5xx, 1);
	cr_expect_eq(st.responses_2xx, 1);
	cr_expect_eq(fakereg_count(reg, "NCT02982915"), 2);
	got_free(&g);
}

Test(fetch, retry_after_is_honoured)
{
	struct fetch_opts o = opts();
	struct fakereg_fault fl = {0};
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 2;
	o.backoff_max = 5;	/* a wait it is willing to make */
	fl.kind = FAULT_RETRY_AFTER;
	fl.status = 429;
	fl.retry_after = 1;
	fl.count = 1;
	cr_assert_eq(fakereg_add_fault(reg, &fl), 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 200);
	cr_expect_eq(g.attempts, 2);
	cr_expect_geq(g.at, 0.98, "retried after %.2f s", g.at);
	cr_expect_lt(g.at, 3.0, "retried after %.2f s", g.at);
	cr_expect_eq(st.responses_429, 1);
	cr_expect_eq(st.responses_4xx, 1);
	cr_expect_eq(st.retries, 1);
	got_free(&g);
}

/* Asked to wait longer than backoff_max: give up now, do not block. */
Test(fetch, retry_after_beyond_the_cap_is_not_waited_for)
{
	struct fetch_opts o = opts();
	struct fakereg_fault fl = {0};
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 3;
	o.backoff_max = 1;
	fl.kind = FAULT_RETRY_AFTER;
	fl.status = 503;
	fl.retry_after = 3600;
	cr_assert_eq(fakereg_add_fault(reg, &fl), 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 503);
	cr_expect_eq(g.attempts, 1);
	cr_expect_lt(g.at, 1.0);
	cr_expect_eq(st.retries, 0);
	got_free(&g);
}

Test(fetch, retries_exhausted_give_the_last_status)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 2;
	harness_fault(reg, FAULT_STATUS, "NCT02982915", 502, 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 502);
	cr_expect_null(g.error);
	cr_expect_eq(g.attempts, 3);
	cr_expect_not_null(strstr(g.body, "502"), "%s", g.body);
	cr_expect_eq(st.requests, 3);
	cr_expect_eq(st.retries, 2);
	cr_expect_eq(st.responses_5xx, 3);
	cr_expect_eq(fakereg_count(reg, "NCT02982915"), 3);
	/* Two waits, each at most backoff_max (0.2 s). */
	cr_expect_lt(g.at, 1.0, "%.2f s", g.at);
	got_free(&g);
}

/*
 * A registry that throttles for a span of seconds, with no Retry-After:
 * the client keeps trying with growing waits until it clears, whatever
 * `retries` says.  A 7-second retry window was too short for one client
 * of the real registry (tests/registry/CONFORMANCE.md); here the span is
 * 1.5 s against waits of 0.05 s doubling to 0.4 s, and `retries` = 1 would
 * have given up after one wait.
 */
Test(fetch, throttling_is_waited_out_for_a_span)
{
	struct fetch_opts o = opts();
	struct fakereg_fault fl = {0};
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 1;
	o.backoff_max = 0.4;
	fl.kind = FAULT_STATUS;
	fl.status = 429;
	fl.span_ms = 1500;
	cr_assert_eq(fakereg_add_fault(reg, &fl), 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 200, "gave up after %u attempts, %.2f s",
	    g.attempts, g.at);
	cr_expect_geq(g.at, 1.4, "%.2f s", g.at);
	cr_expect_geq(g.attempts, 5);
	cr_expect_eq(st.responses_429, g.attempts - 1);
	got_free(&g);
}

/* 503 is throttling too; the window ends it, with the last status. */
Test(fetch, throttle_window_ends)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 0;
	o.backoff_max = 0.2;
	o.throttle_window = 0.8;
	harness_fault(reg, FAULT_STATUS, "NCT02982915", 503, 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 503);
	cr_expect_null(g.error);
	cr_expect_geq(g.at, 0.75, "%.2f s", g.at);
	cr_expect_lt(g.at, 1.6, "%.2f s", g.at);
	cr_expect_geq(g.attempts, 4);
	cr_expect_eq(st.retries, g.attempts - 1);
	got_free(&g);
}

/*
 * The waits: base, 2 base, 4 base ... capped, each within 20 %, so the
 * attempts of two throttled requests spread out but keep their pace.
 */
Test(fetch, throttle_waits_double_within_bounds)
{
	struct fetch_opts o = opts();
	struct got g = {0};
	char *log;

	o.backoff_base = 0.1;
	o.backoff_max = 0.4;
	/*
	 * 0.1 + 0.2 + 0.4, each within 20 %, is at least 0.56 s: past a
	 * 0.55 s window the third wait is always cut short, so a fourth
	 * attempt is the last.  (At 0.65 s, three short waits, 17 % of runs,
	 * left room for a fifth.)
	 */
	o.throttle_window = 0.55;
	harness_fault(reg, FAULT_STATUS, "NCT02982915", 429, 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, NULL), 0);
	cr_expect_eq(g.attempts, 4, "%u attempts in %.2f s", g.attempts,
	    g.at);
	cr_expect_geq(g.at, 0.5, "%.2f s", g.at);
	cr_expect_lt(g.at, 0.55 + 0.3, "%.2f s", g.at);
	log = fakereg_log(reg);
	cr_expect_eq(fakereg_count(reg, "NCT02982915"), 4, "%s", log);
	free(log);
	got_free(&g);
}

/* Transport faults with no retries: status 0 and a reason. */
Test(fetch, transport_faults)
{
	static const struct {
		enum fakereg_fault_kind kind;
		const char *name;
	} cases[] = {
		{FAULT_TRUNCATE, "truncate"},
		{FAULT_BAD_GZIP, "bad_gzip"},
		{FAULT_CLOSE, "close"},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct fetch_opts o = opts();
		struct fetch_stats st;
		struct got g = {0};

		fakereg_clear_faults(reg);
		harness_fault(reg, cases[k].kind, NULL, 0, 0);
		cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
		cr_expect_eq(g.calls, 1, "%s", cases[k].name);
		cr_expect_eq(g.status, 0, "%s: status %ld", cases[k].name,
		    g.status);
		cr_expect_not_null(g.error, "%s", cases[k].name);
		cr_expect_eq(g.failure, FETCH_BROKEN, "%s", cases[k].name);
		cr_expect_eq(st.transport_errors, 1, "%s", cases[k].name);
		cr_expect_eq(g.attempts, 1, "%s", cases[k].name);
		got_free(&g);
	}
}

Test(fetch, transport_errors_are_retried)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.retries = 2;
	harness_fault(reg, FAULT_CLOSE, NULL, 0, 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 0);
	cr_expect_not_null(g.error);
	cr_expect_eq(g.attempts, 3);
	cr_expect_eq(st.retries, 2);
	cr_expect_geq(st.transport_errors, 3);
	got_free(&g);

	/* Truncated once, then whole: the retry fixes it. */
	fakereg_clear_faults(reg);
	harness_fault(reg, FAULT_TRUNCATE, NULL, 0, 1);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 200);
	cr_expect_null(g.error);
	cr_expect_eq(g.attempts, 2);
	got_free(&g);
}

Test(fetch, connection_refused)
{
	struct fetch_opts o = opts();
	struct fakereg *gone = fakereg_start(regdir, 0);
	struct fetch *f;
	struct got g = {0};
	char *u;

	cr_assert_not_null(gone);
	u = harness_fmt("%s/studies/NCT02982915", fakereg_url(gone));
	fakereg_stop(gone);
	o.retries = 1;
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	cr_expect_eq(g.status, 0);
	cr_expect_not_null(g.error);
	cr_expect_eq(g.failure, FETCH_UNREACHABLE);
	cr_expect_eq(g.attempts, 2);
	cr_expect_eq(fetch_stats(f)->transport_errors, 2);
	fetch_free(f);
	free(u);
	got_free(&g);
}

Test(fetch, oversized_body_is_refused_and_not_retried)
{
	struct fetch_opts o = opts();
	struct fakereg_fault fl = {0};
	struct fetch_stats st;
	struct got g = {0};
	char cap[32];

	o.retries = 2;
	o.max_body = 100000;
	fl.kind = FAULT_OVERSIZED;
	fl.size = 400000;
	cr_assert_eq(fakereg_add_fault(reg, &fl), 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 0);
	cr_assert_not_null(g.error);
	cr_expect_null(strstr(g.error, "/studies/NCT02982915"), "%s",
	    g.error);
	cr_expect_eq(g.failure, FETCH_TOO_BIG);
	snprintf(cap, sizeof(cap), "%zu", o.max_body);
	cr_expect_not_null(strstr(g.error, cap), "%s", g.error);
	cr_expect_eq(g.attempts, 1);
	cr_expect_eq(st.retries, 0);
	cr_expect_leq(st.bytes, o.max_body);
	got_free(&g);

	/* Under the cap it is an ordinary answer. */
	o.max_body = 1 << 20;
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 200);
	cr_expect_eq(g.len, 400000);
	got_free(&g);
}

Test(fetch, stall_times_out)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.timeout = 2;
	harness_fault(reg, FAULT_STALL, NULL, 0, 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 0);
	cr_expect_not_null(g.error);
	cr_expect_geq(g.at, 1.9, "%.2f s", g.at);
	cr_expect_lt(g.at, 5.0, "%.2f s", g.at);
	cr_expect_eq(g.failure, FETCH_TIMEOUT);
	cr_expect_eq(st.transport_errors, 1);
	got_free(&g);
}

Test(fetch, low_speed_time_aborts_a_silent_transfer)
{
	struct fetch_opts o = opts();
	struct fetch_stats st;
	struct got g = {0};

	o.timeout = 20;
	o.low_speed_time = 1;
	harness_fault(reg, FAULT_STALL, NULL, 0, 0);
	cr_assert_eq(get_one(&o, "/studies/NCT02982915", &g, &st), 0);
	cr_expect_eq(g.status, 0);
	cr_expect_not_null(g.error);
	cr_expect_lt(g.at, 5.0, "%.2f s", g.at);
	got_free(&g);
}

static void
on_cancel_timer(evutil_socket_t fd, short what, void *arg)
{
	fetch_cancel(arg);
}

Test(fetch, cancel_mid_flight)
{
	struct fetch_opts o = opts();
	struct got g[4] = {{0}};
	struct fetch *f;
	struct event *ev;
	struct timeval tv = {0, 300000};
	char *u = url("/studies/NCT02982915");

	/* Two stalled in flight, two queued behind them. */
	o.concurrency = 2;
	harness_fault(reg, FAULT_STALL, NULL, 0, 0);
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	ev = evtimer_new(base, on_cancel_timer, f);
	evtimer_add(ev, &tv);
	t0 = now();
	for (size_t i = 0; i < 4; i++)
		cr_assert_eq(fetch_get(f, u, on_done, &g[i]), 0);
	cr_expect_eq(fetch_run(f), -1);
	cr_expect(fetch_cancelled(f));
	for (size_t i = 0; i < 4; i++) {
		cr_expect_eq(g[i].calls, 1, "request %zu", i);
		cr_expect_eq(g[i].status, 0);
		cr_expect_str_eq(g[i].error ? g[i].error : "", "cancelled");
		cr_expect_lt(g[i].at, 2.0);
		got_free(&g[i]);
	}
	cr_expect_eq(fetch_stats(f)->requests, 2);
	/* Nothing new starts once cancelled. */
	cr_expect_eq(fetch_get(f, u, on_done, &g[0]), -1);
	cr_expect_eq(fetch_run(f), -1);
	cr_expect_eq(g[0].calls, 0);
	event_free(ev);
	fetch_free(f);
	free(u);
}

Test(fetch, cancel_during_backoff)
{
	struct fetch_opts o = opts();
	struct got g = {0};
	struct fetch *f;
	struct event *ev;
	struct timeval tv = {0, 300000};
	char *u = url("/studies/NCT02982915");

	o.retries = 3;
	o.backoff_base = 5;
	o.backoff_max = 10;
	harness_fault(reg, FAULT_STATUS, NULL, 503, 0);
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	ev = evtimer_new(base, on_cancel_timer, f);
	evtimer_add(ev, &tv);
	t0 = now();
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), -1);
	cr_expect_eq(g.calls, 1);
	cr_expect_eq(g.status, 0);
	cr_expect_str_eq(g.error ? g.error : "", "cancelled");
	cr_expect_lt(g.at, 2.0);
	got_free(&g);
	event_free(ev);
	fetch_free(f);
	free(u);
}

/* A callback that cancels: the others still get exactly one callback. */
static struct fetch *cancel_from;

static void
on_done_cancel(void *arg, const struct fetch_response *resp)
{
	on_done(arg, resp);
	fetch_cancel(cancel_from);
}

Test(fetch, cancel_from_a_callback)
{
	struct fetch_opts o = opts();
	struct got g[3] = {{0}};
	char *ok = url("/studies/NCT02982915");
	char *slow = url("/studies/NCT05233774");

	harness_fault(reg, FAULT_STALL, "NCT05233774", 0, 0);
	cancel_from = fetch_new(base, &o);
	cr_assert_not_null(cancel_from);
	cr_assert_eq(fetch_get(cancel_from, slow, on_done, &g[0]), 0);
	cr_assert_eq(fetch_get(cancel_from, ok, on_done_cancel, &g[1]), 0);
	cr_assert_eq(fetch_get(cancel_from, slow, on_done, &g[2]), 0);
	cr_expect_eq(fetch_run(cancel_from), -1);
	cr_expect_eq(g[1].status, 200);
	for (size_t i = 0; i < 3; i += 2) {
		cr_expect_eq(g[i].calls, 1);
		cr_expect_str_eq(g[i].error ? g[i].error : "", "cancelled");
	}
	for (size_t i = 0; i < 3; i++)
		got_free(&g[i]);
	fetch_free(cancel_from);
	free(ok);
	free(slow);
}

Test(fetch, free_mid_transfer_calls_nothing_back)
{
	struct fetch_opts o = opts();
	struct got g[3] = {{0}};
	struct fetch *f;
	struct timeval tv = {0, 300000};
	char *u = url("/studies/NCT02982915");

	o.concurrency = 2;
	harness_fault(reg, FAULT_STALL, NULL, 0, 0);
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(fetch_get(f, u, on_done, &g[i]), 0);
	event_base_loopexit(base, &tv);
	event_base_dispatch(base);
	cr_expect_eq(fakereg_count(reg, "NCT02982915"), 2);
	fetch_free(f);
	for (size_t i = 0; i < 3; i++)
		cr_expect_eq(g[i].calls, 0);
	free(u);
}

/* Callbacks may queue more; fetch_run waits for those too. */
struct chain {
	struct fetch *f;
	char *url;
	int left;
	int calls;
};

static void
on_chain(void *arg, const struct fetch_response *resp)
{
	struct chain *c = arg;

	c->calls++;
	cr_expect_eq(resp->status, 200);
	if (--c->left > 0)
		cr_expect_eq(fetch_get(c->f, c->url, on_chain, c), 0);
}

Test(fetch, callbacks_queue_more)
{
	struct fetch_opts o = opts();
	struct chain c = {0};

	c.f = fetch_new(base, &o);
	c.url = url("/studies/NCT04421456");
	c.left = 4;
	cr_assert_not_null(c.f);
	cr_assert_eq(fetch_get(c.f, c.url, on_chain, &c), 0);
	cr_expect_eq(fetch_run(c.f), 0);
	cr_expect_eq(c.calls, 4);
	cr_expect_eq(fetch_stats(c.f)->requests, 4);
	fetch_free(c.f);
	free(c.url);
}

Test(fetch, stats_add_up)
{
	struct fetch_opts o = opts();
	struct fetch *f;
	struct got g[4] = {{0}};
	const char *paths[] = {"/studies/NCT02982915", "/studies/NCT09999999",
	    "/studies/NCT05233774", "/studies/NCT04421456"};
	const struct fetch_stats *st;
	unsigned long long bytes = 0;

	o.retries = 1;
	harness_fault(reg, FAULT_STATUS, "NCT05233774", 502, 1);
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	for (size_t i = 0; i < 4; i++) {
		char *u = url(paths[i]);

		cr_assert_eq(fetch_get(f, u, on_done, &g[i]), 0);
		free(u);
	}
	cr_expect_eq(fetch_run(f), 0);
	st = fetch_stats(f);
	cr_expect_eq(st->requests, 5);
	cr_expect_eq(st->responses_2xx, 3);
	cr_expect_eq(st->responses_4xx, 1);
	cr_expect_eq(st->responses_5xx, 1);
	cr_expect_eq(st->retries, 1);
	cr_expect_eq(st->transport_errors, 0);
	for (size_t i = 0; i < 4; i++) {
		bytes += g[i].len;
		got_free(&g[i]);
	}
	/* The 502's text body counts too. */
	cr_expect_gt(st->bytes, bytes);
	fetch_free(f);
}

/* The cap counts inflated bytes: a small gzip body does not slip past it. */
Test(fetch, cap_counts_decompressed_bytes)
{
	static const struct harness_reply gz = {
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
		    "Content-Encoding: gzip", bomb, sizeof(bomb),
	};
	const struct harness_reply replies[] = {gz, gz};
	struct harness_http c;
	struct fetch_opts o = opts();
	struct fetch *f;
	struct got g = {0};
	char *u;

	harness_http_start(&c, replies, 2);
	u = harness_http_url(&c, "/bomb");
	o.retries = 2;
	o.max_body = 100000;
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	cr_expect_eq(g.status, 0);
	cr_assert_not_null(g.error);
	/* No URL in the text: it could carry credentials. */
	cr_expect_null(strstr(g.error, "/bomb"), "%s", g.error);
	cr_expect_not_null(strstr(g.error, "100000"), "%s", g.error);
	cr_expect_not_null(strstr(g.error, "max_body"), "%s", g.error);
	cr_expect_eq(g.attempts, 1);
	fetch_free(f);
	got_free(&g);

	o.max_body = 1 << 20;
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	cr_expect_eq(g.status, 200);
	cr_expect_eq(g.len, 200000);
	cr_expect_eq(fetch_stats(f)->bytes, 200000);
	fetch_free(f);
	got_free(&g);
	harness_http_stop(&c);
	free(u);
}

Test(fetch, request_headers)
{
	static const struct harness_reply ok = {
		"HTTP/1.1 200 OK\r\nContent-Type: text/plain", "ok", 0,
	};
	struct harness_http c;
	struct fetch_opts o = opts();
	struct fetch *f;
	struct got g = {0};
	char *u, *want;

	harness_http_start(&c, &ok, 1);
	u = harness_http_url(&c, "/x");
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	harness_http_stop(&c);
	cr_expect_eq(g.status, 200);
	cr_expect_str_eq(g.body, "ok");
	cr_expect_str_eq(g.ctype, "text/plain");
	want = harness_fmt("\r\nUser-Agent: ctmirror/%s\r\n", CTMIRROR_VERSION);
	cr_expect_not_null(strstr(c.head[0], want), "%s", c.head[0]);
	cr_expect_not_null(strstr(c.head[0], "\r\nAccept-Encoding: "), "%s",
	    c.head[0]);
	fetch_free(f);
	got_free(&g);
	free(want);

	/* A User-Agent of the caller's. */
	harness_http_start(&c, &ok, 1);
	free(u);
	u = harness_http_url(&c, "/x");
	o.user_agent = "probe/9";
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	harness_http_stop(&c);
	cr_expect_not_null(strstr(c.head[0], "\r\nUser-Agent: probe/9\r\n"),
	    "%s", c.head[0]);
	fetch_free(f);
	got_free(&g);
	free(u);

	/* The installation's contact, so the registry can write first. */
	harness_http_start(&c, &ok, 1);
	u = harness_http_url(&c, "/x");
	o.user_agent = NULL;
	o.contact = "mailto:kb-ops@example.org";
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	harness_http_stop(&c);
	want = harness_fmt("\r\nUser-Agent: ctmirror/%s "
	    "(+mailto:kb-ops@example.org)\r\n", CTMIRROR_VERSION);
	cr_expect_not_null(strstr(c.head[0], want), "%s", c.head[0]);
	fetch_free(f);
	got_free(&g);
	free(want);
	free(u);
}

Test(fetch, retry_after_as_an_http_date)
{
	char h503[256];
	const struct harness_reply replies[] = {
		{h503, "ok", 0},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/plain", "ok", 0},
	};
	struct harness_http c;
	struct fetch_opts o = opts();
	struct fetch *f;
	struct got g = {0};
	time_t when = time(NULL) + 2;
	struct tm tm;
	char date[64];
	char *u;

	gmtime_r(&when, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	snprintf(h503, sizeof(h503), "HTTP/1.1 503 Service Unavailable\r\n"
	    "Content-Type: text/plain\r\nRetry-After: %s", date);
	harness_http_start(&c, replies, 2);
	u = harness_http_url(&c, "/x");
	o.retries = 1;
	o.backoff_max = 5;
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	t0 = now();
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	harness_http_stop(&c);
	cr_expect_eq(g.status, 200);
	cr_expect_eq(g.attempts, 2);
	/* The date has whole seconds: at least one of the two is left. */
	cr_expect_geq(g.at, 0.9, "retried after %.2f s", g.at);
	cr_expect_lt(g.at, 3.5, "retried after %.2f s", g.at);
	fetch_free(f);
	got_free(&g);
	free(u);
}

/* A Retry-After that is neither seconds nor a date: ordinary backoff. */
Test(fetch, retry_after_unparsable_is_ignored)
{
	static const struct harness_reply replies[] = {
		{"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain"
		    "\r\nRetry-After: soon", "ok", 0},
		{"HTTP/1.1 200 OK\r\nContent-Type: text/plain", "ok", 0},
	};
	struct harness_http c;
	struct fetch_opts o = opts();
	struct fetch *f;
	struct got g = {0};
	char *u;

	harness_http_start(&c, replies, 2);
	u = harness_http_url(&c, "/x");
	o.retries = 1;
	f = fetch_new(base, &o);
	cr_assert_not_null(f);
	t0 = now();
	cr_assert_eq(fetch_get(f, u, on_done, &g), 0);
	cr_expect_eq(fetch_run(f), 0);
	harness_http_stop(&c);
	cr_expect_eq(g.status, 200);
	cr_expect_eq(g.attempts, 2);
	cr_expect_lt(g.at, 1.0, "retried after %.2f s", g.at);
	fetch_free(f);
	got_free(&g);
	free(u);
}

/*
 * test_registry.c - the API v2 client against the fake registry: probe
 * batches and pages, full-record batches, not found, aliases, wrong
 * records, 400 isolation, HTML and broken JSON, cancel and stop.
 */
#include <criterion/criterion.h>
#include <event2/event.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakereg.h"
#include "fetch.h"
#include "harness.h"
#include "registry.h"

static char *regdir;
static struct fakereg *reg;
static struct event_base *base;
static struct fetch *fetch;

static char *default_ids[] = {"NCT02982915", "NCT05233774", "NCT04421456"};

static void
setup(void)
{
	regdir = harness_default_records();
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg, "fake registry");
	base = event_base_new();
	cr_assert_not_null(base);
}

static void
teardown(void)
{
	fetch_free(fetch);
	fetch = NULL;
	event_base_free(base);
	fakereg_stop(reg);
	harness_rmtree(regdir);
	free(regdir);
}

TestSuite(registry, .init = setup, .fini = teardown, .timeout = 30);

/* ------------------------------------------------------------ helpers */

static struct registry *
new_registry(const char *url, unsigned probe_batch, unsigned fetch_batch,
    unsigned retries)
{
	struct fetch_opts fo;
	struct registry_opts ro;
	struct registry *r;

	memset(&fo, 0, sizeof(fo));
	fo.concurrency = 4;
	fo.timeout = 10;
	fo.connect_timeout = 5;
	fo.retries = retries;
	fo.backoff_base = 0.05;
	fo.backoff_max = 0.2;
	fo.throttle_window = 0.3;
	fo.max_body = 1 << 20;
	fo.tls_verify = true;
	fetch_free(fetch);
	fetch = fetch_new(base, &fo);
	cr_assert_not_null(fetch);
	memset(&ro, 0, sizeof(ro));
	ro.base_url = url ? url : fakereg_url(reg);
	ro.probe_batch = probe_batch;
	ro.fetch_batch = fetch_batch;
	r = registry_new(fetch, &ro);
	cr_assert_not_null(r);
	return r;
}


/* Write a copy of NCT02982915's record under another ID and date. */
static void
clone_record(const char *id, const char *date)
{
	char *from = harness_fmt("%s/registry/default/NCT02982915.json",
	    harness_data());
	char *to = harness_fmt("%s/%s.json", regdir, id);
	json_error_t jerr;
	json_t *doc = json_load_file(from, 0, &jerr), *ps;

	cr_assert_not_null(doc, "%s", jerr.text);
	ps = json_object_get(doc, "protocolSection");
	json_object_set_new(json_object_get(ps, "identificationModule"),
	    "nctId", json_string(id));
	json_object_set_new(json_object_get(json_object_get(ps,
	    "statusModule"), "lastUpdatePostDateStruct"), "date",
	    json_string(date));
	cr_assert_eq(json_dump_file(doc, to, 0), 0);
	json_decref(doc);
	free(from);
	free(to);
}

/* What the batch callback saw, copied out of the borrowed items. */
struct seen_item {
	char nct_id[NCT_ID_SIZE];
	char current_id[NCT_ID_SIZE];
	enum registry_outcome outcome;
	char study_id[NCT_ID_SIZE];	/* nctId inside the study, if any */
	char *error;
	char *answer;
	long http_status;
	bool twins;
	char last_update[DATE_SIZE];	/* of the record, if any */
};

struct seen {
	struct seen_item items[64];
	size_t n;
	size_t batches;
	size_t batch_sizes[16];
	int stop_after;		/* return -1 after this many batches */
	bool steal;		/* take item->json */
};

static int
on_batch(void *arg, struct registry_item *items, size_t n)
{
	struct seen *s = arg;

	if (s->batches < 16)
		s->batch_sizes[s->batches] = n;
	s->batches++;
	for (size_t i = 0; i < n && s->n < 64; i++) {
		struct seen_item *it = &s->items[s->n++];
		json_t *doc = items[i].json ? json_loadb(items[i].json,
		    items[i].json_len, 0, NULL) : NULL;
		const char *sid = json_string_value(json_object_get(
		    json_object_get(json_object_get(doc, "protocolSection"),
		    "identificationModule"), "nctId"));

		snprintf(it->nct_id, sizeof(it->nct_id), "%s", items[i].nct_id);
		snprintf(it->current_id, sizeof(it->current_id), "%s",
		    items[i].current_id);
		snprintf(it->study_id, sizeof(it->study_id), "%s",
		    sid ? sid : "");
		it->outcome = items[i].outcome;
		it->error = items[i].error ? strdup(items[i].error) : NULL;
		it->answer = items[i].answer ? strdup(items[i].answer) : NULL;
		it->http_status = items[i].http_status;
		it->twins = items[i].twins;
		snprintf(it->last_update, sizeof(it->last_update), "%s",
		    json_string_value(json_object_get(json_object_get(
		    json_object_get(json_object_get(doc, "protocolSection"),
		    "statusModule"), "lastUpdatePostDateStruct"), "date")) ?
		    json_string_value(json_object_get(json_object_get(
		    json_object_get(json_object_get(doc, "protocolSection"),
		    "statusModule"), "lastUpdatePostDateStruct"), "date")) : "");
		json_decref(doc);
		cr_expect_eq(items[i].outcome == REG_OK,
		    items[i].json != NULL, "%s", items[i].nct_id);
		cr_expect(items[i].outcome != REG_ALIAS ||
		    items[i].current_id[0] != '\0', "%s", items[i].nct_id);
		if (items[i].json != NULL)
			cr_expect_eq(strlen(items[i].json), items[i].json_len);
		if (s->steal && items[i].json != NULL) {
			free(items[i].json);
			items[i].json = NULL;
		}
	}
	return s->stop_after && (int)s->batches >= s->stop_after ? -1 : 0;
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->items[i].error);
		free(s->items[i].answer);
	}
}

static const struct seen_item *
seen_find(const struct seen *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->items[i].nct_id, id) == 0)
			return &s->items[i];
	cr_assert_fail("no item for %s", id);
	return NULL;
}

static bool
contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

static const struct trial_update *
probe_find(const struct registry_probe_result *pr, const char *id)
{
	for (size_t i = 0; i < pr->n; i++)
		if (strcmp(pr->v[i].nct_id, id) == 0)
			return &pr->v[i];
	return NULL;
}

/* Every request URL logged so far is at most `max` bytes long. */
static void
expect_urls_within(size_t max)
{
	char *log = fakereg_log(reg), *line, *save = NULL;
	/* The log has "GET /api/v2/...": the URL adds the origin. */
	size_t origin = strlen(fakereg_url(reg)) - strlen("/api/v2");

	for (line = strtok_r(log, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		cr_expect_leq(strlen(line) - 4 + origin, max, "%.80s...", line);
	free(log);
}

/* -------------------------------------------------------------- probe */

Test(registry, probe_three_ids_in_one_request)
{
	struct registry *r = new_registry(NULL, 1000, 100, 0);
	struct registry_probe_result pr;
	static const char *const dates[] = {"2025-01-15", "2025-03-10",
	    "2024-06-01"};
	char *log;

	cr_assert_eq(registry_probe(r, default_ids, 3, &pr), 0);
	cr_expect_eq(pr.n, 3);
	cr_expect_eq(pr.n_failed, 0);
	for (size_t i = 0; i < 3; i++) {
		const struct trial_update *e = probe_find(&pr,
		    default_ids[i]);

		cr_assert_not_null(e, "%s", default_ids[i]);
		cr_expect_str_eq(e->last_update, dates[i]);
	}
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	log = fakereg_log(reg);
	cr_expect(contains(log, "GET /api/v2/studies?filter.ids=NCT02982915,"
	    "NCT05233774,NCT04421456&fields=NCTId,LastUpdatePostDate"
	    "&pageSize=1000"), "%s", log);
	free(log);
	registry_probe_finish(&pr);
	registry_free(r);
}

Test(registry, probe_batches_and_absent_ids)
{
	char *ids[] = {"NCT02982915", "NCT05233774", "NCT09999999",
	    "NCT04421456", "NCT08888888"};
	struct registry *r = new_registry(NULL, 2, 100, 0);
	struct registry_probe_result pr;

	cr_assert_eq(registry_probe(r, ids, 5, &pr), 0);
	/* The first batch's page is full: its token leads to an empty one. */
	cr_expect_eq(fakereg_count(reg, "/studies?"), 4);
	cr_expect_eq(fakereg_count(reg, "pageSize=2"), 4);
	cr_expect_eq(pr.n, 3, "absent IDs are simply not listed");
	cr_expect_null(probe_find(&pr, "NCT09999999"));
	cr_expect_not_null(probe_find(&pr, "NCT04421456"));
	cr_expect_eq(pr.n_failed, 0);
	registry_probe_finish(&pr);
	cr_expect_eq(pr.n, 0);
	registry_free(r);
}

/*
 * 2500 IDs: a 1000-ID probe is a 12 KB URL, past what the registry's web
 * server takes, so batches are cut at max_url (6 KB: about 490 IDs).
 */
Test(registry, probe_many_ids)
{
	enum { N = 2500, EVERY = 50 };
	char *ids[N];
	struct registry *r;
	struct registry_probe_result pr;

	/* Most are absent, which a probe simply does not list. */
	for (size_t i = 0; i < N; i++) {
		ids[i] = harness_fmt("NCT%08zu", 10000000 + i);
		if (i % EVERY == 0)
			clone_record(ids[i], "2026-01-02");
	}
	r = new_registry(NULL, 1000, 100, 0);
	cr_assert_eq(registry_probe(r, ids, N, &pr), 0);
	cr_expect_eq(fakereg_count(reg, "/studies?"), 6);
	cr_expect_eq(fakereg_count(reg, "pageSize=1000"), 6);
	cr_expect_eq(fakereg_count(reg, "pageToken"), 0);
	expect_urls_within(REGISTRY_DEFAULT_MAX_URL);
	cr_expect_eq(pr.n, N / EVERY);
	cr_expect_eq(pr.n_failed, 0);
	for (size_t i = 0; i < N; i += EVERY) {
		const struct trial_update *e = probe_find(&pr, ids[i]);

		cr_expect_not_null(e, "%s", ids[i]);
		if (e != NULL)
			cr_expect_str_eq(e->last_update, "2026-01-02");
	}
	registry_probe_finish(&pr);
	registry_free(r);
	for (size_t i = 0; i < N; i++)
		free(ids[i]);
}

/*
 * Paging: the fake never pages a filter.ids list no longer than pageSize,
 * so a canned server plays a registry that sends smaller pages.  The
 * follow-up must repeat the query and add the (escaped) token.
 */
#define PAGE_HEAD "HTTP/1.1 200 OK\r\nContent-Type: application/json"
static const struct harness_reply pages[] = {
	{PAGE_HEAD, "{\"studies\":[{\"protocolSection\":{\"identificationModule\":"
	    "{\"nctId\":\"NCT02982915\"},\"statusModule\":"
	    "{\"lastUpdatePostDateStruct\":{\"date\":\"2025-01-15\"}}}}],"
	    "\"nextPageToken\":\"a+b/c\"}", 0},
	{PAGE_HEAD, "{\"studies\":[{\"protocolSection\":{\"identificationModule\":"
	    "{\"nctId\":\"NCT05233774\"},\"statusModule\":"
	    "{\"lastUpdatePostDateStruct\":{\"date\":\"2025-03-10\"}}}}]}", 0},
};

Test(registry, probe_follows_next_page_token)
{
	struct harness_http p;
	struct registry_probe_result pr;
	struct registry *r;
	char *url, *want;

	harness_http_start(&p, pages, 2);
	url = harness_http_url(&p, "/api/v2");
	r = new_registry(url, 1000, 100, 0);
	cr_expect_eq(registry_probe(r, default_ids, 3, &pr), 0);
	harness_http_stop(&p);
	cr_expect_eq(p.served, 2);
	want = harness_fmt("GET /api/v2/studies?filter.ids=NCT02982915,"
	    "NCT05233774,NCT04421456&fields=NCTId,LastUpdatePostDate"
	    "&pageSize=1000 HTTP/1.1");
	cr_expect_str_eq(p.line[0], want);
	free(want);
	want = harness_fmt("GET /api/v2/studies?filter.ids=NCT02982915,"
	    "NCT05233774,NCT04421456&fields=NCTId,LastUpdatePostDate"
	    "&pageSize=1000&pageToken=a%%2Bb%%2Fc HTTP/1.1");
	cr_expect_str_eq(p.line[1], want);
	free(want);
	cr_expect_eq(pr.n, 2);
	cr_expect_not_null(probe_find(&pr, "NCT02982915"));
	cr_expect_not_null(probe_find(&pr, "NCT05233774"));
	registry_probe_finish(&pr);
	registry_free(r);
	free(url);
}

Test(registry, probe_failed_batch_is_listed)
{
	char *ids[] = {"NCT02982915", "NCT05233774", "NCT04421456"};
	struct registry *r = new_registry(NULL, 2, 100, 1);
	struct registry_probe_result pr;

	/* The second batch (NCT04421456 alone) always fails. */
	harness_fault(reg, FAULT_STATUS, "filter.ids=NCT04421456", 500, 0);
	cr_expect_eq(registry_probe(r, ids, 3, &pr), -1);
	cr_expect_eq(pr.n, 2);
	cr_assert_eq(pr.n_failed, 1);
	cr_expect_str_eq(pr.failed[0].nct_id, "NCT04421456");
	cr_expect_eq(pr.failed[0].outcome, REG_ERROR);
	cr_expect_eq(pr.failed[0].http_status, 500);
	cr_expect(contains(pr.failed[0].error, "NCT04421456"), "%s",
	    pr.failed[0].error);
	cr_expect(contains(pr.failed[0].error, "500"), "%s",
	    pr.failed[0].error);
	cr_expect_eq(fakereg_count(reg, "filter.ids=NCT04421456"), 2,
	    "retried once");
	registry_probe_finish(&pr);
	registry_free(r);
}

Test(registry, probe_bad_answers)
{
	static const struct {
		enum fakereg_fault_kind kind;
		const char *want;
	} cases[] = {
		{FAULT_HTML_200, "not JSON"},
		{FAULT_MALFORMED_JSON, "malformed JSON"},
		{FAULT_TRUNCATE, ""},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct registry *r = new_registry(NULL, 1000, 100, 0);
		struct registry_probe_result pr;

		fakereg_clear_faults(reg);
		harness_fault(reg, cases[k].kind, NULL, 0, 0);
		cr_expect_eq(registry_probe(r, default_ids, 3, &pr), -1);
		cr_expect_eq(pr.n, 0);
		cr_expect_eq(pr.n_failed, 3, "case %zu", k);
		for (size_t i = 0; i < pr.n_failed; i++) {
			cr_expect(contains(pr.failed[i].error,
			    pr.failed[i].nct_id), "%s", pr.failed[i].error);
			cr_expect(contains(pr.failed[i].error, cases[k].want),
			    "%s", pr.failed[i].error);
		}
		registry_probe_finish(&pr);
		registry_free(r);
	}
}

Test(registry, probe_isolates_malformed_ids)
{
	char *ids[] = {"NCT02982915", "NCT123", "NCT05233774",
	    "NCT0498291500000", "NCT04421456"};
	struct registry *r = new_registry(NULL, 1000, 100, 0);
	struct registry_probe_result pr;

	cr_expect_eq(registry_probe(r, ids, 5, &pr), -1);
	cr_expect_eq(pr.n, 3);
	cr_assert_eq(pr.n_failed, 2);
	cr_expect_str_eq(pr.failed[0].nct_id, "NCT123");
	cr_expect(contains(pr.failed[1].error, "NCT0498291500000"), "%s",
	    pr.failed[1].error);
	cr_expect_eq(fakereg_count(reg, "/studies?"), 1);
	registry_probe_finish(&pr);
	registry_free(r);
}

Test(registry, probe_splits_a_refused_batch)
{
	struct registry *r = new_registry(NULL, 1000, 100, 0);
	struct registry_probe_result pr;

	/* The registry refuses any list holding this (well-formed) ID. */
	harness_fault(reg, FAULT_STATUS, "NCT05233774", 400, 0);
	cr_expect_eq(registry_probe(r, default_ids, 3, &pr), -1);
	cr_expect_eq(pr.n, 2);
	cr_assert_eq(pr.n_failed, 1);
	cr_expect_str_eq(pr.failed[0].nct_id, "NCT05233774");
	cr_expect_eq(pr.failed[0].http_status, 400);
	registry_probe_finish(&pr);
	registry_free(r);
}

/*
 * A batch refused for its URL's length (414, or 431) is split like one
 * refused for a bad ID (issue 13, 2): here the registry takes 2 KB where
 * the client expects 6 KB, and every ID is still probed and fetched.
 */
Test(registry, long_url_refused_is_split)
{
	enum { N = 1000 };
	char *ids[N];
	struct registry *r = new_registry(NULL, 1000, 300, 0);
	struct registry_probe_result pr;
	struct seen s = {0};

	for (size_t i = 0; i < N; i++) {
		ids[i] = harness_fmt("NCT%08zu", 10000000 + i);
		if (i % 100 == 0)
			clone_record(ids[i], "2026-01-02");
	}
	fakereg_set_max_url(reg, 2048);
	cr_expect_eq(registry_probe(r, ids, N, &pr), 0, "%s",
	    pr.n_failed ? pr.failed[0].error : "");
	cr_expect_eq(pr.n, N / 100);
	cr_expect_eq(pr.n_failed, 0);
	cr_expect_geq(fakereg_count(reg, "filter.ids"), 4);
	registry_probe_finish(&pr);
	/* A full fetch of 300 at a time splits the same way. */
	fakereg_clear_log(reg);
	cr_expect_eq(registry_fetch(r, ids, 64, on_batch, &s), 0);
	cr_expect_eq(s.n, 64);
	cr_expect_eq(seen_find(&s, ids[0])->outcome, REG_OK);
	cr_expect_eq(seen_find(&s, ids[1])->outcome, REG_NOT_FOUND);
	cr_expect_null(registry_failure(r));
	seen_free(&s);
	registry_free(r);
	/* Not even one ID fits: that is the configuration's fault. */
	fakereg_set_max_url(reg, 40);
	r = new_registry(NULL, 1000, 300, 0);
	cr_expect_eq(registry_probe(r, ids, 3, &pr), -1);
	cr_expect(contains(registry_failure(r), "[registry] max_url"), "%s",
	    registry_failure(r));
	cr_expect(contains(registry_failure(r), "414"));
	registry_probe_finish(&pr);
	registry_free(r);
	for (size_t i = 0; i < N; i++)
		free(ids[i]);
}

/* Batches are cut so that no URL passes max_url. */
Test(registry, batches_fit_max_url)
{
	enum { N = 600 };
	char *ids[N];
	struct registry_opts ro = {0};
	struct registry *r = new_registry(NULL, 1000, 1000, 0);
	struct registry_probe_result pr;
	struct seen s = {0};

	registry_free(r);
	ro.base_url = fakereg_url(reg);
	ro.probe_batch = 1000;
	ro.fetch_batch = 1000;
	ro.max_url = 1500;
	r = registry_new(fetch, &ro);
	cr_assert_not_null(r);
	for (size_t i = 0; i < N; i++)
		ids[i] = harness_fmt("NCT%08zu", 10000000 + i);
	cr_expect_eq(registry_probe(r, ids, N, &pr), 0);
	registry_probe_finish(&pr);
	/* Absent IDs are asked one by one: only the batches are counted. */
	cr_expect_eq(registry_fetch(r, ids, 150, on_batch, &s), 0);
	expect_urls_within(1500);
	cr_expect_geq(fakereg_count(reg, "fields="), N * 12 / 1500);
	seen_free(&s);
	registry_free(r);
	for (size_t i = 0; i < N; i++)
		free(ids[i]);
}

/*
 * A nextPageToken that never ends (issue 21, 7): the same token again, or
 * a new one on every page, stops the probe after the pages its batch can
 * need, naming the registry's fault, instead of paging forever.
 */
Test(registry, paging_that_never_ends_stops)
{
	static const struct {
		enum fakereg_fault_kind kind;
		const char *want;
	} cases[] = {
		{FAULT_TOKEN_REPEAT, "gave the nextPageToken \"again\" again"},
		{FAULT_TOKEN_ENDLESS, "still a nextPageToken after 3 pages"},
	};

	for (size_t k = 0; k < 2; k++) {
		struct registry *r = new_registry(NULL, 1000, 100, 0);
		struct registry_probe_result pr;

		fakereg_clear_faults(reg);
		fakereg_clear_log(reg);
		harness_fault(reg, cases[k].kind, "fields=", 0, 0);
		cr_expect_eq(registry_probe(r, default_ids, 3, &pr), -1);
		cr_assert_not_null(registry_failure(r));
		cr_expect(contains(registry_failure(r), cases[k].want), "%s",
		    registry_failure(r));
		cr_expect(contains(registry_failure(r), "paging does not end"));
		cr_expect_leq(fakereg_count(reg, NULL), 3);
		registry_probe_finish(&pr);
		registry_free(r);
	}
}

/* -------------------------------------------------------------- fetch */

Test(registry, fetch_one_batch)
{
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};
	char *log;

	cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s), 0);
	cr_expect_eq(s.batches, 1);
	cr_assert_eq(s.n, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_expect_str_eq(s.items[i].nct_id, default_ids[i],
		    "request order");
		cr_expect_eq(s.items[i].outcome, REG_OK);
		cr_expect_str_eq(s.items[i].study_id, default_ids[i]);
		cr_expect_str_eq(s.items[i].current_id, "");
		cr_expect_null(s.items[i].error);
		cr_expect_eq(s.items[i].http_status, 200);
	}
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	log = fakereg_log(reg);
	cr_expect(contains(log, "filter.ids=NCT02982915"), "%s", log);
	cr_expect(contains(log, "pageSize=50"), "%s", log);
	cr_expect(!contains(log, "fields="), "%s", log);
	free(log);
	seen_free(&s);
	registry_free(r);
}

Test(registry, fetch_in_batches)
{
	char *ids[] = {"NCT02982915", "NCT05233774", "NCT04421456",
	    "NCT10000000", "NCT10000001"};
	struct registry *r;
	struct seen s = {0};

	clone_record("NCT10000000", "2026-01-01");
	clone_record("NCT10000001", "2026-01-01");
	r = new_registry(NULL, 1000, 2, 0);
	s.steal = true;
	cr_assert_eq(registry_fetch(r, ids, 5, on_batch, &s), 0);
	cr_expect_eq(s.batches, 3);
	cr_expect_eq(s.batch_sizes[0] + s.batch_sizes[1] + s.batch_sizes[2],
	    5);
	cr_expect_eq(fakereg_count(reg, "pageSize=2"), 3);
	cr_expect_eq(fakereg_count(reg, "/studies/"), 0);
	cr_assert_eq(s.n, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct seen_item *it = seen_find(&s, ids[i]);

		cr_expect_eq(it->outcome, REG_OK, "%s", ids[i]);
		cr_expect_str_eq(it->study_id, ids[i]);
	}
	seen_free(&s);
	registry_free(r);
}

/* More batches than the window of open ones: each still comes once. */
Test(registry, fetch_many_batches)
{
	enum { N = 45 };
	char *ids[N];
	struct registry *r;
	struct seen s = {0};

	for (size_t i = 0; i < N; i++) {
		ids[i] = harness_fmt("NCT%08zu", 20000000 + i);
		if (i % 9 != 4)
			clone_record(ids[i], "2026-01-02");
	}
	r = new_registry(NULL, 1000, 4, 0);
	cr_assert_eq(registry_fetch(r, ids, N, on_batch, &s), 0);
	cr_expect_eq(s.batches, (N + 3) / 4);
	cr_assert_eq(s.n, N);
	for (size_t i = 0; i < N; i++) {
		const struct seen_item *it = seen_find(&s, ids[i]);

		cr_expect_eq(it->outcome, i % 9 == 4 ? REG_NOT_FOUND : REG_OK,
		    "%s", ids[i]);
	}
	cr_expect_eq(fakereg_count(reg, "/studies?"), (N + 3) / 4);
	cr_expect_eq(fakereg_count(reg, "/studies/"), 5);
	seen_free(&s);
	registry_free(r);
	for (size_t i = 0; i < N; i++)
		free(ids[i]);
}

Test(registry, not_found)
{
	char *ids[] = {"NCT02982915", "NCT09999999"};
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};
	const struct seen_item *it;

	cr_assert_eq(registry_fetch(r, ids, 2, on_batch, &s), 0);
	cr_assert_eq(s.n, 2);
	it = seen_find(&s, "NCT09999999");
	cr_expect_eq(it->outcome, REG_NOT_FOUND);
	cr_expect_str_eq(it->error, "NCT09999999: not found in the registry");
	cr_expect_eq(it->http_status, 404);
	cr_expect_eq(seen_find(&s, "NCT02982915")->outcome, REG_OK);
	cr_expect_eq(fakereg_count(reg, "/studies/NCT09999999"), 1);
	cr_expect_eq(fakereg_count(reg, "/studies/NCT02982915"), 0);
	seen_free(&s);
	registry_free(r);
}

Test(registry, alias_gives_the_current_record)
{
	char *ids[] = {"NCT01111111", "NCT05233774"};
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};
	const struct seen_item *it;

	cr_assert_eq(fakereg_set_alias(reg, "NCT01111111", "NCT02982915"), 0);
	cr_assert_eq(registry_fetch(r, ids, 2, on_batch, &s), 0);
	cr_assert_eq(s.n, 2);
	it = seen_find(&s, "NCT01111111");
	cr_expect_eq(it->outcome, REG_OK, "%s", it->error);
	cr_expect_str_eq(it->current_id, "NCT02982915");
	cr_expect_str_eq(it->study_id, "NCT02982915");
	cr_expect_eq(it->http_status, 200);
	it = seen_find(&s, "NCT05233774");
	cr_expect_eq(it->outcome, REG_OK);
	cr_expect_str_eq(it->current_id, "");
	/* Matched by the record's nctIdAliases: no question one by one. */
	cr_expect_eq(fakereg_count(reg, "/studies/"), 0);
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	seen_free(&s);
	registry_free(r);
}

Test(registry, alias_asked_with_its_current_id)
{
	char *ids[] = {"NCT02982915", "NCT01111111"};
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};

	cr_assert_eq(fakereg_set_alias(reg, "NCT01111111", "NCT02982915"), 0);
	cr_assert_eq(registry_fetch(r, ids, 2, on_batch, &s), 0);
	cr_assert_eq(s.n, 2);
	/* One record, and only the item of its own ID carries it. */
	cr_expect_eq(s.items[0].outcome, REG_OK);
	cr_expect_str_eq(s.items[0].current_id, "");
	cr_expect_eq(s.items[1].outcome, REG_ALIAS);
	cr_expect_str_eq(s.items[1].current_id, "NCT02982915");
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	seen_free(&s);
	registry_free(r);
}

/* Two aliases of one trial in one batch: one record, one alias. */
Test(registry, two_aliases_of_one_trial)
{
	char *ids[] = {"NCT01111111", "NCT01111112"};
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};

	cr_assert_eq(fakereg_set_alias(reg, "NCT01111111", "NCT02982915"), 0);
	cr_assert_eq(fakereg_set_alias(reg, "NCT01111112", "NCT02982915"), 0);
	cr_assert_eq(registry_fetch(r, ids, 2, on_batch, &s), 0);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.items[0].outcome, REG_OK);
	cr_expect_str_eq(s.items[0].current_id, "NCT02982915");
	cr_expect_eq(s.items[1].outcome, REG_ALIAS);
	cr_expect_str_eq(s.items[1].current_id, "NCT02982915");
	seen_free(&s);
	registry_free(r);
}

/*
 * Two records for one ID in one answer (issue 21, 13): the one updated
 * last is the one delivered, whichever comes first, and it says so.
 */
Test(registry, twin_records_give_the_newest)
{
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};

	harness_fault(reg, FAULT_OLDER_TWIN, "filter.ids", 0, 0);
	cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s), 0);
	cr_assert_eq(s.n, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_expect_eq(s.items[i].outcome, REG_OK);
		cr_expect(s.items[i].twins, "%s", s.items[i].nct_id);
		cr_expect_gt(atoi(s.items[i].last_update), 2020, "%s: %s",
		    s.items[i].nct_id, s.items[i].last_update);
		cr_expect_str_neq(s.items[i].last_update, "", "%s",
		    s.items[i].nct_id);
	}
	seen_free(&s);
	registry_free(r);
}

Test(registry, wrong_record_is_rejected)
{
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};

	harness_fault(reg, FAULT_WRONG_ID, NULL, 0, 0);
	cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s), 0);
	cr_assert_eq(s.n, 3);
	for (size_t i = 0; i < 3; i++) {
		char other[NCT_ID_SIZE];

		/* The fake changes the fourth character. */
		snprintf(other, sizeof(other), "%s", default_ids[i]);
		other[3] = other[3] == '9' ? '8' : '9';
		cr_expect_eq(s.items[i].outcome, REG_ERROR);
		cr_expect(contains(s.items[i].error, default_ids[i]), "%s",
		    s.items[i].error);
		cr_expect(contains(s.items[i].error, other), "%s",
		    s.items[i].error);
	}
	seen_free(&s);
	registry_free(r);
}

Test(registry, malformed_id_is_not_sent)
{
	char *ids[] = {"NCT02982915", "NCT123", "NCT05233774",
	    "NCT04421456/../x"};
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};
	char *log;

	cr_assert_eq(registry_fetch(r, ids, 4, on_batch, &s), 0);
	cr_assert_eq(s.n, 4);
	cr_expect_eq(s.items[0].outcome, REG_OK);
	cr_expect_eq(s.items[1].outcome, REG_ERROR);
	cr_expect(contains(s.items[1].error, "NCT123"), "%s", s.items[1].error);
	cr_expect_eq(s.items[2].outcome, REG_OK);
	cr_expect_eq(s.items[3].outcome, REG_ERROR);
	cr_expect(contains(s.items[3].error, "NCT04421456/../x"), "%s",
	    s.items[3].error);
	log = fakereg_log(reg);
	cr_expect(!contains(log, "NCT123"), "%s", log);
	cr_expect(!contains(log, "NCT04421456"), "%s", log);
	free(log);
	seen_free(&s);
	registry_free(r);
}

Test(registry, refused_batch_is_split_to_isolate_the_id)
{
	char *ids[] = {"NCT02982915", "NCT05233774", "NCT04421456",
	    "NCT10000000", "NCT10000001"};
	struct registry *r;
	struct seen s = {0};

	clone_record("NCT10000000", "2026-01-01");
	clone_record("NCT10000001", "2026-01-01");
	/* Any list with NCT04421456 in it is refused, as a bad ID would be. */
	harness_fault(reg, FAULT_STATUS, "NCT04421456", 400, 0);
	r = new_registry(NULL, 1000, 50, 2);
	cr_assert_eq(registry_fetch(r, ids, 5, on_batch, &s), 0);
	cr_assert_eq(s.n, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct seen_item *it = &s.items[i];

		cr_expect_str_eq(it->nct_id, ids[i]);
		if (i == 2) {
			cr_expect_eq(it->outcome, REG_ERROR);
			cr_expect_eq(it->http_status, 400);
			cr_expect(contains(it->error, "NCT04421456"), "%s",
			    it->error);
			cr_expect(contains(it->error, "400"), "%s", it->error);
		} else {
			cr_expect_eq(it->outcome, REG_OK, "%s: %s", ids[i],
			    it->error);
		}
	}
	/* Refused as one of 5, of 3, then alone; a 400 is not retried. */
	cr_expect_eq(fakereg_count(reg, "NCT04421456"), 3);
	seen_free(&s);
	registry_free(r);
}

Test(registry, bad_answers_to_everything)
{
	static const struct {
		enum fakereg_fault_kind kind;
		int status;
		const char *want;
	} cases[] = {
		{FAULT_HTML_200, 0, "not JSON"},
		{FAULT_MALFORMED_JSON, 0, "malformed JSON"},
		{FAULT_STATUS, 500, "HTTP 500"},
		{FAULT_TRUNCATE, 0, "broke off"},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct registry *r = new_registry(NULL, 1000, 50, 0);
		struct seen s = {0};

		fakereg_clear_faults(reg);
		harness_fault(reg, cases[k].kind, NULL, cases[k].status, 0);
		cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s),
		    0);
		cr_assert_eq(s.n, 3);
		for (size_t i = 0; i < 3; i++) {
			cr_expect_eq(s.items[i].outcome, REG_ERROR, "case %zu",
			    k);
			cr_expect(contains(s.items[i].error, default_ids[i]),
			    "%s", s.items[i].error);
			cr_expect(contains(s.items[i].error, cases[k].want),
			    "%s", s.items[i].error);
		}
		seen_free(&s);
		registry_free(r);
	}
}

/* A bad batch answer is retried one by one, which may well work. */
Test(registry, bad_batch_answer_falls_back_to_one_by_one)
{
	static const enum fakereg_fault_kind kinds[] = {FAULT_HTML_200,
	    FAULT_MALFORMED_JSON, FAULT_STATUS};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		struct registry *r = new_registry(NULL, 1000, 50, 0);
		struct seen s = {0};

		fakereg_clear_faults(reg);
		fakereg_clear_log(reg);
		harness_fault(reg, kinds[k], "filter.ids", 500, 0);
		cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s),
		    0);
		cr_assert_eq(s.n, 3);
		for (size_t i = 0; i < 3; i++)
			cr_expect_eq(s.items[i].outcome, REG_OK, "%zu: %s", k,
			    s.items[i].error);
		cr_expect_eq(fakereg_count(reg, "/studies/"), 3);
		seen_free(&s);
		registry_free(r);
	}
}

/*
 * Refusals of the client, not of an ID (issue 13, 4 and 5): a 401, a 403,
 * or the web server's HTML 404 for a wrong base_url fail the cycle once,
 * with the status and the registry's words: no question per ID, no batch
 * handed over, and nothing taken for "not found".
 */
Test(registry, refusal_stops_without_fan_out)
{
	static const struct {
		int status;
		const char *want;
	} cases[] = {
		{401, "HTTP 401: fakereg: injected 401"},
		{403, "HTTP 403: fakereg: injected 403"},
	};
	char *ids[] = {"NCT02982915", "NCT05233774", "NCT04421456",
	    "NCT09999999"};
	char *wrong;

	for (size_t k = 0; k < 2; k++) {
		struct registry *r = new_registry(NULL, 1000, 2, 0);
		struct registry_probe_result pr;
		struct seen s = {0};

		fakereg_clear_faults(reg);
		fakereg_clear_log(reg);
		harness_fault(reg, FAULT_STATUS, NULL, cases[k].status, 0);
		cr_expect_eq(registry_fetch(r, ids, 4, on_batch, &s), -1);
		cr_expect_eq(s.n, 0, "nothing handed over");
		cr_assert_not_null(registry_failure(r));
		cr_expect(contains(registry_failure(r), cases[k].want), "%s",
		    registry_failure(r));
		cr_expect_eq(fakereg_count(reg, "/studies/"), 0);
		cr_expect_leq(fakereg_count(reg, NULL), 2, "the window's "
		    "first batches at most");
		registry_free(r);
		/* The probe stops the same way. */
		r = new_registry(NULL, 1, 2, 0);
		cr_expect_eq(registry_probe(r, ids, 4, &pr), -1);
		cr_expect(contains(registry_failure(r), cases[k].want));
		registry_probe_finish(&pr);
		registry_free(r);
	}
	/* A base_url the API is not at: its web server's 404 page. */
	fakereg_clear_faults(reg);
	fakereg_clear_log(reg);
	wrong = harness_fmt("%s/v2", fakereg_url(reg));
	{
		struct registry *r = new_registry(wrong, 1000, 50, 0);
		struct seen s = {0};

		cr_expect_eq(registry_fetch(r, ids, 4, on_batch, &s), -1);
		cr_expect_eq(s.n, 0, "no trial is \"not found\"");
		cr_expect(contains(registry_failure(r), "404 for its API path"),
		    "%s", registry_failure(r));
		cr_expect(contains(registry_failure(r), "base_url"));
		cr_expect_eq(fakereg_count(reg, NULL), 1);
		registry_free(r);
	}
	free(wrong);
}

/* Only the registry's text/plain 404 says an ID is unknown. */
Test(registry, html_404_for_one_id_is_not_not_found)
{
	char *ids[] = {"NCT09999999"};
	struct registry *r = new_registry(NULL, 1000, 50, 0);
	struct seen s = {0};

	/* filter.ids answers nothing for it; its own path gets HTML. */
	harness_fault(reg, FAULT_HTML_200, "/studies/NCT09999999", 0, 0);
	cr_expect_eq(registry_fetch(r, ids, 1, on_batch, &s), 0);
	cr_assert_eq(s.n, 1);
	cr_expect_eq(s.items[0].outcome, REG_ERROR, "an HTML page is no "
	    "answer about the ID");
	seen_free(&s);
	registry_free(r);
	/* The real "not found" carries the registry's words. */
	fakereg_clear_faults(reg);
	memset(&s, 0, sizeof(s));
	r = new_registry(NULL, 1000, 50, 0);
	cr_expect_eq(registry_fetch(r, ids, 1, on_batch, &s), 0);
	cr_expect_eq(s.items[0].outcome, REG_NOT_FOUND);
	cr_expect_str_eq(s.items[0].answer, "NCT number NCT09999999 not found");
	seen_free(&s);
	registry_free(r);
}

/*
 * No answer at all, or an overloaded registry: no one-by-one flood.  When
 * nothing has answered yet and the registry throttles or cannot be
 * reached, it is down for the cycle: stop.
 */
Test(registry, registry_down_fails_the_batch_at_once)
{
	static const struct {
		enum fakereg_fault_kind kind;
		int status;
		long want;
		bool stops;
	} cases[] = {
		{FAULT_CLOSE, 0, 0, false},
		{FAULT_STATUS, 502, 502, false},
		{FAULT_STATUS, 503, 503, true},
		{FAULT_STATUS, 504, 504, false},
		{FAULT_STATUS, 429, 429, true},
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct registry *r = new_registry(NULL, 1000, 50, 1);
		struct seen s = {0};

		fakereg_clear_faults(reg);
		fakereg_clear_log(reg);
		harness_fault(reg, cases[k].kind, NULL, cases[k].status, 0);
		if (cases[k].stops) {
			char want[16];

			snprintf(want, sizeof(want), "HTTP %ld", cases[k].want);
			cr_expect_eq(registry_fetch(r, default_ids, 3, on_batch,
			    &s), -1);
			cr_expect_eq(s.n, 0);
			cr_expect(contains(registry_failure(r), want), "%s",
			    registry_failure(r));
			cr_expect_eq(fakereg_count(reg, "/studies/"), 0);
			registry_free(r);
			continue;
		}
		cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s),
		    0);
		cr_assert_eq(s.n, 3);
		for (size_t i = 0; i < 3; i++) {
			cr_expect_eq(s.items[i].outcome, REG_ERROR);
			cr_expect_eq(s.items[i].http_status, cases[k].want);
			cr_expect(contains(s.items[i].error, default_ids[i]),
			    "%s", s.items[i].error);
		}
		cr_expect_null(registry_failure(r));
		cr_expect_eq(fakereg_count(reg, "/studies/"), 0, "case %zu", k);
		seen_free(&s);
		registry_free(r);
	}
}

/* test_sync's failing batch: one trial fails every way, the rest sync. */
Test(registry, one_failing_trial_among_single_batches)
{
	struct registry *r = new_registry(NULL, 1000, 1, 1);
	struct seen s = {0};

	harness_fault(reg, FAULT_STATUS, "filter.ids=NCT05233774", 500, 0);
	harness_fault(reg, FAULT_STATUS, "/studies/NCT05233774", 500, 0);
	cr_assert_eq(registry_fetch(r, default_ids, 3, on_batch, &s), 0);
	cr_expect_eq(s.batches, 3);
	cr_assert_eq(s.n, 3);
	cr_expect_eq(seen_find(&s, "NCT02982915")->outcome, REG_OK);
	cr_expect_eq(seen_find(&s, "NCT04421456")->outcome, REG_OK);
	cr_expect_eq(seen_find(&s, "NCT05233774")->outcome, REG_ERROR);
	cr_expect(contains(seen_find(&s, "NCT05233774")->error, "500"));
	seen_free(&s);
	registry_free(r);
}

Test(registry, callback_stop_ends_the_fetch)
{
	struct registry *r = new_registry(NULL, 1000, 1, 0);
	struct seen s = {0};

	s.stop_after = 1;
	cr_expect_eq(registry_fetch(r, default_ids, 3, on_batch, &s), -1);
	cr_expect_eq(s.batches, 1);
	cr_expect(fetch_cancelled(fetch));
	seen_free(&s);
	registry_free(r);
}

static void
on_cancel_timer(evutil_socket_t fd, short what, void *arg)
{
	fetch_cancel(arg);
}

Test(registry, cancel_delivers_nothing_more)
{
	struct registry *r = new_registry(NULL, 1000, 1, 0);
	struct timeval tv = {0, 300000};
	struct seen s = {0};
	struct event *ev;

	harness_fault(reg, FAULT_STALL, "NCT05233774", 0, 0);
	ev = evtimer_new(base, on_cancel_timer, fetch);
	evtimer_add(ev, &tv);
	cr_expect_eq(registry_fetch(r, default_ids, 3, on_batch, &s), -1);
	cr_expect_eq(s.batches, 2, "the two that were answered");
	cr_expect_eq(s.n, 2);
	cr_expect(fetch_cancelled(fetch));
	event_free(ev);
	seen_free(&s);
	registry_free(r);
}

Test(registry, empty_and_link)
{
	struct registry *r = new_registry(NULL, 0, 0, 0);
	struct registry_probe_result pr;
	struct seen s = {0};
	char link[64];

	cr_expect_eq(registry_probe(r, NULL, 0, &pr), 0);
	cr_expect_eq(pr.n + pr.n_failed, 0);
	registry_probe_finish(&pr);
	cr_expect_eq(registry_fetch(r, NULL, 0, on_batch, &s), 0);
	cr_expect_eq(s.batches, 0);
	cr_expect_eq(fakereg_count(reg, NULL), 0);
	registry_study_link("NCT02982915", link);
	cr_expect_str_eq(link, "https://clinicaltrials.gov/study/NCT02982915");
	registry_free(r);
	registry_free(NULL);
}

/* ------------------------------------------------------------ searches */

static void
expect_search(const struct registry_search_result *s, const char *ids)
{
	char got[512] = "";
	size_t len = 0;

	for (size_t i = 0; i < s->n; i++)
		len += (size_t)snprintf(got + len, sizeof(got) - len, "%s%s",
		    i ? " " : "", s->v[i].nct_id);
	cr_expect_str_eq(got, ids);
}

Test(registry, search_pages_by_token_and_sorts_by_id)
{
	struct registry *r = new_registry(NULL, 2, 100, 0);
	struct registry_search_result s;
	char *refused, *log;

	clone_record("NCT09000001", "2026-01-01");
	clone_record("NCT09000002", "2026-01-02");
	cr_assert_eq(registry_search(r, "query.intr=lomecel-b", 0, &s,
	    &refused), 0);
	cr_expect_null(refused);
	/* HERA, CLEARMIND and the two clones: two full pages, an empty one. */
	expect_search(&s, "NCT02982915 NCT05233774 NCT09000001 NCT09000002");
	cr_expect_str_eq(s.v[0].last_update, "2025-01-15");
	cr_expect_eq(s.total, 4);
	cr_expect(s.complete);
	cr_expect_eq(s.requests, 3);
	cr_expect_eq(s.rereads, 0);
	log = fakereg_log(reg);
	cr_expect(strstr(log, "GET /api/v2/studies?query.intr=lomecel-b&fields="
	    "NCTId,LastUpdatePostDate&pageSize=2&countTotal=true\n") != NULL,
	    "%s", log);
	cr_expect(strstr(log, "&pageSize=2&pageToken=") != NULL, "%s", log);
	free(log);
	registry_search_finish(&s);
	registry_free(r);
}

Test(registry, search_refused_gives_the_registry_words)
{
	struct registry *r = new_registry(NULL, 10, 100, 0);
	struct registry_search_result s;
	char *refused;

	cr_expect_eq(registry_search(r, "query.term=AREA%5BNope%5Dx", 0, &s,
	    &refused), -1);
	cr_assert_not_null(refused);
	cr_expect_str_eq(refused, "HTTP 400: Parameter `query.term` has "
	    "incorrect format: unknown field `Nope` in AREA[]");
	cr_expect_null(registry_failure(r), "a search's refusal is not the "
	    "registry's");
	free(refused);
	registry_search_finish(&s);
	registry_free(r);
}

Test(registry, search_too_large_stops_after_its_first_page)
{
	struct registry *r = new_registry(NULL, 1, 100, 0);
	struct registry_search_result s;
	size_t count;
	char *refused;

	cr_expect_eq(registry_search(r, "", 2, &s, &refused), 1);
	cr_expect_eq(s.total, 3);
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	registry_search_finish(&s);
	cr_expect_eq(registry_search_count(r, "query.cond=schizophrenia",
	    &count, &refused), 0);
	cr_expect_eq(count, 1);
	cr_expect_eq(fakereg_count(reg, "pageSize=0&countTotal=true"), 1);
	registry_free(r);
}

/* NCT04421456, alone on a listing's second page, updated on `arg`. */
static void
move_third(void *arg)
{
	char *path = harness_fmt("%s/NCT04421456.json", regdir);
	json_error_t jerr;
	json_t *doc = json_load_file(path, 0, &jerr);

	cr_assert_not_null(doc, "%s", jerr.text);
	json_object_set_new(json_object_get(json_object_get(json_object_get(
	    doc, "protocolSection"), "statusModule"),
	    "lastUpdatePostDateStruct"), "date", json_string(arg));
	cr_assert_eq(json_dump_file(doc, path, 0), 0);
	json_decref(doc);
	free(path);
}

/*
 * Newest first, two a page: CLEARMIND, HERA | NCT04421456.  Updated
 * before the second page, NCT04421456 moves to the front and that page
 * skips it: the listing is short of its count, read again, whole, with
 * the new date.
 */
Test(registry, search_short_of_its_count_is_read_again)
{
	struct registry *r = new_registry(NULL, 2, 100, 0);
	struct registry_search_result s;
	char *refused;

	cr_assert_eq(fakereg_before(reg, "pageToken=", move_third,
	    "2026-12-01"), 0);
	cr_assert_eq(registry_search(r, "filter.overallStatus=COMPLETED", 0,
	    &s, &refused), 0);
	expect_search(&s, "NCT02982915 NCT04421456 NCT05233774");
	cr_expect_str_eq(s.v[1].last_update, "2026-12-01");
	cr_expect(s.complete);
	cr_expect_eq(s.rereads, 1);
	registry_search_finish(&s);
	/* A token of older data refused: read again from the first page. */
	harness_fault(reg, FAULT_TOKEN_EXPIRED, "pageToken=", 0, 0);
	cr_assert_eq(fakereg_before(reg, "pageToken=", move_third,
	    "2026-12-02"), 0);
	cr_assert_eq(registry_search(r, "filter.overallStatus=COMPLETED", 0,
	    &s, &refused), 0);
	expect_search(&s, "NCT02982915 NCT04421456 NCT05233774");
	cr_expect(s.complete);
	cr_expect_geq(s.rereads, 1);
	registry_search_finish(&s);
	registry_free(r);
}

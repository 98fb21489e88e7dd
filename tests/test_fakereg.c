/*
 * test_fakereg.c - the fake registry against a real HTTP client (libcurl):
 * the API v2 shapes it serves, paging, projection, aliases, every fault,
 * the request log, the admin endpoints and the fakereg program.
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fakereg.h"
#include "fakereg_search.h"
#include "harness.h"

static char *regdir;
static struct fakereg *reg;

static void
setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	regdir = harness_default_records();
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg, "fake registry");
}

static void
teardown(void)
{
	fakereg_stop(reg);
	harness_rmtree(regdir);
	free(regdir);
	curl_global_cleanup();
}

TestSuite(fakereg, .init = setup, .fini = teardown, .timeout = 30);

/* ----------------------------------------------------------- client */

struct resp {
	CURLcode rc;
	long status;
	char *body;
	size_t len;
	char ctype[128];
	char location[256];
	char retry_after[32];
	char encoding[32];
	double secs;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;
	char *b = realloc(r->body, r->len + size * n + 1);

	if (b == NULL)
		return 0;
	memcpy(b + r->len, p, size * n);
	r->body = b;
	r->len += size * n;
	r->body[r->len] = '\0';
	return size * n;
}

static void
header_value(const char *line, size_t len, const char *name, char *out,
    size_t outlen)
{
	size_t nl = strlen(name), vlen;
	const char *v;

	if (len <= nl || strncasecmp(line, name, nl) != 0)
		return;
	for (v = line + nl; v < line + len && *v == ' '; v++)
		;
	vlen = (size_t)(line + len - v);
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n'))
		vlen--;
	snprintf(out, outlen, "%.*s", (int)vlen, v);
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct resp *r = arg;

	header_value(p, size * n, "Location:", r->location,
	    sizeof(r->location));
	header_value(p, size * n, "Retry-After:", r->retry_after,
	    sizeof(r->retry_after));
	header_value(p, size * n, "Content-Encoding:", r->encoding,
	    sizeof(r->encoding));
	return size * n;
}

static void
resp_free(struct resp *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

struct req {
	const char *path;	/* under the API base, or a whole URL */
	long timeout_ms;
	bool gzip;
	bool follow;
	CURL *reuse;		/* an easy handle to reuse, or NULL */
};

static void
perform(const struct req *q, struct resp *r)
{
	CURL *c = q->reuse ? q->reuse : curl_easy_init();
	char *url;
	const char *ct = NULL;
	struct timespec a, b;

	memset(r, 0, sizeof(*r));
	cr_assert_not_null(c);
	url = strncmp(q->path, "http", 4) == 0 ? strdup(q->path) :
	    harness_fmt("%s%s", fakereg_url(reg), q->path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms :
	    10000L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, q->follow ? 1L : 0L);
	if (q->gzip)
		curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	clock_gettime(CLOCK_MONOTONIC, &a);
	r->rc = curl_easy_perform(c);
	clock_gettime(CLOCK_MONOTONIC, &b);
	r->secs = (double)(b.tv_sec - a.tv_sec) +
	    (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
		snprintf(r->ctype, sizeof(r->ctype), "%s", ct);
	if (q->reuse == NULL)
		curl_easy_cleanup(c);
	free(url);
}

/* GET path on a fresh connection. */
static void
get(const char *path, struct resp *r)
{
	struct req q = {.path = path};

	perform(&q, r);
}

static json_t *
body_json(const struct resp *r)
{
	json_error_t e;
	json_t *j = json_loadb(r->body ? r->body : "", r->len, 0, &e);

	cr_assert_not_null(j, "not JSON (%s): %.200s", e.text,
	    r->body ? r->body : "");
	return j;
}

static const char *
nct_of(json_t *study)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(study, "protocolSection"), "identificationModule"),
	    "nctId"));
}

static const char *
last_update_of(json_t *study)
{
	const char *d = json_string_value(json_object_get(json_object_get(
	    json_object_get(json_object_get(study, "protocolSection"),
	    "statusModule"), "lastUpdatePostDateStruct"), "date"));

	return d ? d : "";
}


/* ------------------------------------------------------ API v2 shapes */

Test(fakereg, single_study)
{
	struct resp r;
	json_t *j;

	get("/studies/NCT02982915", &r);
	cr_assert_eq(r.rc, CURLE_OK, "%s", curl_easy_strerror(r.rc));
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(r.ctype, "application/json");
	j = body_json(&r);
	cr_expect_str_eq(nct_of(j), "NCT02982915");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(j, "protocolSection"), "identificationModule"),
	    "acronym")), "HERA");
	cr_expect(json_is_false(json_object_get(j, "hasResults")));
	json_decref(j);
	resp_free(&r);
}

Test(fakereg, records_are_read_at_request_time)
{
	char *path = harness_fmt("%s/NCT04421456.json", regdir);
	struct resp r;
	json_t *j;

	cr_assert_eq(harness_write(path, "{\"protocolSection\":{"
	    "\"identificationModule\":{\"nctId\":\"NCT04421456\"},"
	    "\"statusModule\":{\"overallStatus\":\"TERMINATED\"}},"
	    "\"hasResults\":false}\n"), 0);
	get("/studies/NCT04421456", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(j, "protocolSection"), "statusModule"),
	    "overallStatus")), "TERMINATED");
	json_decref(j);
	resp_free(&r);
	free(path);
}

/* A record of exactly the same size for every date "YYYY-MM-DD". */
static char *
dated_record(const char *date)
{
	return harness_fmt("{\"protocolSection\":{\"identificationModule\":"
	    "{\"nctId\":\"NCT04421456\"},\"statusModule\":{\"overallStatus\":"
	    "\"COMPLETED\",\"lastUpdatePostDateStruct\":{\"date\":\"%s\"}}},"
	    "\"hasResults\":false}\n", date);
}

/* The LastUpdatePostDate a probe of NCT04421456 answers, or "". */
static void
probe_date(char *out, size_t outlen)
{
	struct resp r;
	json_t *j, *s;
	const char *d;

	get("/studies?filter.ids=NCT04421456&fields=NCTId,LastUpdatePostDate",
	    &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	j = body_json(&r);
	s = json_array_get(json_object_get(j, "studies"), 0);
	d = json_string_value(json_object_get(json_object_get(json_object_get(
	    json_object_get(s, "protocolSection"), "statusModule"),
	    "lastUpdatePostDateStruct"), "date"));
	snprintf(out, outlen, "%s", d ? d : "");
	json_decref(j);
	resp_free(&r);
}

/*
 * The probe cache (fakereg.h) must never hide a rewrite: not one that keeps
 * the size, not one that also puts the old mtime back.  The file is aged
 * past the fake's one-second settling time first, so that it is cached.
 */
Test(fakereg, rewritten_file_of_the_same_size_is_seen)
{
	char *path = harness_fmt("%s/NCT04421456.json", regdir);
	char *a = dated_record("2020-01-01"), *b = dated_record("2021-02-02");
	char *c = dated_record("2022-03-03"), date[16];
	struct timespec old[2] = {{.tv_sec = 1600000000}, {.tv_sec =
	    1600000000}};
	struct resp r;
	size_t parsed;

	cr_assert_eq(strlen(a), strlen(b));
	cr_assert_eq(harness_write(path, a), 0);
	usleep(1100 * 1000);
	probe_date(date, sizeof(date));
	cr_expect_str_eq(date, "2020-01-01");
	parsed = fakereg_parsed(reg);
	probe_date(date, sizeof(date));
	cr_expect_str_eq(date, "2020-01-01");
	cr_expect_eq(fakereg_parsed(reg), parsed, "an unchanged file is "
	    "answered from the cache");

	cr_assert_eq(harness_write(path, b), 0);	/* same inode, size */
	probe_date(date, sizeof(date));
	cr_expect_str_eq(date, "2021-02-02");
	get("/studies/NCT04421456", &r);
	cr_expect(r.body && strstr(r.body, "2021-02-02"), "%s", r.body);
	resp_free(&r);

	/* Settled and cached again, then rewritten with the old mtime. */
	cr_assert_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	usleep(1100 * 1000);
	probe_date(date, sizeof(date));
	cr_expect_str_eq(date, "2021-02-02");
	cr_assert_eq(harness_write(path, c), 0);
	cr_assert_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	probe_date(date, sizeof(date));
	cr_expect_str_eq(date, "2022-03-03", "only ctime tells this one");
	get("/studies?filter.ids=NCT04421456", &r);
	cr_expect(r.body && strstr(r.body, "2022-03-03"), "%s", r.body);
	resp_free(&r);
	free(a);
	free(b);
	free(c);
	free(path);
}

/* A whole record goes out as its file's bytes, inside the envelope. */
Test(fakereg, full_records_are_the_file_bytes)
{
	char *path = harness_fmt("%s/NCT04421456.json", regdir);
	const char *text = "{ \"protocolSection\" : {\"identificationModule\""
	    ":{\"nctId\":\"NCT04421456\"}},\n  \"hasResults\": false, "
	    "\"n\": 1.50 }\n";
	char *want;
	struct resp r;

	cr_assert_eq(harness_write(path, text), 0);
	get("/studies/NCT04421456", &r);
	cr_assert_eq(r.status, 200);
	cr_expect_str_eq(r.body, text);
	resp_free(&r);
	get("/studies?filter.ids=NCT04421456", &r);
	want = harness_fmt("{\"studies\":[%s]}", text);
	cr_expect_str_eq(r.body, want);
	free(want);
	resp_free(&r);
	/* Duplicate keys are folded as a re-serialisation always did. */
	cr_assert_eq(harness_write(path, "{\"hasResults\":true,"
	    "\"hasResults\":false}"), 0);
	get("/studies/NCT04421456", &r);
	cr_expect_str_eq(r.body, "{\"hasResults\":false}");
	resp_free(&r);
	/* A file that does not parse is a 500 naming it, not a 200. */
	cr_assert_eq(harness_write(path, "{\"protocolSection\":"), 0);
	get("/studies?filter.ids=NCT04421456", &r);
	cr_expect_eq(r.status, 500);
	cr_expect(r.body && strstr(r.body, "NCT04421456.json:1:"), "%s",
	    r.body);
	resp_free(&r);
	free(path);
}

Test(fakereg, unknown_id_is_404_text)
{
	struct resp r;

	get("/studies/NCT09999999", &r);
	cr_assert_eq(r.rc, CURLE_OK);
	cr_expect_eq(r.status, 404);
	cr_expect_str_eq(r.ctype, "text/plain");
	cr_expect_str_eq(r.body, "NCT number NCT09999999 not found");
	resp_free(&r);
}

/*
 * The registry's own pattern, ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$ (OpenAPI spec
 * 2.0.5): NCT00000000 has no non-zero digit and refuses the whole batch;
 * nine significant digits are too many.
 */
Test(fakereg, malformed_ids_are_400_text)
{
	static const char *const paths[] = {
		"/studies/NCT00000000",
		"/studies/NCT123456789",
		"/studies/NCTX2982915",
		"/studies?filter.ids=NCT02982915,NCT00000000",
		"/studies?filter.ids=NCT02982915,NCT0",
		"/studies?filter.ids=NCT02982915%7CBOGUS",
	};
	struct resp r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get(paths[i], &r);
		cr_expect_eq(r.status, 400, "%s", paths[i]);
		cr_expect_str_eq(r.ctype, "text/plain", "%s", paths[i]);
		cr_expect(r.body && strstr(r.body, "incorrect format"),
		    "%s: %s", paths[i], r.body);
		resp_free(&r);
	}
	/* Parameters the fake does not model are refused, not ignored. */
	get("/studies?query.patient=NCT02982915", &r);
	cr_expect_eq(r.status, 400);
	resp_free(&r);
	get("/studies?postFilter.ids=NCT02982915", &r);
	cr_expect_eq(r.status, 400);
	resp_free(&r);
}

/* What the pattern accepts is read as NCT + 8 digits. */
Test(fakereg, short_and_lower_case_ids_are_read)
{
	struct resp r;
	json_t *j;

	get("/studies/nct2982915", &r);
	cr_expect_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_str_eq(nct_of(j), "NCT02982915");
	json_decref(j);
	resp_free(&r);
	get("/studies?filter.ids=NCT0002982915,nct5233774", &r);
	cr_expect_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_eq(json_array_size(json_object_get(j, "studies")), 2);
	json_decref(j);
	resp_free(&r);
}

/* A path the API does not serve: the web server's HTML 404 page. */
Test(fakereg, wrong_path_is_an_html_404)
{
	static const char *const paths[] = {"/nowhere", "/studies/x/y"};
	struct resp r;
	char *u;

	for (size_t i = 0; i < 2; i++) {
		get(paths[i], &r);
		cr_expect_eq(r.status, 404, "%s", paths[i]);
		cr_expect_str_eq(r.ctype, "text/html", "%s", paths[i]);
		cr_expect(r.body && strstr(r.body, "<h1>404 Not Found</h1>"),
		    "%s", r.body);
		resp_free(&r);
	}
	/* The retired classic API's path, under the same host. */
	u = harness_fmt("http://127.0.0.1:%d/api/query/full_studies?expr="
	    "NCT02982915", fakereg_port(reg));
	get(u, &r);
	cr_expect_eq(r.status, 404);
	cr_expect_str_eq(r.ctype, "text/html");
	resp_free(&r);
	free(u);
}

/*
 * The history endpoints (/api/int, registry/HISTORY.md) read IDs as the
 * API does and answer a path they have no route for with the web
 * server's HTML 404.
 */
Test(fakereg, history_paths_read_ids_as_the_api)
{
	static const struct {
		const char *path;	/* under /api/int */
		long status;
		const char *ctype, *body;
	} cases[] = {
		{"/studies/nct2982915/history", 200, "application/json",
		    "\"changes\""},
		{"/studies/NCT00000000/history", 400, "text/plain",
		    "incorrect format"},
		{"/studies/NCT09999999/history", 404, "text/plain",
		    "NCT number NCT09999999 not found"},
		{"/studies", 404, "text/html", "<h1>404 Not Found</h1>"},
		{"/nowhere", 404, "text/html", "<h1>404 Not Found</h1>"},
		{"/studies/NCT02982915/history/x", 404, "text/html",
		    "<h1>404 Not Found</h1>"},
		{"/studies/NCT02982915/other", 404, "text/html",
		    "<h1>404 Not Found</h1>"},
	};
	struct resp r;
	char *u;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u = harness_fmt("http://127.0.0.1:%d/api/int%s",
		    fakereg_port(reg), cases[i].path);
		get(u, &r);
		free(u);
		cr_expect_eq(r.status, cases[i].status, "%s", cases[i].path);
		cr_expect_str_eq(r.ctype, cases[i].ctype, "%s", cases[i].path);
		cr_expect(r.body && strstr(r.body, cases[i].body), "%s: %s",
		    cases[i].path, r.body);
		resp_free(&r);
	}
}

/* A request target past max_url: 414 from the web server. */
Test(fakereg, long_url_is_414)
{
	char *ids = calloc(1, 12 * 800 + 1), *path;
	struct resp r;
	size_t at = 0;

	cr_assert_not_null(ids);
	for (int i = 0; i < 800; i++)
		at += (size_t)sprintf(ids + at, "%sNCT0%07d", i ? "," : "",
		    1000000 + i);
	path = harness_fmt("/studies?filter.ids=%s", ids);
	get(path, &r);
	cr_expect_eq(r.status, 414, "a %zu-byte target", strlen(path));
	cr_expect_str_eq(r.ctype, "text/html");
	resp_free(&r);
	cr_expect_eq(fakereg_count(reg, "filter.ids="), 1, "logged");
	/* Under a larger limit the same request is answered. */
	fakereg_set_max_url(reg, 16384);
	get(path, &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
	fakereg_set_max_url(reg, 2048);
	get("/studies?filter.ids=NCT02982915", &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
	free(path);
	free(ids);
}

Test(fakereg, alias_moves_to_the_current_id)
{
	struct req q = {.path = "/studies/NCT00000001", .follow = true};
	struct resp r;
	json_t *j;

	cr_assert_eq(fakereg_set_alias(reg, "NCT00000001", "NCT02982915"), 0);
	cr_expect_eq(fakereg_set_alias(reg, "NCT1", "NCT02982915"), -1);
	get("/studies/NCT00000001", &r);
	cr_expect_eq(r.status, 301);
	cr_expect(strstr(r.location, "/api/v2/studies/NCT02982915") != NULL,
	    "Location: %s", r.location);
	cr_expect(strncmp(r.location, fakereg_url(reg),
	    strlen(fakereg_url(reg))) == 0, "Location: %s", r.location);
	resp_free(&r);
	perform(&q, &r);
	cr_expect_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_str_eq(nct_of(j), "NCT02982915");
	json_decref(j);
	resp_free(&r);
	/* In a batch the alias gives the current record, once. */
	get("/studies?filter.ids=NCT00000001|NCT05233774|NCT02982915", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_eq(json_array_size(json_object_get(j, "studies")), 2,
	    "%s", r.body);
	cr_expect_str_eq(nct_of(json_array_get(json_object_get(j, "studies"),
	    0)), "NCT02982915");
	json_decref(j);
	resp_free(&r);
	/*
	 * The alias alone: the current record, under its own ID, listing the
	 * alias in nctIdAliases as the registry's records do.
	 */
	get("/studies?filter.ids=NCT00000001", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_eq(json_array_size(json_object_get(j, "studies")), 1);
	cr_expect_str_eq(nct_of(json_array_get(json_object_get(j, "studies"),
	    0)), "NCT02982915");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(
	    json_object_get(json_object_get(json_array_get(json_object_get(j,
	    "studies"), 0), "protocolSection"), "identificationModule"),
	    "nctIdAliases"), 0)), "NCT00000001", "%s", r.body);
	json_decref(j);
	resp_free(&r);
	/* A probe's projection leaves the aliases out, as asked. */
	get("/studies?filter.ids=NCT00000001&fields=NCTId,LastUpdatePostDate",
	    &r);
	cr_expect(r.body && strstr(r.body, "nctIdAliases") == NULL, "%s",
	    r.body);
	resp_free(&r);
}

Test(fakereg, batch_pages_with_tokens)
{
	static const char *const want[] = {"NCT02982915", "NCT04421456",
	    "NCT05233774"};
	const char *base = "/studies?filter.ids=NCT05233774%7CNCT02982915,"
	    "NCT04421456,NCT09999999&pageSize=1";
	char *path = strdup(base), *token = NULL;
	struct resp r;
	json_t *j, *studies, *tok;
	int page;

	for (page = 0; page < 5; page++) {
		get(path, &r);
		cr_assert_eq(r.status, 200, "page %d: %s", page, r.body);
		cr_expect_str_eq(r.ctype, "application/json");
		j = body_json(&r);
		studies = json_object_get(j, "studies");
		cr_assert(json_is_array(studies));
		/* The last full page had a token: this one is empty. */
		cr_assert_eq(json_array_size(studies), page < 3, "page %d",
		    page);
		if (page < 3)
			cr_expect_str_eq(nct_of(json_array_get(studies, 0)),
			    want[page]);
		tok = json_object_get(j, "nextPageToken");
		free(path);
		free(token);
		token = tok ? strdup(json_string_value(tok)) : NULL;
		path = token ? harness_fmt("%s&pageToken=%s", base, token) :
		    NULL;
		json_decref(j);
		resp_free(&r);
		if (token == NULL)
			break;
	}
	/*
	 * Three full pages, each with a token (the registry does not look
	 * ahead: cyanheads#98), and an empty fourth without one.
	 */
	cr_expect_eq(page, 3, "four pages, no token on the last");
	/* A token only works with the query it came from. */
	get(base, &r);
	j = body_json(&r);
	token = strdup(json_string_value(json_object_get(j, "nextPageToken")));
	json_decref(j);
	resp_free(&r);
	path = harness_fmt("/studies?filter.ids=NCT05233774&pageSize=1&"
	    "pageToken=%s", token);
	get(path, &r);
	cr_expect_eq(r.status, 400);
	resp_free(&r);
	free(path);
	free(token);
	/* Default page size 10: all three on one page, no token. */
	get("/studies?filter.ids=NCT05233774|NCT02982915|NCT04421456", &r);
	j = body_json(&r);
	cr_expect_eq(json_array_size(json_object_get(j, "studies")), 3);
	cr_expect_null(json_object_get(j, "nextPageToken"));
	json_decref(j);
	resp_free(&r);
	/* Only unknown IDs: an empty page. */
	get("/studies?filter.ids=NCT09999999", &r);
	j = body_json(&r);
	cr_expect_eq(r.status, 200);
	cr_expect_eq(json_array_size(json_object_get(j, "studies")), 0);
	json_decref(j);
	resp_free(&r);
}

Test(fakereg, fields_projection)
{
	static const char *const paths[] = {
		"/studies?filter.ids=NCT02982915|NCT05233774&"
		    "fields=NCTId|LastUpdatePostDate",
		"/studies?filter.ids=NCT02982915%2CNCT05233774&"
		    "fields=NCTId,LastUpdatePostDate",
		"/studies?filter.ids=NCT02982915,NCT05233774&"
		    "fields=NCTId%7CLastUpdatePostDate",
	};
	struct resp r;
	json_t *j, *want;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get(paths[i], &r);
		cr_assert_eq(r.status, 200, "%s: %s", paths[i], r.body);
		j = body_json(&r);
		want = json_pack("{s:[{s:{s:{s:s}, s:{s:{s:s}}}}, "
		    "{s:{s:{s:s}, s:{s:{s:s}}}}]}",
		    "studies", "protocolSection", "identificationModule",
		    "nctId", "NCT02982915", "statusModule",
		    "lastUpdatePostDateStruct", "date", "2025-01-15",
		    "protocolSection", "identificationModule", "nctId",
		    "NCT05233774", "statusModule", "lastUpdatePostDateStruct",
		    "date", "2025-03-10");
		cr_expect(json_equal(j, want), "%s: %s", paths[i], r.body);
		json_decref(want);
		json_decref(j);
		resp_free(&r);
	}
	get("/studies/NCT04421456?fields=NCTId,OverallStatus", &r);
	j = body_json(&r);
	want = json_pack("{s:{s:{s:s}, s:{s:s}}}", "protocolSection",
	    "identificationModule", "nctId", "NCT04421456", "statusModule",
	    "overallStatus", "COMPLETED");
	cr_expect(json_equal(j, want), "%s", r.body);
	json_decref(want);
	json_decref(j);
	resp_free(&r);
	get("/studies?filter.ids=NCT02982915&fields=NoSuchField", &r);
	cr_expect_eq(r.status, 400);
	cr_expect_str_eq(r.ctype, "text/plain");
	resp_free(&r);
}

Test(fakereg, listing_without_ids_and_version)
{
	struct resp r;
	json_t *j;

	get("/studies?pageSize=2&countTotal=true", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_eq(json_integer_value(json_object_get(j, "totalCount")), 3);
	cr_expect_eq(json_array_size(json_object_get(j, "studies")), 2);
	cr_expect(json_is_string(json_object_get(j, "nextPageToken")));
	json_decref(j);
	resp_free(&r);
	get("/version", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	cr_expect(json_is_string(json_object_get(j, "apiVersion")));
	cr_expect(json_is_string(json_object_get(j, "dataTimestamp")));
	json_decref(j);
	resp_free(&r);
	get("/nowhere", &r);
	cr_expect_eq(r.status, 404);
	resp_free(&r);
}

static char *
data_timestamp(void)
{
	struct resp r;
	json_t *j;
	char *t;

	get("/version", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	t = strdup(json_string_value(json_object_get(j, "dataTimestamp")));
	json_decref(j);
	resp_free(&r);
	return t;
}

/*
 * dataTimestamp names the data build: it stays while the records and the
 * aliases stay, and moves when they change.
 */
Test(fakereg, version_moves_with_the_data)
{
	char *a, *b, *c, *d, *path, *text;
	struct timespec pause = {1, 200000000};

	/* Settled files (over a second old) keep their build. */
	nanosleep(&pause, NULL);
	a = data_timestamp();
	b = data_timestamp();
	cr_expect_str_eq(a, b);
	path = harness_fmt("%s/NCT02982915.json", regdir);
	text = harness_read(path);
	cr_assert_not_null(text);
	cr_assert_eq(harness_write(path, text), 0);
	free(text);
	c = data_timestamp();
	cr_expect_str_neq(b, c, "a rewritten record is a new build");
	nanosleep(&pause, NULL);
	free(a);
	a = data_timestamp();
	cr_assert_eq(fakereg_set_alias(reg, "NCT00000001", "NCT02982915"), 0);
	d = data_timestamp();
	cr_expect_str_neq(a, d, "an alias is a new build");
	free(a);
	free(b);
	free(c);
	free(d);
	free(path);
}

Test(fakereg, keepalive_connection_is_reused)
{
	CURL *c = curl_easy_init();
	struct req q = {.path = "/studies/NCT02982915", .reuse = c};
	struct resp r;
	long conns = -1;

	for (int i = 0; i < 3; i++) {
		perform(&q, &r);
		cr_expect_eq(r.status, 200);
		curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &conns);
		cr_expect_eq(conns, i == 0 ? 1 : 0, "request %d", i);
		resp_free(&r);
	}
	curl_easy_cleanup(c);
}

/* ------------------------------------------------------------- faults */

Test(fakereg, fault_status_fires_count_times)
{
	struct fakereg_fault f = {0};
	struct resp r;

	f.kind = FAULT_STATUS;
	f.status = 503;
	f.match = "NCT02982915";
	f.count = 2;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	get("/studies/NCT05233774", &r);
	cr_expect_eq(r.status, 200, "no match, no fault");
	resp_free(&r);
	for (int i = 0; i < 2; i++) {
		get("/studies/NCT02982915", &r);
		cr_expect_eq(r.status, 503);
		cr_expect_str_eq(r.ctype, "text/plain");
		resp_free(&r);
	}
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.status, 200, "disarmed after count");
	resp_free(&r);
}

Test(fakereg, fault_first_match_wins_and_zero_count_stays)
{
	struct fakereg_fault f = {0};
	struct resp r;

	f.kind = FAULT_STATUS;
	f.status = 500;
	/* Every request, until cleared; the first added wins. */
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	f.status = 502;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	for (int i = 0; i < 3; i++) {
		get("/version", &r);
		cr_expect_eq(r.status, 500);
		resp_free(&r);
	}
	fakereg_clear_faults(reg);
	get("/version", &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
	f.kind = -1;
	cr_expect_eq(fakereg_add_fault(reg, &f), -1);
}

Test(fakereg, fault_retry_after)
{
	struct fakereg_fault f = {0};
	struct resp r;

	f.kind = FAULT_RETRY_AFTER;
	f.status = 429;
	f.retry_after = 7;
	f.count = 1;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.status, 429);
	cr_expect_str_eq(r.retry_after, "7");
	cr_expect_str_eq(r.ctype, "text/plain");
	resp_free(&r);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
}

/* 429 for a span of time, not a count: what a busy registry does. */
Test(fakereg, fault_for_a_span_of_time)
{
	struct fakereg_fault f = {0};
	struct timespec step = {0, 100000000};
	struct resp r;
	int throttled = 0, i;

	f.kind = FAULT_STATUS;
	f.status = 429;
	f.span_ms = 600;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	for (i = 0; i < 30; i++) {
		get("/studies/NCT02982915", &r);
		if (r.status == 200) {
			resp_free(&r);
			break;
		}
		cr_expect_eq(r.status, 429);
		throttled++;
		resp_free(&r);
		nanosleep(&step, NULL);
	}
	cr_expect_geq(throttled, 4, "throttled %d times", throttled);
	cr_expect_lt(i, 30, "the span ended");
}

/* Paging that never ends: the same token, or a new one every time. */
Test(fakereg, fault_tokens)
{
	struct fakereg_fault f = {0};
	struct resp r;
	json_t *j;
	char first[32];

	f.kind = FAULT_TOKEN_REPEAT;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	for (int i = 0; i < 2; i++) {
		get(i ? "/studies?filter.ids=NCT02982915&pageToken=again" :
		    "/studies?filter.ids=NCT02982915", &r);
		cr_assert_eq(r.status, 200);
		j = body_json(&r);
		cr_expect_eq(json_array_size(json_object_get(j, "studies")),
		    i ? 0 : 1);
		cr_expect_str_eq(json_string_value(json_object_get(j,
		    "nextPageToken")), "again");
		json_decref(j);
		resp_free(&r);
	}
	fakereg_clear_faults(reg);
	f.kind = FAULT_TOKEN_ENDLESS;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	get("/studies?filter.ids=NCT02982915", &r);
	j = body_json(&r);
	snprintf(first, sizeof(first), "%s", json_string_value(
	    json_object_get(j, "nextPageToken")));
	json_decref(j);
	resp_free(&r);
	get("/studies?filter.ids=NCT02982915&pageToken=x", &r);
	j = body_json(&r);
	cr_expect_str_neq(first, json_string_value(json_object_get(j,
	    "nextPageToken")));
	json_decref(j);
	resp_free(&r);
}

/* Two records for one ID in one answer, the older first. */
Test(fakereg, fault_older_twin)
{
	struct fakereg_fault f = {0};
	struct resp r;
	json_t *j, *st;

	f.kind = FAULT_OLDER_TWIN;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	get("/studies?filter.ids=NCT02982915", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	st = json_object_get(j, "studies");
	cr_assert_eq(json_array_size(st), 2);
	cr_expect_str_eq(nct_of(json_array_get(st, 0)), "NCT02982915");
	cr_expect_str_eq(nct_of(json_array_get(st, 1)), "NCT02982915");
	{
		const char *d[2];

		for (int i = 0; i < 2; i++)
			d[i] = json_string_value(json_object_get(json_object_get(
			    json_object_get(json_object_get(json_array_get(st,
			    (size_t)i), "protocolSection"), "statusModule"),
			    "lastUpdatePostDateStruct"), "date"));
		cr_assert(d[0] && d[1]);
		cr_expect_lt(strcmp(d[0], d[1]), 0, "%s, then %s", d[0], d[1]);
		cr_expect_eq(atoi(d[1]) - atoi(d[0]), 7);
	}
	json_decref(j);
	resp_free(&r);
}

struct bg {
	pthread_t t;
	struct req q;
	struct resp r;
};

static void *
bg_main(void *arg)
{
	struct bg *b = arg;

	perform(&b->q, &b->r);
	return NULL;
}

Test(fakereg, fault_delay_does_not_block_others)
{
	struct fakereg_fault f = {0};
	struct bg b = {.q = {.path = "/studies/NCT02982915"}};
	struct resp r;

	f.kind = FAULT_DELAY;
	f.delay_ms = 1200;
	f.match = "NCT02982915";
	f.count = 1;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	cr_assert_eq(pthread_create(&b.t, NULL, bg_main, &b), 0);
	while (fakereg_count(reg, "NCT02982915") == 0)
		usleep(10 * 1000);
	get("/studies/NCT05233774", &r);
	cr_expect_eq(r.status, 200);
	cr_expect_lt(r.secs, 0.5, "served during the delay in %.3f s", r.secs);
	resp_free(&r);
	pthread_join(b.t, NULL);
	cr_expect_eq(b.r.rc, CURLE_OK);
	cr_expect_eq(b.r.status, 200);
	cr_expect_geq(b.r.secs, 1.15, "delayed %.3f s", b.r.secs);
	resp_free(&b.r);
}

Test(fakereg, fault_stall_times_out_and_others_are_served)
{
	struct bg b = {.q = {.path = "/studies/NCT02982915",
	    .timeout_ms = 1500}};
	struct resp r;

	harness_fault(reg, FAULT_STALL, "NCT02982915", 0, 0);
	cr_assert_eq(pthread_create(&b.t, NULL, bg_main, &b), 0);
	while (fakereg_count(reg, "NCT02982915") == 0)
		usleep(10 * 1000);
	get("/studies/NCT05233774", &r);
	cr_expect_eq(r.status, 200);
	cr_expect_lt(r.secs, 0.5, "served during the stall in %.3f s", r.secs);
	resp_free(&r);
	pthread_join(b.t, NULL);
	cr_expect_eq(b.r.rc, CURLE_OPERATION_TIMEDOUT, "%s",
	    curl_easy_strerror(b.r.rc));
	resp_free(&b.r);
	/* A stall still open at stop is released by fakereg_stop. */
	fakereg_clear_log(reg);
	b.q.timeout_ms = 20000;
	cr_assert_eq(pthread_create(&b.t, NULL, bg_main, &b), 0);
	while (fakereg_count(reg, "NCT02982915") == 0)
		usleep(10 * 1000);
	fakereg_stop(reg);
	reg = NULL;
	pthread_join(b.t, NULL);
	cr_expect_eq(b.r.rc, CURLE_GOT_NOTHING, "%s",
	    curl_easy_strerror(b.r.rc));
	cr_expect_lt(b.r.secs, 5.0);
	resp_free(&b.r);
}

Test(fakereg, fault_close)
{
	struct resp r;

	harness_fault(reg, FAULT_CLOSE, NULL, 0, 1);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.rc, CURLE_GOT_NOTHING, "%s", curl_easy_strerror(r.rc));
	resp_free(&r);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
}

Test(fakereg, fault_truncate)
{
	struct resp full, r;

	get("/studies/NCT02982915", &full);
	cr_assert_eq(full.status, 200);
	harness_fault(reg, FAULT_TRUNCATE, NULL, 0, 1);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.rc, CURLE_PARTIAL_FILE, "%s", curl_easy_strerror(r.rc));
	cr_expect_lt(r.len, full.len);
	cr_expect_gt(r.len, 0);
	resp_free(&r);
	resp_free(&full);
}

Test(fakereg, fault_malformed_json)
{
	struct resp r;

	harness_fault(reg, FAULT_MALFORMED_JSON, "filter.ids", 0, 1);
	get("/studies?filter.ids=NCT02982915", &r);
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(r.ctype, "application/json");
	cr_expect_null(json_loadb(r.body, r.len, 0, NULL));
	resp_free(&r);
}

Test(fakereg, fault_wrong_id)
{
	struct resp r;
	json_t *j;
	const char *id;

	harness_fault(reg, FAULT_WRONG_ID, NULL, 0, 2);
	get("/studies/NCT02982915", &r);
	cr_assert_eq(r.status, 200);
	j = body_json(&r);
	id = nct_of(j);
	cr_expect(id && strcmp(id, "NCT02982915") != 0 && strlen(id) == 11,
	    "%s", id ? id : "(none)");
	json_decref(j);
	resp_free(&r);
	get("/studies?filter.ids=NCT05233774", &r);
	j = body_json(&r);
	id = nct_of(json_array_get(json_object_get(j, "studies"), 0));
	cr_expect(id && strcmp(id, "NCT05233774") != 0, "%s", r.body);
	json_decref(j);
	resp_free(&r);
}

Test(fakereg, fault_oversized)
{
	struct fakereg_fault f = {0};
	struct resp r;
	json_t *j;

	f.kind = FAULT_OVERSIZED;
	f.size = 5 * 1024 * 1024 + 3;
	f.count = 1;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.rc, CURLE_OK);
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(r.ctype, "application/json");
	cr_expect_eq(r.len, f.size);
	j = json_loadb(r.body, r.len, 0, NULL);
	cr_expect_not_null(j, "the padding is valid JSON");
	json_decref(j);
	resp_free(&r);
}

Test(fakereg, fault_html_200)
{
	struct resp r;

	harness_fault(reg, FAULT_HTML_200, NULL, 0, 1);
	get("/studies/NCT02982915", &r);
	cr_expect_eq(r.status, 200);
	cr_expect(strncmp(r.ctype, "text/html", 9) == 0, "%s", r.ctype);
	cr_expect(r.body && strstr(r.body, "<html>"), "%s", r.body);
	resp_free(&r);
}

Test(fakereg, fault_bad_gzip)
{
	struct req q = {.path = "/studies/NCT02982915", .gzip = true};
	struct resp r;

	harness_fault(reg, FAULT_BAD_GZIP, NULL, 0, 1);
	perform(&q, &r);
	cr_expect_eq(r.rc, CURLE_BAD_CONTENT_ENCODING, "%s",
	    curl_easy_strerror(r.rc));
	cr_expect_str_eq(r.encoding, "gzip");
	resp_free(&r);
}

/* ---------------------------------------------------------- the log */

Test(fakereg, log_count_and_clear)
{
	struct resp r;
	char *log;

	get("/studies?filter.ids=NCT02982915|NCT05233774&fields=NCTId,"
	    "LastUpdatePostDate", &r);
	resp_free(&r);
	get("/studies/NCT04421456", &r);
	resp_free(&r);
	get("/studies/NCT09999999", &r);
	resp_free(&r);
	cr_expect_eq(fakereg_count(reg, NULL), 3);
	cr_expect_eq(fakereg_count(reg, "fields="), 1);
	cr_expect_eq(fakereg_count(reg, "/studies/NCT"), 2);
	log = fakereg_log(reg);
	cr_expect_str_eq(log, "GET /api/v2/studies?filter.ids=NCT02982915|"
	    "NCT05233774&fields=NCTId,LastUpdatePostDate\n"
	    "GET /api/v2/studies/NCT04421456\n"
	    "GET /api/v2/studies/NCT09999999\n");
	free(log);
	fakereg_clear_log(reg);
	cr_expect_eq(fakereg_count(reg, NULL), 0);
	log = fakereg_log(reg);
	cr_expect_str_eq(log, "");
	free(log);
}

Test(fakereg, max_per_minute)
{
	struct resp r;

	cr_expect_eq(fakereg_max_per_minute(reg), 0);
	for (int i = 0; i < 5; i++) {
		get("/version", &r);
		resp_free(&r);
	}
	cr_expect_eq(fakereg_max_per_minute(reg), 5);
}

Test(fakereg, admin_endpoints)
{
	char *base = harness_fmt("http://127.0.0.1:%d/_fakereg",
	    fakereg_port(reg));
	char *url;
	struct resp r;
	json_t *j;

	url = harness_fmt("%s/fault?kind=status&status=502&count=1&match="
	    "version", base);
	get(url, &r);
	cr_expect_eq(r.status, 200, "%s", r.body);
	resp_free(&r);
	free(url);
	get("/version", &r);
	cr_expect_eq(r.status, 502);
	resp_free(&r);
	get("/version", &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);

	url = harness_fmt("%s/fault?kind=RETRY_AFTER&status=503&"
	    "retry_after=3&count=1", base);
	get(url, &r);
	resp_free(&r);
	free(url);
	get("/version", &r);
	cr_expect_eq(r.status, 503);
	cr_expect_str_eq(r.retry_after, "3");
	resp_free(&r);

	url = harness_fmt("%s/fault?kind=nonsense", base);
	get(url, &r);
	cr_expect_eq(r.status, 400);
	resp_free(&r);
	free(url);

	url = harness_fmt("%s/log", base);
	get(url, &r);
	cr_expect_eq(r.status, 200);
	cr_expect_str_eq(r.body, "GET /api/v2/version\nGET /api/v2/version\n"
	    "GET /api/v2/version\n");
	resp_free(&r);
	free(url);

	url = harness_fmt("%s/stats", base);
	get(url, &r);
	j = body_json(&r);
	cr_expect_eq(json_integer_value(json_object_get(j, "requests")), 3,
	    "admin requests are not logged: %s", r.body);
	cr_expect_eq(json_integer_value(json_object_get(j, "max_per_minute")),
	    3);
	cr_expect(json_is_integer(json_object_get(j, "records_parsed")));
	json_decref(j);
	resp_free(&r);
	free(url);

	url = harness_fmt("%s/alias?alias=NCT00000002&current=NCT05233774",
	    base);
	get(url, &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
	free(url);
	get("/studies/NCT00000002", &r);
	cr_expect_eq(r.status, 301);
	resp_free(&r);

	url = harness_fmt("%s/clear", base);
	get(url, &r);
	cr_expect_eq(r.status, 200);
	resp_free(&r);
	free(url);
	cr_expect_eq(fakereg_count(reg, NULL), 0);
	get("/version", &r);
	cr_expect_eq(r.status, 200, "faults cleared");
	resp_free(&r);
	free(base);
}

/* -------------------------------------------------------- the program */

/* Start the fakereg program; its first stdout line into url. */
static pid_t
spawn(const char *bin, const char *dir, char *url, size_t urlsize)
{
	int fds[2];
	pid_t pid;
	FILE *out;

	cr_assert_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execl(bin, bin, "--port", "0", "--dir", dir, (char *)NULL);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	close(fds[1]);
	out = fdopen(fds[0], "r");
	cr_assert_not_null(fgets(url, (int)urlsize, out), "no URL printed");
	fclose(out);
	url[strcspn(url, "\n")] = '\0';
	return pid;
}

Test(fakereg, program_serves_and_generates)
{
	const char *bin = getenv("CTMIRROR_FAKEREG_BIN");
	char *gendir, *cmd, *path;
	char url[256];
	struct resp r;
	int status;
	pid_t pid;
	json_t *j;

	if (bin == NULL || *bin == '\0')
		cr_skip_test("CTMIRROR_FAKEREG_BIN is not set");
	/* A program that links libcriterion would take this for a sandbox. */
	unsetenv("BXFI_MAP");
	gendir = harness_fmt("%s/gen", regdir);
	cmd = harness_fmt("'%s' --generate 25 --dir '%s'", bin, gendir);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	pid = spawn(bin, gendir, url, sizeof(url));
	cr_expect(strncmp(url, "http://127.0.0.1:", 17) == 0, "%s", url);
	cr_expect(strstr(url, "/api/v2") != NULL, "%s", url);
	path = harness_fmt("%s/studies?pageSize=10&countTotal=true", url);
	get(path, &r);
	cr_expect_eq(r.status, 200);
	j = body_json(&r);
	cr_expect_eq(json_integer_value(json_object_get(j, "totalCount")), 25);
	/* Newest first (the fake's stand-in for relevance). */
	{
		json_t *s = json_object_get(j, "studies");

		for (size_t i = 1; i < json_array_size(s); i++)
			cr_expect_geq(strcmp(last_update_of(json_array_get(s,
			    i - 1)), last_update_of(json_array_get(s, i))), 0);
	}
	json_decref(j);
	resp_free(&r);
	free(path);
	kill(pid, SIGTERM);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "exit status %d", status);
	free(cmd);
	free(gendir);
}

/* ------------------------------------------------------------ searches */

/* The NCT IDs of a /studies answer, in order, as one string. */
static char *
listed(const char *path, long *total)
{
	struct resp r;
	json_t *j, *s;
	char *out = calloc(1, 512);
	size_t len = 0;

	get(path, &r);
	cr_assert_eq(r.status, 200, "%s: %ld %s", path, r.status, r.body);
	j = body_json(&r);
	s = json_object_get(j, "studies");
	for (size_t i = 0; i < json_array_size(s); i++)
		len += (size_t)snprintf(out + len, 512 - len, "%s%s",
		    i ? " " : "", nct_of(json_array_get(s, i)));
	if (total != NULL)
		*total = json_is_integer(json_object_get(j, "totalCount")) ?
		    (long)json_integer_value(json_object_get(j, "totalCount")) :
		    -1;
	json_decref(j);
	resp_free(&r);
	return out;
}

static void
expect_listed(const char *path, const char *want)
{
	char *got = listed(path, NULL);

	cr_expect_str_eq(got, want, "%s", path);
	free(got);
}

/* Essie as the fake reads it, one record at a time. */
Test(fakereg, essie_expressions)
{
	char *path = harness_fmt("%s/NCT02982915.json", regdir);
	char *hera = harness_read(path), err[256];
	static const struct {
		const char *param, *expr;
		int want;
	} cases[] = {
		{"query.cond", "frailty", 1},
		{"query.cond", "FRAILTY aging", 1},		/* all words */
		{"query.cond", "frailty schizophrenia", 0},
		{"query.cond", "\"aging frailty\"", 1},		/* a phrase */
		{"query.cond", "\"frailty aging\"", 0},
		{"query.cond", "schizophrenia OR frailty", 1},
		{"query.cond", "frailty AND NOT influenza", 0},	/* a keyword */
		{"query.cond", "frailty NOT schizophrenia", 1},
		{"query.cond", "lomecel", 1},			/* its title */
		{"query.cond", "LMSCs", 0},			/* not its area */
		{"query.intr", "LMSCs", 1},
		{"query.intr", "lomecel-b", 1},
		{"query.intr", "\"mesenchymal stem cells\"", 1},	/* other name */
		{"query.intr", "cannabidiol OR (placebo AND vaccine)", 1},
		{"query.spons", "university of miami", 1},	/* collaborator */
		{"query.lead", "miami", 0},
		{"query.titles", "HERA", 1},
		{"query.term", "AREA[Phase]PHASE2 AND AREA[OverallStatus]"
		    "COMPLETED", 1},
		{"query.term", "AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]",
		    1},
		{"query.term", "AREA[LastUpdatePostDate]RANGE[2025-01-16, MAX]",
		    0},
		{"query.term", "AREA[LastUpdatePostDate]RANGE[MIN,2025-01-15]",
		    1},
		{"query.term", "AREA[StudyFirstPostDate]RANGE[2016-12, 2016-12]",
		    1},
		{"query.term", "(frailty OR dementia) AND AREA[LastUpdatePost"
		    "Date]RANGE[2025-01-01,MAX]", 1},
		{"filter.advanced", "AREA[HasResults]false", 1},
		{"filter.advanced", "NOT AREA[NCTId]NCT02982915", 0},
	};

	cr_assert_not_null(hera);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(fsearch_matches(cases[i].param, cases[i].expr,
		    hera, err, sizeof(err)), cases[i].want, "%s=%s: %s",
		    cases[i].param, cases[i].expr, err);
	cr_expect_eq(fsearch_matches("query.term", "(frailty", hera, err,
	    sizeof(err)), -1);
	cr_expect(strstr(err, "`(` without its `)`") != NULL, "%s", err);
	cr_expect_eq(fsearch_matches("query.term", "AREA[Nope]x", hera, err,
	    sizeof(err)), -1);
	cr_expect(strstr(err, "unknown field `Nope`") != NULL, "%s", err);
	cr_expect_eq(fsearch_matches("query.term", "AREA[Phase]RANGE[1,2]",
	    hera, err, sizeof(err)), -1);
	cr_expect_eq(fsearch_matches("query.term", "frailty AND", hera, err,
	    sizeof(err)), -1);
	free(hera);
	free(path);
}

Test(fakereg, searches_list_newest_first_and_count)
{
	long total;
	char *got;

	expect_listed("/studies?query.intr=lomecel-b&fields=NCTId",
	    "NCT05233774 NCT02982915");
	expect_listed("/studies?query.cond=schizophrenia", "NCT04421456");
	expect_listed("/studies?query.spons=Longeveron&query.cond=frailty",
	    "NCT02982915");
	expect_listed("/studies?filter.overallStatus=recruiting|COMPLETED",
	    "NCT05233774 NCT02982915 NCT04421456");
	expect_listed("/studies?filter.overallStatus=RECRUITING", "");
	expect_listed("/studies?query.term=AREA%5BLastUpdatePostDate%5DRANGE"
	    "%5B2025-01-01%2CMAX%5D", "NCT05233774 NCT02982915");
	/* filter.ids narrows a search. */
	expect_listed("/studies?query.intr=placebo&filter.ids=NCT04421456,"
	    "NCT02982915", "NCT02982915 NCT04421456");
	/* countTotal on the first page only; pageSize 0 counts. */
	got = listed("/studies?query.intr=placebo&countTotal=true&pageSize=0",
	    &total);
	cr_expect_str_eq(got, "");
	cr_expect_eq(total, 3);
	free(got);
}

Test(fakereg, refused_searches_say_why_in_text)
{
	static const char *const paths[] = {
		"/studies?query.term=(frailty",
		"/studies?query.cond=AREA%5BNope%5Dx",
		"/studies?filter.overallStatus=ONGOING",
		"/studies?filter.advanced=AND",
	};
	struct resp r;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		get(paths[i], &r);
		cr_expect_eq(r.status, 400, "%s", paths[i]);
		cr_expect_str_eq(r.ctype, "text/plain", "%s", paths[i]);
		cr_expect(r.body && strstr(r.body, "Parameter `") != NULL,
		    "%s: %s", paths[i], r.body);
		resp_free(&r);
	}
}

/* Rewrite one served record's last-update date. */
static void
set_last_update(const char *id, const char *date)
{
	char *path = harness_fmt("%s/%s.json", regdir, id);
	json_error_t jerr;
	json_t *root = json_load_file(path, 0, &jerr);

	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	json_object_set_new(json_object_get(json_object_get(json_object_get(
	    root, "protocolSection"), "statusModule"),
	    "lastUpdatePostDateStruct"), "date", json_string(date));
	cr_assert_eq(json_dump_file(root, path, 0), 0);
	json_decref(root);
	free(path);
}

static void
update_cannabidiol(void *arg)
{
	set_last_update("NCT04421456", arg);
}

/*
 * Pages are read from the data as they are when asked: a study updated
 * between two pages moves to the front (newest first), so the next page
 * starts one further on and skips what was there; the first page counted
 * three, and the listing shows two.  A page size may change from page to
 * page; the token holds the rest of the query.
 */
Test(fakereg, a_study_updated_while_paged_moves_across_the_boundary)
{
	struct resp r;
	json_t *j;
	char *tok, *path, *got;
	long total;

	get("/studies?filter.overallStatus=COMPLETED&pageSize=1&"
	    "countTotal=true", &r);
	j = body_json(&r);
	cr_expect_eq(json_integer_value(json_object_get(j, "totalCount")), 3);
	cr_expect_str_eq(nct_of(json_array_get(json_object_get(j, "studies"),
	    0)), "NCT05233774");
	tok = strdup(json_string_value(json_object_get(j, "nextPageToken")));
	json_decref(j);
	resp_free(&r);
	cr_assert_eq(fakereg_before(reg, "pageToken=", update_cannabidiol,
	    "2026-12-01"), 0);
	path = harness_fmt("/studies?filter.overallStatus=COMPLETED&"
	    "pageSize=5&pageToken=%s", tok);
	got = listed(path, &total);
	/* NCT04421456 is now first; offset 1 is NCT05233774 again. */
	cr_expect_str_eq(got, "NCT05233774 NCT02982915");
	cr_expect_eq(total, -1, "countTotal belongs to the first page");
	free(got);
	free(path);
	/* Read again from the first page, it is whole. */
	expect_listed("/studies?filter.overallStatus=COMPLETED&pageSize=5",
	    "NCT04421456 NCT05233774 NCT02982915");
	/* With FAULT_TOKEN_EXPIRED, a token of older data is refused. */
	harness_fault(reg, FAULT_TOKEN_EXPIRED, "pageToken=", 0, 0);
	set_last_update("NCT02982915", "2026-12-02");
	path = harness_fmt("/studies?filter.overallStatus=COMPLETED&"
	    "pageSize=1&pageToken=%s", tok);
	get(path, &r);
	cr_expect_eq(r.status, 400);
	cr_expect(r.body && strstr(r.body, "expired"), "%s", r.body);
	resp_free(&r);
	free(path);
	free(tok);
}

/* Benchmarks warm the fake first: every record read, the index built. */
Test(fakereg, warm_reads_every_record_once)
{
	char *url = harness_fmt("http://127.0.0.1:%d/_fakereg/warm",
	    fakereg_port(reg));
	size_t parsed = fakereg_parsed(reg);
	struct resp r;
	json_t *j;

	get(url, &r);
	cr_assert_eq(r.status, 200, "%s", r.body);
	j = body_json(&r);
	cr_expect_eq(json_integer_value(json_object_get(j, "records")), 3);
	cr_expect_eq(json_integer_value(json_object_get(j, "indexed")), 3);
	json_decref(j);
	resp_free(&r);
	cr_expect_eq(fakereg_parsed(reg), parsed + 3);
	free(url);
}

/*
 * registry.c - the ClinicalTrials.gov API v2 on top of fetch.c: batched
 * last-update probes, batched full records, and the one-by-one questions
 * that tell "not found", "moved" (alias) and "broken" apart.
 */
#include "registry.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"

struct registry {
	struct fetch *f;
	char *base;
	unsigned probe_batch;
	unsigned fetch_batch;
};

/* ------------------------------------------------------------ helpers */

struct registry *
registry_new(struct fetch *f, const struct registry_opts *opts)
{
	struct registry *r = calloc(1, sizeof(*r));
	size_t len;

	if (r == NULL)
		return NULL;
	r->f = f;
	if ((r->base = strdup(opts->base_url ? opts->base_url :
	    REGISTRY_DEFAULT_URL)) == NULL) {
		free(r);
		return NULL;
	}
	len = strlen(r->base);
	while (len > 0 && r->base[len - 1] == '/')
		r->base[--len] = '\0';
	r->probe_batch = opts->probe_batch ? opts->probe_batch : 1000;
	if (r->probe_batch > 1000)
		r->probe_batch = 1000;	/* the API's page cap */
	r->fetch_batch = opts->fetch_batch ? opts->fetch_batch : 100;
	if (r->fetch_batch > 1000)
		r->fetch_batch = 1000;
	return r;
}

void
registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	free(r->base);
	free(r);
}

void
registry_study_link(const char *nct_id, char out[64])
{
	snprintf(out, 64, "https://clinicaltrials.gov/study/%s", nct_id);
}

/* Printf into a new string. */
static char *
xfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xfmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

/* "{base}/studies?filter.ids=A,B&..." for ids[0..n). */
static char *
batch_url(const struct registry *r, char *const *ids, size_t n,
    bool probe, unsigned page_size, const char *token)
{
	size_t cap = strlen(r->base) + 160 + n * 12;
	char *url = malloc(cap), *p;
	char *tok = NULL;

	if (url == NULL)
		return NULL;
	p = url + sprintf(url, "%s/studies?filter.ids=", r->base);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", ids[i]);
	p += sprintf(p, "%s&pageSize=%u", probe ?
	    "&fields=NCTId,LastUpdatePostDate" : "", page_size);
	if (token != NULL) {
		if ((tok = curl_easy_escape(NULL, token, 0)) == NULL) {
			free(url);
			return NULL;
		}
		if (asprintf(&p, "%s&pageToken=%s", url, tok) < 0)
			p = NULL;
		curl_free(tok);
		free(url);
		return p;
	}
	return url;
}

/* Why a response is not a usable JSON answer; NULL when it is. */
static char *
bad_response(const struct fetch_response *resp)
{
	if (resp->error != NULL)
		return xfmt("%s", resp->error);
	if (resp->status != 200) {
		/* The registry explains 400s in its text/plain body. */
		size_t n = strcspn(resp->body, "\r\n");

		return xfmt("HTTP %ld%s%.*s", resp->status, n ? ": " : "",
		    (int)(n > 200 ? 200 : n), resp->body);
	}
	if (resp->content_type == NULL ||
	    strncmp(resp->content_type, "application/json", 16) != 0)
		return xfmt("HTTP 200 but %s, not JSON", resp->content_type ?
		    resp->content_type : "no content type");
	return NULL;
}

/* protocolSection.identificationModule.nctId, or NULL. */
static const char *
study_nct_id(json_t *study)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(study, "protocolSection"), "identificationModule"),
	    "nctId"));
}

static void
set_error(struct registry_item *it, enum registry_outcome o, long status,
    char *text)
{
	free(it->error);
	it->error = text;
	it->outcome = o;
	it->http_status = status;
	if (it->study != NULL) {
		json_decref(it->study);
		it->study = NULL;
	}
}

/* -------------------------------------------------------------- probe */

struct probe_call {
	struct registry *r;
	struct registry_probe_result *out;
	char *const *ids;	/* this batch */
	size_t n;
	int *rc;
};

static int
probe_add(struct registry_probe_result *out, const char *id,
    const char *date)
{
	if ((out->n & (out->n + 1)) == 0 || out->v == NULL) {
		size_t cap = out->n ? (out->n + 1) * 2 : 64;
		struct registry_probe_entry *v;

		if ((v = realloc(out->v, cap * sizeof(*v))) == NULL)
			return -1;
		out->v = v;
	}
	snprintf(out->v[out->n].nct_id, NCT_ID_SIZE, "%s", id);
	snprintf(out->v[out->n].last_update, DATE_SIZE, "%s", date ? date : "");
	out->n++;
	return 0;
}

static void
probe_failed(struct probe_call *pc, char *why)
{
	struct registry_probe_result *out = pc->out;
	struct registry_item *v;

	*pc->rc = -1;
	v = realloc(out->failed, (out->n_failed + pc->n) * sizeof(*v));
	if (v == NULL) {
		free(why);
		return;
	}
	out->failed = v;
	for (size_t i = 0; i < pc->n; i++) {
		struct registry_item *it = &v[out->n_failed++];

		memset(it, 0, sizeof(*it));
		snprintf(it->nct_id, NCT_ID_SIZE, "%s", pc->ids[i]);
		it->outcome = REG_ERROR;
		it->error = xfmt("%s: registry probe failed: %s", pc->ids[i],
		    why ? why : "out of memory");
	}
	free(why);
}

static void probe_page(struct probe_call *pc, const char *token);

static void
on_probe(void *arg, const struct fetch_response *resp)
{
	struct probe_call *pc = arg;
	json_error_t jerr;
	json_t *doc = NULL, *studies;
	const char *token;
	char *why;
	size_t i;

	if ((why = bad_response(resp)) != NULL) {
		probe_failed(pc, why);
		goto out;
	}
	doc = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, &jerr);
	studies = json_object_get(doc, "studies");
	if (!json_is_array(studies)) {
		probe_failed(pc, xfmt("malformed JSON answer (%s)", doc ?
		    "no studies array" : jerr.text));
		goto out;
	}
	for (i = 0; i < json_array_size(studies); i++) {
		json_t *s = json_array_get(studies, i);
		const char *id = study_nct_id(s);
		const char *date = json_string_value(json_object_get(
		    json_object_get(json_object_get(json_object_get(s,
		    "protocolSection"), "statusModule"),
		    "lastUpdatePostDateStruct"), "date"));

		if (id != NULL && probe_add(pc->out, id, date) < 0) {
			probe_failed(pc, NULL);
			goto out;
		}
	}
	token = json_string_value(json_object_get(doc, "nextPageToken"));
	if (token != NULL && *token) {
		probe_page(pc, token);	/* pc lives on with the next page */
		json_decref(doc);
		return;
	}
out:
	json_decref(doc);
	free(pc);
}

static void
probe_page(struct probe_call *pc, const char *token)
{
	char *url = batch_url(pc->r, pc->ids, pc->n, true, pc->r->probe_batch,
	    token);

	if (url == NULL || fetch_get(pc->r->f, url, on_probe, pc) < 0) {
		probe_failed(pc, xfmt("%s", fetch_cancelled(pc->r->f) ?
		    "cancelled" : "cannot queue the request"));
		free(pc);
	}
	free(url);
}

int
registry_probe(struct registry *r, char *const *ids, size_t n,
    struct registry_probe_result *out)
{
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i += r->probe_batch) {
		struct probe_call *pc = calloc(1, sizeof(*pc));

		if (pc == NULL)
			return -1;
		pc->r = r;
		pc->out = out;
		pc->ids = ids + i;
		pc->n = n - i < r->probe_batch ? n - i : r->probe_batch;
		pc->rc = &rc;
		probe_page(pc, NULL);
	}
	if (fetch_run(r->f) < 0)
		return -1;
	return rc;
}

void
registry_probe_finish(struct registry_probe_result *res)
{
	for (size_t i = 0; i < res->n_failed; i++) {
		free(res->failed[i].error);
		json_decref(res->failed[i].study);
	}
	free(res->failed);
	free(res->v);
	memset(res, 0, sizeof(*res));
}

/* -------------------------------------------------------------- fetch */

/* One batch of IDs: its items and how many answers it still waits for. */
struct batch {
	struct fetch_ctx *ctx;
	struct registry_item *items;
	char **ids;		/* pointers into items[].nct_id */
	size_t n;
	unsigned outstanding;
};

struct fetch_ctx {
	struct registry *r;
	registry_batch_fn fn;
	void *arg;
	int rc;
	bool stopped;
};

enum call_kind {
	CALL_RANGE,		/* filter.ids over items[lo..hi) */
	CALL_ONE,		/* /studies/{id} for items[lo] */
	CALL_CURRENT,		/* /studies/{current_id} after a 301 */
};

struct call {
	struct batch *b;
	enum call_kind kind;
	size_t lo, hi;
};

static void call_range(struct batch *b, size_t lo, size_t hi);
static void call_one(struct batch *b, size_t i, enum call_kind kind);
static void on_answer(void *arg, const struct fetch_response *resp);

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].error);
		json_decref(b->items[i].study);
	}
	free(b->items);
	free(b->ids);
	free(b);
}

/* One answer fewer to wait for; the last one hands the batch over. */
static void
batch_settle(struct batch *b)
{
	struct fetch_ctx *ctx = b->ctx;

	if (--b->outstanding > 0)
		return;
	if (!ctx->stopped && ctx->fn(ctx->arg, b->items, b->n) < 0) {
		ctx->stopped = true;
		ctx->rc = -1;
		batch_free(b);
		fetch_cancel(ctx->r->f);
		return;
	}
	batch_free(b);
}

static void
queue_call(struct batch *b, struct call *c, const char *url)
{
	b->outstanding++;
	if (url == NULL || b->ctx->stopped ||
	    fetch_get(b->ctx->r->f, url, on_answer, c) < 0) {
		for (size_t i = c->lo; i < c->hi; i++)
			set_error(&b->items[i], REG_ERROR, 0, xfmt("%s: %s",
			    b->items[i].nct_id, fetch_cancelled(b->ctx->r->f) ?
			    "cancelled" : "cannot queue the request"));
		free(c);
		batch_settle(b);
	}
}

static void
call_range(struct batch *b, size_t lo, size_t hi)
{
	struct call *c = calloc(1, sizeof(*c));
	char *url;

	if (c == NULL)
		return;
	c->b = b;
	c->kind = CALL_RANGE;
	c->lo = lo;
	c->hi = hi;
	url = batch_url(b->ctx->r, b->ids + lo, hi - lo, false,
	    b->ctx->r->fetch_batch, NULL);
	queue_call(b, c, url);
	free(url);
}

static void
call_one(struct batch *b, size_t i, enum call_kind kind)
{
	struct call *c = calloc(1, sizeof(*c));
	struct registry_item *it = &b->items[i];
	char *url;

	if (c == NULL)
		return;
	c->b = b;
	c->kind = kind;
	c->lo = i;
	c->hi = i + 1;
	url = xfmt("%s/studies/%s", b->ctx->r->base, kind == CALL_CURRENT ?
	    it->current_id : it->nct_id);
	queue_call(b, c, url);
	free(url);
}

/* The last path segment of a Location: the ID the registry moved to. */
static bool
alias_target(const char *location, char out[NCT_ID_SIZE])
{
	const char *p, *end;

	if (location == NULL)
		return false;
	end = location + strcspn(location, "?#");
	p = end;
	while (p > location && p[-1] != '/')
		p--;
	if (end - p != NCT_ID_SIZE - 1 || strncmp(p, "NCT", 3) != 0)
		return false;
	memcpy(out, p, NCT_ID_SIZE - 1);
	out[NCT_ID_SIZE - 1] = '\0';
	return true;
}

/* A filter.ids answer: claim each record, then ask for what is missing. */
static void
range_answer(struct call *c, const struct fetch_response *resp)
{
	struct batch *b = c->b;
	json_error_t jerr;
	json_t *doc = NULL, *studies;
	char *why;
	size_t i, k;

	if (resp->status == 400 && resp->error == NULL && c->hi - c->lo > 1) {
		/* One refused ID fails the whole batch: halve to find it. */
		size_t mid = c->lo + (c->hi - c->lo) / 2;

		call_range(b, c->lo, mid);
		call_range(b, mid, c->hi);
		return;
	}
	if ((why = bad_response(resp)) == NULL) {
		doc = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, &jerr);
		studies = json_object_get(doc, "studies");
		if (!json_is_array(studies))
			why = xfmt("malformed JSON answer (%s)", doc ?
			    "no studies array" : jerr.text);
	}
	if (why != NULL) {
		/*
		 * No usable answer.  Without any response (timeout, refused
		 * connection) every ID fails: asking one by one would only
		 * multiply the wait.  With a response, ask one by one so one
		 * bad record does not take its neighbours down with it.
		 */
		for (i = c->lo; i < c->hi; i++) {
			if (resp->status == 0 || c->hi - c->lo == 1)
				set_error(&b->items[i], REG_ERROR, resp->status,
				    xfmt("%s: registry: %s", b->items[i].nct_id,
				    why));
			else
				call_one(b, i, CALL_ONE);
		}
		free(why);
		json_decref(doc);
		return;
	}
	for (k = 0; k < json_array_size(studies); k++) {
		json_t *s = json_array_get(studies, k);
		const char *id = study_nct_id(s);

		for (i = c->lo; id != NULL && i < c->hi; i++)
			if (strcmp(b->items[i].nct_id, id) == 0 &&
			    b->items[i].study == NULL) {
				b->items[i].study = json_incref(s);
				b->items[i].outcome = REG_OK;
				b->items[i].http_status = resp->status;
				break;
			}
	}
	/* Absent from the answer: not found, moved, or refused one by one. */
	for (i = c->lo; i < c->hi; i++)
		if (b->items[i].study == NULL)
			call_one(b, i, CALL_ONE);
	json_decref(doc);
}

/* A /studies/{id} answer. */
static void
one_answer(struct call *c, const struct fetch_response *resp)
{
	struct registry_item *it = &c->b->items[c->lo];
	const char *want = c->kind == CALL_CURRENT ? it->current_id : it->nct_id;
	json_error_t jerr;
	json_t *doc;
	const char *got;
	char *why;

	if (c->kind == CALL_ONE && resp->error == NULL && resp->status == 404) {
		set_error(it, REG_NOT_FOUND, 404, xfmt("%s: not found in the "
		    "registry", it->nct_id));
		return;
	}
	if (c->kind == CALL_ONE && resp->error == NULL &&
	    (resp->status == 301 || resp->status == 302 ||
	    resp->status == 308)) {
		if (!alias_target(resp->location, it->current_id) ||
		    strcmp(it->current_id, it->nct_id) == 0) {
			it->current_id[0] = '\0';
			set_error(it, REG_ERROR, resp->status, xfmt("%s: "
			    "registry redirects to %s, not to an NCT ID",
			    it->nct_id, resp->location ? resp->location :
			    "nowhere"));
			return;
		}
		call_one(c->b, c->lo, CALL_CURRENT);
		return;
	}
	if ((why = bad_response(resp)) != NULL) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry: %s",
		    want, why));
		free(why);
		return;
	}
	if ((doc = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, &jerr)) == NULL ||
	    !json_is_object(doc)) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry sent "
		    "malformed JSON (line %d: %s)", want, jerr.line,
		    doc ? "not an object" : jerr.text));
		json_decref(doc);
		return;
	}
	got = study_nct_id(doc);
	if (got == NULL || strcmp(got, want) != 0) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry "
		    "answered with the record of %s; rejected", want,
		    got ? got : "no NCT ID"));
		json_decref(doc);
		return;
	}
	set_error(it, REG_OK, resp->status, NULL);
	it->study = doc;
}

/* fetch.c's callback for every call of a batch. */
static void
on_answer(void *arg, const struct fetch_response *resp)
{
	struct call *c = arg;
	struct batch *b = c->b;

	if (!b->ctx->stopped) {
		if (c->kind == CALL_RANGE)
			range_answer(c, resp);
		else
			one_answer(c, resp);
	}
	free(c);
	batch_settle(b);
}

int
registry_fetch(struct registry *r, char *const *ids, size_t n,
    registry_batch_fn fn, void *arg)
{
	struct fetch_ctx ctx = {r, fn, arg, 0, false};

	for (size_t i = 0; i < n && !ctx.stopped; i += r->fetch_batch) {
		size_t m = n - i < r->fetch_batch ? n - i : r->fetch_batch;
		struct batch *b = calloc(1, sizeof(*b));

		if (b == NULL || (b->items = calloc(m, sizeof(*b->items))) ==
		    NULL || (b->ids = calloc(m, sizeof(*b->ids))) == NULL) {
			if (b != NULL) {
				free(b->items);
				free(b);
			}
			return -1;
		}
		b->ctx = &ctx;
		b->n = m;
		for (size_t k = 0; k < m; k++) {
			snprintf(b->items[k].nct_id, NCT_ID_SIZE, "%s",
			    ids[i + k]);
			b->items[k].outcome = REG_ERROR;
			b->ids[k] = b->items[k].nct_id;
		}
		/* Held open until its first call is queued. */
		b->outstanding = 1;
		call_range(b, 0, m);
		batch_settle(b);
	}
	if (fetch_run(r->f) < 0 || ctx.stopped)
		return -1;
	return ctx.rc;
}

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
#include <strings.h>

#include "fetch.h"
#include "jsonscan.h"
#include "text.h"

/*
 * Batches of a full fetch open at a time.  A batch holds its records until
 * its last one-by-one question is answered, so opening every batch at once
 * would hold most of a large fetch in memory behind the FIFO queue.
 */
#define FETCH_WINDOW	4

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

/*
 * "NCT" and eight digits.  Anything else would make the registry refuse a
 * whole batch (400), and could reach the URL path unescaped.
 */
static bool
valid_id(const char *s)
{
	return text_nct_id(s);
}

/* "{base}/studies?filter.ids=A,B&..." for ids[0..n) (valid IDs only). */
static char *
batch_url(const struct registry *r, char *const *ids, size_t n,
    bool probe, unsigned page_size, const char *token)
{
	size_t cap = strlen(r->base) + 160 + n * NCT_ID_SIZE;
	char *url, *p;
	char *tok = NULL;

	if ((url = malloc(cap)) == NULL)
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

/* "application/json", with or without parameters (charset). */
static bool
is_json(const char *content_type)
{
	if (content_type == NULL ||
	    strncasecmp(content_type, "application/json", 16) != 0)
		return false;
	return strchr("; \t", content_type[16]) != NULL;
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
	if (!is_json(resp->content_type))
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
	free(it->json);
	it->json = NULL;
	it->json_len = 0;
}

/* ------------------------------------------------------ record texts */

/*
 * The record's first "nctId" member (its value must be "NCT" + 8 digits)
 * into out; false when there is none.  In API v2 that is
 * protocolSection.identificationModule.nctId; a record that names another
 * "nctId" first is refused later by study.c, which checks the real one
 * against the ID that was asked for.
 */
static bool
record_nct_id(const char *s, size_t len, char out[NCT_ID_SIZE])
{
	return jsonscan_string_member(s, len, "nctId", out, NCT_ID_SIZE) &&
	    valid_id(out);
}

/* Give it the record text s[0..len) (copied).  0 / -1 (out of memory). */
static int
set_record(struct registry_item *it, long status, const char *s, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	set_error(it, REG_OK, status, NULL);
	it->json = copy;
	it->json_len = len;
	return 0;
}

/* -------------------------------------------------------------- probe */

/* One probe batch, alive across its pages. */
struct probe_call {
	struct registry *r;
	struct registry_probe_result *out;
	char **ids;		/* this batch: a slice of the valid IDs */
	size_t n;
	bool paged;		/* past its first page: too late to split */
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

/* ids[0..n) failed with `why` (new, freed here; NULL: out of memory). */
static void
probe_fail_ids(struct registry_probe_result *out, char *const *ids, size_t n,
    char *why)
{
	struct registry_item *v;

	v = realloc(out->failed, (out->n_failed + n + 1) * sizeof(*v));
	if (v == NULL) {
		free(why);
		return;
	}
	out->failed = v;
	for (size_t i = 0; i < n; i++) {
		struct registry_item *it = &v[out->n_failed++];

		memset(it, 0, sizeof(*it));
		snprintf(it->nct_id, NCT_ID_SIZE, "%s", ids[i]);
		it->outcome = REG_ERROR;
		it->error = xfmt("%s: registry probe failed: %s", ids[i],
		    why ? why : "out of memory");
	}
	free(why);
}

static void
probe_failed(struct probe_call *pc, long status, char *why)
{
	size_t first = pc->out->n_failed;

	*pc->rc = -1;
	probe_fail_ids(pc->out, pc->ids, pc->n, why);
	for (size_t i = first; i < pc->out->n_failed; i++)
		pc->out->failed[i].http_status = status;
}

static void probe_page(struct probe_call *pc, const char *token);

/* A 400 names no ID: ask each half on its own to confine the refusal. */
static bool
probe_split(struct probe_call *pc)
{
	struct probe_call *half;
	size_t mid = pc->n / 2;

	if ((half = calloc(1, sizeof(*half))) == NULL)
		return false;
	*half = *pc;
	half->ids = pc->ids + mid;
	half->n = pc->n - mid;
	pc->n = mid;
	probe_page(pc, NULL);
	probe_page(half, NULL);
	return true;
}

static void
on_probe(void *arg, const struct fetch_response *resp)
{
	struct probe_call *pc = arg;
	json_error_t jerr;
	json_t *doc = NULL, *studies;
	const char *token;
	char *why;
	size_t i;

	if (fetch_cancelled(pc->r->f)) {
		probe_failed(pc, 0, xfmt("cancelled"));
		goto out;
	}
	if (resp->error == NULL && resp->status == 400 && pc->n > 1 &&
	    !pc->paged && probe_split(pc))
		return;
	if ((why = bad_response(resp)) != NULL) {
		probe_failed(pc, resp->status, why);
		goto out;
	}
	doc = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, &jerr);
	studies = json_object_get(doc, "studies");
	if (!json_is_array(studies)) {
		probe_failed(pc, resp->status, xfmt("malformed JSON answer "
		    "(%s)", doc ? "no studies array" : jerr.text));
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
			probe_failed(pc, resp->status, NULL);
			goto out;
		}
	}
	token = json_string_value(json_object_get(doc, "nextPageToken"));
	if (token != NULL && *token) {
		pc->paged = true;
		probe_page(pc, token);	/* pc lives on with the next page */
		json_decref(doc);
		return;
	}
out:
	json_decref(doc);
	free(pc);
}

/* Ask for one page of pc's batch; on failure pc is settled and freed. */
static void
probe_page(struct probe_call *pc, const char *token)
{
	char *url = batch_url(pc->r, pc->ids, pc->n, true, pc->r->probe_batch,
	    token);

	if (url == NULL || fetch_get(pc->r->f, url, on_probe, pc) < 0) {
		probe_failed(pc, 0, xfmt("%s", fetch_cancelled(pc->r->f) ?
		    "cancelled" : "cannot queue the request"));
		free(pc);
	}
	free(url);
}

int
registry_probe(struct registry *r, char *const *ids, size_t n,
    struct registry_probe_result *out)
{
	char **ok = NULL;
	size_t n_ok = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if ((ok = calloc(n + 1, sizeof(*ok))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (valid_id(ids[i])) {
			ok[n_ok++] = ids[i];
		} else {
			probe_fail_ids(out, &ids[i], 1, xfmt("\"%.40s\" is not "
			    "an NCT ID", ids[i]));
			rc = -1;
		}
	}
	for (size_t i = 0; i < n_ok; i += r->probe_batch) {
		struct probe_call *pc = calloc(1, sizeof(*pc));

		if (pc == NULL) {
			probe_fail_ids(out, ok + i, n_ok - i, NULL);
			rc = -1;
			break;
		}
		pc->r = r;
		pc->out = out;
		pc->ids = ok + i;
		pc->n = n_ok - i < r->probe_batch ? n_ok - i : r->probe_batch;
		pc->rc = &rc;
		probe_page(pc, NULL);
	}
	if (fetch_run(r->f) < 0)
		rc = -1;
	free(ok);
	return rc;
}

void
registry_probe_finish(struct registry_probe_result *res)
{
	for (size_t i = 0; i < res->n_failed; i++) {
		free(res->failed[i].error);
		free(res->failed[i].json);
	}
	free(res->failed);
	free(res->v);
	memset(res, 0, sizeof(*res));
}

/* -------------------------------------------------------------- fetch */

/*
 * One batch of IDs: its items, the valid ones the registry is asked about
 * (sel, with ids their IDs), and how many answers it still waits for.
 */
struct batch {
	struct fetch_ctx *ctx;
	struct registry_item *items;
	size_t n;
	struct registry_item **sel;
	char **ids;
	size_t n_sel;
	unsigned outstanding;
};

/* One registry_fetch: the IDs, the next to put in a batch, open batches. */
struct fetch_ctx {
	struct registry *r;
	char *const *ids;
	size_t n, next;
	unsigned open;
	bool filling;		/* in open_batches, which opens the next */
	registry_batch_fn fn;
	void *arg;
	bool stopped;
};

enum call_kind {
	CALL_RANGE,		/* filter.ids over sel[lo..hi) */
	CALL_ONE,		/* /studies/{id} for sel[lo] */
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
static void open_batches(struct fetch_ctx *ctx);

static bool
halted(const struct fetch_ctx *ctx)
{
	return ctx->stopped || fetch_cancelled(ctx->r->f);
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->items[i].error);
		free(b->items[i].json);
	}
	free(b->items);
	free(b->sel);
	free(b->ids);
	free(b);
}

/*
 * One answer fewer to wait for; the last one hands the batch over and makes
 * room for the next.  Once cancelled, nothing more is handed over: the
 * caller is stopping, and "cancelled" is not news about any trial.
 */
static void
batch_settle(struct batch *b)
{
	struct fetch_ctx *ctx = b->ctx;

	if (--b->outstanding > 0)
		return;
	ctx->open--;
	if (!halted(ctx) && ctx->fn(ctx->arg, b->items, b->n) < 0) {
		ctx->stopped = true;
		fetch_cancel(ctx->r->f);
	}
	batch_free(b);
	if (!ctx->filling)
		open_batches(ctx);
}

static void
queue_call(struct batch *b, struct call *c, const char *url)
{
	b->outstanding++;
	if (url == NULL || halted(b->ctx) ||
	    fetch_get(b->ctx->r->f, url, on_answer, c) < 0) {
		for (size_t i = c->lo; i < c->hi; i++)
			set_error(b->sel[i], REG_ERROR, 0, xfmt("%s: %s",
			    b->sel[i]->nct_id, fetch_cancelled(b->ctx->r->f) ?
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
	struct registry_item *it = b->sel[i];
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
	char id[NCT_ID_SIZE];

	if (location == NULL)
		return false;
	end = location + strcspn(location, "?#");
	p = end;
	while (p > location && p[-1] != '/')
		p--;
	if (end - p != NCT_ID_SIZE - 1)
		return false;
	memcpy(id, p, NCT_ID_SIZE - 1);
	id[NCT_ID_SIZE - 1] = '\0';
	if (!valid_id(id))
		return false;
	memcpy(out, id, NCT_ID_SIZE);
	return true;
}

/*
 * After retries, no response at all, 429 or a gateway/overload status mean
 * the registry is not answering: asking each ID on its own would only
 * multiply the load.  (A 500 may be one record the server cannot render.)
 */
static bool
registry_down(const struct fetch_response *resp)
{
	switch (resp->status) {
	case 0:
	case 429:
	case 502:
	case 503:
	case 504:
		return true;
	default:
		return false;
	}
}

/* A filter.ids answer: claim each record, then ask for what is missing. */
static void
range_answer(struct call *c, const struct fetch_response *resp)
{
	struct batch *b = c->b;
	struct jsonscan_slice *studies = NULL;
	const char *bad;
	char *why;
	size_t i, k, n = 0;

	if (resp->status == 400 && resp->error == NULL && c->hi - c->lo > 1) {
		/* One refused ID fails the whole batch: halve to find it. */
		size_t mid = c->lo + (c->hi - c->lo) / 2;

		call_range(b, c->lo, mid);
		call_range(b, mid, c->hi);
		return;
	}
	if ((why = bad_response(resp)) == NULL &&
	    (bad = jsonscan_array(resp->body, resp->len, "studies", &studies, &n)) != NULL)
		why = xfmt("malformed JSON answer (%s)", bad);
	if (why != NULL) {
		/*
		 * No usable answer.  When the registry is down every ID
		 * fails; otherwise ask one by one so one bad record does not
		 * take its neighbours down with it.
		 */
		for (i = c->lo; i < c->hi; i++) {
			if (registry_down(resp) || c->hi - c->lo == 1)
				set_error(b->sel[i], REG_ERROR, resp->status,
				    xfmt("%s: registry: %s", b->sel[i]->nct_id,
				    why));
			else
				call_one(b, i, CALL_ONE);
		}
		free(why);
		return;
	}
	for (k = 0; k < n; k++) {
		char id[NCT_ID_SIZE];
		bool named = record_nct_id(studies[k].s, studies[k].len, id);

		for (i = c->lo; named && i < c->hi; i++)
			if (strcmp(b->sel[i]->nct_id, id) == 0 &&
			    b->sel[i]->json == NULL) {
				/* Out of memory: asked again one by one. */
				(void)set_record(b->sel[i], resp->status,
				    studies[k].s, studies[k].len);
				break;
			}
	}
	/* Absent from the answer: not found, moved, or refused one by one. */
	for (i = c->lo; i < c->hi; i++)
		if (b->sel[i]->json == NULL)
			call_one(b, i, CALL_ONE);
	free(studies);
}

/* A /studies/{id} answer. */
static void
one_answer(struct call *c, const struct fetch_response *resp)
{
	struct registry_item *it = c->b->sel[c->lo];
	const char *want = c->kind == CALL_CURRENT ? it->current_id :
	    it->nct_id;
	char asked[2 * NCT_ID_SIZE + 16], got[48];
	const char *bad;
	char *why;

	/* Errors name the ID asked for, and where it moved if it did. */
	if (c->kind == CALL_CURRENT)
		snprintf(asked, sizeof(asked), "%s (now %s)", it->nct_id,
		    it->current_id);
	else
		snprintf(asked, sizeof(asked), "%s", it->nct_id);
	if (c->kind == CALL_ONE && resp->error == NULL && resp->status == 404) {
		set_error(it, REG_NOT_FOUND, 404, xfmt("%s: not found in the "
		    "registry", it->nct_id));
		return;
	}
	if (c->kind == CALL_ONE && resp->error == NULL &&
	    (resp->status == 301 || resp->status == 302 ||
	    resp->status == 307 || resp->status == 308)) {
		if (!alias_target(resp->location, it->current_id) ||
		    strcmp(it->current_id, it->nct_id) == 0) {
			it->current_id[0] = '\0';
			set_error(it, REG_ERROR, resp->status, xfmt("%s: "
			    "registry redirects to %.200s, not to another NCT "
			    "ID", it->nct_id, resp->location ? resp->location :
			    "nowhere"));
			return;
		}
		it->http_status = resp->status;
		call_one(c->b, c->lo, CALL_CURRENT);
		return;
	}
	if ((why = bad_response(resp)) != NULL) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry: %s",
		    asked, why));
		free(why);
		return;
	}
	if ((bad = jsonscan_object(resp->body, resp->len)) != NULL) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry sent "
		    "malformed JSON (%s)", asked, bad));
		return;
	}
	/* Whatever the record calls itself, shown as it is (no quotes in it). */
	if (!jsonscan_string_member(resp->body, resp->len, "nctId", got,
	    sizeof(got)) || strcmp(got, want) != 0) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry "
		    "answered with the record of %s; rejected", asked,
		    jsonscan_string_member(resp->body, resp->len, "nctId", got,
		    sizeof(got)) ? got : "no NCT ID"));
		return;
	}
	if (set_record(it, resp->status, resp->body, resp->len) < 0)
		set_error(it, REG_ERROR, resp->status, xfmt("%s: out of memory",
		    asked));
}

/* fetch.c's callback for every call of a batch. */
static void
on_answer(void *arg, const struct fetch_response *resp)
{
	struct call *c = arg;
	struct batch *b = c->b;

	if (!halted(b->ctx)) {
		if (c->kind == CALL_RANGE)
			range_answer(c, resp);
		else
			one_answer(c, resp);
	}
	free(c);
	batch_settle(b);
}

/* The next batch of ctx's IDs, its requests queued; -1 when out of memory. */
static int
open_batch(struct fetch_ctx *ctx)
{
	size_t m = ctx->n - ctx->next < ctx->r->fetch_batch ?
	    ctx->n - ctx->next : ctx->r->fetch_batch;
	char *const *ids = ctx->ids + ctx->next;
	struct batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL ||
	    (b->items = calloc(m, sizeof(*b->items))) == NULL ||
	    (b->sel = calloc(m, sizeof(*b->sel))) == NULL ||
	    (b->ids = calloc(m, sizeof(*b->ids))) == NULL) {
		if (b != NULL)
			batch_free(b);
		return -1;
	}
	b->ctx = ctx;
	b->n = m;
	ctx->next += m;
	ctx->open++;
	for (size_t k = 0; k < m; k++) {
		struct registry_item *it = &b->items[k];

		snprintf(it->nct_id, NCT_ID_SIZE, "%s", ids[k]);
		it->outcome = REG_ERROR;
		if (!valid_id(ids[k])) {
			it->error = xfmt("\"%.40s\": not an NCT ID; not asked",
			    ids[k]);
			continue;
		}
		b->sel[b->n_sel] = it;
		b->ids[b->n_sel++] = it->nct_id;
	}
	/* Held open until its first call is queued. */
	b->outstanding = 1;
	if (b->n_sel > 0)
		call_range(b, 0, b->n_sel);
	batch_settle(b);
	return 0;
}

/* Open batches up to the window; batch_settle calls this as one closes. */
static void
open_batches(struct fetch_ctx *ctx)
{
	ctx->filling = true;
	while (!halted(ctx) && ctx->open < FETCH_WINDOW &&
	    ctx->next < ctx->n) {
		if (open_batch(ctx) < 0) {
			/* Out of memory: stop rather than skip IDs silently. */
			ctx->stopped = true;
			fetch_cancel(ctx->r->f);
		}
	}
	ctx->filling = false;
}

int
registry_fetch(struct registry *r, char *const *ids, size_t n,
    registry_batch_fn fn, void *arg)
{
	struct fetch_ctx ctx;

	memset(&ctx, 0, sizeof(ctx));
	ctx.r = r;
	ctx.ids = ids;
	ctx.n = n;
	ctx.fn = fn;
	ctx.arg = arg;
	open_batches(&ctx);
	if (fetch_run(r->f) < 0 || halted(&ctx) || ctx.next < n)
		return -1;
	return 0;
}

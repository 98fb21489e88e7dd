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

#include "config.h"
#include "fetch.h"
#include "jsonscan.h"
#include "log.h"
#include "text.h"

/*
 * Requests open at a time: probe batches, and batches of a full fetch.  A
 * fetch batch holds its records until its last one-by-one question is
 * answered, so opening every batch at once would hold most of a large
 * fetch in memory behind the FIFO queue; and a registry that refuses us
 * should see four requests, not all of them.
 */
#define WINDOW		4
/* Unanswered requests in a row (after their retries) that stop the cycle. */
#define DOWN_STREAK	4
/* Room left in a probe's URL for the pageToken of a later page. */
#define TOKEN_ROOM	200
/* Pages a probe batch may take beyond those its size needs (empty pages). */
#define PAGE_SLACK	2

struct registry {
	struct fetch *f;
	char *base;		/* as configured: what requests go to */
	char *shown;		/* base without credentials, for messages */
	unsigned probe_batch;
	unsigned fetch_batch;
	size_t max_url;
	unsigned long answered;	/* usable answers this cycle */
	unsigned down;		/* unanswered requests in a row */
	char *stop;		/* why nothing more is asked; NULL: go on */
};

/* ------------------------------------------------------------ helpers */

static char *xfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Printf into a new string. */
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

struct registry *
registry_new(struct fetch *f, const struct registry_opts *opts)
{
	struct registry *r = calloc(1, sizeof(*r));
	size_t len;

	if (r == NULL)
		return NULL;
	r->f = f;
	if ((r->base = strdup(opts->base_url ? opts->base_url :
	    REGISTRY_DEFAULT_URL)) == NULL)
		goto fail;
	len = strlen(r->base);
	while (len > 0 && r->base[len - 1] == '/')
		r->base[--len] = '\0';
	if ((r->shown = config_redact_url(r->base)) == NULL)
		goto fail;
	r->probe_batch = opts->probe_batch ? opts->probe_batch : 1000;
	if (r->probe_batch > 1000)
		r->probe_batch = 1000;	/* the API's page cap */
	r->fetch_batch = opts->fetch_batch ? opts->fetch_batch : 100;
	if (r->fetch_batch > 1000)
		r->fetch_batch = 1000;
	r->max_url = opts->max_url ? opts->max_url : REGISTRY_DEFAULT_MAX_URL;
	return r;
fail:
	registry_free(r);
	return NULL;
}

void
registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	free(r->base);
	free(r->shown);
	free(r->stop);
	free(r);
}

const char *
registry_failure(const struct registry *r)
{
	return r->stop;
}

const char *
registry_shown_url(const struct registry *r)
{
	return r->shown;
}

void
registry_study_link(const char *nct_id, char out[64])
{
	snprintf(out, 64, "https://clinicaltrials.gov/study/%s", nct_id);
}

/* Nothing more is asked this cycle; `why` (new) is reported once. */
static void
stop(struct registry *r, char *why)
{
	if (r->stop == NULL)
		r->stop = why ? why : strdup("out of memory");
	else
		free(why);
}

static bool
stopped(const struct registry *r)
{
	return r->stop != NULL || fetch_cancelled(r->f);
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

/*
 * The first line of registry text, at most `max` bytes, for a message:
 * made safe by log_safe (the text is the registry's, shown on terminals
 * and in mail, and stored as text: a character cut at `max` becomes '?',
 * not invalid UTF-8).  New.
 */
static char *
text_line(const char *s, size_t max)
{
	size_t n = strcspn(s, "\r\n");
	char *out;

	if (n > max)
		n = max;
	if ((out = strndup(s, n)) == NULL)
		return NULL;
	return log_safe(out);
}

/* IDs of `n` that fit one request URL, with room for `extra` bytes. */
static size_t
ids_per_url(const struct registry *r, size_t extra)
{
	size_t fixed = strlen(r->base) + sizeof("/studies?filter.ids=") +
	    sizeof("&pageSize=1000") + extra;

	/* NCT_ID_SIZE: the eleven characters and their comma. */
	return r->max_url > fixed + NCT_ID_SIZE ?
	    (r->max_url - fixed) / NCT_ID_SIZE : 1;
}

#define PROBE_FIELDS "&fields=NCTId,LastUpdatePostDate"

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
	p += sprintf(p, "%s&pageSize=%u", probe ? PROBE_FIELDS : "", page_size);
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

/* ------------------------------------------------------ what came back */

enum answer_use {
	ANSWER,		/* 200 with a JSON body: read it */
	SPLIT,		/* refused for its size or one bad ID: halve it */
	ONE_BY_ONE,	/* no use as a whole: ask each ID on its own */
	UNANSWERED,	/* no answer after the retries: the registry is down */
	STOPPED,	/* the registry refuses us as a client: stop */
};

/*
 * Why a response is not a usable JSON answer, in words that name the real
 * cause (did not answer, answered too slowly, answered too much); NULL
 * when it is usable.  New.
 */
static char *
cause(const struct fetch_response *resp)
{
	char *line, *s;

	if (resp->error != NULL) {
		switch (resp->failure) {
		case FETCH_UNREACHABLE:
			return xfmt("did not answer (%s)", resp->error);
		case FETCH_TIMEOUT:
			return xfmt("answered too slowly: no complete answer "
			    "within the timeout (%s)", resp->error);
		case FETCH_TOO_BIG:
			return xfmt("answered more than it may: %s; raise "
			    "[registry] max_body or lower fetch_batch",
			    resp->error);
		case FETCH_BROKEN:
			return xfmt("the answer broke off (%s)", resp->error);
		case FETCH_TLS:
			return xfmt("TLS: %s", resp->error);
		default:
			return xfmt("%s", resp->error);
		}
	}
	if (resp->status == 200) {
		if (fetch_is_type(resp, "application/json"))
			return NULL;
		return xfmt("HTTP 200 but %s, not JSON", resp->content_type ?
		    resp->content_type : "no content type");
	}
	/* The registry explains its refusals in a text/plain body. */
	if ((line = text_line(resp->body, 200)) == NULL)
		return NULL;
	if (resp->status == 429)
		s = xfmt("still throttling after %u attempts (HTTP 429%s%s)",
		    resp->attempts, line[0] ? ": " : "", line);
	else if (fetch_is_type(resp, "text/html"))
		s = xfmt("HTTP %ld (an HTML page)", resp->status);
	else
		s = xfmt("HTTP %ld%s%s", resp->status, line[0] ? ": " : "",
		    line);
	free(line);
	return s;
}

/*
 * What to do with the answer to a request of `n` IDs at `url`.  A refusal
 * of us, or an outage, stops the registry here (registry_failure), so
 * every caller only has to stop asking.  *why (new): the cause, for the
 * IDs' errors, unless the verdict is ANSWER.
 */
static enum answer_use
judge(struct registry *r, const struct fetch_response *resp, size_t n,
    char **why)
{
	*why = cause(resp);
	if (*why == NULL && !(resp->status == 200 && resp->error == NULL)) {
		*why = strdup("out of memory");
		return ONE_BY_ONE;
	}
	if (*why == NULL) {
		r->answered++;
		r->down = 0;
		return ANSWER;
	}
	if (resp->failure == FETCH_CANCELLED)
		return UNANSWERED;
	switch (resp->status) {
	case 400:
		if (n > 1)
			return SPLIT;
		r->answered++;
		return ONE_BY_ONE;
	case 414:
	case 431:
		if (n > 1)
			return SPLIT;
		stop(r, xfmt("the registry refused a request URL of %zu bytes "
		    "(HTTP %ld): lower [registry] max_url", strlen(resp->url),
		    resp->status));
		return STOPPED;
	case 401:
	case 403:
		stop(r, xfmt("the registry refuses ctmirror's requests: %s "
		    "(set [registry] contact so its operators can reach you)",
		    *why));
		return STOPPED;
	case 404:
		/* /studies exists; only a wrong base_url gets a 404 here. */
		stop(r, xfmt("the registry answered 404 for its API path "
		    "(%s/studies): is base_url right?", r->shown));
		return STOPPED;
	case 0:
	case 429:
	case 502:
	case 503:
	case 504:
		if (resp->failure == FETCH_TOO_BIG)
			break;
		/*
		 * After the retries, still no answer: asking each ID on its
		 * own would only add to the load.  Unreachable or throttling
		 * before anything answered, or several in a row: the registry
		 * is down for this cycle.
		 */
		if ((r->answered == 0 && (resp->failure == FETCH_UNREACHABLE ||
		    resp->status == 429 || resp->status == 503)) ||
		    ++r->down >= DOWN_STREAK)
			stop(r, xfmt("%s%s", *why, r->answered ? " (several "
			    "requests in a row)" : ""));
		return UNANSWERED;
	default:
		break;
	}
	/* An oversized answer is not repaired by asking 100 times. */
	if (resp->failure == FETCH_TOO_BIG)
		return UNANSWERED;
	r->answered++;
	return ONE_BY_ONE;
}

/* ------------------------------------------------------------ version */

struct version_call {
	char *out;
	char *why;
};

static void
on_version(void *arg, const struct fetch_response *resp)
{
	struct version_call *vc = arg;
	json_error_t jerr;
	json_t *doc;
	const char *ts;

	if ((vc->why = cause(resp)) != NULL)
		return;
	doc = json_loadb(resp->body, resp->len, 0, &jerr);
	ts = json_string_value(json_object_get(doc, "dataTimestamp"));
	if (ts == NULL || ts[0] == '\0' ||
	    strlen(ts) >= REGISTRY_BUILD_SIZE ||
	    strspn(ts, "0123456789-T:.Z+") != strlen(ts))
		vc->why = xfmt("no dataTimestamp in its answer to /version");
	else
		snprintf(vc->out, REGISTRY_BUILD_SIZE, "%s", ts);
	json_decref(doc);
}

int
registry_version(struct registry *r, char out[REGISTRY_BUILD_SIZE],
    char **why)
{
	struct version_call vc = {out, NULL};
	char *url = xfmt("%s/version", r->base);

	out[0] = '\0';
	*why = NULL;
	if (url == NULL || fetch_get(r->f, url, on_version, &vc) < 0 ||
	    fetch_run(r->f) < 0) {
		free(vc.why);
		vc.why = xfmt("%s", fetch_cancelled(r->f) ? "cancelled" :
		    "cannot ask");
	}
	free(url);
	if (out[0] != '\0')
		return 0;
	*why = vc.why ? vc.why : strdup("no answer");
	return -1;
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

/* The value at the member path `names` of the record text s[0..len). */
static bool
record_member(const char *s, size_t len, const char *const *names,
    struct jsonscan_slice *out)
{
	struct jsonscan_member *m = NULL;
	const struct jsonscan_member *hit;
	size_t n;
	bool ok = true;

	out->s = s;
	out->len = len;
	for (; *names && ok; names++) {
		if (jsonscan_members(out->s, out->len, &m, &n) != NULL ||
		    (hit = jsonscan_find(m, n, *names)) == NULL)
			ok = false;
		else
			*out = hit->value;
		free(m);
		m = NULL;
	}
	return ok;
}

/* Its lastUpdatePostDate into out ("" when it has none). */
static void
record_last_update(const char *s, size_t len, char out[DATE_SIZE])
{
	static const char *const path[] = {"protocolSection", "statusModule",
	    "lastUpdatePostDateStruct", "date", NULL};
	struct jsonscan_slice v;
	json_t *j;

	out[0] = '\0';
	if (record_member(s, len, path, &v) &&
	    (j = json_loadb(v.s, v.len, JSON_DECODE_ANY, NULL)) != NULL) {
		if (json_is_string(j))
			snprintf(out, DATE_SIZE, "%s", json_string_value(j));
		json_decref(j);
	}
}

/* Its nctIdAliases, the IDs that lead to it (new array, or NULL). */
static json_t *
record_aliases(const char *s, size_t len)
{
	static const char *const path[] = {"protocolSection",
	    "identificationModule", "nctIdAliases", NULL};
	struct jsonscan_slice v;
	json_t *j;

	if (!record_member(s, len, path, &v) ||
	    (j = json_loadb(v.s, v.len, 0, NULL)) == NULL)
		return NULL;
	if (!json_is_array(j)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static void
item_clear(struct registry_item *it)
{
	free(it->error);
	free(it->json);
	free(it->answer);
	it->error = it->json = it->answer = NULL;
	it->json_len = 0;
}

static void
set_error(struct registry_item *it, enum registry_outcome o, long status,
    char *text)
{
	item_clear(it);
	it->error = text;
	it->outcome = o;
	it->http_status = status;
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

/* One registry_probe: its IDs, the next to ask, the calls open. */
struct probe_ctx {
	struct registry *r;
	struct registry_probe_result *out;
	char **ids;		/* the valid IDs */
	size_t n, next, per_call;
	unsigned open;
	bool filling;
	int rc;
};

/* One probe batch, alive across its pages. */
struct probe_call {
	struct probe_ctx *ctx;
	char **ids;		/* this batch: a slice of the valid IDs */
	size_t n;
	unsigned pages;		/* pages asked for so far */
	char **tokens;		/* the tokens followed so far */
};

static void open_probes(struct probe_ctx *ctx);

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
    long status, char *why)
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
		it->http_status = status;
		it->error = xfmt("%s: registry probe failed: %s", ids[i],
		    why ? why : "out of memory");
	}
	free(why);
}

/* pc is done: free it and make room for the next. */
static void
probe_done(struct probe_call *pc)
{
	struct probe_ctx *ctx = pc->ctx;

	for (unsigned i = 0; i < pc->pages; i++)
		free(pc->tokens[i]);
	free(pc->tokens);
	free(pc);
	ctx->open--;
	if (!ctx->filling)
		open_probes(ctx);
}

static void
probe_failed(struct probe_call *pc, long status, char *why)
{
	pc->ctx->rc = -1;
	if (!stopped(pc->ctx->r))
		probe_fail_ids(pc->ctx->out, pc->ids, pc->n, status, why);
	else
		free(why);
	probe_done(pc);
}

static void on_probe(void *arg, const struct fetch_response *resp);

/* Ask for one page of pc's batch; on failure pc is settled. */
static void
probe_page(struct probe_call *pc, const char *token)
{
	struct registry *r = pc->ctx->r;
	char *url = NULL;
	char **tokens;

	if (stopped(r)) {
		probe_failed(pc, 0, xfmt("cancelled"));
		return;
	}
	if ((tokens = realloc(pc->tokens, (pc->pages + 1) *
	    sizeof(*tokens))) == NULL) {
		probe_failed(pc, 0, NULL);
		return;
	}
	pc->tokens = tokens;
	if ((tokens[pc->pages] = token ? strdup(token) : strdup("")) == NULL) {
		probe_failed(pc, 0, NULL);
		return;
	}
	pc->pages++;
	url = batch_url(r, pc->ids, pc->n, true, r->probe_batch, token);
	if (url == NULL || fetch_get(r->f, url, on_probe, pc) < 0)
		probe_failed(pc, 0, xfmt("%s", fetch_cancelled(r->f) ?
		    "cancelled" : "cannot queue the request"));
	free(url);
}

/* A second call for the upper half of pc's IDs; false when out of memory. */
static bool
probe_split(struct probe_call *pc)
{
	struct probe_call *half;
	size_t mid = pc->n / 2;

	if ((half = calloc(1, sizeof(*half))) == NULL)
		return false;
	half->ctx = pc->ctx;
	half->ids = pc->ids + mid;
	half->n = pc->n - mid;
	pc->n = mid;
	pc->ctx->open++;
	free(pc->tokens[0]);
	pc->pages = 0;
	probe_page(pc, NULL);
	probe_page(half, NULL);
	return true;
}

/*
 * Whether a batch's paging has gone wrong: a token it already followed
 * (a loop), or more pages than its IDs can fill (pageSize a page, and a
 * couple of empty pages, which the spec allows).  Stops the registry.
 */
static bool
paging_loops(struct probe_call *pc, const char *token)
{
	struct registry *r = pc->ctx->r;
	unsigned need = (unsigned)((pc->n + r->probe_batch - 1) /
	    r->probe_batch);

	for (unsigned i = 0; i < pc->pages; i++)
		if (strcmp(pc->tokens[i], token) == 0) {
			stop(r, xfmt("the registry's paging does not end: it "
			    "gave the nextPageToken \"%.40s\" again after %u "
			    "pages for a batch of %zu IDs", token, pc->pages,
			    pc->n));
			return true;
		}
	if (pc->pages >= need + PAGE_SLACK) {
		stop(r, xfmt("the registry's paging does not end: still a "
		    "nextPageToken after %u pages for a batch of %zu IDs "
		    "(pageSize %u)", pc->pages, pc->n, r->probe_batch));
		return true;
	}
	return false;
}

static void
on_probe(void *arg, const struct fetch_response *resp)
{
	struct probe_call *pc = arg;
	struct registry *r = pc->ctx->r;
	json_error_t jerr;
	json_t *doc = NULL, *studies;
	const char *token;
	char *why = NULL;
	size_t i;

	if (stopped(r)) {
		probe_failed(pc, 0, xfmt("cancelled"));
		return;
	}
	switch (judge(r, resp, pc->pages > 1 ? 1 : pc->n, &why)) {
	case ANSWER:
		break;
	case SPLIT:
		free(why);
		if (!probe_split(pc))
			probe_failed(pc, resp->status, NULL);
		return;
	default:
		probe_failed(pc, resp->status, why);
		return;
	}
	doc = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, &jerr);
	studies = json_object_get(doc, "studies");
	if (!json_is_array(studies)) {
		probe_failed(pc, resp->status, xfmt("malformed JSON answer "
		    "(%s)", doc ? "no studies array" : jerr.text));
		json_decref(doc);
		return;
	}
	for (i = 0; i < json_array_size(studies); i++) {
		json_t *s = json_array_get(studies, i);
		const char *id = json_string_value(json_object_get(
		    json_object_get(json_object_get(s, "protocolSection"),
		    "identificationModule"), "nctId"));
		const char *date = json_string_value(json_object_get(
		    json_object_get(json_object_get(json_object_get(s,
		    "protocolSection"), "statusModule"),
		    "lastUpdatePostDateStruct"), "date"));

		if (id != NULL && probe_add(pc->ctx->out, id, date) < 0) {
			probe_failed(pc, resp->status, NULL);
			json_decref(doc);
			return;
		}
	}
	token = json_string_value(json_object_get(doc, "nextPageToken"));
	if (token != NULL && *token) {
		if (paging_loops(pc, token))
			probe_failed(pc, resp->status, NULL);
		else
			probe_page(pc, token);	/* pc lives on */
		json_decref(doc);
		return;
	}
	json_decref(doc);
	probe_done(pc);
}

/* Open probe calls up to the window; probe_done calls this as one ends. */
static void
open_probes(struct probe_ctx *ctx)
{
	ctx->filling = true;
	while (ctx->open < WINDOW && ctx->next < ctx->n &&
	    !stopped(ctx->r)) {
		struct probe_call *pc = calloc(1, sizeof(*pc));
		size_t m = ctx->n - ctx->next;

		if (m > ctx->per_call)
			m = ctx->per_call;
		if (pc == NULL) {
			probe_fail_ids(ctx->out, ctx->ids + ctx->next, m, 0,
			    NULL);
			ctx->next += m;
			ctx->rc = -1;
			continue;
		}
		pc->ctx = ctx;
		pc->ids = ctx->ids + ctx->next;
		pc->n = m;
		ctx->next += m;
		ctx->open++;
		probe_page(pc, NULL);
	}
	ctx->filling = false;
}

static int
cmp_probe(const void *a, const void *b)
{
	const struct registry_probe_entry *x = a, *y = b;
	int c = strcmp(x->nct_id, y->nct_id);

	/* The latest date first, for the one kept. */
	return c ? c : strcmp(y->last_update, x->last_update);
}

/* Sorted by ID, one entry per ID: the latest date the answers gave it. */
static void
probe_sort(struct registry_probe_result *out)
{
	size_t i, j;

	if (out->n == 0)
		return;
	qsort(out->v, out->n, sizeof(*out->v), cmp_probe);
	for (i = j = 1; i < out->n; i++)
		if (strcmp(out->v[i].nct_id, out->v[j - 1].nct_id) != 0)
			out->v[j++] = out->v[i];
	out->n = j;
}

int
registry_probe(struct registry *r, char *const *ids, size_t n,
    struct registry_probe_result *out)
{
	struct probe_ctx ctx;
	size_t fit;

	memset(out, 0, sizeof(*out));
	memset(&ctx, 0, sizeof(ctx));
	ctx.r = r;
	ctx.out = out;
	if ((ctx.ids = calloc(n + 1, sizeof(*ctx.ids))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (valid_id(ids[i])) {
			ctx.ids[ctx.n++] = ids[i];
		} else {
			probe_fail_ids(out, &ids[i], 1, 0, xfmt("\"%.40s\" is "
			    "not an NCT ID", ids[i]));
			ctx.rc = -1;
		}
	}
	fit = ids_per_url(r, sizeof(PROBE_FIELDS) + TOKEN_ROOM);
	ctx.per_call = r->probe_batch < fit ? r->probe_batch : fit;
	open_probes(&ctx);
	if (fetch_run(r->f) < 0 || stopped(r))
		ctx.rc = -1;
	probe_sort(out);
	free(ctx.ids);
	return ctx.rc;
}

void
registry_probe_finish(struct registry_probe_result *res)
{
	for (size_t i = 0; i < res->n_failed; i++) {
		free(res->failed[i].error);
		free(res->failed[i].json);
		free(res->failed[i].answer);
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
	size_t n, next, per_batch;
	unsigned open;
	bool filling;		/* in open_batches, which opens the next */
	registry_batch_fn fn;
	void *arg;
	bool stopped;		/* by the callback or out of memory */
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
	return ctx->stopped || stopped(ctx->r);
}

static void
batch_free(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		item_clear(&b->items[i]);
	free(b->items);
	free(b->sel);
	free(b->ids);
	free(b);
}

/*
 * At most one item of the batch carries any one trial's record: an alias
 * asked with its current ID (or a second alias of it) is only an alias.
 * Aliases resolved one by one (301) can meet their current ID here.
 */
static void
one_record_per_trial(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		struct registry_item *it = &b->items[i];
		const char *id = it->current_id[0] ? it->current_id :
		    it->nct_id;

		if (it->outcome != REG_OK || it->current_id[0] == '\0')
			continue;
		for (size_t k = 0; k < b->n; k++) {
			const struct registry_item *o = &b->items[k];

			if (k == i || o->outcome != REG_OK ||
			    strcmp(o->current_id[0] ? o->current_id :
			    o->nct_id, id) != 0)
				continue;
			/* The item of the trial's own ID keeps it, else the first. */
			if (o->current_id[0] == '\0' || k < i) {
				item_clear(it);
				it->outcome = REG_ALIAS;
				break;
			}
		}
	}
}

/*
 * One answer fewer to wait for; the last one hands the batch over and makes
 * room for the next.  Once stopped, nothing more is handed over: the
 * caller is stopping, and "cancelled" is not news about any trial.
 */
static void
batch_settle(struct batch *b)
{
	struct fetch_ctx *ctx = b->ctx;

	if (--b->outstanding > 0)
		return;
	ctx->open--;
	one_record_per_trial(b);
	if (!halted(ctx) && ctx->fn(ctx->arg, b->items, b->n) < 0) {
		/* The caller failed (its database): nothing more is wanted. */
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
	struct registry *r = b->ctx->r;

	b->outstanding++;
	if (url == NULL || halted(b->ctx) ||
	    fetch_get(r->f, url, on_answer, c) < 0) {
		for (size_t i = c->lo; i < c->hi; i++)
			set_error(b->sel[i], REG_ERROR, 0, xfmt("%s: %s",
			    b->sel[i]->nct_id, halted(b->ctx) ? "not asked: "
			    "the cycle stopped" : "cannot queue the request"));
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

/* The asked item of sel[lo..hi) whose ID is id, or NULL. */
static struct registry_item *
asked(struct call *c, const char *id)
{
	for (size_t i = c->lo; i < c->hi; i++)
		if (strcmp(c->b->sel[i]->nct_id, id) == 0)
			return c->b->sel[i];
	return NULL;
}

/*
 * Record k of an answer for `it`, which asked for its own ID: the first
 * record, unless a later one for the same ID was updated later (the rule
 * for an answer carrying two records of one trial).
 */
static void
claim_record(struct registry_item *it, long status,
    const struct jsonscan_slice *rec)
{
	char have[DATE_SIZE], got[DATE_SIZE];

	if (it->json != NULL) {
		it->twins = true;
		record_last_update(it->json, it->json_len, have);
		record_last_update(rec->s, rec->len, got);
		if (strcmp(got, have) <= 0)
			return;
	}
	/* Out of memory: asked again one by one. */
	(void)set_record(it, status, rec->s, rec->len);
}

/*
 * Records no item asked for by their own ID may answer for aliases:
 * filter.ids also searches nctIdAliases and answers with the current
 * record.  Each such item gets the record, under its current ID.
 */
static void
claim_aliases(struct call *c, long status, struct jsonscan_slice *studies,
    const char (*ids)[NCT_ID_SIZE], size_t n)
{
	for (size_t k = 0; k < n; k++) {
		json_t *aliases;
		size_t a;

		if (ids[k][0] == '\0' ||
		    (aliases = record_aliases(studies[k].s, studies[k].len)) ==
		    NULL)
			continue;
		for (a = 0; a < json_array_size(aliases); a++) {
			const char *alias = json_string_value(
			    json_array_get(aliases, a));
			struct registry_item *it = alias ? asked(c, alias) :
			    NULL;

			if (it == NULL || it->json != NULL)
				continue;
			if (set_record(it, status, studies[k].s,
			    studies[k].len) == 0)
				snprintf(it->current_id, NCT_ID_SIZE, "%s",
				    ids[k]);
		}
		json_decref(aliases);
	}
}

/*
 * A batch answer of no use as a whole: ask each ID on its own, so one bad
 * record does not take its neighbours down; a single ID fails with `why`
 * (new, freed here).
 */
static void
one_by_one(struct call *c, long status, char *why)
{
	for (size_t i = c->lo; i < c->hi; i++)
		if (c->hi - c->lo == 1)
			set_error(c->b->sel[i], REG_ERROR, status, xfmt("%s: "
			    "registry: %s", c->b->sel[i]->nct_id, why ? why :
			    "out of memory"));
		else
			call_one(c->b, i, CALL_ONE);
	free(why);
}

/* A filter.ids answer: claim each record, then ask for what is missing. */
static void
range_answer(struct call *c, const struct fetch_response *resp)
{
	struct batch *b = c->b;
	struct jsonscan_slice *studies = NULL;
	char (*ids)[NCT_ID_SIZE] = NULL;
	const char *bad;
	char *why;
	size_t i, k, n = 0;
	bool missing = false;

	switch (judge(b->ctx->r, resp, c->hi - c->lo, &why)) {
	case ANSWER:
		break;
	case SPLIT: {
		/* One refused ID fails the whole batch: halve to find it. */
		size_t mid = c->lo + (c->hi - c->lo) / 2;

		free(why);
		call_range(b, c->lo, mid);
		call_range(b, mid, c->hi);
		return;
	}
	case ONE_BY_ONE:
		one_by_one(c, resp->status, why);
		return;
	default:
		for (i = c->lo; i < c->hi; i++)
			set_error(b->sel[i], REG_ERROR, resp->status,
			    xfmt("%s: registry: %s", b->sel[i]->nct_id, why));
		free(why);
		return;
	}
	if ((bad = jsonscan_array(resp->body, resp->len, "studies", &studies,
	    &n)) != NULL) {
		one_by_one(c, resp->status, xfmt("malformed JSON answer (%s)",
		    bad));
		return;
	}
	if ((ids = calloc(n + 1, sizeof(*ids))) == NULL) {
		free(studies);
		for (i = c->lo; i < c->hi; i++)
			call_one(b, i, CALL_ONE);
		return;
	}
	for (k = 0; k < n; k++) {
		struct registry_item *it;

		if (!record_nct_id(studies[k].s, studies[k].len, ids[k]))
			ids[k][0] = '\0';
		else if ((it = asked(c, ids[k])) != NULL)
			claim_record(it, resp->status, &studies[k]);
	}
	for (i = c->lo; i < c->hi && !missing; i++)
		missing = b->sel[i]->json == NULL;
	if (missing)
		claim_aliases(c, resp->status, studies,
		    (const char (*)[NCT_ID_SIZE])ids, n);
	/* Absent from the answer: not found, moved, or refused one by one. */
	for (i = c->lo; i < c->hi; i++)
		if (b->sel[i]->json == NULL)
			call_one(b, i, CALL_ONE);
	free(ids);
	free(studies);
}

/*
 * A 404 that says the ID is unknown: the registry's text/plain "NCT number
 * ... not found".  Anything else (the web server's HTML page) is about the
 * path, not the ID.
 */
static bool
unknown_id(const struct fetch_response *resp)
{
	return resp->status == 404 && resp->error == NULL &&
	    fetch_is_type(resp, "text/plain") &&
	    strstr(resp->body, "not found") != NULL;
}

/* A /studies/{id} answer. */
static void
one_answer(struct call *c, const struct fetch_response *resp)
{
	struct registry *r = c->b->ctx->r;
	struct registry_item *it = c->b->sel[c->lo];
	const char *want = c->kind == CALL_CURRENT ? it->current_id :
	    it->nct_id;
	char asked_as[2 * NCT_ID_SIZE + 16], got[48];
	const char *bad;
	char *why, *shown;

	/* Errors name the ID asked for, and where it moved if it did. */
	if (c->kind == CALL_CURRENT)
		snprintf(asked_as, sizeof(asked_as), "%s (now %s)", it->nct_id,
		    it->current_id);
	else
		snprintf(asked_as, sizeof(asked_as), "%s", it->nct_id);
	if (unknown_id(resp)) {
		r->answered++;
		r->down = 0;
		if (c->kind == CALL_CURRENT) {
			set_error(it, REG_ERROR, 404, xfmt("%s: the registry "
			    "moved it to an ID it does not know", asked_as));
			return;
		}
		set_error(it, REG_NOT_FOUND, 404, xfmt("%s: not found in the "
		    "registry", it->nct_id));
		it->answer = text_line(resp->body, 120);
		return;
	}
	if (c->kind == CALL_ONE && resp->error == NULL &&
	    (resp->status == 301 || resp->status == 302 ||
	    resp->status == 307 || resp->status == 308)) {
		r->answered++;
		r->down = 0;
		if (!alias_target(resp->location, it->current_id) ||
		    strcmp(it->current_id, it->nct_id) == 0) {
			it->current_id[0] = '\0';
			shown = config_redact_url(resp->location ?
			    resp->location : "nowhere");
			set_error(it, REG_ERROR, resp->status, xfmt("%s: "
			    "registry redirects to %.200s, not to another NCT "
			    "ID", it->nct_id, shown ? shown : "?"));
			free(shown);
			return;
		}
		it->http_status = resp->status;
		call_one(c->b, c->lo, CALL_CURRENT);
		return;
	}
	if (judge(r, resp, 1, &why) != ANSWER) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry: %s",
		    asked_as, why));
		free(why);
		return;
	}
	if ((bad = jsonscan_object(resp->body, resp->len)) != NULL) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry sent "
		    "malformed JSON (%s)", asked_as, bad));
		return;
	}
	/* Whatever the record calls itself, shown as it is (no quotes in it). */
	if (!jsonscan_string_member(resp->body, resp->len, "nctId", got,
	    sizeof(got)) || strcmp(got, want) != 0) {
		set_error(it, REG_ERROR, resp->status, xfmt("%s: registry "
		    "answered with the record of %s; rejected", asked_as,
		    jsonscan_string_member(resp->body, resp->len, "nctId", got,
		    sizeof(got)) ? got : "no NCT ID"));
		return;
	}
	if (set_record(it, resp->status, resp->body, resp->len) < 0)
		set_error(it, REG_ERROR, resp->status, xfmt("%s: out of memory",
		    asked_as));
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
	size_t m = ctx->n - ctx->next < ctx->per_batch ?
	    ctx->n - ctx->next : ctx->per_batch;
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
	while (!halted(ctx) && ctx->open < WINDOW && ctx->next < ctx->n) {
		/* Out of memory: stop rather than skip IDs silently. */
		if (open_batch(ctx) < 0) {
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
	size_t fit = ids_per_url(r, 0);

	memset(&ctx, 0, sizeof(ctx));
	ctx.r = r;
	ctx.ids = ids;
	ctx.n = n;
	ctx.per_batch = r->fetch_batch < fit ? r->fetch_batch : fit;
	ctx.fn = fn;
	ctx.arg = arg;
	open_batches(&ctx);
	if (fetch_run(r->f) < 0 || halted(&ctx) || ctx.next < n)
		return -1;
	return 0;
}

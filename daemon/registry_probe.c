/*
 * registry_probe.c - the last-update probe: GET /studies?filter.ids=..&
 * fields=NCTId,LastUpdatePostDate in batches that fit the URL limit, each
 * followed through its pages; a refused batch is halved.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fetch.h"
#include "plan.h"
#include "registry.h"
#include "registry_int.h"
#include "text.h"

/* Room left in a probe's URL for the pageToken of a later page. */
#define TOKEN_ROOM	200

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
		struct trial_update *v;

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
		it->error = registry_fmt("%s: registry probe failed: %s",
		    ids[i], why ? why : "out of memory");
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
	if (!registry_stopped(pc->ctx->r))
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

	if (registry_stopped(r)) {
		probe_failed(pc, 0, registry_fmt("cancelled"));
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
	url = registry_batch_url(r, pc->ids, pc->n, true, r->probe_batch,
	    token);
	if (url == NULL || fetch_get(r->f, url, on_probe, pc) < 0)
		probe_failed(pc, 0, registry_fmt("%s", fetch_cancelled(r->f) ?
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
			registry_stop(r, registry_fmt("the registry's paging "
			    "does not end: it gave the nextPageToken \"%.40s\" "
			    "again after %u pages for a batch of %zu IDs",
			    token, pc->pages, pc->n));
			return true;
		}
	if (pc->pages >= need + REGISTRY_PAGE_SLACK) {
		registry_stop(r, registry_fmt("the registry's paging does not "
		    "end: still a nextPageToken after %u pages for a batch of "
		    "%zu IDs (pageSize %u)", pc->pages, pc->n,
		    r->probe_batch));
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

	if (registry_stopped(r)) {
		probe_failed(pc, 0, registry_fmt("cancelled"));
		return;
	}
	switch (registry_answer(r, resp, pc->pages > 1 ? 1 : pc->n, &why)) {
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
		probe_failed(pc, resp->status, registry_fmt("malformed JSON "
		    "answer (%s)", doc ? "no studies array" : jerr.text));
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
	while (ctx->open < REGISTRY_WINDOW && ctx->next < ctx->n &&
	    !registry_stopped(ctx->r)) {
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

/* IDs one probe request asks about: probe_batch, or what fits the URL. */
static size_t
per_call(const struct registry *r)
{
	size_t fit = registry_ids_per_url(r, sizeof("&fields="
	    REGISTRY_PROBE_FIELDS) + TOKEN_ROOM);

	return r->probe_batch < fit ? r->probe_batch : fit;
}

int
registry_probe(struct registry *r, char *const *ids, size_t n,
    struct registry_probe_result *out)
{
	struct probe_ctx ctx;

	memset(out, 0, sizeof(*out));
	memset(&ctx, 0, sizeof(ctx));
	ctx.r = r;
	ctx.out = out;
	if ((ctx.ids = calloc(n + 1, sizeof(*ctx.ids))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (text_nct_id(ids[i])) {
			ctx.ids[ctx.n++] = ids[i];
		} else {
			probe_fail_ids(out, &ids[i], 1, 0, registry_fmt(
			    "\"%.40s\" is not an NCT ID", ids[i]));
			ctx.rc = -1;
		}
	}
	ctx.per_call = per_call(r);
	open_probes(&ctx);
	if (fetch_run(r->f) < 0 || registry_stopped(r))
		ctx.rc = -1;
	plan_updates_sort(out->v, &out->n);
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

unsigned
registry_probe_cost(const struct registry *r, size_t n)
{
	size_t per = per_call(r);

	return (unsigned)((n + per - 1) / per);
}

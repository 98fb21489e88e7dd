/*
 * registry_fetch.c - full records by ID: GET /studies?filter.ids=.. in
 * batches of ~100, delivered batch by batch; records matched to the IDs
 * asked by their own ID and their nctIdAliases; the IDs a batch did not
 * answer for asked one by one (/studies/{id}) to tell "not found", an
 * alias (301) and an error apart; a refused batch halved.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fetch.h"
#include "jsonscan.h"
#include "registry.h"
#include "registry_int.h"
#include "text.h"

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
	    text_nct_id(out);
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

/* ------------------------------------------------------------- batches */

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
	return ctx->stopped || registry_stopped(ctx->r);
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
			set_error(b->sel[i], REG_ERROR, 0, registry_fmt(
			    "%s: %s", b->sel[i]->nct_id, halted(b->ctx) ?
			    "not asked: the cycle stopped" :
			    "cannot queue the request"));
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
	url = registry_batch_url(b->ctx->r, b->ids + lo, hi - lo, false,
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
	url = registry_fmt("%s/studies/%s", b->ctx->r->base,
	    kind == CALL_CURRENT ? it->current_id : it->nct_id);
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
	if (!text_nct_id(id))
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
			set_error(c->b->sel[i], REG_ERROR, status,
			    registry_fmt("%s: registry: %s",
			    c->b->sel[i]->nct_id, why ? why : "out of memory"));
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

	switch (registry_answer(b->ctx->r, resp, c->hi - c->lo, &why)) {
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
			    registry_fmt("%s: registry: %s", b->sel[i]->nct_id,
			    why));
		free(why);
		return;
	}
	if ((bad = jsonscan_array(resp->body, resp->len, "studies", &studies,
	    &n)) != NULL) {
		one_by_one(c, resp->status, registry_fmt("malformed JSON "
		    "answer (%s)", bad));
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
			set_error(it, REG_ERROR, 404, registry_fmt("%s: the "
			    "registry moved it to an ID it does not know",
			    asked_as));
			return;
		}
		set_error(it, REG_NOT_FOUND, 404, registry_fmt("%s: not found "
		    "in the registry", it->nct_id));
		it->answer = registry_text_line(resp->body, 120);
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
			set_error(it, REG_ERROR, resp->status, registry_fmt(
			    "%s: registry redirects to %.200s, not to another "
			    "NCT ID", it->nct_id, shown ? shown : "?"));
			free(shown);
			return;
		}
		it->http_status = resp->status;
		call_one(c->b, c->lo, CALL_CURRENT);
		return;
	}
	if (registry_answer(r, resp, 1, &why) != ANSWER) {
		set_error(it, REG_ERROR, resp->status, registry_fmt(
		    "%s: registry: %s", asked_as, why));
		free(why);
		return;
	}
	if ((bad = jsonscan_object(resp->body, resp->len)) != NULL) {
		set_error(it, REG_ERROR, resp->status, registry_fmt(
		    "%s: registry sent malformed JSON (%s)", asked_as, bad));
		return;
	}
	/* Whatever the record calls itself, shown as it is (no quotes in it). */
	if (!jsonscan_string_member(resp->body, resp->len, "nctId", got,
	    sizeof(got)) || strcmp(got, want) != 0) {
		set_error(it, REG_ERROR, resp->status, registry_fmt(
		    "%s: registry answered with the record of %s; rejected",
		    asked_as,
		    jsonscan_string_member(resp->body, resp->len, "nctId", got,
		    sizeof(got)) ? got : "no NCT ID"));
		return;
	}
	if (set_record(it, resp->status, resp->body, resp->len) < 0)
		set_error(it, REG_ERROR, resp->status, registry_fmt(
		    "%s: out of memory", asked_as));
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
		if (!text_nct_id(ids[k])) {
			it->error = registry_fmt("\"%.40s\": not an NCT ID; "
			    "not asked", ids[k]);
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
	while (!halted(ctx) && ctx->open < REGISTRY_WINDOW &&
	    ctx->next < ctx->n) {
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
	size_t fit = registry_ids_per_url(r, 0);

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

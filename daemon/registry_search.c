/*
 * registry_search.c - searches: the studies a query matches, with their
 * last-update dates, GET /studies?QUERY&fields=NCTId,LastUpdatePostDate
 * paged by nextPageToken, one page after the other (each page's token
 * comes with the one before).  A listing the registry's data moved under
 * (shorter than the count of its first page, or a page token refused) is
 * read again from its first page.
 */
#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "plan.h"
#include "registry.h"
#include "registry_int.h"
#include "text.h"

/* Reads of one listing at most: the first and two more. */
#define READS 3

/* One page of a listing: what came back. */
struct page {
	struct registry *r;
	struct trial_update *v;		/* the read's entries so far */
	size_t n, cap;
	long total;			/* totalCount, -1 until a page gives one */
	char *token;			/* nextPageToken, new; NULL: last page */
	char *why;			/* not usable: why (new) */
	enum registry_use use;
	long status;
};

static void
on_page(void *arg, const struct fetch_response *resp)
{
	struct page *pg = arg;
	json_error_t jerr;
	json_t *doc = NULL, *studies, *total;
	const char *tok;
	size_t i, k;

	pg->status = resp->status;
	if ((pg->use = registry_answer(pg->r, resp, 1, &pg->why)) != ANSWER)
		return;
	doc = json_loadb(resp->body, resp->len, JSON_REJECT_DUPLICATES, &jerr);
	studies = json_object_get(doc, "studies");
	if (!json_is_array(studies)) {
		pg->use = ONE_BY_ONE;
		pg->why = registry_fmt("malformed JSON answer (%s)", doc ?
		    "no studies array" : jerr.text);
		goto out;
	}
	if (json_is_integer(total = json_object_get(doc, "totalCount")) &&
	    json_integer_value(total) >= 0)
		pg->total = (long)json_integer_value(total);
	k = json_array_size(studies);
	if (pg->n + k > pg->cap) {
		size_t cap = pg->cap ? pg->cap : 1024;
		struct trial_update *v;

		while (cap < pg->n + k)
			cap *= 2;
		if ((v = realloc(pg->v, cap * sizeof(*v))) == NULL) {
			pg->use = UNANSWERED;
			pg->why = strdup("out of memory");
			goto out;
		}
		pg->v = v;
		pg->cap = cap;
	}
	for (i = 0; i < k; i++) {
		json_t *s = json_array_get(studies, i);
		json_t *ps = json_object_get(s, "protocolSection");
		const char *id = json_string_value(json_object_get(
		    json_object_get(ps, "identificationModule"), "nctId"));
		const char *date = json_string_value(json_object_get(
		    json_object_get(json_object_get(ps, "statusModule"),
		    "lastUpdatePostDateStruct"), "date"));
		struct trial_update *e = &pg->v[pg->n];

		/* Not an ID: nothing ctmirror could ask for by it. */
		if (id == NULL || !text_nct_id(id))
			continue;
		memcpy(e->nct_id, id, NCT_ID_SIZE);
		snprintf(e->last_update, DATE_SIZE, "%s", date &&
		    strlen(date) < DATE_SIZE ? date : "");
		pg->n++;
	}
	if ((tok = json_string_value(json_object_get(doc, "nextPageToken"))) !=
	    NULL && *tok && (pg->token = strdup(tok)) == NULL) {
		pg->use = UNANSWERED;
		pg->why = strdup("out of memory");
	}
out:
	json_decref(doc);
}

/* "{base}/studies?QUERY&fields=..&pageSize=N[&countTotal=true][&pageToken=T]". */
static char *
page_url(const struct registry *r, const char *query, unsigned size,
    const char *token)
{
	char *tok = token ? curl_easy_escape(NULL, token, 0) : NULL;
	char *url;

	if (token != NULL && tok == NULL)
		return NULL;
	url = registry_fmt("%s/studies?%s%sfields=" REGISTRY_PROBE_FIELDS
	    "&pageSize=%u%s%s", r->base, query, query[0] ? "&" : "", size,
	    token ? "&pageToken=" : "&countTotal=true", token ? tok : "");
	curl_free(tok);
	return url;
}

/* Ask one page; pg->use says what came of it.  0 / -1 (not asked). */
static int
ask(struct registry *r, const char *url, struct page *pg)
{
	free(pg->token);
	pg->token = NULL;
	free(pg->why);
	pg->why = NULL;
	pg->use = UNANSWERED;
	if (fetch_get(r->f, url, on_page, pg) < 0 || fetch_run(r->f) < 0)
		return -1;
	return 0;
}

/*
 * One read of the listing from its first page.  0: read to its end; 1:
 * the registry moved the data under it (a page token refused); 2: larger
 * than max_pages; -1: refused (*refused set), stopped or cancelled.
 */
static int
read_listing(struct registry *r, const char *query, unsigned max_pages,
    struct page *pg, unsigned *requests, char **refused)
{
	char **seen = NULL;
	char *url = NULL;
	unsigned pages = 0, size = r->probe_batch;
	int rc = -1;

	pg->n = 0;
	pg->total = -1;
	for (;;) {
		char **grown;
		unsigned need;

		free(url);
		if ((url = page_url(r, query, size, pages ? seen[pages - 1] :
		    NULL)) == NULL)
			goto nomem;
		/* The registry's URL limit is no reason to refuse a search. */
		if (strlen(url) > r->max_url) {
			*refused = registry_fmt("its request URL is %zu bytes, more than [registry] max_url (%zu)", strlen(url), r->max_url);
			goto out;
		}
		if (ask(r, url, pg) < 0 || registry_stopped(r))
			goto out;
		(*requests)++;
		if (pg->use != ANSWER) {
			/* A later page refused: its token died with the data. */
			if (pages > 0 && pg->use == ONE_BY_ONE &&
			    pg->status == 400) {
				rc = 1;
				goto out;
			}
			if (pg->use == ONE_BY_ONE)
				*refused = pg->why ? strdup(pg->why) :
				    strdup("no answer");
			goto out;
		}
		if (pages == 0 && pg->total >= 0 && max_pages > 0 &&
		    (unsigned long)pg->total > (unsigned long)max_pages * size) {
			rc = 2;
			goto out;
		}
		if (pg->token == NULL)
			break;
		/* A token seen before, or pages past what the count needs. */
		need = pg->total < 0 ? 0 : (unsigned)((pg->total + size - 1) /
		    size);
		for (unsigned i = 0; i < pages; i++)
			if (strcmp(seen[i], pg->token) == 0) {
				registry_stop(r, registry_fmt("the registry's paging does not end: it gave the nextPageToken \"%.40s\" again after %u pages of a search", pg->token, pages + 1));
				goto out;
			}
		if (pg->total >= 0 && pages + 1 >= need + REGISTRY_PAGE_SLACK) {
			registry_stop(r, registry_fmt("the registry's paging does not end: still a nextPageToken after %u pages of a search it counted %ld studies for (pageSize %u)", pages + 1, pg->total, size));
			goto out;
		}
		if ((grown = realloc(seen, (pages + 1) * sizeof(*seen))) ==
		    NULL)
			goto nomem;
		seen = grown;
		seen[pages++] = pg->token;
		pg->token = NULL;
	}
	rc = 0;
	goto out;
nomem:
	registry_stop(r, strdup("out of memory"));
out:
	for (unsigned i = 0; i < pages; i++)
		free(seen[i]);
	free(seen);
	free(url);
	return rc;
}

int
registry_search(struct registry *r, const char *query, unsigned max_pages,
    struct registry_search_result *out, char **refused)
{
	struct page pg;
	int rc = -1, got = 1;

	memset(out, 0, sizeof(*out));
	memset(&pg, 0, sizeof(pg));
	*refused = NULL;
	pg.r = r;
	for (unsigned read = 0; read < READS; read++) {
		if (read > 0)
			out->rereads++;
		got = read_listing(r, query, max_pages, &pg, &out->requests,
		    refused);
		if (got < 0)
			goto out;
		if (got == 2) {
			out->total = (size_t)pg.total;
			rc = 1;
			goto out;
		}
		if (got == 1)
			continue;	/* the token died: read it again */
		plan_updates_sort(pg.v, &pg.n);
		out->total = pg.total < 0 ? pg.n : (size_t)pg.total;
		/* Fewer than counted: studies moved across a page boundary. */
		if (pg.n >= out->total)
			break;
	}
	out->complete = got == 0 && pg.n >= out->total;
	out->v = pg.v;
	out->n = got == 0 ? pg.n : 0;
	pg.v = NULL;
	rc = 0;
out:
	free(pg.v);
	free(pg.token);
	free(pg.why);
	return rc;
}

void
registry_search_finish(struct registry_search_result *res)
{
	free(res->v);
	memset(res, 0, sizeof(*res));
}

int
registry_search_count(struct registry *r, const char *query, size_t *count,
    char **refused)
{
	struct page pg;
	char *url;
	int rc = -1;

	memset(&pg, 0, sizeof(pg));
	pg.r = r;
	pg.total = -1;
	*refused = NULL;
	*count = 0;
	if ((url = page_url(r, query, 0, NULL)) == NULL) {
		registry_stop(r, strdup("out of memory"));
		return -1;
	}
	if (strlen(url) > r->max_url)
		*refused = registry_fmt("its request URL is %zu bytes, more than [registry] max_url (%zu)", strlen(url), r->max_url);
	else if (ask(r, url, &pg) == 0 && !registry_stopped(r)) {
		if (pg.use == ANSWER && pg.total >= 0) {
			*count = (size_t)pg.total;
			rc = 0;
		} else if (pg.use == ANSWER) {
			*refused = strdup("no totalCount in its answer");
		} else if (pg.use == ONE_BY_ONE) {
			*refused = pg.why ? strdup(pg.why) : strdup("no answer");
		}
	}
	free(url);
	free(pg.v);
	free(pg.token);
	free(pg.why);
	return rc;
}

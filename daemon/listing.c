/*
 * listing.c - a cycle's listings of the registry: each configured
 * search's matches, and the dates of the tracked trials from a listing of
 * what changed since the last good cycle or from a probe of each ID,
 * whichever takes fewer requests (listing.h).
 */
#include "listing.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fetch.h"
#include "log.h"
#include "plan.h"
#include "registry.h"
#include "search.h"
#include "store.h"

/* One search's listing this cycle. */
struct listed {
	const struct config_search *cs;
	struct registry_search_result res;
	char since[DATE_SIZE];	/* listed the studies updated since; "" = whole */
	bool ok;		/* listed and recorded */
};

struct listing {
	struct listing_opts o;
	struct listed *lists;	/* one per configured search */
	size_t n_lists;
	struct trial_update *seen;
	size_t n_seen;
	struct listing_counts counts;
	char why[512];
};

static void fail(struct listing *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fail(struct listing *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
}

/* The registry stopped (refused us, down) or the cycle was cancelled. */
static int
stopped(struct listing *l)
{
	const char *why = registry_failure(l->o.reg);

	if (why != NULL)
		fail(l, "registry: %s", why);
	else
		fail(l, "%s", "cancelled");
	return -1;
}

static int
db_failed(struct listing *l)
{
	fail(l, "database: %s", store_errmsg(l->o.s));
	return -1;
}

struct listing *
listing_new(const struct listing_opts *o)
{
	struct listing *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	l->o = *o;
	if ((l->lists = calloc(o->cfg->n_searches + 1,
	    sizeof(*l->lists))) == NULL) {
		free(l);
		return NULL;
	}
	return l;
}

void
listing_free(struct listing *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n_lists; i++)
		registry_search_finish(&l->lists[i].res);
	free(l->lists);
	free(l->seen);
	free(l);
}

const char *
listing_why(const struct listing *l)
{
	return l->why;
}

const struct listing_counts *
listing_counts(const struct listing *l)
{
	return &l->counts;
}

/* Pointers to the IDs of v[0..n), for the store.  New or NULL. */
static char **
id_list(const struct trial_update *v, size_t n)
{
	char **ids = calloc(n + 1, sizeof(*ids));

	for (size_t i = 0; ids != NULL && i < n; i++)
		ids[i] = (char *)v[i].nct_id;
	return ids;
}

/* "search msc (ctmirror.conf:12)": where a message names a search. */
static void
search_where(const struct listing *l, const struct config_search *cs,
    char *out, size_t size)
{
	if (l->o.cfg->path != NULL && cs->line > 0)
		snprintf(out, size, "search %s (%s:%d)", cs->name,
		    l->o.cfg->path, cs->line);
	else
		snprintf(out, size, "search %s", cs->name);
}

/* List one search and record what it matches.  0; -1: stop the cycle. */
static int
list_one(struct listing *l, struct listed *ls)
{
	const struct config_search *cs = ls->cs;
	struct store_search st;
	char *query = NULL, *refused = NULL, **ids = NULL, where[600];
	char subject[64], msg[1024];
	unsigned added = 0, tracked = 0, left = 0;
	int rc = -1, got;

	search_where(l, cs, where, sizeof(where));
	if (store_search_get(l->o.s, cs->name, &st) < 0)
		return db_failed(l);
	/* Since the day before its last complete listing, once it had one. */
	if (st.baseline && st.since[0] != '\0') {
		memcpy(ls->since, st.since, DATE_SIZE);
		query = search_since(cs->query, st.since);
	} else {
		query = strdup(cs->query);
	}
	if (query == NULL) {
		fail(l, "%s", "out of memory");
		goto out;
	}
	got = registry_search(l->o.reg, query, 0, &ls->res, &refused);
	l->counts.requests += ls->res.requests;
	if (got < 0 && refused == NULL) {
		rc = stopped(l);
		goto out;
	}
	if (got < 0) {
		snprintf(subject, sizeof(subject), "search.%s", cs->name);
		snprintf(msg, sizeof(msg), "%s: the registry refused it: %s",
		    where, refused);
		l->o.error(l->o.arg, subject, "search", msg);
		rc = 0;
		goto out;
	}
	if (!ls->res.complete)
		log_warnx(
		    "%s: the listing came back with %zu of the %zu studies its first page counted, after %u reads (the registry's data moved while it was paged): no trial is taken as no longer matching, and the next cycle lists from the same day",
		    where, ls->res.n, ls->res.total,
		    ls->res.rereads + 1);
	if ((ids = id_list(ls->res.v, ls->res.n)) == NULL) {
		fail(l, "%s", "out of memory");
		goto out;
	}
	if (store_search_listed(l->o.s, l->o.run_id, cs->name, ids,
	    ls->res.n, ls->since[0] == '\0', ls->res.complete, l->o.sinks,
	    l->o.n_sinks, &added, &tracked, &left) < 0) {
		rc = db_failed(l);
		goto out;
	}
	ls->ok = true;
	l->counts.searches++;
	l->counts.matched += added;
	l->counts.tracked += tracked;
	l->counts.left += left;
	log_info(
	    "search=%s: %zu studies listed (%s%s) in %u requests; %u newly matching%s, %u newly tracked, %u no longer matching",
	    cs->name, ls->res.n, ls->since[0] ? "updated since " : "every "
	    "match", ls->since, ls->res.requests, added, st.baseline ? "" :
	    " (its first listing: not announced)", tracked, left);
	rc = 0;
out:
	free(ids);
	free(refused);
	free(query);
	return rc;
}

int
listing_searches(struct listing *l)
{
	for (size_t i = 0; i < l->o.cfg->n_searches; i++) {
		struct listed *ls = &l->lists[l->n_lists++];

		ls->cs = &l->o.cfg->searches[i];
		if (list_one(l, ls) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- dates */

/* Append v[0..n) to the dates seen.  0 / -1 (memory). */
static int
seen_add(struct listing *l, const struct trial_update *v, size_t n)
{
	struct trial_update *grown;

	if (n == 0)
		return 0;
	if ((grown = realloc(l->seen, (l->n_seen + n) * sizeof(*grown))) ==
	    NULL)
		return -1;
	memcpy(grown + l->n_seen, v, n * sizeof(*v));
	l->seen = grown;
	l->n_seen += n;
	return 0;
}

/*
 * The day a listing of changes must start from: the day before the last
 * good cycle, or before a search's last complete listing when that is
 * older (its rerun finds who stopped matching among what moved since).
 * "" when there has been no good cycle.
 */
static int
changes_since(struct listing *l, char out[DATE_SIZE])
{
	if (store_changes_since(l->o.s, out) < 0)
		return db_failed(l);
	for (size_t i = 0; out[0] != '\0' && i < l->n_lists; i++)
		if (l->lists[i].ok && l->lists[i].since[0] != '\0' &&
		    strcmp(l->lists[i].since, out) < 0)
			memcpy(out, l->lists[i].since, DATE_SIZE);
	return 0;
}

/* A search of every study, listed since `day`, complete: the changes. */
static const struct registry_search_result *
free_changes(const struct listing *l, const char *day)
{
	for (size_t i = 0; i < l->n_lists; i++)
		if (l->lists[i].ok && l->lists[i].cs->query[0] == '\0' &&
		    strcmp(l->lists[i].since, day) == 0 &&
		    l->lists[i].res.complete)
			return &l->lists[i].res;
	return NULL;
}

static int
cmp_ask(const void *a, const void *b)
{
	return strcmp(((const struct plan_ask *)a)->nct_id,
	    ((const struct plan_ask *)b)->nct_id);
}

/* Probe asks[k] for every k with `probe` set and a stored version. */
static int
probe(struct listing *l, struct plan_ask *asks, size_t n)
{
	struct registry_probe_result pr = {0};
	char **ids = NULL;
	size_t m = 0, i;
	int rc = -1;

	if ((ids = calloc(n + 1, sizeof(*ids))) == NULL) {
		fail(l, "%s", "out of memory");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (asks[i].probe && asks[i].stored[0] != '\0')
			ids[m++] = asks[i].nct_id;
	if (m == 0) {
		rc = 0;
		goto out;
	}
	if ((registry_probe(l->o.reg, ids, m, &pr) < 0 &&
	    fetch_cancelled(l->o.f)) || registry_failure(l->o.reg) != NULL) {
		rc = stopped(l);
		goto out;
	}
	if (pr.n_failed == m) {
		fail(l, "registry: %s", pr.failed[0].error ?
		    pr.failed[0].error : "no answer");
		goto out;
	}

	for (i = 0; i < pr.n_failed; i++) {
		struct plan_ask key, *a;

		l->o.error(l->o.arg, pr.failed[i].nct_id, "probe",
		    pr.failed[i].error ? pr.failed[i].error : "probe failed");
		memcpy(key.nct_id, pr.failed[i].nct_id, NCT_ID_SIZE);
		if ((a = bsearch(&key, asks, n, sizeof(*asks), cmp_ask)) !=
		    NULL)
			a->failed = true;	/* asked again next cycle */
	}
	l->counts.probed += (unsigned)pr.n;
	if (seen_add(l, pr.v, pr.n) < 0) {
		fail(l, "%s", "out of memory");
		goto out;
	}
	rc = 0;
out:
	registry_probe_finish(&pr);
	free(ids);
	return rc;
}

int
listing_dates(struct listing *l, struct plan_ask *asks, size_t n,
    const struct trial_update **seen, size_t *n_seen)
{
	struct registry_search_result asked = {0};
	const struct registry_search_result *changes = NULL;
	char day[DATE_SIZE], *query = NULL, *refused = NULL;
	size_t known = 0, fresh = 0, i;
	unsigned all, anew, budget;
	int rc = -1, got;

	for (i = 0; i < n; i++)
		if (asks[i].stored[0] != '\0') {
			known++;
			fresh += asks[i].probe;
		}
	all = registry_probe_cost(l->o.reg, known);
	anew = registry_probe_cost(l->o.reg, fresh);
	if (changes_since(l, day) < 0)
		goto out;
	if (day[0] == '\0') {
		log_debug(
		    "registry: no good cycle yet: probing the %zu stored trials (%u requests)",
		    known, all);
	} else if ((changes = free_changes(l, day)) != NULL) {
		log_debug(
		    "registry: a search of every study lists what changed since %s: %zu studies, no probe",
		    day,
		    changes->n);
	} else if (all <= 1) {
		log_debug(
		    "registry: %zu stored trials take %u probe request%s: probing",
		    known, all, all == 1 ? "" : "s");
	} else if ((budget = all - anew) <= 1) {
		log_debug(
		    "registry: %zu of the %zu stored trials were tracked since the last good cycle: probing all (%u requests)",
		    fresh, known, all);
	} else if ((query = search_since("", day)) == NULL) {
		fail(l, "%s", "out of memory");
		goto out;
	} else {
		/* Cheaper only within budget - 1 pages, the probe of the new aside. */
		got = registry_search(l->o.reg, query, budget - 1, &asked,
		    &refused);
		l->counts.requests += asked.requests;
		if (got < 0 && refused == NULL) {
			rc = stopped(l);
			goto out;
		}
		if (got == 0 && asked.complete) {
			changes = &asked;
			log_info(
			    "registry: %zu studies changed since %s in the whole registry, listed in %u requests, against %u probe requests for %zu stored trials: reading the changes",
			    asked.n, day, asked.requests, all,
			    known);
		} else {
			log_info(
			    "registry: %zu studies changed since %s in the whole registry%s: probing the %zu stored trials instead (%u requests)",
			    asked.total, day,
			    got == 1 ? ", more pages than probing takes" :
			    got == 0 ? ", but the listing came back short" :
			    ", which the registry would not list", known, all);
			if (refused != NULL)
				log_warnx(
				    "registry: listing the changes since %s: %s",
				    day, refused);
		}
	}
	/* Without a listing of changes, every stored trial is probed. */
	for (i = 0; changes == NULL && i < n; i++)
		asks[i].probe = true;
	if (changes != NULL && seen_add(l, changes->v, changes->n) < 0) {
		fail(l, "%s", "out of memory");
		goto out;
	}
	if (changes != NULL)
		l->counts.probed += (unsigned)changes->n;
	if (probe(l, asks, n) < 0)
		goto out;
	/* What the searches listed are the registry's dates too. */
	for (i = 0; i < l->n_lists; i++)
		if (l->lists[i].ok && seen_add(l, l->lists[i].res.v,
		    l->lists[i].res.n) < 0) {
			fail(l, "%s", "out of memory");
			goto out;
		}
	plan_updates_sort(l->seen, &l->n_seen);
	*seen = l->seen;
	*n_seen = l->n_seen;
	rc = 0;
out:
	registry_search_finish(&asked);
	free(refused);
	free(query);
	return rc;
}

int
listing_left(struct listing *l)
{
	char **changed = NULL, **ids = NULL;
	size_t i, k, m;
	unsigned left;
	int rc = -1;

	if ((changed = calloc(l->n_seen + 1, sizeof(*changed))) == NULL) {
		fail(l, "%s", "out of memory");
		return -1;
	}
	for (i = 0; i < l->n_lists; i++) {
		struct listed *ls = &l->lists[i];

		/* A short listing proves no absence; a whole one did its own. */
		if (!ls->ok || ls->since[0] == '\0' || !ls->res.complete)
			continue;
		for (k = m = 0; k < l->n_seen; k++)
			if (strcmp(l->seen[k].last_update, ls->since) >= 0)
				changed[m++] = l->seen[k].nct_id;
		free(ids);
		if ((ids = id_list(ls->res.v, ls->res.n)) == NULL) {
			fail(l, "%s", "out of memory");
			goto out;
		}
		if (store_search_left(l->o.s, ls->cs->name, changed, m, ids,
		    ls->res.n, &left) < 0) {
			rc = db_failed(l);
			goto out;
		}
		if (left > 0)
			log_info(
			    "search=%s: %u trial%s no longer matching (still tracked)",
			    ls->cs->name, left,
			    left == 1 ? "" : "s");
		l->counts.left += left;
	}
	rc = 0;
out:
	free(ids);
	free(changed);
	return rc;
}

int
listing_check(const struct config *cfg, struct registry *reg, FILE *out,
    FILE *err)
{
	int rc = 0;

	for (size_t i = 0; i < cfg->n_searches; i++) {
		const struct config_search *cs = &cfg->searches[i];
		char *refused = NULL, *text = search_text(cs->query);
		size_t count;

		if (registry_search_count(reg, cs->query, &count,
		    &refused) == 0) {
			fprintf(out, "search %s: %zu studies match (%s)\n",
			    cs->name, count, text ? text : cs->query);
		} else if (refused != NULL) {
			fprintf(err, "%s:%d: [tracking] search.%s: the registry refused it: %s\n",
			    cfg->path ? cfg->path : "defaults", cs->line,
			    cs->name, refused);
			rc = 2;
		} else {
			fprintf(err, "ctmirror: cannot ask the registry (%s): %s\n",
			    registry_shown_url(reg), registry_failure(reg) ?
			    registry_failure(reg) : "cancelled");
			free(text);
			return 1;
		}
		free(refused);
		free(text);
	}
	return rc;
}

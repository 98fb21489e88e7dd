/*
 * sync.c - one cycle of ctmirror, read top to bottom as the data flow:
 * track, probe, fetch what moved, parse, diff, store; then pages, claims,
 * rules, flags (sync_pages.c); then alerts.  Each step that writes is one
 * transaction.
 */
#include "sync.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts.h"
#include "claims.h"
#include "config.h"
#include "diff.h"
#include "fetch.h"
#include "listing.h"
#include "log.h"
#include "pages.h"
#include "plan.h"
#include "registry.h"
#include "report.h"
#include "study.h"
#include "sync_cycle.h"

static int
cmp_ask(const void *a, const void *b)
{
	return strcmp(((const struct plan_ask *)a)->nct_id,
	    ((const struct plan_ask *)b)->nct_id);
}

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wall-clock time, for the run record's failure time. */
static double
wall_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
sync_phase(struct cycle *c, const char *name)
{
	/* The fetch phase's database work is storing what was fetched. */
	c->stage = strcmp(name, "fetch") == 0 ? "store" : name;
	if (c->hooks && c->hooks->phase)
		c->hooks->phase(c->hooks->arg, name);
}

static void
progress(struct cycle *c, unsigned done, unsigned total, const char *what)
{
	if (c->hooks && c->hooks->progress)
		c->hooks->progress(c->hooks->arg, done, total, what);
}

void
sync_fail(struct cycle *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->error, sizeof(c->res->error), fmt, ap);
	va_end(ap);
	if (c->res->failed_at == 0)
		c->res->failed_at = wall_seconds();
}

void
sync_db_fail(struct cycle *c)
{
	if (!store_ok(c->s))
		sync_fail(c, "database connection lost during %s: %s", c->stage,
		    store_errmsg(c->s));
	else
		sync_fail(c, "database: %s", store_errmsg(c->s));
}

/* A trial-level error: logged by ID, recorded in the run. */
static void
trial_error(struct cycle *c, const char *nct_id, const char *stage,
    const char *msg)
{
	c->res->trials_failed++;
	c->res->run.errors++;
	log_error("%s", msg);
	if (store_run_error(c->s, c->res->run.run_id, nct_id, stage, msg) < 0)
		c->db_failed = true;
}

/* ------------------------------------------------------------ tracking */

/* Collect NCT IDs from every page ([tracking] from_pages). */
struct page_ids {
	char **v;
	size_t n, cap;
};

static int
collect_page_ids(void *arg, const char *path, const char *text, size_t len)
{
	struct page_ids *p = arg;
	char (*ids)[NCT_ID_SIZE] = NULL;
	size_t n = 0;

	if (claims_nct_ids(text, len, &ids, &n) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p->n == p->cap) {
			size_t cap = p->cap ? p->cap * 2 : 64;
			char **v = realloc(p->v, cap * sizeof(*v));

			if (v == NULL)
				goto oom;
			p->v = v;
			p->cap = cap;
		}
		if ((p->v[p->n] = strdup(ids[i])) == NULL)
			goto oom;
		p->n++;
	}
	free(ids);
	return 0;
oom:
	free(ids);
	return -1;
}

/* The configured searches into the store (their trials tracked).  0 / -1. */
static int
set_searches(struct cycle *c)
{
	const struct config *cfg = c->cfg;
	char **names, **queries;
	int rc = -1;

	names = calloc(cfg->n_searches + 1, sizeof(*names));
	queries = calloc(cfg->n_searches + 1, sizeof(*queries));
	if (names == NULL || queries == NULL) {
		store_set_error(c->s, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < cfg->n_searches; i++) {
		names[i] = cfg->searches[i].name;
		queries[i] = cfg->searches[i].query;
	}
	rc = store_set_searches(c->s, names, queries, cfg->n_searches);
out:
	free(names);
	free(queries);
	return rc;
}

static int
track(struct cycle *c)
{
	struct page_ids pi = {0};
	int rc = -1;

	if (store_set_tracked(c->s, "config", c->cfg->nct_ids,
	    c->cfg->n_nct_ids) < 0)
		goto out;
	if (c->cfg->from_pages) {
		if (pages_scan(c->cfg->page_paths, c->cfg->n_page_paths,
		    c->cfg->max_page_size, collect_page_ids, &pi, NULL) < 0) {
			sync_fail(c, "%s", "reading pages for NCT IDs failed");
			goto out;
		}
		if (store_set_tracked(c->s, "pages", pi.v, pi.n) < 0)
			goto out;
	}
	if (set_searches(c) < 0)
		goto out;
	rc = 0;
out:
	store_free_ids(pi.v, pi.n);
	return rc;
}

/* ---------------------------------------------------- registry to store */

static void
say_trial(const struct study *st, size_t changes, bool is_new)
{
	log_info("nct=%s status=%s results=%s %s", st->nct_id,
	    st->overall_status, st->has_results ? "posted" : "no",
	    is_new ? "first version stored" :
	    changes ? "changed" : "unchanged");
	if (changes)
		log_info("nct=%s changes=%zu", st->nct_id, changes);
}

/*
 * Store one record inside the batch transaction: `st` parsed from `text`.
 * The full tree is built only to diff against a stored version whose hash
 * differs.  0 / -1 (database).
 */
static int
store_record(struct cycle *c, const struct study *st, const char *text,
    size_t len, const struct store_current *cur)
{
	struct change_list changes = {0};
	json_t *old = NULL, *new = NULL;
	json_error_t jerr;
	char msg[300];
	int rc = -1;

	if (cur->version_id > 0 && strcmp(cur->hash, st->hash) == 0) {
		/* Same content (e.g. only versionHolder moved): write nothing. */
		say_trial(st, 0, false);
		return 0;
	}
	/*
	 * The registry went back in time (a stale copy behind it, an answer
	 * carrying an old record): a version older than the stored one is
	 * not history, and storing it would reverse every change since.
	 */
	if (cur->version_id > 0 && cur->last_update[0] != '\0' &&
	    st->last_update_posted.date[0] != '\0' &&
	    strcmp(st->last_update_posted.date, cur->last_update) < 0) {
		snprintf(msg, sizeof(msg),
		    "%s: the registry sent a record last updated %s, older than the stored version (%s); kept the stored one",
		    st->nct_id, st->last_update_posted.date, cur->last_update);
		trial_error(c, st->nct_id, "store", msg);
		return c->db_failed ? -1 : 0;
	}
	if (cur->version_id > 0) {
		old = cur->raw ? json_loads(cur->raw, 0, &jerr) : NULL;
		/* study_from_text checked the text: only memory can fail. */
		new = json_loadb(text, len, 0, &jerr);
		study_strip_volatile(new);
		if (old == NULL || new == NULL ||
		    diff_studies(old, new, &changes) < 0) {
			trial_error(c, st->nct_id, "store",
			    "diff failed: out of memory");
			rc = 0;
			goto out;
		}
		if (changes.n == 0) {
			/*
			 * Only the layout or array order moved: the diff sees
			 * no change, so a new version would be noise in the
			 * history.
			 */
			say_trial(st, 0, false);
			rc = 0;
			goto out;
		}
	}
	if (store_add_version(c->s, c->res->run.run_id, st, cur, &changes) < 0)
		goto out;
	c->res->run.versions_stored++;
	c->res->run.changes_stored += (unsigned)changes.n;
	say_trial(st, changes.n, cur->version_id == 0);
	rc = 0;
out:
	json_decref(old);
	json_decref(new);
	diff_list_finish(&changes);
	return rc;
}

/* What the cycle knows of one ID it asks the registry about. */
static struct plan_ask *
ask_of(const struct cycle *c, const char *nct_id)
{
	struct plan_ask key;

	if (c->n_asks == 0)
		return NULL;
	snprintf(key.nct_id, sizeof(key.nct_id), "%s", nct_id);
	return bsearch(&key, c->asks, c->n_asks, sizeof(*c->asks), cmp_ask);
}

/*
 * The registry has no trial of this ID (its text/plain 404).  One absence
 * proves little (DESIGN.md): only that answer marks a trial missing, and
 * a stored trial at most max_missing a run.  An ID in the config is the
 * operator's error, shown with its config line; one only pages cite is a
 * finding about those pages (rule unknown-trial), asked again in a week.
 */
static void
not_found(struct cycle *c, struct registry_item *it)
{
	const struct plan_ask *a = ask_of(c, it->nct_id);
	const struct config *cfg = c->cfg;
	char msg[700];
	int line;

	if (a == NULL || a->stored[0] == '\0' ||
	    c->missing_marked++ < cfg->max_missing) {
		if (store_mark_not_found(c->s, it->nct_id, it->answer) < 0)
			c->db_failed = true;
	}
	if (a != NULL && !a->in_config) {
		log_info(
		    "nct=%s: not in the registry (\"%s\"); pages that cite it are flagged, and it is asked again in a week",
		    it->nct_id, it->answer ? it->answer : "not found");
		return;
	}
	if (cfg->path == NULL)
		snprintf(msg, sizeof(msg),
		    "%s: not found in the registry; it is in the built-in default list of [tracking] nct_ids",
		    it->nct_id);
	else if ((line = config_id_line(cfg, it->nct_id)) > 0)
		snprintf(msg, sizeof(msg),
		    "%s: not found in the registry; listed at %s:%d ([tracking] nct_ids): correct or remove it",
		    it->nct_id, cfg->path, line);
	else
		snprintf(msg, sizeof(msg),
		    "%s: not found in the registry; listed in [tracking] nct_ids of %s",
		    it->nct_id, cfg->path);
	trial_error(c, it->nct_id, "fetch", msg);
}

/* The ID a fetched item's record must carry: where an alias now points. */
static const char *
item_id(const struct registry_item *it)
{
	return it->current_id[0] ? it->current_id : it->nct_id;
}

/*
 * Parse one fetched record and store it; its text is freed here.  A
 * record that does not parse is the trial's error, not the batch's.
 * 0 / -1 (database or memory: stop the batch).
 */
static int
parse_and_store(struct cycle *c, struct registry_item *it,
    const struct store_current *cur)
{
	struct study_error serr;
	struct study *st;
	char msg[700];
	int rc = 0;

	st = study_from_text(it->json, it->json_len, item_id(it), &serr);
	if (st == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s%s%s", it->nct_id,
		    serr.path[0] ? serr.path : "", serr.path[0] ? ": " : "",
		    serr.text);
		trial_error(c, it->nct_id, "parse", msg);
	} else {
		if (it->twins)
			log_warnx(
			    "nct=%s: the registry's answer carried more than one record for it; kept the one last updated %s",
			    st->nct_id, st->last_update_posted.date);
		rc = store_record(c, st, it->json, it->json_len, cur);
	}
	study_free(st);
	free(it->json);
	it->json = NULL;
	return rc < 0 || c->db_failed ? -1 : 0;
}

/*
 * One batch from the registry -> one transaction.  The stored versions
 * are read first (locking the trials' rows); then each record is parsed
 * and its rows are sent in a pipeline, so PostgreSQL stores one record
 * while the next is parsed and only one record's tree is alive at a time.
 * The registry hands over at most one item per trial: aliases asked with
 * their current ID only add the alias.
 */
static int
on_batch(void *arg, struct registry_item *items, size_t n)
{
	struct cycle *c = arg;
	struct store_current *cur = NULL;
	struct store_run before;
	const char **ids = NULL;
	size_t *slot = NULL;
	size_t np = 0, i;
	int rc = -1;

	if ((ids = calloc(n + 1, sizeof(*ids))) == NULL ||
	    (slot = calloc(n + 1, sizeof(*slot))) == NULL ||
	    (cur = calloc(n + 1, sizeof(*cur))) == NULL) {
		sync_fail(c, "%s", "out of memory");
		goto out;
	}
	before = c->res->run;
	for (i = 0; i < n; i++)
		if (items[i].outcome == REG_OK) {
			slot[i] = np;
			ids[np++] = item_id(&items[i]);
		}
	if (store_begin(c->s) < 0 ||
	    store_current(c->s, (char *const *)ids, np, true, cur) < 0 ||
	    store_pipeline_begin(c->s) < 0)
		goto dbfail;
	for (i = 0; i < n; i++) {
		struct registry_item *it = &items[i];

		c->fetched_done++;
		if (it->outcome == REG_NOT_FOUND) {
			not_found(c, it);
			continue;
		}
		if (it->outcome != REG_OK && it->outcome != REG_ALIAS) {
			trial_error(c, it->nct_id, "fetch", it->error ?
			    it->error : "no answer from the registry");
			continue;
		}
		if (it->current_id[0]) {
			/* Recorded once: a known alias is not asked again. */
			log_warnx("nct=%s: the registry now lists it as %s",
			    it->nct_id, it->current_id);
			if (store_record_alias(c->s, it->nct_id,
			    it->current_id) < 0)
				goto dbfail;
		}
		if (it->outcome == REG_ALIAS)
			continue;
		c->res->run.trials_fetched++;
		if (parse_and_store(c, it, &cur[slot[i]]) < 0)
			goto dbfail;
	}
	/* The run's counts commit with what they count. */
	if (c->db_failed || store_run_progress(c->s, &c->res->run) < 0 ||
	    store_commit(c->s) < 0)
		goto dbfail;
	progress(c, c->fetched_done, c->fetch_total, "fetched");
	rc = 0;
	goto out;
dbfail:
	c->db_failed = true;
	sync_db_fail(c);
	/* Nothing of this batch is stored, nor counted. */
	store_rollback(c->s);
	c->res->run.versions_stored = before.versions_stored;
	c->res->run.changes_stored = before.changes_stored;
out:
	if (cur)
		store_current_finish(cur, np);
	free(cur);
	free(slot);
	free(ids);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * What the cycle tracks, as a digest: the tracked IDs (the server's md5)
 * and the searches (FNV-1a 64 over it and every name and query), as hex.
 * 0 / -1 (database).
 */
static int
tracked_digest(struct cycle *c, char out[17])
{
	unsigned long long h = 1469598103934665603ULL;
	char md5[33];

	if (store_tracked_digest(c->s, md5, &c->res->run.trials_tracked) < 0)
		return -1;
	for (size_t i = 0; i <= c->cfg->n_searches; i++) {
		const char *parts[2] = {md5, ""};

		if (i > 0) {
			parts[0] = c->cfg->searches[i - 1].name;
			parts[1] = c->cfg->searches[i - 1].query;
		}
		for (size_t k = 0; k < 2; k++)
			for (const char *p = parts[k]; ; p++) {
				h ^= (unsigned char)*p;
				h *= 1099511628211ULL;
				if (*p == '\0')
					break;
			}
	}
	snprintf(out, 17, "%016llx", h);
	return 0;
}

/*
 * The registry's data build (GET /version), recorded with the run.  True
 * when the cycle can skip asking anything else: the build and what is
 * tracked are those of the last successful cycle, so no record can have
 * moved, no search can match another trial, and no ID is new.
 */
static bool
registry_unchanged(struct cycle *c, struct registry *reg)
{
	struct store_registry last;
	char *why = NULL;
	char digest[17];
	bool have;

	have = registry_version(reg, c->build, &why) == 0;
	if (!have) {
		log_debug("registry: no data build from /version (%s); probing",
		    why ? why : "?");
		free(why);
		c->build[0] = '\0';
	} else {
		snprintf(c->res->registry_build, sizeof(c->res->registry_build),
		    "%s", c->build);
		log_debug("registry: data build %s", c->build);
	}
	if (tracked_digest(c, digest) < 0 ||
	    store_last_registry(c->s, &last) < 0 ||
	    store_run_registry(c->s, c->res->run.run_id, have ? c->build :
	    NULL, digest) < 0) {
		c->db_failed = true;
		return false;
	}
	if (!have || last.ok_run_id == 0 || strcmp(last.ok_build, c->build) != 0)
		return false;
	if (strcmp(last.ok_digest, digest) != 0) {
		log_debug(
		    "registry: data build %s unchanged, but what is tracked changed: probing",
		    c->build);
		return false;
	}
	log_debug(
	    "registry: data build %s and what is tracked unchanged since run %lld: probe skipped",
	    c->build, last.ok_run_id);
	return true;
}

/* The registry stopped the cycle (refused us, or is down): say why, once. */
static bool
registry_stopped(struct cycle *c, struct registry *reg)
{
	if (registry_failure(reg) == NULL)
		return false;
	sync_fail(c, "registry: %s", registry_failure(reg));
	return true;
}

/*
 * What the cycle asks about: the tracked trials (store_tracked) but known
 * aliases (their current ID is tracked instead) and unknown IDs only pages
 * cite, checked within the week.  c->asks, sorted.  0 / -1 (database,
 * memory).
 */
static int
plan_asks(struct cycle *c)
{
	char **skip = NULL, **cfg_ids = NULL;
	size_t n_skip = 0, i, k = 0, n;
	int rc = -1;

	if (store_tracked(c->s, &c->asks, &n) < 0 ||
	    store_skip_ids(c->s, &skip, &n_skip) < 0)
		goto dbfail;
	c->res->run.trials_tracked = (unsigned)n;
	if ((cfg_ids = calloc(c->cfg->n_nct_ids + 1, sizeof(*cfg_ids))) ==
	    NULL) {
		sync_fail(c, "%s", "out of memory");
		goto out;
	}
	if (c->cfg->n_nct_ids > 0) {
		memcpy(cfg_ids, c->cfg->nct_ids, c->cfg->n_nct_ids *
		    sizeof(*cfg_ids));
		qsort(cfg_ids, c->cfg->n_nct_ids, sizeof(*cfg_ids), cmp_str);
	}
	for (i = 0; i < n; i++) {
		struct plan_ask *a = &c->asks[i];
		char *id = a->nct_id;

		if (n_skip > 0 && bsearch(&id, skip, n_skip, sizeof(*skip),
		    cmp_str) != NULL) {
			log_debug(
			    "nct=%s: not asked this run (a known alias, or unknown to the registry this week)",
			    id);
			continue;
		}
		a->in_config = c->cfg->n_nct_ids > 0 && bsearch(&id, cfg_ids,
		    c->cfg->n_nct_ids, sizeof(*cfg_ids), cmp_str);
		c->asks[k++] = *a;
	}
	c->n_asks = k;
	rc = 0;
	goto out;
dbfail:
	sync_db_fail(c);
out:
	free(cfg_ids);
	store_free_ids(skip, n_skip);
	return rc;
}

/* listing.c's report of one trial's or search's error. */
static void
on_listing_error(void *arg, const char *subject, const char *stage,
    const char *msg)
{
	trial_error(arg, subject, stage, msg);
}

/*
 * Ask the registry what moved: list the searches (their new matches are
 * tracked), then the dates of every tracked trial with a stored version
 * (a listing of what changed, or a probe), then fetch the trials that
 * moved, were not answered for, or were never stored (those need their
 * record anyway: probing them would only cost the registry a pass over
 * them).
 */
static int
mirror(struct cycle *c, struct registry *reg)
{
	struct listing_opts lo;
	struct listing *l = NULL;
	const struct trial_update *seen = NULL;
	char **want = NULL, digest[17];
	size_t *moved = NULL;
	size_t n_seen = 0, nw = 0, same = 0, i;
	int rc = -1;

	sync_phase(c, "probe");
	if (registry_unchanged(c, reg)) {
		rc = 0;
		goto out;
	}
	if (c->db_failed)
		goto dbfail;
	memset(&lo, 0, sizeof(lo));
	lo.cfg = c->cfg;
	lo.s = c->s;
	lo.reg = reg;
	lo.f = c->f;
	lo.run_id = c->res->run.run_id;
	lo.sinks = c->sinks;
	lo.n_sinks = c->n_sinks;
	lo.error = on_listing_error;
	lo.arg = c;
	if ((l = listing_new(&lo)) == NULL) {
		sync_fail(c, "%s", "out of memory");
		goto out;
	}
	if (c->cfg->n_searches > 0)
		sync_phase(c, "search");
	if (listing_searches(l) < 0 || c->db_failed) {
		if (!c->res->error[0])
			sync_fail(c, "%s", c->db_failed ? "database failure" :
			    listing_why(l));
		goto out;
	}
	sync_phase(c, "probe");
	if (plan_asks(c) < 0)
		goto out;
	if (listing_dates(l, c->asks, c->n_asks, &seen, &n_seen) < 0 ||
	    listing_left(l) < 0) {
		sync_fail(c, "%s", listing_why(l));
		goto out;
	}
	if (c->db_failed)
		goto dbfail;
	c->res->run.trials_probed = listing_counts(l)->probed;
	if ((want = calloc(c->n_asks + 1, sizeof(*want))) == NULL ||
	    (moved = calloc(c->n_asks + 1, sizeof(*moved))) == NULL) {
		sync_fail(c, "%s", "out of memory");
		goto out;
	}
	nw = plan_moved(c->asks, c->n_asks, seen, n_seen, moved, &same);
	for (i = 0; i < nw; i++)
		want[i] = c->asks[moved[i]].nct_id;
	log_debug("registry: %zu of %zu trials unchanged, %zu to fetch", same,
	    c->n_asks, nw);
	progress(c, 0, (unsigned)nw, "fetched");
	c->fetch_total = (unsigned)nw;
	if (nw > 0) {
		sync_phase(c, "fetch");
		if (registry_fetch(reg, want, nw, on_batch, c) < 0) {
			if (!c->res->error[0] && !registry_stopped(c, reg))
				sync_fail(c, "%s", fetch_cancelled(c->f) ?
				    "cancelled" : "registry fetch failed");
			goto out;
		}
	}
	/*
	 * What is tracked now (searches may have added to it), so that a
	 * next cycle on the same data build can skip it all.
	 */
	if (tracked_digest(c, digest) < 0 ||
	    store_run_registry(c->s, c->res->run.run_id, c->build[0] ?
	    c->build : NULL, digest) < 0)
		goto dbfail;
	rc = 0;
	goto out;
dbfail:
	sync_db_fail(c);
out:
	listing_free(l);
	free(moved);
	free(want);
	return rc;
}

/* ------------------------------------------------------------ retention */

/* Rows pruned per statement, and statements per cycle at most. */
#define PRUNE_BATCH 500
#define PRUNE_ROUNDS 20

/*
 * Delete old delivered alerts and old runs ([database] retain_*), a
 * small batch at a time and a bounded number of batches a cycle, so a
 * backlog is worked off over several cycles and never holds one up.  A
 * failure is a warning, unless the database is gone.
 */
static int
prune(struct cycle *c)
{
	unsigned alerts = 0, runs = 0, a, r;

	if (c->cfg->retain_delivered_alerts == 0 && c->cfg->retain_runs == 0)
		return 0;
	sync_phase(c, "prune");
	for (int round = 0; round < PRUNE_ROUNDS; round++) {
		if (store_prune(c->s, c->cfg->retain_delivered_alerts,
		    c->cfg->retain_runs, PRUNE_BATCH, &a, &r) < 0) {
			if (!store_ok(c->s)) {
				sync_db_fail(c);
				return -1;
			}
			log_warnx("retention: %s; will try again next cycle",
			    store_errmsg(c->s));
			break;
		}
		alerts += a;
		runs += r;
		if (a < PRUNE_BATCH && r < PRUNE_BATCH)
			break;
	}
	if (alerts || runs)
		log_info("retention: pruned %u delivered alert%s and %u run%s",
		    alerts, alerts == 1 ? "" : "s", runs, runs == 1 ? "" : "s");
	return 0;
}

/* --------------------------------------------------------------- cycle */

/*
 * Close the run record.  A connection that was lost is tried once more
 * (its failure is what the record must say); if the database is still
 * gone, res->unrecorded tells the caller to write it later with
 * sync_record_failure.
 */
static void
close_run(struct cycle *c, const char *status, int *rc)
{
	struct store *s = c->s;
	struct sync_result *res = c->res;

	if (res->run.run_id <= 0)
		return;
	if (!store_ok(s) && store_reset(s) < 0) {
		res->unrecorded = true;
		return;
	}
	store_rollback(s);
	if (store_run_finish(s, &res->run, status, res->error[0] ?
	    res->error : NULL, *rc < 0 ? res->failed_at : 0) < 0) {
		if (*rc >= 0) {
			sync_db_fail(c);
			*rc = -1;
		}
		res->unrecorded = true;
	}
}

int
sync_record_failure(struct store *s, const struct sync_result *res)
{
	return store_run_finish(s, &res->run, "failed", res->error,
	    res->failed_at);
}

void
sync_fetch_opts(const struct config *cfg, struct fetch_opts *fo)
{
	memset(fo, 0, sizeof(*fo));
	fo->contact = cfg->contact;
	fo->concurrency = cfg->concurrency;
	fo->rate_per_min = cfg->rate_limit;
	fo->timeout = cfg->timeout;
	fo->connect_timeout = cfg->connect_timeout;
	fo->retries = cfg->retries;
	fo->throttle_window = cfg->retry_window;
	fo->max_body = cfg->max_body;
	fo->tls_verify = cfg->tls_verify;
}

void
sync_registry_opts(const struct config *cfg, struct registry_opts *ro)
{
	memset(ro, 0, sizeof(*ro));
	ro->base_url = cfg->base_url;
	ro->probe_batch = cfg->probe_batch;
	ro->fetch_batch = cfg->fetch_batch;
	ro->max_url = cfg->max_url;
}

int
sync_cycle(const struct config *cfg, struct store *s, struct fetch *f,
    const char *mode, const struct sync_hooks *hooks, struct sync_result *res)
{
	struct registry_opts ro;
	struct registry *reg = NULL;
	struct cycle c;
	double t0 = now_seconds();
	unsigned long requests0 = fetch_stats(f)->requests;
	const char *status = "failed";
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.s = s;
	c.f = f;
	c.hooks = hooks;
	c.n_sinks = alerts_sinks(cfg, c.sinks);
	c.res = res;
	c.stage = "start";

	if (!store_lock_sync(s)) {
		snprintf(res->error, sizeof(res->error), "%s", store_errmsg(s));
		return -1;
	}
	if (store_run_begin(s, mode, &res->run.run_id) < 0) {
		sync_db_fail(&c);
		goto unlock;
	}
	sync_registry_opts(cfg, &ro);
	if ((reg = registry_new(f, &ro)) == NULL) {
		sync_fail(&c, "%s", "out of memory");
		goto finish;
	}

	sync_phase(&c, "track");
	if (track(&c) < 0) {
		if (!res->error[0])
			sync_db_fail(&c);
		goto finish;
	}
	if (mirror(&c, reg) < 0)
		goto finish;
	if (backfill_run(cfg, s, f, res->run.run_id, &res->backfill, res->error,
	    sizeof(res->error)) < 0)
		goto finish;
	if (sync_judge_pages(&c) < 0)
		goto finish;
	sync_phase(&c, "alerts");
	if (alerts_deliver(cfg, s, f, stdout, &res->alerts) < 0 &&
	    !store_ok(s)) {
		sync_db_fail(&c);
		goto finish;
	}
	for (int k = 0; k < ALERTS_SINKS; k++) {
		res->alerts_sent += res->alerts.sent[k];
		res->alerts_failed += res->alerts.failed[k];
	}
	if (prune(&c) < 0)
		goto finish;
	rc = res->trials_failed || res->alerts_failed ? 1 : 0;
	status = rc == 0 ? "ok" : "partial";
finish:
	/* A stage that said only "database: ..." when its session was lost. */
	if (rc < 0 && !store_ok(s) &&
	    strncmp(res->error, "database: ", 10) == 0) {
		char cause[sizeof(res->error)];

		snprintf(cause, sizeof(cause), "%s", res->error + 10);
		sync_fail(&c, "database connection lost during %s: %s", c.stage,
		    cause);
	}
	res->run.requests = (unsigned)(fetch_stats(f)->requests - requests0);
	res->seconds = now_seconds() - t0;
	close_run(&c, status, &rc);
	/* After the run is closed, so the report shows how it ended. */
	if (store_ok(s))
		report_refresh(cfg, s);
	registry_free(reg);
	free(c.asks);
	sync_phase(&c, "idle");
unlock:
	if (store_ok(s))
		store_unlock_sync(s);
	return rc;
}

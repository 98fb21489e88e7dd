/*
 * sync.c - one cycle of ctmirror, read top to bottom as the data flow:
 * track, probe, fetch what moved, parse, diff, store; then pages, claims,
 * rules, flags; then alerts.  Each step that writes is one transaction.
 */
#include "sync.h"

#include <errno.h>
#include <jansson.h>
#include <openssl/evp.h>
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
#include "judge.h"
#include "listing.h"
#include "log.h"
#include "pages.h"
#include "plan.h"
#include "registry.h"
#include "report.h"
#include "rules.h"
#include "study.h"

static int
cmp_ask(const void *a, const void *b)
{
	return strcmp(((const struct plan_ask *)a)->nct_id,
	    ((const struct plan_ask *)b)->nct_id);
}

/* State shared by the stages of one cycle. */
struct cycle {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	const struct sync_hooks *hooks;
	struct sync_result *res;
	struct plan_ask *asks;		/* what the registry is asked about, sorted */
	size_t n_asks;
	const char *sinks[3];		/* alerts_sinks() */
	size_t n_sinks;
	char build[REGISTRY_BUILD_SIZE];	/* the registry's data build, "" */
	unsigned missing_marked;	/* not-found marks this run (capped) */
	unsigned fetched_done;
	unsigned fetch_total;
	bool db_failed;
	const char *stage;		/* what the database was doing, for messages */
};

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

static void
phase(struct cycle *c, const char *name)
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

static void fail(struct cycle *c, const char *fmt, ...) LOG_PRINTF(2, 3);

/* Why the cycle stopped, for the caller's one-line message. */
static void
fail(struct cycle *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->res->error, sizeof(c->res->error), fmt, ap);
	va_end(ap);
	if (c->res->failed_at == 0)
		c->res->failed_at = wall_seconds();
}

/* A database failure, named for what it was doing. */
static void
db_fail(struct cycle *c)
{
	if (!store_ok(c->s))
		fail(c, "database connection lost during %s: %s", c->stage,
		    store_errmsg(c->s));
	else
		fail(c, "database: %s", store_errmsg(c->s));
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
			fail(c, "%s", "reading pages for NCT IDs failed");
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
		snprintf(msg, sizeof(msg), "%s: the registry sent a record last "
		    "updated %s, older than the stored version (%s); kept the "
		    "stored one", st->nct_id, st->last_update_posted.date,
		    cur->last_update);
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
		log_info("nct=%s: not in the registry (\"%s\"); pages that cite "
		    "it are flagged, and it is asked again in a week",
		    it->nct_id, it->answer ? it->answer : "not found");
		return;
	}
	if (cfg->path == NULL)
		snprintf(msg, sizeof(msg), "%s: not found in the registry; it "
		    "is in the built-in default list of [tracking] nct_ids",
		    it->nct_id);
	else if ((line = config_id_line(cfg, it->nct_id)) > 0)
		snprintf(msg, sizeof(msg), "%s: not found in the registry; "
		    "listed at %s:%d ([tracking] nct_ids): correct or remove "
		    "it", it->nct_id, cfg->path, line);
	else
		snprintf(msg, sizeof(msg), "%s: not found in the registry; "
		    "listed in [tracking] nct_ids of %s", it->nct_id,
		    cfg->path);
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
			log_warnx("nct=%s: the registry's answer carried more "
			    "than one record for it; kept the one last "
			    "updated %s", st->nct_id,
			    st->last_update_posted.date);
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
		fail(c, "%s", "out of memory");
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
	db_fail(c);
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
		log_debug("registry: data build %s unchanged, but what is "
		    "tracked changed: probing", c->build);
		return false;
	}
	log_debug("registry: data build %s and what is tracked unchanged "
	    "since run %lld: probe skipped", c->build, last.ok_run_id);
	return true;
}

/* The registry stopped the cycle (refused us, or is down): say why, once. */
static bool
registry_stopped(struct cycle *c, struct registry *reg)
{
	if (registry_failure(reg) == NULL)
		return false;
	fail(c, "registry: %s", registry_failure(reg));
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
		fail(c, "%s", "out of memory");
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
			log_debug("nct=%s: not asked this run (a known alias, "
			    "or unknown to the registry this week)", id);
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
	db_fail(c);
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

	phase(c, "probe");
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
		fail(c, "%s", "out of memory");
		goto out;
	}
	if (c->cfg->n_searches > 0)
		phase(c, "search");
	if (listing_searches(l) < 0 || c->db_failed) {
		if (!c->res->error[0])
			fail(c, "%s", c->db_failed ? "database failure" :
			    listing_why(l));
		goto out;
	}
	phase(c, "probe");
	if (plan_asks(c) < 0)
		goto out;
	if (listing_dates(l, c->asks, c->n_asks, &seen, &n_seen) < 0 ||
	    listing_left(l) < 0) {
		fail(c, "%s", listing_why(l));
		goto out;
	}
	if (c->db_failed)
		goto dbfail;
	c->res->run.trials_probed = listing_counts(l)->probed;
	if ((want = calloc(c->n_asks + 1, sizeof(*want))) == NULL ||
	    (moved = calloc(c->n_asks + 1, sizeof(*moved))) == NULL) {
		fail(c, "%s", "out of memory");
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
		phase(c, "fetch");
		if (registry_fetch(reg, want, nw, on_batch, c) < 0) {
			if (!c->res->error[0] && !registry_stopped(c, reg))
				fail(c, "%s", fetch_cancelled(c->f) ?
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
	db_fail(c);
out:
	listing_free(l);
	free(moved);
	free(want);
	return rc;
}

/* ------------------------------------------------------ pages to flags */

struct scan_ctx {
	struct cycle *c;
	struct judge *judge;
	const char *sinks[3];
	size_t n_sinks;
	char *root;			/* page names are relative to it */
	char **paths;			/* names of the pages read, sorted after */
	size_t n_paths, cap_paths;
};

/* SHA-256 of what is fed to it, as lower-case hex. */
struct digest {
	EVP_MD_CTX *ctx;
	bool ok;
};

static void
digest_init(struct digest *d)
{
	d->ctx = EVP_MD_CTX_new();
	d->ok = d->ctx != NULL && EVP_DigestInit_ex(d->ctx, EVP_sha256(),
	    NULL) == 1;
}

static void
digest_add(struct digest *d, const void *p, size_t n)
{
	d->ok = d->ok && EVP_DigestUpdate(d->ctx, p, n) == 1;
}

/* A field of a record: its length first, so no two records read alike. */
static void
digest_field(struct digest *d, const char *text)
{
	unsigned long long n = text ? strlen(text) + 1 : 0;

	digest_add(d, &n, sizeof(n));
	if (text)
		digest_add(d, text, (size_t)n);
}

static int
digest_hex(struct digest *d, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	d->ok = d->ok && EVP_DigestFinal_ex(d->ctx, md, &len) == 1 && len == 32;
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
	for (unsigned i = 0; d->ok && i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return d->ok ? 0 : -1;
}

/*
 * The page's fingerprints: of its text, and of the claims made from it
 * (every column the claims table stores), so an unchanged page costs
 * these comparisons and no write.  0 / -1 (memory).
 */
static int
page_hashes(const char *text, size_t len, const struct claim_list *cl,
    char content[65], char claims[65])
{
	struct digest d;
	char buf[64];

	digest_init(&d);
	digest_add(&d, text, len);
	if (digest_hex(&d, content) < 0)
		return -1;
	digest_init(&d);
	for (size_t i = 0; i < cl->n; i++) {
		const struct claim *c = &cl->v[i];

		digest_field(&d, c->nct_id);
		digest_field(&d, claims_kind_name(c->kind));
		snprintf(buf, sizeof(buf), "%u %d", c->kind == CLAIM_STATUS ?
		    c->statuses : 0u, c->line);
		digest_field(&d, buf);
		digest_field(&d, c->as_of);
		digest_field(&d, c->phrase);
		digest_field(&d, c->excerpt);
	}
	return digest_hex(&d, claims);
}

static int
remember_path(struct scan_ctx *x, const char *path)
{
	if (x->n_paths == x->cap_paths) {
		size_t cap = x->cap_paths ? x->cap_paths * 2 : 64;
		char **v = realloc(x->paths, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		x->paths = v;
		x->cap_paths = cap;
	}
	if ((x->paths[x->n_paths] = strdup(path)) == NULL)
		return -1;
	x->n_paths++;
	return 0;
}

static int
on_page(void *arg, const char *path, const char *text, size_t len)
{
	struct scan_ctx *x = arg;
	struct cycle *c = x->c;
	struct judge_page pg = {0};
	struct store_finding *f = NULL;
	struct store_page sp;
	size_t nf = 0;
	unsigned raised = 0, resolved = 0;
	char content[65], claims[65], *name = NULL;
	int rc = -1;

	c->res->run.pages_scanned++;
	/* From here on the page is its name under the root. */
	if ((name = pages_name(x->root, path)) == NULL ||
	    remember_path(x, name) < 0) {
		store_set_error(c->s, "out of memory");
		goto fail;
	}
	path = name;
	if (judge_page(x->judge, path, text, len, &pg) < 0)
		goto fail;
	if ((f = calloc(pg.verdicts.n + 1, sizeof(*f))) == NULL ||
	    page_hashes(text, len, &pg.claims, content, claims) < 0) {
		store_set_error(c->s, "out of memory");
		goto fail;
	}
	for (nf = 0; nf < pg.verdicts.n; nf++) {
		f[nf].claim = &pg.claims.v[pg.owner[nf]];
		f[nf].verdict = &pg.verdicts.v[nf];
	}
	sp.path = path;
	sp.content_hash = content;
	sp.claims_hash = claims;
	sp.claims = &pg.claims;
	sp.findings = f;
	sp.n_findings = nf;
	sp.quiet_recheck = strcmp(c->cfg->min_severity, "stale") == 0;
	if (store_page_flags(c->s, &sp, x->sinks, x->n_sinks, &raised,
	    &resolved) < 0)
		goto fail;
	c->res->run.flags_raised += raised;
	c->res->run.flags_resolved += resolved;
	log_info("page=%s claims=%zu findings=%zu raised=%u resolved=%u", path,
	    pg.claims.n, nf, raised, resolved);
	rc = 0;
	goto out;
fail:
	c->db_failed = true;
	if (!store_ok(c->s))
		db_fail(c);
	else
		fail(c, "page %s: %s", path, store_errmsg(c->s));
out:
	free(f);
	free(name);
	judge_page_finish(&pg);
	return rc;
}

/* Stored pages that were not read: skipped ones, the rest gone. */
struct unread {
	char **gone;
	size_t n_gone;
	char **skipped;
	char **why;		/* borrowed from the skip list */
	size_t n_skipped;
};

/*
 * Sort the stored pages not read this cycle: those a skip covers (the
 * file, or a folder above it, could not be read) keep their claims and
 * flags; so do those the walk did not look for (outside every path of
 * [pages] paths: not configured any more, or under another root); the
 * others are gone.  Both lists sorted.  0 / -1 (memory).
 */
static int
sort_unread(const struct config *cfg, const char *root, char **stored,
    size_t n, char *const *read, size_t n_read,
    const struct pages_skips *skips, struct unread *u)
{
	size_t i, k = 0;

	if ((u->gone = calloc(n + 1, sizeof(*u->gone))) == NULL ||
	    (u->skipped = calloc(n + 1, sizeof(*u->skipped))) == NULL ||
	    (u->why = calloc(n + 1, sizeof(*u->why))) == NULL)
		return -1;
	/* Both in bytewise order: one merge. */
	for (i = 0; i < n; i++) {
		const char *why;
		int cmp = 1;

		while (k < n_read && (cmp = strcmp(read[k], stored[i])) < 0)
			k++;
		if (k < n_read && cmp == 0)
			continue;
		if ((why = pages_skipped(skips, stored[i])) != NULL) {
			u->skipped[u->n_skipped] = stored[i];
			u->why[u->n_skipped++] = (char *)why;
		} else if (pages_covered(root, cfg->page_paths,
		    cfg->n_page_paths, stored[i])) {
			u->gone[u->n_gone++] = stored[i];
		} else {
			log_debug("page=%s: outside [pages] paths, not read; "
			    "its flags are kept", stored[i]);
		}
	}
	return 0;
}

/* Say which skips have lasted since an earlier cycle, in one line. */
static void
report_lasting(const struct unread *u, char (*since)[32], const bool *old)
{
	char line[1024];
	size_t len = 0, lasting = 0, shown = 0;

	line[0] = '\0';
	for (size_t i = 0; i < u->n_skipped; i++) {
		if (!old[i])
			continue;
		lasting++;
		if (shown < 5 && len < sizeof(line)) {
			int w = snprintf(line + len, sizeof(line) - len,
			    "%s%s (since %s: %s)", shown ? ", " : "",
			    u->skipped[i], since[i], u->why[i]);

			if (w > 0)
				len += (size_t)w;
			shown++;
		}
	}
	if (lasting == 0)
		return;
	log_warnx("pages: %zu page%s still skipped, claims and open flags kept "
	    "until %s again: %s%s", lasting, lasting == 1 ? "" : "s",
	    lasting == 1 ? "it reads" : "they read", line,
	    lasting > shown ? ", ..." : "");
}

/*
 * After the walk: pages that are gone no longer make their claims; pages
 * that could not be read are not gone.  Only the stored pages a skip
 * covers are kept, so one unreadable file does not keep every deleted
 * page's flags open, and a folder that cannot be listed does not resolve
 * its pages' flags (to raise and announce them again, under new IDs,
 * once it can).  Writes only when a page is gone or a skip begins.
 */
static int
settle_unread(struct cycle *c, struct scan_ctx *x,
    const struct pages_skips *skips)
{
	struct unread u;
	char **stored = NULL;
	char (*since)[32] = NULL;
	bool *lasting = NULL;
	size_t n = 0;
	unsigned resolved = 0;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	if (store_page_paths(c->s, &stored, &n) < 0)
		goto dbfail;
	if (sort_unread(c->cfg, x->root, stored, n, x->paths, x->n_paths,
	    skips, &u) < 0 ||
	    (since = calloc(u.n_skipped + 1, sizeof(*since))) == NULL ||
	    (lasting = calloc(u.n_skipped + 1, sizeof(*lasting))) == NULL) {
		fail(c, "%s", "out of memory");
		goto out;
	}
	if (store_forget_pages(c->s, u.gone, u.n_gone, &resolved) < 0 ||
	    store_pages_skipped(c->s, u.skipped, u.why, u.n_skipped,
	    since, lasting) < 0)
		goto dbfail;
	c->res->run.flags_resolved += resolved;
	for (size_t i = 0; i < u.n_gone; i++)
		log_info("page=%s: gone; its flags are resolved", u.gone[i]);
	report_lasting(&u, since, lasting);
	rc = 0;
	goto out;
dbfail:
	db_fail(c);
out:
	free(lasting);
	free(since);
	free(u.gone);
	free(u.skipped);
	free(u.why);
	store_free_ids(stored, n);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Pages stored before migration 0009 are named as the walk met them,
 * relative to the folder the run started in: rename each, once, to its
 * name under the root, so it keeps its claims and flags.  Two old names
 * of one page (a relative and an absolute path) keep the first; the
 * other is forgotten (its flags resolved: the first holds the same).
 */
static int
root_old_pages(struct cycle *c, const char *root)
{
	char **old = NULL, **names = NULL;
	size_t n = 0;
	unsigned resolved = 0;
	int rc = -1;

	if (store_unrooted_pages(c->s, &old, &n) < 0) {
		db_fail(c);
		return -1;
	}
	if (n == 0) {
		store_free_ids(old, 0);
		return 0;
	}
	if ((names = calloc(n + 1, sizeof(*names))) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if ((names[i] = pages_name(root, old[i])) == NULL)
			goto oom;
	if (store_root_pages(c->s, old, names, n, &resolved) < 0) {
		db_fail(c);
		goto out;
	}
	c->res->run.flags_resolved += resolved;
	log_info("pages: %zu page%s stored by an earlier version named under "
	    "%s", n, n == 1 ? "" : "s", root);
	rc = 0;
	goto out;
oom:
	fail(c, "%s", "pages: out of memory");
out:
	store_free_ids(names, names ? n : 0);
	store_free_ids(old, n);
	return rc;
}

static int
judge_pages(struct cycle *c)
{
	struct scan_ctx x;
	struct pages_skips skips = {0};
	struct store_run before = c->res->run;
	long pages;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.c = c;
	phase(c, "pages");
	x.n_sinks = alerts_sinks(c->cfg, x.sinks);
	if ((x.root = pages_root(c->cfg->page_root, c->cfg->page_paths,
	    c->cfg->n_page_paths)) == NULL) {
		fail(c, "pages: the root folder: %s", strerror(errno));
		return -1;
	}
	if (root_old_pages(c, x.root) < 0)
		goto out;
	/* No page, no judge: its acronyms alone are a query over every trial. */
	if (c->cfg->n_page_paths > 0 &&
	    ((x.judge = judge_new(c->cfg, c->s)) == NULL ||
	    judge_prepare(x.judge, c->cfg->page_paths, c->cfg->n_page_paths,
	    c->cfg->max_page_size) < 0)) {
		db_fail(c);
		goto out;
	}
	pages = pages_scan(c->cfg->page_paths, c->cfg->n_page_paths,
	    c->cfg->max_page_size, on_page, &x, &skips);
	c->res->run.pages_skipped = (unsigned)skips.n;
	if (pages < 0) {
		if (!c->res->error[0])
			fail(c, "%s",
			    "reading the pages failed (out of memory)");
		goto out;
	}
	/* Names, in the order the merge with the stored names needs. */
	if (pages_skips_name(&skips, x.root) < 0) {
		fail(c, "%s", "reading the pages failed (out of memory)");
		goto out;
	}
	if (x.n_paths > 1)
		qsort(x.paths, x.n_paths, sizeof(*x.paths), cmp_name);
	if (settle_unread(c, &x, &skips) < 0)
		goto out;
	/* The page stage's counts, once, and only when there are some. */
	if ((c->res->run.flags_raised != before.flags_raised ||
	    c->res->run.flags_resolved != before.flags_resolved ||
	    c->res->run.pages_skipped != before.pages_skipped) &&
	    store_run_progress(c->s, &c->res->run) < 0) {
		db_fail(c);
		goto out;
	}
	rc = 0;
out:
	pages_skips_finish(&skips);
	store_free_ids(x.paths, x.n_paths);
	judge_free(x.judge);
	free(x.root);
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
	phase(c, "prune");
	for (int round = 0; round < PRUNE_ROUNDS; round++) {
		if (store_prune(c->s, c->cfg->retain_delivered_alerts,
		    c->cfg->retain_runs, PRUNE_BATCH, &a, &r) < 0) {
			if (!store_ok(c->s)) {
				db_fail(c);
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
			db_fail(c);
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
		db_fail(&c);
		goto unlock;
	}
	sync_registry_opts(cfg, &ro);
	if ((reg = registry_new(f, &ro)) == NULL) {
		fail(&c, "%s", "out of memory");
		goto finish;
	}

	phase(&c, "track");
	if (track(&c) < 0) {
		if (!res->error[0])
			db_fail(&c);
		goto finish;
	}
	if (mirror(&c, reg) < 0)
		goto finish;
	if (backfill_run(cfg, s, f, res->run.run_id, &res->backfill, res->error,
	    sizeof(res->error)) < 0)
		goto finish;
	if (judge_pages(&c) < 0)
		goto finish;
	phase(&c, "alerts");
	if (alerts_deliver(cfg, s, f, stdout, &res->alerts) < 0 &&
	    !store_ok(s)) {
		db_fail(&c);
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
		fail(&c, "database connection lost during %s: %s", c.stage,
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
	phase(&c, "idle");
unlock:
	if (store_ok(s))
		store_unlock_sync(s);
	return rc;
}

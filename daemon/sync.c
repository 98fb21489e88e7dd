/*
 * sync.c - one cycle of ctmirror, read top to bottom as the data flow:
 * track, probe, fetch what moved, parse, diff, store; then pages, claims,
 * rules, flags; then alerts.  Each step that writes is one transaction.
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
#include "log.h"
#include "pages.h"
#include "registry.h"
#include "rules.h"
#include "study.h"

/* State shared by the stages of one cycle. */
struct cycle {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	const struct sync_hooks *hooks;
	struct sync_result *res;
	unsigned missing_marked;	/* not-found marks this run (capped) */
	unsigned fetched_done;
	unsigned fetch_total;
	bool db_failed;
};

static double
now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
phase(struct cycle *c, const char *name)
{
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
	rc = 0;
out:
	store_free_ids(pi.v, pi.n);
	return rc;
}

/* ---------------------------------------------------- registry to store */

/* One fetched record, parsed, waiting for its batch's transaction. */
struct parsed {
	struct registry_item *item;
	struct study *study;
	json_t *canon;
};

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

/* Store one parsed record inside the batch transaction.  0 / -1 (db). */
static int
store_parsed(struct cycle *c, struct parsed *p, const struct store_current *cur)
{
	struct change_list changes = {0};
	json_t *old = NULL;
	json_error_t jerr;
	int rc = -1;

	if (cur->version_id > 0 && strcmp(cur->hash, p->study->hash) == 0) {
		/* Same content (e.g. only versionHolder moved): write nothing. */
		say_trial(p->study, 0, false);
		return 0;
	}
	if (cur->version_id > 0) {
		old = cur->raw ? json_loads(cur->raw, 0, &jerr) : NULL;
		if (old == NULL || diff_studies(old, p->canon, &changes) < 0) {
			/* Stored JSON always parses; only memory can fail here. */
			trial_error(c, p->study->nct_id, "store",
			    "diff failed: out of memory");
			rc = 0;
			goto out;
		}
		if (changes.n == 0) {
			/*
			 * Only array order moved: the diff sees no change, so
			 * a new version would be noise in the history.
			 */
			say_trial(p->study, 0, false);
			rc = 0;
			goto out;
		}
	}
	if (store_add_version(c->s, c->res->run.run_id, p->study, cur,
	    &changes) < 0)
		goto out;
	c->res->run.versions_stored++;
	c->res->run.changes_stored += (unsigned)changes.n;
	say_trial(p->study, changes.n, cur->version_id == 0);
	rc = 0;
out:
	json_decref(old);
	diff_list_finish(&changes);
	return rc;
}

static void
handle_missing(struct cycle *c, struct registry_item *it)
{
	/*
	 * One absence proves little (DESIGN.md): a trial is marked missing
	 * only on a 404 for its own ID, and at most max_missing per run.
	 */
	if (it->outcome == REG_NOT_FOUND &&
	    c->missing_marked < c->cfg->max_missing) {
		if (store_mark_not_found(c->s, it->nct_id) < 0)
			c->db_failed = true;
		c->missing_marked++;
	}
	trial_error(c, it->nct_id, "fetch", it->error ? it->error :
	    "no answer from the registry");
}

/*
 * One batch from the registry -> one transaction.  Parse everything first
 * (pure), then lock and read the stored versions, then write.
 */
static int
on_batch(void *arg, struct registry_item *items, size_t n)
{
	struct cycle *c = arg;
	struct parsed *p = NULL;
	struct store_current *cur = NULL;
	char **ids = NULL;
	size_t np = 0, i;
	int rc = -1;

	if ((p = calloc(n + 1, sizeof(*p))) == NULL ||
	    (ids = calloc(n + 1, sizeof(*ids))) == NULL ||
	    (cur = calloc(n + 1, sizeof(*cur))) == NULL) {
		fail(c, "%s", "out of memory");
		goto out;
	}
	if (store_begin(c->s) < 0)
		goto dbfail;
	for (i = 0; i < n; i++) {
		struct registry_item *it = &items[i];
		const char *want = it->current_id[0] ? it->current_id : it->nct_id;
		struct study_error serr;

		c->fetched_done++;
		if (it->outcome != REG_OK) {
			handle_missing(c, it);
			continue;
		}
		c->res->run.trials_fetched++;
		p[np].study = study_from_json(it->study, want, &serr);
		if (p[np].study == NULL) {
			char msg[700];

			snprintf(msg, sizeof(msg), "%s: %s%s%s", it->nct_id,
			    serr.path[0] ? serr.path : "",
			    serr.path[0] ? ": " : "", serr.text);
			trial_error(c, it->nct_id, "parse", msg);
			continue;
		}
		if ((p[np].canon = study_canonical_json(it->study)) == NULL) {
			study_free(p[np].study);
			fail(c, "%s", "out of memory");
			goto rollback;
		}
		if (it->current_id[0]) {
			log_warnx("nct=%s: the registry now lists it as %s",
			    it->nct_id, it->current_id);
			if (store_record_alias(c->s, it->nct_id,
			    it->current_id) < 0)
				goto dbfail;
		}
		p[np].item = it;
		ids[np] = p[np].study->nct_id;
		np++;
	}
	if (c->db_failed)
		goto dbfail;
	if (store_current(c->s, ids, np, true, cur) < 0)
		goto dbfail;
	for (i = 0; i < np; i++)
		if (store_parsed(c, &p[i], &cur[i]) < 0 || c->db_failed)
			goto dbfail;
	if (store_commit(c->s) < 0)
		goto dbfail;
	progress(c, c->fetched_done, c->fetch_total, "fetched");
	rc = 0;
	goto out;
dbfail:
	c->db_failed = true;
	fail(c, "database: %s", store_errmsg(c->s));
rollback:
	store_rollback(c->s);
	/* Nothing of this batch is stored: undo its counts too. */
out:
	if (cur)
		store_current_finish(cur, np);
	for (i = 0; p && i < np; i++) {
		study_free(p[i].study);
		json_decref(p[i].canon);
	}
	free(cur);
	free(ids);
	free(p);
	return rc;
}

static int
cmp_probe(const void *a, const void *b)
{
	return strcmp(((const struct registry_probe_entry *)a)->nct_id,
	    ((const struct registry_probe_entry *)b)->nct_id);
}

/*
 * Probe every tracked ID for its last-update date, then fetch only the
 * trials that are new, moved, or missing from the probe.
 */
static int
mirror(struct cycle *c, struct registry *reg)
{
	struct registry_probe_result pr = {0};
	char **ids = NULL, **want = NULL;
	char (*stored)[DATE_SIZE] = NULL;
	size_t n = 0, nw = 0, i;
	int rc = -1;

	phase(c, "probe");
	if (store_tracked_ids(c->s, &ids, &n) < 0)
		goto dbfail;
	c->res->run.trials_tracked = (unsigned)n;
	if ((stored = calloc(n + 1, sizeof(*stored))) == NULL ||
	    (want = calloc(n + 1, sizeof(*want))) == NULL) {
		fail(c, "%s", "out of memory");
		goto out;
	}
	if (store_last_updates(c->s, ids, n, stored) < 0)
		goto dbfail;
	if (registry_probe(reg, ids, n, &pr) < 0 && fetch_cancelled(c->f)) {
		fail(c, "%s", "cancelled");
		goto out;
	}
	if (pr.n_failed == n && n > 0) {
		fail(c, "registry: %s", pr.failed[0].error ?
		    pr.failed[0].error : "no answer");
		goto out;
	}
	for (i = 0; i < pr.n_failed; i++)
		trial_error(c, pr.failed[i].nct_id, "probe",
		    pr.failed[i].error ? pr.failed[i].error : "probe failed");
	if (c->db_failed)
		goto dbfail;
	c->res->run.trials_probed = (unsigned)pr.n;
	qsort(pr.v, pr.n, sizeof(*pr.v), cmp_probe);
	for (i = 0; i < n; i++) {
		struct registry_probe_entry key, *e;
		bool failed = false;

		for (size_t k = 0; k < pr.n_failed; k++)
			if (strcmp(pr.failed[k].nct_id, ids[i]) == 0)
				failed = true;
		if (failed)
			continue;
		snprintf(key.nct_id, sizeof(key.nct_id), "%s", ids[i]);
		e = bsearch(&key, pr.v, pr.n, sizeof(*pr.v), cmp_probe);
		if (e == NULL || stored[i][0] == '\0' ||
		    strcmp(e->last_update, stored[i]) != 0)
			want[nw++] = ids[i];
		else
			log_debug("nct=%s unchanged since %s", ids[i], stored[i]);
	}
	progress(c, 0, (unsigned)nw, "fetched");
	c->fetch_total = (unsigned)nw;
	if (nw > 0) {
		phase(c, "fetch");
		if (registry_fetch(reg, want, nw, on_batch, c) < 0) {
			if (!c->res->error[0])
				fail(c, "%s", fetch_cancelled(c->f) ?
				    "cancelled" : "registry fetch failed");
			goto out;
		}
	}
	rc = 0;
	goto out;
dbfail:
	fail(c, "database: %s", store_errmsg(c->s));
out:
	registry_probe_finish(&pr);
	free(want);
	free(stored);
	store_free_ids(ids, n);
	return rc;
}

/* ------------------------------------------------------ pages to flags */

struct scan_ctx {
	struct cycle *c;
	struct store_states *states;
	struct rules_opts ro;
	const char *sinks[3];
	size_t n_sinks;
	char **paths;
	size_t n_paths, cap_paths;
	int failed;
};

/* FNV-1a: a cheap fingerprint of the page text for the pages table. */
static void
page_hash(const char *text, size_t len, char out[17])
{
	unsigned long long h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 1099511628211ULL;
	}
	snprintf(out, 17, "%016llx", h);
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
	struct claim_list cl = {0};
	struct verdict_list vl = {0};
	struct store_finding *f = NULL;
	size_t *owner = NULL;
	const struct claims_acronym *acr;
	size_t n_acr, nf = 0, i, k;
	unsigned raised = 0, resolved = 0;
	char hash[17];
	int rc = -1;

	c->res->run.pages_scanned++;
	if (remember_path(x, path) < 0)
		goto oom;
	acr = store_states_acronyms(x->states, &n_acr);
	if (claims_extract(text, len, acr, n_acr, &cl) < 0)
		goto oom;
	/* rules_judge appends; remember which claim each verdict judges. */
	for (i = 0; i < cl.n; i++) {
		size_t before = vl.n;
		size_t *grown;

		if (rules_judge(&cl.v[i], store_states_get(x->states,
		    cl.v[i].nct_id), &x->ro, &vl) < 0)
			goto oom;
		if (vl.n == before)
			continue;
		if ((grown = realloc(owner, vl.n * sizeof(*owner))) == NULL)
			goto oom;
		owner = grown;
		for (k = before; k < vl.n; k++)
			owner[k] = i;
	}
	if ((f = calloc(vl.n + 1, sizeof(*f))) == NULL)
		goto oom;
	for (nf = 0; nf < vl.n; nf++) {
		f[nf].claim = &cl.v[owner[nf]];
		f[nf].verdict = &vl.v[nf];
	}
	page_hash(text, len, hash);
	if (store_page_flags(c->s, path, hash, &cl, f, nf, x->sinks,
	    x->n_sinks, &raised, &resolved) < 0) {
		c->db_failed = true;
		fail(c, "database: %s", store_errmsg(c->s));
		goto out;
	}
	c->res->run.flags_raised += raised;
	c->res->run.flags_resolved += resolved;
	log_info("page=%s claims=%zu findings=%zu raised=%u resolved=%u", path,
	    cl.n, nf, raised, resolved);
	rc = 0;
	goto out;
oom:
	fail(c, "page %s: out of memory", path);
out:
	free(owner);
	free(f);
	rules_list_finish(&vl);
	claims_list_finish(&cl);
	return rc;
}

static int
judge_pages(struct cycle *c)
{
	struct scan_ctx x;
	unsigned resolved = 0;
	long pages;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.c = c;
	phase(c, "pages");
	config_today(c->cfg, x.ro.today);
	x.ro.stale_after_days = c->cfg->stale_after_days;
	x.n_sinks = alerts_sinks(c->cfg, x.sinks);
	if ((x.states = store_load_states(c->s)) == NULL) {
		fail(c, "database: %s", store_errmsg(c->s));
		return -1;
	}
	pages = pages_scan(c->cfg->page_paths, c->cfg->n_page_paths,
	    c->cfg->max_page_size, on_page, &x, NULL);
	if (pages < 0)
		goto out;
	/* Pages that are gone no longer make their claims. */
	if (store_forget_pages(c->s, x.paths, x.n_paths, &resolved) < 0) {
		fail(c, "database: %s", store_errmsg(c->s));
		goto out;
	}
	c->res->run.flags_resolved += resolved;
	rc = 0;
out:
	store_free_ids(x.paths, x.n_paths);
	store_states_free(x.states);
	return rc;
}

/* --------------------------------------------------------------- cycle */

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
	c.res = res;

	if (!store_lock_sync(s)) {
		snprintf(res->error, sizeof(res->error), "%s", store_errmsg(s));
		return -1;
	}
	if (store_run_begin(s, mode, &res->run.run_id) < 0) {
		fail(&c, "database: %s", store_errmsg(s));
		goto unlock;
	}
	ro.base_url = cfg->base_url;
	ro.probe_batch = cfg->probe_batch;
	ro.fetch_batch = cfg->fetch_batch;
	if ((reg = registry_new(f, &ro)) == NULL) {
		fail(&c, "%s", "out of memory");
		goto finish;
	}

	phase(&c, "track");
	if (track(&c) < 0) {
		if (!res->error[0])
			fail(&c, "database: %s", store_errmsg(s));
		goto finish;
	}
	if (mirror(&c, reg) < 0)
		goto finish;
	if (judge_pages(&c) < 0)
		goto finish;
	phase(&c, "alerts");
	if (alerts_deliver(cfg, s, f, stdout, &res->alerts_sent,
	    &res->alerts_failed) < 0 && !store_ok(s)) {
		fail(&c, "database: %s", store_errmsg(s));
		goto finish;
	}
	rc = res->trials_failed || res->alerts_failed ? 1 : 0;
	status = rc == 0 ? "ok" : "partial";
finish:
	res->run.requests = (unsigned)(fetch_stats(f)->requests - requests0);
	res->seconds = now_seconds() - t0;
	if (res->run.run_id > 0 && store_ok(s)) {
		store_rollback(s);
		if (store_run_finish(s, &res->run, status,
		    res->error[0] ? res->error : NULL) < 0 && rc >= 0) {
			fail(&c, "database: %s", store_errmsg(s));
			rc = -1;
		}
	}
	registry_free(reg);
	phase(&c, "idle");
unlock:
	if (store_ok(s))
		store_unlock_sync(s);
	return rc;
}

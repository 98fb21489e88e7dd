/*
 * sync.c - one cycle of ctmirror, read top to bottom as the data flow:
 * track, probe, fetch what moved, parse, diff, store; then pages, claims,
 * rules, flags; then alerts.  Each step that writes is one transaction.
 */
#include "sync.h"

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
#include "identity.h"
#include "log.h"
#include "pages.h"
#include "registry.h"
#include "report.h"
#include "rules.h"
#include "study.h"

/* An ID the cycle asks the registry about. */
struct ask {
	char id[NCT_ID_SIZE];
	bool stored;		/* a version of it is stored */
	bool in_config;		/* [tracking] nct_ids names it */
};

static int
cmp_ask(const void *a, const void *b)
{
	return strcmp(((const struct ask *)a)->id, ((const struct ask *)b)->id);
}

/* A probe entry by ID (the key is the ID string: it leads the entry). */
static int
cmp_entry(const void *key, const void *e)
{
	return strcmp(key, ((const struct registry_probe_entry *)e)->nct_id);
}

/* State shared by the stages of one cycle. */
struct cycle {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	const struct sync_hooks *hooks;
	struct sync_result *res;
	struct ask *asks;		/* what the registry is asked about, sorted */
	size_t n_asks;
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
static const struct ask *
ask_of(const struct cycle *c, const char *nct_id)
{
	struct ask key;

	if (c->n_asks == 0)
		return NULL;
	snprintf(key.id, sizeof(key.id), "%s", nct_id);
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
	const struct ask *a = ask_of(c, it->nct_id);
	const struct config *cfg = c->cfg;
	char msg[700];
	int line;

	if (a == NULL || !a->stored || c->missing_marked++ < cfg->max_missing) {
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
cmp_failed(const void *a, const void *b)
{
	return strcmp(((const struct registry_item *)a)->nct_id,
	    ((const struct registry_item *)b)->nct_id);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A digest of the tracked set (FNV-1a 64 over the sorted IDs), as hex. */
static void
tracked_digest(char *const *ids, size_t n, char out[17])
{
	unsigned long long h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		for (const char *p = ids[i]; ; p++) {
			h ^= (unsigned char)*p;
			h *= 1099511628211ULL;
			if (*p == '\0')
				break;
		}
	snprintf(out, 17, "%016llx", h);
}

/*
 * The registry's data build (GET /version), recorded with the run.  True
 * when the probe can be skipped: the build and the tracked set are those
 * of the last successful cycle, so no record can have moved and no ID is
 * new.
 */
static bool
registry_unchanged(struct cycle *c, struct registry *reg, char *const *ids,
    size_t n)
{
	struct store_registry last;
	char build[REGISTRY_BUILD_SIZE], digest[17];
	char *why = NULL;
	bool have;

	tracked_digest(ids, n, digest);
	have = registry_version(reg, build, &why) == 0;
	if (!have) {
		log_debug("registry: no data build from /version (%s); probing",
		    why ? why : "?");
		free(why);
	} else {
		snprintf(c->res->registry_build, sizeof(c->res->registry_build),
		    "%s", build);
		log_debug("registry: data build %s", build);
	}
	if (store_last_registry(c->s, &last) < 0 ||
	    store_run_registry(c->s, c->res->run.run_id, have ? build : NULL,
	    digest) < 0) {
		c->db_failed = true;
		return false;
	}
	if (!have || last.ok_run_id == 0 || strcmp(last.ok_build, build) != 0)
		return false;
	if (strcmp(last.ok_digest, digest) != 0) {
		log_debug("registry: data build %s unchanged, but the tracked "
		    "set changed: probing", build);
		return false;
	}
	log_debug("registry: data build %s and the tracked set unchanged "
	    "since run %lld: probe skipped", build, last.ok_run_id);
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
 * What the cycle asks about: the tracked IDs but known aliases (their
 * current ID is tracked instead) and unknown IDs only pages cite, checked
 * within the week.  c->asks, sorted.  0 / -1 (database, memory).
 */
static int
plan_asks(struct cycle *c, char *const *ids, size_t n)
{
	char **skip = NULL, **cfg_ids = NULL;
	size_t n_skip = 0, i;
	int rc = -1;

	if (store_skip_ids(c->s, &skip, &n_skip) < 0)
		goto dbfail;
	if ((c->asks = calloc(n + 1, sizeof(*c->asks))) == NULL ||
	    (cfg_ids = calloc(c->cfg->n_nct_ids + 1, sizeof(*cfg_ids))) ==
	    NULL) {
		fail(c, "%s", "out of memory");
		goto out;
	}
	memcpy(cfg_ids, c->cfg->nct_ids, c->cfg->n_nct_ids * sizeof(*cfg_ids));
	if (c->cfg->n_nct_ids > 0)
		qsort(cfg_ids, c->cfg->n_nct_ids, sizeof(*cfg_ids), cmp_str);
	for (i = 0; i < n; i++) {
		struct ask *a = &c->asks[c->n_asks];

		if (n_skip > 0 && bsearch(&ids[i], skip, n_skip, sizeof(*skip),
		    cmp_str) != NULL) {
			log_debug("nct=%s: not asked this run (a known alias, "
			    "or unknown to the registry this week)", ids[i]);
			continue;
		}
		snprintf(a->id, sizeof(a->id), "%s", ids[i]);
		a->in_config = c->cfg->n_nct_ids > 0 && bsearch(&ids[i],
		    cfg_ids, c->cfg->n_nct_ids, sizeof(*cfg_ids), cmp_str);
		c->n_asks++;
	}
	if (c->n_asks > 0)
		qsort(c->asks, c->n_asks, sizeof(*c->asks), cmp_ask);
	rc = 0;
	goto out;
dbfail:
	db_fail(c);
out:
	free(cfg_ids);
	store_free_ids(skip, n_skip);
	return rc;
}

/*
 * Probe the IDs asked about that have a stored version for their
 * last-update date, then fetch the trials that moved, are missing from
 * the probe, or were never stored (those need their record anyway:
 * probing them would only cost the registry a pass over them).
 */
static int
mirror(struct cycle *c, struct registry *reg)
{
	struct registry_probe_result pr = {0};
	char **ids = NULL, **asked = NULL, **want = NULL, **known = NULL;
	char (*stored)[DATE_SIZE] = NULL;
	size_t n = 0, na, nw = 0, nk = 0, i;
	int rc = -1;

	phase(c, "probe");
	if (store_tracked_ids(c->s, &ids, &n) < 0)
		goto dbfail;
	c->res->run.trials_tracked = (unsigned)n;
	if (registry_unchanged(c, reg, ids, n)) {
		rc = 0;
		goto out;
	}
	if (c->db_failed)
		goto dbfail;
	if (plan_asks(c, ids, n) < 0)
		goto out;
	na = c->n_asks;
	if ((stored = calloc(na + 1, sizeof(*stored))) == NULL ||
	    (asked = calloc(na + 1, sizeof(*asked))) == NULL ||
	    (want = calloc(na + 1, sizeof(*want))) == NULL ||
	    (known = calloc(na + 1, sizeof(*known))) == NULL) {
		fail(c, "%s", "out of memory");
		goto out;
	}
	for (i = 0; i < na; i++)
		asked[i] = c->asks[i].id;
	if (store_last_updates(c->s, asked, na, stored) < 0)
		goto dbfail;
	for (i = 0; i < na; i++) {
		c->asks[i].stored = stored[i][0] != '\0';
		if (c->asks[i].stored)
			known[nk++] = asked[i];
		else
			want[nw++] = asked[i];
	}
	if (nk > 0 && registry_probe(reg, known, nk, &pr) < 0 &&
	    fetch_cancelled(c->f)) {
		fail(c, "%s", "cancelled");
		goto out;
	}
	if (registry_stopped(c, reg))
		goto out;
	if (pr.n_failed == nk && nk > 0) {
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
	if (pr.n_failed > 0)
		qsort(pr.failed, pr.n_failed, sizeof(*pr.failed), cmp_failed);
	for (i = 0; i < na; i++) {
		struct registry_probe_entry *e = NULL;
		struct registry_item fkey;

		if (stored[i][0] == '\0')
			continue;	/* already wanted */
		snprintf(fkey.nct_id, sizeof(fkey.nct_id), "%s", asked[i]);
		if (pr.n_failed > 0 && bsearch(&fkey, pr.failed, pr.n_failed,
		    sizeof(*pr.failed), cmp_failed) != NULL)
			continue;	/* reported; tried again next cycle */
		/* pr.v is sorted by ID (registry.h); its ID leads. */
		if (pr.n > 0)
			e = bsearch(fkey.nct_id, pr.v, pr.n, sizeof(*pr.v),
			    cmp_entry);
		if (e == NULL || strcmp(e->last_update, stored[i]) != 0)
			want[nw++] = asked[i];
		else
			log_debug("nct=%s unchanged since %s", asked[i],
			    stored[i]);
	}
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
	rc = 0;
	goto out;
dbfail:
	db_fail(c);
out:
	registry_probe_finish(&pr);
	free(known);
	free(want);
	free(asked);
	free(stored);
	store_free_ids(ids, n);
	return rc;
}

/* ---------------------------------------------------------- page judge */

/*
 * Records the citation check has loaded, by NCT ID, prepared (prep NULL
 * when none is stored).  Bounded by [pages] record_cache bytes: past it
 * the cache starts over, so a knowledge base citing 50,000 trials does not
 * hold 50,000 records unless it is given the memory.  The table allows a
 * record per REC_MIN_BYTES of it (a prepared record is about 1.4 KB) and
 * is never more than half full.
 */
#define REC_MIN_BYTES 512
/* Prepared records are packed into blocks of this size, freed together. */
#define REC_BLOCK (1u << 20)

struct rec_slot {
	char nct_id[NCT_ID_SIZE];	/* "" when the slot is free */
	/*
	 * Read once for the citation check: a page citing a trial a thousand
	 * times reads its record once, not a thousand times.  In a block.
	 */
	const struct identity_record *prep;
};

struct rec_block {
	struct rec_block *next;
	size_t used, cap;
	_Alignas(8) char mem[];
};

struct sync_judge {
	struct store *s;
	struct store_states *states;
	struct claims_index *names;	/* the registry's acronyms, indexed once */
	struct identity *identity;	/* NULL: identity check off */
	struct rules_opts ro;
	struct rec_slot *slots;		/* open addressing; cap a power of 2 */
	size_t cap, n;
	size_t max_n, max_bytes;	/* start over past either */
	size_t bytes;			/* the prepared records' */
	struct rec_block *blocks;	/* the newest first */
};

static size_t
rec_hash(const char *nct_id)
{
	unsigned long long h = 0;

	/* The eight digits are the identity; Fibonacci hashing spreads them. */
	for (const char *p = nct_id + 3; *p; p++)
		h = h * 10 + (unsigned)(*p - '0');
	return (size_t)((h * 11400714819323198485ull) >> 32);
}

static struct rec_slot *
rec_find(const struct sync_judge *j, const char *nct_id)
{
	size_t i = rec_hash(nct_id) & (j->cap - 1);

	while (j->slots[i].nct_id[0] != '\0') {
		if (strcmp(j->slots[i].nct_id, nct_id) == 0)
			return &j->slots[i];
		i = (i + 1) & (j->cap - 1);
	}
	return &j->slots[i];	/* the free slot where it would go */
}

static void
rec_clear(struct sync_judge *j)
{
	struct rec_block *b;

	/* Only used slots are written: a big table's untouched pages stay so. */
	for (size_t i = 0; i < j->cap; i++)
		if (j->slots[i].nct_id[0] != '\0')
			memset(&j->slots[i], 0, sizeof(j->slots[i]));
	while ((b = j->blocks) != NULL) {
		j->blocks = b->next;
		free(b);
	}
	j->n = 0;
	j->bytes = 0;
}

/* n bytes, 8-byte aligned, in the newest block or a new one; NULL: OOM. */
static void *
rec_alloc(struct sync_judge *j, size_t n)
{
	struct rec_block *b = j->blocks;
	void *p;

	n = (n + 7u) & ~(size_t)7u;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > REC_BLOCK ? n : REC_BLOCK;

		if ((b = malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = j->blocks;
		j->blocks = b;
	}
	p = b->mem + b->used;
	b->used += n;
	return p;
}

/*
 * Cache st (freed here; NULL: no record) under nct_id, unless already
 * there, prepared for the citation check.  0, or -1 when out of memory.
 */
static int
rec_put(struct sync_judge *j, const char *nct_id, struct study *st)
{
	struct rec_slot *slot = rec_find(j, nct_id);
	struct identity_record *prep = NULL;
	const struct identity_record *packed = NULL;
	size_t size = 0;
	void *mem;
	int rc = -1;

	if (slot->nct_id[0] != '\0') {
		rc = 0;
		goto out;
	}
	if (st != NULL && j->identity != NULL) {
		if ((prep = identity_record_new(j->identity, st)) == NULL ||
		    (mem = rec_alloc(j, size = identity_record_size(prep))) ==
		    NULL)
			goto out;
		packed = identity_record_pack(prep, mem);
	}
	snprintf(slot->nct_id, sizeof(slot->nct_id), "%s", nct_id);
	slot->prep = packed;
	j->n++;
	j->bytes += sizeof(*slot) + size;
	rc = 0;
out:
	identity_record_free(prep);
	study_free(st);		/* the packed record keeps what it needs */
	return rc;
}

static int
on_record(void *arg, const char *nct_id, const char *json, size_t len)
{
	struct sync_judge *j = arg;
	struct study_error err;

	/*
	 * A stored record parsed when it was stored; a summary that does
	 * not is left out of the check (no verdict) rather than failing
	 * the page.  study_from_text, not a whole tree: the same fields
	 * without a tree of the whole summary and its canonical dump, a
	 * quarter of a scan's CPU when the cache turns over.
	 */
	if (rec_put(j, nct_id, study_from_text(json, len, nct_id, &err)) < 0) {
		store_set_error(j->s, "page judge: out of memory");
		return -1;
	}
	return 0;
}

/* The ID a page's nct_id leads to: its current ID when it is an alias. */
static const char *
current_of(const struct sync_judge *j, const char *nct_id)
{
	const char *cur = store_states_alias(j->states, nct_id);

	return cur ? cur : nct_id;
}

/*
 * Records one load asks for at most: a page citing more trials than the
 * cache holds is judged in windows, each window's records loaded together.
 */
#define REC_LOAD_MAX 512

/*
 * Load the records the cache lacks for the page's mentions from `from`
 * on, as many as one load asks for (the cache starts over first when they
 * might not fit); the mentions covered end at *to (> from).  0 / -1.
 */
static int
load_records(struct sync_judge *j, const struct mention_list *ml,
    size_t from, size_t *to)
{
	char *want[REC_LOAD_MAX];
	size_t n = 0, i;

	if (j->n + REC_LOAD_MAX > j->max_n || j->bytes > j->max_bytes)
		rec_clear(j);
	for (i = from; i < ml->n; i++) {
		const char *id = current_of(j, ml->v[i].nct_id);
		bool dup = false;

		for (size_t k = 0; k < n && !dup; k++)
			dup = strcmp(want[k], id) == 0;
		if (dup || rec_find(j, id)->nct_id[0] != '\0' ||
		    store_states_get(j->states, id) == NULL)
			continue;
		if (n == REC_LOAD_MAX)
			break;
		want[n++] = (char *)id;
	}
	*to = i;
	if (store_each_record_summary(j->s, want, n, on_record, j) < 0)
		return -1;
	/* Asked and not answered: remember there is none. */
	for (i = 0; i < n; i++)
		(void)rec_put(j, want[i], NULL);	/* no record: cannot fail */
	return 0;
}

struct sync_judge *
sync_judge_new(const struct config *cfg, struct store *s)
{
	struct sync_judge *j;
	struct identity_opts io = {cfg->identity_min_terms};
	const struct claims_acronym *acr;
	size_t n_acr;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto oom;
	j->s = s;
	config_today(cfg, j->ro.today);
	j->ro.stale_after_days = cfg->stale_after_days;
	j->max_bytes = cfg->record_cache;
	j->max_n = cfg->record_cache / REC_MIN_BYTES;
	if (j->max_n < 2 * REC_LOAD_MAX)
		j->max_n = 2 * REC_LOAD_MAX;
	/* Past twice the count bound: the table never fills past half. */
	for (j->cap = 1024; j->cap < 2 * j->max_n; j->cap *= 2)
		;
	if ((j->slots = calloc(j->cap, sizeof(*j->slots))) == NULL)
		goto oom;
	if (cfg->identity_min_terms > 0 &&
	    (j->identity = identity_new(&io)) == NULL)
		goto oom;
	j->ro.identity = j->identity;
	if ((j->states = store_load_states(s)) == NULL)
		goto fail;
	acr = store_states_acronyms(j->states, &n_acr);
	if ((j->names = claims_index_new(acr, n_acr)) == NULL)
		goto oom;
	return j;
oom:
	store_set_error(s, "page judge: out of memory");
fail:
	sync_judge_free(j);
	return NULL;
}

void
sync_judge_free(struct sync_judge *j)
{
	if (j == NULL)
		return;
	if (j->slots)
		rec_clear(j);
	free(j->slots);
	identity_free(j->identity);
	claims_index_free(j->names);
	store_states_free(j->states);
	free(j);
}

const struct trial_state *
sync_judge_state(const struct sync_judge *j, const char *nct_id)
{
	return store_states_get(j->states, current_of(j, nct_id));
}

/*
 * Record that verdicts [from, n) judge claim `claim`.  0 / -1.  The
 * array doubles: grown by each claim's few verdicts, it was copied whole
 * at every claim where realloc cannot extend in place (always, under
 * ASan: 41 s and 2 GB for a page of 100,000 claims).
 */
static int
own(struct sync_page *out, size_t from, size_t claim)
{
	size_t *grown, cap;

	if (out->verdicts.n == from)
		return 0;
	if (out->verdicts.n > out->owner_cap) {
		for (cap = out->owner_cap ? out->owner_cap : 16;
		    cap < out->verdicts.n; cap *= 2)
			;
		if ((grown = realloc(out->owner, cap * sizeof(*grown))) == NULL)
			return -1;
		out->owner = grown;
		out->owner_cap = cap;
	}
	for (size_t k = from; k < out->verdicts.n; k++)
		out->owner[k] = claim;
	return 0;
}

/* Append *c (its strings stolen) to l.  0 / -1 (then c still owns them). */
static int
push_claim(struct claim_list *l, const struct claim *c)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct claim *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *c;
	return 0;
}

int
sync_judge_page(struct sync_judge *j, const char *path, const char *text,
    size_t len, struct sync_page *out)
{
	struct mention_list ml = {0};
	size_t i, before, loaded = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	/* Claims and citations in one pass over the page. */
	if (claims_scan(text, len, reader_format_of(path), j->names,
	    &out->claims, &ml) < 0)
		goto oom;
	for (i = 0; i < out->claims.n; i++) {
		before = out->verdicts.n;
		if (rules_judge(&out->claims.v[i], sync_judge_state(j,
		    out->claims.v[i].nct_id), &j->ro, &out->verdicts) < 0 ||
		    own(out, before, i) < 0)
			goto oom;
	}
	/* Citations: every NCT ID the page names is a claim of its own. */
	for (i = 0; i < ml.n; i++) {
		const struct mention *m = &ml.v[i];
		const char *cur = store_states_alias(j->states, m->nct_id);
		const struct identity_record *rec = NULL;
		struct claim c;

		if (j->identity != NULL) {
			/* Records for mentions [i, loaded) are in the cache. */
			if (i == loaded && load_records(j, &ml, i, &loaded) < 0)
				goto out;
			rec = rec_find(j, cur ? cur : m->nct_id)->prep;
		}
		if (identity_claim(m, &c) < 0)
			goto oom;
		if (push_claim(&out->claims, &c) < 0) {
			free(c.excerpt);
			free(c.phrase);
			goto oom;
		}
		before = out->verdicts.n;
		if (rules_judge_mention(&out->claims.v[out->claims.n - 1], m,
		    sync_judge_state(j, m->nct_id), cur, rec, &j->ro,
		    &out->verdicts) < 0 ||
		    own(out, before, out->claims.n - 1) < 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	store_set_error(j->s, "judging a page: out of memory");
out:
	claims_mentions_finish(&ml);
	return rc;
}

void
sync_page_finish(struct sync_page *p)
{
	if (p == NULL)
		return;
	free(p->owner);
	rules_list_finish(&p->verdicts);
	claims_list_finish(&p->claims);
	memset(p, 0, sizeof(*p));
}

/* ------------------------------------------------------ pages to flags */

struct scan_ctx {
	struct cycle *c;
	struct sync_judge *judge;
	const char *sinks[3];
	size_t n_sinks;
	char **paths;			/* pages read, in the walk's (sorted) order */
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
	struct sync_page pg = {0};
	struct store_finding *f = NULL;
	struct store_page sp;
	size_t nf = 0;
	unsigned raised = 0, resolved = 0;
	char content[65], claims[65];
	int rc = -1;

	c->res->run.pages_scanned++;
	if (remember_path(x, path) < 0) {
		store_set_error(c->s, "out of memory");
		goto fail;
	}
	if (sync_judge_page(x->judge, path, text, len, &pg) < 0)
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
	sync_page_finish(&pg);
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
 * flags; the others are gone.  Both lists sorted.  0 / -1 (memory).
 */
static int
sort_unread(char **stored, size_t n, char *const *read, size_t n_read,
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
		} else {
			u->gone[u->n_gone++] = stored[i];
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
	if (sort_unread(stored, n, x->paths, x->n_paths, skips, &u) < 0 ||
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
	if ((x.judge = sync_judge_new(c->cfg, c->s)) == NULL) {
		db_fail(c);
		return -1;
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
	sync_judge_free(x.judge);
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
	c.stage = "start";

	if (!store_lock_sync(s)) {
		snprintf(res->error, sizeof(res->error), "%s", store_errmsg(s));
		return -1;
	}
	if (store_run_begin(s, mode, &res->run.run_id) < 0) {
		db_fail(&c);
		goto unlock;
	}
	ro.base_url = cfg->base_url;
	ro.probe_batch = cfg->probe_batch;
	ro.fetch_batch = cfg->fetch_batch;
	ro.max_url = cfg->max_url;
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
	if (alerts_deliver(cfg, s, f, stdout, &res->alerts_sent,
	    &res->alerts_failed) < 0 && !store_ok(s)) {
		db_fail(&c);
		goto finish;
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

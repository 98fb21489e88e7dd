/*
 * backfill.c - the backfill stage: each tracked trial's past versions from
 * the registry's History of Changes, staged as they arrive and joined to
 * the versions seen live in one transaction, within a request budget.
 */
#include "backfill.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "diff.h"
#include "fetch.h"
#include "history.h"
#include "log.h"
#include "store.h"
#include "study.h"

/* A trial whose own answers failed this many cycles running is given up. */
#define MAX_ATTEMPTS	3

/* State of one stage. */
struct stage {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	struct history *h;
	long long run_id;
	struct backfill_result *res;
	unsigned long requests0;	/* fetch's count when the stage began */
	bool answered;		/* some history request succeeded this cycle */
	char *first_error;	/* the first endpoint failure, for the log */
};

/* One trial's versions being fetched. */
struct fetching {
	struct stage *bf;
	const char *nct_id;
	json_t *anchor;		/* the first live version, canonical */
	char *refused;		/* a version study.c refused: why (new) */
	bool db_failed;
};

static unsigned
spent(const struct stage *bf)
{
	return (unsigned)(fetch_stats(bf->f)->requests - bf->requests0);
}

static unsigned
budget_left(const struct stage *bf)
{
	unsigned used = spent(bf);

	return used >= bf->cfg->backfill_requests ? 0 :
	    bf->cfg->backfill_requests - used;
}

/*
 * The same registry version: no difference outside derivedSection, which
 * the registry computes (MeSH trees, data-build dates) rather than the
 * sponsor submits, and may serve differently from its history.
 */
static bool
same_version(const json_t *a, const json_t *b, bool *oom)
{
	struct change_list cl = {0};
	bool same = true;

	if (diff_studies(a, b, &cl) < 0)
		*oom = true;
	for (size_t i = 0; i < cl.n && same; i++)
		same = strncmp(cl.v[i].path, "/derivedSection", 15) == 0 &&
		    (cl.v[i].path[15] == '\0' || cl.v[i].path[15] == '/');
	diff_list_finish(&cl);
	return same && !*oom;
}

/*
 * A failure of one trial's answers: counted with the trial, and given up
 * after MAX_ATTEMPTS cycles in a row when the registry refused the trial
 * itself, or when the endpoints failed it while answering for others (an
 * outage is nobody's trial's fault).  An endpoint failure also ends the
 * stage for this cycle.  0 / -1 (database).
 */
static int
trial_failed(struct stage *bf, const struct store_backfill *b,
    enum history_fault fault, const char *why)
{
	bool give_up = b->attempts + 1 >= MAX_ATTEMPTS &&
	    (fault == HISTORY_TRIAL || bf->answered);

	if (store_backfill_attempt(bf->s, b->nct_id, why ? why :
	    "out of memory", give_up) < 0)
		return -1;
	if (give_up) {
		bf->res->trials_failed++;
		log_warnx(
		    "backfill nct=%s: gave up after %d attempts: %s; its history starts with the first version seen live",
		    b->nct_id, b->attempts + 1, why ? why : "out of memory");
	} else if (fault == HISTORY_TRIAL) {
		log_info("backfill nct=%s: %s (attempt %d of %d)", b->nct_id,
		    why ? why : "out of memory", b->attempts + 1, MAX_ATTEMPTS);
	}
	if (fault == HISTORY_ENDPOINT) {
		bf->res->endpoint_failed = true;
		if (bf->first_error == NULL && why != NULL)
			bf->first_error = strdup(why);
	}
	return 0;
}

/* ----------------------------------------------------------- fetching */

static int
on_version(void *arg, int version, const json_t *study)
{
	struct fetching *fx = arg;
	struct study_error serr;
	struct study *st = NULL;
	json_t *tree = NULL;
	char *text;
	bool oom = false, anchor = false;
	int rc = -1;

	fx->bf->answered = true;
	/*
	 * study.c reads records as text: the version's record as text, the
	 * one form the live path and the staging table know.
	 */
	if ((text = json_dumps(study, JSON_COMPACT)) == NULL) {
		store_set_error(fx->bf->s, "backfill: out of memory");
		fx->db_failed = true;
		return -1;
	}
	st = study_from_text(text, strlen(text), fx->nct_id, &serr);
	free(text);
	if (st == NULL) {
		if (asprintf(&fx->refused, "%s: version %d: %s%s%s", fx->nct_id,
		    version, serr.path, serr.path[0] ? ": " : "",
		    serr.text) < 0)
			fx->refused = NULL;
		return -1;
	}
	if (fx->anchor != NULL && (tree = json_deep_copy(study)) != NULL) {
		study_strip_volatile(tree);
		anchor = same_version(tree, fx->anchor, &oom);
	}
	if (oom || (fx->anchor != NULL && tree == NULL)) {
		store_set_error(fx->bf->s, "backfill: out of memory");
		fx->db_failed = true;
	} else if (store_backfill_stage(fx->bf->s, fx->nct_id, version,
	    st->canonical, anchor) < 0) {
		fx->db_failed = true;
	} else {
		fx->bf->res->versions++;
		rc = 0;
	}
	json_decref(tree);
	study_free(st);
	return rc;
}

/*
 * Fetch and stage the versions of b that are not staged yet, as many as
 * the budget allows.  *complete: all are staged now.  0 / -1 (database).
 */
static int
fetch_versions(struct stage *bf, const struct store_backfill *b, int listed,
    bool *complete)
{
	struct fetching fx = {bf, b->nct_id, NULL, NULL, false};
	struct store_anchor a;
	enum history_fault fault;
	bool *staged = NULL;
	int *want = NULL, rc = -1;
	size_t nw = 0, left = budget_left(bf);
	char *why = NULL;
	json_error_t jerr;

	*complete = false;
	memset(&a, 0, sizeof(a));
	if ((staged = calloc((size_t)listed, sizeof(*staged))) == NULL ||
	    (want = calloc((size_t)listed, sizeof(*want))) == NULL) {
		store_set_error(bf->s, "backfill: out of memory");
		goto out;
	}
	if (store_backfill_staged(bf->s, b->nct_id, staged, (size_t)listed) < 0)
		goto out;
	for (int v = 0; v < listed; v++)
		if (!staged[v] && nw < left)
			want[nw++] = v;
		else if (!staged[v])
			goto partial;
	*complete = true;
partial:
	if (nw == 0) {
		rc = 0;
		goto out;
	}
	/* The first live version, to tell which registry version it is. */
	if (store_backfill_anchor(bf->s, b->nct_id, &a) < 0)
		goto out;
	if (a.raw != NULL && a.live &&
	    (fx.anchor = json_loads(a.raw, 0, &jerr)) == NULL) {
		store_set_error(bf->s, "backfill: out of memory");
		goto out;
	}
	fault = history_versions(bf->h, b->nct_id, want, nw, on_version, &fx,
	    &why);
	if (fx.db_failed)
		goto out;
	if (fault == HISTORY_OK && fx.refused != NULL)
		fault = HISTORY_TRIAL;
	if (fault != HISTORY_OK) {
		*complete = false;
		if (trial_failed(bf, b, fault, fx.refused ? fx.refused : why) < 0)
			goto out;
	} else if (b->attempts > 0 &&
	    store_backfill_attempt(bf->s, b->nct_id, NULL, false) < 0) {
		goto out;
	}
	rc = 0;
out:
	json_decref(fx.anchor);
	store_anchor_finish(&a);
	free(fx.refused);
	free(why);
	free(want);
	free(staged);
	return rc;
}

/* --------------------------------------------------------------- join */

/* statusModule.lastUpdateSubmitDate of a record, or NULL. */
static const char *
submitted(const json_t *study)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(study, "protocolSection"), "statusModule"),
	    "lastUpdateSubmitDate"));
}

/* Where the join stands while it walks the staged versions. */
struct join {
	const char *nct_id;
	json_t *anchor;		/* the first live version */
	json_t *prev;		/* the last history version added */
	long long prev_id;
	int added, skipped;
	int anchor_version;	/* registry version the anchor is; -1: unknown */
	const char *placed_by;	/* the anchor's lastUpdateSubmitDate */
};

/*
 * Add registry version v (staged) after j->prev, unless its content is
 * the previous one's.  *stop: v is where the history meets the anchor.
 * 0 / -1 (database, memory, or a staged text that no longer parses, with
 * store_errmsg saying which).
 */
static int
join_version(struct stage *bf, struct join *j, int v, bool *stop)
{
	struct change_list cl = {0};
	struct study_error serr;
	struct study *st = NULL;
	json_t *tree = NULL;
	char *text = NULL, date[DATE_SIZE];
	json_error_t jerr;
	long long id;
	int rc = -1;

	*stop = false;
	switch (store_backfill_text(bf->s, j->nct_id, v, &text, date)) {
	case 0:
		break;
	case 1:
		store_set_error(bf->s, "backfill: a staged version is gone");
		/* FALLTHROUGH */
	default:
		return -1;
	}
	/* Placed by date: the first version submitted on or after the anchor. */
	if (j->anchor_version < 0 && strcmp(date, j->placed_by) >= 0) {
		*stop = true;
		rc = 0;
		goto out;
	}
	if ((st = study_from_text(text, strlen(text), j->nct_id, &serr)) ==
	    NULL || (tree = json_loads(text, 0, &jerr)) == NULL) {
		store_set_error(bf->s, st ? "backfill: out of memory" :
		    "backfill: a staged version no longer parses");
		goto out;
	}
	if (j->prev != NULL && diff_studies(j->prev, tree, &cl) < 0) {
		store_set_error(bf->s, "backfill: out of memory");
		goto out;
	}
	if (j->prev != NULL && cl.n == 0) {
		/* The same as the version before: nothing happened here. */
		j->skipped++;
		rc = 0;
		goto out;
	}
	if (store_backfill_add(bf->s, bf->run_id, st, j->added + 1, v, date,
	    j->prev_id, &cl, &id) < 0)
		goto out;
	json_decref(j->prev);
	j->prev = json_incref(tree);
	j->prev_id = id;
	j->added++;
	rc = 0;
out:
	diff_list_finish(&cl);
	json_decref(tree);
	study_free(st);
	free(text);
	return rc;
}

/*
 * Join the staged versions of b before its first live version, in one
 * transaction.  0; -1 on a database failure (nothing of it stored).
 */
static int
join_history(struct stage *bf, const struct store_backfill *b)
{
	struct join j = {b->nct_id, NULL, NULL, 0, 0, 0, -1, NULL};
	struct change_list cl = {0};
	struct store_anchor a;
	json_error_t jerr;
	const char *why = NULL;
	bool stop = false;
	int limit, v, rc = -1;

	memset(&a, 0, sizeof(a));
	if (store_begin(bf->s) < 0 ||
	    store_backfill_anchor(bf->s, b->nct_id, &a) < 0)
		goto dbfail;
	if (a.raw == NULL || !a.live) {
		/* Nothing seen live to join to (cannot happen: queued after). */
		why = "no version seen live to join the history to";
		goto refuse;
	}
	if ((j.anchor = json_loads(a.raw, 0, &jerr)) == NULL) {
		store_set_error(bf->s, "backfill: out of memory");
		goto dbfail;
	}
	j.anchor_version = a.anchor_version;
	if (j.anchor_version < 0 && (j.placed_by = submitted(j.anchor)) ==
	    NULL) {
		why = "no version of the registry's history is the first one "
		    "seen live, and that one has no lastUpdateSubmitDate to "
		    "place it by";
		goto refuse;
	}
	limit = j.anchor_version >= 0 ? j.anchor_version : a.versions_listed;
	/* Room first; what is not used is given back below. */
	if (limit > 0 && store_backfill_shift(bf->s, b->nct_id, limit) < 0)
		goto dbfail;
	for (v = 0; v < limit && !stop; v++)
		if (join_version(bf, &j, v, &stop) < 0)
			goto dbfail;
	if (j.prev != NULL && diff_studies(j.prev, j.anchor, &cl) < 0) {
		store_set_error(bf->s, "backfill: out of memory");
		goto dbfail;
	}
	if (j.prev != NULL && cl.n == 0) {
		/* Cannot be: the last history version would be the anchor. */
		store_set_error(bf->s,
		    "backfill: the history's last version is the first one seen live");
		goto dbfail;
	}
	if ((limit > j.added && store_backfill_shift(bf->s, b->nct_id,
	    j.added - limit) < 0) ||
	    store_backfill_join(bf->s, b->nct_id, a.version_id, j.prev_id, &cl,
	    j.anchor_version, j.added, j.skipped) < 0 ||
	    store_commit(bf->s) < 0)
		goto dbfail;
	bf->res->stored += (unsigned)j.added;
	bf->res->trials_done++;
	if (j.anchor_version >= 0)
		log_info(
		    "backfill nct=%s: %d version%s from the registry's history before the first seen live (registry version %d)",
		    b->nct_id, j.added, j.added == 1 ? "" : "s",
		    j.anchor_version);
	else
		log_info(
		    "backfill nct=%s: %d version%s from the registry's history submitted before %s, when the first version seen live was",
		    b->nct_id, j.added, j.added == 1 ? "" : "s",
		    j.placed_by);
	rc = 0;
	goto out;
refuse:
	/* The trial's fault, whatever the cycle: given up at once. */
	store_rollback(bf->s);
	if (store_backfill_attempt(bf->s, b->nct_id, why, true) < 0)
		goto out;
	bf->res->trials_failed++;
	log_warnx("backfill nct=%s: gave up: %s", b->nct_id, why);
	rc = 0;
	goto out;
dbfail:
	store_rollback(bf->s);
out:
	diff_list_finish(&cl);
	json_decref(j.prev);
	json_decref(j.anchor);
	store_anchor_finish(&a);
	return rc;
}

/* ------------------------------------------------------------- trials */

/* Work one open backfill as far as the budget goes.  0 / -1 (database). */
static int
one_trial(struct stage *bf, const struct store_backfill *b)
{
	struct history_list l = {0};
	enum history_fault fault;
	int listed = b->versions_listed;
	bool complete;
	char *why = NULL;
	int rc = -1;

	if (listed == 0) {
		fault = history_list(bf->h, b->nct_id, &l, &why);
		if (fault != HISTORY_OK) {
			rc = trial_failed(bf, b, fault, why);
			goto out;
		}
		bf->answered = true;
		if (store_backfill_list(bf->s, b->nct_id, &l) < 0)
			goto out;
		listed = (int)l.n;
	}
	if (fetch_versions(bf, b, listed, &complete) < 0)
		goto out;
	if (complete && join_history(bf, b) < 0)
		goto out;
	rc = 0;
out:
	history_list_finish(&l);
	free(why);
	return rc;
}

/*
 * Cycles a backfill of n trials takes at `budget` requests a cycle, at
 * the least (two requests a trial: its list and one version).
 */
static unsigned
cycles_for(unsigned n, unsigned budget)
{
	unsigned long long req = 2ULL * n;

	return budget ? (unsigned)((req + budget - 1) / budget) : 0;
}

int
backfill_run(const struct config *cfg, struct store *s, struct fetch *f,
    long long run_id, struct backfill_result *res, char *err, size_t errlen)
{
	struct stage bf = {cfg, s, f, NULL, run_id, res, 0, false, NULL};
	struct store_backfill_summary sum;
	struct store_backfill *open = NULL;
	char *url = NULL;
	size_t n = 0, i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (!cfg->backfill)
		return 0;
	bf.requests0 = fetch_stats(f)->requests;
	url = cfg->history_url && cfg->history_url[0] ?
	    strdup(cfg->history_url) : history_url_from_base(cfg->base_url);
	if (url == NULL) {
		log_warnx(
		    "backfill: the history endpoints cannot be told from [registry] base_url %s (it does not end in /v2): set [registry] history_url",
		    cfg->base_url);
		return 0;
	}
	if ((bf.h = history_new(f, url, cfg->concurrency)) == NULL) {
		store_set_error(s, "backfill: out of memory");
		goto dbfail;
	}
	if (store_backfill_queue(s) < 0)
		goto dbfail;
	/*
	 * Tracking the whole registry (or a field of it) queues hundreds of
	 * thousands: at backfill_requests a cycle that is years of requests,
	 * spent every cycle, where the mirror itself needs a handful.  Not
	 * by default: the user raises the limit knowingly.
	 */
	if (cfg->backfill_max_trials > 0) {
		if (store_backfill_summary(s, &sum) < 0)
			goto dbfail;
		if (sum.pending > cfg->backfill_max_trials) {
			res->pending = sum.pending;
			res->over_max = true;
			log_info(
			    "backfill: %u trials wait for their history, more than [tracking] backfill_max_trials = %u: none is read (at backfill_requests = %u a cycle, about %u cycles); raise it, or set it to 0, to read them",
			    sum.pending, cfg->backfill_max_trials,
			    cfg->backfill_requests, cycles_for(sum.pending,
			    cfg->backfill_requests));
			rc = 0;
			goto out;
		}
	}
	if (store_backfill_open(s, &open, &n) < 0)
		goto dbfail;
	for (i = 0; i < n && budget_left(&bf) > 0 && !res->endpoint_failed;
	    i++)
		if (one_trial(&bf, &open[i]) < 0)
			goto dbfail;
	res->requests = spent(&bf);
	if (store_backfill_summary(s, &sum) < 0)
		goto dbfail;
	res->pending = sum.pending;
	if (res->endpoint_failed)
		log_warnx(
		    "backfill: the registry's history endpoints failed: %s; %u trial%s wait%s, the backfill resumes next cycle",
		    bf.first_error ? bf.first_error : "no answer", res->pending,
		    res->pending == 1 ? "" : "s", res->pending == 1 ? "s" : "");
	if (res->requests > 0)
		log_info(
		    "backfill: %u requests, %u versions fetched, %u trial%s joined (%u versions), %u trial%s pending",
		    res->requests,
		    res->versions, res->trials_done, res->trials_done == 1 ?
		    "" : "s", res->stored, res->pending, res->pending == 1 ?
		    "" : "s");
	rc = 0;
	goto out;
dbfail:
	snprintf(err, errlen, "database: %s", store_errmsg(s));
out:
	free(bf.first_error);
	free(open);
	history_free(bf.h);
	free(url);
	return rc;
}

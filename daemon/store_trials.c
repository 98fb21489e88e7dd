/*
 * store_trials.c - the tracked trials and their versions: the IDs tracked,
 * what the probe compares, each version stored with its changes, the
 * states the rules judge and the summaries `status` shows.
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "diff.h"
#include "log.h"
#include "plan.h"
#include "store_db.h"
#include "study.h"

/* -------------------------------------------------------------- trials */

int
store_set_tracked(struct store *s, const char *source, char *const *ids,
    size_t n)
{
	char *arr = NULL;
	const char *p[2];
	int rc = -1;

	if ((arr = store_id_array(ids, n)) == NULL) {
		store_set_err(s, "track: out of memory");
		return -1;
	}
	p[0] = arr;
	p[1] = source;
	if (store_begin(s) < 0)
		goto out;
	/*
	 * An unchanged set must write nothing (nightly no-op syncs): the IDs
	 * that need no change are left out before ON CONFLICT, which locks
	 * (and WAL-logs the lock of) every row it meets, even one its WHERE
	 * then leaves alone: 2,000 trials were 2,000 lock records a cycle.
	 */
	if (store_exec(s, "track trials",
	    "INSERT INTO trials (nct_id, source)"
	    " SELECT u.id, $2 FROM (SELECT DISTINCT unnest($1::text[]) AS id) u"
	    "  WHERE NOT EXISTS (SELECT 1 FROM trials t WHERE t.nct_id = u.id"
	    "    AND t.tracked AND (t.source = 'config' OR $2 <> 'config'))"
	    " ON CONFLICT (nct_id) DO UPDATE SET"
	    "  tracked_since = CASE WHEN trials.tracked THEN trials.tracked_since"
	    "                  ELSE now() END,"
	    "  tracked = true,"
	    "  source = CASE WHEN trials.tracked AND trials.source = 'config'"
	    "           THEN trials.source ELSE EXCLUDED.source END"
	    " WHERE NOT trials.tracked OR (EXCLUDED.source = 'config'"
	    "   AND trials.source <> 'config')",
	    2, p) < 0)
		goto fail;
	/* Untracked trials keep their history; they are just not polled. */
	if (store_exec(s, "untrack trials",
	    "UPDATE trials SET tracked = false"
	    " WHERE tracked AND source = $2 AND NOT (nct_id = ANY($1::text[]))",
	    2, p) < 0)
		goto fail;
	if (store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	free(arr);
	return rc;
}

void
store_free_ids(char **ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

int
store_column_strings(struct store *s, const char *what, const char *sql,
    char ***out, size_t *n)
{
	PGresult *res;
	size_t i, rows;
	char **v;

	*out = NULL;
	*n = 0;
	if ((res = store_q(s, what, PGRES_TUPLES_OK, sql, 0, NULL)) == NULL)
		return -1;
	rows = (size_t)PQntuples(res);
	if ((v = calloc(rows + 1, sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < rows; i++)
		if ((v[i] = strdup(PQgetvalue(res, (int)i, 0))) == NULL) {
			store_free_ids(v, i);
			goto oom;
		}
	PQclear(res);
	*out = v;
	*n = rows;
	return 0;
oom:
	PQclear(res);
	store_set_err(s, "%s: out of memory", what);
	return -1;
}

int
store_tracked_ids(struct store *s, char ***ids, size_t *n)
{
	return store_column_strings(s, "tracked trials",
	    "SELECT nct_id FROM trials WHERE tracked ORDER BY nct_id", ids, n);
}

long
store_find_id(char *const *ids, const size_t *order, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(ids[order[mid]], id);

		if (c == 0)
			return (long)order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
cmp_order(const void *a, const void *b, void *ids)
{
	char *const *v = ids;

	return strcmp(v[*(const size_t *)a], v[*(const size_t *)b]);
}

size_t *
store_sorted_order(char *const *ids, size_t n)
{
	size_t *order, i;

	if ((order = malloc((n ? n : 1) * sizeof(*order))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_order, (void *)ids);
	return order;
}

/* ------------------------------------------------------------ versions */

int
store_current(struct store *s, char *const *ids, size_t n, bool want_raw,
    struct store_current *cur)
{
	PGresult *res = NULL;
	char *arr = NULL;
	size_t *order = NULL;
	const char *p[2];
	int rc = -1;

	memset(cur, 0, n * sizeof(*cur));
	if (n == 0)
		return 0;
	if ((arr = store_id_array(ids, n)) == NULL ||
	    (order = store_sorted_order(ids, n)) == NULL) {
		store_set_err(s, "current versions: out of memory");
		goto out;
	}
	p[0] = arr;
	p[1] = want_raw ? "t" : "f";
	/* FOR UPDATE OF t: a concurrent writer of the same trial waits. */
	res = store_q(s, "current versions", PGRES_TUPLES_OK,
	    "SELECT t.nct_id, v.version_id, v.version_no, v.content_hash,"
	    "       CASE WHEN $2::boolean THEN v.raw::text END,"
	    "       coalesce(v.last_update_posted, '')"
	    "  FROM trials t LEFT JOIN study_versions v"
	    "    ON v.version_id = t.current_version_id"
	    " WHERE t.nct_id = ANY($1::text[])"
	    "   FOR UPDATE OF t", 2, p);
	if (res == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		long k = store_find_id(ids, order, n, PQgetvalue(res, r, 0));

		if (k < 0 || PQgetisnull(res, r, 1))
			continue;
		cur[k].version_id = strtoll(PQgetvalue(res, r, 1), NULL, 10);
		cur[k].version_no = atoi(PQgetvalue(res, r, 2));
		snprintf(cur[k].hash, sizeof(cur[k].hash), "%s",
		    PQgetvalue(res, r, 3));
		store_copy_date(cur[k].last_update, PQgetvalue(res, r, 5));
		if (!PQgetisnull(res, r, 4) &&
		    (cur[k].raw = strdup(PQgetvalue(res, r, 4))) == NULL) {
			store_set_err(s, "current versions: out of memory");
			store_current_finish(cur, n);
			goto out;
		}
	}
	rc = 0;
out:
	PQclear(res);
	free(order);
	free(arr);
	return rc;
}

void
store_current_finish(struct store_current *cur, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cur[i].raw);
		cur[i].raw = NULL;
	}
}

static const char *
date_or_null(const struct study_date *d)
{
	return d->type == DATE_NONE || d->date[0] == '\0' ? NULL : d->date;
}

int
store_change_arrays(const struct change_list *changes, size_t nch, char *arr[4])
{
	const char **col_v[4] = {NULL, NULL, NULL, NULL};
	size_t i;
	int rc = -1;

	for (i = 0; i < 4; i++)
		if ((col_v[i] = calloc(nch + 1, sizeof(*col_v[i]))) == NULL)
			goto out;
	for (i = 0; i < nch; i++) {
		col_v[0][i] = changes->v[i].path;
		col_v[1][i] = diff_class_name(changes->v[i].cls);
		col_v[2][i] = changes->v[i].old_value;
		col_v[3][i] = changes->v[i].new_value;
	}
	for (i = 0; i < 4; i++)
		if ((arr[i] = store_array_literal(col_v[i], nch)) == NULL)
			goto out;
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		free(col_v[i]);
	return rc;
}

void
store_vparams_finish(struct vparams *vp)
{
	for (size_t i = 0; i < 4; i++)
		free(vp->arr[i]);
	free(vp->pmid_arr);
	free(vp->pmids);
}

int
store_vparams_init(struct store *s, struct vparams *vp, const struct study *st,
    int version_no, long long run_id, long long prev_id,
    const struct change_list *changes)
{
	size_t i, k = 0, nch = changes && prev_id > 0 ? changes->n : 0;

	memset(vp, 0, sizeof(*vp));
	snprintf(vp->vno, sizeof(vp->vno), "%d", version_no);
	snprintf(vp->rid, sizeof(vp->rid), "%lld", run_id);
	snprintf(vp->prev_id, sizeof(vp->prev_id), "%lld", prev_id);
	if ((vp->pmids = calloc(st->n_refs + 1, sizeof(*vp->pmids))) == NULL)
		goto oom;
	for (i = 0; i < st->n_refs; i++)
		if (st->refs[i].type == REF_RESULT && st->refs[i].pmid)
			vp->pmids[k++] = st->refs[i].pmid;
	if ((vp->pmid_arr = store_array_literal(vp->pmids, k)) == NULL ||
	    store_change_arrays(changes, nch, vp->arr) < 0)
		goto oom;
	vp->p[0] = st->nct_id;
	vp->p[1] = vp->vno;
	vp->p[2] = st->hash;
	vp->p[3] = date_or_null(&st->last_update_posted);
	vp->p[4] = run_id > 0 ? vp->rid : NULL;
	vp->p[5] = st->acronym;
	vp->p[6] = st->brief_title;
	vp->p[7] = st->overall_status;
	vp->p[8] = st->has_results ? "t" : "f";
	vp->p[9] = date_or_null(&st->results_first_posted);
	vp->p[10] = st->results_submitted[0] ? st->results_submitted : NULL;
	vp->p[11] = date_or_null(&st->primary_completion);
	vp->p[12] = st->primary_completion.type == DATE_ACTUAL ? "ACTUAL" :
	    st->primary_completion.type == DATE_ESTIMATED ? "ESTIMATED" : NULL;
	vp->p[13] = vp->pmid_arr;
	vp->p[14] = st->canonical;
	vp->p[15] = prev_id > 0 ? vp->prev_id : NULL;
	for (i = 0; i < 4; i++)
		vp->p[16 + i] = vp->arr[i];
	return 0;
oom:
	store_set_err(s, "store version: out of memory");
	store_vparams_finish(vp);
	return -1;
}

int
store_add_version(struct store *s, long long run_id, const struct study *st,
    const struct store_current *prev, const struct change_list *changes)
{
	struct vparams vp;
	int rc;

	if (store_vparams_init(s, &vp, st, prev->version_no + 1, run_id,
	    prev->version_id, changes) < 0)
		return -1;
	rc = store_exec(s, "store version", ADD_VERSION_SQL, 20, vp.p);
	store_vparams_finish(&vp);
	return rc;
}

int
store_mark_not_found(struct store *s, const char *nct_id, const char *answer)
{
	const char *p[2] = {nct_id, answer ? answer : "not found"};

	return store_exec(s, "mark not found",
	    "UPDATE trials SET registry_state = 'not_found',"
	    " missing_since = coalesce(missing_since, now()),"
	    " registry_answer = $2, registry_checked_at = now()"
	    " WHERE nct_id = $1", 2, p);
}

int
store_skip_ids(struct store *s, char ***ids, size_t *n)
{
	/*
	 * Known aliases: their current ID is tracked and asked instead.  IDs
	 * only pages cite that the registry does not know: once a week.
	 */
	return store_column_strings(s, "IDs not to ask",
	    "SELECT nct_id FROM trials WHERE tracked AND ("
	    "  current_nct_id IS NOT NULL OR"
	    "  (source = 'pages' AND registry_state = 'not_found' AND"
	    "   current_version_id IS NULL AND"
	    "   registry_checked_at > now() - interval '7 days'))"
	    " ORDER BY nct_id COLLATE \"C\"", ids, n);
}

int
store_record_alias(struct store *s, const char *alias, const char *current)
{
	const char *p[2] = {alias, current};

	if (store_exec(s, "record alias",
	    "INSERT INTO trial_aliases (alias_nct_id, nct_id) VALUES ($1, $2)"
	    " ON CONFLICT (alias_nct_id) DO UPDATE SET nct_id = $2,"
	    " last_seen_at = now()", 2, p) < 0)
		return -1;
	/* One parameter: the server cannot type an unused $1. */
	if (store_exec(s, "track current ID",
	    "INSERT INTO trials (nct_id, source) VALUES ($1, 'alias')"
	    " ON CONFLICT (nct_id) DO UPDATE SET tracked = true", 1, p + 1) < 0)
		return -1;
	return store_exec(s, "mark alias",
	    "UPDATE trials SET current_nct_id = $2 WHERE nct_id = $1"
	    " AND current_nct_id IS DISTINCT FROM $2", 2, p);
}

int
store_run_registry(struct store *s, long long run_id, const char *build,
    const char *digest)
{
	char rid[24];
	const char *p[3] = {rid, build, digest};

	snprintf(rid, sizeof(rid), "%lld", run_id);
	return store_exec(s, "record the registry build",
	    "UPDATE sync_runs SET registry_build = $2, tracked_digest = $3"
	    " WHERE run_id = $1", 3, p);
}

int
store_last_registry(struct store *s, struct store_registry *out)
{
	PGresult *res;

	memset(out, 0, sizeof(*out));
	res = store_q(s, "last registry build", PGRES_TUPLES_OK,
	    "SELECT ok.run_id, ok.registry_build, ok.tracked_digest,"
	    "       seen.registry_build,"
	    "       to_char(seen.started_at AT TIME ZONE 'UTC',"
	    "               'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "  FROM (SELECT 1) one"
	    "  LEFT JOIN LATERAL (SELECT run_id, registry_build, tracked_digest"
	    "    FROM sync_runs WHERE status = 'ok'"
	    "    ORDER BY run_id DESC LIMIT 1) ok ON true"
	    "  LEFT JOIN LATERAL (SELECT registry_build, started_at"
	    "    FROM sync_runs WHERE registry_build IS NOT NULL"
	    "    ORDER BY run_id DESC LIMIT 1) seen ON true", 0, NULL);
	if (res == NULL)
		return -1;
	if (!PQgetisnull(res, 0, 0))
		out->ok_run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(out->ok_build, sizeof(out->ok_build), "%s",
	    PQgetvalue(res, 0, 1));
	snprintf(out->ok_digest, sizeof(out->ok_digest), "%s",
	    PQgetvalue(res, 0, 2));
	snprintf(out->build, sizeof(out->build), "%s", PQgetvalue(res, 0, 3));
	snprintf(out->build_seen_at, sizeof(out->build_seen_at), "%s",
	    PQgetvalue(res, 0, 4));
	PQclear(res);
	return 0;
}

/* ------------------------------------------------------------- reading */

int
store_set_today(struct store *s, const char *today)
{
	const char *p[1] = {today};
	PGresult *res;

	if ((res = store_q(s, "set today", PGRES_TUPLES_OK,
	    "SELECT set_config('ctmirror.today', $1::date::text, false)", 1,
	    p)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
store_each_trial(struct store *s, store_trial_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = store_q(s, "list trials", PGRES_TUPLES_OK,
	    "SELECT c.nct_id, c.acronym, c.overall_status, c.has_results,"
	    "       to_char(c.results_first_posted_date, 'YYYY-MM-DD'),"
	    "       to_char(c.last_update_posted_date, 'YYYY-MM-DD'),"
	    "       to_char(c.last_checked_at AT TIME ZONE 'UTC',"
	    "               'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    "       t.registry_state,"
	    "       (SELECT count(*) FROM study_versions v"
	    "         WHERE v.nct_id = c.nct_id),"
	    "       d.state, to_char(d.due_by, 'YYYY-MM-DD'), d.days_late"
	    "  FROM trials_current c JOIN trials t USING (nct_id)"
	    "  LEFT JOIN results_due d USING (nct_id)"
	    " ORDER BY c.nct_id", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_trial_row row;

		memset(&row, 0, sizeof(row));
		snprintf(row.nct_id, sizeof(row.nct_id), "%s",
		    PQgetvalue(res, r, 0));
		row.acronym = (char *)store_col(res, r, 1);
		row.overall_status = (char *)store_col(res, r, 2);
		row.has_results = PQgetvalue(res, r, 3)[0] == 't';
		store_copy_date(row.results_first_posted, store_col(res, r, 4));
		store_copy_date(row.last_update_posted, store_col(res, r, 5));
		row.last_checked_at = (char *)store_col(res, r, 6);
		row.registry_state = PQgetvalue(res, r, 7);
		row.versions = atoi(PQgetvalue(res, r, 8));
		row.results_due_state = (char *)store_col(res, r, 9);
		store_copy_date(row.results_due_by, store_col(res, r, 10));
		row.results_days_late = PQgetisnull(res, r, 11) ? -1 :
		    atol(PQgetvalue(res, r, 11));
		rc = fn(arg, &row);
	}
	PQclear(res);
	return rc;
}

int
store_summary(struct store *s, struct store_summary *sum)
{
	PGresult *res;

	memset(sum, 0, sizeof(*sum));
	res = store_q(s, "summary", PGRES_TUPLES_OK,
	    "SELECT (SELECT count(*) FROM trials WHERE tracked),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'stale'),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'recheck'),"
	    " r.run_id, r.status,"
	    " to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " (SELECT to_char(max(finished_at) AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM sync_runs"
	    "   WHERE status = 'ok'),"
	    " (SELECT count(*) FROM pages WHERE skipped_since IS NOT NULL),"
	    " (SELECT to_char(min(skipped_since) AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pages),"
	    " r.error_text, r.errors"
	    " FROM (SELECT 1) one LEFT JOIN LATERAL"
	    "  (SELECT * FROM sync_runs ORDER BY run_id DESC LIMIT 1) r ON true",
	    0, NULL);
	if (res == NULL)
		return -1;
	sum->trials_tracked = (unsigned)atoi(PQgetvalue(res, 0, 0));
	sum->flags_open_stale = (unsigned)atoi(PQgetvalue(res, 0, 1));
	sum->flags_open_recheck = (unsigned)atoi(PQgetvalue(res, 0, 2));
	if (!PQgetisnull(res, 0, 3)) {
		sum->last_run_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
		snprintf(sum->last_run_status, sizeof(sum->last_run_status),
		    "%s", PQgetvalue(res, 0, 4));
		snprintf(sum->last_run_started, sizeof(sum->last_run_started),
		    "%s", PQgetvalue(res, 0, 5));
		snprintf(sum->last_run_finished, sizeof(sum->last_run_finished),
		    "%s", PQgetvalue(res, 0, 6));
	}
	snprintf(sum->last_ok_finished, sizeof(sum->last_ok_finished), "%s",
	    PQgetvalue(res, 0, 7));
	sum->pages_skipped = (unsigned)atoi(PQgetvalue(res, 0, 8));
	snprintf(sum->pages_skipped_since, sizeof(sum->pages_skipped_since),
	    "%s", PQgetvalue(res, 0, 9));
	snprintf(sum->last_run_error, sizeof(sum->last_run_error), "%s",
	    PQgetvalue(res, 0, 10));
	sum->last_run_errors = (unsigned)atoi(PQgetvalue(res, 0, 11));
	PQclear(res);
	return 0;
}

/* ------------------------------------------------------- rule states */

/*
 * The registry state of a trial as the rules read it (model.h's
 * trial_state), columns 0 to 12 of a row of this select; with the IDs the
 * registry does not know (rule unknown-trial).
 */
#define STATE_SELECT \
	"SELECT t.nct_id, v.overall_status, coalesce(v.has_results, false)," \
	"       coalesce(v.results_first_posted, '')," \
	"       coalesce(v.last_update_posted, '')," \
	"       coalesce(v.results_submitted, '')," \
	"       coalesce(array_to_string(v.result_pmids, ' '), '')," \
	"       coalesce(cardinality(v.result_pmids), 0), v.acronym," \
	"       v.brief_title," \
	"       CASE WHEN t.registry_state = 'not_found'" \
	"            THEN coalesce(t.registry_answer, 'not found') END," \
	"       coalesce(to_char(coalesce(t.registry_checked_at," \
	"                                 t.missing_since), 'YYYY-MM-DD'), '')," \
	"       coalesce(to_char(d.due_by, 'YYYY-MM-DD'), '')," \
	"       v.status_since, v.result_refs_since"

/*
 * The joins STATE_SELECT reads: the current version, and the deadline of
 * trials that become overdue when it passes (both states, so the answer
 * does not depend on today).  The deadlines are worked out once for all
 * (a materialized CTE, hashed): as a join condition the planner would
 * redo the view for every trial asked (2.9 s for 4,096 of 50,000).
 */
#define STATE_DUE \
	"WITH due AS MATERIALIZED (SELECT nct_id, due_by FROM results_due" \
	"   WHERE state IN ('not due yet', 'overdue')" \
	"     AND primary_completion_date_type = 'ACTUAL'" \
	"     AND results_first_submitted_date IS NULL) "
#define STATE_FROM \
	"  FROM trials t LEFT JOIN study_versions v" \
	"    ON v.version_id = t.current_version_id" \
	"  LEFT JOIN due d ON d.nct_id = t.nct_id"

/* PMIDs a state can list; more are left out of the evidence. */
#define STATE_PMIDS 64

/*
 * Row r of a STATE_SELECT result into *st: its strings borrowed from res,
 * its PMIDs split into pmids (room for STATE_PMIDS, NUL-separated in
 * buf, a copy of column 6).
 */
static void
state_of_row(const PGresult *res, int r, struct trial_state *st, char *buf,
    size_t size, const char **pmids)
{
	char *save = NULL, *tok;

	memset(st, 0, sizeof(*st));
	snprintf(st->nct_id, sizeof(st->nct_id), "%s", PQgetvalue(res, r, 0));
	st->overall_status = store_col(res, r, 1);
	st->has_results = PQgetvalue(res, r, 2)[0] == 't';
	store_copy_date(st->results_first_posted, PQgetvalue(res, r, 3));
	store_copy_date(st->last_update_posted, PQgetvalue(res, r, 4));
	store_copy_date(st->results_submitted, PQgetvalue(res, r, 5));
	st->acronym = store_col(res, r, 8);
	st->brief_title = store_col(res, r, 9);
	st->registry_answer = store_col(res, r, 10);
	store_copy_date(st->answered_on, PQgetvalue(res, r, 11));
	store_copy_date(st->results_due_by, PQgetvalue(res, r, 12));
	store_copy_date(st->status_since, store_col(res, r, 13));
	store_copy_date(st->result_refs_since, store_col(res, r, 14));
	snprintf(buf, size, "%s", PQgetvalue(res, r, 6));
	st->result_pmids = pmids;
	for (tok = strtok_r(buf, " ", &save); tok && st->n_result_pmids <
	    STATE_PMIDS; tok = strtok_r(NULL, " ", &save))
		pmids[st->n_result_pmids++] = tok;
}

int
store_each_state(struct store *s, char *const *ids, size_t n,
    store_state_fn fn, void *arg)
{
	const char *pmids[STATE_PMIDS];
	const char *p[1];
	char *arr = NULL, buf[STATE_PMIDS * 12];
	PGresult *res;
	bool failed = false, stopped = false;

	if (n == 0)
		return 0;
	if (s->pipeline) {
		store_set_err(s, "states: internal error: inside a pipeline");
		return -1;
	}
	if ((arr = store_id_array(ids, n)) == NULL) {
		store_set_err(s, "states: out of memory");
		return -1;
	}
	p[0] = arr;
	/*
	 * Row by row: a whole knowledge base's trials cost one row's memory,
	 * however many they are; in no order, so that the server need not
	 * sort wide rows.  The summary is the citation
	 * check's cut of the record (migration 0003): a few KB, nothing of
	 * a results section decompressed.
	 */
	if (!PQsendQueryParams(s->conn, STATE_DUE STATE_SELECT
	    ", v.citation::text" STATE_FROM
	    " WHERE t.nct_id = ANY ($1::text[])"
	    "   AND (v.version_id IS NOT NULL OR t.registry_state = 'not_found')",
	    1, NULL, p, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(s->conn)) {
		store_set_pq_err(s, "states", NULL);
		free(arr);
		return -1;
	}
	free(arr);
	while ((res = PQgetResult(s->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !failed && !stopped) {
			struct trial_state ts;

			state_of_row(res, 0, &ts, buf, sizeof(buf), pmids);
			if (fn(arg, &ts, store_col(res, 0, 15), (size_t)PQgetlength(
			    res, 0, 15)) < 0)
				stopped = true;
		} else if (st != PGRES_TUPLES_OK &&
		    st != PGRES_SINGLE_TUPLE && !failed) {
			store_set_pq_err(s, "states", PQresultErrorMessage(res));
			failed = true;
		}
		PQclear(res);
	}
	return failed || stopped ? -1 : 0;
}

struct store_names {
	PGresult *acr;			/* acronym, nct_id */
	struct claims_acronym *v;
	size_t n;
	PGresult *aliases;		/* alias_nct_id, nct_id; sorted by alias */
};

struct store_names *
store_load_names(struct store *s)
{
	struct store_names *m = calloc(1, sizeof(*m));

	if (m == NULL)
		goto oom;
	m->acr = store_q(s, "load acronyms", PGRES_TUPLES_OK,
	    "SELECT v.acronym, t.nct_id FROM trials t"
	    "  JOIN study_versions v ON v.version_id = t.current_version_id"
	    " WHERE v.acronym <> '' ORDER BY t.nct_id COLLATE \"C\"", 0, NULL);
	if (m->acr == NULL)
		goto fail;
	m->n = (size_t)PQntuples(m->acr);
	if ((m->v = calloc(m->n + 1, sizeof(*m->v))) == NULL)
		goto oom;
	for (size_t i = 0; i < m->n; i++) {
		m->v[i].acronym = PQgetvalue(m->acr, (int)i, 0);
		m->v[i].nct_id = PQgetvalue(m->acr, (int)i, 1);
	}
	/* Sorted by the server in C collation, for store_names_alias(). */
	m->aliases = store_q(s, "load aliases", PGRES_TUPLES_OK,
	    "SELECT alias_nct_id, nct_id FROM trial_aliases"
	    " ORDER BY alias_nct_id COLLATE \"C\"", 0, NULL);
	if (m->aliases == NULL)
		goto fail;
	return m;
oom:
	store_set_err(s, "load acronyms: out of memory");
fail:
	store_names_free(m);
	return NULL;
}

const struct claims_acronym *
store_names_acronyms(const struct store_names *m, size_t *n)
{
	*n = m ? m->n : 0;
	return m ? m->v : NULL;
}

const char *
store_names_alias(const struct store_names *m, const char *nct_id)
{
	int lo = 0, hi;

	if (m == NULL || m->aliases == NULL)
		return NULL;
	/* Binary search over the rows; a handful in practice. */
	for (hi = PQntuples(m->aliases); lo < hi;) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(PQgetvalue(m->aliases, mid, 0), nct_id);

		if (c == 0)
			return PQgetvalue(m->aliases, mid, 1);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
store_names_free(struct store_names *m)
{
	if (m == NULL)
		return;
	free(m->v);
	PQclear(m->aliases);
	PQclear(m->acr);
	free(m);
}

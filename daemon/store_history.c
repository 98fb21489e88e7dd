/*
 * store_history.c - the backfilled history of a trial: the queue of trials
 * waiting, staged versions, joining them to the live ones, and a trial's
 * versions as `ctmirror history` reads them.
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

/* ------------------------------------------------------------- history */

int
store_backfill_queue(struct store *s)
{
	/* Nothing to queue writes nothing (nightly no-op syncs). */
	return store_exec(s, "queue backfills",
	    "INSERT INTO history_backfill (nct_id)"
	    " SELECT t.nct_id FROM trials t"
	    "  WHERE t.tracked AND t.registry_state = 'present'"
	    "    AND t.current_version_id IS NOT NULL"
	    "    AND NOT EXISTS (SELECT 1 FROM history_backfill b"
	    "                     WHERE b.nct_id = t.nct_id)"
	    " ON CONFLICT (nct_id) DO NOTHING", 0, NULL);
}

int
store_backfill_open(struct store *s, struct store_backfill **v, size_t *n)
{
	PGresult *res;
	int rows;

	*v = NULL;
	*n = 0;
	res = store_q(s, "open backfills", PGRES_TUPLES_OK,
	    "SELECT b.nct_id, coalesce(b.versions_listed, 0), b.attempts"
	    "  FROM history_backfill b JOIN trials t USING (nct_id)"
	    " WHERE b.state IN ('pending', 'listed') AND t.tracked"
	    "   AND t.registry_state = 'present'"
	    " ORDER BY b.attempts, t.tracked_since DESC, b.nct_id", 0, NULL);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if ((*v = calloc((size_t)rows + 1, sizeof(**v))) == NULL) {
		PQclear(res);
		store_set_err(s, "open backfills: out of memory");
		return -1;
	}
	for (int r = 0; r < rows; r++) {
		snprintf((*v)[r].nct_id, NCT_ID_SIZE, "%s",
		    PQgetvalue(res, r, 0));
		(*v)[r].versions_listed = atoi(PQgetvalue(res, r, 1));
		(*v)[r].attempts = atoi(PQgetvalue(res, r, 2));
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int
store_backfill_list(struct store *s, const char *nct_id,
    const struct history_list *l)
{
	const char **cols[4] = {NULL, NULL, NULL, NULL};
	char (*num)[16] = NULL, *arr[4] = {NULL, NULL, NULL, NULL}, count[16];
	char **labels = NULL;
	const char *p[5];
	size_t i;
	int rc = -1;

	for (i = 0; i < 4; i++)
		if ((cols[i] = calloc(l->n + 1, sizeof(*cols[i]))) == NULL)
			goto oom;
	if ((num = calloc(l->n + 1, sizeof(*num))) == NULL ||
	    (labels = calloc(l->n + 1, sizeof(*labels))) == NULL)
		goto oom;
	for (i = 0; i < l->n; i++) {
		snprintf(num[i], sizeof(num[i]), "%d", l->v[i].version);
		if ((labels[i] = store_array_literal((const char *const *)
		    l->v[i].labels, l->v[i].n_labels)) == NULL)
			goto oom;
		cols[0][i] = num[i];
		cols[1][i] = l->v[i].date;
		cols[2][i] = l->v[i].status;
		cols[3][i] = labels[i];
	}
	for (i = 0; i < 4; i++)
		if ((arr[i] = store_array_literal(cols[i], l->n)) == NULL)
			goto oom;
	snprintf(count, sizeof(count), "%zu", l->n);
	p[0] = nct_id;
	for (i = 0; i < 4; i++)
		p[i + 1] = arr[i];
	if (store_begin(s) < 0)
		goto out;
	/* A list read again replaces the old one and what was staged by it. */
	if (store_exec(s, "store change list",
	    "DELETE FROM history_changes WHERE nct_id = $1", 1, p) < 0 ||
	    store_exec(s, "store change list",
	    "INSERT INTO history_changes (nct_id, registry_version,"
	    "  registry_date, overall_status, module_labels)"
	    " SELECT $1, u.v::integer, u.d, u.s, u.l::text[]"
	    "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])"
	    "        AS u(v, d, s, l)", 5, p) < 0)
		goto fail;
	p[1] = count;
	if (store_exec(s, "store change list",
	    "UPDATE history_backfill SET state = 'listed', listed_at = now(),"
	    " versions_listed = $2::integer, anchor_version = NULL,"
	    " attempts = 0, last_error = NULL WHERE nct_id = $1", 2, p) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
oom:
	store_set_err(s, "store change list: out of memory");
	goto out;
fail:
	store_rollback(s);
out:
	for (i = 0; i < 4; i++) {
		free(arr[i]);
		free(cols[i]);
	}
	if (labels)
		for (i = 0; i < l->n; i++)
			free(labels[i]);
	free(labels);
	free(num);
	return rc;
}

int
store_backfill_staged(struct store *s, const char *nct_id, bool *staged,
    size_t n)
{
	const char *p[1] = {nct_id};
	PGresult *res;

	memset(staged, 0, n * sizeof(*staged));
	res = store_q(s, "staged versions", PGRES_TUPLES_OK,
	    "SELECT registry_version FROM history_staged WHERE nct_id = $1",
	    1, p);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long v = strtol(PQgetvalue(res, r, 0), NULL, 10);

		if (v >= 0 && (size_t)v < n)
			staged[v] = true;
	}
	PQclear(res);
	return 0;
}

int
store_backfill_stage(struct store *s, const char *nct_id, int version,
    const char *canonical, bool anchor)
{
	char vb[16];
	const char *p[4] = {nct_id, vb, canonical, anchor ? "t" : "f"};

	snprintf(vb, sizeof(vb), "%d", version);
	/* One statement: staged and marked together or not at all. */
	return store_exec(s, "stage version",
	    "WITH i AS (INSERT INTO history_staged (nct_id, registry_version,"
	    "   study) VALUES ($1, $2::integer, $3)"
	    "  ON CONFLICT (nct_id, registry_version)"
	    "  DO UPDATE SET study = EXCLUDED.study RETURNING 1)"
	    " UPDATE history_backfill SET anchor_version = CASE"
	    "   WHEN $4::boolean THEN greatest(coalesce(anchor_version, -1),"
	    "                                  $2::integer)"
	    "   ELSE anchor_version END"
	    "  FROM i WHERE nct_id = $1", 4, p);
}

int
store_backfill_attempt(struct store *s, const char *nct_id, const char *why,
    bool give_up)
{
	const char *p[3] = {nct_id, why, give_up ? "t" : "f"};

	return store_exec(s, "backfill attempt",
	    "UPDATE history_backfill SET"
	    " attempts = CASE WHEN $2::text IS NULL THEN 0 ELSE attempts + 1 END,"
	    " last_error = $2,"
	    " state = CASE WHEN $3::boolean THEN 'failed' ELSE state END,"
	    " finished_at = CASE WHEN $3::boolean THEN now() END"
	    " WHERE nct_id = $1", 3, p);
}

int
store_backfill_anchor(struct store *s, const char *nct_id,
    struct store_anchor *a)
{
	const char *p[1] = {nct_id};
	PGresult *res;

	memset(a, 0, sizeof(*a));
	a->anchor_version = -1;
	/* FOR UPDATE OF t: the trial's versions stay as read until commit. */
	res = store_q(s, "backfill anchor", PGRES_TUPLES_OK,
	    "SELECT v.version_id, v.source = 'live', v.raw::text,"
	    "       coalesce(b.versions_listed, 0),"
	    "       coalesce(b.anchor_version, -1),"
	    "       (SELECT count(*) FROM history_staged h"
	    "         WHERE h.nct_id = t.nct_id)"
	    "  FROM trials t JOIN history_backfill b USING (nct_id)"
	    "  LEFT JOIN study_versions v"
	    "    ON v.nct_id = t.nct_id AND v.version_no = 1"
	    " WHERE t.nct_id = $1"
	    "   FOR UPDATE OF t", 1, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		a->version_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		a->live = PQgetvalue(res, 0, 1)[0] == 't';
		a->versions_listed = atoi(PQgetvalue(res, 0, 3));
		a->anchor_version = atoi(PQgetvalue(res, 0, 4));
		a->staged = atoi(PQgetvalue(res, 0, 5));
		if ((a->raw = strdup(PQgetvalue(res, 0, 2))) == NULL) {
			PQclear(res);
			store_set_err(s, "backfill anchor: out of memory");
			return -1;
		}
	}
	PQclear(res);
	return 0;
}

void
store_anchor_finish(struct store_anchor *a)
{
	free(a->raw);
	a->raw = NULL;
}

int
store_backfill_shift(struct store *s, const char *nct_id, int by)
{
	char b[16];
	const char *p[2] = {nct_id, b};

	snprintf(b, sizeof(b), "%d", by);
	/* One statement: the deferrable unique key is checked at its end. */
	return store_exec(s, "renumber versions",
	    "UPDATE study_versions SET version_no = version_no + $2::integer"
	    " WHERE nct_id = $1 AND source = 'live'", 2, p);
}

int
store_backfill_text(struct store *s, const char *nct_id, int version,
    char **text, char date[DATE_SIZE])
{
	char vb[16];
	const char *p[2] = {nct_id, vb};
	PGresult *res;

	*text = NULL;
	snprintf(vb, sizeof(vb), "%d", version);
	res = store_q(s, "staged version", PGRES_TUPLES_OK,
	    "SELECT h.study, c.registry_date"
	    "  FROM history_staged h JOIN history_changes c"
	    "    USING (nct_id, registry_version)"
	    " WHERE h.nct_id = $1 AND h.registry_version = $2::integer", 2, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	store_copy_date(date, PQgetvalue(res, 0, 1));
	*text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (*text == NULL) {
		store_set_err(s, "staged version: out of memory");
		return -1;
	}
	return 0;
}

int
store_backfill_add(struct store *s, long long run_id, const struct study *st,
    int version_no, int registry_version, const char *registry_date,
    long long prev_id, const struct change_list *changes,
    long long *version_id)
{
	struct vparams vp;
	char rv[16];
	PGresult *res;

	if (store_vparams_init(s, &vp, st, version_no, run_id, prev_id, changes) < 0)
		return -1;
	snprintf(rv, sizeof(rv), "%d", registry_version);
	vp.p[20] = rv;
	vp.p[21] = registry_date;
	res = store_q(s, "store history version", PGRES_TUPLES_OK,
	    HISTORY_VERSION_SQL, 22, vp.p);
	store_vparams_finish(&vp);
	if (res == NULL)
		return -1;
	*version_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int
store_backfill_join(struct store *s, const char *nct_id, long long anchor_id,
    long long prev_id, const struct change_list *changes, int anchor_version,
    int stored, int skipped)
{
	char aid[24], pid[24], av[16], nst[16], nsk[16], *arr[4] = {0};
	const char *p[7];
	PGresult *res;
	size_t nch = prev_id > 0 && changes ? changes->n : 0;
	int rc = -1;

	snprintf(aid, sizeof(aid), "%lld", anchor_id);
	snprintf(pid, sizeof(pid), "%lld", prev_id);
	snprintf(av, sizeof(av), "%d", anchor_version);
	snprintf(nst, sizeof(nst), "%d", stored);
	snprintf(nsk, sizeof(nsk), "%d", skipped);
	if (store_change_arrays(changes, nch, arr) < 0) {
		store_set_err(s, "join history: out of memory");
		goto out;
	}
	p[0] = nct_id;
	p[1] = aid;
	p[2] = pid;
	for (int i = 0; i < 4; i++)
		p[3 + i] = arr[i];
	if (nch > 0 && store_exec(s, "join history",
	    "INSERT INTO study_changes (nct_id, version_id, prev_version_id,"
	    "  path, change_class, old_value, new_value, registry_updated)"
	    " SELECT $1, v.version_id, $3::bigint, u.path, u.cls,"
	    "        u.old::jsonb, u.new::jsonb, v.last_update_posted"
	    "   FROM study_versions v, unnest($4::text[], $5::text[],"
	    "        $6::text[], $7::text[]) AS u(path, cls, old, new)"
	    "  WHERE v.version_id = $2::bigint", 7, p) < 0)
		goto out;
	p[2] = anchor_version >= 0 ? av : NULL;
	if (anchor_version >= 0 && store_exec(s, "join history",
	    "UPDATE study_versions SET registry_version = $3::integer,"
	    " registry_date = (SELECT c.registry_date FROM history_changes c"
	    "   WHERE c.nct_id = $1 AND c.registry_version = $3::integer)"
	    " WHERE version_id = $2::bigint", 3, p) < 0)
		goto out;
	p[1] = p[2];
	p[2] = nst;
	p[3] = nsk;
	if (store_exec(s, "join history",
	    "UPDATE history_backfill SET state = 'done', finished_at = now(),"
	    " anchor_version = $2::integer, versions_stored = $3::integer,"
	    " versions_skipped = $4::integer, attempts = 0, last_error = NULL"
	    " WHERE nct_id = $1", 4, p) < 0 ||
	    store_exec(s, "join history",
	    "DELETE FROM history_staged WHERE nct_id = $1", 1, p) < 0)
		goto out;
	/* The runs of status and references now begin in the history. */
	if ((res = store_q(s, "join history", PGRES_TUPLES_OK,
	    "SELECT study_versions_resince($1)", 1, p)) == NULL)
		goto out;
	PQclear(res);
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		free(arr[i]);
	return rc;
}

int
store_backfill_summary(struct store *s, struct store_backfill_summary *sum)
{
	PGresult *res;

	memset(sum, 0, sizeof(*sum));
	res = store_q(s, "backfill summary", PGRES_TUPLES_OK,
	    "SELECT count(*) FILTER (WHERE state IN ('pending', 'listed')),"
	    " count(*) FILTER (WHERE state = 'done'),"
	    " count(*) FILTER (WHERE state = 'failed'),"
	    " coalesce(sum(versions_stored), 0)"
	    " FROM history_backfill", 0, NULL);
	if (res == NULL)
		return -1;
	sum->pending = (unsigned)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	sum->done = (unsigned)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	sum->failed = (unsigned)strtoul(PQgetvalue(res, 0, 2), NULL, 10);
	sum->versions = strtoull(PQgetvalue(res, 0, 3), NULL, 10);
	PQclear(res);
	return 0;
}

/* ------------------------------------------------- a trial's versions */

struct store_versions {
	PGresult *res;			/* owns the strings below */
	struct timeline_version *v;
	size_t n;
	char **bufs;			/* per version: split refs and edits */
	struct timeline_ref **refs;
	const char ***edited;
};

/* Split `text` (copied to *buf) at spaces into words; *n of them. */
static const char **
split_words(const char *text, char **buf, size_t *n)
{
	size_t cap = 1, i = 0;
	const char **w;
	char *save = NULL, *tok;

	*n = 0;
	if ((*buf = strdup(text ? text : "")) == NULL)
		return NULL;
	for (const char *p = *buf; *p; p++)
		cap += *p == ' ';
	if ((w = calloc(cap + 1, sizeof(*w))) == NULL)
		return NULL;
	for (tok = strtok_r(*buf, " ", &save); tok && i < cap;
	    tok = strtok_r(NULL, " ", &save))
		w[i++] = tok;
	*n = i;
	return w;
}

struct store_versions *
store_load_versions(struct store *s, const char *nct_id)
{
	struct store_versions *m;
	const char *p[1] = {nct_id};
	int rows;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto oom;
	/*
	 * A version's day: its lastUpdatePostDate, else the date its change
	 * list gives it, else the day ctmirror fetched it.  References with a
	 * PMID as "pmid type" pairs; the modules its other changes touched,
	 * leaving out the last-update dates every version moves and the
	 * enrollment (an entry of its own).
	 */
	m->res = store_q(s, "load versions", PGRES_TUPLES_OK,
	    "SELECT v.version_no, " VERSION_DAY("v") ","
	    "  v.source = 'history', coalesce(v.registry_version, -1),"
	    "  v.overall_status,"
	    "  v.citation #>> '{protocolSection,statusModule,whyStopped}',"
	    "  v.has_results, v.results_first_posted, v.results_submitted,"
	    "  (SELECT count(*) FROM study_changes c"
	    "    WHERE c.version_id = v.version_id"
	    "      AND c.change_class = 'results'),"
	    "  v.citation #>> '{protocolSection,statusModule,startDateStruct,date}',"
	    "  v.citation #>> '{protocolSection,statusModule,startDateStruct,type}',"
	    "  v.primary_completion, v.primary_completion_type,"
	    "  v.citation #>> '{protocolSection,statusModule,completionDateStruct,date}',"
	    "  v.citation #>> '{protocolSection,statusModule,completionDateStruct,type}',"
	    "  v.citation #>> '{protocolSection,designModule,enrollmentInfo,count}',"
	    "  v.citation #>> '{protocolSection,designModule,enrollmentInfo,type}',"
	    "  (SELECT string_agg((r ->> 'pmid') || ' ' ||"
	    "                     coalesce(r ->> 'type', '-'), ' ' ORDER BY k)"
	    "     FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v.raw #>"
	    "            '{protocolSection,referencesModule,references}') ="
	    "            'array' THEN v.raw #> '{protocolSection,"
	    "            referencesModule,references}' ELSE '[]' END)"
	    "          WITH ORDINALITY AS e(r, k)"
	    "    WHERE r ->> 'pmid' ~ '^[^[:space:]]+$'"
	    "      AND coalesce(r ->> 'type', '-') ~ '^[^[:space:]]+$'),"
	    "  (SELECT string_agg(DISTINCT split_part(c.path, '/', 3), ' ')"
	    "     FROM study_changes c"
	    "    WHERE c.version_id = v.version_id"
	    "      AND c.change_class = 'other'"
	    "      AND split_part(c.path, '/', 3) ~ '^[^[:space:]]+$'"
	    "      AND c.path NOT LIKE '/protocolSection/statusModule/lastUpdate%'"
	    "      AND c.path NOT LIKE"
	    "          '/protocolSection/designModule/enrollmentInfo%'),"
	    "  v.acronym"
	    "  FROM study_versions v WHERE v.nct_id = $1 ORDER BY v.version_no",
	    1, p);
	if (m->res == NULL)
		goto fail;
	rows = PQntuples(m->res);
	m->v = calloc((size_t)rows + 1, sizeof(*m->v));
	m->bufs = calloc(2 * (size_t)rows + 1, sizeof(*m->bufs));
	m->refs = calloc((size_t)rows + 1, sizeof(*m->refs));
	m->edited = calloc((size_t)rows + 1, sizeof(*m->edited));
	if (!m->v || !m->bufs || !m->refs || !m->edited)
		goto oom;
	for (int r = 0; r < rows; r++) {
		struct timeline_version *v = &m->v[r];
		const char **words;
		size_t nw;

		m->n = (size_t)r + 1;
		v->version_no = atoi(PQgetvalue(m->res, r, 0));
		v->date = store_col(m->res, r, 1);
		v->history = PQgetvalue(m->res, r, 2)[0] == 't';
		v->registry_version = atoi(PQgetvalue(m->res, r, 3));
		v->overall_status = store_col(m->res, r, 4);
		v->why_stopped = store_col(m->res, r, 5);
		v->has_results = PQgetvalue(m->res, r, 6)[0] == 't';
		v->results_first_posted = store_col(m->res, r, 7);
		v->results_submitted = store_col(m->res, r, 8);
		v->results_changes = (unsigned)atoi(PQgetvalue(m->res, r, 9));
		v->start = store_col(m->res, r, 10);
		v->start_type = store_col(m->res, r, 11);
		v->primary_completion = store_col(m->res, r, 12);
		v->primary_completion_type = store_col(m->res, r, 13);
		v->completion = store_col(m->res, r, 14);
		v->completion_type = store_col(m->res, r, 15);
		v->enrollment = store_col(m->res, r, 16);
		v->enrollment_type = store_col(m->res, r, 17);
		if ((words = split_words(store_col(m->res, r, 18), &m->bufs[2 * r],
		    &nw)) == NULL || (m->refs[r] = calloc(nw / 2 + 1,
		    sizeof(**m->refs))) == NULL) {
			free(words);
			goto oom;
		}
		for (size_t k = 0; k + 1 < nw; k += 2) {
			m->refs[r][k / 2].pmid = words[k];
			m->refs[r][k / 2].type = strcmp(words[k + 1], "-") == 0 ?
			    NULL : words[k + 1];
		}
		free(words);
		v->refs = m->refs[r];
		v->n_refs = nw / 2;
		if ((m->edited[r] = split_words(store_col(m->res, r, 19),
		    &m->bufs[2 * r + 1], &nw)) == NULL)
			goto oom;
		v->edited = m->edited[r];
		v->n_edited = nw;
	}
	return m;
oom:
	store_set_err(s, "load versions: out of memory");
fail:
	store_versions_free(m);
	return NULL;
}

const struct timeline_version *
store_versions_list(const struct store_versions *m, size_t *n)
{
	*n = m->n;
	return m->v;
}

const char *
store_versions_acronym(const struct store_versions *m)
{
	return m->n > 0 ? store_col(m->res, (int)m->n - 1, 20) : NULL;
}

void
store_versions_free(struct store_versions *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; m->bufs && i < 2 * m->n; i++)
		free(m->bufs[i]);
	for (size_t i = 0; m->refs && i < m->n; i++)
		free(m->refs[i]);
	for (size_t i = 0; m->edited && i < m->n; i++)
		free(m->edited[i]);
	free(m->bufs);
	free(m->refs);
	free(m->edited);
	free(m->v);
	PQclear(m->res);
	free(m);
}

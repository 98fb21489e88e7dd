/*
 * store_searches.c - registry searches: their listings, the trials each
 * matches, and the announcements of new matches (match_outbox).
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

/* ------------------------------------------------------------ searches */

int
store_tracked(struct store *s, struct plan_ask **v, size_t *n)
{
	struct plan_ask *out = NULL, *grown;
	size_t cap = 0, k = 0;
	PGresult *res;
	bool failed = false;

	*v = NULL;
	*n = 0;
	if (s->pipeline) {
		store_set_err(s, "tracked trials: internal error: inside a pipeline");
		return -1;
	}
	/* Row by row: a whole-registry set would take ~60 MB as one result. */
	if (!PQsendQueryParams(s->conn,
	    "SELECT t.nct_id, coalesce(v.last_update_posted, ''),"
	    "       r.finished_at IS NULL OR t.tracked_since > r.finished_at"
	    "  FROM trials t LEFT JOIN study_versions v"
	    "    ON v.version_id = t.current_version_id"
	    "  LEFT JOIN LATERAL (SELECT finished_at FROM sync_runs"
	    "        WHERE status = 'ok' ORDER BY run_id DESC LIMIT 1) r"
	    "    ON true"
	    " WHERE t.tracked ORDER BY t.nct_id COLLATE \"C\"",
	    0, NULL, NULL, NULL, NULL, 0) || !PQsetSingleRowMode(s->conn)) {
		store_set_pq_err(s, "tracked trials", NULL);
		return -1;
	}
	while ((res = PQgetResult(s->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !failed) {
			if (k == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((grown = realloc(out, cap * sizeof(*out))) ==
				    NULL) {
					store_set_err(s, "tracked trials: out of memory");
					failed = true;
				} else
					out = grown;
			}
			if (!failed) {
				memset(&out[k], 0, sizeof(out[k]));
				snprintf(out[k].nct_id, NCT_ID_SIZE, "%s",
				    PQgetvalue(res, 0, 0));
				store_copy_date(out[k].stored, PQgetvalue(res, 0, 1));
				out[k].probe = PQgetvalue(res, 0, 2)[0] == 't';
				k++;
			}
		} else if (st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE &&
		    !failed) {
			store_set_pq_err(s, "tracked trials", PQresultErrorMessage(res));
			failed = true;
		}
		PQclear(res);
	}
	if (failed) {
		free(out);
		return -1;
	}
	*v = out;
	*n = k;
	return 0;
}

/* The first column of the first row of `sql`, into out.  0 / -1. */
static int
one_value(struct store *s, const char *what, const char *sql, int np,
    const char *const *p, char *out, size_t size)
{
	PGresult *res = store_q(s, what, PGRES_TUPLES_OK, sql, np, p);

	if (res == NULL)
		return -1;
	snprintf(out, size, "%s", PQntuples(res) > 0 ?
	    PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return 0;
}

int
store_tracked_digest(struct store *s, char out[33], unsigned *n)
{
	PGresult *res = store_q(s, "tracked digest", PGRES_TUPLES_OK,
	    "SELECT md5(coalesce(string_agg(nct_id, ',' ORDER BY nct_id"
	    " COLLATE \"C\"), '')), count(*) FROM trials WHERE tracked",
	    0, NULL);

	if (res == NULL)
		return -1;
	snprintf(out, 33, "%s", PQgetvalue(res, 0, 0));
	*n = (unsigned)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return 0;
}

int
store_changes_since(struct store *s, char out[DATE_SIZE])
{
	return one_value(s, "last good run",
	    "SELECT to_char((started_at AT TIME ZONE 'UTC')::date - 1,"
	    " 'YYYY-MM-DD') FROM sync_runs WHERE status = 'ok'"
	    " ORDER BY run_id DESC LIMIT 1", 0, NULL, out, DATE_SIZE);
}

int
store_set_searches(struct store *s, char *const *names, char *const *queries,
    size_t n)
{
	char *an = NULL, *aq = NULL;
	const char *p[2];
	int rc = -1;

	if ((an = store_id_array(names, n)) == NULL ||
	    (aq = store_id_array(queries, n)) == NULL) {
		store_set_err(s, "searches: out of memory");
		goto out;
	}
	p[0] = an;
	p[1] = aq;
	if (store_begin(s) < 0)
		goto out;
	/* A changed query starts over; an unchanged set writes nothing. */
	if (store_exec(s, "configure searches",
	    "INSERT INTO searches (name, query)"
	    " SELECT * FROM unnest($1::text[], $2::text[])"
	    " ON CONFLICT (name) DO UPDATE SET active = true,"
	    "  query = EXCLUDED.query,"
	    "  baseline = searches.baseline AND searches.query = EXCLUDED.query,"
	    "  listed_at = CASE WHEN searches.query = EXCLUDED.query"
	    "              THEN searches.listed_at END,"
	    "  query_since = CASE WHEN searches.query = EXCLUDED.query"
	    "                THEN searches.query_since ELSE now() END"
	    " WHERE NOT searches.active OR searches.query <> EXCLUDED.query",
	    2, p) < 0 ||
	    store_exec(s, "retire searches",
	    "UPDATE searches SET active = false"
	    " WHERE active AND NOT (name = ANY ($1::text[]))", 1, p) < 0 ||
	    /* What only retired searches tracked is no longer polled. */
	    store_exec(s, "untrack retired searches' trials",
	    "UPDATE trials t SET tracked = false"
	    " WHERE t.tracked AND t.source = 'search' AND NOT EXISTS"
	    "  (SELECT 1 FROM search_matches m JOIN searches h"
	    "    ON h.name = m.search WHERE h.active AND m.nct_id = t.nct_id)",
	    0, NULL) < 0 ||
	    /* A trial stays tracked once a search matched it. */
	    store_exec(s, "track searches' trials",
	    "UPDATE trials t SET tracked = true, tracked_since = now(),"
	    "  source = 'search'"
	    " WHERE NOT t.tracked AND EXISTS"
	    "  (SELECT 1 FROM search_matches m JOIN searches h"
	    "    ON h.name = m.search WHERE h.active AND m.nct_id = t.nct_id)",
	    0, NULL) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	free(an);
	free(aq);
	return rc;
}

int
store_search_get(struct store *s, const char *name, struct store_search *out)
{
	const char *p[1] = {name};
	PGresult *res;

	memset(out, 0, sizeof(*out));
	res = store_q(s, "search", PGRES_TUPLES_OK,
	    "SELECT baseline, coalesce(to_char((listed_at AT TIME ZONE 'UTC')"
	    "::date - 1, 'YYYY-MM-DD'), ''), matching"
	    "  FROM searches WHERE name = $1", 1, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		out->baseline = PQgetvalue(res, 0, 0)[0] == 't';
		store_copy_date(out->since, PQgetvalue(res, 0, 1));
		out->matching = (unsigned)strtoul(PQgetvalue(res, 0, 2), NULL,
		    10);
	}
	PQclear(res);
	return 0;
}

/* An UPDATE's row count into *n (NULL: the caller does not want it). */
static int
exec_count(struct store *s, const char *what, const char *sql, int np,
    const char *const *p, unsigned *n)
{
	PGresult *res = store_q(s, what, PGRES_COMMAND_OK, sql, np, p);

	if (res == NULL)
		return -1;
	if (n != NULL)
		*n = (unsigned)strtoul(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int
store_search_listed(struct store *s, long long run_id, const char *name,
    char *const *ids, size_t n, bool full, bool complete,
    const char *const *sinks, size_t n_sinks, unsigned *added,
    unsigned *tracked, unsigned *left)
{
	char *arr = NULL, *sk = NULL, run[24];
	const char *p[5];
	PGresult *res = NULL;
	int rc = -1;

	*added = *tracked = *left = 0;
	snprintf(run, sizeof(run), "%lld", run_id);
	if ((arr = store_id_array(ids, n)) == NULL ||
	    (sk = store_array_literal(sinks, n_sinks)) == NULL) {
		store_set_err(s, "search %s: out of memory", name);
		goto out;
	}
	p[0] = name;
	p[1] = arr;
	p[2] = sk;
	p[3] = complete ? "t" : "f";
	p[4] = run;
	if (store_begin(s) < 0)
		goto out;
	if (exec_count(s, "track a search's trials",
	    "INSERT INTO trials (nct_id, source)"
	    " SELECT unnest($1::text[]), 'search'"
	    " ON CONFLICT (nct_id) DO UPDATE SET tracked = true,"
	    "  tracked_since = now(), source = 'search'"
	    " WHERE NOT trials.tracked", 1, p + 1, tracked) < 0)
		goto fail;
	/* Trials never matched before match now, and are news. */
	res = store_q(s, "record a search's matches", PGRES_TUPLES_OK,
	    "WITH new AS (INSERT INTO search_matches (search, nct_id)"
	    "   SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING"
	    "   RETURNING nct_id),"
	    " news AS (INSERT INTO match_outbox (search, nct_id, sink)"
	    "   SELECT $1, new.nct_id, k FROM new, unnest($3::text[]) k"
	    "    WHERE (SELECT baseline FROM searches WHERE name = $1)"
	    "   ON CONFLICT DO NOTHING RETURNING 1)"
	    " SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM news)",
	    3, p);
	if (res == NULL)
		goto fail;
	*added = (unsigned)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	res = NULL;
	/*
	 * "= ANY" of the array, not "IN (SELECT unnest(...))": with the array
	 * a constant (these are planned per call) PostgreSQL hashes it, where
	 * a NOT IN of 300,000 listed IDs was planned as a nested loop that
	 * had run 12 minutes when stopped (tests/bench/registry).
	 */
	if (exec_count(s, "a search matches a trial again",
	    "UPDATE search_matches SET matching = true, changed_at = now()"
	    " WHERE search = $1 AND NOT matching"
	    "   AND nct_id = ANY ($2::text[])", 2, p, NULL) < 0)
		goto fail;
	if (full && complete && exec_count(s, "a search no longer matches",
	    "UPDATE search_matches SET matching = false, changed_at = now()"
	    " WHERE search = $1 AND matching"
	    "   AND NOT (nct_id = ANY ($2::text[]))", 2, p,
	    left) < 0)
		goto fail;
	p[1] = p[3];
	p[2] = p[4];
	if (store_exec(s, "a search listed",
	    "UPDATE searches SET baseline = true,"
	    "  listed_at = CASE WHEN $2::boolean THEN (SELECT started_at"
	    "   FROM sync_runs WHERE run_id = $3::bigint) ELSE listed_at END,"
	    "  matching = (SELECT count(*) FROM search_matches"
	    "   WHERE search = $1 AND matching)"
	    " WHERE name = $1", 3, p) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	PQclear(res);
	free(sk);
	free(arr);
	return rc;
}

int
store_search_left(struct store *s, const char *name, char *const *changed,
    size_t n_changed, char *const *listed, size_t n_listed, unsigned *left)
{
	char *ac = NULL, *al = NULL;
	const char *p[3];
	int rc = -1;

	*left = 0;
	if (n_changed == 0)
		return 0;
	if ((ac = store_id_array(changed, n_changed)) == NULL ||
	    (al = store_id_array(listed, n_listed)) == NULL) {
		store_set_err(s, "search %s: out of memory", name);
		goto out;
	}
	p[0] = name;
	p[1] = ac;
	p[2] = al;
	if (store_begin(s) < 0)
		goto out;
	if (exec_count(s, "a search no longer matches",
	    "UPDATE search_matches SET matching = false, changed_at = now()"
	    " WHERE search = $1 AND matching"
	    "   AND nct_id = ANY ($2::text[])"
	    "   AND NOT (nct_id = ANY ($3::text[]))", 3, p,
	    left) < 0 ||
	    (*left > 0 && store_exec(s, "a search's count",
	    "UPDATE searches SET matching = (SELECT count(*) FROM"
	    " search_matches WHERE search = $1 AND matching) WHERE name = $1",
	    1, p) < 0) ||
	    store_commit(s) < 0) {
		store_rollback(s);
		goto out;
	}
	rc = 0;
out:
	free(ac);
	free(al);
	return rc;
}

int
store_each_pending_match(struct store *s, const char *sink, store_match_fn fn,
    void *arg)
{
	const char *p[1] = {sink};
	PGresult *res;
	int rc = 0;

	res = store_q(s, "pending announcements", PGRES_TUPLES_OK,
	    "SELECT a.alert_id, a.search, h.query, a.nct_id,"
	    "       coalesce(v.brief_title, ''), v.overall_status,"
	    "       coalesce((SELECT sp.name FROM version_sponsors sp"
	    "          WHERE sp.version_id = v.version_id"
	    "            AND sp.lead_or_collaborator = 'lead' LIMIT 1), ''),"
	    "       to_char(m.first_matched_at AT TIME ZONE 'UTC',"
	    "               'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "  FROM match_outbox a"
	    "  JOIN searches h ON h.name = a.search"
	    "  JOIN search_matches m ON m.search = a.search"
	    "   AND m.nct_id = a.nct_id"
	    "  JOIN trials t ON t.nct_id = a.nct_id"
	    "  JOIN study_versions v ON v.version_id = t.current_version_id"
	    " WHERE a.sink = $1 AND a.delivered_at IS NULL"
	    " ORDER BY a.alert_id", 1, p);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_match m;

		memset(&m, 0, sizeof(m));
		m.alert_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		m.search = PQgetvalue(res, r, 1);
		m.query = PQgetvalue(res, r, 2);
		snprintf(m.nct_id, sizeof(m.nct_id), "%s",
		    PQgetvalue(res, r, 3));
		m.brief_title = PQgetvalue(res, r, 4);
		m.overall_status = PQgetvalue(res, r, 5);
		m.lead_sponsor = PQgetvalue(res, r, 6);
		m.matched_at = PQgetvalue(res, r, 7);
		rc = fn(arg, &m) < 0 ? -1 : 0;
	}
	PQclear(res);
	return rc;
}

int
store_match_done(struct store *s, long long alert_id, bool ok,
    const char *error)
{
	return store_outbox_done(s, "announcement delivered",
	    OUTBOX_DONE("match_outbox"), &alert_id, 1, ok, error);
}

int
store_notify_match(struct store *s, const char *payload)
{
	const char *p[1] = {payload};
	PGresult *res;

	res = store_q(s, "notify", PGRES_TUPLES_OK,
	    "SELECT pg_notify('ctmirror_matches', $1)", 1, p);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

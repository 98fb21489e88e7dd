/*
 * store_report.c - what `ctmirror report` reads: the mirror's head figures,
 * flags, pages and claims, and trials in batches, in one read-only
 * snapshot.
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

/* -------------------------------------------------------------- report */

#define REPORT_TS(col) \
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')"

/* Open, unacknowledged flags per page: the order "worst page first". */
#define REPORT_PAGE_COUNTS \
	"pc AS (SELECT page_id," \
	"  count(*) FILTER (WHERE severity = 'stale') AS st," \
	"  count(*) FILTER (WHERE severity = 'recheck') AS re" \
	"  FROM flags WHERE resolved_at IS NULL AND acked_at IS NULL" \
	"  GROUP BY page_id)"

int
store_report_begin(struct store *s)
{
	if (store_exec(s, "report snapshot",
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) < 0)
		return -1;
	s->in_txn = true;
	return 0;
}

int
store_report_head(struct store *s, struct store_report_head *h)
{
	PGresult *res;

	memset(h, 0, sizeof(*h));
	/*
	 * The registry build: issue 13 records GET /version's dataTimestamp
	 * in sync_runs.  Read through to_jsonb so this works before and
	 * after that column exists; its name is this one expression.
	 */
	res = store_q(s, "report head", PGRES_TUPLES_OK,
	    "SELECT (SELECT count(*) FROM trials WHERE tracked),"
	    " (SELECT count(DISTINCT page_id) FROM claims),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'stale'),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'recheck'),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NOT NULL),"
	    " r.run_id, r.status, " REPORT_TS("r.started_at") ","
	    " " REPORT_TS("r.finished_at") ","
	    " (SELECT " REPORT_TS("max(finished_at)") " FROM sync_runs"
	    "   WHERE status = 'ok'),"
	    " (SELECT b FROM (SELECT coalesce(to_jsonb(x) ->> 'data_timestamp',"
	    "   to_jsonb(x) ->> 'registry_build') AS b FROM sync_runs x"
	    "   ORDER BY x.run_id DESC) z WHERE b IS NOT NULL LIMIT 1),"
	    " " REPORT_TS("now()")
	    " FROM (SELECT 1) one LEFT JOIN LATERAL"
	    "  (SELECT * FROM sync_runs WHERE mode <> 'scan'"
	    "    ORDER BY run_id DESC LIMIT 1) r ON true", 0, NULL);
	if (res == NULL)
		return -1;
	h->trials_tracked = (unsigned)atoi(PQgetvalue(res, 0, 0));
	h->pages = (unsigned)atoi(PQgetvalue(res, 0, 1));
	h->flags_stale = (unsigned)atoi(PQgetvalue(res, 0, 2));
	h->flags_recheck = (unsigned)atoi(PQgetvalue(res, 0, 3));
	h->flags_acked = (unsigned)atoi(PQgetvalue(res, 0, 4));
	h->last_run_id = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	snprintf(h->last_run_status, sizeof(h->last_run_status), "%s",
	    PQgetvalue(res, 0, 6));
	snprintf(h->last_run_started, sizeof(h->last_run_started), "%s",
	    PQgetvalue(res, 0, 7));
	snprintf(h->last_run_finished, sizeof(h->last_run_finished), "%s",
	    PQgetvalue(res, 0, 8));
	snprintf(h->last_ok_finished, sizeof(h->last_ok_finished), "%s",
	    PQgetvalue(res, 0, 9));
	snprintf(h->registry_build, sizeof(h->registry_build), "%s",
	    PQgetvalue(res, 0, 10));
	snprintf(h->generated_at, sizeof(h->generated_at), "%s",
	    PQgetvalue(res, 0, 11));
	PQclear(res);
	return 0;
}

int
store_report_rule_counts(struct store *s, store_report_count_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = store_q(s, "report rule counts", PGRES_TUPLES_OK,
	    "SELECT rule, severity,"
	    " count(*) FILTER (WHERE acked_at IS NULL),"
	    " count(*) FILTER (WHERE acked_at IS NOT NULL)"
	    " FROM flags WHERE resolved_at IS NULL GROUP BY rule, severity"
	    " ORDER BY severity = 'stale' DESC, 3 DESC, rule", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++)
		rc = fn(arg, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1),
		    (unsigned)atoi(PQgetvalue(res, r, 2)),
		    (unsigned)atoi(PQgetvalue(res, r, 3)));
	PQclear(res);
	return rc;
}

int
store_report_flags(struct store *s, store_report_flag_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = store_q(s, "report flags", PGRES_TUPLES_OK,
	    "WITH " REPORT_PAGE_COUNTS
	    " SELECT f.flag_id, p.path, f.line, f.nct_id, f.claim_kind,"
	    " left(f.claim_text, 400), f.as_of, f.rule, f.severity,"
	    " left(f.evidence, 2000), " REPORT_TS("f.raised_at") ","
	    " f.page_id, pc.st, pc.re, now()::date - f.raised_at::date,"
	    " coalesce(cl.phrase, ''), coalesce(left(v.acronym, 40), '')"
	    " FROM flags f JOIN pages p USING (page_id) JOIN pc USING (page_id)"
	    " LEFT JOIN trials t ON t.nct_id = f.nct_id"
	    " LEFT JOIN study_versions v ON v.version_id = t.current_version_id"
	    " LEFT JOIN LATERAL (SELECT left(c.phrase, 200) AS phrase"
	    "   FROM claims c WHERE c.page_id = f.page_id"
	    "   AND c.nct_id = f.nct_id AND c.kind = f.claim_kind"
	    "   AND c.line = f.line LIMIT 1) cl ON true"
	    " WHERE f.resolved_at IS NULL AND f.acked_at IS NULL"
	    " ORDER BY pc.st DESC, pc.re DESC, p.path, f.page_id,"
	    "  f.severity = 'stale' DESC, f.line, f.nct_id, f.rule", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_report_flag x;

		memset(&x, 0, sizeof(x));
		x.f.flag_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		x.f.page = PQgetvalue(res, r, 1);
		x.f.line = atoi(PQgetvalue(res, r, 2));
		snprintf(x.f.nct_id, sizeof(x.f.nct_id), "%s",
		    PQgetvalue(res, r, 3));
		x.f.claim_kind = PQgetvalue(res, r, 4);
		x.f.claim_text = PQgetvalue(res, r, 5);
		x.f.as_of = (char *)store_col(res, r, 6);
		x.f.rule = PQgetvalue(res, r, 7);
		x.f.severity = PQgetvalue(res, r, 8);
		x.f.evidence = PQgetvalue(res, r, 9);
		x.f.raised_at = PQgetvalue(res, r, 10);
		x.page_id = strtoll(PQgetvalue(res, r, 11), NULL, 10);
		x.page_stale = (unsigned)atoi(PQgetvalue(res, r, 12));
		x.page_recheck = (unsigned)atoi(PQgetvalue(res, r, 13));
		x.age_days = atoi(PQgetvalue(res, r, 14));
		x.phrase = PQgetvalue(res, r, 15);
		x.acronym = PQgetvalue(res, r, 16);
		rc = fn(arg, &x);
	}
	PQclear(res);
	return rc;
}

int
store_report_pages(struct store *s, store_report_page_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = store_q(s, "report pages", PGRES_TUPLES_OK,
	    "WITH " REPORT_PAGE_COUNTS ","
	    " cc AS (SELECT page_id, count(*) AS n FROM claims GROUP BY page_id)"
	    " SELECT p.page_id, p.path, p.page_date,"
	    " " REPORT_TS("p.last_scanned_at") ","
	    " coalesce(cc.n, 0), coalesce(pc.st, 0), coalesce(pc.re, 0)"
	    " FROM pages p LEFT JOIN pc USING (page_id) LEFT JOIN cc USING (page_id)"
	    " WHERE cc.n > 0 OR pc.page_id IS NOT NULL"
	    " ORDER BY coalesce(pc.st, 0) DESC, coalesce(pc.re, 0) DESC, p.path,"
	    "  p.page_id", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_report_page p;

		p.page_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		p.path = PQgetvalue(res, r, 1);
		p.page_date = PQgetvalue(res, r, 2);
		p.last_scanned = PQgetvalue(res, r, 3);
		p.claims = (unsigned)atoi(PQgetvalue(res, r, 4));
		p.stale = (unsigned)atoi(PQgetvalue(res, r, 5));
		p.recheck = (unsigned)atoi(PQgetvalue(res, r, 6));
		rc = fn(arg, &p);
	}
	PQclear(res);
	return rc;
}

struct store_report_claims {
	PGresult *res;
	struct store_report_claim *v;
	size_t n;
};

/* Both claim reads return these columns, in this order. */
static struct store_report_claims *
report_claims(struct store *s, const char *what, const char *sql,
    const char *param)
{
	struct store_report_claims *c;
	const char *p[1] = {param};

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		store_set_err(s, "%s: out of memory", what);
		return NULL;
	}
	if ((c->res = store_q(s, what, PGRES_TUPLES_OK, sql, 1, p)) == NULL)
		goto fail;
	c->n = (size_t)PQntuples(c->res);
	if (c->n && (c->v = calloc(c->n, sizeof(*c->v))) == NULL) {
		store_set_err(s, "%s: out of memory", what);
		goto fail;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct store_report_claim *x = &c->v[i];
		int r = (int)i;

		x->page_id = strtoll(PQgetvalue(c->res, r, 0), NULL, 10);
		x->claim_id = strtoll(PQgetvalue(c->res, r, 1), NULL, 10);
		x->line = atoi(PQgetvalue(c->res, r, 2));
		snprintf(x->nct_id, sizeof(x->nct_id), "%s",
		    PQgetvalue(c->res, r, 3));
		x->kind = PQgetvalue(c->res, r, 4);
		x->statuses = PQgetvalue(c->res, r, 5);
		x->as_of = PQgetvalue(c->res, r, 6);
		x->phrase = PQgetvalue(c->res, r, 7);
		x->excerpt = PQgetvalue(c->res, r, 8);
		x->path = PQgetvalue(c->res, r, 9);
		x->flag_id = strtoll(PQgetvalue(c->res, r, 10), NULL, 10);
		x->flag_line = atoi(PQgetvalue(c->res, r, 11));
		x->rule = PQgetvalue(c->res, r, 12);
		x->severity = PQgetvalue(c->res, r, 13);
		x->evidence = PQgetvalue(c->res, r, 14);
		x->acked = PQgetvalue(c->res, r, 15)[0] == 't';
	}
	return c;
fail:
	store_report_claims_free(c);
	return NULL;
}

#define REPORT_CLAIM_COLUMNS \
	"c.page_id, c.claim_id, c.line, c.nct_id, c.kind," \
	" coalesce(c.statuses, ''), c.as_of, left(c.phrase, 200)," \
	" left(c.excerpt, 400)"

struct store_report_claims *
store_report_page_claims(struct store *s, const long long *page_ids, size_t n)
{
	struct store_report_claims *c;
	char *arr = store_bigint_array(page_ids, n);

	if (arr == NULL) {
		store_set_err(s, "page claims: out of memory");
		return NULL;
	}
	c = report_claims(s, "report page claims",
	    "SELECT " REPORT_CLAIM_COLUMNS ", '',"
	    " coalesce(f.flag_id, 0), coalesce(f.line, 0), f.rule, f.severity,"
	    " left(f.evidence, 2000), f.acked_at IS NOT NULL"
	    " FROM claims c LEFT JOIN flags f ON f.page_id = c.page_id"
	    "  AND f.nct_id = c.nct_id AND f.claim_kind = c.kind"
	    "  AND f.resolved_at IS NULL"
	    " WHERE c.page_id = ANY($1::bigint[])"
	    " ORDER BY c.page_id, c.line, c.claim_id,"
	    "  f.severity = 'stale' DESC, f.rule", arr);
	free(arr);
	return c;
}

struct store_report_claims *
store_report_trial_claims(struct store *s, char *const *ids, size_t n)
{
	struct store_report_claims *c;
	char *arr = store_id_array(ids, n);

	if (arr == NULL) {
		store_set_err(s, "trial claims: out of memory");
		return NULL;
	}
	c = report_claims(s, "report trial claims",
	    "SELECT " REPORT_CLAIM_COLUMNS ", p.path,"
	    " 0, 0, coalesce(w.rules, ''), coalesce(w.severity, ''), '', false"
	    " FROM claims c JOIN pages p USING (page_id)"
	    " LEFT JOIN LATERAL (SELECT string_agg(f.rule, ', ' ORDER BY f.rule)"
	    "   AS rules, CASE WHEN bool_or(f.severity = 'stale') THEN 'stale'"
	    "   WHEN count(*) > 0 THEN 'recheck' END AS severity"
	    "   FROM flags f WHERE f.page_id = c.page_id"
	    "   AND f.nct_id = c.nct_id AND f.claim_kind = c.kind"
	    "   AND f.resolved_at IS NULL AND f.acked_at IS NULL) w ON true"
	    " WHERE c.nct_id = ANY($1::text[])"
	    " ORDER BY c.nct_id, c.as_of NULLS LAST, p.path, c.line,"
	    "  c.claim_id", arr);
	free(arr);
	return c;
}

size_t
store_report_claims_count(const struct store_report_claims *c)
{
	return c ? c->n : 0;
}

const struct store_report_claim *
store_report_claims_row(const struct store_report_claims *c, size_t i)
{
	return &c->v[i];
}

void
store_report_claims_free(struct store_report_claims *c)
{
	if (c == NULL)
		return;
	PQclear(c->res);
	free(c->v);
	free(c);
}

/* The results a batch's strings live in. */
struct report_batch_priv {
	PGresult *trials, *spans, *changes;
};

/*
 * The versions of a trial's life, one row each, from study_versions.
 * Not the trial_timeline view: that merges the versions of one day and
 * those whose status, results, primary completion and enrollment did not
 * move, and the report lists every version and draws the start and
 * completion dates, submissions and publications of each.  A version's
 * day is trial_timeline's and `ctmirror history`'s (VERSION_DAY): the
 * registry's last_update_posted, else the date its change list gives a
 * version read from its history, else the day ctmirror stored it.
 */
static PGresult *
report_spans(struct store *s, const char *const *p)
{
	return store_q(s, "report spans", PGRES_TUPLES_OK,
	    "SELECT v.nct_id, v.version_no, " VERSION_DAY("v") ","
	    " lead(" VERSION_DAY("v") ")"
	    "   OVER (PARTITION BY v.nct_id ORDER BY v.version_no),"
	    " v.overall_status, v.has_results, v.primary_completion,"
	    " v.primary_completion_type,"
	    " x.ps -> 'designModule' -> 'enrollmentInfo' ->> 'count', v.source,"
	    " left(x.ps -> 'statusModule' -> 'startDateStruct' ->> 'date', 10),"
	    " left(x.ps -> 'statusModule' -> 'startDateStruct' ->> 'type', 10),"
	    " left(x.ps -> 'statusModule' -> 'completionDateStruct' ->> 'date', 10),"
	    " left(x.ps -> 'statusModule' -> 'completionDateStruct' ->> 'type', 10),"
	    " v.results_submitted, v.results_first_posted,"
	    " array_to_string(v.result_pmids, ' ')"
	    " FROM study_versions v"
	    /* OFFSET 0: the record is decompressed once, not per field. */
	    " CROSS JOIN LATERAL (SELECT v.raw -> 'protocolSection' AS ps"
	    "   OFFSET 0) x"
	    " WHERE v.nct_id = ANY($1::text[])"
	    " ORDER BY v.nct_id, v.version_no", 1, p);
}

int
store_report_batch(struct store *s, char *const *ids, size_t n,
    unsigned max_changes, struct store_report_batch *b)
{
	struct report_batch_priv *pv;
	char *arr = NULL, lim[16];
	const char *p[2];
	int rc = -1;

	memset(b, 0, sizeof(*b));
	if ((pv = calloc(1, sizeof(*pv))) == NULL ||
	    (arr = store_id_array(ids, n)) == NULL) {
		free(pv);
		store_set_err(s, "report: out of memory");
		return -1;
	}
	b->priv = pv;
	snprintf(lim, sizeof(lim), "%u", max_changes);
	p[0] = arr;
	p[1] = lim;

	pv->trials = store_q(s, "report trials", PGRES_TUPLES_OK,
	    "SELECT t.nct_id, coalesce(left(v.acronym, 60), ''),"
	    " coalesce(left(v.brief_title, 500), ''), v.overall_status,"
	    " coalesce(v.has_results, false), v.results_first_posted,"
	    " v.results_submitted, v.primary_completion,"
	    " v.primary_completion_type, v.last_update_posted,"
	    " t.registry_state, t.current_nct_id,"
	    " to_char(t.tracked_since AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
	    " (SELECT count(*) FROM study_versions x WHERE x.nct_id = t.nct_id)"
	    " FROM trials t"
	    " LEFT JOIN study_versions v ON v.version_id = t.current_version_id"
	    " WHERE t.nct_id = ANY($1::text[]) ORDER BY t.nct_id", 1, p);
	if (pv->trials == NULL)
		goto out;
	b->n_trials = (size_t)PQntuples(pv->trials);
	if (b->n_trials &&
	    (b->trials = calloc(b->n_trials, sizeof(*b->trials))) == NULL)
		goto oom;
	for (size_t i = 0; i < b->n_trials; i++) {
		struct store_report_trial *t = &b->trials[i];
		PGresult *r = pv->trials;
		int k = (int)i;

		snprintf(t->nct_id, sizeof(t->nct_id), "%s", PQgetvalue(r, k, 0));
		t->acronym = PQgetvalue(r, k, 1);
		t->brief_title = PQgetvalue(r, k, 2);
		t->overall_status = PQgetvalue(r, k, 3);
		t->has_results = PQgetvalue(r, k, 4)[0] == 't';
		t->results_first_posted = PQgetvalue(r, k, 5);
		t->results_submitted = PQgetvalue(r, k, 6);
		t->primary_completion = PQgetvalue(r, k, 7);
		t->primary_completion_type = PQgetvalue(r, k, 8);
		t->last_update_posted = PQgetvalue(r, k, 9);
		t->registry_state = PQgetvalue(r, k, 10);
		t->current_nct_id = PQgetvalue(r, k, 11);
		t->tracked_since = PQgetvalue(r, k, 12);
		t->versions = atoi(PQgetvalue(r, k, 13));
	}

	if ((pv->spans = report_spans(s, p)) == NULL)
		goto out;
	b->n_spans = (size_t)PQntuples(pv->spans);
	if (b->n_spans &&
	    (b->spans = calloc(b->n_spans, sizeof(*b->spans))) == NULL)
		goto oom;
	for (size_t i = 0; i < b->n_spans; i++) {
		struct store_report_span *x = &b->spans[i];
		PGresult *r = pv->spans;
		int k = (int)i;

		snprintf(x->nct_id, sizeof(x->nct_id), "%s", PQgetvalue(r, k, 0));
		x->version_no = atoi(PQgetvalue(r, k, 1));
		x->valid_from = PQgetvalue(r, k, 2);
		x->valid_to = PQgetvalue(r, k, 3);
		x->overall_status = PQgetvalue(r, k, 4);
		x->has_results = PQgetvalue(r, k, 5)[0] == 't';
		x->primary_completion = PQgetvalue(r, k, 6);
		x->primary_completion_type = PQgetvalue(r, k, 7);
		x->enrollment = PQgetvalue(r, k, 8);
		x->source = PQgetvalue(r, k, 9);
		x->start = PQgetvalue(r, k, 10);
		x->start_type = PQgetvalue(r, k, 11);
		x->completion = PQgetvalue(r, k, 12);
		x->completion_type = PQgetvalue(r, k, 13);
		x->results_submitted = PQgetvalue(r, k, 14);
		x->results_first_posted = PQgetvalue(r, k, 15);
		x->result_pmids = PQgetvalue(r, k, 16);
	}

	pv->changes = store_q(s, "report changes", PGRES_TUPLES_OK,
	    "SELECT nct_id, path, change_class, left(old_value::text, 300),"
	    " left(new_value::text, 300), registry_updated,"
	    " " REPORT_TS("detected_at") ", rn, total"
	    " FROM (SELECT c.*, row_number() OVER w AS rn,"
	    "   count(*) OVER (PARTITION BY c.nct_id) AS total"
	    "   FROM study_changes c WHERE c.nct_id = ANY($1::text[])"
	    "   WINDOW w AS (PARTITION BY c.nct_id ORDER BY c.change_id DESC)) z"
	    " WHERE rn <= $2::integer ORDER BY nct_id, rn", 2, p);
	if (pv->changes == NULL)
		goto out;
	b->n_changes = (size_t)PQntuples(pv->changes);
	if (b->n_changes &&
	    (b->changes = calloc(b->n_changes, sizeof(*b->changes))) == NULL)
		goto oom;
	for (size_t i = 0; i < b->n_changes; i++) {
		struct store_report_change *x = &b->changes[i];
		PGresult *r = pv->changes;
		int k = (int)i;
		long rn = atol(PQgetvalue(r, k, 7)), total = atol(PQgetvalue(r, k, 8));

		snprintf(x->nct_id, sizeof(x->nct_id), "%s", PQgetvalue(r, k, 0));
		x->field = PQgetvalue(r, k, 1);
		x->change_class = PQgetvalue(r, k, 2);
		x->old_value = PQgetvalue(r, k, 3);
		x->new_value = PQgetvalue(r, k, 4);
		x->registry_updated = PQgetvalue(r, k, 5);
		x->detected_at = PQgetvalue(r, k, 6);
		x->more = rn == (long)max_changes ? (int)(total - rn) : 0;
	}

	if ((b->claims = store_report_trial_claims(s, ids, n)) == NULL)
		goto out;
	rc = 0;
	goto out;
oom:
	store_set_err(s, "report: out of memory");
out:
	free(arr);
	return rc;
}

void
store_report_batch_finish(struct store_report_batch *b)
{
	struct report_batch_priv *pv = b->priv;

	if (pv != NULL) {
		PQclear(pv->trials);
		PQclear(pv->spans);
		PQclear(pv->changes);
		free(pv);
	}
	free(b->trials);
	free(b->spans);
	free(b->changes);
	store_report_claims_free(b->claims);
	memset(b, 0, sizeof(*b));
}

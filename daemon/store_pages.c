/*
 * store_pages.c - pages, their claims and flags: a page's claims planned
 * against the stored ones so unchanged rows stay, flags raised, kept and
 * resolved, acks, and the alert outbox.
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

/* ------------------------------------------------------ pages and flags */

/* Key of a finding: one flag per (trial, claim kind, rule) on a page. */
static int
key_cmp(const char *id_a, const char *kind_a, const char *rule_a,
    const char *id_b, const char *kind_b, const char *rule_b)
{
	int c = strcmp(id_a, id_b);

	if (c == 0)
		c = strcmp(kind_a, kind_b);
	if (c == 0)
		c = strcmp(rule_a, rule_b);
	return c;
}

static int
finding_key_cmp(const struct store_finding *a, const struct store_finding *b)
{
	return key_cmp(a->claim->nct_id, claims_kind_name(a->claim->kind),
	    a->verdict->rule, b->claim->nct_id,
	    claims_kind_name(b->claim->kind), b->verdict->rule);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct store_finding *x = a, *y = b;
	int c = finding_key_cmp(x, y);

	/* Within a key the first line of the page is the one reported. */
	return c ? c : x->claim->line - y->claim->line;
}

/* The columns of a flag row, as the page's finding would write them. */
struct flag_text {
	const char *severity;
	char line[16];
	const char *claim_text;
	const char *as_of;		/* NULL: unknown */
	const char *evidence;
	const char *link;
};

static void
flag_text(const struct store_finding *f, struct flag_text *t)
{
	t->severity = f->verdict->severity == SEV_STALE ? "stale" : "recheck";
	snprintf(t->line, sizeof(t->line), "%d", f->claim->line);
	t->claim_text = f->claim->excerpt ? f->claim->excerpt : "";
	t->as_of = f->claim->as_of[0] ? f->claim->as_of : NULL;
	t->evidence = f->verdict->evidence ? f->verdict->evidence : "";
	t->link = f->verdict->link;
}

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * A new flag and its outbox rows, one statement (no result needed, so it
 * is pipelined).  A plain INSERT: the key has no open flag (the page's
 * open flags were read under the sync lock), so no identity value is
 * burnt on a conflict as INSERT ... ON CONFLICT did for every refresh.
 */
static int
insert_flag(struct store *s, const char *page_id, const struct store_finding *f,
    const char *sink_arr)
{
	struct flag_text t;
	const char *p[11];

	flag_text(f, &t);
	p[0] = page_id;
	p[1] = f->claim->nct_id;
	p[2] = claims_kind_name(f->claim->kind);
	p[3] = f->verdict->rule;
	p[4] = t.severity;
	p[5] = t.line;
	p[6] = t.claim_text;
	p[7] = t.as_of;
	p[8] = t.evidence;
	p[9] = t.link;
	p[10] = sink_arr;
	return store_exec(s, "raise flag",
	    "WITH f AS ("
	    " INSERT INTO flags (page_id, nct_id, claim_kind, rule, severity,"
	    "   line, claim_text, as_of, evidence, link)"
	    " VALUES ($1::bigint, $2, $3, $4, $5, $6::integer, $7, $8, $9, $10)"
	    " RETURNING flag_id)"
	    " INSERT INTO alert_outbox (flag_id, sink)"
	    " SELECT f.flag_id, u.sink FROM f, unnest($11::text[]) AS u(sink)",
	    11, p);
}

/* An open flag whose line, text, severity or evidence moved, in place. */
static int
refresh_flag(struct store *s, const char *flag_id,
    const struct store_finding *f)
{
	struct flag_text t;
	const char *p[7];

	flag_text(f, &t);
	p[0] = flag_id;
	p[1] = t.severity;
	p[2] = t.line;
	p[3] = t.claim_text;
	p[4] = t.as_of;
	p[5] = t.evidence;
	p[6] = t.link;
	return store_exec(s, "refresh flag",
	    "UPDATE flags SET severity = $2, line = $3::integer,"
	    " claim_text = $4, as_of = $5, evidence = $6, link = $7"
	    " WHERE flag_id = $1::bigint", 7, p);
}

/* A page's new claims as the text of the claims table's columns. */
struct claim_rows {
	size_t n;
	const char **id, **kind, **st, **line, **asof, **phrase, **excerpt;
	char (*linebuf)[16], (*stbuf)[160];
};

static void
claim_rows_finish(struct claim_rows *r)
{
	free(r->id);
	free(r->kind);
	free(r->st);
	free(r->line);
	free(r->asof);
	free(r->phrase);
	free(r->excerpt);
	free(r->linebuf);
	free(r->stbuf);
	memset(r, 0, sizeof(*r));
}

/* 0 / -1 (memory). */
static int
claim_rows_init(struct claim_rows *r, const struct claim_list *cl)
{
	size_t n = cl ? cl->n : 0;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->id = calloc(n + 1, sizeof(*r->id));
	r->kind = calloc(n + 1, sizeof(*r->kind));
	r->st = calloc(n + 1, sizeof(*r->st));
	r->line = calloc(n + 1, sizeof(*r->line));
	r->asof = calloc(n + 1, sizeof(*r->asof));
	r->phrase = calloc(n + 1, sizeof(*r->phrase));
	r->excerpt = calloc(n + 1, sizeof(*r->excerpt));
	r->linebuf = calloc(n + 1, sizeof(*r->linebuf));
	r->stbuf = calloc(n + 1, sizeof(*r->stbuf));
	if (!r->id || !r->kind || !r->st || !r->line || !r->asof ||
	    !r->phrase || !r->excerpt || !r->linebuf || !r->stbuf) {
		claim_rows_finish(r);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct claim *c = &cl->v[i];

		r->id[i] = c->nct_id;
		r->kind[i] = claims_kind_name(c->kind);
		r->st[i] = c->kind == CLAIM_STATUS ? claims_statuses_text(
		    c->statuses, r->stbuf[i], sizeof(r->stbuf[i])) : NULL;
		snprintf(r->linebuf[i], sizeof(r->linebuf[i]), "%d", c->line);
		r->line[i] = r->linebuf[i];
		r->asof[i] = c->as_of[0] ? c->as_of : NULL;
		r->phrase[i] = c->phrase ? c->phrase : "";
		r->excerpt[i] = c->excerpt ? c->excerpt : "";
	}
	return 0;
}

/* Insert rows which[0..n) of r (all of them when which is NULL). */
static int
insert_claims(struct store *s, const char *page_id, const struct claim_rows *r,
    const size_t *which, size_t n)
{
	const char **col[7] = {NULL}, *const *src[7] = {r->id, r->kind, r->st,
	    r->line, r->asof, r->phrase, r->excerpt};
	char *a[7] = {NULL};
	const char *p[8];
	int rc = -1;

	if (n == 0)
		return 0;
	for (int k = 0; k < 7; k++) {
		if ((col[k] = calloc(n, sizeof(*col[k]))) == NULL)
			goto oom;
		for (size_t i = 0; i < n; i++)
			col[k][i] = src[k][which ? which[i] : i];
		if ((a[k] = store_array_literal(col[k], n)) == NULL)
			goto oom;
	}
	p[0] = page_id;
	for (int k = 0; k < 7; k++)
		p[k + 1] = a[k];
	rc = store_exec(s, "store claims",
	    "INSERT INTO claims (page_id, nct_id, kind, statuses, line, as_of,"
	    "  phrase, excerpt)"
	    " SELECT $1::bigint, u.id, u.kind, u.st, u.line::integer, u.asof,"
	    "        u.phrase, u.excerpt"
	    "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],"
	    "               $6::text[], $7::text[], $8::text[])"
	    "        AS u(id, kind, st, line, asof, phrase, excerpt)", 8, p);
	goto out;
oom:
	store_set_err(s, "store claims: out of memory");
out:
	for (int k = 0; k < 7; k++) {
		free(a[k]);
		free(col[k]);
	}
	return rc;
}

/*
 * How the stored claims of a page become its new ones, with the least
 * written: a claim that only moved (a line added above it) keeps its row
 * and gets its new line (a HOT update of one column, a few bytes of WAL);
 * only claims whose words changed are deleted and inserted.
 */
struct claim_plan {
	const char **del;		/* claim_id of rows to delete */
	size_t n_del;
	const char **move_id;		/* claim_id ... */
	const char **move_line;		/* ... and its new line */
	size_t n_move;
	size_t *ins;			/* indexes into the new claim_rows */
	size_t n_ins;
};

static void
claim_plan_finish(struct claim_plan *cp)
{
	free(cp->del);
	free(cp->move_id);
	free(cp->move_line);
	free(cp->ins);
}

/* Columns of STORED_CLAIMS_SQL. */
enum { SC_ID, SC_NCT, SC_KIND, SC_ST, SC_LINE, SC_ASOF, SC_PHRASE, SC_EXC };

#define STORED_CLAIMS_SQL \
	"SELECT claim_id, nct_id, kind, statuses, line, as_of, phrase," \
	"       excerpt FROM claims WHERE page_id = $1::bigint"

/* One claim, stored (res row) or new (rows index), for sorting. */
struct claim_ref {
	const PGresult *res;		/* NULL: new claim `i` of rows */
	const struct claim_rows *rows;
	int r;
	size_t i;
	long line;
};

static const char *
ref_col(const struct claim_ref *x, int c)
{
	const char *const *v[] = {NULL, x->rows ? x->rows->id : NULL,
	    x->rows ? x->rows->kind : NULL, x->rows ? x->rows->st : NULL, NULL,
	    x->rows ? x->rows->asof : NULL, x->rows ? x->rows->phrase : NULL,
	    x->rows ? x->rows->excerpt : NULL};

	if (x->res)
		return store_col(x->res, x->r, c);
	return v[c][x->i];
}

/* Order by everything but the line (NULL first), then by line. */
static int
ref_words_cmp(const struct claim_ref *a, const struct claim_ref *b)
{
	static const int cols[] = {SC_NCT, SC_KIND, SC_ST, SC_ASOF, SC_PHRASE,
	    SC_EXC};

	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
		const char *x = ref_col(a, cols[k]), *y = ref_col(b, cols[k]);
		int c = x == NULL || y == NULL ? (x != NULL) - (y != NULL) :
		    strcmp(x, y);

		if (c != 0)
			return c;
	}
	return 0;
}

static int
ref_cmp(const void *pa, const void *pb)
{
	const struct claim_ref *a = pa, *b = pb;
	int c = ref_words_cmp(a, b);

	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/*
 * Read the page's stored claims and plan: within each group of claims
 * with the same words, rows at the same line stay, the others are paired
 * in line order and moved, and what is left over is deleted or inserted.
 * The rows of `*res` back cp->del and cp->move_id (the caller clears
 * it).  0 / -1.
 */
static int
plan_claims(struct store *s, const char *page_id, const struct claim_rows *rows,
    PGresult **res, struct claim_plan *cp)
{
	struct claim_ref *old = NULL, *new = NULL;
	const char *p[1] = {page_id};
	size_t n_old, i = 0, j = 0;
	int rc = -1;

	memset(cp, 0, sizeof(*cp));
	if ((*res = store_q(s, "read claims", PGRES_TUPLES_OK, STORED_CLAIMS_SQL, 1,
	    p)) == NULL)
		return -1;
	n_old = (size_t)PQntuples(*res);
	old = calloc(n_old + 1, sizeof(*old));
	new = calloc(rows->n + 1, sizeof(*new));
	cp->del = calloc(n_old + 1, sizeof(*cp->del));
	cp->move_id = calloc(n_old + 1, sizeof(*cp->move_id));
	cp->move_line = calloc(n_old + 1, sizeof(*cp->move_line));
	cp->ins = calloc(rows->n + 1, sizeof(*cp->ins));
	if (!old || !new || !cp->del || !cp->move_id || !cp->move_line ||
	    !cp->ins) {
		store_set_err(s, "read claims: out of memory");
		goto out;
	}
	for (size_t k = 0; k < n_old; k++) {
		old[k].res = *res;
		old[k].r = (int)k;
		old[k].line = strtol(PQgetvalue(*res, (int)k, SC_LINE), NULL,
		    10);
	}
	for (size_t k = 0; k < rows->n; k++) {
		new[k].rows = rows;
		new[k].i = k;
		new[k].line = strtol(rows->line[k], NULL, 10);
	}
	qsort(old, n_old, sizeof(*old), ref_cmp);
	qsort(new, rows->n, sizeof(*new), ref_cmp);
	while (i < n_old || j < rows->n) {
		size_t gi = i, gj = j, oi, nj;
		int c = i == n_old ? 1 : j == rows->n ? -1 :
		    ref_words_cmp(&old[i], &new[j]);

		/* The group of equal words on each side: [gi, i), [gj, j). */
		if (c <= 0)
			for (i++; i < n_old &&
			    ref_words_cmp(&old[gi], &old[i]) == 0; i++)
				;
		if (c >= 0)
			for (j++; j < rows->n &&
			    ref_words_cmp(&new[gj], &new[j]) == 0; j++)
				;
		/* Same line: nothing to write; mark both done (line = -1). */
		for (oi = gi, nj = gj; oi < i && nj < j;) {
			if (old[oi].line == new[nj].line) {
				old[oi++].line = -1;
				new[nj++].line = -1;
			} else if (old[oi].line < new[nj].line) {
				oi++;
			} else {
				nj++;
			}
		}
		/* The rest in line order: moved while both sides have one. */
		for (oi = gi, nj = gj;;) {
			while (oi < i && old[oi].line < 0)
				oi++;
			while (nj < j && new[nj].line < 0)
				nj++;
			if (oi == i || nj == j)
				break;
			cp->move_id[cp->n_move] = PQgetvalue(*res, old[oi].r,
			    SC_ID);
			cp->move_line[cp->n_move++] = rows->line[new[nj].i];
			oi++;
			nj++;
		}
		for (; oi < i; oi++)
			if (old[oi].line >= 0)
				cp->del[cp->n_del++] = PQgetvalue(*res, old[oi].r,
				    SC_ID);
		for (; nj < j; nj++)
			if (new[nj].line >= 0)
				cp->ins[cp->n_ins++] = new[nj].i;
	}
	rc = 0;
out:
	free(old);
	free(new);
	return rc;
}

/* Carry out a claim plan, inside the page's transaction. */
static int
apply_claims(struct store *s, const char *page_id,
    const struct claim_rows *rows, const struct claim_plan *cp)
{
	char *a[3] = {NULL, NULL, NULL};
	const char *p[2];
	int rc = -1;

	if (cp->n_del > 0) {
		if ((a[0] = store_array_literal(cp->del, cp->n_del)) == NULL)
			goto oom;
		p[0] = a[0];
		if (store_exec(s, "forget claims", "DELETE FROM claims"
		    " WHERE claim_id = ANY ($1::bigint[])", 1, p) < 0)
			goto out;
	}
	if (cp->n_move > 0) {
		if ((a[1] = store_array_literal(cp->move_id, cp->n_move)) == NULL ||
		    (a[2] = store_array_literal(cp->move_line, cp->n_move)) == NULL)
			goto oom;
		p[0] = a[1];
		p[1] = a[2];
		if (store_exec(s, "move claims", "UPDATE claims c SET line = u.line"
		    " FROM unnest($1::bigint[], $2::integer[]) AS u(id, line)"
		    " WHERE c.claim_id = u.id", 2, p) < 0)
			goto out;
	}
	rc = insert_claims(s, page_id, rows, cp->ins, cp->n_ins);
	goto out;
oom:
	store_set_err(s, "store claims: out of memory");
out:
	for (int k = 0; k < 3; k++)
		free(a[k]);
	return rc;
}

/*
 * What is stored of one page: its row (page_id "" when there is none)
 * and its open flags, ordered by key.  One read; the rows stay in `res`.
 */
#define STORED_PAGE_SQL \
	"SELECT p.page_id, p.content_hash, p.claims_hash," \
	"       p.skipped_since IS NOT NULL, f.flag_id, f.nct_id," \
	"       f.claim_kind, f.rule, f.severity, f.line, f.claim_text," \
	"       f.as_of, f.evidence, f.link" \
	"  FROM pages p LEFT JOIN flags f" \
	"    ON f.page_id = p.page_id AND f.resolved_at IS NULL" \
	" WHERE p.path = $1" \
	" ORDER BY f.nct_id COLLATE \"C\", f.claim_kind COLLATE \"C\"," \
	"          f.rule COLLATE \"C\""

/* Columns of STORED_PAGE_SQL. */
enum { SP_PAGE, SP_HASH, SP_CLAIMS, SP_SKIPPED, SP_FLAG, SP_NCT, SP_KIND,
	SP_RULE, SP_SEV, SP_LINE, SP_TEXT, SP_ASOF, SP_EVID, SP_LINK };

/* Does the stored open flag in row r say what finding f would write? */
static bool
flag_unchanged(const PGresult *res, int r, const struct store_finding *f)
{
	struct flag_text t;

	flag_text(f, &t);
	return strcmp(PQgetvalue(res, r, SP_SEV), t.severity) == 0 &&
	    strcmp(PQgetvalue(res, r, SP_LINE), t.line) == 0 &&
	    strcmp(PQgetvalue(res, r, SP_TEXT), t.claim_text) == 0 &&
	    same_text(store_col(res, r, SP_ASOF), t.as_of) &&
	    strcmp(PQgetvalue(res, r, SP_EVID), t.evidence) == 0 &&
	    strcmp(PQgetvalue(res, r, SP_LINK), t.link) == 0;
}

/* What one page needs written, worked out before anything is. */
struct page_plan {
	const struct store_finding **insert;
	size_t n_insert;
	const struct store_finding **refresh;
	const char **refresh_id;
	size_t n_refresh;
	const char **resolve_id;	/* flag IDs */
	size_t n_resolve;
	bool page_row, claims;
};

static void
plan_finish(struct page_plan *pl)
{
	free(pl->insert);
	free(pl->refresh);
	free(pl->refresh_id);
	free(pl->resolve_id);
}

/*
 * Merge the page's findings (sorted, one per key) with its stored open
 * flags (sorted by key): a finding alone is a new flag, a flag alone is
 * resolved, both with other text is a refresh.  0 / -1 (memory).
 */
static int
plan_flags(struct page_plan *pl, const PGresult *res,
    const struct store_finding *f, size_t n)
{
	int rows = PQntuples(res), r = 0;
	size_t i = 0;

	pl->insert = calloc(n + 1, sizeof(*pl->insert));
	pl->refresh = calloc(n + 1, sizeof(*pl->refresh));
	pl->refresh_id = calloc(n + 1, sizeof(*pl->refresh_id));
	pl->resolve_id = calloc((size_t)rows + 1, sizeof(*pl->resolve_id));
	if (!pl->insert || !pl->refresh || !pl->refresh_id || !pl->resolve_id)
		return -1;
	/* No open flag: one row of NULL flag columns (the LEFT JOIN). */
	if (rows > 0 && PQgetisnull(res, 0, SP_FLAG))
		rows = 0;
	while (i < n || r < rows) {
		int c;

		if (i == n)
			c = 1;
		else if (r == rows)
			c = -1;
		else
			c = key_cmp(f[i].claim->nct_id,
			    claims_kind_name(f[i].claim->kind),
			    f[i].verdict->rule, PQgetvalue(res, r, SP_NCT),
			    PQgetvalue(res, r, SP_KIND),
			    PQgetvalue(res, r, SP_RULE));
		if (c < 0) {
			pl->insert[pl->n_insert++] = &f[i++];
		} else if (c > 0) {
			pl->resolve_id[pl->n_resolve++] =
			    PQgetvalue(res, r++, SP_FLAG);
		} else {
			if (!flag_unchanged(res, r, &f[i])) {
				pl->refresh[pl->n_refresh] = &f[i];
				pl->refresh_id[pl->n_refresh++] =
				    PQgetvalue(res, r, SP_FLAG);
			}
			i++;
			r++;
		}
	}
	return 0;
}

int
store_page_flags(struct store *s, const struct store_page *pg,
    const char *const *sinks, size_t n_sinks, unsigned *raised,
    unsigned *resolved)
{
	struct store_finding *f = NULL;
	struct page_plan pl;
	struct claim_rows rows;
	struct claim_plan cp;
	const char *p[4];
	char page_id[24] = "", *sink_arr = NULL, *resolve_arr = NULL;
	PGresult *res = NULL, *ins = NULL, *old_claims = NULL;
	size_t i, n = 0;
	int rc = -1;

	*raised = *resolved = 0;
	memset(&pl, 0, sizeof(pl));
	memset(&rows, 0, sizeof(rows));
	memset(&cp, 0, sizeof(cp));
	if ((f = calloc(pg->n_findings + 1, sizeof(*f))) == NULL)
		goto oom;
	/* One finding per flag key: sort, keep the first of each run. */
	if (pg->n_findings > 0) {
		memcpy(f, pg->findings, pg->n_findings * sizeof(*f));
		qsort(f, pg->n_findings, sizeof(*f), cmp_finding);
	}
	for (i = 0; i < pg->n_findings; i++)
		if (n == 0 || finding_key_cmp(&f[n - 1], &f[i]) != 0)
			f[n++] = f[i];

	p[0] = pg->path;
	if ((res = store_q(s, "read page", PGRES_TUPLES_OK, STORED_PAGE_SQL, 1,
	    p)) == NULL)
		goto out;
	if (PQntuples(res) > 0) {
		snprintf(page_id, sizeof(page_id), "%s",
		    PQgetvalue(res, 0, SP_PAGE));
		pl.claims = !same_text(store_col(res, 0, SP_CLAIMS), pg->claims_hash);
		pl.page_row = pl.claims || !same_text(store_col(res, 0, SP_HASH),
		    pg->content_hash) || PQgetvalue(res, 0, SP_SKIPPED)[0] == 't';
	} else {
		pl.page_row = pl.claims = true;
	}
	if (plan_flags(&pl, res, f, n) < 0)
		goto oom;
	/* The steady state: the page, its claims and its flags as stored. */
	if (!pl.page_row && !pl.claims && pl.n_insert == 0 &&
	    pl.n_refresh == 0 && pl.n_resolve == 0) {
		rc = 0;
		goto out;
	}
	if ((sink_arr = store_array_literal(sinks, n_sinks)) == NULL ||
	    (resolve_arr = store_array_literal(pl.resolve_id, pl.n_resolve)) == NULL)
		goto oom;
	if (pl.claims) {
		if (claim_rows_init(&rows, pg->claims) < 0)
			goto oom;
		/* Read before the transaction: nothing else writes claims. */
		if (page_id[0] != '\0' && plan_claims(s, page_id, &rows,
		    &old_claims, &cp) < 0)
			goto out;
	}

	if (store_begin(s) < 0)
		goto fail;
	p[1] = pg->content_hash;
	p[2] = pg->claims_hash;
	if (page_id[0] == '\0') {
		ins = store_q(s, "store page", PGRES_TUPLES_OK,
		    "INSERT INTO pages (path, content_hash, claims_hash,"
		    "  last_scanned_at) VALUES ($1, $2, $3, now())"
		    " RETURNING page_id", 3, p);
		if (ins == NULL)
			goto fail;
		snprintf(page_id, sizeof(page_id), "%s", PQgetvalue(ins, 0, 0));
	}
	if (store_pipeline_begin(s) < 0)
		goto fail;
	if (pl.page_row && ins == NULL) {
		p[0] = page_id;
		if (store_exec(s, "store page",
		    "UPDATE pages SET content_hash = $2, claims_hash = $3,"
		    "  last_scanned_at = CASE WHEN content_hash IS DISTINCT"
		    "   FROM $2 OR claims_hash IS DISTINCT FROM $3 THEN now()"
		    "   ELSE last_scanned_at END,"
		    "  skipped_since = NULL, skip_reason = NULL"
		    " WHERE page_id = $1::bigint", 3, p) < 0)
			goto fail;
	}
	if (pl.claims && (ins != NULL ? insert_claims(s, page_id, &rows, NULL,
	    rows.n) : apply_claims(s, page_id, &rows, &cp)) < 0)
		goto fail;
	/* [alerts] min_severity = stale: recheck flags are not announced. */
	for (i = 0; i < pl.n_insert; i++)
		if (insert_flag(s, page_id, pl.insert[i], pg->quiet_recheck &&
		    pl.insert[i]->verdict->severity == SEV_RECHECK ? "{}" :
		    sink_arr) < 0)
			goto fail;
	for (i = 0; i < pl.n_refresh; i++)
		if (refresh_flag(s, pl.refresh_id[i], pl.refresh[i]) < 0)
			goto fail;
	if (pl.n_resolve > 0) {
		p[0] = resolve_arr;
		if (store_exec(s, "resolve flags",
		    "UPDATE flags SET resolved_at = now()"
		    " WHERE flag_id = ANY ($1::bigint[])"
		    "   AND resolved_at IS NULL",
		    1, p) < 0)
			goto fail;
	}
	if (store_commit(s) < 0)
		goto fail;
	*raised = (unsigned)pl.n_insert;
	*resolved = (unsigned)pl.n_resolve;
	rc = 0;
	goto out;
oom:
	store_set_err(s, "page %s: out of memory", pg->path);
	goto out;
fail:
	store_rollback(s);
out:
	plan_finish(&pl);
	claim_plan_finish(&cp);
	claim_rows_finish(&rows);
	PQclear(old_claims);
	PQclear(ins);
	PQclear(res);
	free(resolve_arr);
	free(sink_arr);
	free(f);
	return rc;
}

int
store_page_paths(struct store *s, char ***paths, size_t *n)
{
	/* The pages whose claims, flags or skip a gone page would leave. */
	return store_column_strings(s, "stored pages",
	    "SELECT p.path FROM pages p"
	    " WHERE p.claims_hash IS NOT NULL OR p.skipped_since IS NOT NULL"
	    "    OR EXISTS (SELECT 1 FROM flags f WHERE f.page_id = p.page_id"
	    "                AND f.resolved_at IS NULL)"
	    " ORDER BY p.path COLLATE \"C\"", paths, n);
}

int
store_unrooted_pages(struct store *s, char ***paths, size_t *n)
{
	return store_column_strings(s, "pages of an earlier version",
	    "SELECT path FROM pages WHERE NOT rooted"
	    " ORDER BY page_id", paths, n);
}

int
store_root_pages(struct store *s, char *const *old, char *const *names,
    size_t n, unsigned *resolved)
{
	char **dup = NULL;
	size_t n_dup = 0;
	int rc = -1;

	*resolved = 0;
	if ((dup = calloc(n + 1, sizeof(*dup))) == NULL) {
		store_set_err(s, "pages: out of memory");
		return -1;
	}
	if (store_begin(s) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *p[2] = {old[i], names[i]};
		PGresult *res;

		/* Renamed unless another row has that name already. */
		res = store_q(s, "name pages", PGRES_TUPLES_OK,
		    "UPDATE pages SET rooted = true, path = CASE WHEN"
		    "  EXISTS (SELECT 1 FROM pages q WHERE q.path = $2"
		    "          AND q.path <> $1) THEN path ELSE $2 END"
		    " WHERE path = $1 AND NOT rooted"
		    " RETURNING path = $2", 2, p);
		if (res == NULL)
			goto fail;
		if (PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 'f')
			dup[n_dup++] = old[i];
		PQclear(res);
	}
	if (store_commit(s) < 0)
		goto fail;
	rc = store_forget_pages(s, dup, n_dup, resolved);
	goto out;
fail:
	store_rollback(s);
out:
	free(dup);
	return rc;
}

int
store_forget_pages(struct store *s, char *const *paths, size_t n,
    unsigned *resolved)
{
	char *arr = NULL;
	const char *p[1];
	PGresult *res = NULL;
	int rc = -1;

	*resolved = 0;
	if (n == 0)
		return 0;
	if ((arr = store_id_array(paths, n)) == NULL) {
		store_set_err(s, "forget pages: out of memory");
		return -1;
	}
	p[0] = arr;
	if (store_begin(s) < 0)
		goto out;
	res = store_q(s, "forget pages", PGRES_TUPLES_OK,
	    "UPDATE flags SET resolved_at = now()"
	    " WHERE resolved_at IS NULL AND page_id IN"
	    "  (SELECT page_id FROM pages WHERE path = ANY ($1::text[]))"
	    " RETURNING flag_id", 1, p);
	if (res == NULL)
		goto fail;
	*resolved = (unsigned)PQntuples(res);
	if (store_exec(s, "forget claims",
	    "DELETE FROM claims WHERE page_id IN"
	    "  (SELECT page_id FROM pages WHERE path = ANY ($1::text[]))",
	    1, p) < 0)
		goto fail;
	/* A page that comes back with the same text stores its claims again. */
	if (store_exec(s, "forget pages",
	    "UPDATE pages SET content_hash = NULL, claims_hash = NULL,"
	    " skipped_since = NULL, skip_reason = NULL"
	    " WHERE path = ANY ($1::text[])", 1, p) < 0)
		goto fail;
	if (store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
	*resolved = 0;
out:
	PQclear(res);
	free(arr);
	return rc;
}

int
store_pages_skipped(struct store *s, char *const *paths, char *const *why,
    size_t n, char (*since)[32], bool *lasting)
{
	char *a[2] = {NULL, NULL};
	const char *p[2];
	PGresult *res = NULL;
	size_t *order = NULL;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		since[i][0] = '\0';
		lasting[i] = false;
	}
	if (n == 0)
		return 0;
	if ((a[0] = store_id_array(paths, n)) == NULL ||
	    (a[1] = store_id_array(why, n)) == NULL ||
	    (order = store_sorted_order(paths, n)) == NULL) {
		store_set_err(s, "skipped pages: out of memory");
		goto out;
	}
	p[0] = a[0];
	p[1] = a[1];
	/*
	 * Written when a skip begins (or its reason changes), not while it
	 * lasts.  The outer SELECT sees the rows as they were before the
	 * UPDATE: a skip begun now takes the UPDATE's time.
	 */
	res = store_q(s, "skipped pages", PGRES_TUPLES_OK,
	    "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[])"
	    "           AS u(path, why)),"
	    " upd AS (UPDATE pages p SET skip_reason = u.why,"
	    "           skipped_since = coalesce(p.skipped_since, now())"
	    "          FROM u WHERE p.path = u.path"
	    "           AND (p.skipped_since IS NULL"
	    "                OR p.skip_reason IS DISTINCT FROM u.why)"
	    "        RETURNING p.page_id, p.skipped_since)"
	    " SELECT p.path, to_char(coalesce(upd.skipped_since,"
	    "        p.skipped_since) AT TIME ZONE 'UTC',"
	    "        'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), upd.page_id IS NULL"
	    "   FROM u JOIN pages p ON p.path = u.path"
	    "   LEFT JOIN upd ON upd.page_id = p.page_id", 2, p);
	if (res == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		long k = store_find_id(paths, order, n, PQgetvalue(res, r, 0));

		if (k >= 0) {
			snprintf(since[k], sizeof(since[k]), "%s",
			    PQgetvalue(res, r, 1));
			lasting[k] = PQgetvalue(res, r, 2)[0] == 't';
		}
	}
	rc = 0;
out:
	PQclear(res);
	free(order);
	free(a[0]);
	free(a[1]);
	return rc;
}

#define FLAG_COLUMNS \
	"f.flag_id, p.path, f.line, f.nct_id, f.claim_kind, f.claim_text," \
	" f.as_of, f.rule, f.severity, f.evidence, f.link," \
	" to_char(f.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" to_char(f.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" to_char(f.acked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" f.acked_by, f.ack_reason"

static int
each_flag_row(PGresult *res, bool with_alert, store_flag_fn fn, void *arg)
{
	int rc = 0;

	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_flag f;

		memset(&f, 0, sizeof(f));
		f.flag_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		f.page = PQgetvalue(res, r, 1);
		f.line = atoi(PQgetvalue(res, r, 2));
		snprintf(f.nct_id, sizeof(f.nct_id), "%s", PQgetvalue(res, r, 3));
		f.claim_kind = PQgetvalue(res, r, 4);
		f.claim_text = PQgetvalue(res, r, 5);
		f.as_of = (char *)store_col(res, r, 6);
		f.rule = PQgetvalue(res, r, 7);
		f.severity = PQgetvalue(res, r, 8);
		f.evidence = PQgetvalue(res, r, 9);
		f.link = PQgetvalue(res, r, 10);
		f.raised_at = PQgetvalue(res, r, 11);
		f.resolved_at = (char *)store_col(res, r, 12);
		f.acked_at = (char *)store_col(res, r, 13);
		f.acked_by = (char *)store_col(res, r, 14);
		f.ack_reason = (char *)store_col(res, r, 15);
		if (with_alert)
			f.alert_id = strtoll(PQgetvalue(res, r, 16), NULL, 10);
		rc = fn(arg, &f);
	}
	return rc;
}

int
store_each_flag(struct store *s, bool all, store_flag_fn fn, void *arg)
{
	const char *p[1] = {all ? "t" : "f"};
	PGresult *res;
	int rc;

	res = store_q(s, "list flags", PGRES_TUPLES_OK,
	    "SELECT " FLAG_COLUMNS
	    "  FROM flags f JOIN pages p USING (page_id)"
	    " WHERE $1::boolean OR (f.resolved_at IS NULL AND f.acked_at IS NULL)"
	    " ORDER BY f.flag_id", 1, p);
	if (res == NULL)
		return -1;
	rc = each_flag_row(res, false, fn, arg);
	PQclear(res);
	return rc;
}

int
store_each_open_flag(struct store *s, store_flag_fn fn, void *arg)
{
	PGresult *res;
	int rc;

	res = store_q(s, "open flags", PGRES_TUPLES_OK,
	    "SELECT " FLAG_COLUMNS
	    "  FROM flags f JOIN pages p USING (page_id)"
	    " WHERE f.resolved_at IS NULL ORDER BY f.flag_id", 0, NULL);
	if (res == NULL)
		return -1;
	rc = each_flag_row(res, false, fn, arg);
	PQclear(res);
	return rc;
}

int
store_has_records(struct store *s, bool *yes)
{
	PGresult *res;

	res = store_q(s, "registry records", PGRES_TUPLES_OK,
	    "SELECT EXISTS (SELECT 1 FROM study_versions)", 0, NULL);
	if (res == NULL)
		return -1;
	*yes = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return 0;
}

int
store_ack(struct store *s, const long long *ids, size_t n, const char *by,
    const char *reason, long long *missing)
{
	char *arr = NULL;
	const char *p[3];
	PGresult *res = NULL;
	int rc = -1;

	*missing = 0;
	if ((arr = store_bigint_array(ids, n)) == NULL)
		goto oom;
	p[0] = arr;
	p[1] = by;
	p[2] = reason;
	/*
	 * All or none: an ID that is no flag (a typo) acknowledges nothing.
	 * Acked again, a flag keeps its first time; a reason given now
	 * replaces the old one.
	 */
	res = store_q(s, "ack flags", PGRES_TUPLES_OK,
	    "WITH want AS (SELECT DISTINCT unnest($1::bigint[]) AS flag_id),"
	    " missing AS (SELECT w.flag_id FROM want w WHERE NOT EXISTS"
	    "  (SELECT 1 FROM flags f WHERE f.flag_id = w.flag_id)),"
	    " upd AS (UPDATE flags f SET acked_at = coalesce(f.acked_at, now()),"
	    "   acked_by = $2, ack_reason = coalesce($3, f.ack_reason)"
	    "  FROM want w WHERE f.flag_id = w.flag_id"
	    "   AND NOT EXISTS (SELECT 1 FROM missing) RETURNING f.flag_id)"
	    " SELECT (SELECT min(flag_id) FROM missing),"
	    "        (SELECT count(*) FROM upd)", 3, p);
	if (res == NULL)
		goto out;
	if (!PQgetisnull(res, 0, 0)) {
		*missing = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		store_set_err(s, "no flag %lld", *missing);
		rc = 1;
		goto out;
	}
	rc = 0;
	goto out;
oom:
	store_set_err(s, "ack: out of memory");
out:
	PQclear(res);
	free(arr);
	return rc;
}

int
store_each_pending_alert(struct store *s, const char *sink, store_flag_fn fn,
    void *arg)
{
	const char *p[1] = {sink};
	PGresult *res;
	int rc;

	res = store_q(s, "pending alerts", PGRES_TUPLES_OK,
	    "SELECT " FLAG_COLUMNS ", a.alert_id"
	    "  FROM alert_outbox a JOIN flags f USING (flag_id)"
	    "  JOIN pages p USING (page_id)"
	    " WHERE a.sink = $1 AND a.delivered_at IS NULL"
	    " ORDER BY a.alert_id", 1, p);
	if (res == NULL)
		return -1;
	rc = each_flag_row(res, true, fn, arg);
	PQclear(res);
	return rc;
}

int
store_outbox_done(struct store *s, const char *what, const char *sql,
    const long long *alert_ids, size_t n, bool ok, const char *error)
{
	char *arr;
	const char *p[3];
	int rc;

	if ((arr = store_bigint_array(alert_ids, n)) == NULL) {
		store_set_err(s, "%s: out of memory", what);
		return -1;
	}
	p[0] = arr;
	p[1] = ok ? "t" : "f";
	p[2] = error;
	rc = store_exec(s, what, sql, 3, p);
	free(arr);
	return rc;
}

int
store_alerts_done(struct store *s, const long long *alert_ids, size_t n,
    bool ok, const char *error)
{
	return store_outbox_done(s, "alerts delivered", OUTBOX_DONE("alert_outbox"),
	    alert_ids, n, ok, error);
}

int
store_notify_flag(struct store *s, long long flag_id)
{
	char id[24];
	const char *p[1] = {id};
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", flag_id);
	res = store_q(s, "notify", PGRES_TUPLES_OK,
	    "SELECT pg_notify('ctmirror_flags', $1)", 1, p);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

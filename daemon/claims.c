/*
 * claims.c - PURE: what a knowledge-base page claims about trials.  One pass
 * cuts the page into paragraphs, blocks, sentences and clauses, finds trial
 * mentions, claim phrases and dates, and gives each phrase to its trials,
 * looking words up in an index built once for all the pages of a scan.
 * The pieces it reads with: claims_page.c (lines), claims_index.c (the
 * phrase lexicon), claims_acronym.c (trial names), claims_date.c (dates),
 * claims_context.c (the words around a phrase).
 */
#include "claims.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "claims_acronym.h"
#include "claims_context.h"
#include "claims_date.h"
#include "claims_index.h"
#include "claims_page.h"

#define MAX_TRIALS	32	/* trials one clause can give a phrase */
#define STATUS_NEAR	200	/* bytes between a status word and its trial */
#define STATUS_LEAD	5	/* an unattached status word opens its clause */
#define PIECE_MAX	2048	/* bytes of one block a mention keeps */
#define CONTEXT_MAX	16384	/* bytes of context a mention keeps in all */

/* A trial named in the clause being scanned. */
struct ment {
	size_t s, e;
	char id[NCT_ID_SIZE];
};

/* A trial named in the block being scanned (for the mentions). */
struct bment {
	size_t pos;		/* its first naming in the block */
	int line;
	char id[NCT_ID_SIZE];
};

/* A claim phrase found in the clause being scanned. */
struct hit {
	size_t s, e;
	int line;
	unsigned words;		/* words of the clause before it */
	const struct phrase *ph;
};

/* A claim waiting for its excerpt and as-of date. */
struct pend {
	size_t claim;
	size_t pos;
};

struct pends {
	struct pend *v;
	size_t n, cap;
};

/* A set of trials, in the order first added. */
struct ids {
	char v[MAX_TRIALS][NCT_ID_SIZE];
	size_t n;
};

enum block {
	BLK_NONE,
	BLK_PROSE,
	BLK_LIST,
	BLK_TABLE,
	BLK_HEADING,
};

/*
 * One page's scan, by the span each part lives for: the page, then the
 * paragraph, the block (a heading, list item, table row or prose
 * paragraph: scanned when it ends), the sentence and the clause.  What
 * ends with a span is reset when it does.
 */
struct scan {
	struct page pg;			/* text, layout, the page's own date */
	const struct claims_index *ix;	/* borrowed */
	struct page_names names;	/* acronyms the page ties to an ID */
	struct claim_list *out;		/* the claims go here */

	/* Nothing is found inside the last name or date. */
	struct {
		size_t ment_end, date_end;
	} at;

	struct {
		char last[NCT_ID_SIZE];	/* the trial named last, "" if none */
		bool only_heading;	/* only a heading since the break */
		char table[NCT_ID_SIZE]; /* what each table row starts with */
	} para;

	struct {
		enum block kind;
		size_t s, e;
		int line;
		struct dates marked, bare;	/* its sentences', for items */
		struct pends pend;	/* claims undated at sentence end */
		bool was;		/* after "Was:", before "Now:" */
		const struct reader_block *rb;	/* as the reader made it */
		size_t cell;		/* a row's next cell to end */
	} blk;

	struct {
		size_t s;
		struct dates marked, bare;	/* as-of; full bare dates */
		struct pends pend;	/* its claims, for excerpt and date */
		struct ids prev;	/* trials of its last naming clause */
		size_t c0;		/* its first claim in out */
	} sent;

	struct {
		size_t max;		/* end of its last phrase kept */
		bool neg;		/* "neither", "nor": its status is denied */
		bool sub;		/* in an "if", "whether", "when" part */
		unsigned words;
		struct ment *ment;	/* the trials it names */
		size_t n_ment, cap_ment;
		struct hit *hits;	/* its claim phrases */
		size_t n_hits, cap_hits;
	} cl;

	/* The mentions (mt.out NULL when only claims are wanted). */
	struct {
		struct mention_list *out;
		size_t m0;		/* this page's first entry in out */
		struct bment *v;	/* trials the block names */
		size_t n, cap;
		size_t head_s, head_e;	/* the last heading block */
		struct ids head_ids;	/* ... and the trials it names */
	} mt;
};

/* --------------------------------------------------------------- claims */

static void claim_free(struct claim *c);

/* The words that made a claim, cleaned; new. */
static char *
phrase_text(const unsigned char *t, size_t s, size_t e)
{
	char *buf;

	if ((buf = malloc(3 * (e - s) + 1)) == NULL)
		return NULL;
	text_clean(t + s, e - s, buf, SIZE_MAX, NULL, SIZE_MAX);
	return buf;
}

/* --------------------------------------------------------- association */

static void
ids_add(struct ids *s, const char *id)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (memcmp(s->v[k], id, NCT_ID_SIZE) == 0)
			return;
	if (s->n < MAX_TRIALS)
		memcpy(s->v[s->n++], id, NCT_ID_SIZE);
}

/*
 * The trials a phrase is about, of those its clause names: the ones it
 * spans ("results, like those of CALYX, are awaited") and the subject
 * right before it (the last name, with the names joined to it: "X and Y
 * are recruiting"); with none before it, those after it ("Recruiting:
 * X").  A status word goes only to names within STATUS_NEAR bytes.
 */
static void
subject_ids(const struct scan *x, const struct hit *h, struct ids *out)
{
	const unsigned char *t = x->pg.t;
	const struct ment *m = x->cl.ment;
	static const char *const both_words[] = {"both", "all", NULL};
	size_t n = x->cl.n_ment, k, last = SIZE_MAX;
	bool status = h->ph->fam == FAM_STATUS, both;

	for (k = 0; k < n; k++) {
		if (m[k].s >= h->s && m[k].e <= h->e)
			ids_add(out, m[k].id);
		else if (m[k].e <= h->s)
			last = k;
	}
	if (last != SIZE_MAX && (!status || h->s - m[last].e <= STATUS_NEAR)) {
		/* "X (...) and the pilot Y (...) are both recruiting" */
		both = claims_has_word(t, m[last].e, h->s, both_words);
		for (k = last; k > 0 && (both || claims_joined(t, m[k - 1].e,
		    m[k].s)); k--)
			;
		for (; k <= last; k++)		/* in page order */
			ids_add(out, m[k].id);
		return;
	}
	if (last != SIZE_MAX || out->n > 0)
		return;
	for (k = 0; k < n; k++) {
		if (m[k].s < h->e)
			continue;
		if (status && m[k].s - h->e > STATUS_NEAR)
			break;
		ids_add(out, m[k].id);
		if (k + 1 < n && !claims_joined(t, m[k].e, m[k + 1].s))
			break;
	}
}

static int
pends_push(struct pends *p, size_t claim, size_t pos)
{
	struct pend *v;

	if ((v = text_grow(p->v, &p->cap, p->n, sizeof(*v))) == NULL)
		return -1;
	p->v = v;
	p->v[p->n].claim = claim;
	p->v[p->n].pos = pos;
	p->n++;
	return 0;
}

/* One claim per trial for a phrase; excerpt and date come at sentence end. */
static int
emit(struct scan *x, const struct hit *h, enum claim_kind kind,
    const struct ids *ids)
{
	struct claim_list *out = x->out;
	struct claim *v, *c;
	char *phrase = NULL;
	size_t k;

	for (k = 0; k < ids->n; k++) {
		if ((v = text_grow(out->v, &out->cap, out->n, sizeof(*v))) ==
		    NULL)
			goto fail;
		out->v = v;
		phrase = k == 0 ? phrase_text(x->pg.t, h->s, h->e) :
		    strdup(out->v[out->n - 1].phrase);
		if (phrase == NULL)
			goto fail;
		c = &out->v[out->n];
		memset(c, 0, sizeof(*c));
		memcpy(c->nct_id, ids->v[k], NCT_ID_SIZE);
		c->kind = kind;
		c->statuses = kind == CLAIM_STATUS ? h->ph->bits : 0;
		c->line = h->line;
		c->phrase = phrase;	/* the claim owns it now */
		phrase = NULL;
		out->n++;
		if (pends_push(&x->sent.pend, out->n - 1, h->s) < 0)
			goto fail;
	}
	return 0;
fail:
	free(phrase);
	return -1;
}

/*
 * A clause ends: its phrases go to the trials it names (status words only
 * to those named near them); a clause naming none borrows the trials of
 * the sentence's last naming clause, else the paragraph's last trial.
 */
static int
end_clause(struct scan *x)
{
	struct ids here, near, one;
	const struct ids *use;
	enum claim_kind kind;
	unsigned done = 0;
	size_t k;
	int rc = -1;

	here.n = 0;
	for (k = 0; k < x->cl.n_ment; k++)
		ids_add(&here, x->cl.ment[k].id);
	for (k = 0; k < x->cl.n_hits; k++)
		if (x->cl.hits[k].ph->fam == FAM_DONE)
			done |= x->cl.hits[k].ph->bits;
	for (k = 0; k < x->cl.n_hits; k++) {
		const struct hit *h = &x->cl.hits[k];

		if (h->ph->fam == FAM_RESULTS)
			kind = CLAIM_RESULTS_PENDING;
		else if (h->ph->fam == FAM_PUBLICATION)
			kind = CLAIM_PUBLICATION_PENDING;
		else if (h->ph->fam == FAM_STATUS)
			kind = CLAIM_STATUS;
		else
			continue;
		if (kind != CLAIM_STATUS && (done & (1u << kind)))
			continue;
		if (here.n > 0) {
			near.n = 0;
			subject_ids(x, h, &near);
			use = &near;
		} else if (kind == CLAIM_STATUS && h->words >= STATUS_LEAD) {
			continue;
		} else if (x->sent.prev.n > 0) {
			use = &x->sent.prev;
		} else if (x->para.last[0]) {
			memcpy(one.v[0], x->para.last, NCT_ID_SIZE);
			one.n = 1;
			use = &one;
		} else {
			continue;
		}
		if (emit(x, h, kind, use) < 0)
			goto out;
	}
	if (here.n > 0)
		x->sent.prev = here;
	rc = 0;
out:
	x->cl.n_ment = x->cl.n_hits = 0;
	x->cl.max = 0;
	x->cl.words = 0;
	x->cl.neg = x->cl.sub = false;
	return rc;
}

/* A sentence [sent_s, end) ends: excerpts, then dates from the sentence. */
static int
end_sentence(struct scan *x, size_t end, size_t next)
{
	struct claim *c;
	const char *d;
	size_t k, pos = SIZE_MAX;
	bool item = x->blk.kind == BLK_LIST || x->blk.kind == BLK_TABLE;

	if (end_clause(x) < 0)
		return -1;
	/* A question claims nothing: the answer below it may. */
	if (end > x->sent.s && x->pg.t[end - 1] == '?') {
		for (k = x->sent.c0; k < x->out->n; k++)
			claim_free(&x->out->v[k]);
		x->out->n = x->sent.c0;
		x->sent.pend.n = 0;
	}
	for (k = 0; k < x->sent.pend.n; k++) {
		const struct pend *p = &x->sent.pend.v[k];

		c = &x->out->v[p->claim];
		c->excerpt = p->pos == pos ?
		    strdup(x->out->v[p->claim - 1].excerpt) :
		    text_excerpt(x->pg.t, x->sent.s, end, p->pos);
		if (c->excerpt == NULL)
			return -1;
		pos = p->pos;
		if ((d = claims_dates_nearest(&x->sent.marked, p->pos)) == NULL)
			d = claims_dates_nearest(&x->sent.bare, p->pos);
		if (d == NULL && item) {
			if (pends_push(&x->blk.pend, p->claim, p->pos) < 0)
				return -1;
			continue;
		}
		memcpy(c->as_of, d ? d : x->pg.date, DATE_SIZE);
	}
	if (item && (claims_dates_append(&x->blk.marked, &x->sent.marked) < 0 ||
	    claims_dates_append(&x->blk.bare, &x->sent.bare) < 0))
		return -1;
	x->sent.pend.n = x->sent.marked.n = x->sent.bare.n = 0;
	x->sent.prev.n = 0;
	x->sent.s = next;
	x->sent.c0 = x->out->n;
	return 0;
}

/* A list item or table row ends: claims still undated take its dates. */
static void
end_item(struct scan *x)
{
	const char *d;
	size_t k;

	for (k = 0; k < x->blk.pend.n; k++) {
		const struct pend *p = &x->blk.pend.v[k];

		if ((d = claims_dates_nearest(&x->blk.marked, p->pos)) == NULL)
			d = claims_dates_nearest(&x->blk.bare, p->pos);
		memcpy(x->out->v[p->claim].as_of, d ? d : x->pg.date,
		    DATE_SIZE);
	}
	x->blk.pend.n = x->blk.marked.n = x->blk.bare.n = 0;
}

/* ------------------------------------------------------------ the scan */

/* Is the '.', '!' or '?' at i the end of a sentence? */
static bool
is_term(const struct scan *x, size_t lo, size_t i, size_t hi)
{
	const unsigned char *t = x->pg.t;
	char w[8];
	size_t s, n;

	if (i + 1 < hi && !text_is_space(t[i + 1]) && !strchr(")]\"'*_`",
	    t[i + 1]))
		return false;
	if (t[i] != '.')
		return true;
	s = claims_word_before(t, lo, i, w, sizeof(w));
	if (s > lo && (text_is_digit(t[s - 1]) || t[s - 1] == '-'))
		return true;
	if ((n = strlen(w)) == 1)
		return false;		/* an initial: "J. Smith", "e.g." */
	return !claims_abbrev(x->ix, w, n);
}

static int
hit_push(struct scan *x, const struct hit *h)
{
	struct hit *v;

	if ((v = text_grow(x->cl.hits, &x->cl.cap_hits, x->cl.n_hits,
	    sizeof(*v))) == NULL)
		return -1;
	x->cl.hits = v;
	x->cl.hits[x->cl.n_hits++] = *h;
	return 0;
}

/* The block names trial `id` at s (mentions): the first naming counts. */
static int
bment_push(struct scan *x, size_t s, const char *id)
{
	struct bment *v;
	size_t k;

	for (k = 0; k < x->mt.n; k++)
		if (memcmp(x->mt.v[k].id, id, NCT_ID_SIZE) == 0)
			return 0;
	if ((v = text_grow(x->mt.v, &x->mt.cap, x->mt.n, sizeof(*v))) == NULL)
		return -1;
	x->mt.v = v;
	v = &x->mt.v[x->mt.n++];
	v->pos = s;
	v->line = reader_line(&x->pg.doc, s);
	memcpy(v->id, id, NCT_ID_SIZE);
	return 0;
}

static int
mention_push(struct scan *x, size_t s, size_t e, const char *id)
{
	struct ment *v;

	if ((v = text_grow(x->cl.ment, &x->cl.cap_ment, x->cl.n_ment,
	    sizeof(*v))) == NULL)
		return -1;
	x->cl.ment = v;
	v = &x->cl.ment[x->cl.n_ment++];
	v->s = s;
	v->e = e;
	memcpy(v->id, id, NCT_ID_SIZE);
	memcpy(x->para.last, id, NCT_ID_SIZE);
	x->at.ment_end = e;
	return x->mt.out ? bment_push(x, s, id) : 0;
}

/* ------------------------------------------------------------- tables */

/* Header words of a column that says whether results or a paper are out. */
static const char *const results_heads[] = {
	"results", "result", "data", "readout", NULL,
};
static const char *const paper_heads[] = {
	"publication", "publications", "paper", "papers", "published",
	"journal", "manuscript", NULL,
};
/* Cell values that say "not yet" in such a column. */
static const char *const pending_values[] = {
	"no", "not yet", "not posted", "not published", "pending", "none",
	"awaited", "awaiting", "expected", "due", "in preparation",
	"under review", "submitted", "in press", "coming soon", "tbc", "tbd",
	NULL,
};

static const struct phrase column_results = {
	"(results column)", FAM_RESULTS, 0, false,
};
static const struct phrase column_paper = {
	"(publication column)", FAM_PUBLICATION, 0, false,
};

/*
 * The column of a row's cell: the phrase a "No", "Pending" or "Under
 * review" in it stands for (its header names results or a paper), or NULL.
 */
static const struct phrase *
column_phrase(const struct scan *x, const struct reader_cell *c)
{
	const struct reader_doc *d = &x->pg.doc;
	const struct reader_block *h;
	size_t k;

	if (x->blk.rb->head == SIZE_MAX)
		return NULL;
	h = &d->v[x->blk.rb->head];
	for (k = h->cell0; k < h->cell0 + h->ncell; k++) {
		if (d->cells[k].col != c->col)
			continue;
		if (claims_has_word(x->pg.t, d->cells[k].s, d->cells[k].e,
		    paper_heads))
			return &column_paper;
		if (claims_has_word(x->pg.t, d->cells[k].s, d->cells[k].e,
		    results_heads))
			return &column_results;
		return NULL;
	}
	return NULL;
}

/*
 * A cell ends at i: if it is "No", "Not yet", "Pending"... under a
 * results or publication header, that is a pending claim (unless a phrase
 * of the cell made one already).
 */
static int
end_cell(struct scan *x, size_t i)
{
	const struct reader_doc *d = &x->pg.doc;
	const struct reader_block *b = x->blk.rb;
	const struct reader_cell *c = NULL;
	const struct phrase *ph;
	const unsigned char *t = x->pg.t;
	size_t k, s, e;

	while (x->blk.cell < b->ncell &&
	    d->cells[b->cell0 + x->blk.cell].e <= i)
		c = &d->cells[b->cell0 + x->blk.cell++];
	/* A cell whose text ran over a sentence end is no one value. */
	if (c == NULL || c->s < x->sent.s || (ph = column_phrase(x, c)) ==
	    NULL)
		return 0;
	for (k = 0; k < x->cl.n_hits; k++)
		if (x->cl.hits[k].ph->fam == ph->fam ||
		    x->cl.hits[k].ph->fam == FAM_DONE)
			return 0;
	for (s = c->s; s < c->e && !text_is_alnum(t[s]); s++)
		;
	for (k = 0; pending_values[k]; k++) {
		e = s + strlen(pending_values[k]);
		if (e <= c->e && claims_word_is(t, s, c->e,
		    pending_values[k])) {
			struct hit h = {s, e, reader_line(d, s), 0, ph};

			return hit_push(x, &h);
		}
	}
	return 0;
}

/* A word that changes how the clause reads ("whereas", "if", "neither"). */
static int
context_word(struct scan *x, size_t i, size_t we, size_t hi)
{
	switch (claims_context_word(x->pg.t, i, we, hi)) {
	case CTX_CLAUSE:
		return end_clause(x);
	case CTX_SUB:
		x->cl.sub = true;
		break;
	case CTX_NEG:
		x->cl.neg = true;
		break;
	case CTX_WAS:
		x->blk.was = true;
		break;
	case CTX_NOW:
		x->blk.was = false;
		break;
	case CTX_NONE:
		break;
	}
	return 0;
}

/* A phrase at t[s..e) that its context says is no claim. */
static bool
out_of_context(const struct scan *x, size_t lo, size_t s, size_t e,
    size_t hi, const struct phrase *ph)
{
	struct clause_view cv = {
		.sent_s = x->sent.s, .sub = x->cl.sub, .was = x->blk.was,
		.neg = x->cl.neg, .named = x->cl.n_ment > 0,
		.last_e = x->cl.n_ment > 0 ? x->cl.ment[x->cl.n_ment - 1].e : 0,
	};

	return claims_out_of_context(&cv, x->pg.t, lo, s, e, hi, ph);
}

/*
 * Everything that can start at word start i: a trial, a phrase, a date.
 * The word's characters end at we.
 */
static int
at_word(struct scan *x, size_t lo, size_t i, size_t we, size_t hi)
{
	const unsigned char *t = x->pg.t;
	const struct name *nm;
	const struct phrase *ph;
	char id[NCT_ID_SIZE];
	size_t e, best_e;
	bool iso;

	if (i >= x->at.ment_end) {
		if (text_lower(t[i]) == 'n' && text_nct_at(t, lo, hi, i, id)) {
			if (mention_push(x, i, i + 11, id) < 0)
				return -1;
		} else if (claims_acronym_maybe(x->ix, &x->names, i, hi) &&
		    (nm = claims_acronym_at(x->ix, &x->names, i, hi)) != NULL) {
			if (mention_push(x, i, i + nm->len, nm->id) < 0)
				return -1;
		}
	}

	if (context_word(x, i, we, hi) < 0)
		return -1;
	if (claims_phrase_maybe(x->ix, t, i, we) &&
	    (ph = claims_phrase_at(x->ix, t, i, we, hi, &best_e)) != NULL) {
		struct hit h = {i, best_e, 0, x->cl.words, ph};
		bool keep;

		if (ph->fam == FAM_NOT || ph->fam == FAM_DONE)
			keep = i >= x->cl.max;
		else
			keep = best_e > x->cl.max;
		if (keep && ph->verb)
			keep = claims_status_word_ok(t, lo, i, best_e, hi);
		if (keep && out_of_context(x, lo, i, best_e, hi, ph)) {
			/* Its words are no other phrase's either. */
			x->cl.max = best_e;
			keep = false;
		}
		if (keep) {
			h.line = reader_line(&x->pg.doc, i);
			if (hit_push(x, &h) < 0)
				return -1;
			x->cl.max = best_e;
		}
	}

	/* Every date starts with a digit, a quarter or a month's name. */
	if (i >= x->at.date_end && (text_is_digit(t[i]) ||
	    (text_is_upper(t[i]) && (t[i] == 'Q' || wf_has(&x->ix->month_f,
	    t[i], we - i > 1 ? t[i + 1] : 0, 0))))) {
		struct date_hit d;
		enum text_date p = claims_date_at(t, i, hi, d.d, &e, &iso);
		int mark;

		if (p != TEXT_DATE_NONE) {
			x->at.date_end = e;
			/*
			 * Unmarked, only a full date counts: "completed in
			 * March 2019" dates an event, not the page's look.
			 */
			mark = claims_date_mark(t, lo, i);
			if (mark > 0 &&
			    claims_dates_push(&x->sent.marked, i, d.d) < 0)
				return -1;
			if (mark == 0 && (p == TEXT_DATE_DAY || iso) &&
			    claims_dates_push(&x->sent.bare, i, d.d) < 0)
				return -1;
		}
	}
	x->cl.words++;
	return 0;
}

/*
 * Does the line at t[i..hi) open with a one-word label ("Notes:",
 * "Status:")?  Then it starts a sentence, wrapped into the line above or
 * not (Markdown runs an unindented line into a list item above it).
 */
static bool
label_line(const unsigned char *t, size_t i, size_t hi)
{
	size_t j = i;

	while (j < hi && text_is_hspace(t[j]))
		j++;
	if (j >= hi || !text_is_upper(t[j]))
		return false;
	while (j < hi && text_is_alpha(t[j]))
		j++;
	return j < hi && t[j] == ':';
}

/* Scan the pending block [bs, be): sentences, clauses, table cells. */
static int
scan_block(struct scan *x)
{
	const unsigned char *t = x->pg.t;
	size_t i, we, lo = x->blk.s, hi = x->blk.e;
	bool table = x->blk.kind == BLK_TABLE;

	x->sent.s = lo;
	x->sent.c0 = x->out->n;
	x->blk.was = false;
	x->cl.neg = x->cl.sub = false;
	x->cl.n_ment = x->cl.n_hits = 0;
	x->cl.max = 0;
	x->cl.words = 0;
	x->sent.prev.n = 0;
	for (i = lo; i < hi; i++) {
		unsigned char c = t[i];

		if (text_is_alnum(c)) {
			/*
			 * Nothing starts or ends inside a word: go past
			 * its characters at once.
			 */
			for (we = i + 1; we < hi && text_is_wordch(t[we]); we++)
				;
			if (claims_word_start(t, lo, i) && at_word(x, lo, i, we,
			    hi) < 0)
				return -1;
			i = we - 1;
		} else if (c == '\n' && label_line(t, i + 1, hi)) {
			/* "- results expected 2027\nNotes: LIMIT and ..." */
			if (end_sentence(x, i, i + 1) < 0)
				return -1;
		} else if (table && c == '|' && (i == lo || t[i - 1] != '\\')) {
			if (end_cell(x, i) < 0 || end_sentence(x, i, i + 1) < 0)
				return -1;
		} else if (c == ';') {
			if (end_clause(x) < 0)
				return -1;
		} else if (c == ',' || c == ':' || c == ')') {
			x->cl.sub = false;	/* "if X is recruiting, ..." */
		} else if ((c == '.' || c == '!' || c == '?') &&
		    is_term(x, lo, i, hi)) {
			if (end_sentence(x, i + 1, i + 1) < 0)
				return -1;
		}
	}
	if ((table && end_cell(x, hi) < 0) || end_sentence(x, hi, hi) < 0)
		return -1;
	end_item(x);
	return 0;
}

/* --------------------------------------------------------- mentions */

static bool
ids_has(const struct ids *s, const char *id)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (memcmp(s->v[k], id, NCT_ID_SIZE) == 0)
			return true;
	return false;
}

static bool
bm_has(const struct scan *x, const char *id)
{
	size_t k;

	for (k = 0; k < x->mt.n; k++)
		if (memcmp(x->mt.v[k].id, id, NCT_ID_SIZE) == 0)
			return true;
	return false;
}

/* This page's entry for trial `id`, added if new; NULL on ENOMEM. */
static struct mention *
mention_entry(struct scan *x, const char *id, int line)
{
	struct mention_list *l = x->mt.out;
	struct mention *v;
	char *ctx;
	size_t k;

	for (k = x->mt.m0; k < l->n; k++)
		if (memcmp(l->v[k].nct_id, id, NCT_ID_SIZE) == 0)
			return &l->v[k];
	if ((v = text_grow(l->v, &l->cap, l->n, sizeof(*v))) == NULL)
		return NULL;
	l->v = v;
	if ((ctx = strdup("")) == NULL)
		return NULL;
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	memcpy(v->nct_id, id, NCT_ID_SIZE);
	v->line = line;
	v->context = ctx;
	return v;
}

/*
 * Add the block [s, e) to a mention's context, cleaned onto one line; of a
 * long block only PIECE_MAX bytes around `at` (where the trial is named),
 * so one wall of text cannot drown what is said next to the ID.
 */
static int
add_piece(struct mention *m, const unsigned char *t, size_t s, size_t e,
    size_t at)
{
	size_t ws = s, we = e, n;
	char *buf, *nc;

	if (m->context_len >= CONTEXT_MAX)
		return 0;
	if (e - s > PIECE_MAX) {
		ws = at - s > PIECE_MAX / 2 ? at - PIECE_MAX / 2 : s;
		if (e - ws < PIECE_MAX)
			ws = e - PIECE_MAX;
		we = ws + PIECE_MAX;
		while (ws < e && (t[ws] & 0xc0) == 0x80)
			ws++;
		while (we > ws && we < e && (t[we] & 0xc0) == 0x80)
			we--;
	}
	if ((buf = malloc(3 * (we - ws) + 1)) == NULL)
		return -1;
	n = text_clean(t + ws, we - ws, buf, SIZE_MAX, NULL, SIZE_MAX);
	if (n > 0 && (nc = realloc(m->context, m->context_len + n + 2))) {
		m->context = nc;
		if (m->context_len > 0)
			m->context[m->context_len++] = '\n';
		memcpy(m->context + m->context_len, buf, n + 1);
		m->context_len += n;
	} else if (n > 0) {
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

/*
 * The block just scanned goes to the context of every trial it names,
 * with the heading right above it; a heading's trials also get the first
 * block below it, which is where a "HERA Phase 2b (NCT...)" heading's
 * trial is described (the same carry-over claims get in para_break).
 */
static int
block_mentions(struct scan *x, bool after_heading)
{
	struct mention *m;
	size_t k;
	int rc = -1;

	for (k = 0; k < x->mt.n; k++) {
		const struct bment *b = &x->mt.v[k];

		if ((m = mention_entry(x, b->id, b->line)) == NULL)
			goto out;
		if (after_heading && !ids_has(&x->mt.head_ids, b->id) &&
		    add_piece(m, x->pg.t, x->mt.head_s, x->mt.head_e,
		    x->mt.head_s) < 0)
			goto out;
		if (add_piece(m, x->pg.t, x->blk.s, x->blk.e, b->pos) < 0)
			goto out;
	}
	for (k = 0; after_heading && k < x->mt.head_ids.n; k++) {
		if (bm_has(x, x->mt.head_ids.v[k]))
			continue;
		if ((m = mention_entry(x, x->mt.head_ids.v[k], x->blk.line)) ==
		    NULL ||
		    add_piece(m, x->pg.t, x->blk.s, x->blk.e, x->blk.s) < 0)
			goto out;
	}
	if (x->blk.kind == BLK_HEADING) {
		x->mt.head_s = x->blk.s;
		x->mt.head_e = x->blk.e;
		x->mt.head_ids.n = 0;
		for (k = 0; k < x->mt.n; k++)
			ids_add(&x->mt.head_ids, x->mt.v[k].id);
	}
	rc = 0;
out:
	x->mt.n = 0;
	return rc;
}

/* ----------------------------------------------------------- blocks */

/* A break between paragraphs; a heading's trial carries over the first. */
static void
para_break(struct scan *x)
{
	if (!x->para.only_heading)
		x->para.last[0] = '\0';
}

static int
flush(struct scan *x)
{
	bool after_heading = x->para.only_heading && x->blk.kind != BLK_HEADING;
	int rc;

	if (x->blk.kind == BLK_NONE)
		return 0;
	if (x->blk.kind == BLK_HEADING)
		x->para.last[0] = '\0';	/* a heading starts a paragraph */
	rc = scan_block(x);
	if (rc == 0 && x->mt.out)
		rc = block_mentions(x, after_heading);
	x->para.only_heading = x->blk.kind == BLK_HEADING;
	x->blk.kind = BLK_NONE;
	return rc;
}

static void
open_block(struct scan *x, enum block kind, const struct reader_block *b)
{
	x->blk.kind = kind;
	x->blk.s = b->s;
	x->blk.e = b->e;
	x->blk.line = b->line;
	x->blk.rb = b;
	x->blk.cell = 0;
}

/*
 * The page's blocks as the reader made them: headings, table rows, list
 * items, paragraphs.  Paragraphs break where a blank line (or an HTML
 * block) parts blocks, and at the edges of tables; a table row falls back
 * only on its own trials or a heading's right above; a header row claims
 * nothing.
 */
static int
scan_page(struct scan *x)
{
	const struct reader_doc *d = &x->pg.doc;
	bool in_table = false;
	size_t k;

	for (k = 0; k < d->n; k++) {
		const struct reader_block *b = &d->v[k];

		if (b->kind == READER_ROW) {
			if (!in_table || b->gap) {
				para_break(x);
				memcpy(x->para.table, x->para.last,
				    NCT_ID_SIZE);
			}
			in_table = true;
			if (b->header)
				continue;
			/* Rows are records: none inherits the row above. */
			memcpy(x->para.last, x->para.table, NCT_ID_SIZE);
			open_block(x, BLK_TABLE, b);
		} else {
			if (in_table || b->gap)
				para_break(x);
			in_table = false;
			open_block(x, b->kind == READER_HEADING ? BLK_HEADING :
			    b->kind == READER_ITEM ? BLK_LIST : BLK_PROSE, b);
		}
		if (flush(x) < 0)
			return -1;
	}
	return 0;
}

static void
scan_free(struct scan *x)
{
	free(x->names.v);
	free(x->blk.marked.v);
	free(x->blk.bare.v);
	free(x->blk.pend.v);
	free(x->sent.marked.v);
	free(x->sent.bare.v);
	free(x->sent.pend.v);
	free(x->cl.ment);
	free(x->cl.hits);
	free(x->mt.v);
}

static void
claim_free(struct claim *c)
{
	free(c->excerpt);
	free(c->phrase);
}

static void
mention_free(struct mention *m)
{
	free(m->context);
}

int
claims_scan(const char *text, size_t len, enum reader_format fmt,
    const struct claims_index *ix, struct claim_list *claims,
    struct mention_list *mentions)
{
	struct scan *x;
	size_t k, n0 = claims->n, m0 = mentions ? mentions->n : 0;
	char *lf = NULL;
	int rc = -1;

	if (claims_page_breaks(text, len, &lf) < 0)
		return -1;
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		free(lf);
		return -1;
	}
	x->out = claims;
	x->mt.out = mentions;
	x->mt.m0 = m0;
	x->ix = ix;
	if (claims_page_open(&x->pg, lf ? lf : text, len, fmt) < 0)
		goto out;
	x->names.t = x->pg.t;
	x->names.len = x->pg.len;
	if (claims_acronym_page(&x->names) < 0)
		goto out;
	if (!x->pg.date[0])
		claims_page_date(&x->pg, ix, &x->names);
	if (scan_page(x) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		for (k = n0; k < claims->n; k++)
			claim_free(&claims->v[k]);
		claims->n = n0;
		for (k = m0; mentions && k < mentions->n; k++)
			mention_free(&mentions->v[k]);
		if (mentions)
			mentions->n = m0;
	}
	claims_page_close(&x->pg);
	scan_free(x);
	free(x);
	free(lf);
	return rc;
}

void
claims_mentions_finish(struct mention_list *l)
{
	size_t k;

	if (l == NULL)
		return;
	for (k = 0; k < l->n; k++)
		mention_free(&l->v[k]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void
claims_list_finish(struct claim_list *l)
{
	size_t k;

	if (l == NULL)
		return;
	for (k = 0; k < l->n; k++)
		claim_free(&l->v[k]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const char *
claims_kind_name(enum claim_kind k)
{
	switch (k) {
	case CLAIM_RESULTS_PENDING:
		return "results-pending";
	case CLAIM_PUBLICATION_PENDING:
		return "publication-pending";
	case CLAIM_STATUS:
		return "status";
	case CLAIM_MENTION:
		return "mention";
	}
	return "unknown";
}

char *
claims_statuses_text(unsigned statuses, char *buf, size_t size)
{
	const char *name;
	size_t k, o = 0, n;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (k = 0; k < N_STATUSES; k++) {
		if (!(statuses & (1u << k)))
			continue;
		name = text_status_name(k);
		n = strlen(name) + (o > 0);
		if (o + n >= size)
			break;
		if (o > 0)
			buf[o++] = '|';
		memcpy(buf + o, name, strlen(name) + 1);
		o += strlen(name);
	}
	return buf;
}

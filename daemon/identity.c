/*
 * identity.c - PURE: compare what a page says about a trial with the
 * registry record its NCT ID resolves to, and flag only clear disagreement
 * (the method is described in identity.h).  The lexicon is data in
 * identity_lexicon.c.
 */
#include "identity.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity_lexicon.h"
#include "identity_words.h"
#include "text.h"

#define SHOW_TERMS	6	/* page words an evidence text names */
#define SHOW_LIST	5	/* conditions / interventions it names */
#define SHOW_TITLE	160	/* bytes of the record's title it quotes */
#define SHOW_NAME	80	/* bytes of a condition, intervention, sponsor */
#define SURFACE_MAX	60	/* bytes of one page phrase it quotes */
#define MIN_ENROLLMENT	10	/* smaller counts match by accident */
#define MIN_ACRONYM	3	/* shorter acronyms match by accident */

/* ----------------------------------------------------------- evidence */

/*
 * Up to max bytes of s (n bytes) between `quote`s, cut at a character
 * (the evidence must stay valid UTF-8), with "…" if cut.
 */
static void
ebuf_cut(struct text_buf *b, const char *s, size_t n, size_t max,
    const char *quote)
{
	size_t k = n;

	if (k > max) {
		k = max;
		while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
			k--;
	}
	text_buf_str(b, quote);
	/* As "%.*s" did: a NUL ends it. */
	text_buf_put(b, s, strnlen(s, k));
	if (k < n)
		text_buf_str(b, "\xe2\x80\xa6");
	text_buf_str(b, quote);
}

static void
ebuf_quote(struct text_buf *b, const char *s, size_t n, size_t max)
{
	ebuf_cut(b, s, n, max, "\"");
}

/* Is f inside one of the n phrases already shown? */
static bool
shown_within(const struct found *const *shown, size_t n,
    const struct found *f)
{
	size_t m;

	for (m = 0; m < n; m++)
		if (f->s >= shown[m]->s &&
		    f->s + f->len <= shown[m]->s + shown[m]->len)
			return true;
	return false;
}

/*
 * Up to SHOW_TERMS of the page's phrases, quoted, in page order; with
 * `multi`, only those of blocks that name no other trial.
 */
static void
show_found(struct text_buf *b, const struct founds *pf, const bool *multi)
{
	const struct found *shown[SHOW_TERMS];
	size_t k, n = 0;

	for (k = 0; k < pf->n && n < SHOW_TERMS; k++) {
		if (shown_within(shown, n, &pf->v[k]) ||
		    (multi && multi[pf->v[k].piece]))
			continue;
		text_buf_str(b, n ? ", " : "");
		ebuf_quote(b, pf->v[k].s, pf->v[k].len, SURFACE_MAX);
		shown[n++] = &pf->v[k];
	}
}

/* ------------------------------------------------------------ judging */

/* The lexicon tables, built once and shared by every judgement. */
struct identity {
	struct tables tb;
	unsigned min_terms;
};

/*
 * A record's distinct content words, only ever asked whether they hold a
 * page word.  Open addressing like a wordtab, at most half full, but 8
 * bytes a slot instead of 40: a scan keeps thousands of records prepared,
 * and a record's 100-odd words made a wordtab the largest part of one.
 */
struct wordset {
	struct wslot {
		uint32_t h;	/* identity_word_hash() of the word */
		uint32_t at;	/* 1 + its offset in text; 0: a free slot */
	} *v;			/* NULL when the record has none */
	char *text;		/* the words, each NUL-terminated */
	size_t mask;
	size_t bytes;		/* v and text */
};

/*
 * What the evidence text quotes of the record, copied (one buffer): a
 * prepared record keeps nothing of the study it was made from.  Only the
 * first SHOW_LIST conditions and interventions, and how many there are.
 */
struct shown {
	char nct_id[NCT_ID_SIZE];
	const char *title;		/* brief, else official, else "" */
	const char *acronym;		/* NULL when none */
	const char *sponsor;		/* NULL when none */
	const char *conditions[SHOW_LIST];
	size_t n_conditions;
	const char *interventions[SHOW_LIST];
	size_t n_interventions;
	long enrollment;
	char *buf;
	size_t bytes;		/* of buf */
};

/* What the record side of a judgement needs, read once (identity.h). */
struct identity_record {
	bool has[N_CONCEPTS];	/* concepts it names, and broader ones */
	bool concepts;		/* names any lexicon phrase */
	struct wordset words;	/* its distinct content words */
	struct toks acronym;	/* as the registry writes it, in show.buf */
	bool acronym_ok;	/* long enough to count */
	char num[24];		/* the enrollment, "" when too small */
	uint32_t num_h;
	struct shown show;
};

/* Everything one judgement gathers about the page. */
struct judge {
	const struct tables *tb;
	const struct identity_record *r;
	struct toks page;
	struct founds pf;	/* concepts on the page */
	bool *multi;		/* per page block: names two or more trials */
	size_t n_pieces;
	bool page_has[N_CONCEPTS];
	const struct found *surf[N_CONCEPTS];	/* first page words of each */
	const struct tok *shared_words[SHOW_TERMS];
	size_t n_shared_words;	/* all of them, not only those kept */
	bool acronym, enrollment;
	unsigned terms;		/* toward min_terms */
	bool cond_or_interv;
	bool uncounted;		/* terms in blocks naming other trials */
};

static void
judge_finish(struct judge *j)
{
	free(j->page.v);
	free(j->pf.v);
	free(j->multi);
}

static int
add_field(struct text_buf *b, const char *s)
{
	if (s != NULL && s[0] != '\0') {
		text_buf_str(b, s);
		text_buf_str(b, "\n");
	}
	return b->failed ? -1 : 0;
}

static int
add_fields(struct text_buf *b, char *const *v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (add_field(b, v[k]) < 0)
			return -1;
	return 0;
}

/*
 * The slot of word `norm` (hash h): its own or a free one.  strcmp, not
 * memcmp of the probe's length: a shorter word may end the text.
 */
static struct wslot *
wordset_slot(const struct wordset *ws, const char *norm, uint32_t h)
{
	size_t i = h & ws->mask;

	while (ws->v[i].at != 0 && (ws->v[i].h != h ||
	    strcmp(ws->text + ws->v[i].at - 1, norm) != 0))
		i = (i + 1) & ws->mask;
	return &ws->v[i];
}

static bool
wordset_has(const struct wordset *ws, const struct tok *t)
{
	return ws->v != NULL && wordset_slot(ws, t->norm, t->h)->at != 0;
}

/*
 * The record's distinct content words, copied: the tokens they come from
 * are freed once the record is read.  0 / -1.
 */
static int
keep_words(struct wordset *ws, const struct toks *l)
{
	size_t k, n = 0, bytes = 0, cap = 16, used = 0;
	struct wslot *w;

	for (k = 0; k < l->n; k++)
		if (is_content(&l->v[k])) {
			n++;
			bytes += l->v[k].nlen + 1u;
		}
	if (n == 0)
		return 0;
	while (cap < 2 * n)
		cap *= 2;
	if ((ws->v = calloc(cap, sizeof(*ws->v))) == NULL ||
	    (ws->text = malloc(bytes)) == NULL)
		return -1;
	ws->mask = cap - 1;
	for (k = 0; k < l->n; k++) {
		const struct tok *t = &l->v[k];

		if (!is_content(t))
			continue;
		w = wordset_slot(ws, t->norm, t->h);
		if (w->at != 0)
			continue;
		memcpy(ws->text + used, t->norm, t->nlen + 1u);
		w->h = t->h;
		w->at = (uint32_t)used + 1;
		used += t->nlen + 1u;
	}
	/* Only `used`: identity_record_pack() copies no repeated word's room. */
	ws->bytes = cap * sizeof(*ws->v) + used;
	return 0;
}

/* The record's words and concepts. */
static int
read_record(struct identity_record *ir, const struct tables *tb,
    const struct study *r)
{
	struct toks rec = {0};
	struct founds rf = {0};
	struct text_buf b = {0};
	size_t k;
	int rc = -1;

	/*
	 * Not the acronym: find_acronym() wants it as written ("CARE", "STEP"
	 * and "HOPE" are trials and words).
	 */
	if (add_field(&b, r->brief_title) < 0 ||
	    add_field(&b, r->official_title) < 0 ||
	    add_field(&b, r->lead_sponsor) < 0 ||
	    add_fields(&b, r->conditions, r->n_conditions) < 0 ||
	    add_fields(&b, r->condition_meshes, r->n_condition_meshes) < 0 ||
	    add_fields(&b, r->keywords, r->n_keywords) < 0 ||
	    add_fields(&b, r->interventions, r->n_interventions) < 0 ||
	    add_fields(&b, r->other_names, r->n_other_names) < 0 ||
	    add_fields(&b, r->intervention_meshes,
	    r->n_intervention_meshes) < 0 ||
	    add_fields(&b, r->collaborators, r->n_collaborators) < 0)
		goto out;
	if (b.s != NULL) {
		if (identity_tokenize(b.s, b.len, '\n', &rec) < 0)
			goto out;
		identity_index_words(tb, &rec);
		if (identity_find_concepts(tb, &rec, &rf) < 0 ||
		    keep_words(&ir->words, &rec) < 0)
			goto out;
	}
	for (k = 0; k < rf.n; k++)
		identity_imply(tb, rf.v[k].concept, ir->has, NULL, NULL);
	ir->concepts = rf.n > 0;
	rc = 0;
out:
	free(rf.v);
	free(rec.v);
	free(b.s);
	return rc;
}

/* Blocks naming two or more NCT IDs: their words may be another trial's. */
static int
mark_multi(struct judge *j)
{
	const char **first = NULL;
	size_t k;
	unsigned p;

	j->n_pieces = j->page.n ? j->page.v[j->page.n - 1].piece + 1 : 0;
	if ((j->multi = calloc(j->n_pieces + 1, sizeof(*j->multi))) == NULL ||
	    (first = calloc(j->n_pieces + 1, sizeof(*first))) == NULL) {
		free(first);
		return -1;
	}
	for (k = 0; k < j->page.n; k++) {
		if (!is_nct(&j->page.v[k]))
			continue;
		p = j->page.v[k].piece;
		if (first[p] == NULL)
			first[p] = j->page.v[k].norm;
		else if (strcmp(first[p], j->page.v[k].norm) != 0)
			j->multi[p] = true;
	}
	free(first);
	return 0;
}

/*
 * The record's acronym as find_acronym() looks for it: matched as the
 * registry writes it where it is in capitals.  0 / -1.
 */
static int
read_acronym(struct identity_record *r)
{
	const char *acronym = r->show.acronym;
	size_t k, letters = 0;

	if (acronym == NULL)
		return 0;
	if (identity_tokenize(acronym, strlen(acronym), '\n', &r->acronym) < 0)
		return -1;
	for (k = 0; k < r->acronym.n; k++) {
		letters += r->acronym.v[k].nlen;
		r->acronym.v[k].cs = r->acronym.v[k].upper;
	}
	r->acronym_ok = r->acronym.n > 0 && letters >= MIN_ACRONYM;
	return 0;
}

/* The record's acronym, written as the registry writes it. */
static void
find_acronym(struct judge *j)
{
	const struct toks *a = &j->r->acronym;
	size_t i, k;

	for (i = 0; j->r->acronym_ok && i + a->n <= j->page.n &&
	    !j->acronym; i++) {
		for (k = 0; k < a->n; k++)
			if ((k > 0 && (!j->page.v[i + k].soft ||
			    j->page.v[i + k].piece != j->page.v[i].piece)) ||
			    !word_match(&a->v[k], &j->page.v[i + k]))
				break;
		j->acronym = k == a->n;
	}
}

/* "n=45", "45 patients": the record's enrollment, when it is not tiny. */
static void
find_enrollment(struct judge *j)
{
	static const char *const people[] = {"patient", "participant",
	    "subject", "adult", "volunteer", "people", "individual", NULL};
	const char *num = j->r->num;
	uint32_t h = j->r->num_h;
	const struct tok *t, *u;
	size_t i, k;
	const char *p;
	bool eq;

	if (num[0] == '\0')
		return;
	for (i = 0; i + 1 < j->page.n && !j->enrollment; i++) {
		t = &j->page.v[i];
		u = &j->page.v[i + 1];
		if (u->piece != t->piece)
			continue;
		if (strcmp(t->norm, "n") == 0 && u->h == h &&
		    strcmp(u->norm, num) == 0) {
			eq = false;
			for (p = t->s + t->len; p < u->s; p++)
				if (*p == '=')
					eq = true;
				else if (*p != ' ')
					break;
			j->enrollment = eq && p == u->s;
		} else if (t->h == h && strcmp(t->norm, num) == 0 && u->soft) {
			for (k = 0; people[k]; k++)
				if (strcmp(u->norm, people[k]) == 0)
					j->enrollment = true;
		}
	}
}

static bool
rec_has_word(const struct judge *j, const struct tok *t)
{
	return wordset_has(&j->r->words, t);
}

/* What the page says, what it shares with the record, what counts. */
static void
compare(struct judge *j)
{
	bool direct[N_CONCEPTS] = {false}, place = false;
	const char *seen[SHOW_TERMS];
	size_t k, m, n_seen = 0;
	int c, d;

	for (k = 0; k < j->pf.n; k++) {
		const struct found *f = &j->pf.v[k];
		bool counts = f->piece < j->n_pieces && !j->multi[f->piece];

		j->uncounted = j->uncounted || !counts;
		if (f->concept < 0) {
			place = place || counts;
			continue;
		}
		identity_imply(j->tb, f->concept, j->page_has, j->surf, f);
		if (counts)
			direct[f->concept] = true;
	}
	/* A concept and a broader one ("MSC", "stem cell") count once. */
	for (c = 0; c < (int)N_CONCEPTS; c++) {
		if (!direct[c])
			continue;
		for (d = 0; d < (int)N_CONCEPTS; d++)
			if (d != c && direct[d] && identity_broader(j->tb, c, d))
				break;
		if (d < (int)N_CONCEPTS)
			continue;
		if (identity_lexicon[c].kind == K_PLACE) {
			place = true;
			continue;
		}
		j->terms++;
		if (identity_lexicon[c].kind == K_COND ||
		    identity_lexicon[c].kind == K_INTERV)
			j->cond_or_interv = true;
	}
	j->terms += place;

	for (k = 0; k < j->page.n; k++) {
		const struct tok *t = &j->page.v[k];

		if (!is_content(t) || !rec_has_word(j, t))
			continue;
		for (m = 0; m < n_seen; m++)
			if (strcmp(seen[m], t->norm) == 0)
				break;
		if (m < n_seen)
			continue;
		if (n_seen < SHOW_TERMS) {
			seen[n_seen] = t->norm;
			j->shared_words[n_seen++] = t;
		}
		j->n_shared_words++;
	}
}

static unsigned
shared_concepts(const struct judge *j)
{
	unsigned n = 0;
	size_t c;

	for (c = 0; c < N_CONCEPTS; c++)
		n += j->page_has[c] && j->r->has[c];
	return n;
}

/* A list of record strings, at most SHOW_LIST of them. */
static void
show_list(struct text_buf *b, const char *const *v, size_t n)
{
	size_t k;

	if (n == 0) {
		text_buf_str(b, "none given");
		return;
	}
	for (k = 0; k < n && k < SHOW_LIST; k++) {
		text_buf_str(b, k ? ", " : "");
		ebuf_cut(b, v[k], strlen(v[k]), SHOW_NAME, "");
	}
	if (n > SHOW_LIST)
		text_buf_printf(b, " and %zu more", n - SHOW_LIST);
}

static const char *
record_title(const struct study *r)
{
	if (r->brief_title && r->brief_title[0])
		return r->brief_title;
	if (r->official_title && r->official_title[0])
		return r->official_title;
	return "";
}

/* Room for s, NULL or not, in *bytes; copy it to *p (advanced). */
static const char *
shown_str(const char *s, char **p, size_t *bytes)
{
	size_t n;
	const char *at;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	if (p == NULL) {
		*bytes += n;
		return NULL;
	}
	at = memcpy(*p, s, n);
	*p += n;
	return at;
}

/* Copy what the evidence quotes of r into *sh, in two passes.  0 / -1. */
static int
shown_copy(struct shown *sh, const struct study *r)
{
	size_t bytes = 0, k, nc = r->n_conditions, ni = r->n_interventions;
	char *p = NULL, **pp = NULL;
	int pass;

	if (nc > SHOW_LIST)
		nc = SHOW_LIST;
	if (ni > SHOW_LIST)
		ni = SHOW_LIST;
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1) {
			if ((p = sh->buf = malloc(bytes)) == NULL)
				return -1;
			pp = &p;
		}
		sh->title = shown_str(record_title(r), pp, &bytes);
		sh->acronym = shown_str(r->acronym, pp, &bytes);
		sh->sponsor = shown_str(r->lead_sponsor, pp, &bytes);
		for (k = 0; k < nc; k++)
			sh->conditions[k] = shown_str(r->conditions[k], pp,
			    &bytes);
		for (k = 0; k < ni; k++)
			sh->interventions[k] = shown_str(r->interventions[k],
			    pp, &bytes);
	}
	snprintf(sh->nct_id, sizeof(sh->nct_id), "%s", r->nct_id);
	sh->bytes = bytes;
	sh->n_conditions = r->n_conditions;
	sh->n_interventions = r->n_interventions;
	sh->enrollment = r->enrollment;
	return 0;
}

/* "the page describes "A", "B"; the registry record NCT... is "T" (...)" */
static void
mismatch_evidence(const struct judge *j, const struct shown *r,
    struct text_buf *b)
{
	text_buf_str(b, "the page describes ");
	show_found(b, &j->pf, NULL);
	text_buf_str(b, "; the registry record ");
	text_buf_str(b, r->nct_id);
	text_buf_str(b, " is ");
	ebuf_quote(b, r->title, strlen(r->title), SHOW_TITLE);
	text_buf_str(b, " (conditions: ");
	show_list(b, r->conditions, r->n_conditions);
	text_buf_str(b, "; interventions: ");
	show_list(b, r->interventions, r->n_interventions);
	if (r->sponsor) {
		text_buf_str(b, "; sponsor: ");
		ebuf_cut(b, r->sponsor, strlen(r->sponsor), SHOW_NAME, "");
	}
	text_buf_str(b,
	    "): no condition, intervention, title or sponsor word in "
	    "common");
}

static void
match_evidence(const struct judge *j, const struct shown *r, struct text_buf *b)
{
	const struct found *shown[SHOW_TERMS];
	size_t c, k, m, n = 0, n_shown = 0;

	text_buf_str(b, "the page agrees with the registry record ");
	text_buf_str(b, r->nct_id);
	text_buf_str(b, " (");
	ebuf_quote(b, r->title, strlen(r->title), SHOW_TITLE);
	text_buf_str(b, "):");
	if (j->acronym) {
		text_buf_str(b, n++ ? ", acronym " : " acronym ");
		ebuf_cut(b, r->acronym, strlen(r->acronym), SHOW_NAME, "");
	}
	for (c = 0; c < N_CONCEPTS && n < SHOW_TERMS; c++) {
		if (!j->page_has[c] || !j->r->has[c] || j->surf[c] == NULL)
			continue;
		/*
		 * A broader concept comes with the words of a narrower one;
		 * "BM-MSC" is two concepts in the same words.
		 */
		if (shown_within(shown, n_shown, j->surf[c]))
			continue;
		shown[n_shown++] = j->surf[c];
		text_buf_str(b, n++ ? ", " : " ");
		ebuf_quote(b, j->surf[c]->s, j->surf[c]->len, SURFACE_MAX);
	}
	for (k = 0; k < j->n_shared_words && k < SHOW_TERMS && n < SHOW_TERMS;
	    k++) {
		const struct tok *t = j->shared_words[k];

		/* Already shown as (part of) a concept's words. */
		for (m = 0; m < n_shown; m++)
			if (t->s >= shown[m]->s &&
			    t->s + t->len <= shown[m]->s + shown[m]->len)
				break;
		if (m < n_shown)
			continue;
		text_buf_str(b, n++ ? ", " : " ");
		ebuf_quote(b, j->shared_words[k]->s, j->shared_words[k]->len,
		    SURFACE_MAX);
	}
	if (j->enrollment)
		text_buf_printf(b, "%s enrollment %ld", n++ ? "," : "",
		    r->enrollment);
}

struct identity *
identity_new(const struct identity_opts *o)
{
	struct identity *id;

	if ((id = calloc(1, sizeof(*id))) == NULL)
		return NULL;
	id->min_terms = o ? o->min_terms : IDENTITY_MIN_TERMS;
	if (identity_tables_init(&id->tb) < 0) {
		free(id);
		return NULL;
	}
	return id;
}

void
identity_free(struct identity *id)
{
	if (id == NULL)
		return;
	identity_tables_free(&id->tb);
	free(id);
}

struct identity_record *
identity_record_new(const struct identity *id, const struct study *rec)
{
	struct identity_record *r;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if (shown_copy(&r->show, rec) < 0 || read_record(r, &id->tb, rec) < 0 ||
	    read_acronym(r) < 0) {
		identity_record_free(r);
		return NULL;
	}
	if (rec->enrollment >= MIN_ENROLLMENT) {
		snprintf(r->num, sizeof(r->num), "%ld", rec->enrollment);
		r->num_h = identity_word_hash(r->num, strlen(r->num));
	}
	return r;
}

/*
 * A packed record's layout: the struct, its acronym's tokens, the word
 * slots, then the bytes (words, then what the evidence quotes).  The
 * first three are 8-, 8- and 4-byte aligned in that order.
 */
#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)

size_t
identity_record_size(const struct identity_record *r)
{
	return ALIGN8(sizeof(*r)) + ALIGN8(r->acronym.n * sizeof(*r->acronym.v)) +
	    r->words.bytes + r->show.bytes;
}

/* p moved from the block at `from` to the one at `to`; NULL stays NULL. */
static const char *
moved(const char *p, const char *from, char *to)
{
	return p ? to + (p - from) : NULL;
}

const struct identity_record *
identity_record_pack(const struct identity_record *r, void *buf)
{
	struct identity_record *p = buf;
	char *at = (char *)buf + ALIGN8(sizeof(*r));
	size_t k, n_slots = r->words.v ? r->words.mask + 1 : 0;
	size_t text = r->words.bytes - n_slots * sizeof(*r->words.v);

	*p = *r;
	p->acronym.v = r->acronym.n ? (struct tok *)at : NULL;
	p->acronym.cap = r->acronym.n;
	if (r->acronym.n)
		memcpy(at, r->acronym.v, r->acronym.n * sizeof(*r->acronym.v));
	at += ALIGN8(r->acronym.n * sizeof(*r->acronym.v));
	if (n_slots) {
		p->words.v = (struct wslot *)at;
		memcpy(at, r->words.v, n_slots * sizeof(*r->words.v));
		at += n_slots * sizeof(*r->words.v);
		p->words.text = memcpy(at, r->words.text, text);
		at += text;
	}
	p->show.buf = memcpy(at, r->show.buf, r->show.bytes);
	p->show.title = moved(r->show.title, r->show.buf, p->show.buf);
	p->show.acronym = moved(r->show.acronym, r->show.buf, p->show.buf);
	p->show.sponsor = moved(r->show.sponsor, r->show.buf, p->show.buf);
	for (k = 0; k < SHOW_LIST; k++) {
		p->show.conditions[k] = moved(r->show.conditions[k],
		    r->show.buf, p->show.buf);
		p->show.interventions[k] = moved(r->show.interventions[k],
		    r->show.buf, p->show.buf);
	}
	/* The acronym's tokens point into its text, in show.buf. */
	for (k = 0; k < r->acronym.n; k++)
		p->acronym.v[k].s = moved(r->acronym.v[k].s, r->show.buf,
		    p->show.buf);
	return p;
}

/* p, a pointer into a block that moved by `by` bytes (NULL stays). */
static const void *
shift(const void *p, ptrdiff_t by)
{
	return p ? (const char *)p + by : NULL;
}

const struct identity_record *
identity_record_moved(void *buf, const void *was)
{
	struct identity_record *p = buf;
	ptrdiff_t by = (char *)buf - (const char *)was;
	size_t k;

	p->acronym.v = (struct tok *)shift(p->acronym.v, by);
	p->words.v = (struct wslot *)shift(p->words.v, by);
	p->words.text = (char *)shift(p->words.text, by);
	p->show.buf = (char *)shift(p->show.buf, by);
	p->show.title = shift(p->show.title, by);
	p->show.acronym = shift(p->show.acronym, by);
	p->show.sponsor = shift(p->show.sponsor, by);
	for (k = 0; k < SHOW_LIST; k++) {
		p->show.conditions[k] = shift(p->show.conditions[k], by);
		p->show.interventions[k] = shift(p->show.interventions[k], by);
	}
	for (k = 0; k < p->acronym.n; k++)
		p->acronym.v[k].s = shift(p->acronym.v[k].s, by);
	return p;
}

void
identity_record_free(struct identity_record *r)
{
	if (r == NULL)
		return;
	free(r->words.v);
	free(r->words.text);
	free(r->acronym.v);
	free(r->show.buf);
	free(r);
}

int
identity_judge_record(const struct identity *id,
    const struct identity_record *r, const char *context, size_t len,
    struct identity_verdict *out)
{
	struct judge j;
	struct text_buf ev = {0};
	const struct shown *rec;
	unsigned min_terms = id->min_terms;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&j, 0, sizeof(j));
	if (min_terms == 0 || r == NULL) {
		text_buf_printf(&ev, min_terms ==
		    0 ? "identity check turned off" :
		    "no registry record to compare with");
		goto done;
	}
	rec = &r->show;
	j.tb = &id->tb;
	j.r = r;
	if (identity_tokenize(context ? context : "", context ? len : 0, '\n',
	    &j.page) < 0)
		goto out;
	identity_index_words(j.tb, &j.page);
	if (mark_multi(&j) < 0 || identity_find_concepts(j.tb, &j.page, &j.pf) < 0 ||
	    identity_find_places(&j.page, &j.pf) < 0)
		goto out;
	find_acronym(&j);
	if (j.pf.n > 1)
		qsort(j.pf.v, j.pf.n, sizeof(*j.pf.v), identity_found_cmp);
	find_enrollment(&j);
	compare(&j);
	out->page_terms = j.terms;
	out->shared = shared_concepts(&j) + (unsigned)j.n_shared_words +
	    j.acronym + j.enrollment;

	if (r->words.v == NULL && !r->concepts) {
		out->outcome = IDENTITY_UNKNOWN;
		text_buf_printf(&ev,
		    "the registry record %s gives no title, condition "
		    "or intervention to compare with", rec->nct_id);
	} else if (out->shared > 0) {
		out->outcome = IDENTITY_MATCH;
		match_evidence(&j, rec, &ev);
	} else if (j.terms >= min_terms && j.cond_or_interv) {
		out->outcome = IDENTITY_MISMATCH;
		mismatch_evidence(&j, rec, &ev);
	} else {
		out->outcome = IDENTITY_UNKNOWN;
		text_buf_printf(&ev, "too little said about %s to compare: %u "
		    "descriptive term%s", rec->nct_id, j.terms,
		    j.terms == 1 ? "" : "s");
		if (j.terms > 0) {
			text_buf_printf(&ev, " (");
			show_found(&ev, &j.pf, j.multi);
			text_buf_printf(&ev, ")");
		}
		text_buf_printf(&ev, ", %u needed, at least one a condition or "
		    "intervention", min_terms);
		if (j.uncounted)
			text_buf_printf(&ev,
			    "; blocks that name other trials too are "
			    "not counted");
	}
done:
	if (ev.failed)
		goto out;
	out->evidence = ev.s;
	ev.s = NULL;
	rc = 0;
out:
	free(ev.s);
	judge_finish(&j);
	if (rc < 0)
		memset(out, 0, sizeof(*out));
	return rc;
}

void
identity_verdict_finish(struct identity_verdict *v)
{
	if (v == NULL)
		return;
	free(v->evidence);
	v->evidence = NULL;
}

/* ------------------------------------------------------- citation claim */

int
identity_claim(const struct mention *m, struct claim *out)
{
	const char *ctx = m->context, *end = ctx + m->context_len;
	const char *blk = ctx, *p, *nl, *id;
	size_t blen, at;
	char *ex;

	memset(out, 0, sizeof(*out));
	/* The first block that names the ID; else the first block. */
	for (p = ctx; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (memmem(p, (size_t)(nl - p), m->nct_id, strlen(m->nct_id))) {
			blk = p;
			break;
		}
	}
	nl = memchr(blk, '\n', (size_t)(end - blk));
	blen = (size_t)((nl ? nl : end) - blk);
	/* Around the ID, cut as every claim's excerpt is. */
	id = memmem(blk, blen, m->nct_id, strlen(m->nct_id));
	at = id ? (size_t)(id - blk) : 0;
	ex = blen > 0 ? text_excerpt((const unsigned char *)blk, 0, blen, at) :
	    strdup("");
	if (ex == NULL)
		return -1;
	if ((out->phrase = strdup(m->nct_id)) == NULL) {
		free(ex);
		return -1;
	}
	out->excerpt = ex;
	snprintf(out->nct_id, sizeof(out->nct_id), "%s", m->nct_id);
	out->kind = CLAIM_MENTION;
	out->line = m->line;
	return 0;
}

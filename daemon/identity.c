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
#include "text.h"

#define TOK_MAX		40	/* bytes of a normalised word kept */
#define VAR_TOK_MAX	8	/* words in one lexicon phrase */
#define PLACE_WORDS	4	/* capitalised words before "Hospital" & co */
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

/* ------------------------------------------------------------- words */

struct tok {
	const char *s;		/* the word as written */
	size_t len;		/* its bytes, a possessive 's left out */
	unsigned piece;		/* block number ('\n' or '|' separated) */
	bool soft;		/* only spaces, '-' or '/' since the word before */
	bool upper;		/* in capitals: an abbreviation ("MSCs" too) */
	bool cap;		/* starts with a capital */
	bool cs;		/* lexicon phrases: match as written */
	bool alpha;		/* norm has a byte that is not a digit */
	unsigned char nlen;	/* strlen(norm) */
	uint32_t h;		/* word_hash(norm): tables are looked up by it */
	/* Its entry in the lexicon's index, NULL if none (index_words()). */
	const struct word *w;
	char norm[TOK_MAX];
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

/*
 * Bytes of the word character at s (n left): ASCII letters and digits,
 * Latin-1 and Latin Extended-A letters; 0 for anything else.
 */
static inline size_t
word_char(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return text_is_alnum(s[0]);
	if (n >= 2 && (s[1] & 0xc0) == 0x80 &&
	    ((s[0] == 0xc3 && s[1] != 0x97 && s[1] != 0xb7) || s[0] == 0xc4 ||
	    s[0] == 0xc5))
		return 2;
	return 0;
}

/* An apostrophe at s ("'", U+2018, U+2019): its bytes, else 0. */
static size_t
apostrophe(const unsigned char *s, size_t n)
{
	if (s[0] == '\'')
		return 1;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x98 || s[2] == 0x99))
		return 3;
	return 0;
}

/* A separator that keeps a phrase together: space, '-', '/', NBSP, U+2010/11. */
static size_t
soft_sep(const unsigned char *s, size_t n)
{
	if (s[0] == ' ' || s[0] == '\t' || s[0] == '-' || s[0] == '/')
		return 1;
	if (n >= 2 && s[0] == 0xc2 && s[1] == 0xa0)
		return 2;
	if (n >= 3 && s[0] == 0xe2 && s[1] == 0x80 &&
	    (s[2] == 0x90 || s[2] == 0x91))
		return 3;
	return 0;
}

/* FNV-1a: cheap over words of a few bytes, and spreads them well enough. */
static uint32_t
word_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t k;

	for (k = 0; k < n; k++)
		h = (h ^ (unsigned char)s[k]) * 16777619u;
	return h;
}

/*
 * The word at text[i] (a word character) into *w, read and normalised in
 * one pass (every page word of every judgement comes through here): lower
 * case, plural s off: "MSCs" -> "msc", "therapies" -> "therapy", "cells"
 * -> "cell"; not "sclerosis", "virus", "ALS", nor words with digits.  Only
 * the first TOK_MAX - 1 bytes are kept.  Sets every field but piece and
 * soft; returns the index past the word.
 */
static size_t
read_word(const char *text, size_t i, size_t len, struct tok *w)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t n = 0, letters = 0, caps = 0, digits = 0, k;
	bool any_upper, lower_s;
	unsigned char c;

	w->s = text + i;
	/* The bytes kept, then (rarely) the rest of a long word. */
	while (i < len && n < TOK_MAX - 1) {
		c = t[i];
		if (c >= 0x80) {
			if (word_char(t + i, len - i) == 0)
				break;
			w->norm[n++] = (char)c;
			/* Latin-1 capitals: U+00C0..U+00DE are 0xc3 0x80..0x9e */
			c = t[i + 1];
			if (t[i] == 0xc3 && c <= 0x9e && c != 0x97)
				c = (unsigned char)(c + 0x20);
			if (n < TOK_MAX - 1)
				w->norm[n++] = (char)c;
			i += 2;
			continue;
		}
		/* Most often first. */
		if ((k = text_class[c] & ~TEXT_UNDER) == TEXT_LOWER) {
			letters++;
		} else if (k == TEXT_UPPER) {
			letters++;
			caps++;
			c = (unsigned char)(c | 0x20);
		} else if (k == TEXT_DIGIT) {
			digits++;
		} else {
			break;
		}
		w->norm[n++] = (char)c;
		i++;
	}
	any_upper = caps > 0;
	while (i < len && (k = word_char(t + i, len - i)) > 0) {
		any_upper = any_upper || text_is_upper(t[i]);
		i += k;
	}
	w->len = (size_t)(text + i - w->s);
	w->norm[n] = '\0';
	lower_s = w->len > 1 && w->s[w->len - 1] == 's';
	w->cap = text_is_upper(t[w->s - text]);
	w->upper = letters > 0 && (caps == letters ||
	    (lower_s && caps == letters - 1 && caps >= 2));
	w->cs = any_upper;
	if (digits == 0 && lower_s) {
		if (n > 4 && memcmp(w->norm + n - 3, "ies", 3) == 0) {
			memcpy(w->norm + n - 3, "y", 2);
			n -= 2;
		} else if (n > 3 && w->norm[n - 2] != 's' &&
		    w->norm[n - 2] != 'u' && w->norm[n - 2] != 'i') {
			w->norm[--n] = '\0';
		}
	}
	/* Digits are never taken off, so all else in norm is a non-digit. */
	w->alpha = n > digits;
	w->nlen = (unsigned char)n;
	w->h = word_hash(w->norm, n);
	return i;
}

/* A new last token of l, its fields unset; NULL on allocation failure. */
static struct tok *
toks_add(struct toks *l)
{
	struct tok *v;

	if ((v = text_grow(l->v, &l->cap, l->n, sizeof(*v))) == NULL)
		return NULL;
	l->v = v;
	return &l->v[l->n++];
}

/*
 * Cut text into words.  `brk` separates blocks (phrases in the lexicon);
 * every other non-word byte separates words.  0 / -1.
 */
static int
tokenize(const char *text, size_t len, char brk, struct toks *out)
{
	const unsigned char *t = (const unsigned char *)text;
	struct tok *w;
	unsigned piece = 0;
	bool soft = false;
	size_t i = 0, k, a;

	while (i < len) {
		if ((k = word_char(t + i, len - i)) == 0) {
			if (t[i] == (unsigned char)brk) {
				piece++;
				soft = false;
				i++;
			} else if ((a = soft_sep(t + i, len - i)) > 0) {
				i += a;
			} else {
				soft = false;
				i++;
			}
			continue;
		}
		if ((w = toks_add(out)) == NULL)
			return -1;
		w->piece = piece;
		w->soft = soft;
		i = read_word(text, i, len, w);
		/* "Parkinson's": the possessive goes, the word stays. */
		if (i < len && (a = apostrophe(t + i, len - i)) > 0 &&
		    i + a < len && (t[i + a] == 's' || t[i + a] == 'S') &&
		    (i + a + 1 == len || word_char(t + i + a + 1,
		    len - i - a - 1) == 0))
			i += a + 1;
		soft = true;
	}
	return 0;
}

/* An NCT ID (normalised to lower case). */
static bool
is_nct(const struct tok *t)
{
	char id[NCT_ID_SIZE];

	return t->nlen == 11 && text_nct_at((const unsigned char *)t->norm, 0,
	    11, 0, id);
}

/* ------------------------------------------------------------ words */

enum {
	W_STOP = 1,		/* a stop word, normalised */
	W_PLACE = 2,		/* a place word, as identity_place_words[] has it */
};

/* A word of a word table: its text, hash, and what it is. */
struct word {
	const char *norm;	/* NULL: a free slot */
	uint32_t h;
	unsigned len;		/* strlen(norm) */
	unsigned flags;
	size_t var, n_vars;	/* the lexicon phrases it starts, in vars[] */
};

/*
 * Words by hash, open addressing: a page's words are looked up in the
 * lexicon and the record's words, and most are in neither, so a miss must
 * cost one probe rather than a binary search of strcmp.  The table is
 * sized once, at most half full, and only read after it is made.
 */
struct wordtab {
	struct word *v;		/* NULL when empty */
	size_t mask;
};

/* Room for n words.  0 / -1. */
static int
wordtab_init(struct wordtab *t, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	if ((t->v = calloc(cap, sizeof(*t->v))) == NULL)
		return -1;
	t->mask = cap - 1;
	return 0;
}

/* The slot of `norm` (n bytes): its own, or the free one it would take. */
static struct word *
wordtab_slot(const struct wordtab *t, const char *norm, size_t n,
    uint32_t h)
{
	size_t i = h & t->mask;

	while (t->v[i].norm != NULL && (t->v[i].h != h || t->v[i].len != n ||
	    memcmp(t->v[i].norm, norm, n) != 0))
		i = (i + 1) & t->mask;
	return &t->v[i];
}

/* The entry of word t, NULL if none. */
static const struct word *
wordtab_get(const struct wordtab *t, const struct tok *w)
{
	const struct word *e;

	if (t->v == NULL)
		return NULL;
	e = wordtab_slot(t, w->norm, w->nlen, w->h);
	return e->norm ? e : NULL;
}

/*
 * The entry of `norm` (borrowed: it must outlive the table or be
 * repointed), made if new.
 */
static struct word *
wordtab_put(struct wordtab *t, const char *norm)
{
	size_t n = strlen(norm);
	uint32_t h = word_hash(norm, n);
	struct word *w = wordtab_slot(t, norm, n, h);

	if (w->norm == NULL) {
		w->norm = norm;
		w->h = h;
		w->len = (unsigned)n;
	}
	return w;
}

/* ------------------------------------------------------------ tables */

/* A lexicon phrase: `ntok` words from `first` in the phrase words. */
struct var {
	unsigned concept;
	unsigned ntok;
	size_t first;
};

/* The tables of one judgement, normalised by the same code as the texts. */
struct tables {
	struct toks words;	/* all lexicon phrases' words */
	struct var *vars;	/* sorted by their first word */
	size_t n_vars;
	struct toks stops;	/* normalised stop words */
	/* Phrases' first words, stop words and place words, by hash. */
	struct wordtab index;
	int parent[N_CONCEPTS][2];	/* -1: none */
};

/* qsort has no context argument: the word array travels in the keys. */
struct var_key {
	struct var v;
	const struct tok *words;
};

static int
var_cmp(const void *pa, const void *pb)
{
	const struct var_key *a = pa, *b = pb;
	int c = strcmp(a->words[a->v.first].norm, b->words[b->v.first].norm);

	if (c != 0)
		return c;
	return a->v.ntok < b->v.ntok ? 1 : a->v.ntok > b->v.ntok ? -1 : 0;
}

static int
concept_index(const char *name, size_t n)
{
	size_t k;

	for (k = 0; k < N_CONCEPTS; k++)
		if (strlen(identity_lexicon[k].name) == n &&
		    strncmp(identity_lexicon[k].name, name, n) == 0)
			return (int)k;
	return -1;
}

static void
tables_free(struct tables *tb)
{
	free(tb->words.v);
	free(tb->vars);
	free(tb->stops.v);
	free(tb->index.v);
}

static int
tables_init(struct tables *tb)
{
	struct var_key *keys = NULL;
	size_t k, c, i, n_keys = 0, cap_keys = 0;
	const char *p, *bar;
	int rc = -1;

	memset(tb, 0, sizeof(*tb));
	for (c = 0; c < N_CONCEPTS; c++) {
		size_t from = tb->words.n;

		tb->parent[c][0] = tb->parent[c][1] = -1;
		for (p = identity_lexicon[c].parents, k = 0; p && *p &&
		    k < 2; k++) {
			bar = strchr(p, '|');
			tb->parent[c][k] = concept_index(p, bar ? (size_t)(bar - p) :
			    strlen(p));
			/* A misspelt parent fails every judgement: tests see it. */
			if (tb->parent[c][k] < 0)
				goto out;
			p = bar ? bar + 1 : NULL;
		}
		if (tokenize(identity_lexicon[c].phrases,
		    strlen(identity_lexicon[c].phrases),
		    '|', &tb->words) < 0)
			goto out;
		for (i = from; i < tb->words.n; i = k) {
			for (k = i + 1; k < tb->words.n &&
			    tb->words.v[k].piece == tb->words.v[i].piece; k++)
				;
			if (k - i > VAR_TOK_MAX)
				continue;
			struct var_key *nk;

			if ((nk = text_grow(keys, &cap_keys, n_keys,
			    sizeof(*nk))) == NULL)
				goto out;
			keys = nk;
			keys[n_keys].v.concept = (unsigned)c;
			keys[n_keys].v.ntok = (unsigned)(k - i);
			keys[n_keys].v.first = i;
			n_keys++;
		}
	}
	for (k = 0; k < n_keys; k++)
		keys[k].words = tb->words.v;
	qsort(keys, n_keys, sizeof(*keys), var_cmp);
	if ((tb->vars = calloc(n_keys ? n_keys : 1, sizeof(*tb->vars))) == NULL)
		goto out;
	for (k = 0; k < n_keys; k++)
		tb->vars[k] = keys[k].v;
	tb->n_vars = n_keys;

	for (k = 0; identity_stop_words[k]; k++)
		if (tokenize(identity_stop_words[k],
		    strlen(identity_stop_words[k]), '\n',
		    &tb->stops) < 0)
			goto out;
	for (i = 0; identity_place_words[i]; i++)
		;
	if (wordtab_init(&tb->index, n_keys + tb->stops.n + i) < 0)
		goto out;
	/* vars[] is sorted by first word: each word's phrases are a run. */
	for (k = 0; k < n_keys; k++) {
		const struct tok *t = &tb->words.v[tb->vars[k].first];
		struct word *w = wordtab_put(&tb->index, t->norm);

		if (w->n_vars++ == 0)
			w->var = k;
	}
	for (k = 0; k < tb->stops.n; k++)
		wordtab_put(&tb->index, tb->stops.v[k].norm)->flags |= W_STOP;
	/* As written, not normalised: matched against normalised words. */
	for (k = 0; identity_place_words[k]; k++)
		wordtab_put(&tb->index, identity_place_words[k])->flags |=
		    W_PLACE;
	rc = 0;
out:
	free(keys);
	if (rc < 0)
		tables_free(tb);
	return rc;
}

/*
 * Each word's entry in the index, looked up once: find_concepts(),
 * is_content() and find_places() all ask, and a text's words must go
 * through here before they do.
 */
static void
index_words(const struct tables *tb, struct toks *l)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		l->v[k].w = wordtab_get(&tb->index, &l->v[k]);
}

/* Is t (through index_words()) in the index as `flag`? */
static bool
is_word(const struct tok *t, unsigned flag)
{
	return t->w != NULL && (t->w->flags & flag);
}

/*
 * A word that can tell trials apart: four letters or more, or an
 * abbreviation in capitals; not a generic word, a number or an NCT ID.
 */
static bool
is_content(const struct tok *t)
{
	size_t n = t->nlen;

	if (!t->alpha || is_nct(t))
		return false;
	if (n < 4 && !(t->upper && n >= 2))
		return false;
	return !is_word(t, W_STOP);
}

/* ------------------------------------------------------------ concepts */

/* A concept (or an institution, concept -1) found in a text. */
struct found {
	int concept;
	const char *s;		/* the words as written */
	size_t len;
	unsigned piece;
};

struct founds {
	struct found *v;
	size_t n, cap;
};

static int
found_push(struct founds *l, int concept, const struct tok *a,
    const struct tok *b)
{
	struct found *v;

	if ((v = text_grow(l->v, &l->cap, l->n, sizeof(*v))) == NULL)
		return -1;
	l->v = v;
	v = &l->v[l->n++];
	v->concept = concept;
	v->s = a->s;
	v->len = (size_t)(b->s + b->len - a->s);
	v->piece = a->piece;
	return 0;
}

/* Does lexicon word `w` match text word `t`? */
static bool
word_match(const struct tok *w, const struct tok *t)
{
	if (w->h != t->h || strcmp(w->norm, t->norm) != 0)
		return false;
	if (!w->cs)
		return true;
	/* As written, a plural s allowed: "MSC" matches "MSCs", not "Msc". */
	if (t->len == w->len)
		return memcmp(t->s, w->s, w->len) == 0;
	return t->len == w->len + 1 && memcmp(t->s, w->s, w->len) == 0 &&
	    t->s[w->len] == 's';
}

static bool
var_match(const struct tables *tb, const struct var *v, const struct toks *l,
    size_t i)
{
	size_t k;

	if (i + v->ntok > l->n)
		return false;
	for (k = 0; k < v->ntok; k++) {
		const struct tok *t = &l->v[i + k];

		if (k > 0 && (!t->soft || t->piece != l->v[i].piece))
			return false;
		if (!word_match(&tb->words.v[v->first + k], t))
			return false;
	}
	return true;
}

/* Lexicon phrases in a text: the longest at each word, all of that length. */
static int
find_concepts(const struct tables *tb, const struct toks *l,
    struct founds *out)
{
	const struct word *w;
	size_t i = 0, a, b, k, best;

	while (i < l->n) {
		/* Most words start no phrase: one probe says so. */
		w = l->v[i].w;
		a = w ? w->var : 0;
		b = w ? w->var + w->n_vars : 0;
		best = 0;
		for (k = a; k < b; k++)
			if (tb->vars[k].ntok > best &&
			    var_match(tb, &tb->vars[k], l, i))
				best = tb->vars[k].ntok;
		if (best == 0) {
			i++;
			continue;
		}
		for (k = a; k < b; k++)
			if (tb->vars[k].ntok == best &&
			    var_match(tb, &tb->vars[k], l, i) &&
			    found_push(out, (int)tb->vars[k].concept, &l->v[i],
			    &l->v[i + best - 1]) < 0)
				return -1;
		i += best;
	}
	return 0;
}

/* Two neighbouring words of one phrase? */
static bool
joined(const struct toks *l, size_t i)
{
	return l->v[i].soft && l->v[i].piece == l->v[i - 1].piece;
}

/*
 * Institutions by pattern: "University of Texas", "Miller School",
 * "Example Devices Ltd" - a capitalised place word with capitalised words
 * before it, or "University of" with capitalised words after it.
 */
static int
find_places(const struct toks *l, struct founds *out)
{
	size_t i, j, e;
	bool named;

	for (i = 0; i < l->n; i++) {
		const struct tok *t = &l->v[i];

		if (!t->cap || !is_word(t, W_PLACE))
			continue;
		if (strcmp(t->norm, "university") == 0 && i + 2 < l->n &&
		    strcmp(l->v[i + 1].norm, "of") == 0 && joined(l, i + 1) &&
		    l->v[i + 2].cap && joined(l, i + 2)) {
			for (e = i + 2; e + 1 < l->n && e - i < PLACE_WORDS + 1 &&
			    l->v[e + 1].cap && joined(l, e + 1) &&
			    !is_word(&l->v[e + 1], W_PLACE); e++)
				;
			if (found_push(out, -1, t, &l->v[e]) < 0)
				return -1;
			i = e;
			continue;
		}
		named = false;
		for (j = i; j > 0 && i - j < PLACE_WORDS && joined(l, j) &&
		    l->v[j - 1].cap; j--)
			if (!is_word(&l->v[j - 1], W_STOP))
				named = true;
		if (named && found_push(out, -1, &l->v[j], t) < 0)
			return -1;
	}
	return 0;
}

/* Page order; of two at one place the longer first. */
static int
found_cmp(const void *pa, const void *pb)
{
	const struct found *a = pa, *b = pb;

	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	return a->len > b->len ? -1 : a->len < b->len;
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

/* The concept and the broader ones it implies, into has[] (surface too). */
static void
imply(const struct tables *tb, int c, bool *has, const struct found **surf,
    const struct found *f)
{
	int depth;

	for (depth = 0; c >= 0 && depth < 4; depth++) {
		if (!has[c]) {
			has[c] = true;
			if (surf)
				surf[c] = f;
		}
		if (tb->parent[c][1] >= 0)
			imply(tb, tb->parent[c][1], has, surf, f);
		c = tb->parent[c][0];
	}
}

/* Is `anc` a broader concept of c? */
static bool
broader(const struct tables *tb, int anc, int c)
{
	int depth, k;

	for (depth = 0; c >= 0 && depth < 4; depth++) {
		for (k = 0; k < 2; k++) {
			if (tb->parent[c][k] == anc)
				return true;
			if (k == 1 && tb->parent[c][1] >= 0 &&
			    broader(tb, anc, tb->parent[c][1]))
				return true;
		}
		c = tb->parent[c][0];
	}
	return false;
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
		uint32_t h;	/* word_hash() of the word */
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
		if (tokenize(b.s, b.len, '\n', &rec) < 0)
			goto out;
		index_words(tb, &rec);
		if (find_concepts(tb, &rec, &rf) < 0 ||
		    keep_words(&ir->words, &rec) < 0)
			goto out;
	}
	for (k = 0; k < rf.n; k++)
		imply(tb, rf.v[k].concept, ir->has, NULL, NULL);
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
	if (tokenize(acronym, strlen(acronym), '\n', &r->acronym) < 0)
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
		imply(j->tb, f->concept, j->page_has, j->surf, f);
		if (counts)
			direct[f->concept] = true;
	}
	/* A concept and a broader one ("MSC", "stem cell") count once. */
	for (c = 0; c < (int)N_CONCEPTS; c++) {
		if (!direct[c])
			continue;
		for (d = 0; d < (int)N_CONCEPTS; d++)
			if (d != c && direct[d] && broader(j->tb, c, d))
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
	if (tables_init(&id->tb) < 0) {
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
	tables_free(&id->tb);
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
		r->num_h = word_hash(r->num, strlen(r->num));
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
	if (tokenize(context ? context : "", context ? len : 0, '\n',
	    &j.page) < 0)
		goto out;
	index_words(j.tb, &j.page);
	if (mark_multi(&j) < 0 || find_concepts(j.tb, &j.page, &j.pf) < 0 ||
	    find_places(&j.page, &j.pf) < 0)
		goto out;
	find_acronym(&j);
	if (j.pf.n > 1)
		qsort(j.pf.v, j.pf.n, sizeof(*j.pf.v), found_cmp);
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

#define ELLIPSIS "\xe2\x80\xa6"

/* Back up to the start of the UTF-8 character at s[k]. */
static size_t
char_start(const char *s, size_t k)
{
	while (k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

int
identity_claim(const struct mention *m, struct claim *out)
{
	const char *ctx = m->context, *end = ctx + m->context_len;
	const char *blk = ctx, *p, *nl;
	size_t blen, from = 0, to, pre, post;
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
	to = blen;
	if (blen > EXCERPT_MAX) {
		const char *id = memmem(blk, blen, m->nct_id, strlen(m->nct_id));
		size_t at = id ? (size_t)(id - blk) : 0;

		/* A third of the room before the ID, the rest after it. */
		if (at > EXCERPT_MAX / 3)
			from = char_start(blk, at - EXCERPT_MAX / 3);
		pre = from > 0 ? strlen(ELLIPSIS) : 0;
		post = strlen(ELLIPSIS);
		to = from + EXCERPT_MAX - pre - post;
		if (to >= blen) {
			to = blen;
			post = 0;
			if (to - from + pre > EXCERPT_MAX)
				from = char_start(blk, to - (EXCERPT_MAX - pre));
		} else
			to = char_start(blk, to);
	} else
		pre = post = 0;
	if ((ex = malloc(pre + (to - from) + post + 1)) == NULL)
		return -1;
	memcpy(ex, ELLIPSIS, pre);
	memcpy(ex + pre, blk + from, to - from);
	memcpy(ex + pre + (to - from), ELLIPSIS, post);
	ex[pre + (to - from) + post] = '\0';
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

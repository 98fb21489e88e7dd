/*
 * identity_words.c - PURE: what the identity check reads texts with (see
 * identity_words.h): normalised words, word tables, the lexicon compiled,
 * concepts and institutions found in a text.
 */
#include "identity_words.h"

#include <stdlib.h>
#include <string.h>

#define VAR_TOK_MAX	8	/* words in one lexicon phrase */
#define PLACE_WORDS	4	/* capitalised words before "Hospital" & co */

/* ------------------------------------------------------------- words */

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
uint32_t
identity_word_hash(const char *s, size_t n)
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
	w->h = identity_word_hash(w->norm, n);
	return i;
}

/*
 * A new last token of l, its fields unset; NULL on allocation failure.
 * Room for 256 at first: a judgement's page words are about that many,
 * and growing up to them from 16 cost 1 % of a scan.
 */
static struct tok *
toks_add(struct toks *l)
{
	struct tok *v;

	if ((v = text_grow_from(l->v, &l->cap, l->n, sizeof(*v), 256)) == NULL)
		return NULL;
	l->v = v;
	return &l->v[l->n++];
}

/*
 * Cut text into words.  `brk` separates blocks (phrases in the lexicon);
 * every other non-word byte separates words.  0 / -1.
 */
int
identity_tokenize(const char *text, size_t len, char brk, struct toks *out)
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

/* ------------------------------------------------------------ words */

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
	uint32_t h = identity_word_hash(norm, n);
	struct word *w = wordtab_slot(t, norm, n, h);

	if (w->norm == NULL) {
		w->norm = norm;
		w->h = h;
		w->len = (unsigned)n;
	}
	return w;
}

/* ------------------------------------------------------------ tables */

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

void
identity_tables_free(struct tables *tb)
{
	free(tb->words.v);
	free(tb->vars);
	free(tb->stops.v);
	free(tb->index.v);
}

int
identity_tables_init(struct tables *tb)
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
			tb->parent[c][k] = concept_index(p,
			    bar ? (size_t)(bar - p) :
			    strlen(p));
			/* A misspelt parent fails every judgement: tests see it. */
			if (tb->parent[c][k] < 0)
				goto out;
			p = bar ? bar + 1 : NULL;
		}
		if (identity_tokenize(identity_lexicon[c].phrases,
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
		if (identity_tokenize(identity_stop_words[k],
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
		identity_tables_free(tb);
	return rc;
}

/*
 * Each word's entry in the index, looked up once: identity_find_concepts(),
 * is_content() and identity_find_places() all ask, and a text's words must go
 * through here before they do.
 */
void
identity_index_words(const struct tables *tb, struct toks *l)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		l->v[k].w = wordtab_get(&tb->index, &l->v[k]);
}

/* ------------------------------------------------------------ concepts */

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
int
identity_find_concepts(const struct tables *tb, const struct toks *l,
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
int
identity_find_places(const struct toks *l, struct founds *out)
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
			for (e = i + 2; e + 1 < l->n &&
			    e - i < PLACE_WORDS + 1 &&
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
int
identity_found_cmp(const void *pa, const void *pb)
{
	const struct found *a = pa, *b = pb;

	if (a->s != b->s)
		return a->s < b->s ? -1 : 1;
	return a->len > b->len ? -1 : a->len < b->len;
}

/* The concept and the broader ones it implies, into has[] (surface too). */
void
identity_imply(const struct tables *tb, int c, bool *has,
    const struct found **surf,
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
			identity_imply(tb, tb->parent[c][1], has, surf, f);
		c = tb->parent[c][0];
	}
}

/* Is `anc` a broader concept of c? */
bool
identity_broader(const struct tables *tb, int anc, int c)
{
	int depth, k;

	for (depth = 0; c >= 0 && depth < 4; depth++) {
		for (k = 0; k < 2; k++) {
			if (tb->parent[c][k] == anc)
				return true;
			if (k == 1 && tb->parent[c][1] >= 0 &&
			    identity_broader(tb, anc, tb->parent[c][1]))
				return true;
		}
		c = tb->parent[c][0];
	}
	return false;
}


/*
 * identity_words.h - PURE, internal to identity.c: text cut into
 * normalised words, the lexicon (identity_lexicon.c) compiled into tables
 * of them, and the concepts and institutions a text names.
 */
#ifndef CTMIRROR_IDENTITY_WORDS_H
#define CTMIRROR_IDENTITY_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "identity_lexicon.h"
#include "text.h"

#define TOK_MAX		40	/* bytes of a normalised word kept */

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
	uint32_t h;		/* identity_word_hash(norm): the tables' key */
	/* Its entry in the lexicon's index, NULL if none (index_words). */
	const struct word *w;
	char norm[TOK_MAX];
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

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

/* FNV-1a of a normalised word: what word tables are looked up by. */
uint32_t identity_word_hash(const char *s, size_t n);

/*
 * Cut text into words.  `brk` separates blocks (phrases in the lexicon);
 * every other non-word byte separates words.  0 / -1.
 */
int identity_tokenize(const char *text, size_t len, char brk,
    struct toks *out);

/* Compile the lexicon into *tb.  0 / -1 (nothing to free then). */
int identity_tables_init(struct tables *tb);
void identity_tables_free(struct tables *tb);

/*
 * Each word's entry in the index, looked up once: identity_find_concepts(),
 * is_content() and identity_find_places() all ask, and a text's words must go
 * through here before they do.
 */
void identity_index_words(const struct tables *tb, struct toks *l);

/* Lexicon phrases in l: the longest at each word, all that long.  0 / -1. */
int identity_find_concepts(const struct tables *tb, const struct toks *l,
    struct founds *out);

/*
 * Institutions by pattern: "University of Texas", "Miller School",
 * "Example Devices Ltd".  0 / -1.
 */
int identity_find_places(const struct toks *l, struct founds *out);

/* qsort order of founds: page order; of two at one place the longer first. */
int identity_found_cmp(const void *pa, const void *pb);

/* The concept c and the broader ones it implies, into has[] (and surf[]). */
void identity_imply(const struct tables *tb, int c, bool *has,
    const struct found **surf, const struct found *f);

/* Is `anc` a broader concept of c? */
bool identity_broader(const struct tables *tb, int anc, int c);

/* An NCT ID (normalised to lower case). */
static inline bool
is_nct(const struct tok *t)
{
	char id[NCT_ID_SIZE];

	return t->nlen == 11 && text_nct_at((const unsigned char *)t->norm, 0,
	    11, 0, id);
}

/* Is t (through identity_index_words()) in the index as `flag`? */
static inline bool
is_word(const struct tok *t, unsigned flag)
{
	return t->w != NULL && (t->w->flags & flag);
}

/*
 * A word that can tell trials apart: four letters or more, or an
 * abbreviation in capitals; not a generic word, a number or an NCT ID.
 */
static inline bool
is_content(const struct tok *t)
{
	size_t n = t->nlen;

	if (!t->alpha || is_nct(t))
		return false;
	if (n < 4 && !(t->upper && n >= 2))
		return false;
	return !is_word(t, W_STOP);
}

/* Does lexicon word `w` match text word `t`? */
static inline bool
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

#endif

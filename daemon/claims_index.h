/*
 * claims_index.h - PURE, internal to the claims_*.c files: the phrase
 * lexicon compiled into struct claims_index (claims.h), the word lists a
 * scan looks words up in, and the word helpers every claims file uses.
 * The lexicon itself is data at the top of claims_index.c.
 */
#ifndef CTMIRROR_CLAIMS_INDEX_H
#define CTMIRROR_CLAIMS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "claims.h"
#include "text.h"

/* ------------------------------------------------------------ phrases */

enum family {
	FAM_RESULTS,		/* results-pending */
	FAM_PUBLICATION,	/* publication-pending */
	FAM_STATUS,
	FAM_NOT,		/* a negated status: swallows its words */
	FAM_DONE,		/* results/paper out: cancels the clause's */
};

/*
 * A phrase is lower-case words separated by one space; "a|b" are
 * alternatives, a trailing '?' makes a word optional (never the first).
 * In the text, words may be separated by any run of spaces, line breaks
 * or hyphens ("in-progress", "not-yet-recruiting").  At each word the
 * longest phrase wins; a phrase inside an earlier one is dropped, and a
 * FAM_NOT/FAM_DONE phrase overlapping an earlier one too ("not yet
 * published in" is pending, not "published in").
 */
struct phrase {
	const char *pat;
	enum family fam;
	unsigned bits;	/* FAM_STATUS: status bits; FAM_DONE: kinds cancelled */
	bool verb;	/* also an ordinary verb: check the words around it */
};

/* ------------------------------------------------------------- names */

/*
 * A name for a trial: an acronym tied on the page or by the registry
 * (claims_acronym.c).  Tables of names are sorted by claims_name_cmp(),
 * so the names sharing a key sit together, longest first.
 */
struct name {
	const unsigned char *s;	/* borrowed: page text or the index's copy */
	size_t len, keylen;	/* key: the leading word */
	size_t seq;		/* where it was tied, or its registry entry */
	char id[NCT_ID_SIZE];
};

/* ------------------------------------------------------------- index */

/*
 * A hash table over the keys of a sorted array: each slot stands for the
 * run of elements sharing one key.  Open addressing, at most half full.
 */
struct slot {
	const unsigned char *key;	/* borrowed; NULL: a free slot */
	size_t len;
	size_t first, count;		/* the run in the array */
};

struct htab {
	struct slot *v;
	size_t mask;
	bool fold;	/* keys are lower case; text is folded to them */
};

/* One alternative of a phrase word: "posted" in "posted|available". */
struct alt {
	const char *s;		/* borrowed from the phrase table */
	size_t len;
};

/*
 * One word of a phrase: its alternatives, whether it may be left out, or
 * a gap ("*") of a few words.
 */
struct tok {
	size_t alt0, nalt;
	bool opt, gap;
};

/* A phrase's words: toks[tok0 .. tok0 + ntok). */
struct cphrase {
	size_t tok0, ntok;
};

/*
 * Words by their first two bytes, folded, and their length (0: any): a
 * bit for each, shared by many words, so only a set bit says "maybe".
 */
struct wfilter {
	uint64_t bits[32768 / 64];
};

/* A word that can start a phrase ("results"), and that phrase. */
struct lead {
	const unsigned char *w;	/* borrowed from the phrase table */
	size_t len;
	size_t phrase;
};

/*
 * The phrase table cut into words once, so matching never re-reads the
 * pattern strings, and every page's words looked up by their first word;
 * the registry's names sorted and hashed by key, so a page costs nothing
 * per registry name.  Read-only once built.
 */
struct claims_index {
	/* The phrase lexicon, compiled. */
	struct alt *alts;
	struct tok *toks;
	struct cphrase *ph;	/* one per phrase of the table */
	struct lead *leads;	/* sorted by word, then phrase */
	size_t n_leads;
	struct htab lead_tab;
	struct htab abbrev_tab;	/* words before a '.' that ends no sentence */
	/*
	 * To pass over most words without hashing them: the first two
	 * bytes and the length of every lead, and the first two bytes of
	 * every month name (wf_has), and of every registry name (pair_has).
	 */
	struct wfilter lead_f, month_f;
	uint64_t name_pair[65536 / 64];

	/* The registry's names (claims_acronym.c). */
	unsigned char *text;	/* the registry's acronyms, trimmed */
	struct name *v;		/* ... as names over `text` */
	size_t n;
	struct htab name_tab;
};

static inline unsigned
wf_key(unsigned char a, unsigned char b, size_t len)
{
	return (unsigned)(text_lower(a) & 31) << 10 |
	    (unsigned)(text_lower(b) & 31) << 5 |
	    (unsigned)(len < 31 ? len : 31);
}

static inline void
wf_set(struct wfilter *f, unsigned char a, unsigned char b, size_t len)
{
	unsigned k = wf_key(a, b, len);

	f->bits[k / 64] |= (uint64_t)1 << (k % 64);
}

/* Might a word of len bytes starting a, b (b 0 if len is 1) be in f? */
static inline bool
wf_has(const struct wfilter *f, unsigned char a, unsigned char b, size_t len)
{
	unsigned k = wf_key(a, b, len);

	return (f->bits[k / 64] >> (k % 64)) & 1;
}

static inline bool
pair_has(const uint64_t *bits, unsigned char a, unsigned char b)
{
	unsigned k = (unsigned)a << 8 | b;

	return (bits[k / 64] >> (k % 64)) & 1;
}

static inline void
pair_set(uint64_t *bits, unsigned char a, unsigned char b)
{
	unsigned k = (unsigned)a << 8 | b;

	bits[k / 64] |= (uint64_t)1 << (k % 64);
}

/* Builds the hash of a sorted array: key k of v, and its length. */
typedef const unsigned char *(*key_fn)(const void *v, size_t k, size_t *len);

/* Hash the runs of equal keys of the sorted array v[0..n).  0 / -1. */
int claims_htab_build(struct htab *h, const void *v, size_t n, key_fn key,
    bool fold);

/* The run of elements with key s[0..n), or NULL. */
const struct slot *claims_htab_get(const struct htab *h, const unsigned char *s,
    size_t n);

/* Byte order, a prefix first: how name and lead tables are sorted. */
static inline int
claims_key_cmp(const unsigned char *a, size_t an, const unsigned char *b,
    size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

/* Might a phrase start at the word t[i..we)?  (Most words: no.) */
static inline bool
claims_phrase_maybe(const struct claims_index *ix, const unsigned char *t,
    size_t i, size_t we)
{
	return wf_has(&ix->lead_f, t[i], we - i > 1 ? t[i + 1] : 0, we - i);
}

/*
 * The phrase starting at word start i of t[..hi), or NULL: the longest, of
 * equals the first in the table; its end in *e.  Only the phrases the
 * word t[i..we) (its word characters) leads to are tried.
 */
const struct phrase *claims_phrase_at(const struct claims_index *ix,
    const unsigned char *t, size_t i, size_t we, size_t hi, size_t *e);

/*
 * "completed" at t[s..e) as a state ("HERA completed"), not a verb ("who
 * completed the"): the words around it say which.  lo and hi bound the
 * text looked at.
 */
bool claims_status_word_ok(const unsigned char *t, size_t lo, size_t s,
    size_t e, size_t hi);

/* Is the lower-case word w[0..n) one before a '.' that ends no sentence? */
bool claims_abbrev(const struct claims_index *ix, const char *w, size_t n);

/* ------------------------------------------------------------- words */

/*
 * Does a word start at t[i]?  A hyphen between letters keeps the word
 * going: "in-progress", "non-completed", "2026-05" are one word each.
 */
static inline bool
claims_word_start(const unsigned char *t, size_t lo, size_t i)
{
	if (!text_is_alnum(t[i]))
		return false;
	if (i == lo)
		return true;
	if (text_is_wordch(t[i - 1]))
		return false;
	return !(t[i - 1] == '-' && i - 1 > lo && text_is_alnum(t[i - 2]));
}

/* Does a word end at j (before t[j]) of t[..hi)? */
static inline bool
claims_word_end(const unsigned char *t, size_t j, size_t hi)
{
	if (j >= hi)
		return true;
	if (text_is_wordch(t[j]))
		return false;
	return !(t[j] == '-' && j + 1 < hi && text_is_alnum(t[j + 1]));
}

/*
 * Case-insensitive: does lower-case `w` start t[i..hi), ending a word?
 * (No strlen: most calls fail at the first letter.)
 */
static inline bool
claims_word_is(const unsigned char *t, size_t i, size_t hi, const char *w)
{
	size_t k;

	for (k = 0; w[k]; k++)
		if (i + k >= hi || text_lower(t[i + k]) != (unsigned char)w[k])
			return false;
	return i + k == hi || !text_is_alnum(t[i + k]);
}

/* Is w[0..n) (folded to lower case if `fold`) in the NULL-ended list? */
static inline bool
claims_in_list(const unsigned char *w, size_t n, const char *const *list,
    bool fold)
{
	const char *l;
	size_t k;

	for (; *list; list++) {
		l = *list;
		for (k = 0; k < n && l[k] && (fold ? text_lower(w[k]) : w[k]) ==
		    (unsigned char)l[k]; k++)
			;
		if (k == n && l[k] == '\0')
			return true;
	}
	return false;
}

/*
 * The letters-only word ending at t[j] (not before lo), lower-cased into
 * buf (size bytes; "" if longer); where it starts.
 */
static inline size_t
claims_word_before(const unsigned char *t, size_t lo, size_t j, char *buf,
    size_t size)
{
	size_t s = j, n;

	while (s > lo && j - s < size - 1 && text_is_alpha(t[s - 1]))
		s--;
	if (s > lo && text_is_alpha(t[s - 1]))
		s = j;		/* too long to be one of ours */
	for (n = 0; s + n < j && n < size - 1; n++)
		buf[n] = (char)text_lower(t[s + n]);
	buf[n] = '\0';
	return s;
}

#endif

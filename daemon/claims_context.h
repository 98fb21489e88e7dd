/*
 * claims_context.h - PURE, internal to the claims_*.c files: the words
 * around a claim phrase, which say whose claim it is and whether it is one
 * (claims_context.c, where the word lists are).
 */
#ifndef CTMIRROR_CLAIMS_CONTEXT_H
#define CTMIRROR_CLAIMS_CONTEXT_H

#include "claims_index.h"

/* Does a word of t[s..e) appear in list (any case)? */
bool claims_has_word(const unsigned char *t, size_t s, size_t e,
    const char *const *list);

/*
 * Does t[a..b), between two trial names, join them into one subject?
 * Only joining words ("and", "both", "trials") and punctuation, and
 * whatever is in parentheses ("ARBOR-HF (zanorelin, HFpEF) and
 * SENTINEL-AF").
 */
bool claims_joined(const unsigned char *t, size_t a, size_t b);

/* What a word at a word start does to the clause it is in. */
enum ctx_word {
	CTX_NONE,
	CTX_CLAUSE,	/* "whereas", "but": a new clause, its own subject */
	CTX_SUB,	/* "if", "whether", "once": a part that asserts nothing */
	CTX_NEG,	/* "neither", "nor": its status is denied */
	CTX_WAS,	/* "Was:", "Previously:": the old half of a correction */
	CTX_NOW,	/* "Now:", "New:": the new half */
};

/*
 * The word t[i..we) (we: the end of its characters, hi: of the block):
 * what it does.  Most words are told apart without a list lookup.
 */
enum ctx_word claims_context_word(const unsigned char *t, size_t i,
    size_t we, size_t hi);

/* What the scan knows of the clause a phrase is found in. */
struct clause_view {
	size_t sent_s;		/* its sentence's start */
	bool sub;		/* in an "if", "whether", "when" part */
	bool was;		/* after "Was:", before "Now:" */
	bool neg;		/* after "neither", "nor" */
	bool named;		/* it names a trial ... */
	size_t last_e;		/* ... that ends here, the last one */
};

/*
 * Is the phrase ph at t[s..e) of the clause cv (words from lo, the block
 * ending at hi) no claim, by its context: quoted, in a question's
 * "whether" part, the old half of a "Was: ... Now:", or (a status)
 * negated, hypothetical, past ("was recruiting"), a participle ("before
 * enrolling anyone") or a state of something not a trial ("UK sites are
 * not yet recruiting")?
 */
bool claims_out_of_context(const struct clause_view *cv,
    const unsigned char *t, size_t lo, size_t s, size_t e, size_t hi,
    const struct phrase *ph);

#endif

/*
 * identity_lexicon.h - PURE, internal to identity.c: the lexicon of
 * concepts (diseases, interventions, tissues, institutions) and the word
 * lists the identity check reads pages and records with.  The data are in
 * identity_lexicon.c; how they are used is in identity.h.
 */
#ifndef CTMIRROR_IDENTITY_LEXICON_H
#define CTMIRROR_IDENTITY_LEXICON_H

enum kind {
	K_COND,		/* a condition */
	K_INTERV,	/* an intervention or its class */
	K_TISSUE,	/* a cell or tissue source */
	K_PLACE,	/* an institution */
};

/*
 * A concept and the phrases that name it, '|'-separated.  A phrase is
 * matched word by word after normalisation (so "Parkinson's disease"
 * matches "parkinson disease"); a phrase with a capital letter matches only
 * as written ("PD" not "pd"), plural s allowed.  `parents` names broader
 * concepts (also '|'-separated) that a mention implies.  At each word the
 * longest phrase wins; phrases of equal length all count ("BM-MSC" is
 * both "bone marrow" and "msc").  To extend: add a row or a phrase.
 */
struct concept {
	const char *name;
	enum kind kind;
	const char *parents;
	const char *phrases;
};

/*
 * Rows of identity_lexicon[]: a constant, so that a judgement sizes its
 * per-concept arrays without allocating.  identity_lexicon.c fails to
 * compile until it matches the table: add a row, raise it.
 */
#define N_CONCEPTS 116

/* N_CONCEPTS concepts; a concept's index here is its number everywhere. */
extern const struct concept identity_lexicon[];

/* Words that name an institution when capitalised words come with them. */
extern const char *const identity_place_words[];

/* Words too generic to tell two trials apart (NULL-ended). */
extern const char *const identity_stop_words[];

#endif

/*
 * identity.h - PURE: does the trial a page describes next to an NCT ID look
 * like the registry record of that ID?  The identity-mismatch rule of
 * DESIGN.md ("Claims and rules").  No I/O, no logging, no global state.
 *
 * How the decision is made (conservative: a flag needs the page to say
 * enough, and to say nothing the record says):
 *
 *  1. Both sides are cut into words and normalised: ASCII lower case,
 *     punctuation and the possessive 's dropped, a plural s taken off
 *     ("MSCs" = "MSC", "Parkinson's" = "Parkinson").  Abbreviations written
 *     in capitals ("PD", "AD", "MS") only count when the page writes them in
 *     capitals too.
 *  2. A built-in lexicon (identity.c, a table easy to extend) maps phrases
 *     to concepts: diseases ("PD" = "Parkinson's disease" = "parkinsonism"),
 *     intervention classes ("MSC" = "mesenchymal stem/stromal cells" =
 *     "hMSC"; "CBD" = "cannabidiol"), cell and tissue sources ("BM" = "bone
 *     marrow").  A concept may have broader ones ("MSC" is a kind of "stem
 *     cell", "NSCLC" a kind of "cancer") that it also matches.  Institutions
 *     are recognised by pattern ("University of X", "X Hospital", "X Inc.")
 *     and a few names ("UTHealth").
 *  3. The record gives its words and concepts: brief and official title,
 *     acronym, conditions and their MeSH terms, interventions with their
 *     other names and MeSH terms, keywords, lead sponsor, collaborators
 *     (generic words such as "study", "randomized", "placebo", "disease",
 *     "university" are ignored on both sides).
 *  4. MATCH when the page context shares anything with the record: a
 *     concept, a descriptive word (four letters or more, or a capitalised
 *     abbreviation), the record's acronym written as the registry writes it,
 *     or the enrolment figure ("n=45" against an enrollment of 45).
 *  5. MISMATCH only when nothing is shared and the page gives at least
 *     `min_terms` descriptive concepts of its own about the trial, at least
 *     one of them a condition or an intervention (institutions count once
 *     together; a concept and its broader one count once).  Blocks that
 *     name two or more NCT IDs still count for sharing, but not toward
 *     `min_terms`: their words may be about the other trial.
 *  6. UNKNOWN otherwise: too little said to judge.  No flag.
 */
#ifndef CTMIRROR_IDENTITY_H
#define CTMIRROR_IDENTITY_H

#include <stddef.h>

#include "model.h"

/* The default of identity_opts.min_terms (config key identity_min_terms). */
#define IDENTITY_MIN_TERMS 2

enum identity_outcome {
	IDENTITY_UNKNOWN = 0,	/* too little context: raise nothing */
	IDENTITY_MATCH,
	IDENTITY_MISMATCH,
};

struct identity_opts {
	/*
	 * Descriptive page concepts needed before a disagreement is a
	 * mismatch; 0 turns the check off (every verdict UNKNOWN).
	 */
	unsigned min_terms;
};

struct identity_verdict {
	enum identity_outcome outcome;
	unsigned page_terms;	/* descriptive concepts counted toward min_terms */
	unsigned shared;	/* concepts and words page and record share */
	/*
	 * Why, in a maintainer's words; new, freed by identity_verdict_finish.
	 * For MISMATCH the flag's evidence: the page's words, the record's
	 * title, conditions and interventions.
	 */
	char *evidence;
};

/*
 * A judge: the lexicon compiled once, with the options.  `o` may be NULL
 * for the defaults.  New (identity_free), or NULL on allocation failure.
 * Immutable once made: one judge serves any number of judgements.
 */
struct identity;
struct identity *identity_new(const struct identity_opts *o);
/* NULL is a no-op. */
void identity_free(struct identity *id);

/*
 * A registry record made ready to judge (step 3 above): its words,
 * concepts, content words, acronym and enrollment, read once, so that a
 * record cited by many pages is not read again for every citation.  New
 * (identity_record_free), or NULL on allocation failure; `rec` is not
 * NULL.  It keeps copies of what the evidence text quotes, nothing of
 * `rec`, which may be freed as soon as this returns: a scan keeps
 * thousands prepared, so it is a few KB rather than the study's tens.  It
 * borrows nothing from `id`, and any judge may use it (the lexicon is
 * built in).  Immutable once made: any number of judgements, from any
 * thread, may share it.
 */
struct identity_record;
struct identity_record *identity_record_new(const struct identity *id,
    const struct study *rec);
/*
 * Bytes identity_record_pack() needs for r: all the memory r holds, so a
 * cache can bound itself by it.
 */
size_t identity_record_size(const struct identity_record *r);
/*
 * Copy r into buf (identity_record_size(r) bytes, 8-byte aligned) as one
 * block that points only into itself, and return it there: a judge reads
 * it as it reads r.  Never freed with identity_record_free(); it goes
 * with buf.  A scan keeps thousands of records, and packing them into a
 * few large blocks keeps them out of the heap the records are parsed in
 * (there, one long-lived record every few hundred transient allocations
 * made malloc search its bins: a fifth of a scan's CPU).
 */
const struct identity_record *identity_record_pack(
    const struct identity_record *r, void *buf);
/*
 * A packed record whose bytes were copied from `was` (where
 * identity_record_pack() put them) to buf, 8-byte aligned: its pointers
 * moved with it, returned there.  So a record packed once can be written
 * out and read back anywhere (judge.c keeps them in a file).
 */
const struct identity_record *identity_record_moved(void *buf,
    const void *was);
/* NULL is a no-op. */
void identity_record_free(struct identity_record *r);

/*
 * Judge what a page says about one trial (`context`, `len` bytes, such as
 * struct mention's; need not be NUL-terminated; '\n' separates blocks)
 * against `r`, the prepared registry record its NCT ID resolves to
 * (borrowed, only read; NULL gives UNKNOWN).  Fills *out (overwritten, not
 * freed first).  0, or -1 on allocation failure (*out then holds no
 * evidence).  Neither the judge nor the record changes.
 */
int identity_judge_record(const struct identity *id,
    const struct identity_record *r, const char *context, size_t len,
    struct identity_verdict *out);

/*
 * The citation claim of a mention, into *out (overwritten): kind
 * CLAIM_MENTION, its NCT ID and line, no as-of date, phrase the NCT ID,
 * and as excerpt the first block that names the ID, cut around the ID as
 * every claim's excerpt is (text_excerpt(): at most 200 bytes, at words
 * where it can, valid UTF-8).  The strings are
 * new; claims_list_finish() frees them with the list.  0 / -1 (nothing
 * allocated then).
 */
int identity_claim(const struct mention *m, struct claim *out);

/* Free the evidence.  NULL is a no-op. */
void identity_verdict_finish(struct identity_verdict *v);

#endif

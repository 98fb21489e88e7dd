/*
 * study.h - PURE: one ClinicalTrials.gov API v2 study object (JSON) into a
 * struct study with the key fields, the canonical JSON and its hash.
 * No I/O, no logging; errors come back through struct study_error.
 */
#ifndef CTMIRROR_STUDY_H
#define CTMIRROR_STUDY_H

#include <jansson.h>

#include "model.h"

/* Why a record was refused: names the NCT ID (when known) and JSON path. */
struct study_error {
	char nct_id[NCT_ID_SIZE];	/* "" when the record has none */
	char path[256];			/* RFC 6901 pointer of the culprit, "" for the whole */
	char text[256];
};

/*
 * Parse a study object.  `expect_id` (may be NULL) is the NCT ID that was
 * asked for; a record whose nctId differs is refused.  `root` is borrowed
 * and, to dump the canonical text without a copy, briefly altered and put
 * back: it must not be in use by another thread meanwhile.
 * Returns: new study (study_free), or NULL with *err filled.
 */
struct study *study_from_json(const json_t *root, const char *expect_id,
    struct study_error *err);

/*
 * The same for a record as text, the way the sync reads it: the text is
 * checked whole (jsonscan.h), but only the members that are read become
 * a tree, so the resultsSection of a record with results (most of its
 * bytes) is never parsed into one.  s->canonical is then the text as
 * given with the volatile members cut out (a byte copy: what is stored,
 * and PostgreSQL's jsonb normalises it), and s->hash covers exactly it,
 * so the daily versionHolder does not move it; a change of layout only
 * (key order, spacing) does, and the caller's diff then finds nothing to
 * store.
 * New (study_free) or NULL with *err filled.
 */
struct study *study_from_text(const char *text, size_t len,
    const char *expect_id, struct study_error *err);

/* Same from text (a whole document that is one study).  New or NULL. */
struct study *study_parse(const char *text, size_t len, const char *expect_id,
    struct study_error *err);

void study_free(struct study *s);

/*
 * The canonical form of a study object: a deep copy without the volatile
 * members (versionHolder, modelPredictions).  New reference, or NULL on
 * allocation failure.  diff.c compares canonical forms.
 */
json_t *study_canonical_json(const json_t *root);

/*
 * The same in place, for a tree the caller owns and will not serve up as
 * the registry's words again: drop the volatile members from root.
 * NULL and non-objects are left alone.
 */
void study_strip_volatile(json_t *root);

/* "NOT_YET_RECRUITING" -> ST_NOT_YET_RECRUITING, ...; 0 if unknown. */
unsigned study_status_bit(const char *overall_status);

/*
 * Fill a trial_state that borrows from s (valid while s lives).
 * `pmids` must have room for s->n_refs pointers.
 */
void study_state(const struct study *s, struct trial_state *st,
    const char **pmids);

#endif

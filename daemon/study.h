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
 * Parse a study record as the registry sends it (JSON text, len bytes,
 * need not be NUL-terminated).  `expect_id` (may be NULL) is the NCT ID
 * that was asked for; a record whose nctId differs is refused.  The text
 * is checked whole (jsonscan.h), but only the members that are read
 * become a tree, so the resultsSection of a record with results (most of
 * its bytes) is never parsed into one.  s->canonical is the text as given
 * with the volatile members cut out (a byte copy: what is stored, and
 * PostgreSQL's jsonb normalises it), and s->hash covers exactly it, so
 * the daily versionHolder does not move it; a change of layout only (key
 * order, spacing) does, and the caller's diff then finds nothing to
 * store.  New (study_free) or NULL with *err filled.
 */
struct study *study_from_text(const char *text, size_t len,
    const char *expect_id, struct study_error *err);

/* Free a study.  NULL is a no-op. */
void study_free(struct study *s);

/*
 * Drop the volatile members from root, a tree the caller owns (a record
 * parsed to be diffed), as study_from_text() drops them from the text it
 * stores.  NULL and non-objects are left alone.
 */
void study_strip_volatile(json_t *root);

#endif

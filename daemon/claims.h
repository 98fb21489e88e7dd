/*
 * claims.h - PURE: page text into claims about trials (DESIGN.md "Claims
 * and rules").  Trials are named by NCT ID or by an acronym tied to an ID
 * (on the page, or by the registry's acronym of a tracked trial).  A claim
 * phrase belongs to the trials named in its sentence / table row / list
 * item, else to the trial named last before it in the paragraph.  Phrase
 * families and date formats are tables in claims.c.  No I/O, no logging.
 */
#ifndef CTMIRROR_CLAIMS_H
#define CTMIRROR_CLAIMS_H

#include <stddef.h>

#include "model.h"

/* An acronym the registry ties to a tracked trial (borrowed strings). */
struct claims_acronym {
	const char *acronym;	/* e.g. "HERA" */
	const char *nct_id;
};

/*
 * Append the claims of one page to *out.  `text` need not be NUL-terminated
 * nor valid UTF-8 (invalid bytes are tolerated, excerpts are kept valid).
 * 0, or -1 on allocation failure.
 */
int claims_extract(const char *text, size_t len,
    const struct claims_acronym *acronyms, size_t n_acronyms,
    struct claim_list *out);

/*
 * Every distinct NCT ID the text mentions, in order of first mention, into
 * a new array of NCT_ID_SIZE strings (*ids, free() it).  0 / -1.
 */
int claims_nct_ids(const char *text, size_t len, char (**ids)[NCT_ID_SIZE],
    size_t *n);

void claims_list_finish(struct claim_list *l);

/*
 * Append to *out one struct mention per distinct NCT ID the page names
 * (in order of first mention; an acronym tied to an ID names it too), with
 * the page's words about that trial in `context` (see model.h): what the
 * identity-mismatch rule compares with the registry record.  The blocks
 * are the ones claims_extract() cuts the page into.  A long block gives
 * at most 2 KB around the name, a trial at most 16 KB in all.  0, or -1
 * on allocation failure (nothing appended then).
 */
int claims_mentions(const char *text, size_t len,
    const struct claims_acronym *acronyms, size_t n_acronyms,
    struct mention_list *out);

/* Free the contexts and the array; the list is empty after.  NULL is a no-op. */
void claims_mentions_finish(struct mention_list *l);

/* "results-pending", "publication-pending", "status".  Static. */
const char *claims_kind_name(enum claim_kind k);

/* "COMPLETED|RECRUITING" style text of a status set into buf.  Returns buf. */
char *claims_statuses_text(unsigned statuses, char *buf, size_t size);

#endif

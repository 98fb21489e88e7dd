/*
 * claims.h - PURE: page text into claims about trials (DESIGN.md "Claims
 * and rules").  The page is read as its readers see it (reader.h), then
 * cut into sentences and clauses.  Trials are named by NCT ID or by an
 * acronym tied to an ID (on the page, or by the registry's acronym of a
 * tracked trial).  A claim phrase belongs to the subject of its clause
 * (the trials named right before it, or those it spans), else to the
 * sentence's last subject, else to the trial named last in the
 * paragraph; a phrase out of context (a question, a quotation, a past or
 * planned state, a negation) is no claim.  Phrase families are tables in
 * claims_index.c, date words in claims_date.c, context words in claims.c.
 * No I/O, no logging.
 */
#ifndef CTMIRROR_CLAIMS_H
#define CTMIRROR_CLAIMS_H

#include <stddef.h>

#include "model.h"
#include "reader.h"

/* An acronym the registry ties to a tracked trial (borrowed strings). */
struct claims_acronym {
	const char *acronym;	/* e.g. "HERA" */
	const char *nct_id;
};

/*
 * The registry's names of the tracked trials, indexed, and the phrase
 * lexicon, compiled: what every page of a scan looks names and phrases up
 * in.  Build it once per scan, not per page: for the registry's ~30,000
 * acronyms it takes as long as scanning about a hundred pages.  It does
 * not change after claims_index_new(), so threads may share it.
 */
struct claims_index;

/*
 * New index of the acronyms acr[0..n) (acr may be NULL when n is 0); it
 * copies the strings, so acr may go once this returns.  Entries without a
 * valid NCT ID, or whose acronym is NULL or shorter than 3 bytes after
 * trimming space, are left out: they never named a trial.
 * claims_index_free() it; NULL on allocation failure.
 */
struct claims_index *claims_index_new(const struct claims_acronym *acr,
    size_t n);

/* Free an index.  NULL is a no-op. */
void claims_index_free(struct claims_index *ix);

/*
 * One pass over a page in format fmt (reader_format_of() its file name):
 * read as its readers see it (reader.h), then append its claims to *claims and, unless mentions
 * is NULL, one struct mention per distinct NCT ID the page names to
 * *mentions.  Trials are named by NCT ID, by the acronyms `ix` holds
 * (borrowed, not NULL) and by those the page ties to an ID itself.
 * `text` need not be NUL-terminated nor valid UTF-8 (invalid bytes are
 * tolerated, excerpts are kept valid).
 *
 * A mention comes in order of first mention (an acronym tied to an ID
 * names it too), with the page's words about that trial in `context`
 * (see model.h): what the identity-mismatch rule compares with the
 * registry record.  Its blocks are the ones the claims are read in; a
 * long block gives at most 2 KB around the name, a trial at most 16 KB in
 * all.
 *
 * 0, or -1 on allocation failure (nothing appended to either list then).
 */
int claims_scan(const char *text, size_t len, enum reader_format fmt,
    const struct claims_index *ix, struct claim_list *claims,
    struct mention_list *mentions);

/*
 * Line breaks are "\n", "\r\n" and, from old Mac exports, a lone "\r".
 * When text[0..len) has a lone "\r", *copy is a new copy (free() it) with
 * each one made "\n", to scan instead: offsets stay the same, and claims,
 * excerpts and line numbers come out as from the same page with "\n".
 * Else *copy is NULL.  0, or -1 on allocation failure.
 */
int claims_page_breaks(const char *text, size_t len, char **copy);

/*
 * Every distinct NCT ID the text mentions, in order of first mention, into
 * a new array of NCT_ID_SIZE strings (*ids, free() it).  0 / -1.
 */
int claims_nct_ids(const char *text, size_t len, char (**ids)[NCT_ID_SIZE],
    size_t *n);

/* Free the claims and the array; the list is empty after.  NULL: no-op. */
void claims_list_finish(struct claim_list *l);

/* Free the contexts and the array; the list is empty after.  NULL: no-op. */
void claims_mentions_finish(struct mention_list *l);

/* "results-pending", "publication-pending", "status".  Static. */
const char *claims_kind_name(enum claim_kind k);

/* "COMPLETED|RECRUITING" style text of a status set into buf.  Returns buf. */
char *claims_statuses_text(unsigned statuses, char *buf, size_t size);

#endif

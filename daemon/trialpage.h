/*
 * trialpage.h - the body of one tracked trial's page of the report: its
 * facts, its life drawn as an SVG timeline (chart.h) from its stored
 * versions and the page claims about it, then the versions, the claims
 * and the change log as tables, so a terminal browser or a screen reader
 * gets all of it too.  Pure: it writes markup from rows it is given.
 */
#ifndef CTMIRROR_TRIALPAGE_H
#define CTMIRROR_TRIALPAGE_H

#include <stddef.h>

#include "html.h"
#include "store.h"

/* What one trial's page shows.  Everything borrowed. */
struct trialpage {
	const struct store_report_trial *trial;
	const char *title;			/* "NCT02982915 HERA" */
	const struct store_report_span *spans;	/* its versions, in order */
	size_t n_spans;
	const struct store_report_change *changes;	/* newest first */
	size_t n_changes;
	const struct store_report_claims *claims;	/* rows [c0, c1) are its */
	size_t c0, c1;
	const char *today;			/* YYYY-MM-DD */
};

/*
 * Write the page's body (what goes between site_page_begin and
 * site_page_end) into h.  0; -1 when out of memory.
 */
int trialpage_write(struct html *h, const struct trialpage *p);

#endif

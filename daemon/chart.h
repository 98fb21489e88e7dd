/*
 * chart.h - a trial's life drawn as inline SVG: status spans in
 * colour, start and completion dates (estimated hollow, actual filled,
 * earlier estimates faint), results submitted and posted, publications,
 * and each page claim about the trial at its as-of date, marked by its
 * verdict.  Pure: it lays out what it is given and writes markup through
 * html.h; the caller reads the store.
 */
#ifndef CTMIRROR_CHART_H
#define CTMIRROR_CHART_H

#include <stddef.h>

#include "html.h"

/* A span of constant registry status.  Strings borrowed. */
struct chart_span {
	const char *from;	/* YYYY-MM[-DD] */
	const char *to;		/* NULL or "": still so today */
	const char *status;	/* registry overallStatus word */
	int version;		/* first version number in it, for the tooltip */
	int last_version;	/* last one (the same when one version) */
};

enum chart_kind {
	TL_START = 0,
	TL_PRIMARY,		/* primary completion */
	TL_COMPLETION,
	TL_SUBMITTED,		/* results submitted, not yet posted */
	TL_POSTED,		/* results first posted */
	TL_PUBLICATION,		/* a RESULT reference appeared */
	TL_CLAIM,		/* a page claim at its as-of date */
};

enum chart_verdict {
	TL_OK = 0,
	TL_RECHECK,
	TL_STALE,
};

/* One dated mark.  Strings borrowed. */
struct chart_event {
	const char *date;	/* YYYY-MM[-DD]; unparsable: not drawn */
	enum chart_kind kind;
	int estimated;		/* dates: the registry says ESTIMATED */
	int superseded;		/* dates: an earlier value, since moved */
	enum chart_verdict verdict;	/* claims */
	const char *label;	/* tooltip text (escaped when written) */
	const char *href;	/* claims: link target the report built, or NULL */
};

struct chart {
	const char *title;	/* the SVG's <title>, e.g. "HERA (NCT02982915)" */
	const struct chart_span *spans;	/* in time order */
	size_t n_spans;
	const struct chart_event *events;	/* any order */
	size_t n_events;
	const char *today;	/* YYYY-MM-DD: the dashed "today" line */
};

/*
 * Write t as one <svg> element (responsive: a viewBox, no fixed size)
 * into h.  Nothing is written when there is nothing to draw.
 */
void chart_svg(struct html *h, const struct chart *t);

/*
 * Days since 1970-01-01 of "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a missing
 * month or day counts as the first); -1 when s is no such date.
 */
long chart_day(const char *s);

/* The fill colour (CSS class suffix) of a status word: "recruiting", ... */
const char *chart_status_class(const char *status);
/* A status word for people: "ACTIVE_NOT_RECRUITING" -> "Active, not recruiting". */
const char *chart_status_label(const char *status);

#endif

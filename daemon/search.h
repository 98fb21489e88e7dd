/*
 * search.h - PURE: a registry search as [tracking] search.NAME writes it
 * and the API v2 takes it.  Its parameters (query.cond, query.intr,
 * query.term, query.spons, query.titles, query.lead: Essie expressions;
 * filter.overallStatus: statuses; filter.advanced: an Essie expression)
 * become one URL query string, sorted by parameter so that the same
 * search written in another order is the same search; "*" is the search
 * that matches every study.  The same search restricted to the studies
 * updated since a day is what a nightly rerun asks (AACT's loader:
 * AREA[LastUpdatePostDate]RANGE[day,MAX]).
 */
#ifndef CTMIRROR_SEARCH_H
#define CTMIRROR_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

/* Longest search name (the NAME of search.NAME), without the NUL. */
#define SEARCH_NAME_MAX 40

/*
 * `text` ("query.intr=mesenchymal stem cells&filter.overallStatus=
 * RECRUITING", parameters joined by '&', values as written, "%XX" for a
 * byte such as '&'; or "*") as the query string the registry is asked
 * with: "filter.overallStatus=RECRUITING&query.intr=mesenchymal%20stem%20
 * cells"; "" for "*".  New (free()), or NULL with the reason in err
 * (naming the parameter; NULL err: not said).
 */
char *search_parse(const char *text, char *err, size_t errlen);

/* A name of letters, digits, '_' and '-', 1 to SEARCH_NAME_MAX long. */
bool search_name_ok(const char *name);

/*
 * Does `s` (after blanks) start a parameter, "query.cond=" say?  A config
 * line continuing a search starts another parameter if so, else it goes
 * on with the previous parameter's value.
 */
bool search_starts_param(const char *s);

/*
 * The query string asking `query` (search_parse's form) for the studies
 * last updated on or after `day` (YYYY-MM-DD): its query.term ANDed with
 * AREA[LastUpdatePostDate]RANGE[day,MAX], or that alone.  New, or NULL
 * when out of memory.
 */
char *search_since(const char *query, const char *day);

/*
 * `query` as a person reads it: "query.intr=mesenchymal stem cells &
 * filter.overallStatus=RECRUITING"; "every study" for "".  Control
 * characters shown as '?'.  New, or NULL when out of memory.
 */
char *search_text(const char *query);

#endif

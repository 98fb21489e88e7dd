/*
 * claims_date.h - PURE, internal to the claims_*.c files: dates in page
 * text, the as-of and forecast words around them, and the lines that give
 * a page its own date.
 */
#ifndef CTMIRROR_CLAIMS_DATE_H
#define CTMIRROR_CLAIMS_DATE_H

#include "claims_index.h"

/* A date found in a page, at byte pos, as "YYYY-MM-DD". */
struct date_hit {
	size_t pos;
	char d[DATE_SIZE];
};

/* Dates in page order. */
struct dates {
	struct date_hit *v;
	size_t n, cap;
};

/*
 * A date starting at word start i of t[..hi): "2026-05-06", "2026-05",
 * "6 May 2026", "May 6, 2026", "May 2026", "Q2 2026", "2026", in the
 * years 1900 to 2199.  Writes YYYY-MM-DD into out (a month means its
 * first day, a quarter its first month, a year 1 January), sets *e after
 * it and *iso for the YYYY-MM[-DD] forms; returns what it found.
 */
enum text_date claims_date_at(const unsigned char *t, size_t i, size_t hi,
    char out[DATE_SIZE], size_t *e, bool *iso);

/*
 * What the words before the date at t[i] (not before lo) make of it: 1 an
 * as-of date ("as of", "accessed on", "(May 6, 2026)"), -1 a forecast
 * ("expected by"), 0 bare.
 */
int claims_date_mark(const unsigned char *t, size_t lo, size_t i);

/*
 * "Last reviewed: 2026-05-06", "**Updated** May 2026": a page-date label
 * at the start of the line t[i..hi), its date into out.
 */
bool claims_date_label(const unsigned char *t, size_t i, size_t hi,
    char out[DATE_SIZE]);

/*
 * A word (or two) at word start i of t[..hi) that stamps a page with the
 * date a few words after it ("last reviewed", "checked", "as of",
 * "report date"); its end into *e.
 */
bool claims_date_stamp(const unsigned char *t, size_t i, size_t hi,
    size_t *e);

/* Is w[0..n) (any case) a front-matter key that dates the page ("updated")? */
bool claims_date_key(const unsigned char *w, size_t n);

/* Set f's bits for the first two bytes of every month name. */
void claims_date_months(struct wfilter *f);

/* Append a date at pos (d's dates stay in page order).  0 / -1. */
int claims_dates_push(struct dates *d, size_t pos, const char *date);
/* Append all of from's dates to `to`.  0 / -1. */
int claims_dates_append(struct dates *to, const struct dates *from);
/* The date nearest to pos, or NULL if there is none; borrowed from d. */
const char *claims_dates_nearest(const struct dates *d, size_t pos);

#endif

/*
 * claims_date.c - PURE: dates in page text ("2026-05-06", "May 6, 2026",
 * "6 May 2026", "May 2026", "Q2 2026"), what the words before one make of
 * it (an as-of date, a forecast), and the page's own date lines.  The
 * month names and marker words are data below.
 */
#include "claims_date.h"

#include <string.h>

#define NBSP0		0xc2	/* U+00A0, common in pages exported from HTML */
#define NBSP1		0xa0

#define MONTH(s, m) {s, sizeof(s) - 1, m}
#define MONTH_MAX 9	/* the longest name, "september" */

static const struct {
	const char *name;
	size_t len;
	int month;
} months[] = {
	MONTH("january", 1), MONTH("february", 2), MONTH("march", 3),
	MONTH("april", 4), MONTH("may", 5), MONTH("june", 6),
	MONTH("july", 7), MONTH("august", 8), MONTH("september", 9),
	MONTH("october", 10), MONTH("november", 11), MONTH("december", 12),
	MONTH("jan", 1), MONTH("feb", 2), MONTH("mar", 3), MONTH("apr", 4),
	MONTH("jun", 6), MONTH("jul", 7), MONTH("aug", 8), MONTH("sept", 9),
	MONTH("sep", 9), MONTH("oct", 10), MONTH("nov", 11), MONTH("dec", 12),
};

/* A date right after one of these is the claim's as-of date. */
static const char *const date_marks[] = {
	"accessed", "checked", "retrieved", "updated", "reviewed", "verified",
	"viewed", NULL,
};
/* ... and right after one of these it is a forecast, not an as-of date. */
static const char *const date_forecasts[] = {
	"expected", "by", "until", "due", "estimated", "anticipated",
	"projected", NULL,
};

/* Lines that give the page's own date. */
static const char *const page_labels[] = {
	"last reviewed", "last updated", "last checked", "last modified",
	"last edited", "report date", "reviewed", "updated", "checked",
	"accessed", "as of", "as at", NULL,
};
/* Words that stamp the date after them on a page: "checked ... on <date>". */
static const char *const stamp_words[] = {
	"last reviewed", "last updated", "last checked", "last modified",
	"last edited", "last verified", "report date", "reviewed", "updated",
	"checked", "verified", "accessed", "as of", "as at", "up to", NULL,
};
static const char *const front_matter_keys[] = {
	"updated", "last_updated", "last-updated", "lastmod", "last_modified",
	"modified", "reviewed", "last_reviewed", "last-reviewed",
	"date_updated", NULL,
};

/* ------------------------------------------------------------- parsing */

static size_t
count_digits(const unsigned char *t, size_t i, size_t hi)
{
	size_t n = 0;

	while (i + n < hi && text_is_digit(t[i + n]) && n < 5)
		n++;
	return n;
}

static int
number(const unsigned char *t, size_t i, size_t n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (t[i++] - '0');
	return v;
}

/* A calendar day in the years a page's claim can be about. */
static bool
valid_date(int y, int m, int d)
{
	return y >= 1900 && y <= 2199 && text_date_valid(y, m, d);
}

/*
 * A month name (capitalised) at i: 1..12 and *e after it, or 0.  A name
 * must be the whole run of letters and digits there, so only names of
 * that run's length are compared.
 */
static int
month_at(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	size_t k, n;

	if (!text_is_upper(t[i]))
		return 0;
	for (n = 1; i + n < hi && text_is_alnum(t[i + n]); n++)
		if (n == MONTH_MAX)
			return 0;
	for (k = 0; k < sizeof(months) / sizeof(months[0]); k++) {
		if (months[k].len != n ||
		    !claims_word_is(t, i, hi, months[k].name))
			continue;
		*e = i + n;
		if (n <= 4 && *e < hi && t[*e] == '.')
			(*e)++;
		return months[k].month;
	}
	return 0;
}

/* Spaces inside a date ("May\n2026" in a wrapped line): how many. */
static size_t
date_space(const unsigned char *t, size_t i, size_t hi)
{
	size_t j = i;

	while (j < hi && j - i < 4) {
		if (text_is_space(t[j]))
			j++;
		else if (t[j] == NBSP0 && j + 1 < hi && t[j + 1] == NBSP1)
			j += 2;
		else
			break;
	}
	return j - i;
}

/* A 4-digit year at i that ends a word: the year or 0. */
static int
year_at(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	if (i >= hi || count_digits(t, i, hi) != 4 ||
	    (i + 4 < hi && text_is_alnum(t[i + 4])))
		return 0;
	*e = i + 4;
	return number(t, i, 4);
}

/* "6th" -> 6: a day number at i (ordinal suffix allowed), or 0. */
static int
day_at(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	size_t n = count_digits(t, i, hi), j = i + n;

	if (n == 0 || n > 2)
		return 0;
	if (j + 1 < hi && (claims_word_is(t, j, hi, "st") ||
	    claims_word_is(t, j, hi, "nd") || claims_word_is(t, j, hi, "rd") ||
	    claims_word_is(t, j, hi, "th")))
		j += 2;
	if (j < hi && text_is_alnum(t[j]))
		return 0;
	*e = j;
	return number(t, i, n);
}

/*
 * A date starting at word start i: "2026-05-06", "2026-05", "6 May 2026",
 * "May 6, 2026", "May 2026", "Q2 2026", "2026".  Writes YYYY-MM-DD (a
 * month means its first day, a quarter its first month, a year 1 January),
 * sets *e after it and *iso for the YYYY-MM[-DD] forms.
 */
enum text_date
claims_date_at(const unsigned char *t, size_t i, size_t hi, char out[DATE_SIZE],
    size_t *e, bool *iso)
{
	size_t j, k;
	int y, m, d;

	*iso = false;
	if (text_is_digit(t[i]) && count_digits(t, i, hi) == 4) {
		y = number(t, i, 4);
		j = i + 4;
		if (j + 2 < hi && t[j] == '-' && count_digits(t, j + 1, hi) ==
		    2) {
			m = number(t, j + 1, 2);
			k = j + 3;
			if (k + 2 < hi && t[k] == '-' &&
			    count_digits(t, k + 1, hi) == 2) {
				d = number(t, k + 1, 2);
				if (!valid_date(y, m, d))
					return TEXT_DATE_NONE;
				text_date_put(out, y, m, d);
				*e = k + 3;
				*iso = true;
				return TEXT_DATE_DAY;
			}
			if ((k < hi && text_is_alnum(t[k])) || !valid_date(y, m,
			    1))
				return TEXT_DATE_NONE;
			text_date_put(out, y, m, 1);
			*e = k;
			*iso = true;
			return TEXT_DATE_MONTH;
		}
		if ((j < hi && text_is_alnum(t[j])) || !valid_date(y, 1, 1))
			return TEXT_DATE_NONE;
		text_date_put(out, y, 1, 1);
		*e = j;
		return TEXT_DATE_YEAR;
	}
	if (text_is_digit(t[i])) {
		if ((d = day_at(t, i, hi, &j)) == 0)
			return TEXT_DATE_NONE;
		j += date_space(t, j, hi);
		if (j >= hi || (m = month_at(t, j, hi, &k)) == 0)
			return TEXT_DATE_NONE;
		if (k < hi && t[k] == ',')
			k++;
		k += date_space(t, k, hi);
		if ((y = year_at(t, k, hi, e)) == 0 || !valid_date(y, m, d))
			return TEXT_DATE_NONE;
		text_date_put(out, y, m, d);
		return TEXT_DATE_DAY;
	}
	if (t[i] == 'Q' && i + 2 < hi && t[i + 1] >= '1' && t[i + 1] <= '4' &&
	    (t[i + 2] == ' ' || t[i + 2] == '-')) {
		if ((y = year_at(t, i + 3, hi, e)) == 0 || !valid_date(y, 1, 1))
			return TEXT_DATE_NONE;
		text_date_put(out, y, (t[i + 1] - '1') * 3 + 1, 1);
		return TEXT_DATE_MONTH;
	}
	if ((m = month_at(t, i, hi, &j)) == 0)
		return TEXT_DATE_NONE;
	j += date_space(t, j, hi);
	if (j < hi && (d = day_at(t, j, hi, &k)) != 0) {
		if (k < hi && t[k] == ',')
			k++;
		k += date_space(t, k, hi);
		if ((y = year_at(t, k, hi, e)) == 0 || !valid_date(y, m, d))
			return TEXT_DATE_NONE;
		text_date_put(out, y, m, d);
		return TEXT_DATE_DAY;
	}
	if (j < hi && t[j] == ',') {
		j++;
		j += date_space(t, j, hi);
	}
	if ((y = year_at(t, j, hi, e)) == 0 || !valid_date(y, m, 1))
		return TEXT_DATE_NONE;
	text_date_put(out, y, m, 1);
	return TEXT_DATE_MONTH;
}

/*
 * What the words before a date make of it: 1 an as-of date ("as of",
 * "accessed on", "(May 6, 2026)"), -1 a forecast ("expected by"), 0 bare.
 */
int
claims_date_mark(const unsigned char *t, size_t lo, size_t i)
{
	char w[16];
	size_t j = i, s;

	while (j > lo && i - j < 8 &&
	    (text_is_space(t[j - 1]) || t[j - 1] == ':'))
		j--;
	if (j > lo && (t[j - 1] == '(' || t[j - 1] == '['))
		return 1;
	s = claims_word_before(t, lo, j, w, sizeof(w));
	if (strcmp(w, "on") == 0) {
		for (j = s; j > lo && i - j < 16 &&
		    text_is_space(t[j - 1]); j--)
			;
		s = claims_word_before(t, lo, j, w, sizeof(w));
	}
	if (claims_in_list((const unsigned char *)w, strlen(w), date_marks,
	    false))
		return 1;
	if (claims_in_list((const unsigned char *)w, strlen(w), date_forecasts,
	    false))
		return -1;
	if (strcmp(w, "of") == 0 || strcmp(w, "at") == 0) {
		for (j = s; j > lo && i - j < 24 &&
		    text_is_space(t[j - 1]); j--)
			;
		claims_word_before(t, lo, j, w, sizeof(w));
		return strcmp(w, "as") == 0;
	}
	return 0;
}

/* ------------------------------------------------------- lists of dates */

int
claims_dates_push(struct dates *d, size_t pos, const char *date)
{
	struct date_hit *v;

	if ((v = text_grow(d->v, &d->cap, d->n, sizeof(*v))) == NULL)
		return -1;
	d->v = v;
	d->v[d->n].pos = pos;
	memcpy(d->v[d->n].d, date, DATE_SIZE);
	d->n++;
	return 0;
}

/* The date nearest to pos (dates are in page order), or NULL. */
const char *
claims_dates_nearest(const struct dates *d, size_t pos)
{
	size_t a = 0, b = d->n, m;

	if (d->n == 0)
		return NULL;
	while (a < b) {
		m = a + (b - a) / 2;
		if (d->v[m].pos < pos)
			a = m + 1;
		else
			b = m;
	}
	if (a == d->n)
		return d->v[a - 1].d;
	if (a == 0 || d->v[a].pos - pos < pos - d->v[a - 1].pos)
		return d->v[a].d;
	return d->v[a - 1].d;
}

int
claims_dates_append(struct dates *to, const struct dates *from)
{
	size_t k;

	for (k = 0; k < from->n; k++)
		if (claims_dates_push(to, from->v[k].pos, from->v[k].d) < 0)
			return -1;
	return 0;
}

/* ---------------------------------------------------------- page date */

bool
claims_date_label(const unsigned char *t, size_t i, size_t hi,
    char out[DATE_SIZE])
{
	const char *const *l;
	size_t j, e;
	bool iso;

	while (i < hi && (text_is_hspace(t[i]) || (t[i] != '\0' &&
	    strchr("#>*_-", t[i]))))
		i++;
	for (l = page_labels; *l; l++) {
		if (!claims_word_is(t, i, hi, *l))
			continue;
		j = i + strlen(*l);
		while (j < hi && (text_is_hspace(t[j]) || t[j] == ':' ||
		    t[j] == '*' || t[j] == '_'))
			j++;
		if (claims_word_is(t, j, hi, "on"))
			for (j += 2; j < hi && text_is_hspace(t[j]); j++)
				;
		return j < hi && text_is_alnum(t[j]) &&
		    claims_date_at(t, j, hi, out, &e, &iso) != TEXT_DATE_NONE;
	}
	return false;
}

bool
claims_date_stamp(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	const char *const *l;

	for (l = stamp_words; *l; l++) {
		if (claims_word_is(t, i, hi, *l)) {
			*e = i + strlen(*l);
			return true;
		}
	}
	return false;
}

void
claims_date_months(struct wfilter *f)
{
	size_t k;

	for (k = 0; k < sizeof(months) / sizeof(months[0]); k++)
		wf_set(f, (unsigned char)months[k].name[0],
		    (unsigned char)months[k].name[1], 0);
}

bool
claims_date_key(const unsigned char *w, size_t n)
{
	return claims_in_list(w, n, front_matter_keys, true);
}

/*
 * text.h - PURE: the small text primitives every stage shares, each
 * defined here once: ASCII byte classes, growable arrays and strings,
 * UTF-8, page excerpts, NCT IDs, calendar dates and the registry's status
 * words.  No I/O, no logging, no state but constant tables.
 */
#ifndef CTMIRROR_TEXT_H
#define CTMIRROR_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* ------------------------------------------------------- byte classes */

/*
 * ASCII classes by table, not the locale's <ctype.h>: one load per test,
 * since the claim scanner and the identity check test every byte of a
 * page.  Bytes from 0x80 are in no class.
 */
#define TEXT_DIGIT	1
#define TEXT_UPPER	2
#define TEXT_LOWER	4
#define TEXT_UNDER	8	/* '_': a word character, not a letter */

extern const unsigned char text_class[256];

static inline bool
text_is_digit(unsigned char c)
{
	return text_class[c] & TEXT_DIGIT;
}

static inline bool
text_is_upper(unsigned char c)
{
	return text_class[c] & TEXT_UPPER;
}

static inline bool
text_is_lower(unsigned char c)
{
	return text_class[c] & TEXT_LOWER;
}

static inline bool
text_is_alpha(unsigned char c)
{
	return text_class[c] & (TEXT_UPPER | TEXT_LOWER);
}

static inline bool
text_is_alnum(unsigned char c)
{
	return text_class[c] & (TEXT_DIGIT | TEXT_UPPER | TEXT_LOWER);
}

/* A letter, a digit or '_'. */
static inline bool
text_is_wordch(unsigned char c)
{
	return text_class[c] != 0;
}

/* ASCII lower case; no branch: TEXT_UPPER << 4 is 'a' - 'A'. */
static inline unsigned char
text_lower(unsigned char c)
{
	return (unsigned char)(c | (text_class[c] & TEXT_UPPER) << 4);
}

/* Space within a line: ' ', '\t', '\r', '\f', '\v'. */
static inline bool
text_is_hspace(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* text_is_hspace() or '\n'. */
static inline bool
text_is_space(unsigned char c)
{
	return text_is_hspace(c) || c == '\n';
}

/* ------------------------------------------------------------- arrays */

/*
 * Room for element n (n + 1 elements in all) in the array v of *cap
 * elements of `size` bytes each, doubling it when full (`first` elements
 * to start).  Returns the array, perhaps moved (*cap updated), or NULL on
 * allocation failure, when v and *cap are left as they were.
 */
void *text_grow_from(void *v, size_t *cap, size_t n, size_t size,
    size_t first);

/* text_grow_from() starting at 16 elements: for most arrays. */
static inline void *
text_grow(void *v, size_t *cap, size_t n, size_t size)
{
	return text_grow_from(v, cap, n, size, 16);
}

/* ------------------------------------------------------------ strings */

/*
 * A growable string.  Zero-initialise it; s is NULL until something is
 * added, then always NUL-terminated.  After an allocation failure
 * `failed` stays set and every later add does nothing, so a caller may
 * add a whole text and check once.  text_buf_finish() frees s.
 */
struct text_buf {
	char *s;
	size_t len, cap;
	bool failed;
};

/* Room for n more bytes and a NUL.  0 / -1 (then b->failed). */
int text_buf_room(struct text_buf *b, size_t n);
/* Append n bytes of s (a NUL among them is copied too).  0 / -1. */
int text_buf_put(struct text_buf *b, const char *s, size_t n);
/* Append the string s.  0 / -1. */
int text_buf_str(struct text_buf *b, const char *s);
/* Append printf output (formatted in place).  0 / -1. */
int text_buf_printf(struct text_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Free the string; the buffer is empty and usable again.  NULL is a no-op. */
void text_buf_finish(struct text_buf *b);

/* -------------------------------------------------------------- UTF-8 */

/*
 * Bytes of the valid UTF-8 character at s (n > 0 bytes left): 1 to 4, or
 * 0 when invalid (RFC 3629: no overlong form, no surrogate, nothing past
 * U+10FFFF, none cut short): what PostgreSQL accepts as text.
 */
size_t text_utf8_len(const unsigned char *s, size_t n);

/*
 * The code point of the valid UTF-8 character at s, whose length
 * text_utf8_len() gave (1 to 4).
 */
unsigned text_utf8_cp(const unsigned char *s, size_t len);

/*
 * Clean n bytes of page text into dst (room for 3n + 1): valid UTF-8 (each
 * invalid byte becomes U+FFFD), control characters, NBSP and runs of space
 * one space, no space at either end.  *mark (if mark is not NULL) becomes
 * the output offset of input offset `at` (a word start; SIZE_MAX for
 * none).  With `after` not SIZE_MAX, it stops once that many bytes follow
 * *mark: the output so far is final, bar a space it would have put next.
 * Returns the length (dst is NUL-terminated).
 */
size_t text_clean(const unsigned char *src, size_t n, char *dst, size_t at,
    size_t *mark, size_t after);

/*
 * The excerpt of a claim: at most EXCERPT_MAX bytes of the sentence or
 * block t[s..e) around what is claimed at `at` (s <= at < e), cleaned
 * (text_clean()), cut at characters, and at words where it can, with "…"
 * where text was left out.  New (free()), NULL on allocation failure.
 */
#define EXCERPT_MAX	200	/* bytes (model.h) */
char *text_excerpt(const unsigned char *t, size_t s, size_t e, size_t at);

/* ------------------------------------------------------------ NCT IDs */

/*
 * Is s exactly an NCT ID as the registry writes it: "NCT" and eight
 * digits, not all zero (the registry's numbers start at NCT00000001),
 * nothing after?  NULL is not.
 */
bool text_nct_id(const char *s);

/*
 * An NCT ID starting at t[i], "NCT" in any case and eight digits, not all
 * zero, not inside a word of t[lo..hi) (letters, digits and '_' on
 * neither side): into id in upper case, true; else false.
 */
bool text_nct_at(const unsigned char *t, size_t lo, size_t hi, size_t i,
    char id[NCT_ID_SIZE]);

/*
 * The first NCT ID (as text_nct_at()) starting at or after `from` in
 * t[0..len), into id: its start, or SIZE_MAX if there is none.
 */
size_t text_nct_next(const unsigned char *t, size_t len, size_t from,
    char id[NCT_ID_SIZE]);

/* -------------------------------------------------------------- dates */

/* How much of a date is known: what text_date_parse() found. */
enum text_date {
	TEXT_DATE_NONE = 0,	/* not a date */
	TEXT_DATE_YEAR,
	TEXT_DATE_MONTH,
	TEXT_DATE_DAY,
};

/* A Gregorian leap year? */
bool text_leap_year(long y);

/* Days in month m (1 to 12) of year y. */
int text_month_days(long y, int m);

/* Is y-m-d a day of the Gregorian calendar (y from 0 to 9999)? */
bool text_date_valid(long y, int m, int d);

/*
 * "YYYY", "YYYY-MM" or "YYYY-MM-DD", nothing after, a real calendar date
 * (the registry's and ISO 8601's forms): what it gives, with *y, *m and
 * *d set (a missing month or day is 1); TEXT_DATE_NONE for anything else
 * (s NULL too).  y, m, d may be NULL.
 */
enum text_date text_date_parse(const char *s, long *y, int *m, int *d);

/* y-m-d (a valid date) as "YYYY-MM-DD" into out. */
void text_date_put(char out[DATE_SIZE], int y, int m, int d);

/* ----------------------------------------------------- status words */

/*
 * The registry's overallStatus word of status bit i (1u << i, enum
 * status_bit), i < N_STATUSES: "RECRUITING", ...  Static.
 */
const char *text_status_name(size_t i);

/* The status bit of an overallStatus word; 0 for anything else (NULL too). */
unsigned text_status_bit(const char *word);

/* --------------------------------------------------------------- paths */

/*
 * `path` made absolute against the folder `base` (itself absolute) when
 * it is relative, then normal: no "//", "/./" or trailing "/", each
 * "dir/.." taken away (above "/" stays "/").  By the text alone: links
 * are not followed, nothing is looked up.  New, or NULL on no memory.
 */
char *text_path_resolve(const char *base, const char *path);

/*
 * s with every byte outside RFC 3986's unreserved characters (letters,
 * digits, - . _ ~) and those in `keep` percent-encoded (%2F): a path or
 * a value fit for a URL.  New, or NULL on no memory.
 */
char *text_percent_encode(const char *s, const char *keep);

#endif

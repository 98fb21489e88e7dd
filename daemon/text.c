/*
 * text.c - PURE: the text primitives every stage shares (text.h): byte
 * classes, growable arrays and strings, UTF-8 and excerpts, NCT IDs,
 * calendar dates, status words.
 */
#include "text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_LEAD	60	/* bytes of context kept before the phrase */
#define WINDOW		300	/* raw bytes looked at on each side of it */
#define CLEAN_LEAD	128	/* ... of which cleaned before it, mostly */

#define NBSP0		0xc2	/* U+00A0, common in pages exported from HTML */
#define NBSP1		0xa0

/* ------------------------------------------------------- byte classes */

#define B10(c) c, c, c, c, c, c, c, c, c, c
#define B26(c) B10(c), B10(c), c, c, c, c, c, c

const unsigned char text_class[256] = {
	['0'] = B10(TEXT_DIGIT),
	['A'] = B26(TEXT_UPPER),
	['_'] = TEXT_UNDER,
	['a'] = B26(TEXT_LOWER),
};

_Static_assert((TEXT_UPPER << 4) == 'a' - 'A',
    "text_lower() needs TEXT_UPPER == 2");

/* ------------------------------------------------------------- arrays */

void *
text_grow_from(void *v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	if (*cap > SIZE_MAX / 2 / size || first > SIZE_MAX / size)
		return NULL;
	ncap = *cap ? *cap * 2 : first;
	if ((nv = realloc(v, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return nv;
}

/* ------------------------------------------------------------ strings */

int
text_buf_room(struct text_buf *b, size_t n)
{
	size_t cap;
	char *s;

	if (b->failed)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	if (n > SIZE_MAX / 2 - b->len)
		goto fail;
	for (cap = b->cap ? b->cap : 256; b->len + n + 1 > cap;)
		cap *= 2;
	if ((s = realloc(b->s, cap)) == NULL)
		goto fail;
	b->s = s;
	b->cap = cap;
	return 0;
fail:
	b->failed = true;
	return -1;
}

int
text_buf_put(struct text_buf *b, const char *s, size_t n)
{
	if (text_buf_room(b, n) < 0)
		return -1;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

int
text_buf_str(struct text_buf *b, const char *s)
{
	return text_buf_put(b, s, strlen(s));
}

int
text_buf_printf(struct text_buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room = b->cap - b->len;
	int n;

	if (b->failed)
		return -1;
	/* Formatted in place; a second time only when it did not fit. */
	va_start(ap, fmt);
	n = vsnprintf(room ? b->s + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return -1;
	}
	if ((size_t)n >= room) {
		if (text_buf_room(b, (size_t)n) < 0)
			return -1;
		va_start(ap, fmt);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
	return 0;
}

void
text_buf_finish(struct text_buf *b)
{
	if (b == NULL)
		return;
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* -------------------------------------------------------------- UTF-8 */

size_t
text_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	/* Only the first continuation byte has a narrower range. */
	if (c == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (c == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (c == 0xf0)
		lo = 0x90;		/* overlong */
	else if (c == 0xf4)
		hi = 0x8f;		/* past U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

unsigned
text_utf8_cp(const unsigned char *s, size_t len)
{
	unsigned cp = len == 1 ? s[0] : s[0] & (0xffu >> (len + 1));

	for (size_t k = 1; k < len; k++)
		cp = (cp << 6) | (s[k] & 0x3fu);
	return cp;
}

/* Printable ASCII, not space: copied by text_clean() as it is. */
static bool
is_plain(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

size_t
text_clean(const unsigned char *src, size_t n, char *dst, size_t at,
    size_t *mark, size_t after)
{
	size_t i = 0, o = 0, len, stop = SIZE_MAX;
	bool space = false;

	while (i < n && o < stop) {
		unsigned char c = src[i];

		/* Plain ASCII, most of a page, goes through as it is. */
		if (is_plain(c) && !space && i != at) {
			dst[o++] = (char)c;
			i++;
			continue;
		}
		if (c < 0x20 || c == ' ' || c == 0x7f ||
		    (c == NBSP0 && i + 1 < n && src[i + 1] == NBSP1)) {
			space = o > 0;
			i += c == NBSP0 ? 2 : 1;
			continue;
		}
		if (space) {
			dst[o++] = ' ';
			space = false;
		}
		if (i == at && mark) {
			*mark = o;
			if (after != SIZE_MAX)
				stop = o + after;
		}
		if ((len = text_utf8_len(src + i, n - i)) == 0) {
			memcpy(dst + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(dst + o, src + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
	return o;
}

char *
text_excerpt(const unsigned char *t, size_t s, size_t e, size_t at)
{
	char buf[3 * 2 * WINDOW + 1], *r;
	size_t ws, we, from, n, mark = 0, a, b, k;
	bool cut_l, cut_r;

	ws = at - s > WINDOW ? at - WINDOW : s;
	we = e - at > WINDOW ? at + WINDOW : e;
	while (ws < at && (t[ws] & 0xc0) == 0x80)
		ws++;
	while (we > at && we < e && (t[we] & 0xc0) == 0x80)
		we--;
	cut_l = ws > s;
	cut_r = we < e;
	if (!cut_l && !cut_r) {
		n = text_clean(t + ws, we - ws, buf, at - ws, &mark, SIZE_MAX);
		if (n <= EXCERPT_MAX)
			return strdup(buf);
		from = ws;
	} else {
		/*
		 * A cut window: clean only what the excerpt can use.  From
		 * where two plain bytes meet, cleaning gives the text it
		 * gives from ws, shifted, and nothing below `a` is looked
		 * at; past EXCERPT_MAX bytes after the phrase nothing is.
		 */
		from = at - ws > CLEAN_LEAD ? at - CLEAN_LEAD : ws;
		while (from > ws && !(is_plain(t[from - 1]) &&
		    is_plain(t[from])))
			from--;
		n = text_clean(t + from, we - from, buf, at - from, &mark,
		    EXCERPT_MAX + 1);
	}

	/* Room for an ellipsis (3 bytes) at each end. */
	for (;;) {
		a = mark > EXCERPT_LEAD ? mark - EXCERPT_LEAD : 0;
		b = a + EXCERPT_MAX - 6;
		if (b > n) {
			b = n;
			a = b > EXCERPT_MAX - 6 ? b - (EXCERPT_MAX - 6) : 0;
		}
		if (a > 0 || from == ws)
			break;
		/* Too little text before the phrase to shift: all of it. */
		from = ws;
		n = text_clean(t + ws, we - ws, buf, at - ws, &mark,
		    EXCERPT_MAX + 1);
	}
	while (a < n && (buf[a] & 0xc0) == 0x80)
		a++;
	while (b > a && b < n && (buf[b] & 0xc0) == 0x80)
		b--;
	if (a > 0 || cut_l) {
		for (k = a; k < mark && k < a + 20 && buf[k] != ' '; k++)
			;
		if (k < mark && buf[k] == ' ')
			a = k + 1;
	}
	if (b < n || cut_r) {
		for (k = b; k > mark && k + 20 > b && buf[k - 1] != ' '; k--)
			;
		if (k > mark && buf[k - 1] == ' ')
			b = k - 1;
	}
	cut_l = cut_l || a > 0;
	cut_r = cut_r || b < n;
	while (a < b && buf[a] == ' ')
		a++;
	while (b > a && buf[b - 1] == ' ')
		b--;
	if ((r = malloc(b - a + 7)) == NULL)
		return NULL;
	k = 0;
	if (cut_l) {
		memcpy(r, "\xe2\x80\xa6", 3);
		k = 3;
	}
	memcpy(r + k, buf + a, b - a);
	k += b - a;
	if (cut_r) {
		memcpy(r + k, "\xe2\x80\xa6", 3);
		k += 3;
	}
	r[k] = '\0';
	return r;
}

/* ------------------------------------------------------------ NCT IDs */

/*
 * The eight digits of an NCT ID at p (the bytes after "NCT"), not all
 * zero: the registry's own pattern is ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$, and it
 * refuses a whole batch (400) that holds NCT00000000.
 */
static bool
nct_digits(const unsigned char *p)
{
	size_t k;
	bool nonzero = false;

	for (k = 0; k < 8; k++) {
		if (!text_is_digit(p[k]))
			return false;
		nonzero = nonzero || p[k] != '0';
	}
	return nonzero;
}

bool
text_nct_id(const char *s)
{
	return s != NULL && s[0] == 'N' && s[1] == 'C' && s[2] == 'T' &&
	    nct_digits((const unsigned char *)s + 3) && s[11] == '\0';
}

bool
text_nct_at(const unsigned char *t, size_t lo, size_t hi, size_t i,
    char id[NCT_ID_SIZE])
{
	if (hi - i < 11 || text_lower(t[i]) != 'n' ||
	    text_lower(t[i + 1]) != 'c' || text_lower(t[i + 2]) != 't')
		return false;
	if (i > lo && text_is_wordch(t[i - 1]))
		return false;
	if (!nct_digits(t + i + 3))
		return false;
	if (i + 11 < hi && text_is_wordch(t[i + 11]))
		return false;
	memcpy(id, "NCT", 3);
	memcpy(id + 3, t + i + 3, 8);
	id[11] = '\0';
	return true;
}

/*
 * An ID's eight digits cover one offset that is a multiple of 8, so only
 * where a digit sits at such an offset is there anything to check: prose
 * has few digits.
 */
size_t
text_nct_next(const unsigned char *t, size_t len, size_t from,
    char id[NCT_ID_SIZE])
{
	size_t p, i;

	if (len < 11 || from > len - 11)
		return SIZE_MAX;
	for (p = (from + 3 + 7) / 8 * 8; p < len; p += 8) {
		if (!text_is_digit(t[p]))
			continue;
		for (i = p >= from + 10 ? p - 10 : from; i + 3 <= p &&
		    i + 11 <= len; i++)
			if (text_nct_at(t, 0, len, i, id))
				return i;
	}
	return SIZE_MAX;
}

/* -------------------------------------------------------------- dates */

bool
text_leap_year(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
text_month_days(long y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};

	return m == 2 && text_leap_year(y) ? 29 : days[m - 1];
}

bool
text_date_valid(long y, int m, int d)
{
	return y >= 0 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= text_month_days(y, m);
}

/* Exactly n ASCII digits at s, as a number; -1 otherwise. */
static long
digits(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (!text_is_digit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

enum text_date
text_date_parse(const char *s, long *y, int *m, int *d)
{
	enum text_date p;
	long yy, mm = 1, dd = 1;

	if (s == NULL || (yy = digits(s, 4)) < 0)
		return TEXT_DATE_NONE;
	if (s[4] == '\0') {
		p = TEXT_DATE_YEAR;
	} else if (s[4] != '-' || (mm = digits(s + 5, 2)) < 0) {
		return TEXT_DATE_NONE;
	} else if (s[7] == '\0') {
		p = TEXT_DATE_MONTH;
	} else if (s[7] != '-' || (dd = digits(s + 8, 2)) < 0 ||
	    s[10] != '\0') {
		return TEXT_DATE_NONE;
	} else {
		p = TEXT_DATE_DAY;
	}
	if (!text_date_valid(yy, (int)mm, (int)dd))
		return TEXT_DATE_NONE;
	if (y)
		*y = yy;
	if (m)
		*m = (int)mm;
	if (d)
		*d = (int)dd;
	return p;
}

void
text_date_put(char out[DATE_SIZE], int y, int m, int d)
{
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* ----------------------------------------------------- status words */

static const char *const status_names[N_STATUSES] = STATUS_NAMES;

const char *
text_status_name(size_t i)
{
	return i < N_STATUSES ? status_names[i] : "";
}

unsigned
text_status_bit(const char *word)
{
	if (word == NULL)
		return 0;
	for (size_t i = 0; i < N_STATUSES; i++)
		if (strcmp(word, status_names[i]) == 0)
			return 1u << i;
	return 0;	/* expanded-access values and anything new */
}

/* --------------------------------------------------------------- paths */

char *
text_path_resolve(const char *base, const char *path)
{
	size_t bl = path[0] == '/' ? 0 : strlen(base), pl = strlen(path);
	char *in = malloc(bl + pl + 2), *out, *w;
	const char *r;

	if (in == NULL)
		return NULL;
	memcpy(in, base, bl);
	in[bl] = '/';
	memcpy(in + bl + 1, path, pl + 1);
	/* Never longer than its input: normalise in a copy of the same size. */
	if ((out = malloc(bl + pl + 2)) == NULL) {
		free(in);
		return NULL;
	}
	w = out;
	for (r = in; *r;) {
		size_t n;

		while (*r == '/')
			r++;
		n = strcspn(r, "/");
		if (n == 0)
			break;
		if (n == 1 && r[0] == '.') {
			/* "." names the folder it is in */
		} else if (n == 2 && r[0] == '.' && r[1] == '.') {
			while (w > out && *--w != '/')
				;
		} else {
			*w++ = '/';
			memcpy(w, r, n);
			w += n;
		}
		r += n;
	}
	if (w == out)
		*w++ = '/';
	*w = '\0';
	free(in);
	return out;
}

char *
text_percent_encode(const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s);
	char *out = malloc(3 * n + 1), *w = out;

	if (out == NULL)
		return NULL;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (text_is_alnum(*p) || strchr("-._~", *p) != NULL ||
		    strchr(keep, *p) != NULL) {
			*w++ = (char)*p;
		} else {
			*w++ = '%';
			*w++ = hex[*p >> 4];
			*w++ = hex[*p & 15];
		}
	}
	*w = '\0';
	return out;
}

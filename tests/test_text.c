/*
 * test_text.c - the shared text primitives (text.c): byte classes, arrays
 * and strings, UTF-8 against a decoder written here, cleaning and
 * excerpts, NCT IDs, calendar dates, status words.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "text.h"

/* ------------------------------------------------------- byte classes */

Test(text, byte_classes_agree_with_the_c_locale)
{
	for (int c = 0; c < 256; c++) {
		bool ascii = c < 0x80;

		cr_expect_eq(text_is_digit((unsigned char)c), ascii &&
		    isdigit(c),
		    "%d", c);
		cr_expect_eq(text_is_upper((unsigned char)c), ascii &&
		    isupper(c),
		    "%d", c);
		cr_expect_eq(text_is_lower((unsigned char)c), ascii &&
		    islower(c),
		    "%d", c);
		cr_expect_eq(text_is_alpha((unsigned char)c), ascii &&
		    isalpha(c),
		    "%d", c);
		cr_expect_eq(text_is_alnum((unsigned char)c), ascii &&
		    isalnum(c),
		    "%d", c);
		cr_expect_eq(text_is_wordch((unsigned char)c),
		    ascii && (isalnum(c) || c == '_'), "%d", c);
		cr_expect_eq(text_lower((unsigned char)c),
		    ascii ? tolower(c) : c, "%d", c);
		cr_expect_eq(text_is_space((unsigned char)c), ascii &&
		    isspace(c),
		    "%d", c);
		cr_expect_eq(text_is_hspace((unsigned char)c),
		    ascii && isspace(c) && c != '\n', "%d", c);
	}
}

/* ------------------------------------------------- arrays and strings */

Test(text, grow_doubles_and_keeps)
{
	int *v = NULL, *nv;
	size_t cap = 0, n;

	for (n = 0; n < 1000; n++) {
		nv = text_grow(v, &cap, n, sizeof(*v));
		cr_assert_not_null(nv);
		v = nv;
		v[n] = (int)n;
		cr_expect_gt(cap, n);
	}
	for (n = 0; n < 1000; n++)
		cr_expect_eq(v[n], (int)n);
	cr_expect_eq(cap, 1024);
	/* Room already: the same array. */
	cr_expect_eq(text_grow(v, &cap, 10, sizeof(*v)), v);
	/* An impossible size fails and leaves the array as it was. */
	cap = SIZE_MAX / 2 + 1;
	cr_expect_null(text_grow(v, &cap, cap, 2));
	cr_expect_eq(cap, SIZE_MAX / 2 + 1);
	free(v);
}

Test(text, buffer)
{
	struct text_buf b = {0};
	char big[1000];

	cr_expect_eq(text_buf_str(&b, "NCT"), 0);
	cr_expect_eq(text_buf_printf(&b, "%08d", 2982915), 0);
	cr_expect_eq(text_buf_put(&b, " and more", 4), 0);
	cr_expect_str_eq(b.s, "NCT02982915 and");
	cr_expect_eq(b.len, 15);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cr_expect_eq(text_buf_printf(&b, "[%s]", big), 0);
	cr_expect_eq(b.len, 15 + 2 + sizeof(big) - 1);
	cr_expect_eq(b.s[b.len], '\0');
	cr_expect_eq(b.s[b.len - 1], ']');
	text_buf_finish(&b);
	cr_expect_null(b.s);
	cr_expect_eq(b.len, 0);
	/* Once failed, it stays failed and adds nothing. */
	b.failed = true;
	cr_expect_eq(text_buf_str(&b, "x"), -1);
	cr_expect_eq(text_buf_printf(&b, "%d", 1), -1);
	cr_expect_null(b.s);
	text_buf_finish(NULL);
}

/* -------------------------------------------------------------- UTF-8 */

/*
 * The decoder the validator is checked against: by arithmetic on code
 * points rather than by byte ranges (RFC 3629 section 4).
 */
static size_t
decode_cp(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], min, len, i;

	*cp = c;
	if (c < 0x80)
		return 1;
	if ((c & 0xe0) == 0xc0)
		len = 2, min = 0x80, c &= 0x1f;
	else if ((c & 0xf0) == 0xe0)
		len = 3, min = 0x800, c &= 0x0f;
	else if ((c & 0xf8) == 0xf0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t
decode(const unsigned char *s, size_t n)
{
	unsigned cp;

	return decode_cp(s, n, &cp);
}

/* Every lead byte with every first and second continuation byte. */
Test(text, utf8_len_agrees_with_a_decoder)
{
	unsigned char s[4];

	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++)
			for (unsigned c = 0; c < 256; c += 1 + (c >= 0x78 &&
			    c < 0xc8 ? 0 : 15)) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = (unsigned char)c;
				s[3] = 0x80;
				unsigned cp;
				size_t len = decode_cp(s, 4, &cp);

				cr_assert_eq(text_utf8_len(s, 4), len,
				    "%02x %02x %02x 80", a, b, c);
				if (len > 0)
					cr_assert_eq(text_utf8_cp(s, len), cp,
					    "%02x %02x %02x 80", a, b, c);
				/* Cut short: never a character. */
				if (decode(s, 4) > 1)
					cr_assert_eq(text_utf8_len(s,
					    decode(s, 4) - 1), 0);
			}
}

Test(text, utf8_valid)
{
	cr_expect(harness_utf8_valid("", 0));
	cr_expect(harness_utf8_valid("plain", 5));
	cr_expect(harness_utf8_valid("Parkinson\xe2\x80\x99s \xf0\x9f\x98\x80",
	    18));
	cr_expect(harness_utf8_valid("a\0b", 3), "NUL is a character");
	cr_expect_not(harness_utf8_valid("\xc3", 1));
	cr_expect_not(harness_utf8_valid("\xc0\xaf", 2), "overlong");
	cr_expect_not(harness_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	cr_expect_not(harness_utf8_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF");
	cr_expect_not(harness_utf8_valid("\xe2\x28\xa1", 3));
	cr_expect_not(harness_utf8_valid("ok\xff", 3));
}

Test(text, clean)
{
	static const char messy[] = "  a\t\tb\n\xc2\xa0 c\x01 ";
	char out[64];
	size_t mark = 0, n;

	n = text_clean((const unsigned char *)messy, sizeof(messy) - 1, out,
	    SIZE_MAX, NULL, SIZE_MAX);
	cr_expect_str_eq(out, "a b c");
	cr_expect_eq(n, 5);
	n = text_clean((const unsigned char *)"x\xffy", 3, out, SIZE_MAX, NULL,
	    SIZE_MAX);
	cr_expect_str_eq(out, "x\xef\xbf\xbdy");
	n = text_clean((const unsigned char *)"one   two", 9, out, 6, &mark,
	    SIZE_MAX);
	cr_expect_str_eq(out, "one two");
	cr_expect_eq(mark, 4);
}

Test(text, excerpt)
{
	static const char s[] = "HERA (NCT02982915): results pending.";
	char long_text[2000], *e;
	size_t at;

	e = text_excerpt((const unsigned char *)s, 0, sizeof(s) - 1, 20);
	cr_expect_str_eq(e, s);
	free(e);
	memset(long_text, 'w', sizeof(long_text));
	for (size_t i = 5; i < sizeof(long_text); i += 6)
		long_text[i] = ' ';
	at = 1000;
	memcpy(long_text + at, "pending", 7);
	e = text_excerpt((const unsigned char *)long_text, 0, sizeof(long_text),
	    at);
	cr_expect_leq(strlen(e), EXCERPT_MAX);
	cr_expect_not_null(strstr(e, "pending"));
	cr_expect_eq(strncmp(e, "\xe2\x80\xa6", 3), 0, "cut on the left");
	cr_expect_str_eq(e + strlen(e) - 3, "\xe2\x80\xa6");
	cr_expect(harness_utf8_valid(e, strlen(e)));
	free(e);
}

/* ------------------------------------------------------------ NCT IDs */

Test(text, nct_id)
{
	cr_expect(text_nct_id("NCT02982915"));
	cr_expect(text_nct_id("NCT99999999"));
	cr_expect(text_nct_id("NCT00000001"));
	cr_expect_not(text_nct_id("NCT00000000"), "the registry starts at 1");
	cr_expect_not(text_nct_id(NULL));
	cr_expect_not(text_nct_id(""));
	cr_expect_not(text_nct_id("nct02982915"), "as the registry writes it");
	cr_expect_not(text_nct_id("NCT0298291"));
	cr_expect_not(text_nct_id("NCT029829150"));
	cr_expect_not(text_nct_id("NCT0298291x"));
	cr_expect_not(text_nct_id("NCT 2982915"));
	cr_expect_not(text_nct_id("XCT02982915"));
	cr_expect_not(text_nct_id("NCT"));
	cr_expect_not(text_nct_id(" NCT02982915"));
}

Test(text, nct_at_and_next)
{
	static const char page[] = "see nct02982915, xNCT05233774, "
	    "NCT0523377, NCT04421456_a and (NCT04421456).";
	const unsigned char *t = (const unsigned char *)page;
	size_t len = sizeof(page) - 1, i;
	char id[NCT_ID_SIZE];

	cr_expect(text_nct_at(t, 0, len, 4, id));
	cr_expect_str_eq(id, "NCT02982915");
	cr_expect_not(text_nct_at(t, 0, len, 18, id), "inside a word");
	i = text_nct_next(t, len, 0, id);
	cr_expect_eq(i, 4);
	i = text_nct_next(t, len, i + 11, id);
	cr_expect_eq(i, (size_t)(strstr(page, "(NCT04421456)") - page + 1));
	cr_expect_str_eq(id, "NCT04421456");
	cr_expect_eq(text_nct_next(t, len, i + 11, id), SIZE_MAX);
	cr_expect_eq(text_nct_next(t, 5, 0, id), SIZE_MAX);
	t = (const unsigned char *)"NCT00000000 nct00000000";
	cr_expect_not(text_nct_at(t, 0, 23, 0, id));
	cr_expect_eq(text_nct_next(t, 23, 0, id), SIZE_MAX);
}

/* -------------------------------------------------------------- dates */

Test(text, calendar)
{
	cr_expect(text_leap_year(2024));
	cr_expect(text_leap_year(2000));
	cr_expect_not(text_leap_year(2100));
	cr_expect_not(text_leap_year(2026));
	cr_expect_eq(text_month_days(2024, 2), 29);
	cr_expect_eq(text_month_days(2100, 2), 28);
	cr_expect_eq(text_month_days(2026, 4), 30);
	cr_expect_eq(text_month_days(2026, 12), 31);
	cr_expect(text_date_valid(2024, 2, 29));
	cr_expect_not(text_date_valid(2026, 2, 29));
	cr_expect_not(text_date_valid(2026, 4, 31));
	cr_expect_not(text_date_valid(2026, 13, 1));
	cr_expect_not(text_date_valid(2026, 0, 1));
	cr_expect_not(text_date_valid(2026, 1, 0));
}

Test(text, date_parse)
{
	static const struct {
		const char *s;
		enum text_date want;
		long y;
		int m, d;
	} cases[] = {
		{"2026-05-06", TEXT_DATE_DAY, 2026, 5, 6},
		{"2026-05", TEXT_DATE_MONTH, 2026, 5, 1},
		{"2026", TEXT_DATE_YEAR, 2026, 1, 1},
		{"2024-02-29", TEXT_DATE_DAY, 2024, 2, 29},
		{"2026-02-29", TEXT_DATE_NONE, 0, 0, 0},
		{"2026-04-31", TEXT_DATE_NONE, 0, 0, 0},
		{"2026-13", TEXT_DATE_NONE, 0, 0, 0},
		{"2026-00-10", TEXT_DATE_NONE, 0, 0, 0},
		{"2026-05-06T00", TEXT_DATE_NONE, 0, 0, 0},
		{"2026-5-6", TEXT_DATE_NONE, 0, 0, 0},
		{"2026/05/06", TEXT_DATE_NONE, 0, 0, 0},
		{"20260", TEXT_DATE_NONE, 0, 0, 0},
		{"202", TEXT_DATE_NONE, 0, 0, 0},
		{"", TEXT_DATE_NONE, 0, 0, 0},
	};
	char out[DATE_SIZE];
	long y;
	int m, d;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		y = m = d = -1;
		cr_expect_eq(text_date_parse(cases[i].s, &y, &m, &d),
		    cases[i].want, "%s", cases[i].s);
		if (cases[i].want == TEXT_DATE_NONE)
			continue;
		cr_expect(y == cases[i].y && m == cases[i].m && d == cases[i].d,
		    "%s: %ld-%d-%d", cases[i].s, y, m, d);
	}
	cr_expect_eq(text_date_parse(NULL, NULL, NULL, NULL), TEXT_DATE_NONE);
	cr_expect_eq(text_date_parse("2026-05-06", NULL, NULL, NULL),
	    TEXT_DATE_DAY);
	text_date_put(out, 2026, 5, 6);
	cr_expect_str_eq(out, "2026-05-06");
}

/* ------------------------------------------------------- status words */

Test(text, status_words)
{
	static const struct {
		const char *name;
		unsigned bit;
	} map[] = {
		{"NOT_YET_RECRUITING", ST_NOT_YET_RECRUITING},
		{"RECRUITING", ST_RECRUITING},
		{"ENROLLING_BY_INVITATION", ST_ENROLLING_BY_INVITATION},
		{"ACTIVE_NOT_RECRUITING", ST_ACTIVE_NOT_RECRUITING},
		{"COMPLETED", ST_COMPLETED},
		{"SUSPENDED", ST_SUSPENDED},
		{"TERMINATED", ST_TERMINATED},
		{"WITHDRAWN", ST_WITHDRAWN},
		{"UNKNOWN", ST_UNKNOWN},
		{"AVAILABLE", 0},
		{"recruiting", 0},
		{"", 0},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		cr_expect_eq(text_status_bit(map[i].name), map[i].bit, "%s",
		    map[i].name);
	cr_expect_eq(text_status_bit(NULL), 0);
	for (size_t i = 0; i < N_STATUSES; i++)
		cr_expect_eq(text_status_bit(text_status_name(i)), 1u << i);
	cr_expect_str_eq(text_status_name(N_STATUSES), "");
}

Test(text, path_resolve)
{
	static const struct {
		const char *base, *path, *want;
	} cases[] = {
		{"/srv", "kb/a.md", "/srv/kb/a.md"},
		{"/srv/", "./kb//a.md", "/srv/kb/a.md"},
		{"/srv/x", "../kb/./a.md", "/srv/kb/a.md"},
		{"/srv", "/abs/../b/", "/b"},
		{"/", "..", "/"},
		{"/a/b", "", "/a/b"},
		{"/a/b", "../../..", "/"},
		{"/a", "b/..", "/a"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = text_path_resolve(cases[i].base, cases[i].path);

		cr_assert_not_null(got);
		cr_expect_str_eq(got, cases[i].want, "%s + %s", cases[i].base,
		    cases[i].path);
		free(got);
	}
}

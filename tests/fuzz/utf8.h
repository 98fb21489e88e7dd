/*
 * utf8.h - for the fuzz targets: is a string strict UTF-8 (no overlong
 * forms, no surrogates, nothing past U+10FFFF), as PostgreSQL wants every
 * text it stores?  One static function, so each target stays one file.
 */
#ifndef CTMIRROR_FUZZ_UTF8_H
#define CTMIRROR_FUZZ_UTF8_H

static int
utf8_ok(const unsigned char *s)
{
	unsigned c, min, n, i;

	while (*s) {
		c = *s;
		if (c < 0x80) {
			s++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, min = 0x80, c &= 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, min = 0x800, c &= 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, min = 0x10000, c &= 0x07;
		} else
			return 0;
		for (i = 1; i <= n; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		s += n + 1;
	}
	return 1;
}

#endif

/*
 * harness_files.c - test support that needs no database, so the tests of
 * the pure stages, the fuzz targets and the benchmarks link it too: where
 * things are (from the environment tests/meson.build sets), printf into a
 * string, temporary folders and whole files, and whether a text is UTF-8.
 */
#include "harness.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "text.h"

const char *
harness_bin(void)
{
	const char *b = getenv("CTMIRROR_BIN");

	return b && *b ? b : "./build/daemon/ctmirror";
}

const char *
harness_data(void)
{
	const char *d = getenv("CTMIRROR_TEST_DATA");

	return d && *d ? d : "tests/data";
}

const char *
harness_root(void)
{
	const char *d = getenv("CTMIRROR_SOURCE_ROOT");

	return d && *d ? d : ".";
}

char *
harness_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

char *
harness_tmpdir(void)
{
	char *t = strdup("/tmp/ctmirror-test-XXXXXX");

	if (t && mkdtemp(t) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

void
harness_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
harness_write(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

char *
harness_read_len(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) !=
	    NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
			if (len)
				*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

char *
harness_read(const char *path)
{
	return harness_read_len(path, NULL);
}

int
harness_copy(const char *from, const char *to)
{
	char *t = harness_read(from);
	int rc;

	if (t == NULL)
		return -1;
	rc = harness_write(to, t);
	free(t);
	return rc;
}

bool
harness_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = text_utf8_len(p + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
}

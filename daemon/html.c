/*
 * html.c - an HTML writer with one escaping primitive for untrusted text
 * (page text, registry text): buffered, errors remembered until close.
 */
#include "html.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "text.h"

#define FLUSH_AT (64 * 1024)

struct html {
	int fd;			/* -1: memory writer */
	char *buf;
	size_t len, cap;
	size_t total;		/* bytes written through h */
	int err;		/* errno of the first failure, 0 if none */
};

static const char REPLACEMENT[] = "\xef\xbf\xbd";	/* U+FFFD */

struct html *
html_open(const char *path)
{
	struct html *h = calloc(1, sizeof(*h));
	int e;

	if (h == NULL)
		return NULL;
	h->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (h->fd < 0) {
		e = errno;
		free(h);
		errno = e;
		return NULL;
	}
	return h;
}

struct html *
html_open_mem(void)
{
	struct html *h = calloc(1, sizeof(*h));

	if (h != NULL)
		h->fd = -1;
	return h;
}

static void
flush(struct html *h)
{
	size_t off = 0;

	if (h->fd < 0)
		return;
	while (off < h->len && h->err == 0) {
		ssize_t w = write(h->fd, h->buf + off, h->len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			h->err = w < 0 ? errno : EIO;
		else
			off += (size_t)w;
	}
	h->len = 0;
}

/* Room for n more bytes; false (and the error kept) if there is none. */
static bool
reserve(struct html *h, size_t n)
{
	size_t cap;
	char *p;

	if (h->err)
		return false;
	if (h->len + n <= h->cap)
		return true;
	if (h->fd >= 0 && h->len > 0) {
		flush(h);
		if (h->len + n <= h->cap)
			return h->err == 0;
	}
	cap = h->cap ? h->cap : FLUSH_AT;
	while (cap < h->len + n)
		cap *= 2;
	if ((p = realloc(h->buf, cap)) == NULL) {
		h->err = ENOMEM;
		return false;
	}
	h->buf = p;
	h->cap = cap;
	return true;
}

static void
put(struct html *h, const char *s, size_t n)
{
	if (n == 0 || !reserve(h, n))
		return;
	memcpy(h->buf + h->len, s, n);
	h->len += n;
	h->total += n;
}

size_t
html_size(const struct html *h)
{
	return h ? h->total : 0;
}

int
html_close(struct html *h)
{
	int err;

	if (h == NULL)
		return 0;
	flush(h);
	err = h->err;
	if (h->fd >= 0 && close(h->fd) < 0 && err == 0)
		err = errno;
	free(h->buf);
	free(h);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

char *
html_take(struct html *h, size_t *len)
{
	char *s = NULL;

	if (h == NULL)
		return NULL;
	if (reserve(h, 1)) {
		h->buf[h->len] = '\0';
		s = h->buf;
		*len = h->len;
		h->buf = NULL;
	}
	free(h->buf);
	free(h);
	return s;
}

void
html_raw(struct html *h, const char *markup)
{
	put(h, markup, strlen(markup));
}

void
html_printf(struct html *h, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(h, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(h->buf + h->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	h->len += (size_t)n;
	h->total += (size_t)n;
}

/* ------------------------------------------------------------ escaping */

/*
 * Characters HTML forbids in a document (C1 controls, noncharacters) and
 * the bidirectional overrides, with which a page could make the text
 * around it read backwards: shown as U+FFFD.
 */
static bool
forbidden(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || (cp >= 0xfdd0 && cp <= 0xfdef) ||
	    (cp & 0xfffe) == 0xfffe || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * The escape of the character at s: its replacement text in *out (static
 * or s itself) and its length; *used: input bytes it takes.
 */
static size_t
escape_char(const unsigned char *s, size_t n, const char **out, size_t *used)
{
	unsigned cp;
	size_t len;

	*used = 1;
	switch (s[0]) {
	case '&': *out = "&amp;"; return 5;
	case '<': *out = "&lt;"; return 4;
	case '>': *out = "&gt;"; return 4;
	case '"': *out = "&quot;"; return 6;
	case '\'': *out = "&#39;"; return 5;
	case '\t': case '\n': case '\r':
		*out = " ";
		return 1;
	default:
		break;
	}
	if (s[0] < 0x20 || s[0] == 0x7f) {
		*out = REPLACEMENT;
		return 3;
	}
	if (s[0] < 0x80) {
		*out = (const char *)s;
		return 1;
	}
	if ((len = text_utf8_len(s, n)) == 0 ||
	    forbidden(cp = text_utf8_cp(s, len))) {
		*used = len ? len : 1;
		*out = REPLACEMENT;
		return 3;
	}
	*used = len;
	*out = (const char *)s;
	return len;
}

static bool
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' &&
	    c != '"' && c != '\'';
}

/* Escape n bytes of s into h; plain ASCII runs go through in one copy. */
static void
escape_into(struct html *h, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run, len, used;
	const char *rep;

	while (i < n && h->err == 0) {
		for (run = i; run < n && plain(u[run]); run++)
			;
		put(h, s + i, run - i);
		if ((i = run) >= n)
			break;
		len = escape_char(u + i, n - i, &rep, &used);
		put(h, rep, len);
		i += used;
	}
}

void
html_text(struct html *h, const char *s)
{
	if (s != NULL)
		escape_into(h, s, strlen(s));
}

void
html_text_len(struct html *h, const char *s, size_t n)
{
	if (s != NULL)
		escape_into(h, s, n);
}

void
html_textn(struct html *h, const char *s, size_t max)
{
	size_t n, cut;

	if (s == NULL)
		return;
	n = strnlen(s, max + 1);
	if (n <= max) {
		escape_into(h, s, n);
		return;
	}
	/* Back to a character boundary, so the cut leaves no broken byte. */
	for (cut = max; cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80 &&
	    max - cut < 4; cut--)
		;
	escape_into(h, s, cut);
	put(h, "\xe2\x80\xa6", 3);	/* … */
}

/*
 * jsonscan.c - PURE: validate JSON text and find where its values lie,
 * without building a tree (see jsonscan.h for why).
 */
#include "jsonscan.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

struct scan {
	const unsigned char *p, *end;
	const char *why;	/* static: what is wrong at p; NULL so far */
	/*
	 * false: only what finding the values' ends needs (quotes, escapes,
	 * brackets, separators); true: everything RFC 8259 and jsonb ask.
	 */
	bool strict;
};

/* Bytes a string may hold as they are: printable ASCII but '"' and '\'. */
static bool
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static bool
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void
skip_ws(struct scan *sc)
{
	while (sc->p < sc->end && is_ws(*sc->p))
		sc->p++;
}

static bool
refuse(struct scan *sc, const char *why)
{
	if (sc->why == NULL)
		sc->why = why;
	return false;
}

/* True when the next byte (after white space) is c. */
static bool
next_is(struct scan *sc, unsigned char c)
{
	skip_ws(sc);
	return sc->p < sc->end && *sc->p == c;
}

/* Four hex digits at p as a number; -1 if they are not. */
static long
hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];

		v <<= 4;
		if (text_is_digit(c))
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* One escape, p at the backslash. */
static bool
scan_escape(struct scan *sc)
{
	long cp, lo;

	if (sc->end - sc->p < 2)
		return refuse(sc, "truncated string");
	if (strchr("\"\\/bfnrt", sc->p[1]) != NULL && sc->p[1] != '\0') {
		sc->p += 2;
		return true;
	}
	if (sc->p[1] != 'u')
		return refuse(sc, "invalid escape in a string");
	if ((cp = hex4(sc->p + 2, sc->end)) < 0)
		return refuse(sc, "invalid \\u escape in a string");
	sc->p += 6;
	/* PostgreSQL's jsonb refuses both; jansson refuses them too. */
	if (cp == 0)
		return refuse(sc, "\\u0000 in a string");
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return refuse(sc, "lone surrogate in a string");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (sc->end - sc->p < 6 || sc->p[0] != '\\' || sc->p[1] != 'u' ||
		    (lo = hex4(sc->p + 2, sc->end)) < 0xDC00 || lo > 0xDFFF)
			return refuse(sc, "lone surrogate in a string");
		sc->p += 6;
	}
	return true;
}

/* One multi-byte UTF-8 character (RFC 3629: shortest form, no surrogates). */
static bool
scan_utf8(struct scan *sc)
{
	size_t n = text_utf8_len(sc->p, (size_t)(sc->end - sc->p));

	if (n == 0)
		return refuse(sc, "invalid UTF-8");
	sc->p += n;
	return true;
}

/*
 * Past a string's content to its closing quote, quickly, when only its
 * end matters: memchr finds each quote, and a quote behind an odd run of
 * backslashes is escaped.
 */
static bool
skip_string(struct scan *sc)
{
	const unsigned char *p = sc->p, *q, *b;

	for (;;) {
		if ((q = memchr(p, '"', (size_t)(sc->end - p))) == NULL)
			return refuse(sc, "truncated string");
		for (b = q; b > sc->p && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0) {
			sc->p = q + 1;
			return true;
		}
		p = q + 1;
	}
}

/* A string, from its opening quote to past its closing one. */
static bool
scan_string(struct scan *sc)
{
	const unsigned char *p, *end = sc->end;

	sc->p++;
	if (!sc->strict)
		return skip_string(sc);
	for (;;) {
		/* Most bytes are plain ASCII: a local loop keeps it tight. */
		for (p = sc->p; p < end && plain(*p); p++)
			;
		sc->p = p;
		if (p >= end)
			return refuse(sc, "truncated string");
		if (*p == '"') {
			sc->p++;
			return true;
		}
		if (*p == '\\') {
			if (!scan_escape(sc))
				return false;
		} else if (*p < 0x20)
			return refuse(sc, "control character in a string");
		else if (!scan_utf8(sc))
			return false;
	}
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool
scan_number(struct scan *sc)
{
	const unsigned char *p = sc->p, *end = sc->end;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && text_is_digit(*p))
		while (p < end && text_is_digit(*p))
			p++;
	else
		return refuse(sc, "invalid number");
	if (p < end && *p == '.') {
		if (++p >= end || !text_is_digit(*p))
			return refuse(sc, "invalid number");
		while (p < end && text_is_digit(*p))
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		if (++p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !text_is_digit(*p))
			return refuse(sc, "invalid number");
		while (p < end && text_is_digit(*p))
			p++;
	}
	sc->p = p;
	return true;
}

static bool
scan_literal(struct scan *sc, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(sc->end - sc->p) < n || memcmp(sc->p, word, n) != 0)
		return refuse(sc, "invalid literal");
	sc->p += n;
	return true;
}

/* "name" : -- a member's name and its colon; the name's text into *name. */
static bool
scan_name(struct scan *sc, struct jsonscan_slice *name)
{
	const unsigned char *start;

	if (!next_is(sc, '"'))
		return refuse(sc, sc->p < sc->end ? "expected a member name" :
		    "truncated");
	start = sc->p;
	if (!scan_string(sc))
		return false;
	name->s = (const char *)start + 1;
	name->len = (size_t)(sc->p - start) - 2;
	if (!next_is(sc, ':'))
		return refuse(sc, sc->p < sc->end ? "expected ':'" : "truncated");
	sc->p++;
	return true;
}

/*
 * After a member or element: ',' (more to come) or the closing bracket
 * (*done true).
 */
static bool
scan_after(struct scan *sc, unsigned char close, bool *done)
{
	if (!next_is(sc, ',') && !(sc->p < sc->end && *sc->p == close))
		return refuse(sc, sc->p < sc->end ?
		    "expected ',' or a closing bracket" : "truncated");
	*done = *sc->p == close;
	sc->p++;
	return true;
}

static bool scan_value(struct scan *sc, int depth);

/* An object or array, from its opening bracket to past its closing one. */
static bool
scan_container(struct scan *sc, int depth)
{
	unsigned char close = *sc->p == '{' ? '}' : ']';
	struct jsonscan_slice name;
	bool done = false;

	if (depth > JSONSCAN_MAX_DEPTH)
		return refuse(sc, "nested too deeply");
	sc->p++;
	if (next_is(sc, close)) {
		sc->p++;
		return true;
	}
	while (!done)
		if ((close == '}' && !scan_name(sc, &name)) ||
		    !scan_value(sc, depth + 1) || !scan_after(sc, close, &done))
			return false;
	return true;
}

static bool
scan_value(struct scan *sc, int depth)
{
	skip_ws(sc);
	if (sc->p >= sc->end)
		return refuse(sc, "truncated");
	switch (*sc->p) {
	case '{':
	case '[':
		return scan_container(sc, depth);
	case '"':
		return scan_string(sc);
	}
	if (!sc->strict) {
		const unsigned char *start = sc->p;

		/* A number or a literal: its spelling is for the strict pass. */
		while (sc->p < sc->end && !is_ws(*sc->p) &&
		    strchr(",]}:[{\"", *sc->p) == NULL)
			sc->p++;
		return sc->p > start ? true : refuse(sc, "expected a value");
	}
	switch (*sc->p) {
	case 't':
		return scan_literal(sc, "true");
	case 'f':
		return scan_literal(sc, "false");
	case 'n':
		return scan_literal(sc, "null");
	default:
		return scan_number(sc);
	}
}

/* Past the top-level value: only white space may follow. */
static bool
scan_end(struct scan *sc)
{
	skip_ws(sc);
	return sc->p == sc->end ? true : refuse(sc, "data after the document");
}

static bool
same_name(const struct jsonscan_slice *a, const char *name, size_t len)
{
	return a->len == len && memcmp(a->s, name, len) == 0;
}

/* The top-level members of text, checked strictly or for structure only. */
static const char *
members(const char *text, size_t len, bool strict,
    struct jsonscan_member **out, size_t *n)
{
	struct scan sc = {(const unsigned char *)text,
	    (const unsigned char *)text + len, NULL, strict};
	struct jsonscan_member *v = NULL, *nv;
	size_t cap = 0, k = 0;
	bool done = false;

	*out = NULL;
	*n = 0;
	if (!next_is(&sc, '{'))
		return sc.p < sc.end ? "not a JSON object" : "empty document";
	sc.p++;
	if (next_is(&sc, '}')) {
		sc.p++;
		done = true;
	}
	while (!done) {
		struct jsonscan_slice name;
		const unsigned char *start;

		if (!scan_name(&sc, &name))
			goto fail;
		for (size_t i = 0; i < k; i++)
			if (same_name(&v[i].name, name.s, name.len)) {
				refuse(&sc, "a member named twice");
				goto fail;
			}
		skip_ws(&sc);
		start = sc.p;
		if (!scan_value(&sc, 1))
			goto fail;
		if ((nv = text_grow(v, &cap, k, sizeof(*v))) == NULL) {
			refuse(&sc, "out of memory");
			goto fail;
		}
		v = nv;
		v[k].name = name;
		v[k].value.s = (const char *)start;
		v[k].value.len = (size_t)(sc.p - start);
		k++;
		if (!scan_after(&sc, '}', &done))
			goto fail;
	}
	if (!scan_end(&sc))
		goto fail;
	*out = v;
	*n = k;
	return NULL;
fail:
	free(v);
	return sc.why;
}

const char *
jsonscan_members(const char *text, size_t len, struct jsonscan_member **out,
    size_t *n)
{
	return members(text, len, true, out, n);
}

const struct jsonscan_member *
jsonscan_find(const struct jsonscan_member *members, size_t n,
    const char *name)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < n; i++)
		if (same_name(&members[i].name, name, len))
			return &members[i];
	return NULL;
}

const char *
jsonscan_array(const char *text, size_t len, const char *name,
    struct jsonscan_slice **out, size_t *n)
{
	struct jsonscan_member *m = NULL;
	const struct jsonscan_member *arr;
	struct jsonscan_slice *v = NULL, *nv;
	struct scan sc = {NULL, NULL, NULL, false};
	size_t nm = 0, cap = 0, k = 0;
	const char *why;
	bool done = false;

	*out = NULL;
	*n = 0;
	if ((why = members(text, len, false, &m, &nm)) != NULL)
		return why;
	if ((arr = jsonscan_find(m, nm, name)) == NULL) {
		refuse(&sc, "the array is missing");
		goto out;
	}
	if (arr->value.s[0] != '[') {
		refuse(&sc, "not an array");
		goto out;
	}
	/* Checked already: only the element boundaries are wanted. */
	sc.p = (const unsigned char *)arr->value.s + 1;
	sc.end = (const unsigned char *)arr->value.s + arr->value.len;
	if (next_is(&sc, ']'))
		done = true;
	while (!done) {
		if ((nv = text_grow(v, &cap, k, sizeof(*v))) == NULL) {
			refuse(&sc, "out of memory");
			goto out;
		}
		v = nv;
		skip_ws(&sc);
		v[k].s = (const char *)sc.p;
		if (!scan_value(&sc, 2))
			goto out;
		v[k].len = (size_t)((const char *)sc.p - v[k].s);
		k++;
		if (!scan_after(&sc, ']', &done))
			goto out;
	}
	*out = v;
	*n = k;
	v = NULL;
out:
	free(v);
	free(m);
	return sc.why;
}

const char *
jsonscan_object(const char *text, size_t len)
{
	struct jsonscan_member *m = NULL;
	size_t n = 0;
	const char *why = jsonscan_members(text, len, &m, &n);

	free(m);
	return why;
}

bool
jsonscan_string_member(const char *text, size_t len, const char *name,
    char *out, size_t size)
{
	const char *end = text + len, *p = text, *v;
	size_t nlen = strlen(name);

	if (nlen == 0 || size == 0)
		return false;
	while ((p = memmem(p, (size_t)(end - p), name, nlen)) != NULL) {
		const char *at = p;

		p += nlen;
		/* "name" exactly: quoted on both sides. */
		if (at == text || at[-1] != '"' || p >= end || *p != '"')
			continue;
		for (p++; p < end && is_ws((unsigned char)*p); p++)
			;
		if (p >= end || *p != ':')
			continue;
		for (p++; p < end && is_ws((unsigned char)*p); p++)
			;
		if (p >= end || *p != '"')
			return false;
		for (v = ++p; p < end && *p != '"' && *p != '\\'; p++)
			;
		if (p >= end || *p != '"' || (size_t)(p - v) >= size)
			return false;
		memcpy(out, v, (size_t)(p - v));
		out[p - v] = '\0';
		return true;
	}
	return false;
}

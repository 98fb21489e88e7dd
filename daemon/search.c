/*
 * search.c - PURE: registry searches as the config writes them and the
 * API v2 takes them (search.h).
 */
#include "search.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

/*
 * The parameters a search may set, sorted: the query string lists them in
 * this order.  Paging, fields and filter.ids are ctmirror's to set.
 */
static const char *const params[] = {
	"filter.advanced", "filter.overallStatus", "query.cond",
	"query.intr", "query.lead", "query.spons", "query.term",
	"query.titles",
};
#define N_PARAMS (sizeof(params) / sizeof(params[0]))
#define P_STATUS 1
#define P_TERM 6
/* AACT's loader's "changed since" expression (search.h). */
#define SINCE "AREA[LastUpdatePostDate]RANGE[%s,MAX]"

/* overallStatus values (the spec's Status enum), for filter.overallStatus. */
static const char *const statuses[] = {
	"NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION",
	"ACTIVE_NOT_RECRUITING", "COMPLETED", "SUSPENDED", "TERMINATED",
	"WITHDRAWN", "UNKNOWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
	"TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD",
};

/* A search's values by parameter (NULL: not set), decoded; owned. */
struct values {
	char *v[N_PARAMS];
};

static void
values_finish(struct values *vs)
{
	for (size_t i = 0; i < N_PARAMS; i++)
		free(vs->v[i]);
	memset(vs, 0, sizeof(*vs));
}

static int
param_of(const char *name, size_t len)
{
	for (size_t i = 0; i < N_PARAMS; i++)
		if (strlen(params[i]) == len && memcmp(params[i], name,
		    len) == 0)
			return (int)i;
	return -1;
}

static void
say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Valid UTF-8 throughout (what PostgreSQL and the registry take). */
static bool
utf8_ok(const char *s)
{
	size_t n = strlen(s), k;

	for (size_t i = 0; i < n; i += k)
		if ((k = text_utf8_len((const unsigned char *)s + i,
		    n - i)) == 0)
			return false;
	return true;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * s[0..len) with "%XX" decoded and blanks trimmed, into a new string;
 * NULL with *bad set when a '%' starts no "%XX" (or out of memory).
 */
static char *
decode(const char *s, size_t len, bool *bad)
{
	char *out = malloc(len + 1), *o = out;
	size_t i;

	*bad = false;
	if (out == NULL)
		return NULL;
	while (len > 0 && isspace((unsigned char)*s))
		s++, len--;
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	for (i = 0; i < len; i++) {
		if (s[i] != '%') {
			*o++ = s[i];
			continue;
		}
		if (i + 2 >= len || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0 ||
		    (s[i + 1] == '0' && s[i + 2] == '0')) {
			*bad = true;
			free(out);
			return NULL;
		}
		*o++ = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
		i += 2;
	}
	*o = '\0';
	return out;
}

/* filter.overallStatus: known statuses, upper-cased, joined by ','. */
static char *
status_list(const char *v, char *err, size_t errlen)
{
	char *out = calloc(1, strlen(v) + 1);
	size_t used = 0;
	const char *p = v;

	if (out == NULL)
		return NULL;
	while (*p) {
		size_t n = strcspn(p, ",|"), k, b;
		char word[40];

		for (b = 0; b < n && isspace((unsigned char)p[b]); b++)
			;
		while (n > b && isspace((unsigned char)p[n - 1]))
			n--;
		if (n - b == 0 || n - b >= sizeof(word))
			goto bad;
		for (k = 0; k < n - b; k++)
			word[k] = (char)toupper((unsigned char)p[b + k]);
		word[k] = '\0';
		for (k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++)
			if (strcmp(word, statuses[k]) == 0)
				break;
		if (k == sizeof(statuses) / sizeof(statuses[0]))
			goto bad;
		used += (size_t)sprintf(out + used, "%s%s", used ? "," : "",
		    word);
		p += strcspn(p, ",|");
		if (*p)
			p++;
	}
	return out;
bad:
	say(err, errlen, "filter.overallStatus: \"%.60s\" is not a list of "
	    "statuses (RECRUITING, COMPLETED, ... separated by ',')", v);
	free(out);
	return NULL;
}

/* The config's form into values.  0 / -1 with err. */
static int
parse_text(const char *text, struct values *vs, char *err, size_t errlen)
{
	const char *p = text;
	bool any = false;

	memset(vs, 0, sizeof(*vs));
	while (isspace((unsigned char)*p))
		p++;
	if (strcmp(p, "*") == 0 || (p[0] == '*' && p[1 + strspn(p + 1,
	    " \t\r\n")] == '\0'))
		return 0;
	for (;;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n), *name = p;
		size_t nlen;
		bool bad;
		char *value;
		int k;

		if (eq == NULL) {
			size_t b = strspn(p, " \t\r\n");

			if (b == n)
				say(err, errlen, "%s", any ? "an empty "
				    "parameter: '&' with nothing after it" :
				    "no parameter: write query.cond=..., "
				    "query.intr=..., ... joined by '&', or * "
				    "for every study");
			else
				say(err, errlen, "\"%.*s\" is not "
				    "parameter=value", (int)(n - b < 60 ?
				    n - b : 60), p + b);
			goto fail;
		}
		while (isspace((unsigned char)*name))
			name++;
		nlen = (size_t)(eq - name);
		while (nlen > 0 && isspace((unsigned char)name[nlen - 1]))
			nlen--;
		if ((k = param_of(name, nlen)) < 0) {
			say(err, errlen, "unknown parameter \"%.*s\": one of "
			    "query.cond, query.intr, query.term, query.spons, "
			    "query.titles, query.lead, filter.overallStatus, "
			    "filter.advanced", (int)(nlen < 40 ? nlen : 40),
			    name);
			goto fail;
		}
		if (vs->v[k] != NULL) {
			say(err, errlen, "%s is given twice: join its "
			    "expressions with AND or OR", params[k]);
			goto fail;
		}
		value = decode(eq + 1, n - (size_t)(eq + 1 - p), &bad);
		if (value == NULL) {
			say(err, errlen, bad ? "%s: a '%%' must start %%XX "
			    "(%%26 for '&')" : "%s: out of memory", params[k]);
			goto fail;
		}
		vs->v[k] = value;
		if (value[0] == '\0') {
			say(err, errlen, "%s: empty value", params[k]);
			goto fail;
		}
		for (const char *c = value; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				say(err, errlen, "%s: a control character in "
				    "the value", params[k]);
				goto fail;
			}
		if (!utf8_ok(value)) {
			say(err, errlen, "%s: not UTF-8", params[k]);
			goto fail;
		}
		if (k == P_STATUS) {
			char *list = status_list(value, err, errlen);

			if (list == NULL)
				goto fail;
			free(vs->v[k]);
			vs->v[k] = list;
		}
		any = true;
		p += n;
		if (*p == '\0')
			break;
		p++;
	}
	return 0;
fail:
	values_finish(vs);
	return -1;
}

/* Percent-encode all but RFC 3986's unreserved bytes. */
static size_t
encode(char *out, const char *s)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~') {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = digits[c >> 4];
			out[n++] = digits[c & 15];
		}
	}
	return n;
}

/* The values as a query string.  New or NULL. */
static char *
query_of(const struct values *vs)
{
	size_t cap = 1, n = 0;
	char *out;

	for (size_t i = 0; i < N_PARAMS; i++)
		if (vs->v[i])
			cap += strlen(params[i]) + 2 + 3 * strlen(vs->v[i]);
	if ((out = malloc(cap)) == NULL)
		return NULL;
	for (size_t i = 0; i < N_PARAMS; i++) {
		if (vs->v[i] == NULL)
			continue;
		n += (size_t)sprintf(out + n, "%s%s=", n ? "&" : "",
		    params[i]);
		n += encode(out + n, vs->v[i]);
	}
	out[n] = '\0';
	return out;
}

/* A query string (query_of's form) back into values.  0 / -1 (memory). */
static int
values_of(const char *query, struct values *vs)
{
	const char *p = query;

	memset(vs, 0, sizeof(*vs));
	while (*p) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		bool bad;
		int k;

		if (eq != NULL && (k = param_of(p, (size_t)(eq - p))) >= 0 &&
		    vs->v[k] == NULL) {
			vs->v[k] = decode(eq + 1, n - (size_t)(eq + 1 - p),
			    &bad);
			if (vs->v[k] == NULL && !bad) {
				values_finish(vs);
				return -1;
			}
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

char *
search_parse(const char *text, char *err, size_t errlen)
{
	struct values vs;
	char *q;

	if (parse_text(text ? text : "", &vs, err, errlen) < 0)
		return NULL;
	if ((q = query_of(&vs)) == NULL)
		say(err, errlen, "%s", "out of memory");
	values_finish(&vs);
	return q;
}

bool
search_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n >= 1 && n <= SEARCH_NAME_MAX && strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
	    == n;
}

bool
search_starts_param(const char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strcspn(s, "= \t");
	return param_of(s, n) >= 0 && s[n + strspn(s + n, " \t")] == '=';
}

char *
search_since(const char *query, const char *day)
{
	struct values vs;
	char *term = NULL, *q = NULL;

	if (values_of(query, &vs) < 0)
		return NULL;
	if (vs.v[P_TERM] != NULL) {
		/* The user's expression whole, so its ORs stay inside. */
		if (asprintf(&term, "(%s) AND " SINCE, vs.v[P_TERM], day) < 0)
			term = NULL;
	} else if (asprintf(&term, SINCE, day) < 0) {
		term = NULL;
	}
	if (term != NULL) {
		free(vs.v[P_TERM]);
		vs.v[P_TERM] = term;
		q = query_of(&vs);
	}
	values_finish(&vs);
	return q;
}

char *
search_text(const char *query)
{
	struct values vs;
	size_t cap = 16, n = 0;
	char *out;

	if (values_of(query, &vs) < 0)
		return NULL;
	for (size_t i = 0; i < N_PARAMS; i++)
		if (vs.v[i])
			cap += strlen(params[i]) + 4 + strlen(vs.v[i]);
	if ((out = malloc(cap)) != NULL) {
		out[0] = '\0';
		for (size_t i = 0; i < N_PARAMS; i++)
			if (vs.v[i])
				n += (size_t)sprintf(out + n, "%s%s=%s",
				    n ? " & " : "", params[i], vs.v[i]);
		if (n == 0)
			strcpy(out, "every study");
		for (char *c = out; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
	values_finish(&vs);
	return out;
}

/*
 * suppress.c - disable comments in a page's raw text: which lines and
 * rules they silence, and the verdicts that drops.  One pass over the
 * text, looking only at HTML comments.
 */
#include "suppress.h"

#include <stdlib.h>
#include <string.h>

#include "text.h"

#define NEXT_LINE "ctmirror-disable-next-line"
#define MAX_RULES_TEXT 512	/* a directive's rule list, bytes */

/* Newlines in t[from, to). */
static int
lines_in(const char *t, size_t from, size_t to)
{
	int n = 0;
	const char *p = t + from, *end = t + to;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Does word w (length n) start s, followed by the end or a space? */
static bool
starts_word(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	return len >= n && memcmp(s, w, n) == 0 &&
	    (len == n || text_is_space((unsigned char)s[n]));
}

/*
 * The rule list of a directive, " a b " (commas read as spaces), or NULL
 * for none (every rule); *bad when memory ran out.
 */
static char *
rule_list(const char *s, size_t len, bool *bad)
{
	char *out;
	size_t w = 0;
	bool any = false;

	if (len > MAX_RULES_TEXT)
		len = MAX_RULES_TEXT;
	if ((out = malloc(len + 3)) == NULL) {
		*bad = true;
		return NULL;
	}
	out[w++] = ' ';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* A control byte (a NUL among them) ends a name too. */
		if (c <= ' ' || c == ',' || c == 0x7f) {
			if (out[w - 1] != ' ')
				out[w++] = ' ';
		} else {
			out[w++] = (char)c;
			any = true;
		}
	}
	if (out[w - 1] != ' ')
		out[w++] = ' ';
	out[w] = '\0';
	if (!any) {
		free(out);
		return NULL;
	}
	return out;
}

static int
add_range(struct suppress *s, int from, int to, char *rules)
{
	struct suppress_range *v;

	if ((v = text_grow(s->v, &s->cap, s->n, sizeof(*v))) == NULL) {
		free(rules);
		return -1;
	}
	s->v = v;
	v[s->n].from = from;
	v[s->n].to = to;
	v[s->n].rules = rules;
	s->n++;
	return 0;
}

int
suppress_scan(const char *text, size_t len, struct suppress *out)
{
	size_t pos = 0, counted = 0, first_open;
	int line = 1;
	bool bad = false;

	first_open = out->n;	/* ranges from here on may still be open */
	for (;;) {
		const char *open = memmem(text + pos, len - pos, "<!--", 4);
		const char *close, *d;
		size_t at, dlen;
		int start, end;

		if (open == NULL)
			break;
		at = (size_t)(open - text);
		close = memmem(open + 4, len - at - 4, "-->", 3);
		if (close == NULL)
			break;
		line += lines_in(text, counted, at);
		counted = at;
		start = line;
		end = line + lines_in(text, at, (size_t)(close - text));
		pos = (size_t)(close - text) + 3;
		/* The directive, trimmed. */
		d = open + 4;
		dlen = (size_t)(close - d);
		while (dlen > 0 && text_is_space((unsigned char)*d)) {
			d++;
			dlen--;
		}
		while (dlen > 0 && text_is_space((unsigned char)d[dlen - 1]))
			dlen--;
		if (starts_word(d, dlen, NEXT_LINE)) {
			char *rules = rule_list(d + strlen(NEXT_LINE),
			    dlen - strlen(NEXT_LINE), &bad);

			if (bad || add_range(out, end + 1, end + 1, rules) < 0)
				return -1;
		} else if (starts_word(d, dlen, "ctmirror")) {
			const char *w = d + 8;
			size_t wl = dlen - 8;

			while (wl > 0 && text_is_space((unsigned char)*w)) {
				w++;
				wl--;
			}
			if (starts_word(w, wl, "off")) {
				char *rules = rule_list(w + 3, wl - 3, &bad);

				/* Open until an "on" (INT_MAX: to the end). */
				if (bad || add_range(out, start, 0x7fffffff,
				    rules) < 0)
					return -1;
			} else if (starts_word(w, wl, "on")) {
				for (size_t i = first_open; i < out->n; i++)
					if (out->v[i].to == 0x7fffffff &&
					    out->v[i].from <= end)
						out->v[i].to = end;
			}
		}
	}
	return 0;
}

bool
suppress_hides(const struct suppress *s, int line, const char *rule)
{
	size_t n = strlen(rule);

	for (size_t i = 0; i < s->n; i++) {
		const struct suppress_range *r = &s->v[i];
		const char *p;

		if (line < r->from || line > r->to)
			continue;
		if (r->rules == NULL)
			return true;
		for (p = r->rules; (p = strstr(p, rule)) != NULL; p += n)
			if (p[-1] == ' ' && p[n] == ' ')
				return true;
	}
	return false;
}

void
suppress_finish(struct suppress *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].rules);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

long
suppress_apply(const char *text, size_t len, const struct claim_list *claims,
    struct verdict_list *verdicts, size_t *owner)
{
	struct suppress s = {0};
	size_t k, w = 0;
	long dropped = 0;

	/* Most pages have no comment at all: nothing to do, nothing read. */
	if (verdicts->n == 0 || memmem(text, len, "<!--", 4) == NULL)
		return 0;
	if (suppress_scan(text, len, &s) < 0) {
		suppress_finish(&s);
		return -1;
	}
	for (k = 0; k < verdicts->n; k++) {
		struct verdict *v = &verdicts->v[k];

		if (s.n > 0 && suppress_hides(&s, claims->v[owner[k]].line,
		    v->rule)) {
			free(v->evidence);
			dropped++;
			continue;
		}
		verdicts->v[w] = *v;
		owner[w++] = owner[k];
	}
	verdicts->n = w;
	suppress_finish(&s);
	return dropped;
}

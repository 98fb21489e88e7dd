/*
 * claims_page.c - PURE: a page as lines: where each ends, what it is (a
 * heading, a list item, a table row, prose...), whether the page was
 * exported one block per line, its YAML front matter and its own date;
 * and the NCT IDs it names.
 */
#include "claims_page.h"

#include <stdlib.h>
#include <string.h>

#include "claims_date.h"

#define HEADING_MAX	120	/* longer lines are never plain-text headings */
#define LONG_LINE	160	/* a prose line this long: one block per line */
#define LONG_SPACES	12	/* ... if it has this many spaces (not a URL) */
#define TOP_LINES	10	/* "Last reviewed: ..." counts this high up */
#define TOP_AS_OF	3	/* "as of ..." anywhere counts in these lines */

/* ------------------------------------------------------------- lines */

void
claims_line_at(const struct page *pg, size_t pos, struct line *l)
{
	const unsigned char *nl = memchr(pg->t + pos, '\n', pg->len - pos);

	l->s = pos;
	l->e = nl ? (size_t)(nl - pg->t) : pg->len;
	l->next = nl ? l->e + 1 : pg->len;
	if (l->e > l->s && pg->t[l->e - 1] == '\r')
		l->e--;
}

/* A short line without closing punctuation: a heading in an exported page. */
static bool
plain_heading(const unsigned char *t, size_t s, size_t e)
{
	while (s < e && text_is_hspace(t[s]))
		s++;
	while (e > s && text_is_hspace(t[e - 1]))
		e--;
	if (e - s > HEADING_MAX || e == s || text_is_lower(t[s]))
		return false;
	return strchr(".,;:!?", t[e - 1]) == NULL || t[e - 1] == '\0';
}

enum lclass
claims_line_class(const struct page *pg, const struct line *l)
{
	const unsigned char *t = pg->t;
	size_t i = l->s, e = l->e, j;
	unsigned char c;

	while (i < e && text_is_hspace(t[i]))
		i++;
	if (i == e)
		return L_BLANK;
	c = t[i];
	if (c == '#') {
		for (j = i; j < e && t[j] == '#' && j - i < 7; j++)
			;
		if (j - i <= 6 && (j == e || text_is_hspace(t[j])))
			return L_HEADING;
	}
	if (c == '|') {
		for (j = i; j < e && (t[j] == '|' || t[j] == ':' ||
		    t[j] == '-' || text_is_hspace(t[j])); j++)
			;
		return j == e ? L_TSEP : L_TABLE;
	}
	if (c == '=' || c == '-') {
		size_t n = 0;

		for (j = i; j < e && (t[j] == c || text_is_hspace(t[j])); j++)
			n += t[j] == c;
		if (j == e && n >= 3)
			return L_RULE;
	}
	if ((c == '-' || c == '*' || c == '+') && (i + 1 == e ||
	    text_is_hspace(t[i + 1])))
		return L_LIST;
	if (text_is_digit(c)) {
		for (j = i; j < e && text_is_digit(t[j]) && j - i < 10; j++)
			;
		if (j < e && (t[j] == '.' || t[j] == ')') && (j + 1 == e ||
		    text_is_hspace(t[j + 1])))
			return pg->unwrapped && plain_heading(t, l->s, e) ?
			    L_HEADING : L_NUMBERED;
	}
	if (pg->unwrapped && plain_heading(t, l->s, e))
		return L_HEADING;
	return L_TEXT;
}

/* Pages exported one block per line have long prose lines. */
static bool
is_unwrapped(const struct page *pg, size_t pos)
{
	struct line l;
	size_t i, spaces;

	for (; pos < pg->len; pos = l.next) {
		claims_line_at(pg, pos, &l);
		if (l.e - l.s <= LONG_LINE)
			continue;
		for (i = l.s; i < l.e && text_is_hspace(pg->t[i]); i++)
			;
		if (i == l.e || pg->t[i] == '|')
			continue;
		for (spaces = 0; i < l.e && spaces < LONG_SPACES; i++)
			spaces += pg->t[i] == ' ';
		if (spaces >= LONG_SPACES)
			return true;
	}
	return false;
}

/* Trimmed line equal to s? */
static bool
line_is(const struct page *pg, const struct line *l, const char *s)
{
	size_t a = l->s, b = l->e;

	while (a < b && text_is_hspace(pg->t[a]))
		a++;
	while (b > a && text_is_hspace(pg->t[b - 1]))
		b--;
	return b - a == strlen(s) && memcmp(pg->t + a, s, b - a) == 0;
}

/*
 * YAML front matter ("---" first line to "---" or "..."): where the page
 * proper starts and how many lines were skipped; the page date from an
 * `updated:`-like key.
 */
static size_t
front_matter(struct page *pg, int *lines)
{
	struct line l;
	size_t pos, i, j, e;
	int n = 1;
	bool iso;

	*lines = 0;
	if (pg->len == 0)
		return 0;
	claims_line_at(pg, 0, &l);
	if (!line_is(pg, &l, "---"))
		return 0;
	for (pos = l.next; pos < pg->len; pos = l.next) {
		claims_line_at(pg, pos, &l);
		n++;
		if (line_is(pg, &l, "---") || line_is(pg, &l, "..."))
			break;
		for (i = l.s; i < l.e && text_is_hspace(pg->t[i]); i++)
			;
		for (j = i; j < l.e && pg->t[j] != ':'; j++)
			;
		if (j == l.e || pg->date[0] ||
		    !claims_date_key(pg->t + i, j - i))
			continue;
		for (j++; j < l.e && (text_is_hspace(pg->t[j]) || pg->t[j] ==
		    '"' ||
		    pg->t[j] == '\''); j++)
			;
		if (j < l.e && claims_date_at(pg->t, j, l.e, pg->date, &e,
		    &iso) == TEXT_DATE_NONE)
			pg->date[0] = '\0';
	}
	if (pos >= pg->len) {		/* never closed: not front matter */
		pg->date[0] = '\0';
		return 0;
	}
	*lines = n;
	return l.next;
}

/* The page's date: a label near the top, "as of" at the top or in a heading. */
static void
page_date(struct page *pg, size_t pos)
{
	struct line l;
	enum lclass c;
	int nonblank = 0;

	for (; pos < pg->len && !pg->date[0]; pos = l.next) {
		claims_line_at(pg, pos, &l);
		c = claims_line_class(pg, &l);
		if (c == L_BLANK || c == L_RULE || c == L_TSEP)
			continue;
		nonblank++;
		if ((nonblank <= TOP_LINES || c == L_HEADING) &&
		    claims_date_label(pg->t, l.s, l.e, pg->date))
			break;
		if ((nonblank <= TOP_AS_OF || c == L_HEADING) &&
		    claims_date_as_of(pg->t, l.s, l.e, pg->date))
			break;
		pg->date[0] = '\0';
	}
}

int
claims_page_breaks(const char *text, size_t len, char **copy)
{
	const char *cr = text ? memchr(text, '\r', len) : NULL;
	size_t i, k;

	*copy = NULL;
	for (; cr != NULL; cr = k < len ? memchr(text + k, '\r', len - k) :
	    NULL) {
		i = (size_t)(cr - text);
		for (k = i + 1; k < len && text[k] == '\r'; k++)
			;
		/* "\r\n", or "\r\r\n" (CRLF converted twice): one break. */
		if (k < len && text[k] == '\n')
			continue;
		if (*copy == NULL) {
			if ((*copy = malloc(len)) == NULL)
				return -1;
			memcpy(*copy, text, len);
		}
		memset(*copy + i, '\n', k - i);
	}
	return 0;
}

size_t
claims_page_open(struct page *pg, const char *text, size_t len, int *line)
{
	size_t start;
	int lines;

	memset(pg, 0, sizeof(*pg));
	pg->t = (const unsigned char *)(text ? text : "");
	pg->len = text ? len : 0;
	start = front_matter(pg, &lines);
	pg->unwrapped = is_unwrapped(pg, start);
	page_date(pg, start);
	*line = lines + 1;
	return start;
}

/* ------------------------------------------------------------ NCT IDs */

int
claims_nct_ids(const char *text, size_t len, char (**ids)[NCT_ID_SIZE],
    size_t *n)
{
	const unsigned char *t = (const unsigned char *)text;
	char (*v)[NCT_ID_SIZE] = NULL, (*nv)[NCT_ID_SIZE];
	uint32_t *set = NULL, *ns, key;
	size_t cap = 0, used = 0, nn = 0, cn = 0, i, k, h;
	char id[NCT_ID_SIZE];

	*ids = NULL;
	*n = 0;
	for (i = 0; text && (i = text_nct_next(t, len, i, id)) != SIZE_MAX;
	    i += 11) {
		key = (uint32_t)strtoul(id + 3, NULL, 10) + 1;
		if (2 * (used + 1) > cap) {
			size_t ncap = cap ? cap * 2 : 64;

			if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
				goto fail;
			for (k = 0; k < cap; k++) {
				if (set[k] == 0)
					continue;
				for (h = set[k] * 2654435761u & (ncap - 1);
				    ns[h]; h = (h + 1) & (ncap - 1))
					;
				ns[h] = set[k];
			}
			free(set);
			set = ns;
			cap = ncap;
		}
		for (h = key * 2654435761u & (cap - 1); set[h] && set[h] != key;
		    h = (h + 1) & (cap - 1))
			;
		if (set[h] == key)
			continue;
		set[h] = key;
		used++;
		if ((nv = text_grow(v, &cn, nn, sizeof(*v))) == NULL)
			goto fail;
		v = nv;
		memcpy(v[nn++], id, NCT_ID_SIZE);
	}
	free(set);
	*ids = v;
	*n = nn;
	return 0;
fail:
	free(set);
	free(v);
	return -1;
}

/*
 * claims_page.c - PURE: a page opened for a scan: its YAML front matter,
 * the rest read into blocks (reader.c), its own date (front matter, or a
 * stamp near the top); and the NCT IDs it names.
 */
#include "claims_page.h"

#include <stdlib.h>
#include <string.h>

#include "claims_acronym.h"
#include "claims_date.h"

#define TOP_BLOCKS	10	/* "Last reviewed: <date>" counts this high up */
#define TOP_STAMP	3	/* "checked ... on <date>" counts in these */
#define STAMP_GAP	64	/* bytes from a stamp's word to its date */

/* ------------------------------------------------------ front matter */

/* The raw line at pos of text[..len): [pos, *e) without its break; next. */
static size_t
raw_line(const unsigned char *t, size_t len, size_t pos, size_t *e)
{
	const unsigned char *nl = memchr(t + pos, '\n', len - pos);

	*e = nl ? (size_t)(nl - t) : len;
	return nl ? *e + 1 : len;
}

/* Trimmed t[s..e) equal to w? */
static bool
trimmed_is(const unsigned char *t, size_t s, size_t e, const char *w)
{
	while (s < e && text_is_space(t[s]))
		s++;
	while (e > s && text_is_space(t[e - 1]))
		e--;
	return e - s == strlen(w) && memcmp(t + s, w, e - s) == 0;
}

/*
 * YAML front matter ("---" first line to "---" or "..."): where the page
 * proper starts (0 if there is none) and the lines it takes in *lines;
 * its date into pg->date: an `updated:`-like key's, else `date:`'s (a
 * `created:` date says nothing about the claims).
 */
static size_t
front_matter(struct page *pg, const unsigned char *t, size_t len, int *lines)
{
	char date[DATE_SIZE] = "", d[DATE_SIZE];
	size_t pos, next, e, i, j, de;
	int n = 1, rank = 0, r;
	bool iso;

	*lines = 0;
	if (len == 0)
		return 0;
	next = raw_line(t, len, 0, &e);
	if (!trimmed_is(t, 0, e, "---"))
		return 0;
	for (pos = next; pos < len; pos = next) {
		next = raw_line(t, len, pos, &e);
		n++;
		if (trimmed_is(t, pos, e, "---") || trimmed_is(t, pos, e, "..."))
			break;
		for (i = pos; i < e && text_is_hspace(t[i]); i++)
			;
		for (j = i; j < e && t[j] != ':'; j++)
			;
		if (j == e)
			continue;
		r = claims_date_key(t + i, j - i) ? 2 : j - i == 4 &&
		    claims_word_is(t, i, j, "date") ? 1 : 0;
		if (r <= rank)
			continue;
		for (j++; j < e && (text_is_hspace(t[j]) || t[j] == '"' ||
		    t[j] == '\''); j++)
			;
		if (j < e && text_is_alnum(t[j]) && claims_date_at(t, j, e, d,
		    &de, &iso) != TEXT_DATE_NONE) {
			memcpy(date, d, DATE_SIZE);
			rank = r;
		}
	}
	if (pos >= len)		/* never closed: not front matter */
		return 0;
	memcpy(pg->date, date, DATE_SIZE);
	*lines = n;
	return next;
}

/* --------------------------------------------------------- page date */

/*
 * A page-date stamp in the block t[s..e): "Last reviewed: 5 May 2026"
 * at its start, or anywhere in it a stamp word ("last reviewed",
 * "checked", "as of", "report date") with a date a few words after it in
 * the same sentence ("checked against the registry on 3 August 2026").
 */
static bool
block_stamp(const struct page *pg, size_t s, size_t e, bool top,
    char out[DATE_SIZE])
{
	const unsigned char *t = pg->t;
	enum text_date p;
	size_t i, j, de;
	bool iso;

	if (claims_date_label(t, s, e, out))
		return true;
	for (i = s; top && i < e; i++) {
		if (!claims_word_start(t, s, i) || !claims_date_stamp(t, i, e,
		    &j))
			continue;
		for (; j < e && j - i < STAMP_GAP && !strchr(".!?;", t[j]);
		    j++) {
			if (!claims_word_start(t, s, j) ||
			    !(text_is_digit(t[j]) || text_is_upper(t[j])))
				continue;
			p = claims_date_at(t, j, e, out, &de, &iso);
			if (p == TEXT_DATE_DAY || p == TEXT_DATE_MONTH)
				return true;
		}
	}
	return false;
}

/* Does t[s..e) name a trial (by NCT ID or by a name)? */
static bool
names_trial(const struct page *pg, const struct claims_index *ix,
    const struct page_names *pn, size_t s, size_t e)
{
	char id[NCT_ID_SIZE];
	size_t i;

	if (text_nct_next(pg->t, e, s, id) != SIZE_MAX)
		return true;
	for (i = s; i < e; i++)
		if (claims_word_start(pg->t, s, i) &&
		    claims_acronym_maybe(ix, pn, i, e) &&
		    claims_acronym_at(ix, pn, i, e) != NULL)
			return true;
	return false;
}

void
claims_page_date(struct page *pg, const struct claims_index *ix,
    const struct page_names *pn)
{
	const struct reader_doc *d = &pg->doc;
	size_t k, top = 0;

	for (k = 0; k < d->n && !pg->date[0]; k++) {
		const struct reader_block *b = &d->v[k];

		if (b->kind == READER_ROW)
			continue;
		if (++top > TOP_BLOCKS && b->kind != READER_HEADING)
			continue;
		/* A block about a trial dates its own claims, not the page. */
		if (!block_stamp(pg, b->s, b->e, top <= TOP_STAMP ||
		    b->kind == READER_HEADING, pg->date) ||
		    names_trial(pg, ix, pn, b->s, b->e))
			pg->date[0] = '\0';
	}
}

/* ------------------------------------------------------------- pages */

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
		/*
		 * "\r\n", or "\r\r\n" (CRLF converted twice): one break,
		 * which the parsers must see as one too (CommonMark ends a
		 * line at a lone "\r"): the extra "\r"s become spaces.
		 */
		if (k < len && text[k] == '\n' && k == i + 1)
			continue;
		if (*copy == NULL) {
			if ((*copy = malloc(len)) == NULL)
				return -1;
			memcpy(*copy, text, len);
		}
		if (k < len && text[k] == '\n')
			memset(*copy + i, ' ', k - i - 1);
		else
			memset(*copy + i, '\n', k - i);
	}
	return 0;
}

int
claims_page_open(struct page *pg, const char *text, size_t len,
    enum reader_format fmt)
{
	const unsigned char *t = (const unsigned char *)(text ? text : "");
	size_t start;
	int lines;

	memset(pg, 0, sizeof(*pg));
	len = text ? len : 0;
	start = front_matter(pg, t, len, &lines);
	if (reader_read((const char *)t + start, len - start, fmt, lines + 1,
	    &pg->doc) < 0)
		return -1;
	pg->t = (const unsigned char *)pg->doc.text;
	pg->len = pg->doc.len;
	return 0;
}

void
claims_page_close(struct page *pg)
{
	reader_doc_finish(&pg->doc);
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

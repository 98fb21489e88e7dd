/*
 * reader.c - PURE: a page read into blocks of visible text (reader.h), the
 * map from that text back to the source's lines, and the block builder
 * the Markdown (reader_md.c) and HTML (reader_html.c) readers share.
 */
#include "reader.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader_build.h"
#include "text.h"

/* ------------------------------------------------------------ building */

static bool
push_run(struct rbuild *b, size_t src)
{
	struct reader_doc *d = b->doc;
	struct reader_run *v;

	if (d->n_runs > 0) {
		const struct reader_run *r = &d->runs[d->n_runs - 1];

		if (r->src + (d->len - r->pos) == src)
			return true;	/* it goes on where the last left */
		if (r->pos == d->len) {
			d->runs[d->n_runs - 1].src = src;
			return true;
		}
	}
	if ((v = text_grow(d->runs, &d->cap_runs, d->n_runs, sizeof(*v))) ==
	    NULL)
		return false;
	d->runs = v;
	v[d->n_runs].pos = d->len;
	v[d->n_runs++].src = src;
	return true;
}

static bool
put_raw(struct rbuild *b, const char *s, size_t n)
{
	struct reader_doc *d = b->doc;
	char *t;

	if (d->len + n + 1 > d->cap) {
		size_t cap = d->cap ? d->cap : 4096;

		while (cap < d->len + n + 1)
			cap *= 2;
		if ((t = realloc(d->text, cap)) == NULL)
			return false;
		d->text = t;
		d->cap = cap;
	}
	memcpy(d->text + d->len, s, n);
	d->len += n;
	d->text[d->len] = '\0';
	return true;
}

/* Is there a blank line in src[a..z)? */
static bool
blank_line(const char *src, size_t a, size_t z)
{
	const char *nl;
	size_t i;

	while (a < z && (nl = memchr(src + a, '\n', z - a)) != NULL) {
		for (i = (size_t)(nl - src) + 1; i < z && (src[i] == ' ' ||
		    src[i] == '\t' || src[i] == '\r' || src[i] == '>'); i++)
			;
		if (i < z && src[i] == '\n')
			return true;
		a = (size_t)(nl - src) + 1;
	}
	return false;
}

static struct reader_block *
grow_blocks(struct rbuild *b)
{
	struct reader_doc *d = b->doc;
	struct reader_block *v;

	if ((v = text_grow(d->v, &d->cap_v, d->n, sizeof(*v))) == NULL) {
		b->failed = true;
		return NULL;
	}
	d->v = v;
	return &v[d->n];
}

struct reader_block *
reader_cur(struct rbuild *b)
{
	return b->open ? &b->doc->v[b->doc->n] : NULL;
}

void
reader_open(struct rbuild *b, enum reader_kind k, int gap, bool quote)
{
	struct reader_block *blk;

	reader_close(b);
	if (b->failed || (blk = grow_blocks(b)) == NULL)
		return;
	memset(blk, 0, sizeof(*blk));
	blk->kind = k;
	blk->s = blk->e = b->doc->len;
	blk->line = 0;
	blk->gap = gap == 1;
	blk->quote = quote;
	blk->head = SIZE_MAX;
	blk->cell0 = b->doc->n_cells;
	b->gap_known = gap >= 0;
	b->open = true;
}

void
reader_close(struct rbuild *b)
{
	struct reader_doc *d = b->doc;
	struct reader_block *blk;
	size_t i;
	bool word = false;

	if (!b->open)
		return;
	b->open = false;
	blk = &d->v[d->n];
	for (i = blk->s; i < d->len && !word; i++)
		word = text_is_alnum((unsigned char)d->text[i]) ||
		    (unsigned char)d->text[i] >= 0x80;
	if (!word || b->failed) {
		/* Nothing to read in it: as if it never was. */
		d->len = blk->s;
		if (d->text)
			d->text[d->len] = '\0';
		while (d->n_runs > 0 && d->runs[d->n_runs - 1].pos > d->len)
			d->n_runs--;
		d->n_cells = blk->cell0;
		return;
	}
	if (blk->line == 0)
		blk->line = reader_line(d, blk->s);
	blk->e = d->len;
	blk->ncell = d->n_cells - blk->cell0;
	d->n++;
	if (!put_raw(b, "\n", 1))
		b->failed = true;
}

void
reader_put(struct rbuild *b, const char *s, size_t n, size_t src)
{
	struct reader_block *blk;
	bool real = src != READER_NOSRC;

	if (b->failed || n == 0)
		return;
	if (!b->open)
		reader_open(b, READER_PARA, -1, false);
	if (b->failed)
		return;
	blk = &b->doc->v[b->doc->n];
	if (!real) {
		src = b->last_src;
	} else if (!b->gap_known) {
		blk->gap = b->doc->n == 0 || blank_line(b->src, b->last_src, src);
		b->gap_known = true;
	}
	if (!push_run(b, src) || !put_raw(b, s, n)) {
		b->failed = true;
		return;
	}
	if (real && blk->line == 0)
		blk->line = reader_line(b->doc, b->doc->len - n);
	if (real && src + n > b->last_src && src + n <= b->len)
		b->last_src = src + n;
	if (b->doc->n_cells > blk->cell0)
		b->doc->cells[b->doc->n_cells - 1].e = b->doc->len;
}

void
reader_space(struct rbuild *b, const char *s)
{
	const struct reader_block *blk = reader_cur(b);
	unsigned char c;

	if (blk == NULL || b->doc->len == blk->s)
		return;
	c = (unsigned char)b->doc->text[b->doc->len - 1];
	if (c == ' ' || c == '\n' || c == '\t')
		return;
	reader_put(b, s, strlen(s), READER_NOSRC);
}

void
reader_cell(struct rbuild *b, unsigned col)
{
	struct reader_doc *d = b->doc;
	struct reader_block *blk = reader_cur(b);
	struct reader_cell *v;

	if (blk == NULL || b->failed)
		return;
	if (d->n_cells > blk->cell0) {
		/* The separator is no cell's text. */
		size_t e = d->cells[d->n_cells - 1].e;

		reader_put(b, " | ", 3, READER_NOSRC);
		d->cells[d->n_cells - 1].e = e;
	}
	if ((v = text_grow(d->cells, &d->cap_cells, d->n_cells,
	    sizeof(*v))) == NULL) {
		b->failed = true;
		return;
	}
	d->cells = v;
	v[d->n_cells].s = v[d->n_cells].e = d->len;
	v[d->n_cells++].col = col;
}

/* ----------------------------------------------------- one block a line */

#define HEADING_MAX	120	/* longer lines are never plain-text headings */
#define LONG_LINE	160	/* a prose line this long: one block per line */
#define LONG_SPACES	12	/* ... if it has this many spaces (not a URL) */

/* A short line without closing punctuation: a heading in an export. */
static bool
plain_heading(const char *t, size_t s, size_t e)
{
	while (s < e && text_is_hspace((unsigned char)t[s]))
		s++;
	while (e > s && text_is_hspace((unsigned char)t[e - 1]))
		e--;
	if (e - s > HEADING_MAX || e == s || text_is_lower((unsigned char)t[s]))
		return false;
	return strchr(".,;:!?", t[e - 1]) == NULL || t[e - 1] == '\0';
}

/* Is the line src[s..e) a table's |---|---| line? */
static bool
table_rule(const char *t, size_t s, size_t e)
{
	for (; s < e; s++)
		if (!strchr("|:- \t", t[s]) || t[s] == '\0')
			return false;
	return true;
}

/*
 * Plain text exported one block per line (long prose lines, as a word
 * processor saves them): every line is a block of its own, which
 * Markdown would run together.
 */
static bool
unwrapped(const char *t, size_t len)
{
	const char *nl;
	size_t s, e, i, spaces;

	for (s = 0; s < len; s = e + 1) {
		nl = memchr(t + s, '\n', len - s);
		e = nl ? (size_t)(nl - t) : len;
		if (e - s <= LONG_LINE)
			continue;
		for (i = s; i < e && text_is_hspace((unsigned char)t[i]); i++)
			;
		if (i == e || t[i] == '|')
			continue;
		for (spaces = 0; i < e && spaces < LONG_SPACES; i++)
			spaces += t[i] == ' ';
		if (spaces >= LONG_SPACES)
			return true;
	}
	return false;
}

static void
line_row(struct rbuild *b, size_t s, size_t e, bool gap)
{
	const char *t = b->src;
	size_t c, i, z;
	unsigned col = 0;

	reader_open(b, READER_ROW, gap, false);
	while (s < e && text_is_hspace((unsigned char)t[s]))
		s++;
	if (s < e && t[s] == '|')
		s++;
	while (e > s && (text_is_space((unsigned char)t[e - 1]) ||
	    t[e - 1] == '|'))
		e--;
	while (s <= e) {
		for (c = s; c < e && !(t[c] == '|' && (c == s ||
		    t[c - 1] != '\\')); c++)
			;
		reader_cell(b, col++);
		for (i = s; i < c && text_is_hspace((unsigned char)t[i]); i++)
			;
		for (z = c; z > i && text_is_hspace((unsigned char)t[z - 1]);
		    z--)
			;
		reader_put(b, t + i, z - i, i);
		s = c + 1;
	}
}

/* A line at t[i..e): a heading, a list item or prose. */
static enum reader_kind
line_kind(const char *t, size_t i, size_t e)
{
	size_t j;

	if (t[i] == '#') {
		for (j = i; j < e && t[j] == '#'; j++)
			;
		if (j - i <= 6 && (j == e || text_is_hspace((unsigned char)
		    t[j])))
			return READER_HEADING;
	}
	if (strchr("-*+", t[i]) && (i + 1 == e || text_is_hspace(
	    (unsigned char)t[i + 1])))
		return READER_ITEM;
	for (j = i; j < e && text_is_digit((unsigned char)t[j]) && j - i < 10;
	    j++)
		;
	if (j > i && j < e && (t[j] == '.' || t[j] == ')') && (j + 1 == e ||
	    text_is_hspace((unsigned char)t[j + 1])))
		return plain_heading(t, i, e) ? READER_HEADING : READER_ITEM;
	return plain_heading(t, i, e) ? READER_HEADING : READER_PARA;
}

static void
read_lines(struct rbuild *b)
{
	const char *t = b->src, *nl;
	struct reader_block *blk;
	size_t s, e, next, i, head = SIZE_MAX, prev = SIZE_MAX;
	bool gap = true, table = false;

	for (s = 0; s < b->len; s = next) {
		nl = memchr(t + s, '\n', b->len - s);
		e = nl ? (size_t)(nl - t) : b->len;
		next = e + 1;
		for (i = s; i < e && text_is_hspace((unsigned char)t[i]); i++)
			;
		while (e > i && (t[e - 1] == '\r' || text_is_hspace(
		    (unsigned char)t[e - 1])))
			e--;
		if (i == e) {
			gap = true;
			table = false;
			continue;
		}
		if (t[i] == '|' && table_rule(t, i, e)) {
			/* The row above was the header. */
			if (table && prev != SIZE_MAX && prev + 1 == b->doc->n) {
				b->doc->v[prev].header = true;
				head = prev;
			}
			continue;
		}
		if (t[i] == '|') {
			if (!table)
				head = SIZE_MAX;
			line_row(b, i, e, gap);
			if ((blk = reader_cur(b)) != NULL)
				blk->head = head;
			prev = b->doc->n;
			reader_close(b);
			table = true;
		} else {
			reader_open(b, line_kind(t, i, e), gap, false);
			reader_put(b, t + i, e - i, i);
			reader_close(b);
			table = false;
		}
		gap = false;
	}
}

/* ------------------------------------------------------------- reading */

enum reader_format
reader_format_of(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;

	if (dot == NULL || strchr(dot, '/') != NULL)
		return READER_TEXT;
	if (strcasecmp(dot, ".md") == 0 || strcasecmp(dot, ".markdown") == 0)
		return READER_MARKDOWN;
	if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)
		return READER_HTML;
	return READER_TEXT;
}

static int
index_lines(struct reader_doc *d, const char *src, size_t len)
{
	const char *nl;
	size_t pos = 0, *v;

	for (;;) {
		if ((v = text_grow(d->line_at, &d->cap_lines, d->n_lines,
		    sizeof(*v))) == NULL)
			return -1;
		d->line_at = v;
		v[d->n_lines++] = pos;
		if (pos >= len || (nl = memchr(src + pos, '\n', len - pos)) ==
		    NULL)
			return 0;
		pos = (size_t)(nl - src) + 1;
	}
}

int
reader_read(const char *src, size_t len, enum reader_format f, int line0,
    struct reader_doc *doc)
{
	struct rbuild b;
	int rc;

	memset(doc, 0, sizeof(*doc));
	doc->line0 = line0;
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.src = src ? src : "";
	b.len = src ? len : 0;
	if (index_lines(doc, b.src, b.len) < 0 || !put_raw(&b, "", 0)) {
		reader_doc_finish(doc);
		return -1;
	}
	if (f == READER_HTML)
		rc = reader_html(&b, b.src, b.len, NULL, 0, false);
	else if (f == READER_TEXT && unwrapped(b.src, b.len))
		read_lines(&b), rc = 0;
	else
		rc = reader_md(&b, f == READER_TEXT);
	reader_close(&b);
	if (rc < 0 || b.failed) {
		reader_doc_finish(doc);
		return -1;
	}
	return 0;
}

size_t
reader_run_src(const struct reader_run *v, size_t n, size_t pos)
{
	size_t a = 0, b = n, m;

	while (b - a > 1) {
		m = a + (b - a) / 2;
		if (v[m].pos <= pos)
			a = m;
		else
			b = m;
	}
	if (v[a].src == READER_NOSRC)
		return READER_NOSRC;
	return v[a].src + (pos > v[a].pos ? pos - v[a].pos : 0);
}

int
reader_line(const struct reader_doc *d, size_t pos)
{
	size_t a, b, m, src;

	if (d->n_runs == 0 || d->n_lines == 0)
		return d->line0;
	if ((src = reader_run_src(d->runs, d->n_runs, pos)) == READER_NOSRC)
		return d->line0;
	a = 0;
	b = d->n_lines;
	while (b - a > 1) {
		m = a + (b - a) / 2;
		if (d->line_at[m] <= src)
			a = m;
		else
			b = m;
	}
	return d->line0 + (int)a;
}

void
reader_doc_finish(struct reader_doc *d)
{
	if (d == NULL)
		return;
	free(d->text);
	free(d->v);
	free(d->cells);
	free(d->runs);
	free(d->line_at);
	memset(d, 0, sizeof(*d));
}

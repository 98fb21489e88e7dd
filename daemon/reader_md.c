/*
 * reader_md.c - PURE: Markdown pages read with md4c (CommonMark and GFM
 * tables, strikethrough, task lists) into reader blocks.  md4c hands out
 * every run of text as a pointer into the page, so each maps back to its
 * exact source offset; code, struck-through text, images and link
 * targets never reach the text; raw HTML goes to the HTML reader.
 * Plain-text pages are read the same way without indented code blocks
 * (speaker notes are indented) and without HTML.
 */
#include <md4c.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader_build.h"
#include "text.h"

struct md {
	struct rbuild *b;
	unsigned hide;		/* inside code, a struck span, an image */
	unsigned quote;		/* blockquote depth */
	unsigned li;		/* list item depth */
	bool in_head;		/* in a table's header */
	bool first_row;
	unsigned col;
	size_t head;		/* the table's header row block, or SIZE_MAX */
	/* inline HTML: a comment or a hiding tag (<s>, <code>) still open */
	bool in_comment;
	unsigned tag_hide;
	/* an HTML block, gathered to be read whole */
	bool in_html;
	struct text_buf html;
	struct reader_run *map;
	size_t n_map, cap_map;
};

static size_t
src_of(const struct md *m, const MD_CHAR *p)
{
	const struct rbuild *b = m->b;

	if (p >= b->src && p <= b->src + b->len)
		return (size_t)(p - b->src);
	return READER_NOSRC;
}

/* ---------------------------------------------------------- inline HTML */

/* Tags whose content readers do not see as prose (or see struck out). */
static const char *const hiding_tags[] = {
	"s", "del", "strike", "code", "kbd", "samp", "pre", "script", "style",
	"template", NULL,
};

/* The tag name of "<name ...>" or "</name>" in s[0..n) into buf. */
static bool
tag_name(const char *s, size_t n, char *buf, size_t size, bool *close)
{
	size_t i = 1, k = 0;

	*close = n > 1 && s[1] == '/';
	i += *close;
	while (i < n && k + 1 < size && text_is_alnum((unsigned char)s[i]))
		buf[k++] = (char)text_lower((unsigned char)s[i++]);
	buf[k] = '\0';
	return k > 0;
}

static void
inline_html(struct md *m, const MD_CHAR *s, MD_SIZE n)
{
	char name[16];
	bool close;
	size_t k;

	if (m->in_comment) {
		if (memmem(s, n, "-->", 3) != NULL)
			m->in_comment = false;
		return;
	}
	if (n >= 4 && memcmp(s, "<!--", 4) == 0) {
		m->in_comment = memmem(s + 4, n - 4, "-->", 3) == NULL;
		return;
	}
	if (!tag_name(s, n, name, sizeof(name), &close))
		return;
	if (strcmp(name, "br") == 0) {
		reader_put(m->b, "\n", 1, READER_NOSRC);
		return;
	}
	for (k = 0; hiding_tags[k]; k++) {
		if (strcmp(name, hiding_tags[k]) != 0)
			continue;
		if (close && m->tag_hide > 0)
			m->tag_hide--;
		else if (!close && s[n - 2] != '/')
			m->tag_hide++;
		return;
	}
}

/* ------------------------------------------------------------ HTML blocks */

static void
html_gather(struct md *m, const MD_CHAR *s, MD_SIZE n)
{
	struct reader_run *v;

	if ((v = text_grow(m->map, &m->cap_map, m->n_map, sizeof(*v))) ==
	    NULL) {
		m->b->failed = true;
		return;
	}
	m->map = v;
	v[m->n_map].pos = m->html.len;
	v[m->n_map++].src = src_of(m, s) == READER_NOSRC ? m->b->last_src :
	    src_of(m, s);
	if (text_buf_put(&m->html, s, n) < 0)
		m->b->failed = true;
}

static void
html_block_end(struct md *m)
{
	m->in_html = false;
	if (m->html.len > 0 && !m->b->failed &&
	    reader_html(m->b, m->html.s, m->html.len, m->map, m->n_map,
	    true) < 0)
		m->b->failed = true;
	m->html.len = 0;
	m->n_map = 0;
}

/* ------------------------------------------------------------ callbacks */

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct md *m = ud;
	struct rbuild *b = m->b;
	const struct reader_block *cur;

	switch (type) {
	case MD_BLOCK_QUOTE:
		reader_close(b);
		m->quote++;
		break;
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
	case MD_BLOCK_HR:
		reader_close(b);
		break;
	case MD_BLOCK_LI:
		m->li++;
		reader_open(b, READER_ITEM, -1, m->quote > 0);
		break;
	case MD_BLOCK_H:
		reader_open(b, READER_HEADING, -1, m->quote > 0);
		break;
	case MD_BLOCK_CODE:
		reader_close(b);
		m->hide++;
		break;
	case MD_BLOCK_HTML:
		m->in_html = true;
		break;
	case MD_BLOCK_P:
		/* A list item's first paragraph is the item itself. */
		cur = reader_cur(b);
		if (m->li > 0 && cur != NULL && cur->kind == READER_ITEM &&
		    cur->s == b->doc->len)
			break;
		reader_open(b, READER_PARA, -1, m->quote > 0);
		break;
	case MD_BLOCK_TABLE:
		reader_close(b);
		m->head = SIZE_MAX;
		m->first_row = true;
		break;
	case MD_BLOCK_THEAD:
		m->in_head = true;
		break;
	case MD_BLOCK_TBODY:
		m->in_head = false;
		break;
	case MD_BLOCK_TR:
		reader_open(b, READER_ROW, m->first_row ? -1 : 0,
		    m->quote > 0);
		m->first_row = false;
		m->col = 0;
		if ((cur = reader_cur(b)) != NULL) {
			b->doc->v[b->doc->n].header = m->in_head;
			b->doc->v[b->doc->n].head = m->in_head ? SIZE_MAX :
			    m->head;
		}
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		reader_cell(b, m->col++);
		break;
	default:
		break;
	}
	(void)detail;
	return b->failed ? -1 : 0;
}

static int
leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct md *m = ud;
	struct rbuild *b = m->b;
	size_t n;

	switch (type) {
	case MD_BLOCK_QUOTE:
		reader_close(b);
		m->quote--;
		break;
	case MD_BLOCK_LI:
		reader_close(b);
		m->li--;
		break;
	case MD_BLOCK_H:
	case MD_BLOCK_P:
	case MD_BLOCK_UL:
	case MD_BLOCK_OL:
		reader_close(b);
		break;
	case MD_BLOCK_CODE:
		m->hide--;
		break;
	case MD_BLOCK_HTML:
		html_block_end(m);
		break;
	case MD_BLOCK_TR:
		n = b->doc->n;
		reader_close(b);
		if (m->in_head && b->doc->n > n)
			m->head = n;
		break;
	case MD_BLOCK_TABLE:
		reader_close(b);
		m->head = SIZE_MAX;
		m->in_head = false;
		break;
	default:
		break;
	}
	(void)detail;
	m->in_comment = false;
	m->tag_hide = 0;
	return b->failed ? -1 : 0;
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct md *m = ud;

	if (type == MD_SPAN_CODE || type == MD_SPAN_DEL ||
	    type == MD_SPAN_IMG || type == MD_SPAN_LATEXMATH ||
	    type == MD_SPAN_LATEXMATH_DISPLAY)
		m->hide++;
	(void)detail;
	return 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct md *m = ud;

	if (type == MD_SPAN_CODE || type == MD_SPAN_DEL ||
	    type == MD_SPAN_IMG || type == MD_SPAN_LATEXMATH ||
	    type == MD_SPAN_LATEXMATH_DISPLAY)
		m->hide--;
	(void)detail;
	return 0;
}

static int
text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *ud)
{
	struct md *m = ud;
	struct rbuild *b = m->b;
	char buf[32];
	size_t k;

	if (m->in_html) {
		html_gather(m, s, n);
		return b->failed ? -1 : 0;
	}
	if (type == MD_TEXT_HTML) {
		inline_html(m, s, n);
		return b->failed ? -1 : 0;
	}
	if (m->hide > 0 || m->in_comment || m->tag_hide > 0)
		return 0;
	switch (type) {
	case MD_TEXT_NORMAL:
		reader_put(b, s, n, src_of(m, s));
		break;
	case MD_TEXT_NULLCHAR:
		reader_put(b, "\xef\xbf\xbd", 3, READER_NOSRC);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		reader_put(b, "\n", 1, READER_NOSRC);
		break;
	case MD_TEXT_ENTITY:
		if ((k = reader_entity(s, n, buf)) > 0)
			reader_put(b, buf, k, src_of(m, s));
		else
			reader_put(b, s, n, src_of(m, s));
		break;
	default:
		break;
	}
	return b->failed ? -1 : 0;
}

/*
 * md4c 0.4.8 (Debian 12) can read a few bytes past the end of its input
 * (found by tests/fuzz, regressions/reader/md4c-reads-past-the-end): it
 * parses a copy with this many NUL bytes after the page.
 */
#define MD_PAD		64

int
reader_md(struct rbuild *b, bool plain)
{
	const char *page = b->src;
	char *copy;
	struct md m;
	MD_PARSER p;
	int rc;

	memset(&m, 0, sizeof(m));
	m.b = b;
	m.head = SIZE_MAX;
	memset(&p, 0, sizeof(p));
	p.abi_version = 0;
	p.flags = MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS;
	if (plain)
		p.flags |= MD_FLAG_NOINDENTEDCODEBLOCKS | MD_FLAG_NOHTML;
	p.enter_block = enter_block;
	p.leave_block = leave_block;
	p.enter_span = enter_span;
	p.leave_span = leave_span;
	p.text = text;
	if (b->len > (MD_SIZE)-1 - MD_PAD ||
	    (copy = calloc(1, b->len + MD_PAD)) == NULL)
		return -1;
	memcpy(copy, page, b->len);
	b->src = copy;		/* md4c's text pointers point into the copy */
	rc = md_parse(copy, (MD_SIZE)b->len, &p, &m);
	b->src = page;
	free(copy);
	text_buf_finish(&m.html);
	free(m.map);
	return rc != 0 || b->failed ? -1 : 0;
}

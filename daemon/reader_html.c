/*
 * reader_html.c - PURE: HTML pages (and the raw HTML in Markdown pages)
 * read with gumbo, the HTML5 parser, into reader blocks.  Entities come
 * out decoded; comments, the head, scripts, code, struck-through text,
 * hidden elements and every attribute value (link targets, titles) never
 * reach the text.  A block element starts a block, except inside a table
 * row, whose cells are one block.  The tree is walked without recursion:
 * a page nested a million deep costs no stack.
 */
#include <gumbo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reader_build.h"
#include "text.h"

#define TABLE_DEPTH	16	/* nested tables whose headers are tracked */

struct html {
	struct rbuild *b;
	const char *buf;	/* what gumbo parsed */
	size_t n;
	const struct reader_run *map;	/* buf to page offsets; NULL: same */
	size_t n_map;
	unsigned row;		/* inside a table row: blocks are inline */
	unsigned quote;
	unsigned tables;	/* table depth */
	size_t head[TABLE_DEPTH];	/* each table's header row block */
	bool in_head[TABLE_DEPTH];
	const GumboNode *last_parent;	/* of the last block opened */
	unsigned col;
	size_t rows;		/* rows of the table read so far */
	bool row_header;	/* the open row is a header row */
};

/* The page offset of buf + off. */
static size_t
page_src(const struct html *h, size_t off)
{
	if (h->map == NULL)
		return off;
	if (h->n_map == 0)
		return READER_NOSRC;
	return reader_run_src(h->map, h->n_map, off);
}

static size_t
src_of(const struct html *h, const char *p)
{
	if (p == NULL || p < h->buf || p > h->buf + h->n)
		return READER_NOSRC;
	return page_src(h, (size_t)(p - h->buf));
}

/* ------------------------------------------------------------ elements */

/* Is the element's content out of readers' sight? */
static bool
hidden(const GumboElement *e)
{
	const GumboAttribute *a;

	switch (e->tag) {
	case GUMBO_TAG_HEAD:
	case GUMBO_TAG_TITLE:
	case GUMBO_TAG_SCRIPT:
	case GUMBO_TAG_STYLE:
	case GUMBO_TAG_TEMPLATE:
	case GUMBO_TAG_NOSCRIPT:
	case GUMBO_TAG_CODE:
	case GUMBO_TAG_PRE:
	case GUMBO_TAG_KBD:
	case GUMBO_TAG_SAMP:
	case GUMBO_TAG_S:
	case GUMBO_TAG_STRIKE:
	case GUMBO_TAG_DEL:
	case GUMBO_TAG_IMG:
	case GUMBO_TAG_SVG:
	case GUMBO_TAG_MATH:
	case GUMBO_TAG_IFRAME:
	case GUMBO_TAG_OBJECT:
	case GUMBO_TAG_SELECT:
	case GUMBO_TAG_TEXTAREA:
	case GUMBO_TAG_INPUT:
		return true;
	default:
		break;
	}
	if (gumbo_get_attribute(&e->attributes, "hidden") != NULL)
		return true;
	a = gumbo_get_attribute(&e->attributes, "style");
	return a != NULL && a->value != NULL && (strstr(a->value,
	    "display:none") || strstr(a->value, "display: none"));
}

/* The kind of block an element starts, or -1 for inline elements. */
static int
block_kind(GumboTag t)
{
	switch (t) {
	case GUMBO_TAG_H1:
	case GUMBO_TAG_H2:
	case GUMBO_TAG_H3:
	case GUMBO_TAG_H4:
	case GUMBO_TAG_H5:
	case GUMBO_TAG_H6:
		return READER_HEADING;
	case GUMBO_TAG_LI:
	case GUMBO_TAG_DT:
	case GUMBO_TAG_DD:
		return READER_ITEM;
	case GUMBO_TAG_P:
	case GUMBO_TAG_DIV:
	case GUMBO_TAG_BLOCKQUOTE:
	case GUMBO_TAG_SECTION:
	case GUMBO_TAG_ARTICLE:
	case GUMBO_TAG_HEADER:
	case GUMBO_TAG_FOOTER:
	case GUMBO_TAG_MAIN:
	case GUMBO_TAG_NAV:
	case GUMBO_TAG_ASIDE:
	case GUMBO_TAG_DETAILS:
	case GUMBO_TAG_SUMMARY:
	case GUMBO_TAG_FIGURE:
	case GUMBO_TAG_FIGCAPTION:
	case GUMBO_TAG_UL:
	case GUMBO_TAG_OL:
	case GUMBO_TAG_DL:
	case GUMBO_TAG_TABLE:
	case GUMBO_TAG_CAPTION:
	case GUMBO_TAG_ADDRESS:
	case GUMBO_TAG_FORM:
	case GUMBO_TAG_FIELDSET:
	case GUMBO_TAG_LEGEND:
	case GUMBO_TAG_HR:
	case GUMBO_TAG_BODY:
	case GUMBO_TAG_HTML:
	case GUMBO_TAG_CENTER:
		return READER_PARA;
	default:
		return -1;
	}
}

static unsigned
colspan(const GumboElement *e)
{
	const GumboAttribute *a = gumbo_get_attribute(&e->attributes,
	    "colspan");
	long v = a && a->value ? strtol(a->value, NULL, 10) : 1;

	return v >= 1 && v <= 1000 ? (unsigned)v : 1;
}

#define CARD_MAX	6	/* blocks of a card: one paragraph of a page */

/*
 * Does the block element n start a new paragraph?  Not when it follows a
 * sibling in a small container (a card: heading, ID line, status line),
 * nor a list item; yes in a page's long run of paragraphs.
 */
static int
html_gap(struct html *h, const GumboNode *n)
{
	const GumboNode *p = n->parent;
	bool same = p == h->last_parent;

	h->last_parent = p;
	if (n->v.element.tag == GUMBO_TAG_LI || n->v.element.tag ==
	    GUMBO_TAG_DD)
		return 0;
	return !(same && p && p->type == GUMBO_NODE_ELEMENT &&
	    p->v.element.tag == GUMBO_TAG_DIV &&
	    p->v.element.children.length <= 2 * CARD_MAX + 1);
}

/* Entering element node n: false if its content is not to be read. */
static bool
enter(struct html *h, const GumboNode *n)
{
	const GumboElement *e = &n->v.element;
	struct rbuild *b = h->b;
	int k;

	if (hidden(e))
		return false;
	switch (e->tag) {
	case GUMBO_TAG_BR:
		reader_put(b, "\n", 1, READER_NOSRC);
		return false;
	case GUMBO_TAG_TABLE:
		if (h->row > 0)
			break;
		reader_close(b);
		h->rows = 0;
		if (h->tables < TABLE_DEPTH) {
			h->head[h->tables] = SIZE_MAX;
			h->in_head[h->tables] = false;
		}
		h->tables++;
		return true;
	case GUMBO_TAG_THEAD:
		if (h->row == 0 && h->tables > 0 && h->tables <= TABLE_DEPTH)
			h->in_head[h->tables - 1] = true;
		return true;
	case GUMBO_TAG_TBODY:
	case GUMBO_TAG_TFOOT:
		if (h->row == 0 && h->tables > 0 && h->tables <= TABLE_DEPTH)
			h->in_head[h->tables - 1] = false;
		return true;
	case GUMBO_TAG_TR:
		if (h->row++ > 0)
			break;
		reader_open(b, READER_ROW, h->rows == 0, h->quote > 0);
		h->rows++;
		h->col = 0;
		h->row_header = true;	/* until a td says otherwise */
		return true;
	case GUMBO_TAG_TD:
	case GUMBO_TAG_TH:
		if (h->row == 1) {
			if (e->tag == GUMBO_TAG_TD && !(h->tables > 0 &&
			    h->tables <= TABLE_DEPTH &&
			    h->in_head[h->tables - 1]))
				h->row_header = false;
			reader_cell(b, h->col);
			h->col += colspan(e);
		} else {
			reader_space(b, " ");
		}
		return true;
	case GUMBO_TAG_BLOCKQUOTE:
		h->quote++;
		break;
	default:
		break;
	}
	if ((k = block_kind(e->tag)) < 0)
		return true;
	if (h->row > 0) {
		reader_space(b, " ");
		return true;
	}
	reader_open(b, (enum reader_kind)k, html_gap(h, n), h->quote > 0);
	return true;
}

static void
leave(struct html *h, const GumboElement *e)
{
	struct rbuild *b = h->b;
	struct reader_block *blk;
	size_t n;

	if (hidden(e))
		return;
	switch (e->tag) {
	case GUMBO_TAG_BR:
		return;
	case GUMBO_TAG_TABLE:
		if (h->row > 0)
			break;
		reader_close(b);
		h->tables--;
		return;
	case GUMBO_TAG_TR:
		if (--h->row > 0)
			break;
		if ((blk = reader_cur(b)) != NULL && h->tables > 0 &&
		    h->tables <= TABLE_DEPTH) {
			blk->header = h->row_header &&
			    h->head[h->tables - 1] == SIZE_MAX;
			if (!blk->header)
				blk->head = h->head[h->tables - 1];
		}
		n = b->doc->n;
		reader_close(b);
		if (h->row_header && b->doc->n > n && h->tables > 0 &&
		    h->tables <= TABLE_DEPTH &&
		    h->head[h->tables - 1] == SIZE_MAX)
			h->head[h->tables - 1] = n;
		return;
	case GUMBO_TAG_BLOCKQUOTE:
		h->quote--;
		break;
	default:
		break;
	}
	if (block_kind(e->tag) < 0)
		return;
	if (h->row > 0)
		reader_space(b, " ");
	else
		reader_close(b);
}

/* ---------------------------------------------------------------- text */

static void
put_text(struct html *h, const GumboText *t)
{
	struct rbuild *b = h->b;
	const struct reader_block *blk = reader_cur(b);
	const char *s = t->text, *o = t->original_text.data, *nl;
	size_t n = strlen(s), on = t->original_text.length, k;

	if (blk == NULL || blk->s == b->doc->len) {
		/* A block starts at its first word, not at the indent. */
		while (n > 0 && text_is_space((unsigned char)*s)) {
			s++;
			n--;
		}
		while (on > 0 && o && text_is_space((unsigned char)*o)) {
			o++;
			on--;
		}
	}
	if (n == on && o && memcmp(s, o, n) == 0) {
		reader_put(b, s, n, src_of(h, o));
		return;
	}
	/*
	 * Entities made the text shorter than its source: its lines still
	 * match the source's one for one.
	 */
	while (n > 0) {
		nl = memchr(s, '\n', n);
		k = nl ? (size_t)(nl - s) + 1 : n;
		reader_put(b, s, k, src_of(h, o));
		s += k;
		n -= k;
		if (o && (nl = memchr(o, '\n', on)) != NULL) {
			on -= (size_t)(nl - o) + 1;
			o = nl + 1;
		}
	}
}

static bool
visit(struct html *h, const GumboNode *n)
{
	switch (n->type) {
	case GUMBO_NODE_DOCUMENT:
		return true;
	case GUMBO_NODE_ELEMENT:
		return enter(h, n);
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_CDATA:
		put_text(h, &n->v.text);
		return false;
	case GUMBO_NODE_WHITESPACE:
		reader_space(h->b, " ");
		return false;
	default:		/* comments, templates */
		return false;
	}
}

static const GumboVector *
kids(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_DOCUMENT)
		return &n->v.document.children;
	if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE)
		return &n->v.element.children;
	return NULL;
}

static void
after(struct html *h, const GumboNode *n)
{
	if (n->type == GUMBO_NODE_ELEMENT)
		leave(h, &n->v.element);
}

/* Depth first, by parent links: no recursion. */
static void
walk(struct html *h, const GumboNode *root)
{
	const GumboNode *n = root, *p;
	const GumboVector *v;
	size_t i;

	for (;;) {
		if (h->b->failed)
			return;
		v = kids(n);
		if (visit(h, n) && v && v->length > 0) {
			n = v->data[0];
			continue;
		}
		if (v)
			after(h, n);
		for (;;) {
			if (n == root)
				return;
			p = n->parent;
			i = n->index_within_parent;
			v = kids(p);
			if (v && i + 1 < v->length) {
				n = v->data[i + 1];
				break;
			}
			n = p;
			after(h, n);
		}
	}
}

int
reader_html(struct rbuild *b, const char *buf, size_t n,
    const struct reader_run *map, size_t n_map, bool fragment)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;
	struct html h;

	memset(&h, 0, sizeof(h));
	h.b = b;
	h.buf = buf;
	h.n = n;
	h.map = map;
	h.n_map = n_map;
	opt.max_errors = 0;	/* we read what it makes of errors, not them */
	if ((out = gumbo_parse_with_options(&opt, buf, n)) == NULL)
		return -1;
	walk(&h, out->document);
	if (!fragment)
		reader_close(b);
	gumbo_destroy_output(&opt, out);
	return b->failed ? -1 : 0;
}

/* ------------------------------------------------------------ entities */

static size_t
utf8_put(unsigned long c, char *out)
{
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

size_t
reader_entity(const char *s, size_t n, char *out)
{
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *o;
	const GumboNode *node;
	const GumboVector *v;
	unsigned long c = 0;
	size_t i, len = 0;
	bool hex;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';' || n > 40)
		return 0;
	if (s[1] == '#') {
		hex = s[2] == 'x' || s[2] == 'X';
		for (i = 2 + hex; i < n - 1; i++) {
			int d = text_is_digit((unsigned char)s[i]) ? s[i] - '0' :
			    hex && strchr("abcdef", text_lower((unsigned char)
			    s[i])) ? text_lower((unsigned char)s[i]) - 'a' +
			    10 : -1;

			if (d < 0)
				return 0;
			c = c * (hex ? 16 : 10) + (unsigned long)d;
			if (c > 0x10ffff)
				c = 0x110000;
		}
		return i > 2u + hex ? utf8_put(c, out) : 0;
	}
	/* A named one: the HTML5 table is gumbo's. */
	opt.max_errors = 0;
	if ((o = gumbo_parse_with_options(&opt, s, n)) == NULL)
		return 0;
	/* html > body > text */
	v = &o->root->v.element.children;
	for (i = 0; i < v->length; i++) {
		node = v->data[i];
		if (node->type == GUMBO_NODE_ELEMENT &&
		    node->v.element.tag == GUMBO_TAG_BODY &&
		    node->v.element.children.length == 1) {
			node = node->v.element.children.data[0];
			if (node->type == GUMBO_NODE_TEXT ||
			    node->type == GUMBO_NODE_WHITESPACE) {
				len = strlen(node->v.text.text);
				if (len == 0 || len >= 32 || (len == n &&
				    memcmp(node->v.text.text, s, n) == 0))
					len = 0;
				else
					memcpy(out, node->v.text.text, len);
			}
		}
	}
	gumbo_destroy_output(&opt, o);
	return len;
}

/*
 * reader.h - PURE: a page as its readers see it.  Markdown (md4c) and
 * HTML (gumbo) are parsed by real parsers into blocks of visible text:
 * entities decoded; comments, code, struck-through text, link targets and
 * attribute values left out; the wrapped lines of a paragraph or list item
 * one block; table rows cut into cells that know their column's header.
 * Every byte of the text maps back to its line in the source file, so the
 * claims found in it keep the page's own line numbers.  No I/O, no
 * logging.
 */
#ifndef CTMIRROR_READER_H
#define CTMIRROR_READER_H

#include <stdbool.h>
#include <stddef.h>

enum reader_format {
	READER_TEXT,		/* .txt: Markdown without code indents or HTML */
	READER_MARKDOWN,	/* .md, .markdown: CommonMark + GFM tables */
	READER_HTML,		/* .html, .htm */
};

enum reader_kind {
	READER_PARA,		/* a paragraph, or text loose in a container */
	READER_HEADING,
	READER_ITEM,		/* a list item's own text */
	READER_ROW,		/* a table row: cells */
};

/* One block of visible text: doc->text[s..e). */
struct reader_block {
	enum reader_kind kind;
	size_t s, e;
	int line;		/* the source line it starts on */
	bool gap;		/* a paragraph break (blank line) before it */
	bool quote;		/* inside a blockquote */
	/* READER_ROW: its cells are doc->cells[cell0 .. cell0 + ncell) */
	size_t cell0, ncell;
	bool header;		/* READER_ROW: the header row of its table */
	size_t head;		/* ... else its table's header row, or SIZE_MAX */
};

/* A table cell's text, doc->text[s..e), in column col (0-based). */
struct reader_cell {
	size_t s, e;
	unsigned col;
};

/* Where a piece of text came from: text[pos..] is source[src..]. */
struct reader_run {
	size_t pos, src;
};

/*
 * A page read.  text holds every block's text, blocks separated by "\n"
 * (NUL-terminated); it is valid UTF-8 where the source was.  Owned by the
 * doc; reader_doc_finish() frees it all.
 */
struct reader_doc {
	char *text;
	size_t len, cap;
	struct reader_block *v;
	size_t n, cap_v;
	struct reader_cell *cells;
	size_t n_cells, cap_cells;
	struct reader_run *runs;	/* sorted by pos */
	size_t n_runs, cap_runs;
	size_t *line_at;		/* source offsets where lines start */
	size_t n_lines, cap_lines;
	int line0;			/* the source's first line number */
};

/* The format of a page by its file name's extension (default: text). */
enum reader_format reader_format_of(const char *path);

/*
 * Read src[0..len) (need not be NUL-terminated) in format f into *doc
 * (zeroed first).  line0 is the line number of src[0] in its file (a page
 * read past its front matter starts on a later line).  0, or -1 on
 * allocation failure (doc is left empty).
 */
int reader_read(const char *src, size_t len, enum reader_format f, int line0,
    struct reader_doc *doc);

/* The source line of doc->text[pos]. */
int reader_line(const struct reader_doc *doc, size_t pos);

/* Free what doc holds; it is empty after.  NULL is a no-op. */
void reader_doc_finish(struct reader_doc *doc);

#endif

/*
 * claims_page.h - PURE, internal to the claims_*.c files: a page as lines
 * and what kind each is, and the page-wide facts read before its claims
 * (front matter, one block per line or wrapped, its own date).
 */
#ifndef CTMIRROR_CLAIMS_PAGE_H
#define CTMIRROR_CLAIMS_PAGE_H

#include "claims_index.h"

/* A page being scanned. */
struct page {
	const unsigned char *t;	/* borrowed; need not be NUL-terminated */
	size_t len;
	bool unwrapped;		/* exported one block per line */
	char date[DATE_SIZE];	/* the page's own date, "" if none */
};

/* One line: [s, e) without its line break; the next starts at `next`. */
struct line {
	size_t s, e, next;
};

enum lclass {
	L_BLANK,
	L_TEXT,
	L_LIST,
	L_NUMBERED,
	L_TABLE,
	L_TSEP,		/* |---|---| */
	L_HEADING,
	L_RULE,		/* ---, ===: setext underline or thematic break */
};

/*
 * Line breaks are "\n", "\r\n" and, from old Mac exports, a lone "\r".
 * When text[0..len) has a lone "\r", *copy is a new copy (free() it) with
 * each one made "\n", to scan instead: offsets stay the same, and claims,
 * excerpts and line numbers come out as from the same page with "\n".
 * Else *copy is NULL.  0, or -1 on allocation failure.
 */
int claims_page_breaks(const char *text, size_t len, char **copy);

/*
 * Open text[0..len) (NULL: an empty page) as *pg: past its front matter,
 * whether it is unwrapped, its own date.  Returns where the page proper
 * starts, and its line number in *line.
 */
size_t claims_page_open(struct page *pg, const char *text, size_t len,
    int *line);

/* The line starting at pos (< pg->len) into *l. */
void claims_line_at(const struct page *pg, size_t pos, struct line *l);

/*
 * What kind of line l is (in an unwrapped page a short line without
 * closing punctuation is a heading).
 */
enum lclass claims_line_class(const struct page *pg, const struct line *l);

#endif

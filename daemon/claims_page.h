/*
 * claims_page.h - PURE, internal to the claims_*.c files: a page opened
 * for a scan: read into blocks (reader.h) past its front matter, and its
 * own date.
 */
#ifndef CTMIRROR_CLAIMS_PAGE_H
#define CTMIRROR_CLAIMS_PAGE_H

#include "claims_index.h"
#include "reader.h"

/* A page being scanned: the text its readers see, in blocks. */
struct page {
	const unsigned char *t;	/* doc.text */
	size_t len;
	struct reader_doc doc;
	char date[DATE_SIZE];	/* the page's own date, "" if none */
};

struct page_names;

/*
 * Open text[0..len) (NULL: an empty page) in format fmt as *pg: its front
 * matter read for a date, the rest read into blocks (reader.h).  claims_page_close() it after, also after a
 * failure.  0 / -1.
 */
int claims_page_open(struct page *pg, const char *text, size_t len,
    enum reader_format fmt);

/*
 * Unless its front matter dated it, the page's own date: a stamp near the
 * top ("Last reviewed: <date>", "statuses checked on <date>", "Report
 * date: <date>") in a block that names no trial (by the names of ix and
 * pn), or in a heading.
 */
void claims_page_date(struct page *pg, const struct claims_index *ix,
    const struct page_names *pn);

/* Free what pg holds.  */
void claims_page_close(struct page *pg);

#endif

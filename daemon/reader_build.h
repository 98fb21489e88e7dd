/*
 * reader_build.h - PURE, internal to the reader_*.c files: a struct
 * reader_doc built block by block, each piece of text with the source
 * offset it came from.  reader_md.c and reader_html.c drive it.
 */
#ifndef CTMIRROR_READER_BUILD_H
#define CTMIRROR_READER_BUILD_H

#include <stdint.h>

#include "reader.h"

#define READER_NOSRC SIZE_MAX	/* text made by the reader ("\n", " | ") */

struct rbuild {
	struct reader_doc *doc;
	const char *src;	/* the page, borrowed */
	size_t len;
	bool open;		/* a block is being filled: doc->v[doc->n] */
	bool gap_known;		/* ... and whether a break precedes it */
	size_t last_src;	/* end of the source the last block read */
	bool failed;		/* an allocation failed: stop */
};

/*
 * Start a block of kind k (ending the open one); gap -1: a break precedes
 * it when a blank line does in the source (decided at its first text),
 * else 0 / 1 as given.
 */
void reader_open(struct rbuild *b, enum reader_kind k, int gap, bool quote);

/* End the open block; one with no word character in it is dropped. */
void reader_close(struct rbuild *b);

/*
 * Append s[0..n) to the open block (opening a paragraph if none is);
 * the text came from source offset src (READER_NOSRC: the reader's own).
 */
void reader_put(struct rbuild *b, const char *s, size_t n, size_t src);

/* A space between words, unless the block is empty or ends in one. */
void reader_space(struct rbuild *b, const char *s);

/*
 * Where pos came from by the runs v[0..n) (n > 0, sorted by pos): the
 * source offset, or READER_NOSRC.
 */
size_t reader_run_src(const struct reader_run *v, size_t n, size_t pos);

/* Start a cell of the open row (READER_ROW) in column col. */
void reader_cell(struct rbuild *b, unsigned col);

/* The open block, or NULL. */
struct reader_block *reader_cur(struct rbuild *b);

/*
 * Decode the character reference s[0..n) ("&amp;", "&#160;", "&#xA0;")
 * into out (at least 32 bytes) as UTF-8: its length, or 0 if it names
 * nothing.  Named ones are looked up by gumbo (reader_html.c).
 */
size_t reader_entity(const char *s, size_t n, char *out);

/* Markdown (text: without indented code or HTML) into b.  0 / -1. */
int reader_md(struct rbuild *b, bool text);

/*
 * HTML buf[0..n) into b; map[0..n_map) says where in the page buf's
 * bytes came from (buf[map[k].pos..] is page[map[k].src..]; NULL: buf is
 * the page itself).  fragment: raw HTML inside a Markdown page (its
 * blocks join the open one rather than break it).  0 / -1.
 */
int reader_html(struct rbuild *b, const char *buf, size_t n,
    const struct reader_run *map, size_t n_map, bool fragment);

#endif

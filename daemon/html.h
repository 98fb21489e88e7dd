/*
 * html.h - writing HTML (and the SVG inside it) with every piece of
 * untrusted text escaped.  Page text and registry text reach the report
 * only through html_text()/html_textn(), the one escaping primitive:
 * markup characters become entities, invalid UTF-8 and characters HTML
 * forbids become U+FFFD, so whatever a page or a record holds shows as
 * inert text.  Markup the report itself writes goes through html_raw()
 * and html_printf(), which never see untrusted text.
 */
#ifndef CTMIRROR_HTML_H
#define CTMIRROR_HTML_H

#include <stdarg.h>
#include <stddef.h>

struct html;

/*
 * A writer into the file `path` (created 0644, replaced if present).
 * New (html_close), or NULL with errno set.
 */
struct html *html_open(const char *path);
/* A writer into memory, for tests and for text built before it is used. */
struct html *html_open_mem(void);

/*
 * Flush and close.  0, or -1 if any write failed (errno of the first
 * failure).  Frees h; NULL is a no-op returning 0.
 */
int html_close(struct html *h);
/*
 * A memory writer's text (new, NUL-terminated; free()) and *len; frees h.
 * NULL on allocation failure.
 */
char *html_take(struct html *h, size_t *len);

/* Bytes written through h so far. */
size_t html_size(const struct html *h);

/* Markup the report writes itself (a constant, never untrusted text). */
void html_raw(struct html *h, const char *markup);
/* Formatted markup; arguments are numbers and trusted strings only. */
void html_printf(struct html *h, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Untrusted text, escaped for element content and quoted attribute
 * values alike (& < > " ' become entities).  NULL writes nothing.
 */
void html_text(struct html *h, const char *s);
/*
 * The same, of at most `max` bytes of s (cut at a character boundary,
 * then "…" to show the cut).
 */
void html_textn(struct html *h, const char *s, size_t max);

/* Exactly n bytes of s, escaped (n at a character boundary). */
void html_text_len(struct html *h, const char *s, size_t n);

#endif

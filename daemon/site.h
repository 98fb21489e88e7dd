/*
 * site.h - the report's folder and the frame of its pages.  A site is
 * written into a fresh tree beside its folder (DIR.new.PID) and swapped
 * in whole by site_publish(), so a web server serving DIR never sees a
 * half-written report.  The frame (head, navigation, footer, pager,
 * badges) is the same on every page, with one style sheet, style.css.
 */
#ifndef CTMIRROR_SITE_H
#define CTMIRROR_SITE_H

#include <stdbool.h>

#include "html.h"

struct site;

/*
 * Start a site for `dir`: remove leftovers of earlier runs that died
 * (DIR.new.* and DIR.old.* holding the marker), create DIR.new.PID with
 * trial/ and page/, the marker file and style.css.  New, or NULL with
 * err (size errsz) saying why.
 */
struct site *site_new(const char *dir, char *err, size_t errsz);

/*
 * Remove the fresh tree unless it was published, and free s.  NULL is a
 * no-op.
 */
void site_free(struct site *s);

/*
 * Record why the site failed (the first reason wins).  Returns -1, for
 * `return site_fail(...)`.
 */
int site_fail(struct site *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The first recorded failure, "" if none.  Borrowed. */
const char *site_error(const struct site *s);

/* Open the file NAME (a printf format) in the fresh tree; NULL: failed. */
struct html *site_open(struct site *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Close a file site_open() gave; counts it.  0 / -1. */
int site_close(struct site *s, struct html *h, const char *name);

/*
 * Swap the fresh tree in for dir.  dir must be absent, an empty folder
 * or a report (it holds the marker); anything else is refused, never
 * deleted.  An existing report is exchanged in one
 * renameat2(RENAME_EXCHANGE) and the old tree removed after.  0 / -1.
 */
int site_publish(struct site *s);

/* Files and bytes written so far. */
unsigned site_files(const struct site *s);
unsigned long long site_bytes(const struct site *s);

/* ---------------------------------------------------------------- frame */

enum site_nav { SITE_FLAGS, SITE_PAGES, SITE_TRIALS };

/*
 * The head of a page: doctype, title (untrusted, escaped), style sheet
 * at `up` (the way to the top: "" or "../"), navigation with `cur`
 * marked, and the opening of <main>.
 */
void site_page_begin(struct html *h, const char *up, const char *title,
    enum site_nav cur);
/* Close <main> and write the footer, saying `note` (escaped). */
void site_page_end(struct html *h, const char *note);

/* "prefix.html" for k <= 1, else "prefix-K.html". */
void site_list_name(char *buf, size_t size, const char *prefix, unsigned k);
/* Links to the pages 1..total of a paginated list, k current. */
void site_pager(struct html *h, const char *prefix, unsigned k,
    unsigned total, const char *label);

/* "stale", "recheck" or "ok": the CSS class of a severity (or ""). */
const char *site_severity(const char *severity);
/* <span class="badge CLS">text</span>, text escaped. */
void site_badge(struct html *h, const char *cls, const char *text);
/* "1 page" / "2 pages". */
void site_count(struct html *h, unsigned n, const char *one,
    const char *many);

/* The registry's page of a trial: REGISTRY_STUDY "NCT..." */
#define SITE_REGISTRY "https://clinicaltrials.gov/study/"

/* true when id is "NCT" and 8 digits, so it can name a file and a URL. */
bool site_safe_id(const char *id);

#endif

/*
 * report.h - `ctmirror report`: a static, self-contained HTML site of the
 * mirror's state.  index.html (and index-2.html, ...) lists the open flags
 * grouped by page, worst page first; trial/NCTxxxxxxxx.html draws each
 * tracked trial's life as an SVG timeline with its page claims and change
 * log; page/N.html lists one knowledge-base page's claims and citations
 * with their verdicts; trials.html and pages.html list them all.  No
 * script, no request outside the folder: it reads the same from a file://
 * URL, behind any web server, in a terminal browser and on paper.
 */
#ifndef CTMIRROR_REPORT_H
#define CTMIRROR_REPORT_H

#include <stddef.h>

struct config;
struct store;

/* What one report took, for the log and the benchmark. */
struct report_stats {
	unsigned files;
	unsigned long long bytes;
	unsigned flags, trials, pages;
	double seconds;
};

/*
 * Write the whole report for `dir` and swap it in atomically: a new tree
 * is written beside dir (dir.new.PID) and exchanged with dir in one
 * rename, then the old tree is removed, so a reader sees the old report
 * or the new one, never a mix.  dir must be absent, empty, or a report
 * this function wrote (it holds a .ctmirror-report marker); anything
 * else is refused, never deleted.  `today` (YYYY-MM-DD) places the
 * timelines' "today" line.  0, or -1 with err (size errsz) saying why;
 * nothing of a failed report is left behind.  st may be NULL.
 */
int report_write(struct store *s, const char *dir, const char *today,
    struct report_stats *st, char *err, size_t errsz);

/*
 * The cycle's hook: with [report] dir set, rewrite that report, logging
 * the outcome (a failure is logged as an error and does not fail the
 * cycle: the mirror and the flags are stored already).
 */
void report_refresh(const struct config *cfg, struct store *s);

#endif

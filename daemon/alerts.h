/*
 * alerts.h - deliver the alert outbox: each cycle, every configured sink
 * gets one digest of its undelivered flags, grouped by page.  stdout
 * prints a readable block per flag (what cron mails); webhook POSTs one
 * JSON message with a Slack-compatible "text" (the flags by page, each
 * with its ID, the `ctmirror ack` command and, with [pages] link, a link
 * to its line) and a "flags" array; notify sends NOTIFY ctmirror_flags
 * with each flag's ID, all in one transaction.  Then the trials newly
 * matching a search, one message each (NOTIFY ctmirror_matches with a
 * match's JSON).  Rows are marked
 * delivered only after their sink accepted them, so a failure is retried
 * next cycle and never dropped.
 */
#ifndef CTMIRROR_ALERTS_H
#define CTMIRROR_ALERTS_H

#include <stddef.h>
#include <stdio.h>

struct config;
struct fetch;
struct store;
struct store_flag;
struct store_match;

enum alerts_sink {
	ALERTS_STDOUT,
	ALERTS_WEBHOOK,
	ALERTS_NOTIFY,
	ALERTS_SINKS		/* how many */
};

/* "stdout", "webhook", "notify".  Static. */
const char *alerts_sink_name(enum alerts_sink sink);

/* What one delivery did, per sink: flags sent and flags that failed. */
struct alerts_counts {
	unsigned sent[ALERTS_SINKS];
	unsigned failed[ALERTS_SINKS];
};

/*
 * The sinks configured in cfg ("stdout", "webhook", "notify") into sinks[]
 * (static strings; room for 3).  Returns how many.
 */
size_t alerts_sinks(const struct config *cfg, const char *sinks[3]);

/*
 * Deliver the pending alerts of every configured sink, one digest per
 * sink.  *counts (zeroed here) counts flags.  0 when all went out, -1
 * when some failed (they stay queued) or on a database error.
 */
int alerts_deliver(const struct config *cfg, struct store *s, struct fetch *f,
    FILE *out, struct alerts_counts *counts);

/* The readable block for one flag (also used by `ctmirror flags`). */
void alerts_print_flag(FILE *out, const struct store_flag *fl);

/*
 * The webhook's JSON body for the flags v[0..n) (grouped by page in the
 * text, in the order given), with the link of each line when cfg's
 * [pages] link is set.  New (free()), NULL on failure.
 */
char *alerts_digest_body(const struct config *cfg,
    const struct store_flag *const *v, size_t n);

/*
 * [pages] link for one line: {path} (the page's path, each byte outside
 * RFC 3986's unreserved characters and '/' percent-encoded) and {line}
 * filled in.  New; NULL when no link is configured or on no memory.
 */
char *alerts_line_link(const struct config *cfg, const char *page, int line);

/*
 * A trial newly matching a search: "new trial matches search msc:
 * NCT..., title, status, sponsor", with the search and the link.
 */
void alerts_print_match(FILE *out, const struct store_match *m);

/*
 * Its JSON ("kind": "search-match", "text" for Slack, "search", "query",
 * "nct_id", "brief_title", "overall_status", "lead_sponsor", "link",
 * "matched_at"): the webhook's body; NOTIFY ctmirror_matches sends the
 * same without "text".  New (free()), NULL on failure.
 */
char *alerts_match_body(const struct store_match *m);

#endif

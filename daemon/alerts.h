/*
 * alerts.h - deliver the alert outboxes: every undelivered row of each
 * configured sink, oldest first, the flags and then the trials newly
 * matching a search.  stdout prints a readable block (what cron mails);
 * webhook POSTs JSON with a Slack-compatible "text" plus structured
 * fields; notify sends NOTIFY ctmirror_flags with the flag ID, and
 * NOTIFY ctmirror_matches with a match's JSON.  A row is
 * marked delivered only after its sink accepted it, so a failure is retried
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

/*
 * The sinks configured in cfg ("stdout", "webhook", "notify") into sinks[]
 * (static strings; room for 3).  Returns how many.
 */
size_t alerts_sinks(const struct config *cfg, const char *sinks[3]);

/*
 * Deliver pending alerts of every configured sink.  *sent / *failed count
 * rows.  0 when all went out, -1 when some failed (they stay queued) or on
 * a database error.
 */
int alerts_deliver(const struct config *cfg, struct store *s, struct fetch *f,
    FILE *out, unsigned *sent, unsigned *failed);

/* The readable block for one flag (also used by `ctmirror flags`). */
void alerts_print_flag(FILE *out, const struct store_flag *fl);

/* The webhook's JSON body for one flag.  New (free()), NULL on failure. */
char *alerts_webhook_body(const struct store_flag *fl);

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

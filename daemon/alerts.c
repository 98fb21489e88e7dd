/*
 * alerts.c - deliver the alert outboxes to stdout, a webhook and NOTIFY:
 * stale-claim flags, and trials newly matching a search.  A row is marked
 * delivered only once its sink took it, so nothing is dropped and nothing
 * is sent twice to a sink that acknowledged it.
 */
#include "alerts.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fetch.h"
#include "log.h"
#include "registry.h"
#include "search.h"
#include "store.h"

size_t
alerts_sinks(const struct config *cfg, const char *sinks[3])
{
	size_t n = 0;

	if (cfg->alert_stdout)
		sinks[n++] = "stdout";
	if (cfg->webhook_url && cfg->webhook_url[0])
		sinks[n++] = "webhook";
	if (cfg->alert_notify)
		sinks[n++] = "notify";
	return n;
}

/* "results-pending claim about", or "citation of" for a mention. */
static const char *
subject(const struct store_flag *fl, char *buf, size_t size)
{
	if (strcmp(fl->claim_kind, "mention") == 0)
		return "citation of";
	snprintf(buf, size, "%s claim about", fl->claim_kind);
	return buf;
}

void
alerts_print_flag(FILE *out, const struct store_flag *fl)
{
	char buf[64];

	/* Page names and text, and registry text: shown safely. */
	log_print(out, "%s:%d: %s %s is %s (%s)", fl->page, fl->line,
	    subject(fl, buf, sizeof(buf)), fl->nct_id,
	    strcmp(fl->severity, "stale") == 0 ? "stale" : "due for a recheck",
	    fl->rule);
	log_print(out, "  claim:    %s", fl->claim_text);
	if (fl->as_of)
		log_print(out, "  as of:    %s", fl->as_of);
	log_print(out, "  registry: %s", fl->evidence);
	log_print(out, "  link:     %s", fl->link);
	log_print(out, "  flag:     %lld (ctmirror ack %lld to silence)",
	    fl->flag_id, fl->flag_id);
	log_print(out, "%s", "");
}

char *
alerts_webhook_body(const struct store_flag *fl)
{
	json_t *o = NULL;
	char *text = NULL, *body = NULL;
	char buf[64];

	if (asprintf(&text, "[%s] %s:%d: %s <%s|%s> (%s): %s",
	    fl->severity, fl->page, fl->line, subject(fl, buf, sizeof(buf)),
	    fl->link, fl->nct_id, fl->rule, fl->evidence) < 0)
		return NULL;
	o = json_pack("{s:s, s:I, s:s, s:i, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, s:s}",
	    "text", text,
	    "flag_id", (json_int_t)fl->flag_id,
	    "page", fl->page,
	    "line", fl->line,
	    "nct_id", fl->nct_id,
	    "claim_kind", fl->claim_kind,
	    "claim_text", fl->claim_text,
	    "as_of", fl->as_of,
	    "rule", fl->rule,
	    "severity", fl->severity,
	    "evidence", fl->evidence,
	    "link", fl->link,
	    "raised_at", fl->raised_at);
	if (o != NULL)
		body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(text);
	return body;
}

/* Delivery state shared by one sink's pass. */
struct pass {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	FILE *out;
	const char *sink;
	unsigned sent, failed;
	bool db_error;
	bool sink_down;		/* after one webhook failure, stop trying this cycle */
};

/* How a sink marks one item delivered or failed in its outbox. */
typedef int (*mark_fn)(struct store *, long long, bool, const char *);

static void
done(struct pass *p, mark_fn mark, long long alert_id, bool ok,
    const char *err)
{
	if (mark(p->s, alert_id, ok, err) < 0) {
		p->db_error = true;
		return;
	}
	if (ok)
		p->sent++;
	else
		p->failed++;
}

/* After an item was printed to p->out. */
static int
printed(struct pass *p, mark_fn mark, long long alert_id)
{
	/* Marked delivered only once the block reached the stream. */
	if (fflush(p->out) != 0 || ferror(p->out)) {
		done(p, mark, alert_id, false, "stdout write failed");
		return -1;
	}
	done(p, mark, alert_id, true, NULL);
	return p->db_error ? -1 : 0;
}

static int
to_stdout(void *arg, const struct store_flag *fl)
{
	struct pass *p = arg;

	alerts_print_flag(p->out, fl);
	return printed(p, store_alert_done, fl->alert_id);
}

static int
to_notify(void *arg, const struct store_flag *fl)
{
	struct pass *p = arg;

	/* NOTIFY is transactional: it goes out exactly when the mark commits. */
	if (store_begin(p->s) < 0 || store_notify_flag(p->s, fl->flag_id) < 0 ||
	    store_alert_done(p->s, fl->alert_id, true, NULL) < 0 ||
	    store_commit(p->s) < 0) {
		store_rollback(p->s);
		p->db_error = true;
		return -1;
	}
	p->sent++;
	return 0;
}

struct post {
	const char *url;	/* borrowed: the webhook URL, a secret */
	long status;
	char error[256];
};

static void
posted(void *arg, const struct fetch_response *r)
{
	struct post *pr = arg;
	const char *u = r->error ? strstr(r->error, pr->url) : NULL;

	pr->status = r->status;
	/* fetch.c names the URL in some errors; it may carry a token. */
	if (u)
		snprintf(pr->error, sizeof(pr->error), "%.*s(the webhook)%s",
		    (int)(u - r->error), r->error, u + strlen(pr->url));
	else if (r->error)
		snprintf(pr->error, sizeof(pr->error), "%s", r->error);
	else if (r->status < 200 || r->status > 299)
		snprintf(pr->error, sizeof(pr->error), "webhook answered HTTP %ld",
		    r->status);
}

/*
 * POST body (new, freed here) to the webhook.  NULL when it took it, else
 * why, in words without the URL (it may carry a token); the sink is then
 * down for the rest of the cycle.
 */
static const char *
post(struct pass *p, char *body, struct post *pr)
{
	pr->url = p->cfg->webhook_url;
	pr->status = 0;
	pr->error[0] = '\0';
	if (fetch_post(p->f, p->cfg->webhook_url, "application/json", body,
	    strlen(body), posted, pr) < 0 || fetch_run(p->f) < 0) {
		snprintf(pr->error, sizeof(pr->error), "%s",
		    "webhook request failed");
		pr->status = 0;
	}
	free(body);
	if (pr->error[0] == '\0')
		return NULL;
	p->sink_down = true;
	return pr->error;
}

/*
 * POST body (new, freed here; NULL when it could not be made) to the
 * webhook and mark the item; what names it in the log.
 */
static int
posted_item(struct pass *p, mark_fn mark, long long alert_id, char *body,
    const char *what)
{
	struct post pr;
	const char *err;

	if (body == NULL)
		return -1;
	if (p->sink_down) {
		free(body);
		p->failed++;
		return 0;
	}
	if ((err = post(p, body, &pr)) != NULL) {
		log_warnx("alerts sink=webhook %s: %s; will retry next cycle",
		    what, err);
		done(p, mark, alert_id, false, err);
	} else
		done(p, mark, alert_id, true, NULL);
	return p->db_error ? -1 : 0;
}

static int
to_webhook(void *arg, const struct store_flag *fl)
{
	char what[32];

	snprintf(what, sizeof(what), "flag=%lld", fl->flag_id);
	return posted_item(arg, store_alert_done, fl->alert_id,
	    alerts_webhook_body(fl), what);
}

/* ------------------------------------------------- new search matches */

void
alerts_print_match(FILE *out, const struct store_match *m)
{
	char link[64], *query = search_text(m->query);

	registry_study_link(m->nct_id, link);
	/* Registry text and the search as written: shown safely. */
	log_print(out, "new trial matches search %s: %s, %s, %s, %s",
	    m->search, m->nct_id, m->brief_title && m->brief_title[0] ?
	    m->brief_title : "(no title)", m->overall_status,
	    m->lead_sponsor && m->lead_sponsor[0] ? m->lead_sponsor :
	    "(no sponsor)");
	log_print(out, "  search:   %s", query ? query : m->query);
	log_print(out, "  link:     %s", link);
	log_print(out, "%s", "");
	free(query);
}

/*
 * The JSON of one announcement: its fields and, for the webhook, a
 * Slack-style "text".  New (free()), NULL on failure.
 */
static char *
match_json(const struct store_match *m, bool with_text, bool with_query)
{
	char link[64], *text = NULL, *body = NULL;
	json_t *o;

	registry_study_link(m->nct_id, link);
	if (with_text && asprintf(&text, "new trial matches search %s: <%s|%s>, "
	    "%s, %s, %s", m->search, link, m->nct_id, m->brief_title,
	    m->overall_status, m->lead_sponsor) < 0)
		return NULL;
	o = json_pack("{s:s, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "kind", "search-match",
	    "text", text,
	    "search", m->search,
	    "query", with_query ? m->query : NULL,
	    "nct_id", m->nct_id,
	    "brief_title", m->brief_title,
	    "overall_status", m->overall_status,
	    "lead_sponsor", m->lead_sponsor,
	    "link", link,
	    "matched_at", m->matched_at);
	if (o != NULL)
		body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	free(text);
	return body;
}

char *
alerts_match_body(const struct store_match *m)
{
	return match_json(m, true, true);
}

static int
match_to_stdout(void *arg, const struct store_match *m)
{
	struct pass *p = arg;

	alerts_print_match(p->out, m);
	return printed(p, store_match_done, m->alert_id);
}

static int
match_to_webhook(void *arg, const struct store_match *m)
{
	char what[160];

	snprintf(what, sizeof(what), "search=%s nct=%s", m->search, m->nct_id);
	return posted_item(arg, store_match_done, m->alert_id,
	    alerts_match_body(m), what);
}

/* NOTIFY's payload is at most 8000 bytes: a long query is left out. */
#define NOTIFY_MAX 7999

static int
match_to_notify(void *arg, const struct store_match *m)
{
	struct pass *p = arg;
	char *payload = match_json(m, false, true);

	if (payload != NULL && strlen(payload) > NOTIFY_MAX) {
		free(payload);
		payload = match_json(m, false, false);
	}
	if (payload == NULL)
		return -1;
	/* NOTIFY is transactional: it goes out exactly when the mark commits. */
	if (store_begin(p->s) < 0 || store_notify_match(p->s, payload) < 0 ||
	    store_match_done(p->s, m->alert_id, true, NULL) < 0 ||
	    store_commit(p->s) < 0) {
		store_rollback(p->s);
		free(payload);
		p->db_error = true;
		return -1;
	}
	free(payload);
	p->sent++;
	return 0;
}

int
alerts_deliver(const struct config *cfg, struct store *s, struct fetch *f,
    FILE *out, unsigned *sent, unsigned *failed)
{
	const char *sinks[3];
	size_t n = alerts_sinks(cfg, sinks);
	int rc = 0;

	*sent = *failed = 0;
	for (size_t i = 0; i < n; i++) {
		struct pass p;
		store_flag_fn fn;
		store_match_fn mfn;

		memset(&p, 0, sizeof(p));
		p.cfg = cfg;
		p.s = s;
		p.f = f;
		p.out = out;
		p.sink = sinks[i];
		if (strcmp(sinks[i], "stdout") == 0) {
			fn = to_stdout;
			mfn = match_to_stdout;
		} else if (strcmp(sinks[i], "webhook") == 0) {
			fn = to_webhook;
			mfn = match_to_webhook;
		} else {
			fn = to_notify;
			mfn = match_to_notify;
		}
		if (store_each_pending_alert(s, sinks[i], fn, &p) < 0 ||
		    p.db_error)
			rc = -1;
		/* Then the trials newly matching a search. */
		if (!p.db_error && (store_each_pending_match(s, sinks[i], mfn,
		    &p) < 0 || p.db_error))
			rc = -1;
		*sent += p.sent;
		*failed += p.failed;
		if (p.failed)
			rc = -1;
	}
	return rc;
}

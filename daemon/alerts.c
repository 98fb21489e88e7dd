/*
 * alerts.c - deliver the alert outbox to stdout, a webhook and NOTIFY.
 * A row is marked delivered only once its sink took it, so nothing is
 * dropped and nothing is sent twice to a sink that acknowledged it.
 */
#include "alerts.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fetch.h"
#include "log.h"
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

static void
done(struct pass *p, const struct store_flag *fl, bool ok, const char *err)
{
	if (store_alert_done(p->s, fl->alert_id, ok, err) < 0) {
		p->db_error = true;
		return;
	}
	if (ok)
		p->sent++;
	else
		p->failed++;
}

static int
to_stdout(void *arg, const struct store_flag *fl)
{
	struct pass *p = arg;

	alerts_print_flag(p->out, fl);
	/* Marked delivered only once the block reached the stream. */
	if (fflush(p->out) != 0 || ferror(p->out)) {
		done(p, fl, false, "stdout write failed");
		return -1;
	}
	done(p, fl, true, NULL);
	return p->db_error ? -1 : 0;
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

static int
to_webhook(void *arg, const struct store_flag *fl)
{
	struct pass *p = arg;
	struct post pr = {p->cfg->webhook_url, 0, ""};
	char *body;

	if (p->sink_down) {
		p->failed++;
		return 0;
	}
	if ((body = alerts_webhook_body(fl)) == NULL)
		return -1;
	if (fetch_post(p->f, p->cfg->webhook_url, "application/json", body,
	    strlen(body), posted, &pr) < 0 || fetch_run(p->f) < 0) {
		snprintf(pr.error, sizeof(pr.error), "%s", "webhook request failed");
		pr.status = 0;
	}
	free(body);
	if (pr.error[0]) {
		/* Never the URL: it may carry a token. */
		log_warnx("alerts sink=webhook flag=%lld: %s; will retry next cycle",
		    fl->flag_id, pr.error);
		p->sink_down = true;
		done(p, fl, false, pr.error);
		return p->db_error ? -1 : 0;
	}
	done(p, fl, true, NULL);
	return p->db_error ? -1 : 0;
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

		memset(&p, 0, sizeof(p));
		p.cfg = cfg;
		p.s = s;
		p.f = f;
		p.out = out;
		p.sink = sinks[i];
		if (strcmp(sinks[i], "stdout") == 0)
			fn = to_stdout;
		else if (strcmp(sinks[i], "webhook") == 0)
			fn = to_webhook;
		else
			fn = to_notify;
		if (store_each_pending_alert(s, sinks[i], fn, &p) < 0 ||
		    p.db_error)
			rc = -1;
		*sent += p.sent;
		*failed += p.failed;
		if (p.failed)
			rc = -1;
	}
	return rc;
}

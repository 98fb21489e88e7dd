/*
 * alerts.c - deliver the alert outboxes to stdout, a webhook and NOTIFY:
 * stale-claim flags, one digest per sink and cycle, then the trials newly
 * matching a search, one message each.  A row is marked delivered only once its
 * sink took it, so nothing is dropped and nothing is sent twice to a sink
 * that acknowledged it.
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
#include "text.h"

/*
 * Flags one webhook message lists at most; a longer digest goes out as
 * several messages.  Slack shows about 40,000 characters of a message and
 * folds long ones; 50 flags of a few hundred bytes each stay well inside.
 */
#define DIGEST_MAX 50

static const char *const sink_names[ALERTS_SINKS] = {"stdout", "webhook",
    "notify"};

const char *
alerts_sink_name(enum alerts_sink sink)
{
	return sink < ALERTS_SINKS ? sink_names[sink] : "";
}

size_t
alerts_sinks(const struct config *cfg, const char *sinks[3])
{
	size_t n = 0;

	if (cfg->alert_stdout)
		sinks[n++] = sink_names[ALERTS_STDOUT];
	if (cfg->webhook_url && cfg->webhook_url[0])
		sinks[n++] = sink_names[ALERTS_WEBHOOK];
	if (cfg->alert_notify)
		sinks[n++] = sink_names[ALERTS_NOTIFY];
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
	if (fl->acked_at)
		log_print(out, "  acked:    %s by %s%s%s", fl->acked_at,
		    fl->acked_by ? fl->acked_by : "(unknown)",
		    fl->ack_reason ? ": " : "", fl->ack_reason ?
		    fl->ack_reason : "");
	else
		log_print(out,
		    "  flag:     %lld (ctmirror ack %lld to silence)",
		    fl->flag_id, fl->flag_id);
	log_print(out, "%s", "");
}

char *
alerts_line_link(const struct config *cfg, const char *page, int line)
{
	const char *t = cfg->page_link;
	struct text_buf b = {0};
	char *path;

	if (t == NULL || t[0] == '\0')
		return NULL;
	if ((path = text_percent_encode(page, "/")) == NULL)
		return NULL;
	while (*t) {
		if (strncmp(t, "{path}", 6) == 0) {
			text_buf_str(&b, path);
			t += 6;
		} else if (strncmp(t, "{line}", 6) == 0) {
			text_buf_printf(&b, "%d", line);
			t += 6;
		} else {
			text_buf_put(&b, t++, 1);
		}
	}
	free(path);
	if (b.failed) {
		text_buf_finish(&b);
		return NULL;
	}
	return b.s;
}

/* ------------------------------------------------------ held flags */

/* The pending rows of one sink, copied out of the store's result. */
struct held {
	struct store_flag *v;
	size_t n, cap;
	bool oom;
};

static char *
dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = true;
	return d;
}

static int
hold(void *arg, const struct store_flag *fl)
{
	struct held *h = arg;
	struct store_flag *c, *v;

	if ((v = text_grow(h->v, &h->cap, h->n, sizeof(*v))) == NULL) {
		h->oom = true;
		return -1;
	}
	h->v = v;
	c = &h->v[h->n++];
	memset(c, 0, sizeof(*c));
	c->flag_id = fl->flag_id;
	c->line = fl->line;
	memcpy(c->nct_id, fl->nct_id, sizeof(c->nct_id));
	c->alert_id = fl->alert_id;
	c->page = dup_or_null(fl->page, &h->oom);
	c->claim_kind = dup_or_null(fl->claim_kind, &h->oom);
	c->claim_text = dup_or_null(fl->claim_text, &h->oom);
	c->as_of = dup_or_null(fl->as_of, &h->oom);
	c->rule = dup_or_null(fl->rule, &h->oom);
	c->severity = dup_or_null(fl->severity, &h->oom);
	c->evidence = dup_or_null(fl->evidence, &h->oom);
	c->link = dup_or_null(fl->link, &h->oom);
	c->raised_at = dup_or_null(fl->raised_at, &h->oom);
	return h->oom ? -1 : 0;
}

static void
held_finish(struct held *h)
{
	for (size_t i = 0; i < h->n; i++) {
		struct store_flag *c = &h->v[i];

		free(c->page);
		free(c->claim_kind);
		free(c->claim_text);
		free(c->as_of);
		free(c->rule);
		free(c->severity);
		free(c->evidence);
		free(c->link);
		free(c->raised_at);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* By page, then line, then flag: the digest's order. */
static int
cmp_held(const void *a, const void *b)
{
	const struct store_flag *x = a, *y = b;
	int c = strcmp(x->page, y->page);

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->flag_id > y->flag_id) - (x->flag_id < y->flag_id);
}

/* Mark rows [from, to) of h delivered (ok) or failed.  0 / -1. */
static int
mark(struct store *s, const struct held *h, size_t from, size_t to, bool ok,
    const char *error)
{
	long long *ids;
	int rc;

	if (to <= from)
		return 0;
	if ((ids = calloc(to - from, sizeof(*ids))) == NULL) {
		store_set_error(s, "alerts: out of memory");
		return -1;
	}
	for (size_t i = from; i < to; i++)
		ids[i - from] = h->v[i].alert_id;
	rc = store_alerts_done(s, ids, to - from, ok, error);
	free(ids);
	return rc;
}

/* --------------------------------------------------------------- sinks */

/* A digest's first line, and the number of pages it covers. */
static size_t
pages_in(const struct store_flag *const *v, size_t n)
{
	size_t pages = 0;

	for (size_t i = 0; i < n; i++)
		pages += i == 0 || strcmp(v[i]->page, v[i - 1]->page) != 0;
	return pages;
}

static int
to_stdout(struct store *s, FILE *out, const struct held *h,
    struct alerts_counts *c)
{
	const char *last = NULL;

	log_print(out, "ctmirror: %zu new flag%s", h->n, h->n == 1 ? "" : "s");
	log_print(out, "%s", "");
	for (size_t i = 0; i < h->n; i++) {
		if (last == NULL || strcmp(last, h->v[i].page) != 0)
			log_print(out, "== %s", h->v[i].page);
		last = h->v[i].page;
		alerts_print_flag(out, &h->v[i]);
	}
	/* Marked delivered only once the digest reached the stream. */
	if (fflush(out) != 0 || ferror(out)) {
		c->failed[ALERTS_STDOUT] += (unsigned)h->n;
		return mark(s, h, 0, h->n, false, "stdout write failed") < 0 ?
		    -1 : 1;
	}
	c->sent[ALERTS_STDOUT] += (unsigned)h->n;
	return mark(s, h, 0, h->n, true, NULL);
}

/* NOTIFY is transactional: they go out exactly when the marks commit. */
static int
to_notify(struct store *s, const struct held *h, struct alerts_counts *c)
{
	if (store_begin(s) < 0)
		return -1;
	for (size_t i = 0; i < h->n; i++)
		if (store_notify_flag(s, h->v[i].flag_id) < 0)
			goto fail;
	if (mark(s, h, 0, h->n, true, NULL) < 0 || store_commit(s) < 0)
		goto fail;
	c->sent[ALERTS_NOTIFY] += (unsigned)h->n;
	return 0;
fail:
	store_rollback(s);
	return -1;
}

/*
 * Slack's mrkdwn reads &, < and > as markup: page and registry text get
 * them as entities, so it cannot make links or mentions.
 */
static void
mrkdwn(struct text_buf *b, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '&')
			text_buf_str(b, "&amp;");
		else if (*s == '<')
			text_buf_str(b, "&lt;");
		else if (*s == '>')
			text_buf_str(b, "&gt;");
		else
			text_buf_put(b, s, 1);
	}
}

/* The Slack text of a digest: flags by page, each with its ack command. */
static char *
digest_text(const struct config *cfg, const struct store_flag *const *v,
    size_t n)
{
	struct text_buf b = {0};
	size_t pages = pages_in(v, n);

	text_buf_printf(&b, "*ctmirror*: %zu new flag%s on %zu page%s", n,
	    n == 1 ? "" : "s", pages, pages == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const struct store_flag *f = v[i];
		char *url = alerts_line_link(cfg, f->page, f->line);

		if (i == 0 || strcmp(f->page, v[i - 1]->page) != 0) {
			text_buf_str(&b, "\n*");
			mrkdwn(&b, f->page);
			text_buf_str(&b, "*");
		}
		text_buf_str(&b, "\n• ");
		if (url != NULL) {
			text_buf_printf(&b, "<%s|line %d>", url, f->line);
			free(url);
		} else {
			text_buf_printf(&b, "line %d", f->line);
		}
		text_buf_printf(&b, " [%s] %s: <%s|%s> ", f->severity, f->rule,
		    f->link, f->nct_id);
		if (strcmp(f->claim_kind, "mention") != 0) {
			text_buf_printf(&b, "%s \"", f->claim_kind);
			mrkdwn(&b, f->claim_text);
			text_buf_str(&b, "\": ");
		}
		mrkdwn(&b, f->evidence);
		text_buf_printf(&b, " (flag %lld: `ctmirror ack %lld`)",
		    f->flag_id, f->flag_id);
	}
	if (b.failed) {
		text_buf_finish(&b);
		return NULL;
	}
	return b.s;
}

char *
alerts_digest_body(const struct config *cfg,
    const struct store_flag *const *v, size_t n)
{
	json_t *o = NULL, *arr = json_array();
	char *text = digest_text(cfg, v, n), *body = NULL;

	if (arr == NULL || text == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const struct store_flag *f = v[i];
		char *url = alerts_line_link(cfg, f->page, f->line), ack[48];
		json_t *j;

		snprintf(ack, sizeof(ack), "ctmirror ack %lld", f->flag_id);
		j = json_pack("{s:I, s:s, s:i, s:s, s:s, s:s, s:s?, s:s, s:s, "
		    "s:s, s:s, s:s, s:s, s:s?}",
		    "flag_id", (json_int_t)f->flag_id, "page", f->page,
		    "line", f->line, "nct_id", f->nct_id,
		    "claim_kind", f->claim_kind, "claim_text", f->claim_text,
		    "as_of", f->as_of, "rule", f->rule,
		    "severity", f->severity, "evidence", f->evidence,
		    "link", f->link, "raised_at", f->raised_at,
		    "ack", ack, "line_link", url);
		free(url);
		if (j == NULL || json_array_append_new(arr, j) < 0)
			goto out;
	}
	if ((o = json_pack("{s:s, s:I, s:O}", "text", text, "count",
	    (json_int_t)n, "flags", arr)) != NULL)
		body = json_dumps(o, JSON_COMPACT);
out:
	json_decref(o);
	json_decref(arr);
	free(text);
	return body;
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
		snprintf(pr->error, sizeof(pr->error),
		    "webhook answered HTTP %ld", r->status);
}

/*
 * One POST per DIGEST_MAX flags, in the digest's order; at the first that
 * fails the rest wait for the next cycle.  0; 1 when a POST failed; -1 on
 * a database error.
 */
static int
to_webhook(const struct config *cfg, struct store *s, struct fetch *f,
    const struct held *h, struct alerts_counts *c)
{
	const struct store_flag **v = NULL;
	int rc = 0;

	if ((v = calloc(h->n + 1, sizeof(*v))) == NULL) {
		store_set_error(s, "alerts: out of memory");
		return -1;
	}
	for (size_t i = 0; i < h->n; i++)
		v[i] = &h->v[i];
	for (size_t from = 0; from < h->n && rc == 0; from += DIGEST_MAX) {
		size_t to = from + DIGEST_MAX < h->n ? from + DIGEST_MAX : h->n;
		struct post pr = {cfg->webhook_url, 0, ""};
		char *body = alerts_digest_body(cfg, v + from, to - from);

		if (body == NULL) {
			snprintf(pr.error, sizeof(pr.error), "out of memory");
		} else if (fetch_post(f, cfg->webhook_url, "application/json",
		    body, strlen(body), posted, &pr) < 0 || fetch_run(f) < 0) {
			snprintf(pr.error, sizeof(pr.error), "%s",
			    "webhook request failed");
		}
		free(body);
		if (pr.error[0] == '\0') {
			c->sent[ALERTS_WEBHOOK] += (unsigned)(to - from);
			if (mark(s, h, from, to, true, NULL) < 0)
				rc = -1;
			continue;
		}
		/* Never the URL: it may carry a token. */
		log_warnx("alerts sink=webhook: %s; will retry next cycle (%zu flag%s)",
		    pr.error, h->n - from, h->n - from == 1 ? "" : "s");
		c->failed[ALERTS_WEBHOOK] += (unsigned)(h->n - from);
		rc = mark(s, h, from, to, false, pr.error) < 0 ? -1 : 1;
	}
	free(v);
	return rc;
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
	if (with_text && asprintf(&text,
	    "new trial matches search %s: <%s|%s>, %s, %s, %s",
	    m->search, link, m->nct_id, m->brief_title,
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

/* One sink's pass over its new matches, after its flags. */
struct match_pass {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	FILE *out;
	enum alerts_sink k;
	struct alerts_counts *c;
	bool down;		/* the webhook failed this cycle: stop trying */
};

/* NOTIFY's payload is at most 8000 bytes: a long query is left out. */
#define NOTIFY_MAX 7999

/* NOTIFY is transactional: it goes out exactly when the mark commits. */
static int
match_notify(struct match_pass *p, const struct store_match *m)
{
	char *payload = match_json(m, false, true);

	if (payload != NULL && strlen(payload) > NOTIFY_MAX) {
		free(payload);
		payload = match_json(m, false, false);
	}
	if (payload == NULL) {
		store_set_error(p->s, "alerts: out of memory");
		return -1;
	}
	if (store_begin(p->s) < 0 || store_notify_match(p->s, payload) < 0 ||
	    store_match_done(p->s, m->alert_id, true, NULL) < 0 ||
	    store_commit(p->s) < 0) {
		store_rollback(p->s);
		free(payload);
		return -1;
	}
	free(payload);
	p->c->sent[ALERTS_NOTIFY]++;
	return 0;
}

static int
match_one(void *arg, const struct store_match *m)
{
	struct match_pass *p = arg;
	struct post pr = {p->cfg->webhook_url, 0, ""};
	const char *err = NULL;
	char *body;

	switch (p->k) {
	case ALERTS_NOTIFY:
		return match_notify(p, m);
	case ALERTS_STDOUT:
		alerts_print_match(p->out, m);
		/* Marked delivered only once the block reached the stream. */
		if (fflush(p->out) != 0 || ferror(p->out))
			err = "stdout write failed";
		break;
	default:
		if (p->down) {
			p->c->failed[ALERTS_WEBHOOK]++;
			return 0;
		}
		if ((body = alerts_match_body(m)) == NULL) {
			store_set_error(p->s, "alerts: out of memory");
			return -1;
		}
		if (fetch_post(p->f, p->cfg->webhook_url, "application/json",
		    body, strlen(body), posted, &pr) < 0 || fetch_run(p->f) < 0)
			snprintf(pr.error, sizeof(pr.error), "%s",
			    "webhook request failed");
		free(body);
		if (pr.error[0] != '\0') {
			/* Never the URL: it may carry a token. */
			log_warnx(
			    "alerts sink=webhook search=%s nct=%s: %s; will retry next cycle",
			    m->search, m->nct_id,
			    pr.error);
			err = pr.error;
			p->down = true;
		}
		break;
	}
	if (store_match_done(p->s, m->alert_id, err == NULL, err) < 0)
		return -1;
	if (err != NULL)
		p->c->failed[p->k]++;
	else
		p->c->sent[p->k]++;
	return 0;
}

int
alerts_deliver(const struct config *cfg, struct store *s, struct fetch *f,
    FILE *out, struct alerts_counts *counts)
{
	int rc = 0;

	memset(counts, 0, sizeof(*counts));
	for (int k = 0; k < ALERTS_SINKS; k++) {
		struct held h = {0};
		int r;

		if ((k == ALERTS_STDOUT && !cfg->alert_stdout) ||
		    (k == ALERTS_WEBHOOK && !(cfg->webhook_url &&
		    cfg->webhook_url[0])) ||
		    (k == ALERTS_NOTIFY && !cfg->alert_notify))
			continue;
		if (store_each_pending_alert(s, sink_names[k], hold, &h) < 0 ||
		    h.oom) {
			if (h.oom)
				store_set_error(s, "alerts: out of memory");
			held_finish(&h);
			rc = -1;
			continue;
		}
		if (h.n > 1)
			qsort(h.v, h.n, sizeof(*h.v), cmp_held);
		r = h.n == 0 ? 0 : k == ALERTS_STDOUT ? to_stdout(s, out, &h,
		    counts) : k == ALERTS_WEBHOOK ? to_webhook(cfg, s, f, &h,
		    counts) : to_notify(s, &h, counts);
		if (r != 0)
			rc = -1;
		held_finish(&h);
		/* Then the trials newly matching a search. */
		if (r >= 0) {
			struct match_pass mp = {cfg, s, f, out, (enum alerts_sink)k,
			    counts, r == 1};

			if (store_each_pending_match(s, sink_names[k], match_one,
			    &mp) < 0)
				rc = -1;
		}
	}
	return rc;
}

/*
 * trialpage.c - one tracked trial's page of the report: its facts, its
 * life as an SVG timeline (spans and dates from its stored versions,
 * page claims at their as-of dates), then the same as tables: versions,
 * page claims, change log.
 */
#include "trialpage.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site.h"
#include "chart.h"

/* A trial's timeline input; labels and links it made are its own. */
struct tl_build {
	struct chart_span *spans;
	size_t n_spans;
	struct chart_event *ev;
	size_t n_ev, cap_ev;
	char **owned;
	size_t n_owned, cap_owned;
	bool oom;
};

static char *
own(struct tl_build *b, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL, **v;

	if (b->n_owned == b->cap_owned) {
		size_t cap = b->cap_owned ? 2 * b->cap_owned : 16;

		if ((v = realloc(b->owned, cap * sizeof(*v))) == NULL) {
			b->oom = true;
			return NULL;
		}
		b->owned = v;
		b->cap_owned = cap;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		b->oom = true;
	else
		b->owned[b->n_owned++] = s;
	return s;
}

static struct chart_event *
add_event(struct tl_build *b, enum chart_kind kind, const char *date)
{
	struct chart_event *v, *e;

	if (b->n_ev == b->cap_ev) {
		size_t cap = b->cap_ev ? 2 * b->cap_ev : 16;

		if ((v = realloc(b->ev, cap * sizeof(*v))) == NULL) {
			b->oom = true;
			return NULL;
		}
		b->ev = v;
		b->cap_ev = cap;
	}
	e = &b->ev[b->n_ev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->date = date;
	return e;
}

static void
tl_finish(struct tl_build *b)
{
	for (size_t i = 0; i < b->n_owned; i++)
		free(b->owned[i]);
	free(b->owned);
	free(b->ev);
	free(b->spans);
	memset(b, 0, sizeof(*b));
}

/* One date of the record (start, primary completion, completion) by version. */
static void
date_events(struct tl_build *b, const struct store_report_span *v, size_t n,
    enum chart_kind kind)
{
	struct chart_event *prev = NULL;
	const char *pd = NULL, *pt = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *d = kind == TL_START ? v[i].start :
		    kind == TL_PRIMARY ? v[i].primary_completion : v[i].completion;
		const char *t = kind == TL_START ? v[i].start_type :
		    kind == TL_PRIMARY ? v[i].primary_completion_type :
		    v[i].completion_type;
		struct chart_event *e;

		if (d[0] == '\0' || (pd && strcmp(d, pd) == 0 &&
		    strcmp(t, pt) == 0))
			continue;
		if (prev)
			prev->superseded = 1;
		if ((e = add_event(b, kind, d)) == NULL)
			return;
		e->estimated = strcmp(t, "ESTIMATED") == 0;
		e->label = own(b, "%s, from version %d",
		    e->estimated ? "estimated" : t[0] ? "actual" : "date",
		    v[i].version_no);
		prev = e;
		pd = d;
		pt = t;
	}
}

/* Is the PMID `p` (len n) in the space-separated list? */
static bool
in_list(const char *list, const char *p, size_t n)
{
	for (const char *s = list; *s; ) {
		size_t len = strcspn(s, " ");

		if (len == n && memcmp(s, p, n) == 0)
			return true;
		s += len;
		s += *s == ' ';
	}
	return false;
}

static void
build_timeline(struct tl_build *b, const struct store_report_span *v,
    size_t n, const struct store_report_claims *cl, size_t c0, size_t c1)
{
	const char *sub = NULL;

	if (n && (b->spans = calloc(n, sizeof(*b->spans))) == NULL) {
		b->oom = true;
		return;
	}
	/* Versions in a row with one status are one span. */
	for (size_t i = 0; i < n; i++) {
		struct chart_span *last = b->n_spans ?
		    &b->spans[b->n_spans - 1] : NULL;

		if (last && strcmp(last->status, v[i].overall_status) == 0) {
			last->to = v[i].valid_to;
			last->last_version = v[i].version_no;
			continue;
		}
		last = &b->spans[b->n_spans++];
		last->from = v[i].valid_from;
		last->to = v[i].valid_to;
		last->status = v[i].overall_status;
		last->version = last->last_version = v[i].version_no;
	}
	date_events(b, v, n, TL_START);
	date_events(b, v, n, TL_PRIMARY);
	date_events(b, v, n, TL_COMPLETION);
	for (size_t i = 0; i < n; i++) {
		struct chart_event *e;
		const char *prev = i ? v[i - 1].result_pmids : "";

		if (v[i].results_submitted[0] && (sub == NULL ||
		    strcmp(sub, v[i].results_submitted) != 0) &&
		    (e = add_event(b, TL_SUBMITTED, v[i].results_submitted))) {
			e->label = own(b, "results submitted, in quality control "
			    "(version %d)", v[i].version_no);
			sub = v[i].results_submitted;
		}
		for (const char *p = v[i].result_pmids; *p; ) {
			size_t len = strcspn(p, " ");

			if (!in_list(prev, p, len) &&
			    (e = add_event(b, TL_PUBLICATION, v[i].valid_from)))
				e->label = own(b, "PMID %.*s listed as a result "
				    "(version %d)", (int)len, p, v[i].version_no);
			p += len;
			p += *p == ' ';
		}
	}
	if (n && v[n - 1].results_first_posted[0]) {
		struct chart_event *e = add_event(b, TL_POSTED,
		    v[n - 1].results_first_posted);

		if (e)
			e->label = "results first posted";
	}
	for (size_t i = c0; i < c1; i++) {
		const struct store_report_claim *c = store_report_claims_row(cl, i);
		struct chart_event *e;

		/* A citation is drawn only when it is flagged. */
		if (c->as_of[0] == '\0' || (strcmp(c->kind, "mention") == 0 &&
		    c->severity[0] == '\0'))
			continue;
		if ((e = add_event(b, TL_CLAIM, c->as_of)) == NULL)
			return;
		e->verdict = strcmp(c->severity, "stale") == 0 ? TL_STALE :
		    strcmp(c->severity, "recheck") == 0 ? TL_RECHECK : TL_OK;
		e->href = own(b, "../page/%lld.html#L%d", c->page_id, c->line);
		e->label = own(b, "%.300s:%d %s \xe2\x80\x9c%s\xe2\x80\x9d%s%s",
		    c->path, c->line, c->kind, c->phrase, c->rule[0] ? ": " : "",
		    c->rule);
	}
}

static const char LEGEND[] =
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle class=\"mk act\" "
	"cx=\"8\" cy=\"8\" r=\"6\"/></svg>start</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><path class=\"mk act\" "
	"d=\"M8 1l7 7-7 7-7-7z\"/></svg>primary completion</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><rect class=\"mk act\" "
	"x=\"2.5\" y=\"2.5\" width=\"11\" height=\"11\"/></svg>completion</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle class=\"mk est\" "
	"cx=\"8\" cy=\"8\" r=\"6\"/></svg>hollow: estimated; faint: an earlier "
	"estimate</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><rect class=\"mk sub\" "
	"x=\"2\" y=\"2\" width=\"12\" height=\"12\" rx=\"2\"/></svg>results "
	"submitted</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><rect class=\"mk post\" "
	"x=\"2\" y=\"2\" width=\"12\" height=\"12\" rx=\"2\"/></svg>results "
	"posted</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle class=\"mk pub\" "
	"cx=\"8\" cy=\"8\" r=\"7\"/></svg>result publication</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle class=\"mk "
	"v-stale\" cx=\"8\" cy=\"8\" r=\"7\"/></svg>stale claim</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle class=\"mk "
	"v-recheck\" cx=\"8\" cy=\"8\" r=\"7\"/></svg>claim to recheck</li>"
	"<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\"><circle class=\"mk "
	"v-ok\" cx=\"8\" cy=\"8\" r=\"7\"/></svg>claim the registry bears "
	"out</li></ul>\n";

/* The colours of the statuses drawn, then what each marker means. */
static void
legend(struct html *h, const struct tl_build *b)
{
	html_raw(h, "<ul class=\"legend\" aria-label=\"Legend\">");
	for (size_t i = 0; i < b->n_spans; i++) {
		const char *st = b->spans[i].status;
		size_t j;

		for (j = 0; j < i && strcmp(b->spans[j].status, st) != 0; j++)
			;
		if (j < i)
			continue;
		html_printf(h, "<li><svg viewBox=\"0 0 16 16\" aria-hidden=\"true\">"
		    "<rect class=\"span st-%s\" x=\"1\" y=\"3\" width=\"14\" "
		    "height=\"10\" rx=\"2\"/></svg>", chart_status_class(st));
		html_text(h, chart_status_label(st));
		html_raw(h, "</li>");
	}
	html_raw(h, LEGEND);
}

static void
date_cell(struct html *h, const char *date, const char *type)
{
	html_raw(h, "<td class=\"d\">");
	if (date[0]) {
		html_text(h, date);
		if (strcmp(type, "ESTIMATED") == 0)
			html_raw(h, " <span class=\"est-t\">est.</span>");
	} else {
		html_raw(h, "\xe2\x80\x93");
	}
	html_raw(h, "</td>");
}

static void
trial_facts(struct html *h, const struct store_report_trial *t)
{
	html_raw(h, "<ul class=\"facts\">\n"
	    "<li><span class=\"k\">Status</span> "
	    "<span class=\"v\">");
	if (t->overall_status[0]) {
		html_printf(h, "<span class=\"badge st-%s\">",
		    chart_status_class(t->overall_status));
		html_text(h, chart_status_label(t->overall_status));
		html_raw(h, "</span>");
	} else {
		html_raw(h, strcmp(t->registry_state, "not_found") == 0 ?
		    "not found in the registry" : "not synced yet");
	}
	html_raw(h, "</span></li>\n"
	    "<li><span class=\"k\">Results</span> "
	    "<span class=\"v\">");
	if (t->results_first_posted[0]) {
		html_raw(h, "posted ");
		html_text(h, t->results_first_posted);
	} else if (t->has_results) {
		html_raw(h, "posted");
	} else if (t->results_submitted[0]) {
		html_raw(h, "submitted ");
		html_text(h, t->results_submitted);
		html_raw(h, ", not posted yet");
	} else {
		html_raw(h, "none posted");
	}
	html_raw(h, "</span></li>\n"
	    "<li><span class=\"k\">Primary completion</span> "
	    "<span class=\"v\">");
	html_text(h, t->primary_completion[0] ? t->primary_completion : "\xe2\x80\x93");
	if (t->primary_completion_type[0]) {
		html_raw(h, " (");
		html_text(h, strcmp(t->primary_completion_type, "ESTIMATED") == 0 ?
		    "estimated" : "actual");
		html_raw(h, ")");
	}
	html_raw(h, "</span></li>\n"
	    "<li><span class=\"k\">Last update posted</span> "
	    "<span class=\"v\">");
	html_text(h, t->last_update_posted[0] ? t->last_update_posted : "\xe2\x80\x93");
	html_printf(h, "</span></li>\n"
	    "<li><span class=\"k\">Versions stored</span> "
	    "<span class=\"v\">%d, "
	    "tracked since ", t->versions);
	html_text(h, t->tracked_since);
	html_raw(h, "</span></li>\n");
	if (t->current_nct_id[0] && site_safe_id(t->current_nct_id))
		html_printf(h, ""
		    "<li><span class=\"k\">Alias of</span> "
		    "<span class=\"v\"><a href=\"%s.html\">%s"
		    "</a></span></li>\n", t->current_nct_id, t->current_nct_id);
	html_printf(h, ""
	    "<li><span class=\"k\">Registry</span> "
	    "<span class=\"v\"><a href=\"" SITE_REGISTRY "%s\">"
	    "%s on ClinicalTrials.gov</a></span></li>\n</ul>\n", t->nct_id,
	    t->nct_id);
}

static void
versions_table(struct html *h, const struct store_report_span *v, size_t n)
{
	if (n == 0)
		return;
	html_raw(h, "<section aria-labelledby=\"versions\">\n<h2 id=\"versions\">"
	    "Registry versions</h2>\n<div class=\"wide\"><table class=\"list\">\n"
	    "<thead><tr><th scope=\"col\" class=\"num\">Version</th><th scope="
	    "\"col\">From</th><th scope=\"col\">Status</th><th scope=\"col\">"
	    "Start</th><th scope=\"col\">Primary completion</th><th scope="
	    "\"col\">Completion</th><th scope=\"col\">Results</th><th scope="
	    "\"col\" class=\"num\">Enrolment</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		html_printf(h, "<tr><td class=\"num\">%d</td><td class=\"d\">",
		    v[i].version_no);
		html_text(h, v[i].valid_from);
		html_printf(h, "</td><td><span class=\"badge st-%s\">",
		    chart_status_class(v[i].overall_status));
		html_text(h, chart_status_label(v[i].overall_status));
		html_raw(h, "</span></td>");
		date_cell(h, v[i].start, v[i].start_type);
		date_cell(h, v[i].primary_completion, v[i].primary_completion_type);
		date_cell(h, v[i].completion, v[i].completion_type);
		html_raw(h, "<td>");
		if (v[i].results_first_posted[0]) {
			html_raw(h, "posted ");
			html_text(h, v[i].results_first_posted);
		} else if (v[i].results_submitted[0]) {
			html_raw(h, "submitted ");
			html_text(h, v[i].results_submitted);
		} else {
			html_raw(h, v[i].has_results ? "posted" : "\xe2\x80\x93");
		}
		if (v[i].result_pmids[0]) {
			html_raw(h, "; PMID ");
			html_textn(h, v[i].result_pmids, 200);
		}
		html_raw(h, "</td><td class=\"num\">");
		html_textn(h, v[i].enrollment[0] ? v[i].enrollment :
		    "\xe2\x80\x93", 20);
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table></div>\n</section>\n");
}

static void
claims_table(struct html *h, const struct store_report_claims *cl,
    size_t c0, size_t c1)
{
	html_raw(h, "<section aria-labelledby=\"claims\">\n<h2 id=\"claims\">"
	    "Page claims about this trial</h2>\n");
	if (c0 == c1) {
		html_raw(h, "<p>No page makes a claim about this trial.</p>\n"
		    "</section>\n");
		return;
	}
	html_raw(h, "<div class=\"wide\"><table class=\"list\">\n<thead><tr>"
	    "<th scope=\"col\">As of</th><th scope=\"col\">Page</th>"
	    "<th scope=\"col\">Claim</th><th scope=\"col\">Verdict</th></tr>"
	    "</thead>\n<tbody>\n");
	for (size_t i = c0; i < c1; i++) {
		const struct store_report_claim *c = store_report_claims_row(cl, i);
		const char *sev = c->severity[0] ? c->severity : "ok";

		html_printf(h, "<tr class=\"%s\"><td class=\"d\">",
		    site_severity(sev));
		html_text(h, c->as_of[0] ? c->as_of : "undated");
		html_printf(h, "</td><td><a href=\"../page/%lld.html#L%d\">",
		    c->page_id, c->line);
		html_textn(h, c->path, 200);
		html_printf(h, ":%d</a></td><td><span class=\"kind\">",
		    c->line);
		html_text(h, c->kind);
		html_raw(h, "</span> ");
		html_raw(h, "\xe2\x80\x9c");
		html_textn(h, c->phrase, 200);
		html_raw(h, "\xe2\x80\x9d</td><td>");
		site_badge(h, site_severity(sev), sev);
		if (c->rule[0]) {
			html_raw(h, " ");
			html_text(h, c->rule);
		}
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table></div>\n</section>\n");
}

static void
changes_table(struct html *h, const struct store_report_change *v, size_t n)
{
	html_raw(h, "<section aria-labelledby=\"changes\">\n<h2 id=\"changes\">"
	    "Change log</h2>\n");
	if (n == 0) {
		html_raw(h, "<p>No change seen since the first stored version."
		    "</p>\n</section>\n");
		return;
	}
	html_raw(h, "<div class=\"wide\"><table class=\"list changes\">\n"
	    "<thead><tr><th scope=\"col\">Registry date</th><th scope=\"col\">"
	    "Class</th><th scope=\"col\">Field</th><th scope=\"col\">Before"
	    "</th><th scope=\"col\">After</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		html_raw(h, "<tr><td class=\"d\">");
		html_text(h, v[i].registry_updated[0] ? v[i].registry_updated :
		    v[i].detected_at);
		html_raw(h, "</td><td>");
		html_text(h, v[i].change_class);
		html_raw(h, "</td><td><code>");
		html_textn(h, v[i].field, 200);
		html_raw(h, "</code></td><td><code>");
		html_textn(h, v[i].old_value[0] ? v[i].old_value : "(absent)", 300);
		html_raw(h, "</code></td><td><code>");
		html_textn(h, v[i].new_value[0] ? v[i].new_value : "(removed)", 300);
		html_raw(h, "</code></td></tr>\n");
		if (v[i].more)
			html_printf(h, "<tr><td colspan=\"5\">%d older change%s "
			    "not shown: <code>SELECT * FROM trial_changes WHERE "
			    "nct_id = '%s'</code></td></tr>\n", v[i].more,
			    v[i].more == 1 ? "" : "s", v[i].nct_id);
	}
	html_raw(h, "</tbody>\n</table></div>\n</section>\n");
}

int
trialpage_write(struct html *h, const struct trialpage *p)
{
	const struct store_report_trial *t = p->trial;
	struct tl_build b;
	struct chart tl;

	html_printf(h, "<h1><span class=\"nct\">%s</span>", t->nct_id);
	if (t->acronym[0]) {
		html_raw(h, " ");
		html_text(h, t->acronym);
	}
	html_raw(h, "</h1>\n");
	if (t->brief_title[0]) {
		html_raw(h, "<p class=\"subtitle\">");
		html_textn(h, t->brief_title, 400);
		html_raw(h, "</p>\n");
	}
	trial_facts(h, t);

	memset(&b, 0, sizeof(b));
	build_timeline(&b, p->spans, p->n_spans, p->claims, p->c0, p->c1);
	if (b.oom) {
		tl_finish(&b);
		return -1;
	}
	html_raw(h, "<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">"
	    "Timeline</h2>\n");
	if (p->n_spans == 0) {
		html_raw(h, "<p>No registry version is stored yet: nothing to "
		    "draw.</p>\n");
	} else {
		memset(&tl, 0, sizeof(tl));
		tl.title = p->title;
		tl.spans = b.spans;
		tl.n_spans = b.n_spans;
		tl.events = b.ev;
		tl.n_events = b.n_ev;
		tl.today = p->today;
		html_raw(h, "<figure>\n<div class=\"tl\">");
		chart_svg(h, &tl);
		html_raw(h, "</div>\n<figcaption>Status spans from the registry "
		    "versions ctmirror stored, each dated by the registry's last "
		    "update; dates as each version gave them; page claims at "
		    "their as-of date (undated ones are in the table below)."
		    "</figcaption>\n</figure>\n");
		legend(h, &b);
	}
	html_raw(h, "</section>\n");
	tl_finish(&b);
	versions_table(h, p->spans, p->n_spans);
	claims_table(h, p->claims, p->c0, p->c1);
	changes_table(h, p->changes, p->n_changes);
	return 0;
}

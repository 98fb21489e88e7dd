/*
 * report.c - `ctmirror report`: reads the store in one snapshot, in
 * batches, and writes the site report.h describes through site.h (a
 * fresh tree swapped in whole).  Every untrusted string goes out through
 * html_text*(); every link is built here from IDs it checked, never from
 * page or registry text.
 */
#include "report.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "build_config.h"
#include "config.h"
#include "html.h"
#include "log.h"
#include "site.h"
#include "store.h"
#include "chart.h"
#include "trialpage.h"

#define FLAGS_PER_INDEX 200	/* flags on one index page */
#define ROWS_PER_LIST 1000	/* rows on one trials.html / pages.html */
#define TRIAL_BATCH 500		/* trials read from the store at once */
#define PAGE_BATCH 200		/* pages read from the store at once */
#define MAX_CHANGES 200		/* change log rows on a trial's page */

struct page_info {
	long long page_id;
	char *path;
	char *page_date, *last_scanned;
	unsigned claims, stale, recheck;
};

/* One report being written. */
struct rep {
	struct store *s;
	struct site *site;
	const char *today;
	struct store_report_head head;
	char note[256];			/* the footer's line */
	char **ids;			/* tracked trials, sorted */
	size_t n_ids;
	struct page_info *pages;	/* worst first */
	size_t n_pages, cap_pages;
	struct report_stats st;
};

/* A store failure, told to the site (which keeps the first reason). */
static int
db_fail(struct rep *x)
{
	return site_fail(x->site, "%s", store_errmsg(x->s));
}

static bool
tracked(const struct rep *x, const char *nct_id)
{
	size_t lo = 0, hi = x->n_ids;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(x->ids[mid], nct_id);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static struct html *
open_page(struct rep *x, const char *name, const char *up, const char *title,
    enum site_nav nav)
{
	struct html *h = site_open(x->site, "%s", name);

	if (h != NULL)
		site_page_begin(h, up, title, nav);
	return h;
}

static int
close_page(struct rep *x, struct html *h, const char *name)
{
	site_page_end(h, x->note);
	return site_close(x->site, h, name);
}

/* A trial a flag or claim names: its page here if tracked, else the registry. */
static void
trial_link(struct html *h, const struct rep *x, const char *up,
    const char *nct_id)
{
	if (site_safe_id(nct_id) && tracked(x, nct_id))
		html_printf(h, "<a class=\"nct\" href=\"%strial/%s.html\">%s</a>",
		    up, nct_id, nct_id);
	else if (site_safe_id(nct_id))
		html_printf(h, "<a class=\"nct\" href=\"" SITE_REGISTRY "%s\">%s"
		    "</a>", nct_id, nct_id);
	else
		html_text(h, nct_id);
}

/* Page text with the claim's phrase marked, if the excerpt holds it. */
static void
excerpt(struct html *h, const char *text, const char *phrase)
{
	const char *at = phrase && *phrase ? strstr(text, phrase) : NULL;

	if (at == NULL) {
		html_textn(h, text, 400);
		return;
	}
	html_text_len(h, text, (size_t)(at - text));
	html_raw(h, "<mark>");
	html_text(h, phrase);
	html_raw(h, "</mark>");
	html_text(h, at + strlen(phrase));
}

/* -------------------------------------------------------------- index */

static bool
index_break(unsigned in_file, unsigned group_total, bool group_start)
{
	if (group_start)
		return in_file > 0 && in_file + group_total > FLAGS_PER_INDEX;
	return in_file >= FLAGS_PER_INDEX;
}

static unsigned
index_files(const struct rep *x)
{
	unsigned files = 1, in_file = 0;

	for (size_t i = 0; i < x->n_pages; i++) {
		unsigned k = x->pages[i].stale + x->pages[i].recheck;

		for (unsigned j = 0; j < k; j++) {
			if (index_break(in_file, k, j == 0)) {
				files++;
				in_file = 0;
			}
			in_file++;
		}
	}
	return files;
}

struct index_out {
	struct rep *x;
	struct html *h;
	unsigned file, files, in_file;
	long long page_id;		/* group being written; 0 none */
	unsigned group_total;		/* its open flags */
	char name[64];
};

static int
rule_row(void *arg, const char *rule, const char *severity, unsigned open,
    unsigned acked)
{
	struct html *h = arg;

	html_raw(h, "<tr><th scope=\"row\">");
	html_text(h, rule);
	html_raw(h, "</th><td>");
	site_badge(h, site_severity(severity), severity);
	html_printf(h, "</td><td class=\"num\">%u</td><td class=\"num\">%u"
	    "</td></tr>\n", open, acked);
	return 0;
}

static int
index_summary(struct rep *x, struct html *h)
{
	const struct store_report_head *hd = &x->head;
	unsigned with_flags = 0;

	for (size_t i = 0; i < x->n_pages; i++)
		with_flags += x->pages[i].stale + x->pages[i].recheck > 0;
	html_raw(h, "<h1>Open flags</h1>\n<p class=\"lede\">");
	if (hd->flags_stale + hd->flags_recheck == 0)
		html_raw(h, "No open flags: the registry contradicts no claim on ");
	else
		html_printf(h, "<strong class=\"c-stale\">%u stale</strong> and "
		    "<strong class=\"c-recheck\">%u to recheck</strong> on %u of ",
		    hd->flags_stale, hd->flags_recheck, with_flags);
	site_count(h, hd->pages, "page", "pages");
	html_raw(h, " with claims; ");
	site_count(h, hd->trials_tracked, "trial", "trials");
	html_raw(h, " tracked.");
	if (hd->flags_acked)
		html_printf(h, " %u acknowledged flag%s not listed.",
		    hd->flags_acked, hd->flags_acked == 1 ? "" : "s");
	html_raw(h, "</p>\n<ul class=\"facts\">\n"
	    "<li><span class=\"k\">Last sync</span> "
	    "<span class=\"v\">");
	if (hd->last_run_id == 0)
		html_raw(h, "never (run <code>ctmirror sync</code>)");
	else {
		html_printf(h, "#%lld, ", hd->last_run_id);
		site_badge(h, strcmp(hd->last_run_status, "ok") == 0 ? "ok" :
		    strcmp(hd->last_run_status, "failed") == 0 ? "stale" :
		    "recheck", hd->last_run_status);
		html_raw(h, " ");
		html_text(h, hd->last_run_finished[0] ? hd->last_run_finished :
		    hd->last_run_started);
	}
	html_raw(h, "</span></li>\n"
	    "<li><span class=\"k\">Last successful sync</span> "
	    "<span class=\"v\">");
	html_text(h, hd->last_ok_finished[0] ? hd->last_ok_finished : "none");
	html_raw(h, "</span></li>\n"
	    "<li><span class=\"k\">Registry build</span> "
	    "<span class=\"v\">");
	html_text(h, hd->registry_build[0] ? hd->registry_build :
	    "not recorded");
	html_raw(h, "</span></li>\n"
	    "<li><span class=\"k\">Report written</span> "
	    "<span class=\"v\">");
	html_text(h, hd->generated_at);
	html_raw(h, "</span></li>\n</ul>\n");
	if (hd->flags_stale + hd->flags_recheck + hd->flags_acked == 0)
		return 0;
	html_raw(h, "<table class=\"rules\">\n<caption>Open flags by rule"
	    "</caption>\n<thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">"
	    "Severity</th><th scope=\"col\" class=\"num\">Open</th><th "
	    "scope=\"col\" class=\"num\">Acknowledged</th></tr></thead>\n"
	    "<tbody>\n");
	if (store_report_rule_counts(x->s, rule_row, h) < 0)
		return db_fail(x);
	html_raw(h, "</tbody>\n</table>\n");
	return 0;
}

static int
index_open(struct index_out *o)
{
	struct rep *x = o->x;

	site_list_name(o->name, sizeof(o->name), "index", o->file);
	if (o->file == 1) {
		if ((o->h = open_page(x, o->name, "", "Open flags",
		    SITE_FLAGS)) == NULL)
			return -1;
		if (index_summary(x, o->h) < 0)
			return -1;
	} else {
		char title[64];

		snprintf(title, sizeof(title), "Open flags, page %u", o->file);
		if ((o->h = open_page(x, o->name, "", title, SITE_FLAGS)) == NULL)
			return -1;
		html_printf(o->h, "<h1>Open flags <small>page %u of %u</small>"
		    "</h1>\n", o->file, o->files);
	}
	site_pager(o->h, "index", o->file, o->files, "Flag pages");
	return 0;
}

static int
index_close(struct index_out *o)
{
	if (o->page_id)
		html_raw(o->h, "</ol>\n</section>\n");
	o->page_id = 0;
	site_pager(o->h, "index", o->file, o->files, "Flag pages, end");
	return close_page(o->x, o->h, o->name);
}

static void
group_head(struct index_out *o, const struct store_report_flag *r,
    bool continued)
{
	struct html *h = o->h;

	html_printf(h, "<section class=\"group\" aria-labelledby=\"g%lld\">\n"
	    "<h2 id=\"g%lld\"><a href=\"page/%lld.html\">", r->page_id,
	    r->page_id, r->page_id);
	html_textn(h, r->f.page, 300);
	html_printf(h, "</a>%s</h2>\n<p class=\"counts\">",
	    continued ? " <small>(continued)</small>" : "");
	if (r->page_stale)
		html_printf(h, "<span class=\"badge stale\">%u stale</span> ",
		    r->page_stale);
	if (r->page_recheck)
		html_printf(h, "<span class=\"badge recheck\">%u recheck</span>",
		    r->page_recheck);
	html_raw(h, "</p>\n<ol class=\"flags\">\n");
}

static void
flag_item(struct index_out *o, const struct store_report_flag *r)
{
	struct html *h = o->h;
	const struct store_flag *f = &r->f;

	html_printf(h, "<li class=\"flag %s\" id=\"f%lld\">\n<p class=\"fh\">",
	    site_severity(f->severity), f->flag_id);
	site_badge(h, site_severity(f->severity), f->severity);
	html_raw(h, " <strong class=\"rule\">");
	html_text(h, f->rule);
	html_raw(h, "</strong> ");
	trial_link(h, o->x, "", f->nct_id);
	if (r->acronym[0]) {
		html_raw(h, " <span class=\"acr\">");
		html_text(h, r->acronym);
		html_raw(h, "</span>");
	}
	html_printf(h, " <a class=\"ln\" href=\"page/%lld.html#L%d\">line %d"
	    "</a> <span class=\"kind\">", r->page_id, f->line, f->line);
	html_text(h, f->claim_kind);
	html_raw(h, "</span></p>\n<blockquote class=\"claim\"><p>");
	excerpt(h, f->claim_text, r->phrase);
	html_raw(h, "</p></blockquote>\n<p class=\"evidence\">");
	html_textn(h, f->evidence, 2000);
	html_raw(h, "</p>\n<p class=\"meta\">raised ");
	if (r->age_days <= 0)
		html_raw(h, "today");
	else
		html_printf(h, "%d day%s ago", r->age_days,
		    r->age_days == 1 ? "" : "s");
	if (f->as_of && *f->as_of) {
		html_raw(h, " \xc2\xb7 claim as of ");
		html_text(h, f->as_of);
	}
	if (site_safe_id(f->nct_id))
		html_printf(h, " \xc2\xb7 <a href=\"" SITE_REGISTRY "%s\">registry "
		    "record</a>", f->nct_id);
	html_printf(h, " \xc2\xb7 silence it: <code>ctmirror ack %lld</code>"
	    "</p>\n</li>\n", f->flag_id);
}

static int
index_flag(void *arg, const struct store_report_flag *r)
{
	struct index_out *o = arg;
	bool start = r->page_id != o->page_id;

	if (start)
		o->group_total = r->page_stale + r->page_recheck;
	/* The same rule as index_files(), so the pager's count holds. */
	if (index_break(o->in_file, o->group_total, start)) {
		if (index_close(o) < 0)
			return -1;
		o->file++;
		o->in_file = 0;
		if (index_open(o) < 0)
			return -1;
	}
	if (o->page_id != r->page_id) {
		if (o->page_id)
			html_raw(o->h, "</ol>\n</section>\n");
		group_head(o, r, !start);
		o->page_id = r->page_id;
	}
	flag_item(o, r);
	o->in_file++;
	o->x->st.flags++;
	return 0;
}

static int
write_index(struct rep *x)
{
	struct index_out o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.x = x;
	o.file = 1;
	o.files = index_files(x);
	if (index_open(&o) < 0) {
		html_close(o.h);
		return -1;
	}
	rc = store_report_flags(x->s, index_flag, &o);
	if (rc < 0) {
		html_close(o.h);
		return db_fail(x);
	}
	return index_close(&o);
}

/* -------------------------------------------------------------- pages */

static int
write_pages_list(struct rep *x)
{
	unsigned files = x->n_pages ? (unsigned)((x->n_pages + ROWS_PER_LIST - 1) /
	    ROWS_PER_LIST) : 1;
	char name[64], title[64];
	size_t i = 0;

	for (unsigned k = 1; k <= files; k++) {
		struct html *h;

		site_list_name(name, sizeof(name), "pages", k);
		snprintf(title, sizeof(title), k > 1 ? "Pages, %u" : "Pages", k);
		if ((h = open_page(x, name, "", title, SITE_PAGES)) == NULL)
			return -1;
		html_raw(h, "<h1>Pages</h1>\n<p class=\"lede\">");
		site_count(h, (unsigned)x->n_pages, "knowledge-base page",
		    "knowledge-base pages");
		html_raw(h, " with claims, the ones with the most stale flags "
		    "first.</p>\n");
		site_pager(h, "pages", k, files, "Page lists");
		html_raw(h, "<table class=\"list\">\n<thead><tr><th scope=\"col\">"
		    "Page</th><th scope=\"col\" class=\"num\">Claims</th><th "
		    "scope=\"col\" class=\"num\">Stale</th><th scope=\"col\" "
		    "class=\"num\">Recheck</th><th scope=\"col\">Last scanned</th>"
		    "</tr></thead>\n<tbody>\n");
		for (; i < x->n_pages && i < (size_t)k * ROWS_PER_LIST; i++) {
			const struct page_info *p = &x->pages[i];

			html_printf(h, "<tr><th scope=\"row\"><a href=\"page/%lld.html\">",
			    p->page_id);
			html_textn(h, p->path, 300);
			html_printf(h, "</a></th><td class=\"num\">%u</td>"
			    "<td class=\"num%s\">%u</td><td class=\"num%s\">%u</td><td>",
			    p->claims, p->stale ? " c-stale" : "", p->stale,
			    p->recheck ? " c-recheck" : "", p->recheck);
			html_text(h, p->last_scanned);
			html_raw(h, "</td></tr>\n");
		}
		html_raw(h, "</tbody>\n</table>\n");
		site_pager(h, "pages", k, files, "Page lists, end");
		if (close_page(x, h, name) < 0)
			return -1;
	}
	return 0;
}

static void
claim_verdicts(struct html *h, const struct store_report_claim *const *v,
    size_t n)
{
	if (n == 1 && v[0]->flag_id == 0) {
		html_raw(h, "<span class=\"badge ok\">ok</span> no open flag");
		return;
	}
	html_raw(h, "<ul class=\"verdicts\">");
	for (size_t i = 0; i < n; i++) {
		const struct store_report_claim *c = v[i];

		if (c->flag_id == 0)
			continue;
		html_printf(h, "<li>");
		site_badge(h, site_severity(c->severity), c->severity);
		html_raw(h, " <strong class=\"rule\">");
		html_text(h, c->rule);
		html_raw(h, "</strong>");
		if (c->acked)
			html_raw(h, " <em>(acknowledged)</em>");
		if (c->flag_line == c->line) {
			html_raw(h, ": ");
			html_textn(h, c->evidence, 2000);
			html_printf(h, " <code>ctmirror ack %lld</code>",
			    c->flag_id);
		} else {
			html_printf(h, ": see <a href=\"#L%d\">line %d</a>",
			    c->flag_line, c->flag_line);
		}
		html_raw(h, "</li>");
	}
	html_raw(h, "</ul>");
}

static int
write_page(struct rep *x, const struct page_info *p,
    const struct store_report_claims *cl, size_t from, size_t to)
{
	const struct store_report_claim *grp[64];
	char name[64];
	struct html *h;
	int last_line = 0;
	size_t i, j;

	snprintf(name, sizeof(name), "page/%lld.html", p->page_id);
	if ((h = open_page(x, name, "../", p->path, SITE_PAGES)) == NULL)
		return -1;
	html_raw(h, "<h1 class=\"path\">");
	html_textn(h, p->path, 500);
	html_raw(h, "</h1>\n<p class=\"lede\">");
	site_count(h, p->claims, "claim or citation", "claims and citations");
	if (p->stale)
		html_printf(h, " \xc2\xb7 <strong class=\"c-stale\">%u stale"
		    "</strong>", p->stale);
	if (p->recheck)
		html_printf(h, " \xc2\xb7 <strong class=\"c-recheck\">%u to "
		    "recheck</strong>", p->recheck);
	if (p->page_date[0]) {
		html_raw(h, " \xc2\xb7 page dated ");
		html_text(h, p->page_date);
	}
	html_raw(h, " \xc2\xb7 scanned ");
	html_text(h, p->last_scanned[0] ? p->last_scanned : "never");
	html_raw(h, "</p>\n<table class=\"claims\">\n<caption>Claims and "
	    "citations in page order, with what the registry says</caption>\n"
	    "<thead><tr><th scope=\"col\" class=\"num\">Line</th><th scope=\"col\">"
	    "Trial and kind</th><th scope=\"col\">What the page says</th>"
	    "<th scope=\"col\">Verdict</th></tr></thead>\n<tbody>\n");
	for (i = from; i < to; i = j) {
		const struct store_report_claim *c =
		    store_report_claims_row(cl, i);
		const char *worst = "ok";
		size_t n = 0;

		for (j = i; j < to && store_report_claims_row(cl, j)->claim_id ==
		    c->claim_id; j++) {
			const struct store_report_claim *f =
			    store_report_claims_row(cl, j);

			if (n < sizeof(grp) / sizeof(grp[0]))
				grp[n++] = f;
			if (f->flag_id && !f->acked && strcmp(worst, "stale") != 0)
				worst = site_severity(f->severity);
		}
		html_printf(h, "<tr class=\"%s\"", worst);
		if (c->line != last_line)
			html_printf(h, " id=\"L%d\"", c->line);
		last_line = c->line;
		html_printf(h, "><td class=\"num\">%d</td><td>", c->line);
		trial_link(h, x, "../", c->nct_id);
		html_raw(h, "<br><span class=\"kind\">");
		html_text(h, c->kind);
		if (c->statuses[0]) {
			html_raw(h, ": ");
			html_text(h, c->statuses);
		}
		html_raw(h, "</span>");
		if (c->as_of[0]) {
			html_raw(h, "<br><span class=\"asof\">as of ");
			html_text(h, c->as_of);
			html_raw(h, "</span>");
		}
		html_raw(h, "</td><td class=\"text\">");
		excerpt(h, c->excerpt, c->phrase);
		html_raw(h, "</td><td>");
		claim_verdicts(h, grp, n);
		html_raw(h, "</td></tr>\n");
	}
	html_raw(h, "</tbody>\n</table>\n");
	return close_page(x, h, name);
}

static int
cmp_page_id(const void *a, const void *b)
{
	const struct page_info *p = *(const struct page_info *const *)a;
	const struct page_info *q = *(const struct page_info *const *)b;

	return (p->page_id > q->page_id) - (p->page_id < q->page_id);
}

static int
write_pages(struct rep *x)
{
	const struct page_info *batch[PAGE_BATCH];
	long long ids[PAGE_BATCH];

	for (size_t at = 0; at < x->n_pages; at += PAGE_BATCH) {
		size_t n = x->n_pages - at < PAGE_BATCH ? x->n_pages - at :
		    PAGE_BATCH, r = 0, rows;
		struct store_report_claims *cl;
		int rc = 0;

		for (size_t i = 0; i < n; i++)
			batch[i] = &x->pages[at + i];
		qsort(batch, n, sizeof(batch[0]), cmp_page_id);
		for (size_t i = 0; i < n; i++)
			ids[i] = batch[i]->page_id;
		if ((cl = store_report_page_claims(x->s, ids, n)) == NULL)
			return db_fail(x);
		rows = store_report_claims_count(cl);
		/* Rows come by page ID, as the batch is now sorted. */
		for (size_t i = 0; i < n && rc == 0; i++) {
			size_t from;

			while (r < rows && store_report_claims_row(cl, r)->page_id <
			    ids[i])
				r++;
			for (from = r; r < rows &&
			    store_report_claims_row(cl, r)->page_id == ids[i]; r++)
				;
			rc = write_page(x, batch[i], cl, from, r);
		}
		store_report_claims_free(cl);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
keep_page(void *arg, const struct store_report_page *p)
{
	struct rep *x = arg;
	struct page_info *v, *pi;

	if (x->n_pages == x->cap_pages) {
		size_t cap = x->cap_pages ? 2 * x->cap_pages : 64;

		if ((v = realloc(x->pages, cap * sizeof(*v))) == NULL)
			return site_fail(x->site, "out of memory");
		x->pages = v;
		x->cap_pages = cap;
	}
	pi = &x->pages[x->n_pages];
	memset(pi, 0, sizeof(*pi));
	pi->page_id = p->page_id;
	pi->claims = p->claims;
	pi->stale = p->stale;
	pi->recheck = p->recheck;
	if ((pi->path = strdup(p->path)) == NULL ||
	    (pi->page_date = strdup(p->page_date)) == NULL ||
	    (pi->last_scanned = strdup(p->last_scanned)) == NULL) {
		free(pi->path);
		free(pi->page_date);
		return site_fail(x->site, "out of memory");
	}
	x->n_pages++;
	return 0;
}

/* The trials list (trials.html, trials-2.html, ...), written as trials pass. */
struct trial_list {
	struct html *h;
	unsigned file, files, rows;
	char name[64];
};

static int
list_close(struct rep *x, struct trial_list *l)
{
	int rc;

	if (l->h == NULL)
		return 0;
	html_raw(l->h, "</tbody>\n</table></div>\n");
	site_pager(l->h, "trials", l->file, l->files, "Trial lists, end");
	rc = close_page(x, l->h, l->name);
	l->h = NULL;
	return rc;
}

static int
list_row(struct rep *x, struct trial_list *l, const struct store_report_trial *t,
    unsigned stale, unsigned recheck, unsigned claims)
{
	if (l->h == NULL) {
		char title[64];

		l->file++;
		site_list_name(l->name, sizeof(l->name), "trials", l->file);
		snprintf(title, sizeof(title), l->file > 1 ? "Trials, %u" :
		    "Trials", l->file);
		if ((l->h = open_page(x, l->name, "", title, SITE_TRIALS)) == NULL)
			return -1;
		html_raw(l->h, "<h1>Trials</h1>\n<p class=\"lede\">");
		site_count(l->h, (unsigned)x->n_ids, "tracked trial",
		    "tracked trials");
		html_raw(l->h, ", by NCT ID.</p>\n");
		site_pager(l->h, "trials", l->file, l->files, "Trial lists");
		html_raw(l->h, "<div class=\"wide\"><table class=\"list\">\n<thead>"
		    "<tr><th scope=\"col\">Trial</th><th scope=\"col\">Title</th>"
		    "<th scope=\"col\">Status</th><th scope=\"col\">Results</th>"
		    "<th scope=\"col\" class=\"num\">Page claims</th></tr></thead>"
		    "\n<tbody>\n");
	}
	html_printf(l->h, "<tr><th scope=\"row\"><a href=\"trial/%s.html\">%s</a>",
	    t->nct_id, t->nct_id);
	if (t->acronym[0]) {
		html_raw(l->h, " <span class=\"acr\">");
		html_text(l->h, t->acronym);
		html_raw(l->h, "</span>");
	}
	html_raw(l->h, "</th><td>");
	html_textn(l->h, t->brief_title, 160);
	html_raw(l->h, "</td><td>");
	if (t->overall_status[0]) {
		html_printf(l->h, "<span class=\"badge st-%s\">",
		    chart_status_class(t->overall_status));
		html_text(l->h, chart_status_label(t->overall_status));
		html_raw(l->h, "</span>");
	} else {
		html_raw(l->h, strcmp(t->registry_state, "not_found") == 0 ?
		    "not found" : "not synced");
	}
	html_raw(l->h, "</td><td>");
	html_text(l->h, t->results_first_posted[0] ? t->results_first_posted :
	    t->has_results ? "posted" : t->results_submitted[0] ? "submitted" :
	    "\xe2\x80\x93");
	html_printf(l->h, "</td><td class=\"num\">%u", claims);
	if (stale)
		html_printf(l->h, " <span class=\"badge stale\">%u stale</span>",
		    stale);
	if (recheck)
		html_printf(l->h, " <span class=\"badge recheck\">%u recheck"
		    "</span>", recheck);
	html_raw(l->h, "</td></tr>\n");
	if (++l->rows % ROWS_PER_LIST == 0)
		return list_close(x, l);
	return 0;
}

static int
write_trial(struct rep *x, const struct store_report_trial *t,
    const struct store_report_span *v, size_t n,
    const struct store_report_change *ch, size_t n_ch,
    const struct store_report_claims *cl, size_t c0, size_t c1)
{
	struct trialpage p;
	char name[64], title[160];
	struct html *h;

	snprintf(name, sizeof(name), "trial/%s.html", t->nct_id);
	snprintf(title, sizeof(title), "%s%s%.60s", t->nct_id,
	    t->acronym[0] ? " " : "", t->acronym);
	if ((h = open_page(x, name, "../", title, SITE_TRIALS)) == NULL)
		return -1;
	memset(&p, 0, sizeof(p));
	p.trial = t;
	p.title = title;
	p.spans = v;
	p.n_spans = n;
	p.changes = ch;
	p.n_changes = n_ch;
	p.claims = cl;
	p.c0 = c0;
	p.c1 = c1;
	p.today = x->today;
	if (trialpage_write(h, &p) < 0) {
		html_close(h);
		return site_fail(x->site, "out of memory");
	}
	x->st.trials++;
	return close_page(x, h, name);
}

static int
write_trials(struct rep *x)
{
	struct trial_list l;
	struct store_report_batch b;
	int rc = 0;

	memset(&l, 0, sizeof(l));
	l.files = x->n_ids ? (unsigned)((x->n_ids + ROWS_PER_LIST - 1) /
	    ROWS_PER_LIST) : 1;
	for (size_t at = 0; at < x->n_ids && rc == 0; at += TRIAL_BATCH) {
		size_t n = x->n_ids - at < TRIAL_BATCH ? x->n_ids - at :
		    TRIAL_BATCH, si = 0, ci = 0, ki = 0, nk;

		if (store_report_batch(x->s, x->ids + at, n, MAX_CHANGES, &b) < 0) {
			store_report_batch_finish(&b);
			rc = db_fail(x);
			break;
		}
		nk = store_report_claims_count(b.claims);
		/* Every part is sorted by NCT ID: walk them side by side. */
		for (size_t i = 0; i < b.n_trials && rc == 0; i++) {
			const struct store_report_trial *t = &b.trials[i];
			size_t s0, c0, k0;
			unsigned stale = 0, recheck = 0;

			if (!site_safe_id(t->nct_id))
				continue;
			while (si < b.n_spans && strcmp(b.spans[si].nct_id, t->nct_id) < 0)
				si++;
			for (s0 = si; si < b.n_spans &&
			    strcmp(b.spans[si].nct_id, t->nct_id) == 0; si++)
				;
			while (ci < b.n_changes &&
			    strcmp(b.changes[ci].nct_id, t->nct_id) < 0)
				ci++;
			for (c0 = ci; ci < b.n_changes &&
			    strcmp(b.changes[ci].nct_id, t->nct_id) == 0; ci++)
				;
			while (ki < nk && strcmp(store_report_claims_row(b.claims,
			    ki)->nct_id, t->nct_id) < 0)
				ki++;
			for (k0 = ki; ki < nk && strcmp(store_report_claims_row(
			    b.claims, ki)->nct_id, t->nct_id) == 0; ki++) {
				const char *sev = store_report_claims_row(b.claims,
				    ki)->severity;

				stale += strcmp(sev, "stale") == 0;
				recheck += strcmp(sev, "recheck") == 0;
			}
			rc = write_trial(x, t, b.spans + s0, si - s0,
			    b.changes + c0, ci - c0, b.claims, k0, ki);
			if (rc == 0)
				rc = list_row(x, &l, t, stale, recheck,
				    (unsigned)(ki - k0));
		}
		store_report_batch_finish(&b);
	}
	if (rc == 0 && l.rows == 0) {
		/* No trial: the list still exists and says so. */
		struct html *h = open_page(x, "trials.html", "", "Trials",
		    SITE_TRIALS);

		if (h == NULL)
			return -1;
		html_raw(h, "<h1>Trials</h1>\n<p class=\"lede\">No trial is "
		    "tracked yet: set <code>[tracking] nct_ids</code> and run "
		    "<code>ctmirror sync</code>.</p>\n");
		return close_page(x, h, "trials.html");
	}
	if (list_close(x, &l) < 0)
		rc = -1;
	if (rc < 0)
		html_close(l.h);
	return rc;
}

/* ------------------------------------------------------------ the whole */

static double
seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
write_all(struct rep *x)
{
	if (store_report_head(x->s, &x->head) < 0)
		return db_fail(x);
	snprintf(x->note, sizeof(x->note), "Written by ctmirror %s on %s%s.",
	    CTMIRROR_VERSION, x->head.generated_at, x->head.last_run_id ?
	    " after the last sync" : "");
	if (store_report_pages(x->s, keep_page, x) < 0 ||
	    store_tracked_ids(x->s, &x->ids, &x->n_ids) < 0)
		return db_fail(x);
	if (write_index(x) < 0 || write_pages_list(x) < 0 ||
	    write_pages(x) < 0 || write_trials(x) < 0)
		return -1;
	return 0;
}

int
report_write(struct store *s, const char *dir, const char *today,
    struct report_stats *stp, char *err, size_t errsz)
{
	struct rep x;
	double t0 = seconds_now();
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.s = s;
	x.today = today;
	if ((x.site = site_new(dir, err, errsz)) == NULL)
		return -1;
	/* One snapshot: the index, the lists and the pages agree. */
	if (store_report_begin(s) < 0) {
		db_fail(&x);
		goto out;
	}
	rc = write_all(&x);
	store_rollback(s);
	if (rc == 0)
		rc = site_publish(x.site);
	if (rc == 0 && stp != NULL) {
		x.st.files = site_files(x.site);
		x.st.bytes = site_bytes(x.site);
		x.st.pages = (unsigned)x.n_pages;
		x.st.seconds = seconds_now() - t0;
		*stp = x.st;
	}
out:
	if (rc < 0)
		snprintf(err, errsz, "%s", site_error(x.site));
	site_free(x.site);
	for (size_t i = 0; i < x.n_pages; i++) {
		free(x.pages[i].path);
		free(x.pages[i].page_date);
		free(x.pages[i].last_scanned);
	}
	free(x.pages);
	store_free_ids(x.ids, x.n_ids);
	return rc;
}

void
report_refresh(const struct config *cfg, struct store *s)
{
	struct report_stats st;
	char today[11], err[512];

	if (cfg->report_dir == NULL || cfg->report_dir[0] == '\0')
		return;
	config_today(cfg, today);
	if (report_write(s, cfg->report_dir, today, &st, err, sizeof(err)) < 0) {
		log_error("report: %s: %s; the previous report stays",
		    cfg->report_dir, err);
		return;
	}
	log_info(
	    "report: %s: %u files, %u flags, %u trials, %u pages, %.1f MB, %.1f s",
	    cfg->report_dir, st.files, st.flags, st.trials,
	    st.pages, (double)st.bytes / 1e6, st.seconds);
}

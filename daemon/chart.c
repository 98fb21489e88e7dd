/*
 * chart.c - lays out a trial's life on one time axis and writes it as
 * inline SVG (shapes carry CSS classes; the report's style sheet colours
 * them, so print and screen share one palette).
 */
#include "chart.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The drawing's coordinate system (viewBox units). */
#define W 1000.0
#define PLOT_X0 150.0
#define PLOT_X1 (W - 18.0)
#define LANES 3			/* claim markers stacked at one date */
#define LANE_H 18.0
#define LABEL_W 6.4		/* rough width of one 11-unit character */

static const struct {
	const char *word, *cls, *label;
} statuses[] = {
	{"NOT_YET_RECRUITING", "notyet", "Not yet recruiting"},
	{"RECRUITING", "recruiting", "Recruiting"},
	{"ENROLLING_BY_INVITATION", "invitation", "Enrolling by invitation"},
	{"ACTIVE_NOT_RECRUITING", "active", "Active, not recruiting"},
	{"COMPLETED", "completed", "Completed"},
	{"SUSPENDED", "suspended", "Suspended"},
	{"TERMINATED", "terminated", "Terminated"},
	{"WITHDRAWN", "withdrawn", "Withdrawn"},
	{"AVAILABLE", "recruiting", "Available"},
	{"NO_LONGER_AVAILABLE", "completed", "No longer available"},
	{"TEMPORARILY_NOT_AVAILABLE", "suspended", "Temporarily not available"},
	{"APPROVED_FOR_MARKETING", "completed", "Approved for marketing"},
	{"WITHHELD", "withdrawn", "Withheld"},
	{"UNKNOWN", "unknown", "Unknown status"},
};
#define N_STATUSES_TL (sizeof(statuses) / sizeof(statuses[0]))

const char *
chart_status_class(const char *status)
{
	for (size_t i = 0; status && i < N_STATUSES_TL; i++)
		if (strcmp(status, statuses[i].word) == 0)
			return statuses[i].cls;
	return "unknown";
}

const char *
chart_status_label(const char *status)
{
	for (size_t i = 0; status && i < N_STATUSES_TL; i++)
		if (strcmp(status, statuses[i].word) == 0)
			return statuses[i].label;
	return status ? status : "No record";
}

/* ----------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool
digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

long
chart_day(const char *s)
{
	long y;
	unsigned m = 1, d = 1;

	if (s == NULL || !digits(s, 4))
		return -1;
	y = atol(s);
	if (s[4] == '-' && digits(s + 5, 2)) {
		m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
		if (s[7] == '-' && digits(s + 8, 2))
			d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
		else if (s[7] != '\0')
			return -1;
	} else if (s[4] != '\0') {
		return -1;
	}
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	return days_from_civil(y, m, d);
}

/* ---------------------------------------------------------------- layout */

struct axis {
	double lo, hi;		/* days at PLOT_X0 and PLOT_X1 */
};

static double
xof(const struct axis *a, long day)
{
	return PLOT_X0 + (PLOT_X1 - PLOT_X0) * ((double)day - a->lo) /
	    (a->hi - a->lo);
}

static void
widen(long *lo, long *hi, long d)
{
	if (d < 0)
		return;
	if (*lo < 0 || d < *lo)
		*lo = d;
	if (*hi < 0 || d > *hi)
		*hi = d;
}

static bool
make_axis(const struct chart *t, struct axis *a)
{
	long lo = -1, hi = -1, span;

	for (size_t i = 0; i < t->n_spans; i++) {
		widen(&lo, &hi, chart_day(t->spans[i].from));
		widen(&lo, &hi, chart_day(t->spans[i].to));
	}
	for (size_t i = 0; i < t->n_events; i++)
		widen(&lo, &hi, chart_day(t->events[i].date));
	if (lo < 0)
		return false;
	widen(&lo, &hi, chart_day(t->today));
	span = hi - lo;
	if (span < 90) {
		lo -= (90 - span) / 2;
		span = 90;
	}
	a->lo = (double)lo - (double)span * 0.02;
	a->hi = (double)lo + (double)span * 1.04;
	return true;
}

/* ------------------------------------------------------------- drawing */

static void
tooltip(struct html *h, const char *what, const char *date, const char *text)
{
	html_raw(h, "<title>");
	html_text(h, what);
	if (date && *date) {
		html_raw(h, " ");
		html_text(h, date);
	}
	if (text && *text) {
		html_raw(h, ": ");
		html_textn(h, text, 300);
	}
	html_raw(h, "</title>");
}

static void
draw_axis(struct html *h, const struct axis *a, double top, double y)
{
	long y0, y1, yr, step;
	unsigned m, d;
	double years = (a->hi - a->lo) / 365.25;

	html_printf(h, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\"/>", PLOT_X0, y, PLOT_X1, y);
	civil_from_days((long)a->lo, &y0, &m, &d);
	civil_from_days((long)a->hi, &y1, &m, &d);
	if (years >= 2.5) {
		step = years > 40 ? 10 : years > 20 ? 5 : years > 10 ? 2 : 1;
		for (yr = (y0 / step + 1) * step; yr <= y1; yr += step) {
			double x = xof(a, days_from_civil(yr, 1, 1));

			if (x < PLOT_X0 || x > PLOT_X1)
				continue;
			html_printf(h, "<line class=\"grid\" x1=\"%.1f\" "
			    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
			    "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\">%ld"
			    "</text>", x, top, x, y + 4, x, y + 17, yr);
		}
		return;
	}
	/* Under 2.5 years: months, every 1, 2, 3 or 6 so labels fit. */
	step = years > 1.5 ? 6 : years > 0.75 ? 3 : years > 0.4 ? 2 : 1;
	civil_from_days((long)a->lo, &y0, &m, &d);
	for (long k = y0 * 12 + (long)m; ; k++) {
		long yy = k / 12, mm = k % 12 + 1;
		double x;

		if ((mm - 1) % step != 0)
			continue;
		x = xof(a, days_from_civil(yy, (unsigned)mm, 1));
		if (x > PLOT_X1)
			break;
		if (x < PLOT_X0)
			continue;
		html_printf(h, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
		    "x=\"%.1f\" y=\"%.1f\">%04ld-%02ld</text>", x, top, x,
		    y + 4, x, y + 17, yy, mm);
	}
}

static void
row_label(struct html *h, double y, const char *text)
{
	html_printf(h, "<text class=\"rl\" x=\"4\" y=\"%.1f\">%s</text>",
	    y + 4, text);
}

static void
draw_spans(struct html *h, const struct chart *t, const struct axis *a,
    double y, double today_x)
{
	double first = -1;

	for (size_t i = 0; i < t->n_spans; i++) {
		const struct chart_span *s = &t->spans[i];
		long d0 = chart_day(s->from), d1 = chart_day(s->to);
		const char *label = chart_status_label(s->status);
		double x0, x1;

		if (d0 < 0)
			continue;
		x0 = xof(a, d0);
		x1 = d1 >= 0 ? xof(a, d1) : today_x;
		if (x1 < x0 + 1.5)
			x1 = x0 + 1.5;
		if (first < 0)
			first = x0;
		html_printf(h, "<g><rect class=\"span st-%s\" x=\"%.1f\" "
		    "y=\"%.1f\" width=\"%.1f\" height=\"24\" rx=\"3\"/>",
		    chart_status_class(s->status), x0, y - 12, x1 - x0);
		html_raw(h, "<title>");
		html_text(h, label);
		html_raw(h, " from ");
		html_text(h, s->from);
		html_raw(h, (s->to && *s->to) ? " to " : " until today");
		html_text(h, s->to);
		if (s->last_version > s->version)
			html_printf(h, " (versions %d\xe2\x80\x93%d)</title>",
			    s->version, s->last_version);
		else
			html_printf(h, " (version %d)</title>", s->version);
		if (x1 - x0 > LABEL_W * (double)strlen(label) + 10) {
			html_printf(h, "<text class=\"sl st-%s\" x=\"%.1f\" "
			    "y=\"%.1f\">", chart_status_class(s->status),
			    x0 + 6, y + 4);
			html_text(h, label);
			html_raw(h, "</text>");
		}
		html_raw(h, "</g>");
	}
	/* Before the first stored version nothing is known: say so. */
	if (first > PLOT_X0 + 2) {
		html_printf(h, "<g><rect class=\"unseen\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"24\" rx=\"3\"/><title>No registry "
		    "version stored before ", PLOT_X0, y - 12, first - PLOT_X0);
		html_text(h, t->spans[0].from);
		html_raw(h, "</title>");
		if (first - PLOT_X0 > 110)
			html_printf(h, "<text class=\"ul\" x=\"%.1f\" y=\"%.1f\">"
			    "no record stored</text>", PLOT_X0 + 6, y + 4);
		html_raw(h, "</g>");
	}
}

static const char *const kind_name[] = {
	"Start", "Primary completion", "Completion", "Results submitted",
	"Results posted", "Publication", "Page claim",
};

/* One marker's shape centred on (x, y). */
static void
shape(struct html *h, const struct chart_event *e, double x, double y)
{
	const char *cls = e->superseded ? "old" : e->estimated ? "est" : "act";

	switch (e->kind) {
	case TL_START:
		html_printf(h, "<circle class=\"mk %s\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"6\"/>", cls, x, y);
		break;
	case TL_PRIMARY:
		html_printf(h, "<path class=\"mk %s\" d=\"M%.1f %.1fl7 7-7 7-7-7z\"/>",
		    cls, x, y - 7);
		break;
	case TL_COMPLETION:
		html_printf(h, "<rect class=\"mk %s\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"11\" height=\"11\"/>", cls, x - 5.5, y - 5.5);
		break;
	case TL_SUBMITTED:
		html_printf(h, "<rect class=\"mk sub\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"12\" height=\"12\" rx=\"2\"/>", x - 6, y - 6);
		break;
	case TL_POSTED:
		html_printf(h, "<rect class=\"mk post\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"12\" height=\"12\" rx=\"2\"/>", x - 6, y - 6);
		break;
	case TL_PUBLICATION:
		html_printf(h, "<circle class=\"mk pub\" cx=\"%.1f\" cy=\"%.1f\" "
		    "r=\"7\"/><text class=\"glyph\" x=\"%.1f\" y=\"%.1f\">P"
		    "</text>", x, y, x, y + 3.5);
		break;
	case TL_CLAIM:
		html_printf(h, "<circle class=\"mk v-%s\" cx=\"%.1f\" "
		    "cy=\"%.1f\" r=\"7\"/><text class=\"glyph\" x=\"%.1f\" "
		    "y=\"%.1f\">%s</text>", e->verdict == TL_STALE ? "stale" :
		    e->verdict == TL_RECHECK ? "recheck" : "ok", x, y, x,
		    y + 3.5, e->verdict == TL_STALE ? "!" :
		    e->verdict == TL_RECHECK ? "?" : "\xe2\x9c\x93");
		break;
	}
}

/* A thin guide along a row of markers. */
static void
guide(struct html *h, double y)
{
	html_printf(h, "<line class=\"guide\" x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\"/>", PLOT_X0, y, PLOT_X1, y);
}

/*
 * One row of markers of kinds k0..k1.  Earlier values of a date come
 * first, joined to the next value by a dashed line, so a date that moved
 * shows where it moved from.  Markers of a row of several kinds that
 * would overlap are set side by side (their tooltips keep the dates).
 */
static void
draw_marks(struct html *h, const struct chart *t, const struct axis *a,
    double y, enum chart_kind k0, enum chart_kind k1)
{
	double last = -1e9;

	for (int k = (int)k0; k <= (int)k1; k++) {
		double px = -1;

		for (size_t i = 0; i < t->n_events; i++) {
			const struct chart_event *e = &t->events[i];
			long d = chart_day(e->date);
			double x;

			if ((int)e->kind != k || d < 0)
				continue;
			x = xof(a, d);
			if (px >= 0 && (x - px > 1 || px - x > 1))
				html_printf(h, "<line class=\"moved\" x1=\"%.1f\" "
				    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", px, y,
				    x, y);
			px = x;
		}
	}
	for (int k = (int)k0; k <= (int)k1; k++) {
		for (size_t i = 0; i < t->n_events; i++) {
			const struct chart_event *e = &t->events[i];
			long d = chart_day(e->date);
			double x;

			if ((int)e->kind != k || d < 0)
				continue;
			x = xof(a, d);
			if (k0 != k1 && x < last + 15)
				x = last + 15;
			last = x;
			html_raw(h, "<g>");
			shape(h, e, x, y);
			tooltip(h, e->superseded ? "Earlier estimate:" :
			    kind_name[e->kind], e->date, e->label);
			html_raw(h, "</g>");
		}
	}
}

struct placed {
	double x;
	size_t i;
};

static int
cmp_placed(const void *a, const void *b)
{
	const struct placed *p = a, *q = b;

	return p->x < q->x ? -1 : p->x > q->x ? 1 :
	    (p->i > q->i) - (p->i < q->i);
}

/* Claims: stacked in up to LANES lanes; more at one spot become "+n". */
static void
draw_claims(struct html *h, const struct chart *t, const struct axis *a,
    double y, struct placed *pl, size_t n)
{
	double lane_x[LANES];
	double over_x = -1e9;
	unsigned over_n = 0;

	for (int l = 0; l < LANES; l++)
		lane_x[l] = -1e9;
	qsort(pl, n, sizeof(*pl), cmp_placed);
	for (size_t j = 0; j <= n; j++) {
		const struct chart_event *e;
		int l;

		if (j == n || (over_n && pl[j].x - over_x > 14)) {
			if (over_n)
				html_printf(h, "<text class=\"more\" x=\"%.1f\" "
				    "y=\"%.1f\">+%u</text>", over_x,
				    y + LANES * LANE_H + 2, over_n);
			over_n = 0;
			if (j == n)
				break;
		}
		e = &t->events[pl[j].i];
		for (l = 0; l < LANES && pl[j].x - lane_x[l] < 15; l++)
			;
		if (l == LANES) {
			if (over_n == 0)
				over_x = pl[j].x;
			over_n++;
			continue;
		}
		lane_x[l] = pl[j].x;
		html_raw(h, e->href ? "<a href=\"" : "<g>");
		if (e->href) {
			html_text(h, e->href);
			html_raw(h, "\">");
		}
		shape(h, e, pl[j].x, y + l * LANE_H);
		tooltip(h, e->verdict == TL_STALE ? "Stale claim, as of" :
		    e->verdict == TL_RECHECK ? "Claim to recheck, as of" :
		    "Claim, as of", e->date, e->label);
		html_raw(h, e->href ? "</a>" : "</g>");
	}
}

void
chart_svg(struct html *h, const struct chart *t)
{
	struct axis a;
	struct html *body;
	struct placed *pl = NULL;
	char *rows;
	size_t rows_len;
	size_t n_claims = 0, n_results = 0;
	double y, height, today_x, top = 16;
	long today;

	if (!make_axis(t, &a))
		return;
	for (size_t i = 0; i < t->n_events; i++) {
		if (chart_day(t->events[i].date) < 0)
			continue;
		if (t->events[i].kind == TL_CLAIM)
			n_claims++;
		else if (t->events[i].kind >= TL_SUBMITTED)
			n_results++;
	}
	if (n_claims && (pl = calloc(n_claims, sizeof(*pl))) == NULL)
		n_claims = 0;
	height = top + 17 + 36 + 2 * 24 + (n_results ? 28 : 0) +
	    (n_claims ? 30 + (LANES - 1) * LANE_H + 12 : 0) + 18 + 24;
	today = chart_day(t->today);
	today_x = today >= 0 ? xof(&a, today) : PLOT_X1;

	html_printf(h, "<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
	    "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"", W, height);
	html_text(h, t->title);
	html_raw(h, "\"><title>");
	html_text(h, t->title);
	html_raw(h, "</title><defs><pattern id=\"hatch\" width=\"6\" "
	    "height=\"6\" patternUnits=\"userSpaceOnUse\" "
	    "patternTransform=\"rotate(45)\"><rect class=\"hatchbg\" width=\"6\" "
	    "height=\"6\"/><line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" "
	    "y2=\"6\"/></pattern></defs>");

	/* Rows first into memory, so the grid can go under them. */
	body = h;
	if ((h = html_open_mem()) == NULL) {
		html_raw(body, "</svg>");
		free(pl);
		return;
	}
	y = top + 17;
	row_label(h, y, "Status");
	draw_spans(h, t, &a, y, today_x);
	for (int k = TL_START; k <= TL_COMPLETION; k++) {
		y += k == TL_START ? 36 : 24;
		row_label(h, y, kind_name[k]);
		guide(h, y);
		draw_marks(h, t, &a, y, (enum chart_kind)k,
		    (enum chart_kind)k);
	}
	if (n_results) {
		y += 28;
		row_label(h, y, "Results");
		guide(h, y);
		draw_marks(h, t, &a, y, TL_SUBMITTED, TL_PUBLICATION);
	}
	if (n_claims) {
		size_t k = 0;

		y += 30;
		row_label(h, y, "Page claims");
		for (size_t i = 0; i < t->n_events; i++) {
			long d = chart_day(t->events[i].date);

			if (t->events[i].kind != TL_CLAIM || d < 0)
				continue;
			pl[k].x = xof(&a, d);
			pl[k].i = i;
			k++;
		}
		draw_claims(h, t, &a, y, pl, k);
		y += (LANES - 1) * LANE_H;
	}
	y += 22;
	rows = html_take(h, &rows_len);
	h = body;
	draw_axis(h, &a, top, y);
	if (rows != NULL)
		html_raw(h, rows);
	free(rows);
	if (today >= 0)
		html_printf(h, "<line class=\"today\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"todayl\" x=\"%.1f\" "
		    "y=\"%.1f\">today</text>", today_x, top - 2, today_x, y,
		    today_x, top - 5);
	html_raw(h, "</svg>");
	free(pl);
}

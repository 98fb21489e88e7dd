/*
 * rules.c - PURE: judge one page claim against the trial's registry state
 * and today's date, and say in a maintainer's words why it is stale or due
 * for a recheck.  No clock, no I/O: "today" comes from the caller.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "identity.h"

#define STUDY_URL "https://clinicaltrials.gov/study/"
/* Evidence names at most this many PMIDs, then says how many more. */
#define MAX_PMIDS_SHOWN 5

/* Registry overallStatus words, in the order of enum status_bit. */
static const char *const statuses[N_STATUSES] = STATUS_NAMES;

/* Evidence text being built; `failed` remembers an allocation failure. */
struct ebuf {
	char *s;
	size_t len;
	size_t cap;
	int failed;
};

static void ebuf_add(struct ebuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
ebuf_add(struct ebuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 128;
		char *s;

		while (b->len + (size_t)n + 1 > cap)
			cap *= 2;
		if ((s = realloc(b->s, cap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* ---------------------------------------------------------------- dates */

static bool
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(long y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31};

	return m == 2 && leap(y) ? 29 : days[m - 1];
}

/* Exactly n ASCII digits at s, as a number; -1 otherwise. */
static long
digits(const char *s, int n)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/*
 * "YYYY-MM-DD" or "YYYY-MM" (the registry's month-only dates, which mean
 * the first of the month) to a day number: days since 1970-01-01, from
 * Howard Hinnant's days_from_civil.  False for anything else, so that a
 * malformed date disables the rules that need it instead of misfiring.
 */
static bool
day_number(const char *s, long *out)
{
	long y, m, d = 1, era, yoe, doy, doe;

	if (s == NULL || (y = digits(s, 4)) < 0 || s[4] != '-' ||
	    (m = digits(s + 5, 2)) < 1 || m > 12)
		return false;
	if (s[7] == '-') {
		if ((d = digits(s + 8, 2)) < 1 || d > month_days(y, (int)m) ||
		    s[10] != '\0')
			return false;
	} else if (s[7] != '\0')
		return false;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = era * 146097 + doe - 719468;
	return true;
}

/* ------------------------------------------------------------- verdicts */

static int
add_verdict(struct verdict_list *out, const char *rule, enum severity sev,
    const char *nct_id, struct ebuf *ev)
{
	struct verdict *v;

	if (ev->failed || ev->s == NULL)
		goto fail;
	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 4;

		if ((v = realloc(out->v, cap * sizeof(*v))) == NULL)
			goto fail;
		out->v = v;
		out->cap = cap;
	}
	v = &out->v[out->n++];
	memset(v, 0, sizeof(*v));
	v->rule = rule;
	v->severity = sev;
	v->evidence = ev->s;		/* the verdict takes the text */
	snprintf(v->link, sizeof(v->link), STUDY_URL "%.*s",
	    NCT_ID_SIZE - 1, nct_id);
	memset(ev, 0, sizeof(*ev));
	return 0;
fail:
	free(ev->s);
	memset(ev, 0, sizeof(*ev));
	return -1;
}

/* The claimed status set in words, for status-changed evidence. */
static void
add_statuses(struct ebuf *b, unsigned set)
{
	size_t i, shown = 0, total = 0;

	if (set == ST_ACTIVE) {
		ebuf_add(b, "an active status (not yet recruiting, recruiting, "
		    "enrolling by invitation or active, not recruiting)");
		return;
	}
	for (i = 0; i < N_STATUSES; i++)
		if (set & (1u << i))
			total++;
	for (i = 0; i < N_STATUSES; i++) {
		if (!(set & (1u << i)))
			continue;
		if (shown > 0)
			ebuf_add(b, shown + 1 == total ? " or " : ", ");
		ebuf_add(b, "%s", statuses[i]);
		shown++;
	}
}

static unsigned
status_bit(const char *name)
{
	for (size_t i = 0; i < N_STATUSES; i++)
		if (strcmp(name, statuses[i]) == 0)
			return 1u << i;
	return 0;	/* expanded-access values and anything new */
}

static bool
results_posted(const struct trial_state *st)
{
	return st->has_results || st->results_first_posted[0] != '\0';
}

/*
 * Since when the registry has shown what contradicts the claim, from the
 * stored history: " (so since D, before this claim's date A: wrong when
 * written)", or " (so since D, after the claim's date A)"; nothing when
 * either date is unknown.  Before means the contradiction stood when the
 * claim was written; the same day may have been either.
 */
static void
since(struct ebuf *ev, const char *verb, const char *day, const char *as_of)
{
	long d, a;

	if (!day_number(day, &d))
		return;
	ebuf_add(ev, " (%s since %.10s", verb, day);
	if (day_number(as_of, &a) && d < a)
		ebuf_add(ev, ", before this claim's date %.10s: wrong when "
		    "written", as_of);
	else if (day_number(as_of, &a) && d > a)
		ebuf_add(ev, ", after the claim's date %.10s", as_of);
	ebuf_add(ev, ")");
}

static int
judge_results_posted(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct ebuf ev = {0};
	long posted, as_of;

	if (c->kind != CLAIM_RESULTS_PENDING || !results_posted(st))
		return 0;
	if (st->results_first_posted[0] == '\0')
		ebuf_add(&ev, "results are posted (no results-first-posted "
		    "date given)");
	else if (day_number(c->as_of, &as_of) &&
	    day_number(st->results_first_posted, &posted) && posted < as_of)
		/* %.10s: the date fields are fixed-size, but not ours. */
		ebuf_add(&ev, "results were posted on %.10s, before this "
		    "claim's date %.10s (wrong when written)",
		    st->results_first_posted, c->as_of);
	else {
		ebuf_add(&ev, "results first posted on %.10s",
		    st->results_first_posted);
		if (day_number(c->as_of, &as_of) &&
		    day_number(st->results_first_posted, &posted) &&
		    posted > as_of)
			ebuf_add(&ev, ", after the claim's date %.10s",
			    c->as_of);
	}
	return add_verdict(out, "results-posted", SEV_STALE, link_id, &ev);
}

static int
judge_publication_linked(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct ebuf ev = {0};
	size_t i, n = 0, shown;

	if (c->kind != CLAIM_PUBLICATION_PENDING || st->result_pmids == NULL)
		return 0;
	for (i = 0; i < st->n_result_pmids; i++)
		if (st->result_pmids[i] && st->result_pmids[i][0])
			n++;
	if (n == 0)
		return 0;
	ebuf_add(&ev, "%s listed as a result publication: ",
	    n == 1 ? "a paper is" : "papers are");
	shown = 0;
	for (i = 0; i < st->n_result_pmids && shown < MAX_PMIDS_SHOWN; i++) {
		const char *p = st->result_pmids[i];

		if (p == NULL || p[0] == '\0')
			continue;
		/* %.32s: a PMID is a short number; the registry is not ours. */
		ebuf_add(&ev, "%sPMID %.32s", shown ? ", " : "", p);
		shown++;
	}
	if (n > shown)
		ebuf_add(&ev, " and %zu more", n - shown);
	since(&ev, "listed", st->result_refs_since, c->as_of);
	return add_verdict(out, "publication-linked", SEV_STALE, link_id, &ev);
}

static int
judge_status_changed(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct ebuf ev = {0};

	/* No claimed set, or no registry status: nothing to contradict. */
	if (c->kind != CLAIM_STATUS || c->statuses == 0 ||
	    st->overall_status == NULL || st->overall_status[0] == '\0')
		return 0;
	if (status_bit(st->overall_status) & c->statuses)
		return 0;
	ebuf_add(&ev, "status is %.64s", st->overall_status);
	if (st->status_since[0] != '\0')
		since(&ev, "so", st->status_since, c->as_of);
	else if (st->last_update_posted[0] != '\0')
		ebuf_add(&ev, " (record last updated %.10s)",
		    st->last_update_posted);
	ebuf_add(&ev, "; the page says ");
	add_statuses(&ev, c->statuses);
	return add_verdict(out, "status-changed", SEV_STALE, link_id, &ev);
}

static int
judge_registry_updated(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct ebuf ev = {0};
	long as_of, updated;

	/* An undated claim cannot be older than an update. */
	if (!day_number(c->as_of, &as_of) ||
	    !day_number(st->last_update_posted, &updated) || updated <= as_of)
		return 0;
	ebuf_add(&ev, "record last updated on %.10s, after the claim's date "
	    "%.10s", st->last_update_posted, c->as_of);
	return add_verdict(out, "registry-updated", SEV_RECHECK, link_id, &ev);
}

/*
 * Results sent to the registry but not posted: the claim is still true,
 * but not for long (QC review can take months), so the page wants a look.
 */
static int
judge_results_submitted(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct ebuf ev = {0};
	long as_of, submitted;

	if (c->kind != CLAIM_RESULTS_PENDING || results_posted(st) ||
	    st->results_submitted[0] == '\0')
		return 0;
	ebuf_add(&ev, "results submitted to the registry on %.10s, not posted "
	    "yet (in quality-control review)", st->results_submitted);
	if (day_number(c->as_of, &as_of) &&
	    day_number(st->results_submitted, &submitted) && submitted > as_of)
		ebuf_add(&ev, ", after the claim's date %.10s", c->as_of);
	return add_verdict(out, "results-submitted", SEV_RECHECK, link_id, &ev);
}

static int
judge_claim_expired(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, const char *link_id, struct verdict_list *out)
{
	struct ebuf ev = {0};
	long as_of, today, age;

	if (c->kind != CLAIM_RESULTS_PENDING &&
	    c->kind != CLAIM_PUBLICATION_PENDING)
		return 0;
	/*
	 * An undated claim has no shelf life to measure; the rules that
	 * compare it with the registry still apply to it.
	 */
	if (!day_number(c->as_of, &as_of) || !day_number(o->today, &today))
		return 0;
	age = today - as_of;
	if (age <= (long)o->stale_after_days)
		return 0;
	/* Say what the registry shows now, so the recheck starts informed. */
	if (c->kind == CLAIM_RESULTS_PENDING && !results_posted(st))
		ebuf_add(&ev, "no results posted yet; ");
	else if (c->kind == CLAIM_PUBLICATION_PENDING &&
	    st->n_result_pmids == 0)
		ebuf_add(&ev, "no result publication listed yet; ");
	ebuf_add(&ev, "the claim dated %.10s is %ld days old (recheck after "
	    "%u days)", c->as_of, age, o->stale_after_days);
	if (st->last_update_posted[0] != '\0')
		ebuf_add(&ev, "; record last updated %.10s",
		    st->last_update_posted);
	return add_verdict(out, "claim-expired", SEV_RECHECK, link_id, &ev);
}

int
rules_judge(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, struct verdict_list *out)
{
	size_t before = out->n;
	const char *link_id;

	if (st == NULL)
		return 0;
	link_id = st->nct_id[0] ? st->nct_id : c->nct_id;
	/* Stale rules first: they are what a maintainer must fix. */
	if (judge_results_posted(c, st, link_id, out) < 0 ||
	    judge_publication_linked(c, st, link_id, out) < 0 ||
	    judge_status_changed(c, st, link_id, out) < 0 ||
	    judge_registry_updated(c, st, link_id, out) < 0 ||
	    judge_results_submitted(c, st, link_id, out) < 0 ||
	    judge_claim_expired(c, st, o, link_id, out) < 0)
		goto fail;
	return 0;
fail:
	/* All or nothing for this claim: drop what it had appended. */
	while (out->n > before)
		free(out->v[--out->n].evidence);
	return -1;
}

int
rules_judge_mention(const struct claim *c, const struct mention *m,
    const char *current_id, const struct identity_record *rec,
    const struct rules_opts *o, struct verdict_list *out)
{
	struct identity_verdict iv = {0};
	struct ebuf ev = {0};
	size_t before = out->n;

	if (current_id != NULL) {
		ebuf_add(&ev, "the page cites %.11s, an old ID: the registry now "
		    "lists this trial as %.11s; cite %.11s", c->nct_id,
		    current_id, current_id);
		if (add_verdict(out, "alias-id", SEV_RECHECK, current_id,
		    &ev) < 0)
			goto fail;
	}
	if (o->identity == NULL || rec == NULL)
		return 0;
	if (identity_judge_record(o->identity, rec, m->context,
	    m->context_len, &iv) < 0)
		goto fail;
	if (iv.outcome == IDENTITY_MISMATCH) {
		/* The verdict takes the judge's words. */
		ev.s = iv.evidence;
		ev.len = iv.evidence ? strlen(iv.evidence) : 0;
		ev.cap = ev.len + 1;
		iv.evidence = NULL;
		if (add_verdict(out, "identity-mismatch", SEV_STALE, c->nct_id,
		    &ev) < 0)
			goto fail;
	}
	identity_verdict_finish(&iv);
	return 0;
fail:
	identity_verdict_finish(&iv);
	while (out->n > before)
		free(out->v[--out->n].evidence);
	return -1;
}

void
rules_list_finish(struct verdict_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].evidence);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const char *
rules_severity_name(enum severity s)
{
	return s == SEV_STALE ? "stale" : "recheck";
}

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
#include "text.h"

#define STUDY_URL "https://clinicaltrials.gov/study/"
/* Evidence names at most this many PMIDs, then says how many more. */
#define MAX_PMIDS_SHOWN 5

/* ---------------------------------------------------------------- dates */

/*
 * "YYYY-MM-DD" or "YYYY-MM" (the registry's month-only dates, which mean
 * the first of the month) to a day number: days since 1970-01-01, from
 * Howard Hinnant's days_from_civil.  False for anything else, so that a
 * malformed date disables the rules that need it instead of misfiring.
 */
static bool
day_number(const char *s, long *out)
{
	long y, era, yoe, doy, doe;
	int m, d;

	if (text_date_parse(s, &y, &m, &d) < TEXT_DATE_MONTH)
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
    const char *nct_id, struct text_buf *ev)
{
	struct verdict *v;

	if (ev->failed || ev->s == NULL)
		goto fail;
	if ((v = text_grow(out->v, &out->cap, out->n, sizeof(*v))) == NULL)
		goto fail;
	out->v = v;
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
add_statuses(struct text_buf *b, unsigned set)
{
	size_t i, shown = 0, total = 0;

	if (set == ST_ACTIVE) {
		text_buf_printf(b,
		    "an active status (not yet recruiting, recruiting, "
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
			text_buf_printf(b, shown + 1 == total ? " or " : ", ");
		text_buf_str(b, text_status_name(i));
		shown++;
	}
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
since(struct text_buf *ev, const char *verb, const char *day,
    const char *as_of)
{
	long d, a;

	if (!day_number(day, &d))
		return;
	text_buf_printf(ev, " (%s since %.10s", verb, day);
	if (day_number(as_of, &a) && d < a)
		text_buf_printf(ev, ", before this claim's date %.10s: wrong "
		    "when written", as_of);
	else if (day_number(as_of, &a) && d > a)
		text_buf_printf(ev, ", after the claim's date %.10s", as_of);
	text_buf_str(ev, ")");
}

static int
judge_results_posted(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct text_buf ev = {0};
	long posted, as_of;

	if (c->kind != CLAIM_RESULTS_PENDING || !results_posted(st))
		return 0;
	if (st->results_first_posted[0] == '\0')
		text_buf_printf(&ev,
		    "results are posted (no results-first-posted "
		    "date given)");
	else if (day_number(c->as_of, &as_of) &&
	    day_number(st->results_first_posted, &posted) && posted < as_of)
		/* %.10s: the date fields are fixed-size, but not ours. */
		text_buf_printf(&ev, "results were posted on %.10s, before "
		    "this claim's date %.10s (wrong when written)",
		    st->results_first_posted, c->as_of);
	else {
		text_buf_printf(&ev, "results first posted on %.10s",
		    st->results_first_posted);
		if (day_number(c->as_of, &as_of) &&
		    day_number(st->results_first_posted, &posted) &&
		    posted > as_of)
			text_buf_printf(&ev, ", after the claim's date %.10s",
			    c->as_of);
	}
	return add_verdict(out, "results-posted", SEV_STALE, link_id, &ev);
}

static int
judge_publication_linked(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct text_buf ev = {0};
	size_t i, n = 0, shown;

	if (c->kind != CLAIM_PUBLICATION_PENDING || st->result_pmids == NULL)
		return 0;
	for (i = 0; i < st->n_result_pmids; i++)
		if (st->result_pmids[i] && st->result_pmids[i][0])
			n++;
	if (n == 0)
		return 0;
	text_buf_printf(&ev, "%s listed as a result publication: ",
	    n == 1 ? "a paper is" : "papers are");
	shown = 0;
	for (i = 0; i < st->n_result_pmids && shown < MAX_PMIDS_SHOWN; i++) {
		const char *p = st->result_pmids[i];

		if (p == NULL || p[0] == '\0')
			continue;
		/* %.32s: a PMID is a short number; the registry is not ours. */
		text_buf_printf(&ev, "%sPMID %.32s", shown ? ", " : "", p);
		shown++;
	}
	if (n > shown)
		text_buf_printf(&ev, " and %zu more", n - shown);
	since(&ev, "listed", st->result_refs_since, c->as_of);
	return add_verdict(out, "publication-linked", SEV_STALE, link_id, &ev);
}

static int
judge_status_changed(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct text_buf ev = {0};

	/* No claimed set, or no registry status: nothing to contradict. */
	if (c->kind != CLAIM_STATUS || c->statuses == 0 ||
	    st->overall_status == NULL || st->overall_status[0] == '\0')
		return 0;
	if (text_status_bit(st->overall_status) & c->statuses)
		return 0;
	text_buf_printf(&ev, "status is %.64s", st->overall_status);
	if (st->status_since[0] != '\0')
		since(&ev, "so", st->status_since, c->as_of);
	else if (st->last_update_posted[0] != '\0')
		text_buf_printf(&ev, " (record last updated %.10s)",
		    st->last_update_posted);
	text_buf_printf(&ev, "; the page says ");
	add_statuses(&ev, c->statuses);
	return add_verdict(out, "status-changed", SEV_STALE, link_id, &ev);
}

static int
judge_registry_updated(const struct claim *c, const struct trial_state *st,
    const char *link_id, struct verdict_list *out)
{
	struct text_buf ev = {0};
	long as_of, updated;

	/* An undated claim cannot be older than an update. */
	if (!day_number(c->as_of, &as_of) ||
	    !day_number(st->last_update_posted, &updated) || updated <= as_of)
		return 0;
	text_buf_printf(&ev,
	    "record last updated on %.10s, after the claim's date "
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
	struct text_buf ev = {0};
	long as_of, submitted;

	if (c->kind != CLAIM_RESULTS_PENDING || results_posted(st) ||
	    st->results_submitted[0] == '\0')
		return 0;
	text_buf_printf(&ev,
	    "results submitted to the registry on %.10s, not posted "
	    "yet (in quality-control review)", st->results_submitted);
	if (day_number(c->as_of, &as_of) &&
	    day_number(st->results_submitted, &submitted) && submitted > as_of)
		text_buf_printf(&ev, ", after the claim's date %.10s",
		    c->as_of);
	return add_verdict(out, "results-submitted", SEV_RECHECK, link_id, &ev);
}

/*
 * Results overdue under FDAAA 801: the page still says "pending", and that
 * is now news in itself.  The deadline comes from the results_due view;
 * only today decides here whether it has passed.
 */
static int
judge_results_overdue(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, const char *link_id, struct verdict_list *out)
{
	struct text_buf ev = {0};
	long due, today;

	if (c->kind != CLAIM_RESULTS_PENDING || results_posted(st) ||
	    st->results_submitted[0] != '\0' ||
	    !day_number(st->results_due_by, &due) ||
	    !day_number(o->today, &today) || today <= due)
		return 0;
	text_buf_printf(&ev, "results were due by %.10s under FDAAA 801 and none have "
	    "been submitted: %ld day%s overdue", st->results_due_by,
	    today - due, today - due == 1 ? "" : "s");
	return add_verdict(out, "results-overdue", SEV_RECHECK, link_id, &ev);
}

static int
judge_claim_expired(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, const char *link_id, struct verdict_list *out)
{
	struct text_buf ev = {0};
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
		text_buf_printf(&ev, "no results posted yet; ");
	else if (c->kind == CLAIM_PUBLICATION_PENDING &&
	    st->n_result_pmids == 0)
		text_buf_printf(&ev, "no result publication listed yet; ");
	text_buf_printf(&ev,
	    "the claim dated %.10s is %ld days old (recheck after "
	    "%u days)", c->as_of, age, o->stale_after_days);
	if (st->last_update_posted[0] != '\0')
		text_buf_printf(&ev, "; record last updated %.10s",
		    st->last_update_posted);
	return add_verdict(out, "claim-expired", SEV_RECHECK, link_id, &ev);
}

int
rules_judge(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, struct verdict_list *out)
{
	size_t before = out->n;
	const char *link_id;

	/* No record stored (an ID the registry does not know): no verdict. */
	if (st == NULL || st->overall_status == NULL)
		return 0;
	link_id = st->nct_id[0] ? st->nct_id : c->nct_id;
	/* Stale rules first: they are what a maintainer must fix. */
	if (judge_results_posted(c, st, link_id, out) < 0 ||
	    judge_publication_linked(c, st, link_id, out) < 0 ||
	    judge_status_changed(c, st, link_id, out) < 0 ||
	    judge_registry_updated(c, st, link_id, out) < 0 ||
	    judge_results_submitted(c, st, link_id, out) < 0 ||
	    judge_results_overdue(c, st, o, link_id, out) < 0 ||
	    judge_claim_expired(c, st, o, link_id, out) < 0)
		goto fail;
	return 0;
fail:
	/* All or nothing for this claim: drop what it had appended. */
	while (out->n > before)
		free(out->v[--out->n].evidence);
	return -1;
}

/*
 * The registry does not know the ID the page cites: a typo (NCT0123456
 * for NCT01234560), a withdrawn registration, or an ID of another
 * registry.  The evidence is the registry's own answer and its date.
 */
static int
judge_unknown_trial(const struct claim *c, const struct trial_state *st,
    struct verdict_list *out)
{
	struct text_buf ev = {0};

	if (st == NULL || st->registry_answer == NULL)
		return 0;
	/* %.120s: the registry's words, one line, cleaned when stored. */
	text_buf_printf(&ev, "the registry does not know %.11s: it answered \"%.120s\"",
	    c->nct_id, st->registry_answer);
	if (st->answered_on[0] != '\0')
		text_buf_printf(&ev, " on %.10s", st->answered_on);
	text_buf_printf(&ev, "; check the ID (a typo?)");
	return add_verdict(out, "unknown-trial", SEV_STALE, c->nct_id, &ev);
}

int
rules_judge_mention(const struct claim *c, const struct mention *m,
    const struct trial_state *st, const char *current_id,
    const struct identity_record *rec, const struct rules_opts *o,
    struct verdict_list *out)
{
	struct identity_verdict iv = {0};
	struct text_buf ev = {0};
	size_t before = out->n;

	if (judge_unknown_trial(c, st, out) < 0)
		goto fail;
	if (current_id != NULL) {
		text_buf_printf(&ev,
		    "the page cites %.11s, an old ID: the registry now "
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

/*
 * rules.h - PURE: claim x registry state x today -> verdicts.
 * Rules (DESIGN.md): results-posted, publication-linked, status-changed
 * (stale); registry-updated, results-submitted, results-overdue,
 * claim-expired (recheck);
 * and for citations: identity-mismatch (stale; the judgement itself is
 * identity.c's), unknown-trial (stale: the registry does not know the
 * ID) and alias-id (recheck).
 * Evidence is written for a maintainer and every verdict carries the
 * registry link.
 */
#ifndef CTMIRROR_RULES_H
#define CTMIRROR_RULES_H

#include "model.h"

struct identity;
struct identity_record;
struct study;

struct rules_opts {
	char today[DATE_SIZE];		/* "YYYY-MM-DD" */
	unsigned stale_after_days;	/* claim-expired threshold */
	/* identity-mismatch judge (borrowed); NULL: no identity check */
	const struct identity *identity;
};

/*
 * Append the verdicts for one claim to *out.  `st` (borrowed) is the
 * trial's current registry state; NULL when none is stored, which yields
 * no verdict.  0, or -1 on allocation failure.
 */
int rules_judge(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, struct verdict_list *out);

/*
 * Append the verdicts for one citation: `c` the mention's claim (see
 * identity_claim), `m` the mention it came from, `st` the registry state
 * the ID leads to (NULL when nothing is known of it), `current_id` the ID
 * the registry now answers c->nct_id with when that is an alias (else
 * NULL), `rec` the registry record the ID leads to, prepared by
 * identity_record_new() with o->identity (NULL when none is stored).
 * unknown-trial when st says the registry does not know the ID;
 * identity-mismatch when o->identity finds the page describing another
 * trial than rec; alias-id when current_id is set.  All borrowed.
 * 0, or -1 on allocation failure (nothing appended then).
 */
int rules_judge_mention(const struct claim *c, const struct mention *m,
    const struct trial_state *st, const char *current_id,
    const struct identity_record *rec, const struct rules_opts *o,
    struct verdict_list *out);

void rules_list_finish(struct verdict_list *l);

/* "stale" / "recheck".  Static. */
const char *rules_severity_name(enum severity s);

#endif

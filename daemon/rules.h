/*
 * rules.h - PURE: claim x registry state x today -> verdicts.
 * Rules (DESIGN.md): results-posted, publication-linked, status-changed
 * (stale); registry-updated, results-submitted, claim-expired (recheck).
 * identity-mismatch is identity.c's: it judges mentions, not claims.
 * Evidence is written for a maintainer and every verdict carries the
 * registry link.
 */
#ifndef CTMIRROR_RULES_H
#define CTMIRROR_RULES_H

#include "model.h"

struct rules_opts {
	char today[DATE_SIZE];		/* "YYYY-MM-DD" */
	unsigned stale_after_days;	/* claim-expired threshold */
};

/*
 * Append the verdicts for one claim to *out.  `st` (borrowed) is the
 * trial's current registry state; NULL when none is stored, which yields
 * no verdict.  0, or -1 on allocation failure.
 */
int rules_judge(const struct claim *c, const struct trial_state *st,
    const struct rules_opts *o, struct verdict_list *out);

void rules_list_finish(struct verdict_list *l);

/* "stale" / "recheck".  Static. */
const char *rules_severity_name(enum severity s);

#endif

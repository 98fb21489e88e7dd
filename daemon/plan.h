/*
 * plan.h - PURE: which tracked trials a cycle fetches.  Given the trials
 * it asks the registry about, each with the last-update date of its
 * stored version, and what the registry says of their dates, the trials
 * whose records moved (or were never stored) and nothing else.
 */
#ifndef CTMIRROR_PLAN_H
#define CTMIRROR_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* One trial the cycle asks the registry about. */
struct plan_ask {
	char nct_id[NCT_ID_SIZE];
	char stored[DATE_SIZE];	/* last update of its stored version; "" if none */
	bool in_config;		/* [tracking] nct_ids names it */
	/*
	 * Asked by its ID, in a probe: absent from the answer, it was not
	 * answered for (unknown, moved to another ID, or refused) and is
	 * fetched to find out which.  Otherwise the registry's listing of
	 * the studies changed since a day before the last good cycle stands
	 * for it: absent from that, it has not changed.
	 */
	bool probe;
	bool failed;		/* its probe failed: reported, asked again next cycle */
};

/*
 * The trials of ask[0..n) (sorted by ID, each once) to fetch, as indices
 * into ask, into want[0..return) (room for n): first those without a
 * stored version; then, of the others not failed, those `seen`
 * (seen[0..n_seen), the registry's dates: sorted by ID, each once) gives
 * another date than the stored one, and the probed it does not list;
 * each group in ID order.  *unchanged (may be NULL): how many were left
 * as they are.
 */
size_t plan_moved(const struct plan_ask *ask, size_t n,
    const struct trial_update *seen, size_t n_seen, size_t *want,
    size_t *unchanged);

/*
 * Sort v[0..*n) (the registry's dates, from several answers) by ID and
 * keep one entry per ID, the latest date given for it; *n becomes the
 * count kept.
 */
void plan_updates_sort(struct trial_update *v, size_t *n);

#endif

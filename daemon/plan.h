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
	bool failed;		/* its probe failed: reported, asked again next cycle */
};

/* What the registry's dates were read from. */
enum plan_source {
	/*
	 * A probe of every asked trial with a stored version: one absent
	 * from the answer was not answered for (unknown, moved to another
	 * ID, or refused), and is fetched to find out which.
	 */
	PLAN_PROBED,
	/*
	 * The studies updated since a day before the last good cycle: one
	 * absent from the listing has not changed since.
	 */
	PLAN_CHANGES,
};

/*
 * The trials of ask[0..n) (sorted by ID, each once) to fetch, as indices
 * into ask, into want[0..return) (room for n): first those without a
 * stored version; then, of the others not failed, those `seen`
 * (seen[0..n_seen), sorted by ID, each once) gives another date than the
 * stored one, and with PLAN_PROBED those it does not list; each group in
 * ID order.  *unchanged (may be NULL): how many were seen unchanged.
 */
size_t plan_moved(const struct plan_ask *ask, size_t n,
    const struct trial_update *seen, size_t n_seen, enum plan_source source,
    size_t *want, size_t *unchanged);

#endif

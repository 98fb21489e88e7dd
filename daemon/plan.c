/*
 * plan.c - PURE: which tracked trials a cycle fetches, from the stored
 * last-update dates and the registry's (plan.h).
 */
#include "plan.h"

#include <string.h>

size_t
plan_moved(const struct plan_ask *ask, size_t n,
    const struct trial_update *seen, size_t n_seen, enum plan_source source,
    size_t *want, size_t *unchanged)
{
	size_t i, k = 0, nw = 0, same = 0;

	/* Never stored: its record is needed whatever the registry says. */
	for (i = 0; i < n; i++)
		if (ask[i].stored[0] == '\0')
			want[nw++] = i;
	/* Both sorted by ID: one walk over the two. */
	for (i = 0; i < n; i++) {
		const struct plan_ask *a = &ask[i];
		const struct trial_update *e = NULL;
		int c = 1;

		while (k < n_seen && (c = strcmp(seen[k].nct_id,
		    a->nct_id)) < 0)
			k++;
		if (k < n_seen && c == 0)
			e = &seen[k];
		if (a->stored[0] == '\0' || a->failed)
			continue;
		if (e == NULL ? source == PLAN_PROBED :
		    strcmp(e->last_update, a->stored) != 0)
			want[nw++] = i;
		else
			same++;
	}
	if (unchanged != NULL)
		*unchanged = same;
	return nw;
}

/*
 * plan.c - PURE: which tracked trials a cycle fetches, from the stored
 * last-update dates and the registry's (plan.h).
 */
#include "plan.h"

#include <stdlib.h>
#include <string.h>

size_t
plan_moved(const struct plan_ask *ask, size_t n,
    const struct trial_update *seen, size_t n_seen, size_t *want,
    size_t *unchanged)
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
		if (e == NULL ? a->probe :
		    strcmp(e->last_update, a->stored) != 0)
			want[nw++] = i;
		else
			same++;
	}
	if (unchanged != NULL)
		*unchanged = same;
	return nw;
}

static int
cmp_update(const void *a, const void *b)
{
	const struct trial_update *x = a, *y = b;
	int c = strcmp(x->nct_id, y->nct_id);

	/* The latest date first, for the one kept. */
	return c ? c : strcmp(y->last_update, x->last_update);
}

void
plan_updates_sort(struct trial_update *v, size_t *n)
{
	size_t i, j;

	if (*n == 0)
		return;
	qsort(v, *n, sizeof(*v), cmp_update);
	for (i = j = 1; i < *n; i++)
		if (strcmp(v[i].nct_id, v[j - 1].nct_id) != 0)
			v[j++] = v[i];
	*n = j;
}

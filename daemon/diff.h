/*
 * diff.h - PURE: field-level changes between two versions of a study.
 * Both sides are study objects without their volatile members
 * (study_strip_volatile()).  Objects are compared member by member; arrays
 * are matched by element (references by PMID, other arrays by natural key
 * or by value), so reordering an array yields no change.
 */
#ifndef CTMIRROR_DIFF_H
#define CTMIRROR_DIFF_H

#include <jansson.h>

#include "model.h"

/*
 * Append to *out every change from `old` to `new` (both borrowed; `old`
 * may be NULL for a first version, which yields no changes).
 * Changes come out in a stable order (by path).
 * Returns 0, or -1 on allocation failure (*out then holds what was done).
 */
int diff_studies(const json_t *old, const json_t *new, struct change_list *out);

/* Free the changes' strings and array; *l is reset to empty. */
void diff_list_finish(struct change_list *l);

/* "status", "results", "references", "dates", "other".  Static. */
const char *diff_class_name(enum change_class cls);

/* The class a JSON pointer belongs to (used by diff_studies). */
enum change_class diff_classify(const char *path);

#endif

/*
 * suppress.h - a page's own disable comments, the way linters read theirs
 * (ESLint, markdownlint): a maintainer silences a claim in the page's
 * source, where the next reader of the source sees why.
 *
 *   <!-- ctmirror-disable-next-line -->            every rule, next line
 *   <!-- ctmirror-disable-next-line claim-expired registry-updated -->
 *   <!-- ctmirror off -->  ...  <!-- ctmirror on -->   the lines between
 *   <!-- ctmirror off status-changed -->  ...  <!-- ctmirror on -->
 *
 * Rules are separated by spaces or commas; none means every rule; a name
 * that is no rule silences nothing.  An "off" with no "on" runs to the
 * end of the page.  The comments are read from the page's raw text, by a
 * pass of their own: Markdown, HTML and plain text pages alike, however
 * the claims themselves are read.  Pure: no I/O.
 */
#ifndef CTMIRROR_SUPPRESS_H
#define CTMIRROR_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Lines [from, to] (1-based, inclusive) where `rules` are silenced. */
struct suppress_range {
	int from, to;
	char *rules;		/* " rule rule " (padded), or NULL: every rule */
};

struct suppress {
	struct suppress_range *v;
	size_t n, cap;
};

/*
 * The ranges the comments of text[0..len) silence, into *out (zeroed by
 * the caller; freed with suppress_finish, also after a failure).
 * 0 / -1 (no memory).
 */
int suppress_scan(const char *text, size_t len, struct suppress *out);

/* Is `rule` silenced on `line`? */
bool suppress_hides(const struct suppress *s, int line, const char *rule);

void suppress_finish(struct suppress *s);

/*
 * Drop the verdicts text's comments silence: verdicts->v[k] judges
 * claims->v[owner[k]] (at its line); kept verdicts and their owner[]
 * entries move down in order, dropped ones are freed.  Returns how many
 * were dropped, or -1 (no memory: nothing dropped).
 */
long suppress_apply(const char *text, size_t len,
    const struct claim_list *claims, struct verdict_list *verdicts,
    size_t *owner);

#endif

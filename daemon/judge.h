/*
 * judge.h - the page judge, shared by the sync cycle and `ctmirror scan`
 * so both give the same verdicts: a page's claims and citations against
 * the stored registry states, the records the citation check reads
 * (loaded from the store as pages name them, cached within [pages]
 * record_cache bytes), and the rule options of the config.
 */
#ifndef CTMIRROR_JUDGE_H
#define CTMIRROR_JUDGE_H

#include <stddef.h>

#include "model.h"

struct config;
struct store;
struct judge;

/*
 * New (judge_free) or NULL, with store_errmsg(s) saying why.  `cfg` and
 * `s` are borrowed for its life.
 */
struct judge *judge_new(const struct config *cfg, struct store *s);
void judge_free(struct judge *j);

/* What one page claims and which rules fire, owned by the struct. */
struct judge_page {
	struct claim_list claims;	/* the claims, then one mention claim per cited ID */
	struct verdict_list verdicts;
	size_t *owner;			/* verdicts.v[k] judges claims.v[owner[k]] */
};

/*
 * Extract and judge one page (text need not be NUL-terminated).  Fills
 * *out (overwritten; judge_page_finish frees it, also after a failure).
 * 0; -1 on allocation or database failure, with store_errmsg() saying
 * which for the latter.
 */
int judge_page(struct judge *j, const char *text, size_t len,
    struct judge_page *out);
void judge_page_finish(struct judge_page *p);

/*
 * The registry state a claim's ID leads to (an alias: its current ID's);
 * NULL when none is stored.  Borrowed, valid while j lives.
 */
const struct trial_state *judge_state(const struct judge *j,
    const char *nct_id);

#endif

/*
 * judge.h - the page judge, shared by the sync cycle and `ctmirror scan`
 * so both give the same verdicts: a page's claims and citations against
 * the stored registry states and records, and the rule options of the
 * config.  Each cited trial's state and record is read from the store
 * once, in ID order (judge_prepare), whatever the number of pages citing
 * it or of trials the pages cite, and kept prepared in a temporary file;
 * a page reads what it needs from there through a cache bounded by
 * [pages] record_cache bytes.
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

/*
 * Before the pages are judged: read paths[0..n) (as pages_scan does,
 * pages over max_size skipped) for the NCT IDs they cite, then read the
 * state and record of each cited trial (and of the trial an alias leads
 * to) from the store, once, in ID order, prepared for the citation check
 * into a temporary file.  Optional: a trial not prepared (one a page
 * names only by acronym, or a page that changed since) is read from the
 * store when judged.  Once per judge.  0; -1 with store_errmsg() saying
 * why.
 */
int judge_prepare(struct judge *j, char *const *paths, size_t n,
    size_t max_size);

/* What one page claims and which rules fire, owned by the struct. */
struct judge_page {
	struct claim_list claims;	/* the claims, then one mention claim per cited ID */
	struct verdict_list verdicts;
	/*
	 * verdicts.v[k] judges claims.v[owner[k]]; owner never decreases,
	 * so a claim's verdicts are one run of verdicts.
	 */
	size_t *owner;
	size_t owner_cap;
};

/*
 * Extract and judge one page (text need not be NUL-terminated); its file
 * name, path, says how to read it (reader_format_of()).  Fills
 * *out (overwritten; judge_page_finish frees it, also after a failure).
 * 0; -1 on allocation or database failure, with store_errmsg() saying
 * which for the latter.
 */
int judge_page(struct judge *j, const char *path, const char *text,
    size_t len, struct judge_page *out);
void judge_page_finish(struct judge_page *p);

/*
 * The registry state a claim's ID leads to (an alias: its current ID's);
 * NULL when none is stored.  Borrowed, valid until the next judge_* call
 * on j.
 */
const struct trial_state *judge_state(struct judge *j, const char *nct_id);

#endif

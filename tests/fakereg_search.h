/*
 * fakereg_search.h - the fake registry's searches (fakereg_search.c): the
 * studies of a folder that GET /studies's query.* and filter.* parameters
 * match, in the order the fake lists them, and an Essie evaluator for
 * the expressions those parameters take.  Internal to the fake, and
 * called from its server thread only: fakereg.c makes and frees the
 * index, fakereg_studies.c searches it for GET /studies and
 * fakereg_admin.c builds it for /_fakereg/warm.
 * tests/registry/CONFORMANCE.md says which of the registry's behaviours
 * it models and from where.
 */
#ifndef CTMIRROR_FAKEREG_SEARCH_H
#define CTMIRROR_FAKEREG_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

struct evkeyvalq;
struct fsearch;

/* One matching study. */
struct fsearch_hit {
	char id[12];
	char last_update[11];
};

/*
 * New index over `dir` (borrowed; NCTxxxxxxxx.json files), kept current
 * through inotify (a folder rescan where inotify is missing).  NULL on
 * failure.
 */
struct fsearch *fsearch_new(const char *dir);
void fsearch_free(struct fsearch *s);

/* Does q carry a search parameter (query.*, filter.* but filter.ids)? */
bool fsearch_wanted(struct evkeyvalq *q);

/*
 * The studies q's query.* and filter.* parameters match (filter.ids
 * among them; none at all: every study), newest last update first, then
 * by NCT ID.  *hits borrowed until the next call; *gen: the data
 * generation they were computed on (moves with any change of a record
 * file).  0; -1 with a text/plain 400 message in err (the parameter and
 * what is wrong with it).  `ids` (may be NULL): filter.ids already read
 * (current IDs, sorted), which restrict the answer.
 */
int fsearch_run(struct fsearch *s, struct evkeyvalq *q, char *const *ids,
    size_t n_ids, const struct fsearch_hit **hits, size_t *n,
    unsigned long *gen, char *err, size_t errlen);

/*
 * Evaluate one Essie expression against one study record (a JSON text),
 * in the search area of parameter `param` ("query.cond", ...,
 * "filter.advanced").  1 matches, 0 does not, -1 with err when the
 * expression is malformed.  For the fake's own tests.
 */
int fsearch_matches(const char *param, const char *expr, const char *record,
    char *err, size_t errlen);

#endif

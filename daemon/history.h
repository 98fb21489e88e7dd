/*
 * history.h - the registry's History of Changes, on top of fetch.c: the
 * undocumented endpoints behind the website's history tab, which ctrdata
 * and cthist read too (tests/registry/HISTORY.md).  The one module that
 * knows their URLs and shapes:
 *   GET {int}/studies/{nct}/history         the change list {"changes": [...]}
 *   GET {int}/studies/{nct}?history=true    the same inside the current record
 *                                           {"study", "history": {"changes"}},
 *                                           asked when the first answers 404
 *   GET {int}/studies/{nct}/history/{v}     version v {"studyVersion", "study"}
 * {int} is the internal API's base (history_url_from_base).  Status,
 * Content-Type and shape are checked before anything is used, and every
 * failure is classed: the trial's own (an answer that is well formed but
 * refuses this trial, e.g. it is not known) or the endpoint's (no answer,
 * a server error, an error page, a shape this module does not know), after
 * which the caller stops asking until its next cycle.
 */
#ifndef CTMIRROR_HISTORY_H
#define CTMIRROR_HISTORY_H

#include <jansson.h>
#include <stddef.h>

#include "model.h"

struct fetch;
struct history;

enum history_fault {
	HISTORY_OK = 0,
	HISTORY_TRIAL,		/* this trial's answer cannot be used */
	HISTORY_ENDPOINT,	/* the endpoint failed: try again next cycle */
};

/*
 * The internal API's base from the API v2 base URL: its last path segment
 * "v2" becomes "int" ("https://clinicaltrials.gov/api/v2" ->
 * "https://clinicaltrials.gov/api/int"; a trailing '/' is dropped first).
 * New string, or NULL when base_url does not end in "/v2" (or on
 * allocation failure): then [registry] history_url must say it.
 */
char *history_url_from_base(const char *base_url);

/*
 * A client of the endpoints under `int_url` (copied; no trailing '/'),
 * sending through f (borrowed, must outlive it) at most `window` version
 * requests at a time (0: 4).  New, or NULL when out of memory.
 */
struct history *history_new(struct fetch *f, const char *int_url,
    unsigned window);
void history_free(struct history *h);

/*
 * The change list of nct_id into *out (overwritten; history_list_finish
 * frees it, also after a failure).  HISTORY_OK, or a fault with *why (new,
 * free(); names the trial) saying what was wrong.  Runs f's event loop
 * until the answer is in.
 */
enum history_fault history_list(struct history *h, const char *nct_id,
    struct history_list *out, char **why);
void history_list_finish(struct history_list *l);

/*
 * Called for each version as it arrives, in any order: `study` is the
 * version's record (an API v2 study object whose nctId was checked),
 * borrowed for the call.  Return 0 to go on, -1 to stop asking.
 */
typedef int (*history_version_fn)(void *arg, int version,
    const json_t *study);

/*
 * Fetch versions[0..n) of nct_id, `window` at a time, calling fn for each
 * usable one.  HISTORY_OK when every one was delivered (or fn stopped
 * it); else the first fault, with *why (new), and no further request
 * started.  Versions delivered before a fault stay delivered.
 */
enum history_fault history_versions(struct history *h, const char *nct_id,
    const int *versions, size_t n, history_version_fn fn, void *arg,
    char **why);

/*
 * Pure, for tests: a change-list document (either form) or a version
 * document, parsed and checked as the answers are.  HISTORY_OK, or a
 * fault with *why (new).  history_parse_version's *study is a new
 * reference.
 */
enum history_fault history_parse_list(const char *text, size_t len,
    const char *nct_id, struct history_list *out, char **why);
enum history_fault history_parse_version(const char *text, size_t len,
    const char *nct_id, int version, json_t **study, char **why);

#endif

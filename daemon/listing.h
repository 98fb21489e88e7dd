/*
 * listing.h - what a cycle lists of the registry beside each tracked ID:
 * the matches of each configured search ([tracking] search.NAME),
 * recorded as tracked trials (announced when new), and the registry's
 * last-update dates of the tracked trials: from a listing of every study
 * changed since the day before the last good cycle when that takes fewer
 * requests than a probe of each ID (AACT's nightly way), else the probe.
 * A search's rerun lists only its studies updated since the day before
 * its last complete listing.
 */
#ifndef CTMIRROR_LISTING_H
#define CTMIRROR_LISTING_H

#include <stddef.h>
#include <stdio.h>

#include "model.h"

struct config;
struct fetch;
struct plan_ask;
struct registry;
struct store;

struct listing_opts {
	const struct config *cfg;	/* its searches; borrowed */
	struct store *s;		/* borrowed */
	struct registry *reg;		/* borrowed */
	struct fetch *f;		/* reg's, to tell a cancel; borrowed */
	long long run_id;
	const char *const *sinks;	/* where announcements go; borrowed */
	size_t n_sinks;
	/*
	 * An error of one trial or one search, for the run record and the
	 * log: `subject` an NCT ID or "search.NAME", `stage` "probe" or
	 * "search".  Borrowed strings.
	 */
	void (*error)(void *arg, const char *subject, const char *stage,
	    const char *msg);
	void *arg;
};

/* What the listings did, for the run record and -v. */
struct listing_counts {
	unsigned searches;	/* searches listed */
	unsigned matched;	/* trials newly matching a search */
	unsigned tracked;	/* trials newly tracked because of one */
	unsigned left;		/* trials that stopped matching one */
	unsigned probed;	/* trials the registry gave a date for */
	unsigned requests;	/* of the listings (probes not counted) */
};

struct listing;

/* New (listing_free) or NULL when out of memory; `o` is copied. */
struct listing *listing_new(const struct listing_opts *o);
void listing_free(struct listing *l);

/*
 * List every configured search, whole the first time (or after its query
 * changed: a baseline, announcing nothing) or as its studies updated
 * since the day before its last complete listing, and record what each
 * matches.  A search the registry refuses is that search's error, with
 * the registry's words; the others go on.  0; -1 when the cycle must
 * stop (listing_why says why).
 */
int listing_searches(struct listing *l);

/*
 * The registry's dates of asks[0..n) (sorted by ID; store_tracked's, with
 * `probe` set on those a listing of changes cannot speak for), into
 * *seen (sorted, each once; borrowed until listing_free).  With a good
 * cycle behind it and more than one probe request to save, the cycle asks
 * for the studies changed since the day before it, page by page while
 * that stays cheaper than probing; it probes every stored trial otherwise
 * (and -v says which and why).  Sets `probe` on the trials probed and
 * `failed` on those whose probe failed (each reported).  0; -1 when the
 * cycle must stop.
 */
int listing_dates(struct listing *l, struct plan_ask *asks, size_t n,
    const struct trial_update **seen, size_t *n_seen);

/*
 * After listing_dates: a trial a search listed since a day no longer
 * matches it when the registry moved it since that day and the listing
 * lacks it.  0; -1 when the cycle must stop.
 */
int listing_left(struct listing *l);

/* Why the cycle stopped ("registry: ...", "database: ..."); borrowed. */
const char *listing_why(const struct listing *l);

/*
 * `check-config --online`: ask the registry how many studies each
 * configured search matches (countTotal, no page): one line each on out,
 * "search msc: 1234 studies match (query.intr=...)"; for a search it
 * refuses, "FILE:LINE: [tracking] search.msc: the registry refused it:
 * HTTP 400: ..." on err.  0: all counted; 2: some search refused; 1: the
 * registry could not be asked (err says why).
 */
int listing_check(const struct config *cfg, struct registry *reg, FILE *out,
    FILE *err);

/* Counts so far; borrowed. */
const struct listing_counts *listing_counts(const struct listing *l);

#endif

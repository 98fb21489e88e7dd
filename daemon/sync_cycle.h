/*
 * sync_cycle.h - what sync.c and sync_pages.c share and nobody else sees:
 * the state of one cycle (struct cycle), how a stage names its phase and
 * says why the cycle stopped, and the page stage that sync.c runs.
 * Callers outside the cycle include sync.h only.
 */
#ifndef CTMIRROR_SYNC_CYCLE_H
#define CTMIRROR_SYNC_CYCLE_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"
#include "registry.h"
#include "sync.h"

struct plan_ask;

/* State shared by the stages of one cycle. */
struct cycle {
	const struct config *cfg;
	struct store *s;
	struct fetch *f;
	const struct sync_hooks *hooks;
	struct sync_result *res;
	struct plan_ask *asks;		/* what the registry is asked about, sorted */
	size_t n_asks;
	const char *sinks[3];		/* alerts_sinks() */
	size_t n_sinks;
	char build[REGISTRY_BUILD_SIZE];	/* the registry's data build, "" */
	unsigned missing_marked;	/* not-found marks this run (capped) */
	unsigned fetched_done;
	unsigned fetch_total;
	bool db_failed;
	const char *stage;		/* what the database was doing, for messages */
};

/* Enter a phase: names the database's work for messages, tells the hooks. */
void sync_phase(struct cycle *c, const char *name);

/* Why the cycle stopped, for the caller's one-line message. */
void sync_fail(struct cycle *c, const char *fmt, ...) LOG_PRINTF(2, 3);

/* A database failure, named for what it was doing. */
void sync_db_fail(struct cycle *c);

/*
 * The page stage (sync_pages.c): read the pages, judge each against the
 * stored records, store its claims and flags (one transaction a page),
 * then settle the stored pages not read.  0 / -1, the reason in
 * c->res->error.
 */
int sync_judge_pages(struct cycle *c);

#endif

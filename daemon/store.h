/*
 * store.h - all of ctmirror's SQL: connection, migrations, the sync
 * advisory lock, and the reads and writes of each sync step.  Every write
 * that belongs to one step runs inside store_begin()/store_commit(); every
 * statement is parameterized (PQexecParams).  Errors are kept in the store
 * (store_errmsg) for the caller to report with its own context.
 */
#ifndef CTMIRROR_STORE_H
#define CTMIRROR_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "claims.h"
#include "model.h"
#include "timeline.h"

struct store;

/* Compiled-in migrations (migrations.c, generated from migrations/\*.sql). */
struct store_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct store_migration store_migrations[];
extern const int store_migrations_count;

/*
 * Connect.  conninfo "" uses libpq's PG* environment.  New, or NULL with
 * the reason in *errmsg (new; free()), never including a password.
 */
struct store *store_open(const char *conninfo, char **errmsg);
void store_close(struct store *s);

/* The last error, for the caller's message.  Borrowed, valid until the next call. */
const char *store_errmsg(const struct store *s);
/*
 * Set what store_errmsg() says, for a failure a caller met on its way to
 * the store (out of memory while building a page's rows), so one message
 * path serves both.
 */
void store_set_error(struct store *s, const char *msg);
/* true when the connection is (still) good. */
bool store_ok(struct store *s);
/* Reconnect after a failure (daemon).  0 / -1. */
int store_reset(struct store *s);

/* ---------------------------------------------------------- migrations */

/* Applied schema version (0: none).  0 / -1. */
int store_schema_version(struct store *s, int *version);
/*
 * Apply pending migrations under an advisory lock, each in its own
 * transaction.  *applied: how many were applied.  0 / -1.
 */
int store_migrate(struct store *s, int *applied);
/*
 * 0 when the schema is exactly what this binary needs; -1 with a message
 * like "database schema is at 0001, ctmirror needs 0002: run 'ctmirror
 * migrate'" (or "... is newer than this ctmirror ...").
 */
int store_check_schema(struct store *s);

/* ---------------------------------------------------------- transactions */

int store_begin(struct store *s);
/*
 * Inside a transaction, until store_commit or store_rollback: statements
 * that return no rows (store_add_version, store_run_error, ...) are sent
 * without waiting, and their failures surface at store_commit, which then
 * fails (and the caller rolls back).  Functions that read rows must not
 * be called meanwhile (they fail with "internal error").  0 / -1.
 */
int store_pipeline_begin(struct store *s);
int store_commit(struct store *s);
/* Never fails from the caller's point of view; safe without a transaction. */
void store_rollback(struct store *s);

/*
 * The one-writer lock (a session advisory lock).  true if taken; false
 * if another sync holds it (or on error: check store_ok).
 */
bool store_lock_sync(struct store *s);
void store_unlock_sync(struct store *s);

/* ----------------------------------------------------------- sync runs */

struct store_run {
	long long run_id;
	unsigned trials_tracked, trials_probed, trials_fetched;
	unsigned versions_stored, changes_stored, requests;
	unsigned pages_scanned, flags_raised, flags_resolved, errors;
};

/*
 * Insert a run row ("running"), committed at once.  The caller holds the
 * sync lock, so any other "running" row belongs to a process that died
 * (kill -9, power loss): those are closed as failed first, so the history
 * never shows a run that is still going when none is.  0 / -1.
 */
int store_run_begin(struct store *s, const char *mode, long long *run_id);
/* Close it: status "ok" | "partial" | "failed".  Own transaction.  0 / -1. */
int store_run_finish(struct store *s, const struct store_run *run,
    const char *status, const char *error_text);
/* Record what failed for one trial in this run (inside or outside a txn). */
int store_run_error(struct store *s, long long run_id, const char *nct_id,
    const char *stage, const char *message);

/* -------------------------------------------------------------- trials */

/*
 * Make exactly `ids` the tracked set of `source` ("config" or "pages"):
 * insert new ones, re-track returning ones, untrack the source's others
 * (their history stays).  In its own transaction.  0 / -1.
 */
int store_set_tracked(struct store *s, const char *source, char *const *ids,
    size_t n);

/* All tracked IDs (new array of new strings; free with store_free_ids). */
int store_tracked_ids(struct store *s, char ***ids, size_t *n);
void store_free_ids(char **ids, size_t n);

/*
 * For each of `ids`, the stored last_update_posted of its current version
 * ("" when no version is stored) into last_update[i].  0 / -1.
 */
int store_last_updates(struct store *s, char *const *ids, size_t n,
    char (*last_update)[DATE_SIZE]);

/* ------------------------------------------------------------ versions */

/* The stored current version of one trial, as sync needs it for a diff. */
struct store_current {
	long long version_id;	/* 0: none stored */
	int version_no;
	char hash[65];
	char *raw;		/* canonical JSON text, new (free()); NULL if none */
};

/*
 * Inside a transaction: lock the trials' rows and read their current
 * versions' hashes (raw only when want_raw).  cur[i] for ids[i]; free the
 * raws with store_current_finish.  0 / -1.
 */
int store_current(struct store *s, char *const *ids, size_t n, bool want_raw,
    struct store_current *cur);
void store_current_finish(struct store_current *cur, size_t n);

/*
 * Inside a transaction: store a new version of st (its canonical JSON and
 * key fields) after `prev` (version_id 0 for a first version), with its
 * changes, and point the trial at it.  0 / -1.
 */
int store_add_version(struct store *s, long long run_id,
    const struct study *st, const struct store_current *prev,
    const struct change_list *changes);

/* Inside a transaction: the registry answered 404 for nct_id. */
int store_mark_not_found(struct store *s, const char *nct_id);
/* Inside a transaction: alias now answers as current; track current too. */
int store_record_alias(struct store *s, const char *alias, const char *current);

/* ------------------------------------------------------------- reading */

/* One row of `ctmirror status`. */
struct store_trial_row {
	char nct_id[NCT_ID_SIZE];
	char *acronym;
	char *overall_status;		/* NULL: nothing stored */
	bool has_results;
	char results_first_posted[DATE_SIZE];
	char last_update_posted[DATE_SIZE];
	char *last_checked_at;		/* text timestamp or NULL */
	char *registry_state;
	int versions;
};

typedef int (*store_trial_fn)(void *arg, const struct store_trial_row *row);
/* Every tracked trial, ordered by NCT ID.  0 / -1. */
int store_each_trial(struct store *s, store_trial_fn fn, void *arg);

struct store_summary {
	unsigned trials_tracked;
	unsigned flags_open_stale, flags_open_recheck;
	long long last_run_id;			/* 0: never ran */
	char last_run_status[16];
	char last_run_started[40];
	char last_run_finished[40];
	char last_ok_finished[40];
};
int store_summary(struct store *s, struct store_summary *sum);

/*
 * Registry state of every trial that has a stored version, for the rules
 * (fills a trial_state per trial; strings owned by the map).
 * New map or NULL.
 */
struct store_states;
struct store_states *store_load_states(struct store *s);
/* Borrowed state of nct_id or NULL. */
const struct trial_state *store_states_get(const struct store_states *m,
    const char *nct_id);
/*
 * The ID the registry now answers nct_id with, when nct_id is a recorded
 * alias; else NULL.  Borrowed (valid while m lives).
 */
const char *store_states_alias(const struct store_states *m,
    const char *nct_id);
/* (acronym, nct_id) of every stored trial with an acronym.  Borrowed. */
const struct claims_acronym *store_states_acronyms(const struct store_states *m,
    size_t *n);
void store_states_free(struct store_states *m);

/*
 * For each of ids[0..n) with a stored version: fn(arg, nct_id, json, len)
 * with a summary of its current record as API v2 JSON text (the
 * identification, status, sponsor, conditions, design, arms/interventions
 * and browse modules, at their usual paths), for the citation check.
 * Strings borrowed for the call.  IDs without a version get no call; the
 * order is the server's.  fn returns 0, or -1 to stop (then -1).  0 / -1.
 */
typedef int (*store_record_fn)(void *arg, const char *nct_id,
    const char *json, size_t len);
int store_each_record_summary(struct store *s, char *const *ids, size_t n,
    store_record_fn fn, void *arg);

/* ------------------------------------------------------------- history */

/*
 * The backfill's state (backfill.c): one history_backfill row per trial,
 * its change list (history_changes) and the versions fetched but not yet
 * joined (history_staged).  Each write but the join is its own
 * transaction, so a backfill interrupted anywhere goes on from there.
 */

/*
 * Queue a backfill for every tracked trial the registry answers for that
 * has a stored version and no backfill yet.  0 / -1.
 */
int store_backfill_queue(struct store *s);

/* A backfill still to do. */
struct store_backfill {
	char nct_id[NCT_ID_SIZE];
	int versions_listed;	/* 0: its change list is still to be read */
	int attempts;		/* failures of its answers in a row */
};

/*
 * The open backfills in the order they are worked on: fewest failures in
 * a row first, then the most recently tracked.  *v new (free()).  0 / -1.
 */
int store_backfill_open(struct store *s, struct store_backfill **v,
    size_t *n);

/* Keep the change list of nct_id; its backfill is then listed.  0 / -1. */
int store_backfill_list(struct store *s, const char *nct_id,
    const struct history_list *l);

/* staged[v] = true for every registry version v < n of nct_id staged. */
int store_backfill_staged(struct store *s, const char *nct_id, bool *staged,
    size_t n);

/*
 * Stage registry version `version` of nct_id: its canonical JSON text.
 * `anchor`: its content is that of the trial's first live version (it is
 * the version the history joins).  0 / -1.
 */
int store_backfill_stage(struct store *s, const char *nct_id, int version,
    const char *canonical, bool anchor);

/*
 * A failure of this trial's answers: one more attempt, with why; `give_up`
 * ends its backfill as failed.  Or a success (why NULL): attempts back to
 * 0.  0 / -1.
 */
int store_backfill_attempt(struct store *s, const char *nct_id,
    const char *why, bool give_up);

/*
 * The join, inside one transaction (store_begin .. store_commit), in this
 * order: store_backfill_anchor locks the trial and reads its first stored
 * version and what the backfill knows; store_backfill_shift moves the live
 * versions up to make room; store_backfill_add adds each history version,
 * oldest first; store_backfill_join gives the anchor its changes from the
 * last history version and closes the backfill.
 */
struct store_anchor {
	long long version_id;	/* the trial's first stored version; 0: none */
	bool live;		/* it was seen live (no history joined yet) */
	char *raw;		/* its canonical JSON, new (free()) */
	int versions_listed;	/* in the change list */
	int anchor_version;	/* staged version equal to it; -1: none */
	int staged;		/* versions staged */
};
int store_backfill_anchor(struct store *s, const char *nct_id,
    struct store_anchor *a);
void store_anchor_finish(struct store_anchor *a);

/* Add `by` (may be negative) to the version_no of nct_id's live versions. */
int store_backfill_shift(struct store *s, const char *nct_id, int by);

/*
 * The staged text of registry version `version` and the date the change
 * list gives it.  *text new (free()).  0; 1 when it is not staged; -1.
 */
int store_backfill_text(struct store *s, const char *nct_id, int version,
    char **text, char date[DATE_SIZE]);

/*
 * Add st as history version `version_no` (registry version
 * `registry_version` of `registry_date`) after prev_id (0: none) with its
 * changes; *version_id: the new row.  0 / -1.
 */
int store_backfill_add(struct store *s, long long run_id,
    const struct study *st, int version_no, int registry_version,
    const char *registry_date, long long prev_id,
    const struct change_list *changes, long long *version_id);

/*
 * Close the backfill: the anchor gets `changes` from prev_id (0: none, the
 * history added nothing) and, when anchor_version >= 0, the registry's
 * number and date of that version; counts are kept, the staged versions
 * dropped.  0 / -1.
 */
int store_backfill_join(struct store *s, const char *nct_id,
    long long anchor_id, long long prev_id,
    const struct change_list *changes, int anchor_version, int stored,
    int skipped);

/*
 * Every stored version of nct_id, oldest first, as `ctmirror history`
 * reads them (timeline.h): key fields, references, and the modules each
 * one edited.  New (store_versions_free) or NULL with store_errmsg.
 */
struct store_versions;
struct store_versions *store_load_versions(struct store *s,
    const char *nct_id);
/* The versions (borrowed, valid while m lives) and their count. */
const struct timeline_version *store_versions_list(
    const struct store_versions *m, size_t *n);
/* The current version's acronym, or NULL.  Borrowed. */
const char *store_versions_acronym(const struct store_versions *m);
void store_versions_free(struct store_versions *m);

/* What `status` and /metrics say about backfills. */
struct store_backfill_summary {
	unsigned pending;	/* queued or listed, not done */
	unsigned done;
	unsigned failed;
	unsigned long long versions;	/* history versions stored */
};
int store_backfill_summary(struct store *s, struct store_backfill_summary *sum);

/* ------------------------------------------------------ pages and flags */

/* One verdict on one claim, as store_page_flags takes them. */
struct store_finding {
	const struct claim *claim;	/* borrowed */
	const struct verdict *verdict;	/* borrowed */
};

/*
 * One transaction per page: replace the page's claims, raise new flags for
 * findings whose key (page, trial, claim kind, rule) has no open flag (and
 * queue one outbox row per sink in `sinks`), refresh open ones, and
 * resolve the page's open flags that have no finding any more.
 * *raised / *resolved count what changed.  0 / -1.
 */
int store_page_flags(struct store *s, const char *path, const char *hash,
    const struct claim_list *claims, const struct store_finding *f,
    size_t n_findings, const char *const *sinks, size_t n_sinks,
    unsigned *raised, unsigned *resolved);

/* Resolve the open flags of pages not in `paths` (they were removed).  0 / -1. */
int store_forget_pages(struct store *s, char *const *paths, size_t n,
    unsigned *resolved);

/* One flag as `ctmirror flags` and the alerts show it. */
struct store_flag {
	long long flag_id;
	char *page;
	int line;
	char nct_id[NCT_ID_SIZE];
	char *claim_kind;
	char *claim_text;
	char *as_of;		/* NULL if unknown */
	char *rule;
	char *severity;
	char *evidence;
	char *link;
	char *raised_at;
	char *resolved_at;	/* NULL while open */
	char *acked_at;		/* NULL unless acked */
	long long alert_id;	/* outbox row, for store_alert_done */
};

typedef int (*store_flag_fn)(void *arg, const struct store_flag *f);
/* Open (all=false: unresolved and not acked) or all flags, by flag ID. */
int store_each_flag(struct store *s, bool all, store_flag_fn fn, void *arg);
/* Silence one flag.  0; -1 on error; 1 when no such flag. */
int store_ack(struct store *s, long long flag_id);

/* Undelivered outbox rows of one sink, oldest first, with their flags. */
int store_each_pending_alert(struct store *s, const char *sink,
    store_flag_fn fn, void *arg);
/* Mark an outbox row delivered (ok) or record the failed attempt. */
int store_alert_done(struct store *s, long long alert_id, bool ok,
    const char *error);
/* NOTIFY ctmirror_flags, payload flag ID (delivered at commit). */
int store_notify_flag(struct store *s, long long flag_id);

#endif

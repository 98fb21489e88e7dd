/*
 * store.h - all of ctmirror's SQL: connection, migrations, the sync
 * advisory lock, and the reads and writes of each sync step.  Every write
 * that belongs to one step runs inside store_begin()/store_commit(); every
 * statement is parameterized (PQexecParams).  Errors are kept in the store
 * (store_errmsg) for the caller to report with its own context.  The
 * definitions are in store.c (session, migrations, runs) and one
 * store_*.c file per kind of data (trials, history, pages, report,
 * searches).
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
/*
 * Reconnect after the session was lost: drop it, connect afresh with the
 * session settings (bounded to a few seconds whatever the conninfo says),
 * no transaction or sync lock held.  0 / -1 (store_errmsg says why).
 */
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
	unsigned pages_skipped;
};

/*
 * Insert a run row ("running"), committed at once.  The caller holds the
 * sync lock, so any other "running" row belongs to a process that died
 * (kill -9, power loss) or lost its connection for good: those are closed
 * as failed first, ending when they were last heard of (their last
 * store_run_progress) with the counts they had written, so the history
 * never shows a run that is still going when none is.  0 / -1.
 */
int store_run_begin(struct store *s, const char *mode, long long *run_id);
/*
 * The counts so far, and "heard of now".  Inside the transaction of the
 * step whose work they count (pipelined: no result needed), so the record
 * holds exactly what committed.  0 / -1.
 */
int store_run_progress(struct store *s, const struct store_run *run);
/*
 * Close it: status "ok" | "partial" | "failed", error_text NULL or the
 * cause, `ended` the unix time it failed (0: now).  Own transaction; also
 * valid after a later run closed it as interrupted (this record wins).
 * 0 / -1.
 */
int store_run_finish(struct store *s, const struct store_run *run,
    const char *status, const char *error_text, double ended);
/*
 * Record in run `run_id` the registry's data build it saw (NULL: none)
 * and the digest of its tracked set.  Outside a transaction.  0 / -1.
 */
int store_run_registry(struct store *s, long long run_id, const char *build,
    const char *digest);

/* The registry builds recorded by runs. */
struct store_registry {
	long long ok_run_id;		/* the last run with status ok; 0: none */
	char ok_build[40];		/* its build, "" if none */
	char ok_digest[40];		/* its tracked set's digest */
	char build[40];			/* the latest build any run saw, "" if none */
	char build_seen_at[40];		/* when that run started (UTC, ISO 8601) */
};
int store_last_registry(struct store *s, struct store_registry *out);

/* Record what failed for one trial in this run (inside or outside a txn). */
int store_run_error(struct store *s, long long run_id, const char *nct_id,
    const char *stage, const char *message);

/*
 * Retention: delete at most `batch` delivered alerts delivered more than
 * alerts_age seconds ago (and as many delivered announcements of new
 * search matches, counted in *alerts), and at most `batch` finished runs
 * (with their errors) that finished more than runs_age seconds ago and
 * stored no version (0: keep that kind forever).  Never an undelivered
 * alert, a version, a change or a flag.  Each kind in its own statement;
 * call again while *alerts or *runs >= batch.  0 / -1.
 */
int store_prune(struct store *s, unsigned alerts_age, unsigned runs_age,
    unsigned batch, unsigned *alerts, unsigned *runs);

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


/* ------------------------------------------------------------ versions */

/* The stored current version of one trial, as sync needs it for a diff. */
struct store_current {
	long long version_id;	/* 0: none stored */
	int version_no;
	char hash[65];
	char last_update[DATE_SIZE];	/* its last_update_posted, "" if none */
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

/*
 * Inside a transaction: the registry does not know nct_id; `answer` (its
 * words, NULL: "not found") is kept with the time, for pages citing it.
 */
int store_mark_not_found(struct store *s, const char *nct_id,
    const char *answer);

/*
 * Tracked IDs not to ask the registry this run, sorted (strcmp order):
 * known aliases (their current ID is tracked and asked instead), and IDs
 * only pages cite that the registry did not know within the last 7 days.
 * New array of new strings (store_free_ids).  0 / -1.
 */
int store_skip_ids(struct store *s, char ***ids, size_t *n);
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
	/*
	 * The results_due view: its state ("overdue", ...; NULL if none),
	 * due_by ("" if none) and days_late (-1 if none).
	 */
	char *results_due_state;
	char results_due_by[DATE_SIZE];
	long results_days_late;
};

/*
 * The day the results_due view judges by on this connection ("YYYY-MM-DD",
 * the setting ctmirror.today; current_date until set), so that `status`
 * agrees with the rules under CTMIRROR_NOW.  0 / -1.
 */
int store_set_today(struct store *s, const char *today);

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
	char last_run_error[512];		/* its error_text, "" if none */
	unsigned last_run_errors;		/* its trial and page errors */
	char last_ok_finished[40];
	unsigned pages_skipped;			/* pages kept while unreadable */
	char pages_skipped_since[40];		/* the oldest skip's start, or "" */
};
int store_summary(struct store *s, struct store_summary *sum);

/*
 * The registry state of each of ids[0..n) that has a stored version (or
 * that the registry does not know), for the rules: fn(arg, state,
 * summary, len) in no particular order, the state's strings and the summary
 * borrowed for the call; summary is the current record cut to what the
 * citation check reads (API v2 JSON: the identification, status, sponsor,
 * conditions, design, arms/interventions and browse modules), NULL when
 * none is stored.  Read row by row: the memory of one row whatever n is.
 * fn returns 0, or -1 to stop (then -1).  0 / -1.
 */
typedef int (*store_state_fn)(void *arg, const struct trial_state *st,
    const char *summary, size_t len);
int store_each_state(struct store *s, char *const *ids, size_t n,
    store_state_fn fn, void *arg);

/*
 * How pages name trials besides their IDs: the registry's acronym of
 * every stored trial, and the recorded aliases.  New or NULL.
 */
struct store_names;
struct store_names *store_load_names(struct store *s);
/* (acronym, nct_id) of every stored trial with an acronym.  Borrowed. */
const struct claims_acronym *store_names_acronyms(const struct store_names *m,
    size_t *n);
/*
 * The ID the registry now answers nct_id with, when nct_id is a recorded
 * alias; else NULL.  Borrowed (valid while m lives).
 */
const char *store_names_alias(const struct store_names *m,
    const char *nct_id);
void store_names_free(struct store_names *m);

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

/* One page as the page stage read it.  All borrowed. */
struct store_page {
	const char *path;
	const char *content_hash;	/* hex SHA-256 of its text */
	const char *claims_hash;	/* hex digest of `claims` */
	const struct claim_list *claims;
	const struct store_finding *findings;
	size_t n_findings;
	bool quiet_recheck;		/* a new recheck flag gets no alert */
};

/*
 * Bring one page's stored state to what was read, writing only what
 * differs.  One read of the page's row and open flags; then nothing at
 * all when its hashes match and every finding has an open flag saying the
 * same (the steady state).  Otherwise one transaction: the page row (new,
 * hashes moved, or a skip ended), its claims (only when claims_hash
 * moved, and then only those whose words changed: a claim that only moved
 * to another line keeps its row), a flag for each finding whose key
 * (page, trial, claim kind, rule) has no open flag (with one outbox row
 * per sink in `sinks`), the open flags whose line, text, severity or
 * evidence moved (in place, never re-announced), and the page's open
 * flags with no finding any more (resolved).  The caller holds the sync
 * lock: nothing else writes pages, claims or flags meanwhile.
 * *raised / *resolved count what changed.  0 / -1.
 */
int store_page_flags(struct store *s, const struct store_page *pg,
    const char *const *sinks, size_t n_sinks, unsigned *raised,
    unsigned *resolved);

/*
 * Every stored page that holds claims or open flags or is marked skipped,
 * sorted (bytewise).  New array of new strings (store_free_ids).  0 / -1.
 */
int store_page_paths(struct store *s, char ***paths, size_t *n);

/*
 * The paths of pages stored before migration 0009 (not named under the
 * root yet), oldest first.  New array of new strings (store_free_ids).
 */
int store_unrooted_pages(struct store *s, char ***paths, size_t *n);

/*
 * Rename the unrooted pages old[i] to names[i] and mark them rooted, in
 * one transaction; a page whose new name another row has already keeps
 * its path and is forgotten (store_forget_pages) after.  *resolved counts
 * the flags that resolved so.  0 / -1.
 */
int store_root_pages(struct store *s, char *const *old, char *const *names,
    size_t n, unsigned *resolved);

/*
 * The pages at paths[0..n) are gone: resolve their open flags, drop their
 * claims and hashes.  One transaction; nothing when n is 0.  0 / -1.
 */
int store_forget_pages(struct store *s, char *const *paths, size_t n,
    unsigned *resolved);

/*
 * The pages at paths[0..n) could not be read this cycle, why[i] says why:
 * their claims and flags stay.  A skip is written when it begins (or its
 * reason changes), not while it lasts; since[i] gets when it began
 * (ISO 8601 UTC), "" for a path with no stored page, and lasting[i]
 * whether it began in an earlier cycle, for the same reason.  0 / -1.
 */
int store_pages_skipped(struct store *s, char *const *paths,
    char *const *why, size_t n, char (*since)[32], bool *lasting);

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
	char *acked_by;		/* who acked it; NULL unless acked */
	char *ack_reason;	/* why, NULL if not said */
	long long alert_id;	/* outbox row, for store_alerts_done */
};

typedef int (*store_flag_fn)(void *arg, const struct store_flag *f);
/* Open (all=false: unresolved and not acked) or all flags, by flag ID. */
int store_each_flag(struct store *s, bool all, store_flag_fn fn, void *arg);
/* Every open flag, acknowledged or not, by flag ID (for scan).  0 / -1. */
int store_each_open_flag(struct store *s, store_flag_fn fn, void *arg);

/* Is any registry record stored (*yes)?  0 / -1. */
int store_has_records(struct store *s, bool *yes);

/*
 * Silence the flags ids[0..n), all or none: `by` (who ran it) and
 * `reason` (may be NULL) are kept with the time.  0; -1 on error; 1 when
 * one of them is no flag (*missing names the first), and then nothing
 * was acknowledged.
 */
int store_ack(struct store *s, const long long *ids, size_t n,
    const char *by, const char *reason, long long *missing);

/* Undelivered outbox rows of one sink, oldest first, with their flags. */
int store_each_pending_alert(struct store *s, const char *sink,
    store_flag_fn fn, void *arg);
/*
 * Mark the outbox rows alert_ids[0..n) delivered (ok) or record a failed
 * attempt with `error`, in one statement.  0 / -1.
 */
int store_alerts_done(struct store *s, const long long *alert_ids, size_t n,
    bool ok, const char *error);
/* NOTIFY ctmirror_flags, payload flag ID (delivered at commit). */
int store_notify_flag(struct store *s, long long flag_id);

/* ------------------------------------------------------------ searches */

struct plan_ask;
struct trial_update;

/*
 * Every tracked trial the cycle may ask about, sorted by ID: *v (new,
 * free()) and *n, with the last update of its stored version, and
 * `probe` set for those tracked since the last successful run ended (or
 * all when there is none): a listing of what changed since that run
 * cannot speak for them.  Read row by row, so 300,000 trials cost their 24
 * bytes each and no more.  0 / -1.
 */
int store_tracked(struct store *s, struct plan_ask **v, size_t *n);

/*
 * A digest of the tracked set (md5 of the sorted IDs, hex) into out, and
 * how many are tracked into *n, computed by the server.  0 / -1.
 */
int store_tracked_digest(struct store *s, char out[33], unsigned *n);

/*
 * The day before the last successful run started (UTC, YYYY-MM-DD): a
 * listing of the studies updated since it misses no change that run did
 * not see.  "" when no run succeeded.  0 / -1.
 */
int store_changes_since(struct store *s, char out[DATE_SIZE]);

/*
 * Make names[i] (with queries[i], search.h's form) the configured
 * searches, in one transaction: new ones are added; one whose query
 * changed starts over (its next listing sets a baseline and announces
 * nothing); those no longer configured turn inactive (rows kept), and a
 * trial only they tracked is no longer polled; every trial an active
 * search ever matched is tracked again if it was not.  0 / -1.
 */
int store_set_searches(struct store *s, char *const *names,
    char *const *queries, size_t n);

/* What the store knows of one search. */
struct store_search {
	bool baseline;		/* its query was listed once: new matches are news */
	char since[DATE_SIZE];	/* the day before its last complete listing; "" if none */
	unsigned matching;	/* trials matching after the last listing */
};
int store_search_get(struct store *s, const char *name,
    struct store_search *out);

/*
 * Record run `run_id`'s listing of search `name`, in one transaction:
 * ids[0..n) (sorted) are what it listed, the whole match (`full`) or the
 * studies updated since its `since` day.  Trials it lists that are not
 * tracked are tracked (source 'search'); those it never matched before
 * match now, and once the search has a baseline each is queued for
 * announcement to every sink of sinks[0..n_sinks); one that had stopped
 * matching matches again.  A full, complete listing also ends the match
 * of every trial it lacks.  `complete`: the listing came out whole, its
 * run's start becomes the search's last complete listing.  *added: trials
 * newly matching; *tracked: trials newly tracked; *left: ended.  0 / -1.
 */
int store_search_listed(struct store *s, long long run_id, const char *name,
    char *const *ids, size_t n, bool full, bool complete,
    const char *const *sinks, size_t n_sinks, unsigned *added,
    unsigned *tracked, unsigned *left);

/*
 * After a listing of the studies updated since a day: the matching
 * trials of `name` in changed[0..n_changed) (sorted: trials the registry
 * moved since that day) that the listing listed[0..n_listed) lacks no
 * longer match.  Own transaction.  *left: how many.  0 / -1.
 */
int store_search_left(struct store *s, const char *name,
    char *const *changed, size_t n_changed, char *const *listed,
    size_t n_listed, unsigned *left);

/* One trial newly matching a search, to announce. */
struct store_match {
	long long alert_id;
	const char *search;
	const char *query;		/* the search's query string */
	char nct_id[NCT_ID_SIZE];
	const char *brief_title;	/* "" if none */
	const char *overall_status;
	const char *lead_sponsor;	/* "" if none */
	const char *matched_at;		/* when it first matched (UTC, ISO 8601) */
};

typedef int (*store_match_fn)(void *arg, const struct store_match *m);
/*
 * Undelivered announcements of one sink whose trial has a stored record,
 * oldest first (strings borrowed for the call).  fn returns 0, or -1 to
 * stop (then -1).  0 / -1.
 */
int store_each_pending_match(struct store *s, const char *sink,
    store_match_fn fn, void *arg);
/* Mark an announcement delivered (ok) or record the failed attempt. */
int store_match_done(struct store *s, long long alert_id, bool ok,
    const char *error);
/* NOTIFY ctmirror_matches with `payload` (delivered at commit). */
int store_notify_match(struct store *s, const char *payload);

/* -------------------------------------------------------------- report */

/*
 * Reads for `ctmirror report` (report.c).  Strings in the structs below
 * are borrowed from the object that returned them and valid until it is
 * finished; "" stands for SQL NULL where a field says so.  Untrusted
 * text (paths, page text, registry text) comes as stored, cut to a few
 * hundred bytes where a page of the report shows it.
 */

/*
 * A read-only transaction with one snapshot for all the reads below, so
 * a report never mixes two syncs; end it with store_rollback.  0 / -1.
 */
int store_report_begin(struct store *s);

/* What the report's header says about the mirror. */
struct store_report_head {
	unsigned trials_tracked, pages;
	unsigned flags_stale, flags_recheck;	/* open, not acknowledged */
	unsigned flags_acked;			/* open, acknowledged */
	long long last_run_id;			/* 0: never ran */
	char last_run_status[16];
	char last_run_started[40];
	char last_run_finished[40];		/* "" while running */
	char last_ok_finished[40];		/* "" if none */
	/*
	 * The registry data build (GET /version dataTimestamp) the newest
	 * run that recorded one saw; "" until sync_runs records it.
	 */
	char registry_build[40];
	char generated_at[40];			/* the database's now() */
};
int store_report_head(struct store *s, struct store_report_head *h);

/* Open flags per rule and severity, most first.  fn returns 0 or -1 to stop. */
typedef int (*store_report_count_fn)(void *arg, const char *rule,
    const char *severity, unsigned open, unsigned acked);
int store_report_rule_counts(struct store *s, store_report_count_fn fn,
    void *arg);

/* One open, unacknowledged flag in the index's order. */
struct store_report_flag {
	struct store_flag f;		/* link, alert_id unused */
	long long page_id;
	unsigned page_stale, page_recheck;	/* its page's open flags */
	int age_days;			/* since raised */
	const char *phrase;		/* the claim's words, "" if unknown */
	const char *acronym;		/* the trial's, "" if none */
};
typedef int (*store_report_flag_fn)(void *arg,
    const struct store_report_flag *f);
/*
 * Every open, unacknowledged flag, grouped by page, worst page first
 * (most stale, then most recheck flags, then path), stale before recheck
 * and by line within a page.  0 / -1.
 */
int store_report_flags(struct store *s, store_report_flag_fn fn, void *arg);

/* A knowledge-base page that has claims or open flags. */
struct store_report_page {
	long long page_id;
	const char *path;
	const char *page_date;		/* "" if none */
	const char *last_scanned;	/* "" if never */
	unsigned claims, stale, recheck;
};
typedef int (*store_report_page_fn)(void *arg,
    const struct store_report_page *p);
/* Every such page, worst first (as store_report_flags groups them).  0 / -1. */
int store_report_pages(struct store *s, store_report_page_fn fn, void *arg);

/* One claim of a page with one open flag on its key (or none). */
struct store_report_claim {
	long long page_id, claim_id;
	int line;
	char nct_id[NCT_ID_SIZE];
	const char *kind, *statuses, *as_of, *phrase, *excerpt;	/* "" if NULL */
	const char *path;		/* the page's */
	/* The open flag, if any: flag_id 0 when none. */
	long long flag_id;
	int flag_line;			/* the line the flag was raised on */
	const char *rule, *severity, *evidence;
	bool acked;
};

/*
 * The claims of a batch of pages (page_ids[0..n)) in page order (line,
 * then claim), one row per claim and open flag on its (page, trial,
 * kind) key: a claim with two flags gives two rows, one with none a row
 * with flag_id 0.  New rows in *rows, *n_rows; free with
 * store_report_claims_free.  0 / -1.
 */
struct store_report_claims;
struct store_report_claims *store_report_page_claims(struct store *s,
    const long long *page_ids, size_t n);
/*
 * The claims citing a batch of trials (ids[0..n), sorted), ordered by
 * trial, then as-of date, page and line; each with the worst open flag
 * on its key (severity "" when none).
 */
struct store_report_claims *store_report_trial_claims(struct store *s,
    char *const *ids, size_t n);
size_t store_report_claims_count(const struct store_report_claims *c);
/* Row i, borrowed until store_report_claims_free. */
const struct store_report_claim *store_report_claims_row(
    const struct store_report_claims *c, size_t i);
void store_report_claims_free(struct store_report_claims *c);

/* A tracked trial's current state, for its page of the report. */
struct store_report_trial {
	char nct_id[NCT_ID_SIZE];
	const char *acronym, *brief_title, *overall_status;	/* "" if none */
	bool has_results;
	const char *results_first_posted, *results_submitted;	/* "" if none */
	const char *primary_completion, *primary_completion_type;
	const char *last_update_posted;
	const char *registry_state;	/* unknown, present, not_found */
	const char *current_nct_id;	/* "" unless an alias */
	const char *tracked_since;
	int versions;
};

/*
 * One stored version of a trial and the span of days it held: the
 * columns of the trial_timeline view (valid_from, valid_to,
 * overall_status, has_results, primary_completion(_type), enrollment,
 * source) for that one version, and what the report also draws from it.
 */
struct store_report_span {
	char nct_id[NCT_ID_SIZE];
	int version_no;
	const char *valid_from;		/* the version's day (registry date) */
	const char *valid_to;		/* the next version's; "" if current */
	const char *overall_status;
	bool has_results;
	const char *primary_completion, *primary_completion_type;
	const char *enrollment;
	const char *source;		/* "live" or "history" */
	const char *start, *start_type, *completion, *completion_type;
	const char *results_submitted, *results_first_posted;
	const char *result_pmids;	/* space-separated, "" if none */
};

/* One field-level change, values as JSON text cut to 300 bytes. */
struct store_report_change {
	char nct_id[NCT_ID_SIZE];
	const char *field, *change_class, *old_value, *new_value;
	const char *registry_updated, *detected_at;
	int more;		/* on a trial's last row shown: older ones left out */
};

/* Everything the report draws for a batch of trials. */
struct store_report_batch {
	struct store_report_trial *trials;	/* by NCT ID */
	size_t n_trials;
	struct store_report_span *spans;	/* by trial, then version */
	size_t n_spans;
	struct store_report_change *changes;	/* by trial, newest first */
	size_t n_changes;
	struct store_report_claims *claims;	/* store_report_trial_claims */
	void *priv;				/* the results owning the strings */
};

/*
 * Fill *b for ids[0..n) (sorted, as store_tracked_ids gives them), at
 * most max_changes changes a trial (newest first).  0 / -1; free with
 * store_report_batch_finish (also after a failure).
 */
int store_report_batch(struct store *s, char *const *ids, size_t n,
    unsigned max_changes, struct store_report_batch *b);
void store_report_batch_finish(struct store_report_batch *b);

#endif

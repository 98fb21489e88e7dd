/*
 * store_db.h - what the store_*.c files share and nobody else sees: the
 * session (struct store), the statement runners every file goes through,
 * the array literals that carry lists as one parameter, and the SQL and
 * parameter blocks that more than one kind of data uses.  Callers outside
 * the store include store.h only.
 */
#ifndef CTMIRROR_STORE_DB_H
#define CTMIRROR_STORE_DB_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "diff.h"
#include "store.h"
#include "study.h"

struct store {
	PGconn *conn;		/* NULL once a lost session was let go */
	char *conninfo;		/* SECRET: for store_reset only, never shown */
	bool in_txn;
	bool sync_locked;
	/*
	 * Between store_pipeline_begin and store_commit statements are sent
	 * without waiting for their results (libpq pipeline mode), so the
	 * server stores one record while the caller parses the next.
	 */
	bool pipeline;
	unsigned queued;	/* statements sent in this pipeline */
	/*
	 * The statements a pipeline runs once per record, prepared on the
	 * server the first time (store_exec): parsing and planning them
	 * again for every record cost a fifth of a first sync.  Keyed by
	 * the SQL's address (they are constants); a name is never reused, so
	 * one left on the server by a failed pipeline is harmless.  Those
	 * sent in a pipeline that failed are forgotten, since the server may
	 * have skipped them; all are forgotten with the session.
	 */
	struct {
		const char *sql;
		unsigned no;		/* the name is "ctm<no>" */
		bool confirmed;		/* its pipeline succeeded */
	} prepared[8];
	unsigned n_prepared, next_prepared;
	/*
	 * What the server said as it ended the session (a FATAL notice:
	 * "terminating connection due to administrator command"), the real
	 * cause behind libpq's "server closed the connection unexpectedly".
	 */
	char fatal[256];
	char err[1024];
};

/*
 * The version row, its changes and the trial's pointer to it in one
 * statement: one round trip, and no result the next statement needs, so
 * it can be pipelined.  r is MATERIALIZED so the record's text becomes
 * jsonb once, held in memory for both raw and its citation summary.
 */
#define ADD_VERSION_SQL \
	"WITH r AS MATERIALIZED (SELECT $15::jsonb AS raw)," \
	" v AS (" \
	"  INSERT INTO study_versions (nct_id, version_no, content_hash," \
	"    last_update_posted, run_id, acronym, brief_title," \
	"    overall_status, has_results, results_first_posted," \
	"    results_submitted, primary_completion, primary_completion_type," \
	"    result_pmids, raw, citation)" \
	"  SELECT $1::text, $2::integer, $3::text, $4::text, $5::bigint," \
	"    $6::text, $7::text, $8::text, $9::boolean, $10::text, $11::text," \
	"    $12::text, $13::text, $14::text[], r.raw, citation_summary(r.raw)" \
	"    FROM r" \
	"  RETURNING version_id)," \
	" c AS (" \
	"  INSERT INTO study_changes (nct_id, version_id, prev_version_id," \
	"    path, change_class, old_value, new_value, registry_updated)" \
	"  SELECT $1, v.version_id, $16::bigint, u.path, u.cls," \
	"         u.old::jsonb, u.new::jsonb, $4" \
	"    FROM v, unnest($17::text[], $18::text[], $19::text[]," \
	"                   $20::text[]) AS u(path, cls, old, new))" \
	" UPDATE trials SET current_version_id = v.version_id," \
	"   registry_state = 'present', missing_since = NULL," \
	"   registry_answer = NULL" \
	"  FROM v WHERE trials.nct_id = $1"

/* ADD_VERSION_SQL's row as a history version, without moving the trial. */
#define HISTORY_VERSION_SQL \
	"WITH r AS MATERIALIZED (SELECT $15::jsonb AS raw)," \
	" v AS (" \
	"  INSERT INTO study_versions (nct_id, version_no, content_hash," \
	"    last_update_posted, run_id, acronym, brief_title," \
	"    overall_status, has_results, results_first_posted," \
	"    results_submitted, primary_completion, primary_completion_type," \
	"    result_pmids, raw, citation, source, registry_version," \
	"    registry_date)" \
	"  SELECT $1::text, $2::integer, $3::text, $4::text, $5::bigint," \
	"    $6::text, $7::text, $8::text, $9::boolean, $10::text, $11::text," \
	"    $12::text, $13::text, $14::text[], r.raw, citation_summary(r.raw)," \
	"    'history', $21::integer, $22::text" \
	"    FROM r" \
	"  RETURNING version_id)," \
	" c AS (" \
	"  INSERT INTO study_changes (nct_id, version_id, prev_version_id," \
	"    path, change_class, old_value, new_value, registry_updated)" \
	"  SELECT $1, v.version_id, $16::bigint, u.path, u.cls," \
	"         u.old::jsonb, u.new::jsonb, $4" \
	"    FROM v, unnest($17::text[], $18::text[], $19::text[]," \
	"                   $20::text[]) AS u(path, cls, old, new))" \
	" SELECT version_id FROM v"

/* One delivery attempt of outbox rows (alert_outbox, match_outbox). */
#define OUTBOX_DONE(table)						\
	"UPDATE " table " SET attempts = attempts + 1,"			\
	" last_attempt_at = now(),"					\
	" delivered_at = CASE WHEN $2::boolean THEN now() END,"		\
	" last_error = CASE WHEN $2::boolean THEN NULL ELSE $3 END"	\
	" WHERE alert_id = ANY ($1::bigint[]) AND delivered_at IS NULL"

/*
 * The day a version took effect, as SQL on the study_versions row `x`:
 * its lastUpdatePostDate, else the date its change list gives it, else
 * the day ctmirror fetched it.  As trial_timeline dates its spans.
 */
#define VERSION_DAY(x) \
	"coalesce(" x ".last_update_posted, " x ".registry_date," \
	" to_char(" x ".fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))"

/*
 * The parameters $1..$20 of a version row and its changes (ADD_VERSION_SQL
 * and HISTORY_VERSION_SQL share them), as texts that live in vp.
 */
struct vparams {
	char vno[16], rid[24], prev_id[24];
	const char **pmids;
	char *pmid_arr;
	char *arr[4];
	const char *p[22];
};

/*
 * A PostgreSQL array literal of `n` strings ("{\"a\",NULL}") so a whole
 * list travels as one parameter.  NULL elements become NULL.  New or NULL.
 */
char *store_array_literal(const char *const *v, size_t n);

/* "{1,2,3}": a bigint[] parameter.  New or NULL. */
char *store_bigint_array(const long long *v, size_t n);

/* Value of a nullable text column: NULL for SQL NULL. */
const char *store_col(const PGresult *res, int row, int c);

/* A date column into a fixed buffer; "" for NULL. */
void store_copy_date(char dst[DATE_SIZE], const char *src);

/*
 * A statement whose result is not needed.  0 / -1.  In a pipeline it is
 * only sent: its failure shows at store_commit, which then fails.
 */
int store_exec(struct store *s, const char *what, const char *sql, int n,
    const char *const *params);

/* store_array_literal of NCT IDs. */
char *store_id_array(char *const *ids, size_t n);

/*
 * Run one parameterized statement.  Returns the result when its status is
 * `want`, else NULL with the error recorded.
 */
PGresult *store_q(struct store *s, const char *what, ExecStatusType want,
    const char *sql, int n, const char *const *params);

/* The store's error text (store_errmsg), as printf. */
void store_set_err(struct store *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * libpq messages end with a newline and may span lines: keep the first.
 * A session the server ended is named by what the server said, if it did.
 */
void store_set_pq_err(struct store *s, const char *what, const char *msg);

int store_outbox_done(struct store *s, const char *what, const char *sql,
    const long long *alert_ids, size_t n, bool ok, const char *error);

/* The changes as four text arrays (path, class, old, new); new, or -1. */
int store_change_arrays(const struct change_list *changes, size_t nch,
    char *arr[4]);

/*
 * The first column of every row of `sql` (no parameters) as a new array
 * of new strings (store_free_ids).  0 / -1.
 */
int store_column_strings(struct store *s, const char *what, const char *sql,
    char ***out, size_t *n);

/* Position of every result row's ID in `ids`, via one sort + bsearch. */
long store_find_id(char *const *ids, const size_t *order, size_t n,
    const char *id);

size_t *store_sorted_order(char *const *ids, size_t n);

void store_vparams_finish(struct vparams *vp);

int store_vparams_init(struct store *s, struct vparams *vp,
    const struct study *st, int version_no, long long run_id,
    long long prev_id, const struct change_list *changes);

#endif

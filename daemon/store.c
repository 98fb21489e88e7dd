/*
 * store.c - every SQL statement ctmirror runs, through libpq.  Parameters
 * always travel separately from the SQL text (PQexecParams); the only
 * PQexec is for the compiled-in migration files.
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "diff.h"
#include "log.h"
#include "plan.h"
#include "study.h"

/* Advisory lock keys: "ctmi" + purpose, so other applications' keys never collide. */
#define LOCK_MIGRATE 0x63746d6901LL
#define LOCK_SYNC 0x63746d6902LL

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
	 * What the server said as it ended the session (a FATAL notice:
	 * "terminating connection due to administrator command"), the real
	 * cause behind libpq's "server closed the connection unexpectedly".
	 */
	char fatal[256];
	char err[1024];
};

static void
set_err(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

/*
 * libpq messages end with a newline and may span lines: keep the first.
 * A session the server ended is named by what the server said, if it did.
 */
static void
set_pq_err(struct store *s, const char *what, const char *msg)
{
	size_t n;

	if (msg == NULL || *msg == '\0')
		msg = s->conn ? PQerrorMessage(s->conn) :
		    "the database connection was lost";
	n = strcspn(msg, "\n");
	/*
	 * A lost session: its cause alone, the server's words when it gave
	 * them (a notice, or a "FATAL:" line libpq kept before its own "server
	 * closed the connection unexpectedly"); which statement it cut short
	 * says nothing more.
	 */
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		const char *all = s->conn ? PQerrorMessage(s->conn) : "";
		const char *f = strstr(all, "FATAL:  ");

		if (s->fatal[0] == '\0' && f != NULL) {
			f += strlen("FATAL:  ");
			snprintf(s->fatal, sizeof(s->fatal), "%.*s",
			    (int)strcspn(f, "\n"), f);
		}
		set_err(s, "%.*s", s->fatal[0] ? (int)strlen(s->fatal) : (int)n,
		    s->fatal[0] ? s->fatal : msg);
	} else {
		set_err(s, "%s: %.*s", what, (int)n, msg);
	}
}

/*
 * A failed statement's result: a FATAL one (the server ending the
 * session) is kept as the cause, in the server's words, without libpq's
 * "FATAL:  " prefix.
 */
static void
set_res_err(struct store *s, const char *what, const PGresult *res)
{
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

	if (sev != NULL && msg != NULL && (strcmp(sev, "FATAL") == 0 ||
	    strcmp(sev, "PANIC") == 0)) {
		snprintf(s->fatal, sizeof(s->fatal), "%.*s",
		    (int)strcspn(msg, "\n"), msg);
		set_err(s, "%s", s->fatal);
		return;
	}
	set_pq_err(s, what, PQresultErrorMessage(res));
}

/*
 * The session is over: let go of it at once.  What is left in libpq's
 * buffers (the results of a pipeline the server cut short) is never read:
 * read while libpq thinks it is idle, each would be a warning of its own
 * ("message type 0x31 arrived from server while idle"), a line per
 * statement sent.  store_reset connects again.
 */
static void
drop_conn(struct store *s)
{
	if (s->conn != NULL)
		PQfinish(s->conn);
	s->conn = NULL;
	s->in_txn = false;
	s->pipeline = false;
	s->queued = 0;
	s->sync_locked = false;
}

/* After a failed call: a session that is gone is dropped.  true if so. */
static bool
lost(struct store *s)
{
	if (s->conn != NULL && PQstatus(s->conn) == CONNECTION_OK)
		return false;
	drop_conn(s);
	return true;
}

/*
 * Run one parameterized statement.  Returns the result when its status is
 * `want`, else NULL with the error recorded.
 */
static PGresult *
q(struct store *s, const char *what, ExecStatusType want, const char *sql,
    int n, const char *const *params)
{
	PGresult *res;

	if (s->conn == NULL) {
		set_err(s, "%s: the database connection was lost", what);
		return NULL;
	}
	if (s->pipeline) {
		/* A bug, not a database failure: say so rather than hang. */
		set_err(s, "%s: internal error: a query inside a pipeline", what);
		return NULL;
	}
	res = PQexecParams(s->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (res == NULL) {
		set_pq_err(s, what, NULL);
		(void)lost(s);
		return NULL;
	}
	if (PQresultStatus(res) != want) {
		set_res_err(s, what, res);
		PQclear(res);
		(void)lost(s);
		return NULL;
	}
	return res;
}

/*
 * A statement whose result is not needed.  0 / -1.  In a pipeline it is
 * only sent: its failure shows at store_commit, which then fails.
 */
static int
exec(struct store *s, const char *what, const char *sql, int n,
    const char *const *params)
{
	PGresult *res;

	if (s->conn != NULL && s->pipeline) {
		if (!PQsendQueryParams(s->conn, sql, n, NULL, params, NULL,
		    NULL, 0)) {
			set_pq_err(s, what, NULL);
			(void)lost(s);
			return -1;
		}
		s->queued++;
		/*
		 * Take in the results that have come back, so the server
		 * never blocks writing them while we block writing to it.
		 */
		if (!PQconsumeInput(s->conn)) {
			set_pq_err(s, what, NULL);
			(void)lost(s);
			return -1;
		}
		return 0;
	}
	if ((res = q(s, what, PGRES_COMMAND_OK, sql, n, params)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/*
 * End the pipeline: wait for every queued statement's result.  0 when all
 * succeeded; -1 with the first failure recorded (the server then skipped
 * the rest and holds an aborted transaction, for the caller to roll back;
 * or the session is gone, and dropped).
 */
static int
pipeline_end(struct store *s)
{
	PGresult *res;
	bool failed = false;
	unsigned left = s->queued;

	if (!s->pipeline || s->conn == NULL)
		return s->conn == NULL ? -1 : 0;
	s->pipeline = false;
	s->queued = 0;
	if (!PQpipelineSync(s->conn)) {
		set_pq_err(s, "pipeline", NULL);
		drop_conn(s);
		return -1;
	}
	/* Each statement's results end with a NULL; then the sync's. */
	while (left > 0) {
		if ((res = PQgetResult(s->conn)) == NULL) {
			left--;
			continue;
		}
		switch (PQresultStatus(res)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
			break;
		case PGRES_PIPELINE_ABORTED:
			failed = true;
			break;
		default:
			if (!failed)
				set_res_err(s, "store batch", res);
			failed = true;
			break;
		}
		PQclear(res);
		/* A lost session never sends the rest: do not wait for it. */
		if (PQstatus(s->conn) != CONNECTION_OK) {
			if (!failed || s->fatal[0])
				set_pq_err(s, "store batch", NULL);
			drop_conn(s);
			return -1;
		}
	}
	while ((res = PQgetResult(s->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		PQclear(res);
		if (st == PGRES_PIPELINE_SYNC)
			break;
	}
	if (PQstatus(s->conn) != CONNECTION_OK ||
	    !PQexitPipelineMode(s->conn)) {
		if (!failed)
			set_pq_err(s, "leave pipeline", NULL);
		/* Out of step with the server: nothing more can be trusted. */
		drop_conn(s);
		return -1;
	}
	return failed ? -1 : 0;
}

/* Value of a nullable text column: NULL for SQL NULL. */
static const char *
col(const PGresult *res, int row, int c)
{
	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

static void
copy_date(char dst[DATE_SIZE], const char *src)
{
	snprintf(dst, DATE_SIZE, "%s", src ? src : "");
}

/*
 * A PostgreSQL array literal of `n` strings ("{\"a\",NULL}") so a whole
 * list travels as one parameter.  NULL elements become NULL.  New or NULL.
 */
static char *
array_literal(const char *const *v, size_t n)
{
	size_t cap = 3, i, len = 0;
	const char *p;
	char *out;

	for (i = 0; i < n; i++)
		cap += v[i] ? 2 * strlen(v[i]) + 3 : 5;
	if ((out = malloc(cap)) == NULL)
		return NULL;
	out[len++] = '{';
	for (i = 0; i < n; i++) {
		if (i > 0)
			out[len++] = ',';
		if (v[i] == NULL) {
			memcpy(out + len, "NULL", 4);
			len += 4;
			continue;
		}
		out[len++] = '"';
		for (p = v[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				out[len++] = '\\';
			out[len++] = *p;
		}
		out[len++] = '"';
	}
	out[len++] = '}';
	out[len] = '\0';
	return out;
}

static char *
id_array(char *const *ids, size_t n)
{
	return array_literal((const char *const *)ids, n);
}

/* "{1,2,3}": a bigint[] parameter.  New or NULL. */
static char *
bigint_array(const long long *v, size_t n)
{
	char *out = malloc(n * 21 + 3), *p;

	if (out == NULL)
		return NULL;
	p = out;
	*p++ = '{';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%lld", i ? "," : "", v[i]);
	*p++ = '}';
	*p = '\0';
	return out;
}

/* ---------------------------------------------------------- connection */

/*
 * Server notices and warnings (a crash of another backend, say) through
 * log.c like every other line, instead of libpq's bare stderr.  A FATAL
 * (the session is being ended) is not logged but kept: the caller's error
 * names it as the cause, in one line.
 */
static void
on_notice(void *arg, const PGresult *res)
{
	struct store *s = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	size_t n;

	if (msg == NULL)
		msg = PQresultErrorMessage(res);
	n = strcspn(msg, "\n");
	if (sev != NULL && (strcmp(sev, "FATAL") == 0 ||
	    strcmp(sev, "PANIC") == 0)) {
		snprintf(s->fatal, sizeof(s->fatal), "%.*s", (int)n, msg);
		return;
	}
	log_warnx("database: %s%s%.*s", sev ? sev : "", sev ? ": " : "",
	    (int)n, msg);
}

/* Settings every session of ctmirror's starts with.  0 / -1. */
static int
session_setup(struct store *s)
{
	PGresult *res;

	PQsetNoticeReceiver(s->conn, on_notice, s);
	/* Quiet NOTICEs (e.g. "relation already exists, skipping"). */
	res = q(s, "connect", PGRES_TUPLES_OK,
	    "SELECT set_config('client_min_messages', 'warning', false), "
	    "set_config('application_name', 'ctmirror', false)", 0, NULL);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

struct store *
store_open(const char *conninfo, char **errmsg)
{
	struct store *s = NULL;

	*errmsg = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->conninfo = strdup(conninfo ? conninfo : "")) == NULL) {
		free(s);
		*errmsg = strdup("out of memory");
		return NULL;
	}
	s->conn = PQconnectdb(s->conninfo);
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		/* libpq never puts the password in its messages. */
		const char *m = s->conn ? PQerrorMessage(s->conn) : "out of memory";
		size_t n = strcspn(m, "\n");

		if (asprintf(errmsg, "cannot connect to PostgreSQL: %.*s",
		    (int)n, m) < 0)
			*errmsg = NULL;
		goto fail;
	}
	if (session_setup(s) < 0) {
		*errmsg = strdup(s->err);
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->conn)
		PQfinish(s->conn);
	if (s->conninfo) {
		explicit_bzero(s->conninfo, strlen(s->conninfo));
		free(s->conninfo);
	}
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->err[0] ? s->err : "no error";
}

void
store_set_error(struct store *s, const char *msg)
{
	set_err(s, "%s", msg);
}

bool
store_ok(struct store *s)
{
	return s->conn && PQstatus(s->conn) == CONNECTION_OK;
}

/* Seconds a reconnection may take before store_reset gives up. */
#define RECONNECT_TIMEOUT "5"

int
store_reset(struct store *s)
{
	/* Bounded whatever the conninfo says: a caller waits on it. */
	static const char *const keys[] = {"dbname", "connect_timeout", NULL};
	const char *vals[] = {s->conninfo, RECONNECT_TIMEOUT, NULL};

	drop_conn(s);
	s->fatal[0] = '\0';
	s->conn = PQconnectdbParams(keys, vals, 1);
	if (s->conn == NULL || PQstatus(s->conn) != CONNECTION_OK) {
		set_pq_err(s, "reconnect", NULL);
		drop_conn(s);
		return -1;
	}
	if (session_setup(s) < 0) {
		drop_conn(s);
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- transactions */

int
store_begin(struct store *s)
{
	if (exec(s, "begin", "BEGIN", 0, NULL) < 0)
		return -1;
	s->in_txn = true;
	return 0;
}

int
store_pipeline_begin(struct store *s)
{
	if (s->pipeline)
		return 0;
	if (s->conn == NULL || !PQenterPipelineMode(s->conn)) {
		set_pq_err(s, "enter pipeline", NULL);
		return -1;
	}
	s->pipeline = true;
	s->queued = 0;
	return 0;
}

int
store_commit(struct store *s)
{
	if (s->pipeline) {
		if (exec(s, "commit", "COMMIT", 0, NULL) < 0 ||
		    pipeline_end(s) < 0) {
			/* Leave the pipeline whatever happened; keep the cause. */
			if (s->pipeline) {
				char keep[sizeof(s->err)];

				memcpy(keep, s->err, sizeof(keep));
				(void)pipeline_end(s);
				memcpy(s->err, keep, sizeof(keep));
			}
			return -1;
		}
		s->in_txn = false;
		return 0;
	}
	s->in_txn = false;
	return exec(s, "commit", "COMMIT", 0, NULL);
}

void
store_rollback(struct store *s)
{
	PGresult *res;

	if (s->pipeline) {
		char keep[sizeof(s->err)];

		/* The error that led here is the one worth keeping. */
		memcpy(keep, s->err, sizeof(keep));
		(void)pipeline_end(s);
		memcpy(s->err, keep, sizeof(keep));
	}
	if (s->conn == NULL || (!s->in_txn &&
	    PQtransactionStatus(s->conn) == PQTRANS_IDLE)) {
		s->in_txn = false;
		return;
	}
	s->in_txn = false;
	/* The error that led here is the one worth keeping: do not clobber it. */
	res = PQexecParams(s->conn, "ROLLBACK", 0, NULL, NULL, NULL, NULL, 0);
	PQclear(res);
}

/*
 * One advisory-lock call; `sql` is one of the constant ADVISORY_* texts
 * below, so no SQL is ever built from strings.  true when the call
 * succeeded and (for the try/unlock forms) answered t.
 */
#define ADVISORY_LOCK "SELECT pg_advisory_lock($1::bigint)"
#define ADVISORY_TRY_LOCK "SELECT pg_try_advisory_lock($1::bigint)"
#define ADVISORY_UNLOCK "SELECT pg_advisory_unlock($1::bigint)"

static bool
advisory(struct store *s, const char *sql, long long key)
{
	char keybuf[32];
	const char *p[1] = {keybuf};
	PGresult *res;
	bool got;

	snprintf(keybuf, sizeof(keybuf), "%lld", key);
	if ((res = q(s, "advisory lock", PGRES_TUPLES_OK, sql, 1, p)) == NULL)
		return false;
	/* The try/unlock forms say t or f; pg_advisory_lock returns void (""). */
	got = PQgetvalue(res, 0, 0)[0] != 'f';
	PQclear(res);
	return got;
}

bool
store_lock_sync(struct store *s)
{
	if (!advisory(s, ADVISORY_TRY_LOCK, LOCK_SYNC)) {
		if (store_ok(s))
			set_err(s, "another sync is running");
		return false;
	}
	s->sync_locked = true;
	return true;
}

void
store_unlock_sync(struct store *s)
{
	if (!s->sync_locked)
		return;
	advisory(s, ADVISORY_UNLOCK, LOCK_SYNC);
	s->sync_locked = false;
}

/* ---------------------------------------------------------- migrations */

/* The compiled-in migration with this version, or NULL. */
static const struct store_migration *
migration_of(int version)
{
	for (int i = 0; i < store_migrations_count; i++)
		if (store_migrations[i].version == version)
			return &store_migrations[i];
	return NULL;
}

/*
 * The versions recorded in schema_migrations: *max the highest (0: none
 * or no table), applied[i] whether store_migrations[i] is among them.
 * A version no migration of this binary has, below its newest, is refused:
 * the table was edited by hand or by another program, and migrating on
 * top of it would index by a version that means nothing here.  0 / -1.
 */
static int
read_versions(struct store *s, int *max, bool *applied)
{
	PGresult *res;
	int rc = -1;

	*max = 0;
	if (applied)
		memset(applied, 0, (size_t)store_migrations_count *
		    sizeof(*applied));
	res = q(s, "schema version", PGRES_TUPLES_OK,
	    "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL);
	if (res == NULL)
		return -1;
	if (PQgetvalue(res, 0, 0)[0] != 't') {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = q(s, "schema version", PGRES_TUPLES_OK,
	    "SELECT version FROM schema_migrations ORDER BY version", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long v = strtol(PQgetvalue(res, r, 0), NULL, 10);
		const struct store_migration *m = v >= 1 && v <= INT_MAX ?
		    migration_of((int)v) : NULL;

		if (m == NULL && v <= CTMIRROR_SCHEMA_VERSION) {
			set_err(s, "schema_migrations holds version %ld, which "
			    "is no migration of this ctmirror (it knows %04d "
			    "to %04d): the table was changed by hand or by "
			    "another program; repair it before running "
			    "ctmirror",
			    v, store_migrations[0].version,
			    CTMIRROR_SCHEMA_VERSION);
			goto out;
		}
		if (m != NULL && applied)
			applied[m - store_migrations] = true;
		if (v > *max)
			*max = (int)(v > INT_MAX ? INT_MAX : v);
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int
store_schema_version(struct store *s, int *version)
{
	return read_versions(s, version, NULL);
}

int
store_check_schema(struct store *s)
{
	bool applied[64];
	int have, missing = 0;

	if ((size_t)store_migrations_count >
	    sizeof(applied) / sizeof(*applied)) {
		set_err(s, "internal error: too many migrations");
		return -1;
	}
	if (read_versions(s, &have, applied) < 0)
		return -1;
	for (int i = 0; i < store_migrations_count; i++)
		if (!applied[i] && missing == 0)
			missing = store_migrations[i].version;
	if (have > CTMIRROR_SCHEMA_VERSION) {
		set_err(s, "database schema is at %04d, newer than this "
		    "ctmirror (%04d): upgrade ctmirror", have,
		    CTMIRROR_SCHEMA_VERSION);
		return -1;
	}
	if (missing == 0)
		return 0;
	if (missing > have)
		set_err(s, "database schema is at %04d, ctmirror needs %04d: "
		    "run 'ctmirror migrate'", have, CTMIRROR_SCHEMA_VERSION);
	else
		set_err(s, "database schema is at %04d but lacks migration "
		    "%04d: run 'ctmirror migrate'", have, missing);
	return -1;
}

static int
apply_migration(struct store *s, const struct store_migration *m)
{
	char vbuf[16];
	const char *p[2] = {vbuf, m->name};
	PGresult *res = NULL;

	snprintf(vbuf, sizeof(vbuf), "%d", m->version);
	if (store_begin(s) < 0)
		return -1;
	/* A migration file holds several statements: PQexec, constant text. */
	res = s->conn ? PQexec(s->conn, m->sql) : NULL;
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK) {
		char what[128];

		snprintf(what, sizeof(what), "migration %s", m->name);
		set_pq_err(s, what, res ? PQresultErrorMessage(res) : NULL);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (exec(s, "record migration",
	    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
	    2, p) < 0)
		goto fail;
	return store_commit(s);
fail:
	store_rollback(s);
	return -1;
}

int
store_migrate(struct store *s, int *applied)
{
	bool done[64];
	int have, rc = -1;

	*applied = 0;
	if ((size_t)store_migrations_count > sizeof(done) / sizeof(*done)) {
		set_err(s, "internal error: too many migrations");
		return -1;
	}
	/* Two migrators at once would both see "pending": serialize them. */
	if (!advisory(s, ADVISORY_LOCK, LOCK_MIGRATE))
		return -1;
	if (exec(s, "create schema_migrations",
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version integer PRIMARY KEY,"
	    " name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL) < 0)
		goto out;
	if (read_versions(s, &have, done) < 0)
		goto out;
	if (have > CTMIRROR_SCHEMA_VERSION) {
		set_err(s, "database schema is at %04d, newer than this "
		    "ctmirror (%04d): upgrade ctmirror", have,
		    CTMIRROR_SCHEMA_VERSION);
		goto out;
	}
	/* By version, in order: every one the database lacks. */
	for (int i = 0; i < store_migrations_count; i++) {
		if (done[i])
			continue;
		if (apply_migration(s, &store_migrations[i]) < 0)
			goto out;
		(*applied)++;
	}
	rc = 0;
out:
	advisory(s, ADVISORY_UNLOCK, LOCK_MIGRATE);
	return rc;
}

/* ----------------------------------------------------------- sync runs */

int
store_run_begin(struct store *s, const char *mode, long long *run_id)
{
	const char *p[1] = {mode};
	PGresult *res;

	/*
	 * A run still "running" died with its process or its connection
	 * (this one holds the sync lock): it ends when it was last heard of,
	 * and its counts, written as its steps committed, stay.
	 */
	if (exec(s, "close interrupted runs",
	    "UPDATE sync_runs SET status = 'failed',"
	    " finished_at = greatest(coalesce(last_progress_at, started_at),"
	    "   started_at),"
	    " error_text = 'interrupted: nothing heard from the run after '"
	    "   || to_char(coalesce(last_progress_at, started_at)"
	    "      AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "   || ' (its process ended or lost the database first)'"
	    " WHERE status = 'running'", 0, NULL) < 0)
		return -1;
	res = q(s, "start run", PGRES_TUPLES_OK,
	    "INSERT INTO sync_runs (mode, last_progress_at) VALUES ($1, now())"
	    " RETURNING run_id", 1, p);
	if (res == NULL)
		return -1;
	*run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

/* The counts of r as text parameters p[0..12): run_id first. */
static void
run_params(const struct store_run *r, char b[12][24], const char *p[12])
{
	snprintf(b[0], sizeof(b[0]), "%lld", r->run_id);
	snprintf(b[1], sizeof(b[1]), "%u", r->trials_tracked);
	snprintf(b[2], sizeof(b[2]), "%u", r->trials_probed);
	snprintf(b[3], sizeof(b[3]), "%u", r->trials_fetched);
	snprintf(b[4], sizeof(b[4]), "%u", r->versions_stored);
	snprintf(b[5], sizeof(b[5]), "%u", r->changes_stored);
	snprintf(b[6], sizeof(b[6]), "%u", r->requests);
	snprintf(b[7], sizeof(b[7]), "%u", r->pages_scanned);
	snprintf(b[8], sizeof(b[8]), "%u", r->flags_raised);
	snprintf(b[9], sizeof(b[9]), "%u", r->flags_resolved);
	snprintf(b[10], sizeof(b[10]), "%u", r->errors);
	snprintf(b[11], sizeof(b[11]), "%u", r->pages_skipped);
	for (int i = 0; i < 12; i++)
		p[i] = b[i];
}

#define RUN_COUNTS_SQL \
	" trials_tracked = $2, trials_probed = $3, trials_fetched = $4," \
	" versions_stored = $5, changes_stored = $6, requests = $7," \
	" pages_scanned = $8, flags_raised = $9, flags_resolved = $10," \
	" errors = $11, pages_skipped = $12"

int
store_run_progress(struct store *s, const struct store_run *r)
{
	char b[12][24];
	const char *p[12];

	run_params(r, b, p);
	return exec(s, "record progress",
	    "UPDATE sync_runs SET last_progress_at = now()," RUN_COUNTS_SQL
	    " WHERE run_id = $1 AND status = 'running'", 12, p);
}

int
store_run_finish(struct store *s, const struct store_run *r,
    const char *status, const char *error_text, double ended)
{
	char b[12][24], endbuf[32];
	const char *p[15];

	run_params(r, b, p);
	snprintf(endbuf, sizeof(endbuf), "%.3f", ended);
	p[12] = status;
	p[13] = error_text;
	p[14] = ended > 0 ? endbuf : NULL;
	/*
	 * Also over a closure by a later run ("interrupted"): this record,
	 * written once the connection came back, is the one that knows.
	 */
	return exec(s, "finish run",
	    "UPDATE sync_runs SET finished_at = greatest(coalesce("
	    "  to_timestamp($15::double precision), now()), started_at),"
	    " last_progress_at = coalesce(to_timestamp($15::double precision),"
	    "  now()),"
	    RUN_COUNTS_SQL ", status = $13, error_text = $14"
	    " WHERE run_id = $1", 15, p);
}

/*
 * Retention.  Each call deletes at most `batch` rows of a kind, in its own
 * statement, so no transaction holds many rows or runs long.
 */
/*
 * Delivered only: an undelivered alert is never pruned.  Of an outbox
 * (alert_outbox for flags, match_outbox for new search matches).
 */
#define PRUNE_OUTBOX_SQL(table) \
	"DELETE FROM " table " WHERE alert_id IN" \
	" (SELECT alert_id FROM " table \
	"   WHERE delivered_at IS NOT NULL" \
	"     AND delivered_at < now() - make_interval(" \
	"                             secs => $1::double precision)" \
	"   ORDER BY delivered_at LIMIT $2::integer)" \
	" RETURNING alert_id"

/*
 * Finished runs (with their errors) that stored no version (a version
 * names its run) and are not the newest run.
 */
#define PRUNE_RUNS_SQL \
	"WITH old AS (SELECT r.run_id FROM sync_runs r" \
	"   WHERE r.status <> 'running'" \
	"     AND r.finished_at < now() - make_interval(" \
	"                             secs => $1::double precision)" \
	"     AND r.run_id < (SELECT max(run_id) FROM sync_runs)" \
	"     AND NOT EXISTS (SELECT 1 FROM study_versions v" \
	"                      WHERE v.run_id = r.run_id)" \
	"   ORDER BY r.finished_at LIMIT $2::integer)," \
	" e AS (DELETE FROM sync_errors" \
	"        WHERE run_id IN (SELECT run_id FROM old))" \
	" DELETE FROM sync_runs WHERE run_id IN (SELECT run_id FROM old)" \
	" RETURNING run_id"

/* One pruning statement: *deleted rows older than `age` s, at most `batch`. */
static int
prune_batch(struct store *s, const char *what, const char *sql,
    unsigned age, unsigned batch, unsigned *deleted)
{
	char agebuf[24], lim[24];
	const char *p[2] = {agebuf, lim};
	PGresult *res;

	*deleted = 0;
	if (age == 0)
		return 0;	/* kept forever */
	snprintf(agebuf, sizeof(agebuf), "%u", age);
	snprintf(lim, sizeof(lim), "%u", batch);
	if ((res = q(s, what, PGRES_TUPLES_OK, sql, 2, p)) == NULL)
		return -1;
	*deleted = (unsigned)PQntuples(res);
	PQclear(res);
	return 0;
}

int
store_prune(struct store *s, unsigned alerts_age, unsigned runs_age,
    unsigned batch, unsigned *alerts, unsigned *runs)
{
	unsigned matches = 0;

	*runs = 0;
	if (prune_batch(s, "prune alerts", PRUNE_OUTBOX_SQL("alert_outbox"),
	    alerts_age, batch, alerts) < 0 ||
	    prune_batch(s, "prune announcements",
	    PRUNE_OUTBOX_SQL("match_outbox"), alerts_age, batch, &matches) < 0)
		return -1;
	*alerts += matches;	/* announcements are alerts too */
	return prune_batch(s, "prune runs", PRUNE_RUNS_SQL, runs_age, batch,
	    runs);
}

int
store_run_error(struct store *s, long long run_id, const char *nct_id,
    const char *stage, const char *message)
{
	char rb[24];
	const char *p[4] = {rb, nct_id, stage, message};

	snprintf(rb, sizeof(rb), "%lld", run_id);
	return exec(s, "record error",
	    "INSERT INTO sync_errors (run_id, nct_id, stage, message)"
	    " VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (run_id, nct_id, stage)"
	    " DO UPDATE SET message = EXCLUDED.message", 4, p);
}

/* -------------------------------------------------------------- trials */

int
store_set_tracked(struct store *s, const char *source, char *const *ids,
    size_t n)
{
	char *arr = NULL;
	const char *p[2];
	int rc = -1;

	if ((arr = id_array(ids, n)) == NULL) {
		set_err(s, "track: out of memory");
		return -1;
	}
	p[0] = arr;
	p[1] = source;
	if (store_begin(s) < 0)
		goto out;
	/*
	 * An unchanged set must write nothing (nightly no-op syncs): the IDs
	 * that need no change are left out before ON CONFLICT, which locks
	 * (and WAL-logs the lock of) every row it meets, even one its WHERE
	 * then leaves alone: 2,000 trials were 2,000 lock records a cycle.
	 */
	if (exec(s, "track trials",
	    "INSERT INTO trials (nct_id, source)"
	    " SELECT u.id, $2 FROM (SELECT DISTINCT unnest($1::text[]) AS id) u"
	    "  WHERE NOT EXISTS (SELECT 1 FROM trials t WHERE t.nct_id = u.id"
	    "    AND t.tracked AND (t.source = 'config' OR $2 <> 'config'))"
	    " ON CONFLICT (nct_id) DO UPDATE SET"
	    "  tracked_since = CASE WHEN trials.tracked THEN trials.tracked_since"
	    "                  ELSE now() END,"
	    "  tracked = true,"
	    "  source = CASE WHEN trials.tracked AND trials.source = 'config'"
	    "           THEN trials.source ELSE EXCLUDED.source END"
	    " WHERE NOT trials.tracked OR (EXCLUDED.source = 'config'"
	    "   AND trials.source <> 'config')",
	    2, p) < 0)
		goto fail;
	/* Untracked trials keep their history; they are just not polled. */
	if (exec(s, "untrack trials",
	    "UPDATE trials SET tracked = false"
	    " WHERE tracked AND source = $2 AND NOT (nct_id = ANY($1::text[]))",
	    2, p) < 0)
		goto fail;
	if (store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	free(arr);
	return rc;
}

void
store_free_ids(char **ids, size_t n)
{
	size_t i;

	if (ids == NULL)
		return;
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/*
 * The first column of every row of `sql` (no parameters) as a new array
 * of new strings (store_free_ids).  0 / -1.
 */
static int
column_strings(struct store *s, const char *what, const char *sql,
    char ***out, size_t *n)
{
	PGresult *res;
	size_t i, rows;
	char **v;

	*out = NULL;
	*n = 0;
	if ((res = q(s, what, PGRES_TUPLES_OK, sql, 0, NULL)) == NULL)
		return -1;
	rows = (size_t)PQntuples(res);
	if ((v = calloc(rows + 1, sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < rows; i++)
		if ((v[i] = strdup(PQgetvalue(res, (int)i, 0))) == NULL) {
			store_free_ids(v, i);
			goto oom;
		}
	PQclear(res);
	*out = v;
	*n = rows;
	return 0;
oom:
	PQclear(res);
	set_err(s, "%s: out of memory", what);
	return -1;
}

int
store_tracked_ids(struct store *s, char ***ids, size_t *n)
{
	return column_strings(s, "tracked trials",
	    "SELECT nct_id FROM trials WHERE tracked ORDER BY nct_id", ids, n);
}

/* Position of every result row's ID in `ids`, via one sort + bsearch. */
static long
find_id(char *const *ids, const size_t *order, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(ids[order[mid]], id);

		if (c == 0)
			return (long)order[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int
cmp_order(const void *a, const void *b, void *ids)
{
	char *const *v = ids;

	return strcmp(v[*(const size_t *)a], v[*(const size_t *)b]);
}

static size_t *
sorted_order(char *const *ids, size_t n)
{
	size_t *order, i;

	if ((order = malloc((n ? n : 1) * sizeof(*order))) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof(*order), cmp_order, (void *)ids);
	return order;
}

/* ------------------------------------------------------------ versions */

int
store_current(struct store *s, char *const *ids, size_t n, bool want_raw,
    struct store_current *cur)
{
	PGresult *res = NULL;
	char *arr = NULL;
	size_t *order = NULL;
	const char *p[2];
	int rc = -1;

	memset(cur, 0, n * sizeof(*cur));
	if (n == 0)
		return 0;
	if ((arr = id_array(ids, n)) == NULL ||
	    (order = sorted_order(ids, n)) == NULL) {
		set_err(s, "current versions: out of memory");
		goto out;
	}
	p[0] = arr;
	p[1] = want_raw ? "t" : "f";
	/* FOR UPDATE OF t: a concurrent writer of the same trial waits. */
	res = q(s, "current versions", PGRES_TUPLES_OK,
	    "SELECT t.nct_id, v.version_id, v.version_no, v.content_hash,"
	    "       CASE WHEN $2::boolean THEN v.raw::text END,"
	    "       coalesce(v.last_update_posted, '')"
	    "  FROM trials t LEFT JOIN study_versions v"
	    "    ON v.version_id = t.current_version_id"
	    " WHERE t.nct_id = ANY($1::text[])"
	    "   FOR UPDATE OF t", 2, p);
	if (res == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		long k = find_id(ids, order, n, PQgetvalue(res, r, 0));

		if (k < 0 || PQgetisnull(res, r, 1))
			continue;
		cur[k].version_id = strtoll(PQgetvalue(res, r, 1), NULL, 10);
		cur[k].version_no = atoi(PQgetvalue(res, r, 2));
		snprintf(cur[k].hash, sizeof(cur[k].hash), "%s",
		    PQgetvalue(res, r, 3));
		copy_date(cur[k].last_update, PQgetvalue(res, r, 5));
		if (!PQgetisnull(res, r, 4) &&
		    (cur[k].raw = strdup(PQgetvalue(res, r, 4))) == NULL) {
			set_err(s, "current versions: out of memory");
			store_current_finish(cur, n);
			goto out;
		}
	}
	rc = 0;
out:
	PQclear(res);
	free(order);
	free(arr);
	return rc;
}

void
store_current_finish(struct store_current *cur, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(cur[i].raw);
		cur[i].raw = NULL;
	}
}

static const char *
date_or_null(const struct study_date *d)
{
	return d->type == DATE_NONE || d->date[0] == '\0' ? NULL : d->date;
}

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

/* The changes as four text arrays (path, class, old, new); new, or -1. */
static int
change_arrays(const struct change_list *changes, size_t nch, char *arr[4])
{
	const char **col_v[4] = {NULL, NULL, NULL, NULL};
	size_t i;
	int rc = -1;

	for (i = 0; i < 4; i++)
		if ((col_v[i] = calloc(nch + 1, sizeof(*col_v[i]))) == NULL)
			goto out;
	for (i = 0; i < nch; i++) {
		col_v[0][i] = changes->v[i].path;
		col_v[1][i] = diff_class_name(changes->v[i].cls);
		col_v[2][i] = changes->v[i].old_value;
		col_v[3][i] = changes->v[i].new_value;
	}
	for (i = 0; i < 4; i++)
		if ((arr[i] = array_literal(col_v[i], nch)) == NULL)
			goto out;
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		free(col_v[i]);
	return rc;
}

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

static void
vparams_finish(struct vparams *vp)
{
	for (size_t i = 0; i < 4; i++)
		free(vp->arr[i]);
	free(vp->pmid_arr);
	free(vp->pmids);
}

static int
vparams_init(struct store *s, struct vparams *vp, const struct study *st,
    int version_no, long long run_id, long long prev_id,
    const struct change_list *changes)
{
	size_t i, k = 0, nch = changes && prev_id > 0 ? changes->n : 0;

	memset(vp, 0, sizeof(*vp));
	snprintf(vp->vno, sizeof(vp->vno), "%d", version_no);
	snprintf(vp->rid, sizeof(vp->rid), "%lld", run_id);
	snprintf(vp->prev_id, sizeof(vp->prev_id), "%lld", prev_id);
	if ((vp->pmids = calloc(st->n_refs + 1, sizeof(*vp->pmids))) == NULL)
		goto oom;
	for (i = 0; i < st->n_refs; i++)
		if (st->refs[i].type == REF_RESULT && st->refs[i].pmid)
			vp->pmids[k++] = st->refs[i].pmid;
	if ((vp->pmid_arr = array_literal(vp->pmids, k)) == NULL ||
	    change_arrays(changes, nch, vp->arr) < 0)
		goto oom;
	vp->p[0] = st->nct_id;
	vp->p[1] = vp->vno;
	vp->p[2] = st->hash;
	vp->p[3] = date_or_null(&st->last_update_posted);
	vp->p[4] = run_id > 0 ? vp->rid : NULL;
	vp->p[5] = st->acronym;
	vp->p[6] = st->brief_title;
	vp->p[7] = st->overall_status;
	vp->p[8] = st->has_results ? "t" : "f";
	vp->p[9] = date_or_null(&st->results_first_posted);
	vp->p[10] = st->results_submitted[0] ? st->results_submitted : NULL;
	vp->p[11] = date_or_null(&st->primary_completion);
	vp->p[12] = st->primary_completion.type == DATE_ACTUAL ? "ACTUAL" :
	    st->primary_completion.type == DATE_ESTIMATED ? "ESTIMATED" : NULL;
	vp->p[13] = vp->pmid_arr;
	vp->p[14] = st->canonical;
	vp->p[15] = prev_id > 0 ? vp->prev_id : NULL;
	for (i = 0; i < 4; i++)
		vp->p[16 + i] = vp->arr[i];
	return 0;
oom:
	set_err(s, "store version: out of memory");
	vparams_finish(vp);
	return -1;
}

int
store_add_version(struct store *s, long long run_id, const struct study *st,
    const struct store_current *prev, const struct change_list *changes)
{
	struct vparams vp;
	int rc;

	if (vparams_init(s, &vp, st, prev->version_no + 1, run_id,
	    prev->version_id, changes) < 0)
		return -1;
	rc = exec(s, "store version", ADD_VERSION_SQL, 20, vp.p);
	vparams_finish(&vp);
	return rc;
}

int
store_mark_not_found(struct store *s, const char *nct_id, const char *answer)
{
	const char *p[2] = {nct_id, answer ? answer : "not found"};

	return exec(s, "mark not found",
	    "UPDATE trials SET registry_state = 'not_found',"
	    " missing_since = coalesce(missing_since, now()),"
	    " registry_answer = $2, registry_checked_at = now()"
	    " WHERE nct_id = $1", 2, p);
}

int
store_skip_ids(struct store *s, char ***ids, size_t *n)
{
	/*
	 * Known aliases: their current ID is tracked and asked instead.  IDs
	 * only pages cite that the registry does not know: once a week.
	 */
	return column_strings(s, "IDs not to ask",
	    "SELECT nct_id FROM trials WHERE tracked AND ("
	    "  current_nct_id IS NOT NULL OR"
	    "  (source = 'pages' AND registry_state = 'not_found' AND"
	    "   current_version_id IS NULL AND"
	    "   registry_checked_at > now() - interval '7 days'))"
	    " ORDER BY nct_id COLLATE \"C\"", ids, n);
}

int
store_record_alias(struct store *s, const char *alias, const char *current)
{
	const char *p[2] = {alias, current};

	if (exec(s, "record alias",
	    "INSERT INTO trial_aliases (alias_nct_id, nct_id) VALUES ($1, $2)"
	    " ON CONFLICT (alias_nct_id) DO UPDATE SET nct_id = $2,"
	    " last_seen_at = now()", 2, p) < 0)
		return -1;
	/* One parameter: the server cannot type an unused $1. */
	if (exec(s, "track current ID",
	    "INSERT INTO trials (nct_id, source) VALUES ($1, 'alias')"
	    " ON CONFLICT (nct_id) DO UPDATE SET tracked = true", 1, p + 1) < 0)
		return -1;
	return exec(s, "mark alias",
	    "UPDATE trials SET current_nct_id = $2 WHERE nct_id = $1"
	    " AND current_nct_id IS DISTINCT FROM $2", 2, p);
}

int
store_run_registry(struct store *s, long long run_id, const char *build,
    const char *digest)
{
	char rid[24];
	const char *p[3] = {rid, build, digest};

	snprintf(rid, sizeof(rid), "%lld", run_id);
	return exec(s, "record the registry build",
	    "UPDATE sync_runs SET registry_build = $2, tracked_digest = $3"
	    " WHERE run_id = $1", 3, p);
}

int
store_last_registry(struct store *s, struct store_registry *out)
{
	PGresult *res;

	memset(out, 0, sizeof(*out));
	res = q(s, "last registry build", PGRES_TUPLES_OK,
	    "SELECT ok.run_id, ok.registry_build, ok.tracked_digest,"
	    "       seen.registry_build,"
	    "       to_char(seen.started_at AT TIME ZONE 'UTC',"
	    "               'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "  FROM (SELECT 1) one"
	    "  LEFT JOIN LATERAL (SELECT run_id, registry_build, tracked_digest"
	    "    FROM sync_runs WHERE status = 'ok'"
	    "    ORDER BY run_id DESC LIMIT 1) ok ON true"
	    "  LEFT JOIN LATERAL (SELECT registry_build, started_at"
	    "    FROM sync_runs WHERE registry_build IS NOT NULL"
	    "    ORDER BY run_id DESC LIMIT 1) seen ON true", 0, NULL);
	if (res == NULL)
		return -1;
	if (!PQgetisnull(res, 0, 0))
		out->ok_run_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	snprintf(out->ok_build, sizeof(out->ok_build), "%s",
	    PQgetvalue(res, 0, 1));
	snprintf(out->ok_digest, sizeof(out->ok_digest), "%s",
	    PQgetvalue(res, 0, 2));
	snprintf(out->build, sizeof(out->build), "%s", PQgetvalue(res, 0, 3));
	snprintf(out->build_seen_at, sizeof(out->build_seen_at), "%s",
	    PQgetvalue(res, 0, 4));
	PQclear(res);
	return 0;
}

/* ------------------------------------------------------------- reading */

int
store_set_today(struct store *s, const char *today)
{
	const char *p[1] = {today};
	PGresult *res;

	if ((res = q(s, "set today", PGRES_TUPLES_OK,
	    "SELECT set_config('ctmirror.today', $1::date::text, false)", 1,
	    p)) == NULL)
		return -1;
	PQclear(res);
	return 0;
}

int
store_each_trial(struct store *s, store_trial_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = q(s, "list trials", PGRES_TUPLES_OK,
	    "SELECT c.nct_id, c.acronym, c.overall_status, c.has_results,"
	    "       to_char(c.results_first_posted_date, 'YYYY-MM-DD'),"
	    "       to_char(c.last_update_posted_date, 'YYYY-MM-DD'),"
	    "       to_char(c.last_checked_at AT TIME ZONE 'UTC',"
	    "               'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    "       t.registry_state,"
	    "       (SELECT count(*) FROM study_versions v"
	    "         WHERE v.nct_id = c.nct_id),"
	    "       d.state, to_char(d.due_by, 'YYYY-MM-DD'), d.days_late"
	    "  FROM trials_current c JOIN trials t USING (nct_id)"
	    "  LEFT JOIN results_due d USING (nct_id)"
	    " ORDER BY c.nct_id", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_trial_row row;

		memset(&row, 0, sizeof(row));
		snprintf(row.nct_id, sizeof(row.nct_id), "%s",
		    PQgetvalue(res, r, 0));
		row.acronym = (char *)col(res, r, 1);
		row.overall_status = (char *)col(res, r, 2);
		row.has_results = PQgetvalue(res, r, 3)[0] == 't';
		copy_date(row.results_first_posted, col(res, r, 4));
		copy_date(row.last_update_posted, col(res, r, 5));
		row.last_checked_at = (char *)col(res, r, 6);
		row.registry_state = PQgetvalue(res, r, 7);
		row.versions = atoi(PQgetvalue(res, r, 8));
		row.results_due_state = (char *)col(res, r, 9);
		copy_date(row.results_due_by, col(res, r, 10));
		row.results_days_late = PQgetisnull(res, r, 11) ? -1 :
		    atol(PQgetvalue(res, r, 11));
		rc = fn(arg, &row);
	}
	PQclear(res);
	return rc;
}

int
store_summary(struct store *s, struct store_summary *sum)
{
	PGresult *res;

	memset(sum, 0, sizeof(*sum));
	res = q(s, "summary", PGRES_TUPLES_OK,
	    "SELECT (SELECT count(*) FROM trials WHERE tracked),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'stale'),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'recheck'),"
	    " r.run_id, r.status,"
	    " to_char(r.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " to_char(r.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
	    " (SELECT to_char(max(finished_at) AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM sync_runs"
	    "   WHERE status = 'ok'),"
	    " (SELECT count(*) FROM pages WHERE skipped_since IS NOT NULL),"
	    " (SELECT to_char(min(skipped_since) AT TIME ZONE 'UTC',"
	    "   'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM pages),"
	    " r.error_text, r.errors"
	    " FROM (SELECT 1) one LEFT JOIN LATERAL"
	    "  (SELECT * FROM sync_runs ORDER BY run_id DESC LIMIT 1) r ON true",
	    0, NULL);
	if (res == NULL)
		return -1;
	sum->trials_tracked = (unsigned)atoi(PQgetvalue(res, 0, 0));
	sum->flags_open_stale = (unsigned)atoi(PQgetvalue(res, 0, 1));
	sum->flags_open_recheck = (unsigned)atoi(PQgetvalue(res, 0, 2));
	if (!PQgetisnull(res, 0, 3)) {
		sum->last_run_id = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
		snprintf(sum->last_run_status, sizeof(sum->last_run_status),
		    "%s", PQgetvalue(res, 0, 4));
		snprintf(sum->last_run_started, sizeof(sum->last_run_started),
		    "%s", PQgetvalue(res, 0, 5));
		snprintf(sum->last_run_finished, sizeof(sum->last_run_finished),
		    "%s", PQgetvalue(res, 0, 6));
	}
	snprintf(sum->last_ok_finished, sizeof(sum->last_ok_finished), "%s",
	    PQgetvalue(res, 0, 7));
	sum->pages_skipped = (unsigned)atoi(PQgetvalue(res, 0, 8));
	snprintf(sum->pages_skipped_since, sizeof(sum->pages_skipped_since),
	    "%s", PQgetvalue(res, 0, 9));
	snprintf(sum->last_run_error, sizeof(sum->last_run_error), "%s",
	    PQgetvalue(res, 0, 10));
	sum->last_run_errors = (unsigned)atoi(PQgetvalue(res, 0, 11));
	PQclear(res);
	return 0;
}

/* ------------------------------------------------------- rule states */

/*
 * The registry state of a trial as the rules read it (model.h's
 * trial_state), columns 0 to 12 of a row of this select; with the IDs the
 * registry does not know (rule unknown-trial).
 */
#define STATE_SELECT \
	"SELECT t.nct_id, v.overall_status, coalesce(v.has_results, false)," \
	"       coalesce(v.results_first_posted, '')," \
	"       coalesce(v.last_update_posted, '')," \
	"       coalesce(v.results_submitted, '')," \
	"       coalesce(array_to_string(v.result_pmids, ' '), '')," \
	"       coalesce(cardinality(v.result_pmids), 0), v.acronym," \
	"       v.brief_title," \
	"       CASE WHEN t.registry_state = 'not_found'" \
	"            THEN coalesce(t.registry_answer, 'not found') END," \
	"       coalesce(to_char(coalesce(t.registry_checked_at," \
	"                                 t.missing_since), 'YYYY-MM-DD'), '')," \
	"       coalesce(to_char(d.due_by, 'YYYY-MM-DD'), '')," \
	"       v.status_since, v.result_refs_since"

/*
 * The joins STATE_SELECT reads: the current version, and the deadline of
 * trials that become overdue when it passes (both states, so the answer
 * does not depend on today).  The deadlines are worked out once for all
 * (a materialized CTE, hashed): as a join condition the planner would
 * redo the view for every trial asked (2.9 s for 4,096 of 50,000).
 */
#define STATE_DUE \
	"WITH due AS MATERIALIZED (SELECT nct_id, due_by FROM results_due" \
	"   WHERE state IN ('not due yet', 'overdue')" \
	"     AND primary_completion_date_type = 'ACTUAL'" \
	"     AND results_first_submitted_date IS NULL) "
#define STATE_FROM \
	"  FROM trials t LEFT JOIN study_versions v" \
	"    ON v.version_id = t.current_version_id" \
	"  LEFT JOIN due d ON d.nct_id = t.nct_id"

/* PMIDs a state can list; more are left out of the evidence. */
#define STATE_PMIDS 64

/*
 * Row r of a STATE_SELECT result into *st: its strings borrowed from res,
 * its PMIDs split into pmids (room for STATE_PMIDS, NUL-separated in
 * buf, a copy of column 6).
 */
static void
state_of_row(const PGresult *res, int r, struct trial_state *st, char *buf,
    size_t size, const char **pmids)
{
	char *save = NULL, *tok;

	memset(st, 0, sizeof(*st));
	snprintf(st->nct_id, sizeof(st->nct_id), "%s", PQgetvalue(res, r, 0));
	st->overall_status = col(res, r, 1);
	st->has_results = PQgetvalue(res, r, 2)[0] == 't';
	copy_date(st->results_first_posted, PQgetvalue(res, r, 3));
	copy_date(st->last_update_posted, PQgetvalue(res, r, 4));
	copy_date(st->results_submitted, PQgetvalue(res, r, 5));
	st->acronym = col(res, r, 8);
	st->brief_title = col(res, r, 9);
	st->registry_answer = col(res, r, 10);
	copy_date(st->answered_on, PQgetvalue(res, r, 11));
	copy_date(st->results_due_by, PQgetvalue(res, r, 12));
	copy_date(st->status_since, col(res, r, 13));
	copy_date(st->result_refs_since, col(res, r, 14));
	snprintf(buf, size, "%s", PQgetvalue(res, r, 6));
	st->result_pmids = pmids;
	for (tok = strtok_r(buf, " ", &save); tok && st->n_result_pmids <
	    STATE_PMIDS; tok = strtok_r(NULL, " ", &save))
		pmids[st->n_result_pmids++] = tok;
}

int
store_each_state(struct store *s, char *const *ids, size_t n,
    store_state_fn fn, void *arg)
{
	const char *pmids[STATE_PMIDS];
	const char *p[1];
	char *arr = NULL, buf[STATE_PMIDS * 12];
	PGresult *res;
	bool failed = false, stopped = false;

	if (n == 0)
		return 0;
	if (s->pipeline) {
		set_err(s, "states: internal error: inside a pipeline");
		return -1;
	}
	if ((arr = id_array(ids, n)) == NULL) {
		set_err(s, "states: out of memory");
		return -1;
	}
	p[0] = arr;
	/*
	 * Row by row: a whole knowledge base's trials cost one row's memory,
	 * however many they are; in no order, so that the server need not
	 * sort wide rows.  The summary is the citation
	 * check's cut of the record (migration 0003): a few KB, nothing of
	 * a results section decompressed.
	 */
	if (!PQsendQueryParams(s->conn, STATE_DUE STATE_SELECT
	    ", v.citation::text" STATE_FROM
	    " WHERE t.nct_id = ANY ($1::text[])"
	    "   AND (v.version_id IS NOT NULL OR t.registry_state = 'not_found')",
	    1, NULL, p, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(s->conn)) {
		set_pq_err(s, "states", NULL);
		free(arr);
		return -1;
	}
	free(arr);
	while ((res = PQgetResult(s->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !failed && !stopped) {
			struct trial_state ts;

			state_of_row(res, 0, &ts, buf, sizeof(buf), pmids);
			if (fn(arg, &ts, col(res, 0, 15), (size_t)PQgetlength(
			    res, 0, 15)) < 0)
				stopped = true;
		} else if (st != PGRES_TUPLES_OK &&
		    st != PGRES_SINGLE_TUPLE && !failed) {
			set_pq_err(s, "states", PQresultErrorMessage(res));
			failed = true;
		}
		PQclear(res);
	}
	return failed || stopped ? -1 : 0;
}

struct store_names {
	PGresult *acr;			/* acronym, nct_id */
	struct claims_acronym *v;
	size_t n;
	PGresult *aliases;		/* alias_nct_id, nct_id; sorted by alias */
};

struct store_names *
store_load_names(struct store *s)
{
	struct store_names *m = calloc(1, sizeof(*m));

	if (m == NULL)
		goto oom;
	m->acr = q(s, "load acronyms", PGRES_TUPLES_OK,
	    "SELECT v.acronym, t.nct_id FROM trials t"
	    "  JOIN study_versions v ON v.version_id = t.current_version_id"
	    " WHERE v.acronym <> '' ORDER BY t.nct_id COLLATE \"C\"", 0, NULL);
	if (m->acr == NULL)
		goto fail;
	m->n = (size_t)PQntuples(m->acr);
	if ((m->v = calloc(m->n + 1, sizeof(*m->v))) == NULL)
		goto oom;
	for (size_t i = 0; i < m->n; i++) {
		m->v[i].acronym = PQgetvalue(m->acr, (int)i, 0);
		m->v[i].nct_id = PQgetvalue(m->acr, (int)i, 1);
	}
	/* Sorted by the server in C collation, for store_names_alias(). */
	m->aliases = q(s, "load aliases", PGRES_TUPLES_OK,
	    "SELECT alias_nct_id, nct_id FROM trial_aliases"
	    " ORDER BY alias_nct_id COLLATE \"C\"", 0, NULL);
	if (m->aliases == NULL)
		goto fail;
	return m;
oom:
	set_err(s, "load acronyms: out of memory");
fail:
	store_names_free(m);
	return NULL;
}

const struct claims_acronym *
store_names_acronyms(const struct store_names *m, size_t *n)
{
	*n = m ? m->n : 0;
	return m ? m->v : NULL;
}

const char *
store_names_alias(const struct store_names *m, const char *nct_id)
{
	int lo = 0, hi;

	if (m == NULL || m->aliases == NULL)
		return NULL;
	/* Binary search over the rows; a handful in practice. */
	for (hi = PQntuples(m->aliases); lo < hi;) {
		int mid = lo + (hi - lo) / 2;
		int c = strcmp(PQgetvalue(m->aliases, mid, 0), nct_id);

		if (c == 0)
			return PQgetvalue(m->aliases, mid, 1);
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
store_names_free(struct store_names *m)
{
	if (m == NULL)
		return;
	free(m->v);
	PQclear(m->aliases);
	PQclear(m->acr);
	free(m);
}

/* ------------------------------------------------------------- history */

/*
 * The day a version took effect, as SQL on the study_versions row `x`:
 * its lastUpdatePostDate, else the date its change list gives it, else
 * the day ctmirror fetched it.  As trial_timeline dates its spans.
 */
#define VERSION_DAY(x) \
	"coalesce(" x ".last_update_posted, " x ".registry_date," \
	" to_char(" x ".fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))"

int
store_backfill_queue(struct store *s)
{
	/* Nothing to queue writes nothing (nightly no-op syncs). */
	return exec(s, "queue backfills",
	    "INSERT INTO history_backfill (nct_id)"
	    " SELECT t.nct_id FROM trials t"
	    "  WHERE t.tracked AND t.registry_state = 'present'"
	    "    AND t.current_version_id IS NOT NULL"
	    "    AND NOT EXISTS (SELECT 1 FROM history_backfill b"
	    "                     WHERE b.nct_id = t.nct_id)"
	    " ON CONFLICT (nct_id) DO NOTHING", 0, NULL);
}

int
store_backfill_open(struct store *s, struct store_backfill **v, size_t *n)
{
	PGresult *res;
	int rows;

	*v = NULL;
	*n = 0;
	res = q(s, "open backfills", PGRES_TUPLES_OK,
	    "SELECT b.nct_id, coalesce(b.versions_listed, 0), b.attempts"
	    "  FROM history_backfill b JOIN trials t USING (nct_id)"
	    " WHERE b.state IN ('pending', 'listed') AND t.tracked"
	    "   AND t.registry_state = 'present'"
	    " ORDER BY b.attempts, t.tracked_since DESC, b.nct_id", 0, NULL);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if ((*v = calloc((size_t)rows + 1, sizeof(**v))) == NULL) {
		PQclear(res);
		set_err(s, "open backfills: out of memory");
		return -1;
	}
	for (int r = 0; r < rows; r++) {
		snprintf((*v)[r].nct_id, NCT_ID_SIZE, "%s",
		    PQgetvalue(res, r, 0));
		(*v)[r].versions_listed = atoi(PQgetvalue(res, r, 1));
		(*v)[r].attempts = atoi(PQgetvalue(res, r, 2));
	}
	*n = (size_t)rows;
	PQclear(res);
	return 0;
}

int
store_backfill_list(struct store *s, const char *nct_id,
    const struct history_list *l)
{
	const char **cols[4] = {NULL, NULL, NULL, NULL};
	char (*num)[16] = NULL, *arr[4] = {NULL, NULL, NULL, NULL}, count[16];
	char **labels = NULL;
	const char *p[5];
	size_t i;
	int rc = -1;

	for (i = 0; i < 4; i++)
		if ((cols[i] = calloc(l->n + 1, sizeof(*cols[i]))) == NULL)
			goto oom;
	if ((num = calloc(l->n + 1, sizeof(*num))) == NULL ||
	    (labels = calloc(l->n + 1, sizeof(*labels))) == NULL)
		goto oom;
	for (i = 0; i < l->n; i++) {
		snprintf(num[i], sizeof(num[i]), "%d", l->v[i].version);
		if ((labels[i] = array_literal((const char *const *)
		    l->v[i].labels, l->v[i].n_labels)) == NULL)
			goto oom;
		cols[0][i] = num[i];
		cols[1][i] = l->v[i].date;
		cols[2][i] = l->v[i].status;
		cols[3][i] = labels[i];
	}
	for (i = 0; i < 4; i++)
		if ((arr[i] = array_literal(cols[i], l->n)) == NULL)
			goto oom;
	snprintf(count, sizeof(count), "%zu", l->n);
	p[0] = nct_id;
	for (i = 0; i < 4; i++)
		p[i + 1] = arr[i];
	if (store_begin(s) < 0)
		goto out;
	/* A list read again replaces the old one and what was staged by it. */
	if (exec(s, "store change list",
	    "DELETE FROM history_changes WHERE nct_id = $1", 1, p) < 0 ||
	    exec(s, "store change list",
	    "INSERT INTO history_changes (nct_id, registry_version,"
	    "  registry_date, overall_status, module_labels)"
	    " SELECT $1, u.v::integer, u.d, u.s, u.l::text[]"
	    "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])"
	    "        AS u(v, d, s, l)", 5, p) < 0)
		goto fail;
	p[1] = count;
	if (exec(s, "store change list",
	    "UPDATE history_backfill SET state = 'listed', listed_at = now(),"
	    " versions_listed = $2::integer, anchor_version = NULL,"
	    " attempts = 0, last_error = NULL WHERE nct_id = $1", 2, p) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
oom:
	set_err(s, "store change list: out of memory");
	goto out;
fail:
	store_rollback(s);
out:
	for (i = 0; i < 4; i++) {
		free(arr[i]);
		free(cols[i]);
	}
	if (labels)
		for (i = 0; i < l->n; i++)
			free(labels[i]);
	free(labels);
	free(num);
	return rc;
}

int
store_backfill_staged(struct store *s, const char *nct_id, bool *staged,
    size_t n)
{
	const char *p[1] = {nct_id};
	PGresult *res;

	memset(staged, 0, n * sizeof(*staged));
	res = q(s, "staged versions", PGRES_TUPLES_OK,
	    "SELECT registry_version FROM history_staged WHERE nct_id = $1",
	    1, p);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long v = strtol(PQgetvalue(res, r, 0), NULL, 10);

		if (v >= 0 && (size_t)v < n)
			staged[v] = true;
	}
	PQclear(res);
	return 0;
}

int
store_backfill_stage(struct store *s, const char *nct_id, int version,
    const char *canonical, bool anchor)
{
	char vb[16];
	const char *p[4] = {nct_id, vb, canonical, anchor ? "t" : "f"};

	snprintf(vb, sizeof(vb), "%d", version);
	/* One statement: staged and marked together or not at all. */
	return exec(s, "stage version",
	    "WITH i AS (INSERT INTO history_staged (nct_id, registry_version,"
	    "   study) VALUES ($1, $2::integer, $3)"
	    "  ON CONFLICT (nct_id, registry_version)"
	    "  DO UPDATE SET study = EXCLUDED.study RETURNING 1)"
	    " UPDATE history_backfill SET anchor_version = CASE"
	    "   WHEN $4::boolean THEN greatest(coalesce(anchor_version, -1),"
	    "                                  $2::integer)"
	    "   ELSE anchor_version END"
	    "  FROM i WHERE nct_id = $1", 4, p);
}

int
store_backfill_attempt(struct store *s, const char *nct_id, const char *why,
    bool give_up)
{
	const char *p[3] = {nct_id, why, give_up ? "t" : "f"};

	return exec(s, "backfill attempt",
	    "UPDATE history_backfill SET"
	    " attempts = CASE WHEN $2::text IS NULL THEN 0 ELSE attempts + 1 END,"
	    " last_error = $2,"
	    " state = CASE WHEN $3::boolean THEN 'failed' ELSE state END,"
	    " finished_at = CASE WHEN $3::boolean THEN now() END"
	    " WHERE nct_id = $1", 3, p);
}

int
store_backfill_anchor(struct store *s, const char *nct_id,
    struct store_anchor *a)
{
	const char *p[1] = {nct_id};
	PGresult *res;

	memset(a, 0, sizeof(*a));
	a->anchor_version = -1;
	/* FOR UPDATE OF t: the trial's versions stay as read until commit. */
	res = q(s, "backfill anchor", PGRES_TUPLES_OK,
	    "SELECT v.version_id, v.source = 'live', v.raw::text,"
	    "       coalesce(b.versions_listed, 0),"
	    "       coalesce(b.anchor_version, -1),"
	    "       (SELECT count(*) FROM history_staged h"
	    "         WHERE h.nct_id = t.nct_id)"
	    "  FROM trials t JOIN history_backfill b USING (nct_id)"
	    "  LEFT JOIN study_versions v"
	    "    ON v.nct_id = t.nct_id AND v.version_no = 1"
	    " WHERE t.nct_id = $1"
	    "   FOR UPDATE OF t", 1, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
		a->version_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		a->live = PQgetvalue(res, 0, 1)[0] == 't';
		a->versions_listed = atoi(PQgetvalue(res, 0, 3));
		a->anchor_version = atoi(PQgetvalue(res, 0, 4));
		a->staged = atoi(PQgetvalue(res, 0, 5));
		if ((a->raw = strdup(PQgetvalue(res, 0, 2))) == NULL) {
			PQclear(res);
			set_err(s, "backfill anchor: out of memory");
			return -1;
		}
	}
	PQclear(res);
	return 0;
}

void
store_anchor_finish(struct store_anchor *a)
{
	free(a->raw);
	a->raw = NULL;
}

int
store_backfill_shift(struct store *s, const char *nct_id, int by)
{
	char b[16];
	const char *p[2] = {nct_id, b};

	snprintf(b, sizeof(b), "%d", by);
	/* One statement: the deferrable unique key is checked at its end. */
	return exec(s, "renumber versions",
	    "UPDATE study_versions SET version_no = version_no + $2::integer"
	    " WHERE nct_id = $1 AND source = 'live'", 2, p);
}

int
store_backfill_text(struct store *s, const char *nct_id, int version,
    char **text, char date[DATE_SIZE])
{
	char vb[16];
	const char *p[2] = {nct_id, vb};
	PGresult *res;

	*text = NULL;
	snprintf(vb, sizeof(vb), "%d", version);
	res = q(s, "staged version", PGRES_TUPLES_OK,
	    "SELECT h.study, c.registry_date"
	    "  FROM history_staged h JOIN history_changes c"
	    "    USING (nct_id, registry_version)"
	    " WHERE h.nct_id = $1 AND h.registry_version = $2::integer", 2, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 1;
	}
	copy_date(date, PQgetvalue(res, 0, 1));
	*text = strdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (*text == NULL) {
		set_err(s, "staged version: out of memory");
		return -1;
	}
	return 0;
}

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

int
store_backfill_add(struct store *s, long long run_id, const struct study *st,
    int version_no, int registry_version, const char *registry_date,
    long long prev_id, const struct change_list *changes,
    long long *version_id)
{
	struct vparams vp;
	char rv[16];
	PGresult *res;

	if (vparams_init(s, &vp, st, version_no, run_id, prev_id, changes) < 0)
		return -1;
	snprintf(rv, sizeof(rv), "%d", registry_version);
	vp.p[20] = rv;
	vp.p[21] = registry_date;
	res = q(s, "store history version", PGRES_TUPLES_OK,
	    HISTORY_VERSION_SQL, 22, vp.p);
	vparams_finish(&vp);
	if (res == NULL)
		return -1;
	*version_id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return 0;
}

int
store_backfill_join(struct store *s, const char *nct_id, long long anchor_id,
    long long prev_id, const struct change_list *changes, int anchor_version,
    int stored, int skipped)
{
	char aid[24], pid[24], av[16], nst[16], nsk[16], *arr[4] = {0};
	const char *p[7];
	PGresult *res;
	size_t nch = prev_id > 0 && changes ? changes->n : 0;
	int rc = -1;

	snprintf(aid, sizeof(aid), "%lld", anchor_id);
	snprintf(pid, sizeof(pid), "%lld", prev_id);
	snprintf(av, sizeof(av), "%d", anchor_version);
	snprintf(nst, sizeof(nst), "%d", stored);
	snprintf(nsk, sizeof(nsk), "%d", skipped);
	if (change_arrays(changes, nch, arr) < 0) {
		set_err(s, "join history: out of memory");
		goto out;
	}
	p[0] = nct_id;
	p[1] = aid;
	p[2] = pid;
	for (int i = 0; i < 4; i++)
		p[3 + i] = arr[i];
	if (nch > 0 && exec(s, "join history",
	    "INSERT INTO study_changes (nct_id, version_id, prev_version_id,"
	    "  path, change_class, old_value, new_value, registry_updated)"
	    " SELECT $1, v.version_id, $3::bigint, u.path, u.cls,"
	    "        u.old::jsonb, u.new::jsonb, v.last_update_posted"
	    "   FROM study_versions v, unnest($4::text[], $5::text[],"
	    "        $6::text[], $7::text[]) AS u(path, cls, old, new)"
	    "  WHERE v.version_id = $2::bigint", 7, p) < 0)
		goto out;
	p[2] = anchor_version >= 0 ? av : NULL;
	if (anchor_version >= 0 && exec(s, "join history",
	    "UPDATE study_versions SET registry_version = $3::integer,"
	    " registry_date = (SELECT c.registry_date FROM history_changes c"
	    "   WHERE c.nct_id = $1 AND c.registry_version = $3::integer)"
	    " WHERE version_id = $2::bigint", 3, p) < 0)
		goto out;
	p[1] = p[2];
	p[2] = nst;
	p[3] = nsk;
	if (exec(s, "join history",
	    "UPDATE history_backfill SET state = 'done', finished_at = now(),"
	    " anchor_version = $2::integer, versions_stored = $3::integer,"
	    " versions_skipped = $4::integer, attempts = 0, last_error = NULL"
	    " WHERE nct_id = $1", 4, p) < 0 ||
	    exec(s, "join history",
	    "DELETE FROM history_staged WHERE nct_id = $1", 1, p) < 0)
		goto out;
	/* The runs of status and references now begin in the history. */
	if ((res = q(s, "join history", PGRES_TUPLES_OK,
	    "SELECT study_versions_resince($1)", 1, p)) == NULL)
		goto out;
	PQclear(res);
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		free(arr[i]);
	return rc;
}

int
store_backfill_summary(struct store *s, struct store_backfill_summary *sum)
{
	PGresult *res;

	memset(sum, 0, sizeof(*sum));
	res = q(s, "backfill summary", PGRES_TUPLES_OK,
	    "SELECT count(*) FILTER (WHERE state IN ('pending', 'listed')),"
	    " count(*) FILTER (WHERE state = 'done'),"
	    " count(*) FILTER (WHERE state = 'failed'),"
	    " coalesce(sum(versions_stored), 0)"
	    " FROM history_backfill", 0, NULL);
	if (res == NULL)
		return -1;
	sum->pending = (unsigned)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	sum->done = (unsigned)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	sum->failed = (unsigned)strtoul(PQgetvalue(res, 0, 2), NULL, 10);
	sum->versions = strtoull(PQgetvalue(res, 0, 3), NULL, 10);
	PQclear(res);
	return 0;
}


/* ------------------------------------------------- a trial's versions */

struct store_versions {
	PGresult *res;			/* owns the strings below */
	struct timeline_version *v;
	size_t n;
	char **bufs;			/* per version: split refs and edits */
	struct timeline_ref **refs;
	const char ***edited;
};

/* Split `text` (copied to *buf) at spaces into words; *n of them. */
static const char **
split_words(const char *text, char **buf, size_t *n)
{
	size_t cap = 1, i = 0;
	const char **w;
	char *save = NULL, *tok;

	*n = 0;
	if ((*buf = strdup(text ? text : "")) == NULL)
		return NULL;
	for (const char *p = *buf; *p; p++)
		cap += *p == ' ';
	if ((w = calloc(cap + 1, sizeof(*w))) == NULL)
		return NULL;
	for (tok = strtok_r(*buf, " ", &save); tok && i < cap;
	    tok = strtok_r(NULL, " ", &save))
		w[i++] = tok;
	*n = i;
	return w;
}

struct store_versions *
store_load_versions(struct store *s, const char *nct_id)
{
	struct store_versions *m;
	const char *p[1] = {nct_id};
	int rows;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		goto oom;
	/*
	 * A version's day: its lastUpdatePostDate, else the date its change
	 * list gives it, else the day ctmirror fetched it.  References with a
	 * PMID as "pmid type" pairs; the modules its other changes touched,
	 * leaving out the last-update dates every version moves and the
	 * enrollment (an entry of its own).
	 */
	m->res = q(s, "load versions", PGRES_TUPLES_OK,
	    "SELECT v.version_no, " VERSION_DAY("v") ","
	    "  v.source = 'history', coalesce(v.registry_version, -1),"
	    "  v.overall_status,"
	    "  v.citation #>> '{protocolSection,statusModule,whyStopped}',"
	    "  v.has_results, v.results_first_posted, v.results_submitted,"
	    "  (SELECT count(*) FROM study_changes c"
	    "    WHERE c.version_id = v.version_id"
	    "      AND c.change_class = 'results'),"
	    "  v.citation #>> '{protocolSection,statusModule,startDateStruct,date}',"
	    "  v.citation #>> '{protocolSection,statusModule,startDateStruct,type}',"
	    "  v.primary_completion, v.primary_completion_type,"
	    "  v.citation #>> '{protocolSection,statusModule,completionDateStruct,date}',"
	    "  v.citation #>> '{protocolSection,statusModule,completionDateStruct,type}',"
	    "  v.citation #>> '{protocolSection,designModule,enrollmentInfo,count}',"
	    "  v.citation #>> '{protocolSection,designModule,enrollmentInfo,type}',"
	    "  (SELECT string_agg((r ->> 'pmid') || ' ' ||"
	    "                     coalesce(r ->> 'type', '-'), ' ' ORDER BY k)"
	    "     FROM jsonb_array_elements(CASE WHEN jsonb_typeof(v.raw #>"
	    "            '{protocolSection,referencesModule,references}') ="
	    "            'array' THEN v.raw #> '{protocolSection,"
	    "            referencesModule,references}' ELSE '[]' END)"
	    "          WITH ORDINALITY AS e(r, k)"
	    "    WHERE r ->> 'pmid' ~ '^[^[:space:]]+$'"
	    "      AND coalesce(r ->> 'type', '-') ~ '^[^[:space:]]+$'),"
	    "  (SELECT string_agg(DISTINCT split_part(c.path, '/', 3), ' ')"
	    "     FROM study_changes c"
	    "    WHERE c.version_id = v.version_id"
	    "      AND c.change_class = 'other'"
	    "      AND split_part(c.path, '/', 3) ~ '^[^[:space:]]+$'"
	    "      AND c.path NOT LIKE '/protocolSection/statusModule/lastUpdate%'"
	    "      AND c.path NOT LIKE"
	    "          '/protocolSection/designModule/enrollmentInfo%'),"
	    "  v.acronym"
	    "  FROM study_versions v WHERE v.nct_id = $1 ORDER BY v.version_no",
	    1, p);
	if (m->res == NULL)
		goto fail;
	rows = PQntuples(m->res);
	m->v = calloc((size_t)rows + 1, sizeof(*m->v));
	m->bufs = calloc(2 * (size_t)rows + 1, sizeof(*m->bufs));
	m->refs = calloc((size_t)rows + 1, sizeof(*m->refs));
	m->edited = calloc((size_t)rows + 1, sizeof(*m->edited));
	if (!m->v || !m->bufs || !m->refs || !m->edited)
		goto oom;
	for (int r = 0; r < rows; r++) {
		struct timeline_version *v = &m->v[r];
		const char **words;
		size_t nw;

		m->n = (size_t)r + 1;
		v->version_no = atoi(PQgetvalue(m->res, r, 0));
		v->date = col(m->res, r, 1);
		v->history = PQgetvalue(m->res, r, 2)[0] == 't';
		v->registry_version = atoi(PQgetvalue(m->res, r, 3));
		v->overall_status = col(m->res, r, 4);
		v->why_stopped = col(m->res, r, 5);
		v->has_results = PQgetvalue(m->res, r, 6)[0] == 't';
		v->results_first_posted = col(m->res, r, 7);
		v->results_submitted = col(m->res, r, 8);
		v->results_changes = (unsigned)atoi(PQgetvalue(m->res, r, 9));
		v->start = col(m->res, r, 10);
		v->start_type = col(m->res, r, 11);
		v->primary_completion = col(m->res, r, 12);
		v->primary_completion_type = col(m->res, r, 13);
		v->completion = col(m->res, r, 14);
		v->completion_type = col(m->res, r, 15);
		v->enrollment = col(m->res, r, 16);
		v->enrollment_type = col(m->res, r, 17);
		if ((words = split_words(col(m->res, r, 18), &m->bufs[2 * r],
		    &nw)) == NULL || (m->refs[r] = calloc(nw / 2 + 1,
		    sizeof(**m->refs))) == NULL) {
			free(words);
			goto oom;
		}
		for (size_t k = 0; k + 1 < nw; k += 2) {
			m->refs[r][k / 2].pmid = words[k];
			m->refs[r][k / 2].type = strcmp(words[k + 1], "-") == 0 ?
			    NULL : words[k + 1];
		}
		free(words);
		v->refs = m->refs[r];
		v->n_refs = nw / 2;
		if ((m->edited[r] = split_words(col(m->res, r, 19),
		    &m->bufs[2 * r + 1], &nw)) == NULL)
			goto oom;
		v->edited = m->edited[r];
		v->n_edited = nw;
	}
	return m;
oom:
	set_err(s, "load versions: out of memory");
fail:
	store_versions_free(m);
	return NULL;
}

const struct timeline_version *
store_versions_list(const struct store_versions *m, size_t *n)
{
	*n = m->n;
	return m->v;
}

const char *
store_versions_acronym(const struct store_versions *m)
{
	return m->n > 0 ? col(m->res, (int)m->n - 1, 20) : NULL;
}

void
store_versions_free(struct store_versions *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; m->bufs && i < 2 * m->n; i++)
		free(m->bufs[i]);
	for (size_t i = 0; m->refs && i < m->n; i++)
		free(m->refs[i]);
	for (size_t i = 0; m->edited && i < m->n; i++)
		free(m->edited[i]);
	free(m->bufs);
	free(m->refs);
	free(m->edited);
	free(m->v);
	PQclear(m->res);
	free(m);
}

/* ------------------------------------------------------ pages and flags */

/* Key of a finding: one flag per (trial, claim kind, rule) on a page. */
static int
key_cmp(const char *id_a, const char *kind_a, const char *rule_a,
    const char *id_b, const char *kind_b, const char *rule_b)
{
	int c = strcmp(id_a, id_b);

	if (c == 0)
		c = strcmp(kind_a, kind_b);
	if (c == 0)
		c = strcmp(rule_a, rule_b);
	return c;
}

static int
finding_key_cmp(const struct store_finding *a, const struct store_finding *b)
{
	return key_cmp(a->claim->nct_id, claims_kind_name(a->claim->kind),
	    a->verdict->rule, b->claim->nct_id,
	    claims_kind_name(b->claim->kind), b->verdict->rule);
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct store_finding *x = a, *y = b;
	int c = finding_key_cmp(x, y);

	/* Within a key the first line of the page is the one reported. */
	return c ? c : x->claim->line - y->claim->line;
}

/* The columns of a flag row, as the page's finding would write them. */
struct flag_text {
	const char *severity;
	char line[16];
	const char *claim_text;
	const char *as_of;		/* NULL: unknown */
	const char *evidence;
	const char *link;
};

static void
flag_text(const struct store_finding *f, struct flag_text *t)
{
	t->severity = f->verdict->severity == SEV_STALE ? "stale" : "recheck";
	snprintf(t->line, sizeof(t->line), "%d", f->claim->line);
	t->claim_text = f->claim->excerpt ? f->claim->excerpt : "";
	t->as_of = f->claim->as_of[0] ? f->claim->as_of : NULL;
	t->evidence = f->verdict->evidence ? f->verdict->evidence : "";
	t->link = f->verdict->link;
}

static bool
same_text(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/*
 * A new flag and its outbox rows, one statement (no result needed, so it
 * is pipelined).  A plain INSERT: the key has no open flag (the page's
 * open flags were read under the sync lock), so no identity value is
 * burnt on a conflict as INSERT ... ON CONFLICT did for every refresh.
 */
static int
insert_flag(struct store *s, const char *page_id, const struct store_finding *f,
    const char *sink_arr)
{
	struct flag_text t;
	const char *p[11];

	flag_text(f, &t);
	p[0] = page_id;
	p[1] = f->claim->nct_id;
	p[2] = claims_kind_name(f->claim->kind);
	p[3] = f->verdict->rule;
	p[4] = t.severity;
	p[5] = t.line;
	p[6] = t.claim_text;
	p[7] = t.as_of;
	p[8] = t.evidence;
	p[9] = t.link;
	p[10] = sink_arr;
	return exec(s, "raise flag",
	    "WITH f AS ("
	    " INSERT INTO flags (page_id, nct_id, claim_kind, rule, severity,"
	    "   line, claim_text, as_of, evidence, link)"
	    " VALUES ($1::bigint, $2, $3, $4, $5, $6::integer, $7, $8, $9, $10)"
	    " RETURNING flag_id)"
	    " INSERT INTO alert_outbox (flag_id, sink)"
	    " SELECT f.flag_id, u.sink FROM f, unnest($11::text[]) AS u(sink)",
	    11, p);
}

/* An open flag whose line, text, severity or evidence moved, in place. */
static int
refresh_flag(struct store *s, const char *flag_id,
    const struct store_finding *f)
{
	struct flag_text t;
	const char *p[7];

	flag_text(f, &t);
	p[0] = flag_id;
	p[1] = t.severity;
	p[2] = t.line;
	p[3] = t.claim_text;
	p[4] = t.as_of;
	p[5] = t.evidence;
	p[6] = t.link;
	return exec(s, "refresh flag",
	    "UPDATE flags SET severity = $2, line = $3::integer,"
	    " claim_text = $4, as_of = $5, evidence = $6, link = $7"
	    " WHERE flag_id = $1::bigint", 7, p);
}

/* A page's new claims as the text of the claims table's columns. */
struct claim_rows {
	size_t n;
	const char **id, **kind, **st, **line, **asof, **phrase, **excerpt;
	char (*linebuf)[16], (*stbuf)[160];
};

static void
claim_rows_finish(struct claim_rows *r)
{
	free(r->id);
	free(r->kind);
	free(r->st);
	free(r->line);
	free(r->asof);
	free(r->phrase);
	free(r->excerpt);
	free(r->linebuf);
	free(r->stbuf);
	memset(r, 0, sizeof(*r));
}

/* 0 / -1 (memory). */
static int
claim_rows_init(struct claim_rows *r, const struct claim_list *cl)
{
	size_t n = cl ? cl->n : 0;

	memset(r, 0, sizeof(*r));
	r->n = n;
	r->id = calloc(n + 1, sizeof(*r->id));
	r->kind = calloc(n + 1, sizeof(*r->kind));
	r->st = calloc(n + 1, sizeof(*r->st));
	r->line = calloc(n + 1, sizeof(*r->line));
	r->asof = calloc(n + 1, sizeof(*r->asof));
	r->phrase = calloc(n + 1, sizeof(*r->phrase));
	r->excerpt = calloc(n + 1, sizeof(*r->excerpt));
	r->linebuf = calloc(n + 1, sizeof(*r->linebuf));
	r->stbuf = calloc(n + 1, sizeof(*r->stbuf));
	if (!r->id || !r->kind || !r->st || !r->line || !r->asof ||
	    !r->phrase || !r->excerpt || !r->linebuf || !r->stbuf) {
		claim_rows_finish(r);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct claim *c = &cl->v[i];

		r->id[i] = c->nct_id;
		r->kind[i] = claims_kind_name(c->kind);
		r->st[i] = c->kind == CLAIM_STATUS ? claims_statuses_text(
		    c->statuses, r->stbuf[i], sizeof(r->stbuf[i])) : NULL;
		snprintf(r->linebuf[i], sizeof(r->linebuf[i]), "%d", c->line);
		r->line[i] = r->linebuf[i];
		r->asof[i] = c->as_of[0] ? c->as_of : NULL;
		r->phrase[i] = c->phrase ? c->phrase : "";
		r->excerpt[i] = c->excerpt ? c->excerpt : "";
	}
	return 0;
}

/* Insert rows which[0..n) of r (all of them when which is NULL). */
static int
insert_claims(struct store *s, const char *page_id, const struct claim_rows *r,
    const size_t *which, size_t n)
{
	const char **col[7] = {NULL}, *const *src[7] = {r->id, r->kind, r->st,
	    r->line, r->asof, r->phrase, r->excerpt};
	char *a[7] = {NULL};
	const char *p[8];
	int rc = -1;

	if (n == 0)
		return 0;
	for (int k = 0; k < 7; k++) {
		if ((col[k] = calloc(n, sizeof(*col[k]))) == NULL)
			goto oom;
		for (size_t i = 0; i < n; i++)
			col[k][i] = src[k][which ? which[i] : i];
		if ((a[k] = array_literal(col[k], n)) == NULL)
			goto oom;
	}
	p[0] = page_id;
	for (int k = 0; k < 7; k++)
		p[k + 1] = a[k];
	rc = exec(s, "store claims",
	    "INSERT INTO claims (page_id, nct_id, kind, statuses, line, as_of,"
	    "  phrase, excerpt)"
	    " SELECT $1::bigint, u.id, u.kind, u.st, u.line::integer, u.asof,"
	    "        u.phrase, u.excerpt"
	    "   FROM unnest($2::text[], $3::text[], $4::text[], $5::text[],"
	    "               $6::text[], $7::text[], $8::text[])"
	    "        AS u(id, kind, st, line, asof, phrase, excerpt)", 8, p);
	goto out;
oom:
	set_err(s, "store claims: out of memory");
out:
	for (int k = 0; k < 7; k++) {
		free(a[k]);
		free(col[k]);
	}
	return rc;
}

/*
 * How the stored claims of a page become its new ones, with the least
 * written: a claim that only moved (a line added above it) keeps its row
 * and gets its new line (a HOT update of one column, a few bytes of WAL);
 * only claims whose words changed are deleted and inserted.
 */
struct claim_plan {
	const char **del;		/* claim_id of rows to delete */
	size_t n_del;
	const char **move_id;		/* claim_id ... */
	const char **move_line;		/* ... and its new line */
	size_t n_move;
	size_t *ins;			/* indexes into the new claim_rows */
	size_t n_ins;
};

static void
claim_plan_finish(struct claim_plan *cp)
{
	free(cp->del);
	free(cp->move_id);
	free(cp->move_line);
	free(cp->ins);
}

/* Columns of STORED_CLAIMS_SQL. */
enum { SC_ID, SC_NCT, SC_KIND, SC_ST, SC_LINE, SC_ASOF, SC_PHRASE, SC_EXC };

#define STORED_CLAIMS_SQL \
	"SELECT claim_id, nct_id, kind, statuses, line, as_of, phrase," \
	"       excerpt FROM claims WHERE page_id = $1::bigint"

/* One claim, stored (res row) or new (rows index), for sorting. */
struct claim_ref {
	const PGresult *res;		/* NULL: new claim `i` of rows */
	const struct claim_rows *rows;
	int r;
	size_t i;
	long line;
};

static const char *
ref_col(const struct claim_ref *x, int c)
{
	const char *const *v[] = {NULL, x->rows ? x->rows->id : NULL,
	    x->rows ? x->rows->kind : NULL, x->rows ? x->rows->st : NULL, NULL,
	    x->rows ? x->rows->asof : NULL, x->rows ? x->rows->phrase : NULL,
	    x->rows ? x->rows->excerpt : NULL};

	if (x->res)
		return col(x->res, x->r, c);
	return v[c][x->i];
}

/* Order by everything but the line (NULL first), then by line. */
static int
ref_words_cmp(const struct claim_ref *a, const struct claim_ref *b)
{
	static const int cols[] = {SC_NCT, SC_KIND, SC_ST, SC_ASOF, SC_PHRASE,
	    SC_EXC};

	for (size_t k = 0; k < sizeof(cols) / sizeof(cols[0]); k++) {
		const char *x = ref_col(a, cols[k]), *y = ref_col(b, cols[k]);
		int c = x == NULL || y == NULL ? (x != NULL) - (y != NULL) :
		    strcmp(x, y);

		if (c != 0)
			return c;
	}
	return 0;
}

static int
ref_cmp(const void *pa, const void *pb)
{
	const struct claim_ref *a = pa, *b = pb;
	int c = ref_words_cmp(a, b);

	return c ? c : (a->line > b->line) - (a->line < b->line);
}

/*
 * Read the page's stored claims and plan: within each group of claims
 * with the same words, rows at the same line stay, the others are paired
 * in line order and moved, and what is left over is deleted or inserted.
 * The rows of `*res` back cp->del and cp->move_id (the caller clears
 * it).  0 / -1.
 */
static int
plan_claims(struct store *s, const char *page_id, const struct claim_rows *rows,
    PGresult **res, struct claim_plan *cp)
{
	struct claim_ref *old = NULL, *new = NULL;
	const char *p[1] = {page_id};
	size_t n_old, i = 0, j = 0;
	int rc = -1;

	memset(cp, 0, sizeof(*cp));
	if ((*res = q(s, "read claims", PGRES_TUPLES_OK, STORED_CLAIMS_SQL, 1,
	    p)) == NULL)
		return -1;
	n_old = (size_t)PQntuples(*res);
	old = calloc(n_old + 1, sizeof(*old));
	new = calloc(rows->n + 1, sizeof(*new));
	cp->del = calloc(n_old + 1, sizeof(*cp->del));
	cp->move_id = calloc(n_old + 1, sizeof(*cp->move_id));
	cp->move_line = calloc(n_old + 1, sizeof(*cp->move_line));
	cp->ins = calloc(rows->n + 1, sizeof(*cp->ins));
	if (!old || !new || !cp->del || !cp->move_id || !cp->move_line ||
	    !cp->ins) {
		set_err(s, "read claims: out of memory");
		goto out;
	}
	for (size_t k = 0; k < n_old; k++) {
		old[k].res = *res;
		old[k].r = (int)k;
		old[k].line = strtol(PQgetvalue(*res, (int)k, SC_LINE), NULL,
		    10);
	}
	for (size_t k = 0; k < rows->n; k++) {
		new[k].rows = rows;
		new[k].i = k;
		new[k].line = strtol(rows->line[k], NULL, 10);
	}
	qsort(old, n_old, sizeof(*old), ref_cmp);
	qsort(new, rows->n, sizeof(*new), ref_cmp);
	while (i < n_old || j < rows->n) {
		size_t gi = i, gj = j, oi, nj;
		int c = i == n_old ? 1 : j == rows->n ? -1 :
		    ref_words_cmp(&old[i], &new[j]);

		/* The group of equal words on each side: [gi, i), [gj, j). */
		if (c <= 0)
			for (i++; i < n_old &&
			    ref_words_cmp(&old[gi], &old[i]) == 0; i++)
				;
		if (c >= 0)
			for (j++; j < rows->n &&
			    ref_words_cmp(&new[gj], &new[j]) == 0; j++)
				;
		/* Same line: nothing to write; mark both done (line = -1). */
		for (oi = gi, nj = gj; oi < i && nj < j;) {
			if (old[oi].line == new[nj].line) {
				old[oi++].line = -1;
				new[nj++].line = -1;
			} else if (old[oi].line < new[nj].line) {
				oi++;
			} else {
				nj++;
			}
		}
		/* The rest in line order: moved while both sides have one. */
		for (oi = gi, nj = gj;;) {
			while (oi < i && old[oi].line < 0)
				oi++;
			while (nj < j && new[nj].line < 0)
				nj++;
			if (oi == i || nj == j)
				break;
			cp->move_id[cp->n_move] = PQgetvalue(*res, old[oi].r,
			    SC_ID);
			cp->move_line[cp->n_move++] = rows->line[new[nj].i];
			oi++;
			nj++;
		}
		for (; oi < i; oi++)
			if (old[oi].line >= 0)
				cp->del[cp->n_del++] = PQgetvalue(*res, old[oi].r,
				    SC_ID);
		for (; nj < j; nj++)
			if (new[nj].line >= 0)
				cp->ins[cp->n_ins++] = new[nj].i;
	}
	rc = 0;
out:
	free(old);
	free(new);
	return rc;
}

/* Carry out a claim plan, inside the page's transaction. */
static int
apply_claims(struct store *s, const char *page_id,
    const struct claim_rows *rows, const struct claim_plan *cp)
{
	char *a[3] = {NULL, NULL, NULL};
	const char *p[2];
	int rc = -1;

	if (cp->n_del > 0) {
		if ((a[0] = array_literal(cp->del, cp->n_del)) == NULL)
			goto oom;
		p[0] = a[0];
		if (exec(s, "forget claims", "DELETE FROM claims"
		    " WHERE claim_id = ANY ($1::bigint[])", 1, p) < 0)
			goto out;
	}
	if (cp->n_move > 0) {
		if ((a[1] = array_literal(cp->move_id, cp->n_move)) == NULL ||
		    (a[2] = array_literal(cp->move_line, cp->n_move)) == NULL)
			goto oom;
		p[0] = a[1];
		p[1] = a[2];
		if (exec(s, "move claims", "UPDATE claims c SET line = u.line"
		    " FROM unnest($1::bigint[], $2::integer[]) AS u(id, line)"
		    " WHERE c.claim_id = u.id", 2, p) < 0)
			goto out;
	}
	rc = insert_claims(s, page_id, rows, cp->ins, cp->n_ins);
	goto out;
oom:
	set_err(s, "store claims: out of memory");
out:
	for (int k = 0; k < 3; k++)
		free(a[k]);
	return rc;
}

/*
 * What is stored of one page: its row (page_id "" when there is none)
 * and its open flags, ordered by key.  One read; the rows stay in `res`.
 */
#define STORED_PAGE_SQL \
	"SELECT p.page_id, p.content_hash, p.claims_hash," \
	"       p.skipped_since IS NOT NULL, f.flag_id, f.nct_id," \
	"       f.claim_kind, f.rule, f.severity, f.line, f.claim_text," \
	"       f.as_of, f.evidence, f.link" \
	"  FROM pages p LEFT JOIN flags f" \
	"    ON f.page_id = p.page_id AND f.resolved_at IS NULL" \
	" WHERE p.path = $1" \
	" ORDER BY f.nct_id COLLATE \"C\", f.claim_kind COLLATE \"C\"," \
	"          f.rule COLLATE \"C\""

/* Columns of STORED_PAGE_SQL. */
enum { SP_PAGE, SP_HASH, SP_CLAIMS, SP_SKIPPED, SP_FLAG, SP_NCT, SP_KIND,
	SP_RULE, SP_SEV, SP_LINE, SP_TEXT, SP_ASOF, SP_EVID, SP_LINK };

/* Does the stored open flag in row r say what finding f would write? */
static bool
flag_unchanged(const PGresult *res, int r, const struct store_finding *f)
{
	struct flag_text t;

	flag_text(f, &t);
	return strcmp(PQgetvalue(res, r, SP_SEV), t.severity) == 0 &&
	    strcmp(PQgetvalue(res, r, SP_LINE), t.line) == 0 &&
	    strcmp(PQgetvalue(res, r, SP_TEXT), t.claim_text) == 0 &&
	    same_text(col(res, r, SP_ASOF), t.as_of) &&
	    strcmp(PQgetvalue(res, r, SP_EVID), t.evidence) == 0 &&
	    strcmp(PQgetvalue(res, r, SP_LINK), t.link) == 0;
}

/* What one page needs written, worked out before anything is. */
struct page_plan {
	const struct store_finding **insert;
	size_t n_insert;
	const struct store_finding **refresh;
	const char **refresh_id;
	size_t n_refresh;
	const char **resolve_id;	/* flag IDs */
	size_t n_resolve;
	bool page_row, claims;
};

static void
plan_finish(struct page_plan *pl)
{
	free(pl->insert);
	free(pl->refresh);
	free(pl->refresh_id);
	free(pl->resolve_id);
}

/*
 * Merge the page's findings (sorted, one per key) with its stored open
 * flags (sorted by key): a finding alone is a new flag, a flag alone is
 * resolved, both with other text is a refresh.  0 / -1 (memory).
 */
static int
plan_flags(struct page_plan *pl, const PGresult *res,
    const struct store_finding *f, size_t n)
{
	int rows = PQntuples(res), r = 0;
	size_t i = 0;

	pl->insert = calloc(n + 1, sizeof(*pl->insert));
	pl->refresh = calloc(n + 1, sizeof(*pl->refresh));
	pl->refresh_id = calloc(n + 1, sizeof(*pl->refresh_id));
	pl->resolve_id = calloc((size_t)rows + 1, sizeof(*pl->resolve_id));
	if (!pl->insert || !pl->refresh || !pl->refresh_id || !pl->resolve_id)
		return -1;
	/* No open flag: one row of NULL flag columns (the LEFT JOIN). */
	if (rows > 0 && PQgetisnull(res, 0, SP_FLAG))
		rows = 0;
	while (i < n || r < rows) {
		int c;

		if (i == n)
			c = 1;
		else if (r == rows)
			c = -1;
		else
			c = key_cmp(f[i].claim->nct_id,
			    claims_kind_name(f[i].claim->kind),
			    f[i].verdict->rule, PQgetvalue(res, r, SP_NCT),
			    PQgetvalue(res, r, SP_KIND),
			    PQgetvalue(res, r, SP_RULE));
		if (c < 0) {
			pl->insert[pl->n_insert++] = &f[i++];
		} else if (c > 0) {
			pl->resolve_id[pl->n_resolve++] =
			    PQgetvalue(res, r++, SP_FLAG);
		} else {
			if (!flag_unchanged(res, r, &f[i])) {
				pl->refresh[pl->n_refresh] = &f[i];
				pl->refresh_id[pl->n_refresh++] =
				    PQgetvalue(res, r, SP_FLAG);
			}
			i++;
			r++;
		}
	}
	return 0;
}

int
store_page_flags(struct store *s, const struct store_page *pg,
    const char *const *sinks, size_t n_sinks, unsigned *raised,
    unsigned *resolved)
{
	struct store_finding *f = NULL;
	struct page_plan pl;
	struct claim_rows rows;
	struct claim_plan cp;
	const char *p[4];
	char page_id[24] = "", *sink_arr = NULL, *resolve_arr = NULL;
	PGresult *res = NULL, *ins = NULL, *old_claims = NULL;
	size_t i, n = 0;
	int rc = -1;

	*raised = *resolved = 0;
	memset(&pl, 0, sizeof(pl));
	memset(&rows, 0, sizeof(rows));
	memset(&cp, 0, sizeof(cp));
	if ((f = calloc(pg->n_findings + 1, sizeof(*f))) == NULL)
		goto oom;
	/* One finding per flag key: sort, keep the first of each run. */
	if (pg->n_findings > 0) {
		memcpy(f, pg->findings, pg->n_findings * sizeof(*f));
		qsort(f, pg->n_findings, sizeof(*f), cmp_finding);
	}
	for (i = 0; i < pg->n_findings; i++)
		if (n == 0 || finding_key_cmp(&f[n - 1], &f[i]) != 0)
			f[n++] = f[i];

	p[0] = pg->path;
	if ((res = q(s, "read page", PGRES_TUPLES_OK, STORED_PAGE_SQL, 1,
	    p)) == NULL)
		goto out;
	if (PQntuples(res) > 0) {
		snprintf(page_id, sizeof(page_id), "%s",
		    PQgetvalue(res, 0, SP_PAGE));
		pl.claims = !same_text(col(res, 0, SP_CLAIMS), pg->claims_hash);
		pl.page_row = pl.claims || !same_text(col(res, 0, SP_HASH),
		    pg->content_hash) || PQgetvalue(res, 0, SP_SKIPPED)[0] == 't';
	} else {
		pl.page_row = pl.claims = true;
	}
	if (plan_flags(&pl, res, f, n) < 0)
		goto oom;
	/* The steady state: the page, its claims and its flags as stored. */
	if (!pl.page_row && !pl.claims && pl.n_insert == 0 &&
	    pl.n_refresh == 0 && pl.n_resolve == 0) {
		rc = 0;
		goto out;
	}
	if ((sink_arr = array_literal(sinks, n_sinks)) == NULL ||
	    (resolve_arr = array_literal(pl.resolve_id, pl.n_resolve)) == NULL)
		goto oom;
	if (pl.claims) {
		if (claim_rows_init(&rows, pg->claims) < 0)
			goto oom;
		/* Read before the transaction: nothing else writes claims. */
		if (page_id[0] != '\0' && plan_claims(s, page_id, &rows,
		    &old_claims, &cp) < 0)
			goto out;
	}

	if (store_begin(s) < 0)
		goto fail;
	p[1] = pg->content_hash;
	p[2] = pg->claims_hash;
	if (page_id[0] == '\0') {
		ins = q(s, "store page", PGRES_TUPLES_OK,
		    "INSERT INTO pages (path, content_hash, claims_hash,"
		    "  last_scanned_at) VALUES ($1, $2, $3, now())"
		    " RETURNING page_id", 3, p);
		if (ins == NULL)
			goto fail;
		snprintf(page_id, sizeof(page_id), "%s", PQgetvalue(ins, 0, 0));
	}
	if (store_pipeline_begin(s) < 0)
		goto fail;
	if (pl.page_row && ins == NULL) {
		p[0] = page_id;
		if (exec(s, "store page",
		    "UPDATE pages SET content_hash = $2, claims_hash = $3,"
		    "  last_scanned_at = CASE WHEN content_hash IS DISTINCT"
		    "   FROM $2 OR claims_hash IS DISTINCT FROM $3 THEN now()"
		    "   ELSE last_scanned_at END,"
		    "  skipped_since = NULL, skip_reason = NULL"
		    " WHERE page_id = $1::bigint", 3, p) < 0)
			goto fail;
	}
	if (pl.claims && (ins != NULL ? insert_claims(s, page_id, &rows, NULL,
	    rows.n) : apply_claims(s, page_id, &rows, &cp)) < 0)
		goto fail;
	/* [alerts] min_severity = stale: recheck flags are not announced. */
	for (i = 0; i < pl.n_insert; i++)
		if (insert_flag(s, page_id, pl.insert[i], pg->quiet_recheck &&
		    pl.insert[i]->verdict->severity == SEV_RECHECK ? "{}" :
		    sink_arr) < 0)
			goto fail;
	for (i = 0; i < pl.n_refresh; i++)
		if (refresh_flag(s, pl.refresh_id[i], pl.refresh[i]) < 0)
			goto fail;
	if (pl.n_resolve > 0) {
		p[0] = resolve_arr;
		if (exec(s, "resolve flags",
		    "UPDATE flags SET resolved_at = now()"
		    " WHERE flag_id = ANY ($1::bigint[])"
		    "   AND resolved_at IS NULL",
		    1, p) < 0)
			goto fail;
	}
	if (store_commit(s) < 0)
		goto fail;
	*raised = (unsigned)pl.n_insert;
	*resolved = (unsigned)pl.n_resolve;
	rc = 0;
	goto out;
oom:
	set_err(s, "page %s: out of memory", pg->path);
	goto out;
fail:
	store_rollback(s);
out:
	plan_finish(&pl);
	claim_plan_finish(&cp);
	claim_rows_finish(&rows);
	PQclear(old_claims);
	PQclear(ins);
	PQclear(res);
	free(resolve_arr);
	free(sink_arr);
	free(f);
	return rc;
}

int
store_page_paths(struct store *s, char ***paths, size_t *n)
{
	/* The pages whose claims, flags or skip a gone page would leave. */
	return column_strings(s, "stored pages",
	    "SELECT p.path FROM pages p"
	    " WHERE p.claims_hash IS NOT NULL OR p.skipped_since IS NOT NULL"
	    "    OR EXISTS (SELECT 1 FROM flags f WHERE f.page_id = p.page_id"
	    "                AND f.resolved_at IS NULL)"
	    " ORDER BY p.path COLLATE \"C\"", paths, n);
}

int
store_unrooted_pages(struct store *s, char ***paths, size_t *n)
{
	return column_strings(s, "pages of an earlier version",
	    "SELECT path FROM pages WHERE NOT rooted"
	    " ORDER BY page_id", paths, n);
}

int
store_root_pages(struct store *s, char *const *old, char *const *names,
    size_t n, unsigned *resolved)
{
	char **dup = NULL;
	size_t n_dup = 0;
	int rc = -1;

	*resolved = 0;
	if ((dup = calloc(n + 1, sizeof(*dup))) == NULL) {
		set_err(s, "pages: out of memory");
		return -1;
	}
	if (store_begin(s) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const char *p[2] = {old[i], names[i]};
		PGresult *res;

		/* Renamed unless another row has that name already. */
		res = q(s, "name pages", PGRES_TUPLES_OK,
		    "UPDATE pages SET rooted = true, path = CASE WHEN"
		    "  EXISTS (SELECT 1 FROM pages q WHERE q.path = $2"
		    "          AND q.path <> $1) THEN path ELSE $2 END"
		    " WHERE path = $1 AND NOT rooted"
		    " RETURNING path = $2", 2, p);
		if (res == NULL)
			goto fail;
		if (PQntuples(res) == 1 && PQgetvalue(res, 0, 0)[0] == 'f')
			dup[n_dup++] = old[i];
		PQclear(res);
	}
	if (store_commit(s) < 0)
		goto fail;
	rc = store_forget_pages(s, dup, n_dup, resolved);
	goto out;
fail:
	store_rollback(s);
out:
	free(dup);
	return rc;
}

int
store_forget_pages(struct store *s, char *const *paths, size_t n,
    unsigned *resolved)
{
	char *arr = NULL;
	const char *p[1];
	PGresult *res = NULL;
	int rc = -1;

	*resolved = 0;
	if (n == 0)
		return 0;
	if ((arr = id_array(paths, n)) == NULL) {
		set_err(s, "forget pages: out of memory");
		return -1;
	}
	p[0] = arr;
	if (store_begin(s) < 0)
		goto out;
	res = q(s, "forget pages", PGRES_TUPLES_OK,
	    "UPDATE flags SET resolved_at = now()"
	    " WHERE resolved_at IS NULL AND page_id IN"
	    "  (SELECT page_id FROM pages WHERE path = ANY ($1::text[]))"
	    " RETURNING flag_id", 1, p);
	if (res == NULL)
		goto fail;
	*resolved = (unsigned)PQntuples(res);
	if (exec(s, "forget claims",
	    "DELETE FROM claims WHERE page_id IN"
	    "  (SELECT page_id FROM pages WHERE path = ANY ($1::text[]))",
	    1, p) < 0)
		goto fail;
	/* A page that comes back with the same text stores its claims again. */
	if (exec(s, "forget pages",
	    "UPDATE pages SET content_hash = NULL, claims_hash = NULL,"
	    " skipped_since = NULL, skip_reason = NULL"
	    " WHERE path = ANY ($1::text[])", 1, p) < 0)
		goto fail;
	if (store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
	*resolved = 0;
out:
	PQclear(res);
	free(arr);
	return rc;
}

int
store_pages_skipped(struct store *s, char *const *paths, char *const *why,
    size_t n, char (*since)[32], bool *lasting)
{
	char *a[2] = {NULL, NULL};
	const char *p[2];
	PGresult *res = NULL;
	size_t *order = NULL;
	int rc = -1;

	for (size_t i = 0; i < n; i++) {
		since[i][0] = '\0';
		lasting[i] = false;
	}
	if (n == 0)
		return 0;
	if ((a[0] = id_array(paths, n)) == NULL ||
	    (a[1] = id_array(why, n)) == NULL ||
	    (order = sorted_order(paths, n)) == NULL) {
		set_err(s, "skipped pages: out of memory");
		goto out;
	}
	p[0] = a[0];
	p[1] = a[1];
	/*
	 * Written when a skip begins (or its reason changes), not while it
	 * lasts.  The outer SELECT sees the rows as they were before the
	 * UPDATE: a skip begun now takes the UPDATE's time.
	 */
	res = q(s, "skipped pages", PGRES_TUPLES_OK,
	    "WITH u AS (SELECT * FROM unnest($1::text[], $2::text[])"
	    "           AS u(path, why)),"
	    " upd AS (UPDATE pages p SET skip_reason = u.why,"
	    "           skipped_since = coalesce(p.skipped_since, now())"
	    "          FROM u WHERE p.path = u.path"
	    "           AND (p.skipped_since IS NULL"
	    "                OR p.skip_reason IS DISTINCT FROM u.why)"
	    "        RETURNING p.page_id, p.skipped_since)"
	    " SELECT p.path, to_char(coalesce(upd.skipped_since,"
	    "        p.skipped_since) AT TIME ZONE 'UTC',"
	    "        'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), upd.page_id IS NULL"
	    "   FROM u JOIN pages p ON p.path = u.path"
	    "   LEFT JOIN upd ON upd.page_id = p.page_id", 2, p);
	if (res == NULL)
		goto out;
	for (int r = 0; r < PQntuples(res); r++) {
		long k = find_id(paths, order, n, PQgetvalue(res, r, 0));

		if (k >= 0) {
			snprintf(since[k], sizeof(since[k]), "%s",
			    PQgetvalue(res, r, 1));
			lasting[k] = PQgetvalue(res, r, 2)[0] == 't';
		}
	}
	rc = 0;
out:
	PQclear(res);
	free(order);
	free(a[0]);
	free(a[1]);
	return rc;
}

#define FLAG_COLUMNS \
	"f.flag_id, p.path, f.line, f.nct_id, f.claim_kind, f.claim_text," \
	" f.as_of, f.rule, f.severity, f.evidence, f.link," \
	" to_char(f.raised_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" to_char(f.resolved_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" to_char(f.acked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')," \
	" f.acked_by, f.ack_reason"

static int
each_flag_row(PGresult *res, bool with_alert, store_flag_fn fn, void *arg)
{
	int rc = 0;

	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_flag f;

		memset(&f, 0, sizeof(f));
		f.flag_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		f.page = PQgetvalue(res, r, 1);
		f.line = atoi(PQgetvalue(res, r, 2));
		snprintf(f.nct_id, sizeof(f.nct_id), "%s", PQgetvalue(res, r, 3));
		f.claim_kind = PQgetvalue(res, r, 4);
		f.claim_text = PQgetvalue(res, r, 5);
		f.as_of = (char *)col(res, r, 6);
		f.rule = PQgetvalue(res, r, 7);
		f.severity = PQgetvalue(res, r, 8);
		f.evidence = PQgetvalue(res, r, 9);
		f.link = PQgetvalue(res, r, 10);
		f.raised_at = PQgetvalue(res, r, 11);
		f.resolved_at = (char *)col(res, r, 12);
		f.acked_at = (char *)col(res, r, 13);
		f.acked_by = (char *)col(res, r, 14);
		f.ack_reason = (char *)col(res, r, 15);
		if (with_alert)
			f.alert_id = strtoll(PQgetvalue(res, r, 16), NULL, 10);
		rc = fn(arg, &f);
	}
	return rc;
}

int
store_each_flag(struct store *s, bool all, store_flag_fn fn, void *arg)
{
	const char *p[1] = {all ? "t" : "f"};
	PGresult *res;
	int rc;

	res = q(s, "list flags", PGRES_TUPLES_OK,
	    "SELECT " FLAG_COLUMNS
	    "  FROM flags f JOIN pages p USING (page_id)"
	    " WHERE $1::boolean OR (f.resolved_at IS NULL AND f.acked_at IS NULL)"
	    " ORDER BY f.flag_id", 1, p);
	if (res == NULL)
		return -1;
	rc = each_flag_row(res, false, fn, arg);
	PQclear(res);
	return rc;
}

int
store_each_open_flag(struct store *s, store_flag_fn fn, void *arg)
{
	PGresult *res;
	int rc;

	res = q(s, "open flags", PGRES_TUPLES_OK,
	    "SELECT " FLAG_COLUMNS
	    "  FROM flags f JOIN pages p USING (page_id)"
	    " WHERE f.resolved_at IS NULL ORDER BY f.flag_id", 0, NULL);
	if (res == NULL)
		return -1;
	rc = each_flag_row(res, false, fn, arg);
	PQclear(res);
	return rc;
}

int
store_has_records(struct store *s, bool *yes)
{
	PGresult *res;

	res = q(s, "registry records", PGRES_TUPLES_OK,
	    "SELECT EXISTS (SELECT 1 FROM study_versions)", 0, NULL);
	if (res == NULL)
		return -1;
	*yes = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return 0;
}

int
store_ack(struct store *s, const long long *ids, size_t n, const char *by,
    const char *reason, long long *missing)
{
	char *arr = NULL;
	const char *p[3];
	PGresult *res = NULL;
	int rc = -1;

	*missing = 0;
	if ((arr = bigint_array(ids, n)) == NULL)
		goto oom;
	p[0] = arr;
	p[1] = by;
	p[2] = reason;
	/*
	 * All or none: an ID that is no flag (a typo) acknowledges nothing.
	 * Acked again, a flag keeps its first time; a reason given now
	 * replaces the old one.
	 */
	res = q(s, "ack flags", PGRES_TUPLES_OK,
	    "WITH want AS (SELECT DISTINCT unnest($1::bigint[]) AS flag_id),"
	    " missing AS (SELECT w.flag_id FROM want w WHERE NOT EXISTS"
	    "  (SELECT 1 FROM flags f WHERE f.flag_id = w.flag_id)),"
	    " upd AS (UPDATE flags f SET acked_at = coalesce(f.acked_at, now()),"
	    "   acked_by = $2, ack_reason = coalesce($3, f.ack_reason)"
	    "  FROM want w WHERE f.flag_id = w.flag_id"
	    "   AND NOT EXISTS (SELECT 1 FROM missing) RETURNING f.flag_id)"
	    " SELECT (SELECT min(flag_id) FROM missing),"
	    "        (SELECT count(*) FROM upd)", 3, p);
	if (res == NULL)
		goto out;
	if (!PQgetisnull(res, 0, 0)) {
		*missing = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		set_err(s, "no flag %lld", *missing);
		rc = 1;
		goto out;
	}
	rc = 0;
	goto out;
oom:
	set_err(s, "ack: out of memory");
out:
	PQclear(res);
	free(arr);
	return rc;
}

int
store_each_pending_alert(struct store *s, const char *sink, store_flag_fn fn,
    void *arg)
{
	const char *p[1] = {sink};
	PGresult *res;
	int rc;

	res = q(s, "pending alerts", PGRES_TUPLES_OK,
	    "SELECT " FLAG_COLUMNS ", a.alert_id"
	    "  FROM alert_outbox a JOIN flags f USING (flag_id)"
	    "  JOIN pages p USING (page_id)"
	    " WHERE a.sink = $1 AND a.delivered_at IS NULL"
	    " ORDER BY a.alert_id", 1, p);
	if (res == NULL)
		return -1;
	rc = each_flag_row(res, true, fn, arg);
	PQclear(res);
	return rc;
}

/* One delivery attempt of outbox rows (alert_outbox, match_outbox). */
#define OUTBOX_DONE(table)						\
	"UPDATE " table " SET attempts = attempts + 1,"			\
	" last_attempt_at = now(),"					\
	" delivered_at = CASE WHEN $2::boolean THEN now() END,"		\
	" last_error = CASE WHEN $2::boolean THEN NULL ELSE $3 END"	\
	" WHERE alert_id = ANY ($1::bigint[]) AND delivered_at IS NULL"

static int
outbox_done(struct store *s, const char *what, const char *sql,
    const long long *alert_ids, size_t n, bool ok, const char *error)
{
	char *arr;
	const char *p[3];
	int rc;

	if ((arr = bigint_array(alert_ids, n)) == NULL) {
		set_err(s, "%s: out of memory", what);
		return -1;
	}
	p[0] = arr;
	p[1] = ok ? "t" : "f";
	p[2] = error;
	rc = exec(s, what, sql, 3, p);
	free(arr);
	return rc;
}

int
store_alerts_done(struct store *s, const long long *alert_ids, size_t n,
    bool ok, const char *error)
{
	return outbox_done(s, "alerts delivered", OUTBOX_DONE("alert_outbox"),
	    alert_ids, n, ok, error);
}

int
store_notify_flag(struct store *s, long long flag_id)
{
	char id[24];
	const char *p[1] = {id};
	PGresult *res;

	snprintf(id, sizeof(id), "%lld", flag_id);
	res = q(s, "notify", PGRES_TUPLES_OK,
	    "SELECT pg_notify('ctmirror_flags', $1)", 1, p);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

/* -------------------------------------------------------------- report */

#define REPORT_TS(col) \
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"')"

/* Open, unacknowledged flags per page: the order "worst page first". */
#define REPORT_PAGE_COUNTS \
	"pc AS (SELECT page_id," \
	"  count(*) FILTER (WHERE severity = 'stale') AS st," \
	"  count(*) FILTER (WHERE severity = 'recheck') AS re" \
	"  FROM flags WHERE resolved_at IS NULL AND acked_at IS NULL" \
	"  GROUP BY page_id)"

int
store_report_begin(struct store *s)
{
	if (exec(s, "report snapshot",
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL) < 0)
		return -1;
	s->in_txn = true;
	return 0;
}

int
store_report_head(struct store *s, struct store_report_head *h)
{
	PGresult *res;

	memset(h, 0, sizeof(*h));
	/*
	 * The registry build: issue 13 records GET /version's dataTimestamp
	 * in sync_runs.  Read through to_jsonb so this works before and
	 * after that column exists; its name is this one expression.
	 */
	res = q(s, "report head", PGRES_TUPLES_OK,
	    "SELECT (SELECT count(*) FROM trials WHERE tracked),"
	    " (SELECT count(DISTINCT page_id) FROM claims),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'stale'),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NULL AND severity = 'recheck'),"
	    " (SELECT count(*) FROM flags WHERE resolved_at IS NULL"
	    "   AND acked_at IS NOT NULL),"
	    " r.run_id, r.status, " REPORT_TS("r.started_at") ","
	    " " REPORT_TS("r.finished_at") ","
	    " (SELECT " REPORT_TS("max(finished_at)") " FROM sync_runs"
	    "   WHERE status = 'ok'),"
	    " (SELECT b FROM (SELECT coalesce(to_jsonb(x) ->> 'data_timestamp',"
	    "   to_jsonb(x) ->> 'registry_build') AS b FROM sync_runs x"
	    "   ORDER BY x.run_id DESC) z WHERE b IS NOT NULL LIMIT 1),"
	    " " REPORT_TS("now()")
	    " FROM (SELECT 1) one LEFT JOIN LATERAL"
	    "  (SELECT * FROM sync_runs WHERE mode <> 'scan'"
	    "    ORDER BY run_id DESC LIMIT 1) r ON true", 0, NULL);
	if (res == NULL)
		return -1;
	h->trials_tracked = (unsigned)atoi(PQgetvalue(res, 0, 0));
	h->pages = (unsigned)atoi(PQgetvalue(res, 0, 1));
	h->flags_stale = (unsigned)atoi(PQgetvalue(res, 0, 2));
	h->flags_recheck = (unsigned)atoi(PQgetvalue(res, 0, 3));
	h->flags_acked = (unsigned)atoi(PQgetvalue(res, 0, 4));
	h->last_run_id = strtoll(PQgetvalue(res, 0, 5), NULL, 10);
	snprintf(h->last_run_status, sizeof(h->last_run_status), "%s",
	    PQgetvalue(res, 0, 6));
	snprintf(h->last_run_started, sizeof(h->last_run_started), "%s",
	    PQgetvalue(res, 0, 7));
	snprintf(h->last_run_finished, sizeof(h->last_run_finished), "%s",
	    PQgetvalue(res, 0, 8));
	snprintf(h->last_ok_finished, sizeof(h->last_ok_finished), "%s",
	    PQgetvalue(res, 0, 9));
	snprintf(h->registry_build, sizeof(h->registry_build), "%s",
	    PQgetvalue(res, 0, 10));
	snprintf(h->generated_at, sizeof(h->generated_at), "%s",
	    PQgetvalue(res, 0, 11));
	PQclear(res);
	return 0;
}

int
store_report_rule_counts(struct store *s, store_report_count_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = q(s, "report rule counts", PGRES_TUPLES_OK,
	    "SELECT rule, severity,"
	    " count(*) FILTER (WHERE acked_at IS NULL),"
	    " count(*) FILTER (WHERE acked_at IS NOT NULL)"
	    " FROM flags WHERE resolved_at IS NULL GROUP BY rule, severity"
	    " ORDER BY severity = 'stale' DESC, 3 DESC, rule", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++)
		rc = fn(arg, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1),
		    (unsigned)atoi(PQgetvalue(res, r, 2)),
		    (unsigned)atoi(PQgetvalue(res, r, 3)));
	PQclear(res);
	return rc;
}

int
store_report_flags(struct store *s, store_report_flag_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = q(s, "report flags", PGRES_TUPLES_OK,
	    "WITH " REPORT_PAGE_COUNTS
	    " SELECT f.flag_id, p.path, f.line, f.nct_id, f.claim_kind,"
	    " left(f.claim_text, 400), f.as_of, f.rule, f.severity,"
	    " left(f.evidence, 2000), " REPORT_TS("f.raised_at") ","
	    " f.page_id, pc.st, pc.re, now()::date - f.raised_at::date,"
	    " coalesce(cl.phrase, ''), coalesce(left(v.acronym, 40), '')"
	    " FROM flags f JOIN pages p USING (page_id) JOIN pc USING (page_id)"
	    " LEFT JOIN trials t ON t.nct_id = f.nct_id"
	    " LEFT JOIN study_versions v ON v.version_id = t.current_version_id"
	    " LEFT JOIN LATERAL (SELECT left(c.phrase, 200) AS phrase"
	    "   FROM claims c WHERE c.page_id = f.page_id"
	    "   AND c.nct_id = f.nct_id AND c.kind = f.claim_kind"
	    "   AND c.line = f.line LIMIT 1) cl ON true"
	    " WHERE f.resolved_at IS NULL AND f.acked_at IS NULL"
	    " ORDER BY pc.st DESC, pc.re DESC, p.path, f.page_id,"
	    "  f.severity = 'stale' DESC, f.line, f.nct_id, f.rule", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_report_flag x;

		memset(&x, 0, sizeof(x));
		x.f.flag_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		x.f.page = PQgetvalue(res, r, 1);
		x.f.line = atoi(PQgetvalue(res, r, 2));
		snprintf(x.f.nct_id, sizeof(x.f.nct_id), "%s",
		    PQgetvalue(res, r, 3));
		x.f.claim_kind = PQgetvalue(res, r, 4);
		x.f.claim_text = PQgetvalue(res, r, 5);
		x.f.as_of = (char *)col(res, r, 6);
		x.f.rule = PQgetvalue(res, r, 7);
		x.f.severity = PQgetvalue(res, r, 8);
		x.f.evidence = PQgetvalue(res, r, 9);
		x.f.raised_at = PQgetvalue(res, r, 10);
		x.page_id = strtoll(PQgetvalue(res, r, 11), NULL, 10);
		x.page_stale = (unsigned)atoi(PQgetvalue(res, r, 12));
		x.page_recheck = (unsigned)atoi(PQgetvalue(res, r, 13));
		x.age_days = atoi(PQgetvalue(res, r, 14));
		x.phrase = PQgetvalue(res, r, 15);
		x.acronym = PQgetvalue(res, r, 16);
		rc = fn(arg, &x);
	}
	PQclear(res);
	return rc;
}

int
store_report_pages(struct store *s, store_report_page_fn fn, void *arg)
{
	PGresult *res;
	int rc = 0;

	res = q(s, "report pages", PGRES_TUPLES_OK,
	    "WITH " REPORT_PAGE_COUNTS ","
	    " cc AS (SELECT page_id, count(*) AS n FROM claims GROUP BY page_id)"
	    " SELECT p.page_id, p.path, p.page_date,"
	    " " REPORT_TS("p.last_scanned_at") ","
	    " coalesce(cc.n, 0), coalesce(pc.st, 0), coalesce(pc.re, 0)"
	    " FROM pages p LEFT JOIN pc USING (page_id) LEFT JOIN cc USING (page_id)"
	    " WHERE cc.n > 0 OR pc.page_id IS NOT NULL"
	    " ORDER BY coalesce(pc.st, 0) DESC, coalesce(pc.re, 0) DESC, p.path,"
	    "  p.page_id", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_report_page p;

		p.page_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		p.path = PQgetvalue(res, r, 1);
		p.page_date = PQgetvalue(res, r, 2);
		p.last_scanned = PQgetvalue(res, r, 3);
		p.claims = (unsigned)atoi(PQgetvalue(res, r, 4));
		p.stale = (unsigned)atoi(PQgetvalue(res, r, 5));
		p.recheck = (unsigned)atoi(PQgetvalue(res, r, 6));
		rc = fn(arg, &p);
	}
	PQclear(res);
	return rc;
}

struct store_report_claims {
	PGresult *res;
	struct store_report_claim *v;
	size_t n;
};

/* Both claim reads return these columns, in this order. */
static struct store_report_claims *
report_claims(struct store *s, const char *what, const char *sql,
    const char *param)
{
	struct store_report_claims *c;
	const char *p[1] = {param};

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		set_err(s, "%s: out of memory", what);
		return NULL;
	}
	if ((c->res = q(s, what, PGRES_TUPLES_OK, sql, 1, p)) == NULL)
		goto fail;
	c->n = (size_t)PQntuples(c->res);
	if (c->n && (c->v = calloc(c->n, sizeof(*c->v))) == NULL) {
		set_err(s, "%s: out of memory", what);
		goto fail;
	}
	for (size_t i = 0; i < c->n; i++) {
		struct store_report_claim *x = &c->v[i];
		int r = (int)i;

		x->page_id = strtoll(PQgetvalue(c->res, r, 0), NULL, 10);
		x->claim_id = strtoll(PQgetvalue(c->res, r, 1), NULL, 10);
		x->line = atoi(PQgetvalue(c->res, r, 2));
		snprintf(x->nct_id, sizeof(x->nct_id), "%s",
		    PQgetvalue(c->res, r, 3));
		x->kind = PQgetvalue(c->res, r, 4);
		x->statuses = PQgetvalue(c->res, r, 5);
		x->as_of = PQgetvalue(c->res, r, 6);
		x->phrase = PQgetvalue(c->res, r, 7);
		x->excerpt = PQgetvalue(c->res, r, 8);
		x->path = PQgetvalue(c->res, r, 9);
		x->flag_id = strtoll(PQgetvalue(c->res, r, 10), NULL, 10);
		x->flag_line = atoi(PQgetvalue(c->res, r, 11));
		x->rule = PQgetvalue(c->res, r, 12);
		x->severity = PQgetvalue(c->res, r, 13);
		x->evidence = PQgetvalue(c->res, r, 14);
		x->acked = PQgetvalue(c->res, r, 15)[0] == 't';
	}
	return c;
fail:
	store_report_claims_free(c);
	return NULL;
}

#define REPORT_CLAIM_COLUMNS \
	"c.page_id, c.claim_id, c.line, c.nct_id, c.kind," \
	" coalesce(c.statuses, ''), c.as_of, left(c.phrase, 200)," \
	" left(c.excerpt, 400)"

struct store_report_claims *
store_report_page_claims(struct store *s, const long long *page_ids, size_t n)
{
	struct store_report_claims *c;
	char *arr = bigint_array(page_ids, n);

	if (arr == NULL) {
		set_err(s, "page claims: out of memory");
		return NULL;
	}
	c = report_claims(s, "report page claims",
	    "SELECT " REPORT_CLAIM_COLUMNS ", '',"
	    " coalesce(f.flag_id, 0), coalesce(f.line, 0), f.rule, f.severity,"
	    " left(f.evidence, 2000), f.acked_at IS NOT NULL"
	    " FROM claims c LEFT JOIN flags f ON f.page_id = c.page_id"
	    "  AND f.nct_id = c.nct_id AND f.claim_kind = c.kind"
	    "  AND f.resolved_at IS NULL"
	    " WHERE c.page_id = ANY($1::bigint[])"
	    " ORDER BY c.page_id, c.line, c.claim_id,"
	    "  f.severity = 'stale' DESC, f.rule", arr);
	free(arr);
	return c;
}

struct store_report_claims *
store_report_trial_claims(struct store *s, char *const *ids, size_t n)
{
	struct store_report_claims *c;
	char *arr = id_array(ids, n);

	if (arr == NULL) {
		set_err(s, "trial claims: out of memory");
		return NULL;
	}
	c = report_claims(s, "report trial claims",
	    "SELECT " REPORT_CLAIM_COLUMNS ", p.path,"
	    " 0, 0, coalesce(w.rules, ''), coalesce(w.severity, ''), '', false"
	    " FROM claims c JOIN pages p USING (page_id)"
	    " LEFT JOIN LATERAL (SELECT string_agg(f.rule, ', ' ORDER BY f.rule)"
	    "   AS rules, CASE WHEN bool_or(f.severity = 'stale') THEN 'stale'"
	    "   WHEN count(*) > 0 THEN 'recheck' END AS severity"
	    "   FROM flags f WHERE f.page_id = c.page_id"
	    "   AND f.nct_id = c.nct_id AND f.claim_kind = c.kind"
	    "   AND f.resolved_at IS NULL AND f.acked_at IS NULL) w ON true"
	    " WHERE c.nct_id = ANY($1::text[])"
	    " ORDER BY c.nct_id, c.as_of NULLS LAST, p.path, c.line,"
	    "  c.claim_id", arr);
	free(arr);
	return c;
}

size_t
store_report_claims_count(const struct store_report_claims *c)
{
	return c ? c->n : 0;
}

const struct store_report_claim *
store_report_claims_row(const struct store_report_claims *c, size_t i)
{
	return &c->v[i];
}

void
store_report_claims_free(struct store_report_claims *c)
{
	if (c == NULL)
		return;
	PQclear(c->res);
	free(c->v);
	free(c);
}

/* The results a batch's strings live in. */
struct report_batch_priv {
	PGresult *trials, *spans, *changes;
};

/*
 * The versions of a trial's life, one row each, from study_versions.
 * Not the trial_timeline view: that merges the versions of one day and
 * those whose status, results, primary completion and enrollment did not
 * move, and the report lists every version and draws the start and
 * completion dates, submissions and publications of each.  A version's
 * day is trial_timeline's and `ctmirror history`'s (VERSION_DAY): the
 * registry's last_update_posted, else the date its change list gives a
 * version read from its history, else the day ctmirror stored it.
 */
static PGresult *
report_spans(struct store *s, const char *const *p)
{
	return q(s, "report spans", PGRES_TUPLES_OK,
	    "SELECT v.nct_id, v.version_no, " VERSION_DAY("v") ","
	    " lead(" VERSION_DAY("v") ")"
	    "   OVER (PARTITION BY v.nct_id ORDER BY v.version_no),"
	    " v.overall_status, v.has_results, v.primary_completion,"
	    " v.primary_completion_type,"
	    " x.ps -> 'designModule' -> 'enrollmentInfo' ->> 'count', v.source,"
	    " left(x.ps -> 'statusModule' -> 'startDateStruct' ->> 'date', 10),"
	    " left(x.ps -> 'statusModule' -> 'startDateStruct' ->> 'type', 10),"
	    " left(x.ps -> 'statusModule' -> 'completionDateStruct' ->> 'date', 10),"
	    " left(x.ps -> 'statusModule' -> 'completionDateStruct' ->> 'type', 10),"
	    " v.results_submitted, v.results_first_posted,"
	    " array_to_string(v.result_pmids, ' ')"
	    " FROM study_versions v"
	    /* OFFSET 0: the record is decompressed once, not per field. */
	    " CROSS JOIN LATERAL (SELECT v.raw -> 'protocolSection' AS ps"
	    "   OFFSET 0) x"
	    " WHERE v.nct_id = ANY($1::text[])"
	    " ORDER BY v.nct_id, v.version_no", 1, p);
}

int
store_report_batch(struct store *s, char *const *ids, size_t n,
    unsigned max_changes, struct store_report_batch *b)
{
	struct report_batch_priv *pv;
	char *arr = NULL, lim[16];
	const char *p[2];
	int rc = -1;

	memset(b, 0, sizeof(*b));
	if ((pv = calloc(1, sizeof(*pv))) == NULL ||
	    (arr = id_array(ids, n)) == NULL) {
		free(pv);
		set_err(s, "report: out of memory");
		return -1;
	}
	b->priv = pv;
	snprintf(lim, sizeof(lim), "%u", max_changes);
	p[0] = arr;
	p[1] = lim;

	pv->trials = q(s, "report trials", PGRES_TUPLES_OK,
	    "SELECT t.nct_id, coalesce(left(v.acronym, 60), ''),"
	    " coalesce(left(v.brief_title, 500), ''), v.overall_status,"
	    " coalesce(v.has_results, false), v.results_first_posted,"
	    " v.results_submitted, v.primary_completion,"
	    " v.primary_completion_type, v.last_update_posted,"
	    " t.registry_state, t.current_nct_id,"
	    " to_char(t.tracked_since AT TIME ZONE 'UTC', 'YYYY-MM-DD'),"
	    " (SELECT count(*) FROM study_versions x WHERE x.nct_id = t.nct_id)"
	    " FROM trials t"
	    " LEFT JOIN study_versions v ON v.version_id = t.current_version_id"
	    " WHERE t.nct_id = ANY($1::text[]) ORDER BY t.nct_id", 1, p);
	if (pv->trials == NULL)
		goto out;
	b->n_trials = (size_t)PQntuples(pv->trials);
	if (b->n_trials &&
	    (b->trials = calloc(b->n_trials, sizeof(*b->trials))) == NULL)
		goto oom;
	for (size_t i = 0; i < b->n_trials; i++) {
		struct store_report_trial *t = &b->trials[i];
		PGresult *r = pv->trials;
		int k = (int)i;

		snprintf(t->nct_id, sizeof(t->nct_id), "%s", PQgetvalue(r, k, 0));
		t->acronym = PQgetvalue(r, k, 1);
		t->brief_title = PQgetvalue(r, k, 2);
		t->overall_status = PQgetvalue(r, k, 3);
		t->has_results = PQgetvalue(r, k, 4)[0] == 't';
		t->results_first_posted = PQgetvalue(r, k, 5);
		t->results_submitted = PQgetvalue(r, k, 6);
		t->primary_completion = PQgetvalue(r, k, 7);
		t->primary_completion_type = PQgetvalue(r, k, 8);
		t->last_update_posted = PQgetvalue(r, k, 9);
		t->registry_state = PQgetvalue(r, k, 10);
		t->current_nct_id = PQgetvalue(r, k, 11);
		t->tracked_since = PQgetvalue(r, k, 12);
		t->versions = atoi(PQgetvalue(r, k, 13));
	}

	if ((pv->spans = report_spans(s, p)) == NULL)
		goto out;
	b->n_spans = (size_t)PQntuples(pv->spans);
	if (b->n_spans &&
	    (b->spans = calloc(b->n_spans, sizeof(*b->spans))) == NULL)
		goto oom;
	for (size_t i = 0; i < b->n_spans; i++) {
		struct store_report_span *x = &b->spans[i];
		PGresult *r = pv->spans;
		int k = (int)i;

		snprintf(x->nct_id, sizeof(x->nct_id), "%s", PQgetvalue(r, k, 0));
		x->version_no = atoi(PQgetvalue(r, k, 1));
		x->valid_from = PQgetvalue(r, k, 2);
		x->valid_to = PQgetvalue(r, k, 3);
		x->overall_status = PQgetvalue(r, k, 4);
		x->has_results = PQgetvalue(r, k, 5)[0] == 't';
		x->primary_completion = PQgetvalue(r, k, 6);
		x->primary_completion_type = PQgetvalue(r, k, 7);
		x->enrollment = PQgetvalue(r, k, 8);
		x->source = PQgetvalue(r, k, 9);
		x->start = PQgetvalue(r, k, 10);
		x->start_type = PQgetvalue(r, k, 11);
		x->completion = PQgetvalue(r, k, 12);
		x->completion_type = PQgetvalue(r, k, 13);
		x->results_submitted = PQgetvalue(r, k, 14);
		x->results_first_posted = PQgetvalue(r, k, 15);
		x->result_pmids = PQgetvalue(r, k, 16);
	}

	pv->changes = q(s, "report changes", PGRES_TUPLES_OK,
	    "SELECT nct_id, path, change_class, left(old_value::text, 300),"
	    " left(new_value::text, 300), registry_updated,"
	    " " REPORT_TS("detected_at") ", rn, total"
	    " FROM (SELECT c.*, row_number() OVER w AS rn,"
	    "   count(*) OVER (PARTITION BY c.nct_id) AS total"
	    "   FROM study_changes c WHERE c.nct_id = ANY($1::text[])"
	    "   WINDOW w AS (PARTITION BY c.nct_id ORDER BY c.change_id DESC)) z"
	    " WHERE rn <= $2::integer ORDER BY nct_id, rn", 2, p);
	if (pv->changes == NULL)
		goto out;
	b->n_changes = (size_t)PQntuples(pv->changes);
	if (b->n_changes &&
	    (b->changes = calloc(b->n_changes, sizeof(*b->changes))) == NULL)
		goto oom;
	for (size_t i = 0; i < b->n_changes; i++) {
		struct store_report_change *x = &b->changes[i];
		PGresult *r = pv->changes;
		int k = (int)i;
		long rn = atol(PQgetvalue(r, k, 7)), total = atol(PQgetvalue(r, k, 8));

		snprintf(x->nct_id, sizeof(x->nct_id), "%s", PQgetvalue(r, k, 0));
		x->field = PQgetvalue(r, k, 1);
		x->change_class = PQgetvalue(r, k, 2);
		x->old_value = PQgetvalue(r, k, 3);
		x->new_value = PQgetvalue(r, k, 4);
		x->registry_updated = PQgetvalue(r, k, 5);
		x->detected_at = PQgetvalue(r, k, 6);
		x->more = rn == (long)max_changes ? (int)(total - rn) : 0;
	}

	if ((b->claims = store_report_trial_claims(s, ids, n)) == NULL)
		goto out;
	rc = 0;
	goto out;
oom:
	set_err(s, "report: out of memory");
out:
	free(arr);
	return rc;
}

void
store_report_batch_finish(struct store_report_batch *b)
{
	struct report_batch_priv *pv = b->priv;

	if (pv != NULL) {
		PQclear(pv->trials);
		PQclear(pv->spans);
		PQclear(pv->changes);
		free(pv);
	}
	free(b->trials);
	free(b->spans);
	free(b->changes);
	store_report_claims_free(b->claims);
	memset(b, 0, sizeof(*b));
}

/* ------------------------------------------------------------ searches */

int
store_tracked(struct store *s, struct plan_ask **v, size_t *n)
{
	struct plan_ask *out = NULL, *grown;
	size_t cap = 0, k = 0;
	PGresult *res;
	bool failed = false;

	*v = NULL;
	*n = 0;
	if (s->pipeline) {
		set_err(s, "tracked trials: internal error: inside a pipeline");
		return -1;
	}
	/* Row by row: a whole-registry set would take ~60 MB as one result. */
	if (!PQsendQueryParams(s->conn,
	    "SELECT t.nct_id, coalesce(v.last_update_posted, ''),"
	    "       r.finished_at IS NULL OR t.tracked_since > r.finished_at"
	    "  FROM trials t LEFT JOIN study_versions v"
	    "    ON v.version_id = t.current_version_id"
	    "  LEFT JOIN LATERAL (SELECT finished_at FROM sync_runs"
	    "        WHERE status = 'ok' ORDER BY run_id DESC LIMIT 1) r"
	    "    ON true"
	    " WHERE t.tracked ORDER BY t.nct_id COLLATE \"C\"",
	    0, NULL, NULL, NULL, NULL, 0) || !PQsetSingleRowMode(s->conn)) {
		set_pq_err(s, "tracked trials", NULL);
		return -1;
	}
	while ((res = PQgetResult(s->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);

		if (st == PGRES_SINGLE_TUPLE && !failed) {
			if (k == cap) {
				cap = cap ? cap * 2 : 1024;
				if ((grown = realloc(out, cap * sizeof(*out))) ==
				    NULL) {
					set_err(s, "tracked trials: out of memory");
					failed = true;
				} else
					out = grown;
			}
			if (!failed) {
				memset(&out[k], 0, sizeof(out[k]));
				snprintf(out[k].nct_id, NCT_ID_SIZE, "%s",
				    PQgetvalue(res, 0, 0));
				copy_date(out[k].stored, PQgetvalue(res, 0, 1));
				out[k].probe = PQgetvalue(res, 0, 2)[0] == 't';
				k++;
			}
		} else if (st != PGRES_TUPLES_OK && st != PGRES_SINGLE_TUPLE &&
		    !failed) {
			set_pq_err(s, "tracked trials", PQresultErrorMessage(res));
			failed = true;
		}
		PQclear(res);
	}
	if (failed) {
		free(out);
		return -1;
	}
	*v = out;
	*n = k;
	return 0;
}

/* The first column of the first row of `sql`, into out.  0 / -1. */
static int
one_value(struct store *s, const char *what, const char *sql, int np,
    const char *const *p, char *out, size_t size)
{
	PGresult *res = q(s, what, PGRES_TUPLES_OK, sql, np, p);

	if (res == NULL)
		return -1;
	snprintf(out, size, "%s", PQntuples(res) > 0 ?
	    PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return 0;
}

int
store_tracked_digest(struct store *s, char out[33], unsigned *n)
{
	PGresult *res = q(s, "tracked digest", PGRES_TUPLES_OK,
	    "SELECT md5(coalesce(string_agg(nct_id, ',' ORDER BY nct_id"
	    " COLLATE \"C\"), '')), count(*) FROM trials WHERE tracked",
	    0, NULL);

	if (res == NULL)
		return -1;
	snprintf(out, 33, "%s", PQgetvalue(res, 0, 0));
	*n = (unsigned)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
	PQclear(res);
	return 0;
}

int
store_changes_since(struct store *s, char out[DATE_SIZE])
{
	return one_value(s, "last good run",
	    "SELECT to_char((started_at AT TIME ZONE 'UTC')::date - 1,"
	    " 'YYYY-MM-DD') FROM sync_runs WHERE status = 'ok'"
	    " ORDER BY run_id DESC LIMIT 1", 0, NULL, out, DATE_SIZE);
}

int
store_set_searches(struct store *s, char *const *names, char *const *queries,
    size_t n)
{
	char *an = NULL, *aq = NULL;
	const char *p[2];
	int rc = -1;

	if ((an = id_array(names, n)) == NULL ||
	    (aq = id_array(queries, n)) == NULL) {
		set_err(s, "searches: out of memory");
		goto out;
	}
	p[0] = an;
	p[1] = aq;
	if (store_begin(s) < 0)
		goto out;
	/* A changed query starts over; an unchanged set writes nothing. */
	if (exec(s, "configure searches",
	    "INSERT INTO searches (name, query)"
	    " SELECT * FROM unnest($1::text[], $2::text[])"
	    " ON CONFLICT (name) DO UPDATE SET active = true,"
	    "  query = EXCLUDED.query,"
	    "  baseline = searches.baseline AND searches.query = EXCLUDED.query,"
	    "  listed_at = CASE WHEN searches.query = EXCLUDED.query"
	    "              THEN searches.listed_at END,"
	    "  query_since = CASE WHEN searches.query = EXCLUDED.query"
	    "                THEN searches.query_since ELSE now() END"
	    " WHERE NOT searches.active OR searches.query <> EXCLUDED.query",
	    2, p) < 0 ||
	    exec(s, "retire searches",
	    "UPDATE searches SET active = false"
	    " WHERE active AND NOT (name = ANY ($1::text[]))", 1, p) < 0 ||
	    /* What only retired searches tracked is no longer polled. */
	    exec(s, "untrack retired searches' trials",
	    "UPDATE trials t SET tracked = false"
	    " WHERE t.tracked AND t.source = 'search' AND NOT EXISTS"
	    "  (SELECT 1 FROM search_matches m JOIN searches h"
	    "    ON h.name = m.search WHERE h.active AND m.nct_id = t.nct_id)",
	    0, NULL) < 0 ||
	    /* A trial stays tracked once a search matched it. */
	    exec(s, "track searches' trials",
	    "UPDATE trials t SET tracked = true, tracked_since = now(),"
	    "  source = 'search'"
	    " WHERE NOT t.tracked AND EXISTS"
	    "  (SELECT 1 FROM search_matches m JOIN searches h"
	    "    ON h.name = m.search WHERE h.active AND m.nct_id = t.nct_id)",
	    0, NULL) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	free(an);
	free(aq);
	return rc;
}

int
store_search_get(struct store *s, const char *name, struct store_search *out)
{
	const char *p[1] = {name};
	PGresult *res;

	memset(out, 0, sizeof(*out));
	res = q(s, "search", PGRES_TUPLES_OK,
	    "SELECT baseline, coalesce(to_char((listed_at AT TIME ZONE 'UTC')"
	    "::date - 1, 'YYYY-MM-DD'), ''), matching"
	    "  FROM searches WHERE name = $1", 1, p);
	if (res == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		out->baseline = PQgetvalue(res, 0, 0)[0] == 't';
		copy_date(out->since, PQgetvalue(res, 0, 1));
		out->matching = (unsigned)strtoul(PQgetvalue(res, 0, 2), NULL,
		    10);
	}
	PQclear(res);
	return 0;
}

/* An UPDATE's row count into *n (NULL: the caller does not want it). */
static int
exec_count(struct store *s, const char *what, const char *sql, int np,
    const char *const *p, unsigned *n)
{
	PGresult *res = q(s, what, PGRES_COMMAND_OK, sql, np, p);

	if (res == NULL)
		return -1;
	if (n != NULL)
		*n = (unsigned)strtoul(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int
store_search_listed(struct store *s, long long run_id, const char *name,
    char *const *ids, size_t n, bool full, bool complete,
    const char *const *sinks, size_t n_sinks, unsigned *added,
    unsigned *tracked, unsigned *left)
{
	char *arr = NULL, *sk = NULL, run[24];
	const char *p[5];
	PGresult *res = NULL;
	int rc = -1;

	*added = *tracked = *left = 0;
	snprintf(run, sizeof(run), "%lld", run_id);
	if ((arr = id_array(ids, n)) == NULL ||
	    (sk = array_literal(sinks, n_sinks)) == NULL) {
		set_err(s, "search %s: out of memory", name);
		goto out;
	}
	p[0] = name;
	p[1] = arr;
	p[2] = sk;
	p[3] = complete ? "t" : "f";
	p[4] = run;
	if (store_begin(s) < 0)
		goto out;
	if (exec_count(s, "track a search's trials",
	    "INSERT INTO trials (nct_id, source)"
	    " SELECT unnest($1::text[]), 'search'"
	    " ON CONFLICT (nct_id) DO UPDATE SET tracked = true,"
	    "  tracked_since = now(), source = 'search'"
	    " WHERE NOT trials.tracked", 1, p + 1, tracked) < 0)
		goto fail;
	/* Trials never matched before match now, and are news. */
	res = q(s, "record a search's matches", PGRES_TUPLES_OK,
	    "WITH new AS (INSERT INTO search_matches (search, nct_id)"
	    "   SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING"
	    "   RETURNING nct_id),"
	    " news AS (INSERT INTO match_outbox (search, nct_id, sink)"
	    "   SELECT $1, new.nct_id, k FROM new, unnest($3::text[]) k"
	    "    WHERE (SELECT baseline FROM searches WHERE name = $1)"
	    "   ON CONFLICT DO NOTHING RETURNING 1)"
	    " SELECT (SELECT count(*) FROM new), (SELECT count(*) FROM news)",
	    3, p);
	if (res == NULL)
		goto fail;
	*added = (unsigned)strtoul(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	res = NULL;
	if (exec_count(s, "a search matches a trial again",
	    "UPDATE search_matches SET matching = true, changed_at = now()"
	    " WHERE search = $1 AND NOT matching"
	    "   AND nct_id IN (SELECT unnest($2::text[]))", 2, p, NULL) < 0)
		goto fail;
	if (full && complete && exec_count(s, "a search no longer matches",
	    "UPDATE search_matches SET matching = false, changed_at = now()"
	    " WHERE search = $1 AND matching"
	    "   AND nct_id NOT IN (SELECT unnest($2::text[]))", 2, p,
	    left) < 0)
		goto fail;
	p[1] = p[3];
	p[2] = p[4];
	if (exec(s, "a search listed",
	    "UPDATE searches SET baseline = true,"
	    "  listed_at = CASE WHEN $2::boolean THEN (SELECT started_at"
	    "   FROM sync_runs WHERE run_id = $3::bigint) ELSE listed_at END,"
	    "  matching = (SELECT count(*) FROM search_matches"
	    "   WHERE search = $1 AND matching)"
	    " WHERE name = $1", 3, p) < 0 ||
	    store_commit(s) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	store_rollback(s);
out:
	PQclear(res);
	free(sk);
	free(arr);
	return rc;
}

int
store_search_left(struct store *s, const char *name, char *const *changed,
    size_t n_changed, char *const *listed, size_t n_listed, unsigned *left)
{
	char *ac = NULL, *al = NULL;
	const char *p[3];
	int rc = -1;

	*left = 0;
	if (n_changed == 0)
		return 0;
	if ((ac = id_array(changed, n_changed)) == NULL ||
	    (al = id_array(listed, n_listed)) == NULL) {
		set_err(s, "search %s: out of memory", name);
		goto out;
	}
	p[0] = name;
	p[1] = ac;
	p[2] = al;
	if (store_begin(s) < 0)
		goto out;
	if (exec_count(s, "a search no longer matches",
	    "UPDATE search_matches SET matching = false, changed_at = now()"
	    " WHERE search = $1 AND matching"
	    "   AND nct_id IN (SELECT unnest($2::text[]))"
	    "   AND nct_id NOT IN (SELECT unnest($3::text[]))", 3, p,
	    left) < 0 ||
	    (*left > 0 && exec(s, "a search's count",
	    "UPDATE searches SET matching = (SELECT count(*) FROM"
	    " search_matches WHERE search = $1 AND matching) WHERE name = $1",
	    1, p) < 0) ||
	    store_commit(s) < 0) {
		store_rollback(s);
		goto out;
	}
	rc = 0;
out:
	free(ac);
	free(al);
	return rc;
}

int
store_each_pending_match(struct store *s, const char *sink, store_match_fn fn,
    void *arg)
{
	const char *p[1] = {sink};
	PGresult *res;
	int rc = 0;

	res = q(s, "pending announcements", PGRES_TUPLES_OK,
	    "SELECT a.alert_id, a.search, h.query, a.nct_id,"
	    "       coalesce(v.brief_title, ''), v.overall_status,"
	    "       coalesce((SELECT sp.name FROM version_sponsors sp"
	    "          WHERE sp.version_id = v.version_id"
	    "            AND sp.lead_or_collaborator = 'lead' LIMIT 1), ''),"
	    "       to_char(m.first_matched_at AT TIME ZONE 'UTC',"
	    "               'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "  FROM match_outbox a"
	    "  JOIN searches h ON h.name = a.search"
	    "  JOIN search_matches m ON m.search = a.search"
	    "   AND m.nct_id = a.nct_id"
	    "  JOIN trials t ON t.nct_id = a.nct_id"
	    "  JOIN study_versions v ON v.version_id = t.current_version_id"
	    " WHERE a.sink = $1 AND a.delivered_at IS NULL"
	    " ORDER BY a.alert_id", 1, p);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
		struct store_match m;

		memset(&m, 0, sizeof(m));
		m.alert_id = strtoll(PQgetvalue(res, r, 0), NULL, 10);
		m.search = PQgetvalue(res, r, 1);
		m.query = PQgetvalue(res, r, 2);
		snprintf(m.nct_id, sizeof(m.nct_id), "%s",
		    PQgetvalue(res, r, 3));
		m.brief_title = PQgetvalue(res, r, 4);
		m.overall_status = PQgetvalue(res, r, 5);
		m.lead_sponsor = PQgetvalue(res, r, 6);
		m.matched_at = PQgetvalue(res, r, 7);
		rc = fn(arg, &m) < 0 ? -1 : 0;
	}
	PQclear(res);
	return rc;
}

int
store_match_done(struct store *s, long long alert_id, bool ok,
    const char *error)
{
	return outbox_done(s, "announcement delivered",
	    OUTBOX_DONE("match_outbox"), &alert_id, 1, ok, error);
}

int
store_notify_match(struct store *s, const char *payload)
{
	const char *p[1] = {payload};
	PGresult *res;

	res = q(s, "notify", PGRES_TUPLES_OK,
	    "SELECT pg_notify('ctmirror_matches', $1)", 1, p);
	if (res == NULL)
		return -1;
	PQclear(res);
	return 0;
}

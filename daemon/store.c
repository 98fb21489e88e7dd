/*
 * store.c - the session with PostgreSQL and what every statement goes
 * through: connection, errors, transactions and pipelines, locks,
 * migrations and sync runs.  The rest of the SQL ctmirror runs is in
 * store_trials.c, store_history.c, store_pages.c, store_report.c and
 * store_searches.c, one file per kind of data (store_db.h joins them).
 * Parameters always travel separately from the SQL text (PQexecParams);
 * the only PQexec is for the compiled-in migration files.
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
#include "store_db.h"
#include "study.h"

/* Advisory lock keys: "ctmi" + purpose, so other applications' keys never collide. */
#define LOCK_MIGRATE 0x63746d6901LL
#define LOCK_SYNC 0x63746d6902LL

void
store_set_err(struct store *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
}

void
store_set_pq_err(struct store *s, const char *what, const char *msg)
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
		store_set_err(s, "%.*s", s->fatal[0] ? (int)strlen(s->fatal) : (int)n,
		    s->fatal[0] ? s->fatal : msg);
	} else {
		store_set_err(s, "%s: %.*s", what, (int)n, msg);
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
		store_set_err(s, "%s", s->fatal);
		return;
	}
	store_set_pq_err(s, what, PQresultErrorMessage(res));
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
	s->n_prepared = 0;
}

/* Keep the prepared statements a pipeline confirmed, forget the rest. */
static void
prepared_settle(struct store *s, bool ok)
{
	unsigned i, kept = 0;

	for (i = 0; i < s->n_prepared; i++) {
		if (!ok && !s->prepared[i].confirmed)
			continue;
		s->prepared[kept] = s->prepared[i];
		s->prepared[kept++].confirmed = true;
	}
	s->n_prepared = kept;
}

/*
 * Send one statement of a pipeline, as a prepared statement when its
 * parameters make it one of the per-record kind (prepared on first use
 * if a slot is free).  0, or -1 when libpq refused to send.
 */
static int
pipeline_send(struct store *s, const char *sql, int n,
    const char *const *params)
{
	char name[16];
	unsigned i;

	if (n == 0)
		return PQsendQueryParams(s->conn, sql, 0, NULL, NULL, NULL,
		    NULL, 0) ? 0 : -1;
	for (i = 0; i < s->n_prepared && s->prepared[i].sql != sql; i++)
		;
	if (i == s->n_prepared) {
		if (i == sizeof(s->prepared) / sizeof(s->prepared[0]))
			return PQsendQueryParams(s->conn, sql, n, NULL, params,
			    NULL, NULL, 0) ? 0 : -1;
		(void)snprintf(name, sizeof(name), "ctm%u", s->next_prepared);
		if (!PQsendPrepare(s->conn, name, sql, n, NULL))
			return -1;
		s->queued++;
		s->prepared[i].sql = sql;
		s->prepared[i].no = s->next_prepared++;
		s->prepared[i].confirmed = false;
		s->n_prepared++;
	}
	(void)snprintf(name, sizeof(name), "ctm%u", s->prepared[i].no);
	return PQsendQueryPrepared(s->conn, name, n, params, NULL, NULL, 0) ?
	    0 : -1;
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

PGresult *
store_q(struct store *s, const char *what, ExecStatusType want, const char *sql,
    int n, const char *const *params)
{
	PGresult *res;

	if (s->conn == NULL) {
		store_set_err(s, "%s: the database connection was lost", what);
		return NULL;
	}
	if (s->pipeline) {
		/* A bug, not a database failure: say so rather than hang. */
		store_set_err(s, "%s: internal error: a query inside a pipeline", what);
		return NULL;
	}
	res = PQexecParams(s->conn, sql, n, NULL, params, NULL, NULL, 0);
	if (res == NULL) {
		store_set_pq_err(s, what, NULL);
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

int
store_exec(struct store *s, const char *what, const char *sql, int n,
    const char *const *params)
{
	PGresult *res;

	if (s->conn != NULL && s->pipeline) {
		if (pipeline_send(s, sql, n, params) < 0) {
			store_set_pq_err(s, what, NULL);
			(void)lost(s);
			return -1;
		}
		s->queued++;
		/*
		 * Take in the results that have come back, so the server
		 * never blocks writing them while we block writing to it.
		 */
		if (!PQconsumeInput(s->conn)) {
			store_set_pq_err(s, what, NULL);
			(void)lost(s);
			return -1;
		}
		return 0;
	}
	if ((res = store_q(s, what, PGRES_COMMAND_OK, sql, n, params)) == NULL)
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
		store_set_pq_err(s, "pipeline", NULL);
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
				store_set_pq_err(s, "store batch", NULL);
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
			store_set_pq_err(s, "leave pipeline", NULL);
		/* Out of step with the server: nothing more can be trusted. */
		drop_conn(s);
		return -1;
	}
	prepared_settle(s, !failed);
	return failed ? -1 : 0;
}

const char *
store_col(const PGresult *res, int row, int c)
{
	return PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c);
}

void
store_copy_date(char dst[DATE_SIZE], const char *src)
{
	snprintf(dst, DATE_SIZE, "%s", src ? src : "");
}

char *
store_array_literal(const char *const *v, size_t n)
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

char *
store_id_array(char *const *ids, size_t n)
{
	return store_array_literal((const char *const *)ids, n);
}

char *
store_bigint_array(const long long *v, size_t n)
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
	res = store_q(s, "connect", PGRES_TUPLES_OK,
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
	store_set_err(s, "%s", msg);
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
		store_set_pq_err(s, "reconnect", NULL);
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
	if (store_exec(s, "begin", "BEGIN", 0, NULL) < 0)
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
		store_set_pq_err(s, "enter pipeline", NULL);
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
		if (store_exec(s, "commit", "COMMIT", 0, NULL) < 0 ||
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
	return store_exec(s, "commit", "COMMIT", 0, NULL);
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
	if ((res = store_q(s, "advisory lock", PGRES_TUPLES_OK, sql, 1, p)) == NULL)
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
			store_set_err(s, "another sync is running");
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
	res = store_q(s, "schema version", PGRES_TUPLES_OK,
	    "SELECT to_regclass('schema_migrations') IS NOT NULL", 0, NULL);
	if (res == NULL)
		return -1;
	if (PQgetvalue(res, 0, 0)[0] != 't') {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = store_q(s, "schema version", PGRES_TUPLES_OK,
	    "SELECT version FROM schema_migrations ORDER BY version", 0, NULL);
	if (res == NULL)
		return -1;
	for (int r = 0; r < PQntuples(res); r++) {
		long v = strtol(PQgetvalue(res, r, 0), NULL, 10);
		const struct store_migration *m = v >= 1 && v <= INT_MAX ?
		    migration_of((int)v) : NULL;

		if (m == NULL && v <= CTMIRROR_SCHEMA_VERSION) {
			store_set_err(s,
			    "schema_migrations holds version %ld, which is no migration of this ctmirror (it knows %04d to %04d): the table was changed by hand or by another program; repair it before running ctmirror",
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
		store_set_err(s, "internal error: too many migrations");
		return -1;
	}
	if (read_versions(s, &have, applied) < 0)
		return -1;
	for (int i = 0; i < store_migrations_count; i++)
		if (!applied[i] && missing == 0)
			missing = store_migrations[i].version;
	if (have > CTMIRROR_SCHEMA_VERSION) {
		store_set_err(s,
		    "database schema is at %04d, newer than this ctmirror (%04d): upgrade ctmirror",
		    have,
		    CTMIRROR_SCHEMA_VERSION);
		return -1;
	}
	if (missing == 0)
		return 0;
	if (missing > have)
		store_set_err(s,
		    "database schema is at %04d, ctmirror needs %04d: run 'ctmirror migrate'",
		    have, CTMIRROR_SCHEMA_VERSION);
	else
		store_set_err(s,
		    "database schema is at %04d but lacks migration %04d: run 'ctmirror migrate'",
		    have, missing);
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
		store_set_pq_err(s, what, res ? PQresultErrorMessage(res) : NULL);
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (store_exec(s, "record migration",
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
		store_set_err(s, "internal error: too many migrations");
		return -1;
	}
	/* Two migrators at once would both see "pending": serialize them. */
	if (!advisory(s, ADVISORY_LOCK, LOCK_MIGRATE))
		return -1;
	if (store_exec(s, "create schema_migrations",
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    " version integer PRIMARY KEY,"
	    " name text NOT NULL,"
	    " applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL) < 0)
		goto out;
	if (read_versions(s, &have, done) < 0)
		goto out;
	if (have > CTMIRROR_SCHEMA_VERSION) {
		store_set_err(s,
		    "database schema is at %04d, newer than this ctmirror (%04d): upgrade ctmirror",
		    have,
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
	if (store_exec(s, "close interrupted runs",
	    "UPDATE sync_runs SET status = 'failed',"
	    " finished_at = greatest(coalesce(last_progress_at, started_at),"
	    "   started_at),"
	    " error_text = 'interrupted: nothing heard from the run after '"
	    "   || to_char(coalesce(last_progress_at, started_at)"
	    "      AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	    "   || ' (its process ended or lost the database first)'"
	    " WHERE status = 'running'", 0, NULL) < 0)
		return -1;
	res = store_q(s, "start run", PGRES_TUPLES_OK,
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
	return store_exec(s, "record progress",
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
	return store_exec(s, "finish run",
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
	if ((res = store_q(s, what, PGRES_TUPLES_OK, sql, 2, p)) == NULL)
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
	return store_exec(s, "record error",
	    "INSERT INTO sync_errors (run_id, nct_id, stage, message)"
	    " VALUES ($1, $2, $3, $4)"
	    " ON CONFLICT (run_id, nct_id, stage)"
	    " DO UPDATE SET message = EXCLUDED.message", 4, p);
}

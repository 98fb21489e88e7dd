/*
 * harness.c - test support: throwaway databases, subprocess runs of the
 * ctmirror binary, faults in the fake registry, the mirror fixture of the
 * in-process sync tests.  Tests only; never linked into ctmirror.  What
 * needs no database is in harness_files.c.
 */
#include "harness.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "config_keys.h"
#include "fetch.h"
#include "store.h"
#include "sync.h"

/* The maintenance database on the test server. */
static PGconn *
admin(void)
{
	PGconn *c = PQconnectdb("dbname=postgres");

	if (PQstatus(c) != CONNECTION_OK) {
		cr_log_error("cannot connect to the test PostgreSQL (set PG* or "
		    "run tests/run): %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

char *
harness_db_create(const char *tag)
{
	static unsigned seq;
	PGconn *c;
	PGresult *r;
	char name[64], sql[128];

	snprintf(name, sizeof(name), "ctm_%s_%d_%u", tag, (int)getpid(), seq++);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	if ((c = admin()) == NULL)
		return NULL;
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", name);
	PQclear(PQexec(c, sql));
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		cr_log_error("%s: %s", sql, PQerrorMessage(c));
		PQclear(r);
		PQfinish(c);
		return NULL;
	}
	PQclear(r);
	PQfinish(c);
	return harness_fmt("dbname=%s", name);
}

void
harness_db_drop(char *conninfo)
{
	PGconn *c;
	char sql[160];

	if (conninfo == NULL)
		return;
	if ((c = admin()) != NULL) {
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
		    conninfo + strlen("dbname="));
		PQclear(PQexec(c, sql));
		PQfinish(c);
	}
	free(conninfo);
}

char *
harness_db_migrated(const char *tag)
{
	char *ci = harness_db_create(tag), *err = NULL;
	struct store *s;
	int applied;

	if (ci == NULL)
		return NULL;
	if ((s = store_open(ci, &err)) == NULL) {
		cr_log_error("%s", err);
		free(err);
		harness_db_drop(ci);
		return NULL;
	}
	if (store_migrate(s, &applied) < 0) {
		cr_log_error("migrate: %s", store_errmsg(s));
		store_close(s);
		harness_db_drop(ci);
		return NULL;
	}
	store_close(s);
	return ci;
}

char *
harness_db_value(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = NULL;
	char *v = NULL;

	if (PQstatus(c) != CONNECTION_OK) {
		cr_log_error("%s", PQerrorMessage(c));
		goto out;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		cr_log_error("%s: %s", sql, PQerrorMessage(c));
		goto out;
	}
	v = strdup(PQntuples(r) && !PQgetisnull(r, 0, 0) ?
	    PQgetvalue(r, 0, 0) : "");
out:
	PQclear(r);
	PQfinish(c);
	return v;
}

int
harness_db_exec(const char *conninfo, const char *sql)
{
	PGconn *c = PQconnectdb(conninfo);
	PGresult *r = NULL;
	int rc = -1;

	if (PQstatus(c) != CONNECTION_OK) {
		cr_log_error("%s", PQerrorMessage(c));
		goto out;
	}
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		cr_log_info("%s: %s", sql, PQerrorMessage(c));
		goto out;
	}
	rc = 0;
out:
	PQclear(r);
	PQfinish(c);
	return rc;
}

long
harness_db_count(const char *conninfo, const char *sql)
{
	char *v = harness_db_value(conninfo, sql);
	long n;

	if (v == NULL)
		return -1;
	n = *v ? strtol(v, NULL, 10) : -1;
	free(v);
	return n;
}

/* Append what is readable on fd to buf. */
static int
drain(int fd, char **buf, size_t *len)
{
	char chunk[8192];
	ssize_t n = read(fd, chunk, sizeof(chunk));
	char *grown;

	if (n <= 0)
		return (int)n;
	if ((grown = realloc(*buf, *len + (size_t)n + 1)) == NULL)
		return -1;
	*buf = grown;
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

int
harness_run(struct harness_run *r, const char *const *argv,
    const char *const *env)
{
	int out[2], err[2], status;
	size_t nargs = 0, olen = 0, elen = 0;
	struct pollfd pfd[2];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	while (argv[nargs])
		nargs++;
	/* CLOEXEC: only the dup2'd copies may outlive exec, or a server the
	 * child starts would hold the pipes open and we would wait forever. */
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		const char **av = calloc(nargs + 2, sizeof(*av));

		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		unsetenv("CTMIRROR_CONFIG");
		for (size_t i = 0; env && env[i]; i++) {
			const char *eq = strchr(env[i], '=');
			char key[128];

			if (eq == NULL || (size_t)(eq - env[i]) >= sizeof(key))
				continue;
			memcpy(key, env[i], (size_t)(eq - env[i]));
			key[eq - env[i]] = '\0';
			if (eq[1] == '\0')
				unsetenv(key);
			else
				setenv(key, eq + 1, 1);
		}
		av[0] = harness_bin();
		for (size_t i = 0; i < nargs; i++)
			av[i + 1] = argv[i];
		execv(av[0], (char *const *)av);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	r->out = strdup("");
	r->err = strdup("");
	pfd[0].fd = out[0];
	pfd[1].fd = err[0];
	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		pfd[0].events = pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (drain(pfd[i].fd, i == 0 ? &r->out : &r->err,
			    i == 0 ? &olen : &elen) <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
	return 0;
}

void
harness_run_free(struct harness_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

char *
harness_default_records(void)
{
	static const char *const ids[] = {"NCT02982915", "NCT05233774",
	    "NCT04421456"};
	char *dir = harness_tmpdir();

	cr_assert_not_null(dir);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char *from = harness_fmt("%s/registry/default/%s.json",
		    harness_data(), ids[i]);
		char *to = harness_fmt("%s/%s.json", dir, ids[i]);

		cr_assert_eq(harness_copy(from, to), 0, "copy %s", from);
		free(from);
		free(to);
	}
	return dir;
}

void
harness_fault(struct fakereg *reg, enum fakereg_fault_kind kind,
    const char *match, int status, unsigned count)
{
	struct fakereg_fault f = {0};

	f.kind = kind;
	f.match = match;
	f.status = status;
	f.count = count;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
}

int
harness_sync_cycle(const struct config *cfg, struct store *s,
    struct sync_result *res)
{
	struct event_base *base = event_base_new();
	struct fetch_opts fo;
	struct fetch *f;
	int rc;

	sync_fetch_opts(cfg, &fo);
	/* The real waits, scaled down: 0.05 s doubling to 3 s. */
	fo.backoff_base = 0.05;
	fo.backoff_max = 3;
	f = fetch_new(base, &fo);
	cr_assert_not_null(f);
	rc = sync_cycle(cfg, s, f, "sync", NULL, res);
	fetch_free(f);
	event_base_free(base);
	return rc;
}

/* The one mirror of this process (harness.h). */
static struct harness_mirror mirror;

struct harness_mirror *
harness_mirror_start(const char *tag, char *records)
{
	struct harness_mirror *m = &mirror;
	char *err = NULL;

	cr_assert_null(m->regdir, "a mirror is running already");
	cr_assert_not_null(records);
	m->regdir = records;
	m->db = harness_db_migrated(tag);
	cr_assert_not_null(m->db);
	m->reg = fakereg_start(m->regdir, 0);
	cr_assert_not_null(m->reg, "fake registry");
	m->cfg = config_defaults();
	cr_assert_not_null(m->cfg);
	free(m->cfg->base_url);
	m->cfg->base_url = strdup(fakereg_url(m->reg));
	free(m->cfg->conninfo);
	m->cfg->conninfo = strdup(m->db);
	cr_assert(m->cfg->base_url != NULL && m->cfg->conninfo != NULL);
	/* No pacing to wait out, and a failure is seen within the test. */
	m->cfg->rate_limit = 0;
	m->cfg->retries = 2;
	m->cfg->timeout = 10;
	/* Tests read what a cycle found from its result and the database. */
	m->cfg->alert_stdout = false;
	m->cfg->alert_notify = false;
	m->st = store_open(m->db, &err);
	cr_assert_not_null(m->st, "%s", err ? err : "");
	return m;
}

void
harness_mirror_stop(void)
{
	struct harness_mirror *m = &mirror;

	store_close(m->st);
	config_free(m->cfg);
	/* The fake before the folder: its thread reads it until it stops. */
	fakereg_stop(m->reg);
	harness_rmtree(m->regdir);
	free(m->regdir);
	harness_db_drop(m->db);
	memset(m, 0, sizeof(*m));
}

int
harness_mirror_cycle(struct sync_result *res)
{
	return harness_sync_cycle(mirror.cfg, mirror.st, res);
}

long
harness_mirror_count(const char *sql)
{
	return harness_db_count(mirror.db, sql);
}

void
harness_mirror_track(const char *const *ids, size_t n)
{
	struct config *cfg = mirror.cfg;

	config_free_list(&cfg->nct_ids, &cfg->n_nct_ids);
	/* NULL-ended, as the parser's lists are. */
	cfg->nct_ids = calloc(n + 1, sizeof(char *));
	cr_assert_not_null(cfg->nct_ids);
	for (size_t i = 0; i < n; i++) {
		cfg->nct_ids[i] = strdup(ids[i]);
		cr_assert_not_null(cfg->nct_ids[i]);
	}
	cfg->n_nct_ids = n;
}

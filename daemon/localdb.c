/*
 * localdb.c - create, start and stop the private PostgreSQL cluster that
 * ctmirror uses when no database is configured (initdb + pg_ctl children).
 */
#include "localdb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"

#define DBNAME "ctmirror"
#define DBUSER "ctmirror"

/* Where everything lives, resolved once per call. */
struct cluster {
	char state[PATH_MAX];	/* absolute state dir */
	char dir[PATH_MAX];	/* holds pgdata/ and run/: state, or a fallback */
	char pgdata[PATH_MAX + 16];
	char sock[PATH_MAX + 16];
	char log[PATH_MAX + 32];
	char bindir[PATH_MAX];
	uid_t uid;		/* server's user */
	gid_t gid;
	bool drop;		/* root: run children as uid/gid */
	char user[64];
};

static const char *pg_env[] = {
	"PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE",
};

bool
localdb_wanted(const char *conninfo)
{
	if (conninfo && *conninfo)
		return false;
	for (size_t i = 0; i < sizeof(pg_env) / sizeof(pg_env[0]); i++) {
		const char *v = getenv(pg_env[i]);

		if (v && *v)
			return false;
	}
	return true;
}

static void
seterr(char **errmsg, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(errmsg, fmt, ap) < 0)
		*errmsg = NULL;
	va_end(ap);
}

static bool
is_exec(const char *dir, const char *prog)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/%s", dir, prog);
	return access(p, X_OK) == 0;
}

/* pg_ctl's folder: $CTMIRROR_PG_BINDIR, Debian's newest, then $PATH. */
static int
find_bindir(struct cluster *c)
{
	const char *env = getenv("CTMIRROR_PG_BINDIR");
	char best[PATH_MAX] = "";
	long best_ver = -1;
	DIR *d;
	struct dirent *e;

	if (env && *env && is_exec(env, "pg_ctl")) {
		snprintf(c->bindir, sizeof(c->bindir), "%s", env);
		return 0;
	}
	if ((d = opendir("/usr/lib/postgresql")) != NULL) {
		while ((e = readdir(d)) != NULL) {
			char cand[PATH_MAX];
			long v = strtol(e->d_name, NULL, 10);

			snprintf(cand, sizeof(cand), "/usr/lib/postgresql/%s/bin",
			    e->d_name);
			if (v > best_ver && is_exec(cand, "pg_ctl") &&
			    is_exec(cand, "initdb")) {
				best_ver = v;
				snprintf(best, sizeof(best), "%s", cand);
			}
		}
		closedir(d);
	}
	if (best[0]) {
		snprintf(c->bindir, sizeof(c->bindir), "%s", best);
		return 0;
	}
	{
		const char *path = getenv("PATH");
		char *copy, *tok, *save = NULL;
		int rc = -1;

		if (path == NULL || (copy = strdup(path)) == NULL)
			return -1;
		for (tok = strtok_r(copy, ":", &save); tok;
		    tok = strtok_r(NULL, ":", &save))
			if (is_exec(tok, "pg_ctl") && is_exec(tok, "initdb")) {
				snprintf(c->bindir, sizeof(c->bindir), "%s", tok);
				rc = 0;
				break;
			}
		free(copy);
		return rc;
	}
}

static int
mkdir_p(const char *path, mode_t mode)
{
	char tmp[PATH_MAX];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(tmp, mode) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/*
 * Run argv (argv[0] a full path) as the server's user, output appended to
 * the cluster log.  Returns the exit status, -1 if it could not run.
 */
static int
run(const struct cluster *c, char *const argv[])
{
	pid_t pid;
	int status, fd;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		fd = open(c->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			if (c->drop && fchown(fd, c->uid, c->gid) < 0)
				_exit(126);
			dup2(fd, STDOUT_FILENO);
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			close(fd);
		}
		/* The server must not inherit our sockets, pipes or root's groups. */
		closefrom(3);
		if (c->drop && (setgroups(0, NULL) < 0 || setgid(c->gid) < 0 ||
		    setuid(c->uid) < 0))
			_exit(126);
		if (chdir(c->dir) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Can the server's user reach and write `dir`?  (Root may run the server
 * as "postgres", who cannot enter /root.) */
static bool
server_can_use(const struct cluster *c, const char *dir)
{
	pid_t pid;
	int status;

	if (!c->drop)
		return true;
	if ((pid = fork()) < 0)
		return false;
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(c->gid) < 0 ||
		    setuid(c->uid) < 0)
			_exit(1);
		_exit(access(dir, W_OK | X_OK) == 0 ? 0 : 1);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return false;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Where the cluster of state_dir lives.  `create`: make the folders it
 * needs; else only look (1 when the state folder is not there).  0 / -1.
 */
static int
resolve(struct cluster *c, const char *state_dir, bool create, char **errmsg)
{
	struct passwd *pw;

	memset(c, 0, sizeof(*c));
	if (state_dir == NULL || state_dir[0] == '\0') {
		seterr(errmsg,
		    "no folder for the private cluster (HOME is not set): set [database] state_dir, or [database] conninfo");
		return -1;
	}
	if (!create && access(state_dir, F_OK) != 0)
		return 1;
	if (create && mkdir_p(state_dir, 0700) < 0) {
		seterr(errmsg, "%s: cannot create state directory: %s",
		    state_dir, strerror(errno));
		return -1;
	}
	if (realpath(state_dir, c->state) == NULL) {
		seterr(errmsg, "%s: %s", state_dir, strerror(errno));
		return -1;
	}
	if (find_bindir(c) < 0) {
		seterr(errmsg,
		    "no PostgreSQL server programs (initdb, pg_ctl) found: install the postgresql package, set CTMIRROR_PG_BINDIR, or set [database] conninfo");
		return -1;
	}
	if (geteuid() == 0) {
		/* PostgreSQL refuses to run as root. */
		if ((pw = getpwnam("postgres")) == NULL &&
		    (pw = getpwnam("nobody")) == NULL) {
			seterr(errmsg,
			    "running as root and no 'postgres' user to run the local database as");
			return -1;
		}
		c->drop = true;
		c->uid = pw->pw_uid;
		c->gid = pw->pw_gid;
		snprintf(c->user, sizeof(c->user), "%s", pw->pw_name);
	}
	snprintf(c->dir, sizeof(c->dir), "%s", c->state);
	if (c->drop) {
		if (create && chown(c->state, c->uid, c->gid) < 0) {
			seterr(errmsg, "%s: chown: %s", c->state, strerror(errno));
			return -1;
		}
		if (!server_can_use(c, c->state)) {
			/*
			 * The state dir sits under a folder the server user
			 * cannot enter (e.g. /root): keep the cluster in
			 * /var/lib/ctmirror, one per state dir.
			 */
			unsigned long h = 5381;

			for (const char *p = c->state; *p; p++)
				h = h * 33 + (unsigned char)*p;
			snprintf(c->dir, sizeof(c->dir),
			    "/var/lib/ctmirror/cluster-%08lx", h & 0xffffffffUL);
			if (create && (mkdir_p(c->dir, 0700) < 0 ||
			    chown(c->dir, c->uid, c->gid) < 0)) {
				seterr(errmsg, "%s: %s", c->dir, strerror(errno));
				return -1;
			}
		}
	}
	snprintf(c->pgdata, sizeof(c->pgdata), "%s/pgdata", c->dir);
	snprintf(c->sock, sizeof(c->sock), "%s/run", c->dir);
	snprintf(c->log, sizeof(c->log), "%s/postgresql.log", c->dir);
	return 0;
}

static int
create_cluster(struct cluster *c, char **errmsg)
{
	char initdb[PATH_MAX + 16], conf[PATH_MAX + 32];
	char *argv[] = {initdb, "-D", c->pgdata, "-U", DBUSER, "-A", "trust",
	    "-E", "UTF8", "--locale=C", NULL};
	FILE *f;

	snprintf(initdb, sizeof(initdb), "%s/initdb", c->bindir);
	if (mkdir_p(c->sock, 0700) < 0 ||
	    (c->drop && chown(c->sock, c->uid, c->gid) < 0)) {
		seterr(errmsg, "%s: %s", c->sock, strerror(errno));
		return -1;
	}
	if (run(c, argv) != 0) {
		seterr(errmsg, "initdb failed; see %s", c->log);
		return -1;
	}
	/* Socket only, in a 0700 folder: nobody else can connect. */
	snprintf(conf, sizeof(conf), "%s/postgresql.conf", c->pgdata);
	if ((f = fopen(conf, "a")) == NULL) {
		seterr(errmsg, "%s: %s", conf, strerror(errno));
		return -1;
	}
	fprintf(f, "\n# ctmirror's private cluster\n"
	    "listen_addresses = ''\n"
	    "unix_socket_directories = '%s'\n"
	    "unix_socket_permissions = 0700\n"
	    "max_connections = 40\n"
	    "shared_buffers = 128MB\n"
	    "default_toast_compression = lz4\n", c->sock);
	if (fclose(f) != 0) {
		seterr(errmsg, "%s: %s", conf, strerror(errno));
		return -1;
	}
	return 0;
}

static bool
running(const struct cluster *c)
{
	char pgctl[PATH_MAX + 16];
	char *argv[] = {pgctl, "status", "-D", (char *)c->pgdata, NULL};

	snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", c->bindir);
	return run(c, argv) == 0;
}

static int
create_database(const char *sock, char **errmsg)
{
	PGconn *conn = NULL;
	PGresult *res = NULL;
	char admin[PATH_MAX + 64];
	const char *p[1] = {DBNAME};
	int rc = -1;

	/* The maintenance database exists in every fresh cluster. */
	snprintf(admin, sizeof(admin), "host=%s dbname=postgres user=" DBUSER,
	    sock);
	conn = PQconnectdb(admin);
	if (PQstatus(conn) != CONNECTION_OK) {
		seterr(errmsg, "local database: %s", PQerrorMessage(conn));
		goto out;
	}
	res = PQexecParams(conn,
	    "SELECT 1 FROM pg_database WHERE datname = $1", 1, NULL, p, NULL,
	    NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		seterr(errmsg, "local database: %s", PQerrorMessage(conn));
		goto out;
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		res = PQexecParams(conn, "CREATE DATABASE " DBNAME, 0, NULL,
		    NULL, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			seterr(errmsg, "local database: %s", PQerrorMessage(conn));
			goto out;
		}
	}
	rc = 0;
out:
	PQclear(res);
	PQfinish(conn);
	return rc;
}

static void
tell_stop(const struct cluster *c, const char *what)
{
	if (c->drop)
		log_notice("%s a private PostgreSQL cluster in %s (socket in %s); "
		    "stop it with: runuser -u %s -- %s/pg_ctl -D %s stop",
		    what, c->pgdata, c->sock, c->user, c->bindir, c->pgdata);
	else
		log_notice("%s a private PostgreSQL cluster in %s (socket in %s); "
		    "stop it with: %s/pg_ctl -D %s stop", what, c->pgdata,
		    c->sock, c->bindir, c->pgdata);
}

int
localdb_find(const char *state_dir, char **conninfo, char **errmsg)
{
	struct cluster c;
	char ver[PATH_MAX + 32];
	int r;

	*conninfo = NULL;
	*errmsg = NULL;
	if ((r = resolve(&c, state_dir, false, errmsg)) != 0)
		return r;
	snprintf(ver, sizeof(ver), "%s/PG_VERSION", c.pgdata);
	if (access(ver, F_OK) != 0)
		return 1;
	if (!running(&c)) {
		seterr(errmsg,
		    "the private PostgreSQL cluster in %s is not running: `ctmirror sync` starts it",
		    c.pgdata);
		return -1;
	}
	if (asprintf(conninfo, "host=%s dbname=" DBNAME " user=" DBUSER,
	    c.sock) < 0) {
		*conninfo = NULL;
		seterr(errmsg, "out of memory");
		return -1;
	}
	return 0;
}

int
localdb_ensure(const char *state_dir, char **conninfo, char **errmsg)
{
	struct cluster c;
	char pgctl[PATH_MAX + 16], ver[PATH_MAX + 32];
	bool created = false;

	*conninfo = NULL;
	*errmsg = NULL;
	if (resolve(&c, state_dir, true, errmsg) < 0)
		return -1;
	snprintf(ver, sizeof(ver), "%s/PG_VERSION", c.pgdata);
	if (access(ver, F_OK) != 0) {
		/* The default was ./.ctmirror, wherever a command ran. */
		if (access(".ctmirror/pgdata/PG_VERSION", F_OK) == 0 &&
		    realpath(".ctmirror", ver) != NULL &&
		    strcmp(ver, c.state) != 0)
			log_warnx(
			    "a private cluster from an earlier ctmirror is in %s; to keep using it, set [database] state_dir = %s",
			    ver, ver);
		if (create_cluster(&c, errmsg) < 0)
			return -1;
		created = true;
	}
	if (!running(&c)) {
		char *argv[] = {pgctl, "start", "-w", "-t", "60", "-D",
		    c.pgdata, "-l", c.log, NULL};

		snprintf(pgctl, sizeof(pgctl), "%s/pg_ctl", c.bindir);
		if (run(&c, argv) != 0) {
			seterr(errmsg,
			    "could not start the local PostgreSQL cluster in %s; see %s",
			    c.pgdata, c.log);
			return -1;
		}
		tell_stop(&c, created ? "created and started" : "started");
	}
	if (asprintf(conninfo, "host=%s dbname=" DBNAME " user=" DBUSER,
	    c.sock) < 0) {
		*conninfo = NULL;
		seterr(errmsg, "out of memory");
		return -1;
	}
	if (create_database(c.sock, errmsg) < 0) {
		free(*conninfo);
		*conninfo = NULL;
		return -1;
	}
	return 0;
}

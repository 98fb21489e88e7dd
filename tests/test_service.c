/*
 * test_service.c - `ctmirror run` as a subprocess against the fake registry
 * and a real PostgreSQL: cycles record changes, SIGHUP reloads (and keeps
 * the old config when the new one is broken), SIGTERM stops cleanly mid
 * cycle, the database going away and coming back, and the status endpoint
 * (Prometheus syntax, answers within 100 ms while a cycle is stuck).
 */
#include <criterion/criterion.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "build_config.h"
#include "fakereg.h"
#include "harness.h"

static char *db, *dir, *regdir, *conf, *logpath;
static struct fakereg *reg;
static int port;
static pid_t pid;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
free_port(void)
{
	struct sockaddr_in a = {0};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), p;

	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	p = ntohs(a.sin_port);
	close(fd);
	return p;
}

static void
write_conf(const char *extra_ids)
{
	char *body = harness_fmt(
	    "[database]\nconninfo = %s\n"
	    "[registry]\nbase_url = %s\nrate_limit = 0\nretries = 1\n"
	    "timeout = 20s\nfetch_batch = 50\n"
	    "[tracking]\nnct_ids = NCT02982915 NCT05233774 NCT04421456 %s\n"
	    "[daemon]\ninterval = 3s\njitter = 0s\nlisten = 127.0.0.1:%d\n"
	    "[alerts]\nstdout = no\n",
	    db, fakereg_url(reg), extra_ids, port);

	cr_assert_eq(harness_write(conf, body), 0);
	free(body);
}

static void
setup(void)
{
	static const char *ids[] = {"NCT02982915", "NCT05233774", "NCT04421456"};

	db = harness_db_migrated("svc");
	cr_assert_not_null(db);
	dir = harness_tmpdir();
	regdir = harness_fmt("%s/registry", dir);
	cr_assert_eq(mkdir(regdir, 0755), 0);
	for (size_t i = 0; i < 3; i++) {
		char *from = harness_fmt("%s/registry/default/%s.json",
		    harness_data(), ids[i]);
		char *to = harness_fmt("%s/%s.json", regdir, ids[i]);

		cr_assert_eq(harness_copy(from, to), 0);
		free(from);
		free(to);
	}
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg);
	port = free_port();
	conf = harness_fmt("%s/ctmirror.conf", dir);
	logpath = harness_fmt("%s/daemon.log", dir);
	write_conf("");
	pid = 0;
}

static void
teardown(void)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	fakereg_stop(reg);
	harness_rmtree(dir);
	free(dir);
	free(regdir);
	free(conf);
	free(logpath);
	harness_db_drop(db);
}

TestSuite(service, .init = setup, .fini = teardown, .timeout = 180);

/* When set, the daemon's NOTIFY_SOCKET (and a watchdog of 400 ms). */
static const char *notify_path;

static void
start_daemon(void)
{
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		unsetenv("CTMIRROR_CONFIG");
		if (notify_path) {
			setenv("NOTIFY_SOCKET", notify_path, 1);
			setenv("WATCHDOG_USEC", "400000", 1);
		}
		execl(harness_bin(), harness_bin(), "-v", "-c", conf, "run",
		    (char *)NULL);
		_exit(127);
	}
}

struct body {
	char *p;
	size_t n;
};

static size_t
collect(char *d, size_t sz, size_t nm, void *arg)
{
	struct body *b = arg;
	char *g = realloc(b->p, b->n + sz * nm + 1);

	if (g == NULL)
		return 0;
	b->p = g;
	memcpy(b->p + b->n, d, sz * nm);
	b->n += sz * nm;
	b->p[b->n] = '\0';
	return sz * nm;
}

/* GET http://127.0.0.1:port/path; returns status (0: no answer). */
static long
get(const char *path, char **out, double *seconds)
{
	CURL *c = curl_easy_init();
	struct body b = {calloc(1, 1), 0};
	char *url = harness_fmt("http://127.0.0.1:%d%s", port, path);
	long code = 0;
	double t0 = now();

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 2000L);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (seconds)
		*seconds = now() - t0;
	curl_easy_cleanup(c);
	free(url);
	if (out)
		*out = b.p;
	else
		free(b.p);
	return code;
}

/* The status line the endpoint answers GET path with (new), or NULL. */
static char *
status_line(const char *path)
{
	struct sockaddr_in a;
	char req[256], buf[512];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(0x7f000001);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n"
	    "Connection: close\r\n\r\n", path);
	if (write(fd, req, strlen(req)) < 0 ||
	    (n = read(fd, buf, sizeof(buf) - 1)) <= 0) {
		close(fd);
		return NULL;
	}
	close(fd);
	buf[n] = '\0';
	return strndup(buf, strcspn(buf, "\r\n"));
}

/* The value of a metric line "name value" in /metrics, -1 if absent. */
static double
metric(const char *name)
{
	char *body = NULL, *p;
	double v = -1;

	if (get("/metrics", &body, NULL) != 200) {
		free(body);
		return -1;
	}
	for (p = body; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t n = strlen(name);

		if (strncmp(p, name, n) == 0 && p[n] == ' ') {
			v = strtod(p + n + 1, NULL);
			break;
		}
	}
	free(body);
	return v;
}

static bool
wait_for_cycles(const char *outcome_metric, double at_least, double timeout)
{
	double end = now() + timeout;

	while (now() < end) {
		if (metric(outcome_metric) >= at_least)
			return true;
		usleep(100 * 1000);
	}
	return false;
}

#define OK_CYCLES "ctmirror_cycles_total{outcome=\"ok\"}"
#define FAILED_CYCLES "ctmirror_cycles_total{outcome=\"failed\"}"

static long
count(const char *sql)
{
	return harness_db_count(db, sql);
}

static int
stop_daemon(double *seconds)
{
	int status = -1;
	double t0 = now();

	kill(pid, SIGTERM);
	for (int i = 0; i < 150; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			pid = 0;
			break;
		}
		usleep(100 * 1000);
	}
	if (seconds)
		*seconds = now() - t0;
	return pid == 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Test(service, cycles_record_changes_and_stop_cleanly)
{
	char *path = harness_fmt("%s/NCT04421456.json", regdir);
	char *text, *at;
	double secs;

	start_daemon();
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30), "first cycle");
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 3);
	/* /status says each trial's FDAAA 801 results-due state. */
	{
		char *body = NULL;

		cr_assert_eq(get("/status", &body, NULL), 200);
		cr_expect(strstr(body, "\"results_due\"") != NULL, "%s", body);
		cr_expect(strstr(body, "\"not applicable\"") != NULL, "%s", body);
		cr_expect(strstr(body, "\"2025-06-28\"") != NULL, "CLEARMIND's "
		    "deadline: %s", body);
		free(body);
	}
	/* Move one record on the registry; the next cycle records it. */
	text = harness_read(path);
	cr_assert_not_null(text);
	at = strstr(text, "\"COMPLETED\"");
	cr_assert_not_null(at);
	{
		char *moved = harness_fmt("%.*s\"TERMINATED\"%s", (int)(at - text),
		    text, at + strlen("\"COMPLETED\""));
		char *d = strstr(moved, "\"lastUpdatePostDateStruct\"");

		cr_assert_not_null(d);
		d = strstr(d, "\"date\"");
		d = strchr(d + 6, '"');
		memcpy(d + 1, "2026-10-01", 10);
		cr_assert_eq(harness_write(path, moved), 0);
		free(moved);
	}
	cr_assert(wait_for_cycles(OK_CYCLES, 3, 30), "more cycles");
	cr_expect_eq(count("SELECT count(*) FROM trial_changes WHERE nct_id = "
	    "'NCT04421456' AND change_class = 'status' AND new_value = "
	    "'\"TERMINATED\"'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE mode = 'run' "
	    "AND status = 'running'"), 0, "cycles never overlap");
	cr_expect_eq(stop_daemon(&secs), 0);
	cr_expect_lt(secs, 10.0);
	free(text);
	free(path);
}

Test(service, sighup_adds_a_trial_and_survives_a_broken_file)
{
	char *from = harness_fmt("%s/registry/default/NCT02982915.json",
	    harness_data());
	char *newrec = harness_fmt("%s/NCT01234567.json", regdir);
	char *text = harness_read(from), *at, *daemon_log;

	cr_assert_not_null(text);
	/* A fourth trial on the registry: HERA's record under another ID. */
	while ((at = strstr(text, "NCT02982915")) != NULL)
		memcpy(at, "NCT01234567", 11);
	cr_assert_eq(harness_write(newrec, text), 0);
	start_daemon();
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30));
	write_conf("NCT01234567");
	kill(pid, SIGHUP);
	cr_assert(wait_for_cycles(OK_CYCLES, 2, 30));
	sleep(4);
	cr_expect_eq(count("SELECT count(*) FROM trials_current WHERE nct_id = "
	    "'NCT01234567' AND overall_status IS NOT NULL"), 1,
	    "the next cycle fetched the added trial");
	/* A broken file: the old config stays, the error names file:line. */
	cr_assert_eq(harness_write(conf, "[tracking]\nnct_ids = NCT1\n"), 0);
	kill(pid, SIGHUP);
	usleep(500 * 1000);
	cr_expect_eq(get("/healthz", NULL, NULL), 200, "still running");
	daemon_log = harness_read(logpath);
	{
		char *want = harness_fmt("%s:2:", conf);

		cr_expect(strstr(daemon_log, want) != NULL, "%s", daemon_log);
		cr_expect(strstr(daemon_log, "keeping the old configuration") !=
		    NULL, "%s", daemon_log);
		free(want);
	}
	cr_expect_eq(stop_daemon(NULL), 0);
	free(daemon_log);
	free(text);
	free(from);
	free(newrec);
}

Test(service, sigterm_mid_cycle_stores_nothing_partial)
{
	struct fakereg_fault f = {0};
	double secs;

	/* Full-record requests hang: the cycle is stuck in "fetch". */
	f.kind = FAULT_STALL;
	f.match = "pageSize=50";
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	start_daemon();
	for (int i = 0; i < 100 && fakereg_count(reg, "pageSize=50") == 0; i++)
		usleep(100 * 1000);
	cr_assert_gt(fakereg_count(reg, "pageSize=50"), 0, "%s",
	    fakereg_log(reg));
	cr_expect_eq(stop_daemon(&secs), 0);
	cr_expect_lt(secs, 10.0, "stopped in %.1f s", secs);
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 0);
	cr_expect_eq(count("SELECT count(*) FROM sync_runs WHERE status = "
	    "'running'"), 0, "the run record was closed");
}

Test(service, endpoints_answer_fast_while_a_cycle_is_stuck)
{
	struct fakereg_fault f = {0};
	regex_t help, type, sample;
	char *body = NULL, *line, *save = NULL;
	double secs;

	f.kind = FAULT_DELAY;
	f.delay_ms = 6000;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	start_daemon();
	for (int i = 0; i < 100 && get("/status", NULL, NULL) != 200; i++)
		usleep(100 * 1000);
	usleep(500 * 1000);
	for (int i = 0; i < 5; i++) {
		cr_expect_eq(get("/healthz", NULL, &secs), 503, "no cycle yet");
		cr_expect_lt(secs, 0.1, "/healthz took %.3f s", secs);
		cr_expect_eq(get("/status", NULL, &secs), 200);
		cr_expect_lt(secs, 0.1, "/status took %.3f s", secs);
	}
	cr_expect_eq(get("/nope", NULL, NULL), 404);
	/* Each answer has its reason phrase, not a bare "Error". */
	{
		static const char *const want[][2] = {
			{"/nope", "HTTP/1.1 404 Not Found"},
			{"/healthz", "HTTP/1.1 503 Service Unavailable"},
			{"/status", "HTTP/1.1 200 OK"},
		};

		for (size_t i = 0; i < 3; i++) {
			char *sl = status_line(want[i][0]);

			cr_expect_str_eq(sl ? sl : "", want[i][1]);
			free(sl);
		}
	}
	cr_assert_eq(get("/metrics", &body, &secs), 200);
	cr_expect_lt(secs, 0.1);
	{
		char *want = harness_fmt("\nctmirror_build_info{version=\"%s\","
		    "schema=\"%04d\"} 1\n", CTMIRROR_VERSION,
		    CTMIRROR_SCHEMA_VERSION);

		cr_expect(strstr(body, want) != NULL, "%s", body);
		free(want);
	}
	cr_expect(strstr(body, "\nctmirror_alerts_total{sink=\"webhook\","
	    "result=\"failed\"} 0\n") != NULL, "%s", body);
	/* Prometheus text exposition: every line one of three shapes. */
	regcomp(&help, "^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .+$", REG_EXTENDED);
	regcomp(&type, "^# TYPE [a-zA-Z_:][a-zA-Z0-9_:]* "
	    "(counter|gauge|summary|histogram|untyped)$", REG_EXTENDED);
	regcomp(&sample, "^[a-zA-Z_:][a-zA-Z0-9_:]*"
	    "(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\""
	    "(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? "
	    "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$", REG_EXTENDED);
	for (line = strtok_r(body, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save))
		cr_expect(regexec(&help, line, 0, NULL, 0) == 0 ||
		    regexec(&type, line, 0, NULL, 0) == 0 ||
		    regexec(&sample, line, 0, NULL, 0) == 0,
		    "bad exposition line: '%s'", line);
	regfree(&help);
	regfree(&type);
	regfree(&sample);
	free(body);
	fakereg_clear_faults(reg);
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30));
	cr_expect_eq(get("/healthz", NULL, NULL), 200);
	/* The default trials' one-version histories (test_backfill: more). */
	cr_expect_eq(metric("ctmirror_backfill_pending_trials"), 0);
	cr_expect_eq(metric("ctmirror_backfill_versions_fetched_total"), 3);
	cr_expect_eq(stop_daemon(NULL), 0);
}

Test(service, database_outage_and_recovery)
{
	char *dbname = db + strlen("dbname=");
	char *off = harness_fmt("ALTER DATABASE %s ALLOW_CONNECTIONS false; "
	    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
	    "datname = '%s' AND pid <> pg_backend_pid()", dbname, dbname);
	char *on = harness_fmt("ALTER DATABASE %s ALLOW_CONNECTIONS true",
	    dbname);
	char *daemon_log;

	start_daemon();
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30));
	cr_expect_eq(get("/healthz", NULL, NULL), 200);
	/* The database refuses connections: health goes 503. */
	cr_assert_eq(harness_db_exec("dbname=postgres", off), 0);
	cr_assert(wait_for_cycles(FAILED_CYCLES, 2, 40), "failed cycles");
	cr_expect_eq(get("/healthz", NULL, NULL), 503);
	cr_expect_eq(metric("ctmirror_database_up"), 0);
	/* Back: the daemon reconnects by itself. */
	cr_assert_eq(harness_db_exec("dbname=postgres", on), 0);
	{
		double ok = metric(OK_CYCLES);

		cr_assert(wait_for_cycles(OK_CYCLES, ok + 1, 40), "recovered");
	}
	cr_expect_eq(get("/healthz", NULL, NULL), 200);
	daemon_log = harness_read(logpath);
	/* Logged once per outage, not once per attempt. */
	{
		int n = 0;

		for (char *p = daemon_log; (p = strstr(p, "will keep retrying"));
		    p++)
			n++;
		cr_expect_eq(n, 1, "%s", daemon_log);
		cr_expect(strstr(daemon_log, "database reachable again") != NULL,
		    "%s", daemon_log);
	}
	cr_expect_eq(stop_daemon(NULL), 0);
	free(daemon_log);
	free(off);
	free(on);
}

/*
 * What systemd would read on the NOTIFY_SOCKET: READY once started,
 * RELOADING then READY around a SIGHUP, WATCHDOG pings at least twice per
 * WATCHDOG_USEC, STOPPING on SIGTERM.  A datagram socket of our own stands
 * in for systemd, as sd_notify(3) describes the protocol.
 */
struct notes {
	int fd;
	char seen[8192];	/* every message so far, one per line */
	size_t len;
};

/* Read messages for up to `secs` until one contains `want`; true if so. */
static bool
await_note(struct notes *n, const char *want, double secs)
{
	double until = now() + secs;
	char buf[1024];

	while (now() < until) {
		struct timeval tv = {0, 100000};
		ssize_t r;

		setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if ((r = recv(n->fd, buf, sizeof(buf) - 1, 0)) <= 0)
			continue;
		buf[r] = '\0';
		if (n->len + (size_t)r + 2 < sizeof(n->seen)) {
			memcpy(n->seen + n->len, buf, (size_t)r);
			n->len += (size_t)r;
			n->seen[n->len++] = '|';
			n->seen[n->len] = '\0';
		}
		if (strstr(buf, want) != NULL)
			return true;
	}
	return false;
}

Test(service, speaks_sd_notify)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct notes n = {0};
	char *path = harness_fmt("%s/notify.sock", dir);
	double secs;
	int pings = 0;

	if (!HAVE_LIBSYSTEMD)
		cr_skip_test("built without libsystemd");
	cr_assert_lt(strlen(path), sizeof(sa.sun_path));
	strcpy(sa.sun_path, path);
	n.fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(n.fd, 0);
	cr_assert_eq(bind(n.fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s",
	    strerror(errno));
	notify_path = path;
	start_daemon();
	notify_path = NULL;
	cr_assert(await_note(&n, "READY=1", 30), "no READY=1: %s", n.seen);
	/* Watchdog pings, several in a second at WATCHDOG_USEC = 0.4 s. */
	for (double until = now() + 1.0; now() < until;)
		pings += await_note(&n, "WATCHDOG=1", until - now());
	cr_expect_geq(pings, 2, "watchdog pings in 1 s: %d (%s)", pings,
	    n.seen);
	kill(pid, SIGHUP);
	cr_expect(await_note(&n, "RELOADING=1", 10), "no RELOADING=1: %s",
	    n.seen);
	cr_expect(await_note(&n, "READY=1", 10), "no READY=1 after reload: %s",
	    n.seen);
	cr_expect_eq(stop_daemon(&secs), 0);
	/* The datagrams wait in the socket after the daemon is gone. */
	cr_expect(await_note(&n, "STOPPING=1", 2), "no STOPPING=1: %s", n.seen);
	close(n.fd);
	free(path);
}

/*
 * A search edited in the file and reloaded with SIGHUP: the next cycle
 * lists the new query whole (a baseline: nothing announced); what only the
 * old query matched stops matching and stays tracked.
 */
Test(service, sighup_edits_a_search)
{
	write_conf("\nsearch.msc = query.intr=lomecel-b");
	start_daemon();
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30));
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "search = 'msc' AND matching"), 2);
	write_conf("\nsearch.msc = query.intr=cannabidiol");
	kill(pid, SIGHUP);
	cr_assert(wait_for_cycles(OK_CYCLES, 2, 30));
	sleep(4);
	cr_expect_eq(count("SELECT count(*) FROM searches WHERE name = 'msc' "
	    "AND query = 'query.intr=cannabidiol' AND baseline"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "search = 'msc' AND matching AND nct_id = 'NCT04421456'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "search = 'msc' AND NOT matching"), 2);
	cr_expect_eq(count("SELECT count(*) FROM trials WHERE tracked"), 3);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox"), 0);
	cr_expect_eq(stop_daemon(NULL), 0);
}

/* The registry moves a trial on: another status, a later update date. */
static void
move(const char *nct, const char *status, const char *date)
{
	char *path = harness_fmt("%s/%s.json", regdir, nct);
	char *text = harness_read(path), *at, *moved, *d;

	cr_assert_not_null(text);
	at = strstr(text, "\"overallStatus\"");
	cr_assert_not_null(at);
	at = strchr(at + 15, '"');
	moved = harness_fmt("%.*s\"%s\"%s", (int)(at - text), text, status,
	    strchr(at + 1, '"') + 1);
	d = strstr(moved, "\"lastUpdatePostDateStruct\"");
	cr_assert_not_null(d);
	d = strstr(d, "\"date\"");
	d = strchr(d + 6, '"');
	memcpy(d + 1, date, 10);
	cr_assert_eq(harness_write(path, moved), 0);
	free(moved);
	free(text);
	free(path);
}

/* A JSON member of /status as text (new), "" when absent or null. */
static char *
status_field(json_t *doc, const char *obj, const char *key)
{
	json_t *o = obj ? json_object_get(doc, obj) : doc;
	const char *s = o ? json_string_value(json_object_get(o, key)) : NULL;

	return strdup(s ? s : "");
}

/*
 * While a cycle runs, /status shows it apart from the last one that
 * finished: before, last_cycle.started_at was the running cycle's start,
 * later than last_cycle.finished_at.
 */
Test(service, status_shows_the_running_cycle_apart_from_the_last)
{
	struct fakereg_fault f = {0};
	char *body = NULL, *run_start, *phase, *last_start, *last_end;
	json_t *doc;
	bool running = false;

	start_daemon();
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30), "first cycle");
	f.kind = FAULT_DELAY;
	f.delay_ms = 4000;
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	for (int i = 0; i < 100 && !running; i++) {
		usleep(100 * 1000);
		free(body);
		body = NULL;
		cr_assert_eq(get("/status", &body, NULL), 200);
		doc = json_loads(body, 0, NULL);
		cr_assert_not_null(doc, "%s", body);
		running = json_is_object(json_object_get(doc, "running_cycle"));
		if (!running)
			json_decref(doc);
	}
	cr_assert(running, "no running cycle shown: %s", body);
	run_start = status_field(doc, "running_cycle", "started_at");
	phase = status_field(doc, "running_cycle", "phase");
	last_start = status_field(doc, "last_cycle", "started_at");
	last_end = status_field(doc, "last_cycle", "finished_at");
	cr_expect_neq(run_start[0], '\0', "%s", body);
	cr_expect_neq(phase[0], '\0', "%s", body);
	cr_expect_neq(last_end[0], '\0', "%s", body);
	cr_expect_leq(strcmp(last_start, last_end), 0, "last cycle %s .. %s",
	    last_start, last_end);
	cr_expect_geq(strcmp(run_start, last_end), 0, "running %s, last end %s",
	    run_start, last_end);
	json_decref(doc);
	fakereg_clear_faults(reg);
	cr_assert(wait_for_cycles(OK_CYCLES, 2, 30), "second cycle");
	free(body);
	cr_assert_eq(get("/status", &body, NULL), 200);
	doc = json_loads(body, 0, NULL);
	cr_assert_not_null(doc);
	cr_expect(json_is_null(json_object_get(doc, "running_cycle")) ||
	    json_object_get(doc, "running_cycle") == NULL ||
	    json_is_object(json_object_get(doc, "running_cycle")), "%s", body);
	json_decref(doc);
	cr_expect_eq(stop_daemon(NULL), 0);
	free(run_start);
	free(phase);
	free(last_start);
	free(last_end);
	free(body);
}

/*
 * The connection dropped in the middle of the store step (the server
 * ended the session while a batch waited on a lock): the run record keeps
 * the batches that committed, when it failed and the real cause; the
 * metrics count the committed versions; the log says it once, with no
 * libpq noise; and the next cycle is clean.
 */
Test(service, connection_lost_mid_store_is_recorded_truthfully)
{
	static const char *const ids[] = {"NCT02982915", "NCT04421456",
	    "NCT05233774"};
	char *dbname = db + strlen("dbname=");
	char *body, *daemon_log, *sql;
	struct fakereg_fault f = {0};
	PGconn *locker;
	PGresult *r;
	long run;
	int waiting = 0;

	/*
	 * One trial a batch, one transfer at a time, each a second late; the
	 * live path's store only (no history backfill, its own log lines).
	 */
	body = harness_fmt(
	    "[database]\nconninfo = %s\n"
	    "[registry]\nbase_url = %s\nrate_limit = 0\nretries = 0\n"
	    "timeout = 20s\nfetch_batch = 1\nconcurrency = 1\n"
	    "[tracking]\nnct_ids = NCT02982915 NCT05233774 NCT04421456\n"
	    "backfill = no\n"
	    "[daemon]\ninterval = 2s\njitter = 0s\nlisten = 127.0.0.1:%d\n"
	    "[alerts]\nstdout = no\n", db, fakereg_url(reg), port);
	cr_assert_eq(harness_write(conf, body), 0);
	free(body);
	start_daemon();
	cr_assert(wait_for_cycles(OK_CYCLES, 1, 30), "first cycle");
	cr_expect_eq(metric("ctmirror_versions_stored_total"), 3);
	f.kind = FAULT_DELAY;
	f.delay_ms = 1000;
	f.match = "pageSize=1";
	cr_assert_eq(fakereg_add_fault(reg, &f), 0);
	for (size_t i = 0; i < 3; i++)
		move(ids[i], "TERMINATED", "2026-10-01");
	/* The first batch commits; the second waits on our lock. */
	for (int i = 0; i < 300 && count("SELECT coalesce(max(versions_stored), "
	    "0) FROM sync_runs WHERE status = 'running'") < 1; i++)
		usleep(20 * 1000);
	run = count("SELECT run_id FROM sync_runs WHERE status = 'running'");
	cr_assert_gt(run, 0);
	locker = PQconnectdb(db);
	cr_assert_eq(PQstatus(locker), CONNECTION_OK);
	PQclear(PQexec(locker, "BEGIN; LOCK TABLE study_changes IN ACCESS "
	    "EXCLUSIVE MODE"));
	sql = harness_fmt("SELECT count(*) FROM pg_stat_activity WHERE datname "
	    "= '%s' AND application_name = 'ctmirror' AND wait_event_type = "
	    "'Lock'", dbname);
	for (int i = 0; i < 300 && !waiting; i++) {
		usleep(20 * 1000);
		waiting = harness_db_count(db, sql) > 0;
	}
	free(sql);
	cr_assert(waiting, "the store never waited on the lock");
	sql = harness_fmt("SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE datname = '%s' AND application_name = "
	    "'ctmirror'", dbname);
	cr_assert_eq(harness_db_exec("dbname=postgres", sql), 0);
	free(sql);
	r = PQexec(locker, "ROLLBACK");
	PQclear(r);
	PQfinish(locker);
	fakereg_clear_faults(reg);
	cr_assert(wait_for_cycles(FAILED_CYCLES, 1, 30), "the failed cycle");
	cr_assert(wait_for_cycles(OK_CYCLES, 2, 30), "a clean cycle after");
	sql = harness_fmt("SELECT count(*) FROM sync_runs WHERE run_id = %ld AND "
	    "status = 'failed' AND versions_stored = 1 AND changes_stored > 0 "
	    "AND error_text LIKE 'database connection lost during store: "
	    "terminating connection due to administrator command%%' AND "
	    "finished_at < (SELECT started_at FROM sync_runs WHERE run_id > %ld "
	    "ORDER BY run_id LIMIT 1)", run, run);
	body = harness_db_value(db, "SELECT string_agg(concat_ws(' ', run_id, "
	    "status, versions_stored, changes_stored, started_at, finished_at, "
	    "error_text), E'\\n') FROM sync_runs");
	cr_expect_eq(count(sql), 1, "%s", body);
	free(body);
	free(sql);
	/* 3 first versions, 1 committed before the drop, 2 after. */
	cr_expect_eq(count("SELECT count(*) FROM study_versions"), 6);
	cr_expect_eq(metric("ctmirror_versions_stored_total"), 6);
	cr_expect_eq(stop_daemon(NULL), 0);
	daemon_log = harness_read(logpath);
	{
		int lines = 0;

		/* Every line but -v's progress ("nct=", "page=", "daemon: cycle"). */
		for (char *p = daemon_log; p && *p; p = strchr(p, '\n') ?
		    strchr(p, '\n') + 1 : NULL)
			lines += strncmp(p, "ctmirror: nct=", 14) != 0 &&
			    strncmp(p, "ctmirror: daemon: cycle ok", 26) != 0 &&
			    strncmp(p, "ctmirror: daemon: ctmirror ", 27) != 0 &&
			    strncmp(p, "ctmirror: daemon: stopping", 26) != 0 &&
			    strncmp(p, "ctmirror: daemon: stopped", 25) != 0 &&
			    strncmp(p, "ctmirror: daemon: database reachable "
			    "again", 41) != 0;
		cr_expect_eq(lines, 1, "the drop told once:\n%s", daemon_log);
		cr_expect_null(strstr(daemon_log, "arrived from server"), "%s",
		    daemon_log);
		cr_expect(strstr(daemon_log, "database connection lost during "
		    "store: terminating connection due to administrator command")
		    != NULL, "%s", daemon_log);
	}
	free(daemon_log);
}

/*
 * test_alerts.c - stale claims end to end, as cron sees them: the fake
 * registry, a real PostgreSQL, `ctmirror sync` as a subprocess, a page of
 * our own, and a webhook receiver on loopback.  One flag per stale claim,
 * one alert per flag and sink, nothing on the second run, flags resolve
 * when the page is fixed, and a failing webhook gets every alert later.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "alerts.h"
#include "build_config.h"
#include "config.h"
#include "fakereg.h"
#include "harness.h"
#include "store.h"

static char *db, *dir, *regdir, *pagedir, *conf;
static struct fakereg *reg;

/* --------------------------------------------------- webhook receiver */

static struct {
	struct event_base *base;
	struct evhttp *http;
	pthread_t thread;
	pthread_mutex_t mu;
	int port;
	int fail_first;		/* answer 500 to this many POSTs */
	int posts, ok_posts;
	char bodies[16384];
} hook;

static void
on_post(struct evhttp_request *req, void *arg)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	int code;

	pthread_mutex_lock(&hook.mu);
	hook.posts++;
	code = hook.posts <= hook.fail_first ? 500 : 200;
	if (code == 200) {
		size_t used = strlen(hook.bodies);

		hook.ok_posts++;
		if (used + n + 2 < sizeof(hook.bodies)) {
			evbuffer_copyout(in, hook.bodies + used, n);
			hook.bodies[used + n] = '\n';
			hook.bodies[used + n + 1] = '\0';
		}
	}
	pthread_mutex_unlock(&hook.mu);
	evhttp_send_reply(req, code, code == 200 ? "OK" : "Oops", NULL);
}

static void *
hook_main(void *arg)
{
	event_base_dispatch(hook.base);
	return NULL;
}

static void
hook_start(int fail_first)
{
	struct evhttp_bound_socket *h;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	evthread_use_pthreads();
	memset(&hook, 0, sizeof(hook));
	pthread_mutex_init(&hook.mu, NULL);
	hook.fail_first = fail_first;
	hook.base = event_base_new();
	hook.http = evhttp_new(hook.base);
	evhttp_set_gencb(hook.http, on_post, NULL);
	h = evhttp_bind_socket_with_handle(hook.http, "127.0.0.1", 0);
	cr_assert_not_null(h);
	getsockname(evhttp_bound_socket_get_fd(h), (struct sockaddr *)&a, &len);
	hook.port = ntohs(a.sin_port);
	pthread_create(&hook.thread, NULL, hook_main, NULL);
}

static void
hook_stop(void)
{
	if (hook.base == NULL)
		return;
	event_base_loopbreak(hook.base);
	pthread_join(hook.thread, NULL);
	evhttp_free(hook.http);
	event_base_free(hook.base);
	hook.base = NULL;
}

/* --------------------------------------------------------------- setup */

static void
copy(const char *from_rel, const char *to_dir, const char *name)
{
	char *from = harness_fmt("%s/%s", harness_data(), from_rel);
	char *to = harness_fmt("%s/%s", to_dir, name);

	cr_assert_eq(harness_copy(from, to), 0, "copy %s", from);
	free(from);
	free(to);
}

static void
write_conf(const char *alerts)
{
	char *body = harness_fmt(
	    "[database]\nconninfo = %s\n"
	    "[registry]\nbase_url = %s\nrate_limit = 0\nretries = 0\n"
	    "[pages]\npaths = %s\n"
	    "[alerts]\nnotify = yes\n%s",
	    db, fakereg_url(reg), pagedir, alerts);

	cr_assert_eq(harness_write(conf, body), 0);
	free(body);
}

static void
setup(void)
{
	db = harness_db_migrated("alerts");
	cr_assert_not_null(db);
	dir = harness_tmpdir();
	regdir = harness_fmt("%s/registry", dir);
	pagedir = harness_fmt("%s/kb", dir);
	conf = harness_fmt("%s/ctmirror.conf", dir);
	cr_assert_eq(mkdir(regdir, 0755), 0);
	cr_assert_eq(mkdir(pagedir, 0755), 0);
	/* The registry of the issue: HERA has results and a RESULT paper,
	 * CLEARMIND and NCT04421456 are completed without results. */
	copy("registry/variants/NCT02982915-results.json", regdir,
	    "NCT02982915.json");
	copy("registry/default/NCT05233774.json", regdir, "NCT05233774.json");
	copy("registry/default/NCT04421456.json", regdir, "NCT04421456.json");
	copy("kb/msc-therapy.txt", pagedir, "msc-therapy.txt");
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg);
	write_conf("");
}

static void
teardown(void)
{
	hook_stop();
	fakereg_stop(reg);
	harness_rmtree(dir);
	free(dir);
	free(regdir);
	free(pagedir);
	free(conf);
	harness_db_drop(db);
}

TestSuite(alerts, .init = setup, .fini = teardown, .timeout = 120);

static int
sync_now(struct harness_run *r)
{
	const char *argv[] = {"-c", conf, "sync", NULL};
	const char *env[] = {"CTMIRROR_NOW=2026-11-23", NULL};

	cr_assert_eq(harness_run(r, argv, env), 0);
	return r->status;
}

static long
count(const char *sql)
{
	return harness_db_count(db, sql);
}

static int
occurrences(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

Test(alerts, example_page_scenario)
{
	struct harness_run r;

	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	/* HERA's pending claims are stale, with the registry's evidence. */
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT02982915' AND claim_kind = 'results-pending' AND rule = "
	    "'results-posted' AND severity = 'stale' AND evidence LIKE "
	    "'%2026-08-01%'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT02982915' AND claim_kind = 'publication-pending' AND rule = "
	    "'publication-linked' AND severity = 'stale' AND evidence LIKE "
	    "'%PMID%'"), 1);
	/* CLEARMIND's pending claims are due for a recheck, not stale. */
	cr_expect_geq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT05233774' AND rule = 'claim-expired' AND severity = "
	    "'recheck'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT05233774' AND severity = 'stale'"), 0);
	/*
	 * The mis-cited Parkinson's trial: no claim rule fires on the
	 * cannabidiol record, but the citation itself is flagged, naming
	 * what the record is about.
	 */
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT04421456' AND rule <> 'identity-mismatch'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE nct_id = "
	    "'NCT04421456' AND rule = 'identity-mismatch' AND severity = "
	    "'stale' AND claim_kind = 'mention' AND evidence ILIKE "
	    "'%cannabidiol%' AND evidence ILIKE '%schizophrenia%' AND evidence "
	    "ILIKE '%parkinson%'"), 1);
	/* HERA and CLEARMIND are cited right: no identity flag for them. */
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE rule = "
	    "'identity-mismatch' AND nct_id <> 'NCT04421456'"), 0);
	/* Every flag printed once, readable, with the link. */
	cr_expect_eq(occurrences(r.out, "msc-therapy.txt:"),
	    (int)count("SELECT count(*) FROM flags"), "%s", r.out);
	cr_expect(strstr(r.out, "https://clinicaltrials.gov/study/NCT02982915")
	    != NULL, "%s", r.out);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox WHERE "
	    "delivered_at IS NULL"), 0);
	cr_log_info("flags printed:\n%s", r.out);
	harness_run_free(&r);

	/* Second run: nothing new, nothing printed. */
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "");
	cr_expect_str_eq(r.err, "");
	harness_run_free(&r);
}

Test(alerts, one_flag_once_then_resolved_when_page_fixed)
{
	struct harness_run r;
	char *page = harness_fmt("%s/only.md", pagedir);
	char *old = harness_fmt("%s/msc-therapy.txt", pagedir);

	unlink(old);
	cr_assert_eq(harness_write(page, "# Notes\n\nHERA (NCT02982915): "
	    "results pending.\n"), 0);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE rule = "
	    "'results-posted'"), 1);
	cr_expect_eq(occurrences(r.out, "results-posted"), 1, "%s", r.out);
	harness_run_free(&r);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "", "a second sync prints nothing");
	harness_run_free(&r);
	/* The maintainer fixes the page: the flag resolves itself. */
	cr_assert_eq(harness_write(page, "# Notes\n\nHERA (NCT02982915): "
	    "results were posted in August 2026.\n"), 0);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect_eq(count("SELECT count(*) FROM stale_claims WHERE "
	    "resolved_at IS NOT NULL AND rule = 'results-posted'"), 1);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE resolved_at IS "
	    "NULL"), 0);
	harness_run_free(&r);
	free(page);
	free(old);
}

/*
 * One digest per cycle: the webhook gets one POST listing every new flag
 * (the receiver failing, the next cycle sends them all again, once), and
 * a cycle that raises nothing posts nothing.
 */
Test(alerts, webhook_gets_one_digest_a_cycle)
{
	struct harness_run r;
	char *alerts;
	long flags;

	hook_start(1);
	alerts = harness_fmt("stdout = no\nwebhook_url = "
	    "http://127.0.0.1:%d/hook?token=s3cr3t-token\n"
	    "allow_insecure_webhook = yes\n", hook.port);
	write_conf(alerts);
	/* First run: the receiver fails; alerts stay queued, exit 1. */
	cr_expect_eq(sync_now(&r), 1, "stderr: %s", r.err);
	cr_expect(strstr(r.err, "; will retry next cycle (") != NULL, "%s",
	    r.err);
	cr_expect(strstr(r.err, "s3cr3t-token") == NULL, "token leaked: %s",
	    r.err);
	harness_run_free(&r);
	flags = count("SELECT count(*) FROM flags");
	cr_assert_gt(flags, 1);
	cr_expect_eq(hook.posts, 1, "one POST for the whole cycle");
	cr_expect_eq(hook.ok_posts, 0);
	/* Receiver recovers: one POST carries every flag, exactly once. */
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	harness_run_free(&r);
	cr_expect_eq(hook.posts, 2);
	cr_expect_eq(hook.ok_posts, 1);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	harness_run_free(&r);
	cr_expect_eq(hook.posts, 2, "nothing new: no POST");
	{
		char *want = harness_fmt("\"count\":%ld", flags);

		cr_expect(strstr(hook.bodies, want) != NULL, "%s", hook.bodies);
		free(want);
	}
	cr_expect(strstr(hook.bodies, "\"text\":\"*ctmirror*: ") != NULL, "%s",
	    hook.bodies);
	cr_expect(strstr(hook.bodies, "\"nct_id\":\"NCT02982915\"") != NULL,
	    "%s", hook.bodies);
	cr_expect(strstr(hook.bodies, "\"ack\":\"ctmirror ack ") != NULL, "%s",
	    hook.bodies);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox WHERE sink = "
	    "'webhook' AND delivered_at IS NOT NULL"), flags);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox WHERE sink = "
	    "'webhook' AND attempts = 2"), flags);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox WHERE sink = "
	    "'notify' AND delivered_at IS NOT NULL"), flags);
	free(alerts);
}

/*
 * The Slack text groups the flags by page; each names its line (a link
 * to it with [pages] link), its flag ID and the ack command; page text
 * cannot make Slack markup (& < > as entities).
 */
Test(alerts, digest_text_for_slack)
{
	struct config *cfg = config_defaults();
	struct store_flag f[3];
	const struct store_flag *v[3] = {&f[0], &f[1], &f[2]};
	char *body;
	json_error_t e;
	json_t *doc;
	const char *text;

	cr_assert_not_null(cfg);
	free(cfg->page_link);
	cfg->page_link = strdup("https://git.example.org/kb/blob/main/{path}"
	    "#L{line}");
	memset(f, 0, sizeof(f));
	for (int i = 0; i < 3; i++) {
		f[i].flag_id = 7 + i;
		f[i].page = (char *)(i < 2 ? "a b/x.md" : "y.md");
		f[i].line = 3 + i;
		snprintf(f[i].nct_id, sizeof(f[i].nct_id), "NCT02982915");
		f[i].claim_kind = (char *)"results-pending";
		f[i].claim_text = (char *)"results <!here> pending & more";
		f[i].rule = (char *)"results-posted";
		f[i].severity = (char *)"stale";
		f[i].evidence = (char *)"results first posted on 2026-08-01";
		f[i].link = (char *)"https://clinicaltrials.gov/study/"
		    "NCT02982915";
		f[i].raised_at = (char *)"2026-11-23T00:00:00Z";
	}
	body = alerts_digest_body(cfg, v, 3);
	cr_assert_not_null(body);
	doc = json_loads(body, 0, &e);
	cr_assert_not_null(doc, "%s", e.text);
	text = json_string_value(json_object_get(doc, "text"));
	cr_assert_not_null(text);
	cr_expect(strncmp(text, "*ctmirror*: 3 new flags on 2 pages\n*a b/x.md*"
	    "\n• <https://git.example.org/kb/blob/main/a%20b/x.md#L3|line 3> "
	    "[stale] results-posted: <https://clinicaltrials.gov/study/"
	    "NCT02982915|NCT02982915> results-pending \"results &lt;!here&gt; "
	    "pending &amp; more\": results first posted on 2026-08-01 (flag 7: "
	    "`ctmirror ack 7`)", 280) == 0, "%s", text);
	cr_expect(strstr(text, "\n*y.md*\n• <") != NULL, "%s", text);
	cr_expect_eq(json_integer_value(json_object_get(doc, "count")), 3);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "flags"), 2), "line_link")),
	    "https://git.example.org/kb/blob/main/y.md#L5");
	json_decref(doc);
	free(body);
	config_free(cfg);
}

/*
 * [daemon] metrics_file: a sync from cron leaves its run's metrics for
 * node_exporter's textfile collector, replaced whole each run.
 */
Test(alerts, metrics_file_for_a_textfile_collector)
{
	struct harness_run r;
	char *prom = harness_fmt("%s/ctmirror.prom", dir);
	char *extra = harness_fmt("stdout = no\n[daemon]\nmetrics_file = %s\n",
	    prom);
	char *text, *want;

	write_conf(extra);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	harness_run_free(&r);
	text = harness_read(prom);
	cr_assert_not_null(text, "%s", prom);
	want = harness_fmt("ctmirror_build_info{version=\"%s\",schema=\"%04d\"} "
	    "1\n", CTMIRROR_VERSION, CTMIRROR_SCHEMA_VERSION);
	cr_expect(strstr(text, want) != NULL, "%s", text);
	cr_expect(strstr(text, "ctmirror_last_run_outcome{outcome=\"ok\"} 1\n")
	    != NULL, "%s", text);
	cr_expect(strstr(text, "ctmirror_last_run_alerts{sink=\"notify\","
	    "result=\"sent\"} ") != NULL, "%s", text);
	cr_expect(strstr(text, "ctmirror_last_run_versions_stored 3\n") != NULL,
	    "%s", text);
	free(text);
	/* The next run replaces it; no temporary file is left beside it. */
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	harness_run_free(&r);
	text = harness_read(prom);
	cr_assert_not_null(text);
	cr_expect(strstr(text, "ctmirror_last_run_versions_stored 0\n") != NULL,
	    "%s", text);
	free(text);
	{
		char *cmd = harness_fmt("ls %s | grep -c tmp", dir);
		FILE *p = popen(cmd, "r");
		int n = -1;

		cr_assert_not_null(p);
		cr_expect_eq(fscanf(p, "%d", &n), 1);
		cr_expect_eq(n, 0, "a temporary file is left");
		pclose(p);
		free(cmd);
	}
	free(want);
	free(extra);
	free(prom);
}

/* [alerts] min_severity = stale: recheck flags are raised, not announced. */
Test(alerts, min_severity_stale_announces_stale_only)
{
	struct harness_run r;

	write_conf("min_severity = stale\n");
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect_gt(count("SELECT count(*) FROM flags WHERE severity = "
	    "'recheck'"), 0);
	cr_expect_eq(count("SELECT count(*) FROM alert_outbox a JOIN flags f "
	    "USING (flag_id) WHERE f.severity = 'recheck'"), 0);
	cr_expect_gt(count("SELECT count(*) FROM alert_outbox"), 0);
	cr_expect(strstr(r.out, "due for a recheck") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "is stale") != NULL, "%s", r.out);
	harness_run_free(&r);
}

/* ----------------------------------------------------- search matches */

/*
 * A search's first listing is a baseline (nothing announced); a trial
 * matching it later is announced once on every sink: stdout's line, the
 * webhook's JSON, NOTIFY ctmirror_matches.
 */
Test(alerts, a_new_trial_of_a_search_is_announced_once_everywhere)
{
	struct harness_run r;
	char *alerts, *from, *to, *text, yesterday[11];
	time_t t = time(NULL) - 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(yesterday, sizeof(yesterday), "%Y-%m-%d", &tm);
	hook_start(0);
	alerts = harness_fmt("webhook_url = http://127.0.0.1:%d/hook\n"
	    "allow_insecure_webhook = yes\n[tracking]\nnct_ids =\n"
	    "search.msc = query.intr=lomecel-b\n", hook.port);
	write_conf(alerts);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "new trial matches") == NULL, "%s", r.out);
	harness_run_free(&r);
	cr_expect_eq(count("SELECT count(*) FROM trial_searches WHERE "
	    "matching"), 2);
	/* Registered yesterday: a Lomecel-B trial with a control byte. */
	from = harness_fmt("%s/NCT05233774.json", regdir);
	text = harness_read(from);
	cr_assert_not_null(text);
	to = harness_fmt("%s/NCT09000001.json", regdir);
	{
		json_t *root = json_loads(text, 0, NULL);
		json_t *ps = json_object_get(root, "protocolSection");

		json_object_set_new(json_object_get(ps, "identificationModule"),
		    "nctId", json_string("NCT09000001"));
		json_object_set_new(json_object_get(ps, "identificationModule"),
		    "briefTitle", json_string("New\x1b[31m MSC trial"));
		json_object_set_new(json_object_get(ps, "statusModule"),
		    "lastUpdatePostDateStruct", json_pack("{s:s, s:s}", "date",
		    yesterday, "type", "ACTUAL"));
		cr_assert_eq(json_dump_file(root, to, 0), 0);
		json_decref(root);
	}
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect_eq(occurrences(r.out, "new trial matches search msc: "
	    "NCT09000001, New?[31m MSC trial, COMPLETED, Longeveron Inc."), 1,
	    "%s", r.out);
	cr_expect(strstr(r.out, "\x1b") == NULL, "escape shown: %s", r.out);
	harness_run_free(&r);
	cr_expect_eq(occurrences(hook.bodies, "\"kind\":\"search-match\""), 1,
	    "%s", hook.bodies);
	cr_expect(strstr(hook.bodies, "\"search\":\"msc\"") != NULL, "%s",
	    hook.bodies);
	cr_expect_eq(count("SELECT count(*) FROM match_outbox WHERE "
	    "delivered_at IS NOT NULL"), 3, "stdout, webhook, notify");
	/* Once. */
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "new trial matches") == NULL, "%s", r.out);
	harness_run_free(&r);
	cr_expect_eq(occurrences(hook.bodies, "\"kind\":\"search-match\""), 1);
	free(text);
	free(to);
	free(from);
	free(alerts);
}

Test(alerts, a_match_announcement_carries_its_fields)
{
	struct store_match m;
	json_t *j, *want;
	char *body;

	memset(&m, 0, sizeof(m));
	m.search = "msc";
	m.query = "query.intr=lomecel-b";
	snprintf(m.nct_id, sizeof(m.nct_id), "%s", "NCT09000002");
	m.brief_title = "A new \"trial\"";
	m.overall_status = "RECRUITING";
	m.lead_sponsor = "Longeveron Inc.";
	m.matched_at = "2026-12-03T10:00:00Z";
	body = alerts_match_body(&m);
	cr_assert_not_null(body);
	j = json_loads(body, 0, NULL);
	cr_assert_not_null(j, "%s", body);
	want = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "kind", "search-match", "search", "msc", "query",
	    "query.intr=lomecel-b", "nct_id", "NCT09000002", "brief_title",
	    "A new \"trial\"", "overall_status", "RECRUITING", "lead_sponsor",
	    "Longeveron Inc.", "link",
	    "https://clinicaltrials.gov/study/NCT09000002", "matched_at",
	    "2026-12-03T10:00:00Z");
	json_object_set(want, "text", json_object_get(j, "text"));
	cr_expect(json_equal(j, want), "%s", body);
	cr_expect_str_eq(json_string_value(json_object_get(j, "text")),
	    "new trial matches search msc: <https://clinicaltrials.gov/study/"
	    "NCT09000002|NCT09000002>, A new \"trial\", RECRUITING, Longeveron "
	    "Inc.");
	json_decref(want);
	json_decref(j);
	free(body);
}

/* Replace the first `from` in file `path` with `to`. */
static void
edit(const char *path, const char *from, const char *to)
{
	char *text = harness_read(path), *at, *out;

	cr_assert_not_null(text, "%s", path);
	at = strstr(text, from);
	cr_assert_not_null(at, "%s: no %s", path, from);
	*at = '\0';
	out = harness_fmt("%s%s%s", text, to, at + strlen(from));
	cr_assert_eq(harness_write(path, out), 0);
	free(out);
	free(text);
}

/* No byte of `text` may drive a terminal, and no line is forged. */
static void
expect_safe(const char *what, const char *text)
{
	cr_expect_null(strchr(text, '\x1b'), "%s: an escape byte in: %s", what,
	    text);
	cr_expect_null(strchr(text, '\x07'), "%s: a BEL byte in: %s", what,
	    text);
	cr_expect_null(strstr(text, "\nctmirror: error: forged"),
	    "%s: a forged line in: %s", what, text);
	cr_expect(strncmp(text, "ctmirror: error: forged", 23) != 0,
	    "%s: a forged first line: %s", what, text);
}

/*
 * Registry text with escape sequences (an acronym, a title), and page
 * names with an escape and a newline, reach the terminal and cron mail
 * only as '?': in the sync's alerts and warnings, `status`, `flags` and
 * `scan`.  Before, an acronym could retitle the window from `status` and
 * a page name forge a "ctmirror: error:" line.
 */
Test(alerts, untrusted_text_is_shown_safely)
{
	char *rec = harness_fmt("%s/NCT05233774.json", regdir);
	char *evil = harness_fmt("%s/evil\x1b[2J\nctmirror: error: forged.md",
	    pagedir);
	char *bin = harness_fmt("%s/bin\x1b]0;t\x07\nctmirror: error: forged.md",
	    pagedir);
	const char *status[] = {"-c", conf, "status", NULL};
	const char *flags[] = {"-c", conf, "flags", NULL};
	struct harness_run r;
	FILE *f;

	edit(rec, "\"acronym\": \"CLEARMIND\"",
	    "\"acronym\": \"CLEAR\\u001b]0;pwned\\u0007\\u001b[31mMIND\"");
	edit(rec, "\"briefTitle\": \"Lomecel-B",
	    "\"briefTitle\": \"\\u001b[2JLomecel-B\\n\\u009b31m");
	cr_assert_eq(harness_write(evil, "# Notes\n\nHERA (NCT02982915): "
	    "results pending.\n"), 0);
	cr_assert_not_null(f = fopen(bin, "wb"));
	fwrite("bin\0ary", 1, 7, f);
	fclose(f);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "results-posted") != NULL, "%s", r.out);
	expect_safe("sync stdout", r.out);
	expect_safe("sync stderr", r.err);
	cr_expect(strstr(r.err, "skipped: binary") != NULL, "%s", r.err);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, status, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, " CLEAR?]0;p ") != NULL, "%s", r.out);
	expect_safe("status", r.out);
	harness_run_free(&r);
	cr_assert_eq(harness_run(&r, flags, NULL), 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "evil?[2J?ctmirror: error: forged.md:") != NULL,
	    "%s", r.out);
	expect_safe("flags", r.out);
	harness_run_free(&r);
	/* scan: 1, for the stale claims; text, --all and GitHub alike. */
	for (int k = 0; k < 3; k++) {
		const char *how[] = {NULL, "--all", "--format=github"};
		const char *argv[] = {"-c", conf, "scan", how[k], NULL};

		cr_assert_eq(harness_run(&r, argv, NULL), 0);
		cr_expect_eq(r.status, 1, "%s", r.err);
		expect_safe("scan stdout", r.out);
		expect_safe("scan stderr", r.err);
		if (k == 2)
			cr_expect(strstr(r.out, "evil?[2J%0Actmirror%3A "
			    "error%3A forged.md,line=") != NULL, "%s", r.out);
		harness_run_free(&r);
	}
	free(bin);
	free(evil);
	free(rec);
}

static void
conf_paths(const char *root, const char *paths)
{
	char *body = harness_fmt(
	    "[database]\nconninfo = %s\n"
	    "[registry]\nbase_url = %s\nrate_limit = 0\nretries = 0\n"
	    "[pages]\nroot = %s\npaths = %s\n[alerts]\nnotify = no\n", db,
	    fakereg_url(reg), root, paths);

	cr_assert_eq(harness_write(conf, body), 0);
	free(body);
}

/* A sync from `dir` that raises and resolves nothing. */
static void
sync_changes_nothing(const char *what, long flags)
{
	struct harness_run r;

	cr_expect_eq(sync_now(&r), 0, "%s: stderr: %s", what, r.err);
	cr_expect_str_eq(r.out, "", "%s: no alert", what);
	harness_run_free(&r);
	cr_expect_eq(count("SELECT count(*) FROM flags"), flags, "%s: no new "
	    "flag", what);
	cr_expect_eq(count("SELECT count(*) FROM flags WHERE resolved_at IS "
	    "NULL"), flags, "%s: none resolved", what);
}

/*
 * A page is known by its path under the root (here the default, the
 * folder of paths): the same checkout reached by an absolute and a
 * relative path, moved elsewhere, or stored by an earlier version under
 * the path the walk met, keeps its flags (same IDs, nothing resolved,
 * nothing announced again); a cycle whose paths do not reach the page
 * (its folder dropped from paths, the root kept) leaves its flags.
 */
Test(alerts, page_identity_across_checkouts)
{
	struct harness_run r;
	char *cwd = getcwd(NULL, 0), *moved, *other;
	long flags;

	cr_assert_eq(chdir(dir), 0);
	conf_paths("", pagedir);
	cr_expect_eq(sync_now(&r), 0, "stderr: %s", r.err);
	harness_run_free(&r);
	flags = count("SELECT count(*) FROM flags");
	cr_assert_gt(flags, 0);
	cr_expect_eq(count("SELECT count(*) FROM pages WHERE path = "
	    "'msc-therapy.txt'"), 1, "named under the root");
	conf_paths("", "kb");
	sync_changes_nothing("relative path", flags);
	conf_paths("", "./kb/../kb/");
	sync_changes_nothing("another spelling", flags);
	moved = harness_fmt("%s/moved", dir);
	cr_assert_eq(rename(pagedir, moved), 0);
	conf_paths("", moved);
	sync_changes_nothing("moved checkout", flags);
	/* Not configured any more: not looked at, so not resolved. */
	other = harness_fmt("%s/other", dir);
	cr_assert_eq(mkdir(other, 0755), 0);
	conf_paths(moved, other);
	sync_changes_nothing("folder dropped from paths", flags);
	/* Stored by an earlier version: named as the walk met it. */
	cr_assert_eq(harness_db_exec(db, "UPDATE pages SET rooted = false, "
	    "path = 'moved/' || path"), 0);
	conf_paths("", "moved");
	sync_changes_nothing("renamed from an earlier version", flags);
	cr_expect_eq(count("SELECT count(*) FROM pages WHERE path = "
	    "'msc-therapy.txt' AND rooted"), 1);
	cr_assert_eq(chdir(cwd), 0);
	free(other);
	free(moved);
	free(cwd);
}

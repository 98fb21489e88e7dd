/*
 * test_config.c - config.c over the files in tests/data/config: good files
 * land in the struct, each bad file fails with the line and words its first
 * line expects; search order, environment, redaction and the reference
 * config/ctmirror.conf (which must mention every key).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "harness.h"

static char *
data(const char *rel)
{
	return harness_fmt("%s/config/%s", harness_data(), rel);
}

static struct config *
load(const char *rel, struct config_error *err)
{
	char *path = data(rel);
	struct config *cfg = config_load_file(path, err);

	free(path);
	return cfg;
}

static void
clear_env(void)
{
	unsetenv("CTMIRROR_CONFIG");
	unsetenv("CTMIRROR_DATABASE");
	unsetenv("CTMIRROR_REGISTRY_URL");
	unsetenv("CTMIRROR_NOW");
}

TestSuite(config, .init = clear_env, .timeout = 30);

Test(config, defaults)
{
	struct config *c = config_defaults();

	cr_assert_not_null(c);
	cr_expect_str_eq(c->base_url, "https://clinicaltrials.gov/api/v2");
	cr_expect_eq(c->n_nct_ids, 3);
	cr_expect_str_eq(c->nct_ids[0], "NCT02982915");
	cr_expect_str_eq(c->nct_ids[1], "NCT05233774");
	cr_expect_str_eq(c->nct_ids[2], "NCT04421456");
	cr_expect_null(c->nct_ids[3], "lists are NULL-terminated");
	cr_expect_eq(c->rate_limit, 50);
	cr_expect_eq(c->concurrency, 4);
	cr_expect_eq(c->timeout, 120);
	cr_expect_eq(c->max_body, 64u << 20);
	cr_expect_eq(c->probe_batch, 1000);
	cr_expect(c->tls_verify);
	cr_expect_eq(c->interval, 86400);
	cr_expect_eq(c->jitter, 300);
	cr_expect_str_eq(c->listen, "127.0.0.1:9187");
	cr_expect_str_eq(c->conninfo, "");
	cr_expect_str_eq(c->webhook_url, "");
	cr_expect_eq(c->n_page_paths, 0);
	cr_expect_eq(c->stale_after_days, 180);
	cr_expect_null(c->path);
	config_free(c);
	config_free(NULL);
}

Test(config, full_file)
{
	struct config_error err = {0};
	struct config *c = load("good/full.conf", &err);

	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	cr_expect_str_eq(c->base_url, "https://mirror.example.org/api/v2",
	    "trailing slash dropped");
	cr_expect_eq(c->rate_limit, 0);
	cr_expect_eq(c->concurrency, 8);
	cr_expect_eq(c->timeout, 120);
	cr_expect_eq(c->connect_timeout, 5);
	cr_expect_eq(c->retries, 0);
	cr_expect_eq(c->max_body, 512u << 10);
	cr_expect_eq(c->probe_batch, 500);
	cr_expect_eq(c->fetch_batch, 50);
	cr_expect_eq(c->n_nct_ids, 3, "continuation appends, duplicates go");
	cr_expect_str_eq(c->nct_ids[2], "NCT00000003");
	cr_expect(c->from_pages);
	cr_expect_eq(c->max_missing, 3);
	cr_expect_eq(c->n_page_paths, 2);
	cr_expect_str_eq(c->page_paths[1], "notes/*.md");
	cr_expect_eq(c->stale_after_days, 30);
	cr_expect_eq(c->max_page_size, 1u << 20);
	cr_expect_eq(c->record_cache, 64u << 20);
	cr_expect_eq(c->interval, 6 * 3600);
	cr_expect_eq(c->jitter, 0);
	cr_expect_str_eq(c->log, "syslog");
	cr_expect_not(c->alert_stdout);
	cr_expect_not(c->alert_notify);
	cr_expect(strstr(c->path, "full.conf") != NULL);
	config_free(c);
}

Test(config, repeats_and_insecure_webhook)
{
	struct config_error err = {0};
	struct config *c = load("good/repeat.conf", &err);

	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	cr_expect_eq(c->n_nct_ids, 1);
	cr_expect_str_eq(c->nct_ids[0], "NCT00000002", "last one wins");
	cr_expect_eq(c->concurrency, 3);
	config_free(c);
	c = load("good/insecure-webhook.conf", &err);
	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	config_free(c);
	c = load("good/empty.conf", &err);
	cr_assert_not_null(c);
	cr_expect_eq(c->n_nct_ids, 3);
	config_free(c);
}

Test(config, continuation_lines)
{
	struct config_error err = {0};
	struct config *c = load("good/continuation.conf", &err);

	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	cr_expect_eq(c->n_nct_ids, 1, "a repeat after [section] replaces");
	cr_expect_str_eq(c->nct_ids[0], "NCT00000002");
	cr_assert_eq(c->n_page_paths, 3);
	cr_expect_str_eq(c->page_paths[0], "kb/");
	cr_expect_str_eq(c->page_paths[1], "notes/");
	cr_expect_str_eq(c->page_paths[2], "more.md");
	config_free(c);
}

/*
 * [tracking] search.NAME: the query string each is asked with, the line
 * that sets it; a repeat replaces, a continuation adds a parameter or goes
 * on with the last value.
 */
Test(config, searches)
{
	struct config_error err = {0};
	struct config *c = load("good/searches.conf", &err);
	struct config *d = config_defaults();

	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	cr_assert_eq(c->n_searches, 4);
	cr_expect_str_eq(c->searches[0].name, "msc");
	cr_expect_str_eq(c->searches[0].query,
	    "query.intr=mesenchymal%20stromal%20cells");
	cr_expect_eq(c->searches[0].line, 10);
	cr_expect_str_eq(c->searches[1].name, "pd");
	cr_expect_str_eq(c->searches[1].query, "filter.overallStatus="
	    "RECRUITING%2CNOT_YET_RECRUITING&query.cond=Parkinson%20disease");
	cr_expect_eq(c->searches[1].line, 5);
	cr_expect_str_eq(c->searches[2].query, "query.term=AREA%5BPhase%5D"
	    "PHASE3%20OR%20AREA%5BPhase%5DPHASE4");
	cr_expect_str_eq(c->searches[3].name, "all");
	cr_expect_str_eq(c->searches[3].query, "");
	cr_expect_eq(c->n_nct_ids, 1);
	cr_assert_not_null(d);
	cr_expect_eq(d->n_searches, 0);
	config_free(c);
	config_free(d);
}

/* The table is the contract: secrets, restart-only keys, types, defaults. */
Test(config, key_table)
{
	static const char *restart[] = {"database.conninfo",
	    "database.state_dir", "daemon.listen", "daemon.log"};
	static const char *secret[] = {"database.conninfo",
	    "alerts.webhook_url"};
	const struct config_key *k;
	size_t n, nrestart = 0, nsecret = 0;

	k = config_keys(&n);
	cr_assert_geq(n, 26);
	for (size_t i = 0; i < n; i++) {
		char *id = harness_fmt("%s.%s", k[i].section, k[i].name);
		bool want_restart = false, want_secret = false;

		for (size_t j = 0; j < sizeof(restart) / sizeof(*restart); j++)
			want_restart |= strcmp(id, restart[j]) == 0;
		for (size_t j = 0; j < sizeof(secret) / sizeof(*secret); j++)
			want_secret |= strcmp(id, secret[j]) == 0;
		cr_expect_eq(!!(k[i].flags & CONFIG_RELOAD), !want_restart, "%s reload", id);
		cr_expect_eq(!!(k[i].flags & CONFIG_SECRET), want_secret, "%s secret", id);
		nrestart += !(k[i].flags & CONFIG_RELOAD);
		nsecret += !!(k[i].flags & CONFIG_SECRET);
		cr_expect_eq(k[i].count_offset != 0,
		    k[i].type == CONFIG_NCT_LIST ||
		    k[i].type == CONFIG_STRING_LIST, "%s count", id);
		cr_expect_not_null(k[i].def, "%s default", id);
		for (size_t j = 0; j < i; j++)
			cr_expect(strcmp(k[i].section, k[j].section) != 0 ||
			    strcmp(k[i].name, k[j].name) != 0, "%s twice", id);
		free(id);
	}
	cr_expect_eq(nrestart, 4);
	cr_expect_eq(nsecret, 2);
}

/* Each bad file starts "# expect: LINE | fragment". */
Test(config, bad_files)
{
	char *dir = data("bad");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "%s", dir);
	while ((e = readdir(d)) != NULL) {
		char *path, *text, want[256] = "";
		int line = -1;
		struct config_error err = {0};
		struct config *c;

		if (strstr(e->d_name, ".conf") == NULL)
			continue;
		path = harness_fmt("%s/%s", dir, e->d_name);
		text = harness_read(path);
		cr_assert_not_null(text);
		cr_assert_eq(sscanf(text, "# expect: %d | %255[^\n]", &line,
		    want), 2, "%s: no expect line", e->d_name);
		c = config_load_file(path, &err);
		cr_expect_null(c, "%s: loaded", e->d_name);
		config_free(c);
		cr_expect_eq(err.line, line, "%s: line %d, want %d (%s)",
		    e->d_name, err.line, line, err.text);
		cr_expect(strstr(err.text, want) != NULL, "%s: '%s' lacks '%s'",
		    e->d_name, err.text, want);
		cr_expect_str_eq(err.file, path);
		cr_expect(strstr(err.text, "topsecret") == NULL,
		    "%s: secret echoed: %s", e->d_name, err.text);
		n++;
		free(text);
		free(path);
	}
	closedir(d);
	cr_expect_geq(n, 20, "bad cases: %d", n);
	free(dir);
}

Test(config, missing_and_folder)
{
	struct config_error err = {0};

	cr_expect_null(config_load_file("/nonexistent/x.conf", &err));
	cr_expect_str_eq(err.file, "/nonexistent/x.conf");
	cr_expect(strstr(err.text, "cannot open") != NULL, "%s", err.text);
	cr_expect_null(config_load_file(harness_data(), &err));
	cr_expect(strstr(err.text, "folder") != NULL, "%s", err.text);
	cr_expect_null(config_load("/nonexistent/y.conf", &err));
}

Test(config, search_order_and_environment)
{
	char *dir = harness_tmpdir();
	char *cwd = getcwd(NULL, 0);
	char *envconf = harness_fmt("%s/env.conf", dir);
	struct config_error err = {0};
	struct config *c;

	cr_assert_eq(chdir(dir), 0);
	/* Nothing anywhere (unless /etc has one): defaults. */
	if (access("/etc/ctmirror/ctmirror.conf", F_OK) != 0) {
		c = config_load(NULL, &err);
		cr_assert_not_null(c, "%s", err.text);
		cr_expect_null(c->path);
		config_free(c);
	}
	/* ./ctmirror.conf */
	cr_assert_eq(harness_write("ctmirror.conf", "[registry]\nretries = 7\n"), 0);
	c = config_load(NULL, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_eq(c->retries, 7);
	config_free(c);
	/* $CTMIRROR_CONFIG beats ./ctmirror.conf */
	cr_assert_eq(harness_write(envconf, "[registry]\nretries = 8\n"), 0);
	setenv("CTMIRROR_CONFIG", envconf, 1);
	c = config_load(NULL, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_eq(c->retries, 8);
	config_free(c);
	/* -c beats both */
	c = config_load("ctmirror.conf", &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_eq(c->retries, 7);
	config_free(c);
	/* An empty $CTMIRROR_CONFIG is unset: back to ./ctmirror.conf. */
	setenv("CTMIRROR_CONFIG", "", 1);
	c = config_load(NULL, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_eq(c->retries, 7);
	cr_expect_str_eq(c->path, "ctmirror.conf");
	config_free(c);
	/* A named file that does not exist is an error, not the defaults. */
	setenv("CTMIRROR_CONFIG", "/nonexistent/z.conf", 1);
	cr_expect_null(config_load(NULL, &err));
	cr_expect_str_eq(err.file, "/nonexistent/z.conf");
	cr_expect_eq(err.line, 0);
	unsetenv("CTMIRROR_CONFIG");
	/* Environment overrides the file. */
	setenv("CTMIRROR_DATABASE", "dbname=fromenv", 1);
	setenv("CTMIRROR_REGISTRY_URL", "http://127.0.0.1:1/api/v2/", 1);
	setenv("CTMIRROR_NOW", "2026-02-28", 1);
	c = config_load(NULL, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_str_eq(c->conninfo, "dbname=fromenv");
	cr_expect_str_eq(c->base_url, "http://127.0.0.1:1/api/v2");
	cr_expect_str_eq(c->now, "2026-02-28");
	{
		char today[11];

		config_today(c, today);
		cr_expect_str_eq(today, "2026-02-28");
	}
	config_free(c);
	setenv("CTMIRROR_NOW", "2026-02-30", 1);
	cr_expect_null(config_load(NULL, &err));
	cr_expect_str_eq(err.file, "CTMIRROR_NOW");
	setenv("CTMIRROR_NOW", "2026-02-28", 1);
	setenv("CTMIRROR_REGISTRY_URL", "gopher://x", 1);
	cr_expect_null(config_load(NULL, &err));
	cr_expect_str_eq(err.file, "CTMIRROR_REGISTRY_URL");
	clear_env();
	cr_assert_eq(chdir(cwd), 0);
	harness_rmtree(dir);
	free(dir);
	free(cwd);
	free(envconf);
}

Test(config, durations)
{
	static const struct {
		const char *in;
		int ok;
		unsigned want;
	} t[] = {
		{"90s", 1, 90}, {"15m", 1, 900}, {"6h", 1, 21600},
		{"1d", 1, 86400}, {"42", 1, 42}, {"0s", 1, 0},
		{"", 0, 0}, {"6x", 0, 0}, {"h", 0, 0}, {"-5s", 0, 0},
		{"1.5h", 0, 0}, {"5 m", 0, 0}, {"99999999999", 0, 0},
		{"50000d", 0, 0},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned s = 0;
		int rc = config_parse_duration(t[i].in, &s);

		cr_expect_eq(rc == 0, t[i].ok, "'%s'", t[i].in);
		if (t[i].ok)
			cr_expect_eq(s, t[i].want, "'%s' -> %u", t[i].in, s);
	}
}

/* The i-th of 50,000 distinct IDs, in an order that is not sorted. */
static void
big_id(size_t i, char out[12])
{
	snprintf(out, 12, "NCT%08zu", 10000000 + (i * 7919) % 50000);
}

/*
 * 50,000 IDs on continuation lines, each line repeating an ID of the line
 * before it (once after a comma), and a last line repeating the first
 * thousand: every ID is kept once, where it first came, repeats dropped.
 */
Test(config, fifty_thousand_ids)
{
	enum { N = 50000, PER_LINE = 10 };
	char *dir = harness_tmpdir();
	char *path = harness_fmt("%s/big.conf", dir);
	struct config_error err = {0};
	struct config *c;
	char id[12];
	size_t i, bad = 0;
	FILE *f;

	cr_assert_not_null(f = fopen(path, "w"));
	fprintf(f, "[tracking]\nnct_ids =");
	for (i = 0; i < N; i++) {
		if (i % PER_LINE == 0) {
			fprintf(f, "\n ");
			if (i > 0) {
				big_id(i - 3, id);
				fprintf(f, " %s,", id);
			}
		}
		big_id(i, id);
		fprintf(f, " %s", id);
	}
	fprintf(f, "\n ");
	for (i = 0; i < 1000; i++) {
		big_id(i, id);
		fprintf(f, "%s%s", id, i % PER_LINE == PER_LINE - 1 ? "\n " :
		    " ");
	}
	fprintf(f, "\n[pages]\nstale_after_days = 9\n");
	cr_assert_eq(fclose(f), 0);

	c = config_load_file(path, &err);
	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	cr_expect_eq(c->n_nct_ids, N);
	for (i = 0; i < N && i < c->n_nct_ids; i++) {
		big_id(i, id);
		if (strcmp(c->nct_ids[i], id) != 0 && bad++ < 5)
			cr_expect_str_eq(c->nct_ids[i], id, "at %zu", i);
	}
	cr_expect_eq(bad, 0, "%zu IDs out of place", bad);
	cr_expect_null(c->nct_ids[c->n_nct_ids], "still NULL-terminated");
	cr_expect_eq(c->stale_after_days, 9, "the file went on being read");
	config_free(c);
	harness_rmtree(dir);
	free(path);
	free(dir);
}

Test(config, redaction)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"host=db dbname=x user=u password=s3cr3t",
		    "host=db dbname=x user=u password=***"},
		{"password = 's3 cr\\'3t' host=db", "password=*** host=db"},
		{"host=db sslpassword=s3cr3t", "host=db sslpassword=***"},
		{"dbname=x", "dbname=x"},
		{"", ""},
		{"host=db password=", "host=db password=***"},
		{"password= host=db", "password=***"},
		{"postgresql://u:s3cr3t@db:5432/x?sslmode=require&password=s3cr3t",
		    "postgresql://u:***@db:5432/x?sslmode=***&password=***"},
		{"postgresql://u:s3@cr/3t@db/x", "postgresql://u:***@db/x"},
		{"postgresql:///x?host=/tmp&sig=s3cr3t",
		    "postgresql:///x?host=***&sig=***"},
		{"postgresql://db/x?user=u@s3cr3t", "postgresql://db/x?user=***"},
		{"postgres://u@db/x", "postgres://u@db/x"},
		{"postgres://db/d@b", "postgres://db/d@b"},
		{"https://hooks.example.org/services/T0/B0/s3cr3t",
		    "https://hooks.example.org/***"},
		{"https://u:s3cr3t@example.org", "https://u:***@example.org"},
		{"https://example.org/hook?token=s3cr3t",
		    "https://example.org/***"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"https://example.org/a@s3cr3t", "https://example.org/***"},
		{"https://u:s3@cr3t@example.org/x?k=s3cr3t",
		    "https://u:***@example.org/***"},
		/* Fuzz finding: a stray word used to end the scan. */
		{"host=h foo password=s3cr3t dbname=d",
		    "host=h foo password=*** dbname=d"},
		{"foo", "foo"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *r = config_redact(t[i].in);

		cr_assert_not_null(r);
		cr_expect_str_eq(r, t[i].want, "'%s'", t[i].in);
		cr_expect(strstr(r, "s3cr3t") == NULL, "leak: %s", r);
		free(r);
	}
}

/* The registry's base URL as shown: no credentials, the path kept. */
Test(config, url_redaction)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{"https://clinicaltrials.gov/api/v2",
		    "https://clinicaltrials.gov/api/v2"},
		{"http://mirror:s3cr3t@10.0.0.5:8080/api/v2",
		    "http://***@10.0.0.5:8080/api/v2"},
		{"https://s3cr3t@mirror.example.org/ctgov/api/v2",
		    "https://***@mirror.example.org/ctgov/api/v2"},
		{"https://mirror.example.org/api/v2?key=s3cr3t",
		    "https://mirror.example.org/api/v2?key=***"},
		{"https://u:s3@cr3t@mirror/x", "https://***@mirror/x"},
		{"https://s3cr3t@mirror/api/v2/x@y",
		    "https://***@mirror/api/v2/x@y"},
		{"not a url", "not a url"},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char *r = config_redact_url(t[i].in);

		cr_assert_not_null(r);
		cr_expect_str_eq(r, t[i].want, "'%s'", t[i].in);
		cr_expect(strstr(r, "s3cr3t") == NULL, "leak: %s", r);
		free(r);
	}
}

/* Where an ID is written, for the operator's message about it. */
Test(config, id_line)
{
	char *dir = harness_tmpdir(), *path = harness_fmt("%s/c.conf", dir);
	struct config_error err;
	struct config *cfg;

	cr_assert_eq(harness_write(path, "# NCT09999999 in a comment\n"
	    "[tracking]\nnct_ids = NCT02982915\n  NCT19999999\n"
	    "  NCT09999999 NCT05233774\n"), 0);
	cfg = config_load_file(path, &err);
	cr_assert_not_null(cfg, "%s:%d: %s", err.file, err.line, err.text);
	cr_expect_eq(config_id_line(cfg, "NCT09999999"), 5);
	cr_expect_eq(config_id_line(cfg, "NCT05233774"), 5);
	cr_expect_eq(config_id_line(cfg, "NCT02982915"), 3);
	cr_expect_eq(config_id_line(cfg, "NCT04421456"), 0);
	config_free(cfg);
	cfg = config_defaults();
	cr_expect_eq(config_id_line(cfg, "NCT02982915"), 0);
	config_free(cfg);
	harness_rmtree(dir);
	free(dir);
	free(path);
}

/*
 * The comment block right above a key's line in the reference file, or
 * NULL when the key is not set to its default within its section.  New.
 */
static char *
reference_comment(const char *text, const struct config_key *k)
{
	char *sec = harness_fmt("\n[%s]\n", k->section);
	char *line = harness_fmt("\n%s = %s\n", k->name, k->def);
	char *bare = harness_fmt("\n%s =\n", k->name);
	const char *s = strstr(text, sec), *at = NULL, *next, *from;
	char *out = NULL;

	if (s != NULL) {
		/* Only within the section: up to the next "\n[". */
		next = strstr(s + 1, "\n[");
		at = strstr(s, line);
		if (at == NULL && k->def[0] == '\0')
			at = strstr(s, bare);
		if (at != NULL && next != NULL && at > next)
			at = NULL;
	}
	if (at != NULL) {
		/* Back over the "# ..." lines that end at `at`. */
		from = at;
		while (from > text) {
			const char *bol = from - 1;

			while (bol > text && bol[-1] != '\n')
				bol--;
			if (*bol != '#')
				break;
			from = bol;
			if (from == text)
				break;
			from--;
		}
		out = strndup(from, (size_t)(at - from));
	}
	free(sec);
	free(line);
	free(bare);
	return out;
}

/*
 * The reference file is valid, equals the defaults, and documents every
 * key: set to its default in its own section, under a comment that gives
 * the default and says whether SIGHUP applies it.
 */
Test(config, reference_file_documents_every_key)
{
	char *path = harness_fmt("%s/config/ctmirror.conf", harness_root());
	char *text = harness_read(path);
	struct config_error err = {0};
	struct config *c = config_load_file(path, &err);
	struct config *d = config_defaults();
	const struct config_key *k;
	size_t n;

	cr_assert_not_null(text, "%s", path);
	cr_assert_not_null(c, "%s:%d: %s", err.file, err.line, err.text);
	k = config_keys(&n);
	for (size_t i = 0; i < n; i++) {
		char *doc = reference_comment(text, &k[i]);
		const char *mark = k[i].flags & CONFIG_RELOAD ? "(reload: SIGHUP)" :
		    "(restart required)";

		cr_expect_not_null(doc, "[%s] %s = %s is not in %s",
		    k[i].section, k[i].name, k[i].def, path);
		if (doc == NULL)
			continue;
		cr_expect(strstr(doc, mark) != NULL, "[%s] %s: comment lacks "
		    "%s:\n%s", k[i].section, k[i].name, mark, doc);
		cr_expect(strstr(doc, "Default:") != NULL, "[%s] %s: comment "
		    "lacks Default:\n%s", k[i].section, k[i].name, doc);
		cr_expect(strlen(doc) > 40, "[%s] %s: say what it means",
		    k[i].section, k[i].name);
		free(doc);
	}
	cr_expect_eq(c->n_nct_ids, d->n_nct_ids);
	cr_expect_eq(c->interval, d->interval);
	cr_expect_eq(c->max_body, d->max_body);
	config_free(c);
	config_free(d);
	free(text);
	free(path);
}

/*
 * NCT00000000 has the shape of an ID but is none: the registry's pattern
 * is ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$, and a batch that holds it is refused
 * whole (400).  The file and line say where, the text why.
 */
Test(config, zero_nct_id)
{
	char *dir = harness_tmpdir(), *path;
	struct config_error err = {0};
	struct config *c;

	cr_assert_not_null(dir);
	path = harness_fmt("%s/ctmirror.conf", dir);
	cr_assert_eq(harness_write(path, "[tracking]\n"
	    "nct_ids = NCT02982915 NCT00000000\n"), 0);
	cr_expect_null(config_load_file(path, &err));
	cr_expect_str_eq(err.file, path);
	cr_expect_eq(err.line, 2);
	cr_expect_str_eq(err.text, "[tracking] nct_ids: \"NCT00000000\" is not "
	    "an NCT ID: the registry's numbers start at NCT00000001");
	cr_assert_eq(harness_write(path, "[tracking]\n"
	    "nct_ids = NCT00000001\n"), 0);
	c = config_load_file(path, &err);
	cr_expect_not_null(c, "NCT00000001: %s", err.text);
	config_free(c);
	harness_rmtree(dir);
	free(path);
	free(dir);
}

/*
 * A file is read to its end and every problem in it is listed, in line
 * order, each with its line; an unknown key or section names the nearest
 * known one (a typo, or a key in the wrong section), as compilers do.
 */
Test(config, every_problem_with_the_nearest_name)
{
	static const struct {
		int line;
		const char *text;
	} want[] = {
		{2, "unknown key 'rate_limt' in [registry]; did you mean "
		    "'rate_limit'?"},
		{3, "[registry] concurrency: \"many\" is not a whole number"},
		{5, "unknown section [page]; did you mean [pages]?"},
		{9, "unknown key 'webhook_url' in [daemon]; it belongs in "
		    "[alerts]"},
		{10, "[daemon] listen: \"nowhere\" is not host:port"},
		{12, "[alerts] stdout: \"maybe\" is not yes or no"},
		{13, "unknown key 'zzzzzz' in [alerts]"},
	};
	char *dir = harness_tmpdir(), *path;
	struct config_error err = {0};
	struct config *c;

	cr_assert_not_null(dir);
	path = harness_fmt("%s/ctmirror.conf", dir);
	cr_assert_eq(harness_write(path, "[registry]\n"
	    "rate_limt = 10\n"
	    "concurrency = many\n"
	    "# the keys of an unknown section are not reported one by one\n"
	    "[page]\n"
	    "paths = kb\n"
	    "max_page_size = 1M\n"
	    "[daemon]\n"
	    "webhook_url = https://hooks.example.org/x\n"
	    "listen = nowhere\n"
	    "[alerts]\n"
	    "stdout = maybe\n"
	    "zzzzzz = 1\n"
	    "  continued = of the unknown key, not another error\n"
	    "notify = no\n"), 0);
	cr_expect_null(config_load_file(path, &err));
	cr_expect_eq(err.n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]) && i < err.n;
	    i++) {
		cr_expect_str_eq(err.all[i].file, path);
		cr_expect_eq(err.all[i].line, want[i].line, "problem %zu: %s",
		    i, err.all[i].text);
		cr_expect_str_eq(err.all[i].text, want[i].text);
	}
	/* The first is also where one-line callers read it. */
	cr_expect_eq(err.line, 2);
	cr_expect_str_eq(err.text, want[0].text);
	/* A good file after a bad one: no problem left over. */
	cr_assert_eq(harness_write(path, "[registry]\nrate_limit = 10\n"), 0);
	c = config_load_file(path, &err);
	cr_expect_not_null(c);
	cr_expect_eq(err.n, 0);
	config_free(c);
	harness_rmtree(dir);
	free(path);
	free(dir);
}

/*
 * The private cluster's folder is absolute once loaded, whatever folder
 * a command runs in: relative to the config file's folder, or the
 * default place ($STATE_DIRECTORY first, as systemd sets it).
 */
Test(config, state_dir_resolved_once)
{
	char *dir = harness_tmpdir(), *sub, *path, *want, *cwd = getcwd(NULL, 0);
	struct config_error err = {0};
	struct config *c;

	cr_assert_not_null(dir);
	sub = harness_fmt("%s/etc", dir);
	cr_assert_eq(mkdir(sub, 0755), 0);
	path = harness_fmt("%s/ctmirror.conf", sub);
	cr_assert_eq(harness_write(path, "[database]\nstate_dir = "
	    "../state/./db/\n"), 0);
	/* From another folder, by a relative name: the same place. */
	cr_assert_eq(chdir(dir), 0);
	c = config_load("etc/ctmirror.conf", &err);
	cr_assert_not_null(c, "%s", err.text);
	want = harness_fmt("%s/state/db", dir);
	cr_expect_str_eq(c->state_dir, want);
	config_free(c);
	cr_assert_eq(chdir("/"), 0);
	c = config_load(path, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_str_eq(c->state_dir, want);
	config_free(c);
	free(want);
	/* Empty: systemd's StateDirectory=, else the user's or root's place. */
	cr_assert_eq(harness_write(path, "[database]\nstate_dir =\n"), 0);
	setenv("STATE_DIRECTORY", "/var/lib/ctmirror-test:/other", 1);
	c = config_load(path, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_str_eq(c->state_dir, "/var/lib/ctmirror-test");
	config_free(c);
	unsetenv("STATE_DIRECTORY");
	c = config_load(path, &err);
	cr_assert_not_null(c, "%s", err.text);
	cr_expect_eq(c->state_dir[0], '/', "%s", c->state_dir);
	config_free(c);
	cr_assert_eq(chdir(cwd), 0);
	harness_rmtree(dir);
	free(cwd);
	free(path);
	free(sub);
	free(dir);
}

/* ctmirror.conf(5) names every key of the table, in its section. */
Test(config, man_page_names_every_key)
{
	char *path = harness_fmt("%s/config/ctmirror.conf.5", harness_root());
	char *text = harness_read(path);
	const struct config_key *k;
	size_t n;

	cr_assert_not_null(text, "%s", path);
	k = config_keys(&n);
	for (size_t i = 0; i < n; i++) {
		char *sec = harness_fmt(".SH [%s]\n", k[i].section);
		char *key = harness_fmt("\n.B %s\n", k[i].name);
		char *at = strstr(text, sec), *next;

		cr_expect_not_null(at, "no section %s", sec);
		if (at == NULL)
			goto next_key;
		next = strstr(at + 1, "\n.SH ");
		cr_expect(strstr(at, key) != NULL && (next == NULL ||
		    strstr(at, key) < next), "[%s] %s is not in %s",
		    k[i].section, k[i].name, path);
next_key:
		free(sec);
		free(key);
	}
	free(text);
	free(path);
}

/*
 * test_report.c - `ctmirror report` and the modules behind it: the one
 * escaping primitive (html.c), the timeline's dates and SVG
 * (chart.c), and whole reports against a real PostgreSQL: the example
 * page scenario through the fake registry, a hostile page and record,
 * pagination, refusal to replace a folder that is not a report, the
 * atomic swap, and [report] dir refreshed by `ctmirror sync`.  The
 * browser and validator checks are tests/report/check.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fakereg.h"
#include "harness.h"
#include "html.h"
#include "report.h"
#include "store.h"
#include "chart.h"

/* ---------------------------------------------------------- escaping */

/* n bytes of s as html_text_len escapes them (new). */
static char *
escaped(const char *s, size_t n)
{
	struct html *h = html_open_mem();
	size_t len;
	char *out;

	cr_assert_not_null(h);
	html_text_len(h, s, n);
	out = html_take(h, &len);
	cr_assert_not_null(out);
	return out;
}

Test(html, escapes_markup_and_quotes)
{
	const char *in = "<script>a&b</script> \"x\" 'y'";
	char *e = escaped(in, strlen(in));

	cr_expect_str_eq(e, "&lt;script&gt;a&amp;b&lt;/script&gt; &quot;x&quot;"
	    " &#39;y&#39;");
	free(e);
}

Test(html, broken_utf8_and_forbidden_characters_become_fffd)
{
	/* An invalid byte, a lone continuation, an overlong '/', C1 NEL
	 * (U+0085), a noncharacter (U+FFFE), RLO (U+202E), a control. */
	const char in[] = "a\xff" "b\x80" "c\xc0\xaf" "d\xc2\x85" "e\xef\xbf\xbe"
	    "f\xe2\x80\xae" "g\x01" "h\xc3\xa9";
	char *e = escaped(in, sizeof(in) - 1);

	cr_expect_str_eq(e, "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd"
	    "d\xef\xbf\xbd" "e\xef\xbf\xbd" "f\xef\xbf\xbd" "g\xef\xbf\xbd" "h\xc3\xa9");
	free(e);
	e = escaped("tab\there\nline", 13);
	cr_expect_str_eq(e, "tab here line");
	free(e);
}

Test(html, textn_cuts_at_a_character_boundary)
{
	struct html *h = html_open_mem();
	size_t len;
	char *s;

	cr_assert_not_null(h);
	/* "é" is two bytes; a cut after 2 bytes must not split the second. */
	html_textn(h, "a\xc3\xa9\xc3\xa9", 4);
	html_raw(h, "|");
	html_textn(h, "<<<<", 2);
	s = html_take(h, &len);
	cr_expect_str_eq(s, "a\xc3\xa9\xe2\x80\xa6|&lt;&lt;\xe2\x80\xa6");
	free(s);
}

/* ---------------------------------------------------------- timeline */

Test(chart, dates)
{
	cr_expect_eq(chart_day("1970-01-01"), 0);
	cr_expect_eq(chart_day("1970-01"), 0);
	cr_expect_eq(chart_day("2000-03-01"), 11017);
	cr_expect_eq(chart_day("2024"), chart_day("2024-01-01"));
	cr_expect_eq(chart_day("2024-13-01"), -1);
	cr_expect_eq(chart_day("soon"), -1);
	cr_expect_eq(chart_day(""), -1);
	cr_expect_eq(chart_day(NULL), -1);
}

Test(chart, draws_spans_dates_and_claims)
{
	const struct chart_span spans[] = {
		{"2017-03-01", "2020-04-02", "RECRUITING", 1, 2},
		{"2020-04-02", NULL, "COMPLETED", 3, 3},
	};
	const struct chart_event ev[] = {
		{"2019-06", TL_PRIMARY, 1, 1, TL_OK, "estimated", NULL},
		{"2021-06-30", TL_PRIMARY, 0, 0, TL_OK, "actual", NULL},
		{"2026-08-01", TL_POSTED, 0, 0, TL_OK, NULL, NULL},
		{"2026-05-06", TL_CLAIM, 0, 0, TL_STALE, "<b>page</b>:3",
		    "../page/1.html#L3"},
	};
	struct chart t = {"HERA <NCT02982915>", spans, 2, ev, 4,
	    "2026-11-23"};
	struct html *h = html_open_mem();
	size_t len;
	char *s;

	chart_svg(h, &t);
	s = html_take(h, &len);
	cr_assert_not_null(s);
	cr_expect(strncmp(s, "<svg class=\"timeline\"", 21) == 0, "%s", s);
	cr_expect(strstr(s, "<title>HERA &lt;NCT02982915&gt;</title>") != NULL);
	cr_expect(strstr(s, "span st-recruiting") && strstr(s, "span st-completed"));
	cr_expect(strstr(s, "(versions 1\xe2\x80\x93" "2)") != NULL);
	cr_expect(strstr(s, "class=\"moved\"") != NULL, "the date that moved");
	cr_expect(strstr(s, "mk old") && strstr(s, "mk act"));
	cr_expect(strstr(s, "mk v-stale") != NULL);
	cr_expect(strstr(s, "href=\"../page/1.html#L3\"") != NULL);
	cr_expect(strstr(s, "&lt;b&gt;page&lt;/b&gt;") != NULL);
	cr_expect(strstr(s, "<b>") == NULL);
	cr_expect(strstr(s, "class=\"today\"") != NULL);
	cr_expect(strstr(s, "</svg>") != NULL);
	free(s);

	/* Nothing dated: nothing drawn. */
	t.n_spans = 0;
	t.n_events = 0;
	h = html_open_mem();
	chart_svg(h, &t);
	s = html_take(h, &len);
	cr_expect_eq(len, 0);
	free(s);
}

/* ---------------------------------------------------------- reports */

static char *db, *dir, *regdir, *pagedir, *conf, *out;
static struct fakereg *reg;

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
write_conf(const char *extra)
{
	char *body = harness_fmt(
	    "[database]\nconninfo = %s\n"
	    "[registry]\nbase_url = %s\nrate_limit = 0\nretries = 0\n"
	    "[tracking]\nnct_ids = NCT02982915 NCT05233774 NCT04421456\n"
	    "[pages]\npaths = %s\nmax_page_size = 32M\n"
	    "[alerts]\nstdout = no\nnotify = no\n%s",
	    db, fakereg_url(reg), pagedir, extra);

	cr_assert_eq(harness_write(conf, body), 0);
	free(body);
}

static void
setup(void)
{
	db = harness_db_migrated("report");
	cr_assert_not_null(db);
	dir = harness_tmpdir();
	regdir = harness_fmt("%s/registry", dir);
	pagedir = harness_fmt("%s/kb", dir);
	conf = harness_fmt("%s/ctmirror.conf", dir);
	out = harness_fmt("%s/site", dir);
	cr_assert_eq(mkdir(regdir, 0755), 0);
	cr_assert_eq(mkdir(pagedir, 0755), 0);
	copy("registry/default/NCT02982915.json", regdir, "NCT02982915.json");
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
	fakereg_stop(reg);
	harness_rmtree(dir);
	free(dir);
	free(regdir);
	free(pagedir);
	free(conf);
	free(out);
	harness_db_drop(db);
}

TestSuite(report, .init = setup, .fini = teardown, .timeout = 180);

static int
ctm(struct harness_run *r, const char *a1, const char *a2, const char *a3)
{
	const char *argv[] = {"-c", conf, a1, a2, a3, NULL};
	const char *env[] = {"CTMIRROR_NOW=2026-11-23", NULL};

	cr_assert_eq(harness_run(r, argv, env), 0);
	return r->status;
}

static void
sync_ok(void)
{
	struct harness_run r;

	cr_assert_eq(ctm(&r, "sync", NULL, NULL), 0, "%s", r.err);
	harness_run_free(&r);
}

static char *
read_out(const char *rel)
{
	char *path = harness_fmt("%s/%s", out, rel);
	char *s = harness_read(path);

	cr_assert_not_null(s, "%s", path);
	free(path);
	return s;
}

/* Every file of the report, for checks that hold everywhere. */
static void
each_file(const char *d, void (*fn)(const char *path, const char *text))
{
	struct dirent *e;
	DIR *dh = opendir(d);

	cr_assert_not_null(dh, "%s", d);
	while ((e = readdir(dh)) != NULL) {
		char *p;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		p = harness_fmt("%s/%s", d, e->d_name);
		cr_assert_eq(stat(p, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			each_file(p, fn);
		} else {
			char *text = harness_read(p);

			cr_assert_not_null(text, "%s", p);
			fn(p, text);
			free(text);
		}
		free(p);
	}
	closedir(dh);
}

static void
inert(const char *path, const char *text)
{
	cr_expect(strstr(text, "<script") == NULL, "%s has <script", path);
	cr_expect(strstr(text, "<img") == NULL, "%s has <img", path);
	cr_expect(strstr(text, "<style") == NULL, "%s has <style", path);
	cr_expect(strstr(text, "href=\"javascript") == NULL,
	    "%s links javascript:", path);
	cr_expect(strlen(text) < 1u << 20, "%s is %zu bytes", path,
	    strlen(text));
}

Test(report, example_page_scenario)
{
	struct harness_run r;
	char *index, *hera, *page, *p;
	long page_id;

	/* HERA completed, then results submitted, then posted with a paper. */
	sync_ok();
	copy("registry/variants/NCT02982915-unposted.json", regdir,
	    "NCT02982915.json");
	sync_ok();
	copy("registry/variants/NCT02982915-results.json", regdir,
	    "NCT02982915.json");
	sync_ok();
	cr_assert_eq(ctm(&r, "report", "--out", out), 0, "%s", r.err);
	cr_expect(strstr(r.out, "index.html") != NULL, "%s", r.out);
	harness_run_free(&r);

	index = read_out("index.html");
	cr_expect(strstr(index, "msc-therapy.txt</a>") != NULL);
	cr_expect(strstr(index, "results-posted") != NULL);
	cr_expect(strstr(index, "publication-linked") != NULL);
	cr_expect(strstr(index, "identity-mismatch") != NULL);
	cr_expect(strstr(index, "results first posted on 2026-08-01") != NULL);
	cr_expect(strstr(index, "https://clinicaltrials.gov/study/NCT02982915")
	    != NULL);
	cr_expect(strstr(index, "<code>ctmirror ack ") != NULL);
	cr_expect(strstr(index, "Open flags by rule") != NULL);
	cr_expect(strstr(index, "Registry build") != NULL);
	/* Stale flags come before recheck ones within the page. */
	p = strstr(index, "class=\"flag recheck\"");
	cr_expect(p == NULL || strstr(p, "class=\"flag stale\"") == NULL,
	    "a stale flag after a recheck one");
	cr_expect(strstr(index, "<main id=\"main\">") && strstr(index, "<nav"));

	hera = read_out("trial/NCT02982915.html");
	cr_expect(strstr(hera, "<svg class=\"timeline\"") != NULL);
	cr_expect(strstr(hera, "span st-completed") != NULL);
	cr_expect(strstr(hera, "mk sub") != NULL, "results submitted drawn");
	cr_expect(strstr(hera, "mk post") != NULL, "results posted drawn");
	cr_expect(strstr(hera, "PMID 39999999") != NULL);
	cr_expect(strstr(hera, "mk v-stale") != NULL, "a stale claim drawn");
	cr_expect(strstr(hera, "Change log") && strstr(hera, "/hasResults"));
	cr_expect(strstr(hera, "<td class=\"num\">3</td>") != NULL,
	    "three versions listed");

	page_id = harness_db_count(db, "SELECT page_id FROM pages");
	p = harness_fmt("page/%ld.html", page_id);
	page = read_out(p);
	free(p);
	/* Claims in page order: line numbers never go down. */
	{
		const char *at = page;
		long last = 0, n = 0;

		while ((at = strstr(at, "<td class=\"num\">")) != NULL) {
			long line;

			at += 16;
			line = atol(at);
			cr_expect_geq(line, last, "line %ld after %ld", line, last);
			last = line;
			n++;
		}
		cr_expect_eq(n, harness_db_count(db, "SELECT count(*) FROM claims"));
	}
	cr_expect(strstr(page, "id=\"L") != NULL);
	cr_expect(strstr(page, "<mark>") != NULL, "the claim's words marked");
	each_file(out, inert);
	free(index);
	free(hera);
	free(page);
}

Test(report, hostile_page_and_record_render_as_text)
{
	struct harness_run r;
	char *path, *big, *rec, *title, *text;
	size_t n = 10u << 20, at;

	/* A page with markup, a javascript: link, broken UTF-8 and a 10 MB line. */
	big = malloc(n + 200);
	cr_assert_not_null(big);
	strcpy(big, "# <script>alert(1)</script>\n\nHERA (NCT02982915) results "
	    "pending as of 2026-05-06 <img src=x onerror=alert(2)> "
	    "[x](javascript:alert(3)) \xff\xfe broken.\n\nNCT05233774 results pending ");
	at = strlen(big);
	memset(big + at, 'x', n);
	big[at + n] = '\0';
	path = harness_fmt("%s/<b onclick=x>bold.md", pagedir);
	cr_assert_eq(harness_write(path, big), 0);
	free(path);
	free(big);
	/* A record whose title is markup and 10 MB long. */
	path = harness_fmt("%s/NCT05233774.json", regdir);
	rec = harness_read(path);
	cr_assert_not_null(rec);
	big = malloc(n + 100);
	cr_assert_not_null(big);
	strcpy(big, "<script>alert(4)</script><a href=\\\"javascript:x\\\">y</a>");
	at = strlen(big);
	memset(big + at, 'T', n);
	big[at + n] = '\0';
	{
		char *bt = strstr(rec, "\"briefTitle\"");
		char *q1, *q2;

		cr_assert_not_null(bt);
		q1 = strchr(bt + 12, '"');
		q2 = strchr(q1 + 1, '"');
		*q1 = '\0';
		title = harness_fmt("%s\"%s%s", rec, big, q2);
	}
	cr_assert_eq(harness_write(path, title), 0);
	free(title);
	free(big);
	free(rec);
	free(path);
	sync_ok();
	cr_assert_eq(ctm(&r, "report", "--out", out), 0, "%s", r.err);
	harness_run_free(&r);
	each_file(out, inert);
	text = read_out("trial/NCT05233774.html");
	cr_expect(strstr(text, "&lt;script&gt;alert(4)&lt;/script&gt;") != NULL);
	free(text);
	text = read_out("index.html");
	cr_expect(strstr(text, "&lt;b onclick=x&gt;bold.md") != NULL);
	free(text);
}

Test(report, refuses_a_folder_that_is_not_a_report)
{
	struct harness_run r;
	char *keep = harness_fmt("%s/precious.txt", out);
	char *text;

	cr_assert_eq(mkdir(out, 0755), 0);
	cr_assert_eq(harness_write(keep, "mine\n"), 0);
	cr_expect_eq(ctm(&r, "report", "--out", out), 1);
	cr_expect(strstr(r.err, "not a ctmirror report") != NULL, "%s", r.err);
	harness_run_free(&r);
	text = harness_read(keep);
	cr_expect_str_eq(text, "mine\n");
	free(text);
	free(keep);
	/* No argument and no [report] dir: a usage error. */
	cr_expect_eq(ctm(&r, "report", NULL, NULL), 2);
	harness_run_free(&r);
}

Test(report, replaces_its_own_report_whole)
{
	struct harness_run r;
	char *stale, *left, *marker;
	DIR *d;
	struct dirent *e;
	int others = 0;

	sync_ok();
	cr_assert_eq(ctm(&r, "report", "--out", out), 0, "%s", r.err);
	harness_run_free(&r);
	/* A file of the old report and a half-written one from a crash. */
	stale = harness_fmt("%s/trial/NCT00000001.html", out);
	cr_assert_eq(harness_write(stale, "old"), 0);
	left = harness_fmt("%s.new.999999", out);
	marker = harness_fmt("%s/.ctmirror-report", left);
	cr_assert_eq(mkdir(left, 0755), 0);
	cr_assert_eq(harness_write(marker, "x"), 0);
	cr_assert_eq(ctm(&r, "report", "--out", out), 0, "%s", r.err);
	harness_run_free(&r);
	cr_expect_neq(access(stale, F_OK), 0, "the old tree is gone whole");
	cr_expect_neq(access(left, F_OK), 0, "the leftover is swept");
	d = opendir(dir);
	while ((e = readdir(d)) != NULL)
		others += strncmp(e->d_name, "site.", 5) == 0;
	closedir(d);
	cr_expect_eq(others, 0, "no site.new.* or site.old.* left");
	free(stale);
	free(left);
	free(marker);
}

Test(report, sync_refreshes_report_dir)
{
	char *index, *extra = harness_fmt("[report]\ndir = %s\n", out);

	write_conf(extra);
	sync_ok();
	index = read_out("index.html");
	cr_expect(strstr(index, "Open flags") != NULL);
	free(index);
	free(extra);
}

Test(report, paginates_many_flags)
{
	struct store *s;
	struct report_stats st;
	char err[512], *msg = NULL, *p2, *p3, *text;

	/* 450 open flags on 3 pages, straight into the tables. */
	cr_assert_eq(harness_db_exec(db,
	    "INSERT INTO pages (path, last_scanned_at) SELECT 'kb/p' || i || "
	    "'.md', now() FROM generate_series(1, 3) i"), 0);
	cr_assert_eq(harness_db_exec(db,
	    "INSERT INTO flags (page_id, nct_id, claim_kind, rule, severity, "
	    "line, claim_text, evidence, link) SELECT p.page_id, "
	    "'NCT0' || (1000000 + i), 'status', 'status-changed', CASE WHEN "
	    "i % 3 = 0 THEN 'stale' ELSE 'recheck' END, i, 'text ' || i, "
	    "'evidence <' || i || '>', 'x' FROM pages p, "
	    "generate_series(1, 150) i"), 0);
	s = store_open(db, &msg);
	cr_assert_not_null(s, "%s", msg);
	cr_assert_eq(report_write(s, out, "2026-11-23", &st, err, sizeof(err)),
	    0, "%s", err);
	store_close(s);
	cr_expect_eq(st.flags, 450);
	p2 = harness_fmt("%s/index-2.html", out);
	p3 = harness_fmt("%s/index-3.html", out);
	cr_expect_eq(access(p2, F_OK), 0);
	cr_expect_eq(access(p3, F_OK), 0);
	text = read_out("index.html");
	cr_expect(strstr(text, "href=\"index-3.html\"") != NULL);
	cr_expect(strstr(text, "evidence &lt;3&gt;") != NULL);
	free(text);
	free(p2);
	free(p3);
}

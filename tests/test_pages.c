/*
 * test_pages.c - pages.c over tests/data/pagetree (folders, extensions,
 * binary and invalid UTF-8 files) and over trees made on the spot for what
 * a checkout cannot hold: unreadable and oversized files, FIFOs, symlink
 * loops, hard links.  Checks order, once-only delivery and the warnings.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"
#include "pages.h"

/* What the callback saw: relative paths, one per line, and the texts. */
struct seen {
	const char *base;	/* stripped from delivered paths */
	char list[4096];
	char *texts[32];
	size_t lens[32];
	size_t n;
	size_t stop_at;		/* return -1 on this page (1-based), 0: never */
};

static int
collect(void *arg, const char *path, const char *text, size_t len)
{
	struct seen *s = arg;
	size_t bl = strlen(s->base);
	const char *rel = path;

	if (strncmp(path, s->base, bl) == 0 && path[bl] == '/')
		rel = path + bl + 1;
	cr_assert_eq(text[len], '\0', "%s is not NUL-terminated", path);
	cr_assert_lt(s->n, 32);
	s->texts[s->n] = malloc(len + 1);
	cr_assert_not_null(s->texts[s->n]);
	memcpy(s->texts[s->n], text, len + 1);
	s->lens[s->n] = len;
	s->n++;
	strcat(s->list, rel);
	strcat(s->list, "\n");
	return s->stop_at == s->n ? -1 : 0;
}

static void
seen_free(struct seen *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->texts[i]);
}

/* stderr of one pages_scan, as text (new). */
static int saved_stderr = -1;
static char *err_path;

static void
capture_begin(void)
{
	int fd;

	err_path = harness_fmt("/tmp/ctmirror-pages-err-%ld", (long)getpid());
	fflush(stderr);
	saved_stderr = dup(2);
	fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0);
	dup2(fd, 2);
	close(fd);
}

static char *
capture_end(void)
{
	char *text;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	text = harness_read(err_path);
	cr_assert_not_null(text);
	unlink(err_path);
	free(err_path);
	return text;
}

/* Scan `paths` with stderr captured; the warnings are returned (new). */
static char *
scan(char *const *paths, size_t n, size_t max, struct seen *s, long *pages,
    unsigned *skipped)
{
	struct pages_skips k = {0};

	capture_begin();
	*pages = pages_scan(paths, n, max, collect, s, &k);
	*skipped = (unsigned)k.n;
	pages_skips_finish(&k);
	return capture_end();
}

static char *tree;		/* tests/data/pagetree */
static char *tmp;		/* a fresh folder per test */

static void
setup(void)
{
	log_init(LOG_NORMAL, false);
	tree = harness_fmt("%s/pagetree", harness_data());
	tmp = harness_tmpdir();
	cr_assert_not_null(tmp);
}

static void
teardown(void)
{
	harness_rmtree(tmp);
	free(tmp);
	free(tree);
}

TestSuite(pages, .init = setup, .fini = teardown, .timeout = 30);

static void
expect_warning(const char *err, const char *path, const char *why)
{
	char *needle = harness_fmt("page=%s: skipped: %s", path, why);

	cr_expect(strstr(err, needle) != NULL, "no \"%s\" in:\n%s", needle,
	    err);
	free(needle);
}

static void
mkfile(const char *rel, const char *text)
{
	char *p = harness_fmt("%s/%s", tmp, rel);

	cr_assert_eq(harness_write(p, text), 0, "write %s", p);
	free(p);
}

static void
mkfolder(const char *rel)
{
	char *p = harness_fmt("%s/%s", tmp, rel);

	cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s", p);
	free(p);
}

static void
mklink(const char *target, const char *rel)
{
	char *p = harness_fmt("%s/%s", tmp, rel);

	cr_assert_eq(symlink(target, p), 0, "symlink %s", p);
	free(p);
}

/* ------------------------------------------------------ the fixture tree */

Test(pages, folder_walk)
{
	struct seen s = {.base = tree};
	char *paths[] = {tree};
	char *bin = harness_fmt("%s/binary.txt", tree);
	unsigned skipped = 99;
	long pages;
	char *err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);

	cr_expect_eq(pages, 6, "%s", err);
	cr_expect_str_eq(s.list,
	    "Shout.MD\n"
	    "a.md\n"
	    "latin1.txt\n"
	    "notes.txt\n"
	    "sub/b.markdown\n"
	    "sub/deeper/c.md\n");
	cr_expect_eq(skipped, 1);
	expect_warning(err, bin, "binary");
	cr_expect(strstr(err, "secret") == NULL, "%s", err);
	/* Invalid UTF-8 comes through byte for byte. */
	cr_assert_eq(s.n, 6);
	cr_expect_eq(s.lens[2], 48);
	cr_expect(memcmp(s.texts[2], "Caf\xe9 \xff\xfe bytes", 12) == 0);
	cr_expect(strncmp(s.texts[1], "# Page A\n", 9) == 0);
	seen_free(&s);
	free(bin);
	free(err);
}

Test(pages, named_files_need_no_page_extension)
{
	struct seen s = {.base = tree};
	char *paths[] = {
		harness_fmt("%s/sub/data.csv", tree),
		harness_fmt("%s/sub/image.png", tree),
		harness_fmt("%s/README", tree),
		harness_fmt("%s/.hidden/secret.md", tree),
	};
	unsigned skipped;
	long pages;
	char *err = scan(paths, 4, 1 << 20, &s, &pages, &skipped);

	cr_expect_eq(pages, 3, "%s", err);
	cr_expect_str_eq(s.list, ".hidden/secret.md\nREADME\nsub/data.csv\n");
	cr_expect_eq(skipped, 1);
	expect_warning(err, paths[1], "binary");
	seen_free(&s);
	for (size_t i = 0; i < 4; i++)
		free(paths[i]);
	free(err);
}

Test(pages, each_file_once)
{
	struct seen s = {.base = tree};
	char *slash = harness_fmt("%s/", tree);
	char *a = harness_fmt("%s/a.md", tree);
	char *sub = harness_fmt("%s/sub", tree);
	char *paths[] = {a, tree, sub, slash, a};
	unsigned skipped;
	long pages;
	char *err = scan(paths, 5, 1 << 20, &s, &pages, &skipped);

	cr_expect_eq(pages, 6, "%s", err);
	cr_expect_str_eq(s.list, "Shout.MD\na.md\nlatin1.txt\nnotes.txt\n"
	    "sub/b.markdown\nsub/deeper/c.md\n");
	cr_expect_eq(skipped, 1, "binary.txt warned once: %s", err);
	seen_free(&s);
	free(slash);
	free(a);
	free(sub);
	free(err);
}

Test(pages, missing_path_is_a_warning)
{
	struct seen s = {.base = tree};
	char *gone = harness_fmt("%s/no-such-page.md", tree);
	char *a = harness_fmt("%s/a.md", tree);
	char *paths[] = {gone, a};
	unsigned skipped;
	long pages;
	char *err = scan(paths, 2, 1 << 20, &s, &pages, &skipped);
	char *needle = harness_fmt("%s: matches nothing", gone);

	cr_expect_eq(pages, 1);
	/* Noted as a folder that is not there: pages under it are kept. */
	cr_expect_eq(skipped, 1);
	cr_expect(strstr(err, needle) != NULL, "%s", err);
	seen_free(&s);
	free(needle);
	free(gone);
	free(a);
	free(err);
}

Test(pages, globs)
{
	struct seen s = {.base = tree};
	char *paths[] = {
		harness_fmt("%s/*.{md,txt}", tree),
		harness_fmt("%s/s?b", tree),		/* a folder: walked */
		harness_fmt("%s/nothing-*.md", tree),
	};
	unsigned skipped;
	long pages;
	char *err = scan(paths, 3, 1 << 20, &s, &pages, &skipped);
	char *needle = harness_fmt("%s: matches nothing", paths[2]);

	cr_expect_eq(pages, 5, "%s", err);
	cr_expect_str_eq(s.list, "a.md\nlatin1.txt\nnotes.txt\n"
	    "sub/b.markdown\nsub/deeper/c.md\n");
	cr_expect_eq(skipped, 1);
	cr_expect(strstr(err, needle) != NULL, "%s", err);
	seen_free(&s);
	free(needle);
	for (size_t i = 0; i < 3; i++)
		free(paths[i]);
	free(err);
}

Test(pages, callback_stops_the_walk)
{
	struct seen s = {.base = tree, .stop_at = 2};
	char *paths[] = {tree};
	unsigned skipped;
	long pages;
	char *err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);

	cr_expect_eq(pages, -1);
	cr_expect_eq(s.n, 2);
	cr_expect_str_eq(s.list, "Shout.MD\na.md\n");
	seen_free(&s);
	free(err);
}

Test(pages, nothing_to_scan)
{
	struct seen s = {.base = tree};
	long pages;

	cr_expect_eq(pages_scan(NULL, 0, 1 << 20, collect, &s, NULL), 0);
	mkfolder("empty");
	{
		char *p = harness_fmt("%s/empty", tmp);
		char *paths[] = {p};
		unsigned skipped;
		char *err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);

		cr_expect_eq(pages, 0);
		cr_expect(strstr(err, "no .md, .markdown, .txt, .html or .htm") != NULL,
		    "%s", err);
		free(err);
		free(p);
	}
}

/* ------------------------------------------------------ made on the spot */

Test(pages, size_cap)
{
	struct seen s = {.base = tmp};
	char *paths[] = {tmp};
	char hundred[101];
	unsigned skipped;
	long pages;
	char *err, *big;

	memset(hundred, 'x', 100);
	hundred[100] = '\0';
	mkfile("big.md", hundred);
	mkfile("empty.md", "");
	big = harness_fmt("%s/big.md", tmp);

	err = scan(paths, 1, 99, &s, &pages, &skipped);
	cr_expect_eq(pages, 1);
	cr_expect_str_eq(s.list, "empty.md\n");
	cr_expect_eq(s.lens[0], 0);
	cr_expect_eq(skipped, 1);
	expect_warning(err, big, "larger than 99 bytes");
	free(err);
	seen_free(&s);

	memset(&s, 0, sizeof(s));
	s.base = tmp;
	err = scan(paths, 1, 100, &s, &pages, &skipped);
	cr_expect_eq(pages, 2, "exactly at the cap is fine: %s", err);
	cr_expect_eq(skipped, 0);
	cr_assert_eq(s.n, 2);
	cr_expect_eq(s.lens[0], 100);
	cr_expect_str_eq(s.texts[0], hundred);
	free(err);
	seen_free(&s);

	/* 0: no cap */
	memset(&s, 0, sizeof(s));
	s.base = tmp;
	err = scan(paths, 1, 0, &s, &pages, &skipped);
	cr_expect_eq(pages, 2, "%s", err);
	free(err);
	seen_free(&s);
	free(big);
}

Test(pages, nul_after_the_sniff_window_is_text)
{
	struct seen s = {.base = tmp};
	char *paths[] = {tmp};
	char *p = harness_fmt("%s/late-nul.md", tmp);
	char buf[9000];
	unsigned skipped;
	long pages;
	char *err;
	int fd;

	memset(buf, 'a', sizeof(buf));
	buf[8500] = '\0';
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);
	cr_expect_eq(pages, 1, "%s", err);
	cr_expect_eq(s.lens[0], sizeof(buf));
	seen_free(&s);
	free(err);
	free(p);
}

Test(pages, unreadable_file)
{
	struct seen s = {.base = tmp};
	char *paths[] = {tmp};
	char *p;
	unsigned skipped;
	long pages;
	char *err;

	if (geteuid() == 0)
		cr_skip_test("root reads files whatever their mode");
	mkfile("ok.md", "fine\n");
	mkfile("locked.md", "secret\n");
	p = harness_fmt("%s/locked.md", tmp);
	cr_assert_eq(chmod(p, 0), 0);
	err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);
	cr_expect_eq(pages, 1);
	cr_expect_str_eq(s.list, "ok.md\n");
	cr_expect_eq(skipped, 1);
	expect_warning(err, p, "cannot read");
	cr_expect(strstr(err, "Permission denied") != NULL, "%s", err);
	seen_free(&s);
	free(err);
	free(p);
}

Test(pages, symlink_loops_end)
{
	struct seen s = {.base = tmp};
	char *paths[] = {tmp};
	char *self;
	unsigned skipped;
	long pages;
	char *err;

	mkfolder("kb");
	mkfolder("kb/deep");
	mkfile("kb/one.md", "one\n");
	mkfile("kb/deep/two.md", "two\n");
	mklink("..", "kb/deep/up");		/* back to kb */
	mklink(".", "kb/here");			/* kb itself */
	mklink("self.md", "kb/self.md");	/* ELOOP */
	mklink("nowhere.md", "kb/dangling.md");
	mklink("kb/one.md", "alias.md");	/* the same file twice */
	err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);
	self = harness_fmt("%s/kb/self.md", tmp);
	cr_expect_eq(pages, 2, "%s", err);
	cr_expect_str_eq(s.list, "alias.md\nkb/deep/two.md\n");
	cr_expect_eq(skipped, 2, "self.md and dangling.md: %s", err);
	expect_warning(err, self, "cannot read");
	seen_free(&s);
	free(self);
	free(err);
}

Test(pages, hard_links_once)
{
	struct seen s = {.base = tmp};
	char *paths[] = {tmp};
	char *a = harness_fmt("%s/a.md", tmp);
	char *b = harness_fmt("%s/b.md", tmp);
	unsigned skipped;
	long pages;
	char *err;

	mkfile("a.md", "same\n");
	cr_assert_eq(link(a, b), 0);
	err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);
	cr_expect_eq(pages, 1, "%s", err);
	cr_expect_str_eq(s.list, "a.md\n");
	seen_free(&s);
	free(err);
	free(a);
	free(b);
}

Test(pages, fifo_does_not_hang)
{
	struct seen s = {.base = tmp};
	char *fifo = harness_fmt("%s/pipe.md", tmp);
	char *paths[] = {tmp, fifo};
	unsigned skipped;
	long pages;
	char *err;

	mkfile("real.md", "real\n");
	cr_assert_eq(mkfifo(fifo, 0644), 0);
	err = scan(paths, 2, 1 << 20, &s, &pages, &skipped);
	cr_expect_eq(pages, 1, "%s", err);
	cr_expect_str_eq(s.list, "real.md\n");
	cr_expect_eq(skipped, 2, "walked and named: %s", err);
	expect_warning(err, fifo, "not a regular file");
	seen_free(&s);
	free(err);
	free(fifo);
}

Test(pages, literal_name_wins_over_pattern)
{
	struct seen s = {.base = tmp};
	char *odd = harness_fmt("%s/notes[1].md", tmp);
	char *paths[] = {odd};
	unsigned skipped;
	long pages;
	char *err;

	mkfile("notes[1].md", "bracketed\n");
	mkfile("notes1.md", "a pattern would match this\n");
	err = scan(paths, 1, 1 << 20, &s, &pages, &skipped);
	cr_expect_eq(pages, 1, "%s", err);
	cr_expect_str_eq(s.list, "notes[1].md\n");
	seen_free(&s);
	free(err);
	free(odd);
}

/* ------------------------------------------- skips that keep pages' flags */

/*
 * pages_scan as an unprivileged user, so a mode-0 folder cannot be read
 * even when the tests run as root: in a child that drops to nobody, which
 * writes back "P path" per page delivered and "S kind path: why" per skip.
 */
static char *
scan_unprivileged(char *const *paths, size_t n)
{
	char *out = harness_fmt("%s.out", tmp);
	pid_t pid;
	int status;
	char *text;

	cr_assert_eq(chmod(tmp, 0755), 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct pages_skips k = {0};
		struct seen s = {.base = tmp};
		FILE *f = fopen(out, "w");

		if (f == NULL || (geteuid() == 0 && (setgid(65534) < 0 ||
		    setuid(65534) < 0)))
			_exit(3);
		if (pages_scan(paths, n, 1 << 20, collect, &s, &k) < 0)
			_exit(4);
		fprintf(f, "%s", s.list);
		for (size_t i = 0; i < k.n; i++)
			fprintf(f, "S %d %s: %s\n", (int)k.v[i].kind, k.v[i].path,
			    k.v[i].why);
		fclose(f);
		_exit(0);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %d", status);
	text = harness_read(out);
	cr_assert_not_null(text);
	unlink(out);
	free(out);
	return text;
}

/*
 * Scan `paths` unprivileged with the folder tmp/`rel` at mode 0; expect
 * `seen` delivered and a folder skip of tmp/`rel` ("cannot be listed").
 */
static void
scan_locked(char *const *paths, const char *rel, const char *seen)
{
	char *locked = harness_fmt("%s/%s", tmp, rel);
	char *want = harness_fmt("S %d %s: cannot be listed: Permission denied\n",
	    (int)PAGES_SKIP_FOLDER, locked);
	char *text;

	cr_assert_eq(chmod(locked, 0), 0);
	text = scan_unprivileged(paths, 1);
	cr_assert_eq(chmod(locked, 0755), 0);
	cr_expect(strstr(text, seen) != NULL, "%s", text);
	cr_expect(strstr(text, "b.md") == NULL, "%s", text);
	cr_expect(strstr(text, want) != NULL, "no \"%s\" in:\n%s", want, text);
	free(text);
	free(want);
	free(locked);
}

/*
 * A folder that cannot be listed is a skip of every page under it (they
 * used to vanish from the walk, so their flags resolved, then came back
 * as new flags under new IDs once it could be read).
 */
Test(pages, unlistable_folder_is_skipped_not_gone)
{
	char *paths[] = {tmp};

	mkfolder("kb");
	mkfolder("kb/locked");
	mkfile("kb/a.md", "a\n");
	mkfile("kb/locked/b.md", "b\n");
	scan_locked(paths, "kb/locked", "kb/a.md\n");
}

/* The same through a glob: the folder glob could not open is a skip. */
Test(pages, glob_over_unlistable_folder_is_skipped)
{
	char *pattern = harness_fmt("%s/*/*.md", tmp);
	char *paths[] = {pattern};

	mkfolder("open");
	mkfolder("locked");
	mkfile("open/a.md", "a\n");
	mkfile("locked/b.md", "b\n");
	scan_locked(paths, "locked", "open/a.md\n");
	free(pattern);
}

/*
 * A skip covers what it concerns and no more: a skipped file only itself
 * (so a deleted page beside it is gone), a skipped folder what is under
 * it ("kb/sub" not "kb/subway.md"), a named folder that is not there
 * (a share not mounted) its pages but a named file that is not there
 * nothing (it was deleted).
 */
Test(pages, skips_cover_only_their_pages)
{
	struct seen s = {.base = tmp};
	struct pages_skips k = {0};
	char *kb = harness_fmt("%s/kb", tmp);
	char *share = harness_fmt("%s/share", tmp);
	char *named = harness_fmt("%s/named.md", tmp);
	char *paths[] = {kb, share, named};
	char *p;
	long pages;

	mkfolder("kb");
	mkfile("kb/good.md", "good\n");
	p = harness_fmt("%s/kb/bin.md", tmp);
	cr_assert_eq(harness_write(p, "x"), 0);
	{
		FILE *f = fopen(p, "wb");

		cr_assert_not_null(f);
		fwrite("bin\0ary", 1, 7, f);
		fclose(f);
	}
	capture_begin();
	pages = pages_scan(paths, 3, 1 << 20, collect, &s, &k);
	free(capture_end());
	cr_expect_eq(pages, 1);
	cr_expect_eq(k.n, 3, "bin.md, share, named.md");
	cr_expect_not_null(pages_skipped(&k, p));
	free(p);
	p = harness_fmt("%s/kb/deleted.md", tmp);
	cr_expect_null(pages_skipped(&k, p), "a deleted page beside a skip");
	free(p);
	p = harness_fmt("%s/share/x/page.md", tmp);
	cr_expect_str_eq(pages_skipped(&k, p), "matches nothing");
	free(p);
	p = harness_fmt("%s/shared.md", tmp);
	cr_expect_null(pages_skipped(&k, p), "share covers only share/...");
	free(p);
	cr_expect_null(pages_skipped(&k, named), "a named file that is gone");
	pages_skips_finish(&k);
	seen_free(&s);
	free(kb);
	free(share);
	free(named);
}

/* A writer that rewrites a page in two pieces with a pause between. */
struct rewriter {
	const char *path;
	volatile int stop;
	unsigned rounds;
};

static void *
rewrite_loop(void *arg)
{
	struct rewriter *r = arg;
	static const char whole[] = "BEGIN\nNCT02982915 results pending as of "
	    "2026-05-06.\nLorem ipsum dolor sit amet, one more line to split.\n"
	    "END\n";
	size_t half = sizeof(whole) / 2;

	while (!r->stop) {
		int fd = open(r->path, O_WRONLY | O_TRUNC);

		if (fd < 0)
			break;
		if (write(fd, whole, half) != (ssize_t)half)
			break;
		usleep(20 * 1000);
		if (write(fd, whole + half, sizeof(whole) - 1 - half) !=
		    (ssize_t)(sizeof(whole) - 1 - half))
			break;
		close(fd);
		r->rounds++;
		/* Quiet for longer than pages.c waits, now and then. */
		usleep((r->rounds % 4 ? 30 : 400) * 1000);
	}
	return NULL;
}

/*
 * A page rewritten while it is read is never delivered half-written: it
 * is read again, or skipped this cycle ("changed while being read").
 * Before, a read during the writer's pause delivered the first half.
 */
Test(pages, page_rewritten_while_read_is_never_half_read, .timeout = 60)
{
	char *page = harness_fmt("%s/moving.md", tmp);
	char *paths[] = {page};
	struct rewriter r = {page, 0, 0};
	unsigned whole = 0, skipped = 0;
	pthread_t t;

	cr_assert_eq(harness_write(page, "BEGIN\nEND\n"), 0);
	cr_assert_eq(pthread_create(&t, NULL, rewrite_loop, &r), 0);
	capture_begin();
	for (int i = 0; i < 40; i++) {
		struct seen s = {.base = tmp};
		struct pages_skips k = {0};

		cr_assert_geq(pages_scan(paths, 1, 1 << 20, collect, &s, &k), 0);
		for (size_t j = 0; j < s.n; j++) {
			cr_expect(strncmp(s.texts[j], "BEGIN\n", 6) == 0 &&
			    s.lens[j] >= 4 && strcmp(s.texts[j] + s.lens[j] - 4,
			    "END\n") == 0, "half-read: \"%s\"", s.texts[j]);
			whole++;
		}
		skipped += (unsigned)k.n;
		pages_skips_finish(&k);
		seen_free(&s);
		usleep(23 * 1000);
	}
	free(capture_end());
	r.stop = 1;
	pthread_join(t, NULL);
	cr_expect_gt(r.rounds, 5, "the writer kept writing");
	cr_expect_gt(whole, 0, "some reads got a whole page");
	cr_log_info("%u whole reads, %u skips, %u rewrites", whole, skipped,
	    r.rounds);
	free(page);
}

/* ---------------------------------------------------------------- names */

/*
 * A page is known by its path under the root, whatever path reached it:
 * relative from the working folder, absolute, with "./" and "..", or
 * through a symbolic link to the root.
 */
Test(pages, names_under_the_root)
{
	char *cwd = getcwd(NULL, 0), *root, *want_root;
	char *paths[2];

	mkfolder("kb");
	mkfolder("kb/sub");
	mkfolder("notes");
	mkfile("kb/a.md", "a\n");
	mkfile("kb/sub/b.md", "b\n");
	mklink("kb", "link");
	cr_assert_eq(chdir(tmp), 0);
	/* Default root: the common parent of paths. */
	paths[0] = (char *)"kb/";
	paths[1] = (char *)"notes/*.md";
	root = pages_root(NULL, paths, 2);
	cr_expect_str_eq(root, tmp);
	free(root);
	root = pages_root(NULL, paths, 1);
	want_root = harness_fmt("%s/kb", tmp);
	cr_expect_str_eq(root, want_root);
	{
		static const char *const same[] = {"kb/a.md", "./kb/a.md",
		    "kb/sub/../a.md", "link/a.md"};
		char *abs = harness_fmt("%s/kb/a.md", tmp);

		for (size_t i = 0; i < 4; i++) {
			char *name = pages_name(root, same[i]);

			cr_expect_str_eq(name, "a.md", "%s", same[i]);
			free(name);
		}
		free(abs);
		abs = pages_name(root, "kb/sub/b.md");
		cr_expect_str_eq(abs, "sub/b.md");
		free(abs);
	}
	{
		char *abs = harness_fmt("%s/kb/a.md", tmp), *name;

		name = pages_name(root, abs);
		cr_expect_str_eq(name, "a.md", "absolute");
		free(name);
		name = pages_name(root, "notes/x.md");
		cr_expect_eq(name[0], '/', "outside the root: %s", name);
		free(name);
		name = pages_name(root, "kb");
		cr_expect_str_eq(name, ".");
		free(name);
		free(abs);
	}
	/* A single file names its folder; an explicit root wins. */
	paths[0] = (char *)"kb/sub/b.md";
	free(root);
	root = pages_root(NULL, paths, 1);
	free(want_root);
	want_root = harness_fmt("%s/kb/sub", tmp);
	cr_expect_str_eq(root, want_root);
	free(root);
	root = pages_root("kb/../notes", paths, 1);
	free(want_root);
	want_root = harness_fmt("%s/notes", tmp);
	cr_expect_str_eq(root, want_root);
	free(root);
	free(want_root);
	cr_assert_eq(chdir(cwd), 0);
	free(cwd);
}

/*
 * A stored page the walk did not look for (its folder no longer in
 * paths) is not covered, so not gone; a page under a walked folder, a
 * named file or a glob match is.
 */
Test(pages, covered_by_what_the_walk_looks_at)
{
	char *paths[3] = {NULL, NULL, NULL};
	char *root = harness_fmt("%s", tmp);

	paths[0] = harness_fmt("%s/kb", tmp);
	paths[1] = harness_fmt("%s/notes/*.md", tmp);
	paths[2] = harness_fmt("%s/one.txt", tmp);
	cr_expect(pages_covered(root, paths, 3, "kb/a.md"));
	cr_expect(pages_covered(root, paths, 3, "kb/deep/er/a.md"));
	cr_expect(pages_covered(root, paths, 3, "notes/x.md"));
	cr_expect(pages_covered(root, paths, 3, "one.txt"));
	cr_expect_not(pages_covered(root, paths, 3, "notes/sub/x.md"));
	cr_expect_not(pages_covered(root, paths, 3, "notes/x.txt"));
	cr_expect_not(pages_covered(root, paths, 3, "kbx/a.md"));
	cr_expect_not(pages_covered(root, paths, 3, "old/a.md"));
	cr_expect_not(pages_covered(root, paths, 1, "one.txt"));
	cr_expect_not(pages_covered(root, paths, 3, "/elsewhere/a.md"));
	for (int i = 0; i < 3; i++)
		free(paths[i]);
	free(root);
}

/*
 * test_log.c - log.c: every line it writes, and every line the terminal
 * printers write through log_print, shows untrusted text safely (control
 * bytes, C1 controls and bytes that are not UTF-8 become '?'; UTF-8 text
 * stays), so no registry text, HTTP error body or page name can drive a
 * terminal or forge a line of its own; lines to the journal carry their
 * priority; a terminal's progress line never has text written over it.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"

TestSuite(log, .timeout = 10);

Test(log, safe_keeps_text_and_replaces_controls)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain text", "plain text"},
		{"Parkinson\xe2\x80\x99s disease \xe2\x80\x94 \xc3\xa9t\xc3\xa9",
		    "Parkinson\xe2\x80\x99s disease \xe2\x80\x94 \xc3\xa9t\xc3\xa9"},
		{"emoji \xf0\x9f\xa7\xaa ok", "emoji \xf0\x9f\xa7\xaa ok"},
		/* ESC sequences: colour, window title, cursor movement */
		{"\x1b[31mred\x1b[0m", "?[31mred?[0m"},
		{"\x1b]0;pwned\x07title", "?]0;pwned?title"},
		/* a newline forging a line of its own */
		{"a.md\nctmirror: error: forged", "a.md?ctmirror: error: forged"},
		{"tab\tcr\rdel\x7f", "tab?cr?del?"},
		/* C1 controls (CSI U+009B, NEL U+0085) as UTF-8, one '?' each */
		{"csi\xc2\x9b" "2J nel\xc2\x85", "csi?2J nel?"},
		{"nbsp\xc2\xa0kept", "nbsp\xc2\xa0kept"},
		/* bytes that are not UTF-8 */
		{"raw \x9b C1 byte", "raw ? C1 byte"},
		{"bad \xff\xfe", "bad ??"},
		{"overlong \xc0\xaf", "overlong ??"},
		{"surrogate \xed\xa0\x80", "surrogate ???"},
		{"cut \xe2\x80", "cut ??"},
		{"", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = strdup(cases[i].in);

		cr_assert_not_null(s);
		cr_expect_str_eq(log_safe(s), cases[i].want, "case %zu", i);
		free(s);
	}
}

/* What one call wrote to stderr (fd 2), as text (new). */
static char *
stderr_of(void (*fn)(void))
{
	char *path = harness_fmt("/tmp/ctmirror-log-%d", (int)getpid());
	int saved, fd;
	char *text;

	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	text = harness_read(path);
	unlink(path);
	free(path);
	return text;
}

static void
warn_forged(void)
{
	log_init(LOG_NORMAL, false);
	log_warnx("page=%s: skipped: %s", "kb/\x1b[2Jx.md\nctmirror: error: "
	    "forged.md", "binary \x1b]0;t\x07");
}

static void
print_long(void)
{
	char big[3000];

	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_print(stderr, "  registry: %s\x1b[0m%s", big, "\n<end>");
}

Test(log, a_log_line_is_one_line_without_controls)
{
	char *text = stderr_of(warn_forged);

	cr_expect_str_eq(text, "ctmirror: warning: page=kb/?[2Jx.md?ctmirror: "
	    "error: forged.md: skipped: binary ?]0;t?\n");
	free(text);
}

Test(log, print_is_one_safe_line_whatever_its_length)
{
	char *text = stderr_of(print_long);
	size_t n = strlen(text);

	cr_expect_eq(n, strlen("  registry: ") + 2999 + strlen("?[0m?<end>\n"));
	cr_expect(strstr(text, "?[0m?<end>\n") != NULL, "%s", text + n - 20);
	cr_expect_null(strchr(text, '\x1b'));
	cr_expect_eq(strchr(text, '\n'), text + n - 1);
	free(text);
}

/*
 * Under systemd, stderr is a stream to the journal and JOURNAL_STREAM
 * names it ("DEV:INODE"): each line starts with its priority, as
 * sd-daemon(3) prefixes do, so `journalctl -p err` finds the errors.
 * Here a file stands for the journal's stream.
 */
static char *journal_name;

static void
log_to_journal(void)
{
	struct stat st;
	char *env;

	cr_assert_eq(fstat(2, &st), 0);
	env = harness_fmt("%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", journal_name ? journal_name : env, 1);
	log_init(LOG_VERBOSE, false);
	log_error("sync failed: %s", "registry: HTTP 503");
	log_warnx("page=%s: skipped", "kb/x.md");
	log_notice("started a private cluster");
	log_info("synced 3 trials");
	log_debug("not shown without -vv");
	unsetenv("JOURNAL_STREAM");
	log_init(LOG_NORMAL, false);
	free(env);
}

Test(log, journal_lines_carry_priorities)
{
	char *text;

	journal_name = NULL;
	text = stderr_of(log_to_journal);
	cr_expect_str_eq(text, "<3>error: sync failed: registry: HTTP 503\n"
	    "<4>warning: page=kb/x.md: skipped\n"
	    "<5>started a private cluster\n"
	    "<6>synced 3 trials\n");
	free(text);
	/* JOURNAL_STREAM of another stream: stderr was redirected since. */
	journal_name = "1:2";
	text = stderr_of(log_to_journal);
	cr_expect(strncmp(text, "ctmirror: error: sync failed", 28) == 0,
	    "%s", text);
	cr_expect_null(strstr(text, "<3>"));
	free(text);
	journal_name = NULL;
}

/*
 * A progress line on a terminal is cleared ("\r", erase to the end of
 * the line) before a warning or an alert is written, so nothing is
 * written over it; a pipe gets no progress at all.
 */
Test(log, progress_is_cleared_before_other_output)
{
	int master, slave, saved_err, saved_out;
	char buf[1024];
	ssize_t n;

	master = posix_openpt(O_RDWR | O_NOCTTY);
	cr_assert(master >= 0);
	cr_assert_eq(grantpt(master), 0);
	cr_assert_eq(unlockpt(master), 0);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	cr_assert(slave >= 0);
	fflush(stderr);
	fflush(stdout);
	saved_err = dup(2);
	saved_out = dup(1);
	dup2(slave, 2);
	dup2(slave, 1);
	log_init(LOG_NORMAL, false);
	cr_expect(log_progress_shown());
	log_progress("probing %u/%u trials", 10u, 20u);
	log_progress("probing %u/%u trials", 20u, 20u);
	log_warnx("nct=%s: not found", "NCT00000001");
	log_progress("reading pages...");
	log_print(stdout, "kb/x.md:3: results-pending claim about NCT00000001");
	log_progress("reading pages...");
	log_progress_clear();
	log_progress_clear();
	fflush(stdout);
	dup2(saved_err, 2);
	dup2(saved_out, 1);
	close(saved_err);
	close(saved_out);
	close(slave);
	log_init(LOG_NORMAL, false);
	n = read(master, buf, sizeof(buf) - 1);
	cr_assert(n > 0);
	buf[n] = '\0';
	/* The terminal turns "\n" into "\r\n". */
	cr_expect_str_eq(buf, "\r\033[Kctmirror: probing 10/20 trials"
	    "\r\033[Kctmirror: probing 20/20 trials"
	    "\r\033[Kctmirror: warning: nct=NCT00000001: not found\r\n"
	    "\r\033[Kctmirror: reading pages..."
	    "\r\033[Kkb/x.md:3: results-pending claim about NCT00000001\r\n"
	    "\r\033[Kctmirror: reading pages..."
	    "\r\033[K");
	close(master);
}

static void
progress_on_a_file(void)
{
	log_init(LOG_NORMAL, false);
	cr_expect_not(log_progress_shown());
	log_progress("probing");
	log_warnx("after");
}

Test(log, no_progress_off_a_terminal)
{
	char *text = stderr_of(progress_on_a_file);

	cr_expect_str_eq(text, "ctmirror: warning: after\n");
	free(text);
}

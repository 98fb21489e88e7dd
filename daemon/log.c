/*
 * log.c - the one place that writes diagnostics: stderr (journald reads it)
 * or syslog, filtered by the -v/-q verbosity; and the progress line of a
 * terminal.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "text.h"

static int verbosity = LOG_NORMAL;
static bool to_syslog;
static bool journal;		/* stderr is the journal: "<N>" prefixes */
static bool tty;		/* stderr is a terminal: progress lines */
static bool progress_shown;	/* a progress line is on the terminal */

/*
 * systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected
 * stderr to; stderr may since have been redirected elsewhere, so the
 * descriptor itself must match (sd-daemon(3), systemd.exec(5)).
 */
static bool
stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	if (e == NULL || sscanf(e, "%llu:%llu%c", &dev, &ino, &end) != 2 ||
	    fstat(STDERR_FILENO, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

void
log_init(int v, bool use_syslog)
{
	log_progress_clear();
	if (to_syslog && !use_syslog)
		closelog();
	verbosity = v;
	to_syslog = use_syslog;
	journal = !use_syslog && stderr_is_journal();
	tty = !journal && isatty(STDERR_FILENO);
	if (to_syslog)
		openlog("ctmirror", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

bool
log_progress_shown(void)
{
	return tty && verbosity >= LOG_NORMAL;
}

void
log_progress_clear(void)
{
	if (!progress_shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	progress_shown = false;
}

void
log_progress(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (!log_progress_shown())
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r\033[Kctmirror: %s", log_safe(buf));
	fflush(stderr);
	progress_shown = true;
}

int
log_verbosity(void)
{
	return verbosity;
}

char *
log_safe(char *s)
{
	unsigned char *r = (unsigned char *)s, *w = r;
	unsigned char *end = r + strlen(s);

	while (r < end) {
		size_t n = text_utf8_len(r, (size_t)(end - r));

		if (n == 0 || (n == 1 && (*r < 0x20 || *r == 0x7f)) ||
		    (n == 2 && r[0] == 0xc2 && r[1] < 0xa0)) {
			/* One '?' for a control or one bad byte. */
			*w++ = '?';
			r += n ? n : 1;
			continue;
		}
		memmove(w, r, n);
		w += n;
		r += n;
	}
	*w = '\0';
	return s;
}

void
log_print(FILE *out, const char *fmt, ...)
{
	char small[1024], *text = small;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	log_progress_clear();
	if ((size_t)n >= sizeof(small)) {
		/* Evidence and excerpts can be long: never cut a line. */
		va_start(ap, fmt);
		if (vasprintf(&text, fmt, ap) < 0)
			text = NULL;
		va_end(ap);
		if (text == NULL)
			return;
	}
	fprintf(out, "%s\n", log_safe(text));
	if (text != small)
		free(text);
}

static void
vlog(int prio, const char *tag, const char *fmt, va_list ap, const char *suffix)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	log_safe(buf);
	if (to_syslog) {
		syslog(prio, "%s%s%s", buf, suffix ? ": " : "",
		    suffix ? suffix : "");
		return;
	}
	log_progress_clear();
	/* The journal knows the program: the priority is what it needs. */
	if (journal)
		fprintf(stderr, "<%d>%s%s%s%s\n", prio, tag, buf,
		    suffix ? ": " : "", suffix ? suffix : "");
	else
		fprintf(stderr, "ctmirror: %s%s%s%s\n", tag, buf,
		    suffix ? ": " : "", suffix ? suffix : "");
}

void
log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, "error: ", fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (verbosity < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(LOG_WARNING, "warning: ", fmt, ap, NULL);
	va_end(ap);
}

void
log_notice(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < LOG_NORMAL)
		return;
	va_start(ap, fmt);
	vlog(LOG_NOTICE, "", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < LOG_VERBOSE)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, "", fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (verbosity < LOG_DEBUG)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, "debug: ", fmt, ap, NULL);
	va_end(ap);
}


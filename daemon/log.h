/*
 * log.h - leveled logging to stderr or syslog (OpenBSD log.c style).
 * When stderr is the systemd journal (JOURNAL_STREAM names it), each line
 * starts with its priority, "<3>" for an error, so `journalctl -p err`
 * finds it.  A progress line on a terminal is cleared before any other
 * line is written through here.
 *
 * Every line should name its subject ("nct=NCT02982915 stage=fetch: ...").
 * Nothing here knows secrets: callers must never pass a password, a
 * conninfo or a webhook URL; use config_redact() for display.
 */
#ifndef CTMIRROR_LOG_H
#define CTMIRROR_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum log_verbosity {
	LOG_QUIET = -1,		/* errors only (-q) */
	LOG_NORMAL = 0,		/* errors and warnings: what cron should mail */
	LOG_VERBOSE = 1,	/* + info (-v) */
	LOG_DEBUG = 2,		/* + debug (-vv) */
};

/*
 * Set verbosity and destination; callable again (SIGHUP).  Looks again
 * at what stderr is: the journal (priority prefixes) or a terminal
 * (progress lines).
 */
void log_init(int verbosity, bool use_syslog);
int log_verbosity(void);

/* An error that stops the current action.  Always printed. */
void log_error(const char *fmt, ...) LOG_PRINTF(1, 2);
/* A warning, with ": strerror(errno)" appended. */
void log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
/* A warning, without errno. */
void log_warnx(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Something the user must know, not a problem (e.g. "started a local
 * database in X").  Shown unless -q. */
void log_notice(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Progress worth telling an operator; shown with -v. */
void log_info(const char *fmt, ...) LOG_PRINTF(1, 2);
/* Detail for debugging; shown with -vv. */
void log_debug(const char *fmt, ...) LOG_PRINTF(1, 2);

/*
 * Untrusted text (registry records, HTTP error bodies and headers, page
 * names and text) reaches terminals and cron mail only through here, so
 * it cannot move the cursor, retitle a window or forge a line.  In place:
 * every C0 control byte (newline and tab included), DEL, C1 control
 * (U+0080 to U+009F) and byte that is not valid UTF-8 becomes '?'; valid
 * UTF-8 text is kept as it is.  Returns s.  Every log line passes here.
 */
char *log_safe(char *s);

/*
 * Print one line on `out`: the formatted text made safe (log_safe) and a
 * newline.  For the terminal printers of status, flags, scan and the
 * stdout alerts; the format itself must not end with a newline.
 */
void log_print(FILE *out, const char *fmt, ...) LOG_PRINTF(2, 3);

/*
 * A progress line ("ctmirror: probing 120/5000 trials"): on a terminal
 * only (never a pipe, so never under cron or journald), unless -q;
 * each replaces the last in place.  Any other output through log.c, on
 * stderr or stdout, clears it first, so no line is written over it.
 * log_progress_clear() removes it (a no-op when none shows).
 */
void log_progress(const char *fmt, ...) LOG_PRINTF(1, 2);
void log_progress_clear(void);
/* Would log_progress show anything? */
bool log_progress_shown(void);

#endif

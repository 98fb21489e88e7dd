/*
 * log.h - leveled logging to stderr or syslog (OpenBSD log.c style).
 *
 * Every line should name its subject ("nct=NCT02982915 stage=fetch: ...").
 * Nothing here knows secrets: callers must never pass a password, a
 * conninfo or a webhook URL; use config_redact() for display.
 */
#ifndef CTMIRROR_LOG_H
#define CTMIRROR_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#define LOG_PRINTF(a, b) __attribute__((format(printf, a, b)))

enum log_verbosity {
	LOG_QUIET = -1,		/* errors only (-q) */
	LOG_NORMAL = 0,		/* errors and warnings: what cron should mail */
	LOG_VERBOSE = 1,	/* + info (-v) */
	LOG_DEBUG = 2,		/* + debug (-vv) */
};

/* Set verbosity and destination; callable again (SIGHUP). */
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
/* Print and exit(1).  Only before the event loop starts (STYLE.md 6). */
void fatalx(const char *fmt, ...) LOG_PRINTF(1, 2) __attribute__((noreturn));

#endif

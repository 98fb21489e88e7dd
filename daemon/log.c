/*
 * log.c - the one place that writes diagnostics: stderr (journald reads it)
 * or syslog, filtered by the -v/-q verbosity.
 */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static int verbosity = LOG_NORMAL;
static bool to_syslog;

void
log_init(int v, bool use_syslog)
{
	if (to_syslog && !use_syslog)
		closelog();
	verbosity = v;
	to_syslog = use_syslog;
	if (to_syslog)
		openlog("ctmirror", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
log_verbosity(void)
{
	return verbosity;
}

static void
vlog(int prio, const char *tag, const char *fmt, va_list ap, const char *suffix)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (to_syslog) {
		syslog(prio, "%s%s%s", buf, suffix ? ": " : "",
		    suffix ? suffix : "");
		return;
	}
	fprintf(stderr, "ctmirror: %s%s%s%s\n", tag, buf, suffix ? ": " : "",
	    suffix ? suffix : "");
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

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, "fatal: ", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

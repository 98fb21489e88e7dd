/*
 * service.h - `ctmirror run`: the long-running daemon.  The main thread
 * runs a libevent loop with the signals (SIGHUP reload, SIGTERM/SIGINT
 * stop), the schedule (interval + jitter, backoff after a failed cycle)
 * and the read-only status endpoint (/healthz, /metrics, /status).  Each
 * cycle runs sync_cycle() on a worker thread with its own event base,
 * HTTP client and database connection, so the endpoint answers while a
 * cycle waits on the registry and cycles can never overlap.
 */
#ifndef CTMIRROR_SERVICE_H
#define CTMIRROR_SERVICE_H

struct config;

/*
 * Run until SIGTERM/SIGINT.  `cfg` is stolen (freed by the service; a
 * reload replaces it); `config_path` (borrowed, may be NULL) is what -c
 * named, for reloads.  `verbosity` is the -v/-q level for log_init.
 * Returns the process exit code: 0 after a clean stop, 1 when the
 * service could not start (e.g. the listen address is taken).
 */
int service_run(struct config *cfg, const char *config_path, int verbosity);

#endif

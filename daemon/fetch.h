/*
 * fetch.h - a polite HTTP client: libcurl's multi interface driven by a
 * libevent base.  Bounded concurrency, a token-bucket rate limit, retries
 * with exponential backoff and jitter (connection errors and 5xx: a count
 * of them; 429 and 503, throttling: for a window of time, since a busy
 * server needs a minute or two to clear), Retry-After honoured,
 * per-request timeouts, a decompressed-size cap, gzip, TLS verification,
 * User-Agent "ctmirror/VERSION (+contact)".  Redirects are NOT followed:
 * callers see 301 + Location (the registry answers aliases that way).
 */
#ifndef CTMIRROR_FETCH_H
#define CTMIRROR_FETCH_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct fetch;

struct fetch_opts {
	const char *user_agent;		/* NULL: "ctmirror/VERSION (+contact)" */
	/*
	 * Who runs this installation (an e-mail address or a URL), so a
	 * server's operators can write instead of blocking: the User-Agent
	 * becomes "ctmirror/VERSION (+CONTACT)".  NULL or "": none.
	 */
	const char *contact;
	unsigned concurrency;		/* transfers in flight, >= 1 */
	unsigned rate_per_min;		/* 0: unlimited */
	unsigned timeout;		/* seconds for a whole transfer */
	unsigned connect_timeout;	/* seconds */
	unsigned low_speed_time;	/* abort when < 1 byte/s for this long; 0 = timeout */
	unsigned retries;		/* extra attempts after the first (not 429/503) */
	double backoff_base;		/* seconds before the first retry (doubles); 0: 2.0 */
	double backoff_max;		/* cap on one backoff wait, seconds; 0: 60 */
	/*
	 * 429 and 503 are retried, whatever `retries` says, until this many
	 * seconds have passed since the first attempt: backoff_base doubling
	 * up to backoff_max, each wait within 20 % of that (bounded jitter),
	 * the last one shortened to end the window.  A Retry-After up to
	 * backoff_max is waited exactly; a longer one is not waited for.
	 * 0: 120 (two minutes: 2 + 4 + ... + 60 s with the defaults).
	 */
	double throttle_window;
	size_t max_body;		/* decompressed bytes; larger is an error */
	bool tls_verify;		/* false only with an explicit, logged setting */
};

/* Counters, cumulative over the fetch's life (for -v summaries and /metrics). */
struct fetch_stats {
	unsigned long requests;		/* attempts sent, retries included */
	unsigned long responses_2xx, responses_3xx, responses_4xx, responses_5xx;
	unsigned long responses_429;	/* also counted in 4xx */
	unsigned long transport_errors;	/* no HTTP response at all */
	unsigned long retries;
	unsigned long rate_waits;	/* times a request waited for a token */
	unsigned long long bytes;	/* decompressed body bytes received */
};

/* Why a request got no HTTP response (fetch_response.error is set). */
enum fetch_failure {
	FETCH_ANSWERED = 0,	/* a response came (any status) */
	FETCH_UNREACHABLE,	/* no connection: refused, no route, DNS */
	FETCH_TIMEOUT,		/* connected, but no complete answer in time */
	FETCH_BROKEN,		/* the answer broke off or was malformed HTTP */
	FETCH_TOO_BIG,		/* the body passed max_body */
	FETCH_TLS,		/* certificate or TLS failure */
	FETCH_CANCELLED,	/* fetch_cancel() */
	FETCH_INTERNAL,		/* out of memory, cannot start the transfer */
};

/*
 * The outcome of one request after its retries.  Borrowed by the callback:
 * valid only during it; copy what you keep.  No text here holds the URL's
 * credentials: `error` never names the URL at all (the caller knows what
 * it asked for).
 */
struct fetch_response {
	const char *url;
	long status;			/* HTTP status, 0 when no response came */
	const char *content_type;	/* NULL if none */
	const char *location;		/* Location header on 3xx, else NULL */
	const char *body;		/* NUL-terminated; "" when empty */
	size_t len;
	const char *error;		/* transport error or size cap text, NULL if a response came */
	enum fetch_failure failure;	/* FETCH_ANSWERED iff error is NULL */
	unsigned attempts;
};

typedef void (*fetch_done_fn)(void *arg, const struct fetch_response *resp);

/*
 * Is the response's Content-Type `type` ("application/json"), in any
 * case, with or without parameters (charset)?  false when it has none.
 */
bool fetch_is_type(const struct fetch_response *resp, const char *type);

/* New client on `base` (borrowed, must outlive it).  NULL on failure. */
struct fetch *fetch_new(struct event_base *base, const struct fetch_opts *opts);
/* Aborts transfers still in flight without calling their callbacks. */
void fetch_free(struct fetch *f);

/*
 * Queue a GET (or a POST with a body, copied).  The callback runs exactly
 * once from the event loop, unless the fetch is freed first.  0 / -1.
 */
int fetch_get(struct fetch *f, const char *url, fetch_done_fn fn, void *arg);
int fetch_post(struct fetch *f, const char *url, const char *content_type,
    const char *body, size_t len, fetch_done_fn fn, void *arg);

/*
 * Run the event base until every queued request has completed (callbacks
 * may queue more) or fetch_cancel() is called.  0, or -1 if cancelled.
 */
int fetch_run(struct fetch *f);

/*
 * Stop: no new attempts start; transfers in flight are aborted and their
 * callbacks get status 0 and error "cancelled"; fetch_run() returns -1.
 * Safe from a signal event callback.
 */
void fetch_cancel(struct fetch *f);
bool fetch_cancelled(const struct fetch *f);

/* Borrowed, valid while f lives. */
const struct fetch_stats *fetch_stats(const struct fetch *f);

#endif

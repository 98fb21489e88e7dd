/*
 * fetch.c - the HTTP client: libcurl's multi interface on a libevent base,
 * with a bounded number of transfers in flight, a token-bucket rate limit
 * and retries with backoff.  Nothing here knows about the registry.
 */
#include "fetch.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include "build_config.h"

enum req_state {
	REQ_QUEUED,		/* waiting for a slot or a token */
	REQ_BACKOFF,		/* waiting out a retry delay */
	REQ_RUNNING,		/* in the curl multi handle */
};

struct req {
	TAILQ_ENTRY(req) link;	/* in fetch.queue while QUEUED */
	LIST_ENTRY(req) all;	/* every live request */
	struct fetch *f;
	enum req_state state;
	char *url;
	char *post;		/* NULL: GET */
	size_t post_len;
	struct curl_slist *headers;
	fetch_done_fn fn;
	void *arg;
	CURL *easy;
	struct event *backoff;
	unsigned attempts;
	unsigned throttled;	/* 429/503 answers so far */
	double first_at;	/* monotonic time of the first attempt */
	bool waited;		/* counted once in rate_waits */
	bool too_big;

	/* The current attempt's response. */
	char *body;
	size_t len, cap;
	char *content_type;
	char *location;
	double retry_after;	/* seconds, < 0 when none */
	char errbuf[CURL_ERROR_SIZE];
};

/* curl's per-socket context: the event that watches it. */
struct sock {
	LIST_ENTRY(sock) link;
	struct fetch *f;
	curl_socket_t fd;
	struct event *ev;
};

struct fetch {
	struct event_base *base;
	CURLM *multi;
	struct event *timer;		/* curl's own timeout */
	struct event *rate_timer;	/* next token */
	struct fetch_opts o;
	char *user_agent;
	TAILQ_HEAD(, req) queue;
	LIST_HEAD(, req) reqs;
	LIST_HEAD(, sock) socks;
	unsigned running;
	unsigned pending;		/* callbacks still owed */
	double tokens;
	double refilled_at;
	bool cancelled;
	struct fetch_stats stats;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct timeval
tv_of(double seconds)
{
	struct timeval tv;

	if (seconds < 0)
		seconds = 0;
	tv.tv_sec = (time_t)seconds;
	tv.tv_usec = (suseconds_t)((seconds - (double)tv.tv_sec) * 1e6);
	return tv;
}

/* Uniform in [0, 1): jitter only, no need for a strong generator. */
static double
unit_random(void)
{
	return (double)arc4random() / 4294967296.0;
}

static void pump(struct fetch *f);
static void check_done(struct fetch *f);

/* ------------------------------------------------------- curl callbacks */

static size_t
on_body(char *data, size_t size, size_t nmemb, void *userp)
{
	struct req *r = userp;
	size_t n = size * nmemb;

	if (r->len + n > r->f->o.max_body) {
		r->too_big = true;
		return 0;	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (r->len + n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 16384;
		char *p;

		while (cap < r->len + n + 1)
			cap *= 2;
		if ((p = realloc(r->body, cap)) == NULL)
			return 0;
		r->body = p;
		r->cap = cap;
	}
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	r->f->stats.bytes += n;
	return n;
}

/* Copy a header's value without the name, the colon and trailing CRLF. */
static char *
header_value(const char *line, size_t len, size_t namelen)
{
	const char *v = line + namelen;
	const char *end = line + len;

	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
	    end[-1] == ' '))
		end--;
	return strndup(v, (size_t)(end - v));
}

static bool
is_header(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);

	return len > n && strncasecmp(line, name, n) == 0;
}

/*
 * Retry-After: delay-seconds or an HTTP-date (RFC 9110 10.2.3); -1 when it
 * is neither.  A date in the past means "now".
 */
static double
retry_after_secs(const char *v)
{
	const char *p = v;
	double secs = 0;
	time_t t;

	while (*p >= '0' && *p <= '9') {
		if (secs < 1e9)
			secs = secs * 10 + (*p - '0');
		p++;
	}
	if (p > v && *p == '\0')
		return secs;
	if ((t = curl_getdate(v, NULL)) < 0)
		return -1;
	secs = difftime(t, time(NULL));
	return secs < 0 ? 0 : secs;
}

static size_t
on_header(char *line, size_t size, size_t nmemb, void *userp)
{
	struct req *r = userp;
	size_t len = size * nmemb;

	/* A new status line (after 100 Continue, say): forget the old ones. */
	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		free(r->content_type);
		free(r->location);
		r->content_type = r->location = NULL;
		r->retry_after = -1;
	} else if (is_header(line, len, "content-type:")) {
		free(r->content_type);
		r->content_type = header_value(line, len, 13);
	} else if (is_header(line, len, "location:")) {
		free(r->location);
		r->location = header_value(line, len, 9);
	} else if (is_header(line, len, "retry-after:")) {
		char *v = header_value(line, len, 12);

		if (v != NULL) {
			r->retry_after = retry_after_secs(v);
			free(v);
		}
	}
	return len;
}

static void
on_socket_event(evutil_socket_t fd, short what, void *arg)
{
	struct fetch *f = arg;
	int running = 0;
	int flags = (what & EV_READ ? CURL_CSELECT_IN : 0) |
	    (what & EV_WRITE ? CURL_CSELECT_OUT : 0);

	curl_multi_socket_action(f->multi, fd, flags, &running);
	check_done(f);
}

static int
on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *sockp)
{
	struct fetch *f = userp;
	struct sock *s = sockp;
	short kind;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			if (s->ev != NULL)
				event_free(s->ev);
			LIST_REMOVE(s, link);
			free(s);
			curl_multi_assign(f->multi, fd, NULL);
		}
		return 0;
	}
	kind = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
	    (what & CURL_POLL_OUT ? EV_WRITE : 0);
	if (s == NULL) {
		if ((s = calloc(1, sizeof(*s))) == NULL)
			return -1;
		s->f = f;
		s->fd = fd;
		LIST_INSERT_HEAD(&f->socks, s, link);
		curl_multi_assign(f->multi, fd, s);
	} else if (s->ev != NULL) {
		event_free(s->ev);
	}
	s->ev = event_new(f->base, fd, kind, on_socket_event, f);
	if (s->ev == NULL || event_add(s->ev, NULL) < 0)
		return -1;
	return 0;
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct fetch *f = arg;
	int running = 0;

	curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	check_done(f);
}

static int
on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	struct fetch *f = userp;
	struct timeval tv;

	if (timeout_ms < 0) {
		evtimer_del(f->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	return evtimer_add(f->timer, &tv);
}

/* ------------------------------------------------------------ requests */

static void
reset_response(struct req *r)
{
	free(r->body);
	free(r->content_type);
	free(r->location);
	r->body = r->content_type = r->location = NULL;
	r->len = r->cap = 0;
	r->retry_after = -1;
	r->too_big = false;
	r->errbuf[0] = '\0';
}

static void
req_free(struct req *r)
{
	if (r->easy != NULL) {
		curl_multi_remove_handle(r->f->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	if (r->backoff != NULL)
		event_free(r->backoff);
	curl_slist_free_all(r->headers);
	reset_response(r);
	free(r->url);
	free(r->post);
	free(r);
}

/* Take r out of whatever it waits in, call back once, free it. */
static void
finish(struct req *r, long status, enum fetch_failure failure,
    const char *error)
{
	struct fetch *f = r->f;
	struct fetch_response resp;

	if (r->state == REQ_QUEUED)
		TAILQ_REMOVE(&f->queue, r, link);
	if (r->state == REQ_RUNNING)
		f->running--;
	LIST_REMOVE(r, all);
	if (r->easy != NULL) {
		curl_multi_remove_handle(f->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	memset(&resp, 0, sizeof(resp));
	resp.url = r->url;
	resp.status = status;
	resp.content_type = r->content_type;
	resp.location = r->location;
	resp.body = r->body ? r->body : "";
	resp.len = r->len;
	resp.error = error;
	resp.failure = error ? failure : FETCH_ANSWERED;
	resp.attempts = r->attempts;
	f->pending--;
	r->fn(r->arg, &resp);
	req_free(r);
}

static int
start(struct req *r)
{
	struct fetch *f = r->f;
	CURL *e;

	reset_response(r);
	if ((e = curl_easy_init()) == NULL)
		return -1;
	r->easy = e;
	curl_easy_setopt(e, CURLOPT_URL, r->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, f->user_agent);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, (long)f->o.connect_timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)f->o.timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)(f->o.low_speed_time ?
	    f->o.low_speed_time : f->o.timeout));
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)f->o.max_body);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, f->o.tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, f->o.tls_verify ? 2L : 0L);
	if (r->post != NULL) {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->post);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->post_len);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
	}
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		r->easy = NULL;
		return -1;
	}
	r->state = REQ_RUNNING;
	if (r->attempts++ == 0)
		r->first_at = now_mono();
	f->running++;
	f->stats.requests++;
	return 0;
}

/* Refill the bucket; true when a token was taken. */
static bool
take_token(struct fetch *f, double *wait)
{
	double now = now_mono(), per_sec, burst;

	if (f->o.rate_per_min == 0)
		return true;
	per_sec = f->o.rate_per_min / 60.0;
	/*
	 * A small bucket: a second's worth, at least one.  A full minute's
	 * worth would allow a burst the registry counts against us.
	 */
	burst = per_sec < 1 ? 1 : per_sec;
	f->tokens += (now - f->refilled_at) * per_sec;
	if (f->tokens > burst)
		f->tokens = burst;
	f->refilled_at = now;
	if (f->tokens >= 1) {
		f->tokens -= 1;
		return true;
	}
	*wait = (1 - f->tokens) / per_sec;
	return false;
}

static void
on_rate_timer(evutil_socket_t fd, short what, void *arg)
{
	pump(arg);
}

/* Start what the slots and the bucket allow. */
static void
pump(struct fetch *f)
{
	struct req *r;
	double wait = 0;

	while (!f->cancelled && f->running < f->o.concurrency &&
	    (r = TAILQ_FIRST(&f->queue)) != NULL) {
		struct timeval tv;

		if (!take_token(f, &wait)) {
			if (!r->waited) {
				r->waited = true;
				f->stats.rate_waits++;
			}
			tv = tv_of(wait);
			evtimer_add(f->rate_timer, &tv);
			return;
		}
		TAILQ_REMOVE(&f->queue, r, link);
		if (start(r) < 0) {
			r->state = REQ_BACKOFF;	/* not in the queue any more */
			finish(r, 0, FETCH_INTERNAL,
			    "cannot start the transfer");
		}
	}
}

static void
on_backoff(evutil_socket_t fd, short what, void *arg)
{
	struct req *r = arg;

	r->state = REQ_QUEUED;
	/* A retry goes first: it has waited already. */
	TAILQ_INSERT_HEAD(&r->f->queue, r, link);
	pump(r->f);
}

static double
backoff_base(const struct fetch *f)
{
	return f->o.backoff_base > 0 ? f->o.backoff_base : 2.0;
}

static double
backoff_cap(const struct fetch *f)
{
	return f->o.backoff_max > 0 ? f->o.backoff_max : 60.0;
}

/* Wait `delay` seconds, then try again. */
static void
retry_later(struct req *r, double delay)
{
	struct fetch *f = r->f;
	struct timeval tv;

	f->stats.retries++;
	if (r->easy != NULL) {
		curl_multi_remove_handle(f->multi, r->easy);
		curl_easy_cleanup(r->easy);
		r->easy = NULL;
	}
	f->running--;
	r->state = REQ_BACKOFF;
	if (r->backoff == NULL)
		r->backoff = evtimer_new(f->base, on_backoff, r);
	tv = tv_of(delay);
	if (r->backoff == NULL || evtimer_add(r->backoff, &tv) < 0)
		finish(r, 0, FETCH_INTERNAL, "cannot schedule a retry");
}

/*
 * After an error: exponential backoff with full jitter (uniform in
 * [0, min(cap, base * 2^n)]), so clients that failed together do not come
 * back together; never sooner than the server's Retry-After.
 */
static double
error_delay(const struct req *r)
{
	const struct fetch *f = r->f;
	double delay = backoff_base(f) * pow(2, r->attempts - 1);

	if (delay > backoff_cap(f))
		delay = backoff_cap(f);
	delay *= unit_random();
	return r->retry_after > delay ? r->retry_after : delay;
}

/*
 * After a 429 or 503: the server is busy, and retrying within seconds
 * only adds to it.  Wait base, 2 base, 4 base ... up to the cap, each
 * within 20 % (bounded jitter: clients that were throttled together
 * spread out, yet the whole keeps its length), for the throttle window in
 * all.  Retry-After, when given, is the wait.  -1: give up now.
 */
static double
throttle_delay(const struct req *r)
{
	const struct fetch *f = r->f;
	double window = f->o.throttle_window > 0 ? f->o.throttle_window :
	    120.0;
	double left = window - (now_mono() - r->first_at), delay;

	if (left <= 0)
		return -1;
	if (r->retry_after >= 0)
		return r->retry_after;
	delay = backoff_base(f) * pow(2, r->throttled - 1);
	if (delay > backoff_cap(f))
		delay = backoff_cap(f);
	delay *= 0.8 + 0.4 * unit_random();
	return delay < left ? delay : left;
}

/* Errors another attempt cannot fix. */
static bool
permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_FILESIZE_EXCEEDED:
	case CURLE_OUT_OF_MEMORY:
		return true;
	default:
		return false;
	}
}

/* What kind of failure a transfer's code is. */
static enum fetch_failure
failure_of(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return FETCH_UNREACHABLE;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_TIMEOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
		return FETCH_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return FETCH_TOO_BIG;
	case CURLE_OUT_OF_MEMORY:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return FETCH_INTERNAL;
	default:
		return FETCH_BROKEN;
	}
}

static void
done(struct fetch *f, struct req *r, CURLcode rc)
{
	char error[CURL_ERROR_SIZE + 64];
	long status = 0;
	double delay;

	if (rc == CURLE_OK) {
		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 200 && status < 300)
			f->stats.responses_2xx++;
		else if (status >= 300 && status < 400)
			f->stats.responses_3xx++;
		else if (status >= 400 && status < 500)
			f->stats.responses_4xx++;
		else if (status >= 500)
			f->stats.responses_5xx++;
		if (status == 429)
			f->stats.responses_429++;
		/*
		 * A Retry-After longer than we would ever back off is
		 * honoured by not retrying at all: the caller sees the
		 * status now instead of a cycle blocked for hours.
		 */
		if (f->cancelled || r->retry_after > backoff_cap(f)) {
			finish(r, status, FETCH_ANSWERED, NULL);
			return;
		}
		if (status == 429 || status == 503) {
			r->throttled++;
			if ((delay = throttle_delay(r)) >= 0) {
				retry_later(r, delay);
				return;
			}
		} else if (status >= 500 && r->attempts <= f->o.retries) {
			retry_later(r, error_delay(r));
			return;
		}
		finish(r, status, FETCH_ANSWERED, NULL);
		return;
	}
	/* No URL in the text: it may carry credentials, and callers know it. */
	if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(error, sizeof(error),
		    "response larger than max_body (%zu bytes)",
		    f->o.max_body);
		finish(r, 0, FETCH_TOO_BIG, error);
		return;
	}
	f->stats.transport_errors++;
	if (!permanent(rc) && r->attempts <= f->o.retries && !f->cancelled) {
		retry_later(r, error_delay(r));
		return;
	}
	snprintf(error, sizeof(error), "%s", r->errbuf[0] ? r->errbuf :
	    curl_easy_strerror(rc));
	finish(r, 0, failure_of(rc), error);
}

static void
check_done(struct fetch *f)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
		struct req *r = NULL;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		done(f, r, m->data.result);
		if (f->cancelled)
			return;		/* every request has had its callback */
	}
	pump(f);
}

/* ---------------------------------------------------------------- API */

struct fetch *
fetch_new(struct event_base *base, const struct fetch_opts *opts)
{
	struct fetch *f = NULL;
	char ua[320];

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	f->base = base;
	f->o = *opts;
	if (f->o.concurrency == 0)
		f->o.concurrency = 1;
	if (f->o.max_body == 0)
		f->o.max_body = (size_t)64 << 20;
	if (opts->contact != NULL && opts->contact[0] != '\0')
		snprintf(ua, sizeof(ua), "ctmirror/%s (+%.256s)",
		    CTMIRROR_VERSION, opts->contact);
	else
		snprintf(ua, sizeof(ua), "ctmirror/%s", CTMIRROR_VERSION);
	f->user_agent = strdup(opts->user_agent ? opts->user_agent : ua);
	f->o.user_agent = NULL;
	f->o.contact = NULL;
	TAILQ_INIT(&f->queue);
	LIST_INIT(&f->reqs);
	LIST_INIT(&f->socks);
	f->refilled_at = now_mono();
	/* Start with one token: the first request never waits. */
	f->tokens = 1;
	f->multi = curl_multi_init();
	f->timer = evtimer_new(base, on_timeout, f);
	f->rate_timer = evtimer_new(base, on_rate_timer, f);
	if (f->user_agent == NULL || f->multi == NULL || f->timer == NULL ||
	    f->rate_timer == NULL) {
		fetch_free(f);
		return NULL;
	}
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	/* Reused connections are most of the speed on a batch API. */
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)f->o.concurrency);
	return f;
}

void
fetch_free(struct fetch *f)
{
	struct req *r;
	struct sock *s;

	if (f == NULL)
		return;
	while ((r = LIST_FIRST(&f->reqs)) != NULL) {
		LIST_REMOVE(r, all);
		req_free(r);
	}
	if (f->multi != NULL)
		curl_multi_cleanup(f->multi);
	/* Sockets curl did not report removed before cleanup. */
	while ((s = LIST_FIRST(&f->socks)) != NULL) {
		LIST_REMOVE(s, link);
		if (s->ev != NULL)
			event_free(s->ev);
		free(s);
	}
	if (f->timer != NULL)
		event_free(f->timer);
	if (f->rate_timer != NULL)
		event_free(f->rate_timer);
	free(f->user_agent);
	free(f);
}

static int
enqueue(struct fetch *f, const char *url, const char *content_type,
    const char *body, size_t len, fetch_done_fn fn, void *arg)
{
	struct req *r;

	if (f->cancelled || (r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->f = f;
	r->fn = fn;
	r->arg = arg;
	r->retry_after = -1;
	if ((r->url = strdup(url)) == NULL)
		goto fail;
	if (body != NULL) {
		struct curl_slist *hl;
		char hdr[256];

		if ((r->post = malloc(len + 1)) == NULL)
			goto fail;
		memcpy(r->post, body, len);
		r->post[len] = '\0';
		r->post_len = len;
		snprintf(hdr, sizeof(hdr), "Content-Type: %s", content_type ?
		    content_type : "application/octet-stream");
		if ((r->headers = curl_slist_append(NULL, hdr)) == NULL)
			goto fail;
		/*
		 * No "Expect: 100-continue": curl would wait up to a second
		 * for a "go on" that many webhook receivers never send.
		 */
		if ((hl = curl_slist_append(r->headers, "Expect:")) == NULL)
			goto fail;
		r->headers = hl;
	}
	r->state = REQ_QUEUED;
	TAILQ_INSERT_TAIL(&f->queue, r, link);
	LIST_INSERT_HEAD(&f->reqs, r, all);
	f->pending++;
	pump(f);
	return 0;
fail:
	req_free(r);
	return -1;
}

int
fetch_get(struct fetch *f, const char *url, fetch_done_fn fn, void *arg)
{
	return enqueue(f, url, NULL, NULL, 0, fn, arg);
}

int
fetch_post(struct fetch *f, const char *url, const char *content_type,
    const char *body, size_t len, fetch_done_fn fn, void *arg)
{
	return enqueue(f, url, content_type, body ? body : "", len, fn, arg);
}

int
fetch_run(struct fetch *f)
{
	while (f->pending > 0 && !f->cancelled) {
		/*
		 * A request owed a callback always has an event pending; if
		 * the loop fails or finds none, cancel so every callback
		 * still runs once rather than spinning or returning early.
		 */
		if (event_base_loop(f->base, EVLOOP_ONCE) != 0)
			fetch_cancel(f);
	}
	return f->cancelled ? -1 : 0;
}

void
fetch_cancel(struct fetch *f)
{
	struct req *r;

	if (f->cancelled)
		return;
	f->cancelled = true;
	evtimer_del(f->rate_timer);
	/* Callbacks may queue nothing now (enqueue refuses), so this ends. */
	while ((r = LIST_FIRST(&f->reqs)) != NULL) {
		if (r->backoff != NULL)
			evtimer_del(r->backoff);
		finish(r, 0, FETCH_CANCELLED, "cancelled");
	}
}

bool
fetch_cancelled(const struct fetch *f)
{
	return f->cancelled;
}

bool
fetch_is_type(const struct fetch_response *resp, const char *type)
{
	const char *ct = resp->content_type;
	size_t n = strlen(type);

	if (ct == NULL || strncasecmp(ct, type, n) != 0)
		return false;
	return strchr("; \t", ct[n]) != NULL;
}

const struct fetch_stats *
fetch_stats(const struct fetch *f)
{
	return &f->stats;
}

/*
 * fakereg.c - a fake ClinicalTrials.gov API v2 for tests and benchmarks: a
 * small HTTP/1.1 server on libevent bufferevents in its own thread.  This
 * file is the server: the answer helpers every route uses, the state the
 * test's thread shares with the server's, the router, the wire and the
 * thread.  What the routes know is in fakereg_studies.c, fakereg_search.c,
 * fakereg_history.c and fakereg_admin.c (fakereg_int.h).
 */
#include "fakereg_int.h"

#include "fakereg_search.h"

#include <sys/queue.h>	/* TAILQ_INIT of an evkeyvalq */

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#define MAX_HEAD	(64 * 1024)	/* request line + headers */
#define PAD_CHUNK	(64 * 1024)
#define OVERSIZED_DEFAULT ((size_t)16 * 1024 * 1024)
/*
 * nginx's default large_client_header_buffers is 4 8k: a request line
 * longer than one buffer is answered 414.  The registry is behind nginx
 * (its 404 pages say so); it documents no limit of its own.
 */
#define MAX_URL_DEFAULT	8192
/* What the registry's web server says for a path it does not serve. */
#define NGINX_404 "<html>\r\n<head><title>404 Not Found</title></head>\r\n" \
	"<body>\r\n<center><h1>404 Not Found</h1></center>\r\n" \
	"<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
#define NGINX_414 "<html>\r\n<head><title>414 Request-URI Too Large</title>" \
	"</head>\r\n<body>\r\n<center><h1>414 Request-URI Too Large</h1>" \
	"</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

enum conn_state {
	CS_HEAD,		/* reading request line and headers */
	CS_BODY,		/* skipping a request body */
	CS_BUSY,		/* a delayed or stalled request holds it */
	CS_WRITING,		/* a response is being flushed */
};

struct conn {
	struct fakereg *reg;
	struct bufferevent *bev;
	struct event *timer;	/* FAULT_DELAY */
	enum conn_state state;
	char *method;
	char *target;
	bool keepalive;
	bool chunked;
	size_t body_left;
	bool close_after;	/* close once the response is flushed */
	size_t pad_left;	/* FAULT_OVERSIZED: bytes still to stream */
	struct conn *prev, *next;
};

static pthread_once_t threads_once = PTHREAD_ONCE_INIT;

static void conn_free(struct conn *c);
static void conn_process(struct conn *c);

/* ------------------------------------------------------------- helpers */

static void
use_threads(void)
{
	evthread_use_pthreads();
}

int64_t
fakereg_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *
xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

bool
fakereg_nct_canon(const char *s, char out[16])
{
	const char *d;
	size_t n;

	if (strncasecmp(s, "NCT", 3) != 0)
		return false;
	for (d = s + 3; *d == '0'; d++)
		;
	n = strlen(d);
	if (n < 1 || n > 8 || *d < '1' || *d > '9' || strspn(d,
	    "0123456789") != n)
		return false;
	snprintf(out, 16, "NCT%08lu", strtoul(d, NULL, 10));
	return true;
}

const char *
fakereg_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 414: return "Request-URI Too Large";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

void
fakereg_reply_free(struct reply *rp)
{
	free(rp->extra);
	free(rp->body);
	memset(rp, 0, sizeof(*rp));
}

void
fakereg_reply_text(struct reply *rp, int status, const char *text)
{
	fakereg_reply_free(rp);
	rp->status = status;
	rp->ctype = "text/plain";
	rp->body = xstrdup(text);
	rp->len = rp->body ? strlen(rp->body) : 0;
}

void
fakereg_reply_textf(struct reply *rp, int status, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fakereg_reply_text(rp, status, buf);
}

void
fakereg_reply_body(struct reply *rp, char *body, size_t len)
{
	fakereg_reply_free(rp);
	rp->status = 200;
	rp->ctype = "application/json";
	rp->body = body;
	rp->len = len;
}

void
fakereg_reply_json(struct reply *rp, json_t *root)
{
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;

	json_decref(root);
	if (text == NULL) {
		fakereg_reply_text(rp, 500,
		    "fakereg: cannot serialize the answer");
		return;
	}
	fakereg_reply_body(rp, text, strlen(text));
}

/* ------------------------------------------------------ shared state */

void
fakereg_reply_nginx_404(struct reply *rp)
{
	fakereg_reply_text(rp, 404, NGINX_404);
	rp->ctype = "text/html";
}

static void
log_add(struct fakereg *r, const char *method, const char *target)
{
	size_t n = strlen(method) + strlen(target) + 2;
	char *line = malloc(n);

	if (line == NULL)
		return;
	snprintf(line, n, "%s %s", method, target);
	pthread_mutex_lock(&r->mu);
	if (r->n_log == r->cap_log) {
		size_t cap = r->cap_log ? 2 * r->cap_log : 64;
		struct log_entry *v = realloc(r->log, cap * sizeof(*v));

		if (v == NULL) {
			pthread_mutex_unlock(&r->mu);
			free(line);
			return;
		}
		r->log = v;
		r->cap_log = cap;
	}
	r->log[r->n_log].line = line;
	r->log[r->n_log].ms = fakereg_now_ms();
	r->n_log++;
	pthread_mutex_unlock(&r->mu);
}

/* The first armed fault whose match fits `target`, copied into *out. */
static bool
fault_take(struct fakereg *r, const char *target, struct fakereg_fault *out)
{
	struct fault_entry **pp = &r->faults, *e;
	int64_t now = fakereg_now_ms();
	bool found = false;

	pthread_mutex_lock(&r->mu);
	while ((e = *pp) != NULL) {
		if (e->match && strstr(target, e->match) == NULL) {
			pp = &e->next;
			continue;
		}
		if (e->first_ms == 0)
			e->first_ms = now;
		if (e->f.span_ms > 0 && now - e->first_ms >= e->f.span_ms) {
			/* Its span is over: disarmed. */
			*pp = e->next;
			free(e->match);
			free(e);
			continue;
		}
		*out = e->f;
		out->match = NULL;
		found = true;
		if (e->f.count > 0 && --e->f.count == 0) {
			*pp = e->next;
			free(e->match);
			free(e);
		}
		break;
	}
	pthread_mutex_unlock(&r->mu);
	return found;
}

bool
fakereg_alias_lookup(struct fakereg *r, const char *id, char out[16])
{
	struct alias *a;
	bool found = false;
	char key[16];

	snprintf(key, sizeof(key), "%s", id);	/* id may be out */
	snprintf(out, 16, "%s", key);
	pthread_mutex_lock(&r->mu);
	for (a = r->aliases; a; a = a->next)
		if (strcmp(a->from, key) == 0) {
			snprintf(out, 16, "%s", a->to);
			found = true;
			break;
		}
	pthread_mutex_unlock(&r->mu);
	return found;
}

json_t *
fakereg_aliases_of(struct fakereg *r, const char *id)
{
	json_t *v = NULL;

	pthread_mutex_lock(&r->mu);
	for (struct alias *a = r->aliases; a; a = a->next)
		if (strcmp(a->to, id) == 0) {
			if (v == NULL)
				v = json_array();
			json_array_append_new(v, json_string(a->from));
		}
	pthread_mutex_unlock(&r->mu);
	return v;
}

/* ------------------------------------------------------------ router */

/*
 * The normal answer to a registry request (expire_tokens:
 * fakereg_route_studies).
 */
static void
route(struct fakereg *r, const char *method, const char *target,
    struct reply *rp, bool expire_tokens)
{
	struct evkeyvalq q;
	const char *qmark = strchr(target, '?');
	const char *query = qmark ? qmark + 1 : NULL;
	char *raw = NULL, *path = NULL;
	size_t plen = qmark ? (size_t)(qmark - target) : strlen(target);

	TAILQ_INIT(&q);
	if (strcmp(method, "GET") != 0) {
		fakereg_reply_text(rp, 405, "fakereg: only GET is served");
		rp->extra = strdup("Allow: GET\r\n");
		goto out;
	}
	if ((raw = strndup(target, plen)) == NULL ||
	    (path = evhttp_uridecode(raw, 0, NULL)) == NULL) {
		fakereg_reply_text(rp, 400, "fakereg: bad request target");
		goto out;
	}
	if (query && evhttp_parse_query_str(query, &q) < 0) {
		fakereg_reply_text(rp, 400, "fakereg: malformed query string");
		goto out;
	}
	if (strcmp(path, API_PREFIX "/studies") == 0 ||
	    strcmp(path, API_PREFIX "/studies/") == 0)
		fakereg_route_studies(r, &q, rp, expire_tokens);
	else if (strncmp(path, API_PREFIX "/studies/", 16) == 0 &&
	    strchr(path + 16, '/') == NULL)
		fakereg_route_study(r, path + 16, query, &q, rp);
	else if (strcmp(path, API_PREFIX "/version") == 0)
		fakereg_route_version(r, rp);
	else if (strncmp(path, INT_PREFIX "/", strlen(INT_PREFIX "/")) == 0)
		fakereg_route_int(r, path, &q, rp);
	else
		fakereg_reply_nginx_404(rp);
out:
	evhttp_clear_headers(&q);
	free(path);
	free(raw);
}

/* ---------------------------------------------------------- the wire */

static void
send_head(struct conn *c, int status, const char *ctype, const char *extra,
    size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);

	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nServer: fakereg\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n%s"
	    "Connection: %s\r\n\r\n",
	    status, fakereg_reason(status), ctype, len, extra ? extra : "",
	    c->close_after ? "close" : "keep-alive");
}

/* Put a reply on the wire; with `truncate` only half its body, then close. */
static void
send_reply(struct conn *c, struct reply *rp, bool truncate)
{
	if (rp->ctype == NULL)
		fakereg_reply_text(rp, 500, "fakereg: no answer");
	if (!c->keepalive || truncate)
		c->close_after = true;
	send_head(c, rp->status, rp->ctype, rp->extra, rp->len);
	if (rp->body)
		bufferevent_write(c->bev, rp->body, truncate ? rp->len / 2 :
		    rp->len);
	c->state = CS_WRITING;
}

/* FAULT_OVERSIZED: a JSON object padded to `size` bytes, streamed. */
static void
send_oversized(struct conn *c, size_t size)
{
	static const char open[] = "{\"padding\":\"";

	if (!c->keepalive)
		c->close_after = true;
	send_head(c, 200, "application/json", NULL, size);
	/* Too small for the JSON frame: just `size` bytes. */
	if (size >= sizeof(open) + 1) {
		bufferevent_write(c->bev, open, sizeof(open) - 1);
		c->pad_left = size - (sizeof(open) - 1);
	} else {
		c->pad_left = size;
	}
	c->state = CS_WRITING;
}

/* Next slice of an oversized body: 'x' padding, closed by "\"}". */
static void
pad_more(struct conn *c)
{
	char buf[PAD_CHUNK];
	size_t n = c->pad_left < sizeof(buf) ? c->pad_left : sizeof(buf);

	memset(buf, 'x', n);
	/* The last two bytes of the body, whichever slices they fall in. */
	for (size_t k = n >= 2 ? n - 2 : 0; k < n; k++) {
		if (c->pad_left - k == 2)
			buf[k] = '"';
		else if (c->pad_left - k == 1)
			buf[k] = '}';
	}
	bufferevent_write(c->bev, buf, n);
	c->pad_left -= n;
}

static void
delay_cb(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct reply rp = {0};

	route(c->reg, c->method, c->target, &rp, false);
	send_reply(c, &rp, false);
	fakereg_reply_free(&rp);
}

/* A complete request is in c->method / c->target: answer it. */
static void
dispatch(struct conn *c)
{
	struct fakereg *r = c->reg;
	struct fakereg_fault f;
	struct reply rp = {0};
	struct timeval tv;
	char tok[32];
	size_t max;

	if (strncmp(c->target, ADMIN_PREFIX, strlen(ADMIN_PREFIX)) == 0) {
		fakereg_route_admin(r, c->target, &rp);
		send_reply(c, &rp, false);
		goto out;
	}
	log_add(r, c->method, c->target);
	fakereg_run_hooks(r, c->target);
	pthread_mutex_lock(&r->mu);
	max = r->max_url ? r->max_url : MAX_URL_DEFAULT;
	pthread_mutex_unlock(&r->mu);
	if (strlen(c->target) > max) {
		/* The web server refuses it before the API sees it. */
		fakereg_reply_text(&rp, 414, NGINX_414);
		rp.ctype = "text/html";
		send_reply(c, &rp, false);
		goto out;
	}
	if (!fault_take(r, c->target, &f)) {
		route(r, c->method, c->target, &rp, false);
		send_reply(c, &rp, false);
		goto out;
	}
	switch (f.kind) {
	case FAULT_DELAY:
		if (c->timer == NULL &&
		    (c->timer = evtimer_new(r->base, delay_cb, c)) == NULL) {
			conn_free(c);
			goto out;
		}
		tv.tv_sec = f.delay_ms / 1000;
		tv.tv_usec = (f.delay_ms % 1000) * 1000;
		c->state = CS_BUSY;
		evtimer_add(c->timer, &tv);
		break;
	case FAULT_STALL:
		c->state = CS_BUSY;
		break;
	case FAULT_CLOSE:
		conn_free(c);
		break;
	case FAULT_TRUNCATE:
		route(r, c->method, c->target, &rp, false);
		send_reply(c, &rp, true);
		break;
	case FAULT_WRONG_ID:
		route(r, c->method, c->target, &rp, false);
		fakereg_fault_wrong_ids(&rp);
		send_reply(c, &rp, false);
		break;
	case FAULT_OVERSIZED:
		send_oversized(c, f.size ? f.size : OVERSIZED_DEFAULT);
		break;
	case FAULT_TOKEN_REPEAT:
	case FAULT_TOKEN_ENDLESS:
		/* A later page: no records, and still a token. */
		if (strstr(c->target, "pageToken=") != NULL)
			fakereg_reply_body(&rp, strdup("{\"studies\":[]}"), 14);
		else
			route(r, c->method, c->target, &rp, false);
		if (f.kind == FAULT_TOKEN_REPEAT)
			snprintf(tok, sizeof(tok), "%s", "again");
		else
			snprintf(tok, sizeof(tok), "endless%u", ++r->endless);
		fakereg_fault_token(&rp, tok);
		send_reply(c, &rp, false);
		break;
	case FAULT_OLDER_TWIN:
		route(r, c->method, c->target, &rp, false);
		fakereg_fault_older_twins(&rp);
		send_reply(c, &rp, false);
		break;
	case FAULT_TOKEN_EXPIRED:
		route(r, c->method, c->target, &rp, true);
		send_reply(c, &rp, false);
		break;
	default:
		fakereg_fault_reply(&f, &rp);
		send_reply(c, &rp, false);
		break;
	}
out:
	fakereg_reply_free(&rp);
}

static void
request_reset(struct conn *c)
{
	free(c->method);
	free(c->target);
	c->method = c->target = NULL;
	c->keepalive = true;
	c->chunked = false;
	c->body_left = 0;
	c->state = CS_HEAD;
}

/* "GET /x HTTP/1.1" into method/target/keepalive default.  0 / -1. */
static int
parse_request_line(struct conn *c, const char *line)
{
	const char *sp1 = strchr(line, ' '), *sp2;

	if (sp1 == NULL || (sp2 = strchr(sp1 + 1, ' ')) == NULL ||
	    strncmp(sp2 + 1, "HTTP/1.", 7) != 0 || sp2 == sp1 + 1 ||
	    sp1[1] != '/')
		return -1;
	c->method = strndup(line, (size_t)(sp1 - line));
	c->target = strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	c->keepalive = strcmp(sp2 + 1, "HTTP/1.0") != 0;
	return c->method && c->target ? 0 : -1;
}

static void
parse_header(struct conn *c, const char *line)
{
	const char *colon = strchr(line, ':'), *v;

	if (colon == NULL)
		return;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (strncasecmp(line, "Connection:", 11) == 0) {
		if (strcasestr(v, "close"))
			c->keepalive = false;
		else if (strcasestr(v, "keep-alive"))
			c->keepalive = true;
	} else if (strncasecmp(line, "Content-Length:", 15) == 0) {
		c->body_left = (size_t)strtoull(v, NULL, 10);
	} else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
		c->chunked = true;
	}
}

/* Refuse a request we cannot read, then close. */
static void
refuse(struct conn *c, int status, const char *text)
{
	struct reply rp = {0};

	fakereg_reply_text(&rp, status, text);
	c->keepalive = false;
	send_reply(c, &rp, false);
	fakereg_reply_free(&rp);
}

/* Read as much of the next request as has arrived; answer it when whole. */
static void
conn_process(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	size_t len, n;
	char *line;

	while (c->state == CS_HEAD) {
		if ((line = evbuffer_readln(in, &len, EVBUFFER_EOL_CRLF)) ==
		    NULL) {
			if (evbuffer_get_length(in) > MAX_HEAD)
				refuse(c, 431, "fakereg: request head too "
				    "large");
			return;
		}
		if (c->target == NULL) {
			if (len > 0 && parse_request_line(c, line) < 0) {
				free(line);
				refuse(c, 400, "fakereg: bad request line");
				return;
			}
		} else if (len > 0) {
			parse_header(c, line);
		} else if (c->chunked) {
			free(line);
			refuse(c, 501, "fakereg: chunked request bodies are "
			    "not supported");
			return;
		} else {
			c->state = CS_BODY;
		}
		free(line);
	}
	if (c->state == CS_BODY) {
		n = evbuffer_get_length(in);
		if (n > c->body_left)
			n = c->body_left;
		evbuffer_drain(in, n);
		c->body_left -= n;
		if (c->body_left == 0)
			dispatch(c);	/* may free c */
	}
}

static void
read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->state == CS_HEAD || c->state == CS_BODY)
		conn_process(c);
}

static void
write_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->state != CS_WRITING)
		return;
	if (c->pad_left > 0) {
		pad_more(c);
		return;
	}
	if (c->close_after) {
		conn_free(c);
		return;
	}
	request_reset(c);
	conn_process(c);	/* a request may already be waiting */
}

static void
event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	/* A client that half-closes after its request still gets the answer. */
	if ((what & BEV_EVENT_EOF) && !(what & BEV_EVENT_ERROR) &&
	    (c->state == CS_WRITING || (c->state == CS_BUSY && c->timer &&
	    evtimer_pending(c->timer, NULL)))) {
		c->close_after = true;
		return;
	}
	conn_free(c);
}

static void
conn_free(struct conn *c)
{
	struct fakereg *r;

	if (c == NULL)
		return;
	r = c->reg;
	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	if (c->timer)
		event_free(c->timer);
	if (c->bev)
		bufferevent_free(c->bev);
	free(c->method);
	free(c->target);
	free(c);
}

static void
accept_cb(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct fakereg *r = arg;
	struct conn *c;
	int one = 1;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		evutil_closesocket(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->reg = r;
	if ((c->bev = bufferevent_socket_new(r->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	request_reset(c);
	c->next = r->conns;
	if (r->conns)
		r->conns->prev = c;
	r->conns = c;
	bufferevent_setcb(c->bev, read_cb, write_cb, event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* ------------------------------------------------------------ thread */

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fakereg *r = arg;

	event_base_loopbreak(r->base);
}

static void *
server_main(void *arg)
{
	struct fakereg *r = arg;

	event_base_dispatch(r->base);
	return NULL;
}

struct fakereg *
fakereg_start(const char *dir, int port)
{
	struct fakereg *r = NULL, *ret = NULL;
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	sigset_t all, old;

	if (dir == NULL || port < 0 || port > 65535)
		return NULL;
	pthread_once(&threads_once, use_threads);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->dir = dir;
	pthread_mutex_init(&r->mu, NULL);
	if ((r->search = fsearch_new(dir)) == NULL)
		goto out;
	if ((r->base = event_base_new()) == NULL)
		goto out;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((uint16_t)port);
	if ((r->lis = evconnlistener_new_bind(r->base, accept_cb, r,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 128,
	    (struct sockaddr *)&sin, sizeof(sin))) == NULL)
		goto out;
	if (getsockname(evconnlistener_get_fd(r->lis), (struct sockaddr *)&sin,
	    &slen) < 0)
		goto out;
	r->port = ntohs(sin.sin_port);
	snprintf(r->origin, sizeof(r->origin), "http://127.0.0.1:%d", r->port);
	snprintf(r->url, sizeof(r->url), "%s" API_PREFIX, r->origin);
	if ((r->stop_ev = event_new(r->base, -1, 0, stop_cb, r)) == NULL)
		goto out;
	/*
	 * The server thread takes no signals: SIGPIPE from a client that
	 * went away becomes EPIPE, and SIGTERM/SIGINT stay with the caller.
	 */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r->running = pthread_create(&r->thread, NULL, server_main, r) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!r->running)
		goto out;
	ret = r;
	r = NULL;
out:
	fakereg_stop(r);
	return ret;
}

void
fakereg_stop(struct fakereg *r)
{
	struct fault_entry *f;
	struct alias *a;

	if (r == NULL)
		return;
	if (r->running) {
		event_active(r->stop_ev, 0, 0);
		pthread_join(r->thread, NULL);
	}
	while (r->conns)
		conn_free(r->conns);
	if (r->stop_ev)
		event_free(r->stop_ev);
	if (r->lis)
		evconnlistener_free(r->lis);
	if (r->base)
		event_base_free(r->base);
	fakereg_cache_free(r);
	fsearch_free(r->search);
	fakereg_clear_hooks(r);
	fakereg_clear_log(r);
	free(r->log);
	while ((f = r->faults) != NULL) {
		r->faults = f->next;
		free(f->match);
		free(f);
	}
	while ((a = r->aliases) != NULL) {
		r->aliases = a->next;
		free(a);
	}
	pthread_mutex_destroy(&r->mu);
	free(r);
}

const char *
fakereg_url(const struct fakereg *r)
{
	return r->url;
}

int
fakereg_port(const struct fakereg *r)
{
	return r->port;
}

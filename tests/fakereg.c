/*
 * fakereg.c - a fake ClinicalTrials.gov API v2 for tests and benchmarks: a
 * small HTTP/1.1 server on libevent bufferevents in its own thread.
 */
#include "fakereg.h"

#include "fakereg_search.h"
#include "text.h"	/* the one NCT ID check, as the daemon's */

#include <sys/queue.h>	/* TAILQ_FOREACH over evkeyvalq */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <fcntl.h>
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define API_PREFIX	"/api/v2"
#define INT_PREFIX	"/api/int"	/* history endpoints (registry/HISTORY.md) */
#define ADMIN_PREFIX	"/_fakereg/"
#define MAX_HEAD	(64 * 1024)	/* request line + headers */
#define PAGE_DEFAULT	10
#define PAGE_MAX	1000
#define PAD_CHUNK	(64 * 1024)
#define OVERSIZED_DEFAULT ((size_t)16 * 1024 * 1024)
#define API_VERSION	"2.0.5"
#define PATH_NCT_ID	"protocolSection.identificationModule.nctId"
#define PATH_LAST_UPDATE \
	"protocolSection.statusModule.lastUpdatePostDateStruct.date"
#define PATH_ALIASES	"protocolSection.identificationModule.nctIdAliases"
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

struct fault_entry {
	struct fakereg_fault f;	/* f.match points at match below */
	char *match;
	int64_t first_ms;	/* when it first fired; 0: not yet */
	struct fault_entry *next;
};

/* A test's function to run before a request is answered (fakereg_before). */
struct hook {
	char *match;
	void (*fn)(void *arg);
	void *arg;
	struct hook *next;
};

struct alias {
	char from[16];
	char to[16];
	struct alias *next;
};

/*
 * What a record file's metadata says about its bytes: a write changes
 * ctime (and mtime), renaming another file over it changes the inode.
 */
struct file_key {
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
};

/* A record file as last parsed, so that it need not be parsed again. */
struct cache_entry {
	char id[12];
	struct file_key key;
	bool raw_ok;		/* its bytes can go out as they are */
	char *probe;		/* projected to probe_paths, compact JSON; owned */
	struct cache_entry *next;	/* hash chain */
};

struct log_entry {
	char *line;		/* "GET /api/v2/..." */
	int64_t ms;		/* monotonic clock */
};

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

struct fakereg {
	const char *dir;
	char url[64];
	char origin[48];	/* "http://127.0.0.1:PORT" */
	int port;
	struct event_base *base;
	struct evconnlistener *lis;
	struct event *stop_ev;
	pthread_t thread;
	bool running;
	struct conn *conns;	/* server thread only (stop: after join) */
	struct cache_entry **cache;	/* server thread only, like conns */
	size_t cache_cap;	/* buckets, a power of two */
	size_t cache_n;
	unsigned endless;	/* FAULT_TOKEN_ENDLESS tokens handed out */
	struct fsearch *search;	/* searches (fakereg_search.c); server thread only */
	/* The data build /version names; server thread only. */
	uint32_t build_digest;
	unsigned build_no;
	time_t build_base;

	pthread_mutex_t mu;	/* guards everything below */
	struct fault_entry *faults;
	struct hook *hooks;	/* fakereg_before */
	struct alias *aliases;
	unsigned alias_gen;	/* bumped by every alias change */
	size_t max_url;
	struct log_entry *log;
	size_t n_log, cap_log;
	size_t parsed;		/* record files parsed since start */
	enum fakereg_history_mode history_mode;	/* how /api/int answers */
};

/* One answer before it is put on the wire. */
struct reply {
	int status;
	const char *ctype;	/* static */
	char *extra;		/* header lines ending "\r\n"; owned */
	char *body;		/* owned */
	size_t len;
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

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t
fnv1a(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h ^ 0xff;	/* separates "ab"+"c" from "a"+"bc" */
}

static char *
xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

static bool
is_nct(const char *s)
{
	return text_nct_id(s);
}

/*
 * An ID as the registry reads one: its pattern ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$
 * (OpenAPI spec 2.0.5, the nctId path parameter and filter.ids items),
 * into the NCT + 8 digits form of out.  NCT00000000 does not match.
 */
static bool
nct_canon(const char *s, char out[16])
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

static const char *
reason(int status)
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

static void
reply_free(struct reply *rp)
{
	free(rp->extra);
	free(rp->body);
	memset(rp, 0, sizeof(*rp));
}

/* Replace rp with a text/plain answer (registry errors are plain text). */
static void
reply_text(struct reply *rp, int status, const char *text)
{
	reply_free(rp);
	rp->status = status;
	rp->ctype = "text/plain";
	rp->body = xstrdup(text);
	rp->len = rp->body ? strlen(rp->body) : 0;
}

static void
reply_textf(struct reply *rp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
reply_textf(struct reply *rp, int status, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	reply_text(rp, status, buf);
}

/* Replace rp with a 200 application/json answer.  Steals body. */
static void
reply_body(struct reply *rp, char *body, size_t len)
{
	reply_free(rp);
	rp->status = 200;
	rp->ctype = "application/json";
	rp->body = body;
	rp->len = len;
}

/* Steals root. */
static void
reply_json(struct reply *rp, json_t *root)
{
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;

	json_decref(root);
	if (text == NULL) {
		reply_text(rp, 500, "fakereg: cannot serialize the answer");
		return;
	}
	reply_body(rp, text, strlen(text));
}

/* ------------------------------------------------------ shared state */

/* Not the API's: the registry's web server's own HTML page. */
static void
reply_nginx_404(struct reply *rp)
{
	reply_text(rp, 404, NGINX_404);
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
	r->log[r->n_log].ms = now_ms();
	r->n_log++;
	pthread_mutex_unlock(&r->mu);
}

/* The first armed fault whose match fits `target`, copied into *out. */
static bool
fault_take(struct fakereg *r, const char *target, struct fakereg_fault *out)
{
	struct fault_entry **pp = &r->faults, *e;
	int64_t now = now_ms();
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

/* The current ID of `id` into out (itself if none).  True for an alias. */
static bool
alias_lookup(struct fakereg *r, const char *id, char out[16])
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

/* The aliases that lead to `id`, as a new JSON array; NULL when none. */
static json_t *
aliases_of(struct fakereg *r, const char *id)
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

/* --------------------------------------------------------- study files */

static char *
study_path(struct fakereg *r, const char *id)
{
	size_t n = strlen(r->dir) + strlen(id) + 8;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s.json", r->dir, id);
	return p;
}

static bool
study_exists(struct fakereg *r, const char *id)
{
	char *p = study_path(r, id);
	bool ok = p && access(p, R_OK) == 0;

	free(p);
	return ok;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static int
ids_push(char ***ids, size_t *n, size_t *cap, const char *id)
{
	char *copy;

	if (*n == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		char **v = realloc(*ids, ncap * sizeof(*v));

		if (v == NULL)
			return -1;
		*ids = v;
		*cap = ncap;
	}
	if ((copy = strdup(id)) == NULL)
		return -1;
	(*ids)[(*n)++] = copy;
	return 0;
}

/* ----------------------------------------------------------- projection */

/* Field "pieces" the API accepts in `fields`, and where they live. */
static const struct {
	const char *piece;
	const char *path;
} pieces[] = {
	{"NCTId", PATH_NCT_ID},
	{"BriefTitle", "protocolSection.identificationModule.briefTitle"},
	{"OfficialTitle", "protocolSection.identificationModule.officialTitle"},
	{"Acronym", "protocolSection.identificationModule.acronym"},
	{"OverallStatus", "protocolSection.statusModule.overallStatus"},
	{"StatusVerifiedDate",
	    "protocolSection.statusModule.statusVerifiedDate"},
	{"LastUpdatePostDate", PATH_LAST_UPDATE},
	{"LastUpdatePostDateType",
	    "protocolSection.statusModule.lastUpdatePostDateStruct.type"},
	{"ResultsFirstPostDate",
	    "protocolSection.statusModule.resultsFirstPostDateStruct.date"},
	{"PrimaryCompletionDate",
	    "protocolSection.statusModule.primaryCompletionDateStruct.date"},
	{"CompletionDate",
	    "protocolSection.statusModule.completionDateStruct.date"},
	{"HasResults", "hasResults"},
	{"ProtocolSection", "protocolSection"},
	{"IdentificationModule", "protocolSection.identificationModule"},
	{"StatusModule", "protocolSection.statusModule"},
	{"ReferencesModule", "protocolSection.referencesModule"},
	{"ResultsSection", "resultsSection"},
	{"DerivedSection", "derivedSection"},
};

/*
 * Split `fields` (',' or '|' separated) into dotted paths.  New array of
 * new strings; NULL with `bad` set to the unknown field on error.
 */
static char **
fields_parse(const char *fields, size_t *n, char *bad, size_t badlen)
{
	char *copy = strdup(fields), *tok, *save = NULL, *end;
	char **paths = NULL;
	size_t cap = 0, i;
	const char *path;

	*n = 0;
	if (copy == NULL)
		return NULL;
	for (tok = strtok_r(copy, ",|", &save); tok;
	    tok = strtok_r(NULL, ",|", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		path = NULL;
		for (i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++)
			if (strcasecmp(tok, pieces[i].piece) == 0)
				path = pieces[i].path;
		if (path == NULL && strchr(tok, '.') != NULL)
			path = tok;
		if (path == NULL || ids_push(&paths, n, &cap, path) < 0) {
			snprintf(bad, badlen, "%s", path ? "(out of memory)" :
			    tok);
			ids_free(paths, *n);
			paths = NULL;
			*n = 0;
			break;
		}
	}
	free(copy);
	if (paths == NULL && bad[0] == '\0')
		paths = calloc(1, sizeof(*paths));	/* no fields at all */
	return paths;
}

/* Copy the member at dotted `path` of src into dst, creating objects. */
static void
project_one(const json_t *src, json_t *dst, const char *path)
{
	char *copy = strdup(path), *tok, *next, *save = NULL;
	const json_t *s = src;
	json_t *d = dst, *child;

	if (copy == NULL)
		return;
	tok = strtok_r(copy, ".", &save);
	while (tok && s) {
		next = strtok_r(NULL, ".", &save);
		s = json_object_get(s, tok);
		if (s == NULL)
			break;
		if (next == NULL) {
			json_object_set_new(d, tok, json_deep_copy(s));
			break;
		}
		if (!json_is_object(s))
			break;
		if ((child = json_object_get(d, tok)) == NULL) {
			child = json_object();
			json_object_set_new(d, tok, child);
		}
		d = child;
		tok = next;
	}
	free(copy);
}

/* The study projected to `paths` (n == 0: the whole study).  New reference. */
static json_t *
project(json_t *study, char **paths, size_t n)
{
	json_t *out;

	if (n == 0)
		return json_incref(study);
	out = json_object();
	for (size_t i = 0; i < n && out; i++)
		project_one(study, out, paths[i]);
	return out;
}

/* ------------------------------------------------------------ records */

/*
 * What a probe asks for (registry.c: fields=NCTId,LastUpdatePostDate).  The
 * cache keeps each record projected to these, so that an unchanged resync
 * costs the fake a stat per record, not a parse of every full record.
 */
static char *probe_paths[] = {PATH_NCT_ID, PATH_LAST_UPDATE};
#define N_PROBE_PATHS	(sizeof(probe_paths) / sizeof(probe_paths[0]))

static void
key_of(const struct stat *sb, struct file_key *k)
{
	memset(k, 0, sizeof(*k));
	k->ino = sb->st_ino;
	k->size = sb->st_size;
	k->mtime = sb->st_mtim;
	k->ctime = sb->st_ctim;
}

static bool
key_equal(const struct file_key *a, const struct file_key *b)
{
	return a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec &&
	    a->ctime.tv_nsec == b->ctime.tv_nsec;
}

/* t + 1 s < now */
static bool
ts_old(const struct timespec *t, const struct timespec *now)
{
	return t->tv_sec + 1 < now->tv_sec || (t->tv_sec + 1 == now->tv_sec &&
	    t->tv_nsec < now->tv_nsec);
}

/*
 * Whether a key may stand for the bytes it was read with.  File times come
 * from a clock that ticks every few milliseconds (every second on some
 * filesystems), so a file written just now can be rewritten within the same
 * tick, with the same size, and keep its key; tests do exactly that.  Once
 * both times are over a second old, any later write stamps a later time.
 */
static bool
key_settled(const struct file_key *k)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return ts_old(&k->mtime, &now) && ts_old(&k->ctime, &now);
}

/*
 * The bytes of `path` into *buf (new, NUL-terminated) and its key, taken
 * after the read: a write that raced the read has changed the key by then,
 * so mixed bytes never pass for a cached record.  0 / -1 with errno.
 */
static int
file_read(const char *path, char **buf, size_t *len, struct file_key *key)
{
	struct stat sb;
	char *b = NULL, *nb;
	size_t n = 0, cap;
	ssize_t got;
	int fd, rc = -1, saved;

	*buf = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if (fstat(fd, &sb) < 0)
		goto out;
	cap = sb.st_size > 0 ? (size_t)sb.st_size + 1 : 4096;
	for (;;) {
		if (n + 1 >= cap || b == NULL) {
			if (b != NULL)
				cap *= 2;
			if ((nb = realloc(b, cap)) == NULL)
				goto out;
			b = nb;
		}
		if ((got = read(fd, b + n, cap - n - 1)) < 0) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	b[n] = '\0';
	if (fstat(fd, &sb) < 0)
		goto out;
	key_of(&sb, key);
	*buf = b;
	*len = n;
	b = NULL;
	rc = 0;
out:
	saved = errno;
	free(b);
	close(fd);
	errno = saved;
	return rc;
}

static struct cache_entry *
cache_find(struct fakereg *r, const char *id)
{
	struct cache_entry *e;

	if (r->cache_cap == 0)
		return NULL;
	e = r->cache[fnv1a(2166136261u, id) & (r->cache_cap - 1)];
	while (e && strcmp(e->id, id) != 0)
		e = e->next;
	return e;
}

/* Double the buckets when chains would grow past one entry on average. */
static int
cache_grow(struct fakereg *r)
{
	size_t cap = r->cache_cap ? 2 * r->cache_cap : 1024, i, h;
	struct cache_entry **v = calloc(cap, sizeof(*v)), *e, *next;

	if (v == NULL)
		return -1;
	for (i = 0; i < r->cache_cap; i++)
		for (e = r->cache[i]; e; e = next) {
			next = e->next;
			h = fnv1a(2166136261u, e->id) & (cap - 1);
			e->next = v[h];
			v[h] = e;
		}
	free(r->cache);
	r->cache = v;
	r->cache_cap = cap;
	return 0;
}

/* Remember what `root`, read with `key`, answers.  Steals nothing. */
static void
cache_put(struct fakereg *r, const char *id, const struct file_key *key,
    bool raw_ok, json_t *root)
{
	struct cache_entry *e = cache_find(r, id);
	json_t *proj = project(root, probe_paths, N_PROBE_PATHS);
	char *probe = proj ? json_dumps(proj, JSON_COMPACT) : NULL;
	size_t h;

	json_decref(proj);
	if (probe == NULL)
		return;		/* a cache miss costs time, never an answer */
	if (e == NULL) {
		if ((r->cache_n >= r->cache_cap && cache_grow(r) < 0) ||
		    (e = calloc(1, sizeof(*e))) == NULL) {
			free(probe);
			return;
		}
		snprintf(e->id, sizeof(e->id), "%s", id);
		h = fnv1a(2166136261u, id) & (r->cache_cap - 1);
		e->next = r->cache[h];
		r->cache[h] = e;
		r->cache_n++;
	}
	free(e->probe);
	e->probe = probe;
	e->key = *key;
	e->raw_ok = raw_ok;
}

static void
cache_free(struct fakereg *r)
{
	struct cache_entry *e, *next;

	for (size_t i = 0; i < r->cache_cap; i++)
		for (e = r->cache[i]; e; e = next) {
			next = e->next;
			free(e->probe);
			free(e);
		}
	free(r->cache);
	r->cache = NULL;
	r->cache_cap = r->cache_n = 0;
}

/* true when every path is one the cache keeps. */
static bool
probe_only(char **paths, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < N_PROBE_PATHS; j++)
			if (strcmp(paths[i], probe_paths[j]) == 0)
				break;
		if (j == N_PROBE_PATHS)
			return false;
	}
	return n > 0;
}

/* `v` projected to `paths` (n == 0: all of it) as compact JSON.  New. */
static char *
dump_projected(json_t *v, char **paths, size_t n, size_t *len)
{
	json_t *proj = project(v, paths, n);
	char *text = proj ? json_dumps(proj, JSON_COMPACT) : NULL;

	json_decref(proj);
	*len = text ? strlen(text) : 0;
	return text;
}

/*
 * DIR/ID.json projected to `paths` (n == 0: the whole record) as JSON text
 * into *text (new).  The whole record goes out as the file's own bytes
 * unless they hold a duplicate key, which the fake folds as it always has
 * (a re-serialisation keeps the last value).  0; -1 with *missing set when
 * there is no such file, or with `err` filled when it does not parse.
 */
static int
record_file_text(struct fakereg *r, const char *id, char **paths, size_t n,
    char **text, size_t *len, bool *missing, char *err, size_t errlen)
{
	char *p = study_path(r, id), *buf = NULL;
	struct cache_entry *e = cache_find(r, id);
	struct file_key key;
	struct stat sb;
	json_error_t jerr;
	json_t *root = NULL, *cached = NULL;
	bool probe = probe_only(paths, n), raw_ok;
	size_t blen;
	int rc = -1;

	*text = NULL;
	*missing = false;
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* A probe of an unchanged file never opens it. */
	if (probe && e && stat(p, &sb) == 0) {
		key_of(&sb, &key);
		if (key_equal(&key, &e->key) && (cached = json_loads(e->probe,
		    0, NULL)) != NULL) {
			*text = dump_projected(cached, paths, n, len);
			goto done;
		}
	}
	if (file_read(p, &buf, &blen, &key) < 0) {
		if (errno == ENOENT)
			*missing = true;
		else
			snprintf(err, errlen, "%s: %s", p, strerror(errno));
		goto out;
	}
	if (n == 0 && e && e->raw_ok && key_equal(&key, &e->key)) {
		*text = buf;
		*len = blen;
		buf = NULL;
		goto done;
	}
	raw_ok = (root = json_loadb(buf, blen, JSON_REJECT_DUPLICATES,
	    &jerr)) != NULL;
	if (root == NULL && (root = json_loadb(buf, blen, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "%s:%d: %s", p, jerr.line, jerr.text);
		goto out;
	}
	pthread_mutex_lock(&r->mu);
	r->parsed++;
	pthread_mutex_unlock(&r->mu);
	if (key_settled(&key))
		cache_put(r, id, &key, raw_ok, root);
	if (n == 0 && raw_ok) {
		*text = buf;
		*len = blen;
		buf = NULL;
	} else {
		*text = dump_projected(root, paths, n, len);
	}
done:
	if (*text == NULL)
		snprintf(err, errlen, "cannot serialize %s", id);
	else
		rc = 0;
out:
	json_decref(cached);
	json_decref(root);
	free(buf);
	free(p);
	return rc;
}

/*
 * record_file_text, and a record that IDs lead to as aliases lists them in
 * its nctIdAliases, as the registry's records do (NCTIdAlias, the field
 * filter.ids also searches).  Records without aliases go out untouched.
 */
static int
record_text(struct fakereg *r, const char *id, char **paths, size_t n,
    char **text, size_t *len, bool *missing, char *err, size_t errlen)
{
	json_t *aliases = NULL, *root = NULL, *idm, *have;
	bool wanted = n == 0;
	char *out;
	size_t i;

	if (record_file_text(r, id, paths, n, text, len, missing, err,
	    errlen) < 0)
		return -1;
	for (i = 0; i < n && !wanted; i++)
		wanted = strcmp(paths[i], PATH_ALIASES) == 0 ||
		    strcmp(paths[i], "protocolSection") == 0 ||
		    strcmp(paths[i],
		    "protocolSection.identificationModule") == 0;
	if (!wanted || (aliases = aliases_of(r, id)) == NULL)
		return 0;
	root = json_loadb(*text, *len, 0, NULL);
	idm = json_object_get(json_object_get(root, "protocolSection"),
	    "identificationModule");
	if (!json_is_object(idm))
		goto out;	/* a broken record goes out as it is */
	if (!json_is_array(have = json_object_get(idm, "nctIdAliases"))) {
		have = json_array();
		json_object_set_new(idm, "nctIdAliases", have);
	}
	for (i = 0; i < json_array_size(aliases); i++) {
		size_t k;

		for (k = 0; k < json_array_size(have); k++)
			if (json_equal(json_array_get(have, k),
			    json_array_get(aliases, i)))
				break;
		if (k == json_array_size(have))
			json_array_append(have, json_array_get(aliases, i));
	}
	if ((out = json_dumps(root, JSON_COMPACT)) != NULL) {
		free(*text);
		*text = out;
		*len = strlen(out);
	}
out:
	json_decref(root);
	json_decref(aliases);
	return 0;
}

/* ------------------------------------------------------------- routes */

/*
 * The page token names the query it belongs to, the next offset and the
 * data generation it was handed out in (FAULT_TOKEN_EXPIRED refuses it
 * once the data moved).
 */
static void
token_make(uint32_t qhash, size_t offset, unsigned long gen, char out[32])
{
	snprintf(out, 32, "%08x%08x%08x", (unsigned)qhash,
	    (unsigned)((uint32_t)offset ^ qhash ^ 0x5a5a5a5au),
	    (unsigned)(uint32_t)gen);
}

static bool
token_read(const char *tok, uint32_t qhash, size_t *offset,
    unsigned long *gen)
{
	char a[9], b[9], g[9], *end;
	unsigned long h, o;

	if (strlen(tok) != 24 || strspn(tok, "0123456789abcdef") != 24)
		return false;
	memcpy(a, tok, 8);
	a[8] = '\0';
	memcpy(b, tok + 8, 8);
	b[8] = '\0';
	memcpy(g, tok + 16, 8);
	g[8] = '\0';
	h = strtoul(a, &end, 16);
	o = strtoul(b, &end, 16);
	if ((uint32_t)h != qhash)
		return false;
	*offset = (uint32_t)o ^ qhash ^ 0x5a5a5a5au;
	*gen = strtoul(g, &end, 16);
	return true;
}

/* filter.ids as the sorted list of IDs served.  0, or -1 with rp set. */
static int
ids_from_filter(struct fakereg *r, const char *filter, char ***ids, size_t *n,
    struct reply *rp)
{
	char *copy = strdup(filter), *tok, *save = NULL, *end;
	char cur[16];
	size_t cap = 0, i, j;
	int rc = -1;

	*ids = NULL;
	*n = 0;
	if (copy == NULL) {
		reply_text(rp, 500, "fakereg: out of memory");
		goto out;
	}
	for (tok = strtok_r(copy, ",|", &save); tok;
	    tok = strtok_r(NULL, ",|", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*tok == '\0')
			continue;
		if (!nct_canon(tok, cur)) {
			reply_textf(rp, 400, "Parameter `filter.ids` has "
			    "incorrect format: `%.40s` is not an NCT number",
			    tok);
			goto out;
		}
		alias_lookup(r, cur, cur);
		if (study_exists(r, cur) && ids_push(ids, n, &cap, cur) < 0) {
			reply_text(rp, 500, "fakereg: out of memory");
			goto out;
		}
	}
	if (*n > 1)
		qsort(*ids, *n, sizeof(**ids), cmp_str);
	/* An alias and its current ID asked together give one record. */
	for (i = j = 0; i < *n; i++) {
		if (j > 0 && strcmp((*ids)[j - 1], (*ids)[i]) == 0)
			free((*ids)[i]);
		else
			(*ids)[j++] = (*ids)[i];
	}
	*n = j;
	rc = 0;
out:
	if (rc < 0) {
		ids_free(*ids, *n);
		*ids = NULL;
		*n = 0;
	}
	free(copy);
	return rc;
}

/*
 * Parameters of GET /studies the fake understands (sort and markupFormat
 * are accepted and ignored).  Anything else is refused, so a client cannot
 * silently ask what the fake does not model.  The searching ones are
 * fakereg_search.c's.
 */
static const char *const studies_params[] = {"filter.ids", "fields",
    "pageSize", "pageToken", "countTotal", "format", "markupFormat", "sort",
    "query.cond", "query.intr", "query.term", "query.spons", "query.titles",
    "query.lead", "filter.overallStatus", "filter.advanced", NULL};
/* The ones a page token is bound to: all but pageSize and countTotal. */
static const char *const token_params[] = {"filter.ids", "fields",
    "query.cond", "query.intr", "query.term", "query.spons", "query.titles",
    "query.lead", "filter.overallStatus", "filter.advanced", NULL};

/*
 * GET /studies: with filter.ids alone, the IDs that have a file, sorted by
 * NCT ID; with a search (query.*, filter.*) or nothing at all, what
 * fakereg_search.c matches, newest first; one page at a time.  The page
 * token carries the next offset, the data generation and a hash of the
 * parameters but pageSize and countTotal (which the spec lets a later
 * page change), so a follow-up that does not repeat them is refused; a
 * page is read from the data as they are when it is asked, so a study
 * updated while a listing is paged can move across a page boundary.  A
 * full page carries a token even when nothing follows.  With
 * `expire_tokens` (FAULT_TOKEN_EXPIRED), a token of a data generation
 * that has passed is refused.
 */
static void
route_studies(struct fakereg *r, struct evkeyvalq *q, struct reply *rp,
    bool expire_tokens)
{
	const char *filter = evhttp_find_header(q, "filter.ids");
	const char *fields = evhttp_find_header(q, "fields");
	const char *psize = evhttp_find_header(q, "pageSize");
	const char *ptoken = evhttp_find_header(q, "pageToken");
	const char *count = evhttp_find_header(q, "countTotal");
	const char *format = evhttp_find_header(q, "format");
	char **ids = NULL, **paths = NULL, bad[128] = "", err[512] = "";
	char tok[32], *body = NULL, *text;
	const char *sep;
	size_t n_ids = 0, n_paths = 0, offset = 0, page = PAGE_DEFAULT, i;
	size_t blen = 0, tlen, n_hits = 0, total, shown = 0;
	const struct fsearch_hit *hits = NULL;
	unsigned long gen = 0, tgen = 0;
	struct evkeyval *kv;
	FILE *fp = NULL;
	uint32_t qhash = 2166136261u;
	bool missing, failed, search;
	char *end;
	long v;

	TAILQ_FOREACH(kv, q, next) {
		for (i = 0; studies_params[i]; i++)
			if (strcmp(kv->key, studies_params[i]) == 0)
				break;
		if (studies_params[i] == NULL) {
			reply_textf(rp, 400, "fakereg: parameter `%.60s` "
			    "is not supported here", kv->key);
			goto out;
		}
	}
	if (format && strcasecmp(format, "json") != 0) {
		reply_text(rp, 400, "fakereg: only format=json is served");
		goto out;
	}
	if (psize) {
		errno = 0;
		v = strtol(psize, &end, 10);
		if (errno || end == psize || *end != '\0' || v < 0) {
			reply_textf(rp, 400, "Parameter `pageSize` has "
			    "incorrect format: `%.40s`", psize);
			goto out;
		}
		page = v > PAGE_MAX ? PAGE_MAX : (size_t)v;
	}
	if (fields && (paths = fields_parse(fields, &n_paths, bad,
	    sizeof(bad))) == NULL) {
		reply_textf(rp, 400, "Parameter `fields` has an unknown field "
		    "`%.60s`", bad);
		goto out;
	}
	for (i = 0; token_params[i]; i++)
		qhash = fnv1a(qhash, evhttp_find_header(q, token_params[i]));
	if (ptoken && !token_read(ptoken, qhash, &offset, &tgen)) {
		reply_text(rp, 400, "Parameter `pageToken` is invalid or does "
		    "not belong to this query");
		goto out;
	}
	if (filter && ids_from_filter(r, filter, &ids, &n_ids, rp) < 0)
		goto out;
	if ((search = filter == NULL || fsearch_wanted(q))) {
		char why[512];

		if (fsearch_run(r->search, q, filter ? ids : NULL, n_ids, &hits,
		    &n_hits, &gen, why, sizeof(why)) < 0) {
			reply_text(rp, 400, why);
			goto out;
		}
		if (ptoken && expire_tokens && tgen != (gen & 0xffffffffu)) {
			reply_text(rp, 400, "Parameter `pageToken` has expired: "
			    "the data were refreshed since the first page");
			goto out;
		}
	}
	total = search ? n_hits : n_ids;
	/* Records go in as text, most as the bytes of their files. */
	if ((fp = open_memstream(&body, &blen)) == NULL) {
		reply_text(rp, 500, "fakereg: out of memory");
		goto out;
	}
	fputc('{', fp);
	if (count && strcasecmp(count, "true") == 0 && ptoken == NULL)
		fprintf(fp, "\"totalCount\":%zu,", total);
	fputs("\"studies\":[", fp);
	for (i = offset, sep = ""; i < total && i < offset + page; i++) {
		if (record_text(r, search ? hits[i].id : ids[i], paths,
		    n_paths, &text, &tlen, &missing, err, sizeof(err)) < 0) {
			if (missing)	/* removed since we looked */
				continue;
			reply_textf(rp, 500, "fakereg: %s", err);
			goto out;
		}
		fputs(sep, fp);
		fwrite(text, 1, tlen, fp);
		free(text);
		sep = ",";
		shown++;
	}
	fputc(']', fp);
	/* A full page has a token, even when nothing follows (cyanheads#98). */
	if (page > 0 && shown == page) {
		token_make(qhash, offset + page, gen, tok);
		fprintf(fp, ",\"nextPageToken\":\"%s\"", tok);
	}
	fputc('}', fp);
	failed = ferror(fp) != 0;
	failed |= fclose(fp) != 0;
	fp = NULL;
	if (failed) {
		reply_text(rp, 500, "fakereg: out of memory");
		goto out;
	}
	reply_body(rp, body, blen);
	body = NULL;
out:
	if (fp)
		fclose(fp);
	free(body);
	ids_free(ids, n_ids);
	ids_free(paths, n_paths);
}

static void
route_study(struct fakereg *r, const char *id, const char *query,
    struct evkeyvalq *q, struct reply *rp)
{
	const char *fields = evhttp_find_header(q, "fields");
	char canon[16], cur[16], bad[128] = "", err[512] = "", **paths = NULL;
	char *text;
	size_t n_paths = 0, len;
	bool missing;

	if (!nct_canon(id, canon)) {
		reply_text(rp, 400, "Parameter `nctId` has incorrect format");
		goto out;
	}
	id = canon;
	if (alias_lookup(r, id, cur)) {
		reply_textf(rp, 301, "%s is an alias of %s", id, cur);
		if (asprintf(&rp->extra, "Location: %s" API_PREFIX "/studies/%s"
		    "%s%s\r\n", r->origin, cur, query ? "?" : "",
		    query ? query : "") < 0)
			rp->extra = NULL;
		goto out;
	}
	if (fields && (paths = fields_parse(fields, &n_paths, bad,
	    sizeof(bad))) == NULL) {
		reply_textf(rp, 400, "Parameter `fields` has an unknown field "
		    "`%.60s`", bad);
		goto out;
	}
	if (record_text(r, id, paths, n_paths, &text, &len, &missing, err,
	    sizeof(err)) < 0) {
		if (missing)
			reply_textf(rp, 404, "NCT number %s not found", id);
		else
			reply_textf(rp, 500, "fakereg: %s", err);
		goto out;
	}
	reply_body(rp, text, len);
out:
	ids_free(paths, n_paths);
}

/*
 * The registry's data changes once a day, in one build, and /version names
 * the build (dataTimestamp).  The fake's data are its files and aliases:
 * a digest of every file's name, size, inode and times, and of the alias
 * table's generation.  When it differs from the last one seen, a new build
 * begins; its timestamp is the fake's start plus the build number in
 * seconds, so it moves exactly when the data do.  A file written less
 * than a second ago may still change within the same clock tick unseen,
 * so while one is that young every call is a new build.
 */
static void
route_version(struct fakereg *r, struct reply *rp)
{
	DIR *d = opendir(r->dir);
	struct dirent *de;
	struct stat sb;
	struct timespec now;
	uint32_t h = 2166136261u;
	bool young = false;
	char stamp[32], path[4096], buf[160];
	time_t t;
	struct tm tm;

	if (d == NULL) {
		reply_textf(rp, 500, "fakereg: cannot list %.200s", r->dir);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	while ((de = readdir(d)) != NULL) {
		struct file_key k;

		if (strlen(de->d_name) != 16 ||
		    strcmp(de->d_name + 11, ".json") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", r->dir, de->d_name);
		if (stat(path, &sb) < 0)
			continue;
		key_of(&sb, &k);
		young |= !key_settled(&k);
		snprintf(buf, sizeof(buf), "%s %lld %llu %lld.%09ld %lld.%09ld",
		    de->d_name, (long long)k.size, (unsigned long long)k.ino,
		    (long long)k.mtime.tv_sec, k.mtime.tv_nsec,
		    (long long)k.ctime.tv_sec, k.ctime.tv_nsec);
		/* Order-free: the sum of the entries' hashes. */
		h += fnv1a(2166136261u, buf);
	}
	closedir(d);
	pthread_mutex_lock(&r->mu);
	snprintf(buf, sizeof(buf), "aliases %u", r->alias_gen);
	pthread_mutex_unlock(&r->mu);
	h = fnv1a(h, buf);
	if (r->build_base == 0)
		r->build_base = now.tv_sec - 86400;
	if (young || h != r->build_digest || r->build_no == 0) {
		r->build_digest = h;
		r->build_no++;
	}
	t = r->build_base + (time_t)r->build_no;
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	reply_json(rp, json_pack("{s:s, s:s}", "apiVersion", API_VERSION,
	    "dataTimestamp", stamp));
}

/* ------------------------------------------------- history (/api/int) */

/*
 * The registry's History of Changes, served the way its website, ctrdata
 * and cthist read it; tests/registry/HISTORY.md says what each behaviour
 * rests on.  A trial's versions are the study objects
 * {dir}/history/{NCT}/0.json, 1.json, ... (0 the first); a trial without
 * that folder has one version, its current record.
 */

/* The website's names of the parts a version can change, in its order. */
static const struct {
	const char *section;
	const char *module;	/* NULL: the section as a whole */
	const char *label;
} history_labels[] = {
	{"protocolSection", "identificationModule", "Study Identification"},
	{"protocolSection", "statusModule", "Study Status"},
	{"protocolSection", "sponsorCollaboratorsModule",
	    "Sponsor/Collaborators"},
	{"protocolSection", "oversightModule", "Oversight"},
	{"protocolSection", "descriptionModule", "Study Description"},
	{"protocolSection", "conditionsModule", "Conditions"},
	{"protocolSection", "designModule", "Study Design"},
	{"protocolSection", "armsInterventionsModule", "Arms and Interventions"},
	{"protocolSection", "outcomesModule", "Outcome Measures"},
	{"protocolSection", "eligibilityModule", "Eligibility"},
	{"protocolSection", "contactsLocationsModule", "Contacts/Locations"},
	{"protocolSection", "referencesModule", "References"},
	{"protocolSection", "ipdSharingStatementModule", "IPD Sharing Statement"},
	{"resultsSection", NULL, "Results"},
	{"annotationSection", NULL, "Results Submission"},
	{"documentSection", NULL, "Documents"},
};

struct hversions {
	json_t **v;		/* version i at v[i] */
	size_t n;
};

static void
hversions_free(struct hversions *h)
{
	for (size_t i = 0; i < h->n; i++)
		json_decref(h->v[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static int
hversions_push(struct hversions *h, json_t *study)
{
	json_t **v = realloc(h->v, (h->n + 1) * sizeof(*v));

	if (v == NULL) {
		json_decref(study);
		return -1;
	}
	h->v = v;
	h->v[h->n++] = study;
	return 0;
}

/*
 * The versions of `id` into *out: 0; -1 when the registry does not know
 * the trial; -2 with `err` filled when a file does not read.
 */
static int
history_load(struct fakereg *r, const char *id, struct hversions *out,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *study;
	char *p;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0;; i++) {
		if (asprintf(&p, "%s/history/%s/%zu.json", r->dir, id, i) < 0)
			goto oom;
		if (access(p, F_OK) != 0) {
			free(p);
			break;
		}
		study = json_load_file(p, 0, &jerr);
		if (study == NULL) {
			snprintf(err, errlen, "%s:%d: %s", p, jerr.line,
			    jerr.text);
			free(p);
			goto fail;
		}
		free(p);
		if (hversions_push(out, study) < 0)
			goto oom;
	}
	if (out->n > 0)
		return 0;
	/* No history folder: one version, the record served as current. */
	if ((p = study_path(r, id)) == NULL)
		goto oom;
	if (access(p, F_OK) != 0) {
		free(p);
		return -1;
	}
	if ((study = json_load_file(p, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "%s:%d: %s", p, jerr.line, jerr.text);
		free(p);
		return -2;
	}
	free(p);
	if (hversions_push(out, study) < 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	hversions_free(out);
	return -2;
}

static const char *
status_str(json_t *study, const char *module, const char *key)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(study, "protocolSection"), module), key));
}

/* The part of a study one label names; NULL when absent. */
static json_t *
labelled_part(json_t *study, size_t k)
{
	json_t *sec = json_object_get(study, history_labels[k].section);

	return history_labels[k].module ? json_object_get(sec,
	    history_labels[k].module) : sec;
}

/* The change-list entry of version i (prev: version i - 1, or NULL). */
static json_t *
history_change(json_t *prev, json_t *cur, size_t i, bool reshaped)
{
	json_t *labels = json_array();
	const char *date = status_str(cur, "statusModule",
	    "lastUpdateSubmitDate");

	if (date == NULL)
		date = status_str(cur, "statusModule", "studyFirstSubmitDate");
	for (size_t k = 0; k < sizeof(history_labels) /
	    sizeof(history_labels[0]); k++) {
		json_t *a = prev ? labelled_part(prev, k) : NULL;
		json_t *b = labelled_part(cur, k);
		bool same = a == NULL ? b == NULL : b != NULL &&
		    json_equal(a, b);

		if (!same || (prev == NULL && b != NULL))
			json_array_append_new(labels,
			    json_string(history_labels[k].label));
	}
	if (reshaped)
		return json_pack("{s:I, s:s?, s:o}", "number", (json_int_t)i,
		    "submitted", date, "sections", labels);
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:o}", "version",
	    (json_int_t)i, "date", date, "status", status_str(cur,
	    "statusModule", "overallStatus"), "studyType", status_str(cur,
	    "designModule", "studyType"), "moduleLabels", labels);
}

static json_t *
history_changes(const struct hversions *h, bool reshaped)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < h->n && arr; i++)
		json_array_append_new(arr, history_change(i ? h->v[i - 1] :
		    NULL, h->v[i], i, reshaped));
	return arr;
}


/*
 *   GET /api/int/studies/{nctId}/history       {"changes": [...]}
 *   GET /api/int/studies/{nctId}?history=true  {"study": current,
 *                                               "history": {"changes": [...]}}
 *   GET /api/int/studies/{nctId}/history/{v}   {"studyVersion": v,
 *                                               "study": version v}
 */
static void
route_int(struct fakereg *r, const char *path, struct evkeyvalq *q,
    struct reply *rp)
{
	static const char studies[] = INT_PREFIX "/studies/";
	enum fakereg_history_mode mode;
	struct hversions h = {0};
	const char *id0, *after, *hist;
	char id[16], err[512] = "", *end, *seg = NULL, *cur_path = NULL;
	unsigned long v;
	bool reshaped;
	json_t *cur = NULL;
	size_t idlen;

	pthread_mutex_lock(&r->mu);
	mode = r->history_mode;
	pthread_mutex_unlock(&r->mu);
	reshaped = mode == FAKEREG_HISTORY_RESHAPED;
	if (mode == FAKEREG_HISTORY_GONE ||
	    strncmp(path, studies, sizeof(studies) - 1) != 0) {
		reply_nginx_404(rp);
		return;
	}
	id0 = path + sizeof(studies) - 1;
	idlen = strcspn(id0, "/");
	after = id0 + idlen;
	/* The ID as the API reads one (route_study), assumed the same here. */
	if ((seg = strndup(id0, idlen)) == NULL) {
		reply_text(rp, 500, "fakereg: out of memory");
		return;
	}
	if (!nct_canon(seg, id)) {
		free(seg);
		reply_text(rp, 400, "Parameter `nctId` has incorrect format");
		return;
	}
	free(seg);
	switch (history_load(r, id, &h, err, sizeof(err))) {
	case -1:
		reply_textf(rp, 404, "NCT number %s not found", id);
		return;
	case -2:
		reply_textf(rp, 500, "fakereg: %s", err);
		return;
	default:
		break;
	}
	if (*after == '\0') {
		hist = evhttp_find_header(q, "history");
		/* The current record: the served file, else the last version. */
		if ((cur_path = study_path(r, id)) != NULL)
			cur = json_load_file(cur_path, 0, NULL);
		if (cur == NULL)
			cur = json_incref(h.v[h.n - 1]);
		if (hist && strcmp(hist, "true") == 0)
			reply_json(rp, reshaped ? json_pack("{s:o, s:o}",
			    "record", cur, "changeLog", history_changes(&h,
			    true)) : json_pack("{s:o, s:{s:o}}", "study", cur,
			    "history", "changes", history_changes(&h, false)));
		else
			reply_json(rp, json_pack("{s:o}", reshaped ? "record" :
			    "study", cur));
	} else if (strcmp(after, "/history") == 0) {
		if (mode == FAKEREG_HISTORY_LIST_GONE)
			reply_nginx_404(rp);
		else
			reply_json(rp, json_pack("{s:o}", reshaped ? "versions" :
			    "changes", history_changes(&h, reshaped)));
	} else if (strncmp(after, "/history/", 9) == 0 &&
	    isdigit((unsigned char)after[9])) {
		errno = 0;
		v = strtoul(after + 9, &end, 10);
		if (*end != '\0' || errno != 0)
			reply_nginx_404(rp);
		else if (v >= h.n)
			reply_textf(rp, 404, "Version %lu of %s not found", v,
			    id);
		else
			reply_json(rp, json_pack("{s:I, s:O}", reshaped ?
			    "version" : "studyVersion", (json_int_t)v,
			    reshaped ? "record" : "study", h.v[v]));
	} else {
		reply_nginx_404(rp);
	}
	free(cur_path);
	hversions_free(&h);
}

static void
admin_history(struct fakereg *r, struct evkeyvalq *q, struct reply *rp)
{
	static const char *const names[] = {"normal", "gone", "list_gone",
	    "reshaped"};
	const char *mode = evhttp_find_header(q, "mode");

	for (size_t i = 0; mode && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(mode, names[i]) == 0) {
			fakereg_set_history_mode(r,
			    (enum fakereg_history_mode)i);
			reply_text(rp, 200, "ok\n");
			return;
		}
	reply_text(rp, 400, "fakereg: mode must be normal, gone, list_gone "
	    "or reshaped");
}

/* The normal answer to a registry request (expire_tokens: route_studies). */
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
		reply_text(rp, 405, "fakereg: only GET is served");
		rp->extra = strdup("Allow: GET\r\n");
		goto out;
	}
	if ((raw = strndup(target, plen)) == NULL ||
	    (path = evhttp_uridecode(raw, 0, NULL)) == NULL) {
		reply_text(rp, 400, "fakereg: bad request target");
		goto out;
	}
	if (query && evhttp_parse_query_str(query, &q) < 0) {
		reply_text(rp, 400, "fakereg: malformed query string");
		goto out;
	}
	if (strcmp(path, API_PREFIX "/studies") == 0 ||
	    strcmp(path, API_PREFIX "/studies/") == 0)
		route_studies(r, &q, rp, expire_tokens);
	else if (strncmp(path, API_PREFIX "/studies/", 16) == 0 &&
	    strchr(path + 16, '/') == NULL)
		route_study(r, path + 16, query, &q, rp);
	else if (strcmp(path, API_PREFIX "/version") == 0)
		route_version(r, rp);
	else if (strncmp(path, INT_PREFIX "/", strlen(INT_PREFIX "/")) == 0)
		route_int(r, path, &q, rp);
	else
		reply_nginx_404(rp);
out:
	evhttp_clear_headers(&q);
	free(path);
	free(raw);
}

/* ------------------------------------------------------------- admin */

static const struct {
	const char *name;
	enum fakereg_fault_kind kind;
} kind_names[] = {
	{"status", FAULT_STATUS},
	{"retry_after", FAULT_RETRY_AFTER},
	{"delay", FAULT_DELAY},
	{"stall", FAULT_STALL},
	{"close", FAULT_CLOSE},
	{"truncate", FAULT_TRUNCATE},
	{"malformed_json", FAULT_MALFORMED_JSON},
	{"wrong_id", FAULT_WRONG_ID},
	{"oversized", FAULT_OVERSIZED},
	{"html_200", FAULT_HTML_200},
	{"bad_gzip", FAULT_BAD_GZIP},
	{"token_repeat", FAULT_TOKEN_REPEAT},
	{"token_endless", FAULT_TOKEN_ENDLESS},
	{"older_twin", FAULT_OLDER_TWIN},
	{"token_expired", FAULT_TOKEN_EXPIRED},
};

static bool
kind_parse(const char *s, enum fakereg_fault_kind *kind)
{
	char name[32];
	size_t i;

	if (strncasecmp(s, "FAULT_", 6) == 0)
		s += 6;
	for (i = 0; s[i] && i < sizeof(name) - 1; i++)
		name[i] = s[i] == '-' ? '_' :
		    (char)tolower((unsigned char)s[i]);
	name[i] = '\0';
	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(name, kind_names[i].name) == 0) {
			*kind = kind_names[i].kind;
			return true;
		}
	return false;
}

static bool
num_param(struct evkeyvalq *q, const char *key, unsigned long long *out)
{
	const char *s = evhttp_find_header(q, key);
	char *end;

	if (s == NULL)
		return true;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && s[0] != '-';
}

static void
admin_fault(struct fakereg *r, struct evkeyvalq *q, struct reply *rp)
{
	struct fakereg_fault f = {0};
	unsigned long long status = 0, ra = 0, delay = 0, count = 0, size = 0;
	unsigned long long span = 0;
	const char *kind = evhttp_find_header(q, "kind");

	if (kind == NULL || !kind_parse(kind, &f.kind)) {
		reply_text(rp, 400, "fakereg: kind must be one of status, "
		    "retry_after, delay, stall, close, truncate, "
		    "malformed_json, wrong_id, oversized, html_200, bad_gzip, "
		    "token_repeat, token_endless, older_twin, token_expired");
		return;
	}
	if (!num_param(q, "status", &status) || status > 999 ||
	    !num_param(q, "retry_after", &ra) || ra > 86400 ||
	    !num_param(q, "delay_ms", &delay) || delay > 3600000 ||
	    !num_param(q, "count", &count) || count > 1000000000 ||
	    !num_param(q, "span_ms", &span) || span > 86400000 ||
	    !num_param(q, "size", &size)) {
		reply_text(rp, 400, "fakereg: bad number in fault parameters");
		return;
	}
	f.match = evhttp_find_header(q, "match");
	f.status = (int)status;
	f.retry_after = (int)ra;
	f.delay_ms = (unsigned)delay;
	f.count = (unsigned)count;
	f.size = (size_t)size;
	f.span_ms = (unsigned)span;
	if (fakereg_add_fault(r, &f) < 0)
		reply_text(rp, 500, "fakereg: cannot add the fault");
	else
		reply_text(rp, 200, "ok\n");
}

static void
admin_alias(struct fakereg *r, struct evkeyvalq *q, struct reply *rp)
{
	const char *from = evhttp_find_header(q, "alias");
	const char *to = evhttp_find_header(q, "current");
	const char *clear = evhttp_find_header(q, "clear");

	if (clear != NULL && strcmp(clear, "yes") == 0) {
		fakereg_clear_aliases(r);
		reply_text(rp, 200, "ok\n");
	} else if (from == NULL || to == NULL ||
	    fakereg_set_alias(r, from, to) < 0)
		reply_text(rp, 400, "fakereg: alias=NCT..&current=NCT.. "
		    "(two well-formed NCT numbers), or clear=yes");
	else
		reply_text(rp, 200, "ok\n");
}

/*
 * Read every record once, as the registry has its index ready before any
 * client asks: each file's bytes checked and remembered (a full record
 * then goes out without a parse) and the search index built.  For
 * benchmarks, so that neither contender pays for the fake's first reads.
 */
static void
admin_warm(struct fakereg *r, struct reply *rp)
{
	const struct fsearch_hit *hits;
	struct evkeyvalq none;
	DIR *d = opendir(r->dir);
	struct dirent *de;
	size_t n = 0, n_hits, len;
	unsigned long gen;
	char id[16], err[512], *text;
	bool missing;
	int64_t t0 = now_ms();

	if (d == NULL) {
		reply_textf(rp, 500, "fakereg: cannot list %.200s", r->dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 16 ||
		    strcmp(de->d_name + 11, ".json") != 0)
			continue;
		memcpy(id, de->d_name, 11);
		id[11] = '\0';
		if (is_nct(id) && record_text(r, id, NULL, 0, &text, &len,
		    &missing, err, sizeof(err)) == 0) {
			free(text);
			n++;
		}
	}
	closedir(d);
	TAILQ_INIT(&none);
	if (fsearch_run(r->search, &none, NULL, 0, &hits, &n_hits, &gen, err,
	    sizeof(err)) < 0) {
		reply_textf(rp, 500, "fakereg: %s", err);
		return;
	}
	reply_json(rp, json_pack("{s:I, s:I, s:I}", "records", (json_int_t)n,
	    "indexed", (json_int_t)n_hits, "ms", (json_int_t)(now_ms() - t0)));
}

static void
route_admin(struct fakereg *r, const char *target, struct reply *rp)
{
	const char *name = target + strlen(ADMIN_PREFIX);
	const char *qmark = strchr(name, '?');
	size_t nlen = qmark ? (size_t)(qmark - name) : strlen(name);
	struct evkeyvalq q;
	char *text;

	TAILQ_INIT(&q);
	if (qmark && evhttp_parse_query_str(qmark + 1, &q) < 0) {
		reply_text(rp, 400, "fakereg: malformed query string");
		goto out;
	}
	if (nlen == 3 && strncmp(name, "log", 3) == 0) {
		text = fakereg_log(r);
		reply_text(rp, 200, text ? text : "");
		free(text);
	} else if (nlen == 5 && strncmp(name, "clear", 5) == 0) {
		fakereg_clear_log(r);
		fakereg_clear_faults(r);
		reply_text(rp, 200, "ok\n");
	} else if (nlen == 5 && strncmp(name, "fault", 5) == 0) {
		admin_fault(r, &q, rp);
	} else if (nlen == 5 && strncmp(name, "alias", 5) == 0) {
		admin_alias(r, &q, rp);
	} else if (nlen == 7 && strncmp(name, "history", 7) == 0) {
		admin_history(r, &q, rp);
	} else if (nlen == 6 && strncmp(name, "limits", 6) == 0) {
		unsigned long long max = 0;

		if (!num_param(&q, "max_url", &max) || max > (1u << 30)) {
			reply_text(rp, 400, "fakereg: max_url=N (bytes)");
		} else {
			fakereg_set_max_url(r, (size_t)max);
			reply_text(rp, 200, "ok\n");
		}
	} else if (nlen == 4 && strncmp(name, "warm", 4) == 0) {
		admin_warm(r, rp);
	} else if (nlen == 5 && strncmp(name, "stats", 5) == 0) {
		reply_json(rp, json_pack("{s:I, s:I, s:I}", "requests",
		    (json_int_t)fakereg_count(r, NULL), "max_per_minute",
		    (json_int_t)fakereg_max_per_minute(r), "records_parsed",
		    (json_int_t)fakereg_parsed(r)));
	} else {
		reply_text(rp, 404, "fakereg: admin paths are log, clear, "
		    "fault, alias, history, limits, stats, warm");
	}
out:
	evhttp_clear_headers(&q);
}

/* ------------------------------------------------------------ faults */

/* Give every record of a 200 JSON answer another nctId. */
static void
wrong_ids(struct reply *rp)
{
	json_t *root, *arr, *s, *idm;
	const char *id;
	char other[16];
	size_t i, n = 1;

	if (rp->status != 200 || strcmp(rp->ctype, "application/json") != 0 ||
	    (root = json_loadb(rp->body, rp->len, 0, NULL)) == NULL)
		return;
	if ((arr = json_object_get(root, "studies")) != NULL)
		n = json_array_size(arr);
	for (i = 0; i < n; i++) {
		s = arr ? json_array_get(arr, i) : root;
		idm = json_object_get(json_object_get(s, "protocolSection"),
		    "identificationModule");
		if ((id = json_string_value(json_object_get(idm, "nctId"))) ==
		    NULL || strlen(id) < 4)
			continue;
		snprintf(other, sizeof(other), "%s", id);
		other[3] = other[3] == '9' ? '8' : '9';
		json_object_set_new(idm, "nctId", json_string(other));
	}
	reply_json(rp, root);
}

/* Give a 200 JSON answer the nextPageToken `tok`. */
static void
set_token(struct reply *rp, const char *tok)
{
	json_t *root;

	if (rp->status != 200 || (root = json_loadb(rp->body, rp->len, 0,
	    NULL)) == NULL || !json_is_object(root)) {
		if (rp->status == 200)
			reply_text(rp, 500, "fakereg: not a JSON object");
		return;
	}
	json_object_set_new(root, "nextPageToken", json_string(tok));
	reply_json(rp, root);
}

/*
 * Put before every record of a 200 /studies answer a copy of it as it was
 * years ago: its last-update date seven years earlier, another brief
 * title.  Two records for one ID in one answer, the older first.
 */
static void
older_twins(struct reply *rp)
{
	json_t *root, *arr, *out;

	if (rp->status != 200 || (root = json_loadb(rp->body, rp->len, 0,
	    NULL)) == NULL)
		return;
	if (!json_is_array(arr = json_object_get(root, "studies"))) {
		json_decref(root);
		return;
	}
	out = json_array();
	for (size_t i = 0; i < json_array_size(arr); i++) {
		json_t *s = json_array_get(arr, i), *old = json_deep_copy(s);
		json_t *ps = json_object_get(old, "protocolSection");
		json_t *lu = json_object_get(json_object_get(ps, "statusModule"),
		    "lastUpdatePostDateStruct");

		const char *d = json_string_value(json_object_get(lu, "date"));
		char older[16];

		if (d != NULL && strlen(d) >= 4 && atoi(d) > 1000)
			snprintf(older, sizeof(older), "%04d%s", atoi(d) - 7,
			    d + 4);
		else
			snprintf(older, sizeof(older), "%s", "1999-01-02");
		if (json_is_object(lu))
			json_object_set_new(lu, "date", json_string(older));
		json_object_set_new(json_object_get(ps, "identificationModule"),
		    "briefTitle", json_string("An older title"));
		json_array_append_new(out, old);
		json_array_append(out, s);
	}
	json_object_set_new(root, "studies", out);
	reply_json(rp, root);
}

/* The answer a fault of a kind that replaces the response gives. */
static void
fault_reply(const struct fakereg_fault *f, struct reply *rp)
{
	static const char html[] = "<!DOCTYPE html>\n<html><head><title>503 "
	    "Service Temporarily Unavailable</title></head>\n<body><h1>Service "
	    "Temporarily Unavailable</h1><p>The server is temporarily unable "
	    "to service your request.</p></body></html>\n";
	static const char broken[] = "{\"studies\":[{\"protocolSection\":"
	    "{\"identificationModule\":{\"nctId\":\"NCT0298";
	/* gzip header, then a deflate block of the reserved type 3 */
	static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0,
	    0x00, 0x03, 0xff, 0xff, 0xff, 0xff, 0xde, 0xad, 0xbe, 0xef, 0x00,
	    0x13, 0x37, 0xff, 0xff, 0xff};
	int status;

	switch (f->kind) {
	case FAULT_STATUS:
		status = f->status ? f->status : 500;
		reply_textf(rp, status, "fakereg: injected %d %s", status,
		    reason(status));
		break;
	case FAULT_RETRY_AFTER:
		status = f->status ? f->status : 429;
		reply_textf(rp, status, "fakereg: injected %d %s, retry after "
		    "%d s", status, reason(status), f->retry_after);
		if (asprintf(&rp->extra, "Retry-After: %d\r\n",
		    f->retry_after) < 0)
			rp->extra = NULL;
		break;
	case FAULT_MALFORMED_JSON:
		reply_text(rp, 200, broken);
		rp->ctype = "application/json";
		break;
	case FAULT_HTML_200:
		reply_text(rp, 200, html);
		rp->ctype = "text/html; charset=utf-8";
		break;
	case FAULT_BAD_GZIP:
		reply_free(rp);
		rp->status = 200;
		rp->ctype = "application/json";
		if ((rp->body = malloc(sizeof(gz))) != NULL) {
			memcpy(rp->body, gz, sizeof(gz));
			rp->len = sizeof(gz);
		}
		rp->extra = strdup("Content-Encoding: gzip\r\n");
		break;
	default:
		break;
	}
}

/*
 * Run, then forget, the hooks whose match the request target contains:
 * in the server thread, before the request is answered.
 */
static void
run_hooks(struct fakereg *r, const char *target)
{
	struct hook **pp, *h;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		for (pp = &r->hooks; (h = *pp) != NULL; pp = &h->next)
			if (h->match == NULL || strstr(target, h->match))
				break;
		if (h != NULL)
			*pp = h->next;
		pthread_mutex_unlock(&r->mu);
		if (h == NULL)
			return;
		h->fn(h->arg);
		free(h->match);
		free(h);
	}
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
	    status, reason(status), ctype, len, extra ? extra : "",
	    c->close_after ? "close" : "keep-alive");
}

/* Put a reply on the wire; with `truncate` only half its body, then close. */
static void
send_reply(struct conn *c, struct reply *rp, bool truncate)
{
	if (rp->ctype == NULL)
		reply_text(rp, 500, "fakereg: no answer");
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
	reply_free(&rp);
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
		route_admin(r, c->target, &rp);
		send_reply(c, &rp, false);
		goto out;
	}
	log_add(r, c->method, c->target);
	run_hooks(r, c->target);
	pthread_mutex_lock(&r->mu);
	max = r->max_url ? r->max_url : MAX_URL_DEFAULT;
	pthread_mutex_unlock(&r->mu);
	if (strlen(c->target) > max) {
		/* The web server refuses it before the API sees it. */
		reply_text(&rp, 414, NGINX_414);
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
		wrong_ids(&rp);
		send_reply(c, &rp, false);
		break;
	case FAULT_OVERSIZED:
		send_oversized(c, f.size ? f.size : OVERSIZED_DEFAULT);
		break;
	case FAULT_TOKEN_REPEAT:
	case FAULT_TOKEN_ENDLESS:
		/* A later page: no records, and still a token. */
		if (strstr(c->target, "pageToken=") != NULL)
			reply_body(&rp, strdup("{\"studies\":[]}"), 14);
		else
			route(r, c->method, c->target, &rp, false);
		if (f.kind == FAULT_TOKEN_REPEAT)
			snprintf(tok, sizeof(tok), "%s", "again");
		else
			snprintf(tok, sizeof(tok), "endless%u", ++r->endless);
		set_token(&rp, tok);
		send_reply(c, &rp, false);
		break;
	case FAULT_OLDER_TWIN:
		route(r, c->method, c->target, &rp, false);
		older_twins(&rp);
		send_reply(c, &rp, false);
		break;
	case FAULT_TOKEN_EXPIRED:
		route(r, c->method, c->target, &rp, true);
		send_reply(c, &rp, false);
		break;
	default:
		fault_reply(&f, &rp);
		send_reply(c, &rp, false);
		break;
	}
out:
	reply_free(&rp);
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

	reply_text(&rp, status, text);
	c->keepalive = false;
	send_reply(c, &rp, false);
	reply_free(&rp);
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
	cache_free(r);
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

/* --------------------------------------------------- public controls */

int
fakereg_add_fault(struct fakereg *r, const struct fakereg_fault *f)
{
	struct fault_entry *e, **pp;

	if (r == NULL || f == NULL || f->kind < FAULT_STATUS ||
	    f->kind > FAULT_TOKEN_EXPIRED)
		return -1;
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	e->f = *f;
	if (f->match && (e->match = strdup(f->match)) == NULL) {
		free(e);
		return -1;
	}
	e->f.match = e->match;
	pthread_mutex_lock(&r->mu);
	for (pp = &r->faults; *pp; pp = &(*pp)->next)
		;
	*pp = e;
	pthread_mutex_unlock(&r->mu);
	return 0;
}

void
fakereg_clear_faults(struct fakereg *r)
{
	struct fault_entry *f, *next;

	pthread_mutex_lock(&r->mu);
	f = r->faults;
	r->faults = NULL;
	r->history_mode = FAKEREG_HISTORY_NORMAL;
	pthread_mutex_unlock(&r->mu);
	for (; f; f = next) {
		next = f->next;
		free(f->match);
		free(f);
	}
}

int
fakereg_set_alias(struct fakereg *r, const char *alias, const char *current)
{
	struct alias *a;

	if (r == NULL || alias == NULL || current == NULL || !is_nct(alias) ||
	    !is_nct(current) || strcmp(alias, current) == 0)
		return -1;
	pthread_mutex_lock(&r->mu);
	for (a = r->aliases; a; a = a->next)
		if (strcmp(a->from, alias) == 0)
			break;
	if (a == NULL && (a = calloc(1, sizeof(*a))) != NULL) {
		snprintf(a->from, sizeof(a->from), "%s", alias);
		a->next = r->aliases;
		r->aliases = a;
	}
	if (a) {
		snprintf(a->to, sizeof(a->to), "%s", current);
		r->alias_gen++;
	}
	pthread_mutex_unlock(&r->mu);
	return a ? 0 : -1;
}

void
fakereg_clear_aliases(struct fakereg *r)
{
	struct alias *a;

	pthread_mutex_lock(&r->mu);
	while ((a = r->aliases) != NULL) {
		r->aliases = a->next;
		free(a);
	}
	r->alias_gen++;
	pthread_mutex_unlock(&r->mu);
}

int
fakereg_before(struct fakereg *r, const char *match, void (*fn)(void *arg),
    void *arg)
{
	struct hook *h, **pp;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	if (match != NULL && (h->match = strdup(match)) == NULL) {
		free(h);
		return -1;
	}
	h->fn = fn;
	h->arg = arg;
	pthread_mutex_lock(&r->mu);
	for (pp = &r->hooks; *pp; pp = &(*pp)->next)
		;
	*pp = h;
	pthread_mutex_unlock(&r->mu);
	return 0;
}

void
fakereg_clear_hooks(struct fakereg *r)
{
	struct hook *h;

	pthread_mutex_lock(&r->mu);
	while ((h = r->hooks) != NULL) {
		r->hooks = h->next;
		free(h->match);
		free(h);
	}
	pthread_mutex_unlock(&r->mu);
}

void
fakereg_set_max_url(struct fakereg *r, size_t max_url)
{
	pthread_mutex_lock(&r->mu);
	r->max_url = max_url;
	pthread_mutex_unlock(&r->mu);
}

size_t
fakereg_count(struct fakereg *r, const char *match)
{
	size_t n = 0;

	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n_log; i++)
		if (match == NULL || strstr(r->log[i].line, match))
			n++;
	pthread_mutex_unlock(&r->mu);
	return n;
}

char *
fakereg_log(struct fakereg *r)
{
	size_t len = 1, i, at = 0, l;
	char *s;

	pthread_mutex_lock(&r->mu);
	for (i = 0; i < r->n_log; i++)
		len += strlen(r->log[i].line) + 1;
	if ((s = malloc(len)) != NULL) {
		for (i = 0; i < r->n_log; i++) {
			l = strlen(r->log[i].line);
			memcpy(s + at, r->log[i].line, l);
			s[at + l] = '\n';
			at += l + 1;
		}
		s[at] = '\0';
	}
	pthread_mutex_unlock(&r->mu);
	return s;
}

void
fakereg_clear_log(struct fakereg *r)
{
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n_log; i++)
		free(r->log[i].line);
	r->n_log = 0;
	pthread_mutex_unlock(&r->mu);
}

unsigned
fakereg_max_per_minute(struct fakereg *r)
{
	size_t i = 0, j, best = 0;

	pthread_mutex_lock(&r->mu);
	/* Log entries are in time order: a two-pointer sliding window. */
	for (j = 0; j < r->n_log; j++) {
		while (r->log[j].ms - r->log[i].ms >= 60000)
			i++;
		if (j - i + 1 > best)
			best = j - i + 1;
	}
	pthread_mutex_unlock(&r->mu);
	return (unsigned)best;
}

size_t
fakereg_parsed(struct fakereg *r)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = r->parsed;
	pthread_mutex_unlock(&r->mu);
	return n;
}

void
fakereg_set_history_mode(struct fakereg *r, enum fakereg_history_mode mode)
{
	pthread_mutex_lock(&r->mu);
	r->history_mode = mode;
	pthread_mutex_unlock(&r->mu);
}

/*
 * fakereg_int.h - what the fakereg*.c files share and nobody else sees:
 * the server's state (struct fakereg, its mutex-guarded part included),
 * the answer a route builds (struct reply) and the helpers that fill it,
 * and each file's entry points for the others.  Tests, benchmarks and
 * fakereg_main.c include fakereg.h only.
 *
 *   fakereg.c          the server: helpers, shared state, the router,
 *                      the wire (HTTP/1.1 on bufferevents), the thread
 *   fakereg_studies.c  record files, projection, the cache, and the
 *                      /api/v2 routes: /studies, /studies/{id}, /version
 *   fakereg_search.c   the searches of GET /studies (fakereg_search.h)
 *   fakereg_history.c  the History of Changes under /api/int
 *   fakereg_admin.c    the /_fakereg/ admin routes, the public controls
 *                      they call, and what injected faults do to answers
 */
#ifndef CTMIRROR_FAKEREG_INT_H
#define CTMIRROR_FAKEREG_INT_H

#include "fakereg.h"

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define API_PREFIX	"/api/v2"
#define INT_PREFIX	"/api/int"	/* history endpoints (registry/HISTORY.md) */
#define ADMIN_PREFIX	"/_fakereg/"

struct conn;
struct cache_entry;
struct evkeyvalq;
struct fsearch;

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

struct log_entry {
	char *line;		/* "GET /api/v2/..." */
	int64_t ms;		/* monotonic clock */
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

/* ------------------------------------------------------------ fakereg.c */

/* The monotonic clock, in milliseconds. */
int64_t fakereg_now_ms(void);

/*
 * An ID as the registry reads one: its pattern ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$
 * (OpenAPI spec 2.0.5, the nctId path parameter and filter.ids items),
 * into the NCT + 8 digits form of out.  NCT00000000 does not match.
 */
bool fakereg_nct_canon(const char *s, char out[16]);

/* The reason phrase of an HTTP status ("Status" for one it does not know). */
const char *fakereg_reason(int status);

void fakereg_reply_free(struct reply *rp);

/* Replace rp with a text/plain answer (registry errors are plain text). */
void fakereg_reply_text(struct reply *rp, int status, const char *text);

void fakereg_reply_textf(struct reply *rp, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Replace rp with a 200 application/json answer.  Steals body. */
void fakereg_reply_body(struct reply *rp, char *body, size_t len);

/* fakereg_reply_body of root's compact JSON.  Steals root. */
void fakereg_reply_json(struct reply *rp, json_t *root);

/* Not the API's: the registry's web server's own HTML page. */
void fakereg_reply_nginx_404(struct reply *rp);

/* The current ID of `id` into out (itself if none).  True for an alias. */
bool fakereg_alias_lookup(struct fakereg *r, const char *id, char out[16]);

/* The aliases that lead to `id`, as a new JSON array; NULL when none. */
json_t *fakereg_aliases_of(struct fakereg *r, const char *id);

/* ---------------------------------------------------- fakereg_studies.c */

/* "DIR/ID.json".  New; NULL when out of memory. */
char *fakereg_study_path(struct fakereg *r, const char *id);

/*
 * DIR/ID.json projected to `paths` (n == 0: the whole record) as JSON text
 * into *text (new), most often the file's own bytes (record_file_text);
 * a record that IDs lead to as aliases lists them in its nctIdAliases, as
 * the registry's records do (NCTIdAlias, the field filter.ids also
 * searches).  Records without aliases go out untouched.  0; -1 with
 * *missing set when there is no such file, or with `err` filled when it
 * does not parse.
 */
int fakereg_record_text(struct fakereg *r, const char *id, char **paths,
    size_t n, char **text, size_t *len, bool *missing, char *err,
    size_t errlen);

/* Forget every record file remembered (fakereg_stop). */
void fakereg_cache_free(struct fakereg *r);

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
void fakereg_route_studies(struct fakereg *r, struct evkeyvalq *q,
    struct reply *rp, bool expire_tokens);

/*
 * GET /studies/{id}: one record, 301 for an alias, 404 text/plain when
 * there is none (`query`: the query string, NULL when none).
 */
void fakereg_route_study(struct fakereg *r, const char *id,
    const char *query, struct evkeyvalq *q, struct reply *rp);

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
void fakereg_route_version(struct fakereg *r, struct reply *rp);

/* ---------------------------------------------------- fakereg_history.c */

/*
 * Every path under /api/int (a web server's 404 for those it does not
 * serve):
 *   GET /api/int/studies/{nctId}/history       {"changes": [...]}
 *   GET /api/int/studies/{nctId}?history=true  {"study": current,
 *                                               "history": {"changes": [...]}}
 *   GET /api/int/studies/{nctId}/history/{v}   {"studyVersion": v,
 *                                               "study": version v}
 */
void fakereg_route_int(struct fakereg *r, const char *path,
    struct evkeyvalq *q, struct reply *rp);

/* ------------------------------------------------------ fakereg_admin.c */

/* A request under /_fakereg/ (never logged, never faulted). */
void fakereg_route_admin(struct fakereg *r, const char *target,
    struct reply *rp);

/* FAULT_WRONG_ID: give every record of a 200 JSON answer another nctId. */
void fakereg_fault_wrong_ids(struct reply *rp);

/* Give a 200 JSON answer the nextPageToken `tok` (FAULT_TOKEN_*). */
void fakereg_fault_token(struct reply *rp, const char *tok);

/*
 * FAULT_OLDER_TWIN: put before every record of a 200 /studies answer a
 * copy of it as it was years ago: its last-update date seven years
 * earlier, another brief title.  Two records for one ID in one answer,
 * the older first.
 */
void fakereg_fault_older_twins(struct reply *rp);

/* The answer a fault of a kind that replaces the response gives. */
void fakereg_fault_reply(const struct fakereg_fault *f, struct reply *rp);

/*
 * Run, then forget, the hooks whose match the request target contains:
 * in the server thread, before the request is answered.
 */
void fakereg_run_hooks(struct fakereg *r, const char *target);

#endif

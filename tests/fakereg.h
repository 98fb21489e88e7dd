/*
 * fakereg.h - a fake ClinicalTrials.gov API v2 server for tests and
 * benchmarks.  It listens on 127.0.0.1 (port 0 = any free port) in a thread
 * of its own (libevent bufferevents), serves study records from a folder of
 * NCTxxxxxxxx.json files read at request time (tests rewrite them between
 * syncs), keeps a request log, and injects faults on request.
 *
 * A whole record goes out as the bytes of its file (re-serialised only when
 * it holds a duplicate key, which jansson folds).  Each file parsed is
 * remembered by its key (inode, size, mtime and ctime to the nanosecond)
 * with its NCTId / LastUpdatePostDate projection, so a probe of an
 * unchanged file costs a stat and a full answer no parse.  A file whose
 * times are under a second old is not remembered, so a rewrite is always
 * seen, even one within the same clock tick and with the same size.
 *
 * The code: fakereg.c (the server, its wire and thread),
 * fakereg_studies.c (records and the /api/v2 routes), fakereg_search.c
 * (searches), fakereg_history.c (/api/int) and fakereg_admin.c (the admin
 * routes, the controls below and injected faults); fakereg_int.h is what
 * they share.
 *
 * Every behaviour the fake copies from the real registry is listed, with
 * its source, in tests/registry/CONFORMANCE.md.  Paths served (under
 * /api/v2); an ID is what the registry's pattern ^[Nn][Cc][Tt]0*[1-9]\d{0,7}$
 * accepts (NCT00000000 is not one), read as NCT + 8 digits:
 *   GET /studies/{nctId}     one study; 404 text/plain "NCT number X not found";
 *                            400 text/plain for a malformed ID; 301 for an alias
 *   GET /studies             filter.ids (IDs separated by '|' or ','; an
 *                            alias gives its current record, whose
 *                            nctIdAliases lists it), fields (NCTId,
 *                            LastUpdatePostDate -> projection), pageSize
 *                            (default 10, 0 to 1000), countTotal (first
 *                            page), pageToken / nextPageToken (a full page
 *                            has one even when nothing follows); a
 *                            malformed ID in filter.ids -> 400 for the
 *                            batch; searches: query.cond, query.intr,
 *                            query.term, query.spons, query.titles,
 *                            query.lead (Essie expressions),
 *                            filter.overallStatus, filter.advanced
 *                            (fakereg_search.c), newest first
 *   GET /version             {"apiVersion": "2.0.5", "dataTimestamp": T}: T
 *                            moves when the served data changes (a record
 *                            file, an alias), one "build" at a time
 * Paths served under /api/int, the History of Changes (registry/HISTORY.md),
 * IDs read as under /api/v2:
 *   GET /studies/{nctId}/history       the change list {"changes": [...]}
 *   GET /studies/{nctId}?history=true  {"study": ..., "history": {"changes": [...]}}
 *   GET /studies/{nctId}/history/{v}   {"studyVersion": v, "study": {...}}
 *                            versions are {dir}/history/{nctId}/0.json, 1.json,
 *                            ...; without that folder the current record is
 *                            the only version
 * Anything else: 404 text/html, as the registry's web server; a request
 * target longer than max_url (default 8192, nginx's default line buffer)
 * -> 414 text/html.
 * Admin (for subprocess tests and benchmarks, never under /api/v2):
 *   GET /_fakereg/log        the request log, one "METHOD TARGET" per line
 *   GET /_fakereg/clear      clear the log and all faults
 *   GET /_fakereg/fault?kind=K&match=S&status=N&retry_after=N&delay_ms=N&count=N&size=N&span_ms=N
 *   GET /_fakereg/alias?alias=NCT..&current=NCT..   (or ?clear=yes)
 *   GET /_fakereg/limits?max_url=N
 *   GET /_fakereg/stats      {"requests": N, "max_per_minute": N,
 *                            "records_parsed": N}
 *   GET /_fakereg/warm       read and remember every record, build the
 *                            search index: {"records", "indexed", "ms"}
 *   GET /_fakereg/history?mode=normal|gone|list_gone|reshaped
 */
#ifndef CTMIRROR_FAKEREG_H
#define CTMIRROR_FAKEREG_H

#include <stddef.h>

enum fakereg_fault_kind {
	FAULT_STATUS = 0,	/* answer `status` with a text/plain body */
	FAULT_RETRY_AFTER,	/* answer `status` (429/503) with Retry-After: retry_after */
	FAULT_DELAY,		/* wait delay_ms, then answer normally */
	FAULT_STALL,		/* accept and never answer (until stop) */
	FAULT_CLOSE,		/* close the connection without any response */
	FAULT_TRUNCATE,		/* send headers and half the body, then close */
	FAULT_MALFORMED_JSON,	/* 200 application/json with broken JSON */
	FAULT_WRONG_ID,		/* 200, the records with their nctId changed */
	FAULT_OVERSIZED,	/* 200 application/json body of `size` bytes */
	FAULT_HTML_200,		/* 200 text/html error page */
	FAULT_BAD_GZIP,		/* Content-Encoding: gzip with a corrupt stream */
	FAULT_TOKEN_REPEAT,	/* GET /studies: every answer says nextPageToken "again" */
	FAULT_TOKEN_ENDLESS,	/* GET /studies: a new nextPageToken, forever */
	FAULT_OLDER_TWIN,	/* GET /studies: each record comes twice, an
				 * older copy (last update 7 years before) first */
	FAULT_TOKEN_EXPIRED,	/* GET /studies: a page token handed out before
				 * the data last changed is refused (400) */
};

struct fakereg_fault {
	enum fakereg_fault_kind kind;
	const char *match;	/* substring of the request target; NULL = every request */
	int status;		/* FAULT_STATUS, FAULT_RETRY_AFTER */
	int retry_after;	/* seconds */
	unsigned delay_ms;	/* FAULT_DELAY */
	size_t size;		/* FAULT_OVERSIZED */
	unsigned count;		/* fire this many times, then disarm; 0 = until cleared */
	/*
	 * Fire for this long after the first time it fired, then disarm
	 * (429 "for a span of seconds", as a busy registry does); 0 = no
	 * time limit.  With count, whichever ends first.
	 */
	unsigned span_ms;
};

struct fakereg;

/*
 * Start serving `dir` (borrowed path, must stay valid) on 127.0.0.1:port
 * (0: any free port).  New; NULL on failure.
 */
struct fakereg *fakereg_start(const char *dir, int port);

/* Stop the thread, close every connection, free.  NULL is a no-op. */
void fakereg_stop(struct fakereg *r);

/* "http://127.0.0.1:PORT/api/v2".  Borrowed, valid until stop. */
const char *fakereg_url(const struct fakereg *r);
int fakereg_port(const struct fakereg *r);

/* Faults fire in the order added; the first whose match fits wins.  0 / -1. */
int fakereg_add_fault(struct fakereg *r, const struct fakereg_fault *f);
void fakereg_clear_faults(struct fakereg *r);

/*
 * alias -> current: /studies/{alias} answers 301, filter.ids returns the
 * current record, and the current record lists the alias in
 * protocolSection.identificationModule.nctIdAliases.
 */
int fakereg_set_alias(struct fakereg *r, const char *alias, const char *current);

/* Forget every alias. */
void fakereg_clear_aliases(struct fakereg *r);

/*
 * Before the next request whose target contains `match` (NULL: any) is
 * answered, call fn(arg) once, in the server thread: a test's way to
 * change the data between two pages of a listing.  0 / -1.
 */
int fakereg_before(struct fakereg *r, const char *match,
    void (*fn)(void *arg), void *arg);
/* Forget every hook not run yet. */
void fakereg_clear_hooks(struct fakereg *r);

/* Refuse request targets longer than `max_url` bytes with 414 (0: 8192). */
void fakereg_set_max_url(struct fakereg *r, size_t max_url);

/*
 * How the history endpoints answer (until set again or faults are
 * cleared): normally; as if gone (every /api/int path a web server's HTML
 * 404); without the /history change list (the ?history=true form still
 * answers); or in another shape (their members renamed).
 */
enum fakereg_history_mode {
	FAKEREG_HISTORY_NORMAL = 0,
	FAKEREG_HISTORY_GONE,
	FAKEREG_HISTORY_LIST_GONE,
	FAKEREG_HISTORY_RESHAPED,
};
void fakereg_set_history_mode(struct fakereg *r, enum fakereg_history_mode mode);

/* Requests whose target contains `match` (NULL: all) since the last clear. */
size_t fakereg_count(struct fakereg *r, const char *match);
/* The log as one string, "GET /api/v2/studies?..." per line.  New (free()). */
char *fakereg_log(struct fakereg *r);
void fakereg_clear_log(struct fakereg *r);
/* Highest number of requests seen in any sliding 60 s window. */
unsigned fakereg_max_per_minute(struct fakereg *r);
/* Record files parsed since start (an answer from the cache parses none). */
size_t fakereg_parsed(struct fakereg *r);

#endif

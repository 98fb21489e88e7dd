/*
 * fakereg_admin.c - how tests steer and watch the fake registry: the
 * /_fakereg/ admin routes (for subprocess tests and benchmarks), the
 * public controls of fakereg.h they call (faults, aliases, hooks, limits,
 * the history mode, the request log and its counts), and what an injected
 * fault does to an answer.
 */
#include "fakereg_int.h"

#include "fakereg_search.h"
#include "text.h"	/* the one NCT ID check, as the daemon's */

#include <sys/queue.h>	/* TAILQ_INIT of an evkeyvalq */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool
is_nct(const char *s)
{
	return text_nct_id(s);
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
		fakereg_reply_text(rp, 400, "fakereg: kind must be one of "
		    "status, retry_after, delay, stall, close, truncate, "
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
		fakereg_reply_text(rp, 400,
		    "fakereg: bad number in fault parameters");
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
		fakereg_reply_text(rp, 500, "fakereg: cannot add the fault");
	else
		fakereg_reply_text(rp, 200, "ok\n");
}

static void
admin_alias(struct fakereg *r, struct evkeyvalq *q, struct reply *rp)
{
	const char *from = evhttp_find_header(q, "alias");
	const char *to = evhttp_find_header(q, "current");
	const char *clear = evhttp_find_header(q, "clear");

	if (clear != NULL && strcmp(clear, "yes") == 0) {
		fakereg_clear_aliases(r);
		fakereg_reply_text(rp, 200, "ok\n");
	} else if (from == NULL || to == NULL ||
	    fakereg_set_alias(r, from, to) < 0)
		fakereg_reply_text(rp, 400, "fakereg: alias=NCT..&current="
		    "NCT.. (two well-formed NCT numbers), or clear=yes");
	else
		fakereg_reply_text(rp, 200, "ok\n");
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
			fakereg_reply_text(rp, 200, "ok\n");
			return;
		}
	fakereg_reply_text(rp, 400,
	    "fakereg: mode must be normal, gone, list_gone or reshaped");
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
	int64_t t0 = fakereg_now_ms();

	if (d == NULL) {
		fakereg_reply_textf(rp, 500, "fakereg: cannot list %.200s",
		    r->dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != 16 ||
		    strcmp(de->d_name + 11, ".json") != 0)
			continue;
		memcpy(id, de->d_name, 11);
		id[11] = '\0';
		if (is_nct(id) && fakereg_record_text(r, id, NULL, 0, &text,
		    &len, &missing, err, sizeof(err)) == 0) {
			free(text);
			n++;
		}
	}
	closedir(d);
	TAILQ_INIT(&none);
	if (fsearch_run(r->search, &none, NULL, 0, &hits, &n_hits, &gen, err,
	    sizeof(err)) < 0) {
		fakereg_reply_textf(rp, 500, "fakereg: %s", err);
		return;
	}
	fakereg_reply_json(rp, json_pack("{s:I, s:I, s:I}", "records",
	    (json_int_t)n, "indexed", (json_int_t)n_hits, "ms",
	    (json_int_t)(fakereg_now_ms() - t0)));
}

void
fakereg_route_admin(struct fakereg *r, const char *target, struct reply *rp)
{
	const char *name = target + strlen(ADMIN_PREFIX);
	const char *qmark = strchr(name, '?');
	size_t nlen = qmark ? (size_t)(qmark - name) : strlen(name);
	struct evkeyvalq q;
	char *text;

	TAILQ_INIT(&q);
	if (qmark && evhttp_parse_query_str(qmark + 1, &q) < 0) {
		fakereg_reply_text(rp, 400, "fakereg: malformed query string");
		goto out;
	}
	if (nlen == 3 && strncmp(name, "log", 3) == 0) {
		text = fakereg_log(r);
		fakereg_reply_text(rp, 200, text ? text : "");
		free(text);
	} else if (nlen == 5 && strncmp(name, "clear", 5) == 0) {
		fakereg_clear_log(r);
		fakereg_clear_faults(r);
		fakereg_reply_text(rp, 200, "ok\n");
	} else if (nlen == 5 && strncmp(name, "fault", 5) == 0) {
		admin_fault(r, &q, rp);
	} else if (nlen == 5 && strncmp(name, "alias", 5) == 0) {
		admin_alias(r, &q, rp);
	} else if (nlen == 7 && strncmp(name, "history", 7) == 0) {
		admin_history(r, &q, rp);
	} else if (nlen == 6 && strncmp(name, "limits", 6) == 0) {
		unsigned long long max = 0;

		if (!num_param(&q, "max_url", &max) || max > (1u << 30)) {
			fakereg_reply_text(rp, 400,
			    "fakereg: max_url=N (bytes)");
		} else {
			fakereg_set_max_url(r, (size_t)max);
			fakereg_reply_text(rp, 200, "ok\n");
		}
	} else if (nlen == 4 && strncmp(name, "warm", 4) == 0) {
		admin_warm(r, rp);
	} else if (nlen == 5 && strncmp(name, "stats", 5) == 0) {
		fakereg_reply_json(rp, json_pack("{s:I, s:I, s:I}", "requests",
		    (json_int_t)fakereg_count(r, NULL), "max_per_minute",
		    (json_int_t)fakereg_max_per_minute(r), "records_parsed",
		    (json_int_t)fakereg_parsed(r)));
	} else {
		fakereg_reply_text(rp, 404, "fakereg: admin paths are log, "
		    "clear, fault, alias, history, limits, stats, warm");
	}
out:
	evhttp_clear_headers(&q);
}

/* ------------------------------------------------------------ faults */

void
fakereg_fault_wrong_ids(struct reply *rp)
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
	fakereg_reply_json(rp, root);
}

void
fakereg_fault_token(struct reply *rp, const char *tok)
{
	json_t *root;

	if (rp->status != 200 || (root = json_loadb(rp->body, rp->len, 0,
	    NULL)) == NULL || !json_is_object(root)) {
		if (rp->status == 200)
			fakereg_reply_text(rp, 500,
			    "fakereg: not a JSON object");
		return;
	}
	json_object_set_new(root, "nextPageToken", json_string(tok));
	fakereg_reply_json(rp, root);
}

void
fakereg_fault_older_twins(struct reply *rp)
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
	fakereg_reply_json(rp, root);
}

void
fakereg_fault_reply(const struct fakereg_fault *f, struct reply *rp)
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
		fakereg_reply_textf(rp, status, "fakereg: injected %d %s",
		    status, fakereg_reason(status));
		break;
	case FAULT_RETRY_AFTER:
		status = f->status ? f->status : 429;
		fakereg_reply_textf(rp, status,
		    "fakereg: injected %d %s, retry after %d s", status,
		    fakereg_reason(status), f->retry_after);
		if (asprintf(&rp->extra, "Retry-After: %d\r\n",
		    f->retry_after) < 0)
			rp->extra = NULL;
		break;
	case FAULT_MALFORMED_JSON:
		fakereg_reply_text(rp, 200, broken);
		rp->ctype = "application/json";
		break;
	case FAULT_HTML_200:
		fakereg_reply_text(rp, 200, html);
		rp->ctype = "text/html; charset=utf-8";
		break;
	case FAULT_BAD_GZIP:
		fakereg_reply_free(rp);
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

void
fakereg_run_hooks(struct fakereg *r, const char *target)
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

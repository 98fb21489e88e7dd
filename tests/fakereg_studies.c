/*
 * fakereg_studies.c - the fake registry's records and the /api/v2 routes
 * that serve them: record files read at request time, projected to the
 * fields asked for, remembered by their file's key so that an unchanged
 * file is not parsed again; GET /studies (filter.ids, its paging and page
 * tokens, the searches fakereg_search.c evaluates), GET /studies/{nctId}
 * and GET /version.
 */
#include "fakereg_int.h"

#include "fakereg_search.h"

#include <sys/queue.h>	/* TAILQ_FOREACH over evkeyvalq */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE_DEFAULT	10
#define PAGE_MAX	1000
#define API_VERSION	"2.0.5"
#define PATH_NCT_ID	"protocolSection.identificationModule.nctId"
#define PATH_LAST_UPDATE \
	"protocolSection.statusModule.lastUpdatePostDateStruct.date"
#define PATH_ALIASES	"protocolSection.identificationModule.nctIdAliases"

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

static uint32_t
fnv1a(uint32_t h, const char *s)
{
	for (; s && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h ^ 0xff;	/* separates "ab"+"c" from "a"+"bc" */
}

/* --------------------------------------------------------- study files */

char *
fakereg_study_path(struct fakereg *r, const char *id)
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
	char *p = fakereg_study_path(r, id);
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
 * The next item of a ',' or '|' separated list (strtok_r over `s`, then
 * NULL), spaces around it cut, empty items skipped; NULL at the end.
 * The API takes both separators in fields and filter.ids.
 */
static char *
list_item(char *s, char **save)
{
	char *tok, *end;

	while ((tok = strtok_r(s, ",|", save)) != NULL) {
		s = NULL;
		while (isspace((unsigned char)*tok))
			tok++;
		end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (*tok != '\0')
			return tok;
	}
	return NULL;
}

/*
 * Split `fields` (',' or '|' separated) into dotted paths.  New array of
 * new strings; NULL with `bad` set to the unknown field on error.
 */
static char **
fields_parse(const char *fields, size_t *n, char *bad, size_t badlen)
{
	char *copy = strdup(fields), *tok, *save = NULL;
	char **paths = NULL;
	size_t cap = 0, i;
	const char *path;

	*n = 0;
	if (copy == NULL)
		return NULL;
	for (tok = list_item(copy, &save); tok; tok = list_item(NULL, &save)) {
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

void
fakereg_cache_free(struct fakereg *r)
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
	char *p = fakereg_study_path(r, id), *buf = NULL;
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

int
fakereg_record_text(struct fakereg *r, const char *id, char **paths, size_t n,
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
	if (!wanted || (aliases = fakereg_aliases_of(r, id)) == NULL)
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
	char *copy = strdup(filter), *tok, *save = NULL;
	char cur[16];
	size_t cap = 0, i, j;
	int rc = -1;

	*ids = NULL;
	*n = 0;
	if (copy == NULL) {
		fakereg_reply_text(rp, 500, "fakereg: out of memory");
		goto out;
	}
	for (tok = list_item(copy, &save); tok; tok = list_item(NULL, &save)) {
		if (!fakereg_nct_canon(tok, cur)) {
			fakereg_reply_textf(rp, 400, "Parameter `filter.ids` "
			    "has incorrect format: `%.40s` is not an NCT "
			    "number", tok);
			goto out;
		}
		fakereg_alias_lookup(r, cur, cur);
		if (study_exists(r, cur) && ids_push(ids, n, &cap, cur) < 0) {
			fakereg_reply_text(rp, 500, "fakereg: out of memory");
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

void
fakereg_route_studies(struct fakereg *r, struct evkeyvalq *q, struct reply *rp,
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
			fakereg_reply_textf(rp, 400, "fakereg: parameter "
			    "`%.60s` is not supported here", kv->key);
			goto out;
		}
	}
	if (format && strcasecmp(format, "json") != 0) {
		fakereg_reply_text(rp, 400,
		    "fakereg: only format=json is served");
		goto out;
	}
	if (psize) {
		errno = 0;
		v = strtol(psize, &end, 10);
		if (errno || end == psize || *end != '\0' || v < 0) {
			fakereg_reply_textf(rp, 400, "Parameter `pageSize` has "
			    "incorrect format: `%.40s`", psize);
			goto out;
		}
		page = v > PAGE_MAX ? PAGE_MAX : (size_t)v;
	}
	if (fields && (paths = fields_parse(fields, &n_paths, bad,
	    sizeof(bad))) == NULL) {
		fakereg_reply_textf(rp, 400,
		    "Parameter `fields` has an unknown field `%.60s`", bad);
		goto out;
	}
	for (i = 0; token_params[i]; i++)
		qhash = fnv1a(qhash, evhttp_find_header(q, token_params[i]));
	if (ptoken && !token_read(ptoken, qhash, &offset, &tgen)) {
		fakereg_reply_text(rp, 400, "Parameter `pageToken` is "
		    "invalid or does not belong to this query");
		goto out;
	}
	if (filter && ids_from_filter(r, filter, &ids, &n_ids, rp) < 0)
		goto out;
	if ((search = filter == NULL || fsearch_wanted(q))) {
		char why[512];

		if (fsearch_run(r->search, q, filter ? ids : NULL, n_ids, &hits,
		    &n_hits, &gen, why, sizeof(why)) < 0) {
			fakereg_reply_text(rp, 400, why);
			goto out;
		}
		if (ptoken && expire_tokens && tgen != (gen & 0xffffffffu)) {
			fakereg_reply_text(rp, 400, "Parameter `pageToken` "
			    "has expired: the data were refreshed since the "
			    "first page");
			goto out;
		}
	}
	total = search ? n_hits : n_ids;
	/* Records go in as text, most as the bytes of their files. */
	if ((fp = open_memstream(&body, &blen)) == NULL) {
		fakereg_reply_text(rp, 500, "fakereg: out of memory");
		goto out;
	}
	fputc('{', fp);
	if (count && strcasecmp(count, "true") == 0 && ptoken == NULL)
		fprintf(fp, "\"totalCount\":%zu,", total);
	fputs("\"studies\":[", fp);
	for (i = offset, sep = ""; i < total && i < offset + page; i++) {
		if (fakereg_record_text(r, search ? hits[i].id : ids[i], paths,
		    n_paths, &text, &tlen, &missing, err, sizeof(err)) < 0) {
			if (missing)	/* removed since we looked */
				continue;
			fakereg_reply_textf(rp, 500, "fakereg: %s", err);
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
		fakereg_reply_text(rp, 500, "fakereg: out of memory");
		goto out;
	}
	fakereg_reply_body(rp, body, blen);
	body = NULL;
out:
	if (fp)
		fclose(fp);
	free(body);
	ids_free(ids, n_ids);
	ids_free(paths, n_paths);
}

void
fakereg_route_study(struct fakereg *r, const char *id, const char *query,
    struct evkeyvalq *q, struct reply *rp)
{
	const char *fields = evhttp_find_header(q, "fields");
	char canon[16], cur[16], bad[128] = "", err[512] = "", **paths = NULL;
	char *text;
	size_t n_paths = 0, len;
	bool missing;

	if (!fakereg_nct_canon(id, canon)) {
		fakereg_reply_text(rp, 400,
		    "Parameter `nctId` has incorrect format");
		goto out;
	}
	id = canon;
	if (fakereg_alias_lookup(r, id, cur)) {
		fakereg_reply_textf(rp, 301, "%s is an alias of %s", id, cur);
		if (asprintf(&rp->extra, "Location: %s" API_PREFIX "/studies/%s"
		    "%s%s\r\n", r->origin, cur, query ? "?" : "",
		    query ? query : "") < 0)
			rp->extra = NULL;
		goto out;
	}
	if (fields && (paths = fields_parse(fields, &n_paths, bad,
	    sizeof(bad))) == NULL) {
		fakereg_reply_textf(rp, 400,
		    "Parameter `fields` has an unknown field `%.60s`", bad);
		goto out;
	}
	if (fakereg_record_text(r, id, paths, n_paths, &text, &len, &missing,
	    err, sizeof(err)) < 0) {
		if (missing)
			fakereg_reply_textf(rp, 404,
			    "NCT number %s not found", id);
		else
			fakereg_reply_textf(rp, 500, "fakereg: %s", err);
		goto out;
	}
	fakereg_reply_body(rp, text, len);
out:
	ids_free(paths, n_paths);
}

void
fakereg_route_version(struct fakereg *r, struct reply *rp)
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
		fakereg_reply_textf(rp, 500, "fakereg: cannot list %.200s",
		    r->dir);
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
	fakereg_reply_json(rp, json_pack("{s:s, s:s}", "apiVersion",
	    API_VERSION, "dataTimestamp", stamp));
}

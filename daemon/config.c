/*
 * config.c - the INI file (inih) through one table of keys into struct
 * config, then environment overrides, then validation.  The table is the
 * single source of truth: defaults are parsed from its text like a file.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "search.h"
#include "text.h"

#define OFF(f) offsetof(struct config, f)
#define DAY (24u * 3600u)

/*
 * RELOAD: what a cycle reads each time it starts (tracking, pages, alerts,
 * the registry client, the schedule); SIGHUP applies it.  Without it: what
 * is bound once at start (database connection, local cluster, listen
 * socket, log sink).  SECRET: never printed, not even in an error.
 * One row per key, each row alone on its lines, so that a new key is one
 * row added where it belongs.
 */
#define RELOAD CONFIG_RELOAD
#define SECRET CONFIG_SECRET
#define RESTART 0
/* KEY(section, name, type, default, flags, OFF(member)[, .min =][, .max =]) */
#define KEY(sec, nm, ty, df, fl, ...) {.section = sec, .name = nm, \
	.type = ty, .def = df, .flags = fl, .offset = __VA_ARGS__}
#define LIST(sec, nm, ty, df, fl, member, count) KEY(sec, nm, ty, df, fl, \
	OFF(member), .count_offset = OFF(count))

static const struct config_key keys[] = {
	KEY("database", "conninfo", CONFIG_STRING, "", RESTART | SECRET,
	    OFF(conninfo)),
	KEY("database", "state_dir", CONFIG_STRING, "", RESTART,
	    OFF(state_dir)),
	KEY("database", "retain_delivered_alerts", CONFIG_DURATION, "30d",
	    RELOAD, OFF(retain_delivered_alerts), .max = 36500 * DAY),
	KEY("database", "retain_runs", CONFIG_DURATION, "400d", RELOAD,
	    OFF(retain_runs), .max = 36500 * DAY),

	KEY("registry", "base_url", CONFIG_URL,
	    "https://clinicaltrials.gov/api/v2", RELOAD, OFF(base_url)),
	KEY("registry", "rate_limit", CONFIG_UINT, "50", RELOAD,
	    OFF(rate_limit), .max = 100000),
	KEY("registry", "concurrency", CONFIG_UINT, "4", RELOAD,
	    OFF(concurrency), .min = 1, .max = 64),
	KEY("registry", "timeout", CONFIG_DURATION, "120s", RELOAD,
	    OFF(timeout), .min = 1, .max = DAY),
	KEY("registry", "connect_timeout", CONFIG_DURATION, "15s", RELOAD,
	    OFF(connect_timeout), .min = 1, .max = 3600),
	KEY("registry", "retries", CONFIG_UINT, "4", RELOAD, OFF(retries),
	    .max = 20),
	KEY("registry", "max_body", CONFIG_SIZE, "64M", RELOAD, OFF(max_body),
	    .min = 1024, .max = 1ul << 32),
	KEY("registry", "probe_batch", CONFIG_UINT, "1000", RELOAD,
	    OFF(probe_batch), .min = 1, .max = 1000),
	KEY("registry", "fetch_batch", CONFIG_UINT, "100", RELOAD,
	    OFF(fetch_batch), .min = 1, .max = 1000),
	KEY("registry", "tls_verify", CONFIG_BOOL, "yes", RELOAD,
	    OFF(tls_verify)),
	KEY("registry", "history_url", CONFIG_STRING, "", RELOAD,
	    OFF(history_url)),
	KEY("registry", "max_url", CONFIG_SIZE, "6k", RELOAD, OFF(max_url),
	    .min = 256, .max = 1ul << 20),
	KEY("registry", "retry_window", CONFIG_DURATION, "2m", RELOAD,
	    OFF(retry_window), .min = 1, .max = DAY),
	KEY("registry", "contact", CONFIG_STRING, "", RELOAD, OFF(contact)),

	LIST("tracking", "nct_ids", CONFIG_NCT_LIST,
	    "NCT02982915 NCT05233774 NCT04421456", RELOAD, nct_ids, n_nct_ids),
	KEY("tracking", "from_pages", CONFIG_BOOL, "no", RELOAD,
	    OFF(from_pages)),
	KEY("tracking", "max_missing", CONFIG_UINT, "10", RELOAD,
	    OFF(max_missing), .max = 1000000),
	KEY("tracking", "backfill", CONFIG_BOOL, "yes", RELOAD, OFF(backfill)),
	KEY("tracking", "backfill_requests", CONFIG_UINT, "200", RELOAD,
	    OFF(backfill_requests), .min = 1, .max = 1000000),

	LIST("pages", "paths", CONFIG_STRING_LIST, "", RELOAD, page_paths,
	    n_page_paths),
	KEY("pages", "stale_after_days", CONFIG_UINT, "180", RELOAD,
	    OFF(stale_after_days), .min = 1, .max = 36500),
	KEY("pages", "max_page_size", CONFIG_SIZE, "8M", RELOAD,
	    OFF(max_page_size), .min = 1, .max = 1ul << 32),
	KEY("pages", "identity_min_terms", CONFIG_UINT, "2", RELOAD,
	    OFF(identity_min_terms), .max = 100),
	KEY("pages", "record_cache", CONFIG_SIZE, "16M", RELOAD,
	    OFF(record_cache), .min = 1ul << 20, .max = 1ul << 32),
	KEY("pages", "root", CONFIG_STRING, "", RELOAD, OFF(page_root)),
	KEY("pages", "link", CONFIG_STRING, "", RELOAD, OFF(page_link)),

	KEY("daemon", "interval", CONFIG_DURATION, "24h", RELOAD, OFF(interval),
	    .min = 1, .max = 366 * DAY),
	KEY("daemon", "jitter", CONFIG_DURATION, "5m", RELOAD, OFF(jitter),
	    .max = 366 * DAY),
	KEY("daemon", "listen", CONFIG_STRING, "127.0.0.1:9187", RESTART,
	    OFF(listen)),
	KEY("daemon", "log", CONFIG_STRING, "stderr", RESTART, OFF(log)),
	KEY("daemon", "metrics_file", CONFIG_STRING, "", RELOAD,
	    OFF(metrics_file)),

	KEY("alerts", "stdout", CONFIG_BOOL, "yes", RELOAD, OFF(alert_stdout)),
	KEY("alerts", "notify", CONFIG_BOOL, "yes", RELOAD, OFF(alert_notify)),
	KEY("alerts", "webhook_url", CONFIG_STRING, "", RELOAD | SECRET,
	    OFF(webhook_url)),
	KEY("alerts", "allow_insecure_webhook", CONFIG_BOOL, "no", RELOAD,
	    OFF(allow_insecure_webhook)),
	KEY("alerts", "min_severity", CONFIG_STRING, "recheck", RELOAD,
	    OFF(min_severity)),

	KEY("report", "dir", CONFIG_STRING, "", RELOAD, OFF(report_dir)),
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* One parse in progress: the line reader inih pulls from and the result. */
struct parse {
	struct config *cfg;
	struct config_error *err;
	const char *file;
	FILE *fp;
	int line;		/* line inih is looking at (1-based) */
	bool after_key;		/* a key line came since the last [section] */
	bool continuation;	/* this line continues the previous key's value */
	bool bad_section;	/* keys here belong to a section in error */
	bool bad_key;		/* the last key was in error: skip its lines */
	bool failed;		/* the file cannot be read on: stop */
};

static void
seterr(struct config_error *err, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
seterr(struct config_error *err, const char *file, int line,
    const char *fmt, ...)
{
	struct config_problem *pb;
	va_list ap;

	if (err == NULL)
		return;
	/* Past the list's room they are counted, not kept. */
	if (err->n++ >= CONFIG_MAX_PROBLEMS)
		return;
	pb = &err->all[err->n - 1];
	snprintf(pb->file, sizeof(pb->file), "%s", file ? file : "");
	pb->line = line;
	va_start(ap, fmt);
	vsnprintf(pb->text, sizeof(pb->text), fmt, ap);
	va_end(ap);
	/*
	 * Messages quote what the file says; a control byte in it (an
	 * escape sequence, say) must not reach the operator's terminal.
	 */
	log_safe(pb->text);
	if (err->n == 1) {
		memcpy(err->file, pb->file, sizeof(err->file));
		err->line = pb->line;
		memcpy(err->text, pb->text, sizeof(err->text));
	}
}

/* Start a new load's list of problems. */
static void
clear_errors(struct config_error *err)
{
	memset(err, 0, sizeof(*err));
}

const struct config_key *
config_keys(size_t *n)
{
	*n = NKEYS;
	return keys;
}

int
config_parse_duration(const char *s, unsigned *seconds)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (s == NULL || !isdigit((unsigned char)*p))
		return -1;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned)(*p++ - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	switch (*p) {
	case '\0':
		break;
	case 's':
		p++;
		break;
	case 'm':
		mult = 60;
		p++;
		break;
	case 'h':
		mult = 3600;
		p++;
		break;
	case 'd':
		mult = DAY;
		p++;
		break;
	default:
		return -1;
	}
	if (*p != '\0' || v * mult > UINT32_MAX)
		return -1;
	*seconds = (unsigned)(v * mult);
	return 0;
}

/*
 * "64M", "8 MiB", "4096", "512k" into bytes.  0; -1 when it is not a size;
 * -2 when it is one too large for 64 bits.
 */
static int
parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v = 0, mult = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	/*
	 * Past 2^40 v stops growing (it cannot wrap) but the digits are read
	 * on, so "1...1x" is still not a size rather than too large.
	 */
	for (; isdigit((unsigned char)*p); p++)
		if (v <= (1ull << 40))
			v = v * 10 + (unsigned)(*p - '0');
	while (*p == ' ')
		p++;
	switch (*p) {
	case 'k': case 'K':
		mult = 1ull << 10;
		p++;
		break;
	case 'M':
		mult = 1ull << 20;
		p++;
		break;
	case 'G':
		mult = 1ull << 30;
		p++;
		break;
	default:
		break;
	}
	if (mult > 1 && strcmp(p, "iB") == 0)
		p += 2;
	else if (*p == 'B')
		p++;
	if (*p != '\0')
		return -1;
	/* 2^40 units of 1G would wrap: too large is too large, not small. */
	if (v > (1ull << 40) || v > UINT64_MAX / mult)
		return -2;
	*out = v * mult;
	return 0;
}

static int
parse_bool(const char *s, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"};
	static const char *no[] = {"no", "false", "off", "0"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* http(s)://host[:port][/path]: the only URLs ctmirror talks to. */
static bool
valid_url(const char *s)
{
	const char *host;

	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	if (*host == '\0' || *host == '/' || *host == ':' || *host == '?')
		return false;
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return false;
	return true;
}

static void
free_list(char ***v, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*v)[i]);
	free(*v);
	*v = NULL;
	*n = 0;
}

/*
 * Append a copy of word to a NULL-terminated list.  Lists are built only
 * here and hold a power of two of slots (at least 4), so the count says
 * when the slots are full: one realloc per doubling rather than one per
 * word, which copies the whole list each time under ASan (seconds at
 * 50,000 IDs).  0 / -1.
 */
static int
list_add(char ***v, size_t *n, const char *word, size_t len)
{
	size_t used = *n + 1;	/* the words and the NULL */
	char **nv = *v;

	if (nv == NULL || (used >= 4 && (used & (used - 1)) == 0)) {
		if ((nv = realloc(*v, (nv ? 2 * used : 4) * sizeof(*nv))) ==
		    NULL)
			return -1;
		*v = nv;
	}
	if ((nv[*n] = strndup(word, len)) == NULL)
		return -1;
	nv[++*n] = NULL;
	return 0;
}

/* By text, then by place in the list. */
static int
cmp_entry(const void *a, const void *b)
{
	char *const *x = *(char **const *)a, *const *y = *(char **const *)b;
	int c = strcmp(*x, *y);

	return c != 0 ? c : (x > y) - (x < y);
}

/*
 * Drop the repeats from a NULL-terminated list, keeping each first
 * occurrence where it was: status --json lists the tracked IDs in the order
 * the user gave.  One sort of pointers into the list, once the whole file is
 * read, instead of a search of the list for each ID added (O(n²), several
 * seconds at 50,000 IDs).  0 / -1.
 */
static int
list_unique(char **v, size_t *n)
{
	char ***ent, *first;
	size_t i, j;

	if (*n < 2)
		return 0;
	if ((ent = malloc(*n * sizeof(*ent))) == NULL)
		return -1;
	for (i = 0; i < *n; i++)
		ent[i] = &v[i];
	qsort(ent, *n, sizeof(*ent), cmp_entry);
	/* In each run of equal text the first is the earliest. */
	for (i = 1, first = *ent[0]; i < *n; i++) {
		if (strcmp(*ent[i], first) == 0) {
			free(*ent[i]);
			*ent[i] = NULL;
		} else {
			first = *ent[i];
		}
	}
	free(ent);
	for (i = j = 0; i < *n; i++)
		if (v[i] != NULL)
			v[j++] = v[i];
	v[j] = NULL;
	*n = j;
	return 0;
}

/* Every ID list without repeats, after all its lines are read.  0 / -1. */
static int
unique_ids(struct config *cfg)
{
	char *base = (char *)cfg;

	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].type == CONFIG_NCT_LIST &&
		    list_unique(*(char ***)(base + keys[i].offset),
		    (size_t *)(base + keys[i].count_offset)) < 0)
			return -1;
	return 0;
}

/*
 * Where a value came from, for its errors: the file (or "defaults", or the
 * environment variable) and line.
 */
struct where {
	const char *file;
	int line;
	struct config_error *err;
};

/* How a key names its value in an error: never a secret's. */
static const char *
shown(const struct config_key *k, const char *value)
{
	return k->flags & CONFIG_SECRET ? "(secret)" : value;
}

/* A member of cfg by the key's offset. */
static void *
member(struct config *cfg, size_t offset)
{
	return (char *)cfg + offset;
}

/* A number in range, stored in the member's own type.  0 / -1. */
static int
put_number(struct config *cfg, const struct config_key *k,
    unsigned long long n, const char *value, const struct where *w)
{
	if ((k->min || k->max) && (n < k->min || n > k->max)) {
		seterr(w->err, w->file, w->line, "[%s] %s: %s is out of range "
		    "(%lu to %lu%s)", k->section, k->name, shown(k, value),
		    k->min, k->max, k->type == CONFIG_SIZE ? " bytes" : "");
		return -1;
	}
	if (k->type == CONFIG_SIZE)
		*(size_t *)member(cfg, k->offset) = (size_t)n;
	else
		*(unsigned *)member(cfg, k->offset) = (unsigned)n;
	return 0;
}

static int
set_string(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	char **dst = member(cfg, k->offset);
	char *copy;

	if ((copy = strdup(value)) == NULL) {
		seterr(w->err, w->file, w->line, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = copy;
	return 0;
}

static int
set_url(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	char **dst = member(cfg, k->offset);
	size_t len;

	if (!valid_url(value)) {
		seterr(w->err, w->file, w->line, "[%s] %s: \"%s\" is not an "
		    "http:// or https:// URL", k->section, k->name,
		    shown(k, value));
		return -1;
	}
	if (set_string(cfg, k, value, append, w) < 0)
		return -1;
	/* "…/api/v2/" and "…/api/v2" name the same base. */
	len = strlen(*dst);
	while (len > 0 && (*dst)[len - 1] == '/')
		(*dst)[--len] = '\0';
	return 0;
}

static int
set_bool(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	if (parse_bool(value, member(cfg, k->offset)) < 0) {
		seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not yes or no",
		    k->section, k->name, shown(k, value));
		return -1;
	}
	return 0;
}

static int
set_uint(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(value, &end, 10);
	if (!isdigit((unsigned char)*value) || *end != '\0' || errno != 0) {
		seterr(w->err, w->file, w->line, "[%s] %s: \"%s\" is not a "
		    "whole number", k->section, k->name, shown(k, value));
		return -1;
	}
	return put_number(cfg, k, n, value, w);
}

static int
set_size(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	unsigned long long n = 0;

	switch (parse_size(value, &n)) {
	case -1:
		seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not a size (bytes, or with k, M, G)",
		    k->section, k->name, shown(k, value));
		return -1;
	case -2:
		seterr(w->err, w->file, w->line, "[%s] %s: %s is out of range "
		    "(%lu to %lu bytes)", k->section, k->name, shown(k, value),
		    k->min, k->max);
		return -1;
	}
	return put_number(cfg, k, n, value, w);
}

static int
set_duration(struct config *cfg, const struct config_key *k,
    const char *value, bool append, const struct where *w)
{
	unsigned u;

	if (config_parse_duration(value, &u) < 0) {
		seterr(w->err, w->file, w->line, "[%s] %s: \"%s\" is not a "
		    "duration (like 90s, 15m, 6h, 1d)", k->section, k->name,
		    shown(k, value));
		return -1;
	}
	return put_number(cfg, k, u, value, w);
}

/* One item of an ID list: an NCT ID the registry could have.  0 / -1. */
static int
check_nct_item(const struct config_key *k, const char *p, size_t len,
    const struct where *w)
{
	const char *eq;
	char id[32];

	/*
	 * "  conninfo=...password=..." indented under the list reads as an
	 * item too: name the key, never echo its value (it may be a secret).
	 */
	if ((eq = memchr(p, '=', len)) != NULL) {
		seterr(w->err, w->file, w->line, "[%s] %s: \"%.*s=...\" in the "
		    "list (an indented key? keys start at the beginning of a "
		    "line)", k->section, k->name,
		    (int)(eq - p < 64 ? eq - p : 64), p);
		return -1;
	}
	snprintf(id, sizeof(id), "%.*s", (int)(len < 31 ? len : 31), p);
	if (strcmp(id, "NCT00000000") == 0) {
		seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not an NCT ID: the registry's numbers start at NCT00000001",
		    k->section, k->name, id);
		return -1;
	}
	if (len > 11 || !text_nct_id(id)) {
		seterr(w->err, w->file, w->line, "[%s] %s: \"%.*s\" is not an "
		    "NCT ID (NCT followed by 8 digits)", k->section, k->name,
		    (int)(len < 64 ? len : 64), p);
		return -1;
	}
	return 0;
}

/*
 * Both kinds of list: words separated by blanks (IDs by commas too); a
 * continuation line appends, a key set again replaces.
 */
static int
set_list(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	char ***v = member(cfg, k->offset);
	size_t *cnt = member(cfg, k->count_offset);
	bool ids = k->type == CONFIG_NCT_LIST;
	const char *p = value;

	if (!append)
		free_list(v, cnt);
	for (;;) {
		size_t len;

		while (isspace((unsigned char)*p) || (ids && *p == ','))
			p++;
		if (*p == '\0')
			return 0;
		len = strcspn(p, ids ? " \t\r\n," : " \t\r\n");
		/* "  key = value" under a list reads as more items. */
		if (len == 1 && *p == '=') {
			seterr(w->err, w->file, w->line, "[%s] %s: a lone "
			    "\"=\" in the list (an indented key? keys start "
			    "at the beginning of a line)", k->section, k->name);
			return -1;
		}
		if (ids && check_nct_item(k, p, len, w) < 0)
			return -1;
		if (list_add(v, cnt, p, len) < 0) {
			seterr(w->err, w->file, w->line, "out of memory");
			return -1;
		}
		p += len;
	}
}

typedef int (*setter)(struct config *cfg, const struct config_key *k,
    const char *value, bool append, const struct where *w);

/* One parser per value type. */
static const setter setters[] = {
	[CONFIG_STRING] = set_string,
	[CONFIG_BOOL] = set_bool,
	[CONFIG_UINT] = set_uint,
	[CONFIG_SIZE] = set_size,
	[CONFIG_DURATION] = set_duration,
	[CONFIG_URL] = set_url,
	[CONFIG_NCT_LIST] = set_list,
	[CONFIG_STRING_LIST] = set_list,
};

/*
 * Set one key from its text.  `append`: the value continues a list on an
 * indented line.  Errors name the key and, unless secret, the value.
 */
static int
set_key(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const struct where *w)
{
	if (append && k->type != CONFIG_NCT_LIST &&
	    k->type != CONFIG_STRING_LIST) {
		seterr(w->err, w->file, w->line, "[%s] %s: only lists may "
		    "continue on an indented line", k->section, k->name);
		return -1;
	}
	return setters[k->type](cfg, k, value, append, w);
}

static const struct config_key *
find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static bool
known_section(const char *section)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0)
			return true;
	return false;
}

/*
 * Edits (insert, delete, change, swap two neighbours) from a to b, the
 * optimal string alignment distance; names are short, so a row of 64.
 */
static unsigned
distance(const char *a, const char *b)
{
	unsigned d[3][65];
	size_t la = strlen(a), lb = strlen(b);

	if (la > 64 || lb > 64)
		return 1000;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned *cur = d[i % 3], *prev = d[(i - 1) % 3];
		unsigned *prev2 = d[(i + 1) % 3];

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			unsigned v = prev[j - 1] + cost;

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			cur[j] = v;
		}
	}
	return d[la % 3][lb];
}

/* Close enough to be a typo of a name this long. */
static bool
near(unsigned d, const char *name)
{
	size_t n = strlen(name);

	return d <= (n <= 4 ? 1 : n <= 10 ? 2 : 3);
}

/*
 * What an unknown key in [section] probably meant, as the end of its
 * error ("; did you mean 'paths'?", "; it belongs in [alerts]"), or "".
 */
static void
suggest_key(const char *section, const char *name, char *out, size_t size)
{
	const struct config_key *best = NULL;
	unsigned bestd = 1000;

	*out = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		unsigned d = distance(name, keys[i].name);

		/* In its own section a little closer counts for more. */
		if (strcmp(keys[i].section, section) != 0)
			d++;
		if (d < bestd) {
			bestd = d;
			best = &keys[i];
		}
	}
	if (best == NULL || !near(bestd - (strcmp(best->section, section) !=
	    0), best->name))
		return;
	if (strcmp(best->section, section) == 0)
		snprintf(out, size, "; did you mean '%s'?", best->name);
	else if (strcmp(best->name, name) == 0)
		snprintf(out, size, "; it belongs in [%s]", best->section);
	else
		snprintf(out, size, "; did you mean '%s' in [%s]?", best->name,
		    best->section);
}

/* The same for a section: "; did you mean [pages]?" or "". */
static void
suggest_section(const char *section, char *out, size_t size)
{
	const char *best = NULL;
	unsigned bestd = 1000;

	*out = '\0';
	for (size_t i = 0; i < NKEYS; i++) {
		unsigned d = distance(section, keys[i].section);

		if (d < bestd) {
			bestd = d;
			best = keys[i].section;
		}
	}
	if (best != NULL && near(bestd, best))
		snprintf(out, size, "; did you mean [%s]?", best);
}

/*
 * inih's line source.  It counts lines (this inih has no line number in the
 * handler) and classifies each line the way inih will, so that continuation
 * lines are told from repeated keys, unknown sections are caught even when
 * empty, and a syntax error is reported in file order rather than after a
 * later line's error.
 */
static char *
read_line(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	char *p;
	int c, len = 0;

	if (ps->failed)
		return NULL;
	while ((c = getc(ps->fp)) != EOF) {
		/* inih would end the line there and read the rest as gone. */
		if (c == '\0') {
			seterr(ps->err, ps->file, ps->line + 1, "NUL byte in the "
			    "line: not a text file");
			ps->failed = true;
			return NULL;
		}
		if (len >= num - 1) {
			seterr(ps->err, ps->file, ps->line + 1, "line longer "
			    "than %d characters; continue a list on indented "
			    "lines", num - 2);
			ps->failed = true;
			return NULL;
		}
		str[len++] = (char)c;
		if (c == '\n')
			break;
	}
	if (len == 0)
		return NULL;
	str[len] = '\0';
	ps->line++;
	p = str;
	if (ps->line == 1 && strncmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (isspace((unsigned char)*p))
		p++;
	/* Blank lines and comments change nothing, as in inih. */
	if (*p == '\0' || *p == '#' || *p == ';')
		return str;
	ps->continuation = ps->after_key && p > str;
	if (ps->continuation)
		return str;
	ps->bad_key = false;
	if (*p == '[') {
		size_t n = strcspn(p + 1, "]");
		char hint[128];

		ps->after_key = false;
		ps->bad_section = false;
		if (p[1 + n] != ']') {
			seterr(ps->err, ps->file, ps->line, "syntax error: "
			    "[section] without its closing ]");
			goto bad_section;
		}
		p[1 + n] = '\0';
		if (!known_section(p + 1)) {
			suggest_section(p + 1, hint, sizeof(hint));
			seterr(ps->err, ps->file, ps->line,
			    "unknown section [%s]%s", p + 1, hint);
			goto bad_section;
		}
		p[1 + n] = ']';
		return str;
	}
	if (strpbrk(p, "=:") == NULL) {
		seterr(ps->err, ps->file, ps->line, "syntax error: expected "
		    "[section], key = value, or a # comment");
		ps->bad_key = true;
		goto blank;
	}
	ps->after_key = true;
	return str;
bad_section:
	/* Its keys are not read: one error for the section, not one a key. */
	ps->bad_section = true;
	ps->after_key = true;
	ps->bad_key = true;
blank:
	/* Every problem is found here, and inih shall not count it again. */
	str[0] = '\n';
	str[1] = '\0';
	return str;
}

/* ------------------------------------------------------------ searches */

static void
search_clear(struct config_search *s)
{
	free(s->name);
	free(s->query);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

/*
 * [tracking] search.NAME = value.  A key set again replaces the search; a
 * continuation line adds a parameter ("filter.overallStatus=...") or goes
 * on with the last one's value after a space.  0 / -1 with ps->err.
 */
static int
set_search(struct parse *ps, const char *name, const char *value)
{
	struct config *cfg = ps->cfg;
	struct config_search *s = NULL, *v;
	char why[256], *text = NULL, *query;
	size_t i;

	if (!search_name_ok(name)) {
		seterr(ps->err, ps->file, ps->line, "[tracking] search.%.60s: a "
		    "search name is 1 to %d letters, digits, '_' or '-'", name,
		    SEARCH_NAME_MAX);
		return -1;
	}
	for (i = 0; i < cfg->n_searches && s == NULL; i++)
		if (strcmp(cfg->searches[i].name, name) == 0)
			s = &cfg->searches[i];
	if (s == NULL) {
		if ((v = realloc(cfg->searches, (cfg->n_searches + 1) *
		    sizeof(*v))) == NULL)
			goto nomem;
		cfg->searches = v;
		s = &v[cfg->n_searches];
		memset(s, 0, sizeof(*s));
		if ((s->name = strdup(name)) == NULL)
			goto nomem;
		cfg->n_searches++;
	}
	if (ps->continuation && s->text != NULL) {
		if (asprintf(&text, "%s%s%s", s->text, search_starts_param(value) ?
		    "&" : " ", value) < 0)
			text = NULL;
	} else {
		text = strdup(value);
		s->line = ps->line;
	}
	if (text == NULL)
		goto nomem;
	if ((query = search_parse(text, why, sizeof(why))) == NULL) {
		seterr(ps->err, ps->file, ps->line, "[tracking] search.%s: %s",
		    name, why);
		free(text);
		return -1;
	}
	free(s->text);
	free(s->query);
	s->text = text;
	s->query = query;
	return 0;
nomem:
	seterr(ps->err, ps->file, ps->line, "out of memory");
	return -1;
}

static int
on_value(void *user, const char *section, const char *name,
    const char *value)
{
	struct parse *ps = user;
	const struct config_key *k;
	struct where w;
	char hint[128];

	if (ps->failed)
		return 0;
	/* The section or the key this line goes on with is in error. */
	if (ps->bad_section || (ps->continuation && ps->bad_key))
		return 1;
	ps->bad_key = true;
	if (section[0] == '\0') {
		seterr(ps->err, ps->file, ps->line, "%s: key outside of any "
		    "[section]", name);
		return 1;
	}
	if (strcmp(section, "tracking") == 0 && strncmp(name, "search.",
	    7) == 0) {
		/* Errors are counted in ps->err, as for any key. */
		if (set_search(ps, name + 7, value) == 0)
			ps->bad_key = false;
		return 1;
	}
	if ((k = find_key(section, name)) == NULL) {
		suggest_key(section, name, hint, sizeof(hint));
		seterr(ps->err, ps->file, ps->line, "unknown key '%s' in "
		    "[%s]%s", name, section, hint);
		return 1;
	}
	/* A continuation appends; a key set again replaces (last wins). */
	w.file = ps->file;
	w.line = ps->line;
	w.err = ps->err;
	if (set_key(ps->cfg, k, value, ps->continuation, &w) == 0)
		ps->bad_key = false;
	/* Errors are counted in ps->err; the file is read on to its end. */
	return 1;
}

void
config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < NKEYS; i++) {
		char *base = (char *)cfg;

		switch (keys[i].type) {
		case CONFIG_STRING:
		case CONFIG_URL:
			free(*(char **)(base + keys[i].offset));
			break;
		case CONFIG_NCT_LIST:
		case CONFIG_STRING_LIST:
			free_list((char ***)(base + keys[i].offset),
			    (size_t *)(base + keys[i].count_offset));
			break;
		default:
			break;
		}
	}
	for (size_t i = 0; i < cfg->n_searches; i++)
		search_clear(&cfg->searches[i]);
	free(cfg->searches);
	free(cfg->path);
	free(cfg);
}

struct config *
config_defaults(void)
{
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct config_error err;
	struct where w = {"defaults", 0, &err};

	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < NKEYS; i++)
		if (set_key(cfg, &keys[i], keys[i].def, false, &w) < 0) {
			config_free(cfg);
			return NULL;
		}
	if (unique_ids(cfg) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/*
 * Checks that span keys, after the whole file is read: every one, each
 * problem recorded.  0 / -1.
 */
static int
validate(const struct config *cfg, const char *file,
    struct config_error *err)
{
	unsigned before = err->n;
	const char *colon;
	char *end;
	long port;

	if (cfg->webhook_url[0] != '\0') {
		if (!valid_url(cfg->webhook_url))
			seterr(err, file, 0, "[alerts] webhook_url: not an "
			    "http:// or https:// URL");
		else if (strncmp(cfg->webhook_url, "https://", 8) != 0 &&
		    !cfg->allow_insecure_webhook)
			seterr(err, file, 0, "[alerts] webhook_url: must be "
			    "https:// (or set allow_insecure_webhook = yes)");
	}
	if (cfg->history_url[0] != '\0' && !valid_url(cfg->history_url))
		seterr(err, file, 0, "[registry] history_url: not an http:// or "
		    "https:// URL");
	if (strcmp(cfg->log, "stderr") != 0 && strcmp(cfg->log, "syslog") != 0)
		seterr(err, file, 0, "[daemon] log: \"%s\" is not stderr or "
		    "syslog", cfg->log);
	colon = strrchr(cfg->listen, ':');
	port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (colon == NULL || colon == cfg->listen || *end != '\0' ||
	    port < 1 || port > 65535)
		seterr(err, file, 0, "[daemon] listen: \"%s\" is not host:port",
		    cfg->listen);
	if (strcmp(cfg->min_severity, "stale") != 0 &&
	    strcmp(cfg->min_severity, "recheck") != 0)
		seterr(err, file, 0, "[alerts] min_severity: \"%s\" is not stale "
		    "or recheck", cfg->min_severity);
	if (cfg->page_link[0] != '\0' && (!valid_url(cfg->page_link) ||
	    strstr(cfg->page_link, "{path}") == NULL))
		seterr(err, file, 0, "[pages] link: an http:// or https:// URL "
		    "with {path} (and {line}) in it, like "
		    "https://git.example.org/kb/blob/main/{path}#L{line}");
	/* It goes into the User-Agent header as "(+CONTACT)". */
	for (const char *p = cfg->contact; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '(' || *p == ')' ||
		    *p == '\\' || p - cfg->contact >= 200) {
			seterr(err, file, 0, "[registry] contact: an e-mail "
			    "address or a URL, up to 200 printable characters "
			    "without spaces or parentheses");
			break;
		}
	return err->n > before ? -1 : 0;
}

/* By line; what names no line (a check across keys) after the rest. */
static int
cmp_problem(const void *a, const void *b)
{
	const struct config_problem *x = a, *y = b;

	if ((x->line == 0) != (y->line == 0))
		return x->line == 0 ? 1 : -1;
	return (x->line > y->line) - (x->line < y->line);
}

/* A file's problems in line order, as an editor would go through them. */
static void
sort_problems(struct config_error *err)
{
	size_t n = err->n < CONFIG_MAX_PROBLEMS ? err->n : CONFIG_MAX_PROBLEMS;

	/* Sixteen at most: an insertion sort keeps equal lines in order. */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 &&
		    cmp_problem(&err->all[j - 1], &err->all[j]) > 0; j--) {
			struct config_problem t = err->all[j];

			err->all[j] = err->all[j - 1];
			err->all[j - 1] = t;
		}
	memcpy(err->file, err->all[0].file, sizeof(err->file));
	err->line = err->all[0].line;
	memcpy(err->text, err->all[0].text, sizeof(err->text));
}

/* Where a whole-file check failed: the line of that key in the file. */
static int
line_of(const char *path, const char *section, const char *name)
{
	FILE *fp = fopen(path, "r");
	char buf[1024], cur[64] = "";
	int line = 0, found = 0;

	if (fp == NULL)
		return 0;
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		char *p = buf + strspn(buf, " \t");

		line++;
		if (*p == '[')
			sscanf(p + 1, "%63[^]]", cur);
		else if (strcmp(cur, section) == 0 &&
		    strncmp(p, name, strlen(name)) == 0 &&
		    strchr(" \t=:", p[strlen(name)]) != NULL)
			found = line;
	}
	fclose(fp);
	return found;
}

int
config_id_line(const struct config *cfg, const char *nct_id)
{
	FILE *fp;
	char buf[4096];
	int line = 0, found = 0;
	size_t n = strlen(nct_id);

	if (cfg->path == NULL || (fp = fopen(cfg->path, "r")) == NULL)
		return 0;
	while (!found && fgets(buf, sizeof(buf), fp) != NULL) {
		const char *p = buf;

		line++;
		if (buf[strspn(buf, " \t")] == '#')
			continue;
		while ((p = strstr(p, nct_id)) != NULL && !found) {
			if ((p == buf || !isalnum((unsigned char)p[-1])) &&
			    !isalnum((unsigned char)p[n]))
				found = line;
			p += n;
		}
	}
	fclose(fp);
	return found;
}

struct config *
config_load_file(const char *path, struct config_error *err)
{
	struct config *cfg = NULL;
	struct config_error local;
	struct parse ps;
	struct stat sb;
	unsigned first;
	int rc;

	if (err == NULL)
		err = &local;
	memset(&ps, 0, sizeof(ps));
	clear_errors(err);
	if ((ps.fp = fopen(path, "r")) == NULL) {
		seterr(err, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(ps.fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		seterr(err, path, 0, "cannot open: is a folder");
		goto fail;
	}
	if ((cfg = config_defaults()) == NULL ||
	    (cfg->path = strdup(path)) == NULL) {
		seterr(err, path, 0, "out of memory");
		goto fail;
	}
	ps.cfg = cfg;
	ps.err = err;
	ps.file = path;
	rc = ini_parse_stream(read_line, &ps, on_value, &ps);
	if (ps.failed)
		goto fail;
	if (ferror(ps.fp)) {
		seterr(err, path, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	/* What inih refused that read_line did not foresee. */
	if (rc > 0 && err != NULL && err->n == 0)
		seterr(err, path, rc, "syntax error: expected [section], "
		    "key = value, or a # comment");
	if (unique_ids(cfg) < 0) {
		seterr(err, path, 0, "out of memory");
		goto fail;
	}
	first = err->n;
	if (validate(cfg, path, err) < 0)
		for (unsigned i = first; i < err->n && i < CONFIG_MAX_PROBLEMS;
		    i++) {
			/* Point at the offending key when the file sets it. */
			char sec[32] = "", key[64] = "";

			if (sscanf(err->all[i].text, "[%31[^]]] %63[^:]", sec,
			    key) != 2)
				continue;
			err->all[i].line = line_of(path, sec, key);
			if (i == 0)
				err->line = err->all[i].line;
		}
	if (err->n > 0) {
		sort_problems(err);
		goto fail;
	}
	fclose(ps.fp);
	return cfg;
fail:
	fclose(ps.fp);
	config_free(cfg);
	return NULL;
}

/* CTMIRROR_DATABASE, CTMIRROR_REGISTRY_URL, CTMIRROR_NOW.  0 / -1. */
static int
apply_env(struct config *cfg, struct config_error *err)
{
	struct where db = {"CTMIRROR_DATABASE", 0, err};
	struct where url = {"CTMIRROR_REGISTRY_URL", 0, err};
	const char *v;

	if ((v = getenv(db.file)) != NULL && *v &&
	    set_key(cfg, find_key("database", "conninfo"), v, false, &db) < 0)
		return -1;
	if ((v = getenv(url.file)) != NULL && *v &&
	    set_key(cfg, find_key("registry", "base_url"), v, false, &url) < 0)
		return -1;
	if ((v = getenv("CTMIRROR_NOW")) != NULL && *v) {
		if (text_date_parse(v, NULL, NULL, NULL) != TEXT_DATE_DAY) {
			seterr(err, "CTMIRROR_NOW", 0, "\"%s\" is not a date "
			    "(YYYY-MM-DD)", v);
			return -1;
		}
		snprintf(cfg->now, sizeof(cfg->now), "%s", v);
	}
	return 0;
}

char *
config_default_state_dir(void)
{
	const char *sd = getenv("STATE_DIRECTORY"), *xdg, *home;
	char *out = NULL;

	/* systemd may list several folders, ':'-separated: the first. */
	if (sd != NULL && sd[0] == '/') {
		char *first = strndup(sd, strcspn(sd, ":"));

		out = first ? text_path_resolve("/", first) : NULL;
		free(first);
		return out;
	}
	if (geteuid() == 0)
		return strdup("/var/lib/ctmirror");
	if ((xdg = getenv("XDG_STATE_HOME")) != NULL && xdg[0] == '/') {
		if (asprintf(&out, "%s/ctmirror", xdg) < 0)
			return NULL;
	} else if ((home = getenv("HOME")) != NULL && home[0] == '/') {
		if (asprintf(&out, "%s/.local/state/ctmirror", home) < 0)
			return NULL;
	} else {
		return NULL;
	}
	{
		char *norm = text_path_resolve("/", out);

		free(out);
		return norm;
	}
}

/*
 * [database] state_dir as an absolute path, once, so that every command
 * finds the same cluster whatever folder it runs in: a relative one is
 * relative to the config file's folder (the working folder without a
 * file); an empty one is the default place.  0 / -1.
 */
static int
resolve_state_dir(struct config *cfg, struct config_error *err)
{
	char *cwd = NULL, *file = NULL, *abs = NULL;
	int rc = -1;

	if (cfg->state_dir[0] == '\0') {
		/* No default place (no HOME): localdb says so if needed. */
		if ((abs = config_default_state_dir()) == NULL)
			return 0;
	} else {
		if ((cwd = getcwd(NULL, 0)) == NULL) {
			seterr(err, cfg->path ? cfg->path : "", 0, "[database] "
			    "state_dir: the working folder: %s", strerror(errno));
			goto out;
		}
		if (cfg->path != NULL) {
			char *slash;

			if ((file = text_path_resolve(cwd, cfg->path)) == NULL)
				goto nomem;
			slash = strrchr(file, '/');
			slash[slash == file ? 1 : 0] = '\0';
		}
		if ((abs = text_path_resolve(file ? file : cwd,
		    cfg->state_dir)) == NULL)
			goto nomem;
	}
	free(cfg->state_dir);
	cfg->state_dir = abs;
	rc = 0;
	goto out;
nomem:
	seterr(err, "", 0, "out of memory");
out:
	free(file);
	free(cwd);
	return rc;
}

struct config *
config_load(const char *explicit_path, struct config_error *err)
{
	static const char *fallbacks[] = {"ctmirror.conf",
	    "/etc/ctmirror/ctmirror.conf"};
	const char *env = getenv("CTMIRROR_CONFIG");
	const char *path = NULL;
	struct config_error local;
	struct config *cfg;

	if (err == NULL)
		err = &local;
	clear_errors(err);
	if (explicit_path != NULL)
		path = explicit_path;
	else if (env != NULL && *env)
		path = env;
	else
		for (size_t i = 0; i < 2 && path == NULL; i++)
			if (access(fallbacks[i], F_OK) == 0)
				path = fallbacks[i];
	cfg = path ? config_load_file(path, err) : config_defaults();
	if (cfg == NULL) {
		if (path == NULL)
			seterr(err, "", 0, "out of memory");
		return NULL;
	}
	if (apply_env(cfg, err) < 0 || resolve_state_dir(cfg, err) < 0 ||
	    validate(cfg, cfg->path ? cfg->path : "defaults", err) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

void
config_today(const struct config *cfg, char out[11])
{
	time_t t;
	struct tm tm;

	if (cfg != NULL && cfg->now[0] != '\0') {
		memcpy(out, cfg->now, 11);
		return;
	}
	t = time(NULL);
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

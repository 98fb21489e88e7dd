/*
 * config_keys.c - the table of keys, the single source of truth (defaults
 * are parsed from its text like a file), one parser per value type, and
 * the nearest known name for a key or section that is not in it.
 */
#include "config_keys.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	KEY("tracking", "backfill_max_trials", CONFIG_UINT, "50000", RELOAD,
	    OFF(backfill_max_trials), .min = 0, .max = 100000000),

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

bool
config_valid_url(const char *s)
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

void
config_free_list(char ***v, size_t *n)
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
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: %s is out of range (%lu to %lu%s)", k->section,
		    k->name, shown(k, value), k->min, k->max,
		    k->type == CONFIG_SIZE ? " bytes" : "");
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
		config_seterr(w->err, w->file, w->line, "out of memory");
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

	if (!config_valid_url(value)) {
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not an http:// or https:// URL",
		    k->section, k->name, shown(k, value));
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
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not yes or no", k->section, k->name,
		    shown(k, value));
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
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not a whole number", k->section,
		    k->name, shown(k, value));
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
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not a size (bytes, or with k, M, G)",
		    k->section, k->name, shown(k, value));
		return -1;
	case -2:
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: %s is out of range (%lu to %lu bytes)",
		    k->section, k->name, shown(k, value), k->min, k->max);
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
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not a duration (like 90s, 15m, 6h, 1d)",
		    k->section, k->name, shown(k, value));
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
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%.*s=...\" in the list (an indented key? keys start at the beginning of a line)",
		    k->section, k->name, (int)(eq - p < 64 ? eq - p : 64), p);
		return -1;
	}
	snprintf(id, sizeof(id), "%.*s", (int)(len < 31 ? len : 31), p);
	if (strcmp(id, "NCT00000000") == 0) {
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%s\" is not an NCT ID: the registry's numbers start at NCT00000001",
		    k->section, k->name, id);
		return -1;
	}
	if (len > 11 || !text_nct_id(id)) {
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: \"%.*s\" is not an NCT ID (NCT followed by 8 digits)",
		    k->section, k->name, (int)(len < 64 ? len : 64), p);
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
		config_free_list(v, cnt);
	for (;;) {
		size_t len;

		while (isspace((unsigned char)*p) || (ids && *p == ','))
			p++;
		if (*p == '\0')
			return 0;
		len = strcspn(p, ids ? " \t\r\n," : " \t\r\n");
		/* "  key = value" under a list reads as more items. */
		if (len == 1 && *p == '=') {
			config_seterr(w->err, w->file, w->line,
			    "[%s] %s: a lone \"=\" in the list (an indented key? keys start at the beginning of a line)",
			    k->section, k->name);
			return -1;
		}
		if (ids && check_nct_item(k, p, len, w) < 0)
			return -1;
		if (list_add(v, cnt, p, len) < 0) {
			config_seterr(w->err, w->file, w->line,
			    "out of memory");
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

int
config_set_key(struct config *cfg, const struct config_key *k,
    const char *value, bool append, const struct where *w)
{
	if (append && k->type != CONFIG_NCT_LIST &&
	    k->type != CONFIG_STRING_LIST) {
		config_seterr(w->err, w->file, w->line,
		    "[%s] %s: only lists may continue on an indented line",
		    k->section, k->name);
		return -1;
	}
	return setters[k->type](cfg, k, value, append, w);
}

const struct config_key *
config_find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].section, section) == 0 &&
		    strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

bool
config_known_section(const char *section)
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

void
config_suggest_key(const char *section, const char *name, char *out,
    size_t size)
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

void
config_suggest_section(const char *section, char *out, size_t size)
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

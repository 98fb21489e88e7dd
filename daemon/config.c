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
 * Reloadable: what a cycle reads each time it starts (tracking, pages,
 * alerts, the registry client, the schedule).  Not reloadable: what is
 * bound once at start (database connection, local cluster, listen socket,
 * log sink).
 */
static const struct config_key keys[] = {
	{"database", "conninfo", CONFIG_STRING, "", false, true,
	    OFF(conninfo), 0, 0, 0},
	{"database", "state_dir", CONFIG_STRING, ".ctmirror", false, false,
	    OFF(state_dir), 0, 0, 0},
	{"database", "retain_delivered_alerts", CONFIG_DURATION, "30d", true,
	    false, OFF(retain_delivered_alerts), 0, 0, 36500 * DAY},
	{"database", "retain_runs", CONFIG_DURATION, "400d", true, false,
	    OFF(retain_runs), 0, 0, 36500 * DAY},

	{"registry", "base_url", CONFIG_URL, "https://clinicaltrials.gov/api/v2",
	    true, false, OFF(base_url), 0, 0, 0},
	{"registry", "rate_limit", CONFIG_UINT, "50", true, false,
	    OFF(rate_limit), 0, 0, 100000},
	{"registry", "concurrency", CONFIG_UINT, "4", true, false,
	    OFF(concurrency), 0, 1, 64},
	{"registry", "timeout", CONFIG_DURATION, "120s", true, false,
	    OFF(timeout), 0, 1, DAY},
	{"registry", "connect_timeout", CONFIG_DURATION, "15s", true, false,
	    OFF(connect_timeout), 0, 1, 3600},
	{"registry", "retries", CONFIG_UINT, "4", true, false,
	    OFF(retries), 0, 0, 20},
	{"registry", "max_body", CONFIG_SIZE, "64M", true, false,
	    OFF(max_body), 0, 1024, 1ul << 32},
	{"registry", "probe_batch", CONFIG_UINT, "1000", true, false,
	    OFF(probe_batch), 0, 1, 1000},
	{"registry", "fetch_batch", CONFIG_UINT, "100", true, false,
	    OFF(fetch_batch), 0, 1, 1000},
	{"registry", "tls_verify", CONFIG_BOOL, "yes", true, false,
	    OFF(tls_verify), 0, 0, 0},
	{"registry", "history_url", CONFIG_STRING, "", true, false,
	    OFF(history_url), 0, 0, 0},
	{"registry", "max_url", CONFIG_SIZE, "6k", true, false,
	    OFF(max_url), 0, 256, 1ul << 20},
	{"registry", "retry_window", CONFIG_DURATION, "2m", true, false,
	    OFF(retry_window), 0, 1, DAY},
	{"registry", "contact", CONFIG_STRING, "", true, false,
	    OFF(contact), 0, 0, 0},

	{"tracking", "nct_ids", CONFIG_NCT_LIST,
	    "NCT02982915 NCT05233774 NCT04421456", true, false,
	    OFF(nct_ids), OFF(n_nct_ids), 0, 0},
	{"tracking", "from_pages", CONFIG_BOOL, "no", true, false,
	    OFF(from_pages), 0, 0, 0},
	{"tracking", "max_missing", CONFIG_UINT, "10", true, false,
	    OFF(max_missing), 0, 0, 1000000},
	{"tracking", "backfill", CONFIG_BOOL, "yes", true, false,
	    OFF(backfill), 0, 0, 0},
	{"tracking", "backfill_requests", CONFIG_UINT, "200", true, false,
	    OFF(backfill_requests), 0, 1, 1000000},

	{"pages", "paths", CONFIG_STRING_LIST, "", true, false,
	    OFF(page_paths), OFF(n_page_paths), 0, 0},
	{"pages", "stale_after_days", CONFIG_UINT, "180", true, false,
	    OFF(stale_after_days), 0, 1, 36500},
	{"pages", "max_page_size", CONFIG_SIZE, "8M", true, false,
	    OFF(max_page_size), 0, 1, 1ul << 32},
	{"pages", "identity_min_terms", CONFIG_UINT, "2", true, false,
	    OFF(identity_min_terms), 0, 0, 100},
	{"pages", "record_cache", CONFIG_SIZE, "16M", true, false,
	    OFF(record_cache), 0, 1ul << 20, 1ul << 32},

	{"daemon", "interval", CONFIG_DURATION, "24h", true, false,
	    OFF(interval), 0, 1, 366 * DAY},
	{"daemon", "jitter", CONFIG_DURATION, "5m", true, false,
	    OFF(jitter), 0, 0, 366 * DAY},
	{"daemon", "listen", CONFIG_STRING, "127.0.0.1:9187", false, false,
	    OFF(listen), 0, 0, 0},
	{"daemon", "log", CONFIG_STRING, "stderr", false, false,
	    OFF(log), 0, 0, 0},

	{"alerts", "stdout", CONFIG_BOOL, "yes", true, false,
	    OFF(alert_stdout), 0, 0, 0},
	{"alerts", "notify", CONFIG_BOOL, "yes", true, false,
	    OFF(alert_notify), 0, 0, 0},
	{"alerts", "webhook_url", CONFIG_STRING, "", true, true,
	    OFF(webhook_url), 0, 0, 0},
	{"alerts", "allow_insecure_webhook", CONFIG_BOOL, "no", true, false,
	    OFF(allow_insecure_webhook), 0, 0, 0},

	{"report", "dir", CONFIG_STRING, "", true, false,
	    OFF(report_dir), 0, 0, 0},
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
	bool failed;
};

static void
seterr(struct config_error *err, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
seterr(struct config_error *err, const char *file, int line,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	/*
	 * Messages quote what the file says; a control byte in it (an
	 * escape sequence, say) must not reach the operator's terminal.
	 */
	log_safe(err->text);
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
 * Set one key from its text.  `append`: the value continues a list on an
 * indented line.  Errors name the key and, unless secret, the value.
 */
static int
set_key(struct config *cfg, const struct config_key *k, const char *value,
    bool append, const char *file, int line, struct config_error *err)
{
	char *base = (char *)cfg;
	const char *shown = k->secret ? "(secret)" : value;
	unsigned long long n = 0;
	unsigned u = 0;
	char *end;

	if (append && k->type != CONFIG_NCT_LIST &&
	    k->type != CONFIG_STRING_LIST) {
		seterr(err, file, line, "[%s] %s: only lists may continue on "
		    "an indented line", k->section, k->name);
		return -1;
	}
	switch (k->type) {
	case CONFIG_STRING:
	case CONFIG_URL: {
		char **dst = (char **)(base + k->offset);
		char *copy;
		size_t len;

		if (k->type == CONFIG_URL && !valid_url(value)) {
			seterr(err, file, line, "[%s] %s: \"%s\" is not an "
			    "http:// or https:// URL", k->section, k->name,
			    shown);
			return -1;
		}
		if ((copy = strdup(value)) == NULL)
			goto nomem;
		len = strlen(copy);
		/* "…/api/v2/" and "…/api/v2" name the same base. */
		while (k->type == CONFIG_URL && len > 0 && copy[len - 1] == '/')
			copy[--len] = '\0';
		free(*dst);
		*dst = copy;
		return 0;
	}
	case CONFIG_BOOL:
		if (parse_bool(value, (bool *)(base + k->offset)) < 0) {
			seterr(err, file, line, "[%s] %s: \"%s\" is not yes or "
			    "no", k->section, k->name, shown);
			return -1;
		}
		return 0;
	case CONFIG_UINT:
		errno = 0;
		n = strtoull(value, &end, 10);
		if (!isdigit((unsigned char)*value) || *end != '\0' ||
		    errno != 0) {
			seterr(err, file, line, "[%s] %s: \"%s\" is not a "
			    "whole number", k->section, k->name, shown);
			return -1;
		}
		break;
	case CONFIG_SIZE:
		switch (parse_size(value, &n)) {
		case -1:
			seterr(err, file, line, "[%s] %s: \"%s\" is not a size "
			    "(bytes, or with k, M, G)", k->section, k->name,
			    shown);
			return -1;
		case -2:
			seterr(err, file, line, "[%s] %s: %s is out of range "
			    "(%lu to %lu bytes)", k->section, k->name, shown,
			    k->min, k->max);
			return -1;
		}
		break;
	case CONFIG_DURATION:
		if (config_parse_duration(value, &u) < 0) {
			seterr(err, file, line, "[%s] %s: \"%s\" is not a "
			    "duration (like 90s, 15m, 6h, 1d)", k->section,
			    k->name, shown);
			return -1;
		}
		n = u;
		break;
	case CONFIG_NCT_LIST:
	case CONFIG_STRING_LIST: {
		char ***v = (char ***)(base + k->offset);
		size_t *cnt = (size_t *)(base + k->count_offset);
		const char *p = value;

		if (!append)
			free_list(v, cnt);
		for (;;) {
			const char *eq;
			size_t len;

			while (isspace((unsigned char)*p) ||
			    (k->type == CONFIG_NCT_LIST && *p == ','))
				p++;
			if (*p == '\0')
				break;
			len = strcspn(p, k->type == CONFIG_NCT_LIST ?
			    " \t\r\n," : " \t\r\n");
			/* "  key = value" under a list reads as more items. */
			if (len == 1 && *p == '=') {
				seterr(err, file, line, "[%s] %s: a lone \"=\" "
				    "in the list (an indented key? keys start "
				    "at the beginning of a line)", k->section,
				    k->name);
				return -1;
			}
			if (k->type == CONFIG_NCT_LIST) {
				char id[32];

				/*
				 * "  conninfo=...password=..." indented under
				 * the list reads as an item too: name the key,
				 * never echo its value (it may be a secret).
				 */
				if ((eq = memchr(p, '=', len)) != NULL) {
					seterr(err, file, line, "[%s] %s: "
					    "\"%.*s=...\" in the list (an "
					    "indented key? keys start at the "
					    "beginning of a line)", k->section,
					    k->name, (int)(eq - p < 64 ? eq - p :
					    64), p);
					return -1;
				}

				snprintf(id, sizeof(id), "%.*s",
				    (int)(len < 31 ? len : 31), p);
				if (strcmp(id, "NCT00000000") == 0) {
					seterr(err, file, line, "[%s] %s: \"%s\" is not an NCT ID: the registry's numbers start at NCT00000001",
					    k->section, k->name, id);
					return -1;
				}
				if (len > 11 || !text_nct_id(id)) {
					seterr(err, file, line, "[%s] %s: \"%.*s\" "
					    "is not an NCT ID (NCT followed by "
					    "8 digits)", k->section, k->name,
					    (int)(len < 64 ? len : 64), p);
					return -1;
				}
			}
			if (list_add(v, cnt, p, len) < 0)
				goto nomem;
			p += len;
		}
		return 0;
	}
	}
	/* Numbers: range check, then store in the member's own type. */
	if ((k->min || k->max) && (n < k->min || n > k->max)) {
		seterr(err, file, line, "[%s] %s: %s is out of range (%lu to "
		    "%lu%s)", k->section, k->name, shown, k->min, k->max,
		    k->type == CONFIG_SIZE ? " bytes" : "");
		return -1;
	}
	if (k->type == CONFIG_SIZE)
		*(size_t *)(base + k->offset) = (size_t)n;
	else
		*(unsigned *)(base + k->offset) = (unsigned)n;
	return 0;
nomem:
	seterr(err, file, line, "out of memory");
	return -1;
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
	if (*p == '[') {
		size_t n = strcspn(p + 1, "]");

		ps->after_key = false;
		if (p[1 + n] != ']') {
			seterr(ps->err, ps->file, ps->line, "syntax error: "
			    "[section] without its closing ]");
			ps->failed = true;
			return NULL;
		}
		p[1 + n] = '\0';
		if (!known_section(p + 1)) {
			seterr(ps->err, ps->file, ps->line,
			    "unknown section [%s]", p + 1);
			ps->failed = true;
			return NULL;
		}
		p[1 + n] = ']';
		return str;
	}
	if (strpbrk(p, "=:") == NULL) {
		seterr(ps->err, ps->file, ps->line, "syntax error: expected "
		    "[section], key = value, or a # comment");
		ps->failed = true;
		return NULL;
	}
	ps->after_key = true;
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

	if (ps->failed)
		return 0;
	if (section[0] == '\0') {
		seterr(ps->err, ps->file, ps->line, "%s: key outside of any "
		    "[section]", name);
		goto fail;
	}
	if (strcmp(section, "tracking") == 0 && strncmp(name, "search.",
	    7) == 0) {
		if (set_search(ps, name + 7, value) < 0)
			goto fail;
		return 1;
	}
	if ((k = find_key(section, name)) == NULL) {
		seterr(ps->err, ps->file, ps->line, "unknown key '%s' in "
		    "[%s]", name, section);
		goto fail;
	}
	/* A continuation appends; a key set again replaces (last wins). */
	if (set_key(ps->cfg, k, value, ps->continuation, ps->file, ps->line,
	    ps->err) < 0)
		goto fail;
	return 1;
fail:
	ps->failed = true;
	return 0;
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

	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < NKEYS; i++)
		if (set_key(cfg, &keys[i], keys[i].def, false, "defaults", 0,
		    &err) < 0) {
			config_free(cfg);
			return NULL;
		}
	if (unique_ids(cfg) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Checks that span keys, after the whole file is read. */
static int
validate(const struct config *cfg, const char *file,
    struct config_error *err)
{
	const char *colon;
	char *end;
	long port;

	if (cfg->webhook_url[0] != '\0') {
		if (!valid_url(cfg->webhook_url)) {
			seterr(err, file, 0, "[alerts] webhook_url: not an "
			    "http:// or https:// URL");
			return -1;
		}
		if (strncmp(cfg->webhook_url, "https://", 8) != 0 &&
		    !cfg->allow_insecure_webhook) {
			seterr(err, file, 0, "[alerts] webhook_url: must be "
			    "https:// (or set allow_insecure_webhook = yes)");
			return -1;
		}
	}
	if (cfg->history_url[0] != '\0' && !valid_url(cfg->history_url)) {
		seterr(err, file, 0, "[registry] history_url: not an http:// or "
		    "https:// URL");
		return -1;
	}
	if (strcmp(cfg->log, "stderr") != 0 && strcmp(cfg->log, "syslog") != 0) {
		seterr(err, file, 0, "[daemon] log: \"%s\" is not stderr or "
		    "syslog", cfg->log);
		return -1;
	}
	colon = strrchr(cfg->listen, ':');
	port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (colon == NULL || colon == cfg->listen || *end != '\0' ||
	    port < 1 || port > 65535) {
		seterr(err, file, 0, "[daemon] listen: \"%s\" is not host:port",
		    cfg->listen);
		return -1;
	}
	if (cfg->state_dir[0] == '\0') {
		seterr(err, file, 0, "[database] state_dir: must not be empty");
		return -1;
	}
	/* It goes into the User-Agent header as "(+CONTACT)". */
	for (const char *p = cfg->contact; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '(' || *p == ')' ||
		    *p == '\\' || p - cfg->contact >= 200) {
			seterr(err, file, 0, "[registry] contact: an e-mail "
			    "address or a URL, up to 200 printable characters "
			    "without spaces or parentheses");
			return -1;
		}
	return 0;
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
	struct parse ps;
	struct stat sb;
	int rc;

	memset(&ps, 0, sizeof(ps));
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
	if (rc > 0) {
		seterr(err, path, rc, "syntax error: expected [section], "
		    "key = value, or a # comment");
		goto fail;
	}
	if (unique_ids(cfg) < 0) {
		seterr(err, path, 0, "out of memory");
		goto fail;
	}
	if (validate(cfg, path, err) < 0) {
		/* Point at the offending key when the file sets it. */
		char sec[32] = "", key[64] = "";

		if (err && sscanf(err->text, "[%31[^]]] %63[^:]", sec, key) == 2)
			err->line = line_of(path, sec, key);
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
	const char *v;

	if ((v = getenv("CTMIRROR_DATABASE")) != NULL && *v &&
	    set_key(cfg, find_key("database", "conninfo"), v, false,
	    "CTMIRROR_DATABASE", 0, err) < 0)
		return -1;
	if ((v = getenv("CTMIRROR_REGISTRY_URL")) != NULL && *v &&
	    set_key(cfg, find_key("registry", "base_url"), v, false,
	    "CTMIRROR_REGISTRY_URL", 0, err) < 0)
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

struct config *
config_load(const char *explicit_path, struct config_error *err)
{
	static const char *fallbacks[] = {"ctmirror.conf",
	    "/etc/ctmirror/ctmirror.conf"};
	const char *env = getenv("CTMIRROR_CONFIG");
	const char *path = NULL;
	struct config *cfg;

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
	if (apply_env(cfg, err) < 0 ||
	    validate(cfg, cfg->path ? cfg->path : "defaults", err) < 0) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

/* Append n bytes to a growing string.  0 / -1. */
static int
put(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*len + n + 1) * 2;
		char *p = realloc(*out, ncap);

		if (p == NULL)
			return -1;
		*out = p;
		*cap = ncap;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
	return 0;
}

/* Conninfo keywords whose value is a secret. */
static bool
secret_name(const char *k, size_t n)
{
	static const char *names[] = {"password", "sslpassword", "pass",
	    "passwd", "pwd", "token", "access_token", "secret", "key",
	    "api_key", "apikey", "auth", "sig", "signature"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncasecmp(k, names[i], n) == 0)
			return true;
	return false;
}

/*
 * URI form: scheme://user:pass@host/path?query.  The password is whatever
 * follows the first ':' up to the last '@' before the query, so an
 * unencoded '@' or '/' in it is still hidden.  Every query value is
 * replaced, not only the ones with secret-sounding names: credentials ride
 * in query strings under names nobody can list (sig, X-Amz-Credential,
 * code, ...), and the redacted text is for recognising which server was
 * meant, which the names alone still show.  `whole_path`: keep an http
 * URL's path (the registry's base URL) and hide all of its userinfo,
 * user name too, which may be a token.
 */
static int
redact_uri(const char *s, char **out, size_t *len, size_t *cap,
    bool whole_path)
{
	const char *auth = strstr(s, "://") + 3;
	const char *qend = auth + strcspn(auth, "?#");
	const char *at = NULL, *colon, *slash, *end, *p;
	bool http = strncmp(s, "http", 4) == 0;

	for (p = auth; p < qend; p++)
		if (*p == '@')
			at = p;
	if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		slash = memchr(auth, '/', (size_t)(at - auth));
		/* "host/path@x" without a ':' first: that '@' is in the path. */
		if (slash != NULL && (colon == NULL || slash < colon))
			at = NULL;
	}
	/*
	 * A URL shown whole: an '@' in its path must not hide userinfo
	 * before the path ("https://token@host/p@q").
	 */
	if (at == NULL && whole_path) {
		const char *pend = auth + strcspn(auth, "/?#");

		for (p = auth; p < pend; p++)
			if (*p == '@')
				at = p;
	}
	if (put(out, len, cap, s, (size_t)(auth - s)) < 0)
		return -1;
	if (at != NULL && whole_path) {
		if (put(out, len, cap, "***", 3) < 0)
			return -1;
		auth = at;
	} else if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (put(out, len, cap, auth, (size_t)((colon ? colon : at) -
		    auth)) < 0 || (colon && put(out, len, cap, ":***", 4) < 0))
			return -1;
		auth = at;
	}
	end = auth + strcspn(auth, "/?#");
	if (put(out, len, cap, auth, (size_t)(end - auth)) < 0)
		return -1;
	/*
	 * Webhook URLs carry their token in the path (Slack, Teams): show
	 * only scheme and host.  Database URIs keep the dbname.
	 */
	if (http && !whole_path)
		return *end ? put(out, len, cap, "/***", 4) : 0;
	p = end + strcspn(end, "?");
	if (put(out, len, cap, end, (size_t)(p - end)) < 0)
		return -1;
	while (*p) {
		const char *seg = p + 1, *next = seg + strcspn(seg, "&");
		const char *eq = memchr(seg, '=', (size_t)(next - seg));

		if (put(out, len, cap, p, 1) < 0)	/* '?' or '&' */
			return -1;
		if (eq != NULL) {
			if (put(out, len, cap, seg, (size_t)(eq - seg + 1)) < 0 ||
			    put(out, len, cap, "***", 3) < 0)
				return -1;
		} else if (put(out, len, cap, seg, (size_t)(next - seg)) < 0)
			return -1;
		p = next;
	}
	return 0;
}

/* key=value form, values optionally single-quoted with \ escapes. */
static int
redact_kv(const char *s, char **out, size_t *len, size_t *cap)
{
	const char *p = s;

	while (*p) {
		const char *k, *v;
		size_t klen;
		int rc;

		if (isspace((unsigned char)*p)) {
			if (put(out, len, cap, p++, 1) < 0)
				return -1;
			continue;
		}
		k = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		klen = (size_t)(p - k);
		while (isspace((unsigned char)*p))
			p++;
		/*
		 * A word without '=' is not libpq syntax, but what follows
		 * may still hold a password: copy the word, keep scanning.
		 */
		if (*p != '=') {
			if (put(out, len, cap, k, (size_t)(p - k)) < 0)
				return -1;
			continue;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		v = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else
			while (*p && !isspace((unsigned char)*p))
				p++;
		if (put(out, len, cap, k, klen) < 0 || put(out, len, cap, "=", 1) < 0)
			return -1;
		if (secret_name(k, klen))
			rc = put(out, len, cap, "***", 3);
		else
			rc = put(out, len, cap, v, (size_t)(p - v));
		if (rc < 0)
			return -1;
	}
	return 0;
}

char *
config_redact(const char *s)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	const char *sep;
	int rc;

	if (s == NULL)
		s = "";
	if (put(&out, &len, &cap, "", 0) < 0)
		return NULL;
	sep = strstr(s, "://");
	if (sep != NULL && sep > s && strspn(s, "abcdefghijklmnopqrstuvwxyz+.-") ==
	    (size_t)(sep - s))
		rc = redact_uri(s, &out, &len, &cap, false);
	else
		rc = redact_kv(s, &out, &len, &cap);
	if (rc < 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
config_redact_url(const char *url)
{
	char *out = NULL;
	size_t len = 0, cap = 0;

	if (url == NULL)
		url = "";
	if (put(&out, &len, &cap, "", 0) < 0)
		return NULL;
	if (strstr(url, "://") == NULL ? put(&out, &len, &cap, url,
	    strlen(url)) < 0 : redact_uri(url, &out, &len, &cap, true) < 0) {
		free(out);
		return NULL;
	}
	return out;
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

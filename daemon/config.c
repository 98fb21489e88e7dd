/*
 * config.c - the INI file (inih) through the table of keys (config_keys.c)
 * into struct config, then environment overrides, then validation: which
 * file, its lines, the checks that span keys, and every problem found.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_keys.h"
#include "log.h"
#include "search.h"
#include "text.h"

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

void
config_seterr(struct config_error *err, const char *file, int line,
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
	size_t nkeys;
	const struct config_key *keys = config_keys(&nkeys);

	for (size_t i = 0; i < nkeys; i++)
		if (keys[i].type == CONFIG_NCT_LIST &&
		    list_unique(*(char ***)(base + keys[i].offset),
		    (size_t *)(base + keys[i].count_offset)) < 0)
			return -1;
	return 0;
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
			config_seterr(ps->err, ps->file, ps->line + 1,
			    "NUL byte in the line: not a text file");
			ps->failed = true;
			return NULL;
		}
		if (len >= num - 1) {
			config_seterr(ps->err, ps->file, ps->line + 1,
			    "line longer than %d characters; continue a list on indented lines",
			    num - 2);
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
			config_seterr(ps->err, ps->file, ps->line,
			    "syntax error: [section] without its closing ]");
			goto bad_section;
		}
		p[1 + n] = '\0';
		if (!config_known_section(p + 1)) {
			config_suggest_section(p + 1, hint, sizeof(hint));
			config_seterr(ps->err, ps->file, ps->line,
			    "unknown section [%s]%s", p + 1, hint);
			goto bad_section;
		}
		p[1 + n] = ']';
		return str;
	}
	if (strpbrk(p, "=:") == NULL) {
		config_seterr(ps->err, ps->file, ps->line,
		    "syntax error: expected [section], key = value, or a # comment");
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
		config_seterr(ps->err, ps->file, ps->line,
		    "[tracking] search.%.60s: a search name is 1 to %d letters, digits, '_' or '-'",
		    name, SEARCH_NAME_MAX);
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
		config_seterr(ps->err, ps->file, ps->line,
		    "[tracking] search.%s: %s", name, why);
		free(text);
		return -1;
	}
	free(s->text);
	free(s->query);
	s->text = text;
	s->query = query;
	return 0;
nomem:
	config_seterr(ps->err, ps->file, ps->line, "out of memory");
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
		config_seterr(ps->err, ps->file, ps->line,
		    "%s: key outside of any [section]", name);
		return 1;
	}
	if (strcmp(section, "tracking") == 0 && strncmp(name, "search.",
	    7) == 0) {
		/* Errors are counted in ps->err, as for any key. */
		if (set_search(ps, name + 7, value) == 0)
			ps->bad_key = false;
		return 1;
	}
	if ((k = config_find_key(section, name)) == NULL) {
		config_suggest_key(section, name, hint, sizeof(hint));
		config_seterr(ps->err, ps->file, ps->line,
		    "unknown key '%s' in [%s]%s", name, section, hint);
		return 1;
	}
	/* A continuation appends; a key set again replaces (last wins). */
	w.file = ps->file;
	w.line = ps->line;
	w.err = ps->err;
	if (config_set_key(ps->cfg, k, value, ps->continuation, &w) == 0)
		ps->bad_key = false;
	/* Errors are counted in ps->err; the file is read on to its end. */
	return 1;
}

void
config_free(struct config *cfg)
{
	size_t nkeys;
	const struct config_key *keys = config_keys(&nkeys);

	if (cfg == NULL)
		return;
	for (size_t i = 0; i < nkeys; i++) {
		char *base = (char *)cfg;

		switch (keys[i].type) {
		case CONFIG_STRING:
		case CONFIG_URL:
			free(*(char **)(base + keys[i].offset));
			break;
		case CONFIG_NCT_LIST:
		case CONFIG_STRING_LIST:
			config_free_list((char ***)(base + keys[i].offset),
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
	size_t nkeys;
	const struct config_key *keys = config_keys(&nkeys);

	if (cfg == NULL)
		return NULL;
	for (size_t i = 0; i < nkeys; i++)
		if (config_set_key(cfg, &keys[i], keys[i].def, false, &w) < 0) {
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
		if (!config_valid_url(cfg->webhook_url))
			config_seterr(err, file, 0,
			    "[alerts] webhook_url: not an http:// or https:// URL");
		else if (strncmp(cfg->webhook_url, "https://", 8) != 0 &&
		    !cfg->allow_insecure_webhook)
			config_seterr(err, file, 0,
			    "[alerts] webhook_url: must be https:// (or set allow_insecure_webhook = yes)");
	}
	if (cfg->history_url[0] != '\0' && !config_valid_url(cfg->history_url))
		config_seterr(err, file, 0,
		    "[registry] history_url: not an http:// or https:// URL");
	if (strcmp(cfg->log, "stderr") != 0 && strcmp(cfg->log, "syslog") != 0)
		config_seterr(err, file, 0,
		    "[daemon] log: \"%s\" is not stderr or syslog", cfg->log);
	colon = strrchr(cfg->listen, ':');
	port = colon ? strtol(colon + 1, &end, 10) : 0;
	if (colon == NULL || colon == cfg->listen || *end != '\0' ||
	    port < 1 || port > 65535)
		config_seterr(err, file, 0,
		    "[daemon] listen: \"%s\" is not host:port", cfg->listen);
	if (strcmp(cfg->min_severity, "stale") != 0 &&
	    strcmp(cfg->min_severity, "recheck") != 0)
		config_seterr(err, file, 0,
		    "[alerts] min_severity: \"%s\" is not stale or recheck",
		    cfg->min_severity);
	if (cfg->page_link[0] != '\0' && (!config_valid_url(cfg->page_link) ||
	    strstr(cfg->page_link, "{path}") == NULL))
		config_seterr(err, file, 0,
		    "[pages] link: an http:// or https:// URL with {path} (and {line}) in it, like https://git.example.org/kb/blob/main/{path}#L{line}");
	/* It goes into the User-Agent header as "(+CONTACT)". */
	for (const char *p = cfg->contact; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '(' || *p == ')' ||
		    *p == '\\' || p - cfg->contact >= 200) {
			config_seterr(err, file, 0,
			    "[registry] contact: an e-mail address or a URL, up to 200 printable characters without spaces or parentheses");
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
		config_seterr(err, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(ps.fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		config_seterr(err, path, 0, "cannot open: is a folder");
		goto fail;
	}
	if ((cfg = config_defaults()) == NULL ||
	    (cfg->path = strdup(path)) == NULL) {
		config_seterr(err, path, 0, "out of memory");
		goto fail;
	}
	ps.cfg = cfg;
	ps.err = err;
	ps.file = path;
	rc = ini_parse_stream(read_line, &ps, on_value, &ps);
	if (ps.failed)
		goto fail;
	if (ferror(ps.fp)) {
		config_seterr(err, path, 0, "cannot read: %s", strerror(errno));
		goto fail;
	}
	/* What inih refused that read_line did not foresee. */
	if (rc > 0 && err != NULL && err->n == 0)
		config_seterr(err, path, rc,
		    "syntax error: expected [section], key = value, or a # comment");
	if (unique_ids(cfg) < 0) {
		config_seterr(err, path, 0, "out of memory");
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
	    config_set_key(cfg, config_find_key("database", "conninfo"), v, false,
	    &db) < 0)
		return -1;
	if ((v = getenv(url.file)) != NULL && *v &&
	    config_set_key(cfg, config_find_key("registry", "base_url"), v, false,
	    &url) < 0)
		return -1;
	if ((v = getenv("CTMIRROR_NOW")) != NULL && *v) {
		if (text_date_parse(v, NULL, NULL, NULL) != TEXT_DATE_DAY) {
			config_seterr(err, "CTMIRROR_NOW", 0,
			    "\"%s\" is not a date (YYYY-MM-DD)", v);
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
			config_seterr(err, cfg->path ? cfg->path : "", 0,
			    "[database] state_dir: the working folder: %s",
			    strerror(errno));
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
	config_seterr(err, "", 0, "out of memory");
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
			config_seterr(err, "", 0, "out of memory");
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

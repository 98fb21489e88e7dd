/*
 * config_keys.h - what config.c (finding and reading the file, checks,
 * the environment) and config_keys.c (the table of keys and one parser per
 * value type) share, and nobody else sees.  Callers outside the config
 * include config.h only.
 */
#ifndef CTMIRROR_CONFIG_KEYS_H
#define CTMIRROR_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

/*
 * Where a value came from, for its errors: the file (or "defaults", or the
 * environment variable) and line.
 */
struct where {
	const char *file;
	int line;
	struct config_error *err;
};

/*
 * Record one problem in err (NULL: none kept): "FILE:LINE: text", control
 * bytes made safe.  Past CONFIG_MAX_PROBLEMS problems are only counted.
 */
void config_seterr(struct config_error *err, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Set one key from its text.  `append`: the value continues a list on an
 * indented line.  Errors name the key and, unless secret, the value.
 * 0 / -1 with w->err.
 */
int config_set_key(struct config *cfg, const struct config_key *k,
    const char *value, bool append, const struct where *w);

/* The table's row for [section] name; NULL when there is none.  Borrowed. */
const struct config_key *config_find_key(const char *section,
    const char *name);

/* Whether any key lives in [section]. */
bool config_known_section(const char *section);

/*
 * What an unknown key in [section] probably meant, as the end of its
 * error ("; did you mean 'paths'?", "; it belongs in [alerts]"), or "".
 */
void config_suggest_key(const char *section, const char *name, char *out,
    size_t size);

/* The same for a section: "; did you mean [pages]?" or "". */
void config_suggest_section(const char *section, char *out, size_t size);

/* http(s)://host[:port][/path]: the only URLs ctmirror talks to. */
bool config_valid_url(const char *s);

/* Free a list's words and the list; *v NULL and *n 0 after. */
void config_free_list(char ***v, size_t *n);

#endif

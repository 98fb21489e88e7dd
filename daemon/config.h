/*
 * config.h - ctmirror's configuration: an INI file (inih) parsed through a
 * table of keys into one struct, then environment overrides, then
 * validation.  A reload parses into a fresh struct and the caller swaps it
 * in only if config_load() succeeded (STYLE.md 9).
 */
#ifndef CTMIRROR_CONFIG_H
#define CTMIRROR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* A human-facing error: "FILE:LINE: text" (line 0: no line applies). */
struct config_problem {
	char file[512];
	int line;
	char text[512];
};

#define CONFIG_MAX_PROBLEMS 16

/*
 * Every problem a load found, in the order found (the file's lines, then
 * the checks that span keys), the first also in file/line/text for
 * callers that say one.  Past CONFIG_MAX_PROBLEMS they are only counted.
 */
struct config_error {
	char file[512];
	int line;
	char text[512];
	unsigned n;				/* problems found */
	struct config_problem all[CONFIG_MAX_PROBLEMS];	/* the first ones */
};

/* One [tracking] search.NAME: a registry search whose matches are tracked. */
struct config_search {
	char *name;		/* NAME, search_name_ok() */
	char *query;		/* search_parse()'s query string; "" = every study */
	char *text;		/* the value as written, continuation lines joined */
	int line;		/* the line that sets it; 0 when no file does */
};

struct config {
	char *path;		/* the file that was read; NULL: built-in defaults */

	/* [database] */
	char *conninfo;		/* SECRET. "" = libpq's PG* environment / local cluster */
	char *state_dir;	/* private local cluster lives here: absolute once loaded */
	unsigned retain_delivered_alerts; /* seconds; delivered alerts older go; 0 = keep; default 30d */
	unsigned retain_runs;	/* seconds; finished runs older go (not one that stored a version); 0 = keep; default 400d */

	/* [registry] */
	char *base_url;		/* default https://clinicaltrials.gov/api/v2 */
	unsigned rate_limit;	/* requests per minute; 0 = unlimited */
	unsigned concurrency;	/* transfers in flight, default 4 */
	unsigned timeout;	/* seconds, whole transfer, default 120 */
	unsigned connect_timeout; /* seconds, default 15 */
	unsigned retries;	/* attempts after the first, default 4 */
	size_t max_body;	/* bytes, default 64 MiB */
	unsigned probe_batch;	/* IDs per probe request, default 1000 */
	unsigned fetch_batch;	/* IDs per full-record request, default 100 */
	bool tls_verify;	/* default yes; "no" is logged loudly */
	/* the history endpoints' base; "" = base_url with /v2 -> /int */
	char *history_url;
	size_t max_url;		/* longest request URL, bytes, default 6k */
	unsigned retry_window;	/* seconds 429/503 are retried, default 2 min */
	char *contact;		/* e-mail or URL for the User-Agent; "" = none */

	/* [tracking] */
	char **nct_ids;		/* valid NCT IDs, each once, in file order */
	size_t n_nct_ids;
	bool from_pages;	/* also track every NCT ID found on pages */
	unsigned max_missing;	/* cap on trials one run may mark missing, default 10 */
	struct config_search *searches;	/* search.NAME keys, in file order */
	size_t n_searches;
	bool backfill;		/* read new trials' past versions, default yes */
	unsigned backfill_requests; /* history requests per cycle, default 200 */
	/* more trials waiting than this: none is read; 0 no limit, default 50000 */
	unsigned backfill_max_trials;

	/* [pages] */
	char **page_paths;	/* files, folders, globs */
	size_t n_page_paths;
	unsigned stale_after_days; /* default 180 */
	size_t max_page_size;	/* bytes, default 8 MiB */
	/* identity-mismatch threshold (identity.h min_terms); 0 = off, default 2 */
	unsigned identity_min_terms;
	size_t record_cache;	/* bytes of prepared records, default 16 MiB */
	char *page_root;	/* page names are relative to it; "" = common parent of paths */
	char *page_link;	/* "https://.../{path}#L{line}" for alerts; "" = none */

	/* [daemon] */
	unsigned interval;	/* seconds between cycles, default 24h */
	unsigned jitter;	/* max random extra delay, seconds, default 5 min */
	char *listen;		/* status endpoint "host:port", default 127.0.0.1:9187 */
	char *log;		/* "stderr" or "syslog" */
	char *metrics_file;	/* sync writes Prometheus text here; "" = none */

	/* [alerts] */
	bool alert_stdout;	/* print alerts on stdout, default yes */
	bool alert_notify;	/* NOTIFY ctmirror_flags, default yes */
	char *webhook_url;	/* SECRET. "" = none */
	bool allow_insecure_webhook;
	char *min_severity;	/* "stale" or "recheck": what is announced */

	/* [report] */
	char *report_dir;	/* "" = no report; else every cycle rewrites it */

	/* environment */
	char now[11];		/* CTMIRROR_NOW "YYYY-MM-DD", "" = use the clock */
};

enum config_type {
	CONFIG_STRING,
	CONFIG_BOOL,
	CONFIG_UINT,
	CONFIG_SIZE,		/* bytes with optional k/M/G suffix */
	CONFIG_DURATION,	/* "90s", "15m", "6h", "1d", bare seconds */
	CONFIG_URL,
	CONFIG_NCT_LIST,
	CONFIG_STRING_LIST,
};

/* What a key is, beside its type (config_key.flags). */
enum config_key_flags {
	CONFIG_RELOAD = 1 << 0,	/* SIGHUP applies it without restart */
	CONFIG_SECRET = 1 << 1,	/* never printed, not even in an error */
};

/*
 * One row of the key table (config_keys.c); config_keys() exposes it to
 * the loader, which sets and frees every key through it, and to tests.
 */
struct config_key {
	const char *section;
	const char *name;
	enum config_type type;
	const char *def;	/* default, as it would be written in the file */
	unsigned flags;		/* enum config_key_flags */
	size_t offset;		/* into struct config */
	size_t count_offset;	/* lists: their size_t count; else 0 */
	unsigned long min, max;	/* numbers: accepted range (both 0: any) */
};

/*
 * Find, parse, override from the environment and validate the config.
 * Search order: explicit path (-c), $CTMIRROR_CONFIG, ./ctmirror.conf,
 * /etc/ctmirror/ctmirror.conf; none found: defaults (an explicit path or
 * $CTMIRROR_CONFIG that does not exist is an error).
 * Environment: CTMIRROR_DATABASE, CTMIRROR_REGISTRY_URL, CTMIRROR_NOW.
 * [database] state_dir comes out absolute: relative to the file's folder,
 * or when empty the default place (config_default_state_dir).
 * A file is read to its end, so *err lists every problem in it (an
 * unknown key or section with the nearest known name), not the first
 * only.  Returns: new config (free with config_free), or NULL with *err
 * filled (err may be NULL).
 */
struct config *config_load(const char *explicit_path, struct config_error *err);

/* Same, from one given file only, without search or environment. */
struct config *config_load_file(const char *path, struct config_error *err);

/* The built-in defaults, no file, no environment.  New. */
struct config *config_defaults(void);

void config_free(struct config *cfg);

/* The key table.  Borrowed, static. */
const struct config_key *config_keys(size_t *n);

/*
 * The line of cfg's file where nct_id is written (the first, outside
 * comments); 0 when cfg has no file or does not name it.
 */
int config_id_line(const struct config *cfg, const char *nct_id);

/* "90s" "15m" "6h" "1d" or bare seconds into seconds.  0 / -1. */
int config_parse_duration(const char *s, unsigned *seconds);

/*
 * Copy of a conninfo or URL with any password / token replaced by "***"
 * (key=value conninfo, postgresql:// URIs, https://user:pass@, and query
 * strings).  New; NULL on allocation failure.
 */
char *config_redact(const char *s);

/*
 * Copy of a URL to show (the registry's base_url): its userinfo, user and
 * password, replaced by "***" and every query value too; scheme, host and
 * path kept.  New; NULL on allocation failure.
 */
char *config_redact_url(const char *url);

/*
 * Where the private cluster lives when state_dir is empty, as an
 * absolute path: $STATE_DIRECTORY (systemd's StateDirectory=), else
 * /var/lib/ctmirror for root, else $XDG_STATE_HOME/ctmirror or
 * ~/.local/state/ctmirror.  New, or NULL when none can be told (no HOME).
 */
char *config_default_state_dir(void);

/* "Today" as YYYY-MM-DD: cfg->now if set, else the local clock. */
void config_today(const struct config *cfg, char out[11]);

#endif

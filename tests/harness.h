/*
 * harness.h - what tests need beyond Criterion.  harness.c, for database
 * and command-line tests: a fresh PostgreSQL database per test (on the
 * server the PG* environment names, which tests/run sets up with
 * pg_virtualenv), a way to run the ctmirror binary as a subprocess with a
 * given environment, faults in the fake registry, the mirror fixture
 * (database, fake registry, config and store) of the tests that run sync
 * cycles in process; a canned HTTP server (harness_http.c).  What needs
 * no database (so the pure stages' tests, fuzz targets and benchmarks
 * link it too): files and paths (harness_files.c), and the one-off forms
 * of the pure stages' calls that the daemon never makes
 * (harness_claims.c, harness_identity.c).
 */
#ifndef CTMIRROR_HARNESS_H
#define CTMIRROR_HARNESS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "claims.h"
#include "fakereg.h"
#include "identity.h"

/*
 * Create an empty database named after `tag` and this process.  Returns
 * its conninfo ("dbname=..."; new, free()), or NULL.  The database is
 * dropped by harness_db_drop.
 */
char *harness_db_create(const char *tag);
void harness_db_drop(char *conninfo);

/* A fresh, fully migrated database.  New conninfo or NULL. */
char *harness_db_migrated(const char *tag);

/* First column of the first row of `sql` as text (new), "" for no row, NULL on error. */
char *harness_db_value(const char *conninfo, const char *sql);
/* Run a statement; 0 / -1 (error text printed with cr_log_error). */
int harness_db_exec(const char *conninfo, const char *sql);
/* Integer shortcut of harness_db_value; -1 on error. */
long harness_db_count(const char *conninfo, const char *sql);

/* Result of one ctmirror run. */
struct harness_run {
	int status;		/* exit status, or 128+signal */
	char *out;		/* stdout, new */
	char *err;		/* stderr, new */
};

/*
 * Run $CTMIRROR_BIN with argv (NULL-terminated, without argv[0]) and the
 * extra environment `env` ("K=V" strings, NULL-terminated; "K=" unsets K).
 * CTMIRROR_CONFIG is unset unless env sets it.  0 / -1.
 */
int harness_run(struct harness_run *r, const char *const *argv,
    const char *const *env);
void harness_run_free(struct harness_run *r);

/*
 * A canned HTTP server (harness_http.c) for what the fake registry does not
 * do on purpose.  Connection i gets replies[i] and is closed; the first
 * HARNESS_HTTP_KEPT request heads are kept.  Start fills h; the replies
 * are borrowed until stop, which joins the server thread.
 */
struct harness_reply {
	const char *head;	/* status line and headers, no final CRLF */
	const void *body;	/* NUL-terminated unless len is set */
	size_t len;
};
#define HARNESS_HTTP_KEPT 4
struct harness_http {
	int fd;
	int port;
	pthread_t thread;
	const struct harness_reply *replies;
	size_t n;
	size_t served;
	char head[HARNESS_HTTP_KEPT][4096];	/* whole request heads */
	char line[HARNESS_HTTP_KEPT][2048];	/* their request lines */
};
void harness_http_start(struct harness_http *h,
    const struct harness_reply *replies, size_t n);
/* http://127.0.0.1:PORT + path (new). */
char *harness_http_url(const struct harness_http *h, const char *path);
void harness_http_stop(struct harness_http *h);

/* Path of the ctmirror binary (from $CTMIRROR_BIN).  Borrowed. */
const char *harness_bin(void);
/* tests/data (from $CTMIRROR_TEST_DATA).  Borrowed. */
const char *harness_data(void);
/* Source tree root (from $CTMIRROR_SOURCE_ROOT).  Borrowed. */
const char *harness_root(void);

/* A new temporary folder (new path, free()); removed by harness_rmtree. */
char *harness_tmpdir(void);
void harness_rmtree(const char *path);
/* Write / copy whole files.  0 / -1. */
int harness_write(const char *path, const char *text);
int harness_copy(const char *from, const char *to);
/*
 * A whole file as a new string (NUL-terminated, bytes as they are), its
 * length in *len unless len is NULL; NULL on error.
 */
char *harness_read_len(const char *path, size_t *len);
/* harness_read_len() for text files. */
char *harness_read(const char *path);
/*
 * Is s[0..n) valid UTF-8 throughout (what PostgreSQL stores as text)?
 * text_utf8_len() character by character: the daemon's own check.
 */
bool harness_utf8_valid(const char *s, size_t n);
/* printf into a new string. */
char *harness_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A new temporary folder holding the three default trials' records
 * (tests/data/registry/default) as NCTxxxxxxxx.json, for the fake
 * registry to serve.  New path (free(); harness_rmtree removes it).
 */
char *harness_default_records(void);

/*
 * Add a fault to the fake registry `reg` (see fakereg.h): kind, the
 * request-line substring it matches (NULL: any), the status it answers
 * with (0: the kind's own) and how many times (0: every time).  Asserts
 * the fake took it.
 */
void harness_fault(struct fakereg *reg, enum fakereg_fault_kind kind,
    const char *match, int status, unsigned count);

/*
 * One sync cycle with a fresh HTTP client configured from cfg, as
 * `ctmirror sync` does (short backoff for tests); sync_cycle's result.
 */
struct config;
struct store;
struct sync_result;
int harness_sync_cycle(const struct config *cfg, struct store *s,
    struct sync_result *res);

/* -------------------------------------------- the mirror, end to end */

/*
 * The fixture of the tests that run whole sync cycles in process
 * (test_sync, test_listing, test_backfill): a fresh migrated database, a
 * folder of records, the fake registry serving it, a config pointed at
 * both and a store open on the database.  The harness owns all of it,
 * and harness_mirror_stop frees it; a test changes the fields (the
 * config above all) but never frees or replaces them.
 *
 * The config is config_defaults() with base_url the fake's, conninfo the
 * database's, rate_limit 0, retries 2, timeout 10 s and the stdout and
 * notify alerts off: a test sets what differs after start.
 */
struct harness_mirror {
	char *db;		/* conninfo ("dbname=...") */
	char *regdir;		/* the folder the fake serves */
	struct fakereg *reg;
	struct config *cfg;
	struct store *st;	/* open on db */
};

/*
 * Start the mirror: a database named after `tag`, and the fake serving
 * `records`, a folder of NCTxxxxxxxx.json that is in place before the fake
 * watches it (steals: stop removes and frees it; harness_default_records()
 * or a harness_tmpdir() the test filled).  Asserts every step.  Returns
 * the mirror, borrowed until harness_mirror_stop.  One at a time: the
 * calls below act on it, so a test file can name them once (Criterion
 * runs each test in a process of its own, between .init and .fini).
 */
struct harness_mirror *harness_mirror_start(const char *tag, char *records);
/*
 * Close the store, free the config, stop the fake, remove the folder and
 * drop the database; whatever a failed start left, or nothing.
 */
void harness_mirror_stop(void);
/* harness_sync_cycle() with the mirror's config and store. */
int harness_mirror_cycle(struct sync_result *res);
/* harness_db_count() on the mirror's database. */
long harness_mirror_count(const char *sql);
/*
 * Track exactly ids[0..n) (copied; n may be 0), in the order given, as
 * [tracking] nct_ids would.
 */
void harness_mirror_track(const char *const *ids, size_t n);

/* ------------------------------------------- one-off calls (pure stages) */

/*
 * The claims (harness_claims_extract) or mentions (harness_claims_mentions)
 * of one page, with an index of acr[0..n_acr) built for it alone and
 * freed after: claims_scan() as a test of one page calls it.  0 / -1.
 */
int harness_claims_extract(const char *text, size_t len,
    enum reader_format fmt, const struct claims_acronym *acr, size_t n_acr,
    struct claim_list *out);
/*
 * The format a fuzz target reads its input in: HTML when it opens with a
 * tag, else Markdown for an even length and plain text for an odd one, so
 * the mutator reaches all three without spending a byte on the choice.
 */
static inline enum reader_format
harness_fuzz_format(const unsigned char *data, size_t size)
{
	size_t i = 0;

	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
	    data[i] == '\n' || data[i] == '\r'))
		i++;
	if (i < size && data[i] == '<')
		return READER_HTML;
	return size % 2 ? READER_TEXT : READER_MARKDOWN;
}

int harness_claims_mentions(const char *text, size_t len,
    enum reader_format fmt, const struct claims_acronym *acr, size_t n_acr,
    struct mention_list *out);

/*
 * identity_judge_record() of `rec` (borrowed; NULL gives UNKNOWN)
 * prepared for this judgement alone: the verdict a scan gives, but the
 * record is read again every call.  0 / -1.
 */
int harness_identity_judge(const struct identity *id, const char *context,
    size_t len, const struct study *rec, struct identity_verdict *out);

/* "match", "mismatch", "unknown".  Static. */
const char *harness_outcome_name(enum identity_outcome o);

#endif

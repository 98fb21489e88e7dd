/*
 * output.h - what the commands print: `status`, `flags` and `scan` as
 * tables for a terminal (every untrusted string through log_print) or as
 * one JSON document for scripts.  A command opens an output, feeds it the
 * rows it reads from the store, and ends it; output.c never reads the
 * store itself.
 */
#ifndef CTMIRROR_OUTPUT_H
#define CTMIRROR_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "store.h"
#include "judge.h"
#include "sync.h"

enum output_format {
	OUTPUT_TEXT,
	OUTPUT_JSON,
	OUTPUT_GITHUB,		/* scan: GitHub Actions workflow annotations */
	OUTPUT_SARIF,		/* scan: SARIF 2.1.0, for code scanning */
};

/* A known stored flag, by its key (scan tells acknowledged findings). */
struct output_flag {
	char *key;		/* "page\tnct_id\tclaim_kind\trule" */
	long long flag_id;
	char *acked_at, *acked_by, *ack_reason;	/* NULL unless acked */
};

/* One command's output in progress.  Fields are output.c's. */
struct output {
	FILE *out;
	enum output_format format;
	json_t *doc;		/* JSON: the array being filled; SARIF: results */
	json_t *rules;		/* SARIF: the rules the results name */
	unsigned rows;		/* flags listed; claims scanned */
	unsigned findings;	/* scan: verdicts shown */
	int error;		/* a JSON value could not be made */
	/* scan */
	bool all;		/* every claim, not only the findings */
	unsigned stale, recheck;	/* findings not acknowledged */
	unsigned acked;		/* findings an ack silences */
	struct output_flag *flags;	/* open flags, sorted by key once read */
	size_t n_flags, cap_flags;
	bool flags_sorted;
};

/* Start an output on `out` (borrowed).  Finish it with output_finish. */
void output_init(struct output *o, FILE *out, enum output_format format);
/* Free what the output holds (also when it was never ended). */
void output_finish(struct output *o);

/*
 * status: begin (the text table's header), one row per tracked trial,
 * end (the text summary lines, or the whole JSON document).  0 / -1 (out
 * of memory).
 */
void output_status_begin(struct output *o, const struct store_summary *sum);
/* One trial as status --json and the daemon's /status show it.  New. */
json_t *output_trial_json(const struct store_trial_row *r);
int output_status_trial(void *o, const struct store_trial_row *r);
int output_status_end(struct output *o, const struct store_summary *sum,
    const struct store_registry *reg, const struct store_backfill_summary *bf);

/*
 * Why `status` exits 1: the last run failed or was partial, in words
 * (written into buf), or NULL when it did not (or none ran yet).
 */
const char *output_status_problem(const struct store_summary *sum, char *buf,
    size_t size);

/* flags: one row per flag (a store_flag_fn), then the end.  0 / -1. */
int output_flag(void *o, const struct store_flag *f);
int output_flags_end(struct output *o, bool all);

/*
 * scan: the open flags of the store first (a store_flag_fn: a finding
 * with an acknowledged flag is no finding), then one page as the judge
 * read it: `path` as the walk met it (shown), `name` its name under the
 * root (to find its flags), its text (for columns), `judge` borrowed for
 * the states the verdicts were made against.  Text: each finding as
 * "file:line:col: severity: rule: message" in line order (o->all: every
 * claim, with its verdicts, as a page report); JSON: an array of
 * findings (o->all: of every claim) with the field names of `flags
 * --json`; GitHub: one ::error (stale) or ::warning (recheck) a finding;
 * SARIF: one log with a result a finding.  o->stale and o->recheck count
 * the findings not acknowledged.  0 / -1.
 */
int output_scan_flag(void *o, const struct store_flag *f);
int output_scan_page(struct output *o, const char *path, const char *name,
    const char *text, size_t len, const struct judge_page *pg,
    struct judge *judge);
/* The end: the summary (text: stderr unless o->all), or the document. */
int output_scan_end(struct output *o, long pages);

#endif

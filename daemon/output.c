/*
 * output.c - the tables and JSON documents of `status`, `flags` and
 * `scan`.  Registry text, page names and page text reach a terminal only
 * through log_print (log_safe); JSON carries them as JSON strings.
 */
#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alerts.h"
#include "build_config.h"
#include "claims.h"
#include "log.h"
#include "rules.h"
#include "text.h"

void
output_init(struct output *o, FILE *out, enum output_format format)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->format = format;
	if ((format == OUTPUT_JSON || format == OUTPUT_SARIF) &&
	    (o->doc = json_array()) == NULL)
		o->error = 1;
	if (format == OUTPUT_SARIF && (o->rules = json_array()) == NULL)
		o->error = 1;
}

void
output_finish(struct output *o)
{
	json_decref(o->doc);
	json_decref(o->rules);
	for (size_t i = 0; i < o->n_flags; i++) {
		free(o->flags[i].key);
		free(o->flags[i].acked_at);
		free(o->flags[i].acked_by);
		free(o->flags[i].ack_reason);
	}
	free(o->flags);
	memset(o, 0, sizeof(*o));
}

/* Append a new value to the JSON array; a NULL (no memory) is remembered. */
static void
append(struct output *o, json_t *arr, json_t *v)
{
	if (v == NULL || json_array_append_new(arr, v) < 0)
		o->error = 1;
}

/* Print a JSON document, indented, and a newline.  0 / -1. */
static int
print_json(struct output *o, json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;

	if (text == NULL || o->error) {
		free(text);
		log_error("out of memory");
		return -1;
	}
	fprintf(o->out, "%s\n", text);
	free(text);
	return 0;
}

/* -------------------------------------------------------------- status */

void
output_status_begin(struct output *o, const struct store_summary *sum)
{
	if (o->format == OUTPUT_JSON)
		return;
	fprintf(o->out, "%u tracked trial%s\n\n", sum->trials_tracked,
	    sum->trials_tracked == 1 ? "" : "s");
	fprintf(o->out, "%-12s %-10s %-24s %-16s %-12s %-20s %s\n", "NCT ID",
	    "ACRONYM", "STATUS", "RESULTS POSTED", "UPDATED", "LAST CHECKED",
	    "RESULTS DUE (FDAAA 801)");
}

json_t *
output_trial_json(const struct store_trial_row *r)
{
	/* jansson has no nullable integer: "o?" takes NULL. */
	return json_pack("{s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s, s:i, "
	    "s:s?, s:s?, s:o?}",
	    "nct_id", r->nct_id, "acronym", r->acronym,
	    "overall_status", r->overall_status,
	    "has_results", r->has_results,
	    "results_first_posted", r->results_first_posted[0] ?
	    r->results_first_posted : NULL,
	    "last_update_posted", r->last_update_posted[0] ?
	    r->last_update_posted : NULL,
	    "last_checked_at", r->last_checked_at,
	    "registry_state", r->registry_state,
	    "versions", r->versions,
	    "results_due", r->results_due_state,
	    "results_due_by", r->results_due_by[0] ? r->results_due_by : NULL,
	    "results_days_late", r->results_days_late >= 0 ?
	    json_integer(r->results_days_late) : NULL);
}

int
output_status_trial(void *arg, const struct store_trial_row *r)
{
	struct output *o = arg;
	char due[80];

	if (o->format == OUTPUT_JSON) {
		append(o, o->doc, output_trial_json(r));
		return 0;
	}
	/* "overdue, due 2025-06-28, 521 days late" (at most ~50 bytes) */
	snprintf(due, sizeof(due), "%s%s%s", r->results_due_state ?
	    r->results_due_state : "-", r->results_due_by[0] ? ", due " : "",
	    r->results_due_by);
	if (r->results_days_late > 0) {
		size_t n = strlen(due);

		snprintf(due + n, sizeof(due) - n, ", %ld day%s late",
		    r->results_days_late, r->results_days_late == 1 ? "" : "s");
	}
	/* The acronym and status are registry text: shown safely. */
	log_print(o->out, "%-12s %-10.10s %-24s %-16s %-12s %-20s %s",
	    r->nct_id, r->acronym ? r->acronym : "-",
	    r->overall_status ? r->overall_status :
	    strcmp(r->registry_state, "not_found") == 0 ? "(not found)" :
	    "(not synced)",
	    r->has_results ? (r->results_first_posted[0] ?
	    r->results_first_posted : "yes") : "no",
	    r->last_update_posted[0] ? r->last_update_posted : "-",
	    r->last_checked_at ? r->last_checked_at : "never", due);
	return 0;
}

const char *
output_status_problem(const struct store_summary *sum, char *buf,
    size_t size)
{
	if (sum->last_run_id == 0)
		return NULL;
	if (strcmp(sum->last_run_status, "failed") == 0)
		snprintf(buf, size, "the last run (#%lld) failed: %s",
		    sum->last_run_id, sum->last_run_error[0] ?
		    sum->last_run_error : "no reason was recorded");
	else if (strcmp(sum->last_run_status, "partial") == 0)
		snprintf(buf, size,
		    "the last run (#%lld) was incomplete: %u trial or page error%s (the sync log and the sync_errors table name them)%s%s",
		    sum->last_run_id,
		    sum->last_run_errors, sum->last_run_errors == 1 ? "" : "s",
		    sum->last_run_error[0] ? "; " : "", sum->last_run_error);
	else
		return NULL;
	return buf;
}

static int
status_json(struct output *o, const struct store_summary *sum,
    const struct store_registry *reg, const struct store_backfill_summary *bf)
{
	char why[700];
	json_t *doc;
	int rc;

	/* jansson has no nullable integer: "o?" takes NULL. */
	doc = json_pack("{s:s?, s:i, s:O, s:{s:o?, s:s?, s:s?, s:s?, s:s?}, "
	    "s:s?, s:{s:i, s:i}, s:{s:i, s:s?}, s:{s:s?, s:s?}, "
	    "s:{s:i, s:i, s:i, s:I}}",
	    "problem", output_status_problem(sum, why, sizeof(why)),
	    "trials_tracked", (int)sum->trials_tracked, "trials", o->doc,
	    "last_run", "run_id", sum->last_run_id ?
	    json_integer(sum->last_run_id) : NULL,
	    "status", sum->last_run_id ? sum->last_run_status : NULL,
	    "started_at", sum->last_run_id ? sum->last_run_started : NULL,
	    "finished_at", sum->last_run_finished[0] ?
	    sum->last_run_finished : NULL,
	    "error", sum->last_run_error[0] ? sum->last_run_error : NULL,
	    "last_success_at", sum->last_ok_finished[0] ?
	    sum->last_ok_finished : NULL,
	    "open_flags", "stale", (int)sum->flags_open_stale,
	    "recheck", (int)sum->flags_open_recheck,
	    "pages_skipped", "count", (int)sum->pages_skipped,
	    "since", sum->pages_skipped_since[0] ?
	    sum->pages_skipped_since : NULL,
	    "registry", "data_timestamp", reg->build[0] ? reg->build :
	    NULL, "seen_at", reg->build[0] ? reg->build_seen_at : NULL,
	    "backfill", "pending", (int)bf->pending, "done", (int)bf->done,
	    "failed", (int)bf->failed, "versions", (json_int_t)bf->versions);
	rc = print_json(o, doc);
	json_decref(doc);
	return rc;
}

int
output_status_end(struct output *o, const struct store_summary *sum,
    const struct store_registry *reg, const struct store_backfill_summary *bf)
{
	char why[700];

	if (o->format == OUTPUT_JSON)
		return status_json(o, sum, reg, bf);
	fprintf(o->out, "\n");
	if (sum->last_run_id)
		log_print(o->out, "last run: #%lld %s, started %s%s%s%s%s",
		    sum->last_run_id, sum->last_run_status,
		    sum->last_run_started, sum->last_run_finished[0] ?
		    ", finished " : "", sum->last_run_finished,
		    sum->last_run_error[0] ? ": " : "", sum->last_run_error);
	else
		fprintf(o->out, "last run: never (run 'ctmirror sync')\n");
	fprintf(o->out, "open flags: %u stale, %u recheck\n",
	    sum->flags_open_stale, sum->flags_open_recheck);
	fprintf(o->out,
	    "history backfill: %u trial%s pending, %u done (%llu version%s from the registry's history), %u failed\n",
	    bf->pending, bf->pending == 1 ? "" : "s", bf->done, bf->versions,
	    bf->versions == 1 ? "" : "s", bf->failed);
	if (sum->pages_skipped)
		fprintf(o->out,
		    "pages skipped: %u, their claims and flags kept (the oldest since %s; the sync log says why)\n",
		    sum->pages_skipped, sum->pages_skipped_since);
	/*
	 * The registry's daily data build, as the last run that asked saw
	 * it: registry text, shown safely.
	 */
	if (reg->build[0])
		log_print(o->out,
		    "registry data: build %s (seen by the run started %s)",
		    reg->build, reg->build_seen_at);
	/* Last, where a reader of a long table looks. */
	if (output_status_problem(sum, why, sizeof(why)) != NULL)
		log_print(o->out, "problem: %s", why);
	return 0;
}

/* --------------------------------------------------------------- flags */

int
output_flag(void *arg, const struct store_flag *f)
{
	struct output *o = arg;

	o->rows++;
	if (o->format == OUTPUT_JSON) {
		append(o, o->doc, json_pack(
		    "{s:I, s:s, s:i, s:s, s:s, s:s, s:s?, s:s, s:s, s:s, s:s, "
		    "s:s, s:s?, s:s?, s:s?, s:s?}",
		    "flag_id", (json_int_t)f->flag_id, "page", f->page,
		    "line", f->line, "nct_id", f->nct_id,
		    "claim_kind", f->claim_kind, "claim_text", f->claim_text,
		    "as_of", f->as_of, "rule", f->rule, "severity", f->severity,
		    "evidence", f->evidence, "link", f->link,
		    "raised_at", f->raised_at, "resolved_at", f->resolved_at,
		    "acked_at", f->acked_at, "acked_by", f->acked_by,
		    "ack_reason", f->ack_reason));
		return 0;
	}
	if (f->resolved_at)
		fprintf(o->out, "[resolved %s] ", f->resolved_at);
	else if (f->acked_at)
		fprintf(o->out, "[acked %s] ", f->acked_at);
	alerts_print_flag(o->out, f);
	return 0;
}

int
output_flags_end(struct output *o, bool all)
{
	if (o->format == OUTPUT_JSON)
		return print_json(o, o->doc);
	if (o->rows == 0)
		fprintf(o->out, "no %sflags\n", all ? "" : "open ");
	return 0;
}

/* ---------------------------------------------------------------- scan */

/*
 * The rules a scan can report, for SARIF's rule list: what each means, in
 * one line (README.md, "Rules").  A rule missing here is listed by name.
 */
static const struct {
	const char *id, *text;
} rule_docs[] = {
	{"results-posted", "The page says results are pending; the registry "
	    "has posted them."},
	{"publication-linked", "The page says publication is pending; the "
	    "registry lists a result publication."},
	{"status-changed", "The page states a status the registry no longer "
	    "shows."},
	{"identity-mismatch", "The cited NCT ID leads to a record about "
	    "another trial than the page describes."},
	{"unknown-trial", "The registry does not know the cited NCT ID."},
	{"registry-updated", "The registry record changed after the claim's "
	    "as-of date."},
	{"results-submitted", "Results were submitted to the registry and "
	    "wait in quality control."},
	{"results-overdue", "Results are overdue under FDAAA 801."},
	{"claim-expired", "The claim's as-of date is older than [pages] "
	    "stale_after_days."},
	{"alias-id", "The cited ID is an alias: the registry answers with "
	    "another NCT ID."},
};

static int
cmp_flag(const void *a, const void *b)
{
	return strcmp(((const struct output_flag *)a)->key,
	    ((const struct output_flag *)b)->key);
}

/* The key of a flag: what a page's finding must match. */
static char *
flag_key(const char *page, const char *nct_id, const char *kind,
    const char *rule)
{
	char *key;

	if (asprintf(&key, "%s\t%s\t%s\t%s", page, nct_id, kind, rule) < 0)
		return NULL;
	return key;
}

int
output_scan_flag(void *arg, const struct store_flag *f)
{
	struct output *o = arg;
	struct output_flag *v;

	if ((v = text_grow(o->flags, &o->cap_flags, o->n_flags,
	    sizeof(*v))) == NULL)
		return -1;
	o->flags = v;
	v = &o->flags[o->n_flags];
	memset(v, 0, sizeof(*v));
	v->flag_id = f->flag_id;
	if ((v->key = flag_key(f->page, f->nct_id, f->claim_kind,
	    f->rule)) == NULL ||
	    (f->acked_at && (v->acked_at = strdup(f->acked_at)) == NULL) ||
	    (f->acked_by && (v->acked_by = strdup(f->acked_by)) == NULL) ||
	    (f->ack_reason && (v->ack_reason = strdup(f->ack_reason)) ==
	    NULL)) {
		free(v->key);
		free(v->acked_at);
		free(v->acked_by);
		return -1;
	}
	o->n_flags++;
	o->flags_sorted = false;
	return 0;
}

static const struct output_flag *
find_flag(struct output *o, const char *name, const struct claim *c,
    const struct verdict *v)
{
	struct output_flag want;
	const struct output_flag *hit;

	if (o->n_flags == 0)
		return NULL;
	if (!o->flags_sorted) {
		qsort(o->flags, o->n_flags, sizeof(*o->flags), cmp_flag);
		o->flags_sorted = true;
	}
	if ((want.key = flag_key(name, c->nct_id, claims_kind_name(c->kind),
	    v->rule)) == NULL)
		return NULL;
	hit = bsearch(&want, o->flags, o->n_flags, sizeof(*o->flags),
	    cmp_flag);
	free(want.key);
	return hit;
}

/* One finding (or, with o->all, one claim without any) of a page. */
struct finding {
	size_t claim;
	const struct verdict *v;	/* NULL: a claim nothing contradicts */
	int line, col;
	const struct output_flag *flag;	/* its stored open flag, if any */
};

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return (x->claim > y->claim) - (x->claim < y->claim);
}

/*
 * The column (1-based, in characters) where `phrase` starts on `line` of
 * text; 1 when it is not found there (a phrase over two lines).
 */
static int
column_of(const char *text, size_t len, const size_t *starts, size_t lines,
    int line, const char *phrase)
{
	size_t from, to, n;
	int col = 1;

	if (line < 1 || (size_t)line > lines || phrase == NULL ||
	    (n = strlen(phrase)) == 0)
		return 1;
	from = starts[line - 1];
	to = (size_t)line < lines ? starts[line] : len;
	for (size_t i = from; i + n <= to; i++) {
		if (strncasecmp(text + i, phrase, n) == 0) {
			/* Characters, not bytes: count UTF-8 lead bytes. */
			for (size_t k = from; k < i; k++)
				col += ((unsigned char)text[k] & 0xc0) != 0x80;
			return col;
		}
	}
	return 1;
}

/* The offsets where each line of text starts (new), *n of them. */
static size_t *
line_starts(const char *text, size_t len, size_t *n)
{
	size_t cap = 0, *v = NULL, *grown;
	const char *p = text, *end = text + len;

	*n = 0;
	for (;;) {
		if ((grown = text_grow(v, &cap, *n, sizeof(*v))) == NULL) {
			free(v);
			return NULL;
		}
		v = grown;
		v[(*n)++] = (size_t)(p - text);
		if (p >= end || (p = memchr(p, '\n', (size_t)(end - p))) ==
		    NULL)
			return v;
		p++;
	}
}

/* "NCT02982915 results-pending \"results pending\": evidence" (new). */
static char *
finding_message(const struct claim *c, const struct verdict *v)
{
	char *m;

	if (c->kind == CLAIM_MENTION) {
		if (asprintf(&m, "%s: %s", c->nct_id, v->evidence ?
		    v->evidence : "") < 0)
			return NULL;
	} else if (asprintf(&m, "%s %s \"%s\": %s", c->nct_id,
	    claims_kind_name(c->kind), c->phrase ? c->phrase : "",
	    v->evidence ? v->evidence : "") < 0) {
		return NULL;
	}
	return log_safe(m);
}

/*
 * A workflow command's data or property, escaped as the runner reads
 * them (actions/toolkit's command.ts): % CR LF, and in properties : ,
 * too, so no page text can end the command or start another.  New.
 */
static char *
gh_escape(const char *s, bool property)
{
	struct text_buf b = {0};

	for (; *s; s++) {
		const char *rep = *s == '%' ? "%25" : *s == '\r' ? "%0D" :
		    *s == '\n' ? "%0A" : property && *s == ':' ? "%3A" :
		    property && *s == ',' ? "%2C" : NULL;

		if ((rep ? text_buf_str(&b, rep) : text_buf_put(&b, s, 1)) < 0) {
			text_buf_finish(&b);
			return NULL;
		}
	}
	if (b.failed) {
		text_buf_finish(&b);
		return NULL;
	}
	/* Then no control byte or broken UTF-8 reaches the log. */
	return b.s ? log_safe(b.s) : strdup("");
}

/*
 * A path as a SARIF artifact URI: relative paths stay relative (to the
 * working folder, as code scanning takes them), absolute ones become
 * file:// URIs.  New.
 */
static char *
path_uri(const char *path)
{
	char *enc = text_percent_encode(path, "/"), *uri;

	if (enc == NULL || path[0] != '/')
		return enc;
	if (asprintf(&uri, "file://%s", enc) < 0)
		uri = NULL;
	free(enc);
	return uri;
}

/* The index of rule `id` in the SARIF rule list, added when new. */
static int
sarif_rule(struct output *o, const char *id, enum severity sev)
{
	const char *text = "A ctmirror rule.";
	size_t i;
	json_t *r;

	for (i = 0; i < json_array_size(o->rules); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(
		    o->rules, i), "id")), id) == 0)
			return (int)i;
	for (size_t k = 0; k < sizeof(rule_docs) / sizeof(rule_docs[0]); k++)
		if (strcmp(rule_docs[k].id, id) == 0)
			text = rule_docs[k].text;
	r = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:[s]}}", "id", id,
	    "name", id, "shortDescription", "text", text,
	    "defaultConfiguration", "level", sev == SEV_STALE ? "error" :
	    "warning", "properties", "tags", "documentation");
	append(o, o->rules, r);
	return (int)i;
}

static void
sarif_result(struct output *o, const char *path, const char *name,
    const struct claim *c, const struct finding *f)
{
	const struct verdict *v = f->v;
	char *msg = finding_message(c, v), *uri = path_uri(path);
	char *fp = flag_key(name, c->nct_id, claims_kind_name(c->kind),
	    v->rule);
	int rule = sarif_rule(o, v->rule, v->severity);
	json_t *r;

	if (msg == NULL || uri == NULL || fp == NULL) {
		o->error = 1;
		goto out;
	}
	r = json_pack("{s:s, s:i, s:s, s:{s:s}, "
	    "s:[{s:{s:{s:s}, s:{s:i, s:i}}}], "
	    "s:{s:s}, s:{s:s, s:s, s:s, s:s?, s:s, s:o?}}",
	    "ruleId", v->rule, "ruleIndex", rule,
	    "level", v->severity == SEV_STALE ? "error" : "warning",
	    "message", "text", msg,
	    "locations", "physicalLocation", "artifactLocation", "uri", uri,
	    "region", "startLine", f->line, "startColumn", f->col,
	    "partialFingerprints", "ctmirrorFlagKey/v1", fp,
	    "properties", "nct_id", c->nct_id,
	    "claim_kind", claims_kind_name(c->kind),
	    "severity", rules_severity_name(v->severity),
	    "as_of", c->as_of[0] ? c->as_of : NULL, "link", v->link,
	    "flag_id", f->flag ? json_integer(f->flag->flag_id) : NULL);
	/* A flag someone acknowledged: shown as suppressed, with why. */
	if (r != NULL && f->flag != NULL && f->flag->acked_at != NULL &&
	    json_object_set_new(r, "suppressions", json_pack("[{s:s, s:s}]",
	    "kind", "external", "justification", f->flag->ack_reason ?
	    f->flag->ack_reason : "acknowledged")) < 0) {
		json_decref(r);
		r = NULL;
	}
	append(o, o->doc, r);
out:
	free(fp);
	free(uri);
	free(msg);
}

static void
json_finding(struct output *o, const char *path, const struct claim *c,
    const struct finding *f)
{
	const struct verdict *v = f->v;
	const struct output_flag *fl = f->flag;
	char stbuf[160] = "";

	if (c->kind == CLAIM_STATUS)
		claims_statuses_text(c->statuses, stbuf, sizeof(stbuf));
	append(o, o->doc, json_pack("{s:o?, s:s, s:i, s:i, s:s, s:s, s:s?, "
	    "s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
	    "flag_id", fl ? json_integer(fl->flag_id) : NULL,
	    "page", path, "line", f->line, "column", f->col,
	    "nct_id", c->nct_id, "claim_kind", claims_kind_name(c->kind),
	    "statuses", c->kind == CLAIM_STATUS ? stbuf : NULL,
	    "claim_text", c->excerpt ? c->excerpt : "",
	    "as_of", c->as_of[0] ? c->as_of : NULL,
	    "rule", v ? v->rule : NULL,
	    "severity", v ? rules_severity_name(v->severity) : NULL,
	    "evidence", v ? v->evidence : NULL, "link", v ? v->link : NULL,
	    "phrase", c->phrase,
	    "acked_at", fl ? fl->acked_at : NULL,
	    "acked_by", fl ? fl->acked_by : NULL,
	    "ack_reason", fl ? fl->ack_reason : NULL));
}

static void
github_finding(struct output *o, const char *path, const struct claim *c,
    const struct finding *f)
{
	char *msg = finding_message(c, f->v), *title = NULL, *file, *m;

	if (msg == NULL || asprintf(&title, "ctmirror %s (%s)", f->v->rule,
	    rules_severity_name(f->v->severity)) < 0) {
		free(msg);
		o->error = 1;
		return;
	}
	file = gh_escape(path, true);
	m = gh_escape(msg, false);
	{
		char *t = gh_escape(title, true);

		if (file && m && t)
			fprintf(o->out, "::%s file=%s,line=%d,col=%d,title=%s::"
			    "%s\n", f->v->severity == SEV_STALE ? "error" :
			    "warning", file, f->line, f->col, t, m);
		else
			o->error = 1;
		free(t);
	}
	free(file);
	free(m);
	free(title);
	free(msg);
}

/*
 * One claim and the verdicts on it, as the page report of `scan --all`
 * shows them: verdicts [from, to) of the page.
 */
static void
text_claim(struct output *o, const char *path, const struct judge_page *pg,
    struct judge *judge, size_t i, const struct finding *f,
    size_t nf)
{
	const struct claim *c = &pg->claims.v[i];
	const struct trial_state *st;
	char stbuf[160] = "";
	bool any = false;

	if (c->kind == CLAIM_STATUS)
		claims_statuses_text(c->statuses, stbuf, sizeof(stbuf));
	/* The page's name and words, and registry text: shown safely. */
	log_print(o->out, "  %s:%d: %s %s%s%s%s%s \"%s\"", path, c->line,
	    c->nct_id, claims_kind_name(c->kind), stbuf[0] ? " " : "", stbuf,
	    c->as_of[0] ? " as of " : "", c->as_of, c->phrase ? c->phrase : "");
	for (size_t k = 0; k < nf; k++)
		any |= f[k].claim == i && f[k].v != NULL;
	st = judge_state(judge, c->nct_id);
	if (st == NULL || st->overall_status == NULL)
		fprintf(o->out, "      (no registry record stored for %s)\n",
		    c->nct_id);
	else if (!any)
		fprintf(o->out, "      ok: %s\n", c->kind == CLAIM_MENTION ?
		    "nothing in the record contradicts the citation" :
		    "the registry agrees");
	for (size_t k = 0; k < nf; k++) {
		const struct output_flag *fl = f[k].flag;

		if (f[k].claim != i || f[k].v == NULL)
			continue;
		log_print(o->out, "      %s [%s]: %s", f[k].v->rule,
		    rules_severity_name(f[k].v->severity),
		    f[k].v->evidence ? f[k].v->evidence : "");
		if (fl != NULL && fl->acked_at != NULL)
			log_print(o->out,
			    "      (flag %lld acknowledged %s by %s%s%s)",
			    fl->flag_id, fl->acked_at,
			    fl->acked_by ? fl->acked_by : "(unknown)",
			    fl->ack_reason ? ": " : "", fl->ack_reason ?
			    fl->ack_reason : "");
	}
}

int
output_scan_page(struct output *o, const char *path, const char *name,
    const char *text, size_t len, const struct judge_page *pg,
    struct judge *judge)
{
	struct finding *f = NULL;
	size_t nf = 0, k = 0, *starts = NULL, nlines = 0;
	int rc = -1;

	if ((f = calloc(pg->verdicts.n + pg->claims.n + 1, sizeof(*f))) ==
	    NULL || (starts = line_starts(text, len, &nlines)) == NULL)
		goto out;
	/* A claim's verdicts are one run of verdicts (judge.h). */
	for (size_t i = 0; i < pg->claims.n; i++) {
		const struct claim *c = &pg->claims.v[i];
		size_t from = k;
		int col = column_of(text, len, starts, nlines, c->line,
		    c->phrase ? c->phrase : c->nct_id);

		o->rows++;
		for (; k < pg->verdicts.n && pg->owner[k] == i; k++) {
			struct finding *x = &f[nf++];

			x->claim = i;
			x->v = &pg->verdicts.v[k];
			x->line = c->line;
			x->col = col;
			x->flag = find_flag(o, name, c, x->v);
			o->findings++;
			if (x->flag != NULL && x->flag->acked_at != NULL)
				o->acked++;
			else if (x->v->severity == SEV_STALE)
				o->stale++;
			else
				o->recheck++;
		}
		if (k == from && o->all) {
			f[nf].claim = i;
			f[nf].line = c->line;
			f[nf++].col = col;
		}
	}
	if (o->format == OUTPUT_TEXT && o->all) {
		log_print(o->out, "%s: %zu claim%s", path, pg->claims.n,
		    pg->claims.n == 1 ? "" : "s");
		for (size_t i = 0; i < pg->claims.n; i++)
			text_claim(o, path, pg, judge, i, f, nf);
		rc = 0;
		goto out;
	}
	qsort(f, nf, sizeof(*f), cmp_finding);
	for (size_t i = 0; i < nf; i++) {
		const struct claim *c = &pg->claims.v[f[i].claim];
		bool acked = f[i].flag != NULL && f[i].flag->acked_at != NULL;
		char *msg;

		/* An acknowledged flag is no finding, unless all are asked. */
		if (acked && !o->all && o->format != OUTPUT_SARIF)
			continue;
		switch (o->format) {
		case OUTPUT_JSON:
			json_finding(o, path, c, &f[i]);
			break;
		case OUTPUT_GITHUB:
			if (f[i].v != NULL && !acked)
				github_finding(o, path, c, &f[i]);
			break;
		case OUTPUT_SARIF:
			if (f[i].v != NULL && (!acked || o->all))
				sarif_result(o, path, name, c, &f[i]);
			break;
		case OUTPUT_TEXT:
			if ((msg = finding_message(c, f[i].v)) == NULL) {
				o->error = 1;
				break;
			}
			log_print(o->out, "%s:%d:%d: %s: %s: %s", path,
			    f[i].line, f[i].col,
			    rules_severity_name(f[i].v->severity), f[i].v->rule,
			    msg);
			free(msg);
			break;
		}
	}
	rc = o->error ? -1 : 0;
out:
	if (f == NULL || starts == NULL)
		o->error = 1;
	free(starts);
	free(f);
	return rc;
}

static int
sarif_end(struct output *o)
{
	json_t *doc;
	int rc;

	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:O}}, s:s, s:O}]}",
	    "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
	    "version", "2.1.0",
	    "runs", "tool", "driver", "name", "ctmirror",
	    "version", CTMIRROR_VERSION,
	    "rules", o->rules, "columnKind", "unicodeCodePoints",
	    "results", o->doc);
	rc = print_json(o, doc);
	json_decref(doc);
	return rc;
}

int
output_scan_end(struct output *o, long pages)
{
	FILE *sum = o->all && o->format == OUTPUT_TEXT ? o->out : stderr;

	if (o->format == OUTPUT_JSON)
		return print_json(o, o->doc);
	if (o->format == OUTPUT_SARIF)
		return sarif_end(o);
	if (o->error)
		return -1;
	/* In a findings list the summary would be read as one: stderr. */
	if (sum == o->out || log_verbosity() >= LOG_NORMAL)
		fprintf(sum,
		    "%ld page%s, %u claim%s, %u finding%s (%u stale, %u recheck, %u acknowledged)\n",
		    pages, pages == 1 ? "" :
		    "s", o->rows, o->rows == 1 ? "" : "s", o->findings,
		    o->findings == 1 ? "" : "s", o->stale, o->recheck,
		    o->acked);
	return 0;
}

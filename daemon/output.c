/*
 * output.c - the tables and JSON documents of `status`, `flags` and
 * `scan`.  Registry text, page names and page text reach a terminal only
 * through log_print (log_safe); JSON carries them as JSON strings.
 */
#include "output.h"

#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "claims.h"
#include "log.h"
#include "rules.h"

void
output_init(struct output *o, FILE *out, enum output_format format)
{
	memset(o, 0, sizeof(*o));
	o->out = out;
	o->format = format;
	if (format == OUTPUT_JSON && (o->doc = json_array()) == NULL)
		o->error = 1;
}

void
output_finish(struct output *o)
{
	json_decref(o->doc);
	o->doc = NULL;
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

int
output_status_trial(void *arg, const struct store_trial_row *r)
{
	struct output *o = arg;
	char due[80];

	if (o->format == OUTPUT_JSON) {
		/* jansson has no nullable integer: "o?" takes NULL. */
		append(o, o->doc, json_pack(
		    "{s:s, s:s?, s:s?, s:b, s:s?, s:s?, s:s?, s:s, s:i, s:s?, "
		    "s:s?, s:o?}",
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
		    "results_due_by", r->results_due_by[0] ?
		    r->results_due_by : NULL,
		    "results_days_late", r->results_days_late >= 0 ?
		    json_integer(r->results_days_late) : NULL));
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
		snprintf(buf, size, "the last run (#%lld) was incomplete: %u "
		    "trial or page error%s (the sync log and the sync_errors "
		    "table name them)%s%s", sum->last_run_id,
		    sum->last_run_errors, sum->last_run_errors == 1 ? "" : "s",
		    sum->last_run_error[0] ? "; " : "", sum->last_run_error);
	else
		return NULL;
	return buf;
}

static int
status_json(struct output *o, const struct store_summary *sum,
    const struct store_registry *reg)
{
	char why[700];
	json_t *doc;
	int rc;

	/* jansson has no nullable integer: "o?" takes NULL. */
	doc = json_pack("{s:s?, s:i, s:O, s:{s:o?, s:s?, s:s?, s:s?, s:s?}, "
	    "s:s?, s:{s:i, s:i}, s:{s:i, s:s?}, s:{s:s?, s:s?}}",
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
	    NULL, "seen_at", reg->build[0] ? reg->build_seen_at : NULL);
	rc = print_json(o, doc);
	json_decref(doc);
	return rc;
}

int
output_status_end(struct output *o, const struct store_summary *sum,
    const struct store_registry *reg)
{
	char why[700];

	if (o->format == OUTPUT_JSON)
		return status_json(o, sum, reg);
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
	if (sum->pages_skipped)
		fprintf(o->out, "pages skipped: %u, their claims and flags "
		    "kept (the oldest since %s; the sync log says why)\n",
		    sum->pages_skipped, sum->pages_skipped_since);
	/*
	 * The registry's daily data build, as the last run that asked saw
	 * it: registry text, shown safely.
	 */
	if (reg->build[0])
		log_print(o->out, "registry data: build %s (seen by the run "
		    "started %s)", reg->build, reg->build_seen_at);
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
 * One claim and the verdicts on it: verdicts [from, to) of the page (a
 * claim's verdicts are one run, sync.h), so a page of n claims costs n
 * steps, not n times its verdicts.
 */
static void
scan_claim(struct output *o, const char *path, const struct sync_page *pg,
    const struct sync_judge *judge, size_t i, size_t from, size_t to,
    json_t *jclaims)
{
	const struct claim *c = &pg->claims.v[i];
	const struct trial_state *st;
	const struct verdict *v;
	char stbuf[160] = "";
	json_t *jv;
	size_t k;

	o->rows++;
	o->findings += (unsigned)(to - from);
	if (c->kind == CLAIM_STATUS)
		claims_statuses_text(c->statuses, stbuf, sizeof(stbuf));
	if (o->format == OUTPUT_JSON) {
		if ((jv = json_array()) == NULL) {
			o->error = 1;
			return;
		}
		for (k = from; k < to; k++) {
			v = &pg->verdicts.v[k];
			append(o, jv, json_pack("{s:s, s:s, s:s, s:s}",
			    "rule", v->rule,
			    "severity", rules_severity_name(v->severity),
			    "evidence", v->evidence ? v->evidence : "",
			    "link", v->link));
		}
		append(o, jclaims, json_pack(
		    "{s:i, s:s, s:s, s:s?, s:s?, s:s, s:s, s:o}",
		    "line", c->line, "nct_id", c->nct_id,
		    "kind", claims_kind_name(c->kind),
		    "statuses", c->kind == CLAIM_STATUS ? stbuf : NULL,
		    "as_of", c->as_of[0] ? c->as_of : NULL,
		    "phrase", c->phrase ? c->phrase : "",
		    "excerpt", c->excerpt ? c->excerpt : "",
		    "verdicts", jv));
		return;
	}
	/* The page's name and words, and registry text: shown safely. */
	log_print(o->out, "  %s:%d: %s %s%s%s%s%s \"%s\"", path, c->line,
	    c->nct_id, claims_kind_name(c->kind), stbuf[0] ? " " : "", stbuf,
	    c->as_of[0] ? " as of " : "", c->as_of, c->phrase ? c->phrase : "");
	st = sync_judge_state(judge, c->nct_id);
	if (st == NULL || st->overall_status == NULL)
		fprintf(o->out, "      (no registry record stored for %s)\n",
		    c->nct_id);
	else if (to == from)
		fprintf(o->out, "      ok: %s\n", c->kind == CLAIM_MENTION ?
		    "nothing in the record contradicts the citation" :
		    "the registry agrees");
	for (k = from; k < to; k++) {
		v = &pg->verdicts.v[k];
		log_print(o->out, "      %s [%s]: %s", v->rule,
		    rules_severity_name(v->severity),
		    v->evidence ? v->evidence : "");
	}
}

int
output_scan_page(struct output *o, const char *path,
    const struct sync_page *pg, const struct sync_judge *judge)
{
	json_t *jclaims = NULL;
	size_t k = 0;

	if (o->format == OUTPUT_JSON) {
		if ((jclaims = json_array()) == NULL) {
			o->error = 1;
			return -1;
		}
	} else {
		log_print(o->out, "%s: %zu claim%s", path, pg->claims.n,
		    pg->claims.n == 1 ? "" : "s");
	}
	for (size_t i = 0; i < pg->claims.n; i++) {
		size_t from = k;

		while (k < pg->verdicts.n && pg->owner[k] == i)
			k++;
		scan_claim(o, path, pg, judge, i, from, k, jclaims);
	}
	if (o->format == OUTPUT_JSON)
		append(o, o->doc, json_pack("{s:s, s:o}", "page", path,
		    "claims", jclaims));
	return o->error ? -1 : 0;
}

int
output_scan_end(struct output *o, long pages)
{
	if (o->format == OUTPUT_JSON)
		return print_json(o, o->doc);
	fprintf(o->out, "%ld page%s, %u claim%s, %u finding%s\n", pages,
	    pages == 1 ? "" : "s", o->rows, o->rows == 1 ? "" : "s",
	    o->findings, o->findings == 1 ? "" : "s");
	return 0;
}

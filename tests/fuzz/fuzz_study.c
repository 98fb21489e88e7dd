/*
 * fuzz_study.c - libFuzzer target: arbitrary bytes through study_parse(),
 * then the invariants every accepted record must keep (canonical form,
 * hash, fixed point under re-parsing, trial_state projection); and through
 * study_from_text (the sync's reader), which must accept what study_parse
 * accepts with the same fields, and store JSON equal to the record without
 * its volatile members.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_study: invariant broken: %s\n", what);
		abort();
	}
}

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int
is_hex64(const char *h)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return h[64] == '\0';
}

static int
is_nct(const char *s)
{
	int i;

	if (strncmp(s, "NCT", 3) != 0)
		return 0;
	for (i = 3; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[11] == '\0';
}

/* Every date study.c keeps is "", "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
static int
date_ok(const char *d)
{
	size_t n = strlen(d), i;

	if (n == 0)
		return 1;
	if (n != 4 && n != 7 && n != 10)
		return 0;
	for (i = 0; i < n; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : d[i] < '0' || d[i] > '9')
			return 0;
	return 1;
}

static void
check_study(const struct study *s)
{
	const char **pmids;
	struct trial_state st;
	size_t i;

	check(is_nct(s->nct_id), "nct_id is NCT + 8 digits");
	check(s->overall_status != NULL, "overall_status set");
	check(s->canonical != NULL, "canonical set");
	check(strlen(s->canonical) == s->canonical_len, "canonical_len");
	check(is_hex64(s->hash), "hash is 64 lower-case hex digits");
	check(date_ok(s->status_verified.date) && date_ok(s->start.date) &&
	    date_ok(s->primary_completion.date) && date_ok(s->completion.date) &&
	    date_ok(s->results_first_posted.date) &&
	    date_ok(s->last_update_posted.date) &&
	    date_ok(s->results_submitted), "dates are YYYY[-MM[-DD]]");
	check(s->enrollment >= -1, "enrollment >= -1");
	check(s->n_refs == 0 || s->refs != NULL, "refs array");
	for (i = 0; i < s->n_conditions; i++)
		check(s->conditions[i] != NULL, "condition strings");
	for (i = 0; i < s->n_interventions; i++)
		check(s->interventions[i] != NULL, "intervention strings");
	for (i = 0; i < s->n_collaborators; i++)
		check(s->collaborators[i] != NULL, "collaborator strings");
	for (i = 0; i < s->n_phases; i++)
		check(s->phases[i] != NULL, "phase strings");
	(void)study_status_bit(s->overall_status);

	pmids = calloc(s->n_refs + 1, sizeof(*pmids));
	check(pmids != NULL, "calloc");
	study_state(s, &st, pmids);
	check(strcmp(st.nct_id, s->nct_id) == 0, "state nct_id");
	check(st.n_result_pmids <= s->n_refs, "state result pmids");
	for (i = 0; i < st.n_result_pmids; i++)
		check(st.result_pmids[i] != NULL, "state pmid strings");
	free(pmids);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static int
same_date(const struct study_date *a, const struct study_date *b)
{
	return a->type == b->type && strcmp(a->date, b->date) == 0;
}

/*
 * The text reader against the tree reader: `s` is study_parse's verdict on
 * the same bytes.  What the tree reader accepts, the text reader accepts
 * with the same fields (it may refuse more only for what it checks and
 * jansson does not, inside a resultsSection it never parses: so it is not
 * required to refuse what the tree reader refuses; and it refuses a NUL
 * byte between tokens, which jansson skips).
 */
static void
check_text_reader(const uint8_t *data, size_t size, const struct study *s)
{
	struct study_error err;
	struct study *t = study_from_text((const char *)data, size, NULL, &err);
	json_t *want, *got;

	if (t == NULL) {
		/*
		 * jansson takes a NUL byte between tokens; JSON does not, and
		 * libpq would cut the text there: the text reader refuses.
		 */
		check(s == NULL || memchr(data, '\0', size) != NULL,
		    "text reader refuses what the tree reader took");
		check(terminated(err.text, sizeof(err.text)) &&
		    err.text[0] != '\0', "text refusal says why");
		return;
	}
	check_study(t);
	check(t->canonical_len == strlen(t->canonical), "stored length");
	got = json_loadb(t->canonical, t->canonical_len, 0, NULL);
	check(got != NULL, "stored text is JSON");
	if (s != NULL) {
		check(strcmp(t->nct_id, s->nct_id) == 0 &&
		    same_str(t->overall_status, s->overall_status) &&
		    same_str(t->acronym, s->acronym) &&
		    same_str(t->brief_title, s->brief_title) &&
		    t->has_results == s->has_results &&
		    t->has_results_section == s->has_results_section &&
		    same_date(&t->results_first_posted,
		    &s->results_first_posted) &&
		    same_date(&t->last_update_posted, &s->last_update_posted) &&
		    same_date(&t->primary_completion, &s->primary_completion) &&
		    t->n_refs == s->n_refs && t->enrollment == s->enrollment &&
		    strcmp(t->results_submitted, s->results_submitted) == 0,
		    "both readers give the same fields");
		want = json_loadb(s->canonical, s->canonical_len, 0, NULL);
		check(want != NULL && json_equal(want, got),
		    "stored text equals the record without volatile members");
		json_decref(want);
	}
	json_decref(got);
	study_free(t);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct study_error err;
	struct study *s, *again = NULL, *other = NULL;
	json_error_t jerr;
	json_t *root, *canon;

	s = study_parse((const char *)data, size, NULL, &err);
	if (s == NULL) {
		check(terminated(err.nct_id, sizeof(err.nct_id)) &&
		    terminated(err.path, sizeof(err.path)) &&
		    terminated(err.text, sizeof(err.text)), "error strings");
		check(err.text[0] != '\0', "a refusal says why");
		check(err.path[0] == '\0' || err.path[0] == '/',
		    "error path is a JSON pointer");
	} else {
		check_study(s);
		/* The canonical text is a fixed point: same record, same hash. */
		again = study_parse(s->canonical, s->canonical_len, s->nct_id,
		    &err);
		check(again != NULL, "canonical text parses again");
		check(strcmp(again->hash, s->hash) == 0 &&
		    strcmp(again->canonical, s->canonical) == 0,
		    "canonical form is a fixed point");
	}

	root = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
	check(s == NULL || root != NULL, "accepted text is JSON");
	if (root != NULL) {
		/* The canonical copy of any JSON value: never fails, never leaks. */
		canon = study_canonical_json(root);
		check(canon != NULL, "canonical copy of parsed JSON");
		if (!json_is_object(root))
			check(json_equal(root, canon), "non-objects copied as is");
		json_decref(canon);
		/* A record is refused under any ID but its own. */
		if (s != NULL) {
			other = study_from_json(root, strcmp(s->nct_id,
			    "NCT00000000") ? "NCT00000000" : "NCT99999999", &err);
			check(other == NULL && err.text[0] != '\0',
			    "record with another nctId refused");
		}
		json_decref(root);
	}
	check_text_reader(data, size, s);
	study_free(other);
	study_free(again);
	study_free(s);
	return 0;
}

/*
 * fuzz_study.c - libFuzzer target: arbitrary bytes through
 * study_from_text() (the sync's reader), then the invariants every
 * accepted record must keep: its fields' shapes, stored text that is JSON
 * equal to the record without its volatile members, a hash of exactly
 * that text, a fixed point under re-parsing, and refusal under another ID.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study.h"
#include "text.h"

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
	size_t i;

	check(text_nct_id(s->nct_id), "nct_id is NCT + 8 digits");
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
	for (i = 0; i < s->n_refs; i++)
		check(s->refs[i].type != REF_RESULT || s->refs[i].pmid ==
		    NULL ||
		    s->refs[i].pmid[0] != '\0', "result PMIDs");
	for (i = 0; i < s->n_conditions; i++)
		check(s->conditions[i] != NULL, "condition strings");
	for (i = 0; i < s->n_interventions; i++)
		check(s->interventions[i] != NULL, "intervention strings");
	for (i = 0; i < s->n_collaborators; i++)
		check(s->collaborators[i] != NULL, "collaborator strings");
	for (i = 0; i < s->n_phases; i++)
		check(s->phases[i] != NULL, "phase strings");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct study_error err;
	struct study *s, *again = NULL, *other = NULL;
	json_t *want, *got;

	s = study_from_text((const char *)data, size, NULL, &err);
	if (s == NULL) {
		check(terminated(err.nct_id, sizeof(err.nct_id)) &&
		    terminated(err.path, sizeof(err.path)) &&
		    terminated(err.text, sizeof(err.text)), "error strings");
		check(err.text[0] != '\0', "a refusal says why");
		check(err.path[0] == '\0' || err.path[0] == '/',
		    "error path is a JSON pointer");
		return 0;
	}
	check_study(s);

	/* What is stored is JSON: the record without its volatile members. */
	want = json_loadb((const char *)data, size, 0, NULL);
	check(want != NULL, "accepted text is JSON");
	study_strip_volatile(want);
	got = json_loadb(s->canonical, s->canonical_len, 0, NULL);
	check(got != NULL, "stored text is JSON");
	check(json_equal(want, got),
	    "stored text equals the record without volatile members");
	json_decref(want);
	json_decref(got);

	/* The stored text is a fixed point: same record, same hash. */
	again = study_from_text(s->canonical, s->canonical_len, s->nct_id,
	    &err);
	check(again != NULL, "stored text parses again");
	check(strcmp(again->hash, s->hash) == 0 &&
	    strcmp(again->canonical, s->canonical) == 0,
	    "stored text is a fixed point");
	check(strcmp(again->nct_id, s->nct_id) == 0 &&
	    (again->overall_status == NULL) == (s->overall_status == NULL) &&
	    again->has_results == s->has_results &&
	    again->n_refs == s->n_refs && again->enrollment == s->enrollment &&
	    strcmp(again->results_submitted, s->results_submitted) == 0,
	    "the same fields again");

	/* A record is refused under any ID but its own. */
	other = study_from_text((const char *)data, size, strcmp(s->nct_id,
	    "NCT00000001") ? "NCT00000001" : "NCT99999999", &err);
	check(other == NULL && err.text[0] != '\0',
	    "record with another nctId refused");
	study_free(other);
	study_free(again);
	study_free(s);
	return 0;
}

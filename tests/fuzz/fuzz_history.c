/*
 * fuzz_history.c - libFuzzer target: arbitrary bytes as the registry's
 * answers to the history endpoints (history.c), a change list and a
 * version document.  An accepted change list has versions 0, 1, ... in
 * order, each a real YYYY-MM-DD date and its labels; an accepted version
 * is the record of the trial asked for; a refusal names the trial and
 * says why.  history.c's HTTP side is stubbed: the parsers do no I/O.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "history.h"

#define NCT "NCT02982915"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Never called by the parsers; here so that history.c links alone. */
int
fetch_get(struct fetch *f, const char *url, fetch_done_fn fn, void *arg)
{
	abort();
}

int
fetch_run(struct fetch *f)
{
	abort();
}

bool
fetch_cancelled(const struct fetch *f)
{
	abort();
}

bool
fetch_is_type(const struct fetch_response *resp, const char *type)
{
	abort();
}

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_history: invariant broken: %s\n", what);
		abort();
	}
}

static int
is_day(const char *d)
{
	int m, day;

	if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
			return 0;
	m = (d[5] - '0') * 10 + d[6] - '0';
	day = (d[8] - '0') * 10 + d[9] - '0';
	return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

static void
refusal(enum history_fault f, const char *why)
{
	check(f == HISTORY_TRIAL || f == HISTORY_ENDPOINT, "a fault class");
	check(why != NULL && strncmp(why, NCT ": ", 13) == 0,
	    "a refusal names the trial");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct history_list l;
	enum history_fault f;
	json_t *study = NULL;
	char *why = NULL;
	const char *id;

	f = history_parse_list((const char *)data, size, NCT, &l, &why);
	if (f == HISTORY_OK) {
		check(why == NULL, "no reason when accepted");
		check(l.n >= 1, "a list has a version");
		for (size_t i = 0; i < l.n; i++) {
			check(l.v[i].version == (int)i, "versions 0, 1, ...");
			check(is_day(l.v[i].date), "a date YYYY-MM-DD");
			for (size_t k = 0; k < l.v[i].n_labels; k++)
				check(l.v[i].labels[k] != NULL, "labels");
		}
	} else {
		refusal(f, why);
	}
	history_list_finish(&l);
	free(why);
	why = NULL;
	f = history_parse_version((const char *)data, size, NCT, 3, &study,
	    &why);
	if (f == HISTORY_OK) {
		id = json_string_value(json_object_get(json_object_get(
		    json_object_get(study, "protocolSection"),
		    "identificationModule"), "nctId"));
		check(id != NULL && strcmp(id, NCT) == 0, "the trial's record");
	} else {
		check(study == NULL, "no record when refused");
		refusal(f, why);
	}
	json_decref(study);
	free(why);
	return 0;
}

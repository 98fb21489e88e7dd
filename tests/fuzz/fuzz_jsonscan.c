/*
 * fuzz_jsonscan.c - libFuzzer target: arbitrary bytes through jsonscan's
 * checks, against jansson as the oracle.  The strict reading accepts an
 * object exactly when jansson does (but for the limits jansson adds on
 * numbers and the names jsonscan refuses twice); every member and every
 * element it hands out is a value jansson reads on its own; the quick
 * cut never refuses what the strict reading accepts, and cuts the same.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_jsonscan: invariant broken: %s\n", what);
		abort();
	}
}

/* jansson refuses some numbers JSON allows: too big for its types. */
static int
number_limit(const char *why)
{
	return strstr(why, "too big") != NULL || strstr(why, "overflow") != NULL;
}

static void
check_value(const struct jsonscan_slice *v)
{
	json_error_t jerr;
	json_t *j = json_loadb(v->s, v->len, JSON_DECODE_ANY, &jerr);

	check(j != NULL || number_limit(jerr.text), "a slice is one value");
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct jsonscan_member *m = NULL;
	struct jsonscan_slice *v = NULL;
	size_t n = 0, nv = 0, i;
	json_error_t jerr;
	const char *strict, *quick;
	json_t *j;

	strict = jsonscan_members(text, size, &m, &n);
	j = json_loadb(text, size, 0, &jerr);
	/* jansson also takes arrays, and a NUL byte between tokens. */
	if (j != NULL && (!json_is_object(j) || memchr(text, '\0', size))) {
		json_decref(j);
		j = NULL;
		jerr.text[0] = '\0';
	}
	if (strict == NULL) {
		check(j != NULL || number_limit(jerr.text) ||
		    memchr(text, '\0', size) != NULL,
		    "jansson reads what jsonscan accepts");
		check(j == NULL || json_object_size(j) == n,
		    "as many members as jansson");
		for (i = 0; i < n; i++) {
			check(m[i].name.s > text &&
			    m[i].value.s + m[i].value.len <= text + size,
			    "slices inside the text");
			check_value(&m[i].value);
		}
	} else if (j != NULL) {
		/* jansson keeps the last of two names; jsonscan refuses. */
		check(strcmp(strict, "a member named twice") == 0,
		    "jsonscan refuses only duplicate names that jansson takes");
	}
	check(strict == NULL || m == NULL || n > 0, "no array for nothing");
	/* The quick cut of the first array member, when there is one. */
	for (i = 0; i < n; i++)
		if (m[i].value.s[0] == '[' && m[i].name.len < 64) {
			char name[64];

			memcpy(name, m[i].name.s, m[i].name.len);
			name[m[i].name.len] = '\0';
			if (strchr(name, '\\') != NULL)
				continue;
			quick = jsonscan_array(text, size, name, &v, &nv);
			check(quick == NULL, "the quick cut takes what is valid");
			for (size_t k = 0; k < nv; k++)
				check_value(&v[k]);
			check(jsonscan_object(text, size) == NULL,
			    "object agrees with members");
			free(v);
			v = NULL;
			break;
		}
	free(m);
	json_decref(j);
	return 0;
}

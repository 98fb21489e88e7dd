/*
 * fuzz_diff.c - libFuzzer target: two JSON documents split at the first NUL
 * byte (none: a first version, old = NULL), canonicalised as sync.c does,
 * through diff_studies(), with the invariants every change list must keep.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_diff: invariant broken: %s\n", what);
		abort();
	}
}

/* A study version: a JSON object without duplicate keys, canonicalised. */
static json_t *
load(const char *text, size_t len)
{
	json_error_t jerr;
	json_t *root;

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root)) {
		json_decref(root);
		return NULL;
	}
	study_strip_volatile(root);
	return root;
}

/* RFC 6901: "/" then segments in which '~' is only "~0" or "~1". */
static int
pointer_ok(const char *p)
{
	if (p == NULL || p[0] != '/')
		return 0;
	for (; *p; p++)
		if (*p == '~' && p[1] != '0' && p[1] != '1')
			return 0;
	return 1;
}

/* A change value is stored as jsonb: it must be JSON text. */
static int
value_ok(const char *v)
{
	json_error_t jerr;
	json_t *j;

	if (v == NULL)
		return 1;
	if ((j = json_loads(v, JSON_DECODE_ANY, &jerr)) == NULL)
		return 0;
	json_decref(j);
	return 1;
}

static size_t
checked_diff(const json_t *old, const json_t *new)
{
	struct change_list out = {0};
	const struct change *c;
	size_t i, n;

	check(diff_studies(old, new, &out) == 0, "diff_studies returns 0");
	for (i = 0; i < out.n; i++) {
		c = &out.v[i];
		check(pointer_ok(c->path), "change path is a JSON pointer");
		check(c->old_value != NULL || c->new_value != NULL,
		    "a change has a side");
		check(c->old_value == NULL || c->new_value == NULL ||
		    strcmp(c->old_value, c->new_value) != 0,
		    "a change changes something");
		check(value_ok(c->old_value) && value_ok(c->new_value),
		    "change values are JSON");
		check(c->cls <= CHANGE_OTHER && c->cls == diff_classify(c->path),
		    "change class");
		check(diff_class_name(c->cls) != NULL, "class name");
		check(i == 0 || strcmp(out.v[i - 1].path, c->path) <= 0,
		    "changes sorted by path");
	}
	n = out.n;
	diff_list_finish(&out);
	check(out.n == 0 && out.v == NULL, "finish resets the list");
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul;
	json_t *old = NULL, *new = NULL;
	size_t fwd, back;

	nul = memchr(text, '\0', size);
	if (nul != NULL) {
		old = load(text, (size_t)(nul - text));
		new = load(nul + 1, size - (size_t)(nul - text) - 1);
		if (old == NULL || new == NULL)
			goto out;
	} else if ((new = load(text, size)) == NULL)
		goto out;

	check(checked_diff(NULL, new) == 0, "a first version has no changes");
	check(checked_diff(new, new) == 0, "no changes against itself");
	if (old != NULL) {
		fwd = checked_diff(old, new);
		back = checked_diff(new, old);
		check(!json_equal(old, new) || fwd == 0, "equal: no changes");
		check(fwd == back, "as many changes back as forth");
	}
out:
	json_decref(old);
	json_decref(new);
	return 0;
}

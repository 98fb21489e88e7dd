/*
 * fuzz_suppress.c - libFuzzer target: arbitrary bytes as a page's raw
 * text through suppress.c.  Every range starts on a line (1 or later)
 * and ends no earlier than it starts; suppress_hides agrees with the
 * ranges; suppress_apply over made-up claims (one per line) keeps the
 * verdicts it does not hide, in order, with their owners, and drops
 * exactly those the ranges hide.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const rules[] = {"results-posted", "claim-expired",
    "status-changed", "identity-mismatch"};

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_suppress: invariant broken: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct suppress s = {0};
	struct claim c[8];
	struct verdict v[16];
	struct verdict_list vl = {v, 16, 16};
	struct claim_list cl = {c, 8, 8};
	size_t owner[16];
	bool hidden[16];
	size_t kept = 0;
	long dropped;

	if (suppress_scan(text, size, &s) < 0) {
		suppress_finish(&s);
		return 0;
	}
	for (size_t i = 0; i < s.n; i++) {
		check(s.v[i].from >= 1, "a range starts on a line");
		check(s.v[i].to >= s.v[i].from, "a range ends after it starts");
		check(s.v[i].rules == NULL || (s.v[i].rules[0] == ' ' &&
		    s.v[i].rules[strlen(s.v[i].rules) - 1] == ' '),
		    "a rule list is padded");
	}
	memset(c, 0, sizeof(c));
	for (int i = 0; i < 8; i++)
		c[i].line = 1 + i * 3;
	for (size_t k = 0; k < 16; k++) {
		owner[k] = k / 2;
		v[k].rule = rules[k % 4];
		v[k].severity = SEV_STALE;
		v[k].evidence = malloc(8);
		check(v[k].evidence != NULL, "memory");
		snprintf(v[k].evidence, 8, "%zu", k);
		hidden[k] = suppress_hides(&s, c[owner[k]].line, v[k].rule);
	}
	dropped = suppress_apply(text, size, &cl, &vl, owner);
	if (dropped >= 0) {
		for (size_t k = 0; k < 16; k++)
			kept += !hidden[k];
		check((size_t)dropped == 16 - kept, "dropped what it hides");
		check(vl.n == kept, "kept what it does not hide");
		for (size_t k = 0, w = 0; k < 16; k++) {
			if (hidden[k])
				continue;
			check(strtoul(vl.v[w].evidence, NULL, 10) == k,
			    "kept in order");
			check(owner[w] == k / 2, "with their owners");
			w++;
		}
	}
	for (size_t k = 0; k < vl.n; k++)
		free(vl.v[k].evidence);
	suppress_finish(&s);
	return 0;
}

/*
 * fuzz_claims.c - libFuzzer target: arbitrary bytes as a page through
 * claims_scan() (as HTML, Markdown or text: harness_fuzz_format()) and
 * claims_nct_ids() with a fixed acronym table, and
 * the invariants every claim must keep before it is stored.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "claims_page.h"
#include "harness.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ALL_STATUSES 0x1ffu

/* The registry's acronyms of the tracked trials, as in test_claims.c. */
static const struct claims_acronym registry[] = {
	{"HERA", "NCT02982915"},
	{"CLEARMIND", "NCT05233774"},
	{"SENECA", "NCT02065245"},
};
#define N_REGISTRY (sizeof(registry) / sizeof(registry[0]))

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_claims: invariant broken: %s\n", what);
		abort();
	}
}

static int
date_ok(const char *d)
{
	int i, month, day;

	if (d[0] == '\0')
		return 1;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? d[i] != '-' : d[i] < '0' || d[i] > '9')
			return 0;
	month = (d[5] - '0') * 10 + (d[6] - '0');
	day = (d[8] - '0') * 10 + (d[9] - '0');
	return d[10] == '\0' && month >= 1 && month <= 12 && day >= 1 &&
	    day <= 31;
}

static int
named(const char *id, char (*ids)[NCT_ID_SIZE], size_t n,
    char (*seen)[NCT_ID_SIZE], size_t n_seen)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	for (i = 0; i < n_seen; i++)
		if (strcmp(seen[i], id) == 0)
			return 1;
	for (i = 0; i < N_REGISTRY; i++)
		if (strcmp(registry[i].nct_id, id) == 0)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct claim_list out = {0};
	char (*ids)[NCT_ID_SIZE] = NULL, (*seen)[NCT_ID_SIZE] = NULL;
	enum reader_format fmt = harness_fuzz_format(data, size);
	char *lf = NULL;
	struct page pg;
	char buf[256], tiny[12];
	const struct claim *c;
	size_t n = 0, n_seen = 0, i, j, lines = 1;

	/* Line breaks: "\n", and "\r" but where only "\r"s lead to a "\n". */
	for (i = 0; i < size; i++) {
		if (data[i] == '\n') {
			lines++;
		} else if (data[i] == '\r') {
			for (j = i + 1; j < size && data[j] == '\r'; j++)
				;
			lines += j >= size || data[j] != '\n';
		}
	}

	check(claims_nct_ids(text, size, &ids, &n) == 0, "claims_nct_ids");
	for (i = 0; i < n; i++) {
		check(text_nct_id(ids[i]), "IDs are NCT + 8 digits");
		for (j = 0; j < i; j++)
			check(strcmp(ids[i], ids[j]) != 0, "IDs are distinct");
	}

	/*
	 * IDs as readers see them too, in the page as claims_scan() reads
	 * it: markup between the digits of one ("NCT0298<b>2915</b>") joins
	 * them, and so does a NUL byte in HTML (the HTML5 parser drops it).
	 * Read past the front matter, as the scan opens the page: a "<!--"
	 * in the front matter opens no comment that hides the rest.
	 */
	check(claims_page_breaks(text, size, &lf) == 0, "claims_page_breaks");
	check(claims_page_open(&pg, lf ? lf : text, size, fmt) == 0,
	    "claims_page_open");
	free(lf);
	check(claims_nct_ids((const char *)pg.t, pg.len, &seen, &n_seen) == 0,
	    "claims_nct_ids of the text read");
	claims_page_close(&pg);

	check(harness_claims_extract(text, size, fmt, registry, N_REGISTRY,
	    &out) == 0, "claims_scan");
	for (i = 0; i < out.n; i++) {
		c = &out.v[i];
		check(text_nct_id(c->nct_id), "claim ID is NCT + 8 digits");
		check(named(c->nct_id, ids, n, seen, n_seen),
		    "claim ID is on the page or in the acronym table");
		check(c->kind <= CLAIM_STATUS, "claim kind");
		check(claims_kind_name(c->kind) != NULL, "kind name");
		if (c->kind == CLAIM_STATUS)
			check(c->statuses != 0 && (c->statuses & ~ALL_STATUSES) == 0,
			    "status claim has a status set");
		check(c->line >= 1 && (size_t)c->line <= lines, "claim line");
		check(date_ok(c->as_of), "as_of is \"\" or YYYY-MM-DD");
		check(c->excerpt != NULL && strlen(c->excerpt) <= 200,
		    "excerpt at most 200 bytes");
		check(harness_utf8_valid(c->excerpt, strlen(c->excerpt)),
		    "excerpt is valid UTF-8");
		check(c->phrase != NULL && c->phrase[0] != '\0' &&
		    harness_utf8_valid(c->phrase, strlen(c->phrase)),
		    "phrase is valid UTF-8");
		claims_statuses_text(c->statuses, buf, sizeof(buf));
		check(memchr(buf, '\0', sizeof(buf)) != NULL, "statuses text");
		claims_statuses_text(c->statuses, tiny, sizeof(tiny));
		check(memchr(tiny, '\0', sizeof(tiny)) != NULL,
		    "statuses text, small buffer");
	}
	claims_list_finish(&out);
	check(out.n == 0 && out.v == NULL, "finish resets the list");
	free(ids);
	free(seen);
	return 0;
}

/*
 * test_claims.c - claims.c over the pages of tests/data/pages (each
 * NAME.claims lists its page's claims, see the README there), then tricky
 * sentences one by one, hostile bytes, and a 10 MB page; then the
 * mentions (the page's words about each trial) of harness_claims_mentions().
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "harness.h"
#include "text.h"

#define ACTIVE "NOT_YET_RECRUITING|RECRUITING|ENROLLING_BY_INVITATION|" \
	"ACTIVE_NOT_RECRUITING"

/* The registry's acronyms for the unit cases. */
static const struct claims_acronym registry[] = {
	{"HERA", "NCT02982915"},
	{"CLEARMIND", "NCT05233774"},
	{"SENECA", "NCT02065245"},
};
#define N_REGISTRY (sizeof(registry) / sizeof(registry[0]))

/* A string of valid UTF-8. */
static bool
valid_utf8(const char *s)
{
	return harness_utf8_valid(s, strlen(s));
}

/* What every claim must be, whatever the page. */
static void
check_claim(const struct claim *c)
{
	const unsigned char *p;

	cr_expect(text_nct_id(c->nct_id), "id %s", c->nct_id);
	cr_expect_geq(c->line, 1);
	cr_expect(c->as_of[0] == '\0' || (strlen(c->as_of) == 10 &&
	    c->as_of[4] == '-' && c->as_of[7] == '-'), "as_of %s", c->as_of);
	cr_assert_not_null(c->excerpt);
	cr_assert_not_null(c->phrase);
	cr_expect_neq(c->phrase[0], '\0');
	cr_expect_leq(strlen(c->excerpt), 200, "excerpt %zu bytes",
	    strlen(c->excerpt));
	cr_expect(valid_utf8(c->excerpt), "excerpt not UTF-8: %s", c->excerpt);
	cr_expect(valid_utf8(c->phrase), "phrase not UTF-8");
	for (p = (const unsigned char *)c->excerpt; *p; p++)
		cr_expect_geq(*p, 0x20, "control byte in excerpt");
	cr_expect(c->kind == CLAIM_STATUS ? c->statuses != 0 :
	    c->statuses == 0);
}

/* "LINE NCT KIND STATUSES AS_OF PHRASE", as in the .claims files; new. */
static char *
claim_line(const struct claim *c)
{
	char st[160];

	if (c->kind == CLAIM_STATUS)
		claims_statuses_text(c->statuses, st, sizeof(st));
	return harness_fmt("%d %s %s %s %s %s", c->line, c->nct_id,
	    claims_kind_name(c->kind), c->kind == CLAIM_STATUS ? st : "-",
	    c->as_of[0] ? c->as_of : "-", c->phrase);
}

/* All claims of a list, one line each; new. */
static char *
claim_lines(const struct claim_list *l)
{
	char *all = strdup(""), *line, *next;
	size_t i;

	for (i = 0; i < l->n; i++) {
		check_claim(&l->v[i]);
		line = claim_line(&l->v[i]);
		next = harness_fmt("%s%s\n", all, line);
		free(line);
		free(all);
		all = next;
	}
	return all;
}

/* ------------------------------------------------------------ fixtures */

struct expect {
	char *page;
	struct claims_acronym acr[16];
	size_t n_acr;
	char **want;
	size_t n_want;
};

static void
expect_load(const char *dir, const char *name, struct expect *e)
{
	char *path = harness_fmt("%s/%s.claims", dir, name);
	char line[4096], a[256], id[64];
	FILE *f = fopen(path, "r");
	size_t len;

	cr_assert_not_null(f, "cannot open %s", path);
	memset(e, 0, sizeof(*e));
	while (fgets(line, sizeof(line), f)) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (strncmp(line, "page ", 5) == 0) {
			e->page = harness_fmt("%s/%s", dir, line + 5);
		} else if (strncmp(line, "acronym ", 8) == 0) {
			cr_assert_eq(sscanf(line + 8, "%255s %63s", a, id), 2);
			cr_assert_lt(e->n_acr, 16);
			e->acr[e->n_acr].acronym = strdup(a);
			e->acr[e->n_acr++].nct_id = strdup(id);
		} else {
			e->want = realloc(e->want, (e->n_want + 1) *
			    sizeof(*e->want));
			cr_assert_not_null(e->want);
			e->want[e->n_want++] = strdup(line);
		}
	}
	fclose(f);
	free(path);
	if (e->page == NULL) {
		e->page = harness_fmt("%s/%s.md", dir, name);
		if ((f = fopen(e->page, "r")) != NULL) {
			fclose(f);
		} else {
			free(e->page);
			e->page = harness_fmt("%s/%s.txt", dir, name);
		}
	}
}

static void
expect_free(struct expect *e)
{
	size_t i;

	for (i = 0; i < e->n_acr; i++) {
		free((char *)e->acr[i].acronym);
		free((char *)e->acr[i].nct_id);
	}
	for (i = 0; i < e->n_want; i++)
		free(e->want[i]);
	free(e->want);
	free(e->page);
}

static void
check_page(const char *dir, const char *name)
{
	struct expect e;
	struct claim_list out = {0};
	char *text, *got, *copy;
	size_t len = 0, i;

	expect_load(dir, name, &e);
	text = harness_read_len(e.page, &len);
	cr_assert_not_null(text, "%s: cannot read %s", name, e.page);
	/* The page as sync.c hands it over: not NUL-terminated. */
	copy = malloc(len ? len : 1);
	cr_assert_not_null(copy);
	memcpy(copy, text, len);
	cr_assert_eq(harness_claims_extract(copy, len,
	    reader_format_of(e.page), e.acr, e.n_acr, &out), 0);
	for (i = 0; i < out.n || i < e.n_want; i++) {
		got = i < out.n ? claim_line(&out.v[i]) : NULL;
		cr_expect(got && i < e.n_want && strcmp(got, e.want[i]) == 0,
		    "%s: claim %zu\n  got:  %s\n  want: %s", name, i,
		    got ? got : "(none)", i < e.n_want ? e.want[i] : "(none)");
		if (i < out.n) {
			check_claim(&out.v[i]);
			cr_expect(strstr(out.v[i].excerpt, out.v[i].phrase),
			    "%s: excerpt without its phrase: %s", name,
			    out.v[i].excerpt);
		}
		free(got);
	}
	claims_list_finish(&out);
	free(copy);
	free(text);
	expect_free(&e);
}

Test(claims, pages)
{
	char *dir = harness_fmt("%s/pages", harness_data());
	DIR *d = opendir(dir);
	struct dirent *de;
	char name[256];
	size_t len, n = 0;

	cr_assert_not_null(d, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 8 || len >= sizeof(name) ||
		    strcmp(de->d_name + len - 7, ".claims") != 0)
			continue;
		memcpy(name, de->d_name, len - 7);
		name[len - 7] = '\0';
		check_page(dir, name);
		n++;
	}
	closedir(d);
	cr_expect_geq(n, 6, "only %zu pages", n);
	free(dir);
}

/* --------------------------------------------------------- sentences */

static char *
extract_lines(const char *text, size_t len, const struct claims_acronym *acr,
    size_t n_acr)
{
	struct claim_list out = {0};
	char *s;

	cr_assert_eq(harness_claims_extract(text, len, READER_MARKDOWN, acr, n_acr, &out), 0);
	s = claim_lines(&out);
	claims_list_finish(&out);
	return s;
}

/*
 * Line breaks as old Mac exports write them (a lone "\r"), as Windows
 * does ("\r\n") and as a CRLF file converted twice has them ("\r\r\n"):
 * every fixture page gives the claims it gives with "\n", on the same
 * lines.
 */
Test(claims, line_breaks)
{
	static const char *const breaks[] = {"\r", "\r\n", "\r\r\n"};
	char *dir = harness_fmt("%s/pages", harness_data());
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	cr_assert_not_null(d, "cannot open %s", dir);
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name), tlen = 0, i, b;
		char *path, *text, *want;

		if (len < 4 || (strcmp(de->d_name + len - 3, ".md") != 0 &&
		    strcmp(de->d_name + len - 4, ".txt") != 0))
			continue;
		path = harness_fmt("%s/%s", dir, de->d_name);
		text = harness_read_len(path, &tlen);
		cr_assert_not_null(text, "%s", path);
		want = extract_lines(text, tlen, registry, N_REGISTRY);
		for (b = 0; b < sizeof(breaks) / sizeof(breaks[0]); b++) {
			char *conv = malloc(3 * tlen + 1), *got;
			size_t o = 0;

			cr_assert_not_null(conv);
			for (i = 0; i < tlen; i++) {
				if (text[i] != '\n') {
					conv[o++] = text[i];
					continue;
				}
				memcpy(conv + o, breaks[b], strlen(breaks[b]));
				o += strlen(breaks[b]);
			}
			got = extract_lines(conv, o, registry, N_REGISTRY);
			cr_expect_str_eq(got, want, "%s with %zu-byte breaks",
			    de->d_name, strlen(breaks[b]));
			free(got);
			free(conv);
		}
		free(want);
		free(text);
		free(path);
		n++;
	}
	closedir(d);
	cr_expect_geq(n, 4, "only %zu pages", n);
	free(dir);
}

/* A lone "\r" ends paragraphs and headings: claims stay inside them. */
Test(claims, lone_cr_keeps_paragraphs_apart)
{
	static const char page[] = "# HERA (NCT02982915)\r\rHERA is "
	    "recruiting.\r\r# Other work\r\rResults pending.\r\r"
	    "CLEARMIND (NCT05233774)\rresults pending as of\rMay 2026.\r";
	char *got = extract_lines(page, sizeof(page) - 1, registry,
	    N_REGISTRY);

	cr_expect_str_eq(got,
	    "3 NCT02982915 status RECRUITING - recruiting\n"
	    "10 NCT05233774 results-pending - 2026-05-01 results pending\n");
	free(got);
}

Test(claims, sentences)
{
	static const struct {
		const char *what, *text, *want;
	} cases[] = {
		{"results were posted: no claim",
		    "# Notes\n\nHERA (NCT02982915): results were posted in "
		    "August 2026.\n", ""},
		{"results published in: no claim",
		    "NCT02982915: results published in JAMA 2025.\n", ""},
		{"published in Lancet cancels publication pending",
		    "HERA was published in Lancet; NCT05233774 results "
		    "not yet posted.\n",
		    "1 NCT05233774 results-pending - - results not yet posted\n"},
		{"not yet published in: still pending",
		    "NCT02982915 is not yet published in a journal.\n",
		    "1 NCT02982915 publication-pending - - not yet published\n"},
		{"two trials, one sentence",
		    "HERA and CLEARMIND published results pending as of "
		    "2026-05-06.\n",
		    "1 NCT02982915 results-pending - 2026-05-06 published "
		    "results pending\n"
		    "1 NCT05233774 results-pending - 2026-05-06 published "
		    "results pending\n"},
		{"two IDs, one sentence",
		    "NCT02982915 and nct05233774 both have results pending.\n",
		    "1 NCT02982915 results-pending - - results pending\n"
		    "1 NCT05233774 results-pending - - results pending\n"},
		{"a clause after ';' keeps the trials before it",
		    "HERA and CLEARMIND completed; results pending.\n",
		    "1 NCT02982915 status COMPLETED - completed\n"
		    "1 NCT05233774 status COMPLETED - completed\n"
		    "1 NCT02982915 results-pending - - results pending\n"
		    "1 NCT05233774 results-pending - - results pending\n"},
		{"a clause naming its own trial",
		    "HERA (NCT02982915) completed; CLEARMIND results pending.\n",
		    "1 NCT02982915 status COMPLETED - completed\n"
		    "1 NCT05233774 results-pending - - results pending\n"},
		{"table row: cells, a tie by the next cell",
		    "| Trial | ID | Status |\n|---|---|---|\n"
		    "| ZETA | NCT01234567 | recruiting |\n",
		    "3 NCT01234567 status RECRUITING - recruiting\n"},
		{"table row: a status word for the row's subject",
		    "| Efficacy? | in-progress - earlier trials positive; HERA "
		    "results pending |\n",
		    "1 NCT02982915 results-pending - - results pending\n"},
		{"a No under a results header is a pending claim",
		    "| Trial | Results posted? | Paper |\n|---|---|---|\n"
		    "| NCT02982915 | No | Under review |\n"
		    "| NCT05233774 | Yes | - |\n",
		    "3 NCT02982915 results-pending - - No\n"
		    "3 NCT02982915 publication-pending - - Under review\n"},
		{"a cell that runs over a sentence end is no value",
		    "| Trial | Results |\n|---|---|\n"
		    "| NCT02982915 | See the notes. Pending |\n", ""},
		{"list items fall back within the paragraph",
		    "- HERA: results pending\n- CLEARMIND: completed\n"
		    "- unpublished\n\n- unpublished\n",
		    "1 NCT02982915 results-pending - - results pending\n"
		    "2 NCT05233774 status COMPLETED - completed\n"
		    "3 NCT05233774 publication-pending - - unpublished\n"},
		{"paragraph fallback stops at a blank line",
		    "HERA (NCT02982915) is a Phase 2b trial. Results pending."
		    "\n\nResults pending.\n",
		    "1 NCT02982915 results-pending - - Results pending\n"},
		{"a heading's trial carries into its first paragraph only",
		    "## HERA (NCT02982915)\n\nResults pending.\n\n"
		    "Publication pending.\n",
		    "3 NCT02982915 results-pending - - Results pending\n"},
		{"setext heading",
		    "ZETA (NCT01234567)\n------------------\n\n"
		    "Results pending.\n",
		    "4 NCT01234567 results-pending - - Results pending\n"},
		{"a sentence wrapped over two lines",
		    "HERA (NCT02982915) has its\nresults pending.\n",
		    "2 NCT02982915 results-pending - - results pending\n"},
		{"acronym from the registry only",
		    "SENECA: results pending.\n",
		    "1 NCT02065245 results-pending - - results pending\n"},
		{"acronyms are case-sensitive and whole words",
		    "Seneca results pending. SENECA-2 results pending. "
		    "SENECAS results pending. HERA_X results pending.\n", ""},
		{"an acronym tied on the page, used before the tie",
		    "ZETA: results pending.\n\nZETA (NCT01234567) is a trial.\n",
		    "1 NCT01234567 results-pending - - results pending\n"},
		{"NCT IDs are word-bounded 8 digits",
		    "NCT029829151 results pending. xNCT02982915 results "
		    "pending. NCT0298291 results pending.\n", ""},
		{"a status word far from its trial",
		    "NCT02982915 was designed by investigators at several "
		    "academic medical centres across the south-eastern United "
		    "States with a steering committee that is ongoing.\n", ""},
		{"a status word opening a sentence falls back",
		    "HERA (NCT02982915) is a trial. It is ongoing. The "
		    "investigators call the trial design an ongoing effort.\n",
		    "1 NCT02982915 status " ACTIVE " - ongoing\n"},
		{"completed as a verb",
		    "HERA (NCT02982915): patients who completed the study "
		    "improved. NCT05233774 completed 12 months of follow-up.\n",
		    ""},
		{"negated status words",
		    "NCT02982915 is not recruiting. NCT05233774 is no longer "
		    "recruiting. NCT01234567 is not-yet-recruiting.\n",
		    "1 NCT01234567 status NOT_YET_RECRUITING - "
		    "not-yet-recruiting\n"},
		{"results done in one clause, publication pending in another",
		    "Results were posted for HERA in 2025; HERA publication "
		    "pending.\n",
		    "1 NCT02982915 publication-pending - - publication "
		    "pending\n"},
		{"the date of the sentence, not of the next one",
		    "HERA results pending. Checked 2026-05-06.\n",
		    "1 NCT02982915 results-pending - - results pending\n"},
		{"a list item's date",
		    "- HERA results pending. Checked 2026-05-06.\n",
		    "1 NCT02982915 results-pending - 2026-05-06 results "
		    "pending\n"},
		{"the page date",
		    "Updated: March 2026\n\nHERA results pending.\n",
		    "3 NCT02982915 results-pending - 2026-03-01 results "
		    "pending\n"},
		{"CRLF line ends",
		    "HERA (NCT02982915).\r\n\r\nCLEARMIND (NCT05233774): "
		    "results pending\r\nand still recruiting.\r\n",
		    "3 NCT05233774 results-pending - - results pending\n"
		    "4 NCT05233774 status RECRUITING - recruiting\n"},
		{"nothing at all", "", ""},
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = extract_lines(cases[i].text, strlen(cases[i].text),
		    registry, N_REGISTRY);
		cr_expect_str_eq(got, cases[i].want, "%s:\n  got:\n%s  want:\n%s",
		    cases[i].what, got, cases[i].want);
		free(got);
	}
}

Test(claims, without_registry_acronyms)
{
	char *got;

	got = extract_lines("SENECA: results pending.\n", 25, NULL, 0);
	cr_expect_str_eq(got, "");
	free(got);
	/* Bad registry entries are skipped, not trusted. */
	got = extract_lines("AB results pending. ZETA results pending.\n", 42,
	    (const struct claims_acronym[]){{"AB", "NCT01234567"},
	    {"ZETA", "NCT123"}, {NULL, "NCT01234567"}, {"XYZ", NULL}}, 4);
	cr_expect_str_eq(got, "");
	free(got);
}

Test(claims, appends_to_the_list)
{
	struct claim_list out = {0};
	const char *a = "HERA results pending.\n";

	cr_assert_eq(harness_claims_extract(a, strlen(a), READER_MARKDOWN, registry, N_REGISTRY,
	    &out),
	    0);
	cr_assert_eq(harness_claims_extract(a, strlen(a), READER_MARKDOWN, registry, N_REGISTRY,
	    &out),
	    0);
	cr_expect_eq(out.n, 2);
	claims_list_finish(&out);
	cr_expect_null(out.v);
	cr_expect_eq(out.n, 0);
	claims_list_finish(&out);
	claims_list_finish(NULL);
}

/* ------------------------------------------------------ names index */

/* The claims of text with one index, one line each; new. */
static char *
index_lines(const char *text, const struct claims_index *nx)
{
	struct claim_list out = {0};
	char *s;

	cr_assert_eq(claims_scan(text, strlen(text), READER_MARKDOWN, nx, &out, NULL), 0);
	s = claim_lines(&out);
	claims_list_finish(&out);
	return s;
}

Test(claims, one_index_many_pages)
{
	static const char *const pages[] = {
		"HERA results pending.\n",
		"CLEARMIND: not yet published.\n\nSENECA is recruiting.\n",
		"HERA Phase 2 (NCT04421456) is a trial.\n\nHERA results "
		    "pending.\n",
		"No trial named here, results pending.\n",
	};
	struct claims_acronym copy[N_REGISTRY];
	struct claims_index *nx;
	char *got, *want;
	size_t k;

	/* The index keeps its own copy of the strings. */
	for (k = 0; k < N_REGISTRY; k++) {
		copy[k].acronym = strdup(registry[k].acronym);
		copy[k].nct_id = strdup(registry[k].nct_id);
	}
	nx = claims_index_new(copy, N_REGISTRY);
	cr_assert_not_null(nx);
	for (k = 0; k < N_REGISTRY; k++) {
		memset((char *)copy[k].acronym, 'x', strlen(copy[k].acronym));
		free((char *)copy[k].acronym);
		free((char *)copy[k].nct_id);
	}
	for (k = 0; k < sizeof(pages) / sizeof(pages[0]); k++) {
		got = index_lines(pages[k], nx);
		want = extract_lines(pages[k], strlen(pages[k]), registry,
		    N_REGISTRY);
		cr_expect_str_eq(got, want, "page %zu", k);
		free(got);
		free(want);
	}
	got = index_lines(pages[2], nx);
	cr_expect_str_eq(got, "3 NCT04421456 results-pending - - results "
	    "pending\n", "a name tied on the page beats the registry's");
	free(got);
	claims_index_free(nx);
	claims_index_free(NULL);
}

Test(claims, index_names)
{
	static const struct claims_acronym acr[] = {
		{"HERA", "NCT02982915"},
		{"HERA PLUS", "NCT05233774"},	/* longer: wins where spelt */
		{"  SENECA ", "NCT02065245"},	/* trimmed */
		{"SENECA", "NCT01111111"},	/* a later tie loses */
		{"AB", "NCT01234567"},		/* too short */
		{"ZETA", "NCT123"},		/* not an NCT ID */
		{NULL, "NCT01234567"},
		{"XYZW", NULL},
	};
	struct claims_index *nx;
	char *got;

	nx = claims_index_new(acr, sizeof(acr) / sizeof(acr[0]));
	cr_assert_not_null(nx);
	/* One paragraph each: an unnamed claim borrows the last trial. */
	got = index_lines("HERA results pending.\n\nHERA PLUS results "
	    "pending.\n\nSENECA results pending.\n\nAB results pending.\n\n"
	    "ZETA results pending.\n\nXYZW results pending.\n\nHera results "
	    "pending.\n", nx);
	cr_expect_str_eq(got,
	    "1 NCT02982915 results-pending - - results pending\n"
	    "3 NCT05233774 results-pending - - results pending\n"
	    "5 NCT02065245 results-pending - - results pending\n");
	free(got);
	claims_index_free(nx);

	/* No registry names at all: IDs and page ties still name trials. */
	nx = claims_index_new(NULL, 0);
	cr_assert_not_null(nx);
	got = index_lines("HERA results pending. NCT02982915 results "
	    "pending.\n", nx);
	cr_expect_str_eq(got,
	    "1 NCT02982915 results-pending - - results pending\n");
	free(got);
	claims_index_free(nx);
}

Test(claims, mentions_with_an_index)
{
	const char *page = "# HERA\n\nHERA Phase 2b (NCT02982915) in "
	    "Parkinson's disease.\n\nCLEARMIND results pending.\n";
	struct mention_list a = {0}, b = {0};
	struct claim_list cl = {0};
	struct claims_index *nx;
	char *got, *want;
	size_t k;

	nx = claims_index_new(registry, N_REGISTRY);
	cr_assert_not_null(nx);
	cr_assert_eq(claims_scan(page, strlen(page), READER_MARKDOWN, nx, &cl, &a), 0);
	claims_list_finish(&cl);
	cr_assert_eq(harness_claims_mentions(page, strlen(page), READER_MARKDOWN, registry,
	    N_REGISTRY,
	    &b), 0);
	cr_assert_eq(a.n, 2);
	cr_assert_eq(a.n, b.n);
	for (k = 0; k < a.n; k++) {
		cr_expect_str_eq(a.v[k].nct_id, b.v[k].nct_id);
		cr_expect_eq(a.v[k].line, b.v[k].line);
		cr_expect_str_eq(a.v[k].context, b.v[k].context);
	}
	cr_expect_str_eq(a.v[1].nct_id, "NCT05233774");
	claims_mentions_finish(&b);

	/* Both in one pass: the same claims, the same mentions. */
	cr_assert_eq(claims_scan(page, strlen(page), READER_MARKDOWN, nx, &cl, &b), 0);
	got = claim_lines(&cl);
	want = extract_lines(page, strlen(page), registry, N_REGISTRY);
	cr_expect_str_eq(got, want);
	cr_expect_str_eq(got, "5 NCT05233774 results-pending - - results "
	    "pending\n");
	cr_assert_eq(b.n, a.n);
	for (k = 0; k < a.n; k++)
		cr_expect_str_eq(a.v[k].context, b.v[k].context);
	free(got);
	free(want);
	claims_list_finish(&cl);
	claims_mentions_finish(&a);
	claims_mentions_finish(&b);
	claims_index_free(nx);
}

/* ------------------------------------------------------ hostile bytes */

Test(claims, excerpt_of_a_long_sentence)
{
	struct claim_list out = {0};
	char *text = NULL, *next;
	size_t i;

	text = strdup("Intro");
	for (i = 0; i < 400; i++) {
		next = harness_fmt("%s caf\xc3\xa9 \xe2\x80\x94 words", text);
		free(text);
		text = next;
	}
	next = harness_fmt("%s HERA results pending %s.", text, text);
	free(text);
	text = next;
	cr_assert_eq(harness_claims_extract(text, strlen(text), READER_MARKDOWN, registry,
	    N_REGISTRY,
	    &out), 0);
	cr_assert_eq(out.n, 1);
	check_claim(&out.v[0]);
	cr_expect(strstr(out.v[0].excerpt, "HERA results pending"), "%s",
	    out.v[0].excerpt);
	cr_expect(strncmp(out.v[0].excerpt, "\xe2\x80\xa6", 3) == 0, "%s",
	    out.v[0].excerpt);
	cr_expect(strcmp(out.v[0].excerpt + strlen(out.v[0].excerpt) - 3,
	    "\xe2\x80\xa6") == 0, "%s", out.v[0].excerpt);
	claims_list_finish(&out);
	free(text);
}

Test(claims, invalid_utf8_and_nul_bytes)
{
	static const char text[] = "HERA (NCT02982915)\xff\xfe caf\xc3 "
	    "\xe2\x80 results \0pending \xed\xa0\x80 overlong \xc0\xaf; "
	    "NCT05233774\0: results pending\x01\x7f\t\v.\n\0\0";
	static const char bad[] = "ZETA (NCT01234567)\xff results pending "
	    "caf\xc3";
	struct claim_list out = {0};
	char (*ids)[NCT_ID_SIZE] = NULL;
	size_t n = 0;

	cr_assert_eq(harness_claims_extract(text, sizeof(text) - 1, READER_MARKDOWN, registry,
	    N_REGISTRY, &out), 0);
	cr_assert_eq(out.n, 1);
	check_claim(&out.v[0]);
	cr_expect_str_eq(out.v[0].nct_id, "NCT05233774");
	/* ';' ends a clause, not the sentence: the bad bytes are in it. */
	cr_expect(strstr(out.v[0].excerpt, "\xef\xbf\xbd caf\xef\xbf\xbd"),
	    "%s", out.v[0].excerpt);
	claims_list_finish(&out);

	/* An excerpt with the bad bytes in it: replaced, still UTF-8. */
	cr_assert_eq(harness_claims_extract(bad, strlen(bad), READER_MARKDOWN, NULL, 0, &out),
	    0);
	cr_assert_eq(out.n, 1);
	check_claim(&out.v[0]);
	cr_expect(strstr(out.v[0].excerpt, "\xef\xbf\xbd") != NULL, "%s",
	    out.v[0].excerpt);
	claims_list_finish(&out);

	cr_assert_eq(claims_nct_ids(text, sizeof(text) - 1, &ids, &n), 0);
	cr_expect_eq(n, 2);
	free(ids);
}

/* Random bytes: no crash, no leak, every claim well-formed. */
Test(claims, random_bytes)
{
	static const char *const bits[] = {
		"HERA", " (NCT02982915)", " results", " pending", " completed",
		". ", "; ", "\n", "\n\n", "| ", "- ", "# ", " as of ",
		"2026-05-06", " May 6, 2026", "\r\n", "\xe2\x80", "\xff",
		" not yet", " published", " recruiting", "---\n",
	};
	struct claim_list out = {0};
	char *buf = malloc(1 << 20);
	uint32_t r = 12345;
	size_t len = 0, k, i;

	cr_assert_not_null(buf);
	while (len < (1 << 20) - 32) {
		r = r * 1103515245u + 12345u;
		if ((r >> 16) % 4 == 0) {
			buf[len++] = (char)(r >> 8);
			continue;
		}
		k = (r >> 16) % (sizeof(bits) / sizeof(bits[0]));
		memcpy(buf + len, bits[k], strlen(bits[k]));
		len += strlen(bits[k]);
	}
	cr_assert_eq(harness_claims_extract(buf, len, READER_MARKDOWN, registry, N_REGISTRY,
	    &out), 0);
	cr_expect_gt(out.n, 0);
	for (i = 0; i < out.n; i++)
		check_claim(&out.v[i]);
	claims_list_finish(&out);
	free(buf);
}

/* 10 MB of page in well under Criterion's timeout: the scan is linear. */
Test(claims, large_page, .timeout = 30)
{
	static const char para[] =
	    "## HERA (NCT02982915)\n\n"
	    "HERA tested Lomecel-B in frail older adults; results pending "
	    "as of 2026-05-06. The trial completed per the registry.\n\n"
	    "| Trial | Status |\n|---|---|\n| CLEARMIND (NCT05233774) | "
	    "recruiting |\n\n"
	    "Background text without any claim in it, long enough to make "
	    "the page big without making the claims many; it mentions "
	    "nothing tracked and ends here.\n\n";
	const size_t size = 10u << 20, plen = sizeof(para) - 1;
	struct claim_list out = {0};
	char *buf = malloc(size), (*ids)[NCT_ID_SIZE] = NULL;
	size_t len = 0, reps = 0, n = 0;

	cr_assert_not_null(buf);
	while (len + plen <= size) {
		memcpy(buf + len, para, plen);
		len += plen;
		reps++;
	}
	/* One more without a paragraph end, and a line 1 MB long. */
	memset(buf + len, 'x', size - len);
	cr_assert_eq(harness_claims_extract(buf, size, READER_MARKDOWN, registry, N_REGISTRY,
	    &out), 0);
	cr_expect_eq(out.n, 3 * reps);
	cr_expect_eq(out.v[out.n - 1].line, (int)(reps * 10 - 3));
	claims_list_finish(&out);
	cr_assert_eq(claims_nct_ids(buf, size, &ids, &n), 0);
	cr_expect_eq(n, 2);
	free(ids);
	free(buf);
}

/* ---------------------------------------------------------- mentions */

/* What every mention must be. */
static void
check_mention(const struct mention *m)
{
	const unsigned char *p;

	cr_assert_not_null(m->context);
	cr_expect_eq(m->context_len, strlen(m->context), "%s", m->nct_id);
	cr_expect_geq(m->line, 1);
	cr_expect(valid_utf8(m->context), "%s: context not UTF-8", m->nct_id);
	for (p = (const unsigned char *)m->context; *p; p++)
		cr_expect(*p >= 0x20 || *p == '\n', "%s: control byte",
		    m->nct_id);
	cr_expect_leq(m->context_len, 16384 + 2048 + 1, "%s", m->nct_id);
}

static const struct mention *
mention_of(const struct mention_list *l, const char *id)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		if (strcmp(l->v[k].nct_id, id) == 0)
			return &l->v[k];
	cr_assert_fail("%s not mentioned", id);
	return NULL;
}

/* "a\nb" -> 2 */
static size_t
blocks(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/*
 * The example page: one entry per trial, in order of first mention, each
 * with the words the page says about it (the identity-mismatch input).
 */
Test(claims, mentions_example_page)
{
	char *path = harness_fmt("%s/pages/example-msc-therapy.txt",
	    harness_data());
	struct mention_list l = {0};
	const struct mention *m;
	size_t len = 0, k;
	char *text = harness_read_len(path, &len);

	cr_assert_not_null(text);
	cr_assert_eq(harness_claims_mentions(text, len, READER_TEXT, registry,
	    N_REGISTRY, &l), 0);
	cr_assert_eq(l.n, 4);
	cr_expect_str_eq(l.v[0].nct_id, "NCT02982915");
	cr_expect_eq(l.v[0].line, 50);
	cr_expect_str_eq(l.v[1].nct_id, "NCT05233774");
	cr_expect_eq(l.v[1].line, 53);
	cr_expect_str_eq(l.v[2].nct_id, "NCT01541579");	/* ADMIRE-CD */
	cr_expect_eq(l.v[2].line, 59);
	cr_expect_str_eq(l.v[3].nct_id, "NCT04421456");
	cr_expect_eq(l.v[3].line, 115);
	for (k = 0; k < l.n; k++)
		check_mention(&l.v[k]);

	/* HERA: the table row, its heading, the block below, the row naming it. */
	m = &l.v[0];
	cr_expect_eq(blocks(m->context), 4, "%s", m->context);
	cr_expect(strncmp(m->context, "Replicated in humans? |", 23) == 0,
	    "%s", m->context);
	cr_expect_not_null(strstr(m->context, "\nHERA Phase 2b (NCT02982915 "));
	cr_expect_not_null(strstr(m->context, "\nHERA (Lomecel-B on "
	    "Vaccine-Specific Antibody-Response in Subjects With Aging "
	    "Frailty): randomized"));
	cr_expect_not_null(strstr(m->context, "HERA and CLEARMIND published "
	    "results pending"));
	/* CLEARMIND: the block below its heading names no trial, yet is its. */
	m = &l.v[1];
	cr_expect_not_null(strstr(m->context, "CLEARMIND Phase 2a (NCT05233774 "
	    "\xe2\x80\x94 completed)\nLomecel-B in mild Alzheimer\xe2\x80\x99s "
	    "disease; n not yet published."), "%s", m->context);
	/* ADMIRE-CD: the heading above, its paragraph, and footnote 7 by name. */
	m = &l.v[2];
	cr_expect(strncmp(m->context, "Crohn\xe2\x80\x99s-related fistulae",
	    20) == 0, "%s", m->context);
	cr_expect_not_null(strstr(m->context, "\ndoi:10.1007/s40259-018-0311-4"));
	/* The mis-cited trial: footnote 8, nothing else. */
	m = &l.v[3];
	cr_expect_eq(blocks(m->context), 1);
	cr_expect_not_null(strstr(m->context, "(NCT04421456 University of "
	    "Texas/UTHealth Houston) \xc2\xb7 n=45 mild-to-moderate "
	    "Parkinson\xe2\x80\x99s disease patients"));
	cr_expect_null(strstr(m->context, "Schiess et al. 2025 reported"),
	    "the citing paragraph names no ID");
	claims_mentions_finish(&l);
	cr_expect_eq(l.n, 0);
	cr_expect_null(l.v);
	claims_mentions_finish(&l);
	claims_mentions_finish(NULL);
	free(text);
	free(path);
}

Test(claims, mentions_markdown)
{
	static const char page[] =
	    "---\nupdated: 2026-05-06\n---\n"
	    "# Cell therapy\n"
	    "\n"
	    "## Parkinson's disease\n"
	    "\n"
	    "The Phase 2 trial (NCT04506073) used allogeneic\n"
	    "bone marrow MSCs.  Results are pending.\n"
	    "\n"
	    "Unrelated paragraph about NCT04506073 again.\n"
	    "\n"
	    "## ZETA (NCT01234567)\n"
	    "\n"
	    "Psilocybin in depression; recruiting.\n"
	    "\n"
	    "A later paragraph that names nothing.\n"
	    "\n"
	    "- SENECA is ongoing\n"
	    "- NCT09100002 and NCT04506073 share a row\n"
	    "\n"
	    "| Trial | ID |\n|---|---|\n| ZETA | NCT01234567 |\n";
	struct mention_list l = {0};
	const struct mention *m;
	size_t k;

	cr_assert_eq(harness_claims_mentions(page, sizeof(page) - 1, READER_MARKDOWN, registry,
	    N_REGISTRY, &l), 0);
	cr_assert_eq(l.n, 4, "%zu", l.n);
	for (k = 0; k < l.n; k++)
		check_mention(&l.v[k]);
	m = mention_of(&l, "NCT04506073");
	cr_expect_eq(m->line, 8);
	/* The words readers see: no "##", "-" or "|" of the Markdown. */
	cr_expect_str_eq(m->context,
	    "Parkinson's disease\n"
	    "The Phase 2 trial (NCT04506073) used allogeneic bone marrow "
	    "MSCs. Results are pending.\n"
	    "Unrelated paragraph about NCT04506073 again.\n"
	    "NCT09100002 and NCT04506073 share a row");
	/* A heading naming a trial gives it the block below. */
	m = mention_of(&l, "NCT01234567");
	cr_expect_eq(m->line, 13);
	cr_expect_str_eq(m->context,
	    "ZETA (NCT01234567)\n"
	    "Psilocybin in depression; recruiting.\n"
	    "ZETA | NCT01234567");
	/* A registry acronym names its trial. */
	m = mention_of(&l, "NCT02065245");
	cr_expect_eq(m->line, 19);
	cr_expect_str_eq(m->context, "SENECA is ongoing");
	m = mention_of(&l, "NCT09100002");
	cr_expect_eq(m->line, 20);
	claims_mentions_finish(&l);
}

/* Long blocks give a window around the name; many give at most 16 KB. */
Test(claims, mentions_bounded, .timeout = 30)
{
	size_t n = 200000, k, len = 0;
	char *page = malloc(n + 64);
	struct mention_list l = {0};
	const struct mention *m;

	cr_assert_not_null(page);
	/* One 200 KB line naming the trial in its middle. */
	for (k = 0; k < n / 2; k++)
		page[len++] = "word "[k % 5];
	len += (size_t)sprintf(page + len, " NCT04506073 ");
	for (k = 0; k < n / 2; k++)
		page[len++] = "text "[k % 5];
	page[len++] = '\n';
	cr_assert_eq(harness_claims_mentions(page, len, READER_MARKDOWN, NULL, 0, &l), 0);
	cr_assert_eq(l.n, 1);
	m = &l.v[0];
	check_mention(m);
	cr_expect_leq(m->context_len, 2048);
	cr_expect_geq(m->context_len, 2000);
	cr_expect_not_null(strstr(m->context, "NCT04506073"));
	claims_mentions_finish(&l);

	/* 5000 paragraphs naming it: the context stops growing. */
	len = 0;
	free(page);
	page = malloc(5000 * 64);
	cr_assert_not_null(page);
	for (k = 0; k < 5000; k++)
		len += (size_t)sprintf(page + len, "Paragraph %zu on "
		    "NCT04506073.\n\n", k);
	cr_assert_eq(harness_claims_mentions(page, len, READER_MARKDOWN, NULL, 0, &l), 0);
	cr_assert_eq(l.n, 1);
	check_mention(&l.v[0]);
	cr_expect_geq(l.v[0].context_len, 16384);
	claims_mentions_finish(&l);
	free(page);
}

Test(claims, mentions_edges)
{
	static const char bytes[] = "\xff NCT02982915 \xc3\x28\x01\x7f ok.\n"
	    "\xe2\x82 NCT02982915";
	struct mention_list l = {0};

	cr_assert_eq(harness_claims_mentions(NULL, 0, READER_MARKDOWN, NULL, 0, &l), 0);
	cr_expect_eq(l.n, 0);
	cr_assert_eq(harness_claims_mentions("no trials here", 14, READER_MARKDOWN, NULL, 0, &l),
	    0);
	cr_expect_eq(l.n, 0);
	cr_assert_eq(harness_claims_mentions(bytes, sizeof(bytes) - 1, READER_MARKDOWN, NULL, 0,
	    &l), 0);
	cr_assert_eq(l.n, 1);
	check_mention(&l.v[0]);
	cr_expect_eq(blocks(l.v[0].context), 1, "one paragraph: %s", l.v[0].context);
	/* Appends: a second page's entries come after the first's. */
	cr_assert_eq(harness_claims_mentions("NCT02982915 and NCT05233774", 27, READER_MARKDOWN,
	    NULL, 0,
	    &l), 0);
	cr_assert_eq(l.n, 3);
	cr_expect_str_eq(l.v[1].nct_id, "NCT02982915");
	cr_expect_str_eq(l.v[1].context, "NCT02982915 and NCT05233774");
	cr_expect_str_eq(l.v[2].nct_id, "NCT05233774");
	claims_mentions_finish(&l);
}

/* ----------------------------------------------------------- the rest */

Test(claims, nct_ids)
{
	static const char text[] = "See nct05233774, NCT02982915 and "
	    "NCT05233774 again; NCT0298291 is short, NCT029829150 long, "
	    "xNCT04421456 glued, (NCT04421456) fine.";
	char (*ids)[NCT_ID_SIZE] = NULL;
	size_t n = 99;

	cr_assert_eq(claims_nct_ids(text, sizeof(text) - 1, &ids, &n), 0);
	cr_assert_eq(n, 3);
	cr_expect_str_eq(ids[0], "NCT05233774");
	cr_expect_str_eq(ids[1], "NCT02982915");
	cr_expect_str_eq(ids[2], "NCT04421456");
	free(ids);
	cr_assert_eq(claims_nct_ids("", 0, &ids, &n), 0);
	cr_expect_eq(n, 0);
	free(ids);
}

/*
 * NCT00000000 is no trial (the registry's numbers start at NCT00000001):
 * not a mention, not a claim's trial, not an ID to track, not the anchor
 * of an acronym.
 */
Test(claims, zero_id_is_no_trial)
{
	static const char page[] = "ZERO Phase 2 (NCT00000000): results "
	    "pending.\n\nNCT00000000 is recruiting; ZERO results pending.\n\n"
	    "ONE Phase 2 (NCT00000001): results pending.\n";
	struct claim_list out = {0};
	struct mention_list ml = {0};
	char (*ids)[NCT_ID_SIZE] = NULL, *got;
	size_t n = 99;

	got = extract_lines(page, sizeof(page) - 1, NULL, 0);
	cr_expect_str_eq(got, "5 NCT00000001 results-pending - - results "
	    "pending\n");
	free(got);
	cr_assert_eq(harness_claims_mentions(page, sizeof(page) - 1, READER_MARKDOWN, NULL, 0,
	    &ml), 0);
	cr_assert_eq(ml.n, 1);
	cr_expect_str_eq(ml.v[0].nct_id, "NCT00000001");
	claims_mentions_finish(&ml);
	cr_assert_eq(claims_nct_ids(page, sizeof(page) - 1, &ids, &n), 0);
	cr_assert_eq(n, 1);
	cr_expect_str_eq(ids[0], "NCT00000001");
	free(ids);
	/* Nor as the registry's ID of an acronym. */
	cr_assert_eq(harness_claims_extract("ZERO results pending.", 21, READER_MARKDOWN,
	    (const struct claims_acronym[]){{"ZERO", "NCT00000000"}}, 1, &out),
	    0);
	cr_expect_eq(out.n, 0);
	claims_list_finish(&out);
}

Test(claims, many_distinct_ids)
{
	size_t n = 0, i, len = 0;
	char *buf = malloc(5000 * 12 + 1), (*ids)[NCT_ID_SIZE] = NULL;

	cr_assert_not_null(buf);
	for (i = 0; i < 5000; i++)
		len += (size_t)sprintf(buf + len, "NCT%08zu ",
		    (i + 1) * 7919 % 100000);
	cr_assert_eq(claims_nct_ids(buf, len, &ids, &n), 0);
	cr_expect_eq(n, 5000);
	cr_expect_str_eq(ids[4999], "NCT00095000");
	free(ids);
	free(buf);
}

Test(claims, names)
{
	char buf[160], tiny[12];

	cr_expect_str_eq(claims_kind_name(CLAIM_RESULTS_PENDING),
	    "results-pending");
	cr_expect_str_eq(claims_kind_name(CLAIM_PUBLICATION_PENDING),
	    "publication-pending");
	cr_expect_str_eq(claims_kind_name(CLAIM_STATUS), "status");
	cr_expect_str_eq(claims_statuses_text(ST_COMPLETED | ST_RECRUITING,
	    buf, sizeof(buf)), "RECRUITING|COMPLETED");
	cr_expect_str_eq(claims_statuses_text(ST_ACTIVE, buf, sizeof(buf)),
	    ACTIVE);
	cr_expect_str_eq(claims_statuses_text(0, buf, sizeof(buf)), "");
	cr_expect_str_eq(claims_statuses_text(~0u, buf, sizeof(buf)),
	    ACTIVE "|COMPLETED|SUSPENDED|TERMINATED|WITHDRAWN|UNKNOWN");
	cr_expect_str_eq(claims_statuses_text(ST_RECRUITING | ST_WITHDRAWN,
	    tiny, sizeof(tiny)), "RECRUITING");
}

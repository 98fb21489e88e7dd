/*
 * test_identity.c - identity.c over the table in tests/data/identity (page
 * snippets and registry records, expected verdicts next to them; see the
 * README there), counting false flags and misses; then the example page,
 * the evidence text, the threshold and hostile input.
 */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "harness.h"
#include "identity.h"
#include "study.h"
#include "text.h"

/* One judgement with its own judge: the tests vary the options per call. */
static int
judge_once(const char *context, size_t len, const struct study *rec,
    const struct identity_opts *o, struct identity_verdict *out)
{
	struct identity *id = identity_new(o);
	int rc;

	cr_assert_not_null(id);
	rc = harness_identity_judge(id, context, len, rec, out);
	identity_free(id);
	return rc;
}

#define MAX_RECORDS 16

/* The records one page is judged against. */
struct records {
	struct study *v[MAX_RECORDS];
	char *path[MAX_RECORDS];
	struct claims_acronym acr[MAX_RECORDS];
	size_t n, n_acr;
};

/* tests/data/REL as a study; asserts. */
static struct study *
load_record(const char *rel)
{
	char *path = harness_fmt("%s/%s", harness_data(), rel);
	char *text = harness_read(path);
	struct study_error err;
	struct study *s;

	cr_assert_not_null(text, "cannot read %s", path);
	s = study_from_text(text, strlen(text), NULL, &err);
	cr_assert_not_null(s, "%s: %s %s", rel, err.path, err.text);
	free(text);
	free(path);
	return s;
}

/* The record at tests/data/REL, loaded once per page. */
static struct study *
records_get(struct records *r, const char *rel)
{
	size_t k;

	for (k = 0; k < r->n; k++)
		if (strcmp(r->path[k], rel) == 0)
			return r->v[k];
	cr_assert_lt(r->n, MAX_RECORDS);
	r->v[r->n] = load_record(rel);
	r->path[r->n] = strdup(rel);
	if (r->v[r->n]->acronym) {
		/* The registry ties its acronym to the ID, as sync does. */
		r->acr[r->n_acr].acronym = r->v[r->n]->acronym;
		r->acr[r->n_acr].nct_id = r->v[r->n]->nct_id;
		r->n_acr++;
	}
	return r->v[r->n++];
}

static void
records_free(struct records *r)
{
	size_t k;

	for (k = 0; k < r->n; k++) {
		study_free(r->v[k]);
		free(r->path[k]);
	}
	memset(r, 0, sizeof(*r));
}

static const struct mention *
find_mention(const struct mention_list *l, const char *id)
{
	size_t k;

	for (k = 0; k < l->n; k++)
		if (strcmp(l->v[k].nct_id, id) == 0)
			return &l->v[k];
	return NULL;
}

static enum identity_outcome
outcome_of(const char *word)
{
	if (strcmp(word, "match") == 0)
		return IDENTITY_MATCH;
	if (strcmp(word, "mismatch") == 0)
		return IDENTITY_MISMATCH;
	cr_assert_str_eq(word, "unknown", "bad verdict word");
	return IDENTITY_UNKNOWN;
}

/* What the table run saw. */
struct tally {
	size_t cases, verdicts;
	size_t false_flags;	/* flagged, should not be */
	size_t misses;		/* a wrong citation let through */
	size_t other;		/* match and unknown confused */
};

/* The records a NAME.expect names, into r (once each). */
static void
expect_records(const char *epath, struct records *r)
{
	char *expect = harness_read(epath);
	char *line, *save = NULL, id[32], word[16], rel[256];

	cr_assert_not_null(expect, "%s", epath);
	for (line = strtok_r(expect, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' || line[0] == '\0')
			continue;
		cr_assert_eq(sscanf(line, "%31s %15s %255s", id, word, rel), 3,
		    "%s: bad line \"%s\"", epath, line);
		records_get(r, rel);
	}
	free(expect);
}

/* One case: NAME.txt judged as NAME.expect says. */
static void
run_case(const char *dir, const char *name, struct tally *t)
{
	char *tpath = harness_fmt("%s/%s.txt", dir, name);
	char *epath = harness_fmt("%s/%s.expect", dir, name);
	char *page = harness_read(tpath), *expect = NULL;
	char *line, *save = NULL, id[32], word[16], rel[256];
	struct mention_list ml = {0};
	struct records recs = {0};
	struct identity_verdict v;

	cr_assert_not_null(page, "%s", tpath);
	/* Records first: their acronyms name trials on the page. */
	expect_records(epath, &recs);
	cr_assert_eq(harness_claims_mentions(page, strlen(page), READER_MARKDOWN, recs.acr,
	    recs.n_acr,
	    &ml), 0);
	expect = harness_read(epath);
	cr_assert_not_null(expect, "%s", epath);
	save = NULL;
	for (line = strtok_r(expect, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		const struct mention *m;
		enum identity_outcome want;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		sscanf(line, "%31s %15s %255s", id, word, rel);
		want = outcome_of(word);
		m = find_mention(&ml, id);
		cr_expect_not_null(m, "%s: %s not mentioned", name, id);
		if (m == NULL)
			continue;
		cr_assert_eq(judge_once(m->context, m->context_len,
		    records_get(&recs, rel), NULL, &v), 0);
		t->verdicts++;
		if (v.outcome != want) {
			if (v.outcome == IDENTITY_MISMATCH)
				t->false_flags++;
			else if (want == IDENTITY_MISMATCH)
				t->misses++;
			else
				t->other++;
		}
		cr_expect_eq(v.outcome, want, "%s %s: %s, expected %s (%u terms, "
		    "%u shared): %s\ncontext: %s", name, id,
		    harness_outcome_name(v.outcome), word, v.page_terms,
		    v.shared, v.evidence, m->context);
		cr_expect(v.evidence && v.evidence[0], "%s: no evidence", name);
		identity_verdict_finish(&v);
	}
	t->cases++;
	claims_mentions_finish(&ml);
	records_free(&recs);
	free(page);
	free(expect);
	free(tpath);
	free(epath);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

#define MAX_CASES 256

/* The table's case names, sorted, into names[] (new strings); how many. */
static size_t
case_names(const char *dir, char **names)
{
	struct dirent *de;
	size_t n = 0, len;
	DIR *d = opendir(dir);

	cr_assert_not_null(d, "%s", dir);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 8 || strcmp(de->d_name + len - 7, ".expect") != 0)
			continue;
		cr_assert_lt(n, MAX_CASES);
		names[n++] = strndup(de->d_name, len - 7);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_name);
	return n;
}

Test(identity, table, .timeout = 30)
{
	char *dir = harness_fmt("%s/identity/cases", harness_data());
	char *names[MAX_CASES];
	struct tally t = {0};
	size_t n = case_names(dir, names), k;

	for (k = 0; k < n; k++) {
		run_case(dir, names[k], &t);
		free(names[k]);
	}
	cr_log_info("identity table: %zu cases, %zu verdicts: %zu false flags, "
	    "%zu misses, %zu match/unknown swaps", t.cases, t.verdicts,
	    t.false_flags, t.misses, t.other);
	cr_expect_geq(t.cases, 25);
	cr_expect_eq(t.false_flags, 0, "false flags on the table");
	cr_expect_eq(t.misses, 0, "misses on the table");
	free(dir);
}

/* ---------------------------------------------------- prepared records */

/* What the two ways agreed on, to show the comparison was not vacuous. */
struct same {
	size_t n, outcomes[3];
};

/*
 * identity_judge_record() over `r`, the prepared `rec`, says exactly what
 * harness_identity_judge() over `rec` says: outcome, counts, evidence.
 */
static void
expect_same(const struct identity *id, const struct identity_record *r,
    const struct study *rec, const char *ctx, size_t len, struct same *s)
{
	struct identity_verdict a, b;

	cr_assert_eq(harness_identity_judge(id, ctx, len, rec, &a), 0);
	cr_assert_eq(identity_judge_record(id, r, ctx, len, &b), 0);
	cr_expect_eq(a.outcome, b.outcome, "%s: %s, prepared %s",
	    rec ? rec->nct_id : "no record", harness_outcome_name(a.outcome),
	    harness_outcome_name(b.outcome));
	cr_expect_eq(a.page_terms, b.page_terms);
	cr_expect_eq(a.shared, b.shared);
	cr_expect_str_eq(a.evidence, b.evidence, "context: %.*s", (int)len,
	    ctx ? ctx : "");
	s->n++;
	s->outcomes[a.outcome]++;
	identity_verdict_finish(&a);
	identity_verdict_finish(&b);
}

/*
 * Every mention on every page of the table against every record of the
 * table (its own and the others), at three thresholds: each record
 * prepared once, before any judgement, and reused for all of them.
 */
Test(identity, prepared_records_judge_the_same, .timeout = 60)
{
	char *dir = harness_fmt("%s/identity/cases", harness_data());
	char *names[MAX_CASES], *path, *page;
	struct identity_opts o[3] = {{1}, {IDENTITY_MIN_TERMS}, {3}};
	struct identity *ids[3];
	struct identity_record *prep[MAX_RECORDS];
	struct records all = {0};
	struct same same = {0};
	size_t n = case_names(dir, names), c, k, m, t;

	for (t = 0; t < 3; t++)
		cr_assert_not_null(ids[t] = identity_new(&o[t]));
	for (c = 0; c < n; c++) {
		path = harness_fmt("%s/%s.expect", dir, names[c]);
		expect_records(path, &all);
		free(path);
	}
	for (k = 0; k < all.n; k++)
		cr_assert_not_null(prep[k] = identity_record_new(ids[0],
		    all.v[k]));
	for (c = 0; c < n; c++) {
		struct mention_list ml = {0};
		struct records recs = {0};

		/* The page's mentions as the table sees them. */
		path = harness_fmt("%s/%s.expect", dir, names[c]);
		expect_records(path, &recs);
		free(path);
		path = harness_fmt("%s/%s.txt", dir, names[c]);
		cr_assert_not_null(page = harness_read(path), "%s", path);
		cr_assert_eq(harness_claims_mentions(page, strlen(page), READER_MARKDOWN,
		    recs.acr,
		    recs.n_acr, &ml), 0);
		for (m = 0; m < ml.n; m++)
			for (k = 0; k < all.n; k++)
				for (t = 0; t < 3; t++)
					expect_same(ids[t], prep[k], all.v[k],
					    ml.v[m].context,
					    ml.v[m].context_len, &same);
		claims_mentions_finish(&ml);
		records_free(&recs);
		free(page);
		free(path);
		free(names[c]);
	}
	cr_log_info("prepared records: %zu judgements the same (%zu match, "
	    "%zu mismatch, %zu unknown)", same.n, same.outcomes[IDENTITY_MATCH],
	    same.outcomes[IDENTITY_MISMATCH], same.outcomes[IDENTITY_UNKNOWN]);
	cr_expect_geq(all.n, 9);
	cr_expect_gt(same.outcomes[IDENTITY_MATCH], 0);
	cr_expect_gt(same.outcomes[IDENTITY_MISMATCH], 0);
	cr_expect_gt(same.outcomes[IDENTITY_UNKNOWN], 0);
	for (k = 0; k < all.n; k++)
		identity_record_free(prep[k]);
	for (t = 0; t < 3; t++)
		identity_free(ids[t]);
	records_free(&all);
	free(dir);
}

/*
 * A prepared record keeps what it needs: judged after its study is freed
 * (ASan would see a read of it), it says what the study said, lists cut
 * at five with "and N more" included; it is small; and packed into one
 * block of exactly its size, then freed, the copy says the same (ASan
 * would see a pointer left into the original or past the block).
 */
Test(identity, prepared_record_outlives_its_study, .timeout = 30)
{
	static const char *const texts[] = {
	    "The HERA trial of Lomecel-B in frailty (NCT02982915)",
	    "Parkinson's disease, 45 patients, bone marrow MSCs",
	    "cannabidiol in schizophrenia, Johns Hopkins Hospital"};
	static const char *const files[] = {
	    "registry/default/NCT02982915.json",
	    "registry/default/NCT04421456.json",
	    "identity/records/NCT04506073.json"};
	struct identity *id = identity_new(NULL);
	struct identity_verdict a, b;
	size_t f, k, i, cut = 0;

	cr_assert_not_null(id);
	for (f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct study *s = load_record(files[f]);
		struct identity_record *r;
		const struct identity_record *packed;
		char *want[3];
		void *block;

		/* Seven conditions: the evidence shows five "and 2 more". */
		for (i = s->n_conditions; i < 7; i++) {
			s->conditions = realloc(s->conditions,
			    (i + 1) * sizeof(*s->conditions));
			s->conditions[i] = harness_fmt("condition %zu", i);
			s->n_conditions = i + 1;
		}
		for (k = 0; k < 3; k++) {
			cr_assert_eq(harness_identity_judge(id, texts[k],
			    strlen(texts[k]), s, &a), 0);
			want[k] = a.evidence;
		}
		cr_assert_not_null(r = identity_record_new(id, s));
		study_free(s);
		cr_expect_gt(identity_record_size(r), 0);
		cr_expect_lt(identity_record_size(r), 8192, "%zu bytes",
		    identity_record_size(r));
		/* Packed into one exact block, the original freed: the same. */
		cr_assert_not_null(block = malloc(identity_record_size(r)));
		packed = identity_record_pack(r, block);
		for (k = 0; k < 3; k++) {
			cr_assert_eq(identity_judge_record(id, r, texts[k],
			    strlen(texts[k]), &b), 0);
			cr_expect_str_eq(b.evidence, want[k]);
			cut += strstr(b.evidence, "and 2 more") != NULL;
			identity_verdict_finish(&b);
		}
		identity_record_free(r);
		for (k = 0; k < 3; k++) {
			cr_assert_eq(identity_judge_record(id, packed, texts[k],
			    strlen(texts[k]), &b), 0);
			cr_expect_str_eq(b.evidence, want[k], "packed");
			identity_verdict_finish(&b);
			free(want[k]);
		}
		free(block);
	}
	cr_expect_gt(cut, 0, "no mismatch evidence listed the conditions");
	identity_free(id);
}

/* The edges of the prepared path: no record, no context, an empty record. */
Test(identity, prepared_edges, .timeout = 30)
{
	static const char *const texts[] = {"", "PD MSC", "PD MSC Cannabidiol",
	    "HERA (NCT02982915)", "n=45 Parkinson's disease, 45 patients",
	    "Johns Hopkins Hospital and the University of Texas (NCT04421456)",
	    "\xff\xfe PD \xc3\x28 MSC \xe2\x80 NCT0442145 Parkinson\xe2\x80\x99",
	    "A (NCT04421456) B (NCT02982915)\nschizophrenia | cannabidiol"};
	struct identity_opts off = {0};
	struct identity *id = identity_new(NULL), *none = identity_new(&off);
	struct study *s = load_record("registry/default/NCT04421456.json");
	struct study *p = load_record("identity/records/NCT04506073.json");
	struct identity_record *rs, *rp, *rb;
	struct identity_verdict v;
	struct same same = {0};
	struct study bare;
	size_t k;

	cr_assert_not_null(id);
	cr_assert_not_null(none);
	memset(&bare, 0, sizeof(bare));
	snprintf(bare.nct_id, sizeof(bare.nct_id), "NCT09999999");
	bare.overall_status = (char *)"COMPLETED";
	bare.enrollment = -1;
	cr_assert_not_null(rs = identity_record_new(id, s));
	cr_assert_not_null(rp = identity_record_new(id, p));
	cr_assert_not_null(rb = identity_record_new(id, &bare));
	/* Each record judged again and again, in turn with the others. */
	for (k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		expect_same(id, rs, s, texts[k], strlen(texts[k]), &same);
		expect_same(id, rp, p, texts[k], strlen(texts[k]), &same);
		expect_same(id, rb, &bare, texts[k], strlen(texts[k]), &same);
		expect_same(none, rp, p, texts[k], strlen(texts[k]), &same);
		/* Not NUL-terminated: only len bytes are read. */
		expect_same(id, rs, s, texts[k], strlen(texts[k]) / 2, &same);
	}
	expect_same(id, rs, s, NULL, 0, &same);
	expect_same(id, NULL, NULL, "PD MSC", 6, &same);
	cr_assert_eq(identity_judge_record(id, NULL, "PD MSC", 6, &v), 0);
	cr_expect_str_eq(v.evidence, "no registry record to compare with");
	identity_verdict_finish(&v);
	cr_assert_eq(identity_judge_record(id, rb, "PD MSC trial", 12, &v), 0);
	cr_expect_not_null(strstr(v.evidence, "gives no title"), "%s",
	    v.evidence);
	identity_verdict_finish(&v);
	cr_expect_gt(same.outcomes[IDENTITY_MISMATCH], 0);
	cr_expect_gt(same.outcomes[IDENTITY_MATCH], 0);
	identity_record_free(rb);
	identity_record_free(rp);
	identity_record_free(rs);
	identity_record_free(NULL);
	identity_free(none);
	identity_free(id);
	study_free(p);
	study_free(s);
}

/* ------------------------------------------------------- example page */

/*
 * A page against the registry's records of the three default trials:
 * the verdict per trial, and the mismatch evidence.
 */
static void
judge_page(const char *page_rel, const char *expect)
{
	static const char *const recs[] = {
		"registry/default/NCT02982915.json",
		"registry/default/NCT05233774.json",
		"registry/default/NCT04421456.json",
	};
	char *path = harness_fmt("%s/%s", harness_data(), page_rel);
	char *page = harness_read(path), got[512] = "";
	struct mention_list ml = {0};
	struct records r = {0};
	struct identity_verdict v;
	size_t k, j;

	cr_assert_not_null(page, "%s", path);
	for (k = 0; k < 3; k++)
		records_get(&r, recs[k]);
	cr_assert_eq(harness_claims_mentions(page, strlen(page), READER_MARKDOWN, r.acr, r.n_acr,
	    &ml),
	    0);
	for (k = 0; k < ml.n; k++) {
		const struct study *s = NULL;

		for (j = 0; j < r.n; j++)
			if (strcmp(r.v[j]->nct_id, ml.v[k].nct_id) == 0)
				s = r.v[j];
		if (s == NULL)
			continue;	/* not tracked: no record, no verdict */
		cr_assert_eq(judge_once(ml.v[k].context,
		    ml.v[k].context_len, s, NULL, &v), 0);
		snprintf(got + strlen(got), sizeof(got) - strlen(got),
		    "%s %s\n", s->nct_id, harness_outcome_name(v.outcome));
		if (v.outcome == IDENTITY_MISMATCH) {
			cr_expect_not_null(strstr(v.evidence, "Parkinson"), "%s",
			    v.evidence);
			cr_expect_not_null(strstr(v.evidence, "UTHealth"), "%s",
			    v.evidence);
			cr_expect_not_null(strstr(v.evidence, "the registry "
			    "record NCT04421456 is \"Cannabidiol as Add-on "
			    "Treatment in Schizophrenia\" (conditions: "
			    "Schizophrenia; interventions: Cannabidiol, "
			    "Placebo"), "%s", v.evidence);
		}
		cr_log_info("%s %s: %s", page_rel, s->nct_id, v.evidence);
		identity_verdict_finish(&v);
	}
	cr_expect_str_eq(got, expect, "%s", page_rel);
	claims_mentions_finish(&ml);
	records_free(&r);
	free(page);
	free(path);
}

Test(identity, example_page, .timeout = 30)
{
	/* In the order the page first mentions them. */
	judge_page("pages/example-msc-therapy.txt",
	    "NCT02982915 match\nNCT05233774 match\nNCT04421456 mismatch\n");
	judge_page("kb/msc-therapy.txt",
	    "NCT02982915 match\nNCT05233774 match\nNCT04421456 mismatch\n");
}

/* ----------------------------------------------------------- evidence */

static struct identity_verdict
judge_text(const char *text, const char *rel, const struct identity_opts *o)
{
	struct study *s = load_record(rel);
	struct identity_verdict v;

	cr_assert_eq(judge_once(text, text ? strlen(text) : 0, s, o, &v),
	    0);
	study_free(s);
	return v;
}

Test(identity, evidence_names_both_sides)
{
	struct identity_verdict v;

	v = judge_text("Allogeneic bone-marrow mesenchymal stromal cells in "
	    "Parkinson's disease at UTHealth Houston (NCT04421456).",
	    "registry/default/NCT04421456.json", NULL);
	cr_expect_eq(v.outcome, IDENTITY_MISMATCH);
	cr_expect_eq(v.shared, 0);
	cr_expect_geq(v.page_terms, 3);
	cr_expect_str_eq(v.evidence, "the page describes \"bone-marrow\", "
	    "\"mesenchymal stromal cells\", \"Parkinson's disease\", "
	    "\"UTHealth Houston\"; the registry record NCT04421456 is "
	    "\"Cannabidiol as Add-on Treatment in Schizophrenia\" (conditions: "
	    "Schizophrenia; interventions: Cannabidiol, Placebo; sponsor: "
	    "Example Psychiatry Research Institute): no condition, "
	    "intervention, title or sponsor word in common");
	identity_verdict_finish(&v);

	v = judge_text("HERA (NCT02982915)", "registry/default/NCT02982915.json",
	    NULL);
	cr_expect_eq(v.outcome, IDENTITY_MATCH);
	cr_expect_not_null(strstr(v.evidence, "acronym HERA"), "%s",
	    v.evidence);
	identity_verdict_finish(&v);
	/* The acronym as the registry writes it, not a word that spells it. */
	v = judge_text("Hera (NCT02982915)", "registry/default/NCT02982915.json",
	    NULL);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN, "%s", v.evidence);
	identity_verdict_finish(&v);

	v = judge_text("PD (NCT04421456)", "registry/default/NCT04421456.json",
	    NULL);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	cr_expect_not_null(strstr(v.evidence, "too little said about "
	    "NCT04421456"), "%s", v.evidence);
	identity_verdict_finish(&v);
	/* "pd" in lower case is not the abbreviation. */
	v = judge_text("pd and msc (NCT04421456)",
	    "registry/default/NCT04421456.json", NULL);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN, "%s", v.evidence);
	identity_verdict_finish(&v);
}

Test(identity, threshold)
{
	static const char *text = "The PD MSC trial (NCT04421456).";
	struct identity_opts o = {2};
	struct identity_verdict v;

	v = judge_text(text, "registry/default/NCT04421456.json", &o);
	cr_expect_eq(v.outcome, IDENTITY_MISMATCH);
	cr_expect_eq(v.page_terms, 2);
	identity_verdict_finish(&v);
	o.min_terms = 3;
	v = judge_text(text, "registry/default/NCT04421456.json", &o);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	identity_verdict_finish(&v);
	o.min_terms = 0;	/* off */
	v = judge_text(text, "registry/default/NCT04421456.json", &o);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	cr_expect_str_eq(v.evidence, "identity check turned off");
	identity_verdict_finish(&v);
	o.min_terms = 1;
	v = judge_text("Parkinson's disease (NCT04421456)",
	    "registry/default/NCT04421456.json", &o);
	cr_expect_eq(v.outcome, IDENTITY_MISMATCH);
	identity_verdict_finish(&v);
	/* An institution alone never flags, whatever the threshold. */
	v = judge_text("Johns Hopkins Hospital (NCT04421456)",
	    "registry/default/NCT04421456.json", &o);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN, "%s", v.evidence);
	identity_verdict_finish(&v);
	cr_expect_eq(IDENTITY_MIN_TERMS, 2);
}

Test(identity, normalisation)
{
	static const struct {
		const char *text;
		enum identity_outcome want;
	} cases[] = {
		/* possessives, plurals, case, hyphens, curly quotes */
		{"PARKINSON’S DISEASE and MSCs", IDENTITY_MATCH},
		{"parkinsons; hMSCs", IDENTITY_MATCH},
		{"Mesenchymal-stromal-cell therapy", IDENTITY_MATCH},
		{"bone marrow", IDENTITY_MATCH},
		{"allo-hMSC", IDENTITY_MATCH},
		/* words that merely look alike do not count */
		{"Parkinsonian gait in schizotypy", IDENTITY_UNKNOWN},
		{"Msc thesis", IDENTITY_UNKNOWN},
	};
	struct identity_verdict v;
	struct study *s = load_record("identity/records/NCT04506073.json");
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		cr_assert_eq(judge_once(cases[k].text, strlen(cases[k].text),
		    s, NULL, &v), 0);
		cr_expect_eq(v.outcome, cases[k].want, "\"%s\": %s (%s)",
		    cases[k].text, harness_outcome_name(v.outcome),
		    v.evidence);
		identity_verdict_finish(&v);
	}
	study_free(s);
}

/* ------------------------------------------------------------- edges */

Test(identity, edges, .timeout = 30)
{
	static const char bytes[] = "\xff\xfe PD \xc3\x28 MSC \xe2\x80 \x00 "
	    "NCT0442145 NCT044214567 Parkinson\xe2\x80\x99";
	struct identity_verdict v;
	struct study *s = load_record("registry/default/NCT04421456.json");
	struct study bare;
	size_t n = 1u << 20, k;
	char *big;

	cr_assert_eq(judge_once(NULL, 0, s, NULL, &v), 0);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	identity_verdict_finish(&v);
	cr_assert_eq(judge_once("", 0, s, NULL, &v), 0);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	identity_verdict_finish(&v);
	cr_assert_eq(judge_once("PD MSC", 6, NULL, NULL, &v), 0);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	identity_verdict_finish(&v);
	/* Not NUL-terminated: only len bytes are read. */
	cr_assert_eq(judge_once("PD MSC Cannabidiol", 6, s, NULL, &v), 0);
	cr_expect_eq(v.outcome, IDENTITY_MISMATCH, "%s", v.evidence);
	identity_verdict_finish(&v);
	cr_assert_eq(judge_once(bytes, sizeof(bytes) - 1, s, NULL, &v), 0);
	cr_expect_neq(v.outcome, IDENTITY_MATCH);
	identity_verdict_finish(&v);

	/* A record with nothing to compare is no evidence either way. */
	memset(&bare, 0, sizeof(bare));
	snprintf(bare.nct_id, sizeof(bare.nct_id), "NCT09999999");
	bare.overall_status = (char *)"COMPLETED";
	bare.enrollment = -1;
	cr_assert_eq(judge_once("PD MSC trial", 12, &bare, NULL, &v), 0);
	cr_expect_eq(v.outcome, IDENTITY_UNKNOWN);
	cr_expect_not_null(strstr(v.evidence, "gives no title"), "%s",
	    v.evidence);
	identity_verdict_finish(&v);

	/* A megabyte of words. */
	big = malloc(n + 1);
	cr_assert_not_null(big);
	for (k = 0; k < n; k++)
		big[k] = "Parkinson MSC trial x\n"[k % 22];
	big[n] = '\0';
	cr_assert_eq(judge_once(big, n, s, NULL, &v), 0);
	cr_expect_eq(v.outcome, IDENTITY_MISMATCH);
	identity_verdict_finish(&v);
	free(big);
	identity_verdict_finish(NULL);
	study_free(s);
}

static bool
valid_utf8(const char *s)
{
	return harness_utf8_valid(s, strlen(s));
}

/* Long registry strings are cut at a character, never inside one. */
Test(identity, evidence_stays_utf8)
{
	char title[400], cond[200], *conds[1] = {cond}, *ivs[1] = {cond};
	struct identity_verdict v;
	struct study s;
	size_t k, cut;

	for (cut = 0; cut < 3; cut++) {
		for (k = 0; k < cut; k++)
			title[k] = 'x';
		for (; k + 3 < sizeof(title); k += 3)
			memcpy(title + k, "\xe2\x80\x94", 3);
		title[k] = '\0';
		for (k = 0; k + 2 < sizeof(cond); k += 2)
			memcpy(cond + k, "\xc3\xa9", 2);
		cond[k] = '\0';
		memset(&s, 0, sizeof(s));
		snprintf(s.nct_id, sizeof(s.nct_id), "NCT09999998");
		s.brief_title = title;
		s.acronym = cond;
		s.lead_sponsor = cond;
		s.conditions = conds;
		s.n_conditions = 1;
		s.interventions = ivs;
		s.n_interventions = 1;
		s.enrollment = -1;
		cr_assert_eq(judge_once("PD MSC", 6, &s, NULL, &v), 0);
		cr_expect_eq(v.outcome, IDENTITY_MISMATCH, "%s", v.evidence);
		cr_expect(valid_utf8(v.evidence), "cut %zu: %s", cut,
		    v.evidence);
		identity_verdict_finish(&v);
	}
}

Test(identity, outcome_names)
{
	cr_expect_str_eq(harness_outcome_name(IDENTITY_MATCH), "match");
	cr_expect_str_eq(harness_outcome_name(IDENTITY_MISMATCH), "mismatch");
	cr_expect_str_eq(harness_outcome_name(IDENTITY_UNKNOWN), "unknown");
}

/*
 * A citation's excerpt is cut as every claim's is: the block that names
 * the ID, around the ID, at words, with "…" where text was left out.
 */
Test(identity, citation_excerpt)
{
	struct mention m = {0};
	struct claim c;
	char ctx[2048], *want;
	size_t n = 0, at;

	n += (size_t)snprintf(ctx, sizeof(ctx), "A first block without it.\n");
	for (int k = 0; k < 20; k++)
		n += (size_t)snprintf(ctx + n, sizeof(ctx) - n, "word%02d ", k);
	at = n;
	n += (size_t)snprintf(ctx + n, sizeof(ctx) - n, "NCT04506073 ");
	for (int k = 20; k < 60; k++)
		n += (size_t)snprintf(ctx + n, sizeof(ctx) - n, "word%02d ", k);
	ctx[--n] = '\0';
	memcpy(m.nct_id, "NCT04506073", NCT_ID_SIZE);
	m.line = 7;
	m.context = ctx;
	m.context_len = n;
	cr_assert_eq(identity_claim(&m, &c), 0);
	cr_expect_eq(c.kind, CLAIM_MENTION);
	cr_expect_eq(c.line, 7);
	cr_expect_str_eq(c.phrase, "NCT04506073");
	cr_expect_leq(strlen(c.excerpt), 200);
	cr_expect_not_null(strstr(c.excerpt, "NCT04506073"));
	cr_expect_eq(strncmp(c.excerpt, "\xe2\x80\xa6word", 7), 0, "%s",
	    c.excerpt);
	cr_expect_str_eq(c.excerpt + strlen(c.excerpt) - 3, "\xe2\x80\xa6");
	want = text_excerpt((const unsigned char *)ctx, 26, n, at);
	cr_expect_str_eq(c.excerpt, want);
	free(want);
	free(c.excerpt);
	free(c.phrase);

	/* A short block as it is; an empty context, an empty excerpt. */
	m.context = "HERA (NCT04506073) in frailty";
	m.context_len = strlen(m.context);
	cr_assert_eq(identity_claim(&m, &c), 0);
	cr_expect_str_eq(c.excerpt, "HERA (NCT04506073) in frailty");
	free(c.excerpt);
	free(c.phrase);
	m.context = "";
	m.context_len = 0;
	cr_assert_eq(identity_claim(&m, &c), 0);
	cr_expect_str_eq(c.excerpt, "");
	free(c.excerpt);
	free(c.phrase);
}

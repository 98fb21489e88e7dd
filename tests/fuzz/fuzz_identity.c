/*
 * fuzz_identity.c - libFuzzer target: the citation check.  Bytes as a page
 * go through claims_scan() as the scan reads them; every mention is judged
 * against fixed registry records and, when the input carries one (the
 * bytes before a NUL, a field per line), against a record made from the
 * input, since registry text is untrusted too.  Each judgement of a
 * prepared record, and of its packed copy, must equal a one-off judgement
 * (harness_identity_judge()) of the study itself, and a verdict and its
 * claim must keep what storing them needs.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "harness.h"
#include "identity.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_identity: invariant broken: %s\n", what);
		abort();
	}
}

/* Trials like the fixtures' (tests/data/registry, tests/data/identity). */
static char *hera_cond[] = {"Aging Frailty"};
static char *hera_interv[] = {"Lomecel-B", "Placebo"};
static char *hera_other[] = {"allogeneic human mesenchymal stem cells"};
static char *cbd_cond[] = {"Schizophrenia", "Psychosis", "Cannabis Use",
    "Cognitive Impairment", "Inflammation", "Sleep", "Anxiety"};
static char *cbd_interv[] = {"Cannabidiol", "Placebo"};
static char *cbd_mesh[] = {"Schizophrenia", "Psychotic Disorders"};
static char *pd_cond[] = {"Parkinson Disease"};
static char *pd_interv[] = {"Allogeneic Bone Marrow-Derived MSCs"};
static char *pd_collab[] = {"The University of Texas Health Science Center"};

static struct study records[3];
#define N_RECORDS (sizeof(records) / sizeof(records[0]))
static struct identity *judges[3];	/* min_terms 1, 2 (default), 3 */
static struct identity_record *prepared[N_RECORDS];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct study *s = records;
	size_t k;

	(void)argc;
	(void)argv;
	snprintf(s[0].nct_id, sizeof(s[0].nct_id), "NCT02982915");
	s[0].acronym = "HERA";
	s[0].brief_title = "Allogeneic Human Mesenchymal Stem Cells in "
	    "Patients With Aging Frailty";
	s[0].lead_sponsor = "Longeveron Inc.";
	s[0].conditions = hera_cond, s[0].n_conditions = 1;
	s[0].interventions = hera_interv, s[0].n_interventions = 2;
	s[0].other_names = hera_other, s[0].n_other_names = 1;
	s[0].enrollment = 148;
	snprintf(s[1].nct_id, sizeof(s[1].nct_id), "NCT04421456");
	s[1].official_title = "Cannabidiol as an Adjunctive Treatment for "
	    "Schizophrenia";
	s[1].lead_sponsor = "Johns Hopkins University";
	s[1].conditions = cbd_cond, s[1].n_conditions = 7;
	s[1].interventions = cbd_interv, s[1].n_interventions = 2;
	s[1].condition_meshes = cbd_mesh, s[1].n_condition_meshes = 2;
	s[1].enrollment = 45;
	snprintf(s[2].nct_id, sizeof(s[2].nct_id), "NCT04506073");
	s[2].acronym = "MSC-PD";
	s[2].brief_title = "Allogeneic Bone Marrow-Derived Mesenchymal Stem "
	    "Cells in Parkinson's Disease";
	s[2].conditions = pd_cond, s[2].n_conditions = 1;
	s[2].interventions = pd_interv, s[2].n_interventions = 1;
	s[2].collaborators = pd_collab, s[2].n_collaborators = 1;
	s[2].enrollment = 45;
	for (k = 0; k < N_RECORDS; k++)
		s[k].overall_status = "COMPLETED";
	for (k = 0; k < 3; k++) {
		struct identity_opts o = {(unsigned)k + 1};

		check((judges[k] = identity_new(&o)) != NULL, "identity_new");
	}
	for (k = 0; k < N_RECORDS; k++)
		check((prepared[k] = identity_record_new(judges[0], &s[k])) !=
		    NULL, "identity_record_new");
	return 0;
}

/*
 * A record from the bytes before a NUL: acronym, title, sponsor, then
 * conditions and interventions in turn, a line each (NULs ended it, so
 * the strings stay inside).  Strings point into `text`, which is changed.
 */
static void
record_from(char *text, struct study *s, char **list, size_t max)
{
	char *line, *next;
	size_t k = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->nct_id, sizeof(s->nct_id), "NCT09999999");
	s->overall_status = "COMPLETED";
	s->enrollment = (long)strlen(text) - 10;
	s->conditions = list;
	s->interventions = list + max / 2;
	for (line = text; line != NULL; line = next, k++) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (k == 0)
			s->acronym = line;
		else if (k == 1)
			s->brief_title = line;
		else if (k == 2)
			s->lead_sponsor = line;
		else if (k % 2 && s->n_conditions < max / 2)
			s->conditions[s->n_conditions++] = line;
		else if (k % 2 == 0 && s->n_interventions < max / 2)
			s->interventions[s->n_interventions++] = line;
	}
}

/* Judge (ctx, len) against study s, prepared as r; both ways agree. */
static void
judge_both(const struct identity *id, const struct identity_record *r,
    const struct study *s, const char *ctx, size_t len, unsigned min_terms,
    int clean)
{
	struct identity_verdict a, b, c;
	void *block = malloc(identity_record_size(r));
	const struct identity_record *packed;

	check(block != NULL, "malloc");
	packed = identity_record_pack(r, block);
	check(harness_identity_judge(id, ctx, len, s, &a) == 0,
	    "harness_identity_judge");
	check(identity_judge_record(id, r, ctx, len, &b) == 0,
	    "identity_judge_record");
	check(a.outcome == b.outcome && a.shared == b.shared &&
	    a.page_terms == b.page_terms, "prepared verdict differs");
	check(a.evidence != NULL && b.evidence != NULL &&
	    strcmp(a.evidence, b.evidence) == 0, "prepared evidence differs");
	/* As the scan keeps it: packed into one block of exactly its size. */
	check(identity_judge_record(id, packed, ctx, len, &c) == 0,
	    "identity_judge_record of a packed record");
	check(c.outcome == b.outcome && c.evidence != NULL &&
	    strcmp(c.evidence, b.evidence) == 0, "packed record differs");
	identity_verdict_finish(&c);
	free(block);
	check(b.evidence[0] != '\0', "empty evidence");
	check(b.outcome == IDENTITY_UNKNOWN || b.outcome == IDENTITY_MATCH ||
	    b.outcome == IDENTITY_MISMATCH, "outcome out of range");
	if (b.outcome == IDENTITY_MATCH)
		check(b.shared > 0, "a match shares nothing");
	if (b.outcome == IDENTITY_MISMATCH)
		check(b.shared == 0 && b.page_terms >= min_terms,
		    "a mismatch shares something or says too little");
	/* Contexts from claims.c are clean: so must the stored evidence be. */
	if (clean)
		check(harness_utf8_valid(b.evidence, strlen(b.evidence)),
		    "evidence is not UTF-8");
	identity_verdict_finish(&a);
	identity_verdict_finish(&b);
}

/* Against every record, at thresholds [from, 3): 1, 2 and 3 terms. */
static void
judge_all(const struct study *own, const struct identity_record *own_r,
    const char *ctx, size_t len, int clean, size_t from)
{
	size_t k, t;

	for (t = from; t < 3; t++) {
		for (k = 0; k < N_RECORDS; k++)
			judge_both(judges[t], prepared[k], &records[k], ctx, len,
			    (unsigned)t + 1, clean);
		if (own != NULL)
			judge_both(judges[t], own_r, own, ctx, len,
			    (unsigned)t + 1, clean);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *page = (const char *)data, *nul;
	size_t len = size, i;
	char *rec_text = NULL, *list[16];
	struct study own;
	struct identity_record *own_r = NULL;
	struct mention_list ml = {0};
	static const struct claims_acronym acr[] = {
		{"HERA", "NCT02982915"}, {"MSC-PD", "NCT04506073"}};

	if ((nul = memchr(data, '\0', size)) != NULL) {
		rec_text = strndup(page, (size_t)(nul - page));
		check(rec_text != NULL, "strndup");
		/* jansson reads only UTF-8: no stored record is anything else. */
		if (harness_utf8_valid(rec_text, strlen(rec_text))) {
			record_from(rec_text, &own, list, 16);
			check((own_r = identity_record_new(judges[1], &own)) !=
			    NULL, "identity_record_new of the input's record");
			check(identity_record_size(own_r) > 0, "record size");
		}
		page = nul + 1;
		len = size - (size_t)(nul - (const char *)data) - 1;
	}
	/* The raw bytes, as a caller might pass any context (default only). */
	judge_all(own_r ? &own : NULL, own_r, page, len, 0, 1);
	/* What the scan passes: each mention's cleaned context. */
	check(harness_claims_mentions(page, len, READER_MARKDOWN, acr, 2, &ml) == 0,
	    "claims_mentions");
	for (i = 0; i < ml.n; i++) {
		const struct mention *m = &ml.v[i];
		struct claim c;

		check(m->context != NULL && strlen(m->context) ==
		    m->context_len, "mention context length");
		/* The first two at every threshold; the rest at the default. */
		judge_all(own_r ? &own : NULL, own_r, m->context,
		    m->context_len, 1, i < 2 ? 0 : 1);
		check(identity_claim(m, &c) == 0, "identity_claim");
		check(c.excerpt != NULL && strlen(c.excerpt) <= 200 &&
		    harness_utf8_valid(c.excerpt, strlen(c.excerpt)),
		    "claim excerpt too long or not UTF-8");
		check(strcmp(c.nct_id, m->nct_id) == 0, "claim names another ID");
		free(c.excerpt);
		free(c.phrase);
	}
	claims_mentions_finish(&ml);
	identity_record_free(own_r);
	free(rec_text);
	return 0;
}

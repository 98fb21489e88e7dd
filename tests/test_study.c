/*
 * test_study.c - study_from_text() over fixture records
 * (tests/data/studies): key fields of good records, the error (NCT ID,
 * JSON path, text) of broken ones, and a hash of the stored text that
 * ignores what the registry churns daily.
 */
#include <criterion/criterion.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "study.h"
#include "text.h"

/* tests/data/studies/REL, NUL-terminated; new (free). */
static char *
slurp(const char *rel, size_t *len)
{
	char *path = harness_fmt("%s/studies/%s", harness_data(), rel);
	char *buf = harness_read_len(path, len);

	cr_assert_not_null(buf, "cannot read %s", path);
	free(path);
	return buf;
}

static void sha256_hex(const char *text, size_t len, char out[65]);

static struct study *
load(const char *rel, const char *expect_id, struct study_error *err)
{
	size_t len;
	char *text = slurp(rel, &len);
	struct study *s = study_from_text(text, len, expect_id, err);

	free(text);
	return s;
}

static const char *
date_type(enum date_type t)
{
	return t == DATE_ACTUAL ? "ACTUAL" : t == DATE_ESTIMATED ? "ESTIMATED" :
	    "NONE";
}

/* ------------------------------------------------------- good records */

struct good_case {
	const char *file;
	const char *nct_id;
	const char *status;
	const char *acronym;		/* NULL: absent */
	const char *lead_sponsor;
	bool has_results;
	bool has_results_section;
	const char *results_first_posted;	/* "date TYPE" or "" */
	const char *primary_completion;
	const char *start;
	const char *last_update;
	const char *status_verified;
	const char *results_submitted;
	long enrollment;
	size_t n_refs;
	const char *result_pmids;	/* space-separated */
	size_t n_conditions;
	size_t n_interventions;
	size_t n_collaborators;
	const char *phases;		/* space-separated */
};

static const struct good_case good[] = {
	{"with-results.json", "NCT09000101", "COMPLETED", "COUGH-3",
	    "Example Pharma Inc.", true, true, "2021-03-15 ACTUAL",
	    "2019-11 ACTUAL", "2018-02-05 ACTUAL", "2021-03-15 ACTUAL",
	    "2021-03 ACTUAL",
	    /* leftover submissionTracking, but results are posted */
	    "", 412, 1, "39000101", 2, 2, 1, "PHASE3"},
	{"no-results.json", "NCT09000102", "RECRUITING", "MINDTEACH",
	    "Example University", false, false, "", "2025-06-30 ESTIMATED",
	    "2023-09-01 ACTUAL", "2024-01-11 ESTIMATED", "2024-01 ACTUAL", "",
	    120, 0, "", 2, 2, 2, "PHASE2 PHASE3"},
	/* legacy start date without a type; enrollment without a count */
	{"result-refs.json", "NCT09000103", "UNKNOWN", NULL,
	    "Example Cardiology Society", false, false, "",
	    "2019-12-30 ESTIMATED", "2010-05 ACTUAL", "2019-11-27 ACTUAL",
	    "2019-11 ACTUAL", "", -1, 7, "39000301 39000305", 0, 0, 0, ""},
	/* RELEASE, RESET, RELEASE: one cycle, first submitted 2023-01-10 */
	{"unposted.json", "NCT09000104", "COMPLETED", "KNEE-Y",
	    "Example Devices Ltd", false, false, "", "2021-10-15 ACTUAL",
	    "2019-04-01 ACTUAL", "2023-05-25 ACTUAL", "2023-05 ACTUAL",
	    "2023-01-10", 0, 0, "", 1, 0, 0, "NA"},
	/* out of order; a cancel closes the 2021 cycle */
	{"unposted-canceled.json", "NCT09000105", "COMPLETED", NULL, NULL,
	    false, false, "", "", "", "", "", "2022-08-15", -1, 0, "", 0, 0, 0,
	    ""},
	{"unposted-withdrawn.json", "NCT09000106", "TERMINATED", NULL, NULL,
	    false, false, "", "", "", "", "", "", -1, 0, "", 0, 0, 0, ""},
	/* no annotation: submissionInfos, the first one unreleased */
	{"tracking-only.json", "NCT09000107", "COMPLETED", NULL, NULL, false,
	    false, "", "", "", "", "", "2020-11-02", -1, 0, "", 0, 0, 0, ""},
	{"estimated-only.json", "NCT09000108", "COMPLETED", NULL, NULL, false,
	    false, "", "", "", "", "", "2024-02-29", -1, 0, "", 0, 0, 0, ""},
	/* entries of odd shapes are skipped, not fatal */
	{"unposted-odd.json", "NCT09000109", "COMPLETED", NULL, NULL, false,
	    false, "", "", "", "", "", "2019-07-01", -1, 0, "", 0, 0, 0, ""},
	/*
	 * The real shape of a withdrawn submission: an UNRELEASE whose date
	 * the registry does not know closes the first cycle (record order).
	 */
	{"unposted-unknown-date.json", "NCT09000112", "COMPLETED", NULL, NULL,
	    false, false, "", "", "", "2017-07-20 ACTUAL", "", "2017-04-14",
	    -1, 0, "", 0, 0, 0, ""},
	{"descriptive.json", "NCT09000111", "ACTIVE_NOT_RECRUITING",
	    "EXCEL-OA", "Example Regenerative Inc.", false, false, "", "", "",
	    "2025-02-03 ACTUAL", "", "", 80, 0, "", 1, 4, 1, "PHASE2"},
};

static void
fmt_date(char *buf, size_t size, const struct study_date *d)
{
	if (d->type == DATE_NONE)
		snprintf(buf, size, "%s", "");
	else
		snprintf(buf, size, "%s %s", d->date, date_type(d->type));
}

static void
join(char *buf, size_t size, char *const *v, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
		    i ? " " : "", v[i]);
}

static void
check_good(const struct good_case *c)
{
	struct study_error err;
	struct study *s = load(c->file, c->nct_id, &err);
	char buf[256];
	size_t i, used = 0;

	cr_assert_not_null(s, "%s: refused: %s %s %s", c->file, err.nct_id,
	    err.path, err.text);
	cr_expect_str_eq(s->nct_id, c->nct_id, "%s", c->file);
	cr_expect_str_eq(s->overall_status, c->status, "%s", c->file);
	if (c->acronym)
		cr_expect(s->acronym && strcmp(s->acronym, c->acronym) == 0,
		    "%s: acronym %s", c->file, s->acronym);
	else
		cr_expect_null(s->acronym, "%s", c->file);
	if (c->lead_sponsor)
		cr_expect(s->lead_sponsor &&
		    strcmp(s->lead_sponsor, c->lead_sponsor) == 0,
		    "%s: sponsor %s", c->file, s->lead_sponsor);
	else
		cr_expect_null(s->lead_sponsor, "%s", c->file);
	cr_expect_eq(s->has_results, c->has_results, "%s", c->file);
	cr_expect_eq(s->has_results_section, c->has_results_section, "%s",
	    c->file);
	fmt_date(buf, sizeof(buf), &s->results_first_posted);
	cr_expect_str_eq(buf, c->results_first_posted, "%s", c->file);
	fmt_date(buf, sizeof(buf), &s->primary_completion);
	cr_expect_str_eq(buf, c->primary_completion, "%s", c->file);
	fmt_date(buf, sizeof(buf), &s->start);
	cr_expect_str_eq(buf, c->start, "%s", c->file);
	fmt_date(buf, sizeof(buf), &s->last_update_posted);
	cr_expect_str_eq(buf, c->last_update, "%s", c->file);
	fmt_date(buf, sizeof(buf), &s->status_verified);
	cr_expect_str_eq(buf, c->status_verified, "%s", c->file);
	cr_expect_str_eq(s->results_submitted, c->results_submitted, "%s",
	    c->file);
	cr_expect_eq(s->enrollment, c->enrollment, "%s: enrollment %ld",
	    c->file, s->enrollment);
	cr_expect_eq(s->n_refs, c->n_refs, "%s: %zu refs", c->file, s->n_refs);
	cr_expect_eq(s->n_conditions, c->n_conditions, "%s", c->file);
	cr_expect_eq(s->n_interventions, c->n_interventions, "%s", c->file);
	cr_expect_eq(s->n_collaborators, c->n_collaborators, "%s", c->file);
	join(buf, sizeof(buf), s->phases, s->n_phases);
	cr_expect_str_eq(buf, c->phases, "%s", c->file);

	cr_expect_eq(s->has_results, c->has_results, "%s", c->file);
	buf[0] = '\0';
	for (i = 0; i < s->n_refs; i++)
		if (s->refs[i].type == REF_RESULT && s->refs[i].pmid)
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
			    "%s%s", used ? " " : "", s->refs[i].pmid);
	cr_expect_str_eq(buf, c->result_pmids, "%s: result PMIDs", c->file);
	cr_expect_eq(strlen(s->hash), 64);
	cr_expect_eq(s->canonical_len, strlen(s->canonical));
	study_free(s);
}

Test(study, good_records)
{
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		check_good(&good[i]);
}

Test(study, fields_in_detail)
{
	struct study_error err;
	struct study *s = load("result-refs.json", NULL, &err);

	cr_assert_not_null(s, "%s %s", err.path, err.text);
	cr_expect_str_eq(s->brief_title, "Bifurcation Stent Registry");
	cr_expect_null(s->official_title);
	cr_expect_null(s->why_stopped);
	cr_assert_eq(s->n_refs, 7);
	cr_expect_eq(s->refs[0].type, REF_RESULT);
	cr_expect_str_eq(s->refs[0].pmid, "39000301");
	cr_expect_eq(s->refs[1].type, REF_RESULT);
	cr_expect_null(s->refs[1].pmid, "a RESULT without PMID keeps NULL");
	cr_expect_str_eq(s->refs[1].citation,
	    "Second author B. Results without a PubMed record. Local Bulletin. 2016.");
	cr_expect_eq(s->refs[2].type, REF_BACKGROUND);
	cr_expect_eq(s->refs[3].type, REF_DERIVED);
	cr_expect_eq(s->refs[5].type, REF_OTHER, "no type");
	cr_expect_null(s->refs[5].pmid, "an empty PMID is no PMID");
	cr_expect_eq(s->refs[6].type, REF_OTHER, "unknown type");
	cr_expect_eq(s->completion.type, DATE_NONE);
	cr_expect_str_eq(s->completion.date, "");
	study_free(s);

	s = load("no-results.json", NULL, &err);
	cr_assert_not_null(s);
	cr_assert_eq(s->n_collaborators, 2, "the nameless one is skipped");
	cr_expect_str_eq(s->collaborators[0], "Teachers' Health Fund");
	cr_expect_str_eq(s->collaborators[1], "City School Board");
	cr_expect_str_eq(s->conditions[1], "Occupational Stress");
	cr_expect_str_eq(s->interventions[0], "Mindfulness course");
	study_free(s);

	s = load("with-results.json", NULL, &err);
	cr_assert_not_null(s);
	cr_expect_str_eq(s->official_title,
	    "A Randomized, Double-blind, Placebo-controlled Phase 3 Study of "
	    "Drug X in Adults With Refractory Chronic Cough");
	cr_expect_null(strstr(s->canonical, "versionHolder"));
	cr_expect_null(strstr(s->canonical, "modelPredictions"));
	cr_expect_not_null(strstr(s->canonical, "\"submissionTracking\""));
	study_free(s);
}

/* Space-separated, "|" between entries: "a b|c" for {"a b", "c"}. */
static void
expect_list(const char *what, char *const *v, size_t n, const char *want)
{
	char buf[512];
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < sizeof(buf); i++)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
		    i ? "|" : "", v[i]);
	cr_expect_str_eq(buf, want, "%s", what);
}

/* What the identity check compares: keywords, other names, MeSH terms. */
Test(study, descriptive_fields)
{
	struct study_error err;
	struct study *s = load("descriptive.json", NULL, &err);

	cr_assert_not_null(s, "%s %s", err.path, err.text);
	expect_list("keywords", s->keywords, s->n_keywords,
	    "Gonarthrosis|Cartilage repair|Intra-articular injection");
	expect_list("interventions", s->interventions, s->n_interventions,
	    "EX-101|Hyaluronic acid|Saline|Lidocaine");
	expect_list("other names", s->other_names, s->n_other_names,
	    "Example stromal cells|Adipose-derived MSC|Xylocaine");
	/* entries without a string term are skipped; ancestors are not terms */
	expect_list("condition MeSH", s->condition_meshes,
	    s->n_condition_meshes, "Osteoarthritis, Knee|Osteoarthritis");
	expect_list("intervention MeSH", s->intervention_meshes,
	    s->n_intervention_meshes, "Hyaluronic Acid");
	expect_list("collaborators", s->collaborators, s->n_collaborators,
	    "Example Orthopaedic Hospital");
	cr_expect_str_eq(s->official_title, "A Randomized Study of Example "
	    "Stromal Cells Versus Hyaluronic Acid in Knee Osteoarthritis");
	study_free(s);

	/* None of them: empty lists, NULL vectors. */
	s = load("no-results.json", NULL, &err);
	cr_assert_not_null(s);
	cr_expect_eq(s->n_other_names, 0);
	cr_expect_null(s->other_names);
	cr_expect_eq(s->n_condition_meshes, 0);
	cr_expect_eq(s->n_intervention_meshes, 0);
	study_free(s);

	s = load("with-results.json", NULL, &err);
	cr_assert_not_null(s);
	expect_list("keywords", s->keywords, s->n_keywords, "cough frequency");
	expect_list("condition MeSH", s->condition_meshes,
	    s->n_condition_meshes, "Cough");
	study_free(s);
}

/* ----------------------------------------------------- broken records */

struct bad_case {
	const char *file;
	const char *expect_id;
	const char *nct_id;
	const char *path;
	const char *text;
	bool prefix;		/* text is a prefix (words of the parser follow) */
};

#define IM "/protocolSection/identificationModule"
#define SM "/protocolSection/statusModule"
#define DM "/protocolSection/designModule"

static const struct bad_case bad[] = {
	{"bad/has-results-string.json", NULL, "NCT09000201", "/hasResults",
	    "expected a boolean, got string", false},
	{"bad/missing-nctid.json", NULL, "", IM "/nctId",
	    "required, but missing", false},
	{"bad/missing-nctid.json", "NCT09000202", "NCT09000202", IM "/nctId",
	    "required, but missing", false},
	{"bad/nctid-integer.json", NULL, "", IM "/nctId",
	    "expected a string, got integer", false},
	{"bad/nctid-short.json", NULL, "", IM "/nctId",
	    "expected NCT and 8 digits, got \"NCT1234\"", false},
	{"bad/missing-status.json", NULL, "NCT09000203", SM "/overallStatus",
	    "required, but missing", false},
	{"bad/missing-status-module.json", NULL, "NCT09000204",
	    SM "/overallStatus", "required, but missing", false},
	{"bad/status-module-array.json", NULL, "NCT09000217", SM,
	    "expected an object, got array", false},
	{"bad/status-integer.json", NULL, "NCT09000219", SM "/overallStatus",
	    "expected a string, got integer", false},
	{"bad/bad-date.json", NULL, "NCT09000205",
	    SM "/primaryCompletionDateStruct/date",
	    "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"2023/05/01\"",
	    false},
	{"bad/bad-month.json", NULL, "NCT09000206",
	    SM "/completionDateStruct/date",
	    "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"2023-13\"",
	    false},
	{"bad/bad-date-type.json", NULL, "NCT09000207",
	    SM "/primaryCompletionDateStruct/type",
	    "expected ACTUAL or ESTIMATED, got \"ANTICIPATED\"", false},
	{"bad/verified-date-number.json", NULL, "NCT09000208",
	    SM "/statusVerifiedDate", "expected a string, got integer", false},
	{"bad/date-struct-string.json", NULL, "NCT09000224",
	    SM "/resultsFirstPostDateStruct", "expected an object, got string",
	    false},
	{"bad/enrollment-real.json", NULL, "NCT09000209",
	    DM "/enrollmentInfo/count", "expected an integer, got number",
	    false},
	{"bad/enrollment-string.json", NULL, "NCT09000210",
	    DM "/enrollmentInfo/count", "expected an integer, got string",
	    false},
	{"bad/enrollment-negative.json", NULL, "NCT09000211",
	    DM "/enrollmentInfo/count",
	    "expected a count from 0 to 2147483647, got -5", false},
	{"bad/enrollment-huge.json", NULL, "NCT09000212",
	    DM "/enrollmentInfo/count",
	    "expected a count from 0 to 2147483647, got 99999999999", false},
	{"bad/phases-string.json", NULL, "NCT09000222", DM "/phases",
	    "expected an array, got string", false},
	{"bad/conditions-not-strings.json", NULL, "NCT09000213",
	    "/protocolSection/conditionsModule/conditions/1",
	    "expected a string, got integer", false},
	{"bad/intervention-string.json", NULL, "NCT09000220",
	    "/protocolSection/armsInterventionsModule/interventions/0",
	    "expected an object, got string", false},
	{"bad/other-names-string.json", NULL, "NCT09000225",
	    "/protocolSection/armsInterventionsModule/interventions/1/otherNames",
	    "expected an array, got string", false},
	{"bad/other-name-object.json", NULL, "NCT09000226",
	    "/protocolSection/armsInterventionsModule/interventions/0/otherNames/1",
	    "expected a string, got object", false},
	{"bad/keywords-string.json", NULL, "NCT09000227",
	    "/protocolSection/conditionsModule/keywords",
	    "expected an array, got string", false},
	{"bad/sponsor-name-object.json", NULL, "NCT09000221",
	    "/protocolSection/sponsorCollaboratorsModule/leadSponsor/name",
	    "expected a string, got object", false},
	{"bad/references-object.json", NULL, "NCT09000214",
	    "/protocolSection/referencesModule/references",
	    "expected an array, got object", false},
	{"bad/pmid-integer.json", NULL, "NCT09000215",
	    "/protocolSection/referencesModule/references/1/pmid",
	    "expected a string, got integer", false},
	{"bad/results-section-string.json", NULL, "NCT09000218",
	    "/resultsSection", "expected an object, got string", false},
	{"bad/root-array.json", NULL, "", "",
	    "expected a study object, got array", false},
	{"no-results.json", "NCT09000999", "NCT09000102", IM "/nctId",
	    "record is NCT09000102, expected NCT09000999", false},
	{"bad/malformed.json", NULL, "", "",
	    "malformed JSON (expected a member name)", true},
	{"bad/malformed.json", "NCT09000230", "NCT09000230", "",
	    "malformed JSON (expected a member name)", true},
	{"bad/truncated.json", NULL, "", "", "malformed JSON (", true},
	{"bad/empty.json", NULL, "", "", "malformed JSON (empty document)",
	    true},
	{"bad/duplicate-keys.json", NULL, "", "", "duplicate object key",
	    true},
	{"bad/enrollment-overflow.json", NULL, "", "", "too big integer", true},
};

/*
 * Every bad record refused, naming its ID, the path and the words; where
 * the text is not JSON (`prefix` cases) it says why in its own words.
 */
Test(study, broken_records)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad_case *c = &bad[i];
		struct study_error err;
		struct study *s;

		memset(&err, 'x', sizeof(err));
		s = load(c->file, c->expect_id, &err);
		cr_expect_null(s, "%s: accepted", c->file);
		study_free(s);
		cr_expect_str_eq(err.nct_id, c->nct_id, "%s", c->file);
		if (c->prefix) {
			cr_expect(strncmp(err.text, c->text, strlen(c->text)) ==
			    0, "%s: text \"%s\"", c->file, err.text);
			continue;
		}
		cr_expect_str_eq(err.path, c->path, "%s", c->file);
		cr_expect_str_eq(err.text, c->text, "%s", c->file);
	}
}

/* Replace the first `from` in text with `to` (same length); new string. */
static char *
swap(const char *text, const char *from, const char *to)
{
	char *copy = strdup(text), *at;

	cr_assert_not_null(copy);
	cr_assert_eq(strlen(from), strlen(to));
	at = strstr(copy, from);
	cr_assert_not_null(at, "no %s", from);
	memcpy(at, to, strlen(to));
	return copy;
}

/*
 * The text reader stores the registry's text as it came and hashes it
 * without the volatile members: a new versionHolder keeps the hash, a new
 * status moves it.
 */
Test(study, text_reader_hash)
{
	struct study_error err;
	size_t len;
	char hex[65];
	char *text = slurp("hash-a.json", &len);
	char *daily = swap(text, "\"versionHolder\": \"2024-05-01\"",
	    "\"versionHolder\": \"2031-12-31\"");
	char *moved = swap(text, "\"RECRUITING\"", "\"COMPLETED\" ");
	struct study *a = study_from_text(text, len, NULL, &err);
	struct study *b = study_from_text(daily, len, NULL, &err);
	struct study *c = study_from_text(moved, len, NULL, &err);

	cr_assert(a && b && c, "%s", err.text);
	cr_expect_str_eq(a->hash, b->hash);
	cr_expect_str_neq(a->hash, c->hash);
	/* Stored: the text as sent, without the members that move daily. */
	cr_expect_lt(a->canonical_len, len);
	cr_expect_str_eq(a->canonical, b->canonical);
	cr_expect_null(strstr(a->canonical, "versionHolder"));
	cr_expect_null(strstr(a->canonical, "modelPredictions"));
	sha256_hex(a->canonical, a->canonical_len, hex);
	cr_expect_str_eq(a->hash, hex);
	study_free(a);
	study_free(b);
	study_free(c);
	free(text);
	free(daily);
	free(moved);
}

/*
 * The volatile members cut out of the text in every arrangement: what is
 * left is JSON, equal to the record without them.
 */
Test(study, text_reader_cuts_volatile_members)
{
	static const char *misc[] = {
		"{\"versionHolder\":\"x\"}",
		"{\"versionHolder\":\"x\",\"modelPredictions\":{\"a\":[1]}}",
		"{\"a\":1,\"versionHolder\":\"x\"}",
		"{\"versionHolder\":\"x\",\"a\":1}",
		"{\"a\":1,\"versionHolder\":\"x\",\"b\":2}",
		"{\"a\":1,\"versionHolder\":\"x\",\"modelPredictions\":{}}",
		"{\"versionHolder\":\"x\",\"modelPredictions\":{},\"a\":1}",
		"{\"versionHolder\":\"x\",\"a\":1,\"modelPredictions\":[]}",
		"{\"a\":1,\"versionHolder\":\"x\",\"b\":2,"
		    "\"modelPredictions\":null}",
		" { \"a\" : 1 ,\n \"versionHolder\" : \"x\" ,\n \"b\" : 2 } ",
		"{}",
		"{\"a\":1}",
	};

	for (size_t i = 0; i < sizeof(misc) / sizeof(misc[0]); i++) {
		char *text = NULL;
		struct study_error err;
		struct study *s;
		json_t *want, *got;

		cr_assert(asprintf(&text, "{\"protocolSection\":{"
		    "\"identificationModule\":{\"nctId\":\"NCT09000001\"},"
		    "\"statusModule\":{\"overallStatus\":\"COMPLETED\"}},"
		    "\"derivedSection\":{\"miscInfoModule\":%s,\"z\":0}}",
		    misc[i]) > 0);
		s = study_from_text(text, strlen(text), NULL, &err);
		cr_assert_not_null(s, "%s: %s", misc[i], err.text);
		want = json_loads(text, 0, NULL);
		study_strip_volatile(want);
		got = json_loads(s->canonical, 0, NULL);
		cr_expect_not_null(got, "%s -> %s", misc[i], s->canonical);
		cr_expect(json_equal(want, got), "%s -> %s", misc[i],
		    s->canonical);
		json_decref(want);
		json_decref(got);
		study_free(s);
		free(text);
	}
}

Test(study, duplicate_keys_named)
{
	struct study_error err;
	struct study *s = load("bad/duplicate-keys.json", NULL, &err);

	cr_expect_null(s);
	cr_expect_not_null(strstr(err.text, "duplicate object key"), "%s",
	    err.text);
	s = load("bad/enrollment-overflow.json", NULL, &err);
	cr_expect_null(s);
	cr_expect_not_null(strstr(err.text, "too big integer"), "%s", err.text);
}

/* A date must be a day of the calendar: 2023 has no 29 February. */
Test(study, impossible_day)
{
	static const char text[] = "{\"protocolSection\":{"
	    "\"identificationModule\":{\"nctId\":\"NCT09000242\"},"
	    "\"statusModule\":{\"overallStatus\":\"COMPLETED\","
	    "\"completionDateStruct\":{\"date\":\"2023-02-29\","
	    "\"type\":\"ACTUAL\"}}}}";
	struct study_error err;

	cr_expect_null(study_from_text(text, sizeof(text) - 1, NULL, &err));
	cr_expect_str_eq(err.nct_id, "NCT09000242");
	cr_expect_str_eq(err.path, SM "/completionDateStruct/date");
	cr_expect_str_eq(err.text, "expected a date YYYY, YYYY-MM or "
	    "YYYY-MM-DD, got \"2023-02-29\"");
}

Test(study, edges)
{
	struct study_error err;

	cr_expect_null(study_from_text("\"NCT09000101\"", 13, "NCT09000101",
	    &err));
	cr_expect_str_eq(err.nct_id, "NCT09000101");
	cr_expect_str_eq(err.text, "expected a study object, got string");
	/* A NULL error struct is allowed. */
	cr_expect_null(study_from_text("{", 1, NULL, NULL));
	cr_expect_null(study_from_text(NULL, 0, NULL, &err));
	study_free(NULL);
}

/* Deeply nested input hits jansson's depth limit instead of the stack. */
Test(study, deep_nesting, .timeout = 20)
{
	size_t depth = 200000, i, n = 0;
	struct study_error err;
	char *text = malloc(2 * depth + 64);

	cr_assert_not_null(text);
	n += (size_t)sprintf(text, "{\"x\":");
	for (i = 0; i < depth; i++)
		text[n++] = '[';
	for (i = 0; i < depth; i++)
		text[n++] = ']';
	text[n++] = '}';
	text[n] = '\0';
	cr_expect_null(study_from_text(text, n, "NCT09000240", &err));
	cr_expect_str_eq(err.nct_id, "NCT09000240");
	cr_expect(strncmp(err.text, "malformed JSON", 14) == 0, "%s", err.text);
	free(text);
}

/* A record of many megabytes (a huge description) parses whole. */
Test(study, huge_record, .timeout = 30)
{
	static const char head[] =
	    "{\"protocolSection\":{\"identificationModule\":{\"nctId\":"
	    "\"NCT09000241\"},\"statusModule\":{\"overallStatus\":\"COMPLETED\"},"
	    "\"descriptionModule\":{\"detailedDescription\":\"";
	static const char tail[] = "\"}},\"hasResults\":false}";
	size_t body = 8u << 20, n = 0;
	struct study_error err;
	struct study *s;
	char *text = malloc(sizeof(head) + body + sizeof(tail));

	cr_assert_not_null(text);
	memcpy(text, head, sizeof(head) - 1);
	n = sizeof(head) - 1;
	memset(text + n, 'a', body);
	n += body;
	memcpy(text + n, tail, sizeof(tail));
	n += sizeof(tail) - 1;
	s = study_from_text(text, n, NULL, &err);
	cr_assert_not_null(s, "%s", err.text);
	cr_expect_gt(s->canonical_len, body);
	study_free(s);
	free(text);
}

/* ------------------------------------------------------ canonical hash */

static void
sha256_hex(const char *text, size_t len, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	cr_assert_eq(EVP_Digest(text, len, md, &n, EVP_sha256(), NULL), 1);
	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
}

/*
 * hash-a is pretty-printed; hash-b has every object's keys reversed, CRLF
 * line ends, ASCII escapes and another versionHolder and
 * modelPredictions; hash-c has neither member; hash-d has another
 * overallStatus.  What is stored is each text as it came without the
 * volatile members, hashed as it is: the same record in another layout
 * (a, b) hashes apart, and the sync's diff then finds no change to store;
 * a text that differs only in the volatile members (a, c) hashes alike.
 */
Test(study, stored_text_and_hash)
{
	static const char *files[] = {"hash-a.json", "hash-b.json",
	    "hash-c.json", "hash-d.json"};
	struct study_error err;
	struct study *s[4];
	json_t *tree[4];
	char hex[65];
	size_t i;

	for (i = 0; i < 4; i++) {
		s[i] = load(files[i], NULL, &err);
		cr_assert_not_null(s[i], "%s: %s", files[i], err.text);
		sha256_hex(s[i]->canonical, s[i]->canonical_len, hex);
		cr_expect_str_eq(s[i]->hash, hex, "%s", files[i]);
		tree[i] = json_loadb(s[i]->canonical, s[i]->canonical_len, 0,
		    NULL);
		cr_assert_not_null(tree[i], "%s: stored text is JSON",
		    files[i]);
	}
	cr_expect_str_neq(s[0]->hash, s[1]->hash);
	cr_expect(json_equal(tree[0], tree[1]), "a and b: one record");
	cr_expect(json_equal(tree[0], tree[2]), "a and c: one record");
	cr_expect_not(json_equal(tree[0], tree[3]), "d: another status");
	cr_expect_str_neq(s[0]->hash, s[3]->hash);
	for (i = 0; i < 4; i++) {
		json_decref(tree[i]);
		study_free(s[i]);
	}
}

/* The volatile members go from a tree the caller owns, nothing else. */
Test(study, strip_volatile)
{
	json_t *root = json_pack("{s:{s:{s:s,s:{s:i},s:[i]}},s:b}",
	    "derivedSection", "miscInfoModule", "versionHolder", "2024-01-01",
	    "modelPredictions", "x", 1, "removedCountries", 1, "hasResults", 0);
	json_t *misc;

	cr_assert_not_null(root);
	study_strip_volatile(root);
	misc = json_object_get(json_object_get(root, "derivedSection"),
	    "miscInfoModule");
	cr_expect_null(json_object_get(misc, "versionHolder"));
	cr_expect_null(json_object_get(misc, "modelPredictions"));
	cr_expect_not_null(json_object_get(misc, "removedCountries"));
	json_decref(root);
	study_strip_volatile(NULL);
}

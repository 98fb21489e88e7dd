/*
 * test_diff.c - diff.c over old/new fixture pairs (tests/data/diff): each
 * case-name.old.json and case-name.new.json, canonicalised as sync.c does,
 * must give exactly the lines of case-name.expected
 * ("class<TAB>path<TAB>old<TAB>new", "-" for an absent side).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "harness.h"
#include "study.h"

/* A study from tests/data/diff/<name>, canonical as sync.c makes it; new. */
static json_t *
load_canonical(const char *name)
{
	char *path = harness_fmt("%s/diff/%s", harness_data(), name);
	json_error_t jerr;
	json_t *root;

	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	cr_assert_not_null(root, "%s: %s", path, jerr.text);
	study_strip_volatile(root);
	free(path);
	return root;
}

/* The expected lines, in order; new (free each and the vector). */
static char **
load_expected(const char *name, size_t *n)
{
	char *path, line[8192];
	char **v = NULL;
	size_t len;
	FILE *f;

	path = harness_fmt("%s/diff/%s.expected", harness_data(), name);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		len = strcspn(line, "\r\n");
		line[len] = '\0';
		if (len == 0)
			continue;
		v = realloc(v, (*n + 1) * sizeof(*v));
		cr_assert_not_null(v);
		v[(*n)++] = strdup(line);
	}
	fclose(f);
	free(path);
	return v;
}

static char *
change_line(const struct change *c)
{
	char *s = NULL;

	cr_assert_geq(asprintf(&s, "%s\t%s\t%s\t%s", diff_class_name(c->cls),
	    c->path, c->old_value ? c->old_value : "-",
	    c->new_value ? c->new_value : "-"), 0);
	return s;
}

static void
check_case(const char *name)
{
	char file[256];
	json_t *old, *new;
	struct change_list out = {0};
	char **want, *got;
	size_t n, i;

	snprintf(file, sizeof(file), "%s.old.json", name);
	old = load_canonical(file);
	snprintf(file, sizeof(file), "%s.new.json", name);
	new = load_canonical(file);
	want = load_expected(name, &n);

	cr_expect_eq(diff_studies(old, new, &out), 0, "%s", name);
	for (i = 0; i < out.n || i < n; i++) {
		got = i < out.n ? change_line(&out.v[i]) : NULL;
		cr_expect(got && i < n && strcmp(got, want[i]) == 0,
		    "%s: change %zu\n  got:  %s\n  want: %s", name, i,
		    got ? got : "(none)", i < n ? want[i] : "(none)");
		free(got);
	}
	/* The diff of a version with itself is empty. */
	diff_list_finish(&out);
	cr_expect_eq(diff_studies(new, new, &out), 0);
	cr_expect_eq(out.n, 0, "%s: new vs new gave %zu changes", name, out.n);
	diff_list_finish(&out);
	cr_expect_null(out.v);

	for (i = 0; i < n; i++)
		free(want[i]);
	free(want);
	json_decref(old);
	json_decref(new);
}

Test(diff, cases)
{
	static const char *cases[] = {
		"status-change",	/* status class; lastUpdatePost is other */
		"results-posted",	/* hasResults, results dates, resultsSection */
		"results-submitted",	/* unposted annotation, submissionTracking */
		"reference-added",	/* keyed by PMID among reordered refs */
		"reordered",		/* conditions, locations, refs: nothing */
		"date-type",		/* ESTIMATED -> ACTUAL, legacy type added */
		"removed-element",	/* old index for removed, new for changed */
		"key-escaping",		/* ~0 and ~1 */
		"results-keyed",	/* title, groupId, term + organSystem */
		"misc",			/* duplicates, type change, whole module */
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(cases[i]);
}

Test(diff, first_version)
{
	struct change_list out = {0};
	json_t *new = json_pack("{s:b}", "hasResults", 1);

	cr_expect_eq(diff_studies(NULL, new, &out), 0);
	cr_expect_eq(out.n, 0);
	json_decref(new);
	diff_list_finish(&out);
}

/* Fuzz finding: equal documents into an empty list (v == NULL). */
Test(diff, equal_into_empty_list)
{
	struct change_list out = {0};
	json_t *a = json_object();

	cr_expect_eq(diff_studies(a, a, &out), 0);
	cr_expect_eq(out.n, 0);
	diff_list_finish(&out);
	json_decref(a);
}

/* Changes are appended after what the list already holds. */
Test(diff, appends)
{
	struct change_list out = {0};
	json_t *a = json_pack("{s:i,s:i}", "b", 1, "a", 1);
	json_t *b = json_pack("{s:i,s:i}", "b", 2, "a", 2);

	cr_assert_eq(diff_studies(a, b, &out), 0);
	cr_assert_eq(diff_studies(b, a, &out), 0);
	cr_assert_eq(out.n, 4);
	cr_expect_str_eq(out.v[0].path, "/a");
	cr_expect_str_eq(out.v[0].new_value, "2");
	cr_expect_str_eq(out.v[1].path, "/b");
	cr_expect_str_eq(out.v[2].path, "/a");
	cr_expect_str_eq(out.v[2].new_value, "1");
	cr_expect_str_eq(out.v[3].path, "/b");
	diff_list_finish(&out);
	json_decref(a);
	json_decref(b);
}

Test(diff, classify)
{
	static const struct {
		const char *path;
		enum change_class cls;
	} map[] = {
		{"/protocolSection/statusModule/overallStatus", CHANGE_STATUS},
		{"/protocolSection/statusModule/whyStopped", CHANGE_STATUS},
		{"/protocolSection/statusModule/statusVerifiedDate",
		    CHANGE_STATUS},
		{"/protocolSection/statusModule/lastKnownStatus", CHANGE_STATUS},
		{"/protocolSection/statusModule/overallStatusX", CHANGE_OTHER},
		{"/hasResults", CHANGE_RESULTS},
		{"/resultsSection", CHANGE_RESULTS},
		{"/resultsSection/moreInfoModule/pointOfContact/title",
		    CHANGE_RESULTS},
		{"/protocolSection/statusModule/resultsFirstPostDateStruct",
		    CHANGE_RESULTS},
		{"/protocolSection/statusModule/resultsFirstPostDateStruct/date",
		    CHANGE_RESULTS},
		{"/protocolSection/statusModule/resultsFirstSubmitDate",
		    CHANGE_RESULTS},
		{"/protocolSection/statusModule/resultsFirstSubmitQcDate",
		    CHANGE_RESULTS},
		{"/annotationSection/annotationModule/unpostedAnnotation",
		    CHANGE_RESULTS},
		{"/derivedSection/miscInfoModule/submissionTracking/"
		    "submissionInfos/0/releaseDate", CHANGE_RESULTS},
		{"/derivedSection/miscInfoModule/removedCountries/0",
		    CHANGE_OTHER},
		{"/protocolSection/referencesModule", CHANGE_REFERENCES},
		{"/protocolSection/referencesModule/references/2/pmid",
		    CHANGE_REFERENCES},
		{"/protocolSection/statusModule/startDateStruct", CHANGE_DATES},
		{"/protocolSection/statusModule/primaryCompletionDateStruct/type",
		    CHANGE_DATES},
		{"/protocolSection/statusModule/completionDateStruct/date",
		    CHANGE_DATES},
		{"/protocolSection/statusModule/lastUpdatePostDateStruct/date",
		    CHANGE_OTHER},
		{"/protocolSection/statusModule/studyFirstPostDateStruct",
		    CHANGE_OTHER},
		{"/protocolSection/conditionsModule/conditions/0", CHANGE_OTHER},
		{"", CHANGE_OTHER},
		{NULL, CHANGE_OTHER},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		cr_expect_eq(diff_classify(map[i].path), map[i].cls, "%s",
		    map[i].path ? map[i].path : "(null)");
	cr_expect_str_eq(diff_class_name(CHANGE_STATUS), "status");
	cr_expect_str_eq(diff_class_name(CHANGE_RESULTS), "results");
	cr_expect_str_eq(diff_class_name(CHANGE_REFERENCES), "references");
	cr_expect_str_eq(diff_class_name(CHANGE_DATES), "dates");
	cr_expect_str_eq(diff_class_name(CHANGE_OTHER), "other");
}

/*
 * A results-sized record (thousands of sites, hundreds of measures)
 * against itself reversed and lightly edited: only the edits come out,
 * and quickly even under the sanitizers.
 */
Test(diff, big_arrays, .timeout = 30)
{
	struct change_list out = {0};
	json_t *old = json_object(), *new = json_object();
	json_t *lo = json_array(), *ln = json_array();
	json_t *mo = json_array(), *mn = json_array();
	size_t n = 4000, m = 400, i;
	char buf[64];

	for (i = 0; i < n; i++) {
		json_t *o, *nw;

		snprintf(buf, sizeof(buf), "Site %zu", i);
		o = json_pack("{s:s,s:s,s:s}", "facility", buf, "city",
		    i % 2 ? "Oslo" : "Lima", "status", "RECRUITING");
		nw = json_deep_copy(o);
		if (i % 1000 == 7)
			json_object_set_new(nw, "status",
			    json_string("COMPLETED"));
		json_array_append_new(lo, o);
		json_array_insert_new(ln, 0, nw);
	}
	for (i = 0; i < m; i++) {
		snprintf(buf, sizeof(buf), "Measure %zu", i);
		json_array_append_new(mo, json_pack("{s:s,s:[{s:s,s:s}]}",
		    "title", buf, "measurements", "groupId", "OG000", "value",
		    "1.0"));
		json_array_insert_new(mn, 0, json_pack("{s:s,s:[{s:s,s:s}]}",
		    "title", buf, "measurements", "groupId", "OG000", "value",
		    i == 5 ? "2.0" : "1.0"));
	}
	json_object_set_new(old, "sites", lo);
	json_object_set_new(new, "sites", ln);
	json_object_set_new(old, "measures", mo);
	json_object_set_new(new, "measures", mn);

	cr_assert_eq(diff_studies(old, new, &out), 0);
	cr_assert_eq(out.n, 5, "%zu changes", out.n);
	/* measure 5 is at new index m - 1 - 5; sites reversed likewise */
	snprintf(buf, sizeof(buf), "/measures/%zu/measurements/0/value",
	    m - 1 - 5);
	cr_expect_str_eq(out.v[0].path, buf);
	cr_expect_str_eq(out.v[0].old_value, "\"1.0\"");
	cr_expect_str_eq(out.v[0].new_value, "\"2.0\"");
	for (i = 1; i < out.n; i++) {
		cr_expect_str_eq(out.v[i].old_value, "\"RECRUITING\"");
		cr_expect_str_eq(out.v[i].new_value, "\"COMPLETED\"");
	}
	/* strcmp order: 1992, 2992, 3992, 992 */
	snprintf(buf, sizeof(buf), "/sites/%zu/status", n - 1 - 2007);
	cr_expect_str_eq(out.v[1].path, buf);
	diff_list_finish(&out);
	json_decref(old);
	json_decref(new);
}

/* Near jansson's parse depth limit the walk still has stack to spare. */
Test(diff, deep_nesting, .timeout = 20)
{
	size_t depth = 2000, i, n;
	struct change_list out = {0};
	json_error_t jerr;
	json_t *a, *b;
	char *text = malloc(6 * depth + 64);

	cr_assert_not_null(text);
	for (n = 0, i = 0; i < depth; i++) {
		memcpy(text + n, "{\"k\":", 5);
		n += 5;
	}
	memcpy(text + n, "[1,2]", 5);
	n += 5;
	memset(text + n, '}', depth);
	n += depth;
	a = json_loadb(text, n, 0, &jerr);
	cr_assert_not_null(a, "%s", jerr.text);
	text[5 * depth + 1] = '3';
	b = json_loadb(text, n, 0, &jerr);
	cr_assert_not_null(b, "%s", jerr.text);
	cr_assert_eq(diff_studies(a, b, &out), 0);
	cr_expect_eq(out.n, 2, "1 removed, 3 added");
	cr_expect_eq(strlen(out.v[0].path), 2 * depth + 2);
	cr_expect_str_eq(out.v[0].old_value, "1");
	cr_expect_str_eq(out.v[1].new_value, "3");
	diff_list_finish(&out);
	json_decref(a);
	json_decref(b);
	free(text);
}

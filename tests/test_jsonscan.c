/*
 * test_jsonscan.c - the tree-less JSON scanner: answers cut into their
 * records, broken answers refused with a reason, members found by name.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"

/* Well-formed answers and the elements they must be cut into. */
Test(jsonscan, cuts_the_array_into_elements)
{
	static const struct {
		const char *in;
		size_t n;
		const char *first, *last;
	} t[] = {
		{"{\"studies\":[]}", 0, NULL, NULL},
		{"{\"studies\":[{\"a\":1}]}", 1, "{\"a\":1}", "{\"a\":1}"},
		{" {\"studies\" : [ {\"a\":1} , {\"b\":[1,2,{\"c\":\"]}\"}]} ] } \n",
		    2, "{\"a\":1}", "{\"b\":[1,2,{\"c\":\"]}\"}]}"},
		/* Other members before and after; strings with escapes. */
		{"{\"x\":{\"studies\":[9]},\"studies\":[{\"q\":\"a\\\"}\\\\\"},"
		    "true,null,-1.5e3],\"nextPageToken\":\"tok\"}", 4,
		    "{\"q\":\"a\\\"}\\\\\"}", "-1.5e3"},
		/* Escapes, surrogate pairs, numbers and literals that are fine. */
		{"{\"studies\":[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\","
		    "0,-0,10.25,1E+9,2e-3,true,false,null]}", 9,
		    "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\"", "null"},
		/* Multi-byte UTF-8 passes through untouched. */
		{"{\"studies\":[\"\xc3\xa9\xe2\x80\xa6\"]}", 1,
		    "\"\xc3\xa9\xe2\x80\xa6\"", "\"\xc3\xa9\xe2\x80\xa6\""},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct jsonscan_slice *v = NULL;
		size_t n = 99;
		const char *why = jsonscan_array(t[i].in, strlen(t[i].in),
		    "studies", &v, &n);

		cr_expect_null(why, "%s: %s", t[i].in, why);
		cr_expect_eq(n, t[i].n, "%s", t[i].in);
		if (n > 0 && n == t[i].n) {
			cr_expect_eq(v[0].len, strlen(t[i].first), "%s", t[i].in);
			cr_expect(strncmp(v[0].s, t[i].first, v[0].len) == 0,
			    "%s: %.*s", t[i].in, (int)v[0].len, v[0].s);
			cr_expect(strncmp(v[n - 1].s, t[i].last,
			    v[n - 1].len) == 0 && v[n - 1].len ==
			    strlen(t[i].last), "%s: %.*s", t[i].in,
			    (int)v[n - 1].len, v[n - 1].s);
		}
		free(v);
	}
}

/*
 * Broken answers.  What breaks the structure, jsonscan_array refuses too;
 * what only breaks a value's spelling, it leaves for the strict reading
 * of each element (jsonscan_members, jsonscan_object).
 */
Test(jsonscan, refuses_broken_answers)
{
	static const struct {
		const char *in;
		const char *why;
		bool structural;	/* jsonscan_array refuses it as well */
	} t[] = {
		{"", "empty document", true},
		{"   ", "empty document", true},
		{"[1]", "not a JSON object", true},
		{"<html>", "not a JSON object", true},
		{"{\"studies\":[{\"a\":1}", "truncated", true},
		{"{\"studies\":[{\"a\":1},", "truncated", true},
		{"{\"studies\":[{\"protocolSection\":{\"identificationModule\":"
		    "{\"nctId\":\"NCT0298", "truncated string", true},
		{"{\"studies\":[{\"a\" 1}]}", "expected ':'", true},
		/* What jansson and PostgreSQL would refuse later. */
		{"{\"studies\":[tru]}", "invalid literal", false},
		{"{\"studies\":[nul]}", "invalid literal", false},
		{"{\"studies\":[01]}", "expected ',' or a closing bracket", false},
		{"{\"studies\":[1.]}", "invalid number", false},
		{"{\"studies\":[1e]}", "invalid number", false},
		{"{\"studies\":[-]}", "invalid number", false},
		{"{\"studies\":[+1]}", "invalid number", false},
		{"{\"studies\":[.5]}", "invalid number", false},
		{"{\"studies\":[\"\\x\"]}", "invalid escape in a string", false},
		{"{\"studies\":[\"\\u12\"]}", "invalid \\u escape in a string", false},
		{"{\"studies\":[\"\\u0000\"]}", "\\u0000 in a string", false},
		{"{\"studies\":[\"\\ud800\"]}", "lone surrogate in a string", false},
		{"{\"studies\":[\"\\udc00\"]}", "lone surrogate in a string", false},
		{"{\"studies\":[\"\\ud800\\u0041\"]}", "lone surrogate in a string", false},
		{"{\"studies\":[\"\xff\"]}", "invalid UTF-8", false},
		{"{\"studies\":[\"\xc3\"]}", "invalid UTF-8", false},
		{"{\"studies\":[\"\xc0\xaf\"]}", "invalid UTF-8", false},
		{"{\"studies\":[\"\xed\xa0\x80\"]}", "invalid UTF-8", false},
		{"{\"studies\":[\"\xf4\x90\x80\x80\"]}", "invalid UTF-8", false},
		{"{\"studies\":[\"\xe2\x28\xa1\"]}", "invalid UTF-8", false},
		{"{\"studies\":[{1:2}]}", "expected a member name", true},
		{"{\"studies\":[{\"a\":1}}", "expected ',' or a closing bracket", true},
		{"{\"studies\":[{\"a\":1}]}x", "data after the document", true},
		{"{\"studies\":[{\"a\":}]}", "expected a value", true},
		{"{\"studies\":[\"a\nb\"]}", "control character in a string", false},
		{"{\"next\":1}", "the array is missing", true},
		{"{}", "the array is missing", true},
		{"{\"studies\":{}}", "not an array", true},
		{"{\"studies\":[],\"studies\":[]}", "a member named twice", true},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct jsonscan_slice *v = (void *)1;
		size_t n = 99, len = strlen(t[i].in);
		const char *why = jsonscan_array(t[i].in, len, "studies", &v, &n);
		const char *strict = jsonscan_object(t[i].in, len);

		if (t[i].structural) {
			cr_expect_not_null(why, "accepted: %s", t[i].in);
			if (why != NULL)
				cr_expect_str_eq(why, t[i].why, "%s", t[i].in);
			cr_expect_null(v);
			cr_expect_eq(n, 0);
		} else {
			cr_expect_null(why, "%s: %s", t[i].in, why);
			free(v);
		}
		/* The strict reading refuses all that are not JSON. */
		if (strcmp(t[i].why, "the array is missing") == 0 ||
		    strcmp(t[i].why, "not an array") == 0)
			cr_expect_null(strict, "%s: %s", t[i].in, strict);
		else if (strict == NULL)
			cr_expect_not_null(strict, "strictly accepted: %s",
			    t[i].in);
		else if (!t[i].structural)
			cr_expect_str_eq(strict, t[i].why, "%s", t[i].in);
	}
}

/* Nesting: deep but allowed, and too deep, without a stack overflow. */
Test(jsonscan, nesting_limit)
{
	size_t depth[] = {100, JSONSCAN_MAX_DEPTH - 2, 100000};

	for (size_t k = 0; k < 3; k++) {
		size_t d = depth[k], len = 0;
		char *s = malloc(2 * d + 32);
		struct jsonscan_slice *v = NULL;
		size_t n = 0;
		const char *why;

		cr_assert_not_null(s);
		len += (size_t)sprintf(s, "{\"studies\":[");
		memset(s + len, '[', d);
		len += d;
		memset(s + len, ']', d);
		len += d;
		len += (size_t)sprintf(s + len, "]}");
		why = jsonscan_array(s, len, "studies", &v, &n);
		if (k < 2) {
			cr_expect_null(why, "depth %zu: %s", d, why);
			cr_expect_eq(n, 1);
		} else {
			cr_expect_str_eq(why, "nested too deeply");
		}
		free(v);
		free(s);
	}
}

/* Every element jansson parses on its own as the value it was in place. */
Test(jsonscan, slices_agree_with_jansson)
{
	const char *in = "{\"studies\":[{\"protocolSection\":{\"identification"
	    "Module\":{\"nctId\":\"NCT02982915\",\"briefTitle\":\"a \\\"b\\\" "
	    "[c]\"}},\"hasResults\":false},{\"x\":[1,2,3]},\"s\",42]}";
	json_t *doc = json_loads(in, 0, NULL), *arr;
	struct jsonscan_slice *v = NULL;
	size_t n = 0;

	cr_assert_not_null(doc);
	arr = json_object_get(doc, "studies");
	cr_assert_null(jsonscan_array(in, strlen(in), "studies", &v, &n));
	cr_assert_eq(n, json_array_size(arr));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_loadb(v[i].s, v[i].len, JSON_DECODE_ANY, NULL);

		cr_expect(json_equal(e, json_array_get(arr, i)), "element %zu",
		    i);
		json_decref(e);
	}
	free(v);
	json_decref(doc);
}

Test(jsonscan, whole_object)
{
	cr_expect_null(jsonscan_object("{\"a\":[1,{\"b\":null}]}", 20));
	cr_expect_null(jsonscan_object(" {} ", 4));
	cr_expect_str_eq(jsonscan_object("{\"a\":1", 6), "truncated");
	cr_expect_str_eq(jsonscan_object("[]", 2), "not a JSON object");
	cr_expect_str_eq(jsonscan_object("{} {}", 5), "data after the document");
}

Test(jsonscan, members_of_a_record)
{
	const char *in = " {\"protocolSection\":{\"a\":[1]}, \"resultsSection\" :"
	    " {\"big\":\"x\"},\"hasResults\":true} ";
	struct jsonscan_member *m = NULL;
	const struct jsonscan_member *r;
	size_t n = 0;

	cr_assert_null(jsonscan_members(in, strlen(in), &m, &n));
	cr_assert_eq(n, 3);
	cr_expect(strncmp(m[0].name.s, "protocolSection", m[0].name.len) == 0);
	cr_expect_eq(m[0].value.len, strlen("{\"a\":[1]}"));
	r = jsonscan_find(m, n, "resultsSection");
	cr_assert_not_null(r);
	cr_expect(strncmp(r->value.s, "{\"big\":\"x\"}", r->value.len) == 0);
	cr_expect_eq(r->value.len, strlen("{\"big\":\"x\"}"));
	cr_expect(strncmp(jsonscan_find(m, n, "hasResults")->value.s, "true",
	    4) == 0);
	cr_expect_null(jsonscan_find(m, n, "derivedSection"));
	free(m);
	cr_expect_null(jsonscan_members("{}", 2, &m, &n));
	cr_expect_eq(n, 0);
	cr_expect_null(m);
}

Test(jsonscan, string_member)
{
	static const struct {
		const char *in, *want;	/* want NULL: not found */
	} t[] = {
		{"{\"identificationModule\":{\"nctId\":\"NCT02982915\"}}",
		    "NCT02982915"},
		{"{\"nctId\" :\n \"NCT05233774\"}", "NCT05233774"},
		/* Only the name itself, quoted, counts. */
		{"{\"nctIdAliases\":[\"NCT1\"],\"nctId\":\"NCT2\"}", "NCT2"},
		{"{\"xnctId\":\"NCT1\"}", NULL},
		/* Inside a string value the quotes are escaped. */
		{"{\"t\":\"\\\"nctId\\\": \\\"NCT9\\\"\"}", NULL},
		{"{\"nctId\":5}", NULL},
		{"{\"nctId\":\"NCT\\u0030\"}", NULL},
		{"{\"nctId\":\"NCT0298", NULL},
		{"{\"nctId\":\"0123456789012345\"}", NULL},	/* too long */
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[12] = "unchanged";
		bool ok = jsonscan_string_member(t[i].in, strlen(t[i].in),
		    "nctId", out, sizeof(out));

		cr_expect_eq(ok, t[i].want != NULL, "%s", t[i].in);
		if (ok && t[i].want)
			cr_expect_str_eq(out, t[i].want, "%s", t[i].in);
	}
}

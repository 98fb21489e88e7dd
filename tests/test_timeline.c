/*
 * test_timeline.c - timeline.c on hand-made versions: the entries each
 * kind of change makes, their order (newest first, like git log), the
 * class and date filters, and the text and JSON forms (registry words
 * without control characters).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeline.h"

static struct timeline_ref refs1[] = {{"39000001", "BACKGROUND"}};
static struct timeline_ref refs4[] = {{"39000001", "BACKGROUND"},
    {"39999999", "RESULT"}};
static const char *const edited3[] = {"contactsLocationsModule",
    "eligibilityModule"};

/* A registration, a status and date change, results submitted, posted. */
static struct timeline_version life[] = {
	{.version_no = 1, .date = "2016-12-06", .history = true,
	    .registry_version = 0, .overall_status = "NOT_YET_RECRUITING",
	    .primary_completion = "2019-06", .primary_completion_type =
	    "ESTIMATED", .enrollment = "40", .enrollment_type = "ESTIMATED",
	    .refs = refs1, .n_refs = 1},
	{.version_no = 2, .date = "2017-02-22", .history = true,
	    .registry_version = 1, .overall_status = "RECRUITING",
	    .primary_completion = "2019-06-30", .primary_completion_type =
	    "ACTUAL", .enrollment = "40", .enrollment_type = "ESTIMATED",
	    .refs = refs1, .n_refs = 1},
	{.version_no = 3, .date = "2026-06-01", .history = true,
	    .registry_version = 2, .overall_status = "COMPLETED",
	    .why_stopped = NULL, .results_submitted = "2026-05-20",
	    .primary_completion = "2019-06-30", .primary_completion_type =
	    "ACTUAL", .enrollment = "40", .enrollment_type = "ESTIMATED",
	    .refs = refs1, .n_refs = 1, .edited = edited3, .n_edited = 2},
	{.version_no = 4, .date = "2026-08-01", .history = false,
	    .registry_version = 3, .overall_status = "COMPLETED",
	    .has_results = true, .results_first_posted = "2026-08-01",
	    .results_changes = 40, .primary_completion = "2019-06-30",
	    .primary_completion_type = "ACTUAL", .enrollment = "43",
	    .enrollment_type = "ACTUAL", .refs = refs4, .n_refs = 2},
};
#define N_LIFE (sizeof(life) / sizeof(life[0]))

/* "version event|event|...;" newest first. */
static char *
summary(const struct timeline *t)
{
	char *out = calloc(1, 4096);
	size_t len = 0;

	for (size_t i = 0; i < t->n; i++)
		len += (size_t)snprintf(out + len, 4096 - len, "%s%d %s",
		    i == 0 ? "" : i > 0 && t->v[i - 1].version == t->v[i].version ?
		    "|" : "; ", t->v[i].version->version_no, t->v[i].event);
	return out;
}

Test(timeline, classes)
{
	unsigned set;
	const char *bad;

	cr_expect_eq(timeline_classes("status,results", &set, &bad), 0);
	cr_expect_eq(set, (1u << CHANGE_STATUS) | (1u << CHANGE_RESULTS));
	cr_expect_eq(timeline_classes("other", &set, &bad), 0);
	cr_expect_eq(set, 1u << CHANGE_OTHER);
	cr_expect_eq(timeline_classes("status,bogus", &set, &bad), -1);
	cr_expect_str_eq(bad, "bogus");
	cr_expect_eq(timeline_classes("", &set, &bad), -1);
	cr_expect_eq(timeline_classes("statuses", &set, &bad), -1);
}

Test(timeline, every_kind_of_entry_newest_first)
{
	struct timeline t;
	char *s;

	cr_assert_eq(timeline_build(life, N_LIFE, TIMELINE_ALL_CLASSES, NULL,
	    &t), 0);
	s = summary(&t);
	cr_expect_str_eq(s, "4 results-posted|4 reference-added|4 enrollment; "
	    "3 status|3 results-submitted|3 edited; "
	    "2 status|2 primary-completion; 1 registered");
	free(s);
	cr_expect_str_eq(t.v[0].text, "results posted, first posted on "
	    "2026-08-01");
	cr_expect_str_eq(t.v[1].text, "reference added: PMID 39999999 "
	    "(RESULT)");
	cr_expect_str_eq(t.v[2].text, "enrollment 40 (estimated) -> 43 "
	    "(actual)");
	cr_expect_str_eq(t.v[5].text, "edited: Contacts/Locations, "
	    "Eligibility");
	cr_expect_str_eq(t.v[7].text, "primary completion 2019-06 "
	    "(estimated) -> 2019-06-30 (actual): now actual");
	cr_expect_str_eq(t.v[7].old_value, "2019-06 (estimated)");
	cr_expect_str_eq(t.v[8].text, "registered: NOT_YET_RECRUITING, "
	    "primary completion 2019-06 (estimated)");
	timeline_finish(&t);
}

Test(timeline, class_and_date_filters)
{
	struct timeline t;
	char *s;

	cr_assert_eq(timeline_build(life, N_LIFE, 1u << CHANGE_RESULTS, NULL,
	    &t), 0);
	s = summary(&t);
	cr_expect_str_eq(s, "4 results-posted; 3 results-submitted");
	free(s);
	timeline_finish(&t);
	cr_assert_eq(timeline_build(life, N_LIFE, TIMELINE_ALL_CLASSES,
	    "2026-01-01", &t), 0);
	s = summary(&t);
	cr_expect_str_eq(s, "4 results-posted|4 reference-added|4 enrollment; "
	    "3 status|3 results-submitted|3 edited");
	free(s);
	timeline_finish(&t);
}

Test(timeline, results_returned_and_taken_down)
{
	struct timeline_version v[3] = {life[2], life[2], life[3]};
	struct timeline t;
	char *s;

	v[1].version_no = 4;
	v[1].results_submitted = NULL;
	v[2].version_no = 5;
	v[2].has_results = false;
	v[2].results_first_posted = NULL;
	v[0].has_results = true;
	cr_assert_eq(timeline_build(v, 3, 1u << CHANGE_RESULTS, NULL, &t), 0);
	s = summary(&t);
	cr_expect_str_eq(s, "4 results-removed|4 results-returned");
	free(s);
	timeline_finish(&t);
}

/* Each line of the text form, in brackets, one a row. */
static void
bracket_line(void *arg, const char *line)
{
	fprintf(arg, "[%s]\n", line);
}

/*
 * The registry's words stay as written, control characters and all, but
 * each inside its own line: the caller shows lines through log_print,
 * which makes a newline or an escape in them a '?'.
 */
Test(timeline, text_form_keeps_registry_words_inside_their_lines)
{
	struct timeline_version v[2] = {life[0], life[1]};
	struct timeline t;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	v[1].overall_status = "RECRUITING\033[2J";
	cr_assert_eq(timeline_build(v, 2, TIMELINE_ALL_CLASSES, NULL, &t), 0);
	cr_expect_eq(timeline_text("NCT02982915", "HE\nRA", v, 2, &t,
	    bracket_line, out), 0);
	fclose(out);
	cr_expect_str_eq(buf,
	    "[NCT02982915  HE\nRA]\n"
	    "[2 versions from 2016-12-06: all read from the registry's "
	    "history]\n"
	    "[]\n"
	    "[version 2  2017-02-22  history (registry version 1)]\n"
	    "[    status      status NOT_YET_RECRUITING -> "
	    "RECRUITING\033[2J]\n"
	    "[    dates       primary completion 2019-06 (estimated) -> "
	    "2019-06-30 (actual): now actual]\n"
	    "[]\n"
	    "[version 1  2016-12-06  history (registry version 0)]\n"
	    "[    status      registered: NOT_YET_RECRUITING, primary "
	    "completion 2019-06 (estimated)]\n");
	free(buf);
	timeline_finish(&t);
}

Test(timeline, json_form)
{
	struct timeline t;
	json_t *doc, *e;

	cr_assert_eq(timeline_build(life, N_LIFE, 1u << CHANGE_RESULTS, NULL,
	    &t), 0);
	doc = timeline_json("NCT02982915", "HERA", life, N_LIFE, &t);
	cr_assert_not_null(doc);
	cr_expect_eq(json_integer_value(json_object_get(doc, "versions")), 4);
	cr_expect_eq(json_integer_value(json_object_get(doc, "from_history")),
	    3);
	e = json_array_get(json_object_get(doc, "entries"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(e, "source")),
	    "live");
	cr_expect_eq(json_integer_value(json_object_get(e, "version")), 4);
	cr_expect_str_eq(json_string_value(json_object_get(e, "event")),
	    "results-posted");
	cr_expect_str_eq(json_string_value(json_object_get(e, "new")),
	    "2026-08-01");
	cr_expect(json_is_null(json_object_get(e, "old")));
	json_decref(doc);
	timeline_finish(&t);
}

/*
 * test_history.c - history.c: the internal API's URL from base_url, the
 * change list and version documents parsed and classed as the registry
 * answers them, and the client against the fake registry's history
 * endpoints (tests/registry/HISTORY.md): both forms of the change list,
 * versions a window at a time, and the faults each class stands for.
 */
#include <criterion/criterion.h>
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "fakereg.h"
#include "fetch.h"
#include "harness.h"
#include "history.h"

#define HERA "NCT02982915"

/* --------------------------------------------------------------- pure */

Test(history, url_from_base)
{
	static const struct {
		const char *base, *want;
	} cases[] = {
		{"https://clinicaltrials.gov/api/v2",
		    "https://clinicaltrials.gov/api/int"},
		{"https://clinicaltrials.gov/api/v2/",
		    "https://clinicaltrials.gov/api/int"},
		{"http://127.0.0.1:8080/api/v2", "http://127.0.0.1:8080/api/int"},
		{"https://mirror.example.org/ctgov", NULL},
		{"https://mirror.example.org/apiv2", NULL},
		{"v2", NULL},
		{"", NULL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = history_url_from_base(cases[i].base);

		if (cases[i].want == NULL)
			cr_expect_null(got, "%s -> %s", cases[i].base, got);
		else
			cr_expect(got && strcmp(got, cases[i].want) == 0,
			    "%s -> %s", cases[i].base, got ? got : "NULL");
		free(got);
	}
}

static enum history_fault
list(const char *text, struct history_list *l, char **why)
{
	return history_parse_list(text, strlen(text), HERA, l, why);
}

Test(history, change_list_both_forms)
{
	static const char *const docs[] = {
		"{\"changes\": [{\"version\": 0, \"date\": \"2016-11-30\", "
		"\"status\": \"NOT_YET_RECRUITING\", \"studyType\": "
		"\"INTERVENTIONAL\", \"moduleLabels\": [\"Study Status\", "
		"\"Conditions\"]}, {\"version\": 1, \"date\": \"2017-02-20\", "
		"\"moduleLabels\": [\"Study Status\"]}]}",
		/* As ctrdata and cthist read it: inside the current record. */
		"{\"study\": {\"protocolSection\": {}}, \"history\": "
		"{\"changes\": [{\"version\": 0, \"date\": \"2016-11-30\", "
		"\"status\": \"NOT_YET_RECRUITING\", \"moduleLabels\": "
		"[\"Study Status\", \"Conditions\"]}, {\"version\": 1, "
		"\"date\": \"2017-02-20\"}]}}",
	};

	for (size_t i = 0; i < 2; i++) {
		struct history_list l;
		char *why = NULL;

		cr_assert_eq(list(docs[i], &l, &why), HISTORY_OK, "%s", why);
		cr_expect_eq(l.n, 2);
		cr_expect_eq(l.v[1].version, 1);
		cr_expect_str_eq(l.v[0].date, "2016-11-30");
		cr_expect_str_eq(l.v[0].status, "NOT_YET_RECRUITING");
		cr_expect_eq(l.v[0].n_labels, 2);
		cr_expect_str_eq(l.v[0].labels[1], "Conditions");
		cr_expect_null(l.v[1].status);
		history_list_finish(&l);
		free(why);
	}
}

Test(history, change_list_refused)
{
	static const struct {
		const char *doc;
		enum history_fault want;
		const char *words;
	} cases[] = {
		{"<html>", HISTORY_ENDPOINT, "not JSON"},
		{"{\"versions\": []}", HISTORY_ENDPOINT, "shape"},
		{"{\"changes\": {}}", HISTORY_ENDPOINT, "shape"},
		{"{\"changes\": []}", HISTORY_TRIAL, "0 versions"},
		{"{\"changes\": [{\"version\": 1, \"date\": \"2016-11-30\"}]}",
		    HISTORY_ENDPOINT, "not 0"},
		{"{\"changes\": [{\"version\": 0, \"date\": \"2016-11-30\"}, "
		    "{\"version\": 0, \"date\": \"2016-12-30\"}]}",
		    HISTORY_ENDPOINT, "entry 1"},
		{"{\"changes\": [{\"version\": 0, \"date\": \"30.11.2016\"}]}",
		    HISTORY_ENDPOINT, "no date"},
		{"{\"changes\": [{\"version\": 0, \"date\": \"2016-13-30\"}]}",
		    HISTORY_ENDPOINT, "no date"},
		{"{\"changes\": [{\"version\": 0, \"date\": \"2016-11-30\", "
		    "\"moduleLabels\": \"Study Status\"}]}", HISTORY_ENDPOINT,
		    "moduleLabels"},
		{"{\"changes\": [\"v0\"]}", HISTORY_ENDPOINT, "not an object"},
		{"{\"changes\": [], \"changes\": []}", HISTORY_ENDPOINT,
		    "not JSON"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct history_list l;
		char *why = NULL;

		cr_expect_eq(list(cases[i].doc, &l, &why), cases[i].want, "%s",
		    cases[i].doc);
		cr_expect(why && strstr(why, cases[i].words) &&
		    strncmp(why, HERA, 11) == 0, "%s: %s", cases[i].doc, why);
		history_list_finish(&l);
		free(why);
	}
}

Test(history, version_document)
{
	static const struct {
		const char *doc;
		enum history_fault want;
	} cases[] = {
		{"{\"studyVersion\": 3, \"study\": {\"protocolSection\": "
		    "{\"identificationModule\": {\"nctId\": \"" HERA "\"}}}}",
		    HISTORY_OK},
		{"{\"studyVersion\": 4, \"study\": {\"protocolSection\": "
		    "{\"identificationModule\": {\"nctId\": \"" HERA "\"}}}}",
		    HISTORY_ENDPOINT},
		{"{\"studyVersion\": 3, \"study\": {\"protocolSection\": "
		    "{\"identificationModule\": {\"nctId\": \"NCT05233774\"}}}}",
		    HISTORY_TRIAL},
		{"{\"version\": 3, \"record\": {}}", HISTORY_ENDPOINT},
		{"{\"studyVersion\": \"3\", \"study\": {}}", HISTORY_ENDPOINT},
		{"[", HISTORY_ENDPOINT},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *study = NULL;
		char *why = NULL;

		cr_expect_eq(history_parse_version(cases[i].doc,
		    strlen(cases[i].doc), HERA, 3, &study, &why), cases[i].want,
		    "%s: %s", cases[i].doc, why);
		cr_expect((study != NULL) == (cases[i].want == HISTORY_OK));
		json_decref(study);
		free(why);
	}
}

/* ------------------------------------------------------- on the fake */

static char *regdir;
static struct fakereg *reg;
static struct event_base *base;
static struct fetch *f;
static struct history *h;

static void
setup(void)
{
	struct fetch_opts fo = {0};
	char *cmd, *url;

	regdir = harness_tmpdir();
	cmd = harness_fmt("python3 '%s/history/gen.py' '%s'", harness_data(),
	    regdir);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	reg = fakereg_start(regdir, 0);
	cr_assert_not_null(reg);
	base = event_base_new();
	fo.concurrency = 4;
	fo.timeout = 10;
	fo.retries = 0;
	/* 429 and 503 are retried for a throttle window: a short one here. */
	fo.backoff_base = 0.05;
	fo.backoff_max = 0.2;
	fo.throttle_window = 0.3;
	fo.max_body = 1 << 24;
	fo.tls_verify = true;
	f = fetch_new(base, &fo);
	cr_assert_not_null(f);
	url = history_url_from_base(fakereg_url(reg));
	cr_assert_not_null(url);
	h = history_new(f, url, 4);
	free(url);
	cr_assert_not_null(h);
}

static void
teardown(void)
{
	history_free(h);
	fetch_free(f);
	event_base_free(base);
	fakereg_stop(reg);
	harness_rmtree(regdir);
	free(regdir);
}

TestSuite(client, .init = setup, .fini = teardown, .timeout = 60);

Test(client, change_list_of_hera)
{
	struct history_list l;
	char *why = NULL;

	cr_assert_eq(history_list(h, HERA, &l, &why), HISTORY_OK, "%s", why);
	cr_expect_eq(l.n, 32);
	cr_expect_str_eq(l.v[0].date, "2016-11-30");
	cr_expect_str_eq(l.v[31].date, "2026-10-05");
	cr_expect_str_eq(l.v[13].status, "SUSPENDED");
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	cr_expect_eq(fakereg_count(reg, "/api/int/studies/" HERA "/history"),
	    1);
	history_list_finish(&l);
}

Test(client, unknown_trial_is_the_trials_fault)
{
	struct history_list l;
	char *why = NULL;

	cr_expect_eq(history_list(h, "NCT00000001", &l, &why), HISTORY_TRIAL);
	cr_expect(why && strstr(why, "HTTP 404: NCT number NCT00000001 not "
	    "found"), "%s", why);
	cr_expect_eq(fakereg_count(reg, NULL), 2, "both forms asked");
	history_list_finish(&l);
	free(why);
}

Test(client, gone_is_the_endpoints_fault)
{
	struct history_list l;
	char *why = NULL;

	fakereg_set_history_mode(reg, FAKEREG_HISTORY_GONE);
	cr_expect_eq(history_list(h, HERA, &l, &why), HISTORY_ENDPOINT);
	cr_expect(why && strstr(why, "HTTP 404 (text/html)"), "%s", why);
	history_list_finish(&l);
	free(why);
}

Test(client, record_form_when_the_list_is_gone)
{
	struct history_list l;
	char *why = NULL;

	fakereg_set_history_mode(reg, FAKEREG_HISTORY_LIST_GONE);
	cr_assert_eq(history_list(h, HERA, &l, &why), HISTORY_OK, "%s", why);
	cr_expect_eq(l.n, 32);
	history_list_finish(&l);
	/* The form that answered is asked first from then on. */
	fakereg_clear_log(reg);
	cr_assert_eq(history_list(h, HERA, &l, &why), HISTORY_OK, "%s", why);
	cr_expect_eq(fakereg_count(reg, NULL), 1);
	cr_expect_eq(fakereg_count(reg, "?history=true"), 1);
	history_list_finish(&l);
}

struct seen {
	int n;
	int stop_after;
	bool got[32];
};

static int
on_version(void *arg, int version, const json_t *study)
{
	struct seen *s = arg;

	cr_assert(version >= 0 && version < 32);
	cr_expect(!s->got[version], "version %d delivered twice", version);
	cr_expect_not_null(json_object_get(study, "protocolSection"));
	s->got[version] = true;
	return ++s->n == s->stop_after ? -1 : 0;
}

Test(client, versions_a_window_at_a_time)
{
	int want[32];
	struct seen s = {0};
	char *why = NULL;

	for (int i = 0; i < 32; i++)
		want[i] = i;
	cr_assert_eq(history_versions(h, HERA, want, 32, on_version, &s, &why),
	    HISTORY_OK, "%s", why);
	cr_expect_eq(s.n, 32);
	cr_expect_eq(fakereg_count(reg, NULL), 32);
}

Test(client, versions_stop_when_told)
{
	int want[32];
	struct seen s = {0};
	char *why = NULL;

	for (int i = 0; i < 32; i++)
		want[i] = i;
	s.stop_after = 3;
	cr_assert_eq(history_versions(h, HERA, want, 32, on_version, &s, &why),
	    HISTORY_OK, "%s", why);
	cr_expect_eq(s.n, 3);
	cr_expect_leq(fakereg_count(reg, NULL), 3 + 4, "no more than a window "
	    "after the stop");
}

Test(client, a_version_missing_is_the_trials_fault)
{
	int want[] = {31, 32};
	struct seen s = {0};
	char *why = NULL;

	cr_expect_eq(history_versions(h, HERA, want, 2, on_version, &s, &why),
	    HISTORY_TRIAL);
	cr_expect(why && strstr(why, "version 32: HTTP 404"), "%s", why);
	free(why);
}

Test(client, a_server_error_is_the_endpoints_fault)
{
	int want[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
	struct seen s = {0};
	char *why = NULL;

	harness_fault(reg, FAULT_STATUS, "/history/2", 500, 0);
	cr_expect_eq(history_versions(h, HERA, want, 10, on_version, &s, &why),
	    HISTORY_ENDPOINT);
	cr_expect(why && strstr(why, "version 2: HTTP 500"), "%s", why);
	cr_expect_lt(fakereg_count(reg, NULL), 10, "stopped asking");
	free(why);
}

/*
 * 503 is the registry busy: fetch.c retries it for its throttle window
 * (the other versions go on meanwhile), then it is the endpoint's fault.
 */
Test(client, a_503_past_the_throttle_window_is_the_endpoints_fault)
{
	int want[] = {0, 1, 2, 3};
	struct seen s = {0};
	char *why = NULL;

	harness_fault(reg, FAULT_STATUS, "/history/2", 503, 0);
	cr_expect_eq(history_versions(h, HERA, want, 4, on_version, &s, &why),
	    HISTORY_ENDPOINT);
	cr_expect(why && strstr(why, "version 2: HTTP 503"), "%s", why);
	cr_expect_gt(fakereg_count(reg, "/history/2"), 1, "retried: %s",
	    fakereg_log(reg));
	free(why);
}

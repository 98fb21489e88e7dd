/*
 * fakereg_main.c - the fake registry as a program, for benchmarks and manual
 * runs: serve a folder until SIGTERM/SIGINT, or fill a folder with synthetic
 * study records.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fakereg.h"

static void
usage(void)
{
	fprintf(stderr, "usage: fakereg [--port N] [--dir DIR] [--max-url BYTES]\n"
	    "       fakereg --generate N --dir DIR\n");
}

/* ---------------------------------------------------- synthetic data */

/* xorshift64*: deterministic per study, so a rerun writes the same files. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static unsigned
pick(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd(s) % n);
}

static const char *const conditions[] = {"Type 2 Diabetes Mellitus",
    "Breast Cancer", "Heart Failure", "Major Depressive Disorder",
    "Alzheimer Disease", "Chronic Obstructive Pulmonary Disease",
    "Rheumatoid Arthritis", "Hypertension", "Parkinson Disease", "Asthma",
    "Obesity", "Non-small Cell Lung Cancer", "Chronic Kidney Disease",
    "Osteoarthritis, Knee", "Schizophrenia", "HIV Infections", "Stroke",
    "Atrial Fibrillation", "Multiple Sclerosis", "Aging Frailty"};

static const char *const drugs[] = {"Metformin", "Semaglutide", "Placebo",
    "Atorvastatin", "Pembrolizumab", "Sertraline", "Dapagliflozin",
    "Exercise training", "Cognitive behavioral therapy", "Lomecel-B",
    "Rapamycin", "Vitamin D3", "Empagliflozin", "Tocilizumab", "Aspirin"};

static const char *const sponsors[] = {"University of Example Medical Center",
    "Northfield Pharmaceuticals", "National Institute of Examples",
    "Riverside Hospital Research Foundation", "Example Biotech Inc.",
    "Lakeside University", "Harbor Clinical Research Network"};

static const char *const cities[][3] = {{"Boston", "Massachusetts",
    "United States"}, {"Houston", "Texas", "United States"}, {"Miami",
    "Florida", "United States"}, {"Toronto", "Ontario", "Canada"},
    {"Lyon", "", "France"}, {"Heidelberg", "", "Germany"}, {"Milan", "",
    "Italy"}, {"Seoul", "", "Korea, Republic of"}, {"Melbourne", "Victoria",
    "Australia"}, {"Madrid", "", "Spain"}};

static const char *const words[] = {"participants", "randomized", "dose",
    "safety", "efficacy", "baseline", "change", "weeks", "treatment",
    "placebo", "assessment", "outcome", "adverse", "events", "visit",
    "follow-up", "primary", "secondary", "measured", "clinical", "study",
    "patients", "therapy", "response", "quality", "of", "life", "score"};

/* Overall status, weighted roughly like the registry's mix. */
static const char *
pick_status(uint64_t *s)
{
	static const struct {
		const char *status;
		unsigned weight;
	} mix[] = {{"COMPLETED", 45}, {"RECRUITING", 15}, {"UNKNOWN", 12},
	    {"ACTIVE_NOT_RECRUITING", 7}, {"TERMINATED", 7},
	    {"NOT_YET_RECRUITING", 5}, {"WITHDRAWN", 4},
	    {"ENROLLING_BY_INVITATION", 3}, {"SUSPENDED", 2}};
	unsigned r = pick(s, 100), acc = 0;

	for (size_t i = 0; i < sizeof(mix) / sizeof(mix[0]); i++) {
		acc += mix[i].weight;
		if (r < acc)
			return mix[i].status;
	}
	return "COMPLETED";
}

/* `n` words of filler text. */
static json_t *
prose(uint64_t *s, unsigned n)
{
	size_t cap = (size_t)n * 16 + 2, at = 0;
	char *buf = malloc(cap);
	json_t *j;

	if (buf == NULL)
		return json_string("");
	for (unsigned i = 0; i < n; i++) {
		const char *w = words[pick(s, sizeof(words) /
		    sizeof(words[0]))];

		at += (size_t)snprintf(buf + at, cap - at, "%s%s", i ? " " : "",
		    w);
		if (i % 14 == 13 && at + 1 < cap)
			buf[at++] = '.';
	}
	if (at + 1 < cap)
		buf[at++] = '.';
	buf[at] = '\0';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	j = json_string(buf);
	free(buf);
	return j;
}

static json_t *
date_struct(int y, int m, int d, const char *type)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	return json_pack("{s:s, s:s}", "date", buf, "type", type);
}

static json_t *
date_str(int y, int m, int d)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	return json_string(buf);
}

static bool
status_is_active(const char *st)
{
	return strcmp(st, "RECRUITING") == 0 ||
	    strcmp(st, "NOT_YET_RECRUITING") == 0 ||
	    strcmp(st, "ACTIVE_NOT_RECRUITING") == 0 ||
	    strcmp(st, "ENROLLING_BY_INVITATION") == 0;
}

/* A small, well-formed resultsSection for a completed study. */
static json_t *
results_section(uint64_t *s, unsigned enrolled)
{
	unsigned a = enrolled / 2, b = enrolled - a;
	char na[16], nb[16];

	snprintf(na, sizeof(na), "%u", a);
	snprintf(nb, sizeof(nb), "%u", b);
	return json_pack("{s:{s:[{s:s, s:s}, {s:s, s:s}], s:[{s:s, s:[{s:s, "
	    "s:[{s:s, s:s}, {s:s, s:s}]}]}]}, s:{s:[{s:s, s:s, s:s, s:s, s:s, "
	    "s:s, s:[{s:s, s:s}, {s:s, s:s}], s:[{s:[{s:[{s:s, s:s}, {s:s, "
	    "s:s}]}]}]}]}, s:{s:s, s:s, s:[{s:s, s:s, s:i, s:i, s:i, s:i}, "
	    "{s:s, s:s, s:i, s:i, s:i, s:i}]}}",
	    "participantFlowModule",
	    "groups", "id", "FG000", "title", "Intervention",
	    "id", "FG001", "title", "Control",
	    "periods", "title", "Overall Study", "milestones",
	    "type", "STARTED",
	    "achievements", "groupId", "FG000", "numSubjects", na,
	    "groupId", "FG001", "numSubjects", nb,
	    "outcomeMeasuresModule", "outcomeMeasures", "type", "PRIMARY",
	    "title", "Change from baseline in the primary score",
	    "reportingStatus", "POSTED", "paramType", "MEAN",
	    "unitOfMeasure", "score on a scale", "timeFrame", "Week 12",
	    "groups", "id", "OG000", "title", "Intervention",
	    "id", "OG001", "title", "Control",
	    "classes", "categories", "measurements", "groupId", "OG000",
	    "value", pick(s, 2) ? "-4.2" : "-1.3", "groupId", "OG001",
	    "value", "-0.9",
	    "adverseEventsModule", "frequencyThreshold", "5", "timeFrame",
	    "12 months", "eventGroups", "id", "EG000", "title", "Intervention",
	    "seriousNumAffected", (int)pick(s, 4), "seriousNumAtRisk", (int)a,
	    "otherNumAffected", (int)pick(s, a + 1), "otherNumAtRisk", (int)a,
	    "id", "EG001", "title", "Control",
	    "seriousNumAffected", (int)pick(s, 4), "seriousNumAtRisk", (int)b,
	    "otherNumAffected", (int)pick(s, b + 1), "otherNumAtRisk", (int)b);
}

/* One synthetic study with ID NCT1 + 7 digits of `n`.  New reference. */
static json_t *
synth_study(unsigned n)
{
	uint64_t s = 0x9e3779b97f4a7c15ull ^ ((uint64_t)n * 0x100000001b3ull);
	char id[16], title[256], org[32];
	const char *status, *cond, *drug, *sponsor, *now_type, *end_type;
	int y0, m0, y1, ylu, mlu, dlu;
	unsigned enrolled, nloc, nref, i;
	bool has_results;
	json_t *root, *ps, *sm, *locs, *refs;

	for (i = 0; i < 8; i++)
		rnd(&s);
	snprintf(id, sizeof(id), "NCT1%07u", n);
	snprintf(org, sizeof(org), "SYN-%07u", n);
	status = pick_status(&s);
	cond = conditions[pick(&s, sizeof(conditions) / sizeof(conditions[0]))];
	drug = drugs[pick(&s, sizeof(drugs) / sizeof(drugs[0]))];
	sponsor = sponsors[pick(&s, sizeof(sponsors) / sizeof(sponsors[0]))];
	snprintf(title, sizeof(title), "%s in Patients With %s", drug, cond);
	y0 = 2005 + (int)pick(&s, 20);
	m0 = 1 + (int)pick(&s, 12);
	y1 = y0 + 1 + (int)pick(&s, 5);
	if (status_is_active(status) && y1 < 2026)
		y1 = 2026 + (int)pick(&s, 3);
	if (strcmp(status, "NOT_YET_RECRUITING") == 0) {
		y0 = 2026;
		y1 = 2027 + (int)pick(&s, 3);
	}
	end_type = y1 >= 2026 ? "ESTIMATED" : "ACTUAL";
	now_type = strcmp(status, "NOT_YET_RECRUITING") == 0 ? "ESTIMATED" :
	    "ACTUAL";
	ylu = y1 < 2026 ? y1 + (int)pick(&s, 2026 - y1) : 2025;
	mlu = 1 + (int)pick(&s, 12);
	if (y0 == 2026) {
		ylu = 2026;
		mlu = 1 + (int)pick(&s, 4);
	}
	dlu = 1 + (int)pick(&s, 28);
	enrolled = 10 + pick(&s, 600);
	has_results = strcmp(status, "COMPLETED") == 0 && pick(&s, 10) < 3;

	sm = json_pack("{s:s, s:s, s:{s:b}, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
	    "statusVerifiedDate", "2025-06", "overallStatus", status,
	    "expandedAccessInfo", "hasExpandedAccess", 0,
	    "startDateStruct", date_struct(y0, m0, 1, now_type),
	    "primaryCompletionDateStruct", date_struct(y1, m0, 15, end_type),
	    "completionDateStruct", date_struct(y1, m0, 28, end_type),
	    "studyFirstSubmitDate", date_str(y0 - 1, 12, 2),
	    "studyFirstPostDateStruct", date_struct(y0 - 1, 12, 9, "ACTUAL"),
	    "lastUpdateSubmitDate", date_str(ylu, mlu, dlu),
	    "lastUpdatePostDateStruct", date_struct(ylu, mlu, dlu, "ACTUAL"));
	if (strcmp(status, "TERMINATED") == 0 ||
	    strcmp(status, "WITHDRAWN") == 0 ||
	    strcmp(status, "SUSPENDED") == 0)
		json_object_set_new(sm, "whyStopped", json_string(
		    "Sponsor decision; slow enrolment."));
	if (strcmp(status, "UNKNOWN") == 0)
		json_object_set_new(sm, "lastKnownStatus", json_string(
		    "RECRUITING"));
	if (has_results)
		json_object_set_new(sm, "resultsFirstPostDateStruct",
		    date_struct(ylu, mlu, dlu, "ACTUAL"));

	locs = json_array();
	nloc = 1 + pick(&s, 4) * pick(&s, 12);
	for (i = 0; i < nloc; i++) {
		const char *const *c = cities[pick(&s, sizeof(cities) /
		    sizeof(cities[0]))];

		json_array_append_new(locs, json_pack("{s:s, s:s, s:s, s:s, "
		    "s:{s:f, s:f}}", "facility", "Clinical Research Unit",
		    "city", c[0], "state", c[1], "country", c[2], "geoPoint",
		    "lat", (double)pick(&s, 9000) / 100.0, "lon",
		    (double)pick(&s, 18000) / 100.0 - 90.0));
	}
	refs = json_array();
	nref = pick(&s, 4);
	for (i = 0; i < nref; i++) {
		char pmid[16];

		snprintf(pmid, sizeof(pmid), "%u", 20000000u + pick(&s,
		    19000000u));
		json_array_append_new(refs, json_pack("{s:s, s:s, s:o}", "pmid",
		    pmid, "type", has_results && i == 0 ? "RESULT" :
		    pick(&s, 3) ? "BACKGROUND" : "DERIVED", "citation",
		    prose(&s, 20 + pick(&s, 20))));
	}

	ps = json_pack("{s:{s:s, s:{s:s}, s:{s:s, s:s}, s:s, s:o}, s:o, "
	    "s:{s:{s:s}, s:{s:s, s:s}}, s:{s:o, s:o}, s:{s:[s], s:[s, s]}, "
	    "s:{s:s, s:[s], s:{s:s, s:s, s:s}, s:{s:i, s:s}}, "
	    "s:{s:[{s:s, s:s, s:[s]}, {s:s, s:s, s:[s]}], "
	    "s:[{s:s, s:s, s:[s]}, {s:s, s:s, s:[s]}]}, "
	    "s:{s:[{s:s, s:s}], s:[{s:s, s:s}]}, "
	    "s:{s:o, s:b, s:s, s:s, s:s}, s:{s:o}, s:{s:o}}",
	    "identificationModule", "nctId", id, "orgStudyIdInfo", "id", org,
	    "organization", "fullName", sponsor, "class", "OTHER",
	    "briefTitle", title, "officialTitle", prose(&s, 12 + pick(&s, 10)),
	    "statusModule", sm,
	    "sponsorCollaboratorsModule", "responsibleParty", "type", "SPONSOR",
	    "leadSponsor", "name", sponsor, "class", "OTHER",
	    "descriptionModule", "briefSummary", prose(&s, 40 + pick(&s, 80)),
	    "detailedDescription", prose(&s, 30 + pick(&s, 4) * (100 +
	    pick(&s, 600))),
	    "conditionsModule", "conditions", cond, "keywords", drug, cond,
	    "designModule", "studyType", "INTERVENTIONAL", "phases",
	    pick(&s, 2) ? "PHASE2" : "PHASE3", "designInfo", "allocation",
	    "RANDOMIZED", "interventionModel", "PARALLEL", "primaryPurpose",
	    "TREATMENT", "enrollmentInfo", "count", (int)enrolled, "type",
	    strcmp(now_type, "ACTUAL") == 0 ? "ACTUAL" : "ESTIMATED",
	    "armsInterventionsModule", "armGroups", "label", "Intervention",
	    "type", "EXPERIMENTAL", "interventionNames", drug,
	    "label", "Control",
	    "type", "PLACEBO_COMPARATOR", "interventionNames", "Placebo",
	    "interventions", "type", "DRUG", "name", drug, "armGroupLabels",
	    "Intervention", "type", "DRUG", "name", "Placebo", "armGroupLabels",
	    "Control",
	    "outcomesModule", "primaryOutcomes", "measure",
	    "Change from baseline in the primary score", "timeFrame", "Week 12",
	    "secondaryOutcomes", "measure", "Incidence of adverse events",
	    "timeFrame", "Up to 12 months",
	    "eligibilityModule", "eligibilityCriteria", prose(&s, 60 +
	    pick(&s, 400)), "healthyVolunteers", 0, "sex", "ALL", "minimumAge",
	    "18 Years", "maximumAge", "80 Years",
	    "contactsLocationsModule", "locations", locs,
	    "referencesModule", "references", refs);
	root = json_pack("{s:o, s:{s:{s:s}, s:{s:[{s:s, s:s}]}}, s:b}",
	    "protocolSection", ps, "derivedSection", "miscInfoModule",
	    "versionHolder", "2026-05-01", "conditionBrowseModule", "meshes",
	    "id", "D000000000", "term", cond, "hasResults", has_results);
	if (root && has_results) {
		/* resultsSection sits before derivedSection, as on the wire. */
		json_t *ordered = json_object();
		json_t *ds = json_incref(json_object_get(root,
		    "derivedSection"));

		json_object_set(ordered, "protocolSection",
		    json_object_get(root, "protocolSection"));
		json_object_set_new(ordered, "resultsSection",
		    results_section(&s, enrolled));
		json_object_set_new(ordered, "derivedSection", ds);
		json_object_set_new(ordered, "hasResults", json_true());
		json_decref(root);
		root = ordered;
	}
	return root;
}

static int
generate(const char *dir, unsigned long n)
{
	char path[PATH_MAX];
	json_t *st;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "fakereg: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (unsigned long i = 1; i <= n; i++) {
		snprintf(path, sizeof(path), "%s/NCT1%07lu.json", dir, i);
		if ((st = synth_study((unsigned)i)) == NULL ||
		    json_dump_file(st, path, JSON_INDENT(2)) < 0) {
			fprintf(stderr, "fakereg: cannot write %s\n", path);
			json_decref(st);
			return 1;
		}
		json_decref(st);
	}
	return 0;
}

/* -------------------------------------------------------------- serve */

static int
serve(const char *dir, int port, size_t max_url)
{
	struct fakereg *r;
	sigset_t set;
	int sig = 0;

	/* Block the stop signals before the server thread starts, so both
	 * threads leave them to sigwait below. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if ((r = fakereg_start(dir, port)) == NULL) {
		fprintf(stderr, "fakereg: cannot listen on 127.0.0.1:%d\n",
		    port);
		return 1;
	}
	fakereg_set_max_url(r, max_url);
	printf("%s\n", fakereg_url(r));
	fflush(stdout);
	sigwait(&set, &sig);
	fakereg_stop(r);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, 'p'},
		{"dir", required_argument, NULL, 'd'},
		{"generate", required_argument, NULL, 'g'},
		{"max-url", required_argument, NULL, 'm'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL;
	unsigned long gen = 0, max_url = 0;
	bool generating = false;
	long port = 0;
	struct stat sb;
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "p:d:g:m:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			port = strtol(optarg, &end, 10);
			if (*end != '\0' || end == optarg || port < 0 ||
			    port > 65535) {
				fprintf(stderr, "fakereg: bad port %s\n",
				    optarg);
				return 2;
			}
			break;
		case 'd':
			dir = optarg;
			break;
		case 'g':
			errno = 0;
			gen = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || end == optarg ||
			    gen > 9999999) {
				fprintf(stderr, "fakereg: --generate "
				    "takes 0 to 9999999\n");
				return 2;
			}
			generating = true;
			break;
		case 'm':
			errno = 0;
			max_url = strtoul(optarg, &end, 10);
			if (errno || *end != '\0' || end == optarg ||
			    max_url > (1ul << 30)) {
				fprintf(stderr, "fakereg: --max-url takes a "
				    "byte count\n");
				return 2;
			}
			break;
		case 'h':
			usage();
			return 0;
		default:
			usage();
			return 2;
		}
	}
	if (optind != argc) {
		usage();
		return 2;
	}
	if (generating) {
		if (dir == NULL) {
			usage();
			return 2;
		}
		return generate(dir, gen);
	}
	if (dir == NULL)
		dir = ".";
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "fakereg: %s is not a folder\n", dir);
		return 2;
	}
	return serve(dir, (int)port, (size_t)max_url);
}

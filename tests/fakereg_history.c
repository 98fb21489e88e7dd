/*
 * fakereg_history.c - the fake registry's History of Changes: the paths
 * under /api/int that the registry's website, ctrdata and cthist read,
 * with each version of a trial from {dir}/history/{nctId}/N.json.
 */
#include "fakereg_int.h"

#include <ctype.h>
#include <errno.h>
#include <event2/http.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------- history (/api/int) */

/*
 * The registry's History of Changes, served the way its website, ctrdata
 * and cthist read it; tests/registry/HISTORY.md says what each behaviour
 * rests on.  A trial's versions are the study objects
 * {dir}/history/{NCT}/0.json, 1.json, ... (0 the first); a trial without
 * that folder has one version, its current record.
 */

/* The website's names of the parts a version can change, in its order. */
static const struct {
	const char *section;
	const char *module;	/* NULL: the section as a whole */
	const char *label;
} history_labels[] = {
	{"protocolSection", "identificationModule", "Study Identification"},
	{"protocolSection", "statusModule", "Study Status"},
	{"protocolSection", "sponsorCollaboratorsModule",
	    "Sponsor/Collaborators"},
	{"protocolSection", "oversightModule", "Oversight"},
	{"protocolSection", "descriptionModule", "Study Description"},
	{"protocolSection", "conditionsModule", "Conditions"},
	{"protocolSection", "designModule", "Study Design"},
	{"protocolSection", "armsInterventionsModule", "Arms and Interventions"},
	{"protocolSection", "outcomesModule", "Outcome Measures"},
	{"protocolSection", "eligibilityModule", "Eligibility"},
	{"protocolSection", "contactsLocationsModule", "Contacts/Locations"},
	{"protocolSection", "referencesModule", "References"},
	{"protocolSection", "ipdSharingStatementModule", "IPD Sharing Statement"},
	{"resultsSection", NULL, "Results"},
	{"annotationSection", NULL, "Results Submission"},
	{"documentSection", NULL, "Documents"},
};

struct hversions {
	json_t **v;		/* version i at v[i] */
	size_t n;
};

static void
hversions_free(struct hversions *h)
{
	for (size_t i = 0; i < h->n; i++)
		json_decref(h->v[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static int
hversions_push(struct hversions *h, json_t *study)
{
	json_t **v = realloc(h->v, (h->n + 1) * sizeof(*v));

	if (v == NULL) {
		json_decref(study);
		return -1;
	}
	h->v = v;
	h->v[h->n++] = study;
	return 0;
}

/*
 * The versions of `id` into *out: 0; -1 when the registry does not know
 * the trial; -2 with `err` filled when a file does not read.
 */
static int
history_load(struct fakereg *r, const char *id, struct hversions *out,
    char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *study;
	char *p;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0;; i++) {
		if (asprintf(&p, "%s/history/%s/%zu.json", r->dir, id, i) < 0)
			goto oom;
		if (access(p, F_OK) != 0) {
			free(p);
			break;
		}
		study = json_load_file(p, 0, &jerr);
		if (study == NULL) {
			snprintf(err, errlen, "%s:%d: %s", p, jerr.line,
			    jerr.text);
			free(p);
			goto fail;
		}
		free(p);
		if (hversions_push(out, study) < 0)
			goto oom;
	}
	if (out->n > 0)
		return 0;
	/* No history folder: one version, the record served as current. */
	if ((p = fakereg_study_path(r, id)) == NULL)
		goto oom;
	if (access(p, F_OK) != 0) {
		free(p);
		return -1;
	}
	if ((study = json_load_file(p, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "%s:%d: %s", p, jerr.line, jerr.text);
		free(p);
		return -2;
	}
	free(p);
	if (hversions_push(out, study) < 0)
		goto oom;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	hversions_free(out);
	return -2;
}

static const char *
status_str(json_t *study, const char *module, const char *key)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(study, "protocolSection"), module), key));
}

/* The part of a study one label names; NULL when absent. */
static json_t *
labelled_part(json_t *study, size_t k)
{
	json_t *sec = json_object_get(study, history_labels[k].section);

	return history_labels[k].module ? json_object_get(sec,
	    history_labels[k].module) : sec;
}

/* The change-list entry of version i (prev: version i - 1, or NULL). */
static json_t *
history_change(json_t *prev, json_t *cur, size_t i, bool reshaped)
{
	json_t *labels = json_array();
	const char *date = status_str(cur, "statusModule",
	    "lastUpdateSubmitDate");

	if (date == NULL)
		date = status_str(cur, "statusModule", "studyFirstSubmitDate");
	for (size_t k = 0; k < sizeof(history_labels) /
	    sizeof(history_labels[0]); k++) {
		json_t *a = prev ? labelled_part(prev, k) : NULL;
		json_t *b = labelled_part(cur, k);
		bool same = a == NULL ? b == NULL : b != NULL &&
		    json_equal(a, b);

		if (!same || (prev == NULL && b != NULL))
			json_array_append_new(labels,
			    json_string(history_labels[k].label));
	}
	if (reshaped)
		return json_pack("{s:I, s:s?, s:o}", "number", (json_int_t)i,
		    "submitted", date, "sections", labels);
	return json_pack("{s:I, s:s?, s:s?, s:s?, s:o}", "version",
	    (json_int_t)i, "date", date, "status", status_str(cur,
	    "statusModule", "overallStatus"), "studyType", status_str(cur,
	    "designModule", "studyType"), "moduleLabels", labels);
}

static json_t *
history_changes(const struct hversions *h, bool reshaped)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < h->n && arr; i++)
		json_array_append_new(arr, history_change(i ? h->v[i - 1] :
		    NULL, h->v[i], i, reshaped));
	return arr;
}


void
fakereg_route_int(struct fakereg *r, const char *path, struct evkeyvalq *q,
    struct reply *rp)
{
	static const char studies[] = INT_PREFIX "/studies/";
	enum fakereg_history_mode mode;
	struct hversions h = {0};
	const char *id0, *after, *hist;
	char id[16], err[512] = "", *end, *seg = NULL, *cur_path = NULL;
	unsigned long v;
	bool reshaped;
	json_t *cur = NULL;
	size_t idlen;

	pthread_mutex_lock(&r->mu);
	mode = r->history_mode;
	pthread_mutex_unlock(&r->mu);
	reshaped = mode == FAKEREG_HISTORY_RESHAPED;
	if (mode == FAKEREG_HISTORY_GONE ||
	    strncmp(path, studies, sizeof(studies) - 1) != 0) {
		fakereg_reply_nginx_404(rp);
		return;
	}
	id0 = path + sizeof(studies) - 1;
	idlen = strcspn(id0, "/");
	after = id0 + idlen;
	/*
	 * The ID as the API reads one (fakereg_route_study), assumed the same
	 * here.
	 */
	if ((seg = strndup(id0, idlen)) == NULL) {
		fakereg_reply_text(rp, 500, "fakereg: out of memory");
		return;
	}
	if (!fakereg_nct_canon(seg, id)) {
		free(seg);
		fakereg_reply_text(rp, 400,
		    "Parameter `nctId` has incorrect format");
		return;
	}
	free(seg);
	switch (history_load(r, id, &h, err, sizeof(err))) {
	case -1:
		fakereg_reply_textf(rp, 404, "NCT number %s not found", id);
		return;
	case -2:
		fakereg_reply_textf(rp, 500, "fakereg: %s", err);
		return;
	default:
		break;
	}
	if (*after == '\0') {
		hist = evhttp_find_header(q, "history");
		/* The current record: the served file, else the last version. */
		if ((cur_path = fakereg_study_path(r, id)) != NULL)
			cur = json_load_file(cur_path, 0, NULL);
		if (cur == NULL)
			cur = json_incref(h.v[h.n - 1]);
		if (hist && strcmp(hist, "true") == 0)
			fakereg_reply_json(rp, reshaped ?
			    json_pack("{s:o, s:o}", "record", cur, "changeLog",
			    history_changes(&h, true)) :
			    json_pack("{s:o, s:{s:o}}", "study", cur, "history",
			    "changes", history_changes(&h, false)));
		else
			fakereg_reply_json(rp, json_pack("{s:o}",
			    reshaped ? "record" : "study", cur));
	} else if (strcmp(after, "/history") == 0) {
		if (mode == FAKEREG_HISTORY_LIST_GONE)
			fakereg_reply_nginx_404(rp);
		else
			fakereg_reply_json(rp, json_pack("{s:o}",
			    reshaped ? "versions" : "changes",
			    history_changes(&h, reshaped)));
	} else if (strncmp(after, "/history/", 9) == 0 &&
	    isdigit((unsigned char)after[9])) {
		errno = 0;
		v = strtoul(after + 9, &end, 10);
		if (*end != '\0' || errno != 0)
			fakereg_reply_nginx_404(rp);
		else if (v >= h.n)
			fakereg_reply_textf(rp, 404,
			    "Version %lu of %s not found", v, id);
		else
			fakereg_reply_json(rp, json_pack("{s:I, s:O}",
			    reshaped ? "version" : "studyVersion",
			    (json_int_t)v, reshaped ? "record" : "study",
			    h.v[v]));
	} else {
		fakereg_reply_nginx_404(rp);
	}
	free(cur_path);
	hversions_free(&h);
}

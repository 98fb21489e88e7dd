/*
 * study.c - PURE: one ClinicalTrials.gov API v2 study object into a struct
 * study (the key fields, the canonical JSON and its SHA-256).  A record
 * whose known fields have the wrong shape is refused, naming the JSON path.
 */
#include "study.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonscan.h"
#include "text.h"

#define IDENT_PATH "/protocolSection/identificationModule"
#define STATUS_PATH "/protocolSection/statusModule"

/*
 * The largest enrollment taken at face value: above this a count is a typo
 * (or an overflow elsewhere), and it must still fit a 32-bit long.
 */
#define STUDY_MAX_ENROLLMENT 2147483647LL

/* A boolean is two jansson types; this stands for "either". */
#define KIND_BOOL JSON_TRUE

/* Where errors go while one record is parsed. */
struct ctx {
	struct study_error *err;
	const char *nct;	/* the record's ID once known, for err->nct_id */
};

/* One event of a results submission cycle (unposted results). */
enum sub_kind {
	SUB_SUBMIT,		/* results sent to the registry for QC */
	SUB_WITHDRAW,		/* the submission was unreleased or canceled */
	SUB_OTHER,		/* e.g. returned after QC: the cycle goes on */
};

struct sub_event {
	const char *date;	/* a valid date, or NULL when unknown */
	size_t seq;		/* position in the record, to keep ties stable */
	enum sub_kind kind;
};

__attribute__((format(printf, 3, 4))) static int
fail(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	snprintf(c->err->nct_id, sizeof(c->err->nct_id), "%s", c->nct);
	snprintf(c->err->path, sizeof(c->err->path), "%s", path);
	va_start(ap, fmt);
	vsnprintf(c->err->text, sizeof(c->err->text), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *
kind_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "object";
	case JSON_ARRAY:
		return "array";
	case JSON_STRING:
		return "string";
	case JSON_INTEGER:
		return "integer";
	case JSON_REAL:
		return "number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "boolean";
	case JSON_NULL:
		return "null";
	}
	return "unknown";
}

static const char *
want_name(json_type want)
{
	switch (want) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case KIND_BOOL:
		return "a boolean";
	default:
		return "something else";
	}
}

static bool
is_kind(const json_t *v, json_type want)
{
	if (want == KIND_BOOL)
		return json_is_boolean(v);
	return json_typeof(v) == want;
}

/*
 * obj[key] when it has the wanted type; absent (or null, which the API
 * never sends for a value it has) gives *out = NULL.  `parent` is obj's
 * JSON pointer.  Returns 0, or -1 for a wrong type.
 */
static int
member(struct ctx *c, const json_t *obj, const char *parent, const char *key,
    json_type want, const json_t **out)
{
	const json_t *v = json_object_get(obj, key);
	char path[256];

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!is_kind(v, want)) {
		snprintf(path, sizeof(path), "%s/%s", parent, key);
		return fail(c, path, "expected %s, got %s", want_name(want),
		    kind_name(v));
	}
	*out = v;
	return 0;
}

static int
dup_string(struct ctx *c, const json_t *v, char **out)
{
	if ((*out = strdup(json_string_value(v))) == NULL)
		return fail(c, "", "out of memory");
	return 0;
}

/* An optional string member into a new string (NULL when absent). */
static int
opt_string(struct ctx *c, const json_t *obj, const char *parent,
    const char *key, char **out)
{
	const json_t *v;

	if (member(c, obj, parent, key, JSON_STRING, &v) < 0)
		return -1;
	return v ? dup_string(c, v, out) : 0;
}

static int
check_date(struct ctx *c, const char *path, const json_t *v,
    struct study_date *out)
{
	const char *d = json_string_value(v);

	/* Registry dates are "YYYY", "YYYY-MM" or "YYYY-MM-DD", real days. */
	if (text_date_parse(d, NULL, NULL, NULL) == TEXT_DATE_NONE)
		return fail(c, path,
		    "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got \"%.40s\"",
		    d);
	snprintf(out->date, sizeof(out->date), "%s", d);
	return 0;
}

/* A bare date string such as statusVerifiedDate. */
static int
plain_date(struct ctx *c, const json_t *obj, const char *parent,
    const char *key, struct study_date *out)
{
	const json_t *v;
	char path[256];

	if (member(c, obj, parent, key, JSON_STRING, &v) < 0)
		return -1;
	if (v == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", parent, key);
	if (check_date(c, path, v, out) < 0)
		return -1;
	/* It carries no type, and a verification date is always a fact. */
	out->type = DATE_ACTUAL;
	return 0;
}

/* One of the *DateStruct objects: {date, type: ACTUAL|ESTIMATED}. */
static int
date_struct(struct ctx *c, const json_t *obj, const char *parent,
    const char *key, struct study_date *out)
{
	const json_t *ds, *d, *t;
	char path[256], sub[256];
	const char *type;

	if (member(c, obj, parent, key, JSON_OBJECT, &ds) < 0)
		return -1;
	if (ds == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", parent, key);
	if (member(c, ds, path, "date", JSON_STRING, &d) < 0 ||
	    member(c, ds, path, "type", JSON_STRING, &t) < 0)
		return -1;
	/* A type without a date says nothing: treat the struct as absent. */
	if (d == NULL)
		return 0;
	snprintf(sub, sizeof(sub), "%s/%s/date", parent, key);
	if (check_date(c, sub, d, out) < 0)
		return -1;
	/*
	 * Old records have dates without a type (e.g. startDateStruct of
	 * studies registered before types existed).  The registry marks
	 * anticipated dates ESTIMATED, so an unmarked one is taken as actual.
	 */
	if (t == NULL) {
		out->type = DATE_ACTUAL;
		return 0;
	}
	type = json_string_value(t);
	if (strcmp(type, "ACTUAL") == 0)
		out->type = DATE_ACTUAL;
	else if (strcmp(type, "ESTIMATED") == 0)
		out->type = DATE_ESTIMATED;
	else {
		snprintf(sub, sizeof(sub), "%s/%s/type", parent, key);
		return fail(c, sub, "expected ACTUAL or ESTIMATED, got \"%.40s\"",
		    type);
	}
	return 0;
}

/* obj[key] as an array of strings into a new vector. */
static int
string_list(struct ctx *c, const json_t *obj, const char *parent,
    const char *key, char ***list, size_t *n)
{
	const json_t *arr, *v;
	char path[256];
	size_t i;

	if (member(c, obj, parent, key, JSON_ARRAY, &arr) < 0)
		return -1;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	if ((*list = calloc(json_array_size(arr), sizeof(**list))) == NULL)
		return fail(c, "", "out of memory");
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			snprintf(path, sizeof(path), "%s/%s/%zu", parent, key, i);
			return fail(c, path, "expected a string, got %s",
			    kind_name(v));
		}
		if (dup_string(c, v, &(*list)[*n]) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/* obj[key] as an array of objects; their "name" members into a vector. */
static int
name_list(struct ctx *c, const json_t *obj, const char *parent,
    const char *key, char ***list, size_t *n)
{
	const json_t *arr, *v, *name;
	char path[256];
	size_t i;

	if (member(c, obj, parent, key, JSON_ARRAY, &arr) < 0)
		return -1;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	if ((*list = calloc(json_array_size(arr), sizeof(**list))) == NULL)
		return fail(c, "", "out of memory");
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof(path), "%s/%s/%zu", parent, key, i);
		if (!json_is_object(v))
			return fail(c, path, "expected an object, got %s",
			    kind_name(v));
		if (member(c, v, path, "name", JSON_STRING, &name) < 0)
			return -1;
		/* A nameless entry has nothing to compare with a page. */
		if (name == NULL)
			continue;
		if (dup_string(c, name, &(*list)[*n]) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static int
parse_id(struct ctx *c, const json_t *root, const char *expect_id,
    struct study *s, const json_t **protocol)
{
	const json_t *ident, *id;
	const char *v;

	if (member(c, root, "", "protocolSection", JSON_OBJECT, protocol) < 0 ||
	    member(c, *protocol, "/protocolSection", "identificationModule",
	    JSON_OBJECT, &ident) < 0 ||
	    member(c, ident, IDENT_PATH, "nctId", JSON_STRING, &id) < 0)
		return -1;
	if (id == NULL)
		return fail(c, IDENT_PATH "/nctId", "required, but missing");
	v = json_string_value(id);
	if (!text_nct_id(v))
		return fail(c, IDENT_PATH "/nctId",
		    "expected NCT and 8 digits, got \"%.40s\"", v);
	snprintf(s->nct_id, sizeof(s->nct_id), "%s", v);
	c->nct = s->nct_id;
	if (expect_id && strcmp(expect_id, s->nct_id) != 0)
		return fail(c, IDENT_PATH "/nctId", "record is %s, expected %.20s",
		    s->nct_id, expect_id);
	if (opt_string(c, ident, IDENT_PATH, "acronym", &s->acronym) < 0 ||
	    opt_string(c, ident, IDENT_PATH, "briefTitle", &s->brief_title) < 0 ||
	    opt_string(c, ident, IDENT_PATH, "officialTitle",
	    &s->official_title) < 0)
		return -1;
	return 0;
}

static int
parse_status(struct ctx *c, const json_t *protocol, struct study *s)
{
	const json_t *mod, *st;

	if (member(c, protocol, "/protocolSection", "statusModule", JSON_OBJECT,
	    &mod) < 0 ||
	    member(c, mod, STATUS_PATH, "overallStatus", JSON_STRING, &st) < 0)
		return -1;
	if (st == NULL || json_string_length(st) == 0)
		return fail(c, STATUS_PATH "/overallStatus",
		    "required, but missing");
	if (dup_string(c, st, &s->overall_status) < 0 ||
	    opt_string(c, mod, STATUS_PATH, "whyStopped", &s->why_stopped) < 0 ||
	    plain_date(c, mod, STATUS_PATH, "statusVerifiedDate",
	    &s->status_verified) < 0 ||
	    date_struct(c, mod, STATUS_PATH, "startDateStruct", &s->start) < 0 ||
	    date_struct(c, mod, STATUS_PATH, "primaryCompletionDateStruct",
	    &s->primary_completion) < 0 ||
	    date_struct(c, mod, STATUS_PATH, "completionDateStruct",
	    &s->completion) < 0 ||
	    date_struct(c, mod, STATUS_PATH, "resultsFirstPostDateStruct",
	    &s->results_first_posted) < 0 ||
	    date_struct(c, mod, STATUS_PATH, "lastUpdatePostDateStruct",
	    &s->last_update_posted) < 0)
		return -1;
	return 0;
}

static int
parse_sponsors(struct ctx *c, const json_t *protocol, struct study *s)
{
	static const char mp[] = "/protocolSection/sponsorCollaboratorsModule";
	const json_t *mod, *lead;

	if (member(c, protocol, "/protocolSection", "sponsorCollaboratorsModule",
	    JSON_OBJECT, &mod) < 0 ||
	    member(c, mod, mp, "leadSponsor", JSON_OBJECT, &lead) < 0 ||
	    opt_string(c, lead,
	    "/protocolSection/sponsorCollaboratorsModule/leadSponsor", "name",
	    &s->lead_sponsor) < 0 ||
	    name_list(c, mod, mp, "collaborators", &s->collaborators,
	    &s->n_collaborators) < 0)
		return -1;
	return 0;
}

/*
 * Every intervention's otherNames into one vector.  name_list() has checked
 * that the interventions are objects.
 */
static int
other_names(struct ctx *c, const json_t *arms, struct study *s)
{
	static const char ip[] =
	    "/protocolSection/armsInterventionsModule/interventions";
	const json_t *arr, *v, *names, *name;
	char path[256];
	size_t i, k, total = 0;

	arr = json_object_get(arms, "interventions");
	json_array_foreach(arr, i, v) {
		snprintf(path, sizeof(path), "%s/%zu", ip, i);
		if (member(c, v, path, "otherNames", JSON_ARRAY, &names) < 0)
			return -1;
		total += json_array_size(names);
	}
	if (total == 0)
		return 0;
	if ((s->other_names = calloc(total, sizeof(*s->other_names))) == NULL)
		return fail(c, "", "out of memory");
	json_array_foreach(arr, i, v) {
		names = json_object_get(v, "otherNames");
		json_array_foreach(names, k, name) {
			if (!json_is_string(name)) {
				snprintf(path, sizeof(path), "%s/%zu/otherNames/%zu",
				    ip, i, k);
				return fail(c, path, "expected a string, got %s",
				    kind_name(name));
			}
			if (dup_string(c, name, &s->other_names[
			    s->n_other_names]) < 0)
				return -1;
			s->n_other_names++;
		}
	}
	return 0;
}

static int
parse_lists(struct ctx *c, const json_t *protocol, struct study *s)
{
	const json_t *cond, *arms;

	if (member(c, protocol, "/protocolSection", "conditionsModule",
	    JSON_OBJECT, &cond) < 0 ||
	    string_list(c, cond, "/protocolSection/conditionsModule",
	    "conditions", &s->conditions, &s->n_conditions) < 0 ||
	    string_list(c, cond, "/protocolSection/conditionsModule",
	    "keywords", &s->keywords, &s->n_keywords) < 0 ||
	    member(c, protocol, "/protocolSection", "armsInterventionsModule",
	    JSON_OBJECT, &arms) < 0 ||
	    name_list(c, arms, "/protocolSection/armsInterventionsModule",
	    "interventions", &s->interventions, &s->n_interventions) < 0 ||
	    other_names(c, arms, s) < 0)
		return -1;
	return 0;
}

/*
 * The MeSH terms the registry derived (derivedSection.<module>.meshes[].term).
 * The derived section is the registry's own and thinly documented: entries
 * of another shape are skipped rather than refusing the record.
 */
static int
mesh_terms(struct ctx *c, const json_t *root, const char *module,
    char ***list, size_t *n)
{
	const json_t *arr, *v, *term;
	size_t i;

	arr = json_object_get(json_object_get(json_object_get(root,
	    "derivedSection"), module), "meshes");
	if (json_array_size(arr) == 0)
		return 0;
	if ((*list = calloc(json_array_size(arr), sizeof(**list))) == NULL)
		return fail(c, "", "out of memory");
	json_array_foreach(arr, i, v) {
		term = json_object_get(v, "term");
		if (!json_is_string(term) || json_string_length(term) == 0)
			continue;
		if (dup_string(c, term, &(*list)[*n]) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

static int
parse_design(struct ctx *c, const json_t *protocol, struct study *s)
{
	static const char mp[] = "/protocolSection/designModule";
	static const char ep[] = "/protocolSection/designModule/enrollmentInfo";
	const json_t *mod, *info, *count;
	json_int_t n;

	if (member(c, protocol, "/protocolSection", "designModule", JSON_OBJECT,
	    &mod) < 0 ||
	    string_list(c, mod, mp, "phases", &s->phases, &s->n_phases) < 0 ||
	    member(c, mod, mp, "enrollmentInfo", JSON_OBJECT, &info) < 0 ||
	    member(c, info, ep, "count", JSON_INTEGER, &count) < 0)
		return -1;
	if (count == NULL)
		return 0;
	n = json_integer_value(count);
	if (n < 0 || n > STUDY_MAX_ENROLLMENT)
		return fail(c, "/protocolSection/designModule/enrollmentInfo/count",
		    "expected a count from 0 to %lld, got %lld",
		    STUDY_MAX_ENROLLMENT, (long long)n);
	s->enrollment = (long)n;
	return 0;
}

static enum ref_type
ref_type(const json_t *t)
{
	const char *v = json_string_value(t);

	if (v == NULL)
		return REF_OTHER;
	if (strcmp(v, "BACKGROUND") == 0)
		return REF_BACKGROUND;
	if (strcmp(v, "RESULT") == 0)
		return REF_RESULT;
	if (strcmp(v, "DERIVED") == 0)
		return REF_DERIVED;
	return REF_OTHER;
}

static int
parse_references(struct ctx *c, const json_t *protocol, struct study *s)
{
	static const char mp[] = "/protocolSection/referencesModule";
	const json_t *mod, *arr, *v, *pmid, *type, *cit;
	char path[256];
	size_t i;

	if (member(c, protocol, "/protocolSection", "referencesModule",
	    JSON_OBJECT, &mod) < 0 ||
	    member(c, mod, mp, "references", JSON_ARRAY, &arr) < 0)
		return -1;
	if (arr == NULL || json_array_size(arr) == 0)
		return 0;
	if ((s->refs = calloc(json_array_size(arr), sizeof(*s->refs))) == NULL)
		return fail(c, "", "out of memory");
	json_array_foreach(arr, i, v) {
		struct study_ref *r = &s->refs[s->n_refs];

		snprintf(path, sizeof(path), "%s/references/%zu", mp, i);
		if (!json_is_object(v))
			return fail(c, path, "expected an object, got %s",
			    kind_name(v));
		if (member(c, v, path, "pmid", JSON_STRING, &pmid) < 0 ||
		    member(c, v, path, "type", JSON_STRING, &type) < 0 ||
		    member(c, v, path, "citation", JSON_STRING, &cit) < 0)
			return -1;
		/* Count it first so study_free() sees what is allocated. */
		s->n_refs++;
		r->type = ref_type(type);
		if (pmid && json_string_length(pmid) > 0 &&
		    dup_string(c, pmid, &r->pmid) < 0)
			return -1;
		if (cit && dup_string(c, cit, &r->citation) < 0)
			return -1;
	}
	return 0;
}

static int
sub_event_cmp(const void *a, const void *b)
{
	const struct sub_event *x = a, *y = b;
	int r = strcmp(x->date, y->date);

	if (r != 0)
		return r;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A date string from a lenient source: valid, or NULL. */
static const char *
lenient_date(const json_t *obj, const char *key)
{
	const char *d = json_string_value(json_object_get(obj, key));

	return text_date_parse(d, NULL, NULL, NULL) != TEXT_DATE_NONE ? d :
	    NULL;
}

/*
 * The first submission of the current cycle: events in time order, a
 * withdrawal (unreleased, canceled) closes the cycle; a return after QC
 * does not (the sponsor answers and the same results stay submitted).
 * Events are sorted by date when all have one, else kept in record order.
 */
static const char *
current_submission(struct sub_event *ev, size_t n)
{
	const char *first = NULL;
	bool dated = true;
	size_t i;

	for (i = 0; i < n; i++)
		if (ev[i].date == NULL)
			dated = false;
	if (dated && n > 1)
		qsort(ev, n, sizeof(*ev), sub_event_cmp);
	for (i = 0; i < n; i++) {
		if (ev[i].kind == SUB_WITHDRAW)
			first = NULL;
		else if (ev[i].kind == SUB_SUBMIT && ev[i].date &&
		    (first == NULL || strcmp(ev[i].date, first) < 0))
			first = ev[i].date;
	}
	return first;
}

static size_t
unposted_events(const json_t *root, struct sub_event *ev)
{
	const json_t *arr, *e;
	const char *type;
	size_t i, n = 0;

	arr = json_object_get(json_object_get(json_object_get(json_object_get(
	    root, "annotationSection"), "annotationModule"),
	    "unpostedAnnotation"), "unpostedEvents");
	json_array_foreach(arr, i, e) {
		if ((type = json_string_value(json_object_get(e, "type"))) == NULL)
			continue;
		ev[n].date = lenient_date(e, "date");
		ev[n].seq = i;
		if (strcmp(type, "RELEASE") == 0)
			ev[n].kind = SUB_SUBMIT;
		else if (strcmp(type, "UNRELEASE") == 0 ||
		    strncmp(type, "CANCEL", 6) == 0)
			ev[n].kind = SUB_WITHDRAW;
		else
			ev[n].kind = SUB_OTHER;
		n++;
	}
	return n;
}

/* submissionInfos[]: one entry per release, with its unrelease if any. */
static size_t
submission_infos(const json_t *infos, struct sub_event *ev)
{
	const json_t *e;
	const char *rel, *unrel;
	size_t i, n = 0;

	json_array_foreach(infos, i, e) {
		if ((rel = lenient_date(e, "releaseDate")) == NULL)
			continue;
		ev[n++] = (struct sub_event){rel, 2 * i, SUB_SUBMIT};
		unrel = lenient_date(e, "unreleaseDate");
		if (unrel || json_is_true(json_object_get(e,
		    "unreleaseDateUnknown")))
			ev[n++] = (struct sub_event){unrel ? unrel : rel,
			    2 * i + 1, SUB_WITHDRAW};
	}
	return n;
}

/*
 * Results submitted but not posted.  The annotation's typed events are the
 * best source; submissionTracking is the fallback.  Both are thinly
 * documented, so entries of an unexpected shape are skipped rather than
 * refusing the whole record over them.
 */
static int
parse_submitted(struct ctx *c, const json_t *root, struct study *s)
{
	const json_t *track, *arr;
	struct sub_event *ev = NULL;
	const char *first = NULL;
	size_t n, cap;
	int rc = -1;

	if (s->has_results)
		return 0;
	track = json_object_get(json_object_get(json_object_get(root,
	    "derivedSection"), "miscInfoModule"), "submissionTracking");
	arr = json_object_get(track, "submissionInfos");
	cap = json_array_size(json_object_get(json_object_get(json_object_get(
	    json_object_get(root, "annotationSection"), "annotationModule"),
	    "unpostedAnnotation"), "unpostedEvents"));
	if (2 * json_array_size(arr) > cap)
		cap = 2 * json_array_size(arr);
	if (cap > 0 && (ev = calloc(cap, sizeof(*ev))) == NULL) {
		fail(c, "", "out of memory");
		goto out;
	}
	if ((n = unposted_events(root, ev)) > 0)
		first = current_submission(ev, n);
	else if ((n = submission_infos(arr, ev)) > 0)
		first = current_submission(ev, n);
	else
		first = lenient_date(track, "estimatedResultsFirstSubmitDate");
	if (first)
		snprintf(s->results_submitted, sizeof(s->results_submitted),
		    "%s", first);
	rc = 0;
out:
	free(ev);
	return rc;
}

/* The members that move daily (study_strip_volatile says why). */
static const char *const volatile_keys[] = {"versionHolder",
    "modelPredictions"};

static json_t *
misc_module(const json_t *root)
{
	json_t *misc = json_object_get(json_object_get(root, "derivedSection"),
	    "miscInfoModule");

	return json_is_object(misc) ? misc : NULL;
}

/* SHA-256 of the byte ranges [from[i], to[i]) of text, as hex into s->hash. */
static int
set_hash(struct ctx *c, const char *text, const size_t *from,
    const size_t *to, size_t n, struct study *s)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	EVP_MD_CTX *md_ctx = EVP_MD_CTX_new();
	int ok = md_ctx != NULL && EVP_DigestInit_ex(md_ctx, EVP_sha256(),
	    NULL) == 1;

	for (size_t k = 0; ok && k < n; k++)
		ok = EVP_DigestUpdate(md_ctx, text + from[k], to[k] - from[k]) ==
		    1;
	ok = ok && EVP_DigestFinal_ex(md_ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(md_ctx);
	if (!ok)
		return fail(c, "", "SHA-256 failed");
	for (i = 0; i < mdlen; i++) {
		s->hash[2 * i] = hex[md[i] >> 4];
		s->hash[2 * i + 1] = hex[md[i] & 15];
	}
	s->hash[64] = '\0';
	return 0;
}

/* Every key field of a study object into a new struct study, or NULL. */
static struct study *
parse_fields(struct ctx *c, const json_t *root, const char *expect_id)
{
	struct study *s = NULL, *ret = NULL;
	const json_t *protocol = NULL, *v;

	if (root == NULL || !json_is_object(root)) {
		fail(c, "", "expected a study object, got %s",
		    root ? kind_name(root) : "nothing");
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		fail(c, "", "out of memory");
		goto out;
	}
	s->enrollment = -1;
	if (parse_id(c, root, expect_id, s, &protocol) < 0 ||
	    parse_status(c, protocol, s) < 0 ||
	    parse_sponsors(c, protocol, s) < 0 ||
	    parse_lists(c, protocol, s) < 0 ||
	    parse_design(c, protocol, s) < 0 ||
	    parse_references(c, protocol, s) < 0)
		goto out;
	if (member(c, root, "", "hasResults", KIND_BOOL, &v) < 0)
		goto out;
	s->has_results = v && json_is_true(v);
	if (member(c, root, "", "resultsSection", JSON_OBJECT, &v) < 0)
		goto out;
	s->has_results_section = v != NULL;
	if (mesh_terms(c, root, "conditionBrowseModule", &s->condition_meshes,
	    &s->n_condition_meshes) < 0 ||
	    mesh_terms(c, root, "interventionBrowseModule",
	    &s->intervention_meshes, &s->n_intervention_meshes) < 0 ||
	    parse_submitted(c, root, s) < 0)
		goto out;
	ret = s;
	s = NULL;
out:
	study_free(s);
	return ret;
}

static void
ctx_init(struct ctx *c, struct study_error **err, struct study_error *dummy,
    const char *expect_id)
{
	if (*err == NULL)
		*err = dummy;
	memset(*err, 0, sizeof(**err));
	c->err = *err;
	c->nct = expect_id ? expect_id : "";
}

static bool
is_volatile(const struct jsonscan_member *m)
{
	return jsonscan_find(m, 1, volatile_keys[0]) != NULL ||
	    jsonscan_find(m, 1, volatile_keys[1]) != NULL;
}

/*
 * Where the volatile members lie in a record's text, as byte ranges to
 * cut so that the rest is still JSON: [cut_from[i], cut_to[i]), in text
 * order, merged.  A member goes with the comma after it when a member
 * that stays follows it, else with the comma before it.  Returns how
 * many ranges (0 to 2).
 */
static size_t
volatile_ranges(const char *text, const struct jsonscan_member *top,
    size_t n_top, size_t cut_from[2], size_t cut_to[2])
{
	const struct jsonscan_member *d, *misc;
	struct jsonscan_member *dm = NULL, *mm = NULL;
	size_t n_dm = 0, n_mm = 0, k = 0, i, kept_before = SIZE_MAX;
	size_t first_cut = SIZE_MAX, last_kept = SIZE_MAX;

#define START(m) ((size_t)((m)->name.s - 1 - text))
#define END(m) ((size_t)((m)->value.s + (m)->value.len - text))
	if ((d = jsonscan_find(top, n_top, "derivedSection")) == NULL ||
	    jsonscan_members(d->value.s, d->value.len, &dm, &n_dm) != NULL ||
	    (misc = jsonscan_find(dm, n_dm, "miscInfoModule")) == NULL ||
	    jsonscan_members(misc->value.s, misc->value.len, &mm, &n_mm) !=
	    NULL)
		goto out;
	for (i = 0; i < n_mm; i++)
		if (!is_volatile(&mm[i]))
			last_kept = i;
	for (i = 0; i < n_mm; i++) {
		size_t from, to;

		if (!is_volatile(&mm[i])) {
			kept_before = i;
			continue;
		}
		if (first_cut == SIZE_MAX)
			first_cut = i;
		if (last_kept != SIZE_MAX && last_kept > i) {
			from = START(&mm[i]);
			to = START(&mm[i + 1]);
		} else if (kept_before != SIZE_MAX) {
			from = END(&mm[kept_before]);
			to = END(&mm[i]);
		} else {
			/* Nothing stays: everything from the first cut. */
			from = START(&mm[first_cut]);
			to = END(&mm[i]);
		}
		/* Merge with the range before when they touch or overlap. */
		if (k > 0 && from <= cut_to[k - 1]) {
			if (from < cut_from[k - 1])
				cut_from[k - 1] = from;
			if (to > cut_to[k - 1])
				cut_to[k - 1] = to;
		} else if (k < 2) {
			cut_from[k] = from;
			cut_to[k] = to;
			k++;
		}
	}
#undef START
#undef END
out:
	free(mm);
	free(dm);
	return k;
}

struct study *
study_from_text(const char *text, size_t len, const char *expect_id,
    struct study_error *err)
{
	struct study_error dummy;
	struct jsonscan_member *top = NULL;
	struct study *s = NULL, *ret = NULL;
	json_t *root = NULL;
	const char *why;
	size_t n_top = 0, i;
	size_t from[3], to[3], skip_from[2], skip_to[2], n_skip, n_seg = 0;
	struct ctx c;

	ctx_init(&c, &err, &dummy, expect_id);
	if (text == NULL)
		text = "";
	if ((why = jsonscan_members(text, len, &top, &n_top)) != NULL) {
		json_t *any = json_loadb(text, len, JSON_DECODE_ANY, NULL);

		/* Valid JSON, but not an object: say what it is instead. */
		if (any != NULL && !json_is_object(any))
			fail(&c, "", "expected a study object, got %s",
			    kind_name(any));
		else
			fail(&c, "", "malformed JSON (%s)", why);
		json_decref(any);
		goto out;
	}
	/*
	 * A tree of every member but resultsSection, which is stored and
	 * never read: an empty object stands in for it, so its presence and
	 * type still count.
	 */
	if ((root = json_object()) == NULL) {
		fail(&c, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n_top; i++) {
		const struct jsonscan_member *m = &top[i];
		char path[64];
		json_error_t jerr;
		json_t *v;

		if (jsonscan_find(m, 1, "resultsSection") && m->value.s[0] == '{')
			v = json_object();
		else if ((v = json_loadb(m->value.s, m->value.len,
		    JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
			snprintf(path, sizeof(path), "/%.*s",
			    (int)(m->name.len < 60 ? m->name.len : 60), m->name.s);
			fail(&c, path, "%s", jerr.text);
			goto out;
		}
		if (v == NULL || json_object_setn_new(root, m->name.s, m->name.len,
		    v) < 0) {
			fail(&c, "", "out of memory");
			goto out;
		}
	}
	if ((s = parse_fields(&c, root, expect_id)) == NULL)
		goto out;
	/*
	 * What is stored (and hashed) is the registry's text with the
	 * members that move daily cut out: a byte copy, no re-dump.
	 */
	n_skip = volatile_ranges(text, top, n_top, skip_from, skip_to);
	from[0] = 0;
	for (i = 0; i < n_skip; i++) {
		to[n_seg] = skip_from[i];
		from[++n_seg] = skip_to[i];
	}
	to[n_seg++] = len;
	if ((s->canonical = malloc(len + 1)) == NULL) {
		fail(&c, "", "out of memory");
		goto out;
	}
	for (i = 0; i < n_seg; i++) {
		memcpy(s->canonical + s->canonical_len, text + from[i],
		    to[i] - from[i]);
		s->canonical_len += to[i] - from[i];
	}
	s->canonical[s->canonical_len] = '\0';
	from[0] = 0;
	if (set_hash(&c, s->canonical, from, &s->canonical_len, 1, s) < 0)
		goto out;
	ret = s;
	s = NULL;
out:
	study_free(s);
	json_decref(root);
	free(top);
	return ret;
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
study_free(struct study *s)
{
	size_t i;

	if (s == NULL)
		return;
	free(s->acronym);
	free(s->brief_title);
	free(s->official_title);
	free(s->overall_status);
	free(s->why_stopped);
	free(s->lead_sponsor);
	for (i = 0; i < s->n_refs; i++) {
		free(s->refs[i].pmid);
		free(s->refs[i].citation);
	}
	free(s->refs);
	free_list(s->conditions, s->n_conditions);
	free_list(s->interventions, s->n_interventions);
	free_list(s->other_names, s->n_other_names);
	free_list(s->keywords, s->n_keywords);
	free_list(s->condition_meshes, s->n_condition_meshes);
	free_list(s->intervention_meshes, s->n_intervention_meshes);
	free_list(s->collaborators, s->n_collaborators);
	free_list(s->phases, s->n_phases);
	free(s->canonical);
	free(s);
}

void
study_strip_volatile(json_t *root)
{
	json_t *misc = misc_module(root);

	/*
	 * versionHolder is the date of the registry's daily build and
	 * modelPredictions is undocumented: both change without the study
	 * changing, so they must not reach the hash or the diff.
	 */
	for (size_t i = 0; misc && i < 2; i++)
		json_object_del(misc, volatile_keys[i]);
}

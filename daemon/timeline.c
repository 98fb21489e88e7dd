/*
 * timeline.c - PURE: a trial's versions into the dated entries of its
 * life (status, dates, results, references, other edits), newest first,
 * and their text and JSON forms.  No I/O.
 */
#include "timeline.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "text.h"

/* Module keys in the website's words, for "edited: ..." entries. */
static const struct {
	const char *key;
	const char *words;
} modules[] = {
	{"identificationModule", "Study Identification"},
	{"statusModule", "Study Status"},
	{"sponsorCollaboratorsModule", "Sponsor/Collaborators"},
	{"oversightModule", "Oversight"},
	{"descriptionModule", "Study Description"},
	{"conditionsModule", "Conditions"},
	{"designModule", "Study Design"},
	{"armsInterventionsModule", "Arms and Interventions"},
	{"outcomesModule", "Outcome Measures"},
	{"eligibilityModule", "Eligibility"},
	{"contactsLocationsModule", "Contacts/Locations"},
	{"referencesModule", "References"},
	{"ipdSharingStatementModule", "IPD Sharing Statement"},
	{"largeDocumentModule", "Documents"},
	{"miscInfoModule", "Registry data"},
	{"conditionBrowseModule", "Condition terms"},
	{"interventionBrowseModule", "Intervention terms"},
};

static bool
same(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* "2019-06 (estimated)", "2021-06-30 (actual)", "none". */
static void
date_words(char *buf, size_t len, const char *date, const char *type)
{
	if (date == NULL)
		snprintf(buf, len, "none");
	else if (type == NULL)
		snprintf(buf, len, "%.10s", date);
	else
		snprintf(buf, len, "%.10s (%s)", date, strcmp(type, "ACTUAL") ==
		    0 ? "actual" : strcmp(type, "ESTIMATED") == 0 ? "estimated" :
		    "of an unknown type");
}

int
timeline_classes(const char *list, unsigned *set, const char **bad)
{
	const char *p = list;

	*set = 0;
	*bad = NULL;
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned bit = 0;

		for (int c = CHANGE_STATUS; c <= CHANGE_OTHER; c++) {
			const char *name = diff_class_name((enum change_class)c);

			if (n == strlen(name) && strncmp(p, name, n) == 0)
				bit = 1u << c;
		}
		if (bit == 0) {
			*bad = p;
			return -1;
		}
		*set |= bit;
		p += n;
		if (*p == ',')
			p++;
	}
	if (*set == 0) {
		*bad = list;
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ entries */

struct build {
	struct timeline *out;
	unsigned classes;
	bool failed;
};

static void add(struct build *b, const struct timeline_version *v,
    enum change_class cls, const char *event, const char *old_value,
    const char *new_value, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void
add(struct build *b, const struct timeline_version *v, enum change_class cls,
    const char *event, const char *old_value, const char *new_value,
    const char *fmt, ...)
{
	struct timeline_entry *e;
	va_list ap;

	if (b->failed || !(b->classes & (1u << cls)))
		return;
	if ((e = text_grow_from(b->out->v, &b->out->cap, b->out->n,
	    sizeof(*e), 32)) == NULL)
		goto oom;
	b->out->v = e;
	e = &b->out->v[b->out->n];
	memset(e, 0, sizeof(*e));
	e->version = v;
	e->cls = cls;
	e->event = event;
	va_start(ap, fmt);
	if (vasprintf(&e->text, fmt, ap) < 0)
		e->text = NULL;
	va_end(ap);
	if (e->text == NULL ||
	    (old_value && (e->old_value = strdup(old_value)) == NULL) ||
	    (new_value && (e->new_value = strdup(new_value)) == NULL)) {
		free(e->text);
		free(e->old_value);
		goto oom;
	}
	b->out->n++;
	return;
oom:
	b->failed = true;
}

static void
first_version(struct build *b, const struct timeline_version *v)
{
	char pc[40];

	date_words(pc, sizeof(pc), v->primary_completion,
	    v->primary_completion_type);
	add(b, v, CHANGE_STATUS, v->history && v->registry_version == 0 ?
	    "registered" : "first-version", NULL, v->overall_status,
	    "%s: %.40s, primary completion %s%s%s", v->history &&
	    v->registry_version == 0 ? "registered" : v->history ?
	    "first version in the registry's history" : "first version seen",
	    v->overall_status ? v->overall_status : "no status", pc,
	    v->has_results ? ", results posted" : "",
	    v->results_submitted ? ", results submitted" : "");
}

static void
dates(struct build *b, const struct timeline_version *p,
    const struct timeline_version *v, const char *what, const char *event,
    const char *pd, const char *pt, const char *vd, const char *vt)
{
	char was[40], now[40];

	if (same(pd, vd) && same(pt, vt))
		return;
	date_words(was, sizeof(was), pd, pt);
	date_words(now, sizeof(now), vd, vt);
	add(b, v, CHANGE_DATES, event, was, now, "%s %s -> %s%s", what, was,
	    now, pt && vt && strcmp(pt, "ESTIMATED") == 0 &&
	    strcmp(vt, "ACTUAL") == 0 ? ": now actual" : "");
}

static void
results(struct build *b, const struct timeline_version *p,
    const struct timeline_version *v)
{
	if (!p->has_results && v->has_results)
		add(b, v, CHANGE_RESULTS, "results-posted", NULL,
		    v->results_first_posted, "results posted%s%.10s",
		    v->results_first_posted ? ", first posted on " : "",
		    v->results_first_posted ? v->results_first_posted : "");
	else if (p->has_results && !v->has_results)
		add(b, v, CHANGE_RESULTS, "results-removed", NULL, NULL,
		    "results no longer posted");
	else if (v->has_results && v->results_changes > 0)
		add(b, v, CHANGE_RESULTS, "results-updated", NULL, NULL,
		    "results updated (%u field%s)", v->results_changes,
		    v->results_changes == 1 ? "" : "s");
	if (v->results_submitted && !same(p->results_submitted,
	    v->results_submitted) && !v->has_results)
		add(b, v, CHANGE_RESULTS, "results-submitted",
		    p->results_submitted, v->results_submitted,
		    "results submitted on %.10s, not posted yet (quality-control "
		    "review)", v->results_submitted);
	else if (p->results_submitted && !v->results_submitted &&
	    !v->has_results)
		add(b, v, CHANGE_RESULTS, "results-returned",
		    p->results_submitted, NULL, "results submitted on %.10s no "
		    "longer pending (returned or withdrawn)",
		    p->results_submitted);
}

static const struct timeline_ref *
find_ref(const struct timeline_version *v, const char *pmid)
{
	for (size_t i = 0; i < v->n_refs; i++)
		if (strcmp(v->refs[i].pmid, pmid) == 0)
			return &v->refs[i];
	return NULL;
}

static void
references(struct build *b, const struct timeline_version *p,
    const struct timeline_version *v)
{
	const struct timeline_ref *r, *o;

	for (size_t i = 0; i < v->n_refs; i++) {
		r = &v->refs[i];
		if ((o = find_ref(p, r->pmid)) == NULL)
			add(b, v, CHANGE_REFERENCES, "reference-added", NULL,
			    r->pmid, "reference added: PMID %.32s (%.32s)",
			    r->pmid, r->type ? r->type : "no type");
		else if (!same(o->type, r->type))
			add(b, v, CHANGE_REFERENCES, "reference-type", o->type,
			    r->type, "reference PMID %.32s: %.32s -> %.32s",
			    r->pmid, o->type ? o->type : "no type",
			    r->type ? r->type : "no type");
	}
	for (size_t i = 0; i < p->n_refs; i++)
		if (find_ref(v, p->refs[i].pmid) == NULL)
			add(b, v, CHANGE_REFERENCES, "reference-removed",
			    p->refs[i].pmid, NULL, "reference removed: PMID "
			    "%.32s", p->refs[i].pmid);
}

static const char *
module_words(const char *key)
{
	for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
		if (strcmp(modules[i].key, key) == 0)
			return modules[i].words;
	return key;
}

static void
other(struct build *b, const struct timeline_version *p,
    const struct timeline_version *v)
{
	char was[40], now[40], list[512];
	size_t len = 0;

	if (!same(p->enrollment, v->enrollment) ||
	    !same(p->enrollment_type, v->enrollment_type)) {
		date_words(was, sizeof(was), p->enrollment, p->enrollment_type);
		date_words(now, sizeof(now), v->enrollment, v->enrollment_type);
		add(b, v, CHANGE_OTHER, "enrollment", was, now,
		    "enrollment %s -> %s", was, now);
	}
	if (v->n_edited == 0)
		return;
	list[0] = '\0';
	for (size_t i = 0; i < v->n_edited && len < sizeof(list) - 1; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		    i ? ", " : "", module_words(v->edited[i]));
	add(b, v, CHANGE_OTHER, "edited", NULL, NULL, "edited: %s", list);
}

int
timeline_build(const struct timeline_version *v, size_t n, unsigned classes,
    const char *since, struct timeline *out)
{
	struct build b = {out, classes, false};
	struct timeline_entry tmp;
	size_t i, start;

	memset(out, 0, sizeof(*out));
	/* Built oldest first, each version's entries in class order. */
	for (i = 0; i < n && !b.failed; i++) {
		const struct timeline_version *p = i ? &v[i - 1] : NULL;

		if (since && v[i].date && strcmp(v[i].date, since) < 0)
			continue;
		if (p == NULL) {
			first_version(&b, &v[i]);
			continue;
		}
		if (!same(p->overall_status, v[i].overall_status))
			add(&b, &v[i], CHANGE_STATUS, "status",
			    p->overall_status, v[i].overall_status,
			    "status %.40s -> %.40s%s%.200s", p->overall_status ?
			    p->overall_status : "none", v[i].overall_status ?
			    v[i].overall_status : "none", v[i].why_stopped ?
			    ": " : "", v[i].why_stopped ? v[i].why_stopped : "");
		results(&b, p, &v[i]);
		references(&b, p, &v[i]);
		dates(&b, p, &v[i], "start", "start", p->start, p->start_type,
		    v[i].start, v[i].start_type);
		dates(&b, p, &v[i], "primary completion", "primary-completion",
		    p->primary_completion, p->primary_completion_type,
		    v[i].primary_completion, v[i].primary_completion_type);
		dates(&b, p, &v[i], "completion", "completion", p->completion,
		    p->completion_type, v[i].completion, v[i].completion_type);
		other(&b, p, &v[i]);
	}
	if (b.failed) {
		timeline_finish(out);
		return -1;
	}
	/* Newest first, like git log: reverse the versions, keep each one's order. */
	for (i = 0; i < out->n / 2; i++) {
		tmp = out->v[i];
		out->v[i] = out->v[out->n - 1 - i];
		out->v[out->n - 1 - i] = tmp;
	}
	for (i = 0; i < out->n; i = start) {
		size_t lo = i, hi;

		for (start = i; start < out->n &&
		    out->v[start].version == out->v[i].version; start++)
			;
		for (hi = start - 1; lo < hi; lo++, hi--) {
			tmp = out->v[lo];
			out->v[lo] = out->v[hi];
			out->v[hi] = tmp;
		}
	}
	return 0;
}

void
timeline_finish(struct timeline *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].text);
		free(t->v[i].old_value);
		free(t->v[i].new_value);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* -------------------------------------------------------------- output */

/* The lines of the text form, built one at a time. */
struct lines {
	struct text_buf b;
	timeline_line_fn fn;
	void *arg;
};

/* Hand the line built so far on, and start the next. */
static void
emit(struct lines *o)
{
	if (o->b.failed)
		return;
	o->fn(o->arg, o->b.s ? o->b.s : "");
	o->b.len = 0;
	if (o->b.s)
		o->b.s[0] = '\0';
}

static const char *
source(const struct timeline_version *v)
{
	return v->history ? "history" : "live";
}

/* "3" or "3-7". */
static const char *
range(char *buf, size_t len, size_t from, size_t to)
{
	if (from == to)
		snprintf(buf, len, "%zu", from);
	else
		snprintf(buf, len, "%zu-%zu", from, to);
	return buf;
}

int
timeline_text(const char *nct_id, const char *acronym,
    const struct timeline_version *v, size_t n, const struct timeline *t,
    timeline_line_fn line, void *arg)
{
	struct lines o = {{0}, line, arg};
	char a[48], b[48];
	size_t hist = 0;
	bool failed;

	for (size_t i = 0; i < n; i++)
		hist += v[i].history;
	text_buf_printf(&o.b, "%s%s%s", nct_id, acronym ? "  " : "",
	    acronym ? acronym : "");
	emit(&o);
	if (n == 0) {
		text_buf_str(&o.b, "no version stored yet (run 'ctmirror sync')");
		emit(&o);
		goto out;
	}
	text_buf_printf(&o.b, "%zu version%s from %s: ", n, n == 1 ? "" : "s",
	    v[0].date ? v[0].date : "an unknown day");
	/* A backfill puts the history first: versions 1..hist. */
	if (hist == 0)
		text_buf_str(&o.b, "all seen live (no history read yet)");
	else if (hist == n)
		text_buf_str(&o.b, "all read from the registry's history");
	else
		text_buf_printf(&o.b, "%s %s read from the registry's history, "
		    "%s seen live", hist == 1 ? "version" : "versions",
		    range(a, sizeof(a), 1, hist), range(b, sizeof(b), hist + 1,
		    n));
	emit(&o);
	for (size_t i = 0; i < t->n; i++) {
		const struct timeline_version *ver = t->v[i].version;

		if (i == 0 || t->v[i - 1].version != ver) {
			emit(&o);
			text_buf_printf(&o.b, "version %d  %s  %s",
			    ver->version_no, ver->date ? ver->date : "no date",
			    source(ver));
			if (ver->registry_version >= 0)
				text_buf_printf(&o.b, " (registry version %d)",
				    ver->registry_version);
			emit(&o);
		}
		text_buf_printf(&o.b, "    %-11s %s",
		    diff_class_name(t->v[i].cls), t->v[i].text);
		emit(&o);
	}
out:
	failed = o.b.failed;
	text_buf_finish(&o.b);
	return failed ? -1 : 0;
}

json_t *
timeline_json(const char *nct_id, const char *acronym,
    const struct timeline_version *v, size_t n, const struct timeline *t)
{
	json_t *doc, *arr = json_array();
	size_t hist = 0;

	for (size_t i = 0; i < n; i++)
		hist += v[i].history;
	for (size_t i = 0; i < t->n && arr; i++) {
		const struct timeline_entry *e = &t->v[i];

		if (json_array_append_new(arr, json_pack("{s:i, s:s?, s:s, s:o?, "
		    "s:s, s:s, s:s, s:s?, s:s?}", "version", e->version->version_no,
		    "date", e->version->date, "source", source(e->version),
		    "registry_version", e->version->registry_version >= 0 ?
		    json_integer(e->version->registry_version) : NULL,
		    "class", diff_class_name(e->cls), "event", e->event,
		    "text", e->text, "old", e->old_value, "new",
		    e->new_value)) < 0) {
			json_decref(arr);
			return NULL;
		}
	}
	if (arr == NULL)
		return NULL;
	doc = json_pack("{s:s, s:s?, s:i, s:i, s:s?, s:o}", "nct_id", nct_id,
	    "acronym", acronym, "versions", (int)n, "from_history", (int)hist,
	    "first_date", n ? v[0].date : NULL, "entries", arr);
	return doc;
}

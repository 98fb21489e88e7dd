/*
 * history.c - the registry's History of Changes on top of fetch.c: the
 * change list of a trial and each of its versions, checked and classed
 * (the trial's fault or the endpoint's) before anything is used.
 */
#include "history.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "text.h"

/* More versions than any trial has had: a list this long is not one. */
#define MAX_VERSIONS	10000
#define DEFAULT_WINDOW	4

struct history {
	struct fetch *f;
	char *base;		/* ".../api/int" */
	unsigned window;
	/*
	 * The change list at /history answered 404 and the ?history=true
	 * form answered: ask that form first for the rest of the cycle.
	 */
	bool query_form;
};

/* Set *why (freeing an earlier one) and return the fault. */
static enum history_fault fault(char **why, enum history_fault f,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static enum history_fault
fault(char **why, enum history_fault f, const char *fmt, ...)
{
	va_list ap;

	free(*why);
	va_start(ap, fmt);
	if (vasprintf(why, fmt, ap) < 0)
		*why = NULL;
	va_end(ap);
	return f;
}

char *
history_url_from_base(const char *base_url)
{
	size_t n = base_url ? strlen(base_url) : 0;
	char *out;

	while (n > 0 && base_url[n - 1] == '/')
		n--;
	if (n < 3 || strncmp(base_url + n - 3, "/v2", 3) != 0)
		return NULL;
	if ((out = malloc(n + 2)) == NULL)
		return NULL;
	memcpy(out, base_url, n - 2);
	memcpy(out + n - 2, "int", 4);
	return out;
}

struct history *
history_new(struct fetch *f, const char *int_url, unsigned window)
{
	struct history *h = calloc(1, sizeof(*h));
	size_t n;

	if (h == NULL || (h->base = strdup(int_url)) == NULL) {
		free(h);
		return NULL;
	}
	for (n = strlen(h->base); n > 0 && h->base[n - 1] == '/';)
		h->base[--n] = '\0';
	h->f = f;
	h->window = window ? window : DEFAULT_WINDOW;
	return h;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	free(h->base);
	free(h);
}

void
history_list_finish(struct history_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].status);
		for (size_t k = 0; k < l->v[i].n_labels; k++)
			free(l->v[i].labels[k]);
		free(l->v[i].labels);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* ------------------------------------------------------------- parsing */

static const char *
study_id(const json_t *study)
{
	return json_string_value(json_object_get(json_object_get(
	    json_object_get(study, "protocolSection"), "identificationModule"),
	    "nctId"));
}

/* Strings of a JSON array into a new array; NULL (and *n 0) for none. */
static int
labels_copy(const json_t *arr, char ***out, size_t *n)
{
	size_t i, k = 0, len = json_array_size(arr);

	*out = NULL;
	*n = 0;
	if (len == 0)
		return 0;
	if ((*out = calloc(len, sizeof(**out))) == NULL)
		return -1;
	for (i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(arr, i));

		if (s != NULL && ((*out)[k++] = strdup(s)) == NULL) {
			*n = k - 1;
			return -1;
		}
	}
	*n = k;
	return 0;
}

/* One entry of the change list into c.  HISTORY_OK or a fault. */
static enum history_fault
parse_change(const json_t *e, size_t i, const char *nct_id,
    struct history_change *c, char **why)
{
	const json_t *ver = json_object_get(e, "version");
	const json_t *labels = json_object_get(e, "moduleLabels");
	const char *date = json_string_value(json_object_get(e, "date"));
	const char *status = json_string_value(json_object_get(e, "status"));

	if (!json_is_object(e))
		return fault(why, HISTORY_ENDPOINT, "%s: change list entry %zu "
		    "is not an object", nct_id, i);
	/* The versions count 0, 1, 2, ... in order: anything else is new. */
	if (!json_is_integer(ver) || json_integer_value(ver) != (json_int_t)i)
		return fault(why, HISTORY_ENDPOINT, "%s: change list entry %zu "
		    "has version %s, not %zu", nct_id, i, json_is_integer(ver) ?
		    "out of order" : "missing", i);
	if (text_date_parse(date, NULL, NULL, NULL) != TEXT_DATE_DAY)
		return fault(why, HISTORY_ENDPOINT, "%s: version %zu of the "
		    "change list has no date YYYY-MM-DD", nct_id, i);
	if (labels != NULL && !json_is_array(labels))
		return fault(why, HISTORY_ENDPOINT, "%s: version %zu: "
		    "moduleLabels is not an array", nct_id, i);
	c->version = (int)i;
	snprintf(c->date, sizeof(c->date), "%s", date);
	if ((status != NULL && (c->status = strdup(status)) == NULL) ||
	    labels_copy(labels, &c->labels, &c->n_labels) < 0)
		return fault(why, HISTORY_ENDPOINT, "%s: out of memory",
		    nct_id);
	return HISTORY_OK;
}

enum history_fault
history_parse_list(const char *text, size_t len, const char *nct_id,
    struct history_list *out, char **why)
{
	json_error_t jerr;
	json_t *doc, *changes;
	enum history_fault rc = HISTORY_OK;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return fault(why, HISTORY_ENDPOINT, "%s: the change list is "
		    "not JSON (%s)", nct_id, jerr.text);
	/* The list alone, or inside the record (?history=true). */
	changes = json_object_get(doc, "changes");
	if (changes == NULL)
		changes = json_object_get(json_object_get(doc, "history"),
		    "changes");
	if (!json_is_array(changes)) {
		rc = fault(why, HISTORY_ENDPOINT, "%s: the change list has a "
		    "shape ctmirror does not know (no \"changes\" array)",
		    nct_id);
		goto out;
	}
	if ((n = json_array_size(changes)) == 0 || n > MAX_VERSIONS) {
		rc = fault(why, HISTORY_TRIAL, "%s: the change list has %zu "
		    "versions", nct_id, n);
		goto out;
	}
	if ((out->v = calloc(n, sizeof(*out->v))) == NULL) {
		rc = fault(why, HISTORY_ENDPOINT, "%s: out of memory", nct_id);
		goto out;
	}
	for (i = 0; i < n && rc == HISTORY_OK; i++) {
		rc = parse_change(json_array_get(changes, i), i, nct_id,
		    &out->v[i], why);
		out->n = i + 1;
	}
out:
	json_decref(doc);
	return rc;
}

enum history_fault
history_parse_version(const char *text, size_t len, const char *nct_id,
    int version, json_t **study, char **why)
{
	json_error_t jerr;
	json_t *doc, *ver, *s;
	const char *id;
	enum history_fault rc;

	*study = NULL;
	if ((doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return fault(why, HISTORY_ENDPOINT, "%s: version %d is not "
		    "JSON (%s)", nct_id, version, jerr.text);
	ver = json_object_get(doc, "studyVersion");
	s = json_object_get(doc, "study");
	if (!json_is_integer(ver) || !json_is_object(s)) {
		rc = fault(why, HISTORY_ENDPOINT, "%s: version %d has a shape "
		    "ctmirror does not know (no studyVersion and study)",
		    nct_id, version);
		goto out;
	}
	if (json_integer_value(ver) != version) {
		rc = fault(why, HISTORY_ENDPOINT, "%s: asked for version %d, "
		    "the registry answered version %" JSON_INTEGER_FORMAT,
		    nct_id, version, json_integer_value(ver));
		goto out;
	}
	if ((id = study_id(s)) == NULL || strcmp(id, nct_id) != 0) {
		rc = fault(why, HISTORY_TRIAL, "%s: version %d is the record "
		    "of %.20s", nct_id, version, id ? id : "no NCT ID");
		goto out;
	}
	*study = json_incref(s);
	rc = HISTORY_OK;
out:
	json_decref(doc);
	return rc;
}

/* ----------------------------------------------------------- answers */

/*
 * Why an answer is not a JSON document, and whose fault: a 404 or 400 in
 * the registry's text/plain words is about the trial; any other status, a
 * web server's error page or no answer at all, about the endpoint.
 */
static enum history_fault
check_answer(const struct fetch_response *r, const char *what, char **why)
{
	size_t n;

	if (r->error != NULL)
		return fault(why, HISTORY_ENDPOINT, "%s: %s", what, r->error);
	n = strcspn(r->body, "\r\n");
	if (n > 160)
		n = 160;
	if ((r->status == 404 || r->status == 400) &&
	    fetch_is_type(r, "text/plain"))
		return fault(why, HISTORY_TRIAL, "%s: HTTP %ld: %.*s", what,
		    r->status, (int)n, r->body);
	if (r->status != 200)
		return fault(why, HISTORY_ENDPOINT, "%s: HTTP %ld (%s)", what,
		    r->status, r->content_type ? r->content_type :
		    "no content type");
	if (!fetch_is_type(r, "application/json"))
		return fault(why, HISTORY_ENDPOINT, "%s: HTTP 200 but %s, not "
		    "JSON", what, r->content_type ? r->content_type :
		    "no content type");
	return HISTORY_OK;
}

/* ------------------------------------------------------ the change list */

struct list_call {
	const char *nct_id;
	struct history_list *out;
	enum history_fault rc;
	long status;
	char **why;
};

static void
on_list(void *arg, const struct fetch_response *r)
{
	struct list_call *lc = arg;
	char what[64];

	snprintf(what, sizeof(what), "%s: change list", lc->nct_id);
	lc->status = r->status;
	if ((lc->rc = check_answer(r, what, lc->why)) == HISTORY_OK)
		lc->rc = history_parse_list(r->body, r->len, lc->nct_id,
		    lc->out, lc->why);
}

static enum history_fault
ask_list(struct history *h, const char *nct_id, bool query_form,
    struct history_list *out, char **why, long *status)
{
	struct list_call lc = {nct_id, out, HISTORY_ENDPOINT, 0, why};
	struct text_buf url = {0};

	history_list_finish(out);
	text_buf_printf(&url, "%s/studies/%s%s", h->base, nct_id, query_form ?
	    "?history=true" : "/history");
	if (url.failed || fetch_get(h->f, url.s, on_list, &lc) < 0) {
		text_buf_finish(&url);
		return fault(why, HISTORY_ENDPOINT, "%s: change list: %s",
		    nct_id, fetch_cancelled(h->f) ? "cancelled" :
		    "cannot queue the request");
	}
	text_buf_finish(&url);
	(void)fetch_run(h->f);	/* the callback has run either way */
	*status = lc.status;
	return lc.rc;
}

enum history_fault
history_list(struct history *h, const char *nct_id, struct history_list *out,
    char **why)
{
	enum history_fault rc, rc2;
	long status = 0, status2 = 0;
	char *why2 = NULL;

	memset(out, 0, sizeof(*out));
	rc = ask_list(h, nct_id, h->query_form, out, why, &status);
	if (rc == HISTORY_OK || status != 404)
		return rc;
	/*
	 * A 404 for one form: the other one, as ctrdata and cthist ask.  The
	 * answer that says more about the trial wins.
	 */
	rc2 = ask_list(h, nct_id, !h->query_form, out, &why2, &status2);
	if (rc2 == HISTORY_OK) {
		h->query_form = !h->query_form;
		free(*why);
		*why = NULL;
		return rc2;
	}
	if (rc2 == HISTORY_TRIAL || rc == HISTORY_ENDPOINT) {
		free(*why);
		*why = why2;
		return rc2;
	}
	free(why2);
	return rc;
}

/* ----------------------------------------------------------- versions */

struct versions_call {
	struct history *h;
	const char *nct_id;
	const int *versions;
	size_t n, next;		/* versions[next] is the next to ask for */
	history_version_fn fn;
	void *arg;
	enum history_fault rc;
	bool stop;
	char **why;
};

static void ask_next(struct versions_call *vc);

static void
on_version(void *arg, const struct fetch_response *r)
{
	struct versions_call *vc = arg;
	const char *url = r->url ? strrchr(r->url, '/') : NULL;
	int version = url ? atoi(url + 1) : -1;
	enum history_fault rc;
	json_t *study = NULL;
	char what[64];

	if (vc->stop)
		return;
	snprintf(what, sizeof(what), "%s: version %d", vc->nct_id, version);
	if ((rc = check_answer(r, what, vc->why)) == HISTORY_OK)
		rc = history_parse_version(r->body, r->len, vc->nct_id,
		    version, &study, vc->why);
	if (rc != HISTORY_OK) {
		vc->rc = rc;
		vc->stop = true;
		return;
	}
	if (vc->fn(vc->arg, version, study) < 0)
		vc->stop = true;
	json_decref(study);
	ask_next(vc);
}

/* Queue the next version, unless stopped or done. */
static void
ask_next(struct versions_call *vc)
{
	struct text_buf url = {0};

	if (vc->stop || vc->next >= vc->n)
		return;
	text_buf_printf(&url, "%s/studies/%s/history/%d", vc->h->base,
	    vc->nct_id, vc->versions[vc->next]);
	if (url.failed || fetch_get(vc->h->f, url.s, on_version, vc) < 0) {
		vc->rc = fault(vc->why, HISTORY_ENDPOINT, "%s: version %d: %s",
		    vc->nct_id, vc->versions[vc->next],
		    fetch_cancelled(vc->h->f) ? "cancelled" :
		    "cannot queue the request");
		vc->stop = true;
	} else {
		vc->next++;
	}
	text_buf_finish(&url);
}

enum history_fault
history_versions(struct history *h, const char *nct_id, const int *versions,
    size_t n, history_version_fn fn, void *arg, char **why)
{
	struct versions_call vc = {h, nct_id, versions, n, 0, fn, arg,
	    HISTORY_OK, false, why};

	for (unsigned i = 0; i < h->window; i++)
		ask_next(&vc);
	(void)fetch_run(h->f);
	if (vc.rc == HISTORY_OK && !vc.stop && vc.next < n)
		vc.rc = fault(why, HISTORY_ENDPOINT, "%s: cancelled", nct_id);
	return vc.rc;
}

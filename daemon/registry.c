/*
 * registry.c - the ClinicalTrials.gov API v2 client on top of fetch.c:
 * its state, how an answer is judged (usable, split, ask one by one, the
 * registry down or refusing us), /version.  The questions are asked by
 * registry_probe.c (last updates by ID), registry_fetch.c (records by ID)
 * and registry_search.c (searches).
 */
#include "registry.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "fetch.h"
#include "log.h"
#include "registry_int.h"
#include "text.h"

/* Unanswered requests in a row (after their retries) that stop the cycle. */
#define DOWN_STREAK	4

/* ------------------------------------------------------------ helpers */

char *
registry_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

struct registry *
registry_new(struct fetch *f, const struct registry_opts *opts)
{
	struct registry *r = calloc(1, sizeof(*r));
	size_t len;

	if (r == NULL)
		return NULL;
	r->f = f;
	if ((r->base = strdup(opts->base_url ? opts->base_url :
	    REGISTRY_DEFAULT_URL)) == NULL)
		goto fail;
	len = strlen(r->base);
	while (len > 0 && r->base[len - 1] == '/')
		r->base[--len] = '\0';
	if ((r->shown = config_redact_url(r->base)) == NULL)
		goto fail;
	r->probe_batch = opts->probe_batch ? opts->probe_batch : 1000;
	if (r->probe_batch > 1000)
		r->probe_batch = 1000;	/* the API's page cap */
	r->fetch_batch = opts->fetch_batch ? opts->fetch_batch : 100;
	if (r->fetch_batch > 1000)
		r->fetch_batch = 1000;
	r->max_url = opts->max_url ? opts->max_url : REGISTRY_DEFAULT_MAX_URL;
	return r;
fail:
	registry_free(r);
	return NULL;
}

void
registry_free(struct registry *r)
{
	if (r == NULL)
		return;
	free(r->base);
	free(r->shown);
	free(r->stop);
	free(r);
}

const char *
registry_failure(const struct registry *r)
{
	return r->stop;
}

const char *
registry_shown_url(const struct registry *r)
{
	return r->shown;
}

void
registry_study_link(const char *nct_id, char out[64])
{
	snprintf(out, 64, "https://clinicaltrials.gov/study/%s", nct_id);
}

void
registry_stop(struct registry *r, char *why)
{
	if (r->stop == NULL)
		r->stop = why ? why : strdup("out of memory");
	else
		free(why);
}

bool
registry_stopped(const struct registry *r)
{
	return r->stop != NULL || fetch_cancelled(r->f);
}

char *
registry_text_line(const char *s, size_t max)
{
	size_t n = strcspn(s, "\r\n");
	char *out;

	if (n > max)
		n = max;
	if ((out = strndup(s, n)) == NULL)
		return NULL;
	return log_safe(out);
}

size_t
registry_ids_per_url(const struct registry *r, size_t extra)
{
	size_t fixed = strlen(r->base) + sizeof("/studies?filter.ids=") +
	    sizeof("&pageSize=1000") + extra;

	/* NCT_ID_SIZE: the eleven characters and their comma. */
	return r->max_url > fixed + NCT_ID_SIZE ?
	    (r->max_url - fixed) / NCT_ID_SIZE : 1;
}

char *
registry_batch_url(const struct registry *r, char *const *ids, size_t n,
    bool probe, unsigned page_size, const char *token)
{
	size_t cap = strlen(r->base) + 160 + n * NCT_ID_SIZE;
	char *url, *p;
	char *tok = NULL;

	if ((url = malloc(cap)) == NULL)
		return NULL;
	p = url + sprintf(url, "%s/studies?filter.ids=", r->base);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "," : "", ids[i]);
	p += sprintf(p, "%s&pageSize=%u", probe ? "&fields="
	    REGISTRY_PROBE_FIELDS : "", page_size);
	if (token != NULL) {
		if ((tok = curl_easy_escape(NULL, token, 0)) == NULL) {
			free(url);
			return NULL;
		}
		if (asprintf(&p, "%s&pageToken=%s", url, tok) < 0)
			p = NULL;
		curl_free(tok);
		free(url);
		return p;
	}
	return url;
}

/* ------------------------------------------------------ what came back */

char *
registry_cause(const struct fetch_response *resp)
{
	char *line, *s;

	if (resp->error != NULL) {
		switch (resp->failure) {
		case FETCH_UNREACHABLE:
			return registry_fmt("did not answer (%s)", resp->error);
		case FETCH_TIMEOUT:
			return registry_fmt("answered too slowly: no complete "
			    "answer within the timeout (%s)", resp->error);
		case FETCH_TOO_BIG:
			return registry_fmt("answered more than it may: %s; "
			    "raise [registry] max_body or lower fetch_batch",
			    resp->error);
		case FETCH_BROKEN:
			return registry_fmt("the answer broke off (%s)",
			    resp->error);
		case FETCH_TLS:
			return registry_fmt("TLS: %s", resp->error);
		default:
			return registry_fmt("%s", resp->error);
		}
	}
	if (resp->status == 200) {
		if (fetch_is_type(resp, "application/json"))
			return NULL;
		return registry_fmt("HTTP 200 but %s, not JSON",
		    resp->content_type ? resp->content_type :
		    "no content type");
	}
	/* The registry explains its refusals in a text/plain body. */
	if ((line = registry_text_line(resp->body, 200)) == NULL)
		return NULL;
	if (resp->status == 429)
		s = registry_fmt("still throttling after %u attempts (HTTP "
		    "429%s%s)", resp->attempts, line[0] ? ": " : "", line);
	else if (fetch_is_type(resp, "text/html"))
		s = registry_fmt("HTTP %ld (an HTML page)", resp->status);
	else
		s = registry_fmt("HTTP %ld%s%s", resp->status,
		    line[0] ? ": " : "", line);
	free(line);
	return s;
}

enum registry_use
registry_answer(struct registry *r, const struct fetch_response *resp,
    size_t n, char **why)
{
	*why = registry_cause(resp);
	if (*why == NULL && !(resp->status == 200 && resp->error == NULL)) {
		*why = strdup("out of memory");
		return ONE_BY_ONE;
	}
	if (*why == NULL) {
		r->answered++;
		r->down = 0;
		return ANSWER;
	}
	if (resp->failure == FETCH_CANCELLED)
		return UNANSWERED;
	switch (resp->status) {
	case 400:
		if (n > 1)
			return SPLIT;
		r->answered++;
		return ONE_BY_ONE;
	case 414:
	case 431:
		if (n > 1)
			return SPLIT;
		registry_stop(r, registry_fmt("the registry refused a request "
		    "URL of %zu bytes (HTTP %ld): lower [registry] max_url",
		    strlen(resp->url), resp->status));
		return STOPPED;
	case 401:
	case 403:
		registry_stop(r, registry_fmt("the registry refuses ctmirror's "
		    "requests: %s (set [registry] contact so its operators can "
		    "reach you)", *why));
		return STOPPED;
	case 404:
		/* /studies exists; only a wrong base_url gets a 404 here. */
		registry_stop(r, registry_fmt("the registry answered 404 for "
		    "its API path (%s/studies): is base_url right?",
		    r->shown));
		return STOPPED;
	case 0:
	case 429:
	case 502:
	case 503:
	case 504:
		if (resp->failure == FETCH_TOO_BIG)
			break;
		/*
		 * After the retries, still no answer: asking each ID on its
		 * own would only add to the load.  Unreachable or throttling
		 * before anything answered, or several in a row: the registry
		 * is down for this cycle.
		 */
		if ((r->answered == 0 && (resp->failure == FETCH_UNREACHABLE ||
		    resp->status == 429 || resp->status == 503)) ||
		    ++r->down >= DOWN_STREAK)
			registry_stop(r, registry_fmt("%s%s", *why,
			    r->answered ? " (several requests in a row)" :
			    ""));
		return UNANSWERED;
	default:
		break;
	}
	/* An oversized answer is not repaired by asking 100 times. */
	if (resp->failure == FETCH_TOO_BIG)
		return UNANSWERED;
	r->answered++;
	return ONE_BY_ONE;
}

/* ------------------------------------------------------------ version */

struct version_call {
	char *out;
	char *why;
};

static void
on_version(void *arg, const struct fetch_response *resp)
{
	struct version_call *vc = arg;
	json_error_t jerr;
	json_t *doc;
	const char *ts;

	if ((vc->why = registry_cause(resp)) != NULL)
		return;
	doc = json_loadb(resp->body, resp->len, 0, &jerr);
	ts = json_string_value(json_object_get(doc, "dataTimestamp"));
	if (ts == NULL || ts[0] == '\0' ||
	    strlen(ts) >= REGISTRY_BUILD_SIZE ||
	    strspn(ts, "0123456789-T:.Z+") != strlen(ts))
		vc->why = registry_fmt("no dataTimestamp in its answer to "
		    "/version");
	else
		snprintf(vc->out, REGISTRY_BUILD_SIZE, "%s", ts);
	json_decref(doc);
}

int
registry_version(struct registry *r, char out[REGISTRY_BUILD_SIZE],
    char **why)
{
	struct version_call vc = {out, NULL};
	char *url = registry_fmt("%s/version", r->base);

	out[0] = '\0';
	*why = NULL;
	if (url == NULL || fetch_get(r->f, url, on_version, &vc) < 0 ||
	    fetch_run(r->f) < 0) {
		free(vc.why);
		vc.why = registry_fmt("%s", fetch_cancelled(r->f) ?
		    "cancelled" : "cannot ask");
	}
	free(url);
	if (out[0] != '\0')
		return 0;
	*why = vc.why ? vc.why : strdup("no answer");
	return -1;
}

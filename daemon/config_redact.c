/*
 * config_redact.c - conninfo strings and URLs made fit to show: passwords,
 * tokens and query values replaced by "***", so /status, errors and logs
 * can say which server was meant without saying how to get in.
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Append n bytes to a growing string.  0 / -1. */
static int
put(char **out, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*len + n + 1) * 2;
		char *p = realloc(*out, ncap);

		if (p == NULL)
			return -1;
		*out = p;
		*cap = ncap;
	}
	memcpy(*out + *len, s, n);
	*len += n;
	(*out)[*len] = '\0';
	return 0;
}

/* Conninfo keywords whose value is a secret. */
static bool
secret_name(const char *k, size_t n)
{
	static const char *names[] = {"password", "sslpassword", "pass",
	    "passwd", "pwd", "token", "access_token", "secret", "key",
	    "api_key", "apikey", "auth", "sig", "signature"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == n && strncasecmp(k, names[i], n) == 0)
			return true;
	return false;
}

/*
 * URI form: scheme://user:pass@host/path?query.  The password is whatever
 * follows the first ':' up to the last '@' before the query, so an
 * unencoded '@' or '/' in it is still hidden.  Every query value is
 * replaced, not only the ones with secret-sounding names: credentials ride
 * in query strings under names nobody can list (sig, X-Amz-Credential,
 * code, ...), and the redacted text is for recognising which server was
 * meant, which the names alone still show.  `whole_path`: keep an http
 * URL's path (the registry's base URL) and hide all of its userinfo,
 * user name too, which may be a token.
 */
static int
redact_uri(const char *s, char **out, size_t *len, size_t *cap,
    bool whole_path)
{
	const char *auth = strstr(s, "://") + 3;
	const char *qend = auth + strcspn(auth, "?#");
	const char *at = NULL, *colon, *slash, *end, *p;
	bool http = strncmp(s, "http", 4) == 0;

	for (p = auth; p < qend; p++)
		if (*p == '@')
			at = p;
	if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		slash = memchr(auth, '/', (size_t)(at - auth));
		/* "host/path@x" without a ':' first: that '@' is in the path. */
		if (slash != NULL && (colon == NULL || slash < colon))
			at = NULL;
	}
	/*
	 * A URL shown whole: an '@' in its path must not hide userinfo
	 * before the path ("https://token@host/p@q").
	 */
	if (at == NULL && whole_path) {
		const char *pend = auth + strcspn(auth, "/?#");

		for (p = auth; p < pend; p++)
			if (*p == '@')
				at = p;
	}
	if (put(out, len, cap, s, (size_t)(auth - s)) < 0)
		return -1;
	if (at != NULL && whole_path) {
		if (put(out, len, cap, "***", 3) < 0)
			return -1;
		auth = at;
	} else if (at != NULL) {
		colon = memchr(auth, ':', (size_t)(at - auth));
		if (put(out, len, cap, auth, (size_t)((colon ? colon : at) -
		    auth)) < 0 || (colon && put(out, len, cap, ":***", 4) < 0))
			return -1;
		auth = at;
	}
	end = auth + strcspn(auth, "/?#");
	if (put(out, len, cap, auth, (size_t)(end - auth)) < 0)
		return -1;
	/*
	 * Webhook URLs carry their token in the path (Slack, Teams): show
	 * only scheme and host.  Database URIs keep the dbname.
	 */
	if (http && !whole_path)
		return *end ? put(out, len, cap, "/***", 4) : 0;
	p = end + strcspn(end, "?");
	if (put(out, len, cap, end, (size_t)(p - end)) < 0)
		return -1;
	while (*p) {
		const char *seg = p + 1, *next = seg + strcspn(seg, "&");
		const char *eq = memchr(seg, '=', (size_t)(next - seg));

		if (put(out, len, cap, p, 1) < 0)	/* '?' or '&' */
			return -1;
		if (eq != NULL) {
			if (put(out, len, cap, seg, (size_t)(eq - seg + 1)) < 0 ||
			    put(out, len, cap, "***", 3) < 0)
				return -1;
		} else if (put(out, len, cap, seg, (size_t)(next - seg)) < 0)
			return -1;
		p = next;
	}
	return 0;
}

/* key=value form, values optionally single-quoted with \ escapes. */
static int
redact_kv(const char *s, char **out, size_t *len, size_t *cap)
{
	const char *p = s;

	while (*p) {
		const char *k, *v;
		size_t klen;
		int rc;

		if (isspace((unsigned char)*p)) {
			if (put(out, len, cap, p++, 1) < 0)
				return -1;
			continue;
		}
		k = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		klen = (size_t)(p - k);
		while (isspace((unsigned char)*p))
			p++;
		/*
		 * A word without '=' is not libpq syntax, but what follows
		 * may still hold a password: copy the word, keep scanning.
		 */
		if (*p != '=') {
			if (put(out, len, cap, k, (size_t)(p - k)) < 0)
				return -1;
			continue;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		v = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p)
				p++;
		} else
			while (*p && !isspace((unsigned char)*p))
				p++;
		if (put(out, len, cap, k, klen) < 0 || put(out, len, cap, "=", 1) < 0)
			return -1;
		if (secret_name(k, klen))
			rc = put(out, len, cap, "***", 3);
		else
			rc = put(out, len, cap, v, (size_t)(p - v));
		if (rc < 0)
			return -1;
	}
	return 0;
}

char *
config_redact(const char *s)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	const char *sep;
	int rc;

	if (s == NULL)
		s = "";
	if (put(&out, &len, &cap, "", 0) < 0)
		return NULL;
	sep = strstr(s, "://");
	if (sep != NULL && sep > s && strspn(s, "abcdefghijklmnopqrstuvwxyz+.-") ==
	    (size_t)(sep - s))
		rc = redact_uri(s, &out, &len, &cap, false);
	else
		rc = redact_kv(s, &out, &len, &cap);
	if (rc < 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
config_redact_url(const char *url)
{
	char *out = NULL;
	size_t len = 0, cap = 0;

	if (url == NULL)
		url = "";
	if (put(&out, &len, &cap, "", 0) < 0)
		return NULL;
	if (strstr(url, "://") == NULL ? put(&out, &len, &cap, url,
	    strlen(url)) < 0 : redact_uri(url, &out, &len, &cap, true) < 0) {
		free(out);
		return NULL;
	}
	return out;
}

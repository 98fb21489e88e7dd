/*
 * fuzz_config.c - libFuzzer target: arbitrary bytes as a config file
 * through config_load_file() (from a memfd, no disk), and as a string
 * through config_redact(), config_redact_url(), config_parse_duration()
 * and text_nct_id(), each checked against a small oracle.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A password nobody would write; it must never come back out. */
#define SECRET "Zq9SECRETzQ"

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_config: invariant broken: %s\n", what);
		abort();
	}
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Is the key of the line at k (length n) `name`, followed by = or :? */
static int
sets(const char *k, size_t n, const char *name)
{
	size_t len = strlen(name), i;

	if (n < len || strncmp(k, name, len) != 0)
		return 0;
	for (i = len; i < n && (k[i] == ' ' || k[i] == '\t'); i++)
		;
	return i < n && (k[i] == '=' || k[i] == ':');
}

/*
 * Does the marker appear in the file, only on lines that set a secret key
 * (after the key)?  Binary-safe: a NUL does not end the file for inih.
 */
static int
secret_only_in_secret_keys(const uint8_t *data, size_t size)
{
	const char *line = (const char *)data, *end = line + size, *nl, *p, *k;
	size_t n;
	int seen = 0;

	for (; line < end; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(end - line))) == NULL)
			nl = end;
		n = (size_t)(nl - line);
		if ((p = memmem(line, n, SECRET, strlen(SECRET))) == NULL)
			continue;
		for (k = line; k < p && (*k == ' ' || *k == '\t'); k++)
			;
		if (memchr(line, '\0', (size_t)(p - line)) != NULL ||
		    !(sets(k, (size_t)(p - k), "conninfo") ||
		    sets(k, (size_t)(p - k), "webhook_url")))
			return 0;
		seen = 1;
	}
	return seen;
}

static void
check_config(const struct config *cfg)
{
	const struct config_key *keys, *k;
	size_t nkeys, i, j;
	unsigned long v;
	char *r;

	keys = config_keys(&nkeys);
	for (i = 0; i < nkeys; i++) {
		k = &keys[i];
		if (k->type == CONFIG_UINT || k->type == CONFIG_DURATION)
			v = *(const unsigned *)(const void *)((const char *)cfg +
			    k->offset);
		else if (k->type == CONFIG_SIZE)
			v = *(const size_t *)(const void *)((const char *)cfg +
			    k->offset);
		else
			continue;
		if (k->min != 0 || k->max != 0)
			check(v >= k->min && v <= k->max, "number in range");
	}
	for (i = 0; i < cfg->n_nct_ids; i++) {
		check(text_nct_id(cfg->nct_ids[i]), "valid NCT IDs");
		for (j = 0; j < i; j++)
			check(strcmp(cfg->nct_ids[i], cfg->nct_ids[j]) != 0,
			    "NCT IDs deduplicated");
	}
	for (i = 0; i < cfg->n_page_paths; i++)
		check(cfg->page_paths[i] != NULL, "page paths");
	check(cfg->conninfo && cfg->base_url && cfg->listen && cfg->log &&
	    cfg->webhook_url && cfg->state_dir, "strings set");
	check(cfg->webhook_url[0] == '\0' || cfg->allow_insecure_webhook ||
	    strncmp(cfg->webhook_url, "https://", 8) == 0,
	    "webhook is https unless allowed");
	check((r = config_redact(cfg->conninfo)) != NULL, "redact conninfo");
	free(r);
	check((r = config_redact(cfg->webhook_url)) != NULL, "redact webhook");
	free(r);
}

static void
load_file(int fd, const char *path, const uint8_t *data, size_t size)
{
	struct config_error err;
	struct config *cfg;
	size_t lines = 1, i;

	check(ftruncate(fd, 0) == 0, "ftruncate");
	check(size == 0 || pwrite(fd, data, size, 0) == (ssize_t)size,
	    "pwrite");
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	memset(&err, 0, sizeof(err));
	cfg = config_load_file(path, &err);
	if (cfg == NULL) {
		check(memchr(err.text, '\0', sizeof(err.text)) != NULL &&
		    memchr(err.file, '\0', sizeof(err.file)) != NULL,
		    "error strings");
		check(err.text[0] != '\0', "a refusal says why");
		if (getenv("FUZZ_CONFIG_VERBOSE"))
			fprintf(stderr, "%s:%d: %s\n", err.file, err.line,
			    err.text);
		check(err.line >= 0 && (size_t)err.line <= lines,
		    "error line within the file");
		if (secret_only_in_secret_keys(data, size))
			check(strstr(err.text, SECRET) == NULL,
			    "secret value echoed in an error");
		return;
	}
	check_config(cfg);
	config_free(cfg);
}

/* The secret must not survive redaction whatever text surrounds it. */
static void
redact_leak_by(char *(*redact)(const char *), const char *pre,
    const char *post, const char *s)
{
	size_t n = strlen(pre) + strlen(SECRET) + strlen(post) + strlen(s) + 1;
	char *in, *out;

	check((in = malloc(n)) != NULL, "malloc");
	snprintf(in, n, "%s%s%s%s", pre, SECRET, post, s);
	check((out = redact(in)) != NULL, "config_redact");
	if (strstr(out, SECRET) != NULL) {
		fprintf(stderr, "redacted \"%s\" into \"%s\"\n", in, out);
		check(0, "secret survives config_redact");
	}
	free(out);
	free(in);
}

static void
redact_leak(const char *pre, const char *post, const char *s)
{
	redact_leak_by(config_redact, pre, post, s);
}

static void
strings(const char *s)
{
	unsigned secs = 12345, mult = 1;
	unsigned long long v = 0;
	const char *p = s;
	int want, i;
	char *r;

	check((r = config_redact(s)) != NULL, "config_redact");
	free(r);
	if (strstr(s, SECRET) == NULL && strstr(s, &SECRET[1]) == NULL) {
		redact_leak("postgresql://u:", "@", s);
		redact_leak("password=", " ", s);
		redact_leak("host=h password='", "' ", s);
		redact_leak("https://hooks.example.com/services/", "", s);
		redact_leak("https://user:", "@h/", s);
		redact_leak("postgresql://h/db?password=", "", s);
		/* The registry's base URL: userinfo hidden, path shown. */
		redact_leak_by(config_redact_url, "http://user:", "@h/", s);
		redact_leak_by(config_redact_url, "https://", "@mirror/api/v2",
		    s);
		redact_leak_by(config_redact_url, "https://h/x?key=", "", s);
	}
	/*
	 * A stray word before the password (a typo libpq refuses, but /status
	 * still shows the redacted conninfo): the password stays hidden.
	 */
	if (*s && strstr(s, SECRET) == NULL && strspn(s,
	    "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == strlen(s)) {
		size_t n = strlen(s) + 32;
		char *pre = malloc(n);

		check(pre != NULL, "malloc");
		snprintf(pre, n, "host=h %s password=", s);
		redact_leak(pre, " dbname=d", "");
		free(pre);
	}

	/* Oracle: digits, then one of s m h d or nothing, within 32 bits. */
	want = is_digit(*p) ? 0 : -1;
	for (; is_digit(*p) && v <= UINT32_MAX; p++)
		v = v * 10 + (unsigned)(*p - '0');
	if (*p && p[1] == '\0' && strchr("smhd", *p)) {
		mult = *p == 'm' ? 60 : *p == 'h' ? 3600 : *p == 'd' ? 86400 : 1;
		p++;
	}
	if (*p != '\0' || v * mult > UINT32_MAX)
		want = -1;
	check(config_parse_duration(s, &secs) == want, "duration accepted");
	if (want == 0)
		check(secs == v * mult, "duration value");

	want = strncmp(s, "NCT", 3) == 0 && strlen(s) == 11 &&
	    strcmp(s, "NCT00000000") != 0;
	for (i = 3; want && i < 11; i++)
		want = is_digit(s[i]);
	check(text_nct_id(s) == (want != 0), "NCT ID check");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	char *text;

	if (fd < 0) {
		check((fd = memfd_create("fuzz_config", 0)) >= 0, "memfd");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	/* As a string: up to the first NUL. */
	check((text = malloc(size + 1)) != NULL, "malloc");
	memcpy(text, data, size);
	text[size] = '\0';

	load_file(fd, path, data, size);
	strings(text);
	free(text);
	return 0;
}

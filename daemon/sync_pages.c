/*
 * sync_pages.c - the cycle's page stage: read the pages, judge each one
 * against the stored records, store its claims and flags; then settle the
 * stored pages that were not read (gone, skipped, or named the old way).
 */
#include "sync_cycle.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "claims.h"
#include "config.h"
#include "judge.h"
#include "log.h"
#include "pages.h"
#include "store.h"

struct scan_ctx {
	struct cycle *c;
	struct judge *judge;
	const char *sinks[3];
	size_t n_sinks;
	char *root;			/* page names are relative to it */
	char **paths;			/* names of the pages read, sorted after */
	size_t n_paths, cap_paths;
};

/* SHA-256 of what is fed to it, as lower-case hex. */
struct digest {
	EVP_MD_CTX *ctx;
	bool ok;
};

static void
digest_init(struct digest *d)
{
	d->ctx = EVP_MD_CTX_new();
	d->ok = d->ctx != NULL && EVP_DigestInit_ex(d->ctx, EVP_sha256(),
	    NULL) == 1;
}

static void
digest_add(struct digest *d, const void *p, size_t n)
{
	d->ok = d->ok && EVP_DigestUpdate(d->ctx, p, n) == 1;
}

/* A field of a record: its length first, so no two records read alike. */
static void
digest_field(struct digest *d, const char *text)
{
	unsigned long long n = text ? strlen(text) + 1 : 0;

	digest_add(d, &n, sizeof(n));
	if (text)
		digest_add(d, text, (size_t)n);
}

static int
digest_hex(struct digest *d, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	d->ok = d->ok && EVP_DigestFinal_ex(d->ctx, md, &len) == 1 && len == 32;
	EVP_MD_CTX_free(d->ctx);
	d->ctx = NULL;
	for (unsigned i = 0; d->ok && i < len; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	return d->ok ? 0 : -1;
}

/*
 * The page's fingerprints: of its text, and of the claims made from it
 * (every column the claims table stores), so an unchanged page costs
 * these comparisons and no write.  0 / -1 (memory).
 */
static int
page_hashes(const char *text, size_t len, const struct claim_list *cl,
    char content[65], char claims[65])
{
	struct digest d;
	char buf[64];

	digest_init(&d);
	digest_add(&d, text, len);
	if (digest_hex(&d, content) < 0)
		return -1;
	digest_init(&d);
	for (size_t i = 0; i < cl->n; i++) {
		const struct claim *c = &cl->v[i];

		digest_field(&d, c->nct_id);
		digest_field(&d, claims_kind_name(c->kind));
		snprintf(buf, sizeof(buf), "%u %d", c->kind == CLAIM_STATUS ?
		    c->statuses : 0u, c->line);
		digest_field(&d, buf);
		digest_field(&d, c->as_of);
		digest_field(&d, c->phrase);
		digest_field(&d, c->excerpt);
	}
	return digest_hex(&d, claims);
}

static int
remember_path(struct scan_ctx *x, const char *path)
{
	if (x->n_paths == x->cap_paths) {
		size_t cap = x->cap_paths ? x->cap_paths * 2 : 64;
		char **v = realloc(x->paths, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		x->paths = v;
		x->cap_paths = cap;
	}
	if ((x->paths[x->n_paths] = strdup(path)) == NULL)
		return -1;
	x->n_paths++;
	return 0;
}

static int
on_page(void *arg, const char *path, const char *text, size_t len)
{
	struct scan_ctx *x = arg;
	struct cycle *c = x->c;
	struct judge_page pg = {0};
	struct store_finding *f = NULL;
	struct store_page sp;
	size_t nf = 0;
	unsigned raised = 0, resolved = 0;
	char content[65], claims[65], *name = NULL;
	int rc = -1;

	c->res->run.pages_scanned++;
	/* From here on the page is its name under the root. */
	if ((name = pages_name(x->root, path)) == NULL ||
	    remember_path(x, name) < 0) {
		store_set_error(c->s, "out of memory");
		goto fail;
	}
	path = name;
	if (judge_page(x->judge, path, text, len, &pg) < 0)
		goto fail;
	if ((f = calloc(pg.verdicts.n + 1, sizeof(*f))) == NULL ||
	    page_hashes(text, len, &pg.claims, content, claims) < 0) {
		store_set_error(c->s, "out of memory");
		goto fail;
	}
	for (nf = 0; nf < pg.verdicts.n; nf++) {
		f[nf].claim = &pg.claims.v[pg.owner[nf]];
		f[nf].verdict = &pg.verdicts.v[nf];
	}
	sp.path = path;
	sp.content_hash = content;
	sp.claims_hash = claims;
	sp.claims = &pg.claims;
	sp.findings = f;
	sp.n_findings = nf;
	sp.quiet_recheck = strcmp(c->cfg->min_severity, "stale") == 0;
	if (store_page_flags(c->s, &sp, x->sinks, x->n_sinks, &raised,
	    &resolved) < 0)
		goto fail;
	c->res->run.flags_raised += raised;
	c->res->run.flags_resolved += resolved;
	log_info("page=%s claims=%zu findings=%zu raised=%u resolved=%u", path,
	    pg.claims.n, nf, raised, resolved);
	rc = 0;
	goto out;
fail:
	c->db_failed = true;
	if (!store_ok(c->s))
		sync_db_fail(c);
	else
		sync_fail(c, "page %s: %s", path, store_errmsg(c->s));
out:
	free(f);
	free(name);
	judge_page_finish(&pg);
	return rc;
}

/* Stored pages that were not read: skipped ones, the rest gone. */
struct unread {
	char **gone;
	size_t n_gone;
	char **skipped;
	char **why;		/* borrowed from the skip list */
	size_t n_skipped;
};

/*
 * Sort the stored pages not read this cycle: those a skip covers (the
 * file, or a folder above it, could not be read) keep their claims and
 * flags; so do those the walk did not look for (outside every path of
 * [pages] paths: not configured any more, or under another root); the
 * others are gone.  Both lists sorted.  0 / -1 (memory).
 */
static int
sort_unread(const struct config *cfg, const char *root, char **stored,
    size_t n, char *const *read, size_t n_read,
    const struct pages_skips *skips, struct unread *u)
{
	size_t i, k = 0;

	if ((u->gone = calloc(n + 1, sizeof(*u->gone))) == NULL ||
	    (u->skipped = calloc(n + 1, sizeof(*u->skipped))) == NULL ||
	    (u->why = calloc(n + 1, sizeof(*u->why))) == NULL)
		return -1;
	/* Both in bytewise order: one merge. */
	for (i = 0; i < n; i++) {
		const char *why;
		int cmp = 1;

		while (k < n_read && (cmp = strcmp(read[k], stored[i])) < 0)
			k++;
		if (k < n_read && cmp == 0)
			continue;
		if ((why = pages_skipped(skips, stored[i])) != NULL) {
			u->skipped[u->n_skipped] = stored[i];
			u->why[u->n_skipped++] = (char *)why;
		} else if (pages_covered(root, cfg->page_paths,
		    cfg->n_page_paths, stored[i])) {
			u->gone[u->n_gone++] = stored[i];
		} else {
			log_debug(
			    "page=%s: outside [pages] paths, not read; its flags are kept",
			    stored[i]);
		}
	}
	return 0;
}

/* Say which skips have lasted since an earlier cycle, in one line. */
static void
report_lasting(const struct unread *u, char (*since)[32], const bool *old)
{
	char line[1024];
	size_t len = 0, lasting = 0, shown = 0;

	line[0] = '\0';
	for (size_t i = 0; i < u->n_skipped; i++) {
		if (!old[i])
			continue;
		lasting++;
		if (shown < 5 && len < sizeof(line)) {
			int w = snprintf(line + len, sizeof(line) - len,
			    "%s%s (since %s: %s)", shown ? ", " : "",
			    u->skipped[i], since[i], u->why[i]);

			if (w > 0)
				len += (size_t)w;
			shown++;
		}
	}
	if (lasting == 0)
		return;
	log_warnx(
	    "pages: %zu page%s still skipped, claims and open flags kept until %s again: %s%s",
	    lasting, lasting == 1 ? "" : "s",
	    lasting == 1 ? "it reads" : "they read", line,
	    lasting > shown ? ", ..." : "");
}

/*
 * After the walk: pages that are gone no longer make their claims; pages
 * that could not be read are not gone.  Only the stored pages a skip
 * covers are kept, so one unreadable file does not keep every deleted
 * page's flags open, and a folder that cannot be listed does not resolve
 * its pages' flags (to raise and announce them again, under new IDs,
 * once it can).  Writes only when a page is gone or a skip begins.
 */
static int
settle_unread(struct cycle *c, struct scan_ctx *x,
    const struct pages_skips *skips)
{
	struct unread u;
	char **stored = NULL;
	char (*since)[32] = NULL;
	bool *lasting = NULL;
	size_t n = 0;
	unsigned resolved = 0;
	int rc = -1;

	memset(&u, 0, sizeof(u));
	if (store_page_paths(c->s, &stored, &n) < 0)
		goto dbfail;
	if (sort_unread(c->cfg, x->root, stored, n, x->paths, x->n_paths,
	    skips, &u) < 0 ||
	    (since = calloc(u.n_skipped + 1, sizeof(*since))) == NULL ||
	    (lasting = calloc(u.n_skipped + 1, sizeof(*lasting))) == NULL) {
		sync_fail(c, "%s", "out of memory");
		goto out;
	}
	if (store_forget_pages(c->s, u.gone, u.n_gone, &resolved) < 0 ||
	    store_pages_skipped(c->s, u.skipped, u.why, u.n_skipped,
	    since, lasting) < 0)
		goto dbfail;
	c->res->run.flags_resolved += resolved;
	for (size_t i = 0; i < u.n_gone; i++)
		log_info("page=%s: gone; its flags are resolved", u.gone[i]);
	report_lasting(&u, since, lasting);
	rc = 0;
	goto out;
dbfail:
	sync_db_fail(c);
out:
	free(lasting);
	free(since);
	free(u.gone);
	free(u.skipped);
	free(u.why);
	store_free_ids(stored, n);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Pages stored before migration 0009 are named as the walk met them,
 * relative to the folder the run started in: rename each, once, to its
 * name under the root, so it keeps its claims and flags.  Two old names
 * of one page (a relative and an absolute path) keep the first; the
 * other is forgotten (its flags resolved: the first holds the same).
 */
static int
root_old_pages(struct cycle *c, const char *root)
{
	char **old = NULL, **names = NULL;
	size_t n = 0;
	unsigned resolved = 0;
	int rc = -1;

	if (store_unrooted_pages(c->s, &old, &n) < 0) {
		sync_db_fail(c);
		return -1;
	}
	if (n == 0) {
		store_free_ids(old, 0);
		return 0;
	}
	if ((names = calloc(n + 1, sizeof(*names))) == NULL)
		goto oom;
	for (size_t i = 0; i < n; i++)
		if ((names[i] = pages_name(root, old[i])) == NULL)
			goto oom;
	if (store_root_pages(c->s, old, names, n, &resolved) < 0) {
		sync_db_fail(c);
		goto out;
	}
	c->res->run.flags_resolved += resolved;
	log_info(
	    "pages: %zu page%s stored by an earlier version named under %s",
	    n, n == 1 ? "" : "s", root);
	rc = 0;
	goto out;
oom:
	sync_fail(c, "%s", "pages: out of memory");
out:
	store_free_ids(names, names ? n : 0);
	store_free_ids(old, n);
	return rc;
}

int
sync_judge_pages(struct cycle *c)
{
	struct scan_ctx x;
	struct pages_skips skips = {0};
	struct store_run before = c->res->run;
	long pages;
	int rc = -1;

	memset(&x, 0, sizeof(x));
	x.c = c;
	sync_phase(c, "pages");
	x.n_sinks = alerts_sinks(c->cfg, x.sinks);
	if ((x.root = pages_root(c->cfg->page_root, c->cfg->page_paths,
	    c->cfg->n_page_paths)) == NULL) {
		sync_fail(c, "pages: the root folder: %s", strerror(errno));
		return -1;
	}
	if (root_old_pages(c, x.root) < 0)
		goto out;
	/* No page, no judge: its acronyms alone are a query over every trial. */
	if (c->cfg->n_page_paths > 0 &&
	    ((x.judge = judge_new(c->cfg, c->s)) == NULL ||
	    judge_prepare(x.judge, c->cfg->page_paths, c->cfg->n_page_paths,
	    c->cfg->max_page_size) < 0)) {
		sync_db_fail(c);
		goto out;
	}
	pages = pages_scan(c->cfg->page_paths, c->cfg->n_page_paths,
	    c->cfg->max_page_size, on_page, &x, &skips);
	c->res->run.pages_skipped = (unsigned)skips.n;
	if (pages < 0) {
		if (!c->res->error[0])
			sync_fail(c, "%s",
			    "reading the pages failed (out of memory)");
		goto out;
	}
	/* Names, in the order the merge with the stored names needs. */
	if (pages_skips_name(&skips, x.root) < 0) {
		sync_fail(c, "%s", "reading the pages failed (out of memory)");
		goto out;
	}
	if (x.n_paths > 1)
		qsort(x.paths, x.n_paths, sizeof(*x.paths), cmp_name);
	if (settle_unread(c, &x, &skips) < 0)
		goto out;
	/* The page stage's counts, once, and only when there are some. */
	if ((c->res->run.flags_raised != before.flags_raised ||
	    c->res->run.flags_resolved != before.flags_resolved ||
	    c->res->run.pages_skipped != before.pages_skipped) &&
	    store_run_progress(c->s, &c->res->run) < 0) {
		sync_db_fail(c);
		goto out;
	}
	rc = 0;
out:
	pages_skips_finish(&skips);
	store_free_ids(x.paths, x.n_paths);
	judge_free(x.judge);
	free(x.root);
	return rc;
}

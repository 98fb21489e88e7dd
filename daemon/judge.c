/*
 * judge.c - the page judge: a page's claims and citations against the
 * stored registry states, with a bounded cache of the records the
 * citation check reads.  Shared by the sync cycle and `ctmirror scan`.
 */
#include "judge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "config.h"
#include "identity.h"
#include "rules.h"
#include "store.h"
#include "study.h"

/*
 * Records the citation check has loaded, by NCT ID, prepared (prep NULL
 * when none is stored).  Bounded by [pages] record_cache bytes: past it
 * the cache starts over, so a knowledge base citing 50,000 trials does not
 * hold 50,000 records unless it is given the memory.  The table allows a
 * record per REC_MIN_BYTES of it (a prepared record is about 1.4 KB) and
 * is never more than half full.
 */
#define REC_MIN_BYTES 512
/* Prepared records are packed into blocks of this size, freed together. */
#define REC_BLOCK (1u << 20)

struct rec_slot {
	char nct_id[NCT_ID_SIZE];	/* "" when the slot is free */
	/*
	 * Read once for the citation check: a page citing a trial a thousand
	 * times reads its record once, not a thousand times.  In a block.
	 */
	const struct identity_record *prep;
};

struct rec_block {
	struct rec_block *next;
	size_t used, cap;
	_Alignas(8) char mem[];
};

struct judge {
	struct store *s;
	struct store_states *states;
	struct claims_index *names;	/* the registry's acronyms, indexed once */
	struct identity *identity;	/* NULL: identity check off */
	struct rules_opts ro;
	struct rec_slot *slots;		/* open addressing; cap a power of 2 */
	size_t cap, n;
	size_t max_n, max_bytes;	/* start over past either */
	size_t bytes;			/* the prepared records' */
	struct rec_block *blocks;	/* the newest first */
};

static size_t
rec_hash(const char *nct_id)
{
	unsigned long long h = 0;

	/* The eight digits are the identity; Fibonacci hashing spreads them. */
	for (const char *p = nct_id + 3; *p; p++)
		h = h * 10 + (unsigned)(*p - '0');
	return (size_t)((h * 11400714819323198485ull) >> 32);
}

static struct rec_slot *
rec_find(const struct judge *j, const char *nct_id)
{
	size_t i = rec_hash(nct_id) & (j->cap - 1);

	while (j->slots[i].nct_id[0] != '\0') {
		if (strcmp(j->slots[i].nct_id, nct_id) == 0)
			return &j->slots[i];
		i = (i + 1) & (j->cap - 1);
	}
	return &j->slots[i];	/* the free slot where it would go */
}

static void
rec_clear(struct judge *j)
{
	struct rec_block *b;

	/* Only used slots are written: a big table's untouched pages stay so. */
	for (size_t i = 0; i < j->cap; i++)
		if (j->slots[i].nct_id[0] != '\0')
			memset(&j->slots[i], 0, sizeof(j->slots[i]));
	while ((b = j->blocks) != NULL) {
		j->blocks = b->next;
		free(b);
	}
	j->n = 0;
	j->bytes = 0;
}

/* n bytes, 8-byte aligned, in the newest block or a new one; NULL: OOM. */
static void *
rec_alloc(struct judge *j, size_t n)
{
	struct rec_block *b = j->blocks;
	void *p;

	n = (n + 7u) & ~(size_t)7u;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > REC_BLOCK ? n : REC_BLOCK;

		if ((b = malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = j->blocks;
		j->blocks = b;
	}
	p = b->mem + b->used;
	b->used += n;
	return p;
}

/*
 * Cache st (freed here; NULL: no record) under nct_id, unless already
 * there, prepared for the citation check.  0, or -1 when out of memory.
 */
static int
rec_put(struct judge *j, const char *nct_id, struct study *st)
{
	struct rec_slot *slot = rec_find(j, nct_id);
	struct identity_record *prep = NULL;
	const struct identity_record *packed = NULL;
	size_t size = 0;
	void *mem;
	int rc = -1;

	if (slot->nct_id[0] != '\0') {
		rc = 0;
		goto out;
	}
	if (st != NULL && j->identity != NULL) {
		if ((prep = identity_record_new(j->identity, st)) == NULL ||
		    (mem = rec_alloc(j, size = identity_record_size(prep))) ==
		    NULL)
			goto out;
		packed = identity_record_pack(prep, mem);
	}
	snprintf(slot->nct_id, sizeof(slot->nct_id), "%s", nct_id);
	slot->prep = packed;
	j->n++;
	j->bytes += sizeof(*slot) + size;
	rc = 0;
out:
	identity_record_free(prep);
	study_free(st);		/* the packed record keeps what it needs */
	return rc;
}

static int
on_record(void *arg, const char *nct_id, const char *json, size_t len)
{
	struct judge *j = arg;
	struct study_error err;

	/*
	 * A stored record parsed when it was stored; a summary that does
	 * not is left out of the check (no verdict) rather than failing
	 * the page.  study_from_text, not a whole tree: the same fields
	 * without a tree of the whole summary and its canonical dump, a
	 * quarter of a scan's CPU when the cache turns over.
	 */
	if (rec_put(j, nct_id, study_from_text(json, len, nct_id, &err)) < 0) {
		store_set_error(j->s, "page judge: out of memory");
		return -1;
	}
	return 0;
}

/* The ID a page's nct_id leads to: its current ID when it is an alias. */
static const char *
current_of(const struct judge *j, const char *nct_id)
{
	const char *cur = store_states_alias(j->states, nct_id);

	return cur ? cur : nct_id;
}

/*
 * Records one load asks for at most: a page citing more trials than the
 * cache holds is judged in windows, each window's records loaded together.
 */
#define REC_LOAD_MAX 512

/*
 * Load the records the cache lacks for the page's mentions from `from`
 * on, as many as one load asks for (the cache starts over first when they
 * might not fit); the mentions covered end at *to (> from).  0 / -1.
 */
static int
load_records(struct judge *j, const struct mention_list *ml,
    size_t from, size_t *to)
{
	char *want[REC_LOAD_MAX];
	size_t n = 0, i;

	if (j->n + REC_LOAD_MAX > j->max_n || j->bytes > j->max_bytes)
		rec_clear(j);
	for (i = from; i < ml->n; i++) {
		const char *id = current_of(j, ml->v[i].nct_id);
		bool dup = false;

		for (size_t k = 0; k < n && !dup; k++)
			dup = strcmp(want[k], id) == 0;
		if (dup || rec_find(j, id)->nct_id[0] != '\0' ||
		    store_states_get(j->states, id) == NULL)
			continue;
		if (n == REC_LOAD_MAX)
			break;
		want[n++] = (char *)id;
	}
	*to = i;
	if (store_each_record_summary(j->s, want, n, on_record, j) < 0)
		return -1;
	/* Asked and not answered: remember there is none. */
	for (i = 0; i < n; i++)
		(void)rec_put(j, want[i], NULL);	/* no record: cannot fail */
	return 0;
}

struct judge *
judge_new(const struct config *cfg, struct store *s)
{
	struct judge *j;
	struct identity_opts io = {cfg->identity_min_terms};
	const struct claims_acronym *acr;
	size_t n_acr;

	if ((j = calloc(1, sizeof(*j))) == NULL)
		goto oom;
	j->s = s;
	config_today(cfg, j->ro.today);
	j->ro.stale_after_days = cfg->stale_after_days;
	j->max_bytes = cfg->record_cache;
	j->max_n = cfg->record_cache / REC_MIN_BYTES;
	if (j->max_n < 2 * REC_LOAD_MAX)
		j->max_n = 2 * REC_LOAD_MAX;
	/* Past twice the count bound: the table never fills past half. */
	for (j->cap = 1024; j->cap < 2 * j->max_n; j->cap *= 2)
		;
	if ((j->slots = calloc(j->cap, sizeof(*j->slots))) == NULL)
		goto oom;
	if (cfg->identity_min_terms > 0 &&
	    (j->identity = identity_new(&io)) == NULL)
		goto oom;
	j->ro.identity = j->identity;
	if ((j->states = store_load_states(s)) == NULL)
		goto fail;
	acr = store_states_acronyms(j->states, &n_acr);
	if ((j->names = claims_index_new(acr, n_acr)) == NULL)
		goto oom;
	return j;
oom:
	store_set_error(s, "page judge: out of memory");
fail:
	judge_free(j);
	return NULL;
}

void
judge_free(struct judge *j)
{
	if (j == NULL)
		return;
	if (j->slots)
		rec_clear(j);
	free(j->slots);
	identity_free(j->identity);
	claims_index_free(j->names);
	store_states_free(j->states);
	free(j);
}

const struct trial_state *
judge_state(const struct judge *j, const char *nct_id)
{
	return store_states_get(j->states, current_of(j, nct_id));
}

/* Record that verdicts [from, n) judge claim `claim`.  0 / -1. */
static int
own(struct judge_page *out, size_t from, size_t claim)
{
	size_t *grown;

	if (out->verdicts.n == from)
		return 0;
	if ((grown = realloc(out->owner, out->verdicts.n *
	    sizeof(*grown))) == NULL)
		return -1;
	out->owner = grown;
	for (size_t k = from; k < out->verdicts.n; k++)
		out->owner[k] = claim;
	return 0;
}

/* Append *c (its strings stolen) to l.  0 / -1 (then c still owns them). */
static int
push_claim(struct claim_list *l, const struct claim *c)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct claim *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *c;
	return 0;
}

int
judge_page(struct judge *j, const char *text, size_t len,
    struct judge_page *out)
{
	struct mention_list ml = {0};
	size_t i, before, loaded = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	/* Claims and citations in one pass over the page. */
	if (claims_scan(text, len, j->names, &out->claims, &ml) < 0)
		goto oom;
	for (i = 0; i < out->claims.n; i++) {
		before = out->verdicts.n;
		if (rules_judge(&out->claims.v[i], judge_state(j,
		    out->claims.v[i].nct_id), &j->ro, &out->verdicts) < 0 ||
		    own(out, before, i) < 0)
			goto oom;
	}
	/* Citations: every NCT ID the page names is a claim of its own. */
	for (i = 0; i < ml.n; i++) {
		const struct mention *m = &ml.v[i];
		const char *cur = store_states_alias(j->states, m->nct_id);
		const struct identity_record *rec = NULL;
		struct claim c;

		if (j->identity != NULL) {
			/* Records for mentions [i, loaded) are in the cache. */
			if (i == loaded && load_records(j, &ml, i, &loaded) < 0)
				goto out;
			rec = rec_find(j, cur ? cur : m->nct_id)->prep;
		}
		if (identity_claim(m, &c) < 0)
			goto oom;
		if (push_claim(&out->claims, &c) < 0) {
			free(c.excerpt);
			free(c.phrase);
			goto oom;
		}
		before = out->verdicts.n;
		if (rules_judge_mention(&out->claims.v[out->claims.n - 1], m,
		    judge_state(j, m->nct_id), cur, rec, &j->ro,
		    &out->verdicts) < 0 ||
		    own(out, before, out->claims.n - 1) < 0)
			goto oom;
	}
	rc = 0;
	goto out;
oom:
	store_set_error(j->s, "judging a page: out of memory");
out:
	claims_mentions_finish(&ml);
	return rc;
}

void
judge_page_finish(struct judge_page *p)
{
	if (p == NULL)
		return;
	free(p->owner);
	rules_list_finish(&p->verdicts);
	claims_list_finish(&p->claims);
	memset(p, 0, sizeof(*p));
}

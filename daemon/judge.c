/*
 * judge.c - the page judge: a page's claims and citations against the
 * stored registry states and records.  judge_prepare() reads the pages
 * once for the NCT IDs they cite, then each cited trial's state and
 * record once, in ID order, and keeps them prepared for the citation
 * check in a file; judging a page reads what it needs from there through
 * a cache bounded by [pages] record_cache.
 */
#include "judge.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims.h"
#include "config.h"
#include "identity.h"
#include "pages.h"
#include "rules.h"
#include "store.h"
#include "study.h"
#include "suppress.h"
#include "text.h"

/*
 * One trial as the judge reads it: its state and its record prepared for
 * the citation check, in one block that points only into itself, so that
 * it can be written to the file and read back anywhere (entry_moved).
 * Layout: this struct, the PMID pointers, the strings, the packed record.
 */
struct entry {
	struct trial_state st;
	size_t size;		/* bytes of the whole block */
	size_t rec_off;		/* of the packed record; 0: none */
	const void *base;	/* where the block was built */
};

#define ALIGN8(n) (((n) + 7u) & ~(size_t)7u)
/* A prepared trial no row was found for: nothing stored, no state. */
#define NO_ENTRY UINT64_MAX

/* One cited trial judge_prepare() read: where its entry is in the file. */
struct prepared {
	uint32_t id;		/* the eight digits of its NCT ID */
	uint32_t size;
	uint64_t off;		/* NO_ENTRY: nothing stored */
};

/*
 * The cache of entries, by NCT ID: an open-addressing table of slots into
 * blocks freed together.  Bounded by [pages] record_cache bytes: past it
 * the cache starts over.  The table allows an entry per ENTRY_MIN_BYTES of
 * it and is never more than half full.
 */
#define ENTRY_MIN_BYTES 512
#define BLOCK_SIZE (1u << 20)

struct slot {
	uint32_t id;		/* 0: free (NCT00000000 is no ID) */
	const struct entry *e;	/* NULL: nothing stored for it */
};

struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(8) char mem[];
};

struct judge {
	struct store *s;
	struct store_names *names;	/* acronyms and aliases */
	struct claims_index *index;	/* the registry's acronyms, indexed once */
	struct identity *identity;	/* NULL: identity check off */
	struct rules_opts ro;
	struct slot *slots;		/* cap a power of 2 */
	size_t cap, n, max_n, max_bytes, bytes;
	struct block *blocks;		/* the newest first */
	/* judge_prepare()'s: the cited trials (by ID) and their file. */
	struct prepared *prep;
	size_t n_prep;
	FILE *file;
	/* While preparing: the IDs the pages cite, and a build buffer. */
	uint32_t *cited;
	size_t n_cited, cap_cited;
	char *buf;
	size_t buf_cap;
	uint64_t file_off;
	bool failed;
};

/* "NCT01234567" as 1234567; 0 when it is not an NCT ID. */
static uint32_t
id_num(const char *nct_id)
{
	uint32_t v = 0;

	if (!text_nct_id(nct_id))
		return 0;
	for (const char *p = nct_id + 3; *p; p++)
		v = v * 10 + (uint32_t)(*p - '0');
	return v;
}

static void
id_text(uint32_t v, char out[NCT_ID_SIZE])
{
	snprintf(out, NCT_ID_SIZE, "NCT%08u", (unsigned)(v % 100000000u));
}

/* ------------------------------------------------------------ entries */

/*
 * Build the entry of st (strings borrowed) and prep (NULL: none) in
 * j->buf; its size, or 0 when out of memory.
 */
static size_t
entry_build(struct judge *j, const struct trial_state *st,
    const struct identity_record *prep)
{
	const char *strs[4] = {st->overall_status, st->acronym,
	    st->brief_title, st->registry_answer};
	size_t size = ALIGN8(sizeof(struct entry)), at, k, rec;
	struct entry *e;
	char *p;

	size += ALIGN8(st->n_result_pmids * sizeof(char *));
	for (k = 0; k < 4; k++)
		size += strs[k] ? strlen(strs[k]) + 1 : 0;
	for (k = 0; k < st->n_result_pmids; k++)
		size += strlen(st->result_pmids[k]) + 1;
	size = ALIGN8(size);
	rec = size;
	if (prep != NULL)
		size += ALIGN8(identity_record_size(prep));
	if (size > j->buf_cap) {
		char *nb = realloc(j->buf, size);

		if (nb == NULL)
			return 0;
		j->buf = nb;
		j->buf_cap = size;
	}
	memset(j->buf, 0, rec);
	e = (struct entry *)j->buf;
	e->st = *st;
	e->size = size;
	e->base = e;
	at = ALIGN8(sizeof(struct entry));
	e->st.result_pmids = (const char *const *)(j->buf + at);
	at += ALIGN8(st->n_result_pmids * sizeof(char *));
	p = j->buf + at;
	for (k = 0; k < 4; k++) {
		const char **dst = k == 0 ? &e->st.overall_status : k == 1 ?
		    &e->st.acronym : k == 2 ? &e->st.brief_title :
		    &e->st.registry_answer;

		*dst = NULL;
		if (strs[k] != NULL) {
			*dst = strcpy(p, strs[k]);
			p += strlen(strs[k]) + 1;
		}
	}
	for (k = 0; k < st->n_result_pmids; k++) {
		((const char **)e->st.result_pmids)[k] = strcpy(p,
		    st->result_pmids[k]);
		p += strlen(st->result_pmids[k]) + 1;
	}
	e->rec_off = 0;
	if (prep != NULL) {
		identity_record_pack(prep, j->buf + rec);
		e->rec_off = rec;
	}
	return size;
}

/* Where a pointer into a block built at `from` is in its copy at `to`. */
static const void *
moved(const void *p, const void *from, const void *to)
{
	return p ? (const char *)to + ((const char *)p - (const char *)from) :
	    NULL;
}

/* The entry whose bytes were copied to buf: its pointers moved there. */
static const struct entry *
entry_moved(void *buf)
{
	struct entry *e = buf;
	const void *was = e->base;
	const char **pm;

	e->st.overall_status = moved(e->st.overall_status, was, e);
	e->st.acronym = moved(e->st.acronym, was, e);
	e->st.brief_title = moved(e->st.brief_title, was, e);
	e->st.registry_answer = moved(e->st.registry_answer, was, e);
	pm = (const char **)moved(e->st.result_pmids, was, e);
	e->st.result_pmids = pm;
	for (size_t k = 0; k < e->st.n_result_pmids; k++)
		pm[k] = moved(pm[k], was, e);
	if (e->rec_off != 0)
		identity_record_moved((char *)e + e->rec_off,
		    (const char *)was + e->rec_off);
	e->base = e;
	return e;
}

static const struct identity_record *
entry_record(const struct entry *e)
{
	return e != NULL && e->rec_off != 0 ?
	    (const struct identity_record *)((const char *)e + e->rec_off) :
	    NULL;
}

/*
 * The record of a state, prepared for the citation check: NULL when the
 * check is off or the summary does not parse (a stored record parsed
 * when it was stored: it is left out of the check, not failing the page).
 * New (identity_record_free).  *oom when out of memory.
 */
static struct identity_record *
prepare(struct judge *j, const struct trial_state *st, const char *summary,
    size_t len, bool *oom)
{
	struct identity_record *r = NULL;
	struct study_error err;
	struct study *rec;

	*oom = false;
	if (j->identity == NULL || summary == NULL)
		return NULL;
	/*
	 * study_from_text, not a whole tree: the same fields without a
	 * tree of the whole summary and its canonical dump.
	 */
	if ((rec = study_from_text(summary, len, st->nct_id, &err)) == NULL)
		return NULL;
	if ((r = identity_record_new(j->identity, rec)) == NULL)
		*oom = true;
	study_free(rec);
	return r;
}

/* -------------------------------------------------------------- cache */

static size_t
slot_hash(uint32_t id)
{
	/* The eight digits are the identity; Fibonacci hashing spreads them. */
	return (size_t)(((uint64_t)id * 11400714819323198485ull) >> 32);
}

static struct slot *
slot_find(const struct judge *j, uint32_t id)
{
	size_t i = slot_hash(id) & (j->cap - 1);

	while (j->slots[i].id != 0 && j->slots[i].id != id)
		i = (i + 1) & (j->cap - 1);
	return &j->slots[i];	/* its slot, or the free one where it would go */
}

static void
cache_clear(struct judge *j)
{
	struct block *b;

	/* Only used slots are written: a big table's untouched pages stay so. */
	for (size_t i = 0; i < j->cap; i++)
		if (j->slots[i].id != 0)
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
cache_alloc(struct judge *j, size_t n)
{
	struct block *b = j->blocks;
	void *p;

	n = ALIGN8(n);
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > BLOCK_SIZE ? n : BLOCK_SIZE;

		if ((b = malloc(sizeof(*b) + cap)) == NULL)
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = j->blocks;
		j->blocks = b;
		j->bytes += sizeof(*b) + cap;
	}
	p = b->mem + b->used;
	b->used += n;
	return p;
}

/*
 * Room for one more entry of `size` bytes: the cache starts over when it
 * would pass either bound.  The slot of id afterwards.
 */
static struct slot *
cache_room(struct judge *j, uint32_t id, size_t size)
{
	if (j->n + 1 > j->max_n || j->bytes + size > j->max_bytes)
		cache_clear(j);
	return slot_find(j, id);
}

/* Keep the entry built in j->buf (size bytes; 0: nothing stored) for id. */
static const struct entry *
cache_put_built(struct judge *j, uint32_t id, size_t size, bool *oom)
{
	struct slot *sl = cache_room(j, id, size);
	void *mem = NULL;

	*oom = false;
	if (size > 0) {
		if ((mem = cache_alloc(j, size)) == NULL) {
			*oom = true;
			return NULL;
		}
		memcpy(mem, j->buf, size);
	}
	sl->id = id;
	sl->e = mem ? entry_moved(mem) : NULL;
	j->n++;
	return sl->e;
}

/* ------------------------------------------------------------ loading */

static int
cmp_prepared(const void *a, const void *b)
{
	uint32_t x = ((const struct prepared *)a)->id;
	uint32_t y = ((const struct prepared *)b)->id;

	return (x > y) - (x < y);
}

/* Read a prepared entry back from the file into the cache. */
static const struct entry *
load_prepared(struct judge *j, const struct prepared *p, bool *oom)
{
	struct slot *sl;
	void *mem;

	*oom = false;
	sl = cache_room(j, p->id, p->size);
	if (p->off == NO_ENTRY) {
		sl->id = p->id;
		sl->e = NULL;
		j->n++;
		return NULL;
	}
	if ((mem = cache_alloc(j, p->size)) == NULL ||
	    pread(fileno(j->file), mem, p->size, (off_t)p->off) !=
	    (ssize_t)p->size) {
		/* A file that cannot be read back: as bad as no memory. */
		*oom = true;
		return NULL;
	}
	sl->id = p->id;
	sl->e = entry_moved(mem);
	j->n++;
	return sl->e;
}

/* What one store_each_state() call delivers into the cache. */
struct fill {
	struct judge *j;
	bool oom;
};

static int
on_state_cached(void *arg, const struct trial_state *st,
    const char *summary, size_t len)
{
	struct fill *fl = arg;
	struct judge *j = fl->j;
	struct identity_record *prep = prepare(j, st, summary, len, &fl->oom);
	size_t size = fl->oom ? 0 : entry_build(j, st, prep);

	identity_record_free(prep);
	if (fl->oom || size == 0 || (cache_put_built(j, id_num(st->nct_id),
	    size, &fl->oom), fl->oom)) {
		fl->oom = true;
		return -1;
	}
	return 0;
}

/* The ID a page's nct_id leads to: its current ID when it is an alias. */
static const char *
current_of(const struct judge *j, const char *nct_id)
{
	const char *cur = store_names_alias(j->names, nct_id);

	return cur ? cur : nct_id;
}

/*
 * The entry of nct_id (its current ID's for an alias): from the cache,
 * else the prepared file, else the database.  NULL when nothing is stored
 * (or on failure: *failed set, store_errmsg says why).
 */
static const struct entry *
entry_of(struct judge *j, const char *nct_id, bool *failed)
{
	const char *cur = current_of(j, nct_id);
	struct prepared key, *p;
	struct fill fl = {j, false};
	uint32_t id = id_num(cur);
	struct slot *sl;
	char *ids[1];

	*failed = false;
	if (id == 0)
		return NULL;
	if ((sl = slot_find(j, id))->id == id)
		return sl->e;
	key.id = id;
	if (j->n_prep > 0 && (p = bsearch(&key, j->prep, j->n_prep,
	    sizeof(*p), cmp_prepared)) != NULL) {
		const struct entry *e = load_prepared(j, p, &fl.oom);

		if (fl.oom) {
			store_set_error(j->s, "page judge: out of memory");
			*failed = true;
		}
		return e;
	}
	/* Not among what the pages cite by ID: an acronym names it. */
	ids[0] = (char *)cur;
	if (store_each_state(j->s, ids, 1, on_state_cached, &fl) < 0) {
		if (fl.oom)
			store_set_error(j->s, "page judge: out of memory");
		*failed = true;
		return NULL;
	}
	if ((sl = slot_find(j, id))->id == id)
		return sl->e;
	/* No row: nothing stored; remembered, as a prepared one would be. */
	sl = cache_room(j, id, 0);
	sl->id = id;
	sl->e = NULL;
	j->n++;
	return NULL;
}

const struct trial_state *
judge_state(struct judge *j, const char *nct_id)
{
	bool failed;
	const struct entry *e = entry_of(j, nct_id, &failed);

	return e ? &e->st : NULL;
}

/* ---------------------------------------------------------- preparing */

static int
on_page_ids(void *arg, const char *path, const char *text, size_t len)
{
	struct judge *j = arg;
	char id[NCT_ID_SIZE];
	size_t at = 0, i;

	while ((i = text_nct_next((const unsigned char *)text, len, at, id)) !=
	    SIZE_MAX) {
		const char *cur = current_of(j, id);

		at = i + 11;
		for (int k = 0; k < (cur != id ? 2 : 1); k++) {
			uint32_t v = id_num(k ? cur : id);

			/* The last few pushed: most repeats are near. */
			if (j->n_cited > 0 && j->cited[j->n_cited - 1] == v)
				continue;
			if (j->n_cited == j->cap_cited) {
				size_t cap = j->cap_cited ? 2 * j->cap_cited :
				    4096;
				uint32_t *v2 = realloc(j->cited, cap *
				    sizeof(*v2));

				if (v2 == NULL) {
					j->failed = true;
					return -1;
				}
				j->cited = v2;
				j->cap_cited = cap;
			}
			j->cited[j->n_cited++] = v;
		}
	}
	return 0;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* What store_each_state() delivers while preparing: into the file. */
static int
on_state_prepared(void *arg, const struct trial_state *st,
    const char *summary, size_t len)
{
	struct judge *j = arg;
	struct prepared key, *p;
	struct identity_record *prep;
	bool oom;
	size_t size;

	prep = prepare(j, st, summary, len, &oom);
	size = oom ? 0 : entry_build(j, st, prep);
	identity_record_free(prep);
	key.id = id_num(st->nct_id);
	p = bsearch(&key, j->prep, j->n_prep, sizeof(*p), cmp_prepared);
	if (size == 0 || size > UINT32_MAX || p == NULL ||
	    fwrite(j->buf, 1, size, j->file) != size) {
		j->failed = true;
		return -1;
	}
	p->off = j->file_off;
	p->size = (uint32_t)size;
	j->file_off += size;
	return 0;
}

/*
 * Trials read from the database per query while preparing: each query
 * works out the deadlines of results_due once (0.2 s at 50,000 trials).
 */
#define PREPARE_CHUNK 65536

int
judge_prepare(struct judge *j, char *const *paths, size_t n,
    size_t max_size)
{
	struct pages_skips quiet = {0};
	char **ids = NULL;
	size_t i, k;
	long walked;
	int rc = -1;

	if (j->file != NULL)
		return 0;
	j->failed = false;
	j->n_cited = 0;
	/* The walk that judges warns about what it skips; this one not. */
	quiet.quiet = true;
	walked = pages_scan(paths, n, max_size, on_page_ids, j, &quiet);
	pages_skips_finish(&quiet);
	if (walked < 0 || j->failed) {
		store_set_error(j->s,
		    "page judge: reading the pages for their citations failed");
		goto out;
	}
	if (j->n_cited > 0)
		qsort(j->cited, j->n_cited, sizeof(*j->cited), cmp_u32);
	for (i = k = 0; i < j->n_cited; i++)
		if (k == 0 || j->cited[k - 1] != j->cited[i])
			j->cited[k++] = j->cited[i];
	j->n_cited = k;
	if ((j->prep = calloc(k + 1, sizeof(*j->prep))) == NULL ||
	    (ids = calloc(PREPARE_CHUNK + 1, sizeof(*ids))) == NULL ||
	    (j->file = tmpfile()) == NULL) {
		store_set_error(j->s,
		    "page judge: out of memory or no temporary file");
		goto out;
	}
	for (i = 0; i < k; i++) {
		j->prep[i].id = j->cited[i];
		j->prep[i].off = NO_ENTRY;
	}
	j->n_prep = k;
	/*
	 * Each cited trial's state and record, once; in chunks, so that one
	 * query's ID list stays small.
	 */
	for (i = 0; i < k; i += PREPARE_CHUNK) {
		size_t m = k - i < PREPARE_CHUNK ? k - i : PREPARE_CHUNK;

		for (size_t c = 0; c < m; c++) {
			if ((ids[c] = malloc(NCT_ID_SIZE)) == NULL) {
				store_free_ids(ids, c);
				ids = NULL;
				store_set_error(j->s,
				    "page judge: out of memory");
				goto out;
			}
			id_text(j->cited[i + c], ids[c]);
		}
		if (store_each_state(j->s, ids, m, on_state_prepared, j) < 0 ||
		    j->failed) {
			if (j->failed)
				store_set_error(j->s,
				    "page judge: out of memory or the temporary file is full");
			for (size_t c = 0; c < m; c++)
				free(ids[c]);
			goto out;
		}
		for (size_t c = 0; c < m; c++)
			free(ids[c]);
	}
	if (fflush(j->file) != 0) {
		store_set_error(j->s, "page judge: the temporary file is full");
		goto out;
	}
	rc = 0;
out:
	free(ids);
	free(j->cited);
	j->cited = NULL;
	j->n_cited = j->cap_cited = 0;
	if (rc < 0) {
		free(j->prep);
		j->prep = NULL;
		j->n_prep = 0;
		if (j->file != NULL)
			fclose(j->file);
		j->file = NULL;
	}
	return rc;
}

/* -------------------------------------------------------------- judge */

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
	j->max_n = cfg->record_cache / ENTRY_MIN_BYTES;
	/* Past twice the count bound: the table never fills past half. */
	for (j->cap = 1024; j->cap < 2 * j->max_n; j->cap *= 2)
		;
	if ((j->slots = calloc(j->cap, sizeof(*j->slots))) == NULL)
		goto oom;
	if (cfg->identity_min_terms > 0 &&
	    (j->identity = identity_new(&io)) == NULL)
		goto oom;
	j->ro.identity = j->identity;
	if ((j->names = store_load_names(s)) == NULL)
		goto fail;
	acr = store_names_acronyms(j->names, &n_acr);
	if ((j->index = claims_index_new(acr, n_acr)) == NULL)
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
		cache_clear(j);
	free(j->slots);
	free(j->prep);
	free(j->cited);
	free(j->buf);
	if (j->file != NULL)
		fclose(j->file);
	identity_free(j->identity);
	claims_index_free(j->index);
	store_names_free(j->names);
	free(j);
}

/*
 * Record that verdicts [from, n) judge claim `claim`.  0 / -1.  The
 * array doubles: grown by each claim's few verdicts, it was copied whole
 * at every claim where realloc cannot extend in place.
 */
static int
own(struct judge_page *out, size_t from, size_t claim)
{
	size_t *grown, cap;

	if (out->verdicts.n == from)
		return 0;
	if (out->verdicts.n > out->owner_cap) {
		for (cap = out->owner_cap ? out->owner_cap : 16;
		    cap < out->verdicts.n; cap *= 2)
			;
		if ((grown = realloc(out->owner, cap * sizeof(*grown))) == NULL)
			return -1;
		out->owner = grown;
		out->owner_cap = cap;
	}
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
judge_page(struct judge *j, const char *path, const char *text, size_t len,
    struct judge_page *out)
{
	struct mention_list ml = {0};
	const struct entry *e;
	size_t i, before;
	bool failed;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	/* Claims and citations in one pass over the page. */
	if (claims_scan(text, len, reader_format_of(path), j->index,
	    &out->claims, &ml) < 0)
		goto oom;
	for (i = 0; i < out->claims.n; i++) {
		e = entry_of(j, out->claims.v[i].nct_id, &failed);
		if (failed)
			goto out;
		before = out->verdicts.n;
		if (rules_judge(&out->claims.v[i], e ? &e->st : NULL, &j->ro,
		    &out->verdicts) < 0 || own(out, before, i) < 0)
			goto oom;
	}
	/* Citations: every NCT ID the page names is a claim of its own. */
	for (i = 0; i < ml.n; i++) {
		const struct mention *m = &ml.v[i];
		const char *cur = store_names_alias(j->names, m->nct_id);
		struct claim c;

		e = entry_of(j, m->nct_id, &failed);
		if (failed)
			goto out;
		if (identity_claim(m, &c) < 0)
			goto oom;
		if (push_claim(&out->claims, &c) < 0) {
			free(c.excerpt);
			free(c.phrase);
			goto oom;
		}
		before = out->verdicts.n;
		if (rules_judge_mention(&out->claims.v[out->claims.n - 1], m,
		    e ? &e->st : NULL, cur, j->identity ? entry_record(e) :
		    NULL, &j->ro, &out->verdicts) < 0 ||
		    own(out, before, out->claims.n - 1) < 0)
			goto oom;
	}
	/* What the page's own disable comments silence (suppress.h). */
	if (suppress_apply(text, len, &out->claims, &out->verdicts,
	    out->owner) < 0)
		goto oom;
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

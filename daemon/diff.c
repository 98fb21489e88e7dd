/*
 * diff.c - PURE: field-level changes between two canonical versions of a
 * study.  Objects are walked member by member; array elements are matched
 * by value, then by a natural key, so that reordering is never a change.
 */
#include "diff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)
#define REFERENCES_PATH "/protocolSection/referencesModule/references"
#define SM "/protocolSection/statusModule"

struct walk {
	struct change_list *out;
	/* The JSON pointer of the value compared, grown as the walk descends. */
	struct text_buf path;
};

/* One element of an array being matched. */
struct elem {
	json_t *v;
	char *norm;		/* normal form: equal up to order, equal text */
	uint64_t hash;
	size_t idx;
	struct elem *pair;	/* the matched element on the other side */
};

/*
 * A natural key: members whose values identify an element across versions.
 * `b` is an optional second member.  References use their own rule.
 */
struct key_spec {
	const char *a;
	const char *b;
};

/*
 * Tried in order on the elements left after exact matching.  Ids first
 * (results groups, MeSH terms), then the names that identify sites,
 * interventions, outcome measures, arm groups and adverse events.  Among
 * several elements with one key value, pairs follow index order.
 */
static const struct key_spec key_specs[] = {
	{"id", NULL},
	{"groupId", NULL},
	{"facility", "city"},
	{"name", NULL},
	{"title", NULL},
	{"measure", NULL},
	{"label", NULL},
	{"term", "organSystem"},
	{"term", NULL},
	{"facility", NULL},
	/* Last: participant-flow milestones and drop reasons are named so. */
	{"type", NULL},
};

/* A key value found in one element. */
struct keyed {
	const char *k1;
	const char *k2;		/* "" when the spec has one member */
	struct elem *e;
};

/* ------------------------------------------------------------- the list */

static int
list_push(struct change_list *l, char *path, char *old, char *new)
{
	struct change *v;

	if ((v = text_grow(l->v, &l->cap, l->n, sizeof(*v))) == NULL)
		return -1;
	l->v = v;
	l->v[l->n++] = (struct change){path, old, new, diff_classify(path)};
	return 0;
}

/* Record a change; takes the texts (either may be NULL) whatever happens. */
static int
emit_text(struct walk *w, char *old, char *new)
{
	char *path = strdup(w->path.s ? w->path.s : "");

	if (path == NULL || list_push(w->out, path, old, new) < 0) {
		free(path);
		free(old);
		free(new);
		return -1;
	}
	return 0;
}

static int
emit(struct walk *w, const json_t *old, const json_t *new)
{
	char *o = NULL, *n = NULL;

	if ((old && (o = json_dumps(old, DUMP_FLAGS)) == NULL) ||
	    (new && (n = json_dumps(new, DUMP_FLAGS)) == NULL)) {
		free(o);
		return -1;
	}
	return emit_text(w, o, n);
}

/* ------------------------------------------------------------- the path */

/* Append "/key" with RFC 6901 escaping (~ as ~0, / as ~1). */
static int
path_push_key(struct text_buf *p, const char *key)
{
	size_t n = strlen(key), i;

	if (text_buf_room(p, 1 + 2 * n) < 0)
		return -1;
	p->s[p->len++] = '/';
	for (i = 0; i < n; i++) {
		if (key[i] == '~' || key[i] == '/') {
			p->s[p->len++] = '~';
			p->s[p->len++] = key[i] == '~' ? '0' : '1';
		} else
			p->s[p->len++] = key[i];
	}
	p->s[p->len] = '\0';
	return 0;
}

static int
path_push_index(struct text_buf *p, size_t idx)
{
	int n;

	if (text_buf_room(p, 24) < 0)
		return -1;
	n = snprintf(p->s + p->len, 24, "/%zu", idx);
	p->len += (size_t)n;
	return 0;
}

static void
path_pop(struct text_buf *p, size_t len)
{
	p->len = len;
	if (p->s)
		p->s[len] = '\0';
}

/* ------------------------------------------------------------- the walk */

static int diff_value(struct walk *w, json_t *a, json_t *b);

static int
diff_object(struct walk *w, json_t *a, json_t *b)
{
	size_t mark = w->path.len;
	const char *key;
	json_t *va, *vb;
	int rc;

	json_object_foreach(a, key, va) {
		if (path_push_key(&w->path, key) < 0)
			return -1;
		vb = json_object_get(b, key);
		rc = vb ? diff_value(w, va, vb) : emit(w, va, NULL);
		path_pop(&w->path, mark);
		if (rc < 0)
			return -1;
	}
	json_object_foreach(b, key, vb) {
		if (json_object_get(a, key))
			continue;
		if (path_push_key(&w->path, key) < 0)
			return -1;
		rc = emit(w, NULL, vb);
		path_pop(&w->path, mark);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* FNV-1a: only needs to spread texts so that sorting groups equal ones. */
static uint64_t
hash_text(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A quoted string; escaping " and \ is enough to keep the form unambiguous. */
static int
buf_quote(struct text_buf *b, const char *s, size_t n)
{
	size_t i, run = 0;

	if (text_buf_put(b, "\"", 1) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] != '"' && s[i] != '\\')
			continue;
		if (text_buf_put(b, s + run, i - run) < 0 || text_buf_put(b,
		    "\\", 1) < 0)
			return -1;
		run = i;
	}
	return text_buf_put(b, s + run, n - run) < 0 ? -1 : text_buf_put(b,
	    "\"", 1);
}

static int
str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static int norm_add(struct text_buf *b, json_t *v);

/*
 * An array's normal form lists its elements' normal forms sorted, so two
 * arrays holding the same elements in any order (at any depth) agree.
 */
static int
norm_array(struct text_buf *b, json_t *v)
{
	size_t n = json_array_size(v), i, done = 0;
	struct text_buf e = {0};
	char **parts;
	int rc = -1;

	if ((parts = calloc(n + 1, sizeof(*parts))) == NULL)
		return -1;
	for (done = 0; done < n; done++) {
		e = (struct text_buf){0};
		if (norm_add(&e, json_array_get(v, done)) < 0) {
			free(e.s);
			goto out;
		}
		parts[done] = e.s;
	}
	qsort(parts, n, sizeof(*parts), str_cmp);
	if (text_buf_put(b, "[", 1) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((i && text_buf_put(b, ",", 1) < 0) ||
		    text_buf_put(b, parts[i], strlen(parts[i])) < 0)
			goto out;
	rc = text_buf_put(b, "]", 1);
out:
	for (i = 0; i < done; i++)
		free(parts[i]);
	free(parts);
	return rc;
}

static int
norm_object(struct text_buf *b, json_t *v)
{
	size_t n = json_object_size(v), i = 0;
	const char **keys;
	const char *key;
	json_t *m;
	int rc = -1;

	if ((keys = calloc(n + 1, sizeof(*keys))) == NULL)
		return -1;
	json_object_foreach(v, key, m)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), str_cmp);
	if (text_buf_put(b, "{", 1) < 0)
		goto out;
	for (i = 0; i < n; i++)
		if ((i && text_buf_put(b, ",", 1) < 0) ||
		    buf_quote(b, keys[i], strlen(keys[i])) < 0 ||
		    text_buf_put(b, ":", 1) < 0 ||
		    norm_add(b, json_object_get(v, keys[i])) < 0)
			goto out;
	rc = text_buf_put(b, "}", 1);
out:
	free(keys);
	return rc;
}

static int
norm_add(struct text_buf *b, json_t *v)
{
	char num[40];
	int n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return norm_object(b, v);
	case JSON_ARRAY:
		return norm_array(b, v);
	case JSON_STRING:
		return buf_quote(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return text_buf_put(b, num, (size_t)n);
	case JSON_REAL:
		/* Marked, as json_equal() tells 1 from 1.0. */
		n = snprintf(num, sizeof(num), "#%.17g", json_real_value(v));
		return text_buf_put(b, num, (size_t)n);
	case JSON_TRUE:
		return text_buf_put(b, "true", 4);
	case JSON_FALSE:
		return text_buf_put(b, "false", 5);
	case JSON_NULL:
		break;
	}
	return text_buf_put(b, "null", 4);
}

static int
elem_cmp(const void *x, const void *y)
{
	const struct elem *a = *(const struct elem *const *)x;
	const struct elem *b = *(const struct elem *const *)y;
	int r;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	if ((r = strcmp(a->norm, b->norm)) != 0)
		return r;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int
keyed_cmp(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int r;

	if ((r = strcmp(a->k1, b->k1)) != 0 || (r = strcmp(a->k2, b->k2)) != 0)
		return r;
	return a->e->idx < b->e->idx ? -1 : a->e->idx > b->e->idx;
}

static int
elems_load(json_t *arr, struct elem *e, struct elem **order)
{
	struct text_buf b;
	size_t i;

	for (i = 0; i < json_array_size(arr); i++) {
		e[i].v = json_array_get(arr, i);
		e[i].idx = i;
		b = (struct text_buf){0};
		if (norm_add(&b, e[i].v) < 0) {
			free(b.s);
			return -1;
		}
		e[i].norm = b.s;
		e[i].hash = hash_text(e[i].norm);
		order[i] = &e[i];
	}
	return 0;
}

static void
elems_free(struct elem *e, size_t n)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < n; i++)
		free(e[i].norm);
	free(e);
}

/* Equal values pair up as a multiset: sort both sides and merge. */
static void
match_exact(struct elem **oa, size_t na, struct elem **ob, size_t nb)
{
	size_t i = 0, j = 0;
	int r;

	qsort(oa, na, sizeof(*oa), elem_cmp);
	qsort(ob, nb, sizeof(*ob), elem_cmp);
	while (i < na && j < nb) {
		if (oa[i]->hash != ob[j]->hash)
			r = oa[i]->hash < ob[j]->hash ? -1 : 1;
		else
			r = strcmp(oa[i]->norm, ob[j]->norm);
		if (r == 0) {
			oa[i]->pair = ob[j];
			ob[j]->pair = oa[i];
			i++;
			j++;
		} else if (r < 0)
			i++;
		else
			j++;
	}
}

/*
 * The key of one element under a spec, or false when it has none.
 * References are keyed by PMID, or by citation when they have no PMID; the
 * kind is part of the key so a PMID never matches a citation.
 */
static bool
elem_key(const struct elem *e, const struct key_spec *spec, bool refs,
    struct keyed *k)
{
	const char *a, *b;

	if (!json_is_object(e->v))
		return false;
	if (refs) {
		a = json_string_value(json_object_get(e->v, "pmid"));
		if (a && *a) {
			*k = (struct keyed){"pmid", a, NULL};
			return true;
		}
		a = json_string_value(json_object_get(e->v, "citation"));
		if (a == NULL)
			return false;
		*k = (struct keyed){"citation", a, NULL};
		return true;
	}
	if ((a = json_string_value(json_object_get(e->v, spec->a))) == NULL)
		return false;
	b = "";
	if (spec->b &&
	    (b = json_string_value(json_object_get(e->v, spec->b))) == NULL)
		return false;
	*k = (struct keyed){a, b, NULL};
	return true;
}

/* Pair the still unmatched elements whose keys under `spec` agree. */
static int
match_key(struct elem *ea, size_t na, struct elem *eb, size_t nb,
    const struct key_spec *spec, bool refs)
{
	struct keyed *ko = NULL, k;
	size_t i, n = 0, lo, hi, mid;

	if ((ko = calloc(na ? na : 1, sizeof(*ko))) == NULL)
		return -1;
	for (i = 0; i < na; i++)
		if (ea[i].pair == NULL && elem_key(&ea[i], spec, refs, &ko[n])) {
			ko[n].e = &ea[i];
			n++;
		}
	qsort(ko, n, sizeof(*ko), keyed_cmp);
	for (i = 0; i < nb && n > 0; i++) {
		if (eb[i].pair || !elem_key(&eb[i], spec, refs, &k))
			continue;
		/* First old element with this key, then the first unused. */
		lo = 0;
		hi = n;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (strcmp(ko[mid].k1, k.k1) < 0 ||
			    (strcmp(ko[mid].k1, k.k1) == 0 &&
			    strcmp(ko[mid].k2, k.k2) < 0))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n && strcmp(ko[lo].k1, k.k1) == 0 &&
		    strcmp(ko[lo].k2, k.k2) == 0; lo++)
			if (ko[lo].e->pair == NULL) {
				ko[lo].e->pair = &eb[i];
				eb[i].pair = ko[lo].e;
				break;
			}
	}
	free(ko);
	return 0;
}

static int
diff_array(struct walk *w, json_t *a, json_t *b)
{
	size_t na = json_array_size(a), nb = json_array_size(b);
	size_t mark = w->path.len, i, left_a = 0, left_b = 0;
	struct elem *ea = NULL, *eb = NULL, *la = NULL, *lb = NULL;
	struct elem **oa = NULL, **ob = NULL;
	bool refs;
	int rc = -1;

	/* Most arrays do not change: skip the matching work for them. */
	if (json_equal(a, b))
		return 0;
	if ((ea = calloc(na + 1, sizeof(*ea))) == NULL ||
	    (eb = calloc(nb + 1, sizeof(*eb))) == NULL ||
	    (oa = calloc(na + 1, sizeof(*oa))) == NULL ||
	    (ob = calloc(nb + 1, sizeof(*ob))) == NULL ||
	    elems_load(a, ea, oa) < 0 || elems_load(b, eb, ob) < 0)
		goto out;
	match_exact(oa, na, ob, nb);

	refs = strcmp(w->path.s, REFERENCES_PATH) == 0;
	for (i = 0; i < (refs ? 1 : sizeof(key_specs) / sizeof(key_specs[0]));
	    i++)
		if (match_key(ea, na, eb, nb, &key_specs[i], refs) < 0)
			goto out;

	for (i = 0; i < na; i++)
		if (ea[i].pair == NULL) {
			left_a++;
			la = &ea[i];
		}
	for (i = 0; i < nb; i++)
		if (eb[i].pair == NULL) {
			left_b++;
			lb = &eb[i];
		}
	/*
	 * One changed keyless object on each side (e.g. the only class of an
	 * outcome measure) is the same element edited.  References never pair
	 * this way: a different PMID is a different publication.
	 */
	if (!refs && left_a == 1 && left_b == 1 && json_is_object(la->v) &&
	    json_is_object(lb->v)) {
		la->pair = lb;
		lb->pair = la;
	}

	/* Removed elements at their old index, the rest at their new one. */
	for (i = 0; i < na; i++) {
		if (ea[i].pair)
			continue;
		if (path_push_index(&w->path, i) < 0 ||
		    emit(w, ea[i].v, NULL) < 0)
			goto out;
		path_pop(&w->path, mark);
	}
	for (i = 0; i < nb; i++) {
		if (path_push_index(&w->path, i) < 0)
			goto out;
		if (eb[i].pair == NULL) {
			if (emit(w, NULL, eb[i].v) < 0)
				goto out;
		} else if (strcmp(eb[i].norm, eb[i].pair->norm) != 0 &&
		    diff_value(w, eb[i].pair->v, eb[i].v) < 0)
			goto out;
		path_pop(&w->path, mark);
	}
	rc = 0;
out:
	path_pop(&w->path, mark);
	free(oa);
	free(ob);
	elems_free(ea, na);
	elems_free(eb, nb);
	return rc;
}

static int
diff_value(struct walk *w, json_t *a, json_t *b)
{
	if (json_typeof(a) == json_typeof(b)) {
		if (json_is_object(a))
			return diff_object(w, a, b);
		if (json_is_array(a))
			return diff_array(w, a, b);
	}
	return json_equal(a, b) ? 0 : emit(w, a, b);
}

/* ------------------------------------------------------------- ordering */

static int
change_cmp(const struct change *a, const struct change *b)
{
	return strcmp(a->path, b->path);
}

/* A stable merge sort by path, so equal paths keep the walk's order. */
static void
sort_changes(struct change *v, size_t n)
{
	struct change *tmp, t;
	size_t width, lo, mid, hi, i, j, k;

	if (n < 2)
		return;
	if ((tmp = malloc(n * sizeof(*tmp))) == NULL) {
		/* Out of memory: insertion sort is stable too, only slower. */
		for (i = 1; i < n; i++) {
			t = v[i];
			for (j = i; j > 0 && change_cmp(&v[j - 1], &t) > 0; j--)
				v[j] = v[j - 1];
			v[j] = t;
		}
		return;
	}
	for (width = 1; width < n; width *= 2) {
		for (lo = 0; lo < n; lo += 2 * width) {
			mid = lo + width < n ? lo + width : n;
			hi = lo + 2 * width < n ? lo + 2 * width : n;
			i = lo;
			j = mid;
			k = lo;
			while (i < mid && j < hi)
				tmp[k++] = change_cmp(&v[j], &v[i]) < 0 ?
				    v[j++] : v[i++];
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof(*v));
	}
	free(tmp);
}

/* -------------------------------------------------------------- public */

int
diff_studies(const json_t *old, const json_t *new, struct change_list *out)
{
	struct walk w = {out, {0}};
	size_t start = out->n;
	int rc;

	if (old == NULL || new == NULL)
		return 0;
	if (text_buf_put(&w.path, "", 0) < 0)
		return -1;
	/* jansson's iterators take non-const pointers; nothing is modified. */
	rc = diff_value(&w, (json_t *)old, (json_t *)new);
	/* No change yet means out->v may be NULL: no pointer arithmetic on it. */
	if (out->n > start)
		sort_changes(out->v + start, out->n - start);
	text_buf_finish(&w.path);
	return rc;
}

void
diff_list_finish(struct change_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].old_value);
		free(l->v[i].new_value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
	l->cap = 0;
}

const char *
diff_class_name(enum change_class cls)
{
	switch (cls) {
	case CHANGE_STATUS:
		return "status";
	case CHANGE_RESULTS:
		return "results";
	case CHANGE_REFERENCES:
		return "references";
	case CHANGE_DATES:
		return "dates";
	case CHANGE_OTHER:
		break;
	}
	return "other";
}

/* `path` is `prefix` or lies below it. */
static bool
under(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(path, prefix, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

enum change_class
diff_classify(const char *path)
{
	static const struct {
		const char *prefix;
		enum change_class cls;
	} map[] = {
		{SM "/overallStatus", CHANGE_STATUS},
		{SM "/whyStopped", CHANGE_STATUS},
		{SM "/statusVerifiedDate", CHANGE_STATUS},
		{SM "/lastKnownStatus", CHANGE_STATUS},
		{"/hasResults", CHANGE_RESULTS},
		{"/resultsSection", CHANGE_RESULTS},
		{SM "/resultsFirstPostDateStruct", CHANGE_RESULTS},
		{SM "/resultsFirstSubmitDate", CHANGE_RESULTS},
		{SM "/resultsFirstSubmitQcDate", CHANGE_RESULTS},
		/* Unposted results: submitted, in QC, returned. */
		{"/annotationSection", CHANGE_RESULTS},
		{"/derivedSection/miscInfoModule/submissionTracking",
		    CHANGE_RESULTS},
		{"/protocolSection/referencesModule", CHANGE_REFERENCES},
		{SM "/startDateStruct", CHANGE_DATES},
		{SM "/primaryCompletionDateStruct", CHANGE_DATES},
		{SM "/completionDateStruct", CHANGE_DATES},
	};
	size_t i;

	if (path == NULL)
		return CHANGE_OTHER;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (under(path, map[i].prefix))
			return map[i].cls;
	return CHANGE_OTHER;
}

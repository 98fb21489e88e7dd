/*
 * fakereg_search.c - searches of the fake registry: an index of the
 * folder's records kept current by inotify, and an evaluator of the Essie
 * expressions query.* and filter.advanced take (terms, "phrases", AND,
 * OR, NOT, parentheses, AREA[Piece], RANGE[lo,hi]).
 */
#include "fakereg_search.h"

#include "jsonscan.h"
#include "text.h"	/* the one NCT ID check, as the daemon's */

#include <sys/queue.h>	/* TAILQ_FOREACH over evkeyvalq */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <unistd.h>

/* ------------------------------------------------------------- pieces */

/*
 * The fields ("pieces") expressions can name with AREA[], where they are
 * in a record ("[]" walks an array), and the search areas of the
 * parameters: from the API's /studies/search-areas as peer references
 * list them (CONFORMANCE.md, "searches").
 */
enum piece {
	P_NCTID, P_ACRONYM, P_BRIEF_TITLE, P_OFFICIAL_TITLE, P_CONDITION,
	P_KEYWORD, P_CONDITION_MESH, P_INTERVENTION_NAME, P_INTERVENTION_TYPE,
	P_INTERVENTION_OTHER, P_INTERVENTION_MESH, P_LEAD_SPONSOR,
	P_COLLABORATOR, P_OVERALL_STATUS, P_PHASE, P_STUDY_TYPE,
	P_BRIEF_SUMMARY, P_LAST_UPDATE, P_FIRST_POST, P_HAS_RESULTS,
	N_PIECES,
};

static const struct {
	const char *name;
	const char *path;
	bool range;		/* RANGE[] applies: a date */
} pieces[N_PIECES] = {
	{"NCTId", "protocolSection.identificationModule.nctId", false},
	{"Acronym", "protocolSection.identificationModule.acronym", false},
	{"BriefTitle", "protocolSection.identificationModule.briefTitle",
	    false},
	{"OfficialTitle", "protocolSection.identificationModule.officialTitle",
	    false},
	{"Condition", "protocolSection.conditionsModule.conditions[]", false},
	{"Keyword", "protocolSection.conditionsModule.keywords[]", false},
	{"ConditionMeshTerm", "derivedSection.conditionBrowseModule.meshes[]."
	    "term", false},
	{"InterventionName", "protocolSection.armsInterventionsModule."
	    "interventions[].name", false},
	{"InterventionType", "protocolSection.armsInterventionsModule."
	    "interventions[].type", false},
	{"InterventionOtherName", "protocolSection.armsInterventionsModule."
	    "interventions[].otherNames[]", false},
	{"InterventionMeshTerm", "derivedSection.interventionBrowseModule."
	    "meshes[].term", false},
	{"LeadSponsorName", "protocolSection.sponsorCollaboratorsModule."
	    "leadSponsor.name", false},
	{"CollaboratorName", "protocolSection.sponsorCollaboratorsModule."
	    "collaborators[].name", false},
	{"OverallStatus", "protocolSection.statusModule.overallStatus", false},
	{"Phase", "protocolSection.designModule.phases[]", false},
	{"StudyType", "protocolSection.designModule.studyType", false},
	{"BriefSummary", "protocolSection.descriptionModule.briefSummary",
	    false},
	{"LastUpdatePostDate", "protocolSection.statusModule."
	    "lastUpdatePostDateStruct.date", true},
	{"StudyFirstPostDate", "protocolSection.statusModule."
	    "studyFirstPostDateStruct.date", true},
	{"HasResults", "hasResults", false},
};

#define BIT(p) (1u << (p))
#define AREA_COND (BIT(P_CONDITION) | BIT(P_CONDITION_MESH) | \
	BIT(P_KEYWORD) | BIT(P_BRIEF_TITLE) | BIT(P_OFFICIAL_TITLE) | \
	BIT(P_NCTID))
#define AREA_INTR (BIT(P_INTERVENTION_NAME) | BIT(P_INTERVENTION_TYPE) | \
	BIT(P_INTERVENTION_OTHER) | BIT(P_INTERVENTION_MESH))
#define AREA_SPONS (BIT(P_LEAD_SPONSOR) | BIT(P_COLLABORATOR))
#define AREA_TITLES (BIT(P_ACRONYM) | BIT(P_BRIEF_TITLE) | \
	BIT(P_OFFICIAL_TITLE))
#define AREA_BASIC (AREA_COND | AREA_INTR | AREA_SPONS | AREA_TITLES | \
	BIT(P_OVERALL_STATUS) | BIT(P_PHASE) | BIT(P_STUDY_TYPE) | \
	BIT(P_BRIEF_SUMMARY))

/* The parameters that search, and the area each searches. */
static const struct {
	const char *name;
	unsigned area;
} params[] = {
	{"query.cond", AREA_COND},
	{"query.intr", AREA_INTR},
	{"query.spons", AREA_SPONS},
	{"query.titles", AREA_TITLES},
	{"query.lead", BIT(P_LEAD_SPONSOR)},
	{"query.term", AREA_BASIC},
	{"filter.advanced", AREA_BASIC},
};
#define N_PARAMS (sizeof(params) / sizeof(params[0]))

static const char *const statuses[] = {
	"NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION",
	"ACTIVE_NOT_RECRUITING", "COMPLETED", "SUSPENDED", "TERMINATED",
	"WITHDRAWN", "UNKNOWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
	"TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD",
};

static void
say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------- record texts */

/* A record's values, by piece: each a list of strings. */
struct fields {
	char **v[N_PIECES];
	size_t n[N_PIECES];
};

static void
fields_free(struct fields *f)
{
	if (f == NULL)
		return;
	for (size_t p = 0; p < N_PIECES; p++) {
		for (size_t i = 0; i < f->n[p]; i++)
			free(f->v[p][i]);
		free(f->v[p]);
	}
	free(f);
}

static void
field_add(struct fields *f, enum piece p, const char *s)
{
	char **v = realloc(f->v[p], (f->n[p] + 1) * sizeof(*v));

	if (v == NULL)
		return;
	f->v[p] = v;
	if ((v[f->n[p]] = strdup(s)) != NULL)
		f->n[p]++;
}

/* Every value at `path` (dotted, "[]" walking arrays) under j. */
static void
collect(struct fields *f, enum piece p, const json_t *j, const char *path)
{
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	bool array = n > 2 && path[n - 2] == '[' && path[n - 1] == ']';
	char name[64];
	const json_t *v;

	if (j == NULL || n - (array ? 2 : 0) >= sizeof(name))
		return;
	memcpy(name, path, n - (array ? 2 : 0));
	name[n - (array ? 2 : 0)] = '\0';
	v = json_object_get(j, name);
	for (size_t i = 0; v != NULL && i < (array ? json_array_size(v) : 1);
	    i++) {
		const json_t *e = array ? json_array_get(v, i) : v;

		if (dot != NULL)
			collect(f, p, e, dot + 1);
		else if (json_is_string(e))
			field_add(f, p, json_string_value(e));
		else if (json_is_boolean(e))
			field_add(f, p, json_is_true(e) ? "true" : "false");
		else if (json_is_integer(e)) {
			char num[32];

			snprintf(num, sizeof(num), "%lld",
			    (long long)json_integer_value(e));
			field_add(f, p, num);
		}
	}
}

static struct fields *
fields_of(const json_t *root)
{
	struct fields *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	for (size_t p = 0; p < N_PIECES; p++)
		collect(f, (enum piece)p, root, pieces[p].path);
	return f;
}

/* ------------------------------------------------------------- words */

/* A word character: ASCII letters and digits, and any non-ASCII byte. */
static bool
wordch(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The next word of s from *at: its start and length; false at the end. */
static bool
next_word(const char *s, size_t *at, const char **w, size_t *n)
{
	size_t i = *at;

	while (s[i] && !wordch((unsigned char)s[i]))
		i++;
	if (s[i] == '\0') {
		*at = i;
		return false;
	}
	*w = s + i;
	while (s[i] && wordch((unsigned char)s[i]))
		i++;
	*n = (size_t)(s + i - *w);
	*at = i;
	return true;
}

static bool
word_eq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && strncasecmp(a, b, an) == 0;
}

/* Does the text hold words[0..n) in a row (phrase) or anywhere (not)? */
static bool
text_has(const char *text, char **words, size_t n, bool phrase)
{
	size_t at = 0, k = 0, got = 0;
	const char *w;
	size_t wn;
	bool *seen;

	if (n == 0)
		return true;
	if (phrase) {
		/* A naive match restarted at each word: texts are short. */
		size_t start = 0;

		while (next_word(text, &start, &w, &wn)) {
			size_t at2 = (size_t)(w - text);

			for (k = 0; k < n; k++) {
				const char *x;
				size_t xn;

				if (!next_word(text, &at2, &x, &xn) ||
				    !word_eq(x, xn, words[k], strlen(words[k])))
					break;
			}
			if (k == n)
				return true;
		}
		return false;
	}
	if ((seen = calloc(n, sizeof(*seen))) == NULL)
		return false;
	while (got < n && next_word(text, &at, &w, &wn))
		for (k = 0; k < n; k++)
			if (!seen[k] && word_eq(w, wn, words[k],
			    strlen(words[k]))) {
				seen[k] = true;
				got++;
			}
	free(seen);
	return got == n;
}

/* ------------------------------------------------------ Essie parsing */

enum node_kind { N_TERM, N_PHRASE, N_AND, N_OR, N_NOT, N_AREA, N_RANGE };

struct node {
	enum node_kind kind;
	char **words;		/* N_TERM, N_PHRASE */
	size_t n_words;
	unsigned area;		/* N_AREA: the pieces it narrows to */
	enum piece piece;	/* N_AREA of one piece, for RANGE */
	char lo[16], hi[16];	/* N_RANGE; "" = MIN / MAX */
	struct node *a, *b;
};

static void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	for (size_t i = 0; i < n->n_words; i++)
		free(n->words[i]);
	free(n->words);
	node_free(n->a);
	node_free(n->b);
	free(n);
}

struct parser {
	const char *s;
	size_t at;
	char *err;
	size_t errlen;
	const char *param;
	int depth;
};

static void
skip_blanks(struct parser *p)
{
	while (p->s[p->at] && isspace((unsigned char)p->s[p->at]))
		p->at++;
}

/* Is the word at p an operator (AND, OR, NOT, upper case as written)? */
static bool
at_word(const struct parser *p, const char *op)
{
	size_t n = strlen(op);

	return strncmp(p->s + p->at, op, n) == 0 &&
	    !wordch((unsigned char)p->s[p->at + n]) && p->s[p->at + n] != '[';
}

static bool
at_operator(const struct parser *p)
{
	return at_word(p, "AND") || at_word(p, "OR") || at_word(p, "NOT");
}

static struct node *
node_new(enum node_kind kind)
{
	return calloc(1, sizeof(struct node));
}

/* Append the words of s[0..len) to n.  0 / -1. */
static int
add_words(struct node *n, const char *s, size_t len)
{
	char *copy = strndup(s, len);
	size_t at = 0, wn;
	const char *w;
	int rc = 0;

	if (copy == NULL)
		return -1;
	while (next_word(copy, &at, &w, &wn)) {
		char **v = realloc(n->words, (n->n_words + 1) * sizeof(*v));

		if (v == NULL || (v[n->n_words] = strndup(w, wn)) == NULL) {
			if (v != NULL)
				n->words = v;
			rc = -1;
			break;
		}
		n->words = v;
		n->n_words++;
	}
	free(copy);
	return rc;
}

static struct node *parse_or(struct parser *p);

static struct node *
fail_at(struct parser *p, const char *what)
{
	if (p->err[0] == '\0')
		say(p->err, p->errlen, "Parameter `%s` has incorrect format: %s "
		    "at position %zu", p->param, what, p->at + 1);
	return NULL;
}

/* "[name]" after AREA or RANGE: the bracket's text into out. */
static bool
bracket(struct parser *p, char *out, size_t size)
{
	size_t n;

	if (p->s[p->at] != '[')
		return false;
	n = strcspn(p->s + p->at + 1, "]");
	if (p->s[p->at + 1 + n] != ']' || n >= size)
		return false;
	memcpy(out, p->s + p->at + 1, n);
	out[n] = '\0';
	p->at += n + 2;
	return true;
}

/* A RANGE bound: "MIN"/"MAX" as "", else the text trimmed. */
static bool
bound(const char *s, size_t n, char out[16])
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if ((n == 3 && (strncmp(s, "MIN", 3) == 0 ||
	    strncmp(s, "MAX", 3) == 0)) || n == 0) {
		out[0] = '\0';
		return n == 3;
	}
	if (n >= 16)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static struct node *
parse_primary(struct parser *p)
{
	struct node *n = NULL;
	char name[64];
	size_t start;

	skip_blanks(p);
	if (++p->depth > 200)
		return fail_at(p, "nesting too deep");
	if (p->s[p->at] == '(') {
		p->at++;
		if ((n = parse_or(p)) == NULL)
			return NULL;
		skip_blanks(p);
		if (p->s[p->at] != ')') {
			node_free(n);
			return fail_at(p, "`(` without its `)`");
		}
		p->at++;
		return n;
	}
	if (p->s[p->at] == '"') {
		size_t len = strcspn(p->s + p->at + 1, "\"");

		if (p->s[p->at + 1 + len] != '"')
			return fail_at(p, "a `\"` without its closing `\"`");
		if ((n = node_new(N_PHRASE)) == NULL)
			return NULL;
		n->kind = N_PHRASE;
		if (add_words(n, p->s + p->at + 1, len) < 0) {
			node_free(n);
			return NULL;
		}
		p->at += len + 2;
		return n;
	}
	if (strncmp(p->s + p->at, "AREA[", 5) == 0) {
		p->at += 4;
		if (!bracket(p, name, sizeof(name)))
			return fail_at(p, "AREA without its [field]");
		for (size_t k = 0; k < N_PIECES; k++)
			if (strcasecmp(name, pieces[k].name) == 0) {
				struct node *inner;

				if ((n = node_new(N_AREA)) == NULL)
					return NULL;
				n->kind = N_AREA;
				n->area = BIT(k);
				n->piece = (enum piece)k;
				if ((inner = parse_primary(p)) == NULL) {
					node_free(n);
					return NULL;
				}
				if (inner->kind == N_RANGE && !pieces[k].range) {
					node_free(inner);
					node_free(n);
					return fail_at(p, "RANGE on a field "
					    "that is not a date");
				}
				n->a = inner;
				return n;
			}
		if (p->err[0] == '\0')
			say(p->err, p->errlen, "Parameter `%s` has incorrect "
			    "format: unknown field `%.40s` in AREA[]", p->param,
			    name);
		return NULL;
	}
	if (strncmp(p->s + p->at, "RANGE[", 6) == 0) {
		const char *comma;

		p->at += 5;
		if (!bracket(p, name, sizeof(name)) ||
		    (comma = strchr(name, ',')) == NULL)
			return fail_at(p, "RANGE without its [low, high]");
		if ((n = node_new(N_RANGE)) == NULL)
			return NULL;
		n->kind = N_RANGE;
		if (!bound(name, (size_t)(comma - name), n->lo) ||
		    !bound(comma + 1, strlen(comma + 1), n->hi)) {
			node_free(n);
			return fail_at(p, "a RANGE bound that is neither a "
			    "value, MIN nor MAX");
		}
		return n;
	}
	/* A term: words up to an operator, a bracket, a quote or the end. */
	start = p->at;
	while (p->s[p->at] && p->s[p->at] != '(' && p->s[p->at] != ')' &&
	    p->s[p->at] != '"' && strncmp(p->s + p->at, "AREA[", 5) != 0 &&
	    strncmp(p->s + p->at, "RANGE[", 6) != 0) {
		if ((p->at == start || isspace((unsigned char)p->s[p->at -
		    1])) && at_operator(p))
			break;
		p->at++;
	}
	if (p->at == start)
		return fail_at(p, p->s[p->at] ? "an operator without its "
		    "operand" : "an expression that ends too soon");
	if ((n = node_new(N_TERM)) == NULL)
		return NULL;
	n->kind = N_TERM;
	if (add_words(n, p->s + start, p->at - start) < 0) {
		node_free(n);
		return NULL;
	}
	return n;
}

static struct node *
parse_not(struct parser *p)
{
	struct node *n;

	skip_blanks(p);
	if (at_word(p, "NOT")) {
		p->at += 3;
		if ((n = node_new(N_NOT)) == NULL)
			return NULL;
		n->kind = N_NOT;
		if ((n->a = parse_not(p)) == NULL) {
			node_free(n);
			return NULL;
		}
		return n;
	}
	return parse_primary(p);
}

static struct node *
join(enum node_kind kind, struct node *a, struct node *b)
{
	struct node *n = node_new(kind);

	if (n == NULL) {
		node_free(a);
		node_free(b);
		return NULL;
	}
	n->kind = kind;
	n->a = a;
	n->b = b;
	return n;
}

/* AND binds tighter than OR; "x NOT y" and "x y" (after a group) AND. */
static struct node *
parse_and(struct parser *p)
{
	struct node *n = parse_not(p), *m;

	while (n != NULL) {
		skip_blanks(p);
		if (p->s[p->at] == '\0' || p->s[p->at] == ')' ||
		    at_word(p, "OR"))
			break;
		if (at_word(p, "AND"))
			p->at += 3;
		if ((m = parse_not(p)) == NULL) {
			node_free(n);
			return NULL;
		}
		n = join(N_AND, n, m);
	}
	return n;
}

static struct node *
parse_or(struct parser *p)
{
	struct node *n = parse_and(p), *m;

	while (n != NULL) {
		skip_blanks(p);
		if (!at_word(p, "OR"))
			break;
		p->at += 2;
		if ((m = parse_and(p)) == NULL) {
			node_free(n);
			return NULL;
		}
		n = join(N_OR, n, m);
	}
	return n;
}

static struct node *
parse(const char *param, const char *expr, char *err, size_t errlen)
{
	struct parser p = {expr, 0, err, errlen, param, 0};
	struct node *n;

	err[0] = '\0';
	if ((n = parse_or(&p)) == NULL) {
		if (err[0] == '\0')
			say(err, errlen, "Parameter `%s`: out of memory", param);
		return NULL;
	}
	skip_blanks(&p);
	if (expr[p.at] != '\0') {
		node_free(n);
		return fail_at(&p, "a `)` without its `(`");
	}
	return n;
}

/* ------------------------------------------------------- evaluation */

/*
 * A date as comparable text: a month or a year covers its days, so as a
 * low bound "2024-05" is "2024-05-01" and as a high one "2024-05-31".
 */
static void
date_key(const char *s, bool high, char out[16])
{
	size_t len = strlen(s);
	const char *tail = len == 7 ? (high ? "-31" : "-01") : len == 4 ?
	    (high ? "-12-31" : "-01-01") : "";

	/* A date is at most 10 bytes; the tail fits whatever s is. */
	snprintf(out, 16, "%.*s%s", (int)(15 - strlen(tail)), s, tail);
}

static bool
eval(const struct node *n, const struct fields *f, unsigned area,
    enum piece piece)
{
	switch (n->kind) {
	case N_AND:
		return eval(n->a, f, area, piece) && eval(n->b, f, area, piece);
	case N_OR:
		return eval(n->a, f, area, piece) || eval(n->b, f, area, piece);
	case N_NOT:
		return !eval(n->a, f, area, piece);
	case N_AREA:
		return eval(n->a, f, n->area, n->piece);
	case N_RANGE:
		/* Only under AREA[] of a date (the parser makes sure). */
		for (size_t i = 0; i < f->n[piece]; i++) {
			char v[16], lo[16], hi[16];

			date_key(f->v[piece][i], false, v);
			date_key(n->lo, false, lo);
			date_key(n->hi, true, hi);
			if ((n->lo[0] == '\0' || strcmp(v, lo) >= 0) &&
			    (n->hi[0] == '\0' || strcmp(v, hi) <= 0))
				return true;
		}
		return false;
	case N_PHRASE:
		for (size_t p = 0; p < N_PIECES; p++)
			if (area & BIT(p))
				for (size_t i = 0; i < f->n[p]; i++)
					if (text_has(f->v[p][i], n->words,
					    n->n_words, true))
						return true;
		return false;
	case N_TERM:
	default:
		/* Every word somewhere in the area. */
		for (size_t k = 0; k < n->n_words; k++) {
			bool found = false;

			for (size_t p = 0; p < N_PIECES && !found; p++)
				if (area & BIT(p))
					for (size_t i = 0; i < f->n[p] &&
					    !found; i++)
						found = text_has(f->v[p][i],
						    &n->words[k], 1, false);
			if (!found)
				return false;
		}
		return true;
	}
}

int
fsearch_matches(const char *param, const char *expr, const char *record,
    char *err, size_t errlen)
{
	unsigned area = AREA_BASIC;
	struct fields *f;
	struct node *n;
	json_t *root;
	int rc;

	for (size_t i = 0; i < N_PARAMS; i++)
		if (strcmp(params[i].name, param) == 0)
			area = params[i].area;
	if ((n = parse(param, expr, err, errlen)) == NULL)
		return -1;
	root = json_loads(record, 0, NULL);
	f = fields_of(root);
	rc = f != NULL && eval(n, f, area, P_NCTID);
	fields_free(f);
	json_decref(root);
	node_free(n);
	return rc;
}

/* Pieces the index keeps for every record without parsing it. */
#define LIGHT (BIT(P_NCTID) | BIT(P_LAST_UPDATE) | BIT(P_OVERALL_STATUS))

/* Does n read only LIGHT pieces (searched in `area`)? */
static bool
light_only(const struct node *n, unsigned area)
{
	switch (n->kind) {
	case N_AND:
	case N_OR:
		return light_only(n->a, area) && light_only(n->b, area);
	case N_NOT:
		return light_only(n->a, area);
	case N_AREA:
		return light_only(n->a, n->area);
	case N_RANGE:
		return (area & ~LIGHT) == 0;
	default:
		return (area & ~LIGHT) == 0;
	}
}

/* ------------------------------------------------------------- index */

/* One record file, as last read. */
struct entry {
	char id[12];
	char last_update[11];
	char status[32];
	bool stale;		/* changed since read: read again before use */
	bool gone;
	struct fields *text;	/* read when a text is searched; NULL before */
};

struct fsearch {
	const char *dir;
	int ino;		/* inotify descriptor; -1: rescan every time */
	struct entry *v;	/* by ID */
	size_t n, cap;
	bool unsorted;		/* entries appended since the last sort */
	bool loaded;
	unsigned long gen;	/* moves with every change seen */
	/* The last answer, reused while neither query nor data moved. */
	char *last_query;
	unsigned long last_gen;
	struct fsearch_hit *hits;
	size_t n_hits, cap_hits;
};

static int
cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->id,
	    ((const struct entry *)b)->id);
}

static struct entry *
entry_find(struct fsearch *s, const char *id)
{
	struct entry key;

	if (s->unsorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_entry);
		s->unsorted = false;
	}
	snprintf(key.id, sizeof(key.id), "%s", id);
	return s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_entry) :
	    NULL;
}

/* "NCTxxxxxxxx.json" into its ID; false for any other name. */
static bool
record_name(const char *name, char id[12])
{
	if (strlen(name) != 16 || strcmp(name + 11, ".json") != 0)
		return false;
	memcpy(id, name, 11);
	id[11] = '\0';
	return text_nct_id(id);
}

/* A new last entry for id, to be read; NULL on allocation failure. */
static struct entry *
entry_append(struct fsearch *s, const char *id)
{
	struct entry *e;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct entry *v = realloc(s->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->id, sizeof(e->id), "%s", id);
	e->stale = true;
	return e;
}

static struct entry *
entry_add(struct fsearch *s, const char *id)
{
	struct entry *e = entry_find(s, id);

	if (e != NULL)
		return e;
	if ((e = entry_append(s, id)) == NULL)
		return NULL;
	s->unsorted = s->n > 1 && strcmp(s->v[s->n - 2].id, id) > 0;
	return e;
}

/* A string member found by name after `after` (the first if NULL). */
static void
member_after(const char *text, size_t len, const char *after,
    const char *name, char *out, size_t size)
{
	const char *at = text;

	out[0] = '\0';
	if (after != NULL) {
		char key[64];

		snprintf(key, sizeof(key), "\"%s\"", after);
		if ((at = memmem(text, len, key, strlen(key))) == NULL)
			return;
	}
	/* Record text: a quoted name cannot hide inside a string value. */
	if (!jsonscan_string_member(at, (size_t)(text + len - at), name, out,
	    size))
		out[0] = '\0';
}

/* Read e's file again: its date and status; its texts when next asked. */
static void
entry_read(struct fsearch *s, struct entry *e)
{
	char path[4096], *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t got;
	int fd;

	e->stale = false;
	fields_free(e->text);
	e->text = NULL;
	snprintf(path, sizeof(path), "%s/%s.json", s->dir, e->id);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		e->gone = true;
		return;
	}
	e->gone = false;
	for (;;) {
		if (len + 65536 > cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 131072);

			if (nb == NULL)
				break;
			buf = nb;
		}
		if ((got = read(fd, buf + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	if (buf == NULL)
		return;
	buf[len] = '\0';
	member_after(buf, len, "lastUpdatePostDateStruct", "date",
	    e->last_update, sizeof(e->last_update));
	member_after(buf, len, NULL, "overallStatus", e->status,
	    sizeof(e->status));
	free(buf);
}

/* The texts of e, parsed from its file now.  NULL when it does not parse. */
static const struct fields *
entry_text(struct fsearch *s, struct entry *e)
{
	char path[4096];
	json_t *root;

	if (e->text != NULL)
		return e->text;
	snprintf(path, sizeof(path), "%s/%s.json", s->dir, e->id);
	if ((root = json_load_file(path, 0, NULL)) == NULL)
		return NULL;
	e->text = fields_of(root);
	json_decref(root);
	return e->text;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/*
 * Every record of the folder, marked to be read.  The names are sorted
 * first and the new ones appended in one go: adding them one by one as
 * readdir() gives them (hash order) sorted the whole index again for
 * about every other name, which took the fake more than 15 minutes at
 * 300,000 records (tests/bench/registry).
 */
static void
rescan(struct fsearch *s)
{
	DIR *d = opendir(s->dir);
	struct dirent *de;
	char (*ids)[12] = NULL;
	size_t n = 0, cap = 0, known = s->n;

	for (size_t i = 0; i < s->n; i++)
		s->v[i].gone = true;
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (n == cap) {
				char (*v)[12] = realloc(ids, (cap = cap ?
				    cap * 2 : 4096) * sizeof(*ids));

				if (v == NULL)
					break;
				ids = v;
			}
			if (record_name(de->d_name, ids[n]))
				n++;
		}
		closedir(d);
	}
	qsort(ids, n, sizeof(*ids), cmp_id);
	(void)entry_find(s, "");	/* sorted, for the lookups below */
	for (size_t i = 0; i < n; i++) {
		struct entry *e = NULL, key;

		snprintf(key.id, sizeof(key.id), "%s", ids[i]);
		if (known > 0)
			e = bsearch(&key, s->v, known, sizeof(*s->v),
			    cmp_entry);
		if (e == NULL) {
			if ((e = entry_append(s, ids[i])) == NULL)
				break;
			/* Sorted among themselves, not with the known. */
			s->unsorted = s->unsorted || known > 0;
		}
		e->gone = false;
		e->stale = true;
	}
	free(ids);
	s->gen++;
}

/* What changed since the last call: inotify's events, else a rescan. */
static void
refresh(struct fsearch *s)
{
	char buf[65536] __attribute__((aligned(8)));
	ssize_t got;

	if (!s->loaded || s->ino < 0) {
		rescan(s);
		s->loaded = true;
		return;
	}
	while ((got = read(s->ino, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + got;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			char id[12];
			struct entry *e;

			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				rescan(s);
				continue;
			}
			if (ev->len == 0 || !record_name(ev->name, id) ||
			    (e = entry_add(s, id)) == NULL)
				continue;
			e->stale = true;
			s->gen++;
		}
	}
}

struct fsearch *
fsearch_new(const char *dir)
{
	struct fsearch *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->dir = dir;
	s->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->ino >= 0 && inotify_add_watch(s->ino, dir, IN_CLOSE_WRITE |
	    IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB |
	    IN_MODIFY) < 0) {
		close(s->ino);
		s->ino = -1;
	}
	return s;
}

void
fsearch_free(struct fsearch *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		fields_free(s->v[i].text);
	free(s->v);
	free(s->hits);
	free(s->last_query);
	if (s->ino >= 0)
		close(s->ino);
	free(s);
}

bool
fsearch_wanted(struct evkeyvalq *q)
{
	struct evkeyval *kv;

	TAILQ_FOREACH(kv, q, next) {
		if (strcmp(kv->key, "filter.overallStatus") == 0)
			return true;
		for (size_t i = 0; i < N_PARAMS; i++)
			if (strcmp(kv->key, params[i].name) == 0)
				return true;
	}
	return false;
}

/* ------------------------------------------------------------ answers */

static int
cmp_hit(const void *a, const void *b)
{
	const struct fsearch_hit *x = a, *y = b;
	int c = strcmp(y->last_update, x->last_update);

	/* Newest first: the fake's stand-in for relevance (CONFORMANCE.md). */
	return c ? c : strcmp(x->id, y->id);
}

/* filter.overallStatus as a bit set of statuses[]; -1 with err. */
static long
status_set(const char *list, char *err, size_t errlen)
{
	long set = 0;
	const char *p = list;

	while (*p) {
		size_t n = strcspn(p, ",|"), k;

		for (k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++)
			if (strlen(statuses[k]) == n &&
			    strncasecmp(p, statuses[k], n) == 0)
				break;
		if (k == sizeof(statuses) / sizeof(statuses[0])) {
			say(err, errlen, "Parameter `filter.overallStatus` has "
			    "invalid value: `%.*s`", (int)(n < 40 ? n : 40), p);
			return -1;
		}
		set |= 1L << k;
		p += n;
		if (*p)
			p++;
	}
	return set;
}

static bool
in_status(long set, const char *status)
{
	for (size_t k = 0; k < sizeof(statuses) / sizeof(statuses[0]); k++)
		if (strcmp(status, statuses[k]) == 0)
			return (set & (1L << k)) != 0;
	return false;
}

static bool
id_listed(char *const *ids, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(ids[mid], id);

		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

int
fsearch_run(struct fsearch *s, struct evkeyvalq *q, char *const *ids,
    size_t n_ids, const struct fsearch_hit **hits, size_t *n,
    unsigned long *gen, char *err, size_t errlen)
{
	struct node *expr[N_PARAMS] = {NULL};
	unsigned area[N_PARAMS];
	const char *status = evhttp_find_header(q, "filter.overallStatus");
	char *key = NULL;
	size_t n_expr = 0, keylen = 0, i;
	long set = -1;
	bool text = false, light = true;
	struct fields lf;
	char *lf_id[1], *lf_date[1], *lf_status[1];
	int rc = -1;
	FILE *kf;

	memset(&lf, 0, sizeof(lf));
	lf.v[P_NCTID] = lf_id;
	lf.v[P_LAST_UPDATE] = lf_date;
	lf.v[P_OVERALL_STATUS] = lf_status;
	lf.n[P_NCTID] = lf.n[P_LAST_UPDATE] = lf.n[P_OVERALL_STATUS] = 1;

	refresh(s);
	for (i = 0; i < s->n; i++)
		if (s->v[i].stale)
			entry_read(s, &s->v[i]);
	/* The key of the answer: every parameter that changes it. */
	if ((kf = open_memstream(&key, &keylen)) == NULL) {
		say(err, errlen, "%s", "fakereg: out of memory");
		goto out;
	}
	for (i = 0; i < N_PARAMS; i++) {
		const char *v = evhttp_find_header(q, params[i].name);

		fprintf(kf, "%s=%s\n", params[i].name, v ? v : "");
	}
	fprintf(kf, "status=%s\nids=", status ? status : "");
	for (i = 0; ids && i < n_ids; i++)
		fprintf(kf, "%s,", ids[i]);
	if (fclose(kf) != 0 || key == NULL) {
		say(err, errlen, "%s", "fakereg: out of memory");
		goto out;
	}
	for (i = 0; i < N_PARAMS; i++) {
		const char *v = evhttp_find_header(q, params[i].name);

		if (v == NULL || *v == '\0')
			continue;
		if ((expr[n_expr] = parse(params[i].name, v, err, errlen)) ==
		    NULL)
			goto out;
		area[n_expr] = params[i].area;
		light &= light_only(expr[n_expr], area[n_expr]);
		n_expr++;
		text = true;
	}
	if (status != NULL && *status &&
	    (set = status_set(status, err, errlen)) < 0)
		goto out;
	if (s->last_query != NULL && strcmp(s->last_query, key) == 0 &&
	    s->last_gen == s->gen) {
		rc = 0;
		goto out;
	}
	s->n_hits = 0;
	for (i = 0; i < s->n; i++) {
		struct entry *e = &s->v[i];
		const struct fields *f = NULL;
		bool ok = !e->gone;

		if (ok && ids != NULL)
			ok = id_listed(ids, n_ids, e->id);
		if (ok && set >= 0)
			ok = in_status(set, e->status);
		if (ok && text && !light) {
			if ((f = entry_text(s, e)) == NULL)
				ok = false;
		} else if (ok && text) {
			/* Dates, status and ID: no need to parse the file. */
			lf_id[0] = e->id;
			lf_date[0] = e->last_update;
			lf_status[0] = e->status;
			f = &lf;
		}
		for (size_t k = 0; ok && k < n_expr; k++)
			ok = eval(expr[k], f, area[k], P_NCTID);
		if (!ok)
			continue;
		if (s->n_hits == s->cap_hits) {
			size_t cap = s->cap_hits ? s->cap_hits * 2 : 1024;
			struct fsearch_hit *v = realloc(s->hits, cap *
			    sizeof(*v));

			if (v == NULL) {
				say(err, errlen, "%s", "fakereg: out of memory");
				goto out;
			}
			s->hits = v;
			s->cap_hits = cap;
		}
		memcpy(s->hits[s->n_hits].id, e->id, sizeof(e->id));
		memcpy(s->hits[s->n_hits].last_update, e->last_update,
		    sizeof(e->last_update));
		s->n_hits++;
	}
	qsort(s->hits, s->n_hits, sizeof(*s->hits), cmp_hit);
	free(s->last_query);
	s->last_query = key;
	key = NULL;
	s->last_gen = s->gen;
	rc = 0;
out:
	if (rc == 0) {
		*hits = s->hits;
		*n = s->n_hits;
		*gen = s->gen;
	}
	for (i = 0; i < n_expr; i++)
		node_free(expr[i]);
	free(key);
	return rc;
}

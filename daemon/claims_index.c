/*
 * claims_index.c - PURE: the phrase lexicon (the claim phrases and the
 * word lists, as data below) and the index a scan looks page words up in:
 * the lexicon compiled once, with the registry's names (claims_acronym.c)
 * and the month names (claims_date.c), for every page of a scan.
 */
#include "claims_index.h"

#include <stdlib.h>
#include <string.h>

#include "claims_acronym.h"
#include "claims_date.h"

#define SEP_MAX		64	/* bytes of space between a phrase's words */
#define GAP_WORDS	8	/* words a "*" of a phrase can stand for */

#define NBSP0		0xc2	/* U+00A0, common in pages exported from HTML */
#define NBSP1		0xa0

/* ------------------------------------------------------------ phrases */

#define R_DONE (1u << CLAIM_RESULTS_PENDING)
#define P_DONE (1u << CLAIM_PUBLICATION_PENDING)
#define ST_DONE_ENROLLING (ST_ACTIVE_NOT_RECRUITING | ST_COMPLETED)

/*
 * "*" is a gap of up to GAP_WORDS words inside one clause: "results (of
 * the extension cohort) are still awaited", "the (full) paper is
 * pending".  "'" matches ’ too.
 */
static const struct phrase phrases[] = {
	/* results-pending */
	{"results are|remain? still? pending|awaited", FAM_RESULTS, 0, false},
	{"results * are|is|remain still? pending|awaited", FAM_RESULTS, 0,
	    false},
	{"published results pending", FAM_RESULTS, 0, false},
	{"pending results", FAM_RESULTS, 0, false},
	{"awaiting posted|registry? results", FAM_RESULTS, 0, false},
	{"results not yet? posted|available|reported|released", FAM_RESULTS,
	    0, false},
	{"results are|have|remain still? not yet? been? made? publicly? "
	    "posted|available|reported|released", FAM_RESULTS, 0, false},
	{"results * are|have|has|remain still? not yet? been? made? "
	    "publicly? posted|available|reported|released", FAM_RESULTS, 0,
	    false},
	{"results haven't|hasn't|aren't|isn't|weren't yet? been? made? "
	    "publicly? posted|available|reported|released", FAM_RESULTS, 0,
	    false},
	{"results have? yet to be posted|reported|released", FAM_RESULTS, 0,
	    false},
	{"results unavailable", FAM_RESULTS, 0, false},
	{"results coming soon", FAM_RESULTS, 0, false},
	{"no results posted|available|reported|yet", FAM_RESULTS, 0, false},
	{"no results have|had been made? publicly? posted|reported|available",
	    FAM_RESULTS, 0, false},
	{"no posted results", FAM_RESULTS, 0, false},
	{"results are? expected", FAM_RESULTS, 0, false},
	{"results * are|is expected", FAM_RESULTS, 0, false},
	{"data are|is? expected|due", FAM_RESULTS, 0, false},
	{"readout due|expected", FAM_RESULTS, 0, false},
	{"not reported results? yet", FAM_RESULTS, 0, false},
	{"hasn't|haven't reported results? yet", FAM_RESULTS, 0, false},
	{"not yet reported results", FAM_RESULTS, 0, false},

	/* publication-pending */
	{"publication is|remains? still? pending", FAM_PUBLICATION, 0, false},
	{"full publication is|remains? still? pending", FAM_PUBLICATION, 0,
	    false},
	{"pending full? publication", FAM_PUBLICATION, 0, false},
	{"not yet been? published", FAM_PUBLICATION, 0, false},
	{"not|never been published", FAM_PUBLICATION, 0, false},
	{"not published yet", FAM_PUBLICATION, 0, false},
	{"unpublished", FAM_PUBLICATION, 0, false},
	{"awaiting full? publication", FAM_PUBLICATION, 0, false},
	{"publication is? awaited", FAM_PUBLICATION, 0, false},
	{"yet to be published", FAM_PUBLICATION, 0, false},
	{"manuscript|paper is|was? in preparation", FAM_PUBLICATION, 0, false},
	{"manuscript|paper is|was|has|had? been? submitted", FAM_PUBLICATION,
	    0, false},
	{"manuscript|paper is|was? under review", FAM_PUBLICATION, 0, false},
	{"manuscript|paper is? still? pending|awaited", FAM_PUBLICATION, 0,
	    false},
	{"manuscript|paper * is|remains still? pending|awaited|in press",
	    FAM_PUBLICATION, 0, false},
	{"manuscript|paper * is still? in preparation|press", FAM_PUBLICATION,
	    0, false},
	{"manuscript|paper * is not out yet?", FAM_PUBLICATION, 0, false},
	{"manuscript|paper * isn't out yet?", FAM_PUBLICATION, 0, false},
	{"manuscript|paper * is due out", FAM_PUBLICATION, 0, false},
	{"publication in preparation|progress", FAM_PUBLICATION, 0, false},
	{"submitted for publication", FAM_PUBLICATION, 0, false},
	{"publication not yet? identified|available|found", FAM_PUBLICATION, 0,
	    false},
	{"no full? publication yet", FAM_PUBLICATION, 0, false},

	/* status: the registry's words, then informal ones */
	{"not yet recruiting", FAM_STATUS, ST_NOT_YET_RECRUITING, false},
	{"not yet open to|for? recruitment|enrollment|enrolment|patients?",
	    FAM_STATUS, ST_NOT_YET_RECRUITING, false},
	{"opening soon", FAM_STATUS, ST_NOT_YET_RECRUITING, false},
	{"recruiting", FAM_STATUS, ST_RECRUITING, false},
	{"open for|to recruitment|enrollment|enrolment", FAM_STATUS,
	    ST_RECRUITING, false},
	{"recruitment|enrollment|enrolment|accrual has|have? resumed",
	    FAM_STATUS, ST_RECRUITING, false},
	{"resumed recruiting|recruitment|enrolling|enrollment|enrolment",
	    FAM_STATUS, ST_RECRUITING, false},
	{"enrolling by invitation", FAM_STATUS, ST_ENROLLING_BY_INVITATION,
	    false},
	{"enrolling|enroling", FAM_STATUS,
	    ST_RECRUITING | ST_ENROLLING_BY_INVITATION, false},
	{"recruitment|enrollment|enrolment|accrual is|are? continuing|"
	    "continues|ongoing", FAM_STATUS,
	    ST_RECRUITING | ST_ENROLLING_BY_INVITATION, false},
	{"continues to recruit|enroll|enrol", FAM_STATUS,
	    ST_RECRUITING | ST_ENROLLING_BY_INVITATION, false},
	{"not|n't finished enrolling|recruiting", FAM_STATUS,
	    ST_RECRUITING | ST_ENROLLING_BY_INVITATION, false},
	{"hasn't|haven't finished enrolling|recruiting", FAM_STATUS,
	    ST_RECRUITING | ST_ENROLLING_BY_INVITATION, false},
	{"not yet closed recruitment|enrollment|enrolment|accrual", FAM_STATUS,
	    ST_RECRUITING | ST_ENROLLING_BY_INVITATION, false},
	{"active,|active but? not recruiting", FAM_STATUS,
	    ST_ACTIVE_NOT_RECRUITING, false},
	{"recruitment|enrollment|enrolment|accrual is|was|has|had? been? "
	    "completed|complete|closed|finished|ended", FAM_STATUS,
	    ST_DONE_ENROLLING, false},
	{"completed|finished|closed recruitment|enrollment|enrolment|accrual",
	    FAM_STATUS, ST_DONE_ENROLLING, false},
	{"completed|finished recruiting|enrolling", FAM_STATUS,
	    ST_DONE_ENROLLING, false},
	{"closed to recruitment|enrollment|enrolment|accrual", FAM_STATUS,
	    ST_DONE_ENROLLING, false},
	{"fully enrolled|recruited", FAM_STATUS, ST_DONE_ENROLLING, false},
	{"stopped|ceased recruiting|enrolling|recruitment|enrollment|"
	    "enrolment|accrual", FAM_STATUS,
	    ST_DONE_ENROLLING | ST_TERMINATED, false},
	{"recruitment|enrollment|enrolment|accrual is|was|has|had? been? "
	    "paused|suspended", FAM_STATUS, ST_SUSPENDED, false},
	{"recruitment|enrollment|enrolment|accrual is|was|has|had? been? "
	    "on hold", FAM_STATUS, ST_SUSPENDED, false},
	{"paused|suspended recruitment|enrollment|enrolment|recruiting|"
	    "enrolling|accrual", FAM_STATUS, ST_SUSPENDED, false},
	{"halted recruitment|enrollment|enrolment|recruiting|enrolling|accrual",
	    FAM_STATUS, ST_SUSPENDED | ST_TERMINATED, false},
	{"completed", FAM_STATUS, ST_COMPLETED, true},
	{"finished|ended", FAM_STATUS, ST_COMPLETED, true},
	{"not yet completed", FAM_STATUS, ST_ACTIVE, false},
	{"terminated", FAM_STATUS, ST_TERMINATED, true},
	{"stopped early", FAM_STATUS, ST_TERMINATED, false},
	{"halted", FAM_STATUS, ST_TERMINATED | ST_SUSPENDED, true},
	{"withdrawn", FAM_STATUS, ST_WITHDRAWN, true},
	{"suspended|paused", FAM_STATUS, ST_SUSPENDED, true},
	{"on clinical? hold", FAM_STATUS, ST_SUSPENDED, false},
	{"underway|ongoing", FAM_STATUS, ST_ACTIVE, false},
	{"under|on way|going", FAM_STATUS, ST_ACTIVE, false},
	{"in progress", FAM_STATUS, ST_ACTIVE, false},
	{"in follow up", FAM_STATUS, ST_ACTIVE, false},
	{"follow up continues|underway|ongoing", FAM_STATUS, ST_ACTIVE,
	    false},
	{"follow up is continuing|underway|ongoing", FAM_STATUS, ST_ACTIVE,
	    false},
	{"still running|active", FAM_STATUS, ST_ACTIVE, false},
	{"status unknown", FAM_STATUS, ST_UNKNOWN, false},
	{"unknown status", FAM_STATUS, ST_UNKNOWN, false},

	/* negated status words: no claim */
	{"not|never recruiting|enrolling|completed|terminated|withdrawn|"
	    "suspended|underway|ongoing|active|paused", FAM_NOT, 0, false},
	{"isn't|aren't|wasn't|hasn't|haven't recruiting|enrolling|completed|"
	    "terminated|withdrawn|suspended|underway|ongoing|active|paused",
	    FAM_NOT, 0, false},
	{"not|n't been completed|terminated|withdrawn|suspended|paused|halted",
	    FAM_NOT, 0, false},
	{"hasn't|haven't|hadn't|isn't|wasn't|aren't been? completed|"
	    "terminated|withdrawn|suspended|paused|halted|closed|finished",
	    FAM_NOT, 0, false},
	{"not in progress", FAM_NOT, 0, false},
	{"no longer recruiting|enrolling|ongoing|underway|active|suspended|"
	    "paused", FAM_NOT, 0, false},
	{"suspended in", FAM_NOT, 0, false},

	/* results or paper already out: the clause claims nothing pending */
	{"results were|are|have|had been? now? posted|reported|released",
	    FAM_DONE, R_DONE, false},
	{"results posted|reported", FAM_DONE, R_DONE, false},
	{"posted registry? results", FAM_DONE, R_DONE, false},
	{"results are|were|have|had? been? now? available", FAM_DONE, R_DONE,
	    false},
	{"results were|are|have|had? been? now? published", FAM_DONE,
	    R_DONE | P_DONE, false},
	{"published in", FAM_DONE, P_DONE, false},
	{"was|were|is|are|has|have been? now? published", FAM_DONE, P_DONE,
	    false},
	{"now published", FAM_DONE, P_DONE, false},
	{"publication in", FAM_DONE, P_DONE, false},
};

#define NPHRASES (sizeof(phrases) / sizeof(phrases[0]))

/* Words that make "completed" (and the like) an ordinary verb. */
static const char *const verb_before[] = {
	"who", "which", "that", "patients", "participants", "subjects",
	"people", "individuals", "they", "we", "children", "women", "men",
	"adults", NULL,
};
static const char *const verb_after[] = {
	"the", "a", "an", "all", "their", "its", "his", "her", "both", "each",
	"this", "these", "those", "our", "my", "one", "two", "three",
	"treatment", "therapy", "dosing", "follow", "questionnaires",
	"training", "from", NULL,
};

/* Words before a '.' that does not end a sentence (distinct: hashed). */
static const char *const abbrevs[] = {
	"al", "vs", "cf", "ca", "approx", "fig", "figs", "no", "nos", "dr",
	"mr", "mrs", "ms", "prof", "st", "jr", "sr", "inc", "ltd", "co",
	"corp", "vol", "pp", "ed", "eds", "ref", "refs", "est", "resp", "incl",
	"dept", "univ", "mt", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
	"sep", "sept", "oct", "nov", "dec", NULL,
};



/* --------------------------------------------------------------- hash */


static size_t
hash_key(const unsigned char *s, size_t n, bool fold)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ (fold ? text_lower(*s++) : *s++)) * 16777619u;
	return h;
}

static bool
key_eq(const unsigned char *key, const unsigned char *s, size_t n, bool fold)
{
	size_t k;

	if (!fold)
		return memcmp(key, s, n) == 0;
	for (k = 0; k < n; k++)
		if (text_lower(s[k]) != key[k])
			return false;
	return true;
}

/* The slot of key s[0..n): its own, or the free one it would take. */
static struct slot *
htab_slot(const struct htab *h, const unsigned char *s, size_t n)
{
	size_t k = hash_key(s, n, h->fold) & h->mask;

	while (h->v[k].key && !(h->v[k].len == n &&
	    key_eq(h->v[k].key, s, n, h->fold)))
		k = (k + 1) & h->mask;
	return &h->v[k];
}

const struct slot *
claims_htab_get(const struct htab *h, const unsigned char *s, size_t n)
{
	const struct slot *sl = htab_slot(h, s, n);

	return sl->key ? sl : NULL;
}

int
claims_htab_build(struct htab *h, const void *v, size_t n, key_fn key,
    bool fold)
{
	const unsigned char *ks;
	struct slot *sl;
	size_t cap = 16, k, len;

	while (cap < 2 * n)
		cap *= 2;
	if ((h->v = calloc(cap, sizeof(*h->v))) == NULL)
		return -1;
	h->mask = cap - 1;
	h->fold = fold;
	for (k = 0; k < n; k++) {
		ks = key(v, k, &len);
		sl = htab_slot(h, ks, len);
		if (sl->key == NULL) {
			sl->key = ks;
			sl->len = len;
			sl->first = k;
		}
		sl->count = k + 1 - sl->first;
	}
	return 0;
}

static const unsigned char *
lead_key(const void *v, size_t k, size_t *len)
{
	const struct lead *l = (const struct lead *)v + k;

	*len = l->len;
	return l->w;
}

static const unsigned char *
list_key(const void *v, size_t k, size_t *len)
{
	const char *w = ((const char *const *)v)[k];

	*len = strlen(w);
	return (const unsigned char *)w;
}

static int
lead_cmp(const void *pa, const void *pb)
{
	const struct lead *a = pa, *b = pb;
	int c = claims_key_cmp(a->w, a->len, b->w, b->len);

	if (c != 0)
		return c;
	return a->phrase < b->phrase ? -1 : a->phrase > b->phrase;
}

/* ------------------------------------------------------------- index */


/*
 * Cut every phrase into words and alternatives.  A phrase can start only
 * at a word spelling the leading word characters of one of its first
 * alternatives ("active" for "active,"), so that word leads to it; the
 * phrases a word leads to stay in table order, which breaks ties.
 */
static int
compile_phrases(struct claims_index *ix)
{
	const char *p, *tok_end, *alt_end, *a, *bar;
	size_t n_alt = NPHRASES, n_tok = NPHRASES, na = 0, nt = 0, nl = 0;
	size_t k, al, w;
	struct tok *tk;
	bool lead;

	for (k = 0; k < NPHRASES; k++)
		for (p = phrases[k].pat; *p; p++) {
			n_tok += *p == ' ';
			n_alt += *p == ' ' || *p == '|';
		}
	if ((ix->alts = calloc(n_alt, sizeof(*ix->alts))) == NULL ||
	    (ix->toks = calloc(n_tok, sizeof(*ix->toks))) == NULL ||
	    (ix->leads = calloc(n_alt, sizeof(*ix->leads))) == NULL)
		return -1;
	for (k = 0; k < NPHRASES; k++) {
		ix->ph[k].tok0 = nt;
		for (p = phrases[k].pat;; p = tok_end + 1) {
			if ((tok_end = strchr(p, ' ')) == NULL)
				tok_end = p + strlen(p);
			lead = nt == ix->ph[k].tok0;
			tk = &ix->toks[nt++];
			tk->opt = tok_end[-1] == '?';
			tk->gap = tok_end - p == 1 && *p == '*';
			alt_end = tk->opt ? tok_end - 1 : tok_end;
			tk->alt0 = na;
			for (a = p; a < alt_end; a += al + 1) {
				bar = memchr(a, '|', (size_t)(alt_end - a));
				al = (size_t)((bar ? bar : alt_end) - a);
				ix->alts[na].s = a;
				ix->alts[na++].len = al;
				for (w = 0; w < al &&
				    text_is_wordch((unsigned char)a[w]);
				    w++)
					;
				if (!lead || w == 0)
					continue;
				ix->leads[nl].w = (const unsigned char *)a;
				ix->leads[nl].len = w;
				ix->leads[nl++].phrase = k;
				wf_set(&ix->lead_f, (unsigned char)a[0],
				    w > 1 ? (unsigned char)a[1] : 0, w);
			}
			tk->nalt = na - tk->alt0;
			if (*tok_end == '\0')
				break;
		}
		ix->ph[k].ntok = nt - ix->ph[k].tok0;
	}
	qsort(ix->leads, nl, sizeof(*ix->leads), lead_cmp);
	for (k = 0, ix->n_leads = 0; k < nl; k++)
		if (ix->n_leads == 0 || lead_cmp(&ix->leads[k],
		    &ix->leads[ix->n_leads - 1]) != 0)
			ix->leads[ix->n_leads++] = ix->leads[k];
	return claims_htab_build(&ix->lead_tab, ix->leads, ix->n_leads,
	    lead_key,
	    true);
}

/* The word lists looked up at many words of a page: months, abbreviations. */
static int
index_words(struct claims_index *ix)
{
	size_t n = 0;

	claims_date_months(&ix->month_f);
	while (abbrevs[n])
		n++;
	return claims_htab_build(&ix->abbrev_tab, abbrevs, n, list_key, false);
}

struct claims_index *
claims_index_new(const struct claims_acronym *acr, size_t n)
{
	struct claims_index *ix;

	if ((ix = calloc(1, sizeof(*ix))) == NULL)
		return NULL;
	if ((ix->ph = calloc(NPHRASES, sizeof(*ix->ph))) == NULL ||
	    compile_phrases(ix) < 0 || index_words(ix) < 0 ||
	    claims_acronym_index(ix, acr, acr ? n : 0) < 0) {
		claims_index_free(ix);
		return NULL;
	}
	return ix;
}

void
claims_index_free(struct claims_index *ix)
{
	if (ix == NULL)
		return;
	free(ix->name_tab.v);
	free(ix->v);
	free(ix->text);
	free(ix->abbrev_tab.v);
	free(ix->lead_tab.v);
	free(ix->leads);
	free(ix->toks);
	free(ix->alts);
	free(ix->ph);
	free(ix);
}

/* ----------------------------------------------------------- lookups */

static size_t
skip_sep(const unsigned char *t, size_t i, size_t hi)
{
	size_t j = i;

	while (j < hi && j - i < SEP_MAX) {
		if (text_is_space(t[j]) || t[j] == '-' || t[j] == ':')
			j++;
		else if (t[j] == NBSP0 && j + 1 < hi && t[j + 1] == NBSP1)
			j += 2;
		else
			break;
	}
	return j > i ? j : SIZE_MAX;
}

static size_t pat_match(const struct claims_index *, size_t, size_t,
    const unsigned char *, size_t, size_t, bool);

/* The alternative a at t[j..hi) ("'" matches U+2019 too): its end or 0. */
static size_t
alt_at(const struct alt *a, const unsigned char *t, size_t j, size_t hi)
{
	size_t k;

	for (k = 0; k < a->len; k++, j++) {
		if (j >= hi)
			return 0;
		if (a->s[k] == '\'' && j + 2 < hi && t[j] == 0xe2 &&
		    t[j + 1] == 0x80 && t[j + 2] == 0x99) {
			j += 2;
			continue;
		}
		if (text_lower(t[j]) != (unsigned char)a->s[k])
			return 0;
	}
	return j;
}

/*
 * A gap: the rest of the phrase after none to GAP_WORDS words from i,
 * inside the clause (no sentence or clause punctuation crossed).
 */
static size_t
gap_match(const struct claims_index *ix, size_t tk, size_t end,
    const unsigned char *t, size_t i, size_t hi)
{
	static const char *const gap_stops[] = {
		"though", "although", "but", "while", "whilst", "whereas",
		"however", NULL,
	};
	size_t p = i, q, r, n;

	for (n = 0; n <= GAP_WORDS; n++) {
		/* The next word, past spaces and ",", "(", ")", quotes. */
		while (p < hi && !text_is_alnum(t[p])) {
			if (strchr(".;:?!|\n", t[p]) && t[p] != '\0')
				return SIZE_MAX;
			p++;
		}
		if (p >= hi)
			return SIZE_MAX;
		if ((r = pat_match(ix, tk, end, t, p, hi, true)) != SIZE_MAX)
			return r;
		q = p;
		while (p < hi && (text_is_wordch(t[p]) || t[p] == '-' ||
		    t[p] == '\'' || t[p] >= 0x80))
			p++;
		if (claims_in_list(t + q, p - q, gap_stops, true))
			return SIZE_MAX;
	}
	return SIZE_MAX;
}

/* Match the phrase words toks[tk..end) at t[i..hi): the end, or SIZE_MAX. */
static size_t
pat_match(const struct claims_index *ix, size_t tk, size_t end,
    const unsigned char *t, size_t i, size_t hi, bool first)
{
	const struct tok *w = &ix->toks[tk];
	const struct alt *a = &ix->alts[w->alt0], *a_end = a + w->nalt;
	size_t j = i, r, ae;
	bool last = tk + 1 == end;

	if (w->gap)
		return last ? SIZE_MAX : gap_match(ix, tk + 1, end, t, i, hi);
	if (!first && (j = skip_sep(t, i, hi)) == SIZE_MAX)
		goto skip;
	for (; a < a_end; a++) {
		if (a->len > hi - j || (ae = alt_at(a, t, j, hi)) == 0)
			continue;
		/* Inner words may run on with a hyphen ("in-progress"). */
		if (text_is_alnum((unsigned char)a->s[a->len - 1]) &&
		    !claims_word_end(t, ae, hi) && !(!last && ae < hi &&
		    t[ae] == '-'))
			continue;
		if (last)
			return ae;
		r = pat_match(ix, tk + 1, end, t, ae, hi, false);
		if (r != SIZE_MAX)
			return r;
	}
skip:
	if (!w->opt)
		return SIZE_MAX;
	return last ? i : pat_match(ix, tk + 1, end, t, i, hi, first);
}

const struct phrase *
claims_phrase_at(const struct claims_index *ix, const unsigned char *t,
    size_t i, size_t we, size_t hi, size_t *e)
{
	const struct phrase *best = NULL;
	const struct slot *sl;
	size_t k, r, best_e = 0;

	if ((sl = claims_htab_get(&ix->lead_tab, t + i, we - i)) == NULL)
		return NULL;
	for (k = sl->first; k < sl->first + sl->count; k++) {
		const struct cphrase *cp = &ix->ph[ix->leads[k].phrase];

		r = pat_match(ix, cp->tok0, cp->tok0 + cp->ntok, t, i, hi,
		    true);
		if (r != SIZE_MAX && r > best_e) {
			best_e = r;
			best = &phrases[ix->leads[k].phrase];
		}
	}
	*e = best_e;
	return best;
}

bool
claims_status_word_ok(const unsigned char *t, size_t lo, size_t s, size_t e,
    size_t hi)
{
	char w[16];
	size_t j, k, n;

	for (j = s; j > lo && s - j < 4 && text_is_hspace(t[j - 1]); j--)
		;
	claims_word_before(t, lo, j, w, sizeof(w));
	if (claims_in_list((const unsigned char *)w, strlen(w), verb_before,
	    false))
		return false;
	for (j = e; j < hi && j - e < 4 && text_is_space(t[j]); j++)
		;
	if (j == e || j >= hi)
		return true;
	if (text_is_digit(t[j]))
		return false;
	for (n = 0; j + n < hi && text_is_alpha(t[j + n]) && n < sizeof(w) - 1;
	    n++)
		w[n] = (char)text_lower(t[j + n]);
	w[n] = '\0';
	for (k = 0; verb_after[k]; k++)
		if (strcmp(w, verb_after[k]) == 0)
			return false;
	return true;
}

bool
claims_abbrev(const struct claims_index *ix, const char *w, size_t n)
{
	return claims_htab_get(&ix->abbrev_tab, (const unsigned char *)w, n) !=
	    NULL;
}

/*
 * claims_acronym.c - PURE: how pages name trials besides their NCT IDs:
 * acronyms a page ties to an ID itself ("HERA Phase 2b (NCT02982915)",
 * "NCT05233774 (CLEARMIND)", a table row), and the registry's acronyms of
 * the tracked trials, indexed once for a scan.
 */
#include "claims_acronym.h"

#include <stdlib.h>
#include <string.h>

/* Upper-case words that look like acronyms but never name a trial. */
static const char *const not_acronyms[] = {
	"RCT", "RCTS", "MSC", "MSCS", "FDA", "EMA", "NIH", "NHS", "NCI", "USA",
	"US", "UK", "EU", "IV", "CI", "OR", "HR", "RR", "SD", "SE", "PMID",
	"DOI", "URL", "HIV", "AIDS", "DNA", "RNA", "COVID", "COVID-19", "COPD",
	"AD", "PD", "MS", "ALS", "CKD", "CVD", "QOL", "AE", "AES", "SAE",
	"SAES", "BM", "UC", "WHO", "ISCT", "GVHD", "ISRCTN", "DRKS", "CTR",
	"EUDRACT", "CTG", "API", "PDF", "FAQ", "TBD", "AND", "THE", "FOR",
	"NOT", "NEW", "ALL",
	/* status lozenges and table values: "| NCT09000011 | RECRUITING |" */
	"RECRUITING", "COMPLETED", "TERMINATED", "WITHDRAWN", "SUSPENDED",
	"ACTIVE", "ENROLLING", "UNKNOWN", "ONGOING", "PENDING", "YES", "NO",
	"NONE", "TBC", "N/A", NULL,
};

/* ------------------------------------------------------------- names */

/* Length of the leading word of s (hyphens inside it count). */
static size_t
key_len(const unsigned char *s, size_t n)
{
	size_t j = 0;

	while (j < n && (text_is_wordch(s[j]) || (s[j] == '-' && j > 0 &&
	    j + 1 < n && text_is_alnum(s[j - 1]) && text_is_alnum(s[j + 1]))))
		j++;
	return j;
}

/* "HERA", "CLEARMIND", "ADMIRE-CD": could this word be a trial's name? */
static bool
acronym_like(const unsigned char *w, size_t n)
{
	size_t k, upper = 0, low = 0, roman = 0;

	if (n < 2 || n > 32 || !text_is_upper(w[0]) || w[n - 1] == '-')
		return false;
	for (k = 0; k < n; k++) {
		if (text_is_upper(w[k]))
			upper++;
		else if (text_is_lower(w[k]))
			low++;
		else if (!text_is_digit(w[k]) && w[k] != '-')
			return false;
		if (w[k] == 'I' || w[k] == 'V' || w[k] == 'X')
			roman++;
	}
	if (upper < 2 || low > upper || roman == n)
		return false;
	if (n > 3 && text_lower(w[0]) == 'n' && text_lower(w[1]) == 'c' &&
	    text_lower(w[2]) == 't' && text_is_digit(w[3]))
		return false;
	return !claims_in_list(w, n, not_acronyms, false);
}

/* Words between a trial's name and its ID: "Phase 2b", "trial". */
static bool
skippable(const unsigned char *w, size_t n)
{
	size_t k;

	if (claims_in_list(w, n, (const char *const[]){"phase", "trial",
	    "study",
	    NULL}, true))
		return true;
	if (n > 8 || !(text_is_digit(w[0]) || w[0] == 'I' || w[0] == 'V'))
		return false;
	for (k = 0; k < n; k++)
		if (!strchr("0123456789IVXab/", w[k]) || w[k] == '\0')
			return false;
	return true;
}

static int
name_cmp(const void *pa, const void *pb)
{
	const struct name *a = pa, *b = pb;
	int c = claims_key_cmp(a->s, a->keylen, b->s, b->keylen);

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;	/* longest first */
	return a->seq < b->seq ? -1 : a->seq > b->seq;	/* first tie wins */
}

/*
 * The first name of v[a..n) with key t[i..i+kl) that the text at i spells
 * out to a word end, or NULL: the longest, the first tied of equals.
 */
static const struct name *
name_in(const struct name *v, size_t a, size_t n, const unsigned char *t,
    size_t i, size_t hi, size_t kl)
{
	for (; a < n; a++) {
		const struct name *nm = &v[a];

		if (nm->keylen != kl || memcmp(nm->s, t + i, kl) != 0)
			break;
		if (nm->len <= hi - i && memcmp(nm->s, t + i, nm->len) == 0 &&
		    claims_word_end(t, i + nm->len, hi))
			return nm;
	}
	return NULL;
}

static const unsigned char *
name_key(const void *v, size_t k, size_t *len)
{
	const struct name *nm = (const struct name *)v + k;

	*len = nm->keylen;
	return nm->s;
}

/* ---------------------------------------------------- the page's ties */

/* A name the page ties to trial `id` at seq. */
static int
add_name(struct page_names *pn, const unsigned char *s, size_t len,
    const char *id, size_t seq)
{
	struct name *nm;
	size_t kl = key_len(s, len);

	if (kl == 0)
		return 0;
	if ((nm = text_grow(pn->v, &pn->cap, pn->n,
	    sizeof(*nm))) == NULL)
		return -1;
	pn->v = nm;
	nm = &pn->v[pn->n++];
	nm->s = s;
	nm->len = len;
	nm->keylen = kl;
	nm->seq = seq;
	memcpy(nm->id, id, NCT_ID_SIZE);
	pn->first[s[0]] = true;
	return 0;
}

/* "HERA Phase 2b (NCT02982915 ...", "the HERA trial (Phase 2b, NCT...)". */
/*
 * "insulin in MCI (NCT...)": a word after a preposition is what the
 * trial is about, not its name.
 */
static bool
after_preposition(const unsigned char *t, size_t ws)
{
	static const char *const preps[] = {
		"in", "for", "with", "of", "on", "after", "versus", "vs", "and",
		"or", NULL,
	};
	char w[8];
	size_t j = ws;

	while (j > 0 && (t[j - 1] == ' ' || t[j - 1] == '\t'))
		j--;
	claims_word_before(t, 0, j, w, sizeof(w));
	return claims_in_list((const unsigned char *)w, strlen(w), preps,
	    false);
}

static int
tie_before(struct page_names *pn, size_t i, const char *id)
{
	const unsigned char *t = pn->t;
	size_t p = i, ws, words;

	while (p > 0 && i - p < 48 && t[p - 1] != '(') {
		if (strchr(").;|\n", t[p - 1]) || t[p - 1] == '\0')
			return 0;
		p--;
	}
	if (p == 0 || t[p - 1] != '(')
		return 0;
	p--;
	for (words = 0; words < 5; words++) {
		while (p > 0 && (t[p - 1] == ' ' || t[p - 1] == '\t'))
			p--;
		for (ws = p; ws > 0 && p - ws < 40 &&
		    (text_is_alnum(t[ws - 1]) ||
		    t[ws - 1] == '-' || t[ws - 1] == '/'); ws--)
			;
		if (ws == p || (ws > 0 && text_is_wordch(t[ws - 1])))
			return 0;
		if (skippable(t + ws, p - ws)) {
			p = ws;
			continue;
		}
		if (acronym_like(t + ws, p - ws) && !after_preposition(t, ws))
			return add_name(pn, t + ws, p - ws, id, i);
		return 0;
	}
	return 0;
}

/* "NCT05233774 (CLEARMIND)". */
static int
tie_after(struct page_names *pn, size_t i, const char *id)
{
	const unsigned char *t = pn->t;
	size_t p = i + 11, s;

	while (p < pn->len && p - (i + 11) < 3 && t[p] == ' ')
		p++;
	if (p >= pn->len || t[p] != '(')
		return 0;
	for (s = ++p; p < pn->len && p - s < 33 && (text_is_alnum(t[p]) ||
	    t[p] == '-'); p++)
		;
	if (p >= pn->len || t[p] != ')' || !acronym_like(t + s, p - s))
		return 0;
	return add_name(pn, t + s, p - s, id, i);
}

/* The single word alone in a table cell ending (dir<0) or starting at p. */
static bool
cell_word(const unsigned char *t, size_t len, size_t p, int dir,
    size_t *ws, size_t *we)
{
	size_t a, b;

	if (dir < 0) {
		for (b = p; b > 0 && text_is_hspace(t[b - 1]) &&
		    p - b < 16; b--)
			;
		for (a = b; a > 0 && b - a < 33 && (text_is_alnum(t[a - 1]) ||
		    t[a - 1] == '-'); a--)
			;
		while (a > 0 && text_is_hspace(t[a - 1]) && b - a < 64)
			a--;
		if (a == 0 || t[a - 1] != '|')
			return false;
		for (*ws = a; text_is_hspace(t[*ws]); (*ws)++)
			;
		*we = b;
	} else {
		for (a = p; a < len && text_is_hspace(t[a]) && a - p < 16; a++)
			;
		for (b = a; b < len && b - a < 33 && (text_is_alnum(t[b]) ||
		    t[b] == '-'); b++)
			;
		*ws = a;
		*we = b;
		while (b < len && text_is_hspace(t[b]) && b - a < 64)
			b++;
		if (b >= len || t[b] != '|')
			return false;
	}
	return *we > *ws;
}

/* "| HERA | NCT02982915 |": an ID alone in its cell, a name beside it. */
static int
tie_table(struct page_names *pn, size_t i, const char *id)
{
	const unsigned char *t = pn->t;
	size_t a = i, b = i + 11, ws, we;

	while (a > 0 && text_is_hspace(t[a - 1]) && i - a < 16)
		a--;
	while (b < pn->len && text_is_hspace(t[b]) && b - i < 27)
		b++;
	if (a == 0 || t[a - 1] != '|' || b >= pn->len || t[b] != '|')
		return 0;
	if (cell_word(t, pn->len, a - 1, -1, &ws, &we) &&
	    acronym_like(t + ws, we - ws))
		return add_name(pn, t + ws, we - ws, id, i);
	if (cell_word(t, pn->len, b + 1, 1, &ws, &we) &&
	    acronym_like(t + ws, we - ws))
		return add_name(pn, t + ws, we - ws, id, i);
	return 0;
}

int
claims_acronym_page(struct page_names *pn)
{
	char id[NCT_ID_SIZE];
	size_t i;

	for (i = 0; (i = text_nct_next(pn->t, pn->len, i, id)) != SIZE_MAX;
	    i += 11)
		if (tie_before(pn, i, id) < 0 || tie_after(pn, i, id) < 0 ||
		    tie_table(pn, i, id) < 0)
			return -1;
	if (pn->n > 1)
		qsort(pn->v, pn->n, sizeof(*pn->v), name_cmp);
	return 0;
}

/* The page's name at word start i with key length kl, or NULL. */
static const struct name *
page_name_at(const struct page_names *pn, size_t i, size_t hi, size_t kl)
{
	const unsigned char *t = pn->t;
	size_t a = 0, b = pn->n, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (claims_key_cmp(pn->v[m].s, pn->v[m].keylen, t + i, kl) < 0)
			a = m + 1;
		else
			b = m;
	}
	return name_in(pn->v, a, pn->n, t, i, hi, kl);
}

/* ------------------------------------------------ the registry's names */

/* The registry's names, trimmed, copied, sorted and hashed by key. */
int
claims_acronym_index(struct claims_index *ix, const struct claims_acronym *acr,
    size_t n_acr)
{
	const unsigned char *s;
	char id[NCT_ID_SIZE];
	size_t k, n, kl, total = 0, used = 0;
	struct name *nm;

	for (k = 0; k < n_acr; k++)
		if (acr[k].acronym)
			total += strlen(acr[k].acronym);
	if ((ix->text = malloc(total + 1)) == NULL ||
	    (ix->v = calloc(n_acr + 1, sizeof(*ix->v))) == NULL)
		return -1;
	for (k = 0; k < n_acr; k++) {
		s = (const unsigned char *)acr[k].acronym;
		/* Any case, as on a page: "nct02982915" too. */
		if (s == NULL || acr[k].nct_id == NULL ||
		    strlen(acr[k].nct_id) != 11 || !text_nct_at((const
		    unsigned char *)acr[k].nct_id, 0, 11, 0, id))
			continue;
		for (n = strlen((const char *)s); n > 0 &&
		    text_is_space(s[n - 1]); n--)
			;
		while (n > 0 && text_is_space(*s)) {
			s++;
			n--;
		}
		if (n < 3 || (kl = key_len(s, n)) == 0)
			continue;
		memcpy(ix->text + used, s, n);
		nm = &ix->v[ix->n++];
		nm->s = ix->text + used;
		nm->len = n;
		nm->keylen = kl;
		nm->seq = k;
		memcpy(nm->id, id, NCT_ID_SIZE);
		used += n;
		pair_set(ix->name_pair, s[0], s[1]);
	}
	if (ix->n > 1)
		qsort(ix->v, ix->n, sizeof(*ix->v), name_cmp);
	return claims_htab_build(&ix->name_tab, ix->v, ix->n, name_key, false);
}

/*
 * Of a page's and a registry name both spelt out at i the longer wins,
 * the page's if as long.
 */
const struct name *
claims_acronym_at(const struct claims_index *ix, const struct page_names *pn,
    size_t i, size_t hi)
{
	const unsigned char *t = pn->t;
	const struct name *pg = NULL, *rg = NULL;
	const struct slot *sl;
	bool reg = i + 1 < hi && pair_has(ix->name_pair, t[i], t[i + 1]);
	size_t kl;

	if (!reg && !pn->first[t[i]])
		return NULL;
	kl = key_len(t + i, hi - i);
	if (pn->first[t[i]])
		pg = page_name_at(pn, i, hi, kl);
	if (reg && (sl = claims_htab_get(&ix->name_tab, t + i, kl)) != NULL)
		rg = name_in(ix->v, sl->first, sl->first + sl->count, t, i, hi,
		    kl);
	return pg && (rg == NULL || pg->len >= rg->len) ? pg : rg;
}

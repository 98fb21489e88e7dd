/*
 * claims.c - PURE: what a knowledge-base page claims about trials.  One pass
 * cuts the page into paragraphs, blocks, sentences and clauses, finds trial
 * mentions, claim phrases and dates, and gives each phrase to its trials,
 * looking words up in an index built once for all the pages of a scan.
 */
#include "claims.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_MAX	200	/* bytes (model.h) */
#define EXCERPT_LEAD	60	/* bytes of context kept before the phrase */
#define WINDOW		300	/* raw bytes looked at on each side of a phrase */
#define CLEAN_LEAD	128	/* ... of which cleaned before it, mostly */
#define MAX_TRIALS	32	/* trials one clause can give a phrase */
#define STATUS_NEAR	100	/* bytes between a status word and its trial */
#define STATUS_LEAD	5	/* an unattached status word opens its clause */
#define SEP_MAX		64	/* bytes of space between a phrase's words */
#define HEADING_MAX	120	/* longer lines are never plain-text headings */
#define LONG_LINE	160	/* a prose line this long: one block per line */
#define LONG_SPACES	12	/* ... if it has this many spaces (not a URL) */
#define TOP_LINES	10	/* "Last reviewed: ..." counts this near the top */
#define TOP_AS_OF	3	/* "as of ..." anywhere counts in these lines */
#define PIECE_MAX	2048	/* bytes of one block a mention keeps */
#define CONTEXT_MAX	16384	/* bytes of context a mention keeps in all */

#define NBSP0		0xc2	/* U+00A0, common in pages exported from HTML */
#define NBSP1		0xa0

/* ------------------------------------------------------------ phrases */

enum family {
	FAM_RESULTS,		/* results-pending */
	FAM_PUBLICATION,	/* publication-pending */
	FAM_STATUS,
	FAM_NOT,		/* a negated status: swallows its words */
	FAM_DONE,		/* results/paper out: cancels the clause's claims */
};

#define R_DONE (1u << CLAIM_RESULTS_PENDING)
#define P_DONE (1u << CLAIM_PUBLICATION_PENDING)
#define ST_DONE_ENROLLING (ST_ACTIVE_NOT_RECRUITING | ST_COMPLETED)

/*
 * A phrase is lower-case words separated by one space; "a|b" are
 * alternatives, a trailing '?' makes a word optional (never the first).
 * In the text, words may be separated by any run of spaces, line breaks
 * or hyphens ("in-progress", "not-yet-recruiting").  At each word the
 * longest phrase wins; a phrase inside an earlier one is dropped, and a
 * FAM_NOT/FAM_DONE phrase overlapping an earlier one too ("not yet
 * published in" is pending, not "published in").
 */
struct phrase {
	const char *pat;
	enum family fam;
	unsigned bits;	/* FAM_STATUS: status bits; FAM_DONE: kinds cancelled */
	bool verb;	/* also an ordinary verb: check the words around it */
};

static const struct phrase phrases[] = {
	/* results-pending */
	{"results are|remain? still? pending|awaited", FAM_RESULTS, 0, false},
	{"published results pending", FAM_RESULTS, 0, false},
	{"pending results", FAM_RESULTS, 0, false},
	{"awaiting posted|registry? results", FAM_RESULTS, 0, false},
	{"results not yet? posted|available|reported|released", FAM_RESULTS,
	    0, false},
	{"results are|have|remain not yet? been? "
	    "posted|available|reported|released", FAM_RESULTS, 0, false},
	{"results have? yet to be posted|reported|released", FAM_RESULTS, 0,
	    false},
	{"results unavailable", FAM_RESULTS, 0, false},
	{"no results posted|available|reported|yet", FAM_RESULTS, 0, false},
	{"no results have|had been posted|reported", FAM_RESULTS, 0, false},
	{"no posted results", FAM_RESULTS, 0, false},
	{"results are? expected", FAM_RESULTS, 0, false},

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
	{"publication in preparation|progress", FAM_PUBLICATION, 0, false},
	{"submitted for publication", FAM_PUBLICATION, 0, false},
	{"publication not yet? identified|available|found", FAM_PUBLICATION, 0,
	    false},
	{"no full? publication yet", FAM_PUBLICATION, 0, false},

	/* status: the registry's words, then informal ones */
	{"not yet recruiting", FAM_STATUS, ST_NOT_YET_RECRUITING, false},
	{"recruiting", FAM_STATUS, ST_RECRUITING, false},
	{"open for|to recruitment|enrollment|enrolment", FAM_STATUS,
	    ST_RECRUITING, false},
	{"enrolling by invitation", FAM_STATUS, ST_ENROLLING_BY_INVITATION,
	    false},
	{"enrolling|enroling", FAM_STATUS,
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
	{"completed", FAM_STATUS, ST_COMPLETED, true},
	{"not yet completed", FAM_STATUS, ST_ACTIVE, false},
	{"terminated", FAM_STATUS, ST_TERMINATED, true},
	{"stopped early", FAM_STATUS, ST_TERMINATED, false},
	{"withdrawn", FAM_STATUS, ST_WITHDRAWN, true},
	{"suspended", FAM_STATUS, ST_SUSPENDED, true},
	{"on hold", FAM_STATUS, ST_SUSPENDED, false},
	{"underway|ongoing", FAM_STATUS, ST_ACTIVE, false},
	{"under|on way|going", FAM_STATUS, ST_ACTIVE, false},
	{"in progress", FAM_STATUS, ST_ACTIVE, false},
	{"still running|active", FAM_STATUS, ST_ACTIVE, false},
	{"status unknown", FAM_STATUS, ST_UNKNOWN, false},
	{"unknown status", FAM_STATUS, ST_UNKNOWN, false},

	/* negated status words: no claim */
	{"not|never recruiting|enrolling|completed|terminated|withdrawn|"
	    "suspended|underway|ongoing|active", FAM_NOT, 0, false},
	{"not in progress", FAM_NOT, 0, false},
	{"no longer recruiting|enrolling|ongoing|underway|active|suspended",
	    FAM_NOT, 0, false},
	{"stopped|ceased|paused|halted recruiting|enrolling|recruitment|"
	    "enrollment|enrolment", FAM_NOT, 0, false},
	{"suspended in", FAM_NOT, 0, false},

	/* results or paper already out: the clause claims nothing pending */
	{"results were|are|have|had been? now? posted|reported|released",
	    FAM_DONE, R_DONE, false},
	{"results posted|reported", FAM_DONE, R_DONE, false},
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

/* Upper-case words that look like acronyms but never name a trial. */
static const char *const not_acronyms[] = {
	"RCT", "RCTS", "MSC", "MSCS", "FDA", "EMA", "NIH", "NHS", "NCI", "USA",
	"US", "UK", "EU", "IV", "CI", "OR", "HR", "RR", "SD", "SE", "PMID",
	"DOI", "URL", "HIV", "AIDS", "DNA", "RNA", "COVID", "COVID-19", "COPD",
	"AD", "PD", "MS", "ALS", "CKD", "CVD", "QOL", "AE", "AES", "SAE",
	"SAES", "BM", "UC", "WHO", "ISCT", "GVHD", "ISRCTN", "DRKS", "CTR",
	"EUDRACT", "CTG", "API", "PDF", "FAQ", "TBD", "AND", "THE", "FOR",
	"NOT", "NEW", "ALL", NULL,
};

/* -------------------------------------------------------------- dates */

enum precision {
	DP_NONE = 0,
	DP_YEAR,
	DP_MONTH,	/* also a quarter: its first month */
	DP_DAY,
};

#define MONTH(s, m) {s, sizeof(s) - 1, m}
#define MONTH_MAX 9	/* the longest name, "september" */

static const struct {
	const char *name;
	size_t len;
	int month;
} months[] = {
	MONTH("january", 1), MONTH("february", 2), MONTH("march", 3),
	MONTH("april", 4), MONTH("may", 5), MONTH("june", 6),
	MONTH("july", 7), MONTH("august", 8), MONTH("september", 9),
	MONTH("october", 10), MONTH("november", 11), MONTH("december", 12),
	MONTH("jan", 1), MONTH("feb", 2), MONTH("mar", 3), MONTH("apr", 4),
	MONTH("jun", 6), MONTH("jul", 7), MONTH("aug", 8), MONTH("sept", 9),
	MONTH("sep", 9), MONTH("oct", 10), MONTH("nov", 11), MONTH("dec", 12),
};

/* A date right after one of these is the claim's as-of date. */
static const char *const date_marks[] = {
	"accessed", "checked", "retrieved", "updated", "reviewed", "verified",
	"viewed", NULL,
};
/* ... and right after one of these it is a forecast, not an as-of date. */
static const char *const date_forecasts[] = {
	"expected", "by", "until", "due", "estimated", "anticipated",
	"projected", NULL,
};

/* Lines that give the page's own date. */
static const char *const page_labels[] = {
	"last reviewed", "last updated", "last checked", "last modified",
	"last edited", "reviewed", "updated", "checked", "accessed", "as of",
	"as at", NULL,
};
static const char *const front_matter_keys[] = {
	"updated", "last_updated", "last-updated", "lastmod", "last_modified",
	"modified", "reviewed", "last_reviewed", "last-reviewed",
	"date_updated", NULL,
};

/* ------------------------------------------------------------- scanner */

/* A trial named in the clause being scanned. */
struct ment {
	size_t s, e;
	char id[NCT_ID_SIZE];
};

/* A trial named in the block being scanned (claims_mentions). */
struct bment {
	size_t pos;		/* its first naming in the block */
	int line;
	char id[NCT_ID_SIZE];
};

struct hit {
	size_t s, e;
	int line;
	unsigned words;		/* words of the clause before it */
	const struct phrase *ph;
};

struct date_hit {
	size_t pos;
	char d[DATE_SIZE];
};

struct dates {
	struct date_hit *v;
	size_t n, cap;
};

/* A claim waiting for its excerpt and as-of date. */
struct pend {
	size_t claim;
	size_t pos;
};

struct pends {
	struct pend *v;
	size_t n, cap;
};

/*
 * A name for a trial: an acronym tied on the page or by the registry.
 * Tables of names are sorted by name_cmp, so the names sharing a key sit
 * together, longest first.
 */
struct name {
	const unsigned char *s;	/* borrowed: page text or the index's copy */
	size_t len, keylen;	/* key: the leading word */
	size_t seq;		/* where it was tied, or its registry entry */
	char id[NCT_ID_SIZE];
};

/* ------------------------------------------------------------- index */

/*
 * A hash table over the keys of a sorted array: each slot stands for the
 * run of elements sharing one key.  Open addressing, at most half full.
 */
struct slot {
	const unsigned char *key;	/* borrowed; NULL: a free slot */
	size_t len;
	size_t first, count;		/* the run in the array */
};

struct htab {
	struct slot *v;
	size_t mask;
	bool fold;	/* keys are lower case; text is folded to them */
};

/* One alternative of a phrase word: "posted" in "posted|available". */
struct alt {
	const char *s;		/* borrowed from phrases[] */
	size_t len;
};

/* One word of a phrase: its alternatives, and whether it may be left out. */
struct tok {
	size_t alt0, nalt;
	bool opt;
};

/* A phrase's words: toks[tok0 .. tok0 + ntok). */
struct cphrase {
	size_t tok0, ntok;
};

/*
 * Words by their first two bytes, folded, and their length (0: any): a
 * bit for each, shared by many words, so only a set bit says "maybe".
 */
struct wfilter {
	uint64_t bits[32768 / 64];
};

/* A word that can start a phrase ("results"), and that phrase. */
struct lead {
	const unsigned char *w;	/* borrowed from phrases[] */
	size_t len;
	size_t phrase;
};

/*
 * The phrase table cut into words once, so matching never re-reads the
 * pattern strings, and every page's words looked up by their first word;
 * the registry's names sorted and hashed by key, so a page costs nothing
 * per registry name.  Read-only once built.
 */
struct claims_names {
	struct alt *alts;
	struct tok *toks;
	struct cphrase ph[NPHRASES];
	struct lead *leads;	/* sorted by word, then phrase */
	size_t n_leads;
	struct htab lead_tab;
	struct htab abbrev_tab;	/* abbrevs[] */
	/*
	 * To pass over most words without hashing them: the first two
	 * bytes and the length of every lead, and the first two bytes of
	 * every month name (wf_has), and of every registry name (pair_has).
	 */
	struct wfilter lead_f, month_f;
	uint64_t name_pair[65536 / 64];

	unsigned char *text;	/* the registry's acronyms, trimmed */
	struct name *v;		/* ... as names over `text` */
	size_t n;
	struct htab name_tab;
};

struct ids {
	char v[MAX_TRIALS][NCT_ID_SIZE];
	size_t n;
};

enum block {
	BLK_NONE,
	BLK_PROSE,
	BLK_LIST,
	BLK_TABLE,
	BLK_HEADING,
};

enum lclass {
	L_BLANK,
	L_TEXT,
	L_LIST,
	L_NUMBERED,
	L_TABLE,
	L_TSEP,		/* |---|---| */
	L_HEADING,
	L_RULE,		/* ---, ===: setext underline or thematic break */
};

struct line {
	size_t s, e, next;
};

struct scan {
	const unsigned char *t;
	size_t len;
	struct claim_list *out;
	bool unwrapped;		/* one block per line (exported pages) */
	char page_date[DATE_SIZE];
	const struct claims_names *nx;	/* borrowed */
	struct name *names;	/* tied on this page */
	size_t n_names, cap_names;
	bool name_first[256];	/* ... starting with this byte */

	/* paragraph */
	char last[NCT_ID_SIZE];	/* the trial named last, "" for none */
	bool only_heading;	/* nothing but a heading since the break */
	char table[NCT_ID_SIZE];	/* what every row of a table starts with */

	/* block, scanned when it ends */
	enum block bkind;
	size_t bs, be;
	int bline;
	struct dates bmarked, bbare;
	struct pends bpend;

	/* sentence */
	size_t sent_s;
	struct dates smarked, sbare;
	struct pends spend;
	struct ids prev;	/* trials of the sentence's last naming clause */
	size_t date_end;

	/* clause */
	size_t cl_max;
	unsigned cl_words;
	struct ment *ment;
	size_t n_ment, cap_ment;
	struct hit *hits;
	size_t n_hits, cap_hits;
	size_t ment_end;

	int line;

	/* claims_mentions only (mout NULL otherwise) */
	struct mention_list *mout;
	size_t m0;		/* this page's first entry in mout */
	struct bment *bm;	/* trials the block names */
	size_t n_bm, cap_bm;
	size_t head_s, head_e;	/* the last heading block */
	struct ids head_ids;	/* ... and the trials it names */
};

/* ------------------------------------------------------- byte helpers */

/*
 * Byte classes, ASCII only (not the locale's): one load per test, since
 * the scan tests every byte of a page.
 */
#define B_DIGIT	1
#define B_UPPER	2
#define B_LOWER	4
#define B_UNDER	8

#define B10(c) c, c, c, c, c, c, c, c, c, c
#define B26(c) B10(c), B10(c), c, c, c, c, c, c

static const unsigned char bclass[256] = {
	['0'] = B10(B_DIGIT),
	['A'] = B26(B_UPPER),
	['_'] = B_UNDER,
	['a'] = B26(B_LOWER),
};

static bool
is_digit(unsigned char c)
{
	return bclass[c] & B_DIGIT;
}

static bool
is_upper(unsigned char c)
{
	return bclass[c] & B_UPPER;
}

static bool
is_lower(unsigned char c)
{
	return bclass[c] & B_LOWER;
}

static bool
is_alpha(unsigned char c)
{
	return bclass[c] & (B_UPPER | B_LOWER);
}

static bool
is_alnum(unsigned char c)
{
	return bclass[c] & (B_DIGIT | B_UPPER | B_LOWER);
}

static bool
is_wordch(unsigned char c)
{
	return bclass[c] != 0;
}

/* ASCII lower case; no branch, B_UPPER << 4 being 'a' - 'A'. */
_Static_assert((B_UPPER << 4) == 'a' - 'A', "lower() needs B_UPPER == 2");

static unsigned char
lower(unsigned char c)
{
	return (unsigned char)(c | (bclass[c] & B_UPPER) << 4);
}

static bool
is_hspace(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static bool
is_space(unsigned char c)
{
	return is_hspace(c) || c == '\n';
}

/* Grow an array to hold n+1 elements; the (maybe moved) array or NULL. */
static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return v;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > SIZE_MAX / size)
		return NULL;
	if ((nv = realloc(v, ncap * size)) == NULL)
		return NULL;
	*cap = ncap;
	return nv;
}

/*
 * Does a word start at i?  A hyphen between letters keeps the word going:
 * "in-progress", "non-completed", "2026-05" are one word each.
 */
static bool
word_start(const unsigned char *t, size_t lo, size_t i)
{
	if (!is_alnum(t[i]))
		return false;
	if (i == lo)
		return true;
	if (is_wordch(t[i - 1]))
		return false;
	return !(t[i - 1] == '-' && i - 1 > lo && is_alnum(t[i - 2]));
}

/* Does a word end at j (before t[j])? */
static bool
word_end(const unsigned char *t, size_t j, size_t hi)
{
	if (j >= hi)
		return true;
	if (is_wordch(t[j]))
		return false;
	return !(t[j] == '-' && j + 1 < hi && is_alnum(t[j + 1]));
}

/*
 * Case-insensitive: does lower-case `w` start t[i..hi), ending a word?
 * (No strlen: most calls fail at the first letter.)
 */
static bool
word_is(const unsigned char *t, size_t i, size_t hi, const char *w)
{
	size_t k;

	for (k = 0; w[k]; k++)
		if (i + k >= hi || lower(t[i + k]) != (unsigned char)w[k])
			return false;
	return i + k == hi || !is_alnum(t[i + k]);
}

static bool
in_list(const unsigned char *w, size_t n, const char *const *list,
    bool fold)
{
	const char *l;
	size_t k;

	for (; *list; list++) {
		l = *list;
		for (k = 0; k < n && l[k] && (fold ? lower(w[k]) : w[k]) ==
		    (unsigned char)l[k]; k++)
			;
		if (k == n && l[k] == '\0')
			return true;
	}
	return false;
}

/* The letters-only word ending at j, lower-cased into buf; its start. */
static size_t
word_before(const unsigned char *t, size_t lo, size_t j, char *buf,
    size_t size)
{
	size_t s = j, n;

	while (s > lo && j - s < size - 1 && is_alpha(t[s - 1]))
		s--;
	if (s > lo && is_alpha(t[s - 1]))
		s = j;		/* too long to be one of ours */
	for (n = 0; s + n < j && n < size - 1; n++)
		buf[n] = (char)lower(t[s + n]);
	buf[n] = '\0';
	return s;
}

/* ------------------------------------------------------------ UTF-8 */

/* Length of the valid UTF-8 character at s, 0 if invalid. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, k;

	if (c < 0x80)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (k = 2; k < len; k++)
		if (s[k] < 0x80 || s[k] > 0xbf)
			return 0;
	return len;
}

/* Printable ASCII, not space: copied by clean() as it is. */
static bool
is_plain(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

/*
 * Clean n bytes of page text into dst (room for 3n+1): valid UTF-8 (each
 * invalid byte becomes U+FFFD), control characters and runs of space one
 * space, no space at either end.  *mark becomes the output offset of input
 * offset `at` (a word start).  With `after` not SIZE_MAX, it stops once
 * that many bytes follow *mark: the output so far is final, bar a space
 * it would have put next.  Returns the length.
 */
static size_t
clean(const unsigned char *src, size_t n, char *dst, size_t at,
    size_t *mark, size_t after)
{
	size_t i = 0, o = 0, len, stop = SIZE_MAX;
	bool space = false;

	while (i < n && o < stop) {
		unsigned char c = src[i];

		/* Plain ASCII, most of a page, goes through as it is. */
		if (is_plain(c) && !space && i != at) {
			dst[o++] = (char)c;
			i++;
			continue;
		}
		if (c < 0x20 || c == ' ' || c == 0x7f ||
		    (c == NBSP0 && i + 1 < n && src[i + 1] == NBSP1)) {
			space = o > 0;
			i += c == NBSP0 ? 2 : 1;
			continue;
		}
		if (space) {
			dst[o++] = ' ';
			space = false;
		}
		if (i == at && mark) {
			*mark = o;
			if (after != SIZE_MAX)
				stop = o + after;
		}
		if ((len = utf8_len(src + i, n - i)) == 0) {
			memcpy(dst + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(dst + o, src + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
	return o;
}

/* The words that made a claim, cleaned; new. */
static char *
phrase_text(const unsigned char *t, size_t s, size_t e)
{
	char *buf;

	if ((buf = malloc(3 * (e - s) + 1)) == NULL)
		return NULL;
	clean(t + s, e - s, buf, SIZE_MAX, NULL, SIZE_MAX);
	return buf;
}

/*
 * At most EXCERPT_MAX bytes of the sentence [s, e) around the phrase at
 * `at`, cleaned, cut at characters (and words where it can), with "…"
 * where text was left out; new.
 */
static char *
excerpt(const unsigned char *t, size_t s, size_t e, size_t at)
{
	char buf[3 * 2 * WINDOW + 1], *r;
	size_t ws, we, from, n, mark = 0, a, b, k;
	bool cut_l, cut_r;

	ws = at - s > WINDOW ? at - WINDOW : s;
	we = e - at > WINDOW ? at + WINDOW : e;
	while (ws < at && (t[ws] & 0xc0) == 0x80)
		ws++;
	while (we > at && we < e && (t[we] & 0xc0) == 0x80)
		we--;
	cut_l = ws > s;
	cut_r = we < e;
	if (!cut_l && !cut_r) {
		n = clean(t + ws, we - ws, buf, at - ws, &mark, SIZE_MAX);
		if (n <= EXCERPT_MAX)
			return strdup(buf);
		from = ws;
	} else {
		/*
		 * A cut window: clean only what the excerpt can use.  From
		 * where two plain bytes meet, cleaning gives the text it
		 * gives from ws, shifted, and nothing below `a` is looked
		 * at; past EXCERPT_MAX bytes after the phrase nothing is.
		 */
		from = at - ws > CLEAN_LEAD ? at - CLEAN_LEAD : ws;
		while (from > ws && !(is_plain(t[from - 1]) &&
		    is_plain(t[from])))
			from--;
		n = clean(t + from, we - from, buf, at - from, &mark,
		    EXCERPT_MAX + 1);
	}

	/* Room for an ellipsis (3 bytes) at each end. */
	for (;;) {
		a = mark > EXCERPT_LEAD ? mark - EXCERPT_LEAD : 0;
		b = a + EXCERPT_MAX - 6;
		if (b > n) {
			b = n;
			a = b > EXCERPT_MAX - 6 ? b - (EXCERPT_MAX - 6) : 0;
		}
		if (a > 0 || from == ws)
			break;
		/* Too little text before the phrase to shift: all of it. */
		from = ws;
		n = clean(t + ws, we - ws, buf, at - ws, &mark, EXCERPT_MAX + 1);
	}
	while (a < n && (buf[a] & 0xc0) == 0x80)
		a++;
	while (b > a && b < n && (buf[b] & 0xc0) == 0x80)
		b--;
	if (a > 0 || cut_l) {
		for (k = a; k < mark && k < a + 20 && buf[k] != ' '; k++)
			;
		if (k < mark && buf[k] == ' ')
			a = k + 1;
	}
	if (b < n || cut_r) {
		for (k = b; k > mark && k + 20 > b && buf[k - 1] != ' '; k--)
			;
		if (k > mark && buf[k - 1] == ' ')
			b = k - 1;
	}
	cut_l = cut_l || a > 0;
	cut_r = cut_r || b < n;
	while (a < b && buf[a] == ' ')
		a++;
	while (b > a && buf[b - 1] == ' ')
		b--;
	if ((r = malloc(b - a + 7)) == NULL)
		return NULL;
	k = 0;
	if (cut_l) {
		memcpy(r, "\xe2\x80\xa6", 3);
		k = 3;
	}
	memcpy(r + k, buf + a, b - a);
	k += b - a;
	if (cut_r) {
		memcpy(r + k, "\xe2\x80\xa6", 3);
		k += 3;
	}
	r[k] = '\0';
	return r;
}

/* ------------------------------------------------------------- NCT IDs */

/* An NCT ID starting at i (word-bounded, any case) into id, upper-cased. */
static bool
nct_at(const unsigned char *t, size_t lo, size_t hi, size_t i,
    char id[NCT_ID_SIZE])
{
	size_t k;

	if (hi - i < 11 || lower(t[i]) != 'n' || lower(t[i + 1]) != 'c' ||
	    lower(t[i + 2]) != 't')
		return false;
	if (i > lo && is_wordch(t[i - 1]))
		return false;
	for (k = 3; k < 11; k++)
		if (!is_digit(t[i + k]))
			return false;
	if (i + 11 < hi && is_wordch(t[i + 11]))
		return false;
	memcpy(id, "NCT", 3);
	memcpy(id + 3, t + i + 3, 8);
	id[11] = '\0';
	return true;
}

/*
 * The first NCT ID starting at or after `from` in t[0..len), into id; its
 * start, or SIZE_MAX.  An ID's eight digits cover one offset that is a
 * multiple of 8, so only where a digit sits at such an offset is there
 * anything to check: prose has few digits.
 */
static size_t
nct_next(const unsigned char *t, size_t len, size_t from,
    char id[NCT_ID_SIZE])
{
	size_t p, i;

	if (len < 11 || from > len - 11)
		return SIZE_MAX;
	for (p = (from + 3 + 7) / 8 * 8; p < len; p += 8) {
		if (!is_digit(t[p]))
			continue;
		for (i = p >= from + 10 ? p - 10 : from; i + 3 <= p &&
		    i + 11 <= len; i++)
			if (nct_at(t, 0, len, i, id))
				return i;
	}
	return SIZE_MAX;
}

static bool
valid_nct(const char *s, char id[NCT_ID_SIZE])
{
	size_t n;

	if (s == NULL || (n = strlen(s)) != 11)
		return false;
	return nct_at((const unsigned char *)s, 0, n, 0, id);
}

/* ----------------------------------------------------------- acronyms */

/* Length of the leading word of s (hyphens inside it count). */
static size_t
key_len(const unsigned char *s, size_t n)
{
	size_t j = 0;

	while (j < n && (is_wordch(s[j]) || (s[j] == '-' && j > 0 &&
	    j + 1 < n && is_alnum(s[j - 1]) && is_alnum(s[j + 1]))))
		j++;
	return j;
}

/* "HERA", "CLEARMIND", "ADMIRE-CD": could this word be a trial's name? */
static bool
acronym_like(const unsigned char *w, size_t n)
{
	size_t k, upper = 0, low = 0, roman = 0;

	if (n < 2 || n > 32 || !is_upper(w[0]) || w[n - 1] == '-')
		return false;
	for (k = 0; k < n; k++) {
		if (is_upper(w[k]))
			upper++;
		else if (is_lower(w[k]))
			low++;
		else if (!is_digit(w[k]) && w[k] != '-')
			return false;
		if (w[k] == 'I' || w[k] == 'V' || w[k] == 'X')
			roman++;
	}
	if (upper < 2 || low > upper || roman == n)
		return false;
	if (n > 3 && lower(w[0]) == 'n' && lower(w[1]) == 'c' &&
	    lower(w[2]) == 't' && is_digit(w[3]))
		return false;
	return !in_list(w, n, not_acronyms, false);
}

/* Words between a trial's name and its ID: "Phase 2b", "trial". */
static bool
skippable(const unsigned char *w, size_t n)
{
	size_t k;

	if (in_list(w, n, (const char *const[]){"phase", "trial", "study",
	    NULL}, true))
		return true;
	if (n > 8 || !(is_digit(w[0]) || w[0] == 'I' || w[0] == 'V'))
		return false;
	for (k = 0; k < n; k++)
		if (!strchr("0123456789IVXab/", w[k]) || w[k] == '\0')
			return false;
	return true;
}

/* A name the page ties to trial `id` at seq. */
static int
add_name(struct scan *x, const unsigned char *s, size_t len, const char *id,
    size_t seq)
{
	struct name *nm;
	size_t kl = key_len(s, len);

	if (kl == 0)
		return 0;
	if ((nm = grow(x->names, &x->cap_names, x->n_names,
	    sizeof(*nm))) == NULL)
		return -1;
	x->names = nm;
	nm = &x->names[x->n_names++];
	nm->s = s;
	nm->len = len;
	nm->keylen = kl;
	nm->seq = seq;
	memcpy(nm->id, id, NCT_ID_SIZE);
	x->name_first[s[0]] = true;
	return 0;
}

/* "HERA Phase 2b (NCT02982915 ...", "the HERA trial (Phase 2b, NCT...)". */
static int
tie_before(struct scan *x, size_t i, const char *id)
{
	const unsigned char *t = x->t;
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
		for (ws = p; ws > 0 && p - ws < 40 && (is_alnum(t[ws - 1]) ||
		    t[ws - 1] == '-' || t[ws - 1] == '/'); ws--)
			;
		if (ws == p || (ws > 0 && is_wordch(t[ws - 1])))
			return 0;
		if (skippable(t + ws, p - ws)) {
			p = ws;
			continue;
		}
		if (acronym_like(t + ws, p - ws))
			return add_name(x, t + ws, p - ws, id, i);
		return 0;
	}
	return 0;
}

/* "NCT05233774 (CLEARMIND)". */
static int
tie_after(struct scan *x, size_t i, const char *id)
{
	const unsigned char *t = x->t;
	size_t p = i + 11, s;

	while (p < x->len && p - (i + 11) < 3 && t[p] == ' ')
		p++;
	if (p >= x->len || t[p] != '(')
		return 0;
	for (s = ++p; p < x->len && p - s < 33 && (is_alnum(t[p]) ||
	    t[p] == '-'); p++)
		;
	if (p >= x->len || t[p] != ')' || !acronym_like(t + s, p - s))
		return 0;
	return add_name(x, t + s, p - s, id, i);
}

/* The single word alone in a table cell ending (dir<0) or starting at p. */
static bool
cell_word(const unsigned char *t, size_t len, size_t p, int dir,
    size_t *ws, size_t *we)
{
	size_t a, b;

	if (dir < 0) {
		for (b = p; b > 0 && is_hspace(t[b - 1]) && p - b < 16; b--)
			;
		for (a = b; a > 0 && b - a < 33 && (is_alnum(t[a - 1]) ||
		    t[a - 1] == '-'); a--)
			;
		while (a > 0 && is_hspace(t[a - 1]) && b - a < 64)
			a--;
		if (a == 0 || t[a - 1] != '|')
			return false;
		for (*ws = a; is_hspace(t[*ws]); (*ws)++)
			;
		*we = b;
	} else {
		for (a = p; a < len && is_hspace(t[a]) && a - p < 16; a++)
			;
		for (b = a; b < len && b - a < 33 && (is_alnum(t[b]) ||
		    t[b] == '-'); b++)
			;
		*ws = a;
		*we = b;
		while (b < len && is_hspace(t[b]) && b - a < 64)
			b++;
		if (b >= len || t[b] != '|')
			return false;
	}
	return *we > *ws;
}

/* "| HERA | NCT02982915 |": an ID alone in its cell, a name beside it. */
static int
tie_table(struct scan *x, size_t i, const char *id)
{
	const unsigned char *t = x->t;
	size_t a = i, b = i + 11, ws, we;

	while (a > 0 && is_hspace(t[a - 1]) && i - a < 16)
		a--;
	while (b < x->len && is_hspace(t[b]) && b - i < 27)
		b++;
	if (a == 0 || t[a - 1] != '|' || b >= x->len || t[b] != '|')
		return 0;
	if (cell_word(t, x->len, a - 1, -1, &ws, &we) &&
	    acronym_like(t + ws, we - ws))
		return add_name(x, t + ws, we - ws, id, i);
	if (cell_word(t, x->len, b + 1, 1, &ws, &we) &&
	    acronym_like(t + ws, we - ws))
		return add_name(x, t + ws, we - ws, id, i);
	return 0;
}

/* Byte order, a prefix first: how name and lead tables are sorted. */
static int
key_cmp(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c != 0)
		return c;
	return an < bn ? -1 : an > bn;
}

static int
name_cmp(const void *pa, const void *pb)
{
	const struct name *a = pa, *b = pb;
	int c = key_cmp(a->s, a->keylen, b->s, b->keylen);

	if (c != 0)
		return c;
	if (a->len != b->len)
		return a->len > b->len ? -1 : 1;	/* longest first */
	return a->seq < b->seq ? -1 : a->seq > b->seq;	/* first tie wins */
}

/* The names the page ties to an ID, in every NCT ID's neighbourhood. */
static int
build_names(struct scan *x)
{
	char id[NCT_ID_SIZE];
	size_t i;

	for (i = 0; (i = nct_next(x->t, x->len, i, id)) != SIZE_MAX; i += 11)
		if (tie_before(x, i, id) < 0 || tie_after(x, i, id) < 0 ||
		    tie_table(x, i, id) < 0)
			return -1;
	if (x->n_names > 1)
		qsort(x->names, x->n_names, sizeof(*x->names), name_cmp);
	return 0;
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
		    word_end(t, i + nm->len, hi))
			return nm;
	}
	return NULL;
}

/* The page's name at word start i with key length kl, or NULL. */
static const struct name *
page_name_at(const struct scan *x, size_t i, size_t hi, size_t kl)
{
	const unsigned char *t = x->t;
	size_t a = 0, b = x->n_names, m;

	while (a < b) {
		m = a + (b - a) / 2;
		if (key_cmp(x->names[m].s, x->names[m].keylen, t + i, kl) < 0)
			a = m + 1;
		else
			b = m;
	}
	return name_in(x->names, a, x->n_names, t, i, hi, kl);
}

/* ------------------------------------------------------------- index */

static unsigned
wf_key(unsigned char a, unsigned char b, size_t len)
{
	return (unsigned)(lower(a) & 31) << 10 | (unsigned)(lower(b) & 31) << 5 |
	    (unsigned)(len < 31 ? len : 31);
}

static void
wf_set(struct wfilter *f, unsigned char a, unsigned char b, size_t len)
{
	unsigned k = wf_key(a, b, len);

	f->bits[k / 64] |= (uint64_t)1 << (k % 64);
}

/* Might a word of len bytes starting a, b (b 0 if len is 1) be in f? */
static bool
wf_has(const struct wfilter *f, unsigned char a, unsigned char b,
    size_t len)
{
	unsigned k = wf_key(a, b, len);

	return (f->bits[k / 64] >> (k % 64)) & 1;
}

static bool
pair_has(const uint64_t *bits, unsigned char a, unsigned char b)
{
	unsigned k = (unsigned)a << 8 | b;

	return (bits[k / 64] >> (k % 64)) & 1;
}

static void
pair_set(uint64_t *bits, unsigned char a, unsigned char b)
{
	unsigned k = (unsigned)a << 8 | b;

	bits[k / 64] |= (uint64_t)1 << (k % 64);
}

static size_t
hash_key(const unsigned char *s, size_t n, bool fold)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	while (n--)
		h = (h ^ (fold ? lower(*s++) : *s++)) * 16777619u;
	return h;
}

static bool
key_eq(const unsigned char *key, const unsigned char *s, size_t n, bool fold)
{
	size_t k;

	if (!fold)
		return memcmp(key, s, n) == 0;
	for (k = 0; k < n; k++)
		if (lower(s[k]) != key[k])
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

/* The run of elements with key s[0..n), or NULL. */
static const struct slot *
htab_get(const struct htab *h, const unsigned char *s, size_t n)
{
	const struct slot *sl = htab_slot(h, s, n);

	return sl->key ? sl : NULL;
}

typedef const unsigned char *(*key_fn)(const void *v, size_t k, size_t *len);

/* Hash the runs of equal keys of the sorted array v[0..n).  0 / -1. */
static int
htab_build(struct htab *h, const void *v, size_t n, key_fn key, bool fold)
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

static const unsigned char *
name_key(const void *v, size_t k, size_t *len)
{
	const struct name *nm = (const struct name *)v + k;

	*len = nm->keylen;
	return nm->s;
}

static int
lead_cmp(const void *pa, const void *pb)
{
	const struct lead *a = pa, *b = pb;
	int c = key_cmp(a->w, a->len, b->w, b->len);

	if (c != 0)
		return c;
	return a->phrase < b->phrase ? -1 : a->phrase > b->phrase;
}

/*
 * Cut every phrase into words and alternatives.  A phrase can start only
 * at a word spelling the leading word characters of one of its first
 * alternatives ("active" for "active,"), so that word leads to it; the
 * phrases a word leads to stay in table order, which breaks ties.
 */
static int
compile_phrases(struct claims_names *nx)
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
	if ((nx->alts = calloc(n_alt, sizeof(*nx->alts))) == NULL ||
	    (nx->toks = calloc(n_tok, sizeof(*nx->toks))) == NULL ||
	    (nx->leads = calloc(n_alt, sizeof(*nx->leads))) == NULL)
		return -1;
	for (k = 0; k < NPHRASES; k++) {
		nx->ph[k].tok0 = nt;
		for (p = phrases[k].pat;; p = tok_end + 1) {
			if ((tok_end = strchr(p, ' ')) == NULL)
				tok_end = p + strlen(p);
			lead = nt == nx->ph[k].tok0;
			tk = &nx->toks[nt++];
			tk->opt = tok_end[-1] == '?';
			alt_end = tk->opt ? tok_end - 1 : tok_end;
			tk->alt0 = na;
			for (a = p; a < alt_end; a += al + 1) {
				bar = memchr(a, '|', (size_t)(alt_end - a));
				al = (size_t)((bar ? bar : alt_end) - a);
				nx->alts[na].s = a;
				nx->alts[na++].len = al;
				for (w = 0; w < al && is_wordch((unsigned char)a[w]);
				    w++)
					;
				if (!lead || w == 0)
					continue;
				nx->leads[nl].w = (const unsigned char *)a;
				nx->leads[nl].len = w;
				nx->leads[nl++].phrase = k;
				wf_set(&nx->lead_f, (unsigned char)a[0],
				    w > 1 ? (unsigned char)a[1] : 0, w);
			}
			tk->nalt = na - tk->alt0;
			if (*tok_end == '\0')
				break;
		}
		nx->ph[k].ntok = nt - nx->ph[k].tok0;
	}
	qsort(nx->leads, nl, sizeof(*nx->leads), lead_cmp);
	for (k = 0, nx->n_leads = 0; k < nl; k++)
		if (nx->n_leads == 0 || lead_cmp(&nx->leads[k],
		    &nx->leads[nx->n_leads - 1]) != 0)
			nx->leads[nx->n_leads++] = nx->leads[k];
	return htab_build(&nx->lead_tab, nx->leads, nx->n_leads, lead_key,
	    true);
}

/* The word lists looked up at many words of a page: months, abbreviations. */
static int
index_words(struct claims_names *nx)
{
	size_t k, n = 0;

	for (k = 0; k < sizeof(months) / sizeof(months[0]); k++)
		wf_set(&nx->month_f, (unsigned char)months[k].name[0],
		    (unsigned char)months[k].name[1], 0);
	while (abbrevs[n])
		n++;
	return htab_build(&nx->abbrev_tab, abbrevs, n, list_key, false);
}

/* The registry's names, trimmed, copied, sorted and hashed by key. */
static int
index_names(struct claims_names *nx, const struct claims_acronym *acr,
    size_t n_acr)
{
	const unsigned char *s;
	char id[NCT_ID_SIZE];
	size_t k, n, kl, total = 0, used = 0;
	struct name *nm;

	for (k = 0; k < n_acr; k++)
		if (acr[k].acronym)
			total += strlen(acr[k].acronym);
	if ((nx->text = malloc(total + 1)) == NULL ||
	    (nx->v = calloc(n_acr + 1, sizeof(*nx->v))) == NULL)
		return -1;
	for (k = 0; k < n_acr; k++) {
		s = (const unsigned char *)acr[k].acronym;
		if (s == NULL || !valid_nct(acr[k].nct_id, id))
			continue;
		for (n = strlen((const char *)s); n > 0 && is_space(s[n - 1]);
		    n--)
			;
		while (n > 0 && is_space(*s)) {
			s++;
			n--;
		}
		if (n < 3 || (kl = key_len(s, n)) == 0)
			continue;
		memcpy(nx->text + used, s, n);
		nm = &nx->v[nx->n++];
		nm->s = nx->text + used;
		nm->len = n;
		nm->keylen = kl;
		nm->seq = k;
		memcpy(nm->id, id, NCT_ID_SIZE);
		used += n;
		pair_set(nx->name_pair, s[0], s[1]);
	}
	if (nx->n > 1)
		qsort(nx->v, nx->n, sizeof(*nx->v), name_cmp);
	return htab_build(&nx->name_tab, nx->v, nx->n, name_key, false);
}

struct claims_names *
claims_names_new(const struct claims_acronym *acr, size_t n)
{
	struct claims_names *nx;

	if ((nx = calloc(1, sizeof(*nx))) == NULL)
		return NULL;
	if (compile_phrases(nx) < 0 || index_words(nx) < 0 ||
	    index_names(nx, acr, acr ? n : 0) < 0) {
		claims_names_free(nx);
		return NULL;
	}
	return nx;
}

void
claims_names_free(struct claims_names *nx)
{
	if (nx == NULL)
		return;
	free(nx->name_tab.v);
	free(nx->v);
	free(nx->text);
	free(nx->abbrev_tab.v);
	free(nx->lead_tab.v);
	free(nx->leads);
	free(nx->toks);
	free(nx->alts);
	free(nx);
}

/*
 * The trial name at word start i, or NULL.  Of a page's and a registry
 * name both spelt out there the longer wins, the page's if as long.
 */
static const struct name *
name_at(const struct scan *x, size_t i, size_t hi)
{
	const struct claims_names *nx = x->nx;
	const unsigned char *t = x->t;
	const struct name *pg = NULL, *rg = NULL;
	const struct slot *sl;
	bool reg = i + 1 < hi && pair_has(nx->name_pair, t[i], t[i + 1]);
	size_t kl;

	if (!reg && !x->name_first[t[i]])
		return NULL;
	kl = key_len(t + i, hi - i);
	if (x->name_first[t[i]])
		pg = page_name_at(x, i, hi, kl);
	if (reg && (sl = htab_get(&nx->name_tab, t + i, kl)) != NULL)
		rg = name_in(nx->v, sl->first, sl->first + sl->count, t, i, hi,
		    kl);
	return pg && (rg == NULL || pg->len >= rg->len) ? pg : rg;
}

/* -------------------------------------------------------------- dates */

static size_t
count_digits(const unsigned char *t, size_t i, size_t hi)
{
	size_t n = 0;

	while (i + n < hi && is_digit(t[i + n]) && n < 5)
		n++;
	return n;
}

static int
number(const unsigned char *t, size_t i, size_t n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (t[i++] - '0');
	return v;
}

static bool
valid_date(int y, int m, int d)
{
	static const int dim[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31};

	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 ||
	    d > dim[m - 1])
		return false;
	return !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)));
}

static void
put_date(char out[DATE_SIZE], int y, int m, int d)
{
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/*
 * A month name (capitalised) at i: 1..12 and *e after it, or 0.  A name
 * must be the whole run of letters and digits there, so only names of
 * that run's length are compared.
 */
static int
month_at(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	size_t k, n;

	if (!is_upper(t[i]))
		return 0;
	for (n = 1; i + n < hi && is_alnum(t[i + n]); n++)
		if (n == MONTH_MAX)
			return 0;
	for (k = 0; k < sizeof(months) / sizeof(months[0]); k++) {
		if (months[k].len != n || !word_is(t, i, hi, months[k].name))
			continue;
		*e = i + n;
		if (n <= 4 && *e < hi && t[*e] == '.')
			(*e)++;
		return months[k].month;
	}
	return 0;
}

/* Spaces inside a date ("May\n2026" in a wrapped line): how many. */
static size_t
date_space(const unsigned char *t, size_t i, size_t hi)
{
	size_t j = i;

	while (j < hi && j - i < 4) {
		if (is_space(t[j]))
			j++;
		else if (t[j] == NBSP0 && j + 1 < hi && t[j + 1] == NBSP1)
			j += 2;
		else
			break;
	}
	return j - i;
}

/* A 4-digit year at i that ends a word: the year or 0. */
static int
year_at(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	if (i >= hi || count_digits(t, i, hi) != 4 ||
	    (i + 4 < hi && is_alnum(t[i + 4])))
		return 0;
	*e = i + 4;
	return number(t, i, 4);
}

/* "6th" -> 6: a day number at i (ordinal suffix allowed), or 0. */
static int
day_at(const unsigned char *t, size_t i, size_t hi, size_t *e)
{
	size_t n = count_digits(t, i, hi), j = i + n;

	if (n == 0 || n > 2)
		return 0;
	if (j + 1 < hi && (word_is(t, j, hi, "st") || word_is(t, j, hi, "nd") ||
	    word_is(t, j, hi, "rd") || word_is(t, j, hi, "th")))
		j += 2;
	if (j < hi && is_alnum(t[j]))
		return 0;
	*e = j;
	return number(t, i, n);
}

/*
 * A date starting at word start i: "2026-05-06", "2026-05", "6 May 2026",
 * "May 6, 2026", "May 2026", "Q2 2026", "2026".  Writes YYYY-MM-DD (a
 * month means its first day, a quarter its first month, a year 1 January),
 * sets *e after it and *iso for the YYYY-MM[-DD] forms.
 */
static enum precision
parse_date(const unsigned char *t, size_t i, size_t hi, char out[DATE_SIZE],
    size_t *e, bool *iso)
{
	size_t j, k;
	int y, m, d;

	*iso = false;
	if (is_digit(t[i]) && count_digits(t, i, hi) == 4) {
		y = number(t, i, 4);
		j = i + 4;
		if (j + 2 < hi && t[j] == '-' && count_digits(t, j + 1, hi) == 2) {
			m = number(t, j + 1, 2);
			k = j + 3;
			if (k + 2 < hi && t[k] == '-' &&
			    count_digits(t, k + 1, hi) == 2) {
				d = number(t, k + 1, 2);
				if (!valid_date(y, m, d))
					return DP_NONE;
				put_date(out, y, m, d);
				*e = k + 3;
				*iso = true;
				return DP_DAY;
			}
			if ((k < hi && is_alnum(t[k])) || !valid_date(y, m, 1))
				return DP_NONE;
			put_date(out, y, m, 1);
			*e = k;
			*iso = true;
			return DP_MONTH;
		}
		if ((j < hi && is_alnum(t[j])) || !valid_date(y, 1, 1))
			return DP_NONE;
		put_date(out, y, 1, 1);
		*e = j;
		return DP_YEAR;
	}
	if (is_digit(t[i])) {
		if ((d = day_at(t, i, hi, &j)) == 0)
			return DP_NONE;
		j += date_space(t, j, hi);
		if (j >= hi || (m = month_at(t, j, hi, &k)) == 0)
			return DP_NONE;
		if (k < hi && t[k] == ',')
			k++;
		k += date_space(t, k, hi);
		if ((y = year_at(t, k, hi, e)) == 0 || !valid_date(y, m, d))
			return DP_NONE;
		put_date(out, y, m, d);
		return DP_DAY;
	}
	if (t[i] == 'Q' && i + 2 < hi && t[i + 1] >= '1' && t[i + 1] <= '4' &&
	    (t[i + 2] == ' ' || t[i + 2] == '-')) {
		if ((y = year_at(t, i + 3, hi, e)) == 0 || !valid_date(y, 1, 1))
			return DP_NONE;
		put_date(out, y, (t[i + 1] - '1') * 3 + 1, 1);
		return DP_MONTH;
	}
	if ((m = month_at(t, i, hi, &j)) == 0)
		return DP_NONE;
	j += date_space(t, j, hi);
	if (j < hi && (d = day_at(t, j, hi, &k)) != 0) {
		if (k < hi && t[k] == ',')
			k++;
		k += date_space(t, k, hi);
		if ((y = year_at(t, k, hi, e)) == 0 || !valid_date(y, m, d))
			return DP_NONE;
		put_date(out, y, m, d);
		return DP_DAY;
	}
	if (j < hi && t[j] == ',') {
		j++;
		j += date_space(t, j, hi);
	}
	if ((y = year_at(t, j, hi, e)) == 0 || !valid_date(y, m, 1))
		return DP_NONE;
	put_date(out, y, m, 1);
	return DP_MONTH;
}

/*
 * What the words before a date make of it: 1 an as-of date ("as of",
 * "accessed on", "(May 6, 2026)"), -1 a forecast ("expected by"), 0 bare.
 */
static int
date_mark(const unsigned char *t, size_t lo, size_t i)
{
	char w[16];
	size_t j = i, s;

	while (j > lo && i - j < 8 && (is_space(t[j - 1]) || t[j - 1] == ':'))
		j--;
	if (j > lo && (t[j - 1] == '(' || t[j - 1] == '['))
		return 1;
	s = word_before(t, lo, j, w, sizeof(w));
	if (strcmp(w, "on") == 0) {
		for (j = s; j > lo && i - j < 16 && is_space(t[j - 1]); j--)
			;
		s = word_before(t, lo, j, w, sizeof(w));
	}
	if (in_list((const unsigned char *)w, strlen(w), date_marks, false))
		return 1;
	if (in_list((const unsigned char *)w, strlen(w), date_forecasts, false))
		return -1;
	if (strcmp(w, "of") == 0 || strcmp(w, "at") == 0) {
		for (j = s; j > lo && i - j < 24 && is_space(t[j - 1]); j--)
			;
		word_before(t, lo, j, w, sizeof(w));
		return strcmp(w, "as") == 0;
	}
	return 0;
}

static int
dates_push(struct dates *d, size_t pos, const char *date)
{
	struct date_hit *v;

	if ((v = grow(d->v, &d->cap, d->n, sizeof(*v))) == NULL)
		return -1;
	d->v = v;
	d->v[d->n].pos = pos;
	memcpy(d->v[d->n].d, date, DATE_SIZE);
	d->n++;
	return 0;
}

/* The date nearest to pos (dates are in page order), or NULL. */
static const char *
dates_nearest(const struct dates *d, size_t pos)
{
	size_t a = 0, b = d->n, m;

	if (d->n == 0)
		return NULL;
	while (a < b) {
		m = a + (b - a) / 2;
		if (d->v[m].pos < pos)
			a = m + 1;
		else
			b = m;
	}
	if (a == d->n)
		return d->v[a - 1].d;
	if (a == 0 || d->v[a].pos - pos < pos - d->v[a - 1].pos)
		return d->v[a].d;
	return d->v[a - 1].d;
}

/* ------------------------------------------------------------ page date */

/* "Last reviewed: 2026-05-06", "**Updated** May 2026" at the start of a line. */
static bool
label_date(const unsigned char *t, size_t i, size_t hi, char out[DATE_SIZE])
{
	const char *const *l;
	size_t j, e;
	bool iso;

	while (i < hi && (is_hspace(t[i]) || (t[i] != '\0' &&
	    strchr("#>*_-", t[i]))))
		i++;
	for (l = page_labels; *l; l++) {
		if (!word_is(t, i, hi, *l))
			continue;
		j = i + strlen(*l);
		while (j < hi && (is_hspace(t[j]) || t[j] == ':' ||
		    t[j] == '*' || t[j] == '_'))
			j++;
		if (word_is(t, j, hi, "on"))
			for (j += 2; j < hi && is_hspace(t[j]); j++)
				;
		return j < hi && is_alnum(t[j]) &&
		    parse_date(t, j, hi, out, &e, &iso) != DP_NONE;
	}
	return false;
}

/* "as of <date>" anywhere in [s, e). */
static bool
as_of_date(const unsigned char *t, size_t s, size_t e, char out[DATE_SIZE])
{
	size_t i, j, end;
	bool iso;

	for (i = s; i + 5 < e; i++) {
		if (!word_start(t, s, i) || !word_is(t, i, e, "as"))
			continue;
		for (j = i + 2; j < e && is_hspace(t[j]); j++)
			;
		if (j == i + 2 || !word_is(t, j, e, "of"))
			continue;
		for (j += 2; j < e && is_hspace(t[j]); j++)
			;
		if (j < e && is_alnum(t[j]) &&
		    parse_date(t, j, e, out, &end, &iso) != DP_NONE)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------- lines */

static void
line_at(const struct scan *x, size_t pos, struct line *l)
{
	const unsigned char *nl = memchr(x->t + pos, '\n', x->len - pos);

	l->s = pos;
	l->e = nl ? (size_t)(nl - x->t) : x->len;
	l->next = nl ? l->e + 1 : x->len;
	if (l->e > l->s && x->t[l->e - 1] == '\r')
		l->e--;
}

/* A short line without closing punctuation: a heading in an exported page. */
static bool
plain_heading(const unsigned char *t, size_t s, size_t e)
{
	while (s < e && is_hspace(t[s]))
		s++;
	while (e > s && is_hspace(t[e - 1]))
		e--;
	if (e - s > HEADING_MAX || e == s || is_lower(t[s]))
		return false;
	return strchr(".,;:!?", t[e - 1]) == NULL || t[e - 1] == '\0';
}

static enum lclass
classify(const struct scan *x, const struct line *l)
{
	const unsigned char *t = x->t;
	size_t i = l->s, e = l->e, j;
	unsigned char c;

	while (i < e && is_hspace(t[i]))
		i++;
	if (i == e)
		return L_BLANK;
	c = t[i];
	if (c == '#') {
		for (j = i; j < e && t[j] == '#' && j - i < 7; j++)
			;
		if (j - i <= 6 && (j == e || is_hspace(t[j])))
			return L_HEADING;
	}
	if (c == '|') {
		for (j = i; j < e && (t[j] == '|' || t[j] == ':' ||
		    t[j] == '-' || is_hspace(t[j])); j++)
			;
		return j == e ? L_TSEP : L_TABLE;
	}
	if (c == '=' || c == '-') {
		size_t n = 0;

		for (j = i; j < e && (t[j] == c || is_hspace(t[j])); j++)
			n += t[j] == c;
		if (j == e && n >= 3)
			return L_RULE;
	}
	if ((c == '-' || c == '*' || c == '+') && (i + 1 == e ||
	    is_hspace(t[i + 1])))
		return L_LIST;
	if (is_digit(c)) {
		for (j = i; j < e && is_digit(t[j]) && j - i < 10; j++)
			;
		if (j < e && (t[j] == '.' || t[j] == ')') && (j + 1 == e ||
		    is_hspace(t[j + 1])))
			return x->unwrapped && plain_heading(t, l->s, e) ?
			    L_HEADING : L_NUMBERED;
	}
	if (x->unwrapped && plain_heading(t, l->s, e))
		return L_HEADING;
	return L_TEXT;
}

/* Pages exported one block per line have long prose lines. */
static bool
is_unwrapped(const struct scan *x, size_t pos)
{
	struct line l;
	size_t i, spaces;

	for (; pos < x->len; pos = l.next) {
		line_at(x, pos, &l);
		if (l.e - l.s <= LONG_LINE)
			continue;
		for (i = l.s; i < l.e && is_hspace(x->t[i]); i++)
			;
		if (i == l.e || x->t[i] == '|')
			continue;
		for (spaces = 0; i < l.e && spaces < LONG_SPACES; i++)
			spaces += x->t[i] == ' ';
		if (spaces >= LONG_SPACES)
			return true;
	}
	return false;
}

/* Trimmed line equal to s? */
static bool
line_is(const struct scan *x, const struct line *l, const char *s)
{
	size_t a = l->s, b = l->e;

	while (a < b && is_hspace(x->t[a]))
		a++;
	while (b > a && is_hspace(x->t[b - 1]))
		b--;
	return b - a == strlen(s) && memcmp(x->t + a, s, b - a) == 0;
}

/*
 * YAML front matter ("---" first line to "---" or "..."): where the page
 * proper starts and how many lines were skipped; the page date from an
 * `updated:`-like key.
 */
static size_t
front_matter(struct scan *x, int *lines)
{
	struct line l;
	size_t pos, i, j, e;
	int n = 1;
	bool iso;

	*lines = 0;
	if (x->len == 0)
		return 0;
	line_at(x, 0, &l);
	if (!line_is(x, &l, "---"))
		return 0;
	for (pos = l.next; pos < x->len; pos = l.next) {
		line_at(x, pos, &l);
		n++;
		if (line_is(x, &l, "---") || line_is(x, &l, "..."))
			break;
		for (i = l.s; i < l.e && is_hspace(x->t[i]); i++)
			;
		for (j = i; j < l.e && x->t[j] != ':'; j++)
			;
		if (j == l.e || x->page_date[0] ||
		    !in_list(x->t + i, j - i, front_matter_keys, true))
			continue;
		for (j++; j < l.e && (is_hspace(x->t[j]) || x->t[j] == '"' ||
		    x->t[j] == '\''); j++)
			;
		if (j < l.e && parse_date(x->t, j, l.e, x->page_date, &e,
		    &iso) == DP_NONE)
			x->page_date[0] = '\0';
	}
	if (pos >= x->len) {		/* never closed: not front matter */
		x->page_date[0] = '\0';
		return 0;
	}
	*lines = n;
	return l.next;
}

/* The page's own date: a label near the top, "as of" at the top or in a heading. */
static void
page_date(struct scan *x, size_t pos)
{
	struct line l;
	enum lclass c;
	int nonblank = 0;

	for (; pos < x->len && !x->page_date[0]; pos = l.next) {
		line_at(x, pos, &l);
		c = classify(x, &l);
		if (c == L_BLANK || c == L_RULE || c == L_TSEP)
			continue;
		nonblank++;
		if ((nonblank <= TOP_LINES || c == L_HEADING) &&
		    label_date(x->t, l.s, l.e, x->page_date))
			break;
		if ((nonblank <= TOP_AS_OF || c == L_HEADING) &&
		    as_of_date(x->t, l.s, l.e, x->page_date))
			break;
		x->page_date[0] = '\0';
	}
}

/* --------------------------------------------------------- association */

static void
ids_add(struct ids *s, const char *id)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (memcmp(s->v[k], id, NCT_ID_SIZE) == 0)
			return;
	if (s->n < MAX_TRIALS)
		memcpy(s->v[s->n++], id, NCT_ID_SIZE);
}

/* The clause's trials named within STATUS_NEAR bytes of a status word. */
static void
near_ids(const struct scan *x, const struct hit *h, struct ids *out)
{
	size_t a = 0, b = x->n_ment, m;
	size_t from = h->s > STATUS_NEAR ? h->s - STATUS_NEAR : 0;

	while (a < b) {
		m = a + (b - a) / 2;
		if (x->ment[m].e < from)
			a = m + 1;
		else
			b = m;
	}
	for (; a < x->n_ment && x->ment[a].s <= h->e + STATUS_NEAR; a++)
		ids_add(out, x->ment[a].id);
}

/* "completed" as a state ("HERA completed"), not a verb ("who completed the"). */
static bool
status_word_ok(const unsigned char *t, size_t lo, size_t s, size_t e,
    size_t hi)
{
	char w[16];
	size_t j, k, n;

	for (j = s; j > lo && s - j < 4 && is_hspace(t[j - 1]); j--)
		;
	word_before(t, lo, j, w, sizeof(w));
	if (in_list((const unsigned char *)w, strlen(w), verb_before, false))
		return false;
	for (j = e; j < hi && j - e < 4 && is_space(t[j]); j++)
		;
	if (j == e || j >= hi)
		return true;
	if (is_digit(t[j]))
		return false;
	for (n = 0; j + n < hi && is_alpha(t[j + n]) && n < sizeof(w) - 1;
	    n++)
		w[n] = (char)lower(t[j + n]);
	w[n] = '\0';
	for (k = 0; verb_after[k]; k++)
		if (strcmp(w, verb_after[k]) == 0)
			return false;
	return true;
}

static int
pends_push(struct pends *p, size_t claim, size_t pos)
{
	struct pend *v;

	if ((v = grow(p->v, &p->cap, p->n, sizeof(*v))) == NULL)
		return -1;
	p->v = v;
	p->v[p->n].claim = claim;
	p->v[p->n].pos = pos;
	p->n++;
	return 0;
}

/* One claim per trial for a phrase; excerpt and date come at sentence end. */
static int
emit(struct scan *x, const struct hit *h, enum claim_kind kind,
    const struct ids *ids)
{
	struct claim_list *out = x->out;
	struct claim *v, *c;
	char *phrase = NULL;
	size_t k;

	for (k = 0; k < ids->n; k++) {
		if ((v = grow(out->v, &out->cap, out->n, sizeof(*v))) == NULL)
			goto fail;
		out->v = v;
		phrase = k == 0 ? phrase_text(x->t, h->s, h->e) :
		    strdup(out->v[out->n - 1].phrase);
		if (phrase == NULL)
			goto fail;
		c = &out->v[out->n];
		memset(c, 0, sizeof(*c));
		memcpy(c->nct_id, ids->v[k], NCT_ID_SIZE);
		c->kind = kind;
		c->statuses = kind == CLAIM_STATUS ? h->ph->bits : 0;
		c->line = h->line;
		c->phrase = phrase;	/* the claim owns it now */
		phrase = NULL;
		out->n++;
		if (pends_push(&x->spend, out->n - 1, h->s) < 0)
			goto fail;
	}
	return 0;
fail:
	free(phrase);
	return -1;
}

/*
 * A clause ends: its phrases go to the trials it names (status words only
 * to those named near them); a clause naming none borrows the trials of
 * the sentence's last naming clause, else the paragraph's last trial.
 */
static int
end_clause(struct scan *x)
{
	struct ids here, near, one;
	const struct ids *use;
	enum claim_kind kind;
	unsigned done = 0;
	size_t k;
	int rc = -1;

	here.n = 0;
	for (k = 0; k < x->n_ment; k++)
		ids_add(&here, x->ment[k].id);
	for (k = 0; k < x->n_hits; k++)
		if (x->hits[k].ph->fam == FAM_DONE)
			done |= x->hits[k].ph->bits;
	for (k = 0; k < x->n_hits; k++) {
		const struct hit *h = &x->hits[k];

		if (h->ph->fam == FAM_RESULTS)
			kind = CLAIM_RESULTS_PENDING;
		else if (h->ph->fam == FAM_PUBLICATION)
			kind = CLAIM_PUBLICATION_PENDING;
		else if (h->ph->fam == FAM_STATUS)
			kind = CLAIM_STATUS;
		else
			continue;
		if (kind != CLAIM_STATUS && (done & (1u << kind)))
			continue;
		if (here.n > 0 && kind == CLAIM_STATUS) {
			near.n = 0;
			near_ids(x, h, &near);
			use = &near;
		} else if (here.n > 0) {
			use = &here;
		} else if (kind == CLAIM_STATUS && h->words >= STATUS_LEAD) {
			continue;
		} else if (x->prev.n > 0) {
			use = &x->prev;
		} else if (x->last[0]) {
			memcpy(one.v[0], x->last, NCT_ID_SIZE);
			one.n = 1;
			use = &one;
		} else {
			continue;
		}
		if (emit(x, h, kind, use) < 0)
			goto out;
	}
	if (here.n > 0)
		x->prev = here;
	rc = 0;
out:
	x->n_ment = x->n_hits = 0;
	x->cl_max = 0;
	x->cl_words = 0;
	return rc;
}

static int
dates_append(struct dates *to, const struct dates *from)
{
	size_t k;

	for (k = 0; k < from->n; k++)
		if (dates_push(to, from->v[k].pos, from->v[k].d) < 0)
			return -1;
	return 0;
}

/* A sentence [sent_s, end) ends: excerpts, then dates from the sentence. */
static int
end_sentence(struct scan *x, size_t end, size_t next)
{
	struct claim *c;
	const char *d;
	size_t k, pos = SIZE_MAX;
	bool item = x->bkind == BLK_LIST || x->bkind == BLK_TABLE;

	if (end_clause(x) < 0)
		return -1;
	for (k = 0; k < x->spend.n; k++) {
		const struct pend *p = &x->spend.v[k];

		c = &x->out->v[p->claim];
		c->excerpt = p->pos == pos ? strdup(x->out->v[p->claim - 1].excerpt) :
		    excerpt(x->t, x->sent_s, end, p->pos);
		if (c->excerpt == NULL)
			return -1;
		pos = p->pos;
		if ((d = dates_nearest(&x->smarked, p->pos)) == NULL)
			d = dates_nearest(&x->sbare, p->pos);
		if (d == NULL && item) {
			if (pends_push(&x->bpend, p->claim, p->pos) < 0)
				return -1;
			continue;
		}
		memcpy(c->as_of, d ? d : x->page_date, DATE_SIZE);
	}
	if (item && (dates_append(&x->bmarked, &x->smarked) < 0 ||
	    dates_append(&x->bbare, &x->sbare) < 0))
		return -1;
	x->spend.n = x->smarked.n = x->sbare.n = 0;
	x->prev.n = 0;
	x->sent_s = next;
	return 0;
}

/* A list item or table row ends: claims still undated take its dates. */
static void
end_item(struct scan *x)
{
	const char *d;
	size_t k;

	for (k = 0; k < x->bpend.n; k++) {
		const struct pend *p = &x->bpend.v[k];

		if ((d = dates_nearest(&x->bmarked, p->pos)) == NULL)
			d = dates_nearest(&x->bbare, p->pos);
		memcpy(x->out->v[p->claim].as_of, d ? d : x->page_date,
		    DATE_SIZE);
	}
	x->bpend.n = x->bmarked.n = x->bbare.n = 0;
}

/* ------------------------------------------------------------ the scan */

/* Is the '.', '!' or '?' at i the end of a sentence? */
static bool
is_term(const struct scan *x, size_t lo, size_t i, size_t hi)
{
	const unsigned char *t = x->t;
	char w[8];
	size_t s, n;

	if (i + 1 < hi && !is_space(t[i + 1]) && !strchr(")]\"'*_`",
	    t[i + 1]))
		return false;
	if (t[i] != '.')
		return true;
	s = word_before(t, lo, i, w, sizeof(w));
	if (s > lo && (is_digit(t[s - 1]) || t[s - 1] == '-'))
		return true;
	if ((n = strlen(w)) == 1)
		return false;		/* an initial: "J. Smith", "e.g." */
	return htab_get(&x->nx->abbrev_tab, (const unsigned char *)w, n) ==
	    NULL;
}

static int
hit_push(struct scan *x, const struct hit *h)
{
	struct hit *v;

	if ((v = grow(x->hits, &x->cap_hits, x->n_hits, sizeof(*v))) == NULL)
		return -1;
	x->hits = v;
	x->hits[x->n_hits++] = *h;
	return 0;
}

/* The block names trial `id` at s (claims_mentions): the first naming counts. */
static int
bment_push(struct scan *x, size_t s, const char *id)
{
	struct bment *v;
	size_t k;

	for (k = 0; k < x->n_bm; k++)
		if (memcmp(x->bm[k].id, id, NCT_ID_SIZE) == 0)
			return 0;
	if ((v = grow(x->bm, &x->cap_bm, x->n_bm, sizeof(*v))) == NULL)
		return -1;
	x->bm = v;
	v = &x->bm[x->n_bm++];
	v->pos = s;
	v->line = x->line;
	memcpy(v->id, id, NCT_ID_SIZE);
	return 0;
}

static int
mention_push(struct scan *x, size_t s, size_t e, const char *id)
{
	struct ment *v;

	if ((v = grow(x->ment, &x->cap_ment, x->n_ment, sizeof(*v))) == NULL)
		return -1;
	x->ment = v;
	v = &x->ment[x->n_ment++];
	v->s = s;
	v->e = e;
	memcpy(v->id, id, NCT_ID_SIZE);
	memcpy(x->last, id, NCT_ID_SIZE);
	x->ment_end = e;
	return x->mout ? bment_push(x, s, id) : 0;
}

static size_t
skip_sep(const unsigned char *t, size_t i, size_t hi)
{
	size_t j = i;

	while (j < hi && j - i < SEP_MAX) {
		if (is_space(t[j]) || t[j] == '-')
			j++;
		else if (t[j] == NBSP0 && j + 1 < hi && t[j + 1] == NBSP1)
			j += 2;
		else
			break;
	}
	return j > i ? j : SIZE_MAX;
}

/* Match the phrase words toks[tk..end) at t[i..hi): the end, or SIZE_MAX. */
static size_t
pat_match(const struct claims_names *nx, size_t tk, size_t end,
    const unsigned char *t, size_t i, size_t hi, bool first)
{
	const struct tok *w = &nx->toks[tk];
	const struct alt *a = &nx->alts[w->alt0], *a_end = a + w->nalt;
	size_t j = i, k, r;
	bool last = tk + 1 == end;

	if (!first && (j = skip_sep(t, i, hi)) == SIZE_MAX)
		goto skip;
	for (; a < a_end; a++) {
		if (a->len > hi - j)
			continue;
		for (k = 0; k < a->len; k++)
			if (lower(t[j + k]) != (unsigned char)a->s[k])
				break;
		/* Inner words may run on with a hyphen ("in-progress"). */
		if (k < a->len || (is_alnum((unsigned char)a->s[a->len - 1]) &&
		    !word_end(t, j + a->len, hi) && !(!last &&
		    j + a->len < hi && t[j + a->len] == '-')))
			continue;
		if (last)
			return j + a->len;
		r = pat_match(nx, tk + 1, end, t, j + a->len, hi, false);
		if (r != SIZE_MAX)
			return r;
	}
skip:
	if (!w->opt)
		return SIZE_MAX;
	return last ? i : pat_match(nx, tk + 1, end, t, i, hi, first);
}

/*
 * The phrase starting at word start i, or NULL: the longest, of equals
 * the first in the table; its end in *e.  Only the phrases the word
 * t[i..we) (its word characters) leads to are tried.
 */
static const struct phrase *
phrase_at(const struct scan *x, size_t i, size_t we, size_t hi, size_t *e)
{
	const struct claims_names *nx = x->nx;
	const unsigned char *t = x->t;
	const struct phrase *best = NULL;
	const struct slot *sl;
	size_t k, r, best_e = 0;

	if (!wf_has(&nx->lead_f, t[i], we - i > 1 ? t[i + 1] : 0, we - i) ||
	    (sl = htab_get(&nx->lead_tab, t + i, we - i)) == NULL)
		return NULL;
	for (k = sl->first; k < sl->first + sl->count; k++) {
		const struct cphrase *cp = &nx->ph[nx->leads[k].phrase];

		r = pat_match(nx, cp->tok0, cp->tok0 + cp->ntok, t, i, hi, true);
		if (r != SIZE_MAX && r > best_e) {
			best_e = r;
			best = &phrases[nx->leads[k].phrase];
		}
	}
	*e = best_e;
	return best;
}

/*
 * Everything that can start at word start i: a trial, a phrase, a date.
 * The word's characters end at we.
 */
static int
at_word(struct scan *x, size_t lo, size_t i, size_t we, size_t hi)
{
	const unsigned char *t = x->t;
	const struct name *nm;
	const struct phrase *ph;
	char id[NCT_ID_SIZE];
	size_t e, best_e;
	bool iso;

	if (i >= x->ment_end) {
		if (lower(t[i]) == 'n' && nct_at(t, lo, hi, i, id)) {
			if (mention_push(x, i, i + 11, id) < 0)
				return -1;
		} else if ((nm = name_at(x, i, hi)) != NULL) {
			if (mention_push(x, i, i + nm->len, nm->id) < 0)
				return -1;
		}
	}

	if ((ph = phrase_at(x, i, we, hi, &best_e)) != NULL) {
		struct hit h = {i, best_e, x->line, x->cl_words, ph};
		bool keep;

		if (ph->fam == FAM_NOT || ph->fam == FAM_DONE)
			keep = i >= x->cl_max;
		else
			keep = best_e > x->cl_max;
		if (keep && ph->verb)
			keep = status_word_ok(t, lo, i, best_e, hi);
		if (keep) {
			if (hit_push(x, &h) < 0)
				return -1;
			x->cl_max = best_e;
		}
	}

	/* Every date starts with a digit, a quarter or a month's name. */
	if (i >= x->date_end && (is_digit(t[i]) || (is_upper(t[i]) &&
	    (t[i] == 'Q' || wf_has(&x->nx->month_f, t[i], we - i > 1 ?
	    t[i + 1] : 0, 0))))) {
		struct date_hit d;
		enum precision p = parse_date(t, i, hi, d.d, &e, &iso);
		int mark;

		if (p != DP_NONE) {
			x->date_end = e;
			/*
			 * Unmarked, only a full date counts: "completed in
			 * March 2019" dates an event, not the page's look.
			 */
			mark = date_mark(t, lo, i);
			if (mark > 0 && dates_push(&x->smarked, i, d.d) < 0)
				return -1;
			if (mark == 0 && (p == DP_DAY || iso) &&
			    dates_push(&x->sbare, i, d.d) < 0)
				return -1;
		}
	}
	x->cl_words++;
	return 0;
}

/* Scan the pending block [bs, be): sentences, clauses, table cells. */
static int
scan_block(struct scan *x)
{
	const unsigned char *t = x->t;
	size_t i, we, lo = x->bs, hi = x->be;
	bool table = x->bkind == BLK_TABLE;

	x->line = x->bline;
	x->sent_s = lo;
	x->n_ment = x->n_hits = 0;
	x->cl_max = 0;
	x->cl_words = 0;
	x->prev.n = 0;
	for (i = lo; i < hi; i++) {
		unsigned char c = t[i];

		if (is_alnum(c)) {
			/*
			 * Nothing starts or ends inside a word: go past
			 * its characters at once.
			 */
			for (we = i + 1; we < hi && is_wordch(t[we]); we++)
				;
			if (word_start(t, lo, i) && at_word(x, lo, i, we,
			    hi) < 0)
				return -1;
			i = we - 1;
		} else if (c == '\n') {
			x->line++;
		} else if (table && c == '|' && (i == lo || t[i - 1] != '\\')) {
			if (end_sentence(x, i, i + 1) < 0)
				return -1;
		} else if (c == ';') {
			if (end_clause(x) < 0)
				return -1;
		} else if ((c == '.' || c == '!' || c == '?') &&
		    is_term(x, lo, i, hi)) {
			if (end_sentence(x, i + 1, i + 1) < 0)
				return -1;
		}
	}
	if (end_sentence(x, hi, hi) < 0)
		return -1;
	end_item(x);
	return 0;
}

/* --------------------------------------------------------- mentions */

static bool
ids_has(const struct ids *s, const char *id)
{
	size_t k;

	for (k = 0; k < s->n; k++)
		if (memcmp(s->v[k], id, NCT_ID_SIZE) == 0)
			return true;
	return false;
}

static bool
bm_has(const struct scan *x, const char *id)
{
	size_t k;

	for (k = 0; k < x->n_bm; k++)
		if (memcmp(x->bm[k].id, id, NCT_ID_SIZE) == 0)
			return true;
	return false;
}

/* This page's entry for trial `id`, added if new; NULL on ENOMEM. */
static struct mention *
mention_entry(struct scan *x, const char *id, int line)
{
	struct mention_list *l = x->mout;
	struct mention *v;
	char *ctx;
	size_t k;

	for (k = x->m0; k < l->n; k++)
		if (memcmp(l->v[k].nct_id, id, NCT_ID_SIZE) == 0)
			return &l->v[k];
	if ((v = grow(l->v, &l->cap, l->n, sizeof(*v))) == NULL)
		return NULL;
	l->v = v;
	if ((ctx = strdup("")) == NULL)
		return NULL;
	v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	memcpy(v->nct_id, id, NCT_ID_SIZE);
	v->line = line;
	v->context = ctx;
	return v;
}

/*
 * Add the block [s, e) to a mention's context, cleaned onto one line; of a
 * long block only PIECE_MAX bytes around `at` (where the trial is named),
 * so one wall of text cannot drown what is said next to the ID.
 */
static int
add_piece(struct mention *m, const unsigned char *t, size_t s, size_t e,
    size_t at)
{
	size_t ws = s, we = e, n;
	char *buf, *nc;

	if (m->context_len >= CONTEXT_MAX)
		return 0;
	if (e - s > PIECE_MAX) {
		ws = at - s > PIECE_MAX / 2 ? at - PIECE_MAX / 2 : s;
		if (e - ws < PIECE_MAX)
			ws = e - PIECE_MAX;
		we = ws + PIECE_MAX;
		while (ws < e && (t[ws] & 0xc0) == 0x80)
			ws++;
		while (we > ws && we < e && (t[we] & 0xc0) == 0x80)
			we--;
	}
	if ((buf = malloc(3 * (we - ws) + 1)) == NULL)
		return -1;
	n = clean(t + ws, we - ws, buf, SIZE_MAX, NULL, SIZE_MAX);
	if (n > 0 && (nc = realloc(m->context, m->context_len + n + 2))) {
		m->context = nc;
		if (m->context_len > 0)
			m->context[m->context_len++] = '\n';
		memcpy(m->context + m->context_len, buf, n + 1);
		m->context_len += n;
	} else if (n > 0) {
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

/*
 * The block just scanned goes to the context of every trial it names,
 * with the heading right above it; a heading's trials also get the first
 * block below it, which is where a "HERA Phase 2b (NCT...)" heading's
 * trial is described (the same carry-over claims get in para_break).
 */
static int
block_mentions(struct scan *x, bool after_heading)
{
	struct mention *m;
	size_t k;
	int rc = -1;

	for (k = 0; k < x->n_bm; k++) {
		const struct bment *b = &x->bm[k];

		if ((m = mention_entry(x, b->id, b->line)) == NULL)
			goto out;
		if (after_heading && !ids_has(&x->head_ids, b->id) &&
		    add_piece(m, x->t, x->head_s, x->head_e, x->head_s) < 0)
			goto out;
		if (add_piece(m, x->t, x->bs, x->be, b->pos) < 0)
			goto out;
	}
	for (k = 0; after_heading && k < x->head_ids.n; k++) {
		if (bm_has(x, x->head_ids.v[k]))
			continue;
		if ((m = mention_entry(x, x->head_ids.v[k], x->bline)) == NULL ||
		    add_piece(m, x->t, x->bs, x->be, x->bs) < 0)
			goto out;
	}
	if (x->bkind == BLK_HEADING) {
		x->head_s = x->bs;
		x->head_e = x->be;
		x->head_ids.n = 0;
		for (k = 0; k < x->n_bm; k++)
			ids_add(&x->head_ids, x->bm[k].id);
	}
	rc = 0;
out:
	x->n_bm = 0;
	return rc;
}

/* A break between paragraphs; a heading's trial carries over the first. */
static void
para_break(struct scan *x)
{
	if (!x->only_heading)
		x->last[0] = '\0';
}

static int
flush(struct scan *x)
{
	bool after_heading = x->only_heading && x->bkind != BLK_HEADING;
	int rc;

	if (x->bkind == BLK_NONE)
		return 0;
	if (x->bkind == BLK_HEADING)
		x->last[0] = '\0';	/* a heading starts a paragraph */
	rc = scan_block(x);
	if (rc == 0 && x->mout)
		rc = block_mentions(x, after_heading);
	x->only_heading = x->bkind == BLK_HEADING;
	x->bkind = BLK_NONE;
	return rc;
}

static void
open_block(struct scan *x, enum block kind, const struct line *l, int no)
{
	x->bkind = kind;
	x->bs = l->s;
	x->be = l->e;
	x->bline = no;
}

/*
 * Blocks: a heading, a table row, a list item (with its continuation
 * lines), a prose paragraph; in an exported page every line is a block.
 * Paragraphs break at blank lines, headings and the edges of tables; a
 * table row falls back only on its own trials or a heading's right above.
 */
static int
scan_page(struct scan *x, size_t pos, int no)
{
	struct line l;
	enum lclass c;
	bool in_table = false;

	for (; pos < x->len; pos = l.next, no++) {
		line_at(x, pos, &l);
		c = classify(x, &l);
		if (in_table && c != L_TABLE && c != L_TSEP) {
			if (flush(x) < 0)
				return -1;
			para_break(x);
			in_table = false;
		}
		switch (c) {
		case L_BLANK:
		case L_RULE:
			/* "Title\n-----": the paragraph was a heading */
			if (c == L_RULE && x->bkind == BLK_PROSE)
				x->bkind = BLK_HEADING;
			if (flush(x) < 0)
				return -1;
			para_break(x);
			break;
		case L_HEADING:
			if (flush(x) < 0)
				return -1;
			open_block(x, BLK_HEADING, &l, no);
			if (flush(x) < 0)
				return -1;
			break;
		case L_TABLE:
		case L_TSEP:
			if (flush(x) < 0)
				return -1;
			if (!in_table) {
				para_break(x);
				memcpy(x->table, x->last, NCT_ID_SIZE);
			}
			in_table = true;
			if (c == L_TSEP)
				break;
			/* Rows are records: none inherits the row above. */
			memcpy(x->last, x->table, NCT_ID_SIZE);
			open_block(x, BLK_TABLE, &l, no);
			if (flush(x) < 0)
				return -1;
			break;
		case L_LIST:
		case L_NUMBERED:
			if (flush(x) < 0)
				return -1;
			open_block(x, BLK_LIST, &l, no);
			break;
		case L_TEXT:
			if (!x->unwrapped && (x->bkind == BLK_PROSE ||
			    x->bkind == BLK_LIST)) {
				x->be = l.e;
				break;
			}
			if (flush(x) < 0)
				return -1;
			open_block(x, BLK_PROSE, &l, no);
			break;
		}
		if (x->unwrapped && flush(x) < 0)
			return -1;
	}
	return flush(x);
}

static void
scan_free(struct scan *x)
{
	free(x->names);
	free(x->bmarked.v);
	free(x->bbare.v);
	free(x->bpend.v);
	free(x->smarked.v);
	free(x->sbare.v);
	free(x->spend.v);
	free(x->ment);
	free(x->hits);
	free(x->bm);
}

static void
claim_free(struct claim *c)
{
	free(c->excerpt);
	free(c->phrase);
}

static void
mention_free(struct mention *m)
{
	free(m->context);
}

/* One pass over a page: claims into *out, mentions into *mout if not NULL. */
static int
extract(const char *text, size_t len, const struct claims_names *nx,
    struct claim_list *out, struct mention_list *mout)
{
	struct scan *x;
	size_t k, start, n0 = out->n, m0 = mout ? mout->n : 0;
	int lines, rc = -1;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return -1;
	x->t = (const unsigned char *)(text ? text : "");
	x->len = text ? len : 0;
	x->out = out;
	x->mout = mout;
	x->m0 = m0;
	x->nx = nx;
	start = front_matter(x, &lines);
	x->unwrapped = is_unwrapped(x, start);
	page_date(x, start);
	if (build_names(x) < 0 ||
	    scan_page(x, start, lines + 1) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		for (k = n0; k < out->n; k++)
			claim_free(&out->v[k]);
		out->n = n0;
		for (k = m0; mout && k < mout->n; k++)
			mention_free(&mout->v[k]);
		if (mout)
			mout->n = m0;
	}
	scan_free(x);
	free(x);
	return rc;
}

int
claims_extract_names(const char *text, size_t len,
    const struct claims_names *names, struct claim_list *out)
{
	return extract(text, len, names, out, NULL);
}

int
claims_mentions_names(const char *text, size_t len,
    const struct claims_names *names, struct mention_list *out)
{
	struct claim_list claims = {0};
	int rc;

	/* The claims come along with the scan; only the mentions are kept. */
	rc = extract(text, len, names, &claims, out);
	claims_list_finish(&claims);
	return rc;
}

int
claims_scan_names(const char *text, size_t len,
    const struct claims_names *names, struct claim_list *claims,
    struct mention_list *mentions)
{
	return extract(text, len, names, claims, mentions);
}

int
claims_extract(const char *text, size_t len,
    const struct claims_acronym *acronyms, size_t n_acronyms,
    struct claim_list *out)
{
	struct claims_names *nx;
	int rc;

	if ((nx = claims_names_new(acronyms, n_acronyms)) == NULL)
		return -1;
	rc = claims_extract_names(text, len, nx, out);
	claims_names_free(nx);
	return rc;
}

int
claims_mentions(const char *text, size_t len,
    const struct claims_acronym *acronyms, size_t n_acronyms,
    struct mention_list *out)
{
	struct claims_names *nx;
	int rc;

	if ((nx = claims_names_new(acronyms, n_acronyms)) == NULL)
		return -1;
	rc = claims_mentions_names(text, len, nx, out);
	claims_names_free(nx);
	return rc;
}

void
claims_mentions_finish(struct mention_list *l)
{
	size_t k;

	if (l == NULL)
		return;
	for (k = 0; k < l->n; k++)
		mention_free(&l->v[k]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* ----------------------------------------------------------- NCT list */

int
claims_nct_ids(const char *text, size_t len, char (**ids)[NCT_ID_SIZE],
    size_t *n)
{
	const unsigned char *t = (const unsigned char *)text;
	char (*v)[NCT_ID_SIZE] = NULL, (*nv)[NCT_ID_SIZE];
	uint32_t *set = NULL, *ns, key;
	size_t cap = 0, used = 0, nn = 0, cn = 0, i, k, h;
	char id[NCT_ID_SIZE];

	*ids = NULL;
	*n = 0;
	for (i = 0; text && (i = nct_next(t, len, i, id)) != SIZE_MAX;
	    i += 11) {
		key = (uint32_t)strtoul(id + 3, NULL, 10) + 1;
		if (2 * (used + 1) > cap) {
			size_t ncap = cap ? cap * 2 : 64;

			if ((ns = calloc(ncap, sizeof(*ns))) == NULL)
				goto fail;
			for (k = 0; k < cap; k++) {
				if (set[k] == 0)
					continue;
				for (h = set[k] * 2654435761u & (ncap - 1);
				    ns[h]; h = (h + 1) & (ncap - 1))
					;
				ns[h] = set[k];
			}
			free(set);
			set = ns;
			cap = ncap;
		}
		for (h = key * 2654435761u & (cap - 1); set[h] && set[h] != key;
		    h = (h + 1) & (cap - 1))
			;
		if (set[h] == key)
			continue;
		set[h] = key;
		used++;
		if ((nv = grow(v, &cn, nn, sizeof(*v))) == NULL)
			goto fail;
		v = nv;
		memcpy(v[nn++], id, NCT_ID_SIZE);
	}
	free(set);
	*ids = v;
	*n = nn;
	return 0;
fail:
	free(set);
	free(v);
	return -1;
}

/* ---------------------------------------------------------- the rest */

void
claims_list_finish(struct claim_list *l)
{
	size_t k;

	if (l == NULL)
		return;
	for (k = 0; k < l->n; k++)
		claim_free(&l->v[k]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

const char *
claims_kind_name(enum claim_kind k)
{
	switch (k) {
	case CLAIM_RESULTS_PENDING:
		return "results-pending";
	case CLAIM_PUBLICATION_PENDING:
		return "publication-pending";
	case CLAIM_STATUS:
		return "status";
	case CLAIM_MENTION:
		return "mention";
	}
	return "unknown";
}

char *
claims_statuses_text(unsigned statuses, char *buf, size_t size)
{
	static const char *const names[N_STATUSES] = STATUS_NAMES;
	size_t k, o = 0, n;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (k = 0; k < N_STATUSES; k++) {
		if (!(statuses & (1u << k)))
			continue;
		n = strlen(names[k]) + (o > 0);
		if (o + n >= size)
			break;
		if (o > 0)
			buf[o++] = '|';
		memcpy(buf + o, names[k], strlen(names[k]) + 1);
		o += strlen(names[k]);
	}
	return buf;
}

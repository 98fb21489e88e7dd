/*
 * claims_context.c - PURE: the words around a claim phrase.  Which words
 * join trial names into one subject ("X and Y"), which open a clause or a
 * part that asserts nothing ("whereas", "if"), and when a phrase is no
 * claim by its context: quoted, negated, past, hypothetical, a participle,
 * or a status of something that is not a trial.  The word lists are data
 * here; claims.c acts on what these say.
 */
#include "claims_context.h"

#include <stdint.h>

/* ------------------------------------------------------------ subjects */

bool
claims_has_word(const unsigned char *t, size_t s, size_t e, const char *const *list)
{
	size_t i, j;

	for (i = s; i < e; i = j) {
		for (; i < e && !text_is_alnum(t[i]); i++)
			;
		for (j = i; j < e && text_is_alnum(t[j]); j++)
			;
		if (j > i && claims_in_list(t + i, j - i, list, true))
			return true;
	}
	return false;
}

/* Words that join the names of one subject: "X and Y", "both X, Y". */
static const char *const joiners[] = {
	"and", "or", "nor", "both", "neither", "either", "as", "well", "the",
	"trials", "trial", "studies", "study", NULL,
};

/*
 * Does t[a..b), between two trial names, join them into one subject?
 * Only joining words and punctuation, and whatever is in parentheses
 * ("ARBOR-HF (zanorelin, HFpEF) and SENTINEL-AF").
 */
bool
claims_joined(const unsigned char *t, size_t a, size_t b)
{
	size_t i, e;
	int depth = 0;

	for (i = a; i < b; i = e) {
		e = i + 1;
		if (t[i] == '(' || t[i] == '[') {
			depth++;
		} else if (t[i] == ')' || t[i] == ']') {
			depth -= depth > 0;
		} else if (depth == 0 && text_is_alnum(t[i])) {
			for (e = i; e < b && text_is_wordch(t[e]); e++)
				;
			if (!claims_in_list(t + i, e - i, joiners, true))
				return false;
		} else if (depth == 0 && t[i] >= 0x80) {
			return false;
		} else if (depth == 0 && !text_is_space(t[i]) &&
		    !strchr(",&/", t[i])) {
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------- context */

/* Words that start a new clause with its own subject. */
static const char *const clause_words[] = {
	"whereas", "while", "whilst", "but", "although", "though", "however",
	"unlike", "meanwhile", NULL,
};
/* Words that open a part of a sentence that asserts nothing. */
static const char *const sub_words[] = {
	"whether", "if", "once", "until", "unless", "when", "whenever",
	NULL,
};
/* A status word right after one of these is not the trial's state. */
static const char *const status_blockers[] = {
	"will", "would", "could", "should", "might", "may", "to", "before",
	"after", "without", "from", "as", "not", "never", "no", "being", NULL,
};
/* The verb "be" before a status word: its subject is the word before. */
static const char *const be_words[] = {
	"is", "are", "was", "were", "been", "be", NULL,
};
/* Subjects that stand for a trial named before ("it is recruiting"). */
static const char *const trial_subjects[] = {
	"it", "trial", "study", "they", "both", "which", "that", "who", "this",
	"recruitment", "enrolment", "enrollment", "accrual", "programme",
	"program", "has", "have", "had", "and", "also", "but", "or", "yet",
	"so", "now", "though", "although", "while", "whilst", "whereas", NULL,
};
/* ... nor, if it is an ongoing state, after one of these (the past). */
static const char *const past_words[] = {"was", "were", NULL};
/* Adverbs passed over to the word before them. */
static const char *const adverbs[] = {
	"still", "only", "also", "already", "actively", "currently", "now",
	"again", "slowly", "then", "all", NULL,
};

/*
 * The word before t[i] (not before lo), skipping adverbs, lower-cased
 * into w (size bytes); where it starts, or SIZE_MAX if there is none
 * (punctuation other than a comma or quote stops it).
 */
static size_t
word_before(const unsigned char *t, size_t lo, size_t i, char *w,
    size_t size)
{
	size_t j, s;

	for (;;) {
		for (j = i; j > lo && (text_is_space(t[j - 1]) ||
		    t[j - 1] == '"' || t[j - 1] == '*' || t[j - 1] == '_'); j--)
			;
		if (j == lo || !text_is_alpha(t[j - 1]))
			return SIZE_MAX;
		s = claims_word_before(t, lo, j, w, size);
		if (s > lo && t[s - 1] == '\'') {	/* "isn't" */
			if (strcmp(w, "t") == 0)
				strcpy(w, "not");
			return s;
		}
		if (!claims_in_list((const unsigned char *)w, strlen(w),
		    adverbs, false))
			return s;
		i = s;
	}
}

/* Is t[s..e) inside quotation marks of the sentence [lo, hi)? */
static bool
quoted(const unsigned char *t, size_t lo, size_t s, size_t e, size_t hi)
{
	size_t k, straight = 0;
	bool curly = false, single = false;

	for (k = lo; k < s; k++) {
		if (t[k] == '"')
			straight++;
		else if (t[k] == 0xe2 && k + 2 < s && t[k + 1] == 0x80) {
			if (t[k + 2] == 0x9c)
				curly = true;
			else if (t[k + 2] == 0x9d)
				curly = false;
			else if (t[k + 2] == 0x98)
				single = true;
		}
	}
	if (straight % 2 == 1 || curly)
		return true;
	/* 'recruiting' and ‘recruiting’: a closing mark right after it. */
	if (s > lo && t[s - 1] == '\'' && e < hi && t[e] == '\'')
		return true;
	return single && e + 2 < hi && t[e] == 0xe2 && t[e + 1] == 0x80 &&
	    t[e + 2] == 0x99;
}

/*
 * Is the phrase ph at t[s..e) no claim, by its context: quoted, in a
 * question's "whether" part, the old half of a "Was: ... Now:", or (a
 * status) negated, hypothetical, past ("was recruiting") or a gerund
 * ("before enrolling anyone")?
 */
bool
claims_out_of_context(const struct clause_view *cv, const unsigned char *t,
    size_t lo, size_t s, size_t e, size_t hi, const struct phrase *ph)
{
	static const char *const relatives[] = {"which", "that", "who", NULL};
	char w[16], w2[16];
	size_t b, b2;

	if (ph->fam == FAM_NOT || ph->fam == FAM_DONE)
		return false;
	if (cv->sub || cv->was || quoted(t, cv->sent_s, s, e, hi))
		return true;
	if (ph->fam != FAM_STATUS)
		return false;
	if (cv->neg)
		return true;
	/* "paused between November and February": a past spell */
	if (claims_word_is(t, e + (e < hi && t[e] == ' '), hi, "between"))
		return true;
	if ((b = word_before(t, lo, s, w, sizeof(w))) == SIZE_MAX)
		return false;
	if (claims_in_list((const unsigned char *)w, strlen(w),
	    status_blockers, false))
		return true;
	if (claims_in_list((const unsigned char *)w, strlen(w), be_words,
	    false) && (b2 = word_before(t, lo, b, w2, sizeof(w2))) !=
	    SIZE_MAX) {
		/* "a committee that is ongoing": the noun before "that" */
		if (claims_in_list((const unsigned char *)w2, strlen(w2),
		    relatives, false))
			return cv->named && !claims_joined(t, cv->last_e, b2);
		/* "UK sites are not yet recruiting": not a trial's state */
		if (!cv->named && !claims_in_list((const unsigned char *)
		    w2, strlen(w2), trial_subjects, false) && !claims_in_list(
		    (const unsigned char *)w2, strlen(w2), be_words, false))
			return true;
	}
	if ((ph->bits & ~ST_ACTIVE) != 0)
		return false;
	if (claims_in_list((const unsigned char *)w, strlen(w), past_words,
	    false))
		return true;
	return strcmp(w, "been") == 0 && word_before(t, lo, b, w2,
	    sizeof(w2)) != SIZE_MAX && strcmp(w2, "had") == 0;
}

/*
 * Might t[i..i+n) be a word claims_context_word() acts on?  Most words are not:
 * their length and first letter say so without a list lookup.
 */
static bool
context_maybe(const unsigned char *t, size_t i, size_t n, size_t hi)
{
	unsigned char c = text_lower(t[i]);

	if (n < 2 || n > 10)
		return false;
	switch (c) {		/* the lists' first letters */
	case 'a': case 'b': case 'h': case 'i': case 'm': case 'n': case 'o':
	case 'p': case 't': case 'u': case 'w':
		break;
	default:
		return false;
	}
	/* "the", "to", "that", "this", "and", "are", "of", "in", "is"... */
	return !(n <= 4 && (claims_word_is(t, i, hi, "the") ||
	    claims_word_is(t, i, hi, "to") || claims_word_is(t, i, hi, "that") ||
	    claims_word_is(t, i, hi, "this") || claims_word_is(t, i, hi, "and") ||
	    claims_word_is(t, i, hi, "are") || claims_word_is(t, i, hi, "of") ||
	    claims_word_is(t, i, hi, "in") || claims_word_is(t, i, hi, "is") ||
	    claims_word_is(t, i, hi, "with") || claims_word_is(t, i, hi, "on")));
}


enum ctx_word
claims_context_word(const unsigned char *t, size_t i, size_t we, size_t hi)
{
	size_t n = we - i;

	if (!context_maybe(t, i, n, hi))
		return CTX_NONE;
	if (claims_in_list(t + i, n, clause_words, true))
		return CTX_CLAUSE;
	if (claims_in_list(t + i, n, sub_words, true))
		return CTX_SUB;
	if (claims_word_is(t, i, hi, "neither") ||
	    claims_word_is(t, i, hi, "nor"))
		return CTX_NEG;
	if (we < hi && t[we] == ':') {
		/* "Was: recruiting.  Now: terminated." */
		if (claims_word_is(t, i, hi, "was") ||
		    claims_word_is(t, i, hi, "old") ||
		    claims_word_is(t, i, hi, "previously") ||
		    claims_word_is(t, i, hi, "before"))
			return CTX_WAS;
		if (claims_word_is(t, i, hi, "now") ||
		    claims_word_is(t, i, hi, "new") ||
		    claims_word_is(t, i, hi, "after"))
			return CTX_NOW;
	}
	return CTX_NONE;
}

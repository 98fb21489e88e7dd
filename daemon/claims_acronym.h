/*
 * claims_acronym.h - PURE, internal to the claims_*.c files: trials named
 * by acronym, tied to an NCT ID on the page itself or by the registry
 * (struct claims_index holds the registry's, indexed once for a scan).
 */
#ifndef CTMIRROR_CLAIMS_ACRONYM_H
#define CTMIRROR_CLAIMS_ACRONYM_H

#include "claims_index.h"

/* The names one page ties to an NCT ID itself. */
struct page_names {
	const unsigned char *t;	/* the page, borrowed */
	size_t len;
	struct name *v;		/* sorted by name (claims_acronym_page) */
	size_t n, cap;
	bool first[256];	/* is there a name starting with this byte? */
};

/*
 * Find the names pn->t ties to an ID ("HERA Phase 2b (NCT02982915 ...)",
 * "NCT05233774 (CLEARMIND)", "| HERA | NCT02982915 |"), in every NCT ID's
 * neighbourhood, into pn (t and len set, the rest zero; free(pn->v)
 * after).  0 / -1.
 */
int claims_acronym_page(struct page_names *pn);

/*
 * Index the registry's acronyms acr[0..n) into ix (claims_index_new):
 * trimmed, copied, sorted and hashed by their leading word.  Entries
 * without a valid NCT ID, or whose acronym is NULL or shorter than 3
 * bytes, are left out.  0 / -1.
 */
int claims_acronym_index(struct claims_index *ix,
    const struct claims_acronym *acr, size_t n);

/* Might a name (the page's or the registry's) start at t[i] (i < hi)? */
static inline bool
claims_acronym_maybe(const struct claims_index *ix,
    const struct page_names *pn, size_t i, size_t hi)
{
	return pn->first[pn->t[i]] || (i + 1 < hi &&
	    pair_has(ix->name_pair, pn->t[i], pn->t[i + 1]));
}

/*
 * The name spelt out at word start i of pn->t[..hi), or NULL: the
 * longest, of equals the page's, then the first tied.
 */
const struct name *claims_acronym_at(const struct claims_index *ix,
    const struct page_names *pn, size_t i, size_t hi);

#endif

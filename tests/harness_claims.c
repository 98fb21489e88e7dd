/*
 * harness_claims.c - the one-page forms of the claim scan, for tests, fuzz
 * targets and benchmarks: an index built for one page alone, claims or
 * mentions only.  The daemon never makes these calls (it builds one
 * claims_index per scan and wants both lists), so they live here.
 */
#include "harness.h"

#include "claims.h"

int
harness_claims_extract(const char *text, size_t len, enum reader_format fmt,
    const struct claims_acronym *acr, size_t n_acr, struct claim_list *out)
{
	struct claims_index *ix;
	int rc;

	if ((ix = claims_index_new(acr, n_acr)) == NULL)
		return -1;
	rc = claims_scan(text, len, fmt, ix, out, NULL);
	claims_index_free(ix);
	return rc;
}

int
harness_claims_mentions(const char *text, size_t len, enum reader_format fmt,
    const struct claims_acronym *acr, size_t n_acr, struct mention_list *out)
{
	struct claim_list claims = {0};
	struct claims_index *ix;
	int rc;

	if ((ix = claims_index_new(acr, n_acr)) == NULL)
		return -1;
	/* The claims come along with the scan; only the mentions are kept. */
	rc = claims_scan(text, len, fmt, ix, &claims, out);
	claims_list_finish(&claims);
	claims_index_free(ix);
	return rc;
}

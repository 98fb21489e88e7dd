/*
 * harness_identity.c - the one-off form of the identity check, for tests,
 * fuzz targets and benchmarks: judge a page's words against a study as it
 * is, preparing the record for this judgement alone.  The daemon prepares
 * each record once and keeps it (identity_record_new), so this lives here.
 */
#include "harness.h"

#include <string.h>

#include "identity.h"

int
harness_identity_judge(const struct identity *id, const char *context,
    size_t len, const struct study *rec, struct identity_verdict *out)
{
	struct identity_record *r = NULL;
	int rc;

	if (rec != NULL && (r = identity_record_new(id, rec)) == NULL) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	rc = identity_judge_record(id, r, context, len, out);
	identity_record_free(r);
	return rc;
}

const char *
harness_outcome_name(enum identity_outcome o)
{
	switch (o) {
	case IDENTITY_MATCH:
		return "match";
	case IDENTITY_MISMATCH:
		return "mismatch";
	case IDENTITY_UNKNOWN:
		break;
	}
	return "unknown";
}

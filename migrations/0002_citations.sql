-- 0002: citation checks.  A mention of an NCT ID on a page is a claim of its
-- own kind ("mention"): the page says the trial it cites is the one it
-- describes.  Rules on it: identity-mismatch (the record describes another
-- trial) and alias-id (the page uses an ID the registry moved).
ALTER TABLE claims DROP CONSTRAINT claims_kind_check;
ALTER TABLE claims ADD CONSTRAINT claims_kind_check
    CHECK (kind IN ('results-pending', 'publication-pending', 'status', 'mention'));

COMMENT ON COLUMN stale_claims.claim_kind IS
    'results-pending, publication-pending, status, or mention (the page cites the trial by this NCT ID).';
COMMENT ON COLUMN stale_claims.rule IS
    'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, results-submitted, identity-mismatch or alias-id.';

-- 0004: what the registry answered, and which of its data builds a run saw.
--
-- A trial the registry does not know keeps the registry's own words and
-- when it last said them: a page citing it is flagged with them (rule
-- unknown-trial), and an ID that only pages cite is asked again at most
-- once a week.  Each run records the registry's data build (GET /version,
-- dataTimestamp) and a digest of the tracked set, so a cycle that finds
-- both unchanged since the last successful one can skip its probe.
ALTER TABLE trials
    ADD COLUMN registry_answer text,
    ADD COLUMN registry_checked_at timestamptz;
COMMENT ON COLUMN trials.registry_answer IS
    'While registry_state is not_found: the registry''s answer, e.g. "NCT number NCT01234560 not found".';
COMMENT ON COLUMN trials.registry_checked_at IS
    'When the registry last answered that it does not know this ID.';

ALTER TABLE sync_runs
    ADD COLUMN registry_build text,
    ADD COLUMN tracked_digest text;
COMMENT ON COLUMN sync_runs.registry_build IS
    'The registry''s data build the run saw (GET /version dataTimestamp), NULL if it gave none.';
COMMENT ON COLUMN sync_runs.tracked_digest IS
    'Digest of the tracked NCT IDs at the run''s start (to tell an unchanged tracked set).';

COMMENT ON COLUMN stale_claims.rule IS
    'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, results-submitted, identity-mismatch, alias-id or unknown-trial.';

-- invariants.sql - what must hold in a ctmirror database at any moment a
-- sync is not running, whatever happened before (kill -9, faults, restarts).
-- One query: every row it returns is a violation; none means the database
-- is consistent.  Run: psql -X -At -f tests/reliability/invariants.sql
SELECT 'current-not-latest' AS violation, t.nct_id AS subject
  FROM trials t
  JOIN LATERAL (SELECT max(version_id) AS latest FROM study_versions v
                 WHERE v.nct_id = t.nct_id) m ON true
 WHERE t.current_version_id IS DISTINCT FROM m.latest
UNION ALL
-- version_no counts 1, 2, ... without gaps.
SELECT 'version-gap', nct_id
  FROM study_versions GROUP BY nct_id
HAVING count(*) <> max(version_no) OR min(version_no) <> 1
UNION ALL
-- Each change row joins two consecutive versions of its own trial.
SELECT 'change-not-consecutive', c.change_id::text
  FROM study_changes c
  JOIN study_versions v ON v.version_id = c.version_id
  JOIN study_versions p ON p.version_id = c.prev_version_id
 WHERE v.nct_id <> c.nct_id OR p.nct_id <> c.nct_id
    OR p.version_no <> v.version_no - 1
UNION ALL
-- A version after the first always has its changes: never zero.
SELECT 'version-without-changes', v.nct_id || ' v' || v.version_no
  FROM study_versions v
 WHERE v.version_no > 1
   AND NOT EXISTS (SELECT 1 FROM study_changes c WHERE c.version_id = v.version_id)
UNION ALL
-- No version duplicates another's content.
SELECT 'duplicate-content', nct_id || ' ' || content_hash
  FROM study_versions GROUP BY nct_id, content_hash HAVING count(*) > 1
UNION ALL
-- A trial marked present has a version; a version's trial says present.
SELECT 'present-without-version', nct_id
  FROM trials WHERE registry_state = 'present' AND current_version_id IS NULL
UNION ALL
-- At most one open flag per key (the partial unique index says so too).
SELECT 'duplicate-open-flag', page_id || ' ' || nct_id || ' ' || claim_kind || ' ' || rule
  FROM flags WHERE resolved_at IS NULL
 GROUP BY page_id, nct_id, claim_kind, rule HAVING count(*) > 1
UNION ALL
-- Every flag has at most one delivered alert per sink.
SELECT 'duplicate-alert', flag_id || ' ' || sink
  FROM alert_outbox WHERE delivered_at IS NOT NULL
 GROUP BY flag_id, sink HAVING count(*) > 1
UNION ALL
-- Runs: at most one left "running" (the one a killed process leaves
-- until the next sync closes it), finished runs have an end.
SELECT 'many-running-runs', count(*)::text
  FROM sync_runs WHERE status = 'running' HAVING count(*) > 1
UNION ALL
-- Exactly one sync writes at a time (the advisory lock): no two runs
-- overlap.  A run a killed process left is closed by the next run, so it
-- "ends" after that one began; those are not compared.
SELECT 'overlapping-runs', a.run_id || ' ' || b.run_id
  FROM sync_runs a JOIN sync_runs b ON a.run_id < b.run_id
 WHERE a.finished_at IS NOT NULL AND b.finished_at IS NOT NULL
   AND coalesce(a.error_text, '') NOT LIKE 'interrupted%'
   AND coalesce(b.error_text, '') NOT LIKE 'interrupted%'
   AND a.started_at < b.finished_at AND b.started_at < a.finished_at
UNION ALL
-- Claims all belong to a page that was scanned.
SELECT 'claim-of-unscanned-page', c.claim_id::text
  FROM claims c JOIN pages p USING (page_id) WHERE p.last_scanned_at IS NULL;

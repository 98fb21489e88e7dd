-- invariants.sql - what must hold in a ctmirror database at any moment a
-- sync is not running, whatever happened before (kill -9, faults, restarts).
-- One query: every row it returns is a violation; none means the database
-- is consistent.  Run: psql -X -At -f tests/reliability/invariants.sql
-- The current version is the last of the trial's life (a backfill adds
-- older versions after it was stored, so not the highest version_id).
SELECT 'current-not-latest' AS violation, t.nct_id AS subject
  FROM trials t
  LEFT JOIN LATERAL (SELECT v.version_id AS latest FROM study_versions v
                      WHERE v.nct_id = t.nct_id
                      ORDER BY v.version_no DESC LIMIT 1) m ON true
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
-- History (migration 0007).  Versions read from the registry's history
-- come before every version seen live, in the registry's order, each one
-- an entry of the trial's change list with that entry's date.
SELECT 'history-after-live', h.nct_id || ' v' || h.version_no
  FROM study_versions h JOIN study_versions l
    ON l.nct_id = h.nct_id AND l.source = 'live' AND l.version_no < h.version_no
 WHERE h.source = 'history'
UNION ALL
SELECT 'history-out-of-order', a.nct_id || ' v' || a.version_no
  FROM study_versions a JOIN study_versions b
    ON b.nct_id = a.nct_id AND b.version_no = a.version_no + 1
 WHERE a.registry_version IS NOT NULL AND b.registry_version IS NOT NULL
   AND b.registry_version <= a.registry_version
UNION ALL
SELECT 'history-not-in-change-list', v.nct_id || ' v' || v.version_no
  FROM study_versions v
 WHERE v.registry_version IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM history_changes c
                    WHERE c.nct_id = v.nct_id
                      AND c.registry_version = v.registry_version
                      AND c.registry_date = v.registry_date)
UNION ALL
-- A finished backfill stored what it says, and every version of the change
-- list before the one seen live is stored or was the same as the one before.
SELECT 'backfill-count', b.nct_id
  FROM history_backfill b
 WHERE b.state = 'done'
   AND (b.versions_stored <> (SELECT count(*) FROM study_versions v
                               WHERE v.nct_id = b.nct_id
                                 AND v.source = 'history')
        OR (b.anchor_version IS NOT NULL AND
            b.versions_stored + b.versions_skipped <> b.anchor_version))
UNION ALL
-- Staged versions belong to a backfill in progress; a history joined is
-- whole: no trial has history versions and a backfill still open.
SELECT 'staged-not-in-progress', s.nct_id || ' ' || s.registry_version
  FROM history_staged s JOIN history_backfill b USING (nct_id)
 WHERE b.state NOT IN ('listed', 'failed')
UNION ALL
SELECT 'history-of-open-backfill', b.nct_id
  FROM history_backfill b
 WHERE b.state IN ('pending', 'listed')
   AND EXISTS (SELECT 1 FROM study_versions v
                WHERE v.nct_id = b.nct_id AND v.source = 'history')
UNION ALL
-- The timeline's spans of a trial touch without gap or overlap, and only
-- the last is open.
SELECT 'timeline-gap', nct_id || ' ' || valid_from
  FROM (SELECT nct_id, valid_from, valid_to,
               lead(valid_from) OVER (PARTITION BY nct_id
                                      ORDER BY valid_from) AS next
          FROM trial_timeline) s
 WHERE valid_to IS DISTINCT FROM next OR valid_to <= valid_from
UNION ALL
-- Each version's status_since / result_refs_since is the first day of the
-- run of versions, ending with it, that share its status / list a RESULT
-- reference (kept by a trigger and by the backfill's join).
SELECT 'since-stale', nct_id || ' v' || version_no
  FROM (SELECT nct_id, version_no, status_since, result_refs_since, refs,
               first_value(day) OVER (PARTITION BY nct_id, s_run
                                      ORDER BY version_no) AS s_since,
               first_value(day) OVER (PARTITION BY nct_id, r_run
                                      ORDER BY version_no) AS r_since
          FROM (SELECT m.*,
                       sum(s_new) OVER (PARTITION BY nct_id ORDER BY version_no) AS s_run,
                       sum(r_new) OVER (PARTITION BY nct_id ORDER BY version_no) AS r_run
                  FROM (SELECT nct_id, version_no, status_since,
                               result_refs_since,
                               cardinality(result_pmids) > 0 AS refs,
                               coalesce(last_update_posted, registry_date,
                                        to_char(fetched_at AT TIME ZONE 'UTC',
                                                'YYYY-MM-DD')) AS day,
                               (overall_status IS DISTINCT FROM lag(overall_status)
                                  OVER (PARTITION BY nct_id ORDER BY version_no))::integer AS s_new,
                               (cardinality(result_pmids) > 0 IS DISTINCT FROM
                                lag(cardinality(result_pmids) > 0)
                                  OVER (PARTITION BY nct_id ORDER BY version_no))::integer AS r_new
                          FROM study_versions) m) g) f
 WHERE status_since IS DISTINCT FROM s_since
    OR result_refs_since IS DISTINCT FROM CASE WHEN refs THEN r_since END
UNION ALL
-- Claims all belong to a page that was scanned.
SELECT 'claim-of-unscanned-page', c.claim_id::text
  FROM claims c JOIN pages p USING (page_id) WHERE p.last_scanned_at IS NULL;

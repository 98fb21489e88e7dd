-- 0009: interfaces that fit their users (issue 20).  Acknowledgements say
-- who and why; a page is known by its path relative to [pages] root; the
-- older analysts' views (0001) get the typed dates of 0006's; trial
-- changes of status read without JSON pointers; the raw versions become
-- readable by ctmirror_reader.

-- ------------------------------------------------------------------ flags

-- `ctmirror ack ID... --reason TEXT`: who (the login that ran it) and why.
ALTER TABLE flags ADD COLUMN acked_by text;
ALTER TABLE flags ADD COLUMN ack_reason text;

-- ------------------------------------------------------------------ pages

-- A page's path is relative to [pages] root (default: the common parent of
-- [pages] paths), so the same files reached by a relative and an absolute
-- path are one page and a checkout moved elsewhere keeps its flags.  Rows
-- stored before this migration hold the path as the walk met it, relative
-- to the folder the run was started in: false until a cycle renames them
-- (once) to their path under the root.
ALTER TABLE pages ADD COLUMN rooted boolean NOT NULL DEFAULT false;
ALTER TABLE pages ALTER COLUMN rooted SET DEFAULT true;
COMMENT ON COLUMN pages.path IS
    'The page''s path relative to [pages] root (an absolute path for a page outside it); its identity.';
COMMENT ON COLUMN pages.rooted IS
    'false for a row stored before migration 0009, whose path is as the walk met it; the next cycle renames it to its path under the root.';

-- ------------------------------------------------------------------ views
--
-- Dates are dates (as in 0006's views): a month-only registry date is its
-- month's first day, with a _precision (day, month or year) and, where the
-- registry has one, a _type (ACTUAL, ESTIMATED), named as AACT names them.
-- The columns 0001 named otherwise stay, at the end of trials_current,
-- as deprecated aliases (now dates too) for queries written against them;
-- they go in a later schema version.  A view whose column changes type is
-- dropped and made again (with its grant): no view depends on these.

DROP VIEW trials_current;
CREATE VIEW trials_current AS
SELECT t.nct_id,
       v.acronym,
       v.brief_title,
       v.overall_status,
       v.has_results,
       f.results_first_posted_date,
       f.results_first_posted_date_type,
       f.results_first_posted_date_precision,
       f.primary_completion_date,
       f.primary_completion_date_type,
       f.primary_completion_date_precision,
       f.last_update_posted_date,
       f.last_update_posted_date_type,
       f.last_update_posted_date_precision,
       chk.finished_at AS last_checked_at,
       f.results_first_posted_date AS results_first_posted,
       f.primary_completion_date AS primary_completion,
       f.last_update_posted_date AS last_update_posted
  FROM trials t
  LEFT JOIN study_versions v ON v.version_id = t.current_version_id
  LEFT JOIN version_facts f ON f.version_id = t.current_version_id
  LEFT JOIN LATERAL (
        SELECT r.finished_at
          FROM sync_runs r
         WHERE r.status IN ('ok', 'partial')
           AND r.finished_at >= t.tracked_since
           AND NOT EXISTS (SELECT 1 FROM sync_errors e
                            WHERE e.run_id = r.run_id AND e.nct_id = t.nct_id)
         ORDER BY r.run_id DESC
         LIMIT 1) chk ON true
 WHERE t.tracked;

COMMENT ON VIEW trials_current IS
    'One row per tracked trial: its current registry state as last stored by ctmirror. Dates are dates (a month-only registry date is its first day) with _precision and _type, as AACT names them.';
COMMENT ON COLUMN trials_current.nct_id IS 'ClinicalTrials.gov identifier (NCT + 8 digits).';
COMMENT ON COLUMN trials_current.acronym IS 'Registry acronym (identificationModule.acronym), NULL if none.';
COMMENT ON COLUMN trials_current.brief_title IS 'Registry brief title.';
COMMENT ON COLUMN trials_current.overall_status IS 'Registry overallStatus, e.g. RECRUITING, COMPLETED; NULL until first stored.';
COMMENT ON COLUMN trials_current.has_results IS 'Registry hasResults: results are posted on ClinicalTrials.gov.';
COMMENT ON COLUMN trials_current.results_first_posted_date IS 'When results were first posted (resultsFirstPostDateStruct.date), NULL if never. AACT studies.results_first_posted_date.';
COMMENT ON COLUMN trials_current.results_first_posted_date_type IS 'ACTUAL or ESTIMATED, as the registry marks results_first_posted_date.';
COMMENT ON COLUMN trials_current.results_first_posted_date_precision IS 'day, month or year: how much of results_first_posted_date the registry gave.';
COMMENT ON COLUMN trials_current.primary_completion_date IS 'primaryCompletionDateStruct.date, actual or estimated (primary_completion_date_type); a month-only date is its first day. AACT studies.primary_completion_date.';
COMMENT ON COLUMN trials_current.primary_completion_date_type IS 'ACTUAL or ESTIMATED. AACT studies.primary_completion_date_type.';
COMMENT ON COLUMN trials_current.primary_completion_date_precision IS 'day, month or year: how much of primary_completion_date the registry gave.';
COMMENT ON COLUMN trials_current.last_update_posted_date IS 'When the registry last posted a change (lastUpdatePostDateStruct.date). AACT studies.last_update_posted_date.';
COMMENT ON COLUMN trials_current.last_update_posted_date_type IS 'ACTUAL or ESTIMATED, as the registry marks last_update_posted_date.';
COMMENT ON COLUMN trials_current.last_update_posted_date_precision IS 'day, month or year: how much of last_update_posted_date the registry gave.';
COMMENT ON COLUMN trials_current.last_checked_at IS 'End of the last sync that checked this trial against the registry without error.';
COMMENT ON COLUMN trials_current.results_first_posted IS 'DEPRECATED (text before schema 0009): the same as results_first_posted_date; read that instead.';
COMMENT ON COLUMN trials_current.primary_completion IS 'DEPRECATED (text, YYYY-MM or YYYY-MM-DD, before schema 0009): the same as primary_completion_date; read that and primary_completion_date_precision instead.';
COMMENT ON COLUMN trials_current.last_update_posted IS 'DEPRECATED (text before schema 0009): the same as last_update_posted_date; read that instead.';

DROP VIEW trial_changes;
CREATE VIEW trial_changes AS
SELECT c.nct_id,
       c.path AS field,
       c.change_class,
       c.old_value,
       c.new_value,
       registry_date(c.registry_updated) AS registry_updated,
       c.detected_at
  FROM study_changes c;

COMMENT ON VIEW trial_changes IS
    'Every field-level change ctmirror saw between consecutive registry versions of a trial; status_changes has the status changes as text.';
COMMENT ON COLUMN trial_changes.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_changes.field IS 'RFC 6901 JSON pointer of the changed field in the API v2 record.';
COMMENT ON COLUMN trial_changes.change_class IS 'status, results, references, dates or other.';
COMMENT ON COLUMN trial_changes.old_value IS 'Value before the change (JSON), NULL if the field was absent.';
COMMENT ON COLUMN trial_changes.new_value IS 'Value after the change (JSON), NULL if the field was removed.';
COMMENT ON COLUMN trial_changes.registry_updated IS 'The registry''s lastUpdatePostDate of the version that carries the change (a date; text before schema 0009).';
COMMENT ON COLUMN trial_changes.detected_at IS 'When ctmirror stored the change.';

-- The question most asked of trial_changes, without JSON pointers.
CREATE VIEW status_changes AS
SELECT c.nct_id,
       c.old_value #>> '{}' AS old_status,
       c.new_value #>> '{}' AS new_status,
       registry_date(c.registry_updated) AS registry_updated,
       c.detected_at
  FROM study_changes c
 WHERE c.path = '/protocolSection/statusModule/overallStatus';

COMMENT ON VIEW status_changes IS
    'Every change of a trial''s overallStatus ctmirror saw, old and new status as text: trial_changes where field is /protocolSection/statusModule/overallStatus.';
COMMENT ON COLUMN status_changes.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN status_changes.old_status IS 'overallStatus before the change (RECRUITING, ...), NULL if the record had none.';
COMMENT ON COLUMN status_changes.new_status IS 'overallStatus after the change (COMPLETED, ...).';
COMMENT ON COLUMN status_changes.registry_updated IS 'The registry''s date of the change: the lastUpdatePostDate of the version that carries it.';
COMMENT ON COLUMN status_changes.detected_at IS 'When ctmirror stored the change.';

DROP VIEW stale_claims;
CREATE VIEW stale_claims AS
SELECT f.flag_id,
       p.path AS page,
       f.line,
       f.nct_id,
       f.claim_kind,
       f.claim_text,
       registry_date(f.as_of) AS as_of,
       f.rule,
       f.severity,
       f.evidence,
       f.raised_at,
       f.resolved_at,
       f.acked_at,
       f.acked_by,
       f.ack_reason
  FROM flags f
  JOIN pages p ON p.page_id = f.page_id;

COMMENT ON VIEW stale_claims IS
    'Page claims the registry contradicts (severity stale) or that need a fresh look (recheck); open flags have resolved_at NULL, silenced ones acked_at set.';
COMMENT ON COLUMN stale_claims.flag_id IS 'Flag identifier; `ctmirror ack ID` silences it.';
COMMENT ON COLUMN stale_claims.page IS 'Path of the page that makes the claim, relative to [pages] root.';
COMMENT ON COLUMN stale_claims.line IS 'Line of the claim on the page (1-based).';
COMMENT ON COLUMN stale_claims.nct_id IS 'The trial the claim is about.';
COMMENT ON COLUMN stale_claims.claim_kind IS 'results-pending, publication-pending, status or mention.';
COMMENT ON COLUMN stale_claims.claim_text IS 'Excerpt of the page around the claim (at most 200 bytes).';
COMMENT ON COLUMN stale_claims.as_of IS 'The date the claim was made as of, NULL if unknown (a date; text before schema 0009). The page gives a day or a month; a month counts as its first day.';
COMMENT ON COLUMN stale_claims.rule IS 'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, ...';
COMMENT ON COLUMN stale_claims.severity IS 'stale: the registry contradicts the claim; recheck: the claim should be looked at again.';
COMMENT ON COLUMN stale_claims.evidence IS 'What the registry shows, in words, with the registry link.';
COMMENT ON COLUMN stale_claims.raised_at IS 'When the flag was raised.';
COMMENT ON COLUMN stale_claims.resolved_at IS 'When the page stopped making the claim or the registry stopped contradicting it; NULL while open.';
COMMENT ON COLUMN stale_claims.acked_at IS 'When `ctmirror ack` silenced the flag; NULL unless acknowledged.';
COMMENT ON COLUMN stale_claims.acked_by IS 'Who acknowledged it: the login that ran `ctmirror ack`.';
COMMENT ON COLUMN stale_claims.ack_reason IS 'Why, as given with `ctmirror ack --reason`; NULL if none was given.';

-- The raw registry record of every stored version, for what no view has.
CREATE VIEW trial_versions AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       v.fetched_at,
       v.raw
  FROM study_versions v
  LEFT JOIN version_facts f ON f.version_id = v.version_id;

COMMENT ON VIEW trial_versions IS
    'Every registry version of every trial ctmirror stored, with its raw API v2 record (jsonb), for what the other views do not cover.';
COMMENT ON COLUMN trial_versions.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_versions.version_id IS 'The version''s identifier, as in the _history views.';
COMMENT ON COLUMN trial_versions.version_no IS 'Its number among the trial''s stored versions, 1 for the first.';
COMMENT ON COLUMN trial_versions.registry_updated IS 'The version''s lastUpdatePostDate.';
COMMENT ON COLUMN trial_versions.fetched_at IS 'When ctmirror fetched it.';
COMMENT ON COLUMN trial_versions.raw IS 'The record as the registry sent it (API v2 JSON): raw #>> ''{protocolSection,statusModule,overallStatus}''.';

GRANT SELECT ON trials_current, trial_changes, status_changes, stale_claims,
    trial_versions TO ctmirror_reader;

-- trial_timeline (0007) names its primary completion as AACT does too.
-- Renamed in place: trials_as_of() returns its rows and keeps working.
ALTER VIEW trial_timeline RENAME COLUMN primary_completion
    TO primary_completion_date;
ALTER VIEW trial_timeline RENAME COLUMN primary_completion_precision
    TO primary_completion_date_precision;
ALTER VIEW trial_timeline RENAME COLUMN primary_completion_type
    TO primary_completion_date_type;
COMMENT ON COLUMN trial_timeline.primary_completion_date IS 'primaryCompletionDateStruct.date during the span as a date; a month-only date is its first day (see primary_completion_date_precision). AACT studies.primary_completion_date.';
COMMENT ON COLUMN trial_timeline.primary_completion_date_precision IS 'day, month or year: how much of primary_completion_date the registry gave.';
COMMENT ON COLUMN trial_timeline.primary_completion_date_type IS 'ACTUAL or ESTIMATED, as the registry marked primary_completion_date; NULL when it gave no date. AACT studies.primary_completion_date_type.';

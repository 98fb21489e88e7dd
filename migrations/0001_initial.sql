-- 0001_initial: the storage model of DESIGN.md.
--
-- Tables are ctmirror's own; the three views at the end are the contract
-- with analysts and are documented with COMMENT ON.  Every write ctmirror
-- does goes through store.c in one transaction per sync step.

-- Sync runs: one row per `ctmirror sync` / daemon cycle.
CREATE TABLE sync_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mode            text NOT NULL CHECK (mode IN ('sync', 'run', 'scan')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'ok', 'partial', 'failed')),
    trials_tracked  integer NOT NULL DEFAULT 0,
    trials_probed   integer NOT NULL DEFAULT 0,
    trials_fetched  integer NOT NULL DEFAULT 0,
    versions_stored integer NOT NULL DEFAULT 0,
    changes_stored  integer NOT NULL DEFAULT 0,
    requests        integer NOT NULL DEFAULT 0,
    pages_scanned   integer NOT NULL DEFAULT 0,
    flags_raised    integer NOT NULL DEFAULT 0,
    flags_resolved  integer NOT NULL DEFAULT 0,
    errors          integer NOT NULL DEFAULT 0,
    error_text      text,
    CHECK (finished_at IS NULL OR finished_at >= started_at),
    CHECK ((status = 'running') = (finished_at IS NULL))
);

-- Tracked trials.  A trial is never deleted: untracking keeps its history.
CREATE TABLE trials (
    nct_id              text PRIMARY KEY CHECK (nct_id ~ '^NCT[0-9]{8}$'),
    tracked             boolean NOT NULL DEFAULT true,
    source              text NOT NULL DEFAULT 'config'
                        CHECK (source IN ('config', 'pages', 'alias')),
    tracked_since       timestamptz NOT NULL DEFAULT now(),
    -- The ID the registry now answers this one with (an alias), else NULL.
    current_nct_id      text CHECK (current_nct_id ~ '^NCT[0-9]{8}$'),
    -- 'present' once a record was stored; 'not_found' while the registry
    -- answers 404; 'unknown' before the first successful answer.
    registry_state      text NOT NULL DEFAULT 'unknown'
                        CHECK (registry_state IN ('unknown', 'present', 'not_found')),
    current_version_id  bigint,
    missing_since       timestamptz
);

-- Every distinct registry version of a study.  version_no counts 1, 2, ...
-- per trial with no gaps; consecutive versions never share a hash.
CREATE TABLE study_versions (
    version_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nct_id              text NOT NULL REFERENCES trials (nct_id),
    version_no          integer NOT NULL CHECK (version_no >= 1),
    content_hash        text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
    last_update_posted  text,
    fetched_at          timestamptz NOT NULL DEFAULT now(),
    run_id              bigint REFERENCES sync_runs (run_id),
    -- Key fields, extracted once by study.c so views and rules need not
    -- parse the JSON.
    acronym             text,
    brief_title         text,
    overall_status      text NOT NULL,
    has_results         boolean NOT NULL,
    results_first_posted text,
    results_submitted   text,
    primary_completion  text,
    primary_completion_type text,
    result_pmids        text[] NOT NULL DEFAULT '{}',
    raw                 jsonb NOT NULL,
    UNIQUE (nct_id, version_no)
);
-- lz4 ingests real records 2-3x faster than pglz (DESIGN.md).
ALTER TABLE study_versions ALTER COLUMN raw SET COMPRESSION lz4;

ALTER TABLE trials
    ADD CONSTRAINT trials_current_version_fk
    FOREIGN KEY (current_version_id) REFERENCES study_versions (version_id);

-- Field-level changes between a version and its predecessor.
CREATE TABLE study_changes (
    change_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    nct_id          text NOT NULL REFERENCES trials (nct_id),
    version_id      bigint NOT NULL REFERENCES study_versions (version_id),
    prev_version_id bigint NOT NULL REFERENCES study_versions (version_id),
    path            text NOT NULL,
    change_class    text NOT NULL
                    CHECK (change_class IN ('status', 'results', 'references', 'dates', 'other')),
    old_value       jsonb,
    new_value       jsonb,
    registry_updated text,
    detected_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (old_value IS NOT NULL OR new_value IS NOT NULL)
);

-- IDs the registry redirected to another one.
CREATE TABLE trial_aliases (
    alias_nct_id    text PRIMARY KEY CHECK (alias_nct_id ~ '^NCT[0-9]{8}$'),
    nct_id          text NOT NULL CHECK (nct_id ~ '^NCT[0-9]{8}$'),
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now()
);

-- What went wrong for which trial in which run (not found, parse errors,
-- registry errors).  Also tells trials_current when a trial was last
-- checked without writing to every trial row on every run.
CREATE TABLE sync_errors (
    run_id      bigint NOT NULL REFERENCES sync_runs (run_id),
    nct_id      text NOT NULL,
    stage       text NOT NULL CHECK (stage IN ('probe', 'fetch', 'parse', 'store', 'pages')),
    message     text NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, nct_id, stage)
);

-- Knowledge-base pages that were scanned.
CREATE TABLE pages (
    page_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    path            text NOT NULL UNIQUE,
    content_hash    text,
    page_date       text,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_scanned_at timestamptz
);

-- The claims a page makes now (replaced wholesale at each scan of it).
CREATE TABLE claims (
    claim_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id     bigint NOT NULL REFERENCES pages (page_id),
    nct_id      text NOT NULL CHECK (nct_id ~ '^NCT[0-9]{8}$'),
    kind        text NOT NULL
                CHECK (kind IN ('results-pending', 'publication-pending', 'status')),
    statuses    text,
    line        integer NOT NULL CHECK (line >= 1),
    as_of       text,
    phrase      text NOT NULL,
    excerpt     text NOT NULL
);

-- A flag: one rule contradicting one claim kind of one trial on one page.
-- At most one open flag per key; a resolved flag stays for history and a
-- later contradiction opens a new one.
CREATE TABLE flags (
    flag_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    page_id     bigint NOT NULL REFERENCES pages (page_id),
    nct_id      text NOT NULL CHECK (nct_id ~ '^NCT[0-9]{8}$'),
    claim_kind  text NOT NULL,
    rule        text NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('stale', 'recheck')),
    line        integer NOT NULL,
    claim_text  text NOT NULL,
    as_of       text,
    evidence    text NOT NULL,
    link        text NOT NULL,
    raised_at   timestamptz NOT NULL DEFAULT now(),
    notified_at timestamptz,
    acked_at    timestamptz,
    resolved_at timestamptz
);
CREATE UNIQUE INDEX flags_open_key
    ON flags (page_id, nct_id, claim_kind, rule) WHERE resolved_at IS NULL;

-- Alert outbox: written in the flag's transaction, one row per sink, so
-- each flag is delivered exactly once to each sink.
CREATE TABLE alert_outbox (
    alert_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    flag_id         bigint NOT NULL REFERENCES flags (flag_id),
    sink            text NOT NULL CHECK (sink IN ('stdout', 'webhook', 'notify')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    last_error      text,
    delivered_at    timestamptz,
    UNIQUE (flag_id, sink)
);

-- Indexes for what analysts and ctmirror ask.
CREATE INDEX study_versions_nct_idx ON study_versions (nct_id, version_no DESC);
CREATE INDEX study_versions_fetched_idx ON study_versions (fetched_at);
CREATE INDEX study_changes_nct_idx ON study_changes (nct_id, detected_at);
CREATE INDEX study_changes_detected_idx ON study_changes (detected_at);
CREATE INDEX study_changes_class_idx ON study_changes (change_class, detected_at);
CREATE INDEX sync_errors_nct_idx ON sync_errors (nct_id, run_id DESC);
CREATE INDEX sync_runs_status_idx ON sync_runs (status, run_id DESC);
CREATE INDEX claims_page_idx ON claims (page_id);
CREATE INDEX claims_nct_idx ON claims (nct_id);
CREATE INDEX flags_nct_idx ON flags (nct_id);
CREATE INDEX flags_raised_idx ON flags (raised_at);
CREATE INDEX alert_outbox_pending_idx ON alert_outbox (sink) WHERE delivered_at IS NULL;

-- ------------------------------------------------------------------ views

CREATE VIEW trials_current AS
SELECT t.nct_id,
       v.acronym,
       v.brief_title,
       v.overall_status,
       v.has_results,
       v.results_first_posted,
       v.primary_completion,
       v.last_update_posted,
       chk.finished_at AS last_checked_at
  FROM trials t
  LEFT JOIN study_versions v ON v.version_id = t.current_version_id
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
    'One row per tracked trial: its current registry state as last stored by ctmirror.';
COMMENT ON COLUMN trials_current.nct_id IS 'ClinicalTrials.gov identifier (NCT + 8 digits).';
COMMENT ON COLUMN trials_current.acronym IS 'Registry acronym (identificationModule.acronym), NULL if none.';
COMMENT ON COLUMN trials_current.brief_title IS 'Registry brief title.';
COMMENT ON COLUMN trials_current.overall_status IS 'Registry overallStatus, e.g. RECRUITING, COMPLETED; NULL until first stored.';
COMMENT ON COLUMN trials_current.has_results IS 'Registry hasResults: results are posted on ClinicalTrials.gov.';
COMMENT ON COLUMN trials_current.results_first_posted IS 'resultsFirstPostDateStruct.date (YYYY-MM-DD), NULL if results were never posted.';
COMMENT ON COLUMN trials_current.primary_completion IS 'primaryCompletionDateStruct.date (YYYY-MM or YYYY-MM-DD), actual or estimated.';
COMMENT ON COLUMN trials_current.last_update_posted IS 'lastUpdatePostDateStruct.date: when the registry last posted a change.';
COMMENT ON COLUMN trials_current.last_checked_at IS 'End of the last sync that checked this trial against the registry without error.';

CREATE VIEW trial_changes AS
SELECT c.nct_id,
       c.path AS field,
       c.change_class,
       c.old_value,
       c.new_value,
       c.registry_updated,
       c.detected_at
  FROM study_changes c;

COMMENT ON VIEW trial_changes IS
    'Every field-level change ctmirror saw between consecutive registry versions of a trial.';
COMMENT ON COLUMN trial_changes.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_changes.field IS 'RFC 6901 JSON pointer of the changed field in the API v2 record.';
COMMENT ON COLUMN trial_changes.change_class IS 'status, results, references, dates or other.';
COMMENT ON COLUMN trial_changes.old_value IS 'Value before the change (JSON), NULL if the field was absent.';
COMMENT ON COLUMN trial_changes.new_value IS 'Value after the change (JSON), NULL if the field was removed.';
COMMENT ON COLUMN trial_changes.registry_updated IS 'The registry''s lastUpdatePostDate of the version that carries the change.';
COMMENT ON COLUMN trial_changes.detected_at IS 'When ctmirror stored the change.';

CREATE VIEW stale_claims AS
SELECT f.flag_id,
       p.path AS page,
       f.line,
       f.nct_id,
       f.claim_kind,
       f.claim_text,
       f.as_of,
       f.rule,
       f.severity,
       f.evidence,
       f.raised_at,
       f.resolved_at
  FROM flags f
  JOIN pages p ON p.page_id = f.page_id;

COMMENT ON VIEW stale_claims IS
    'Page claims the registry contradicts (severity stale) or that need a fresh look (recheck); open flags have resolved_at NULL.';
COMMENT ON COLUMN stale_claims.flag_id IS 'Flag identifier; `ctmirror ack ID` silences it.';
COMMENT ON COLUMN stale_claims.page IS 'Path of the page that makes the claim.';
COMMENT ON COLUMN stale_claims.line IS 'Line of the claim on the page (1-based).';
COMMENT ON COLUMN stale_claims.nct_id IS 'The trial the claim is about.';
COMMENT ON COLUMN stale_claims.claim_kind IS 'results-pending, publication-pending or status.';
COMMENT ON COLUMN stale_claims.claim_text IS 'Excerpt of the page around the claim (at most 200 bytes).';
COMMENT ON COLUMN stale_claims.as_of IS 'The date the claim was made as of (YYYY-MM-DD), NULL if unknown.';
COMMENT ON COLUMN stale_claims.rule IS 'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, ...';
COMMENT ON COLUMN stale_claims.severity IS 'stale: the registry contradicts the claim; recheck: the claim should be looked at again.';
COMMENT ON COLUMN stale_claims.evidence IS 'What the registry shows, in words, with the registry link.';
COMMENT ON COLUMN stale_claims.raised_at IS 'When the flag was raised.';
COMMENT ON COLUMN stale_claims.resolved_at IS 'When the page stopped making the claim or the registry stopped contradicting it; NULL while open.';

-- Read-only role for analysts: the views and nothing else.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ctmirror_reader') THEN
        CREATE ROLE ctmirror_reader NOLOGIN;
    END IF;
END
$$;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ctmirror_reader;
GRANT USAGE ON SCHEMA public TO ctmirror_reader;
GRANT SELECT ON trials_current, trial_changes, stale_claims TO ctmirror_reader;

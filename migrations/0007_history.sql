-- 0007: a trial's history from the registry's first version.
--
-- A trial's stored life used to start the day ctmirror first synced it.
-- The backfill (daemon/backfill.c) adds the versions the registry keeps
-- from before that day, read from the registry's History of Changes
-- (daemon/history.c), joined to the first version ctmirror saw live so
-- that none is stored twice.  version_no stays the place of a version in
-- the trial's stored life, 1 the oldest: a backfill numbers its versions
-- 1..k and moves the live ones up by k, in one transaction.

-- Where a version came from: 'live' (the registry's current record when
-- ctmirror synced) or 'history' (read from the registry's history).  The
-- registry's own number of the version (0 is the first, as its history
-- endpoints count) and the date its change list gives, where known.
ALTER TABLE study_versions
    ADD COLUMN source text NOT NULL DEFAULT 'live'
        CHECK (source IN ('live', 'history')),
    ADD COLUMN registry_version integer CHECK (registry_version >= 0),
    ADD COLUMN registry_date text
        CHECK (registry_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    ADD CONSTRAINT study_versions_history_known
        CHECK (source = 'live' OR
               (registry_version IS NOT NULL AND registry_date IS NOT NULL));
-- Checked at the end of each statement, so that one UPDATE can move a
-- trial's live versions up past the history put before them.
ALTER TABLE study_versions
    DROP CONSTRAINT study_versions_nct_id_version_no_key,
    ADD CONSTRAINT study_versions_nct_id_version_no_key
        UNIQUE (nct_id, version_no) DEFERRABLE INITIALLY IMMEDIATE;

COMMENT ON COLUMN study_versions.version_no IS
    'Place of the version in the trial''s stored life, 1 the oldest; after a backfill the registry''s history comes first.';
COMMENT ON COLUMN study_versions.source IS
    'live: the registry''s current record when ctmirror synced; history: read from the registry''s History of Changes by the backfill.';
COMMENT ON COLUMN study_versions.registry_version IS
    'The registry''s own number of this version (0 = its first), where known: every history version, and the live version a backfill joined to.';
COMMENT ON COLUMN study_versions.registry_date IS
    'The date the registry''s change list gives this version (YYYY-MM-DD), where known.';

-- Since when, as of each version, the registry has shown its status and
-- (when it lists one) a RESULT reference without a break: the day the
-- run of versions with that status, or with such a reference, began.
-- The rules read it from the current version to tell a claim that was
-- wrong when written from one gone stale since, without walking every
-- trial's versions at each cycle.  A version's day is its
-- lastUpdatePostDate, else the date its change list gives it, else the
-- day ctmirror fetched it.  Kept by a trigger as versions are added in
-- order, and recomputed for a trial whose history a backfill joined.
ALTER TABLE study_versions
    ADD COLUMN status_since text,
    ADD COLUMN result_refs_since text;

COMMENT ON COLUMN study_versions.status_since IS
    'The day the run of versions with this overall_status, ending here, began (YYYY-MM-DD).';
COMMENT ON COLUMN study_versions.result_refs_since IS
    'The day the run of versions listing a RESULT reference, ending here, began; NULL when this one lists none.';

CREATE FUNCTION study_versions_since() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    day text := coalesce(NEW.last_update_posted, NEW.registry_date,
                         to_char(NEW.fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'));
    p record;
BEGIN
    SELECT overall_status, status_since,
           cardinality(result_pmids) > 0 AS refs, result_refs_since
      INTO p
      FROM study_versions
     WHERE nct_id = NEW.nct_id AND version_no = NEW.version_no - 1;
    NEW.status_since := CASE WHEN FOUND AND p.overall_status = NEW.overall_status
                             THEN p.status_since ELSE day END;
    NEW.result_refs_since := CASE WHEN cardinality(NEW.result_pmids) = 0 THEN NULL
                                  WHEN FOUND AND p.refs THEN p.result_refs_since
                                  ELSE day END;
    RETURN NEW;
END
$$;

CREATE TRIGGER study_versions_since BEFORE INSERT ON study_versions
    FOR EACH ROW EXECUTE FUNCTION study_versions_since();

-- The same for every version of one trial at once, from scratch: after a
-- backfill has put versions before the ones seen live, and here for the
-- versions stored before this migration.
CREATE FUNCTION study_versions_resince(trial text) RETURNS void
    LANGUAGE sql
    AS $$
    WITH d AS (
        SELECT version_id, version_no, overall_status,
               cardinality(result_pmids) > 0 AS refs,
               coalesce(last_update_posted, registry_date,
                        to_char(fetched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')) AS day
          FROM study_versions WHERE nct_id = trial
    ), m AS (
        SELECT d.*,
               (overall_status IS DISTINCT FROM lag(overall_status)
                    OVER (ORDER BY version_no))::integer AS s_new,
               (refs IS DISTINCT FROM lag(refs)
                    OVER (ORDER BY version_no))::integer AS r_new
          FROM d
    ), g AS (
        SELECT m.*, sum(s_new) OVER (ORDER BY version_no) AS s_run,
               sum(r_new) OVER (ORDER BY version_no) AS r_run
          FROM m
    ), f AS (
        SELECT version_id,
               first_value(day) OVER (PARTITION BY s_run ORDER BY version_no) AS s_since,
               CASE WHEN refs THEN first_value(day)
                    OVER (PARTITION BY r_run ORDER BY version_no) END AS r_since
          FROM g
    )
    UPDATE study_versions v
       SET status_since = f.s_since, result_refs_since = f.r_since
      FROM f
     WHERE v.version_id = f.version_id
       AND (v.status_since IS DISTINCT FROM f.s_since
            OR v.result_refs_since IS DISTINCT FROM f.r_since)
    $$;

SELECT study_versions_resince(nct_id) FROM trials;

-- Functions are executable by PUBLIC by default; ctmirror_reader reads
-- the views and trials_as_of() only.
REVOKE EXECUTE ON FUNCTION study_versions_since() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION study_versions_resince(text) FROM PUBLIC;

-- The backfill of one trial: queued when a tracked trial has its first
-- version, done once its history is joined.  pending: the change list is
-- still to be read; listed: it is read (history_changes) and versions are
-- being fetched (history_staged); done; failed: the registry's answers
-- for this trial cannot be used (last_error says why; not retried).
CREATE TABLE history_backfill (
    nct_id          text PRIMARY KEY REFERENCES trials (nct_id),
    state           text NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'listed', 'done', 'failed')),
    queued_at       timestamptz NOT NULL DEFAULT now(),
    listed_at       timestamptz,
    finished_at     timestamptz,
    -- Versions in the change list; the registry version of the first live
    -- version (NULL when it was placed by date, see the README); versions
    -- added; versions left out because their content equalled the one
    -- before.
    versions_listed integer CHECK (versions_listed >= 1),
    anchor_version  integer CHECK (anchor_version >= 0),
    versions_stored integer NOT NULL DEFAULT 0 CHECK (versions_stored >= 0),
    versions_skipped integer NOT NULL DEFAULT 0 CHECK (versions_skipped >= 0),
    -- Failures of this trial's own answers, in a row; at 3 it is failed.
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text,
    CHECK ((state = 'pending') = (versions_listed IS NULL) OR state = 'failed'),
    CHECK ((state IN ('done', 'failed')) = (finished_at IS NOT NULL))
);
CREATE INDEX history_backfill_open_idx ON history_backfill (state)
    WHERE state IN ('pending', 'listed');

-- The registry's change list of a trial, one row per version.
CREATE TABLE history_changes (
    nct_id           text NOT NULL REFERENCES history_backfill (nct_id),
    registry_version integer NOT NULL CHECK (registry_version >= 0),
    registry_date    text NOT NULL
                     CHECK (registry_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    overall_status   text,
    module_labels    text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (nct_id, registry_version)
);

-- Versions fetched and not joined yet: each is committed as it arrives,
-- so a backfill interrupted by its budget, a fault or a kill goes on
-- where it stopped.  `study` is the canonical JSON (study.c) of the
-- version's record.  Emptied when the trial's history is joined.
CREATE TABLE history_staged (
    nct_id           text NOT NULL,
    registry_version integer NOT NULL,
    study            text NOT NULL,
    fetched_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (nct_id, registry_version),
    FOREIGN KEY (nct_id, registry_version)
        REFERENCES history_changes (nct_id, registry_version) ON DELETE CASCADE
);
ALTER TABLE history_staged ALTER COLUMN study SET COMPRESSION lz4;

-- ------------------------------------------------------------ the views

-- A registry date ("YYYY", "YYYY-MM" or "YYYY-MM-DD", as study.c admits
-- them) as a date, a month or year alone meaning its first day; written
-- out where it is used so the reader role needs no function.
CREATE VIEW trial_timeline AS
WITH v AS (
    SELECT sv.nct_id, sv.version_no, sv.source, sv.overall_status,
           sv.has_results, sv.primary_completion, sv.primary_completion_type,
           sv.citation #>> '{protocolSection,designModule,enrollmentInfo,count}'
               AS enrollment_text,
           sv.citation #>> '{protocolSection,designModule,enrollmentInfo,type}'
               AS enrollment_type,
           coalesce(sv.last_update_posted, sv.registry_date) AS day_text,
           (sv.fetched_at AT TIME ZONE 'UTC')::date AS fetched_day
      FROM study_versions sv
), dated AS (
    -- The day a version took effect: its lastUpdatePostDate; never before
    -- the version it follows, so spans cannot overlap.
    SELECT v.*,
           max(coalesce(make_date(substr(v.day_text, 1, 4)::integer,
                                  CASE WHEN length(v.day_text) >= 7
                                       THEN substr(v.day_text, 6, 2)::integer
                                       ELSE 1 END, 1)
                        + CASE WHEN length(v.day_text) = 10
                               THEN substr(v.day_text, 9, 2)::integer - 1
                               ELSE 0 END,
                        v.fetched_day))
               OVER (PARTITION BY v.nct_id ORDER BY v.version_no) AS day,
           CASE WHEN v.enrollment_text ~ '^[0-9]{1,9}$'
                THEN v.enrollment_text::integer END AS enrollment
      FROM v
), daily AS (
    -- The state at the end of each day: two versions one day make one.
    SELECT DISTINCT ON (d.nct_id, d.day) d.*
      FROM dated d
     ORDER BY d.nct_id, d.day, d.version_no DESC
), marked AS (
    SELECT d.*,
           CASE WHEN ROW(d.overall_status, d.has_results,
                         d.primary_completion, d.primary_completion_type,
                         d.enrollment, d.enrollment_type)
                     IS NOT DISTINCT FROM
                     lag(ROW(d.overall_status, d.has_results,
                             d.primary_completion, d.primary_completion_type,
                             d.enrollment, d.enrollment_type))
                         OVER (PARTITION BY d.nct_id ORDER BY d.day)
                THEN 0 ELSE 1 END AS starts
      FROM daily d
), spans AS (
    SELECT m.*, sum(m.starts) OVER (PARTITION BY m.nct_id ORDER BY m.day)
               AS span
      FROM marked m
)
SELECT s.nct_id,
       min(s.day) AS valid_from,
       lead(min(s.day)) OVER (PARTITION BY s.nct_id ORDER BY min(s.day))
           AS valid_to,
       s.overall_status,
       s.has_results,
       make_date(substr(s.primary_completion, 1, 4)::integer,
                 CASE WHEN length(s.primary_completion) >= 7
                      THEN substr(s.primary_completion, 6, 2)::integer
                      ELSE 1 END, 1)
           + CASE WHEN length(s.primary_completion) = 10
                  THEN substr(s.primary_completion, 9, 2)::integer - 1
                  ELSE 0 END AS primary_completion,
       CASE length(s.primary_completion) WHEN 10 THEN 'day'
            WHEN 7 THEN 'month' WHEN 4 THEN 'year' END
           AS primary_completion_precision,
       s.primary_completion_type,
       s.enrollment,
       s.enrollment_type,
       (array_agg(s.source ORDER BY s.day))[1] AS source
  FROM spans s
 GROUP BY s.nct_id, s.span, s.overall_status, s.has_results,
          s.primary_completion, s.primary_completion_type, s.enrollment,
          s.enrollment_type;

COMMENT ON VIEW trial_timeline IS
    'One row per span of days in which a trial''s registry state (status, results, primary completion, enrollment) stayed the same, from its first stored version on; the spans of a trial touch without gap or overlap, the last is open (valid_to NULL).';
COMMENT ON COLUMN trial_timeline.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_timeline.valid_from IS 'First day of the span: the lastUpdatePostDate of the version that began it (a version dated before its predecessor counts from its predecessor''s day).';
COMMENT ON COLUMN trial_timeline.valid_to IS 'First day after the span (the next span''s valid_from); NULL for the span that holds today.';
COMMENT ON COLUMN trial_timeline.overall_status IS 'Registry overallStatus during the span.';
COMMENT ON COLUMN trial_timeline.has_results IS 'Registry hasResults during the span.';
COMMENT ON COLUMN trial_timeline.primary_completion IS 'primaryCompletionDateStruct.date during the span as a date; a month-only date is its first day (see primary_completion_precision).';
COMMENT ON COLUMN trial_timeline.primary_completion_precision IS 'day, month or year: how much of primary_completion the registry gave.';
COMMENT ON COLUMN trial_timeline.primary_completion_type IS 'ACTUAL or ESTIMATED, as the registry marked primary_completion; NULL when it gave no date.';
COMMENT ON COLUMN trial_timeline.enrollment IS 'designModule.enrollmentInfo.count during the span.';
COMMENT ON COLUMN trial_timeline.enrollment_type IS 'ACTUAL or ESTIMATED, as the registry marked enrollment.';
COMMENT ON COLUMN trial_timeline.source IS 'history: the span begins with a version read from the registry''s history (backfill); live: with one ctmirror saw as the current record.';

-- The state of every tracked trial on one day: the span holding it.
CREATE FUNCTION trials_as_of(day date)
    RETURNS SETOF trial_timeline
    LANGUAGE sql STABLE
    AS $$
    SELECT tl.*
      FROM trial_timeline tl
     WHERE tl.valid_from <= day AND (tl.valid_to IS NULL OR tl.valid_to > day)
       -- trials_current, not trials: the reader role may read only views.
       AND tl.nct_id IN (SELECT c.nct_id FROM trials_current c)
    $$;

COMMENT ON FUNCTION trials_as_of(date) IS
    'The registry state of every tracked trial on the given day (one trial_timeline row each); trials whose first stored version is later are absent.';

GRANT SELECT ON trial_timeline TO ctmirror_reader;
REVOKE EXECUTE ON FUNCTION trials_as_of(date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION trials_as_of(date) TO ctmirror_reader;

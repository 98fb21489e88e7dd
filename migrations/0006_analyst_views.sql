-- 0006: the registry in relational shape for analysts, and the FDAAA 801
-- results-due judgement (issue 17).  Column names and meanings follow AACT
-- (ctti-clinicaltrials/aact, app/models/*.rb) wherever AACT has the same
-- thing; README.md lists the correspondences.
--
-- Where the rows come from.  Views over the current version's raw jsonb
-- were measured at 50,000 trials: every query decompressed every record
-- (72 KB on average, up to 375 KB with results) and took 2-4 s.  Tables
-- with a row per array member, filled when a version is stored, answer in
-- tens of milliseconds but cost 0.7 ms of server CPU per stored version
-- (+29 % on a first sync), nearly all of it per-statement set-up of the
-- set-returning calls.  So each version gets one row in version_facts,
-- made when it is stored, in the same statement and transaction: its
-- scalar facts typed (dates as dates), and each list the views read (the
-- conditions and their MeSH terms, interventions, sponsors, references,
-- outcomes, locations) copied as the registry sent it, a few KB kept
-- apart from the results section that makes raw large.  The views cut the
-- lists into rows when they are read.  An unchanged trial stores no
-- version, so it writes nothing here either.

-- "YYYY-MM-DD", "YYYY-MM" or "YYYY" to a date (a month or year alone means
-- its first day); NULL for anything else, so a malformed registry date
-- never fails the store of its version.  PL/pgSQL, not SQL: an inlined SQL
-- CASE is compiled again at every execution of the statement that uses it,
-- which made it a third of the per-version cost.
CREATE FUNCTION registry_date(s text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
DECLARE
    y integer;
    m integer := 1;
    d integer := 1;
BEGIN
    IF s !~ '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$' THEN
        RETURN NULL;
    END IF;
    y := substr(s, 1, 4)::integer;
    IF length(s) >= 7 THEN
        m := substr(s, 6, 2)::integer;
    END IF;
    IF length(s) = 10 THEN
        d := substr(s, 9, 2)::integer;
    END IF;
    IF y < 1 OR m < 1 OR m > 12 OR d < 1 THEN
        RETURN NULL;
    END IF;
    IF d > extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN
        RETURN NULL;
    END IF;
    RETURN make_date(y, m, d);
END
$$;

COMMENT ON FUNCTION registry_date(text) IS
    'A registry date (YYYY-MM-DD, YYYY-MM or YYYY) as a date, a month or year alone as its first day; NULL when malformed.';

-- One row per stored version: what the analysts' views read.
CREATE TABLE version_facts (
    version_id bigint PRIMARY KEY
        REFERENCES study_versions (version_id) ON DELETE CASCADE
        -- The row is made just before its version's (see the trigger).
        DEFERRABLE INITIALLY DEFERRED,
    study_type text,
    phases text[],
    allocation text,
    intervention_model text,
    primary_purpose text,
    masking text,
    enrollment integer,
    enrollment_type text,
    is_fda_regulated_drug boolean,
    is_fda_regulated_device boolean,
    study_first_posted_date date,
    study_first_posted_date_type text,
    study_first_posted_date_precision text,
    start_date date,
    start_date_type text,
    start_date_precision text,
    primary_completion_date date,
    primary_completion_date_type text,
    primary_completion_date_precision text,
    completion_date date,
    completion_date_type text,
    completion_date_precision text,
    results_first_submitted_date date,
    results_first_submitted_date_precision text,
    results_first_posted_date date,
    results_first_posted_date_type text,
    results_first_posted_date_precision text,
    disposition_first_submitted_date date,
    disposition_first_submitted_date_precision text,
    last_update_posted_date date,
    last_update_posted_date_type text,
    last_update_posted_date_precision text,
    -- Results submitted and in QC review, not posted: the first submission
    -- of the current cycle as study.c reads it (study_versions.results_submitted).
    pending_results_submitted_date date,
    -- The lists, as the registry sent them (JSON arrays, the sponsor and
    -- outcomes modules as objects); NULL when the record has none.
    conditions jsonb,
    condition_meshes jsonb,
    interventions jsonb,
    sponsors jsonb,
    refs jsonb,
    outcomes jsonb,
    locations jsonb
);
ALTER TABLE version_facts
    ALTER COLUMN conditions SET COMPRESSION lz4,
    ALTER COLUMN condition_meshes SET COMPRESSION lz4,
    ALTER COLUMN interventions SET COMPRESSION lz4,
    ALTER COLUMN sponsors SET COMPRESSION lz4,
    ALTER COLUMN refs SET COMPRESSION lz4,
    ALTER COLUMN outcomes SET COMPRESSION lz4,
    ALTER COLUMN locations SET COMPRESSION lz4;

COMMENT ON TABLE version_facts IS
    'Per stored version: the typed facts and the lists the analysts'' views read, made from raw when the version is stored (trigger study_versions_facts).';

-- The facts row of one version.  r must be in memory: a toasted value
-- would be decompressed again by every path below.  SQL, so that the
-- trigger's statement and the backfill below inline it; the expressions
-- are operators and calls only, cheap to set up at every execution.
CREATE FUNCTION version_facts_of(vid bigint, r jsonb, pending text)
    RETURNS SETOF version_facts
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT vid,
           m.d ->> 'studyType',
           -- Phases are registry words (PHASE1, NA, ...): the array's text
           -- is enough, and cheaper than a set-returning call per version.
           CASE WHEN jsonb_typeof(m.d -> 'phases') = 'array' THEN
               coalesce(string_to_array(nullif(translate((m.d -> 'phases')::text,
                   '[]" ', ''), ''), ','), '{}') END,
           m.d #>> '{designInfo,allocation}',
           m.d #>> '{designInfo,interventionModel}',
           m.d #>> '{designInfo,primaryPurpose}',
           m.d #>> '{designInfo,maskingInfo,masking}',
           CASE WHEN jsonb_typeof(m.d #> '{enrollmentInfo,count}') = 'number' THEN
               CASE WHEN (m.d #> '{enrollmentInfo,count}')::numeric
                         BETWEEN 0 AND 2147483647
                   THEN round((m.d #> '{enrollmentInfo,count}')::numeric)::integer END
           END,
           m.d #>> '{enrollmentInfo,type}',
           CASE WHEN jsonb_typeof(m.o -> 'isFdaRegulatedDrug') = 'boolean'
               THEN (m.o -> 'isFdaRegulatedDrug')::boolean END,
           CASE WHEN jsonb_typeof(m.o -> 'isFdaRegulatedDevice') = 'boolean'
               THEN (m.o -> 'isFdaRegulatedDevice')::boolean END,
           p.study_first_posted,
           m.s #>> '{studyFirstPostDateStruct,type}',
           CASE WHEN p.study_first_posted IS NOT NULL THEN CASE length(t.study_first_posted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.start,
           m.s #>> '{startDateStruct,type}',
           CASE WHEN p.start IS NOT NULL THEN CASE length(t.start) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.primary_completion,
           m.s #>> '{primaryCompletionDateStruct,type}',
           CASE WHEN p.primary_completion IS NOT NULL THEN CASE length(t.primary_completion) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.completion,
           m.s #>> '{completionDateStruct,type}',
           CASE WHEN p.completion IS NOT NULL THEN CASE length(t.completion) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.results_first_submitted,
           CASE WHEN p.results_first_submitted IS NOT NULL THEN CASE length(t.results_first_submitted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.results_first_posted,
           m.s #>> '{resultsFirstPostDateStruct,type}',
           CASE WHEN p.results_first_posted IS NOT NULL THEN CASE length(t.results_first_posted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.disposition_first_submitted,
           CASE WHEN p.disposition_first_submitted IS NOT NULL THEN CASE length(t.disposition_first_submitted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.last_update_posted,
           m.s #>> '{lastUpdatePostDateStruct,type}',
           CASE WHEN p.last_update_posted IS NOT NULL THEN CASE length(t.last_update_posted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           registry_date(pending),
           r #> '{protocolSection,conditionsModule,conditions}',
           r #> '{derivedSection,conditionBrowseModule,meshes}',
           r #> '{protocolSection,armsInterventionsModule,interventions}',
           r #> '{protocolSection,sponsorCollaboratorsModule}',
           r #> '{protocolSection,referencesModule,references}',
           r #> '{protocolSection,outcomesModule}',
           r #> '{protocolSection,contactsLocationsModule,locations}'
      FROM (SELECT r #> '{protocolSection,statusModule}' AS s,
                   r #> '{protocolSection,designModule}' AS d,
                   r #> '{protocolSection,oversightModule}' AS o OFFSET 0) m,
           LATERAL (SELECT m.s #>> '{studyFirstPostDateStruct,date}' AS study_first_posted,
                           m.s #>> '{startDateStruct,date}' AS start,
                           m.s #>> '{primaryCompletionDateStruct,date}' AS primary_completion,
                           m.s #>> '{completionDateStruct,date}' AS completion,
                           m.s ->> 'resultsFirstSubmitDate' AS results_first_submitted,
                           m.s #>> '{resultsFirstPostDateStruct,date}' AS results_first_posted,
                           m.s ->> 'dispFirstSubmitDate' AS disposition_first_submitted,
                           m.s #>> '{lastUpdatePostDateStruct,date}' AS last_update_posted) t,
           LATERAL (SELECT registry_date(t.study_first_posted) AS study_first_posted,
                           registry_date(t.start) AS start,
                           registry_date(t.primary_completion) AS primary_completion,
                           registry_date(t.completion) AS completion,
                           registry_date(t.results_first_submitted) AS results_first_submitted,
                           registry_date(t.results_first_posted) AS results_first_posted,
                           registry_date(t.disposition_first_submitted) AS disposition_first_submitted,
                           registry_date(t.last_update_posted) AS last_update_posted
                    OFFSET 0) p
    $$;

-- BEFORE, not AFTER: NEW.raw is still the value the INSERT built, in
-- memory; after the insert it is compressed and out of line, and reading
-- it back cost as much as the rest.  Hence the deferred foreign key.
CREATE FUNCTION study_versions_facts() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO version_facts
    SELECT * FROM version_facts_of(NEW.version_id, NEW.raw, NEW.results_submitted);
    RETURN NEW;
END
$$;

CREATE TRIGGER study_versions_facts BEFORE INSERT ON study_versions
    FOR EACH ROW EXECUTE FUNCTION study_versions_facts();

-- The versions stored before this migration.
INSERT INTO version_facts
SELECT x.*
  FROM study_versions v,
       LATERAL version_facts_of(v.version_id, v.raw - 'resultsSection',
                                 v.results_submitted) x;

REVOKE EXECUTE ON FUNCTION registry_date(text), version_facts_of(bigint, jsonb, text),
    study_versions_facts() FROM PUBLIC;

-- ----------------------------------------------------------------- views
--
-- Each trial_X_history view has a row per array member of every stored
-- version, with the version's number and registry date; trial_X is the
-- same for the current version of each tracked trial.  A module the
-- record lacks gives no row; an array member that is not an object (or,
-- for conditions, not a string) is skipped.

CREATE VIEW trial_conditions_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.name,
       x.mesh_term
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
 CROSS JOIN LATERAL (
        SELECT c.name, m.mesh_term
          FROM (SELECT e #>> '{}' AS name
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.conditions) = 'array'
                                                 THEN f.conditions END) e
                 WHERE jsonb_typeof(e) = 'string') c
          FULL JOIN
               (SELECT e ->> 'term' AS mesh_term
                  FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.condition_meshes) = 'array'
                                                 THEN f.condition_meshes END) e
                 WHERE jsonb_typeof(e -> 'term') = 'string') m
            ON lower(c.name) = lower(m.mesh_term)) x;

CREATE VIEW trial_interventions_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       e ->> 'type' AS intervention_type,
       e ->> 'name' AS name,
       CASE WHEN jsonb_typeof(e -> 'otherNames') = 'array' THEN
           ARRAY(SELECT o #>> '{}' FROM jsonb_array_elements(e -> 'otherNames') o
                  WHERE jsonb_typeof(o) = 'string') END AS other_names
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.interventions) = 'array'
                                              THEN f.interventions END) e
 WHERE jsonb_typeof(e) = 'object';

CREATE VIEW trial_sponsors_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       s.e ->> 'name' AS name,
       s.e ->> 'class' AS agency_class,
       s.role AS lead_or_collaborator
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
 CROSS JOIN LATERAL (
        SELECT f.sponsors -> 'leadSponsor' AS e, 'lead' AS role
        UNION ALL
        SELECT e, 'collaborator'
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f.sponsors -> 'collaborators') = 'array'
                                         THEN f.sponsors -> 'collaborators' END) e) s
 WHERE jsonb_typeof(s.e) = 'object';

CREATE VIEW trial_references_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       e ->> 'pmid' AS pmid,
       e ->> 'type' AS reference_type,
       e ->> 'citation' AS citation
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.refs) = 'array'
                                              THEN f.refs END) e
 WHERE jsonb_typeof(e) = 'object';

CREATE VIEW trial_outcomes_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       k.outcome_type,
       e ->> 'measure' AS measure,
       e ->> 'timeFrame' AS time_frame
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
 CROSS JOIN (VALUES ('primary', 'primaryOutcomes'), ('secondary', 'secondaryOutcomes'),
                    ('other', 'otherOutcomes')) AS k(outcome_type, member)
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.outcomes -> k.member) = 'array'
                                              THEN f.outcomes -> k.member END) e
 WHERE jsonb_typeof(e) = 'object';

CREATE VIEW trial_sites_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       e ->> 'facility' AS name,
       e ->> 'city' AS city,
       e ->> 'state' AS state,
       e ->> 'country' AS country,
       e ->> 'status' AS status
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
 CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(f.locations) = 'array'
                                              THEN f.locations END) e
 WHERE jsonb_typeof(e) = 'object';

CREATE VIEW trial_design_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       f.study_type,
       nullif(array_to_string(f.phases, '/'), '') AS phase,
       f.phases,
       f.allocation,
       f.intervention_model,
       f.primary_purpose,
       f.masking,
       f.enrollment,
       f.enrollment_type,
       f.is_fda_regulated_drug,
       f.is_fda_regulated_device
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id;

CREATE VIEW trial_dates_history AS
SELECT v.nct_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       f.study_first_posted_date, f.study_first_posted_date_type, f.study_first_posted_date_precision,
       f.start_date, f.start_date_type, f.start_date_precision,
       f.primary_completion_date, f.primary_completion_date_type, f.primary_completion_date_precision,
       f.completion_date, f.completion_date_type, f.completion_date_precision,
       f.results_first_submitted_date, f.results_first_submitted_date_precision,
       f.results_first_posted_date, f.results_first_posted_date_type, f.results_first_posted_date_precision,
       f.disposition_first_submitted_date, f.disposition_first_submitted_date_precision,
       f.last_update_posted_date, f.last_update_posted_date_type, f.last_update_posted_date_precision
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id;

-- The current version of each tracked trial, through the history views.

CREATE VIEW trial_conditions AS
SELECT h.nct_id,
       h.name,
       h.mesh_term
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_conditions_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_interventions AS
SELECT h.nct_id,
       h.intervention_type,
       h.name,
       h.other_names
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_interventions_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_sponsors AS
SELECT h.nct_id,
       h.name,
       h.agency_class,
       h.lead_or_collaborator
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_sponsors_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_references AS
SELECT h.nct_id,
       h.pmid,
       h.reference_type,
       h.citation
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_references_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_outcomes AS
SELECT h.nct_id,
       h.outcome_type,
       h.measure,
       h.time_frame
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_outcomes_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_sites AS
SELECT h.nct_id,
       h.name,
       h.city,
       h.state,
       h.country,
       h.status
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_sites_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_design AS
SELECT h.nct_id,
       h.study_type,
       h.phase,
       h.phases,
       h.allocation,
       h.intervention_model,
       h.primary_purpose,
       h.masking,
       h.enrollment,
       h.enrollment_type,
       h.is_fda_regulated_drug,
       h.is_fda_regulated_device
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_design_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

CREATE VIEW trial_dates AS
SELECT h.nct_id,
       h.study_first_posted_date,
       h.study_first_posted_date_type,
       h.study_first_posted_date_precision,
       h.start_date,
       h.start_date_type,
       h.start_date_precision,
       h.primary_completion_date,
       h.primary_completion_date_type,
       h.primary_completion_date_precision,
       h.completion_date,
       h.completion_date_type,
       h.completion_date_precision,
       h.results_first_submitted_date,
       h.results_first_submitted_date_precision,
       h.results_first_posted_date,
       h.results_first_posted_date_type,
       h.results_first_posted_date_precision,
       h.disposition_first_submitted_date,
       h.disposition_first_submitted_date_precision,
       h.last_update_posted_date,
       h.last_update_posted_date_type,
       h.last_update_posted_date_precision
  FROM trials t
  JOIN study_versions cv ON cv.version_id = t.current_version_id
  JOIN trial_dates_history h ON h.nct_id = cv.nct_id AND h.version_no = cv.version_no
 WHERE t.tracked;

-- The FDAAA 801 judgement, as the Bennett Institute's FDAAA TrialsTracker
-- makes it (ebmdatalab/clinicaltrials-act-tracker: load_data.py decides
-- which trials are applicable and when results are due, trial_computer.py
-- the days late and the status), from the current version of each tracked
-- trial.  "Today" is current_date, or the setting ctmirror.today when set
-- (ctmirror sets it from CTMIRROR_NOW; an analyst can set it to judge as
-- of another day).
CREATE VIEW results_due AS
SELECT t.nct_id,
       f.primary_completion_date,
       f.primary_completion_date_type,
       f.primary_completion_date_precision,
       j.due_by,
       j.submitted AS results_first_submitted_date,
       j.submitted_precision AS results_first_submitted_date_precision,
       CASE s.state
           WHEN 'reported late' THEN j.submitted - j.due_by
           WHEN 'reported on time' THEN 0
           WHEN 'overdue' THEN d.today - j.due_by
       END AS days_late,
       s.state,
       s.reason
  FROM trials t
  LEFT JOIN study_versions v ON v.version_id = t.current_version_id
  LEFT JOIN version_facts f ON f.version_id = t.current_version_id
 CROSS JOIN LATERAL (
        SELECT coalesce(nullif(current_setting('ctmirror.today', true), '')::date,
                        current_date) AS today) d
 CROSS JOIN LATERAL (
        -- A month or year alone counts as its last day.
        SELECT CASE f.primary_completion_date_precision
                   WHEN 'month' THEN (f.primary_completion_date + interval '1 month - 1 day')::date
                   WHEN 'year' THEN (f.primary_completion_date + interval '1 year - 1 day')::date
                   ELSE f.primary_completion_date
               END AS completed) c
 CROSS JOIN LATERAL (
        -- A certificate of delay (dispFirstSubmitDate) submitted before
        -- the 12 months are up moves the deadline to 3 years.
        SELECT CASE WHEN f.disposition_first_submitted_date <= (c.completed + interval '1 year')::date
                    THEN (c.completed + interval '3 years')::date
                    ELSE (c.completed + interval '1 year')::date
               END AS due_by,
               coalesce(f.results_first_submitted_date, f.pending_results_submitted_date) AS submitted,
               CASE WHEN f.results_first_submitted_date IS NOT NULL
                    THEN f.results_first_submitted_date_precision
                    WHEN f.pending_results_submitted_date IS NOT NULL THEN 'day'
               END AS submitted_precision) j0
 CROSS JOIN LATERAL (
        -- Applicability, in the tracker's order; {verdict, reason}.
        SELECT CASE
            WHEN f.version_id IS NULL THEN
                ARRAY['unknown', 'no registry record is stored yet']
            WHEN f.study_type IS NULL THEN
                ARRAY['unknown', 'the record gives no study type']
            WHEN f.study_type <> 'INTERVENTIONAL' THEN
                ARRAY['not applicable', 'not an interventional study (' || f.study_type || ')']
            WHEN v.overall_status = 'WITHDRAWN' THEN
                ARRAY['not applicable', 'withdrawn before enrolling its first participant']
            WHEN f.phases IS NULL OR cardinality(f.phases) = 0 THEN
                ARRAY['unknown', 'the record gives no phase']
            WHEN f.phases <@ ARRAY['EARLY_PHASE1', 'PHASE1'] THEN
                ARRAY['not applicable', 'a phase 1 trial (' || array_to_string(f.phases, '/') || ')']
            WHEN f.primary_purpose = 'DEVICE_FEASIBILITY' THEN
                ARRAY['not applicable', 'a device feasibility study']
            WHEN f.is_fda_regulated_drug IS NOT TRUE AND f.is_fda_regulated_device IS NOT TRUE THEN
                CASE WHEN f.is_fda_regulated_drug IS NOT NULL AND f.is_fda_regulated_device IS NOT NULL
                     THEN ARRAY['not applicable', 'studies no FDA-regulated drug or device']
                     ELSE ARRAY['unknown', 'the record does not say whether it studies an FDA-regulated drug or device']
                END
            WHEN f.primary_completion_date IS NULL THEN
                ARRAY['unknown', 'the record gives no primary completion date']
            WHEN c.completed < DATE '2017-01-18' THEN
                ARRAY['not applicable', 'primary completion before 2017-01-18, when the FDAAA 801 Final Rule took effect']
            ELSE
                ARRAY['applicable', 'applicable: interventional, '
                      || array_to_string(f.phases, '/') || ', FDA-regulated '
                      || CASE WHEN f.is_fda_regulated_drug AND f.is_fda_regulated_device THEN 'drug and device'
                              WHEN f.is_fda_regulated_drug THEN 'drug' ELSE 'device' END
                      || '; due '
                      || CASE WHEN j0.due_by = (c.completed + interval '3 years')::date
                              THEN '3 years after primary completion (certificate of delay submitted '
                                   || f.disposition_first_submitted_date || ')'
                              ELSE '12 months after primary completion' END]
            END AS a) a
 CROSS JOIN LATERAL (
        SELECT CASE WHEN a.a[1] = 'applicable' THEN j0.due_by END AS due_by,
               CASE WHEN a.a[1] = 'applicable' THEN j0.submitted END AS submitted,
               CASE WHEN a.a[1] = 'applicable' THEN j0.submitted_precision END AS submitted_precision) j
 CROSS JOIN LATERAL (
        SELECT CASE
            WHEN a.a[1] <> 'applicable' THEN a.a[1]
            WHEN j.submitted IS NOT NULL THEN
                CASE WHEN j.submitted <= j.due_by THEN 'reported on time' ELSE 'reported late' END
            WHEN v.has_results OR f.results_first_posted_date IS NOT NULL THEN 'unknown'
            WHEN d.today <= j.due_by THEN 'not due yet'
            WHEN f.primary_completion_date_type = 'ACTUAL' THEN 'overdue'
            ELSE 'unknown'
            END AS state,
            CASE
            WHEN a.a[1] <> 'applicable' THEN a.a[2]
            WHEN j.submitted IS NULL AND (v.has_results OR f.results_first_posted_date IS NOT NULL) THEN
                a.a[2] || '; results are posted but the record gives no submission date'
            WHEN j.submitted IS NULL AND d.today > j.due_by
                 AND f.primary_completion_date_type IS DISTINCT FROM 'ACTUAL' THEN
                a.a[2] || '; the primary completion date is '
                || coalesce(lower(f.primary_completion_date_type), 'not marked actual')
                || ' and has passed: the record does not say when the trial completed'
            WHEN f.results_first_submitted_date IS NULL AND f.pending_results_submitted_date IS NOT NULL THEN
                a.a[2] || '; results submitted, in quality-control review, not posted yet'
            ELSE a.a[2]
            END AS reason) s
 WHERE t.tracked;

-- ------------------------------------------------------------- comments

COMMENT ON VIEW trial_conditions IS
    'One row per condition of the current version of each tracked trial (conditionsModule.conditions), paired with the MeSH term the registry derived for it when their words are the same (case aside); a MeSH term that matches no condition has a row of its own. AACT: conditions, browse_conditions (mesh-list).';
COMMENT ON COLUMN trial_conditions.nct_id IS 'ClinicalTrials.gov identifier (NCT + 8 digits).';
COMMENT ON COLUMN trial_conditions.name IS 'The condition as the registry lists it; NULL on a row of a MeSH term that matches no condition. AACT conditions.name.';
COMMENT ON COLUMN trial_conditions.mesh_term IS 'The MeSH term the registry derived that is this condition (derivedSection.conditionBrowseModule.meshes[].term), else NULL. AACT browse_conditions.mesh_term.';

COMMENT ON VIEW trial_interventions IS
    'One row per intervention of the current version of each tracked trial (armsInterventionsModule.interventions). AACT: interventions, intervention_other_names.';
COMMENT ON COLUMN trial_interventions.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_interventions.intervention_type IS 'DRUG, DEVICE, BIOLOGICAL, PROCEDURE, RADIATION, BEHAVIORAL, GENETIC, DIETARY_SUPPLEMENT, COMBINATION_PRODUCT, DIAGNOSTIC_TEST or OTHER. AACT interventions.intervention_type.';
COMMENT ON COLUMN trial_interventions.name IS 'The intervention''s name. AACT interventions.name.';
COMMENT ON COLUMN trial_interventions.other_names IS 'Its other names (otherNames), empty when the registry lists none, NULL when the record has no such list. AACT intervention_other_names.name, one row each.';

COMMENT ON VIEW trial_sponsors IS
    'The lead sponsor and each collaborator of the current version of each tracked trial (sponsorCollaboratorsModule). AACT: sponsors.';
COMMENT ON COLUMN trial_sponsors.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_sponsors.name IS 'The organisation''s name. AACT sponsors.name.';
COMMENT ON COLUMN trial_sponsors.agency_class IS 'INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER or UNKNOWN. AACT sponsors.agency_class.';
COMMENT ON COLUMN trial_sponsors.lead_or_collaborator IS 'lead or collaborator. AACT sponsors.lead_or_collaborator.';

COMMENT ON VIEW trial_references IS
    'One row per reference of the current version of each tracked trial (referencesModule.references). AACT: study_references.';
COMMENT ON COLUMN trial_references.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_references.pmid IS 'PubMed identifier, NULL when the reference has none. AACT study_references.pmid.';
COMMENT ON COLUMN trial_references.reference_type IS 'RESULT (a publication of the trial''s results), BACKGROUND or DERIVED (linked by the registry from PubMed). AACT study_references.reference_type.';
COMMENT ON COLUMN trial_references.citation IS 'The citation text. AACT study_references.citation.';

COMMENT ON VIEW trial_outcomes IS
    'One row per planned outcome measure of the current version of each tracked trial (outcomesModule). AACT: design_outcomes.';
COMMENT ON COLUMN trial_outcomes.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_outcomes.outcome_type IS 'primary, secondary or other. AACT design_outcomes.outcome_type.';
COMMENT ON COLUMN trial_outcomes.measure IS 'What is measured. AACT design_outcomes.measure.';
COMMENT ON COLUMN trial_outcomes.time_frame IS 'When it is measured. AACT design_outcomes.time_frame.';

COMMENT ON VIEW trial_design IS
    'One row per tracked trial: the design of its current version (designModule) and whether it studies an FDA-regulated product (oversightModule). AACT: studies, designs.';
COMMENT ON COLUMN trial_design.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_design.study_type IS 'INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS. AACT studies.study_type.';
COMMENT ON COLUMN trial_design.phase IS 'The phases joined with /, e.g. PHASE1/PHASE2 or NA. AACT studies.phase.';
COMMENT ON COLUMN trial_design.phases IS 'The phases as an array (EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4, NA): PHASE2 = ANY(phases).';
COMMENT ON COLUMN trial_design.allocation IS 'RANDOMIZED, NON_RANDOMIZED or NA. AACT designs.allocation.';
COMMENT ON COLUMN trial_design.intervention_model IS 'SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL or SEQUENTIAL. AACT designs.intervention_model.';
COMMENT ON COLUMN trial_design.primary_purpose IS 'TREATMENT, PREVENTION, DIAGNOSTIC, DEVICE_FEASIBILITY, ... AACT designs.primary_purpose.';
COMMENT ON COLUMN trial_design.masking IS 'NONE, SINGLE, DOUBLE, TRIPLE or QUADRUPLE. AACT designs.masking.';
COMMENT ON COLUMN trial_design.enrollment IS 'Number of participants, actual or estimated (enrollment_type). AACT studies.enrollment.';
COMMENT ON COLUMN trial_design.enrollment_type IS 'ACTUAL or ESTIMATED. AACT studies.enrollment_type.';
COMMENT ON COLUMN trial_design.is_fda_regulated_drug IS 'oversightModule.isFdaRegulatedDrug; NULL when the record does not say (records from before 2017 often do not). AACT studies.is_fda_regulated_drug.';
COMMENT ON COLUMN trial_design.is_fda_regulated_device IS 'oversightModule.isFdaRegulatedDevice; NULL when the record does not say. AACT studies.is_fda_regulated_device.';

COMMENT ON VIEW trial_dates IS
    'One row per tracked trial: the dates of its current version (statusModule). Each date is a date: a month-only registry date (2024-05) is its first day and its _precision says month; _type is ACTUAL or ESTIMATED where the registry gives one. AACT: studies.*_date, *_date_type.';
COMMENT ON COLUMN trial_dates.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_dates.study_first_posted_date IS 'When the registry first posted the record. AACT studies.study_first_posted_date.';
COMMENT ON COLUMN trial_dates.study_first_posted_date_type IS 'ACTUAL or ESTIMATED (older records).';
COMMENT ON COLUMN trial_dates.study_first_posted_date_precision IS 'day, month or year: how much of the date the registry gave.';
COMMENT ON COLUMN trial_dates.start_date IS 'When the first participant enrolled (actual) or is expected to. AACT studies.start_date.';
COMMENT ON COLUMN trial_dates.start_date_type IS 'ACTUAL or ESTIMATED; NULL when the registry gives no type (older records).';
COMMENT ON COLUMN trial_dates.start_date_precision IS 'day, month or year.';
COMMENT ON COLUMN trial_dates.primary_completion_date IS 'When the last participant was (or is expected to be) examined for the primary outcome. AACT studies.primary_completion_date (which makes a month-only date the month''s last day).';
COMMENT ON COLUMN trial_dates.primary_completion_date_type IS 'ACTUAL or ESTIMATED. AACT studies.primary_completion_date_type.';
COMMENT ON COLUMN trial_dates.primary_completion_date_precision IS 'day, month or year.';
COMMENT ON COLUMN trial_dates.completion_date IS 'When the trial ended or is expected to. AACT studies.completion_date.';
COMMENT ON COLUMN trial_dates.completion_date_type IS 'ACTUAL or ESTIMATED.';
COMMENT ON COLUMN trial_dates.completion_date_precision IS 'day, month or year.';
COMMENT ON COLUMN trial_dates.results_first_submitted_date IS 'When results were first submitted, as the registry states once they are posted (statusModule.resultsFirstSubmitDate); results still in quality-control review are in results_due. AACT studies.results_first_submitted_date.';
COMMENT ON COLUMN trial_dates.results_first_submitted_date_precision IS 'day, month or year.';
COMMENT ON COLUMN trial_dates.results_first_posted_date IS 'When results were first posted on ClinicalTrials.gov. AACT studies.results_first_posted_date.';
COMMENT ON COLUMN trial_dates.results_first_posted_date_type IS 'ACTUAL or ESTIMATED.';
COMMENT ON COLUMN trial_dates.results_first_posted_date_precision IS 'day, month or year.';
COMMENT ON COLUMN trial_dates.disposition_first_submitted_date IS 'When a certificate of delay was first submitted (dispFirstSubmitDate), NULL if none. AACT studies.disposition_first_submitted_date.';
COMMENT ON COLUMN trial_dates.disposition_first_submitted_date_precision IS 'day, month or year.';
COMMENT ON COLUMN trial_dates.last_update_posted_date IS 'When the registry last posted a change to the record. AACT studies.last_update_posted_date.';
COMMENT ON COLUMN trial_dates.last_update_posted_date_type IS 'ACTUAL or ESTIMATED.';
COMMENT ON COLUMN trial_dates.last_update_posted_date_precision IS 'day, month or year.';

COMMENT ON VIEW trial_sites IS
    'One row per location of the current version of each tracked trial (contactsLocationsModule.locations). AACT: facilities.';
COMMENT ON COLUMN trial_sites.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_sites.name IS 'The facility''s name. AACT facilities.name.';
COMMENT ON COLUMN trial_sites.city IS 'City. AACT facilities.city.';
COMMENT ON COLUMN trial_sites.state IS 'State or region, where the registry gives one. AACT facilities.state.';
COMMENT ON COLUMN trial_sites.country IS 'Country. AACT facilities.country.';
COMMENT ON COLUMN trial_sites.status IS 'The site''s recruitment status (RECRUITING, NOT_YET_RECRUITING, COMPLETED, WITHDRAWN, ...); the registry gives none once a trial has ended. AACT facilities.status.';

-- The history views: every stored version, with the same columns (and the
-- same comments) as their current views, plus which version.
DO $$
DECLARE
    v text;
    c record;
BEGIN
    FOREACH v IN ARRAY ARRAY['trial_conditions', 'trial_interventions', 'trial_sponsors',
            'trial_references', 'trial_outcomes', 'trial_design', 'trial_dates', 'trial_sites'] LOOP
        EXECUTE format('COMMENT ON VIEW %I IS %L', v || '_history',
            'Like ' || v || ', for every stored version of every trial, tracked or not: '
            || 'version_no and registry_updated say which version.');
        EXECUTE format('COMMENT ON COLUMN %I.version_no IS %L', v || '_history',
            'The version (1, 2, ... per trial, in the order ctmirror stored them).');
        EXECUTE format('COMMENT ON COLUMN %I.registry_updated IS %L', v || '_history',
            'The registry''s last-update-posted date of that version.');
        FOR c IN SELECT a.attname, col_description(a.attrelid, a.attnum) AS d
                   FROM pg_attribute a
                  WHERE a.attrelid = v::regclass AND a.attnum > 0 LOOP
            EXECUTE format('COMMENT ON COLUMN %I.%I IS %L', v || '_history', c.attname, c.d);
        END LOOP;
    END LOOP;
END
$$;

COMMENT ON VIEW results_due IS
    'One row per tracked trial: were its results due under FDAAA 801 (42 U.S.C. 282(j)), and reported on time? As the FDAAA TrialsTracker judges it, from the current version. Applicable: an interventional study, not withdrawn, of phase 1/2 to 4 or NA (not phase 1 or early phase 1), not a device feasibility study, of an FDA-regulated drug or device (oversightModule.isFdaRegulatedDrug/Device), with primary completion on or after 2017-01-18. Results are due 12 months after primary completion (a month-only date counts as the month''s last day), 3 years with a certificate of delay submitted within those 12 months.';
COMMENT ON COLUMN results_due.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN results_due.primary_completion_date IS 'The primary completion date (a month-only date as its first day: see primary_completion_date_precision).';
COMMENT ON COLUMN results_due.primary_completion_date_type IS 'ACTUAL or ESTIMATED: results fall due only after an actual primary completion.';
COMMENT ON COLUMN results_due.primary_completion_date_precision IS 'day, month or year; a month or year alone counts as its last day for due_by.';
COMMENT ON COLUMN results_due.due_by IS 'The day results are due (a day), for applicable trials; with an estimated primary completion, when they would be due; NULL when not applicable or unknown.';
COMMENT ON COLUMN results_due.results_first_submitted_date IS 'When results were first submitted: resultsFirstSubmitDate once posted, else the first submission of the current cycle still in quality-control review (unpostedAnnotation, as the TrialsTracker counts QC submissions); applicable trials only.';
COMMENT ON COLUMN results_due.results_first_submitted_date_precision IS 'day, month or year.';
COMMENT ON COLUMN results_due.days_late IS 'reported late: days from due_by to submission; reported on time: 0; overdue: days from due_by to today; else NULL.';
COMMENT ON COLUMN results_due.state IS 'not due yet, reported on time, reported late, overdue, not applicable, or unknown when the record cannot say (no FDA-regulated flags, no study type, phase or primary completion date, an estimated primary completion that has passed, results posted without a submission date): never a guess. Today is current_date, or the setting ctmirror.today (SET ctmirror.today = ''2026-01-01'').';
COMMENT ON COLUMN results_due.reason IS 'Why, in words: which rule made the trial applicable or not, or what the record lacks.';

-- ctmirror_reader reads the views, nothing else.
GRANT SELECT ON trial_conditions, trial_interventions, trial_sponsors, trial_references,
    trial_outcomes, trial_design, trial_dates, trial_sites,
    trial_conditions_history, trial_interventions_history, trial_sponsors_history,
    trial_references_history, trial_outcomes_history, trial_design_history,
    trial_dates_history, trial_sites_history, results_due TO ctmirror_reader;

-- A results-pending claim about a trial whose results are overdue is news
-- in itself: rule results-overdue (daemon/rules.c), fed by results_due.
COMMENT ON COLUMN stale_claims.rule IS
    'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, results-submitted, results-overdue, identity-mismatch or alias-id.';

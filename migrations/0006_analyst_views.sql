-- 0006: the registry in relational shape for analysts, and the FDAAA 801
-- results-due judgement (issue 17).  Column names and meanings follow AACT
-- (ctti-clinicaltrials/aact, app/models/*.rb) wherever AACT has the same
-- thing; README.md lists the correspondences.
--
-- Where the rows come from (measured at 50,000 trials, tests/bench/views).
-- Views over the current version's raw jsonb decompress every record (72
-- KB on average, up to 375 KB with results): 2-3 s a query.  Views over a
-- copy of each list kept beside raw still spent 1-2 s cutting 1.1 million
-- locations into rows at every query.  So the rows are made once, when a
-- version is stored: a trigger on study_versions, in the same statement
-- and transaction, adds the version's row to version_facts (its design
-- and dates, typed) and a row per list member to the version_* tables.
-- That costs about 0.4 ms of server CPU per stored version (+19 % on a
-- first sync), one statement for all the lists; a trial that did not
-- change stores no version and writes nothing here either.  Rows are
-- keyed by version_id, so the same tables serve the current version and
-- the history.

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

-- One row per stored version: its design and dates, typed.  The lists are
-- in the version_* tables below.  No foreign keys: a check per row would
-- cost more than the row; the triggers below keep the tables in step.
CREATE TABLE version_facts (
    version_id bigint PRIMARY KEY,
    -- As in study_versions, so that results_due reads this table alone.
    overall_status text,
    has_results boolean,
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
    pending_results_submitted_date date
);

COMMENT ON TABLE version_facts IS
    'Per stored version: its design and dates as the analysts'' views read them, made from raw when the version is stored (trigger study_versions_rows).';

-- A row per list member of each version (AACT's tables and names).
CREATE TABLE version_conditions (
    version_id bigint NOT NULL,
    name text,
    mesh_term text
);
CREATE TABLE version_interventions (
    version_id bigint NOT NULL,
    intervention_type text,
    name text,
    other_names text[]
);
CREATE TABLE version_sponsors (
    version_id bigint NOT NULL,
    name text,
    agency_class text,
    lead_or_collaborator text NOT NULL
);
CREATE TABLE version_references (
    version_id bigint NOT NULL,
    pmid text,
    reference_type text,
    citation text
);
CREATE TABLE version_outcomes (
    version_id bigint NOT NULL,
    outcome_type text NOT NULL,
    measure text,
    time_frame text
);
CREATE TABLE version_sites (
    version_id bigint NOT NULL,
    name text,
    city text,
    state text,
    country text,
    status text
);
-- A version's rows are found by version_id (deduplicated, so small).
CREATE INDEX version_conditions_version_idx ON version_conditions (version_id);
CREATE INDEX version_interventions_version_idx ON version_interventions (version_id);
CREATE INDEX version_sponsors_version_idx ON version_sponsors (version_id);
CREATE INDEX version_references_version_idx ON version_references (version_id);
CREATE INDEX version_outcomes_version_idx ON version_outcomes (version_id);
CREATE INDEX version_sites_version_idx ON version_sites (version_id);

COMMENT ON TABLE version_conditions IS 'Per stored version, a row per condition (paired with its MeSH term) or unmatched MeSH term; see trial_conditions.';
COMMENT ON TABLE version_interventions IS 'Per stored version, a row per intervention; see trial_interventions.';
COMMENT ON TABLE version_sponsors IS 'Per stored version, the lead sponsor and each collaborator; see trial_sponsors.';
COMMENT ON TABLE version_references IS 'Per stored version, a row per reference; see trial_references.';
COMMENT ON TABLE version_outcomes IS 'Per stored version, a row per planned outcome measure; see trial_outcomes.';
COMMENT ON TABLE version_sites IS 'Per stored version, a row per location; see trial_sites.';

-- The facts row of one version.  r must be in memory: a toasted value
-- would be decompressed again by every path below.  SQL, so that the
-- statement below inlines it; its expressions are operators and calls
-- only, cheap to set up at every execution.
CREATE FUNCTION version_facts_of(vid bigint, r jsonb, pending text)
    RETURNS SETOF version_facts
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT vid,
           m.s ->> 'overallStatus',
           CASE WHEN jsonb_typeof(r -> 'hasResults') = 'boolean'
               THEN (r -> 'hasResults')::boolean END,
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
           CASE WHEN p.study_first_posted IS NOT NULL THEN
               CASE length(t.study_first_posted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.start,
           m.s #>> '{startDateStruct,type}',
           CASE WHEN p.start IS NOT NULL THEN
               CASE length(t.start) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.primary_completion,
           m.s #>> '{primaryCompletionDateStruct,type}',
           CASE WHEN p.primary_completion IS NOT NULL THEN
               CASE length(t.primary_completion) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.completion,
           m.s #>> '{completionDateStruct,type}',
           CASE WHEN p.completion IS NOT NULL THEN
               CASE length(t.completion) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.results_first_submitted,
           CASE WHEN p.results_first_submitted IS NOT NULL THEN
               CASE length(t.results_first_submitted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.results_first_posted,
           m.s #>> '{resultsFirstPostDateStruct,type}',
           CASE WHEN p.results_first_posted IS NOT NULL THEN
               CASE length(t.results_first_posted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.disposition_first_submitted,
           CASE WHEN p.disposition_first_submitted IS NOT NULL THEN
               CASE length(t.disposition_first_submitted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           p.last_update_posted,
           m.s #>> '{lastUpdatePostDateStruct,type}',
           CASE WHEN p.last_update_posted IS NOT NULL THEN
               CASE length(t.last_update_posted) WHEN 10 THEN 'day' WHEN 7 THEN 'month' ELSE 'year' END END,
           registry_date(pending)
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

-- All of one version's rows.  PL/pgSQL caches the plans, so a call costs
-- their execution only; the lists are one statement.  A member that is not
-- an object (for conditions, not a string) is skipped; a missing list gives
-- no row.  A condition and a MeSH term share a row when their words are the
-- same (case aside).
CREATE FUNCTION version_rows(vid bigint, r jsonb, pending text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    conditions jsonb := r #> '{protocolSection,conditionsModule,conditions}';
    meshes jsonb := r #> '{derivedSection,conditionBrowseModule,meshes}';
    interventions jsonb := r #> '{protocolSection,armsInterventionsModule,interventions}';
    sponsors jsonb := r #> '{protocolSection,sponsorCollaboratorsModule}';
    refs jsonb := r #> '{protocolSection,referencesModule,references}';
    outcomes jsonb := r #> '{protocolSection,outcomesModule}';
    locations jsonb := r #> '{protocolSection,contactsLocationsModule,locations}';
BEGIN
    INSERT INTO version_facts SELECT * FROM version_facts_of(vid, r, pending);
    -- jsonb_array_elements refuses anything but an array: the CASEs.
    WITH c AS (
        INSERT INTO version_conditions
        SELECT vid, c.name, m.term
          FROM (SELECT e #>> '{}' AS name
                  FROM jsonb_array_elements(CASE jsonb_typeof(conditions)
                                            WHEN 'array' THEN conditions END) e
                 WHERE jsonb_typeof(e) = 'string') c
          FULL JOIN
               (SELECT e ->> 'term' AS term
                  FROM jsonb_array_elements(CASE jsonb_typeof(meshes)
                                            WHEN 'array' THEN meshes END) e
                 WHERE jsonb_typeof(e -> 'term') = 'string') m
            ON lower(c.name) = lower(m.term)),
    i AS (
        INSERT INTO version_interventions
        SELECT vid, e ->> 'type', e ->> 'name',
               CASE WHEN jsonb_typeof(e -> 'otherNames') = 'array' THEN
                   ARRAY(SELECT o #>> '{}' FROM jsonb_array_elements(e -> 'otherNames') o
                          WHERE jsonb_typeof(o) = 'string') END
          FROM jsonb_array_elements(CASE jsonb_typeof(interventions)
                                    WHEN 'array' THEN interventions END) e
         WHERE jsonb_typeof(e) = 'object'),
    s AS (
        INSERT INTO version_sponsors
        SELECT vid, x.e ->> 'name', x.e ->> 'class', x.role
          FROM (SELECT sponsors -> 'leadSponsor' AS e, 'lead' AS role
                UNION ALL
                SELECT e, 'collaborator'
                  FROM jsonb_array_elements(CASE jsonb_typeof(sponsors -> 'collaborators')
                                            WHEN 'array' THEN sponsors -> 'collaborators' END) e) x
         WHERE jsonb_typeof(x.e) = 'object'),
    f AS (
        INSERT INTO version_references
        SELECT vid, e ->> 'pmid', e ->> 'type', e ->> 'citation'
          FROM jsonb_array_elements(CASE jsonb_typeof(refs) WHEN 'array' THEN refs END) e
         WHERE jsonb_typeof(e) = 'object'),
    o AS (
        INSERT INTO version_outcomes
        SELECT vid, k.outcome_type, e ->> 'measure', e ->> 'timeFrame'
          FROM (VALUES ('primary', 'primaryOutcomes'), ('secondary', 'secondaryOutcomes'),
                       ('other', 'otherOutcomes')) AS k(outcome_type, member),
               jsonb_array_elements(CASE jsonb_typeof(outcomes -> k.member)
                                    WHEN 'array' THEN outcomes -> k.member END) e
         WHERE jsonb_typeof(e) = 'object')
    INSERT INTO version_sites
    SELECT vid, e ->> 'facility', e ->> 'city', e ->> 'state', e ->> 'country', e ->> 'status'
      FROM jsonb_array_elements(CASE jsonb_typeof(locations) WHEN 'array' THEN locations END) e
     WHERE jsonb_typeof(e) = 'object';
END
$$;

-- BEFORE, not AFTER: NEW.raw is still the value the INSERT built, in
-- memory; after the insert it is compressed and out of line, and reading
-- it back cost as much as the rest.  (Hence no foreign keys: the version's
-- row does not exist yet.)  If the insert fails, its statement and these
-- rows go together.
CREATE FUNCTION study_versions_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM version_rows(NEW.version_id, NEW.raw, NEW.results_submitted);
    RETURN NEW;
END
$$;

CREATE TRIGGER study_versions_rows BEFORE INSERT ON study_versions
    FOR EACH ROW EXECUTE FUNCTION study_versions_rows();

-- A version deleted takes its rows along (nothing deletes versions today).
CREATE FUNCTION study_versions_rows_gone() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM version_facts x USING gone g WHERE x.version_id = g.version_id;
    DELETE FROM version_conditions x USING gone g WHERE x.version_id = g.version_id;
    DELETE FROM version_interventions x USING gone g WHERE x.version_id = g.version_id;
    DELETE FROM version_sponsors x USING gone g WHERE x.version_id = g.version_id;
    DELETE FROM version_references x USING gone g WHERE x.version_id = g.version_id;
    DELETE FROM version_outcomes x USING gone g WHERE x.version_id = g.version_id;
    DELETE FROM version_sites x USING gone g WHERE x.version_id = g.version_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER study_versions_rows_gone AFTER DELETE ON study_versions
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION study_versions_rows_gone();

-- The versions stored before this migration.
SELECT version_rows(version_id, raw - 'resultsSection', results_submitted)
  FROM study_versions;

REVOKE EXECUTE ON FUNCTION registry_date(text), version_facts_of(bigint, jsonb, text),
    version_rows(bigint, jsonb, text), study_versions_rows(),
    study_versions_rows_gone() FROM PUBLIC;

-- ----------------------------------------------------------------- views
--
-- trial_X: a row per list member of the current version of each tracked
-- trial.  trial_X_history: the same for every stored version of every
-- trial, with version_id, version_no and registry_updated saying which.

CREATE VIEW trial_conditions AS
SELECT t.nct_id,
       x.name,
       x.mesh_term
  FROM trials t
  JOIN version_conditions x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_conditions_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.name,
       x.mesh_term
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
  JOIN version_conditions x ON x.version_id = v.version_id;

CREATE VIEW trial_interventions AS
SELECT t.nct_id,
       x.intervention_type,
       x.name,
       x.other_names
  FROM trials t
  JOIN version_interventions x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_interventions_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.intervention_type,
       x.name,
       x.other_names
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
  JOIN version_interventions x ON x.version_id = v.version_id;

CREATE VIEW trial_sponsors AS
SELECT t.nct_id,
       x.name,
       x.agency_class,
       x.lead_or_collaborator
  FROM trials t
  JOIN version_sponsors x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_sponsors_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.name,
       x.agency_class,
       x.lead_or_collaborator
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
  JOIN version_sponsors x ON x.version_id = v.version_id;

CREATE VIEW trial_references AS
SELECT t.nct_id,
       x.pmid,
       x.reference_type,
       x.citation
  FROM trials t
  JOIN version_references x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_references_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.pmid,
       x.reference_type,
       x.citation
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
  JOIN version_references x ON x.version_id = v.version_id;

CREATE VIEW trial_outcomes AS
SELECT t.nct_id,
       x.outcome_type,
       x.measure,
       x.time_frame
  FROM trials t
  JOIN version_outcomes x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_outcomes_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.outcome_type,
       x.measure,
       x.time_frame
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
  JOIN version_outcomes x ON x.version_id = v.version_id;

CREATE VIEW trial_sites AS
SELECT t.nct_id,
       x.name,
       x.city,
       x.state,
       x.country,
       x.status
  FROM trials t
  JOIN version_sites x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_sites_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       f.last_update_posted_date AS registry_updated,
       x.name,
       x.city,
       x.state,
       x.country,
       x.status
  FROM study_versions v
  JOIN version_facts f ON f.version_id = v.version_id
  JOIN version_sites x ON x.version_id = v.version_id;

CREATE VIEW trial_design AS
SELECT t.nct_id,
       x.study_type,
       nullif(array_to_string(x.phases, '/'), '') AS phase,
       x.phases,
       x.allocation,
       x.intervention_model,
       x.primary_purpose,
       x.masking,
       x.enrollment,
       x.enrollment_type,
       x.is_fda_regulated_drug,
       x.is_fda_regulated_device
  FROM trials t
  JOIN version_facts x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_design_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       x.last_update_posted_date AS registry_updated,
       x.study_type,
       nullif(array_to_string(x.phases, '/'), '') AS phase,
       x.phases,
       x.allocation,
       x.intervention_model,
       x.primary_purpose,
       x.masking,
       x.enrollment,
       x.enrollment_type,
       x.is_fda_regulated_drug,
       x.is_fda_regulated_device
  FROM study_versions v
  JOIN version_facts x ON x.version_id = v.version_id;

CREATE VIEW trial_dates AS
SELECT t.nct_id,
       x.study_first_posted_date, x.study_first_posted_date_type, x.study_first_posted_date_precision,
       x.start_date, x.start_date_type, x.start_date_precision,
       x.primary_completion_date, x.primary_completion_date_type, x.primary_completion_date_precision,
       x.completion_date, x.completion_date_type, x.completion_date_precision,
       x.results_first_submitted_date, x.results_first_submitted_date_precision,
       x.results_first_posted_date, x.results_first_posted_date_type, x.results_first_posted_date_precision,
       x.disposition_first_submitted_date, x.disposition_first_submitted_date_precision,
       x.last_update_posted_date, x.last_update_posted_date_type, x.last_update_posted_date_precision
  FROM trials t
  JOIN version_facts x ON x.version_id = t.current_version_id
 WHERE t.tracked;

CREATE VIEW trial_dates_history AS
SELECT v.nct_id,
       v.version_id,
       v.version_no,
       x.last_update_posted_date AS registry_updated,
       x.study_first_posted_date, x.study_first_posted_date_type, x.study_first_posted_date_precision,
       x.start_date, x.start_date_type, x.start_date_precision,
       x.primary_completion_date, x.primary_completion_date_type, x.primary_completion_date_precision,
       x.completion_date, x.completion_date_type, x.completion_date_precision,
       x.results_first_submitted_date, x.results_first_submitted_date_precision,
       x.results_first_posted_date, x.results_first_posted_date_type, x.results_first_posted_date_precision,
       x.disposition_first_submitted_date, x.disposition_first_submitted_date_precision,
       x.last_update_posted_date, x.last_update_posted_date_type, x.last_update_posted_date_precision
  FROM study_versions v
  JOIN version_facts x ON x.version_id = v.version_id;

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
       -- Why, in words (built only when asked for).
       CASE a.rule
           WHEN 1 THEN 'no registry record is stored yet'
           WHEN 2 THEN 'the record gives no study type'
           WHEN 3 THEN 'not an interventional study (' || f.study_type || ')'
           WHEN 4 THEN 'withdrawn before enrolling its first participant'
           WHEN 5 THEN 'the record gives no phase'
           WHEN 6 THEN 'a phase 1 trial (' || array_to_string(f.phases, '/') || ')'
           WHEN 7 THEN 'a device feasibility study'
           WHEN 8 THEN 'studies no FDA-regulated drug or device'
           WHEN 9 THEN 'the record does not say whether it studies an FDA-regulated drug or device'
           WHEN 10 THEN 'the record gives no primary completion date'
           WHEN 11 THEN 'primary completion before 2017-01-18, when the FDAAA 801 Final Rule took effect'
           ELSE 'applicable: interventional, ' || array_to_string(f.phases, '/')
                || ', FDA-regulated '
                || CASE WHEN f.is_fda_regulated_drug AND f.is_fda_regulated_device THEN 'drug and device'
                        WHEN f.is_fda_regulated_drug THEN 'drug' ELSE 'device' END
                || '; due '
                || CASE WHEN j.extended
                        THEN '3 years after primary completion (certificate of delay submitted '
                             || f.disposition_first_submitted_date || ')'
                        ELSE '12 months after primary completion' END
                || CASE
                   WHEN j.submitted IS NULL AND (f.has_results OR f.results_first_posted_date IS NOT NULL) THEN
                       '; results are posted but the record gives no submission date'
                   WHEN j.submitted IS NULL AND d.today > j.due_by
                        AND f.primary_completion_date_type IS DISTINCT FROM 'ACTUAL' THEN
                       '; the primary completion date is '
                       || coalesce(lower(f.primary_completion_date_type), 'not marked actual')
                       || ' and has passed: the record does not say when the trial completed'
                   WHEN f.results_first_submitted_date IS NULL
                        AND f.pending_results_submitted_date IS NOT NULL THEN
                       '; results submitted, in quality-control review, not posted yet'
                   ELSE '' END
       END AS reason
  FROM trials t
  LEFT JOIN version_facts f ON f.version_id = t.current_version_id
  -- Today once, not once a row.
 CROSS JOIN (
        SELECT coalesce(nullif(current_setting('ctmirror.today', true), '')::date,
                        current_date) AS today OFFSET 0) d
 CROSS JOIN LATERAL (
        -- A month or year alone counts as its last day.
        SELECT CASE f.primary_completion_date_precision
                   WHEN 'month' THEN (f.primary_completion_date + interval '1 month - 1 day')::date
                   WHEN 'year' THEN (f.primary_completion_date + interval '1 year - 1 day')::date
                   ELSE f.primary_completion_date
               END AS completed) c
 CROSS JOIN LATERAL (
        -- Applicability, in the tracker's order: 0 applicable; 3, 4, 6,
        -- 7, 8 and 11 not applicable; 1, 2, 5, 9 and 10 unknown (the
        -- record cannot say).  Numbered so that the words above are made
        -- only for the rows and columns that show them.
        SELECT CASE
            WHEN f.version_id IS NULL THEN 1
            WHEN f.study_type IS NULL THEN 2
            WHEN f.study_type <> 'INTERVENTIONAL' THEN 3
            WHEN f.overall_status = 'WITHDRAWN' THEN 4
            WHEN f.phases IS NULL OR cardinality(f.phases) = 0 THEN 5
            WHEN f.phases <@ ARRAY['EARLY_PHASE1', 'PHASE1'] THEN 6
            WHEN f.primary_purpose = 'DEVICE_FEASIBILITY' THEN 7
            WHEN f.is_fda_regulated_drug OR f.is_fda_regulated_device THEN
                CASE WHEN f.primary_completion_date IS NULL THEN 10
                     WHEN c.completed < DATE '2017-01-18' THEN 11
                     ELSE 0 END
            WHEN f.is_fda_regulated_drug IS NOT NULL
                 AND f.is_fda_regulated_device IS NOT NULL THEN 8
            ELSE 9
            END AS rule) a
 CROSS JOIN LATERAL (
        -- A certificate of delay (dispFirstSubmitDate) submitted before
        -- the 12 months are up moves the deadline to 3 years.
        SELECT CASE WHEN a.rule = 0 THEN
                   CASE WHEN x.extended THEN (c.completed + interval '3 years')::date
                        ELSE (c.completed + interval '1 year')::date END
               END AS due_by,
               a.rule = 0 AND x.extended AS extended,
               CASE WHEN a.rule = 0 THEN
                   coalesce(f.results_first_submitted_date, f.pending_results_submitted_date)
               END AS submitted,
               CASE WHEN a.rule <> 0 THEN NULL
                    WHEN f.results_first_submitted_date IS NOT NULL
                    THEN f.results_first_submitted_date_precision
                    WHEN f.pending_results_submitted_date IS NOT NULL THEN 'day'
               END AS submitted_precision
          FROM (SELECT coalesce(f.disposition_first_submitted_date
                                <= (c.completed + interval '1 year')::date, false)
                       AS extended) x) j
 CROSS JOIN LATERAL (
        SELECT CASE
            WHEN a.rule IN (3, 4, 6, 7, 8, 11) THEN 'not applicable'
            WHEN a.rule <> 0 THEN 'unknown'
            WHEN j.submitted IS NOT NULL THEN
                CASE WHEN j.submitted <= j.due_by THEN 'reported on time' ELSE 'reported late' END
            WHEN f.has_results OR f.results_first_posted_date IS NOT NULL THEN 'unknown'
            WHEN d.today <= j.due_by THEN 'not due yet'
            WHEN f.primary_completion_date_type = 'ACTUAL' THEN 'overdue'
            ELSE 'unknown'
            END AS state) s
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
            || 'version_id, version_no and registry_updated say which version.');
        EXECUTE format('COMMENT ON COLUMN %I.version_id IS %L', v || '_history',
            'The stored version (study_versions.version_id): joins the history views of one version.');
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
    'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, results-submitted, results-overdue, identity-mismatch, alias-id or unknown-trial.';

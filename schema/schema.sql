-- schema/schema.sql: the full schema that migrations/*.sql produce, for
-- reading.  Generated with `pg_dump --schema-only --no-owner` from a
-- freshly migrated database; tests/test_migrations.c proves the two agree
-- (comments, SET lines and blank lines aside).  Do not edit by hand:
-- change a migration, then regenerate this file from the dump the failing
-- test leaves in /tmp.

--
-- PostgreSQL database dump
--

\restrict fJZxgKCfglyv7wysXBcqc5j1hdLy6RpRiYwCS1VDpuyvx5xv1lmWkIUKfDhvIOa

-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: citation_summary(jsonb); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.citation_summary(raw jsonb) RETURNS jsonb
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN (
    SELECT jsonb_build_object(
        'protocolSection', jsonb_strip_nulls(jsonb_build_object(
            'identificationModule', x.p -> 'identificationModule',
            'statusModule', x.p -> 'statusModule',
            'sponsorCollaboratorsModule', x.p -> 'sponsorCollaboratorsModule',
            'conditionsModule', x.p -> 'conditionsModule',
            'designModule', x.p -> 'designModule',
            -- Intervention names only: arm groups and descriptions are
            -- half of a summary and the check reads none of them.
            'armsInterventionsModule', CASE
                WHEN jsonb_typeof(x.p -> 'armsInterventionsModule'
                                      -> 'interventions') = 'array'
                THEN jsonb_build_object('interventions', coalesce((
                    SELECT jsonb_agg(CASE jsonb_typeof(i)
                        WHEN 'object' THEN jsonb_strip_nulls(
                            jsonb_build_object('name', i -> 'name',
                                               'otherNames', i -> 'otherNames'))
                        ELSE i END ORDER BY n)
                      FROM jsonb_array_elements(x.p -> 'armsInterventionsModule'
                                                    -> 'interventions')
                           WITH ORDINALITY AS e(i, n)), '[]'::jsonb))
                ELSE x.p -> 'armsInterventionsModule' END)),
        -- MeSH terms only, not the browse leaves and branches.
        'derivedSection', jsonb_strip_nulls(jsonb_build_object(
            'conditionBrowseModule', jsonb_strip_nulls(jsonb_build_object(
                'meshes', x.d -> 'conditionBrowseModule' -> 'meshes')),
            'interventionBrowseModule', jsonb_strip_nulls(jsonb_build_object(
                'meshes', x.d -> 'interventionBrowseModule' -> 'meshes')))))
      -- OFFSET 0: raw is decompressed once, not once per module.
      FROM (SELECT y.r -> 'protocolSection' AS p, y.r -> 'derivedSection' AS d
              FROM (SELECT raw - 'resultsSection' AS r OFFSET 0) y
            OFFSET 0) x);
END
$$;


--
-- Name: FUNCTION citation_summary(raw jsonb); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.citation_summary(raw jsonb) IS 'The parts of a registry record the citation check reads: the identification, status, sponsor, conditions and design modules, intervention names and other names, condition and intervention MeSH terms.';


--
-- Name: registry_date(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.registry_date(s text) RETURNS date
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
    AS $_$
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
$_$;


--
-- Name: FUNCTION registry_date(s text); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.registry_date(s text) IS 'A registry date (YYYY-MM-DD, YYYY-MM or YYYY) as a date, a month or year alone as its first day; NULL when malformed.';


--
-- Name: study_versions_resince(text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.study_versions_resince(trial text) RETURNS void
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


--
-- Name: study_versions_rows(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.study_versions_rows() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM version_rows(NEW.version_id, NEW.raw, NEW.results_submitted);
    RETURN NEW;
END
$$;


--
-- Name: study_versions_rows_gone(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.study_versions_rows_gone() RETURNS trigger
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


--
-- Name: study_versions_since(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.study_versions_since() RETURNS trigger
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


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: study_versions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_versions (
    version_id bigint NOT NULL,
    nct_id text NOT NULL,
    version_no integer NOT NULL,
    content_hash text NOT NULL,
    last_update_posted text,
    fetched_at timestamp with time zone DEFAULT now() NOT NULL,
    run_id bigint,
    acronym text,
    brief_title text,
    overall_status text NOT NULL,
    has_results boolean NOT NULL,
    results_first_posted text,
    results_submitted text,
    primary_completion text,
    primary_completion_type text,
    result_pmids text[] DEFAULT '{}'::text[] NOT NULL,
    raw jsonb NOT NULL,
    citation jsonb NOT NULL,
    source text DEFAULT 'live'::text NOT NULL,
    registry_version integer,
    registry_date text,
    status_since text,
    result_refs_since text,
    CONSTRAINT study_versions_content_hash_check CHECK ((content_hash ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT study_versions_history_known CHECK (((source = 'live'::text) OR ((registry_version IS NOT NULL) AND (registry_date IS NOT NULL)))),
    CONSTRAINT study_versions_registry_date_check CHECK ((registry_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'::text)),
    CONSTRAINT study_versions_registry_version_check CHECK ((registry_version >= 0)),
    CONSTRAINT study_versions_source_check CHECK ((source = ANY (ARRAY['live'::text, 'history'::text]))),
    CONSTRAINT study_versions_version_no_check CHECK ((version_no >= 1))
);
ALTER TABLE ONLY public.study_versions ALTER COLUMN raw SET COMPRESSION lz4;
ALTER TABLE ONLY public.study_versions ALTER COLUMN citation SET COMPRESSION lz4;


--
-- Name: COLUMN study_versions.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.version_no IS 'Place of the version in the trial''s stored life, 1 the oldest; after a backfill the registry''s history comes first.';


--
-- Name: COLUMN study_versions.citation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.citation IS 'citation_summary(raw), made when the version is stored: what the citation check reads.';


--
-- Name: COLUMN study_versions.source; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.source IS 'live: the registry''s current record when ctmirror synced; history: read from the registry''s History of Changes by the backfill.';


--
-- Name: COLUMN study_versions.registry_version; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.registry_version IS 'The registry''s own number of this version (0 = its first), where known: every history version, and the live version a backfill joined to.';


--
-- Name: COLUMN study_versions.registry_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.registry_date IS 'The date the registry''s change list gives this version (YYYY-MM-DD), where known.';


--
-- Name: COLUMN study_versions.status_since; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.status_since IS 'The day the run of versions with this overall_status, ending here, began (YYYY-MM-DD).';


--
-- Name: COLUMN study_versions.result_refs_since; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.study_versions.result_refs_since IS 'The day the run of versions listing a RESULT reference, ending here, began; NULL when this one lists none.';


--
-- Name: trial_timeline; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_timeline AS
 WITH v AS (
         SELECT sv.nct_id,
            sv.version_no,
            sv.source,
            sv.overall_status,
            sv.has_results,
            sv.primary_completion,
            sv.primary_completion_type,
            (sv.citation #>> '{protocolSection,designModule,enrollmentInfo,count}'::text[]) AS enrollment_text,
            (sv.citation #>> '{protocolSection,designModule,enrollmentInfo,type}'::text[]) AS enrollment_type,
            COALESCE(sv.last_update_posted, sv.registry_date) AS day_text,
            ((sv.fetched_at AT TIME ZONE 'UTC'::text))::date AS fetched_day
           FROM public.study_versions sv
        ), dated AS (
         SELECT v.nct_id,
            v.version_no,
            v.source,
            v.overall_status,
            v.has_results,
            v.primary_completion,
            v.primary_completion_type,
            v.enrollment_text,
            v.enrollment_type,
            v.day_text,
            v.fetched_day,
            max(COALESCE((make_date((substr(v.day_text, 1, 4))::integer,
                CASE
                    WHEN (length(v.day_text) >= 7) THEN (substr(v.day_text, 6, 2))::integer
                    ELSE 1
                END, 1) +
                CASE
                    WHEN (length(v.day_text) = 10) THEN ((substr(v.day_text, 9, 2))::integer - 1)
                    ELSE 0
                END), v.fetched_day)) OVER (PARTITION BY v.nct_id ORDER BY v.version_no) AS day,
                CASE
                    WHEN (v.enrollment_text ~ '^[0-9]{1,9}$'::text) THEN (v.enrollment_text)::integer
                    ELSE NULL::integer
                END AS enrollment
           FROM v
        ), daily AS (
         SELECT DISTINCT ON (d.nct_id, d.day) d.nct_id,
            d.version_no,
            d.source,
            d.overall_status,
            d.has_results,
            d.primary_completion,
            d.primary_completion_type,
            d.enrollment_text,
            d.enrollment_type,
            d.day_text,
            d.fetched_day,
            d.day,
            d.enrollment
           FROM dated d
          ORDER BY d.nct_id, d.day, d.version_no DESC
        ), marked AS (
         SELECT d.nct_id,
            d.version_no,
            d.source,
            d.overall_status,
            d.has_results,
            d.primary_completion,
            d.primary_completion_type,
            d.enrollment_text,
            d.enrollment_type,
            d.day_text,
            d.fetched_day,
            d.day,
            d.enrollment,
                CASE
                    WHEN (NOT (ROW(d.overall_status, d.has_results, d.primary_completion, d.primary_completion_type, d.enrollment, d.enrollment_type) IS DISTINCT FROM lag(ROW(d.overall_status, d.has_results, d.primary_completion, d.primary_completion_type, d.enrollment, d.enrollment_type)) OVER (PARTITION BY d.nct_id ORDER BY d.day))) THEN 0
                    ELSE 1
                END AS starts
           FROM daily d
        ), spans AS (
         SELECT m.nct_id,
            m.version_no,
            m.source,
            m.overall_status,
            m.has_results,
            m.primary_completion,
            m.primary_completion_type,
            m.enrollment_text,
            m.enrollment_type,
            m.day_text,
            m.fetched_day,
            m.day,
            m.enrollment,
            m.starts,
            sum(m.starts) OVER (PARTITION BY m.nct_id ORDER BY m.day) AS span
           FROM marked m
        )
 SELECT s.nct_id,
    min(s.day) AS valid_from,
    lead(min(s.day)) OVER (PARTITION BY s.nct_id ORDER BY (min(s.day))) AS valid_to,
    s.overall_status,
    s.has_results,
    (make_date((substr(s.primary_completion, 1, 4))::integer,
        CASE
            WHEN (length(s.primary_completion) >= 7) THEN (substr(s.primary_completion, 6, 2))::integer
            ELSE 1
        END, 1) +
        CASE
            WHEN (length(s.primary_completion) = 10) THEN ((substr(s.primary_completion, 9, 2))::integer - 1)
            ELSE 0
        END) AS primary_completion_date,
        CASE length(s.primary_completion)
            WHEN 10 THEN 'day'::text
            WHEN 7 THEN 'month'::text
            WHEN 4 THEN 'year'::text
            ELSE NULL::text
        END AS primary_completion_date_precision,
    s.primary_completion_type AS primary_completion_date_type,
    s.enrollment,
    s.enrollment_type,
    (array_agg(s.source ORDER BY s.day))[1] AS source
   FROM spans s
  GROUP BY s.nct_id, s.span, s.overall_status, s.has_results, s.primary_completion, s.primary_completion_type, s.enrollment, s.enrollment_type;


--
-- Name: VIEW trial_timeline; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_timeline IS 'One row per span of days in which a trial''s registry state (status, results, primary completion, enrollment) stayed the same, from its first stored version on; the spans of a trial touch without gap or overlap, the last is open (valid_to NULL).';


--
-- Name: COLUMN trial_timeline.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_timeline.valid_from; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.valid_from IS 'First day of the span: the lastUpdatePostDate of the version that began it (a version dated before its predecessor counts from its predecessor''s day).';


--
-- Name: COLUMN trial_timeline.valid_to; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.valid_to IS 'First day after the span (the next span''s valid_from); NULL for the span that holds today.';


--
-- Name: COLUMN trial_timeline.overall_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.overall_status IS 'Registry overallStatus during the span.';


--
-- Name: COLUMN trial_timeline.has_results; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.has_results IS 'Registry hasResults during the span.';


--
-- Name: COLUMN trial_timeline.primary_completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.primary_completion_date IS 'primaryCompletionDateStruct.date during the span as a date; a month-only date is its first day (see primary_completion_date_precision). AACT studies.primary_completion_date.';


--
-- Name: COLUMN trial_timeline.primary_completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.primary_completion_date_precision IS 'day, month or year: how much of primary_completion_date the registry gave.';


--
-- Name: COLUMN trial_timeline.primary_completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.primary_completion_date_type IS 'ACTUAL or ESTIMATED, as the registry marked primary_completion_date; NULL when it gave no date. AACT studies.primary_completion_date_type.';


--
-- Name: COLUMN trial_timeline.enrollment; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.enrollment IS 'designModule.enrollmentInfo.count during the span.';


--
-- Name: COLUMN trial_timeline.enrollment_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.enrollment_type IS 'ACTUAL or ESTIMATED, as the registry marked enrollment.';


--
-- Name: COLUMN trial_timeline.source; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.source IS 'history: the span begins with a version read from the registry''s history (backfill); live: with one ctmirror saw as the current record.';


--
-- Name: trials_as_of(date); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.trials_as_of(day date) RETURNS SETOF public.trial_timeline
    LANGUAGE sql STABLE
    AS $$
    SELECT tl.*
      FROM trial_timeline tl
     WHERE tl.valid_from <= day AND (tl.valid_to IS NULL OR tl.valid_to > day)
       -- trials_current, not trials: the reader role may read only views.
       AND tl.nct_id IN (SELECT c.nct_id FROM trials_current c)
    $$;


--
-- Name: FUNCTION trials_as_of(day date); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.trials_as_of(day date) IS 'The registry state of every tracked trial on the given day (one trial_timeline row each); trials whose first stored version is later are absent.';


--
-- Name: version_facts; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_facts (
    version_id bigint NOT NULL,
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
    pending_results_submitted_date date
);


--
-- Name: TABLE version_facts; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_facts IS 'Per stored version: its design and dates as the analysts'' views read them, made from raw when the version is stored (trigger study_versions_rows).';


--
-- Name: version_facts_of(bigint, jsonb, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.version_facts_of(vid bigint, r jsonb, pending text) RETURNS SETOF public.version_facts
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


--
-- Name: version_rows(bigint, jsonb, text); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.version_rows(vid bigint, r jsonb, pending text) RETURNS void
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


--
-- Name: alert_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alert_outbox (
    alert_id bigint NOT NULL,
    flag_id bigint NOT NULL,
    sink text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_attempt_at timestamp with time zone,
    last_error text,
    delivered_at timestamp with time zone,
    CONSTRAINT alert_outbox_sink_check CHECK ((sink = ANY (ARRAY['stdout'::text, 'webhook'::text, 'notify'::text])))
);


--
-- Name: alert_outbox_alert_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.alert_outbox ALTER COLUMN alert_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.alert_outbox_alert_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: claims; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.claims (
    claim_id bigint NOT NULL,
    page_id bigint NOT NULL,
    nct_id text NOT NULL,
    kind text NOT NULL,
    statuses text,
    line integer NOT NULL,
    as_of text,
    phrase text NOT NULL,
    excerpt text NOT NULL,
    CONSTRAINT claims_kind_check CHECK ((kind = ANY (ARRAY['results-pending'::text, 'publication-pending'::text, 'status'::text, 'mention'::text]))),
    CONSTRAINT claims_line_check CHECK ((line >= 1)),
    CONSTRAINT claims_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text))
)
WITH (fillfactor='50');


--
-- Name: claims_claim_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.claims ALTER COLUMN claim_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.claims_claim_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: flags; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.flags (
    flag_id bigint NOT NULL,
    page_id bigint NOT NULL,
    nct_id text NOT NULL,
    claim_kind text NOT NULL,
    rule text NOT NULL,
    severity text NOT NULL,
    line integer NOT NULL,
    claim_text text NOT NULL,
    as_of text,
    evidence text NOT NULL,
    link text NOT NULL,
    raised_at timestamp with time zone DEFAULT now() NOT NULL,
    notified_at timestamp with time zone,
    acked_at timestamp with time zone,
    resolved_at timestamp with time zone,
    acked_by text,
    ack_reason text,
    CONSTRAINT flags_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT flags_severity_check CHECK ((severity = ANY (ARRAY['stale'::text, 'recheck'::text])))
)
WITH (fillfactor='50');


--
-- Name: flags_flag_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.flags ALTER COLUMN flag_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.flags_flag_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: history_backfill; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.history_backfill (
    nct_id text NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    queued_at timestamp with time zone DEFAULT now() NOT NULL,
    listed_at timestamp with time zone,
    finished_at timestamp with time zone,
    versions_listed integer,
    anchor_version integer,
    versions_stored integer DEFAULT 0 NOT NULL,
    versions_skipped integer DEFAULT 0 NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    CONSTRAINT history_backfill_anchor_version_check CHECK ((anchor_version >= 0)),
    CONSTRAINT history_backfill_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT history_backfill_check CHECK ((((state = 'pending'::text) = (versions_listed IS NULL)) OR (state = 'failed'::text))),
    CONSTRAINT history_backfill_check1 CHECK (((state = ANY (ARRAY['done'::text, 'failed'::text])) = (finished_at IS NOT NULL))),
    CONSTRAINT history_backfill_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'listed'::text, 'done'::text, 'failed'::text]))),
    CONSTRAINT history_backfill_versions_listed_check CHECK ((versions_listed >= 1)),
    CONSTRAINT history_backfill_versions_skipped_check CHECK ((versions_skipped >= 0)),
    CONSTRAINT history_backfill_versions_stored_check CHECK ((versions_stored >= 0))
);


--
-- Name: history_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.history_changes (
    nct_id text NOT NULL,
    registry_version integer NOT NULL,
    registry_date text NOT NULL,
    overall_status text,
    module_labels text[] DEFAULT '{}'::text[] NOT NULL,
    CONSTRAINT history_changes_registry_date_check CHECK ((registry_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'::text)),
    CONSTRAINT history_changes_registry_version_check CHECK ((registry_version >= 0))
);


--
-- Name: history_staged; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.history_staged (
    nct_id text NOT NULL,
    registry_version integer NOT NULL,
    study text NOT NULL,
    fetched_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE ONLY public.history_staged ALTER COLUMN study SET COMPRESSION lz4;


--
-- Name: match_outbox; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.match_outbox (
    alert_id bigint NOT NULL,
    search text NOT NULL,
    nct_id text NOT NULL,
    sink text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_attempt_at timestamp with time zone,
    last_error text,
    delivered_at timestamp with time zone,
    CONSTRAINT match_outbox_sink_check CHECK ((sink = ANY (ARRAY['stdout'::text, 'webhook'::text, 'notify'::text])))
);


--
-- Name: match_outbox_alert_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.match_outbox ALTER COLUMN alert_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.match_outbox_alert_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: pages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pages (
    page_id bigint NOT NULL,
    path text NOT NULL,
    content_hash text,
    page_date text,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    last_scanned_at timestamp with time zone,
    claims_hash text,
    skipped_since timestamp with time zone,
    skip_reason text,
    rooted boolean DEFAULT true NOT NULL
);


--
-- Name: COLUMN pages.path; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pages.path IS 'The page''s path relative to [pages] root (an absolute path for a page outside it); its identity.';


--
-- Name: COLUMN pages.last_scanned_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pages.last_scanned_at IS 'When the page''s claims were last stored from new content (an unchanged page is not rewritten).';


--
-- Name: COLUMN pages.rooted; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.pages.rooted IS 'false for a row stored before migration 0009, whose path is as the walk met it; the next cycle renames it to its path under the root.';


--
-- Name: pages_page_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.pages ALTER COLUMN page_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.pages_page_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: trials; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trials (
    nct_id text NOT NULL,
    tracked boolean DEFAULT true NOT NULL,
    source text DEFAULT 'config'::text NOT NULL,
    tracked_since timestamp with time zone DEFAULT now() NOT NULL,
    current_nct_id text,
    registry_state text DEFAULT 'unknown'::text NOT NULL,
    current_version_id bigint,
    missing_since timestamp with time zone,
    registry_answer text,
    registry_checked_at timestamp with time zone,
    CONSTRAINT trials_current_nct_id_check CHECK ((current_nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT trials_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT trials_registry_state_check CHECK ((registry_state = ANY (ARRAY['unknown'::text, 'present'::text, 'not_found'::text]))),
    CONSTRAINT trials_source_check CHECK ((source = ANY (ARRAY['config'::text, 'pages'::text, 'alias'::text, 'search'::text])))
);


--
-- Name: COLUMN trials.registry_answer; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials.registry_answer IS 'While registry_state is not_found: the registry''s answer, e.g. "NCT number NCT01234560 not found".';


--
-- Name: COLUMN trials.registry_checked_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials.registry_checked_at IS 'When the registry last answered that it does not know this ID.';


--
-- Name: results_due; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.results_due AS
 SELECT t.nct_id,
    f.primary_completion_date,
    f.primary_completion_date_type,
    f.primary_completion_date_precision,
    j.due_by,
    j.submitted AS results_first_submitted_date,
    j.submitted_precision AS results_first_submitted_date_precision,
        CASE s.state
            WHEN 'reported late'::text THEN (j.submitted - j.due_by)
            WHEN 'reported on time'::text THEN 0
            WHEN 'overdue'::text THEN (d.today - j.due_by)
            ELSE NULL::integer
        END AS days_late,
    s.state,
        CASE a.rule
            WHEN 1 THEN 'no registry record is stored yet'::text
            WHEN 2 THEN 'the record gives no study type'::text
            WHEN 3 THEN (('not an interventional study ('::text || f.study_type) || ')'::text)
            WHEN 4 THEN 'withdrawn before enrolling its first participant'::text
            WHEN 5 THEN 'the record gives no phase'::text
            WHEN 6 THEN (('a phase 1 trial ('::text || array_to_string(f.phases, '/'::text)) || ')'::text)
            WHEN 7 THEN 'a device feasibility study'::text
            WHEN 8 THEN 'studies no FDA-regulated drug or device'::text
            WHEN 9 THEN 'the record does not say whether it studies an FDA-regulated drug or device'::text
            WHEN 10 THEN 'the record gives no primary completion date'::text
            WHEN 11 THEN 'primary completion before 2017-01-18, when the FDAAA 801 Final Rule took effect'::text
            ELSE (((((('applicable: interventional, '::text || array_to_string(f.phases, '/'::text)) || ', FDA-regulated '::text) ||
            CASE
                WHEN (f.is_fda_regulated_drug AND f.is_fda_regulated_device) THEN 'drug and device'::text
                WHEN f.is_fda_regulated_drug THEN 'drug'::text
                ELSE 'device'::text
            END) || '; due '::text) ||
            CASE
                WHEN j.extended THEN (('3 years after primary completion (certificate of delay submitted '::text || f.disposition_first_submitted_date) || ')'::text)
                ELSE '12 months after primary completion'::text
            END) ||
            CASE
                WHEN ((j.submitted IS NULL) AND (f.has_results OR (f.results_first_posted_date IS NOT NULL))) THEN '; results are posted but the record gives no submission date'::text
                WHEN ((j.submitted IS NULL) AND (d.today > j.due_by) AND (f.primary_completion_date_type IS DISTINCT FROM 'ACTUAL'::text)) THEN (('; the primary completion date is '::text || COALESCE(lower(f.primary_completion_date_type), 'not marked actual'::text)) || ' and has passed: the record does not say when the trial completed'::text)
                WHEN ((f.results_first_submitted_date IS NULL) AND (f.pending_results_submitted_date IS NOT NULL)) THEN '; results submitted, in quality-control review, not posted yet'::text
                ELSE ''::text
            END)
        END AS reason
   FROM ((((((public.trials t
     LEFT JOIN public.version_facts f ON ((f.version_id = t.current_version_id)))
     CROSS JOIN ( SELECT COALESCE((NULLIF(current_setting('ctmirror.today'::text, true), ''::text))::date, CURRENT_DATE) AS today
         OFFSET 0) d)
     CROSS JOIN LATERAL ( SELECT
                CASE f.primary_completion_date_precision
                    WHEN 'month'::text THEN ((f.primary_completion_date + '1 mon -1 days'::interval))::date
                    WHEN 'year'::text THEN ((f.primary_completion_date + '1 year -1 days'::interval))::date
                    ELSE f.primary_completion_date
                END AS completed) c)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (f.version_id IS NULL) THEN 1
                    WHEN (f.study_type IS NULL) THEN 2
                    WHEN (f.study_type <> 'INTERVENTIONAL'::text) THEN 3
                    WHEN (f.overall_status = 'WITHDRAWN'::text) THEN 4
                    WHEN ((f.phases IS NULL) OR (cardinality(f.phases) = 0)) THEN 5
                    WHEN (f.phases <@ ARRAY['EARLY_PHASE1'::text, 'PHASE1'::text]) THEN 6
                    WHEN (f.primary_purpose = 'DEVICE_FEASIBILITY'::text) THEN 7
                    WHEN (f.is_fda_regulated_drug OR f.is_fda_regulated_device) THEN
                    CASE
                        WHEN (f.primary_completion_date IS NULL) THEN 10
                        WHEN (c.completed < '2017-01-18'::date) THEN 11
                        ELSE 0
                    END
                    WHEN ((f.is_fda_regulated_drug IS NOT NULL) AND (f.is_fda_regulated_device IS NOT NULL)) THEN 8
                    ELSE 9
                END AS rule) a)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (a.rule = 0) THEN
                    CASE
                        WHEN x.extended THEN ((c.completed + '3 years'::interval))::date
                        ELSE ((c.completed + '1 year'::interval))::date
                    END
                    ELSE NULL::date
                END AS due_by,
            ((a.rule = 0) AND x.extended) AS extended,
                CASE
                    WHEN (a.rule = 0) THEN COALESCE(f.results_first_submitted_date, f.pending_results_submitted_date)
                    ELSE NULL::date
                END AS submitted,
                CASE
                    WHEN (a.rule <> 0) THEN NULL::text
                    WHEN (f.results_first_submitted_date IS NOT NULL) THEN f.results_first_submitted_date_precision
                    WHEN (f.pending_results_submitted_date IS NOT NULL) THEN 'day'::text
                    ELSE NULL::text
                END AS submitted_precision
           FROM ( SELECT COALESCE((f.disposition_first_submitted_date <= ((c.completed + '1 year'::interval))::date), false) AS extended) x) j)
     CROSS JOIN LATERAL ( SELECT
                CASE
                    WHEN (a.rule = ANY (ARRAY[3, 4, 6, 7, 8, 11])) THEN 'not applicable'::text
                    WHEN (a.rule <> 0) THEN 'unknown'::text
                    WHEN (j.submitted IS NOT NULL) THEN
                    CASE
                        WHEN (j.submitted <= j.due_by) THEN 'reported on time'::text
                        ELSE 'reported late'::text
                    END
                    WHEN (f.has_results OR (f.results_first_posted_date IS NOT NULL)) THEN 'unknown'::text
                    WHEN (d.today <= j.due_by) THEN 'not due yet'::text
                    WHEN (f.primary_completion_date_type = 'ACTUAL'::text) THEN 'overdue'::text
                    ELSE 'unknown'::text
                END AS state) s)
  WHERE t.tracked;


--
-- Name: VIEW results_due; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.results_due IS 'One row per tracked trial: were its results due under FDAAA 801 (42 U.S.C. 282(j)), and reported on time? As the FDAAA TrialsTracker judges it, from the current version. Applicable: an interventional study, not withdrawn, of phase 1/2 to 4 or NA (not phase 1 or early phase 1), not a device feasibility study, of an FDA-regulated drug or device (oversightModule.isFdaRegulatedDrug/Device), with primary completion on or after 2017-01-18. Results are due 12 months after primary completion (a month-only date counts as the month''s last day), 3 years with a certificate of delay submitted within those 12 months.';


--
-- Name: COLUMN results_due.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN results_due.primary_completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.primary_completion_date IS 'The primary completion date (a month-only date as its first day: see primary_completion_date_precision).';


--
-- Name: COLUMN results_due.primary_completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.primary_completion_date_type IS 'ACTUAL or ESTIMATED: results fall due only after an actual primary completion.';


--
-- Name: COLUMN results_due.primary_completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.primary_completion_date_precision IS 'day, month or year; a month or year alone counts as its last day for due_by.';


--
-- Name: COLUMN results_due.due_by; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.due_by IS 'The day results are due (a day), for applicable trials; with an estimated primary completion, when they would be due; NULL when not applicable or unknown.';


--
-- Name: COLUMN results_due.results_first_submitted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.results_first_submitted_date IS 'When results were first submitted: resultsFirstSubmitDate once posted, else the first submission of the current cycle still in quality-control review (unpostedAnnotation, as the TrialsTracker counts QC submissions); applicable trials only.';


--
-- Name: COLUMN results_due.results_first_submitted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.results_first_submitted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN results_due.days_late; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.days_late IS 'reported late: days from due_by to submission; reported on time: 0; overdue: days from due_by to today; else NULL.';


--
-- Name: COLUMN results_due.state; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.state IS 'not due yet, reported on time, reported late, overdue, not applicable, or unknown when the record cannot say (no FDA-regulated flags, no study type, phase or primary completion date, an estimated primary completion that has passed, results posted without a submission date): never a guess. Today is current_date, or the setting ctmirror.today (SET ctmirror.today = ''2026-01-01'').';


--
-- Name: COLUMN results_due.reason; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.results_due.reason IS 'Why, in words: which rule made the trial applicable or not, or what the record lacks.';


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: search_matches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.search_matches (
    search text NOT NULL,
    nct_id text NOT NULL,
    matching boolean DEFAULT true NOT NULL,
    first_matched_at timestamp with time zone DEFAULT now() NOT NULL,
    changed_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: searches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.searches (
    name text NOT NULL,
    query text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    baseline boolean DEFAULT false NOT NULL,
    listed_at timestamp with time zone,
    matching integer DEFAULT 0 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    query_since timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT searches_name_check CHECK ((name ~ '^[A-Za-z0-9_-]{1,40}$'::text))
);


--
-- Name: stale_claims; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.stale_claims AS
 SELECT f.flag_id,
    p.path AS page,
    f.line,
    f.nct_id,
    f.claim_kind,
    f.claim_text,
    public.registry_date(f.as_of) AS as_of,
    f.rule,
    f.severity,
    f.evidence,
    f.raised_at,
    f.resolved_at,
    f.acked_at,
    f.acked_by,
    f.ack_reason
   FROM (public.flags f
     JOIN public.pages p ON ((p.page_id = f.page_id)));


--
-- Name: VIEW stale_claims; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.stale_claims IS 'Page claims the registry contradicts (severity stale) or that need a fresh look (recheck); open flags have resolved_at NULL, silenced ones acked_at set.';


--
-- Name: COLUMN stale_claims.flag_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.flag_id IS 'Flag identifier; `ctmirror ack ID` silences it.';


--
-- Name: COLUMN stale_claims.page; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.page IS 'Path of the page that makes the claim, relative to [pages] root.';


--
-- Name: COLUMN stale_claims.line; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.line IS 'Line of the claim on the page (1-based).';


--
-- Name: COLUMN stale_claims.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.nct_id IS 'The trial the claim is about.';


--
-- Name: COLUMN stale_claims.claim_kind; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.claim_kind IS 'results-pending, publication-pending, status or mention.';


--
-- Name: COLUMN stale_claims.claim_text; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.claim_text IS 'Excerpt of the page around the claim (at most 200 bytes).';


--
-- Name: COLUMN stale_claims.as_of; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.as_of IS 'The date the claim was made as of, NULL if unknown (a date; text before schema 0009). The page gives a day or a month; a month counts as its first day.';


--
-- Name: COLUMN stale_claims.rule; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.rule IS 'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, ...';


--
-- Name: COLUMN stale_claims.severity; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.severity IS 'stale: the registry contradicts the claim; recheck: the claim should be looked at again.';


--
-- Name: COLUMN stale_claims.evidence; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.evidence IS 'What the registry shows, in words, with the registry link.';


--
-- Name: COLUMN stale_claims.raised_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.raised_at IS 'When the flag was raised.';


--
-- Name: COLUMN stale_claims.resolved_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.resolved_at IS 'When the page stopped making the claim or the registry stopped contradicting it; NULL while open.';


--
-- Name: COLUMN stale_claims.acked_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.acked_at IS 'When `ctmirror ack` silenced the flag; NULL unless acknowledged.';


--
-- Name: COLUMN stale_claims.acked_by; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.acked_by IS 'Who acknowledged it: the login that ran `ctmirror ack`.';


--
-- Name: COLUMN stale_claims.ack_reason; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.ack_reason IS 'Why, as given with `ctmirror ack --reason`; NULL if none was given.';


--
-- Name: study_changes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.study_changes (
    change_id bigint NOT NULL,
    nct_id text NOT NULL,
    version_id bigint NOT NULL,
    prev_version_id bigint NOT NULL,
    path text NOT NULL,
    change_class text NOT NULL,
    old_value jsonb,
    new_value jsonb,
    registry_updated text,
    detected_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT study_changes_change_class_check CHECK ((change_class = ANY (ARRAY['status'::text, 'results'::text, 'references'::text, 'dates'::text, 'other'::text]))),
    CONSTRAINT study_changes_check CHECK (((old_value IS NOT NULL) OR (new_value IS NOT NULL)))
);


--
-- Name: status_changes; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.status_changes AS
 SELECT c.nct_id,
    (c.old_value #>> '{}'::text[]) AS old_status,
    (c.new_value #>> '{}'::text[]) AS new_status,
    public.registry_date(c.registry_updated) AS registry_updated,
    c.detected_at
   FROM public.study_changes c
  WHERE (c.path = '/protocolSection/statusModule/overallStatus'::text);


--
-- Name: VIEW status_changes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.status_changes IS 'Every change of a trial''s overallStatus ctmirror saw, old and new status as text: trial_changes where field is /protocolSection/statusModule/overallStatus.';


--
-- Name: COLUMN status_changes.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.status_changes.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN status_changes.old_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.status_changes.old_status IS 'overallStatus before the change (RECRUITING, ...), NULL if the record had none.';


--
-- Name: COLUMN status_changes.new_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.status_changes.new_status IS 'overallStatus after the change (COMPLETED, ...).';


--
-- Name: COLUMN status_changes.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.status_changes.registry_updated IS 'The registry''s date of the change: the lastUpdatePostDate of the version that carries it.';


--
-- Name: COLUMN status_changes.detected_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.status_changes.detected_at IS 'When ctmirror stored the change.';


--
-- Name: study_changes_change_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.study_changes ALTER COLUMN change_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.study_changes_change_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: study_versions_version_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.study_versions ALTER COLUMN version_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.study_versions_version_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: sync_errors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sync_errors (
    run_id bigint NOT NULL,
    nct_id text NOT NULL,
    stage text NOT NULL,
    message text NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT sync_errors_stage_check CHECK ((stage = ANY (ARRAY['probe'::text, 'fetch'::text, 'parse'::text, 'store'::text, 'pages'::text, 'search'::text])))
);


--
-- Name: sync_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.sync_runs (
    run_id bigint NOT NULL,
    mode text NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    status text DEFAULT 'running'::text NOT NULL,
    trials_tracked integer DEFAULT 0 NOT NULL,
    trials_probed integer DEFAULT 0 NOT NULL,
    trials_fetched integer DEFAULT 0 NOT NULL,
    versions_stored integer DEFAULT 0 NOT NULL,
    changes_stored integer DEFAULT 0 NOT NULL,
    requests integer DEFAULT 0 NOT NULL,
    pages_scanned integer DEFAULT 0 NOT NULL,
    flags_raised integer DEFAULT 0 NOT NULL,
    flags_resolved integer DEFAULT 0 NOT NULL,
    errors integer DEFAULT 0 NOT NULL,
    error_text text,
    registry_build text,
    tracked_digest text,
    pages_skipped integer DEFAULT 0 NOT NULL,
    last_progress_at timestamp with time zone,
    CONSTRAINT sync_runs_check CHECK (((finished_at IS NULL) OR (finished_at >= started_at))),
    CONSTRAINT sync_runs_check1 CHECK (((status = 'running'::text) = (finished_at IS NULL))),
    CONSTRAINT sync_runs_mode_check CHECK ((mode = ANY (ARRAY['sync'::text, 'run'::text, 'scan'::text]))),
    CONSTRAINT sync_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'ok'::text, 'partial'::text, 'failed'::text])))
);


--
-- Name: COLUMN sync_runs.registry_build; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_runs.registry_build IS 'The registry''s data build the run saw (GET /version dataTimestamp), NULL if it gave none.';


--
-- Name: COLUMN sync_runs.tracked_digest; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.sync_runs.tracked_digest IS 'Digest of the tracked NCT IDs at the run''s start (to tell an unchanged tracked set).';


--
-- Name: sync_runs_run_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.sync_runs ALTER COLUMN run_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.sync_runs_run_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: trial_aliases; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.trial_aliases (
    alias_nct_id text NOT NULL,
    nct_id text NOT NULL,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT trial_aliases_alias_nct_id_check CHECK ((alias_nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT trial_aliases_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text))
);


--
-- Name: trial_changes; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_changes AS
 SELECT c.nct_id,
    c.path AS field,
    c.change_class,
    c.old_value,
    c.new_value,
    public.registry_date(c.registry_updated) AS registry_updated,
    c.detected_at
   FROM public.study_changes c;


--
-- Name: VIEW trial_changes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_changes IS 'Every field-level change ctmirror saw between consecutive registry versions of a trial; status_changes has the status changes as text.';


--
-- Name: COLUMN trial_changes.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_changes.field; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.field IS 'RFC 6901 JSON pointer of the changed field in the API v2 record.';


--
-- Name: COLUMN trial_changes.change_class; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.change_class IS 'status, results, references, dates or other.';


--
-- Name: COLUMN trial_changes.old_value; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.old_value IS 'Value before the change (JSON), NULL if the field was absent.';


--
-- Name: COLUMN trial_changes.new_value; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.new_value IS 'Value after the change (JSON), NULL if the field was removed.';


--
-- Name: COLUMN trial_changes.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.registry_updated IS 'The registry''s lastUpdatePostDate of the version that carries the change (a date; text before schema 0009).';


--
-- Name: COLUMN trial_changes.detected_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.detected_at IS 'When ctmirror stored the change.';


--
-- Name: version_conditions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_conditions (
    version_id bigint NOT NULL,
    name text,
    mesh_term text
);


--
-- Name: TABLE version_conditions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_conditions IS 'Per stored version, a row per condition (paired with its MeSH term) or unmatched MeSH term; see trial_conditions.';


--
-- Name: trial_conditions; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_conditions AS
 SELECT t.nct_id,
    x.name,
    x.mesh_term
   FROM (public.trials t
     JOIN public.version_conditions x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_conditions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_conditions IS 'One row per condition of the current version of each tracked trial (conditionsModule.conditions), paired with the MeSH term the registry derived for it when their words are the same (case aside); a MeSH term that matches no condition has a row of its own. AACT: conditions, browse_conditions (mesh-list).';


--
-- Name: COLUMN trial_conditions.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions.nct_id IS 'ClinicalTrials.gov identifier (NCT + 8 digits).';


--
-- Name: COLUMN trial_conditions.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions.name IS 'The condition as the registry lists it; NULL on a row of a MeSH term that matches no condition. AACT conditions.name.';


--
-- Name: COLUMN trial_conditions.mesh_term; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions.mesh_term IS 'The MeSH term the registry derived that is this condition (derivedSection.conditionBrowseModule.meshes[].term), else NULL. AACT browse_conditions.mesh_term.';


--
-- Name: trial_conditions_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_conditions_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    x.name,
    x.mesh_term
   FROM ((public.study_versions v
     JOIN public.version_facts f ON ((f.version_id = v.version_id)))
     JOIN public.version_conditions x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_conditions_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_conditions_history IS 'Like trial_conditions, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_conditions_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions_history.nct_id IS 'ClinicalTrials.gov identifier (NCT + 8 digits).';


--
-- Name: COLUMN trial_conditions_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_conditions_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_conditions_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_conditions_history.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions_history.name IS 'The condition as the registry lists it; NULL on a row of a MeSH term that matches no condition. AACT conditions.name.';


--
-- Name: COLUMN trial_conditions_history.mesh_term; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_conditions_history.mesh_term IS 'The MeSH term the registry derived that is this condition (derivedSection.conditionBrowseModule.meshes[].term), else NULL. AACT browse_conditions.mesh_term.';


--
-- Name: trial_dates; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_dates AS
 SELECT t.nct_id,
    x.study_first_posted_date,
    x.study_first_posted_date_type,
    x.study_first_posted_date_precision,
    x.start_date,
    x.start_date_type,
    x.start_date_precision,
    x.primary_completion_date,
    x.primary_completion_date_type,
    x.primary_completion_date_precision,
    x.completion_date,
    x.completion_date_type,
    x.completion_date_precision,
    x.results_first_submitted_date,
    x.results_first_submitted_date_precision,
    x.results_first_posted_date,
    x.results_first_posted_date_type,
    x.results_first_posted_date_precision,
    x.disposition_first_submitted_date,
    x.disposition_first_submitted_date_precision,
    x.last_update_posted_date,
    x.last_update_posted_date_type,
    x.last_update_posted_date_precision
   FROM (public.trials t
     JOIN public.version_facts x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_dates; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_dates IS 'One row per tracked trial: the dates of its current version (statusModule). Each date is a date: a month-only registry date (2024-05) is its first day and its _precision says month; _type is ACTUAL or ESTIMATED where the registry gives one. AACT: studies.*_date, *_date_type.';


--
-- Name: COLUMN trial_dates.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_dates.study_first_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.study_first_posted_date IS 'When the registry first posted the record. AACT studies.study_first_posted_date.';


--
-- Name: COLUMN trial_dates.study_first_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.study_first_posted_date_type IS 'ACTUAL or ESTIMATED (older records).';


--
-- Name: COLUMN trial_dates.study_first_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.study_first_posted_date_precision IS 'day, month or year: how much of the date the registry gave.';


--
-- Name: COLUMN trial_dates.start_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.start_date IS 'When the first participant enrolled (actual) or is expected to. AACT studies.start_date.';


--
-- Name: COLUMN trial_dates.start_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.start_date_type IS 'ACTUAL or ESTIMATED; NULL when the registry gives no type (older records).';


--
-- Name: COLUMN trial_dates.start_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.start_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates.primary_completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.primary_completion_date IS 'When the last participant was (or is expected to be) examined for the primary outcome. AACT studies.primary_completion_date (which makes a month-only date the month''s last day).';


--
-- Name: COLUMN trial_dates.primary_completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.primary_completion_date_type IS 'ACTUAL or ESTIMATED. AACT studies.primary_completion_date_type.';


--
-- Name: COLUMN trial_dates.primary_completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.primary_completion_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates.completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.completion_date IS 'When the trial ended or is expected to. AACT studies.completion_date.';


--
-- Name: COLUMN trial_dates.completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.completion_date_type IS 'ACTUAL or ESTIMATED.';


--
-- Name: COLUMN trial_dates.completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.completion_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates.results_first_submitted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.results_first_submitted_date IS 'When results were first submitted, as the registry states once they are posted (statusModule.resultsFirstSubmitDate); results still in quality-control review are in results_due. AACT studies.results_first_submitted_date.';


--
-- Name: COLUMN trial_dates.results_first_submitted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.results_first_submitted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates.results_first_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.results_first_posted_date IS 'When results were first posted on ClinicalTrials.gov. AACT studies.results_first_posted_date.';


--
-- Name: COLUMN trial_dates.results_first_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.results_first_posted_date_type IS 'ACTUAL or ESTIMATED.';


--
-- Name: COLUMN trial_dates.results_first_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.results_first_posted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates.disposition_first_submitted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.disposition_first_submitted_date IS 'When a certificate of delay was first submitted (dispFirstSubmitDate), NULL if none. AACT studies.disposition_first_submitted_date.';


--
-- Name: COLUMN trial_dates.disposition_first_submitted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.disposition_first_submitted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates.last_update_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.last_update_posted_date IS 'When the registry last posted a change to the record. AACT studies.last_update_posted_date.';


--
-- Name: COLUMN trial_dates.last_update_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.last_update_posted_date_type IS 'ACTUAL or ESTIMATED.';


--
-- Name: COLUMN trial_dates.last_update_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates.last_update_posted_date_precision IS 'day, month or year.';


--
-- Name: trial_dates_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_dates_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    x.last_update_posted_date AS registry_updated,
    x.study_first_posted_date,
    x.study_first_posted_date_type,
    x.study_first_posted_date_precision,
    x.start_date,
    x.start_date_type,
    x.start_date_precision,
    x.primary_completion_date,
    x.primary_completion_date_type,
    x.primary_completion_date_precision,
    x.completion_date,
    x.completion_date_type,
    x.completion_date_precision,
    x.results_first_submitted_date,
    x.results_first_submitted_date_precision,
    x.results_first_posted_date,
    x.results_first_posted_date_type,
    x.results_first_posted_date_precision,
    x.disposition_first_submitted_date,
    x.disposition_first_submitted_date_precision,
    x.last_update_posted_date,
    x.last_update_posted_date_type,
    x.last_update_posted_date_precision
   FROM (public.study_versions v
     JOIN public.version_facts x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_dates_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_dates_history IS 'Like trial_dates, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_dates_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_dates_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_dates_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_dates_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_dates_history.study_first_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.study_first_posted_date IS 'When the registry first posted the record. AACT studies.study_first_posted_date.';


--
-- Name: COLUMN trial_dates_history.study_first_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.study_first_posted_date_type IS 'ACTUAL or ESTIMATED (older records).';


--
-- Name: COLUMN trial_dates_history.study_first_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.study_first_posted_date_precision IS 'day, month or year: how much of the date the registry gave.';


--
-- Name: COLUMN trial_dates_history.start_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.start_date IS 'When the first participant enrolled (actual) or is expected to. AACT studies.start_date.';


--
-- Name: COLUMN trial_dates_history.start_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.start_date_type IS 'ACTUAL or ESTIMATED; NULL when the registry gives no type (older records).';


--
-- Name: COLUMN trial_dates_history.start_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.start_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates_history.primary_completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.primary_completion_date IS 'When the last participant was (or is expected to be) examined for the primary outcome. AACT studies.primary_completion_date (which makes a month-only date the month''s last day).';


--
-- Name: COLUMN trial_dates_history.primary_completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.primary_completion_date_type IS 'ACTUAL or ESTIMATED. AACT studies.primary_completion_date_type.';


--
-- Name: COLUMN trial_dates_history.primary_completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.primary_completion_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates_history.completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.completion_date IS 'When the trial ended or is expected to. AACT studies.completion_date.';


--
-- Name: COLUMN trial_dates_history.completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.completion_date_type IS 'ACTUAL or ESTIMATED.';


--
-- Name: COLUMN trial_dates_history.completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.completion_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates_history.results_first_submitted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.results_first_submitted_date IS 'When results were first submitted, as the registry states once they are posted (statusModule.resultsFirstSubmitDate); results still in quality-control review are in results_due. AACT studies.results_first_submitted_date.';


--
-- Name: COLUMN trial_dates_history.results_first_submitted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.results_first_submitted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates_history.results_first_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.results_first_posted_date IS 'When results were first posted on ClinicalTrials.gov. AACT studies.results_first_posted_date.';


--
-- Name: COLUMN trial_dates_history.results_first_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.results_first_posted_date_type IS 'ACTUAL or ESTIMATED.';


--
-- Name: COLUMN trial_dates_history.results_first_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.results_first_posted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates_history.disposition_first_submitted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.disposition_first_submitted_date IS 'When a certificate of delay was first submitted (dispFirstSubmitDate), NULL if none. AACT studies.disposition_first_submitted_date.';


--
-- Name: COLUMN trial_dates_history.disposition_first_submitted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.disposition_first_submitted_date_precision IS 'day, month or year.';


--
-- Name: COLUMN trial_dates_history.last_update_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.last_update_posted_date IS 'When the registry last posted a change to the record. AACT studies.last_update_posted_date.';


--
-- Name: COLUMN trial_dates_history.last_update_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.last_update_posted_date_type IS 'ACTUAL or ESTIMATED.';


--
-- Name: COLUMN trial_dates_history.last_update_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_dates_history.last_update_posted_date_precision IS 'day, month or year.';


--
-- Name: trial_design; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_design AS
 SELECT t.nct_id,
    x.study_type,
    NULLIF(array_to_string(x.phases, '/'::text), ''::text) AS phase,
    x.phases,
    x.allocation,
    x.intervention_model,
    x.primary_purpose,
    x.masking,
    x.enrollment,
    x.enrollment_type,
    x.is_fda_regulated_drug,
    x.is_fda_regulated_device
   FROM (public.trials t
     JOIN public.version_facts x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_design; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_design IS 'One row per tracked trial: the design of its current version (designModule) and whether it studies an FDA-regulated product (oversightModule). AACT: studies, designs.';


--
-- Name: COLUMN trial_design.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_design.study_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.study_type IS 'INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS. AACT studies.study_type.';


--
-- Name: COLUMN trial_design.phase; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.phase IS 'The phases joined with /, e.g. PHASE1/PHASE2 or NA. AACT studies.phase.';


--
-- Name: COLUMN trial_design.phases; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.phases IS 'The phases as an array (EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4, NA): PHASE2 = ANY(phases).';


--
-- Name: COLUMN trial_design.allocation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.allocation IS 'RANDOMIZED, NON_RANDOMIZED or NA. AACT designs.allocation.';


--
-- Name: COLUMN trial_design.intervention_model; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.intervention_model IS 'SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL or SEQUENTIAL. AACT designs.intervention_model.';


--
-- Name: COLUMN trial_design.primary_purpose; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.primary_purpose IS 'TREATMENT, PREVENTION, DIAGNOSTIC, DEVICE_FEASIBILITY, ... AACT designs.primary_purpose.';


--
-- Name: COLUMN trial_design.masking; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.masking IS 'NONE, SINGLE, DOUBLE, TRIPLE or QUADRUPLE. AACT designs.masking.';


--
-- Name: COLUMN trial_design.enrollment; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.enrollment IS 'Number of participants, actual or estimated (enrollment_type). AACT studies.enrollment.';


--
-- Name: COLUMN trial_design.enrollment_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.enrollment_type IS 'ACTUAL or ESTIMATED. AACT studies.enrollment_type.';


--
-- Name: COLUMN trial_design.is_fda_regulated_drug; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.is_fda_regulated_drug IS 'oversightModule.isFdaRegulatedDrug; NULL when the record does not say (records from before 2017 often do not). AACT studies.is_fda_regulated_drug.';


--
-- Name: COLUMN trial_design.is_fda_regulated_device; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design.is_fda_regulated_device IS 'oversightModule.isFdaRegulatedDevice; NULL when the record does not say. AACT studies.is_fda_regulated_device.';


--
-- Name: trial_design_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_design_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    x.last_update_posted_date AS registry_updated,
    x.study_type,
    NULLIF(array_to_string(x.phases, '/'::text), ''::text) AS phase,
    x.phases,
    x.allocation,
    x.intervention_model,
    x.primary_purpose,
    x.masking,
    x.enrollment,
    x.enrollment_type,
    x.is_fda_regulated_drug,
    x.is_fda_regulated_device
   FROM (public.study_versions v
     JOIN public.version_facts x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_design_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_design_history IS 'Like trial_design, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_design_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_design_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_design_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_design_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_design_history.study_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.study_type IS 'INTERVENTIONAL, OBSERVATIONAL or EXPANDED_ACCESS. AACT studies.study_type.';


--
-- Name: COLUMN trial_design_history.phase; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.phase IS 'The phases joined with /, e.g. PHASE1/PHASE2 or NA. AACT studies.phase.';


--
-- Name: COLUMN trial_design_history.phases; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.phases IS 'The phases as an array (EARLY_PHASE1, PHASE1, PHASE2, PHASE3, PHASE4, NA): PHASE2 = ANY(phases).';


--
-- Name: COLUMN trial_design_history.allocation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.allocation IS 'RANDOMIZED, NON_RANDOMIZED or NA. AACT designs.allocation.';


--
-- Name: COLUMN trial_design_history.intervention_model; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.intervention_model IS 'SINGLE_GROUP, PARALLEL, CROSSOVER, FACTORIAL or SEQUENTIAL. AACT designs.intervention_model.';


--
-- Name: COLUMN trial_design_history.primary_purpose; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.primary_purpose IS 'TREATMENT, PREVENTION, DIAGNOSTIC, DEVICE_FEASIBILITY, ... AACT designs.primary_purpose.';


--
-- Name: COLUMN trial_design_history.masking; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.masking IS 'NONE, SINGLE, DOUBLE, TRIPLE or QUADRUPLE. AACT designs.masking.';


--
-- Name: COLUMN trial_design_history.enrollment; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.enrollment IS 'Number of participants, actual or estimated (enrollment_type). AACT studies.enrollment.';


--
-- Name: COLUMN trial_design_history.enrollment_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.enrollment_type IS 'ACTUAL or ESTIMATED. AACT studies.enrollment_type.';


--
-- Name: COLUMN trial_design_history.is_fda_regulated_drug; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.is_fda_regulated_drug IS 'oversightModule.isFdaRegulatedDrug; NULL when the record does not say (records from before 2017 often do not). AACT studies.is_fda_regulated_drug.';


--
-- Name: COLUMN trial_design_history.is_fda_regulated_device; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_design_history.is_fda_regulated_device IS 'oversightModule.isFdaRegulatedDevice; NULL when the record does not say. AACT studies.is_fda_regulated_device.';


--
-- Name: version_interventions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_interventions (
    version_id bigint NOT NULL,
    intervention_type text,
    name text,
    other_names text[]
);


--
-- Name: TABLE version_interventions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_interventions IS 'Per stored version, a row per intervention; see trial_interventions.';


--
-- Name: trial_interventions; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_interventions AS
 SELECT t.nct_id,
    x.intervention_type,
    x.name,
    x.other_names
   FROM (public.trials t
     JOIN public.version_interventions x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_interventions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_interventions IS 'One row per intervention of the current version of each tracked trial (armsInterventionsModule.interventions). AACT: interventions, intervention_other_names.';


--
-- Name: COLUMN trial_interventions.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_interventions.intervention_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions.intervention_type IS 'DRUG, DEVICE, BIOLOGICAL, PROCEDURE, RADIATION, BEHAVIORAL, GENETIC, DIETARY_SUPPLEMENT, COMBINATION_PRODUCT, DIAGNOSTIC_TEST or OTHER. AACT interventions.intervention_type.';


--
-- Name: COLUMN trial_interventions.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions.name IS 'The intervention''s name. AACT interventions.name.';


--
-- Name: COLUMN trial_interventions.other_names; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions.other_names IS 'Its other names (otherNames), empty when the registry lists none, NULL when the record has no such list. AACT intervention_other_names.name, one row each.';


--
-- Name: trial_interventions_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_interventions_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    x.intervention_type,
    x.name,
    x.other_names
   FROM ((public.study_versions v
     JOIN public.version_facts f ON ((f.version_id = v.version_id)))
     JOIN public.version_interventions x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_interventions_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_interventions_history IS 'Like trial_interventions, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_interventions_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_interventions_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_interventions_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_interventions_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_interventions_history.intervention_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.intervention_type IS 'DRUG, DEVICE, BIOLOGICAL, PROCEDURE, RADIATION, BEHAVIORAL, GENETIC, DIETARY_SUPPLEMENT, COMBINATION_PRODUCT, DIAGNOSTIC_TEST or OTHER. AACT interventions.intervention_type.';


--
-- Name: COLUMN trial_interventions_history.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.name IS 'The intervention''s name. AACT interventions.name.';


--
-- Name: COLUMN trial_interventions_history.other_names; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_interventions_history.other_names IS 'Its other names (otherNames), empty when the registry lists none, NULL when the record has no such list. AACT intervention_other_names.name, one row each.';


--
-- Name: version_outcomes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_outcomes (
    version_id bigint NOT NULL,
    outcome_type text NOT NULL,
    measure text,
    time_frame text
);


--
-- Name: TABLE version_outcomes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_outcomes IS 'Per stored version, a row per planned outcome measure; see trial_outcomes.';


--
-- Name: trial_outcomes; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_outcomes AS
 SELECT t.nct_id,
    x.outcome_type,
    x.measure,
    x.time_frame
   FROM (public.trials t
     JOIN public.version_outcomes x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_outcomes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_outcomes IS 'One row per planned outcome measure of the current version of each tracked trial (outcomesModule). AACT: design_outcomes.';


--
-- Name: COLUMN trial_outcomes.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_outcomes.outcome_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes.outcome_type IS 'primary, secondary or other. AACT design_outcomes.outcome_type.';


--
-- Name: COLUMN trial_outcomes.measure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes.measure IS 'What is measured. AACT design_outcomes.measure.';


--
-- Name: COLUMN trial_outcomes.time_frame; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes.time_frame IS 'When it is measured. AACT design_outcomes.time_frame.';


--
-- Name: trial_outcomes_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_outcomes_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    x.outcome_type,
    x.measure,
    x.time_frame
   FROM ((public.study_versions v
     JOIN public.version_facts f ON ((f.version_id = v.version_id)))
     JOIN public.version_outcomes x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_outcomes_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_outcomes_history IS 'Like trial_outcomes, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_outcomes_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_outcomes_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_outcomes_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_outcomes_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_outcomes_history.outcome_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.outcome_type IS 'primary, secondary or other. AACT design_outcomes.outcome_type.';


--
-- Name: COLUMN trial_outcomes_history.measure; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.measure IS 'What is measured. AACT design_outcomes.measure.';


--
-- Name: COLUMN trial_outcomes_history.time_frame; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_outcomes_history.time_frame IS 'When it is measured. AACT design_outcomes.time_frame.';


--
-- Name: version_references; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_references (
    version_id bigint NOT NULL,
    pmid text,
    reference_type text,
    citation text
);


--
-- Name: TABLE version_references; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_references IS 'Per stored version, a row per reference; see trial_references.';


--
-- Name: trial_references; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_references AS
 SELECT t.nct_id,
    x.pmid,
    x.reference_type,
    x.citation
   FROM (public.trials t
     JOIN public.version_references x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_references; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_references IS 'One row per reference of the current version of each tracked trial (referencesModule.references). AACT: study_references.';


--
-- Name: COLUMN trial_references.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_references.pmid; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references.pmid IS 'PubMed identifier, NULL when the reference has none. AACT study_references.pmid.';


--
-- Name: COLUMN trial_references.reference_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references.reference_type IS 'RESULT (a publication of the trial''s results), BACKGROUND or DERIVED (linked by the registry from PubMed). AACT study_references.reference_type.';


--
-- Name: COLUMN trial_references.citation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references.citation IS 'The citation text. AACT study_references.citation.';


--
-- Name: trial_references_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_references_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    x.pmid,
    x.reference_type,
    x.citation
   FROM ((public.study_versions v
     JOIN public.version_facts f ON ((f.version_id = v.version_id)))
     JOIN public.version_references x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_references_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_references_history IS 'Like trial_references, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_references_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_references_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_references_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_references_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_references_history.pmid; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.pmid IS 'PubMed identifier, NULL when the reference has none. AACT study_references.pmid.';


--
-- Name: COLUMN trial_references_history.reference_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.reference_type IS 'RESULT (a publication of the trial''s results), BACKGROUND or DERIVED (linked by the registry from PubMed). AACT study_references.reference_type.';


--
-- Name: COLUMN trial_references_history.citation; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_references_history.citation IS 'The citation text. AACT study_references.citation.';


--
-- Name: trial_searches; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_searches AS
 SELECT m.search,
    s.query,
    m.nct_id,
    m.matching,
    m.first_matched_at,
    m.changed_at
   FROM (public.search_matches m
     JOIN public.searches s ON ((s.name = m.search)))
  WHERE s.active;


--
-- Name: VIEW trial_searches; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_searches IS 'Which configured search ([tracking] search.NAME) matches which trial; a trial that stopped matching stays, with matching false.';


--
-- Name: COLUMN trial_searches.search; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_searches.search IS 'The search''s NAME.';


--
-- Name: COLUMN trial_searches.query; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_searches.query IS 'The API v2 query string the registry is asked with ('''' = every study).';


--
-- Name: COLUMN trial_searches.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_searches.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_searches.matching; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_searches.matching IS 'The search matched the trial at its last listing; false once it stopped.';


--
-- Name: COLUMN trial_searches.first_matched_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_searches.first_matched_at IS 'When the search first matched the trial.';


--
-- Name: COLUMN trial_searches.changed_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_searches.changed_at IS 'When the trial last began or stopped matching.';


--
-- Name: version_sites; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_sites (
    version_id bigint NOT NULL,
    name text,
    city text,
    state text,
    country text,
    status text
);


--
-- Name: TABLE version_sites; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_sites IS 'Per stored version, a row per location; see trial_sites.';


--
-- Name: trial_sites; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_sites AS
 SELECT t.nct_id,
    x.name,
    x.city,
    x.state,
    x.country,
    x.status
   FROM (public.trials t
     JOIN public.version_sites x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_sites; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_sites IS 'One row per location of the current version of each tracked trial (contactsLocationsModule.locations). AACT: facilities.';


--
-- Name: COLUMN trial_sites.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_sites.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites.name IS 'The facility''s name. AACT facilities.name.';


--
-- Name: COLUMN trial_sites.city; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites.city IS 'City. AACT facilities.city.';


--
-- Name: COLUMN trial_sites.state; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites.state IS 'State or region, where the registry gives one. AACT facilities.state.';


--
-- Name: COLUMN trial_sites.country; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites.country IS 'Country. AACT facilities.country.';


--
-- Name: COLUMN trial_sites.status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites.status IS 'The site''s recruitment status (RECRUITING, NOT_YET_RECRUITING, COMPLETED, WITHDRAWN, ...); the registry gives none once a trial has ended. AACT facilities.status.';


--
-- Name: trial_sites_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_sites_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    x.name,
    x.city,
    x.state,
    x.country,
    x.status
   FROM ((public.study_versions v
     JOIN public.version_facts f ON ((f.version_id = v.version_id)))
     JOIN public.version_sites x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_sites_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_sites_history IS 'Like trial_sites, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_sites_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_sites_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_sites_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_sites_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_sites_history.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.name IS 'The facility''s name. AACT facilities.name.';


--
-- Name: COLUMN trial_sites_history.city; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.city IS 'City. AACT facilities.city.';


--
-- Name: COLUMN trial_sites_history.state; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.state IS 'State or region, where the registry gives one. AACT facilities.state.';


--
-- Name: COLUMN trial_sites_history.country; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.country IS 'Country. AACT facilities.country.';


--
-- Name: COLUMN trial_sites_history.status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sites_history.status IS 'The site''s recruitment status (RECRUITING, NOT_YET_RECRUITING, COMPLETED, WITHDRAWN, ...); the registry gives none once a trial has ended. AACT facilities.status.';


--
-- Name: version_sponsors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.version_sponsors (
    version_id bigint NOT NULL,
    name text,
    agency_class text,
    lead_or_collaborator text NOT NULL
);


--
-- Name: TABLE version_sponsors; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.version_sponsors IS 'Per stored version, the lead sponsor and each collaborator; see trial_sponsors.';


--
-- Name: trial_sponsors; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_sponsors AS
 SELECT t.nct_id,
    x.name,
    x.agency_class,
    x.lead_or_collaborator
   FROM (public.trials t
     JOIN public.version_sponsors x ON ((x.version_id = t.current_version_id)))
  WHERE t.tracked;


--
-- Name: VIEW trial_sponsors; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_sponsors IS 'The lead sponsor and each collaborator of the current version of each tracked trial (sponsorCollaboratorsModule). AACT: sponsors.';


--
-- Name: COLUMN trial_sponsors.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_sponsors.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors.name IS 'The organisation''s name. AACT sponsors.name.';


--
-- Name: COLUMN trial_sponsors.agency_class; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors.agency_class IS 'INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER or UNKNOWN. AACT sponsors.agency_class.';


--
-- Name: COLUMN trial_sponsors.lead_or_collaborator; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors.lead_or_collaborator IS 'lead or collaborator. AACT sponsors.lead_or_collaborator.';


--
-- Name: trial_sponsors_history; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_sponsors_history AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    x.name,
    x.agency_class,
    x.lead_or_collaborator
   FROM ((public.study_versions v
     JOIN public.version_facts f ON ((f.version_id = v.version_id)))
     JOIN public.version_sponsors x ON ((x.version_id = v.version_id)));


--
-- Name: VIEW trial_sponsors_history; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_sponsors_history IS 'Like trial_sponsors, for every stored version of every trial, tracked or not: version_id, version_no and registry_updated say which version.';


--
-- Name: COLUMN trial_sponsors_history.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_sponsors_history.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.version_id IS 'The stored version (study_versions.version_id): joins the history views of one version.';


--
-- Name: COLUMN trial_sponsors_history.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.version_no IS 'The version (1, 2, ... per trial, in the order ctmirror stored them).';


--
-- Name: COLUMN trial_sponsors_history.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.registry_updated IS 'The registry''s last-update-posted date of that version.';


--
-- Name: COLUMN trial_sponsors_history.name; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.name IS 'The organisation''s name. AACT sponsors.name.';


--
-- Name: COLUMN trial_sponsors_history.agency_class; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.agency_class IS 'INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG, OTHER or UNKNOWN. AACT sponsors.agency_class.';


--
-- Name: COLUMN trial_sponsors_history.lead_or_collaborator; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_sponsors_history.lead_or_collaborator IS 'lead or collaborator. AACT sponsors.lead_or_collaborator.';


--
-- Name: trial_versions; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trial_versions AS
 SELECT v.nct_id,
    v.version_id,
    v.version_no,
    f.last_update_posted_date AS registry_updated,
    v.fetched_at,
    v.raw
   FROM (public.study_versions v
     LEFT JOIN public.version_facts f ON ((f.version_id = v.version_id)));


--
-- Name: VIEW trial_versions; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_versions IS 'Every registry version of every trial ctmirror stored, with its raw API v2 record (jsonb), for what the other views do not cover.';


--
-- Name: COLUMN trial_versions.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_versions.nct_id IS 'ClinicalTrials.gov identifier.';


--
-- Name: COLUMN trial_versions.version_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_versions.version_id IS 'The version''s identifier, as in the _history views.';


--
-- Name: COLUMN trial_versions.version_no; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_versions.version_no IS 'Its number among the trial''s stored versions, 1 for the first.';


--
-- Name: COLUMN trial_versions.registry_updated; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_versions.registry_updated IS 'The version''s lastUpdatePostDate.';


--
-- Name: COLUMN trial_versions.fetched_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_versions.fetched_at IS 'When ctmirror fetched it.';


--
-- Name: COLUMN trial_versions.raw; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_versions.raw IS 'The record as the registry sent it (API v2 JSON): raw #>> ''{protocolSection,statusModule,overallStatus}''.';


--
-- Name: trials_current; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trials_current AS
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
   FROM (((public.trials t
     LEFT JOIN public.study_versions v ON ((v.version_id = t.current_version_id)))
     LEFT JOIN public.version_facts f ON ((f.version_id = t.current_version_id)))
     LEFT JOIN LATERAL ( SELECT r.finished_at
           FROM public.sync_runs r
          WHERE ((r.status = ANY (ARRAY['ok'::text, 'partial'::text])) AND (r.finished_at >= t.tracked_since) AND (NOT (EXISTS ( SELECT 1
                   FROM public.sync_errors e
                  WHERE ((e.run_id = r.run_id) AND (e.nct_id = t.nct_id))))))
          ORDER BY r.run_id DESC
         LIMIT 1) chk ON (true))
  WHERE t.tracked;


--
-- Name: VIEW trials_current; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trials_current IS 'One row per tracked trial: its current registry state as last stored by ctmirror. Dates are dates (a month-only registry date is its first day) with _precision and _type, as AACT names them.';


--
-- Name: COLUMN trials_current.nct_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.nct_id IS 'ClinicalTrials.gov identifier (NCT + 8 digits).';


--
-- Name: COLUMN trials_current.acronym; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.acronym IS 'Registry acronym (identificationModule.acronym), NULL if none.';


--
-- Name: COLUMN trials_current.brief_title; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.brief_title IS 'Registry brief title.';


--
-- Name: COLUMN trials_current.overall_status; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.overall_status IS 'Registry overallStatus, e.g. RECRUITING, COMPLETED; NULL until first stored.';


--
-- Name: COLUMN trials_current.has_results; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.has_results IS 'Registry hasResults: results are posted on ClinicalTrials.gov.';


--
-- Name: COLUMN trials_current.results_first_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.results_first_posted_date IS 'When results were first posted (resultsFirstPostDateStruct.date), NULL if never. AACT studies.results_first_posted_date.';


--
-- Name: COLUMN trials_current.results_first_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.results_first_posted_date_type IS 'ACTUAL or ESTIMATED, as the registry marks results_first_posted_date.';


--
-- Name: COLUMN trials_current.results_first_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.results_first_posted_date_precision IS 'day, month or year: how much of results_first_posted_date the registry gave.';


--
-- Name: COLUMN trials_current.primary_completion_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.primary_completion_date IS 'primaryCompletionDateStruct.date, actual or estimated (primary_completion_date_type); a month-only date is its first day. AACT studies.primary_completion_date.';


--
-- Name: COLUMN trials_current.primary_completion_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.primary_completion_date_type IS 'ACTUAL or ESTIMATED. AACT studies.primary_completion_date_type.';


--
-- Name: COLUMN trials_current.primary_completion_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.primary_completion_date_precision IS 'day, month or year: how much of primary_completion_date the registry gave.';


--
-- Name: COLUMN trials_current.last_update_posted_date; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_update_posted_date IS 'When the registry last posted a change (lastUpdatePostDateStruct.date). AACT studies.last_update_posted_date.';


--
-- Name: COLUMN trials_current.last_update_posted_date_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_update_posted_date_type IS 'ACTUAL or ESTIMATED, as the registry marks last_update_posted_date.';


--
-- Name: COLUMN trials_current.last_update_posted_date_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_update_posted_date_precision IS 'day, month or year: how much of last_update_posted_date the registry gave.';


--
-- Name: COLUMN trials_current.last_checked_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_checked_at IS 'End of the last sync that checked this trial against the registry without error.';


--
-- Name: COLUMN trials_current.results_first_posted; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.results_first_posted IS 'DEPRECATED (text before schema 0009): the same as results_first_posted_date; read that instead.';


--
-- Name: COLUMN trials_current.primary_completion; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.primary_completion IS 'DEPRECATED (text, YYYY-MM or YYYY-MM-DD, before schema 0009): the same as primary_completion_date; read that and primary_completion_date_precision instead.';


--
-- Name: COLUMN trials_current.last_update_posted; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_update_posted IS 'DEPRECATED (text before schema 0009): the same as last_update_posted_date; read that instead.';


--
-- Name: alert_outbox alert_outbox_flag_id_sink_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_outbox
    ADD CONSTRAINT alert_outbox_flag_id_sink_key UNIQUE (flag_id, sink);


--
-- Name: alert_outbox alert_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_outbox
    ADD CONSTRAINT alert_outbox_pkey PRIMARY KEY (alert_id);


--
-- Name: claims claims_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims
    ADD CONSTRAINT claims_pkey PRIMARY KEY (claim_id);


--
-- Name: flags flags_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.flags
    ADD CONSTRAINT flags_pkey PRIMARY KEY (flag_id);


--
-- Name: history_backfill history_backfill_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history_backfill
    ADD CONSTRAINT history_backfill_pkey PRIMARY KEY (nct_id);


--
-- Name: history_changes history_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history_changes
    ADD CONSTRAINT history_changes_pkey PRIMARY KEY (nct_id, registry_version);


--
-- Name: history_staged history_staged_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history_staged
    ADD CONSTRAINT history_staged_pkey PRIMARY KEY (nct_id, registry_version);


--
-- Name: match_outbox match_outbox_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.match_outbox
    ADD CONSTRAINT match_outbox_pkey PRIMARY KEY (alert_id);


--
-- Name: match_outbox match_outbox_search_nct_id_sink_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.match_outbox
    ADD CONSTRAINT match_outbox_search_nct_id_sink_key UNIQUE (search, nct_id, sink);


--
-- Name: pages pages_path_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pages
    ADD CONSTRAINT pages_path_key UNIQUE (path);


--
-- Name: pages pages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.pages
    ADD CONSTRAINT pages_pkey PRIMARY KEY (page_id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: search_matches search_matches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_matches
    ADD CONSTRAINT search_matches_pkey PRIMARY KEY (search, nct_id);


--
-- Name: searches searches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.searches
    ADD CONSTRAINT searches_pkey PRIMARY KEY (name);


--
-- Name: study_changes study_changes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_changes
    ADD CONSTRAINT study_changes_pkey PRIMARY KEY (change_id);


--
-- Name: study_versions study_versions_nct_id_version_no_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_versions
    ADD CONSTRAINT study_versions_nct_id_version_no_key UNIQUE (nct_id, version_no) DEFERRABLE;


--
-- Name: study_versions study_versions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_versions
    ADD CONSTRAINT study_versions_pkey PRIMARY KEY (version_id);


--
-- Name: sync_errors sync_errors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_errors
    ADD CONSTRAINT sync_errors_pkey PRIMARY KEY (run_id, nct_id, stage);


--
-- Name: sync_runs sync_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_runs
    ADD CONSTRAINT sync_runs_pkey PRIMARY KEY (run_id);


--
-- Name: trial_aliases trial_aliases_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trial_aliases
    ADD CONSTRAINT trial_aliases_pkey PRIMARY KEY (alias_nct_id);


--
-- Name: trials trials_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials
    ADD CONSTRAINT trials_pkey PRIMARY KEY (nct_id);


--
-- Name: version_facts version_facts_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.version_facts
    ADD CONSTRAINT version_facts_pkey PRIMARY KEY (version_id);


--
-- Name: alert_outbox_delivered_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_outbox_delivered_idx ON public.alert_outbox USING btree (delivered_at) WHERE (delivered_at IS NOT NULL);


--
-- Name: alert_outbox_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX alert_outbox_pending_idx ON public.alert_outbox USING btree (sink) WHERE (delivered_at IS NULL);


--
-- Name: claims_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX claims_nct_idx ON public.claims USING btree (nct_id);


--
-- Name: claims_page_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX claims_page_idx ON public.claims USING btree (page_id);


--
-- Name: flags_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX flags_nct_idx ON public.flags USING btree (nct_id);


--
-- Name: flags_open_key; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX flags_open_key ON public.flags USING btree (page_id, nct_id, claim_kind, rule) WHERE (resolved_at IS NULL);


--
-- Name: flags_raised_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX flags_raised_idx ON public.flags USING btree (raised_at);


--
-- Name: history_backfill_open_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX history_backfill_open_idx ON public.history_backfill USING btree (state) WHERE (state = ANY (ARRAY['pending'::text, 'listed'::text]));


--
-- Name: match_outbox_delivered_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX match_outbox_delivered_idx ON public.match_outbox USING btree (delivered_at) WHERE (delivered_at IS NOT NULL);


--
-- Name: match_outbox_pending_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX match_outbox_pending_idx ON public.match_outbox USING btree (sink) WHERE (delivered_at IS NULL);


--
-- Name: search_matches_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX search_matches_nct_idx ON public.search_matches USING btree (nct_id);


--
-- Name: study_changes_class_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX study_changes_class_idx ON public.study_changes USING btree (change_class, detected_at);


--
-- Name: study_changes_detected_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX study_changes_detected_idx ON public.study_changes USING btree (detected_at);


--
-- Name: study_changes_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX study_changes_nct_idx ON public.study_changes USING btree (nct_id, detected_at);


--
-- Name: study_versions_fetched_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX study_versions_fetched_idx ON public.study_versions USING btree (fetched_at);


--
-- Name: study_versions_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX study_versions_nct_idx ON public.study_versions USING btree (nct_id, version_no DESC);


--
-- Name: study_versions_run_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX study_versions_run_idx ON public.study_versions USING btree (run_id);


--
-- Name: sync_errors_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_errors_nct_idx ON public.sync_errors USING btree (nct_id, run_id DESC);


--
-- Name: sync_runs_finished_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_runs_finished_idx ON public.sync_runs USING btree (finished_at);


--
-- Name: sync_runs_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_runs_status_idx ON public.sync_runs USING btree (status, run_id DESC);


--
-- Name: version_conditions_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX version_conditions_version_idx ON public.version_conditions USING btree (version_id);


--
-- Name: version_interventions_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX version_interventions_version_idx ON public.version_interventions USING btree (version_id);


--
-- Name: version_outcomes_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX version_outcomes_version_idx ON public.version_outcomes USING btree (version_id);


--
-- Name: version_references_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX version_references_version_idx ON public.version_references USING btree (version_id);


--
-- Name: version_sites_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX version_sites_version_idx ON public.version_sites USING btree (version_id);


--
-- Name: version_sponsors_version_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX version_sponsors_version_idx ON public.version_sponsors USING btree (version_id);


--
-- Name: study_versions study_versions_rows; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER study_versions_rows BEFORE INSERT ON public.study_versions FOR EACH ROW EXECUTE FUNCTION public.study_versions_rows();


--
-- Name: study_versions study_versions_rows_gone; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER study_versions_rows_gone AFTER DELETE ON public.study_versions REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION public.study_versions_rows_gone();


--
-- Name: study_versions study_versions_since; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER study_versions_since BEFORE INSERT ON public.study_versions FOR EACH ROW EXECUTE FUNCTION public.study_versions_since();


--
-- Name: alert_outbox alert_outbox_flag_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alert_outbox
    ADD CONSTRAINT alert_outbox_flag_id_fkey FOREIGN KEY (flag_id) REFERENCES public.flags(flag_id);


--
-- Name: claims claims_page_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.claims
    ADD CONSTRAINT claims_page_id_fkey FOREIGN KEY (page_id) REFERENCES public.pages(page_id);


--
-- Name: flags flags_page_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.flags
    ADD CONSTRAINT flags_page_id_fkey FOREIGN KEY (page_id) REFERENCES public.pages(page_id);


--
-- Name: history_backfill history_backfill_nct_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history_backfill
    ADD CONSTRAINT history_backfill_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.trials(nct_id);


--
-- Name: history_changes history_changes_nct_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history_changes
    ADD CONSTRAINT history_changes_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.history_backfill(nct_id);


--
-- Name: history_staged history_staged_nct_id_registry_version_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.history_staged
    ADD CONSTRAINT history_staged_nct_id_registry_version_fkey FOREIGN KEY (nct_id, registry_version) REFERENCES public.history_changes(nct_id, registry_version) ON DELETE CASCADE;


--
-- Name: match_outbox match_outbox_nct_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.match_outbox
    ADD CONSTRAINT match_outbox_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.trials(nct_id);


--
-- Name: match_outbox match_outbox_search_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.match_outbox
    ADD CONSTRAINT match_outbox_search_fkey FOREIGN KEY (search) REFERENCES public.searches(name);


--
-- Name: search_matches search_matches_nct_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_matches
    ADD CONSTRAINT search_matches_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.trials(nct_id);


--
-- Name: search_matches search_matches_search_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.search_matches
    ADD CONSTRAINT search_matches_search_fkey FOREIGN KEY (search) REFERENCES public.searches(name);


--
-- Name: study_changes study_changes_nct_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_changes
    ADD CONSTRAINT study_changes_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.trials(nct_id);


--
-- Name: study_changes study_changes_prev_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_changes
    ADD CONSTRAINT study_changes_prev_version_id_fkey FOREIGN KEY (prev_version_id) REFERENCES public.study_versions(version_id);


--
-- Name: study_changes study_changes_version_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_changes
    ADD CONSTRAINT study_changes_version_id_fkey FOREIGN KEY (version_id) REFERENCES public.study_versions(version_id);


--
-- Name: study_versions study_versions_nct_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_versions
    ADD CONSTRAINT study_versions_nct_id_fkey FOREIGN KEY (nct_id) REFERENCES public.trials(nct_id);


--
-- Name: study_versions study_versions_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.study_versions
    ADD CONSTRAINT study_versions_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.sync_runs(run_id);


--
-- Name: sync_errors sync_errors_run_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.sync_errors
    ADD CONSTRAINT sync_errors_run_id_fkey FOREIGN KEY (run_id) REFERENCES public.sync_runs(run_id);


--
-- Name: trials trials_current_version_fk; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.trials
    ADD CONSTRAINT trials_current_version_fk FOREIGN KEY (current_version_id) REFERENCES public.study_versions(version_id);


--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: -
--

GRANT USAGE ON SCHEMA public TO ctmirror_reader;


--
-- Name: FUNCTION citation_summary(raw jsonb); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.citation_summary(raw jsonb) FROM PUBLIC;


--
-- Name: FUNCTION registry_date(s text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.registry_date(s text) FROM PUBLIC;


--
-- Name: FUNCTION study_versions_resince(trial text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.study_versions_resince(trial text) FROM PUBLIC;


--
-- Name: FUNCTION study_versions_rows(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.study_versions_rows() FROM PUBLIC;


--
-- Name: FUNCTION study_versions_rows_gone(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.study_versions_rows_gone() FROM PUBLIC;


--
-- Name: FUNCTION study_versions_since(); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.study_versions_since() FROM PUBLIC;


--
-- Name: TABLE trial_timeline; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_timeline TO ctmirror_reader;


--
-- Name: FUNCTION trials_as_of(day date); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.trials_as_of(day date) FROM PUBLIC;
GRANT ALL ON FUNCTION public.trials_as_of(day date) TO ctmirror_reader;


--
-- Name: FUNCTION version_facts_of(vid bigint, r jsonb, pending text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.version_facts_of(vid bigint, r jsonb, pending text) FROM PUBLIC;


--
-- Name: FUNCTION version_rows(vid bigint, r jsonb, pending text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.version_rows(vid bigint, r jsonb, pending text) FROM PUBLIC;


--
-- Name: TABLE results_due; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.results_due TO ctmirror_reader;


--
-- Name: TABLE stale_claims; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.stale_claims TO ctmirror_reader;


--
-- Name: TABLE status_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.status_changes TO ctmirror_reader;


--
-- Name: TABLE trial_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_changes TO ctmirror_reader;


--
-- Name: TABLE trial_conditions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_conditions TO ctmirror_reader;


--
-- Name: TABLE trial_conditions_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_conditions_history TO ctmirror_reader;


--
-- Name: TABLE trial_dates; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_dates TO ctmirror_reader;


--
-- Name: TABLE trial_dates_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_dates_history TO ctmirror_reader;


--
-- Name: TABLE trial_design; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_design TO ctmirror_reader;


--
-- Name: TABLE trial_design_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_design_history TO ctmirror_reader;


--
-- Name: TABLE trial_interventions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_interventions TO ctmirror_reader;


--
-- Name: TABLE trial_interventions_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_interventions_history TO ctmirror_reader;


--
-- Name: TABLE trial_outcomes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_outcomes TO ctmirror_reader;


--
-- Name: TABLE trial_outcomes_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_outcomes_history TO ctmirror_reader;


--
-- Name: TABLE trial_references; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_references TO ctmirror_reader;


--
-- Name: TABLE trial_references_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_references_history TO ctmirror_reader;


--
-- Name: TABLE trial_searches; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_searches TO ctmirror_reader;


--
-- Name: TABLE trial_sites; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_sites TO ctmirror_reader;


--
-- Name: TABLE trial_sites_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_sites_history TO ctmirror_reader;


--
-- Name: TABLE trial_sponsors; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_sponsors TO ctmirror_reader;


--
-- Name: TABLE trial_sponsors_history; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_sponsors_history TO ctmirror_reader;


--
-- Name: TABLE trial_versions; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_versions TO ctmirror_reader;


--
-- Name: TABLE trials_current; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trials_current TO ctmirror_reader;


--
-- PostgreSQL database dump complete
--

\unrestrict fJZxgKCfglyv7wysXBcqc5j1hdLy6RpRiYwCS1VDpuyvx5xv1lmWkIUKfDhvIOa


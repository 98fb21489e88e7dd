--
-- PostgreSQL database dump
--

\restrict 5BbgJyWdSgre6a71jYbEL2UTdUQ6zQHwfP8Ra5L3tlg4IYX3OQoCuL7dBePB4yI

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
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
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
            OFFSET 0) x
    $$;


--
-- Name: FUNCTION citation_summary(raw jsonb); Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON FUNCTION public.citation_summary(raw jsonb) IS 'The parts of a registry record the citation check reads: the identification, status, sponsor, conditions and design modules, intervention names and other names, condition and intervention MeSH terms.';


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
        END) AS primary_completion,
        CASE length(s.primary_completion)
            WHEN 10 THEN 'day'::text
            WHEN 7 THEN 'month'::text
            WHEN 4 THEN 'year'::text
            ELSE NULL::text
        END AS primary_completion_precision,
    s.primary_completion_type,
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
-- Name: COLUMN trial_timeline.primary_completion; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.primary_completion IS 'primaryCompletionDateStruct.date during the span as a date; a month-only date is its first day (see primary_completion_precision).';


--
-- Name: COLUMN trial_timeline.primary_completion_precision; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.primary_completion_precision IS 'day, month or year: how much of primary_completion the registry gave.';


--
-- Name: COLUMN trial_timeline.primary_completion_type; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_timeline.primary_completion_type IS 'ACTUAL or ESTIMATED, as the registry marked primary_completion; NULL when it gave no date.';


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
);


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
    CONSTRAINT flags_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT flags_severity_check CHECK ((severity = ANY (ARRAY['stale'::text, 'recheck'::text])))
);


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
-- Name: pages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.pages (
    page_id bigint NOT NULL,
    path text NOT NULL,
    content_hash text,
    page_date text,
    first_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    last_scanned_at timestamp with time zone
);


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
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
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
    f.as_of,
    f.rule,
    f.severity,
    f.evidence,
    f.raised_at,
    f.resolved_at
   FROM (public.flags f
     JOIN public.pages p ON ((p.page_id = f.page_id)));


--
-- Name: VIEW stale_claims; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.stale_claims IS 'Page claims the registry contradicts (severity stale) or that need a fresh look (recheck); open flags have resolved_at NULL.';


--
-- Name: COLUMN stale_claims.flag_id; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.flag_id IS 'Flag identifier; `ctmirror ack ID` silences it.';


--
-- Name: COLUMN stale_claims.page; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.page IS 'Path of the page that makes the claim.';


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

COMMENT ON COLUMN public.stale_claims.claim_kind IS 'results-pending, publication-pending, status, or mention (the page cites the trial by this NCT ID).';


--
-- Name: COLUMN stale_claims.claim_text; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.claim_text IS 'Excerpt of the page around the claim (at most 200 bytes).';


--
-- Name: COLUMN stale_claims.as_of; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.as_of IS 'The date the claim was made as of (YYYY-MM-DD), NULL if unknown.';


--
-- Name: COLUMN stale_claims.rule; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.stale_claims.rule IS 'The rule that fired: results-posted, publication-linked, status-changed, registry-updated, claim-expired, results-submitted, identity-mismatch or alias-id.';


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
    CONSTRAINT sync_errors_stage_check CHECK ((stage = ANY (ARRAY['probe'::text, 'fetch'::text, 'parse'::text, 'store'::text, 'pages'::text])))
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
    CONSTRAINT sync_runs_check CHECK (((finished_at IS NULL) OR (finished_at >= started_at))),
    CONSTRAINT sync_runs_check1 CHECK (((status = 'running'::text) = (finished_at IS NULL))),
    CONSTRAINT sync_runs_mode_check CHECK ((mode = ANY (ARRAY['sync'::text, 'run'::text, 'scan'::text]))),
    CONSTRAINT sync_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'ok'::text, 'partial'::text, 'failed'::text])))
);


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
    c.registry_updated,
    c.detected_at
   FROM public.study_changes c;


--
-- Name: VIEW trial_changes; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON VIEW public.trial_changes IS 'Every field-level change ctmirror saw between consecutive registry versions of a trial.';


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

COMMENT ON COLUMN public.trial_changes.registry_updated IS 'The registry''s lastUpdatePostDate of the version that carries the change.';


--
-- Name: COLUMN trial_changes.detected_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trial_changes.detected_at IS 'When ctmirror stored the change.';


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
    CONSTRAINT trials_current_nct_id_check CHECK ((current_nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT trials_nct_id_check CHECK ((nct_id ~ '^NCT[0-9]{8}$'::text)),
    CONSTRAINT trials_registry_state_check CHECK ((registry_state = ANY (ARRAY['unknown'::text, 'present'::text, 'not_found'::text]))),
    CONSTRAINT trials_source_check CHECK ((source = ANY (ARRAY['config'::text, 'pages'::text, 'alias'::text])))
);


--
-- Name: trials_current; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.trials_current AS
 SELECT t.nct_id,
    v.acronym,
    v.brief_title,
    v.overall_status,
    v.has_results,
    v.results_first_posted,
    v.primary_completion,
    v.last_update_posted,
    chk.finished_at AS last_checked_at
   FROM ((public.trials t
     LEFT JOIN public.study_versions v ON ((v.version_id = t.current_version_id)))
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

COMMENT ON VIEW public.trials_current IS 'One row per tracked trial: its current registry state as last stored by ctmirror.';


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
-- Name: COLUMN trials_current.results_first_posted; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.results_first_posted IS 'resultsFirstPostDateStruct.date (YYYY-MM-DD), NULL if results were never posted.';


--
-- Name: COLUMN trials_current.primary_completion; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.primary_completion IS 'primaryCompletionDateStruct.date (YYYY-MM or YYYY-MM-DD), actual or estimated.';


--
-- Name: COLUMN trials_current.last_update_posted; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_update_posted IS 'lastUpdatePostDateStruct.date: when the registry last posted a change.';


--
-- Name: COLUMN trials_current.last_checked_at; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON COLUMN public.trials_current.last_checked_at IS 'End of the last sync that checked this trial against the registry without error.';


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
-- Name: sync_errors_nct_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_errors_nct_idx ON public.sync_errors USING btree (nct_id, run_id DESC);


--
-- Name: sync_runs_status_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX sync_runs_status_idx ON public.sync_runs USING btree (status, run_id DESC);


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
-- Name: FUNCTION study_versions_resince(trial text); Type: ACL; Schema: public; Owner: -
--

REVOKE ALL ON FUNCTION public.study_versions_resince(trial text) FROM PUBLIC;


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
-- Name: TABLE stale_claims; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.stale_claims TO ctmirror_reader;


--
-- Name: TABLE trial_changes; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trial_changes TO ctmirror_reader;


--
-- Name: TABLE trials_current; Type: ACL; Schema: public; Owner: -
--

GRANT SELECT ON TABLE public.trials_current TO ctmirror_reader;


--
-- PostgreSQL database dump complete
--

\unrestrict 5BbgJyWdSgre6a71jYbEL2UTdUQ6zQHwfP8Ra5L3tlg4IYX3OQoCuL7dBePB4yI


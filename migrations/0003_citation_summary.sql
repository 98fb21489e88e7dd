-- 0003: the part of a record the citation check reads, kept beside it.
-- `ctmirror scan` and every cycle's page judging compare a page's words
-- with the cited record's titles, conditions, interventions, sponsor and
-- MeSH terms.  Cut from raw at read time, each cited record (72 KB on
-- average, 300 KB with results) was decompressed whole for a few KB; a
-- knowledge base citing 50,000 trials spent most of a scan there.  Now the
-- cut is made once, when the version is stored, and read as is.
CREATE FUNCTION citation_summary(raw jsonb) RETURNS jsonb
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

COMMENT ON FUNCTION citation_summary(jsonb) IS
    'The parts of a registry record the citation check reads: the identification, status, sponsor, conditions and design modules, intervention names and other names, condition and intervention MeSH terms.';

-- Functions are executable by PUBLIC by default; ctmirror_reader reads
-- the views and nothing else.
REVOKE EXECUTE ON FUNCTION citation_summary(jsonb) FROM PUBLIC;

ALTER TABLE study_versions ADD COLUMN citation jsonb;
ALTER TABLE study_versions ALTER COLUMN citation SET COMPRESSION lz4;
UPDATE study_versions SET citation = citation_summary(raw);
ALTER TABLE study_versions ALTER COLUMN citation SET NOT NULL;
COMMENT ON COLUMN study_versions.citation IS
    'citation_summary(raw), made when the version is stored: what the citation check reads.';

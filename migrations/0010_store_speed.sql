-- 0010: the citation summary in PL/pgSQL.  The SQL function (0003) has a
-- FROM clause, so the planner cannot inline it into the statement that
-- stores a version; as SQL it was then parsed and planned again for every
-- version stored (a tenth of a first sync's server time, issue 18).
-- PL/pgSQL keeps its plan for the session.  Same body, same result.
CREATE OR REPLACE FUNCTION citation_summary(raw jsonb) RETURNS jsonb
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

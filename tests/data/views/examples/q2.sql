SELECT c.nct_id, i.intervention_type, i.name,
       c.old_value #>> '{}' AS old_status, c.new_value #>> '{}' AS new_status,
       c.registry_updated
  FROM trial_changes c
  JOIN trial_interventions i USING (nct_id)
 WHERE c.field = '/protocolSection/statusModule/overallStatus'
   AND c.detected_at >= date_trunc('year', now())
 ORDER BY c.nct_id, i.name;

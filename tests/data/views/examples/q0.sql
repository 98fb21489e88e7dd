SELECT nct_id, state, due_by, days_late, reason
  FROM results_due
 ORDER BY nct_id;

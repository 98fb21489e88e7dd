SELECT nct_id, primary_completion_date, due_by, days_late
  FROM results_due
 WHERE state = 'overdue'
 ORDER BY days_late DESC, nct_id;

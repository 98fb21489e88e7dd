SELECT nct_id, primary_completion_date AS completed,
       results_first_submitted_date - primary_completion_date AS days_to_submit,
       results_first_posted_date - primary_completion_date AS days_to_post
  FROM trial_dates
 WHERE results_first_posted_date IS NOT NULL
 ORDER BY days_to_post DESC, nct_id;

SELECT nct_id, pmid, left(citation, 60) AS citation
  FROM trial_references
 WHERE reference_type = 'RESULT'
 ORDER BY nct_id, pmid;

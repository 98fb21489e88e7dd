SELECT nct_id, country, count(*) AS sites,
       string_agg(DISTINCT city, ', ' ORDER BY city) AS cities
  FROM trial_sites
 WHERE status = 'RECRUITING'
 GROUP BY nct_id, country
 ORDER BY nct_id, sites DESC, country;

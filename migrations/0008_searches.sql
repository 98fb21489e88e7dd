-- 0008: registry searches ([tracking] search.NAME) and the trials they match.
--
-- A search is tracked by name: every trial it matches is tracked (source
-- 'search' unless the config or the pages track it too).  A trial that
-- stops matching stays tracked, its history kept, and is marked as no
-- longer matching.  Each trial that newly matches a search, after the
-- search's first listing, is announced once to every alert sink through
-- its own outbox.
ALTER TABLE trials DROP CONSTRAINT trials_source_check;
ALTER TABLE trials ADD CONSTRAINT trials_source_check
    CHECK (source IN ('config', 'pages', 'alias', 'search'));

-- A search the registry refuses is the run's error, under the search's name.
ALTER TABLE sync_errors DROP CONSTRAINT sync_errors_stage_check;
ALTER TABLE sync_errors ADD CONSTRAINT sync_errors_stage_check
    CHECK (stage IN ('probe', 'fetch', 'parse', 'store', 'pages', 'search'));

CREATE TABLE searches (
    name            text PRIMARY KEY CHECK (name ~ '^[A-Za-z0-9_-]{1,40}$'),
    -- The URL query string the registry is asked with ('' = every study).
    query           text NOT NULL,
    -- In the config now; a search removed from it keeps its rows.
    active          boolean NOT NULL DEFAULT true,
    -- This query has been listed once: later matches are news.
    baseline        boolean NOT NULL DEFAULT false,
    -- Start of the run whose listing of this query was last complete; a
    -- rerun asks for the studies updated since the day before it.
    listed_at       timestamptz,
    matching        integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    query_since     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE search_matches (
    search          text NOT NULL REFERENCES searches (name),
    nct_id          text NOT NULL REFERENCES trials (nct_id),
    matching        boolean NOT NULL DEFAULT true,
    first_matched_at timestamptz NOT NULL DEFAULT now(),
    -- When it last began or stopped matching.
    changed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (search, nct_id)
);
CREATE INDEX search_matches_nct_idx ON search_matches (nct_id);

-- One row per sink for each trial newly matching a search, written in the
-- transaction that records the match, so each is announced exactly once to
-- each sink (as alert_outbox does for flags).  Delivered once the trial
-- has a stored record to describe it.
CREATE TABLE match_outbox (
    alert_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    search          text NOT NULL REFERENCES searches (name),
    nct_id          text NOT NULL REFERENCES trials (nct_id),
    sink            text NOT NULL CHECK (sink IN ('stdout', 'webhook', 'notify')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    last_attempt_at timestamptz,
    last_error      text,
    delivered_at    timestamptz,
    UNIQUE (search, nct_id, sink)
);
CREATE INDEX match_outbox_pending_idx ON match_outbox (sink)
    WHERE delivered_at IS NULL;
-- Retention ([database] retain_delivered_alerts) prunes delivered
-- announcements as it does delivered alerts (0005).
CREATE INDEX match_outbox_delivered_idx ON match_outbox (delivered_at)
    WHERE delivered_at IS NOT NULL;

CREATE VIEW trial_searches AS
SELECT m.search,
       s.query,
       m.nct_id,
       m.matching,
       m.first_matched_at,
       m.changed_at
  FROM search_matches m
  JOIN searches s ON s.name = m.search
 WHERE s.active;
COMMENT ON VIEW trial_searches IS
    'Which configured search ([tracking] search.NAME) matches which trial; a trial that stopped matching stays, with matching false.';
COMMENT ON COLUMN trial_searches.search IS 'The search''s NAME.';
COMMENT ON COLUMN trial_searches.query IS 'The API v2 query string the registry is asked with ('''' = every study).';
COMMENT ON COLUMN trial_searches.nct_id IS 'ClinicalTrials.gov identifier.';
COMMENT ON COLUMN trial_searches.matching IS 'The search matched the trial at its last listing; false once it stopped.';
COMMENT ON COLUMN trial_searches.first_matched_at IS 'When the search first matched the trial.';
COMMENT ON COLUMN trial_searches.changed_at IS 'When the trial last began or stopped matching.';
GRANT SELECT ON trial_searches TO ctmirror_reader;

-- 0005: a steady state that writes only what changed, run records that
-- say what happened, and pruning of what is only operational.

-- A page is rewritten only when what it says changed: content_hash is the
-- SHA-256 of the text that was read, claims_hash that of the claims made
-- from it (the same text can make other claims when the registry's
-- acronyms move).  Both NULL once the page is gone and its claims dropped.
ALTER TABLE pages ADD COLUMN claims_hash text;
-- A page that could not be read (unreadable, binary, too large, changing
-- while read, or in a folder that could not be listed) keeps its claims
-- and open flags; since when and why, so a skip that lasts is reported.
ALTER TABLE pages ADD COLUMN skipped_since timestamptz;
ALTER TABLE pages ADD COLUMN skip_reason text;
-- Claims move (a line added above them) and open flags are refreshed in
-- place, all of one page's at once, and a page's rows sit together: half
-- of each table page left free lets every one of them be a HOT update of
-- a few bytes of WAL, instead of a row version on another page plus an
-- entry in every index (measured: 1.7x a page's claims in WAL at 80,
-- tests/bench/wal).  Both tables are small.  Applies to the table pages
-- filled from now on.
ALTER TABLE claims SET (fillfactor = 50);
ALTER TABLE flags SET (fillfactor = 50);
COMMENT ON COLUMN pages.last_scanned_at IS
    'When the page''s claims were last stored from new content (an unchanged page is not rewritten).';

-- Counts are written as each step commits, with last_progress_at, so a run
-- that never finishes still shows what it stored and when it was last seen.
ALTER TABLE sync_runs ADD COLUMN pages_skipped integer NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN last_progress_at timestamptz;

-- Retention ([database] retain_delivered_alerts, retain_runs) deletes old
-- delivered alerts and old runs (with their errors) in small batches; a
-- run that stored a version is kept, since the version names it.
CREATE INDEX alert_outbox_delivered_idx ON alert_outbox (delivered_at)
    WHERE delivered_at IS NOT NULL;
CREATE INDEX sync_runs_finished_idx ON sync_runs (finished_at);
CREATE INDEX study_versions_run_idx ON study_versions (run_id);

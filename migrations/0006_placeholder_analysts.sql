-- 0006: placeholder on branch 'history' for the migration numbered
-- 0006 on branch 'analysts', so that 0007 applies in order here.  It
-- changes nothing; delete it when 'analysts' is merged.
DO $$ BEGIN END $$;

-- 0004: placeholder on branch 'history' for the migration numbered
-- 0004 on branch 'fidelity', so that 0007 applies in order here.  It
-- changes nothing; delete it when 'fidelity' is merged.
DO $$ BEGIN END $$;

-- 0005: placeholder on branch 'history' for the migration numbered
-- 0005 on branch 'steady', so that 0007 applies in order here.  It
-- changes nothing; delete it when 'steady' is merged.
DO $$ BEGIN END $$;

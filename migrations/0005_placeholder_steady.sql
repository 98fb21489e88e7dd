-- PLACEHOLDER on branch analysts only: migrations 0004 (fidelity) and 0005
-- (steady) arrive on other branches, and migrations/embed.py refuses gaps,
-- so 0006 needs two numbers before it to build here.  Drop this file at
-- merge in favour of the real one.
DO $$ BEGIN END $$;

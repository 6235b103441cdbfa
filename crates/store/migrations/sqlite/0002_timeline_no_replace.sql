-- REPLACE deletes the old row without firing DELETE triggers, so the
-- append-only guard also has to refuse an insert over an existing entry.
CREATE TRIGGER case_entries_no_replace BEFORE INSERT ON case_entries
WHEN EXISTS (SELECT 1 FROM case_entries WHERE case_id = NEW.case_id AND seq = NEW.seq)
BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;

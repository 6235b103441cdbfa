-- Row triggers do not see TRUNCATE; refuse it too, so no timeline can be
-- emptied in one statement.
CREATE TRIGGER case_entries_no_truncate BEFORE TRUNCATE ON case_entries
FOR EACH STATEMENT EXECUTE FUNCTION case_entries_append_only();

-- The announcement every caller of an entry number hears before its menu
-- (the crisis slot): one row per number, the announcement as JSON (the
-- domain's Announcement, or null once removed). Every change is also in the
-- audit log, with the announcement before and after.
CREATE TABLE phone_announcements (
    number     TEXT PRIMARY KEY,
    settings   TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at INTEGER NOT NULL
);

-- Crisis mode: one crisis message at a time, from its start until ended.
-- The message (texts per language, the crisis case type) is JSON the
-- crisis service wrote. Starting and ending are audited with the write.
CREATE TABLE crises (
    id         INTEGER PRIMARY KEY,
    message    TEXT NOT NULL,
    started_by TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    -- The announcements the entry numbers had before the crisis (JSON:
    -- number → announcement), put back when it ends.
    phone_before TEXT NOT NULL DEFAULT '{}',
    ended_by   TEXT,
    ended_at   INTEGER
);
-- At most one crisis that has not ended.
CREATE UNIQUE INDEX crises_one_active ON crises ((ended_at IS NULL)) WHERE ended_at IS NULL;

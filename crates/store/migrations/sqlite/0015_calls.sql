-- Call records, for the wallboards and statistics: one row per call from
-- the moment it reaches Kontakt, closed with exactly one outcome. Nothing
-- personal but the agent's id: the caller's number stays with the phone
-- system (and with a case, if one was registered). A row still open when
-- Kontakt starts belongs to a call whose queue state was lost with the
-- process; start-up closes it as 'lost'.
CREATE TABLE calls (
    id               INTEGER PRIMARY KEY,
    call_id          TEXT NOT NULL UNIQUE,
    entry_number     TEXT NOT NULL,
    menu_path        TEXT NOT NULL DEFAULT '',
    answer_group     TEXT,
    language         TEXT NOT NULL DEFAULT 'sv',
    arrived_at       INTEGER NOT NULL,
    ended_at         INTEGER,
    queue_ms         BIGINT NOT NULL DEFAULT 0,
    handle_ms        BIGINT NOT NULL DEFAULT 0,
    outcome          TEXT,
    agent            TEXT,
    overflowed       INTEGER NOT NULL DEFAULT 0,
    callback_deadline INTEGER,
    case_number      TEXT
);
CREATE INDEX calls_arrived ON calls (arrived_at);
CREATE INDEX calls_open ON calls (id) WHERE outcome IS NULL;

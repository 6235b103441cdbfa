-- The switchboard's directory: units and people as JSON the directory
-- service checked (kind 'unit' or 'person'), absence notes, and the history
-- of every change (imports, edits, absence notes). The stamp counts every
-- change (entries and notes apart), so a search index and an import's
-- preview know when they are out of date.
CREATE TABLE directory_entries (
    kind TEXT NOT NULL CHECK (kind IN ('unit', 'person')),
    id   TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE directory_absences (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('unit', 'person')),
    entry_id   TEXT NOT NULL,
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    data       TEXT NOT NULL,
    set_by     TEXT NOT NULL,
    set_at     INTEGER NOT NULL,
    removed_by TEXT,
    removed_at INTEGER
);
CREATE INDEX directory_absences_current ON directory_absences (ends_at) WHERE removed_at IS NULL;

CREATE TABLE directory_imports (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    actor   TEXT NOT NULL,
    source  TEXT NOT NULL,
    summary TEXT NOT NULL
);

CREATE TABLE directory_history (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    entry_id  TEXT NOT NULL,
    change    TEXT NOT NULL,
    fields    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT,
    import_id INTEGER REFERENCES directory_imports (id)
);
CREATE INDEX directory_history_entry ON directory_history (kind, entry_id, id);

-- The history is kept as written.
CREATE TRIGGER directory_history_no_update BEFORE UPDATE ON directory_history
BEGIN SELECT RAISE(ABORT, 'directory history is append-only'); END;
CREATE TRIGGER directory_history_no_delete BEFORE DELETE ON directory_history
BEGIN SELECT RAISE(ABORT, 'directory history is append-only'); END;

CREATE TABLE directory_stamp (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    n        INTEGER NOT NULL,
    -- Absence notes count apart: a note must not make every process
    -- rebuild its search index, nor void an import's preview.
    notes    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO directory_stamp (only_row, n) VALUES (1, 0);

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
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('unit', 'person')),
    entry_id   TEXT NOT NULL,
    starts_at  TIMESTAMPTZ NOT NULL,
    ends_at    TIMESTAMPTZ NOT NULL,
    data       TEXT NOT NULL,
    set_by     TEXT NOT NULL,
    set_at     TIMESTAMPTZ NOT NULL,
    removed_by TEXT,
    removed_at TIMESTAMPTZ
);
CREATE INDEX directory_absences_current ON directory_absences (ends_at) WHERE removed_at IS NULL;

CREATE TABLE directory_imports (
    id      BIGSERIAL PRIMARY KEY,
    at      TIMESTAMPTZ NOT NULL,
    actor   TEXT NOT NULL,
    source  TEXT NOT NULL,
    summary TEXT NOT NULL
);

CREATE TABLE directory_history (
    id        BIGSERIAL PRIMARY KEY,
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    kind      TEXT NOT NULL,
    entry_id  TEXT NOT NULL,
    change    TEXT NOT NULL,
    fields    TEXT NOT NULL DEFAULT '',
    before    TEXT,
    after     TEXT,
    import_id BIGINT REFERENCES directory_imports (id)
);
CREATE INDEX directory_history_entry ON directory_history (kind, entry_id, id);

-- The history is kept as written.
CREATE FUNCTION directory_history_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'directory history is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER directory_history_append_only BEFORE UPDATE OR DELETE ON directory_history
    FOR EACH ROW EXECUTE FUNCTION directory_history_append_only();

CREATE TABLE directory_stamp (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 1),
    n        BIGINT NOT NULL,
    -- Absence notes count apart: a note must not make every process
    -- rebuild its search index, nor void an import's preview.
    notes    BIGINT NOT NULL DEFAULT 0
);
INSERT INTO directory_stamp (only_row, n) VALUES (1, 0);

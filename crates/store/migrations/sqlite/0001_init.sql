-- Kontakt case register, SQLite. Times are microseconds since the Unix epoch
-- (UTC); dates are 'YYYY-MM-DD'.

CREATE TABLE case_counters (
    year        INTEGER PRIMARY KEY,
    last_serial INTEGER NOT NULL
);

CREATE TABLE persons (
    id                 INTEGER PRIMARY KEY,
    personnummer       TEXT UNIQUE,
    name               TEXT,
    phone              TEXT,
    email              TEXT,
    preferred_language TEXT,
    protected_identity INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX persons_phone ON persons (phone);

CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY,
    org_number TEXT NOT NULL UNIQUE,
    name       TEXT,
    phone      TEXT,
    email      TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE cases (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    version           INTEGER NOT NULL DEFAULT 1,
    case_type         TEXT NOT NULL,
    board             TEXT NOT NULL,
    service_area      TEXT NOT NULL,
    district          TEXT,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    resolution        TEXT,
    assignee_group    TEXT,
    assignee_person   TEXT,
    contact_kind      TEXT NOT NULL,
    person_id         INTEGER REFERENCES persons (id),
    organisation_id   INTEGER REFERENCES organisations (id),
    feedback_channel  TEXT,
    feedback_deadline TEXT,
    description       TEXT NOT NULL,
    form              TEXT NOT NULL DEFAULT '{}',
    confidential      INTEGER NOT NULL,
    handed_over       INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    closed_at         INTEGER
);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_case_type ON cases (case_type, id);
CREATE INDEX cases_board ON cases (board, id);
CREATE INDEX cases_district ON cases (district, id);
CREATE INDEX cases_assignee_group ON cases (assignee_group, id);
CREATE INDEX cases_person ON cases (person_id, id);
CREATE INDEX cases_created ON cases (created_at);

-- The timeline is append-only (DESIGN invariant 6): the database itself
-- refuses to change or remove an entry.
CREATE TABLE case_entries (
    case_id INTEGER NOT NULL REFERENCES cases (id),
    seq     INTEGER NOT NULL,
    at      INTEGER NOT NULL,
    author  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    body    TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER case_entries_no_update BEFORE UPDATE ON case_entries
BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;
CREATE TRIGGER case_entries_no_delete BEFORE DELETE ON case_entries
BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;

CREATE TABLE case_links (
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    other_id INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (case_id, other_id)
) WITHOUT ROWID;

CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY,
    size    INTEGER NOT NULL,
    content BLOB NOT NULL
);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

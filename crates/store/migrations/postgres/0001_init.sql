-- Kontakt case register, PostgreSQL. Same tables and names as SQLite.

CREATE TABLE case_counters (
    year        INTEGER PRIMARY KEY,
    last_serial BIGINT NOT NULL
);

CREATE TABLE persons (
    id                 BIGSERIAL PRIMARY KEY,
    personnummer       TEXT UNIQUE,
    name               TEXT,
    phone              TEXT,
    email              TEXT,
    preferred_language TEXT,
    protected_identity BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX persons_phone ON persons (phone);

CREATE TABLE organisations (
    id         BIGSERIAL PRIMARY KEY,
    org_number TEXT NOT NULL UNIQUE,
    name       TEXT,
    phone      TEXT,
    email      TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cases (
    id                BIGSERIAL PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    version           BIGINT NOT NULL DEFAULT 1,
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
    person_id         BIGINT REFERENCES persons (id),
    organisation_id   BIGINT REFERENCES organisations (id),
    feedback_channel  TEXT,
    feedback_deadline DATE,
    description       TEXT NOT NULL,
    form              JSONB NOT NULL DEFAULT '{}',
    confidential      BOOLEAN NOT NULL,
    handed_over       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    closed_at         TIMESTAMPTZ
);
CREATE INDEX cases_status ON cases (status, id);
CREATE INDEX cases_case_type ON cases (case_type, id);
CREATE INDEX cases_board ON cases (board, id);
CREATE INDEX cases_district ON cases (district, id);
CREATE INDEX cases_assignee_group ON cases (assignee_group, id);
CREATE INDEX cases_person ON cases (person_id, id);
CREATE INDEX cases_created ON cases (created_at);

CREATE TABLE case_entries (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    seq     INTEGER NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    author  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    body    JSONB NOT NULL,
    PRIMARY KEY (case_id, seq)
);
-- The timeline is append-only (DESIGN invariant 6).
CREATE FUNCTION case_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the case timeline is append-only';
END;
$$;
CREATE TRIGGER case_entries_no_change BEFORE UPDATE OR DELETE ON case_entries
FOR EACH ROW EXECUTE FUNCTION case_entries_append_only();

CREATE TABLE case_links (
    case_id  BIGINT NOT NULL REFERENCES cases (id),
    other_id BIGINT NOT NULL REFERENCES cases (id),
    PRIMARY KEY (case_id, other_id)
);

CREATE TABLE blobs (
    sha256  TEXT PRIMARY KEY,
    size    BIGINT NOT NULL,
    content BYTEA NOT NULL
);

CREATE TABLE api_tokens (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes     TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

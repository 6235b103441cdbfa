-- Mina sidor: residents' one-time codes and sessions, and the secret that
-- lets an anonymous resident follow one case.

-- A code sent to an address (`email:…` or `phone:+46…`). Only a keyed hash
-- of the code is kept; a code is used once, expires, and dies after a few
-- wrong tries.
CREATE TABLE resident_codes (
    id         TEXT PRIMARY KEY,
    address    TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    INTEGER
);
CREATE INDEX resident_codes_address ON resident_codes (address, created_at);

-- A resident's session: only the SHA-256 of the cookie value is stored,
-- with the SHA-256 of the browser it was started in (a copied cookie is
-- refused in another browser). `identity` is what the resident proved:
-- `email:…`, `phone:…`, `pnr:…` (e-legitimation) or `case:KC-…` (a case's
-- number and secret).
CREATE TABLE resident_sessions (
    id_hash      TEXT PRIMARY KEY,
    identity     TEXT NOT NULL,
    device_hash  TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ended_at     INTEGER
);

-- The SHA-256 of the secret printed in the acknowledgement.
ALTER TABLE cases ADD COLUMN follow_token_hash TEXT;

-- The e-mail address (lower-cased: local parts compared without case, as
-- mail providers do) and phone number given on the case when it was
-- registered. A resident who logs in with a code to an address sees the
-- cases where they gave that address, not every case of a person record
-- someone else's contact may have added the address to. Filled in for
-- the cases already registered from their registration entry (each case
-- is then queued once more for its anonymous facts, which is harmless).
ALTER TABLE cases ADD COLUMN given_email TEXT;
ALTER TABLE cases ADD COLUMN given_phone TEXT;
UPDATE cases SET
    given_email = (SELECT lower(json_extract(e.body, '$.contact_given.email'))
                   FROM case_entries e WHERE e.case_id = cases.id AND e.kind = 'registered'
                   ORDER BY e.seq LIMIT 1),
    given_phone = (SELECT json_extract(e.body, '$.contact_given.phone')
                   FROM case_entries e WHERE e.case_id = cases.id AND e.kind = 'registered'
                   ORDER BY e.seq LIMIT 1);
CREATE INDEX cases_given_email ON cases (given_email, id) WHERE given_email IS NOT NULL;
CREATE INDEX cases_given_phone ON cases (given_phone, id) WHERE given_phone IS NOT NULL;

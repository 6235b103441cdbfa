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

-- "My cases" of a resident who proved an e-mail address.
-- Local parts compared without case, as mail providers do.
CREATE INDEX persons_email ON persons (lower(email));

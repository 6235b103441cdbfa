-- Staff accounts and browser sessions.
CREATE TABLE staff_accounts (
    username             TEXT PRIMARY KEY,
    display_name         TEXT NOT NULL,
    password_hash        TEXT,
    totp_secret          TEXT,
    totp_exempt          BOOLEAN NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    -- May sign on through the OpenID provider; the first sign-on binds its subject.
    sso_allowed          BOOLEAN NOT NULL DEFAULT FALSE,
    oidc_subject         TEXT UNIQUE,
    -- The last TOTP time step used: a code is accepted once.
    totp_last_step       BIGINT NOT NULL DEFAULT 0,
    grants               TEXT NOT NULL,
    disabled             BOOLEAN NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);

-- Only the SHA-256 of the cookie value is stored: a copy of the database
-- does not hand out live sessions.
CREATE TABLE staff_sessions (
    id_hash      TEXT PRIMARY KEY,
    username     TEXT NOT NULL,
    stage        TEXT NOT NULL,
    csrf_token   TEXT NOT NULL,
    pending      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    ended_at     TIMESTAMPTZ
);
CREATE INDEX staff_sessions_user ON staff_sessions (username) WHERE ended_at IS NULL;

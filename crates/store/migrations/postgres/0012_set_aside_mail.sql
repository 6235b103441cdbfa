-- Mail that arrived but could not become a case by itself waits here for
-- an agent, who registers it as a case or discards it (see set_aside.rs).
-- The key (the mail's Message-ID, or a hash of the mail) keeps a mail
-- delivered twice from being set aside twice.
CREATE TABLE set_aside_mail (
    id          BIGSERIAL PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    received_at TIMESTAMPTZ NOT NULL,
    reason      TEXT NOT NULL,
    sender      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    raw         BYTEA NOT NULL
);
CREATE INDEX set_aside_mail_received ON set_aside_mail (received_at, id);

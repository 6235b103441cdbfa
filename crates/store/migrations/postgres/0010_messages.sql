-- Messages to residents (acknowledgements, replies) wait here until they
-- are sent. A message is written in the same transaction as the change that
-- made it, so nothing the resident was promised is lost if the process
-- stops before it is sent; a dispatcher claims due messages with a lease
-- (next_attempt_at moves forward) and records the outcome.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    case_id         BIGINT NOT NULL REFERENCES cases (id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'queued',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error      TEXT,
    provider_ref    TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_case ON outbox (case_id, id);

-- What arrived already: the Message-ID of a mail (or a gateway's id of an
-- SMS) that made or joined a case. Written with the case change, so a
-- message fetched twice (the process stopped before the mailbox was told)
-- is recognised and not registered again.
CREATE TABLE intake_keys (
    key        TEXT PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX intake_keys_case ON intake_keys (case_id);

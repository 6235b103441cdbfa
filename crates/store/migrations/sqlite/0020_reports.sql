-- Monthly statistics reports to the boards go through the outbox like
-- every message, so a report is sent at least once and never lost; they
-- belong to no case, so an outbox message's case becomes optional.
-- (SQLite cannot drop a NOT NULL: the table is made again, the same but
-- for that.)
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    case_id         INTEGER REFERENCES cases (id),
    channel         TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    in_reply_to     TEXT,
    refs            TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'queued',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    provider_ref    TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
INSERT INTO outbox_new (id, case_id, channel, recipient, subject, body, message_id, in_reply_to, refs,
    state, attempts, next_attempt_at, last_error, provider_ref, created_at, sent_at)
SELECT id, case_id, channel, recipient, subject, body, message_id, in_reply_to, refs,
    state, attempts, next_attempt_at, last_error, provider_ref, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'queued';
CREATE INDEX outbox_case ON outbox (case_id, id);
CREATE INDEX outbox_failed ON outbox (created_at, case_id) WHERE state = 'failed';
CREATE INDEX outbox_recipient ON outbox (recipient, channel, created_at);

-- One report per board and month: queued with its outbox message in one
-- transaction, so the monthly job may run any number of times.
CREATE TABLE stats_reports (
    board     TEXT NOT NULL,
    month     TEXT NOT NULL, -- the month's first day
    outbox_id INTEGER NOT NULL REFERENCES outbox (id),
    queued_at INTEGER NOT NULL,
    PRIMARY KEY (board, month)
);

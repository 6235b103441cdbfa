-- Monthly statistics reports to the boards go through the outbox like
-- every message, so a report is sent at least once and never lost; they
-- belong to no case, so an outbox message's case becomes optional.
ALTER TABLE outbox ALTER COLUMN case_id DROP NOT NULL;

-- One report per board and month: queued with its outbox message in one
-- transaction, so the monthly job may run any number of times.
CREATE TABLE stats_reports (
    board     TEXT NOT NULL,
    month     DATE NOT NULL, -- the month's first day
    outbox_id BIGINT NOT NULL REFERENCES outbox (id),
    queued_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (board, month)
);

-- The agents' queue of messages that did not reach the resident: few rows
-- among many, so a partial index finds them without reading the outbox.
CREATE INDEX outbox_failed ON outbox (created_at, case_id) WHERE state = 'failed';

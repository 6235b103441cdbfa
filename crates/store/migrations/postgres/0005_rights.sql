-- Retention (gallring) and rectification (rättelse).

-- The timeline stays append-only for everything but retention, which sets
-- kontakt.retention = 'on' with SET LOCAL inside its own transaction.
CREATE OR REPLACE FUNCTION case_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('kontakt.retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the case timeline is append-only';
END;
$$;

-- What is left of removed cases: anonymous counts for statistics.
CREATE TABLE retention_counts (
    month      TEXT NOT NULL,
    case_type  TEXT NOT NULL,
    board      TEXT NOT NULL,
    district   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    resolution TEXT NOT NULL,
    removed    BIGINT NOT NULL,
    PRIMARY KEY (month, case_type, board, district, channel, resolution)
);

-- The history of rectified personal details: who changed what, when, why.
CREATE TABLE person_rectifications (
    id        BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES persons (id),
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason    TEXT NOT NULL
);
CREATE INDEX person_rectifications_person ON person_rectifications (person_id, id);
CREATE INDEX cases_closed ON cases (case_type, closed_at) WHERE closed_at IS NOT NULL;
-- Retention removes a blob only when no remaining entry refers to it.
CREATE INDEX case_entries_attachment ON case_entries ((body ->> 'sha256')) WHERE kind = 'attachment';

-- Retention (gallring) and rectification (rättelse).

-- The timeline stays append-only for everything but retention: the writer
-- opens this gate inside the one transaction that removes expired cases and
-- closes it before committing, so no other write ever sees it open.
CREATE TABLE retention_gate (open INTEGER NOT NULL);
DROP TRIGGER case_entries_no_delete;
CREATE TRIGGER case_entries_no_delete BEFORE DELETE ON case_entries
WHEN NOT EXISTS (SELECT 1 FROM retention_gate)
BEGIN SELECT RAISE(ABORT, 'the case timeline is append-only'); END;

-- What is left of removed cases: anonymous counts for statistics.
CREATE TABLE retention_counts (
    month      TEXT NOT NULL,
    case_type  TEXT NOT NULL,
    board      TEXT NOT NULL,
    district   TEXT NOT NULL,
    channel    TEXT NOT NULL,
    resolution TEXT NOT NULL,
    removed    INTEGER NOT NULL,
    PRIMARY KEY (month, case_type, board, district, channel, resolution)
);

-- The history of rectified personal details: who changed what, when, why.
CREATE TABLE person_rectifications (
    id        INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES persons (id),
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    reason    TEXT NOT NULL
);
CREATE INDEX person_rectifications_person ON person_rectifications (person_id, id);
CREATE INDEX cases_closed ON cases (case_type, closed_at) WHERE closed_at IS NOT NULL;
-- Retention removes a blob only when no remaining entry refers to it.
CREATE INDEX case_entries_attachment ON case_entries (json_extract(body, '$.sha256')) WHERE kind = 'attachment';

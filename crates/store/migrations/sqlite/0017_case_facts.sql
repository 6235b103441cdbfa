-- Anonymous facts about each case, the only source of case statistics
-- (DESIGN invariant 3): no number, person, contact or text — only what the
-- figures count, with days in Stockholm time. Retention removes cases but
-- not their facts, so statistics survive it; case_id only lets a fact be
-- made again when its case changes, and points to nothing once the case
-- is gone.
CREATE TABLE case_facts (
    case_id           BIGINT PRIMARY KEY,
    created_day       TEXT NOT NULL,
    case_type         TEXT NOT NULL,
    board             TEXT NOT NULL,
    district          TEXT,
    channel           TEXT NOT NULL,
    first_contact     INTEGER NOT NULL,
    handed_over       INTEGER NOT NULL,
    closed_day        TEXT,
    resolution_days   INTEGER,
    feedback_deadline TEXT,
    -- The answer the resident is owed on a written channel: due two
    -- working days after the contact; first given at first_response.
    response_due      INTEGER,
    first_response    INTEGER
);
CREATE INDEX case_facts_day ON case_facts (created_day);

-- Facts are made from the cases changed since the last refresh, in the
-- order of (updated_at, id).
CREATE INDEX cases_updated ON cases (updated_at, id);

-- Anonymous facts about each case, the only source of case statistics
-- (DESIGN invariant 3): no number, person, contact or text — only what the
-- figures count, with days in Stockholm time. Retention removes cases but
-- not their facts, so statistics survive it: a removed case's fact loses
-- its case_id (which SQLite may give a later case).
CREATE TABLE case_facts (
    id                INTEGER PRIMARY KEY,
    case_id           INTEGER UNIQUE,
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
CREATE INDEX case_facts_closed ON case_facts (closed_day) WHERE closed_day IS NOT NULL;

-- Cases whose facts are to be made (again). Every change of a case queues
-- it in the same transaction (the triggers below), whatever wrote it, so
-- no change can be missed; `changes` counts the changes, so the refresh
-- removes a row only if no change came after it read the case.
CREATE TABLE case_facts_queue (
    case_id INTEGER PRIMARY KEY,
    changes INTEGER NOT NULL DEFAULT 1
);
INSERT INTO case_facts_queue (case_id) SELECT id FROM cases;

CREATE TRIGGER cases_queue_facts_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_facts_queue (case_id) VALUES (NEW.id)
    ON CONFLICT (case_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER cases_queue_facts_update AFTER UPDATE ON cases
BEGIN
    INSERT INTO case_facts_queue (case_id) VALUES (NEW.id)
    ON CONFLICT (case_id) DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER cases_detach_facts AFTER DELETE ON cases
BEGIN
    UPDATE case_facts SET case_id = NULL WHERE case_id = OLD.id;
    DELETE FROM case_facts_queue WHERE case_id = OLD.id;
END;

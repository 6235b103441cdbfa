-- Anonymous facts about each case, the only source of case statistics
-- (DESIGN invariant 3): no number, person, contact or text — only what the
-- figures count, with days in Stockholm time. Retention removes cases but
-- not their facts, so statistics survive it: a removed case's fact loses
-- its case_id.
CREATE TABLE case_facts (
    id                BIGSERIAL PRIMARY KEY,
    case_id           BIGINT UNIQUE,
    created_day       DATE NOT NULL,
    case_type         TEXT NOT NULL,
    board             TEXT NOT NULL,
    district          TEXT,
    channel           TEXT NOT NULL,
    first_contact     BOOLEAN NOT NULL,
    handed_over       BOOLEAN NOT NULL,
    closed_day        DATE,
    resolution_days   BIGINT,
    feedback_deadline DATE,
    -- The answer the resident is owed on a written channel: due two
    -- working days after the contact; first given at first_response.
    response_due      TIMESTAMPTZ,
    first_response    TIMESTAMPTZ
);
CREATE INDEX case_facts_day ON case_facts (created_day);
CREATE INDEX case_facts_closed ON case_facts (closed_day) WHERE closed_day IS NOT NULL;

-- Cases whose facts are to be made (again). Every change of a case queues
-- it in the same transaction (the trigger below), whatever wrote it, so
-- no change can be missed; `changes` counts the changes, so the refresh
-- removes a row only if no change came after it read the case.
CREATE TABLE case_facts_queue (
    case_id BIGINT PRIMARY KEY,
    changes BIGINT NOT NULL DEFAULT 1
);
INSERT INTO case_facts_queue (case_id) SELECT id FROM cases;

CREATE FUNCTION cases_queue_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE case_facts SET case_id = NULL WHERE case_id = OLD.id;
        DELETE FROM case_facts_queue WHERE case_id = OLD.id;
        RETURN OLD;
    END IF;
    INSERT INTO case_facts_queue (case_id) VALUES (NEW.id)
    ON CONFLICT (case_id) DO UPDATE SET changes = case_facts_queue.changes + 1;
    RETURN NEW;
END $$;
CREATE TRIGGER cases_queue_facts AFTER INSERT OR UPDATE OR DELETE ON cases
FOR EACH ROW EXECUTE FUNCTION cases_queue_facts();

-- Pre-counted statistics: see the SQLite migration of the same number
-- for why and how. The facts' counts are kept by the triggers below, the
-- calls' by the statistics refresh.

-- What one fact adds to the counts; the triggers and the first filling
-- read it, so every count is defined once.
CREATE VIEW case_fact_counts AS
SELECT id,
       created_day AS day,
       date_trunc('month', created_day)::date AS month,
       case_type, board, coalesce(district, '') AS district, channel,
       1 AS cases,
       first_contact::int AS first_contact,
       handed_over::int AS handed_over,
       (closed_day IS NOT NULL)::int AS closed,
       (feedback_deadline IS NOT NULL AND closed_day IS NOT NULL)::int AS deadline_due,
       coalesce((closed_day <= feedback_deadline)::int, 0) AS deadline_met,
       (response_due IS NOT NULL AND first_response IS NOT NULL)::int AS response_due,
       coalesce((first_response <= response_due)::int, 0) AS response_met,
       closed_day,
       date_trunc('month', closed_day)::date AS closed_month,
       resolution_days
FROM case_facts;

CREATE TABLE case_counts_day (
    day           DATE NOT NULL,
    case_type     TEXT NOT NULL,
    board         TEXT NOT NULL,
    district      TEXT NOT NULL, -- '' for a case without a district
    channel       TEXT NOT NULL,
    cases         BIGINT NOT NULL,
    first_contact BIGINT NOT NULL,
    handed_over   BIGINT NOT NULL,
    closed        BIGINT NOT NULL,
    deadline_due  BIGINT NOT NULL,
    deadline_met  BIGINT NOT NULL,
    response_due  BIGINT NOT NULL,
    response_met  BIGINT NOT NULL,
    PRIMARY KEY (day, case_type, board, district, channel)
);
CREATE TABLE case_counts_month (
    month         DATE NOT NULL,
    case_type     TEXT NOT NULL,
    board         TEXT NOT NULL,
    district      TEXT NOT NULL,
    channel       TEXT NOT NULL,
    cases         BIGINT NOT NULL,
    first_contact BIGINT NOT NULL,
    handed_over   BIGINT NOT NULL,
    closed        BIGINT NOT NULL,
    deadline_due  BIGINT NOT NULL,
    deadline_met  BIGINT NOT NULL,
    response_due  BIGINT NOT NULL,
    response_met  BIGINT NOT NULL,
    PRIMARY KEY (month, case_type, board, district, channel)
);
CREATE TABLE case_resolution_day (
    day       DATE NOT NULL,
    case_type TEXT NOT NULL,
    board     TEXT NOT NULL,
    district  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    days      BIGINT NOT NULL,
    closed    BIGINT NOT NULL,
    PRIMARY KEY (day, case_type, board, district, channel, days)
);
CREATE TABLE case_resolution_month (
    month     DATE NOT NULL,
    case_type TEXT NOT NULL,
    board     TEXT NOT NULL,
    district  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    days      BIGINT NOT NULL,
    closed    BIGINT NOT NULL,
    PRIMARY KEY (month, case_type, board, district, channel, days)
);

INSERT INTO case_counts_day
SELECT day, case_type, board, district, channel, sum(cases), sum(first_contact), sum(handed_over),
       sum(closed), sum(deadline_due), sum(deadline_met), sum(response_due), sum(response_met)
FROM case_fact_counts GROUP BY day, case_type, board, district, channel;
INSERT INTO case_counts_month
SELECT month, case_type, board, district, channel, sum(cases), sum(first_contact), sum(handed_over),
       sum(closed), sum(deadline_due), sum(deadline_met), sum(response_due), sum(response_met)
FROM case_fact_counts GROUP BY month, case_type, board, district, channel;
INSERT INTO case_resolution_day
SELECT closed_day, case_type, board, district, channel, resolution_days, count(*)
FROM case_fact_counts WHERE closed_day IS NOT NULL AND resolution_days IS NOT NULL
GROUP BY closed_day, case_type, board, district, channel, resolution_days;
INSERT INTO case_resolution_month
SELECT closed_month, case_type, board, district, channel, resolution_days, count(*)
FROM case_fact_counts WHERE closed_day IS NOT NULL AND resolution_days IS NOT NULL
GROUP BY closed_month, case_type, board, district, channel, resolution_days;

-- Adds one fact's counts (by = 1) or takes them off (by = -1), as the
-- view shows the fact at the moment of the call.
CREATE FUNCTION case_facts_count(fact BIGINT, by INT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO case_counts_day AS t
    SELECT day, case_type, board, district, channel, by * cases, by * first_contact, by * handed_over, by * closed, by * deadline_due, by * deadline_met, by * response_due, by * response_met
    FROM case_fact_counts WHERE id = fact
    ON CONFLICT (day, case_type, board, district, channel) DO UPDATE SET cases = t.cases + excluded.cases, first_contact = t.first_contact + excluded.first_contact, handed_over = t.handed_over + excluded.handed_over, closed = t.closed + excluded.closed, deadline_due = t.deadline_due + excluded.deadline_due, deadline_met = t.deadline_met + excluded.deadline_met, response_due = t.response_due + excluded.response_due, response_met = t.response_met + excluded.response_met;
    INSERT INTO case_counts_month AS t
    SELECT month, case_type, board, district, channel, by * cases, by * first_contact, by * handed_over, by * closed, by * deadline_due, by * deadline_met, by * response_due, by * response_met
    FROM case_fact_counts WHERE id = fact
    ON CONFLICT (month, case_type, board, district, channel) DO UPDATE SET cases = t.cases + excluded.cases, first_contact = t.first_contact + excluded.first_contact, handed_over = t.handed_over + excluded.handed_over, closed = t.closed + excluded.closed, deadline_due = t.deadline_due + excluded.deadline_due, deadline_met = t.deadline_met + excluded.deadline_met, response_due = t.response_due + excluded.response_due, response_met = t.response_met + excluded.response_met;
    INSERT INTO case_resolution_day AS t
    SELECT closed_day, case_type, board, district, channel, resolution_days, by
    FROM case_fact_counts WHERE id = fact AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (day, case_type, board, district, channel, days) DO UPDATE SET closed = t.closed + excluded.closed;
    INSERT INTO case_resolution_month AS t
    SELECT closed_month, case_type, board, district, channel, resolution_days, by
    FROM case_fact_counts WHERE id = fact AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (month, case_type, board, district, channel, days) DO UPDATE SET closed = t.closed + excluded.closed;
$$;

-- A fact's counts are taken off before it changes (the view still shows
-- the old fact) and added after; a fact that changed in nothing counted
-- (only its case_id, at retention) fires neither.
CREATE FUNCTION case_facts_uncount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_facts_count(OLD.id, -1);
    RETURN NEW;
END $$;
CREATE FUNCTION case_facts_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM case_facts_count(NEW.id, 1);
    RETURN NEW;
END $$;
CREATE TRIGGER case_facts_count AFTER INSERT ON case_facts
FOR EACH ROW EXECUTE FUNCTION case_facts_recount();
CREATE TRIGGER case_facts_uncount BEFORE UPDATE ON case_facts
FOR EACH ROW WHEN ((OLD.created_day, OLD.case_type, OLD.board, OLD.district, OLD.channel,
    OLD.first_contact, OLD.handed_over, OLD.closed_day, OLD.resolution_days,
    OLD.feedback_deadline, OLD.response_due, OLD.first_response)
  IS DISTINCT FROM (NEW.created_day, NEW.case_type, NEW.board, NEW.district, NEW.channel,
    NEW.first_contact, NEW.handed_over, NEW.closed_day, NEW.resolution_days,
    NEW.feedback_deadline, NEW.response_due, NEW.first_response))
EXECUTE FUNCTION case_facts_uncount();
CREATE TRIGGER case_facts_recount AFTER UPDATE ON case_facts
FOR EACH ROW WHEN ((OLD.created_day, OLD.case_type, OLD.board, OLD.district, OLD.channel,
    OLD.first_contact, OLD.handed_over, OLD.closed_day, OLD.resolution_days,
    OLD.feedback_deadline, OLD.response_due, OLD.first_response)
  IS DISTINCT FROM (NEW.created_day, NEW.case_type, NEW.board, NEW.district, NEW.channel,
    NEW.first_contact, NEW.handed_over, NEW.closed_day, NEW.resolution_days,
    NEW.feedback_deadline, NEW.response_due, NEW.first_response))
EXECUTE FUNCTION case_facts_recount();

-- Facts whose counts still depend on the moment of asking: open cases
-- with a feedback deadline, written contacts not yet answered.
CREATE INDEX case_facts_pending ON case_facts (created_day)
WHERE (closed_day IS NULL AND feedback_deadline IS NOT NULL)
   OR (first_response IS NULL AND response_due IS NOT NULL);

-- Calls, counted per Stockholm day (month) of arrival and answer group,
-- outcome, queue time in whole seconds (rounded up), overflow and
-- callback ('' none, 'kept', 'missed').
CREATE TABLE call_counts_day (
    day          DATE NOT NULL,
    answer_group TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    queue_secs   BIGINT NOT NULL,
    overflowed   BOOLEAN NOT NULL,
    callback     TEXT NOT NULL,
    calls        BIGINT NOT NULL,
    queue_ms     BIGINT NOT NULL,
    handle_ms    BIGINT NOT NULL,
    PRIMARY KEY (day, answer_group, outcome, queue_secs, overflowed, callback)
);
CREATE TABLE call_counts_month (
    month        DATE NOT NULL,
    answer_group TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    queue_secs   BIGINT NOT NULL,
    overflowed   BOOLEAN NOT NULL,
    callback     TEXT NOT NULL,
    calls        BIGINT NOT NULL,
    queue_ms     BIGINT NOT NULL,
    handle_ms    BIGINT NOT NULL,
    PRIMARY KEY (month, answer_group, outcome, queue_secs, overflowed, callback)
);
-- A closed call is never changed again, so counting it once is enough.
ALTER TABLE calls ADD COLUMN counted BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX calls_uncounted ON calls (id) WHERE NOT counted AND outcome IS NOT NULL;

-- Pre-counted statistics, so that a year's key figures over ten years of
-- cases and calls take a few hundred thousand rows, not millions. The
-- facts and the call records stay the truth; these tables hold their
-- counts per Stockholm day and per month (keyed by the month's first day).
-- The facts' counts are kept by the triggers below, in the transaction
-- that writes the fact; the calls' by the statistics refresh, which marks
-- each closed call counted in the transaction that counts it.
--
-- What depends on the moment of asking (an open case's feedback deadline
-- passing, an unanswered written contact falling due) is not pre-counted:
-- the figures count it from the pending facts (the partial index at the
-- end), which are few. So `deadline_due` here counts closed cases with a
-- deadline, and `response_due` written contacts that were answered.

-- What one fact adds to the counts; the triggers and the first filling
-- read it, so every count is defined once.
CREATE VIEW case_fact_counts AS
SELECT id,
       created_day AS day,
       substr(created_day, 1, 8) || '01' AS month,
       case_type, board, coalesce(district, '') AS district, channel,
       1 AS cases,
       first_contact,
       handed_over,
       closed_day IS NOT NULL AS closed,
       feedback_deadline IS NOT NULL AND closed_day IS NOT NULL AS deadline_due,
       coalesce(closed_day <= feedback_deadline, 0) AS deadline_met,
       response_due IS NOT NULL AND first_response IS NOT NULL AS response_due,
       coalesce(first_response <= response_due, 0) AS response_met,
       closed_day,
       substr(closed_day, 1, 8) || '01' AS closed_month,
       resolution_days
FROM case_facts;

CREATE TABLE case_counts_day (
    day           TEXT NOT NULL,
    case_type     TEXT NOT NULL,
    board         TEXT NOT NULL,
    district      TEXT NOT NULL, -- '' for a case without a district
    channel       TEXT NOT NULL,
    cases         INTEGER NOT NULL,
    first_contact INTEGER NOT NULL,
    handed_over   INTEGER NOT NULL,
    closed        INTEGER NOT NULL,
    deadline_due  INTEGER NOT NULL,
    deadline_met  INTEGER NOT NULL,
    response_due  INTEGER NOT NULL,
    response_met  INTEGER NOT NULL,
    PRIMARY KEY (day, case_type, board, district, channel)
) WITHOUT ROWID;
CREATE TABLE case_counts_month (
    month         TEXT NOT NULL,
    case_type     TEXT NOT NULL,
    board         TEXT NOT NULL,
    district      TEXT NOT NULL,
    channel       TEXT NOT NULL,
    cases         INTEGER NOT NULL,
    first_contact INTEGER NOT NULL,
    handed_over   INTEGER NOT NULL,
    closed        INTEGER NOT NULL,
    deadline_due  INTEGER NOT NULL,
    deadline_met  INTEGER NOT NULL,
    response_due  INTEGER NOT NULL,
    response_met  INTEGER NOT NULL,
    PRIMARY KEY (month, case_type, board, district, channel)
) WITHOUT ROWID;
-- Closed cases by the day (month) they closed and how many whole days
-- they took.
CREATE TABLE case_resolution_day (
    day       TEXT NOT NULL,
    case_type TEXT NOT NULL,
    board     TEXT NOT NULL,
    district  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    days      INTEGER NOT NULL,
    closed    INTEGER NOT NULL,
    PRIMARY KEY (day, case_type, board, district, channel, days)
) WITHOUT ROWID;
CREATE TABLE case_resolution_month (
    month     TEXT NOT NULL,
    case_type TEXT NOT NULL,
    board     TEXT NOT NULL,
    district  TEXT NOT NULL,
    channel   TEXT NOT NULL,
    days      INTEGER NOT NULL,
    closed    INTEGER NOT NULL,
    PRIMARY KEY (month, case_type, board, district, channel, days)
) WITHOUT ROWID;

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

-- A fact's counts are taken off before it changes (the view still shows
-- the old fact) and added after; a fact that changed in nothing counted
-- (only its case_id, at retention) fires neither.
CREATE TRIGGER case_facts_count AFTER INSERT ON case_facts
BEGIN
    INSERT INTO case_counts_day
    SELECT day, case_type, board, district, channel, cases, first_contact, handed_over,
           closed, deadline_due, deadline_met, response_due, response_met
    FROM case_fact_counts WHERE id = NEW.id
    ON CONFLICT (day, case_type, board, district, channel) DO UPDATE SET cases = cases + excluded.cases,
        first_contact = first_contact + excluded.first_contact, handed_over = handed_over + excluded.handed_over,
        closed = closed + excluded.closed, deadline_due = deadline_due + excluded.deadline_due,
        deadline_met = deadline_met + excluded.deadline_met, response_due = response_due + excluded.response_due,
        response_met = response_met + excluded.response_met;
    INSERT INTO case_counts_month
    SELECT month, case_type, board, district, channel, cases, first_contact, handed_over,
           closed, deadline_due, deadline_met, response_due, response_met
    FROM case_fact_counts WHERE id = NEW.id
    ON CONFLICT (month, case_type, board, district, channel) DO UPDATE SET cases = cases + excluded.cases,
        first_contact = first_contact + excluded.first_contact, handed_over = handed_over + excluded.handed_over,
        closed = closed + excluded.closed, deadline_due = deadline_due + excluded.deadline_due,
        deadline_met = deadline_met + excluded.deadline_met, response_due = response_due + excluded.response_due,
        response_met = response_met + excluded.response_met;
    INSERT INTO case_resolution_day
    SELECT closed_day, case_type, board, district, channel, resolution_days, 1
    FROM case_fact_counts WHERE id = NEW.id AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (day, case_type, board, district, channel, days) DO UPDATE SET closed = closed + 1;
    INSERT INTO case_resolution_month
    SELECT closed_month, case_type, board, district, channel, resolution_days, 1
    FROM case_fact_counts WHERE id = NEW.id AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (month, case_type, board, district, channel, days) DO UPDATE SET closed = closed + 1;
END;

CREATE TRIGGER case_facts_uncount BEFORE UPDATE ON case_facts
WHEN OLD.created_day IS NOT NEW.created_day OR OLD.case_type IS NOT NEW.case_type
  OR OLD.board IS NOT NEW.board OR OLD.district IS NOT NEW.district OR OLD.channel IS NOT NEW.channel
  OR OLD.first_contact IS NOT NEW.first_contact OR OLD.handed_over IS NOT NEW.handed_over
  OR OLD.closed_day IS NOT NEW.closed_day OR OLD.resolution_days IS NOT NEW.resolution_days
  OR OLD.feedback_deadline IS NOT NEW.feedback_deadline OR OLD.response_due IS NOT NEW.response_due
  OR OLD.first_response IS NOT NEW.first_response
BEGIN
    INSERT INTO case_counts_day
    SELECT day, case_type, board, district, channel, -cases, -first_contact, -handed_over,
           -closed, -deadline_due, -deadline_met, -response_due, -response_met
    FROM case_fact_counts WHERE id = OLD.id
    ON CONFLICT (day, case_type, board, district, channel) DO UPDATE SET cases = cases + excluded.cases,
        first_contact = first_contact + excluded.first_contact, handed_over = handed_over + excluded.handed_over,
        closed = closed + excluded.closed, deadline_due = deadline_due + excluded.deadline_due,
        deadline_met = deadline_met + excluded.deadline_met, response_due = response_due + excluded.response_due,
        response_met = response_met + excluded.response_met;
    INSERT INTO case_counts_month
    SELECT month, case_type, board, district, channel, -cases, -first_contact, -handed_over,
           -closed, -deadline_due, -deadline_met, -response_due, -response_met
    FROM case_fact_counts WHERE id = OLD.id
    ON CONFLICT (month, case_type, board, district, channel) DO UPDATE SET cases = cases + excluded.cases,
        first_contact = first_contact + excluded.first_contact, handed_over = handed_over + excluded.handed_over,
        closed = closed + excluded.closed, deadline_due = deadline_due + excluded.deadline_due,
        deadline_met = deadline_met + excluded.deadline_met, response_due = response_due + excluded.response_due,
        response_met = response_met + excluded.response_met;
    INSERT INTO case_resolution_day
    SELECT closed_day, case_type, board, district, channel, resolution_days, -1
    FROM case_fact_counts WHERE id = OLD.id AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (day, case_type, board, district, channel, days) DO UPDATE SET closed = closed - 1;
    INSERT INTO case_resolution_month
    SELECT closed_month, case_type, board, district, channel, resolution_days, -1
    FROM case_fact_counts WHERE id = OLD.id AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (month, case_type, board, district, channel, days) DO UPDATE SET closed = closed - 1;
END;

CREATE TRIGGER case_facts_recount AFTER UPDATE ON case_facts
WHEN OLD.created_day IS NOT NEW.created_day OR OLD.case_type IS NOT NEW.case_type
  OR OLD.board IS NOT NEW.board OR OLD.district IS NOT NEW.district OR OLD.channel IS NOT NEW.channel
  OR OLD.first_contact IS NOT NEW.first_contact OR OLD.handed_over IS NOT NEW.handed_over
  OR OLD.closed_day IS NOT NEW.closed_day OR OLD.resolution_days IS NOT NEW.resolution_days
  OR OLD.feedback_deadline IS NOT NEW.feedback_deadline OR OLD.response_due IS NOT NEW.response_due
  OR OLD.first_response IS NOT NEW.first_response
BEGIN
    INSERT INTO case_counts_day
    SELECT day, case_type, board, district, channel, cases, first_contact, handed_over,
           closed, deadline_due, deadline_met, response_due, response_met
    FROM case_fact_counts WHERE id = NEW.id
    ON CONFLICT (day, case_type, board, district, channel) DO UPDATE SET cases = cases + excluded.cases,
        first_contact = first_contact + excluded.first_contact, handed_over = handed_over + excluded.handed_over,
        closed = closed + excluded.closed, deadline_due = deadline_due + excluded.deadline_due,
        deadline_met = deadline_met + excluded.deadline_met, response_due = response_due + excluded.response_due,
        response_met = response_met + excluded.response_met;
    INSERT INTO case_counts_month
    SELECT month, case_type, board, district, channel, cases, first_contact, handed_over,
           closed, deadline_due, deadline_met, response_due, response_met
    FROM case_fact_counts WHERE id = NEW.id
    ON CONFLICT (month, case_type, board, district, channel) DO UPDATE SET cases = cases + excluded.cases,
        first_contact = first_contact + excluded.first_contact, handed_over = handed_over + excluded.handed_over,
        closed = closed + excluded.closed, deadline_due = deadline_due + excluded.deadline_due,
        deadline_met = deadline_met + excluded.deadline_met, response_due = response_due + excluded.response_due,
        response_met = response_met + excluded.response_met;
    INSERT INTO case_resolution_day
    SELECT closed_day, case_type, board, district, channel, resolution_days, 1
    FROM case_fact_counts WHERE id = NEW.id AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (day, case_type, board, district, channel, days) DO UPDATE SET closed = closed + 1;
    INSERT INTO case_resolution_month
    SELECT closed_month, case_type, board, district, channel, resolution_days, 1
    FROM case_fact_counts WHERE id = NEW.id AND closed_day IS NOT NULL AND resolution_days IS NOT NULL
    ON CONFLICT (month, case_type, board, district, channel, days) DO UPDATE SET closed = closed + 1;
END;

-- Facts whose counts still depend on the moment of asking: open cases
-- with a feedback deadline, written contacts not yet answered.
CREATE INDEX case_facts_pending ON case_facts (created_day)
WHERE (closed_day IS NULL AND feedback_deadline IS NOT NULL)
   OR (first_response IS NULL AND response_due IS NOT NULL);

-- Calls, counted per Stockholm day (month) of arrival and answer group,
-- outcome, queue time in whole seconds (rounded up, so 20.4 s is not
-- within 20 s), overflow and callback ('' none, 'kept', 'missed').
CREATE TABLE call_counts_day (
    day          TEXT NOT NULL,
    answer_group TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    queue_secs   INTEGER NOT NULL,
    overflowed   INTEGER NOT NULL,
    callback     TEXT NOT NULL,
    calls        INTEGER NOT NULL,
    queue_ms     INTEGER NOT NULL,
    handle_ms    INTEGER NOT NULL,
    PRIMARY KEY (day, answer_group, outcome, queue_secs, overflowed, callback)
) WITHOUT ROWID;
CREATE TABLE call_counts_month (
    month        TEXT NOT NULL,
    answer_group TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    queue_secs   INTEGER NOT NULL,
    overflowed   INTEGER NOT NULL,
    callback     TEXT NOT NULL,
    calls        INTEGER NOT NULL,
    queue_ms     INTEGER NOT NULL,
    handle_ms    INTEGER NOT NULL,
    PRIMARY KEY (month, answer_group, outcome, queue_secs, overflowed, callback)
) WITHOUT ROWID;
-- A closed call is never changed again, so counting it once is enough.
ALTER TABLE calls ADD COLUMN counted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX calls_uncounted ON calls (id) WHERE NOT counted AND outcome IS NOT NULL;

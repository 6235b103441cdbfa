-- "My cases" on the desk's start page lists the cases assigned to one
-- person (an officer who accepted a hand-over); few cases have one.
CREATE INDEX cases_assignee_person ON cases (assignee_person, id) WHERE assignee_person IS NOT NULL;

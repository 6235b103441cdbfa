-- Baselines (nollmätningar): the key figures of a selection frozen before
-- a service area moves to the contact centre, to compare later periods
-- with. Anonymous like every statistic; never changed once frozen.
CREATE TABLE stats_baselines (
    id        BIGSERIAL PRIMARY KEY,
    name      TEXT NOT NULL,
    -- The selection (period kind and dimensions) as JSON.
    scope     TEXT NOT NULL,
    period    TEXT NOT NULL,
    -- The figures as JSON.
    figures   TEXT NOT NULL,
    frozen_by TEXT NOT NULL,
    frozen_at TIMESTAMPTZ NOT NULL
);

-- Full-text search over descriptions and timeline text. The terms are
-- Swedish stems computed by the program (kontakt_domain::text), so the
-- 'simple' configuration only splits them; one row per case at
-- registration and one per later entry with text.
CREATE TABLE case_search (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    terms   TSVECTOR NOT NULL
);
CREATE INDEX case_search_terms ON case_search USING GIN (terms);
CREATE INDEX case_search_case ON case_search (case_id);

-- Bulk loads (the generator) queue their terms here; they are moved into
-- the index in large transactions.
CREATE TABLE case_search_queue (
    case_id BIGINT NOT NULL,
    terms   TEXT NOT NULL
);

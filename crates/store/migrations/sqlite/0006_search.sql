-- Full-text search over descriptions and timeline text. The terms are
-- Swedish stems computed by the program (kontakt_domain::text), one row per
-- case at registration and one per later entry with text.
CREATE VIRTUAL TABLE case_search USING fts5(
    terms,
    case_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 0'
);

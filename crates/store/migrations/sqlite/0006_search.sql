-- Full-text search over descriptions and timeline text. The terms are
-- Swedish stems computed by the program (kontakt_domain::text). The index
-- keeps no copy of the text (contentless) and no positions (only whole
-- terms are searched). rowid = case id × 1024 + slot: slot 0 holds the
-- text at registration, slot N the entry with sequence number N.
CREATE VIRTUAL TABLE case_search USING fts5(
    terms,
    content = '',
    contentless_delete = 1,
    detail = none,
    tokenize = 'unicode61 remove_diacritics 0'
);
-- Bulk loads (the generator) queue their terms here; they are moved into
-- the index in large transactions, which FTS5 handles far faster than
-- thousands of small ones.
CREATE TABLE case_search_queue (
    id    INTEGER PRIMARY KEY,
    terms TEXT NOT NULL
);

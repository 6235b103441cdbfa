-- Files attached to knowledge articles (a form, a map, a leaflet), kept in
-- `blobs` by their SHA-256 like case attachments; retention keeps a blob
-- an article still uses. `version` is the article's newest version when
-- the file was added: readers see a file once a version that new is
-- published, so a file added to a draft stays with the draft.
CREATE TABLE article_attachments (
    id           INTEGER PRIMARY KEY,
    article_id   INTEGER NOT NULL REFERENCES articles (id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL REFERENCES blobs (sha256),
    version      INTEGER NOT NULL,
    size         INTEGER NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     INTEGER NOT NULL
);
CREATE INDEX article_attachments_article ON article_attachments (article_id);
CREATE INDEX article_attachments_blob ON article_attachments (sha256);

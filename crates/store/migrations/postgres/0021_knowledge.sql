-- The knowledge base. An article is a row; its content lives in versions
-- (the history of who changed what), each draft → review → published;
-- the published version is what agents and residents read until a newer
-- one is published (the old one is then superseded). Every write also
-- counts up `knowledge_changes`, in its transaction, so a search index can
-- tell it is out of date whatever the writers' clocks say.
CREATE TABLE articles (
    id         BIGSERIAL PRIMARY KEY,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE article_versions (
    id         BIGSERIAL PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles (id),
    number     BIGINT NOT NULL,
    status     TEXT NOT NULL,
    -- The content (texts per language, owner, district, audience, case
    -- types, links, review date) as JSON the knowledge service wrote.
    content    TEXT NOT NULL,
    -- What the author says changed.
    note       TEXT NOT NULL DEFAULT '',
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    UNIQUE (article_id, number)
);
CREATE INDEX article_versions_published ON article_versions (article_id) WHERE status = 'published';

-- "This article is wrong or outdated", from an agent, until its owner
-- deals with it.
CREATE TABLE article_flags (
    id          BIGSERIAL PRIMARY KEY,
    article_id  BIGINT NOT NULL REFERENCES articles (id),
    version     BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    flagged_by  TEXT NOT NULL,
    flagged_at  TIMESTAMPTZ NOT NULL,
    resolved_by TEXT,
    resolved_at TIMESTAMPTZ
);
CREATE INDEX article_flags_open ON article_flags (article_id) WHERE resolved_at IS NULL;

-- The article an agent gave as the answer on a case: which answers solve
-- first-contact cases.
CREATE TABLE article_answers (
    article_id  BIGINT NOT NULL REFERENCES articles (id),
    case_number TEXT NOT NULL,
    marked_by   TEXT NOT NULL,
    marked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, case_number)
);

-- Questions residents asked the web assistant that found no article:
-- the knowledge base's gaps. Kept as the question's word stems (no
-- digits, no free text), counted per day, so nothing personal is stored.
CREATE TABLE knowledge_gaps (
    day          DATE NOT NULL,
    terms        TEXT NOT NULL,
    lang         TEXT NOT NULL,
    service_area TEXT NOT NULL,
    asked        BIGINT NOT NULL,
    PRIMARY KEY (day, terms, lang)
);

CREATE TABLE knowledge_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO knowledge_changes (id, n) VALUES (1, 0);

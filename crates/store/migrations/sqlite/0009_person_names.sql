-- Agents look residents up by the start of their name; the lookup is a
-- range over names in byte order (SQLite's default), served by this index.
CREATE INDEX persons_name ON persons (name);

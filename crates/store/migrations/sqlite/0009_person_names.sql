-- Agents look residents up by the start of their name ("Anna L") or of
-- their family name ("Lindqvist"). Both lookups are ranges in byte order
-- (SQLite's default), each served by an index; the second is on the last
-- word of the name, with the very expression the list query uses.
CREATE INDEX persons_name ON persons (name);
CREATE INDEX persons_family_name ON persons (substr(name, length(rtrim(name, replace(name, ' ', ''))) + 1));

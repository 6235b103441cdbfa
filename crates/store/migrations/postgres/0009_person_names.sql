-- Agents look residents up by the start of their name ("Anna L") or of
-- their family name ("Lindqvist"). Both lookups are ranges in byte order,
-- so the indexes use the "C" collation (a linguistic collation would not
-- keep a prefix's names together); the second is on the last word of the
-- name, with the very expression the list query uses.
CREATE INDEX persons_name ON persons ((name COLLATE "C"));
CREATE INDEX persons_family_name ON persons ((split_part(name, ' ', -1) COLLATE "C"));

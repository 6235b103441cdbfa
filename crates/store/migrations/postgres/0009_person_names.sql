-- Agents look residents up by the start of their name; the lookup is a
-- range over names in byte order, so the index uses the "C" collation
-- (a linguistic collation would not keep a prefix's names together).
CREATE INDEX persons_name ON persons ((name COLLATE "C"));

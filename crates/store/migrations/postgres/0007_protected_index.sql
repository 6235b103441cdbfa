-- Every list for someone without the protected-identity grant excludes the
-- (few) protected persons; without this index that subquery read the whole
-- persons table on every list (30 ms at a million cases).
CREATE INDEX persons_protected ON persons (id) WHERE protected_identity;

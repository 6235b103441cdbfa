//! Versioned migrations, one folder per backend with the same numbering.
//! Never edit an applied migration; add a new one.

/// (version, name, SQL) for SQLite, in order.
pub(crate) const SQLITE: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "timeline_no_replace",
        include_str!("../migrations/sqlite/0002_timeline_no_replace.sql"),
    ),
    (
        3,
        "audit_log",
        include_str!("../migrations/sqlite/0003_audit_log.sql"),
    ),
    (
        4,
        "staff",
        include_str!("../migrations/sqlite/0004_staff.sql"),
    ),
    (
        5,
        "rights",
        include_str!("../migrations/sqlite/0005_rights.sql"),
    ),
    (
        6,
        "search",
        include_str!("../migrations/sqlite/0006_search.sql"),
    ),
    (
        7,
        "protected_index",
        include_str!("../migrations/sqlite/0007_protected_index.sql"),
    ),
];

/// (version, name, SQL) for PostgreSQL, in order.
pub(crate) const POSTGRES: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "timeline_no_truncate",
        include_str!("../migrations/postgres/0002_timeline_no_truncate.sql"),
    ),
    (
        3,
        "audit_log",
        include_str!("../migrations/postgres/0003_audit_log.sql"),
    ),
    (
        4,
        "staff",
        include_str!("../migrations/postgres/0004_staff.sql"),
    ),
    (
        5,
        "rights",
        include_str!("../migrations/postgres/0005_rights.sql"),
    ),
    (
        6,
        "search",
        include_str!("../migrations/postgres/0006_search.sql"),
    ),
    (
        7,
        "protected_index",
        include_str!("../migrations/postgres/0007_protected_index.sql"),
    ),
];

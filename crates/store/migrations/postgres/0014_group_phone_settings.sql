-- What an answer group's team changed about its phone line (greeting, own
-- hours, absence message): one row per group, the settings as JSON (the
-- domain's GroupPhoneSettings). Every change is also in the audit log, with
-- the settings before and after.
CREATE TABLE group_phone_settings (
    group_code TEXT PRIMARY KEY,
    settings   TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL
);

-- The cap on messages to one address a day counts a recipient's recent
-- messages at every new case on a public channel: without this index that
-- count read the whole outbox (mail intake fell from ~1 000 to ~20 a second
-- on a city-sized database).
CREATE INDEX outbox_recipient ON outbox (recipient, channel, created_at);

-- Retention: finished chats older than this many days are deleted; 0 keeps them.
ALTER TABLE portals ADD COLUMN retention_days BIGINT NOT NULL DEFAULT 0;

-- Full-text search over what agents look for: text messages, visitors' names and emails,
-- tickets' text. The `simple` configuration (no stemming: visitors write in any language);
-- `@` and `.` are read as spaces so that every part of an email is a word.

ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', CASE WHEN type = 1 THEN coalesce(content::jsonb ->> 'content', '') ELSE '' END)
) STORED;
CREATE INDEX messages_search ON messages USING gin (search);

CREATE INDEX visitors_search ON visitors USING gin (
    to_tsvector('simple', name || ' ' || translate(email, '@.', '  '))
);

CREATE INDEX tickets_search ON tickets USING gin (
    to_tsvector('simple', name || ' ' || translate(email, '@.', '  ') || ' ' || note)
);

CREATE INDEX conversations_by_portal_time ON conversations (portal_id, created_at);

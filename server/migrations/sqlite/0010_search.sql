-- Full-text search (FTS5) over what agents look for: text messages, visitors' names and
-- emails, tickets' text. Each index row shares its rowid with the row it indexes, so triggers
-- keep the two in step (an insert first clears its rowid: an index row is never in the way of
-- a message); diacritics are folded, so "tieng" finds "tiếng".

CREATE VIRTUAL TABLE message_search USING fts5 (
    body, conv_id UNINDEXED, seq UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO message_search (rowid, body, conv_id, seq)
    SELECT rowid, json_extract(content, '$.content'), conv_id, seq FROM messages
    WHERE type = 1 AND json_valid(content);
CREATE TRIGGER message_search_insert AFTER INSERT ON messages
    WHEN new.type = 1 AND json_valid(new.content)
BEGIN
    DELETE FROM message_search WHERE rowid = new.rowid;
    INSERT INTO message_search (rowid, body, conv_id, seq)
        VALUES (new.rowid, json_extract(new.content, '$.content'), new.conv_id, new.seq);
END;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM message_search WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE visitor_search USING fts5 (
    name, email, user_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO visitor_search (rowid, name, email, user_id)
    SELECT rowid, name, email, user_id FROM visitors;
CREATE TRIGGER visitor_search_insert AFTER INSERT ON visitors
BEGIN
    DELETE FROM visitor_search WHERE rowid = new.rowid;
    INSERT INTO visitor_search (rowid, name, email, user_id)
        VALUES (new.rowid, new.name, new.email, new.user_id);
END;
CREATE TRIGGER visitor_search_update AFTER UPDATE OF name, email ON visitors
BEGIN
    DELETE FROM visitor_search WHERE rowid = new.rowid;
    INSERT INTO visitor_search (rowid, name, email, user_id)
        VALUES (new.rowid, new.name, new.email, new.user_id);
END;
CREATE TRIGGER visitor_search_delete AFTER DELETE ON visitors
BEGIN
    DELETE FROM visitor_search WHERE rowid = old.rowid;
END;

CREATE VIRTUAL TABLE ticket_search USING fts5 (
    body, conv_id UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO ticket_search (rowid, body, conv_id)
    SELECT rowid, name || ' ' || email || ' ' || note, conv_id FROM tickets
    WHERE conv_id IS NOT NULL;
CREATE TRIGGER ticket_search_insert AFTER INSERT ON tickets WHEN new.conv_id IS NOT NULL
BEGIN
    DELETE FROM ticket_search WHERE rowid = new.rowid;
    INSERT INTO ticket_search (rowid, body, conv_id)
        VALUES (new.rowid, new.name || ' ' || new.email || ' ' || new.note, new.conv_id);
END;
CREATE TRIGGER ticket_search_delete AFTER DELETE ON tickets
BEGIN
    DELETE FROM ticket_search WHERE rowid = old.rowid;
END;

-- Search lists a portal's conversations newest first.
CREATE INDEX conversations_by_portal_time ON conversations (portal_id, created_at);

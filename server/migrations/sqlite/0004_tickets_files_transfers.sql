-- Tickets (what a visitor leaves when nobody answered), uploaded files and who may read them,
-- visitors' extra profile fields, and a portal's origin rules put to use.

CREATE TABLE tickets (
    id         TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    -- The visitor's user id when the ticket came from a known browser.
    visitor_id TEXT,
    -- The missed chat the ticket follows, when there was one.
    conv_id    TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    queue_id   TEXT REFERENCES queues (id) ON DELETE SET NULL,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE INDEX tickets_by_portal ON tickets (portal_id, created_at);

CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    portal_id    TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    uploader     TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);

-- A file becomes readable by a conversation's members once its uploader sends it there.
CREATE TABLE file_links (
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    conv_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (file_id, conv_id)
);

-- What UPDATE_USER_INFO sends beyond name and email (browser, page, device…), as JSON.
ALTER TABLE visitors ADD COLUMN details TEXT NOT NULL DEFAULT '{}';

-- Canned responses: replies agents insert with `/` in the reply box. A portal-wide one (owner
-- NULL) is managed by the portal's admins; a personal one belongs to its agent.
CREATE TABLE canned_responses (
    id         TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    owner      TEXT,
    shortcut   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX canned_by_portal ON canned_responses (portal_id, owner);

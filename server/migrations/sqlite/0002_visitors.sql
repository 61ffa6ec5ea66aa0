-- Visitors: the people who chat from a portal's site. Their user id is derived from the id their
-- browser keeps (see docs/protocol.md), so one browser stays one visitor across tokens.

CREATE TABLE visitors (
    user_id    TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    avatar_url TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX visitors_by_portal ON visitors (portal_id);

-- Portals (one website's live chat), their API keys, queues and agents.

CREATE TABLE portals (
    id                 TEXT PRIMARY KEY,
    widget_key         TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    language           TEXT NOT NULL DEFAULT 'en',
    color              TEXT NOT NULL DEFAULT '#2563eb',
    logo_url           TEXT NOT NULL DEFAULT '',
    auto_create_ticket INTEGER NOT NULL DEFAULT 0,
    agent_max_serve    INTEGER NOT NULL DEFAULT 3 CHECK (agent_max_serve > 0),
    enabled            INTEGER NOT NULL DEFAULT 1,
    business_hours     TEXT NOT NULL DEFAULT '',
    -- Comma-separated origins allowed to call the REST API and open the socket; empty = any.
    allowed_origins    TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL
);

CREATE TABLE api_keys (
    sid        TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE queues (
    id                TEXT PRIMARY KEY,
    portal_id         TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    position          INTEGER NOT NULL,
    answer_timeout_ms INTEGER NOT NULL DEFAULT 15000 CHECK (answer_timeout_ms > 0),
    queue_timeout_ms  INTEGER NOT NULL DEFAULT 60000 CHECK (queue_timeout_ms > 0),
    UNIQUE (portal_id, name)
);

CREATE TABLE agents (
    user_id       TEXT PRIMARY KEY,
    portal_id     TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    max_chats     INTEGER NOT NULL DEFAULT 3 CHECK (max_chats > 0),
    created_at    INTEGER NOT NULL
);

CREATE TABLE queue_agents (
    queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, user_id)
);

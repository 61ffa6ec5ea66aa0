-- Parlor on PostgreSQL: the schema the SQLite migrations 0001–0006 arrive at, in one step.
-- Times are milliseconds since the Unix epoch (BIGINT), as on SQLite, so that rows move between
-- the two backends unchanged (`parlor migrate`). Later changes get a migration in each folder.

CREATE TABLE portals (
    id                    TEXT PRIMARY KEY,
    widget_key            TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    language              TEXT NOT NULL DEFAULT 'en',
    color                 TEXT NOT NULL DEFAULT '#2563eb',
    logo_url              TEXT NOT NULL DEFAULT '',
    auto_create_ticket    BOOLEAN NOT NULL DEFAULT FALSE,
    agent_max_serve       BIGINT NOT NULL DEFAULT 3 CHECK (agent_max_serve > 0),
    enabled               BOOLEAN NOT NULL DEFAULT TRUE,
    business_hours        TEXT NOT NULL DEFAULT '',
    -- Comma-separated origins allowed to call the REST API and open the socket; empty = any.
    allowed_origins       TEXT NOT NULL DEFAULT '',
    created_at            BIGINT NOT NULL,
    position              TEXT NOT NULL DEFAULT 'right' CHECK (position IN ('left', 'right')),
    greeting              TEXT NOT NULL DEFAULT '',
    offline_message       TEXT NOT NULL DEFAULT '',
    reply_time_text       TEXT NOT NULL DEFAULT '',
    -- When on, visitors' tokens must come from the site's backend (signed with an API key).
    identity_verification BOOLEAN NOT NULL DEFAULT FALSE,
    -- Days the portal is closed whatever its weekly hours say, as a JSON list of `YYYY-MM-DD`.
    closed_dates          TEXT NOT NULL DEFAULT '[]',
    -- The pre-chat form's extra fields and consent, as a JSON object.
    prechat_fields        TEXT NOT NULL DEFAULT '{}',
    -- The secret that visitors' user ids are derived from.
    visitor_secret        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE api_keys (
    sid        TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    -- The key Parlor signs its own tokens with; not in the admin's list.
    internal   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX api_keys_by_portal ON api_keys (portal_id);

CREATE TABLE queues (
    id                TEXT PRIMARY KEY,
    portal_id         TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    position          BIGINT NOT NULL,
    answer_timeout_ms BIGINT NOT NULL DEFAULT 15000 CHECK (answer_timeout_ms > 0),
    queue_timeout_ms  BIGINT NOT NULL DEFAULT 60000 CHECK (queue_timeout_ms > 0),
    UNIQUE (portal_id, name)
);

CREATE TABLE agents (
    user_id       TEXT PRIMARY KEY,
    portal_id     TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    max_chats     BIGINT NOT NULL DEFAULT 3 CHECK (max_chats > 0),
    created_at    BIGINT NOT NULL,
    role          TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin')),
    -- A deactivated agent cannot sign in, and their tokens are refused.
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    avatar_url    TEXT NOT NULL DEFAULT '',
    -- A deleted agent's row stays (inactive, email released); lists leave it out.
    deleted_at    BIGINT
);

CREATE INDEX agents_by_portal ON agents (portal_id);
CREATE INDEX agents_by_email ON agents (lower(email));

CREATE TABLE queue_agents (
    queue_id TEXT NOT NULL REFERENCES queues (id) ON DELETE CASCADE,
    user_id  TEXT NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    PRIMARY KEY (queue_id, user_id)
);

CREATE INDEX queue_agents_by_user ON queue_agents (user_id);

CREATE TABLE visitors (
    user_id    TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    avatar_url TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- What UPDATE_USER_INFO sends beyond name and email (browser, page, device…), as JSON.
    details    TEXT NOT NULL DEFAULT '{}'
);

CREATE INDEX visitors_by_portal ON visitors (portal_id);

CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    portal_id       TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    queue_id        TEXT REFERENCES queues (id) ON DELETE SET NULL,
    -- Stringee's convName: the queue id for a live chat.
    name            TEXT NOT NULL,
    creator         TEXT NOT NULL,
    -- The creator's localDbId: a resent create answers the same conversation.
    create_local_id TEXT,
    channel_type    BIGINT NOT NULL DEFAULT 1,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'active', 'ended', 'missed')),
    agent_id        TEXT,
    custom_data     TEXT NOT NULL DEFAULT '',
    -- Highest seq handed out; moved in the same transaction as each message's insert, under
    -- the conversation's row lock, so that nodes never hand out one seq twice.
    last_seq        BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    ended_at        BIGINT,
    ended_by        TEXT,
    rating          BIGINT,
    rating_comment  TEXT,
    UNIQUE (creator, create_local_id)
);

CREATE INDEX conversations_by_portal ON conversations (portal_id, status);
CREATE INDEX conversations_by_agent ON conversations (agent_id, status);

CREATE TABLE participants (
    conv_id            TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id            TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('visitor', 'agent')),
    joined_at          BIGINT NOT NULL,
    left_at            BIGINT,
    last_delivered_seq BIGINT NOT NULL DEFAULT 0,
    last_read_seq      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (conv_id, user_id)
);

CREATE INDEX participants_by_user ON participants (user_id);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    conv_id     TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    sender      TEXT NOT NULL,
    type        BIGINT NOT NULL,
    -- The message object as the client sent it, as JSON text.
    content     TEXT NOT NULL,
    local_db_id TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (conv_id, seq),
    UNIQUE (conv_id, sender, local_db_id)
);

CREATE TABLE tickets (
    id         TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    visitor_id TEXT,
    conv_id    TEXT REFERENCES conversations (id) ON DELETE SET NULL,
    queue_id   TEXT REFERENCES queues (id) ON DELETE SET NULL,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The ticket's answers to the portal's pre-chat fields, `[{label, value}]` as JSON.
    fields     TEXT NOT NULL DEFAULT '[]'
);

CREATE INDEX tickets_by_portal ON tickets (portal_id, created_at);

CREATE TABLE files (
    id           TEXT PRIMARY KEY,
    portal_id    TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    uploader     TEXT NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);

CREATE TABLE file_links (
    file_id TEXT NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    conv_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    PRIMARY KEY (file_id, conv_id)
);

CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);

CREATE TABLE audit_log (
    id         BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);

CREATE INDEX audit_by_portal ON audit_log (portal_id, id);

-- Live chat conversations, their members and their messages.

CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    portal_id       TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    queue_id        TEXT REFERENCES queues (id) ON DELETE SET NULL,
    -- Stringee's convName: the queue id for a live chat.
    name            TEXT NOT NULL,
    creator         TEXT NOT NULL,
    -- The creator's localDbId: a resent create answers the same conversation.
    create_local_id TEXT,
    channel_type    INTEGER NOT NULL DEFAULT 1,
    -- queued: waiting for an agent; active: an agent took it; ended; missed: nobody took it.
    status          TEXT NOT NULL CHECK (status IN ('queued', 'active', 'ended', 'missed')),
    agent_id        TEXT,
    custom_data     TEXT NOT NULL DEFAULT '',
    -- Highest seq handed out; incremented in the same transaction as each message's insert.
    last_seq        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    ended_at        INTEGER,
    ended_by        TEXT,
    rating          INTEGER,
    rating_comment  TEXT,
    UNIQUE (creator, create_local_id)
);

CREATE INDEX conversations_by_portal ON conversations (portal_id, status);

CREATE TABLE participants (
    conv_id            TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id            TEXT NOT NULL,
    role               TEXT NOT NULL CHECK (role IN ('visitor', 'agent')),
    joined_at          INTEGER NOT NULL,
    -- Set when an agent transfers the chat away: they keep their history, not the chat.
    left_at            INTEGER,
    last_delivered_seq INTEGER NOT NULL DEFAULT 0,
    last_read_seq      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (conv_id, user_id)
);

CREATE INDEX participants_by_user ON participants (user_id);

CREATE TABLE messages (
    id          TEXT PRIMARY KEY,
    conv_id     TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    sender      TEXT NOT NULL,
    type        INTEGER NOT NULL,
    -- The message object as the client sent it (content, photo{…}, file{…}, …), as JSON.
    content     TEXT NOT NULL,
    local_db_id TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (conv_id, seq),
    -- A resent message (same sender, same localDbId) is the same message.
    UNIQUE (conv_id, sender, local_db_id)
);

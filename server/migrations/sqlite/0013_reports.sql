-- What reports are computed from, recorded as each chat goes: when and by whom it was first
-- accepted, the first agent message after that, how many times it was transferred, and how
-- many messages visitor and agents wrote (not the "created" marker, type 7, nor notifications,
-- type 100). Kept by triggers, in the transaction of the change they follow.

ALTER TABLE conversations ADD COLUMN accepted_at INTEGER;
ALTER TABLE conversations ADD COLUMN accepted_by TEXT;
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
ALTER TABLE conversations ADD COLUMN transfers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN messages INTEGER NOT NULL DEFAULT 0;
-- When the visitor last rated the chat.
ALTER TABLE conversations ADD COLUMN rated_at INTEGER;

-- Chats from before: accepted when the first agent joined, by the agent who did.
UPDATE conversations SET
    accepted_at = (SELECT min(joined_at) FROM participants p
                   WHERE p.conv_id = conversations.id AND p.role = 'agent'),
    accepted_by = (SELECT user_id FROM participants p
                   WHERE p.conv_id = conversations.id AND p.role = 'agent'
                   ORDER BY joined_at LIMIT 1),
    messages = (SELECT count(*) FROM messages m
                WHERE m.conv_id = conversations.id AND m.type NOT IN (7, 100));
UPDATE conversations SET first_response_at = (
    SELECT min(m.created_at) FROM messages m
    WHERE m.conv_id = conversations.id AND m.sender <> conversations.creator
      AND m.type NOT IN (7, 100) AND m.created_at >= conversations.accepted_at)
WHERE accepted_at IS NOT NULL;

CREATE INDEX conversations_by_start ON conversations (portal_id, created_at);

CREATE TRIGGER conversations_accepted AFTER UPDATE OF status ON conversations
WHEN OLD.status = 'queued' AND NEW.status = 'active' AND NEW.accepted_at IS NULL
BEGIN
    UPDATE conversations SET accepted_at = NEW.updated_at, accepted_by = NEW.agent_id
    WHERE id = NEW.id;
END;

CREATE TRIGGER conversations_transferred AFTER UPDATE OF agent_id ON conversations
WHEN OLD.status = 'active' AND NEW.status = 'active' AND OLD.agent_id IS NOT NEW.agent_id
BEGIN
    UPDATE conversations SET transfers = transfers + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER messages_counted AFTER INSERT ON messages
WHEN NEW.type NOT IN (7, 100)
BEGIN
    UPDATE conversations SET messages = messages + 1,
        first_response_at = CASE
            WHEN first_response_at IS NULL AND accepted_at IS NOT NULL AND NEW.sender <> creator
            THEN NEW.created_at ELSE first_response_at END
    WHERE id = NEW.conv_id;
END;

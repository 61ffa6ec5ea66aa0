-- What reports are computed from, recorded as each chat goes: when and by whom it was first
-- accepted, the first agent message after that, how many times it was transferred, how many
-- messages visitor and agents wrote (not the "created" marker, type 7, nor notifications,
-- type 100), when it was rated. Kept by triggers, in the transaction of the change they
-- follow; `parlor migrate` copies the columns as they are (`parlor.copying` set).

ALTER TABLE conversations ADD COLUMN accepted_at BIGINT;
ALTER TABLE conversations ADD COLUMN accepted_by TEXT;
ALTER TABLE conversations ADD COLUMN first_response_at BIGINT;
ALTER TABLE conversations ADD COLUMN transfers BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN messages BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN rated_at BIGINT;

-- Chats from before: accepted when the first agent joined, by the agent who did.
UPDATE conversations c SET
    accepted_at = (SELECT min(joined_at) FROM participants p
                   WHERE p.conv_id = c.id AND p.role = 'agent'),
    accepted_by = (SELECT user_id FROM participants p
                   WHERE p.conv_id = c.id AND p.role = 'agent' ORDER BY joined_at LIMIT 1),
    messages = (SELECT count(*) FROM messages m WHERE m.conv_id = c.id AND m.type NOT IN (7, 100));
UPDATE conversations c SET first_response_at = (
    SELECT min(m.created_at) FROM messages m
    WHERE m.conv_id = c.id AND m.sender <> c.creator AND m.type NOT IN (7, 100)
      AND m.created_at >= c.accepted_at)
WHERE accepted_at IS NOT NULL;

CREATE INDEX conversations_by_start ON conversations (portal_id, created_at);

-- Whether `parlor migrate` is copying rows (which carry their figures already).
CREATE FUNCTION parlor_copying() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE(current_setting('parlor.copying', true), '') = 'on'
$$;

CREATE FUNCTION conversations_figures() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF parlor_copying() THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'queued' AND NEW.status = 'active' AND NEW.accepted_at IS NULL THEN
        NEW.accepted_at := NEW.updated_at;
        NEW.accepted_by := NEW.agent_id;
    END IF;
    IF OLD.status = 'active' AND NEW.status = 'active'
       AND OLD.agent_id IS DISTINCT FROM NEW.agent_id THEN
        NEW.transfers := NEW.transfers + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER conversations_figures BEFORE UPDATE ON conversations
FOR EACH ROW EXECUTE FUNCTION conversations_figures();

CREATE FUNCTION messages_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF parlor_copying() OR NEW.type IN (7, 100) THEN
        RETURN NULL;
    END IF;
    UPDATE conversations SET messages = messages + 1,
        first_response_at = CASE
            WHEN first_response_at IS NULL AND accepted_at IS NOT NULL AND NEW.sender <> creator
            THEN NEW.created_at ELSE first_response_at END
    WHERE id = NEW.conv_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER messages_counted AFTER INSERT ON messages
FOR EACH ROW EXECUTE FUNCTION messages_counted();

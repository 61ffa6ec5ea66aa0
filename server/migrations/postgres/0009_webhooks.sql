-- Webhooks: endpoints an admin registers, and the outbox of their deliveries. A delivery is
-- written by a trigger in the transaction of the change it tells of, for every enabled endpoint
-- of the portal that asked for the event; the server sends the outbox's rows in order per
-- topic (the conversation, or the ticket) and retries them (see server/src/webhook/).

CREATE TABLE webhooks (
    id         TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    url        TEXT NOT NULL,
    -- The events asked for, each between commas: ",chat.created,message.created,".
    events     TEXT NOT NULL,
    -- Signs every delivery's body (HMAC-SHA256).
    secret     TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL
);

CREATE INDEX webhooks_by_portal ON webhooks (portal_id);

CREATE TABLE webhook_deliveries (
    -- The outbox's order.
    seq             BIGSERIAL PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    portal_id       TEXT NOT NULL,
    event           TEXT NOT NULL,
    -- What deliveries are ordered by: a conversation's id, or a ticket's.
    topic           TEXT NOT NULL,
    -- The event's `data`, JSON.
    data            TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    -- pending, delivered, failed.
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    -- Past this, a delivery that keeps failing is marked failed.
    expires_at      BIGINT NOT NULL,
    -- A node sending the delivery holds it until then.
    locked_until    BIGINT NOT NULL DEFAULT 0,
    -- The receiver's HTTP status of the last attempt, 0 when none came.
    last_status     BIGINT NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    BIGINT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_topic ON webhook_deliveries (webhook_id, topic, seq);

-- Writes a delivery of `event` for every enabled endpoint of `portal` that asked for it.
CREATE FUNCTION webhook_outbox(portal TEXT, event TEXT, topic TEXT, data JSONB, at BIGINT)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 24), w.id,
        w.portal_id, event, topic, data::text, at, at, at + 86400000
    FROM webhooks w
    WHERE w.portal_id = portal AND w.enabled AND position(',' || event || ',' IN w.events) > 0
$$;

-- Stored JSON text as jsonb; text that jsonb refuses (a `\u0000` escape) goes as a string, so
-- that no message or ticket is refused for its webhook.
CREATE FUNCTION webhook_json(text TEXT) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN text::jsonb;
EXCEPTION WHEN others THEN
    RETURN to_jsonb(text);
END
$$;

CREATE FUNCTION webhook_agent(agent TEXT) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT jsonb_build_object('id', agent,
        'name', (SELECT display_name FROM agents WHERE user_id = agent))
$$;

CREATE FUNCTION webhook_conversation_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF parlor_copying() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_outbox(NEW.portal_id, 'chat.created', NEW.id, jsonb_build_object(
        'conversation_id', NEW.id, 'queue_id', NEW.queue_id,
        'visitor', (SELECT jsonb_build_object('id', NEW.creator,
            'name', COALESCE(max(v.name), ''), 'email', COALESCE(max(v.email), ''))
            FROM visitors v WHERE v.user_id = NEW.creator)), NEW.created_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_conversation_inserted AFTER INSERT ON conversations
FOR EACH ROW EXECUTE FUNCTION webhook_conversation_inserted();

CREATE FUNCTION webhook_conversation_updated() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    at BIGINT;
BEGIN
    IF parlor_copying() THEN
        RETURN NULL;
    END IF;
    IF OLD.status = 'queued' AND NEW.status = 'active' THEN
        PERFORM webhook_outbox(NEW.portal_id, 'chat.accepted', NEW.id, jsonb_build_object(
            'conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'visitor_id', NEW.creator,
            'agent', webhook_agent(NEW.agent_id),
            'waited_ms', NEW.updated_at - NEW.created_at), NEW.updated_at);
    END IF;
    IF OLD.status = 'active' AND NEW.status = 'active'
       AND OLD.agent_id IS DISTINCT FROM NEW.agent_id THEN
        PERFORM webhook_outbox(NEW.portal_id, 'chat.transferred', NEW.id, jsonb_build_object(
            'conversation_id', NEW.id, 'queue_id', NEW.queue_id,
            'from_agent_id', OLD.agent_id, 'agent', webhook_agent(NEW.agent_id)),
            NEW.updated_at);
    END IF;
    IF OLD.status IN ('queued', 'active') AND NEW.status IN ('ended', 'missed') THEN
        at := COALESCE(NEW.ended_at, NEW.updated_at);
        PERFORM webhook_outbox(NEW.portal_id, 'chat.' || NEW.status, NEW.id, jsonb_build_object(
            'conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'visitor_id', NEW.creator,
            'agent_id', NEW.agent_id, 'status', NEW.status, 'ended_by', NEW.ended_by,
            'answered', OLD.status = 'active', 'duration_ms', at - NEW.created_at), at);
    END IF;
    IF NEW.rating IS NOT NULL AND (OLD.rating IS DISTINCT FROM NEW.rating
        OR OLD.rating_comment IS DISTINCT FROM NEW.rating_comment
        OR OLD.rated_at IS DISTINCT FROM NEW.rated_at) THEN
        at := COALESCE(NEW.rated_at, NEW.updated_at);
        PERFORM webhook_outbox(NEW.portal_id, 'chat.rated', NEW.id, jsonb_build_object(
            'conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'agent_id', NEW.agent_id,
            'rating', CASE NEW.rating WHEN 1 THEN 'good' ELSE 'bad' END,
            'comment', COALESCE(NEW.rating_comment, '')), at);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_conversation_updated AFTER UPDATE ON conversations
FOR EACH ROW EXECUTE FUNCTION webhook_conversation_updated();

CREATE FUNCTION webhook_message_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF parlor_copying() OR NEW.type IN (7, 100) THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_outbox(c.portal_id, 'message.created', NEW.conv_id, jsonb_build_object(
        'conversation_id', NEW.conv_id, 'message', jsonb_build_object(
            'id', NEW.id, 'seq', NEW.seq, 'sender', NEW.sender,
            'from', CASE WHEN NEW.sender = c.creator THEN 'visitor' ELSE 'agent' END,
            'type', NEW.type, 'content', webhook_json(NEW.content), 'created_at', NEW.created_at)),
        NEW.created_at)
    FROM conversations c WHERE c.id = NEW.conv_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_message_inserted AFTER INSERT ON messages
FOR EACH ROW EXECUTE FUNCTION webhook_message_inserted();

CREATE FUNCTION webhook_ticket_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF parlor_copying() THEN
        RETURN NULL;
    END IF;
    PERFORM webhook_outbox(NEW.portal_id, 'ticket.created', COALESCE(NEW.conv_id, NEW.id),
        jsonb_build_object('ticket_id', NEW.id, 'conversation_id', NEW.conv_id,
            'queue_id', NEW.queue_id, 'visitor_id', NEW.visitor_id, 'name', NEW.name,
            'email', NEW.email, 'phone', NEW.phone, 'note', NEW.note,
            'fields', webhook_json(NEW.fields)), NEW.created_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER webhook_ticket_inserted AFTER INSERT ON tickets
FOR EACH ROW EXECUTE FUNCTION webhook_ticket_inserted();

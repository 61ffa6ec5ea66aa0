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
    enabled    INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);

CREATE INDEX webhooks_by_portal ON webhooks (portal_id);

CREATE TABLE webhook_deliveries (
    -- The outbox's order.
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    portal_id       TEXT NOT NULL,
    event           TEXT NOT NULL,
    -- What deliveries are ordered by: a conversation's id, or a ticket's.
    topic           TEXT NOT NULL,
    -- The event's `data`, JSON.
    data            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    -- pending, delivered, failed.
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- Past this, a delivery that keeps failing is marked failed.
    expires_at      INTEGER NOT NULL,
    -- A node sending the delivery holds it until then.
    locked_until    INTEGER NOT NULL DEFAULT 0,
    -- The receiver's HTTP status of the last attempt, 0 when none came.
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    delivered_at    INTEGER
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_topic ON webhook_deliveries (webhook_id, topic, seq);

CREATE TRIGGER webhook_chat_created AFTER INSERT ON conversations
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'chat.created', NEW.id,
        json_object('conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'visitor', json_object('id', NEW.creator, 'name', COALESCE(v.name, ''), 'email', COALESCE(v.email, ''))), NEW.created_at, NEW.created_at, NEW.created_at + 86400000
    FROM webhooks w LEFT JOIN visitors v ON v.user_id = NEW.creator
    WHERE w.portal_id = NEW.portal_id AND w.enabled AND instr(w.events, ',' || 'chat.created' || ',') > 0;
END;

CREATE TRIGGER webhook_chat_accepted AFTER UPDATE OF status ON conversations
WHEN OLD.status = 'queued' AND NEW.status = 'active'
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'chat.accepted', NEW.id,
        json_object('conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'visitor_id', NEW.creator, 'agent', json_object('id', NEW.agent_id, 'name', (SELECT display_name FROM agents WHERE user_id = NEW.agent_id)), 'waited_ms', NEW.updated_at - NEW.created_at), NEW.updated_at, NEW.updated_at, NEW.updated_at + 86400000
    FROM webhooks w
    WHERE w.portal_id = NEW.portal_id AND w.enabled AND instr(w.events, ',' || 'chat.accepted' || ',') > 0;
END;

CREATE TRIGGER webhook_chat_transferred AFTER UPDATE OF agent_id ON conversations
WHEN OLD.status = 'active' AND NEW.status = 'active' AND OLD.agent_id IS NOT NEW.agent_id
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'chat.transferred', NEW.id,
        json_object('conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'from_agent_id', OLD.agent_id, 'agent', json_object('id', NEW.agent_id, 'name', (SELECT display_name FROM agents WHERE user_id = NEW.agent_id))), NEW.updated_at, NEW.updated_at, NEW.updated_at + 86400000
    FROM webhooks w
    WHERE w.portal_id = NEW.portal_id AND w.enabled AND instr(w.events, ',' || 'chat.transferred' || ',') > 0;
END;

CREATE TRIGGER webhook_chat_finished AFTER UPDATE OF status ON conversations
WHEN OLD.status IN ('queued', 'active') AND NEW.status IN ('ended', 'missed')
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'chat.' || NEW.status, NEW.id,
        json_object('conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'visitor_id', NEW.creator, 'agent_id', NEW.agent_id, 'status', NEW.status, 'ended_by', NEW.ended_by, 'answered', json(CASE WHEN OLD.status = 'active' THEN 'true' ELSE 'false' END), 'duration_ms', COALESCE(NEW.ended_at, NEW.updated_at) - NEW.created_at), COALESCE(NEW.ended_at, NEW.updated_at), COALESCE(NEW.ended_at, NEW.updated_at), COALESCE(NEW.ended_at, NEW.updated_at) + 86400000
    FROM webhooks w
    WHERE w.portal_id = NEW.portal_id AND w.enabled AND instr(w.events, ',' || 'chat.' || NEW.status || ',') > 0;
END;

CREATE TRIGGER webhook_chat_rated AFTER UPDATE OF rating ON conversations
WHEN NEW.rating IS NOT NULL
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'chat.rated', NEW.id,
        json_object('conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'agent_id', NEW.agent_id, 'rating', CASE NEW.rating WHEN 1 THEN 'good' ELSE 'bad' END, 'comment', COALESCE(NEW.rating_comment, '')), COALESCE(NEW.rated_at, NEW.updated_at), COALESCE(NEW.rated_at, NEW.updated_at), COALESCE(NEW.rated_at, NEW.updated_at) + 86400000
    FROM webhooks w
    WHERE w.portal_id = NEW.portal_id AND w.enabled AND instr(w.events, ',' || 'chat.rated' || ',') > 0;
END;

CREATE TRIGGER webhook_message_created AFTER INSERT ON messages
WHEN NEW.type NOT IN (7, 100)
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'message.created', NEW.conv_id,
        json_object('conversation_id', NEW.conv_id, 'message', json_object('id', NEW.id, 'seq', NEW.seq, 'sender', NEW.sender, 'from', CASE WHEN NEW.sender = c.creator THEN 'visitor' ELSE 'agent' END, 'type', NEW.type, 'content', json(NEW.content), 'created_at', NEW.created_at)), NEW.created_at, NEW.created_at, NEW.created_at + 86400000
    FROM webhooks w JOIN conversations c ON c.id = NEW.conv_id
    WHERE w.portal_id = c.portal_id AND w.enabled AND instr(w.events, ',' || 'message.created' || ',') > 0;
END;

CREATE TRIGGER webhook_ticket_created AFTER INSERT ON tickets
BEGIN
    INSERT INTO webhook_deliveries
        (id, webhook_id, portal_id, event, topic, data, created_at, next_attempt_at, expires_at)
    SELECT 'dlv-' || lower(hex(randomblob(12))), w.id, w.portal_id, 'ticket.created', COALESCE(NEW.conv_id, NEW.id),
        json_object('ticket_id', NEW.id, 'conversation_id', NEW.conv_id, 'queue_id', NEW.queue_id, 'visitor_id', NEW.visitor_id, 'name', NEW.name, 'email', NEW.email, 'phone', NEW.phone, 'note', NEW.note, 'fields', json(NEW.fields)), NEW.created_at, NEW.created_at, NEW.created_at + 86400000
    FROM webhooks w
    WHERE w.portal_id = NEW.portal_id AND w.enabled AND instr(w.events, ',' || 'ticket.created' || ',') > 0;
END;

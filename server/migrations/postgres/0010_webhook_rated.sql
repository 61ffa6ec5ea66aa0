-- `chat.rated` is sent when the visitor rates (each rating has its own time), not when an
-- erasure clears the comment of a rated chat.

CREATE OR REPLACE FUNCTION webhook_conversation_updated() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF NEW.rating IS NOT NULL AND OLD.rated_at IS DISTINCT FROM NEW.rated_at THEN
        at := COALESCE(NEW.rated_at, NEW.updated_at);
        PERFORM webhook_outbox(NEW.portal_id, 'chat.rated', NEW.id, jsonb_build_object(
            'conversation_id', NEW.id, 'queue_id', NEW.queue_id, 'agent_id', NEW.agent_id,
            'rating', CASE NEW.rating WHEN 1 THEN 'good' ELSE 'bad' END,
            'comment', COALESCE(NEW.rating_comment, '')), at);
    END IF;
    RETURN NULL;
END
$$;

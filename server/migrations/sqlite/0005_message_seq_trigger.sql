-- A message's insert moves its conversation's last_seq (and updated_at) along in the same
-- statement, so appending a message is one statement: the insert takes the next seq from the
-- conversation and this trigger records it.

CREATE TRIGGER messages_move_last_seq AFTER INSERT ON messages
BEGIN
    UPDATE conversations
    SET last_seq = MAX(last_seq, NEW.seq), updated_at = MAX(updated_at, NEW.created_at)
    WHERE id = NEW.conv_id;
END;

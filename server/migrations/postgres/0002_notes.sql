-- Private notes: what agents write in a conversation for one another. They live apart from the
-- messages, so that nothing that serves a visitor (history loads, pushes, conversation lists,
-- mailed transcripts) can reach them.
CREATE TABLE notes (
    id          TEXT PRIMARY KEY,
    conv_id     TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    author      TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX notes_by_conversation ON notes (conv_id, created_at);

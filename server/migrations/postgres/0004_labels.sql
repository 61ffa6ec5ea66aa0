-- Labels: defined by a portal's admins, put on conversations by its agents.
CREATE TABLE labels (
    id         TEXT PRIMARY KEY,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    color      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (portal_id, name)
);

CREATE TABLE conversation_labels (
    conv_id  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    label_id TEXT NOT NULL REFERENCES labels (id) ON DELETE CASCADE,
    PRIMARY KEY (conv_id, label_id)
);
CREATE INDEX conversation_labels_by_label ON conversation_labels (label_id);

-- Administration: roles and accounts of agents, the portal's widget settings, API keys that can
-- be revoked, invitations, and the audit log.

ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'admin'));
-- A deactivated agent cannot sign in, and their tokens are refused.
ALTER TABLE agents ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE agents ADD COLUMN avatar_url TEXT NOT NULL DEFAULT '';
-- A deleted agent's row stays (inactive, email released) so that their old tokens are refused
-- as an agent's rather than taken for a visitor's; lists leave it out.
ALTER TABLE agents ADD COLUMN deleted_at INTEGER;

-- Every portal of an existing data folder gets its first agent as admin.
UPDATE agents SET role = 'admin'
WHERE user_id IN (
    SELECT (SELECT a.user_id FROM agents a WHERE a.portal_id = p.id ORDER BY a.created_at, a.user_id LIMIT 1)
    FROM portals p
);

ALTER TABLE portals ADD COLUMN position TEXT NOT NULL DEFAULT 'right' CHECK (position IN ('left', 'right'));
ALTER TABLE portals ADD COLUMN greeting TEXT NOT NULL DEFAULT '';
ALTER TABLE portals ADD COLUMN offline_message TEXT NOT NULL DEFAULT '';
ALTER TABLE portals ADD COLUMN reply_time_text TEXT NOT NULL DEFAULT '';
-- When on, visitors' tokens must come from the site's backend (signed with an API key).
ALTER TABLE portals ADD COLUMN identity_verification INTEGER NOT NULL DEFAULT 0;
-- Days the portal is closed whatever its weekly hours say, as a JSON list of `YYYY-MM-DD`.
ALTER TABLE portals ADD COLUMN closed_dates TEXT NOT NULL DEFAULT '[]';
-- The pre-chat form's extra fields and consent, as a JSON object (see `crate::prechat`).
ALTER TABLE portals ADD COLUMN prechat_fields TEXT NOT NULL DEFAULT '{}';
-- The secret that visitors' user ids are derived from. It was the first API key's secret; it is
-- kept apart so that revoking that key does not turn every returning visitor into a new one.
ALTER TABLE portals ADD COLUMN visitor_secret TEXT NOT NULL DEFAULT '';
UPDATE portals SET visitor_secret = COALESCE(
    (SELECT k.secret FROM api_keys k WHERE k.portal_id = portals.id ORDER BY k.created_at, k.sid LIMIT 1),
    '');

-- A ticket's answers to the portal's pre-chat fields, `[{label, value}]` as JSON.
ALTER TABLE tickets ADD COLUMN fields TEXT NOT NULL DEFAULT '[]';

ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;
-- The key Parlor signs its own tokens with (agents' sign-in, visitors' live chat tokens). It is
-- not in the admin's list, so revoking a site's key never signs out every agent and visitor.
ALTER TABLE api_keys ADD COLUMN internal INTEGER NOT NULL DEFAULT 0;
INSERT INTO api_keys (sid, portal_id, secret, created_at, internal)
SELECT 'SK' || lower(hex(randomblob(16))), id, lower(hex(randomblob(32))), created_at, 1
FROM portals;

-- An invitation to set a password: single use, expires. Only the token's hash is kept.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES agents (user_id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    portal_id  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    -- The agent's user id, or `operator` for the command line.
    actor      TEXT NOT NULL,
    -- `portal.update`, `queue.create`, `agent.invite`…
    action     TEXT NOT NULL,
    -- The id of what changed.
    target     TEXT NOT NULL,
    -- What changed, as a JSON object (secrets and passwords never written here).
    detail     TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);

CREATE INDEX audit_by_portal ON audit_log (portal_id, id);

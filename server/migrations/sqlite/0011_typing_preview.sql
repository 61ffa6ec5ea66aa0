-- Typing preview: when on, agents see a visitor's draft as they type it. Off by default.
ALTER TABLE portals ADD COLUMN typing_preview BOOLEAN NOT NULL DEFAULT FALSE;

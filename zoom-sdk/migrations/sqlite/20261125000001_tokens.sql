-- One row per token owner: an application user (user OAuth) or a Zoom account (S2S OAuth).
CREATE TABLE IF NOT EXISTS zoom_sdk_tokens (
    owner_kind        TEXT NOT NULL,
    owner_id          TEXT NOT NULL,
    zoom_user_id      TEXT,
    email             TEXT,
    account_id        TEXT,
    access_token      TEXT NOT NULL,
    refresh_token     TEXT,
    encryption_key_id TEXT,
    token_type        TEXT NOT NULL DEFAULT 'bearer',
    scopes            TEXT NOT NULL DEFAULT '',
    expires_at        TEXT NOT NULL,
    issued_at         TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    last_used_at      TEXT,
    status            TEXT NOT NULL DEFAULT 'active',
    metadata          TEXT NOT NULL DEFAULT 'null',
    PRIMARY KEY (owner_kind, owner_id)
);
CREATE INDEX IF NOT EXISTS zoom_sdk_tokens_zoom_user ON zoom_sdk_tokens (zoom_user_id);

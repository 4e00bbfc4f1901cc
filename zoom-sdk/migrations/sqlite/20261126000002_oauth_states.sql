-- Authorization requests kept server-side between sending a user to Zoom and the callback, so
-- any instance can serve the callback. Keyed by a SHA-256 digest of the state; the PKCE
-- verifier is sealed like the tokens. A used row is kept (used_at) until it expires, so a
-- replayed callback is told apart from an unknown one.
CREATE TABLE IF NOT EXISTS zoom_sdk_oauth_states (
    state_digest      TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL,
    verifier          TEXT NOT NULL,
    encryption_key_id TEXT,
    created_at        TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    used_at           TEXT
);

-- Refresh leases: who may spend a key's refresh token, until when. Taken and committed before
-- the token request, so the token row is never locked while Zoom answers.
CREATE TABLE IF NOT EXISTS zoom_sdk_leases (
    owner_kind TEXT NOT NULL,
    owner_id   TEXT NOT NULL,
    holder     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (owner_kind, owner_id)
);

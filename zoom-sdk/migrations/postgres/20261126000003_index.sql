-- The integration's local index: a user's meetings, webinars and cloud recordings (metadata,
-- never media), searched with full-text search (a weighted tsvector, ranked with ts_rank_cd),
-- and each user's sync state. `digest` lets a sync skip unchanged items.
CREATE TABLE IF NOT EXISTS zoom_sdk_index_items (
    id          BIGSERIAL PRIMARY KEY,
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    zoom_id     BIGINT,
    uuid        TEXT,
    topic       TEXT NOT NULL DEFAULT '',
    agenda      TEXT NOT NULL DEFAULT '',
    host_email  TEXT NOT NULL DEFAULT '',
    file_types  TEXT NOT NULL DEFAULT '',
    start_time  TIMESTAMPTZ,
    duration    BIGINT,
    timezone    TEXT,
    join_url    TEXT,
    details     JSONB NOT NULL DEFAULT '{}',
    digest      TEXT NOT NULL,
    indexed_at  TIMESTAMPTZ NOT NULL,
    search      tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', topic), 'A')
        || setweight(to_tsvector('english', agenda), 'B')
        || setweight(to_tsvector('english', translate(host_email, '@.-_+', '     ')), 'C')
        || setweight(to_tsvector('english', file_types), 'D')
    ) STORED,
    UNIQUE (user_id, kind, item_id)
);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_start ON zoom_sdk_index_items (user_id, kind, start_time);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_zoom_id ON zoom_sdk_index_items (user_id, zoom_id);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_item ON zoom_sdk_index_items (kind, item_id);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_search ON zoom_sdk_index_items USING GIN (search);

-- One row per user: the last sync, the run to resume, the last error (a JSON document).
CREATE TABLE IF NOT EXISTS zoom_sdk_sync_state (
    user_id TEXT PRIMARY KEY,
    state   JSONB NOT NULL
);

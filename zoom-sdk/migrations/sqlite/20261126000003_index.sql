-- The integration's local index: a user's meetings, webinars and cloud recordings (metadata,
-- never media), searched with FTS5 (bm25), and each user's sync state. Rows are keyed by the
-- application's user, the kind and Zoom's id; `digest` lets a sync skip unchanged items.
CREATE TABLE IF NOT EXISTS zoom_sdk_index_items (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    zoom_id     INTEGER,
    uuid        TEXT,
    topic       TEXT NOT NULL DEFAULT '',
    agenda      TEXT NOT NULL DEFAULT '',
    host_email  TEXT NOT NULL DEFAULT '',
    file_types  TEXT NOT NULL DEFAULT '',
    start_time  TEXT,
    duration    INTEGER,
    timezone    TEXT,
    join_url    TEXT,
    details     TEXT NOT NULL DEFAULT '{}',
    digest      TEXT NOT NULL,
    indexed_at  TEXT NOT NULL,
    UNIQUE (user_id, kind, item_id)
);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_start ON zoom_sdk_index_items (user_id, kind, start_time);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_zoom_id ON zoom_sdk_index_items (user_id, zoom_id);
CREATE INDEX IF NOT EXISTS zoom_sdk_index_items_item ON zoom_sdk_index_items (kind, item_id);

-- External-content FTS5 over the searchable columns, kept in step by triggers.
CREATE VIRTUAL TABLE IF NOT EXISTS zoom_sdk_index_fts USING fts5(
    topic, agenda, host_email, file_types,
    content = 'zoom_sdk_index_items', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS zoom_sdk_index_items_ai AFTER INSERT ON zoom_sdk_index_items BEGIN
    INSERT INTO zoom_sdk_index_fts (rowid, topic, agenda, host_email, file_types)
    VALUES (new.id, new.topic, new.agenda, new.host_email, new.file_types);
END;
CREATE TRIGGER IF NOT EXISTS zoom_sdk_index_items_ad AFTER DELETE ON zoom_sdk_index_items BEGIN
    INSERT INTO zoom_sdk_index_fts (zoom_sdk_index_fts, rowid, topic, agenda, host_email, file_types)
    VALUES ('delete', old.id, old.topic, old.agenda, old.host_email, old.file_types);
END;
CREATE TRIGGER IF NOT EXISTS zoom_sdk_index_items_au AFTER UPDATE ON zoom_sdk_index_items BEGIN
    INSERT INTO zoom_sdk_index_fts (zoom_sdk_index_fts, rowid, topic, agenda, host_email, file_types)
    VALUES ('delete', old.id, old.topic, old.agenda, old.host_email, old.file_types);
    INSERT INTO zoom_sdk_index_fts (rowid, topic, agenda, host_email, file_types)
    VALUES (new.id, new.topic, new.agenda, new.host_email, new.file_types);
END;

-- One row per user: the last sync, the run to resume, the last error (a JSON document).
CREATE TABLE IF NOT EXISTS zoom_sdk_sync_state (
    user_id TEXT PRIMARY KEY,
    state   TEXT NOT NULL
);

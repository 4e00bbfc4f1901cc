//! The local index's database: items, each user's sync state and the sync lease, in SQLite (the
//! default; the token store's own file when it is a SQLite store) or PostgreSQL. The tables come
//! from the same migrations as the token store's (`20261126000003_index.sql`), so one migrator
//! serves a database holding both.
//!
//! Both databases run the same SQL except for search, where SQLite uses FTS5 (`bm25`) and
//! PostgreSQL a weighted `tsvector` (`ts_rank_cd`, `ts_headline`). The SQL is written once per
//! statement and run on either pool by `on_db!`, which type-checks it for each.

use super::item::{IndexedItem, ItemDetails, ItemKind, MARK_END, MARK_START};
use super::query::Query;
use super::search::{RecordingLink, SearchFilters, SearchHit, SearchPage, SnippetPart};
use super::sync_state::SyncState;
use crate::error::{Error, Result};
use crate::store::{StoreDatabase, TokenStore};
use chrono::{DateTime, Utc};
use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::types::Json;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

/// The variable naming where the index lives: `sqlite:PATH`, `postgres:URL` or `memory`
/// (unset: beside the token store).
pub const INDEX_ENV: &str = "ZOOM_INDEX";

/// The DDL of the index tables for a database whose migrations the SDK does not run (the
/// backend's own, under the legacy token store): `CREATE .. IF NOT EXISTS` throughout.
const POSTGRES_TABLES: &str = include_str!("../../migrations/postgres/20261126000003_index.sql");

/// Where `ZOOM_INDEX` puts the index (`None`: unset, beside the token store).
pub(crate) fn index_spec(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<Option<crate::store::StoreSpec>> {
    let Some(spec) = lookup(INDEX_ENV).filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    spec.parse().map(Some).map_err(|_| {
        Error::config(
            INDEX_ENV,
            "must be sqlite:PATH, postgres:URL or memory (or unset: beside the token store)",
        )
    })
}

#[derive(Clone)]
enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Run `$body` with `$pool` bound to whichever pool the index has (compiled for both).
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

/// A bound value of a query assembled at run time (search filters).
#[derive(Clone, Debug)]
enum Arg {
    Text(String),
    Time(DateTime<Utc>),
    Int(i64),
}

macro_rules! bind_all {
    ($q:expr, $args:expr) => {{
        let mut q = $q;
        for a in $args {
            q = match a {
                Arg::Text(s) => q.bind(s.clone()),
                Arg::Time(t) => q.bind(*t),
                Arg::Int(i) => q.bind(*i),
            };
        }
        q
    }};
}

/// SQL text with its arguments, numbered as they are added (both databases take `$n`).
#[derive(Default)]
struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }
    fn list(&mut self, args: impl IntoIterator<Item = Arg>) -> String {
        let marks: Vec<String> = args.into_iter().map(|a| self.arg(a)).collect();
        marks.join(", ")
    }
}

fn db_err(e: sqlx::Error) -> Error {
    Error::storage(match &e {
        sqlx::Error::Database(d) => format!("index database: {}", d.message()),
        other => format!("index database: {other}"),
    })
}

fn zoom_id(id: Option<u64>) -> Option<i64> {
    id.and_then(|i| i64::try_from(i).ok())
}

const COLUMNS: &str = "id, kind, item_id, zoom_id, uuid, topic, agenda, host_email, start_time, duration, timezone, join_url, details";

const UPSERT: &str = "INSERT INTO zoom_sdk_index_items (user_id, kind, item_id, zoom_id, uuid, topic, agenda, host_email, file_types, start_time, duration, timezone, join_url, details, digest, indexed_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
     ON CONFLICT (user_id, kind, item_id) DO UPDATE SET zoom_id = excluded.zoom_id, uuid = excluded.uuid, topic = excluded.topic, agenda = excluded.agenda, host_email = excluded.host_email, file_types = excluded.file_types, start_time = excluded.start_time, duration = excluded.duration, timezone = excluded.timezone, join_url = excluded.join_url, details = excluded.details, digest = excluded.digest, indexed_at = excluded.indexed_at \
     WHERE zoom_sdk_index_items.digest <> excluded.digest";
const DELETE_ONE: &str =
    "DELETE FROM zoom_sdk_index_items WHERE user_id = $1 AND kind = $2 AND item_id = $3";
const DIGESTS: &str =
    "SELECT item_id, digest FROM zoom_sdk_index_items WHERE user_id = $1 AND kind = $2";
const DIGESTS_IN_RANGE: &str = "SELECT item_id, digest FROM zoom_sdk_index_items WHERE user_id = $1 AND kind = $2 AND start_time >= $3 AND start_time < $4";
const COUNTS: &str =
    "SELECT kind, count(*) FROM zoom_sdk_index_items WHERE user_id = $1 GROUP BY kind";
const FORGET_ITEMS: &str = "DELETE FROM zoom_sdk_index_items WHERE user_id = $1";
const FORGET_STATE: &str = "DELETE FROM zoom_sdk_sync_state WHERE user_id = $1";
const GET_STATE: &str = "SELECT state FROM zoom_sdk_sync_state WHERE user_id = $1";
const PUT_STATE: &str = "INSERT INTO zoom_sdk_sync_state (user_id, state) VALUES ($1, $2) \
     ON CONFLICT (user_id) DO UPDATE SET state = excluded.state";

const LEASE_TAKE: &str = "INSERT INTO zoom_sdk_leases (owner_kind, owner_id, holder, expires_at) VALUES ('sync', $1, $2, $3) \
     ON CONFLICT (owner_kind, owner_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
     WHERE zoom_sdk_leases.expires_at < $4 OR zoom_sdk_leases.holder = excluded.holder";
const LEASE_RENEW: &str = "UPDATE zoom_sdk_leases SET expires_at = $3 WHERE owner_kind = 'sync' AND owner_id = $1 AND holder = $2";
const LEASE_RELEASE: &str =
    "DELETE FROM zoom_sdk_leases WHERE owner_kind = 'sync' AND owner_id = $1 AND holder = $2";
const LEASE_GET: &str =
    "SELECT holder, expires_at FROM zoom_sdk_leases WHERE owner_kind = 'sync' AND owner_id = $1";
const LEASE_FORGET: &str =
    "DELETE FROM zoom_sdk_leases WHERE owner_kind = 'sync' AND owner_id = $1";

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    kind: String,
    item_id: String,
    zoom_id: Option<i64>,
    uuid: Option<String>,
    topic: String,
    agenda: String,
    host_email: String,
    start_time: Option<DateTime<Utc>>,
    duration: Option<i64>,
    timezone: Option<String>,
    join_url: Option<String>,
    details: Json<ItemDetails>,
}

impl ItemRow {
    fn into_item(self) -> Result<(i64, IndexedItem)> {
        let kind = ItemKind::parse(&self.kind).ok_or_else(|| {
            Error::storage(format!("unknown item kind {:?} in the index", self.kind))
        })?;
        Ok((
            self.id,
            IndexedItem {
                kind,
                item_id: self.item_id,
                zoom_id: self.zoom_id.and_then(|i| u64::try_from(i).ok()),
                uuid: self.uuid,
                topic: self.topic,
                agenda: self.agenda,
                host_email: self.host_email,
                start_time: self.start_time,
                duration: self.duration,
                timezone: self.timezone,
                join_url: self.join_url,
                details: self.details.0,
            },
        ))
    }
}

/// The local index. Cheap to clone (a pool).
#[derive(Clone)]
pub struct LocalIndex {
    db: Db,
    location: String,
}

impl std::fmt::Debug for LocalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalIndex")
            .field("location", &self.location)
            .finish()
    }
}

impl LocalIndex {
    /// Open (creating and migrating) the index in a SQLite file; it may be the token store's.
    pub async fn open_sqlite(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // The index can be rebuilt from Zoom: a commit need not wait for the disk (WAL keeps
            // the file consistent). The token store's own connections keep FULL.
            .synchronous(sqlx::sqlite::SqliteSynchronous::Normal)
            .busy_timeout(crate::store::SQLITE_BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| Error::storage(format!("cannot open {}: {e}", path.display())))?;
        crate::store::migrate_sqlite(&pool, &path).await?;
        Ok(Self {
            db: Db::Sqlite(pool),
            location: format!("sqlite:{}", path.display()),
        })
    }

    /// An index in memory (tests, and clients whose tokens are in memory): lost on exit.
    pub async fn open_memory() -> Result<Self> {
        let options = SqliteConnectOptions::new().in_memory(true);
        // One connection that is never closed: the database lives as long as it.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(db_err)?;
        crate::store::migrate_sqlite(&pool, Path::new(":memory:")).await?;
        Ok(Self {
            db: Db::Sqlite(pool),
            location: "memory".into(),
        })
    }

    /// Connect to PostgreSQL and migrate.
    pub async fn connect_postgres(url: &str) -> Result<Self> {
        let pool = crate::store::connect_postgres_pool(url).await?;
        Self::on_postgres(pool, false).await
    }

    async fn on_postgres(pool: PgPool, foreign_schema: bool) -> Result<Self> {
        if foreign_schema {
            sqlx::raw_sql(POSTGRES_TABLES)
                .execute(&pool)
                .await
                .map_err(db_err)?;
        } else {
            crate::store::migrate_postgres(&pool).await?;
        }
        Ok(Self {
            db: Db::Postgres(pool),
            location: "postgres".into(),
        })
    }

    /// The index beside `store`: its SQLite file, its PostgreSQL database (the backend's, for
    /// the legacy table, where only the index's own tables are created), or memory.
    pub async fn beside(store: &dyn TokenStore) -> Result<Self> {
        match store.database() {
            Some(StoreDatabase::Sqlite(path)) => Self::open_sqlite(path).await,
            Some(StoreDatabase::Postgres { pool, foreign }) => {
                Self::on_postgres(pool, foreign).await
            }
            None => Self::open_memory().await,
        }
    }

    /// The index named by `ZOOM_INDEX` (`sqlite:PATH`, `postgres:URL`, `memory`), or beside
    /// `store` when it is not set.
    pub async fn from_env(store: &dyn TokenStore) -> Result<Self> {
        Self::from_lookup(store, |k| std::env::var(k).ok()).await
    }

    /// Like [`LocalIndex::from_env`] with any variable source.
    pub async fn from_lookup(
        store: &dyn TokenStore,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        use crate::store::StoreSpec;
        match index_spec(lookup)? {
            None => Self::beside(store).await,
            Some(StoreSpec::Sqlite(path)) => Self::open_sqlite(path).await,
            Some(StoreSpec::Memory) => Self::open_memory().await,
            Some(other) => match other.database_url() {
                Some(url) => Self::connect_postgres(url).await,
                None => Err(Error::config(INDEX_ENV, "unsupported index location")),
            },
        }
    }

    /// Where the index is (`sqlite:PATH`, `postgres` or `memory`; never a password).
    pub fn location(&self) -> &str {
        &self.location
    }

    /// Whether it is a PostgreSQL index.
    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres(_))
    }

    /// The stored digest of each item of `kind` (with a start in `[from, to)` when given).
    pub(crate) async fn digests(
        &self,
        user_id: &str,
        kind: ItemKind,
        range: Option<(DateTime<Utc>, DateTime<Utc>)>,
    ) -> Result<HashMap<String, String>> {
        let rows: Vec<(String, String)> = on_db!(&self.db, pool => {
            match range {
                None => sqlx::query_as(DIGESTS)
                    .bind(user_id)
                    .bind(kind.as_str())
                    .fetch_all(pool)
                    .await,
                Some((from, to)) => sqlx::query_as(DIGESTS_IN_RANGE)
                    .bind(user_id)
                    .bind(kind.as_str())
                    .bind(from)
                    .bind(to)
                    .fetch_all(pool)
                    .await,
            }
        })
        .map_err(db_err)?;
        Ok(rows.into_iter().collect())
    }

    /// Write `items` (each with its digest) and delete `deletions` (ids of `kind`) in one
    /// transaction. Per item: `true` if the row is new or changed, `false` if the stored row
    /// already had that digest.
    pub(crate) async fn write(
        &self,
        user_id: &str,
        items: &[(&IndexedItem, &str)],
        deletions: &[(ItemKind, String)],
    ) -> Result<Vec<bool>> {
        if items.is_empty() && deletions.is_empty() {
            return Ok(Vec::new());
        }
        let now = Utc::now();
        on_db!(&self.db, pool => {
            let mut tx = pool.begin().await.map_err(db_err)?;
            let mut out = Vec::with_capacity(items.len());
            for (item, digest) in items {
                let done = sqlx::query(UPSERT)
                    .bind(user_id)
                    .bind(item.kind.as_str())
                    .bind(&item.item_id)
                    .bind(zoom_id(item.zoom_id))
                    .bind(&item.uuid)
                    .bind(&item.topic)
                    .bind(&item.agenda)
                    .bind(&item.host_email)
                    .bind(item.file_types())
                    .bind(item.start_time)
                    .bind(item.duration)
                    .bind(&item.timezone)
                    .bind(&item.join_url)
                    .bind(Json(&item.details))
                    .bind(*digest)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
                out.push(done.rows_affected() > 0);
            }
            for (kind, id) in deletions {
                sqlx::query(DELETE_ONE)
                    .bind(user_id)
                    .bind(kind.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(out)
        })
    }

    /// Write one item; `true` if the row is new or its content changed.
    pub(crate) async fn put(&self, user_id: &str, item: &IndexedItem) -> Result<bool> {
        let digest = item.digest();
        let changed = self.write(user_id, &[(item, &digest)], &[]).await?;
        Ok(changed.first().copied().unwrap_or(false))
    }

    /// Delete one item; `true` if it was there.
    pub(crate) async fn remove(
        &self,
        user_id: &str,
        kind: ItemKind,
        item_id: &str,
    ) -> Result<bool> {
        let done = on_db!(&self.db, pool => sqlx::query(DELETE_ONE)
            .bind(user_id)
            .bind(kind.as_str())
            .bind(item_id)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))
        .map_err(db_err)?;
        Ok(done > 0)
    }

    /// The users whose index holds an item.
    pub(crate) async fn owners(&self, kind: ItemKind, item_id: &str) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = on_db!(&self.db, pool => sqlx::query_as(
            "SELECT DISTINCT user_id FROM zoom_sdk_index_items WHERE kind = $1 AND item_id = $2",
        )
        .bind(kind.as_str())
        .bind(item_id)
        .fetch_all(pool)
        .await)
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(u,)| u).collect())
    }

    /// One item.
    pub async fn get(
        &self,
        user_id: &str,
        kind: ItemKind,
        item_id: &str,
    ) -> Result<Option<IndexedItem>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM zoom_sdk_index_items WHERE user_id = $1 AND kind = $2 AND item_id = $3"
        );
        let row: Option<ItemRow> = on_db!(&self.db, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(kind.as_str())
            .bind(item_id)
            .fetch_optional(pool)
            .await)
        .map_err(db_err)?;
        row.map(|r| r.into_item().map(|(_, i)| i)).transpose()
    }

    /// Every item of a user (of one kind when given), by kind and id: for exports and checks.
    pub async fn items(&self, user_id: &str, kind: Option<ItemKind>) -> Result<Vec<IndexedItem>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM zoom_sdk_index_items WHERE user_id = $1 AND ($2 = '' OR kind = $2) ORDER BY kind, item_id"
        );
        let rows: Vec<ItemRow> = on_db!(&self.db, pool => sqlx::query_as(&sql)
            .bind(user_id)
            .bind(kind.map(ItemKind::as_str).unwrap_or(""))
            .fetch_all(pool)
            .await)
        .map_err(db_err)?;
        rows.into_iter()
            .map(|r| r.into_item().map(|(_, i)| i))
            .collect()
    }

    /// How many items a user has, per kind.
    pub async fn counts(&self, user_id: &str) -> Result<HashMap<ItemKind, u64>> {
        let rows: Vec<(String, i64)> = on_db!(&self.db, pool => sqlx::query_as(COUNTS)
            .bind(user_id)
            .fetch_all(pool)
            .await)
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, n)| Some((ItemKind::parse(&k)?, n.max(0) as u64)))
            .collect())
    }

    /// Remove everything kept for a user: items, sync state, sync lease. Returns the items
    /// removed.
    pub async fn forget(&self, user_id: &str) -> Result<u64> {
        on_db!(&self.db, pool => {
            let mut tx = pool.begin().await.map_err(db_err)?;
            let n = sqlx::query(FORGET_ITEMS).bind(user_id).execute(&mut *tx).await.map_err(db_err)?.rows_affected();
            sqlx::query(FORGET_STATE).bind(user_id).execute(&mut *tx).await.map_err(db_err)?;
            sqlx::query(LEASE_FORGET).bind(user_id).execute(&mut *tx).await.map_err(db_err)?;
            tx.commit().await.map_err(db_err)?;
            Ok(n)
        })
    }

    /// A user's sync state (empty before the first sync).
    pub(crate) async fn state(&self, user_id: &str) -> Result<SyncState> {
        let row: Option<(Json<SyncState>,)> = on_db!(&self.db, pool => sqlx::query_as(GET_STATE)
            .bind(user_id)
            .fetch_optional(pool)
            .await)
        .map_err(db_err)?;
        Ok(row.map(|(s,)| s.0).unwrap_or_default())
    }

    pub(crate) async fn save_state(&self, user_id: &str, state: &SyncState) -> Result<()> {
        on_db!(&self.db, pool => sqlx::query(PUT_STATE)
            .bind(user_id)
            .bind(Json(state))
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(db_err)?;
        Ok(())
    }

    /// Take the user's sync lease for `holder` (or extend it, if `holder` has it). `Ok(None)`
    /// when taken; otherwise the live lease's holder and expiry.
    pub(crate) async fn take_lease(
        &self,
        user_id: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<Option<(String, DateTime<Utc>)>> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::seconds(60));
        let taken = on_db!(&self.db, pool => sqlx::query(LEASE_TAKE)
            .bind(user_id)
            .bind(holder)
            .bind(until)
            .bind(now)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))
        .map_err(db_err)?;
        if taken > 0 {
            return Ok(None);
        }
        let row: Option<(String, DateTime<Utc>)> =
            on_db!(&self.db, pool => sqlx::query_as(LEASE_GET)
            .bind(user_id)
            .fetch_optional(pool)
            .await)
            .map_err(db_err)?;
        // Released between the two statements: report it as lapsing now, so the caller retries.
        Ok(Some(row.unwrap_or_else(|| (String::new(), now))))
    }

    /// Extend `holder`'s lease; `false` if it is no longer theirs.
    pub(crate) async fn renew_lease(
        &self,
        user_id: &str,
        holder: &str,
        ttl: Duration,
    ) -> Result<bool> {
        let until =
            Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::seconds(60));
        let n = on_db!(&self.db, pool => sqlx::query(LEASE_RENEW)
            .bind(user_id)
            .bind(holder)
            .bind(until)
            .execute(pool)
            .await
            .map(|d| d.rows_affected()))
        .map_err(db_err)?;
        Ok(n > 0)
    }

    pub(crate) async fn release_lease(&self, user_id: &str, holder: &str) -> Result<()> {
        on_db!(&self.db, pool => sqlx::query(LEASE_RELEASE)
            .bind(user_id)
            .bind(holder)
            .execute(pool)
            .await
            .map(|_| ()))
        .map_err(db_err)?;
        Ok(())
    }

    /// Ranked search (see [`super::Integration::search`]).
    pub(crate) async fn search(
        &self,
        user_id: &str,
        query: &Query,
        filters: &SearchFilters,
        offset: usize,
    ) -> Result<SearchPage> {
        let size = filters.page_size_or_default();
        if query.is_empty() {
            return Ok(SearchPage::empty());
        }
        let mut sql = Sql::default();
        let text = match self.db {
            Db::Sqlite(_) => query.to_fts5(),
            Db::Postgres(_) => query.to_websearch(),
        };
        let q = sql.arg(Arg::Text(text));
        let u = sql.arg(Arg::Text(user_id.to_string()));
        let mut where_ = format!("i.user_id = {u}");
        if !filters.kinds.is_empty() {
            let kinds = sql.list(filters.kinds.iter().map(|k| Arg::Text(k.as_str().into())));
            where_ += &format!(" AND i.kind IN ({kinds})");
        }
        if let Some(from) = filters.from {
            where_ += &format!(" AND i.start_time >= {}", sql.arg(Arg::Time(from)));
        }
        if let Some(to) = filters.to {
            where_ += &format!(" AND i.start_time < {}", sql.arg(Arg::Time(to)));
        }
        if let Some(has) = filters.has_recording {
            let not = if has { "" } else { "NOT " };
            // The user's recordings through (user_id, kind, ..): with `zoom_id IS NOT NULL`
            // SQLite walked every row of the user by zoom_id instead (200 ms on 100,000 items).
            let test = format!("i.kind = 'recording' OR i.zoom_id IN (SELECT coalesce(r.zoom_id, -1) FROM zoom_sdk_index_items r WHERE r.user_id = {u} AND r.kind = 'recording')");
            where_ += &format!(" AND {not}({test})");
        }
        let limit = sql.arg(Arg::Int(size as i64 + 1));
        let off = sql.arg(Arg::Int(offset as i64));
        let ranked: Vec<(i64, f64)> = match self.db {
            Db::Sqlite(_) => {
                // FTS5 ranks its matches first (a materialized CTE, and CROSS JOIN to keep it the
                // outer loop: otherwise the planner may scan the user's items and probe the
                // matches per row, 200 ms and more on 100,000 items), then the page is cut from
                // the best `cap` only, joined and filtered; when that leaves the page short, the
                // ranking is redone over every match.
                let cap = 1_000.max(10 * (offset + size + 1));
                let text = |cap: Option<usize>| {
                    let cap = cap.map(|c| format!(" LIMIT {c}")).unwrap_or_default();
                    format!(
                        "WITH m AS MATERIALIZED (SELECT rowid AS id, bm25(zoom_sdk_index_fts, 10.0, 4.0, 2.0, 1.0) AS score \
                         FROM zoom_sdk_index_fts WHERE zoom_sdk_index_fts MATCH {q} ORDER BY score{cap}) \
                         SELECT i.id, -m.score AS score, (SELECT count(*) FROM m) AS matched FROM m CROSS JOIN zoom_sdk_index_items i \
                         WHERE i.id = m.id AND {where_} ORDER BY m.score, i.start_time DESC, i.id LIMIT {limit} OFFSET {off}"
                    )
                };
                sql.text = text(Some(cap));
                let mut rows = self.ranked_counted(&sql).await?;
                // Short, and the cap may have cut matches off (an empty page does not say how
                // many matched): rank every match.
                let capped = rows.first().is_none_or(|r| r.2 as usize >= cap);
                if rows.len() <= size && capped {
                    sql.text = text(None);
                    rows = self.ranked_counted(&sql).await?;
                }
                rows.into_iter().map(|(id, score, _)| (id, score)).collect()
            }
            Db::Postgres(_) => {
                sql.text = format!(
                    "SELECT i.id, ts_rank_cd(i.search, websearch_to_tsquery('english', {q}), 32)::float8 AS score \
                     FROM zoom_sdk_index_items i \
                     WHERE i.search @@ websearch_to_tsquery('english', {q}) AND {where_} \
                     ORDER BY score DESC, i.start_time DESC NULLS LAST, i.id LIMIT {limit} OFFSET {off}"
                );
                self.ranked(&sql).await?
            }
        };
        let mut ranked = ranked;
        let more = ranked.len() > size;
        ranked.truncate(size);
        if ranked.is_empty() {
            return Ok(SearchPage::empty());
        }
        let hits = self.hits(user_id, query, &ranked).await?;
        Ok(SearchPage::new(hits, more.then_some(offset + size)))
    }

    async fn ranked_counted(&self, sql: &Sql) -> Result<Vec<(i64, f64, i64)>> {
        on_db!(&self.db, pool => bind_all!(sqlx::query_as(&sql.text), &sql.args)
            .fetch_all(pool)
            .await)
        .map_err(db_err)
    }

    async fn ranked(&self, sql: &Sql) -> Result<Vec<(i64, f64)>> {
        on_db!(&self.db, pool => bind_all!(sqlx::query_as(&sql.text), &sql.args)
            .fetch_all(pool)
            .await)
        .map_err(db_err)
    }

    /// The rows, snippets and recordings of a ranked page.
    async fn hits(
        &self,
        user_id: &str,
        query: &Query,
        ranked: &[(i64, f64)],
    ) -> Result<Vec<SearchHit>> {
        let ids = || ranked.iter().map(|(id, _)| Arg::Int(*id));
        // Rows.
        let mut rows_sql = Sql::default();
        let marks = rows_sql.list(ids());
        rows_sql.text = format!("SELECT {COLUMNS} FROM zoom_sdk_index_items WHERE id IN ({marks})");
        let rows: Vec<ItemRow> =
            on_db!(&self.db, pool => bind_all!(sqlx::query_as(&rows_sql.text), &rows_sql.args)
            .fetch_all(pool)
            .await)
            .map_err(db_err)?;
        let mut items: HashMap<i64, IndexedItem> = HashMap::new();
        for r in rows {
            let (id, item) = r.into_item()?;
            items.insert(id, item);
        }
        // Snippets, computed for this page only.
        let mut snip_sql = Sql::default();
        let q = snip_sql.arg(Arg::Text(match self.db {
            Db::Sqlite(_) => query.to_fts5(),
            Db::Postgres(_) => query.to_websearch(),
        }));
        let marks = snip_sql.list(ids());
        snip_sql.text = match self.db {
            Db::Sqlite(_) => format!(
                "SELECT rowid, snippet(zoom_sdk_index_fts, -1, char(57344), char(57345), '…', 16) \
                 FROM zoom_sdk_index_fts WHERE zoom_sdk_index_fts MATCH {q} AND rowid IN ({marks})"
            ),
            Db::Postgres(_) => format!(
                "SELECT id, ts_headline('english', topic || ' — ' || agenda, websearch_to_tsquery('english', {q}), \
                 'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=\" … \"') \
                 FROM zoom_sdk_index_items WHERE id IN ({marks})"
            ),
        };
        let snippets: HashMap<i64, String> = on_db!(&self.db, pool => bind_all!(sqlx::query_as::<_, (i64, String)>(&snip_sql.text), &snip_sql.args)
            .fetch_all(pool)
            .await)
        .map_err(db_err)?
        .into_iter()
        .collect();
        // Recordings of the meetings and webinars on the page.
        let zoom_ids: Vec<i64> = items
            .values()
            .filter(|i| i.kind != ItemKind::Recording)
            .filter_map(|i| zoom_id(i.zoom_id))
            .collect();
        let mut recordings: HashMap<u64, Vec<IndexedItem>> = HashMap::new();
        if !zoom_ids.is_empty() {
            let mut rec_sql = Sql::default();
            let u = rec_sql.arg(Arg::Text(user_id.to_string()));
            let marks = rec_sql.list(zoom_ids.into_iter().map(Arg::Int));
            rec_sql.text = format!(
                "SELECT {COLUMNS} FROM zoom_sdk_index_items WHERE user_id = {u} AND kind = 'recording' AND zoom_id IN ({marks}) ORDER BY start_time DESC"
            );
            let rows: Vec<ItemRow> =
                on_db!(&self.db, pool => bind_all!(sqlx::query_as(&rec_sql.text), &rec_sql.args)
                .fetch_all(pool)
                .await)
                .map_err(db_err)?;
            for r in rows {
                let (_, item) = r.into_item()?;
                if let Some(id) = item.zoom_id {
                    recordings.entry(id).or_default().push(item);
                }
            }
        }
        let mut hits = Vec::with_capacity(ranked.len());
        for (id, score) in ranked {
            let Some(item) = items.remove(id) else {
                continue;
            };
            let recs: Vec<IndexedItem> = match item.kind {
                ItemKind::Recording => vec![item.clone()],
                _ => item
                    .zoom_id
                    .and_then(|z| recordings.get(&z).cloned())
                    .unwrap_or_default(),
            };
            let snippet = snippets
                .get(id)
                .map(|s| parse_snippet(s))
                .filter(|parts| !parts.is_empty())
                .unwrap_or_else(|| vec![SnippetPart::plain(&item.topic)]);
            hits.push(SearchHit::new(
                item,
                *score,
                snippet,
                recording_links(&recs),
            ));
        }
        Ok(hits)
    }
}

fn recording_links(recs: &[IndexedItem]) -> Vec<RecordingLink> {
    recs.iter()
        .flat_map(|r| {
            r.details.files.iter().map(move |f| RecordingLink {
                recording_uuid: r.item_id.clone(),
                file_id: f.id.clone(),
                file_type: f.file_type.clone(),
                file_size: f.file_size,
                play_url: f.play_url.clone(),
                download_url: f.download_url.clone(),
                share_url: r.details.share_url.clone(),
            })
        })
        .collect()
}

/// Split a snippet marked with [`MARK_START`]/[`MARK_END`] into plain and hit parts.
pub(crate) fn parse_snippet(s: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut hit = false;
    let mut cur = String::new();
    for c in s.chars() {
        if c == MARK_START || c == MARK_END {
            if !cur.is_empty() {
                parts.push(SnippetPart {
                    text: std::mem::take(&mut cur),
                    hit,
                });
            }
            hit = c == MARK_START;
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        parts.push(SnippetPart { text: cur, hit });
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_split_into_hits() {
        let s = format!("weekly {MARK_START}budget{MARK_END} review");
        let parts = parse_snippet(&s);
        assert_eq!(parts.len(), 3);
        assert!(parts[1].hit && parts[1].text == "budget");
        assert!(!parts[0].hit && !parts[2].hit);
    }
}

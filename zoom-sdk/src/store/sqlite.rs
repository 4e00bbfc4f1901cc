//! The embedded default store: one SQLite file in WAL mode, created and migrated on first use.
//! The store's lock is SQLite's write lock (`BEGIN IMMEDIATE`), which every process sharing the
//! file respects; it is held only for the few statements that take a refresh lease or write its
//! result, never while Zoom answers, so a writer waits at most [`BUSY_TIMEOUT`] before its write
//! fails (and is retried by the token manager) rather than stalling behind a slow token request.

use super::crypto::TokenEncryption;
use super::sql::{db_err, sql_token_store};
use super::{TokenLock, TokenStore};
use crate::error::{Error, Result};
use crate::token::{StoredToken, TokenKey};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Create or migrate the SDK's tables (tokens, leases, authorization requests, the
/// integration's index) in a SQLite database.
pub(crate) async fn migrate(pool: &SqlitePool, path: &Path) -> Result<()> {
    // Several processes may open a new file at once; the loser of the race retries once.
    if MIGRATOR.run(pool).await.is_err() {
        tokio::time::sleep(Duration::from_millis(50)).await;
        MIGRATOR
            .run(pool)
            .await
            .map_err(|e| Error::storage(format!("migrating {}: {e}", path.display())))?;
    }
    Ok(())
}

/// How long a statement waits for another connection's write lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Tokens in a SQLite file.
pub struct SqliteTokenStore {
    pool: SqlitePool,
    path: PathBuf,
    encryption: TokenEncryption,
}

impl std::fmt::Debug for SqliteTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteTokenStore")
            .field("path", &self.path)
            .field("encryption", &self.encryption)
            .finish()
    }
}

impl SqliteTokenStore {
    /// Open (creating and migrating if needed) the store at `path`.
    pub async fn open(path: impl AsRef<Path>, encryption: TokenEncryption) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let options = SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Tokens must survive a power cut: every commit reaches the disk.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| Error::storage(format!("cannot open {}: {e}", path.display())))?;
        migrate(&pool, &path).await?;
        Ok(Self {
            pool,
            path,
            encryption,
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How tokens are kept.
    pub fn encryption(&self) -> &TokenEncryption {
        &self.encryption
    }

    /// Where its database is (for the integration's index).
    fn database_of(&self) -> Option<super::StoreDatabase> {
        Some(super::StoreDatabase::Sqlite(self.path.clone()))
    }

    async fn begin_lock(
        &self,
        _key: &TokenKey,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)
    }
}

sql_token_store!(SqliteTokenStore, SqliteLock, sqlx::Sqlite, "");

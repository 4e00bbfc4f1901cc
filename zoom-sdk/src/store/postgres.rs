//! The PostgreSQL store, for backends that run several instances: a pooled connection, and a
//! refresh lock held in the database (a transaction-scoped advisory lock on the owner, plus a
//! row lock on the grant), so that among all processes only one spends a refresh token.

use super::crypto::TokenEncryption;
use super::sql::{db_err, sql_token_store};
use super::{TokenLock, TokenStore};
use crate::error::{Error, Result};
use crate::token::{StoredToken, TokenKey};
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory-lock key of an owner, computed by PostgreSQL so that other code (the Python
/// backend's handlers) can take the same lock:
/// `SELECT pg_advisory_xact_lock(hashtextextended('zoom_sdk:user:42', 0))`.
pub fn advisory_lock_name(key: &TokenKey) -> String {
    format!("zoom_sdk:{key}")
}

pub(crate) async fn advisory_lock(tx: &mut sqlx::PgConnection, key: &TokenKey) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(advisory_lock_name(key))
        .execute(tx)
        .await
        .map_err(db_err)?;
    Ok(())
}

pub(crate) async fn connect_pool(url: &str) -> Result<PgPool> {
    PgPoolOptions::new()
        .max_connections(10)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await
        .map_err(|e| {
            Error::storage(format!(
                "cannot connect to PostgreSQL: {}",
                redact_url(url, &e.to_string())
            ))
        })
}

/// Never repeat a password from a connection URL in an error.
fn redact_url(url: &str, message: &str) -> String {
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.password().map(str::to_string))
    {
        Some(p) if !p.is_empty() => message.replace(&p, "[REDACTED]"),
        _ => message.to_string(),
    }
}

/// Create or migrate the SDK's tables in a PostgreSQL database.
pub(crate) async fn migrate(pool: &PgPool) -> Result<()> {
    MIGRATOR
        .run(pool)
        .await
        .map_err(|e| Error::storage(format!("migrating the zoom_sdk tables: {e}")))
}

/// Tokens in PostgreSQL table `zoom_sdk_tokens` (created and migrated on connect).
pub struct PostgresTokenStore {
    pool: PgPool,
    encryption: TokenEncryption,
}

impl std::fmt::Debug for PostgresTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresTokenStore")
            .field("encryption", &self.encryption)
            .finish_non_exhaustive()
    }
}

impl PostgresTokenStore {
    /// Connect (pooled) and migrate.
    pub async fn connect(url: &str, encryption: TokenEncryption) -> Result<Self> {
        let pool = connect_pool(url).await?;
        migrate(&pool).await?;
        Ok(Self { pool, encryption })
    }

    /// The pool.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    fn database_of(&self) -> Option<super::StoreDatabase> {
        Some(super::StoreDatabase::Postgres {
            pool: self.pool.clone(),
            foreign: false,
        })
    }

    async fn begin_lock(
        &self,
        key: &TokenKey,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        advisory_lock(&mut tx, key).await?;
        Ok(tx)
    }
}

sql_token_store!(
    PostgresTokenStore,
    PostgresLock,
    sqlx::Postgres,
    " FOR UPDATE"
);

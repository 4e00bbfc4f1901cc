//! Token storage.
//!
//! A [`TokenStore`] keeps one [`StoredToken`] per [`TokenKey`], and a refresh [`Lease`] per key.
//! Zoom rotates refresh tokens, so among all the processes sharing a store only one may spend a
//! given refresh token: a second spender would fail and could cost the user their connection.
//!
//! [`TokenStore::lock`] gives a short exclusive hold on one key (in memory here; SQLite's write
//! lock, or an advisory and a row lock in PostgreSQL). It is never held across an HTTP call. A
//! refresh takes it twice: once to read the grant and take the key's lease (committed, so other
//! processes see it and wait), and once, after Zoom answered, to compare the stored grant with
//! the one it started from and write the new one (a compare-and-swap). Other keys, and plain
//! reads of the same key, never wait for Zoom.

pub mod crypto;
mod legacy;
mod memory;
mod postgres;
mod spec;
mod sql;
mod sqlite;

pub use crypto::{Keyring, TokenEncryption};
pub use legacy::{LegacyMigrationReport, LegacyOptions, LegacyPostgresTokenStore, FERNET_KEY_ENV};
pub use memory::MemoryTokenStore;
pub use postgres::{advisory_lock_name, PostgresTokenStore};
pub(crate) use postgres::{connect_pool as connect_postgres_pool, migrate as migrate_postgres};
pub use spec::{StoreSpec, DEFAULT_SQLITE_PATH, STORE_ENV};
pub use sql::ResealReport;
pub use sqlite::SqliteTokenStore;
pub(crate) use sqlite::{migrate as migrate_sqlite, BUSY_TIMEOUT as SQLITE_BUSY_TIMEOUT};

use crate::error::Result;
use crate::token::{StoredToken, TokenKey};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::fmt;

/// Where tokens live. Implementations must be safe to share between tasks and threads.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// Read a grant.
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>>;
    /// Write a grant (insert or replace), atomically.
    async fn save(&self, key: &TokenKey, token: &StoredToken) -> Result<()>;
    /// Remove a grant; `true` if there was one.
    async fn delete(&self, key: &TokenKey) -> Result<bool>;
    /// Every key with a stored grant.
    async fn keys(&self) -> Result<Vec<TokenKey>>;
    /// Take the exclusive refresh lock for `key`. While it is held no other holder of the same
    /// store (task, thread or process) can take it; reads and writes made through the lock see
    /// the newest data.
    async fn lock(&self, key: &TokenKey) -> Result<Box<dyn TokenLock + '_>>;

    /// How the stored grants are sealed, for stores that encrypt (`None` otherwise). Every row
    /// that holds a token counts, whatever its status: a revoked or re-authorization-required
    /// row sealed under a former key still needs that key.
    async fn encryption_status(&self) -> Result<Option<EncryptionStatus>> {
        Ok(None)
    }

    /// Re-encrypt, `batch` rows at a time, every row not sealed with the current key (rows
    /// under former keys and plaintext rows, whatever their status), each under its lock so that
    /// it is safe while other processes use the store. Stores that do not encrypt answer with a
    /// configuration error.
    async fn reseal(&self, batch: usize) -> Result<ResealReport> {
        let _ = batch;
        Err(crate::Error::config(
            crypto::KEY_ENV,
            format!("{self:?} does not encrypt tokens: there is nothing to reseal"),
        ))
    }

    /// Keep an authorization request under the digest of its state until the callback.
    async fn put_authorization(
        &self,
        state_digest: &str,
        record: &PendingAuthorizationRecord,
    ) -> Result<()> {
        let _ = (state_digest, record);
        Err(crate::Error::config(
            STORE_ENV,
            format!("{self:?} cannot keep authorization requests"),
        ))
    }

    /// Take the authorization request with this state digest, atomically: of two callbacks
    /// with the same state, one finds it and the other finds it reused.
    async fn take_authorization(&self, state_digest: &str) -> Result<TakenAuthorization> {
        let _ = state_digest;
        Err(crate::Error::config(
            STORE_ENV,
            format!("{self:?} cannot keep authorization requests"),
        ))
    }

    /// Where the store's database is, so that the integration's index can live beside the
    /// tokens (`None`: not in a database, as the memory store).
    fn database(&self) -> Option<StoreDatabase> {
        None
    }

    /// Keys whose grant belongs to a Zoom user (for `app_deauthorized`). The default scans
    /// every key; database stores answer from an index.
    async fn find_by_zoom_user_id(&self, zoom_user_id: &str) -> Result<Vec<TokenKey>> {
        let mut found = Vec::new();
        for key in self.keys().await? {
            if let Some(t) = self.load(&key).await? {
                if t.zoom_user_id.as_deref() == Some(zoom_user_id) {
                    found.push(key);
                }
            }
        }
        Ok(found)
    }
}

/// A token store's database.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum StoreDatabase {
    /// A SQLite file.
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database, through the store's pool.
    Postgres {
        /// The store's pool.
        pool: sqlx::PgPool,
        /// Whether the schema is the backend's (the legacy table), where the SDK creates only
        /// its own tables and runs no migrator.
        foreign: bool,
    },
}

/// An authorization request kept server-side between sending a user to Zoom and the callback
/// (see [`crate::integration`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PendingAuthorizationRecord {
    /// The application's user the request is for: the callback's user comes from here, never
    /// from the callback's query.
    pub user_id: String,
    /// The PKCE verifier (sealed at rest like the tokens).
    pub pkce_verifier: secrecy::SecretString,
    /// When the request was made.
    pub created_at: DateTime<Utc>,
    /// When it stops being accepted.
    pub expires_at: DateTime<Utc>,
}

impl PendingAuthorizationRecord {
    /// A record for `user_id`.
    pub fn new(
        user_id: impl Into<String>,
        pkce_verifier: secrecy::SecretString,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            user_id: user_id.into(),
            pkce_verifier,
            created_at,
            expires_at,
        }
    }
}

/// What taking a pending authorization found.
#[derive(Debug)]
#[non_exhaustive]
pub enum TakenAuthorization {
    /// The request, now marked used (a second take finds [`TakenAuthorization::Reused`]).
    Fresh(PendingAuthorizationRecord),
    /// Taken before.
    Reused,
    /// Never stored (or long gone).
    Unknown,
}

/// The SQL both databases accept for pending authorizations.
pub(crate) mod state_sql {
    pub const PUT: &str = "INSERT INTO zoom_sdk_oauth_states (state_digest, user_id, verifier, encryption_key_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)";
    pub const PRUNE: &str = "DELETE FROM zoom_sdk_oauth_states WHERE expires_at < $1";
    pub const TAKE: &str = "UPDATE zoom_sdk_oauth_states SET used_at = $2 WHERE state_digest = $1 AND used_at IS NULL RETURNING user_id, verifier, encryption_key_id, created_at, expires_at";
    pub const EXISTS: &str = "SELECT count(*) FROM zoom_sdk_oauth_states WHERE state_digest = $1";
    /// Used and expired rows are kept this long, so a late replay reads as reused.
    pub const KEEP_HOURS: i64 = 24;
    pub fn context(digest: &str) -> String {
        format!("zoom_sdk_oauth_states/{digest}/verifier")
    }
}

/// How many rows are sealed with the current key, with former keys, or not at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct EncryptionStatus {
    /// Sealed with the current key.
    pub current_key: u64,
    /// Sealed with a former key (run `reseal`).
    pub former_keys: u64,
    /// Plaintext.
    pub plaintext: u64,
}

/// Who may spend a key's refresh token, and until when. A lease is taken and committed before
/// the token request, released (or replaced) with the write of its result, and may be taken
/// over by another holder once it has expired (its holder died or lost the store).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Lease {
    /// Who holds it: a process and refresh, unique per holder.
    pub holder: String,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
}

impl Lease {
    /// A lease for `holder` lasting `ttl` from now.
    pub fn new(holder: impl Into<String>, ttl: std::time::Duration) -> Self {
        let ttl = chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::minutes(5));
        Self {
            holder: holder.into(),
            expires_at: Utc::now() + ttl,
        }
    }

    /// Whether it is still in force at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.expires_at > now
    }
}

/// A short exclusive hold on one key: its grant and its lease. Never held across an HTTP call.
#[async_trait]
pub trait TokenLock: Send {
    /// Re-read the grant under the lock.
    async fn load(&mut self) -> Result<Option<StoredToken>>;
    /// Write the grant under the lock.
    async fn save(&mut self, token: &StoredToken) -> Result<()>;
    /// The key's refresh lease, live or lapsed, if one is recorded.
    async fn lease(&mut self) -> Result<Option<Lease>>;
    /// Record (`Some`) or clear (`None`) the key's refresh lease.
    async fn set_lease(&mut self, lease: Option<&Lease>) -> Result<()>;
    /// Release the lock and commit the writes made through it. Dropping the lock without
    /// calling this releases it too, but a database store then rolls its writes back.
    async fn release(self: Box<Self>) -> Result<()>;
}

/// The key of a `zoom_sdk_leases` row, and the SQL both databases accept.
pub(crate) mod lease_sql {
    pub const GET: &str =
        "SELECT holder, expires_at FROM zoom_sdk_leases WHERE owner_kind = $1 AND owner_id = $2";
    pub const SET: &str = "INSERT INTO zoom_sdk_leases (owner_kind, owner_id, holder, expires_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (owner_kind, owner_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at";
    pub const CLEAR: &str = "DELETE FROM zoom_sdk_leases WHERE owner_kind = $1 AND owner_id = $2";
}

/// Open the store named by `ZOOM_TOKEN_STORE` (see [`StoreSpec`]), with encryption from
/// [`TokenEncryption::from_env`] and the legacy table's keys from `ENCRYPTION_KEY`.
pub async fn open_from_env() -> Result<std::sync::Arc<dyn TokenStore>> {
    StoreSpec::from_env()?
        .open(TokenEncryption::from_env, LegacyOptions::from_env())
        .await
}

/// Parse `spec` ([`StoreSpec`]) and open it as [`open_from_env`] would.
pub async fn open(spec: &str) -> Result<std::sync::Arc<dyn TokenStore>> {
    spec.parse::<StoreSpec>()?
        .open(TokenEncryption::from_env, LegacyOptions::from_env())
        .await
}

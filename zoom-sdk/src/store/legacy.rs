//! The backend's existing table, as it is: `zoom_oauth_tokens`.
//!
//! The Python backend keeps one row per user (`user_id` unique) with plaintext `access_token`
//! and `refresh_token`; a sibling module keeps `access_token_encrypted` and
//! `refresh_token_encrypted` sealed with Fernet under `ENCRYPTION_KEY`. This store reads and
//! writes those columns in place, so Python code still using the table and the SDK can run side
//! by side during the swap: nothing is exported, nobody reconnects. Columns the SDK does not
//! model (names, `user_type`, `access_count`, ...) are left as the backend wrote them.
//!
//! Tokens are written Fernet-encrypted whenever a key is configured and the table has the
//! `*_encrypted` columns, as the backend's migration left them; the encrypted columns are never
//! blanked, and without a key a row holding Fernet tokens is refused rather than overwritten.
//!
//! `is_active` stays the backend's: `false` means the user is not served, whatever the SDK
//! recorded. The SDK's own status (re-authorization required, revoked) lives in `metadata`
//! beside a fingerprint of the row as the SDK wrote it (`is_active` and a hash of the access
//! token); when the backend changes either, the SDK's status no longer applies.
//!
//! Refreshes take the same locks as [`super::PostgresTokenStore`]: an advisory lock named by
//! [`super::advisory_lock_name`] and a row lock, each only for a short transaction, plus a lease
//! in the SDK's own `zoom_sdk_leases` table (created beside the backend's table on connect; the
//! backend's table itself is never altered) for the length of the token request. Python
//! handlers that still refresh should take the advisory lock first and leave the row alone
//! while a live lease exists: `SELECT pg_advisory_xact_lock(hashtextextended('zoom_sdk:user:' ||
//! user_id, 0))`, then `SELECT 1 FROM zoom_sdk_leases WHERE owner_kind = 'user' AND owner_id =
//! user_id AND expires_at > now()`.

use super::postgres::{advisory_lock, connect_pool};
use super::sql::db_err;
use super::{Lease, TokenLock, TokenStore};
use crate::error::{Error, Result};
use crate::token::{StoredToken, TokenKey, TokenSet, TokenStatus};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::Value;
use sqlx::postgres::PgPool;

/// The Fernet key variable of the backend.
pub const FERNET_KEY_ENV: &str = "ENCRYPTION_KEY";

const SELECT: &str = "SELECT user_id, zoom_user_id, email, access_token, refresh_token, token_type, scope, account_id, \
     expires_at::timestamptz AS expires_at, issued_at::timestamptz AS issued_at, updated_at::timestamptz AS updated_at, \
     last_used_at::timestamptz AS last_used_at, is_active, metadata";

/// How the legacy store treats the backend's table.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct LegacyOptions {
    /// Fernet keys (urlsafe base64, as Python's `cryptography` makes them): the first
    /// encrypts, all decrypt.
    pub fernet_keys: Vec<SecretString>,
    /// Insist on Fernet: connecting fails unless tokens can be written encrypted (a key and the
    /// `*_encrypted` columns). Whenever both exist, tokens are written encrypted anyway.
    pub write_encrypted: bool,
}

impl std::fmt::Debug for LegacyOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyOptions")
            .field("fernet_keys", &self.fernet_keys.len())
            .field("write_encrypted", &self.write_encrypted)
            .finish()
    }
}

impl LegacyOptions {
    /// Plaintext columns, as the backend's first module keeps them.
    pub fn plaintext() -> Self {
        Self::default()
    }

    /// Read and write the Fernet columns with `key` (and read with `old` keys).
    pub fn fernet(key: impl Into<String>, old: &[&str]) -> Self {
        let mut keys = vec![SecretString::from(key.into())];
        keys.extend(old.iter().map(|k| SecretString::from(k.to_string())));
        Self {
            fernet_keys: keys,
            write_encrypted: true,
        }
    }

    /// Keys from `ENCRYPTION_KEY` (comma separated, newest first) when set; with a key, tokens
    /// are written encrypted.
    pub fn from_env() -> Self {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`LegacyOptions::from_env`] with any variable source (tests, config files).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let keys = lookup(FERNET_KEY_ENV)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(|k| SecretString::from(k.to_string()))
            .collect();
        Self {
            fernet_keys: keys,
            write_encrypted: false,
        }
    }
}

/// What a plaintext → Fernet migration found or did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LegacyMigrationReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// Rows in the table.
    pub rows: u64,
    /// Rows already holding Fernet tokens.
    pub already_encrypted: u64,
    /// Rows holding plaintext tokens before the run.
    pub plaintext: u64,
    /// Rows encrypted by this run.
    pub encrypted: u64,
    /// Batches committed.
    pub batches: u64,
    /// The first user ids that would be (or were) changed.
    pub sample_user_ids: Vec<String>,
}

/// `zoom_oauth_tokens` as the backend created it.
pub struct LegacyPostgresTokenStore {
    pool: PgPool,
    fernet: Option<fernet::MultiFernet>,
    write_encrypted: bool,
    has_encrypted_columns: bool,
}

impl std::fmt::Debug for LegacyPostgresTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LegacyPostgresTokenStore")
            .field("fernet", &self.fernet.is_some())
            .field("write_encrypted", &self.write_encrypted)
            .field("has_encrypted_columns", &self.has_encrypted_columns)
            .finish_non_exhaustive()
    }
}

#[derive(sqlx::FromRow)]
struct LegacyRow {
    zoom_user_id: Option<String>,
    email: Option<String>,
    access_token: Option<String>,
    refresh_token: Option<String>,
    token_type: Option<String>,
    scope: Option<String>,
    account_id: Option<String>,
    expires_at: Option<DateTime<Utc>>,
    issued_at: Option<DateTime<Utc>>,
    updated_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    is_active: Option<bool>,
    metadata: Option<sqlx::types::Json<Value>>,
    #[sqlx(default)]
    access_token_encrypted: Option<String>,
    #[sqlx(default)]
    refresh_token_encrypted: Option<String>,
}

fn user_id(key: &TokenKey) -> Result<&str> {
    match key {
        TokenKey::User(id) => Ok(id),
        TokenKey::Account(_) => Err(Error::storage(
            "the backend's zoom_oauth_tokens table holds user grants only; keep Server-to-Server tokens in a SqliteTokenStore or PostgresTokenStore",
        )),
    }
}

const STATUS_KEY: &str = "zoom_sdk_status";
/// What the row looked like when the SDK wrote its status: `{"is_active": .., "token": ..}`.
const SEEN_KEY: &str = "zoom_sdk_seen";

/// A short, one-way fingerprint of an access token, to tell whether the backend replaced it.
fn fingerprint(access: &SecretString) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(access.expose_secret().as_bytes())[..8])
}

/// The SDK's own tables beside the backend's: the DDL of the PostgreSQL store's migrations (one
/// `CREATE TABLE IF NOT EXISTS` each), so either store may create them first.
const LEASE_TABLE: &str = include_str!("../../migrations/postgres/20261126000001_leases.sql");
const STATE_TABLE: &str = include_str!("../../migrations/postgres/20261126000002_oauth_states.sql");

/// The key id recorded for a verifier sealed with the backend's Fernet key.
const FERNET_KID: &str = "fernet";

/// Rows whose tokens are still plaintext.
const PLAIN: &str =
    "(access_token_encrypted IS NULL OR access_token_encrypted = '') AND access_token <> ''";

impl LegacyPostgresTokenStore {
    /// Connect to the database holding `zoom_oauth_tokens`. The table must exist; nothing is
    /// created or altered.
    pub async fn connect(url: &str, options: LegacyOptions) -> Result<Self> {
        let pool = connect_pool(url).await?;
        let columns: Vec<(String,)> = sqlx::query_as(
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'zoom_oauth_tokens' AND table_schema = current_schema()",
        )
        .fetch_all(&pool)
        .await
        .map_err(db_err)?;
        if columns.is_empty() {
            return Err(Error::config(
                "legacy_table",
                "table zoom_oauth_tokens does not exist in this database",
            ));
        }
        let has = |c: &str| columns.iter().any(|(n,)| n == c);
        for required in [
            "user_id",
            "zoom_user_id",
            "access_token",
            "refresh_token",
            "expires_at",
        ] {
            if !has(required) {
                return Err(Error::config(
                    "legacy_table",
                    format!("zoom_oauth_tokens has no {required} column"),
                ));
            }
        }
        let has_encrypted_columns = has("access_token_encrypted") && has("refresh_token_encrypted");
        let fernet = if options.fernet_keys.is_empty() {
            None
        } else {
            let mut keys = Vec::new();
            for k in &options.fernet_keys {
                keys.push(fernet::Fernet::new(k.expose_secret().trim()).ok_or_else(|| {
                    Error::config(FERNET_KEY_ENV, "is not a Fernet key (32 bytes, urlsafe base64, as Fernet.generate_key() makes)")
                })?);
            }
            Some(fernet::MultiFernet::new(keys))
        };
        if options.write_encrypted && (fernet.is_none() || !has_encrypted_columns) {
            return Err(Error::config(
                FERNET_KEY_ENV,
                "writing Fernet tokens needs a key and the access_token_encrypted / refresh_token_encrypted columns",
            ));
        }
        // The SDK's own tables beside the backend's. Concurrent first connections may race to
        // create one; the loser finds it.
        for (ddl, name) in [
            (LEASE_TABLE, "zoom_sdk_leases"),
            (STATE_TABLE, "zoom_sdk_oauth_states"),
        ] {
            if let Err(e) = sqlx::query(ddl).execute(&pool).await {
                let exists: Option<(Option<String>,)> =
                    sqlx::query_as(&format!("SELECT to_regclass('{name}')::text"))
                        .fetch_optional(&pool)
                        .await
                        .map_err(db_err)?;
                if exists.and_then(|(t,)| t).is_none() {
                    return Err(db_err(e));
                }
            }
        }
        let write_encrypted = fernet.is_some() && has_encrypted_columns;
        Ok(Self {
            pool,
            fernet,
            write_encrypted,
            has_encrypted_columns,
        })
    }

    /// Whether tokens are written Fernet-encrypted (a key is configured and the table has the
    /// encrypted columns).
    pub fn writes_encrypted(&self) -> bool {
        self.write_encrypted
    }

    fn select(&self, filter: &str, suffix: &str) -> String {
        let enc = if self.has_encrypted_columns {
            ", access_token_encrypted, refresh_token_encrypted"
        } else {
            ""
        };
        format!("{SELECT}{enc} FROM zoom_oauth_tokens {filter}{suffix}")
    }

    fn decrypt(&self, sealed: &str) -> Result<SecretString> {
        let f = self.fernet.as_ref().ok_or_else(|| {
            Error::config(
                FERNET_KEY_ENV,
                "zoom_oauth_tokens holds Fernet-encrypted tokens but no Fernet key is configured",
            )
        })?;
        let plain = f.decrypt(sealed).map_err(|_| {
            Error::storage("a Fernet token does not decrypt with the configured keys")
        })?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| Error::storage("a Fernet token is not UTF-8"))
    }

    fn to_token(&self, r: LegacyRow) -> Result<StoredToken> {
        let nonempty =
            |s: &Option<String>| s.as_deref().filter(|v| !v.is_empty()).map(str::to_string);
        let (access, refresh) = match nonempty(&r.access_token_encrypted) {
            Some(sealed) => (
                self.decrypt(&sealed)?,
                nonempty(&r.refresh_token_encrypted)
                    .map(|s| self.decrypt(&s))
                    .transpose()?,
            ),
            None => (
                SecretString::from(r.access_token.unwrap_or_default()),
                nonempty(&r.refresh_token).map(SecretString::from),
            ),
        };
        let now = Utc::now();
        let mut t = StoredToken::from_token_set(TokenSet {
            access_token: access,
            refresh_token: refresh,
            token_type: r.token_type.unwrap_or_else(|| "Bearer".into()),
            scopes: r
                .scope
                .unwrap_or_default()
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            // A row without an expiry is treated as expired: the next call refreshes it.
            expires_at: r.expires_at.unwrap_or(now),
            issued_at: r.issued_at.unwrap_or(now),
        });
        t.updated_at = r.updated_at.unwrap_or(now);
        t.last_used_at = r.last_used_at;
        t.zoom_user_id = r.zoom_user_id.filter(|z| !z.is_empty());
        t.email = r.email;
        t.account_id = r.account_id;
        let metadata = r.metadata.map(|m| m.0).unwrap_or(Value::Null);
        let is_active = r.is_active.unwrap_or(true);
        // The SDK's status holds only while the row is as the SDK left it.
        let seen = metadata.get(SEEN_KEY);
        let unchanged = seen
            .and_then(|s| s.get("is_active"))
            .and_then(Value::as_bool)
            == Some(is_active)
            && seen.and_then(|s| s.get("token")).and_then(Value::as_str)
                == Some(fingerprint(&t.access_token).as_str());
        t.status = match metadata.get(STATUS_KEY).and_then(Value::as_str) {
            Some(s) if unchanged => TokenStatus::from_stored(s),
            _ if !is_active => TokenStatus::Revoked,
            _ => TokenStatus::Active,
        };
        t.metadata = metadata;
        Ok(t)
    }

    async fn fetch(
        &self,
        ex: &mut sqlx::PgConnection,
        key: &TokenKey,
        suffix: &str,
    ) -> Result<Option<StoredToken>> {
        let uid = user_id(key)?;
        let sql = self.select("WHERE user_id = $1", suffix);
        let row: Option<LegacyRow> = sqlx::query_as(&sql)
            .bind(uid)
            .fetch_optional(ex)
            .await
            .map_err(db_err)?;
        row.map(|r| self.to_token(r)).transpose()
    }

    async fn upsert(
        &self,
        ex: &mut sqlx::PgConnection,
        key: &TokenKey,
        t: &StoredToken,
    ) -> Result<()> {
        let uid = user_id(key)?;
        let mut metadata = match &t.metadata {
            Value::Object(m) => m.clone(),
            _ => serde_json::Map::new(),
        };
        let is_active = t.status == TokenStatus::Active;
        metadata.insert(STATUS_KEY.into(), Value::String(t.status.as_str().into()));
        metadata.insert(
            SEEN_KEY.into(),
            serde_json::json!({"is_active": is_active, "token": fingerprint(&t.access_token)}),
        );
        let (plain_access, plain_refresh, enc_access, enc_refresh) = if self.write_encrypted {
            let f = self
                .fernet
                .as_ref()
                .ok_or_else(|| Error::config(FERNET_KEY_ENV, "missing"))?;
            let enc = |s: &SecretString| f.encrypt(s.expose_secret().as_bytes());
            (
                String::new(),
                None,
                Some(enc(&t.access_token)),
                t.refresh_token.as_ref().map(enc),
            )
        } else {
            (
                t.access_token.expose_secret().to_string(),
                t.refresh_token
                    .as_ref()
                    .map(|r| r.expose_secret().to_string()),
                None,
                None,
            )
        };
        // Encrypted columns are written only with Fernet values; a plaintext write never blanks
        // them, and is refused (no row updated) where they hold tokens it could not read.
        let enc_cols = match (self.has_encrypted_columns, self.write_encrypted) {
            (true, true) => (", access_token_encrypted, refresh_token_encrypted", ", $13, $14", ", access_token_encrypted = excluded.access_token_encrypted, refresh_token_encrypted = excluded.refresh_token_encrypted", ""),
            (true, false) => ("", "", "", " WHERE COALESCE(zoom_oauth_tokens.access_token_encrypted, '') = '' AND COALESCE(zoom_oauth_tokens.refresh_token_encrypted, '') = ''"),
            _ => ("", "", "", ""),
        };
        let sql = format!(
            "INSERT INTO zoom_oauth_tokens (user_id, zoom_user_id, email, access_token, refresh_token, token_type, scope, account_id, expires_at, issued_at, updated_at, is_active, metadata{}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $15{}) \
             ON CONFLICT (user_id) DO UPDATE SET zoom_user_id = COALESCE(NULLIF(excluded.zoom_user_id, ''), zoom_oauth_tokens.zoom_user_id), \
             email = COALESCE(excluded.email, zoom_oauth_tokens.email), access_token = excluded.access_token, refresh_token = excluded.refresh_token, \
             token_type = excluded.token_type, scope = excluded.scope, account_id = COALESCE(excluded.account_id, zoom_oauth_tokens.account_id), \
             expires_at = excluded.expires_at, issued_at = excluded.issued_at, updated_at = excluded.updated_at, is_active = excluded.is_active, \
             metadata = excluded.metadata{}{}",
            enc_cols.0, enc_cols.1, enc_cols.2, enc_cols.3
        );
        let mut q = sqlx::query(&sql)
            .bind(uid)
            .bind(t.zoom_user_id.clone().unwrap_or_default())
            .bind(&t.email)
            .bind(plain_access)
            .bind(plain_refresh)
            .bind(&t.token_type)
            .bind(t.scopes.join(" "))
            .bind(&t.account_id)
            .bind(t.expires_at)
            .bind(t.issued_at)
            .bind(t.updated_at)
            .bind(is_active);
        if self.write_encrypted {
            q = q.bind(enc_access).bind(enc_refresh);
        } else {
            // Keep the numbering: $13 and $14 are unused without encrypted writes.
            q = q.bind(Option::<String>::None).bind(Option::<String>::None);
        }
        let done = q
            .bind(sqlx::types::Json(Value::Object(metadata)))
            .execute(ex)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(Error::config(
                FERNET_KEY_ENV,
                "this zoom_oauth_tokens row holds Fernet-encrypted tokens: configure the backend's Fernet key so the SDK writes them encrypted too",
            ));
        }
        Ok(())
    }

    /// Move plaintext rows to the Fernet columns in place, `batch` rows per transaction,
    /// skipping rows locked by a refresh in progress (they are taken in a later pass). With
    /// `dry_run` nothing is written and the report says what would change.
    pub async fn migrate_plaintext_to_fernet(
        &self,
        batch: usize,
        dry_run: bool,
    ) -> Result<LegacyMigrationReport> {
        let f = self
            .fernet
            .as_ref()
            .ok_or_else(|| Error::config(FERNET_KEY_ENV, "the migration needs the Fernet key"))?;
        if !self.has_encrypted_columns {
            return Err(Error::config(
                "legacy_table",
                "zoom_oauth_tokens has no access_token_encrypted / refresh_token_encrypted columns",
            ));
        }
        let count = |filter: String| {
            let pool = self.pool.clone();
            async move {
                let (n,): (i64,) =
                    sqlx::query_as(&format!("SELECT count(*) FROM zoom_oauth_tokens {filter}"))
                        .fetch_one(&pool)
                        .await
                        .map_err(db_err)?;
                Ok::<u64, Error>(n as u64)
            }
        };
        let mut report = LegacyMigrationReport {
            dry_run,
            rows: count(String::new()).await?,
            already_encrypted: count(
                "WHERE access_token_encrypted IS NOT NULL AND access_token_encrypted <> ''".into(),
            )
            .await?,
            ..Default::default()
        };
        report.plaintext = count(format!("WHERE {PLAIN}")).await?;
        let sample: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT user_id FROM zoom_oauth_tokens WHERE {PLAIN} ORDER BY id LIMIT 10"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        report.sample_user_ids = sample.into_iter().map(|(u,)| u).collect();
        if dry_run {
            return Ok(report);
        }
        let mut idle_passes = 0;
        while idle_passes < 50 {
            let mut tx = self.pool.begin().await.map_err(db_err)?;
            let rows: Vec<(i32, String, Option<String>)> = sqlx::query_as(&format!(
                "SELECT id, access_token, refresh_token FROM zoom_oauth_tokens WHERE {PLAIN} ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED"
            ))
            .bind(batch.max(1) as i64)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            if rows.is_empty() {
                tx.rollback().await.map_err(db_err)?;
                if count(format!("WHERE {PLAIN}")).await? == 0 {
                    break;
                }
                // Rows locked by refreshes in progress: wait for them.
                idle_passes += 1;
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
            for (id, access, refresh) in &rows {
                let enc_refresh = refresh
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .map(|r| f.encrypt(r.as_bytes()));
                sqlx::query("UPDATE zoom_oauth_tokens SET access_token_encrypted = $1, refresh_token_encrypted = $2, access_token = '', refresh_token = NULL WHERE id = $3")
                    .bind(f.encrypt(access.as_bytes()))
                    .bind(enc_refresh)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            report.encrypted += rows.len() as u64;
            report.batches += 1;
        }
        Ok(report)
    }
}

#[async_trait]
impl TokenStore for LegacyPostgresTokenStore {
    async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        self.fetch(&mut conn, key, "").await
    }

    async fn save(&self, key: &TokenKey, token: &StoredToken) -> Result<()> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        self.upsert(&mut conn, key, token).await
    }

    async fn delete(&self, key: &TokenKey) -> Result<bool> {
        let uid = user_id(key)?;
        let done = sqlx::query("DELETE FROM zoom_oauth_tokens WHERE user_id = $1")
            .bind(uid)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn keys(&self) -> Result<Vec<TokenKey>> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT user_id FROM zoom_oauth_tokens ORDER BY user_id")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(rows.into_iter().map(|(u,)| TokenKey::User(u)).collect())
    }

    async fn put_authorization(
        &self,
        state_digest: &str,
        record: &super::PendingAuthorizationRecord,
    ) -> Result<()> {
        use super::state_sql;
        let (kid, verifier) = match &self.fernet {
            Some(f) => (
                Some(FERNET_KID),
                f.encrypt(record.pkce_verifier.expose_secret().as_bytes()),
            ),
            None => (None, record.pkce_verifier.expose_secret().to_string()),
        };
        let cutoff = Utc::now() - chrono::Duration::hours(state_sql::KEEP_HOURS);
        sqlx::query(state_sql::PRUNE)
            .bind(cutoff)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        sqlx::query(state_sql::PUT)
            .bind(state_digest)
            .bind(&record.user_id)
            .bind(verifier)
            .bind(kid)
            .bind(record.created_at)
            .bind(record.expires_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn take_authorization(&self, state_digest: &str) -> Result<super::TakenAuthorization> {
        use super::{state_sql, PendingAuthorizationRecord, TakenAuthorization};
        type Row = (String, String, Option<String>, DateTime<Utc>, DateTime<Utc>);
        let taken: Option<Row> = sqlx::query_as(state_sql::TAKE)
            .bind(state_digest)
            .bind(Utc::now())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        match taken {
            Some((user_id, verifier, kid, created_at, expires_at)) => {
                let verifier = match kid.as_deref() {
                    Some(FERNET_KID) => self.decrypt(&verifier)?,
                    _ => SecretString::from(verifier),
                };
                Ok(TakenAuthorization::Fresh(PendingAuthorizationRecord::new(
                    user_id, verifier, created_at, expires_at,
                )))
            }
            None => {
                let (n,): (i64,) = sqlx::query_as(state_sql::EXISTS)
                    .bind(state_digest)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(db_err)?;
                Ok(if n > 0 {
                    TakenAuthorization::Reused
                } else {
                    TakenAuthorization::Unknown
                })
            }
        }
    }

    fn database(&self) -> Option<super::StoreDatabase> {
        Some(super::StoreDatabase::Postgres {
            pool: self.pool.clone(),
            foreign: true,
        })
    }

    async fn find_by_zoom_user_id(&self, zoom_user_id: &str) -> Result<Vec<TokenKey>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT user_id FROM zoom_oauth_tokens WHERE zoom_user_id = $1 ORDER BY user_id",
        )
        .bind(zoom_user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(u,)| TokenKey::User(u)).collect())
    }

    async fn lock(&self, key: &TokenKey) -> Result<Box<dyn TokenLock + '_>> {
        user_id(key)?;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        advisory_lock(&mut tx, key).await?;
        Ok(Box::new(LegacyLock {
            store: self,
            key: key.clone(),
            tx,
        }))
    }
}

struct LegacyLock<'a> {
    store: &'a LegacyPostgresTokenStore,
    key: TokenKey,
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
}

#[async_trait]
impl TokenLock for LegacyLock<'_> {
    async fn load(&mut self) -> Result<Option<StoredToken>> {
        self.store
            .fetch(&mut self.tx, &self.key, " FOR UPDATE")
            .await
    }

    async fn save(&mut self, token: &StoredToken) -> Result<()> {
        self.store.upsert(&mut self.tx, &self.key, token).await
    }

    async fn lease(&mut self) -> Result<Option<Lease>> {
        let row: Option<(String, DateTime<Utc>)> = sqlx::query_as(super::lease_sql::GET)
            .bind("user")
            .bind(self.key.id())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_err)?;
        Ok(row.map(|(holder, expires_at)| Lease { holder, expires_at }))
    }

    async fn set_lease(&mut self, lease: Option<&Lease>) -> Result<()> {
        let q = match lease {
            Some(l) => sqlx::query(super::lease_sql::SET)
                .bind("user")
                .bind(self.key.id().to_string())
                .bind(l.holder.clone())
                .bind(l.expires_at),
            None => sqlx::query(super::lease_sql::CLEAR)
                .bind("user")
                .bind(self.key.id().to_string()),
        };
        q.execute(&mut *self.tx).await.map_err(db_err)?;
        Ok(())
    }

    async fn release(self: Box<Self>) -> Result<()> {
        self.tx.commit().await.map_err(db_err)
    }
}

//! What the SQLite and PostgreSQL stores share: the SQL (both accept it), the row type, sealing
//! and opening tokens, and the `TokenStore` glue, instantiated per database by a macro.

use super::crypto::TokenEncryption;
use crate::error::{Error, Result};
use crate::token::{StoredToken, TokenKey, TokenStatus};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::Serialize;
use serde_json::Value;

pub(crate) const COLUMNS: &str = "owner_kind, owner_id, zoom_user_id, email, account_id, access_token, refresh_token, encryption_key_id, token_type, scopes, expires_at, issued_at, updated_at, last_used_at, status, metadata";

pub(crate) const UPSERT: &str = "INSERT INTO zoom_sdk_tokens (owner_kind, owner_id, zoom_user_id, email, account_id, access_token, refresh_token, encryption_key_id, token_type, scopes, expires_at, issued_at, updated_at, last_used_at, status, metadata) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
     ON CONFLICT (owner_kind, owner_id) DO UPDATE SET zoom_user_id = excluded.zoom_user_id, email = excluded.email, account_id = excluded.account_id, access_token = excluded.access_token, refresh_token = excluded.refresh_token, encryption_key_id = excluded.encryption_key_id, token_type = excluded.token_type, scopes = excluded.scopes, expires_at = excluded.expires_at, issued_at = excluded.issued_at, updated_at = excluded.updated_at, last_used_at = excluded.last_used_at, status = excluded.status, metadata = excluded.metadata";

pub(crate) const DELETE: &str =
    "DELETE FROM zoom_sdk_tokens WHERE owner_kind = $1 AND owner_id = $2";
pub(crate) const KEYS: &str =
    "SELECT owner_kind, owner_id FROM zoom_sdk_tokens ORDER BY owner_kind, owner_id";
pub(crate) const KEYS_BY_ZOOM_USER: &str = "SELECT owner_kind, owner_id FROM zoom_sdk_tokens WHERE zoom_user_id = $1 ORDER BY owner_kind, owner_id";
/// Rows that hold a token (sealed or plaintext), whatever their status.
const HOLDS_A_TOKEN: &str = "(access_token <> '' OR refresh_token IS NOT NULL)";
pub(crate) fn keys_to_reseal() -> String {
    format!("SELECT owner_kind, owner_id FROM zoom_sdk_tokens WHERE encryption_key_id IS DISTINCT FROM $1 AND {HOLDS_A_TOKEN} ORDER BY owner_kind, owner_id LIMIT $2")
}
pub(crate) fn sealing_counts() -> String {
    format!("SELECT encryption_key_id, count(*) FROM zoom_sdk_tokens WHERE {HOLDS_A_TOKEN} GROUP BY encryption_key_id")
}

pub(crate) fn select_one(suffix: &str) -> String {
    format!("SELECT {COLUMNS} FROM zoom_sdk_tokens WHERE owner_kind = $1 AND owner_id = $2{suffix}")
}

/// A row as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct Row {
    pub zoom_user_id: Option<String>,
    pub email: Option<String>,
    pub account_id: Option<String>,
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub encryption_key_id: Option<String>,
    pub token_type: String,
    pub scopes: String,
    pub expires_at: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub status: String,
    pub metadata: sqlx::types::Json<Value>,
}

/// The sealed values of a token, ready to bind.
pub(crate) struct Sealed {
    pub access: String,
    pub refresh: Option<String>,
    pub key_id: Option<String>,
}

pub(crate) fn kind(key: &TokenKey) -> &'static str {
    match key {
        TokenKey::User(_) => "user",
        TokenKey::Account(_) => "account",
    }
}

pub(crate) fn key_from(kind: &str, id: String) -> Result<TokenKey> {
    match kind {
        "user" => Ok(TokenKey::User(id)),
        "account" => Ok(TokenKey::Account(id)),
        other => Err(Error::storage(format!(
            "unknown owner kind {other:?} in the token table"
        ))),
    }
}

fn context(key: &TokenKey, column: &str) -> String {
    format!("zoom_sdk_tokens/{key}/{column}")
}

pub(crate) fn seal(key: &TokenKey, t: &StoredToken, enc: &TokenEncryption) -> Result<Sealed> {
    use secrecy::ExposeSecret;
    let (key_id, access) = if t.access_token.expose_secret().is_empty() && t.refresh_token.is_none()
    {
        // A wiped (revoked) grant holds nothing to seal, and so needs no key to read.
        (None, String::new())
    } else {
        enc.seal(&t.access_token, &context(key, "access_token"))?
    };
    let refresh = t
        .refresh_token
        .as_ref()
        .map(|r| enc.seal(r, &context(key, "refresh_token")).map(|(_, s)| s))
        .transpose()?;
    Ok(Sealed {
        access,
        refresh,
        key_id,
    })
}

pub(crate) fn open(key: &TokenKey, r: Row, enc: &TokenEncryption) -> Result<StoredToken> {
    let kid = r.encryption_key_id.as_deref();
    let access = if r.access_token.is_empty() {
        SecretString::from(String::new())
    } else {
        enc.open(kid, &r.access_token, &context(key, "access_token"))?
    };
    let refresh = r
        .refresh_token
        .as_deref()
        .map(|s| enc.open(kid, s, &context(key, "refresh_token")))
        .transpose()?;
    let mut t = StoredToken::from_token_set(crate::token::TokenSet {
        access_token: access,
        refresh_token: refresh,
        token_type: r.token_type,
        scopes: r.scopes.split_whitespace().map(str::to_string).collect(),
        expires_at: r.expires_at,
        issued_at: r.issued_at,
    });
    t.updated_at = r.updated_at;
    t.last_used_at = r.last_used_at;
    t.zoom_user_id = r.zoom_user_id;
    t.email = r.email;
    t.account_id = r.account_id;
    t.status = TokenStatus::from_stored(&r.status);
    t.metadata = r.metadata.0;
    Ok(t)
}

pub(crate) fn db_err(e: sqlx::Error) -> Error {
    Error::storage(match &e {
        sqlx::Error::Database(d) => format!("database: {}", d.message()),
        other => other.to_string(),
    })
}

/// What [`reseal`](crate::store::TokenStore::reseal) did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ResealReport {
    /// Rows re-encrypted under the current key (plaintext rows included).
    pub resealed: u64,
    /// Batches run.
    pub batches: u64,
}

/// The `TokenStore` implementation for one sqlx database.
macro_rules! sql_token_store {
    ($store:ident, $lock:ident, $db:ty, $for_update:expr) => {
        impl $store {
            async fn fetch<'e, E>(
                &self,
                ex: E,
                key: &TokenKey,
                suffix: &str,
            ) -> Result<Option<StoredToken>>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let sql = $crate::store::sql::select_one(suffix);
                let row: Option<$crate::store::sql::Row> = sqlx::query_as(&sql)
                    .bind($crate::store::sql::kind(key))
                    .bind(key.id())
                    .fetch_optional(ex)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                row.map(|r| $crate::store::sql::open(key, r, &self.encryption))
                    .transpose()
            }

            async fn upsert<'e, E>(&self, ex: E, key: &TokenKey, t: &StoredToken) -> Result<()>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let s = $crate::store::sql::seal(key, t, &self.encryption)?;
                sqlx::query($crate::store::sql::UPSERT)
                    .bind($crate::store::sql::kind(key))
                    .bind(key.id())
                    .bind(&t.zoom_user_id)
                    .bind(&t.email)
                    .bind(&t.account_id)
                    .bind(s.access)
                    .bind(s.refresh)
                    .bind(s.key_id)
                    .bind(&t.token_type)
                    .bind(t.scopes.join(" "))
                    .bind(t.expires_at)
                    .bind(t.issued_at)
                    .bind(t.updated_at)
                    .bind(t.last_used_at)
                    .bind(t.status.as_str())
                    .bind(sqlx::types::Json(&t.metadata))
                    .execute(ex)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                Ok(())
            }

            async fn key_list(
                &self,
                sql: &str,
                arg: Option<&str>,
                limit: Option<i64>,
            ) -> Result<Vec<TokenKey>> {
                let mut q = sqlx::query_as::<_, (String, String)>(sql);
                if let Some(a) = arg {
                    q = q.bind(a.to_string());
                }
                if let Some(l) = limit {
                    q = q.bind(l);
                }
                let rows = q
                    .fetch_all(&self.pool)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                rows.into_iter()
                    .map(|(k, id)| $crate::store::sql::key_from(&k, id))
                    .collect()
            }
        }

        #[async_trait::async_trait]
        impl TokenStore for $store {
            async fn load(&self, key: &TokenKey) -> Result<Option<StoredToken>> {
                self.fetch(&self.pool, key, "").await
            }

            async fn save(&self, key: &TokenKey, token: &StoredToken) -> Result<()> {
                self.upsert(&self.pool, key, token).await
            }

            async fn delete(&self, key: &TokenKey) -> Result<bool> {
                let done = sqlx::query($crate::store::sql::DELETE)
                    .bind($crate::store::sql::kind(key))
                    .bind(key.id())
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                Ok(done.rows_affected() > 0)
            }

            async fn keys(&self) -> Result<Vec<TokenKey>> {
                self.key_list($crate::store::sql::KEYS, None, None).await
            }

            async fn encryption_status(&self) -> Result<Option<$crate::store::EncryptionStatus>> {
                let rows: Vec<(Option<String>, i64)> =
                    sqlx::query_as(&$crate::store::sql::sealing_counts())
                        .fetch_all(&self.pool)
                        .await
                        .map_err($crate::store::sql::db_err)?;
                let current = self.encryption.current_key_id();
                let mut s = $crate::store::EncryptionStatus::default();
                for (kid, n) in rows {
                    let n = n as u64;
                    match kid.as_deref() {
                        None => s.plaintext += n,
                        Some(k) if Some(k) == current => s.current_key += n,
                        Some(_) => s.former_keys += n,
                    }
                }
                Ok(Some(s))
            }

            async fn reseal(&self, batch: usize) -> Result<$crate::store::sql::ResealReport> {
                let Some(current) = self.encryption.current_key_id().map(str::to_string) else {
                    return Err(Error::config(
                        $crate::store::crypto::KEY_ENV,
                        "re-encryption needs an encryption key",
                    ));
                };
                let mut report = $crate::store::sql::ResealReport::default();
                loop {
                    let keys = self
                        .key_list(
                            &$crate::store::sql::keys_to_reseal(),
                            Some(&current),
                            Some(batch.max(1) as i64),
                        )
                        .await?;
                    if keys.is_empty() {
                        return Ok(report);
                    }
                    report.batches += 1;
                    for key in keys {
                        let mut lock = self.lock(&key).await?;
                        if let Some(t) = lock.load().await? {
                            lock.save(&t).await?;
                            report.resealed += 1;
                        }
                        lock.release().await?;
                    }
                }
            }

            async fn put_authorization(
                &self,
                state_digest: &str,
                record: &$crate::store::PendingAuthorizationRecord,
            ) -> Result<()> {
                use $crate::store::state_sql;
                let (kid, sealed) = self
                    .encryption
                    .seal(&record.pkce_verifier, &state_sql::context(state_digest))?;
                let cutoff = chrono::Utc::now() - chrono::Duration::hours(state_sql::KEEP_HOURS);
                sqlx::query(state_sql::PRUNE)
                    .bind(cutoff)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                sqlx::query(state_sql::PUT)
                    .bind(state_digest)
                    .bind(&record.user_id)
                    .bind(sealed)
                    .bind(kid)
                    .bind(record.created_at)
                    .bind(record.expires_at)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                Ok(())
            }

            async fn take_authorization(
                &self,
                state_digest: &str,
            ) -> Result<$crate::store::TakenAuthorization> {
                use $crate::store::{state_sql, PendingAuthorizationRecord, TakenAuthorization};
                type Row = (
                    String,
                    String,
                    Option<String>,
                    chrono::DateTime<chrono::Utc>,
                    chrono::DateTime<chrono::Utc>,
                );
                let taken: Option<Row> = sqlx::query_as(state_sql::TAKE)
                    .bind(state_digest)
                    .bind(chrono::Utc::now())
                    .fetch_optional(&self.pool)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                match taken {
                    Some((user_id, sealed, kid, created_at, expires_at)) => {
                        let verifier = self.encryption.open(
                            kid.as_deref(),
                            &sealed,
                            &state_sql::context(state_digest),
                        )?;
                        Ok(TakenAuthorization::Fresh(PendingAuthorizationRecord::new(
                            user_id, verifier, created_at, expires_at,
                        )))
                    }
                    None => {
                        let (n,): (i64,) = sqlx::query_as(state_sql::EXISTS)
                            .bind(state_digest)
                            .fetch_one(&self.pool)
                            .await
                            .map_err($crate::store::sql::db_err)?;
                        Ok(if n > 0 {
                            TakenAuthorization::Reused
                        } else {
                            TakenAuthorization::Unknown
                        })
                    }
                }
            }

            fn database(&self) -> Option<$crate::store::StoreDatabase> {
                self.database_of()
            }

            async fn find_by_zoom_user_id(&self, zoom_user_id: &str) -> Result<Vec<TokenKey>> {
                self.key_list(
                    $crate::store::sql::KEYS_BY_ZOOM_USER,
                    Some(zoom_user_id),
                    None,
                )
                .await
            }

            async fn lock(&self, key: &TokenKey) -> Result<Box<dyn TokenLock + '_>> {
                let tx = self.begin_lock(key).await?;
                Ok(Box::new($lock {
                    store: self,
                    key: key.clone(),
                    tx,
                }))
            }
        }

        struct $lock<'a> {
            store: &'a $store,
            key: TokenKey,
            tx: sqlx::Transaction<'static, $db>,
        }

        #[async_trait::async_trait]
        impl TokenLock for $lock<'_> {
            async fn load(&mut self) -> Result<Option<StoredToken>> {
                self.store
                    .fetch(&mut *self.tx, &self.key, $for_update)
                    .await
            }

            async fn save(&mut self, token: &StoredToken) -> Result<()> {
                self.store.upsert(&mut *self.tx, &self.key, token).await
            }

            async fn lease(&mut self) -> Result<Option<$crate::store::Lease>> {
                let row: Option<(String, chrono::DateTime<chrono::Utc>)> =
                    sqlx::query_as($crate::store::lease_sql::GET)
                        .bind($crate::store::sql::kind(&self.key))
                        .bind(self.key.id())
                        .fetch_optional(&mut *self.tx)
                        .await
                        .map_err($crate::store::sql::db_err)?;
                Ok(row.map(|(holder, expires_at)| $crate::store::Lease { holder, expires_at }))
            }

            async fn set_lease(&mut self, lease: Option<&$crate::store::Lease>) -> Result<()> {
                let q = match lease {
                    Some(l) => sqlx::query($crate::store::lease_sql::SET)
                        .bind($crate::store::sql::kind(&self.key))
                        .bind(self.key.id().to_string())
                        .bind(l.holder.clone())
                        .bind(l.expires_at),
                    None => sqlx::query($crate::store::lease_sql::CLEAR)
                        .bind($crate::store::sql::kind(&self.key))
                        .bind(self.key.id().to_string()),
                };
                q.execute(&mut *self.tx)
                    .await
                    .map_err($crate::store::sql::db_err)?;
                Ok(())
            }

            async fn release(self: Box<Self>) -> Result<()> {
                self.tx.commit().await.map_err($crate::store::sql::db_err)
            }
        }
    };
}

pub(crate) use sql_token_store;

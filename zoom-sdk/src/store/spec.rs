//! [`StoreSpec`]: which token store to open, parsed once from `ZOOM_TOKEN_STORE` (or a
//! configuration file) and used by the client, `zoom-verify` and the readiness checks alike.

use super::{LegacyOptions, LegacyPostgresTokenStore, MemoryTokenStore, PostgresTokenStore};
use super::{SqliteTokenStore, TokenEncryption, TokenStore};
use crate::error::{Error, Result};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

/// The variable naming the store.
pub const STORE_ENV: &str = "ZOOM_TOKEN_STORE";
/// The SQLite file used when [`STORE_ENV`] is not set.
pub const DEFAULT_SQLITE_PATH: &str = "zoom_tokens.db";

/// Which token store to open: `sqlite:PATH`, `postgres:URL`, `legacy-postgres:URL` or `memory`.
///
/// Its `Display`, `Debug` and JSON forms never show a database password.
///
/// ```
/// use zoom_sdk::store::StoreSpec;
/// let spec: StoreSpec = "postgres:postgres://app:s3cret@db/zoom".parse()?;
/// assert_eq!(spec.kind(), "postgres");
/// assert_eq!(spec.to_string(), "postgres:postgres://app:[REDACTED]@db/zoom");
/// assert!("redis://x".parse::<StoreSpec>().is_err());
/// # Ok::<(), zoom_sdk::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreSpec {
    /// An embedded SQLite file (the default: `zoom_tokens.db`).
    Sqlite(PathBuf),
    /// The SDK's own PostgreSQL table `zoom_sdk_tokens`.
    Postgres(String),
    /// The backend's existing `zoom_oauth_tokens` table.
    LegacyPostgres(String),
    /// In memory (tests; lost on exit).
    Memory,
}

impl Default for StoreSpec {
    fn default() -> Self {
        Self::Sqlite(PathBuf::from(DEFAULT_SQLITE_PATH))
    }
}

impl StoreSpec {
    /// The spec named by `ZOOM_TOKEN_STORE`, or the default SQLite file.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`StoreSpec::from_env`] with any variable source.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        match lookup(STORE_ENV).filter(|s| !s.trim().is_empty()) {
            Some(s) => s.parse(),
            None => Ok(Self::default()),
        }
    }

    /// `sqlite`, `postgres`, `legacy-postgres` or `memory`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
            Self::LegacyPostgres(_) => "legacy-postgres",
            Self::Memory => "memory",
        }
    }

    /// The SQLite file, for SQLite stores.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match self {
            Self::Sqlite(p) => Some(p),
            _ => None,
        }
    }

    /// The database URL as given, password included, for PostgreSQL stores.
    pub fn database_url(&self) -> Option<&str> {
        match self {
            Self::Postgres(u) | Self::LegacyPostgres(u) => Some(u),
            _ => None,
        }
    }

    /// Whether the database URL carries a password (better kept in `PGPASSWORD` or a
    /// `.pgpass` file).
    pub fn has_password_in_url(&self) -> bool {
        self.database_url()
            .and_then(|u| url::Url::parse(u).ok())
            .is_some_and(|u| u.password().is_some())
    }

    /// Open the store. `encryption` is asked for only by the stores that encrypt (SQLite and
    /// PostgreSQL); `legacy` applies to the backend's table.
    pub async fn open(
        &self,
        encryption: impl FnOnce() -> Result<TokenEncryption>,
        legacy: LegacyOptions,
    ) -> Result<Arc<dyn TokenStore>> {
        Ok(match self {
            Self::Memory => Arc::new(MemoryTokenStore::new()),
            Self::Sqlite(path) => Arc::new(SqliteTokenStore::open(path, encryption()?).await?),
            Self::Postgres(url) => Arc::new(PostgresTokenStore::connect(url, encryption()?).await?),
            Self::LegacyPostgres(url) => {
                Arc::new(LegacyPostgresTokenStore::connect(url, legacy).await?)
            }
        })
    }

    fn redacted(&self) -> String {
        let url = |u: &str| match url::Url::parse(u) {
            Ok(mut parsed) if parsed.password().is_some() => {
                let _ = parsed.set_password(Some("[REDACTED]"));
                parsed.to_string().replace("%5BREDACTED%5D", "[REDACTED]")
            }
            Ok(_) => u.to_string(),
            Err(_) => "[unparsable URL]".into(),
        };
        match self {
            Self::Sqlite(p) => format!("sqlite:{}", p.display()),
            Self::Postgres(u) => format!("postgres:{}", url(u)),
            Self::LegacyPostgres(u) => format!("legacy-postgres:{}", url(u)),
            Self::Memory => "memory".into(),
        }
    }
}

impl FromStr for StoreSpec {
    type Err = Error;

    fn from_str(spec: &str) -> Result<Self> {
        let spec = spec.trim();
        let bad = || {
            Error::config(
                STORE_ENV,
                "is not a store: use sqlite:PATH, postgres:URL, legacy-postgres:URL or memory",
            )
        };
        if spec == "memory" {
            return Ok(Self::Memory);
        }
        let (kind, rest) = spec.split_once(':').ok_or_else(bad)?;
        let db_url = |u: &str| {
            if u.starts_with("postgres://") || u.starts_with("postgresql://") {
                url::Url::parse(u).map(|_| u.to_string()).map_err(|e| {
                    Error::config(STORE_ENV, format!("the database URL does not parse: {e}"))
                })
            } else {
                Err(Error::config(
                    STORE_ENV,
                    "the database URL must start with postgres:// or postgresql://",
                ))
            }
        };
        match kind {
            "sqlite" if !rest.trim().is_empty() => Ok(Self::Sqlite(PathBuf::from(rest))),
            "sqlite" => Err(Error::config(STORE_ENV, "sqlite: needs a file path")),
            "postgres" => db_url(rest).map(Self::Postgres),
            "legacy-postgres" => db_url(rest).map(Self::LegacyPostgres),
            _ => Err(bad()),
        }
    }
}

impl fmt::Display for StoreSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for StoreSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreSpec({})", self.redacted())
    }
}

impl serde::Serialize for StoreSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.redacted())
    }
}

impl<'de> serde::Deserialize<'de> for StoreSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_and_bad_specs_say_what_to_write() {
        assert_eq!("memory".parse::<StoreSpec>().unwrap(), StoreSpec::Memory);
        assert_eq!(
            "sqlite:/var/lib/app/z.db".parse::<StoreSpec>().unwrap(),
            StoreSpec::Sqlite("/var/lib/app/z.db".into())
        );
        assert_eq!(
            "legacy-postgres:postgresql://db/app"
                .parse::<StoreSpec>()
                .unwrap()
                .kind(),
            "legacy-postgres"
        );
        for bad in [
            "",
            "redis://x",
            "sqlite:",
            "postgres:mysql://x",
            "postgres:",
        ] {
            let e = bad.parse::<StoreSpec>().unwrap_err();
            assert!(
                matches!(&e, Error::Config { field, .. } if field == STORE_ENV),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn no_form_shows_the_database_password() {
        let spec: StoreSpec = "postgres:postgres://app:hunter2@db:5432/zoom"
            .parse()
            .unwrap();
        assert!(spec.has_password_in_url());
        for shown in [
            spec.to_string(),
            format!("{spec:?}"),
            serde_json::to_string(&spec).unwrap(),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        assert_eq!(
            spec.database_url(),
            Some("postgres://app:hunter2@db:5432/zoom")
        );
    }

    #[test]
    fn the_default_is_the_sqlite_file() {
        assert_eq!(
            StoreSpec::from_lookup(|_| None).unwrap(),
            StoreSpec::Sqlite(DEFAULT_SQLITE_PATH.into())
        );
    }
}

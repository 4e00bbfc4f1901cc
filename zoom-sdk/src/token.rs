//! Tokens: what Zoom's OAuth endpoint returns ([`TokenSet`]), what the store keeps
//! ([`StoredToken`]) and whose they are ([`TokenKey`]).
//!
//! Access and refresh tokens are [`SecretString`]s: `Debug` prints `[REDACTED]`, and the JSON
//! form of these types leaves them out. Code that must hand a token on (a store writing a row)
//! calls `expose_secret()` explicitly.

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Whose tokens: an app user (user-level OAuth, keyed by the backend's own user id) or a Zoom
/// account (Server-to-Server OAuth, keyed by account id, no refresh token).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum TokenKey {
    /// A user of the application, by the application's own user id.
    User(String),
    /// A Zoom account, for Server-to-Server OAuth.
    Account(String),
}

impl TokenKey {
    /// A user key.
    pub fn user(id: impl Into<String>) -> Self {
        Self::User(id.into())
    }
    /// An account key.
    pub fn account(id: impl Into<String>) -> Self {
        Self::Account(id.into())
    }
    /// The id without its kind.
    pub fn id(&self) -> &str {
        match self {
            Self::User(id) | Self::Account(id) => id,
        }
    }
}

impl fmt::Display for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::User(id) => write!(f, "user:{id}"),
            Self::Account(id) => write!(f, "account:{id}"),
        }
    }
}

/// A token grant from Zoom's OAuth endpoint.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct TokenSet {
    /// The bearer token for API calls.
    #[serde(skip)]
    pub access_token: SecretString,
    /// The refresh token (user OAuth only). Zoom rotates it: after a refresh only the newest
    /// one works.
    #[serde(skip)]
    pub refresh_token: Option<SecretString>,
    /// `bearer`.
    pub token_type: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// When the access token stops working.
    pub expires_at: DateTime<Utc>,
    /// When Zoom issued it.
    pub issued_at: DateTime<Utc>,
}

impl TokenSet {
    /// A grant issued now, of type `bearer`, without scopes.
    pub fn new(
        access_token: SecretString,
        refresh_token: Option<SecretString>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            access_token,
            refresh_token,
            token_type: "bearer".into(),
            scopes: Vec::new(),
            expires_at,
            issued_at: Utc::now(),
        }
    }

    /// Set the granted scopes.
    pub fn with_scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, scopes: I) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Set when it was issued.
    pub fn with_issued_at(mut self, at: DateTime<Utc>) -> Self {
        self.issued_at = at;
        self
    }
}

/// The state of a stored grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TokenStatus {
    /// Usable.
    Active,
    /// Zoom refused the refresh token: the user must connect again.
    ReauthorizationRequired,
    /// The user disconnected or deauthorized the app.
    Revoked,
    /// The store holds a status this SDK does not know (written by a newer version, or by
    /// hand). Such a grant is unusable: the SDK never guesses that it is active.
    Unrecognized,
}

impl TokenStatus {
    /// The snake_case name stored in databases.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::ReauthorizationRequired => "reauthorization_required",
            Self::Revoked => "revoked",
            Self::Unrecognized => "unrecognized",
        }
    }

    /// Read a stored name; a name this SDK does not know is [`TokenStatus::Unrecognized`]
    /// (and logged), never `Active`.
    pub fn from_stored(s: &str) -> Self {
        match s {
            "active" => Self::Active,
            "reauthorization_required" => Self::ReauthorizationRequired,
            "revoked" => Self::Revoked,
            other => {
                tracing::warn!(status = %other.chars().take(64).collect::<String>(), "zoom.store: unknown grant status; the grant is treated as unusable");
                Self::Unrecognized
            }
        }
    }
}

/// One stored grant with what the backend keeps beside it.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct StoredToken {
    /// The access token.
    #[serde(skip)]
    pub access_token: SecretString,
    /// The refresh token, absent for Server-to-Server grants.
    #[serde(skip)]
    pub refresh_token: Option<SecretString>,
    /// `bearer`.
    pub token_type: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
    /// When the grant was issued.
    pub issued_at: DateTime<Utc>,
    /// When this record was last written.
    pub updated_at: DateTime<Utc>,
    /// When a call last used the token, if tracked.
    pub last_used_at: Option<DateTime<Utc>>,
    /// The Zoom user id behind the grant.
    pub zoom_user_id: Option<String>,
    /// The Zoom user's email.
    pub email: Option<String>,
    /// The Zoom account id.
    pub account_id: Option<String>,
    /// Usable or not.
    pub status: TokenStatus,
    /// Free-form data the application keeps with the grant.
    pub metadata: serde_json::Value,
}

impl StoredToken {
    /// A new active record from a fresh grant.
    pub fn from_token_set(set: TokenSet) -> Self {
        Self {
            access_token: set.access_token,
            refresh_token: set.refresh_token,
            token_type: set.token_type,
            scopes: set.scopes,
            expires_at: set.expires_at,
            issued_at: set.issued_at,
            updated_at: Utc::now(),
            last_used_at: None,
            zoom_user_id: None,
            email: None,
            account_id: None,
            status: TokenStatus::Active,
            metadata: serde_json::Value::Null,
        }
    }

    /// Replace the tokens with a newer grant, keeping who it belongs to.
    pub fn replace_tokens(&mut self, set: TokenSet) {
        self.access_token = set.access_token;
        // Zoom always sends the new refresh token; keep the old one only if a server did not.
        if set.refresh_token.is_some() {
            self.refresh_token = set.refresh_token;
        }
        self.token_type = set.token_type;
        if !set.scopes.is_empty() {
            self.scopes = set.scopes;
        }
        self.expires_at = set.expires_at;
        self.issued_at = set.issued_at;
        self.updated_at = Utc::now();
        self.status = TokenStatus::Active;
    }

    /// Wipe the tokens and mark the grant revoked, keeping who it belonged to (so the
    /// application can tell the user is disconnected).
    pub fn revoke(&mut self) {
        self.access_token = SecretString::from(String::new());
        self.refresh_token = None;
        self.status = TokenStatus::Revoked;
        self.updated_at = Utc::now();
    }

    /// Whether the access token is usable for at least `margin` more.
    pub fn is_fresh(&self, margin: Duration, now: DateTime<Utc>) -> bool {
        let margin = chrono::Duration::from_std(margin).unwrap_or(chrono::Duration::zero());
        self.status == TokenStatus::Active && self.expires_at - margin > now
    }
}

/// Compare two secrets in constant time.
pub(crate) fn same_secret(a: &SecretString, b: &SecretString) -> bool {
    use secrecy::ExposeSecret;
    use subtle::ConstantTimeEq;
    a.expose_secret()
        .as_bytes()
        .ct_eq(b.expose_secret().as_bytes())
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(access: &str, refresh: Option<&str>) -> TokenSet {
        TokenSet {
            access_token: access.to_string().into(),
            refresh_token: refresh.map(|r| r.to_string().into()),
            token_type: "bearer".into(),
            scopes: vec!["meeting:read".into()],
            expires_at: Utc::now() + chrono::Duration::seconds(3600),
            issued_at: Utc::now(),
        }
    }

    #[test]
    fn debug_and_json_never_show_tokens() {
        let t = StoredToken::from_token_set(set("AT-SECRET-1", Some("RT-SECRET-1")));
        let dbg = format!("{t:?} {:?}", set("AT-SECRET-1", Some("RT-SECRET-1")));
        let json = serde_json::to_string(&t).unwrap();
        for s in ["AT-SECRET-1", "RT-SECRET-1"] {
            assert!(!dbg.contains(s), "{dbg}");
            assert!(!json.contains(s), "{json}");
        }
    }

    #[test]
    fn freshness_honours_the_margin() {
        let t = StoredToken::from_token_set(set("a", None));
        let now = Utc::now();
        assert!(t.is_fresh(Duration::from_secs(60), now));
        assert!(!t.is_fresh(Duration::from_secs(3700), now));
    }

    #[test]
    fn key_display_and_json() {
        assert_eq!(TokenKey::user("42").to_string(), "user:42");
        assert_eq!(
            serde_json::to_string(&TokenKey::account("A")).unwrap(),
            r#"{"kind":"account","id":"A"}"#
        );
    }
}

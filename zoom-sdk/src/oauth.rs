//! Zoom OAuth: the authorization URL with CSRF `state` and PKCE (S256), state verification, code
//! exchange, refresh, revocation, and Server-to-Server `account_credentials`.
//!
//! The `oauth2` crate builds the authorization URL and PKCE pair and performs the code exchange
//! and the refresh. Two calls are plain form POSTs instead, for reasons of Zoom's contract:
//! `account_credentials` is a Zoom-specific grant type the crate does not model, and the crate
//! refuses revocation URLs that are not https, which rules out the loopback emulator. All
//! requests go through the SDK's one pooled HTTP client.

use crate::config::ZoomConfig;
use crate::error::{Error, Result};
use crate::token::TokenSet;
use chrono::{DateTime, Utc};
use oauth2::basic::{BasicTokenIntrospectionResponse, BasicTokenType};
use oauth2::{
    AccessToken, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, StandardRevocableToken, TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Zoom's OAuth error body: `{"reason": "Invalid Token!", "error": "invalid_grant"}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ZoomOAuthError {
    error: String,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

impl fmt::Display for ZoomOAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.error)
    }
}

impl oauth2::ErrorResponse for ZoomOAuthError {}

/// Zoom's token answer, read leniently: whatever `expires_in` holds (a number of any size or
/// sign, a float, a numeric string, nothing), the grant is kept, with an expiry clamped to
/// [`MAX_TOKEN_TTL`]. A refresh answer is the only copy of a rotated refresh token; a field
/// that parses strictly must never be what loses it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ZoomTokenResponse {
    access_token: AccessToken,
    #[serde(default = "bearer", deserialize_with = "lenient::token_type")]
    token_type: BasicTokenType,
    #[serde(default, deserialize_with = "lenient::seconds")]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<RefreshToken>,
    #[serde(default, rename = "scope", deserialize_with = "lenient::scopes")]
    scopes: Option<Vec<Scope>>,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

/// The longest access-token lifetime believed (Zoom's is one hour); a longer claim only makes
/// the SDK refresh earlier than it had to.
pub const MAX_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);

impl oauth2::TokenResponse for ZoomTokenResponse {
    type TokenType = BasicTokenType;
    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }
    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }
    fn expires_in(&self) -> Option<Duration> {
        self.expires_in
            .map(|s| Duration::from_secs(s).min(MAX_TOKEN_TTL))
    }
    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }
    fn scopes(&self) -> Option<&Vec<Scope>> {
        self.scopes.as_ref()
    }
}

mod lenient {
    use oauth2::basic::BasicTokenType;
    use oauth2::Scope;
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    /// Seconds from any JSON value: negative is 0, too large saturates, junk is absent.
    pub fn seconds<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::Number(n) => n
                .as_u64()
                .or_else(|| n.as_i64().map(|i| i.max(0) as u64))
                .or_else(|| {
                    n.as_f64()
                        .filter(|f| f.is_finite())
                        .map(|f| f.max(0.0) as u64)
                }),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| f.max(0.0) as u64),
            _ => None,
        })
    }

    pub fn token_type<'de, D: Deserializer<'de>>(d: D) -> Result<BasicTokenType, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) if s.eq_ignore_ascii_case("bearer") => BasicTokenType::Bearer,
            Value::String(s) => BasicTokenType::Extension(s),
            _ => BasicTokenType::Bearer,
        })
    }

    /// Space (or comma) separated scopes; anything else is absent.
    pub fn scopes<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Scope>>, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(s) => Some(
                s.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|s| !s.is_empty())
                    .map(|s| Scope::new(s.to_string()))
                    .collect(),
            ),
            Value::Array(items) => Some(
                items
                    .into_iter()
                    .filter_map(|v| v.as_str().map(|s| Scope::new(s.to_string())))
                    .collect(),
            ),
            _ => None,
        })
    }
}

type Inner = oauth2::Client<
    ZoomOAuthError,
    ZoomTokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    ZoomOAuthError,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

/// What the backend keeps between sending the user to Zoom and receiving the callback (in its
/// session): the `state` to check and the PKCE verifier to send. It serialises to JSON for
/// that purpose, verifier included; its `Debug` output hides the verifier.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingAuthorization {
    /// The CSRF `state` sent to Zoom.
    pub state: String,
    /// The PKCE code verifier.
    #[serde(with = "expose")]
    pub pkce_verifier: SecretString,
    /// When the request was made.
    pub created_at: DateTime<Utc>,
}

mod expose {
    use secrecy::{ExposeSecret, SecretString};
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &SecretString, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(v.expose_secret())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
        Ok(SecretString::from(String::deserialize(d)?))
    }
}

impl PendingAuthorization {
    /// How long a pending authorization stays acceptable.
    pub const MAX_AGE: Duration = Duration::from_secs(15 * 60);
    /// How far in the future `created_at` may lie (clocks of several backend instances differ
    /// a little); a state from further ahead is refused, never kept forever.
    pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(60);

    /// Check the `state` returned to the callback, in constant time, and the request's age.
    pub fn verify_state(&self, returned_state: &str) -> Result<()> {
        use subtle::ConstantTimeEq;
        let same: bool = self
            .state
            .as_bytes()
            .ct_eq(returned_state.as_bytes())
            .into();
        if !same {
            return Err(Error::StateMismatch);
        }
        let age = Utc::now().signed_duration_since(self.created_at);
        let skew = chrono::Duration::from_std(Self::MAX_CLOCK_SKEW).unwrap_or_default();
        if age < -skew {
            return Err(Error::invalid(
                "state",
                "the authorization request claims to be from the future: start again",
            ));
        }
        if age > chrono::Duration::from_std(Self::MAX_AGE).unwrap_or(chrono::Duration::zero()) {
            return Err(Error::invalid(
                "state",
                "the authorization request is older than 15 minutes: start again",
            ));
        }
        Ok(())
    }
}

/// The URL to send the user to, and what to keep until the callback.
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct AuthorizationRequest {
    /// Zoom's authorization page with `client_id`, `redirect_uri`, `state` and the PKCE
    /// challenge.
    pub url: Url,
    /// Keep this (in the session) for [`PendingAuthorization::verify_state`] and the exchange.
    #[serde(skip)]
    pub pending: PendingAuthorization,
}

/// A transport failure on the token endpoint (what `oauth2` hands back), classified once.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(crate) struct HttpFailure(reqwest::Error);

impl HttpFailure {
    fn into_error(self, timeout: Duration) -> Error {
        crate::http::transport::to_error(&self.0, timeout)
    }
}

impl From<reqwest::Error> for HttpFailure {
    fn from(e: reqwest::Error) -> Self {
        Self(e)
    }
}

/// Zoom's OAuth endpoints for one app.
#[derive(Clone)]
pub struct OAuthClient {
    config: Arc<ZoomConfig>,
    http: reqwest::Client,
    inner: Inner,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("client_id", &self.config.client_id())
            .field("oauth_base_url", &self.config.oauth_base_url().as_str())
            .finish_non_exhaustive()
    }
}

impl OAuthClient {
    pub(crate) fn new(config: Arc<ZoomConfig>, http: reqwest::Client) -> Result<Self> {
        let endpoint = |p: &str| config.endpoint(config.oauth_base_url(), p).to_string();
        let bad = |e: url::ParseError| Error::config("oauth_base_url", e.to_string());
        let mut inner = oauth2::Client::new(ClientId::new(config.client_id().to_string()))
            .set_client_secret(ClientSecret::new(
                config.client_secret().expose_secret().to_string(),
            ))
            .set_auth_uri(AuthUrl::new(endpoint("/oauth/authorize")).map_err(bad)?)
            .set_token_uri(TokenUrl::new(endpoint("/oauth/token")).map_err(bad)?);
        if let Some(r) = config.redirect_uri_as_configured() {
            // Byte for byte as configured: Zoom compares redirect URIs exactly.
            inner = inner.set_redirect_uri(
                RedirectUrl::new(r.to_string())
                    .map_err(|e| Error::config("redirect_uri", e.to_string()))?,
            );
        }
        Ok(Self {
            config,
            http,
            inner,
        })
    }

    /// The authorization URL with a fresh CSRF `state` and PKCE S256 challenge.
    pub fn authorization_url(&self) -> Result<AuthorizationRequest> {
        if self.config.redirect_uri().is_none() {
            return Err(Error::config(
                "redirect_uri",
                "user OAuth needs the redirect URI registered with the app (ZOOM_REDIRECT_URI)",
            ));
        }
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut req = self
            .inner
            .authorize_url(CsrfToken::new_random)
            .set_pkce_challenge(challenge);
        for s in self.config.scopes() {
            req = req.add_scope(Scope::new(s.clone()));
        }
        let (url, state) = req.url();
        Ok(AuthorizationRequest {
            url,
            pending: PendingAuthorization {
                state: state.secret().clone(),
                pkce_verifier: SecretString::from(verifier.secret().clone()),
                created_at: Utc::now(),
            },
        })
    }

    /// Exchange an authorization code (after [`PendingAuthorization::verify_state`]).
    pub async fn exchange_code(
        &self,
        code: &str,
        pending: &PendingAuthorization,
    ) -> Result<TokenSet> {
        if code.is_empty() || code.len() > 2048 {
            return Err(Error::invalid(
                "code",
                "the authorization code is empty or too long",
            ));
        }
        let http = Transport::new(&self.http);
        let result = self
            .inner
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(
                pending.pkce_verifier.expose_secret().to_string(),
            ))
            .request_async(&http)
            .await;
        self.finish(result, http.status())
    }

    /// Spend a refresh token for a new grant. Zoom rotates: the returned grant carries a new
    /// refresh token and the one passed in stops working.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenSet> {
        let http = Transport::new(&self.http);
        let rt = RefreshToken::new(refresh_token.expose_secret().to_string());
        let result = self
            .inner
            .exchange_refresh_token(&rt)
            .request_async(&http)
            .await;
        self.finish(result, http.status())
    }

    fn finish(
        &self,
        result: std::result::Result<
            ZoomTokenResponse,
            RequestTokenError<HttpFailure, ZoomOAuthError>,
        >,
        status: u16,
    ) -> Result<TokenSet> {
        match result {
            Ok(r) => Ok(token_set(&r)),
            Err(RequestTokenError::ServerResponse(e)) => Err(Error::OAuth {
                status,
                error: e.error,
                description: e.reason.or(e.error_description),
            }),
            Err(RequestTokenError::Request(f)) => Err(f.into_error(self.config.request_timeout())),
            // The body is never quoted: a half-parsed token answer may hold a token.
            Err(RequestTokenError::Parse(e, _)) => Err(Error::Decode {
                status,
                message: format!("token endpoint answer: {}", e.path()),
            }),
            Err(RequestTokenError::Other(m)) => Err(Error::OAuth {
                status,
                error: "unexpected_response".into(),
                description: Some(m),
            }),
        }
    }

    /// Server-to-Server OAuth: a token for the configured account. It has no refresh token;
    /// when it expires, call this again.
    pub async fn account_credentials(&self) -> Result<TokenSet> {
        let account = self.config.account_id().ok_or_else(|| {
            Error::config(
                "account_id",
                "Server-to-Server OAuth needs the account id (ZOOM_ACCOUNT_ID)",
            )
        })?;
        let (status, body) = self
            .post_form(
                "/oauth/token",
                &[
                    ("grant_type", "account_credentials"),
                    ("account_id", account),
                ],
            )
            .await?;
        let r: ZoomTokenResponse = serde_json::from_slice(&body).map_err(|e| Error::Decode {
            status,
            message: format!(
                "token endpoint answer: line {} column {}",
                e.line(),
                e.column()
            ),
        })?;
        Ok(token_set(&r))
    }

    /// Revoke a token at Zoom. Zoom then revokes the app's authorization for that user.
    pub async fn revoke(&self, token: &SecretString) -> Result<()> {
        self.post_form("/oauth/revoke", &[("token", token.expose_secret())])
            .await
            .map(|_| ())
    }

    /// A form POST with HTTP Basic client authentication; error bodies become [`Error::OAuth`].
    async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Result<(u16, bytes::Bytes)> {
        let url = self.config.endpoint(self.config.oauth_base_url(), path);
        let resp = self
            .http
            .post(url)
            .basic_auth(
                self.config.client_id(),
                Some(self.config.client_secret().expose_secret()),
            )
            .form(form)
            .send()
            .await
            .map_err(|e| HttpFailure::from(e).into_error(self.config.request_timeout()))?;
        let status = resp.status().as_u16();
        let body = resp
            .bytes()
            .await
            .map_err(|e| HttpFailure::from(e).into_error(self.config.request_timeout()))?;
        if status >= 400 {
            let parsed: Option<ZoomOAuthError> = serde_json::from_slice(&body).ok();
            return Err(Error::OAuth {
                status,
                error: parsed
                    .as_ref()
                    .map_or_else(|| "http_error".to_string(), |e| e.error.clone()),
                description: parsed.and_then(|e| e.reason.or(e.error_description)),
            });
        }
        Ok((status, body))
    }
}

/// Read a token answer's body (the same lenient reading as the OAuth calls use).
#[cfg(test)]
pub(crate) fn parse_token_answer(body: &[u8]) -> std::result::Result<TokenSet, String> {
    serde_json::from_slice::<ZoomTokenResponse>(body)
        .map(|r| token_set(&r))
        .map_err(|e| format!("line {} column {}", e.line(), e.column()))
}

fn token_set(r: &ZoomTokenResponse) -> TokenSet {
    let now = Utc::now();
    let ttl = r.expires_in().unwrap_or(Duration::from_secs(3600));
    TokenSet {
        access_token: SecretString::from(r.access_token().secret().clone()),
        refresh_token: r
            .refresh_token()
            .map(|t| SecretString::from(t.secret().clone())),
        token_type: "bearer".into(),
        scopes: r
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        expires_at: now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1)),
        issued_at: now,
    }
}

/// The HTTP client handed to `oauth2`: the SDK's pooled reqwest client, remembering the
/// status. A named type rather than a closure, so the futures stay `Send`.
struct Transport {
    http: reqwest::Client,
    status: Arc<AtomicU16>,
}

impl Transport {
    fn new(http: &reqwest::Client) -> Self {
        Self {
            http: http.clone(),
            status: Arc::new(AtomicU16::new(0)),
        }
    }

    fn status(&self) -> u16 {
        self.status.load(Ordering::Relaxed)
    }
}

type SendFuture<'c> = std::pin::Pin<
    Box<
        dyn std::future::Future<Output = std::result::Result<oauth2::HttpResponse, HttpFailure>>
            + Send
            + 'c,
    >,
>;

impl<'c> oauth2::AsyncHttpClient<'c> for Transport {
    type Error = HttpFailure;
    type Future = SendFuture<'c>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(send(self.http.clone(), self.status.clone(), request))
    }
}

async fn send(
    http: reqwest::Client,
    status: Arc<AtomicU16>,
    req: oauth2::HttpRequest,
) -> std::result::Result<oauth2::HttpResponse, HttpFailure> {
    let (parts, body) = req.into_parts();
    let resp = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await?;
    let code = resp.status();
    status.store(code.as_u16(), Ordering::Relaxed);
    let headers = resp.headers().clone();
    let bytes = resp.bytes().await?;
    let mut out = oauth2::http::Response::new(bytes.to_vec());
    *out.status_mut() = code;
    *out.headers_mut() = headers;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use secrecy::ExposeSecret;

    fn answer(expires_in: &str) -> String {
        format!(
            r#"{{"access_token":"AT","token_type":"bearer","refresh_token":"RT","expires_in":{expires_in},"scope":"meeting:read user:read"}}"#
        )
    }

    #[test]
    fn a_huge_expires_in_keeps_the_grant_with_a_clamped_expiry() {
        for v in [
            "18446744073709551615",
            "1e300",
            "-5",
            "\"3600\"",
            "null",
            "\"soon\"",
            "9223372036854775807",
            "3600.5",
        ] {
            let set =
                parse_token_answer(answer(v).as_bytes()).unwrap_or_else(|e| panic!("{v}: {e}"));
            assert_eq!(
                set.refresh_token
                    .as_ref()
                    .map(|r| r.expose_secret().to_string())
                    .as_deref(),
                Some("RT"),
                "{v}"
            );
            assert!(
                set.expires_at <= Utc::now() + chrono::Duration::hours(24),
                "{v}"
            );
            assert!(
                set.expires_at >= Utc::now() - chrono::Duration::seconds(5),
                "{v}"
            );
        }
        assert_eq!(
            parse_token_answer(answer("3600").as_bytes())
                .unwrap()
                .scopes,
            ["meeting:read", "user:read"]
        );
    }

    proptest! {
        #[test]
        fn any_expires_in_number_parses_without_panic(n in any::<i64>(), u in any::<u64>(), f in any::<f64>()) {
            for v in [n.to_string(), u.to_string(), format!("{f:e}"), format!("\"{u}\"")] {
                let body = answer(&v);
                if let Ok(set) = parse_token_answer(body.as_bytes()) {
                    prop_assert!(set.expires_at <= Utc::now() + chrono::Duration::hours(24));
                }
            }
        }

        #[test]
        fn any_token_answer_field_parses_without_panic(
            expires in prop_oneof![any::<i64>().prop_map(|n| n.to_string()), ".{0,20}".prop_map(|s| serde_json::to_string(&s).unwrap()), Just("[]".to_string()), Just("{}".to_string())],
            scope in prop_oneof![".{0,40}".prop_map(|s| serde_json::to_string(&s).unwrap()), Just("[\"a\", 1]".to_string()), Just("7".to_string())],
            token_type in prop_oneof![".{0,10}".prop_map(|s| serde_json::to_string(&s).unwrap()), Just("0".to_string())],
        ) {
            let body = format!(r#"{{"access_token":"AT","refresh_token":"RT","expires_in":{expires},"scope":{scope},"token_type":{token_type}}}"#);
            let set = parse_token_answer(body.as_bytes());
            prop_assert!(set.is_ok(), "{body}: {set:?}");
        }

        #[test]
        fn any_bytes_as_a_token_answer_never_panic(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = parse_token_answer(&body);
        }
    }

    #[test]
    fn state_from_the_future_is_refused_and_a_little_skew_is_not() {
        let pending = |ahead: i64| PendingAuthorization {
            state: "S".into(),
            pkce_verifier: SecretString::from("v".to_string()),
            created_at: Utc::now() + chrono::Duration::seconds(ahead),
        };
        assert!(pending(30).verify_state("S").is_ok());
        for ahead in [3600, 86_400 * 365] {
            match pending(ahead).verify_state("S") {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "state"),
                other => panic!("{other:?}"),
            }
        }
    }
}

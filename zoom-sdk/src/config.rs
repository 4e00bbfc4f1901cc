//! [`ZoomConfig`]: who the app is and where Zoom is, validated once, with messages that say what
//! to fix.

use crate::error::{Error, Result};
use crate::http::ratelimit::RateLimits;
use crate::http::retry::RetryPolicy;
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::time::Duration;
use url::Url;

/// Zoom's production REST API base URL.
pub const DEFAULT_API_BASE_URL: &str = "https://api.zoom.us/v2";
/// Zoom's production OAuth base URL (`/oauth/authorize`, `/oauth/token`, `/oauth/revoke`).
pub const DEFAULT_OAUTH_BASE_URL: &str = "https://zoom.us";

/// Every environment variable the SDK reads (configuration, token store, encryption, index); the
/// readiness suite flags any other `ZOOM_*` variable as a probable typo.
pub const ENV_VARIABLES: &[&str] = &[
    "ZOOM_CLIENT_ID",
    "ZOOM_CLIENT_SECRET",
    "ZOOM_REDIRECT_URI",
    "ZOOM_ACCOUNT_ID",
    "ZOOM_API_BASE_URL",
    "ZOOM_OAUTH_BASE_URL",
    "ZOOM_SCOPES",
    "ZOOM_WEBHOOK_SECRET_TOKEN",
    WEBHOOK_SECRET_OLD_ENV,
    ENVIRONMENT_ENV,
    "ZOOM_REQUEST_TIMEOUT_SECS",
    "ZOOM_CONNECT_TIMEOUT_SECS",
    "ZOOM_REFRESH_MARGIN_SECS",
    "ZOOM_RATE_LIMIT_PLAN",
    "ZOOM_TOKEN_CACHE_SECS",
    crate::http::BUDGET_ENV,
    crate::store::STORE_ENV,
    crate::store::crypto::KEY_ENV,
    crate::store::crypto::OLD_KEYS_ENV,
    crate::store::crypto::PLAINTEXT_ENV,
    crate::integration::INDEX_ENV,
];

/// The Python backend's name for the webhook secret token, read when
/// `ZOOM_WEBHOOK_SECRET_TOKEN` (Zoom's name) is not set.
pub const WEBHOOK_SECRET_OLD_ENV: &str = "ZOOM_WEBHOOK_SECRET";

/// The backend's `ZOOM_ENVIRONMENT` (`development`, `production`, ...): shown in health and
/// auth answers, never used to pick hosts (`ZOOM_API_BASE_URL` does that).
pub const ENVIRONMENT_ENV: &str = "ZOOM_ENVIRONMENT";

/// Values copied from templates instead of the Marketplace (`YOUR_CLIENT_ID`, `mock_secret`,
/// `test_client_id`, `<client-id>`, `changeme`): a configuration error, not a login failure
/// at Zoom minutes later.
fn placeholder(value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    [
        "your_",
        "your-",
        "mock_",
        "mock-",
        "test_",
        "placeholder",
        "changeme",
        "<",
        "xxx",
    ]
    .iter()
    .any(|p| v.starts_with(p))
        || v == "none"
        || v == "null"
}

/// The SDK's configuration. Build it with [`ZoomConfig::builder`] or [`ZoomConfig::from_env`].
///
/// The client secret is a [`SecretString`]: it never appears in `Debug` output or in the JSON
/// form of the configuration.
///
/// ```
/// use zoom_sdk::ZoomConfig;
/// let config = ZoomConfig::builder()
///     .client_id("abc123")
///     .client_secret("s3cr3t-s3cr3t")
///     .redirect_uri("https://app.example.com/zoom/callback")
///     .build()
///     .unwrap();
/// assert!(!format!("{config:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Debug, Serialize)]
pub struct ZoomConfig {
    client_id: String,
    #[serde(serialize_with = "redacted")]
    client_secret: SecretString,
    redirect_uri: Option<(Url, String)>,
    account_id: Option<String>,
    api_base_url: Url,
    oauth_base_url: Url,
    scopes: Vec<String>,
    #[serde(with = "secs")]
    connect_timeout: Duration,
    #[serde(with = "secs")]
    request_timeout: Duration,
    #[serde(with = "secs")]
    refresh_margin: Duration,
    #[serde(with = "secs")]
    token_cache_ttl: Duration,
    retry: RetryPolicy,
    rate_limits: RateLimits,
    user_agent: String,
    #[serde(serialize_with = "redacted_opt")]
    webhook_secret_token: Option<SecretString>,
    environment: String,
    #[serde(serialize_with = "redacted_opt")]
    rate_budget: Option<SecretString>,
}

fn redacted_opt<S: serde::Serializer>(
    v: &Option<SecretString>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("[REDACTED]"),
        None => s.serialize_none(),
    }
}

fn redacted<S: serde::Serializer>(_: &SecretString, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str("[REDACTED]")
}

mod secs {
    pub fn serialize<S: serde::Serializer>(
        d: &std::time::Duration,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}

impl ZoomConfig {
    /// Start building a configuration.
    pub fn builder() -> ZoomConfigBuilder {
        ZoomConfigBuilder::default()
    }

    /// Read `ZOOM_CLIENT_ID`, `ZOOM_CLIENT_SECRET`, `ZOOM_REDIRECT_URI`, `ZOOM_ACCOUNT_ID`,
    /// `ZOOM_API_BASE_URL` and `ZOOM_OAUTH_BASE_URL` (the last four optional) from the
    /// environment and validate them.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`ZoomConfig::from_env`] with any variable source (tests, config files).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let mut b = Self::builder();
        b.client_id = get("ZOOM_CLIENT_ID");
        b.client_secret = get("ZOOM_CLIENT_SECRET").map(SecretString::from);
        b.redirect_uri = get("ZOOM_REDIRECT_URI");
        b.account_id = get("ZOOM_ACCOUNT_ID");
        b.api_base_url = get("ZOOM_API_BASE_URL");
        b.oauth_base_url = get("ZOOM_OAUTH_BASE_URL");
        b.webhook_secret_token = get("ZOOM_WEBHOOK_SECRET_TOKEN")
            .or_else(|| get(WEBHOOK_SECRET_OLD_ENV))
            .map(SecretString::from);
        let secs = |name: &str| -> Result<Option<Duration>> {
            get(name)
                .map(|v| {
                    v.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|n| n.is_finite() && *n > 0.0)
                        .and_then(|n| Duration::try_from_secs_f64(n).ok())
                        .ok_or_else(|| {
                            Error::config(
                                name,
                                format!("{v:?} is not a positive number of seconds"),
                            )
                        })
                })
                .transpose()
        };
        b.request_timeout = secs("ZOOM_REQUEST_TIMEOUT_SECS")?;
        b.connect_timeout = secs("ZOOM_CONNECT_TIMEOUT_SECS")?;
        b.refresh_margin = secs("ZOOM_REFRESH_MARGIN_SECS")?;
        if let Some(v) = get("ZOOM_TOKEN_CACHE_SECS") {
            let n = v
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
                .and_then(|n| Duration::try_from_secs_f64(n).ok())
                .ok_or_else(|| {
                    Error::config(
                        "ZOOM_TOKEN_CACHE_SECS",
                        format!("{v:?} is not a number of seconds (0 turns the cache off)"),
                    )
                })?;
            b.token_cache_ttl = Some(n);
        }
        if let Some(plan) = get("ZOOM_RATE_LIMIT_PLAN") {
            b.rate_limits = Some(match plan.trim().to_ascii_lowercase().as_str() {
                "free" => RateLimits::free(),
                "pro" => RateLimits::pro(),
                "business" | "enterprise" => RateLimits::business(),
                "off" | "none" => RateLimits::disabled(),
                other => {
                    return Err(Error::config(
                        "ZOOM_RATE_LIMIT_PLAN",
                        format!("{other:?} is not a plan: use free, pro, business or off"),
                    ))
                }
            });
        }
        if let Some(scopes) = get("ZOOM_SCOPES") {
            b.scopes = scopes
                .split([' ', ','])
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
        }
        b.environment = get(ENVIRONMENT_ENV);
        b.rate_budget = get(crate::http::BUDGET_ENV).map(SecretString::from);
        b.env_names = true;
        b.build()
    }

    /// The shared rate budget's URL (`ZOOM_RATE_BUDGET`), when set. It may hold a password.
    pub fn rate_budget(&self) -> Option<&SecretString> {
        self.rate_budget.as_ref()
    }
    /// The deployment's name (`ZOOM_ENVIRONMENT`; `production` when unset).
    pub fn environment(&self) -> &str {
        &self.environment
    }
    /// The OAuth client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }
    /// The OAuth client secret.
    pub fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }
    /// The redirect URI registered with the app (user OAuth).
    pub fn redirect_uri(&self) -> Option<&Url> {
        self.redirect_uri.as_ref().map(|(u, _)| u)
    }

    /// The redirect URI exactly as configured, byte for byte: this is what goes to Zoom, whose
    /// match is exact (URL parsing would lowercase the host or add a trailing `/`).
    pub fn redirect_uri_as_configured(&self) -> Option<&str> {
        self.redirect_uri.as_ref().map(|(_, raw)| raw.as_str())
    }
    /// The account id for Server-to-Server OAuth.
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }
    /// The REST API base URL (ends without a slash, e.g. `https://api.zoom.us/v2`).
    pub fn api_base_url(&self) -> &Url {
        &self.api_base_url
    }
    /// The OAuth base URL (e.g. `https://zoom.us`).
    pub fn oauth_base_url(&self) -> &Url {
        &self.oauth_base_url
    }
    /// Scopes requested in the authorization URL (empty: the app's configured scopes).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }
    /// TCP connect timeout.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
    /// Whole-request timeout.
    pub fn request_timeout(&self) -> Duration {
        self.request_timeout
    }
    /// How long before expiry an access token is refreshed.
    pub fn refresh_margin(&self) -> Duration {
        self.refresh_margin
    }
    /// How long a fresh access token is served from memory before the store is read again
    /// (zero: read the store on every call).
    pub fn token_cache_ttl(&self) -> Duration {
        self.token_cache_ttl
    }
    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }
    /// The client-side rate limits.
    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }
    /// The `User-Agent` header.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }
    /// The app's webhook Secret Token.
    pub fn webhook_secret_token(&self) -> Option<&SecretString> {
        self.webhook_secret_token.as_ref()
    }

    pub(crate) fn endpoint(&self, base: &Url, path: &str) -> Url {
        let mut url = base.clone();
        let joined = format!("{}{}", base.path().trim_end_matches('/'), path);
        url.set_path(&joined);
        url
    }
}

/// Builder for [`ZoomConfig`].
#[derive(Default)]
pub struct ZoomConfigBuilder {
    client_id: Option<String>,
    client_secret: Option<SecretString>,
    redirect_uri: Option<String>,
    account_id: Option<String>,
    api_base_url: Option<String>,
    oauth_base_url: Option<String>,
    scopes: Vec<String>,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    refresh_margin: Option<Duration>,
    token_cache_ttl: Option<Duration>,
    retry: Option<RetryPolicy>,
    rate_limits: Option<RateLimits>,
    user_agent: Option<String>,
    webhook_secret_token: Option<SecretString>,
    environment: Option<String>,
    rate_budget: Option<SecretString>,
    env_names: bool,
}

impl std::fmt::Debug for ZoomConfigBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZoomConfigBuilder")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[REDACTED]"),
            )
            .field("redirect_uri", &self.redirect_uri)
            .field("account_id", &self.account_id)
            .finish_non_exhaustive()
    }
}

impl ZoomConfigBuilder {
    /// Share the rate budget with every instance through Redis (`ZOOM_RATE_BUDGET`,
    /// `redis://HOST:PORT/DB`): Zoom's per-account limits hold across processes, and a daily
    /// limit one instance meets stops them all. Unreachable Redis falls back to in-process
    /// limits with a warning.
    pub fn rate_budget(mut self, url: impl Into<String>) -> Self {
        self.rate_budget = Some(SecretString::from(url.into()));
        self
    }
    /// The deployment's name (`ZOOM_ENVIRONMENT`: `development`, `staging`, `production`),
    /// shown in health and connect answers; `production` when unset.
    pub fn environment(mut self, v: impl Into<String>) -> Self {
        self.environment = Some(v.into());
        self
    }
    /// The OAuth client id (required).
    pub fn client_id(mut self, v: impl Into<String>) -> Self {
        self.client_id = Some(v.into());
        self
    }
    /// The OAuth client secret (required).
    pub fn client_secret(mut self, v: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(v.into()));
        self
    }
    /// The redirect URI registered with the app; needed for user OAuth.
    pub fn redirect_uri(mut self, v: impl Into<String>) -> Self {
        self.redirect_uri = Some(v.into());
        self
    }
    /// The account id; needed for Server-to-Server OAuth.
    pub fn account_id(mut self, v: impl Into<String>) -> Self {
        self.account_id = Some(v.into());
        self
    }
    /// Override the REST API base URL (the emulator, a proxy).
    pub fn api_base_url(mut self, v: impl Into<String>) -> Self {
        self.api_base_url = Some(v.into());
        self
    }
    /// Override the OAuth base URL.
    pub fn oauth_base_url(mut self, v: impl Into<String>) -> Self {
        self.oauth_base_url = Some(v.into());
        self
    }
    /// Scopes to request in the authorization URL.
    pub fn scopes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.scopes = v.into_iter().map(Into::into).collect();
        self
    }
    /// TCP connect timeout (default 10 s).
    pub fn connect_timeout(mut self, v: Duration) -> Self {
        self.connect_timeout = Some(v);
        self
    }
    /// Whole-request timeout (default 30 s).
    pub fn request_timeout(mut self, v: Duration) -> Self {
        self.request_timeout = Some(v);
        self
    }
    /// Refresh an access token this long before it expires (default 5 minutes).
    pub fn refresh_margin(mut self, v: Duration) -> Self {
        self.refresh_margin = Some(v);
        self
    }
    /// Serve a fresh access token from memory for this long before reading the store again
    /// (default 30 s; zero reads the store on every call). Changes made by other processes are
    /// seen within this time.
    pub fn token_cache_ttl(mut self, v: Duration) -> Self {
        self.token_cache_ttl = Some(v);
        self
    }
    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, v: RetryPolicy) -> Self {
        self.retry = Some(v);
        self
    }
    /// The account plan's rate limits (default [`RateLimits::pro`]).
    pub fn rate_limits(mut self, v: RateLimits) -> Self {
        self.rate_limits = Some(v);
        self
    }
    /// The `User-Agent` header.
    pub fn user_agent(mut self, v: impl Into<String>) -> Self {
        self.user_agent = Some(v.into());
        self
    }
    /// The app's webhook Secret Token (`ZOOM_WEBHOOK_SECRET_TOKEN`).
    pub fn webhook_secret_token(mut self, v: impl Into<String>) -> Self {
        self.webhook_secret_token = Some(SecretString::from(v.into()));
        self
    }

    fn name(&self, env: &'static str, method: &'static str) -> String {
        if self.env_names {
            env.into()
        } else {
            method.into()
        }
    }

    /// Validate and build.
    pub fn build(self) -> Result<ZoomConfig> {
        let client_id = self.client_id.clone().unwrap_or_default();
        let id_name = self.name("ZOOM_CLIENT_ID", "client_id");
        if client_id.trim().is_empty() {
            return Err(Error::config(
                id_name,
                "is missing: copy the Client ID from your app's page on the Zoom App Marketplace",
            ));
        }
        if client_id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::config(
                id_name,
                "contains whitespace: copy it again without spaces or line breaks",
            ));
        }
        if placeholder(&client_id) {
            return Err(Error::config(
                id_name,
                "is a placeholder from a template: copy the Client ID from your app's page on the Zoom App Marketplace",
            ));
        }
        let secret_name = self.name("ZOOM_CLIENT_SECRET", "client_secret");
        let secret = match &self.client_secret {
            Some(s) if !s.expose_secret().trim().is_empty() => s.clone(),
            _ => return Err(Error::config(secret_name, "is missing: copy the Client Secret from your app's page on the Zoom App Marketplace")),
        };
        if placeholder(secret.expose_secret()) {
            return Err(Error::config(
                secret_name,
                "is a placeholder from a template: copy the Client Secret from your app's page on the Zoom App Marketplace",
            ));
        }
        if secret
            .expose_secret()
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::config(
                secret_name,
                "contains whitespace: copy it again without spaces or line breaks",
            ));
        }
        if let Some(url) = &self.rate_budget {
            let u = url.expose_secret();
            if !["redis://", "rediss://", "postgres://", "postgresql://"]
                .iter()
                .any(|p| u.starts_with(p))
            {
                return Err(Error::config(
                    self.name(crate::http::BUDGET_ENV, "rate_budget"),
                    "must be a redis://, rediss:// or postgres:// URL (e.g. redis://127.0.0.1:6379/0)",
                ));
            }
        }
        let redirect_uri = match &self.redirect_uri {
            None => None,
            Some(raw) => {
                let name = self.name("ZOOM_REDIRECT_URI", "redirect_uri");
                let url = Url::parse(raw).map_err(|e| {
                    Error::config(&name, format!("{raw:?} is not an absolute URL ({e}); use the exact redirect URL registered with the app, e.g. https://app.example.com/zoom/callback"))
                })?;
                check_scheme(&url, &name)?;
                if url.fragment().is_some() {
                    return Err(Error::config(
                        name,
                        "must not contain a #fragment (OAuth forbids it)",
                    ));
                }
                Some((url, raw.clone()))
            }
        };
        if let Some(a) = &self.account_id {
            if a.trim().is_empty() || a.chars().any(char::is_whitespace) {
                return Err(Error::config(
                    self.name("ZOOM_ACCOUNT_ID", "account_id"),
                    "must be the Account ID from your Server-to-Server OAuth app, without spaces",
                ));
            }
        }
        let base = |v: &Option<String>, default: &str, env, method| -> Result<Url> {
            let name = self.name(env, method);
            let raw = v.as_deref().unwrap_or(default);
            let url = Url::parse(raw.trim_end_matches('/')).map_err(|e| {
                Error::config(&name, format!("{raw:?} is not an absolute URL ({e})"))
            })?;
            check_scheme(&url, &name)?;
            if url.query().is_some() || url.fragment().is_some() {
                return Err(Error::config(name, "must not contain a query or fragment"));
            }
            Ok(url)
        };
        let api_base_url = base(
            &self.api_base_url,
            DEFAULT_API_BASE_URL,
            "ZOOM_API_BASE_URL",
            "api_base_url",
        )?;
        let oauth_base_url = base(
            &self.oauth_base_url,
            DEFAULT_OAUTH_BASE_URL,
            "ZOOM_OAUTH_BASE_URL",
            "oauth_base_url",
        )?;
        let within = |v: Option<Duration>,
                      default: u64,
                      (env, method): (&'static str, &'static str),
                      zero_ok: bool,
                      max: u64|
         -> Result<Duration> {
            let d = v.unwrap_or(Duration::from_secs(default));
            if (d.is_zero() && !zero_ok) || d > Duration::from_secs(max) {
                let low = if zero_ok { "0" } else { "more than 0" };
                return Err(Error::config(
                    self.name(env, method),
                    format!("{d:?} is out of range: use {low} to {max} seconds"),
                ));
            }
            Ok(d)
        };
        let request_timeout = within(
            self.request_timeout,
            30,
            ("ZOOM_REQUEST_TIMEOUT_SECS", "request_timeout"),
            false,
            3600,
        )?;
        let connect_timeout = within(
            self.connect_timeout,
            10,
            ("ZOOM_CONNECT_TIMEOUT_SECS", "connect_timeout"),
            false,
            600,
        )?;
        let refresh_margin = within(
            self.refresh_margin,
            300,
            ("ZOOM_REFRESH_MARGIN_SECS", "refresh_margin"),
            true,
            3000,
        )?;
        let token_cache_ttl = within(
            self.token_cache_ttl,
            30,
            ("ZOOM_TOKEN_CACHE_SECS", "token_cache_ttl"),
            true,
            3600,
        )?;
        Ok(ZoomConfig {
            client_id,
            client_secret: secret,
            redirect_uri,
            account_id: self.account_id,
            api_base_url,
            oauth_base_url,
            scopes: self.scopes,
            connect_timeout,
            request_timeout,
            refresh_margin,
            token_cache_ttl,
            retry: self.retry.unwrap_or_default(),
            rate_limits: self.rate_limits.unwrap_or_default(),
            user_agent: self
                .user_agent
                .unwrap_or_else(|| format!("zoom-sdk-rust/{}", env!("CARGO_PKG_VERSION"))),
            webhook_secret_token: self.webhook_secret_token,
            rate_budget: self.rate_budget,
            environment: self
                .environment
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .unwrap_or_else(|| "production".into()),
        })
    }
}

/// `https` everywhere, `http` only for loopback (local development and the emulator).
fn check_scheme(url: &Url, name: &str) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(Error::config(
            name,
            format!("{url} uses http: Zoom requires https outside localhost"),
        )),
        other => Err(Error::config(
            name,
            format!("scheme {other:?} is not supported: use https"),
        )),
    }
}

/// Whether a URL points at this machine.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    use proptest::strategy::Strategy;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn from_env_reads_every_variable() {
        let c = ZoomConfig::from_lookup(env(&[
            ("ZOOM_CLIENT_ID", "id1"),
            ("ZOOM_CLIENT_SECRET", "secret-value-1"),
            ("ZOOM_REDIRECT_URI", "https://app.example.com/cb"),
            ("ZOOM_ACCOUNT_ID", "acc1"),
            ("ZOOM_API_BASE_URL", "http://127.0.0.1:9/v2/"),
            ("ZOOM_OAUTH_BASE_URL", "http://localhost:9"),
        ]))
        .unwrap();
        assert_eq!(c.client_id(), "id1");
        assert_eq!(c.account_id(), Some("acc1"));
        assert_eq!(c.api_base_url().as_str(), "http://127.0.0.1:9/v2");
        assert_eq!(
            c.endpoint(c.api_base_url(), "/users/me").as_str(),
            "http://127.0.0.1:9/v2/users/me"
        );
        assert_eq!(
            c.endpoint(c.oauth_base_url(), "/oauth/token").as_str(),
            "http://localhost:9/oauth/token"
        );
    }

    #[test]
    fn template_placeholders_are_configuration_errors() {
        for (name, id, secret) in [
            ("ZOOM_CLIENT_ID", "YOUR_CLIENT_ID", "real-secret-1"),
            ("ZOOM_CLIENT_ID", "test_client_id", "real-secret-1"),
            ("ZOOM_CLIENT_SECRET", "realid1", "mock_client_secret"),
            ("ZOOM_CLIENT_SECRET", "realid1", "your-client-secret"),
        ] {
            let e = ZoomConfig::from_lookup(env(&[
                ("ZOOM_CLIENT_ID", id),
                ("ZOOM_CLIENT_SECRET", secret),
            ]))
            .unwrap_err();
            let msg = e.to_string();
            assert!(msg.contains(name) && msg.contains("placeholder"), "{msg}");
            assert!(!msg.contains(secret) || name == "ZOOM_CLIENT_ID", "{msg}");
        }
    }

    #[test]
    fn the_backends_old_webhook_secret_name_is_read() {
        let c = ZoomConfig::from_lookup(env(&[
            ("ZOOM_CLIENT_ID", "id1"),
            ("ZOOM_CLIENT_SECRET", "secret-value-1"),
            ("ZOOM_WEBHOOK_SECRET", "old-name-secret"),
        ]))
        .unwrap();
        assert_eq!(
            c.webhook_secret_token()
                .map(|s| s.expose_secret().to_string()),
            Some("old-name-secret".into())
        );
        let c = ZoomConfig::from_lookup(env(&[
            ("ZOOM_CLIENT_ID", "id1"),
            ("ZOOM_CLIENT_SECRET", "secret-value-1"),
            ("ZOOM_WEBHOOK_SECRET", "old-name-secret"),
            ("ZOOM_WEBHOOK_SECRET_TOKEN", "zoom-name-secret"),
        ]))
        .unwrap();
        assert_eq!(
            c.webhook_secret_token()
                .map(|s| s.expose_secret().to_string()),
            Some("zoom-name-secret".into())
        );
    }

    #[test]
    fn missing_client_id_names_the_variable_and_the_fix() {
        let e = ZoomConfig::from_lookup(env(&[("ZOOM_CLIENT_SECRET", "x")])).unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("ZOOM_CLIENT_ID") && msg.contains("Marketplace"),
            "{msg}"
        );
    }

    #[test]
    fn missing_secret_is_a_config_error() {
        let e = ZoomConfig::builder().client_id("a").build().unwrap_err();
        assert!(matches!(e, Error::Config { ref field, .. } if field == "client_secret"));
    }

    #[test]
    fn http_redirect_outside_localhost_is_refused() {
        let e = ZoomConfig::builder()
            .client_id("a")
            .client_secret("b")
            .redirect_uri("http://app.example.com/cb")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
        assert!(ZoomConfig::builder()
            .client_id("a")
            .client_secret("b")
            .redirect_uri("http://localhost:8080/cb")
            .build()
            .is_ok());
    }

    #[test]
    fn relative_redirect_and_whitespace_id_are_refused() {
        assert!(ZoomConfig::builder()
            .client_id("a")
            .client_secret("b")
            .redirect_uri("/cb")
            .build()
            .is_err());
        assert!(ZoomConfig::builder()
            .client_id("a b")
            .client_secret("b")
            .build()
            .is_err());
    }

    #[test]
    fn numeric_settings_that_used_to_panic_are_clear_errors() {
        for (name, v) in [
            ("ZOOM_REQUEST_TIMEOUT_SECS", "1e30"),
            ("ZOOM_REQUEST_TIMEOUT_SECS", "1e300"),
            ("ZOOM_CONNECT_TIMEOUT_SECS", "18446744073709551616"),
            ("ZOOM_TOKEN_CACHE_SECS", "1e30"),
            ("ZOOM_REFRESH_MARGIN_SECS", "1e20"),
            ("ZOOM_REQUEST_TIMEOUT_SECS", "inf"),
            ("ZOOM_REQUEST_TIMEOUT_SECS", "NaN"),
        ] {
            let e = ZoomConfig::from_lookup(env(&[
                ("ZOOM_CLIENT_ID", "id"),
                ("ZOOM_CLIENT_SECRET", "secret"),
                (name, v),
            ]))
            .unwrap_err();
            assert!(
                matches!(&e, Error::Config { field, .. } if field == name),
                "{name}={v}: {e}"
            );
        }
        let b = ZoomConfig::builder().client_id("id").client_secret("s");
        assert!(b.request_timeout(Duration::MAX).build().is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_numeric_setting_is_a_value_or_an_error_never_a_panic(
            v in proptest::prop_oneof![".{0,24}", proptest::num::f64::ANY.prop_map(|f| format!("{f:e}")), proptest::num::u64::ANY.prop_map(|n| n.to_string())],
            name in proptest::sample::select(vec!["ZOOM_REQUEST_TIMEOUT_SECS", "ZOOM_CONNECT_TIMEOUT_SECS", "ZOOM_TOKEN_CACHE_SECS", "ZOOM_REFRESH_MARGIN_SECS", "ZOOM_RATE_LIMIT_PLAN", "ZOOM_SCOPES", "ZOOM_REDIRECT_URI", "ZOOM_API_BASE_URL"]),
        ) {
            let _ = ZoomConfig::from_lookup(env(&[("ZOOM_CLIENT_ID", "id"), ("ZOOM_CLIENT_SECRET", "secret"), (name, &v)]));
        }
    }

    #[test]
    fn every_listed_variable_is_read_and_every_read_variable_is_listed() {
        use std::cell::RefCell;
        let asked = RefCell::new(std::collections::BTreeSet::new());
        let record = |k: &str| {
            asked.borrow_mut().insert(k.to_string());
            None
        };
        let _ = ZoomConfig::from_lookup(record);
        let _ = crate::store::TokenEncryption::from_lookup(record);
        // With a key, the former keys are read too.
        let _ = crate::store::TokenEncryption::from_lookup(|k| {
            record(k);
            (k == crate::store::crypto::KEY_ENV)
                .then(|| "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=".to_string())
        });
        let _ = crate::store::StoreSpec::from_lookup(record);
        let _ = crate::integration::index::index_spec(record);
        let asked = asked.into_inner();
        let listed: std::collections::BTreeSet<String> =
            ENV_VARIABLES.iter().map(|s| s.to_string()).collect();
        assert_eq!(asked, listed);
    }

    #[test]
    fn the_redirect_uri_goes_out_byte_for_byte() {
        let c = ZoomConfig::builder()
            .client_id("id")
            .client_secret("s")
            .redirect_uri("https://App.Example.com")
            .build()
            .unwrap();
        assert_eq!(
            c.redirect_uri_as_configured(),
            Some("https://App.Example.com")
        );
    }

    #[test]
    fn json_form_redacts_the_secret() {
        let c = ZoomConfig::builder()
            .client_id("a")
            .client_secret("topsecret")
            .build()
            .unwrap();
        let j = serde_json::to_string(&c).unwrap();
        assert!(!j.contains("topsecret") && j.contains("[REDACTED]"), "{j}");
    }
}

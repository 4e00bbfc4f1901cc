//! Health reports: what the backend's `/api/zoom/health*` endpoints answer.
//!
//! Four reports, each a typed struct with stable JSON: [`HealthMonitor::overall`],
//! [`HealthMonitor::tokens`], [`HealthMonitor::connection`] and [`HealthMonitor::summary`].
//! Checks run concurrently, each under its own short timeout, so a slow Zoom never makes a
//! health endpoint hang. Reports hold counts and facts, never a token or a secret.

use crate::client::ZoomClient;
use crate::error::Error;
use crate::http::metrics::MetricsSnapshot;
use crate::token::{TokenKey, TokenStatus};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::future::Future;
use std::time::{Duration, Instant};

/// Healthy, degraded (works, with problems) or unhealthy (does not work).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Everything works.
    Healthy,
    /// Works, with problems worth attention.
    Degraded,
    /// Does not work.
    Unhealthy,
}

impl HealthStatus {
    /// The HTTP status a health endpoint should answer: 200, or 503 when unhealthy.
    pub fn http_status(self) -> u16 {
        match self {
            Self::Unhealthy => 503,
            _ => 200,
        }
    }
}

/// One checked part.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct ComponentHealth {
    /// `token_store`, `oauth_config`, `zoom_api`, `tokens`, `performance`.
    pub name: String,
    /// Its status.
    pub status: HealthStatus,
    /// How long the check took, milliseconds.
    pub latency_ms: Option<f64>,
    /// What was found.
    pub detail: String,
}

/// `GET /api/zoom/health`.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct HealthReport {
    /// The worst component status.
    pub status: HealthStatus,
    /// 200 or 503.
    pub http_status: u16,
    /// Why it is not healthy (empty when healthy).
    pub reasons: Vec<String>,
    /// Every component.
    pub components: Vec<ComponentHealth>,
    /// When.
    pub checked_at: DateTime<Utc>,
    /// How long the whole report took, milliseconds.
    pub duration_ms: f64,
    /// The deployment's name (`ZOOM_ENVIRONMENT`).
    pub environment: String,
    /// This SDK's version.
    pub version: String,
}

/// Counts of stored grants by state.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenCounts {
    /// Grants stored.
    pub total: u64,
    /// Usable beyond the expiry window.
    pub valid: u64,
    /// Usable, but expiring within the window (they refresh on next use).
    pub expiring_soon: u64,
    /// Access token expired (refreshes on next use if the refresh token is good).
    pub expired: u64,
    /// Zoom refused the refresh token: the user must connect again.
    pub reauthorization_required: u64,
    /// Disconnected or deauthorized.
    pub revoked: u64,
    /// With a stored status this SDK does not recognise (unusable until reconnected).
    pub unrecognized: u64,
}

/// `GET /api/zoom/health/tokens`.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct TokenHealthReport {
    /// Status.
    pub status: HealthStatus,
    /// 200 or 503.
    pub http_status: u16,
    /// Why.
    pub reasons: Vec<String>,
    /// The counts.
    pub counts: TokenCounts,
    /// The "expiring soon" window, seconds.
    pub window_secs: u64,
    /// When.
    pub checked_at: DateTime<Utc>,
}

/// Why Zoom could not be reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConnectionFailure {
    /// The host name does not resolve.
    Dns,
    /// Nothing listens (connection refused or unreachable).
    Connect,
    /// The TLS handshake failed (certificates, protocol).
    Tls,
    /// No answer within the timeout.
    Timeout,
    /// Zoom answered but refused the credentials (401/403, or the OAuth grant failed).
    Auth,
    /// Zoom answered with a server error.
    Server,
}

/// The result of probing one endpoint.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct Probe {
    /// Zoom answered (any HTTP status).
    pub reachable: bool,
    /// The call succeeded with authentication.
    pub authenticated: bool,
    /// Round trip, milliseconds.
    pub latency_ms: Option<f64>,
    /// What failed.
    pub failure: Option<ConnectionFailure>,
    /// Details, without secrets.
    pub detail: String,
}

/// `GET /api/zoom/health/connection`.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct ConnectionHealthReport {
    /// Status.
    pub status: HealthStatus,
    /// 200 or 503.
    pub http_status: u16,
    /// Why.
    pub reasons: Vec<String>,
    /// The API base URL probed.
    pub api_base_url: String,
    /// The probe.
    pub api: Probe,
    /// When.
    pub checked_at: DateTime<Utc>,
}

/// `GET /api/zoom/health/summary`: one line per part, plus the pipeline's metrics.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct HealthSummary {
    /// Overall status.
    pub status: HealthStatus,
    /// 200 or 503.
    pub http_status: u16,
    /// Status per component.
    pub components: std::collections::BTreeMap<String, HealthStatus>,
    /// Token counts.
    pub tokens: TokenCounts,
    /// Requests, errors by class, retries, refreshes, 429s, latency percentiles per endpoint.
    pub metrics: MetricsSnapshot,
    /// When.
    pub checked_at: DateTime<Utc>,
}

/// Options of the health checks.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct HealthOptions {
    /// Timeout of each check.
    pub check_timeout: Duration,
    /// Tokens expiring within this are "expiring soon".
    pub expiry_window: Duration,
    /// Whose token the API probe uses; by default the account (Server-to-Server) when
    /// configured, else the first active user.
    pub probe_key: Option<TokenKey>,
}

impl HealthOptions {
    /// Set the timeout of each check.
    pub fn check_timeout(mut self, t: Duration) -> Self {
        self.check_timeout = t;
        self
    }
    /// Set the "expiring soon" window.
    pub fn expiry_window(mut self, w: Duration) -> Self {
        self.expiry_window = w;
        self
    }
    /// Probe the API with this owner's token.
    pub fn probe_key(mut self, key: TokenKey) -> Self {
        self.probe_key = Some(key);
        self
    }
}

impl Default for HealthOptions {
    fn default() -> Self {
        Self {
            check_timeout: Duration::from_secs(3),
            // Zoom's access tokens live an hour; "expiring soon" is their last ten minutes.
            expiry_window: Duration::from_secs(600),
            probe_key: None,
        }
    }
}

/// Produces the health reports for a client.
#[derive(Clone, Debug)]
pub struct HealthMonitor {
    client: ZoomClient,
    options: HealthOptions,
}

async fn timed<T>(limit: Duration, f: impl Future<Output = T>) -> (Option<T>, f64) {
    let start = Instant::now();
    let out = tokio::time::timeout(limit, f).await.ok();
    (out, start.elapsed().as_secs_f64() * 1000.0)
}

fn worst(statuses: impl IntoIterator<Item = HealthStatus>) -> HealthStatus {
    statuses.into_iter().max().unwrap_or(HealthStatus::Healthy)
}

/// The health report's reading of a classified transport failure.
pub(crate) fn classify_transport(e: &reqwest::Error) -> ConnectionFailure {
    use crate::http::TransportKind as K;
    match crate::http::TransportFailure::of(e).kind {
        K::Dns => ConnectionFailure::Dns,
        K::Tls => ConnectionFailure::Tls,
        K::Timeout => ConnectionFailure::Timeout,
        _ => ConnectionFailure::Connect,
    }
}

/// Whose token an API probe uses: the account (Server-to-Server) when configured, else the
/// first stored user grant that is active. Account grants are not taken from the store: without
/// the account id configured they cannot be refreshed.
pub(crate) async fn default_probe_key(client: &ZoomClient) -> Option<TokenKey> {
    if let Ok(s) = client.account() {
        return Some(s.key().clone());
    }
    let store = client.store();
    for key in store.keys().await.ok()? {
        if !matches!(key, TokenKey::User(_)) {
            continue;
        }
        if let Ok(Some(t)) = store.load(&key).await {
            if t.status == TokenStatus::Active {
                return Some(key);
            }
        }
    }
    None
}

/// Unauthenticated `GET {api}/users/me`: DNS, then connection and TLS, each failure classified.
/// Any HTTP answer (a 401 included) proves the API reachable.
pub(crate) async fn probe_unauthenticated(config: &crate::ZoomConfig, limit: Duration) -> Probe {
    let url = config.endpoint(config.api_base_url(), "/users/me");
    let start = Instant::now();
    let latency = |s: Instant| Some(s.elapsed().as_secs_f64() * 1000.0);
    let failed = |failure, detail: String| Probe {
        reachable: false,
        authenticated: false,
        latency_ms: latency(start),
        failure: Some(failure),
        detail,
    };
    if let Some(host) = url.host_str() {
        let port = url.port_or_known_default().unwrap_or(443);
        let resolved = tokio::time::timeout(limit, tokio::net::lookup_host((host, port)))
            .await
            .map(|r| r.map(|addrs| addrs.count()));
        match resolved {
            Ok(Ok(n)) if n > 0 => {}
            Ok(Ok(_)) => {
                return failed(
                    ConnectionFailure::Dns,
                    format!("{host} resolves to no address"),
                )
            }
            Ok(Err(e)) => {
                return failed(
                    ConnectionFailure::Dns,
                    format!("{host} does not resolve: {e}"),
                )
            }
            Err(_) => {
                return failed(
                    ConnectionFailure::Dns,
                    format!("{host}: no DNS answer within {limit:?}"),
                )
            }
        }
    }
    let http = match reqwest::Client::builder()
        .timeout(limit)
        .connect_timeout(limit)
        .dns_resolver(std::sync::Arc::new(crate::http::transport::SdkResolver))
        .build()
    {
        Ok(h) => h,
        Err(e) => {
            return failed(
                ConnectionFailure::Connect,
                format!("cannot build an HTTP client: {e}"),
            )
        }
    };
    match http.get(url).send().await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            Probe {
                reachable: true,
                authenticated: false,
                latency_ms: latency(start),
                failure: (status >= 500).then_some(ConnectionFailure::Server),
                detail: format!("Zoom answered HTTP {status} without credentials"),
            }
        }
        Err(e) => failed(classify_transport(&e), crate::http::describe(&e)),
    }
}

impl HealthMonitor {
    /// A monitor with default options.
    pub fn new(client: ZoomClient) -> Self {
        Self {
            client,
            options: HealthOptions::default(),
        }
    }

    /// With options.
    pub fn with_options(mut self, options: HealthOptions) -> Self {
        self.options = options;
        self
    }

    async fn store_component(&self) -> ComponentHealth {
        let probe = TokenKey::user("__zoom_sdk_health_probe__");
        let (res, ms) = timed(self.options.check_timeout, async {
            let store = self.client.store();
            store.load(&probe).await?;
            store.keys().await.map(|k| k.len())
        })
        .await;
        let (status, detail) = match res {
            Some(Ok(n)) => (
                HealthStatus::Healthy,
                format!("reachable; {n} grants stored"),
            ),
            Some(Err(e)) => (HealthStatus::Unhealthy, format!("unreachable: {e}")),
            None => (
                HealthStatus::Unhealthy,
                format!("no answer within {:?}", self.options.check_timeout),
            ),
        };
        ComponentHealth {
            name: "token_store".into(),
            status,
            latency_ms: Some(ms),
            detail,
        }
    }

    fn oauth_component(&self) -> ComponentHealth {
        let c = self.client.config();
        let mut problems = Vec::new();
        if c.redirect_uri().is_none() && c.account_id().is_none() {
            problems.push("neither a redirect URI (user OAuth) nor an account id (Server-to-Server) is configured".to_string());
        }
        if let Some(r) = c.redirect_uri() {
            if r.scheme() != "https" && !crate::config::is_loopback(r) {
                problems.push("the redirect URI is not https".into());
            }
        }
        let bad_scope = c
            .scopes()
            .iter()
            .find(|s| s.is_empty() || s.contains([' ', ',']));
        if let Some(s) = bad_scope {
            problems.push(format!("malformed scope {s:?}"));
        }
        let (status, detail) = if problems.is_empty() {
            let mode = match (c.redirect_uri().is_some(), c.account_id().is_some()) {
                (true, true) => "user OAuth and Server-to-Server",
                (true, false) => "user OAuth",
                _ => "Server-to-Server",
            };
            (
                HealthStatus::Healthy,
                format!("client id and secret present; {mode}"),
            )
        } else {
            (HealthStatus::Unhealthy, problems.join("; "))
        };
        ComponentHealth {
            name: "oauth_config".into(),
            status,
            latency_ms: None,
            detail,
        }
    }

    async fn probe_key(&self) -> Option<TokenKey> {
        match &self.options.probe_key {
            Some(k) => Some(k.clone()),
            None => default_probe_key(&self.client).await,
        }
    }

    /// Probe the API: an authenticated `GET /users/me` when there is a token to use, else an
    /// unauthenticated one (a 401 then still proves DNS, TLS and reachability).
    async fn probe(&self) -> Probe {
        let key = self.probe_key().await;
        let start = Instant::now();
        let limit = self.options.check_timeout;
        let ms = |s: Instant| Some(s.elapsed().as_secs_f64() * 1000.0);
        match key {
            Some(key) => {
                let session = crate::session::ZoomSession::new(self.client.clone(), key);
                match tokio::time::timeout(limit, session.users().me()).await {
                    Err(_) => Probe {
                        reachable: false,
                        authenticated: false,
                        latency_ms: ms(start),
                        failure: Some(ConnectionFailure::Timeout),
                        detail: format!("no answer within {limit:?}"),
                    },
                    Ok(Ok(_)) => Probe {
                        reachable: true,
                        authenticated: true,
                        latency_ms: ms(start),
                        failure: None,
                        detail: "GET /users/me succeeded".into(),
                    },
                    Ok(Err(e)) => {
                        let failure = match &e {
                            Error::Timeout { .. } => ConnectionFailure::Timeout,
                            Error::Transport { .. } => probe_unauthenticated(
                                self.client.config(),
                                self.options.check_timeout,
                            )
                            .await
                            .failure
                            .unwrap_or(ConnectionFailure::Connect),
                            Error::Api(a) if a.status >= 500 => ConnectionFailure::Server,
                            _ => ConnectionFailure::Auth,
                        };
                        let reachable =
                            matches!(failure, ConnectionFailure::Auth | ConnectionFailure::Server);
                        Probe {
                            reachable,
                            authenticated: false,
                            latency_ms: ms(start),
                            failure: Some(failure),
                            detail: e.to_string(),
                        }
                    }
                }
            }
            None => {
                let mut p =
                    probe_unauthenticated(self.client.config(), self.options.check_timeout).await;
                if p.reachable {
                    p.detail = format!(
                        "{}; no connected user or account to authenticate with",
                        p.detail
                    );
                }
                p
            }
        }
    }

    fn api_component(&self, p: &Probe) -> ComponentHealth {
        let status = match (p.authenticated, p.reachable) {
            (true, _) => HealthStatus::Healthy,
            (false, true) if p.failure.is_none() => HealthStatus::Degraded,
            _ => HealthStatus::Unhealthy,
        };
        ComponentHealth {
            name: "zoom_api".into(),
            status,
            latency_ms: p.latency_ms,
            detail: p.detail.clone(),
        }
    }

    /// Count stored grants by state.
    pub async fn token_counts(&self) -> crate::Result<TokenCounts> {
        let store = self.client.store();
        let now = Utc::now();
        let window = chrono::Duration::from_std(self.options.expiry_window)
            .unwrap_or(chrono::Duration::hours(1));
        let mut c = TokenCounts::default();
        for key in store.keys().await? {
            let Some(t) = store.load(&key).await? else {
                continue;
            };
            c.total += 1;
            match t.status {
                TokenStatus::ReauthorizationRequired => c.reauthorization_required += 1,
                TokenStatus::Revoked => c.revoked += 1,
                TokenStatus::Unrecognized => c.unrecognized += 1,
                _ if t.expires_at <= now => c.expired += 1,
                _ if t.expires_at <= now + window => c.expiring_soon += 1,
                _ => c.valid += 1,
            }
        }
        Ok(c)
    }

    fn tokens_component(&self, counts: &Option<crate::Result<TokenCounts>>) -> ComponentHealth {
        let (status, detail) = match counts {
            None => (HealthStatus::Unhealthy, "the token count timed out".to_string()),
            Some(Err(e)) => (HealthStatus::Unhealthy, format!("cannot read tokens: {e}")),
            Some(Ok(c)) if c.unrecognized > 0 => (HealthStatus::Degraded, format!("{} of {} grants have a status this SDK does not recognise and are not used", c.unrecognized, c.total)),
            Some(Ok(c)) if c.reauthorization_required > 0 => (HealthStatus::Degraded, format!("{} of {} users must connect Zoom again", c.reauthorization_required, c.total)),
            Some(Ok(c)) => (HealthStatus::Healthy, format!("{} grants: {} valid, {} expiring soon, {} expired (refresh on use), {} revoked", c.total, c.valid, c.expiring_soon, c.expired, c.revoked)),
        };
        ComponentHealth {
            name: "tokens".into(),
            status,
            latency_ms: None,
            detail,
        }
    }

    fn performance_component(&self, m: &MetricsSnapshot) -> ComponentHealth {
        let failed: u64 = m.errors.values().sum();
        let error_ratio = if m.calls == 0 {
            0.0
        } else {
            failed as f64 / m.calls as f64
        };
        let mut problems = Vec::new();
        if error_ratio > 0.05 {
            problems.push(format!("{:.1}% of calls failed", error_ratio * 100.0));
        }
        if m.rate_limited > 0 {
            problems.push(format!(
                "{} answers were 429 (rate limited)",
                m.rate_limited
            ));
        }
        let (status, detail) = if problems.is_empty() {
            (
                HealthStatus::Healthy,
                format!(
                    "{} calls, {} retries, {} refreshes",
                    m.calls, m.retries, m.refreshes
                ),
            )
        } else {
            (HealthStatus::Degraded, problems.join("; "))
        };
        ComponentHealth {
            name: "performance".into(),
            status,
            latency_ms: None,
            detail,
        }
    }

    fn reasons(components: &[ComponentHealth]) -> Vec<String> {
        components
            .iter()
            .filter(|c| c.status != HealthStatus::Healthy)
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect()
    }

    /// The overall report: store, OAuth configuration, API, tokens and performance.
    pub async fn overall(&self) -> HealthReport {
        let start = Instant::now();
        let limit = self.options.check_timeout;
        let (store, probe, counts) = tokio::join!(
            self.store_component(),
            async {
                timed(limit + Duration::from_millis(500), self.probe())
                    .await
                    .0
            },
            async { timed(limit, self.token_counts()).await.0 },
        );
        let probe = probe.unwrap_or(Probe {
            reachable: false,
            authenticated: false,
            latency_ms: None,
            failure: Some(ConnectionFailure::Timeout),
            detail: "the probe timed out".into(),
        });
        let components = vec![
            store,
            self.oauth_component(),
            self.api_component(&probe),
            self.tokens_component(&counts),
            self.performance_component(&self.client.metrics()),
        ];
        let status = worst(components.iter().map(|c| c.status));
        HealthReport {
            status,
            http_status: status.http_status(),
            reasons: Self::reasons(&components),
            components,
            checked_at: Utc::now(),
            duration_ms: start.elapsed().as_secs_f64() * 1000.0,
            environment: self.client.config().environment().to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }

    /// `/api/zoom/health/tokens`: grants by state (valid, expiring within the window, expired
    /// and refreshed on use, re-authorization required, revoked, unrecognised), never a token;
    /// degraded while any user must reconnect.
    pub async fn tokens(&self) -> TokenHealthReport {
        let counts = timed(self.options.check_timeout, self.token_counts())
            .await
            .0;
        let component = self.tokens_component(&counts);
        TokenHealthReport {
            status: component.status,
            http_status: component.status.http_status(),
            reasons: Self::reasons(std::slice::from_ref(&component)),
            counts: counts.and_then(Result::ok).unwrap_or_default(),
            window_secs: self.options.expiry_window.as_secs(),
            checked_at: Utc::now(),
        }
    }

    /// `/api/zoom/health/connection`: an unauthenticated probe of the API (DNS, connect, TLS,
    /// timeout and server failures told apart by type) and, when a grant can be used, an
    /// authenticated one; unhealthy when Zoom cannot be reached.
    pub async fn connection(&self) -> ConnectionHealthReport {
        let limit = self.options.check_timeout + Duration::from_millis(500);
        let probe = timed(limit, self.probe()).await.0.unwrap_or(Probe {
            reachable: false,
            authenticated: false,
            latency_ms: None,
            failure: Some(ConnectionFailure::Timeout),
            detail: "the probe timed out".into(),
        });
        let component = self.api_component(&probe);
        ConnectionHealthReport {
            status: component.status,
            http_status: component.status.http_status(),
            reasons: Self::reasons(std::slice::from_ref(&component)),
            api_base_url: self.client.config().api_base_url().to_string(),
            api: probe,
            checked_at: Utc::now(),
        }
    }

    /// `/api/zoom/health/summary`: the overall report with this client's request metrics
    /// (calls, errors by kind, retries, refreshes, 429s, p50/p95/p99 latency per endpoint).
    pub async fn summary(&self) -> HealthSummary {
        let overall = self.overall().await;
        let tokens = self.token_counts().await.unwrap_or_default();
        HealthSummary {
            status: overall.status,
            http_status: overall.http_status,
            components: overall
                .components
                .iter()
                .map(|c| (c.name.clone(), c.status))
                .collect(),
            tokens,
            metrics: self.client.metrics(),
            checked_at: overall.checked_at,
        }
    }
}

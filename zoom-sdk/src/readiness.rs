//! The production-readiness suite: numbered checks with stable ids, grouped by area, each
//! pass / warn / fail / skip with what was found and how to fix it.
//!
//! Offline mode looks at the configuration, the token store and the process's metrics and makes
//! no call to Zoom; online mode also probes Zoom (DNS, TLS, OAuth credentials, an authenticated
//! call, rate-limit headers, clock) and runs the health report. A check whose prerequisite
//! failed is skipped and names the prerequisite. Run it with the `zoom-verify` command.

use crate::client::ZoomClient;
use crate::config::{is_loopback, ZoomConfig};
use crate::error::Error;
use crate::health::{
    default_probe_key, probe_unauthenticated, ConnectionFailure, HealthMonitor, HealthOptions,
    HealthReport, HealthStatus,
};
use crate::http::metrics::MetricsSnapshot;
use crate::store::{self, EncryptionStatus, LegacyOptions, TokenEncryption, TokenStore};
use crate::token::{TokenKey, TokenStatus};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// A check's outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Fine.
    Pass,
    /// Works, but should be fixed.
    Warn,
    /// Must be fixed.
    Fail,
    /// Not applicable here, or its prerequisite failed.
    Skip,
}

/// The areas checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckGroup {
    /// Environment and configuration.
    Configuration,
    /// OAuth set-up.
    OAuth,
    /// The token store.
    TokenStore,
    /// Zoom's API.
    Api,
    /// Rate limits.
    RateLimits,
    /// Webhooks.
    Webhooks,
    /// Health reports.
    Health,
    /// Security.
    Security,
    /// Performance.
    Performance,
}

/// One check's result.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct CheckResult {
    /// Stable id (`CFG-001`).
    pub id: &'static str,
    /// Area.
    pub group: CheckGroup,
    /// What is checked.
    pub title: &'static str,
    /// Outcome.
    pub status: CheckStatus,
    /// What was found.
    pub detail: String,
    /// How to fix it (present unless the check passed).
    pub remediation: Option<&'static str>,
}

/// The whole suite's result.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct VerificationReport {
    /// Whether Zoom was called.
    pub online: bool,
    /// Every check, in id order.
    pub results: Vec<CheckResult>,
    /// Passed checks.
    pub passed: usize,
    /// Warnings.
    pub warned: usize,
    /// Failures.
    pub failed: usize,
    /// Skipped checks.
    pub skipped: usize,
}

impl VerificationReport {
    /// No check failed.
    pub fn ok(&self) -> bool {
        self.failed == 0
    }

    /// One result by id.
    pub fn get(&self, id: &str) -> Option<&CheckResult> {
        self.results.iter().find(|r| r.id == id)
    }

    /// A readable table.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        for r in &self.results {
            let mark = match r.status {
                CheckStatus::Pass => "PASS",
                CheckStatus::Warn => "WARN",
                CheckStatus::Fail => "FAIL",
                CheckStatus::Skip => "skip",
            };
            out.push_str(&format!(
                "{mark}  {:<8} {:<62} {}\n",
                r.id, r.title, r.detail
            ));
            if let (Some(fix), CheckStatus::Warn | CheckStatus::Fail) = (r.remediation, r.status) {
                out.push_str(&format!("      {:<8} fix: {fix}\n", ""));
            }
        }
        out.push_str(&format!(
            "\n{} checks ({} mode): {} passed, {} warnings, {} failed, {} skipped\n",
            self.results.len(),
            if self.online { "online" } else { "offline" },
            self.passed,
            self.warned,
            self.failed,
            self.skipped
        ));
        out
    }
}

/// Every variable the SDK reads (for typo detection).
pub const KNOWN_VARIABLES: &[&str] = crate::config::ENV_VARIABLES;

/// Variables of the project's own test harness: not configuration, but not typos either.
const TEST_VARIABLES: &[&str] = &[
    "ZOOM_TEST_POSTGRES_URL",
    "ZOOM_TEST_PYTHON",
    "ZOOM_SDK_REQUIRE_POSTGRES",
];

/// The scopes the SDK's endpoints need (classic names; granular scopes start with these).
const NEEDED_SCOPES: &[&str] = &[
    "meeting:read",
    "meeting:write",
    "recording:read",
    "user:read",
];

/// Runs the suite.
#[derive(Clone)]
pub struct Verifier {
    env: BTreeMap<String, String>,
    online: bool,
    metrics: Option<MetricsSnapshot>,
    store: Option<Arc<dyn TokenStore>>,
    timeout: Duration,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&String> = self.env.keys().collect();
        f.debug_struct("Verifier")
            .field("variables", &names)
            .field("online", &self.online)
            .finish_non_exhaustive()
    }
}

/// Define [`CheckId`] from the suite's ids.
macro_rules! check_ids {
    ($($v:ident = $s:literal),+ $(,)?) => {
        /// A check's id, typed: a prerequisite that names no check does not compile.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(non_camel_case_types, missing_docs)]
        #[non_exhaustive]
        pub enum CheckId { $($v),+ }

        impl CheckId {
            /// Every id, in the suite's order.
            pub const ALL: &'static [CheckId] = &[$(Self::$v),+];
            /// The printed id (`"CFG-001"`).
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
        }
    };
}

/// What one check concluded.
enum Outcome {
    Pass(String),
    Problem(String),
    Skip(String),
}
use Outcome::{Pass, Problem, Skip};

struct StoreFacts {
    store: Result<Arc<dyn TokenStore>, String>,
    roundtrip: Result<f64, String>,
    read_ms: Option<f64>,
    lock_ms: Result<f64, String>,
    unreadable: Vec<String>,
    reauth: u64,
    encryption: Option<EncryptionStatus>,
}

struct ApiFacts {
    status: u16,
    latency_ms: f64,
    tracking_id: bool,
    rate: Option<(String, u32)>,
    date_skew_secs: Option<i64>,
    scopes: Vec<String>,
}

struct OnlineFacts {
    /// The probe client's own metrics.
    metrics: Option<MetricsSnapshot>,
    oauth: Result<String, (bool, String)>,
    dns: Result<(), String>,
    connect: Result<(), String>,
    api: Option<Result<ApiFacts, String>>,
    health: Option<(HealthReport, Duration)>,
}

struct Facts {
    env: BTreeMap<String, String>,
    config: Result<ZoomConfig, Error>,
    encryption: Result<TokenEncryption, Error>,
    spec: Result<store::StoreSpec, String>,
    store: Option<StoreFacts>,
    online: Option<OnlineFacts>,
    metrics: Option<MetricsSnapshot>,
}

impl Facts {
    fn var(&self, k: &str) -> Option<&str> {
        self.env
            .get(k)
            .map(|v| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
}

fn quoted(v: &str) -> bool {
    let v = v.trim();
    v.len() >= 2
        && ((v.starts_with('"') && v.ends_with('"')) || (v.starts_with('\'') && v.ends_with('\'')))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

impl Verifier {
    /// A verifier over the process environment (the `ZOOM_*` variables and `ENCRYPTION_KEY`).
    pub fn from_env() -> Self {
        Self::with_vars(
            std::env::vars().filter(|(k, _)| k.starts_with("ZOOM_") || k == "ENCRYPTION_KEY"),
        )
    }

    /// A verifier over the given variables.
    pub fn with_vars<I: IntoIterator<Item = (K, V)>, K: Into<String>, V: Into<String>>(
        vars: I,
    ) -> Self {
        Self {
            env: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            online: false,
            metrics: None,
            store: None,
            timeout: Duration::from_secs(5),
        }
    }

    /// Call Zoom too.
    pub fn online(mut self, online: bool) -> Self {
        self.online = online;
        self
    }

    /// Judge these metrics (a running client's `metrics()`) in the performance checks.
    pub fn with_metrics(mut self, metrics: MetricsSnapshot) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Check this store instead of opening the one `ZOOM_TOKEN_STORE` names.
    pub fn with_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// The timeout of each online probe.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn store_facts(&self, facts: &Facts) -> StoreFacts {
        let lookup = |k: &str| facts.env.get(k).cloned();
        let legacy = {
            let keys: Vec<&str> = facts
                .var(store::FERNET_KEY_ENV)
                .map(|k| k.split(',').collect())
                .unwrap_or_default();
            match keys.split_first() {
                Some((first, rest)) => {
                    let mut o = LegacyOptions::fernet(first.trim(), rest);
                    o.write_encrypted = false;
                    o
                }
                None => LegacyOptions::plaintext(),
            }
        };
        let opened = match (&self.store, &facts.spec) {
            (Some(s), _) => Ok(s.clone()),
            (None, Err(e)) => Err(e.clone()),
            (None, Ok(spec)) => tokio::time::timeout(
                self.timeout,
                spec.open(|| TokenEncryption::from_lookup(lookup), legacy),
            )
            .await
            .unwrap_or_else(|_| Err(Error::storage("no answer within the timeout")))
            .map_err(|e| e.to_string()),
        };
        let mut f = StoreFacts {
            store: opened,
            roundtrip: Err("not run".into()),
            read_ms: None,
            lock_ms: Err("not run".into()),
            unreadable: vec![],
            reauth: 0,
            encryption: None,
        };
        let Ok(s) = f.store.clone() else { return f };
        let probe = TokenKey::user("__zoom_verify_probe__");
        let start = Instant::now();
        let token = crate::token::StoredToken::from_token_set(crate::token::TokenSet::new(
            SecretString::from("zoom-verify-probe-access".to_string()),
            Some(SecretString::from("zoom-verify-probe-refresh".to_string())),
            chrono::Utc::now() + chrono::Duration::minutes(5),
        ));
        let rt: Result<(), Error> = async {
            s.save(&probe, &token).await?;
            let read_start = Instant::now();
            let back = s
                .load(&probe)
                .await?
                .ok_or_else(|| Error::storage("the probe grant was not read back"))?;
            f.read_ms = Some(read_start.elapsed().as_secs_f64() * 1000.0);
            if back.access_token.expose_secret() != "zoom-verify-probe-access" {
                return Err(Error::storage("the probe grant came back different"));
            }
            s.delete(&probe).await?;
            Ok(())
        }
        .await;
        f.roundtrip = rt
            .map(|_| start.elapsed().as_secs_f64() * 1000.0)
            .map_err(|e| e.to_string());
        let lock_start = Instant::now();
        f.lock_ms = match tokio::time::timeout(Duration::from_secs(2), s.lock(&probe)).await {
            Ok(Ok(l)) => l
                .release()
                .await
                .map(|_| lock_start.elapsed().as_secs_f64() * 1000.0)
                .map_err(|e| e.to_string()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("not granted within 2 s (a stuck refresh elsewhere?)".into()),
        };
        if let Ok(keys) = s.keys().await {
            for k in keys {
                match s.load(&k).await {
                    Ok(Some(t)) if t.status == TokenStatus::ReauthorizationRequired => {
                        f.reauth += 1
                    }
                    Ok(_) => {}
                    Err(_) => f.unreadable.push(k.to_string()),
                }
            }
        }
        f.encryption = s.encryption_status().await.ok().flatten();
        f
    }

    async fn online_facts(
        &self,
        config: &ZoomConfig,
        store: Option<Arc<dyn TokenStore>>,
    ) -> OnlineFacts {
        let limit = self.timeout;
        let client = match store {
            Some(s) => ZoomClient::builder(config.clone()).token_store(s).build(),
            None => ZoomClient::new(config.clone()),
        };
        let Ok(client) = client else {
            let e = "the client could not be built".to_string();
            return OnlineFacts {
                metrics: None,
                oauth: Err((false, e.clone())),
                dns: Err(e.clone()),
                connect: Err(e),
                api: None,
                health: None,
            };
        };
        // OAuth: does Zoom accept the client credentials?
        let oauth = if config.account_id().is_some() {
            match tokio::time::timeout(limit, client.oauth().account_credentials()).await {
                Err(_) => Err((false, "no answer within the timeout".into())),
                Ok(Ok(_)) => Ok("the account_credentials grant succeeded".into()),
                Ok(Err(e @ Error::OAuth { .. })) => Err((true, e.to_string())),
                Ok(Err(e)) => Err((false, e.to_string())),
            }
        } else {
            let bogus = SecretString::from("zoom-verify-probe".to_string());
            match tokio::time::timeout(limit, client.oauth().refresh(&bogus)).await {
                Err(_) => Err((false, "no answer within the timeout".into())),
                Ok(Err(Error::OAuth { error, .. })) if error != "invalid_client" => Ok(format!(
                    "client authenticated (a dummy refresh was refused with {error}, as expected)"
                )),
                Ok(Err(e @ Error::OAuth { .. })) => Err((true, e.to_string())),
                Ok(Err(e)) => Err((false, e.to_string())),
                Ok(Ok(_)) => Err((
                    true,
                    "the token endpoint accepted a dummy refresh token".into(),
                )),
            }
        };
        // DNS and connection to the API host.
        let api_url = config.endpoint(config.api_base_url(), "/users/me");
        let probe = probe_unauthenticated(config, limit).await;
        let dns = match probe.failure {
            Some(ConnectionFailure::Dns) => Err(probe.detail.clone()),
            _ => Ok(()),
        };
        let connect = match (&dns, probe.reachable) {
            (Err(_), _) => Err("DNS failed".to_string()),
            (Ok(()), true) => Ok(()),
            (Ok(()), false) => Err(format!(
                "{:?}: {}",
                probe.failure.unwrap_or(ConnectionFailure::Connect),
                probe.detail
            )),
        };
        let raw = reqwest::Client::builder()
            .timeout(limit)
            .connect_timeout(limit)
            .build();
        // An authenticated call, when there is a token source.
        let key = default_probe_key(&client).await;
        let api = match (key, &raw, &connect) {
            (Some(key), Ok(http), Ok(())) => Some(
                async {
                    let token = tokio::time::timeout(limit, client.tokens().access_token(&key))
                        .await
                        .map_err(|_| "token: timed out".to_string())?
                        .map_err(|e| e.to_string())?;
                    let start = Instant::now();
                    let resp = http
                        .get(api_url.clone())
                        .bearer_auth(token.expose_secret())
                        .send()
                        .await
                        .map_err(|e| crate::http::describe(&e))?;
                    let latency_ms = start.elapsed().as_secs_f64() * 1000.0;
                    let h = resp.headers();
                    let header =
                        |n: &str| h.get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
                    let rate = match (
                        header("x-ratelimit-type"),
                        header("x-ratelimit-limit").and_then(|l| l.parse().ok()),
                    ) {
                        (Some(t), Some(l)) => Some((t, l)),
                        _ => None,
                    };
                    let date_skew_secs = header("date")
                        .and_then(|d| chrono::DateTime::parse_from_rfc2822(&d).ok())
                        .map(|d| {
                            (d.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_seconds()
                        });
                    let scopes = client
                        .store()
                        .load(&key)
                        .await
                        .ok()
                        .flatten()
                        .map(|t| t.scopes)
                        .unwrap_or_default();
                    Ok(ApiFacts {
                        status: resp.status().as_u16(),
                        latency_ms,
                        tracking_id: h.contains_key("x-zm-trackingid"),
                        rate,
                        date_skew_secs,
                        scopes,
                    })
                }
                .await,
            ),
            _ => None,
        };
        let start = Instant::now();
        let monitor = HealthMonitor::new(client.clone()).with_options(HealthOptions {
            check_timeout: limit.min(Duration::from_secs(3)),
            ..HealthOptions::default()
        });
        let health = tokio::time::timeout(limit + Duration::from_secs(2), monitor.overall())
            .await
            .ok()
            .map(|r| (r, start.elapsed()));
        OnlineFacts {
            metrics: Some(client.metrics()),
            oauth,
            dns,
            connect,
            api,
            health,
        }
    }

    /// Run every check.
    pub async fn run(&self) -> VerificationReport {
        let lookup = |k: &str| self.env.get(k).cloned();
        let mut facts = Facts {
            env: self.env.clone(),
            config: ZoomConfig::from_lookup(lookup),
            encryption: TokenEncryption::from_lookup(lookup),
            spec: store::StoreSpec::from_lookup(lookup).map_err(|e| e.to_string()),
            store: None,
            online: None,
            metrics: self.metrics.clone(),
        };
        if facts.spec.is_ok() {
            facts.store = Some(self.store_facts(&facts).await);
        }
        if self.online {
            if let Ok(config) = &facts.config {
                let store = facts.store.as_ref().and_then(|s| s.store.clone().ok());
                let online = self.online_facts(config, store).await;
                // Without a running client's metrics, judge the probe's own calls.
                if facts.metrics.is_none() {
                    facts.metrics = online.metrics.clone();
                }
                facts.online = Some(online);
            }
        }
        evaluate(&facts, self.online)
    }
}

check_ids! {
    CFG_001 = "CFG-001",
    CFG_002 = "CFG-002",
    CFG_003 = "CFG-003",
    CFG_004 = "CFG-004",
    CFG_005 = "CFG-005",
    CFG_006 = "CFG-006",
    CFG_007 = "CFG-007",
    CFG_008 = "CFG-008",
    CFG_009 = "CFG-009",
    CFG_010 = "CFG-010",
    CFG_011 = "CFG-011",
    CFG_012 = "CFG-012",
    CFG_013 = "CFG-013",
    CFG_014 = "CFG-014",
    OAU_001 = "OAU-001",
    OAU_002 = "OAU-002",
    OAU_003 = "OAU-003",
    OAU_004 = "OAU-004",
    OAU_005 = "OAU-005",
    OAU_006 = "OAU-006",
    OAU_007 = "OAU-007",
    OAU_008 = "OAU-008",
    OAU_009 = "OAU-009",
    STO_001 = "STO-001",
    STO_002 = "STO-002",
    STO_003 = "STO-003",
    STO_004 = "STO-004",
    STO_005 = "STO-005",
    STO_006 = "STO-006",
    STO_007 = "STO-007",
    STO_008 = "STO-008",
    STO_009 = "STO-009",
    STO_010 = "STO-010",
    API_001 = "API-001",
    API_002 = "API-002",
    API_003 = "API-003",
    API_004 = "API-004",
    API_005 = "API-005",
    API_006 = "API-006",
    RAT_001 = "RAT-001",
    RAT_002 = "RAT-002",
    RAT_003 = "RAT-003",
    RAT_004 = "RAT-004",
    RAT_005 = "RAT-005",
    WHK_001 = "WHK-001",
    WHK_002 = "WHK-002",
    WHK_003 = "WHK-003",
    WHK_004 = "WHK-004",
    HLT_001 = "HLT-001",
    HLT_002 = "HLT-002",
    HLT_003 = "HLT-003",
    SEC_001 = "SEC-001",
    SEC_002 = "SEC-002",
    SEC_003 = "SEC-003",
    SEC_004 = "SEC-004",
    SEC_005 = "SEC-005",
    SEC_006 = "SEC-006",
    SEC_007 = "SEC-007",
    SEC_008 = "SEC-008",
    SEC_009 = "SEC-009",
    SEC_010 = "SEC-010",
    PRF_001 = "PRF-001",
    PRF_002 = "PRF-002",
    PRF_003 = "PRF-003",
    PRF_004 = "PRF-004",
}

/// One check, declared once: what it is, what it needs, how it is judged, how to fix it.
pub(crate) struct Check {
    id: CheckId,
    group: CheckGroup,
    title: &'static str,
    /// What a problem counts as: a failure or a warning.
    severity: CheckStatus,
    /// Checks that must pass first; otherwise this one is skipped, naming the first that did not.
    requires: &'static [CheckId],
    /// The remediation shown when it does not pass.
    fix: &'static str,
    judge: fn(&Ctx<'_>) -> Outcome,
}

/// What the judges read: the facts, and the values several checks derive from them, derived once.
struct Ctx<'a> {
    f: &'a Facts,
    online: bool,
    cfg: Option<&'a ZoomConfig>,
    id: Option<&'a str>,
    secret: Option<&'a str>,
    redirect: Option<&'a str>,
    wh: Option<&'a str>,
    key: Option<&'a str>,
    api: Result<Url, String>,
    oauth: Result<Url, String>,
    redirect_url: Option<Result<Url, url::ParseError>>,
    scopes: Option<Vec<&'a str>>,
    online_oauth: Option<&'a Result<String, (bool, String)>>,
    sf: Option<&'a StoreFacts>,
    enc: Option<EncryptionStatus>,
    on: Option<&'a OnlineFacts>,
    api_facts: Option<&'a Result<ApiFacts, String>>,
    /// The authenticated probe's answer, when it succeeded.
    ok_api: Option<&'a ApiFacts>,
    limits: Option<crate::http::RateLimits>,
    m: Option<&'a MetricsSnapshot>,
    health: Option<&'a (HealthReport, Duration)>,
    plaintext: bool,
    persistent: bool,
}

impl<'a> Ctx<'a> {
    fn new(f: &'a Facts, online: bool) -> Self {
        let base = |name: &str, default: &str| -> Result<Url, String> {
            let raw = f.var(name).unwrap_or(default);
            Url::parse(raw.trim_end_matches('/')).map_err(|e| format!("{raw:?}: {e}"))
        };
        let redirect = f.var("ZOOM_REDIRECT_URI");
        let on = f.online.as_ref();
        let sf = f.store.as_ref();
        let cfg = f.config.as_ref().ok();
        Self {
            f,
            online,
            cfg,
            id: f.var("ZOOM_CLIENT_ID"),
            secret: f.var("ZOOM_CLIENT_SECRET"),
            redirect,
            wh: f.var("ZOOM_WEBHOOK_SECRET_TOKEN"),
            key: f.var(store::crypto::KEY_ENV),
            api: base("ZOOM_API_BASE_URL", crate::config::DEFAULT_API_BASE_URL),
            oauth: base("ZOOM_OAUTH_BASE_URL", crate::config::DEFAULT_OAUTH_BASE_URL),
            redirect_url: redirect.map(Url::parse),
            scopes: f
                .var("ZOOM_SCOPES")
                .map(|s| s.split([' ', ',']).filter(|x| !x.is_empty()).collect()),
            online_oauth: on.map(|x| &x.oauth),
            sf,
            enc: sf.and_then(|s| s.encryption.clone()),
            on,
            api_facts: on.and_then(|x| x.api.as_ref()),
            ok_api: on
                .and_then(|x| x.api.as_ref())
                .and_then(|a| a.as_ref().ok()),
            limits: cfg.map(|c| c.rate_limits().clone()),
            m: f.metrics.as_ref().filter(|m| m.calls > 0),
            health: on.and_then(|x| x.health.as_ref()),
            plaintext: f.var(store::crypto::PLAINTEXT_ENV) == Some("1"),
            persistent: matches!(
                f.spec,
                Ok(store::StoreSpec::Sqlite(_) | store::StoreSpec::Postgres(_))
            ),
        }
    }
}

/// The suite's table. `bindings` is the pattern every judge destructures the context with
/// (given once here, at the call site, so the judges see the names), and each entry becomes a
/// [`Check`] whose judge is a function of the context.
macro_rules! checks {
    (bindings $bindings:tt; $({
        id: $id:ident,
        group: $group:ident,
        title: $title:literal,
        severity: $sev:ident,
        requires: [$($req:ident),* $(,)?],
        fix: $fix:literal,
        judge: $body:expr $(,)?
    }),+ $(,)?) => {
        &[$(Check {
            id: $id,
            group: $group,
            title: $title,
            severity: $sev,
            requires: &[$($req),*],
            fix: $fix,
            judge: {
                #[allow(unused_variables)]
                fn judge(c: &Ctx<'_>) -> Outcome {
                    let Ctx $bindings = *c;
                    $body
                }
                judge
            },
        }),+]
    };
}

fn offline_skip() -> Outcome {
    Skip("online mode only (--online)".to_string())
}

fn skip_no_redirect() -> Outcome {
    Skip("ZOOM_REDIRECT_URI not set (no user OAuth)".to_string())
}

fn no_calls() -> Outcome {
    Skip("no calls measured yet (pass a running client's metrics)".to_string())
}

const F: CheckStatus = CheckStatus::Fail;
const W: CheckStatus = CheckStatus::Warn;

fn pass_if(ok: bool, pass: impl Into<String>, problem: impl Into<String>) -> Outcome {
    if ok {
        Pass(pass.into())
    } else {
        Problem(problem.into())
    }
}

use CheckGroup::*;
use CheckId::*;

/// The suite, in the order it runs and reports: every check declared once.
static CHECKS: &[Check] = checks! {
    bindings {
        f, online, cfg, id, secret, redirect, wh, key, online_oauth, sf, on, api_facts, ok_api,
        m, health, plaintext, persistent,
        ref api, ref oauth, ref redirect_url, ref scopes, ref enc, ref limits,
    };
    {
        id: CFG_001,
        group: Configuration,
        title: "ZOOM_CLIENT_ID is set",
        severity: F,
        requires: [],
        fix: "Copy the Client ID from your app's App Credentials page on the Zoom App Marketplace into ZOOM_CLIENT_ID.",
        judge: pass_if(id.is_some(), "set", "ZOOM_CLIENT_ID is missing or empty"),
    },
    {
        id: CFG_002,
        group: Configuration,
        title: "ZOOM_CLIENT_ID is well formed",
        severity: F,
        requires: [CFG_001],
        fix: "Copy the Client ID again, without spaces, quotes or line breaks.",
        judge: {
            let v = id.unwrap_or_default();
            pass_if(
                (8..=64).contains(&v.len())
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "letters, digits, - and _ only",
                format!(
                    "{} characters, or characters a Zoom client id never has",
                    v.len()
                ),
            )
        },
    },
    {
        id: CFG_003,
        group: Configuration,
        title: "ZOOM_CLIENT_SECRET is set",
        severity: F,
        requires: [],
        fix: "Copy the Client Secret from your app's App Credentials page into ZOOM_CLIENT_SECRET.",
        judge: pass_if(
            secret.is_some(),
            "set",
            "ZOOM_CLIENT_SECRET is missing or empty",
        ),
    },
    {
        id: CFG_004,
        group: Configuration,
        title: "ZOOM_CLIENT_SECRET is well formed",
        severity: F,
        requires: [CFG_003],
        fix: "Copy the Client Secret again, whole, without spaces, quotes or line breaks.",
        judge: {
            let v = secret.unwrap_or_default();
            pass_if(
                v.len() >= 16
                    && !v
                        .chars()
                        .any(|c| c.is_whitespace() || c == '"' || c == '\''),
                "long enough, no whitespace or quotes",
                format!("{} characters, or whitespace or quotes in it", v.len()),
            )
        },
    },
    {
        id: CFG_005,
        group: Configuration,
        title: "The client secret is not the client id",
        severity: F,
        requires: [CFG_001, CFG_003],
        fix: "Put the Client Secret, not the Client ID, in ZOOM_CLIENT_SECRET.",
        judge: {
            pass_if(id != secret, "different", "the secret equals the client id")
        },
    },
    {
        id: CFG_006,
        group: Configuration,
        title: "An OAuth flow is configured",
        severity: F,
        requires: [],
        fix: "Set ZOOM_REDIRECT_URI for user OAuth, or ZOOM_ACCOUNT_ID for a Server-to-Server OAuth app.",
        judge: pass_if(redirect.is_some() || f.var("ZOOM_ACCOUNT_ID").is_some(), "user OAuth and/or Server-to-Server", "neither ZOOM_REDIRECT_URI nor ZOOM_ACCOUNT_ID is set"),
    },
    {
        id: CFG_007,
        group: Configuration,
        title: "ZOOM_API_BASE_URL is a valid URL",
        severity: F,
        requires: [],
        fix: "Unset ZOOM_API_BASE_URL (Zoom's https://api.zoom.us/v2 is the default) or give an absolute URL.",
        judge: match &api { Ok(u) => Pass(u.to_string()), Err(e) => Problem(e.clone()) },
    },
    {
        id: CFG_008,
        group: Configuration,
        title: "ZOOM_OAUTH_BASE_URL is a valid URL",
        severity: F,
        requires: [],
        fix: "Unset ZOOM_OAUTH_BASE_URL (https://zoom.us is the default) or give an absolute URL.",
        judge: match &oauth {
            Ok(u) => Pass(u.to_string()),
            Err(e) => Problem(e.clone()),
        },
    },
    {
        id: CFG_009,
        group: Configuration,
        title: "The API base URL ends with /v2",
        severity: W,
        requires: [CFG_007],
        fix: "Append /v2 to ZOOM_API_BASE_URL (e.g. https://api.zoom.us/v2).",
        judge: {
            let p = api
                .as_ref()
                .map(|u| u.path().to_string())
                .unwrap_or_default();
            pass_if(
                p.ends_with("/v2"),
                "ends with /v2",
                format!("the path is {p:?}: Zoom's REST API lives under /v2"),
            )
        },
    },
    {
        id: CFG_010,
        group: Configuration,
        title: "API and OAuth endpoints belong together",
        severity: W,
        requires: [CFG_007, CFG_008],
        fix: "Point ZOOM_API_BASE_URL and ZOOM_OAUTH_BASE_URL at the same Zoom (or the same emulator).",
        judge: {
            let (a, b) = (api.as_ref().map(is_loopback).unwrap_or(false), oauth.as_ref().map(is_loopback).unwrap_or(false));
            pass_if(a == b, "both local or both remote", "one of the API and OAuth URLs is local, the other remote: tokens from one are not valid at the other")
        },
    },
    {
        id: CFG_011,
        group: Configuration,
        title: "The configuration builds",
        severity: F,
        requires: [],
        fix: "Fix what the detail names; every message says which variable and how.",
        judge: match &f.config {
            Ok(_) => Pass("valid".into()),
            Err(e) => Problem(e.to_string()),
        },
    },
    {
        id: CFG_012,
        group: Configuration,
        title: "The request timeout is between 5 s and 120 s",
        severity: W,
        requires: [CFG_011],
        fix: "Set ZOOM_REQUEST_TIMEOUT_SECS between 5 and 120 (30 is the default).",
        judge: {
            let t = cfg.map(|c| c.request_timeout()).unwrap_or_default();
            pass_if(
                (5.0..=120.0).contains(&t.as_secs_f64()),
                format!("{t:?}"),
                format!("{t:?}: too short for Zoom's slower endpoints, or so long that callers hang"),
            )
        },
    },
    {
        id: CFG_013,
        group: Configuration,
        title: "The connect timeout is shorter than the request timeout",
        severity: W,
        requires: [CFG_011],
        fix: "Lower ZOOM_CONNECT_TIMEOUT_SECS (10 is the default) below ZOOM_REQUEST_TIMEOUT_SECS.",
        judge: {
            let (c, t) = cfg
                .map(|c| (c.connect_timeout(), c.request_timeout()))
                .unwrap_or_default();
            pass_if(
                c < t,
                format!("{c:?} < {t:?}"),
                format!("connect {c:?} is not shorter than the request timeout {t:?}"),
            )
        },
    },
    {
        id: CFG_014,
        group: Configuration,
        title: "Every ZOOM_* variable is one the SDK reads",
        severity: W,
        requires: [],
        fix: "Rename or remove the variables named in the detail (typos are silently ignored otherwise).",
        judge: {
            let unknown: Vec<String> = f
                .env
                .keys()
                .filter(|k| {
                    k.starts_with("ZOOM_")
                        && !KNOWN_VARIABLES.contains(&k.as_str())
                        && !TEST_VARIABLES.contains(&k.as_str())
                })
                .map(|k| match KNOWN_VARIABLES.iter().min_by_key(|v| edit_distance(k, v)) {
                    Some(best) if edit_distance(k, best) <= 3 => format!("{k} (did you mean {best}?)"),
                    _ => k.clone(),
                })
                .collect();
            pass_if(unknown.is_empty(), "no unknown ZOOM_* variables", format!("unknown: {}", unknown.join(", ")))
        },
    },
    {
        id: OAU_001,
        group: OAuth,
        title: "ZOOM_REDIRECT_URI is an absolute URL",
        severity: F,
        requires: [],
        fix: "Set ZOOM_REDIRECT_URI to the exact Redirect URL for OAuth registered with the app, e.g. https://app.example.com/zoom/callback.",
        judge: match &redirect_url { None => skip_no_redirect(), Some(Ok(u)) => Pass(u.to_string()), Some(Err(e)) => Problem(e.to_string()) },
    },
    {
        id: OAU_002,
        group: OAuth,
        title: "The redirect URI uses https outside localhost",
        severity: F,
        requires: [OAU_001],
        fix: "Serve the OAuth callback over https and register the https URL with the app.",
        judge: match &redirect_url {
            Some(Ok(u)) => pass_if(
                u.scheme() == "https" || (u.scheme() == "http" && is_loopback(u)),
                "https (or http on localhost)",
                format!("{} outside localhost", u.scheme()),
            ),
            _ => skip_no_redirect(),
        },
    },
    {
        id: OAU_003,
        group: OAuth,
        title: "The redirect URI has no fragment",
        severity: F,
        requires: [OAU_001],
        fix: "Remove the #... part from ZOOM_REDIRECT_URI and from the app's registered Redirect URL.",
        judge: match &redirect_url {
            Some(Ok(u)) => pass_if(
                u.fragment().is_none(),
                "no fragment",
                "has a #fragment, which OAuth forbids",
            ),
            _ => skip_no_redirect(),
        },
    },
    {
        id: OAU_004,
        group: OAuth,
        title: "The redirect URI has no query string",
        severity: W,
        requires: [OAU_001],
        fix: "Register and use a callback URL without ?query parameters; keep state in the session instead.",
        judge: match &redirect_url {
            Some(Ok(u)) => pass_if(u.query().is_none(), "no query string", "has a query string: Zoom compares redirect URIs exactly, and the code and state are appended to it"),
            _ => skip_no_redirect(),
        },
    },
    {
        id: OAU_005,
        group: OAuth,
        title: "ZOOM_SCOPES are well formed",
        severity: F,
        requires: [],
        fix: "List scopes separated by spaces, each like meeting:read or meeting:read:list_meetings.",
        judge: match &scopes {
            None => Skip("ZOOM_SCOPES not set (the app's configured scopes apply)".into()),
            Some(s) => {
                let bad: Vec<&&str> = s
                    .iter()
                    .filter(|x| {
                        !x.contains(':')
                            || x.split(':').any(|p| {
                                p.is_empty()
                                    || !p
                                        .chars()
                                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                            })
                    })
                    .collect();
                pass_if(
                    bad.is_empty(),
                    format!("{} scopes", s.len()),
                    format!("malformed: {bad:?}"),
                )
            }
        },
    },
    {
        id: OAU_006,
        group: OAuth,
        title: "The scopes cover the SDK's calls",
        severity: W,
        requires: [OAU_005],
        fix: "Add the missing scopes to the app on the Marketplace and to ZOOM_SCOPES.",
        judge: match &scopes {
            None => Skip("ZOOM_SCOPES not set".into()),
            Some(s) => {
                let missing: Vec<&&str> = NEEDED_SCOPES
                    .iter()
                    .filter(|n| !s.iter().any(|x| x.starts_with(**n)))
                    .collect();
                pass_if(
                    missing.is_empty(),
                    "meetings, recordings and users covered",
                    format!("missing {missing:?}: those SDK calls will be refused"),
                )
            }
        },
    },
    {
        id: OAU_007,
        group: OAuth,
        title: "ZOOM_ACCOUNT_ID is well formed",
        severity: F,
        requires: [],
        fix: "Copy the Account ID of the Server-to-Server OAuth app again, without spaces.",
        judge: match f.var("ZOOM_ACCOUNT_ID") {
            None => Skip("ZOOM_ACCOUNT_ID not set (no Server-to-Server OAuth)".into()),
            Some(a) => pass_if(
                a.len() >= 8
                    && a.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
                "well formed",
                format!(
                    "{} characters, or characters an account id never has",
                    a.len()
                ),
            ),
        },
    },
    {
        id: OAU_008,
        group: OAuth,
        title: "Zoom's OAuth endpoint is reachable",
        severity: F,
        requires: [],
        fix: "Check DNS, proxy and firewall rules for the OAuth host (zoom.us), and ZOOM_OAUTH_BASE_URL.",
        judge: match online_oauth {
            None if !online => offline_skip(),
            None => Skip("needs CFG-011".into()),
            Some(Ok(_)) | Some(Err((true, _))) => Pass("Zoom's OAuth endpoint answered".into()),
            Some(Err((false, d))) => Problem(d.clone()),
        },
    },
    {
        id: OAU_009,
        group: OAuth,
        title: "Zoom accepts the client credentials",
        severity: F,
        requires: [CFG_011],
        fix: "The client id or secret is wrong, or the app is deactivated: copy both again from the App Credentials page.",
        judge: match online_oauth {
            None if !online => offline_skip(),
            None => Skip("needs CFG-011".into()),
            Some(Ok(d)) => Pass(d.clone()),
            Some(Err((true, d))) => Problem(d.clone()),
            Some(Err((false, _))) => Skip("needs OAU-008".into()),
        },
    },
    {
        id: STO_001,
        group: TokenStore,
        title: "ZOOM_TOKEN_STORE names a store",
        severity: F,
        requires: [],
        fix: "Set ZOOM_TOKEN_STORE to sqlite:PATH, postgres:URL, legacy-postgres:URL or memory.",
        judge: match &f.spec {
            Ok(spec) => Pass(spec.kind().to_string()),
            Err(e) => Problem(e.clone()),
        },
    },
    {
        id: STO_002,
        group: TokenStore,
        title: "The token store opens",
        severity: F,
        requires: [STO_001],
        fix: "Check the path or database URL, that the database is running, and the encryption settings named in the detail.",
        judge: match sf.map(|s| &s.store) {
            Some(Ok(_)) => Pass("opened".into()),
            Some(Err(e)) => Problem(e.clone()),
            None => Skip("needs STO-001".into()),
        },
    },
    {
        id: STO_003,
        group: TokenStore,
        title: "A grant can be written, read back and deleted",
        severity: F,
        requires: [STO_002],
        fix: "Give the application write access to the store (file permissions, database grants) and enough disk space.",
        judge: match sf.map(|s| &s.roundtrip) {
            Some(Ok(ms)) => Pass(format!("{ms:.1} ms")),
            Some(Err(e)) => Problem(e.clone()),
            None => Skip("needs STO-002".into()),
        },
    },
    {
        id: STO_004,
        group: TokenStore,
        title: "Token reads take under 100 ms",
        severity: W,
        requires: [STO_003],
        fix: "Move the store closer to the application (local disk, same network as the database) or add database resources.",
        judge: match sf.and_then(|s| s.read_ms) {
            Some(ms) => pass_if(
                ms < 100.0,
                format!("{ms:.1} ms"),
                format!("{ms:.1} ms per token read"),
            ),
            None => Skip("needs STO-003".into()),
        },
    },
    {
        id: STO_005,
        group: TokenStore,
        title: "The refresh lock is granted within 2 s",
        severity: F,
        requires: [STO_002],
        fix: "Look for a process holding a refresh lock (a stuck transaction) and end it; check the database's lock settings.",
        judge: match sf.map(|s| &s.lock_ms) {
            Some(Ok(ms)) => Pass(format!("granted in {ms:.1} ms")),
            Some(Err(e)) => Problem(e.clone()),
            None => Skip("needs STO-002".into()),
        },
    },
    {
        id: STO_006,
        group: TokenStore,
        title: "The SQLite file is outside temporary directories",
        severity: W,
        requires: [],
        fix: "Put the SQLite file on persistent storage, e.g. sqlite:/var/lib/yourapp/zoom_tokens.db.",
        judge: match f.spec.as_ref().ok().and_then(|s| s.sqlite_path()) {
            Some(path) => {
                let tmp = std::env::temp_dir();
                let abs = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    std::env::current_dir().unwrap_or_default().join(path)
                };
                pass_if(
                    !abs.starts_with(&tmp) && !abs.starts_with("/tmp") && !abs.starts_with("/dev/shm"),
                    abs.display().to_string(),
                    format!(
                        "{} is in a temporary directory: tokens would vanish on reboot",
                        abs.display()
                    ),
                )
            }
            _ => Skip("not a SQLite store".into()),
        },
    },
    {
        id: STO_007,
        group: TokenStore,
        title: "Every stored grant opens with the configured keys",
        severity: F,
        requires: [STO_002],
        fix: "Add the key these grants were sealed with to ZOOM_TOKEN_ENCRYPTION_OLD_KEYS (or ENCRYPTION_KEY for Fernet rows).",
        judge: match sf {
            Some(s) => pass_if(
                s.unreadable.is_empty(),
                "every stored grant opens",
                format!(
                    "{} grants do not open: {}",
                    s.unreadable.len(),
                    s.unreadable
                        .iter()
                        .take(5)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            None => Skip("needs STO-002".into()),
        },
    },
    {
        id: STO_008,
        group: TokenStore,
        title: "No grant is sealed with a former key",
        severity: W,
        requires: [STO_002],
        fix: "Run reseal() (zoom-verify --reseal) so that former keys can be retired.",
        judge: match &enc {
            Some(e) => pass_if(
                e.former_keys == 0,
                "none",
                format!("{} grants sealed with a former key", e.former_keys),
            ),
            None => Skip("the store does not report sealing".into()),
        },
    },
    {
        id: STO_009,
        group: TokenStore,
        title: "No grant is in plaintext while encryption is on",
        severity: W,
        requires: [STO_002],
        fix: "Run reseal() (zoom-verify --reseal) to encrypt the plaintext grants in place.",
        judge: match (&enc, &f.encryption) {
            (Some(e), Ok(TokenEncryption::Encrypted(_))) => pass_if(
                e.plaintext == 0,
                "none",
                format!("{} grants stored in plaintext", e.plaintext),
            ),
            (Some(_), _) => Skip("encryption is off".into()),
            (None, _) => Skip("the store does not report sealing".into()),
        },
    },
    {
        id: STO_010,
        group: TokenStore,
        title: "The store is persistent",
        severity: W,
        requires: [],
        fix: "Use sqlite:PATH or postgres:URL: the memory store loses every user's connection on restart.",
        judge: pass_if(!matches!(f.spec, Ok(store::StoreSpec::Memory)), "persistent", "the memory store loses every grant on restart"),
    },
    {
        id: API_001,
        group: Api,
        title: "The API host resolves (DNS)",
        severity: F,
        requires: [CFG_011],
        fix: "Check the resolver configuration and ZOOM_API_BASE_URL's host name.",
        judge: match on.map(|x| &x.dns) {
            None => offline_skip(),
            Some(Ok(())) => Pass("resolves".into()),
            Some(Err(e)) => Problem(e.clone()),
        },
    },
    {
        id: API_002,
        group: Api,
        title: "The API host accepts connections (TCP and TLS)",
        severity: F,
        requires: [API_001],
        fix: "Check firewalls, proxies (HTTPS_PROXY) and the system's CA certificates for the API host.",
        judge: match on.map(|x| &x.connect) {
            None => offline_skip(),
            Some(Ok(())) => Pass("connected and answered".into()),
            Some(Err(e)) => Problem(e.clone()),
        },
    },
    {
        id: API_003,
        group: Api,
        title: "An authenticated call succeeds",
        severity: F,
        requires: [API_002],
        fix: "Reconnect the user (or check the Server-to-Server app's scopes and activation); the detail says what Zoom answered.",
        judge: match (on, api_facts) {
            (None, _) => offline_skip(),
            (Some(_), None) => {
                Skip("no Server-to-Server account or connected user to call with".into())
            }
            (Some(_), Some(Ok(a))) => pass_if(
                a.status == 200,
                "GET /users/me succeeded",
                format!("GET /users/me answered HTTP {}", a.status),
            ),
            (Some(_), Some(Err(e))) => Problem(e.clone()),
        },
    },
    {
        id: API_004,
        group: Api,
        title: "The API answers within 1 s",
        severity: W,
        requires: [API_003],
        fix: "Check the network path to Zoom (proxy, DNS, region); raise ZOOM_REQUEST_TIMEOUT_SECS if it stays slow.",
        judge: match ok_api {
            Some(a) => pass_if(
                a.latency_ms < 1000.0,
                format!("{:.0} ms", a.latency_ms),
                format!("{:.0} ms for GET /users/me", a.latency_ms),
            ),
            None => Skip("needs API-003".into()),
        },
    },
    {
        id: API_005,
        group: Api,
        title: "Answers carry Zoom's x-zm-trackingid",
        severity: W,
        requires: [API_003],
        fix: "Make sure ZOOM_API_BASE_URL points at Zoom and that no proxy strips headers.",
        judge: match ok_api {
            Some(a) => pass_if(
                a.tracking_id,
                "x-zm-trackingid present",
                "no x-zm-trackingid: the answer may not come from Zoom (a proxy or a mock?)",
            ),
            None => Skip("needs API-003".into()),
        },
    },
    {
        id: API_006,
        group: Api,
        title: "The granted scopes cover the SDK's calls",
        severity: W,
        requires: [API_003],
        fix: "Add the scopes to the app and have users reconnect so that new grants carry them.",
        judge: match ok_api {
            Some(a) if a.scopes.is_empty() => Skip("the grant lists no scopes".into()),
            Some(a) => {
                let missing: Vec<&&str> = NEEDED_SCOPES
                    .iter()
                    .filter(|n| !a.scopes.iter().any(|s| s.starts_with(**n)))
                    .collect();
                pass_if(
                    missing.is_empty(),
                    "the grant covers the SDK's calls",
                    format!("the grant lacks {missing:?}"),
                )
            }
            None => Skip("needs API-003".into()),
        },
    },
    {
        id: RAT_001,
        group: RateLimits,
        title: "The client-side rate limiter is on",
        severity: W,
        requires: [CFG_011],
        fix: "Set ZOOM_RATE_LIMIT_PLAN to your account's plan (free, pro, business) instead of off.",
        judge: match &limits {
            Some(l) => pass_if(l.enabled, "on", "off: bursts will collect 429s from Zoom"),
            None => Skip("needs CFG-011".into()),
        },
    },
    {
        id: RAT_002,
        group: RateLimits,
        title: "ZOOM_RATE_LIMIT_PLAN is a known plan",
        severity: F,
        requires: [],
        fix: "Set ZOOM_RATE_LIMIT_PLAN to free, pro, business or off.",
        judge: match f.var("ZOOM_RATE_LIMIT_PLAN") {
            None => Pass("not set (pro)".into()),
            Some(p) => pass_if(
                ["free", "pro", "business", "enterprise", "off", "none"]
                    .contains(&p.trim().to_ascii_lowercase().as_str()),
                p.to_string(),
                format!("{p:?} is not a plan"),
            ),
        },
    },
    {
        id: RAT_003,
        group: RateLimits,
        title: "Zoom's per-second limit is not below the configured plan",
        severity: W,
        requires: [API_003, RAT_001],
        fix: "Set ZOOM_RATE_LIMIT_PLAN to the account's actual plan.",
        judge: match (ok_api.and_then(|a| a.rate.clone()), &limits) {
            (Some((t, zoom)), Some(l)) if t.eq_ignore_ascii_case("QPS") => pass_if(zoom >= l.light_per_second.min(l.medium_per_second), format!("Zoom allows {zoom}/s"), format!("Zoom allows {zoom}/s, below the configured plan: the limiter adapts, but set the right plan")),
            (None, _) if !online => offline_skip(),
            _ => Skip("Zoom sent no per-second limit on the probe".into()),
        },
    },
    {
        id: RAT_004,
        group: RateLimits,
        title: "No call failed on a rate limit",
        severity: W,
        requires: [],
        fix: "Spread the load (the limiter needs the right plan), or move bulk work off-peak; daily limits reset at the time Zoom states.",
        judge: match m { Some(m) => { let n = m.errors.get("rate_limited").copied().unwrap_or(0); pass_if(n == 0, "none", format!("{n} calls failed rate limited")) } None => no_calls() },
    },
    {
        id: RAT_005,
        group: RateLimits,
        title: "429 answers are under 1% of requests",
        severity: W,
        requires: [],
        fix: "Set ZOOM_RATE_LIMIT_PLAN to the account's plan so the limiter keeps bursts under Zoom's limits.",
        judge: match m { Some(m) => { let r = m.rate_limited as f64 / m.attempts.max(1) as f64; pass_if(r < 0.01, format!("{:.2}%", r * 100.0), format!("{:.1}% of requests drew a 429", r * 100.0)) } None => no_calls() },
    },
    {
        id: WHK_001,
        group: Webhooks,
        title: "ZOOM_WEBHOOK_SECRET_TOKEN is set",
        severity: W,
        requires: [],
        fix: "Copy the Secret Token from the app's Feature > Event Subscriptions page into ZOOM_WEBHOOK_SECRET_TOKEN (needed to receive webhooks).",
        judge: pass_if(wh.is_some(), "set", "not set: webhooks cannot be verified"),
    },
    {
        id: WHK_002,
        group: Webhooks,
        title: "The webhook secret token is well formed",
        severity: F,
        requires: [WHK_001],
        fix: "Copy the Secret Token again, whole, without spaces or quotes.",
        judge: {
            let v = wh.unwrap_or_default();
            pass_if(
                v.len() >= 16
                    && !v
                        .chars()
                        .any(|c| c.is_whitespace() || c == '"' || c == '\''),
                "well formed",
                format!("{} characters, or whitespace or quotes in it", v.len()),
            )
        },
    },
    {
        id: WHK_003,
        group: Webhooks,
        title: "The webhook secret differs from the client secret",
        severity: F,
        requires: [WHK_001, CFG_003],
        fix: "Use the Secret Token from Event Subscriptions, not the Client Secret.",
        judge: {
            pass_if(
                wh != secret,
                "different",
                "the webhook secret token equals the client secret",
            )
        },
    },
    {
        id: WHK_004,
        group: Webhooks,
        title: "This machine's clock agrees with Zoom's within 60 s",
        severity: F,
        requires: [API_003],
        fix: "Enable time synchronisation (NTP/chrony) on the server.",
        judge: match ok_api.and_then(|a| a.date_skew_secs) {
            Some(s) => pass_if(s.abs() <= 60, format!("{s} s"), format!("this machine's clock is {s} s off Zoom's: webhooks outside the 5-minute window are refused")),
            None if !online => offline_skip(),
            None => Skip("Zoom's answer had no Date header".into()),
        },
    },
    {
        id: HLT_001,
        group: Health,
        title: "Health is not unhealthy",
        severity: F,
        requires: [],
        fix: "Fix the components the detail names; /api/zoom/health answers 503 until then.",
        judge: match (on, health) {
            (None, _) => offline_skip(),
            (Some(_), None) => Problem("the health report did not complete".into()),
            (Some(_), Some((h, _))) => pass_if(
                h.status != HealthStatus::Unhealthy,
                format!("{:?}", h.status),
                h.reasons.join("; "),
            ),
        },
    },
    {
        id: HLT_002,
        group: Health,
        title: "Health is not degraded",
        severity: W,
        requires: [HLT_001],
        fix: "Look at the degraded components: re-authorizations, errors or 429s.",
        judge: match health {
            Some((h, _)) => pass_if(
                h.status == HealthStatus::Healthy,
                "healthy",
                h.reasons.join("; "),
            ),
            None => offline_skip(),
        },
    },
    {
        id: HLT_003,
        group: Health,
        title: "No user needs to connect Zoom again",
        severity: W,
        requires: [STO_002],
        fix: "Ask these users to reconnect Zoom (their refresh token was refused).",
        judge: match sf {
            Some(s) => pass_if(
                s.reauth == 0,
                "none",
                format!("{} users must connect Zoom again", s.reauth),
            ),
            None => Skip("needs STO-002".into()),
        },
    },
    {
        id: SEC_001,
        group: Security,
        title: "Tokens are encrypted at rest",
        severity: F,
        requires: [],
        fix: "Set ZOOM_TOKEN_ENCRYPTION_KEY to the output of `openssl rand -base64 32` (keep it in a secret manager).",
        judge: match (key, plaintext, persistent) {
            (_, _, false) => Skip("the store does not use ZOOM_TOKEN_ENCRYPTION_KEY".into()),
            (Some(_), _, _) => Pass("ZOOM_TOKEN_ENCRYPTION_KEY set".into()),
            (None, true, _) => Problem("plaintext storage was chosen (ZOOM_TOKEN_STORE_PLAINTEXT=1)".into()),
            (None, false, _) => Problem("ZOOM_TOKEN_ENCRYPTION_KEY is missing".into()),
        },
    },
    {
        id: SEC_002,
        group: Security,
        title: "The encryption key is 32 random bytes",
        severity: F,
        requires: [SEC_001],
        fix: "Generate a new key with `openssl rand -base64 32`, move the old one to ZOOM_TOKEN_ENCRYPTION_OLD_KEYS, and reseal.",
        judge: match (key, &f.encryption) {
            (None, _) => Skip("no key".into()),
            (Some(_), Ok(_)) => Pass("32 random bytes".into()),
            (Some(_), Err(e)) => Problem(e.to_string()),
        },
    },
    {
        id: SEC_003,
        group: Security,
        title: "The encryption key is not reused as another secret",
        severity: F,
        requires: [SEC_001],
        fix: "Use a key of its own for ZOOM_TOKEN_ENCRYPTION_KEY.",
        judge: match key {
            Some(k) => pass_if(
                Some(k) != secret && Some(k) != wh,
                "not reused",
                "the encryption key is also used as another secret",
            ),
            None => Skip("no key".into()),
        },
    },
    {
        id: SEC_004,
        group: Security,
        title: "Plaintext token storage is not enabled against Zoom",
        severity: F,
        requires: [],
        fix: "Remove ZOOM_TOKEN_STORE_PLAINTEXT (development only) and set ZOOM_TOKEN_ENCRYPTION_KEY.",
        judge: pass_if(
            !(plaintext && api.as_ref().map(|u| !is_loopback(u)).unwrap_or(true)),
            if plaintext {
                "plaintext, but only against a local API"
            } else {
                "not enabled"
            },
            "ZOOM_TOKEN_STORE_PLAINTEXT=1 with Zoom's real API",
        ),
    },
    {
        id: SEC_005,
        group: Security,
        title: "Zoom is reached over TLS",
        severity: F,
        requires: [CFG_007, CFG_008],
        fix: "Use https URLs for ZOOM_API_BASE_URL and ZOOM_OAUTH_BASE_URL.",
        judge: {
            let bad: Vec<String> = [&api, &oauth]
                .iter()
                .filter_map(|u| u.as_ref().ok())
                .filter(|u| u.scheme() != "https" && !is_loopback(u))
                .map(|u| u.to_string())
                .collect();
            pass_if(
                bad.is_empty(),
                "https (http only on loopback)",
                format!("not TLS: {}", bad.join(", ")),
            )
        },
    },
    {
        id: SEC_006,
        group: Security,
        title: "Base URLs carry no credentials",
        severity: F,
        requires: [CFG_007, CFG_008],
        fix: "Remove user:password@ from the base URLs; the SDK authenticates on its own.",
        judge: {
            let bad = [&api, &oauth]
                .iter()
                .filter_map(|u| u.as_ref().ok())
                .any(|u| !u.username().is_empty() || u.password().is_some());
            pass_if(
                !bad,
                "no user:password@ in the URLs",
                "a base URL carries credentials",
            )
        },
    },
    {
        id: SEC_007,
        group: Security,
        title: "ZOOM_TOKEN_STORE carries no database password",
        severity: W,
        requires: [],
        fix: "Keep the password out of the URL: use PGPASSWORD, a .pgpass file or the platform's secret injection.",
        judge: {
            // A spec that does not parse is STO-001's failure; its URL is looked at all the same.
            let raw = f.env.get(store::STORE_ENV).cloned().unwrap_or_default();
            let leaked = match &f.spec {
                Ok(spec) => spec.has_password_in_url(),
                Err(_) => [raw.split_once(':').map(|(_, u)| u), Some(raw.as_str())]
                    .into_iter()
                    .flatten()
                    .filter_map(|u| Url::parse(u).ok())
                    .any(|u| u.password().is_some()),
            };
            pass_if(!leaked, "no password in the URL", "the database URL contains a password")
        },
    },
    {
        id: SEC_008,
        group: Security,
        title: "The redirect URI is exact",
        severity: F,
        requires: [],
        fix: "Register and configure the one exact callback URL: no wildcards, no surrounding spaces.",
        judge: match f.env.get("ZOOM_REDIRECT_URI") {
            None => skip_no_redirect(),
            Some(r) => pass_if(
                !r.contains('*') && r.trim() == r,
                "exact",
                "contains a wildcard or surrounding whitespace",
            ),
        },
    },
    {
        id: SEC_009,
        group: Security,
        title: "Secrets are not wrapped in quotes",
        severity: F,
        requires: [],
        fix: "Remove the quotes around the values (a common .env mistake: the quotes become part of the secret).",
        judge: {
            let quoted_vars: Vec<&str> = [
                "ZOOM_CLIENT_SECRET",
                "ZOOM_WEBHOOK_SECRET_TOKEN",
                "ZOOM_TOKEN_ENCRYPTION_KEY",
                "ZOOM_CLIENT_ID",
            ]
            .into_iter()
            .filter(|k| f.var(k).is_some_and(quoted))
            .collect();
            pass_if(quoted_vars.is_empty(), "no quoted values", format!("quoted: {}", quoted_vars.join(", ")))
        },
    },
    {
        id: SEC_010,
        group: Security,
        title: "Former keys do not repeat the current key",
        severity: W,
        requires: [SEC_001],
        fix: "List only retired keys in ZOOM_TOKEN_ENCRYPTION_OLD_KEYS.",
        judge: {
            let old = f.var(store::crypto::OLD_KEYS_ENV).unwrap_or_default();
            pass_if(
                !old.split(',').any(|o| Some(o.trim()) == key),
                "the current key is not listed as old",
                "ZOOM_TOKEN_ENCRYPTION_OLD_KEYS repeats the current key",
            )
        },
    },
    {
        id: PRF_001,
        group: Performance,
        title: "p95 latency is under 2 s on every endpoint",
        severity: W,
        requires: [],
        fix: "Look at the slow endpoints in the metrics; check the network path to Zoom and page sizes.",
        judge: match m {
            Some(m) => {
                let slow: Vec<String> = m
                    .latency
                    .iter()
                    .filter(|(_, l)| l.p95_ms >= 2000.0)
                    .map(|(k, l)| format!("{k} p95 {:.0} ms", l.p95_ms))
                    .collect();
                pass_if(slow.is_empty(), "all under 2 s", slow.join(", "))
            }
            None => no_calls(),
        },
    },
    {
        id: PRF_002,
        group: Performance,
        title: "Retries are under 10% of calls",
        severity: W,
        requires: [],
        fix: "Zoom or the network is failing transiently: see errors by class in the metrics.",
        judge: match m {
            Some(m) => {
                let r = m.retries as f64 / m.calls.max(1) as f64;
                pass_if(
                    r < 0.10,
                    format!("{:.1}%", r * 100.0),
                    format!("{:.1}% of calls needed a retry", r * 100.0),
                )
            }
            None => no_calls(),
        },
    },
    {
        id: PRF_003,
        group: Performance,
        title: "Failed calls are under 5%",
        severity: W,
        requires: [],
        fix: "See errors by class in the metrics and fix the most frequent.",
        judge: match m {
            Some(m) => {
                let e: u64 = m.errors.values().sum();
                let r = e as f64 / m.calls.max(1) as f64;
                pass_if(
                    r < 0.05,
                    format!("{:.1}%", r * 100.0),
                    format!("{:.1}% of calls failed", r * 100.0),
                )
            }
            None => no_calls(),
        },
    },
    {
        id: PRF_004,
        group: Performance,
        title: "Early token refreshes are under 5% of calls",
        severity: W,
        requires: [],
        fix: "Refresh only on expiry: stop forcing refreshes, and share one client (and one store) across workers so a token rejected once is not refreshed by each.",
        judge: match m { Some(m) => { let r = m.early_refreshes as f64 / m.calls.max(1) as f64; pass_if(r < 0.05, format!("{} early of {} refreshes", m.early_refreshes, m.refreshes), format!("{} refreshes of still-fresh tokens for {} calls (Zoom's review rejects needless refreshing)", m.early_refreshes, m.calls)) } None => no_calls() },
    },
};

/// Run every check in order: a check whose prerequisite did not pass is skipped, naming it.
fn evaluate(f: &Facts, online: bool) -> VerificationReport {
    let ctx = Ctx::new(f, online);
    let mut not_passed: HashSet<CheckId> = HashSet::new();
    let mut results = Vec::with_capacity(CHECKS.len());
    for check in CHECKS {
        let outcome = match check.requires.iter().find(|r| not_passed.contains(*r)) {
            Some(r) => Skip(format!("needs {}", r.as_str())),
            None => (check.judge)(&ctx),
        };
        let (status, detail) = match outcome {
            Pass(d) => (CheckStatus::Pass, d),
            Problem(d) => (check.severity, d),
            Skip(d) => (CheckStatus::Skip, d),
        };
        if status != CheckStatus::Pass {
            not_passed.insert(check.id);
        }
        results.push(CheckResult {
            id: check.id.as_str(),
            group: check.group,
            title: check.title,
            status,
            detail,
            remediation: (status != CheckStatus::Pass).then_some(check.fix),
        });
    }
    let count = |s: CheckStatus| results.iter().filter(|r| r.status == s).count();
    VerificationReport {
        online,
        passed: count(CheckStatus::Pass),
        warned: count(CheckStatus::Warn),
        failed: count(CheckStatus::Fail),
        skipped: count(CheckStatus::Skip),
        results,
    }
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn every_check_is_declared_once_in_id_order_and_its_prerequisites_come_first() {
        assert_eq!(CHECKS.len(), CheckId::ALL.len());
        for (check, id) in CHECKS.iter().zip(CheckId::ALL) {
            assert_eq!(check.id, *id, "the table and the ids agree in order");
        }
        for (i, check) in CHECKS.iter().enumerate() {
            for r in check.requires {
                let at = CHECKS.iter().position(|c| c.id == *r);
                assert!(
                    at.is_some_and(|at| at < i),
                    "{} requires {}, which must be declared before it",
                    check.id.as_str(),
                    r.as_str()
                );
            }
            assert!(!check.title.is_empty() && !check.fix.is_empty());
            assert!(matches!(
                check.severity,
                CheckStatus::Fail | CheckStatus::Warn
            ));
        }
    }

    #[test]
    fn the_printed_ids_are_unique_and_grouped() {
        let mut seen = HashSet::new();
        for c in CHECKS {
            assert!(seen.insert(c.id.as_str()), "{} twice", c.id.as_str());
            let prefix = &c.id.as_str()[..3];
            let expected = match c.group {
                CheckGroup::Configuration => "CFG",
                CheckGroup::OAuth => "OAU",
                CheckGroup::TokenStore => "STO",
                CheckGroup::Api => "API",
                CheckGroup::RateLimits => "RAT",
                CheckGroup::Webhooks => "WHK",
                CheckGroup::Health => "HLT",
                CheckGroup::Security => "SEC",
                CheckGroup::Performance => "PRF",
            };
            assert_eq!(prefix, expected, "{}", c.id.as_str());
        }
    }
}

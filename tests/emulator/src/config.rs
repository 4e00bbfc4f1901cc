//! Configuration of an emulator instance: the OAuth app it accepts, token lifetimes, rate limits
//! and the seeded data set.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Everything an emulator instance is started with.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct EmulatorConfig {
    /// The OAuth app's client id the emulator accepts.
    pub client_id: String,
    /// The OAuth app's client secret the emulator accepts.
    pub client_secret: String,
    /// The Zoom account every seeded user belongs to (Server-to-Server OAuth uses it).
    pub account_id: String,
    /// Redirect URIs registered for the app; `/oauth/authorize` and the code exchange check them.
    pub redirect_uris: Vec<String>,
    /// Scopes granted to user tokens (space separated in token responses).
    pub scopes: Vec<String>,
    /// Access token lifetime in seconds (Zoom: one hour).
    pub access_token_ttl_secs: u64,
    /// Per-category rate limits.
    pub rate_limits: RateLimitConfig,
    /// The data set generated at start.
    pub seed: SeedConfig,
    /// Faults switched on from the start (they can be changed at run time).
    pub faults: crate::FaultConfig,
    /// Keep a log of every `/v2` exchange (`/_emulator/requests`), the last
    /// 10,000 of them.
    pub request_log: bool,
    /// Show a consent page (Authorize / Deny) at `/oauth/authorize` instead of approving at
    /// once, as a person meets Zoom in a browser.
    pub consent: bool,
}

/// How many exchanges the request log keeps (the oldest go first).
pub const REQUEST_LOG_CAPACITY: usize = 10_000;

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            client_id: "emulator-client-id".into(),
            client_secret: "emulator-client-secret-0123456789".into(),
            account_id: "emuAccount0000000000001".into(),
            redirect_uris: vec!["http://localhost:8080/oauth/callback".into()],
            scopes: [
                "meeting:read",
                "meeting:write",
                "recording:read",
                "user:read",
                "webinar:read",
                "webinar:write",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            access_token_ttl_secs: 3600,
            rate_limits: RateLimitConfig::default(),
            seed: SeedConfig::default(),
            faults: crate::FaultConfig::default(),
            request_log: false,
            consent: false,
        }
    }
}

impl EmulatorConfig {
    /// The access token lifetime as a [`Duration`].
    pub fn access_token_ttl(&self) -> Duration {
        Duration::from_secs(self.access_token_ttl_secs)
    }
}

/// Zoom's rate-limit categories. Each API operation carries one ("Rate Limit Label" in Zoom's
/// OpenAPI spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RateCategory {
    /// `LI` in the spec.
    Light,
    /// `ME` in the spec.
    Medium,
    /// `HE` in the spec.
    Heavy,
    /// `RI` in the spec; limited per minute.
    #[serde(rename = "Resource-intensive")]
    ResourceIntensive,
}

impl RateCategory {
    /// The value of Zoom's `X-RateLimit-Category` header.
    pub fn header_value(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Medium => "Medium",
            Self::Heavy => "Heavy",
            Self::ResourceIntensive => "Resource-intensive",
        }
    }
}

/// Per-account, per-category request limits. Defaults are Zoom's Pro plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitConfig {
    /// When false no request is ever rate limited (benchmarks).
    pub enabled: bool,
    /// Light requests per second.
    pub light_per_second: u32,
    /// Medium requests per second.
    pub medium_per_second: u32,
    /// Heavy requests per second.
    pub heavy_per_second: u32,
    /// Resource-intensive requests per minute.
    pub resource_intensive_per_minute: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            light_per_second: 30,
            medium_per_second: 20,
            heavy_per_second: 10,
            resource_intensive_per_minute: 10,
        }
    }
}

impl RateLimitConfig {
    /// No limits at all.
    pub fn unlimited() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// The limit and its window for one category.
    pub fn limit_for(&self, category: RateCategory) -> (u32, Duration) {
        match category {
            RateCategory::Light => (self.light_per_second, Duration::from_secs(1)),
            RateCategory::Medium => (self.medium_per_second, Duration::from_secs(1)),
            RateCategory::Heavy => (self.heavy_per_second, Duration::from_secs(1)),
            RateCategory::ResourceIntensive => {
                (self.resource_intensive_per_minute, Duration::from_secs(60))
            }
        }
    }
}

/// The generated data set: deterministic for one `seed`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct SeedConfig {
    /// Seed of the random generator; the same seed gives the same data.
    pub seed: u64,
    /// Number of users in the account (at least one: the account owner).
    pub users: usize,
    /// Meetings per user.
    pub meetings_per_user: usize,
    /// Recorded meetings per user, spread over the last `recording_days` days.
    pub recordings_per_user: usize,
    /// Days back over which recordings are spread.
    pub recording_days: i64,
    /// Webinars per webinar-enabled user.
    pub webinars_per_user: usize,
    /// Words of each meeting's agenda, drawn from a fixed vocabulary (0: empty agendas), so
    /// that search has varied text to rank.
    pub agenda_words: usize,
}

impl Default for SeedConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            users: 3,
            meetings_per_user: 5,
            recordings_per_user: 4,
            recording_days: 90,
            webinars_per_user: 2,
            agenda_words: 0,
        }
    }
}

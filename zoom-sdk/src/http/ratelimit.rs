//! A client-side limiter per Zoom account and rate-limit category, so that a burst of calls
//! stays under Zoom's limits instead of collecting 429s.
//!
//! Zoom counts per account: each account gets its own buckets (created with the configured
//! plan's limits on first use), so one account's daily limit or learned QPS never applies to
//! another in a multi-account app.
//!
//! Each category keeps the send times of its last requests (a sliding window, as Zoom counts)
//! and makes a caller wait until the window has room. It adapts to what Zoom says: the
//! `X-RateLimit-Limit` of a per-second (`QPS`) answer replaces the configured limit, a
//! `X-RateLimit-Remaining: 0` or a per-second 429 pauses the category, and a daily-limit 429
//! closes the category until the reset Zoom states: calls then fail at once, unsent.

use super::budget::{Grant, SharedBudget};
use crate::error::{ApiError, Error, RateLimitType, Result};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Zoom's rate-limit categories (the `Rate Limit Label` of each operation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RateCategory {
    /// Light.
    Light,
    /// Medium.
    Medium,
    /// Heavy.
    Heavy,
    /// Resource-intensive (limited per minute).
    #[serde(rename = "Resource-intensive")]
    ResourceIntensive,
}

impl RateCategory {
    fn index(self) -> usize {
        match self {
            Self::Light => 0,
            Self::Medium => 1,
            Self::Heavy => 2,
            Self::ResourceIntensive => 3,
        }
    }

    /// Every category.
    pub const ALL: &'static [RateCategory] = &[
        Self::Light,
        Self::Medium,
        Self::Heavy,
        Self::ResourceIntensive,
    ];

    /// The category named by Zoom's `X-RateLimit-Category` header (case and spacing
    /// forgiven), if it is one the SDK knows.
    pub fn parse(name: &str) -> Option<Self> {
        let norm: String = name
            .trim()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Self::ALL.iter().copied().find(|c| {
            c.as_str()
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase()
                == norm
        })
    }

    /// Zoom's name (`X-RateLimit-Category`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "Light",
            Self::Medium => "Medium",
            Self::Heavy => "Heavy",
            Self::ResourceIntensive => "Resource-intensive",
        }
    }
}

/// Per-category limits of an account plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RateLimits {
    /// When false, nothing is limited on the client side.
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

impl Default for RateLimits {
    fn default() -> Self {
        Self::pro()
    }
}

impl RateLimits {
    /// Zoom's Free plan.
    pub fn free() -> Self {
        Self {
            enabled: true,
            light_per_second: 4,
            medium_per_second: 2,
            heavy_per_second: 1,
            resource_intensive_per_minute: 1,
        }
    }
    /// Zoom's Pro plan (the default).
    pub fn pro() -> Self {
        Self {
            enabled: true,
            light_per_second: 30,
            medium_per_second: 20,
            heavy_per_second: 10,
            resource_intensive_per_minute: 10,
        }
    }
    /// Zoom's Business and higher plans.
    pub fn business() -> Self {
        Self {
            enabled: true,
            light_per_second: 80,
            medium_per_second: 60,
            heavy_per_second: 40,
            resource_intensive_per_minute: 20,
        }
    }
    /// No client-side limiting.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::pro()
        }
    }
    /// The same limit for the three per-second categories (tests, custom plans).
    pub fn per_second(n: u32) -> Self {
        Self {
            enabled: true,
            light_per_second: n,
            medium_per_second: n,
            heavy_per_second: n,
            resource_intensive_per_minute: n,
        }
    }
}

/// Extra room kept on top of Zoom's window: requests arrive at Zoom a little after they leave.
const MARGIN: f64 = 1.05;

/// The same for a budget shared between processes (and machines): a grant and the request's
/// arrival at Zoom are further apart, and differ more from one instance to another.
const SHARED_MARGIN: f64 = 1.2;

#[derive(Debug)]
struct Bucket {
    limit: u32,
    window: Duration,
    sent: VecDeque<Instant>,
    paused_until: Option<Instant>,
    closed_until: Option<Instant>,
}

impl Bucket {
    fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit: limit.max(1),
            window,
            sent: VecDeque::new(),
            paused_until: None,
            closed_until: None,
        }
    }
}

/// The limiter shared by all calls of one client.
#[derive(Debug)]
pub struct RateLimiter {
    enabled: bool,
    limits: RateLimits,
    accounts: Mutex<HashMap<String, [Bucket; 4]>>,
    /// The budget shared with other instances (`ZOOM_RATE_BUDGET`), when configured.
    shared: Option<Arc<SharedBudget>>,
}

/// What the local state says before any window is counted.
enum Gate {
    /// Paused by Zoom: sleep this long.
    Sleep(Duration),
    /// Open: count in a window of `limit` per `window`.
    Open { limit: u32, window: Duration },
}

/// Accounts kept before idle ones are dropped.
const MAX_ACCOUNTS: usize = 4096;

/// The latest instant `now + d` that does not overflow (a `Retry-After` of centuries is
/// clamped, never a panic).
fn later(now: Instant, d: Duration) -> Instant {
    now.checked_add(d.min(MAX_WAIT))
        .unwrap_or(now + Duration::from_secs(3600))
}

/// The longest pause or closure the limiter honours (a daily limit resets within a day).
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(48 * 3600);

impl Bucket {
    /// Drop the send times that left the sliding `window`.
    fn forget_before(&mut self, now: Instant, window: Duration) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            self.sent.pop_front();
        }
    }

    fn idle(&self, now: Instant) -> bool {
        self.paused_until.is_none_or(|u| u <= now)
            && self.closed_until.is_none_or(|u| u <= now)
            && self
                .sent
                .back()
                .is_none_or(|t| now.duration_since(*t) >= self.window.mul_f64(MARGIN))
    }
}

/// What an answer said about rate limits.
#[derive(Clone, Debug, Default)]
pub(crate) struct RateSignal {
    pub limit_type: Option<String>,
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
    pub status: u16,
    pub retry_after: Option<Duration>,
}

impl RateLimiter {
    /// A limiter for `limits`, applied to each account separately.
    pub fn new(limits: &RateLimits) -> Self {
        Self {
            enabled: limits.enabled,
            limits: limits.clone(),
            accounts: Mutex::new(HashMap::new()),
            shared: None,
        }
    }

    /// Count in the budget shared with other instances (falling back to this limiter's own
    /// windows while it cannot be reached).
    pub(crate) fn with_shared_budget(mut self, budget: Arc<SharedBudget>) -> Self {
        self.shared = Some(budget);
        self
    }

    fn fresh_buckets(&self) -> [Bucket; 4] {
        let s = Duration::from_secs(1);
        let l = &self.limits;
        [
            Bucket::new(l.light_per_second, s),
            Bucket::new(l.medium_per_second, s),
            Bucket::new(l.heavy_per_second, s),
            Bucket::new(l.resource_intensive_per_minute, Duration::from_secs(60)),
        ]
    }

    /// Run `f` on the bucket of `account` and `category`.
    fn with_bucket<T>(
        &self,
        account: &str,
        category: RateCategory,
        f: impl FnOnce(&mut Bucket, Instant) -> T,
    ) -> T {
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if !accounts.contains_key(account) {
            if accounts.len() >= MAX_ACCOUNTS {
                accounts.retain(|_, b| !b.iter().all(|b| b.idle(now)));
            }
            accounts.insert(account.to_string(), self.fresh_buckets());
        }
        match accounts.get_mut(account) {
            Some(buckets) => f(&mut buckets[category.index()], now),
            // Just inserted above, under the same lock.
            None => f(&mut self.fresh_buckets()[category.index()], now),
        }
    }

    /// Wait for room in `category` of `account` (any stable name of a Zoom account). Fails at
    /// once, unsent, while that account's daily limit is in force, or while a pause Zoom asked
    /// for lasts longer than `max_wait` (the retry policy's longest rate-limit wait).
    pub async fn acquire(
        &self,
        account: &str,
        category: RateCategory,
        max_wait: Duration,
    ) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        // Whether this call fell back to the process's own windows (counted once, on success).
        let mut fell_back = false;
        loop {
            let gate = self.with_bucket(account, category, |b, now| {
                if let Some(until) = b.closed_until {
                    if until > now {
                        return Err(daily_closed(category, until - now));
                    }
                    b.closed_until = None;
                }
                Ok(match b.paused_until {
                    Some(until) if until > now + max_wait => {
                        return Err(paused(category, until - now));
                    }
                    Some(until) if until > now => Gate::Sleep(until - now),
                    _ => Gate::Open {
                        limit: b.limit,
                        window: b.window.mul_f64(MARGIN),
                    },
                })
            })?;
            let (limit, window) = match gate {
                Gate::Sleep(d) => {
                    tokio::time::sleep(d).await;
                    continue;
                }
                Gate::Open { limit, window } => (limit, window),
            };
            if let Some(shared) = &self.shared {
                let shared_window = window.mul_f64(SHARED_MARGIN / MARGIN);
                match shared.take(account, category, limit, shared_window).await {
                    Some(Grant::Now) => {
                        // Counted locally too, so that a fall back to this process's own
                        // windows starts from what it really sent.
                        self.with_bucket(account, category, |b, now| {
                            b.forget_before(now, window);
                            b.sent.push_back(now);
                        });
                        return Ok(());
                    }
                    Some(Grant::Wait(d)) => {
                        tokio::time::sleep(d).await;
                        continue;
                    }
                    Some(Grant::Closed(d)) => {
                        self.with_bucket(account, category, |b, now| {
                            b.closed_until = Some(later(now, d));
                        });
                        return Err(daily_closed(category, d));
                    }
                    // Redis is unavailable: this process's own window below.
                    None => fell_back = true,
                }
            }
            let wait = self.with_bucket(account, category, |b, now| {
                b.forget_before(now, window);
                if (b.sent.len() as u32) < b.limit {
                    b.sent.push_back(now);
                    None
                } else {
                    let oldest = b.sent.front().copied().unwrap_or(now);
                    Some(
                        window
                            .saturating_sub(now.duration_since(oldest))
                            .max(Duration::from_millis(1)),
                    )
                }
            });
            match wait {
                None => {
                    if let (true, Some(shared)) = (fell_back, &self.shared) {
                        shared.note_fallback();
                    }
                    return Ok(());
                }
                Some(w) => tokio::time::sleep(w).await,
            }
        }
    }

    /// Learn from an answer to a request of `account`.
    pub(crate) fn observe(&self, account: &str, category: RateCategory, s: &RateSignal) {
        if !self.enabled {
            return;
        }
        let closed = self.with_bucket(account, category, |b, now| Self::learn(b, now, s));
        if let (Some(length), Some(shared)) = (closed, &self.shared) {
            // Every instance stops sending in this category until Zoom's reset.
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                let (shared, account) = (shared.clone(), account.to_string());
                rt.spawn(async move { shared.close(&account, category, length).await });
            }
        }
    }

    /// Learn from an answer; the length of a daily closure it started, if any.
    fn learn(b: &mut Bucket, now: Instant, s: &RateSignal) -> Option<Duration> {
        let qps = s
            .limit_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("QPS"));
        let daily = s
            .limit_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("daily"));
        if qps {
            if let Some(limit) = s.limit.filter(|l| *l > 0) {
                b.limit = limit;
            }
            if s.remaining == Some(0) || s.status == 429 {
                let pause = s.retry_after.unwrap_or(b.window);
                b.paused_until = Some(later(now, pause));
            }
        }
        if s.status == 429 && daily {
            let until = s.retry_after.unwrap_or_else(until_utc_midnight);
            b.closed_until = Some(later(now, until));
            return Some(until.min(MAX_WAIT));
        }
        None
    }
}

fn until_utc_midnight() -> Duration {
    let now = chrono::Utc::now();
    let midnight = (now + chrono::Duration::days(1))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc());
    midnight
        .and_then(|m| (m - now).to_std().ok())
        .unwrap_or(Duration::from_secs(3600))
}

fn paused(category: RateCategory, retry_after: Duration) -> Error {
    Error::RateLimited {
        retry_after: Some(retry_after),
        category: Some(category),
        limit_type: RateLimitType::PerSecond,
        api: Box::new(ApiError {
            status: 429,
            code: Some(429),
            message: format!(
                "Zoom asked to pause {} requests for longer than the retry policy waits; not sent",
                category.as_str()
            ),
            tracking_id: None,
            errors: Vec::new(),
        }),
    }
}

fn daily_closed(category: RateCategory, retry_after: Duration) -> Error {
    Error::RateLimited {
        retry_after: Some(retry_after),
        category: Some(category),
        limit_type: RateLimitType::Daily,
        api: Box::new(ApiError {
            status: 429,
            code: Some(429),
            message: format!(
                "the daily {} limit was reached; not sent before the reset Zoom stated",
                category.as_str()
            ),
            tracking_id: None,
            errors: Vec::new(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: Duration = Duration::from_secs(60);

    #[tokio::test(start_paused = true)]
    async fn the_limit_plus_one_waits_for_the_window() {
        let rl = RateLimiter::new(&RateLimits::per_second(5));
        let t0 = tokio::time::Instant::now();
        for _ in 0..5 {
            rl.acquire("A", RateCategory::Light, W).await.unwrap();
        }
        assert_eq!(t0.elapsed(), Duration::ZERO);
        rl.acquire("A", RateCategory::Light, W).await.unwrap();
        assert!(t0.elapsed() >= Duration::from_secs(1), "{:?}", t0.elapsed());
    }

    #[tokio::test]
    async fn a_daily_limit_closes_the_category_and_fails_fast() {
        let rl = RateLimiter::new(&RateLimits::pro());
        rl.observe(
            "A",
            RateCategory::Heavy,
            &RateSignal {
                limit_type: Some("Daily-limit".into()),
                status: 429,
                retry_after: Some(Duration::from_secs(3600)),
                ..Default::default()
            },
        );
        let e = rl.acquire("A", RateCategory::Heavy, W).await.unwrap_err();
        assert!(matches!(
            e,
            Error::RateLimited {
                limit_type: RateLimitType::Daily,
                ..
            }
        ));
        assert!(
            rl.acquire("A", RateCategory::Light, W).await.is_ok(),
            "other categories stay open"
        );
        assert!(
            rl.acquire("B", RateCategory::Heavy, W).await.is_ok(),
            "other accounts stay open"
        );
    }

    #[tokio::test]
    async fn a_qps_limit_learned_from_one_account_stays_with_it() {
        let rl = RateLimiter::new(&RateLimits::pro());
        rl.observe(
            "A",
            RateCategory::Light,
            &RateSignal {
                limit_type: Some("QPS".into()),
                limit: Some(2),
                remaining: Some(1),
                status: 200,
                ..Default::default()
            },
        );
        rl.acquire("B", RateCategory::Light, W).await.unwrap();
        let accounts = rl.accounts.lock().unwrap();
        assert_eq!(accounts["A"][0].limit, 2);
        assert_eq!(accounts["B"][0].limit, 30, "B keeps the plan's limit");
    }

    #[tokio::test]
    async fn retry_afters_of_any_size_never_overflow() {
        let rl = RateLimiter::new(&RateLimits::pro());
        for secs in [u64::MAX, u64::MAX / 2, 10_000_000_000_000_000_000, 0] {
            for (t, status) in [("QPS", 429), ("Daily-limit", 429)] {
                rl.observe(
                    "A",
                    RateCategory::Medium,
                    &RateSignal {
                        limit_type: Some(t.into()),
                        status,
                        retry_after: Some(Duration::from_secs(secs)),
                        ..Default::default()
                    },
                );
            }
        }
    }

    #[tokio::test]
    async fn a_qps_limit_header_replaces_the_configured_limit() {
        let rl = RateLimiter::new(&RateLimits::pro());
        rl.observe(
            "A",
            RateCategory::Light,
            &RateSignal {
                limit_type: Some("QPS".into()),
                limit: Some(80),
                remaining: Some(79),
                status: 200,
                ..Default::default()
            },
        );
        assert_eq!(rl.accounts.lock().unwrap()["A"][0].limit, 80);
        // A daily figure without a QPS type is not mistaken for a per-second limit.
        rl.observe(
            "A",
            RateCategory::Light,
            &RateSignal {
                limit: Some(6000),
                remaining: Some(5000),
                status: 200,
                ..Default::default()
            },
        );
        assert_eq!(rl.accounts.lock().unwrap()["A"][0].limit, 80);
    }
}

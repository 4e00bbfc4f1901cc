//! A client-side limiter per Zoom rate-limit category, so that a burst of calls stays under
//! Zoom's limits instead of collecting 429s.
//!
//! Each category keeps the send times of its last requests (a sliding window, as Zoom counts)
//! and makes a caller wait until the window has room. It adapts to what Zoom says: the
//! `X-RateLimit-Limit` of a per-second (`QPS`) answer replaces the configured limit, a
//! `X-RateLimit-Remaining: 0` or a per-second 429 pauses the category, and a daily-limit 429
//! closes the category until the reset Zoom states: calls then fail at once, unsent.

use crate::error::{ApiError, Error, RateLimitType, Result};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
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
    buckets: Mutex<[Bucket; 4]>,
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
    /// A limiter for `limits`.
    pub fn new(limits: &RateLimits) -> Self {
        let s = Duration::from_secs(1);
        Self {
            enabled: limits.enabled,
            buckets: Mutex::new([
                Bucket::new(limits.light_per_second, s),
                Bucket::new(limits.medium_per_second, s),
                Bucket::new(limits.heavy_per_second, s),
                Bucket::new(
                    limits.resource_intensive_per_minute,
                    Duration::from_secs(60),
                ),
            ]),
        }
    }

    /// Wait for room in `category`. Fails at once, unsent, while a daily limit is in force.
    pub async fn acquire(&self, category: RateCategory) -> Result<()> {
        if !self.enabled {
            return Ok(());
        }
        loop {
            let wait = {
                let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
                let b = &mut buckets[category.index()];
                let now = Instant::now();
                if let Some(until) = b.closed_until {
                    if until > now {
                        return Err(daily_closed(category, until - now));
                    }
                    b.closed_until = None;
                }
                match b.paused_until {
                    Some(until) if until > now => until - now,
                    _ => {
                        let window = b.window.mul_f64(MARGIN);
                        while b
                            .sent
                            .front()
                            .is_some_and(|t| now.duration_since(*t) >= window)
                        {
                            b.sent.pop_front();
                        }
                        if (b.sent.len() as u32) < b.limit {
                            b.sent.push_back(now);
                            return Ok(());
                        }
                        let oldest = b.sent.front().copied().unwrap_or(now);
                        window
                            .saturating_sub(now.duration_since(oldest))
                            .max(Duration::from_millis(1))
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Learn from an answer.
    pub(crate) fn observe(&self, category: RateCategory, s: &RateSignal) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let b = &mut buckets[category.index()];
        let now = Instant::now();
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
                b.paused_until = Some(now + pause);
            }
        }
        if s.status == 429 && daily {
            let until = s.retry_after.unwrap_or_else(until_utc_midnight);
            b.closed_until = Some(now + until);
        }
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

fn daily_closed(category: RateCategory, retry_after: Duration) -> Error {
    Error::RateLimited {
        retry_after: Some(retry_after),
        category: Some(category.as_str().to_string()),
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

    #[tokio::test(start_paused = true)]
    async fn the_limit_plus_one_waits_for_the_window() {
        let rl = RateLimiter::new(&RateLimits::per_second(5));
        let t0 = tokio::time::Instant::now();
        for _ in 0..5 {
            rl.acquire(RateCategory::Light).await.unwrap();
        }
        assert_eq!(t0.elapsed(), Duration::ZERO);
        rl.acquire(RateCategory::Light).await.unwrap();
        assert!(t0.elapsed() >= Duration::from_secs(1), "{:?}", t0.elapsed());
    }

    #[tokio::test]
    async fn a_daily_limit_closes_the_category_and_fails_fast() {
        let rl = RateLimiter::new(&RateLimits::pro());
        rl.observe(
            RateCategory::Heavy,
            &RateSignal {
                limit_type: Some("Daily-limit".into()),
                status: 429,
                retry_after: Some(Duration::from_secs(3600)),
                ..Default::default()
            },
        );
        let e = rl.acquire(RateCategory::Heavy).await.unwrap_err();
        assert!(matches!(
            e,
            Error::RateLimited {
                limit_type: RateLimitType::Daily,
                ..
            }
        ));
        assert!(
            rl.acquire(RateCategory::Light).await.is_ok(),
            "other categories stay open"
        );
    }

    #[tokio::test]
    async fn a_qps_limit_header_replaces_the_configured_limit() {
        let rl = RateLimiter::new(&RateLimits::pro());
        rl.observe(
            RateCategory::Light,
            &RateSignal {
                limit_type: Some("QPS".into()),
                limit: Some(80),
                remaining: Some(79),
                status: 200,
                ..Default::default()
            },
        );
        assert_eq!(rl.buckets.lock().unwrap()[0].limit, 80);
        // A daily figure without a QPS type is not mistaken for a per-second limit.
        rl.observe(
            RateCategory::Light,
            &RateSignal {
                limit: Some(6000),
                remaining: Some(5000),
                status: 200,
                ..Default::default()
            },
        );
        assert_eq!(rl.buckets.lock().unwrap()[0].limit, 80);
    }
}

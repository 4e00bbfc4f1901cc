//! A rate budget shared by every instance of a backend: Zoom counts its limits per account,
//! across all the processes that call it, so N instances each spending the whole budget send N
//! times Zoom's rate and draw 429s. With `ZOOM_RATE_BUDGET=redis://HOST:PORT/DB` the limiter's
//! sliding windows (per account and category) live in Redis instead, and a daily limit one
//! instance hits closes that category for all of them until Zoom's reset.
//!
//! Each grant is one Lua script (a GCRA: requests spaced evenly, small bursts) run atomically on
//! the server, timed by the server's clock, so
//! instances on machines with skewed clocks still share one window. When Redis cannot be
//! reached the limiter falls back to its in-process windows (and logs a warning, once per
//! outage), tries Redis again after [`RETRY_AFTER_OUTAGE`], and counts the fallbacks in the
//! metrics (`shared_budget_fallbacks`): never an outage of the backend because of Redis.

use super::metrics::Metrics;
use super::RateCategory;
use crate::error::{Error, Result};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

/// The variable naming the shared budget (`redis://…` or `rediss://…`).
pub const BUDGET_ENV: &str = "ZOOM_RATE_BUDGET";

/// How long the limiter stays on its in-process windows after Redis failed.
pub const RETRY_AFTER_OUTAGE: Duration = Duration::from_secs(5);

/// How long one Redis round trip may take before the limiter falls back.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// `KEYS[1]` the category's theoretical arrival time (µs, GCRA), `KEYS[2]` the daily closure.
/// `ARGV`: limit, window µs. Requests are spaced `window / limit` apart with a burst of
/// `limit / 8`: a burst of a whole window's worth, sent at once by several processes, would
/// reach Zoom spread over hundreds of milliseconds and overlap the next window's. Returns 0
/// (granted), the wait in ms (> 0), or minus the closure's remaining ms (< 0).
const TAKE: &str = r"
local closed = redis.call('PTTL', KEYS[2])
if closed > 0 then return -closed end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local interval = tonumber(ARGV[2]) / limit
local burst = math.floor(limit / 8)
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allowed_at = tat - burst * interval
if now < allowed_at then
  return math.max(1, math.ceil((allowed_at - now) / 1000))
end
local next_tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000) + 1000)
return 0
";

/// `KEYS[1]` the closure; `ARGV[1]` its length in ms. Never shortens a longer closure.
const CLOSE: &str = r"
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 0
";

/// What the shared budget answered.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    /// Send now.
    Now,
    /// Ask again after this long.
    Wait(Duration),
    /// The category is closed by a daily limit for this long.
    Closed(Duration),
}

/// The shared budget in Redis.
pub(crate) struct RedisBudget {
    client: redis::Client,
    conn: OnceCell<redis::aio::ConnectionManager>,
    take: redis::Script,
    close: redis::Script,
    /// Where the in-process windows rule until (after a failure).
    down_until: Mutex<Option<Instant>>,
    metrics: Arc<Metrics>,
    prefix: String,
}

impl std::fmt::Debug for RedisBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBudget").finish_non_exhaustive()
    }
}

impl RedisBudget {
    /// A budget at `url` (checked now; connected on first use).
    pub(crate) fn new(url: &str, metrics: Arc<Metrics>) -> Result<Self> {
        if !(url.starts_with("redis://") || url.starts_with("rediss://")) {
            return Err(Error::config(
                BUDGET_ENV,
                "must be a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379/0)",
            ));
        }
        let client = redis::Client::open(url).map_err(|e| {
            Error::config(BUDGET_ENV, format!("is not a Redis URL ({:?})", e.kind()))
        })?;
        Ok(Self {
            client,
            conn: OnceCell::new(),
            take: redis::Script::new(TAKE),
            close: redis::Script::new(CLOSE),
            down_until: Mutex::new(None),
            metrics,
            prefix: "zoom_sdk:rate".into(),
        })
    }

    fn keys(&self, account: &str, category: RateCategory) -> (String, String) {
        let base = format!("{}:{account}:{}", self.prefix, category.as_str());
        (base.clone(), format!("{base}:closed"))
    }

    fn available(&self) -> bool {
        let mut down = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
        match *down {
            Some(until) if until > Instant::now() => false,
            Some(_) => {
                *down = None;
                true
            }
            None => true,
        }
    }

    /// One call went out on this process's own windows.
    pub(crate) fn note_fallback(&self) {
        self.metrics.record_budget_fallback();
    }

    fn failed(&self, what: &str, error: &str) {
        let mut down = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
        if down.is_none() {
            tracing::warn!(
                error = %error,
                "zoom.rate_budget: Redis {what} failed; using this process's own rate windows for {}s",
                RETRY_AFTER_OUTAGE.as_secs()
            );
        }
        *down = Some(Instant::now() + RETRY_AFTER_OUTAGE);
    }

    async fn connection(&self) -> std::result::Result<redis::aio::ConnectionManager, String> {
        let conn = tokio::time::timeout(
            REDIS_TIMEOUT * 4,
            self.conn.get_or_try_init(|| async {
                redis::aio::ConnectionManager::new(self.client.clone()).await
            }),
        )
        .await
        .map_err(|_| "connect timed out".to_string())?
        .map_err(|e| e.to_string())?;
        Ok(conn.clone())
    }

    /// Ask for room; `None` when Redis is unavailable (the caller uses its own windows).
    pub(crate) async fn take(
        &self,
        account: &str,
        category: RateCategory,
        limit: u32,
        window: Duration,
    ) -> Option<Grant> {
        if !self.available() {
            return None;
        }
        let (window_key, closed_key) = self.keys(account, category);
        let run = async {
            let mut conn = self.connection().await?;
            self.take
                .key(&window_key)
                .key(&closed_key)
                .arg(limit.max(1))
                .arg(window.as_micros().min(u128::from(u64::MAX)) as u64)
                .invoke_async::<i64>(&mut conn)
                .await
                .map_err(|e| e.to_string())
        };
        match tokio::time::timeout(REDIS_TIMEOUT, run).await {
            Ok(Ok(0)) => Some(Grant::Now),
            Ok(Ok(ms)) if ms > 0 => Some(Grant::Wait(Duration::from_millis(ms as u64))),
            Ok(Ok(ms)) => Some(Grant::Closed(Duration::from_millis(ms.unsigned_abs()))),
            Ok(Err(e)) => {
                self.failed("take", &e);
                None
            }
            Err(_) => {
                self.failed("take", "timed out");
                None
            }
        }
    }

    /// Close `category` of `account` for everyone for `length` (a daily limit).
    pub(crate) async fn close(&self, account: &str, category: RateCategory, length: Duration) {
        if !self.available() {
            return;
        }
        let (_, closed_key) = self.keys(account, category);
        let run = async {
            let mut conn = self.connection().await?;
            self.close
                .key(&closed_key)
                .arg(length.as_millis().clamp(1, u128::from(u64::MAX)) as u64)
                .invoke_async::<i64>(&mut conn)
                .await
                .map_err(|e| e.to_string())
        };
        match tokio::time::timeout(REDIS_TIMEOUT, run).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => self.failed("close", &e),
            Err(_) => self.failed("close", "timed out"),
        }
    }
}

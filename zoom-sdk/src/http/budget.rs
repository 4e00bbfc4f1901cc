//! A rate budget shared by every instance of a backend: Zoom counts its limits per account,
//! across all the processes that call it, so N instances each spending the whole budget send N
//! times Zoom's rate and draw 429s. With `ZOOM_RATE_BUDGET=redis://HOST:PORT/DB` (or
//! `postgres://…`, typically the token store's database) the limiter's windows (per account and
//! category) live there instead, and a daily limit one instance hits closes that category for
//! all of them until Zoom's reset.
//!
//! Each grant is a GCRA (requests spaced evenly, small bursts) computed atomically by the server
//! (a Lua script in Redis; one locked row in PostgreSQL, `zoom_sdk_rate_budget`), timed by the
//! server's clock, so
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

/// How long one round trip to the budget (Redis or PostgreSQL) may take before the limiter
/// falls back.
const ROUND_TRIP_TIMEOUT: Duration = Duration::from_millis(500);

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

/// Where the budget lives.
enum Store {
    Redis {
        client: Box<redis::Client>,
        conn: OnceCell<redis::aio::ConnectionManager>,
        take: redis::Script,
        close: redis::Script,
    },
    Postgres {
        url: String,
        pool: OnceCell<sqlx::PgPool>,
    },
}

/// The rate budget shared by every instance (in Redis or PostgreSQL).
pub(crate) struct SharedBudget {
    store: Store,
    /// Where the in-process windows rule until (after a failure).
    down_until: Mutex<Option<Instant>>,
    metrics: Arc<Metrics>,
    prefix: String,
}

impl std::fmt::Debug for SharedBudget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.store {
            Store::Redis { .. } => "redis",
            Store::Postgres { .. } => "postgres",
        };
        f.debug_struct("SharedBudget")
            .field("store", &kind)
            .finish_non_exhaustive()
    }
}

/// The PostgreSQL table: one row per account and category (GCRA state in µs of the server's
/// clock, and a daily closure).
const PG_TABLE: &str = "CREATE TABLE IF NOT EXISTS zoom_sdk_rate_budget (
    key TEXT PRIMARY KEY,
    tat_us BIGINT NOT NULL DEFAULT 0,
    closed_until_us BIGINT NOT NULL DEFAULT 0
)";

/// One grant, atomically: lock the row, read the server's clock, decide, write. Returns
/// (granted, wait µs, closed µs).
const PG_TAKE: &str = "WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint AS us),
cur AS (SELECT b.tat_us, b.closed_until_us, now.us FROM zoom_sdk_rate_budget b, now WHERE b.key = $1 FOR UPDATE OF b),
decision AS (
    SELECT us, closed_until_us,
           greatest(tat_us, us) AS tat,
           greatest(tat_us, us) - $3::bigint * $2::bigint AS allowed_at
    FROM cur
),
upd AS (
    UPDATE zoom_sdk_rate_budget SET tat_us = d.tat + $2::bigint
    FROM decision d
    WHERE key = $1 AND d.closed_until_us <= d.us AND d.allowed_at <= d.us
    RETURNING 1
)
SELECT (SELECT count(*) FROM upd) = 1 AS granted,
       greatest(d.allowed_at - d.us, 0) AS wait_us,
       greatest(d.closed_until_us - d.us, 0) AS closed_us
FROM decision d";

impl SharedBudget {
    /// A budget at `url` (`redis://`, `rediss://`, `postgres://` or `postgresql://`; checked
    /// now, connected on first use).
    pub(crate) fn new(url: &str, metrics: Arc<Metrics>) -> Result<Self> {
        let store = if url.starts_with("redis://") || url.starts_with("rediss://") {
            let client = redis::Client::open(url).map_err(|e| {
                Error::config(BUDGET_ENV, format!("is not a Redis URL ({:?})", e.kind()))
            })?;
            Store::Redis {
                client: Box::new(client),
                conn: OnceCell::new(),
                take: redis::Script::new(TAKE),
                close: redis::Script::new(CLOSE),
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::Postgres {
                url: url.to_string(),
                pool: OnceCell::new(),
            }
        } else {
            return Err(Error::config(
                BUDGET_ENV,
                "must be a redis://, rediss:// or postgres:// URL (e.g. redis://127.0.0.1:6379/0)",
            ));
        };
        Ok(Self {
            store,
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
                "zoom.rate_budget: the shared budget's {what} failed; using this process's own rate windows for {}s",
                RETRY_AFTER_OUTAGE.as_secs()
            );
        }
        *down = Some(Instant::now() + RETRY_AFTER_OUTAGE);
    }

    async fn redis(
        client: &redis::Client,
        conn: &OnceCell<redis::aio::ConnectionManager>,
    ) -> std::result::Result<redis::aio::ConnectionManager, String> {
        let conn = conn
            .get_or_try_init(|| async { redis::aio::ConnectionManager::new(client.clone()).await })
            .await
            .map_err(|e| e.to_string())?;
        Ok(conn.clone())
    }

    async fn pg(
        url: &str,
        pool: &OnceCell<sqlx::PgPool>,
    ) -> std::result::Result<sqlx::PgPool, String> {
        let pool = pool
            .get_or_try_init(|| async {
                let pool = sqlx::postgres::PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(ROUND_TRIP_TIMEOUT * 4)
                    .connect(url)
                    .await?;
                // Instances starting together would race on CREATE TABLE IF NOT EXISTS (a
                // unique violation in the catalog): one at a time, under an advisory lock.
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "SELECT pg_advisory_xact_lock(hashtextextended('zoom_sdk:rate_budget', 0))",
                )
                .execute(&mut *tx)
                .await?;
                sqlx::query(PG_TABLE).execute(&mut *tx).await?;
                tx.commit().await?;
                Ok::<_, sqlx::Error>(pool)
            })
            .await
            // sqlx's errors may repeat the URL; only the kind of failure is kept.
            .map_err(|e| {
                format!(
                    "PostgreSQL: {}",
                    e.as_database_error()
                        .map(|d| d.message().to_string())
                        .unwrap_or_else(|| "unreachable".into())
                )
            })?;
        Ok(pool.clone())
    }

    async fn take_once(
        &self,
        key: &str,
        closed_key: &str,
        limit: u32,
        window: Duration,
    ) -> std::result::Result<i64, String> {
        let window_us = window.as_micros().min(u128::from(u64::MAX / 2)) as i64;
        match &self.store {
            Store::Redis {
                client, conn, take, ..
            } => {
                let mut conn = Self::redis(client, conn).await?;
                take.key(key)
                    .key(closed_key)
                    .arg(limit.max(1))
                    .arg(window_us)
                    .invoke_async::<i64>(&mut conn)
                    .await
                    .map_err(|e| e.to_string())
            }
            Store::Postgres { url, pool } => {
                let pool = Self::pg(url, pool).await?;
                let limit = i64::from(limit.max(1));
                let interval = (window_us / limit).max(1);
                let burst = limit / 8;
                let mut tx = pool.begin().await.map_err(|e| e.to_string())?;
                sqlx::query("INSERT INTO zoom_sdk_rate_budget (key) VALUES ($1) ON CONFLICT (key) DO NOTHING")
                    .bind(key)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| e.to_string())?;
                let (granted, wait_us, closed_us): (bool, i64, i64) = sqlx::query_as(PG_TAKE)
                    .bind(key)
                    .bind(interval)
                    .bind(burst)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(|e| e.to_string())?;
                tx.commit().await.map_err(|e| e.to_string())?;
                Ok(if closed_us > 0 {
                    -(closed_us / 1000).max(1)
                } else if granted {
                    0
                } else {
                    (wait_us / 1000).max(1)
                })
            }
        }
    }

    /// Ask for room; `None` when the budget is unavailable (the caller uses its own windows).
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
        match tokio::time::timeout(
            ROUND_TRIP_TIMEOUT,
            self.take_once(&window_key, &closed_key, limit, window),
        )
        .await
        {
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
        let (window_key, closed_key) = self.keys(account, category);
        let ms = length.as_millis().clamp(1, u128::from(u64::MAX / 2000)) as i64;
        let run = async {
            match &self.store {
                Store::Redis {
                    client,
                    conn,
                    close,
                    ..
                } => {
                    let mut conn = Self::redis(client, conn).await?;
                    close
                        .key(&closed_key)
                        .arg(ms)
                        .invoke_async::<i64>(&mut conn)
                        .await
                        .map(|_| ())
                        .map_err(|e| e.to_string())
                }
                Store::Postgres { url, pool } => {
                    let pool = Self::pg(url, pool).await?;
                    sqlx::query(
                        "INSERT INTO zoom_sdk_rate_budget (key, closed_until_us) \
                         VALUES ($1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint + $2 * 1000) \
                         ON CONFLICT (key) DO UPDATE SET closed_until_us = greatest(zoom_sdk_rate_budget.closed_until_us, EXCLUDED.closed_until_us)",
                    )
                    .bind(&window_key)
                    .bind(ms)
                    .execute(&pool)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
                }
            }
        };
        match tokio::time::timeout(ROUND_TRIP_TIMEOUT, run).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.failed("close", &e),
            Err(_) => self.failed("close", "timed out"),
        }
    }
}

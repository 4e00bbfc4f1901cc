//! Retry as a pure policy: a decision is a plain function of the attempt number, the request's
//! idempotency and what happened. The HTTP pipeline only asks; this module never touches the
//! network, so every rule is unit-tested here.

use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Whether sending a request twice can do harm. Decided where the request is built: `GET`,
/// `PUT`, `PATCH` (Zoom's partial updates set fields to values) and `DELETE` are idempotent;
/// `POST` (create meeting, create webinar) is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Idempotency {
    /// Safe to send again.
    Idempotent,
    /// Zoom may act on it twice: only resent when Zoom certainly did not act on it.
    NonIdempotent,
}

/// What one attempt came to, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Outcome {
    /// A 2xx answer that decoded.
    Success,
    /// HTTP 401 with Zoom code 124: the access token is invalid or expired. Zoom did not act.
    TokenRejected,
    /// HTTP 429. Zoom did not act.
    RateLimited {
        /// `Retry-After`, when present and parseable.
        retry_after: Option<Duration>,
        /// `X-RateLimit-Type: Daily-limit`: no retry before the stated reset.
        daily: bool,
    },
    /// HTTP 5xx: Zoom may or may not have acted.
    ServerError,
    /// Any other 4xx (or a 401 that is not code 124): retrying cannot help.
    ClientError,
    /// The connection could not be made: nothing was sent.
    ConnectFailed,
    /// The connection broke or timed out after the request was sent: Zoom may have acted.
    Interrupted,
    /// A 2xx answer whose body could not be decoded.
    MalformedBody,
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Decision {
    /// Return the outcome to the caller.
    Stop,
    /// Send again after this delay.
    RetryAfter(Duration),
    /// Refresh the access token (once) and send again at once.
    RefreshAndRetry,
}

/// Exponential backoff with jitter for transient failures, `Retry-After` for rate limits, one
/// refresh for a rejected token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (refreshing a rejected token does not count).
    pub max_retries: u32,
    /// The first backoff delay; it doubles each attempt.
    #[serde(with = "millis")]
    pub base_delay: Duration,
    /// The largest backoff delay.
    #[serde(with = "millis")]
    pub max_delay: Duration,
    /// The longest `Retry-After` the SDK waits on its own; a longer one is returned as
    /// [`crate::Error::RateLimited`] for the caller to schedule.
    #[serde(with = "millis")]
    pub max_rate_limit_wait: Duration,
}

mod millis {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_rate_limit_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (refreshing a rejected token still happens once).
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Set the number of retries.
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Set the backoff delays.
    pub fn with_delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// The backoff before retry number `retry` (1-based), with `jitter` in `[0, 1)` spreading it
    /// over the upper half ("equal jitter"), so clients that failed together do not retry
    /// together.
    pub fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << retry.saturating_sub(1).min(20));
        let capped = exp.min(self.max_delay);
        let half = capped / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// Decide after attempt number `attempt` (1-based). `refreshed` tells whether the token was
    /// already refreshed for this call.
    pub fn decide(
        &self,
        attempt: u32,
        idempotency: Idempotency,
        outcome: Outcome,
        refreshed: bool,
        jitter: f64,
    ) -> Decision {
        let retries_left = attempt <= self.max_retries;
        let backoff = || Decision::RetryAfter(self.backoff(attempt, jitter));
        match outcome {
            Outcome::Success | Outcome::ClientError => Decision::Stop,
            Outcome::TokenRejected if !refreshed => Decision::RefreshAndRetry,
            Outcome::TokenRejected => Decision::Stop,
            Outcome::RateLimited { daily: true, .. } => Decision::Stop,
            Outcome::RateLimited { .. } if !retries_left => Decision::Stop,
            Outcome::RateLimited {
                retry_after: Some(wait),
                ..
            } => {
                if wait <= self.max_rate_limit_wait {
                    Decision::RetryAfter(wait)
                } else {
                    Decision::Stop
                }
            }
            Outcome::RateLimited {
                retry_after: None, ..
            } => backoff(),
            _ if !retries_left => Decision::Stop,
            Outcome::ConnectFailed => backoff(),
            Outcome::ServerError | Outcome::Interrupted | Outcome::MalformedBody => {
                match idempotency {
                    Idempotency::Idempotent => backoff(),
                    Idempotency::NonIdempotent => Decision::Stop,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Idempotency::*;

    const P: fn() -> RetryPolicy = RetryPolicy::default;

    #[test]
    fn get_on_5xx_backs_off_exponentially_until_retries_run_out() {
        let p = P();
        let d1 = p.decide(1, Idempotent, Outcome::ServerError, false, 0.0);
        let d2 = p.decide(2, Idempotent, Outcome::ServerError, false, 0.0);
        assert_eq!(d1, Decision::RetryAfter(Duration::from_millis(100)));
        assert_eq!(d2, Decision::RetryAfter(Duration::from_millis(200)));
        assert_eq!(
            p.decide(4, Idempotent, Outcome::ServerError, false, 0.0),
            Decision::Stop
        );
    }

    #[test]
    fn post_is_never_resent_after_it_may_have_reached_zoom() {
        let p = P();
        for o in [
            Outcome::ServerError,
            Outcome::Interrupted,
            Outcome::MalformedBody,
        ] {
            assert_eq!(
                p.decide(1, NonIdempotent, o, false, 0.5),
                Decision::Stop,
                "{o:?}"
            );
        }
    }

    #[test]
    fn post_is_resent_when_nothing_was_sent_or_zoom_refused_before_acting() {
        let p = P();
        assert!(matches!(
            p.decide(1, NonIdempotent, Outcome::ConnectFailed, false, 0.5),
            Decision::RetryAfter(_)
        ));
        assert_eq!(
            p.decide(1, NonIdempotent, Outcome::TokenRejected, false, 0.5),
            Decision::RefreshAndRetry
        );
        let rl = Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(1)),
            daily: false,
        };
        assert_eq!(
            p.decide(1, NonIdempotent, rl, false, 0.5),
            Decision::RetryAfter(Duration::from_secs(1))
        );
    }

    #[test]
    fn a_rejected_token_is_refreshed_only_once() {
        assert_eq!(
            P().decide(2, Idempotent, Outcome::TokenRejected, true, 0.0),
            Decision::Stop
        );
    }

    #[test]
    fn rate_limit_waits_exactly_retry_after_but_not_a_daily_limit_or_a_long_wait() {
        let p = P();
        let rl = |s, daily| Outcome::RateLimited {
            retry_after: Some(Duration::from_secs(s)),
            daily,
        };
        assert_eq!(
            p.decide(1, Idempotent, rl(3, false), false, 0.9),
            Decision::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            p.decide(1, Idempotent, rl(3, true), false, 0.9),
            Decision::Stop
        );
        assert_eq!(
            p.decide(1, Idempotent, rl(3600, false), false, 0.9),
            Decision::Stop
        );
    }

    #[test]
    fn client_errors_and_successes_stop() {
        assert_eq!(
            P().decide(1, Idempotent, Outcome::ClientError, false, 0.0),
            Decision::Stop
        );
        assert_eq!(
            P().decide(1, Idempotent, Outcome::Success, false, 0.0),
            Decision::Stop
        );
    }

    #[test]
    fn backoff_is_capped_and_jitter_stays_in_the_upper_half() {
        let p = P().with_delays(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(p.backoff(30, 0.0), Duration::from_millis(500));
        assert_eq!(p.backoff(30, 1.0), Duration::from_secs(1));
        let mid = p.backoff(2, 0.5);
        assert!(mid >= Duration::from_millis(100) && mid <= Duration::from_millis(200));
    }

    #[test]
    fn no_retries_policy_still_refreshes_once() {
        let p = RetryPolicy::none();
        assert_eq!(
            p.decide(1, Idempotent, Outcome::ServerError, false, 0.0),
            Decision::Stop
        );
        assert_eq!(
            p.decide(1, Idempotent, Outcome::TokenRejected, false, 0.0),
            Decision::RefreshAndRetry
        );
    }
}

//! Fault injection: what the emulator does wrong on purpose, switched on and off by tests.

use serde::{Deserialize, Serialize};

/// Faults applied to `/v2` API requests. Counters (`*_next`) are consumed one request at a time;
/// rates are probabilities drawn from the emulator's seeded generator, so a run is repeatable.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct FaultConfig {
    /// Added latency before every API answer, in milliseconds.
    pub latency_ms: u64,
    /// Fraction (0.0..=1.0) of API requests answered with HTTP 500.
    pub error_rate: f64,
    /// The next N API requests are answered with HTTP 503.
    pub fail_next: u32,
    /// Fraction of API requests whose connection is reset.
    pub reset_rate: f64,
    /// The next N API requests have their connection reset.
    pub reset_next: u32,
    /// When true a reset happens after the request was processed (the worst case for a POST:
    /// Zoom did the work, the client never hears of it). When false, before.
    pub reset_after_processing: bool,
    /// Fraction of API requests answered 200 with a truncated JSON body.
    pub malformed_rate: f64,
    /// The next N API requests are answered 200 with a truncated JSON body.
    pub malformed_next: u32,
    /// The next N API requests are answered 429 (per-second limit).
    pub rate_limit_next: u32,
    /// The `Retry-After` (seconds) of forced per-second 429s; 1 when zero.
    pub retry_after_secs: u64,
    /// The next N API requests are answered 429 with `X-RateLimit-Type: Daily-limit` and a
    /// `Retry-After` at the next UTC midnight.
    pub daily_limit_next: u32,
    /// Leave `x-zm-trackingid` out of API answers (a proxy that strips headers).
    pub omit_tracking_id: bool,
    /// Seconds added to the `Date` header of API answers (a server whose clock is off).
    pub clock_skew_secs: i64,
    /// Latency added to every `/oauth/token` answer, in milliseconds, after the grant was
    /// processed: a refresh token is already spent when the late answer leaves (the case of a
    /// caller that gives up while Zoom is still answering).
    pub token_latency_ms: u64,
    /// The next N recording downloads are cut (connection reset) after
    /// `download_reset_after_bytes` bytes of their body.
    pub download_reset_next: u32,
    /// Where a cut download stops, in bytes of its body.
    pub download_reset_after_bytes: u64,
    /// Seconds a rotated-out refresh token keeps working (answered with the same new pair it
    /// was replaced by), as some OAuth servers allow; 0: spent at once, as Zoom documents.
    pub refresh_grace_secs: u64,
    /// When set, faults apply only to requests whose route is exactly this, written as
    /// `"METHOD /template"`, e.g. `"POST /users/{userId}/meetings"`.
    pub only_route: Option<String>,
}

/// What the fault layer decided for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fault {
    None,
    ResetBefore,
    ResetAfter,
    ServerError(u16),
    RateLimited,
    DailyLimited,
    Malformed,
}

impl FaultConfig {
    /// Decide the fault for one request, consuming counters. `roll` draws a number in [0, 1).
    pub(crate) fn decide(&mut self, route: &str, mut roll: impl FnMut() -> f64) -> Fault {
        if let Some(only) = &self.only_route {
            if only != route {
                return Fault::None;
            }
        }
        let reset = if self.reset_after_processing {
            Fault::ResetAfter
        } else {
            Fault::ResetBefore
        };
        if take(&mut self.reset_next) || (self.reset_rate > 0.0 && roll() < self.reset_rate) {
            return reset;
        }
        if take(&mut self.fail_next) {
            return Fault::ServerError(503);
        }
        if self.error_rate > 0.0 && roll() < self.error_rate {
            return Fault::ServerError(500);
        }
        if take(&mut self.rate_limit_next) {
            return Fault::RateLimited;
        }
        if take(&mut self.daily_limit_next) {
            return Fault::DailyLimited;
        }
        if take(&mut self.malformed_next)
            || (self.malformed_rate > 0.0 && roll() < self.malformed_rate)
        {
            return Fault::Malformed;
        }
        Fault::None
    }
}

fn take(counter: &mut u32) -> bool {
    if *counter > 0 {
        *counter -= 1;
        true
    } else {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_consumed_one_request_at_a_time() {
        let mut f = FaultConfig {
            fail_next: 2,
            ..Default::default()
        };
        assert_eq!(f.decide("GET /users/me", || 0.5), Fault::ServerError(503));
        assert_eq!(f.decide("GET /users/me", || 0.5), Fault::ServerError(503));
        assert_eq!(f.decide("GET /users/me", || 0.5), Fault::None);
    }

    #[test]
    fn only_route_limits_faults_to_one_route() {
        let mut f = FaultConfig {
            reset_next: 1,
            reset_after_processing: true,
            only_route: Some("POST /users/{userId}/meetings".into()),
            ..Default::default()
        };
        assert_eq!(f.decide("GET /users/me", || 0.0), Fault::None);
        assert_eq!(
            f.decide("POST /users/{userId}/meetings", || 0.0),
            Fault::ResetAfter
        );
    }
}

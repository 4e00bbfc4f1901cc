//! Zoom-like rate limiting: a sliding window per account and category.

use crate::config::{RateCategory, RateLimitConfig};
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

pub(crate) struct RateLimiter {
    cfg: RateLimitConfig,
    windows: HashMap<(String, RateCategory), VecDeque<Instant>>,
}

impl RateLimiter {
    pub fn new(cfg: RateLimitConfig) -> Self {
        Self {
            cfg,
            windows: HashMap::new(),
        }
    }

    pub fn set_config(&mut self, cfg: RateLimitConfig) {
        self.cfg = cfg;
        self.windows.clear();
    }

    pub fn config(&self) -> &RateLimitConfig {
        &self.cfg
    }

    /// Admit one request at `now`: `Ok((limit, remaining))`, or `Err(retry_after_secs)`.
    pub fn check(
        &mut self,
        account: &str,
        category: RateCategory,
        now: Instant,
    ) -> Result<(u32, u32), u64> {
        let (limit, window) = self.cfg.limit_for(category);
        if !self.cfg.enabled {
            return Ok((limit, limit));
        }
        let log = self
            .windows
            .entry((account.to_string(), category))
            .or_default();
        while let Some(front) = log.front() {
            if now.duration_since(*front) >= window {
                log.pop_front();
            } else {
                break;
            }
        }
        if log.len() as u32 >= limit {
            let oldest = log.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        log.push_back(now);
        Ok((limit, limit - log.len() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_limit_plus_one_in_a_second_is_refused_then_admitted_after_the_window() {
        let mut rl = RateLimiter::new(RateLimitConfig::default());
        let t0 = Instant::now();
        for _ in 0..30 {
            assert!(rl.check("a", RateCategory::Light, t0).is_ok());
        }
        assert_eq!(rl.check("a", RateCategory::Light, t0), Err(1));
        // Another account and another category are counted apart.
        assert!(rl.check("b", RateCategory::Light, t0).is_ok());
        assert!(rl.check("a", RateCategory::Medium, t0).is_ok());
        assert!(rl
            .check("a", RateCategory::Light, t0 + Duration::from_millis(1000))
            .is_ok());
    }
}

//! Counters the pipeline keeps: requests, errors by kind, retries, refreshes, rate limits, and
//! latency per endpoint template. The health reports read a [`MetricsSnapshot`].

use super::retry::Outcome;
use crate::error::Error;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Live counters; cheap to update from many tasks.
#[derive(Debug, Default)]
pub struct Metrics {
    attempts: AtomicU64,
    calls: AtomicU64,
    retries: AtomicU64,
    refreshes: AtomicU64,
    early_refreshes: AtomicU64,
    rate_limited: AtomicU64,
    budget_fallbacks: AtomicU64,
    errors: Mutex<BTreeMap<&'static str, u64>>,
    latency: Mutex<BTreeMap<&'static str, LatencyWindow>>,
}

/// The last latencies of one endpoint (bounded ring).
#[derive(Debug, Default)]
struct LatencyWindow {
    samples: Vec<u32>,
    next: usize,
    count: u64,
}

const WINDOW: usize = 1024;

impl LatencyWindow {
    fn push(&mut self, micros: u32) {
        if self.samples.len() < WINDOW {
            self.samples.push(micros);
        } else {
            self.samples[self.next] = micros;
        }
        self.next = (self.next + 1) % WINDOW;
        self.count += 1;
    }

    fn percentiles(&self) -> EndpointLatency {
        let mut s = self.samples.clone();
        s.sort_unstable();
        let pick = |p: f64| -> f64 {
            if s.is_empty() {
                return 0.0;
            }
            let idx = ((s.len() as f64 - 1.0) * p).round() as usize;
            f64::from(s[idx.min(s.len() - 1)]) / 1000.0
        };
        EndpointLatency {
            count: self.count,
            p50_ms: pick(0.50),
            p95_ms: pick(0.95),
            p99_ms: pick(0.99),
        }
    }
}

/// Latency of one endpoint template over the last calls.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct EndpointLatency {
    /// Attempts measured in total.
    pub count: u64,
    /// Median, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile, milliseconds.
    pub p95_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
}

/// A copy of the counters at one moment.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// HTTP attempts sent.
    pub attempts: u64,
    /// Calls completed (after retries).
    pub calls: u64,
    /// Retries made.
    pub retries: u64,
    /// Token refreshes and Server-to-Server token fetches performed.
    pub refreshes: u64,
    /// Of those, the ones made while the previous token was still fresh (forced, or after
    /// Zoom rejected a token early). The SDK never does this on its own initiative.
    pub early_refreshes: u64,
    /// 429 answers seen.
    pub rate_limited: u64,
    /// Calls that used this process's own rate windows because the shared budget
    /// (`ZOOM_RATE_BUDGET`) could not be reached.
    pub shared_budget_fallbacks: u64,
    /// Failed calls by error kind.
    pub errors: BTreeMap<String, u64>,
    /// Latency per endpoint template.
    pub latency: BTreeMap<String, EndpointLatency>,
}

impl Metrics {
    pub(crate) fn record_attempt(
        &self,
        template: &'static str,
        outcome: &Outcome,
        latency: Duration,
    ) {
        self.attempts.fetch_add(1, Ordering::Relaxed);
        if matches!(outcome, Outcome::RateLimited { .. }) {
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        let micros = latency.as_micros().min(u128::from(u32::MAX)) as u32;
        if let Ok(mut l) = self.latency.lock() {
            l.entry(template).or_default().push(micros);
        }
    }

    pub(crate) fn record_call(
        &self,
        _template: &'static str,
        error: Option<&Error>,
        _total: Duration,
    ) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        if let Some(e) = error {
            if let Ok(mut m) = self.errors.lock() {
                *m.entry(e.kind().name()).or_default() += 1;
            }
        }
    }

    pub(crate) fn record_budget_fallback(&self) {
        self.budget_fallbacks.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_retry(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_refresh(&self, early: bool) {
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        if early {
            self.early_refreshes.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A consistent copy of the counters, taken without blocking the calls that update them
    /// for longer than the copy.
    pub fn snapshot(&self) -> MetricsSnapshot {
        MetricsSnapshot {
            attempts: self.attempts.load(Ordering::Relaxed),
            calls: self.calls.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            refreshes: self.refreshes.load(Ordering::Relaxed),
            early_refreshes: self.early_refreshes.load(Ordering::Relaxed),
            rate_limited: self.rate_limited.load(Ordering::Relaxed),
            shared_budget_fallbacks: self.budget_fallbacks.load(Ordering::Relaxed),
            errors: self
                .errors
                .lock()
                .map(|m| m.iter().map(|(k, v)| (k.to_string(), *v)).collect())
                .unwrap_or_default(),
            latency: self
                .latency
                .lock()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| (k.to_string(), v.percentiles()))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_recorded_window() {
        let m = Metrics::default();
        for ms in 1..=100u64 {
            m.record_attempt(
                "/users/{userId}",
                &Outcome::Success,
                Duration::from_millis(ms),
            );
        }
        let s = m.snapshot();
        let l = &s.latency["/users/{userId}"];
        assert_eq!(l.count, 100);
        assert!(
            (l.p50_ms - 50.0).abs() <= 1.0 && (l.p99_ms - 99.0).abs() <= 1.0,
            "{l:?}"
        );
    }
}

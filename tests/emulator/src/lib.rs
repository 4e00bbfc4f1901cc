//! # zoom-emulator
//!
//! A stateful, in-memory stand-in for Zoom's OAuth server and REST API, for tests and
//! benchmarks. It follows Zoom's published contract wherever the SDK touches it: OAuth paths and
//! bodies (with rotating refresh tokens and PKCE), `/v2` paths, status codes, `{"code",
//! "message"}` error bodies, `next_page_token` pagination and rate-limit headers. Faults (latency,
//! 5xx, connection resets, malformed JSON, 429s, expired tokens) can be switched on and off.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use zoom_emulator::{Emulator, EmulatorConfig};
//! let emu = Emulator::start(EmulatorConfig::default()).await?;
//! println!("Zoom API at {}", emu.api_base_url());
//! # Ok(()) }
//! ```
//!
//! Where the emulator has to choose something Zoom does not document (the exact wording of some
//! OAuth errors, the answer to a recordings range over a month), it chooses the strict answer,
//! so an SDK that passes here does not depend on Zoom being lenient.

mod api;
mod api_more;
mod config;
mod control;
mod download;
mod faults;
mod oauth;
mod ratelimit;
mod records;
mod seed;
mod server;
mod state;
mod zoom_error;

pub use config::{EmulatorConfig, RateCategory, RateLimitConfig, SeedConfig};
pub use download::{file_bytes, file_digest};
pub use faults::FaultConfig;
pub use state::{RequestRecord, Stats};

use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, Notify};

/// Shared state behind every handler.
pub(crate) struct Shared {
    state: Mutex<state::State>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, state::State> {
        // A handler never panics while holding the lock; recover the data if one ever did.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Lets a handler close its own connection without answering (injected resets).
#[derive(Clone, Default)]
pub(crate) struct ConnKill(pub(crate) Arc<Notify>);

/// A seeded user, as tests need to know it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SeedUser {
    /// Zoom user id.
    pub id: String,
    /// Email address.
    pub email: String,
    /// Whether the user has the webinar plan.
    pub webinar_plan: bool,
}

/// A running emulator. It stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
}

fn router(shared: Arc<Shared>) -> Router {
    let v2 = Router::new()
        .route("/users", get(api_more::users_list))
        .route("/users/{userId}", get(api::user_get))
        .route(
            "/meetings/{meetingId}/invitation",
            get(api_more::meeting_invitation),
        )
        .route(
            "/meetings/{meetingId}/status",
            axum::routing::put(api_more::meeting_status),
        )
        .route(
            "/past_meetings/{meetingId}/instances",
            get(api_more::past_instances),
        )
        .route(
            "/past_meetings/{meetingId}/participants",
            get(api_more::past_participants),
        )
        .route(
            "/webinars/{webinarId}",
            get(api_more::webinar_get)
                .patch(api_more::webinar_update)
                .delete(api_more::webinar_delete),
        )
        .route(
            "/meetings/{meetingId}/recordings/{recordingId}",
            axum::routing::delete(api_more::recording_file_delete),
        )
        .route(
            "/users/{userId}/meetings",
            get(api::meetings_list).post(api::meetings_create),
        )
        .route(
            "/meetings/{meetingId}",
            get(api::meeting_get)
                .patch(api::meeting_update)
                .delete(api::meeting_delete),
        )
        .route("/users/{userId}/recordings", get(api::recordings_list))
        .route(
            "/meetings/{meetingId}/recordings",
            get(api::meeting_recordings).delete(api_more::recordings_delete),
        )
        .route(
            "/users/{userId}/webinars",
            get(api::webinars_list).post(api::webinar_create),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            api::api_layer,
        ));
    Router::new()
        .nest("/v2", v2)
        .route("/rec/download/{fileId}", get(download::download))
        .route(
            "/oauth/authorize",
            get(oauth::authorize).post(oauth::decide),
        )
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/revoke", post(oauth::revoke))
        .route("/_emulator", get(control::index))
        .route(
            "/_emulator/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route("/_emulator/recordings", post(control::add_recording))
        .route("/_emulator/stats", get(control::stats))
        .route("/_emulator/stats/reset", post(control::reset_stats))
        .route(
            "/_emulator/faults",
            axum::routing::put(control::set_faults).delete(control::clear_faults),
        )
        .route(
            "/_emulator/rate-limits",
            axum::routing::put(control::set_rate_limits),
        )
        .route("/_emulator/expire-tokens", post(control::expire_tokens))
        .route("/_emulator/users", get(control::users))
        .route("/_emulator/config", get(control::config))
        .with_state(shared)
}

impl Emulator {
    /// Start on 127.0.0.1 with an OS-chosen port, in the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Start on a given address, in the current tokio runtime.
    pub async fn bind(addr: SocketAddr, config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            state: Mutex::new(state::State::new(config, format!("http://{addr}"))),
        });
        let (tx, rx) = oneshot::channel();
        tokio::spawn(server::serve(listener, router(shared.clone()), rx));
        Ok(Self {
            addr,
            shared,
            shutdown: Some(tx),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the OAuth base URL (`/oauth/...` lives under it).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The OAuth base URL (same as [`Emulator::base_url`]).
    pub fn oauth_base_url(&self) -> String {
        self.base_url()
    }

    /// The REST API base URL: `http://127.0.0.1:PORT/v2`.
    pub fn api_base_url(&self) -> String {
        format!("http://{}/v2", self.addr)
    }

    /// A copy of the configuration the emulator runs with.
    pub fn config(&self) -> EmulatorConfig {
        self.shared.lock().cfg.clone()
    }

    /// The seeded users, account owner first.
    pub fn users(&self) -> Vec<SeedUser> {
        self.shared
            .lock()
            .users
            .iter()
            .map(|u| SeedUser {
                id: u.id().to_string(),
                email: u.email().to_string(),
                webinar_plan: u.webinar_plan,
            })
            .collect()
    }

    /// Replace the fault switches.
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.lock().faults = faults;
    }

    /// Switch every fault off.
    pub fn clear_faults(&self) {
        self.set_faults(FaultConfig::default());
    }

    /// Replace the rate limits (and forget the requests counted so far).
    pub fn set_rate_limits(&self, limits: RateLimitConfig) {
        self.shared.lock().limiter.set_config(limits);
    }

    /// Make every access token (or one user's, by Zoom user id) expired now. Returns how many.
    pub fn expire_access_tokens(&self, user_id: Option<&str>) -> usize {
        self.shared.lock().expire_access_tokens(user_id)
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    /// Zero the counters.
    pub fn reset_stats(&self) {
        self.shared.lock().stats = Stats::default();
    }

    /// Add a cloud recording of `file_size` bytes (one MP4 file) to user `user_id`'s, dated
    /// now. Returns the recording as `GET /meetings/{meetingId}/recordings` would.
    pub fn add_recording(&self, user_id: &str, file_size: u64) -> serde_json::Value {
        let mut st = self.shared.lock();
        let rec = seed::single_file_recording(&mut st, user_id, file_size);
        st.recordings
            .entry(user_id.to_string())
            .or_default()
            .insert(0, rec.clone());
        serde_json::Value::Object(rec)
    }

    /// Whether a refresh token is still usable (not rotated out or revoked).
    pub fn refresh_token_is_valid(&self, refresh_token: &str) -> bool {
        self.shared
            .lock()
            .refresh
            .get(refresh_token)
            .is_some_and(|g| g.valid)
    }

    /// Start (or restart) recording every `/v2` exchange, bodies included.
    pub fn record_requests(&self) {
        self.shared.lock().recorded = Some(Vec::new());
    }

    /// The exchanges recorded since [`Emulator::record_requests`].
    pub fn recorded_requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().recorded.clone().unwrap_or_default()
    }

    /// Number of meetings a user hosts.
    pub fn meeting_count(&self, user_id: &str) -> usize {
        self.shared
            .lock()
            .meetings_by_host
            .get(user_id)
            .map_or(0, Vec::len)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

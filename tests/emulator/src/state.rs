//! The emulator's in-memory state: the account's users, meetings, recordings and webinars, the
//! OAuth grants it issued, the fault switches and the counters tests read.

use crate::config::{EmulatorConfig, RateCategory};
use crate::faults::FaultConfig;
use crate::ratelimit::RateLimiter;
use crate::zoom_error::ZoomError;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// Counters that tests and benchmarks read to see what reached "Zoom".
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Stats {
    /// Every `POST /oauth/token`.
    pub token_requests: u64,
    /// Successful `authorization_code` grants.
    pub authorization_code_grants: u64,
    /// Refused `authorization_code` grants (bad code, redirect URI or PKCE verifier).
    pub authorization_code_failures: u64,
    /// Authorize clicks on the consent page (`--consent`).
    pub consents_approved: u64,
    /// Deny clicks on the consent page.
    pub consents_denied: u64,
    /// Successful `refresh_token` grants.
    pub refresh_grants: u64,
    /// Rotated-out refresh tokens presented within the grace period (answered with the pair
    /// that replaced them).
    pub refresh_grace_reuses: u64,
    /// Refused `refresh_token` grants (unknown, rotated-out or revoked refresh token).
    pub refresh_failures: u64,
    /// Successful `account_credentials` grants.
    pub account_credentials_grants: u64,
    /// `POST /oauth/revoke` calls.
    pub revocations: u64,
    /// Every request under `/v2`, faulted ones included.
    pub api_requests: u64,
    /// `/v2` requests by route, keyed `"METHOD /template"`.
    pub api_requests_by_route: BTreeMap<String, u64>,
    /// 401 answers under `/v2`.
    pub unauthorized: u64,
    /// 429 answers (limiter and forced).
    pub rate_limited: u64,
    /// Injected 5xx answers.
    pub injected_errors: u64,
    /// Injected connection resets.
    pub injected_resets: u64,
    /// Injected malformed bodies.
    pub injected_malformed: u64,
    /// Recording file downloads started (`GET /rec/download/...`), ranged ones included.
    pub downloads: u64,
    /// Downloads that asked for a byte range (resumptions).
    pub ranged_downloads: u64,
    /// Bytes of recording files sent.
    pub download_bytes: u64,
}

/// One `/v2` exchange, as recorded for contract tests and `/_emulator/requests`.
#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct RequestRecord {
    /// HTTP method.
    pub method: String,
    /// Route template, e.g. `/users/{userId}/meetings`.
    pub route: String,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// Query parameters, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The JSON body sent, if any (`Value::Null` when the body was not JSON).
    pub body: Option<serde_json::Value>,
    /// The answer's status.
    pub status: u16,
    /// The answer's JSON body, if any.
    pub response: Option<serde_json::Value>,
}

/// Who a valid access token belongs to.
#[derive(Clone, Debug)]
pub(crate) struct Caller {
    /// Zoom user id, for user tokens; the account owner for account tokens.
    pub user_id: String,
    pub account_id: String,
    /// Server-to-Server tokens may act for any user of the account.
    pub account_level: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct AccessGrant {
    pub caller: Caller,
    pub expires_at: Instant,
    pub revoked: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct RefreshGrant {
    pub user_id: String,
    pub valid: bool,
    /// After rotation: the answer that replaced it, and when (for the grace period).
    pub successor: Option<(Value, Instant)>,
}

#[derive(Clone, Debug)]
pub(crate) struct AuthCode {
    pub user_id: String,
    pub redirect_uri: String,
    pub challenge: Option<(String, String)>,
    pub expires_at: Instant,
}

#[derive(Clone, Debug)]
pub(crate) struct UserRec {
    pub json: Map<String, Value>,
    pub webinar_plan: bool,
}

impl UserRec {
    pub fn id(&self) -> &str {
        self.json.get("id").and_then(Value::as_str).unwrap_or("")
    }
    pub fn email(&self) -> &str {
        self.json.get("email").and_then(Value::as_str).unwrap_or("")
    }
}

#[derive(Clone, Debug)]
pub(crate) struct MeetingRec {
    pub host_id: String,
    pub start_time: Option<DateTime<Utc>>,
    pub json: Map<String, Value>,
}

#[derive(Clone, Debug)]
pub(crate) struct PageCursor {
    pub scope: String,
    pub offset: usize,
    pub expires_at: Instant,
}

pub(crate) struct State {
    pub cfg: EmulatorConfig,
    pub rng: StdRng,
    pub users: Vec<UserRec>,
    pub meetings: HashMap<u64, MeetingRec>,
    pub meetings_by_host: HashMap<String, Vec<u64>>,
    /// Recorded meetings per host, newest first.
    pub recordings: HashMap<String, Vec<Map<String, Value>>>,
    pub webinars: HashMap<String, Vec<Map<String, Value>>>,
    pub codes: HashMap<String, AuthCode>,
    pub access: HashMap<String, AccessGrant>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub cursors: HashMap<String, PageCursor>,
    pub faults: FaultConfig,
    pub limiter: RateLimiter,
    pub stats: Stats,
    pub base_url: String,
    pub recorded: Option<Vec<RequestRecord>>,
}

/// Zoom's timestamp format: RFC 3339 in UTC, whole seconds, `Z`.
pub(crate) fn zoom_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl State {
    pub fn new(cfg: EmulatorConfig, base_url: String) -> Self {
        let rng = StdRng::seed_from_u64(cfg.seed.seed);
        let limiter = RateLimiter::new(cfg.rate_limits.clone());
        let (cfg_faults, log) = (cfg.faults.clone(), cfg.request_log);
        let mut state = Self {
            cfg,
            rng,
            users: Vec::new(),
            meetings: HashMap::new(),
            meetings_by_host: HashMap::new(),
            recordings: HashMap::new(),
            webinars: HashMap::new(),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            cursors: HashMap::new(),
            faults: cfg_faults,
            limiter,
            stats: Stats::default(),
            base_url,
            recorded: log.then(Vec::new),
        };
        crate::seed::generate(&mut state);
        state
    }

    /// A random URL-safe token of `n` bytes of entropy.
    pub fn random_token(&mut self, prefix: &str, n: usize) -> String {
        let bytes: Vec<u8> = (0..n).map(|_| self.rng.random()).collect();
        format!(
            "{prefix}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )
    }

    /// A Zoom-style meeting UUID: base64 of 16 random bytes (it can contain `/` and `+`).
    pub fn random_uuid(&mut self) -> String {
        let bytes: [u8; 16] = self.rng.random();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// A fresh, unused meeting number (11 digits).
    pub fn new_meeting_id(&mut self) -> u64 {
        loop {
            let id = self.rng.random_range(10_000_000_000u64..99_999_999_999u64);
            if !self.meetings.contains_key(&id) {
                return id;
            }
        }
    }

    pub fn user_index(&self, id_or_email: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.id() == id_or_email || u.email().eq_ignore_ascii_case(id_or_email))
    }

    /// Resolve a `{userId}` path segment for a caller: `me`, an id or an email. A user-level
    /// token may only act for its own user.
    pub fn resolve_user(&self, caller: &Caller, user: &str) -> Result<usize, ZoomError> {
        let target = if user == "me" {
            caller.user_id.as_str()
        } else {
            user
        };
        let idx = self
            .user_index(target)
            .ok_or_else(|| ZoomError::new(404, 1001, format!("User does not exist: {user}.")))?;
        if !caller.account_level && self.users[idx].id() != caller.user_id {
            return Err(ZoomError::new(400, 200, "No permission."));
        }
        Ok(idx)
    }

    /// Issue an access token (and for user grants a refresh token).
    pub fn issue_tokens(&mut self, caller: Caller, with_refresh: bool) -> Value {
        let access = self.random_token("emu_at_", 32);
        let ttl = self.cfg.access_token_ttl();
        let user_id = caller.user_id.clone();
        self.access.insert(
            access.clone(),
            AccessGrant {
                caller,
                expires_at: Instant::now() + ttl,
                revoked: false,
            },
        );
        let mut body = serde_json::json!({
            "access_token": access,
            "token_type": "bearer",
            "expires_in": ttl.as_secs(),
            "scope": self.cfg.scopes.join(" "),
            "api_url": self.base_url,
        });
        if with_refresh {
            let refresh = self.random_token("emu_rt_", 32);
            self.refresh.insert(
                refresh.clone(),
                RefreshGrant {
                    user_id,
                    valid: true,
                    successor: None,
                },
            );
            body["refresh_token"] = Value::String(refresh);
        }
        body
    }

    /// Check a bearer token; Zoom answers 401 with code 124 for a missing, invalid, expired or
    /// revoked one.
    pub fn authenticate(&mut self, bearer: Option<&str>) -> Result<Caller, ZoomError> {
        let Some(token) = bearer else {
            return Err(ZoomError::new(401, 124, "Requires an access token."));
        };
        match self.access.get(token) {
            None => Err(ZoomError::new(401, 124, "Invalid access token.")),
            Some(g) if g.revoked => Err(ZoomError::new(401, 124, "Invalid access token.")),
            Some(g) if g.expires_at <= Instant::now() => {
                Err(ZoomError::new(401, 124, "Access token is expired."))
            }
            Some(g) => Ok(g.caller.clone()),
        }
    }

    /// Make every access token (or one user's) expired now.
    pub fn expire_access_tokens(&mut self, user: Option<&str>) -> usize {
        let past = Instant::now()
            .checked_sub(Duration::from_secs(1))
            .unwrap_or_else(Instant::now);
        let mut n = 0;
        for g in self.access.values_mut() {
            let hit = match user {
                None => true,
                Some(u) => g.caller.user_id == u,
            };
            if hit && g.expires_at > past {
                g.expires_at = past;
                n += 1;
            }
        }
        n
    }

    /// Revoke every token of a user (Zoom revokes the app's authorization).
    pub fn revoke_user(&mut self, user_id: &str) {
        for g in self.access.values_mut() {
            if g.caller.user_id == user_id && !g.caller.account_level {
                g.revoked = true;
            }
        }
        for r in self.refresh.values_mut() {
            if r.user_id == user_id {
                r.valid = false;
            }
        }
    }

    /// Cut one page out of `total` items for a listing identified by `scope`, following Zoom's
    /// `page_size` and `next_page_token` rules. Returns (offset, page_size, next_page_token).
    /// One page of `items` for a list request's `page_size` and `next_page_token`: the items,
    /// the page size applied, the next token (empty on the last page) and the total. Every list
    /// handler pages through this.
    pub fn page_of<T: Clone>(
        &mut self,
        scope: &str,
        items: &[T],
        q: &std::collections::HashMap<String, String>,
    ) -> Result<(Vec<T>, usize, String, usize), ZoomError> {
        let (offset, size, next) = self.page(
            scope,
            items.len(),
            q.get("page_size").map(String::as_str),
            q.get("next_page_token").map(String::as_str),
        )?;
        let end = (offset + size).min(items.len());
        let page = items
            .get(offset..end)
            .map(<[T]>::to_vec)
            .unwrap_or_default();
        Ok((page, size, next, items.len()))
    }

    pub fn page(
        &mut self,
        scope: &str,
        total: usize,
        page_size: Option<&str>,
        token: Option<&str>,
    ) -> Result<(usize, usize, String), ZoomError> {
        let size = match page_size {
            None | Some("") => 30,
            Some(s) => s
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| ZoomError::validation("page_size", "Invalid field."))?
                .min(300),
        };
        let now = Instant::now();
        let offset = match token {
            None | Some("") => 0,
            Some(t) => match self.cursors.get(t) {
                Some(c) if c.scope == scope && c.expires_at > now => c.offset,
                _ => {
                    return Err(ZoomError::new(
                        400,
                        300,
                        "The next page token is invalid or expired.",
                    ))
                }
            },
        };
        let next = offset + size;
        let next_token = if next < total {
            if self.cursors.len() > 10_000 {
                self.cursors.retain(|_, c| c.expires_at > now);
            }
            let t = self.random_token("", 24);
            self.cursors.insert(
                t.clone(),
                PageCursor {
                    scope: scope.to_string(),
                    offset: next,
                    expires_at: now + Duration::from_secs(15 * 60),
                },
            );
            t
        } else {
            String::new()
        };
        Ok((offset.min(total), size, next_token))
    }

    /// Apply the limiter to an authenticated request.
    pub fn check_rate(&mut self, account: &str, category: RateCategory) -> Result<(u32, u32), u64> {
        self.limiter.check(account, category, Instant::now())
    }
}

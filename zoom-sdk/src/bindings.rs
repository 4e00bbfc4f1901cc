//! What the C ABI (`zoom-ffi`) and the Python module (`zoom-py`) share, so that neither decodes
//! options, builds clients or dispatches skills on its own: a [`Service`] (client, integration
//! and the variables it was built from) made from `ZOOM_*`-style variables, and
//! [`Service::call`], every SDK operation by name with JSON arguments and a JSON answer.
//!
//! This module is not in the project plan's list; it exists because two bindings needed the
//! same glue, and glue kept twice drifts. Rust callers use the typed API instead.
//!
//! ```no_run
//! # async fn demo() -> zoom_sdk::Result<()> {
//! use zoom_sdk::bindings::Service;
//! let service = Service::from_vars(Service::vars_from_env()).await?;
//! let page = service
//!     .call("meetings.list", serde_json::json!({"user_id": "alice"}), None)
//!     .await?;
//! println!("{page}");
//! # Ok(()) }
//! ```

use crate::api::{
    DeleteMeetingOptions, DeleteWebinarOptions, DownloadAuth, ListMeetings, ListRecordings,
    ListUsers, ListWebinars, MeetingRef, RawRequest, RecordingDeleteAction,
};
use crate::config::ENV_VARIABLES;
use crate::error::{Error, Result};
use crate::health::HealthMonitor;
use crate::integration::{Integration, ItemKind, LocalIndex, OnBusy, SearchFilters, SyncOptions};
use crate::models::{CreateMeeting, CreateWebinar, UpdateMeeting, UpdateWebinar};
use crate::oauth::PendingAuthorization;
use crate::skills::{ListMeetingsOptions, RecordingRange, ScheduleMeeting, Skills};
use crate::store::FERNET_KEY_ENV;
use crate::store::{LegacyOptions, StoreSpec, TokenEncryption};
use crate::webhooks::{WebhookDispatcher, WebhookEvent, WebhookRequest, WebhookVerifier};
use crate::{TokenKey, ZoomClient, ZoomConfig, ZoomSession};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Receives progress as JSON: `{"kind", "done", "total", "step", "steps"}` during a sync,
/// `{"downloaded", "total"}` during a download. Called on a library thread.
pub type ProgressSink = Arc<dyn Fn(Value) + Send + Sync>;

/// Every operation [`Service::call`] knows, for documentation and for the bindings' tests.
pub const OPERATIONS: &[&str] = &[
    "request",
    "users.me",
    "users.get",
    "users.list",
    "meetings.list",
    "meetings.get",
    "meetings.create",
    "meetings.update",
    "meetings.delete",
    "meetings.invitation",
    "webinars.list",
    "webinars.get",
    "webinars.create",
    "webinars.update",
    "webinars.delete",
    "recordings.list",
    "recordings.get",
    "recordings.delete",
    "recordings.download",
    "oauth.authorization_url",
    "oauth.complete",
    "tokens.refresh",
    "tokens.status",
    "disconnect",
    "integration.add",
    "integration.complete",
    "integration.status",
    "integration.sync",
    "integration.search",
    "integration.forget",
    "skills.list_meetings",
    "skills.create_meeting",
    "skills.schedule_meeting",
    "skills.get_recordings",
    "skills.get_user_profile",
    "health",
    "readiness",
    "service_descriptor",
    "metrics",
    "config",
];

/// A client, its integration (index included) and the variables it was built from. Clone it
/// freely.
#[derive(Clone, Debug)]
pub struct Service {
    client: ZoomClient,
    integration: Integration,
    /// The variables the client was built from (for the readiness suite); never shown.
    vars: Arc<BTreeMap<String, String>>,
}

/// How to call the SDK: a user (by the application's id) or the account (Server-to-Server).
#[derive(Deserialize)]
struct Who {
    #[serde(default)]
    user_id: Option<String>,
}

impl Service {
    /// The variables the SDK reads ([`ENV_VARIABLES`] and the backend's legacy `ENCRYPTION_KEY`)
    /// that are set in the process environment.
    pub fn vars_from_env() -> BTreeMap<String, String> {
        ENV_VARIABLES
            .iter()
            .chain([&FERNET_KEY_ENV])
            .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_string(), v)))
            .collect()
    }

    /// Variables from a JSON object whose keys are the `ZOOM_*` names in lower case without
    /// `ZOOM_` (`{"client_id": "..", "token_store": "sqlite:zoom.db"}`). Strings, numbers,
    /// booleans (`"1"`/`"0"`) and lists of strings (joined with spaces, as scopes are) are
    /// accepted; `null` leaves a variable unset; an unknown key is an error naming the key.
    /// `encryption_key` is the backend's legacy Fernet key (`ENCRYPTION_KEY`).
    pub fn vars_from_json(map: &Map<String, Value>) -> Result<BTreeMap<String, String>> {
        let mut vars = BTreeMap::new();
        Self::apply_json(&mut vars, map)?;
        Ok(vars)
    }

    /// Lay the settings of `map` (named as for [`Service::vars_from_json`]) over `vars`, such
    /// as [`Service::vars_from_env`]'s; `null` removes a variable.
    pub fn apply_json(vars: &mut BTreeMap<String, String>, map: &Map<String, Value>) -> Result<()> {
        for (k, v) in map {
            let upper = k.to_ascii_uppercase();
            let name = if upper == FERNET_KEY_ENV {
                upper
            } else {
                format!("ZOOM_{upper}")
            };
            if name != FERNET_KEY_ENV && !ENV_VARIABLES.contains(&name.as_str()) {
                return Err(Error::invalid(
                    k.as_str(),
                    "unknown setting (settings are the ZOOM_* variables' names in lower case, without ZOOM_)",
                ));
            }
            let value = match v {
                Value::Null => {
                    vars.remove(&name);
                    continue;
                }
                Value::String(s) => s.clone(),
                Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
                Value::Number(n) => n.to_string(),
                Value::Array(a) => a
                    .iter()
                    .map(|s| {
                        s.as_str()
                            .ok_or_else(|| Error::invalid(k.as_str(), "must be a list of strings"))
                    })
                    .collect::<Result<Vec<_>>>()?
                    .join(" "),
                Value::Object(_) => {
                    return Err(Error::invalid(k.as_str(), "must be a string or a number"))
                }
            };
            vars.insert(name, value);
        }
        Ok(())
    }

    /// Build the client, its token store (encryption and legacy-table options from the same
    /// variables) and its index from `vars`; nothing is sent to Zoom.
    pub async fn from_vars(vars: BTreeMap<String, String>) -> Result<Self> {
        let vars = Arc::new(vars);
        let lookup = {
            let vars = vars.clone();
            move |k: &str| vars.get(k).cloned()
        };
        let config = ZoomConfig::from_lookup(lookup.clone())?;
        let spec = StoreSpec::from_lookup(lookup.clone())?;
        let l = lookup.clone();
        let store = spec
            .open(
                move || TokenEncryption::from_lookup(l),
                LegacyOptions::from_lookup(lookup.clone()),
            )
            .await?;
        let client = ZoomClient::builder(config)
            .token_store(store.clone())
            .build()?;
        let index = LocalIndex::from_lookup(store.as_ref(), lookup).await?;
        let integration = Integration::new(client.clone()).with_index(index);
        Ok(Self {
            client,
            integration,
            vars,
        })
    }

    /// The client.
    pub fn client(&self) -> &ZoomClient {
        &self.client
    }

    /// The integration (connect, status, sync, search) over the client and its index.
    pub fn integration(&self) -> &Integration {
        &self.integration
    }

    /// The names of the variables the service was built from (values are not shown: some are
    /// secrets).
    pub fn var_names(&self) -> Vec<&str> {
        self.vars.keys().map(String::as_str).collect()
    }

    /// The session of `user_id` (an application user), or the account's (Server-to-Server)
    /// when `None`.
    pub fn session(&self, user_id: Option<&str>) -> Result<ZoomSession> {
        match user_id {
            Some(u) => Ok(self.client.user(u)),
            None => self.client.account(),
        }
    }

    fn key(&self, user_id: Option<&str>) -> Result<TokenKey> {
        Ok(self.session(user_id)?.key().clone())
    }

    /// Run operation `op` (one of [`OPERATIONS`]) with `args`, a JSON object; the answer is
    /// JSON (`null` for calls that answer nothing). Arguments: `user_id` (absent: the
    /// account) and the operation's own, named as in Zoom's API and the typed SDK (see each
    /// binding's documentation). A wrong or missing argument is [`Error::InvalidInput`]
    /// naming it; nothing is sent then.
    pub async fn call(
        &self,
        op: &str,
        args: Value,
        progress: Option<ProgressSink>,
    ) -> Result<Value> {
        let args = match args {
            Value::Null => Value::Object(Map::new()),
            Value::Object(m) => Value::Object(m),
            _ => return Err(Error::invalid("args", "must be a JSON object")),
        };
        let who: Who = arg(op, &args)?;
        let user = who.user_id.as_deref();
        match op {
            "request" => {
                #[derive(Deserialize)]
                struct A {
                    method: String,
                    path: String,
                    #[serde(default)]
                    query: BTreeMap<String, String>,
                    #[serde(default)]
                    body: Option<Value>,
                }
                let a: A = arg(op, &args)?;
                let mut req = RawRequest::new(a.method, a.path);
                for (k, v) in a.query {
                    req = req.query(k, v);
                }
                if let Some(b) = a.body {
                    req = req.body(b);
                }
                self.session(user)?.raw(&req).await
            }
            "users.me" => out(self.session(user)?.users().me().await?),
            "users.get" => {
                let a: Id<String> = arg(op, &args)?;
                out(self.session(user)?.users().get(&a.id).await?)
            }
            "users.list" => {
                let a: Query<ListUsers> = arg(op, &args)?;
                out(self.session(user)?.users().list(&a.query).await?)
            }
            "meetings.list" => {
                let a: HostQuery<ListMeetings> = arg(op, &args)?;
                out(self
                    .session(user)?
                    .meetings()
                    .list(&a.host, &a.query)
                    .await?)
            }
            "meetings.get" => {
                let a: Id<u64> = arg(op, &args)?;
                out(self.session(user)?.meetings().get(a.id).await?)
            }
            "meetings.create" => {
                let a: Create<CreateMeeting> = arg(op, &args)?;
                out(self
                    .session(user)?
                    .meetings()
                    .create(&a.host, &a.body)
                    .await?)
            }
            "meetings.update" => {
                let a: Update<UpdateMeeting> = arg(op, &args)?;
                self.session(user)?.meetings().update(a.id, &a.body).await?;
                Ok(Value::Null)
            }
            "meetings.delete" => {
                let a: Delete<DeleteMeetingOptions> = arg(op, &args)?;
                self.session(user)?
                    .meetings()
                    .delete(a.id, &a.options)
                    .await?;
                Ok(Value::Null)
            }
            "meetings.invitation" => {
                let a: Id<u64> = arg(op, &args)?;
                out(self.session(user)?.meetings().invitation(a.id).await?)
            }
            "webinars.list" => {
                let a: HostQuery<ListWebinars> = arg(op, &args)?;
                out(self
                    .session(user)?
                    .webinars()
                    .list(&a.host, &a.query)
                    .await?)
            }
            "webinars.get" => {
                let a: Id<u64> = arg(op, &args)?;
                out(self.session(user)?.webinars().get(a.id).await?)
            }
            "webinars.create" => {
                let a: Create<CreateWebinar> = arg(op, &args)?;
                out(self
                    .session(user)?
                    .webinars()
                    .create(&a.host, &a.body)
                    .await?)
            }
            "webinars.update" => {
                let a: Update<UpdateWebinar> = arg(op, &args)?;
                self.session(user)?.webinars().update(a.id, &a.body).await?;
                Ok(Value::Null)
            }
            "webinars.delete" => {
                let a: Delete<DeleteWebinarOptions> = arg(op, &args)?;
                self.session(user)?
                    .webinars()
                    .delete(a.id, &a.options)
                    .await?;
                Ok(Value::Null)
            }
            "recordings.list" => {
                let a: HostRange = arg(op, &args)?;
                out(self
                    .session(user)?
                    .recordings()
                    .list(&a.host, &a.query)
                    .await?)
            }
            "recordings.get" => {
                let a: Id<MeetingRef> = arg(op, &args)?;
                out(self.session(user)?.recordings().get(a.id).await?)
            }
            "recordings.delete" => {
                #[derive(Deserialize)]
                struct A {
                    id: MeetingRef,
                    #[serde(default)]
                    recording_id: Option<String>,
                    #[serde(default = "trash")]
                    action: RecordingDeleteAction,
                }
                fn trash() -> RecordingDeleteAction {
                    RecordingDeleteAction::Trash
                }
                let a: A = arg(op, &args)?;
                let s = self.session(user)?;
                match a.recording_id {
                    Some(r) => s.recordings().delete_file(a.id, &r, a.action).await?,
                    None => s.recordings().delete(a.id, a.action).await?,
                }
                Ok(Value::Null)
            }
            "recordings.download" => {
                #[derive(Deserialize)]
                struct A {
                    download_url: String,
                    path: String,
                    #[serde(default)]
                    download_token: Option<String>,
                }
                let a: A = arg(op, &args)?;
                let auth = match a.download_token {
                    Some(t) => DownloadAuth::DownloadToken(t.into()),
                    None => DownloadAuth::OAuth,
                };
                let report = self
                    .session(user)?
                    .recordings()
                    .download_to_file(&a.download_url, &a.path, auth, move |p| {
                        if let Some(sink) = &progress {
                            sink(json!({"downloaded": p.downloaded, "total": p.total}));
                        }
                    })
                    .await?;
                out(report)
            }
            "oauth.authorization_url" => {
                let r = self.client.authorization_url()?;
                Ok(
                    json!({"url": r.url.as_str(), "state": r.pending.state, "pending": out(&r.pending)?}),
                )
            }
            "oauth.complete" => {
                #[derive(Deserialize)]
                struct A {
                    user_id: String,
                    code: String,
                    state: String,
                    pending: PendingAuthorization,
                }
                let a: A = arg(op, &args)?;
                let stored = self
                    .client
                    .complete_authorization(&a.user_id, &a.code, &a.state, &a.pending)
                    .await?;
                out(stored)
            }
            "tokens.refresh" => {
                self.client.tokens().force_refresh(&self.key(user)?).await?;
                Ok(Value::Null)
            }
            "tokens.status" => {
                let key = self.key(user)?;
                match self.client.store().load(&key).await? {
                    Some(t) => out(t),
                    None => Ok(Value::Null),
                }
            }
            "disconnect" => {
                self.client.disconnect(required_user(user)?).await?;
                Ok(Value::Null)
            }
            "integration.add" => out(self.integration.add(required_user(user)?).await?),
            "integration.complete" => {
                #[derive(Deserialize)]
                struct A {
                    state: String,
                    code: String,
                }
                let a: A = arg(op, &args)?;
                out(self.integration.complete(&a.state, &a.code).await?)
            }
            "integration.status" => out(self.integration.status(required_user(user)?).await?),
            "integration.sync" => {
                let a: Options<SyncRequest> = arg(op, &args)?;
                let mut options = a.options.into_options();
                if let Some(sink) = progress {
                    options = options.on_progress(move |p| {
                        if let Ok(v) = serde_json::to_value(p) {
                            sink(v)
                        }
                    });
                }
                out(self.integration.sync(required_user(user)?, options).await?)
            }
            "integration.search" => {
                #[derive(Deserialize)]
                struct A {
                    query: String,
                    #[serde(default)]
                    filters: SearchFilters,
                }
                let a: A = arg(op, &args)?;
                out(self
                    .integration
                    .search(required_user(user)?, &a.query, &a.filters)
                    .await?)
            }
            "integration.forget" => out(self.integration.forget(required_user(user)?).await?),
            s if s.starts_with("skills.") => {
                #[derive(Deserialize)]
                struct A {
                    #[serde(default)]
                    args: Value,
                }
                let a: A = arg(op, &args)?;
                self.skill(&s["skills.".len()..], required_user(user)?, a.args)
                    .await
            }
            "health" => {
                #[derive(Deserialize)]
                struct A {
                    #[serde(default = "overall")]
                    kind: String,
                }
                fn overall() -> String {
                    "overall".into()
                }
                let a: A = arg(op, &args)?;
                let m = HealthMonitor::new(self.client.clone());
                match a.kind.as_str() {
                    "overall" => out(m.overall().await),
                    "tokens" => out(m.tokens().await),
                    "connection" => out(m.connection().await),
                    "summary" => out(m.summary().await),
                    _ => Err(Error::invalid(
                        "kind",
                        "must be overall, tokens, connection or summary",
                    )),
                }
            }
            "readiness" => {
                #[derive(Deserialize)]
                struct A {
                    #[serde(default)]
                    online: bool,
                }
                let a: A = arg(op, &args)?;
                let verifier = crate::readiness::Verifier::with_vars(self.vars.as_ref().clone())
                    .online(a.online)
                    .with_store(self.client.store().clone())
                    .with_metrics(self.client.metrics());
                out(verifier.run().await)
            }
            "service_descriptor" => {
                let status = HealthMonitor::new(self.client.clone())
                    .overall()
                    .await
                    .status;
                out(crate::service_registry::ServiceDescriptor::new().with_health(status))
            }
            "metrics" => out(self.client.metrics()),
            "config" => {
                let c = self.client.config();
                Ok(json!({
                    "client_id": c.client_id(),
                    "redirect_uri": c.redirect_uri_as_configured(),
                    "account_id": c.account_id(),
                    "environment": c.environment(),
                    "api_base_url": c.api_base_url().as_str(),
                    "oauth_base_url": c.oauth_base_url().as_str(),
                    "scopes": c.scopes(),
                    "webhook_secret_set": c.webhook_secret_token().is_some(),
                    "token_store": StoreSpec::from_lookup(|k| self.vars.get(k).cloned()).ok().map(|s| s.kind()),
                }))
            }
            other => Err(Error::invalid(
                "op",
                format!("unknown operation {other:?} (see zoom_sdk::bindings::OPERATIONS)"),
            )),
        }
    }

    /// Run a skill for an application user with the skill's own JSON arguments:
    /// `list_meetings` (`{"kind": "upcoming", "limit": 10}`), `create_meeting` (Zoom's meeting
    /// JSON), `schedule_meeting` (`{"topic", "start": {"local": {"time", "time_zone"}} or
    /// {"at": ..}, "duration_minutes", ...}`), `get_recordings` (`{"from": "2026-01-01", "to":
    /// "2026-01-31"}`) or `get_user_profile` (no arguments). A user who must connect gets
    /// [`Error::NotConnected`] or [`Error::ReauthorizationRequired`] with the connect URL.
    pub async fn skill(&self, name: &str, user: &str, args: Value) -> Result<Value> {
        let skills = Skills::new(self.integration.clone());
        let args = if args.is_null() { json!({}) } else { args };
        let op = format!("skills.{name}");
        match name {
            "list_meetings" => {
                let a: ListMeetingsOptions = arg(&op, &args)?;
                out(skills.list_meetings(user, &a).await?)
            }
            "create_meeting" => {
                let a: CreateMeeting = arg(&op, &args)?;
                out(skills.create_meeting(user, &a).await?)
            }
            "schedule_meeting" => {
                let a: ScheduleMeeting = arg(&op, &args)?;
                out(skills.schedule_meeting(user, &a).await?)
            }
            "get_recordings" => {
                let a: RecordingRange = arg(&op, &args)?;
                out(skills.get_recordings(user, &a).await?)
            }
            "get_user_profile" => out(skills.get_user_profile(user).await?),
            other => Err(Error::invalid(
                "skill",
                format!("unknown skill {other:?}: list_meetings, create_meeting, schedule_meeting, get_recordings or get_user_profile"),
            )),
        }
    }

    fn verifier(&self) -> Result<WebhookVerifier> {
        let secret = self.client.config().webhook_secret_token().ok_or_else(|| {
            Error::config(
                "webhook_secret_token",
                "webhooks need the app's Secret Token (ZOOM_WEBHOOK_SECRET_TOKEN)",
            )
        })?;
        Ok(WebhookVerifier::from_secret(secret.clone()))
    }

    /// Verify a webhook (raw body, `x-zm-request-timestamp`, `x-zm-signature`) with the
    /// client's secret token and parse its event. Nothing is applied to the index.
    pub fn verify_webhook(
        &self,
        body: &[u8],
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> Result<WebhookEvent> {
        let req = WebhookRequest {
            timestamp,
            signature,
            body,
        };
        self.verifier()?.verify(&req)?;
        Ok(WebhookEvent::parse(body)?)
    }

    /// Handle a webhook as an endpoint does: verify it, answer URL validation, apply the event
    /// to the index (and `app_deauthorized` to the store). The reply says what to send back;
    /// a refused request is an [`Error::Webhook`] whose status is the one to answer.
    pub async fn handle_webhook(
        &self,
        body: &[u8],
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> Result<crate::webhooks::WebhookReply> {
        let receiver = self
            .integration
            .webhook_receiver(WebhookDispatcher::new())?;
        let req = WebhookRequest {
            timestamp,
            signature,
            body,
        };
        Ok(receiver.handle(&req).await?)
    }

    /// The body answering Zoom's `endpoint.url_validation` for `plain_token`.
    pub fn url_validation(&self, plain_token: &str) -> Result<Value> {
        let receiver = self.client.webhook_receiver(WebhookDispatcher::new())?;
        let body = receiver.url_validation_reply(plain_token)?;
        serde_json::from_str(&body).map_err(|e| Error::invalid("plain_token", e.to_string()))
    }
}

/// The options of `integration.sync`, as JSON: `{"kinds": ["meeting", "recording"], "full":
/// false, "recordings_days": 365, "past_meetings": true, "page_size": 300, "skip_if_busy":
/// false}`, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SyncRequest {
    /// Which kinds to sync (default: all).
    pub kinds: Option<Vec<ItemKind>>,
    /// Relist everything instead of changes since the last run.
    pub full: bool,
    /// How many days of recordings a full run covers.
    pub recordings_days: Option<u32>,
    /// Whether past meetings are indexed.
    pub past_meetings: Option<bool>,
    /// Page size of the listings.
    pub page_size: Option<u32>,
    /// Return at once when another process syncs the same user (default: wait for it).
    pub skip_if_busy: bool,
}

impl SyncRequest {
    /// The [`SyncOptions`] these ask for.
    pub fn into_options(self) -> SyncOptions {
        let mut o = SyncOptions::new().full(self.full);
        if let Some(k) = self.kinds {
            o = o.kinds(k);
        }
        if let Some(d) = self.recordings_days {
            o = o.recordings_days(d);
        }
        if let Some(p) = self.past_meetings {
            o = o.past_meetings(p);
        }
        if let Some(n) = self.page_size {
            o = o.page_size(n);
        }
        if self.skip_if_busy {
            o = o.on_busy(OnBusy::Skip);
        }
        o
    }
}

/// What a caught panic said, for the bindings' internal-error reports.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn required_user(user: Option<&str>) -> Result<&str> {
    user.ok_or_else(|| {
        Error::invalid(
            "user_id",
            "this call is for an application user: pass user_id",
        )
    })
}

fn out<T: serde::Serialize>(v: T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::invalid("answer", e.to_string()))
}

/// Decode an operation's arguments; unknown keys are ignored only for the shared `user_id`.
fn arg<T: DeserializeOwned>(op: &str, args: &Value) -> Result<T> {
    T::deserialize(args).map_err(|e| Error::invalid(format!("{op} arguments"), e.to_string()))
}

#[derive(Deserialize)]
struct Id<T> {
    id: T,
}

#[derive(Deserialize)]
struct Query<Q: Default> {
    #[serde(default)]
    query: Q,
}

#[derive(Deserialize)]
struct HostQuery<Q: Default> {
    #[serde(default = "me")]
    host: String,
    #[serde(default)]
    query: Q,
}

/// Recordings are listed over a range (`from`, `to`), so the query is required.
#[derive(Deserialize)]
struct HostRange {
    #[serde(default = "me")]
    host: String,
    query: ListRecordings,
}

#[derive(Deserialize)]
struct Create<B> {
    #[serde(default = "me")]
    host: String,
    body: B,
}

#[derive(Deserialize)]
struct Update<B> {
    id: u64,
    body: B,
}

#[derive(Deserialize)]
struct Delete<O: Default> {
    id: u64,
    #[serde(default)]
    options: O,
}

#[derive(Deserialize)]
struct Options<O: Default> {
    #[serde(default)]
    options: O,
}

fn me() -> String {
    "me".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_from_json_take_strings_numbers_booleans_and_lists_and_refuse_unknown_keys() {
        let m = json!({"client_id": "abc", "request_timeout_secs": 5, "scopes": ["a:b", "c:d"], "account_id": null});
        let Value::Object(m) = m else { unreachable!() };
        let v = Service::vars_from_json(&m).expect("known keys");
        assert_eq!(v.get("ZOOM_CLIENT_ID").map(String::as_str), Some("abc"));
        assert!(!v.contains_key("ZOOM_ACCOUNT_ID"));
        let Value::Object(bad) = json!({"clientid": "x"}) else {
            unreachable!()
        };
        let e = Service::vars_from_json(&bad).expect_err("unknown key");
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("clientid"), "{e}");
        let mut env = v.clone();
        let Value::Object(over) = json!({"client_id": null, "account_id": "acct"}) else {
            unreachable!()
        };
        Service::apply_json(&mut env, &over).expect("known keys");
        assert!(
            !env.contains_key("ZOOM_CLIENT_ID"),
            "null removes a variable"
        );
        assert_eq!(env.get("ZOOM_ACCOUNT_ID").map(String::as_str), Some("acct"));
    }

    #[test]
    fn sync_request_refuses_unknown_keys_and_wrong_types() {
        assert!(
            serde_json::from_value::<SyncRequest>(json!({"kinds": ["meeting"], "full": true}))
                .is_ok()
        );
        assert!(serde_json::from_value::<SyncRequest>(json!({"fulll": true})).is_err());
        assert!(serde_json::from_value::<SyncRequest>(json!({"kinds": ["nope"]})).is_err());
        assert!(serde_json::from_value::<SyncRequest>(json!({"page_size": -1})).is_err());
    }
}

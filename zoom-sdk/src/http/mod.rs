//! The HTTP pipeline: one pooled reqwest client (rustls), token injection, the pure
//! [`retry`] policy, error mapping, and a `tracing` span per request.
//!
//! A request is described by an [`ApiRequest`] whose idempotency is decided where it is built
//! (in `api/`). `HttpCore::execute` sends it, asks the policy what to do with each outcome,
//! and decodes the body inside the loop so that a malformed answer to a `GET` is retried like
//! any other transient failure.

mod budget;
pub mod metrics;
pub mod ratelimit;
pub mod retry;
pub mod transport;

use crate::config::ZoomConfig;
use crate::error::{ApiError, Error, FieldError, RateLimitType, Result};
use crate::token::TokenKey;
use crate::token_manager::TokenManager;
pub use budget::BUDGET_ENV;
use bytes::Bytes;
use metrics::Metrics;
use ratelimit::RateSignal;
pub use ratelimit::{RateCategory, RateLimiter, RateLimits};
use reqwest::header::HeaderMap;
use reqwest::Method;
use retry::{Decision, Idempotency, Outcome};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;
pub use transport::{TransportFailure, TransportKind};

/// One REST call, described before it is sent.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    method: Method,
    template: &'static str,
    path: String,
    query: Vec<(String, String)>,
    body: Option<Bytes>,
    idempotency: Idempotency,
    category: RateCategory,
}

impl ApiRequest {
    /// A request for `path` (already percent-encoded), named in logs and metrics by its
    /// `template` (e.g. `/meetings/{meetingId}`), so ids never become metric labels.
    pub fn new(method: Method, template: &'static str, path: String) -> Self {
        let idempotency = if method == Method::POST {
            Idempotency::NonIdempotent
        } else {
            Idempotency::Idempotent
        };
        Self {
            method,
            template,
            path,
            query: Vec::new(),
            body: None,
            idempotency,
            category: RateCategory::Light,
        }
    }

    /// Override whether the request may be sent twice (by default every method but `POST`).
    pub fn idempotent(mut self, yes: bool) -> Self {
        self.idempotency = if yes {
            Idempotency::Idempotent
        } else {
            Idempotency::NonIdempotent
        };
        self
    }

    /// Set the rate-limit category (Light unless said otherwise).
    pub fn category(mut self, category: RateCategory) -> Self {
        self.category = category;
        self
    }

    /// The rate-limit category.
    pub fn rate_category(&self) -> RateCategory {
        self.category
    }

    /// Add a query parameter.
    pub fn query(mut self, key: &str, value: impl ToString) -> Self {
        self.query.push((key.to_string(), value.to_string()));
        self
    }

    /// Add a query parameter when present.
    pub fn query_opt(self, key: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Attach a JSON body.
    pub fn json<T: serde::Serialize>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid("body", format!("cannot be encoded as JSON: {e}")))?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// The path template (`/meetings/{meetingId}`), the request's name in logs and metrics so
    /// that ids never become labels; raw calls are all named `(raw)`.
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The HTTP method; with [`ApiRequest::idempotency`] it decides what may be retried.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Whether it may be sent twice.
    pub fn idempotency(&self) -> Idempotency {
        self.idempotency
    }
}

/// Check and percent-encode an id that becomes one path segment (`{userId}`: `me`, an id or
/// an email). Empty ids, `.` and `..` (which would change the request's path once the URL is
/// normalised), and ids holding `/`, `?`, `#` or control characters are refused with
/// [`Error::InvalidInput`] naming `field`; nothing is sent.
pub(crate) fn path_id(field: &str, id: &str) -> Result<String> {
    if id.trim().is_empty() || id == "." || id == ".." {
        return Err(Error::invalid(field, "must not be empty, \".\" or \"..\""));
    }
    if id.len() > 256 {
        return Err(Error::invalid(field, "is longer than 256 bytes"));
    }
    if id
        .chars()
        .any(|c| matches!(c, '/' | '?' | '#') || c.is_control())
    {
        return Err(Error::invalid(
            field,
            "must not contain '/', '?', '#' or control characters",
        ));
    }
    Ok(segment(id))
}

/// Percent-encode one path segment.
pub(crate) fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A transport error's description without any URL (which could carry a query value).
pub(crate) fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = vec![e.without_url_ref()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let kind = if self.is_timeout() {
            "timed out"
        } else if self.is_connect() {
            "connection failed"
        } else if self.is_body() || self.is_decode() {
            "reading the answer failed"
        } else if self.is_request() {
            "sending the request failed"
        } else {
            "HTTP error"
        };
        kind.to_string()
    }
}

/// What every HTTP client of the SDK shares: rustls, the connect timeout, the SDK's resolver
/// (typed DNS failures) and the user agent.
fn client_builder(config: &ZoomConfig) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .use_rustls_tls()
        .connect_timeout(config.connect_timeout())
        .tcp_nodelay(true)
        .dns_resolver(Arc::new(transport::SdkResolver))
        .user_agent(config.user_agent())
}

/// Build the one pooled HTTP client the SDK uses for OAuth and the API.
pub(crate) fn build_client(config: &ZoomConfig) -> Result<reqwest::Client> {
    client_builder(config)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.request_timeout())
        .pool_idle_timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .build()
        .map_err(|e| Error::config("http", format!("cannot build the HTTP client: {e}")))
}

/// The pipeline: client, configuration, token manager, metrics.
#[derive(Debug, Clone)]
pub struct HttpCore {
    client: reqwest::Client,
    download: reqwest::Client,
    config: Arc<ZoomConfig>,
    metrics: Arc<Metrics>,
    limiter: Arc<RateLimiter>,
}

/// Whose credentials a request is sent with.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Auth<'a> {
    /// A stored grant, refreshed by the token manager as needed.
    Managed(&'a TokenManager, &'a TokenKey),
    /// A token not stored (yet): a 401 is final.
    Fixed(&'a secrecy::SecretString),
}

impl Auth<'_> {
    async fn credential(&self) -> Result<crate::token_manager::Credential> {
        match self {
            Self::Managed(tokens, key) => tokens.credential(key).await,
            Self::Fixed(token) => Ok(crate::token_manager::Credential {
                token: (*token).clone(),
                account_id: None,
            }),
        }
    }

    /// The rate-limit bucket: Zoom counts per account; a grant whose account is unknown gets
    /// a bucket of its own rather than another account's.
    fn bucket(&self, account_id: Option<&str>) -> String {
        match (account_id, self) {
            (Some(a), _) => format!("account:{a}"),
            (None, Self::Managed(_, key)) => key.to_string(),
            (None, Self::Fixed(_)) => "unstored-grant".into(),
        }
    }
}

/// What came back from one attempt.
struct Answer {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl HttpCore {
    pub(crate) fn new(
        client: reqwest::Client,
        config: Arc<ZoomConfig>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let mut limiter = RateLimiter::new(config.rate_limits());
        if let Some(url) = config.rate_budget() {
            match budget::SharedBudget::new(url.expose_secret(), metrics.clone()) {
                Ok(b) => limiter = limiter.with_shared_budget(Arc::new(b)),
                Err(e) => tracing::warn!(error = %e, "zoom.rate_budget: not used"),
            }
        }
        let limiter = Arc::new(limiter);
        // Downloads follow Zoom's redirect to its storage (reqwest drops the Authorization
        // header on a redirect to another host) and have no overall timeout: a recording of
        // gigabytes takes as long as it takes; a stalled read is timed out chunk by chunk.
        let download = client_builder(&config)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .unwrap_or_else(|_| client.clone());
        Self {
            client,
            download,
            config,
            metrics,
            limiter,
        }
    }

    /// The client for recording downloads.
    pub(crate) fn download_client(&self) -> &reqwest::Client {
        &self.download
    }

    /// The metrics this pipeline records.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// Send `req`, retrying as the policy says, and decode a JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        auth: Auth<'_>,
        req: &ApiRequest,
    ) -> Result<T> {
        self.execute(auth, req, |body| {
            serde_json::from_slice::<T>(body).map_err(|e| e.to_string())
        })
        .await
    }

    /// Send `req` when no body is expected (204).
    pub(crate) async fn empty(&self, auth: Auth<'_>, req: &ApiRequest) -> Result<()> {
        self.execute(auth, req, |_| Ok(())).await
    }

    /// The retry loop.
    pub(crate) async fn execute<T>(
        &self,
        auth: Auth<'_>,
        req: &ApiRequest,
        decode: impl Fn(&[u8]) -> std::result::Result<T, String>,
    ) -> Result<T> {
        let span = tracing::info_span!(
            "zoom.request",
            method = %req.method,
            path = req.template,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        async {
            let policy = self.config.retry_policy();
            let url = self.config.endpoint(self.config.api_base_url(), &req.path);
            let mut refreshed = false;
            let mut attempt: u32 = 0;
            let started = Instant::now();
            loop {
                attempt += 1;
                let credential = auth.credential().await?;
                let token = credential.token;
                let bucket = auth.bucket(credential.account_id.as_deref());
                self.limiter
                    .acquire(&bucket, req.category, policy.max_rate_limit_wait)
                    .await?;
                let sent_at = Instant::now();
                let mut builder = self
                    .client
                    .request(req.method.clone(), url.clone())
                    .bearer_auth(token.expose_secret())
                    .query(&req.query);
                if let Some(body) = &req.body {
                    builder = builder
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body.clone());
                }
                let result = match builder.send().await {
                    Ok(resp) => {
                        let status = resp.status().as_u16();
                        let headers = resp.headers().clone();
                        resp.bytes().await.map(|body| Answer {
                            status,
                            headers,
                            body,
                        })
                    }
                    Err(e) => Err(e),
                };
                let latency = sent_at.elapsed();
                let http_status = result.as_ref().ok().map(|a| a.status);
                let (outcome, value): (Outcome, Result<T>) = match result {
                    Err(e) => {
                        let failure = TransportFailure::of(&e);
                        let outcome = if failure.maybe_sent {
                            Outcome::Interrupted
                        } else {
                            Outcome::ConnectFailed
                        };
                        (
                            outcome,
                            Err(failure.into_error(&e, self.config.request_timeout())),
                        )
                    }
                    Ok(answer) => {
                        self.limiter
                            .observe(&bucket, req.category, &rate_signal(&answer));
                        classify(answer, &decode)
                    }
                };
                let span = tracing::Span::current();
                span.record("attempt", attempt);
                span.record("latency_ms", latency.as_secs_f64() * 1000.0);
                if let Some(status) = http_status {
                    span.record("status", status);
                }
                self.metrics.record_attempt(req.template, &outcome, latency);
                let decision = policy.decide(
                    attempt,
                    req.idempotency,
                    outcome,
                    refreshed,
                    rand::random::<f64>(),
                );
                tracing::debug!(?outcome, ?decision, attempt, "zoom.attempt");
                match decision {
                    Decision::Stop => {
                        self.metrics.record_call(
                            req.template,
                            value.as_ref().err(),
                            started.elapsed(),
                        );
                        return value;
                    }
                    Decision::RefreshAndRetry => {
                        refreshed = true;
                        match auth {
                            Auth::Managed(tokens, key) => {
                                tokens.refresh_rejected(key, &token).await?;
                            }
                            Auth::Fixed(_) => {
                                self.metrics.record_call(
                                    req.template,
                                    value.as_ref().err(),
                                    started.elapsed(),
                                );
                                return value;
                            }
                        }
                    }
                    Decision::RetryAfter(delay) => {
                        self.metrics.record_retry();
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
        .instrument(span)
        .await
    }
}

fn rate_signal(a: &Answer) -> RateSignal {
    let num = |n: &str| header(&a.headers, n).and_then(|v| v.trim().parse::<u32>().ok());
    RateSignal {
        limit_type: header(&a.headers, "x-ratelimit-type").map(str::to_string),
        limit: num("x-ratelimit-limit"),
        remaining: num("x-ratelimit-remaining"),
        status: a.status,
        retry_after: header(&a.headers, "retry-after")
            .and_then(|v| parse_retry_after(v, chrono::Utc::now())),
    }
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// `Retry-After` as seconds, an RFC 3339 instant (Zoom's daily limit) or an HTTP date, clamped
/// to [`ratelimit::MAX_WAIT`]: any value of any size is a duration or `None`, never a panic.
pub(crate) fn parse_retry_after(v: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if !(secs.is_finite() && secs >= 0.0) {
            return None;
        }
        return Some(
            Duration::try_from_secs_f64(secs)
                .unwrap_or(ratelimit::MAX_WAIT)
                .min(ratelimit::MAX_WAIT),
        );
    }
    let at = chrono::DateTime::parse_from_rfc3339(v)
        .or_else(|_| chrono::DateTime::parse_from_rfc2822(v))
        .ok()?;
    let delta = at.with_timezone(&chrono::Utc).signed_duration_since(now);
    Some(
        delta
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(ratelimit::MAX_WAIT),
    )
}

/// Zoom's error body: `{"code": .., "message": .., "errors": [..]}`.
#[derive(serde::Deserialize)]
struct ErrorBody {
    code: Option<i64>,
    message: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
}

fn api_error(status: u16, headers: &HeaderMap, body: &[u8]) -> Box<ApiError> {
    let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("error")
        .to_string();
    Box::new(ApiError {
        status,
        code: parsed.as_ref().and_then(|p| p.code),
        message: parsed
            .as_ref()
            .and_then(|p| p.message.clone())
            .unwrap_or(reason),
        tracking_id: header(headers, "x-zm-trackingid").map(str::to_string),
        errors: parsed.map(|p| p.errors).unwrap_or_default(),
    })
}

/// The SDK error for an error answer outside the JSON pipeline (downloads).
pub(crate) fn error_of(status: u16, body: &[u8]) -> Error {
    let a = Answer {
        status,
        headers: HeaderMap::new(),
        body: Bytes::copy_from_slice(body),
    };
    match classify(a, &|_: &[u8]| Err::<(), String>("an error answer".into())) {
        (_, Err(e)) => e,
        (_, Ok(())) => Error::Decode {
            status,
            message: "an unexpected answer".into(),
        },
    }
}

/// Turn an answer into an outcome for the policy and a value or error for the caller.
fn classify<T>(
    a: Answer,
    decode: &impl Fn(&[u8]) -> std::result::Result<T, String>,
) -> (Outcome, Result<T>) {
    if (200..300).contains(&a.status) {
        return match decode(&a.body) {
            Ok(v) => (Outcome::Success, Ok(v)),
            Err(message) => {
                // Zoom sometimes answers 2xx with an error body ({"code": 200, "message":
                // "No permission."}): that is an error, not a success.
                let api = api_error(a.status, &a.headers, &a.body);
                if api.code.is_some() && serde_json::from_slice::<ErrorBody>(&a.body).is_ok() {
                    (Outcome::ClientError, Err(Error::PermissionDenied(api)))
                } else {
                    (
                        Outcome::MalformedBody,
                        Err(Error::Decode {
                            status: a.status,
                            message,
                        }),
                    )
                }
            }
        };
    }
    let api = api_error(a.status, &a.headers, &a.body);
    match a.status {
        401 => {
            let outcome = if api.code == Some(124) {
                Outcome::TokenRejected
            } else {
                Outcome::ClientError
            };
            (outcome, Err(Error::Auth(api)))
        }
        429 => {
            let limit_type = match header(&a.headers, "x-ratelimit-type") {
                Some(t) if t.eq_ignore_ascii_case("QPS") => RateLimitType::PerSecond,
                Some(t) if t.to_ascii_lowercase().contains("daily") => RateLimitType::Daily,
                _ => RateLimitType::Unknown,
            };
            let retry_after = header(&a.headers, "retry-after")
                .and_then(|v| parse_retry_after(v, chrono::Utc::now()));
            let outcome = Outcome::RateLimited {
                retry_after,
                daily: limit_type == RateLimitType::Daily,
            };
            let err = Error::RateLimited {
                retry_after,
                category: header(&a.headers, "x-ratelimit-category").and_then(RateCategory::parse),
                limit_type,
                api,
            };
            (outcome, Err(err))
        }
        403 => (Outcome::ClientError, Err(Error::PermissionDenied(api))),
        400 if api.code == Some(200) => (Outcome::ClientError, Err(Error::PermissionDenied(api))),
        404 => (Outcome::ClientError, Err(Error::NotFound(api))),
        400 | 409 | 412 | 422 => (Outcome::ClientError, Err(Error::Validation(api))),
        s if s >= 500 => (Outcome::ServerError, Err(Error::Api(api))),
        _ => (Outcome::ClientError, Err(Error::Api(api))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_rfc3339_and_http_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T23:59:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after("2026-11-26T00:00:00Z", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Thu, 26 Nov 2026 00:00:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    fn answer(status: u16, body: &str) -> Answer {
        let mut headers = HeaderMap::new();
        headers.insert("x-zm-trackingid", "v=2.0;rid=abc".parse().unwrap());
        Answer {
            status,
            headers,
            body: Bytes::from(body.to_string()),
        }
    }

    fn decode_obj(
        b: &[u8],
    ) -> std::result::Result<serde_json::Map<String, serde_json::Value>, String> {
        #[derive(serde::Deserialize)]
        struct M {
            #[allow(dead_code)]
            id: u64,
        }
        serde_json::from_slice::<M>(b)
            .map(|_| serde_json::Map::new())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn http_400_with_code_200_is_permission_denied_not_success() {
        let (o, r) = classify(
            answer(400, r#"{"code":200,"message":"No permission."}"#),
            &decode_obj,
        );
        assert_eq!(o, Outcome::ClientError);
        let e = r.unwrap_err();
        assert!(
            matches!(e, Error::PermissionDenied(ref a) if a.code == Some(200) && a.tracking_id.as_deref() == Some("v=2.0;rid=abc")),
            "{e:?}"
        );
    }

    #[test]
    fn http_200_with_an_error_body_is_an_error() {
        let (_, r) = classify(
            answer(
                200,
                r#"{"code":200,"message":"You do not have the right permissions."}"#,
            ),
            &decode_obj,
        );
        assert!(matches!(r, Err(Error::PermissionDenied(_))));
    }

    #[test]
    fn validation_keeps_zoom_code_message_and_field_errors() {
        let body = r#"{"code":300,"message":"Validation Failed.","errors":[{"field":"type","message":"Invalid field."}]}"#;
        let (_, r) = classify(answer(400, body), &decode_obj);
        match r.unwrap_err() {
            Error::Validation(a) => {
                assert_eq!((a.status, a.code), (400, Some(300)));
                assert_eq!(a.errors[0].field, "type");
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn expired_token_401_code_124_asks_for_a_refresh() {
        let (o, _) = classify(
            answer(401, r#"{"code":124,"message":"Access token is expired."}"#),
            &decode_obj,
        );
        assert_eq!(o, Outcome::TokenRejected);
    }

    #[test]
    fn truncated_json_is_a_malformed_body() {
        let (o, r) = classify(answer(200, r#"{"id": 81, "topic": "We"#), &decode_obj);
        assert_eq!(o, Outcome::MalformedBody);
        assert!(matches!(r, Err(Error::Decode { status: 200, .. })));
    }

    mod no_panic {
        use super::super::*;
        use proptest::prelude::*;

        fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                if let Ok(v) = reqwest::header::HeaderValue::from_str(v) {
                    h.insert(*k, v);
                }
            }
            h
        }

        #[test]
        fn the_retry_afters_that_used_to_panic_are_clamped() {
            let now = chrono::Utc::now();
            for v in [
                "10000000000000000000",
                "18446744073709551615",
                "1e308",
                "9999-12-31T23:59:59Z",
                "Fri, 31 Dec 9999 23:59:59 GMT",
            ] {
                let d = parse_retry_after(v, now).unwrap();
                assert!(d <= ratelimit::MAX_WAIT, "{v}: {d:?}");
            }
            let limiter = RateLimiter::new(&RateLimits::pro());
            let a = Answer {
                status: 429,
                headers: headers(&[
                    ("retry-after", "18446744073709551615"),
                    ("x-ratelimit-type", "QPS"),
                ]),
                body: Bytes::new(),
            };
            limiter.observe("A", RateCategory::Light, &rate_signal(&a));
            let (outcome, _) = classify(a, &|_: &[u8]| Ok::<(), String>(()));
            assert!(
                matches!(outcome, Outcome::RateLimited { retry_after: Some(d), .. } if d <= ratelimit::MAX_WAIT)
            );
        }

        proptest! {
            #[test]
            fn any_retry_after_is_a_bounded_duration_or_none(v in ".{0,40}", n in any::<u64>(), f in any::<f64>()) {
                let now = chrono::Utc::now();
                for v in [v, n.to_string(), format!("{f}"), format!("{f:e}")] {
                    if let Some(d) = parse_retry_after(&v, now) {
                        prop_assert!(d <= ratelimit::MAX_WAIT);
                    }
                }
            }

            #[test]
            fn any_rate_limit_headers_are_learned_without_panic(
                status in 100u16..600,
                kind in prop_oneof![Just("QPS".to_string()), Just("Daily-limit".to_string()), "[ -~]{0,12}"],
                limit in "[ -~]{0,24}",
                remaining in "[ -~]{0,24}",
                retry in prop_oneof![any::<u64>().prop_map(|n| n.to_string()), "[ -~]{0,30}"],
            ) {
                let limiter = RateLimiter::new(&RateLimits::pro());
                let h = headers(&[("x-ratelimit-type", &kind), ("x-ratelimit-limit", &limit), ("x-ratelimit-remaining", &remaining), ("retry-after", &retry), ("x-ratelimit-category", &kind)]);
                let a = Answer { status, headers: h, body: Bytes::from_static(b"{\"code\":429,\"message\":\"x\"}") };
                limiter.observe("A", RateCategory::Heavy, &rate_signal(&a));
                let _ = classify(a, &|_: &[u8]| Ok::<(), String>(()));
            }
        }
    }

    #[test]
    fn path_ids_that_would_change_the_path_are_refused_naming_the_field() {
        for bad in [
            "",
            " ",
            ".",
            "..",
            "a/b",
            "../meetings",
            "me?x=1",
            "me#f",
            "a\u{0}b",
            "a\nb",
        ] {
            match path_id("user_id", bad) {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "user_id", "{bad:?}"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
        assert_eq!(path_id("user_id", "me").unwrap(), "me");
        assert_eq!(
            path_id("user_id", "a.b+c@x.com").unwrap(),
            "a.b%2Bc%40x.com"
        );
        assert_eq!(path_id("user_id", "...").unwrap(), "...");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(segment("a b/c+d=="), "a%20b%2Fc%2Bd%3D%3D");
    }
}

//! The escape hatch: any REST call, by method and path, through the same pipeline as the typed
//! calls (token and refresh, retries by idempotency, the rate limiter, errors), answering JSON.
//! The bindings use it for endpoints not typed yet.

use crate::error::{Error, Result};
use crate::http::{ApiRequest, RateCategory};
use crate::session::ZoomSession;
use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One raw call. Deserialises from JSON (`{"method": "GET", "path": "/users/me"}`).
///
/// ```no_run
/// # async fn demo(alice: zoom_sdk::ZoomSession) -> zoom_sdk::Result<()> {
/// use zoom_sdk::api::RawRequest;
/// let settings = alice.raw(&RawRequest::get("/users/me/settings")).await?;
/// let polls = alice
///     .raw(&RawRequest::get("/meetings/85746065432/polls").query("anonymous", "false"))
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RawRequest {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// The path under the API base URL (`/users/me`; a leading `/v2` is accepted), with any
    /// id segment already percent-encoded as Zoom requires.
    pub path: String,
    /// Query parameters.
    #[serde(default)]
    pub query: Vec<(String, String)>,
    /// A JSON body.
    #[serde(default)]
    pub body: Option<Value>,
    /// Whether the call may be sent twice (default: every method but `POST`).
    #[serde(default)]
    pub idempotent: Option<bool>,
    /// Zoom's rate-limit category of the endpoint (default: Light).
    #[serde(default)]
    pub category: Option<RateCategory>,
}

impl RawRequest {
    /// A call of `method` to `path`.
    pub fn new(method: impl Into<String>, path: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotent: None,
            category: None,
        }
    }
    /// A `GET`.
    pub fn get(path: impl Into<String>) -> Self {
        Self::new("GET", path)
    }
    /// Add a query parameter.
    pub fn query(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.query.push((k.into(), v.into()));
        self
    }
    /// Attach a JSON body.
    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
    /// Say whether the call may be sent twice.
    pub fn idempotent(mut self, v: bool) -> Self {
        self.idempotent = Some(v);
        self
    }
    /// Set the rate-limit category.
    pub fn category(mut self, c: RateCategory) -> Self {
        self.category = Some(c);
        self
    }

    pub(crate) fn to_api_request(&self) -> Result<ApiRequest> {
        let method = match self.method.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::GET,
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "PATCH" => Method::PATCH,
            "DELETE" => Method::DELETE,
            _ => {
                return Err(Error::invalid(
                    "method",
                    "must be GET, POST, PUT, PATCH or DELETE",
                ))
            }
        };
        let path = self.path.strip_prefix("/v2").unwrap_or(&self.path);
        let bad = |why: &str| Err(Error::invalid("path", why.to_string()));
        if !path.starts_with('/') || path.len() < 2 {
            return bad("must start with / and name an endpoint (e.g. /users/me)");
        }
        if path
            .chars()
            .any(|c| matches!(c, '?' | '#') || c.is_control() || c == ' ')
        {
            return bad(
                "must not contain '?', '#', spaces or control characters: put parameters in query",
            );
        }
        if path[1..]
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return bad("must not contain empty, '.' or '..' segments");
        }
        // Metrics and logs name raw calls by one label, so ids never become labels.
        let mut req = ApiRequest::new(method, "(raw)", path.to_string())
            .category(self.category.unwrap_or(RateCategory::Light));
        if let Some(i) = self.idempotent {
            req = req.idempotent(i);
        }
        for (k, v) in &self.query {
            req = req.query(k, v);
        }
        if let Some(b) = &self.body {
            req = req.json(b)?;
        }
        Ok(req)
    }
}

impl ZoomSession {
    /// Send a raw call; the answer's JSON (`null` for an empty answer, such as 204).
    pub async fn raw(&self, req: &RawRequest) -> Result<Value> {
        let api = req.to_api_request()?;
        self.client()
            .http()
            .execute(self.auth(), &api, |body| {
                if body.iter().all(u8::is_ascii_whitespace) {
                    Ok(Value::Null)
                } else {
                    serde_json::from_slice(body).map_err(|e| e.to_string())
                }
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_would_leave_the_endpoint_are_refused() {
        for p in [
            "",
            "/",
            "users/me",
            "/users/../meetings",
            "/users//me",
            "/users/me?x=1",
            "/a#b",
            "/a b",
            "/./x",
        ] {
            assert!(
                matches!(RawRequest::get(p).to_api_request(), Err(Error::InvalidInput { ref field, .. }) if field == "path"),
                "{p:?}"
            );
        }
        assert!(RawRequest::new("TRACE", "/users/me")
            .to_api_request()
            .is_err());
        let r = RawRequest::get("/v2/users/me").to_api_request().unwrap();
        assert_eq!(r.template(), "(raw)");
    }

    #[test]
    fn it_reads_from_json_as_the_bindings_send_it() {
        let r: RawRequest = serde_json::from_str(
            r#"{"method":"post","path":"/users/me/meetings","body":{"topic":"x"},"category":"Medium"}"#,
        )
        .unwrap();
        let api = r.to_api_request().unwrap();
        assert_eq!(api.method(), Method::POST);
        assert_eq!(api.idempotency(), crate::Idempotency::NonIdempotent);
        assert_eq!(api.rate_category(), RateCategory::Medium);
    }
}

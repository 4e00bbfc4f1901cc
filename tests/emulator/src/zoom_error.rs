//! Zoom's error answers: `{"code": .., "message": ..}` with the HTTP status Zoom uses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answer as Zoom gives it.
#[derive(Clone, Debug)]
pub(crate) struct ZoomError {
    pub status: u16,
    pub code: i64,
    pub message: String,
    pub errors: Vec<(String, String)>,
}

impl ZoomError {
    pub fn new(status: u16, code: i64, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
        }
    }

    /// Zoom's field validation failure: HTTP 400, code 300, with an `errors` list.
    pub fn validation(field: &str, message: &str) -> Self {
        Self {
            status: 400,
            code: 300,
            message: "Validation Failed.".into(),
            errors: vec![(field.to_string(), message.to_string())],
        }
    }
}

impl IntoResponse for ZoomError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::BAD_REQUEST);
        let mut body = json!({"code": self.code, "message": self.message});
        if !self.errors.is_empty() {
            body["errors"] = self
                .errors
                .iter()
                .map(|(f, m)| json!({"field": f, "message": m}))
                .collect();
        }
        (status, Json(body)).into_response()
    }
}

/// An OAuth endpoint error as Zoom gives it: `{"reason": .., "error": ..}`.
pub(crate) fn oauth_error(status: u16, error: &str, reason: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(json!({"reason": reason, "error": error}))).into_response()
}

//! `/users`.

use crate::error::{Error, Result};
use crate::http::{segment, ApiRequest};
use crate::models::User;
use crate::session::ZoomSession;
use reqwest::Method;

/// Users endpoints.
#[derive(Debug)]
pub struct UsersApi<'a> {
    pub(crate) session: &'a ZoomSession,
}

impl UsersApi<'_> {
    /// `GET /users/me`: the user the token belongs to (the account owner for Server-to-Server).
    pub async fn me(&self) -> Result<User> {
        self.get("me").await
    }

    /// `GET /users/{userId}`: by Zoom user id or email.
    pub async fn get(&self, user_id: &str) -> Result<User> {
        check_user_id(user_id)?;
        let req = ApiRequest::new(
            Method::GET,
            "/users/{userId}",
            format!("/users/{}", segment(user_id)),
        );
        self.session.json(&req).await
    }
}

/// A `{userId}` path value: `me`, an id or an email; never empty.
pub(crate) fn check_user_id(user_id: &str) -> Result<()> {
    if user_id.trim().is_empty() || user_id.len() > 256 || user_id.chars().any(char::is_control) {
        return Err(Error::invalid(
            "user_id",
            "must be \"me\", a Zoom user id or an email",
        ));
    }
    Ok(())
}

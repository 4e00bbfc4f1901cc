//! `/users`.

use crate::error::Result;
use crate::http::{path_id, ApiRequest};
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
        let req = ApiRequest::new(
            Method::GET,
            "/users/{userId}",
            format!("/users/{}", path_id("user_id", user_id)?),
        );
        self.session.json(&req).await
    }
}

//! Zoom users.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A Zoom user (`GET /users/{userId}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// Zoom's user id: stable for the user's life in the account (an email can change), so it is
    /// what the SDK stores beside a grant and what `app_deauthorized` names.
    pub id: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// First name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// 1 basic, 2 licensed, 4 unassigned without meetings basic, 99 none.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub user_type: Option<i64>,
    /// Role name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    /// Personal meeting id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pmi: Option<i64>,
    /// Time zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// `active`, `inactive`, `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Every other field Zoom sent, kept as is.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

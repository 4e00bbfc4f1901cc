//! Zoom's OAuth endpoints: `/oauth/authorize`, `/oauth/token` and `/oauth/revoke`.

use crate::state::{AuthCode, Caller, RefreshGrant};
use crate::zoom_error::oauth_error;
use crate::Shared;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

type Params = HashMap<String, String>;

/// Why Zoom refuses an authorization request: status, OAuth error, description.
type Refusal = (u16, &'static str, &'static str);

/// What a valid authorization request asks for.
struct AuthorizeRequest {
    redirect_uri: String,
    challenge: Option<(String, String)>,
    user_idx: usize,
    state: Option<String>,
}

/// Check an authorization request as Zoom does before it shows anything: response type, client
/// id, registered redirect URI, PKCE method. The emulator-only parameter `login` picks the user
/// (id or email); the account owner otherwise.
fn check(st: &crate::state::State, q: &Params) -> Result<AuthorizeRequest, Refusal> {
    if q.get("response_type").map(String::as_str) != Some("code") {
        return Err((400, "unsupported_response_type", "Invalid response_type"));
    }
    if q.get("client_id") != Some(&st.cfg.client_id) {
        return Err((400, "invalid_client", "Invalid client_id"));
    }
    let Some(redirect_uri) = q.get("redirect_uri").cloned() else {
        return Err((400, "invalid_request", "Missing redirect_uri"));
    };
    if !st.cfg.redirect_uris.contains(&redirect_uri) {
        return Err((
            400,
            "invalid_request",
            "Invalid redirect: redirect_uri mismatch",
        ));
    }
    if url::Url::parse(&redirect_uri).is_err() {
        return Err((400, "invalid_request", "Invalid redirect_uri"));
    }
    let challenge = match (q.get("code_challenge"), q.get("code_challenge_method")) {
        (Some(c), m) => {
            let method = m.cloned().unwrap_or_else(|| "plain".into());
            if method != "S256" && method != "plain" {
                return Err((400, "invalid_request", "Invalid code_challenge_method"));
            }
            Some((c.clone(), method))
        }
        (None, _) => None,
    };
    let user_idx = match q.get("login").filter(|l| !l.is_empty()) {
        Some(who) => match st.user_index(who) {
            Some(i) => i,
            None => return Err((400, "invalid_request", "Unknown login user")),
        },
        None => 0,
    };
    Ok(AuthorizeRequest {
        redirect_uri,
        challenge,
        user_idx,
        state: q.get("state").cloned(),
    })
}

/// A redirect to the app's `redirect_uri` with `pairs` and the request's `state`.
fn back_to_app(req: &AuthorizeRequest, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut location) = url::Url::parse(&req.redirect_uri) else {
        return oauth_error(400, "invalid_request", "Invalid redirect_uri");
    };
    for (k, v) in pairs {
        location.query_pairs_mut().append_pair(k, v);
    }
    if let Some(state) = &req.state {
        location.query_pairs_mut().append_pair("state", state);
    }
    (
        StatusCode::FOUND,
        [(header::LOCATION, location.to_string())],
    )
        .into_response()
}

/// The user approved: a single-use code bound to the redirect URI and PKCE challenge.
fn approve(st: &mut crate::state::State, req: AuthorizeRequest) -> Response {
    let user_id = st.users[req.user_idx].id().to_string();
    let code = st.random_token("", 24);
    st.codes.insert(
        code.clone(),
        AuthCode {
            user_id,
            redirect_uri: req.redirect_uri.clone(),
            challenge: req.challenge.clone(),
            expires_at: Instant::now() + Duration::from_secs(600),
        },
    );
    back_to_app(&req, &[("code", &code)])
}

/// `GET /oauth/authorize`. With the default configuration the user approves at once and the
/// answer redirects to `redirect_uri` with `code` and `state` (what tests want). With
/// `consent` on (`--consent`), it shows a consent page as Zoom does: the app, the scopes, a
/// user to sign in as, and Authorize and Deny buttons posting back here.
pub(crate) async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(q): Query<Params>,
) -> Response {
    let mut st = shared.lock();
    let req = match check(&st, &q) {
        Ok(r) => r,
        Err((status, error, description)) => return oauth_error(status, error, description),
    };
    if !st.cfg.consent {
        return approve(&mut st, req);
    }
    consent_page(&st, &q, req.user_idx)
}

/// `POST /oauth/authorize`: the consent page's form. `decision=approve` issues a code;
/// anything else answers the app with `error=access_denied`, as Zoom does when the user
/// declines.
pub(crate) async fn decide(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form: Params = url::form_urlencoded::parse(&body).into_owned().collect();
    let mut st = shared.lock();
    let req = match check(&st, &form) {
        Ok(r) => r,
        Err((status, error, description)) => return oauth_error(status, error, description),
    };
    if form.get("decision").map(String::as_str) == Some("approve") {
        st.stats.consents_approved += 1;
        approve(&mut st, req)
    } else {
        st.stats.consents_denied += 1;
        back_to_app(
            &req,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "The user denied the authorization request",
                ),
            ],
        )
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn consent_page(st: &crate::state::State, q: &Params, selected: usize) -> Response {
    let hidden: String = q
        .iter()
        .filter(|(k, _)| k.as_str() != "login" && k.as_str() != "decision")
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    let users: String = st
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| {
            format!(
                "<option value=\"{}\"{}>{}</option>",
                escape(u.id()),
                if i == selected { " selected" } else { "" },
                escape(u.email())
            )
        })
        .collect();
    let scopes: String = st
        .cfg
        .scopes
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    let page = format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize app - Zoom emulator</title>
<style>body{{font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}
button{{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem}}#authorize{{background:#0b5cff;color:#fff;border:0}}</style></head>
<body><h1>Authorize app</h1>
<p>The app <strong id="client">{client}</strong> wants to access your Zoom account:</p>
<ul id="scopes">{scopes}</ul>
<form method="post" action="/oauth/authorize">{hidden}
<p><label>Sign in as <select name="login" id="login">{users}</select></label></p>
<button type="submit" id="authorize" name="decision" value="approve">Authorize</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form></body></html>"#,
        client = escape(&st.cfg.client_id),
    );
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        page,
    )
        .into_response()
}

/// Parameters from the query string and the form body together (Zoom accepts both; the
/// Server-to-Server docs put them in the query string).
fn params(query: Params, body: &[u8]) -> Params {
    let mut all = query;
    for (k, v) in url::form_urlencoded::parse(body) {
        all.insert(k.into_owned(), v.into_owned());
    }
    all
}

/// HTTP Basic client authentication, as RFC 6749 §2.3.1 (form-encoded id and secret).
fn client_ok(headers: &HeaderMap, id: &str, secret: &str) -> bool {
    let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let Some(b64) = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))
    else {
        return false;
    };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
        return false;
    };
    let Ok(raw) = String::from_utf8(raw) else {
        return false;
    };
    let Some((u, p)) = raw.split_once(':') else {
        return false;
    };
    let decode = |s: &str| -> String {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    decode(u) == id && decode(p) == secret
}

fn pkce_ok(challenge: &Option<(String, String)>, verifier: Option<&String>) -> bool {
    match (challenge, verifier) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((c, m)), Some(v)) => {
            if m == "plain" {
                c == v
            } else {
                let digest = Sha256::digest(v.as_bytes());
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == *c
            }
        }
    }
}

/// `POST /oauth/token`: `authorization_code`, `refresh_token` (rotating) and
/// `account_credentials` grants. The grant is processed at once; the answer leaves after the
/// fault layer's `token_latency_ms`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> Response {
    let (answer, latency) = {
        let mut st = shared.lock();
        let latency = st.faults.token_latency_ms;
        (grant(&mut st, &headers, params(q, &body)), latency)
    };
    if latency > 0 {
        tokio::time::sleep(Duration::from_millis(latency)).await;
    }
    answer
}

fn grant(st: &mut crate::state::State, headers: &HeaderMap, p: Params) -> Response {
    st.stats.token_requests += 1;
    let (id, secret) = (st.cfg.client_id.clone(), st.cfg.client_secret.clone());
    if !client_ok(headers, &id, &secret) {
        return oauth_error(401, "invalid_client", "Invalid client_id or client_secret");
    }
    match p.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let code = p.get("code").cloned().unwrap_or_default();
            // A code is single use: it is removed whatever happens next.
            let Some(grant) = st.codes.remove(&code) else {
                st.stats.authorization_code_failures += 1;
                return oauth_error(400, "invalid_request", "Invalid authorization code");
            };
            if grant.expires_at <= Instant::now() {
                st.stats.authorization_code_failures += 1;
                return oauth_error(400, "invalid_request", "Invalid authorization code");
            }
            if p.get("redirect_uri") != Some(&grant.redirect_uri) {
                st.stats.authorization_code_failures += 1;
                return oauth_error(400, "invalid_request", "Redirect URI mismatch.");
            }
            if !pkce_ok(&grant.challenge, p.get("code_verifier")) {
                st.stats.authorization_code_failures += 1;
                return oauth_error(400, "invalid_request", "Invalid code_verifier");
            }
            st.stats.authorization_code_grants += 1;
            let account_id = st.cfg.account_id.clone();
            let body = st.issue_tokens(
                Caller {
                    user_id: grant.user_id,
                    account_id,
                    account_level: false,
                },
                true,
            );
            Json(body).into_response()
        }
        Some("refresh_token") => {
            let rt = p.get("refresh_token").cloned().unwrap_or_default();
            let grace = Duration::from_secs(st.faults.refresh_grace_secs);
            let user = match st.refresh.get_mut(&rt) {
                Some(g) if g.valid => {
                    // Rotation: the old refresh token is spent the moment a new one is issued.
                    g.valid = false;
                    g.user_id.clone()
                }
                Some(RefreshGrant {
                    successor: Some((body, at)),
                    ..
                }) if at.elapsed() < grace => {
                    let body = body.clone();
                    st.stats.refresh_grace_reuses += 1;
                    return Json(body).into_response();
                }
                _ => {
                    st.stats.refresh_failures += 1;
                    return oauth_error(400, "invalid_grant", "Invalid Token!");
                }
            };
            st.stats.refresh_grants += 1;
            let account_id = st.cfg.account_id.clone();
            let body = st.issue_tokens(
                Caller {
                    user_id: user,
                    account_id,
                    account_level: false,
                },
                true,
            );
            if let Some(g) = st.refresh.get_mut(&rt) {
                g.successor = Some((body.clone(), Instant::now()));
            }
            Json(body).into_response()
        }
        Some("account_credentials") => {
            if p.get("account_id") != Some(&st.cfg.account_id) {
                return oauth_error(400, "invalid_request", "Invalid account_id");
            }
            st.stats.account_credentials_grants += 1;
            let owner = st.users[0].id().to_string();
            let account_id = st.cfg.account_id.clone();
            let body = st.issue_tokens(
                Caller {
                    user_id: owner,
                    account_id,
                    account_level: true,
                },
                false,
            );
            Json(body).into_response()
        }
        _ => oauth_error(400, "unsupported_grant_type", "Unsupported grant type"),
    }
}

/// `POST /oauth/revoke`: revokes the app's authorization for the token's user.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> Response {
    let p = params(q, &body);
    let mut st = shared.lock();
    let (id, secret) = (st.cfg.client_id.clone(), st.cfg.client_secret.clone());
    if !client_ok(&headers, &id, &secret) {
        return oauth_error(401, "invalid_client", "Invalid client_id or client_secret");
    }
    let token = p.get("token").cloned().unwrap_or_default();
    st.stats.revocations += 1;
    let user = st
        .access
        .get(&token)
        .filter(|g| !g.caller.account_level)
        .map(|g| g.caller.user_id.clone())
        .or_else(|| st.refresh.get(&token).map(|g| g.user_id.clone()));
    if let Some(user) = user {
        st.revoke_user(&user);
    } else if let Some(g) = st.access.get_mut(&token) {
        g.revoked = true;
    }
    Json(serde_json::json!({"status": "success"})).into_response()
}

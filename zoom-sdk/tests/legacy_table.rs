//! The backend's `zoom_oauth_tokens` table, taken over as it is: rows written the way the
//! Python backend writes them (plaintext, and Fernet via Python's `cryptography`), read,
//! refreshed and migrated by the SDK, and read back by Python.

mod common;
#[path = "common/pg.rs"]
mod pg;
#[path = "common/python.rs"]
mod python;

use common::*;
use sqlx::postgres::PgPool;
use std::sync::Arc;
use zoom_sdk::store::{LegacyOptions, LegacyPostgresTokenStore};
use zoom_sdk::{ExposeSecret, TokenKey, TokenStore, ZoomClient};

/// The backend's table, as its Python code creates it.
const BACKEND_TABLE: &str = include_str!("../../tests/fixtures/backend_zoom_oauth_tokens.sql");

/// The table exactly as the backend creates it; `with_encrypted` adds the sibling module's
/// Fernet columns.
async fn create_table(pool: &PgPool, with_encrypted: bool) {
    sqlx::query(BACKEND_TABLE).execute(pool).await.unwrap();
    if with_encrypted {
        sqlx::query("ALTER TABLE zoom_oauth_tokens ADD COLUMN access_token_encrypted TEXT, ADD COLUMN refresh_token_encrypted TEXT")
            .execute(pool)
            .await
            .unwrap();
    }
}

/// Real tokens from the emulator for its user `login` (what the backend's OAuth handler got).
async fn grant(emu: &zoom_emulator::Emulator, login: &str) -> (String, String, String) {
    let client = client(emu);
    let req = client.authorization_url().unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = req.url.clone();
    url.query_pairs_mut().append_pair("login", login);
    let loc = http.get(url).send().await.unwrap().headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let loc = url::Url::parse(&loc).unwrap();
    let q: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
    let t = client
        .complete_authorization("tmp", &q["code"], &q["state"], &req.pending)
        .await
        .unwrap();
    (
        t.access_token.expose_secret().to_string(),
        t.refresh_token.unwrap().expose_secret().to_string(),
        t.zoom_user_id.unwrap(),
    )
}

/// A row as the Python backend inserts it.
struct PyRow<'a> {
    user_id: &'a str,
    zoom_user_id: &'a str,
    email: &'a str,
    access: &'a str,
    refresh: Option<&'a str>,
    /// Fernet-encrypted access and refresh tokens (the sibling module).
    enc: Option<(&'a str, &'a str)>,
    expired: bool,
}

async fn insert_python_row(pool: &PgPool, r: PyRow<'_>) {
    let PyRow {
        user_id,
        zoom_user_id,
        email,
        access,
        refresh,
        enc,
        expired,
    } = r;
    let enc_cols = if enc.is_some() {
        ", access_token_encrypted, refresh_token_encrypted"
    } else {
        ""
    };
    let enc_vals = if enc.is_some() { ", $8, $9" } else { "" };
    let sql = format!(
        "INSERT INTO zoom_oauth_tokens (user_id, zoom_user_id, email, access_token, refresh_token, token_type, scope, account_id, first_name, last_name, display_name, user_type, role_name, expires_at, is_active, access_count, metadata{enc_cols}) \
         VALUES ($1, $2, $3, $4, $5, 'Bearer', 'meeting:read meeting:write', 'acct', 'Ada', 'Lovelace', 'Ada L', 2, 'Owner', NOW() + ($6 || ' seconds')::interval, TRUE, 7, $7::jsonb{enc_vals})"
    );
    let mut q = sqlx::query(&sql)
        .bind(user_id)
        .bind(zoom_user_id)
        .bind(email)
        .bind(access)
        .bind(refresh)
        .bind(if expired { "-60" } else { "3000" })
        .bind(r#"{"source": "python-backend"}"#);
    if let Some((a, r)) = enc {
        q = q.bind(a).bind(r);
    }
    q.execute(pool).await.unwrap();
}

#[tokio::test]
async fn plaintext_rows_are_read_refreshed_and_left_readable_by_python() {
    let Some(db) = pg::fresh_db("legacy_plain").await else {
        return;
    };
    let pool = PgPool::connect(&db.url).await.unwrap();
    create_table(&pool, false).await;
    let emu = emulator().await;
    let (access, refresh, zoom_user) = grant(&emu, &emu.users()[0].email).await;
    insert_python_row(
        &pool,
        PyRow {
            user_id: "backend-user-1",
            zoom_user_id: &zoom_user,
            email: "ada@example.com",
            access: &access,
            refresh: Some(&refresh),
            enc: None,
            expired: false,
        },
    )
    .await;

    let store = Arc::new(
        LegacyPostgresTokenStore::connect(&db.url, LegacyOptions::plaintext())
            .await
            .unwrap(),
    );
    let client = ZoomClient::builder(config(&emu).build().unwrap())
        .token_store(store.clone())
        .build()
        .unwrap();
    let me = client.user("backend-user-1").users().me().await.unwrap();
    assert_eq!(me.id, zoom_user);
    assert_eq!(emu.stats().refresh_grants, 0, "a valid row is used as is");

    // The backend's clock says the token expired (as if the hour had passed, so the SDK's
    // in-memory copy has lapsed too).
    sqlx::query("UPDATE zoom_oauth_tokens SET expires_at = NOW() - interval '1 minute' WHERE user_id = 'backend-user-1'").execute(&pool).await.unwrap();
    client.tokens().forget(&TokenKey::user("backend-user-1"));
    client.user("backend-user-1").users().me().await.unwrap();
    assert_eq!(emu.stats().refresh_grants, 1);

    // What Python sees now.
    let (a, r, first, count, meta, active): (String, String, String, i32, serde_json::Value, bool) = sqlx::query_as(
        "SELECT access_token, refresh_token, first_name, access_count, metadata, is_active FROM zoom_oauth_tokens WHERE user_id = 'backend-user-1'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_ne!(a, access);
    assert!(
        emu.refresh_token_is_valid(&r),
        "Python reads the newest refresh token"
    );
    assert!(!emu.refresh_token_is_valid(&refresh));
    assert_eq!(
        (first.as_str(), count, active),
        ("Ada", 7, true),
        "columns the SDK does not model are untouched"
    );
    assert_eq!(meta["source"], "python-backend");
    assert_eq!(meta["zoom_sdk_status"], "active");
    let stored = client
        .store()
        .load(&TokenKey::user("backend-user-1"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.access_token.expose_secret(), a);
}

#[tokio::test]
async fn fernet_rows_are_read_and_plaintext_rows_migrated_in_place_with_a_dry_run_first() {
    let Some(py) = python::python() else { return };
    let Some(db) = pg::fresh_db("legacy_fernet").await else {
        return;
    };
    let pool = PgPool::connect(&db.url).await.unwrap();
    create_table(&pool, true).await;
    let emu = emulator().await;
    let key = py.fernet_key();
    let users = emu.users();
    // Row 1: written by the Fernet module (Python encrypted it).
    let (a1, r1, z1) = grant(&emu, &users[0].email).await;
    let (ea, er) = (py.encrypt(&key, &a1), py.encrypt(&key, &r1));
    insert_python_row(
        &pool,
        PyRow {
            user_id: "fernet-user",
            zoom_user_id: &z1,
            email: "f@example.com",
            access: "",
            refresh: None,
            enc: Some((&ea, &er)),
            expired: true,
        },
    )
    .await;
    // Row 2: plaintext, from the first module.
    let (a2, r2, z2) = grant(&emu, &users[1].email).await;
    insert_python_row(
        &pool,
        PyRow {
            user_id: "plain-user",
            zoom_user_id: &z2,
            email: "p@example.com",
            access: &a2,
            refresh: Some(&r2),
            enc: None,
            expired: false,
        },
    )
    .await;

    let store = Arc::new(
        LegacyPostgresTokenStore::connect(&db.url, LegacyOptions::fernet(key.clone(), &[]))
            .await
            .unwrap(),
    );
    let loaded = store
        .load(&TokenKey::user("fernet-user"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        loaded.access_token.expose_secret(),
        a1,
        "the SDK reads what Python's Fernet wrote"
    );

    // The expired Fernet row refreshes, and the new pair is written back with Fernet.
    let client = ZoomClient::builder(config(&emu).build().unwrap())
        .token_store(store.clone())
        .build()
        .unwrap();
    client.user("fernet-user").users().me().await.unwrap();
    let (plain_a, new_er): (String, String) = sqlx::query_as("SELECT access_token, refresh_token_encrypted FROM zoom_oauth_tokens WHERE user_id = 'fernet-user'").fetch_one(&pool).await.unwrap();
    assert_eq!(plain_a, "", "no plaintext written in Fernet mode");
    assert!(
        emu.refresh_token_is_valid(&py.decrypt(&key, &new_er)),
        "Python decrypts the rotated refresh token"
    );

    // Dry run: a report, no change.
    let dry = store.migrate_plaintext_to_fernet(1, true).await.unwrap();
    assert_eq!(
        (
            dry.rows,
            dry.already_encrypted,
            dry.plaintext,
            dry.encrypted
        ),
        (2, 1, 1, 0)
    );
    assert_eq!(dry.sample_user_ids, vec!["plain-user".to_string()]);
    let (still_plain,): (String,) =
        sqlx::query_as("SELECT access_token FROM zoom_oauth_tokens WHERE user_id = 'plain-user'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(still_plain, a2);

    // The real run, while the SDK keeps using the table.
    let report = store.migrate_plaintext_to_fernet(1, false).await.unwrap();
    assert_eq!((report.encrypted, report.batches), (1, 1));
    let (pa, pr, ea2, er2): (String, Option<String>, String, String) = sqlx::query_as(
        "SELECT access_token, refresh_token, access_token_encrypted, refresh_token_encrypted FROM zoom_oauth_tokens WHERE user_id = 'plain-user'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((pa.as_str(), pr), ("", None));
    assert_eq!(py.decrypt(&key, &ea2), a2);
    assert_eq!(py.decrypt(&key, &er2), r2);
    client.user("plain-user").users().me().await.unwrap();
    assert_eq!(
        store
            .migrate_plaintext_to_fernet(10, false)
            .await
            .unwrap()
            .encrypted,
        0,
        "idempotent"
    );
}

#[tokio::test]
async fn app_deauthorized_marks_the_legacy_row_inactive() {
    let Some(db) = pg::fresh_db("legacy_deauth").await else {
        return;
    };
    let pool = PgPool::connect(&db.url).await.unwrap();
    create_table(&pool, false).await;
    let emu = emulator().await;
    let (a, r, z) = grant(&emu, &emu.users()[0].email).await;
    insert_python_row(
        &pool,
        PyRow {
            user_id: "u-deauth",
            zoom_user_id: &z,
            email: "d@example.com",
            access: &a,
            refresh: Some(&r),
            enc: None,
            expired: false,
        },
    )
    .await;
    let store = Arc::new(
        LegacyPostgresTokenStore::connect(&db.url, LegacyOptions::plaintext())
            .await
            .unwrap(),
    );
    let client = ZoomClient::builder(config(&emu).build().unwrap())
        .token_store(store)
        .build()
        .unwrap();
    let event: zoom_sdk::webhooks::DeauthorizationEvent =
        serde_json::from_value(serde_json::json!({"account_id": "acct", "user_id": z})).unwrap();
    let keys = client.handle_deauthorization(&event).await.unwrap();
    assert_eq!(keys, vec![TokenKey::user("u-deauth")]);
    let (active, access, refresh): (bool, String, Option<String>) =
        sqlx::query_as("SELECT is_active, access_token, refresh_token FROM zoom_oauth_tokens WHERE user_id = 'u-deauth'").fetch_one(&pool).await.unwrap();
    assert_eq!((active, access.as_str(), refresh), (false, "", None));
}

/// Python's `ENCRYPTION_KEY`, as the backend's environment holds it, and nothing else.
fn backend_env(key: &str) -> LegacyOptions {
    let key = key.to_string();
    LegacyOptions::from_lookup(move |k| (k == "ENCRYPTION_KEY").then(|| key.clone()))
}

#[tokio::test]
async fn a_refresh_with_the_backends_key_writes_fernet_and_never_blanks_the_encrypted_columns() {
    let Some(py) = python::python() else { return };
    let Some(db) = pg::fresh_db("legacy_stays_fernet").await else {
        return;
    };
    let pool = PgPool::connect(&db.url).await.unwrap();
    create_table(&pool, true).await;
    let emu = emulator().await;
    let key = py.fernet_key();
    let users = emu.users();
    // A row the Fernet module wrote, and a plaintext row from the first module; both expired.
    let (a1, r1, z1) = grant(&emu, &users[0].email).await;
    let (ea, er) = (py.encrypt(&key, &a1), py.encrypt(&key, &r1));
    insert_python_row(
        &pool,
        PyRow {
            user_id: "enc-user",
            zoom_user_id: &z1,
            email: "e@example.com",
            access: "",
            refresh: None,
            enc: Some((&ea, &er)),
            expired: true,
        },
    )
    .await;
    let (a2, r2, z2) = grant(&emu, &users[1].email).await;
    insert_python_row(
        &pool,
        PyRow {
            user_id: "plain-user",
            zoom_user_id: &z2,
            email: "p@example.com",
            access: &a2,
            refresh: Some(&r2),
            enc: None,
            expired: true,
        },
    )
    .await;
    // Configured from the backend's environment: a key, and no explicit "write encrypted".
    let store = Arc::new(
        LegacyPostgresTokenStore::connect(&db.url, backend_env(&key))
            .await
            .unwrap(),
    );
    assert!(store.writes_encrypted());
    let client = ZoomClient::builder(config(&emu).build().unwrap())
        .token_store(store.clone())
        .build()
        .unwrap();
    for (user, old_refresh) in [("enc-user", &r1), ("plain-user", &r2)] {
        client.user(user).users().me().await.unwrap();
        let (pa, pr, ea, er): (String, Option<String>, Option<String>, Option<String>) =
            sqlx::query_as("SELECT access_token, refresh_token, access_token_encrypted, refresh_token_encrypted FROM zoom_oauth_tokens WHERE user_id = $1")
                .bind(user)
                .fetch_one(&pool)
                .await
                .unwrap();
        let (ea, er) = (
            ea.expect("access_token_encrypted is never blanked"),
            er.expect("refresh_token_encrypted is never blanked"),
        );
        // Python reads the rotated pair with its own Fernet.
        let (access, refresh) = (py.decrypt(&key, &ea), py.decrypt(&key, &er));
        assert!(emu.refresh_token_is_valid(&refresh), "{user}");
        assert!(!emu.refresh_token_is_valid(old_refresh), "{user}");
        let stored = store.load(&TokenKey::user(user)).await.unwrap().unwrap();
        assert_eq!(stored.access_token.expose_secret(), access);
        assert_eq!(
            (pa.as_str(), pr),
            ("", None),
            "{user}: no plaintext written"
        );
    }
    assert_eq!(emu.stats().refresh_grants, 2);

    // Without the key, the SDK reads no Fernet row and overwrites none with plaintext.
    let keyless = LegacyPostgresTokenStore::connect(&db.url, LegacyOptions::plaintext())
        .await
        .unwrap();
    let before: String = sqlx::query_scalar(
        "SELECT access_token_encrypted FROM zoom_oauth_tokens WHERE user_id = 'enc-user'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(keyless.load(&TokenKey::user("enc-user")).await.is_err());
    let t = store
        .load(&TokenKey::user("enc-user"))
        .await
        .unwrap()
        .unwrap();
    let err = keyless
        .save(&TokenKey::user("enc-user"), &t)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Fernet"), "{err}");
    let after: String = sqlx::query_scalar(
        "SELECT access_token_encrypted FROM zoom_oauth_tokens WHERE user_id = 'enc-user'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn the_backends_is_active_is_authoritative_and_its_changes_clear_the_sdks_status() {
    let Some(db) = pg::fresh_db("legacy_is_active").await else {
        return;
    };
    let pool = PgPool::connect(&db.url).await.unwrap();
    create_table(&pool, false).await;
    let emu = emulator().await;
    let login = emu.users()[0].email.clone();
    let (a, r, z) = grant(&emu, &login).await;
    insert_python_row(
        &pool,
        PyRow {
            user_id: "u1",
            zoom_user_id: &z,
            email: "u1@example.com",
            access: &a,
            refresh: Some(&r),
            enc: None,
            expired: true,
        },
    )
    .await;
    let store = Arc::new(
        LegacyPostgresTokenStore::connect(&db.url, LegacyOptions::plaintext())
            .await
            .unwrap(),
    );
    let client = ZoomClient::builder(config(&emu).build().unwrap())
        .token_store(store)
        .build()
        .unwrap();
    let key = TokenKey::user("u1");
    // The SDK refreshes, and so writes its own status ("active") into metadata.
    client.user("u1").users().me().await.unwrap();

    // The backend deactivates the user: the SDK's "active" no longer counts.
    sqlx::query("UPDATE zoom_oauth_tokens SET is_active = FALSE WHERE user_id = 'u1'")
        .execute(&pool)
        .await
        .unwrap();
    client.tokens().forget(&key);
    let err = client.user("u1").users().me().await.unwrap_err();
    assert!(
        matches!(err, zoom_sdk::Error::ReauthorizationRequired { .. }),
        "{err:?}"
    );

    // The backend reactivates: served again.
    sqlx::query("UPDATE zoom_oauth_tokens SET is_active = TRUE WHERE user_id = 'u1'")
        .execute(&pool)
        .await
        .unwrap();
    client.user("u1").users().me().await.unwrap();

    // Zoom refuses the refresh token (spent elsewhere): the SDK records re-authorization.
    let (current_refresh,): (String,) =
        sqlx::query_as("SELECT refresh_token FROM zoom_oauth_tokens WHERE user_id = 'u1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(spend_refresh_token(&emu, &current_refresh)
        .await
        .status()
        .is_success());
    sqlx::query("UPDATE zoom_oauth_tokens SET expires_at = NOW() - interval '1 minute' WHERE user_id = 'u1'")
        .execute(&pool)
        .await
        .unwrap();
    client.tokens().forget(&key);
    assert!(client.user("u1").users().me().await.is_err());
    let (active, meta): (bool, serde_json::Value) =
        sqlx::query_as("SELECT is_active, metadata FROM zoom_oauth_tokens WHERE user_id = 'u1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        (active, meta["zoom_sdk_status"].as_str()),
        (false, Some("reauthorization_required"))
    );

    // The backend reconnects the user with its own OAuth handler: new tokens, is_active = TRUE.
    let (a2, r2, _) = grant(&emu, &login).await;
    sqlx::query("UPDATE zoom_oauth_tokens SET access_token = $1, refresh_token = $2, is_active = TRUE, expires_at = NOW() + interval '50 minutes' WHERE user_id = 'u1'")
        .bind(&a2)
        .bind(&r2)
        .execute(&pool)
        .await
        .unwrap();
    client.tokens().forget(&key);
    client
        .user("u1")
        .users()
        .me()
        .await
        .expect("the user the backend reconnected is served");
}

#[tokio::test]
async fn a_user_connected_through_the_integration_lands_in_the_backends_table_with_fernet() {
    let Some(py) = python::python() else { return };
    let Some(db) = pg::fresh_db("legacy_connect").await else {
        return;
    };
    let pool = PgPool::connect(&db.url).await.unwrap();
    create_table(&pool, true).await;
    let emu = emulator().await;
    let key = py.fernet_key();
    let open = || async {
        Arc::new(
            LegacyPostgresTokenStore::connect(&db.url, backend_env(&key))
                .await
                .unwrap(),
        )
    };
    let (a, b) = (open().await, open().await);
    let first = zoom_sdk::integration::Integration::new(
        ZoomClient::builder(config(&emu).build().unwrap())
            .token_store(a)
            .build()
            .unwrap(),
    );
    let second = zoom_sdk::integration::Integration::new(
        ZoomClient::builder(config(&emu).build().unwrap())
            .token_store(b)
            .build()
            .unwrap(),
    );
    let started = first.add("backend-user-77").await.unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let loc = http
        .get(started.url.clone())
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let q: std::collections::HashMap<_, _> = url::Url::parse(&loc)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let kid: Option<String> =
        sqlx::query_scalar("SELECT encryption_key_id FROM zoom_sdk_oauth_states")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        kid.as_deref(),
        Some("fernet"),
        "the verifier is sealed with the backend's key"
    );
    let connected = second.complete(&q["state"], &q["code"]).await.unwrap();
    assert_eq!(connected.user_id, "backend-user-77");
    let (plain, enc_refresh): (String, String) = sqlx::query_as(
        "SELECT access_token, refresh_token_encrypted FROM zoom_oauth_tokens WHERE user_id = 'backend-user-77'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(plain, "");
    assert!(emu.refresh_token_is_valid(&py.decrypt(&key, &enc_refresh)));
}

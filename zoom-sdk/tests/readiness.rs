//! The verification suite against the emulator: a healthy set-up passes every check, and
//! broken set-ups make every one of the checks warn or fail, each with its remediation.

mod common;
#[path = "common/pg.rs"]
mod pg;

use async_trait::async_trait;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;
use zoom_emulator::{Emulator, EmulatorConfig, FaultConfig, RateLimitConfig};
use zoom_sdk::readiness::{CheckStatus, VerificationReport, Verifier};
use zoom_sdk::store::{SqliteTokenStore, TokenEncryption, TokenLock};
use zoom_sdk::{
    MemoryTokenStore, StoredToken, TokenKey, TokenSet, TokenStatus, TokenStore, ZoomClient,
};

const KEY: &str = "Qn4wqYVguL93DDotLxmtxGB9vu64Zb4M4r3OJvCwFN4=";
const KEY2: &str = "atEiflVK4yQnrn6zRB6ai1yJbvTaXFQNTwYCv2Oee6k=";
const WEBHOOK: &str = "whsec-verify-0123456789";
type Env = BTreeMap<String, String>;

/// A persistent scratch directory outside /tmp (STO-006 warns about temporary directories).
fn scratch(name: &str) -> String {
    let dir = std::path::Path::new("/var/tmp/zoom-sdk-tests").join(format!(
        "{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name).display().to_string()
}

fn healthy_env(emu: &Emulator) -> Env {
    let c = emu.config();
    [
        ("ZOOM_CLIENT_ID", c.client_id),
        ("ZOOM_CLIENT_SECRET", c.client_secret),
        ("ZOOM_REDIRECT_URI", c.redirect_uris[0].clone()),
        ("ZOOM_ACCOUNT_ID", c.account_id),
        ("ZOOM_API_BASE_URL", emu.api_base_url()),
        ("ZOOM_OAUTH_BASE_URL", emu.oauth_base_url()),
        (
            "ZOOM_SCOPES",
            "meeting:read meeting:write recording:read user:read webinar:read webinar:write".into(),
        ),
        ("ZOOM_WEBHOOK_SECRET_TOKEN", WEBHOOK.into()),
        (
            "ZOOM_TOKEN_STORE",
            format!("sqlite:{}", scratch("healthy.db")),
        ),
        ("ZOOM_TOKEN_ENCRYPTION_KEY", KEY.into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn with(base: &Env, set: &[(&str, &str)], unset: &[&str]) -> Env {
    let mut e = base.clone();
    for k in unset {
        e.remove(*k);
    }
    for (k, v) in set {
        e.insert(k.to_string(), v.to_string());
    }
    e
}

fn verifier(env: Env) -> Verifier {
    Verifier::with_vars(env).with_timeout(Duration::from_secs(3))
}

async fn run(env: Env, online: bool) -> VerificationReport {
    verifier(env).online(online).run().await
}

/// A real client's metrics after calls that went well.
async fn good_metrics(emu: &Emulator) -> zoom_sdk::http::metrics::MetricsSnapshot {
    let client = common::client(emu);
    for _ in 0..5 {
        client.account().unwrap().users().me().await.unwrap();
    }
    client.metrics()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_setup_passes_every_check_online() {
    let emu = common::emulator().await;
    let report = verifier(healthy_env(&emu))
        .online(true)
        .with_metrics(good_metrics(&emu).await)
        .run()
        .await;
    let not_ok: Vec<String> = report
        .results
        .iter()
        .filter(|r| matches!(r.status, CheckStatus::Warn | CheckStatus::Fail))
        .map(|r| format!("{} {:?}: {}", r.id, r.status, r.detail))
        .collect();
    assert!(not_ok.is_empty(), "{}", not_ok.join("\n"));
    assert!(
        report.results.len() >= 58,
        "{} checks",
        report.results.len()
    );
    let skipped: Vec<&str> = report
        .results
        .iter()
        .filter(|r| r.status == CheckStatus::Skip)
        .map(|r| r.id)
        .collect();
    assert!(
        skipped.is_empty(),
        "nothing is skipped in a complete online set-up: {skipped:?}"
    );
    let ids: BTreeSet<&str> = report.results.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), report.results.len(), "ids are unique");
}

/// A store whose reads take 150 ms.
#[derive(Debug, Default)]
struct SlowStore(MemoryTokenStore);

#[async_trait]
impl TokenStore for SlowStore {
    async fn load(&self, key: &TokenKey) -> zoom_sdk::Result<Option<StoredToken>> {
        tokio::time::sleep(Duration::from_millis(150)).await;
        self.0.load(key).await
    }
    async fn save(&self, key: &TokenKey, t: &StoredToken) -> zoom_sdk::Result<()> {
        self.0.save(key, t).await
    }
    async fn delete(&self, key: &TokenKey) -> zoom_sdk::Result<bool> {
        self.0.delete(key).await
    }
    async fn keys(&self) -> zoom_sdk::Result<Vec<TokenKey>> {
        self.0.keys().await
    }
    async fn lock(&self, key: &TokenKey) -> zoom_sdk::Result<Box<dyn TokenLock + '_>> {
        self.0.lock(key).await
    }
}

fn grant(status: TokenStatus) -> StoredToken {
    let mut t = StoredToken::from_token_set(TokenSet::new(
        "a".to_string().into(),
        Some("r".to_string().into()),
        chrono::Utc::now() + chrono::Duration::hours(1),
    ));
    t.status = status;
    t
}

async fn sqlite_with(path: &str, enc: TokenEncryption, status: TokenStatus) {
    let s = SqliteTokenStore::open(path.strip_prefix("sqlite:").unwrap(), enc)
        .await
        .unwrap();
    s.save(&TokenKey::user("someone"), &grant(status))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_can_fail_and_says_how_to_fix_it() {
    let emu = common::emulator().await;
    let ok = healthy_env(&emu);
    let secret = emu.config().client_secret;
    let mut cases: Vec<(&str, VerificationReport, Vec<&str>)> = Vec::new();
    macro_rules! case {
        ($name:expr, $report:expr, [$($id:expr),*]) => {
            cases.push(($name, $report, vec![$($id),*]));
        };
    }

    // Configuration and OAuth, offline.
    case!(
        "empty environment",
        run(Env::new(), false).await,
        ["CFG-001", "CFG-003", "CFG-006", "CFG-011", "WHK-001", "STO-002", "SEC-001"]
    );
    case!(
        "malformed id and secret",
        run(
            with(
                &ok,
                &[
                    ("ZOOM_CLIENT_ID", "bad id!"),
                    ("ZOOM_CLIENT_SECRET", "short")
                ],
                &[]
            ),
            false
        )
        .await,
        ["CFG-002", "CFG-004"]
    );
    case!(
        "secret equals id",
        run(
            with(
                &ok,
                &[
                    ("ZOOM_CLIENT_ID", "abcdefghijklmnopqrstuv"),
                    ("ZOOM_CLIENT_SECRET", "abcdefghijklmnopqrstuv")
                ],
                &[]
            ),
            false
        )
        .await,
        ["CFG-005"]
    );
    case!(
        "unparseable base URLs",
        run(
            with(
                &ok,
                &[
                    ("ZOOM_API_BASE_URL", "not a url"),
                    ("ZOOM_OAUTH_BASE_URL", "::")
                ],
                &[]
            ),
            false
        )
        .await,
        ["CFG-007", "CFG-008"]
    );
    case!(
        "mixed endpoints without /v2",
        run(
            with(&ok, &[("ZOOM_API_BASE_URL", "https://api.zoom.us")], &[]),
            false
        )
        .await,
        ["CFG-009", "CFG-010"]
    );
    case!(
        "timeouts",
        run(
            with(
                &ok,
                &[
                    ("ZOOM_REQUEST_TIMEOUT_SECS", "2"),
                    ("ZOOM_CONNECT_TIMEOUT_SECS", "3")
                ],
                &[]
            ),
            false
        )
        .await,
        ["CFG-012", "CFG-013"]
    );
    case!(
        "typo in a variable",
        run(with(&ok, &[("ZOOM_CLIENTID", "x")], &[]), false).await,
        ["CFG-014"]
    );
    case!(
        "relative redirect",
        run(with(&ok, &[("ZOOM_REDIRECT_URI", "/callback")], &[]), false).await,
        ["OAU-001"]
    );
    case!(
        "http redirect",
        run(
            with(
                &ok,
                &[("ZOOM_REDIRECT_URI", "http://app.example.com/cb")],
                &[]
            ),
            false
        )
        .await,
        ["OAU-002"]
    );
    case!(
        "redirect with fragment",
        run(
            with(
                &ok,
                &[("ZOOM_REDIRECT_URI", "https://app.example.com/cb#x")],
                &[]
            ),
            false
        )
        .await,
        ["OAU-003"]
    );
    case!(
        "redirect with query",
        run(
            with(
                &ok,
                &[("ZOOM_REDIRECT_URI", "https://app.example.com/cb?x=1")],
                &[]
            ),
            false
        )
        .await,
        ["OAU-004"]
    );
    case!(
        "redirect with a wildcard",
        run(
            with(
                &ok,
                &[("ZOOM_REDIRECT_URI", "https://*.example.com/cb")],
                &[]
            ),
            false
        )
        .await,
        ["SEC-008"]
    );
    case!(
        "malformed scopes",
        run(with(&ok, &[("ZOOM_SCOPES", "meeting read,:x")], &[]), false).await,
        ["OAU-005"]
    );
    case!(
        "too few scopes",
        run(with(&ok, &[("ZOOM_SCOPES", "meeting:read")], &[]), false).await,
        ["OAU-006"]
    );
    case!(
        "malformed account id",
        run(with(&ok, &[("ZOOM_ACCOUNT_ID", "a b")], &[]), false).await,
        ["OAU-007"]
    );

    // OAuth and API, online.
    case!(
        "unreachable OAuth",
        run(
            with(&ok, &[("ZOOM_OAUTH_BASE_URL", "http://127.0.0.1:1")], &[]),
            true
        )
        .await,
        ["OAU-008"]
    );
    case!(
        "wrong client secret",
        run(
            with(
                &ok,
                &[("ZOOM_CLIENT_SECRET", "wrong-secret-0123456789")],
                &[]
            ),
            true
        )
        .await,
        ["OAU-009", "API-003", "HLT-001"]
    );
    case!(
        "API host does not resolve",
        run(
            with(
                &ok,
                &[("ZOOM_API_BASE_URL", "https://api.zoom-sdk-test.invalid/v2")],
                &[]
            ),
            true
        )
        .await,
        ["API-001"]
    );
    case!(
        "API refuses connections",
        run(
            with(&ok, &[("ZOOM_API_BASE_URL", "http://127.0.0.1:1/v2")], &[]),
            true
        )
        .await,
        ["API-002", "HLT-001"]
    );
    emu.set_faults(FaultConfig {
        latency_ms: 1100,
        only_route: Some("GET /users/{userId}".into()),
        ..Default::default()
    });
    case!("slow API", run(ok.clone(), true).await, ["API-004"]);
    emu.set_faults(FaultConfig {
        omit_tracking_id: true,
        ..Default::default()
    });
    case!("no tracking id", run(ok.clone(), true).await, ["API-005"]);
    emu.set_faults(FaultConfig {
        clock_skew_secs: 600,
        ..Default::default()
    });
    case!(
        "clock off by ten minutes",
        run(ok.clone(), true).await,
        ["WHK-004"]
    );
    emu.clear_faults();
    let narrow = Emulator::start(EmulatorConfig {
        scopes: vec!["meeting:read".into()],
        rate_limits: RateLimitConfig::unlimited(),
        ..Default::default()
    })
    .await
    .unwrap();
    case!(
        "grant lacks scopes",
        run(healthy_env(&narrow), true).await,
        ["API-006"]
    );
    let slow_plan = Emulator::start(EmulatorConfig {
        rate_limits: RateLimitConfig {
            enabled: true,
            light_per_second: 10,
            ..Default::default()
        },
        ..Default::default()
    })
    .await
    .unwrap();
    case!(
        "Zoom allows less than the plan",
        run(healthy_env(&slow_plan), true).await,
        ["RAT-003"]
    );

    // Token store.
    case!(
        "unknown store",
        run(
            with(&ok, &[("ZOOM_TOKEN_STORE", "redis://cache")], &[]),
            false
        )
        .await,
        ["STO-001"]
    );
    case!(
        "store cannot open",
        run(
            with(
                &ok,
                &[("ZOOM_TOKEN_STORE", "sqlite:/nonexistent-zoom-dir/a/b.db")],
                &[]
            ),
            false
        )
        .await,
        ["STO-002"]
    );
    case!(
        "slow store",
        verifier(ok.clone())
            .with_store(Arc::new(SlowStore::default()))
            .run()
            .await,
        ["STO-004"]
    );
    let held = Arc::new(MemoryTokenStore::new());
    let lock = held
        .lock(&TokenKey::user("__zoom_verify_probe__"))
        .await
        .unwrap();
    case!(
        "refresh lock held elsewhere",
        verifier(ok.clone()).with_store(held.clone()).run().await,
        ["STO-005"]
    );
    lock.release().await.unwrap();
    case!(
        "SQLite in /tmp",
        run(
            with(
                &ok,
                &[(
                    "ZOOM_TOKEN_STORE",
                    &format!(
                        "sqlite:{}/zoom-verify-{}.db",
                        std::env::temp_dir().display(),
                        rand::random::<u32>()
                    )
                )],
                &[]
            ),
            false
        )
        .await,
        ["STO-006"]
    );
    let sealed_a = format!("sqlite:{}", scratch("sealed-a.db"));
    sqlite_with(
        &sealed_a,
        TokenEncryption::with_keys(KEY, &[]).unwrap(),
        TokenStatus::Active,
    )
    .await;
    case!(
        "grants sealed with an unknown key",
        run(
            with(
                &ok,
                &[
                    ("ZOOM_TOKEN_STORE", &sealed_a),
                    ("ZOOM_TOKEN_ENCRYPTION_KEY", KEY2)
                ],
                &[]
            ),
            false
        )
        .await,
        ["STO-007"]
    );
    case!(
        "grants sealed with a former key",
        run(
            with(
                &ok,
                &[
                    ("ZOOM_TOKEN_STORE", &sealed_a),
                    ("ZOOM_TOKEN_ENCRYPTION_KEY", KEY2),
                    ("ZOOM_TOKEN_ENCRYPTION_OLD_KEYS", KEY)
                ],
                &[]
            ),
            false
        )
        .await,
        ["STO-008"]
    );
    let plain = format!("sqlite:{}", scratch("plain.db"));
    sqlite_with(
        &plain,
        TokenEncryption::insecure_plaintext(),
        TokenStatus::Active,
    )
    .await;
    case!(
        "plaintext grants",
        run(with(&ok, &[("ZOOM_TOKEN_STORE", &plain)], &[]), false).await,
        ["STO-009"]
    );
    case!(
        "memory store",
        run(with(&ok, &[("ZOOM_TOKEN_STORE", "memory")], &[]), false).await,
        ["STO-010"]
    );
    let reauth = format!("sqlite:{}", scratch("reauth.db"));
    sqlite_with(
        &reauth,
        TokenEncryption::with_keys(KEY, &[]).unwrap(),
        TokenStatus::ReauthorizationRequired,
    )
    .await;
    case!(
        "a user must reconnect",
        run(with(&ok, &[("ZOOM_TOKEN_STORE", &reauth)], &[]), true).await,
        ["HLT-002", "HLT-003"]
    );
    if let Some(db) = pg::fresh_db("verify_ro").await {
        let admin = sqlx::PgPool::connect(&db.url).await.unwrap();
        zoom_sdk::store::PostgresTokenStore::connect(
            &db.url,
            TokenEncryption::with_keys(KEY, &[]).unwrap(),
        )
        .await
        .unwrap();
        let role = format!("zoom_ro_{}", rand::random::<u32>());
        // It may read, and run sqlx's CREATE TABLE IF NOT EXISTS; it may not write grants.
        for sql in [
            format!("CREATE ROLE {role} LOGIN"),
            format!("GRANT USAGE, CREATE ON SCHEMA public TO {role}"),
            format!("GRANT SELECT ON zoom_sdk_tokens, _sqlx_migrations TO {role}"),
        ] {
            sqlx::query(&sql).execute(&admin).await.unwrap();
        }
        let mut url = url::Url::parse(&db.url).unwrap();
        url.set_username(&role).unwrap();
        case!(
            "read-only database role",
            run(
                with(
                    &ok,
                    &[("ZOOM_TOKEN_STORE", &format!("postgres:{url}"))],
                    &[]
                ),
                false
            )
            .await,
            ["STO-003"]
        );
        sqlx::query(&format!("DROP OWNED BY {role}"))
            .execute(&admin)
            .await
            .unwrap();
        admin.close().await;
        drop(db);
        let admin = sqlx::PgPool::connect(&pg::admin_url()).await.unwrap();
        sqlx::query(&format!("DROP ROLE IF EXISTS {role}"))
            .execute(&admin)
            .await
            .unwrap();
    }

    // Rate limits and performance, from a real client's metrics.
    case!(
        "limiter off",
        run(with(&ok, &[("ZOOM_RATE_LIMIT_PLAN", "off")], &[]), false).await,
        ["RAT-001"]
    );
    case!(
        "unknown plan",
        run(with(&ok, &[("ZOOM_RATE_LIMIT_PLAN", "gold")], &[]), false).await,
        ["RAT-002"]
    );
    let client: ZoomClient = common::connected(&emu).await;
    let session = client.user(common::USER);
    emu.set_faults(FaultConfig {
        rate_limit_next: 1,
        retry_after_secs: 1,
        ..Default::default()
    });
    session.users().me().await.unwrap();
    emu.set_faults(FaultConfig {
        daily_limit_next: 1,
        ..Default::default()
    });
    let _ = session.users().me().await;
    emu.set_faults(FaultConfig {
        fail_next: 3,
        ..Default::default()
    });
    session.users().me().await.unwrap();
    emu.clear_faults();
    let _ = session.meetings().get(1).await;
    for _ in 0..2 {
        client.tokens().force_refresh(session.key()).await.unwrap();
    }
    emu.set_faults(FaultConfig {
        latency_ms: 2100,
        ..Default::default()
    });
    let slow: Vec<_> = (0..3)
        .map(|_| {
            let s = session.clone();
            tokio::spawn(async move { s.users().me().await })
        })
        .collect();
    for t in slow {
        t.await.unwrap().unwrap();
    }
    emu.clear_faults();
    case!(
        "bad metrics",
        verifier(ok.clone())
            .with_metrics(client.metrics())
            .run()
            .await,
        ["RAT-004", "RAT-005", "PRF-001", "PRF-002", "PRF-003", "PRF-004"]
    );

    // Webhooks and security.
    case!(
        "short webhook secret",
        run(
            with(&ok, &[("ZOOM_WEBHOOK_SECRET_TOKEN", "short")], &[]),
            false
        )
        .await,
        ["WHK-002"]
    );
    case!(
        "webhook secret is the client secret",
        run(
            with(&ok, &[("ZOOM_WEBHOOK_SECRET_TOKEN", &secret)], &[]),
            false
        )
        .await,
        ["WHK-003"]
    );
    let weak = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    case!(
        "weak encryption key",
        run(
            with(&ok, &[("ZOOM_TOKEN_ENCRYPTION_KEY", weak)], &[]),
            false
        )
        .await,
        ["SEC-002", "STO-002"]
    );
    case!(
        "encryption key reused",
        run(with(&ok, &[("ZOOM_CLIENT_SECRET", KEY)], &[]), false).await,
        ["SEC-003"]
    );
    case!(
        "plaintext against Zoom",
        run(
            with(
                &ok,
                &[("ZOOM_TOKEN_STORE_PLAINTEXT", "1")],
                &[
                    "ZOOM_TOKEN_ENCRYPTION_KEY",
                    "ZOOM_API_BASE_URL",
                    "ZOOM_OAUTH_BASE_URL"
                ]
            ),
            false
        )
        .await,
        ["SEC-004", "SEC-001"]
    );
    case!(
        "API over plain http",
        run(
            with(
                &ok,
                &[("ZOOM_API_BASE_URL", "http://api.example.com/v2")],
                &[]
            ),
            false
        )
        .await,
        ["SEC-005"]
    );
    case!(
        "credentials in a URL",
        run(
            with(
                &ok,
                &[("ZOOM_API_BASE_URL", "https://user:pw@api.zoom.us/v2")],
                &[]
            ),
            false
        )
        .await,
        ["SEC-006"]
    );
    case!(
        "password in the store URL",
        run(
            with(
                &ok,
                &[(
                    "ZOOM_TOKEN_STORE",
                    "postgres:postgres://app:hunter2@127.0.0.1:1/db"
                )],
                &[]
            ),
            false
        )
        .await,
        ["SEC-007"]
    );
    case!(
        "quoted secret",
        run(
            with(
                &ok,
                &[("ZOOM_CLIENT_SECRET", "\"quoted-secret-123456\"")],
                &[]
            ),
            false
        )
        .await,
        ["SEC-009"]
    );
    case!(
        "old keys repeat the current",
        run(
            with(&ok, &[("ZOOM_TOKEN_ENCRYPTION_OLD_KEYS", KEY)], &[]),
            false
        )
        .await,
        ["SEC-010"]
    );

    // Every named check did not pass, and says how to fix it.
    let mut covered = BTreeSet::new();
    for (name, report, ids) in &cases {
        for id in ids {
            let r = report
                .get(id)
                .unwrap_or_else(|| panic!("{name}: no check {id}"));
            assert!(
                matches!(r.status, CheckStatus::Warn | CheckStatus::Fail),
                "{name}: {id} is {:?} ({})",
                r.status,
                r.detail
            );
            let fix = r
                .remediation
                .unwrap_or_else(|| panic!("{name}: {id} has no remediation"));
            assert!(
                fix.len() > 20,
                "{name}: {id}'s remediation is too thin: {fix}"
            );
            covered.insert(*id);
        }
        if report.results.iter().any(|r| r.status == CheckStatus::Fail) {
            assert!(!report.ok());
        }
    }
    let all: BTreeSet<&str> = cases[0].1.results.iter().map(|r| r.id).collect();
    let mut missing: Vec<&&str> = all.difference(&covered).collect();
    if pg::fresh_db("probe").await.is_none() {
        eprintln!("!!! STO-003 is shown failing only with PostgreSQL (read-only role)");
        missing.retain(|id| **id != "STO-003");
    }
    assert!(missing.is_empty(), "checks never made to fail: {missing:?}");
    println!(
        "{} checks, each shown failing or warning in {} broken set-ups",
        all.len(),
        cases.len()
    );
}

#[test]
fn zoom_verify_prints_a_table_or_json_and_exits_non_zero_on_failure() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zoom-verify"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "an empty environment fails");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cfg1 = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "CFG-001")
        .unwrap();
    assert_eq!(cfg1["status"], "fail");
    assert!(cfg1["remediation"]
        .as_str()
        .unwrap()
        .contains("Marketplace"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zoom-verify"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoom_verify_passes_online_against_a_healthy_emulator() {
    let emu = common::emulator().await;
    let env = healthy_env(&emu);
    let out = tokio::task::spawn_blocking(move || {
        std::process::Command::new(env!("CARGO_BIN_EXE_zoom-verify"))
            .env_clear()
            .envs(env)
            .args(["--online"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{table}");
    assert!(table.contains("0 failed"), "{table}");
}

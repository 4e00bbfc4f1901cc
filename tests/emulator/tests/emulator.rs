//! The emulator's contract, over raw HTTP: what any SDK (Rust, Python, C, TypeScript) sees.

use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig, SeedConfig};

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn s2s_token(emu: &Emulator) -> String {
    let c = emu.config();
    let v: Value = http()
        .post(format!(
            "{}/oauth/token?grant_type=account_credentials&account_id={}",
            emu.oauth_base_url(),
            c.account_id
        ))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        v.get("refresh_token").is_none(),
        "S2S grants have no refresh token"
    );
    v["access_token"].as_str().unwrap().to_string()
}

#[test]
fn the_binary_prints_its_address_and_serves_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zoom-emulator"))
        .args(["--port", "0", "--users", "2"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("zoom-emulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("ZOOM_EMULATOR_URL=")
        .expect("first line names the URL")
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let users: Value = rt.block_on(async {
        reqwest::get(format!("{url}/_emulator/users"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    });
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(users.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn pkce_s256_is_checked_and_a_code_is_single_use() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let c = emu.config();
    let verifier = "a-verifier-of-at-least-43-characters-0123456789";
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
    let authorize = |ch: String| {
        let c = c.clone();
        let base = emu.oauth_base_url();
        async move {
            let resp = http()
                .get(format!("{base}/oauth/authorize"))
                .query(&[
                    ("response_type", "code"),
                    ("client_id", &c.client_id),
                    ("redirect_uri", &c.redirect_uris[0]),
                    ("state", "s1"),
                    ("code_challenge", &ch),
                    ("code_challenge_method", "S256"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 302);
            let loc = url::Url::parse(resp.headers()["location"].to_str().unwrap()).unwrap();
            let q: std::collections::HashMap<_, _> = loc.query_pairs().into_owned().collect();
            assert_eq!(q["state"], "s1");
            q["code"].clone()
        }
    };
    let exchange = |code: String, v: &'static str| {
        let c = c.clone();
        let base = emu.oauth_base_url();
        async move {
            http()
                .post(format!("{base}/oauth/token"))
                .basic_auth(&c.client_id, Some(&c.client_secret))
                .form(&[
                    ("grant_type", "authorization_code"),
                    ("code", &code),
                    ("redirect_uri", &c.redirect_uris[0]),
                    ("code_verifier", v),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let code = authorize(challenge.clone()).await;
    assert_eq!(
        exchange(
            code.clone(),
            "the-wrong-verifier-of-43-characters-0000000000"
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        exchange(code, verifier).await.status(),
        400,
        "the code was spent by the failed attempt"
    );
    let code = authorize(challenge).await;
    let ok = exchange(code.clone(), verifier).await;
    assert_eq!(ok.status(), 200);
    let body: Value = ok.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert!(body["refresh_token"].is_string());
    assert_eq!(exchange(code, verifier).await.status(), 400, "single use");
}

#[tokio::test]
async fn pagination_follows_zoom_page_size_and_next_page_token() {
    let cfg = EmulatorConfig {
        rate_limits: RateLimitConfig::unlimited(),
        seed: SeedConfig {
            users: 1,
            meetings_per_user: 95,
            ..Default::default()
        },
        ..Default::default()
    };
    let emu = Emulator::start(cfg).await.unwrap();
    let token = s2s_token(&emu).await;
    let mut next = String::new();
    let mut sizes = Vec::new();
    let mut ids = std::collections::HashSet::new();
    loop {
        let v: Value = http()
            .get(format!("{}/users/me/meetings", emu.api_base_url()))
            .bearer_auth(&token)
            .query(&[("next_page_token", next.as_str())])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["total_records"], 95);
        assert_eq!(v["page_size"], 30, "Zoom's default page size");
        let items = v["meetings"].as_array().unwrap();
        sizes.push(items.len());
        ids.extend(items.iter().map(|m| m["id"].as_u64().unwrap()));
        next = v["next_page_token"].as_str().unwrap().to_string();
        if next.is_empty() {
            break;
        }
    }
    assert_eq!(sizes, vec![30, 30, 30, 5]);
    assert_eq!(ids.len(), 95);
    let big: Value = http()
        .get(format!(
            "{}/users/me/meetings?page_size=1000",
            emu.api_base_url()
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(big["page_size"], 300, "page_size is capped at 300");
}

#[tokio::test]
async fn the_light_limit_answers_429_with_zoom_s_headers() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let token = s2s_token(&emu).await;
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..31 {
        let r = http()
            .get(format!("{}/users/me", emu.api_base_url()))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
        last = Some(r);
    }
    assert!(statuses[..30].iter().all(|s| *s == 200), "{statuses:?}");
    let r = last.unwrap();
    assert_eq!(r.status(), 429);
    let h = r.headers();
    assert_eq!(h["x-ratelimit-category"], "Light");
    assert_eq!(h["x-ratelimit-type"], "QPS");
    assert_eq!(h["x-ratelimit-limit"], "30");
    assert_eq!(h["x-ratelimit-remaining"], "0");
    assert_eq!(h["retry-after"], "1");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], 429);
}

#[tokio::test]
async fn errors_use_zoom_s_codes_and_bodies() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let token = s2s_token(&emu).await;
    let get = |path: &str, bearer: Option<&str>| {
        let mut req = http().get(format!("{}{path}", emu.api_base_url()));
        if let Some(b) = bearer {
            req = req.bearer_auth(b);
        }
        req.send()
    };
    let r = get("/users/me", None).await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().await.unwrap()["code"], 124);
    let r = get("/users/nobody@example.com", Some(&token))
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        serde_json::json!({"code": 1001, "message": "User does not exist: nobody@example.com."})
    );
    let r = get("/meetings/1", Some(&token)).await.unwrap();
    assert_eq!(
        (
            r.status().as_u16(),
            r.json::<Value>().await.unwrap()["code"].clone()
        ),
        (404, Value::from(3001))
    );
    emu.expire_access_tokens(None);
    let r = get("/users/me", Some(&token)).await.unwrap();
    assert_eq!(
        r.json::<Value>().await.unwrap(),
        serde_json::json!({"code": 124, "message": "Access token is expired."})
    );
}

#[tokio::test]
async fn the_consent_page_authorizes_or_denies_as_the_person_chooses() {
    let cfg = EmulatorConfig {
        consent: true,
        ..Default::default()
    };
    let emu = Emulator::start(cfg).await.unwrap();
    let c = emu.config().clone();
    let base = emu.oauth_base_url();
    let redirect = c.redirect_uris[0].clone();
    let query = [
        ("response_type", "code"),
        ("client_id", c.client_id.as_str()),
        ("redirect_uri", redirect.as_str()),
        ("state", "st<&>1"),
    ];
    let page = http()
        .get(format!("{base}/oauth/authorize"))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"id="authorize""#) && html.contains(r#"id="deny""#));
    assert!(html.contains("meeting:read"), "the scopes are listed");
    assert!(
        html.contains("st&lt;&amp;&gt;1") && !html.contains("st<&>1"),
        "request values are escaped into the form"
    );

    let decide = |decision: &'static str, login: Option<String>| {
        let mut form: Vec<(String, String)> = query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        form.push(("decision".into(), decision.into()));
        if let Some(l) = login {
            form.push(("login".into(), l));
        }
        let url = format!("{base}/oauth/authorize");
        async move {
            let r = http().post(url).form(&form).send().await.unwrap();
            assert_eq!(r.status(), 302);
            let loc = url::Url::parse(r.headers()["location"].to_str().unwrap()).unwrap();
            loc.query_pairs()
                .into_owned()
                .collect::<std::collections::HashMap<_, _>>()
        }
    };
    let denied = decide("deny", None).await;
    assert_eq!(denied["error"], "access_denied");
    assert_eq!(denied["state"], "st<&>1");
    assert!(!denied.contains_key("code"));

    let users: Value = http()
        .get(format!("{base}/_emulator/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second = users[1]["id"].as_str().unwrap().to_string();
    let approved = decide("approve", Some(second.clone())).await;
    assert_eq!(approved["state"], "st<&>1");
    let token: Value = http()
        .post(format!("{base}/oauth/token"))
        .basic_auth(&c.client_id, Some(&c.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", approved["code"].as_str()),
            ("redirect_uri", redirect.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let me: Value = http()
        .get(format!("{}/users/me", emu.api_base_url()))
        .bearer_auth(token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], second.as_str(), "the chosen user signed in");
    let stats = emu.stats();
    assert_eq!((stats.consents_approved, stats.consents_denied), (1, 1));
}

#[tokio::test]
async fn a_rotated_refresh_token_answers_the_same_pair_within_the_grace_period() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let c = emu.config().clone();
    let base = emu.oauth_base_url();
    let redirect = c.redirect_uris[0].clone();
    let loc = http()
        .get(format!("{base}/oauth/authorize"))
        .query(&[
            ("response_type", "code"),
            ("client_id", c.client_id.as_str()),
            ("redirect_uri", redirect.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let code = url::Url::parse(&loc)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let grant = |form: Vec<(&'static str, String)>| {
        let (url, id, secret) = (
            format!("{base}/oauth/token"),
            c.client_id.clone(),
            c.client_secret.clone(),
        );
        async move {
            let r = http()
                .post(url)
                .basic_auth(id, Some(secret))
                .form(&form)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (_, first) = grant(vec![
        ("grant_type", "authorization_code".into()),
        ("code", code),
        ("redirect_uri", redirect.clone()),
    ])
    .await;
    let old = first["refresh_token"].as_str().unwrap().to_string();
    let refresh = || {
        grant(vec![
            ("grant_type", "refresh_token".into()),
            ("refresh_token", old.clone()),
        ])
    };
    emu.set_faults(zoom_emulator::FaultConfig {
        refresh_grace_secs: 2,
        ..Default::default()
    });
    let (s1, new) = refresh().await;
    let (s2, again) = refresh().await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(
        new, again,
        "within the grace period: the same new pair, not another"
    );
    assert_eq!(emu.stats().refresh_grace_reuses, 1);
    emu.clear_faults();
    let (s3, refused) = refresh().await;
    assert_eq!(
        (s3, refused["error"].as_str()),
        (400, Some("invalid_grant"))
    );
}

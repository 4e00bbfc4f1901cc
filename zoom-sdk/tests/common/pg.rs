//! PostgreSQL for tests: a fresh database per test on the server at `ZOOM_TEST_POSTGRES_URL`
//! (default `postgres://postgres@127.0.0.1:5432/test`). When no server answers, the test says
//! so loudly and is skipped, unless `ZOOM_SDK_REQUIRE_POSTGRES=1` (CI), where it fails.

use sqlx::Connection;

pub fn admin_url() -> String {
    std::env::var("ZOOM_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// A throw-away database, dropped when the guard is.
pub struct FreshDb {
    pub url: String,
    name: String,
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        let (admin, name) = (admin_url(), self.name.clone());
        // Best effort, on a thread of its own (Drop cannot await).
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut c = sqlx::PgConnection::connect(&admin).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut c)
                    .await
                    .ok()
            })
        })
        .join();
    }
}

pub async fn fresh_db(label: &str) -> Option<FreshDb> {
    let admin = admin_url();
    match sqlx::PgConnection::connect(&admin).await {
        Ok(mut c) => {
            let name = format!("zoom_sdk_{label}_{}", rand::random::<u32>());
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut c)
                .await
                .expect("CREATE DATABASE");
            let mut url = url::Url::parse(&admin).expect("a URL");
            url.set_path(&format!("/{name}"));
            Some(FreshDb {
                url: url.to_string(),
                name,
            })
        }
        Err(e) => {
            if std::env::var("ZOOM_SDK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("PostgreSQL is required (ZOOM_SDK_REQUIRE_POSTGRES=1) but {admin} is unreachable: {e}");
            }
            eprintln!("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!");
            eprintln!("!!! SKIPPED: no PostgreSQL at {admin} ({e}).");
            eprintln!(
                "!!! Set ZOOM_TEST_POSTGRES_URL, or ZOOM_SDK_REQUIRE_POSTGRES=1 to fail instead."
            );
            eprintln!("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n");
            None
        }
    }
}

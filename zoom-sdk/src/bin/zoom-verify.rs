//! `zoom-verify`: the production-readiness checks, as a table or JSON.
//!
//! It reads the same environment as the SDK. Offline by default (no call to Zoom); `--online`
//! also probes Zoom and runs the health report. Exits 1 when a check fails, 2 on bad usage.
//! `--reseal` re-encrypts the store's grants under the current key instead.

use std::process::ExitCode;
use zoom_sdk::readiness::Verifier;
use zoom_sdk::store;

const USAGE: &str =
    "usage: zoom-verify [--online] [--json] [--timeout SECS]\n       zoom-verify --reseal";

async fn reseal() -> Result<String, String> {
    let report = store::open_from_env()
        .await
        .map_err(|e| e.to_string())?
        .reseal(100)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "resealed {} grants in {} batches",
        report.resealed, report.batches
    ))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (mut online, mut json, mut do_reseal, mut timeout) = (false, false, false, 5.0f64);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--online" => online = true,
            "--offline" => online = false,
            "--json" => json = true,
            "--reseal" => do_reseal = true,
            "--timeout" => match args
                .next()
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|v| *v > 0.0)
            {
                Some(v) => timeout = v,
                None => {
                    eprintln!("--timeout takes a positive number of seconds\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if do_reseal {
        return match reseal().await {
            Ok(msg) => {
                println!("{msg}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("zoom-verify --reseal: {e}");
                ExitCode::from(1)
            }
        };
    }
    let report = Verifier::from_env()
        .online(online)
        .with_timeout(std::time::Duration::from_secs_f64(timeout))
        .run()
        .await;
    if json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(e) => {
                eprintln!("cannot encode the report: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", report.to_table());
    }
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

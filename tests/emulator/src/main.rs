//! `zoom-emulator`: the emulator as a process, for test suites in any language. It prints
//! `ZOOM_EMULATOR_URL=http://HOST:PORT` as its first line of output (with `--port 0` the OS
//! picks the port), logs through `tracing` (`RUST_LOG=zoom_emulator=debug` shows every
//! request), keeps a request log readable at `/_emulator/requests`, and stops cleanly on
//! SIGTERM or Ctrl-C. `GET /_emulator` lists the control endpoints.

use clap::Parser;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig};

/// A local Zoom: OAuth, the /v2 REST API, recording downloads, rate limits and faults.
#[derive(Parser, Debug)]
#[command(name = "zoom-emulator", version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to listen on (0: any free port, printed on start).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// A JSON configuration (the emulator's EmulatorConfig: app, users and data set, token
    /// lifetime, scopes, rate limits, faults); the flags below override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Seed of the generated data set.
    #[arg(long)]
    seed: Option<u64>,
    /// Users in the account.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    users: Option<u64>,
    /// Meetings per user.
    #[arg(long)]
    meetings_per_user: Option<usize>,
    /// Recorded meetings per user.
    #[arg(long)]
    recordings_per_user: Option<usize>,
    /// Access token lifetime in seconds.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    token_ttl: Option<u64>,
    /// The OAuth app's client id.
    #[arg(long)]
    client_id: Option<String>,
    /// The OAuth app's client secret.
    #[arg(long)]
    client_secret: Option<String>,
    /// A redirect URI registered for the app (repeatable).
    #[arg(long = "redirect-uri")]
    redirect_uris: Vec<String>,
    /// Switch Zoom's rate limits off.
    #[arg(long)]
    no_rate_limits: bool,
    /// Do not keep the request log.
    #[arg(long)]
    no_request_log: bool,
    /// Show a consent page with Authorize and Deny buttons at `/oauth/authorize` instead of
    /// approving at once (for people and browser tests).
    #[arg(long)]
    consent: bool,
}

fn config(args: &Args) -> Result<EmulatorConfig, String> {
    let mut cfg = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            serde_json::from_str::<EmulatorConfig>(&text)
                .map_err(|e| format!("{} is not an emulator configuration: {e}", path.display()))?
        }
        None => EmulatorConfig {
            request_log: true,
            ..Default::default()
        },
    };
    if let Some(v) = args.seed {
        cfg.seed.seed = v;
    }
    if let Some(v) = args.users {
        cfg.seed.users = v as usize;
    }
    if let Some(v) = args.meetings_per_user {
        cfg.seed.meetings_per_user = v;
    }
    if let Some(v) = args.recordings_per_user {
        cfg.seed.recordings_per_user = v;
    }
    if let Some(v) = args.token_ttl {
        cfg.access_token_ttl_secs = v;
    }
    if let Some(v) = &args.client_id {
        cfg.client_id = v.clone();
    }
    if let Some(v) = &args.client_secret {
        cfg.client_secret = v.clone();
    }
    if !args.redirect_uris.is_empty() {
        cfg.redirect_uris = args.redirect_uris.clone();
    }
    if args.no_rate_limits {
        cfg.rate_limits = RateLimitConfig::unlimited();
    }
    if args.no_request_log {
        cfg.request_log = false;
    } else if args.config.is_none() {
        cfg.request_log = true;
    }
    if args.consent {
        cfg.consent = true;
    }
    if cfg.seed.users == 0 {
        return Err("the configuration needs at least one user (the account owner)".into());
    }
    Ok(cfg)
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => tracing::info!("zoom-emulator: SIGTERM, stopping"),
                    _ = tokio::signal::ctrl_c() => tracing::info!("zoom-emulator: Ctrl-C, stopping"),
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("zoom_emulator=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let cfg = match config(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("zoom-emulator: {msg}");
            return std::process::ExitCode::from(2);
        }
    };
    let addr = SocketAddr::new(args.host, args.port);
    let emu = match Emulator::bind(addr, cfg).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("zoom-emulator: cannot listen on {addr}: {e}");
            return std::process::ExitCode::from(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "ZOOM_EMULATOR_URL={}", emu.base_url());
    let _ = out.flush();
    tracing::info!(url = %emu.base_url(), "zoom-emulator: listening");
    stop_signal().await;
    drop(emu);
    std::process::ExitCode::SUCCESS
}

//! `zoom-emulator`: run the emulator as a process. It prints `ZOOM_EMULATOR_URL=http://HOST:PORT`
//! on its first line of output, so tests in other languages can start it with `--port 0`.

use std::io::Write;
use std::net::SocketAddr;
use zoom_emulator::{Emulator, EmulatorConfig, RateLimitConfig};

const USAGE: &str = "usage: zoom-emulator [--host 127.0.0.1] [--port 0] [--seed N] [--users N]
       [--meetings-per-user N] [--recordings-per-user N] [--token-ttl SECS]
       [--client-id ID] [--client-secret SECRET] [--redirect-uri URI]... [--no-rate-limits]";

fn parse() -> Result<(SocketAddr, EmulatorConfig), String> {
    let mut cfg = EmulatorConfig::default();
    let mut host = "127.0.0.1".to_string();
    let mut port: u16 = 0;
    let mut redirects = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--no-rate-limits" {
            cfg.rate_limits = RateLimitConfig::unlimited();
            continue;
        }
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = |v: &str| -> Result<u64, String> {
            v.parse::<u64>()
                .map_err(|_| format!("{flag} takes a whole number, not {v:?}"))
        };
        match flag.as_str() {
            "--host" => host = value,
            "--port" => port = num(&value)? as u16,
            "--seed" => cfg.seed.seed = num(&value)?,
            "--users" => cfg.seed.users = num(&value)? as usize,
            "--meetings-per-user" => cfg.seed.meetings_per_user = num(&value)? as usize,
            "--recordings-per-user" => cfg.seed.recordings_per_user = num(&value)? as usize,
            "--token-ttl" => cfg.access_token_ttl_secs = num(&value)?,
            "--client-id" => cfg.client_id = value,
            "--client-secret" => cfg.client_secret = value,
            "--redirect-uri" => redirects.push(value),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    if !redirects.is_empty() {
        cfg.redirect_uris = redirects;
    }
    let addr: SocketAddr = format!("{host}:{port}")
        .parse()
        .map_err(|e| format!("bad --host/--port: {e}"))?;
    Ok((addr, cfg))
}

#[tokio::main]
async fn main() {
    let (addr, cfg) = match parse() {
        Ok(v) => v,
        Err(msg) => {
            eprintln!("{msg}");
            std::process::exit(2);
        }
    };
    let emu = match Emulator::bind(addr, cfg).await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("zoom-emulator: cannot bind {addr}: {e}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "ZOOM_EMULATOR_URL={}", emu.base_url());
    let _ = out.flush();
    let _ = tokio::signal::ctrl_c().await;
}

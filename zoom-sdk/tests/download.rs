//! Recording downloads against the emulator: a 200 MB file with flat memory (peak RSS printed),
//! resumed by `Range` after a reset mid-file and after a crash left a `.part` file; the
//! webhook's download token; progress; credentials only to Zoom.

mod common;

use common::*;
use sha2::{Digest, Sha256};
use std::sync::{Arc, Mutex};
use zoom_emulator::{file_bytes, file_digest, FaultConfig};
use zoom_sdk::api::{DownloadAuth, DownloadProgress};
use zoom_sdk::{Error, ExposeSecret};

/// Peak resident memory of this process so far, in bytes (Linux).
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Reset the peak to the current resident size (Linux: `echo 5 > /proc/self/clear_refs`).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn sha256_file(path: &std::path::Path) -> String {
    use std::io::Read;
    let mut f = std::fs::File::open(path).unwrap();
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    hex::encode(h.finalize())
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zoom-sdk-download-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mb_recording_downloads_with_flat_memory_and_resumes_after_a_reset_mid_file() {
    const SIZE: u64 = 200 * 1024 * 1024;
    let emu = emulator().await;
    let client = connected(&emu).await;
    let host = emu.users()[0].id.clone();
    let rec = emu.add_recording(&host, SIZE);
    let file = &rec["recording_files"][0];
    let (file_id, url) = (
        file["id"].as_str().unwrap().to_string(),
        file["download_url"].as_str().unwrap().to_string(),
    );
    emu.set_faults(FaultConfig {
        download_reset_next: 1,
        download_reset_after_bytes: 80 * 1024 * 1024,
        ..Default::default()
    });
    emu.reset_stats();
    let dir = tempdir();
    let path = dir.join("big.mp4");
    let seen = Arc::new(Mutex::new(Vec::<DownloadProgress>::new()));
    let s = seen.clone();
    let can_measure = reset_peak_rss();
    let before = peak_rss().unwrap_or(0);
    let report = client
        .user(USER)
        .recordings()
        .download_to_file(&url, &path, DownloadAuth::OAuth, move |p| {
            let mut v = s.lock().unwrap();
            if v.len() < 100_000 {
                v.push(p);
            }
        })
        .await
        .unwrap();
    let peak = peak_rss().unwrap_or(0).saturating_sub(before);
    println!(
        "downloaded {} MB with {} resumption(s); peak RSS grew by {:.1} MB{}",
        report.bytes / (1024 * 1024),
        report.resumptions,
        peak as f64 / 1048576.0,
        if can_measure {
            ""
        } else {
            " (peak reset unsupported: growth since start)"
        }
    );
    assert_eq!(report.bytes, SIZE);
    assert_eq!(report.resumptions, 1);
    let stats = emu.stats();
    assert_eq!((stats.downloads, stats.ranged_downloads), (2, 1));
    // The resumption starts where the client's file ends: only what was in flight when the
    // connection was cut (socket buffers) is sent twice, never the 80 MB before it.
    let again = stats.download_bytes - SIZE;
    println!(
        "sent again after the reset: {:.2} MB",
        again as f64 / 1048576.0
    );
    assert!(again < 16 * 1024 * 1024, "{again} bytes sent twice");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), SIZE);
    assert!(!dir.join("big.mp4.part").exists());
    assert_eq!(
        sha256_file(&path),
        file_digest(&file_id, SIZE),
        "every byte right"
    );
    let seen = seen.lock().unwrap();
    assert!(seen.windows(2).all(|w| w[0].downloaded <= w[1].downloaded));
    assert_eq!(seen.last().unwrap().downloaded, SIZE);
    assert_eq!(seen.last().unwrap().total, Some(SIZE));
    if can_measure {
        assert!(
            peak < 64 * 1024 * 1024,
            "memory stays flat: peak RSS grew by {peak} bytes for a {SIZE}-byte file"
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_download_interrupted_by_a_crash_resumes_from_its_part_file() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let host = emu.users()[0].id.clone();
    let rec = emu.add_recording(&host, 3_000_000);
    let file = &rec["recording_files"][0];
    let (file_id, url) = (
        file["id"].as_str().unwrap(),
        file["download_url"].as_str().unwrap(),
    );
    let dir = tempdir();
    let path = dir.join("r.mp4");
    std::fs::write(dir.join("r.mp4.part"), file_bytes(file_id, 0, 1_234_567)).unwrap();
    emu.reset_stats();
    let report = client
        .user(USER)
        .recordings()
        .download_to_file(url, &path, DownloadAuth::OAuth, |_| {})
        .await
        .unwrap();
    assert_eq!((report.bytes, report.resumed_from), (3_000_000, 1_234_567));
    assert_eq!(emu.stats().download_bytes, 3_000_000 - 1_234_567);
    assert_eq!(sha256_file(&path), file_digest(file_id, 3_000_000));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_download_token_streams_into_any_writer() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let host = emu.users()[0].id.clone();
    let rec = emu.add_recording(&host, 500_000);
    let file = &rec["recording_files"][0];
    let (file_id, url) = (
        file["id"].as_str().unwrap(),
        file["download_url"].as_str().unwrap(),
    );
    // The emulator accepts any valid access token as a download token.
    let token = client
        .tokens()
        .access_token(&zoom_sdk::TokenKey::user(USER))
        .await
        .unwrap();
    let mut out = Vec::new();
    let mut calls = 0;
    let report = client
        .user(USER)
        .recordings()
        .download(
            url,
            DownloadAuth::DownloadToken(token.expose_secret().to_string().into()),
            &mut out,
            |_| calls += 1,
        )
        .await
        .unwrap();
    assert_eq!(report.bytes, 500_000);
    assert!(calls > 0);
    assert_eq!(out, file_bytes(file_id, 0, 500_000));
}

#[tokio::test]
async fn downloads_fail_clearly_and_never_send_a_credential_elsewhere() {
    let emu = emulator().await;
    let client = connected(&emu).await;
    let alice = client.user(USER);
    let mut sink = Vec::new();
    let missing = format!("{}/rec/download/nope", emu.base_url());
    assert!(matches!(
        alice
            .recordings()
            .download(&missing, DownloadAuth::OAuth, &mut sink, |_| {})
            .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        alice
            .recordings()
            .download(
                "https://evil.example/rec/download/x",
                DownloadAuth::OAuth,
                &mut sink,
                |_| {}
            )
            .await,
        Err(Error::InvalidInput { .. })
    ));
    assert!(sink.is_empty());
}

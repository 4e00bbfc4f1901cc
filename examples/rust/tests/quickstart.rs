//! The README's first command runs the quickstart; this runs the same binary with no Zoom
//! credentials and checks every step printed.

use std::process::Command;

#[test]
fn quickstart_walks_every_step_against_the_emulator() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quickstart"));
    for (k, _) in std::env::vars() {
        if k.starts_with("ZOOM_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd.output().expect("quickstart runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for needle in [
        "[1/6] authorize",
        "[2/6] exchange the code",
        "[3/6] create a meeting",
        "[4/6] list meetings",
        "[5/6] force expiry and refresh",
        "the SDK refreshed 1 time(s)",
        "[6/6] revoke",
        "has not connected Zoom",
        "Quickstart finished",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }
}

//! Runs `cli.sh`: the emulator driven through its command line and control endpoints only, as
//! the Python, C and TypeScript suites drive it.

#[test]
fn the_emulator_is_a_command_any_language_can_drive() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli.sh");
    let out = std::process::Command::new("bash")
        .arg(&script)
        .env("ZOOM_EMULATOR_BIN", env!("CARGO_BIN_EXE_zoom-emulator"))
        .output()
        .expect("bash runs");
    let text = String::from_utf8_lossy(&out.stdout);
    println!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "cli.sh failed:\n{text}");
}

//! Python with `cryptography`, for compatibility tests with the Python backend. The interpreter
//! is `ZOOM_TEST_PYTHON`, else the project's `.venv` (made by scripts/test-all.sh), else
//! `python3`. Missing: a loud skip, or a failure under `ZOOM_SDK_REQUIRE_POSTGRES=1` (CI).

use std::path::PathBuf;
use std::process::Command;

const FERNET: &str = r#"
import sys
from cryptography.fernet import Fernet
cmd = sys.argv[1]
if cmd == "gen":
    print(Fernet.generate_key().decode())
elif cmd == "enc":
    print(Fernet(sys.argv[2].encode()).encrypt(sys.argv[3].encode()).decode())
elif cmd == "dec":
    print(Fernet(sys.argv[2].encode()).decrypt(sys.argv[3].encode()).decode())
"#;

pub struct Python(PathBuf);

pub fn python() -> Option<Python> {
    let venv = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
    let exe = std::env::var_os("ZOOM_TEST_PYTHON")
        .map(PathBuf::from)
        .or_else(|| venv.exists().then_some(venv))
        .unwrap_or_else(|| PathBuf::from("python3"));
    let ok = Command::new(&exe)
        .args(["-c", "import cryptography"])
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Some(Python(exe));
    }
    if std::env::var("ZOOM_SDK_REQUIRE_POSTGRES").as_deref() == Ok("1") {
        panic!(
            "{} has no `cryptography`; scripts/test-all.sh installs it into .venv",
            exe.display()
        );
    }
    eprintln!("\n!!! SKIPPED: no Python with `cryptography` ({}); run scripts/test-all.sh to make .venv\n", exe.display());
    None
}

impl Python {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new(&self.0)
            .arg("-c")
            .arg(FERNET)
            .args(args)
            .output()
            .expect("python runs");
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }
    pub fn fernet_key(&self) -> String {
        self.run(&["gen"])
    }
    pub fn encrypt(&self, key: &str, plain: &str) -> String {
        self.run(&["enc", key, plain])
    }
    pub fn decrypt(&self, key: &str, token: &str) -> String {
        self.run(&["dec", key, token])
    }
}

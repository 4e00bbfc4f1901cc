//! `include/zoom_sdk.h` is what cbindgen generates from this crate (rewrite it with
//! `ZOOM_FFI_BLESS=1 cargo test -p zoom-ffi --test header`), and it compiles as C11 and C++17
//! with every warning an error.

use std::path::{Path, PathBuf};
use std::process::Command;

fn header_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../include/zoom_sdk.h")
}

fn generated() -> Vec<u8> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config =
        cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut out);
    out
}

#[test]
fn the_checked_in_header_is_what_cbindgen_generates() {
    let fresh = generated();
    if std::env::var("ZOOM_FFI_BLESS").as_deref() == Ok("1") {
        std::fs::write(header_path(), &fresh).unwrap();
        return;
    }
    let current = std::fs::read(header_path()).unwrap_or_default();
    assert!(
        current == fresh,
        "include/zoom_sdk.h is stale: run ZOOM_FFI_BLESS=1 cargo test -p zoom-ffi --test header and commit it"
    );
}

#[test]
fn the_header_compiles_as_c11_and_cpp17_without_warnings() {
    let dir = std::env::temp_dir().join(format!("zoom-ffi-header-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let include = header_path().parent().unwrap().to_path_buf();
    let src = "#include \"zoom_sdk.h\"\nint main(void) { ZoomResult r = ZOOM_RESULT_OK; (void)r; return ZOOM_SDK_ABI_VERSION == 1 ? 0 : 1; }\n";
    for (compiler, std, file) in [("cc", "-std=c11", "h.c"), ("c++", "-std=c++17", "h.cpp")] {
        let path = dir.join(file);
        std::fs::write(&path, src).unwrap();
        let out = Command::new(compiler)
            .args([
                std,
                "-Wall",
                "-Wextra",
                "-Werror",
                "-pedantic",
                "-fsyntax-only",
                "-I",
            ])
            .arg(&include)
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("{compiler} must be installed: {e}"));
        assert!(
            out.status.success(),
            "{compiler} {std}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

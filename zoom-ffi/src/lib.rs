//! # zoom-ffi
//!
//! The C ABI over `zoom-sdk`. This crate is the start of it: the library version and the
//! stable error-kind codes every later entry point returns. Client handles, the async bridge
//! and the cbindgen-generated `include/zoom_sdk.h` come with the C ABI issue.
//!
//! Every function here is panic-free and takes no pointers it could misuse.

use std::ffi::{c_char, CStr, CString};
use std::sync::OnceLock;
use zoom_sdk::ErrorKind;

static VERSION: &CStr =
    match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
        Ok(v) => v,
        Err(_) => c"unknown",
    };

/// The library version, as a static NUL-terminated string the caller must not free.
#[no_mangle]
pub extern "C" fn zoom_sdk_version() -> *const c_char {
    VERSION.as_ptr()
}

/// The name of an error-kind code (`"not_found"` for 31, ...), or `"unknown"`; a static
/// NUL-terminated string the caller must not free.
#[no_mangle]
pub extern "C" fn zoom_error_kind_name(code: u32) -> *const c_char {
    static NAMES: OnceLock<Vec<(u32, CString)>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        ErrorKind::ALL
            .iter()
            .filter_map(|k| CString::new(k.name()).ok().map(|n| (k.code(), n)))
            .collect()
    });
    names
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(c"unknown".as_ptr(), |(_, n)| n.as_ptr())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_name_matches_the_core_s_name() {
        for k in ErrorKind::ALL {
            // SAFETY: the function returns a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(zoom_error_kind_name(k.code())) };
            assert_eq!(name.to_str().unwrap(), k.name());
        }
        let unknown = unsafe { CStr::from_ptr(zoom_error_kind_name(9999)) };
        assert_eq!(unknown.to_str().unwrap(), "unknown");
    }

    #[test]
    fn version_is_the_crate_version() {
        let v = unsafe { CStr::from_ptr(zoom_sdk_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}

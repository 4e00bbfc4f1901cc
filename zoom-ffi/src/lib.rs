//! # zoom-ffi
//!
//! The C ABI over `zoom-sdk`. This crate is the start of it: the library version and the
//! stable error-kind codes every later entry point returns. Client handles, the async bridge
//! and the cbindgen-generated `include/zoom_sdk.h` come with the C ABI issue.
//!
//! Every function here is panic-free and takes no pointers it could misuse.

use std::ffi::{c_char, CStr};
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
    let name: &CStr = match kind_from_code(code) {
        Some(ErrorKind::Config) => c"config",
        Some(ErrorKind::InvalidInput) => c"invalid_input",
        Some(ErrorKind::OAuth) => c"oauth",
        Some(ErrorKind::StateMismatch) => c"state_mismatch",
        Some(ErrorKind::ReauthorizationRequired) => c"reauthorization_required",
        Some(ErrorKind::Auth) => c"auth",
        Some(ErrorKind::PermissionDenied) => c"permission_denied",
        Some(ErrorKind::RateLimited) => c"rate_limited",
        Some(ErrorKind::NotFound) => c"not_found",
        Some(ErrorKind::Validation) => c"validation",
        Some(ErrorKind::Api) => c"api",
        Some(ErrorKind::Transport) => c"transport",
        Some(ErrorKind::Timeout) => c"timeout",
        Some(ErrorKind::Decode) => c"decode",
        Some(ErrorKind::Storage) => c"storage",
        Some(ErrorKind::Webhook) => c"webhook",
        _ => c"unknown",
    };
    name.as_ptr()
}

/// Every kind, for mapping codes back.
const KINDS: &[ErrorKind] = &[
    ErrorKind::Config,
    ErrorKind::InvalidInput,
    ErrorKind::OAuth,
    ErrorKind::StateMismatch,
    ErrorKind::ReauthorizationRequired,
    ErrorKind::Auth,
    ErrorKind::PermissionDenied,
    ErrorKind::RateLimited,
    ErrorKind::NotFound,
    ErrorKind::Validation,
    ErrorKind::Api,
    ErrorKind::Transport,
    ErrorKind::Timeout,
    ErrorKind::Decode,
    ErrorKind::Storage,
    ErrorKind::Webhook,
];

fn kind_from_code(code: u32) -> Option<ErrorKind> {
    KINDS.iter().copied().find(|k| *k as u32 == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_name_matches_the_core_s_name() {
        for k in KINDS {
            // SAFETY: the function returns a static NUL-terminated string.
            let name = unsafe { CStr::from_ptr(zoom_error_kind_name(*k as u32)) };
            assert_eq!(name.to_str().unwrap(), k.as_str());
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

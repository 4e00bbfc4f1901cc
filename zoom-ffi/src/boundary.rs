//! What every exported function goes through: the result codes, the per-thread last error, the
//! panic guard, reading C arguments, strings handed to C, and the library's own runtime.

use serde_json::{json, Value};
use std::cell::RefCell;
use std::collections::HashSet;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock};
use zoom_sdk::ErrorKind;

/// What a function did. `ZOOM_RESULT_OK` is success; codes 1 to 9 are the boundary's own; the
/// others are the core's `ErrorKind` codes, one for one (a test checks both lists agree).
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoomResult {
    /// Success.
    Ok = 0,
    /// A required pointer was NULL.
    NullArgument = 1,
    /// A string was not UTF-8.
    InvalidUtf8 = 2,
    /// A JSON argument did not parse, or had the wrong shape for a typed argument (valid JSON
    /// whose settings or options are wrong is `ZOOM_RESULT_INVALID_INPUT`, naming them).
    InvalidJson = 3,
    /// A bug in the library (a Rust panic), stopped at the boundary.
    Panic = 4,
    /// A handle or string that this library did not hand out, or that was freed already.
    InvalidHandle = 5,
    /// Configuration is incomplete or invalid.
    Config = 10,
    /// An argument was refused before any call to Zoom.
    InvalidInput = 11,
    /// Zoom's OAuth endpoint refused a request.
    Oauth = 20,
    /// An OAuth `state` was unknown, reused or expired.
    StateMismatch = 21,
    /// The user must connect again.
    ReauthorizationRequired = 22,
    /// Zoom refused the access token.
    Auth = 23,
    /// The token lacks a scope or the user a permission.
    PermissionDenied = 24,
    /// The user never connected.
    NotConnected = 25,
    /// Rate limited (see `retry_after_secs` in the error JSON).
    RateLimited = 30,
    /// Not found.
    NotFound = 31,
    /// Zoom refused the request's content (see `zoom_code`).
    Validation = 32,
    /// Another error answer of Zoom.
    Api = 33,
    /// The network failed.
    Transport = 40,
    /// Zoom did not answer in time.
    Timeout = 41,
    /// Zoom's answer could not be read.
    Decode = 42,
    /// The token store or the index failed.
    Storage = 50,
    /// A webhook was refused.
    Webhook = 60,
}

impl ZoomResult {
    /// Every code, in order.
    pub const ALL: &'static [ZoomResult] = &[
        Self::Ok,
        Self::NullArgument,
        Self::InvalidUtf8,
        Self::InvalidJson,
        Self::Panic,
        Self::InvalidHandle,
        Self::Config,
        Self::InvalidInput,
        Self::Oauth,
        Self::StateMismatch,
        Self::ReauthorizationRequired,
        Self::Auth,
        Self::PermissionDenied,
        Self::NotConnected,
        Self::RateLimited,
        Self::NotFound,
        Self::Validation,
        Self::Api,
        Self::Transport,
        Self::Timeout,
        Self::Decode,
        Self::Storage,
        Self::Webhook,
    ];

    /// The code of a core error kind.
    pub fn of_kind(kind: ErrorKind) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|r| *r as u32 == kind.code())
            .unwrap_or(Self::Api)
    }

    /// The snake_case name (the core's kind name for kind codes).
    pub fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::NullArgument => "null_argument",
            Self::InvalidUtf8 => "invalid_utf8",
            Self::InvalidJson => "invalid_json",
            Self::Panic => "panic",
            Self::InvalidHandle => "invalid_handle",
            other => ErrorKind::from_code(other as u32).map_or("unknown", ErrorKind::name),
        }
    }
}

/// Why a call failed.
pub(crate) enum Failure {
    Null(&'static str),
    Utf8(&'static str),
    Json(String),
    Handle(&'static str),
    Sdk(zoom_sdk::Error),
}

impl From<zoom_sdk::Error> for Failure {
    fn from(e: zoom_sdk::Error) -> Self {
        Self::Sdk(e)
    }
}

pub(crate) type Outcome = Result<(), Failure>;

struct LastError {
    message: CString,
    json: CString,
}

thread_local! {
    static LAST: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

fn cstring(s: String) -> CString {
    CString::new(s.replace('\0', " ")).unwrap_or_default()
}

fn record(code: ZoomResult, message: String, extra: Value) {
    let mut body = json!({"code": code as u32, "kind": code.name(), "message": message});
    if let (Some(obj), Value::Object(more)) = (body.as_object_mut(), extra) {
        obj.extend(more);
    }
    LAST.with(|l| {
        *l.borrow_mut() = Some(LastError {
            message: cstring(message),
            json: cstring(body.to_string()),
        })
    });
}

fn describe(f: Failure) -> ZoomResult {
    match f {
        Failure::Null(arg) => {
            record(
                ZoomResult::NullArgument,
                format!("{arg} must not be NULL"),
                Value::Null,
            );
            ZoomResult::NullArgument
        }
        Failure::Utf8(arg) => {
            record(
                ZoomResult::InvalidUtf8,
                format!("{arg} is not UTF-8"),
                Value::Null,
            );
            ZoomResult::InvalidUtf8
        }
        Failure::Json(m) => {
            record(ZoomResult::InvalidJson, m, Value::Null);
            ZoomResult::InvalidJson
        }
        Failure::Handle(what) => {
            record(
                ZoomResult::InvalidHandle,
                format!("{what} was not handed out by this library, or was freed already"),
                Value::Null,
            );
            ZoomResult::InvalidHandle
        }
        Failure::Sdk(e) => {
            let code = ZoomResult::of_kind(e.kind());
            let api = e.api_error();
            let extra = json!({
                "status": e.status(),
                "zoom_code": api.and_then(|a| a.code),
                "tracking_id": api.and_then(|a| a.tracking_id.clone()),
                "retry_after_secs": e.retry_after().map(|d| d.as_secs_f64()),
                "retryable": e.is_retryable(),
            });
            record(code, e.to_string(), extra);
            code
        }
    }
}

/// Run `f`: its failure, or a panic, becomes a code and the thread's last error.
pub(crate) fn guard(f: impl FnOnce() -> Outcome) -> ZoomResult {
    LAST.with(|l| *l.borrow_mut() = None);
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => ZoomResult::Ok,
        Ok(Err(failure)) => describe(failure),
        Err(panic) => {
            let what = zoom_sdk::bindings::panic_message(panic.as_ref());
            record(
                ZoomResult::Panic,
                format!("internal error (please report it): {what}"),
                Value::Null,
            );
            ZoomResult::Panic
        }
    }
}

/// The thread's last error message ("" after a success).
pub(crate) fn last_message() -> *const c_char {
    LAST.with(|l| {
        l.borrow()
            .as_ref()
            .map_or(c"".as_ptr(), |e| e.message.as_ptr())
    })
}

/// The thread's last error as JSON ("" after a success).
pub(crate) fn last_json() -> *const c_char {
    LAST.with(|l| {
        l.borrow()
            .as_ref()
            .map_or(c"".as_ptr(), |e| e.json.as_ptr())
    })
}

/// A required C string argument.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for the call.
pub(crate) unsafe fn text<'a>(p: *const c_char, arg: &'static str) -> Result<&'a str, Failure> {
    if p.is_null() {
        return Err(Failure::Null(arg));
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    unsafe { CStr::from_ptr(p) }
        .to_str()
        .map_err(|_| Failure::Utf8(arg))
}

/// An optional C string argument (NULL: `None`).
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn opt_text<'a>(
    p: *const c_char,
    arg: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: as the caller promised.
        unsafe { text(p, arg) }.map(Some)
    }
}

/// A JSON argument of type `T` (NULL: `T::default()` when `optional`).
///
/// # Safety
/// As [`text`].
pub(crate) unsafe fn json_arg<T: serde::de::DeserializeOwned + Default>(
    p: *const c_char,
    arg: &'static str,
    optional: bool,
) -> Result<T, Failure> {
    if p.is_null() && optional {
        return Ok(T::default());
    }
    // SAFETY: as the caller promised.
    let s = unsafe { text(p, arg) }?;
    parse_json(s, arg)
}

/// JSON text of argument `arg` read as `T` (a parse or shape error names the argument).
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    s: &str,
    arg: &'static str,
) -> Result<T, Failure> {
    serde_json::from_str(s).map_err(|e| Failure::Json(format!("{arg}: {e}")))
}

/// Strings handed to C, so that freeing one twice (or freeing a stranger) is a code.
fn live_strings() -> &'static Mutex<HashSet<usize>> {
    static LIVE: OnceLock<Mutex<HashSet<usize>>> = OnceLock::new();
    LIVE.get_or_init(Default::default)
}

/// Hand `s` to C through `out`.
///
/// # Safety
/// `out` is NULL or points to writable storage for one pointer.
pub(crate) unsafe fn give(out: *mut *mut c_char, s: String) -> Outcome {
    if out.is_null() {
        return Err(Failure::Null("out"));
    }
    let p = cstring(s).into_raw();
    live_strings()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(p as usize);
    // SAFETY: checked non-NULL; the caller promises it is writable.
    unsafe { *out = p };
    Ok(())
}

/// Hand `v` to C as JSON.
///
/// # Safety
/// As [`give`].
pub(crate) unsafe fn give_json<T: serde::Serialize>(out: *mut *mut c_char, v: &T) -> Outcome {
    let s = serde_json::to_string(v).map_err(|e| Failure::Json(e.to_string()))?;
    // SAFETY: as the caller promised.
    unsafe { give(out, s) }
}

/// Take back a string handed out by [`give`].
pub(crate) fn take_back(p: *mut c_char) -> Outcome {
    if p.is_null() {
        return Ok(());
    }
    let known = live_strings()
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&(p as usize));
    if !known {
        return Err(Failure::Handle("this string"));
    }
    // SAFETY: `p` came from CString::into_raw in `give` and was not taken back before.
    drop(unsafe { CString::from_raw(p) });
    Ok(())
}

/// The library's runtime: every blocking call runs its future here, whatever thread calls.
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime, Failure> {
    static RT: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("zoom-sdk")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|e| {
        Failure::Sdk(zoom_sdk::Error::storage(format!(
            "cannot start the library's runtime: {e}"
        )))
    })
}

/// Run `fut` to completion on the library's runtime.
pub(crate) fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, Failure> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Failure::Sdk(zoom_sdk::Error::InvalidInput {
            field: "thread".into(),
            message: "a blocking zoom_* function was called from inside the library's own callback or runtime".into(),
        }));
    }
    Ok(runtime()?.block_on(fut))
}

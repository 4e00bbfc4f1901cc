//! SDK errors become the Python exceptions of `zoom_sdk.errors`, in one place: the error's JSON
//! form (kind, message, status, Zoom code, tracking id, retry-after, ...) goes to
//! `zoom_sdk.errors._from_native`, which picks the class for the kind.

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde_json::{json, Value};

static FROM_NATIVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The Python exception for an error given as JSON (`{"kind": .., "message": .., ...}`).
pub fn exception(py: Python<'_>, info: &Value) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let f = FROM_NATIVE.get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("zoom_sdk.errors")?
                    .getattr("_from_native")?
                    .unbind(),
            )
        })?;
        let info = pythonize::pythonize(py, info)?;
        let exc = f.bind(py).call1((info,))?;
        Ok(PyErr::from_value(exc))
    })();
    made.unwrap_or_else(|e| {
        PyRuntimeError::new_err(format!(
            "zoom_sdk: {} (and the exception could not be built: {e})",
            info.get("message")
                .and_then(Value::as_str)
                .unwrap_or("error")
        ))
    })
}

/// The Python exception for an SDK error.
pub fn from_sdk(py: Python<'_>, e: &zoom_sdk::Error) -> PyErr {
    let info = serde_json::to_value(e)
        .unwrap_or_else(|_| json!({"kind": e.kind().name(), "message": e.to_string()}));
    exception(py, &info)
}

/// A `ZoomError` of kind `invalid_input` for an argument the binding itself refused.
pub fn invalid(py: Python<'_>, field: &str, message: String) -> PyErr {
    from_sdk(
        py,
        &zoom_sdk::Error::InvalidInput {
            field: field.into(),
            message,
        },
    )
}

/// A Rust panic, as a `ZoomError` of kind `internal` (never an abort).
pub fn from_panic(py: Python<'_>, payload: Box<dyn std::any::Any + Send>) -> PyErr {
    let what = zoom_sdk::bindings::panic_message(payload.as_ref());
    exception(
        py,
        &json!({"kind": "internal", "message": format!("internal error in zoom_sdk (please report): {what}")}),
    )
}

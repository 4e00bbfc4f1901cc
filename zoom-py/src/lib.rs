//! # zoom-py
//!
//! The native part (`zoom_sdk._zoom_sdk`) of the Python package `zoom_sdk`, laid out like
//! pydantic-core: this crate is small on purpose. It runs `zoom_sdk::bindings::Service` for
//! Python, blocking (GIL released) or on asyncio, converts JSON to Python objects and back
//! (pythonize), and turns SDK errors into the exceptions of `zoom_sdk.errors`. The typed client,
//! models and exceptions are Python code in `python/zoom_sdk/`, with nothing about Zoom decided
//! there either.

mod bridge;
mod client;
mod errors;
mod runtime;

use pyo3::prelude::*;

/// Every error kind of the core as `(name, code)`, for the exception classes' test.
#[pyfunction]
fn error_kinds() -> Vec<(&'static str, u32)> {
    zoom_sdk::ErrorKind::ALL
        .iter()
        .map(|k| (k.name(), k.code()))
        .collect()
}

/// Panic on purpose, to prove a panic becomes a `ZoomError` (tests only).
#[pyfunction]
fn _panic_for_test(py: Python<'_>) -> PyResult<()> {
    bridge::block(py, async { panic!("deliberate panic for the test suite") })
}

/// The native part of the `zoom_sdk` package.
#[pymodule]
fn _zoom_sdk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::NativeClient>()?;
    m.add_function(wrap_pyfunction!(error_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_test, m)?)?;
    Ok(())
}

//! # zoom-py
//!
//! The Python module `zoom_sdk` (built with maturin). This is its start: the module and its
//! version. The client, the exception hierarchy created from `zoom_sdk::ErrorKind`, and the
//! stubs' full surface come with the Python module issue.

use pyo3::prelude::*;

/// The native part of the `zoom_sdk` package.
#[pymodule]
fn _zoom_sdk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

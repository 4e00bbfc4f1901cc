//! The module's tokio runtime: one per process. A forked child (gunicorn pre-fork, `os.fork`)
//! inherits the parent's runtime without its threads, so the first call in the child starts a
//! new one and the parent's is forgotten (dropping it would wait for threads that do not exist).

use pyo3::exceptions::PyRuntimeError;
use pyo3::PyResult;
use std::sync::{Arc, Mutex};
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, Arc<Runtime>)>> = Mutex::new(None);

/// The runtime of this process, started on first use (and again after a fork).
pub fn runtime() -> PyResult<Arc<Runtime>> {
    let pid = std::process::id();
    let mut slot = RUNTIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, rt)) = slot.as_ref() {
        if *owner == pid {
            return Ok(rt.clone());
        }
    }
    if let Some((_, inherited)) = slot.take() {
        // A fork's copy: its worker threads stayed in the parent.
        std::mem::forget(inherited);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("zoom-sdk-py")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("zoom_sdk cannot start its runtime: {e}")))?;
    let rt = Arc::new(rt);
    *slot = Some((pid, rt.clone()));
    Ok(rt)
}

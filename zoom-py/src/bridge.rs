//! Running the core's futures for Python: blocking (the GIL released while waiting, Ctrl-C
//! honoured) and asyncio (an `asyncio.Future` on the caller's running loop, resolved from the
//! runtime; cancelling it drops the Rust future, which the core is written to survive).

use crate::errors;
use crate::runtime::runtime;
use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use serde_json::{json, Value};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

/// How often a blocking call looks for a pending signal (Ctrl-C) on the main thread.
const SIGNAL_POLL: Duration = Duration::from_millis(100);

/// Run `fut` on the module's runtime and wait for it without holding the GIL. A signal whose
/// handler raises (KeyboardInterrupt) stops the wait and drops the work.
pub fn block<T: Send>(
    py: Python<'_>,
    fut: impl Future<Output = zoom_sdk::Result<T>> + Send,
) -> PyResult<T> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(errors::exception(
            py,
            &json!({"kind": "invalid_input", "message": "a blocking zoom_sdk call was made from a progress callback or another runtime thread; use the asyncio API or call after it returns", "field": "thread"}),
        ));
    }
    let rt = runtime()?;
    enum Outcome<T> {
        Done(std::thread::Result<zoom_sdk::Result<T>>),
        Interrupted(PyErr),
    }
    let outcome = py.detach(|| {
        rt.block_on(async {
            let work = AssertUnwindSafe(fut).catch_unwind();
            tokio::pin!(work);
            loop {
                tokio::select! {
                    r = &mut work => return Outcome::Done(r),
                    _ = tokio::time::sleep(SIGNAL_POLL) => {
                        if let Some(e) = Python::attach(|py| py.check_signals().err()) {
                            return Outcome::Interrupted(e);
                        }
                    }
                }
            }
        })
    });
    match outcome {
        Outcome::Done(Ok(Ok(v))) => Ok(v),
        Outcome::Done(Ok(Err(e))) => Err(errors::from_sdk(py, &e)),
        Outcome::Done(Err(panic)) => Err(errors::from_panic(py, panic)),
        Outcome::Interrupted(e) => Err(e),
    }
}

/// Sets an asyncio future's outcome unless it is done already (cancelled while the work ran).
#[pyfunction]
fn resolve(fut: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if fut.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if ok {
        fut.call_method1("set_result", (value,))?;
    } else {
        fut.call_method1("set_exception", (value,))?;
    }
    Ok(())
}

static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Start `fut` on the module's runtime and return an `asyncio.Future` of the running loop that
/// gets its value (as Python objects) or its exception. Cancelling that future aborts the task.
pub fn spawn<'py>(
    py: Python<'py>,
    fut: impl Future<Output = zoom_sdk::Result<Value>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let resolve = RESOLVE
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(wrap_pyfunction!(resolve, py)?.into_any().unbind())
        })?
        .clone_ref(py);
    let (l, f) = (event_loop.clone().unbind(), future.clone().unbind());
    let task = runtime()?.spawn(async move {
        let r = AssertUnwindSafe(fut).catch_unwind().await;
        Python::attach(|py| {
            let (ok, value) = match r {
                Ok(Ok(v)) => match pythonize::pythonize(py, &v) {
                    Ok(obj) => (true, obj.unbind()),
                    Err(e) => (false, PyErr::from(e).into_value(py).into_any()),
                },
                Ok(Err(e)) => (false, errors::from_sdk(py, &e).into_value(py).into_any()),
                Err(panic) => (false, errors::from_panic(py, panic).into_value(py).into_any()),
            };
            // A closed loop cannot take the result any more; nobody is waiting for it.
            let _ = l
                .bind(py)
                .call_method1("call_soon_threadsafe", (resolve, f, ok, value));
        });
    });
    let abort = task.abort_handle();
    let on_done = PyCFunction::new_closure(py, None, None, move |args, _kwargs| -> PyResult<()> {
        let fut = args.get_item(0)?;
        if fut.call_method0("cancelled")?.is_truthy()? {
            abort.abort();
        }
        Ok(())
    })?;
    future.call_method1("add_done_callback", (on_done,))?;
    Ok(future)
}

/// A progress sink calling `callback(dict)`: directly on the library thread for blocking
/// calls, through the loop (`call_soon_threadsafe`) for asyncio calls, so that an async
/// caller's callback runs on its own loop's thread. A callback that raises is reported through
/// `sys.unraisablehook` and does not stop the work.
pub fn progress_sink(
    py: Python<'_>,
    callback: Option<Py<PyAny>>,
    on_loop: bool,
) -> PyResult<Option<zoom_sdk::bindings::ProgressSink>> {
    let Some(cb) = callback else { return Ok(None) };
    let event_loop = if on_loop {
        Some(
            py.import("asyncio")?
                .call_method0("get_running_loop")?
                .unbind(),
        )
    } else {
        None
    };
    Ok(Some(std::sync::Arc::new(move |v: Value| {
        Python::attach(|py| {
            let arg = match pythonize::pythonize(py, &v) {
                Ok(a) => a,
                Err(_) => return,
            };
            let r = match &event_loop {
                Some(l) => l
                    .bind(py)
                    .call_method1("call_soon_threadsafe", (cb.bind(py), arg))
                    .map(|_| ()),
                None => cb.bind(py).call1((arg,)).map(|_| ()),
            };
            if let Err(e) = r {
                e.write_unraisable(py, Some(cb.bind(py)));
            }
        })
    })))
}

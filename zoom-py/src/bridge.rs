//! Running the core's futures for Python: blocking (the GIL released while waiting, Ctrl-C
//! honoured) and asyncio (an `asyncio.Future` on the caller's running loop, resolved from the
//! runtime; cancelling it drops the Rust future, which the core is written to survive).

use crate::errors;
use crate::runtime::runtime;
use futures_util::FutureExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use serde_json::Value;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
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
        return Err(errors::invalid(
            py,
            "thread",
            "a blocking zoom_sdk call was made from a progress callback or another runtime thread; use the asyncio API or call after it returns".into(),
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

type Outcome = std::thread::Result<zoom_sdk::Result<Value>>;

/// Results waiting for one event loop. Runtime threads push without the GIL; the loop is woken
/// once per batch (not once per result) and turns them into Python objects on its own thread,
/// so 64 calls in flight cost the runtime's threads no GIL contention.
#[pyclass(frozen)]
struct Completions {
    queue: Mutex<Vec<(Py<PyAny>, Outcome)>>,
    scheduled: AtomicBool,
    event_loop: Py<PyAny>,
}

impl Completions {
    fn push(this: &Py<Completions>, future: Py<PyAny>, outcome: Outcome) {
        let me = this.get();
        me.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((future, outcome));
        if !me.scheduled.swap(true, Ordering::AcqRel) {
            Python::attach(|py| {
                let drain = this.bind(py).getattr("drain");
                // A closed loop cannot take results any more; nobody is waiting for them.
                if let Ok(drain) = drain {
                    let _ = me
                        .event_loop
                        .bind(py)
                        .call_method1("call_soon_threadsafe", (drain,));
                }
            });
        }
    }
}

#[pymethods]
impl Completions {
    /// Set every waiting result on its future (unless cancelled meanwhile).
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        self.scheduled.store(false, Ordering::Release);
        let batch = std::mem::take(&mut *self.queue.lock().unwrap_or_else(|e| e.into_inner()));
        for (future, outcome) in batch {
            let fut = future.bind(py);
            if fut.call_method0("done")?.is_truthy()? {
                continue;
            }
            let r = match outcome {
                Ok(Ok(v)) => match pythonize::pythonize(py, &v) {
                    Ok(obj) => fut.call_method1("set_result", (obj,)),
                    Err(e) => fut.call_method1("set_exception", (PyErr::from(e).into_value(py),)),
                },
                Ok(Err(e)) => {
                    fut.call_method1("set_exception", (errors::from_sdk(py, &e).into_value(py),))
                }
                Err(panic) => fut.call_method1(
                    "set_exception",
                    (errors::from_panic(py, panic).into_value(py),),
                ),
            };
            if let Err(e) = r {
                e.write_unraisable(py, Some(fut));
            }
        }
        Ok(())
    }
}

/// The completions of `event_loop`, made on its first call (kept in a weak dictionary, so a
/// closed and dropped loop takes them with it).
fn completions_of(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Py<Completions>> {
    static BY_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let map = BY_LOOP
        .get_or_try_init(py, || {
            Ok::<_, PyErr>(
                py.import("weakref")?
                    .call_method0("WeakKeyDictionary")?
                    .unbind(),
            )
        })?
        .bind(py);
    if let Ok(c) = map.get_item(event_loop) {
        return Ok(c.cast_into::<Completions>()?.unbind());
    }
    let c = Py::new(
        py,
        Completions {
            queue: Mutex::new(Vec::new()),
            scheduled: AtomicBool::new(false),
            event_loop: event_loop.clone().unbind(),
        },
    )?;
    map.set_item(event_loop, &c)?;
    Ok(c)
}

/// Start `fut` on the module's runtime and return an `asyncio.Future` of the running loop that
/// gets its value (as Python objects) or its exception. Cancelling that future aborts the task.
pub fn spawn<'py>(
    py: Python<'py>,
    fut: impl Future<Output = zoom_sdk::Result<Value>> + Send + 'static,
) -> PyResult<Bound<'py, PyAny>> {
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let completions = completions_of(py, &event_loop)?;
    let f = future.clone().unbind();
    let task = runtime()?.spawn(async move {
        let outcome = AssertUnwindSafe(fut).catch_unwind().await;
        Completions::push(&completions, f, outcome);
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

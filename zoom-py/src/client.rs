//! `NativeClient`: a `zoom_sdk::bindings::Service` for Python. Every operation goes through
//! `Service::call` by name, blocking (`call`) or asyncio (`call_async`); webhooks take the raw
//! body as bytes. The typed Python surface (`zoom_sdk.Client`) is built on these few methods.

use crate::bridge::{block, progress_sink, spawn};
use crate::errors;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyType};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use zoom_sdk::bindings::Service;

/// A client built from settings; safe to share between threads. After `fork` the child
/// rebuilds its connections (HTTP pool, database pool) on first use: nothing opened by the
/// parent is used by the child.
#[pyclass(frozen, module = "zoom_sdk._zoom_sdk")]
pub struct NativeClient {
    vars: Arc<BTreeMap<String, String>>,
    /// The service of the process that built it (pid), rebuilt in a forked child.
    service: Mutex<Option<(u32, Service)>>,
    /// What `repr` shows: nothing secret.
    summary: String,
}

fn args_of(py: Python<'_>, args: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    match args {
        None => Ok(Value::Null),
        Some(a) if a.is_none() => Ok(Value::Null),
        Some(a) => {
            pythonize::depythonize(a).map_err(|e| errors::invalid(py, "args", e.to_string()))
        }
    }
}

impl NativeClient {
    fn service(&self, py: Python<'_>) -> PyResult<Service> {
        let pid = std::process::id();
        if let Some((owner, s)) = self
            .service
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
        {
            if *owner == pid {
                return Ok(s.clone());
            }
        }
        let fresh = block(py, Service::from_vars(self.vars.as_ref().clone()))?;
        let mut g = self.service.lock().unwrap_or_else(|e| e.into_inner());
        match g.as_ref() {
            Some((owner, s)) if *owner == pid => Ok(s.clone()),
            _ => {
                if let Some(inherited) = g.replace((pid, fresh.clone())) {
                    // Its pools belong to the parent's runtime, which has no threads here.
                    std::mem::forget(inherited);
                }
                Ok(fresh)
            }
        }
    }
}

#[pymethods]
impl NativeClient {
    /// Build from `settings` (the `ZOOM_*` variables' names in lower case without `ZOOM_`),
    /// over the environment's variables when `from_env` is true.
    #[new]
    #[pyo3(signature = (settings=None, from_env=false))]
    fn new(py: Python<'_>, settings: Option<&Bound<'_, PyDict>>, from_env: bool) -> PyResult<Self> {
        let mut vars = if from_env {
            Service::vars_from_env()
        } else {
            BTreeMap::new()
        };
        if let Some(s) = settings {
            let map: Map<String, Value> = pythonize::depythonize(s.as_any())
                .map_err(|e| errors::invalid(py, "settings", e.to_string()))?;
            Service::apply_json(&mut vars, &map).map_err(|e| errors::from_sdk(py, &e))?;
        }
        let service = block(py, Service::from_vars(vars.clone()))?;
        let config = service.client().config();
        let summary = format!(
            "client_id={:?}, account_id={:?}, api_base_url={:?}, settings={:?}",
            config.client_id(),
            config.account_id().unwrap_or(""),
            config.api_base_url().as_str(),
            service.var_names(),
        );
        Ok(Self {
            vars: Arc::new(vars),
            service: Mutex::new(Some((std::process::id(), service))),
            summary,
        })
    }

    /// Run operation `op` with `args` and wait for it (the GIL released meanwhile).
    #[pyo3(signature = (op, args=None, progress=None))]
    fn call(
        &self,
        py: Python<'_>,
        op: &str,
        args: Option<&Bound<'_, PyAny>>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let args = args_of(py, args)?;
        let service = self.service(py)?;
        let sink = progress_sink(py, progress, false)?;
        let v = block(py, service.call(op, args, sink))?;
        Ok(pythonize::pythonize(py, &v)?.unbind())
    }

    /// Run operation `op` with `args` on the running asyncio loop: an awaitable.
    #[pyo3(signature = (op, args=None, progress=None))]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        op: String,
        args: Option<&Bound<'py, PyAny>>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = args_of(py, args)?;
        let service = self.service(py)?;
        let sink = progress_sink(py, progress, true)?;
        spawn(py, async move { service.call(&op, args, sink).await })
    }

    /// Verify a webhook with the client's secret token and parse its event.
    #[pyo3(signature = (body, timestamp, signature))]
    fn verify_webhook(
        &self,
        py: Python<'_>,
        body: &[u8],
        timestamp: Option<&str>,
        signature: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        let service = self.service(py)?;
        let event = service
            .verify_webhook(body, timestamp, signature)
            .map_err(|e| errors::from_sdk(py, &e))?;
        Ok(pythonize::pythonize(py, &event)?.unbind())
    }

    /// Handle a webhook as an endpoint does (verify, URL validation, index and store updates):
    /// `{"status", "body", "event"}` to answer with.
    #[pyo3(signature = (body, timestamp, signature))]
    fn handle_webhook(
        &self,
        py: Python<'_>,
        body: Vec<u8>,
        timestamp: Option<String>,
        signature: Option<String>,
    ) -> PyResult<Py<PyAny>> {
        let service = self.service(py)?;
        let reply = block(py, async move {
            service
                .handle_webhook(&body, timestamp.as_deref(), signature.as_deref())
                .await
        })?;
        Ok(pythonize::pythonize(py, &reply)?.unbind())
    }

    /// `handle_webhook` on the running asyncio loop.
    #[pyo3(signature = (body, timestamp, signature))]
    fn handle_webhook_async<'py>(
        &self,
        py: Python<'py>,
        body: Vec<u8>,
        timestamp: Option<String>,
        signature: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let service = self.service(py)?;
        spawn(py, async move {
            let reply = service
                .handle_webhook(&body, timestamp.as_deref(), signature.as_deref())
                .await?;
            serde_json::to_value(&reply).map_err(|e| zoom_sdk::Error::InvalidInput {
                field: "reply".into(),
                message: e.to_string(),
            })
        })
    }

    /// The JSON body answering Zoom's `endpoint.url_validation` for `plain_token`.
    fn url_validation(&self, py: Python<'_>, plain_token: &str) -> PyResult<Py<PyAny>> {
        let v = self
            .service(py)?
            .url_validation(plain_token)
            .map_err(|e| errors::from_sdk(py, &e))?;
        Ok(pythonize::pythonize(py, &v)?.unbind())
    }

    fn __repr__(&self) -> String {
        format!("NativeClient({})", self.summary)
    }

    /// Every operation `call` knows.
    #[classmethod]
    fn operations(_cls: &Bound<'_, PyType>) -> Vec<&'static str> {
        zoom_sdk::bindings::OPERATIONS.to_vec()
    }
}

impl Drop for NativeClient {
    fn drop(&mut self) {
        let slot = self.service.get_mut().unwrap_or_else(|e| e.into_inner());
        let Some((owner, service)) = slot.take() else {
            return;
        };
        if owner != std::process::id() {
            // Built by the parent before a fork: its pools are not this process's to close.
            std::mem::forget(service);
            return;
        }
        // Pools close on the runtime that drives them.
        match crate::runtime::runtime() {
            Ok(rt) => {
                let _guard = rt.enter();
                drop(service);
            }
            Err(_) => std::mem::forget(service),
        }
    }
}

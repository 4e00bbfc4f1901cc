//! Routes events to registered handlers. The list of events the SDK understands feeds the
//! service registry's workflow triggers; later parts (the local meeting index) subscribe here.

use super::events::WebhookEvent;
use crate::error::Error;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use super::events::EventName;

/// A handler: an async function of the event.
pub type WebhookHandler = Arc<
    dyn Fn(Arc<WebhookEvent>) -> Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>
        + Send
        + Sync,
>;

/// Handlers by event name, plus handlers for every event.
#[derive(Clone, Default)]
pub struct WebhookDispatcher {
    by_event: HashMap<EventName, Vec<WebhookHandler>>,
    any: Vec<WebhookHandler>,
}

impl std::fmt::Debug for WebhookDispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut events: Vec<&str> = self.by_event.keys().map(EventName::as_str).collect();
        events.sort();
        f.debug_struct("WebhookDispatcher")
            .field("events", &events)
            .field("catch_all", &self.any.len())
            .finish()
    }
}

impl WebhookDispatcher {
    /// No handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Call `handler` for events named `event` (an [`EventName`], or any name as a string,
    /// modelled or not).
    pub fn on<F, Fut>(&mut self, event: impl Into<EventName>, handler: F) -> &mut Self
    where
        F: Fn(Arc<WebhookEvent>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        self.by_event
            .entry(event.into())
            .or_default()
            .push(Arc::new(move |e| Box::pin(handler(e))));
        self
    }

    /// Call `handler` for every event.
    pub fn on_any<F, Fut>(&mut self, handler: F) -> &mut Self
    where
        F: Fn(Arc<WebhookEvent>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Error>> + Send + 'static,
    {
        self.any.push(Arc::new(move |e| Box::pin(handler(e))));
        self
    }

    /// Event names with a handler of their own.
    pub fn subscribed_events(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .by_event
            .keys()
            .map(|e| e.as_str().to_string())
            .collect();
        v.sort();
        v
    }

    /// Event names the SDK understands (typed payloads).
    pub fn understood_events() -> &'static [EventName] {
        EventName::KNOWN
    }

    /// Run every matching handler, in registration order (specific ones first). All run even
    /// when one fails; the first error is returned. Returns how many handlers ran.
    pub async fn dispatch(&self, event: Arc<WebhookEvent>) -> Result<usize, Error> {
        let specific = self.by_event.get(&event.event).into_iter().flatten();
        let mut ran = 0;
        let mut first_err = None;
        for h in specific.chain(self.any.iter()) {
            ran += 1;
            if let Err(e) = h(event.clone()).await {
                tracing::warn!(event = %event.event, error = %e, "zoom.webhook: handler failed");
                first_err.get_or_insert(e);
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(ran),
        }
    }
}

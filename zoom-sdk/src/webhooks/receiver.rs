//! The receiver: verify, answer URL validation, honour `app_deauthorized`, dispatch.

use super::events::{EventPayload, WebhookEvent};
use super::signature::{WebhookRequest, WebhookVerifier};
use super::{WebhookDispatcher, WebhookError};
use crate::client::ZoomClient;
use serde::Serialize;
use std::sync::Arc;

/// What to answer Zoom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct WebhookReply {
    /// HTTP status.
    pub status: u16,
    /// `application/json` body (empty for plain acknowledgements).
    pub body: String,
    /// The event name, when the body parsed.
    pub event: Option<String>,
}

/// Everything a webhook endpoint needs. Construct once; share between requests.
#[derive(Clone, Debug)]
pub struct WebhookReceiver {
    verifier: WebhookVerifier,
    dispatcher: WebhookDispatcher,
    client: Option<ZoomClient>,
    integration: Option<crate::integration::Integration>,
}

/// The longest `plainToken` answered.
const MAX_PLAIN_TOKEN: usize = 128;

impl WebhookReceiver {
    /// A receiver with the app's secret token and a dispatcher.
    pub fn new(verifier: WebhookVerifier, dispatcher: WebhookDispatcher) -> Self {
        Self {
            verifier,
            dispatcher,
            client: None,
            integration: None,
        }
    }

    /// With an integration (and its client): besides honouring `app_deauthorized`, events
    /// update the local index before handlers run (meetings, webinars and recordings created,
    /// updated or deleted; the deauthorized user's rows removed). An index that cannot be
    /// updated makes the answer 503, so that Zoom sends the event again.
    pub fn with_integration(mut self, integration: crate::integration::Integration) -> Self {
        self.client = Some(integration.client().clone());
        self.integration = Some(integration);
        self
    }

    /// With a client, `app_deauthorized` wipes the user's stored tokens and marks them
    /// disconnected before handlers run (Zoom requires apps to honour it).
    pub fn with_client(mut self, client: ZoomClient) -> Self {
        self.client = Some(client);
        self
    }

    /// Answer a URL validation `plainToken`: `{"plainToken": .., "encryptedToken": ..}`.
    /// Tokens with `:` are refused: every event signature covers `v0:{ts}:{body}`, so a token
    /// of that shape would turn the challenge into a signing oracle.
    pub fn url_validation_reply(&self, plain_token: &str) -> Result<String, WebhookError> {
        if plain_token.is_empty() {
            return Err(WebhookError::BadPlainToken("empty".into()));
        }
        if plain_token.chars().count() > MAX_PLAIN_TOKEN {
            return Err(WebhookError::BadPlainToken(format!(
                "longer than {MAX_PLAIN_TOKEN} characters"
            )));
        }
        if plain_token.contains(':') || plain_token.chars().any(char::is_control) {
            return Err(WebhookError::BadPlainToken(
                "contains ':' or a control character".into(),
            ));
        }
        let encrypted = self.verifier.encrypt_plain_token(plain_token);
        // Written by hand to keep Zoom's key order (serde_json's map would sort the keys).
        let quoted = serde_json::to_string(plain_token)
            .map_err(|e| WebhookError::BadPlainToken(e.to_string()))?;
        Ok(format!(
            r#"{{"plainToken":{quoted},"encryptedToken":"{encrypted}"}}"#
        ))
    }

    /// Handle one request. Refusals are `Err` with the status to answer
    /// ([`WebhookError::http_status`]); a handler's failure is logged and still acknowledged
    /// with 200, so Zoom does not retry an event the app already received.
    pub async fn handle(&self, req: &WebhookRequest<'_>) -> Result<WebhookReply, WebhookError> {
        self.verifier.verify(req)?;
        let event = WebhookEvent::parse(req.body)?;
        let name = Some(event.event.as_str().to_string());
        if let EventPayload::UrlValidation { plain_token } = &event.payload {
            return Ok(WebhookReply {
                status: 200,
                body: self.url_validation_reply(plain_token)?,
                event: name,
            });
        }
        if let (EventPayload::Deauthorization(d), Some(client)) = (&event.payload, &self.client) {
            match client.handle_deauthorization(d).await {
                Ok(keys) => tracing::info!(
                    users = keys.len(),
                    "zoom.webhook: app_deauthorized honoured"
                ),
                Err(e) => {
                    // Zoom resends an event that was not acknowledged: answering 200 here would
                    // leave the grant stored for good.
                    tracing::error!(error = %e, "zoom.webhook: app_deauthorized could not wipe tokens; answering 503 so Zoom sends it again");
                    return Err(WebhookError::HandlerFailed(format!(
                        "app_deauthorized could not be honoured: {e}"
                    )));
                }
            }
        }
        if let Some(integration) = &self.integration {
            match integration.apply_event(&event).await {
                Ok(u) if u.written + u.removed > 0 => tracing::debug!(
                    written = u.written,
                    removed = u.removed,
                    "zoom.webhook: index updated"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %e, "zoom.webhook: the index could not be updated; answering 503 so Zoom sends the event again");
                    return Err(WebhookError::HandlerFailed(format!(
                        "the index could not be updated: {e}"
                    )));
                }
            }
        }
        if let Err(e) = self.dispatcher.dispatch(Arc::new(event)).await {
            tracing::warn!(error = %e, "zoom.webhook: acknowledged despite a failing handler");
        }
        Ok(WebhookReply {
            status: 200,
            body: String::new(),
            event: name,
        })
    }
}

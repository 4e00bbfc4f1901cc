//! The service registry descriptor: what the backend's service registry stores about Zoom:
//! capabilities, chat commands, workflow triggers (the webhook events the SDK understands),
//! actions (the skills) and the live health status.

use crate::health::HealthStatus;
use crate::webhooks::EventName;
use serde::Serialize;

/// A phrase the chat interface maps to an action.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChatCommand {
    /// What the user types.
    pub phrase: &'static str,
    /// The action it runs.
    pub action: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// An action (skill) other services can invoke.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct ActionDescriptor {
    /// Stable id.
    pub id: &'static str,
    /// What it does.
    pub description: &'static str,
    /// The SDK call behind it.
    pub endpoint: &'static str,
    /// Required parameters.
    pub required: &'static [&'static str],
}

/// The descriptor.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[non_exhaustive]
pub struct ServiceDescriptor {
    /// `Zoom`.
    pub name: &'static str,
    /// `communication`.
    #[serde(rename = "type")]
    pub service_type: &'static str,
    /// The SDK version.
    pub version: &'static str,
    /// `meetings`, `recordings`, `users`, `webinars`.
    pub capabilities: Vec<&'static str>,
    /// Chat commands.
    pub chat_commands: Vec<ChatCommand>,
    /// Webhook events that can trigger workflows.
    pub workflow_triggers: Vec<&'static str>,
    /// Actions.
    pub actions: Vec<ActionDescriptor>,
    /// Live health, when known.
    pub health: Option<HealthStatus>,
}

const ACTIONS: &[ActionDescriptor] = &[
    ActionDescriptor {
        id: "create_meeting",
        description: "Schedule a Zoom meeting",
        endpoint: "POST /users/{userId}/meetings",
        required: &["topic"],
    },
    ActionDescriptor {
        id: "list_meetings",
        description: "List a user's meetings",
        endpoint: "GET /users/{userId}/meetings",
        required: &[],
    },
    ActionDescriptor {
        id: "get_meeting",
        description: "Get one meeting",
        endpoint: "GET /meetings/{meetingId}",
        required: &["meeting_id"],
    },
    ActionDescriptor {
        id: "update_meeting",
        description: "Change a meeting",
        endpoint: "PATCH /meetings/{meetingId}",
        required: &["meeting_id"],
    },
    ActionDescriptor {
        id: "delete_meeting",
        description: "Cancel a meeting",
        endpoint: "DELETE /meetings/{meetingId}",
        required: &["meeting_id"],
    },
    ActionDescriptor {
        id: "list_recordings",
        description: "List a user's cloud recordings over a date range",
        endpoint: "GET /users/{userId}/recordings",
        required: &["from", "to"],
    },
    ActionDescriptor {
        id: "get_meeting_recordings",
        description: "Get one meeting's recordings",
        endpoint: "GET /meetings/{meetingId}/recordings",
        required: &["meeting_id"],
    },
    ActionDescriptor {
        id: "list_webinars",
        description: "List a user's webinars",
        endpoint: "GET /users/{userId}/webinars",
        required: &[],
    },
    ActionDescriptor {
        id: "create_webinar",
        description: "Schedule a webinar",
        endpoint: "POST /users/{userId}/webinars",
        required: &["topic", "start_time"],
    },
    ActionDescriptor {
        id: "get_user",
        description: "Get the connected Zoom user",
        endpoint: "GET /users/{userId}",
        required: &[],
    },
];

const CHAT: &[ChatCommand] = &[
    ChatCommand {
        phrase: "schedule zoom meeting",
        action: "create_meeting",
        description: "Schedule a meeting",
    },
    ChatCommand {
        phrase: "list zoom meetings",
        action: "list_meetings",
        description: "Show upcoming meetings",
    },
    ChatCommand {
        phrase: "show zoom meeting",
        action: "get_meeting",
        description: "Show one meeting",
    },
    ChatCommand {
        phrase: "reschedule zoom meeting",
        action: "update_meeting",
        description: "Move or rename a meeting",
    },
    ChatCommand {
        phrase: "cancel zoom meeting",
        action: "delete_meeting",
        description: "Cancel a meeting",
    },
    ChatCommand {
        phrase: "get zoom recordings",
        action: "list_recordings",
        description: "List cloud recordings",
    },
    ChatCommand {
        phrase: "get zoom meeting recording",
        action: "get_meeting_recordings",
        description: "Get one meeting's recording files",
    },
    ChatCommand {
        phrase: "list zoom webinars",
        action: "list_webinars",
        description: "Show webinars",
    },
    ChatCommand {
        phrase: "schedule zoom webinar",
        action: "create_webinar",
        description: "Schedule a webinar",
    },
    ChatCommand {
        phrase: "who am i on zoom",
        action: "get_user",
        description: "Show the connected Zoom account",
    },
];

impl ServiceDescriptor {
    /// The descriptor, without health.
    pub fn new() -> Self {
        Self {
            name: "Zoom",
            service_type: "communication",
            version: env!("CARGO_PKG_VERSION"),
            capabilities: vec!["meetings", "recordings", "users", "webinars"],
            chat_commands: CHAT.to_vec(),
            workflow_triggers: EventName::KNOWN
                .iter()
                .filter(|e| **e != EventName::UrlValidation)
                .map(EventName::as_str)
                .collect(),
            actions: ACTIONS.to_vec(),
            health: None,
        }
    }

    /// With the live health status.
    pub fn with_health(mut self, status: HealthStatus) -> Self {
        self.health = Some(status);
        self
    }
}

impl Default for ServiceDescriptor {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_chat_command_names_an_action_and_the_json_is_what_the_registry_stores() {
        let d = ServiceDescriptor::new().with_health(HealthStatus::Healthy);
        for c in &d.chat_commands {
            assert!(d.actions.iter().any(|a| a.id == c.action), "{c:?}");
        }
        let v = serde_json::to_value(&d).unwrap();
        assert_eq!(v["name"], "Zoom");
        assert_eq!(v["type"], "communication");
        assert_eq!(v["health"], "healthy");
        assert!(v["workflow_triggers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e == "recording.completed"));
        assert!(v["chat_commands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["phrase"] == "schedule zoom meeting"));
        assert!(v["chat_commands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["phrase"] == "get zoom recordings"));
    }
}

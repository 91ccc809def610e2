//! What a conversation is waiting for, kept in the store between messages (and restarts).

use crate::understand::{Intent, Slots};
use serde::{Deserialize, Serialize};

/// The dialogue state of one person in one chat.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DialogueState {
    /// A question we asked and are waiting to have answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Pending>,
    /// The application last talked about, for "it", "that one", "them".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<i64>,
}

impl DialogueState {
    /// Read a stored state; a state written by an older version that no longer parses is
    /// dropped (the person is asked again) rather than blocking the conversation.
    pub fn from_stored(stored: Option<&str>) -> Self {
        stored
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    /// The form to store, or `None` when there is nothing to remember.
    pub fn to_stored(&self) -> Option<String> {
        if self.pending.is_none() && self.focus.is_none() {
            return None;
        }
        serde_json::to_string(self).ok()
    }
}

/// A slot the dialogue can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotName {
    Company,
    Status,
}

/// The question in flight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "awaiting", rename_all = "snake_case")]
pub enum Pending {
    /// A required slot of `intent` is missing; the next message fills it.
    Slot {
        intent: Intent,
        slots: Slots,
        slot: SlotName,
    },
    /// A likely duplicate of `existing_id`: add the new one anyway?
    ConfirmDuplicate { existing_id: i64, slots: Slots },
    /// Several applications match; which one did they mean?
    ChooseApplication {
        intent: Intent,
        slots: Slots,
        candidates: Vec<i64>,
    },
    /// Remove this application? (destructive: asked with buttons)
    ConfirmRemove { application_id: i64 },
    /// Delete everything kept about the person? (destructive: asked with buttons)
    ConfirmForget,
    /// We need the person's timezone before acting on `text`, and on the `later` requests
    /// that needed it too while the question was open (oldest first).
    Timezone {
        text: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        later: Vec<String>,
    },
}

/// Button payloads. Each is checked against the pending question and the store before it
/// has any effect: a stale or forged payload does nothing.
pub mod payload {
    /// Add the possible duplicate anyway.
    pub const ADD_ANYWAY: &str = "dup:add";
    /// Drop whatever was pending.
    pub const CANCEL: &str = "cancel";
    /// Prefix of "this application" choices: `pick:<id>`.
    pub const PICK: &str = "pick:";
    /// Prefix of status choices: `status:<name>`.
    pub const STATUS: &str = "status:";
    /// Prefix of the removal confirmation: `remove:<id>`.
    pub const REMOVE: &str = "remove:";
    /// Confirms deleting all of the person's data.
    pub const FORGET: &str = "forget:confirm";
}

#[cfg(test)]
mod tests {
    use super::{DialogueState, Pending};

    /// A timezone question stored before requests could wait beside it still reads, and
    /// one with nothing waiting beside it is stored as it was.
    #[test]
    fn a_timezone_question_reads_as_stored_before_requests_could_wait_with_it() {
        let stored = r#"{"pending":{"awaiting":"timezone","text":"remind me at 9"}}"#;
        let state = DialogueState::from_stored(Some(stored));
        assert_eq!(
            state.pending,
            Some(Pending::Timezone {
                text: "remind me at 9".into(),
                later: Vec::new(),
            })
        );
        assert_eq!(state.to_stored().as_deref(), Some(stored));
    }
}

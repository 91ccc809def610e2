//! Platform-neutral messages. Adapters translate their platform's events into [`Inbound`] and
//! render [`Outbound`] in their own way; the core never sees a platform type.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which chat platform a message came from or goes to. Stored as text in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Console,
    Telegram,
    Discord,
    Matrix,
    /// MCP clients acting for a user (`jtp mcp serve`); never receives outbound messages.
    Mcp,
}

impl Platform {
    /// The name used in the database and in idempotency keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Console => "console",
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
            Platform::Matrix => "matrix",
            Platform::Mcp => "mcp",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a reply goes: enough for the adapter to address the conversation again later
/// (a proactive nudge days afterwards uses the same reference).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ChatRef {
    /// Which adapter can deliver to this chat.
    pub platform: Platform,
    /// The platform's chat / channel / room id.
    pub chat_id: String,
    /// A thread or topic inside the chat, when the platform has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_id: Option<String>,
    /// A one-to-one chat with the bot. Private data is only ever sent to direct chats.
    pub is_direct: bool,
}

/// A button offered with a message. `payload` comes back in [`Inbound::button`] when pressed;
/// the core treats it as a claim to check against the store, never as trusted data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    /// The words shown on the button.
    pub label: String,
    /// What comes back when it is pressed, to say which choice was made.
    pub payload: String,
}

/// A file the person sent (a résumé, a job posting).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The name the file was sent under, for mentioning it back to the person.
    pub file_name: String,
    /// The file's type as the platform reports it, to decide how to read it.
    pub mime_type: String,
    /// The file's contents, already downloaded by the adapter.
    pub bytes: Vec<u8>,
}

/// One message from a person, as the adapter understood it.
#[derive(Debug, Clone)]
pub struct Inbound {
    /// The chat it came from; replies go there unless they are private and it is a group.
    pub chat: ChatRef,
    /// The platform's id for the sender (stable across chats).
    pub sender_id: String,
    /// How the sender is called, if the platform says.
    pub sender_name: Option<String>,
    /// The platform's id for this message, when it has one (used to de-duplicate redeliveries).
    pub message_id: Option<String>,
    /// The text typed, in the core's small Markdown subset.
    pub text: String,
    /// The payload of a pressed button, if this event is a button press.
    pub button: Option<String>,
    /// Files sent with the message that the adapter accepted.
    pub attachments: Vec<Attachment>,
    /// Files the adapter did not take (too large, a kind we cannot read), with why, so the
    /// person is told rather than ignored.
    pub refused_files: Vec<RefusedFile>,
}

/// A file the person sent that was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedFile {
    /// The name the file was sent under, so the person knows which one.
    pub file_name: String,
    /// Why, in words for the person ("it is 50 MB; I take files up to 10 MB").
    pub reason: String,
}

impl Inbound {
    /// A plain text message in a direct chat, as most adapters produce.
    pub fn text(chat: ChatRef, sender_id: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            chat,
            sender_id: sender_id.into(),
            sender_name: None,
            message_id: None,
            text: text.into(),
            button: None,
            attachments: Vec::new(),
            refused_files: Vec::new(),
        }
    }
}

/// One message to a person. `text` uses the Markdown subset: `**bold**`, `_italic_`,
/// `` `code` ``, lines starting with `- ` as bullets, and bare URLs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Outbound {
    /// The message body, in the Markdown subset above.
    pub text: String,
    /// Choices offered with the message; empty for plain text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<Button>,
}

impl Outbound {
    /// A message without buttons.
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            buttons: Vec::new(),
        }
    }

    /// A message with buttons to press.
    pub fn with_buttons(text: impl Into<String>, buttons: Vec<Button>) -> Self {
        Self {
            text: text.into(),
            buttons,
        }
    }
}

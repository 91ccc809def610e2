//! Telegram updates in, as the core's [`Inbound`] messages: who, where, what was typed or
//! pressed, and which documents came with it. Shared by polling and the webhook.

use crate::Client;
use crate::outbound::BUTTON_KEY_PREFIX;
use bot_core::health::AdapterHealth;
use bot_core::message::{Attachment, ChatRef, Platform, RefusedFile};
use bot_core::{Core, CoreError, Inbound, OutboxSender, StoreError};
use std::sync::Arc;
use std::time::Duration;
use teloxide::net::Download;
use teloxide::prelude::*;
use teloxide::types::{
    CallbackQuery, ChatAction, MaybeInaccessibleMessage, Me, Message, UpdateKind,
};

/// Document types the core can be given (résumés and postings).
const ACCEPTED_TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("txt", "text/plain"),
];

/// A slow answer gets a typing indicator after this long, renewed while it lasts.
const TYPING_AFTER: Duration = Duration::from_millis(700);
/// Telegram shows "typing…" for about five seconds per chat action.
const TYPING_EVERY: Duration = Duration::from_secs(4);

/// Turns updates into core calls and delivers the replies at once.
pub(crate) struct Receiver {
    core: Core,
    client: Client,
    me: Me,
    sender: OutboxSender,
    health: Arc<AdapterHealth>,
    max_document_bytes: u64,
}

impl Receiver {
    pub(crate) fn new(
        core: Core,
        client: Client,
        me: Me,
        sender: OutboxSender,
        health: Arc<AdapterHealth>,
        max_document_bytes: u64,
    ) -> Self {
        Self {
            core,
            client,
            me,
            sender,
            health,
            max_document_bytes,
        }
    }

    /// The bot's own id: the account whose polling offset is kept.
    pub(crate) fn account(&self) -> String {
        self.me.id.0.to_string()
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn health(&self) -> &AdapterHealth {
        &self.health
    }

    pub(crate) fn store(&self) -> &bot_core::Store {
        self.core.store()
    }

    /// Handle one update. Returns false only when the database was unavailable: the update
    /// should then come again (polling keeps its offset, the webhook answers 503). Other
    /// failures are logged and the update is done with: one bad update must not block the
    /// ones after it.
    pub(crate) async fn handle(&self, update: Update) -> bool {
        let chat = update.chat().map(|c| c.id);
        // Reading the update (a document download included) and answering it, with
        // "typing…" shown only if that takes a while; it stops when the answer is ready.
        let work = async {
            let inbound = match update.kind {
                UpdateKind::Message(message) => self.inbound_of_message(&message).await,
                UpdateKind::CallbackQuery(query) => match self.inbound_of_button(query).await {
                    Ok(inbound) => inbound,
                    // The press could not be read back (its long payload is in the
                    // database): answered as a failure, so a database outage has it come
                    // again instead of dropping it.
                    Err(err) => return Some(Err(CoreError::from(err))),
                },
                UpdateKind::EditedMessage(message) => {
                    // Deliberate: an edit is not a new instruction. Acting on it again would
                    // repeat what the original already did (track twice, remind twice).
                    tracing::debug!(chat = %message.chat.id, "edited message not acted on");
                    None
                }
                _ => None,
            };
            match inbound {
                Some(inbound) => Some(self.core.handle(&inbound).await),
                None => None,
            }
        };
        let typing = async {
            tokio::time::sleep(TYPING_AFTER).await;
            self.keep_typing(chat).await
        };
        let handled = tokio::select! {
            done = work => done,
            never = typing => match never {},
        };
        match handled {
            None => true,
            Some(Ok(ids)) => {
                if let Err(err) = self.sender.deliver_now(&ids).await {
                    tracing::warn!(error = %err, "replies recorded but not delivered yet; the sender retries");
                }
                true
            }
            Some(Err(err)) if err.is_transient() => {
                tracing::warn!(error = %err, "database unavailable; the update will come again");
                false
            }
            Some(Err(err)) => {
                tracing::error!(error = %err, "could not handle a Telegram update");
                true
            }
        }
    }

    /// Send "typing…" every few seconds for as long as it is polled; it never ends.
    async fn keep_typing(&self, chat: Option<ChatId>) -> std::convert::Infallible {
        let Some(id) = chat else {
            return std::future::pending().await;
        };
        loop {
            if let Err(err) = self.client.send_chat_action(id, ChatAction::Typing).await {
                tracing::debug!(error = %err, "typing indicator not shown");
            }
            tokio::time::sleep(TYPING_EVERY).await;
        }
    }

    async fn inbound_of_message(&self, message: &Message) -> Option<Inbound> {
        let from = message.from.as_ref()?;
        if from.is_bot {
            return None;
        }
        let chat = chat_ref(message);
        let raw = message.text().or(message.caption()).unwrap_or_default();
        let text = if chat.is_direct {
            raw.to_owned()
        } else {
            addressed_text(raw, message, &self.me)?
        };
        let mut inbound = Inbound::text(chat, from.id.0.to_string(), text);
        inbound.sender_name = Some(from.full_name());
        inbound.message_id = Some(format!("msg:{}", message.id.0));
        if let Some(document) = message.document() {
            match self.download(document).await {
                Ok(file) => inbound.attachments.push(file),
                Err(refused) => inbound.refused_files.push(refused),
            }
        }
        Some(inbound)
    }

    /// The press of one of our buttons as an inbound message; `None` for one we cannot act
    /// on (no message or data, or a key we never gave out).
    async fn inbound_of_button(&self, query: CallbackQuery) -> Result<Option<Inbound>, StoreError> {
        // Answer at once so the button stops spinning, whatever the core then does.
        if let Err(err) = self.client.answer_callback_query(query.id.clone()).await {
            tracing::debug!(error = %err, "callback query not answered");
        }
        let (Some(message), Some(data)) = (query.message.as_ref(), query.data.as_deref()) else {
            return Ok(None);
        };
        let payload = match data.strip_prefix(BUTTON_KEY_PREFIX) {
            Some(key) => match key.parse::<i64>() {
                Ok(key) => match self.core.store().button_payload(key).await? {
                    Some(payload) => payload,
                    None => return Ok(None),
                },
                Err(_) => return Ok(None),
            },
            None => data.to_owned(),
        };
        let chat = match message {
            // The topic the question was asked in, so the answer and its state are there.
            MaybeInaccessibleMessage::Regular(message) => chat_ref(message),
            MaybeInaccessibleMessage::Inaccessible(_) => ChatRef {
                platform: Platform::Telegram,
                chat_id: message.chat().id.0.to_string(),
                thread_id: None,
                is_direct: message.chat().is_private(),
            },
        };
        let mut inbound = Inbound::text(chat, query.from.id.0.to_string(), String::new());
        inbound.sender_name = Some(query.from.full_name());
        inbound.message_id = Some(format!("cb:{}", query.id.0));
        inbound.button = Some(payload);
        Ok(Some(inbound))
    }

    /// Fetch a document the person sent, if it is a kind and size we take.
    async fn download(
        &self,
        document: &teloxide::types::Document,
    ) -> Result<Attachment, RefusedFile> {
        let file_name = document
            .file_name
            .clone()
            .unwrap_or_else(|| "document".to_owned());
        let refuse = |reason: String| RefusedFile {
            file_name: file_name.clone(),
            reason,
        };
        let extension = file_name
            .rsplit_once('.')
            .map(|(_, ext)| ext.to_ascii_lowercase())
            .unwrap_or_default();
        let Some((_, mime)) = ACCEPTED_TYPES.iter().find(|(ext, _)| *ext == extension) else {
            return Err(refuse(
                "I read PDF, Word (.docx) and plain-text (.txt) files".to_owned(),
            ));
        };
        let size = u64::from(document.file.size);
        if size > self.max_document_bytes {
            return Err(refuse(format!(
                "it is {}; I take files up to {}",
                megabytes(size),
                megabytes(self.max_document_bytes)
            )));
        }
        let failed = |e: String| {
            tracing::warn!(error = %e, "document download failed");
            refuse("Telegram did not hand it over; please send it again".to_owned())
        };
        let file = self
            .client
            .get_file(document.file.id.clone())
            .await
            .map_err(|e| failed(e.to_string()))?;
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        self.client
            .inner()
            .download_file(&file.path, &mut bytes)
            .await
            .map_err(|e| failed(e.to_string()))?;
        if bytes.len() as u64 > self.max_document_bytes {
            return Err(refuse(format!(
                "it is {}; I take files up to {}",
                megabytes(bytes.len() as u64),
                megabytes(self.max_document_bytes)
            )));
        }
        Ok(Attachment {
            file_name,
            mime_type: (*mime).to_owned(),
            bytes,
        })
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_048_576.0)
}

fn chat_ref(message: &Message) -> ChatRef {
    ChatRef {
        platform: Platform::Telegram,
        chat_id: message.chat.id.0.to_string(),
        // Forum topics: replies go to the topic the person wrote in.
        thread_id: message
            .thread_id
            .filter(|_| message.is_topic_message)
            .map(|t| t.0.0.to_string()),
        is_direct: message.chat.is_private(),
    }
}

/// Byte offset of `needle` (ASCII) in `haystack`, ignoring ASCII case.
fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (0..=h.len().checked_sub(n.len())?).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// In a group, the text meant for us: when it mentions the bot (`@bot …`, or a command
/// addressed as `/apps@bot`) or replies to one of its messages. A bare `/apps` in a group
/// may be meant for another bot and is left alone. `None` when the message is for the
/// other people in the group.
fn addressed_text(text: &str, message: &Message, me: &Me) -> Option<String> {
    let username = me.user.username.as_deref().unwrap_or_default();
    let mention = format!("@{username}");
    let replied_to_us = message
        .reply_to_message()
        .and_then(|m| m.from.as_ref())
        .is_some_and(|u| u.id == me.user.id);
    let is_command = text.starts_with('/');
    // Usernames are ASCII: an ASCII case-insensitive search keeps byte offsets of the text
    // itself (lower-casing "İ" would shift them).
    let found = (!username.is_empty())
        .then(|| find_ascii_ci(text, &mention))
        .flatten();
    if found.is_none() && !replied_to_us {
        return None;
    }
    let cleaned = match found {
        Some(start) if !is_command => {
            format!("{}{}", &text[..start], &text[start + mention.len()..])
        }
        _ => text.to_owned(),
    };
    Some(cleaned.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::find_ascii_ci;

    #[test]
    fn mentions_are_found_at_the_texts_own_offsets() {
        let text = "İş İlanı @JTP_bot ödeme";
        let at = find_ascii_ci(text, "@jtp_bot").expect("found");
        assert_eq!(&text[at..at + 8], "@JTP_bot");
        assert_eq!(find_ascii_ci("no mention here", "@jtp_bot"), None);
        assert_eq!(find_ascii_ci("@j", "@jtp_bot"), None);
    }
}

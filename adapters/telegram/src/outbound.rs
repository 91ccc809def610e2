//! Sending to Telegram: the outbox sender's adapter. Renders, splits, attaches the inline
//! keyboard, and says what a failure means for the outbox (retry later, or stop).

use crate::Client;
use crate::render::{self, MAX_MESSAGE};
use async_trait::async_trait;
use bot_core::health::AdapterHealth;
use bot_core::message::{Button, ChatRef, Outbound, Platform};
use bot_core::{Adapter, DeliveryError, Store};
use std::sync::Arc;
use std::time::Duration;
use teloxide::ApiError;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, ThreadId};

/// Telegram's limit on callback data.
const MAX_CALLBACK_DATA: usize = 64;
/// Callback data standing for a stored payload: `k:<key>`.
pub(crate) const BUTTON_KEY_PREFIX: &str = "k:";

/// Delivers outbox rows of the Telegram platform.
pub struct TelegramAdapter {
    client: Client,
    store: Store,
    health: Arc<AdapterHealth>,
}

impl TelegramAdapter {
    pub(crate) fn new(client: Client, store: Store, health: Arc<AdapterHealth>) -> Self {
        Self {
            client,
            store,
            health,
        }
    }

    /// Callback data for a button: its payload when it fits, else a stored key.
    async fn callback_data(&self, button: &Button) -> Result<String, DeliveryError> {
        if button.payload.len() <= MAX_CALLBACK_DATA
            && !button.payload.starts_with(BUTTON_KEY_PREFIX)
        {
            return Ok(button.payload.clone());
        }
        let key =
            self.store
                .button_key(&button.payload)
                .await
                .map_err(|e| DeliveryError::Transient {
                    reason: format!("could not store a button payload: {e}"),
                    retry_after: None,
                })?;
        Ok(format!("{BUTTON_KEY_PREFIX}{key}"))
    }

    async fn keyboard(&self, buttons: &[Button]) -> Result<InlineKeyboardMarkup, DeliveryError> {
        let mut rows = Vec::with_capacity(buttons.len());
        for button in buttons {
            rows.push(vec![InlineKeyboardButton::callback(
                button.label.clone(),
                self.callback_data(button).await?,
            )]);
        }
        Ok(InlineKeyboardMarkup::new(rows))
    }
}

#[async_trait]
impl Adapter for TelegramAdapter {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    /// Telegram has no idempotency key for sends: a crash between Telegram's answer and the
    /// outbox's record is the one window where a message can arrive twice. The key does
    /// serve a message split in parts: the parts sent are noted under it, and a retry sends
    /// only the rest.
    async fn deliver(
        &self,
        chat: &ChatRef,
        message: &Outbound,
        idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        let chat_id: i64 = chat.chat_id.parse().map_err(|_| {
            DeliveryError::Unreachable(format!("not a Telegram chat id: {}", chat.chat_id))
        })?;
        let thread = chat
            .thread_id
            .as_deref()
            .and_then(|t| t.parse::<i32>().ok())
            .map(|t| ThreadId(MessageId(t)));
        let parts = render::split(&message.text, MAX_MESSAGE);
        let keyboard = if message.buttons.is_empty() {
            None
        } else {
            Some(self.keyboard(&message.buttons).await?)
        };
        let split = parts.len() > 1;
        let already = if split {
            self.store
                .parts_sent(idempotency_key)
                .await
                .map_err(|e| DeliveryError::Transient {
                    reason: format!("could not read delivery progress: {e}"),
                    retry_after: None,
                })?
        } else {
            0
        };
        let mut last = String::new();
        for (n, part) in parts.iter().enumerate().skip(already) {
            let mut request = self
                .client
                .send_message(ChatId(chat_id), part)
                .parse_mode(ParseMode::Html);
            if let Some(thread) = thread {
                request = request.message_thread_id(thread);
            }
            if n + 1 == parts.len()
                && let Some(keyboard) = &keyboard
            {
                request = request.reply_markup(keyboard.clone());
            }
            match request.await {
                Ok(sent) => {
                    last = format!("{chat_id}:{}", sent.id.0);
                    if split && n + 1 < parts.len() {
                        // Best effort: without the note a retry repeats this part.
                        if let Err(err) = self.store.note_parts_sent(idempotency_key, n + 1).await {
                            tracing::warn!(error = %err, "could not note a sent part");
                        }
                    }
                }
                Err(err) => {
                    let err = classify(err);
                    self.health.outbound_failed(&err);
                    return Err(err);
                }
            }
        }
        self.health.outbound_ok();
        Ok(last)
    }
}

/// What a Telegram error means for the outbox.
fn classify(err: RequestError) -> DeliveryError {
    match err {
        RequestError::RetryAfter(seconds) => DeliveryError::Transient {
            reason: "Telegram asked us to slow down (429)".to_owned(),
            retry_after: Some(seconds.duration().max(Duration::from_secs(1))),
        },
        RequestError::Api(
            api @ (ApiError::BotBlocked
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::UserDeactivated
            | ApiError::ChatNotFound
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots),
        ) => DeliveryError::Unreachable(api.to_string()),
        RequestError::MigrateToChatId(new) => {
            DeliveryError::Unreachable(format!("the group moved to chat {new}"))
        }
        // An error teloxide does not know. Telegram words its own kinds: "Forbidden: …" (we
        // may not write there) and "Bad Request: …" (this message will never go) are for
        // good; anything else, as the server's own failures ("Bad Gateway", "Internal
        // Server Error"), is retried with backoff a bounded number of times, so a passing
        // outage loses nothing and a lasting one still ends as failed.
        RequestError::Api(ApiError::Unknown(description)) => {
            if description.starts_with("Forbidden") {
                DeliveryError::Unreachable(description)
            } else if description.starts_with("Bad Request") {
                DeliveryError::Permanent(description)
            } else {
                DeliveryError::Transient {
                    reason: format!("Telegram answered {description:?}"),
                    retry_after: None,
                }
            }
        }
        RequestError::Api(api) => DeliveryError::Permanent(api.to_string()),
        other @ (RequestError::Network(_)
        | RequestError::Io(_)
        | RequestError::InvalidJson { .. }) => DeliveryError::Transient {
            reason: other.to_string(),
            retry_after: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_mean_retry_stop_or_give_up() {
        let slow = classify(RequestError::RetryAfter(
            teloxide::types::Seconds::from_seconds(7),
        ));
        assert!(matches!(
            slow,
            DeliveryError::Transient { retry_after: Some(d), .. } if d == Duration::from_secs(7)
        ));
        assert!(matches!(
            classify(RequestError::Api(ApiError::BotBlocked)),
            DeliveryError::Unreachable(_)
        ));
        assert!(matches!(
            classify(RequestError::Api(ApiError::MessageTextIsEmpty)),
            DeliveryError::Permanent(_)
        ));
        assert!(matches!(
            classify(RequestError::Api(ApiError::Unknown(
                "Bad Gateway".to_owned()
            ))),
            DeliveryError::Transient {
                retry_after: None,
                ..
            }
        ));
        assert!(matches!(
            classify(RequestError::Api(ApiError::Unknown(
                "Forbidden: bot can't send messages to this chat".to_owned()
            ))),
            DeliveryError::Unreachable(_)
        ));
        assert!(matches!(
            classify(RequestError::Api(ApiError::Unknown(
                "Bad Request: some new rule".to_owned()
            ))),
            DeliveryError::Permanent(_)
        ));
    }
}

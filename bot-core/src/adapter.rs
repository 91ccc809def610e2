//! The seam between the outbox and a chat platform.

use crate::message::{ChatRef, Outbound, Platform};
use async_trait::async_trait;
use std::time::Duration;

/// A chat platform's sending side. The outbox sender is its only caller: nothing else in the
/// process sends a message, so every message is recorded before it leaves.
#[async_trait]
pub trait Adapter: Send + Sync {
    /// The platform whose outbox rows this adapter delivers.
    fn platform(&self) -> Platform;

    /// Render and send one message. Returns the platform's id for the sent message.
    /// `idempotency_key` is the same for every attempt at one outbox row: a platform that
    /// deduplicates sends (Matrix transaction ids, Discord nonces) should be given it, so a
    /// send repeated after a crash between sending and recording shows once. Platforms
    /// without such a mechanism (the Telegram Bot API) ignore it; for them that narrow
    /// window is at-least-once.
    async fn deliver(
        &self,
        chat: &ChatRef,
        message: &Outbound,
        idempotency_key: &str,
    ) -> Result<String, DeliveryError>;
}

/// Why a delivery failed, which decides whether the outbox tries again.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (network, rate limit); `retry_after` when the platform said.
    #[error("temporary delivery failure: {reason}")]
    Transient {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// This message will never go through (the platform rejects it as it is).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
    /// Nothing will go through to this chat any more: the person blocked the bot, left,
    /// or the chat is gone. Nudges stop going there.
    #[error("the chat is unreachable: {0}")]
    Unreachable(String),
}

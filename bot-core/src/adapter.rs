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
    async fn deliver(&self, chat: &ChatRef, message: &Outbound) -> Result<String, DeliveryError>;
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
    /// Will never succeed (the person blocked the bot, the chat is gone).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

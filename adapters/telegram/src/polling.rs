//! Long polling with the offset saved after every update: Telegram forgets updates below the
//! offset we send, and we resume from the saved one, so a restart neither handles an update
//! twice nor skips one (a crash between handling and saving is caught by the core, which
//! recognises a message it has already logged).
//!
//! teloxide's own polling listener keeps the offset in memory only, so the loop is ours; the
//! requests are teloxide's.

use crate::TelegramError;
use crate::inbound::Receiver;
use std::time::Duration;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;

/// Longest pause after failed polls (network down, Telegram unavailable).
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Poll for ever. Failures are reported to health and retried with backoff.
pub(crate) async fn run(receiver: Receiver, timeout_secs: u32) -> Result<(), TelegramError> {
    let account = receiver.account();
    let mut offset = receiver
        .store()
        .poll_offset("telegram", &account)
        .await?
        .unwrap_or(0);
    // Telegram refuses getUpdates while a webhook is set (from an earlier webhook run).
    if let Err(err) = receiver.client().delete_webhook().await {
        tracing::warn!(error = %err, "could not remove a webhook; polling may be refused");
    }
    let mut failures: u32 = 0;
    loop {
        let polled = receiver
            .client()
            .get_updates()
            .offset(i32::try_from(offset).unwrap_or(i32::MAX))
            .timeout(timeout_secs)
            .allowed_updates(vec![
                AllowedUpdate::Message,
                AllowedUpdate::EditedMessage,
                AllowedUpdate::CallbackQuery,
            ])
            .await;
        let updates = match polled {
            Ok(updates) => {
                receiver.health().inbound_ok();
                failures = 0;
                updates
            }
            Err(err) => {
                receiver.health().inbound_failed(&err);
                failures = failures.saturating_add(1);
                let pause = Duration::from_secs(1 << failures.min(5)).min(MAX_BACKOFF);
                tracing::warn!(error = %err, ?pause, "polling Telegram failed; retrying");
                tokio::time::sleep(pause).await;
                continue;
            }
        };
        for update in updates {
            let next = i64::from(update.id.0) + 1;
            if !receiver.handle(update).await {
                // Not saved, not confirmed: the next poll brings it again, after a pause.
                tokio::time::sleep(Duration::from_secs(2)).await;
                break;
            }
            offset = next;
            if let Err(err) = receiver
                .store()
                .save_poll_offset("telegram", &account, offset)
                .await
            {
                // Not fatal: the core recognises a redelivered message.
                tracing::warn!(error = %err, "could not save the polling offset");
            }
        }
    }
}

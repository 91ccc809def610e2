//! The Telegram adapter: the bot people message on Telegram.
//!
//! Inbound, updates come by long polling (the default: `getUpdates` with the offset saved in
//! the store after every update, so a restart neither re-handles nor skips one) or by a
//! webhook (axum; Telegram's secret-token header is checked). Each becomes a platform-neutral
//! [`Inbound`](bot_core::Inbound) for the core: text, commands, button presses (answered at
//! once), documents (downloaded up to a size limit; larger ones are refused with a reason).
//! In groups the bot answers only when mentioned or replied to; private answers go to the
//! person's private chat (see the core's privacy rule). Edited messages are deliberately not
//! acted on again: re-running an edited "I applied to Stripe" would track it twice.
//!
//! Outbound, [`TelegramAdapter`] renders the core's Markdown subset as Telegram HTML, splits
//! at 4096 characters, turns buttons into inline keyboards (payloads over 64 bytes are stored
//! and sent as a key), respects 429 `retry_after`, reports a 403 (blocked) as an unreachable
//! chat, and goes through teloxide's Throttle (≈30 messages/s overall, 1/s per chat).

mod inbound;
mod outbound;
mod polling;
pub mod render;
mod webhook;

pub use outbound::TelegramAdapter;

use bot_core::health::AdapterHealth;
use bot_core::understand::COMMANDS;
use bot_core::{Core, OutboxSender};
use std::net::SocketAddr;
use std::sync::Arc;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, Me};

/// The client every request goes through: throttled to Telegram's limits.
pub(crate) type Client = Throttle<Bot>;

/// How to reach Telegram and how to receive updates.
#[derive(Debug, Clone)]
pub struct TelegramConfig {
    /// The bot token from @BotFather.
    pub token: String,
    /// A different Bot API server (a local `telegram-bot-api`, or a test server).
    pub api_url: Option<String>,
    /// Receive updates by webhook instead of long polling.
    pub webhook: Option<WebhookConfig>,
    /// Largest document accepted, in bytes.
    pub max_document_bytes: u64,
    /// Seconds one long poll waits for updates.
    pub poll_timeout_secs: u32,
}

/// Webhook mode: Telegram POSTs updates to `public_url`, which reaches `listen`.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Where the webhook server listens.
    pub listen: SocketAddr,
    /// The HTTPS address Telegram calls (set with setWebhook at start).
    pub public_url: String,
    /// Sent back by Telegram in `X-Telegram-Bot-Api-Secret-Token`; requests without it are
    /// refused.
    pub secret: String,
}

/// Why the adapter could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum TelegramError {
    #[error("the Telegram API address {0:?} is not a URL")]
    ApiUrl(String),
    #[error("Telegram refused the bot token or could not be reached: {0}")]
    Connect(String),
    #[error("the webhook server failed: {0}")]
    Webhook(String),
    #[error("the store failed: {0}")]
    Store(#[from] bot_core::StoreError),
}

/// A running Telegram bot: its sending side for the outbox sender, and its receiving side.
pub struct Telegram {
    adapter: Arc<TelegramAdapter>,
    receiver: inbound::Receiver,
    webhook: Option<WebhookConfig>,
    poll_timeout_secs: u32,
}

impl Telegram {
    /// Connect (getMe), register the command menu, and prepare both sides.
    pub async fn connect(
        core: Core,
        config: TelegramConfig,
        health: Arc<AdapterHealth>,
        owner: String,
        lease: std::time::Duration,
    ) -> Result<Self, TelegramError> {
        let mut bot = Bot::new(&config.token);
        if let Some(url) = &config.api_url {
            let url = url
                .parse()
                .map_err(|_| TelegramError::ApiUrl(url.clone()))?;
            bot = bot.set_api_url(url);
        }
        let me: Me = bot
            .get_me()
            .await
            .map_err(|e| TelegramError::Connect(e.to_string()))?;
        let commands: Vec<BotCommand> = COMMANDS
            .iter()
            .map(|(name, about)| BotCommand::new(*name, *about))
            .collect();
        if let Err(err) = bot.set_my_commands(commands).await {
            // The menu is a convenience; the bot works without it.
            tracing::warn!(error = %err, "could not register the command menu");
        }
        let client: Client = Throttle::new_spawn(bot, Limits::default());
        let store = core.store().clone();
        let adapter = Arc::new(TelegramAdapter::new(
            client.clone(),
            store.clone(),
            health.clone(),
        ));
        let sender = OutboxSender::new(store, adapter.clone(), owner).with_lease(lease);
        let receiver =
            inbound::Receiver::new(core, client, me, sender, health, config.max_document_bytes);
        Ok(Self {
            adapter,
            receiver,
            webhook: config.webhook,
            poll_timeout_secs: config.poll_timeout_secs,
        })
    }

    /// The sending side, for the outbox sender of `jtp run`.
    pub fn adapter(&self) -> Arc<TelegramAdapter> {
        self.adapter.clone()
    }

    /// Receive updates until the process stops (polling) or the server fails (webhook).
    pub async fn receive(self) -> Result<(), TelegramError> {
        match self.webhook {
            Some(webhook) => webhook::serve(self.receiver, webhook).await,
            None => polling::run(self.receiver, self.poll_timeout_secs).await,
        }
    }
}

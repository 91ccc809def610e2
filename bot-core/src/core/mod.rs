//! The pipeline for one inbound message: identity → dialogue state → understanding →
//! action (tracker) → replies recorded in the outbox, in that order, for every platform.

mod actions;
pub mod dialogue;
mod pending;
mod privacy;
mod reminder_picking;
mod reminder_times;
mod reminders;
mod replies;
mod settings;
mod tool_client;

use crate::message::Inbound;
use crate::store::InboundLog;
use crate::store::{self, Store, StoreError};
use crate::understand::Intent;
use chrono_tz::Tz;
use dialogue::DialogueState;

/// Settings of the core that do not depend on the platform.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Zone used for people who have not told us theirs. `None` means: ask them the first
    /// time a time of day matters (dates alone fall back to UTC).
    pub default_timezone: Option<Tz>,
    /// Longest message read, in characters; longer ones get a polite refusal.
    pub max_message_chars: usize,
}

impl Default for CoreConfig {
    fn default() -> Self {
        Self {
            default_timezone: None,
            max_message_chars: 4000,
        }
    }
}

/// Why a message could not be handled. The adapter tells the person to try again.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a tool call failed: {0}")]
    Tool(#[from] crate::orchestrator::OrchestratorError),
}

impl CoreError {
    /// The database could not be reached or was busy: the same message, handled again
    /// later, may well succeed (an adapter should have the platform redeliver it).
    pub fn is_transient(&self) -> bool {
        matches!(self, CoreError::Store(StoreError::Unavailable(_)))
    }
}

/// The conversation core. Cheap to clone; one per process, shared by every adapter.
#[derive(Debug, Clone)]
pub struct Core {
    store: Store,
    tools: std::sync::Arc<tool_client::ToolSessions>,
    config: CoreConfig,
    /// Woken when a reminder is added, so the scheduler re-plans its sleep.
    scheduler_wake: Option<std::sync::Arc<tokio::sync::Notify>>,
}

/// The core's answer to one message before it is recorded.
pub(crate) struct Answer {
    pub intent: Intent,
    pub messages: Vec<crate::message::Outbound>,
    /// The person asked us to forget them: log their message without its text.
    pub redact_inbound: bool,
}

impl Core {
    /// A core over `store`.
    pub fn new(store: Store, config: CoreConfig) -> Self {
        Self {
            tools: std::sync::Arc::new(tool_client::ToolSessions::new(store.clone())),
            store,
            config,
            scheduler_wake: None,
        }
    }

    /// Tell the scheduler in this process when reminders are added or moved.
    pub fn with_scheduler_wake(mut self, wake: std::sync::Arc<tokio::sync::Notify>) -> Self {
        self.scheduler_wake = Some(wake);
        self
    }

    /// The store this core writes to (adapters hand it to the outbox sender).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Handle one inbound message and record the replies in the outbox. Returns the outbox
    /// row ids of the replies, in order, for the adapter to deliver now. An empty message
    /// (no text, button or attachment) is ignored.
    pub async fn handle(&self, inbound: &Inbound) -> Result<Vec<i64>, CoreError> {
        let text = inbound.text.trim();
        if text.is_empty()
            && inbound.button.is_none()
            && inbound.attachments.is_empty()
            && inbound.refused_files.is_empty()
        {
            return Ok(Vec::new());
        }
        let user = self
            .store
            .resolve_user(
                inbound.chat.platform.as_str(),
                &inbound.sender_id,
                inbound.sender_name.as_deref(),
            )
            .await?;
        let chat = self.store.upsert_chat(&inbound.chat).await?;
        if let Some(platform_id) = &inbound.message_id
            && self.store.inbound_seen(chat.id, platform_id).await?
        {
            // A redelivery (a restart before the platform knew we had it): already handled,
            // its replies are in the outbox.
            tracing::debug!(%platform_id, "inbound message seen before; skipped");
            return Ok(Vec::new());
        }
        let stored = self.store.dialogue_state(user.id, chat.id).await?;
        let (tz, tz_known) = actions::Turn::zone(&user, self.config.default_timezone);
        let mut turn = actions::Turn {
            user_id: user.id,
            tz,
            tz_known,
            now: store::now(),
            state: DialogueState::from_stored(stored.as_deref()),
            tracker: self.tools.tracker(user.id, tz).await?,
        };

        let length = text.chars().count();
        let answer = if length > self.config.max_message_chars {
            replies::too_long(length, self.config.max_message_chars)
        } else if !inbound.refused_files.is_empty() {
            replies::refused_files(&inbound.refused_files)
        } else if text.is_empty() && inbound.button.is_none() {
            replies::attachments_received(&inbound.attachments)
        } else {
            self.respond(&mut turn, inbound).await?
        };

        let logged: String = if answer.redact_inbound {
            "(deletion confirmed)".to_owned()
        } else {
            text.chars().take(self.config.max_message_chars).collect()
        };
        let state = turn.state.to_stored();
        let log = InboundLog {
            chat_id: chat.id,
            text: &logged,
            intent: Some(answer.intent.as_str()),
            platform_message_id: inbound.message_id.as_deref(),
        };
        // Asked in a group about something private: the answer goes to the person's direct
        // chat and the group gets a pointer (or, without a direct chat, only how to open one).
        let route = if inbound.chat.is_direct || !privacy::is_private(answer.intent) {
            privacy::Route::here(&inbound.chat, chat.id, answer.messages)
        } else {
            privacy::route(&self.store, inbound, chat.id, answer.messages).await?
        };
        // The inbound message and its answer are logged in one transaction: a crash leaves
        // neither (the redelivery is handled afresh) or both (the redelivery is skipped).
        let Some((logged_id, mut ids)) = self
            .store
            .record_turn(
                user.id,
                &log,
                &route.chat,
                route.chat_id,
                &route.messages,
                state.as_deref(),
            )
            .await?
        else {
            tracing::debug!("inbound message recorded by another handler meanwhile; skipped");
            return Ok(Vec::new());
        };
        if let Some(pointer) = route.pointer {
            ids.extend(
                self.store
                    .record_replies(
                        user.id,
                        &inbound.chat,
                        chat.id,
                        &format!("reply:{logged_id}:pointer"),
                        &[pointer],
                        None,
                    )
                    .await?,
            );
        }
        Ok(ids)
    }
}

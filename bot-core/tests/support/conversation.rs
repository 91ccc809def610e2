//! A person talking to the core through the whole pipeline, for the tests that hold a
//! conversation.

use super::Recorder;
use bot_core::{ChatRef, Core, CoreConfig, Inbound, Outbound, OutboxSender, Platform, Store};
use std::sync::Arc;

/// A person (Telegram "user-1", Zurich by default) talking to the core in a direct chat,
/// with replies delivered through the outbox to a recording adapter.
pub struct Harness {
    pub core: Core,
    pub sender: OutboxSender,
    pub recorder: Arc<Recorder>,
    pub chat: ChatRef,
}

impl Harness {
    /// The person, on `store`.
    pub fn new(store: Store) -> Self {
        let recorder = Arc::new(Recorder::new(Platform::Telegram));
        Self {
            core: Core::new(
                store.clone(),
                CoreConfig {
                    default_timezone: Some(chrono_tz::Europe::Zurich),
                    ..CoreConfig::default()
                },
            ),
            sender: OutboxSender::new(store, recorder.clone(), "test"),
            recorder,
            chat: ChatRef {
                platform: Platform::Telegram,
                chat_id: "100".into(),
                thread_id: None,
                is_direct: true,
            },
        }
    }

    /// Say `text` (or press `button`) and get the last reply delivered.
    pub async fn send(&self, text: &str, button: Option<&str>) -> Outbound {
        let mut inbound = Inbound::text(self.chat.clone(), "user-1", text);
        inbound.button = button.map(str::to_owned);
        let ids = self.core.handle(&inbound).await.expect("handled");
        self.sender.deliver_now(&ids).await.expect("delivered");
        self.recorder
            .sent
            .lock()
            .unwrap()
            .last()
            .cloned()
            .expect("a reply")
    }
}

/// Another person ("user-2") with a reminder of theirs due tomorrow, "their secret": what
/// the person under test must neither see nor change.
pub async fn someone_elses_reminder(store: &Store) -> (i64, bot_core::store::Reminder) {
    let other = store
        .resolve_user("telegram", "user-2", None)
        .await
        .unwrap();
    let theirs = store
        .insert_reminder(
            other.id,
            &bot_core::store::NewReminder::custom(
                "their secret",
                chrono_tz::UTC,
                chrono::Utc::now().naive_utc() + chrono::Duration::days(1),
            ),
        )
        .await
        .unwrap();
    (other.id, theirs)
}

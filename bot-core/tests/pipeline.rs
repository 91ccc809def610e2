//! The core's pipeline through a recording adapter, on both backends: buttons are checked
//! against the pending question and the store, never trusted; replies take the outbox path.

mod support;

use async_trait::async_trait;
use bot_core::{
    Adapter, ChatRef, Core, CoreConfig, DeliveryError, Inbound, Outbound, OutboxSender, Platform,
    Store,
};
use std::sync::{Arc, Mutex};

/// Stands in for a chat platform's send API: records what would have been sent, in order.
#[derive(Default)]
struct Recorder {
    sent: Mutex<Vec<Outbound>>,
}

#[async_trait]
impl Adapter for Recorder {
    fn platform(&self) -> Platform {
        Platform::Telegram
    }

    async fn deliver(&self, _chat: &ChatRef, message: &Outbound) -> Result<String, DeliveryError> {
        let mut sent = self.sent.lock().unwrap();
        sent.push(message.clone());
        Ok(format!("tg-{}", sent.len()))
    }
}

struct Harness {
    core: Core,
    sender: OutboxSender,
    recorder: Arc<Recorder>,
    chat: ChatRef,
}

impl Harness {
    fn new(store: Store) -> Self {
        let recorder = Arc::new(Recorder::default());
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

    async fn send(&self, text: &str, button: Option<&str>) -> Outbound {
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

async fn buttons_are_checked_not_trusted(store: Store) {
    let h = Harness::new(store.clone());
    h.send("/track Acme, backend engineer", None).await;
    h.send("/track Acme, data engineer", None).await;

    let question = h.send("Acme invited me to an interview", None).await;
    let payloads: Vec<&str> = question
        .buttons
        .iter()
        .map(|b| b.payload.as_str())
        .collect();
    assert_eq!(payloads, ["pick:1", "pick:2"], "{question:?}");

    // A forged payload naming an application that is not among the choices does nothing.
    let forged = h.send("", Some("pick:999")).await;
    assert!(forged.text.contains("no longer active"), "{forged:?}");
    // An unrelated payload while nothing of its kind is pending does nothing either.
    let stray = h.send("", Some("dup:add")).await;
    assert!(stray.text.contains("no longer active"), "{stray:?}");
    let picked = h.send("", Some("pick:2")).await;
    assert!(
        picked
            .text
            .contains("Moved #2 **Acme** — data engineer from Applied to **Interview**"),
        "{picked:?}"
    );
    // Pressing the same button again: the question was settled.
    let again = h.send("", Some("pick:2")).await;
    assert!(again.text.contains("no longer active"), "{again:?}");

    let apps = store.list_applications(1, None).await.unwrap();
    let statuses: Vec<&str> = apps.iter().map(|a| a.status.as_str()).collect();
    assert_eq!(statuses, ["applied", "interview"]);
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(
        (counts.sent, counts.pending),
        (7, 0),
        "every reply went through the outbox"
    );
}

async fn a_reply_recorded_before_a_crash_is_delivered_later(store: Store) {
    let h = Harness::new(store.clone());
    let inbound = Inbound::text(
        h.chat.clone(),
        "user-1",
        "I applied to Stripe for the backend role",
    );
    // The process records the reply and dies before delivering it.
    let ids = h.core.handle(&inbound).await.unwrap();
    assert_eq!(ids.len(), 1);
    assert!(h.recorder.sent.lock().unwrap().is_empty());
    // After a restart the sender drains what is due, once.
    let restarted = Harness::new(store.clone());
    assert_eq!(restarted.sender.drain_due().await.unwrap(), 1);
    assert_eq!(restarted.sender.drain_due().await.unwrap(), 0);
    let sent = restarted.recorder.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].text.starts_with("Tracked #1 **Stripe**"),
        "{sent:?}"
    );
}

both_backends!(
    buttons_are_checked_not_trusted,
    a_reply_recorded_before_a_crash_is_delivered_later
);

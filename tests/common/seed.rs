//! Many due reminders for one person with a direct console chat, for the two-process test
//! and the scheduler benchmark (benches/scheduler.rs includes this file by path).

// Each includer uses only some of these.
#![allow(dead_code)]

use bot_core::message::{ChatRef, Platform};
use bot_core::store::{NewReminder, Store};

/// Insert `count` reminders due an hour ago for `person`, eight writers at once.
pub async fn due_reminders(store: &Store, person: &str, count: usize) {
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    reminders_due_at(store, person, count, past).await;
}

/// Insert `count` reminders for `person` due at `due` (UTC wall time), eight writers at once.
pub async fn reminders_due_at(
    store: &Store,
    person: &str,
    count: usize,
    due: chrono::NaiveDateTime,
) {
    let user = store
        .resolve_user("console", person, None)
        .await
        .expect("a user")
        .id;
    let chat = ChatRef {
        platform: Platform::Console,
        chat_id: format!("console:{person}"),
        thread_id: None,
        is_direct: true,
    };
    let chat_id = store.upsert_chat(&chat).await.expect("a chat").id;
    store
        .log_inbound(user, chat_id, "hi", None)
        .await
        .expect("a message, so the chat is where nudges go");
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in (worker..count).step_by(8) {
                let new = NewReminder::custom(format!("task {i}"), chrono_tz::UTC, due);
                store
                    .insert_reminder(user, &new)
                    .await
                    .expect("insert a reminder");
            }
        }));
    }
    for task in tasks {
        task.await.expect("a seeding task");
    }
}

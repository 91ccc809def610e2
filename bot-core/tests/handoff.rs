//! Nudges handed from the scheduler to a sender of the same process, on SQLite and
//! PostgreSQL: the outbox row is written already claimed for that sender, so no other
//! sender takes it while its lease holds; a row for a chat the sender does not serve is left
//! for anyone; and a handed row whose lease ran out before it was sent is delivered by
//! whoever took it over, never by both — even when both senders belong to one process.
//! A sender that has to stop mid-batch still records what it already sent, and one whose
//! record the database refuses for a moment writes it again.

mod support;

use async_trait::async_trait;
use bot_core::message::Platform;
use bot_core::scheduler::Scheduler;
use bot_core::store::{Backend, ClaimedMessage, NewReminder, Store};
use bot_core::{Adapter, ChatRef, DeliveryError, Outbound, OutboxSender};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;
use support::{Recorder, console_person};
use tokio::sync::{Notify, Semaphore};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A person with a direct console chat `console:<name>`, and a reminder of theirs due at
/// 09:00 UTC on 25 November 2026.
async fn person_with_reminder(store: &Store, name: &str, text: &str) {
    let user = console_person(store, name).await;
    let local = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    store
        .insert_reminder(user, &NewReminder::custom(text, chrono_tz::UTC, local))
        .await
        .unwrap();
}

/// Ann and Bob each with a reminder due, fired by a process whose only sender (recording to
/// `ours`, holding rows for `lease`) serves Ann's chat; returns that recorder, the sender and
/// what was handed to it.
async fn ann_and_bob_fired(
    store: &Store,
    lease: Duration,
) -> (Arc<Recorder>, OutboxSender, Vec<ClaimedMessage>) {
    person_with_reminder(store, "ann", "call Stripe").await;
    person_with_reminder(store, "bob", "update the CV").await;
    let ours = Arc::new(Recorder::new(Platform::Console));
    let sender = OutboxSender::new(store.clone(), ours.clone(), "process-a")
        .only_chat("console:ann")
        .with_lease(lease);
    let handed = fire_for_ann(store, &sender).await;
    (ours, sender, handed)
}

/// Fire everything due for a process whose only sender serves `console:ann`; returns what
/// was handed to it.
async fn fire_for_ann(store: &Store, sender: &OutboxSender) -> Vec<ClaimedMessage> {
    let scheduler = Scheduler::new(store.clone(), "process-a");
    let mut handed = Vec::new();
    let written = scheduler
        .fire_due(
            at("2026-11-25T09:01:00Z"),
            std::slice::from_ref(sender),
            |index, rows| {
                assert_eq!(index, 0);
                handed.extend(rows);
            },
        )
        .await
        .unwrap();
    assert_eq!(written.len(), 2, "both reminders fired");
    handed
}

async fn a_nudge_is_handed_claimed_and_no_other_sender_takes_it(store: Store) {
    let (ours, sender, handed) = ann_and_bob_fired(&store, Duration::from_secs(60)).await;
    assert_eq!(handed.len(), 1, "only ann's nudge is for this sender");
    assert!(handed[0].message.text.contains("call Stripe"));
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.sending, counts.pending), (1, 1));

    // Another process's sender finds only bob's row: ann's is held.
    let theirs = Arc::new(Recorder::new(Platform::Console));
    let other = OutboxSender::new(store.clone(), theirs.clone(), "process-b");
    assert_eq!(other.drain_due().await.unwrap(), 1);
    assert_eq!(theirs.texts().len(), 1);
    assert!(theirs.texts()[0].contains("update the CV"));

    sender.deliver_claimed(handed).await.unwrap();
    assert_eq!(ours.texts().len(), 1);
    assert!(ours.texts()[0].contains("call Stripe"));
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.sent, counts.sending, counts.pending), (2, 0, 0));
}

async fn a_handed_row_whose_lease_ran_out_is_sent_by_one_sender_only(store: Store) {
    let (ours, sender, handed) = ann_and_bob_fired(&store, Duration::from_secs(1)).await;
    assert_eq!(handed.len(), 1);

    // This process stalls past the lease; another takes ann's row over and delivers it.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let theirs = Arc::new(Recorder::new(Platform::Console));
    let other = OutboxSender::new(store.clone(), theirs.clone(), "process-b");
    assert_eq!(other.drain_due().await.unwrap(), 2);

    // The stalled sender wakes up with its handed row: its lease is gone, so it sends nothing.
    sender.deliver_claimed(handed).await.unwrap();
    assert!(ours.texts().is_empty(), "sent twice: {:?}", ours.texts());
    assert_eq!(theirs.texts().len(), 2);
    assert_eq!(store.outbox_counts().await.unwrap().sent, 2);
}

/// Delivers like a platform that holds every message until the test lets it through, and
/// says when one arrives: a send caught in the middle.
struct Held {
    recorder: Recorder,
    arrived: Notify,
    release: Semaphore,
}

#[async_trait]
impl Adapter for Held {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn deliver(
        &self,
        chat: &ChatRef,
        message: &Outbound,
        key: &str,
    ) -> Result<String, DeliveryError> {
        self.arrived.notify_one();
        self.release
            .acquire()
            .await
            .expect("the test never closes it")
            .forget();
        self.recorder.deliver(chat, message, key).await
    }
}

async fn two_senders_of_one_process_never_both_send_a_row(store: Store) {
    let (ours, sender, handed) = ann_and_bob_fired(&store, Duration::from_secs(1)).await;
    assert_eq!(handed.len(), 1);

    // The same process's other sender (a platform's receiver beside the main loop) finds
    // ann's row after its lease ran out and is in the middle of sending it...
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let theirs = Arc::new(Held {
        recorder: Recorder::new(Platform::Console),
        arrived: Notify::new(),
        release: Semaphore::new(0),
    });
    let other = OutboxSender::new(store.clone(), theirs.clone(), "process-a");
    let draining = tokio::spawn(async move { other.drain_due().await });
    theirs.arrived.notified().await;

    // ...when the first one gets to its handed row: the row is no longer its to send.
    sender.deliver_claimed(handed).await.unwrap();
    assert!(ours.texts().is_empty(), "sent twice: {:?}", ours.texts());

    theirs.release.add_permits(2);
    assert_eq!(draining.await.unwrap().unwrap(), 2);
    let texts = theirs.recorder.texts();
    assert_eq!(
        texts.iter().filter(|t| t.contains("call Stripe")).count(),
        1
    );
    assert_eq!(store.outbox_counts().await.unwrap().sent, 2);
}

both_backends!(
    a_nudge_is_handed_claimed_and_no_other_sender_takes_it,
    a_handed_row_whose_lease_ran_out_is_sent_by_one_sender_only,
    two_senders_of_one_process_never_both_send_a_row,
);

/// Delivers like a platform that takes a while over each message.
struct Slow(Recorder);

#[async_trait]
impl Adapter for Slow {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn deliver(
        &self,
        chat: &ChatRef,
        message: &Outbound,
        key: &str,
    ) -> Result<String, DeliveryError> {
        tokio::time::sleep(Duration::from_millis(200)).await;
        self.0.deliver(chat, message, key).await
    }
}

/// Ann's two reminders fired for a sender with a 400 ms lease whose lease renewals the
/// database refuses (a trigger): the first message goes out before any renewal is due; the
/// second needs one, and the sender stops there. What it already sent must be recorded, or
/// it would go out again once its lease ran out.
async fn a_sender_stopped_by_an_error_still_records_what_it_sent(store: Store, url: String) {
    let refuse: &[&str] = match store.backend() {
        Backend::Sqlite => &[
            "CREATE TRIGGER refuse_renewals BEFORE UPDATE OF lease_until ON outbox \
             WHEN NEW.state = 'sending' AND OLD.state = 'sending' \
             BEGIN SELECT RAISE(ABORT, 'renewal refused by the test'); END",
        ],
        Backend::Postgres => &[
            "CREATE FUNCTION refuse_renewal() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'renewal refused by the test'; END $$",
            "CREATE TRIGGER refuse_renewals BEFORE UPDATE OF lease_until ON outbox FOR EACH ROW \
             WHEN (NEW.state = 'sending' AND OLD.state = 'sending') \
             EXECUTE FUNCTION refuse_renewal()",
        ],
    };
    support::raw_sql(&store, &url, refuse).await;
    person_with_reminder(&store, "ann", "call Stripe").await;
    person_with_reminder(&store, "ann", "update the CV").await;
    let slow = Arc::new(Slow(Recorder::new(Platform::Console)));
    let sender = OutboxSender::new(store.clone(), slow.clone(), "process-a")
        .with_lease(Duration::from_millis(400));
    let handed = fire_for_ann(&store, &sender).await;
    assert_eq!(handed.len(), 2);

    let stopped = sender.deliver_claimed(handed).await;
    assert!(stopped.is_err(), "the refused renewal is reported");
    assert_eq!(slow.0.texts().len(), 1, "nothing sent past the error");
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(
        (counts.sent, counts.sending),
        (1, 1),
        "the message sent is recorded as sent"
    );
}

/// The database refuses to record deliveries for a moment (a dropped connection, a server
/// restarting): the sender stops sending, and writes down what it sent once it can, instead
/// of leaving those messages to go out again when their lease runs out.
async fn a_refused_record_is_written_again(store: Store, url: String) {
    let refuse: &[&str] = match store.backend() {
        Backend::Sqlite => &[
            "CREATE TABLE refuse (x INTEGER)",
            "INSERT INTO refuse VALUES (1)",
            "CREATE TRIGGER refuse_records BEFORE UPDATE OF state ON outbox \
             WHEN NEW.state = 'sent' AND EXISTS (SELECT 1 FROM refuse) \
             BEGIN SELECT RAISE(ABORT, 'record refused by the test'); END",
        ],
        Backend::Postgres => &[
            "CREATE TABLE refuse (x INTEGER)",
            "INSERT INTO refuse VALUES (1)",
            "CREATE FUNCTION refuse_record() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN IF EXISTS (SELECT 1 FROM refuse) THEN \
             RAISE EXCEPTION 'record refused by the test'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse_records BEFORE UPDATE OF state ON outbox FOR EACH ROW \
             WHEN (NEW.state = 'sent') EXECUTE FUNCTION refuse_record()",
        ],
    };
    support::raw_sql(&store, &url, refuse).await;
    person_with_reminder(&store, "ann", "call Stripe").await;
    person_with_reminder(&store, "ann", "update the CV").await;
    let ours = Arc::new(Recorder::new(Platform::Console));
    let sender = OutboxSender::new(store.clone(), ours.clone(), "process-a");
    let handed = fire_for_ann(&store, &sender).await;
    assert_eq!(handed.len(), 2);

    // The database takes records again a moment later.
    let lifting = {
        let (store, url) = (store.clone(), url.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            support::raw_sql(&store, &url, &["DELETE FROM refuse"]).await;
        })
    };
    let refused = sender.deliver_claimed(handed).await;
    lifting.await.unwrap();
    assert!(refused.is_err(), "the refusal is reported");
    let sent = ours.texts().len();
    assert!(sent >= 1, "something was sent before the refusal");
    assert_eq!(
        store.outbox_counts().await.unwrap().sent,
        sent as i64,
        "every message sent is recorded"
    );
}

both_backends_with_url!(
    a_sender_stopped_by_an_error_still_records_what_it_sent,
    a_refused_record_is_written_again,
);

//! Recurring reminders, per-person nudge settings and chats that refuse us, on SQLite and
//! PostgreSQL: a weekly review keeps 09:00 local across DST in Zurich and New York, missed
//! occurrences after downtime come as one message, quiet hours are the person's own, and a
//! chat that blocked the bot gets no more nudges until the person writes there again.

mod support;

use support::console_person;

use async_trait::async_trait;
use bot_core::message::{ChatRef, Outbound, Platform};
use bot_core::preferences::NudgePreferences;
use bot_core::scheduler::Scheduler;
use bot_core::store::{NewReminder, Reminder, ReminderState, Store};
use bot_core::{Adapter, DeliveryError, OutboxSender};
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use std::sync::Arc;
use std::time::Duration;

const ZURICH: Tz = chrono_tz::Europe::Zurich;
const NEW_YORK: Tz = chrono_tz::America::New_York;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn chat_of(name: &str) -> ChatRef {
    ChatRef {
        platform: Platform::Console,
        chat_id: format!("console:{name}"),
        thread_id: None,
        is_direct: true,
    }
}

/// A recurring reminder from `first` (wall time in `tz`), by `rule`.
fn series(text: &str, tz: Tz, first: &str, rule: &str) -> NewReminder {
    NewReminder {
        kind: "recurring".into(),
        rrule: Some(rule.into()),
        ..NewReminder::custom(
            text,
            tz,
            NaiveDateTime::parse_from_str(first, "%Y-%m-%dT%H:%M").unwrap(),
        )
    }
}

async fn texts(store: &Store) -> Vec<String> {
    store
        .claim_due_outbox(
            Platform::Console,
            None,
            "reader",
            Duration::from_secs(60),
            1000,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.message.text)
        .collect()
}

async fn reload(store: &Store, r: &Reminder) -> Reminder {
    store.reminder(r.user_id, r.id).await.unwrap().unwrap()
}

/// Fire the series at each of `expected` due instants in turn, checking each.
/// Fire `r` at each of its `expected` due instants, then end the series; returns the nudges
/// it wrote (taken from the outbox before the end, which withdraws any still waiting).
async fn walk(store: &Store, mut r: Reminder, expected: &[&str]) -> Vec<String> {
    let scheduler = Scheduler::new(store.clone(), "walker");
    for due in expected {
        assert_eq!(r.due_at, at(due), "due instant of {}", r.local_time);
        assert!(
            scheduler
                .tick(r.due_at - chrono::Duration::seconds(1))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(scheduler.tick(r.due_at).await.unwrap().len(), 1);
        r = reload(store, &r).await;
        assert_eq!(r.state, ReminderState::Pending, "a series stays pending");
    }
    let sent = texts(store).await;
    // End the series, so it does not fire within the next one walked in the same test.
    store
        .close_reminder(r.user_id, r.id, ReminderState::Cancelled)
        .await
        .unwrap();
    sent
}

async fn weekly_review_keeps_local_time_across_zurich_dst(store: Store) {
    let user = console_person(&store, "ann").await;
    let r = store
        .insert_reminder(
            user,
            &series(
                "review my pipeline",
                ZURICH,
                "2027-03-22T09:00",
                "FREQ=WEEKLY;BYDAY=MO",
            ),
        )
        .await
        .unwrap();
    // Spring forward on Sun 28 Mar 2027 (CET → CEST), fall back on Sun 31 Oct 2027.
    let mut sent = walk(
        &store,
        r,
        &[
            "2027-03-22T08:00:00Z",
            "2027-03-29T07:00:00Z",
            "2027-04-05T07:00:00Z",
        ],
    )
    .await;
    let fall = store
        .insert_reminder(
            user,
            &series(
                "review my pipeline",
                ZURICH,
                "2027-10-25T09:00",
                "FREQ=WEEKLY;BYDAY=MO",
            ),
        )
        .await
        .unwrap();
    sent.extend(
        walk(
            &store,
            fall,
            &["2027-10-25T07:00:00Z", "2027-11-01T08:00:00Z"],
        )
        .await,
    );
    assert_eq!(sent.len(), 5);
    assert!(
        sent.iter()
            .all(|t| t == "⏰ Reminder: review your pipeline"),
        "{sent:?}"
    );
}

async fn daily_series_in_new_york_through_the_gap_and_the_overlap(store: Store) {
    let user = console_person(&store, "ben").await;
    // 02:30 does not exist on Sun 14 Mar 2027: shifted forward by the gap to 03:30 EDT;
    // the next day is 02:30 again.
    let spring = store
        .insert_reminder(
            user,
            &series("stretch", NEW_YORK, "2027-03-13T02:30", "FREQ=DAILY"),
        )
        .await
        .unwrap();
    walk(
        &store,
        spring,
        &[
            "2027-03-13T07:30:00Z",
            "2027-03-14T07:30:00Z",
            "2027-03-15T06:30:00Z",
        ],
    )
    .await;
    // 01:30 happens twice on Sun 7 Nov 2027: the first one (EDT) fires, once.
    let fall = store
        .insert_reminder(
            user,
            &series("water plants", NEW_YORK, "2027-11-06T01:30", "FREQ=DAILY"),
        )
        .await
        .unwrap();
    walk(
        &store,
        fall,
        &[
            "2027-11-06T05:30:00Z",
            "2027-11-07T05:30:00Z",
            "2027-11-08T06:30:00Z",
        ],
    )
    .await;
}

async fn missed_occurrences_after_downtime_come_as_one_message(store: Store) {
    let user = console_person(&store, "cat").await;
    let r = store
        .insert_reminder(
            user,
            &series("check job boards", ZURICH, "2026-11-20T08:00", "FREQ=DAILY"),
        )
        .await
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "after-downtime");
    // Down from before Fri 20 Nov 08:00 until Tue 24 Nov 12:00 Zurich: 5 occurrences due.
    assert_eq!(
        scheduler
            .tick(at("2026-11-24T11:00:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        scheduler
            .tick(at("2026-11-24T11:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    let sent = texts(&store).await;
    assert_eq!(sent.len(), 1, "one message, not a storm: {sent:?}");
    assert!(sent[0].contains("4 more times"), "{}", sent[0]);
    assert!(
        sent[0].contains("This was due Fri 20 Nov, 08:00"),
        "{}",
        sent[0]
    );
    let next = reload(&store, &r).await;
    assert_eq!(
        next.due_at,
        at("2026-11-25T07:00:00Z"),
        "tomorrow 08:00 Zurich"
    );
    assert_eq!(next.occurrence, 1);
}

async fn quiet_hours_are_the_persons_own(store: Store) {
    let user = console_person(&store, "dan").await;
    let prefs = NudgePreferences {
        quiet_start: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
        quiet_end: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        ..Default::default()
    };
    store.set_nudge_preferences(user, prefs).await.unwrap();
    let auto = NewReminder {
        kind: "follow_up".into(),
        explicit_time: false,
        ..NewReminder::custom(
            "Any news from Stripe?",
            ZURICH,
            NaiveDateTime::parse_from_str("2026-11-25T09:00", "%Y-%m-%dT%H:%M").unwrap(),
        )
    };
    let r = store.insert_reminder(user, &auto).await.unwrap();
    let scheduler = Scheduler::new(store.clone(), "quiet");
    // 09:00 Zurich is outside the default quiet hours but inside this person's.
    assert!(
        scheduler
            .tick(at("2026-11-25T08:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        reload(&store, &r).await.due_at,
        at("2026-11-25T08:30:00Z"),
        "09:30 local"
    );
    assert_eq!(
        scheduler
            .tick(at("2026-11-25T08:30:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
    // Other preferences survive the nudge settings.
    let read = store.nudge_preferences(&[user]).await.unwrap();
    assert_eq!(read.get(&user), Some(&prefs));
}

/// A platform on which the person blocked the bot: every send is refused for good.
struct Blocked;

#[async_trait]
impl Adapter for Blocked {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn deliver(
        &self,
        _chat: &ChatRef,
        _message: &Outbound,
        _idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        Err(DeliveryError::Unreachable(
            "Forbidden: bot was blocked by the user".into(),
        ))
    }
}

async fn a_blocked_chat_gets_no_more_nudges_until_the_person_writes_again(store: Store) {
    let user = console_person(&store, "eve").await;
    let once = |text: &str, local: &str| {
        NewReminder::custom(
            text,
            ZURICH,
            NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap(),
        )
    };
    store
        .insert_reminder(user, &once("first", "2026-11-25T10:00"))
        .await
        .unwrap();
    let second = store
        .insert_reminder(user, &once("second", "2026-11-26T10:00"))
        .await
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "w");
    assert_eq!(
        scheduler
            .tick(at("2026-11-25T09:00:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
    let sender = OutboxSender::new(store.clone(), Arc::new(Blocked), "w");
    assert_eq!(sender.drain_due().await.unwrap(), 1);
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(
        (counts.failed, counts.pending),
        (1, 0),
        "failed for good, no retry"
    );

    // The next reminder finds no chat to go to: nothing is written for the blocked chat.
    assert!(
        scheduler
            .tick(at("2026-11-26T09:00:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(reload(&store, &second).await.state, ReminderState::Failed);

    // The person unblocks and writes: nudges may come again (an operator retry re-sends).
    store.upsert_chat(&chat_of("eve")).await.unwrap();
    store.retry_failed().await.unwrap();
    let retried = store
        .claim_due_outbox(
            Platform::Console,
            None,
            "operator",
            Duration::from_secs(60),
            10,
        )
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert_eq!(
        retried[0].attempts, 1,
        "a retried message starts its attempts over"
    );
    assert_eq!(
        scheduler
            .tick(at("2026-11-26T09:01:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn downtime_ending_in_the_repeated_hour_still_sends_one_message(store: Store) {
    let user = console_person(&store, "dan").await;
    let r = store
        .insert_reminder(
            user,
            &series("water plants", NEW_YORK, "2027-11-06T01:30", "FREQ=DAILY"),
        )
        .await
        .unwrap();
    // Down from before Saturday's 01:30 until Sunday 01:10 EST (06:10 UTC), when the
    // clocks have gone back: Sunday's 01:30 EDT (05:30 UTC) has gone by too, though the
    // wall clock shows 01:10 again.
    let scheduler = Scheduler::new(store.clone(), "after-downtime");
    assert_eq!(
        scheduler
            .tick(at("2027-11-07T06:10:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
    let next = reload(&store, &r).await;
    assert_eq!(next.due_at, at("2027-11-08T06:30:00Z"), "Monday 01:30 EST");
    assert!(
        scheduler
            .tick(at("2027-11-07T06:11:00Z"))
            .await
            .unwrap()
            .is_empty(),
        "no second late message for Sunday"
    );
    let sent = texts(&store).await;
    assert_eq!(sent.len(), 1);
    assert!(
        sent[0].contains("It also came round 1 more time"),
        "{sent:?}"
    );
}

/// The person moves zone while a batch is firing their series: the move waits for the
/// batch, and moves the series from the occurrence it comes round to next, not from the
/// one just sent (which would bring that one back, due again in the new zone).
async fn a_zone_move_during_a_firing_moves_the_series_from_its_next_occurrence(store: Store) {
    let user = console_person(&store, "zoe").await;
    let review = store
        .insert_reminder(
            user,
            &series("review", ZURICH, "2026-11-30T09:00", "FREQ=WEEKLY;BYDAY=MO"),
        )
        .await
        .unwrap();
    let next = bot_core::store::NextOccurrence {
        local_time: NaiveDateTime::parse_from_str("2026-12-07T09:00", "%Y-%m-%dT%H:%M").unwrap(),
        due_at: at("2026-12-07T08:00:00Z"),
    };
    let (holding, held) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let firing = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .fire_due_batch(
                    at("2026-11-30T08:01:00Z"),
                    10,
                    Duration::from_secs(60),
                    move |due| {
                        let reminder = due.reminders[0].clone();
                        let chat = due.chats[&reminder.id].clone();
                        holding.send(()).unwrap();
                        tokio::task::block_in_place(|| released.recv().unwrap());
                        vec![bot_core::store::Decision::Fire(bot_core::store::Nudge {
                            reminder,
                            chat,
                            message: Outbound::text("review"),
                            next: Some(next),
                            claim: None,
                        })]
                    },
                )
                .await
        })
    };
    tokio::task::block_in_place(|| held.recv().unwrap());
    let moving = {
        let store = store.clone();
        tokio::spawn(async move { store.move_to_timezone(user, NEW_YORK).await })
    };
    // Long enough for the move to have read the person's reminders, were it not held up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    release.send(()).unwrap();
    firing.await.unwrap().unwrap();
    assert_eq!(moving.await.unwrap().unwrap(), 1);

    let moved = reload(&store, &review).await;
    assert_eq!(moved.timezone, NEW_YORK);
    assert_eq!(
        moved.local_time, next.local_time,
        "09:00 on the next Monday"
    );
    assert_eq!(
        moved.due_at,
        at("2026-12-07T14:00:00Z"),
        "09:00 in New York"
    );
    assert_eq!(moved.occurrence, 1, "fired once");
}

both_backends!(
    a_zone_move_during_a_firing_moves_the_series_from_its_next_occurrence,
    weekly_review_keeps_local_time_across_zurich_dst,
    daily_series_in_new_york_through_the_gap_and_the_overlap,
    missed_occurrences_after_downtime_come_as_one_message,
    quiet_hours_are_the_persons_own,
    a_blocked_chat_gets_no_more_nudges_until_the_person_writes_again,
    downtime_ending_in_the_repeated_hour_still_sends_one_message,
);

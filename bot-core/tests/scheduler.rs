//! The scheduler on SQLite and PostgreSQL: each due reminder becomes exactly one outbox
//! message, across concurrent schedulers and a worker that dies or stalls mid-batch; overdue
//! reminders fire once, marked late; automatic nudges wait out quiet hours.

mod support;

use support::console_person;

use bot_core::OutboxSender;
use bot_core::message::Platform;
use bot_core::scheduler::Scheduler;
use bot_core::store::{NewApplication, NewReminder, ReminderState, Store};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use futures::FutureExt;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

const ZURICH: Tz = chrono_tz::Europe::Zurich;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn reminder(text: &str, local: &str, explicit: bool) -> NewReminder {
    let local = chrono::NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap();
    NewReminder {
        kind: if explicit { "custom" } else { "follow_up" }.into(),
        explicit_time: explicit,
        ..NewReminder::custom(text, ZURICH, local)
    }
}

async fn outbox_texts(store: &Store) -> Vec<String> {
    let sent = store
        .claim_due_outbox(
            Platform::Console,
            None,
            "reader",
            Duration::from_secs(60),
            10_000,
        )
        .await
        .unwrap();
    sent.into_iter().map(|m| m.message.text).collect()
}

async fn due_reminders_fire_once_each(store: Store) {
    let user = console_person(&store, "ann").await;
    let r = store
        .insert_reminder(
            user,
            &reminder("call the recruiter", "2026-11-25T09:30", true),
        )
        .await
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "worker-a");

    assert!(
        scheduler
            .tick(at("2026-11-25T08:29:00Z"))
            .await
            .unwrap()
            .is_empty(),
        "not due yet"
    );
    let fired = scheduler.tick(at("2026-11-25T08:30:00Z")).await.unwrap();
    assert_eq!(fired.len(), 1);
    assert!(
        scheduler
            .tick(at("2026-11-25T08:31:00Z"))
            .await
            .unwrap()
            .is_empty(),
        "never twice"
    );
    let after = store.reminder(user, r.id).await.unwrap().unwrap();
    assert_eq!((after.state, after.occurrence), (ReminderState::Fired, 1));

    let texts = outbox_texts(&store).await;
    assert_eq!(texts, ["⏰ Reminder: call the recruiter"]);
    let claimed = store
        .claim_outbox_row(fired[0], "x", Duration::from_secs(1))
        .await
        .unwrap();
    assert!(claimed.is_none(), "already claimed by the reader above");
}

async fn overdue_reminders_fire_once_marked_late(store: Store) {
    let user = console_person(&store, "ben").await;
    store
        .insert_reminder(user, &reminder("update LinkedIn", "2026-11-25T09:00", true))
        .await
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "worker-a");
    // The process was down for three hours.
    let fired = scheduler.tick(at("2026-11-25T11:00:00Z")).await.unwrap();
    assert_eq!(fired.len(), 1);
    let texts = outbox_texts(&store).await;
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0].contains("This was due Wed 25 Nov, 09:00"),
        "{texts:?}"
    );
}

async fn automatic_nudges_wait_out_quiet_hours(store: Store) {
    let user = console_person(&store, "cat").await;
    let auto = store
        .insert_reminder(
            user,
            &reminder("Any news from Stripe?", "2026-11-25T23:00", false),
        )
        .await
        .unwrap();
    let chosen = store
        .insert_reminder(user, &reminder("take the pills", "2026-11-25T23:00", true))
        .await
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "worker-a");
    let fired = scheduler.tick(at("2026-11-25T22:00:00Z")).await.unwrap(); // 23:00 Zurich
    assert_eq!(
        fired.len(),
        1,
        "only the time the person chose fires at night"
    );
    let waiting = store.reminder(user, auto.id).await.unwrap().unwrap();
    assert_eq!(waiting.state, ReminderState::Pending);
    assert_eq!(waiting.due_at, at("2026-11-26T07:00:00Z"), "08:00 Zurich");
    assert_eq!(
        store
            .reminder(user, chosen.id)
            .await
            .unwrap()
            .unwrap()
            .state,
        ReminderState::Fired
    );
    assert!(
        scheduler
            .tick(at("2026-11-26T06:59:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        scheduler
            .tick(at("2026-11-26T07:00:00Z"))
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn a_worker_that_dies_mid_batch_leaves_its_reminders_due_at_once(store: Store) {
    let user = console_person(&store, "dan").await;
    store
        .insert_reminder(user, &reminder("send the form", "2026-11-25T10:00", true))
        .await
        .unwrap();
    let now = at("2026-11-25T09:00:00Z");
    // A worker takes the batch and dies before writing anything (its task panics, so its
    // transaction is dropped uncommitted).
    let mut taken = 0;
    let died = AssertUnwindSafe(
        store.fire_due_batch(now, 10, Duration::from_secs(60), |due| {
            taken = due.reminders.len();
            panic!("worker dies mid-batch");
        }),
    )
    .catch_unwind()
    .await;
    assert!(died.is_err());
    assert_eq!(taken, 1, "the batch held the reminder");
    assert!(outbox_texts(&store).await.is_empty());
    // No lease to wait out: the next worker fires it at once, and once.
    let survivor = Scheduler::new(store.clone(), "survivor");
    assert_eq!(survivor.tick(now).await.unwrap().len(), 1);
    assert!(survivor.tick(now).await.unwrap().is_empty());
    assert_eq!(outbox_texts(&store).await, ["⏰ Reminder: send the form"]);
}

/// PostgreSQL only: a stalled worker's transaction is ended by the server after the hold
/// time, so another worker fires its reminders and the stalled one's late writes fail.
/// (SQLite has one writer at a time: a stalled writer holds everyone up, as any would.)
async fn a_stalled_workers_batch_is_taken_over_after_the_hold_time(store: Store) {
    let user = console_person(&store, "dora").await;
    store
        .insert_reminder(user, &reminder("book the flight", "2026-11-25T10:00", true))
        .await
        .unwrap();
    let now = at("2026-11-25T09:00:00Z");
    let (holding, held) = std::sync::mpsc::channel();
    let stalled = {
        let store = store.clone();
        tokio::spawn(async move {
            store
                .fire_due_batch(now, 10, Duration::from_secs(1), |due| {
                    holding.send(due.reminders.len()).unwrap();
                    // Stuck (blocked, not dead) for longer than its hold time; the runtime is
                    // told, so the other worker's queries are not stuck behind this thread.
                    tokio::task::block_in_place(|| std::thread::sleep(Duration::from_secs(3)));
                    Vec::new()
                })
                .await
        })
    };
    assert_eq!(held.recv().unwrap(), 1);
    let other = Scheduler::new(store.clone(), "other");
    assert!(
        other.tick(now).await.unwrap().is_empty(),
        "held by the stalled worker's batch"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(other.tick(now).await.unwrap().len(), 1, "taken over");
    assert!(
        stalled.await.unwrap().is_err(),
        "the stalled worker's transaction was ended"
    );
    assert_eq!(outbox_texts(&store).await, ["⏰ Reminder: book the flight"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stalled_batch_is_taken_over() {
    support::on_postgres(a_stalled_workers_batch_is_taken_over_after_the_hold_time).await;
}

async fn concurrent_schedulers_deliver_each_reminder_exactly_once(store: Store) {
    let user = console_person(&store, "eve").await;
    for i in 0..200 {
        let minute = i % 60;
        store
            .insert_reminder(
                user,
                &reminder(
                    &format!("task {i}"),
                    &format!("2026-11-25T09:{minute:02}"),
                    true,
                ),
            )
            .await
            .unwrap();
    }
    let now = at("2026-11-25T12:00:00Z");
    let mut workers = Vec::new();
    for w in 0..4 {
        let scheduler = Scheduler::new(store.clone(), format!("worker-{w}"));
        workers.push(tokio::spawn(async move {
            scheduler.tick(now).await.unwrap().len()
        }));
    }
    let mut total = 0;
    for worker in workers {
        total += worker.await.unwrap();
    }
    assert_eq!(total, 200, "every reminder fired by exactly one worker");
    let mut texts = outbox_texts(&store).await;
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), 200, "no duplicates in the outbox");
}

/// A backlog larger than a batch, fired by two schedulers (two processes) with three
/// workers each, every nudge handed claimed to its scheduler's sender: each reminder is
/// fired by exactly one worker, each outbox row handed over once.
async fn a_backlog_is_worked_off_by_several_workers_exactly_once(store: Store) {
    let user = console_person(&store, "ivy").await;
    let count = 4_500;
    for i in 0..count {
        let minute = i % 60;
        let text = format!("task {i}");
        let due = format!("2026-11-25T09:{minute:02}");
        store
            .insert_reminder(user, &reminder(&text, &due, true))
            .await
            .unwrap();
    }
    let now = at("2026-11-25T12:00:00Z");
    let fire = |name: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            let adapter = Arc::new(support::Recorder::new(Platform::Console));
            let sender = OutboxSender::new(store.clone(), adapter, name);
            let scheduler = Scheduler::new(store, name).with_workers(3);
            let mut handed = Vec::new();
            let written = scheduler
                .fire_due(now, &[sender], |index, rows| {
                    assert_eq!(index, 0, "one sender");
                    handed.extend(rows.into_iter().map(|row| row.id));
                })
                .await
                .unwrap();
            (written, handed)
        })
    };
    let (one, two) = (fire("one"), fire("two"));
    let (one, two) = (one.await.unwrap(), two.await.unwrap());
    let mut written: Vec<i64> = one.0.iter().chain(&two.0).copied().collect();
    let mut handed: Vec<i64> = one.1.iter().chain(&two.1).copied().collect();
    assert_eq!(written.len(), count, "every reminder fired");
    written.sort_unstable();
    written.dedup();
    assert_eq!(written.len(), count, "no outbox row written twice");
    handed.sort_unstable();
    assert_eq!(handed, written, "each row handed over claimed, once");
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(counts.sending, count as i64, "each written claimed, once");
    let reminders = store.list_reminders(user, true).await.unwrap();
    assert_eq!(reminders.len(), count);
    assert!(
        reminders.iter().all(|r| r.state == ReminderState::Fired),
        "nothing left pending"
    );
}

async fn reminders_keep_wall_time_when_the_person_moves_zone(store: Store) {
    // The due instant derives from zone + wall time, so 09:00 stays 09:00 in the stored zone.
    let user = console_person(&store, "fay").await;
    let r = store
        .insert_reminder(user, &reminder("weekly review", "2027-03-29T09:00", true))
        .await
        .unwrap();
    assert_eq!(
        r.due_at,
        Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap(),
        "09:00 CEST"
    );
    let moved = store
        .reschedule_reminder(
            user,
            r.id,
            Utc.with_ymd_and_hms(2027, 3, 27, 8, 0, 0).unwrap(),
            true,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        moved.due_at,
        Utc.with_ymd_and_hms(2027, 3, 27, 8, 0, 0).unwrap(),
        "09:00 CET"
    );
}

async fn moving_zone_keeps_wall_times(store: Store) {
    let user = console_person(&store, "gus").await;
    let r = store
        .insert_reminder(user, &reminder("stand-up", "2026-12-01T09:00", true))
        .await
        .unwrap();
    assert_eq!(r.due_at, at("2026-12-01T08:00:00Z"), "09:00 Zurich");
    let moved = store
        .move_to_timezone(user, chrono_tz::America::New_York)
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let after = store.reminder(user, r.id).await.unwrap().unwrap();
    assert_eq!(after.due_at, at("2026-12-01T14:00:00Z"), "09:00 New York");
    assert_eq!(after.local_time.format("%H:%M").to_string(), "09:00");
    assert_eq!(after.timezone.name(), "America/New_York");
}

async fn a_snoozed_nudge_comes_back_when_the_person_said(store: Store) {
    let user = console_person(&store, "gus").await;
    // A follow-up (the bot's own time), snoozed by the person until 23:30 Zurich: a time
    // they named, so their quiet hours do not hold it back.
    let auto = store
        .insert_reminder(
            user,
            &reminder("Any news from Stripe?", "2026-11-25T10:00", false),
        )
        .await
        .unwrap();
    let late_evening = at("2026-11-25T22:30:00Z");
    let snoozed = store
        .reschedule_reminder(user, auto.id, late_evening, true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snoozed.due_at, late_evening);
    // Another, snoozed for a while that happens to end at 23:30: not a time the person
    // named, so it waits out the quiet hours like any automatic nudge.
    let other = store
        .insert_reminder(
            user,
            &reminder("Any news from Datadog?", "2026-11-25T10:00", false),
        )
        .await
        .unwrap();
    store
        .reschedule_reminder(user, other.id, late_evening, false)
        .await
        .unwrap()
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "worker-a");
    let fired = scheduler.tick(at("2026-11-25T22:31:00Z")).await.unwrap();
    assert_eq!(fired.len(), 1, "only the named time fires in quiet hours");
    let held = store.reminder(user, other.id).await.unwrap().unwrap();
    assert_eq!(held.due_at, at("2026-11-26T07:00:00Z"), "08:00 Zurich");

    // When New York's clocks go back, 01:30 comes twice; a snooze to the second one
    // (06:30 UTC) stays there rather than landing on the first, an hour earlier.
    let ny = store
        .insert_reminder(
            user,
            &NewReminder::custom(
                "call Anna",
                chrono_tz::America::New_York,
                NaiveDate::from_ymd_opt(2026, 11, 1)
                    .unwrap()
                    .and_hms_opt(0, 30, 0)
                    .unwrap(),
            ),
        )
        .await
        .unwrap();
    let second = at("2026-11-01T06:30:00Z");
    let snoozed = store
        .reschedule_reminder(user, ny.id, second, false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(snoozed.due_at, second, "01:30 EST, not 01:30 EDT");
    assert_eq!(snoozed.local_time.format("%H:%M").to_string(), "01:30");
}

async fn a_nudge_held_for_quiet_hours_after_downtime_still_says_it_is_late(store: Store) {
    let user = console_person(&store, "hal").await;
    // Due at 10:00 Zurich, but the bot is down until 23:30: held for the quiet hours, and
    // late when it goes at 08:00.
    store
        .insert_reminder(
            user,
            &reminder("Any news from Stripe?", "2026-11-25T10:00", false),
        )
        .await
        .unwrap();
    // Due at 23:00, inside the quiet hours: held to 08:00 on time, so not late.
    store
        .insert_reminder(
            user,
            &reminder("Any news from Datadog?", "2026-11-25T23:00", false),
        )
        .await
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "worker-a");
    let held = scheduler.tick(at("2026-11-25T22:30:00Z")).await.unwrap();
    assert!(held.is_empty(), "both wait out the quiet hours");
    let fired = scheduler.tick(at("2026-11-26T07:00:00Z")).await.unwrap();
    assert_eq!(fired.len(), 2);
    let texts = outbox_texts(&store).await;
    let stripe = texts.iter().find(|t| t.contains("Stripe")).unwrap();
    assert!(
        stripe.contains("(This was due Wed 25 Nov, 10:00; I could not send it on time.)"),
        "{stripe}"
    );
    let datadog = texts.iter().find(|t| t.contains("Datadog")).unwrap();
    assert!(!datadog.contains("This was due"), "{datadog}");
}

async fn nudges_not_yet_out_are_withdrawn_when_their_reminder_closes(store: Store) {
    let user = console_person(&store, "ivy").await;
    let app = |company: &str| NewApplication {
        company: company.into(),
        role: "Backend Engineer".into(),
        ..NewApplication::default()
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
    let stripe = store
        .insert_application(user, &app("Stripe"), today)
        .await
        .unwrap();
    let datadog = store
        .insert_application(user, &app("Datadog"), today)
        .await
        .unwrap();
    let follow_up = |text: &str, application: i64| NewReminder {
        application_id: Some(application),
        ..reminder(text, "2026-11-25T10:00", false)
    };
    store
        .insert_reminder(user, &follow_up("Any news from Stripe?", stripe.id))
        .await
        .unwrap();
    store
        .insert_reminder(user, &follow_up("Any news from Datadog?", datadog.id))
        .await
        .unwrap();
    let done = store
        .insert_reminder(user, &reminder("call Anna", "2026-11-25T10:00", true))
        .await
        .unwrap();
    store
        .insert_reminder(user, &reminder("update the CV", "2026-11-25T10:00", true))
        .await
        .unwrap();
    // Fired while the platform is down: four nudges wait in the outbox.
    let scheduler = Scheduler::new(store.clone(), "worker-a");
    assert_eq!(
        scheduler
            .tick(at("2026-11-25T09:01:00Z"))
            .await
            .unwrap()
            .len(),
        4
    );

    // The person marks one done, hears back from Stripe, and drops Datadog.
    store
        .close_reminder(user, done.id, ReminderState::Done)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        store
            .cancel_automatic_reminders(user, stripe.id)
            .await
            .unwrap(),
        1
    );
    assert!(store.delete_application(user, datadog.id).await.unwrap());

    // Only the reminder still open is still to be sent.
    let left = outbox_texts(&store).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].contains("update the CV"), "{left:?}");
}

async fn an_unreadable_reminder_is_set_aside(store: Store, url: String) {
    let user = console_person(&store, "kim").await;
    let broken = store
        .insert_reminder(user, &reminder("call Anna", "2026-11-25T09:00", true))
        .await
        .unwrap();
    store
        .insert_reminder(user, &reminder("update the CV", "2026-11-25T09:30", true))
        .await
        .unwrap();
    // A zone this build does not know, as an older or newer one might have written.
    let corrupt = format!(
        "UPDATE reminders SET timezone = 'Mars/Olympus_Mons' WHERE id = {}",
        broken.id
    );
    support::raw_sql(&store, &url, &[&corrupt]).await;

    let scheduler = Scheduler::new(store.clone(), "worker-a");
    let fired = scheduler.tick(at("2026-11-25T09:00:00Z")).await.unwrap();
    assert_eq!(fired.len(), 1, "the readable one fires");
    assert!(outbox_texts(&store).await[0].contains("update the CV"));
    // Set aside for a quarter of an hour, for a process that can read it.
    let waiting = store.reminders_overview(Some("pending"), 10).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].id, waiting[0].due_at),
        (broken.id, at("2026-11-25T09:15:00Z"))
    );
    assert!(
        scheduler
            .tick(at("2026-11-25T09:01:00Z"))
            .await
            .unwrap()
            .is_empty()
    );
}

both_backends_with_url!(an_unreadable_reminder_is_set_aside);

both_backends!(
    moving_zone_keeps_wall_times,
    due_reminders_fire_once_each,
    overdue_reminders_fire_once_marked_late,
    automatic_nudges_wait_out_quiet_hours,
    a_worker_that_dies_mid_batch_leaves_its_reminders_due_at_once,
    concurrent_schedulers_deliver_each_reminder_exactly_once,
    a_backlog_is_worked_off_by_several_workers_exactly_once,
    reminders_keep_wall_time_when_the_person_moves_zone,
    a_snoozed_nudge_comes_back_when_the_person_said,
    a_nudge_held_for_quiet_hours_after_downtime_still_says_it_is_late,
    nudges_not_yet_out_are_withdrawn_when_their_reminder_closes,
);

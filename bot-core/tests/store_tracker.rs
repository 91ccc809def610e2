//! The store and the tracker service, on SQLite and PostgreSQL alike.

mod support;

use bot_core::message::{ChatRef, Platform};
use bot_core::store::{EventKind, NewApplication, StatusChange, Store};
use bot_core::tracker::{Status, TrackOutcome, Tracker};
use chrono::{NaiveDate, TimeZone, Utc};

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).expect("valid date")
}

fn rejected(on: NaiveDate) -> StatusChange {
    StatusChange {
        status: Status::Rejected,
        occurred_on: on,
        scheduled_at: None,
    }
}

fn new_app(company: &str, role: &str) -> NewApplication {
    NewApplication {
        company: company.into(),
        role: role.into(),
        ..NewApplication::default()
    }
}

fn console_chat(id: &str) -> ChatRef {
    ChatRef {
        platform: Platform::Console,
        chat_id: id.into(),
        thread_id: None,
        is_direct: true,
    }
}

async fn track_update_list_and_timeline(store: Store) {
    let user = store
        .resolve_user("console", "alice", Some("Alice"))
        .await
        .unwrap();
    let mut apple = new_app("Apple", "iOS engineer");
    apple.applied_on = Some(day(20));
    apple.url = Some("https://jobs.apple.example/1".into());
    let apple = store
        .insert_application(user.id, &apple, day(24))
        .await
        .unwrap();
    let ms = store
        .insert_application(user.id, &new_app("Microsoft", "architect"), day(24))
        .await
        .unwrap();
    let _siemens = store
        .insert_application(user.id, &new_app("Siemens", ""), day(24))
        .await
        .unwrap();
    assert_eq!(apple.status, Status::Applied);
    assert_eq!(apple.applied_on, Some(day(20)));
    assert_eq!(
        ms.applied_on,
        Some(day(24)),
        "applied date defaults to today"
    );

    let interview_at = Utc.with_ymd_and_hms(2026, 11, 27, 9, 0, 0).unwrap();
    let moved = store
        .update_application_status(
            user.id,
            apple.id,
            &StatusChange {
                status: Status::Interview,
                occurred_on: day(24),
                scheduled_at: Some(interview_at),
            },
            None,
        )
        .await
        .unwrap()
        .expect("own application updates");
    assert_eq!(moved.status, Status::Interview);
    store
        .update_application_status(user.id, ms.id, &rejected(day(25)), None)
        .await
        .unwrap();

    let all = store.list_applications(user.id, None).await.unwrap();
    assert_eq!(
        all.iter().map(|a| a.company.as_str()).collect::<Vec<_>>(),
        ["Apple", "Microsoft", "Siemens"]
    );
    let rejected = store
        .list_applications(user.id, Some(Status::Rejected))
        .await
        .unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0].company, "Microsoft");

    store
        .add_application_note(user.id, apple.id, "talked to Anna", day(25))
        .await
        .unwrap();
    store
        .add_application_note(user.id, apple.id, "sent thank-you", day(26))
        .await
        .unwrap();
    let apple_now = store.application(user.id, apple.id).await.unwrap().unwrap();
    assert_eq!(apple_now.notes, "talked to Anna\nsent thank-you");

    let events = store.application_events(user.id, apple.id).await.unwrap();
    let kinds: Vec<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Created,
            EventKind::StatusChange,
            EventKind::Note,
            EventKind::Note
        ]
    );
    assert_eq!(events[0].occurred_on, day(20));
    assert_eq!(events[1].status, Some(Status::Interview));
    assert_eq!(events[1].scheduled_at, Some(interview_at));
    assert_eq!(events[3].note.as_deref(), Some("sent thank-you"));
}

async fn every_query_is_scoped_to_its_user(store: Store) {
    let alice = store.resolve_user("console", "alice", None).await.unwrap();
    let bob = store.resolve_user("telegram", "42", None).await.unwrap();
    assert_ne!(alice.id, bob.id);
    let app = store
        .insert_application(alice.id, &new_app("Stripe", "backend"), day(24))
        .await
        .unwrap();

    assert!(
        store
            .list_applications(bob.id, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.application(bob.id, app.id).await.unwrap().is_none());
    assert!(
        store
            .application_events(bob.id, app.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .update_application_status(bob.id, app.id, &rejected(day(24)), None)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .add_application_note(bob.id, app.id, "mine now", day(24))
            .await
            .unwrap()
            .is_none()
    );
    let untouched = store.application(alice.id, app.id).await.unwrap().unwrap();
    assert_eq!(untouched.status, Status::Applied);
    assert_eq!(untouched.notes, "");
}

async fn identities_resolve_to_one_user_even_concurrently(store: Store) {
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .resolve_user("discord", "777", Some("Sam"))
                .await
                .unwrap()
                .id
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one user for one identity: {ids:?}");
    let again = store.resolve_user("discord", "777", None).await.unwrap();
    assert_eq!(again.id, ids[0]);
    assert_eq!(again.display_name.as_deref(), Some("Sam"));

    store
        .move_to_timezone(again.id, chrono_tz::Europe::Zurich)
        .await
        .unwrap();
    let user = store.user(again.id).await.unwrap().unwrap();
    assert_eq!(user.timezone.as_deref(), Some("Europe/Zurich"));
}

async fn tracker_notices_duplicates(store: Store) {
    let user = store.resolve_user("console", "dana", None).await.unwrap();
    let tracker = Tracker::new(store.clone());
    let first = match tracker
        .track(
            user.id,
            &new_app("Google LLC", "Backend Engineer"),
            day(24),
            false,
        )
        .await
        .unwrap()
    {
        TrackOutcome::Created(app) => app,
        other => panic!("first application is new: {other:?}"),
    };
    match tracker
        .track(
            user.id,
            &new_app("google", "Senior Backend Engineer"),
            day(24),
            false,
        )
        .await
        .unwrap()
    {
        TrackOutcome::PossibleDuplicate { existing } => assert_eq!(existing.id, first.id),
        other => panic!("expected a duplicate warning, got {other:?}"),
    }
    match tracker
        .track(
            user.id,
            &new_app("google", "Product Designer"),
            day(24),
            false,
        )
        .await
        .unwrap()
    {
        TrackOutcome::Created(app) => {
            assert_eq!(app.company, "Google LLC", "spelling on file is kept")
        }
        other => panic!("a different role is not a duplicate: {other:?}"),
    }
    match tracker
        .track(
            user.id,
            &new_app("Google", "Backend Engineer"),
            day(24),
            true,
        )
        .await
        .unwrap()
    {
        TrackOutcome::Created(_) => {}
        other => panic!("confirmed duplicates are added: {other:?}"),
    }
    assert_eq!(tracker.list(user.id, None).await.unwrap().len(), 3);
    let found = tracker.find_by_company(user.id, "Google").await.unwrap();
    assert_eq!(found.len(), 3);
}

async fn deletion_is_scoped_and_complete(store: Store) {
    let alice = store
        .resolve_user("console", "alice", Some("Alice"))
        .await
        .unwrap();
    let bob = store.resolve_user("console", "bob", None).await.unwrap();
    store
        .move_to_timezone(alice.id, chrono_tz::Europe::Zurich)
        .await
        .unwrap();
    let a1 = store
        .insert_application(alice.id, &new_app("Apple", "iOS"), day(24))
        .await
        .unwrap();
    let a2 = store
        .insert_application(alice.id, &new_app("Adyen", "payments"), day(24))
        .await
        .unwrap();
    let b1 = store
        .insert_application(bob.id, &new_app("Bolt", "driver app"), day(24))
        .await
        .unwrap();
    let chat = console_chat("console:alice");
    let chat_id = store.upsert_chat(&chat).await.unwrap().id;
    store
        .log_inbound(alice.id, chat_id, "I applied to Apple", None)
        .await
        .unwrap();

    assert!(
        !store.delete_application(bob.id, a1.id).await.unwrap(),
        "not bob's to delete"
    );
    assert!(store.delete_application(alice.id, a1.id).await.unwrap());
    assert!(
        store
            .application_events(alice.id, a1.id)
            .await
            .unwrap()
            .is_empty(),
        "timeline went with it"
    );

    let forgotten = store.forget_user(alice.id).await.unwrap();
    assert_eq!((forgotten.applications, forgotten.messages), (1, 1));
    assert!(store.application(alice.id, a2.id).await.unwrap().is_none());
    let alice_now = store.user(alice.id).await.unwrap().unwrap();
    assert_eq!((alice_now.display_name, alice_now.timezone), (None, None));
    assert!(
        store
            .recent_messages(alice.id, chat_id, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store.application(bob.id, b1.id).await.unwrap().is_some(),
        "bob keeps his data"
    );
    assert_eq!(
        store
            .resolve_user("console", "alice", None)
            .await
            .unwrap()
            .id,
        alice.id,
        "identity kept for replies"
    );
}

async fn reminders_keep_their_wall_time_and_owner(store: Store) {
    use bot_core::store::{NewReminder, ReminderState};
    let zurich: chrono_tz::Tz = "Europe/Zurich".parse().unwrap();
    let ann = store.resolve_user("console", "ann", None).await.unwrap();
    let bob = store.resolve_user("console", "bob", None).await.unwrap();
    let at = |d: u32, h: u32| {
        NaiveDate::from_ymd_opt(2027, 3, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    };
    let new = |text: &str, local| NewReminder::custom(text, zurich, local);
    let before = store
        .insert_reminder(ann.id, &new("before DST", at(27, 9)))
        .await
        .unwrap();
    assert_eq!(
        before.due_at,
        Utc.with_ymd_and_hms(2027, 3, 27, 8, 0, 0).unwrap(),
        "09:00 CET"
    );
    // Moved to the day after the change, 07:00 UTC: its wall time is 09:00 CEST.
    let moved = store
        .reschedule_reminder(
            ann.id,
            before.id,
            Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap(),
            true,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        moved.due_at,
        Utc.with_ymd_and_hms(2027, 3, 29, 7, 0, 0).unwrap(),
        "09:00 CEST"
    );
    assert_eq!(moved.local_time, at(29, 9));
    assert!(moved.explicit_time, "a time the person chose");
    let gap = store
        .insert_reminder(ann.id, &new("in the gap", at(28, 2)))
        .await
        .unwrap();
    assert_eq!(
        gap.due_at,
        Utc.with_ymd_and_hms(2027, 3, 28, 1, 0, 0).unwrap(),
        "02:00 moves to 03:00 CEST"
    );

    let listed: Vec<i64> = store
        .list_reminders(ann.id, false)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(listed, [gap.id, moved.id], "soonest first");
    assert!(store.list_reminders(bob.id, true).await.unwrap().is_empty());
    assert!(
        store
            .close_reminder(bob.id, gap.id, ReminderState::Cancelled)
            .await
            .unwrap()
            .is_none(),
        "not bob's"
    );
    assert!(
        store
            .reschedule_reminder(bob.id, gap.id, Utc::now() + chrono::Duration::days(1), true)
            .await
            .unwrap()
            .is_none(),
        "not bob's"
    );
    let done = store
        .close_reminder(ann.id, gap.id, ReminderState::Done)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(done.state, ReminderState::Done);
    assert!(
        store
            .close_reminder(ann.id, gap.id, ReminderState::Cancelled)
            .await
            .unwrap()
            .is_none(),
        "closed once"
    );
    assert_eq!(store.list_reminders(ann.id, false).await.unwrap().len(), 1);
    assert_eq!(store.list_reminders(ann.id, true).await.unwrap().len(), 2);
}

/// A reminder the database refuses (its kind breaks a CHECK constraint): whatever it was
/// planned with must not be kept either.
fn unstorable(app: &bot_core::store::Application) -> Vec<bot_core::store::NewReminder> {
    vec![bot_core::store::NewReminder {
        kind: "no-such-kind".into(),
        application_id: Some(app.id),
        explicit_time: false,
        ..bot_core::store::NewReminder::custom(
            format!("Any news from {}?", app.company),
            chrono_tz::UTC,
            day(30).and_hms_opt(10, 0, 0).unwrap(),
        )
    }]
}

async fn applications_and_their_nudges_are_written_together(store: Store) {
    let user = store.resolve_user("console", "atomic", None).await.unwrap();
    let failed = store
        .insert_application_planned(user.id, &new_app("Stripe", "backend"), day(24), &unstorable)
        .await;
    assert!(failed.is_err());
    assert!(
        store
            .list_applications(user.id, None)
            .await
            .unwrap()
            .is_empty(),
        "no application without its follow-up"
    );

    let follow_up = |app: &bot_core::store::Application| {
        let mut planned = unstorable(app);
        planned[0].kind = "follow_up".into();
        planned
    };
    let app = store
        .insert_application_planned(user.id, &new_app("Stripe", "backend"), day(24), &follow_up)
        .await
        .unwrap();
    let reminders = store.list_reminders(user.id, false).await.unwrap();
    assert_eq!(reminders.len(), 1);
    assert_eq!(reminders[0].application_id, Some(app.id));

    let refused = store
        .update_application_status(
            user.id,
            app.id,
            &StatusChange {
                status: Status::Interview,
                occurred_on: day(25),
                scheduled_at: None,
            },
            Some(&unstorable),
        )
        .await;
    assert!(refused.is_err());
    let kept = store.application(user.id, app.id).await.unwrap().unwrap();
    assert_eq!(
        kept.status,
        Status::Applied,
        "the status change was rolled back"
    );
    assert_eq!(
        store.list_reminders(user.id, false).await.unwrap(),
        reminders,
        "the follow-up was not cancelled either"
    );

    store
        .update_application_status(user.id, app.id, &rejected(day(25)), Some(&|_| Vec::new()))
        .await
        .unwrap()
        .unwrap();
    assert!(
        store
            .list_reminders(user.id, false)
            .await
            .unwrap()
            .is_empty(),
        "a rejection cancels the follow-up in the same change"
    );
}

both_backends!(
    applications_and_their_nudges_are_written_together,
    reminders_keep_their_wall_time_and_owner,
    deletion_is_scoped_and_complete,
    track_update_list_and_timeline,
    every_query_is_scoped_to_its_user,
    identities_resolve_to_one_user_even_concurrently,
    tracker_notices_duplicates,
);

//! The core's pipeline through a recording adapter, on both backends: buttons are checked
//! against the pending question and the store, never trusted; replies take the outbox path.

mod support;

use bot_core::{Inbound, Store};
use support::conversation::{Harness, someone_elses_reminder};

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

    // A reminder button names a reminder: someone else's is not this person's to close...
    let (other, theirs) = someone_elses_reminder(&store).await;
    for pressed in ["done", "stop", "snooze"] {
        let forged = h
            .send("", Some(&format!("rem:{pressed}:{}:86400", theirs.id)))
            .await;
        assert!(forged.text.contains("no longer active"), "{forged:?}");
        assert!(!forged.text.contains("their secret"), "{forged:?}");
    }
    let still = store.reminder(other, theirs.id).await.unwrap().unwrap();
    assert_eq!(
        (still.state, still.due_at),
        (theirs.state, theirs.due_at),
        "their reminder untouched"
    );
    // ...and a series is not snoozed, whatever a payload says.
    h.send("remind me every Monday at 9 to review my pipeline", None)
        .await;
    let series = store.list_reminders(1, false).await.unwrap();
    let series = series.iter().find(|r| r.rrule.is_some()).unwrap();
    let snoozed = h
        .send("", Some(&format!("rem:snooze:{}:86400", series.id)))
        .await;
    assert!(
        snoozed.text.contains("repeats, so I can't move it"),
        "{snoozed:?}"
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

async fn follow_ups_are_planned_replanned_and_answered(store: Store) {
    use bot_core::scheduler::Scheduler;
    use bot_core::store::ReminderState;
    let h = Harness::new(store.clone());
    h.send("/track Acme, backend engineer", None).await;
    let user = store
        .resolve_user("telegram", "user-1", None)
        .await
        .unwrap()
        .id;
    let pending = |rs: Vec<bot_core::store::Reminder>| -> Vec<(String, String)> {
        rs.into_iter()
            .filter(|r| r.state == ReminderState::Pending)
            .map(|r| (r.kind, r.local_time.format("%H:%M").to_string()))
            .collect()
    };
    let planned = store.list_reminders(user, false).await.unwrap();
    assert_eq!(
        pending(planned.clone()),
        [("follow_up".to_owned(), "10:00".to_owned())]
    );
    let follow_up = &planned[0];
    assert_eq!(follow_up.text, "Any news from Acme?");
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Zurich)
        .date_naive();
    assert_eq!(
        follow_up.local_time.date(),
        today + chrono::Duration::days(7)
    );

    // An interview in ten days: the old follow-up goes, prep and thank-you come.
    let interview = (today + chrono::Duration::days(10))
        .format("%B %-d")
        .to_string();
    h.send(
        &format!("Acme invited me to an interview on {interview} at 14:00"),
        None,
    )
    .await;
    let mut kinds = pending(store.list_reminders(user, false).await.unwrap());
    kinds.sort();
    assert_eq!(
        kinds,
        [
            ("follow_up".into(), "10:00".into()),
            ("interview_prep".into(), "18:00".into()),
            ("thank_you".into(), "17:00".into())
        ]
    );

    // Rejected: nothing more to nudge about.
    h.send("Acme rejected me", None).await;
    assert!(pending(store.list_reminders(user, false).await.unwrap()).is_empty());

    // A new application's follow-up fires a week later and its button asks for the news.
    h.send("/track Globex, data engineer", None).await;
    let due = store
        .list_reminders(user, false)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.text.contains("Globex"))
        .unwrap();
    let scheduler = Scheduler::new(store.clone(), "test-scheduler");
    let ids = scheduler
        .tick(due.due_at + chrono::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    h.sender.deliver_now(&ids).await.unwrap();
    let nudge = h.recorder.sent.lock().unwrap().last().cloned().unwrap();
    assert_eq!(nudge.text, "👋 Any news from Globex?");
    let labels: Vec<&str> = nudge.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        labels,
        ["✅ Heard back", "💤 Snooze 3 days", "🛑 Stop nudging"]
    );
    let heard = h.send("", Some(&nudge.buttons[0].payload)).await;
    assert!(
        heard
            .text
            .starts_with("What is the new status of #2 **Globex**"),
        "{heard:?}"
    );
    assert!(
        heard
            .buttons
            .iter()
            .any(|b| b.payload == "status:interview")
    );
    let again = h.send("", Some(&nudge.buttons[0].payload)).await;
    assert!(
        again.text.contains("no longer active"),
        "a second press does nothing: {again:?}"
    );
}

both_backends!(follow_ups_are_planned_replanned_and_answered);

/// The application's pending automatic reminders, by kind, sorted.
async fn automatic_kinds(store: &Store, user: i64, application: i64) -> Vec<String> {
    let mut kinds: Vec<String> = store
        .list_reminders(user, false)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| {
            r.application_id == Some(application)
                && r.state == bot_core::store::ReminderState::Pending
        })
        .map(|r| r.kind)
        .collect();
    kinds.sort();
    kinds
}

async fn stopped_nudges_stay_stopped_until_asked_again(store: Store) {
    use bot_core::scheduler::Scheduler;
    let h = Harness::new(store.clone());
    h.send("/track Globex, data engineer", None).await;
    let user = store
        .resolve_user("telegram", "user-1", None)
        .await
        .unwrap()
        .id;
    let app = store.list_applications(user, None).await.unwrap()[0].id;
    assert_eq!(automatic_kinds(&store, user, app).await, ["follow_up"]);

    // The follow-up fires; its "🛑 Stop nudging" stops every nudge about Globex.
    let due = store.list_reminders(user, false).await.unwrap()[0].due_at;
    let ids = Scheduler::new(store.clone(), "test-scheduler")
        .tick(due + chrono::Duration::minutes(1))
        .await
        .unwrap();
    h.sender.deliver_now(&ids).await.unwrap();
    let nudge = h.recorder.sent.lock().unwrap().last().cloned().unwrap();
    assert_eq!(nudge.buttons[2].label, "🛑 Stop nudging");
    let stopped = h.send("", Some(&nudge.buttons[2].payload)).await;
    assert!(
        stopped
            .text
            .starts_with("🛑 OK — no more nudges about #1 **Globex**"),
        "{stopped:?}"
    );
    assert!(automatic_kinds(&store, user, app).await.is_empty());

    // News does not bring them back: an interview plans no preparation or thank-you nudge.
    // Ten days ahead, so its evening-before preparation is ahead whatever the day.
    let interview = (chrono::Utc::now().with_timezone(&chrono_tz::Europe::Zurich)
        + chrono::Duration::days(10))
    .format("%B %-d")
    .to_string();
    h.send(
        &format!("Globex invited me to an interview on {interview} at 10am"),
        None,
    )
    .await;
    assert!(automatic_kinds(&store, user, app).await.is_empty());
    let listed = h.send("/apps", None).await;
    assert!(listed.text.contains("🔕 no nudges"), "{listed:?}");

    // Asked for again, they are planned for the interview still ahead.
    let again = h.send("nudge me about Globex again", None).await;
    assert!(
        again
            .text
            .starts_with("🔔 OK — I'll nudge you about #1 **Globex**"),
        "{again:?}"
    );
    assert_eq!(
        automatic_kinds(&store, user, app).await,
        ["follow_up", "interview_prep", "thank_you"]
    );

    // The preparation nudge, when it fires, offers the same stop.
    let prep = store
        .list_reminders(user, false)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.kind == "interview_prep")
        .unwrap();
    let ids = Scheduler::new(store.clone(), "test-scheduler")
        .tick(prep.due_at + chrono::Duration::minutes(1))
        .await
        .unwrap();
    h.sender.deliver_now(&ids).await.unwrap();
    let nudge = h.recorder.sent.lock().unwrap().last().cloned().unwrap();
    assert!(nudge.text.contains("interview is tomorrow"), "{nudge:?}");
    assert_eq!(nudge.buttons[2].label, "🛑 Stop nudging");
    let stopped = h.send("", Some(&nudge.buttons[2].payload)).await;
    assert!(stopped.text.starts_with("🛑 OK"), "{stopped:?}");
    assert!(automatic_kinds(&store, user, app).await.is_empty());
    h.send("nudge me about Globex again", None).await;

    // And stopped in words.
    let stopped = h.send("stop nudging me about Globex", None).await;
    assert!(stopped.text.starts_with("🛑 OK"), "{stopped:?}");
    assert!(automatic_kinds(&store, user, app).await.is_empty());
    let app = store.application(user, app).await.unwrap().unwrap();
    assert!(app.nudges_stopped_at.is_some());
}

both_backends!(stopped_nudges_stay_stopped_until_asked_again);

//! Which instant a reminder keeps, on SQLite and PostgreSQL: the one the person named when
//! the clocks go back and a wall time comes twice, and a timer's ("in 2 hours") when they
//! move to another zone, where a reminder for a time of day keeps its wall time.

mod support;

use bot_core::scheduler::Scheduler;
use bot_core::store::{NewReminder, Store};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use support::console_person;

const NEW_YORK: Tz = chrono_tz::America::New_York;
const ZURICH: Tz = chrono_tz::Europe::Zurich;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

async fn the_instant_named_is_kept_when_a_wall_time_comes_twice(store: Store) {
    let user = console_person(&store, "ann").await;
    // New York's clocks go back on 1 November 2026: 01:30 is 05:30 UTC (EDT), then again
    // 06:30 UTC (EST).
    let first = at("2026-11-01T05:30:00Z");
    let second = at("2026-11-01T06:30:00Z");
    for named in [first, second] {
        let r = store
            .insert_reminder(
                user,
                &NewReminder::custom_at("call Anna", NEW_YORK, named, false),
            )
            .await
            .unwrap();
        assert_eq!(r.due_at, named, "due at the instant named");
        assert_eq!(r.local_time.format("%H:%M").to_string(), "01:30");
    }
    // A wall time alone reads by the DST rule: the earlier one.
    let one_thirty = NaiveDate::from_ymd_opt(2026, 11, 1)
        .unwrap()
        .and_hms_opt(1, 30, 0)
        .unwrap();
    let wall = store
        .insert_reminder(
            user,
            &NewReminder::custom("water plants", NEW_YORK, one_thirty),
        )
        .await
        .unwrap();
    assert_eq!(wall.due_at, first);
    // An instant that is not the wall time beside it names nothing: the wall time rules.
    let mismatched = NewReminder {
        instant: Some(at("2026-11-01T09:00:00Z")),
        ..NewReminder::custom("stretch", NEW_YORK, one_thirty)
    };
    let r = store.insert_reminder(user, &mismatched).await.unwrap();
    assert_eq!(r.due_at, first);

    // The second 01:30 fires once, at 06:30 UTC, not at the first.
    let scheduler = Scheduler::new(store.clone(), "fold");
    let fired = scheduler.tick(at("2026-11-01T05:31:00Z")).await.unwrap();
    assert_eq!(fired.len(), 3, "the three reminders for the first 01:30");
    let fired = scheduler.tick(at("2026-11-01T06:31:00Z")).await.unwrap();
    assert_eq!(fired.len(), 1, "the one for the second 01:30");
}

async fn a_timer_keeps_its_instant_when_the_person_moves_zone(store: Store) {
    let user = console_person(&store, "bob").await;
    // Set at 15:00 in New York (20:00 UTC): a timer for 17:00 there, and a reminder for
    // 09:00 tomorrow.
    let set = |text: &'static str, instant: &str, timer: bool| {
        let new = NewReminder::custom_at(text, NEW_YORK, at(instant), timer);
        let store = store.clone();
        async move { store.insert_reminder(user, &new).await.unwrap() }
    };
    let timer = set("stretch", "2026-12-01T22:00:00Z", true).await;
    assert!(timer.keeps_instant);
    let nine = set("call Anna", "2026-12-02T14:00:00Z", false).await;
    assert!(!nine.keeps_instant);

    let moved = store.move_to_timezone(user, ZURICH).await.unwrap();
    assert_eq!(moved, 2);
    let timer = store.reminder(user, timer.id).await.unwrap().unwrap();
    assert_eq!(
        timer.due_at,
        at("2026-12-01T22:00:00Z"),
        "still in two hours"
    );
    assert_eq!(timer.timezone, ZURICH);
    assert_eq!(
        timer.local_time.format("%d %H:%M").to_string(),
        "01 23:00",
        "its wall time read anew in Zurich"
    );
    let nine = store.reminder(user, nine.id).await.unwrap().unwrap();
    assert_eq!(nine.due_at, at("2026-12-02T08:00:00Z"), "09:00 in Zurich");
    assert_eq!(nine.local_time.format("%H:%M").to_string(), "09:00");

    // Moved to a time the person names, a timer is a time of day like any other.
    let named = store
        .reschedule_reminder(user, timer.id, at("2026-12-02T07:30:00Z"), true)
        .await
        .unwrap()
        .unwrap();
    assert!(!named.keeps_instant);
    store.move_to_timezone(user, NEW_YORK).await.unwrap();
    let back = store.reminder(user, timer.id).await.unwrap().unwrap();
    assert_eq!(back.local_time.format("%H:%M").to_string(), "08:30");
    assert_eq!(back.due_at, at("2026-12-02T13:30:00Z"), "08:30 in New York");
}

both_backends!(
    the_instant_named_is_kept_when_a_wall_time_comes_twice,
    a_timer_keeps_its_instant_when_the_person_moves_zone,
);

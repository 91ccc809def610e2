//! Time expressions resolved in the person's zone: DST gaps and overlaps, a zone without
//! DST, year roll-over, past references, and the contract's defaults.

use bot_core::understand::time::{Bias, find, find_duration, later_by, resolve_local};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("valid instant")
        .with_timezone(&Utc)
}

/// The instant `text` resolves to, as RFC 3339 with the zone's offset.
fn when(text: &str, now: &str, tz: Tz, bias: Bias) -> String {
    find(text, at(now), tz, bias)
        .unwrap_or_else(|| panic!("no time found in {text:?}"))
        .instant
        .to_rfc3339()
}

fn date(text: &str, now: &str, tz: Tz, bias: Bias) -> NaiveDate {
    find(text, at(now), tz, bias)
        .unwrap_or_else(|| panic!("no date in {text:?}"))
        .date
}

const ZURICH: Tz = chrono_tz::Europe::Zurich;
const NEW_YORK: Tz = chrono_tz::America::New_York;
const TOKYO: Tz = chrono_tz::Asia::Tokyo;
/// Tuesday 24 November 2026, 09:00 in Zurich.
const NOW: &str = "2026-11-24T09:00:00+01:00";

#[test]
fn spring_gap_moves_forward_by_the_gap() {
    // Zurich springs forward on 28 March 2027: 02:00–03:00 does not exist.
    assert_eq!(
        when("on March 28 2027 at 02:30", NOW, ZURICH, Bias::Future),
        "2027-03-28T03:30:00+02:00"
    );
    assert_eq!(
        when("on March 28 2027 at 01:30", NOW, ZURICH, Bias::Future),
        "2027-03-28T01:30:00+01:00"
    );
    // New York springs forward on 14 March 2027.
    assert_eq!(
        when("on March 14 2027 at 2:30am", NOW, NEW_YORK, Bias::Future),
        "2027-03-14T03:30:00-04:00"
    );
}

#[test]
fn autumn_overlap_takes_the_first_instant() {
    // Zurich falls back on 31 October 2027: 02:00–03:00 happens twice.
    assert_eq!(
        when("October 31 2027 at 02:30", NOW, ZURICH, Bias::Future),
        "2027-10-31T02:30:00+02:00"
    );
    // New York falls back on 7 November 2027: 01:00–02:00 happens twice.
    assert_eq!(
        when("on Nov 7 2027 at 1:30am", NOW, NEW_YORK, Bias::Future),
        "2027-11-07T01:30:00-04:00"
    );
}

#[test]
fn resolve_local_is_the_single_rule_for_both_cases() {
    let gap = NaiveDate::from_ymd_opt(2026, 3, 29)
        .unwrap()
        .and_hms_opt(2, 15, 0)
        .unwrap();
    assert_eq!(
        resolve_local(ZURICH, gap).to_rfc3339(),
        "2026-03-29T03:15:00+02:00"
    );
    let overlap = NaiveDate::from_ymd_opt(2026, 10, 25)
        .unwrap()
        .and_hms_opt(2, 15, 0)
        .unwrap();
    assert_eq!(
        resolve_local(ZURICH, overlap).to_rfc3339(),
        "2026-10-25T02:15:00+02:00"
    );
}

#[test]
fn days_keep_the_wall_clock_across_dst_but_hours_are_exact() {
    // DST ends in Zurich on 25 October 2026.
    let now = "2026-10-20T09:00:00+02:00";
    assert_eq!(
        when("in 7 days", now, ZURICH, Bias::Future),
        "2026-10-27T09:00:00+01:00"
    );
    assert_eq!(
        when("in a week", now, ZURICH, Bias::Future),
        "2026-10-27T09:00:00+01:00"
    );
    let now = "2026-10-24T12:00:00+02:00";
    assert_eq!(
        when("in 24 hours", now, ZURICH, Bias::Future),
        "2026-10-25T11:00:00+01:00"
    );
    // New York: DST starts on 8 March 2026.
    let now = "2026-03-07T10:00:00-05:00";
    assert_eq!(
        when("tomorrow at 10am", now, NEW_YORK, Bias::Future),
        "2026-03-08T10:00:00-04:00"
    );
}

#[test]
fn a_wall_time_the_clocks_skip_is_reported() {
    let skipped = |text: &str, tz: Tz| {
        find(text, at(NOW), tz, Bias::Future)
            .unwrap_or_else(|| panic!("no time found in {text:?}"))
            .skipped
            .map(|t| t.format("%H:%M").to_string())
    };
    // Zurich springs forward on 28 March 2027, New York on 14 March 2027.
    assert_eq!(
        skipped("on March 28 2027 at 02:30", ZURICH),
        Some("02:30".into())
    );
    assert_eq!(
        skipped("on March 14 2027 at 2:15am", NEW_YORK),
        Some("02:15".into())
    );
    assert_eq!(skipped("on March 28 2027 at 03:30", ZURICH), None);
    assert_eq!(skipped("on March 14 2027 at 2:15am", ZURICH), None);
    assert_eq!(
        skipped("on October 31 2027 at 02:30", ZURICH),
        None,
        "twice, not skipped"
    );
}

#[test]
fn hours_from_now_are_a_timer_and_days_a_wall_time() {
    let from_now = |text: &str| {
        find(text, at(NOW), ZURICH, Bias::Future)
            .unwrap_or_else(|| panic!("no time found in {text:?}"))
            .from_now
    };
    for timer in [
        "in 2 hours",
        "in 90 minutes",
        "in half an hour",
        "in 1.5 days",
    ] {
        assert!(from_now(timer), "{timer:?} is a timer");
    }
    for wall in [
        "in 3 days",
        "in a week",
        "tomorrow at 9",
        "on Friday at 2pm",
        "at 5pm",
    ] {
        assert!(!from_now(wall), "{wall:?} is a wall time");
    }
    // The second 01:30 of New York's night of 1 November 2026 (EST), an hour after the
    // first: "in 1 hour" at 01:30 EDT means it, not 01:30 EDT again.
    assert_eq!(
        when(
            "in 1 hour",
            "2026-11-01T01:30:00-04:00",
            NEW_YORK,
            Bias::Future
        ),
        "2026-11-01T01:30:00-05:00"
    );
}

#[test]
fn a_zone_without_dst() {
    let now = "2026-11-24T09:00:00+09:00";
    assert_eq!(
        when("tomorrow at 9am", now, TOKYO, Bias::Future),
        "2026-11-25T09:00:00+09:00"
    );
    assert_eq!(
        when("on July 1 at 18:00", now, TOKYO, Bias::Future),
        "2027-07-01T18:00:00+09:00"
    );
}

#[test]
fn year_roll_over() {
    let now = "2026-12-30T10:00:00+01:00"; // a Wednesday
    assert_eq!(
        when("on January 3", now, ZURICH, Bias::Future),
        "2027-01-03T09:00:00+01:00"
    );
    assert_eq!(
        when("next Monday", now, ZURICH, Bias::Future),
        "2027-01-04T09:00:00+01:00"
    );
    assert_eq!(
        when("in 3 days", now, ZURICH, Bias::Future),
        "2027-01-02T10:00:00+01:00"
    );
    assert_eq!(
        when("on the 2nd", now, ZURICH, Bias::Future),
        "2027-01-02T09:00:00+01:00"
    );
    assert_eq!(
        date("on Dec 31", "2027-01-02T10:00:00+01:00", ZURICH, Bias::Past),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
    );
}

#[test]
fn past_references_resolve_backwards() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        date("last Friday", NOW, ZURICH, Bias::Past),
        d(2026, 11, 20)
    );
    assert_eq!(
        date("last Wednesday", NOW, ZURICH, Bias::Past),
        d(2026, 11, 18)
    );
    assert_eq!(date("on Monday", NOW, ZURICH, Bias::Past), d(2026, 11, 23));
    assert_eq!(date("on Nov 20", NOW, ZURICH, Bias::Past), d(2026, 11, 20));
    assert_eq!(date("on Dec 20", NOW, ZURICH, Bias::Past), d(2025, 12, 20));
    assert_eq!(date("3 days ago", NOW, ZURICH, Bias::Past), d(2026, 11, 21));
    assert_eq!(date("a week ago", NOW, ZURICH, Bias::Past), d(2026, 11, 17));
    assert_eq!(date("yesterday", NOW, ZURICH, Bias::Past), d(2026, 11, 23));
    // The same words point forward for reminders.
    assert_eq!(
        date("on Nov 20", NOW, ZURICH, Bias::Future),
        d(2027, 11, 20)
    );
    assert_eq!(
        date("on Monday", NOW, ZURICH, Bias::Future),
        d(2026, 11, 30)
    );
}

#[test]
fn contract_defaults() {
    // A time of day already past today means tomorrow; one still ahead means today.
    assert_eq!(
        when("at 8am", NOW, ZURICH, Bias::Future),
        "2026-11-25T08:00:00+01:00"
    );
    assert_eq!(
        when("at 6pm", NOW, ZURICH, Bias::Future),
        "2026-11-24T18:00:00+01:00"
    );
    // A bare weekday is its next occurrence; "next" is that day of next calendar week.
    assert_eq!(
        when("on Tuesday", NOW, ZURICH, Bias::Future),
        "2026-12-01T09:00:00+01:00"
    );
    assert_eq!(
        when("on Thursday at 10", NOW, ZURICH, Bias::Future),
        "2026-11-26T10:00:00+01:00"
    );
    assert_eq!(
        when("next Thursday", NOW, ZURICH, Bias::Future),
        "2026-12-03T09:00:00+01:00"
    );
    assert_eq!(
        when("this Friday at 14:00", NOW, ZURICH, Bias::Future),
        "2026-11-27T14:00:00+01:00"
    );
    // Parts of the day.
    assert_eq!(
        when("tomorrow morning", NOW, ZURICH, Bias::Future),
        "2026-11-25T09:00:00+01:00"
    );
    assert_eq!(
        when("tomorrow evening", NOW, ZURICH, Bias::Future),
        "2026-11-25T19:00:00+01:00"
    );
    assert_eq!(
        when("in the afternoon", NOW, ZURICH, Bias::Future),
        "2026-11-24T15:00:00+01:00"
    );
    assert_eq!(
        when("Friday afternoon", NOW, ZURICH, Bias::Future),
        "2026-11-27T15:00:00+01:00"
    );
    assert_eq!(
        when("this evening", NOW, ZURICH, Bias::Future),
        "2026-11-24T19:00:00+01:00"
    );
    assert_eq!(
        when("tonight", NOW, ZURICH, Bias::Future),
        "2026-11-24T20:00:00+01:00"
    );
    // A day of the month alone is its next occurrence; a date alone means 09:00.
    assert_eq!(
        when("on the 15th", NOW, ZURICH, Bias::Future),
        "2026-12-15T09:00:00+01:00"
    );
    assert_eq!(
        when("2027-02-01", NOW, ZURICH, Bias::Future),
        "2027-02-01T09:00:00+01:00"
    );
    assert_eq!(
        when("in 90 minutes", NOW, ZURICH, Bias::Future),
        "2026-11-24T10:30:00+01:00"
    );
    assert_eq!(
        when("noon tomorrow", NOW, ZURICH, Bias::Future),
        "2026-11-25T12:00:00+01:00"
    );
}

#[test]
fn slashed_dates_follow_the_zone_convention() {
    let ny_now = "2026-11-24T09:00:00-05:00";
    assert_eq!(
        date("on 12/1", ny_now, NEW_YORK, Bias::Future),
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    );
    assert_eq!(
        date("on 1/12", NOW, ZURICH, Bias::Future),
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    );
    assert_eq!(
        date("on 20.12.", NOW, ZURICH, Bias::Future),
        NaiveDate::from_ymd_opt(2026, 12, 20).unwrap()
    );
    // An impossible reading loses: 25/12 can only be day-first, even in New York.
    assert_eq!(
        date("on 25/12", ny_now, NEW_YORK, Bias::Future),
        NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()
    );
}

#[test]
fn no_time_where_there_is_none() {
    for text in [
        "I applied to Apple",
        "24/7 support engineer",
        "hello",
        "",
        "at 99",
        "in 99999999999999999999 minutes",
    ] {
        assert_eq!(
            find(text, at(NOW), ZURICH, Bias::Future).map(|r| r.instant),
            None,
            "{text:?}"
        );
    }
}

#[test]
fn durations() {
    assert_eq!(find_duration("snooze 2 hours").map(|d| d.0), Some(7200));
    assert_eq!(find_duration("snooze for a day").map(|d| d.0), Some(86_400));
    assert_eq!(find_duration("snooze 3 days").map(|d| d.0), Some(259_200));
    assert_eq!(find_duration("snooze 30m").map(|d| d.0), Some(1800));
    assert_eq!(find_duration("snooze"), None);
}

#[test]
fn a_time_with_a_dot_keeps_its_minutes() {
    // Tuesday 24 November 2026, 09:00 in Zurich.
    assert_eq!(
        when("remind me at 18.30 to call Anna", NOW, ZURICH, Bias::Future),
        "2026-11-24T18:30:00+01:00"
    );
    assert_eq!(
        when("at 9.12 tomorrow", NOW, ZURICH, Bias::Future),
        "2026-11-25T09:12:00+01:00"
    );
    // Without a word that makes it a time, 9.12 is still the 9th of December.
    assert_eq!(
        date("on 9.12", NOW, ZURICH, Bias::Future),
        NaiveDate::from_ymd_opt(2026, 12, 9).unwrap()
    );
    assert_eq!(
        when("call Anna @18.30", NOW, ZURICH, Bias::Future),
        "2026-11-24T18:30:00+01:00"
    );
    // A deadline's day, and pairs no clock shows, stay dates.
    for (text, day) in [
        ("submit it by 24.12", (2026, 12, 24)),
        ("submit it by 15.12", (2026, 12, 15)),
        ("at 31.12.2026", (2026, 12, 31)),
        ("@9.1.2027", (2027, 1, 9)),
    ] {
        assert_eq!(
            date(text, NOW, ZURICH, Bias::Future),
            NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap(),
            "{text}"
        );
    }
    assert_eq!(
        when("in 1.5 hours", NOW, ZURICH, Bias::Future),
        "2026-11-24T10:30:00+01:00"
    );
    assert_eq!(
        find_duration("snooze 1.5 hours").map(|(s, _)| s),
        Some(5400)
    );
    // A fraction of a day is its hours, not the day cut off.
    assert_eq!(
        when("in 1.5 days", NOW, ZURICH, Bias::Future),
        "2026-11-25T21:00:00+01:00"
    );
    assert_eq!(
        when("in 0.5 days", NOW, ZURICH, Bias::Future),
        "2026-11-24T21:00:00+01:00"
    );
}

#[test]
fn days_of_snooze_keep_the_wall_time_across_a_clock_change() {
    // Friday 27 March 2026, 10:00 in Zurich (CET); the clocks go forward on Sunday.
    let friday = at("2026-03-27T09:00:00Z");
    let monday = later_by(friday, 3 * 86_400, ZURICH);
    assert_eq!(monday, at("2026-03-30T08:00:00Z"), "10:00 CEST");
    // New York, Saturday 31 October 2026, 09:00 EDT; the clocks go back on Sunday.
    let saturday = at("2026-10-31T13:00:00Z");
    let sunday = later_by(saturday, 86_400, NEW_YORK);
    assert_eq!(sunday, at("2026-11-01T14:00:00Z"), "09:00 EST");
    // Hours stay hours.
    assert_eq!(
        later_by(friday, 3 * 3600, ZURICH),
        at("2026-03-27T12:00:00Z")
    );
}

#[test]
fn a_weekend_is_named_by_its_saturday() {
    // Tuesday 24 Nov 2026: this weekend starts on Saturday 28th.
    let on = |text, now| date(text, now, ZURICH, Bias::Future).to_string();
    assert_eq!(on("this weekend", NOW), "2026-11-28");
    assert_eq!(on("over the weekend", NOW), "2026-11-28");
    assert_eq!(on("next weekend", NOW), "2026-12-05");
    assert_eq!(
        date("last weekend", NOW, ZURICH, Bias::Past).to_string(),
        "2026-11-21"
    );
    // On a Saturday and a Sunday, this weekend is the one under way.
    assert_eq!(
        on("this weekend", "2026-11-28T10:00:00+01:00"),
        "2026-11-28"
    );
    assert_eq!(
        on("this weekend", "2026-11-29T10:00:00+01:00"),
        "2026-11-29"
    );
    assert_eq!(
        date(
            "last weekend",
            "2026-11-29T10:00:00+01:00",
            ZURICH,
            Bias::Past
        )
        .to_string(),
        "2026-11-21"
    );
}

#[test]
fn an_hour_without_am_or_pm_is_placed_in_waking_hours() {
    // Tuesday 24 Nov 2026, 09:00 in Zurich.
    let at = |text| when(text, NOW, ZURICH, Bias::Future);
    assert_eq!(
        at("interview on Thursday at 2"),
        "2026-11-26T14:00:00+01:00"
    );
    assert_eq!(at("call Anna at 4"), "2026-11-24T16:00:00+01:00");
    assert_eq!(at("on Friday at 3 o'clock"), "2026-11-27T15:00:00+01:00");
    assert_eq!(at("in 2 days at 5"), "2026-11-26T17:00:00+01:00");
    // Seven and later, and twelve, are as said.
    assert_eq!(at("on Friday at 7"), "2026-11-27T07:00:00+01:00");
    assert_eq!(at("on Friday at 12"), "2026-11-27T12:00:00+01:00");
    assert_eq!(
        at("interview on Friday at 2:30"),
        "2026-11-27T14:30:00+01:00"
    );
    // With am, a morning or the 24-hour clock, the night is meant.
    assert_eq!(at("on Friday at 2am"), "2026-11-27T02:00:00+01:00");
    assert_eq!(at("tomorrow morning at 6"), "2026-11-25T06:00:00+01:00");
    assert_eq!(at("on Friday at 02:30"), "2026-11-27T02:30:00+01:00");
    assert_eq!(at("on Friday at 02"), "2026-11-27T02:00:00+01:00");
    assert_eq!(at("on Friday at 5h"), "2026-11-27T05:00:00+01:00");
    // A part of the day after noon places any hour said with it.
    assert_eq!(at("tonight at 8"), "2026-11-24T20:00:00+01:00");
    assert_eq!(at("tomorrow evening at 7:30"), "2026-11-25T19:30:00+01:00");
    assert_eq!(
        at("on Friday afternoon at 4:30"),
        "2026-11-27T16:30:00+01:00"
    );
}

#[test]
fn quarter_past_half_past_and_to() {
    let at = |text| when(text, NOW, ZURICH, Bias::Future);
    // An hour said without am/pm is placed as any other (1 to 6 in the afternoon).
    assert_eq!(
        at("on Friday at quarter past 3"),
        "2026-11-27T15:15:00+01:00"
    );
    assert_eq!(at("on Friday at half past 9"), "2026-11-27T09:30:00+01:00");
    assert_eq!(at("on Friday at 10 to 5"), "2026-11-27T16:50:00+01:00");
    assert_eq!(
        at("on Friday at a quarter to 6pm"),
        "2026-11-27T17:45:00+01:00"
    );
    assert_eq!(
        at("on Friday at quarter to 8am"),
        "2026-11-27T07:45:00+01:00"
    );
}

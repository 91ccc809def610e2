//! Recurring reminders: an RFC 5545 `RRULE` (e.g. `FREQ=WEEKLY;BYDAY=MO`) read over the
//! person's local wall times, so "every Monday at 09:00" stays 09:00 across DST changes.
//!
//! The `rrule` crate expands the rule; we hand it wall times dressed as UTC (a zone without
//! DST), so it never has to decide what a skipped or repeated hour means — each occurrence
//! is then resolved in the reminder's zone by the same rule as every other reminder
//! (`understand::time::resolve_local`). `COUNT` is refused: a stored rule is re-anchored at
//! each occurrence, so a count would restart; `UNTIL` bounds a series instead.

use chrono::{NaiveDateTime, TimeZone};
use rrule::{Frequency, RRule, Unvalidated};

/// How many occurrences are looked through at most to find the next one (ten years of
/// daily occurrences); a rule that finds none in that many has ended.
const SEARCH_LIMIT: usize = 3_660;

/// Why a recurrence rule was refused.
#[derive(Debug, thiserror::Error)]
pub enum RecurrenceError {
    #[error("not a recurrence rule I can use ({0}); try e.g. FREQ=WEEKLY;BYDAY=MO")]
    Invalid(String),
    #[error("reminders repeat at most daily (FREQ=DAILY, WEEKLY, MONTHLY or YEARLY)")]
    TooFrequent,
    #[error("COUNT is not supported in a reminder's rule; end a series with UNTIL")]
    Count,
}

/// A validated rule, kept in its RFC 5545 text form for the store.
#[derive(Debug, Clone)]
pub struct Recurrence {
    rule: RRule<Unvalidated>,
    text: String,
}

/// What happened to a series between an occurrence and now (after downtime).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// Occurrences after the one being sent that are already past: coalesced into it.
    pub missed: usize,
    /// The first occurrence still to come; `None` when the series has ended.
    pub next: Option<NaiveDateTime>,
}

impl Recurrence {
    /// Read an `RRULE` value (with or without the `RRULE:` prefix).
    pub fn parse(rule: &str) -> Result<Self, RecurrenceError> {
        let body = rule.trim();
        let body = body.strip_prefix("RRULE:").unwrap_or(body);
        let parsed: RRule<Unvalidated> = body
            .parse()
            .map_err(|e: rrule::RRuleError| RecurrenceError::Invalid(e.to_string()))?;
        if parsed.get_count().is_some() {
            return Err(RecurrenceError::Count);
        }
        if matches!(
            parsed.get_freq(),
            Frequency::Hourly | Frequency::Minutely | Frequency::Secondly
        ) {
            return Err(RecurrenceError::TooFrequent);
        }
        // The crate's own form, except where it loses part of the rule: it writes "the first
        // Monday" (BYDAY=1MO) as every Monday. Such a rule is kept as it was given.
        let shown = parsed.to_string();
        let text = match shown.parse::<RRule<Unvalidated>>() {
            Ok(again) if again.get_by_weekday() == parsed.get_by_weekday() => shown,
            _ => body.to_ascii_uppercase(),
        };
        let recurrence = Self { text, rule: parsed };
        // Validation needs a start; any wall time shows whether the rule is coherent.
        let probe = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .expect("a valid date")
            .and_hms_opt(9, 0, 0)
            .expect("a valid time");
        drop(recurrence.occurrences(probe)?);
        Ok(recurrence)
    }

    /// The rule as stored and shown (`FREQ=WEEKLY;BYDAY=MO`).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The series anchored at `start`, wall times in order (`start` itself first when the
    /// rule matches it).
    fn occurrences(
        &self,
        start: NaiveDateTime,
    ) -> Result<impl Iterator<Item = NaiveDateTime>, RecurrenceError> {
        let anchor = rrule::Tz::UTC.from_utc_datetime(&start);
        let set = self
            .rule
            .clone()
            .build(anchor)
            .map_err(|e| RecurrenceError::Invalid(e.to_string()))?;
        Ok((&set)
            .into_iter()
            .take(SEARCH_LIMIT)
            .map(|at| at.naive_utc()))
    }

    /// The first occurrence at or after `candidate`, for a series whose first time of day
    /// is `candidate`'s ("every weekday at 9", said on a Saturday, starts on Monday).
    pub fn first_from(&self, candidate: NaiveDateTime) -> Option<NaiveDateTime> {
        self.occurrences(candidate)
            .ok()?
            .find(|at| *at >= candidate)
    }

    /// The series continued from the occurrence at `current`: how many later occurrences
    /// are already past, and the next one to come. `is_past` says of a wall time whether
    /// its instant has gone by: compared as instants, not wall times, because when the
    /// clocks go back an hour of wall times comes round again.
    pub fn catch_up(
        &self,
        current: NaiveDateTime,
        is_past: impl Fn(NaiveDateTime) -> bool,
    ) -> CatchUp {
        let Ok(series) = self.occurrences(current) else {
            return CatchUp {
                missed: 0,
                next: None,
            };
        };
        let mut missed = 0;
        for at in series.filter(|at| *at > current) {
            if !is_past(at) {
                return CatchUp {
                    missed,
                    next: Some(at),
                };
            }
            missed += 1;
        }
        CatchUp { missed, next: None }
    }
}

/// A rule in words for replies: "every Monday", "every weekday", "every 2 weeks". `None`
/// for a rule that does not parse.
pub fn describe(rule: &str) -> Option<String> {
    let rule = Recurrence::parse(rule).ok()?.rule;
    let interval = rule.get_interval();
    let days: Vec<String> = rule
        .get_by_weekday()
        .iter()
        .map(|d| match d {
            rrule::NWeekday::Every(day) | rrule::NWeekday::Nth(_, day) => day_name(*day),
        })
        .map(str::to_owned)
        .collect();
    let unit = match rule.get_freq() {
        Frequency::Daily => "day",
        Frequency::Weekly => "week",
        Frequency::Monthly => "month",
        _ => "year",
    };
    // "the first Monday of every month".
    if let (Frequency::Monthly, [rrule::NWeekday::Nth(nth, day)]) =
        (rule.get_freq(), rule.get_by_weekday())
    {
        let ordinal = match nth {
            1 => "first",
            2 => "second",
            3 => "third",
            4 => "fourth",
            5 => "fifth",
            -1 => "last",
            _ => return None,
        };
        let months = match interval {
            1 => "every month".to_owned(),
            n => format!("every {n} months"),
        };
        return Some(format!("on the {ordinal} {} of {months}", day_name(*day)));
    }
    let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];
    Some(match (interval, days.as_slice()) {
        (1, []) => format!("every {unit}"),
        (1, d) if d == weekdays => "every weekday".to_owned(),
        (1, d) => format!("every {}", join(d)),
        (n, []) => format!("every {n} {unit}s"),
        (n, d) => format!("every {n} {unit}s on {}", join(d)),
    })
}

fn day_name(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "Monday",
        chrono::Weekday::Tue => "Tuesday",
        chrono::Weekday::Wed => "Wednesday",
        chrono::Weekday::Thu => "Thursday",
        chrono::Weekday::Fri => "Friday",
        chrono::Weekday::Sat => "Saturday",
        chrono::Weekday::Sun => "Sunday",
    }
}

fn join(days: &[String]) -> String {
    match days {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("test times are valid")
    }

    #[test]
    fn weekly_monday_review() {
        let rule = Recurrence::parse("FREQ=WEEKLY;BYDAY=MO").expect("a valid rule");
        // Tuesday 24 Nov 2026 at 09:00 → the first Monday is 30 Nov.
        assert_eq!(
            rule.first_from(at("2026-11-24 09:00")),
            Some(at("2026-11-30 09:00"))
        );
        let on_time = rule.catch_up(at("2026-11-30 09:00"), |t| t <= at("2026-11-30 09:00"));
        assert_eq!(
            on_time,
            CatchUp {
                missed: 0,
                next: Some(at("2026-12-07 09:00"))
            }
        );
    }

    #[test]
    fn downtime_is_coalesced() {
        let rule = Recurrence::parse("RRULE:FREQ=DAILY").expect("a valid rule");
        let caught = rule.catch_up(at("2026-11-20 08:00"), |t| t <= at("2026-11-24 12:00"));
        assert_eq!(caught.missed, 4);
        assert_eq!(caught.next, Some(at("2026-11-25 08:00")));
    }

    #[test]
    fn until_ends_the_series() {
        let rule =
            Recurrence::parse("FREQ=WEEKLY;BYDAY=FR;UNTIL=20261205T000000Z").expect("a rule");
        let caught = rule.catch_up(at("2026-12-04 10:00"), |t| t <= at("2026-12-04 10:00"));
        assert_eq!(caught.next, None);
    }

    #[test]
    fn the_first_monday_of_every_month() {
        let rule = Recurrence::parse("FREQ=MONTHLY;BYDAY=1MO").expect("a valid rule");
        assert_eq!(rule.as_str(), "FREQ=MONTHLY;BYDAY=1MO", "stored as said");
        assert_eq!(
            Recurrence::parse("freq=monthly;byday=-1fr")
                .expect("a valid rule")
                .as_str(),
            "FREQ=MONTHLY;BYDAY=-1FR"
        );
        // Said on Tuesday 1 Dec 2026, "Monday" is 7 Dec: the first Monday of December.
        let first = rule.first_from(at("2026-12-07 09:00")).expect("a first");
        assert_eq!(first, at("2026-12-07 09:00"));
        let caught = rule.catch_up(first, |_| false);
        assert_eq!(caught.next, Some(at("2027-01-04 09:00")));
    }

    #[test]
    fn rules_in_words() {
        assert_eq!(
            describe("FREQ=WEEKLY;BYDAY=MO").as_deref(),
            Some("every Monday")
        );
        assert_eq!(
            describe("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR").as_deref(),
            Some("every weekday")
        );
        assert_eq!(
            describe("FREQ=WEEKLY;BYDAY=TU,TH").as_deref(),
            Some("every Tuesday and Thursday")
        );
        assert_eq!(describe("FREQ=DAILY").as_deref(), Some("every day"));
        assert_eq!(
            describe("FREQ=WEEKLY;INTERVAL=2").as_deref(),
            Some("every 2 weeks")
        );
        assert_eq!(
            describe("FREQ=MONTHLY;BYDAY=1MO").as_deref(),
            Some("on the first Monday of every month")
        );
        assert_eq!(
            describe("FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR").as_deref(),
            Some("on the last Friday of every 2 months")
        );
        assert_eq!(describe("nonsense"), None);
    }

    #[test]
    fn refuses_what_a_reminder_cannot_be() {
        assert!(matches!(
            Recurrence::parse("FREQ=MINUTELY"),
            Err(RecurrenceError::TooFrequent)
        ));
        assert!(matches!(
            Recurrence::parse("FREQ=DAILY;COUNT=3"),
            Err(RecurrenceError::Count)
        ));
        assert!(Recurrence::parse("every monday").is_err());
    }
}

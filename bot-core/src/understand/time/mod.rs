//! Time expressions in English, resolved to instants in the person's IANA zone.
//!
//! Rules (from the evaluation contract): a time of day already past today means tomorrow; a
//! bare weekday means its next occurrence; "next <weekday>" is that weekday in the next
//! calendar week (weeks start on Monday); a day of the month alone means its next occurrence;
//! "in N days/weeks" keeps the current wall-clock time; a date without a time means 09:00;
//! morning 09:00, afternoon 15:00, evening 19:00, tonight 20:00. With [`Bias::Past`] (for
//! "I applied last Friday", "applied on Nov 20") dates without a year or week resolve
//! backwards instead.
//!
//! DST: a wall time that does not exist (the spring-forward gap) is moved forward by the
//! length of the gap (02:30 becomes 03:30); a wall time that exists twice (the autumn
//! overlap) means the first of the two instants. See [`resolve_local`].

use super::lexicon::{MONTHS, WEEKDAYS, number_word};
use chrono::{
    DateTime, Datelike, Days, Duration, FixedOffset, LocalResult, Months, NaiveDate, NaiveDateTime,
    NaiveTime, Offset, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use std::ops::Range;

mod clock;
use clock::{find_clock, find_day_part, place_hour};

/// Which way an expression without a year or week points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bias {
    /// Reminders, interviews: the next occurrence.
    Future,
    /// Things that happened: the last occurrence.
    Past,
}

/// A resolved time expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The local date.
    pub date: NaiveDate,
    /// The instant, with the zone's offset at that instant. A date said without a time gets
    /// the default time of day (09:00).
    pub instant: DateTime<FixedOffset>,
    /// Whether a time of day (or part of the day) was said, not defaulted.
    pub has_time: bool,
    /// The day was named "tomorrow". Said in the small hours, the person may well mean the
    /// day that has just begun (still "tonight" to them), and should be told which it is.
    pub tomorrow: bool,
    /// A time of day said with no day ("at 3pm"): `date` is then today, or tomorrow when
    /// that time is past, which is not what "move it to 3pm" means for a reminder on Friday.
    pub time_alone: bool,
    /// Counted from now by the clock ("in 90 minutes", "in 2 hours"): a timer, which means
    /// the instant rather than a wall time. Whole days count on the calendar, and are not.
    pub from_now: bool,
    /// The wall time meant, when the clocks skip it that day (spring forward): `instant`
    /// is then that much later, and the person should be told.
    pub skipped: Option<NaiveTime>,
    /// Byte ranges of the text that made up the expression, to cut out of other slots.
    pub spans: Vec<Range<usize>>,
}

/// The default time of day for a date said without one.
pub const DEFAULT_TIME: NaiveTime = hm(9, 0);

const fn hm(hour: u32, minute: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, minute, 0) {
        Some(t) => t,
        None => panic!("constant time of day out of range"),
    }
}

/// The instant a wall time in `tz` means, by the documented DST rule: in a gap, shift
/// forward by the gap's length; in an overlap, take the earlier instant.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(earlier, _) => earlier,
        LocalResult::None => {
            // Read the wall time with the offset in force just before the gap; that instant
            // lies after the gap and shows as the wall time moved forward by the gap.
            let before = local - Duration::hours(6);
            let offset = match tz.from_local_datetime(&before) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                LocalResult::None => tz.offset_from_utc_datetime(&local).fix(),
            };
            let utc = local - Duration::seconds(i64::from(offset.local_minus_utc()));
            tz.from_utc_datetime(&utc)
        }
    }
}

/// `local`'s time of day, when the clocks of `tz` skip it (it lies in the spring-forward gap).
pub(crate) fn skipped_by_clocks(tz: Tz, local: NaiveDateTime) -> Option<NaiveTime> {
    matches!(tz.from_local_datetime(&local), LocalResult::None).then(|| local.time())
}

const NUM: &str = r"(\d+(?:\.\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty-five|ninety|a couple of|a few|half an?)";

regex!(
    RELATIVE,
    &format!(r"\b(?:in|within)\s+{NUM}\s*(minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\b")
);
regex!(AGO, &format!(r"\b{NUM}\s*(days?|weeks?|months?)\s+ago\b"));
regex!(
    DAY_WORD,
    r"\b(today|tomorrow|tmrw|tmr|yesterday|(?:the\s+)?day after tomorrow|(?:the\s+)?day before yesterday)\b"
);
regex!(
    WEEKDAY,
    r"\b(?:(this|next|last|coming|past|on)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thur?s?|fri)\b\.?"
);
regex!(WEEK_WORD, r"\b(next|this|last) (week|month)\b");
regex!(WEEKEND, r"\b(this|next|last|the)\s+weekend\b");
regex!(
    MONTH_DAY,
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?"
);
regex!(
    DAY_MONTH,
    r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?(?:,?\s+(\d{4})\b)?"
);
regex!(ISO_DATE, r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b");
regex!(
    NUMERIC_DATE,
    r"\b(\d{1,2})([/.])(\d{1,2})(?:[/.](\d{4}|\d{2}))?\b"
);
regex!(ORDINAL_DAY, r"\b(?:on\s+)?the\s+(\d{1,2})(?:st|nd|rd|th)\b");
// What makes "9.12" a time ("at 9.12") rather than the date the digits alone could be.
regex!(TIME_CUE_BEFORE, r"(?:\b(?:at|around)\s*|@\s*)$");
/// Find and resolve the first time expression in `text` (ASCII-lowercased by the caller or
/// not; matching ignores ASCII case). `now` is the reference instant.
pub fn find(text: &str, now: DateTime<Utc>, tz: Tz, bias: Bias) -> Option<Resolved> {
    let lower = text.to_ascii_lowercase();
    let text = lower.as_str();
    let local_now = now.with_timezone(&tz);
    let today = local_now.date_naive();
    let mut spans = Vec::new();

    // "in 90 minutes", "in 7 days" (keeps the wall-clock time unless one is said).
    if let Some(c) = RELATIVE.captures(text) {
        let whole = c.get(0).expect("group 0 always exists");
        let n = amount(&c[1]);
        let unit = &c[2];
        spans.push(whole.range());
        let time = find_clock(text, &mut spans)
            .map(|(time, open)| if open { place_hour(time, None) } else { time });
        // Whole days, weeks and months count on the calendar; a fraction of one ("in 1.5
        // days") is its length in minutes, as hours are.
        let by_the_clock = unit.starts_with("min") || unit.starts_with('h') || n.fract() != 0.0;
        let (instant, skipped) = if by_the_clock {
            let minutes = n * minutes_per(unit);
            // Absurd amounts ("in 10^20 minutes") resolve to nothing rather than overflow.
            let offset = Duration::try_seconds((minutes * 60.0).round() as i64)?;
            (local_now.checked_add_signed(offset)?, None)
        } else {
            let date = add_calendar(today, unit, n as i64)?;
            let wall = date.and_time(time.unwrap_or(local_now.time()));
            (resolve_local(tz, wall), skipped_by_clocks(tz, wall))
        };
        return Some(Resolved {
            date: instant.date_naive(),
            instant: instant.fixed_offset(),
            has_time: true,
            tomorrow: false,
            time_alone: false,
            from_now: by_the_clock,
            skipped,
            spans,
        });
    }

    let date = find_date(text, today, bias, month_first(tz), &mut spans);
    let part = find_day_part(text, &mut spans);
    let clock = find_clock(text, &mut spans).map(|(time, open)| {
        if open {
            place_hour(time, part.map(|(part, _)| part))
        } else {
            time
        }
    });
    let time = clock.or(part.map(|(t, _)| t));
    let date = match (date, part) {
        (Some(d), _) => Some(d),
        // "tonight", "this evening": today.
        (None, Some((_, true))) => Some(today),
        (None, _) => None,
    };

    let time_alone = date.is_none();
    let (date, time) = match (date, time) {
        (Some(date), time) => (date, time),
        (None, Some(time)) => {
            // A time alone: today, or tomorrow when already past (for future references).
            let candidate = resolve_local(tz, today.and_time(time));
            let date = if bias == Bias::Future && candidate <= local_now {
                today.succ_opt()?
            } else {
                today
            };
            (date, Some(time))
        }
        (None, None) => return None,
    };
    let wall = date.and_time(time.unwrap_or(DEFAULT_TIME));
    let instant = resolve_local(tz, wall);
    spans.sort_by_key(|r| r.start);
    Some(Resolved {
        date,
        instant: instant.fixed_offset(),
        has_time: time.is_some(),
        tomorrow: Some(date) == today.succ_opt()
            && DAY_WORD
                .captures(text)
                .is_some_and(|c| matches!(&c[1], "tomorrow" | "tmrw" | "tmr")),
        time_alone,
        from_now: false,
        skipped: skipped_by_clocks(tz, wall),
        spans,
    })
}

/// `seconds` after `from`; whole days are counted on the calendar in `tz` (the reminder's
/// zone), so "snooze 3 days" across a change of the clocks comes back at the same wall time.
pub fn later_by(from: DateTime<Utc>, seconds: i64, tz: Tz) -> DateTime<Utc> {
    if seconds % 86_400 != 0 {
        return from + Duration::seconds(seconds);
    }
    let days = Days::new((seconds / 86_400).unsigned_abs());
    match from.with_timezone(&tz).naive_local().checked_add_days(days) {
        Some(wall) => resolve_local(tz, wall).with_timezone(&Utc),
        None => from + Duration::seconds(seconds),
    }
}

/// A duration said on its own ("2 hours", "for a day", "3 days"), in seconds.
pub fn find_duration(text: &str) -> Option<(i64, Range<usize>)> {
    // One-letter units only after digits ("2d", "30 m"), and a number in words only with a
    // space before its unit: else the "am" of "9 am" reads as "a minute".
    regex!(
        DURATION,
        &format!(
            r"\b(?:for\s+)?(?:(?P<digits>\d+(?:\.\d+)?)\s*(?P<short>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)|(?P<words>{NUM})\s+(?P<unit>minutes?|mins?|hours?|hrs?|days?|weeks?))\b"
        )
    );
    let lower = text.to_ascii_lowercase();
    let c = DURATION.captures(&lower)?;
    let (n, unit) = match (c.name("digits"), c.name("short")) {
        (Some(digits), Some(short)) => (amount(digits.as_str()), short.as_str()),
        _ => (amount(c.name("words")?.as_str()), c.name("unit")?.as_str()),
    };
    let seconds_per = match unit.chars().next()? {
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86_400.0,
        'w' => 604_800.0,
        _ => return None,
    };
    let whole = c.get(0).expect("group 0 always exists");
    Some(((n * seconds_per).round() as i64, whole.range()))
}

/// The length of one `unit` ("hours", "days", "months", …) in minutes; a month as 30 days.
fn minutes_per(unit: &str) -> f64 {
    match unit.as_bytes().first() {
        Some(b'h') => 60.0,
        Some(b'd') => 1440.0,
        Some(b'w') => 10_080.0,
        Some(b'm') if unit.starts_with("mo") => 43_200.0,
        _ => 1.0,
    }
}

fn amount(word: &str) -> f64 {
    word.parse::<f64>()
        .ok()
        .or_else(|| number_word(word))
        .unwrap_or(1.0)
}

/// The day "this weekend" starts (Saturday of the one under way or next to come, today on
/// a Sunday; "the weekend" too),
/// "next weekend" (the Saturday a week on) or "last weekend" (the Saturday before).
fn weekend_saturday(today: NaiveDate, which: &str) -> Option<NaiveDate> {
    let days_from_monday = i64::from(today.weekday().num_days_from_monday());
    let this = today + Duration::days(5 - days_from_monday);
    match which {
        "next" => this.checked_add_days(Days::new(7)),
        "last" => this.checked_sub_days(Days::new(7)),
        // On a Sunday the weekend under way is today.
        _ if today.weekday() == Weekday::Sun => Some(today),
        _ => Some(this),
    }
}

fn add_calendar(date: NaiveDate, unit: &str, n: i64) -> Option<NaiveDate> {
    let n_u32 = u32::try_from(n).ok()?;
    if unit.starts_with('d') {
        date.checked_add_days(Days::new(n_u32.into()))
    } else if unit.starts_with('w') {
        date.checked_add_days(Days::new(u64::from(n_u32) * 7))
    } else {
        date.checked_add_months(Months::new(n_u32))
    }
}

fn sub_calendar(date: NaiveDate, unit: &str, n: i64) -> Option<NaiveDate> {
    let n_u32 = u32::try_from(n).ok()?;
    if unit.starts_with('d') {
        date.checked_sub_days(Days::new(n_u32.into()))
    } else if unit.starts_with('w') {
        date.checked_sub_days(Days::new(u64::from(n_u32) * 7))
    } else {
        date.checked_sub_months(Months::new(n_u32))
    }
}

fn find_date(
    text: &str,
    today: NaiveDate,
    bias: Bias,
    month_first: bool,
    spans: &mut Vec<Range<usize>>,
) -> Option<NaiveDate> {
    if let Some(c) = AGO.captures(text) {
        spans.push(c.get(0).expect("group 0").range());
        return sub_calendar(today, &c[2], amount(&c[1]) as i64);
    }
    if let Some(c) = DAY_WORD.captures(text) {
        spans.push(c.get(0).expect("group 0").range());
        return match &c[1] {
            "today" => Some(today),
            "tomorrow" | "tmrw" | "tmr" => today.succ_opt(),
            "yesterday" => today.pred_opt(),
            word if word.ends_with("day after tomorrow") => today.checked_add_days(Days::new(2)),
            _ => today.checked_sub_days(Days::new(2)),
        };
    }
    if let Some(c) = ISO_DATE.captures(text) {
        let (y, m, d) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
        if let Some(date) = NaiveDate::from_ymd_opt(y, m, d) {
            spans.push(c.get(0).expect("group 0").range());
            return Some(date);
        }
    }
    for re in [&*MONTH_DAY, &*DAY_MONTH] {
        if let Some(c) = re.captures(text) {
            let (month_word, day) = if c[1].as_bytes()[0].is_ascii_digit() {
                (&c[2], &c[1])
            } else {
                (&c[1], &c[2])
            };
            let month = month_number(month_word)?;
            let day: u32 = day.parse().ok()?;
            let year = c.get(3).and_then(|y| y.as_str().parse::<i32>().ok());
            if let Some(date) = month_day(today, month, day, year, bias) {
                spans.push(c.get(0).expect("group 0").range());
                return Some(date);
            }
        }
    }
    if let Some(c) = WEEKDAY.captures(text) {
        let weekday = weekday_of(&c[2])?;
        let qualifier = c.get(1).map(|m| m.as_str());
        spans.push(c.get(0).expect("group 0").range());
        return Some(weekday_date(today, weekday, qualifier, bias));
    }
    if let Some(c) = WEEKEND.captures(text) {
        spans.push(c.get(0).expect("group 0").range());
        return weekend_saturday(today, &c[1]);
    }
    if let Some(c) = WEEK_WORD.captures(text) {
        spans.push(c.get(0).expect("group 0").range());
        let unit = &c[2];
        return match &c[1] {
            "next" => add_calendar(today, unit, 1),
            "last" => sub_calendar(today, unit, 1),
            _ => Some(today),
        };
    }
    // "24/7" is "always", not the 24th of July.
    // "at 9.12" is a time; "by 24.12" or "at 31.12.2026" stays a date ("by" is a deadline's
    // word for days as much as for hours), as does a pair no clock shows.
    let said_as_time = |c: &regex::Captures| {
        let before = &text[..c.get(0).expect("group 0").start()];
        let (hour, minute) = (&c[1], &c[3]);
        &c[2] == "."
            && c.get(4).is_none()
            && minute.len() == 2
            && hour.parse::<u32>().is_ok_and(|h| h <= 23)
            && minute.parse::<u32>().is_ok_and(|m| m <= 59)
            && TIME_CUE_BEFORE.is_match(before)
    };
    if let Some(c) = NUMERIC_DATE
        .captures(text)
        .filter(|c| &c[0] != "24/7" && !said_as_time(c))
    {
        let (a, b): (u32, u32) = (c[1].parse().ok()?, c[3].parse().ok()?);
        let year = c.get(4).and_then(|y| {
            let y: i32 = y.as_str().parse().ok()?;
            Some(if y < 100 { 2000 + y } else { y })
        });
        // "11/20" in the US, "20/11" or "20.11." elsewhere; an impossible reading loses.
        let us_order = &c[2] == "/" && (b > 12 || a <= 12 && month_first);
        let (month, day) = if us_order { (a, b) } else { (b, a) };
        if let Some(date) = month_day(today, month, day, year, bias) {
            spans.push(c.get(0).expect("group 0").range());
            return Some(date);
        }
    }
    if let Some(c) = ORDINAL_DAY.captures(text) {
        let day: u32 = c[1].parse().ok()?;
        let this_month = today.with_day(day);
        let date = match (bias, this_month) {
            (Bias::Future, Some(d)) if d >= today => Some(d),
            (Bias::Past, Some(d)) if d <= today => Some(d),
            (Bias::Future, _) => next_month_day(today, day, 1),
            (Bias::Past, _) => next_month_day(today, day, -1),
        };
        if date.is_some() {
            spans.push(c.get(0).expect("group 0").range());
        }
        return date;
    }
    None
}

fn next_month_day(today: NaiveDate, day: u32, step: i32) -> Option<NaiveDate> {
    let mut cursor = today.with_day(1)?;
    for _ in 0..12 {
        cursor = if step > 0 {
            cursor.checked_add_months(Months::new(1))?
        } else {
            cursor.checked_sub_months(Months::new(1))?
        };
        if let Some(d) = cursor.with_day(day) {
            return Some(d);
        }
    }
    None
}

fn month_day(
    today: NaiveDate,
    month: u32,
    day: u32,
    year: Option<i32>,
    bias: Bias,
) -> Option<NaiveDate> {
    if let Some(year) = year {
        return NaiveDate::from_ymd_opt(year, month, day);
    }
    let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
    match bias {
        Bias::Future => match this_year {
            Some(d) if d >= today => Some(d),
            _ => NaiveDate::from_ymd_opt(today.year() + 1, month, day),
        },
        Bias::Past => match this_year {
            Some(d) if d <= today => Some(d),
            _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day),
        },
    }
}

fn weekday_date(
    today: NaiveDate,
    weekday: Weekday,
    qualifier: Option<&str>,
    bias: Bias,
) -> NaiveDate {
    let today_idx = i64::from(today.weekday().num_days_from_monday());
    let target_idx = i64::from(weekday.num_days_from_monday());
    let monday = today - Duration::days(today_idx);
    match qualifier {
        Some("next") => monday + Duration::days(7 + target_idx),
        Some("this") => monday + Duration::days(target_idx),
        Some("last") | Some("past") => {
            let back = (today_idx - target_idx).rem_euclid(7);
            today - Duration::days(if back == 0 { 7 } else { back })
        }
        _ => match bias {
            Bias::Future => {
                let ahead = (target_idx - today_idx).rem_euclid(7);
                today + Duration::days(if ahead == 0 { 7 } else { ahead })
            }
            Bias::Past => {
                let back = (today_idx - target_idx).rem_euclid(7);
                today - Duration::days(back)
            }
        },
    }
}

fn month_number(word: &str) -> Option<u32> {
    let prefix = &word[..word.len().min(3)];
    MONTHS
        .iter()
        .position(|m| m.starts_with(prefix))
        .map(|i| i as u32 + 1)
}

fn weekday_of(word: &str) -> Option<Weekday> {
    let prefix = &word[..word.len().min(3)];
    WEEKDAYS
        .iter()
        .position(|d| d.starts_with(prefix))
        .and_then(|i| Weekday::try_from(i as u8).ok())
}

fn overlaps(spans: &[Range<usize>], range: &Range<usize>) -> bool {
    spans
        .iter()
        .any(|s| s.start < range.end && range.start < s.end)
}

/// Whether slashed dates are read month-first in `tz`: the US and its neighbours write
/// "11/20"; most of the world writes "20/11".
fn month_first(tz: Tz) -> bool {
    let name = tz.name();
    name.starts_with("America/") || name.starts_with("US/") || name == "Pacific/Honolulu"
}

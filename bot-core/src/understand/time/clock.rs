//! Times of day in a message: "3pm", "18:30", "at 18.30", "9 o'clock", "at 9", and day
//! parts ("tomorrow morning", "tonight").
//!
//! An hour said without am/pm on a twelve-hour reading ("at 2", "at 4:30", "3 o'clock") is
//! placed by the part of the day said with it ("tonight at 8" is 20:00, "tomorrow morning
//! at 6" 06:00), and without one, from 1 to 6, in the afternoon: interviews, calls and
//! reminders are set for waking hours, and the night reading would nudge at 02:00 and file
//! an interview twelve hours early. A 24-hour form ("at 02:30", "at 2h", "14:30") is taken
//! as said.

use super::{hm, overlaps};
use chrono::{NaiveTime, Timelike};
use std::ops::Range;

regex!(
    CLOCK_AMPM,
    r"\b(?:at\s+|@\s*)?(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)"
);
// "18:30", and after a word that makes it a time, "at 18.30" (a dot alone is a date: 9.12).
regex!(
    CLOCK_24H,
    r"(?:(?:\b(?:at|around)|@)\s*(\d{1,2})[:.](\d{2})|\b(?:at\s+|@\s*)?(\d{1,2}):(\d{2}))\b(?:\s*h\b)?"
);
// "quarter past 3", "half past 9", "10 to 5", "a quarter to 6pm".
regex!(
    CLOCK_PAST_TO,
    r"\b(?:at\s+)?(?:a\s+)?(quarter|half|\d{1,2})\s+(past|to)\s+(\d{1,2})(?:\s*(am|pm|a\.m\.|p\.m\.))?\b"
);
regex!(CLOCK_OCLOCK, r"\b(\d{1,2})\s*o'?\s?clock\b");
regex!(
    CLOCK_BARE,
    r"\b(?:at|@|around|by)\s+(\d{1,2})(?:\s*(?:h|o'clock)\b)?"
);
regex!(
    DAY_PART,
    r"\b(?:(this|in the)\s+)?(morning|afternoon|evening|noon|midday|midnight|tonight|end of (?:the )?day|eod|lunchtime|lunch)\b"
);

/// "morning" → 09:00 etc.; the flag says whether the word itself names today ("tonight").
pub(super) fn find_day_part(
    text: &str,
    spans: &mut Vec<Range<usize>>,
) -> Option<(NaiveTime, bool)> {
    let c = DAY_PART.captures(text)?;
    let whole = c.get(0).expect("group 0");
    if overlaps(spans, &whole.range()) {
        return None;
    }
    let today_word = matches!(c.get(1).map(|m| m.as_str()), Some("this")) || &c[2] == "tonight";
    let time = match &c[2] {
        "morning" => hm(9, 0),
        "afternoon" => hm(15, 0),
        "evening" => hm(19, 0),
        "tonight" => hm(20, 0),
        "noon" | "midday" | "lunchtime" | "lunch" => hm(12, 0),
        "midnight" => hm(0, 0),
        _ => hm(17, 0),
    };
    spans.push(whole.range());
    Some((time, today_word))
}

/// The time of day said, and whether it is open: an hour from 1 to 12 said without am/pm
/// or a 24-hour form, which [`place_hour`] places in the day.
pub(super) fn find_clock(text: &str, spans: &mut Vec<Range<usize>>) -> Option<(NaiveTime, bool)> {
    // Said on a twelve-hour reading: no leading zero ("02"), no "h", not past 12.
    let open = |hour_said: &str, whole: &str, hour: u32| {
        !hour_said.starts_with('0') && !whole.ends_with('h') && (1..=12).contains(&hour)
    };
    if let Some(c) = CLOCK_PAST_TO.captures(text) {
        let whole = c.get(0).expect("group 0");
        let minutes: u32 = match &c[1] {
            "quarter" => 15,
            "half" => 30,
            n => n.parse().ok()?,
        };
        let hour: u32 = c[3].parse().ok()?;
        if !overlaps(spans, &whole.range()) && minutes < 60 && (1..=12).contains(&hour) {
            // "10 to 5" is 4:50; "half to 5" is not said.
            let (hour, minute) = match &c[2] {
                "past" => (hour, minutes),
                _ if minutes == 30 => return None,
                _ => (if hour == 1 { 12 } else { hour - 1 }, 60 - minutes),
            };
            let (hour, open) = match c.get(4).map(|m| m.as_str().starts_with('p')) {
                Some(true) if hour < 12 => (hour + 12, false),
                Some(_) => (hour, false),
                None => (hour, true),
            };
            if let Some(t) = NaiveTime::from_hms_opt(hour, minute, 0) {
                spans.push(whole.range());
                return Some((t, open));
            }
        }
    }
    for c in CLOCK_AMPM.captures_iter(text) {
        let whole = c.get(0).expect("group 0");
        if overlaps(spans, &whole.range()) {
            continue;
        }
        let hour: u32 = c[1].parse().ok()?;
        let minute: u32 = c.get(2).map_or(Some(0), |m| m.as_str().parse().ok())?;
        if !(1..=12).contains(&hour) {
            continue;
        }
        let pm = c[3].starts_with('p');
        let hour24 = match (hour, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
        if let Some(t) = NaiveTime::from_hms_opt(hour24, minute, 0) {
            spans.push(whole.range());
            return Some((t, false));
        }
    }
    for c in CLOCK_24H.captures_iter(text) {
        let whole = c.get(0).expect("group 0");
        if overlaps(spans, &whole.range()) {
            continue;
        }
        let (Some(hour_said), Some(minute_said)) = (c.get(1).or(c.get(3)), c.get(2).or(c.get(4)))
        else {
            continue;
        };
        let (hour, minute) = (
            hour_said.as_str().parse().ok()?,
            minute_said.as_str().parse().ok()?,
        );
        if let Some(t) = NaiveTime::from_hms_opt(hour, minute, 0) {
            spans.push(whole.range());
            return Some((t, open(hour_said.as_str(), whole.as_str(), hour)));
        }
    }
    if let Some(c) = CLOCK_OCLOCK.captures(text) {
        let whole = c.get(0).expect("group 0");
        if !overlaps(spans, &whole.range())
            && let Some(hour) = c[1].parse().ok()
            && let Some(t) = NaiveTime::from_hms_opt(hour, 0, 0)
        {
            spans.push(whole.range());
            return Some((t, open(&c[1], whole.as_str(), hour)));
        }
    }
    for c in CLOCK_BARE.captures_iter(text) {
        let whole = c.get(0).expect("group 0");
        // "at 10:30" and "at 10am" were handled above; "at 10 people" is not a time.
        let rest = &text[whole.end()..];
        if overlaps(spans, &whole.range())
            || rest.starts_with(':')
            || rest.starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let hour: u32 = c[1].parse().ok()?;
        if let Some(t) = NaiveTime::from_hms_opt(hour, 0, 0) {
            spans.push(whole.range());
            return Some((t, open(&c[1], whole.as_str(), hour)));
        }
    }
    None
}

/// An open time of day (see [`find_clock`]) placed in the day: after noon when the part of
/// the day said with it is (afternoon, evening, tonight), as said in the morning, and
/// without a part, from 1 to 6 in the afternoon. Twelve stays noon.
pub(super) fn place_hour(time: NaiveTime, part: Option<NaiveTime>) -> NaiveTime {
    let hour = time.hour();
    let afternoon = match part {
        Some(part) if part >= hm(12, 0) => (1..=11).contains(&hour),
        Some(_) => false,
        None => (1..=6).contains(&hour),
    };
    if afternoon {
        time + chrono::Duration::hours(12)
    } else {
        time
    }
}

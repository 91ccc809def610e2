//! Times of day in a message: "3pm", "18:30", "at 18.30", "9 o'clock", "at 9", and day
//! parts ("tomorrow morning", "tonight").
//!
//! An hour from 1 to 6 said alone, without am/pm or minutes ("interview at 2", "call Anna
//! at 4", "3 o'clock"), is taken in the afternoon: interviews, calls and reminders are set
//! for waking hours, and the night reading would nudge at 02:00 and file an interview
//! twelve hours early. Said with a morning ("tomorrow morning at 6"), as a 24-hour time
//! ("at 2h", "at 02") or with minutes ("at 2:30", which a 24-hour clock writes so) it is
//! taken as said.

use super::{hm, overlaps};
use chrono::NaiveTime;
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

/// The afternoon reading of an hour said without am/pm (see the module's doc): the hour,
/// and whether it was moved.
fn waking(hour: u32) -> (u32, bool) {
    if (1..=6).contains(&hour) {
        (hour + 12, true)
    } else {
        (hour, false)
    }
}

/// The time of day said, and whether its hour was taken in the afternoon without am/pm.
pub(super) fn find_clock(text: &str, spans: &mut Vec<Range<usize>>) -> Option<(NaiveTime, bool)> {
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
        let (hour, minute) = match (c.get(1).or(c.get(3)), c.get(2).or(c.get(4))) {
            (Some(hour), Some(minute)) => {
                (hour.as_str().parse().ok()?, minute.as_str().parse().ok()?)
            }
            _ => continue,
        };
        if let Some(t) = NaiveTime::from_hms_opt(hour, minute, 0) {
            spans.push(whole.range());
            return Some((t, false));
        }
    }
    if let Some(c) = CLOCK_OCLOCK.captures(text) {
        let whole = c.get(0).expect("group 0");
        if !overlaps(spans, &whole.range())
            && let Some((t, moved)) = c[1].parse().ok().and_then(|h| {
                let (h, moved) = waking(h);
                Some((NaiveTime::from_hms_opt(h, 0, 0)?, moved))
            })
        {
            spans.push(whole.range());
            return Some((t, moved));
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
        let (hour, moved) = if whole.as_str().ends_with('h') || c[1].starts_with('0') {
            (hour, false)
        } else {
            waking(hour)
        };
        if let Some(t) = NaiveTime::from_hms_opt(hour, 0, 0) {
            spans.push(whole.range());
            return Some((t, moved));
        }
    }
    None
}

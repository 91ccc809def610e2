//! Nudge settings in conversation: "quiet hours 23:00-07:00", "don't message me after 9pm",
//! "follow up after 10 days", "/nudges prep 19", and "/nudges" to see them. Changes go
//! through the `reminders` server's `set_nudge_settings` tool like any other capability.

use super::actions::{Result, Turn, say};
use super::{Answer, Core};
use crate::preferences::MAX_FOLLOW_UP_DAYS;
use crate::tools::NudgeSettings;
use crate::understand::{Intent, Slots};
use std::sync::LazyLock;

fn re(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("settings regex is valid")
}

/// "23:00-07:00", "11pm to 7am", "between 10pm and 8am".
static RANGE: LazyLock<regex::Regex> = LazyLock::new(|| {
    re(
        r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?\s*(?:-|–|to|until|till|and)\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?",
    )
});
/// "after 9pm" (quiet from), "before 8am" (quiet until).
static AFTER: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"\bafter (\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?"));
static BEFORE: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"\bbefore (\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?"));
static FOLLOW_UP: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"\bfollow[- ]?ups?\D{0,20}?(\d{1,3})"));
static PREP: LazyLock<regex::Regex> =
    LazyLock::new(|| re(r"\bprep(?:aration)?\D{0,20}?(\d{1,2})(?:[:.h]00)?\s*(am|pm)?"));

/// "7", "30", "pm" → "19:30"; `None` for an impossible time.
fn clock(hour: &str, minute: Option<&str>, meridiem: Option<&str>) -> Option<String> {
    let mut h: u32 = hour.parse().ok()?;
    let m: u32 = minute.map_or(Some(0), |m| m.parse().ok())?;
    match meridiem {
        Some("pm") if h < 12 => h += 12,
        Some("am") if h == 12 => h = 0,
        Some(_) if h > 12 => return None,
        _ => {}
    }
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

fn group<'t>(c: &regex::Captures<'t>, i: usize) -> Option<&'t str> {
    c.get(i).map(|m| m.as_str())
}

/// The changes said in `text` (lower-cased); all `None` when nothing was recognised.
pub(crate) fn parse(text: &str) -> NudgeSettings {
    let mut out = NudgeSettings::default();
    if let Some(c) = FOLLOW_UP.captures(text) {
        out.follow_up_days = c[1].parse().ok();
    }
    if let Some(c) = PREP.captures(text) {
        out.prep_hour = clock(&c[1], None, group(&c, 2)).and_then(|t| t[..2].parse().ok());
    }
    if (text.contains("quiet") || text.contains("between"))
        && let Some(c) = RANGE.captures(text)
    {
        let start = clock(&c[1], group(&c, 2), group(&c, 3));
        let end = clock(&c[4], group(&c, 5), group(&c, 6));
        // Half of an impossible range is not what the person meant either.
        if start.is_some() && end.is_some() {
            (out.quiet_start, out.quiet_end) = (start, end);
        }
        return out;
    }
    // "after 9pm" is a time of day; "after 10 days" is the follow-up interval.
    let time_of_day = |c: &regex::Captures<'_>| {
        let rest = &text[c.get(0).map_or(0, |m| m.end())..];
        !rest.trim_start().starts_with("day") && !rest.trim_start().starts_with("week")
    };
    if let Some(c) = AFTER.captures(text).filter(time_of_day) {
        out.quiet_start = clock(&c[1], group(&c, 2), group(&c, 3).or(Some("pm")));
    }
    if let Some(c) = BEFORE.captures(text).filter(time_of_day) {
        out.quiet_end = clock(&c[1], group(&c, 2), group(&c, 3).or(Some("am")));
    }
    out
}

fn is_empty(s: &NudgeSettings) -> bool {
    s.quiet_start.is_none()
        && s.quiet_end.is_none()
        && s.follow_up_days.is_none()
        && s.prep_hour.is_none()
}

fn describe(s: &NudgeSettings) -> String {
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "–".into());
    format!(
        "Quiet hours {}–{} (automatic nudges wait; times you set yourself don't). \
         Follow-ups after {} days without news. Interview prep the evening before at {}:00.",
        or_dash(&s.quiet_start),
        or_dash(&s.quiet_end),
        s.follow_up_days.unwrap_or(7),
        s.prep_hour.unwrap_or(18)
    )
}

impl Core {
    pub(super) async fn nudge_settings(&self, turn: &Turn, slots: Slots) -> Result<Answer> {
        let intent = Intent::NudgeSettings;
        let said = slots.text.unwrap_or_default().to_ascii_lowercase();
        let changes = parse(&said);
        if is_empty(&changes) {
            let current = turn.tracker.nudge_settings().await?;
            let hint = if said.is_empty() {
                ""
            } else {
                "I did not catch a change there. "
            };
            return Ok(say(
                intent,
                format!(
                    "{hint}{}\nChange them like: /nudges quiet 23:00-07:00 · /nudges followup 10 · /nudges prep 19",
                    describe(&current)
                ),
            ));
        }
        if let Some(days) = changes.follow_up_days
            && !(1..=i64::from(MAX_FOLLOW_UP_DAYS)).contains(&days)
        {
            return Ok(say(
                intent,
                format!("Follow-ups can wait between 1 and {MAX_FOLLOW_UP_DAYS} days — how many?"),
            ));
        }
        let now = turn.tracker.set_nudge_settings(&changes).await?;
        Ok(say(intent, format!("Done. {}", describe(&now))))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn settings_in_words() {
        let s = parse("quiet hours 23:00-07:00");
        assert_eq!(
            (s.quiet_start.as_deref(), s.quiet_end.as_deref()),
            (Some("23:00"), Some("07:00"))
        );
        let s = parse("don't message me after 9pm");
        assert_eq!(
            (s.quiet_start.as_deref(), s.quiet_end),
            (Some("21:00"), None)
        );
        let s = parse("no nudges after 9pm please");
        assert_eq!(s.quiet_start.as_deref(), Some("21:00"));
        let s = parse("no messages before 8:30");
        assert_eq!(s.quiet_end.as_deref(), Some("08:30"));
        let s = parse("quiet between 10pm and 8:30am");
        assert_eq!(
            (s.quiet_start.as_deref(), s.quiet_end.as_deref()),
            (Some("22:00"), Some("08:30"))
        );
        let follow = parse("follow up after 10 days");
        assert_eq!(
            (follow.follow_up_days, follow.quiet_start),
            (Some(10), None)
        );
        assert_eq!(parse("followup 14").follow_up_days, Some(14));
        assert_eq!(parse("prep 7pm").prep_hour, Some(19));
        assert_eq!(parse("prep 19").prep_hour, Some(19));
        let nothing = parse("what are my settings");
        assert!(nothing.quiet_start.is_none() && nothing.follow_up_days.is_none());
        let impossible = parse("quiet 25:00-07:00");
        assert_eq!((impossible.quiet_start, impossible.quiet_end), (None, None));
    }
}

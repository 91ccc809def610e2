//! "every Monday", "each weekday", "daily", "every 2 weeks", "on Fridays": a repetition said
//! in words, as an RFC 5545 RRULE for a recurring reminder (see `crate::recurrence`). The
//! time of day comes from the time resolver as for any reminder; this only finds the rhythm.

use std::ops::Range;

regex!(
    EVERY,
    r"\b(?:every|each)\s+(?:(other)\s+|(\d{1,2})\s+)?(day|weekday|work ?day|business day|week|fortnight|month|year|hour|minute|min|(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?)s?\b((?:\s*(?:,|and|&)\s*(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?s?\b)*)"
);
regex!(
    ADVERB,
    r"\b(daily|weekly|monthly|yearly|annually|biweekly|fortnightly|weekdays)\b"
);
regex!(
    ON_PLURAL_DAYS,
    r"\bon\s+((?:mon|tues|wednes|thurs|fri|satur|sun)days)\b((?:\s*(?:,|and|&)\s*(?:mon|tues|wednes|thurs|fri|satur|sun)days\b)*)"
);
regex!(DAY_WORD, r"mon|tue|wed|thu|fri|sat|sun");
regex!(
    NTH_WEEKDAY,
    r"\b(?:(?:every|each)\s+)?(first|1st|second|2nd|third|3rd|fourth|4th|last)\s+(mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\s+of\s+(?:the\s+|each\s+|every\s+)?month\b"
);
regex!(
    EVERY_PART_OF_DAY,
    r"\b(?:every|each)\s+(?:morning|afternoon|evening|noon|midday|lunchtime)\b"
);

/// A repetition found in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeat {
    /// The rule, e.g. `FREQ=WEEKLY;BYDAY=MO`.
    pub rule: String,
    /// Where it was said (byte range of the lower-cased text), to keep it out of other slots.
    pub span: Range<usize>,
}

/// The repetition in `lower` (lower-cased text), if one is said.
pub fn find(lower: &str) -> Option<Repeat> {
    // "every first Monday of the month", "the last Friday of every month": said with
    // "every" or "each" on either side, a monthly day; without, one day to come.
    if let Some(c) = NTH_WEEKDAY.captures(lower) {
        let whole = c.get(0).expect("group 0 is the match");
        if whole.as_str().starts_with("every")
            || whole.as_str().starts_with("each")
            || whole.as_str().ends_with("every month")
            || whole.as_str().ends_with("each month")
        {
            let nth = match &c[1] {
                "first" | "1st" => "1",
                "second" | "2nd" => "2",
                "third" | "3rd" => "3",
                "fourth" | "4th" => "4",
                _ => "-1",
            };
            let day = weekdays(&c[2]).into_iter().next()?;
            return Some(Repeat {
                rule: format!("FREQ=MONTHLY;BYDAY={nth}{day}"),
                span: whole.range(),
            });
        }
    }
    // "every morning": daily, at the time the part of the day names.
    if let Some(m) = EVERY_PART_OF_DAY.find(lower) {
        return Some(Repeat {
            rule: "FREQ=DAILY".to_owned(),
            span: m.range(),
        });
    }
    if let Some(c) = EVERY.captures(lower) {
        let interval: u32 = match (c.get(1), c.get(2)) {
            (Some(_), _) => 2,
            (None, Some(n)) => n.as_str().parse().ok().filter(|n| *n >= 1)?,
            (None, None) => 1,
        };
        let unit = c.get(3).map_or("", |m| m.as_str());
        let extra_days = c.get(4).map_or("", |m| m.as_str());
        let rule = match unit {
            "day" => freq("DAILY", interval),
            // Said, and refused by the scheduler with a reason (at most daily).
            "hour" => freq("HOURLY", interval),
            "minute" | "min" => freq("MINUTELY", interval),
            "weekday" | "workday" | "work day" | "business day" => {
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR".to_owned()
            }
            "week" => freq("WEEKLY", interval),
            "fortnight" => freq("WEEKLY", 2 * interval),
            "month" => freq("MONTHLY", interval),
            "year" => freq("YEARLY", interval),
            day => {
                let days = weekdays(&format!("{day} {extra_days}"));
                format!("{};BYDAY={}", freq("WEEKLY", interval), days.join(","))
            }
        };
        let whole = c.get(0).expect("group 0 is the match");
        return Some(Repeat {
            rule,
            span: whole.range(),
        });
    }
    if let Some(c) = ON_PLURAL_DAYS.captures(lower) {
        let whole = c.get(0).expect("group 0 is the match");
        let days = weekdays(whole.as_str());
        return Some(Repeat {
            rule: format!("FREQ=WEEKLY;BYDAY={}", days.join(",")),
            span: whole.range(),
        });
    }
    let m = ADVERB.find(lower)?;
    let rule = match m.as_str() {
        "daily" => "FREQ=DAILY",
        "weekly" => "FREQ=WEEKLY",
        "biweekly" | "fortnightly" => "FREQ=WEEKLY;INTERVAL=2",
        "monthly" => "FREQ=MONTHLY",
        "weekdays" => "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        _ => "FREQ=YEARLY",
    };
    Some(Repeat {
        rule: rule.to_owned(),
        span: m.range(),
    })
}

fn freq(unit: &str, interval: u32) -> String {
    if interval > 1 {
        format!("FREQ={unit};INTERVAL={interval}")
    } else {
        format!("FREQ={unit}")
    }
}

/// The RFC 5545 day codes named in `text`, in the order said, without repeats.
fn weekdays(text: &str) -> Vec<&'static str> {
    let mut days = Vec::new();
    for m in DAY_WORD.find_iter(text) {
        let code = match m.as_str() {
            "mon" => "MO",
            "tue" => "TU",
            "wed" => "WE",
            "thu" => "TH",
            "fri" => "FR",
            "sat" => "SA",
            _ => "SU",
        };
        if !days.contains(&code) {
            days.push(code);
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::find;

    fn rule(text: &str) -> Option<String> {
        find(&text.to_ascii_lowercase()).map(|r| r.rule)
    }

    #[test]
    fn rhythms_in_words() {
        let cases = [
            (
                "every Monday at 9 review my pipeline",
                "FREQ=WEEKLY;BYDAY=MO",
            ),
            ("each weekday at 8:30", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
            ("every day at 8", "FREQ=DAILY"),
            ("every 2 weeks on friday", "FREQ=WEEKLY;INTERVAL=2"),
            ("every other week", "FREQ=WEEKLY;INTERVAL=2"),
            ("every tuesday and thursday", "FREQ=WEEKLY;BYDAY=TU,TH"),
            ("every mon, wed & fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR"),
            ("on Fridays at 4pm", "FREQ=WEEKLY;BYDAY=FR"),
            ("remind me daily to check boards", "FREQ=DAILY"),
            ("monthly budget check", "FREQ=MONTHLY"),
            ("every month", "FREQ=MONTHLY"),
            ("every morning check job boards", "FREQ=DAILY"),
            ("each evening at 7", "FREQ=DAILY"),
            (
                "every first Monday of the month update my tracker",
                "FREQ=MONTHLY;BYDAY=1MO",
            ),
            (
                "on the last Friday of every month",
                "FREQ=MONTHLY;BYDAY=-1FR",
            ),
            ("each 2nd tues of the month", "FREQ=MONTHLY;BYDAY=2TU"),
        ];
        for (text, expected) in cases {
            assert_eq!(rule(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn one_off_times_are_not_repetitions() {
        for text in [
            "remind me on Friday at 2pm to check on Datadog",
            "remind me in 7 days to follow up",
            "remind me tomorrow to call everyone",
            "remind me on the first Monday of the month to pay the rent",
            "remind me tomorrow morning to call Anna",
        ] {
            assert_eq!(rule(text), None, "{text}");
        }
    }

    #[test]
    fn every_rule_is_one_the_scheduler_accepts() {
        for text in [
            "every weekday",
            "every 3 days",
            "fortnightly",
            "every sat and sun",
            "every morning",
            "every last sunday of the month",
            "each 3rd wednesday of the month",
        ] {
            let rule = rule(text).expect("a rule");
            crate::recurrence::Recurrence::parse(&rule).expect("a usable rule");
        }
    }
}

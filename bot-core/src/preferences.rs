//! How a person wants to be nudged: quiet hours, how long before a follow-up, and the hour of
//! the interview-prep nudge. Kept per person in `users.preferences` (JSON, key `nudges`);
//! every field has a default, so a person who never said anything gets sensible nudges.

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

/// A person's nudge settings. Missing fields take their defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NudgePreferences {
    /// Automatic nudges due in these local hours wait for their end (default 22:00–08:00).
    pub quiet_start: NaiveTime,
    /// Local time the quiet hours end and held nudges are sent.
    pub quiet_end: NaiveTime,
    /// Days without news before "Any news from …?" (default 7).
    pub follow_up_days: u32,
    /// Local hour, the evening before an interview, of the preparation nudge (default 18).
    pub prep_hour: u32,
}

impl Default for NudgePreferences {
    fn default() -> Self {
        Self {
            quiet_start: NaiveTime::from_hms_opt(22, 0, 0).expect("22:00 is a valid time"),
            quiet_end: NaiveTime::from_hms_opt(8, 0, 0).expect("08:00 is a valid time"),
            follow_up_days: 7,
            prep_hour: 18,
        }
    }
}

/// The longest follow-up interval accepted: a quarter.
pub const MAX_FOLLOW_UP_DAYS: u32 = 92;

impl NudgePreferences {
    /// Read them from a user's preferences JSON; anything unreadable falls back to defaults
    /// (a bad value must never stop their reminders).
    pub fn from_user_json(preferences: &str) -> Self {
        serde_json::from_str::<serde_json::Value>(preferences)
            .ok()
            .and_then(|v| v.get("nudges").cloned())
            .and_then(|v| serde_json::from_value::<Self>(v).ok())
            .map(Self::clamped)
            .unwrap_or_default()
    }

    /// Write them into a user's preferences JSON, keeping its other keys.
    pub fn into_user_json(self, preferences: &str) -> String {
        let mut all = serde_json::from_str::<serde_json::Value>(preferences)
            .ok()
            .filter(serde_json::Value::is_object)
            .unwrap_or_else(|| serde_json::json!({}));
        all["nudges"] = serde_json::to_value(self.clamped()).expect("preferences serialise");
        all.to_string()
    }

    /// Values kept in range: at least a day, at most [`MAX_FOLLOW_UP_DAYS`]; an hour of day.
    fn clamped(mut self) -> Self {
        self.follow_up_days = self.follow_up_days.clamp(1, MAX_FOLLOW_UP_DAYS);
        self.prep_hour = self.prep_hour.min(23);
        self
    }

    /// Whether a local time of day is quiet (the hours may run across midnight).
    pub fn is_quiet(&self, t: NaiveTime) -> bool {
        let (start, end) = (self.quiet_start, self.quiet_end);
        if start <= end {
            start <= t && t < end
        } else {
            t >= start || t < end
        }
    }

    /// The first moment after `local` when the quiet hours end.
    pub fn quiet_end_after(&self, local: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
        let today_end = local.date().and_time(self.quiet_end);
        if today_end > local {
            today_end
        } else {
            today_end + chrono::Duration::days(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("test times are valid")
    }

    #[test]
    fn quiet_hours_across_midnight() {
        let q = NudgePreferences::default();
        assert!(q.is_quiet(t(22, 0)));
        assert!(q.is_quiet(t(23, 59)));
        assert!(q.is_quiet(t(0, 0)));
        assert!(q.is_quiet(t(7, 59)));
        assert!(!q.is_quiet(t(8, 0)));
        assert!(!q.is_quiet(t(21, 59)));
        let late = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
            .expect("a valid date")
            .and_time(t(23, 30));
        assert_eq!(
            q.quiet_end_after(late),
            late.date()
                .succ_opt()
                .expect("a next day")
                .and_time(t(8, 0))
        );
        let early = late.date().and_time(t(6, 0));
        assert_eq!(q.quiet_end_after(early), early.date().and_time(t(8, 0)));
    }

    #[test]
    fn daytime_quiet_hours() {
        let q = NudgePreferences {
            quiet_start: t(12, 0),
            quiet_end: t(13, 0),
            ..Default::default()
        };
        assert!(q.is_quiet(t(12, 30)));
        assert!(!q.is_quiet(t(13, 0)));
        assert!(!q.is_quiet(t(23, 0)));
    }

    #[test]
    fn json_round_trip_keeps_other_keys_and_survives_garbage() {
        let prefs = NudgePreferences {
            follow_up_days: 10,
            prep_hour: 19,
            ..Default::default()
        };
        let json = prefs.into_user_json(r#"{"language":"de"}"#);
        assert!(json.contains("\"language\":\"de\""));
        assert_eq!(NudgePreferences::from_user_json(&json), prefs);
        assert_eq!(
            NudgePreferences::from_user_json("not json"),
            NudgePreferences::default()
        );
        let out_of_range = r#"{"nudges":{"follow_up_days":100000,"prep_hour":99}}"#;
        let read = NudgePreferences::from_user_json(out_of_range);
        assert_eq!(
            (read.follow_up_days, read.prep_hour),
            (MAX_FOLLOW_UP_DAYS, 23)
        );
    }
}

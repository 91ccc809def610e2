//! What the reminder tools return: a reminder with its wall time and due instant spelled out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A reminder as tools report it.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct ReminderView {
    /// The reminder's id, to name it in later calls.
    pub id: i64,
    /// What the person is reminded of.
    pub text: String,
    /// custom, follow_up, interview_prep, thank_you or recurring.
    pub kind: String,
    /// The wall time it is set for, in `timezone`, YYYY-MM-DDTHH:MM:SS.
    pub local_time: String,
    /// IANA zone of `local_time`.
    pub timezone: String,
    /// The due instant, RFC 3339 with the zone's offset at that instant.
    pub due_at: String,
    /// Where it stands: pending, fired (sent, awaiting an answer), done, cancelled or failed.
    pub state: crate::store::ReminderState,
    /// The application it is about, if any.
    pub application_id: Option<i64>,
    /// For a recurring reminder, its RRULE; `local_time` is then the next occurrence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    /// When it last went out as a nudge, RFC 3339 with the zone's offset then; absent if
    /// it never has. "Snooze" with no reminder named is about the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_nudged_at: Option<String>,
    /// The nudge the person last answered while it went on (a series marked done), by
    /// when it went out, RFC 3339 as above: equal to `last_nudged_at`, that nudge is not
    /// waiting for an answer any more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered_nudge_at: Option<String>,
    /// A timer ("in 2 hours"): keeps `due_at` if the person moves to another zone, where
    /// other reminders keep `local_time`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keeps_instant: bool,
}

impl From<&crate::store::Reminder> for ReminderView {
    fn from(r: &crate::store::Reminder) -> Self {
        let local = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&r.timezone).to_rfc3339();
        Self {
            id: r.id,
            text: r.text.clone(),
            kind: r.kind.clone(),
            local_time: r.local_time.format(crate::store::LOCAL_FORMAT).to_string(),
            timezone: r.timezone.name().to_owned(),
            due_at: local(r.due_at),
            state: r.state,
            application_id: r.application_id,
            repeat: r.rrule.clone(),
            last_nudged_at: r.last_fired_at.map(local),
            answered_nudge_at: r.answered_nudge_at.map(local),
            keeps_instant: r.keeps_instant,
        }
    }
}

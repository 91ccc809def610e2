//! What tools return: plain, schema-described views of stored records.

use crate::store::{Application, ApplicationEvent, EventKind};
use crate::tracker::Status;
use schemars::JsonSchema;
use serde::Serialize;

/// An application as tools report it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ApplicationView {
    pub id: i64,
    pub company: String,
    pub role: String,
    pub status: Status,
    /// Local date applied, YYYY-MM-DD.
    pub applied_on: Option<String>,
    pub url: Option<String>,
    pub source: Option<String>,
    pub notes: String,
    /// RFC 3339, UTC.
    pub updated_at: String,
}

impl From<&Application> for ApplicationView {
    fn from(app: &Application) -> Self {
        Self {
            id: app.id,
            company: app.company.clone(),
            role: app.role.clone(),
            status: app.status,
            applied_on: app.applied_on.map(|d| d.to_string()),
            url: app.url.clone(),
            source: app.source.clone(),
            notes: app.notes.clone(),
            updated_at: app.updated_at.to_rfc3339(),
        }
    }
}

/// One timeline entry as tools report it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EventView {
    /// created, status or note.
    pub kind: String,
    pub status: Option<Status>,
    /// Local date, YYYY-MM-DD.
    pub occurred_on: String,
    /// RFC 3339, UTC: a scheduled interview or call.
    pub scheduled_at: Option<String>,
    pub note: Option<String>,
}

impl From<&ApplicationEvent> for EventView {
    fn from(event: &ApplicationEvent) -> Self {
        Self {
            kind: match event.kind {
                EventKind::Created => "created",
                EventKind::StatusChange => "status",
                EventKind::Note => "note",
            }
            .to_owned(),
            status: event.status,
            occurred_on: event.occurred_on.to_string(),
            scheduled_at: event.scheduled_at.map(|t| t.to_rfc3339()),
            note: event.note.clone(),
        }
    }
}

/// A reminder as tools report it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ReminderView {
    pub id: i64,
    pub text: String,
    /// custom, follow_up, interview_prep, thank_you or recurring.
    pub kind: String,
    /// The wall time it is set for, in `timezone`, YYYY-MM-DDTHH:MM:SS.
    pub local_time: String,
    /// IANA zone of `local_time`.
    pub timezone: String,
    /// The due instant, RFC 3339 with the zone's offset at that instant.
    pub due_at: String,
    pub state: crate::store::ReminderState,
    pub application_id: Option<i64>,
}

impl From<&crate::store::Reminder> for ReminderView {
    fn from(r: &crate::store::Reminder) -> Self {
        Self {
            id: r.id,
            text: r.text.clone(),
            kind: r.kind.clone(),
            local_time: r.local_time.format("%Y-%m-%dT%H:%M:%S").to_string(),
            timezone: r.timezone.name().to_owned(),
            due_at: r.due_at.with_timezone(&r.timezone).to_rfc3339(),
            state: r.state,
            application_id: r.application_id,
        }
    }
}

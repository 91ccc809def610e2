//! Applications as text in the core's Markdown subset.

use super::Status;
use crate::store::{Application, ApplicationEvent, EventKind};
use chrono_tz::Tz;
use std::fmt::Write;

/// One line naming an application: `#12 **Google** — Backend Engineer`.
pub fn title(app: &Application) -> String {
    if app.role.is_empty() {
        format!("#{} **{}**", app.id, app.company)
    } else {
        format!("#{} **{}** — {}", app.id, app.company, app.role)
    }
}

/// A list grouped by status in pipeline order, or a friendly line when there is nothing.
pub fn render_list(apps: &[Application], filter: Option<Status>) -> String {
    if apps.is_empty() {
        return match filter {
            Some(status) => format!("You have no applications with status {status}."),
            None => "You are not tracking any applications yet. Tell me about one, e.g. \
                     \"I applied to Stripe for the backend role\"."
                .to_owned(),
        };
    }
    let mut out = match filter {
        Some(status) => format!("Your applications with status {status} ({}):\n", apps.len()),
        None => format!("Your applications ({}):\n", apps.len()),
    };
    for status in Status::ALL {
        let group: Vec<&Application> = apps.iter().filter(|a| a.status == status).collect();
        if group.is_empty() {
            continue;
        }
        if filter.is_none() {
            let _ = writeln!(out, "\n**{}**", status.label());
        }
        for app in group {
            let applied = app
                .applied_on
                .map(|d| format!(" (applied {d})"))
                .unwrap_or_default();
            let muted = if app.nudges_stopped_at.is_some() {
                " · 🔕 no nudges"
            } else {
                ""
            };
            let _ = writeln!(out, "- {}{applied}{muted}", title(app));
        }
    }
    out.trim_end().to_owned()
}

/// One application with its details and dated timeline; instants shown in `tz`.
pub fn render_application(app: &Application, events: &[ApplicationEvent], tz: Tz) -> String {
    let mut out = format!("{}\nStatus: **{}**", title(app), app.status.label());
    if let Some(applied) = app.applied_on {
        let _ = write!(out, "\nApplied: {applied}");
    }
    if let Some(url) = &app.url {
        let _ = write!(out, "\nPosting: {url}");
    }
    if let Some(source) = &app.source {
        let _ = write!(out, "\nSource: {source}");
    }
    if app.nudges_stopped_at.is_some() {
        out.push_str("\nNudges: 🔕 stopped (say \"nudge me about it again\" to restart them)");
    }
    if !events.is_empty() {
        out.push_str("\n\nTimeline:");
        for event in events {
            let what = match (event.kind, event.status) {
                (EventKind::Created, _) => "tracked (applied)".to_owned(),
                (EventKind::StatusChange, Some(status)) => format!("→ {}", status.label()),
                (EventKind::StatusChange, None) => "status changed".to_owned(),
                (EventKind::Note, _) => format!("note: {}", event.note.as_deref().unwrap_or("")),
            };
            let when = event
                .scheduled_at
                .map(|at| {
                    format!(
                        " (on {})",
                        at.with_timezone(&tz).format("%a %d %b %Y, %H:%M")
                    )
                })
                .unwrap_or_default();
            let _ = write!(out, "\n- {}: {what}{when}", event.occurred_on);
        }
    }
    out
}

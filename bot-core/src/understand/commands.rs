//! Slash commands: the exact, scriptable way to say things. Every chat platform offers the
//! same list (Telegram registers it as the bot's menu).

use super::slots::{fill_slots, status_word};
use super::{Context, Intent, Slots, Understanding};

/// Every command with the one-line description shown in help and platform menus.
pub const COMMANDS: &[(&str, &str)] = &[
    ("track", "Track an application: /track Company, Role[, URL]"),
    ("status", "Change a status: /status Company|#id interview"),
    (
        "apps",
        "List applications, optionally by status: /apps interview",
    ),
    (
        "show",
        "One application with its timeline: /show Company|#id",
    ),
    ("note", "Add a note: /note Company|#id text"),
    (
        "remove",
        "Stop tracking an application (asks first): /remove Company|#id",
    ),
    ("forget", "Delete everything I keep about you (asks first)"),
    ("timezone", "Set your timezone: /timezone Europe/Zurich"),
    (
        "remind",
        "Set a reminder: /remind Friday at 2pm to check on Datadog",
    ),
    ("reminders", "Your reminders, soonest first"),
    (
        "snooze",
        "Push a reminder back: /snooze 2 days · /snooze #4 Monday 9am",
    ),
    ("cancel", "Cancel a reminder: /cancel #4"),
    ("done", "Mark a reminder done: /done #4"),
    (
        "mute",
        "No more nudges about an application: /mute Company|#id (/unmute to restart)",
    ),
    (
        "nudges",
        "When I nudge you: /nudges quiet 22:00-08:00 · followup 7 · prep 18",
    ),
    ("help", "What I can do"),
];

/// Parse a slash command; `None` if the text is not one.
pub(crate) fn parse(text: &str, ctx: &Context<'_>) -> Option<Understanding> {
    let body = text.strip_prefix('/')?;
    let (name, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    // "/track@MyBot" in group chats.
    let name = name.split('@').next().unwrap_or(name).to_ascii_lowercase();
    let args = args.trim();
    let lower_args = args.to_ascii_lowercase();
    let mut slots = Slots::default();
    let intent = match name.as_str() {
        "track" | "add" => {
            let mut parts = args
                .split([',', '|'])
                .map(str::trim)
                .filter(|p| !p.is_empty());
            slots.company = parts.next().map(str::to_owned);
            for part in parts {
                if part.starts_with("http://") || part.starts_with("https://") {
                    slots.url = Some(part.to_owned());
                } else if slots.role.is_none() {
                    slots.role = Some(part.to_owned());
                }
            }
            Intent::TrackApplication
        }
        "status" | "move" | "mark" => {
            let (target, status) = args.rsplit_once(char::is_whitespace).unwrap_or((args, ""));
            slots.status = status_word(status);
            let target = if slots.status.is_some() { target } else { args };
            set_target(&mut slots, target);
            Intent::UpdateApplication
        }
        "apps" | "applications" | "list" => {
            slots.status = status_word(&lower_args);
            Intent::ListApplications
        }
        "show" | "app" => {
            set_target(&mut slots, args);
            Intent::ShowApplication
        }
        "remove" | "untrack" => {
            set_target(&mut slots, args);
            Intent::RemoveApplication
        }
        "note" => {
            let (target, note) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
            set_target(&mut slots, target);
            slots.text = Some(note.trim().to_owned()).filter(|n| !n.is_empty());
            Intent::AddNote
        }
        "timezone" | "tz" => {
            return Some(command(
                Intent::SetTimezone,
                fill_slots(
                    Intent::SetTimezone,
                    &format!("timezone {args}"),
                    &format!("timezone {lower_args}"),
                    ctx,
                ),
            ));
        }
        "remind" => {
            return Some(command(
                Intent::SetReminder,
                fill_slots(
                    Intent::SetReminder,
                    &format!("remind me {args}"),
                    &format!("remind me {lower_args}"),
                    ctx,
                ),
            ));
        }
        "reminders" => Intent::ListReminders,
        "nudges" | "settings" | "quiet" => {
            let words = if name == "quiet" {
                format!("quiet {args}")
            } else {
                args.to_owned()
            };
            slots.text = Some(words).filter(|w| !w.is_empty());
            Intent::NudgeSettings
        }
        "snooze" => {
            return Some(command(
                Intent::Snooze,
                fill_slots(Intent::Snooze, args, &lower_args, ctx),
            ));
        }
        "cancel" => {
            return Some(command(
                Intent::CancelReminder,
                fill_slots(
                    Intent::CancelReminder,
                    &format!("cancel reminder {args}"),
                    &format!("cancel reminder {lower_args}"),
                    ctx,
                ),
            ));
        }
        "done" => {
            return Some(command(
                Intent::CompleteReminder,
                fill_slots(
                    Intent::CompleteReminder,
                    &format!("done reminder {args}"),
                    &format!("done reminder {lower_args}"),
                    ctx,
                ),
            ));
        }
        "mute" | "unmute" => {
            set_target(&mut slots, args);
            if name == "mute" {
                Intent::StopNudging
            } else {
                Intent::ResumeNudging
            }
        }
        "export" => Intent::ExportData,
        "delete" | "forget" => Intent::DeleteData,
        "help" | "start" | "commands" => Intent::Help,
        _ => Intent::Unknown,
    };
    let mut understood = command(intent, slots);
    if intent == Intent::Unknown {
        understood.confidence = 0.3;
    }
    Some(understood)
}

fn command(intent: Intent, slots: Slots) -> Understanding {
    Understanding {
        intent,
        slots,
        confidence: 1.0,
        rule: "command",
    }
}

/// The application a command or a note names: `#12` by id, anything else a company as
/// said.
pub(super) fn set_target(slots: &mut Slots, target: &str) {
    let target = target.trim();
    match target.strip_prefix('#').and_then(|id| id.parse().ok()) {
        Some(id) => slots.application_id = Some(id),
        None if !target.is_empty() => slots.company = Some(target.to_owned()),
        None => {}
    }
}

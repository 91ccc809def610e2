//! The `reminders` MCP server. Reminders are stored with the person's zone and wall time;
//! the scheduler that fires them reads the same rows.

use super::BuiltinTools;
use super::args::{When, internal, not_found, parse_instant, parse_when, text};
use super::views::ReminderView;
use crate::preferences::{MAX_FOLLOW_UP_DAYS, NudgePreferences};
use crate::recurrence::Recurrence;
use crate::store::{NewReminder, ReminderState};
use crate::understand::time::{later_by, resolve_local};
use chrono::{Duration, NaiveTime};
use chrono_tz::Tz;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{ErrorData, Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Arguments of `create_reminder`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateParams {
    /// What to remind the person of.
    pub text: String,
    /// When: an instant, RFC 3339 with an offset (e.g. 2026-12-01T09:00:00+01:00), or a
    /// wall time without one (e.g. 2027-03-14T02:30), read in `timezone`. A series started
    /// on a day the clocks skip its time needs the wall time: from an instant it would keep
    /// the time the clocks moved it to.
    pub when: String,
    /// IANA zone whose wall time the reminder keeps (default: the person's zone).
    #[serde(default)]
    pub timezone: Option<String>,
    /// The application it is about, if any.
    #[serde(default)]
    pub application_id: Option<i64>,
    /// Repeat by this RFC 5545 RRULE over local wall times (e.g. `FREQ=WEEKLY;BYDAY=MO`);
    /// `when` is then the earliest start, moved to the rule's first occurrence.
    #[serde(default)]
    pub repeat: Option<String>,
    /// A timer, set from now ("in 2 hours"): if the person moves to another zone it keeps
    /// the instant `when`, instead of its wall time. Not with `repeat`.
    #[serde(default)]
    pub keep_instant: bool,
}

/// Arguments of `list_reminders`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRemindersParams {
    /// Also list done and cancelled reminders.
    #[serde(default)]
    pub include_closed: bool,
}

/// The result of `list_reminders`.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ReminderList {
    /// How many reminders are listed.
    pub count: i64,
    /// The reminders, soonest due first.
    pub reminders: Vec<ReminderView>,
}

/// Arguments of `snooze_reminder`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeParams {
    /// Id of the reminder to snooze (pending, or fired and awaiting an answer), as
    /// `list_reminders` reports it.
    pub reminder_id: i64,
    /// Push it back by this many minutes of elapsed time from its current time (or from
    /// now, once it has fired)...
    #[serde(default)]
    pub minutes: Option<i64>,
    /// ...or by this many calendar days, keeping its wall-clock time across a change of the
    /// clocks ("snooze 3 days": 10:00 stays 10:00)...
    #[serde(default)]
    pub days: Option<i64>,
    /// ...or move it to this instant (RFC 3339 with an offset), a time the person named:
    /// kept even in their quiet hours.
    #[serde(default)]
    pub until: Option<String>,
}

/// Arguments naming one reminder.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReminderIdParams {
    /// Id of the reminder, as `list_reminders` reports it.
    pub reminder_id: i64,
}

/// When the person wants to be nudged, as tools read and write it. Times are local `HH:MM`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NudgeSettings {
    /// Start of the quiet hours, in which automatic nudges wait (e.g. "22:00").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_start: Option<String>,
    /// End of the quiet hours (e.g. "08:00"); they may run across midnight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quiet_end: Option<String>,
    /// Days without news before a follow-up nudge (1–92).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_days: Option<i64>,
    /// Hour of day (0–23), the evening before an interview, of the preparation nudge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prep_hour: Option<i64>,
}

impl From<NudgePreferences> for NudgeSettings {
    fn from(p: NudgePreferences) -> Self {
        Self {
            quiet_start: Some(p.quiet_start.format("%H:%M").to_string()),
            quiet_end: Some(p.quiet_end.format("%H:%M").to_string()),
            follow_up_days: Some(i64::from(p.follow_up_days)),
            prep_hour: Some(i64::from(p.prep_hour)),
        }
    }
}

fn time_of_day(value: &str, name: &str) -> Result<NaiveTime, ErrorData> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M").map_err(|_| {
        ErrorData::invalid_params(
            format!("{name} must be a time like 22:00, not {value:?}"),
            None,
        )
    })
}

/// The longest snooze accepted, in days: a year. The core keeps the person's snoozes to it.
pub(crate) const MAX_SNOOZE_DAYS: i64 = 366;
/// The longest snooze accepted, in minutes.
const MAX_SNOOZE_MINUTES: i64 = MAX_SNOOZE_DAYS * 24 * 60;

#[tool_router(router = reminders_router, vis = "pub(super)")]
impl BuiltinTools {
    /// Create a reminder at a time; it keeps its local wall time in its zone across DST.
    #[tool(
        name = "create_reminder",
        annotations(
            title = "Create a reminder",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false
        )
    )]
    async fn create(
        &self,
        Parameters(p): Parameters<CreateParams>,
    ) -> Result<Json<ReminderView>, ErrorData> {
        let what = text(&p.text, "text")?;
        let when = parse_when(&p.when, "when")?;
        let zone = match p.timezone.as_deref() {
            Some(name) => name.parse::<Tz>().map_err(|_| {
                ErrorData::invalid_params(
                    format!("unknown timezone {name:?}: use an IANA name like Europe/Zurich"),
                    None,
                )
            })?,
            None => self.tz,
        };
        if let Some(app) = p.application_id {
            self.store
                .application(self.user_id, app)
                .await
                .map_err(internal)?
                .ok_or_else(|| not_found("application", app))?;
        }
        let new = match p.repeat.as_deref() {
            Some(_) if p.keep_instant => {
                return Err(ErrorData::invalid_params(
                    "a repeating reminder keeps its wall time: `keep_instant` is for one-off timers",
                    None,
                ));
            }
            Some(rule) => {
                let rule = Recurrence::parse(rule)
                    .map_err(|e| ErrorData::invalid_params(e.to_string(), None))?;
                let start = match when {
                    When::Instant(at) => at.with_timezone(&zone).naive_local(),
                    When::Wall(wall) => wall,
                };
                let first = rule.first_from(start).ok_or_else(|| {
                    ErrorData::invalid_params("that rule has no occurrence after `when`", None)
                })?;
                NewReminder {
                    kind: "recurring".into(),
                    rrule: Some(rule.as_str().to_owned()),
                    ..NewReminder::custom(what, zone, first)
                }
            }
            None => match when {
                When::Instant(at) => NewReminder::custom_at(what, zone, at, p.keep_instant),
                When::Wall(wall) if p.keep_instant => {
                    NewReminder::custom_at(what, zone, resolve_local(zone, wall).to_utc(), true)
                }
                When::Wall(wall) => NewReminder::custom(what, zone, wall),
            },
        };
        let reminder = self
            .store
            .insert_reminder(
                self.user_id,
                &NewReminder {
                    application_id: p.application_id,
                    ..new
                },
            )
            .await
            .map_err(internal)?;
        Ok(Json((&reminder).into()))
    }

    /// List the pending reminders (or all with include_closed), soonest first.
    #[tool(
        name = "list_reminders",
        annotations(
            title = "List reminders",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn list(
        &self,
        Parameters(p): Parameters<ListRemindersParams>,
    ) -> Result<Json<ReminderList>, ErrorData> {
        let reminders = self
            .store
            .list_reminders(self.user_id, p.include_closed)
            .await
            .map_err(internal)?;
        Ok(Json(ReminderList {
            count: i64::try_from(reminders.len()).unwrap_or(i64::MAX),
            reminders: reminders.iter().map(ReminderView::from).collect(),
        }))
    }

    /// Snooze a pending reminder: by some minutes, by whole days, or until a given instant.
    #[tool(
        name = "snooze_reminder",
        annotations(
            title = "Snooze a reminder",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false
        )
    )]
    async fn snooze(
        &self,
        Parameters(p): Parameters<SnoozeParams>,
    ) -> Result<Json<ReminderView>, ErrorData> {
        let current = self
            .store
            .reminder(self.user_id, p.reminder_id)
            .await
            .map_err(internal)?
            .filter(|r| matches!(r.state, ReminderState::Pending | ReminderState::Fired))
            .ok_or_else(|| not_found("pending reminder", p.reminder_id))?;
        if current.rrule.is_some() {
            // Its wall time anchors the series: moving it would move every later occurrence.
            return Err(ErrorData::invalid_params(
                "a repeating reminder cannot be snoozed (it would move the whole series); \
                 complete this occurrence or create a one-off reminder",
                None,
            ));
        }
        let now = chrono::Utc::now();
        // From now when it already fired, so a snooze never lands in the past.
        let from = current.due_at.max(now);
        let until = match (p.minutes, p.days, p.until.as_deref()) {
            (Some(minutes), None, None) if (1..=MAX_SNOOZE_MINUTES).contains(&minutes) => {
                from + Duration::minutes(minutes)
            }
            (None, Some(days), None) if (1..=MAX_SNOOZE_DAYS).contains(&days) => {
                later_by(from, days * 86_400, current.timezone)
            }
            (None, None, Some(until)) => parse_instant(until, "until")?.with_timezone(&chrono::Utc),
            _ => {
                return Err(ErrorData::invalid_params(
                    format!(
                        "give one of minutes (1..={MAX_SNOOZE_MINUTES}), days \
                         (1..={MAX_SNOOZE_DAYS}) or until"
                    ),
                    None,
                ));
            }
        };
        if until <= now {
            return Err(ErrorData::invalid_params(
                "until is already past: a snooze must end in the future",
                None,
            ));
        }
        let reminder = self
            .store
            .reschedule_reminder(self.user_id, p.reminder_id, until, p.until.is_some())
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("pending reminder", p.reminder_id))?;
        Ok(Json((&reminder).into()))
    }

    /// Mark a pending reminder as done. A recurring one goes on: its latest nudge is
    /// answered (`answered_nudge_at`) and it stays pending for its next occurrence.
    #[tool(
        name = "complete_reminder",
        annotations(
            title = "Complete a reminder",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true
        )
    )]
    async fn complete(
        &self,
        Parameters(p): Parameters<ReminderIdParams>,
    ) -> Result<Json<ReminderView>, ErrorData> {
        self.close(p.reminder_id, ReminderState::Done).await
    }

    /// Cancel a pending reminder; it will not fire.
    #[tool(
        name = "cancel_reminder",
        annotations(
            title = "Cancel a reminder",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true
        )
    )]
    async fn cancel(
        &self,
        Parameters(p): Parameters<ReminderIdParams>,
    ) -> Result<Json<ReminderView>, ErrorData> {
        self.close(p.reminder_id, ReminderState::Cancelled).await
    }

    /// Read the person's nudge settings: quiet hours, follow-up interval, interview-prep hour.
    #[tool(
        name = "get_nudge_settings",
        annotations(
            title = "Nudge settings",
            read_only_hint = true,
            open_world_hint = false
        )
    )]
    async fn get_settings(&self) -> Result<Json<NudgeSettings>, ErrorData> {
        Ok(Json(self.nudge_preferences().await?.into()))
    }

    /// Change some of the person's nudge settings; fields left out keep their value.
    /// Returns all settings as they now are.
    #[tool(
        name = "set_nudge_settings",
        annotations(
            title = "Change nudge settings",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true
        )
    )]
    async fn set_settings(
        &self,
        Parameters(p): Parameters<NudgeSettings>,
    ) -> Result<Json<NudgeSettings>, ErrorData> {
        let mut prefs = self.nudge_preferences().await?;
        if let Some(start) = &p.quiet_start {
            prefs.quiet_start = time_of_day(start, "quiet_start")?;
        }
        if let Some(end) = &p.quiet_end {
            prefs.quiet_end = time_of_day(end, "quiet_end")?;
        }
        if let Some(days) = p.follow_up_days {
            prefs.follow_up_days = u32::try_from(days)
                .ok()
                .filter(|d| (1..=MAX_FOLLOW_UP_DAYS).contains(d))
                .ok_or_else(|| {
                    ErrorData::invalid_params(
                        format!("follow_up_days must be between 1 and {MAX_FOLLOW_UP_DAYS}"),
                        None,
                    )
                })?;
        }
        if let Some(hour) = p.prep_hour {
            prefs.prep_hour = u32::try_from(hour)
                .ok()
                .filter(|h| *h <= 23)
                .ok_or_else(|| ErrorData::invalid_params("prep_hour must be 0–23", None))?;
        }
        self.store
            .set_nudge_preferences(self.user_id, prefs)
            .await
            .map_err(internal)?;
        Ok(Json(prefs.into()))
    }
}

impl BuiltinTools {
    async fn close(&self, id: i64, state: ReminderState) -> Result<Json<ReminderView>, ErrorData> {
        let reminder = self
            .store
            .close_reminder(self.user_id, id, state)
            .await
            .map_err(internal)?
            .ok_or_else(|| not_found("pending reminder", id))?;
        Ok(Json((&reminder).into()))
    }
}

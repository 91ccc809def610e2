//! Understanding: free text to an [`Intent`] with typed [`Slots`], without any LLM.
//!
//! Slash commands are parsed exactly; everything else goes through ordered rules over the
//! lower-cased text (see `rules`), with time expressions resolved in the person's IANA zone
//! (see `time`). The names of intents and slots are those of `shared/eval/CONTRACT.md`.

/// A lazily compiled, process-wide regex: `regex!(NAME, r"…")`, optionally with a visibility.
macro_rules! regex {
    ($vis:vis $name:ident, $re:expr) => {
        $vis static $name: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new($re).expect("understanding regex is valid")
        });
    };
}

mod commands;
pub use commands::COMMANDS;
mod company;
mod lexicon;
mod names;
pub mod repeat;
mod rules;
mod slots;
pub mod time;

pub use lexicon::city_timezone;
pub use slots::{status_word, zone_of_place};

use crate::tracker::Status;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// What the person wants done. Contract names, plus `show_application` (one application's
/// timeline), `add_note`, `remove_application`, and `unknown` when nothing fits well enough to act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    TrackApplication,
    UpdateApplication,
    ListApplications,
    ShowApplication,
    AddNote,
    RemoveApplication,
    SearchJobs,
    AnalyzeResume,
    CoverLetter,
    InterviewPrep,
    CareerAdvice,
    SetReminder,
    ListReminders,
    Snooze,
    SetTimezone,
    /// Quiet hours, follow-up interval, interview-prep hour (not in the contract).
    NudgeSettings,
    /// No more automatic nudges about one application (not in the contract).
    StopNudging,
    /// Automatic nudges about one application again (not in the contract).
    ResumeNudging,
    /// Cancel one of the person's reminders, by number or by what it is about (not in the
    /// contract).
    CancelReminder,
    /// Mark one of the person's reminders done, by number or by what it is about (not in
    /// the contract).
    CompleteReminder,
    ExportData,
    DeleteData,
    Help,
    Smalltalk,
    Unknown,
}

impl Intent {
    /// The contract name.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::TrackApplication => "track_application",
            Intent::UpdateApplication => "update_application",
            Intent::ListApplications => "list_applications",
            Intent::ShowApplication => "show_application",
            Intent::AddNote => "add_note",
            Intent::RemoveApplication => "remove_application",
            Intent::SearchJobs => "search_jobs",
            Intent::AnalyzeResume => "analyze_resume",
            Intent::CoverLetter => "cover_letter",
            Intent::InterviewPrep => "interview_prep",
            Intent::CareerAdvice => "career_advice",
            Intent::SetReminder => "set_reminder",
            Intent::ListReminders => "list_reminders",
            Intent::Snooze => "snooze",
            Intent::SetTimezone => "set_timezone",
            Intent::NudgeSettings => "nudge_settings",
            Intent::StopNudging => "stop_nudging",
            Intent::ResumeNudging => "resume_nudging",
            Intent::CancelReminder => "cancel_reminder",
            Intent::CompleteReminder => "complete_reminder",
            Intent::ExportData => "export_data",
            Intent::DeleteData => "delete_data",
            Intent::Help => "help",
            Intent::Smalltalk => "smalltalk",
            Intent::Unknown => "unknown",
        }
    }
}

/// An amount of money someone mentioned ("120k CHF", "$95,000").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Money {
    /// The number in whole units, with a "k" multiplied out ("120k" is 120000).
    pub amount: f64,
    /// ISO 4217 code when a currency was said or implied by a symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// The typed slots of an intent; which ones apply depends on the intent (see the contract).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Slots {
    /// The employer named, spelled as stored when it is one the person already tracks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The job title named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Local date something happened (when applied).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// A link given, such as the posting's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An application status: the new one for an update, the filter for a list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// An instant, with the person's UTC offset at that instant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<DateTime<FixedOffset>>,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    /// IANA zone name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Where the person wants to work, for a job search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// For a job search: `true` for remote work, `false` for on-site only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remote: Option<bool>,
    /// What a reminder is about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// An amount of money mentioned, such as a salary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub money: Option<Money>,
    /// An application referred to by number (`#12`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<i64>,
    /// A reminder referred to by number ("cancel reminder #4").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_id: Option<i64>,
    /// How a reminder repeats, as an RFC 5545 RRULE (`FREQ=WEEKLY;BYDAY=MO`); `when` is
    /// then its first occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<String>,
    /// `when` was counted from now by the clock ("in 2 hours"): a timer, kept at its instant
    /// if the person moves to another zone. Not in the contract's output.
    #[serde(skip)]
    pub from_now: bool,
    /// The time of day said for `when`, when the clocks skip it that day (spring forward),
    /// so `when` is later: the person is told. Not in the contract's output.
    #[serde(skip)]
    pub skipped_time: Option<NaiveTime>,
    /// The time of day of `when`, when it was said with no day ("move it to 3pm"): a
    /// reminder moved to it keeps its own day. Not in the contract's output.
    #[serde(skip)]
    pub time_alone: Option<NaiveTime>,
    /// The day of `when`, when it was said with no time of day ("move it to Friday"): a
    /// reminder moved to it keeps its own time. Not in the contract's output.
    #[serde(skip)]
    pub day_alone: Option<NaiveDate>,
    /// `when`'s day was named "tomorrow" (see the time resolver's `Resolved::tomorrow`). Not
    /// in the contract's output.
    #[serde(skip)]
    pub tomorrow: bool,
}

/// The reading of one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Understanding {
    /// What the person wants done; [`Intent::Unknown`] when nothing fits.
    pub intent: Intent,
    /// The details picked out of the text for that intent.
    pub slots: Slots,
    /// 0..1; below [`CONFIDENT`] the dialogue asks instead of acting.
    pub confidence: f32,
    /// Which rule decided the intent, for `--explain` and logs.
    pub rule: &'static str,
}

/// Confidence needed to act without asking.
pub const CONFIDENT: f32 = 0.6;

/// What understanding needs besides the text: the reference instant, the person's zone,
/// and the companies they already track (so "stripe rejected me" finds Stripe even in
/// lower case).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The instant that relative times ("tomorrow", "in an hour") count from.
    pub now: DateTime<Utc>,
    /// The person's zone, in which dates and wall times are read.
    pub tz: Tz,
    /// The companies the person already tracks, spelled as stored.
    pub companies: &'a [String],
}

/// Read one message. Pure, allocation-light and deterministic: same input, same output.
pub fn understand(text: &str, ctx: &Context<'_>) -> Understanding {
    let trimmed = text.trim();
    if let Some(command) = commands::parse(trimmed, ctx) {
        return command;
    }
    rules::classify(trimmed, ctx)
}

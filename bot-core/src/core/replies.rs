//! The words the bot says, in one place so tone stays consistent.

use super::Answer;
use crate::message::Outbound;
use crate::store::Application;
use crate::tracker::{Status, title};
use crate::understand::{COMMANDS, Intent};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use regex::Regex;
use std::sync::LazyLock;

pub(crate) const ASK_TIMEZONE: &str = "Which timezone are you in? Name a city (e.g. Zurich, New York) \
     or an IANA zone (e.g. Europe/Zurich), so I get your times right.";
pub(crate) const UNKNOWN_TIMEZONE: &str = "I don't know that place's timezone. Try a larger city nearby \
     or an IANA zone name such as Europe/Zurich or America/New_York.";
/// Why "every 2 hours" is not set, and what to say instead.
pub(crate) const AT_MOST_DAILY: &str = "I can repeat a reminder at most once a day — e.g. \
     \"every day at 9am …\" or \"every weekday at 2pm …\". For a single one, say e.g. \
     \"in 2 hours …\".";
pub(crate) const STALE_BUTTON: &str =
    "That button is no longer active — the question it answered was already settled.";

/// Requests that waited for the timezone but could not go on once another question was
/// asked: the person says them again when it is settled.
pub(crate) fn say_again(requests: &[String]) -> String {
    let quoted: Vec<String> = requests.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "Once that's settled, say again what else you asked: {}.",
        quoted.join(", ")
    )
}

/// The timezone question, asked again after answering something else meanwhile: the
/// request that needs it is still waiting.
pub(crate) fn still_need_timezone(waiting: &str) -> String {
    format!(
        "I still need your timezone for \"{waiting}\" — which city are you in? (Or say \"never mind\".)"
    )
}

/// Files the adapter refused, each with its reason.
pub(crate) fn refused_files(files: &[crate::message::RefusedFile]) -> Answer {
    let lines: Vec<String> = files
        .iter()
        .map(|f| format!("I can't take \"{}\": {}.", f.file_name, f.reason))
        .collect();
    Answer {
        intent: Intent::AnalyzeResume,
        messages: vec![Outbound::text(lines.join("\n"))],
        redact_inbound: false,
    }
}

/// Documents received without words: acknowledged honestly (reading them comes later).
pub(crate) fn attachments_received(files: &[crate::message::Attachment]) -> Answer {
    let names: Vec<String> = files
        .iter()
        .map(|f| format!("\"{}\" ({} KB)", f.file_name, f.bytes.len().div_ceil(1024)))
        .collect();
    Answer {
        intent: Intent::AnalyzeResume,
        messages: vec![Outbound::text(format!(
            "📄 Got {}. Reading résumés and postings isn't available in this version yet, so I \
             haven't kept it.",
            names.join(", ")
        ))],
        redact_inbound: false,
    }
}

pub(crate) fn too_long(length: usize, limit: usize) -> Answer {
    Answer {
        intent: Intent::Unknown,
        messages: vec![Outbound::text(format!(
            "That message is {length} characters long; I read up to {limit} at a time. \
             Could you send the important part on its own?"
        ))],
        redact_inbound: false,
    }
}

fn normalised(text: &str) -> String {
    text.trim()
        .trim_end_matches(['.', '!'])
        .trim()
        .to_lowercase()
}

pub(crate) fn is_cancel(text: &str) -> bool {
    matches!(
        normalised(text).as_str(),
        "cancel" | "never mind" | "nevermind" | "forget it" | "stop" | "abort" | "/cancel"
    )
}

pub(crate) fn is_yes(text: &str) -> bool {
    matches!(
        normalised(text).as_str(),
        "yes"
            | "y"
            | "yep"
            | "yeah"
            | "sure"
            | "ok"
            | "okay"
            | "add"
            | "add anyway"
            | "add it"
            | "1"
    )
}

/// Yes to deleting something: only an unmistakable yes ("add", "1" or "sure" do not count).
pub(crate) fn is_destructive_yes(text: &str) -> bool {
    matches!(
        normalised(text).as_str(),
        "yes" | "y" | "confirm" | "delete" | "delete it" | "remove" | "remove it" | "yes, delete"
    )
}

pub(crate) fn is_no(text: &str) -> bool {
    matches!(
        normalised(text).as_str(),
        "no" | "n" | "nope" | "don't" | "dont" | "skip" | "2"
    )
}

/// "not yet", "no news", "still waiting": the whole message says there is no news (an
/// answer to "Any news from Stripe?"). A bare "no" or "nothing" is not enough: it may
/// answer something else.
pub(crate) fn is_no_news(text: &str) -> bool {
    static NO_NEWS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(?:(?:no|nope|nah)[,.]?\s*)?(?:not yet|nothing (?:yet|new)|no news(?: yet)?|still (?:nothing|waiting(?: to hear)?)|no word(?: yet)?|(?:i )?haven'?t heard (?:back|anything)(?: yet)?|not heard back(?: yet)?)$",
        )
        .expect("a valid pattern")
    });
    NO_NEWS.is_match(&normalised(text))
}

/// "it", "that one", "them": the message points back at the application last talked about.
pub(crate) fn refers_back(text: &str) -> bool {
    let lower = format!(" {} ", text.to_lowercase());
    [
        " it ",
        " it.",
        " that one",
        " this one",
        " them ",
        " that job",
        " that application",
        " that role",
        " there ",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// An answer to "Which company?" without filler ("It's Stripe." → "Stripe").
pub(crate) fn clean_answer(text: &str) -> String {
    let trimmed = text.trim().trim_end_matches(['.', '!', '?']).trim();
    let lower = trimmed.to_lowercase();
    for prefix in [
        "it's ",
        "it is ",
        "at ",
        "to ",
        "with ",
        "the company is ",
        "company: ",
    ] {
        if lower.starts_with(prefix) {
            return trimmed[prefix.len()..].trim().to_owned();
        }
    }
    trimmed.to_owned()
}

/// A short answer that is probably a place name (so an unknown one deserves a retry).
pub(crate) fn looks_like_place(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=3).contains(&words) && !text.contains('?')
}

/// A title without Markdown, for button labels.
pub(crate) fn plain_title(app: &Application) -> String {
    if app.role.is_empty() {
        format!("#{} {} ({})", app.id, app.company, app.status)
    } else {
        format!(
            "#{} {} — {} ({})",
            app.id, app.company, app.role, app.status
        )
    }
}

pub(crate) fn tracked(app: &Application) -> String {
    let applied = app
        .applied_on
        .map(|d| format!(", applied {d}"))
        .unwrap_or_default();
    format!(
        "Tracked {}{applied}. Tell me when you hear back — e.g. \"{} invited me to an interview\".",
        title(app),
        app.company
    )
}

pub(crate) fn possible_duplicate(existing: &Application) -> String {
    let applied = existing
        .applied_on
        .map(|d| format!(", applied {d}"))
        .unwrap_or_default();
    format!(
        "You already track {} (status {}{applied}). Add another application anyway?",
        title(existing),
        existing.status
    )
}

pub(crate) fn no_such_company(company: &str) -> String {
    format!(
        "I can't find an application at {company}. If it's new, tell me: \"I applied to {company} for …\"."
    )
}

pub(crate) fn status_changed(
    app: &Application,
    from: Status,
    at: Option<DateTime<Utc>>,
    tz: Tz,
) -> String {
    let when = at
        .map(|at| {
            format!(
                " — {}",
                at.with_timezone(&tz).format("%a %d %b %Y, %H:%M %Z")
            )
        })
        .unwrap_or_default();
    let cheer = match app.status {
        Status::Offer => " Congratulations! 🎉",
        Status::Accepted => " Congratulations on the new job! 🎉",
        Status::Rejected => " Sorry to hear that — on to the next one.",
        Status::Interview | Status::Screening => " Good luck!",
        _ => "",
    };
    if from == app.status {
        format!(
            "{} is already at **{}**{when}; I noted it on the timeline.{cheer}",
            title(app),
            app.status.label()
        )
    } else {
        format!(
            "Moved {} from {} to **{}**{when}.{cheer}",
            title(app),
            from.label(),
            app.status.label()
        )
    }
}

pub(crate) fn not_understood() -> String {
    "Sorry, I didn't get that. You can tell me things like:\n\
     - I applied to Stripe for the backend role\n\
     - Google invited me to an interview on Friday at 10am\n\
     - show my applications\n\
     Or type /help for the commands."
        .to_owned()
}

pub(crate) fn help() -> String {
    let mut text = String::from(
        "I keep track of your job applications. Just tell me what happened, for example:\n\
         - I applied to Stripe for the backend role\n\
         - Stripe moved me to interview\n\
         - which companies rejected me?\n\
         - show the Stripe application\n\
         - remind me on Friday at 2pm to check on Datadog\n\
         - stop nudging me about Stripe\n\nCommands:",
    );
    for (name, description) in COMMANDS {
        text.push_str(&format!("\n- /{name} — {description}"));
    }
    text
}

pub(crate) fn smalltalk(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.starts_with("thank")
        || lower.starts_with("thx")
        || lower.starts_with("ty")
        || lower.starts_with("cheers")
    {
        "You're welcome! Good luck with the search.".to_owned()
    } else if lower.starts_with("bye")
        || lower.starts_with("goodbye")
        || lower.starts_with("see you")
        || lower.starts_with("good night")
    {
        "Bye for now — your applications are saved.".to_owned()
    } else if lower.starts_with("hi")
        || lower.starts_with("hello")
        || lower.starts_with("hey")
        || lower.starts_with("good ")
        || lower.starts_with("yo")
        || lower.starts_with("howdy")
    {
        "Hi! Tell me about an application, or type /help to see what I can do.".to_owned()
    } else {
        "👍".to_owned()
    }
}

/// Honest word that a capability is understood but not built yet.
pub(crate) fn not_yet(intent: Intent) -> String {
    let what = match intent {
        Intent::SearchJobs => "Job search",
        Intent::AnalyzeResume => "Résumé analysis",
        Intent::CoverLetter => "Cover letters",
        Intent::InterviewPrep => "Interview practice",
        Intent::CareerAdvice => "Career advice",
        Intent::ExportData => "Data export",
        _ => "That",
    };
    format!(
        "{what} isn't available in this version yet. For now I can track your applications — type /help to see how."
    )
}

pub(crate) fn confirm_remove(app: &Application) -> String {
    format!(
        "Stop tracking {} and delete its timeline? This cannot be undone.",
        title(app)
    )
}

pub(crate) fn confirm_forget(applications: usize) -> String {
    format!(
        "This deletes everything I keep about you: {applications} application(s) with their \
         timelines, your reminders, our conversation history and your settings. \
         It cannot be undone. Delete everything?"
    )
}

pub(crate) fn forgotten(forgotten: &crate::store::Forgotten) -> String {
    format!(
        "Done — I deleted {} application(s), {} reminder(s) and {} message(s). \
         Nothing about you is left except the account id this chat uses to reach you.",
        forgotten.applications, forgotten.reminders, forgotten.messages
    )
}

#[cfg(test)]
mod tests {
    use super::is_no_news;

    #[test]
    fn no_news_is_the_whole_answer() {
        for text in [
            "not yet",
            "No news yet.",
            "nope, nothing yet",
            "still waiting",
            "I haven't heard back",
        ] {
            assert!(is_no_news(text), "{text}");
        }
        for text in [
            "no news from Stripe for weeks, they ghosted me",
            "not yet applied to Google",
            "no",
            "nothing",
        ] {
            assert!(!is_no_news(text), "{text}");
        }
    }
}

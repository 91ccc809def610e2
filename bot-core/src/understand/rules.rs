//! Ordered rules from text to intent and slots. Earlier rules win, so the specific ones
//! ("delete my data", "remind me", "cover letter") come before the broad ones ("show …",
//! status words). Each rule has a name that `--explain` shows.

use super::names::known_company;
use super::slots::{fill_slots, money, status_word, zone_of_place};
use super::{Context, Intent, Slots, Understanding};
use crate::tracker::Status;
use regex::Regex;
use std::sync::LazyLock;

regex!(
    DELETE,
    r"\b(delete|erase|wipe|remove|forget|purge)\b.{0,30}\b(my data|all (of )?my (data|information|info)|my account|everything( you know)?( about me)?|all my|my info|my information)\b|\bforget (about )?me\b|\bdelete (my )?account\b"
);
regex!(
    EXPORT,
    r"\b(export|download|send me|give me|get|have|want)\b.{0,30}\b(my data|all my data|everything|my information|a copy)\b|\bcopy of (?:everything|all|my)\b|^/?export\b|\bexport (my )?(data|applications)\b"
);
regex!(TIMEZONE_WORD, r"\b(?:time ?zone|tz)\b");
regex!(
    pub(super) TIMEZONE_TARGET,
    r"\b(?:time ?zone|tz)\s*(?:is|to|=|:|as)?\s*(?:now\s+)?(?:to\s+)?(.+)$"
);
regex!(
    pub(super) LIVE_IN,
    r"\b(?:i live in|i'm living in|i am living in|i'm in|i am in|im in|i'm based in|i am based in|based in|i moved to|i've moved to|i have moved to|i'm moving to|i'm located in|i am located in|i'm now in|i am now in|i'm currently in|i am currently in|(?:i |i've |i have )?(?:just |recently )?(?:moved|relocated|relocating|moving) to)\s+(.+)$"
);
regex!(
    SNOOZE,
    r"\bsnooze\b|^(?:please\s+)?(?:remind me again|postpone|delay|later)\b"
);
// "move my Anna reminder to Friday", "push it to tomorrow": the reminder moved, not a new
// one set. Only with the word "reminder" or a pushed "it": "move it to offer" is news about
// an application.
regex!(
    RESCHEDULE,
    r"\b(?:move|reschedule|push|shift|change|bump)\b.{0,40}\breminders?\b.{0,40}\b(?:to|until|till)\b|^(?:please\s+)?(?:push|bump)\s+(?:it|that|this)\s+(?:back\s+)?(?:to|until|till)\b"
);
regex!(
    pub(super) REMIND,
    r"\b(remind me|set (?:a |an )?(?:daily |weekly |monthly |yearly |recurring |quick )?reminder|reminder (?:to|for|about)|remember to|don'?t let me forget|ping me|nudge me|alert me|notify me)\b"
);
regex!(
    REMINDER_QUESTION,
    r"^(?:what|which|when|show|list|any|do i have)\b.{0,40}\b(?:reminders?|remind(?:ed)? me (?:about|of)|nudges|scheduled)\b"
);
regex!(
    LIST_REMINDERS,
    r"\b(reminders?|nudges|scheduled|my schedule|my agenda|coming up for me)\b"
);
regex!(
    HELP,
    r"^(?:help|\?|commands|menu|start)\W*$|\b(commands|what can you do|how does this work|how do i use (?:this|you|the bot)|what do you do|what are you)\b"
);
regex!(
    PROGRESS,
    r"\b(moved me (?:forward|on|ahead|along|to the next)|(?:next|following) (?:round|stage|step)|moving (?:forward|ahead) with (?:me|my)|advanced me|progressed|heard back)\b"
);
regex!(
    REMOVE_APPLICATION,
    r"\b(?:delete|remove|drop|untrack|stop tracking)\b.{0,40}\b(?:application|app)\b|^(?:please )?stop tracking\b"
);
regex!(COVER, r"\b(?:cover|covering|motivation(?:al)?) letters?\b");
regex!(
    RESUME,
    r"\b(cv|resume|résumé|curriculum(?: vitae)?)\b|\bkeywords?\b.{0,40}\bmissing\b|\bmissing\b.{0,20}\bkeywords?\b|\bats\b"
);
regex!(
    PREP,
    r"\b(prep|prepare|preparing|practice|practise|rehearse|mock|drill|coach me|get ready|getting ready|expect)\b.{0,60}\b(interviews?|onsite|on-site|questions|behaviou?ral|technical|system design|star|call|screen)\b|\binterview (?:questions|tips|prep|practice)\b|\bhelp me prep\b|\bmock interview\b|\b(?:quiz|grill|drill|test) me\b|\bquestions (?:will|do|does|might|would|could|to expect|they)\b.{0,60}\b(?:ask|interview)|\bhelp me (?:to )?prep(?:are)?\b"
);
regex!(
    QUESTION_START,
    r"^(?:can you |could you |please )?(show|list|see|view|display|give me|what|which|who|how many|where|any|tell me|remind me of)\b"
);
// A question that asks for applications by status ("who ghosted me?", "list the jobs I
// withdrew from") rather than reporting one.
regex!(
    STATUS_QUESTION,
    r"^(?:can you |could you |please )?(?:show|list|which|who|how many|display|view|give me)\b|^(?:what|any)\b.*\?\s*$"
);
regex!(
    ADVICE_QUESTION,
    r"^(?:should i|how (?:do|should|can|would) i|how to|is it (?:bad|ok|okay|normal|wise|smart|weird|rude|fine|too|worth)|what should i do|would it be|do you think i should|is .{1,40} worth it)\b|\bgood idea or\b"
);
regex!(
    APPS_NOUN,
    r"\b(applications?|apps|pipeline|companies|interviews|offers|rejections|jobs (?:i|i've|i have) applied|overview|tracker|statuses)\b"
);
regex!(
    MY_APPS,
    r"\b(my|all)\b.{0,20}\b(applications|apps|pipeline)\b"
);
regex!(
    TRACK,
    r"\b(?:i(?:'ve| have)? (?:just )?applied|just applied|i (?:did|have) appl(?:y|ied)|applied (?:to|at|with|for)|^applied\b|sent (?:off |in |over |out )?(?:my|an|the) (?:application|cv|resume)|hit (?:submit|send) on|submitted (?:my |an |the )?application|log (?:an |my |a new |this )?application|track (?:an |my |a new |this )?(?:application|job)|^(?:please )?(?:track|log|save|add) (?:this|that|it)\b|add (?:an |a new )?application|new application|application (?:to|at|for|with)|applying (?:to|at|for|with))\b"
);
regex!(
    SEARCH,
    r"\b(find|search|look(?:ing)? for|hunting for|show me|any|browse|are there)\b.{0,60}\b(jobs?|roles?|positions?|openings?|vacanc(?:y|ies)|gigs?|postings?)\b|\b(?:i want|i'd like|i would like|looking for|i need) (?:a |an )?(?:new )?(?:job|role|position|work) as\b|\bjobs? (?:in|near)\b|^(?:remote |hybrid |onsite |senior |junior )?[\w+#./ -]{2,40}\b(?:jobs|roles|positions|openings|vacancies)(?: (?:in|near) [\w ]+)?\W*$|^(?:job|jobs|role) search\b|\bi (?:search|am searching|seek|am seeking|am looking for|look for) (?:for )?(?:work|a job|job|jobs|a position|a role|employment)\b"
);
regex!(
    ADVICE,
    r"\b(how (?:do|should|can|to|would) i|should i|advice|tips?|negotiat\w*|raise|salary|promotion|career|resign|quit|burn ?out|switch (?:jobs|careers|fields)|imposter|network(?:ing)?|linkedin|gap in my|counter ?offer|freelanc\w*|thinking (?:about|of) (?:going|quitting|leaving|switching|changing|moving)|worth (?:it|switching))\b"
);
regex!(
    SMALLTALK,
    r"^(haha\w*|hehe\w*|lmao|:\)|hi|hello|hey|yo|hiya|howdy|good (?:morning|afternoon|evening)|thanks?|thank you|thx|ty|cheers|bye|goodbye|see you|how are you|ok|okay|cool|great|nice|awesome|lol|sure|nice one|good night)\b"
);
regex!(
    SHOW,
    r"\b(status of|how(?:'s| is) (?:my |the )?\w+ (?:application|going)|details (?:of|for|on)|timeline (?:of|for)|show (?:me )?(?:the |my )?[\w&.' -]{1,40} application)\b"
);

/// Status cues in updates, most specific first.
static STATUS_CUES: LazyLock<Vec<(Regex, Status)>> = LazyLock::new(|| {
    [
        (r"\b(accepted|accept|said yes|i start (?:in|on|next)|starting (?:in|on) (?:january|february|march|april|may|june|july|august|september|october|november|december|monday)|signed|signing|i'?m joining|i will join|i'll join)\b", Status::Accepted),
        (r"\b(withdr[ae]w\w*|pulled (?:out|my application)|dropp(?:ed|ing) out|backed out|no longer interested)\b", Status::Withdrawn),
        (r"\b(rejected|rejection|unfortunately|other candidates|decided not to|turned me down|declined me|declined my|not moving forward|won'?t be moving|didn'?t get|did not get|no longer considering|said no|not selected|unsuccessful|passed on me)\b", Status::Rejected),
        (r"\b(ghosted|never heard back|no response|haven'?t heard|radio silence|no news)\b", Status::Ghosted),
        (r"\b(offer|offered me)\b", Status::Offer),
        (r"\b(phone screen|recruiter screen|hr screen|screen with|screening|screen call|recruiter call|hr call|intro call|called me|called|reached out|phone call)\b", Status::Screening),
        (r"\b(interview\w*|onsite|on-site|final round|technical round|second round|panel|invited me|take-home|take home)\b", Status::Interview),
    ]
    .into_iter()
    .map(|(re, status)| (Regex::new(re).expect("status cue regex is valid"), status))
    .collect()
});

regex!(
    NUDGE_SETTINGS,
    r"\bquiet hours?\b|\b(?:don'?t|do not|never) (?:message|nudge|ping|text|remind|bother) me (?:after|before|between|at night)\b|\bno (?:nudges|messages|pings|reminders|notifications) (?:after|before)\b|\bfollow[- ]?ups? (?:after|every) \d+ days?\b|\bnudge settings\b"
);

// "stop nudging me about Stripe", "no more follow-ups for Datadog", "don't remind me about
// Globex": the automatic nudges of one application. Reminders the person set are cancelled
// one by one instead ("cancel the Datadog reminder").
regex!(
    STOP_NUDGING,
    r"^(?:please )?(?:stop|quit|pause|mute) (?:nudging|the nudges|the follow[- ]?ups)(?: me)?\W*$|\b(?:stop|quit|pause|mute|turn off|switch off|disable)\b.{0,25}\b(?:nudg(?:e|es|ing)|follow[- ]?ups|reminding|reminders)\b.{0,12}\b(?:about|for|on|from|re)\b|\b(?:no more|don'?t|do not|never)\b.{0,12}\b(?:nudg(?:e|es|ing)|follow[- ]?ups|remind(?:ing)?|reminders)\b(?: me)?\s+(?:about|for|on|re)\b"
);
// "nudge me about Stripe again", "resume the follow-ups for Datadog".
regex!(
    RESUME_NUDGING,
    r"\b(?:resume|restart|re-?enable|unmute|turn (?:back )?on|switch (?:back )?on)\b.{0,12}\b(?:nudg(?:e|es|ing)|follow[- ]?ups|reminders)\b.{0,12}\b(?:about|for|on|from)\b|\bnudg(?:e|ing) me about\b.{1,40}\bagain\b|\b(?:nudges|follow[- ]?ups)\b.{1,30}\bback on\b"
);
// "cancel reminder #4", "delete the Datadog reminder", "remove my reminder about Anna".
regex!(
    CANCEL_REMINDER,
    r"\b(?:cancel|delete|remove|drop|clear|scrap|kill)\b.{0,40}\b(?:reminders?|follow[- ]?ups?)\b"
);

// "done with the portfolio reminder", "mark reminder #4 as done".
regex!(
    COMPLETE_REMINDER,
    r"\b(?:done|finished|completed)\b.{0,30}\breminders?\b|\bmark\b.{0,40}\breminders?\b.{0,15}\b(?:done|complete|completed|finished)\b"
);
// "done", "I did it", "mark it done": the whole message, an answer to the nudge waiting.
regex!(
    DONE_ANSWER,
    r"^(?:(?:ok|okay|yes|yep|yeah)[,!.]?\s+)?(?:done|all done|i'?m done|it'?s done|did it|i did it|i've done it|finished|finished it|completed|mark (?:it|that|this) (?:as )?(?:done|complete|completed))\s*[.!✅]*$"
);

// "add a note to Stripe: the recruiter is Jane", "note for #3 - ask about equity",
// "Stripe note: salary range 150-180k": the application (a few words, or its number) and
// the note after a colon or a dash.
regex!(
    pub(super) NOTE,
    r"^(?:please\s+)?(?:(?:add|make|put|leave|write)\s+)?(?:a\s+)?notes?\s+(?:to|for|on|about)\s+(?:my\s+|the\s+)?((?:\S+\s+){0,3}?\S+?)(?:\s+(?:application|app|one))?\s*(?::|\s-|\s–|\s—)\s*(.+)$|^((?:\S+\s+){0,2}?\S+?)\s+notes?\s*:\s*(.+)$"
);

// "show Stripe", "open #3" (only for an application the person tracks, see `classify`).
regex!(
    SHOW_BARE,
    r"^(?:show|open|view)\s+(?:me\s+)?(?:my\s+|the\s+)?(#\d+|[\w&.' -]{1,40}?)\s*[.!?]*$"
);

regex!(APPLIED_VERB, r"\b(?:applied|applying|sent|submitted)\b");

regex!(
    pub(super) MARK_AS,
    r"\b(?:mark|move|set|update|put|change)\s+(.+?)\s+(?:as|to|into)\s+(?:a |an )?(\w+)"
);

struct Rule {
    name: &'static str,
    intent: Intent,
    confidence: f32,
    matches: fn(&str) -> bool,
}

/// The rules in the order they are tried. The text they see is ASCII-lowercased.
const RULES: &[Rule] = &[
    Rule {
        name: "nudge-settings",
        intent: Intent::NudgeSettings,
        confidence: 0.9,
        matches: |t| NUDGE_SETTINGS.is_match(t),
    },
    // Before the status words: a note's text may say "rejected" without being news.
    Rule {
        name: "add-note",
        intent: Intent::AddNote,
        confidence: 0.9,
        matches: |t| NOTE.is_match(t),
    },
    Rule {
        name: "resume-nudging",
        intent: Intent::ResumeNudging,
        confidence: 0.85,
        matches: |t| RESUME_NUDGING.is_match(t),
    },
    Rule {
        name: "stop-nudging",
        intent: Intent::StopNudging,
        confidence: 0.85,
        matches: |t| STOP_NUDGING.is_match(t),
    },
    Rule {
        name: "complete-reminder",
        intent: Intent::CompleteReminder,
        confidence: 0.85,
        matches: |t| {
            COMPLETE_REMINDER.is_match(t) && !t.contains("remind me") || DONE_ANSWER.is_match(t)
        },
    },
    // Before "delete my data": "delete all my reminders" is not about the account.
    Rule {
        name: "cancel-reminder",
        intent: Intent::CancelReminder,
        confidence: 0.85,
        matches: |t| {
            CANCEL_REMINDER.is_match(t) && !t.contains("remind me") && !t.contains("set a reminder")
        },
    },
    Rule {
        name: "remove-application",
        intent: Intent::RemoveApplication,
        confidence: 0.85,
        matches: |t| REMOVE_APPLICATION.is_match(t) && !t.contains(" all "),
    },
    Rule {
        name: "delete-data",
        intent: Intent::DeleteData,
        confidence: 0.95,
        matches: |t| DELETE.is_match(t),
    },
    Rule {
        name: "export-data",
        intent: Intent::ExportData,
        confidence: 0.95,
        matches: |t| EXPORT.is_match(t),
    },
    Rule {
        name: "snooze",
        intent: Intent::Snooze,
        confidence: 0.9,
        // A move said within one clause: "move Stripe to interview and set a reminder to
        // prep" is news and a new reminder, not a reminder moved.
        matches: |t| {
            SNOOZE.is_match(t)
                || RESCHEDULE
                    .find(t)
                    .is_some_and(|m| !m.as_str().contains(" and ") && !m.as_str().contains(','))
        },
    },
    Rule {
        name: "reminder-question",
        intent: Intent::ListReminders,
        confidence: 0.85,
        matches: |t| REMINDER_QUESTION.is_match(t),
    },
    Rule {
        name: "remind",
        intent: Intent::SetReminder,
        confidence: 0.9,
        matches: |t| REMIND.is_match(t),
    },
    Rule {
        name: "timezone-word",
        intent: Intent::SetTimezone,
        confidence: 0.9,
        matches: |t| TIMEZONE_WORD.is_match(t),
    },
    Rule {
        name: "cover-letter",
        intent: Intent::CoverLetter,
        confidence: 0.9,
        matches: |t| COVER.is_match(t),
    },
    Rule {
        name: "interview-prep",
        intent: Intent::InterviewPrep,
        confidence: 0.85,
        matches: |t| PREP.is_match(t),
    },
    Rule {
        name: "help",
        intent: Intent::Help,
        confidence: 0.9,
        matches: |t| HELP.is_match(t),
    },
    Rule {
        name: "list-reminders",
        intent: Intent::ListReminders,
        confidence: 0.85,
        matches: |t| {
            QUESTION_START.is_match(t) && LIST_REMINDERS.is_match(t)
                || t.starts_with("my reminders")
        },
    },
    Rule {
        name: "show-application",
        intent: Intent::ShowApplication,
        confidence: 0.75,
        matches: |t| SHOW.is_match(t) && !MY_APPS.is_match(t),
    },
    Rule {
        name: "list-applications",
        intent: Intent::ListApplications,
        confidence: 0.85,
        matches: |t| {
            QUESTION_START.is_match(t) && APPS_NOUN.is_match(t)
                || MY_APPS.is_match(t)
                || STATUS_QUESTION.is_match(t) && status_cue(t).is_some()
        },
    },
    Rule {
        name: "track",
        intent: Intent::TrackApplication,
        confidence: 0.9,
        // "withdraw my application to UBS" reports news about one, it does not add one.
        matches: |t| TRACK.is_match(t) && (APPLIED_VERB.is_match(t) || !is_strong_news(t)),
    },
    Rule {
        name: "resume",
        intent: Intent::AnalyzeResume,
        confidence: 0.85,
        matches: |t| RESUME.is_match(t),
    },
    Rule {
        name: "advice-question",
        intent: Intent::CareerAdvice,
        confidence: 0.8,
        matches: |t| ADVICE_QUESTION.is_match(t),
    },
    Rule {
        name: "mark-as",
        intent: Intent::UpdateApplication,
        confidence: 0.9,
        matches: |t| {
            MARK_AS
                .captures(t)
                .is_some_and(|c| status_word(&c[2]).is_some())
        },
    },
    Rule {
        name: "status-cue",
        intent: Intent::UpdateApplication,
        confidence: 0.8,
        matches: |t| status_cue(t).is_some(),
    },
    // "they moved me forward": an update whose new status the dialogue asks for.
    Rule {
        name: "progress",
        intent: Intent::UpdateApplication,
        confidence: 0.8,
        matches: |t| PROGRESS.is_match(t),
    },
    Rule {
        name: "search",
        intent: Intent::SearchJobs,
        confidence: 0.85,
        matches: |t| SEARCH.is_match(t),
    },
    Rule {
        name: "live-in",
        intent: Intent::SetTimezone,
        confidence: 0.8,
        matches: |t| {
            LIVE_IN
                .captures(t)
                .is_some_and(|c| zone_of_place(&c[1]).is_some())
        },
    },
    Rule {
        name: "advice",
        intent: Intent::CareerAdvice,
        confidence: 0.7,
        matches: |t| ADVICE.is_match(t),
    },
    Rule {
        name: "smalltalk",
        intent: Intent::Smalltalk,
        confidence: 0.8,
        matches: |t| SMALLTALK.is_match(t),
    },
];

/// The status a cue in the text names, most specific first.
pub(super) fn status_cue(lower: &str) -> Option<Status> {
    STATUS_CUES
        .iter()
        .find(|(re, _)| re.is_match(lower))
        .map(|(_, status)| *status)
}

/// News that closes or decides an application (not just "called" or "interview").
fn is_strong_news(lower: &str) -> bool {
    matches!(
        status_cue(lower),
        Some(
            Status::Accepted
                | Status::Withdrawn
                | Status::Rejected
                | Status::Ghosted
                | Status::Offer
        )
    )
}

// Openers that carry no meaning for the request: "ok so", "ugh", "fyi", "can you".
regex!(
    FILLER,
    r"^(?:(?:ok(?:ay)?|so|well|ugh+|yay+|wow|fyi|btw|hey|hi|hmm+|um+|oh|also|and|pls|please|quick update|lol|haha|can you|could you|would you)\b[\s,:!.-]*|(?:update|news)\s*:\s*)+"
);

/// Apply the rules to one trimmed message.
pub(crate) fn classify(full: &str, ctx: &Context<'_>) -> Understanding {
    let full_lower = full.to_ascii_lowercase();
    // Read past chatty openers; if the opener was the whole message ("hey there"), read it
    // whole instead.
    let skip = FILLER.find(&full_lower).map_or(0, |m| m.end());
    let first_rule = |lower: &str| RULES.iter().find(|rule| (rule.matches)(lower));
    let (text, lower, rule) = match first_rule(&full_lower[skip..]) {
        Some(rule) if skip < full.len() => {
            (&full[skip..], full_lower[skip..].to_owned(), Some(rule))
        }
        _ => (full, full_lower.clone(), first_rule(&full_lower)),
    };
    let Some(rule) = rule else {
        // "show Stripe", "open #3": a bare show naming an application the person tracks.
        if let Some(c) = SHOW_BARE.captures(&lower) {
            let named = &text[c.get(1).expect("group 1").range()];
            let mut slots = Slots::default();
            super::commands::set_target(&mut slots, named);
            // Only a company the person tracks: "show Google" is not one of theirs.
            slots.company = slots.company.and_then(|said| {
                known_company(&said, ctx).filter(|tracked| tracked.eq_ignore_ascii_case(&said))
            });
            if slots.company.is_some() || slots.application_id.is_some() {
                return Understanding {
                    intent: Intent::ShowApplication,
                    slots,
                    confidence: 0.8,
                    rule: "show-bare",
                };
            }
        }
        return Understanding {
            intent: Intent::Unknown,
            slots: Slots {
                money: money(&lower),
                ..Slots::default()
            },
            confidence: 0.2,
            rule: "none",
        };
    };
    let mut slots = fill_slots(rule.intent, text, &lower, ctx);
    slots.money = money(&lower);
    let mut confidence = rule.confidence;
    // An update we cannot attach to a company is a guess; the dialogue will ask.
    if rule.intent == Intent::UpdateApplication
        && slots.company.is_none()
        && slots.application_id.is_none()
    {
        confidence -= 0.2;
    }
    Understanding {
        intent: rule.intent,
        slots,
        confidence,
        rule: rule.name,
    }
}

#[cfg(test)]
mod tests;

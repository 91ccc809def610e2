//! Ordered rules from text to intent and slots. Earlier rules win, so the specific ones
//! ("delete my data", "remind me", "cover letter") come before the broad ones ("show …",
//! status words). Each rule has a name that `--explain` shows.

use super::company::{Word, capitalised_name, company_after, role_at, words};
use super::lexicon::city_timezone;
use super::time::{self, Bias};
use super::{Context, Intent, Money, Slots, Understanding};
use crate::tracker::Status;
use regex::Regex;
use std::ops::Range;
use std::sync::LazyLock;

macro_rules! regex {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($re).expect("understanding regex is valid"));
    };
}

regex!(
    DELETE,
    r"\b(delete|erase|wipe|remove|forget|purge)\b.{0,30}\b(my data|all (of )?my (data|information|info)|my account|everything( you know)?( about me)?|all my|my info|my information)\b|\bforget (about )?me\b|\bdelete (my )?account\b"
);
regex!(
    EXPORT,
    r"\b(export|download|send me|give me)\b.{0,30}\b(my data|all my data|everything|my information|a copy)\b|^/?export\b|\bexport (my )?(data|applications)\b"
);
regex!(TIMEZONE_WORD, r"\btime ?zone\b");
regex!(
    TIMEZONE_TARGET,
    r"\btime ?zone\s*(?:is|to|=|:|as)?\s*(?:now\s+)?(?:to\s+)?(.+)$"
);
regex!(
    LIVE_IN,
    r"\b(?:i live in|i'm living in|i am living in|i'm in|i am in|im in|i'm based in|i am based in|based in|i moved to|i've moved to|i have moved to|i'm moving to|i'm located in|i am located in|i'm now in|i am now in|i'm currently in|i am currently in)\s+(.+)$"
);
regex!(
    SNOOZE,
    r"^(?:please\s+)?(?:snooze|remind me again|postpone|delay|later)\b"
);
regex!(
    REMIND,
    r"\b(remind me|set (?:a |an )?reminder|reminder (?:to|for|about)|remember to|don'?t let me forget|ping me|nudge me|alert me|notify me)\b"
);
regex!(
    LIST_REMINDERS,
    r"\b(reminders?|nudges|scheduled|my schedule|my agenda|coming up for me)\b"
);
regex!(
    HELP,
    r"^(?:help|\?|commands|menu|start)\W*$|\b(commands|what can you do|how does this work|how do i use (?:this|you|the bot)|what do you do|what are you)\b"
);
regex!(COVER, r"\b(cover|motivation(?:al)?) letter\b");
regex!(
    RESUME,
    r"\b(cv|resume|résumé|curriculum vitae)\b|\bkeywords?\b.{0,40}\bmissing\b|\bmissing\b.{0,20}\bkeywords?\b|\bats\b"
);
regex!(
    PREP,
    r"\b(prep|prepare|preparing|practice|practise|rehearse|mock|drill|coach me)\b.{0,40}\b(interviews?|onsite|on-site|questions|behaviou?ral|technical|system design|star|call|screen)\b|\binterview (?:questions|tips|prep|practice)\b|\bhelp me prep\b|\bmock interview\b"
);
regex!(
    QUESTION_START,
    r"^(?:can you |could you |please )?(show|list|see|view|display|give me|what|which|how many|where|any|tell me|remind me of)\b"
);
regex!(
    APPS_NOUN,
    r"\b(applications?|apps|pipeline|companies|interviews|offers|rejections|jobs i applied|tracker|statuses)\b"
);
regex!(
    MY_APPS,
    r"\b(my|all)\b.{0,20}\b(applications|apps|pipeline)\b"
);
regex!(
    TRACK,
    r"\b(?:i(?:'ve| have)? (?:just )?applied|just applied|applied (?:to|at|with|for)|^applied\b|sent (?:my|an|the|in my) (?:application|cv|resume)|submitted (?:my |an |the )?application|log (?:an |my |a new |this )?application|track (?:an |my |a new |this )?(?:application|job)|add (?:an |a new )?application|new application|application (?:to|at|for|with)|applying (?:to|at|for|with))\b"
);
regex!(
    SEARCH,
    r"\b(find|search|look(?:ing)? for|hunting for|show me|any|browse|are there)\b.{0,60}\b(jobs?|roles?|positions?|openings?|vacanc(?:y|ies)|gigs?|postings?)\b|\b(?:i want|i'd like|i would like|looking for|i need) (?:a |an )?(?:new )?(?:job|role|position|work) as\b|\bjobs? (?:in|near)\b"
);
regex!(
    ADVICE,
    r"\b(how (?:do|should|can|to|would) i|should i|advice|tips?|negotiat\w*|raise|salary|promotion|career|resign|quit|burn ?out|switch (?:jobs|careers|fields)|imposter|network(?:ing)?|linkedin|gap in my|counter ?offer)\b"
);
regex!(
    SMALLTALK,
    r"^(hi|hello|hey|yo|hiya|howdy|good (?:morning|afternoon|evening)|thanks?|thank you|thx|ty|cheers|bye|goodbye|see you|how are you|ok|okay|cool|great|nice|awesome|lol|sure|nice one|good night)\b"
);
regex!(
    SHOW,
    r"\b(status of|how(?:'s| is) (?:my |the )?\w+ (?:application|going)|details (?:of|for|on)|timeline (?:of|for)|show (?:me )?(?:the |my )?[\w&.' -]{1,40} application)\b"
);
regex!(URL, r#"https?://[^\s<>"]+"#);
regex!(APP_REF, r"#(\d{1,9})\b");
regex!(
    REMOTE,
    r"\b(remote|remotely|wfh|work from home|fully distributed|anywhere)\b"
);
regex!(ONSITE_ONLY, r"\b(on-?site only|in[- ]office|no remote)\b");
regex!(
    MONEY,
    r"(?i)(?:(\$|€|£|chf|usd|eur|gbp)\s?(\d[\d,.']*)\s*(k)?\b|\b(\d[\d,.']*)\s*(k)?\s*(chf|usd|eur|gbp|dollars|euros|francs|pounds)\b)"
);

/// Status cues in updates, most specific first.
static STATUS_CUES: LazyLock<Vec<(Regex, Status)>> = LazyLock::new(|| {
    [
        (r"\b(accepted|accept|signed|signing|i'?m joining|i will join|i'll join)\b", Status::Accepted),
        (r"\b(withdr[ae]w\w*|pulled (?:out|my application)|dropp(?:ed|ing) out|backed out|no longer interested)\b", Status::Withdrawn),
        (r"\b(rejected|rejection|turned me down|declined me|declined my|not moving forward|won'?t be moving|didn'?t get|did not get|no longer considering|said no|not selected|unsuccessful|passed on me)\b", Status::Rejected),
        (r"\b(ghosted|never heard back|no response|haven'?t heard|radio silence|no news)\b", Status::Ghosted),
        (r"\b(offer|offered me)\b", Status::Offer),
        (r"\b(phone screen|screening|screen call|recruiter call|hr call|intro call|called me|called|reached out|phone call)\b", Status::Screening),
        (r"\b(interview\w*|onsite|on-site|final round|technical round|second round|panel|invited me|take-home|take home)\b", Status::Interview),
    ]
    .into_iter()
    .map(|(re, status)| (Regex::new(re).expect("status cue regex is valid"), status))
    .collect()
});

regex!(
    MARK_AS,
    r"\b(?:mark|move|set|update|put|change)\s+(.+?)\s+(?:as|to|into)\s+(?:a |an )?(\w+)"
);

/// Words that follow a name and make it a role ("the SRE job", "a backend position").
const ROLE_NOUNS: &[&str] = &["role", "job", "position", "opening", "vacancy", "posting"];

struct Rule {
    name: &'static str,
    intent: Intent,
    confidence: f32,
    matches: fn(&str) -> bool,
}

/// The rules in the order they are tried. The text they see is ASCII-lowercased.
const RULES: &[Rule] = &[
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
        matches: |t| SNOOZE.is_match(t),
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
        name: "resume",
        intent: Intent::AnalyzeResume,
        confidence: 0.85,
        matches: |t| RESUME.is_match(t),
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
        matches: |t| QUESTION_START.is_match(t) && APPS_NOUN.is_match(t) || MY_APPS.is_match(t),
    },
    Rule {
        name: "track",
        intent: Intent::TrackApplication,
        confidence: 0.9,
        matches: |t| TRACK.is_match(t),
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
        matches: |t| STATUS_CUES.iter().any(|(re, _)| re.is_match(t)),
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

/// Apply the rules to one trimmed message.
pub(crate) fn classify(text: &str, ctx: &Context<'_>) -> Understanding {
    let lower = text.to_ascii_lowercase();
    let Some(rule) = RULES.iter().find(|rule| (rule.matches)(&lower)) else {
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

/// Fill the slots of `intent` from the text.
pub(crate) fn fill_slots(intent: Intent, text: &str, lower: &str, ctx: &Context<'_>) -> Slots {
    let mut slots = Slots {
        application_id: APP_REF.captures(text).and_then(|c| c[1].parse().ok()),
        ..Slots::default()
    };
    match intent {
        Intent::TrackApplication => {
            let found = time::find(text, ctx.now, ctx.tz, Bias::Past);
            let masked = mask(text, found.as_ref().map_or(&[][..], |r| &r.spans));
            let masked = mask_urls(&masked);
            slots.date = found.map(|r| r.date);
            slots.url = URL
                .find(text)
                .map(|m| m.as_str().trim_end_matches(['.', ',', ')']).to_owned());
            let (company, role) = company_and_role(&masked, &["to", "at", "with"], &["for", "as"]);
            slots.company = company.or_else(|| capitalised_name(&masked, &words(&masked)));
            slots.role = role;
        }
        Intent::UpdateApplication => {
            let found = time::find(text, ctx.now, ctx.tz, Bias::Future);
            let masked = mask(text, found.as_ref().map_or(&[][..], |r| &r.spans));
            slots.status = status_of(lower);
            slots.company = update_company(&masked, ctx);
            slots.when = found
                .filter(|r| r.has_time || r.date >= ctx.now.with_timezone(&ctx.tz).date_naive())
                .map(|r| r.instant);
        }
        Intent::ListApplications => slots.status = list_filter(lower),
        Intent::ShowApplication => {
            slots.company =
                known_company(text, ctx).or_else(|| capitalised_name(text, &words(text)));
        }
        Intent::SearchJobs => search_slots(text, lower, &mut slots),
        Intent::AnalyzeResume => {
            slots.company =
                known_company(text, ctx).or_else(|| capitalised_name(text, &words(text)));
        }
        Intent::CoverLetter | Intent::InterviewPrep => {
            let (company, role) = company_and_role(text, &["for", "at", "with", "to"], &["as"]);
            slots.company = company
                .or_else(|| known_company(text, ctx))
                .or_else(|| capitalised_name(text, &words(text)));
            slots.role = role;
        }
        Intent::SetReminder => {
            let found = time::find(text, ctx.now, ctx.tz, Bias::Future);
            let masked = mask(text, found.as_ref().map_or(&[][..], |r| &r.spans));
            slots.when = found.map(|r| r.instant);
            slots.text = reminder_text(&masked);
            slots.company = known_company(text, ctx);
        }
        Intent::Snooze => {
            if let Some((seconds, _)) = time::find_duration(lower) {
                slots.duration = Some(seconds);
            } else if let Some(found) = time::find(text, ctx.now, ctx.tz, Bias::Future) {
                slots.when = Some(found.instant);
            }
        }
        Intent::SetTimezone => slots.timezone = timezone_of(lower).map(|tz| tz.name().to_owned()),
        _ => {}
    }
    slots
}

/// Blank out byte ranges (time expressions) so names cannot run into them.
fn mask(text: &str, spans: &[Range<usize>]) -> String {
    let mut out = text.to_owned();
    for span in spans {
        if text.is_char_boundary(span.start) && text.is_char_boundary(span.end) {
            out.replace_range(span.clone(), &" ".repeat(span.len()));
        }
    }
    out
}

fn mask_urls(text: &str) -> String {
    URL.replace_all(text, |c: &regex::Captures<'_>| " ".repeat(c[0].len()))
        .into_owned()
}

/// Company and role from a sentence like "applied to Apple for an iOS engineer role",
/// "for the SRE job at GitLab" or "application: Airbnb, data analyst".
fn company_and_role(
    text: &str,
    company_preps: &[&str],
    role_preps: &[&str],
) -> (Option<String>, Option<String>) {
    let ws = words(text);
    let mut company = None;
    let mut role = None;
    let mut i = 0;
    while i < ws.len() {
        let w = &ws[i];
        if company.is_none()
            && w.is_any(company_preps)
            && let Some((name, next)) = company_after(text, &ws, i + 1)
        {
            if ws.get(next).is_some_and(|n| n.is_any(ROLE_NOUNS)) {
                role.get_or_insert(name);
                i = next + 1;
                continue;
            }
            company = Some(name);
            if role.is_none()
                && let Some((r, after)) = role_after_break(text, &ws, next)
            {
                role = Some(r);
                i = after;
                continue;
            }
            i = next;
            continue;
        }
        if role.is_none()
            && w.is_any(role_preps)
            && let Some((r, next)) = role_at(text, &ws, i + 1)
        {
            role = Some(r);
            i = next;
            continue;
        }
        i += 1;
    }
    if company.is_none() {
        // "log an application: Airbnb, data analyst, applied on Nov 20"
        if let Some(start) = ws.iter().position(|w| w.breaks_before)
            && let Some((name, next)) = company_after(text, &ws, start)
        {
            company = Some(name);
            if role.is_none() {
                role = role_after_break(text, &ws, next).map(|(r, _)| r);
            }
        }
    }
    (company, role.filter(|r| !r.is_empty()))
}

/// A role that follows a name after punctuation: "Microsoft - cloud solution architect".
fn role_after_break(text: &str, ws: &[Word<'_>], index: usize) -> Option<(String, usize)> {
    let w = ws.get(index)?;
    if !w.breaks_before
        || w.is_any(&[
            "applied", "on", "for", "and", "today", "via", "through", "from",
        ])
    {
        return None;
    }
    role_at(text, ws, index)
}

/// The company an update is about: one the person already tracks, "mark X as …",
/// "from/with/at X", or a capitalised name.
fn update_company(masked: &str, ctx: &Context<'_>) -> Option<String> {
    if let Some(known) = known_company(masked, ctx) {
        return Some(known);
    }
    let lower = masked.to_ascii_lowercase();
    if let Some(c) = MARK_AS.captures(&lower) {
        let span = c.get(1).expect("group 1 always participates");
        let name = masked[span.range()].trim();
        let name = name.strip_prefix("the ").unwrap_or(name);
        if !name.is_empty() && !name.starts_with('#') {
            return Some(strip_trailing_nouns(name));
        }
    }
    let ws = words(masked);
    let capitalised = capitalised_name(masked, &ws);
    for (i, w) in ws.iter().enumerate() {
        if w.is_any(&["from", "with", "at", "by"])
            && let Some((name, _)) = company_after(masked, &ws, i + 1)
        {
            let all_lower = !name.chars().any(char::is_uppercase);
            if all_lower && capitalised.is_some() {
                break;
            }
            return Some(name);
        }
    }
    capitalised
}

fn strip_trailing_nouns(name: &str) -> String {
    let mut out = name;
    for noun in [
        " application",
        " process",
        " offer",
        " interview",
        " role",
        " job",
        " position",
    ] {
        if let Some(stripped) = out.strip_suffix(noun) {
            out = stripped;
        }
    }
    out.to_owned()
}

/// The longest of the person's tracked companies named in the text, spelled as stored.
fn known_company(text: &str, ctx: &Context<'_>) -> Option<String> {
    let lower = text.to_lowercase();
    ctx.companies
        .iter()
        .filter(|company| {
            let c = company.to_lowercase();
            !c.is_empty()
                && lower.match_indices(&c).any(|(at, _)| {
                    let before = lower[..at].chars().next_back();
                    let after = lower[at + c.len()..].chars().next();
                    !before.is_some_and(char::is_alphanumeric)
                        && !after.is_some_and(char::is_alphanumeric)
                })
        })
        .max_by_key(|company| company.len())
        .cloned()
}

fn status_of(lower: &str) -> Option<Status> {
    if let Some(c) = MARK_AS.captures(lower)
        && let Some(status) = status_word(&c[2])
    {
        return Some(status);
    }
    STATUS_CUES
        .iter()
        .find(|(re, _)| re.is_match(lower))
        .map(|(_, status)| *status)
}

/// A status named by one word ("interviewing", "rejected", "ghosted").
pub fn status_word(word: &str) -> Option<Status> {
    let word = word.trim().to_ascii_lowercase();
    if let Ok(status) = word.parse() {
        return Some(status);
    }
    Some(match word.as_str() {
        "interviewing" | "interviews" | "onsite" => Status::Interview,
        "screen" | "screened" | "phone" => Status::Screening,
        "offered" | "offers" => Status::Offer,
        "rejection" | "rejections" | "declined" => Status::Rejected,
        "withdraw" | "withdrew" => Status::Withdrawn,
        "accept" | "hired" => Status::Accepted,
        "ghost" => Status::Ghosted,
        _ => return None,
    })
}

fn list_filter(lower: &str) -> Option<Status> {
    regex!(
        FILTER,
        r"\b(rejected|rejections?|interviews?|interviewing|offers?|ghosted|screening|screens|withdrawn|accepted|applied only|status (\w+))\b"
    );
    let c = FILTER.captures(lower)?;
    let word = c.get(2).map_or(&c[1], |m| m.as_str());
    status_word(word.trim_end_matches(" only")).or_else(|| status_word(word.trim_end_matches('s')))
}

fn search_slots(text: &str, lower: &str, slots: &mut Slots) {
    if ONSITE_ONLY.is_match(lower) {
        slots.remote = Some(false);
    } else if REMOTE.is_match(lower) {
        slots.remote = Some(true);
    }
    regex!(
        LOCATION,
        r"\b(?:in|near|around|based in|at)\s+([A-Za-z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*)"
    );
    let mut location_span = None;
    for c in LOCATION.captures_iter(text) {
        let m = c.get(1).expect("group 1 always participates");
        let place = m.as_str();
        let capitalised = place.starts_with(char::is_uppercase);
        if capitalised || city_timezone(place).is_some() {
            slots.location = Some(place.to_owned());
            location_span = Some(c.get(0).expect("group 0").range());
            break;
        }
    }
    const NOISE: &[&str] = &[
        "find",
        "search",
        "for",
        "me",
        "any",
        "jobs",
        "job",
        "roles",
        "role",
        "positions",
        "position",
        "openings",
        "opening",
        "vacancies",
        "vacancy",
        "gigs",
        "postings",
        "remote",
        "remotely",
        "wfh",
        "i",
        "want",
        "a",
        "an",
        "as",
        "looking",
        "look",
        "show",
        "please",
        "new",
        "some",
        "there",
        "are",
        "is",
        "what",
        "listings",
        "hunting",
        "browse",
        "fully",
        "work",
        "from",
        "home",
        "the",
        "can",
        "you",
        "would",
        "like",
        "i'd",
        "need",
        "anywhere",
        "onsite",
        "on-site",
        "only",
        "good",
        "open",
    ];
    let without_location = match location_span {
        Some(span) => mask(text, &[span]),
        None => text.to_owned(),
    };
    let role: Vec<&str> = without_location
        .split(|c: char| c.is_whitespace() || matches!(c, '?' | '!' | ',' | ';'))
        .filter(|w| !w.is_empty() && !NOISE.contains(&w.to_ascii_lowercase().as_str()))
        .collect();
    if !role.is_empty() {
        slots.role = Some(role.join(" "));
    }
}

/// What to be reminded of: the message without "remind me", the time, and filler.
fn reminder_text(masked: &str) -> Option<String> {
    let lower = masked.to_ascii_lowercase();
    let rest = match REMIND.find(&lower) {
        Some(m) => &masked[m.end()..],
        None => masked,
    };
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    while words.first().is_some_and(|w| {
        [
            "to", "that", "about", "of", "i", "should", "need", "must", "on", "at", "in",
        ]
        .contains(&w.to_ascii_lowercase().as_str())
    }) {
        words.remove(0);
    }
    while words.last().is_some_and(|w| {
        ["on", "at", "in", "by", "for", "please", "around"]
            .contains(&w.to_ascii_lowercase().trim_end_matches(['.', '!']))
    }) {
        words.pop();
    }
    let text = words.join(" ");
    let text = text.trim_end_matches(['.', '!', ',']).trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// The zone of a place named in free text ("new york now" → America/New_York).
pub fn zone_of_place(place: &str) -> Option<chrono_tz::Tz> {
    let lower = place.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    (1..=words.len().min(4))
        .rev()
        .find_map(|n| city_timezone(&words[..n].join(" ")))
}

fn timezone_of(lower: &str) -> Option<chrono_tz::Tz> {
    if let Some(c) = TIMEZONE_TARGET.captures(lower)
        && let Some(tz) = zone_of_place(&c[1])
    {
        return Some(tz);
    }
    if let Some(c) = LIVE_IN.captures(lower) {
        return zone_of_place(&c[1]);
    }
    lower.split_whitespace().find_map(city_timezone)
}

fn money(lower: &str) -> Option<Money> {
    let c = MONEY.captures(lower)?;
    let (symbol, digits, thousands) = match c.get(2) {
        Some(d) => (c.get(1), d.as_str(), c.get(3).is_some()),
        None => (c.get(6), c.get(4)?.as_str(), c.get(5).is_some()),
    };
    let cleaned: String = digits
        .chars()
        .filter(|ch| ch.is_ascii_digit() || *ch == '.')
        .collect();
    let mut amount: f64 = cleaned.trim_end_matches('.').parse().ok()?;
    if thousands {
        amount *= 1000.0;
    }
    let currency = symbol.map(|s| match s.as_str() {
        "$" | "usd" | "dollars" => "USD",
        "€" | "eur" | "euros" => "EUR",
        "£" | "gbp" | "pounds" => "GBP",
        _ => "CHF",
    });
    Some(Money {
        amount,
        currency: currency.map(str::to_owned),
    })
}

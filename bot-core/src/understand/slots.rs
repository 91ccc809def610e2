//! Slot filling: given the intent the rules chose, pull its slots out of the text — names
//! with the chunker in `company`, times with `time`, and the rest with small patterns.

use super::company::{capitalised_name, capitalised_name_at, words};
use super::lexicon::city_timezone;
use super::names::{
    company_and_role, known_company, role_after_name, role_before_interview, update_company,
};
use super::repeat;
use super::rules::{LIVE_IN, MARK_AS, REMIND, TIMEZONE_TARGET, status_cue};
use super::time::{self, Bias};
use super::{Context, Intent, Money, Slots};
use crate::tracker::Status;
use std::ops::Range;

regex!(URL, r#"https?://[^\s<>"]+"#);
regex!(APP_REF, r"#(\d{1,9})\b");
regex!(
    REMINDER_NUMBER,
    r"\breminder (?:number |no\.? )?(\d{1,9})\b"
);
// What is left of "cancel my reminder about Anna" or "snooze the Datadog one" once the
// request itself is taken out: the words that pick the reminder.
regex!(
    REQUEST_WORDS,
    r"#?\d+\b|[^\w\s'-]|\b(?:i've|i'm|it's|did|yes|yep|yeah|please|can|could|you|cancel|delete|remove|drop|clear|scrap|kill|snooze|postpone|delay|push|back|later|again|done|finished|completed|complete|mark|as|with|remind|me|not|now|ugh|ok|okay|hey|so|just|my|the|a|an|that|this|those|these|one|reminders?|nudges?|about|for|to|on|of|re|by|until|till|number|no|it|all|i|set|in|at|move|reschedule|shift|change|bump)\b"
);
regex!(
    REMOTE,
    r"\b(remote|remotely|wfh|work from home|fully distributed|anywhere)\b"
);
regex!(ONSITE_ONLY, r"\b(on-?site only|in[- ]office|no remote)\b");
regex!(
    MONEY,
    r"(?i)(?:(\$|€|£|chf|usd|eur|gbp)\s?(\d[\d,.']*)\s*(k)?\b|\b(\d[\d,.']*)\s*(k)?\s*(chf|usd|eur|gbp|dollars|euros|francs|pounds)\b)"
);
/// Fill the slots of `intent` from the text.
pub(super) fn fill_slots(intent: Intent, text: &str, lower: &str, ctx: &Context<'_>) -> Slots {
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
            let (company, role) =
                company_and_role(&masked, &["to", "at", "with", "company"], &["for", "as"]);
            slots.role = role;
            slots.company = company.or_else(|| {
                // "hit submit on the Datadog application, site reliability engineer"
                let ws = words(&masked);
                let (first, end) = capitalised_name_at(&ws)?;
                if slots.role.is_none() {
                    slots.role = role_after_name(&masked, &ws, end);
                }
                Some(masked[ws[first].start..ws[end - 1].end].to_owned())
            });
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
        Intent::ShowApplication
        | Intent::RemoveApplication
        | Intent::StopNudging
        | Intent::ResumeNudging => {
            slots.company =
                known_company(text, ctx).or_else(|| capitalised_name(text, &words(text)));
        }
        Intent::SearchJobs => search_slots(text, lower, &mut slots),
        Intent::AnalyzeResume => {
            let (company, _) = company_and_role(text, &["for", "at", "to", "with"], &[]);
            slots.company = known_company(text, ctx)
                .or(company)
                .or_else(|| capitalised_name(text, &words(text)));
        }
        Intent::CoverLetter | Intent::InterviewPrep => {
            let (company, role) = company_and_role(text, &["for", "at", "with", "to"], &["as"]);
            let ws = words(text);
            slots.role = role.or_else(|| role_before_interview(text, &ws));
            slots.company = company
                .or_else(|| known_company(text, ctx))
                .or_else(|| capitalised_name(text, &ws));
        }
        Intent::SetReminder => {
            let found = time::find(text, ctx.now, ctx.tz, Bias::Future);
            let repeat = repeat::find(lower);
            let mut spans = found.as_ref().map_or_else(Vec::new, |r| r.spans.clone());
            spans.extend(repeat.as_ref().map(|r| r.span.clone()));
            let masked = mask(text, &spans);
            slots.from_now = found.as_ref().is_some_and(|r| r.from_now);
            slots.skipped_time = found.as_ref().and_then(|r| r.skipped);
            slots.tomorrow = found.as_ref().is_some_and(|r| r.tomorrow);
            slots.when = found.map(|r| r.instant);
            slots.repeat = repeat.map(|r| r.rule);
            slots.text = reminder_text(&masked);
            slots.company = known_company(text, ctx);
        }
        Intent::Snooze => {
            let mut said = Vec::new();
            if let Some((seconds, span)) = time::find_duration(lower) {
                slots.duration = Some(seconds);
                said.push(span);
            } else if let Some(found) = time::find(text, ctx.now, ctx.tz, Bias::Future) {
                slots.time_alone = found.time_alone.then(|| found.instant.time());
                slots.day_alone = (!found.has_time).then_some(found.date);
                slots.when = Some(found.instant);
                said.extend(found.spans);
            }
            // "snooze the Datadog one 2 days", "snooze #4 until Monday": which reminder.
            reminder_reference(&mask(lower, &said), &mut slots);
        }
        Intent::AddNote => note_slots(text, lower, ctx, &mut slots),
        Intent::SetTimezone => slots.timezone = timezone_of(lower).map(|tz| tz.name().to_owned()),
        Intent::CancelReminder | Intent::CompleteReminder => {
            reminder_reference(lower, &mut slots);
        }
        // The settings are read by the core from the words themselves.
        Intent::NudgeSettings => slots.text = Some(text.trim().to_owned()),
        _ => {}
    }
    slots
}

/// The reminder a request names: its number (`#4`, "reminder 4") as `reminder_id`, else
/// the words left once the request itself is taken out as `text`.
fn reminder_reference(lower: &str, slots: &mut Slots) {
    slots.reminder_id = slots.application_id.take().or_else(|| {
        REMINDER_NUMBER
            .captures(lower)
            .and_then(|c| c[1].parse().ok())
    });
    let about = REQUEST_WORDS.replace_all(lower, " ");
    let about = about.split_whitespace().collect::<Vec<_>>().join(" ");
    slots.text = Some(about).filter(|a| !a.is_empty());
}

/// "add a note to Stripe: …": the application (by number, a company tracked, or as said)
/// and the note, in the person's own spelling.
fn note_slots(text: &str, lower: &str, ctx: &Context<'_>, slots: &mut Slots) {
    let Some(c) = super::rules::NOTE.captures(lower) else {
        return;
    };
    let (Some(target), Some(note)) = (c.get(1).or(c.get(3)), c.get(2).or(c.get(4))) else {
        return;
    };
    let target = &text[target.range()];
    super::commands::set_target(slots, target);
    if let Some(tracked) = known_company(target, ctx) {
        slots.company = Some(tracked);
    }
    slots.text = Some(text[note.range()].trim().to_owned()).filter(|n| !n.is_empty());
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

fn status_of(lower: &str) -> Option<Status> {
    if let Some(c) = MARK_AS.captures(lower)
        && let Some(status) = status_word(&c[2])
    {
        return Some(status);
    }
    status_cue(lower)
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
    let Some(c) = FILTER.captures(lower) else {
        // "list the jobs I withdrew from", "where did I get an offer"
        return status_cue(lower);
    };
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
        r"(?:\b(?:in|near|around|based in)\s+|,\s*)(\w[\w.'-]*(?:\s+\w[\w.'-]*){0,2})"
    );
    let mut location_span = None;
    for c in LOCATION.captures_iter(text) {
        let m = c.get(1).expect("group 1 always participates");
        if let Some(place) = place_at(m.as_str()) {
            slots.location = Some(place.to_owned());
            location_span = Some(c.get(0).expect("group 0").start()..m.start() + place.len());
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
    // The role is in the first clause: "java developer in Munich, salary around 80k".
    let first_clause = without_location
        .split([',', ';'])
        .next()
        .unwrap_or(&without_location);
    let role: Vec<&str> = first_clause
        .split(|c: char| c.is_whitespace() || matches!(c, '?' | '!' | ',' | ';'))
        .filter(|w| !w.is_empty() && !NOISE.contains(&w.to_ascii_lowercase().as_str()))
        .collect();
    if !role.is_empty() {
        slots.role = Some(role.join(" "));
    }
}

/// The place at the start of `words`: capitalised words ("New York", "Zürich"), or a known
/// city typed in lower case ("san francisco").
fn place_at(words: &str) -> Option<&str> {
    let parts: Vec<(usize, &str)> = words
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - words.as_ptr() as usize, w))
        .collect();
    let (_, first) = parts.first()?;
    if first.starts_with(char::is_uppercase) {
        let run = parts
            .iter()
            .take_while(|(_, w)| w.starts_with(char::is_uppercase))
            .last()
            .map_or(0, |(at, w)| at + w.len());
        return Some(words[..run].trim_end_matches(['.', ',', '?', '!']));
    }
    (1..=parts.len()).rev().find_map(|n| {
        let (at, last) = parts[n - 1];
        let candidate = &words[..at + last.len()];
        city_timezone(candidate).map(|_| candidate.trim_end_matches(['.', ',', '?', '!']))
    })
}

/// What to be reminded of: the message without "remind me", the time, and filler.
fn reminder_text(masked: &str) -> Option<String> {
    let lower = masked.to_ascii_lowercase();
    let rest = match REMIND.find(&lower) {
        Some(m) => &masked[m.end()..],
        None => masked,
    };
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    // Punctuation left alone where the time was cut out ("for Friday 10am: prep") goes too.
    let punctuation = |w: &&str| !w.chars().any(char::is_alphanumeric);
    while words.first().is_some_and(|w| {
        punctuation(w)
            || [
                "to", "that", "about", "of", "i", "should", "need", "must", "on", "at", "in", "for",
            ]
            .contains(&w.to_ascii_lowercase().trim_end_matches([':', ',']))
    }) {
        words.remove(0);
    }
    while words.last().is_some_and(|w| {
        punctuation(w)
            || ["on", "at", "in", "by", "for", "please", "around"]
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

pub(super) fn money(lower: &str) -> Option<Money> {
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

//! Slot filling: given the intent the rules chose, pull its slots out of the text — names
//! with the chunker in `company`, times with `time`, and the rest with small patterns.

use super::company::{
    Word, capitalised_name, capitalised_name_at, company_after, is_role_acronym, looks_like_role,
    role_at, split_company_role, words,
};
use super::lexicon::city_timezone;
use super::rules::{LIVE_IN, MARK_AS, REMIND, TIMEZONE_TARGET, status_cue};
use super::time::{self, Bias};
use super::{Context, Intent, Money, Slots};
use crate::tracker::Status;
use std::ops::Range;

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
/// Words that follow a name and make it a role ("the SRE job", "a backend position").
const ROLE_NOUNS: &[&str] = &["role", "job", "position", "opening", "vacancy", "posting"];

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
        Intent::ShowApplication | Intent::RemoveApplication => {
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
    let mut company_end = None;
    let mut role = None;
    // Names come after the verb: "I wanted to let you know that I applied to Roche".
    let mut i = ws.iter().position(|w| w.is_any(TRIGGERS)).unwrap_or(0);
    if let Some(t) = ws.get(i).filter(|w| w.is_any(TRIGGERS))
        && let Some(next) = ws.get(i + 1)
        && !next.is_any(PREPOSITIONS)
        && !t.is("application")
        && let Some((chunk, end)) = company_after(text, &ws, i + 1)
    {
        // "applied zalando frontend developer": no preposition at all.
        let (c, r) = split_company_role(&chunk);
        company = c.or(Some(chunk).filter(|c| !looks_like_role(c)));
        company_end = Some(end);
        role = r.filter(|_| company.is_some());
        i = end;
    }
    while i < ws.len() {
        let w = &ws[i];
        // "for the position of data engineer", "job of Java developer"
        if role.is_none()
            && w.is_any(ROLE_NOUNS)
            && ws.get(i + 1).is_some_and(|n| n.is("of"))
            && let Some((r, next)) = role_at(text, &ws, i + 2)
        {
            role = Some(r);
            i = next;
            continue;
        }
        if company.is_none()
            && w.is_any(company_preps)
            && let Some((name, next)) = company_after(text, &ws, i + 1)
        {
            if ws.get(next).is_some_and(|n| n.is_any(POSTING_NOUNS)) {
                // "the shopify listing": a posting names its company.
                company = Some(name);
                company_end = Some(next);
                i = next + 1;
                continue;
            }
            if ws.get(next).is_some_and(|n| n.is_any(ROLE_NOUNS)) {
                // "for the SRE job", "the Goldman Sachs analyst role".
                let (named_company, named_role) = split_company_role(&name);
                if named_company.is_some() {
                    company = named_company;
                }
                if let Some(r) = named_role {
                    role.get_or_insert(r);
                }
                i = next + 1;
                continue;
            }
            if looks_like_role(&name) {
                // "mock interview for product manager"
                role.get_or_insert(name);
                i = next;
                continue;
            }
            company = Some(name);
            company_end = Some(next);
            // "for Google SWE": an acronym role right after the name.
            if role.is_none()
                && ws.get(next).is_some_and(|n| is_role_acronym(n.text))
                && let Some((r, after)) = role_at(text, &ws, next)
            {
                role = Some(r);
                i = after;
                continue;
            }
            // "for the Goldman Sachs analyst role": the role runs from the name to "role".
            if role.is_none()
                && let Some((r, after)) = role_at(text, &ws, next)
                && ws.get(after).is_some_and(|n| n.is_any(ROLE_NOUNS))
                && !ws[next].breaks_before
                && !ws[next].is_any(&["for", "as", "at", "with", "to", "in", "on", "from"])
            {
                role = Some(r);
                i = after + 1;
                continue;
            }
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
    if role.is_none()
        && let Some(end) = company_end
    {
        // "Applied to ABB on 2 November, controls engineer role"
        role = role_after_name(text, &ws, end);
    }
    if company.is_none() {
        // "log an application: Airbnb, data analyst, applied on Nov 20" (after a colon)
        if let Some(start) = ws.iter().position(|w| w.breaks_before)
            && text[..ws[start].start].contains(':')
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

/// The role in the first comma- or dash-separated part after word `end`.
fn role_after_name(text: &str, ws: &[Word<'_>], end: usize) -> Option<String> {
    let next_break = (end..ws.len()).find(|&k| ws[k].breaks_before)?;
    role_after_break(text, ws, next_break).map(|(r, _)| r)
}

/// "a backend engineer interview", "Amazon product manager interview tips": the words
/// just before "interview" that name a role (not the company, not the kind of interview).
fn role_before_interview(text: &str, ws: &[Word<'_>]) -> Option<String> {
    const KINDS: &[&str] = &[
        "a",
        "an",
        "the",
        "my",
        "for",
        "in",
        "at",
        "with",
        "of",
        "to",
        "on",
        "prep",
        "mock",
        "me",
        "upcoming",
        "next",
        "big",
        "first",
        "second",
        "third",
        "final",
        "technical",
        "behavioral",
        "behavioural",
        "phone",
        "video",
        "this",
        "that",
        "system",
        "design",
        "coding",
        "case",
        "hr",
        "culture",
        "fit",
        "panel",
        "onsite",
        "round",
        "practice",
        "live",
        "virtual",
        "remote",
        "real",
        "job",
    ];
    let at = ws
        .iter()
        .position(|w| w.is_any(&["interview", "interviews", "onsite", "loop"]))?;
    let mut first = at;
    while first > 0 {
        let w = &ws[first - 1];
        // A capitalised word is the company ("Amazon"), unless it is an acronym ("SWE").
        let company = w.title_case() && !w.text.chars().all(char::is_uppercase);
        if w.is_any(KINDS) || company {
            break;
        }
        first -= 1;
        if w.breaks_before {
            break;
        }
    }
    (first < at).then(|| text[ws[first].start..ws[at - 1].end].to_owned())
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
        if !name.is_empty() && !name.starts_with('#') && !is_pronoun(name) {
            return Some(strip_trailing_nouns(name));
        }
    }
    let ws = words(masked);
    let capitalised = capitalised_name(masked, &ws);
    // "stripe moved me to the phone screen": the sentence's subject, typed in lower case.
    if capitalised.is_none()
        && let Some(c) = SUBJECT.captures(&lower)
    {
        let span = c.get(1).expect("group 1 always participates");
        let name = masked[span.range()].trim();
        if !name
            .split_whitespace()
            .any(|w| is_pronoun(w) || NOT_SUBJECTS.contains(&w))
        {
            return Some(name.to_owned());
        }
    }
    // "an email from stripe" names the sender most reliably; then "with"/"at"/"by".
    for preps in [&["from"][..], &["with", "at", "by"][..]] {
        for (i, w) in ws.iter().enumerate() {
            if w.is_any(preps)
                && let Some((name, _)) = company_after(masked, &ws, i + 1)
            {
                let all_lower = !name.chars().any(char::is_uppercase);
                if all_lower && capitalised.is_some() {
                    return capitalised;
                }
                return Some(name);
            }
        }
    }
    capitalised
}

regex!(
    SUBJECT,
    r"^([a-z0-9][\w&.' -]{0,40}?)\s+(?:just |finally |also )?(?:moved|rejected|invited|called|offered|ghosted|emailed|reached|scheduled|wants|declined|turned|replied|got back|sent me|made me|came back|final round|interview|onsite|on-site|phone screen|offer|recruiter|hr|hiring|people|team)\b"
);

/// The verbs of applying, after which the names in a tracking message come.
const TRIGGERS: &[&str] = &[
    "applied",
    "apply",
    "applying",
    "application",
    "sent",
    "submitted",
    "submit",
];

/// Words that introduce something other than a bare company name.
const PREPOSITIONS: &[&str] = &[
    "to",
    "at",
    "with",
    "for",
    "as",
    "on",
    "in",
    "from",
    "the",
    "a",
    "an",
    "my",
    "off",
    "yesterday",
    "today",
    "last",
    "this",
    "just",
    "via",
    "through",
    "and",
    "but",
];

/// Nouns after a company that mean "its job posting".
const POSTING_NOUNS: &[&str] = &["posting", "listing", "ad", "advert", "description", "jd"];

/// Words that make a sentence's subject a person or the speaker, not a company.
const NOT_SUBJECTS: &[&str] = &[
    "i",
    "recruiter",
    "hr",
    "manager",
    "someone",
    "somebody",
    "company",
    "team",
    "the",
    "my",
    "hiring",
    "interviewer",
    "nobody",
];

fn is_pronoun(word: &str) -> bool {
    matches!(
        word.trim().to_ascii_lowercase().as_str(),
        "it" | "them"
            | "they"
            | "this"
            | "that"
            | "this one"
            | "that one"
            | "he"
            | "she"
            | "we"
            | "you"
            | "me"
            | "my application"
            | "the application"
    )
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

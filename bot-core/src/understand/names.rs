//! Names in a sentence: which company and which role a message is about ("applied to Apple
//! for an iOS engineer role", "the Goldman Sachs analyst role", "stripe moved me on"), built
//! on the word chunker in `company`.

use super::Context;
use super::company::{
    Word, capitalised_name, company_after, is_role_acronym, looks_like_role, role_at,
    split_company_role, words,
};
use super::rules::MARK_AS;

/// Words that follow a name and make it a role ("the SRE job", "a backend position").
const ROLE_NOUNS: &[&str] = &["role", "job", "position", "opening", "vacancy", "posting"];

/// Company and role from a sentence like "applied to Apple for an iOS engineer role",
/// "for the SRE job at GitLab" or "application: Airbnb, data analyst".
pub(super) fn company_and_role(
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
pub(super) fn role_after_name(text: &str, ws: &[Word<'_>], end: usize) -> Option<String> {
    let next_break = (end..ws.len()).find(|&k| ws[k].breaks_before)?;
    role_after_break(text, ws, next_break).map(|(r, _)| r)
}

/// "a backend engineer interview", "Amazon product manager interview tips": the words
/// just before "interview" that name a role (not the company, not the kind of interview).
pub(super) fn role_before_interview(text: &str, ws: &[Word<'_>]) -> Option<String> {
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
pub(super) fn role_after_break(
    text: &str,
    ws: &[Word<'_>],
    index: usize,
) -> Option<(String, usize)> {
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
pub(super) fn update_company(masked: &str, ctx: &Context<'_>) -> Option<String> {
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

pub(super) fn is_pronoun(word: &str) -> bool {
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

pub(super) fn strip_trailing_nouns(name: &str) -> String {
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
pub(super) fn known_company(text: &str, ctx: &Context<'_>) -> Option<String> {
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

//! Pulling names out of a sentence: the company ("to Credit Suisse", "the GitLab process",
//! "Apple called") and the role ("for an iOS engineer role", "– cloud solution architect").
//!
//! Works on the text with time expressions blanked out (so "yesterday" cannot end up in a
//! company name) and on word boundaries: a chunk ends at punctuation, at a blanked-out
//! span, or at a word that cannot be part of the name.

use super::lexicon::{MONTHS, NOT_NAMES, ROLE_WORDS, WEEKDAYS};

/// One word of the message with its byte position.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Word<'a> {
    pub text: &'a str,
    pub start: usize,
    pub end: usize,
    /// Punctuation or a blanked-out span separates this word from the previous one.
    pub breaks_before: bool,
}

impl Word<'_> {
    /// Case-insensitive comparison with a lowercase word.
    pub fn is(&self, lower: &str) -> bool {
        self.text.eq_ignore_ascii_case(lower)
    }

    /// Whether it is one of these lowercase words, ignoring case (a stop list, a lexicon).
    pub fn is_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.is(w))
    }

    /// Starts a name: a capital anywhere ("Apple", "eBay", "GitLab").
    pub(crate) fn capitalised(&self) -> bool {
        self.text.chars().any(char::is_uppercase)
    }

    /// Continues a name: a leading capital ("Credit Suisse", but not "Apple iOS").
    pub(crate) fn title_case(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
}

/// Split `text` into words, marking breaks at punctuation and long runs of blanks.
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut gap_start = 0;
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        let in_word = c.is_alphanumeric() || matches!(c, '&' | '\'' | '+' | '#' | '.' | '_' | '/');
        match (start, in_word && i < text.len()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let raw = &text[s..i];
                // A trailing full stop ends the sentence; "Inc." or ".NET" keep theirs inside.
                let trimmed = raw.trim_end_matches(['.', '\'']);
                // "Roche's offer": the name is "Roche".
                let trimmed = trimmed
                    .strip_suffix("'s")
                    .filter(|t| !t.is_empty())
                    .unwrap_or(trimmed);
                let end = s + trimmed.len();
                if !trimmed.is_empty() {
                    let gap = &text[gap_start..s];
                    let breaks_before = gap
                        .contains([',', ';', ':', '!', '?', '(', ')', '-', '–', '—', '"'])
                        || gap.len() >= 3
                        || out
                            .last()
                            .is_some_and(|w: &Word<'_>| text[w.end..s].starts_with('.'));
                    out.push(Word {
                        text: trimmed,
                        start: s,
                        end,
                        breaks_before,
                    });
                }
                gap_start = end;
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Words that end a company name.
const COMPANY_STOPS: &[&str] = &[
    "please",
    "pls",
    "thanks",
    "posting",
    "listing",
    "ad",
    "advert",
    "description",
    "jd",
    "for",
    "as",
    "at",
    "to",
    "with",
    "on",
    "in",
    "and",
    "but",
    "because",
    "since",
    "about",
    "after",
    "before",
    "via",
    "through",
    "role",
    "position",
    "job",
    "opening",
    "today",
    "yesterday",
    "tomorrow",
    "last",
    "next",
    "this",
    "is",
    "was",
    "has",
    "have",
    "had",
    "are",
    "were",
    "process",
    "offer",
    "onsite",
    "interview",
    "interviews",
    "application",
    "team",
    "recruiter",
    "called",
    "rejected",
    "invited",
    "ghosted",
    "said",
    "wants",
    "want",
    "just",
    "too",
    "already",
    "so",
    "again",
    "me",
    "my",
    "it",
    "they",
    "then",
    "the",
    "a",
    "an",
    "screen",
    "call",
    "round",
    "final",
    "phone",
    "technical",
    "from",
];

/// Words that end a role.
const ROLE_STOPS: &[&str] = &[
    "at",
    "with",
    "to",
    "in",
    "on",
    "role",
    "position",
    "job",
    "opening",
    "vacancy",
    "today",
    "yesterday",
    "tomorrow",
    "last",
    "next",
    "this",
    "and",
    "but",
    "because",
    "via",
    "through",
    "from",
    "applied",
    "which",
    "that",
    "there",
    "here",
    "please",
];

/// Leading articles skipped before a name.
const ARTICLES: &[&str] = &["the", "a", "an", "their", "my"];

/// Take words from `from` on while none is a stop word and no break intervenes; the
/// original text of that run, or `None` if it is empty.
pub(crate) fn chunk(
    text: &str,
    words: &[Word<'_>],
    from: usize,
    stops: &[&str],
) -> Option<(String, usize)> {
    let mut i = from;
    if words.get(i).is_some_and(|w| w.is_any(ARTICLES)) {
        i += 1;
    }
    let first = i;
    while i < words.len() && !words[i].is_any(stops) && !(i > first && words[i].breaks_before) {
        i += 1;
    }
    if i == first {
        return None;
    }
    let name = text[words[first].start..words[i - 1].end].trim().to_owned();
    Some((name, i))
}

/// The company after a preposition like "to"/"at"/"with" at word `index`.
pub(crate) fn company_after(
    text: &str,
    words: &[Word<'_>],
    index: usize,
) -> Option<(String, usize)> {
    let (_, end) = chunk(text, words, index, COMPANY_STOPS)?;
    // The same leading article `chunk` skipped.
    let first = if words[index].is_any(ARTICLES) {
        index + 1
    } else {
        index
    };
    // A name typed with capitals ends at the first word without one ("JPMorgan Chase came
    // in"): capitals are how people mark names. An all-lowercase name ("stripe") runs to a
    // stop word instead.
    let name_end = if words[first].capitalised() {
        capitalised_run_end(words, first).min(end)
    } else {
        end
    };
    let name = text[words[first].start..words[name_end - 1].end].to_owned();
    plausible_company(&name).then_some((name, name_end))
}

/// One past the last word of the capitalised run starting at `first`, joined across
/// "of"/"&"/"and" ("Bank of America") and ending before role acronyms ("Google SWE").
fn capitalised_run_end(words: &[Word<'_>], first: usize) -> usize {
    let mut last = first;
    let mut j = first + 1;
    while j < words.len() && !words[j].breaks_before {
        let next = &words[j];
        let lower = next.text.to_ascii_lowercase();
        let continues = next.title_case()
            && !is_calendar_word(&lower)
            && !NOT_NAMES.contains(&lower.as_str())
            && !is_role_acronym(next.text);
        if continues {
            last = j;
            j += 1;
        } else if next.is_any(&["of", "&", "and"])
            && words
                .get(j + 1)
                .is_some_and(|n| n.title_case() && !n.breaks_before)
        {
            j += 1;
        } else {
            break;
        }
    }
    last + 1
}

/// The role starting at word `index` ("an iOS engineer" → "iOS engineer").
pub(crate) fn role_at(text: &str, words: &[Word<'_>], index: usize) -> Option<(String, usize)> {
    chunk(text, words, index, ROLE_STOPS)
}

/// A lowercase chunk that names a job ("product manager", "data engineer"), not a company.
pub(crate) fn looks_like_role(name: &str) -> bool {
    let ws = words(name);
    !name.chars().any(char::is_uppercase)
        && ws
            .last()
            .is_some_and(|w| ROLE_WORDS.contains(&w.text.to_ascii_lowercase().as_str()))
        && ws
            .iter()
            .all(|w| ROLE_WORDS.contains(&w.text.to_ascii_lowercase().as_str()) || ws.len() > 1)
}

/// Short role names that are written in capitals but are not part of a company name.
pub(crate) const ROLE_ACRONYMS: &[&str] = &[
    "swe", "sde", "sre", "pm", "tpm", "em", "qa", "ml", "ai", "ux", "ui", "devops", "mle", "cto",
    "cfo", "vp", "bi", "it",
];

/// Whether `word` is a short role name like "SWE" or "PM".
pub(crate) fn is_role_acronym(word: &str) -> bool {
    ROLE_ACRONYMS.contains(&word.to_ascii_lowercase().as_str())
}

fn plausible_company(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !NOT_NAMES.contains(&lower.as_str()) && !is_calendar_word(&lower)
}

fn is_calendar_word(lower: &str) -> bool {
    MONTHS
        .iter()
        .any(|m| *m == lower || (lower.len() >= 3 && m.starts_with(lower) && lower.len() <= 4))
        || WEEKDAYS.contains(&lower)
}

/// The first run of capitalised words that can be a company ("Apple", "Credit Suisse",
/// "GitLab"), joined across "of"/"&" ("Bank of America"). Names that only look capitalised
/// because they start the sentence ("Just", "Got") are skipped.
pub(crate) fn capitalised_name(text: &str, words: &[Word<'_>]) -> Option<String> {
    capitalised_name_at(words)
        .map(|(first, end)| text[words[first].start..words[end - 1].end].to_owned())
}

/// Word range `[first, end)` of the first capitalised name, see [`capitalised_name`].
pub(crate) fn capitalised_name_at(words: &[Word<'_>]) -> Option<(usize, usize)> {
    let first = words.iter().position(|w| {
        let lower = w.text.to_ascii_lowercase();
        w.capitalised()
            && !NOT_NAMES.contains(&lower.as_str())
            && !is_calendar_word(&lower)
            && !is_role_acronym(w.text)
    })?;
    Some((first, capitalised_run_end(words, first)))
}

/// Split "Goldman Sachs analyst" / "Google SWE" into company and role: the leading
/// capitalised words are the company, the rest the role. No company when the whole chunk
/// is a role ("SRE", "backend").
pub(crate) fn split_company_role(name: &str) -> (Option<String>, Option<String>) {
    let ws = words(name);
    let Some(w0) = ws.first() else {
        return (None, None);
    };
    if is_role_acronym(w0.text) {
        return (None, Some(name.to_owned()));
    }
    if !w0.capitalised() {
        // "netflix senior data scientist": a word that is not a role word, then role words.
        let lower = w0.text.to_ascii_lowercase();
        let rest_is_role = ws.len() >= 2
            && ws[1..]
                .iter()
                .any(|w| ROLE_WORDS.contains(&w.text.to_ascii_lowercase().as_str()));
        if !ROLE_WORDS.contains(&lower.as_str()) && rest_is_role {
            return (
                Some(w0.text.to_owned()),
                Some(name[ws[1].start..].trim().to_owned()),
            );
        }
        return (None, Some(name.to_owned()));
    }
    let end = capitalised_run_end(&ws, 0);
    let role = ws
        .get(end)
        .map(|w| name[w.start..].trim().to_owned())
        .filter(|r| !r.is_empty());
    match role {
        Some(role) => (Some(name[..ws[end - 1].end].to_owned()), Some(role)),
        None => (None, Some(name.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_mark_breaks_at_punctuation_and_blanks() {
        let text = "applied at Microsoft           - cloud solution architect";
        let ws = words(text);
        let texts: Vec<&str> = ws.iter().map(|w| w.text).collect();
        assert_eq!(
            texts,
            [
                "applied",
                "at",
                "Microsoft",
                "cloud",
                "solution",
                "architect"
            ]
        );
        assert!(ws[3].breaks_before);
        assert!(!ws[4].breaks_before);
    }

    #[test]
    fn company_chunks_stop_at_stop_words() {
        let text = "I applied with Credit Suisse for risk analyst";
        let ws = words(text);
        let (company, next) = company_after(text, &ws, 3).expect("a company");
        assert_eq!(company, "Credit Suisse");
        assert!(ws[next].is("for"));
        let (role, _) = role_at(text, &ws, next + 1).expect("a role");
        assert_eq!(role, "risk analyst");
    }

    #[test]
    fn capitalised_names_skip_sentence_starts_and_months() {
        let text = "Airbnb onsite is on December 2";
        assert_eq!(
            capitalised_name(text, &words(text)).as_deref(),
            Some("Airbnb")
        );
        let text = "I accepted the Credit Suisse offer";
        assert_eq!(
            capitalised_name(text, &words(text)).as_deref(),
            Some("Credit Suisse")
        );
        let text = "Just heard from Bank of America";
        assert_eq!(
            capitalised_name(text, &words(text)).as_deref(),
            Some("Bank of America")
        );
    }
}

//! Pulling names out of a sentence: the company ("to Credit Suisse", "the GitLab process",
//! "Apple called") and the role ("for an iOS engineer role", "– cloud solution architect").
//!
//! Works on the text with time expressions blanked out (so "yesterday" cannot end up in a
//! company name) and on word boundaries: a chunk ends at punctuation, at a blanked-out
//! span, or at a word that cannot be part of the name.

use super::lexicon::{MONTHS, WEEKDAYS};

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

    pub fn is_any(&self, words: &[&str]) -> bool {
        words.iter().any(|w| self.is(w))
    }

    /// Starts a name: a capital anywhere ("Apple", "eBay", "GitLab").
    fn capitalised(&self) -> bool {
        self.text.chars().any(char::is_uppercase)
    }

    /// Continues a name: a leading capital ("Credit Suisse", but not "Apple iOS").
    fn title_case(&self) -> bool {
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
    chunk(text, words, index, COMPANY_STOPS).filter(|(name, _)| plausible_company(name))
}

/// The role starting at word `index` ("an iOS engineer" → "iOS engineer").
pub(crate) fn role_at(text: &str, words: &[Word<'_>], index: usize) -> Option<(String, usize)> {
    chunk(text, words, index, ROLE_STOPS)
}

/// Common words that start a sentence capitalised but never name a company.
const NOT_NAMES: &[&str] = &[
    "i",
    "i'm",
    "im",
    "i've",
    "i'd",
    "just",
    "got",
    "applied",
    "mark",
    "move",
    "set",
    "show",
    "remind",
    "help",
    "please",
    "hey",
    "hi",
    "hello",
    "thanks",
    "thank",
    "my",
    "the",
    "a",
    "an",
    "what",
    "which",
    "when",
    "where",
    "how",
    "any",
    "find",
    "search",
    "today",
    "tomorrow",
    "yesterday",
    "so",
    "ok",
    "okay",
    "yes",
    "no",
    "finally",
    "update",
    "they",
    "we",
    "it",
    "good",
    "great",
    "bad",
    "news",
    "also",
    "and",
    "but",
    "then",
    "log",
    "add",
    "track",
    "interview",
    "offer",
    "onsite",
    "phone",
    "screen",
    "recruiter",
    "hr",
    "ceo",
    "cto",
    "cv",
    "resume",
    "am",
    "pm",
    "utc",
    "on",
    "at",
    "in",
    "for",
    "from",
    "with",
    "to",
];

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
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let lower = w.text.to_ascii_lowercase();
        if w.capitalised() && !NOT_NAMES.contains(&lower.as_str()) && !is_calendar_word(&lower) {
            let first = i;
            let mut last = i;
            let mut j = i + 1;
            while j < words.len() && !words[j].breaks_before {
                let next = &words[j];
                let next_lower = next.text.to_ascii_lowercase();
                if next.title_case()
                    && !is_calendar_word(&next_lower)
                    && !NOT_NAMES.contains(&next_lower.as_str())
                {
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
            return Some(text[words[first].start..words[last].end].to_owned());
        }
        i += 1;
    }
    None
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

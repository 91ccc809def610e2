//! The person's own words, said back to them. "remind me to review my pipeline" is stored as
//! they wrote it ("review my pipeline": the contract's `text` slot, the MCP tools) and
//! confirmed, listed and nudged as "review your pipeline".

use regex::{Captures, Regex};
use std::sync::LazyLock;

static FIRST_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:i'm|i’m|i've|i’ve|i'll|i’ll|i'd|i’d|i am|myself|mine|my|me|i)\b")
        .expect("first-person regex is valid")
});

/// `text` with its first-person words turned to the second person, keeping a leading
/// capital ("My CV" → "Your CV").
pub fn addressed(text: &str) -> String {
    FIRST_PERSON
        .replace_all(text, |caps: &Captures<'_>| {
            let found = caps.get(0).expect("a match has its whole text");
            let said = found.as_str();
            let turned = match said.to_lowercase().replace('’', "'").as_str() {
                "i'm" | "i am" => "you're",
                "i've" => "you've",
                "i'll" => "you'll",
                "i'd" => "you'd",
                "myself" => "yourself",
                "mine" => "yours",
                "my" => "your",
                _ => "you",
            };
            // "I" is written as a capital anywhere; it asks for "You" only to start the text.
            let capital = said.starts_with('M') || (said.starts_with('I') && found.start() == 0);
            if capital {
                let mut chars = turned.chars();
                chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default()
            } else {
                turned.to_owned()
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::addressed;

    #[test]
    fn first_person_becomes_second() {
        for (said, shown) in [
            ("review my pipeline", "review your pipeline"),
            ("ask Anna to call me back", "ask Anna to call you back"),
            ("check if I got the offer", "check if you got the offer"),
            ("I'm due to send my CV", "You're due to send your CV"),
            ("My CV to Stripe", "Your CV to Stripe"),
            ("call Mike about Mimecast", "call Mike about Mimecast"),
            (
                "update mine and Bob's notes",
                "update yours and Bob's notes",
            ),
        ] {
            assert_eq!(addressed(said), shown, "{said}");
        }
    }
}

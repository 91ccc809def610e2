//! How company names and roles are compared: "Google", "google", "Google LLC" are one
//! company; "Backend Engineer" and "Senior Backend Engineer" are similar roles.

use crate::store::Application;

/// Legal-form words that do not distinguish one company from another.
const LEGAL_SUFFIXES: &[&str] = &[
    "inc",
    "llc",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "sa",
    "sarl",
    "plc",
    "corp",
    "corporation",
    "co",
    "company",
    "bv",
    "nv",
    "ab",
    "oy",
    "as",
    "srl",
    "spa",
    "pty",
    "kk",
];

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The comparable form of a company name: lowercase words, legal forms dropped.
pub fn company_key(company: &str) -> String {
    let mut parts = words(company);
    while parts.len() > 1
        && parts
            .last()
            .is_some_and(|w| LEGAL_SUFFIXES.contains(&w.as_str()))
    {
        parts.pop();
    }
    parts.join(" ")
}

/// Two roles are similar when either is unknown, or their words mostly overlap, or they are
/// near-identical strings (a typo).
pub fn roles_similar(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return true;
    }
    let (ja, jb) = (wa.join(" "), wb.join(" "));
    if ja == jb || strsim::normalized_levenshtein(&ja, &jb) >= 0.8 {
        return true;
    }
    let shared = wa.iter().filter(|w| wb.contains(w)).count();
    let smaller = wa.len().min(wb.len());
    // "backend engineer" vs "senior backend engineer": every word of the shorter one is
    // shared; otherwise ask for a Dice overlap of at least two thirds.
    shared == smaller || 3 * (2 * shared) >= 2 * (wa.len() + wb.len())
}

/// Applications whose company is the one named (exactly, or as a leading word group).
pub(crate) fn matching_company(apps: Vec<Application>, company: &str) -> Vec<Application> {
    let key = company_key(company);
    if key.is_empty() {
        return Vec::new();
    }
    let exact: Vec<Application> = apps
        .iter()
        .filter(|app| company_key(&app.company) == key)
        .cloned()
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    apps.into_iter()
        .filter(|app| {
            let stored = company_key(&app.company);
            starts_with_words(&stored, &key) || starts_with_words(&key, &stored)
        })
        .collect()
}

fn starts_with_words(text: &str, prefix: &str) -> bool {
    text.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_key_ignores_case_punctuation_and_legal_form() {
        assert_eq!(company_key("Google LLC"), "google");
        assert_eq!(company_key("google"), "google");
        assert_eq!(company_key("Procter & Gamble Co."), "procter gamble");
        assert_eq!(company_key("AG"), "ag");
    }

    #[test]
    fn similar_roles() {
        assert!(roles_similar("Backend Engineer", "backend engineer"));
        assert!(roles_similar("Backend Engineer", "Senior Backend Engineer"));
        assert!(roles_similar("Backend Enginer", "Backend Engineer"));
        assert!(roles_similar("", "Data Analyst"));
        assert!(!roles_similar("Backend Engineer", "Product Designer"));
        assert!(!roles_similar(
            "Data Analyst",
            "Data Engineer Intern Program"
        ));
    }
}

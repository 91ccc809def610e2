//! Word lists the rules share: months, weekdays, number words, and places → IANA zones.

use chrono_tz::{TZ_VARIANTS, Tz};

/// Month names, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Weekday names, Monday first (chrono's numbering from Monday).
pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The value of a spelled-out amount ("a", "two", "a couple of", "half an").
pub fn number_word(word: &str) -> Option<f64> {
    Some(match word {
        "a" | "an" | "one" => 1.0,
        "two" | "a couple of" => 2.0,
        "three" | "a few" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "fifteen" => 15.0,
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty-five" => 45.0,
        "ninety" => 90.0,
        "half a" | "half an" => 0.5,
        _ => return None,
    })
}

/// Common words that start a sentence capitalised but never name a company.
pub(super) const NOT_NAMES: &[&str] = &[
    "unfortunately",
    "fortunately",
    "sadly",
    "luckily",
    "actually",
    "apparently",
    "anyway",
    "yesterday",
    "today",
    "tomorrow",
    "finally",
    "hopefully",
    "honestly",
    "sent",
    "no",
    "mock",
    "haha",
    "please",
    "can",
    "could",
    "should",
    "would",
    "will",
    "is",
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

/// Words that make up job titles, to tell "netflix senior data scientist" apart.
pub(super) const ROLE_WORDS: &[&str] = &[
    "senior",
    "junior",
    "lead",
    "staff",
    "principal",
    "head",
    "chief",
    "data",
    "software",
    "backend",
    "back-end",
    "frontend",
    "front-end",
    "full",
    "fullstack",
    "full-stack",
    "stack",
    "product",
    "project",
    "program",
    "engineer",
    "engineering",
    "developer",
    "dev",
    "designer",
    "design",
    "manager",
    "analyst",
    "scientist",
    "researcher",
    "consultant",
    "architect",
    "intern",
    "internship",
    "graduate",
    "associate",
    "director",
    "specialist",
    "administrator",
    "admin",
    "ops",
    "devops",
    "sre",
    "qa",
    "test",
    "tester",
    "security",
    "cloud",
    "platform",
    "mobile",
    "ios",
    "android",
    "web",
    "ml",
    "machine",
    "learning",
    "ai",
    "ux",
    "ui",
    "marketing",
    "sales",
    "account",
    "customer",
    "support",
    "success",
    "operations",
    "finance",
    "financial",
    "accountant",
    "recruiter",
    "legal",
    "content",
    "writer",
    "editor",
    "technician",
    "coordinator",
    "officer",
    "executive",
    "infrastructure",
    "systems",
    "network",
    "embedded",
    "firmware",
    "hardware",
    "research",
    "quantitative",
    "quant",
    "trader",
    "risk",
    "controls",
    "automation",
    "reliability",
    "solutions",
    "technical",
    "business",
    "growth",
    "swe",
    "sde",
    "pm",
];

/// Places people name that are not the city of an IANA zone, and common zone abbreviations
/// (read as the zone people mean by them, with its DST rules).
const PLACES: &[(&str, &str)] = &[
    ("san francisco", "America/Los_Angeles"),
    ("sf", "America/Los_Angeles"),
    ("bay area", "America/Los_Angeles"),
    ("seattle", "America/Los_Angeles"),
    ("portland", "America/Los_Angeles"),
    ("san diego", "America/Los_Angeles"),
    ("san jose", "America/Los_Angeles"),
    ("california", "America/Los_Angeles"),
    ("la", "America/Los_Angeles"),
    ("nyc", "America/New_York"),
    ("boston", "America/New_York"),
    ("washington", "America/New_York"),
    ("washington dc", "America/New_York"),
    ("atlanta", "America/New_York"),
    ("miami", "America/New_York"),
    ("philadelphia", "America/New_York"),
    ("pittsburgh", "America/New_York"),
    ("austin", "America/Chicago"),
    ("dallas", "America/Chicago"),
    ("houston", "America/Chicago"),
    ("minneapolis", "America/Chicago"),
    ("salt lake city", "America/Denver"),
    ("montreal", "America/Toronto"),
    ("ottawa", "America/Toronto"),
    ("geneva", "Europe/Zurich"),
    ("basel", "Europe/Zurich"),
    ("bern", "Europe/Zurich"),
    ("lausanne", "Europe/Zurich"),
    ("lugano", "Europe/Zurich"),
    ("zürich", "Europe/Zurich"),
    ("switzerland", "Europe/Zurich"),
    ("munich", "Europe/Berlin"),
    ("münchen", "Europe/Berlin"),
    ("hamburg", "Europe/Berlin"),
    ("frankfurt", "Europe/Berlin"),
    ("cologne", "Europe/Berlin"),
    ("stuttgart", "Europe/Berlin"),
    ("germany", "Europe/Berlin"),
    ("manchester", "Europe/London"),
    ("edinburgh", "Europe/London"),
    ("uk", "Europe/London"),
    ("barcelona", "Europe/Madrid"),
    ("milan", "Europe/Rome"),
    ("krakow", "Europe/Warsaw"),
    ("kraków", "Europe/Warsaw"),
    ("lyon", "Europe/Paris"),
    ("france", "Europe/Paris"),
    ("rotterdam", "Europe/Amsterdam"),
    ("the netherlands", "Europe/Amsterdam"),
    ("netherlands", "Europe/Amsterdam"),
    ("gothenburg", "Europe/Stockholm"),
    ("bangalore", "Asia/Kolkata"),
    ("bengaluru", "Asia/Kolkata"),
    ("mumbai", "Asia/Kolkata"),
    ("delhi", "Asia/Kolkata"),
    ("new delhi", "Asia/Kolkata"),
    ("hyderabad", "Asia/Kolkata"),
    ("pune", "Asia/Kolkata"),
    ("chennai", "Asia/Kolkata"),
    ("india", "Asia/Kolkata"),
    ("beijing", "Asia/Shanghai"),
    ("shenzhen", "Asia/Shanghai"),
    ("osaka", "Asia/Tokyo"),
    ("japan", "Asia/Tokyo"),
    ("melbourne", "Australia/Melbourne"),
    ("canberra", "Australia/Sydney"),
    ("tel aviv", "Asia/Jerusalem"),
    ("abu dhabi", "Asia/Dubai"),
    ("cape town", "Africa/Johannesburg"),
    ("rio", "America/Sao_Paulo"),
    ("rio de janeiro", "America/Sao_Paulo"),
    ("wellington", "Pacific/Auckland"),
    ("est", "America/New_York"),
    ("edt", "America/New_York"),
    ("eastern", "America/New_York"),
    ("eastern time", "America/New_York"),
    ("cst", "America/Chicago"),
    ("central time", "America/Chicago"),
    ("mst", "America/Denver"),
    ("mountain time", "America/Denver"),
    ("pst", "America/Los_Angeles"),
    ("pdt", "America/Los_Angeles"),
    ("pacific", "America/Los_Angeles"),
    ("pacific time", "America/Los_Angeles"),
    ("cet", "Europe/Berlin"),
    ("cest", "Europe/Berlin"),
    ("gmt", "Europe/London"),
    ("bst", "Europe/London"),
    ("ist", "Asia/Kolkata"),
    ("jst", "Asia/Tokyo"),
    ("utc", "UTC"),
];

/// The IANA zone for a place or zone name: an IANA name in any case ("asia/tokyo"), a city
/// that names a zone ("Tokyo", "New York"), a listed city or region ("Geneva", "Bay Area"),
/// or a common abbreviation ("PST"). `None` when unknown.
pub fn city_timezone(place: &str) -> Option<Tz> {
    let wanted = place
        .trim()
        .trim_end_matches(['.', '!', '?', ','])
        .trim()
        .to_lowercase();
    if wanted.is_empty() {
        return None;
    }
    if let Some((_, zone)) = PLACES.iter().find(|(name, _)| *name == wanted) {
        return zone.parse().ok();
    }
    let underscored = wanted.replace(' ', "_");
    // Canonical "Area/City" names first: "Singapore" means Asia/Singapore, not the legacy
    // top-level alias.
    TZ_VARIANTS
        .iter()
        .find(|tz| tz.name().contains('/') && tz.name().eq_ignore_ascii_case(&underscored))
        .or_else(|| {
            // The city part of a canonical zone: "Europe/Zurich" for "zurich". Prefer
            // zones under a continent over legacy aliases like "US/…".
            TZ_VARIANTS.iter().find(|tz| {
                let name = tz.name();
                name.rsplit('/')
                    .next()
                    .is_some_and(|city| city.eq_ignore_ascii_case(&underscored))
                    && name.contains('/')
                    && !name.starts_with("US/")
                    && !name.starts_with("Etc/")
            })
        })
        .or_else(|| {
            TZ_VARIANTS
                .iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(&underscored))
        })
        .copied()
}

#[cfg(test)]
mod tests {
    use super::city_timezone;

    #[test]
    fn places_map_to_zones() {
        assert_eq!(
            city_timezone("Zurich").map(|t| t.name()),
            Some("Europe/Zurich")
        );
        assert_eq!(
            city_timezone("new york").map(|t| t.name()),
            Some("America/New_York")
        );
        assert_eq!(
            city_timezone("Asia/Tokyo").map(|t| t.name()),
            Some("Asia/Tokyo")
        );
        assert_eq!(
            city_timezone("asia/tokyo").map(|t| t.name()),
            Some("Asia/Tokyo")
        );
        assert_eq!(
            city_timezone("Geneva").map(|t| t.name()),
            Some("Europe/Zurich")
        );
        assert_eq!(
            city_timezone("San Francisco").map(|t| t.name()),
            Some("America/Los_Angeles")
        );
        assert_eq!(
            city_timezone("PST").map(|t| t.name()),
            Some("America/Los_Angeles")
        );
        assert_eq!(city_timezone("Atlantis"), None);
        assert_eq!(city_timezone(""), None);
    }
}

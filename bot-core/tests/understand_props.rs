//! Properties of understanding over arbitrary input: nothing panics, and every instant
//! produced is a real instant of the person's zone, carrying that zone's offset.

use bot_core::understand::time::{Bias, find};
use bot_core::understand::{Context, understand};
use chrono::{DateTime, Offset, TimeZone, Utc};
use chrono_tz::{TZ_VARIANTS, Tz};
use proptest::prelude::*;

/// Fragments people use around times, so generated text hits the resolver's paths often.
const FRAGMENTS: &[&str] = &[
    "remind me",
    "on",
    "at",
    "in",
    "next",
    "last",
    "this",
    "monday",
    "friday",
    "sunday",
    "tomorrow",
    "yesterday",
    "today",
    "tonight",
    "morning",
    "evening",
    "noon",
    "midnight",
    "march",
    "oct",
    "december",
    "the",
    "15th",
    "31st",
    "2nd",
    "2027",
    "1999",
    "9",
    "12",
    "0",
    "24",
    "25",
    "99",
    "2:30",
    "14:00",
    "23:59",
    "9am",
    "12pm",
    "12am",
    "13pm",
    "days",
    "weeks",
    "minutes",
    "hours",
    "months",
    "ago",
    "a",
    "two",
    "half an",
    "29/2",
    "31/4",
    "2/29",
    "1.1.",
    "2026-02-29",
    "2028-02-29",
    "applied to",
    "Google",
    "rejected",
    "interview",
    "snooze",
    "for",
    "-",
    ",",
    "#7",
    "$120k",
    "€",
    "ünïcödé",
    "🙂",
    "\u{0}",
    "\n",
];

fn tz_strategy() -> impl Strategy<Value = Tz> {
    (0..TZ_VARIANTS.len()).prop_map(|i| TZ_VARIANTS[i])
}

fn now_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    // 1971 .. 2099: around DST changes of every era.
    (31_536_000i64..4_102_444_800i64)
        .prop_map(|s| Utc.timestamp_opt(s, 0).single().expect("in range"))
}

fn phrase_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..8).prop_map(|words| words.join(" "))
}

fn check_instant(instant: &DateTime<chrono::FixedOffset>, tz: Tz) -> Result<(), TestCaseError> {
    let expected = tz.offset_from_utc_datetime(&instant.naive_utc()).fix();
    prop_assert_eq!(
        *instant.offset(),
        expected,
        "offset of {} in {}",
        instant,
        tz.name()
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_understood_without_panic(text in any::<String>(), tz in tz_strategy(), now in now_strategy()) {
        let ctx = Context { now, tz, companies: &["Google".to_owned()] };
        let understood = understand(&text, &ctx);
        prop_assert!((0.0..=1.0).contains(&understood.confidence));
        if let Some(when) = understood.slots.when {
            check_instant(&when, tz)?;
        }
    }

    #[test]
    fn time_phrases_resolve_to_valid_instants(text in phrase_strategy(), tz in tz_strategy(), now in now_strategy(), past in any::<bool>()) {
        let bias = if past { Bias::Past } else { Bias::Future };
        if let Some(resolved) = find(&text, now, tz, bias) {
            check_instant(&resolved.instant, tz)?;
            for span in &resolved.spans {
                prop_assert!(span.end <= text.len() && text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            }
        }
        let ctx = Context { now, tz, companies: &[] };
        let understood = understand(&text, &ctx);
        if let Some(when) = understood.slots.when {
            check_instant(&when, tz)?;
        }
    }
}

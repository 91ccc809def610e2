//! Throughput of `understand()` on a mix of everyday messages, one core.
//! Target (issue 3): at least 20,000 messages per second.
//!
//!     cargo bench --bench understand

use bot_core::understand::{Context, understand};
use chrono::{DateTime, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// A mix of what people send: tracking, updates with times, questions, reminders, chatter.
const MESSAGES: &[&str] = &[
    "I just applied to Stripe for the backend engineer role",
    "applied at Datadog last Friday - site reliability engineer",
    "log an application: Shopify, staff data engineer, applied on Nov 3",
    "Google invited me to an interview on Friday at 10am",
    "stripe rejected me",
    "got an offer from Spotify!!",
    "the Zalando onsite is on December 9 at 13:30",
    "mark Canva as ghosted",
    "which companies rejected me?",
    "show my applications",
    "what interviews do I have coming up",
    "find remote rust jobs in Berlin",
    "any product designer roles in Lisbon?",
    "remind me next Monday at 8:00 to update my LinkedIn",
    "remind me in 3 days to follow up with the recruiter",
    "remind me tomorrow evening to prepare STAR stories",
    "snooze 2 days",
    "set my timezone to America/Los_Angeles",
    "I'm in Zurich",
    "write me a cover letter for Atlassian",
    "help me prep for the GitHub system design interview",
    "how do I negotiate a signing bonus",
    "please review my CV",
    "thanks!",
    "hello",
    "/status #12 interview",
    "what's the weather like",
    "I applied to Credit Suisse on 20.11. for risk analyst, salary CHF 120k",
];

fn bench_understand(c: &mut Criterion) {
    let now: DateTime<Utc> = "2026-11-24T08:00:00Z".parse().expect("valid instant");
    let companies: Vec<String> = ["Stripe", "Datadog", "Google", "Spotify", "Zalando", "Canva"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let ctx = Context {
        now,
        tz: chrono_tz::Europe::Zurich,
        companies: &companies,
    };
    let mut group = c.benchmark_group("understand");
    group.throughput(Throughput::Elements(MESSAGES.len() as u64));
    group.bench_function("mixed_messages", |b| {
        b.iter(|| {
            for message in MESSAGES {
                black_box(understand(black_box(message), &ctx));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench_understand);
criterion_main!(benches);

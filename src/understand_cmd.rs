//! `jtp understand`: the understanding layer as a command, in the evaluation contract's JSONL
//! format or for one message at a time.

use anyhow::{Context as _, bail};
use bot_core::understand::{Context, understand};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Map, Value, json};
use std::io::{BufRead, Write};

/// Read JSONL (`text`, `now`, `tz`, other fields copied through) from stdin and write one
/// prediction per line. A line that cannot be read yields `{"error": …}` in its place, so
/// outputs stay aligned with inputs.
pub fn jsonl(explain: bool) -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lock().lines().enumerate() {
        let line = line.with_context(|| format!("reading input line {}", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let prediction = match predict(&line, explain) {
            Ok(value) => value,
            Err(err) => json!({ "error": format!("line {}: {err:#}", n + 1) }),
        };
        writeln!(out, "{prediction}")?;
    }
    out.flush()?;
    Ok(())
}

fn predict(line: &str, explain: bool) -> anyhow::Result<Value> {
    let input: Map<String, Value> = serde_json::from_str(line).context("not a JSON object")?;
    let text = input
        .get("text")
        .and_then(Value::as_str)
        .context("missing \"text\"")?;
    let tz = match input.get("tz").and_then(Value::as_str) {
        Some(name) => parse_tz(name)?,
        None => Tz::UTC,
    };
    let now = match input.get("now").and_then(Value::as_str) {
        Some(now) => parse_now(now)?,
        None => Utc::now(),
    };
    let mut output = Map::new();
    for (key, value) in &input {
        if !matches!(key.as_str(), "text" | "now" | "tz" | "intent" | "slots") {
            output.insert(key.clone(), value.clone());
        }
    }
    let result = one(text, now, tz, explain);
    if let Value::Object(fields) = result {
        output.extend(fields);
    }
    Ok(Value::Object(output))
}

/// The reading of one message as a JSON object.
pub fn one(text: &str, now: DateTime<Utc>, tz: Tz, explain: bool) -> Value {
    let ctx = Context {
        now,
        tz,
        companies: &[],
    };
    let understood = understand(text, &ctx);
    let mut value = json!({
        "intent": understood.intent.as_str(),
        "slots": understood.slots,
        "confidence": (f64::from(understood.confidence) * 100.0).round() / 100.0,
    });
    if explain {
        value["rule"] = json!(understood.rule);
    }
    value
}

/// The `--tz` flag or a JSONL line's `tz` as a zone, with an error that says what to give.
pub fn parse_tz(name: &str) -> anyhow::Result<Tz> {
    match name.parse() {
        Ok(tz) => Ok(tz),
        Err(_) => bail!("unknown timezone {name:?}: use an IANA name such as Europe/Zurich"),
    }
}

/// The `--now` flag or a JSONL line's `now` as an instant, so runs can be reproduced.
pub fn parse_now(now: &str) -> anyhow::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(now)
        .map(|t| t.with_timezone(&Utc))
        .with_context(|| format!("\"now\" must be RFC 3339 with an offset, got {now:?}"))
}

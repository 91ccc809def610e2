//! Black-box tests of `jtp understand`: the contract's JSONL in and out, one-message mode
//! with --explain, and clear errors.

mod common;

use common::jtp;
use serde_json::Value;
use std::io::Write;
use std::process::Stdio;

fn run_jsonl(input: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().unwrap();
    let mut child = jtp(dir.path(), None)
        .args(["understand", "--jsonl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jsonl_follows_the_contract_and_keeps_lines_aligned() {
    let out = run_jsonl(concat!(
        r#"{"id": "a", "text": "remind me next Monday at 8:00 to update my LinkedIn", "now": "2026-11-24T09:00:00+01:00", "tz": "Europe/Zurich", "intent": "gold is ignored"}"#,
        "\n",
        "not json\n",
        r#"{"id": "c", "text": "Google invited me to an interview on Friday at 10am", "now": "2026-03-25T09:00:00-04:00", "tz": "America/New_York", "batch": 7}"#,
        "\n",
        r#"{"id": "d", "text": "x", "tz": "Mars/Olympus"}"#,
        "\n",
    ));
    assert_eq!(out.len(), 4, "one output line per input line: {out:?}");
    assert_eq!(out[0]["id"], "a");
    assert_eq!(out[0]["intent"], "set_reminder");
    assert_eq!(out[0]["slots"]["when"], "2026-11-30T08:00:00+01:00");
    assert_eq!(out[0]["slots"]["text"], "update my LinkedIn");
    assert!(
        out[1]["error"].as_str().unwrap().contains("line 2"),
        "{:?}",
        out[1]
    );
    assert_eq!(out[2]["batch"], 7, "other fields are copied through");
    assert_eq!(out[2]["intent"], "update_application");
    assert_eq!(out[2]["slots"]["company"], "Google");
    assert_eq!(out[2]["slots"]["status"], "interview");
    assert_eq!(out[2]["slots"]["when"], "2026-03-27T10:00:00-04:00");
    let confidence = out[2]["confidence"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&confidence));
    assert!(
        out[3]["error"].as_str().unwrap().contains("Mars/Olympus"),
        "{:?}",
        out[3]
    );
}

#[test]
fn one_message_with_explain_and_money() {
    let dir = tempfile::tempdir().unwrap();
    let output = jtp(dir.path(), None)
        .args([
            "understand",
            "--explain",
            "--tz",
            "Europe/Zurich",
            "--now",
            "2026-11-24T09:00:00+01:00",
        ])
        .arg("I applied to Credit Suisse for risk analyst, salary CHF 120k")
        .output()
        .unwrap();
    assert!(output.status.success());
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["intent"], "track_application");
    assert_eq!(value["rule"], "track");
    assert_eq!(value["slots"]["company"], "Credit Suisse");
    assert_eq!(value["slots"]["money"]["amount"], 120000.0);
    assert_eq!(value["slots"]["money"]["currency"], "CHF");
}

#[test]
fn an_unknown_zone_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = jtp(dir.path(), None)
        .args(["understand", "--tz", "Europe/Atlantis", "hello"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown timezone \"Europe/Atlantis\""),
        "{stderr}"
    );
}

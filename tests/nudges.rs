//! Black-box: a reminder set in conversation shows up in the console unprompted, and its
//! buttons work. Waits for real time (the shortest reminder is "in 1 minute").

mod common;

use common::jtp;
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[test]
fn a_reminder_set_in_chat_arrives_unprompted_and_can_be_snoozed() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = jtp(dir.path(), None)
        .args(["chat", "--user", "nina"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (lines_tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str, within: Duration| -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
                let hit = line.contains(needle);
                seen.push(line);
                if hit {
                    return seen;
                }
            }
        }
        panic!(
            "{needle:?} did not appear within {within:?}; saw:\n{}",
            seen.join("\n")
        );
    };

    writeln!(stdin, "I live in Zurich").unwrap();
    wait_for("Europe/Zurich", Duration::from_secs(30));
    writeln!(stdin, "remind me in 1 minute to stretch").unwrap();
    wait_for("I'll remind you", Duration::from_secs(30));
    writeln!(stdin, "show my reminders").unwrap();
    wait_for("— stretch", Duration::from_secs(30));

    // Nothing is typed now: the nudge comes on its own.
    let nudge = wait_for("⏰ Reminder: stretch", Duration::from_secs(120));
    let buttons = wait_for(
        "[1] ✅ Done  [2] 💤 Snooze 1 day  [3] 🛑 Stop",
        Duration::from_secs(10),
    );
    assert!(!nudge.is_empty() && !buttons.is_empty());
    writeln!(stdin, "2").unwrap();
    wait_for("💤 Snoozed: stretch — now on ", Duration::from_secs(30));
    writeln!(stdin, "show my reminders").unwrap();
    wait_for("— stretch", Duration::from_secs(30));
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

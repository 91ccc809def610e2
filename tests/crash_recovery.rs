//! Black-box crash tests: `jtp run` is killed with SIGKILL (kill -9) at a fault point —
//! between claiming reminders and writing their nudges, and between a platform accepting a
//! message and the outbox recording it — then started again. Every reminder must reach the
//! platform, and none be shown twice. The platform is the recording adapter (see
//! src/recording_adapter.rs), which deduplicates by idempotency key as Matrix and Discord do;
//! the log it keeps is the witness. Runs on SQLite and on PostgreSQL. And PostgreSQL cuts
//! every connection of a running process, as a server restart does: nothing is lost.

mod common;

use bot_core::store::Store;
use common::jtp;
use jtp_testkit::PgTestDb;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const REMINDERS: usize = 25;

/// `jtp run` with a short lease and the recording adapter writing to `log`.
fn start(dir: &Path, url: Option<&str>, log: &Path, fault: Option<&str>) -> Child {
    let mut cmd = jtp(dir, url);
    cmd.arg("run")
        .env("JTP_SCHEDULER__LEASE_SECONDS", "2")
        .env("JTP_HEALTH__LISTEN", "127.0.0.1:0")
        .env("JTP_TEST_DELIVERY_LOG", log)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(point) = fault {
        cmd.env("JTP_FAULT_PAUSE", point);
    }
    cmd.spawn().expect("start jtp run")
}

/// Wait for the fault point's announcement on stderr, then kill -9.
fn kill_at_fault_point(mut child: Child, point: &str) {
    let stderr = child.stderr.take().expect("stderr is piped");
    let wanted = format!("fault point {point} reached");
    let (seen_tx, seen_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let hit = line.contains(&wanted);
            seen.push(line);
            if hit {
                let _ = seen_tx.send(Ok(()));
                return;
            }
        }
        let _ = seen_tx.send(Err(seen.join("\n")));
    });
    match seen_rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(())) => {}
        Ok(Err(stderr)) => panic!("jtp run ended before the fault point:\n{stderr}"),
        Err(_) => panic!("the fault point {point} was not reached within 60 s"),
    }
    child.kill().expect("SIGKILL"); // Child::kill is SIGKILL on Unix.
    child.wait().expect("reap the killed process");
}

/// What the platform showed (key → times shown) and how many repeats it suppressed.
fn witnessed(log: &Path) -> (HashMap<String, usize>, usize) {
    let mut shown = HashMap::new();
    let mut suppressed = 0;
    let Ok(text) = std::fs::read_to_string(log) else {
        return (shown, 0);
    };
    // Only whole lines: the running process may be half-way through appending one.
    for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
        let entry: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        if let Some(key) = entry["key"].as_str() {
            *shown.entry(key.to_owned()).or_insert(0) += 1;
        } else if entry["suppressed"].is_string() {
            suppressed += 1;
        }
    }
    (shown, suppressed)
}

/// Restart without a fault and wait until every reminder was shown (or time runs out).
fn recover(dir: &Path, url: Option<&str>, log: &Path) -> HashMap<String, usize> {
    settle(start(dir, url, log, None), log)
}

/// Wait until the running `child` showed every reminder (or time runs out), a moment more
/// for any duplicate, then stop it; returns what was shown.
fn settle(mut child: Child, log: &Path) -> HashMap<String, usize> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let shown = loop {
        let (shown, _) = witnessed(log);
        if shown.len() >= REMINDERS || Instant::now() > deadline {
            break shown;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // A moment more, so a duplicate sent late would show up too.
    std::thread::sleep(Duration::from_secs(3));
    child.kill().expect("stop jtp run");
    child.wait().expect("reap jtp run");
    let (after, _) = witnessed(log);
    assert_eq!(
        after.len(),
        shown.len(),
        "nothing new after recovery settled"
    );
    after
}

fn seed(url: Option<&str>, dir: &Path) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::open(url, &dir.join("data")).await.expect("store");
        common::seed::due_reminders(&store, "crash", REMINDERS).await;
        store.close().await;
    });
}

fn assert_each_once(shown: &HashMap<String, usize>) {
    assert_eq!(
        shown.len(),
        REMINDERS,
        "every reminder delivered: {shown:?}"
    );
    let twice: Vec<_> = shown.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "shown more than once: {twice:?}");
}

/// Killed after taking a batch, before writing anything: its transaction dies with it, and a
/// restarted process fires and delivers everything.
fn killed_between_claim_and_send(url: Option<&str>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let log = dir.path().join("delivered.jsonl");
    seed(url, dir.path());
    kill_at_fault_point(
        start(dir.path(), url, &log, Some("after-claim")),
        "after-claim",
    );
    let (shown, _) = witnessed(&log);
    assert!(
        shown.is_empty(),
        "nothing was sent before the crash: {shown:?}"
    );
    assert_each_once(&recover(dir.path(), url, &log));
}

/// Killed after the platform accepted a message and before the outbox recorded it: the
/// restarted process sends that row again, and the platform shows it once.
fn killed_between_send_and_record(url: Option<&str>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let log = dir.path().join("delivered.jsonl");
    seed(url, dir.path());
    kill_at_fault_point(
        start(dir.path(), url, &log, Some("after-send")),
        "after-send",
    );
    let (shown, _) = witnessed(&log);
    assert_eq!(shown.len(), 1, "one message was out when the process died");
    let shown = recover(dir.path(), url, &log);
    assert_each_once(&shown);
    let (_, suppressed) = witnessed(&log);
    assert!(
        suppressed >= 1,
        "the unrecorded message was sent again after the restart (and deduplicated)"
    );
}

#[test]
fn sqlite_kill_between_claim_and_send() {
    killed_between_claim_and_send(None);
}

#[test]
fn sqlite_kill_between_send_and_record() {
    killed_between_send_and_record(None);
}

#[test]
fn postgres_kill_between_claim_and_send() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let db = runtime.block_on(PgTestDb::create());
    killed_between_claim_and_send(Some(&db.url));
    runtime.block_on(db.drop_db());
}

#[test]
fn postgres_kill_between_send_and_record() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let db = runtime.block_on(PgTestDb::create());
    killed_between_send_and_record(Some(&db.url));
    runtime.block_on(db.drop_db());
}

/// PostgreSQL drops every connection of a running `jtp run` (as a server restart or a
/// failover does) just before its reminders come due: it reconnects, and each is delivered
/// once.
#[test]
fn postgres_connections_cut_while_running_lose_nothing() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let db = runtime.block_on(PgTestDb::create());
    let dir = tempfile::tempdir().expect("temporary directory");
    let log = dir.path().join("delivered.jsonl");
    let due = chrono::Utc::now().naive_utc() + chrono::Duration::seconds(8);
    runtime.block_on(async {
        let store = Store::open(Some(&db.url), &dir.path().join("data"))
            .await
            .expect("store");
        common::seed::reminders_due_at(&store, "cut", REMINDERS, due).await;
        store.close().await;
    });
    let child = start(dir.path(), Some(&db.url), &log, None);
    std::thread::sleep(Duration::from_secs(3));
    let cut: i64 = runtime.block_on(async {
        use sqlx::Connection;
        let mut admin = sqlx::PgConnection::connect(&db.url).await.expect("admin");
        let cut = sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()) AS cut",
        )
        .fetch_one(&mut admin)
        .await
        .expect("terminate the process's connections");
        admin.close().await.expect("close");
        cut
    });
    assert!(cut >= 1, "jtp run held connections to cut");
    let (before, _) = witnessed(&log);
    assert!(
        before.is_empty(),
        "nothing was due before the cut: {before:?}"
    );
    assert_each_once(&settle(child, &log));
    runtime.block_on(db.drop_db());
}

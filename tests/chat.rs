//! Black-box tests of `jtp chat`: the built binary, scripted stdin, a fresh data directory,
//! SQLite by default and PostgreSQL through DATABASE_URL.

mod common;

use common::{chat, jtp, list_block, ok_stdout};
use jtp_testkit::PgTestDb;
use sqlx::Connection;

const SESSION: &str = "I applied to Stripe for the backend engineer role\n\
    applied at Datadog yesterday - site reliability engineer\n\
    /track Siemens, automation engineer\n\
    Stripe invited me to an interview\n\
    Datadog rejected me\n\
    show my applications\n";

/// Track three applications, move one to interview and one to rejected, list, restart, list:
/// the same list both times, and the rows in the database.
fn session_survives_restart(dir: &std::path::Path, url: Option<&str>) -> String {
    let first = ok_stdout(&chat(dir, url, "alice", SESSION.as_bytes()));
    assert_eq!(first.matches("Tracked #").count(), 3, "{first}");
    assert!(
        first.contains("Moved #1 Stripe — backend engineer from Applied to Interview"),
        "{first}"
    );
    assert!(
        first.contains("Moved #2 Datadog — site reliability engineer from Applied to Rejected"),
        "{first}"
    );
    let before = list_block(&first, 0);
    assert!(before.contains("Interview\n- #1 Stripe"), "{before}");
    assert!(before.contains("Rejected\n- #2 Datadog"), "{before}");
    assert!(before.contains("Applied\n- #3 Siemens"), "{before}");

    let second = ok_stdout(&chat(dir, url, "alice", b"/apps\n"));
    assert_eq!(
        list_block(&second, 0),
        before,
        "the list after a restart is the same"
    );

    // Another person on the same database sees none of it.
    let other = ok_stdout(&chat(dir, url, "bob", b"/apps\n"));
    assert!(
        other.contains("not tracking any applications yet"),
        "{other}"
    );
    before
}

#[test]
fn scripted_session_survives_restart_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    session_survives_restart(dir.path(), None);

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let url = format!("sqlite:{}", dir.path().join("data/jtp.db").display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT company, status FROM applications ORDER BY id")
                .fetch_all(&mut db)
                .await
                .unwrap();
        assert_eq!(
            rows,
            [
                ("Stripe".into(), "interview".into()),
                ("Datadog".into(), "rejected".into()),
                ("Siemens".into(), "applied".into())
            ]
        );
        let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM application_events")
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(events, 5, "3 created + 2 status changes");
        let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE state <> 'sent'")
            .fetch_one(&mut db)
            .await
            .unwrap();
        assert_eq!(
            unsent, 0,
            "every reply went through the outbox and was delivered"
        );
    });
}

#[test]
fn scripted_session_survives_restart_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(PgTestDb::create());
    let dir = tempfile::tempdir().unwrap();
    session_survives_restart(dir.path(), Some(&db.url));
    assert!(
        !dir.path().join("data/jtp.db").exists(),
        "PostgreSQL was used, not SQLite"
    );
    runtime.block_on(async {
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT company, status FROM applications ORDER BY id")
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0], ("Stripe".into(), "interview".into()));
        conn.close().await.unwrap();
        db.drop_db().await;
    });
}

#[test]
fn bad_input_gets_a_clear_answer_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    ok_stdout(&chat(
        dir.path(),
        None,
        "carol",
        b"I applied to Apple for the iOS role\n",
    ));

    let mut input = Vec::new();
    input.extend_from_slice(b"\n   \n\n");
    input.extend(std::iter::repeat_n(b'x', 100 * 1024));
    input.push(b'\n');
    input.extend_from_slice(b"\xff\xfe not text\n");
    input.extend_from_slice(b"/apps\n");
    let output = chat(dir.path(), None, "carol", &input);
    let stdout = ok_stdout(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stdout.contains("That message is 102400 characters long"),
        "{stdout}"
    );
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stdout.contains("#1 Apple"),
        "earlier data is intact: {stdout}"
    );
    assert_eq!(
        stdout.matches("Your applications").count(),
        1,
        "empty lines get no reply: {stdout}"
    );
}

#[test]
fn unusable_data_directory_is_a_clear_fatal_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let output = jtp(dir.path(), None)
        .env("JTP_DATA_DIR", file.join("data"))
        .args(["chat", "--user", "x"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("data directory") && stderr.contains("not-a-dir"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn unreachable_database_is_a_clear_fatal_error_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = jtp(dir.path(), Some("postgres://jtp:hunter2@127.0.0.1:1/jtp"))
        .args(["chat", "--user", "x"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("could not connect to the database at postgres://jtp:***@127.0.0.1:1/jtp"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn two_processes_share_one_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    ok_stdout(&jtp(dir.path(), None).arg("migrate").output().unwrap());
    let script = |prefix: &str| -> Vec<u8> {
        (0..25)
            .map(|i| format!("/track {prefix}{i}, engineer\n"))
            .collect::<String>()
            .into_bytes()
    };
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| chat(dir.path(), None, "ann", &script("Alpha")));
        let b = s.spawn(|| chat(dir.path(), None, "ben", &script("Beta")));
        (a.join().unwrap(), b.join().unwrap())
    });
    let (a, b) = (ok_stdout(&a), ok_stdout(&b));
    assert_eq!(a.matches("Tracked #").count(), 25, "{a}");
    assert_eq!(b.matches("Tracked #").count(), 25, "{b}");
    assert!(
        !a.contains("Beta") && !b.contains("Alpha"),
        "each process prints only its own replies"
    );

    let listed = ok_stdout(&chat(dir.path(), None, "ann", b"/apps\n"));
    assert!(listed.contains("Your applications (25)"), "{listed}");
    let check = jtp(dir.path(), None).arg("migrate").output().unwrap();
    assert!(
        check.status.success(),
        "the file is still a healthy database"
    );
}

#[test]
fn help_lists_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let output = jtp(dir.path(), None).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for command in ["chat", "migrate", "understand"] {
        assert!(help.contains(command), "{help}");
    }
    assert!(
        help.contains("Chat with the bot in this terminal"),
        "{help}"
    );
}

#[test]
fn unrelated_jtp_variables_do_not_break_start_up() {
    // Tools that launch jtp (MCP clients, CI) pass their whole environment along.
    let dir = tempfile::tempdir().unwrap();
    let output = jtp(dir.path(), None)
        .env("JTP_TEST_PEERS", "/somewhere")
        .env("JTP_SOMETHING_ELSE", "x")
        .env("JTP_CONSOLE__USER", "from-env")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A known key still applies, and a config file still rejects typos.
    std::fs::write(dir.path().join("jtp.toml"), "timezon = \"Europe/Zurich\"\n").unwrap();
    let typo = jtp(dir.path(), None).arg("migrate").output().unwrap();
    assert!(!typo.status.success());
    assert!(
        String::from_utf8_lossy(&typo.stderr).contains("timezon"),
        "{}",
        String::from_utf8_lossy(&typo.stderr)
    );
}

/// The database goes away in the middle of a chat (a PostgreSQL restart, a network cut):
/// the message sent meanwhile is answered that nothing was saved from it, the session goes
/// on, and once the database is back the same message is taken.
#[test]
fn a_chat_outlives_the_database_going_away() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    use std::sync::mpsc;
    use std::time::Duration;

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(PgTestDb::create());
    let relay = runtime.block_on(jtp_testkit::TcpRelay::start(&db.server()));
    let dir = tempfile::tempdir().unwrap();
    let mut child = jtp(dir.path(), Some(&db.url_via(&relay)))
        .args(["chat", "--user", "ann"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Both streams' lines on one channel, in the order they come.
    let (lines, output) = mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    for stream in [
        Box::new(stdout) as Box<dyn std::io::Read + Send>,
        Box::new(stderr),
    ] {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
    }
    let mut say = |text: &str, expected: &str| {
        writeln!(stdin, "{text}").unwrap();
        loop {
            let line = output
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|_| panic!("no {expected:?} after {text:?}"));
            if line.contains(expected) {
                return;
            }
        }
    };

    say("I applied to Stripe for the backend role", "Tracked #1");
    relay.cut();
    say(
        "I applied to Figma for the design engineer role",
        "Nothing was saved from it; please send it again.",
    );
    relay.restore();
    say(
        "I applied to Figma for the design engineer role",
        "Tracked #2",
    );
    drop(stdin);
    assert!(
        child.wait().unwrap().success(),
        "the session ended normally"
    );
    drop(relay);
    runtime.block_on(db.drop_db());
}

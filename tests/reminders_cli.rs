//! Black-box `jtp reminders`: two processes firing the same database's due reminders at
//! once (every reminder becomes exactly one outbox message; PostgreSQL with 10,000, SQLite
//! with 2,000), and what operators see of a nudge that failed and put back.

mod common;

use bot_core::store::Store;
use common::jtp;
use jtp_testkit::PgTestDb;
use std::path::Path;

/// Run two `jtp reminders fire` at once; returns what each fired.
fn fire_twice(dir: &Path, url: Option<&str>) -> (usize, usize) {
    let run = || {
        let stdout = reminders(dir, url, &["fire"]);
        stdout
            .split_whitespace()
            .nth(1)
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or_else(|| panic!("unexpected output {stdout:?}"))
    };
    std::thread::scope(|s| {
        let a = s.spawn(run);
        let b = s.spawn(run);
        (a.join().unwrap(), b.join().unwrap())
    })
}

#[test]
fn two_processes_fire_ten_thousand_reminders_exactly_once_on_postgres() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let db = runtime.block_on(PgTestDb::create());
    let dir = tempfile::tempdir().unwrap();
    runtime.block_on(async {
        let store = Store::open(Some(&db.url), dir.path()).await.unwrap();
        common::seed::due_reminders(&store, "many", 10_000).await;
        store.close().await;
    });
    let (a, b) = fire_twice(dir.path(), Some(&db.url));
    assert_eq!(a + b, 10_000, "fired {a} + {b}");
    assert!(a > 0 && b > 0, "both processes took part: {a} + {b}");
    runtime.block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
        let (rows, keys): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM outbox WHERE idempotency_key LIKE 'reminder:%'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!((rows, keys), (10_000, 10_000));
        let unfired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reminders WHERE state <> 'fired'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(unfired, 0);
        conn.close().await.unwrap();
        db.drop_db().await;
    });
}

#[test]
fn two_processes_fire_reminders_exactly_once_on_sqlite() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    runtime.block_on(async {
        let store = Store::open(None, &dir.path().join("data")).await.unwrap();
        common::seed::due_reminders(&store, "many", 2_000).await;
        store.close().await;
    });
    let (a, b) = fire_twice(dir.path(), None);
    assert_eq!(a + b, 2_000, "fired {a} + {b}");
    runtime.block_on(async {
        use sqlx::Connection;
        let url = format!("sqlite:{}", dir.path().join("data/jtp.db").display());
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let (rows, keys): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT idempotency_key) FROM outbox WHERE idempotency_key LIKE 'reminder:%'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!((rows, keys), (2_000, 2_000));
    });
}

/// Run `jtp reminders <args>` and return what it printed.
fn reminders(dir: &Path, url: Option<&str>, args: &[&str]) -> String {
    let output = jtp(dir, url).arg("reminders").args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn operators_see_a_nudge_that_failed_and_put_it_back() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    runtime.block_on(async {
        let store = Store::open(None, &dir.path().join("data")).await.unwrap();
        common::seed::due_reminders(&store, "ann", 2).await;
        // Fired, and the first nudge refused by the platform for good.
        bot_core::scheduler::Scheduler::new(store.clone(), "test")
            .tick(bot_core::store::now())
            .await
            .unwrap();
        let claimed = store
            .claim_due_outbox(
                bot_core::Platform::Console,
                None,
                "test",
                std::time::Duration::from_secs(60),
                1,
            )
            .await
            .unwrap();
        store
            .mark_outbox_failed(
                claimed[0].id,
                "test",
                "Forbidden: bot was blocked by the user",
            )
            .await
            .unwrap();
        store.close().await;
    });

    let listed = reminders(dir.path(), None, &["deliveries"]);
    assert!(listed.contains("2 message(s) not delivered"), "{listed}");
    let failed = reminders(dir.path(), None, &["deliveries", "--state", "failed"]);
    assert!(failed.contains("1 message(s) not delivered"), "{failed}");
    assert!(
        failed.contains("Forbidden: bot was blocked by the user"),
        "{failed}"
    );
    assert!(failed.contains("reminder:"), "{failed}");
    assert!(!failed.contains("task "), "no private text shown: {failed}");

    let retried = reminders(dir.path(), None, &["retry"]);
    assert!(
        retried.contains("put back 0 reminder(s) and 1 outbox message(s)"),
        "{retried}"
    );
    let failed = reminders(dir.path(), None, &["deliveries", "--state", "failed"]);
    assert!(failed.contains("0 message(s) not delivered"), "{failed}");
}

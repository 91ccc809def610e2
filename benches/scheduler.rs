//! Scheduler throughput: N due reminders claimed, written to the outbox and delivered to a
//! no-op adapter, against a raw UPDATE of the same rows, in one run, on SQLite and on
//! PostgreSQL (a fresh database on the machine's server). Target (issue 5): at most 3×.
//!
//!     cargo bench --bench scheduler                 # N = 100,000
//!     JTP_BENCH_REMINDERS=20000 cargo bench --bench scheduler

use async_trait::async_trait;
use bot_core::message::{ChatRef, Outbound, Platform};
use bot_core::scheduler::Scheduler;
use bot_core::store::{NewReminder, Store};
use bot_core::{Adapter, DeliveryError, OutboxSender};
use sqlx::Connection;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Accepts every message and does nothing: measures our path, not a platform.
struct NoOp;

#[async_trait]
impl Adapter for NoOp {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    async fn deliver(&self, _chat: &ChatRef, _message: &Outbound) -> Result<String, DeliveryError> {
        Ok(String::new())
    }
}

async fn seed(store: &Store, count: usize) {
    let user = store
        .resolve_user("console", "bench", None)
        .await
        .expect("user");
    let chat = ChatRef {
        platform: Platform::Console,
        chat_id: "console:bench".into(),
        thread_id: None,
        is_direct: true,
    };
    let chat_id = store.upsert_chat(&chat).await.expect("chat").id;
    store
        .log_inbound(user.id, chat_id, "hi", None)
        .await
        .expect("message");
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(1);
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let store = store.clone();
        let user = user.id;
        tasks.push(tokio::spawn(async move {
            for i in (worker..count).step_by(8) {
                let new = NewReminder {
                    kind: "custom".into(),
                    text: format!("task {i}"),
                    timezone: chrono_tz::UTC,
                    local_time: past,
                    application_id: None,
                    chat_id: None,
                    explicit_time: true,
                };
                store.insert_reminder(user, &new).await.expect("insert");
            }
        }));
    }
    for task in tasks {
        task.await.expect("seeding task");
    }
}

async fn measure(label: &str, store: &Store, raw_url: &str, count: usize) {
    seed(store, count).await;
    let scheduler = Scheduler::new(store.clone(), "bench");
    let sender = OutboxSender::new(store.clone(), Arc::new(NoOp), "bench");
    let started = Instant::now();
    let fired = scheduler.tick(chrono::Utc::now()).await.expect("tick");
    let delivered = sender.drain_due().await.expect("drain");
    let ours = started.elapsed();
    assert_eq!((fired.len(), delivered), (count, count));

    // The same rows, back to pending, updated by one raw statement.
    let raw = match store.backend() {
        bot_core::store::Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(raw_url)
                .await
                .expect("raw connection");
            sqlx::query("UPDATE reminders SET state = 'pending'")
                .execute(&mut conn)
                .await
                .expect("reset");
            let started = Instant::now();
            sqlx::query(
                "UPDATE reminders SET state = 'fired' WHERE state = 'pending' AND due_at <= $1",
            )
            .bind(chrono::Utc::now())
            .execute(&mut conn)
            .await
            .expect("raw update");
            started.elapsed()
        }
        bot_core::store::Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(raw_url)
                .await
                .expect("raw connection");
            sqlx::query("UPDATE reminders SET state = 'pending'")
                .execute(&mut conn)
                .await
                .expect("reset");
            let started = Instant::now();
            sqlx::query(
                "UPDATE reminders SET state = 'fired' WHERE state = 'pending' AND due_at <= $1",
            )
            .bind(chrono::Utc::now())
            .execute(&mut conn)
            .await
            .expect("raw update");
            started.elapsed()
        }
    };
    let per_sec = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "{label:<10} {count} reminders: claim+outbox+deliver {:>8.2} s ({:>9.0}/s)   raw UPDATE {:>7.3} s ({:>10.0}/s)   ratio {:>6.1}x",
        ours.as_secs_f64(),
        per_sec(ours),
        raw.as_secs_f64(),
        per_sec(raw),
        ours.as_secs_f64() / raw.as_secs_f64()
    );
}

fn main() {
    let count: usize = std::env::var("JTP_BENCH_REMINDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("temporary directory");
        let store = Store::open(None, dir.path()).await.expect("SQLite store");
        let url = format!("sqlite:{}", dir.path().join("jtp.db").display());
        measure("SQLite", &store, &url, count).await;
        store.close().await;

        let db = jtp_testkit::PgTestDb::create().await;
        let store = Store::open(Some(&db.url), dir.path())
            .await
            .expect("PostgreSQL store");
        measure("PostgreSQL", &store, &db.url, count).await;
        store.close().await;
        db.drop_db().await;
    });
}

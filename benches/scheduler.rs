//! Scheduler throughput: N due reminders claimed, written to the outbox and delivered to a
//! no-op adapter, against a raw UPDATE of the same rows (the median of five) in the same
//! run, on SQLite and on PostgreSQL (a fresh database on the machine's server). Target
//! (issue 5): at most 3×.
//! It also times the floor of the design: the reminder update, the outbox insert and the
//! delivery record, each as one raw statement over all the rows.
//!
//!     cargo bench --bench scheduler                 # N = 100,000
//!     JTP_BENCH_REMINDERS=20000 cargo bench --bench scheduler

use async_trait::async_trait;
use bot_core::message::{ChatRef, Outbound, Platform};
use bot_core::scheduler::Scheduler;
use bot_core::store::Store;
use bot_core::{Adapter, DeliveryError, OutboxSender};
use sqlx::Connection;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "../tests/common/seed.rs"]
mod seed;

/// Accepts every message and does nothing: measures our path, not a platform.
struct NoOp;

#[async_trait]
impl Adapter for NoOp {
    fn platform(&self) -> Platform {
        Platform::Console
    }
    async fn deliver(
        &self,
        _chat: &ChatRef,
        _message: &Outbound,
        _idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        Ok(String::new())
    }
}

/// Run `$body` with `$conn` bound to a fresh connection of the store's own kind, beside the
/// store: the statistics run and the raw baseline go around our code.
macro_rules! with_raw_connection {
    ($store:expr, $url:expr, |$conn:ident| $body:expr) => {
        match $store.backend() {
            bot_core::store::Backend::Sqlite => {
                let mut $conn = sqlx::SqliteConnection::connect($url)
                    .await
                    .expect("raw connection");
                $body
            }
            bot_core::store::Backend::Postgres => {
                let mut $conn = sqlx::PgConnection::connect($url)
                    .await
                    .expect("raw connection");
                $body
            }
        }
    };
}

async fn measure(label: &str, store: &Store, raw_url: &str, count: usize) {
    seed::due_reminders(store, "bench", count).await;
    // A backlog after downtime has sat in the table long enough for the database to have
    // statistics on it; freshly seeded rows would not, and PostgreSQL would plan the
    // claims for the handful of rows it last saw.
    with_raw_connection!(store, raw_url, |conn| {
        sqlx::query("ANALYZE")
            .execute(&mut conn)
            .await
            .expect("analyze");
    });
    let scheduler = Scheduler::new(store.clone(), "bench");
    let sender = OutboxSender::new(store.clone(), Arc::new(NoOp), "bench");
    let senders = [sender.clone()];
    // As `jtp run` does it: each batch is handed, claimed, to the sender as it commits and
    // delivered while the next one fires.
    let (queue, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    let started = Instant::now();
    let firing = async {
        let fired = scheduler
            .fire_due(chrono::Utc::now(), &senders, |_, rows| {
                queue.send(rows).expect("the delivering side is waiting");
            })
            .await
            .expect("fire");
        drop(queue);
        (fired.len(), started.elapsed())
    };
    let delivering = async {
        let mut delivered = 0;
        while let Some(rows) = inbox.recv().await {
            delivered += rows.len();
            sender.deliver_claimed(rows).await.expect("deliver");
        }
        delivered
    };
    let ((fired, firing), delivered) = tokio::join!(firing, delivering);
    let ours = started.elapsed();
    assert_eq!((fired, delivered), (count, count));
    let counts = store.outbox_counts().await.expect("outbox counts");
    assert_eq!(
        counts.sent, count as i64,
        "every nudge recorded as delivered"
    );

    // The same rows, back to pending, updated by one raw statement on a connection of the
    // store's own kind, several times: a single statement's time moves by a third between
    // runs on a shared machine, so the baseline is their median. PostgreSQL is vacuumed
    // after each reset, so every raw update, like ours, finds no dead rows to step over.
    // Then the other two writes every nudge needs (its outbox row, its delivery record),
    // each as one raw statement over all the rows: the floor of this design, with no
    // reading, deciding, batching or driver in between.
    let (raws, floor) = with_raw_connection!(store, raw_url, |conn| {
        let mut raws = Vec::with_capacity(RAW_RUNS);
        let mut now = chrono::Utc::now();
        for _ in 0..RAW_RUNS {
            sqlx::query("UPDATE reminders SET state = 'pending'")
                .execute(&mut conn)
                .await
                .expect("reset");
            if store.backend() == bot_core::store::Backend::Postgres {
                sqlx::query("VACUUM reminders")
                    .execute(&mut conn)
                    .await
                    .expect("vacuum");
            }
            now = chrono::Utc::now();
            let started = Instant::now();
            sqlx::query(
                "UPDATE reminders SET state = 'fired' WHERE state = 'pending' AND due_at <= $1",
            )
            .bind(now)
            .execute(&mut conn)
            .await
            .expect("raw update");
            raws.push(started.elapsed());
        }
        let started = Instant::now();
        sqlx::query(FLOOR_OUTBOX_INSERT)
            .bind(now)
            .execute(&mut conn)
            .await
            .expect("raw outbox insert");
        sqlx::query(FLOOR_DELIVERY_RECORD)
            .bind(now)
            .execute(&mut conn)
            .await
            .expect("raw delivery record");
        (raws, started.elapsed())
    });
    let mut sorted = raws.clone();
    sorted.sort();
    let raw = sorted[RAW_RUNS / 2];
    let floor = raw + floor;
    let per_sec = |d: Duration| count as f64 / d.as_secs_f64();
    println!(
        "{label:<10} {count} reminders: claim+outbox+deliver {:>8.2} s ({:>9.0}/s)   raw UPDATE {:>7.3} s ({:>10.0}/s)   ratio {:>6.1}x",
        ours.as_secs_f64(),
        per_sec(ours),
        raw.as_secs_f64(),
        per_sec(raw),
        ours.as_secs_f64() / raw.as_secs_f64()
    );
    println!(
        "{:<10} raw UPDATE is the median of {RAW_RUNS} runs: {}",
        "",
        raws.iter()
            .map(|d| format!("{:.3} s", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "{:<10} floor (the three writes as one raw statement each) {:.2} s = {:.1}x raw; ours = {:.1}x the floor",
        "",
        floor.as_secs_f64(),
        floor.as_secs_f64() / raw.as_secs_f64(),
        ours.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "{:<10} firing (claim → outbox) done after {:.2} s, the last delivery recorded {:.2} s later",
        "",
        firing.as_secs_f64(),
        (ours - firing).as_secs_f64()
    );
}

/// Raw updates timed for the baseline (an odd number, for a median).
const RAW_RUNS: usize = 5;

/// Every fired reminder's outbox row, written by one statement: the same columns and a
/// payload of the same shape and size as a nudge's (text and three buttons).
const FLOOR_OUTBOX_INSERT: &str = "INSERT INTO outbox (idempotency_key, user_id, platform, \
     chat_id, chat_ref, payload, state, lease_owner, lease_until, attempts, next_attempt_at, \
     created_at) SELECT 'floor:' || id, user_id, 'console', 'console:bench', \
     '{\"platform\":\"console\",\"chat_id\":\"console:bench\",\"is_direct\":true}', \
     '{\"text\":\"⏰ Reminder: ' || text || '\",\"buttons\":[{\"label\":\"✅ Done\",\"payload\":\"rem:done:' \
     || id || '\"},{\"label\":\"💤 Snooze 1 day\",\"payload\":\"rem:snooze:' || id || ':86400\"},\
     {\"label\":\"🛑 Stop\",\"payload\":\"rem:stop:' || id || '\"}]}', 'sending', 'floor', $1, 1, $1, $1 \
     FROM reminders WHERE state = 'fired'";

/// Every one of those rows recorded as delivered, by one statement.
const FLOOR_DELIVERY_RECORD: &str = "UPDATE outbox SET state = 'sent', sent_at = $1, \
     platform_message_id = '', lease_owner = NULL, lease_until = NULL WHERE lease_owner = 'floor'";

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

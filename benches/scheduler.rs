//! Scheduler throughput: N due reminders claimed, written to the outbox and delivered to a
//! no-op adapter, against a raw UPDATE of the same rows in the same run, on SQLite and on
//! PostgreSQL (a fresh database on the machine's server): three rounds, each ours then the
//! raw update, and the median of their ratios. Target (issue 5): at most 3×.
//! It also times the floor of the design: the reminder update, the outbox insert and the
//! delivery record (with the outbox waiting list the database keeps beside them), each as
//! one raw statement over all the rows; and the same writes batch by batch as the scheduler
//! makes them, in SQL alone (no driver rows, decoding, deciding).
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

/// Leave the database behind `$conn` as a backlog after downtime finds it, the same before
/// every timed part: PostgreSQL vacuumed (no run steps over the dead rows of the last) and
/// checkpointed (every run pays the same full-page images in its log, instead of whichever
/// runs after the server's own checkpoint); SQLite's write-ahead log copied back (no run
/// pays for the last one's checkpoint).
macro_rules! settle {
    ($store:expr, $conn:expr) => {
        let statements: &[&str] = match $store.backend() {
            bot_core::store::Backend::Postgres => &["VACUUM reminders, outbox", "CHECKPOINT"],
            bot_core::store::Backend::Sqlite => &["PRAGMA wal_checkpoint(TRUNCATE)"],
        };
        for sql in statements {
            sqlx::query(*sql)
                .execute(&mut *$conn)
                .await
                .expect("settle");
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

    // A person's message written on the idle store, to set the waits during the backlog
    // against.
    let idle = idle_writes(store, 40).await;

    // Rounds of ours, then the raw UPDATE of the same rows, each round's ratio taken
    // between the two: a single statement's time moves by a third between runs on a shared
    // machine, and pairing the runs lets the median ratio ride out the machine's drift.
    let mut rounds = Vec::with_capacity(ROUNDS);
    let mut now = chrono::Utc::now();
    for round in 0..ROUNDS {
        with_raw_connection!(store, raw_url, |conn| {
            // Due again, as their next occurrence: the outbox keeps the rounds before, as
            // it keeps every delivered message.
            if round > 0 {
                sqlx::query(DUE_AGAIN)
                    .execute(&mut conn)
                    .await
                    .expect("reset");
            }
            settle!(store, &mut conn);
        });
        let ours = fire_and_deliver(store, count).await;
        let raw = with_raw_connection!(store, raw_url, |conn| {
            sqlx::query(DUE_AGAIN)
                .execute(&mut conn)
                .await
                .expect("reset");
            settle!(store, &mut conn);
            now = chrono::Utc::now();
            let started = Instant::now();
            sqlx::query(
                "UPDATE reminders SET state = 'fired' WHERE state = 'pending' AND due_at <= $1",
            )
            .bind(now)
            .execute(&mut conn)
            .await
            .expect("raw update");
            started.elapsed()
        });
        rounds.push(Round { ours, raw });
    }

    // The other two writes every nudge needs (its outbox row, its delivery record), each as
    // one raw statement over all the rows: with the raw update, the floor of this design,
    // with no reading, deciding, batching or driver in between.
    let floor_writes = with_raw_connection!(store, raw_url, |conn| {
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
        started.elapsed()
    });

    // The same three writes as the scheduler makes them, batch by batch (claim and mark
    // 2,000 reminders and write their outbox rows in one transaction, then record their
    // delivery), in SQL alone: what the database must do for this design, with no driver
    // rows, decoding or deciding in between.
    let replayed = with_raw_connection!(store, raw_url, |conn| {
        sqlx::query(DUE_AGAIN)
            .execute(&mut conn)
            .await
            .expect("reset");
        settle!(store, &mut conn);
        let postgres = store.backend() == bot_core::store::Backend::Postgres;
        let (lock, in_batch) = if postgres {
            (
                " FOR UPDATE SKIP LOCKED",
                "ANY(ARRAY(SELECT jsonb_array_elements_text($2::jsonb)::bigint))",
            )
        } else {
            ("", "(SELECT value FROM json_each($2))")
        };
        let due = format!(
            "SELECT id FROM reminders WHERE state = 'pending' AND due_at <= $1 \
             ORDER BY due_at, id LIMIT {REPLAY_BATCH}{lock}"
        );
        let mark = format!(
            "UPDATE reminders SET state = 'fired', occurrence = occurrence + 1, updated_at = $1 \
             WHERE id {} {in_batch}",
            if postgres { "=" } else { "IN" }
        );
        let insert = format!(
            "{REPLAY_OUTBOX_INSERT} {} {in_batch} RETURNING id",
            if postgres { "=" } else { "IN" }
        );
        let record = format!(
            "{REPLAY_DELIVERY_RECORD} {} {in_batch}",
            if postgres { "=" } else { "IN" }
        );
        let started = Instant::now();
        loop {
            let mut tx = conn.begin().await.expect("begin");
            let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(due.clone()))
                .bind(now)
                .fetch_all(&mut *tx)
                .await
                .expect("due ids");
            if ids.is_empty() {
                tx.commit().await.expect("commit");
                break;
            }
            let ids = serde_json::to_string(&ids).expect("ids as JSON");
            sqlx::query(sqlx::AssertSqlSafe(mark.clone()))
                .bind(now)
                .bind(&ids)
                .execute(&mut *tx)
                .await
                .expect("mark");
            let rows: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(insert.clone()))
                .bind(now)
                .bind(&ids)
                .fetch_all(&mut *tx)
                .await
                .expect("outbox rows");
            tx.commit().await.expect("commit");
            sqlx::query(sqlx::AssertSqlSafe(record.clone()))
                .bind(now)
                .bind(serde_json::to_string(&rows).expect("ids as JSON"))
                .execute(&mut conn)
                .await
                .expect("delivery record");
        }
        started.elapsed()
    });

    let per_sec = |d: Duration| count as f64 / d.as_secs_f64();
    for (i, round) in rounds.iter().enumerate() {
        println!(
            "{label:<10} round {}: {count} reminders claim+outbox+deliver {:>6.2} s ({:>7.0}/s), firing done after {:.2} s; raw UPDATE {:>6.3} s ({:>7.0}/s); ratio {:>5.1}x",
            i + 1,
            round.ours.total.as_secs_f64(),
            per_sec(round.ours.total),
            round.ours.firing.as_secs_f64(),
            round.raw.as_secs_f64(),
            per_sec(round.raw),
            round.ratio()
        );
    }
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    let idle_median = &idle[idle.len() / 2];
    for (i, round) in rounds.iter().enumerate() {
        let waits = &round.ours.conversation;
        if let (Some(median), Some(longest)) = (waits.get(waits.len() / 2), waits.last()) {
            println!(
                "{label:<10} round {}: a person's message written during the backlog ({} of them): median {:.1} ms, longest {:.1} ms = {:.0}x / {:.0}x the same write idle ({:.2} ms)",
                i + 1,
                waits.len(),
                ms(median),
                ms(longest),
                median.as_secs_f64() / idle_median.as_secs_f64(),
                longest.as_secs_f64() / idle_median.as_secs_f64(),
                ms(idle_median)
            );
        }
    }
    let mut ratios: Vec<f64> = rounds.iter().map(Round::ratio).collect();
    ratios.sort_by(f64::total_cmp);
    let last = rounds.last().expect("at least one round");
    let floor = last.raw + floor_writes;
    println!(
        "{label:<10} median ratio {:.1}x (target 3x); floor (the three writes as one raw statement each, last round) {:.2} s = {:.1}x raw, ours = {:.1}x the floor",
        ratios[ratios.len() / 2],
        floor.as_secs_f64(),
        floor.as_secs_f64() / last.raw.as_secs_f64(),
        last.ours.total.as_secs_f64() / floor.as_secs_f64()
    );
    println!(
        "{label:<10} the three writes batch by batch as SQL alone {:.2} s = {:.1}x raw; ours = {:.1}x that",
        replayed.as_secs_f64(),
        replayed.as_secs_f64() / last.raw.as_secs_f64(),
        last.ours.total.as_secs_f64() / replayed.as_secs_f64()
    );
}

/// One firing of the whole backlog, as `jtp run` does it: each batch is handed, claimed,
/// to the sender as it commits and delivered while the next one fires.
async fn fire_and_deliver(store: &Store, count: usize) -> Ours {
    let scheduler = Scheduler::new(store.clone(), "bench");
    let sender = OutboxSender::new(store.clone(), Arc::new(NoOp), "bench");
    let senders = [sender.clone()];
    let (queue, mut inbox) = tokio::sync::mpsc::unbounded_channel();
    let sent_before = store.outbox_counts().await.expect("outbox counts").sent;
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
    let backlog_done = tokio::sync::Notify::new();
    let conversing = conversation_writes(store, &backlog_done);
    let (((fired, firing), delivered), conversation) = tokio::join!(
        async {
            let done = tokio::join!(firing, delivering);
            backlog_done.notify_one();
            done
        },
        conversing
    );
    let total = started.elapsed();
    assert_eq!((fired, delivered), (count, count));
    let counts = store.outbox_counts().await.expect("outbox counts");
    assert_eq!(
        counts.sent - sent_before,
        count as i64,
        "every nudge recorded as delivered"
    );
    Ours {
        total,
        firing,
        conversation,
    }
}

/// A person writing to the bot while the backlog fires: one message logged every 50 ms
/// until it is done, each write's time kept (sorted).
async fn conversation_writes(store: &Store, backlog_done: &tokio::sync::Notify) -> Vec<Duration> {
    let (user, chat) = conversation_ids(store).await;
    let mut waits = Vec::new();
    let writing = async {
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            waits.push(write_message(store, user, chat).await);
        }
    };
    tokio::select! {
        () = backlog_done.notified() => {}
        never = writing => never,
    }
    waits.sort();
    waits
}

/// The seeded person and their chat, to write messages as.
async fn conversation_ids(store: &Store) -> (i64, i64) {
    let user = store
        .resolve_user("console", "bench", None)
        .await
        .expect("the seeded person")
        .id;
    let chat = ChatRef {
        platform: Platform::Console,
        chat_id: "console:bench".into(),
        thread_id: None,
        is_direct: true,
    };
    let chat = store.upsert_chat(&chat).await.expect("their chat").id;
    (user, chat)
}

/// The same message write on the idle store, `n` times (sorted).
async fn idle_writes(store: &Store, n: usize) -> Vec<Duration> {
    let (user, chat) = conversation_ids(store).await;
    let mut waits = Vec::with_capacity(n);
    for _ in 0..n {
        waits.push(write_message(store, user, chat).await);
    }
    waits.sort();
    waits
}

/// Write one message from the person to the bot, as a conversation does first: how long
/// it took.
async fn write_message(store: &Store, user: i64, chat: i64) -> Duration {
    let started = Instant::now();
    store
        .log_inbound(user, chat, "any news?", None)
        .await
        .expect("a person's message written");
    started.elapsed()
}

/// Our path's times for one round.
struct Ours {
    /// From the first claim to the last delivery recorded.
    total: Duration,
    /// From the first claim to the last batch committed to the outbox.
    firing: Duration,
    /// The time each message a person wrote meanwhile took to be written, sorted.
    conversation: Vec<Duration>,
}

/// One round: ours, and the raw UPDATE of the same rows right after it.
struct Round {
    ours: Ours,
    raw: Duration,
}

impl Round {
    fn ratio(&self) -> f64 {
        self.ours.total.as_secs_f64() / self.raw.as_secs_f64()
    }
}

/// Every reminder due again (as its next occurrence, for ours), before each timed part.
const DUE_AGAIN: &str = "UPDATE reminders SET state = 'pending'";

/// Rounds of ours against the raw update (an odd number, for a median).
const ROUNDS: usize = 3;

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

/// Reminders per transaction in the SQL-only replay: the scheduler's batch.
const REPLAY_BATCH: usize = 2000;

/// The replay's outbox rows for a batch of fired reminders (the batch's condition follows):
/// the same columns and payload shape as a nudge's.
const REPLAY_OUTBOX_INSERT: &str = "INSERT INTO outbox (idempotency_key, user_id, platform, \
     chat_id, chat_ref, payload, state, lease_owner, lease_until, attempts, next_attempt_at, \
     created_at) SELECT 'replay:' || id || ':' || occurrence, user_id, 'console', 'console:bench', \
     '{\"platform\":\"console\",\"chat_id\":\"console:bench\",\"is_direct\":true}', \
     '{\"text\":\"⏰ Reminder: ' || text || '\",\"buttons\":[{\"label\":\"✅ Done\",\"payload\":\"rem:done:' \
     || id || '\"},{\"label\":\"💤 Snooze 1 day\",\"payload\":\"rem:snooze:' || id || ':86400\"},\
     {\"label\":\"🛑 Stop\",\"payload\":\"rem:stop:' || id || '\"}]}', 'sending', 'replay', $1, 1, $1, $1 \
     FROM reminders WHERE id";

/// The replay's delivery records for a batch of outbox rows (the batch's condition follows).
const REPLAY_DELIVERY_RECORD: &str = "UPDATE outbox SET state = 'sent', sent_at = $1, \
     platform_message_id = '', lease_owner = NULL, lease_until = NULL WHERE id";

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

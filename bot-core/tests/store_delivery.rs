//! The delivery side of the store on SQLite and PostgreSQL: the outbox (each message
//! recorded once, delivered once), a turn logged once per platform message, and what
//! adapters keep between runs (polling offsets, long button payloads, parts sent); and
//! SQLite's write-ahead log cut back after a burst.

mod support;

use bot_core::message::{ChatRef, Outbound, Platform};
use bot_core::scheduler::Scheduler;
use bot_core::store::{NewReminder, ReminderState, Store};
use std::time::Duration;

fn console_chat(id: &str) -> ChatRef {
    ChatRef {
        platform: Platform::Console,
        chat_id: id.to_owned(),
        thread_id: None,
        is_direct: true,
    }
}

async fn outbox_records_once_and_delivers_once(store: Store) {
    let user = store.resolve_user("console", "erin", None).await.unwrap();
    let chat = console_chat("console:erin");
    let chat_id = store.upsert_chat(&chat).await.unwrap().id;
    assert_eq!(
        store.upsert_chat(&chat).await.unwrap().id,
        chat_id,
        "chats are stored once"
    );

    let replies = [Outbound::text("one"), Outbound::text("two")];
    let ids = store
        .record_replies(
            user.id,
            &chat,
            chat_id,
            "reply:1",
            &replies,
            Some("{\"focus\":1}"),
        )
        .await
        .unwrap();
    let again = store
        .record_replies(
            user.id,
            &chat,
            chat_id,
            "reply:1",
            &replies,
            Some("{\"focus\":1}"),
        )
        .await
        .unwrap();
    assert_eq!(ids, again, "replaying the same reply key adds nothing");
    assert_eq!(store.outbox_counts().await.unwrap().pending, 2);
    assert_eq!(
        store
            .dialogue_state(user.id, chat_id)
            .await
            .unwrap()
            .as_deref(),
        Some("{\"focus\":1}")
    );
    let log = store.recent_messages(user.id, chat_id, 10).await.unwrap();
    assert_eq!(log.len(), 2, "outbound messages are logged once");

    let claimed = store
        .claim_outbox_row(ids[0], "a", Duration::from_secs(60))
        .await
        .unwrap()
        .expect("first claim wins");
    assert_eq!(claimed.message.text, "one");
    assert_eq!(claimed.chat, chat);
    assert!(
        store
            .claim_outbox_row(ids[0], "b", Duration::from_secs(60))
            .await
            .unwrap()
            .is_none(),
        "second claim loses"
    );
    assert!(
        !store.mark_outbox_sent(ids[0], "b", "x").await.unwrap(),
        "only the lease holder records"
    );
    assert!(store.mark_outbox_sent(ids[0], "a", "msg-1").await.unwrap());

    // A sender scoped to another chat (another terminal) never takes this chat's rows.
    let other_chat = store
        .claim_due_outbox(
            Platform::Console,
            Some("console:someone-else"),
            "other",
            Duration::from_secs(60),
            10,
        )
        .await
        .unwrap();
    assert!(other_chat.is_empty());
    // A sender that dies after claiming: its lease runs out and another sender takes over.
    let lost = store
        .claim_due_outbox(Platform::Console, None, "dying", Duration::ZERO, 10)
        .await
        .unwrap();
    assert_eq!(lost.iter().map(|m| m.id).collect::<Vec<_>>(), [ids[1]]);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let retaken = store
        .claim_due_outbox(
            Platform::Console,
            Some("console:erin"),
            "survivor",
            Duration::from_secs(60),
            10,
        )
        .await
        .unwrap();
    assert_eq!(retaken.len(), 1);
    assert_eq!(retaken[0].attempts, 2);
    assert!(
        store
            .mark_outbox_sent(ids[1], "survivor", "msg-2")
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_due_outbox(Platform::Console, None, "late", Duration::from_secs(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .claim_due_outbox(Platform::Telegram, None, "tg", Duration::from_secs(60), 10)
            .await
            .unwrap()
            .is_empty()
    );
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.sent, counts.pending, counts.sending), (2, 0, 0));

    store
        .record_replies(user.id, &chat, chat_id, "reply:2", &[], None)
        .await
        .unwrap();
    assert_eq!(
        store.dialogue_state(user.id, chat_id).await.unwrap(),
        None,
        "state cleared"
    );
}

async fn adapters_keep_their_offsets_and_long_button_payloads(store: Store) {
    assert_eq!(store.poll_offset("telegram", "bot-1").await.unwrap(), None);
    store
        .save_poll_offset("telegram", "bot-1", 105)
        .await
        .unwrap();
    store
        .save_poll_offset("telegram", "bot-1", 103)
        .await
        .unwrap();
    assert_eq!(
        store.poll_offset("telegram", "bot-1").await.unwrap(),
        Some(105),
        "an offset never moves backwards"
    );
    assert_eq!(store.poll_offset("telegram", "bot-2").await.unwrap(), None);

    let long = format!("choose:{}", "x".repeat(120));
    let key = store.button_key(&long).await.unwrap();
    assert_eq!(
        store.button_key(&long).await.unwrap(),
        key,
        "one key per payload"
    );
    assert_eq!(store.button_payload(key).await.unwrap(), Some(long));
    assert_eq!(store.button_payload(key + 1000).await.unwrap(), None);

    assert_eq!(store.parts_sent("reply:7:0").await.unwrap(), 0);
    store.note_parts_sent("reply:7:0", 1).await.unwrap();
    store.note_parts_sent("reply:7:0", 2).await.unwrap();
    assert_eq!(store.parts_sent("reply:7:0").await.unwrap(), 2);
}

async fn a_turn_is_recorded_once_per_platform_message(store: Store) {
    let user = store.resolve_user("telegram", "42", None).await.unwrap();
    let chat = ChatRef {
        platform: Platform::Telegram,
        chat_id: "42".into(),
        thread_id: None,
        is_direct: true,
    };
    let chat_id = store.upsert_chat(&chat).await.unwrap().id;
    let log = bot_core::store::InboundLog {
        chat_id,
        text: "/apps",
        intent: Some("list_applications"),
        platform_message_id: Some("msg:7"),
    };
    let first = store
        .record_turn(
            user.id,
            &log,
            &chat,
            chat_id,
            &[Outbound::text("one")],
            None,
        )
        .await
        .unwrap();
    let (_, ids) = first.expect("the first copy is recorded");
    assert_eq!(ids.len(), 1);
    assert!(store.inbound_seen(chat_id, "msg:7").await.unwrap());
    let again = store
        .record_turn(
            user.id,
            &log,
            &chat,
            chat_id,
            &[Outbound::text("two")],
            None,
        )
        .await
        .unwrap();
    assert!(again.is_none(), "a second copy records nothing");
    assert_eq!(store.outbox_counts().await.unwrap().pending, 1);
    // Messages without a platform id (the terminal) are never taken for copies.
    let console = bot_core::store::InboundLog {
        platform_message_id: None,
        ..log
    };
    for _ in 0..2 {
        assert!(
            store
                .record_turn(
                    user.id,
                    &console,
                    &chat,
                    chat_id,
                    &[Outbound::text("x")],
                    None
                )
                .await
                .unwrap()
                .is_some()
        );
    }
}

async fn an_unreadable_outbox_row_is_set_aside_then_fails(store: Store, url: String) {
    let user = store.resolve_user("console", "erin", None).await.unwrap();
    let chat = console_chat("console:erin");
    let chat_id = store.upsert_chat(&chat).await.unwrap().id;
    let replies = [Outbound::text("one"), Outbound::text("two")];
    let ids = store
        .record_replies(user.id, &chat, chat_id, "reply:1", &replies, None)
        .await
        .unwrap();
    // The first row as a version storing messages differently might have left it.
    let corrupt = format!(
        "UPDATE outbox SET payload = '{{\"body\": \"one\"}}' WHERE id = {}",
        ids[0]
    );
    support::raw_sql(&store, &url, &[&corrupt]).await;

    let claimed = store
        .claim_due_outbox(Platform::Console, None, "a", Duration::from_secs(60), 10)
        .await
        .expect("one bad row does not stop the claim");
    assert_eq!(claimed.iter().map(|m| m.id).collect::<Vec<_>>(), [ids[1]]);
    assert_eq!(claimed[0].message.text, "two");
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(
        (counts.pending, counts.sending, counts.failed),
        (1, 1, 0),
        "the bad row set aside for a process that can read it"
    );

    // Still unreadable when its last attempt comes: it fails, for operators to see.
    let last = format!(
        "UPDATE outbox SET attempts = 7, next_attempt_at = '2000-01-01T00:00:00+00:00' \
         WHERE id = {}",
        ids[0]
    );
    support::raw_sql(&store, &url, &[&last]).await;
    let claimed = store
        .claim_due_outbox(Platform::Console, None, "a", Duration::from_secs(60), 10)
        .await
        .unwrap();
    assert!(claimed.is_empty());
    assert_eq!(store.outbox_counts().await.unwrap().failed, 1);
}

/// How many outbox rows are on the waiting list (the database keeps it), after checking that
/// it holds exactly the rows still to deliver, pending or being sent: one missing would
/// never be delivered.
async fn waiting(store: &Store, url: &str) -> i64 {
    let astray = support::raw_count(
        store,
        url,
        "SELECT (SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending') \
         AND id NOT IN (SELECT outbox_id FROM outbox_waiting)) + (SELECT COUNT(*) \
         FROM outbox_waiting WHERE outbox_id NOT IN (SELECT id FROM outbox \
         WHERE state IN ('pending', 'sending')))",
    )
    .await;
    assert_eq!(astray, 0, "the waiting list and the outbox disagree");
    support::raw_count(store, url, "SELECT COUNT(*) FROM outbox_waiting").await
}

async fn the_waiting_list_follows_every_row_in_and_out(store: Store, url: String) {
    let user = support::console_person(&store, "wes").await;
    let chat = console_chat("console:wes");
    let chat_id = store.upsert_chat(&chat).await.unwrap().id;
    let lease = Duration::from_secs(60);
    let replies = [
        Outbound::text("one"),
        Outbound::text("two"),
        Outbound::text("three"),
    ];
    let ids = store
        .record_replies(user, &chat, chat_id, "reply:1", &replies, None)
        .await
        .unwrap();
    assert_eq!(waiting(&store, &url).await, 3, "replies wait");

    // A row written by a statement that knows nothing of the list (an older jtp sharing the
    // database during an upgrade) is on it all the same, and leaves it once delivered.
    support::raw_sql(
        &store,
        &url,
        &[
            "INSERT INTO outbox (idempotency_key, platform, chat_id, chat_ref, payload, \
           next_attempt_at, created_at) VALUES ('older:1', 'console', 'console:wes', '{}', \
           '{}', '2026-11-25T09:00:00Z', '2026-11-25T09:00:00Z')",
        ],
    )
    .await;
    assert_eq!(
        waiting(&store, &url).await,
        4,
        "a row written elsewhere waits"
    );
    support::raw_sql(
        &store,
        &url,
        &["UPDATE outbox SET state = 'sent' WHERE idempotency_key = 'older:1'"],
    )
    .await;
    assert_eq!(waiting(&store, &url).await, 3, "and leaves once delivered");

    let claimed = store
        .claim_due_outbox(Platform::Console, None, "a", lease, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 3);
    assert_eq!(waiting(&store, &url).await, 3, "rows being sent still wait");
    assert!(store.mark_outbox_sent(ids[0], "a", "m1").await.unwrap());
    assert_eq!(waiting(&store, &url).await, 2, "a delivered row leaves");
    assert_eq!(
        store
            .mark_outbox_sent_many("a", &[(ids[1], "m2".into())])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        waiting(&store, &url).await,
        1,
        "so do rows delivered together"
    );
    store
        .mark_outbox_retry(ids[2], "a", "platform down", Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(waiting(&store, &url).await, 1, "a row to retry waits");
    let retaken = store
        .claim_due_outbox(Platform::Console, None, "b", lease, 10)
        .await
        .unwrap();
    assert_eq!(retaken.len(), 1, "and is claimed again from the list");
    store
        .mark_outbox_failed(ids[2], "b", "blocked")
        .await
        .unwrap();
    assert_eq!(waiting(&store, &url).await, 0, "a failed row leaves");
    assert_eq!(store.retry_failed().await.unwrap().outbox, 1);
    assert_eq!(
        waiting(&store, &url).await,
        1,
        "and comes back when retried"
    );
    let retried = store
        .claim_due_outbox(Platform::Console, None, "c", lease, 10)
        .await
        .unwrap();
    assert_eq!(retried.len(), 1);
    assert!(store.mark_outbox_sent(ids[2], "c", "m3").await.unwrap());
    assert_eq!(waiting(&store, &url).await, 0);

    // Nudges fired with no sender at hand wait; a closed reminder's nudge is withdrawn.
    let due = chrono::NaiveDate::from_ymd_opt(2026, 11, 25)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let call = store
        .insert_reminder(user, &NewReminder::custom("call Anna", chrono_tz::UTC, due))
        .await
        .unwrap();
    store
        .insert_reminder(
            user,
            &NewReminder::custom("update the CV", chrono_tz::UTC, due),
        )
        .await
        .unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:01:00Z")
        .unwrap()
        .to_utc();
    let fired = Scheduler::new(store.clone(), "worker")
        .tick(now)
        .await
        .unwrap();
    assert_eq!(fired.len(), 2);
    assert_eq!(waiting(&store, &url).await, 2, "fired nudges wait");
    store
        .close_reminder(user, call.id, ReminderState::Done)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(waiting(&store, &url).await, 1, "a withdrawn nudge leaves");
}

both_backends_with_url!(
    an_unreadable_outbox_row_is_set_aside_then_fails,
    the_waiting_list_follows_every_row_in_and_out
);

both_backends!(
    outbox_records_once_and_delivers_once,
    a_turn_is_recorded_once_per_platform_message,
    adapters_keep_their_offsets_and_long_button_payloads,
);

/// A SQLite store in a directory of its own with one person and their console chat:
/// (store, directory, user id, chat id).
async fn sqlite_person(name: &str) -> (bot_core::store::Store, tempfile::TempDir, i64, i64) {
    let (store, dir) = support::sqlite_store().await;
    let user = support::console_person(&store, name).await;
    let chat_id = store
        .upsert_chat(&console_chat(&format!("console:{name}")))
        .await
        .unwrap()
        .id;
    (store, dir, user, chat_id)
}

/// The size of SQLite's write-ahead log beside the store's file.
fn wal_bytes(dir: &tempfile::TempDir) -> u64 {
    std::fs::metadata(dir.path().join("jtp.db-wal"))
        .unwrap()
        .len()
}

/// A burst of writes while a reader holds an old snapshot grows SQLite's write-ahead log
/// past its limit (checkpoints cannot start it over); once the reader is gone, the log
/// starts over at the next writes and is cut back to the limit, not left at its
/// high-water size on disk.
#[tokio::test]
async fn sqlite_write_ahead_log_is_cut_back_after_a_burst() {
    use bot_core::store::SQLITE_WAL_LIMIT_BYTES;
    use sqlx::Connection;

    let (store, dir, user, chat_id) = sqlite_person("burst").await;
    let file = dir.path().join("jtp.db");
    let wal_size = || wal_bytes(&dir);

    let mut reader = sqlx::SqliteConnection::connect(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    sqlx::query("BEGIN").execute(&mut reader).await.unwrap();
    sqlx::query("SELECT COUNT(*) FROM messages")
        .execute(&mut reader)
        .await
        .unwrap();
    let long = "x".repeat(60_000);
    for _ in 0..600 {
        store.log_inbound(user, chat_id, &long, None).await.unwrap();
    }
    assert!(
        wal_size() > 2 * SQLITE_WAL_LIMIT_BYTES,
        "the held snapshot kept the log from starting over: {} bytes",
        wal_size()
    );

    sqlx::query("COMMIT").execute(&mut reader).await.unwrap();
    reader.close().await.unwrap();
    // Two more writes: the first one's checkpoint copies the whole log back, the second
    // starts the log over.
    let chat = console_chat("console:burst");
    store.mark_chat_unreachable(&chat).await.unwrap();
    store.upsert_chat(&chat).await.unwrap();
    assert!(
        wal_size() <= SQLITE_WAL_LIMIT_BYTES,
        "cut back to the limit: {} bytes",
        wal_size()
    );
    store.close().await;
}

/// Single-row writes outside a transaction (`log_inbound`'s `INSERT … RETURNING`) are read
/// to their end, so SQLite's checkpoints keep up with a run of them: 24 MB of messages
/// leave the write-ahead log near its checkpoint size, not holding all of them for the
/// next committer to copy back.
#[tokio::test]
async fn sqlite_checkpoints_keep_up_with_a_run_of_single_row_writes() {
    use bot_core::store::SQLITE_WAL_LIMIT_BYTES;

    let (store, dir, user, chat_id) = sqlite_person("run").await;
    let long = "x".repeat(60_000);
    for _ in 0..400 {
        store.log_inbound(user, chat_id, &long, None).await.unwrap();
    }
    let wal_size = wal_bytes(&dir);
    assert!(
        wal_size <= SQLITE_WAL_LIMIT_BYTES,
        "checkpoints kept the log short: {wal_size} bytes"
    );
    store.close().await;
}

/// The database refusing for a passing reason is "unavailable", for callers to try again
/// later (Telegram hands the update over again), not a bug that drops the request: a
/// session PostgreSQL ends, as a restart or a failover ends every session, a connection a
/// proxy in front of a server that is down closes mid-handshake, and SQLite's write lock
/// held past the busy timeout. A mistaken query stays a query error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restarting_or_busy_is_unavailable() {
    use bot_core::store::StoreError;
    use sqlx::Connection;
    use std::str::FromStr;

    let db = jtp_testkit::PgTestDb::create().await;
    let mut session = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let ended = sqlx::query("SELECT pg_terminate_backend(pg_backend_pid())")
        .execute(&mut session)
        .await
        .unwrap_err();
    let ended = StoreError::from(ended);
    assert!(matches!(ended, StoreError::Unavailable(_)), "{ended:?}");
    drop(session);
    // Behind a proxy whose server is down, a new connection is closed mid-handshake.
    let relay = jtp_testkit::TcpRelay::start(&db.server()).await;
    relay.cut();
    let refused = sqlx::PgConnection::connect(&db.url_via(&relay))
        .await
        .unwrap_err();
    let refused = StoreError::from(refused);
    assert!(matches!(refused, StoreError::Unavailable(_)), "{refused:?}");
    db.drop_db().await;

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}", dir.path().join("busy.db").display());
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .busy_timeout(Duration::ZERO);
    let mut holder = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    sqlx::raw_sql("CREATE TABLE t (x); BEGIN IMMEDIATE; INSERT INTO t VALUES (1)")
        .execute(&mut holder)
        .await
        .unwrap();
    let mut other = sqlx::SqliteConnection::connect_with(&options)
        .await
        .unwrap();
    let busy = sqlx::query("INSERT INTO t VALUES (2)")
        .execute(&mut other)
        .await
        .unwrap_err();
    let busy = StoreError::from(busy);
    assert!(matches!(busy, StoreError::Unavailable(_)), "{busy:?}");
    let mistaken = sqlx::query("SELECT * FROM missing")
        .execute(&mut other)
        .await
        .unwrap_err();
    let mistaken = StoreError::from(mistaken);
    assert!(matches!(mistaken, StoreError::Query(_)), "{mistaken:?}");
}

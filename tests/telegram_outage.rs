//! Black-box: `jtp run` as a Telegram bot on PostgreSQL behind a relay the test cuts, as a
//! database restart or a network failure does. Nothing a person sends meanwhile is lost:
//! by polling, the update is left unconfirmed and comes again; by webhook, it is refused
//! with 503 and Telegram delivers it again. Once the database is back it is acted on once.

#![cfg(feature = "telegram")]

mod common;

use bot_core::store::Store;
use common::telegram::{
    TOKEN, WAIT, deliver_update, reply, start_bot, start_webhook_bot, text_update,
};
use jtp_testkit::telegram::{FakeChat, FakeTelegram};
use jtp_testkit::{PgTestDb, TcpRelay};
use std::path::Path;
use std::time::Duration;

/// How many applications the Telegram user `id` has, read from the database itself.
async fn applications_of(db: &PgTestDb, dir: &Path, id: &str) -> usize {
    let store = Store::open(Some(&db.url), &dir.join("data")).await.unwrap();
    let user = store.resolve_user("telegram", id, None).await.unwrap().id;
    let count = store.list_applications(user, None).await.unwrap().len();
    store.close().await;
    count
}

/// The database goes away (a PostgreSQL restart, a network cut) just as a person presses a
/// button: the press is not lost and not confirmed to Telegram, so it comes again, and once
/// the database is back it is acted on once and answered once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_button_pressed_while_the_database_is_away_is_acted_on_once_it_is_back() {
    let db = PgTestDb::create().await;
    let relay = TcpRelay::start(&db.server()).await;
    let via_relay = db.url_via(&relay);
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start(TOKEN).await;
    let (mut bot, _) = start_bot(dir.path(), &fake.url, &[("DATABASE_URL", &via_relay)]);

    let ann = FakeChat::private(111, "Ann");
    fake.user_says(&ann, "I applied to Stripe for the backend role");
    reply(&fake, 111, "Tracked #1 <b>Stripe</b>").await;
    fake.user_says(&ann, "I applied to Stripe for the backend role");
    let asked = reply(&fake, 111, "You already track").await;
    let (label, data) = asked
        .buttons
        .iter()
        .find(|(label, _)| label == "Add anyway")
        .cloned()
        .unwrap_or_else(|| panic!("a button to add it anyway: {asked:?}"));

    relay.cut();
    let replies_before = fake.sent().iter().filter(|m| m.chat_id == 111).count();
    fake.user_presses(&ann, asked.message_id, &data);
    // The press comes again and again while the database is away: each time the bot
    // answers the callback (the button stops spinning) and cannot act.
    fake.wait_for("the press read twice", WAIT, |_| {
        fake.answered_callbacks().len() >= 2
    })
    .await;
    assert_eq!(
        fake.sent().iter().filter(|m| m.chat_id == 111).count(),
        replies_before,
        "nothing said while the database is away"
    );

    relay.restore();
    let added = reply(&fake, 111, "Tracked #2").await;
    // Settled: nothing more comes for the press.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let answers: Vec<i64> = fake
        .sent()
        .into_iter()
        .filter(|m| m.chat_id == 111)
        .skip(replies_before)
        .map(|m| m.message_id)
        .collect();
    assert_eq!(answers, [added.message_id], "one answer to {label:?}");
    assert_eq!(
        applications_of(&db, dir.path(), "111").await,
        2,
        "the second Stripe application added once"
    );
    bot.kill().unwrap();
    bot.wait().unwrap();
    drop(relay);
    db.drop_db().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_update_while_the_database_is_away_is_refused_then_acted_on_once() {
    let db = PgTestDb::create().await;
    let relay = TcpRelay::start(&db.server()).await;
    let via_relay = db.url_via(&relay);
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start(TOKEN).await;
    let (mut bot, addr) =
        start_webhook_bot(dir.path(), &fake.url, &[("DATABASE_URL", &via_relay)]).await;
    let update = text_update(
        901,
        555,
        "Eve",
        "I applied to Figma for the design engineer role",
    );

    relay.cut();
    assert_eq!(
        deliver_update(&addr, &update),
        503,
        "refused while the database is away, so Telegram delivers it again"
    );
    assert!(fake.sent_to(555).is_empty(), "{:?}", fake.sent_to(555));

    relay.restore();
    assert_eq!(deliver_update(&addr, &update), 200);
    reply(&fake, 555, "Tracked #1 <b>Figma</b>").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.sent_to(555).len(), 1, "{:?}", fake.sent_to(555));
    assert_eq!(
        applications_of(&db, dir.path(), "555").await,
        1,
        "tracked once"
    );
    bot.kill().unwrap();
    bot.wait().unwrap();
    drop(relay);
    db.drop_db().await;
}

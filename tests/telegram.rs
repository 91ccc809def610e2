//! Black-box: `jtp run` as a Telegram bot, against the fake Bot API server of the testkit
//! (real HTTP; teloxide's requests; the bot's own polling loop). A person tracks an
//! application, presses buttons, gets a reminder nudge unprompted, sends documents; the
//! server answers 429 and 403; groups get answers only when the bot is addressed, and
//! private answers go to the private chat; a restart handles no update twice; health shows
//! a stalled poll while sends still succeed; the webhook checks its secret.

#![cfg(feature = "telegram")]

mod common;

use bot_core::store::{NewReminder, Store};
use common::telegram::{
    TOKEN, WAIT, deliver_update, http_get, http_post, last_with, reply, start_bot,
    start_webhook_bot, text_update,
};
use jtp_testkit::telegram::{BOT_USERNAME, FakeChat, FakeTelegram};
use std::path::Path;
use std::time::Duration;

async fn sql_count(dir: &Path, sql: &str) -> i64 {
    use sqlx::Connection;
    let url = format!("sqlite:{}", dir.join("data/jtp.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(&mut db)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_uses_the_bot_on_telegram_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start(TOKEN).await;
    let (mut bot, health) = start_bot(dir.path(), &fake.url, &[]);

    // The command menu comes from the core's own list.
    fake.wait_for("the command menu", WAIT, |_| !fake.commands().is_empty())
        .await;
    let menu: Vec<String> = fake.commands().into_iter().map(|(c, _)| c).collect();
    assert!(
        menu.contains(&"track".to_owned()) && menu.contains(&"nudges".to_owned()),
        "{menu:?}"
    );

    // Tracking in plain words; the reply is escaped HTML.
    let ann = FakeChat::private(111, "Ann");
    fake.user_says(&ann, "I applied to Stripe for the backend role");
    let tracked = reply(&fake, 111, "Tracked #1 <b>Stripe</b>").await;
    fake.user_says(&ann, "/track Acme <Labs> & Co, designer");
    reply(&fake, 111, "<b>Acme &lt;Labs&gt; &amp; Co</b>").await;

    // A duplicate is confirmed with an inline keyboard; pressing a button answers the
    // callback at once and acts.
    fake.user_says(&ann, "I applied to Stripe for the backend role");
    let asked = reply(&fake, 111, "You already track").await;
    assert!(!asked.buttons.is_empty(), "buttons: {asked:?}");
    let (label, data) = asked.buttons.last().cloned().unwrap();
    let press = fake.user_presses(&ann, asked.message_id, &data);
    fake.wait_for("the callback answered", WAIT, |_| {
        fake.answered_callbacks().contains(&press)
    })
    .await;
    fake.wait_for(&format!("an answer to {label:?}"), WAIT, |sent| {
        sent.iter().filter(|m| m.chat_id == 111).count() >= 3
    })
    .await;

    // A reminder comes due while nobody says anything: the nudge arrives unprompted, and its
    // Done button works.
    let store = Store::open(None, &dir.path().join("data")).await.unwrap();
    let user = store
        .resolve_user("telegram", "111", None)
        .await
        .unwrap()
        .id;
    store
        .insert_reminder(
            user,
            &NewReminder::custom(
                "call the Stripe recruiter",
                chrono_tz::Europe::Zurich,
                chrono::Utc::now()
                    .with_timezone(&chrono_tz::Europe::Zurich)
                    .naive_local()
                    - chrono::Duration::minutes(1),
            ),
        )
        .await
        .unwrap();
    store.close().await;
    let nudge = fake
        .wait_for("the reminder nudge", Duration::from_secs(45), |sent| {
            last_with(sent, 111, "call the Stripe recruiter").is_some()
        })
        .await;
    let nudge = last_with(&nudge, 111, "call the Stripe recruiter").unwrap();
    let done = nudge
        .buttons
        .iter()
        .find(|(label, _)| label.contains("Done"))
        .cloned()
        .expect("a Done button");
    fake.user_presses(&ann, nudge.message_id, &done.1);
    reply(&fake, 111, "✅ Done: call the Stripe recruiter").await;

    // Documents: a small PDF is taken (slowly, so "typing…" shows meanwhile), a 50 MB one
    // refused with the reason.
    fake.slow_downloads(Duration::from_millis(1500));
    let pdf = b"%PDF-1.4 a very small resume".to_vec();
    let size = pdf.len();
    fake.user_sends_document(&ann, "cv.pdf", "application/pdf", pdf, size);
    reply(&fake, 111, "Got \"cv.pdf\"").await;
    assert!(
        fake.chat_actions().contains(&(111, "typing".to_owned())),
        "typing shown during a slow turn: {:?}",
        fake.chat_actions()
    );
    fake.slow_downloads(Duration::ZERO);
    fake.user_sends_document(
        &ann,
        "big.pdf",
        "application/pdf",
        vec![b'x'; 16],
        50 * 1024 * 1024,
    );
    reply(
        &fake,
        111,
        "I can't take \"big.pdf\": it is 50.0 MB; I take files up to 10.0 MB",
    )
    .await;

    // An edit is not acted on again.
    fake.user_edits(&ann, "I applied to Datadog for the SRE role");

    // 429: the reply still arrives, once, after Telegram's retry_after.
    fake.fail_next_with_429("sendMessage", 1);
    fake.user_says(&ann, "/apps");
    let listed = reply(&fake, 111, "Stripe").await;
    assert!(
        !listed.html.contains("Datadog"),
        "the edit was not acted on: {}",
        listed.html
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let lists = fake
        .sent_to(111)
        .iter()
        .filter(|m| m.message_id > tracked.message_id && m.html.contains("Applied"))
        .count();
    assert_eq!(lists, 1, "delivered once after the 429");

    // Groups: not addressed → silence; addressed without a private chat → how to open one;
    // addressed by someone with a private chat → the answer there, a pointer in the group.
    let carl = FakeChat::private(333, "Carl").in_group(-500, "Career Club");
    let ann_in_group = ann.in_group(-500, "Career Club");
    fake.user_says(&carl, "anyone hiring in Zurich?");
    fake.user_says(&carl, "/apps"); // bare: maybe meant for another bot
    fake.user_says(&carl, &format!("@{BOT_USERNAME} show my applications"));
    reply(&fake, -500, "Open a private chat with me").await;
    fake.user_says(
        &ann_in_group,
        &format!("@{BOT_USERNAME} show my applications"),
    );
    let pointer = reply(&fake, -500, "answered you in a private chat").await;
    // Replying to the bot in the group addresses it too.
    let dm_before = fake.sent_to(111).len();
    fake.user_replies(&ann_in_group, pointer.message_id, "show my reminders");
    fake.wait_for("a second pointer", WAIT, |sent| {
        sent.iter().filter(|m| m.chat_id == -500).count() == 3
    })
    .await;
    fake.wait_for("the reminders in the private chat", WAIT, |sent| {
        sent.iter().filter(|m| m.chat_id == 111).count() > dm_before
    })
    .await;
    let group = fake.sent_to(-500);
    assert_eq!(
        group.len(),
        3,
        "only the addressed messages got answers: {group:?}"
    );
    assert!(
        group.iter().all(|m| !m.html.contains("Stripe")),
        "nothing private in the group"
    );

    // 403: the person blocked the bot; the chat is marked unreachable for nudges.
    let bob = FakeChat::private(222, "Bob");
    fake.fail_next_with_blocked("sendMessage");
    fake.user_says(&bob, "hello");
    let deadline = tokio::time::Instant::now() + WAIT;
    while sql_count(
        dir.path(),
        "SELECT COUNT(*) FROM chats WHERE platform_chat_id = '222' AND unreachable_since IS NOT NULL",
    )
    .await
        == 0
    {
        assert!(tokio::time::Instant::now() < deadline, "the 403 marked the chat unreachable");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Health: inbound and outbound are both fine…
    let (status, body) = http_get(&health);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"inbound_live\":true"), "{body}");
    // …then polls fail while sends still work: health shows the stalled poll.
    fake.fail_next_with("getUpdates", 1000, 502, "Bad Gateway");
    // (teloxide waits 10 s after a 5xx before it reports the error.)
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let (status, body) = loop {
        let (status, body) = http_get(&health);
        if status != 200 || tokio::time::Instant::now() > deadline {
            break (status, body);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("\"inbound_live\":false") && body.contains("Bad Gateway"),
        "{body}"
    );
    assert!(
        body.contains("\"outbound_ok_at\":\"20"),
        "outbound still reported: {body}"
    );

    // A restart: killed hard, started again; nothing already handled is handled again.
    bot.kill().unwrap();
    bot.wait().unwrap();
    let before = fake.sent().len();
    fake.clear_failures();
    let (mut again, _) = start_bot(dir.path(), &fake.url, &[]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    fake.user_says(&ann, "/reminders");
    reply(&fake, 111, "reminders").await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = fake.sent();
    assert_eq!(
        after.len(),
        before + 1,
        "only the new message was answered: {:?}",
        &after[before..]
    );
    assert_eq!(
        sql_count(
            dir.path(),
            "SELECT COUNT(*) FROM applications WHERE company = 'Stripe'"
        )
        .await,
        1,
        "Stripe tracked once"
    );
    again.kill().unwrap();
    again.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_checks_its_secret_and_handles_a_redelivery_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeTelegram::start(TOKEN).await;
    let (mut bot, addr) = start_webhook_bot(dir.path(), &fake.url, &[]).await;
    let update = text_update(
        900,
        444,
        "Dee",
        "I applied to Figma for the design engineer role",
    );
    let wrong = http_post(
        &addr,
        "/tg/hook",
        &[("X-Telegram-Bot-Api-Secret-Token", "guess")],
        &update,
    );
    assert_eq!(wrong, 401);
    let missing = http_post(&addr, "/tg/hook", &[], &update);
    assert_eq!(missing, 401);
    assert_eq!(deliver_update(&addr, &update), 200);
    reply(&fake, 444, "Tracked #1 <b>Figma</b>").await;
    // Telegram redelivers an update it thinks failed: handled once.
    assert_eq!(deliver_update(&addr, &update), 200);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(fake.sent_to(444).len(), 1, "{:?}", fake.sent_to(444));
    assert_eq!(fake.get_updates_calls(), 0, "webhook mode does not poll");
    bot.kill().unwrap();
    bot.wait().unwrap();
}

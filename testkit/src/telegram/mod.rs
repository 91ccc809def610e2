//! A fake Telegram Bot API server for end-to-end tests of the Telegram adapter.
//!
//! No maintained emulator fits: `telegram-test-api` lacks getFile and file downloads,
//! setMyCommands, sendChatAction, getUpdates offsets and timeouts, Telegram-shaped errors and
//! the 4096-character limit (see shared/TESTING.md). This server reproduces the behaviour of
//! the real Bot API that the adapter relies on, over real HTTP:
//!
//! - `POST /bot<token>/<method>` with a JSON body (teloxide's encoding); every answer is
//!   `{"ok":true,"result":…}` or Telegram's error shape
//!   `{"ok":false,"error_code":…,"description":…,"parameters":{"retry_after":…}}`; a wrong
//!   token is 401 "Unauthorized".
//! - `getUpdates`: an `offset` confirms, and forgets, every update below it; without new
//!   updates the call waits up to `timeout` seconds; `limit` is honoured.
//! - `sendMessage` with `parse_mode=HTML`: only Telegram's tags are accepted, balanced, and
//!   `<`, `>`, `&` must be escaped ("can't parse entities" otherwise); more than 4096
//!   characters after parsing is "message is too long"; callback data over 64 bytes is
//!   "BUTTON_DATA_INVALID". The result is the sent Message, with the entities' text.
//! - `getMe`, `setMyCommands`, `sendChatAction`, `answerCallbackQuery`, `getFile` and
//!   `GET /file/bot<token>/<path>` downloads, `setWebhook`, `deleteWebhook`.
//!
//! The test drives the person's side through [`FakeTelegram`]'s methods (a message, a
//! button press, a document, an edit) and can make the next call of a method fail as
//! Telegram would (429 with `retry_after`, 403 blocked).

mod server;
mod wire;

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};
use server::{Server, download, method, now, utf16_len};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// The bot's own user id and name on the fake server.
pub const BOT_ID: i64 = 7_000_000_001;
/// The bot's username, without `@`, as `getMe` reports it; mention it to address the bot
/// in a group.
pub const BOT_USERNAME: &str = "jtp_test_bot";

/// Someone talking to the bot, and where.
#[derive(Debug, Clone)]
pub struct FakeChat {
    /// The person's Telegram user id.
    pub user_id: i64,
    /// The person's first name, as Telegram shows it to the bot.
    pub first_name: String,
    /// The chat id: the user's id for a private chat, negative for a group.
    pub chat_id: i64,
    /// The group's title; `None` for a private chat.
    pub group_title: Option<String>,
}

impl FakeChat {
    /// A person's private chat with the bot.
    pub fn private(user_id: i64, first_name: &str) -> Self {
        Self {
            user_id,
            first_name: first_name.to_owned(),
            chat_id: user_id,
            group_title: None,
        }
    }

    /// The same person writing in a group.
    pub fn in_group(&self, chat_id: i64, title: &str) -> Self {
        Self {
            chat_id,
            group_title: Some(title.to_owned()),
            ..self.clone()
        }
    }

    fn chat_json(&self) -> Value {
        match &self.group_title {
            None => json!({"id": self.chat_id, "type": "private", "first_name": self.first_name}),
            Some(title) => json!({"id": self.chat_id, "type": "supergroup", "title": title}),
        }
    }

    fn user_json(&self) -> Value {
        json!({"id": self.user_id, "is_bot": false, "first_name": self.first_name})
    }
}

/// A message the bot sent, as the server recorded it.
#[derive(Debug, Clone)]
pub struct SentMessage {
    /// The id the server gave it, for replying to it or pressing its buttons.
    pub message_id: i64,
    /// The chat it was sent to.
    pub chat_id: i64,
    /// The text as the bot sent it (HTML).
    pub html: String,
    /// `(label, callback_data)` of the inline keyboard, row by row.
    pub buttons: Vec<(String, String)>,
}

#[derive(Default)]
struct ServerState {
    token: String,
    next_update_id: i64,
    next_message_id: i64,
    /// Updates not yet confirmed by an offset.
    pending: VecDeque<Value>,
    /// How many times each update id was handed out by getUpdates.
    handed_out: HashMap<i64, usize>,
    /// Messages the bot sent, by id (a button press refers to one).
    bot_messages: HashMap<i64, Value>,
    sent: Vec<SentMessage>,
    files: HashMap<String, (String, Vec<u8>)>,
    failures: VecDeque<(String, u16, Value)>,
    commands: Vec<(String, String)>,
    answered_callbacks: Vec<String>,
    chat_actions: Vec<(i64, String)>,
    get_updates_calls: usize,
    download_delay: Duration,
}

/// A running fake server and the test's handle on it.
#[derive(Clone)]
pub struct FakeTelegram {
    /// Base URL to give the bot (`api_url`).
    pub url: String,
    /// The only bot token the server accepts; any other gets 401 "Unauthorized".
    pub token: String,
    state: Arc<Mutex<ServerState>>,
    arrived: Arc<Notify>,
}

impl FakeTelegram {
    /// Start on a free port of 127.0.0.1, serving until the runtime ends.
    pub async fn start(token: &str) -> Self {
        let state = Arc::new(Mutex::new(ServerState {
            token: token.to_owned(),
            next_update_id: 100,
            next_message_id: 1,
            ..ServerState::default()
        }));
        let arrived = Arc::new(Notify::new());
        let server = Server {
            state: state.clone(),
            arrived: arrived.clone(),
        };
        let app = Router::new()
            .route("/{bot}/{method}", post(method).get(method))
            .route("/file/{bot}/{*path}", get(download))
            .with_state(server);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fake Telegram server");
        let url = format!("http://{}/", listener.local_addr().expect("local address"));
        tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("the fake Telegram server runs");
        });
        Self {
            url,
            token: token.to_owned(),
            state,
            arrived,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push_update(&self, kind: &str, body: Value) -> i64 {
        let id = {
            let mut s = self.lock();
            let id = s.next_update_id;
            s.next_update_id += 1;
            let mut update = json!({"update_id": id});
            update[kind] = body;
            s.pending.push_back(update);
            id
        };
        self.arrived.notify_waiters();
        id
    }

    fn next_message_id(&self) -> i64 {
        let mut s = self.lock();
        let id = s.next_message_id;
        s.next_message_id += 1;
        id
    }

    fn user_message(&self, from: &FakeChat, text: &str) -> Value {
        let mut message = json!({
            "message_id": self.next_message_id(),
            "date": now(),
            "chat": from.chat_json(),
            "from": from.user_json(),
            "text": text,
        });
        if text.starts_with('/') {
            let length = text.split_whitespace().next().map_or(0, utf16_len);
            message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
        }
        message
    }

    /// The person sends a text message; returns the update id.
    pub fn user_says(&self, from: &FakeChat, text: &str) -> i64 {
        let message = self.user_message(from, text);
        self.push_update("message", message)
    }

    /// The person replies to one of the bot's messages.
    pub fn user_replies(&self, from: &FakeChat, to_bot_message: i64, text: &str) -> i64 {
        let mut message = self.user_message(from, text);
        let original = self.lock().bot_messages.get(&to_bot_message).cloned();
        message["reply_to_message"] = original.expect("replying to a message the bot sent");
        self.push_update("message", message)
    }

    /// The person edits an earlier message of theirs.
    pub fn user_edits(&self, from: &FakeChat, text: &str) -> i64 {
        let mut message = self.user_message(from, text);
        message["edit_date"] = json!(now());
        self.push_update("edited_message", message)
    }

    /// The person presses a button of one of the bot's messages.
    pub fn user_presses(&self, from: &FakeChat, bot_message: i64, callback_data: &str) -> String {
        let message = self
            .lock()
            .bot_messages
            .get(&bot_message)
            .cloned()
            .expect("pressing a button of a message the bot sent");
        let id = format!("cbq-{}", self.next_message_id());
        self.push_update(
            "callback_query",
            json!({
                "id": id,
                "from": from.user_json(),
                "message": message,
                "chat_instance": "ci-1",
                "data": callback_data,
            }),
        );
        id
    }

    /// The person sends a document (with `declared_size` as Telegram reports it).
    pub fn user_sends_document(
        &self,
        from: &FakeChat,
        file_name: &str,
        mime_type: &str,
        bytes: Vec<u8>,
        declared_size: usize,
    ) -> i64 {
        let file_id = format!("file-{}", self.next_message_id());
        self.lock()
            .files
            .insert(file_id.clone(), (format!("documents/{file_name}"), bytes));
        let mut message = self.user_message(from, "");
        message
            .as_object_mut()
            .expect("a message is an object")
            .remove("text");
        message["document"] = json!({
            "file_id": file_id,
            "file_unique_id": format!("u-{file_id}"),
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": declared_size,
        });
        self.push_update("message", message)
    }

    /// Make the next call of `method` fail with Telegram's 429 and `retry_after`.
    pub fn fail_next_with_429(&self, method: &str, retry_after: u64) {
        self.lock().failures.push_back((
            method.to_owned(),
            429,
            json!({"ok": false, "error_code": 429,
                   "description": format!("Too Many Requests: retry after {retry_after}"),
                   "parameters": {"retry_after": retry_after}}),
        ));
    }

    /// Make the next call of `method` fail as for a person who blocked the bot.
    pub fn fail_next_with_blocked(&self, method: &str) {
        self.lock().failures.push_back((
            method.to_owned(),
            403,
            json!({"ok": false, "error_code": 403,
                   "description": "Forbidden: bot was blocked by the user"}),
        ));
    }

    /// Make the next `times` calls of `method` fail with `code` and `description` (a
    /// Telegram outage looks like this: 502 "Bad Gateway").
    pub fn fail_next_with(&self, method: &str, times: usize, code: u16, description: &str) {
        let mut s = self.lock();
        for _ in 0..times {
            s.failures.push_back((
                method.to_owned(),
                code,
                json!({"ok": false, "error_code": code, "description": description}),
            ));
        }
    }

    /// Make file downloads take `delay` (a large document on a slow link).
    pub fn slow_downloads(&self, delay: Duration) {
        self.lock().download_delay = delay;
    }

    /// The chat actions ("typing") the bot showed, per chat.
    pub fn chat_actions(&self) -> Vec<(i64, String)> {
        self.lock().chat_actions.clone()
    }

    /// Forget injected failures not yet used (the outage is over).
    pub fn clear_failures(&self) {
        self.lock().failures.clear();
    }

    /// Everything the bot sent so far.
    pub fn sent(&self) -> Vec<SentMessage> {
        self.lock().sent.clone()
    }

    /// What the bot sent to one chat.
    pub fn sent_to(&self, chat_id: i64) -> Vec<SentMessage> {
        self.sent()
            .into_iter()
            .filter(|m| m.chat_id == chat_id)
            .collect()
    }

    /// The command menu the bot registered.
    pub fn commands(&self) -> Vec<(String, String)> {
        self.lock().commands.clone()
    }

    /// Callback query ids the bot answered.
    pub fn answered_callbacks(&self) -> Vec<String> {
        self.lock().answered_callbacks.clone()
    }

    /// How many times getUpdates handed out this update.
    pub fn times_handed_out(&self, update_id: i64) -> usize {
        self.lock().handed_out.get(&update_id).copied().unwrap_or(0)
    }

    /// Updates not yet confirmed by the bot.
    pub fn unconfirmed(&self) -> usize {
        self.lock().pending.len()
    }

    /// How many getUpdates calls were made.
    pub fn get_updates_calls(&self) -> usize {
        self.lock().get_updates_calls
    }

    /// Wait until `check` holds on what was sent, or panic after `limit`.
    pub async fn wait_for(
        &self,
        what: &str,
        limit: Duration,
        check: impl Fn(&[SentMessage]) -> bool,
    ) -> Vec<SentMessage> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let sent = self.sent();
            if check(&sent) {
                return sent;
            }
            if tokio::time::Instant::now() > deadline {
                let texts: Vec<_> = sent.iter().map(|m| (m.chat_id, m.html.clone())).collect();
                panic!("timed out waiting for {what}; sent so far: {texts:#?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

//! Running `jtp run` as a Telegram bot against the testkit's fake Bot API server.

use jtp_testkit::telegram::{FakeTelegram, SentMessage};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

/// The bot token every test's fake server accepts.
pub const TOKEN: &str = "123456:TEST-token";
/// How long a test waits for the bot to answer.
pub const WAIT: Duration = Duration::from_secs(20);

/// `jtp run` against the fake server; returns the process and its health URL.
pub fn start_bot(dir: &Path, api_url: &str, extra: &[(&str, &str)]) -> (Child, String) {
    let mut cmd = super::jtp(dir, None);
    cmd.arg("run")
        .env("TELEGRAM_BOT_TOKEN", TOKEN)
        .env("JTP_TELEGRAM__API_URL", api_url)
        .env("JTP_TELEGRAM__POLL_TIMEOUT_SECS", "1")
        .env("JTP_HEALTH__LISTEN", "127.0.0.1:0")
        .env("JTP_TIMEZONE", "Europe/Zurich")
        // Short, so sends held back by the Throttle (1/s per chat, a freeze after a 429)
        // outlast it: their leases must be renewed, not the sends retried.
        .env("JTP_SCHEDULER__LEASE_SECONDS", "4")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (key, value) in extra {
        cmd.env(key, value);
    }
    let mut child = cmd.spawn().expect("start jtp run");
    let stderr = child.stderr.take().expect("stderr is piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("jtp run: health at ")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(url.to_owned());
            }
            eprintln!("[jtp run] {line}");
        }
    });
    let health = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("jtp run announces its health endpoint");
    (child, health)
}

/// `GET` over a plain TCP connection: (status code, body).
pub fn http_get(url: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to health");
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code");
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

/// `POST` a JSON body with headers: the status code.
pub fn http_post(addr: &str, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the webhook");
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status code")
}

/// The latest message sent to `chat` that contains `needle`.
pub fn last_with(sent: &[SentMessage], chat: i64, needle: &str) -> Option<SentMessage> {
    sent.iter()
        .rev()
        .find(|m| m.chat_id == chat && m.html.contains(needle))
        .cloned()
}

/// Wait for a message to `chat` that contains `needle`, and return it.
pub async fn reply(fake: &FakeTelegram, chat: i64, needle: &str) -> SentMessage {
    let sent = fake
        .wait_for(&format!("{needle:?} in chat {chat}"), WAIT, |sent| {
            last_with(sent, chat, needle).is_some()
        })
        .await;
    last_with(&sent, chat, needle).expect("found above")
}

/// The webhook's secret in [`start_webhook_bot`].
pub const WEBHOOK_SECRET: &str = "s3cret-value";

/// `jtp run` taking updates by webhook (secret [`WEBHOOK_SECRET`]) at a free local port,
/// listening; returns the process and the webhook's `host:port` (path `/tg/hook`).
pub async fn start_webhook_bot(
    dir: &Path,
    api_url: &str,
    extra: &[(&str, &str)],
) -> (Child, String) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let addr = format!("127.0.0.1:{port}");
    let hook = format!("http://{addr}/tg/hook");
    let mut env = vec![
        ("JTP_TELEGRAM__WEBHOOK_URL", hook.as_str()),
        ("JTP_TELEGRAM__WEBHOOK_LISTEN", addr.as_str()),
        ("TELEGRAM_WEBHOOK_SECRET", WEBHOOK_SECRET),
    ];
    env.extend_from_slice(extra);
    let (bot, _) = start_bot(dir, api_url, &env);
    // The server may take a moment to listen after start-up.
    let deadline = std::time::Instant::now() + WAIT;
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the webhook server listens"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (bot, addr)
}

/// Deliver `update` (JSON) to the webhook at `addr` as Telegram does, with the secret: the
/// status code.
pub fn deliver_update(addr: &str, update: &str) -> u16 {
    http_post(
        addr,
        "/tg/hook",
        &[("X-Telegram-Bot-Api-Secret-Token", WEBHOOK_SECRET)],
        update,
    )
}

/// A private text message from `person` (a Telegram user id, also their chat's id), as the
/// update Telegram delivers: JSON.
pub fn text_update(update_id: i64, person: i64, name: &str, text: &str) -> String {
    serde_json::json!({
        "update_id": update_id,
        "message": {
            "message_id": update_id, "date": 1_764_000_000,
            "chat": {"id": person, "type": "private", "first_name": name},
            "from": {"id": person, "is_bot": false, "first_name": name},
            "text": text,
        }
    })
    .to_string()
}

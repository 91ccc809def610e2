//! The fake server's HTTP side: Bot API methods as Telegram answers them.

use super::wire::{form_fields, parse_html};
use super::{BOT_ID, BOT_USERNAME, SentMessage, ServerState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Clone)]
pub(super) struct Server {
    pub(super) state: Arc<Mutex<ServerState>>,
    pub(super) arrived: Arc<Notify>,
}

pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub(super) fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

fn ok(result: Value) -> Response {
    (
        StatusCode::OK,
        axum::Json(json!({"ok": true, "result": result})),
    )
        .into_response()
}

fn error(code: u16, description: &str) -> Response {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(json!({"ok": false, "error_code": code, "description": description})),
    )
        .into_response()
}

pub(super) async fn method(
    State(server): State<Server>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let params: Value = if body.is_empty() {
        json!({})
    } else if let Some(boundary) = content_type.split("boundary=").nth(1) {
        // Methods that may carry a file (setWebhook, sendDocument) come as multipart.
        form_fields(&body, boundary.trim_matches('"'))
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => return error(400, "Bad Request: invalid JSON"),
        }
    };
    {
        let mut s = server.state.lock().unwrap_or_else(|e| e.into_inner());
        if bot != format!("bot{}", s.token) {
            return error(401, "Unauthorized");
        }
        if let Some(i) = s
            .failures
            .iter()
            .position(|(m, _, _)| m.eq_ignore_ascii_case(&method))
        {
            let (_, code, body) = s.failures.remove(i).expect("position is in range");
            return (
                StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
                axum::Json(body),
            )
                .into_response();
        }
    }
    // Method names are case-insensitive in the Bot API (teloxide sends "GetMe").
    match method.to_ascii_lowercase().as_str() {
        "getme" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "JobTrackerPro",
            "username": BOT_USERNAME, "can_join_groups": true,
            "can_read_all_group_messages": false, "supports_inline_queries": false,
            "can_connect_to_business": false, "has_main_web_app": false,
        })),
        "getupdates" => get_updates(&server, &params).await,
        "sendmessage" => send_message(&server, &params),
        "setmycommands" => {
            let commands = params["commands"]
                .as_array()
                .map(|list| {
                    list.iter()
                        .map(|c| {
                            (
                                c["command"].as_str().unwrap_or_default().to_owned(),
                                c["description"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            server
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .commands = commands;
            ok(json!(true))
        }
        "answercallbackquery" => {
            let id = params["callback_query_id"].as_str().unwrap_or_default();
            server
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .answered_callbacks
                .push(id.to_owned());
            ok(json!(true))
        }
        "sendchataction" => {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            let action = params["action"].as_str().unwrap_or_default().to_owned();
            server
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .chat_actions
                .push((chat, action));
            ok(json!(true))
        }
        "getfile" => {
            let id = params["file_id"].as_str().unwrap_or_default();
            let s = server.state.lock().unwrap_or_else(|e| e.into_inner());
            match s.files.get(id) {
                Some((path, bytes)) => ok(json!({
                    "file_id": id, "file_unique_id": format!("u-{id}"),
                    "file_size": bytes.len(), "file_path": path,
                })),
                None => error(400, "Bad Request: invalid file_id"),
            }
        }
        "setwebhook" | "deletewebhook" => ok(json!(true)),
        _ => error(404, "Not Found"),
    }
}

async fn get_updates(server: &Server, params: &Value) -> Response {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let limit = params["limit"].as_u64().unwrap_or(100).clamp(1, 100) as usize;
    let timeout = params["timeout"].as_u64().unwrap_or(0).min(50);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let arrived = server.arrived.notified();
        {
            let mut s = server.state.lock().unwrap_or_else(|e| e.into_inner());
            s.get_updates_calls += 1;
            if offset > 0 {
                s.pending
                    .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            }
            let batch: Vec<Value> = s.pending.iter().take(limit).cloned().collect();
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
                for update in &batch {
                    let id = update["update_id"].as_i64().unwrap_or(0);
                    *s.handed_out.entry(id).or_insert(0) += 1;
                }
                return ok(Value::Array(batch));
            }
            s.get_updates_calls -= 1; // one call, however long it waits
        }
        let _ = tokio::time::timeout_at(deadline, arrived).await;
    }
}

fn send_message(server: &Server, params: &Value) -> Response {
    let Some(chat_id) = params["chat_id"].as_i64() else {
        return error(400, "Bad Request: chat_id is empty");
    };
    let html = params["text"].as_str().unwrap_or_default().to_owned();
    let text = if params["parse_mode"] == "HTML" {
        match parse_html(&html) {
            Ok(text) => text,
            Err(reason) => {
                return error(400, &format!("Bad Request: can't parse entities: {reason}"));
            }
        }
    } else {
        html.clone()
    };
    if text.trim().is_empty() {
        return error(400, "Bad Request: message text is empty");
    }
    if utf16_len(&text) > 4096 {
        return error(400, "Bad Request: message is too long");
    }
    let mut buttons = Vec::new();
    if let Some(rows) = params["reply_markup"]["inline_keyboard"].as_array() {
        for button in rows
            .iter()
            .flat_map(|r| r.as_array().cloned().unwrap_or_default())
        {
            let data = button["callback_data"].as_str().unwrap_or_default();
            if data.is_empty() || data.len() > 64 {
                return error(400, "Bad Request: BUTTON_DATA_INVALID");
            }
            buttons.push((
                button["text"].as_str().unwrap_or_default().to_owned(),
                data.to_owned(),
            ));
        }
    }
    let mut s = server.state.lock().unwrap_or_else(|e| e.into_inner());
    let message_id = s.next_message_id;
    s.next_message_id += 1;
    let chat = if chat_id > 0 {
        json!({"id": chat_id, "type": "private", "first_name": "Person"})
    } else {
        json!({"id": chat_id, "type": "supergroup", "title": "Group"})
    };
    let mut message = json!({
        "message_id": message_id,
        "date": now(),
        "chat": chat,
        "from": {"id": BOT_ID, "is_bot": true, "first_name": "JobTrackerPro", "username": BOT_USERNAME},
        "text": text,
    });
    if !params["reply_markup"].is_null() {
        message["reply_markup"] = params["reply_markup"].clone();
    }
    s.bot_messages.insert(message_id, message.clone());
    s.sent.push(SentMessage {
        message_id,
        chat_id,
        html,
        buttons,
    });
    ok(message)
}

/// `GET /file/bot<token>/<path>`: a file the person sent, as getFile named it.
pub(super) async fn download(
    State(server): State<Server>,
    Path((bot, path)): Path<(String, String)>,
) -> Response {
    let delay = server
        .state
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .download_delay;
    tokio::time::sleep(delay).await;
    let s = server.state.lock().unwrap_or_else(|e| e.into_inner());
    if bot != format!("bot{}", s.token) {
        return error(401, "Unauthorized");
    }
    match s.files.values().find(|(p, _)| *p == path) {
        Some((_, bytes)) => (StatusCode::OK, bytes.clone()).into_response(),
        None => error(404, "Not Found"),
    }
}

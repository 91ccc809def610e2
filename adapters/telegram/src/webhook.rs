//! Webhook mode, for running behind a load balancer: Telegram POSTs each update to our HTTPS
//! address with the secret token we registered in `X-Telegram-Bot-Api-Secret-Token`;
//! requests without it are refused. A 200 is answered only after the update is handled, so
//! Telegram redelivers one we failed on (and the core recognises one it already handled).

use crate::inbound::Receiver;
use crate::{TelegramError, WebhookConfig};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::types::AllowedUpdate;

/// The header Telegram sends the secret token in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

struct Hook {
    receiver: Receiver,
    secret: String,
}

/// Register the webhook with Telegram and serve it until the server fails.
pub(crate) async fn serve(receiver: Receiver, config: WebhookConfig) -> Result<(), TelegramError> {
    let url = config
        .public_url
        .parse()
        .map_err(|_| TelegramError::Webhook(format!("{:?} is not a URL", config.public_url)))?;
    receiver
        .client()
        .set_webhook(url)
        .secret_token(config.secret.clone())
        .allowed_updates(vec![
            AllowedUpdate::Message,
            AllowedUpdate::EditedMessage,
            AllowedUpdate::CallbackQuery,
        ])
        .await
        .map_err(|e| TelegramError::Webhook(format!("setWebhook failed: {e}")))?;
    let path = webhook_path(&config.public_url);
    let state = Arc::new(Hook {
        receiver,
        secret: config.secret,
    });
    let app = Router::new()
        .route(&path, post(update))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| TelegramError::Webhook(format!("cannot listen on {}: {e}", config.listen)))?;
    // Inbound is live while the server listens: a quiet hour without updates is not a
    // stalled webhook.
    let alive = keep_alive(&state);
    tokio::select! {
        served = axum::serve(listener, app) => served.map_err(|e| TelegramError::Webhook(e.to_string())),
        never = alive => match never {},
    }
}

/// Report inbound as live every few seconds, for ever.
async fn keep_alive(hook: &Hook) -> std::convert::Infallible {
    loop {
        hook.receiver.health().inbound_ok();
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    }
}

/// The path part of the public URL (where the load balancer forwards to), `/` if none.
fn webhook_path(public_url: &str) -> String {
    public_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "/".to_owned())
}

async fn update(State(hook): State<Arc<Hook>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let secret = headers
        .get(SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !constant_time_eq(secret.as_bytes(), hook.secret.as_bytes()) {
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(update) = serde_json::from_slice::<Update>(&body) else {
        // Telegram would redeliver a non-2xx for ever; an unreadable update never improves.
        tracing::warn!("unreadable webhook update dropped");
        return StatusCode::OK;
    };
    hook.receiver.health().inbound_ok();
    if hook.receiver.handle(update).await {
        StatusCode::OK
    } else {
        // Telegram redelivers on a non-2xx answer.
        StatusCode::SERVICE_UNAVAILABLE
    }
}

/// Compare secrets without revealing, by timing, how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_secret() {
        assert_eq!(webhook_path("https://bot.example.com/tg/hook"), "/tg/hook");
        assert_eq!(webhook_path("https://bot.example.com"), "/");
        assert!(constant_time_eq(b"s3cret", b"s3cret"));
        assert!(!constant_time_eq(b"s3cret", b"s3creT"));
        assert!(!constant_time_eq(b"s3cret", b"s3cre"));
    }
}

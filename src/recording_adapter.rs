//! A stand-in chat platform for the crash tests, switched on only by
//! `JTP_TEST_DELIVERY_LOG=<file>`; no configuration file can enable it.
//!
//! It reproduces what a platform that deduplicates sends does — Matrix's
//! `PUT /rooms/{room}/send/{type}/{txnId}` returns the first event for a repeated
//! transaction id and shows nothing new; Discord's `nonce` with `enforce_nonce` likewise:
//! every message is appended to the file as one JSON line, once per idempotency key, and a
//! repeated key is answered with the first message's id and logged as suppressed. It
//! remembers the keys already in the file, as the platform's server would across our
//! restarts. Its console-chat rows are the ones it delivers.

use async_trait::async_trait;
use bot_core::message::{ChatRef, Outbound, Platform};
use bot_core::{Adapter, DeliveryError};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use tokio::sync::Mutex;

/// The environment variable that switches the adapter on.
pub const ENV: &str = "JTP_TEST_DELIVERY_LOG";

/// Appends deliveries to a JSON-lines file, each idempotency key once.
pub struct RecordingAdapter {
    path: PathBuf,
    /// Key → the id it was first delivered under.
    shown: Mutex<HashMap<String, String>>,
}

impl RecordingAdapter {
    /// The adapter if the test switch is set, with the keys its file already holds.
    pub fn from_env() -> anyhow::Result<Option<Self>> {
        let Some(path) = std::env::var_os(ENV).map(PathBuf::from) else {
            return Ok(None);
        };
        let mut shown = HashMap::new();
        if path.exists() {
            for line in std::fs::read_to_string(&path)?.lines() {
                let entry: serde_json::Value = serde_json::from_str(line)?;
                if let (Some(key), Some(id)) = (entry["key"].as_str(), entry["id"].as_str()) {
                    shown.entry(key.to_owned()).or_insert_with(|| id.to_owned());
                }
            }
        }
        Ok(Some(Self {
            path,
            shown: Mutex::new(shown),
        }))
    }

    fn append(&self, entry: &serde_json::Value) -> Result<(), DeliveryError> {
        let transient = |e: std::io::Error| DeliveryError::Transient {
            reason: format!("delivery log: {e}"),
            retry_after: None,
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(transient)?;
        writeln!(file, "{entry}").map_err(transient)?;
        file.sync_data().map_err(transient)
    }
}

#[async_trait]
impl Adapter for RecordingAdapter {
    fn platform(&self) -> Platform {
        Platform::Console
    }

    async fn deliver(
        &self,
        chat: &ChatRef,
        message: &Outbound,
        idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        let mut shown = self.shown.lock().await;
        if let Some(id) = shown.get(idempotency_key) {
            self.append(&serde_json::json!({
                "suppressed": idempotency_key,
                "id": id,
            }))?;
            return Ok(id.clone());
        }
        let id = format!("rec-{}", shown.len() + 1);
        self.append(&serde_json::json!({
            "key": idempotency_key,
            "id": id,
            "chat": chat.chat_id,
            "text": message.text,
        }))?;
        shown.insert(idempotency_key.to_owned(), id.clone());
        Ok(id)
    }
}

//! The conversation log and the per-chat dialogue state.

use super::{Store, StoreError, in_tx, now, on_pool, on_writer, returned_row};
use crate::message::{ChatRef, Outbound};

/// Which way a logged message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// Write one answer inside a transaction `$tx`: the dialogue state (`None` clears it), the
/// outbound messages in the log, their outbox rows under `$key:<n>`. Evaluates to the outbox
/// row ids in order; a key already in the outbox adds nothing twice.
macro_rules! write_replies {
    ($tx:ident, $user_id:expr, $chat:expr, $chat_id:expr, $reply_key:expr, $replies:expr, $payloads:expr, $chat_json:expr, $dialogue_state:expr, $at:expr) => {{
        let (user_id, chat, chat_id, reply_key, replies, payloads, chat_json, dialogue_state, at): (
            i64,
            &ChatRef,
            i64,
            &str,
            &[Outbound],
            &[String],
            &str,
            Option<&str>,
            chrono::DateTime<chrono::Utc>,
        ) = (
            $user_id, $chat, $chat_id, $reply_key, $replies, $payloads, $chat_json, $dialogue_state, $at,
        );
            match dialogue_state {
            Some(state) => {
                sqlx::query(
                    "INSERT INTO dialogue_states (user_id, chat_id, state, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (user_id, chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                )
                .bind(user_id)
                .bind(chat_id)
                .bind(state)
                .bind(at)
                .execute(&mut *$tx)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM dialogue_states WHERE user_id = $1 AND chat_id = $2")
                    .bind(user_id)
                    .bind(chat_id)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
        let mut ids = Vec::with_capacity(replies.len());
        for (n, (reply, payload)) in replies.iter().zip(payloads).enumerate() {
            let key = format!("{reply_key}:{n}");
            let inserted: Option<i64> = sqlx::query_scalar(
                "INSERT INTO outbox (idempotency_key, user_id, platform, chat_id, chat_ref, payload, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            )
            .bind(&key)
            .bind(user_id)
            .bind(chat.platform.as_str())
            .bind(&chat.chat_id)
            .bind(&chat_json)
            .bind(payload)
            .bind(at)
            .fetch_optional(&mut *$tx)
            .await?;
            let id = match inserted {
                Some(id) => {
                    sqlx::query(
                        "INSERT INTO messages (user_id, chat_id, direction, text, intent, created_at) \
                         VALUES ($1, $2, $3, $4, NULL, $5)",
                    )
                    .bind(user_id)
                    .bind(chat_id)
                    .bind(Direction::Out.as_str())
                    .bind(&reply.text)
                    .bind(at)
                    .execute(&mut *$tx)
                    .await?;
                    id
                }
                None => {
                    sqlx::query_scalar("SELECT id FROM outbox WHERE idempotency_key = $1")
                        .bind(&key)
                        .fetch_one(&mut *$tx)
                        .await?
                }
            };
            ids.push(id);
        }
        ids
    }};
}

impl Store {
    /// Log one inbound message (turns are logged with their answer by
    /// [`Store::record_turn`]).
    pub async fn log_inbound(
        &self,
        user_id: i64,
        chat_id: i64,
        text: &str,
        intent: Option<&str>,
    ) -> Result<i64, StoreError> {
        on_writer!(self, pool => {
            let insert = sqlx::query_scalar(
                "INSERT INTO messages (user_id, chat_id, direction, text, intent, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(user_id)
            .bind(chat_id)
            .bind(Direction::In.as_str())
            .bind(text)
            .bind(intent)
            .bind(now());
            let id: i64 = returned_row!(insert, pool)?.ok_or(sqlx::Error::RowNotFound)?;
            Ok(id)
        })
    }

    /// Whether this platform message was already handled in this chat (a redelivery).
    pub async fn inbound_seen(
        &self,
        chat_id: i64,
        platform_message_id: &str,
    ) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM messages WHERE chat_id = $1 AND platform_message_id = $2",
            )
            .bind(chat_id)
            .bind(platform_message_id)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// The most recent `limit` messages of a user in one chat, oldest first.
    pub async fn recent_messages(
        &self,
        user_id: i64,
        chat_id: i64,
        limit: i64,
    ) -> Result<Vec<(Direction, String)>, StoreError> {
        on_pool!(self, pool => {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT direction, text FROM messages WHERE user_id = $1 AND chat_id = $2 \
                 ORDER BY id DESC LIMIT $3",
            )
            .bind(user_id)
            .bind(chat_id)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            Ok(rows
                .into_iter()
                .rev()
                .map(|(dir, text)| {
                    (if dir == "in" { Direction::In } else { Direction::Out }, text)
                })
                .collect())
        })
    }

    /// The dialogue state saved for this user in this chat, as the dialogue module wrote it.
    pub async fn dialogue_state(
        &self,
        user_id: i64,
        chat_id: i64,
    ) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar(
                "SELECT state FROM dialogue_states WHERE user_id = $1 AND chat_id = $2",
            )
            .bind(user_id)
            .bind(chat_id)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Record the answer to one inbound message in one transaction: the new dialogue state
    /// (`None` clears it), the outbound messages in the log, and their outbox rows. Returns the
    /// outbox row ids in order. Replaying the same `reply_key` adds nothing twice.
    pub async fn record_replies(
        &self,
        user_id: i64,
        chat: &ChatRef,
        chat_id: i64,
        reply_key: &str,
        replies: &[Outbound],
        dialogue_state: Option<&str>,
    ) -> Result<Vec<i64>, StoreError> {
        let at = now();
        let (chat_json, payloads) = serialise(chat, replies)?;
        let ids = in_tx!(self, tx => {
            write_replies!(tx, user_id, chat, chat_id, reply_key, replies, &payloads, &chat_json, dialogue_state, at)
        });
        Ok(ids)
    }

    /// Record a whole turn in one transaction: the inbound message in the log (with the
    /// platform's id for it) and the answer to it (see [`Store::record_replies`]), under the
    /// reply key `reply:<inbound id>`. `None` when the platform message was logged before —
    /// a redelivery, or a second copy handled at the same time — and nothing is written.
    /// Returns the inbound log id and the outbox row ids.
    pub async fn record_turn(
        &self,
        user_id: i64,
        inbound: &InboundLog<'_>,
        chat: &ChatRef,
        chat_id: i64,
        replies: &[Outbound],
        dialogue_state: Option<&str>,
    ) -> Result<Option<(i64, Vec<i64>)>, StoreError> {
        let at = now();
        let (chat_json, payloads) = serialise(chat, replies)?;
        let recorded = in_tx!(self, tx => {
            let logged: Option<i64> = sqlx::query_scalar(
                "INSERT INTO messages (user_id, chat_id, direction, text, intent, created_at, platform_message_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (chat_id, platform_message_id) WHERE platform_message_id IS NOT NULL DO NOTHING \
                 RETURNING id",
            )
            .bind(user_id)
            .bind(inbound.chat_id)
            .bind(Direction::In.as_str())
            .bind(inbound.text)
            .bind(inbound.intent)
            .bind(at)
            .bind(inbound.platform_message_id)
            .fetch_optional(&mut *tx)
            .await?;
            match logged {
                None => None,
                Some(id) => {
                    let key = format!("reply:{id}");
                    let ids = write_replies!(tx, user_id, chat, chat_id, &key, replies, &payloads, &chat_json, dialogue_state, at);
                    Some((id, ids))
                }
            }
        });
        Ok(recorded)
    }
}

/// An inbound message as it is logged with its turn.
#[derive(Debug, Clone, Copy)]
pub struct InboundLog<'a> {
    /// The chat it was written in (the answer may go elsewhere).
    pub chat_id: i64,
    /// What to keep of the message: possibly shortened or redacted by the caller.
    pub text: &'a str,
    /// The name of the intent it was understood as, if any.
    pub intent: Option<&'a str>,
    /// The platform's id for it, which makes a redelivery recognisable.
    pub platform_message_id: Option<&'a str>,
}

fn serialise(chat: &ChatRef, replies: &[Outbound]) -> Result<(String, Vec<String>), StoreError> {
    let chat_json = serde_json::to_string(chat)
        .map_err(|e| StoreError::Corrupt(format!("chat reference not serialisable: {e}")))?;
    let payloads = replies
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(format!("reply not serialisable: {e}")))?;
    Ok((chat_json, payloads))
}

//! Users, their platform identities and the chats they talk in.

use super::{Store, StoreError, in_tx, now, on_pool, on_writer};

/// What [`Store::forget_user`] removed, for the confirmation message and the audit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    /// Applications deleted, with their timelines.
    pub applications: u64,
    /// Logged conversation messages deleted, in both directions.
    pub messages: u64,
    /// Reminders deleted, other than those that went with their applications.
    pub reminders: u64,
}
use crate::message::ChatRef;
use crate::preferences::NudgePreferences;
use chrono::{DateTime, Utc};
use sqlx::Row;
use std::collections::HashMap;

/// A person, whichever platforms they use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The internal id every per-user row refers to.
    pub id: i64,
    /// How the platform named them on first contact, if it said (cleared when forgotten).
    pub display_name: Option<String>,
    /// IANA zone name, once the person told us or we inferred it.
    pub timezone: Option<String>,
    /// Free-form JSON preferences (quiet hours, nudge interval, …).
    pub preferences: String,
    /// When they first talked to the bot.
    pub created_at: DateTime<Utc>,
}

/// A chat as stored, with the id other tables refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRecord {
    /// The internal id of the chat.
    pub id: i64,
    /// How to address the chat on its platform.
    pub chat: ChatRef,
}

macro_rules! user_from_row {
    ($row:expr) => {{
        let row = $row;
        User {
            id: row.try_get("id")?,
            display_name: row.try_get("display_name")?,
            timezone: row.try_get("timezone")?,
            preferences: row.try_get("preferences")?,
            created_at: row.try_get("created_at")?,
        }
    }};
}

const SELECT_USER_BY_IDENTITY: &str = "SELECT u.id, u.display_name, u.timezone, u.preferences, u.created_at \
     FROM identities i JOIN users u ON u.id = i.user_id \
     WHERE i.platform = $1 AND i.platform_user_id = $2";

/// Nudge settings of the people `$user_ids` (`&[i64]`), on a pool or inside a transaction
/// (the scheduler reads them in its firing transaction): user id → settings.
macro_rules! nudge_preferences_on {
    ($conn:expr, $user_ids:expr) => {{
        let user_ids: &[i64] = $user_ids;
        let mut out = ::std::collections::HashMap::with_capacity(user_ids.len());
        for chunk in user_ids.chunks(500) {
            let mut q = ::sqlx::QueryBuilder::new("SELECT id, preferences FROM users WHERE id IN ");
            $crate::store::push_id_list(&mut q, chunk);
            let rows: Vec<(i64, String)> = q.build_query_as().fetch_all($conn).await?;
            for (id, json) in rows {
                out.insert(
                    id,
                    $crate::preferences::NudgePreferences::from_user_json(&json),
                );
            }
        }
        out
    }};
}
pub(super) use nudge_preferences_on;

impl Store {
    /// The user behind a platform identity, created on first contact. Safe against two
    /// processes seeing the same new person at once: the identity's primary key decides.
    pub async fn resolve_user(
        &self,
        platform: &str,
        platform_user_id: &str,
        display_name: Option<&str>,
    ) -> Result<User, StoreError> {
        let existing = on_pool!(self, pool => {
            match sqlx::query(SELECT_USER_BY_IDENTITY)
                .bind(platform)
                .bind(platform_user_id)
                .fetch_optional(pool)
                .await?
            {
                Some(row) => Some(user_from_row!(&row)),
                None => None,
            }
        });
        if let Some(user) = existing {
            return Ok(user);
        }
        let at = now();
        let created: Result<User, StoreError> = async {
            Ok(in_tx!(self, tx => {
            // Re-check inside the write transaction: another process may have won the race.
            let found = sqlx::query(SELECT_USER_BY_IDENTITY)
                .bind(platform)
                .bind(platform_user_id)
                .fetch_optional(&mut *tx)
                .await?;
            match found {
                Some(row) => user_from_row!(&row),
                None => {
                    let row = sqlx::query(
                        "INSERT INTO users (display_name, timezone, preferences, created_at) \
                         VALUES ($1, NULL, '{}', $2) \
                         RETURNING id, display_name, timezone, preferences, created_at",
                    )
                    .bind(display_name)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    let user = user_from_row!(&row);
                    sqlx::query(
                        "INSERT INTO identities (platform, platform_user_id, user_id, created_at) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(platform)
                    .bind(platform_user_id)
                    .bind(user.id)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    user
                }
            }
        }))
        }
        .await;
        match created {
            // Another process created the same person between our check and our insert.
            Err(StoreError::Query(sqlx::Error::Database(err))) if err.is_unique_violation() => {
                on_pool!(self, pool => {
                    let row = sqlx::query(SELECT_USER_BY_IDENTITY)
                        .bind(platform)
                        .bind(platform_user_id)
                        .fetch_one(pool)
                        .await?;
                    Ok(user_from_row!(&row))
                })
            }
            other => other,
        }
    }

    /// One user by id.
    pub async fn user(&self, user_id: i64) -> Result<Option<User>, StoreError> {
        on_pool!(self, pool => {
            match sqlx::query(
                "SELECT id, display_name, timezone, preferences, created_at FROM users WHERE id = $1",
            )
            .bind(user_id)
            .fetch_optional(pool)
            .await?
            {
                Some(row) => Ok(Some(user_from_row!(&row))),
                None => Ok(None),
            }
        })
    }

    /// Delete everything kept about a user — applications with their timelines, reminders,
    /// the conversation log, dialogue state, delivered or failed outbox rows, name, zone and
    /// preferences — in one transaction. The user id and platform identities stay, so the
    /// confirmation can still be delivered and the person can start afresh.
    pub async fn forget_user(&self, user_id: i64) -> Result<Forgotten, StoreError> {
        let forgotten = in_tx!(self, tx => {
            let applications = sqlx::query("DELETE FROM applications WHERE user_id = $1")
                    .bind(user_id).execute(&mut *tx).await?.rows_affected();
            let reminders = sqlx::query("DELETE FROM reminders WHERE user_id = $1")
                    .bind(user_id).execute(&mut *tx).await?.rows_affected();
            let messages = sqlx::query("DELETE FROM messages WHERE user_id = $1")
                    .bind(user_id).execute(&mut *tx).await?.rows_affected();
            sqlx::query("DELETE FROM dialogue_states WHERE user_id = $1")
                .bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM outbox WHERE user_id = $1 AND state IN ('sent', 'failed')")
                .bind(user_id).execute(&mut *tx).await?;
            sqlx::query("UPDATE users SET display_name = NULL, timezone = NULL, preferences = '{}' WHERE id = $1")
                .bind(user_id).execute(&mut *tx).await?;
            Forgotten { applications, messages, reminders }
        });
        Ok(forgotten)
    }

    /// The stored id of a chat, created on first sight.
    pub async fn upsert_chat(&self, chat: &ChatRef) -> Result<ChatRecord, StoreError> {
        let thread = chat.thread_id.clone().unwrap_or_default();
        let id: i64 = on_writer!(self, pool => {
            let found: Option<(i64, bool)> = sqlx::query_as(
                "SELECT id, unreachable_since IS NOT NULL FROM chats \
                 WHERE platform = $1 AND platform_chat_id = $2 AND thread_id = $3",
            )
            .bind(chat.platform.as_str())
            .bind(&chat.chat_id)
            .bind(&thread)
            .fetch_optional(pool)
            .await?;
            match found {
                Some((id, unreachable)) => {
                    if unreachable {
                        // They wrote here again: the block is lifted, nudges may come here.
                        sqlx::query("UPDATE chats SET unreachable_since = NULL WHERE id = $1")
                            .bind(id)
                            .execute(pool)
                            .await?;
                    }
                    id
                }
                None => {
                    sqlx::query(
                        "INSERT INTO chats (platform, platform_chat_id, thread_id, is_direct, created_at) \
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    )
                    .bind(chat.platform.as_str())
                    .bind(&chat.chat_id)
                    .bind(&thread)
                    .bind(chat.is_direct)
                    .bind(now())
                    .execute(pool)
                    .await?;
                    sqlx::query_scalar(
                        "SELECT id FROM chats WHERE platform = $1 AND platform_chat_id = $2 AND thread_id = $3",
                    )
                    .bind(chat.platform.as_str())
                    .bind(&chat.chat_id)
                    .bind(&thread)
                    .fetch_one(pool)
                    .await?
                }
            }
        });
        Ok(ChatRecord {
            id,
            chat: chat.clone(),
        })
    }

    /// The platform refused a message to this chat for good (the person blocked the bot,
    /// left, or the chat is gone): nudges stop going there until the person writes in it
    /// again (see [`Store::upsert_chat`]).
    pub async fn mark_chat_unreachable(&self, chat: &ChatRef) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "UPDATE chats SET unreachable_since = $1 WHERE platform = $2 AND platform_chat_id = $3 \
                 AND thread_id = $4 AND unreachable_since IS NULL",
            )
            .bind(now())
            .bind(chat.platform.as_str())
            .bind(&chat.chat_id)
            .bind(chat.thread_id.clone().unwrap_or_default())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Nudge settings of several people at once (the scheduler's batch): user id → settings.
    /// People not found get the defaults.
    pub async fn nudge_preferences(
        &self,
        user_ids: &[i64],
    ) -> Result<HashMap<i64, NudgePreferences>, StoreError> {
        on_pool!(self, pool => Ok(nudge_preferences_on!(pool, user_ids)))
    }

    /// Save one person's nudge settings, keeping their other preferences.
    pub async fn set_nudge_preferences(
        &self,
        user_id: i64,
        prefs: NudgePreferences,
    ) -> Result<(), StoreError> {
        in_tx!(self, tx => {
            let current: Option<String> =
                sqlx::query_scalar("SELECT preferences FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let updated = prefs.into_user_json(current.as_deref().unwrap_or("{}"));
            sqlx::query("UPDATE users SET preferences = $1 WHERE id = $2")
                .bind(updated)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }
}

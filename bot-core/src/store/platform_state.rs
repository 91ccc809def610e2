//! What adapters keep between runs: where a polling adapter resumes, and button payloads
//! too long for a platform's callback data.

use super::{Store, StoreError, now, on_pool, on_writer};

impl Store {
    /// The offset a polling adapter resumes from (`None` before its first update).
    pub async fn poll_offset(
        &self,
        platform: &str,
        account: &str,
    ) -> Result<Option<i64>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar(
                "SELECT next_offset FROM poll_offsets WHERE platform = $1 AND account = $2",
            )
            .bind(platform)
            .bind(account)
            .fetch_optional(pool)
            .await?)
        })
    }

    /// Save where to resume, after each update handled. Never moves backwards.
    pub async fn save_poll_offset(
        &self,
        platform: &str,
        account: &str,
        next_offset: i64,
    ) -> Result<(), StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO poll_offsets (platform, account, next_offset, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (platform, account) DO UPDATE SET next_offset = excluded.next_offset, \
                 updated_at = excluded.updated_at WHERE poll_offsets.next_offset < excluded.next_offset",
            )
            .bind(platform)
            .bind(account)
            .bind(next_offset)
            .bind(now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// A short key standing for `payload` (the same key for the same payload).
    pub async fn button_key(&self, payload: &str) -> Result<i64, StoreError> {
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO button_payloads (payload, created_at) VALUES ($1, $2) \
                 ON CONFLICT (payload) DO NOTHING",
            )
            .bind(payload)
            .bind(now())
            .execute(pool)
            .await?;
            Ok(sqlx::query_scalar("SELECT id FROM button_payloads WHERE payload = $1")
                .bind(payload)
                .fetch_one(pool)
                .await?)
        })
    }

    /// The payload a key stands for; `None` for a key we never gave out.
    pub async fn button_payload(&self, key: i64) -> Result<Option<String>, StoreError> {
        on_pool!(self, pool => {
            Ok(sqlx::query_scalar("SELECT payload FROM button_payloads WHERE id = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?)
        })
    }

    /// Whether the person has a direct chat with us on `platform` whose id is `chat_id`
    /// (on Telegram, whether they ever opened a private chat with the bot).
    pub async fn has_direct_chat(&self, platform: &str, chat_id: &str) -> Result<bool, StoreError> {
        on_pool!(self, pool => {
            let found: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM chats WHERE platform = $1 AND platform_chat_id = $2 AND is_direct \
                 AND unreachable_since IS NULL",
            )
            .bind(platform)
            .bind(chat_id)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// How many parts of the message with this idempotency key were sent already.
    pub async fn parts_sent(&self, idempotency_key: &str) -> Result<usize, StoreError> {
        let sent: Option<i64> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT parts_sent FROM delivery_progress WHERE idempotency_key = $1")
                .bind(idempotency_key)
                .fetch_optional(pool)
                .await?
        });
        Ok(sent.and_then(|n| usize::try_from(n).ok()).unwrap_or(0))
    }

    /// Note that `parts` parts of the message with this idempotency key are sent.
    pub async fn note_parts_sent(
        &self,
        idempotency_key: &str,
        parts: usize,
    ) -> Result<(), StoreError> {
        let parts = i64::try_from(parts).unwrap_or(i64::MAX);
        on_writer!(self, pool => {
            sqlx::query(
                "INSERT INTO delivery_progress (idempotency_key, parts_sent, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (idempotency_key) DO UPDATE SET parts_sent = excluded.parts_sent, \
                 updated_at = excluded.updated_at",
            )
            .bind(idempotency_key)
            .bind(parts)
            .bind(now())
            .execute(pool)
            .await?;
        });
        Ok(())
    }
}

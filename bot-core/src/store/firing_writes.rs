//! The set-based writes of a firing transaction — reminders marked fired, their nudges'
//! outbox rows — in the form each database takes fastest.

use super::outbox::lease_end;
use super::schedule::Nudge;
use super::{OutboxClaim, StoreError};
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

/// One nudge as an outbox row, serialised for the insert.
pub(super) struct OutboxInsert {
    pub(super) key: String,
    user_id: i64,
    platform: &'static str,
    chat_id: String,
    chat_ref: String,
    payload: String,
    pub(super) claim: Option<OutboxClaim>,
}

impl OutboxInsert {
    /// Written claimed for a sender of this process, or for any sender.
    fn state(&self) -> &'static str {
        if self.claim.is_some() {
            "sending"
        } else {
            "pending"
        }
    }

    /// The row of one nudge, under the idempotency key (reminder, occurrence).
    pub(super) fn for_nudge(nudge: &Nudge) -> Result<Self, StoreError> {
        Ok(Self {
            key: super::reminders::nudge_key(nudge.reminder.id, nudge.reminder.occurrence),
            user_id: nudge.reminder.user_id,
            platform: nudge.chat.platform.as_str(),
            chat_id: nudge.chat.chat_id.clone(),
            chat_ref: serde_json::to_string(&nudge.chat).map_err(|e| {
                StoreError::Corrupt(format!("chat reference not serialisable: {e}"))
            })?,
            payload: serde_json::to_string(&nudge.message)
                .map_err(|e| StoreError::Corrupt(format!("message not serialisable: {e}")))?,
            claim: nudge.claim.clone(),
        })
    }
}

/// The writes of a firing transaction for a chunk of nudges, one implementation per
/// database connection type.
pub(super) trait FiringWrites {
    /// Write the outbox rows; returns (id, key) of each row written (an occurrence already
    /// in the outbox is skipped).
    async fn insert_outbox_rows(
        &mut self,
        rows: &[&OutboxInsert],
        at: DateTime<Utc>,
    ) -> Result<Vec<(i64, String)>, sqlx::Error>;

    /// Mark one-off reminders fired at `fired` (their occurrence counted), written at `at`;
    /// returns how many were.
    async fn mark_fired(
        &mut self,
        ids: &[i64],
        fired: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<u64, sqlx::Error>;
}

/// Columns the nudge's outbox row sets, in the order both statements give them.
const OUTBOX_INSERT: &str = "INSERT INTO outbox (idempotency_key, user_id, platform, chat_id, \
     chat_ref, payload, state, lease_owner, lease_until, attempts, next_attempt_at, created_at) ";
const OUTBOX_INSERTED: &str =
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key";

/// PostgreSQL takes a column per array: one statement shape and a parameter per column
/// however many rows, instead of parsing and planning a list of thousands of parameters.
impl FiringWrites for sqlx::PgConnection {
    async fn mark_fired(
        &mut self,
        ids: &[i64],
        fired: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<u64, sqlx::Error> {
        Ok(sqlx::query(
            "UPDATE reminders SET state = 'fired', occurrence = occurrence + 1, updated_at = $1, \
             last_fired_at = $3 WHERE state = 'pending' AND id = ANY($2)",
        )
        .bind(at)
        .bind(ids)
        .bind(fired)
        .execute(self)
        .await?
        .rows_affected())
    }

    async fn insert_outbox_rows(
        &mut self,
        rows: &[&OutboxInsert],
        at: DateTime<Utc>,
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        let sql = format!(
            "{OUTBOX_INSERT}SELECT k, u, p, c, r, m, s, o, l, a, $11, $11 FROM UNNEST(\
             $1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], \
             $7::text[], $8::text[], $9::timestamptz[], $10::bigint[]) \
             AS t(k, u, p, c, r, m, s, o, l, a){OUTBOX_INSERTED}"
        );
        let column = |value: fn(&OutboxInsert) -> String| -> Vec<String> {
            rows.iter().map(|row| value(row)).collect()
        };
        let claims: Vec<Option<&OutboxClaim>> = rows.iter().map(|row| row.claim.as_ref()).collect();
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(column(|r| r.key.clone()))
            .bind(rows.iter().map(|row| row.user_id).collect::<Vec<_>>())
            .bind(column(|r| r.platform.to_owned()))
            .bind(column(|r| r.chat_id.clone()))
            .bind(column(|r| r.chat_ref.clone()))
            .bind(column(|r| r.payload.clone()))
            .bind(column(|r| r.state().to_owned()))
            .bind(
                claims
                    .iter()
                    .map(|c| c.map(|c| c.owner.clone()))
                    .collect::<Vec<_>>(),
            )
            .bind(
                claims
                    .iter()
                    .map(|c| c.map(|c| lease_end(c.lease)))
                    .collect::<Vec<_>>(),
            )
            .bind(
                claims
                    .iter()
                    .map(|c| i64::from(c.is_some()))
                    .collect::<Vec<_>>(),
            )
            .bind(at)
            .fetch_all(self)
            .await
    }
}

/// SQLite has no arrays: a multi-row `VALUES` list.
impl FiringWrites for sqlx::SqliteConnection {
    async fn mark_fired(
        &mut self,
        ids: &[i64],
        fired: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<u64, sqlx::Error> {
        let mut q = QueryBuilder::new(
            "UPDATE reminders SET state = 'fired', occurrence = occurrence + 1, updated_at = ",
        );
        q.push_bind(at)
            .push(", last_fired_at = ")
            .push_bind(fired)
            .push(" WHERE state = 'pending' AND id IN ");
        super::push_id_list(&mut q, ids);
        Ok(q.build().execute(self).await?.rows_affected())
    }

    async fn insert_outbox_rows(
        &mut self,
        rows: &[&OutboxInsert],
        at: DateTime<Utc>,
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        let mut q = QueryBuilder::new(OUTBOX_INSERT);
        q.push_values(rows, |mut values, row| {
            let claim = row.claim.as_ref();
            values
                .push_bind(row.key.clone())
                .push_bind(row.user_id)
                .push_bind(row.platform)
                .push_bind(row.chat_id.clone())
                .push_bind(row.chat_ref.clone())
                .push_bind(row.payload.clone())
                .push_bind(row.state())
                .push_bind(claim.map(|c| c.owner.clone()))
                .push_bind(claim.map(|c| lease_end(c.lease)))
                .push_bind(i64::from(claim.is_some()))
                .push_bind(at)
                .push_bind(at);
        });
        q.push(OUTBOX_INSERTED);
        q.build_query_as().fetch_all(self).await
    }
}

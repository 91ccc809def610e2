//! The outbox rows still to deliver — pending, or being sent — listed in `outbox_waiting`
//! (migration 0007), so that no outbox index covers a column a delivery changes and
//! recording a delivery stays a heap-only update on PostgreSQL.
//!
//! The list must always hold exactly the outbox rows in those two states: a row missing
//! from it is never delivered. Every statement of the store that moves a row into or out of
//! them calls [`Waiting::enter`] or [`Waiting::leave`] in the same transaction, with the ids
//! the statement itself returned.

use sqlx::QueryBuilder;

/// Ids per statement: two parameters a row stay far below both drivers' limits.
const CHUNK: usize = 2000;

/// Additions to and removals from the waiting list, one implementation per database
/// connection type (PostgreSQL binds a column as an array; SQLite has no arrays).
pub(super) trait Waiting {
    /// Rows that became pending or sending: `(outbox id, platform)`.
    async fn enter(&mut self, rows: &[(i64, String)]) -> Result<(), sqlx::Error>;

    /// Rows that were delivered, given up on or withdrawn. An id not on the list is
    /// ignored.
    async fn leave(&mut self, ids: &[i64]) -> Result<(), sqlx::Error>;
}

impl Waiting for sqlx::PgConnection {
    async fn enter(&mut self, rows: &[(i64, String)]) -> Result<(), sqlx::Error> {
        for chunk in rows.chunks(CHUNK) {
            let (ids, platforms): (Vec<i64>, Vec<String>) = chunk.iter().cloned().unzip();
            sqlx::query(
                "INSERT INTO outbox_waiting (outbox_id, platform) \
                 SELECT * FROM UNNEST($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING",
            )
            .bind(ids)
            .bind(platforms)
            .execute(&mut *self)
            .await?;
        }
        Ok(())
    }

    async fn leave(&mut self, ids: &[i64]) -> Result<(), sqlx::Error> {
        for chunk in ids.chunks(CHUNK) {
            sqlx::query("DELETE FROM outbox_waiting WHERE outbox_id = ANY($1)")
                .bind(chunk)
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }
}

impl Waiting for sqlx::SqliteConnection {
    async fn enter(&mut self, rows: &[(i64, String)]) -> Result<(), sqlx::Error> {
        for chunk in rows.chunks(CHUNK) {
            let mut q = QueryBuilder::new("INSERT INTO outbox_waiting (outbox_id, platform) ");
            q.push_values(chunk, |mut row, (id, platform)| {
                row.push_bind(*id).push_bind(platform.clone());
            });
            q.push(" ON CONFLICT DO NOTHING");
            q.build().execute(&mut *self).await?;
        }
        Ok(())
    }

    async fn leave(&mut self, ids: &[i64]) -> Result<(), sqlx::Error> {
        for chunk in ids.chunks(CHUNK) {
            let mut q = QueryBuilder::new("DELETE FROM outbox_waiting WHERE outbox_id IN ");
            super::push_id_list(&mut q, chunk);
            q.build().execute(&mut *self).await?;
        }
        Ok(())
    }
}

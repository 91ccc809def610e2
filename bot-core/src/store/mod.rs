//! The store: every SQL statement of the project lives under this module.
//!
//! One [`Store`] wraps either SQLite pools (the embedded default) or a PostgreSQL pool.
//! Statements are written once in the common subset of both dialects (`$N` placeholders,
//! `RETURNING`, `ON CONFLICT`) and expanded for each pool type by the [`on_pool!`] (reads),
//! [`on_writer!`] (writes) and [`in_tx!`] macros, so the same repository code and the same
//! tests cover both backends.
//! Every query that touches personal data takes the acting user's id and filters by it.

mod applications;
mod conversation;
mod firing_writes;
mod operators;
mod outbox;
mod platform_state;
mod reminders;
mod schedule;
mod users;

pub use applications::{
    Application, ApplicationEvent, EventKind, NewApplication, ReminderPlan, StatusChange,
};
pub use conversation::{Direction, InboundLog};
pub use operators::{DeliverySummary, ReminderSummary, Retried};
pub use outbox::{ClaimedMessage, OutboxClaim, OutboxCounts};
pub(crate) use reminders::LOCAL_FORMAT;
pub use reminders::{NewReminder, Reminder, ReminderState};
pub use schedule::{Decision, DueBatch, FiredBatch, NextOccurrence, Nudge, WrittenNudge};
pub use users::{ChatRecord, Forgotten, User};

use chrono::{DateTime, SubsecRound, Utc};
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Errors from the store. Callers show `Unavailable` as "try again" and the rest as a bug.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data directory {path} cannot be used")]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("could not connect to the database at {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("could not apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database did not answer in time or refused the query: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Query(sqlx::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            // A connection that broke or could not be made. A connection ended in the
            // middle of its handshake (a proxy or load balancer in front of a server that
            // is down accepts and closes at once) is a protocol or TLS error, not I/O.
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::Tls(_) => StoreError::Unavailable(err.to_string()),
            sqlx::Error::Database(ref db) if is_passing(db.as_ref()) => {
                StoreError::Unavailable(err.to_string())
            }
            other => StoreError::Query(other),
        }
    }
}

/// Whether the database refused for a passing reason, so the same request may well
/// succeed if tried again: it is restarting, failing over or busy, not refusing the
/// request itself.
fn is_passing(err: &dyn sqlx::error::DatabaseError) -> bool {
    let Some(code) = err.code() else {
        return false;
    };
    match code.parse::<i32>() {
        // SQLite, by primary result code (the low byte of an extended one): SQLITE_BUSY (5)
        // and SQLITE_LOCKED (6), after the busy timeout ran out.
        Ok(sqlite) if code.len() < 5 => matches!(sqlite & 0xff, 5 | 6),
        // PostgreSQL's SQLSTATE: the connection broke (class 08), the server is shutting
        // down or starting (57P01-57P03, as a restart or failover ends every session), it
        // has no connection to spare (53300), or this transaction lost a race with another
        // and may simply run again (40001, 40P01).
        _ => {
            code.starts_with("08")
                || matches!(
                    code.as_ref(),
                    "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01"
                )
        }
    }
}

/// Which database a [`Store`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The condition "`id` is one of the rows `select_ids` picks", for a claiming `UPDATE`,
    /// with those rows (of the table `select_ids` calls `table`) locked against concurrent
    /// claimers. PostgreSQL locks them with
    /// `FOR UPDATE SKIP LOCKED` and is handed them as an array, so it looks each one up by
    /// primary key: as `id IN (…)` its planner turns to hashing the whole table once a batch
    /// is large. SQLite runs one writer at a time, so the statement alone is atomic.
    fn id_in_locked(self, select_ids: &str, table: &str) -> String {
        match self {
            Backend::Postgres => {
                format!("id = ANY(ARRAY({select_ids} FOR UPDATE OF {table} SKIP LOCKED))")
            }
            Backend::Sqlite => format!("id IN ({select_ids})"),
        }
    }
}

/// Append `(id, id, …)` to `query`, each id a bound parameter: the list of a chunked `IN`.
fn push_id_list<DB: sqlx::Database>(query: &mut sqlx::QueryBuilder<DB>, ids: &[i64])
where
    for<'t> i64: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    query.push("(");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
}

/// The two kinds of database, matched on by [`on_pool!`], [`on_writer!`] and [`in_tx!`].
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// SQLite lets one connection write at a time, and a writer that finds the lock taken
    /// polls for it with growing sleeps (up to 100 ms), so a loop that commits and begins
    /// again at once — the scheduler working off a backlog — keeps it from everyone else:
    /// a person's message waited up to 1.8 s behind a 100,000-reminder backlog. Every write
    /// of this process goes through `writer`, one connection handed out in the order asked
    /// for, so writers take turns instead (other processes still poll). Reads go to
    /// `readers`, which the write-ahead log lets run beside the writer.
    Sqlite {
        readers: SqlitePool,
        writer: SqlitePool,
    },
    Postgres(PgPool),
}

/// Run `$body`, which only reads, with `$pool` bound to the concrete pool. The body is
/// expanded once per backend, so the same SQL text and row mapping compile against both
/// drivers.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite { readers: $pool, .. } => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Run `$body`, which writes (statements outside a transaction), with `$pool` bound to the
/// pool writes take turns on: SQLite's one writer connection, PostgreSQL's pool.
macro_rules! on_writer {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite { writer: $pool, .. } => $body,
            $crate::store::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_writer;

/// The row a single-row write (`… RETURNING`) gives back, if any, with the statement read
/// to its end: `Result<Option<_>, sqlx::Error>`. SQLite checkpoints its write-ahead log
/// only after a statement has stepped to its end, and sqlx's `fetch_one`/`fetch_optional`
/// stop at the first row; a run of such writes outside a transaction (a burst of messages,
/// many reminders set at once) would grow the log without bound and leave the next
/// committer one long checkpoint to do.
macro_rules! returned_row {
    ($query:expr, $conn:expr) => {
        $query
            .fetch_all($conn)
            .await
            .map(|rows| rows.into_iter().next())
    };
}
pub(crate) use returned_row;

/// Run `$body` inside a write transaction bound to `$tx`, committing when the body returns
/// normally; `?` inside the body rolls back. SQLite transactions run on the writer (see
/// [`Pool`]) and start `IMMEDIATE` so two processes on one file queue for the write lock
/// instead of failing mid-transaction. The body must not call back into the store for
/// another write: on SQLite it would wait for the connection its own transaction holds.
macro_rules! in_tx {
    ($store:expr, $tx:ident => $body:block) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite { writer, .. } => {
                let mut $tx = writer.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::store::Pool::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
pub(crate) use in_tx;

/// The size SQLite cuts its write-ahead log back to once it starts over. Checkpoints keep
/// the log near 4 MB (1,000 pages) in steady use, but it grows past that whenever they
/// cannot start it over, as while a reader holds an old snapshot. Without a limit the file
/// keeps its high-water size on disk for good.
pub const SQLITE_WAL_LIMIT_BYTES: u64 = 16 * 1024 * 1024;

/// Durable state of the whole bot: users, conversations, applications, reminders, outbox.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
}

/// The current instant as stored: whole microseconds, so a value written and read back
/// compares equal on both backends (PostgreSQL keeps microseconds).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl Store {
    /// Open the database named by `database_url`, or the SQLite file `jtp.db` in `data_dir`
    /// when no URL is given, and bring its schema up to date.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Self, StoreError> {
        let store = match database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Self::connect_postgres(url).await?
            }
            Some(url) if url.starts_with("sqlite:") => {
                let options =
                    SqliteConnectOptions::from_str(url).map_err(|e| StoreError::Connect {
                        url: url.to_owned(),
                        reason: e.to_string(),
                    })?;
                Self::connect_sqlite(options, url).await?
            }
            Some(url) => {
                return Err(StoreError::Connect {
                    url: redact(url),
                    reason: "unsupported scheme; use postgres://… or sqlite:…".into(),
                });
            }
            None => {
                std::fs::create_dir_all(data_dir).map_err(|source| StoreError::DataDir {
                    path: data_dir.to_owned(),
                    source,
                })?;
                let file = data_dir.join("jtp.db");
                check_writable(data_dir)?;
                let options = SqliteConnectOptions::new().filename(&file);
                Self::connect_sqlite(options, &file.display().to_string()).await?
            }
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn connect_sqlite(
        options: SqliteConnectOptions,
        label: &str,
    ) -> Result<Self, StoreError> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .pragma("journal_size_limit", SQLITE_WAL_LIMIT_BYTES.to_string())
            // Another jtp process may hold the write lock for a moment; wait, don't fail.
            .busy_timeout(Duration::from_secs(15));
        let connect_error = |e: sqlx::Error| StoreError::Connect {
            url: label.to_owned(),
            reason: e.to_string(),
        };
        // The writer first: it creates the file and puts it in write-ahead-log mode.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            // Longer than the writer may wait on another process's lock (`busy_timeout`),
            // so those queued behind it wait it out too.
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(connect_error)?;
        let readers = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(20))
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self {
            pool: Pool::Sqlite { readers, writer },
        })
    }

    async fn connect_postgres(url: &str) -> Result<Self, StoreError> {
        let connect_error = |reason: String| StoreError::Connect {
            url: redact(url),
            reason,
        };
        let options = PgConnectOptions::from_str(url).map_err(|e| connect_error(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| connect_error(e.to_string()))?;
        Ok(Self {
            pool: Pool::Postgres(pool),
        })
    }

    /// Apply the embedded migrations of this backend's dialect. Safe to run concurrently
    /// from several processes (sqlx takes a lock).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite { writer, .. } => migrator(SQLITE_MIGRATIONS).run(writer).await?,
            Pool::Postgres(pool) => migrator(POSTGRES_MIGRATIONS).run(pool).await?,
        }
        Ok(())
    }

    /// Which database this store uses.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite { .. } => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Close every connection, waiting for queries in flight.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite { readers, writer } => {
                readers.close().await;
                writer.close().await;
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }
}

/// (version, description, SQL) of each migration, embedded in the binary.
type EmbeddedMigration = (i64, &'static str, &'static str);

const SQLITE_MIGRATIONS: &[EmbeddedMigration] = &[
    (
        1,
        "init",
        include_str!("../../../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "delivery",
        include_str!("../../../migrations/sqlite/0002_delivery.sql"),
    ),
    (
        3,
        "queue indexes",
        include_str!("../../../migrations/sqlite/0003_queue_indexes.sql"),
    ),
    (
        4,
        "firing transaction",
        include_str!("../../../migrations/sqlite/0004_firing_transaction.sql"),
    ),
    (
        5,
        "application nudges",
        include_str!("../../../migrations/sqlite/0005_application_nudges.sql"),
    ),
    (
        6,
        "outbox queue",
        include_str!("../../../migrations/sqlite/0006_outbox_queue.sql"),
    ),
    (
        7,
        "outbox waiting",
        include_str!("../../../migrations/sqlite/0007_outbox_waiting.sql"),
    ),
    (
        8,
        "last fired",
        include_str!("../../../migrations/sqlite/0008_last_fired.sql"),
    ),
    (
        9,
        "answered",
        include_str!("../../../migrations/sqlite/0009_answered.sql"),
    ),
    (
        10,
        "timers",
        include_str!("../../../migrations/sqlite/0010_timers.sql"),
    ),
];
const POSTGRES_MIGRATIONS: &[EmbeddedMigration] = &[
    (
        1,
        "init",
        include_str!("../../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "delivery",
        include_str!("../../../migrations/postgres/0002_delivery.sql"),
    ),
    (
        3,
        "queue indexes",
        include_str!("../../../migrations/postgres/0003_queue_indexes.sql"),
    ),
    (
        4,
        "firing transaction",
        include_str!("../../../migrations/postgres/0004_firing_transaction.sql"),
    ),
    (
        5,
        "application nudges",
        include_str!("../../../migrations/postgres/0005_application_nudges.sql"),
    ),
    (
        6,
        "outbox queue",
        include_str!("../../../migrations/postgres/0006_outbox_queue.sql"),
    ),
    (
        7,
        "outbox waiting",
        include_str!("../../../migrations/postgres/0007_outbox_waiting.sql"),
    ),
    (
        8,
        "last fired",
        include_str!("../../../migrations/postgres/0008_last_fired.sql"),
    ),
    (
        9,
        "answered",
        include_str!("../../../migrations/postgres/0009_answered.sql"),
    ),
    (
        10,
        "timers",
        include_str!("../../../migrations/postgres/0010_timers.sql"),
    ),
];

fn migrator(migrations: &[EmbeddedMigration]) -> Migrator {
    Migrator::with_migrations(
        migrations
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    description.into(),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

fn check_writable(dir: &Path) -> Result<(), StoreError> {
    // Per process: two jtp processes starting together must not remove each other's probe.
    let probe = dir.join(format!(".jtp-write-check-{}", std::process::id()));
    std::fs::write(&probe, b"ok")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|source| StoreError::DataDir {
            path: dir.to_owned(),
            source,
        })
}

/// A database URL safe to print: the password, if any, replaced by `***`.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://jtp:s3cret@db.example:5432/jtp"),
            "postgres://jtp:***@db.example:5432/jtp"
        );
        assert_eq!(redact("postgres://jtp@db/jtp"), "postgres://jtp@db/jtp");
        assert_eq!(redact("postgres://db/jtp"), "postgres://db/jtp");
    }
}

//! Runs one async test body against a fresh SQLite store and a fresh PostgreSQL database.

#![allow(dead_code)]

pub mod conversation;

use async_trait::async_trait;
use bot_core::{Adapter, ChatRef, DeliveryError, Outbound, Platform, Store};
use jtp_testkit::PgTestDb;
use std::future::Future;
use std::sync::Mutex;

/// Stands in for a chat platform's send API: records what would have been sent, in order,
/// and answers with a message id of its own (`<platform>-<n>`).
pub struct Recorder {
    platform: Platform,
    pub sent: Mutex<Vec<Outbound>>,
}

impl Recorder {
    /// A recorder delivering for `platform`.
    pub fn new(platform: Platform) -> Self {
        Self {
            platform,
            sent: Mutex::new(Vec::new()),
        }
    }

    /// The texts delivered so far.
    pub fn texts(&self) -> Vec<String> {
        let sent = self.sent.lock().unwrap();
        sent.iter().map(|m| m.text.clone()).collect()
    }
}

#[async_trait]
impl Adapter for Recorder {
    fn platform(&self) -> Platform {
        self.platform
    }

    async fn deliver(
        &self,
        _chat: &ChatRef,
        message: &Outbound,
        _idempotency_key: &str,
    ) -> Result<String, DeliveryError> {
        let mut sent = self.sent.lock().unwrap();
        sent.push(message.clone());
        Ok(format!("{}-{}", self.platform.as_str(), sent.len()))
    }
}

/// A person with a direct console chat `console:<name>` they have written in, which is
/// where their nudges go. Returns their user id.
pub async fn console_person(store: &Store, name: &str) -> i64 {
    let user = store.resolve_user("console", name, None).await.unwrap();
    let chat = ChatRef {
        platform: Platform::Console,
        chat_id: format!("console:{name}"),
        thread_id: None,
        is_direct: true,
    };
    let chat_id = store.upsert_chat(&chat).await.unwrap().id;
    store
        .log_inbound(user.id, chat_id, "hello", None)
        .await
        .unwrap();
    user.id
}

/// A fresh store on an SQLite file in a temporary directory.
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let store = Store::open(None, dir.path())
        .await
        .expect("open SQLite store");
    (store, dir)
}

/// A fresh store on its own PostgreSQL database.
pub async fn postgres_store() -> (Store, PgTestDb) {
    let db = PgTestDb::create().await;
    let store = Store::open(Some(&db.url), std::path::Path::new("unused"))
        .await
        .expect("open PostgreSQL store");
    (store, db)
}

/// Run `body` on SQLite.
pub async fn on_sqlite<F, Fut>(body: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    on_sqlite_with_url(|store, _| body(store)).await;
}

/// Run `body` on PostgreSQL, dropping the database afterwards.
pub async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    on_postgres_with_url(|store, _| body(store)).await;
}

/// Run `body` on SQLite with the database's URL, for a test that must reach past the store
/// (a trigger that makes the database refuse something, a row written corrupt).
pub async fn on_sqlite_with_url<F, Fut>(body: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let (store, dir) = sqlite_store().await;
    let url = format!("sqlite:{}", dir.path().join("jtp.db").display());
    body(store.clone(), url).await;
    store.close().await;
}

/// Run `body` on PostgreSQL with the database's URL, dropping the database afterwards.
pub async fn on_postgres_with_url<F, Fut>(body: F)
where
    F: FnOnce(Store, String) -> Fut,
    Fut: Future<Output = ()>,
{
    let (store, db) = postgres_store().await;
    body(store.clone(), db.url.clone()).await;
    store.close().await;
    db.drop_db().await;
}

/// Run `statements` on their own connection to the store's database at `url`, around the
/// store.
pub async fn raw_sql(store: &Store, url: &str, statements: &[&str]) {
    use sqlx::Connection;
    macro_rules! on_connection {
        ($connection:ty) => {{
            let mut conn = <$connection>::connect(url).await.unwrap();
            for sql in statements {
                sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            conn.close().await.unwrap();
        }};
    }
    match store.backend() {
        bot_core::store::Backend::Sqlite => on_connection!(sqlx::SqliteConnection),
        bot_core::store::Backend::Postgres => on_connection!(sqlx::PgConnection),
    }
}

/// The one number `sql` selects, read on its own connection to the store's database at
/// `url`, around the store.
pub async fn raw_count(store: &Store, url: &str, sql: &str) -> i64 {
    use sqlx::Connection;
    macro_rules! on_connection {
        ($connection:ty) => {{
            let mut conn = <$connection>::connect(url).await.unwrap();
            let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut conn)
                .await
                .unwrap();
            conn.close().await.unwrap();
            count
        }};
    }
    match store.backend() {
        bot_core::store::Backend::Sqlite => on_connection!(sqlx::SqliteConnection),
        bot_core::store::Backend::Postgres => on_connection!(sqlx::PgConnection),
    }
}

/// Declare `sqlite` and `postgres` tests in a module named like each body, run by
/// `$sqlite` and `$postgres` (functions of this module).
#[macro_export]
macro_rules! both_backends_by {
    ($sqlite:ident, $postgres:ident; $($body:ident),* $(,)?) => {
        $(
            mod $body {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::support::$sqlite(super::$body).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::support::$postgres(super::$body).await;
                }
            }
        )*
    };
}

/// Declare `sqlite` and `postgres` tests of bodies taking the store.
#[macro_export]
macro_rules! both_backends {
    ($($body:ident),* $(,)?) => {
        $crate::both_backends_by!(on_sqlite, on_postgres; $($body),*);
    };
}

/// Declare `sqlite` and `postgres` tests of bodies taking the store and its URL.
#[macro_export]
macro_rules! both_backends_with_url {
    ($($body:ident),* $(,)?) => {
        $crate::both_backends_by!(on_sqlite_with_url, on_postgres_with_url; $($body),*);
    };
}

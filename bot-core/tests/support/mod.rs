//! Runs one async test body against a fresh SQLite store and a fresh PostgreSQL database.

#![allow(dead_code)]

use bot_core::Store;
use jtp_testkit::PgTestDb;
use std::future::Future;

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
    let (store, _dir) = sqlite_store().await;
    body(store.clone()).await;
    store.close().await;
}

/// Run `body` on PostgreSQL, dropping the database afterwards.
pub async fn on_postgres<F, Fut>(body: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let (store, db) = postgres_store().await;
    body(store.clone()).await;
    store.close().await;
    db.drop_db().await;
}

/// Declare `sqlite` and `postgres` tests in a module named like the body function.
#[macro_export]
macro_rules! both_backends {
    ($($body:ident),* $(,)?) => {
        $(
            mod $body {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::support::on_sqlite(super::$body).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::support::on_postgres(super::$body).await;
                }
            }
        )*
    };
}

//! Test support: every test that needs PostgreSQL gets its own database on the machine's
//! server, so tests run in parallel without seeing each other's rows; a relay in front of
//! it that a test can cut ([`TcpRelay`]).
//!
//! The server is found at `JTP_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). If it cannot be reached the test fails
//! with instructions; it never skips silently.

mod relay;
pub mod telegram;

pub use relay::TcpRelay;

use sqlx::{Connection, PgConnection, SqlSafeStr};
use std::sync::atomic::{AtomicU32, Ordering};

/// The administrative connection used to create and drop test databases.
pub fn admin_url() -> String {
    std::env::var("JTP_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database created for one test; call [`PgTestDb::drop_db`] at the end. Databases left by
/// a test that panicked are named `jtp_test_*` and removed by `scripts/test` before a run.
pub struct PgTestDb {
    /// The database's name (`jtp_test_<pid>_<n>_<nanos>`), unique to this test.
    pub name: String,
    /// Connection URL for the store under test: the admin server with this database.
    pub url: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl PgTestDb {
    /// Create an empty database.
    pub async fn create() -> Self {
        let admin = admin_url();
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|err| {
            panic!(
                "PostgreSQL is not reachable at {admin}: {err}\n\
                 Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
                 (scripts/test does this), or point JTP_TEST_POSTGRES_URL at a server."
            )
        });
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "jtp_test_{}_{}_{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")).into_sql_str())
            .execute(&mut conn)
            .await
            .unwrap_or_else(|err| panic!("cannot create test database {name}: {err}"));
        let _ = conn.close().await;
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Self { name, url }
    }

    /// The server's `host:port`, for a [`TcpRelay`] in front of it.
    pub fn server(&self) -> String {
        let written = self.host_port();
        if written.contains(':') {
            written.to_owned()
        } else {
            format!("{written}:5432")
        }
    }

    /// This database's URL with `relay` in place of the server.
    pub fn url_via(&self, relay: &TcpRelay) -> String {
        self.url
            .replacen(self.host_port(), &relay.addr().to_string(), 1)
    }

    /// The URL's host and port as written (`user@` and the path left off).
    fn host_port(&self) -> &str {
        let authority = self
            .url
            .split_once("://")
            .map_or(self.url.as_str(), |(_, rest)| rest);
        let authority = authority.split('/').next().unwrap_or(authority);
        authority.rsplit_once('@').map_or(authority, |(_, at)| at)
    }

    /// Drop the database (connections to it are terminated first).
    pub async fn drop_db(self) {
        let admin = admin_url();
        if let Ok(mut conn) = PgConnection::connect(&admin).await {
            let _ = sqlx::query(
                sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                ))
                .into_sql_str(),
            )
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }
}

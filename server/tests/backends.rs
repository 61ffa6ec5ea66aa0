//! The store backends the suites run against: a SQLite file in a temporary folder, and a fresh
//! PostgreSQL database made for the one test and dropped after it.
//!
//! PostgreSQL is found at `PARLOR_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/postgres`,
//! the server that CI machines run). When it does not answer, a test on it says so and passes,
//! unless `PARLOR_REQUIRE_CLUSTER=1` (set by `.ci/run`), which makes that a failure.

use std::sync::Arc;

use parlor_server::store::Store;
use parlor_server::store::postgres::PostgresStore;
use parlor_server::store::sqlite::SqliteStore;
use sqlx::Connection;

/// The server that test databases are made on.
pub fn postgres_admin_url() -> String {
    std::env::var("PARLOR_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether a missing PostgreSQL (or NATS) fails the tests instead of skipping them.
pub fn cluster_required() -> bool {
    std::env::var("PARLOR_REQUIRE_CLUSTER").is_ok_and(|v| v == "1")
}

/// A database made for one test on the local PostgreSQL; dropped with the value.
pub struct TestDatabase {
    pub name: String,
    pub url: String,
}

impl TestDatabase {
    /// A new empty database, or `None` (after saying why) when PostgreSQL is not there and
    /// not required.
    pub async fn create(test: &str) -> Option<Self> {
        let admin = postgres_admin_url();
        let mut connection = match sqlx::PgConnection::connect(&admin).await {
            Ok(connection) => connection,
            Err(error) if !cluster_required() => {
                eprintln!(
                    "SKIPPED {test} on PostgreSQL: no server at {admin} ({error}); \
                     set PARLOR_TEST_POSTGRES, or PARLOR_REQUIRE_CLUSTER=1 to fail instead"
                );
                return None;
            }
            Err(error) => {
                panic!("PostgreSQL is required (PARLOR_REQUIRE_CLUSTER=1): {admin}: {error}")
            }
        };
        let name = format!("parlor_test_{}", parlor_server::ids::random_hex(8));
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut connection)
            .await
            .expect("CREATE DATABASE");
        connection.close().await.ok();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        let url = format!("{base}/{name}");
        Some(Self { name, url })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Dropped from async tests: the drop runs on a thread of its own with its own runtime.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(mut connection) = sqlx::PgConnection::connect(&postgres_admin_url()).await
                {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut connection)
                    .await;
                }
            });
        })
        .join();
    }
}

/// A store on a new SQLite file; the folder lives as long as the returned guard.
pub async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("parlor.db"))
        .await
        .unwrap();
    (Arc::new(store), dir)
}

/// A store on a new PostgreSQL database, or `None` when there is none to be had.
pub async fn postgres(test: &str) -> Option<(Arc<dyn Store>, TestDatabase)> {
    let database = TestDatabase::create(test).await?;
    let store = PostgresStore::open(&database.url).await.unwrap();
    Some((Arc::new(store), database))
}

/// Runs each named suite function once on SQLite and once on PostgreSQL: one test per
/// backend, same assertions.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    let (store, _dir) = $crate::backends::sqlite().await;
                    super::$test(store.clone()).await;
                    store.close().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    let Some((store, _database)) =
                        $crate::backends::postgres(stringify!($test)).await
                    else {
                        return;
                    };
                    super::$test(store.clone()).await;
                    store.close().await;
                }
            )*
        }
    };
}

/// The NATS server the bus tests use (`PARLOR_TEST_NATS`, default the local one).
pub fn nats_url() -> String {
    std::env::var("PARLOR_TEST_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// Whether NATS answers; when it does not, says so, or fails if it is required.
pub async fn nats_here(test: &str) -> bool {
    let url = nats_url();
    match async_nats::connect(&url).await {
        Ok(client) => {
            drop(client);
            true
        }
        Err(error) if !cluster_required() => {
            eprintln!(
                "SKIPPED {test}: no NATS at {url} ({error}); set PARLOR_TEST_NATS, or \
                 PARLOR_REQUIRE_CLUSTER=1 to fail instead"
            );
            false
        }
        Err(error) => panic!("NATS is required (PARLOR_REQUIRE_CLUSTER=1): {url}: {error}"),
    }
}

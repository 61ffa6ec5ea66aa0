//! The load against several Parlor nodes (`--nodes N`): one PostgreSQL database made for the
//! run (dropped after it) and NATS under a subject prefix of the run's own, on their standard
//! local ports (`PARLOR_BENCH_POSTGRES`, `PARLOR_BENCH_NATS` to change them).
//!
//! On one machine this measures what running several nodes costs (the bus, the shared
//! database, the routing node's hop), not what it gains: the nodes share the same cores.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use parlor_server::store::PortalStore;
use parlor_server::store::postgres::PostgresStore;
use sqlx::Connection;

use crate::load::Options;
use crate::server::{Keys, Server, bench_portal, listening};

/// The run's database; dropped with the value.
pub struct Cluster {
    admin: String,
    name: String,
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = runtime().map(|runtime| {
            runtime.block_on(async {
                if let Ok(mut connection) = sqlx::PgConnection::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(drop))
                        .execute(&mut connection)
                        .await;
                }
            })
        });
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

/// Makes the database, seeds the benchmark's portal in it, and starts `nodes` servers on it.
pub fn start(
    options: &Options,
    nodes: usize,
    parlor_bin: &Path,
    scratch: &Path,
) -> Result<(Vec<Server>, Keys, Cluster), String> {
    let admin = std::env::var("PARLOR_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let nats =
        std::env::var("PARLOR_BENCH_NATS").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    let name = format!("parlor_bench_{}", parlor_server::ids::random_hex(6));
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    let url = format!("{base}/{name}");
    let (new, keys) = bench_portal(options);
    runtime()?.block_on(async {
        let mut connection = sqlx::PgConnection::connect(&admin)
            .await
            .map_err(|e| format!("--nodes needs PostgreSQL at {admin}: {e}"))?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        let store = PostgresStore::open(&url).await.map_err(|e| e.to_string())?;
        store.create_portal(&new).await.map_err(|e| e.to_string())?;
        store.close().await;
        Ok::<_, String>(())
    })?;
    let cluster = Cluster {
        admin: admin.clone(),
        name,
    };
    let data = scratch.join("parlor-nodes-data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data).map_err(|e| format!("{}: {e}", data.display()))?;
    let data_arg = data.to_string_lossy().into_owned();
    let prefix = format!("parlor-bench-{}", parlor_server::ids::random_hex(6));
    let mut servers = Vec::new();
    for node in 0..nodes {
        let child = Command::new(parlor_bin)
            .args([
                "serve",
                "--data",
                &data_arg,
                "--database",
                &url,
                "--nats",
                &nats,
                "--nats-prefix",
                &prefix,
                "--node-id",
                &format!("bench-{node}"),
                "--addr",
                "127.0.0.1:0",
                "--max-connections-per-address",
                "1000000",
            ])
            .env("PARLOR_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", parlor_bin.display()))?;
        let (child, addr) = listening(child, "parlor listening on http://")?;
        servers.push(Server {
            child,
            addr,
            path: "/ws",
        });
    }
    // One node takes the routing lock within about a second of starting.
    std::thread::sleep(Duration::from_secs(2));
    Ok((servers, keys, cluster))
}

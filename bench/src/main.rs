//! `parlor-bench`: the server-load part of `cargo xtask bench`, the bare relay it compares
//! Parlor with, the load worker processes, and the report. See `docs/performance.md`.

mod hist;
mod load;
mod nodes;
mod pool;
mod relay;
mod report;
mod reports;
mod search;
mod server;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "parlor-bench",
    about = "Parlor's benchmark (run it through `cargo xtask bench`)"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the load against Parlor, then against the relay, and write `load.json`.
    Load {
        /// The `parlor` binary to measure.
        #[arg(long)]
        parlor: PathBuf,
        /// Where `load.json` (and scratch data) go.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Visitor sockets, one live chat each.
        #[arg(long, default_value_t = 2000)]
        visitors: usize,
        /// Agent sockets; default: one per 4 visitors.
        #[arg(long)]
        agents: Option<usize>,
        /// Worker processes.
        #[arg(long, default_value_t = 2)]
        processes: usize,
        /// Source addresses, 127.0.0.2 and up.
        #[arg(long, default_value_t = 4)]
        addresses: usize,
        /// Load levels, messages a second in all, comma-separated.
        #[arg(long, value_delimiter = ',', default_values_t = vec![250.0, 500.0, 1000.0, 2000.0, 3000.0, 4000.0])]
        levels: Vec<f64>,
        /// Seconds of sending at each level.
        #[arg(long, default_value_t = 8.0)]
        seconds: f64,
        /// Characters of filler in each message (about 40 more go to its header).
        #[arg(long, default_value_t = 60)]
        message_bytes: usize,
        /// Also run Parlor on this many nodes sharing the local PostgreSQL and NATS, and
        /// report it beside one node.
        #[arg(long, default_value_t = 1)]
        nodes: usize,
    },
    /// Seed a store with a busy portal's history and time searches; write `search.json`.
    Search {
        /// Where `search.json` (and scratch data) go.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Text messages in the history (10 a conversation).
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        /// Also measure PostgreSQL, in a database made on this server for the run (skipped
        /// when it does not answer).
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        postgres: String,
        /// SQLite only.
        #[arg(long)]
        sqlite_only: bool,
    },
    /// Seed a store with a year of a busy portal's chats and time its reports; write
    /// `reports.json`.
    Reports {
        /// Where `reports.json` (and scratch data) go.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Chats in the year.
        #[arg(long, default_value_t = 200_000)]
        chats: usize,
        /// Also measure PostgreSQL, in a database made on this server for the run (skipped
        /// when it does not answer).
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        postgres: String,
        /// SQLite only.
        #[arg(long)]
        sqlite_only: bool,
    },
    /// Serve the bare relay (prints `relay listening on ADDR`).
    Relay {
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: String,
    },
    /// A load worker process (started by `load`; its plan is one JSON argument).
    Worker { plan: String },
    /// Write `report.md`, `report.json` and `latency.svg` from the parts found in `--out`.
    Report {
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parlor-bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Cmd::Load {
            parlor,
            out,
            visitors,
            agents,
            processes,
            addresses,
            levels,
            seconds,
            message_bytes,
            nodes,
        } => {
            let options = load::Options {
                visitors,
                agents: agents.unwrap_or(visitors.div_ceil(4)),
                processes,
                addresses,
                levels,
                seconds,
                message_bytes,
                nodes,
            };
            std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
            let scratch = out.join("scratch");
            let report = load::run(&options, &parlor, &scratch)?;
            let _ = std::fs::remove_dir_all(&scratch);
            let path = out.join("load.json");
            std::fs::write(
                &path,
                serde_json::to_vec_pretty(&report).map_err(|e| e.to_string())?,
            )
            .map_err(|e| format!("{}: {e}", path.display()))
        }
        Cmd::Search {
            out,
            messages,
            postgres,
            sqlite_only,
        } => runtime()?.block_on(async {
            let scratch = out.join("search-scratch");
            let postgres = (!sqlite_only).then_some(postgres.as_str());
            let backends = search::run(messages, &scratch, postgres).await?;
            let _ = std::fs::remove_dir_all(&scratch);
            print!("{}", search::table(&backends));
            let path = out.join("search.json");
            std::fs::write(
                &path,
                serde_json::to_vec_pretty(&backends).map_err(|e| e.to_string())?,
            )
            .map_err(|e| format!("{}: {e}", path.display()))
        }),
        Cmd::Reports {
            out,
            chats,
            postgres,
            sqlite_only,
        } => runtime()?.block_on(async {
            let scratch = out.join("reports-scratch");
            let postgres = (!sqlite_only).then_some(postgres.as_str());
            let backends = reports::run(chats, &scratch, postgres).await?;
            let _ = std::fs::remove_dir_all(&scratch);
            print!("{}", reports::table(&backends));
            let path = out.join("reports.json");
            std::fs::write(
                &path,
                serde_json::to_vec_pretty(&backends).map_err(|e| e.to_string())?,
            )
            .map_err(|e| format!("{}: {e}", path.display()))
        }),
        Cmd::Relay { addr } => runtime()?.block_on(async {
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            println!("relay listening on {local}");
            relay::serve(listener).await.map_err(|e| e.to_string())
        }),
        Cmd::Worker { plan } => {
            let plan: worker::Plan =
                serde_json::from_str(&plan).map_err(|e| format!("bad plan: {e}"))?;
            runtime()?.block_on(worker::run(plan));
            Ok(())
        }
        Cmd::Report { out } => {
            let markdown = report::write(&out)?;
            print!("{markdown}");
            Ok(())
        }
    }
}

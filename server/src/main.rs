//! `parlor`: the server binary. It parses flags and calls the library; see `lib.rs`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use parlor_server::seed::{self, DATABASE_FILE};
use parlor_server::store::sqlite::SqliteStore;
use parlor_server::{AppState, serve};

#[derive(Parser)]
#[command(name = "parlor", version, about = "Parlor live chat server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data folder, its database and a demo portal (does nothing if they exist),
    /// and print the widget key, the API key and the demo agents' logins.
    Init {
        /// The data folder (database, outbox, uploaded files).
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// Print exactly one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Serve the REST API, the socket at /ws, the demo page, the widget and the console.
    Serve {
        /// The data folder created by `parlor init`.
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// Address to listen on; port 0 picks a free port (the chosen one is printed).
        #[arg(long, env = "PARLOR_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// The built widget bundle, served under /widget/.
        #[arg(long, env = "PARLOR_WIDGET_DIR", default_value = "pkg")]
        widget_dir: PathBuf,
        /// The built agent console, served under /console/.
        #[arg(long, env = "PARLOR_CONSOLE_DIR", default_value = "console/dist")]
        console_dir: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARLOR_LOG")
                .unwrap_or_else(|_| "parlor_server=info,warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parlor: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Init { data, json } => {
            let report = seed::init(&data).await.map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).map_err(|e| e.to_string())?
                );
            } else {
                print_report(&data, &report);
            }
            Ok(())
        }
        Command::Serve {
            data,
            addr,
            widget_dir,
            console_dir,
        } => {
            let database = data.join(DATABASE_FILE);
            if !database.exists() {
                return Err(format!(
                    "{} does not exist: run `parlor init --data {}` first",
                    database.display(),
                    data.display()
                ));
            }
            let store = SqliteStore::open(&database)
                .await
                .map_err(|e| e.to_string())?;
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            let state = AppState::new(Arc::new(store.clone()), widget_dir, console_dir);
            // Tests and scripts read this line to learn the port when `--addr` ends in `:0`.
            println!("parlor listening on http://{local}");
            serve(listener, state, shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
            store.close().await;
            eprintln!("parlor: stopped");
            Ok(())
        }
    }
}

fn print_report(data: &std::path::Path, report: &seed::InitReport) {
    println!("Parlor data folder: {}", data.display());
    println!("Widget key:         {}", report.widget_key);
    println!("API key SID:        {}", report.api_key_sid);
    println!("API key secret:     {}", report.api_key_secret);
    for queue in &report.queues {
        println!("Queue:              {} ({})", queue.name, queue.id);
    }
    for agent in &report.agents {
        println!("Agent:              {} / {}", agent.email, agent.password);
    }
    println!();
    println!("Embed snippet:");
    println!(
        "  <script src=\"https://YOUR-PARLOR-HOST/widget/parlor.js\" data-widget-key=\"{}\" async></script>",
        report.widget_key
    );
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    eprintln!("parlor: shutting down");
}

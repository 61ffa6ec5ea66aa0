//! `parlor`: the server binary. It parses flags and calls the library; see `lib.rs`.

use std::process::ExitCode;

mod cli;
mod configure;
mod report;

use clap::Parser;
use cli::{AgentCommand, Cli, Command, LogFormat, PortalCommand, VERSION};
use parlor_server::assets::Bundle;
use parlor_server::mail::{MailSettings, Mailer};
use parlor_server::operator;
use parlor_server::seed::{self, DATABASE_FILE};
use parlor_server::store::Database;
use parlor_server::{AppState, Settings, serve};
use report::{print_json, print_portal_report, print_report};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PARLOR_LOG")
                .unwrap_or_else(|_| "parlor=info,parlor_server=info,warn".into()),
        )
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("parlor: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Init {
            place,
            portal: Some(portal),
            admin_email: Some(email),
            admin_name,
            json,
        } => {
            let database = place.database()?;
            let report = seed::init_portal(
                &place.data,
                &database,
                &portal,
                &email,
                admin_name.as_deref(),
            )
            .await
            .map_err(|e| e.to_string())?;
            if json {
                print_json(&report)?;
            } else {
                print_portal_report(&place.data, &report);
            }
            Ok(())
        }
        Command::Init { place, json, .. } => {
            let report = seed::init_in(&place.data, &place.database()?)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                println!(
                    "{}",
                    serde_json::to_string(&report).map_err(|e| e.to_string())?
                );
            } else {
                print_report(&place.data, &report);
            }
            Ok(())
        }
        Command::Portal(PortalCommand::List { place, json }) => {
            let store = place.open_existing().await?;
            let portals = operator::portals(store.as_ref())
                .await
                .map_err(|e| e.to_string())?;
            store.close().await;
            if json {
                return print_json(&portals);
            }
            for p in &portals {
                println!(
                    "{}  {}  widget key {}  {} agent(s), admins: {}",
                    p.portal_id,
                    p.name,
                    p.widget_key,
                    p.agents,
                    p.admins.join(", ")
                );
            }
            Ok(())
        }
        Command::Agent(command) => {
            let (place, json) = match &command {
                AgentCommand::Add { place, json, .. }
                | AgentCommand::ResetPassword { place, json, .. } => (place.clone(), *json),
            };
            let store = place.open_existing().await?;
            let login = match command {
                AgentCommand::Add {
                    portal,
                    email,
                    admin,
                    ..
                } => operator::add_agent(store.as_ref(), &portal, &email, admin).await,
                AgentCommand::ResetPassword { email, .. } => {
                    operator::reset_password(store.as_ref(), &email).await
                }
            };
            store.close().await;
            let login = login.map_err(|e| e.to_string())?;
            if json {
                return print_json(&login);
            }
            println!("Agent:     {} ({})", login.email, login.role.as_str());
            println!("Portal:    {}", login.portal_id);
            println!("Password:  {}", login.password);
            println!("Ask them to change it after signing in (their name menu, Account).");
            Ok(())
        }
        Command::Backup { data, to } => {
            let database = data.join(DATABASE_FILE);
            if !database.exists() {
                return Err(format!("{} does not exist", database.display()));
            }
            if to.exists() {
                return Err(format!("{} exists: back up to a new file", to.display()));
            }
            let store = parlor_server::store::sqlite::SqliteStore::open(&database)
                .await
                .map_err(|e| e.to_string())?;
            let done = store.backup_to(&to).await.map_err(|e| e.to_string());
            store.close().await;
            done?;
            println!("Backed up {} to {}", database.display(), to.display());
            Ok(())
        }
        Command::Migrate { from, to, json } => {
            let database = Database::choose(Some(&to), &from)?;
            let counts = parlor_server::migrate::sqlite_to_postgres(&from.join(DATABASE_FILE), &to)
                .await
                .map_err(|e| format!("{}: {e}", database.describe()))?;
            if json {
                let counts: serde_json::Map<String, serde_json::Value> = counts
                    .iter()
                    .map(|(table, rows)| (table.to_string(), (*rows).into()))
                    .collect();
                return print_json(&counts);
            }
            println!("Copied into {}:", database.describe());
            for (table, rows) in &counts {
                println!("  {table:<14} {rows:>9} row(s)");
            }
            println!(
                "Serve with: parlor serve --data {} --database URL",
                from.display()
            );
            Ok(())
        }
        Command::Configure {
            place,
            business_hours,
            allowed_origins,
            queue,
            answer_timeout,
            queue_timeout,
        } => {
            configure::configure(
                &place,
                business_hours,
                allowed_origins,
                queue,
                answer_timeout,
                queue_timeout,
            )
            .await
        }
        Command::Serve {
            place,
            addr,
            widget_dir,
            console_dir,
            smtp_url,
            mail_from,
            public_socket_url,
            max_connections_per_address,
            public_url,
            customer_requests_per_minute,
            node_id,
            nats,
            nats_prefix,
            webhook_allow_private,
            webhook_first_retry_ms,
        } => {
            let data = place.data.clone();
            let store = place.open_existing().await?;
            // One node: a chat left waiting by the last run has nobody to route it. Several:
            // the routing node puts the waiting chats back in line.
            if nats.is_none() {
                let stale = store
                    .miss_waiting_chats()
                    .await
                    .map_err(|e| e.to_string())?;
                if stale > 0 {
                    tracing::warn!("{stale} chat(s) left waiting by the last run marked missed");
                }
            }
            let listener = tokio::net::TcpListener::bind(&addr)
                .await
                .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
            let local = listener.local_addr().map_err(|e| e.to_string())?;
            let mailer = Mailer::new(&MailSettings {
                smtp_url,
                from: mail_from,
                outbox: data.join("outbox"),
            })
            .map_err(|e| e.to_string())?;
            let settings = Settings {
                public_socket_url,
                max_connections_per_address: max_connections_per_address.max(1),
                public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
                customer_requests_per_minute,
                node_id: node_id.unwrap_or_else(parlor_server::default_node_id),
                webhook_allow_private,
                webhook_first_retry: std::time::Duration::from_millis(webhook_first_retry_ms),
                ..Settings::default()
            };
            let state = AppState::new(
                store.clone(),
                &data,
                Bundle::or_embedded(widget_dir, Bundle::widget()),
                Bundle::or_embedded(console_dir, Bundle::console()),
            )
            .with_settings(settings)
            .with_mailer(mailer);
            let state = match nats {
                Some(nats) => join_cluster(state, &place, &nats, &nats_prefix).await?,
                None => state,
            };
            tracing::info!(
                node = state.settings.node_id,
                version = VERSION,
                "listening on http://{local}"
            );
            // Tests and scripts read this line to learn the port when `--addr` ends in `:0`.
            println!("parlor listening on http://{local}");
            serve(listener, state, shutdown_signal())
                .await
                .map_err(|e| e.to_string())?;
            store.close().await;
            tracing::info!("stopped");
            Ok(())
        }
    }
}

/// Makes this node one of several: the bus to the others, and routing through the one node
/// that routes.
async fn join_cluster(
    state: AppState,
    place: &cli::Place,
    nats: &str,
    prefix: &str,
) -> Result<AppState, String> {
    let Database::Postgres(database) = place.database()? else {
        return Err("--nats needs --database postgres://…: the nodes share one database".into());
    };
    let node = state.settings.node_id.clone();
    let bus = parlor_server::bus::Bus::connect(
        nats,
        prefix,
        &node,
        state.hub.clone(),
        state.metrics.clone(),
    )
    .await
    .map_err(|e| e.to_string())?;
    let routing = parlor_server::routing::cluster::join(
        bus.client(),
        prefix,
        &node,
        &database,
        state.hub.clone(),
        state.store.clone(),
        state.metrics.clone(),
    )
    .await;
    tracing::info!(node, prefix, "joined the cluster");
    Ok(state.in_cluster(bus, routing))
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
    tracing::info!("shutting down");
}

//! `parlor`: the server binary. It parses flags and calls the library; see `lib.rs`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use parlor_server::assets::Bundle;
use parlor_server::hours::Hours;
use parlor_server::mail::{MailSettings, Mailer};
use parlor_server::operator;
use parlor_server::seed::{self, DATABASE_FILE};
use parlor_server::store::Store;
use parlor_server::store::sqlite::SqliteStore;
use parlor_server::{AppState, Settings, serve};

/// `parlor --version`: the release, then how it was built and which bundles it carries.
const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("PARLOR_BUILD"), ")");

#[derive(Parser)]
#[command(name = "parlor", version = VERSION, about = "Parlor live chat server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// How log lines are written to standard error: `text` for people, `json` (one object a
    /// line) for log collectors.
    #[arg(
        long,
        global = true,
        env = "PARLOR_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Create the data folder, its database and a demo portal (does nothing if they exist),
    /// and print the widget key, the API key and the demo agents' logins. With `--portal`,
    /// create a real portal for a site instead (one more on each run), with its admin.
    Init {
        /// The data folder (database, outbox, uploaded files).
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// The new portal's name (the site's or company's), shown in the widget's header.
        #[arg(long, requires = "admin_email")]
        portal: Option<String>,
        /// The email the portal's first admin signs in with.
        #[arg(long, requires = "portal")]
        admin_email: Option<String>,
        /// The admin's display name (default: the email's local part).
        #[arg(long, requires = "portal")]
        admin_name: Option<String>,
        /// Print exactly one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// The server's portals.
    #[command(subcommand)]
    Portal(PortalCommand),
    /// Agents' accounts.
    #[command(subcommand)]
    Agent(AgentCommand),
    /// Serve the REST API, the socket at /ws, the demo page, the widget and the console.
    Serve {
        /// The data folder created by `parlor init`.
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// Address to listen on; port 0 picks a free port (the chosen one is printed).
        #[arg(long, env = "PARLOR_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Serve the widget bundle under /widget/ from this folder instead of the one built
        /// into the binary.
        #[arg(long, env = "PARLOR_WIDGET_DIR")]
        widget_dir: Option<PathBuf>,
        /// Serve the agent console under /console/ from this folder instead of the one built
        /// into the binary.
        #[arg(long, env = "PARLOR_CONSOLE_DIR")]
        console_dir: Option<PathBuf>,
        /// Send mail through this SMTP server (`smtp://user:pass@host:587?tls=required`,
        /// `smtps://…`); without it, mail is written to DATA/outbox as .eml files.
        #[arg(long, env = "PARLOR_SMTP_URL")]
        smtp_url: Option<String>,
        /// The sender of transcripts and ticket notices.
        #[arg(long, env = "PARLOR_MAIL_FROM", default_value = parlor_server::DEFAULT_MAIL_FROM)]
        mail_from: String,
        /// The socket URL clients are told to use (behind a proxy: `wss://chat.example.com/ws`).
        #[arg(long, env = "PARLOR_PUBLIC_SOCKET_URL")]
        public_socket_url: Option<String>,
        /// How many sockets one IP address may hold open at once.
        #[arg(
            long,
            env = "PARLOR_MAX_CONNECTIONS_PER_ADDRESS",
            default_value_t = 100
        )]
        max_connections_per_address: usize,
        /// The address people reach the server at (`https://chat.example.com`), for links in
        /// mail (agents' invitations); without it, the address the admin's browser used.
        #[arg(long, env = "PARLOR_PUBLIC_URL")]
        public_url: Option<String>,
        /// Customer calls (chat profile, token, ticket) one IP address may make a minute.
        #[arg(
            long,
            env = "PARLOR_CUSTOMER_REQUESTS_PER_MINUTE",
            default_value_t = parlor_server::DEFAULT_CUSTOMER_REQUESTS_PER_MINUTE
        )]
        customer_requests_per_minute: u32,
        /// This node's name in metrics, logs and health (default: host name and process id).
        #[arg(long, env = "PARLOR_NODE_ID")]
        node_id: Option<String>,
    },
    /// Change the first portal's business hours and allowed origins, or a queue's timeouts.
    Configure {
        /// The data folder created by `parlor init`.
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// Business hours, e.g. "Mon-Fri 09:00-17:00, Sat 10:00-14:00 UTC+07:00"; "" = always.
        #[arg(long)]
        business_hours: Option<String>,
        /// Origins allowed to use the widget, comma-separated; "" = any.
        #[arg(long)]
        allowed_origins: Option<String>,
        /// The queue (name or id) whose timeouts change.
        #[arg(long)]
        queue: Option<String>,
        /// Seconds an agent has to answer an offer.
        #[arg(long, requires = "queue")]
        answer_timeout: Option<u64>,
        /// Seconds a chat may wait for any agent.
        #[arg(long, requires = "queue")]
        queue_timeout: Option<u64>,
    },
}

#[derive(Subcommand)]
enum PortalCommand {
    /// List the portals with their widget keys and admins.
    List {
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// Print exactly one JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Add an agent (or, with --admin, an admin) to a portal, serving all its queues, with a
    /// generated password.
    Add {
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// The portal's id (see `parlor portal list`).
        #[arg(long)]
        portal: String,
        /// The agent's sign-in email.
        #[arg(long)]
        email: String,
        /// Make the agent an admin of the portal.
        #[arg(long)]
        admin: bool,
        /// Print exactly one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Give an agent a new generated password.
    ResetPassword {
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// The agent's sign-in email.
        #[arg(long)]
        email: String,
        /// Print exactly one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

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
            data,
            portal: Some(portal),
            admin_email: Some(email),
            admin_name,
            json,
        } => {
            let report = seed::init_portal(&data, &portal, &email, admin_name.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            if json {
                print_json(&report)?;
            } else {
                print_portal_report(&data, &report);
            }
            Ok(())
        }
        Command::Init { data, json, .. } => {
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
        Command::Portal(PortalCommand::List { data, json }) => {
            let store = open_store(&data).await?;
            let portals = operator::portals(&store).await.map_err(|e| e.to_string())?;
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
            let (data, json) = match &command {
                AgentCommand::Add { data, json, .. }
                | AgentCommand::ResetPassword { data, json, .. } => (data.clone(), *json),
            };
            let store = open_store(&data).await?;
            let login = match command {
                AgentCommand::Add {
                    portal,
                    email,
                    admin,
                    ..
                } => operator::add_agent(&store, &portal, &email, admin).await,
                AgentCommand::ResetPassword { email, .. } => {
                    operator::reset_password(&store, &email).await
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
        Command::Configure {
            data,
            business_hours,
            allowed_origins,
            queue,
            answer_timeout,
            queue_timeout,
        } => {
            configure(
                &data,
                business_hours,
                allowed_origins,
                queue,
                answer_timeout,
                queue_timeout,
            )
            .await
        }
        Command::Serve {
            data,
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
        } => {
            let store = open_store(&data).await?;
            let stale = store
                .miss_waiting_chats()
                .await
                .map_err(|e| e.to_string())?;
            if stale > 0 {
                tracing::warn!("{stale} chat(s) left waiting by the last run marked missed");
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
                ..Settings::default()
            };
            let state = AppState::new(
                Arc::new(store.clone()),
                &data,
                Bundle::or_embedded(widget_dir, Bundle::widget()),
                Bundle::or_embedded(console_dir, Bundle::console()),
            )
            .with_settings(settings)
            .with_mailer(mailer);
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

async fn configure(
    data: &std::path::Path,
    business_hours: Option<String>,
    allowed_origins: Option<String>,
    queue: Option<String>,
    answer_timeout: Option<u64>,
    queue_timeout: Option<u64>,
) -> Result<(), String> {
    let store = open_store(data).await?;
    let portal = store
        .first_portal()
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the data folder has no portal")?;
    if business_hours.is_some() || allowed_origins.is_some() {
        let hours = business_hours.unwrap_or(portal.business_hours.clone());
        Hours::parse(&hours).map_err(|e| format!("--business-hours: {e}"))?;
        let origins = allowed_origins.unwrap_or(portal.allowed_origins.clone());
        store
            .configure_portal(&portal.id, hours.trim(), origins.trim())
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "Business hours:  {}",
            if hours.trim().is_empty() {
                "always open"
            } else {
                hours.trim()
            }
        );
        println!(
            "Allowed origins: {}",
            if origins.trim().is_empty() {
                "any"
            } else {
                origins.trim()
            }
        );
    }
    if queue.is_some() && answer_timeout.is_none() && queue_timeout.is_none() {
        return Err("--queue needs --answer-timeout and/or --queue-timeout".into());
    }
    if let Some(wanted) = queue {
        let queues = store.queues(&portal.id).await.map_err(|e| e.to_string())?;
        let found = queues
            .iter()
            .find(|q| q.id == wanted || q.name.eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| format!("no queue named {wanted}"))?;
        let current = store
            .queue(&portal.id, &found.id)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the queue vanished")?;
        let answer = answer_timeout.map_or(current.answer_timeout_ms, |s| (s.max(1) * 1000) as i64);
        let waiting = queue_timeout.map_or(current.queue_timeout_ms, |s| (s.max(1) * 1000) as i64);
        store
            .configure_queue(&found.id, answer, waiting)
            .await
            .map_err(|e| e.to_string())?;
        println!(
            "Queue {}: answer timeout {} s, queue timeout {} s",
            found.name,
            answer / 1000,
            waiting / 1000
        );
    }
    store.close().await;
    Ok(())
}

/// Opens the database of a data folder that `parlor init` made.
async fn open_store(data: &std::path::Path) -> Result<SqliteStore, String> {
    let database = data.join(DATABASE_FILE);
    if !database.exists() {
        return Err(format!(
            "{} does not exist: run `parlor init --data {}` first",
            database.display(),
            data.display()
        ));
    }
    SqliteStore::open(&database)
        .await
        .map_err(|e| e.to_string())
}

fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    println!(
        "{}",
        serde_json::to_string(value).map_err(|e| e.to_string())?
    );
    Ok(())
}

fn print_portal_report(data: &std::path::Path, report: &seed::PortalReport) {
    println!("Parlor data folder: {}", data.display());
    println!("Portal:             {}", report.portal_id);
    println!("Widget key:         {}", report.widget_key);
    println!("API key SID:        {}", report.api_key_sid);
    println!("API key secret:     {}", report.api_key_secret);
    println!("Queue:              General");
    println!(
        "Admin:              {} / {}",
        report.admin.email, report.admin.password
    );
    println!();
    println!("The admin's password was generated: sign in to the console (/console/) and change");
    println!("it under Account. Settings in the console set the widget's look, queues and agents.");
    println!();
    println!("Embed snippet:");
    println!(
        "  <script src=\"https://YOUR-PARLOR-HOST/widget/parlor.js\" data-widget-key=\"{}\" async></script>",
        report.widget_key
    );
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
    tracing::info!("shutting down");
}

//! `parlor`'s command line.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use parlor_server::seed::DATABASE_FILE;
use parlor_server::store::Database;

/// `parlor --version`: the release, then how it was built and which bundles it carries.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("PARLOR_BUILD"), ")");

/// Where a command finds the server's records and files.
#[derive(Clone, clap::Args)]
pub struct Place {
    /// The data folder: the SQLite database (unless --database), uploaded files, the mail
    /// outbox. With several nodes, one folder they all share.
    #[arg(long, env = "PARLOR_DATA", default_value = "data")]
    pub data: PathBuf,
    /// Keep the records in this PostgreSQL database instead of the SQLite file
    /// (`postgres://user:password@host:5432/name`); several nodes share one.
    #[arg(long, env = "PARLOR_DATABASE")]
    pub database: Option<String>,
}

impl Place {
    /// The database the flags name.
    pub fn database(&self) -> Result<Database, String> {
        Database::choose(self.database.as_deref(), &self.data)
    }

    /// The database of a server that `parlor init` set up: a missing SQLite file is an error
    /// that says what to run, rather than a new empty database.
    pub async fn open_existing(
        &self,
    ) -> Result<std::sync::Arc<dyn parlor_server::store::Store>, String> {
        let database = self.database()?;
        if let Database::Sqlite(path) = &database
            && !path.exists()
        {
            return Err(format!(
                "{} does not exist: run `parlor init --data {}` first",
                self.data.join(DATABASE_FILE).display(),
                self.data.display()
            ));
        }
        database
            .open()
            .await
            .map_err(|e| format!("{}: {e}", database.describe()))
    }
}

#[derive(Parser)]
#[command(name = "parlor", version = VERSION, about = "Parlor live chat server")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How log lines are written to standard error: `text` for people, `json` (one object a
    /// line) for log collectors.
    #[arg(
        long,
        global = true,
        env = "PARLOR_LOG_FORMAT",
        value_enum,
        default_value = "text"
    )]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Create the data folder, its database and a demo portal (does nothing if they exist),
    /// and print the widget key, the API key and the demo agents' logins. With `--portal`,
    /// create a real portal for a site instead (one more on each run), with its admin.
    Init {
        #[command(flatten)]
        place: Place,
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
        #[command(flatten)]
        place: Place,
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
        /// The socket URL clients are told to use (behind a proxy: `wss://chat.example.com/ws`);
        /// with several nodes and no balancer, each node's, comma-separated.
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
        /// Join the other nodes over this NATS server (`nats://host:4222`): with --database,
        /// several nodes then serve one site.
        #[arg(long, env = "PARLOR_NATS", requires = "database")]
        nats: Option<String>,
        /// The NATS subjects' prefix: one per deployment sharing a NATS server.
        #[arg(long, env = "PARLOR_NATS_PREFIX", default_value = "parlor")]
        nats_prefix: String,
        /// This node's name in metrics, logs and health (default: host name and process id).
        #[arg(long, env = "PARLOR_NODE_ID")]
        node_id: Option<String>,
        /// Let webhooks go to addresses that are not public: this machine (`http://127.0.0.1`
        /// for development) and private networks. Off, a portal admin cannot make the server
        /// reach into its own network.
        #[arg(long, env = "PARLOR_WEBHOOK_ALLOW_PRIVATE")]
        webhook_allow_private: bool,
        /// Milliseconds before a failed webhook delivery's second attempt; each next one
        /// waits twice as long (at most an hour), for a day.
        #[arg(long, env = "PARLOR_WEBHOOK_FIRST_RETRY_MS", default_value_t = 10_000)]
        webhook_first_retry_ms: u64,
    },
    /// Write a consistent copy of the SQLite database to a new file while the server runs
    /// (`VACUUM INTO`). On PostgreSQL, use its own tools (pg_dump).
    Backup {
        /// The data folder whose `parlor.db` is copied.
        #[arg(long, env = "PARLOR_DATA", default_value = "data")]
        data: PathBuf,
        /// The new file (it must not exist yet).
        #[arg(long)]
        to: PathBuf,
    },
    /// Copy a SQLite data folder's database into an empty PostgreSQL database (every table, as
    /// it is), then count the rows on both sides. Files stay in the data folder.
    Migrate {
        /// The data folder whose `parlor.db` is copied.
        #[arg(long)]
        from: PathBuf,
        /// The empty PostgreSQL database (`postgres://user:password@host:5432/name`).
        #[arg(long)]
        to: String,
        /// Print exactly one JSON object (table → rows) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Change the first portal's business hours and allowed origins, or a queue's timeouts.
    Configure {
        #[command(flatten)]
        place: Place,
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
pub enum PortalCommand {
    /// List the portals with their widget keys and admins.
    List {
        #[command(flatten)]
        place: Place,
        /// Print exactly one JSON array instead of text.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AgentCommand {
    /// Add an agent (or, with --admin, an admin) to a portal, serving all its queues, with a
    /// generated password.
    Add {
        #[command(flatten)]
        place: Place,
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
        #[command(flatten)]
        place: Place,
        /// The agent's sign-in email.
        #[arg(long)]
        email: String,
        /// Print exactly one JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

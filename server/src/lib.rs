//! The Parlor live chat server.
//!
//! One process serves the REST calls and the socket of the Stringee live chat protocol, the demo
//! host page, the widget bundle and the agent console. The binary (`parlor`, in `main.rs`) only
//! parses flags; everything it does is here, so tests bind `127.0.0.1:0` and call the same
//! [`serve`].
//!
//! Each module owns one concern:
//! - [`http`]: the REST routes and the static assets, one module per resource; [`assets`], the
//!   widget and console bundles, embedded in the binary or read from folders;
//! - [`ws`]: the socket gateway (AUTHEN, pings, request/reply), and [`hub`], who is connected;
//!   [`bus`], the hub's link to the other nodes when several share one database;
//! - [`token`]: access tokens (JWT HS256, Stringee's shape and codes);
//! - [`store`]: persistence behind the [`store::Store`] trait (SQLite by default);
//! - [`chat`]: the live chat services behind the socket; [`routing`], who gets which chat;
//! - [`mail`]: transcripts and ticket notices (SMTP, or `.eml` files in the outbox);
//! - [`hours`]: business hours;
//! - [`seed`]: `parlor init`, which creates the demo portal or a real one; [`operator`], the
//!   other commands for the server's operator; [`migrate`], moving from SQLite to PostgreSQL;
//! - [`admin`]: what admins' changes do beyond the store (sockets, routing, mail);
//! - [`portals`]: the portals' settings, cached; [`throttle`], limits on guessing and flooding;
//! - [`report`]: the owner's figures, from what the store recorded;
//! - [`webhook`]: sending the webhooks' outbox to the portals' endpoints;
//! - [`error`]: the API's error type and its wire shape; [`metrics`], what `/metrics` reports.

pub mod admin;
pub mod assets;
pub mod auth;
pub mod bus;
pub mod care;
pub mod chat;
pub mod draft;
pub mod error;
pub mod hours;
pub mod http;
pub mod hub;
pub mod ids;
pub mod mail;
pub mod message;
pub mod metrics;
pub mod migrate;
pub mod note;
pub mod offer;
pub mod operator;
pub mod origin;
pub mod page;
pub mod portals;
pub mod profile;
pub mod report;
pub mod retention;
pub mod routing;
pub mod seed;
pub mod store;
pub mod throttle;
pub mod token;
pub mod transcript;
pub mod webhook;
pub mod ws;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::net::TcpListener;

/// Tunables of a running server.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How often the server PINGs each socket; clients reconnect after this plus 15 s of silence.
    pub ping_interval: std::time::Duration,
    /// How many sockets one IP address may hold open at once.
    pub max_connections_per_address: usize,
    /// The socket address clients are told to use (`getStringeeServerAddress`); `None` answers
    /// the address the request came in on.
    pub public_socket_url: Option<String>,
    /// The server's address as people reach it (`https://chat.example.com`), for links in mail
    /// (invitations); `None` takes the origin of the request that caused the mail.
    pub public_url: Option<String>,
    /// Customer calls (chat profile, live chat token, ticket) one address may make a minute.
    pub customer_requests_per_minute: u32,
    /// This node's name, in metrics and logs (several nodes share one database).
    pub node_id: String,
    /// Whether webhooks may go to addresses that are not public (this machine, the private
    /// network): `--webhook-allow-private`, for development and closed networks.
    pub webhook_allow_private: bool,
    /// The wait before a failed webhook delivery's second attempt (then doubling).
    pub webhook_first_retry: std::time::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            ping_interval: std::time::Duration::from_secs(25),
            max_connections_per_address: 100,
            public_socket_url: None,
            public_url: None,
            customer_requests_per_minute: DEFAULT_CUSTOMER_REQUESTS_PER_MINUTE,
            node_id: default_node_id(),
            webhook_allow_private: false,
            webhook_first_retry: std::time::Duration::from_secs(10),
        }
    }
}

/// A node name when none is given: the host's name and this process's id.
pub fn default_node_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    format!("{host}-{}", std::process::id())
}

/// The default of [`Settings::customer_requests_per_minute`]: a visitor's widget makes two or
/// three such calls a chat, so this leaves room for many visitors behind one address (an
/// office's NAT) while stopping a script.
pub const DEFAULT_CUSTOMER_REQUESTS_PER_MINUTE: u32 = 300;

/// Everything a request handler may need, cloned cheaply into each one.
#[derive(Clone)]
pub struct AppState {
    /// The database, behind the storage trait so that handlers never see SQL.
    pub store: Arc<dyn store::Store>,
    /// The open sockets of this node.
    pub hub: Arc<hub::Hub>,
    /// The routing engine's task.
    pub routing: routing::Routing,
    /// Tunables.
    pub settings: Arc<Settings>,
    /// The widget bundle, served under `/widget/`.
    pub widget: assets::Bundle,
    /// The agent console, served under `/console/`.
    pub console: assets::Bundle,
    /// Where uploaded files are kept.
    pub files_dir: PathBuf,
    /// Transcripts and ticket notices.
    pub mailer: Arc<mail::Mailer>,
    /// Open sockets per client address, for the per-address limit.
    pub connections: Arc<ws::AddressCounts>,
    /// The portals' settings, cached.
    pub portals: Arc<portals::PortalCache>,
    /// Wrong passwords per email.
    pub login_throttle: Arc<throttle::LoginThrottle>,
    /// Customer calls per client address.
    pub customer_limit: Arc<throttle::AddressLimiter>,
    /// What `GET /metrics` reports.
    pub metrics: Arc<metrics::Metrics>,
    /// The link to the other nodes, when there are several.
    pub bus: Option<bus::Bus>,
}

impl AppState {
    /// State with default settings, mail to `data_dir/outbox`, and no socket open yet; starts
    /// the routing task, so it must be called inside a tokio runtime.
    pub fn new(
        store: Arc<dyn store::Store>,
        data_dir: &std::path::Path,
        widget: assets::Bundle,
        console: assets::Bundle,
    ) -> Self {
        let hub = Arc::new(hub::Hub::default());
        let mail = mail::MailSettings {
            smtp_url: None,
            from: DEFAULT_MAIL_FROM.into(),
            outbox: data_dir.join("outbox"),
        };
        let settings = Settings::default();
        let metrics = Arc::new(metrics::Metrics::new(&settings.node_id));
        Self {
            routing: routing::Routing::start(hub.clone(), store.clone(), metrics.clone()),
            metrics,
            bus: None,
            store,
            hub,
            settings: Arc::new(settings),
            widget,
            console,
            files_dir: data_dir.join("files"),
            mailer: Arc::new(mail::Mailer::new(&mail).expect("the default sender parses")),
            connections: Arc::default(),
            portals: Arc::default(),
            login_throttle: Arc::default(),
            customer_limit: Arc::new(throttle::AddressLimiter::new(
                DEFAULT_CUSTOMER_REQUESTS_PER_MINUTE,
            )),
        }
    }

    /// The same state with other tunables.
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.metrics.set_node(&settings.node_id);
        self.customer_limit = Arc::new(throttle::AddressLimiter::new(
            settings.customer_requests_per_minute,
        ));
        self.settings = Arc::new(settings);
        self
    }

    /// The same state as one node of several: pushes cross `bus`, and `routing` asks the
    /// cluster's routing node (the local routing task stops).
    pub fn in_cluster(mut self, bus: bus::Bus, routing: routing::Routing) -> Self {
        self.bus = Some(bus);
        self.routing = routing;
        self
    }

    /// The same state with another mailer.
    pub fn with_mailer(mut self, mailer: mail::Mailer) -> Self {
        self.mailer = Arc::new(mailer);
        self
    }
}

/// The sender of Parlor's mail unless `--mail-from` says otherwise.
pub const DEFAULT_MAIL_FROM: &str = "Parlor <parlor@localhost>";

/// Serves Parlor on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use axum::serve::ListenerExt;
    let hub = state.hub.clone();
    let sweeper = tokio::spawn(retention::run(state.clone()));
    let webhooks = tokio::spawn(webhook::run(state.clone()));
    let router = http::router(state);
    // Chat frames are small: without TCP_NODELAY, a push written right after another (a
    // typing notice, then the message) waits for the peer's delayed ACK, up to 40 ms.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY not set on a connection: {error}");
        }
    });
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        // Sockets are not part of axum's graceful shutdown: close them, so that clients
        // reconnect (elsewhere, or when this node is back) and reload what they missed by seq.
        hub.close_all();
        sweeper.abort();
        webhooks.abort();
    })
    .await
}

//! The Parlor live chat server.
//!
//! One process serves the REST calls and the socket of the Stringee live chat protocol, the demo
//! host page, the widget bundle and the agent console. The binary (`parlor`, in `main.rs`) only
//! parses flags; everything it does is here, so tests bind `127.0.0.1:0` and call the same
//! [`serve`].
//!
//! Each module owns one concern:
//! - [`http`]: the REST routes and the static assets, one module per resource;
//! - [`ws`]: the socket gateway (AUTHEN, pings, request/reply), and [`hub`], who is connected;
//! - [`token`]: access tokens (JWT HS256, Stringee's shape and codes);
//! - [`store`]: persistence behind the [`store::Store`] trait (SQLite by default);
//! - [`seed`]: `parlor init`, which creates the demo portal;
//! - [`error`]: the API's error type and its wire shape.

pub mod auth;
pub mod chat;
pub mod error;
pub mod http;
pub mod hub;
pub mod ids;
pub mod routing;
pub mod seed;
pub mod store;
pub mod token;
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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            ping_interval: std::time::Duration::from_secs(25),
        }
    }
}

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
    /// Where the built widget bundle lives (`pkg/`), served under `/widget/`.
    pub widget_dir: PathBuf,
    /// Where the built agent console lives, served under `/console/`.
    pub console_dir: PathBuf,
}

impl AppState {
    /// State with default settings and no socket open yet; starts the routing task, so it
    /// must be called inside a tokio runtime.
    pub fn new(store: Arc<dyn store::Store>, widget_dir: PathBuf, console_dir: PathBuf) -> Self {
        let hub = Arc::new(hub::Hub::default());
        Self {
            routing: routing::Routing::start(hub.clone(), store.clone()),
            store,
            hub,
            settings: Arc::default(),
            widget_dir,
            console_dir,
        }
    }
}

/// Serves Parlor on `listener` until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, http::router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

//! The HTTP side of the server: REST routes and static assets, one module per resource, each
//! returning its own `Router`.

mod address;
mod agent;
pub mod caller;
mod customer;
mod extract;
pub mod files;
mod health;
mod site;
mod ticket;

use axum::Router;
use tower_http::trace::TraceLayer;

use crate::AppState;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let assets = site::router(&state);
    Router::new()
        .merge(customer::router())
        .merge(agent::router())
        .merge(ticket::router())
        .merge(files::router())
        .merge(address::router())
        .route("/ws", axum::routing::get(crate::ws::upgrade))
        .merge(health::router())
        .with_state(state.clone())
        .merge(assets.with_state(state))
        .layer(TraceLayer::new_for_http())
}

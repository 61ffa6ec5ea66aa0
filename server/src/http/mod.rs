//! The HTTP side of the server: REST routes and static assets, one module per resource, each
//! returning its own `Router`.

mod account;
mod address;
pub mod admin;
mod agent;
pub mod caller;
mod canned;
mod customer;
mod extract;
pub mod files;
mod health;
mod history;
mod label;
mod metrics;
pub mod openapi;
mod search;
mod site;
mod ticket;
mod visitors;

use axum::Router;
use axum::http::{HeaderName, Method, header};
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;

use crate::AppState;
use crate::error::ApiError;

/// Every route of the server.
pub fn router(state: AppState) -> Router {
    let assets = site::router(&state);
    // The widget calls the API from the site that embeds it: cross-origin, with a token header
    // (uploads) or JSON (sign-in from a console hosted elsewhere). No cookies are involved, so
    // any origin may ask; each portal's allowed origins are checked by the calls themselves.
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([
            header::CONTENT_TYPE,
            header::AUTHORIZATION,
            HeaderName::from_static(caller::AUTH_HEADER),
        ])
        .max_age(std::time::Duration::from_secs(3600));
    let api = utoipa_axum::router::OpenApiRouter::new()
        .merge(customer::router())
        .merge(agent::router())
        .merge(account::router())
        .merge(admin::router())
        .merge(canned::router())
        .merge(history::router())
        .merge(label::router())
        .merge(search::router())
        .merge(visitors::router())
        .merge(ticket::router())
        .merge(files::router())
        .merge(address::router());
    let api = openapi::with_document(api).layer(cors);
    Router::new()
        .merge(api)
        .route("/ws", axum::routing::get(crate::ws::upgrade))
        .merge(health::router())
        .merge(metrics::router())
        .with_state(state.clone())
        .merge(assets.with_state(state))
        // Even a path no route takes answers in the API's one error shape.
        .fallback(|| async { ApiError::NotFound(NO_ROUTE.into()) })
        .layer(TraceLayer::new_for_http())
}

/// What a path no route takes answers (`{"r":2, "msg": NO_ROUTE}`, HTTP 404).
pub const NO_ROUTE: &str = "no such route";

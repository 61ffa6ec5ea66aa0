//! `GET /metrics`: this node's figures in Prometheus' text format (see [`crate::metrics`]).
//! Like `/health`, it is for the operator's network: block it at the proxy that faces the
//! internet (docs/deployment.md).

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::AppState;

/// The metrics route.
pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let waiting = state.routing.waiting_per_queue().await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(&waiting),
    )
}

//! `GET /health`, for load balancers and the test harness: `ok` only when the store (and the
//! bus to the other nodes, when there is one) answers;
//! otherwise 503 with what failed, so that a balancer takes the node out of its rotation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::AppState;

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = state
        .metrics
        .store("health", state.store.first_portal())
        .await;
    let bus = match &state.bus {
        Some(bus) => state.metrics.bus("health", bus.answers()).await,
        None => true,
    };
    match store {
        Ok(_) if bus => (
            StatusCode::OK,
            Json(json!({ "r": 0, "status": "ok", "node": state.settings.node_id })),
        ),
        store => {
            if let Err(error) = &store {
                tracing::warn!(%error, "health: the store does not answer");
            }
            if !bus {
                tracing::warn!("health: the bus does not answer");
            }
            let state_of = |ok: bool| if ok { "ok" } else { "not answering" };
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "r": 1,
                    "status": "unavailable",
                    "node": state.settings.node_id,
                    "store": state_of(store.is_ok()),
                    "bus": state_of(bus),
                })),
            )
        }
    }
}

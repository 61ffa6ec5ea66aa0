//! `GET /health`, for load balancers and the test harness: `ok` only when the store answers;
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
    match store {
        Ok(_) => (
            StatusCode::OK,
            Json(json!({ "r": 0, "status": "ok", "node": state.settings.node_id })),
        ),
        Err(error) => {
            tracing::warn!(%error, "health: the store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "r": 1,
                    "status": "unavailable",
                    "node": state.settings.node_id,
                    "store": "not answering",
                })),
            )
        }
    }
}

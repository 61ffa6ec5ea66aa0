//! `GET /health`: for load balancers and the test harness; checks that the database answers.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiError;

/// The health route.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    state.store.first_portal().await?;
    Ok(Json(json!({ "r": 0, "status": "ok" })))
}

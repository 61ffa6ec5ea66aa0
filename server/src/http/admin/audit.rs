//! `GET /v1/admin/audit?before=&limit=`: who changed what and when, newest first.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Admin;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::ApiQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    /// Entries older than this id (the last id of the previous page).
    before: Option<i64>,
    /// At most this many (1–200, default 50).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/v1/admin/audit", tag = "admin",
    description = "Who changed what and when, newest first (admins).",
    params(("before" = String, Query), ("limit" = String, Query)),
    responses((status = 200, description = "`{r, entries}`"), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(page): ApiQuery<Page>,
) -> Result<Json<Value>, ApiError> {
    let limit = page.limit.unwrap_or(50).clamp(1, 200);
    let entries = state
        .store
        .audit_log(&admin.portal_id, page.before, limit)
        .await?;
    let list: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "detail": serde_json::from_str::<Value>(&e.detail).unwrap_or(Value::Null),
                "created_at": e.created_at,
            })
        })
        .collect();
    Ok(Json(json!({ "r": 0, "entries": list })))
}

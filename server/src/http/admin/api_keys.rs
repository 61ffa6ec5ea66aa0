//! `GET/POST /v1/admin/api-keys`, `DELETE /v1/admin/api-keys/{sid}`: the keys a site's backend
//! signs visitors' tokens with (identity verification). A secret is shown once, when its key
//! is made.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::{Admin, refused};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::store::{ApiKey, ApiKeyInfo};

/// Most keys (revoked ones included) a portal may have.
const MAX_KEYS: usize = 100;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

fn key_json(key: &ApiKeyInfo) -> Value {
    json!({ "sid": key.sid, "created_at": key.created_at, "revoked_at": key.revoked_at })
}

/// `GET /v1/admin/api-keys`: every key, oldest first, without secrets.
#[utoipa::path(get, path = "/v1/admin/api-keys", tag = "admin",
    description = "The portal's API keys, without secrets (admins).",
    responses((status = 200, description = "`{r, api_keys}`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, admin: Admin) -> Result<Json<Value>, ApiError> {
    let keys = state.store.api_key_list(&admin.portal_id).await?;
    let list: Vec<Value> = keys.iter().map(key_json).collect();
    Ok(Json(json!({ "r": 0, "api_keys": list })))
}

/// `POST /v1/admin/api-keys` → 201 `{sid, secret}`: the only time the secret is shown.
#[utoipa::path(post, path = "/v1/admin/api-keys", tag = "admin",
    description = "Makes an API key; its secret is in this answer only (admins).",
    responses((status = 201, description = "`{r, api_key: {sid, secret}}`"), (status = 401), (status = 403), (status = 409)))]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if state.store.api_key_list(&admin.portal_id).await?.len() >= MAX_KEYS {
        return Err(ApiError::Conflict(format!(
            "a portal has at most {MAX_KEYS} API keys"
        )));
    }
    let key = ApiKey {
        sid: format!("SK{}", crate::ids::random_hex(16)),
        secret: crate::ids::random_hex(32),
    };
    let note = admin.note("api_key.create", &key.sid, json!({}));
    state
        .store
        .create_api_key(&admin.portal_id, &key, &note)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "r": 0, "api_key": { "sid": key.sid, "secret": key.secret } })),
    ))
}

/// `DELETE /v1/admin/api-keys/{sid}`: tokens it signed (a site's backend's) are refused from
/// now on. Parlor's own tokens (agents', widgets') are signed with a key of its own, so they
/// stay valid.
#[utoipa::path(delete, path = "/v1/admin/api-keys/{sid}", tag = "admin",
    description = "Revokes an API key: tokens it signed are refused (admins).",
    params(("sid" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404)))]
async fn revoke(
    State(state): State<AppState>,
    admin: Admin,
    Path(sid): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let note = admin.note("api_key.revoke", &sid, json!({}));
    state
        .store
        .revoke_api_key(&admin.portal_id, &sid, &note)
        .await
        .map_err(|e| refused(e, "no such API key (or revoked already)", ""))?;
    Ok(Json(json!({ "r": 0 })))
}

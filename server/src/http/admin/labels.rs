//! `POST /v1/admin/labels`, `PATCH/DELETE /v1/admin/labels/{id}`: the labels agents put on
//! conversations (every agent lists them at `GET /v1/labels`). Names are unique in a portal,
//! case aside; every change is audited.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Admin, check};
use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::FieldJson;
use crate::store::Label;

/// Most labels a portal may have.
const MAX_LABELS: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(change, remove))
}

/// A label as the API shows it.
pub fn label_json(label: &Label) -> Value {
    json!({ "id": label.id, "name": label.name, "color": label.color })
}

/// What POST and PATCH take.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelInput {
    name: Option<String>,
    color: Option<String>,
}

/// Refuses `name` when another label of the portal has it, case aside.
async fn name_free(state: &AppState, admin: &Admin, name: &str, id: &str) -> Result<(), ApiError> {
    let taken = state
        .store
        .labels(&admin.portal_id)
        .await?
        .iter()
        .any(|l| l.id != id && l.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(ApiError::Conflict(format!("a label named `{name}` exists")));
    }
    Ok(())
}

/// `POST /v1/admin/labels` with `name` and `color` → 201.
#[utoipa::path(post, path = "/v1/admin/labels", tag = "admin",
    description = "Adds a label (admins): a name, unique in the portal, and a colour `#rrggbb`.",
    request_body = Object,
    responses((status = 201, description = "`{r, label}`"), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    FieldJson(input): FieldJson<LabelInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let (Some(name), Some(color)) = (&input.name, &input.color) else {
        return Err(ApiError::BadRequest(
            "parameters `name` and `color` are required".into(),
        ));
    };
    let label = Label {
        id: format!("lb{}", crate::ids::random_hex(8)),
        portal_id: admin.portal_id.clone(),
        name: check::text("name", name, 1, 40)?,
        color: check::color("color", color)?,
        created_at: crate::hours::now_ms(),
    };
    if state.store.labels(&admin.portal_id).await?.len() >= MAX_LABELS {
        return Err(ApiError::Conflict(format!("at most {MAX_LABELS} labels")));
    }
    name_free(&state, &admin, &label.name, &label.id).await?;
    state.store.save_label(&label).await?;
    let note = admin.note("label.create", &label.id, label_json(&label));
    state.store.audit(&admin.portal_id, &note).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "r": 0, "label": label_json(&label) })),
    ))
}

async fn found(state: &AppState, admin: &Admin, id: &str) -> Result<Label, ApiError> {
    state
        .store
        .labels(&admin.portal_id)
        .await?
        .into_iter()
        .find(|l| l.id == id)
        .ok_or_else(|| ApiError::NotFound("no such label".into()))
}

/// `PATCH /v1/admin/labels/{id}`: its name or colour.
#[utoipa::path(patch, path = "/v1/admin/labels/{id}", tag = "admin",
    description = "Renames or recolours a label (admins).",
    request_body = Object,
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, label}`"), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    FieldJson(input): FieldJson<LabelInput>,
) -> Result<Json<Value>, ApiError> {
    let mut label = found(&state, &admin, &id).await?;
    if let Some(name) = &input.name {
        label.name = check::text("name", name, 1, 40)?;
        name_free(&state, &admin, &label.name, &label.id).await?;
    }
    if let Some(color) = &input.color {
        label.color = check::color("color", color)?;
    }
    state.store.save_label(&label).await?;
    let note = admin.note("label.update", &label.id, label_json(&label));
    state.store.audit(&admin.portal_id, &note).await?;
    Ok(Json(json!({ "r": 0, "label": label_json(&label) })))
}

/// `DELETE /v1/admin/labels/{id}`: also takes it off every conversation.
#[utoipa::path(delete, path = "/v1/admin/labels/{id}", tag = "admin",
    description = "Deletes a label and takes it off every conversation (admins).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let label = found(&state, &admin, &id).await?;
    state.store.delete_label(&admin.portal_id, &id).await?;
    let note = admin.note("label.delete", &id, label_json(&label));
    state.store.audit(&admin.portal_id, &note).await?;
    Ok(Json(json!({ "r": 0 })))
}

//! `GET /v1/labels`: the portal's labels, for every agent; `GET/PUT
//! /v1/agent/conversations/{id}/labels`: the labels on one of the portal's conversations
//! (any agent of the portal, as they may open any of its chats). Admins define labels
//! (`/v1/admin/labels`).

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::labels::label_json;
use super::caller::Caller;
use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::FieldJson;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(on_conversation, put_on_conversation))
}

/// `GET /v1/labels`, by name.
#[utoipa::path(get, path = "/v1/labels", tag = "agent",
    description = "The portal's labels, by name (agents).",
    responses((status = 200, description = "`{r, labels}`: each `{id, name, color}`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let labels = state.store.labels(&caller.portal_id).await?;
    Ok(Json(
        json!({ "r": 0, "labels": labels.iter().map(label_json).collect::<Vec<_>>() }),
    ))
}

/// The conversation `id` of the caller's portal.
async fn conversation(state: &AppState, caller: &Caller, id: &str) -> Result<(), ApiError> {
    state
        .store
        .conversation(id)
        .await?
        .filter(|c| c.portal_id == caller.portal_id)
        .map(|_| ())
        .ok_or_else(|| ApiError::NotFound("no such conversation".into()))
}

/// `GET /v1/agent/conversations/{id}/labels`: the ids of the labels on it.
#[utoipa::path(get, path = "/v1/agent/conversations/{id}/labels", tag = "agent",
    description = "The ids of the labels on a conversation of the portal (agents).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, labels}`"), (status = 401), (status = 403), (status = 404)))]
async fn on_conversation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    conversation(&state, &caller, &id).await?;
    let labels = state.store.conversation_labels(&id).await?;
    Ok(Json(json!({ "r": 0, "labels": labels })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelsInput {
    labels: Vec<String>,
}

/// `PUT /v1/agent/conversations/{id}/labels` with `labels`: exactly these ids.
#[utoipa::path(put, path = "/v1/agent/conversations/{id}/labels", tag = "agent",
    description = "Puts exactly the given labels (ids of the portal's) on a conversation of the portal (agents).",
    request_body = Object,
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, labels}`"), (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn put_on_conversation(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    FieldJson(input): FieldJson<LabelsInput>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    conversation(&state, &caller, &id).await?;
    let known = state.store.labels(&caller.portal_id).await?;
    let mut ids = input.labels;
    ids.sort();
    ids.dedup();
    if let Some(unknown) = ids.iter().find(|l| !known.iter().any(|k| &k.id == *l)) {
        return Err(ApiError::Invalid(format!(
            "no label `{unknown}` in this portal"
        )));
    }
    state.store.set_conversation_labels(&id, &ids).await?;
    let labels = state.store.conversation_labels(&id).await?;
    Ok(Json(json!({ "r": 0, "labels": labels })))
}

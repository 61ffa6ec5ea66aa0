//! `GET/POST /v1/admin/queues`, `PATCH/DELETE /v1/admin/queues/{id}`: the queues visitors pick
//! from, who serves each, and its timeouts.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Admin, check, refused};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;
use crate::http::extract::FieldJson;
use crate::store::QueueDetails;

/// Most queues a portal may have.
const MAX_QUEUES: usize = 50;
/// Bounds of the answer timeout (one agent's turn), in milliseconds.
const ANSWER_TIMEOUT_MS: (i64, i64) = (1_000, 3_600_000);
/// Bounds of the queue timeout (the whole wait), in milliseconds.
const QUEUE_TIMEOUT_MS: (i64, i64) = (1_000, 86_400_000);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(change, remove))
}

fn queue_json(queue: &QueueDetails) -> Value {
    json!({
        "id": queue.id,
        "name": queue.name,
        "position": queue.position,
        "members": queue.members,
        "answer_timeout_ms": queue.answer_timeout_ms,
        "queue_timeout_ms": queue.queue_timeout_ms,
    })
}

/// `GET /v1/admin/queues`: in display order, with members and how many agents are available.
#[utoipa::path(get, path = "/v1/admin/queues", tag = "admin",
    description = "The portal's queues with members, timeouts and agents available (admins).",
    responses((status = 200, description = "`{r, queues}`"), (status = 401), (status = 403)))]
async fn list(State(state): State<AppState>, admin: Admin) -> Result<Json<Value>, ApiError> {
    let queues = state.store.queue_details(&admin.portal_id).await?;
    let online = state.routing.available_per_queue().await;
    let list: Vec<Value> = queues
        .iter()
        .map(|q| {
            let mut queue = queue_json(q);
            queue["agents_online"] = json!(online.get(&q.id).copied().unwrap_or(0));
            queue
        })
        .collect();
    Ok(Json(json!({ "r": 0, "queues": list })))
}

/// What POST and PATCH take; absent fields keep their value (or default, for a new queue).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QueueInput {
    name: Option<String>,
    position: Option<i64>,
    members: Option<Vec<String>>,
    answer_timeout_ms: Option<i64>,
    queue_timeout_ms: Option<i64>,
}

fn apply(queue: &mut QueueDetails, input: QueueInput) -> Result<(), ApiError> {
    if let Some(name) = input.name {
        queue.name = check::text("name", &name, 1, 60)?;
    }
    if let Some(position) = input.position {
        queue.position = check::number("position", position, 0, 10_000)?;
    }
    if let Some(mut members) = input.members {
        members.sort();
        members.dedup();
        if members.len() > 500 {
            return Err(ApiError::Invalid("`members` lists too many agents".into()));
        }
        queue.members = members;
    }
    if let Some(ms) = input.answer_timeout_ms {
        let (min, max) = ANSWER_TIMEOUT_MS;
        queue.answer_timeout_ms = check::number("answer_timeout_ms", ms, min, max)?;
    }
    if let Some(ms) = input.queue_timeout_ms {
        let (min, max) = QUEUE_TIMEOUT_MS;
        queue.queue_timeout_ms = check::number("queue_timeout_ms", ms, min, max)?;
    }
    Ok(())
}

/// `POST /v1/admin/queues` with at least `name` → 201 and the queue.
#[utoipa::path(post, path = "/v1/admin/queues", tag = "admin",
    description = "Adds a queue (admins).",
    request_body = Object,
    responses((status = 201, description = "`{r, queue}`"), (status = 400), (status = 401), (status = 403), (status = 409), (status = 422)))]
async fn create(
    State(state): State<AppState>,
    admin: Admin,
    FieldJson(input): FieldJson<QueueInput>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    if input.name.is_none() {
        return Err(ApiError::BadRequest("parameter `name` is required".into()));
    }
    let existing = state.store.queue_details(&admin.portal_id).await?;
    if existing.len() >= MAX_QUEUES {
        return Err(ApiError::Conflict(format!(
            "a portal has at most {MAX_QUEUES} queues"
        )));
    }
    let mut queue = QueueDetails {
        id: format!("q{}", crate::ids::random_hex(6)),
        name: String::new(),
        position: existing.iter().map(|q| q.position + 1).max().unwrap_or(0),
        answer_timeout_ms: 15_000,
        queue_timeout_ms: 60_000,
        members: Vec::new(),
    };
    apply(&mut queue, input)?;
    let note = admin.note("queue.create", &queue.id, queue_json(&queue));
    state
        .store
        .create_queue(&admin.portal_id, &queue, &note)
        .await
        .map_err(|e| member_or_name(e, &queue.name))?;
    for member in &queue.members {
        crate::admin::agent_changed(&state, member).await?;
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({ "r": 0, "queue": queue_json(&queue) })),
    ))
}

fn member_or_name(error: crate::store::ChangeError, name: &str) -> ApiError {
    match error {
        // The queue exists (or is being created): what was not found is a member.
        crate::store::ChangeError::NotFound => {
            ApiError::Invalid("`members` lists someone who is not an agent of this portal".into())
        }
        other => refused(
            other,
            "no such queue",
            &format!("a queue named {name} exists"),
        ),
    }
}

/// `PATCH /v1/admin/queues/{id}`.
#[utoipa::path(patch, path = "/v1/admin/queues/{id}", tag = "admin",
    description = "Changes a queue's name, position, members or timeouts (admins).",
    request_body = Object,
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, queue}`"), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 422)))]
async fn change(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
    FieldJson(input): FieldJson<QueueInput>,
) -> Result<Json<Value>, ApiError> {
    let queues = state.store.queue_details(&admin.portal_id).await?;
    let mut queue = queues
        .iter()
        .find(|q| q.id == id)
        .cloned()
        .ok_or_else(|| ApiError::NotFound("no such queue".into()))?;
    let before = queue.members.clone();
    apply(&mut queue, input)?;
    let note = admin.note("queue.update", &queue.id, queue_json(&queue));
    state
        .store
        .update_queue(&admin.portal_id, &queue, &note)
        .await
        .map_err(|e| member_or_name(e, &queue.name))?;
    // Everyone who joined or left the queue is routed by their new queues at once.
    for member in before.iter().chain(&queue.members) {
        crate::admin::agent_changed(&state, member).await?;
    }
    Ok(Json(json!({ "r": 0, "queue": queue_json(&queue) })))
}

/// `DELETE /v1/admin/queues/{id}`: its chats keep their history; those waiting in it get the
/// queue timeout's answer (the ticket form) at once.
#[utoipa::path(delete, path = "/v1/admin/queues/{id}", tag = "admin",
    description = "Deletes a queue; its waiting visitors get the ticket form (admins).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r}`"), (status = 401), (status = 403), (status = 404)))]
async fn remove(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let note = admin.note("queue.delete", &id, json!({}));
    state
        .store
        .delete_queue(&admin.portal_id, &id, &note)
        .await
        .map_err(|e| refused(e, "no such queue", ""))?;
    state.routing.queue_deleted(&id);
    Ok(Json(json!({ "r": 0 })))
}

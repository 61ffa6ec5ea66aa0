//! A visitor's history for the portal's agents: `GET /v1/agent/visitors/{user_id}/history`
//! lists the person's earlier chats (with their rating) and tickets, and
//! `GET /v1/agent/conversations/{id}/messages` opens one of those chats. Agents only, and only
//! their own portal's: anything else answers 404.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::Caller;
use crate::AppState;
use crate::error::ApiError;
use crate::store::MessageQuery;

/// Most chats, and most tickets, a history lists.
const HISTORY_LIMIT: i64 = 50;
/// Most messages an opened chat shows (its first ones).
const MESSAGES_LIMIT: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(history))
        .routes(routes!(messages))
}

/// `GET /v1/agent/visitors/{user_id}/history`.
#[utoipa::path(get, path = "/v1/agent/visitors/{user_id}/history", tag = "agent",
    description = "A visitor's earlier chats (with their rating) and tickets, found by their email or, without one, their user id; newest first (agents).",
    params(("user_id" = String, Path)),
    responses((status = 200, description = "`{r, chats, tickets}`"), (status = 401), (status = 403), (status = 404)))]
async fn history(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    state
        .store
        .visitor(&user_id)
        .await?
        .filter(|v| v.portal_id == caller.portal_id)
        .ok_or_else(|| ApiError::NotFound("no such visitor".into()))?;
    let (chats, tickets) = state
        .store
        .visitor_history(&caller.portal_id, &user_id, HISTORY_LIMIT)
        .await?;
    let chats: Vec<Value> = chats
        .iter()
        .map(|c| {
            json!({
                "convId": c.id,
                "queueId": c.queue_id,
                "status": c.status,
                "agentId": c.agent_id,
                "rating": c.rating,
                "ratingComment": c.rating_comment,
                "created": c.created_at,
            })
        })
        .collect();
    let tickets: Vec<Value> = tickets
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "convId": t.conv_id,
                "name": t.name,
                "email": t.email,
                "note": t.note,
                "created": t.created_at,
            })
        })
        .collect();
    Ok(Json(json!({ "r": 0, "chats": chats, "tickets": tickets })))
}

/// `GET /v1/agent/conversations/{id}/messages`.
#[utoipa::path(get, path = "/v1/agent/conversations/{id}/messages", tag = "agent",
    description = "A chat of the portal as the agents see it: its first 500 messages, oldest first, and its private notes (agents).",
    params(("id" = String, Path)),
    responses((status = 200, description = "`{r, convId, msgs, notes}`"), (status = 401), (status = 403), (status = 404)))]
async fn messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let conversation = state
        .store
        .conversation(&id)
        .await?
        .filter(|c| c.portal_id == caller.portal_id)
        .ok_or_else(|| ApiError::NotFound("no such conversation".into()))?;
    let messages = state
        .store
        .messages(
            &conversation.id,
            MessageQuery {
                seq_greater: None,
                seq_smaller: None,
                limit: MESSAGES_LIMIT,
                ascending: true,
            },
        )
        .await?;
    let notes = state.store.notes(&conversation.id).await?;
    Ok(Json(json!({
        "r": 0,
        "convId": conversation.id,
        "msgs": messages.iter().map(crate::message::message_json).collect::<Vec<_>>(),
        "notes": notes.iter().map(crate::note::note_json).collect::<Vec<_>>(),
    })))
}

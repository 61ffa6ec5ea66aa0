//! `GET /v1/agent/visitors`: the Visitors list, every visitor of the portal with a chat open
//! (waiting in a queue or with an agent), oldest first, with the page they are on. Agents only.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::Caller;
use crate::AppState;
use crate::error::ApiError;

/// Most visitors the list shows.
const LIMIT: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(visitors))
}

/// `GET /v1/agent/visitors`.
#[utoipa::path(get, path = "/v1/agent/visitors", tag = "agent",
    description = "Every visitor of the portal with a chat open (waiting or with an agent), oldest first, at most 500, with the page they are on (agents).",
    responses((status = 200, description = "`{r, visitors}`: each `{convId, status, queueId, queueName, agentId, agentName, since, userId, name, email, pageUrl, pageTitle}`"), (status = 401), (status = 403)))]
async fn visitors(State(state): State<AppState>, caller: Caller) -> Result<Json<Value>, ApiError> {
    let caller = caller.agent_only()?;
    let open = state.store.open_chats(&caller.portal_id, LIMIT).await?;
    let queues = state.store.queues(&caller.portal_id).await?;
    let agents = state.store.agents(&caller.portal_id).await?;
    let list: Vec<Value> = open
        .iter()
        .map(|chat| {
            let details: Value = chat
                .details
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or(Value::Null);
            let queue = queues
                .iter()
                .find(|q| Some(&q.id) == chat.queue_id.as_ref());
            let agent = agents
                .iter()
                .find(|a| Some(&a.user_id) == chat.agent_id.as_ref());
            json!({
                "convId": chat.conv_id,
                "status": chat.status,
                "queueId": chat.queue_id,
                "queueName": queue.map(|q| q.name.as_str()),
                "agentId": chat.agent_id,
                "agentName": agent.map(|a| a.display_name.as_str()),
                "since": chat.created_at,
                "userId": chat.visitor_id,
                "name": chat.name,
                "email": chat.email,
                "pageUrl": details.get("pageUrl"),
                "pageTitle": details.get("pageTitle"),
            })
        })
        .collect();
    Ok(Json(json!({ "r": 0, "visitors": list })))
}

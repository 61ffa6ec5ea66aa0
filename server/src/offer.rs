//! The agent's side of routing behind the socket: an agent's socket joining routing, the chat
//! requests offered to them and their answers, their presence.

use std::collections::HashSet;

use parlor_protocol::socket::code;
use serde_json::{Value, json};

use crate::AppState;
use crate::chat::{bad, conversation_json, notify, text_field};
use crate::routing::AnswerError;
use crate::ws::{Refusal, Session};

/// What routing needs to know of an agent's new socket, read from the store.
pub struct AgentRouting {
    queues: HashSet<String>,
    max_chats: usize,
    active: Vec<String>,
}

/// Reads an agent's queues, capacity and active chats, before AUTHEN answers.
pub async fn agent_routing(state: &AppState, session: &Session) -> Result<AgentRouting, Refusal> {
    let (queues, max_chats) = state.store.agent_queues(&session.user_id).await?;
    let active = state.store.active_chats_of(&session.user_id).await?;
    Ok(AgentRouting {
        queues: queues.into_iter().collect(),
        max_chats: max_chats as usize,
        active,
    })
}

/// Tells routing about an agent's new socket. Called right after the AUTHEN reply is queued,
/// with no `.await` between: offers follow the reply on the socket, and anything the agent or
/// anyone else asks routing afterwards is ordered after this.
pub fn agent_connected(state: &AppState, session: &Session, routing: AgentRouting) {
    state.routing.agent_connected(
        &session.user_id,
        routing.queues,
        routing.max_chats,
        routing.active,
    );
}

pub(crate) async fn agent_response(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    if !session.agent {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "only agents answer chat requests",
        ));
    }
    let conv_id = text_field(body, "convId")?;
    let accept = body
        .get("answer")
        .and_then(Value::as_bool)
        .ok_or_else(|| bad("`answer` must be true or false"))?;
    let chat = state
        .routing
        .answer(&session.user_id, conv_id, accept)
        .await
        .map_err(|e| {
            let code = match e {
                AnswerError::NotWaiting | AnswerError::NotOffered => code::CONFLICT,
            };
            Refusal::new(code, e.to_string())
        })?;
    if accept {
        state
            .store
            .assign_agent(&chat.conv_id, &session.user_id)
            .await?;
        let name = &session.display_name;
        let members = vec![chat.visitor_id.clone(), session.user_id.clone()];
        // Stringee's notification "participants added": stored, so the history shows it.
        let content = json!({ "type": 1, "participants": [{ "userId": session.user_id, "displayName": name }] });
        notify(state, session, &chat.conv_id, &members, content).await?;
        if let Some(conversation) = state.store.conversation(&chat.conv_id).await? {
            return Ok(conversation_json(&conversation, &members));
        }
    }
    Ok(json!({ "convId": chat.conv_id }))
}

pub(crate) async fn chat_requests(state: &AppState, session: &Session) -> Result<Value, Refusal> {
    if !session.agent {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "only agents have chat requests",
        ));
    }
    let (offers, transfers) = state.routing.offers(&session.user_id).await;
    let mut requests: Vec<Value> = offers
        .iter()
        .map(crate::routing::actor::chat_request)
        .collect();
    requests.extend(transfers.iter().map(crate::care::transfer_request));
    Ok(json!({ "chatRequests": requests }))
}

pub(crate) fn presence(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    if !session.agent {
        return Err(Refusal::new(code::FORBIDDEN, "only agents have a presence"));
    }
    let available = match body.get("status").and_then(Value::as_str) {
        Some("available") => true,
        Some("away") => false,
        _ => return Err(bad("`status` must be \"available\" or \"away\"")),
    };
    state.routing.set_available(&session.user_id, available);
    Ok(json!({ "status": if available { "available" } else { "away" } }))
}

//! Agents working together on a chat: transfer with the receiver's confirmation, joining a
//! colleague's chat, and continuing a chat that ended.

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Value, json};

use crate::AppState;
use crate::chat::{
    bad, conversation_json, current_members, member_conversation, notify, text_field,
};
use crate::routing::{ChatRef, Transfer, TransferError};
use crate::store::{Conversation, Status};
use crate::ws::{Refusal, Session};

pub(crate) fn agents_only(session: &Session) -> Result<(), Refusal> {
    if session.agent {
        Ok(())
    } else {
        Err(Refusal::new(code::FORBIDDEN, "only agents do this"))
    }
}

fn transfer_refusal(error: TransferError) -> Refusal {
    let code = match error {
        TransferError::NotYours => code::FORBIDDEN,
        TransferError::Unavailable | TransferError::NotOffered => code::CONFLICT,
    };
    Refusal::new(code, error.to_string())
}

/// A pending transfer as CHAT_REQUEST_LOAD lists it (`type` 1 = transfer).
pub fn transfer_request(transfer: &Transfer) -> Value {
    json!({
        "convId": transfer.chat.conv_id,
        "customerId": transfer.chat.visitor_id,
        "customerName": transfer.chat.visitor_name,
        "queueId": transfer.chat.queue_id,
        "queueName": transfer.chat.queue_name,
        "channelType": 1,
        "type": 1,
        "from": transfer.from,
    })
}

pub(crate) async fn chat_ref(
    state: &AppState,
    conversation: &Conversation,
) -> Result<ChatRef, Refusal> {
    let name = state
        .store
        .visitor(&conversation.creator)
        .await?
        .map(|v| v.name)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "Visitor".into());
    let queue_id = conversation.queue_id.clone().unwrap_or_default();
    let queue_name = state
        .store
        .queue(&conversation.portal_id, &queue_id)
        .await?
        .map(|q| q.name)
        .unwrap_or_default();
    Ok(ChatRef {
        conv_id: conversation.id.clone(),
        queue_name,
        queue_id,
        visitor_id: conversation.creator.clone(),
        visitor_name: name,
    })
}

/// CHAT_TRANSFER_TO_ANOTHER_AGENT: the chat's agent asks `toUserId` to take it over; they get
/// CHAT_TRANSFER_REQUEST_FROM_ANOTHER_AGENT and answer with CHAT_CONFIRM_TRANSFER_REQUEST.
pub async fn transfer(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    agents_only(session)?;
    let conv_id = text_field(body, "convId")?;
    let to = text_field(body, "toUserId")?;
    let (conversation, _) = member_conversation(state, session, conv_id).await?;
    let receiver = state
        .store
        .agent(to)
        .await?
        .filter(|a| a.portal_id == session.portal_id)
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such agent"))?;
    let chat = chat_ref(state, &conversation).await?;
    let pending = Transfer {
        chat: chat.clone(),
        from: session.user_id.clone(),
        to: receiver.user_id.clone(),
    };
    state
        .routing
        .request_transfer(pending)
        .await
        .map_err(transfer_refusal)?;
    state.hub.push(
        &receiver.user_id,
        &Frame {
            service: service::CHAT_TRANSFER_REQUEST_FROM_ANOTHER_AGENT,
            body: json!({
                "convId": chat.conv_id,
                "customerId": chat.visitor_id,
                "customerName": chat.visitor_name,
                "queueId": chat.queue_id,
                "queueName": chat.queue_name,
                "channelType": 1,
                "from": session.user_id,
                "fromUsername": session.display_name,
                "fromAvatar": "",
            }),
        },
    );
    Ok(json!({ "convId": chat.conv_id, "toUserId": receiver.user_id }))
}

/// CHAT_CONFIRM_TRANSFER_REQUEST: the receiver accepts (the chat is theirs; the sender leaves
/// it) or refuses (it stays with the sender). Either way the sender is told by the same
/// service, pushed: `{convId, toUserId, answer}`.
pub async fn confirm_transfer(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    agents_only(session)?;
    let conv_id = text_field(body, "convId")?;
    let accept = body
        .get("answer")
        .and_then(Value::as_bool)
        .ok_or_else(|| bad("`answer` must be true or false"))?;
    let transfer = state
        .routing
        .answer_transfer(&session.user_id, conv_id, accept)
        .await
        .map_err(transfer_refusal)?;
    let told = Frame {
        service: service::CHAT_CONFIRM_TRANSFER_REQUEST,
        body: json!({ "convId": conv_id, "toUserId": session.user_id, "answer": accept }),
    };
    if !accept {
        state.hub.push(&transfer.from, &told);
        return Ok(json!({ "convId": conv_id }));
    }
    let mut members: Vec<String> = current_members(state, conv_id).await?;
    state
        .store
        .transfer_conversation(conv_id, &transfer.from, &session.user_id)
        .await?;
    members.push(session.user_id.clone());
    let joined = json!({ "type": 1, "participants": [{ "userId": session.user_id, "displayName": session.display_name }] });
    notify(state, session, conv_id, &members, joined).await?;
    let left = json!({ "type": 2, "participants": [{ "userId": transfer.from }] });
    notify(state, session, conv_id, &members, left).await?;
    state.hub.push(&transfer.from, &told);
    members.retain(|m| *m != transfer.from);
    let conversation = state
        .store
        .conversation(conv_id)
        .await?
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such conversation"))?;
    Ok(conversation_json(&conversation, &members))
}

/// JOIN_CHAT_CUSTOMER_CARE: an agent of the portal joins an active chat to help; the chat's
/// own agent stays in charge.
pub async fn join(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    agents_only(session)?;
    let conv_id = text_field(body, "convId")?;
    let conversation = state
        .store
        .conversation(conv_id)
        .await?
        .filter(|c| c.portal_id == session.portal_id)
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such conversation"))?;
    if conversation.status != Status::Active {
        return Err(Refusal::new(
            code::CONFLICT,
            "only a chat in progress can be joined",
        ));
    }
    state
        .store
        .join_conversation(conv_id, &session.user_id)
        .await?;
    let members: Vec<String> = current_members(state, conv_id).await?;
    let joined = json!({ "type": 1, "participants": [{ "userId": session.user_id, "displayName": session.display_name }] });
    notify(state, session, conv_id, &members, joined).await?;
    Ok(conversation_json(&conversation, &members))
}

/// AGENT_CONTINUE_CHATTING: the agent of a chat that ended takes it up again (the visitor left
/// by mistake, or came back); the chat is active and counts against their capacity again.
pub async fn continue_chatting(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    agents_only(session)?;
    let conv_id = text_field(body, "convId")?;
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    if conversation.agent_id.as_deref() != Some(session.user_id.as_str()) {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "you are not this chat's agent",
        ));
    }
    if conversation.status != Status::Ended {
        return Err(Refusal::new(code::CONFLICT, "this chat has not ended"));
    }
    if !state.store.reopen_conversation(conv_id).await? {
        return Err(Refusal::new(code::CONFLICT, "this chat has not ended"));
    }
    state.routing.chat_resumed(conv_id, &session.user_id);
    let resumed = json!({ "type": 5, "resumedby": session.user_id });
    notify(state, session, conv_id, &members, resumed).await?;
    let conversation = state
        .store
        .conversation(conv_id)
        .await?
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such conversation"))?;
    Ok(conversation_json(&conversation, &members))
}

//! The live chat services behind the socket: which family answers each service, the checks
//! they share (fields, membership), and the conversations' own services (create, load, end,
//! rate). Messages, reports and typing are in [`crate::message`]; chat requests, their answers
//! and agent presence in [`crate::offer`].
//!
//! Every handler checks who may do what: a visitor reaches only conversations they are a member
//! of; an agent only chats offered to or assigned to them. Everything is stored before the reply.

use std::time::Duration;

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Value, json};

use crate::AppState;
use crate::message::{MAX_LOAD, load_messages, message_json, report, send_message, typing};
use crate::offer::{agent_response, chat_requests, presence};
use crate::routing::{ChatRef, Timeouts};
use crate::store::{Conversation, Message, MessageQuery, NewConversation, NewMessage, Status};
use crate::ws::{Refusal, Session};

/// Handles one request of an authenticated connection.
pub async fn handle(
    state: &AppState,
    session: &mut Session,
    service: u16,
    body: &Value,
) -> Result<Value, Refusal> {
    match service {
        service::UPDATE_USER_INFO => crate::profile::update_user_info(state, session, body).await,
        _ => handle_as(state, session, service, body).await,
    }
}

async fn handle_as(
    state: &AppState,
    session: &Session,
    service: u16,
    body: &Value,
) -> Result<Value, Refusal> {
    match service {
        service::CHAT_GET_USERS_INFO => crate::profile::users_info(state, session, body).await,
        service::CUSTOM_MESSAGE => crate::profile::custom_message(state, session, body).await,
        service::RATE_CHAT => rate_chat(state, session, body).await,
        service::SEND_EMAIL_TRANSCRIPT => crate::transcript::send(state, session, body).await,
        service::CHAT_TRANSFER_TO_ANOTHER_AGENT => {
            crate::care::transfer(state, session, body).await
        }
        service::CHAT_CONFIRM_TRANSFER_REQUEST => {
            crate::care::confirm_transfer(state, session, body).await
        }
        service::JOIN_CHAT_CUSTOMER_CARE => crate::care::join(state, session, body).await,
        service::AGENT_CONTINUE_CHATTING => {
            crate::care::continue_chatting(state, session, body).await
        }
        service::CHAT_CREATE_CONVERSATION => create_conversation(state, session, body).await,
        service::CHAT_MESSAGE => send_message(state, session, body).await,
        service::CHAT_MESSAGES_LOAD => load_messages(state, session, body).await,
        service::CHAT_CONVERSATION_LOAD => load_conversations(state, session, body).await,
        service::CHAT_GET_CONVERSATIONS_INFO => conversations_info(state, session, body).await,
        service::CHAT_MESSAGE_REPORT => report(state, session, body).await,
        service::BEGIN_TYPING | service::END_TYPING => typing(state, session, service, body).await,
        service::CHAT_AGENT_RESPONSE => agent_response(state, session, body).await,
        service::CHAT_REQUEST_LOAD => chat_requests(state, session).await,
        service::END_CHAT => end_chat(state, session, body).await,
        service::AGENT_SET_PRESENCE => presence(state, session, body),
        service::DRAFT => crate::draft::handle(state, session, body).await,
        service::NOTE_ADD | service::NOTES_LOAD => {
            crate::note::handle(state, session, service, body).await
        }
        other => Err(Refusal::new(
            code::UNKNOWN_SERVICE,
            format!("unknown service {other}"),
        )),
    }
}

pub(crate) fn bad(message: impl Into<String>) -> Refusal {
    Refusal::new(code::BAD_REQUEST, message)
}

pub(crate) fn text_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, Refusal> {
    match body.get(name) {
        Some(Value::String(value)) if !value.is_empty() && value.len() <= 256 => Ok(value),
        Some(Value::String(_)) => Err(bad(format!("`{name}` must be 1 to 256 characters"))),
        None | Some(Value::Null) => Err(bad(format!("`{name}` is required"))),
        Some(_) => Err(bad(format!("`{name}` must be a string"))),
    }
}

/// `localDbId` as clients send it: a string or a number; absent is fine.
pub(crate) fn local_db_id(body: &Value) -> Result<Option<String>, Refusal> {
    match body.get("localDbId") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.len() <= 128 => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(bad(
            "`localDbId` must be a string or a number of at most 128 characters",
        )),
    }
}

pub(crate) fn optional_int(body: &Value, name: &str) -> Result<Option<i64>, Refusal> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => value
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(format!("`{name}` must be an integer"))),
    }
}

/// The conversation, if `session` may use it: a member who has not left.
pub(crate) async fn member_conversation(
    state: &AppState,
    session: &Session,
    conv_id: &str,
) -> Result<(Conversation, Vec<String>), Refusal> {
    let not_found = || Refusal::new(code::NOT_FOUND, "no such conversation");
    let (conversation, participants) = state
        .metrics
        .store(
            "conversation_and_participants",
            state.store.conversation_and_participants(conv_id),
        )
        .await?
        .ok_or_else(not_found)?;
    if conversation.portal_id != session.portal_id {
        return Err(not_found());
    }
    let member = participants
        .iter()
        .any(|p| p.user_id == session.user_id && !p.left);
    if !member {
        // The same answer as for a conversation that does not exist: ids are not probed.
        return Err(not_found());
    }
    let others = participants
        .into_iter()
        .filter(|p| !p.left)
        .map(|p| p.user_id)
        .collect();
    Ok((conversation, others))
}

/// The users who are members of a conversation now (not those who left it).
pub(crate) async fn current_members(
    state: &AppState,
    conv_id: &str,
) -> Result<Vec<String>, Refusal> {
    Ok(state
        .store
        .participants(conv_id)
        .await?
        .into_iter()
        .filter(|p| !p.left)
        .map(|p| p.user_id)
        .collect())
}

/// Pushes `frame` to every member, except the socket the request came from.
pub(crate) fn push_to_members(
    state: &AppState,
    session: &Session,
    members: &[String],
    frame: &Frame,
) {
    for member in members {
        let skip = if *member == session.user_id {
            session.connection
        } else {
            0
        };
        state.hub.push_except(member, skip, frame);
    }
}

/// A conversation as the wire shows it (Stringee's field names).
pub fn conversation_json(conversation: &Conversation, participants: &[String]) -> Value {
    json!({
        "convId": conversation.id,
        "id": conversation.id,
        "convName": conversation.name,
        "name": conversation.name,
        "isGroup": true,
        "isDistinct": false,
        "creator": conversation.creator,
        "created": conversation.created_at,
        "lastUpdate": conversation.updated_at,
        "lastMsgSeq": conversation.last_seq,
        "participants": participants.iter().map(|id| json!({ "userId": id })).collect::<Vec<_>>(),
        "channelType": conversation.channel_type,
        "ended": conversation.status.is_over(),
        "endedby": conversation.ended_by,
        "chatStatus": conversation.status.as_str(),
        "queueId": conversation.queue_id,
        "agentId": conversation.agent_id,
        "customData": conversation.custom_data,
    })
}

async fn create_conversation(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    if session.agent {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "agents do not create live chats; visitors do",
        ));
    }
    let queue_id = text_field(body, "name")?;
    let portal = state
        .portals
        .by_id(state.store.as_ref(), &session.portal_id)
        .await?
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such portal"))?;
    if !crate::hours::portal_open_now(&portal) {
        return Err(Refusal::new(
            code::OUTSIDE_BUSINESS_HOURS,
            format!(
                "outside business hours ({}): leave a ticket",
                portal.business_hours
            ),
        ));
    }
    let queue = state
        .store
        .queue(&session.portal_id, queue_id)
        .await?
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such queue"))?;
    let custom_data = match body.get("customData") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    if custom_data.len() > 4096 {
        return Err(Refusal::new(
            code::TOO_LARGE,
            "`customData` is larger than 4096 bytes",
        ));
    }
    let new = NewConversation {
        id: format!("conv-{}", crate::ids::random_hex(12)),
        portal_id: session.portal_id.clone(),
        queue_id: queue.id.clone(),
        creator: session.user_id.clone(),
        create_local_id: local_db_id(body)?,
        custom_data,
    };
    let (conversation, created) = state.store.create_conversation(&new).await?;
    if created {
        let name = match session.display_name.as_str() {
            "" => "Visitor".to_string(),
            name => name.to_string(),
        };
        let timeouts = Timeouts {
            answer: Duration::from_millis(queue.answer_timeout_ms as u64),
            queue: Duration::from_millis(queue.queue_timeout_ms as u64),
        };
        let chat = ChatRef {
            conv_id: conversation.id.clone(),
            queue_id: queue.id,
            queue_name: queue.name,
            visitor_id: session.user_id.clone(),
            visitor_name: name,
        };
        state.routing.enqueue(chat, timeouts);
    }
    let mut reply = conversation_json(&conversation, std::slice::from_ref(&session.user_id));
    let newest = MessageQuery {
        seq_greater: None,
        seq_smaller: None,
        limit: 1,
        ascending: false,
    };
    let last = state.store.messages(&conversation.id, newest).await?;
    reply["lastMsg"] = last.first().map(message_json).unwrap_or(Value::Null);
    Ok(reply)
}

async fn load_conversations(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    let limit = optional_int(body, "limit")?
        .unwrap_or(20)
        .clamp(1, MAX_LOAD);
    let conversations = state
        .store
        .conversations_of(&session.user_id, limit)
        .await?;
    let mut list = Vec::with_capacity(conversations.len());
    for conversation in &conversations {
        let participants = state.store.participants(&conversation.id).await?;
        let ids: Vec<String> = participants.into_iter().map(|p| p.user_id).collect();
        list.push(conversation_json(conversation, &ids));
    }
    Ok(json!({ "listConvs": list }))
}

async fn conversations_info(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    let ids = text_field(body, "convIds")?;
    let mut list = Vec::new();
    for id in ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .take(MAX_LOAD as usize)
    {
        if let Ok((conversation, members)) = member_conversation(state, session, id).await {
            list.push(conversation_json(&conversation, &members));
        }
    }
    Ok(json!({ "listConvs": list }))
}

/// Stores a notification message (type 100) from `session`'s user and pushes it to every member.
pub(crate) async fn notify(
    state: &AppState,
    session: &Session,
    conv_id: &str,
    members: &[String],
    content: Value,
) -> Result<(), Refusal> {
    let (stored, _) = store_message(
        state,
        &NewMessage {
            conv_id: conv_id.to_string(),
            sender: session.user_id.clone(),
            kind: 100,
            content: content.to_string(),
            local_db_id: None,
        },
    )
    .await?;
    let frame = Frame {
        service: service::CHAT_MESSAGE_FROM_SERVER,
        body: message_json(&stored),
    };
    for member in members {
        state.hub.push(member, &frame);
    }
    Ok(())
}

async fn end_chat(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    if !state
        .store
        .finish_conversation(&conversation.id, Status::Ended, &session.user_id)
        .await?
    {
        return Err(Refusal::new(code::CONFLICT, "this chat has already ended"));
    }
    state.routing.chat_ended(&conversation.id);
    // Stringee's notification "chat ended", stored after the last message.
    notify(
        state,
        session,
        &conversation.id,
        &members,
        json!({ "type": 4, "endedby": session.user_id }),
    )
    .await?;
    let frame = Frame {
        service: service::CONVERSATION_ENDED,
        body: json!({ "convId": conversation.id, "endedby": session.user_id }),
    };
    push_to_members(state, session, &members, &frame);
    Ok(json!({ "convId": conversation.id, "endedby": session.user_id }))
}

/// RATE_CHAT: the visitor rates the chat (0 bad, 1 good) with an optional comment; the rating is
/// kept on the conversation and shown to everyone as a message of type 14.
async fn rate_chat(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let rating = match optional_int(body, "rating")? {
        Some(rating @ (0 | 1)) => rating,
        _ => return Err(bad("`rating` must be 0 (bad) or 1 (good)")),
    };
    let comment = match body.get("comment") {
        None | Some(Value::Null) => "",
        Some(Value::String(text)) if text.chars().count() <= 1000 => text.trim(),
        Some(Value::String(_)) => {
            return Err(Refusal::new(
                code::TOO_LARGE,
                "`comment` is longer than 1000 characters",
            ));
        }
        Some(_) => return Err(bad("`comment` must be a string")),
    };
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    if conversation.creator != session.user_id {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "only the visitor rates a chat",
        ));
    }
    if conversation.status != Status::Active && conversation.status != Status::Ended {
        return Err(Refusal::new(
            code::CONFLICT,
            "only a chat an agent took can be rated",
        ));
    }
    state
        .store
        .rate_conversation(&conversation.id, rating, comment)
        .await?;
    let (stored, _) = store_message(
        state,
        &NewMessage {
            conv_id: conversation.id.clone(),
            sender: session.user_id.clone(),
            kind: 14,
            content: json!({ "rating": rating, "comment": comment }).to_string(),
            local_db_id: local_db_id(body)?,
        },
    )
    .await?;
    let frame = Frame {
        service: service::CHAT_MESSAGE_FROM_SERVER,
        body: message_json(&stored),
    };
    push_to_members(state, session, &members, &frame);
    Ok(json!({ "convId": conversation.id, "msgId": stored.id, "seq": stored.seq }))
}

/// Stores a message (timed, and counted when new): every message the chat services write.
pub(crate) async fn store_message(
    state: &AppState,
    new: &NewMessage,
) -> Result<(Message, bool), crate::store::StoreError> {
    let stored = state
        .metrics
        .store("append_message", state.store.append_message(new))
        .await?;
    if stored.1 {
        state.metrics.message_stored();
    }
    Ok(stored)
}

//! The live chat services behind the socket: conversations, messages, reports, typing, chat
//! requests and their answers, end of chat, agent presence.
//!
//! Every handler checks who may do what: a visitor reaches only conversations they are a member
//! of; an agent only chats offered to or assigned to them. Everything is stored before the reply.

use std::collections::HashSet;
use std::time::Duration;

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Value, json};

use crate::AppState;
use crate::routing::{AnswerError, ChatRef, Timeouts};
use crate::store::{Conversation, Message, MessageQuery, NewConversation, NewMessage, Status};
use crate::ws::{Refusal, Session};

/// Longest text message, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Largest message object (any type), serialized, in bytes.
const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Most messages or conversations one load answers.
const MAX_LOAD: i64 = 100;
/// Message types a client may send (Stringee's): text, photo, video, audio, file, link,
/// location, contact, sticker. Rating (14) and notifications (100) are written by the server.
const SENDABLE_TYPES: [i64; 9] = [1, 2, 3, 4, 5, 6, 9, 10, 11];

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
fn local_db_id(body: &Value) -> Result<Option<String>, Refusal> {
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

/// A message as the wire shows it: the push's names (`msgId`, `from`, `createdTime`) and the
/// load's (`id`, `user`, `created`) both, so one shape serves every client.
pub fn message_json(message: &Message) -> Value {
    let content: Value = serde_json::from_str(&message.content).unwrap_or(Value::Null);
    json!({
        "msgId": message.id,
        "id": message.id,
        "convId": message.conv_id,
        "seq": message.seq,
        "type": message.kind,
        "message": content,
        "content": content,
        "from": message.sender,
        "user": message.sender,
        "createdTime": message.created_at,
        "created": message.created_at,
        "localDbId": message.local_db_id,
        "channelType": 1,
        "senderInfo": {},
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

async fn send_message(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let kind = optional_int(body, "type")?.unwrap_or(1);
    if !SENDABLE_TYPES.contains(&kind) {
        return Err(bad(format!("message type {kind} cannot be sent")));
    }
    let message = match body.get("message") {
        Some(Value::Object(fields)) => Value::Object(fields.clone()),
        _ => return Err(bad("`message` must be an object")),
    };
    if kind == 1 {
        match message.get("content") {
            Some(Value::String(text)) if text.trim().is_empty() => {
                return Err(bad("a text message is empty"));
            }
            Some(Value::String(text)) if text.chars().count() > MAX_TEXT_CHARS => {
                return Err(Refusal::new(
                    code::TOO_LARGE,
                    format!("a text message is longer than {MAX_TEXT_CHARS} characters"),
                ));
            }
            Some(Value::String(_)) => {}
            _ => return Err(bad("a text message needs `message.content`, a string")),
        }
    }
    let content = message.to_string();
    if content.len() > MAX_MESSAGE_BYTES {
        return Err(Refusal::new(
            code::TOO_LARGE,
            format!("a message is larger than {MAX_MESSAGE_BYTES} bytes"),
        ));
    }
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    let local = local_db_id(body)?;
    if conversation.status.is_over() {
        return Err(Refusal::new(code::CONFLICT, "this chat has ended"));
    }
    let attachment = attached_file(state, session, kind, &message).await?;
    let (stored, new) = store_message(
        state,
        &NewMessage {
            conv_id: conversation.id.clone(),
            sender: session.user_id.clone(),
            kind,
            content,
            local_db_id: local,
        },
    )
    .await?;
    if let Some(file_id) = attachment {
        state.store.link_file(&file_id, &conversation.id).await?;
    }
    if new {
        let frame = Frame {
            service: service::CHAT_MESSAGE_FROM_SERVER,
            body: message_json(&stored),
        };
        push_to_members(state, session, &members, &frame);
    }
    Ok(json!({
        "convId": stored.conv_id,
        "msgId": stored.id,
        "seq": stored.seq,
        "created": stored.created_at,
        "localDbId": stored.local_db_id,
        "channelType": 1,
    }))
}

/// The Parlor file an attachment message (photo, video, audio, file) carries, checked to be
/// the sender's own upload; links to elsewhere pass as they are.
async fn attached_file(
    state: &AppState,
    session: &Session,
    kind: i64,
    message: &Value,
) -> Result<Option<String>, Refusal> {
    let field = match kind {
        2 => "photo",
        3 => "video",
        4 => "audio",
        5 => "file",
        _ => return Ok(None),
    };
    let path = message
        .get(field)
        .and_then(|f| f.get("filePath"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            bad(format!(
                "a {field} message needs `message.{field}.filePath`"
            ))
        })?;
    let Some(id) = crate::http::files::file_id_in(path) else {
        return Ok(None);
    };
    let own = state
        .store
        .file(id)
        .await?
        .is_some_and(|f| f.uploader == session.user_id);
    if !own {
        return Err(bad("the attachment is not a file you uploaded"));
    }
    Ok(Some(id.to_string()))
}

async fn load_messages(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let (conversation, _) = member_conversation(state, session, conv_id).await?;
    let ascending = match body.get("sort") {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("asc") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("desc") => false,
        Some(_) => return Err(bad("`sort` must be \"ASC\" or \"DESC\"")),
    };
    let query = MessageQuery {
        seq_greater: optional_int(body, "seqGreater")?.filter(|s| *s >= 0),
        seq_smaller: optional_int(body, "seqSmaller")?.filter(|s| *s > 0),
        limit: optional_int(body, "limit")?
            .unwrap_or(20)
            .clamp(1, MAX_LOAD),
        ascending,
    };
    let messages = state
        .metrics
        .store("messages", state.store.messages(&conversation.id, query))
        .await?;
    Ok(
        json!({ "convId": conversation.id, "msgs": messages.iter().map(message_json).collect::<Vec<_>>() }),
    )
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

async fn report(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let seq = optional_int(body, "lastMsgSeq")?.ok_or_else(|| bad("`lastMsgSeq` is required"))?;
    let read = match optional_int(body, "status")? {
        Some(1) => false,
        Some(2) => true,
        _ => return Err(bad("`status` must be 1 (delivered) or 2 (seen)")),
    };
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    let seq = seq.clamp(0, conversation.last_seq);
    state
        .store
        .report(&conversation.id, &session.user_id, seq, read)
        .await?;
    let frame = Frame {
        service: service::CHAT_MESSAGE_REPORT_FROM_SERVER,
        body: json!({ "convId": conversation.id, "from": session.user_id, "lastMsgSeq": seq, "status": if read { 2 } else { 1 } }),
    };
    push_to_members(state, session, &members, &frame);
    Ok(json!({ "convId": conversation.id }))
}

async fn typing(
    state: &AppState,
    session: &Session,
    service: u16,
    body: &Value,
) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    let push = if service == service::BEGIN_TYPING {
        service::USER_BEGIN_TYPING
    } else {
        service::USER_END_TYPING
    };
    let display_name = &session.display_name;
    let frame = Frame {
        service: push,
        body: json!({ "convId": conversation.id, "userId": session.user_id, "displayName": display_name }),
    };
    push_to_members(state, session, &members, &frame);
    Ok(json!({ "convId": conversation.id }))
}

async fn agent_response(
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

async fn chat_requests(state: &AppState, session: &Session) -> Result<Value, Refusal> {
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

fn presence(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
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

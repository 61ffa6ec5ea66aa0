//! The message services behind the socket: sending (with its limits and attachments), loading
//! by seq, delivery and read reports, typing.

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Value, json};

use crate::AppState;
use crate::chat::{
    bad, local_db_id, member_conversation, optional_int, push_to_members, store_message, text_field,
};
use crate::store::{Message, MessageQuery, NewMessage};
use crate::ws::{Refusal, Session};

/// Longest text message, in characters.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Largest message object (any type), serialized, in bytes.
const MAX_MESSAGE_BYTES: usize = 16 * 1024;
/// Most messages or conversations one load answers.
pub(crate) const MAX_LOAD: i64 = 100;
/// Message types a client may send (Stringee's): text, photo, video, audio, file, link,
/// location, contact, sticker. Rating (14) and notifications (100) are written by the server.
const SENDABLE_TYPES: [i64; 9] = [1, 2, 3, 4, 5, 6, 9, 10, 11];

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

pub(crate) async fn send_message(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
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

pub(crate) async fn load_messages(
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

pub(crate) async fn report(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
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

pub(crate) async fn typing(
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

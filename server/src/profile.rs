//! Who people are: profile updates (UPDATE_USER_INFO and its push), users' info, and custom
//! messages between users who share a conversation.

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::chat::{bad, text_field};
use crate::ws::{Refusal, Session};

/// Longest profile field (name, phone, browser…), in characters.
const MAX_FIELD: usize = 256;
/// Profile fields beyond name, email, phone and avatar that the widget may report.
const DETAIL_FIELDS: [&str; 10] = [
    "location",
    "browser",
    "platform",
    "device",
    "ipaddress",
    "hostname",
    "useragent",
    "pageUrl",
    "pageTitle",
    "language",
];
/// Longest custom message, serialized, in bytes.
const MAX_CUSTOM_BYTES: usize = 4096;
/// Most users one info request answers.
const MAX_USERS: usize = 100;

fn optional_text(body: &Value, name: &str) -> Result<Option<String>, Refusal> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.chars().count() <= MAX_FIELD => {
            Ok(Some(text.trim().to_string()))
        }
        Some(Value::String(_)) => Err(Refusal::new(
            code::TOO_LARGE,
            format!("`{name}` is longer than {MAX_FIELD} characters"),
        )),
        Some(_) => Err(bad(format!("`{name}` must be a string"))),
    }
}

/// UPDATE_USER_INFO: a visitor completes or corrects their profile; the agents of their open
/// chats get USER_INFO_CHANGED. Agents' profiles belong to the portal and are not changed here.
pub async fn update_user_info(
    state: &AppState,
    session: &mut Session,
    body: &Value,
) -> Result<Value, Refusal> {
    if session.agent {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "agents' profiles are managed by their portal",
        ));
    }
    let mut visitor = state
        .store
        .visitor(&session.user_id)
        .await?
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such visitor"))?;
    let name = optional_text(body, "display_name")?.or(optional_text(body, "name")?);
    if let Some(name) = name.filter(|n| !n.is_empty()) {
        visitor.name = name;
    }
    if let Some(email) = optional_text(body, "email")? {
        if !email.is_empty() && crate::mail::mailbox(&email).is_err() {
            return Err(bad("`email` is not an email address"));
        }
        visitor.email = email;
    }
    if let Some(phone) = optional_text(body, "phone")? {
        visitor.phone = phone;
    }
    if let Some(avatar) = optional_text(body, "avatar_url")? {
        visitor.avatar_url = avatar;
    }
    let mut details: Map<String, Value> =
        serde_json::from_str(&visitor.details).unwrap_or_default();
    for field in DETAIL_FIELDS {
        if let Some(value) = optional_text(body, field)? {
            details.insert(field.to_string(), Value::String(value));
        }
    }
    if body.get("pageUrl").is_some_and(Value::is_string) {
        crate::page::record(&mut details, crate::hours::now_ms());
    }
    // Agents read "Chrome 131 on Windows", not the raw user-agent string.
    if body.get("browser").is_none()
        && let Some(Value::String(ua)) = details.get("useragent")
    {
        let browser = parlor_protocol::useragent::describe(ua);
        details.insert("browser".into(), Value::String(browser));
    }
    if let Some(answers) = body.get("fields").filter(|f| !f.is_null()) {
        let kept = prechat_answers(state, &session.portal_id, answers).await?;
        details.insert("fields".into(), kept);
    }
    visitor.details = Value::Object(details).to_string();
    state.store.update_visitor(&visitor).await?;
    session.display_name = visitor.name.clone();

    let info = visitor_json(&visitor, true);
    let frame = Frame {
        service: service::USER_INFO_CHANGED,
        body: info.clone(),
    };
    for conversation in state.store.conversations_of(&session.user_id, 20).await? {
        if conversation.status.is_over() {
            continue;
        }
        for member in state.store.participants(&conversation.id).await? {
            if member.user_id != session.user_id && !member.left {
                state.hub.push(&member.user_id, &frame);
            }
        }
    }
    Ok(info)
}

/// The visitor's answers to the portal's pre-chat fields (`{"fields": {id: text}}`), checked
/// against the form: `[{label, value}]` in the form's order, labels in English.
async fn prechat_answers(
    state: &AppState,
    portal_id: &str,
    answers: &Value,
) -> Result<Value, Refusal> {
    let Value::Object(answers) = answers else {
        return Err(bad("`fields` must be an object of answers"));
    };
    let pairs: Vec<(String, String)> = answers
        .iter()
        .take(parlor_protocol::prechat::MAX_FIELDS + 1)
        .map(|(id, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                Value::Bool(ticked) => ticked.to_string(),
                other => other.to_string(),
            };
            (id.clone(), text)
        })
        .collect();
    let portal = state
        .portals
        .by_id(state.store.as_ref(), portal_id)
        .await?
        .ok_or_else(|| Refusal::new(code::NOT_FOUND, "no such portal"))?;
    let form: parlor_protocol::prechat::PrechatForm =
        serde_json::from_str(&portal.prechat_fields).unwrap_or_default();
    let kept = form.check_answers(&pairs).map_err(bad)?;
    Ok(Value::Array(
        kept.into_iter()
            .map(|(label, value)| json!({ "label": label, "value": value }))
            .collect(),
    ))
}

/// A visitor as the wire shows them; contact details only to those who may see them.
fn visitor_json(visitor: &crate::store::Visitor, private: bool) -> Value {
    let mut user = json!({
        "userId": visitor.user_id,
        "name": visitor.name,
        "display_name": visitor.name,
        "avatar_url": visitor.avatar_url,
        "role": "visitor",
    });
    if private {
        user["email"] = json!(visitor.email);
        user["phone"] = json!(visitor.phone);
        user["details"] = serde_json::from_str(&visitor.details).unwrap_or(Value::Null);
    }
    user
}

/// CHAT_GET_USERS_INFO: `userIds` comma-separated. Agents see their portal's visitors in full;
/// a visitor sees themselves in full and agents by name; nobody sees another portal's users.
pub async fn users_info(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    let ids = text_field_long(body, "userIds")?;
    let mut users = Vec::new();
    for id in ids
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .take(MAX_USERS)
    {
        if let Some(agent) = state.store.agent(id).await? {
            if agent.portal_id == session.portal_id {
                let mut user = json!({
                    "userId": agent.user_id,
                    "name": agent.display_name,
                    "display_name": agent.display_name,
                    "avatar_url": "",
                    "role": "agent",
                });
                if session.agent {
                    user["email"] = json!(agent.email);
                }
                users.push(user);
            }
        } else if let Some(visitor) = state.store.visitor(id).await?
            && visitor.portal_id == session.portal_id
            && (session.agent || visitor.user_id == session.user_id)
        {
            users.push(visitor_json(&visitor, true));
        }
    }
    Ok(json!({ "users": users }))
}

/// Like [`text_field`], for lists of ids (up to 100 of them).
fn text_field_long<'a>(body: &'a Value, name: &str) -> Result<&'a str, Refusal> {
    match body.get(name) {
        Some(Value::String(value)) if value.len() <= MAX_USERS * 64 => Ok(value),
        Some(Value::String(_)) => Err(Refusal::new(
            code::TOO_LARGE,
            format!("`{name}` is too long"),
        )),
        _ => text_field(body, name),
    }
}

/// CUSTOM_MESSAGE: an application's own payload to another user, pushed as
/// CUSTOM_MESSAGE_FROM_SERVER. Allowed between members of a common conversation, and between
/// agents of one portal. Nothing is stored: it reaches the user's open sockets or no one.
pub async fn custom_message(
    state: &AppState,
    session: &Session,
    body: &Value,
) -> Result<Value, Refusal> {
    let to = text_field(body, "toUser")?;
    let message = body
        .get("message")
        .filter(|m| !m.is_null())
        .ok_or_else(|| bad("`message` is required"))?;
    if message.to_string().len() > MAX_CUSTOM_BYTES {
        return Err(Refusal::new(
            code::TOO_LARGE,
            format!("`message` is larger than {MAX_CUSTOM_BYTES} bytes"),
        ));
    }
    let both_agents = session.agent
        && state
            .store
            .agent(to)
            .await?
            .is_some_and(|a| a.portal_id == session.portal_id);
    let share_a_chat = || async {
        for conversation in state.store.conversations_of(&session.user_id, 100).await? {
            let members = state.store.participants(&conversation.id).await?;
            if members.iter().any(|m| m.user_id == to) {
                return Ok::<bool, crate::store::StoreError>(true);
            }
        }
        Ok(false)
    };
    if !both_agents && !share_a_chat().await? {
        // As for conversations: the same answer whether the user exists or not.
        return Err(Refusal::new(
            code::NOT_FOUND,
            "no such user among your contacts",
        ));
    }
    let frame = Frame {
        service: service::CUSTOM_MESSAGE_FROM_SERVER,
        body: json!({ "fromUserId": session.user_id, "message": message }),
    };
    let delivered = state.hub.push(to, &frame);
    Ok(json!({ "toUser": to, "delivered": delivered }))
}

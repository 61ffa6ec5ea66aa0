//! Typing preview (Parlor's services 1007–1008): while a portal has it on, a visitor's widget
//! sends their draft as they type, and the conversation's agents get it pushed. A draft is
//! relayed, never stored, and refused when the portal has the preview off (the widget then
//! sends none: nothing of a draft leaves the browser).

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Value, json};

use crate::AppState;
use crate::chat::{bad, member_conversation, text_field};
use crate::message::MAX_TEXT_CHARS;
use crate::ws::{Refusal, Session};

/// Handles `DRAFT`.
pub async fn handle(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    if session.agent {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "drafts are the visitors' (typing preview)",
        ));
    }
    let on = state
        .portals
        .by_id(state.store.as_ref(), &session.portal_id)
        .await?
        .is_some_and(|p| p.typing_preview);
    if !on {
        return Err(Refusal::new(
            code::FORBIDDEN,
            "typing preview is off for this portal",
        ));
    }
    let conv_id = text_field(body, "convId")?;
    let text = match body.get("text") {
        Some(Value::String(text)) if text.chars().count() > MAX_TEXT_CHARS => {
            return Err(Refusal::new(
                code::TOO_LARGE,
                format!("a draft is longer than {MAX_TEXT_CHARS} characters"),
            ));
        }
        Some(Value::String(text)) => text.clone(),
        _ => return Err(bad("`text` must be a string")),
    };
    let (conversation, members) = member_conversation(state, session, conv_id).await?;
    let frame = Frame {
        service: service::DRAFT_FROM_SERVER,
        body: json!({ "convId": conversation.id, "userId": session.user_id, "text": text }),
    };
    // A live chat's other members are its agents: the draft goes to them only.
    for member in members.iter().filter(|m| **m != session.user_id) {
        state.hub.push_except(member, 0, &frame);
    }
    Ok(json!({ "convId": conversation.id }))
}

//! Private notes over the socket (Parlor's services 1002–1004): an agent writes a note in a
//! conversation, the conversation's other agents get it pushed, and agents load them with the
//! history.
//!
//! A note never reaches a visitor: visitors are refused both services, pushes go to the agent
//! members only, and notes live in a table of their own that none of the visitor's loads,
//! conversation lists or mailed transcripts read.

use parlor_protocol::socket::{Frame, code, service};
use serde_json::{Value, json};

use crate::AppState;
use crate::care::agents_only;
use crate::chat::{bad, member_conversation, text_field};
use crate::hours::now_ms;
use crate::message::MAX_TEXT_CHARS;
use crate::store::Note;
use crate::ws::{Refusal, Session};

/// Handles `NOTE_ADD` and `NOTES_LOAD`.
pub async fn handle(
    state: &AppState,
    session: &Session,
    service: u16,
    body: &Value,
) -> Result<Value, Refusal> {
    agents_only(session)?;
    let conv_id = text_field(body, "convId")?;
    let (conversation, _) = member_conversation(state, session, conv_id).await?;
    if service == service::NOTES_LOAD {
        let notes = state.store.notes(&conversation.id).await?;
        return Ok(json!({
            "convId": conversation.id,
            "notes": notes.iter().map(note_json).collect::<Vec<_>>(),
        }));
    }
    let text = match body.get("text") {
        Some(Value::String(text)) if text.trim().is_empty() => return Err(bad("a note is empty")),
        Some(Value::String(text)) if text.chars().count() > MAX_TEXT_CHARS => {
            return Err(Refusal::new(
                code::TOO_LARGE,
                format!("a note is longer than {MAX_TEXT_CHARS} characters"),
            ));
        }
        Some(Value::String(text)) => text.trim_end().to_string(),
        _ => return Err(bad("`text` must be a string")),
    };
    let note = Note {
        id: format!("note-{}", crate::ids::random_hex(12)),
        conv_id: conversation.id.clone(),
        author: session.user_id.clone(),
        author_name: session.display_name.clone(),
        text,
        created_at: now_ms(),
    };
    state.store.add_note(&note).await?;
    let body = json!({ "note": note_json(&note) });
    let frame = Frame {
        service: service::NOTE_FROM_SERVER,
        body: body.clone(),
    };
    // The agents among the members: a visitor of the conversation gets nothing.
    for participant in state.store.participants(&conversation.id).await? {
        if participant.left || participant.role != "agent" {
            continue;
        }
        let skip = if participant.user_id == session.user_id {
            session.connection
        } else {
            0
        };
        state.hub.push_except(&participant.user_id, skip, &frame);
    }
    Ok(body)
}

/// A note as the wire shows it.
pub fn note_json(note: &Note) -> Value {
    json!({
        "id": note.id,
        "convId": note.conv_id,
        "author": note.author,
        "authorName": note.author_name,
        "text": note.text,
        "created": note.created_at,
    })
}

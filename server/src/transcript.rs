//! SEND_EMAIL_TRANSCRIPT: a member mails a chat's transcript to an address, as plain text.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use parlor_protocol::socket::code;
use serde_json::{Value, json};

use crate::AppState;
use crate::chat::{bad, member_conversation, text_field};
use crate::hours::utc_date_time;
use crate::mail::Mail;
use crate::store::{Message, MessageQuery};
use crate::ws::{Refusal, Session};

/// Transcripts one connection may mail: enough for a visitor who mistyped, too few for spam.
pub const MAX_PER_CONNECTION: u32 = 5;
/// Messages read per page while building a transcript.
const PAGE: i64 = 100;

/// Mails the transcript of `convId` to `email` (`domain`, the page's host, goes in the text).
pub async fn send(state: &AppState, session: &Session, body: &Value) -> Result<Value, Refusal> {
    let conv_id = text_field(body, "convId")?;
    let email = text_field(body, "email")?;
    if crate::mail::mailbox(email).is_err() {
        return Err(bad("`email` is not an email address"));
    }
    let domain = body.get("domain").and_then(Value::as_str).unwrap_or("");
    let (conversation, _) = member_conversation(state, session, conv_id).await?;
    if session.mails_sent.fetch_add(1, Ordering::Relaxed) >= MAX_PER_CONNECTION {
        return Err(Refusal::new(
            code::RATE_LIMITED,
            format!("at most {MAX_PER_CONNECTION} transcripts per connection"),
        ));
    }
    let mut messages = Vec::new();
    let mut after = 0;
    loop {
        let page = state
            .store
            .messages(
                &conversation.id,
                MessageQuery {
                    seq_greater: Some(after),
                    seq_smaller: None,
                    limit: PAGE,
                    ascending: true,
                },
            )
            .await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        messages.extend(page);
    }
    let mut names = HashMap::new();
    for member in state.store.participants(&conversation.id).await? {
        let name = match state.store.agent(&member.user_id).await? {
            Some(agent) => agent.display_name,
            None => state
                .store
                .visitor(&member.user_id)
                .await?
                .map(|v| v.name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Visitor".into()),
        };
        names.insert(member.user_id, name);
    }
    let portal = state
        .store
        .portal(&conversation.portal_id)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let (y, m, d, _, _) = utc_date_time(conversation.created_at);
    let mut text = format!("Your chat with {portal} on {y:04}-{m:02}-{d:02}");
    if !domain.is_empty() {
        text.push_str(&format!(" ({domain})"));
    }
    text.push_str("\nTimes are UTC.\n\n");
    text.push_str(&render(&messages, &names));
    let mail = Mail {
        to: vec![email.to_string()],
        reply_to: None,
        subject: format!("Your chat with {portal}"),
        text,
    };
    state.mailer.send(&mail).await.map_err(|error| {
        tracing::error!(%error, "transcript not sent");
        Refusal::new(code::INTERNAL, "the transcript could not be sent")
    })?;
    Ok(json!({ "convId": conversation.id, "email": email }))
}

/// One line per message: `[hh:mm] Name: text`, with attachments, ratings and events in words.
pub fn render(messages: &[Message], names: &HashMap<String, String>) -> String {
    let mut out = String::new();
    for message in messages {
        let content: Value = serde_json::from_str(&message.content).unwrap_or(Value::Null);
        let name = names
            .get(&message.sender)
            .map(String::as_str)
            .unwrap_or("Someone");
        let str_of = |field: &str| content.get(field).and_then(Value::as_str).unwrap_or("");
        let text = match message.kind {
            1 | 6 => format!("{name}: {}", str_of("content")),
            2 => format!("{name} sent a photo"),
            3 => format!("{name} sent a video"),
            4 => format!("{name} sent an audio clip"),
            5 => {
                let file = content
                    .get("file")
                    .and_then(|f| f.get("filename"))
                    .and_then(Value::as_str)
                    .unwrap_or("a file");
                format!("{name} sent {file}")
            }
            9 => format!("{name} shared a location"),
            10 => format!("{name} shared a contact"),
            11 => format!("{name} sent a sticker"),
            14 => {
                let verdict = if content.get("rating").and_then(Value::as_i64) == Some(1) {
                    "good"
                } else {
                    "bad"
                };
                match str_of("comment") {
                    "" => format!("{name} rated the chat {verdict}"),
                    comment => format!("{name} rated the chat {verdict}: {comment}"),
                }
            }
            100 => match content.get("type").and_then(Value::as_i64) {
                Some(1) => format!("{name} joined the chat"),
                Some(2) => format!("{name} left the chat"),
                Some(4) => format!("{name} ended the chat"),
                _ => continue,
            },
            _ => continue,
        };
        let (_, _, _, hh, mm) = utc_date_time(message.created_at);
        out.push_str(&format!("[{hh:02}:{mm:02}] {text}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: i64, sender: &str, kind: i64, content: Value) -> Message {
        Message {
            id: format!("m{seq}"),
            conv_id: "c".into(),
            seq,
            sender: sender.into(),
            kind,
            content: content.to_string(),
            local_db_id: None,
            created_at: 1_795_392_000_000 + seq * 60_000,
        }
    }

    #[test]
    fn a_transcript_reads_as_a_conversation() {
        let names = HashMap::from([
            ("v".to_string(), "Ann".to_string()),
            ("a".into(), "Alice".into()),
        ]);
        let text = render(
            &[
                message(1, "v", 7, json!({})),
                message(2, "v", 1, json!({"content": "Hi <b>there</b>"})),
                message(3, "a", 100, json!({"type": 1})),
                message(4, "a", 5, json!({"file": {"filename": "invoice.pdf"}})),
                message(5, "v", 14, json!({"rating": 1, "comment": "Quick"})),
            ],
            &names,
        );
        assert_eq!(
            text,
            "[00:02] Ann: Hi <b>there</b>\n[00:03] Alice joined the chat\n\
             [00:04] Alice sent invoice.pdf\n[00:05] Ann rated the chat good: Quick\n"
        );
    }
}

//! What the SDK hands to applications: messages, chat requests, conversations, users.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Stringee's message types.
pub mod kind {
    /// `{"content": "…"}`.
    pub const TEXT: i64 = 1;
    /// `{"photo": {"filePath", "thumbnail", "ratio"}}`.
    pub const PHOTO: i64 = 2;
    /// `{"video": {"filePath", "thumbnail", "ratio", "duration"}}`.
    pub const VIDEO: i64 = 3;
    /// `{"audio": {"filePath", "duration"}}`.
    pub const AUDIO: i64 = 4;
    /// `{"file": {"filePath", "filename", "length"}}`.
    pub const FILE: i64 = 5;
    /// `{"content": "<url>"}`.
    pub const LINK: i64 = 6;
    /// The first message of every conversation, written by the server.
    pub const CREATED: i64 = 7;
    /// `{"location": {"lat", "lon"}}`.
    pub const LOCATION: i64 = 9;
    /// `{"contact": {"vcard"}}`.
    pub const CONTACT: i64 = 10;
    /// `{"sticker": {"category", "name"}}`.
    pub const STICKER: i64 = 11;
    /// The visitor's rating, `{"rating", "comment"}`, written by the server.
    pub const RATING: i64 = 14;
    /// Someone joined (`type` 1), left (2) or ended the chat (4), written by the server.
    pub const NOTIFICATION: i64 = 100;
}

/// Where one of the user's own messages stands (Stringee's message states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum MessageState {
    /// Kept in the outbox, not yet acknowledged by the server.
    Sending,
    /// Stored by the server (it has a seq).
    Sent,
    /// The other side's device received it.
    Delivered,
    /// The other side read it.
    Read,
    /// The server refused it for good (the error said why); it is not resent.
    Failed,
}

/// A message of a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The server's id; empty while the message is only in the outbox.
    pub id: String,
    /// The conversation it belongs to.
    pub conv_id: String,
    /// Position in the conversation (1, 2, 3…); 0 while only in the outbox.
    pub seq: i64,
    /// The sender's user id.
    pub from: String,
    /// Stringee's message type (see [`kind`]).
    pub kind: i64,
    /// The message object (`{"content": …}` for text, `{"photo": {…}}`, …).
    pub content: Value,
    /// Milliseconds since the Unix epoch.
    pub created: i64,
    /// The id the sender's client gave it, if any.
    pub local_db_id: Option<String>,
    /// For the user's own messages: where it stands.
    pub state: MessageState,
}

impl Message {
    /// A message as the server sends it, in a push (45) or a load (50).
    pub fn from_wire(body: &Value) -> Option<Self> {
        let text = |a: &str, b: &str| {
            body.get(a)
                .or_else(|| body.get(b))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Some(Self {
            id: text("msgId", "id")?,
            conv_id: text("convId", "convId")?,
            seq: body.get("seq")?.as_i64()?,
            from: text("from", "user").unwrap_or_default(),
            kind: body
                .get("type")
                .and_then(Value::as_i64)
                .unwrap_or(kind::TEXT),
            content: body
                .get("message")
                .or_else(|| body.get("content"))
                .cloned()
                .unwrap_or(Value::Null),
            created: body
                .get("createdTime")
                .or_else(|| body.get("created"))
                .and_then(Value::as_i64)
                .unwrap_or_default(),
            local_db_id: body.get("localDbId").and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            }),
            state: MessageState::Sent,
        })
    }

    /// The text of a text or link message.
    pub fn text(&self) -> Option<&str> {
        self.content.get("content").and_then(Value::as_str)
    }
}

/// A private note of a conversation: agents write them for one another; visitors never see
/// them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The note's id.
    pub id: String,
    /// Its conversation.
    pub conv_id: String,
    /// The agent who wrote it.
    pub author: String,
    /// Their name.
    pub author_name: String,
    /// What they wrote.
    pub text: String,
    /// When, in milliseconds since the epoch.
    pub created: i64,
}

impl Note {
    /// Reads a note as the server sends it; `None` without an id.
    pub fn from_wire(body: &Value) -> Option<Self> {
        let text = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let id = text("id");
        (!id.is_empty()).then(|| Self {
            id,
            conv_id: text("convId"),
            author: text("author"),
            author_name: text("authorName"),
            text: text("text"),
            created: body.get("created").and_then(Value::as_i64).unwrap_or(0),
        })
    }
}

/// A chat offered to an agent (`type` 0), or a transfer asked of them (`type` 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRequest {
    /// The chat.
    pub conv_id: String,
    /// The visitor's user id.
    pub customer_id: String,
    /// The visitor's name.
    pub customer_name: String,
    /// The queue they chose.
    pub queue_id: String,
    /// Its name, when the server says (Parlor does).
    pub queue_name: String,
    /// Whether it is a transfer from another agent.
    pub transfer: bool,
    /// For a transfer: the agent handing it over.
    pub from: Option<String>,
    /// How long the agent has to answer, when the server says (Parlor does).
    pub answer_timeout_ms: Option<u64>,
}

impl ChatRequest {
    pub(crate) fn from_wire(body: &Value, transfer: bool) -> Self {
        let text = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Self {
            conv_id: text("convId"),
            customer_id: text("customerId"),
            customer_name: text("customerName"),
            queue_id: text("queueId"),
            queue_name: text("queueName"),
            transfer: transfer || body.get("type").and_then(Value::as_i64) == Some(1),
            from: body.get("from").and_then(Value::as_str).map(str::to_string),
            answer_timeout_ms: body.get("answerTimeoutMs").and_then(Value::as_u64),
        }
    }
}

/// A conversation's facts as the server tells them.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationInfo {
    /// The conversation's id.
    pub id: String,
    /// The queue (live chat).
    pub queue_id: String,
    /// The visitor who started it.
    pub creator: String,
    /// `queued`, `active`, `ended` or `missed`.
    pub status: String,
    /// The agent serving it, if any.
    pub agent_id: Option<String>,
    /// The members now.
    pub participants: Vec<String>,
    /// Highest seq in the conversation.
    pub last_seq: i64,
    /// When it started, milliseconds since the Unix epoch.
    pub created: i64,
    /// What the visitor's page attached when it started.
    pub custom_data: String,
    /// The last message, when the server sent it.
    pub last_message: Option<Message>,
}

impl ConversationInfo {
    pub(crate) fn from_wire(body: &Value) -> Option<Self> {
        let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_string);
        Some(Self {
            id: text("convId").or_else(|| text("id"))?,
            queue_id: text("queueId")
                .or_else(|| text("convName"))
                .unwrap_or_default(),
            creator: text("creator").unwrap_or_default(),
            status: text("chatStatus").unwrap_or_default(),
            agent_id: text("agentId"),
            participants: body
                .get("participants")
                .and_then(Value::as_array)
                .map(|list| {
                    list.iter()
                        .filter_map(|p| p.get("userId").and_then(Value::as_str).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            last_seq: body
                .get("lastMsgSeq")
                .and_then(Value::as_i64)
                .unwrap_or_default(),
            created: body
                .get("created")
                .and_then(Value::as_i64)
                .unwrap_or_default(),
            custom_data: text("customData").unwrap_or_default(),
            last_message: body.get("lastMsg").and_then(Message::from_wire),
        })
    }

    /// Whether the chat is over (ended, or missed by every agent).
    pub fn is_over(&self) -> bool {
        self.status == "ended" || self.status == "missed"
    }
}

/// What a visitor tells about themselves (Stringee's `updateUserInfo`); `None` leaves a field
/// as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UserInfo {
    /// The name agents see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Where transcripts and answers go.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// A phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// A picture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// The page the visitor is on.
    #[serde(rename = "pageUrl", skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// That page's title (Parlor's).
    #[serde(rename = "pageTitle", skip_serializing_if = "Option::is_none")]
    pub page_title: Option<String>,
    /// The browser's name and version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// The browser's user agent string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub useragent: Option<String>,
    /// The visitor's language (`en`, `vi`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Answers to the portal's pre-chat fields, `{field id: text}` (`"true"` for a ticked
    /// box, and for the consent box under the id `consent`): a Parlor extension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<serde_json::Value>,
}

impl UserInfo {
    /// The wire object, as serde writes it (its names, absent fields left out), written by
    /// hand: the widget's wasm carries no serializer (see `docs/performance.md`).
    pub fn to_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        let texts = [
            ("display_name", &self.display_name),
            ("email", &self.email),
            ("phone", &self.phone),
            ("avatar_url", &self.avatar_url),
            ("pageUrl", &self.page_url),
            ("pageTitle", &self.page_title),
            ("browser", &self.browser),
            ("useragent", &self.useragent),
            ("language", &self.language),
        ];
        for (key, text) in texts {
            if let Some(text) = text {
                map.insert(key.to_string(), Value::String(text.clone()));
            }
        }
        if let Some(fields) = &self.fields {
            map.insert("fields".to_string(), fields.clone());
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn user_info_is_written_as_serde_writes_it() {
        let full = UserInfo {
            display_name: Some("Ann".into()),
            email: Some("ann@example.com".into()),
            phone: Some("+84 90".into()),
            avatar_url: Some("https://a.example/ann.png".into()),
            page_url: Some("https://shop.example/cart".into()),
            page_title: Some("Cart".into()),
            browser: Some("Firefox 140".into()),
            useragent: Some("Mozilla/5.0".into()),
            language: Some("vi".into()),
            fields: Some(json!({"plan": "Pro", "consent": "true"})),
        };
        let some = UserInfo {
            page_title: Some("Home".into()),
            ..UserInfo::default()
        };
        for info in [full, some, UserInfo::default()] {
            assert_eq!(info.to_json(), serde_json::to_value(&info).unwrap());
        }
    }

    #[test]
    fn pushes_and_loads_read_as_the_same_message() {
        let push = json!({"msgId": "m1", "convId": "c", "seq": 3, "from": "u", "type": 1,
            "message": {"content": "hi"}, "createdTime": 5, "localDbId": "l1"});
        let load = json!({"id": "m1", "convId": "c", "seq": 3, "user": "u", "type": 1,
            "content": {"content": "hi"}, "created": 5, "localDbId": "l1"});
        let a = Message::from_wire(&push).unwrap();
        assert_eq!(a, Message::from_wire(&load).unwrap());
        assert_eq!(a.text(), Some("hi"));
    }
}

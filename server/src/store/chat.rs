//! The chat records the store keeps: conversations, their members, their messages.

/// Where a live chat stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Waiting for an agent.
    Queued,
    /// An agent took it.
    Active,
    /// Someone ended it.
    Ended,
    /// Nobody took it within the queue timeout.
    Missed,
}

impl Status {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Active => "active",
            Status::Ended => "ended",
            Status::Missed => "missed",
        }
    }

    /// Parses a stored value.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "queued" => Status::Queued,
            "active" => Status::Active,
            "ended" => Status::Ended,
            "missed" => Status::Missed,
            _ => return None,
        })
    }

    /// Whether the chat is over (ended or missed): no more messages.
    pub fn is_over(self) -> bool {
        matches!(self, Status::Ended | Status::Missed)
    }
}

/// How a status column's text becomes a [`Status`] when rows are read.
impl TryFrom<String> for Status {
    type Error = UnknownValue;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Status::parse(&value).ok_or(UnknownValue(value))
    }
}

/// A column held text that its Rust type has no variant for.
#[derive(Debug, thiserror::Error)]
#[error("unknown value `{0}`")]
pub struct UnknownValue(pub String);

/// A conversation as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Conversation {
    pub id: String,
    pub portal_id: String,
    /// The queue it was created in (live chat).
    pub queue_id: Option<String>,
    /// Stringee's `convName`: the queue id for live chats.
    pub name: String,
    /// The visitor who created it.
    pub creator: String,
    /// Stringee's channel type: 1 for live chat.
    pub channel_type: i64,
    #[sqlx(try_from = "String")]
    pub status: Status,
    /// The agent serving it now, if any.
    pub agent_id: Option<String>,
    /// Whatever the widget attached at creation (page URL, …), as given.
    pub custom_data: String,
    /// The highest seq handed out.
    pub last_seq: i64,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
    pub updated_at: i64,
    pub ended_by: Option<String>,
}

/// What creating a conversation needs.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub id: String,
    pub portal_id: String,
    pub queue_id: String,
    pub creator: String,
    /// The creator's `localDbId`, so a resent create finds the first one.
    pub create_local_id: Option<String>,
    pub custom_data: String,
}

/// A member of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Participant {
    pub user_id: String,
    /// `visitor` or `agent`.
    pub role: String,
    /// Whether they left (an agent who transferred the chat away).
    pub left: bool,
    pub last_delivered_seq: i64,
    pub last_read_seq: i64,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Message {
    pub id: String,
    pub conv_id: String,
    /// Position in the conversation: 1, 2, 3… with no gap and no repeat.
    pub seq: i64,
    pub sender: String,
    /// Stringee's message type (1 text, 2 photo, …).
    #[sqlx(rename = "type")]
    pub kind: i64,
    /// The message object as JSON text.
    pub content: String,
    pub local_db_id: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// What appending a message needs.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conv_id: String,
    pub sender: String,
    pub kind: i64,
    pub content: String,
    pub local_db_id: Option<String>,
}

/// Which messages to load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageQuery {
    /// Only seqs above this.
    pub seq_greater: Option<i64>,
    /// Only seqs below this.
    pub seq_smaller: Option<i64>,
    /// At most this many.
    pub limit: i64,
    /// Oldest first when true; newest first otherwise.
    pub ascending: bool,
}

/// A ticket: what a visitor leaves when no agent answered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Ticket {
    pub id: String,
    pub portal_id: String,
    /// The visitor, when the ticket came from a known browser.
    pub visitor_id: Option<String>,
    /// The missed chat it follows, if any.
    pub conv_id: Option<String>,
    pub queue_id: Option<String>,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// What the visitor wrote.
    pub note: String,
    /// Answers to the portal's pre-chat fields, `[{label, value}]` as JSON.
    pub fields: String,
    /// Milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// What storing a ticket needs.
#[derive(Debug, Clone)]
pub struct NewTicket {
    pub portal_id: String,
    pub visitor_id: Option<String>,
    pub conv_id: Option<String>,
    pub queue_id: Option<String>,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub note: String,
    /// Answers to the portal's pre-chat fields, `[{label, value}]` as JSON.
    pub fields: String,
}

/// An uploaded file's record; its bytes live in the data folder under its id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredFile {
    /// `file-…`; also its name on disk.
    pub id: String,
    pub portal_id: String,
    /// Who uploaded it.
    pub uploader: String,
    /// The name it was uploaded with.
    pub name: String,
    /// Its media type, from the allowed list.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub created_at: i64,
}

/// A row of a conversation joined with one of its members (none: a conversation without
/// members still gives one row), as both backends read a conversation and its members in one
/// query.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ConversationMember {
    #[sqlx(flatten)]
    conversation: Conversation,
    member_id: Option<String>,
    member_role: Option<String>,
    member_left: Option<bool>,
    member_delivered: Option<i64>,
    member_read: Option<i64>,
}

impl ConversationMember {
    /// The conversation of the rows and its members, in the rows' order; none without rows.
    pub(crate) fn gather(rows: Vec<Self>) -> Option<(Conversation, Vec<Participant>)> {
        let conversation = rows.first()?.conversation.clone();
        let members = rows
            .into_iter()
            .filter_map(|row| {
                Some(Participant {
                    user_id: row.member_id?,
                    role: row.member_role.unwrap_or_default(),
                    left: row.member_left.unwrap_or(false),
                    last_delivered_seq: row.member_delivered.unwrap_or(0),
                    last_read_seq: row.member_read.unwrap_or(0),
                })
            })
            .collect();
        Some((conversation, members))
    }
}

/// A chat waiting for an agent, with what routing needs to put it back in line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct WaitingChat {
    pub conv_id: String,
    pub queue_id: String,
    pub queue_name: String,
    /// The visitor who started it.
    pub visitor_id: String,
    pub visitor_name: String,
    /// When it started (ms since the epoch): how long it has waited.
    pub created_at: i64,
    pub answer_timeout_ms: i64,
    pub queue_timeout_ms: i64,
}

//! One visitor's data, on request: everything stored of them (their visitor records, chats
//! with every message, tickets, file records) to export, and its erasure. A person is found by
//! email (every visitor of the portal with it, and tickets left with it, case aside) or by one
//! visitor id. Erasure removes messages, notes, tickets, files and the visitor records, and
//! keeps each conversation's row (queue, times, agent, status, rating without its comment,
//! `last_seq` as its message count) for reports.
//!
//! The SQL is written once here with `$n` parameters; the SQLite backend numbers them `?n`.

use async_trait::async_trait;

use super::{AuditNote, Message, PastChat, StoreError, StoredFile, Ticket, Visitor};

/// Who: by `email` (may be empty) or by `visitor_id` (may be empty); not both empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub portal_id: String,
    pub visitor_id: String,
    pub email: String,
}

/// Everything stored of a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisitorData {
    pub visitors: Vec<Visitor>,
    pub chats: Vec<PastChat>,
    /// Every message of their chats, by chat and seq.
    pub messages: Vec<Message>,
    pub tickets: Vec<Ticket>,
    pub files: Vec<StoredFile>,
}

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    pub visitors: u64,
    pub chats: u64,
    pub messages: u64,
    pub tickets: u64,
    /// The ids of the files removed: their bytes are the caller's to delete.
    pub files: Vec<String>,
}

/// Exporting and erasing one person's data.
#[async_trait]
pub trait VisitorDataStore: Send + Sync {
    /// Everything stored of `person`.
    async fn visitor_data(&self, person: &Person) -> Result<VisitorData, StoreError>;

    /// Erases `person`'s data and writes `note` to the audit log, in one transaction.
    async fn erase_visitor(&self, person: &Person, note: &AuditNote) -> Result<Erased, StoreError>;
}

/// The person's visitor ids: $1 portal, $2 visitor id, $3 email.
pub const PERSON: &str = "SELECT user_id FROM visitors WHERE portal_id = $1 AND \
     (user_id = $2 OR ($3 <> '' AND email <> '' AND lower(email) = lower($3)))";

/// The person's visitor records.
pub fn select_visitors() -> String {
    format!(
        "SELECT user_id, portal_id, name, email, phone, avatar_url, details FROM visitors \
         WHERE user_id IN ({PERSON}) ORDER BY user_id"
    )
}

/// The person's chats.
pub fn select_chats() -> String {
    format!(
        "SELECT id, queue_id, status, agent_id, rating, rating_comment, created_at \
         FROM conversations WHERE portal_id = $1 AND creator IN ({PERSON}) ORDER BY created_at, id"
    )
}

/// The ids of the person's chats (for `IN`).
pub fn chat_ids() -> String {
    format!("SELECT id FROM conversations WHERE portal_id = $1 AND creator IN ({PERSON})")
}

/// Every message of the person's chats.
pub fn select_messages() -> String {
    format!(
        "SELECT id, conv_id, seq, sender, type, content, local_db_id, created_at FROM messages \
         WHERE conv_id IN ({}) ORDER BY conv_id, seq",
        chat_ids()
    )
}

/// The condition on `tickets` for the person's.
pub fn tickets_of() -> String {
    format!(
        "portal_id = $1 AND (visitor_id IN ({PERSON}) OR \
         ($3 <> '' AND email <> '' AND lower(email) = lower($3)))"
    )
}

/// The person's tickets.
pub fn select_tickets() -> String {
    format!(
        "SELECT id, portal_id, visitor_id, conv_id, queue_id, name, email, phone, note, fields, \
         created_at FROM tickets WHERE {} ORDER BY created_at, id",
        tickets_of()
    )
}

/// The condition on `files` for the person's: uploaded by them, or sent in their chats.
pub fn files_of() -> String {
    format!(
        "portal_id = $1 AND (uploader IN ({PERSON}) OR id IN \
         (SELECT file_id FROM file_links WHERE conv_id IN ({})))",
        chat_ids()
    )
}

/// The person's file records.
pub fn select_files() -> String {
    format!(
        "SELECT id, portal_id, uploader, name, content_type, size, created_at FROM files \
         WHERE {} ORDER BY created_at, id",
        files_of()
    )
}

/// The erasure's statements, in order, each with $1–$3: the webhook deliveries that told of
/// the person's chats and tickets (pending ones too: their text must go), messages, tickets,
/// files (listed before), notes, the chats' comments, and last the visitor records (which the
/// others find the person by).
pub fn erasure() -> [String; 7] {
    [
        format!(
            "DELETE FROM webhook_deliveries WHERE portal_id = $1 AND (topic IN ({}) OR topic IN \
             (SELECT id FROM tickets WHERE {}))",
            chat_ids(),
            tickets_of()
        ),
        format!("DELETE FROM messages WHERE conv_id IN ({})", chat_ids()),
        format!("DELETE FROM tickets WHERE {}", tickets_of()),
        format!("DELETE FROM files WHERE {}", files_of()),
        format!("DELETE FROM notes WHERE conv_id IN ({})", chat_ids()),
        format!(
            "UPDATE conversations SET rating_comment = NULL, custom_data = '' \
             WHERE portal_id = $1 AND creator IN ({PERSON})"
        ),
        format!("DELETE FROM visitors WHERE user_id IN ({PERSON})"),
    ]
}

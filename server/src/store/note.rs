//! Private notes: what agents write in a conversation for one another, never shown to a visitor.
//! A table of their own, with operations of their own ([`NoteStore`]), so that no query that
//! serves a visitor can return one.

use async_trait::async_trait;

use super::StoreError;

/// A private note of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Note {
    pub id: String,
    pub conv_id: String,
    /// The agent who wrote it.
    pub author: String,
    /// Their name when they wrote it.
    pub author_name: String,
    pub text: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Storing and reading notes.
#[async_trait]
pub trait NoteStore: Send + Sync {
    /// Stores a new note.
    async fn add_note(&self, note: &Note) -> Result<(), StoreError>;

    /// A conversation's notes, oldest first.
    async fn notes(&self, conv_id: &str) -> Result<Vec<Note>, StoreError>;
}

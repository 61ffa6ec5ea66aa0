//! Who is on the site now, for the agents' Visitors list: every visitor of a portal with a chat
//! open (waiting in a queue or with an agent), and where they are.

use async_trait::async_trait;

use super::StoreError;

/// A visitor with an open chat.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenChat {
    pub conv_id: String,
    pub queue_id: Option<String>,
    /// `queued` or `active`.
    pub status: String,
    pub agent_id: Option<String>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
    pub visitor_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// The visitor's profile details as JSON (their page among them), `{}` when unknown.
    pub details: Option<String>,
}

/// Reading who has a chat open.
#[async_trait]
pub trait PresenceStore: Send + Sync {
    /// The open chats of `portal_id` and their visitors, oldest first, at most `limit`.
    async fn open_chats(&self, portal_id: &str, limit: i64) -> Result<Vec<OpenChat>, StoreError>;
}

//! A visitor's history for the agents: the earlier chats and tickets of the same person, found
//! by their email (any browser they used) or, for a visitor who gave none, by their user id.

use async_trait::async_trait;

use super::{StoreError, Ticket};

/// An earlier chat of a visitor, as the agents' history lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PastChat {
    pub id: String,
    pub queue_id: String,
    pub status: String,
    pub agent_id: Option<String>,
    /// 1 good, 0 bad, `None` when not rated.
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Reading a visitor's history.
#[async_trait]
pub trait HistoryStore: Send + Sync {
    /// The chats and tickets of `visitor_id`'s person in `portal_id` (every visitor of the
    /// portal with the same email, case aside), newest first, at most `limit` of each.
    async fn visitor_history(
        &self,
        portal_id: &str,
        visitor_id: &str,
        limit: i64,
    ) -> Result<(Vec<PastChat>, Vec<Ticket>), StoreError>;
}

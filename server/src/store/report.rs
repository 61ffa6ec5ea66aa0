//! What reports are computed from: each chat's recorded moments (created, first accepted and
//! by whom, first agent reply, ended, rated) and counts (messages, transfers), kept by the
//! database as the chat goes (migrations `*_reports.sql`), and the tickets' times. See
//! [`crate::report`] for the figures.
//!
//! The SQL is written once here with `$n` parameters; the SQLite backend numbers them `?n`.

use async_trait::async_trait;

use super::StoreError;

/// One chat, as reports see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChatFacts {
    pub id: String,
    pub queue_id: Option<String>,
    /// The agent who first accepted it.
    pub accepted_by: Option<String>,
    /// `queued`, `active`, `ended`, `missed`.
    pub status: String,
    /// Milliseconds since the epoch, as every time here.
    pub created_at: i64,
    pub accepted_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// 1 good, 0 bad.
    pub rating: Option<i64>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<i64>,
    pub transfers: i64,
    pub messages: i64,
}

/// One ticket, as reports see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TicketFacts {
    pub queue_id: Option<String>,
    pub created_at: i64,
}

/// Reading what reports need.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The chats of `portal_id` created in `[from_ms, to_ms)`, oldest first.
    async fn chat_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<ChatFacts>, StoreError>;

    /// The tickets of `portal_id` created in `[from_ms, to_ms)`, oldest first.
    async fn ticket_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<TicketFacts>, StoreError>;
}

/// The chats: $1 portal, $2 from, $3 to.
pub const CHATS: &str = "SELECT id, queue_id, accepted_by, status, created_at, accepted_at, \
     first_response_at, ended_at, rating, rating_comment, rated_at, transfers, messages \
     FROM conversations WHERE portal_id = $1 AND created_at >= $2 AND created_at < $3 \
     ORDER BY created_at, id";

/// The tickets: $1 portal, $2 from, $3 to.
pub const TICKETS: &str = "SELECT queue_id, created_at FROM tickets \
     WHERE portal_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY created_at, id";

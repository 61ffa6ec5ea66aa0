//! [`ReportStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::report::{
    CHATS, COMMENTS, ChatFacts, FIELD, ROW, RatingComment, ReportStore, TICKETS, TicketFacts,
    unpack_chats, unpack_tickets,
};

/// The shared SQL with this backend's parameters.
fn sql(text: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text.to_string())
}

impl PostgresStore {
    /// One packed query's text.
    async fn packed(
        &self,
        query: &str,
        portal_id: &str,
        from: i64,
        to: i64,
    ) -> Result<String, StoreError> {
        Ok(sqlx::query_scalar(sql(query))
            .bind(portal_id)
            .bind(from)
            .bind(to)
            .bind(FIELD)
            .bind(ROW)
            .fetch_one(&self.pool)
            .await?)
    }
}

#[async_trait]
impl ReportStore for PostgresStore {
    async fn chat_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<ChatFacts>, StoreError> {
        Ok(unpack_chats(
            &self.packed(CHATS, portal_id, from_ms, to_ms).await?,
        ))
    }

    async fn ticket_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<TicketFacts>, StoreError> {
        Ok(unpack_tickets(
            &self.packed(TICKETS, portal_id, from_ms, to_ms).await?,
        ))
    }

    async fn rating_comments(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
        limit: i64,
    ) -> Result<Vec<RatingComment>, StoreError> {
        Ok(sqlx::query_as(sql(COMMENTS))
            .bind(portal_id)
            .bind(from_ms)
            .bind(to_ms)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }
}

//! [`ReportStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::report::{CHATS, ChatFacts, ReportStore, TICKETS, TicketFacts};

/// The shared SQL with this backend's parameters.
fn sql(text: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text.to_string())
}

#[async_trait]
impl ReportStore for PostgresStore {
    async fn chat_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<ChatFacts>, StoreError> {
        Ok(sqlx::query_as(sql(CHATS))
            .bind(portal_id)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn ticket_facts(
        &self,
        portal_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<TicketFacts>, StoreError> {
        Ok(sqlx::query_as(sql(TICKETS))
            .bind(portal_id)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(&self.pool)
            .await?)
    }
}

//! [`HistoryStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::history::{HistoryStore, PastChat};
use crate::store::{StoreError, Ticket};

/// The user ids of `visitor_id`'s person: theirs, and every visitor of the portal with the
/// same (non-empty) email.
const SAME_PERSON: &str = "SELECT v.user_id FROM visitors v WHERE v.portal_id = $1 AND \
     (v.user_id = $2 OR (v.email <> '' AND lower(v.email) = \
     (SELECT lower(email) FROM visitors WHERE user_id = $2 AND portal_id = $1)))";

#[async_trait]
impl HistoryStore for PostgresStore {
    async fn visitor_history(
        &self,
        portal_id: &str,
        visitor_id: &str,
        limit: i64,
    ) -> Result<(Vec<PastChat>, Vec<Ticket>), StoreError> {
        let chats = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, queue_id, status, agent_id, rating, rating_comment, created_at \
             FROM conversations WHERE portal_id = $1 AND creator IN ({SAME_PERSON}) \
             ORDER BY created_at DESC, id LIMIT $3"
        )))
        .bind(portal_id)
        .bind(visitor_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        let tickets = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT id, portal_id, visitor_id, conv_id, queue_id, name, email, phone, note, \
             fields, created_at FROM tickets WHERE portal_id = $1 AND \
             (visitor_id IN ({SAME_PERSON}) OR (email <> '' AND lower(email) = \
             (SELECT lower(email) FROM visitors WHERE user_id = $2 AND portal_id = $1))) \
             ORDER BY created_at DESC, id LIMIT $3"
        )))
        .bind(portal_id)
        .bind(visitor_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok((chats, tickets))
    }
}

//! [`PresenceStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::presence::{OpenChat, PresenceStore};

#[async_trait]
impl PresenceStore for PostgresStore {
    async fn open_chats(&self, portal_id: &str, limit: i64) -> Result<Vec<OpenChat>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id AS conv_id, c.queue_id, c.status, c.agent_id, c.created_at, \
             c.creator AS visitor_id, v.name, v.email, v.details FROM conversations c \
             LEFT JOIN visitors v ON v.user_id = c.creator \
             WHERE c.portal_id = $1 AND c.status IN ('queued', 'active') \
             ORDER BY c.created_at, c.id LIMIT $2",
        )
        .bind(portal_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

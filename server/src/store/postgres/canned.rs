//! [`CannedStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::canned::{Canned, CannedStore};

#[async_trait]
impl CannedStore for PostgresStore {
    async fn canned_for(&self, portal_id: &str, agent_id: &str) -> Result<Vec<Canned>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, portal_id, owner, shortcut, text, created_at FROM canned_responses \
             WHERE portal_id = $1 AND (owner IS NULL OR owner = $2) ORDER BY shortcut, id",
        )
        .bind(portal_id)
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn canned(&self, portal_id: &str, id: &str) -> Result<Option<Canned>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, portal_id, owner, shortcut, text, created_at FROM canned_responses \
             WHERE portal_id = $1 AND id = $2",
        )
        .bind(portal_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn save_canned(&self, canned: &Canned) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO canned_responses (id, portal_id, owner, shortcut, text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, text = excluded.text",
        )
        .bind(&canned.id)
        .bind(&canned.portal_id)
        .bind(&canned.owner)
        .bind(&canned.shortcut)
        .bind(&canned.text)
        .bind(canned.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_canned(&self, portal_id: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM canned_responses WHERE portal_id = $1 AND id = $2")
            .bind(portal_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

//! [`LabelStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::label::{Label, LabelStore};

#[async_trait]
impl LabelStore for PostgresStore {
    async fn labels(&self, portal_id: &str) -> Result<Vec<Label>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, portal_id, name, color, created_at FROM labels WHERE portal_id = $1 \
             ORDER BY name, id",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn save_label(&self, label: &Label) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO labels (id, portal_id, name, color, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, color = excluded.color",
        )
        .bind(&label.id)
        .bind(&label.portal_id)
        .bind(&label.name)
        .bind(&label.color)
        .bind(label.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn delete_label(&self, portal_id: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM labels WHERE portal_id = $1 AND id = $2")
            .bind(portal_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn conversation_labels(&self, conv_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT l.id FROM conversation_labels c JOIN labels l ON l.id = c.label_id \
             WHERE c.conv_id = $1 ORDER BY l.name, l.id",
        )
        .bind(conv_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn set_conversation_labels(
        &self,
        conv_id: &str,
        label_ids: &[String],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM conversation_labels WHERE conv_id = $1")
            .bind(conv_id)
            .execute(&mut *tx)
            .await?;
        for id in label_ids {
            sqlx::query(
                "INSERT INTO conversation_labels (conv_id, label_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(conv_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

//! [`FileStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::{FileStore, StoreError, StoredFile};

#[async_trait]
impl FileStore for PostgresStore {
    async fn create_file(&self, file: &StoredFile) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO files (id, portal_id, uploader, name, content_type, size, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&file.id)
        .bind(&file.portal_id)
        .bind(&file.uploader)
        .bind(&file.name)
        .bind(&file.content_type)
        .bind(file.size)
        .bind(file.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn file(&self, id: &str) -> Result<Option<StoredFile>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, portal_id, uploader, name, content_type, size, created_at FROM files \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn link_file(&self, file_id: &str, conv_id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO file_links (file_id, conv_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(file_id)
        .bind(conv_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn file_readable_by(&self, file_id: &str, user_id: &str) -> Result<bool, StoreError> {
        let readable: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM files WHERE id = $1 AND uploader = $2) \
             OR EXISTS (SELECT 1 FROM file_links l JOIN participants p ON p.conv_id = l.conv_id \
                        WHERE l.file_id = $1 AND p.user_id = $2)",
        )
        .bind(file_id)
        .bind(user_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(readable)
    }
}

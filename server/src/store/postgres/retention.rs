//! [`RetentionStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::retention::{RetentionStore, deletions, select_files};

#[async_trait]
impl RetentionStore for PostgresStore {
    async fn delete_chats_before(
        &self,
        portal_id: &str,
        before_ms: i64,
    ) -> Result<(u64, Vec<String>), StoreError> {
        let sql = |text: String| sqlx::AssertSqlSafe(text);
        let mut tx = self.pool.begin().await?;
        let files: Vec<String> = sqlx::query_scalar(sql(select_files()))
            .bind(portal_id)
            .bind(before_ms)
            .fetch_all(&mut *tx)
            .await?;
        let mut deleted = 0;
        for statement in deletions() {
            deleted = sqlx::query(sql(statement))
                .bind(portal_id)
                .bind(before_ms)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok((deleted, files))
    }
}

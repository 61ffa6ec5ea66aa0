//! [`VisitorStore`] on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::hours::now_ms;
use crate::store::{StoreError, Visitor, VisitorStore};

#[async_trait]
impl VisitorStore for SqliteStore {
    async fn ensure_visitor(&self, visitor: &Visitor) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO visitors (user_id, portal_id, name, email, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(&visitor.user_id)
        .bind(&visitor.portal_id)
        .bind(&visitor.name)
        .bind(&visitor.email)
        .bind(now)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn upsert_visitor(&self, visitor: &Visitor) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO visitors (user_id, portal_id, name, email, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, email = excluded.email, \
             updated_at = excluded.updated_at",
        )
        .bind(&visitor.user_id)
        .bind(&visitor.portal_id)
        .bind(&visitor.name)
        .bind(&visitor.email)
        .bind(now)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn update_visitor(&self, visitor: &Visitor) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE visitors SET name = ?, email = ?, phone = ?, avatar_url = ?, details = ?, \
             updated_at = ? WHERE user_id = ?",
        )
        .bind(&visitor.name)
        .bind(&visitor.email)
        .bind(&visitor.phone)
        .bind(&visitor.avatar_url)
        .bind(&visitor.details)
        .bind(now_ms())
        .bind(&visitor.user_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn visitor(&self, user_id: &str) -> Result<Option<Visitor>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT user_id, portal_id, name, email, phone, avatar_url, details FROM visitors \
             WHERE user_id = ?",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }
}

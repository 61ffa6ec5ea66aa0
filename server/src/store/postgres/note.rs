//! [`NoteStore`] on PostgreSQL.

use async_trait::async_trait;

use super::PostgresStore;
use crate::store::StoreError;
use crate::store::note::{Note, NoteStore};

#[async_trait]
impl NoteStore for PostgresStore {
    async fn add_note(&self, note: &Note) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO notes (id, conv_id, author, author_name, text, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&note.id)
        .bind(&note.conv_id)
        .bind(&note.author)
        .bind(&note.author_name)
        .bind(&note.text)
        .bind(note.created_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn notes(&self, conv_id: &str) -> Result<Vec<Note>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, conv_id, author, author_name, text, created_at FROM notes \
             WHERE conv_id = $1 ORDER BY created_at, id",
        )
        .bind(conv_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

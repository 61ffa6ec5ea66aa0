//! [`NoteStore`] on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::store::StoreError;
use crate::store::note::{Note, NoteStore};

#[async_trait]
impl NoteStore for SqliteStore {
    async fn add_note(&self, note: &Note) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO notes (id, conv_id, author, author_name, text, created_at) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&note.id)
        .bind(&note.conv_id)
        .bind(&note.author)
        .bind(&note.author_name)
        .bind(&note.text)
        .bind(note.created_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn notes(&self, conv_id: &str) -> Result<Vec<Note>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, conv_id, author, author_name, text, created_at FROM notes \
             WHERE conv_id = ? ORDER BY created_at, id",
        )
        .bind(conv_id)
        .fetch_all(&self.pool)
        .await?)
    }
}

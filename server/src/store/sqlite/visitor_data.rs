//! [`VisitorDataStore`] on SQLite. Deleted rows leave no text behind: the database runs with
//! `secure_delete` (freed pages are zeroed), and an erasure ends with a checkpoint that
//! empties the write-ahead log.

use async_trait::async_trait;

use super::SqliteStore;
use crate::store::visitor_data::{
    Erased, Person, VisitorData, VisitorDataStore, erasure, select_chats, select_files,
    select_messages, select_tickets, select_visitors,
};
use crate::store::{AuditNote, StoreError};

/// The shared SQL with SQLite's numbered parameters.
fn sql(text: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text.replace('$', "?"))
}

#[async_trait]
impl VisitorDataStore for SqliteStore {
    async fn visitor_data(&self, p: &Person) -> Result<VisitorData, StoreError> {
        macro_rules! all {
            ($text:expr) => {
                sqlx::query_as(sql($text))
                    .bind(&p.portal_id)
                    .bind(&p.visitor_id)
                    .bind(&p.email)
                    .fetch_all(&self.pool)
                    .await?
            };
        }
        Ok(VisitorData {
            visitors: all!(select_visitors()),
            chats: all!(select_chats()),
            messages: all!(select_messages()),
            tickets: all!(select_tickets()),
            files: all!(select_files()),
        })
    }

    async fn erase_visitor(&self, p: &Person, note: &AuditNote) -> Result<Erased, StoreError> {
        let mut tx = self.writer.begin().await?;
        let chats: Vec<crate::store::PastChat> = sqlx::query_as(sql(select_chats()))
            .bind(&p.portal_id)
            .bind(&p.visitor_id)
            .bind(&p.email)
            .fetch_all(&mut *tx)
            .await?;
        let files: Vec<crate::store::StoredFile> = sqlx::query_as(sql(select_files()))
            .bind(&p.portal_id)
            .bind(&p.visitor_id)
            .bind(&p.email)
            .fetch_all(&mut *tx)
            .await?;
        let mut removed = Vec::new();
        for statement in erasure() {
            let done = sqlx::query(sql(statement))
                .bind(&p.portal_id)
                .bind(&p.visitor_id)
                .bind(&p.email)
                .execute(&mut *tx)
                .await?;
            removed.push(done.rows_affected());
        }
        super::admin::write_note(&mut tx, &p.portal_id, note).await?;
        tx.commit().await?;
        // What the deleted rows held must not linger in the log either.
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.writer)
            .await?;
        Ok(Erased {
            visitors: removed[6],
            chats: chats.len() as u64,
            messages: removed[1],
            tickets: removed[2],
            files: files.into_iter().map(|f| f.id).collect(),
        })
    }
}

//! Retention: a portal's finished chats (ended or missed) older than its `retention_days` are
//! deleted with everything of theirs: messages, notes, labels, members, the tickets left from
//! them and the files sent only in them. The SQL is written once with `$n` parameters; the
//! SQLite backend numbers them `?n`.

use async_trait::async_trait;

use super::StoreError;

/// Deleting old chats.
#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Deletes the finished chats of `portal_id` created before `before_ms`; answers how many,
    /// and the ids of the files removed with them (their bytes are the caller's to delete).
    async fn delete_chats_before(
        &self,
        portal_id: &str,
        before_ms: i64,
    ) -> Result<(u64, Vec<String>), StoreError>;
}

/// The chats to delete: $1 portal, $2 the cutoff.
pub const OLD: &str = "SELECT id FROM conversations WHERE portal_id = $1 AND created_at < $2 \
     AND status IN ('ended', 'missed')";

/// The files sent in old chats only.
pub fn select_files() -> String {
    format!(
        "SELECT DISTINCT file_id FROM file_links WHERE conv_id IN ({OLD}) AND file_id NOT IN \
         (SELECT file_id FROM file_links WHERE conv_id NOT IN ({OLD}))"
    )
}

/// The deletions, in order: those files, the webhook deliveries that told of the old chats
/// (and of their tickets), the old chats' tickets, the chats (their messages, notes, labels
/// and members go with them).
pub fn deletions() -> [String; 4] {
    [
        format!("DELETE FROM files WHERE id IN ({})", select_files()),
        format!("DELETE FROM webhook_deliveries WHERE portal_id = $1 AND topic IN ({OLD})"),
        format!("DELETE FROM tickets WHERE conv_id IN ({OLD})"),
        format!("DELETE FROM conversations WHERE id IN ({OLD})"),
    ]
}

/// Implements [`RetentionStore`] for a backend, from the SQL above: `$store` (its full path),
/// the pool it writes with, and how `$n` parameters are written for it. Both backends are this
/// one text.
macro_rules! retention_store {
    ($store:path, $write:ident, $number:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::retention::RetentionStore for $store {
            async fn delete_chats_before(
                &self,
                portal_id: &str,
                before_ms: i64,
            ) -> Result<(u64, Vec<String>), $crate::store::StoreError> {
                let number: fn(&str) -> String = $number;
                let sql = |text: String| sqlx::AssertSqlSafe(number(&text));
                let mut tx = self.$write.begin().await?;
                let files: Vec<String> =
                    sqlx::query_scalar(sql($crate::store::retention::select_files()))
                        .bind(portal_id)
                        .bind(before_ms)
                        .fetch_all(&mut *tx)
                        .await?;
                let mut deleted = 0;
                for statement in $crate::store::retention::deletions() {
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
    };
}
pub(crate) use retention_store;

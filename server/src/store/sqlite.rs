//! The embedded default backend: one SQLite file in the data folder.

use std::path::Path;
use std::str::FromStr;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::chat::ConversationMember;
use super::{
    Conversation, Message, MessageQuery, NewConversation, NewMessage, Participant, Status, Store,
    StoreError, WaitingChat,
};
use crate::hours::now_ms;

/// Migrations embedded in the binary; applied on open, never edited once released.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite backend.
///
/// Reads share a pool; every write goes through `writer`, a pool of one connection. SQLite
/// lets one writer in at a time anyway: with several connections, a second writer gets
/// `SQLITE_BUSY` and sleeps in its busy handler (1, 2, 5, 10… ms), which under load made
/// messages wait for seconds. Queued on one connection, writers take turns at once.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    writer: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            // WAL lets readers proceed while a writer commits; NORMAL is durable across a
            // process crash in WAL mode, which is what "stored before the reply" needs.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            // Deleted rows' bytes are zeroed, not left in free pages (a visitor's erasure).
            .pragma("secure_delete", "on")
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self { pool, writer })
    }

    /// Closes the pool, waiting for connections to finish (used at shutdown).
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// Writes a consistent copy of the database to `target` (`VACUUM INTO`), while the server
    /// goes on serving: the copy is of one moment, compacted, and opens as any Parlor database.
    /// Refuses a `target` that exists.
    pub async fn backup_to(&self, target: &Path) -> Result<(), StoreError> {
        sqlx::query("VACUUM INTO ?")
            .bind(target.to_string_lossy().into_owned())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The readers' pool, for `parlor migrate`, which copies rows table by table.
    pub fn reader(&self) -> &SqlitePool {
        &self.pool
    }
}

/// Makes `agent_id` a member of the conversation (again, if they had left it).
async fn add_agent_member(
    connection: &mut sqlx::SqliteConnection,
    conv_id: &str,
    agent_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO participants (conv_id, user_id, role, joined_at) VALUES (?, ?, 'agent', ?) \
         ON CONFLICT (conv_id, user_id) DO UPDATE SET left_at = NULL",
    )
    .bind(conv_id)
    .bind(agent_id)
    .bind(now)
    .execute(connection)
    .await?;
    Ok(())
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_conversation(
        &self,
        new: &NewConversation,
    ) -> Result<(Conversation, bool), StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO conversations (id, portal_id, queue_id, name, creator, create_local_id, \
             status, custom_data, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?) \
             ON CONFLICT (creator, create_local_id) DO NOTHING",
        )
        .bind(&new.id)
        .bind(&new.portal_id)
        .bind(&new.queue_id)
        .bind(&new.queue_id)
        .bind(&new.creator)
        .bind(&new.create_local_id)
        .bind(&new.custom_data)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let conversation: Conversation = if inserted {
            sqlx::query(
                "INSERT INTO participants (conv_id, user_id, role, joined_at) VALUES (?, ?, 'visitor', ?)",
            )
            .bind(&new.id)
            .bind(&new.creator)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // As in Stringee, a conversation opens with a "created" message (type 7, seq 1),
            // which clients read as its last message until someone writes. The trigger of
            // migration 0005 sets the conversation's last_seq to 1.
            sqlx::query(
                "INSERT INTO messages (id, conv_id, seq, sender, type, content, local_db_id, created_at) \
                 VALUES (?, ?, 1, ?, 7, '{}', ?, ?)",
            )
            .bind(format!("msg-{}", crate::ids::random_hex(12)))
            .bind(&new.id)
            .bind(&new.creator)
            .bind(&new.create_local_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query_as(select_conversation!("WHERE id = ?"))
                .bind(&new.id)
                .fetch_one(&mut *tx)
                .await?
        } else {
            sqlx::query_as(select_conversation!(
                "WHERE creator = ? AND create_local_id = ?"
            ))
            .bind(&new.creator)
            .bind(&new.create_local_id)
            .fetch_one(&mut *tx)
            .await?
        };
        tx.commit().await?;
        Ok((conversation, inserted))
    }

    async fn conversation(&self, id: &str) -> Result<Option<Conversation>, StoreError> {
        Ok(sqlx::query_as(select_conversation!("WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn conversation_and_participants(
        &self,
        id: &str,
    ) -> Result<Option<(Conversation, Vec<Participant>)>, StoreError> {
        // One query, one round trip: the conversation's columns on every member's row.
        let rows: Vec<ConversationMember> = sqlx::query_as(
            "SELECT c.id, c.portal_id, c.queue_id, c.name, c.creator, c.channel_type, c.status, \
             c.agent_id, c.custom_data, c.last_seq, c.created_at, c.updated_at, c.ended_by, \
             p.user_id AS member_id, p.role AS member_role, \
             p.left_at IS NOT NULL AS member_left, \
             p.last_delivered_seq AS member_delivered, p.last_read_seq AS member_read \
             FROM conversations c LEFT JOIN participants p ON p.conv_id = c.id \
             WHERE c.id = ? ORDER BY p.joined_at, p.role = 'agent', p.user_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(ConversationMember::gather(rows))
    }

    async fn conversations_of(
        &self,
        user_id: &str,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError> {
        Ok(sqlx::query_as(select_conversation!(
            "WHERE id IN (SELECT conv_id FROM participants WHERE user_id = ?) \
             ORDER BY updated_at DESC, id LIMIT ?"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn participants(&self, conv_id: &str) -> Result<Vec<Participant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT user_id, role, left_at IS NOT NULL AS \"left\", last_delivered_seq, \
             last_read_seq FROM participants WHERE conv_id = ? ORDER BY joined_at, role = 'agent', user_id",
        )
        .bind(conv_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn assign_agent(&self, conv_id: &str, agent_id: &str) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "UPDATE conversations SET agent_id = ?, status = 'active', updated_at = ? WHERE id = ?",
        )
        .bind(agent_id)
        .bind(now)
        .bind(conv_id)
        .execute(&mut *tx)
        .await?;
        add_agent_member(&mut tx, conv_id, agent_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn finish_conversation(
        &self,
        conv_id: &str,
        status: Status,
        ended_by: &str,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let changed = sqlx::query(
            "UPDATE conversations SET status = ?, ended_by = ?, ended_at = ?, updated_at = ? \
             WHERE id = ? AND status IN ('queued', 'active')",
        )
        .bind(status.as_str())
        .bind(ended_by)
        .bind(now)
        .bind(now)
        .bind(conv_id)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn append_message(&self, new: &NewMessage) -> Result<(Message, bool), StoreError> {
        let now = now_ms();
        let mut message = Message {
            id: format!("msg-{}", crate::ids::random_hex(12)),
            conv_id: new.conv_id.clone(),
            seq: 0,
            sender: new.sender.clone(),
            kind: new.kind,
            content: new.content.clone(),
            local_db_id: new.local_db_id.clone(),
            created_at: now,
        };
        // One statement, so one round trip to the database thread: the next seq comes from
        // the conversation, the trigger of migration 0005 records it there, and a resent
        // message (same sender, same localDbId) inserts nothing.
        let seq: Option<i64> = sqlx::query_scalar(
            "INSERT INTO messages (id, conv_id, seq, sender, type, content, local_db_id, created_at) \
             SELECT ?, id, last_seq + 1, ?, ?, ?, ?, ? FROM conversations WHERE id = ? \
             ON CONFLICT (conv_id, sender, local_db_id) DO NOTHING RETURNING seq",
        )
        .bind(&message.id)
        .bind(&message.sender)
        .bind(message.kind)
        .bind(&message.content)
        .bind(&message.local_db_id)
        .bind(message.created_at)
        .bind(&message.conv_id)
        .fetch_optional(&self.writer)
        .await?;
        if let Some(seq) = seq {
            message.seq = seq;
            return Ok((message, true));
        }
        // Nothing inserted: the resent message is the stored one, or there is no such chat.
        let existing = sqlx::query_as(
            "SELECT id, conv_id, seq, sender, type, content, local_db_id, created_at FROM messages \
             WHERE conv_id = ? AND sender = ? AND local_db_id = ?",
        )
        .bind(&new.conv_id)
        .bind(&new.sender)
        .bind(&new.local_db_id)
        .fetch_optional(&self.writer)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
        Ok((existing, false))
    }

    async fn messages(
        &self,
        conv_id: &str,
        query: MessageQuery,
    ) -> Result<Vec<Message>, StoreError> {
        let sql = if query.ascending {
            "SELECT id, conv_id, seq, sender, type, content, local_db_id, created_at FROM messages \
             WHERE conv_id = ? AND seq > ? AND seq < ? ORDER BY seq ASC LIMIT ?"
        } else {
            "SELECT id, conv_id, seq, sender, type, content, local_db_id, created_at FROM messages \
             WHERE conv_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?"
        };
        Ok(sqlx::query_as(sql)
            .bind(conv_id)
            .bind(query.seq_greater.unwrap_or(0))
            .bind(query.seq_smaller.unwrap_or(i64::MAX))
            .bind(query.limit)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn report(
        &self,
        conv_id: &str,
        user_id: &str,
        seq: i64,
        read: bool,
    ) -> Result<(), StoreError> {
        // Read implies delivered; neither mark ever moves backwards.
        let sql = if read {
            "UPDATE participants SET last_read_seq = MAX(last_read_seq, ?1), \
             last_delivered_seq = MAX(last_delivered_seq, ?1) WHERE conv_id = ?2 AND user_id = ?3"
        } else {
            "UPDATE participants SET last_delivered_seq = MAX(last_delivered_seq, ?1) \
             WHERE conv_id = ?2 AND user_id = ?3"
        };
        sqlx::query(sql)
            .bind(seq)
            .bind(conv_id)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn rate_conversation(
        &self,
        conv_id: &str,
        rating: i64,
        comment: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE conversations SET rating = ?, rating_comment = ?, rated_at = ? WHERE id = ?",
        )
        .bind(rating)
        .bind(comment)
        .bind(now_ms())
        .bind(conv_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn transfer_conversation(
        &self,
        conv_id: &str,
        from: &str,
        to: &str,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.writer.begin().await?;
        sqlx::query("UPDATE participants SET left_at = ? WHERE conv_id = ? AND user_id = ?")
            .bind(now)
            .bind(conv_id)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE conversations SET agent_id = ?, updated_at = ? WHERE id = ?")
            .bind(to)
            .bind(now)
            .bind(conv_id)
            .execute(&mut *tx)
            .await?;
        add_agent_member(&mut tx, conv_id, to, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn join_conversation(&self, conv_id: &str, user_id: &str) -> Result<(), StoreError> {
        let mut connection = self.writer.acquire().await?;
        add_agent_member(&mut connection, conv_id, user_id, now_ms()).await?;
        Ok(())
    }

    async fn reopen_conversation(&self, conv_id: &str) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE conversations SET status = 'active', ended_by = NULL, ended_at = NULL, \
             updated_at = ? WHERE id = ? AND status = 'ended'",
        )
        .bind(now_ms())
        .bind(conv_id)
        .execute(&self.writer)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn active_chats_of(&self, agent_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM conversations WHERE agent_id = ? AND status = 'active'",
        )
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn miss_waiting_chats(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        Ok(sqlx::query(
            "UPDATE conversations SET status = 'missed', ended_by = 'system', ended_at = ?, \
             updated_at = ? WHERE status = 'queued'",
        )
        .bind(now)
        .bind(now)
        .execute(&self.writer)
        .await?
        .rows_affected())
    }

    async fn waiting_chats(&self) -> Result<Vec<WaitingChat>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT c.id AS conv_id, q.id AS queue_id, q.name AS queue_name, \
             c.creator AS visitor_id, COALESCE(v.name, '') AS visitor_name, c.created_at, \
             q.answer_timeout_ms, q.queue_timeout_ms \
             FROM conversations c JOIN queues q ON q.id = c.queue_id \
             LEFT JOIN visitors v ON v.user_id = c.creator \
             WHERE c.status = 'queued' ORDER BY c.created_at, c.id",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    async fn last_missed_conversation(
        &self,
        visitor_id: &str,
    ) -> Result<Option<Conversation>, StoreError> {
        Ok(sqlx::query_as(select_conversation!(
            "WHERE creator = ? AND status = 'missed' ORDER BY created_at DESC LIMIT 1"
        ))
        .bind(visitor_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn missed_conversations(
        &self,
        portal_id: &str,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError> {
        Ok(sqlx::query_as(select_conversation!(
            "WHERE portal_id = ? AND status = 'missed' ORDER BY created_at DESC, id LIMIT ?"
        ))
        .bind(portal_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn close(&self) {
        SqliteStore::close(self).await;
    }
}

mod admin;
mod canned;
mod file;
mod history;
mod label;
mod note;
mod portal;
mod presence;
mod report;
mod retention;
mod search;
mod ticket;
mod visitor;
mod visitor_data;
mod webhook;

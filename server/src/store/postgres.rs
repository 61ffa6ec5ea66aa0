//! The backend for several nodes: one PostgreSQL database that every node shares.
//!
//! The SQL is the SQLite backend's, in PostgreSQL's dialect (`$n` parameters, `GREATEST`,
//! booleans), with one difference that matters: several nodes write at once, so a message's
//! seq is taken under its conversation's row lock (see [`PostgresStore::append_message`]).

use async_trait::async_trait;
use sqlx::postgres::{PgPool, PgPoolOptions};

use super::chat::ConversationMember;
use super::{
    Conversation, Message, MessageQuery, NewConversation, NewMessage, Participant, Status, Store,
    StoreError, WaitingChat,
};
use crate::hours::now_ms;

/// Migrations embedded in the binary; applied on open, never edited once released.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL backend: one pool of connections, shared by reads and writes.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database at `url` (`postgres://user@host:5432/name`) and applies
    /// pending migrations. Several nodes may open the same database at once: sqlx takes an
    /// advisory lock around migrating.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(5))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes the pool, waiting for connections to finish (used at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The pool, for `parlor migrate`, which copies rows table by table.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// Makes `agent_id` a member of the conversation (again, if they had left it).
async fn add_agent_member(
    connection: &mut sqlx::PgConnection,
    conv_id: &str,
    agent_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO participants (conv_id, user_id, role, joined_at) VALUES ($1, $2, 'agent', $3) \
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
impl Store for PostgresStore {
    async fn create_conversation(
        &self,
        new: &NewConversation,
    ) -> Result<(Conversation, bool), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO conversations (id, portal_id, queue_id, name, creator, create_local_id, \
             status, custom_data, last_seq, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, 1, $8, $9) \
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
                "INSERT INTO participants (conv_id, user_id, role, joined_at) VALUES ($1, $2, 'visitor', $3)",
            )
            .bind(&new.id)
            .bind(&new.creator)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // As in Stringee, a conversation opens with a "created" message (type 7, seq 1),
            // which clients read as its last message until someone writes; the conversation
            // was inserted with last_seq 1.
            sqlx::query(
                "INSERT INTO messages (id, conv_id, seq, sender, type, content, local_db_id, created_at) \
                 VALUES ($1, $2, 1, $3, 7, '{}', $4, $5)",
            )
            .bind(format!("msg-{}", crate::ids::random_hex(12)))
            .bind(&new.id)
            .bind(&new.creator)
            .bind(&new.create_local_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query_as(select_conversation!("WHERE id = $1"))
                .bind(&new.id)
                .fetch_one(&mut *tx)
                .await?
        } else {
            sqlx::query_as(select_conversation!(
                "WHERE creator = $1 AND create_local_id = $2"
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
        Ok(sqlx::query_as(select_conversation!("WHERE id = $1"))
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
             WHERE c.id = $1 ORDER BY p.joined_at, p.role = 'agent', p.user_id",
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
            "WHERE id IN (SELECT conv_id FROM participants WHERE user_id = $1) \
             ORDER BY updated_at DESC, id LIMIT $2"
        ))
        .bind(user_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn participants(&self, conv_id: &str) -> Result<Vec<Participant>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT user_id, role, left_at IS NOT NULL AS \"left\", last_delivered_seq, \
             last_read_seq FROM participants WHERE conv_id = $1 ORDER BY joined_at, role = 'agent', user_id",
        )
        .bind(conv_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn assign_agent(&self, conv_id: &str, agent_id: &str) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE conversations SET agent_id = $1, status = 'active', updated_at = $2 WHERE id = $3",
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
            "UPDATE conversations SET status = $1, ended_by = $2, ended_at = $3, updated_at = $4 \
             WHERE id = $5 AND status IN ('queued', 'active')",
        )
        .bind(status.as_str())
        .bind(ended_by)
        .bind(now)
        .bind(now)
        .bind(conv_id)
        .execute(&self.pool)
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
        // The next seq is taken under the conversation's row lock, so concurrent writers (on
        // any node) queue for it and never take the same one. A resent message (same sender,
        // same localDbId) inserts nothing, and its transaction is rolled back, so that it does
        // not use up a seq either.
        let mut tx = self.pool.begin().await?;
        let seq: Option<i64> = sqlx::query_scalar(
            "UPDATE conversations SET last_seq = last_seq + 1, \
             updated_at = GREATEST(updated_at, $1) WHERE id = $2 RETURNING last_seq",
        )
        .bind(message.created_at)
        .bind(&message.conv_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(seq) = seq else {
            return Err(sqlx::Error::RowNotFound.into());
        };
        let inserted = sqlx::query(
            "INSERT INTO messages (id, conv_id, seq, sender, type, content, local_db_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (conv_id, sender, local_db_id) DO NOTHING",
        )
        .bind(&message.id)
        .bind(&message.conv_id)
        .bind(seq)
        .bind(&message.sender)
        .bind(message.kind)
        .bind(&message.content)
        .bind(&message.local_db_id)
        .bind(message.created_at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            tx.commit().await?;
            message.seq = seq;
            return Ok((message, true));
        }
        tx.rollback().await?;
        // Nothing inserted: the resent message is the stored one.
        let existing = sqlx::query_as(
            "SELECT id, conv_id, seq, sender, type, content, local_db_id, created_at FROM messages \
             WHERE conv_id = $1 AND sender = $2 AND local_db_id = $3",
        )
        .bind(&new.conv_id)
        .bind(&new.sender)
        .bind(&new.local_db_id)
        .fetch_optional(&self.pool)
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
             WHERE conv_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq ASC LIMIT $4"
        } else {
            "SELECT id, conv_id, seq, sender, type, content, local_db_id, created_at FROM messages \
             WHERE conv_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
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
            "UPDATE participants SET last_read_seq = GREATEST(last_read_seq, $1), \
             last_delivered_seq = GREATEST(last_delivered_seq, $1) \
             WHERE conv_id = $2 AND user_id = $3"
        } else {
            "UPDATE participants SET last_delivered_seq = GREATEST(last_delivered_seq, $1) \
             WHERE conv_id = $2 AND user_id = $3"
        };
        sqlx::query(sql)
            .bind(seq)
            .bind(conv_id)
            .bind(user_id)
            .execute(&self.pool)
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
            "UPDATE conversations SET rating = $1, rating_comment = $2, rated_at = $3 \
             WHERE id = $4",
        )
        .bind(rating)
        .bind(comment)
        .bind(now_ms())
        .bind(conv_id)
        .execute(&self.pool)
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
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE participants SET left_at = $1 WHERE conv_id = $2 AND user_id = $3")
            .bind(now)
            .bind(conv_id)
            .bind(from)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE conversations SET agent_id = $1, updated_at = $2 WHERE id = $3")
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
        let mut connection = self.pool.acquire().await?;
        add_agent_member(&mut connection, conv_id, user_id, now_ms()).await?;
        Ok(())
    }

    async fn reopen_conversation(&self, conv_id: &str) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "UPDATE conversations SET status = 'active', ended_by = NULL, ended_at = NULL, \
             updated_at = $1 WHERE id = $2 AND status = 'ended'",
        )
        .bind(now_ms())
        .bind(conv_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn active_chats_of(&self, agent_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT id FROM conversations WHERE agent_id = $1 AND status = 'active'",
        )
        .bind(agent_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn miss_waiting_chats(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        Ok(sqlx::query(
            "UPDATE conversations SET status = 'missed', ended_by = 'system', ended_at = $1, \
             updated_at = $2 WHERE status = 'queued'",
        )
        .bind(now)
        .bind(now)
        .execute(&self.pool)
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
            "WHERE creator = $1 AND status = 'missed' ORDER BY created_at DESC LIMIT 1"
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
            "WHERE portal_id = $1 AND status = 'missed' ORDER BY created_at DESC, id LIMIT $2"
        ))
        .bind(portal_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn close(&self) {
        PostgresStore::close(self).await;
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

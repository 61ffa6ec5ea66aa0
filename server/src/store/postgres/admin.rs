//! [`AdminStore`] on PostgreSQL.

use async_trait::async_trait;
use sqlx::PgConnection;

use super::PostgresStore;
use crate::hours::now_ms;
use crate::store::admin::ChangeError;
use crate::store::{
    AdminStore, Agent, ApiKey, ApiKeyInfo, AuditEntry, AuditNote, NewAgent, Portal, QueueDetails,
    StoreError,
};

/// Writes `note` on the transaction's connection.
pub(super) async fn write_note(
    connection: &mut PgConnection,
    portal_id: &str,
    note: &AuditNote,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (portal_id, actor, action, target, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(portal_id)
    .bind(&note.actor)
    .bind(&note.action)
    .bind(&note.target)
    .bind(&note.detail)
    .bind(now_ms())
    .execute(connection)
    .await?;
    Ok(())
}

/// Serves `queue_id` by `user_id`, when both are the portal's; `NotFound` otherwise.
async fn link(
    connection: &mut PgConnection,
    portal_id: &str,
    queue_id: &str,
    user_id: &str,
) -> Result<(), ChangeError> {
    let added = sqlx::query(
        "INSERT INTO queue_agents (queue_id, user_id) \
         SELECT q.id, a.user_id FROM queues q, agents a \
         WHERE q.id = $1 AND a.user_id = $2 AND q.portal_id = $3 AND a.portal_id = $4",
    )
    .bind(queue_id)
    .bind(user_id)
    .bind(portal_id)
    .bind(portal_id)
    .execute(&mut *connection)
    .await?;
    found(added.rows_affected())
}

/// Replaces the members of a queue; refuses user ids that are not agents of the portal.
async fn set_members(
    connection: &mut PgConnection,
    portal_id: &str,
    queue_id: &str,
    members: &[String],
) -> Result<(), ChangeError> {
    sqlx::query("DELETE FROM queue_agents WHERE queue_id = $1")
        .bind(queue_id)
        .execute(&mut *connection)
        .await?;
    for user_id in members {
        link(connection, portal_id, queue_id, user_id).await?;
    }
    Ok(())
}

/// Replaces the queues an agent serves; refuses queue ids that are not the portal's.
async fn set_queues(
    connection: &mut PgConnection,
    portal_id: &str,
    user_id: &str,
    queues: &[String],
) -> Result<(), ChangeError> {
    sqlx::query("DELETE FROM queue_agents WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *connection)
        .await?;
    for queue_id in queues {
        link(connection, portal_id, queue_id, user_id).await?;
    }
    Ok(())
}

fn found(rows: u64) -> Result<(), ChangeError> {
    if rows == 0 {
        Err(ChangeError::NotFound)
    } else {
        Ok(())
    }
}

#[async_trait]
impl AdminStore for PostgresStore {
    async fn portals(&self) -> Result<Vec<Portal>, StoreError> {
        Ok(sqlx::query_as(select_portal!("ORDER BY created_at, id"))
            .fetch_all(&self.pool)
            .await?)
    }

    async fn update_portal(&self, portal: &Portal, note: &AuditNote) -> Result<(), StoreError> {
        let p = portal;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE portals SET name = $1, language = $2, color = $3, logo_url = $4, \
             auto_create_ticket = $5, agent_max_serve = $6, enabled = $7, business_hours = $8, \
             allowed_origins = $9, position = $10, greeting = $11, offline_message = $12, \
             reply_time_text = $13, identity_verification = $14, closed_dates = $15, \
             prechat_fields = $16, typing_preview = $18, retention_days = $19 WHERE id = $17",
        )
        .bind(&p.name)
        .bind(&p.language)
        .bind(&p.color)
        .bind(&p.logo_url)
        .bind(p.auto_create_ticket)
        .bind(i64::from(p.agent_max_serve))
        .bind(p.enabled)
        .bind(&p.business_hours)
        .bind(&p.allowed_origins)
        .bind(&p.position)
        .bind(&p.greeting)
        .bind(&p.offline_message)
        .bind(&p.reply_time_text)
        .bind(p.identity_verification)
        .bind(&p.closed_dates)
        .bind(&p.prechat_fields)
        .bind(&p.id)
        .bind(p.typing_preview)
        .bind(p.retention_days)
        .execute(&mut *tx)
        .await?;
        write_note(&mut tx, &p.id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn queue_details(&self, portal_id: &str) -> Result<Vec<QueueDetails>, StoreError> {
        let mut queues: Vec<QueueDetails> = sqlx::query_as(
            "SELECT id, name, position, answer_timeout_ms, queue_timeout_ms FROM queues \
             WHERE portal_id = $1 ORDER BY position, id",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?;
        let members: Vec<(String, String)> = sqlx::query_as(
            "SELECT qa.queue_id, qa.user_id FROM queue_agents qa \
             JOIN agents a ON a.user_id = qa.user_id \
             WHERE a.portal_id = $1 ORDER BY a.created_at, a.user_id",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?;
        for queue in &mut queues {
            queue.members = members
                .iter()
                .filter(|(q, _)| *q == queue.id)
                .map(|(_, user)| user.clone())
                .collect();
        }
        Ok(queues)
    }

    async fn create_queue(
        &self,
        portal_id: &str,
        queue: &QueueDetails,
        note: &AuditNote,
    ) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO queues (id, portal_id, name, position, answer_timeout_ms, \
             queue_timeout_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&queue.id)
        .bind(portal_id)
        .bind(&queue.name)
        .bind(queue.position)
        .bind(queue.answer_timeout_ms)
        .bind(queue.queue_timeout_ms)
        .execute(&mut *tx)
        .await?;
        set_members(&mut tx, portal_id, &queue.id, &queue.members).await?;
        write_note(&mut tx, portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_queue(
        &self,
        portal_id: &str,
        queue: &QueueDetails,
        note: &AuditNote,
    ) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE queues SET name = $1, position = $2, answer_timeout_ms = $3, \
             queue_timeout_ms = $4 WHERE id = $5 AND portal_id = $6",
        )
        .bind(&queue.name)
        .bind(queue.position)
        .bind(queue.answer_timeout_ms)
        .bind(queue.queue_timeout_ms)
        .bind(&queue.id)
        .bind(portal_id)
        .execute(&mut *tx)
        .await?;
        found(updated.rows_affected())?;
        set_members(&mut tx, portal_id, &queue.id, &queue.members).await?;
        write_note(&mut tx, portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_queue(
        &self,
        portal_id: &str,
        queue_id: &str,
        note: &AuditNote,
    ) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query("DELETE FROM queues WHERE id = $1 AND portal_id = $2")
            .bind(queue_id)
            .bind(portal_id)
            .execute(&mut *tx)
            .await?;
        found(deleted.rows_affected())?;
        write_note(&mut tx, portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_agent(&self, new: &NewAgent, note: &AuditNote) -> Result<(), ChangeError> {
        let a = &new.agent;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO agents (user_id, portal_id, email, display_name, password_hash, role, \
             active, max_chats, avatar_url, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&a.user_id)
        .bind(&a.portal_id)
        .bind(&a.email)
        .bind(&a.display_name)
        .bind(&a.password_hash)
        .bind(a.role.as_str())
        .bind(a.active)
        .bind(i64::from(a.max_chats.max(1)))
        .bind(&a.avatar_url)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        set_queues(&mut tx, &a.portal_id, &a.user_id, &new.queues).await?;
        write_note(&mut tx, &a.portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_agent(
        &self,
        agent: &Agent,
        queues: Option<&[String]>,
        note: &AuditNote,
    ) -> Result<(), ChangeError> {
        let a = agent;
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE agents SET display_name = $1, password_hash = $2, role = $3, active = $4, \
             max_chats = $5, avatar_url = $6 \
             WHERE user_id = $7 AND portal_id = $8 AND deleted_at IS NULL",
        )
        .bind(&a.display_name)
        .bind(&a.password_hash)
        .bind(a.role.as_str())
        .bind(a.active)
        .bind(i64::from(a.max_chats.max(1)))
        .bind(&a.avatar_url)
        .bind(&a.user_id)
        .bind(&a.portal_id)
        .execute(&mut *tx)
        .await?;
        found(updated.rows_affected())?;
        if let Some(queues) = queues {
            set_queues(&mut tx, &a.portal_id, &a.user_id, queues).await?;
        }
        write_note(&mut tx, &a.portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_agent(
        &self,
        portal_id: &str,
        user_id: &str,
        note: &AuditNote,
    ) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query(
            "UPDATE agents SET active = FALSE, deleted_at = $1, password_hash = '!', \
             email = user_id || '@deleted.invalid' \
             WHERE user_id = $2 AND portal_id = $3 AND deleted_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(portal_id)
        .execute(&mut *tx)
        .await?;
        found(deleted.rows_affected())?;
        sqlx::query("DELETE FROM queue_agents WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM invitations WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        write_note(&mut tx, portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn return_to_queue(&self, conv_id: &str, agent_id: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let now = now_ms();
        let returned = sqlx::query(
            "UPDATE conversations SET status = 'queued', agent_id = NULL, updated_at = $1 \
             WHERE id = $2 AND agent_id = $3 AND status = 'active'",
        )
        .bind(now)
        .bind(conv_id)
        .bind(agent_id)
        .execute(&mut *tx)
        .await?;
        if returned.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE participants SET left_at = $1 WHERE conv_id = $2 AND user_id = $3")
            .bind(now)
            .bind(conv_id)
            .bind(agent_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn create_invitation(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO invitations (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn redeem_invitation(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE invitations SET used_at = $1 \
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn api_key_list(&self, portal_id: &str) -> Result<Vec<ApiKeyInfo>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT sid, created_at, revoked_at FROM api_keys \
             WHERE portal_id = $1 AND NOT internal ORDER BY created_at, sid",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn create_api_key(
        &self,
        portal_id: &str,
        key: &ApiKey,
        note: &AuditNote,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO api_keys (sid, portal_id, secret, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&key.sid)
        .bind(portal_id)
        .bind(&key.secret)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        write_note(&mut tx, portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_api_key(
        &self,
        portal_id: &str,
        sid: &str,
        note: &AuditNote,
    ) -> Result<(), ChangeError> {
        let mut tx = self.pool.begin().await?;
        let revoked = sqlx::query(
            "UPDATE api_keys SET revoked_at = $1 \
             WHERE sid = $2 AND portal_id = $3 AND revoked_at IS NULL AND NOT internal",
        )
        .bind(now_ms())
        .bind(sid)
        .bind(portal_id)
        .execute(&mut *tx)
        .await?;
        found(revoked.rows_affected())?;
        write_note(&mut tx, portal_id, note).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit(&self, portal_id: &str, note: &AuditNote) -> Result<(), StoreError> {
        let mut connection = self.pool.acquire().await?;
        write_note(&mut connection, portal_id, note).await?;
        Ok(())
    }

    async fn audit_log(
        &self,
        portal_id: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, actor, action, target, detail, created_at FROM audit_log \
             WHERE portal_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(portal_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

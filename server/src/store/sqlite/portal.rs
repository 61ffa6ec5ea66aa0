//! [`PortalStore`] on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::hours::now_ms;
use crate::store::{
    Agent, ApiKey, NewPortal, Portal, PortalStore, Queue, QueueSettings, StoreError,
};

#[async_trait]
impl PortalStore for SqliteStore {
    async fn portal_by_widget_key(&self, key: &str) -> Result<Option<Portal>, StoreError> {
        Ok(sqlx::query_as(select_portal!("WHERE widget_key = ?"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn portal(&self, id: &str) -> Result<Option<Portal>, StoreError> {
        Ok(sqlx::query_as(select_portal!("WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn first_portal(&self) -> Result<Option<Portal>, StoreError> {
        Ok(
            sqlx::query_as(select_portal!("ORDER BY created_at, id LIMIT 1"))
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn queues(&self, portal_id: &str) -> Result<Vec<Queue>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name FROM queues WHERE portal_id = ? ORDER BY position, id")
                .bind(portal_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn api_keys(&self, portal_id: &str) -> Result<Vec<ApiKey>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT sid, secret FROM api_keys WHERE portal_id = ? AND revoked_at IS NULL \
             ORDER BY internal DESC, created_at, sid",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn agents(&self, portal_id: &str) -> Result<Vec<Agent>, StoreError> {
        Ok(sqlx::query_as(select_agent!(
            "WHERE portal_id = ? AND deleted_at IS NULL ORDER BY created_at, user_id"
        ))
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn api_key(&self, sid: &str) -> Result<Option<(ApiKey, String)>, StoreError> {
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT sid, secret, portal_id FROM api_keys WHERE sid = ? AND revoked_at IS NULL",
        )
        .bind(sid)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(sid, secret, portal_id)| (ApiKey { sid, secret }, portal_id)))
    }

    async fn agent_by_email(&self, email: &str) -> Result<Option<Agent>, StoreError> {
        Ok(
            sqlx::query_as(select_agent!("WHERE lower(email) = lower(?)"))
                .bind(email)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn agent(&self, user_id: &str) -> Result<Option<Agent>, StoreError> {
        Ok(sqlx::query_as(select_agent!("WHERE user_id = ?"))
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn queue(
        &self,
        portal_id: &str,
        queue_id: &str,
    ) -> Result<Option<QueueSettings>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, name, answer_timeout_ms, queue_timeout_ms FROM queues \
             WHERE portal_id = ? AND id = ?",
        )
        .bind(portal_id)
        .bind(queue_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn agent_queues(&self, user_id: &str) -> Result<(Vec<String>, u32), StoreError> {
        let queues = sqlx::query_scalar("SELECT queue_id FROM queue_agents WHERE user_id = ?")
            .bind(user_id)
            .fetch_all(&self.pool)
            .await?;
        let max: Option<i64> = sqlx::query_scalar("SELECT max_chats FROM agents WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok((queues, max.unwrap_or(1).max(1) as u32))
    }

    async fn create_portal(&self, new: &NewPortal) -> Result<(), StoreError> {
        let now = now_ms();
        let p = &new.portal;
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT INTO portals (id, widget_key, name, language, color, logo_url, \
             auto_create_ticket, agent_max_serve, enabled, business_hours, allowed_origins, \
             position, greeting, offline_message, reply_time_text, identity_verification, \
             closed_dates, prechat_fields, visitor_secret, created_at, typing_preview, \
             retention_days) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&p.id)
        .bind(&p.widget_key)
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
        // Never empty: visitors' ids are derived with it.
        .bind(if p.visitor_secret.is_empty() {
            crate::ids::random_hex(32)
        } else {
            p.visitor_secret.clone()
        })
        .bind(now)
        .bind(p.typing_preview)
        .bind(p.retention_days)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO api_keys (sid, portal_id, secret, created_at) VALUES (?, ?, ?, ?)",
        )
        .bind(&new.api_key.sid)
        .bind(&p.id)
        .bind(&new.api_key.secret)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO api_keys (sid, portal_id, secret, created_at, internal) \
             VALUES (?, ?, ?, ?, 1)",
        )
        .bind(format!("SK{}", crate::ids::random_hex(16)))
        .bind(&p.id)
        .bind(crate::ids::random_hex(32))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        for (position, queue) in new.queues.iter().enumerate() {
            sqlx::query("INSERT INTO queues (id, portal_id, name, position) VALUES (?, ?, ?, ?)")
                .bind(&queue.id)
                .bind(&p.id)
                .bind(&queue.name)
                .bind(position as i64)
                .execute(&mut *tx)
                .await?;
        }
        for (order, agent) in new.agents.iter().enumerate() {
            sqlx::query(
                "INSERT INTO agents (user_id, portal_id, email, display_name, password_hash, \
                 role, max_chats, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&agent.user_id)
            .bind(&p.id)
            .bind(&agent.email)
            .bind(&agent.display_name)
            .bind(&agent.password_hash)
            .bind(agent.role.as_str())
            // Each agent starts with the portal's default.
            .bind(i64::from(p.agent_max_serve.max(1)))
            // Keeps the agents' creation order stable within the one transaction.
            .bind(now + order as i64)
            .execute(&mut *tx)
            .await?;
            for queue in &new.queues {
                sqlx::query("INSERT INTO queue_agents (queue_id, user_id) VALUES (?, ?)")
                    .bind(&queue.id)
                    .bind(&agent.user_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn configure_portal(
        &self,
        portal_id: &str,
        business_hours: &str,
        allowed_origins: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE portals SET business_hours = ?, allowed_origins = ? WHERE id = ?")
            .bind(business_hours)
            .bind(allowed_origins)
            .bind(portal_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn configure_queue(
        &self,
        queue_id: &str,
        answer_timeout_ms: i64,
        queue_timeout_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE queues SET answer_timeout_ms = ?, queue_timeout_ms = ? WHERE id = ?")
            .bind(answer_timeout_ms)
            .bind(queue_timeout_ms)
            .bind(queue_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }
}

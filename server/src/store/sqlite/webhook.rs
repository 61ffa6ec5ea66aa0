//! [`WebhookStore`] on SQLite.

use async_trait::async_trait;

use super::SqliteStore;
use crate::store::StoreError;
use crate::store::webhook::{
    ADD, DELIVERY, Delivery, EXPIRE, FINISH, Outcome, REDELIVER, RETRY_FOR_MS, Webhook,
    WebhookStore, claim,
};

/// The shared SQL with this backend's parameters.
fn sql(text: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(text.replace('$', "?"))
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn webhooks(&self, portal_id: &str) -> Result<Vec<Webhook>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT id, portal_id, url, events, secret, enabled, created_at FROM webhooks \
             WHERE portal_id = ?1 ORDER BY created_at, id",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn save_webhook(&self, w: &Webhook) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO webhooks (id, portal_id, url, events, secret, enabled, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
             url = excluded.url, events = excluded.events, secret = excluded.secret, \
             enabled = excluded.enabled",
        )
        .bind(&w.id)
        .bind(&w.portal_id)
        .bind(&w.url)
        .bind(&w.events)
        .bind(&w.secret)
        .bind(w.enabled)
        .bind(w.created_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    async fn delete_webhook(&self, portal_id: &str, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM webhooks WHERE portal_id = ?1 AND id = ?2")
            .bind(portal_id)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn deliveries(&self, webhook_id: &str, limit: i64) -> Result<Vec<Delivery>, StoreError> {
        let select = format!(
            "SELECT {DELIVERY} FROM webhook_deliveries WHERE webhook_id = $1 \
             ORDER BY seq DESC LIMIT $2"
        );
        Ok(sqlx::query_as(sql(&select))
            .bind(webhook_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?)
    }

    async fn add_delivery(
        &self,
        webhook: &Webhook,
        event: &str,
        topic: &str,
        data: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let id = crate::store::webhook::delivery_id();
        sqlx::query(sql(ADD))
            .bind(&id)
            .bind(&webhook.id)
            .bind(&webhook.portal_id)
            .bind(event)
            .bind(topic)
            .bind(data)
            .bind(now)
            .bind(now + RETRY_FOR_MS)
            .execute(&self.writer)
            .await?;
        Ok(id)
    }

    async fn redeliver(&self, webhook_id: &str, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(sql(REDELIVER))
            .bind(webhook_id)
            .bind(id)
            .bind(now)
            .bind(now + RETRY_FOR_MS)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let mut tx = self.writer.begin().await?;
        sqlx::query(sql(EXPIRE)).bind(now).execute(&mut *tx).await?;
        let mut claimed: Vec<Delivery> = sqlx::query_as(sql(&claim("")))
            .bind(now)
            .bind(lease_until)
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(claimed)
    }

    async fn finish_delivery(
        &self,
        id: &str,
        outcome: &Outcome,
        now: i64,
    ) -> Result<(), StoreError> {
        let (delivered, status, error, next_at) = match outcome {
            Outcome::Delivered { status } => (true, *status, "", now),
            Outcome::Failed {
                status,
                error,
                next_at,
            } => (false, *status, error.as_str(), *next_at),
        };
        sqlx::query(sql(FINISH))
            .bind(id)
            .bind(now)
            .bind(delivered)
            .bind(status)
            .bind(error)
            .bind(next_at)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    async fn prune_deliveries(&self, before: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?1",
        )
        .bind(before)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }
}

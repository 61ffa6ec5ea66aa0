//! Webhooks: the endpoints an admin registers, and the outbox of their deliveries. Deliveries
//! are written by the database's triggers (migrations `*_webhooks.sql`) in the transaction of
//! the change they tell of; the server claims the due ones, sends them and records how it
//! went (see [`crate::webhook`]).
//!
//! The SQL is written once here with `$n` parameters; the SQLite backend numbers them `?n`.

use async_trait::async_trait;

use super::StoreError;

/// Every event an endpoint may ask for.
pub const EVENTS: [&str; 8] = [
    "chat.created",
    "chat.accepted",
    "chat.transferred",
    "message.created",
    "chat.ended",
    "chat.rated",
    "chat.missed",
    "ticket.created",
];

/// The event of a delivery that an admin's "send a test event" writes.
pub const TEST_EVENT: &str = "webhook.test";

/// How long a delivery is retried before it is marked failed.
pub const RETRY_FOR_MS: i64 = 24 * 3600 * 1000;

/// An endpoint.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Webhook {
    pub id: String,
    pub portal_id: String,
    pub url: String,
    /// The events asked for, each between commas: `,chat.created,message.created,`.
    pub events: String,
    /// Signs each delivery's body.
    pub secret: String,
    pub enabled: bool,
    pub created_at: i64,
}

impl Webhook {
    /// The events asked for, in [`EVENTS`] order.
    pub fn event_list(&self) -> Vec<&'static str> {
        EVENTS
            .into_iter()
            .filter(|e| self.events.contains(&format!(",{e},")))
            .collect()
    }

    /// The stored form of a list of events.
    pub fn events_text(events: &[&str]) -> String {
        format!(",{},", events.join(","))
    }
}

/// One delivery of an event to an endpoint.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Delivery {
    /// `dlv-…`: the same on every attempt (the receiver's key to drop a repeat).
    pub id: String,
    pub webhook_id: String,
    pub portal_id: String,
    pub event: String,
    /// The event's `data`, JSON text.
    pub data: String,
    /// When the event happened, ms since the epoch.
    pub created_at: i64,
    /// `pending`, `delivered`, `failed`.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub expires_at: i64,
    /// The receiver's HTTP status of the last attempt; 0 when none came.
    pub last_status: i64,
    pub last_error: String,
    pub delivered_at: Option<i64>,
}

/// How an attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer with this status.
    Delivered { status: i64 },
    /// Anything else: try again at `next_at`, or give up when that is past the delivery's
    /// expiry.
    Failed {
        status: i64,
        error: String,
        next_at: i64,
    },
}

/// Storing endpoints and their deliveries.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// The endpoints of `portal_id`, oldest first.
    async fn webhooks(&self, portal_id: &str) -> Result<Vec<Webhook>, StoreError>;

    /// Stores a new endpoint, or changes the one with the same id.
    async fn save_webhook(&self, webhook: &Webhook) -> Result<(), StoreError>;

    /// Deletes an endpoint of `portal_id` and its deliveries; says whether it existed.
    async fn delete_webhook(&self, portal_id: &str, id: &str) -> Result<bool, StoreError>;

    /// The latest deliveries to an endpoint, newest first.
    async fn deliveries(&self, webhook_id: &str, limit: i64) -> Result<Vec<Delivery>, StoreError>;

    /// Writes a delivery of `event` with `data` to one endpoint, due at `now`; answers its id.
    async fn add_delivery(
        &self,
        webhook: &Webhook,
        event: &str,
        topic: &str,
        data: &str,
        now: i64,
    ) -> Result<String, StoreError>;

    /// Makes a delivery of `webhook_id` due again at `now`, for another day of retries (the
    /// same id: a receiver that had it drops the repeat); says whether there was one.
    async fn redeliver(&self, webhook_id: &str, id: &str, now: i64) -> Result<bool, StoreError>;

    /// Whether any delivery is pending and due at `now` (a read: the sender's cheap look
    /// before it claims, which writes).
    async fn deliveries_due(&self, now: i64) -> Result<bool, StoreError>;

    /// Claims up to `limit` due deliveries of enabled endpoints, the oldest pending one of each
    /// endpoint and topic only, until `lease_until`; marks failed those whose retries ran out.
    /// Several nodes may claim at once: each delivery goes to one.
    async fn claim_deliveries(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError>;

    /// Records how an attempt of a claimed delivery went, and releases it.
    async fn finish_delivery(
        &self,
        id: &str,
        outcome: &Outcome,
        now: i64,
    ) -> Result<(), StoreError>;

    /// Releases every claim, whoever holds it; answers how many. Only for a node alone at its
    /// start: the claims are a killed process's, and waiting out their lease would hold the
    /// deliveries back for nothing.
    async fn release_claims(&self) -> Result<u64, StoreError>;

    /// Deletes delivered and failed deliveries of events before `before`; answers how many.
    async fn prune_deliveries(&self, before: i64) -> Result<u64, StoreError>;
}

/// The columns of a [`Delivery`].
pub const DELIVERY: &str = "id, webhook_id, portal_id, event, data, created_at, status, attempts, \
     next_attempt_at, expires_at, last_status, last_error, delivered_at";

/// Whether a pending delivery is due: $1 now.
pub const DUE: &str = "SELECT EXISTS (SELECT 1 FROM webhook_deliveries \
     WHERE status = 'pending' AND next_attempt_at <= $1)";

/// Marks failed the pending deliveries whose retries ran out: $1 now.
pub const EXPIRE: &str = "UPDATE webhook_deliveries SET status = 'failed', \
     last_error = CASE WHEN last_error = '' THEN 'not delivered within a day' ELSE last_error END \
     WHERE status = 'pending' AND expires_at <= $1";

/// Claims due deliveries: $1 now, $2 lease end, $3 limit; `lock` is the backend's row lock
/// for the inner select (empty for SQLite, whose writer is one connection).
pub fn claim(lock: &str) -> String {
    format!(
        "UPDATE webhook_deliveries SET locked_until = $2, attempts = attempts + 1 \
         WHERE seq IN (SELECT d.seq FROM webhook_deliveries d \
           JOIN webhooks w ON w.id = d.webhook_id AND w.enabled \
           WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND d.locked_until <= $1 \
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id \
             AND e.topic = d.topic AND e.seq < d.seq AND e.status = 'pending') \
           ORDER BY d.seq LIMIT $3 {lock}) \
         RETURNING {DELIVERY}"
    )
}

/// Records an attempt: $1 id, $2 now, $3 delivered, $4 the status, $5 the error, $6 the next
/// attempt.
pub const FINISH: &str = "UPDATE webhook_deliveries SET locked_until = 0, last_status = $4, \
     last_error = $5, \
     status = CASE WHEN $3 THEN 'delivered' WHEN $6 >= expires_at THEN 'failed' \
       ELSE 'pending' END, \
     delivered_at = CASE WHEN $3 THEN $2 ELSE delivered_at END, \
     next_attempt_at = CASE WHEN $3 THEN next_attempt_at ELSE $6 END \
     WHERE id = $1";

/// Makes a delivery due again: $1 webhook, $2 id, $3 now, $4 the new expiry.
pub const REDELIVER: &str = "UPDATE webhook_deliveries SET status = 'pending', \
     next_attempt_at = $3, expires_at = $4, locked_until = 0, last_error = '' \
     WHERE webhook_id = $1 AND id = $2";

/// Writes one delivery: $1 id, $2 webhook, $3 portal, $4 event, $5 topic, $6 data, $7 now,
/// $8 expiry.
pub const ADD: &str = "INSERT INTO webhook_deliveries (id, webhook_id, portal_id, event, topic, \
     data, created_at, next_attempt_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)";

/// A delivery's id.
pub fn delivery_id() -> String {
    format!("dlv-{}", crate::ids::random_hex(12))
}

/// Implements [`WebhookStore`] for a backend, from the SQL above: `$store` (its full path),
/// the pools it reads and writes with, the claim's row lock, and how `$n` parameters are
/// written for it. Both backends are this one text.
macro_rules! webhook_store {
    ($store:path, $read:ident, $write:ident, $lock:expr, $number:expr) => {
        use $crate::store::StoreError;
        use $crate::store::webhook::{
            ADD, DELIVERY, DUE, Delivery, EXPIRE, FINISH, Outcome, REDELIVER, RETRY_FOR_MS,
            Webhook, WebhookStore, claim, delivery_id,
        };

        /// The shared SQL with this backend's parameters.
        fn sql(text: &str) -> sqlx::AssertSqlSafe<String> {
            let number: fn(&str) -> String = $number;
            sqlx::AssertSqlSafe(number(text))
        }

        #[async_trait::async_trait]
        impl WebhookStore for $store {
            async fn webhooks(&self, portal_id: &str) -> Result<Vec<Webhook>, StoreError> {
                Ok(sqlx::query_as(sql(
                    "SELECT id, portal_id, url, events, secret, enabled, created_at FROM webhooks \
                     WHERE portal_id = $1 ORDER BY created_at, id",
                ))
                .bind(portal_id)
                .fetch_all(&self.$read)
                .await?)
            }

            async fn save_webhook(&self, w: &Webhook) -> Result<(), StoreError> {
                sqlx::query(sql(
                    "INSERT INTO webhooks (id, portal_id, url, events, secret, enabled, \
                     created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO UPDATE SET \
                     url = excluded.url, events = excluded.events, secret = excluded.secret, \
                     enabled = excluded.enabled",
                ))
                .bind(&w.id)
                .bind(&w.portal_id)
                .bind(&w.url)
                .bind(&w.events)
                .bind(&w.secret)
                .bind(w.enabled)
                .bind(w.created_at)
                .execute(&self.$write)
                .await?;
                Ok(())
            }

            async fn delete_webhook(
                &self,
                portal_id: &str,
                id: &str,
            ) -> Result<bool, StoreError> {
                let done =
                    sqlx::query(sql("DELETE FROM webhooks WHERE portal_id = $1 AND id = $2"))
                    .bind(portal_id)
                    .bind(id)
                    .execute(&self.$write)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn deliveries(
                &self,
                webhook_id: &str,
                limit: i64,
            ) -> Result<Vec<Delivery>, StoreError> {
                let select = format!(
                    "SELECT {DELIVERY} FROM webhook_deliveries WHERE webhook_id = $1 \
                     ORDER BY seq DESC LIMIT $2"
                );
                Ok(sqlx::query_as(sql(&select))
                    .bind(webhook_id)
                    .bind(limit)
                    .fetch_all(&self.$read)
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
                let id = delivery_id();
                sqlx::query(sql(ADD))
                    .bind(&id)
                    .bind(&webhook.id)
                    .bind(&webhook.portal_id)
                    .bind(event)
                    .bind(topic)
                    .bind(data)
                    .bind(now)
                    .bind(now + RETRY_FOR_MS)
                    .execute(&self.$write)
                    .await?;
                Ok(id)
            }

            async fn redeliver(
                &self,
                webhook_id: &str,
                id: &str,
                now: i64,
            ) -> Result<bool, StoreError> {
                let done = sqlx::query(sql(REDELIVER))
                    .bind(webhook_id)
                    .bind(id)
                    .bind(now)
                    .bind(now + RETRY_FOR_MS)
                    .execute(&self.$write)
                    .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn deliveries_due(&self, now: i64) -> Result<bool, StoreError> {
                Ok(sqlx::query_scalar(sql(DUE))
                    .bind(now)
                    .fetch_one(&self.$read)
                    .await?)
            }

            async fn claim_deliveries(
                &self,
                now: i64,
                lease_until: i64,
                limit: i64,
            ) -> Result<Vec<Delivery>, StoreError> {
                let mut tx = self.$write.begin().await?;
                sqlx::query(sql(EXPIRE)).bind(now).execute(&mut *tx).await?;
                let mut claimed: Vec<Delivery> = sqlx::query_as(sql(&claim($lock)))
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
                    .execute(&self.$write)
                    .await?;
                Ok(())
            }

            async fn release_claims(&self) -> Result<u64, StoreError> {
                let done = sqlx::query(
                    "UPDATE webhook_deliveries SET locked_until = 0 WHERE locked_until <> 0",
                )
                .execute(&self.$write)
                .await?;
                Ok(done.rows_affected())
            }

            async fn prune_deliveries(&self, before: i64) -> Result<u64, StoreError> {
                let done = sqlx::query(sql(
                    "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1",
                ))
                .bind(before)
                .execute(&self.$write)
                .await?;
                Ok(done.rows_affected())
            }
        }
    };
}
pub(crate) use webhook_store;

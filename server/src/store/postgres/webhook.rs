//! [`WebhookStore`](crate::store::WebhookStore) on PostgreSQL: the shared implementation on the
//! pool, claims skipping rows another node holds.

crate::store::webhook::webhook_store!(
    super::PostgresStore,
    pool,
    pool,
    "FOR UPDATE OF d SKIP LOCKED",
    |text| text.to_string()
);

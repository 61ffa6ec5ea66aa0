//! [`WebhookStore`](crate::store::WebhookStore) on SQLite: the shared implementation, read
//! through the one writer connection, `$n` parameters written `?n`.

crate::store::webhook::webhook_store!(super::SqliteStore, pool, writer, "", |text| text
    .replace('$', "?"));

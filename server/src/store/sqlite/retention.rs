//! [`RetentionStore`](crate::store::RetentionStore) on SQLite: the shared implementation on the
//! writer connection, `$n` parameters written `?n`.

crate::store::retention::retention_store!(super::SqliteStore, writer, |text| text
    .replace('$', "?"));

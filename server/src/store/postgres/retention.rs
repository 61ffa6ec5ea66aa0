//! [`RetentionStore`](crate::store::RetentionStore) on PostgreSQL: the shared implementation.

crate::store::retention::retention_store!(super::PostgresStore, pool, |text| text.to_string());

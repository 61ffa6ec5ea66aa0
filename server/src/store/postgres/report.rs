//! [`ReportStore`](crate::store::ReportStore) on PostgreSQL: the shared implementation.

crate::store::report::report_store!(super::PostgresStore, pool, |text| text.to_string());

//! [`ReportStore`](crate::store::ReportStore) on SQLite: the shared implementation, `$n`
//! parameters written `?n`.

crate::store::report::report_store!(super::SqliteStore, pool, |text| text.replace('$', "?"));

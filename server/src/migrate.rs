//! `parlor migrate`: moving a server from its SQLite file to PostgreSQL, when one machine is no
//! longer enough.
//!
//! Every table is copied as it is (ids, seqs, times, the audit log's ids), in one PostgreSQL
//! transaction, into a database that must be empty; then the rows are counted on both sides.
//! Uploaded files stay where they are: the data folder goes on serving them.

use futures_util::TryStreamExt;
use sqlx::{Postgres, QueryBuilder, Row};

use crate::store::StoreError;
use crate::store::postgres::PostgresStore;
use crate::store::sqlite::SqliteStore;

/// How a column's values are read from SQLite and written to PostgreSQL.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Text,
    Int,
    /// SQLite keeps booleans as 0 and 1.
    Bool,
}

/// A table and its columns, in the order tables must be filled (referenced ones first).
const TABLES: &[(&str, &[(&str, Kind)])] = {
    use Kind::{Bool, Int, Text};
    &[
        (
            "portals",
            &[
                ("id", Text),
                ("widget_key", Text),
                ("name", Text),
                ("language", Text),
                ("color", Text),
                ("logo_url", Text),
                ("auto_create_ticket", Bool),
                ("typing_preview", Bool),
                ("retention_days", Int),
                ("agent_max_serve", Int),
                ("enabled", Bool),
                ("business_hours", Text),
                ("allowed_origins", Text),
                ("created_at", Int),
                ("position", Text),
                ("greeting", Text),
                ("offline_message", Text),
                ("reply_time_text", Text),
                ("identity_verification", Bool),
                ("closed_dates", Text),
                ("prechat_fields", Text),
                ("visitor_secret", Text),
            ],
        ),
        (
            "api_keys",
            &[
                ("sid", Text),
                ("portal_id", Text),
                ("secret", Text),
                ("created_at", Int),
                ("revoked_at", Int),
                ("internal", Bool),
            ],
        ),
        (
            "queues",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("name", Text),
                ("position", Int),
                ("answer_timeout_ms", Int),
                ("queue_timeout_ms", Int),
            ],
        ),
        (
            "agents",
            &[
                ("user_id", Text),
                ("portal_id", Text),
                ("email", Text),
                ("display_name", Text),
                ("password_hash", Text),
                ("max_chats", Int),
                ("created_at", Int),
                ("role", Text),
                ("active", Bool),
                ("avatar_url", Text),
                ("deleted_at", Int),
            ],
        ),
        ("queue_agents", &[("queue_id", Text), ("user_id", Text)]),
        (
            "visitors",
            &[
                ("user_id", Text),
                ("portal_id", Text),
                ("name", Text),
                ("email", Text),
                ("phone", Text),
                ("avatar_url", Text),
                ("created_at", Int),
                ("updated_at", Int),
                ("details", Text),
            ],
        ),
        (
            "conversations",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("queue_id", Text),
                ("name", Text),
                ("creator", Text),
                ("create_local_id", Text),
                ("channel_type", Int),
                ("status", Text),
                ("agent_id", Text),
                ("custom_data", Text),
                ("last_seq", Int),
                ("created_at", Int),
                ("updated_at", Int),
                ("ended_at", Int),
                ("ended_by", Text),
                ("rating", Int),
                ("rating_comment", Text),
                ("accepted_at", Int),
                ("accepted_by", Text),
                ("first_response_at", Int),
                ("transfers", Int),
                ("messages", Int),
                ("rated_at", Int),
            ],
        ),
        (
            "participants",
            &[
                ("conv_id", Text),
                ("user_id", Text),
                ("role", Text),
                ("joined_at", Int),
                ("left_at", Int),
                ("last_delivered_seq", Int),
                ("last_read_seq", Int),
            ],
        ),
        (
            "messages",
            &[
                ("id", Text),
                ("conv_id", Text),
                ("seq", Int),
                ("sender", Text),
                ("type", Int),
                ("content", Text),
                ("local_db_id", Text),
                ("created_at", Int),
            ],
        ),
        (
            "tickets",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("visitor_id", Text),
                ("conv_id", Text),
                ("queue_id", Text),
                ("name", Text),
                ("email", Text),
                ("phone", Text),
                ("note", Text),
                ("created_at", Int),
                ("fields", Text),
            ],
        ),
        (
            "files",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("uploader", Text),
                ("name", Text),
                ("content_type", Text),
                ("size", Int),
                ("created_at", Int),
            ],
        ),
        ("file_links", &[("file_id", Text), ("conv_id", Text)]),
        (
            "canned_responses",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("owner", Text),
                ("shortcut", Text),
                ("text", Text),
                ("created_at", Int),
            ],
        ),
        (
            "labels",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("name", Text),
                ("color", Text),
                ("created_at", Int),
            ],
        ),
        (
            "conversation_labels",
            &[("conv_id", Text), ("label_id", Text)],
        ),
        (
            "notes",
            &[
                ("id", Text),
                ("conv_id", Text),
                ("author", Text),
                ("author_name", Text),
                ("text", Text),
                ("created_at", Int),
            ],
        ),
        (
            "invitations",
            &[
                ("token_hash", Text),
                ("user_id", Text),
                ("expires_at", Int),
                ("used_at", Int),
            ],
        ),
        (
            "webhooks",
            &[
                ("id", Text),
                ("portal_id", Text),
                ("url", Text),
                ("events", Text),
                ("secret", Text),
                ("enabled", Bool),
                ("created_at", Int),
            ],
        ),
        (
            "webhook_deliveries",
            &[
                ("seq", Int),
                ("id", Text),
                ("webhook_id", Text),
                ("portal_id", Text),
                ("event", Text),
                ("topic", Text),
                ("data", Text),
                ("created_at", Int),
                ("status", Text),
                ("attempts", Int),
                ("next_attempt_at", Int),
                ("expires_at", Int),
                ("locked_until", Int),
                ("last_status", Int),
                ("last_error", Text),
                ("delivered_at", Int),
            ],
        ),
        (
            "audit_log",
            &[
                ("id", Int),
                ("portal_id", Text),
                ("actor", Text),
                ("action", Text),
                ("target", Text),
                ("detail", Text),
                ("created_at", Int),
            ],
        ),
    ]
};

/// Rows per `INSERT`: well under PostgreSQL's 65,535 parameters for the widest table.
const BATCH: usize = 1000;

/// One value on its way from SQLite to PostgreSQL.
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Bool(bool),
}

/// Why a migration did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0} does not exist: there is nothing to move")]
    NoSource(String),
    #[error("the target database already holds {0} portal(s): migrate only into an empty one")]
    NotEmpty(i64),
    #[error(
        "after copying, {table} has {in_sqlite} row(s) in SQLite but {in_postgres} in PostgreSQL"
    )]
    Mismatch {
        table: &'static str,
        in_sqlite: i64,
        in_postgres: i64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for MigrateError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(StoreError::Database(error))
    }
}

/// How many rows each table holds, as copied.
pub type Counts = Vec<(&'static str, i64)>;

/// Copies every row of the SQLite database at `from` into the empty PostgreSQL database at
/// `to` (migrating both to the current schema first), and checks the counts.
pub async fn sqlite_to_postgres(from: &std::path::Path, to: &str) -> Result<Counts, MigrateError> {
    if !from.exists() {
        return Err(MigrateError::NoSource(from.display().to_string()));
    }
    let source = SqliteStore::open(from).await?;
    let target = PostgresStore::open(to).await?;
    let result = copy(&source, &target).await;
    source.close().await;
    target.close().await;
    result
}

async fn copy(source: &SqliteStore, target: &PostgresStore) -> Result<Counts, MigrateError> {
    let portals: i64 = sqlx::query_scalar("SELECT count(*) FROM portals")
        .fetch_one(target.pool())
        .await?;
    if portals > 0 {
        return Err(MigrateError::NotEmpty(portals));
    }
    let mut tx = target.pool().begin().await?;
    // The rows carry their reports' figures, and their webhooks were sent (or are pending, and
    // copied as such): the triggers that record those stand aside while copying.
    sqlx::query("SET LOCAL parlor.copying = 'on'")
        .execute(&mut *tx)
        .await?;
    for (table, columns) in TABLES {
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(source.reader());
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(BATCH);
        while let Some(row) = rows.try_next().await? {
            let mut values = Vec::with_capacity(columns.len());
            for (name, kind) in columns.iter() {
                values.push(match kind {
                    Kind::Text => Value::Text(row.try_get(*name)?),
                    Kind::Int => Value::Int(row.try_get(*name)?),
                    Kind::Bool => Value::Bool(row.try_get::<i64, _>(*name)? != 0),
                });
            }
            batch.push(values);
            if batch.len() == BATCH {
                insert(&mut tx, table, &names, std::mem::take(&mut batch)).await?;
            }
        }
        if !batch.is_empty() {
            insert(&mut tx, table, &names, batch).await?;
        }
    }
    // The audit log's and the outbox's ids were copied; new ones continue after them.
    for (table, column) in [("audit_log", "id"), ("webhook_deliveries", "seq")] {
        let set = format!(
            "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
             COALESCE((SELECT max({column}) FROM {table}), 0) + 1, false)"
        );
        sqlx::query(sqlx::AssertSqlSafe(set))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;

    let mut counts = Vec::new();
    for (table, _) in TABLES {
        let count = format!("SELECT count(*) FROM {table}");
        let before: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count.clone()))
            .fetch_one(source.reader())
            .await?;
        let after: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count))
            .fetch_one(target.pool())
            .await?;
        if before != after {
            return Err(MigrateError::Mismatch {
                table,
                in_sqlite: before,
                in_postgres: after,
            });
        }
        counts.push((*table, after));
    }
    Ok(counts)
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), sqlx::Error> {
    let mut insert: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("INSERT INTO {table} ({}) ", columns.join(", ")));
    insert.push_values(rows, |mut row, values| {
        for value in values {
            match value {
                Value::Text(v) => row.push_bind(v),
                Value::Int(v) => row.push_bind(v),
                Value::Bool(v) => row.push_bind(v),
            };
        }
    });
    insert.build().execute(&mut **tx).await?;
    Ok(())
}

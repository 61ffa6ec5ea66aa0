//! The embedded default backend: one SQLite file in the data folder.

use std::path::Path;
use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{Agent, ApiKey, NewPortal, Portal, Queue, Store, StoreError, Visitor};

/// Migrations embedded in the binary; applied on open, never edited once released.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite backend.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// `SELECT` of every portal column, followed by the given clauses (a literal, so the query
/// stays a `&'static str` that sqlx accepts as audited SQL).
macro_rules! select_portal {
    ($tail:literal) => {
        concat!(
            "SELECT id, widget_key, name, language, color, logo_url, auto_create_ticket, \
             agent_max_serve, enabled, business_hours FROM portals ",
            $tail
        )
    };
}

impl SqliteStore {
    /// Opens (creating if needed) the database file at `path` and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true)
            // WAL lets readers proceed while a writer commits; NORMAL is durable across a
            // process crash in WAL mode, which is what "stored before the reply" needs.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes the pool, waiting for connections to finish (used at shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

fn portal_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Portal, sqlx::Error> {
    Ok(Portal {
        id: row.try_get("id")?,
        widget_key: row.try_get("widget_key")?,
        name: row.try_get("name")?,
        language: row.try_get("language")?,
        color: row.try_get("color")?,
        logo_url: row.try_get("logo_url")?,
        auto_create_ticket: row.try_get("auto_create_ticket")?,
        agent_max_serve: row.try_get::<i64, _>("agent_max_serve")? as u32,
        enabled: row.try_get("enabled")?,
        business_hours: row.try_get("business_hours")?,
    })
}

fn agent_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Agent, sqlx::Error> {
    Ok(Agent {
        user_id: row.try_get("user_id")?,
        portal_id: row.try_get("portal_id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        password_hash: row.try_get("password_hash")?,
    })
}

#[async_trait]
impl Store for SqliteStore {
    async fn portal_by_widget_key(&self, key: &str) -> Result<Option<Portal>, StoreError> {
        let row = sqlx::query(select_portal!("WHERE widget_key = ?"))
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(portal_from_row).transpose()?)
    }

    async fn first_portal(&self) -> Result<Option<Portal>, StoreError> {
        let row = sqlx::query(select_portal!("ORDER BY created_at, id LIMIT 1"))
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(portal_from_row).transpose()?)
    }

    async fn queues(&self, portal_id: &str) -> Result<Vec<Queue>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name FROM queues WHERE portal_id = ? ORDER BY position, id")
                .bind(portal_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|row| {
                Ok(Queue {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    async fn api_keys(&self, portal_id: &str) -> Result<Vec<ApiKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT sid, secret FROM api_keys WHERE portal_id = ? ORDER BY created_at, sid",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ApiKey {
                    sid: row.try_get("sid")?,
                    secret: row.try_get("secret")?,
                })
            })
            .collect()
    }

    async fn agents(&self, portal_id: &str) -> Result<Vec<Agent>, StoreError> {
        let rows = sqlx::query(
            "SELECT user_id, portal_id, email, display_name, password_hash FROM agents \
             WHERE portal_id = ? ORDER BY created_at, user_id",
        )
        .bind(portal_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(agent_from_row).collect::<Result<_, _>>()?)
    }

    async fn api_key(&self, sid: &str) -> Result<Option<(ApiKey, String)>, StoreError> {
        let row = sqlx::query("SELECT sid, secret, portal_id FROM api_keys WHERE sid = ?")
            .bind(sid)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|row| -> Result<_, sqlx::Error> {
                Ok((
                    ApiKey {
                        sid: row.try_get("sid")?,
                        secret: row.try_get("secret")?,
                    },
                    row.try_get("portal_id")?,
                ))
            })
            .transpose()?)
    }

    async fn agent_by_email(&self, email: &str) -> Result<Option<Agent>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, portal_id, email, display_name, password_hash FROM agents \
             WHERE lower(email) = lower(?)",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(agent_from_row).transpose()?)
    }

    async fn agent(&self, user_id: &str) -> Result<Option<Agent>, StoreError> {
        let row = sqlx::query(
            "SELECT user_id, portal_id, email, display_name, password_hash FROM agents \
             WHERE user_id = ?",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(agent_from_row).transpose()?)
    }

    async fn ensure_visitor(&self, visitor: &Visitor) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO visitors (user_id, portal_id, name, email, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(&visitor.user_id)
        .bind(&visitor.portal_id)
        .bind(&visitor.name)
        .bind(&visitor.email)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn upsert_visitor(&self, visitor: &Visitor) -> Result<(), StoreError> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO visitors (user_id, portal_id, name, email, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, email = excluded.email, \
             updated_at = excluded.updated_at",
        )
        .bind(&visitor.user_id)
        .bind(&visitor.portal_id)
        .bind(&visitor.name)
        .bind(&visitor.email)
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn create_portal(&self, new: &NewPortal) -> Result<(), StoreError> {
        let now = now_ms();
        let p = &new.portal;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO portals (id, widget_key, name, language, color, logo_url, \
             auto_create_ticket, agent_max_serve, enabled, business_hours, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        .bind(now)
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
                "INSERT INTO agents (user_id, portal_id, email, display_name, password_hash, created_at) \
                 VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&agent.user_id)
            .bind(&p.id)
            .bind(&agent.email)
            .bind(&agent.display_name)
            .bind(&agent.password_hash)
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
}

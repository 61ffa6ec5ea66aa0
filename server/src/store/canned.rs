//! Canned responses: replies agents insert with `/` in the reply box, portal-wide (managed by
//! admins) or personal (each agent's own).

use async_trait::async_trait;

use super::StoreError;

/// A canned response.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Canned {
    pub id: String,
    pub portal_id: String,
    /// The agent it belongs to; `None` for a portal-wide one.
    pub owner: Option<String>,
    /// What the agent types after `/` to find it.
    pub shortcut: String,
    /// The reply, with placeholders such as `{visitor.name}`.
    pub text: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Storing and reading canned responses.
#[async_trait]
pub trait CannedStore: Send + Sync {
    /// The portal-wide ones of `portal_id` and the personal ones of `agent_id`, by shortcut.
    async fn canned_for(&self, portal_id: &str, agent_id: &str) -> Result<Vec<Canned>, StoreError>;

    /// One canned response of `portal_id`.
    async fn canned(&self, portal_id: &str, id: &str) -> Result<Option<Canned>, StoreError>;

    /// Stores a new one, or replaces the one with the same id.
    async fn save_canned(&self, canned: &Canned) -> Result<(), StoreError>;

    /// Deletes one; says whether it existed.
    async fn delete_canned(&self, portal_id: &str, id: &str) -> Result<bool, StoreError>;
}

//! What the administration stores: queues with their members, agents' accounts, API keys,
//! invitations and the audit log. Every change an admin makes is written together with its
//! [`AuditNote`], in one transaction, so the log never misses a change nor records one that
//! did not happen.

use async_trait::async_trait;
use serde::Serialize;

use super::{Agent, ApiKey, Portal, StoreError};

/// What an agent may do in their portal. Admins are agents too: they chat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Answers chats.
    Agent,
    /// Answers chats and changes the portal's settings, queues, agents and keys.
    Admin,
}

/// How a role column's text becomes a [`Role`] when rows are read.
impl TryFrom<String> for Role {
    type Error = super::chat::UnknownValue;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.as_str() {
            "agent" => Ok(Role::Agent),
            "admin" => Ok(Role::Admin),
            _ => Err(super::chat::UnknownValue(value)),
        }
    }
}

impl Role {
    /// The name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }
}

/// Who changed what, written with the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditNote {
    /// The agent's user id, or `operator` for the command line.
    pub actor: String,
    /// What was done: `portal.update`, `queue.create`, `agent.invite`…
    pub action: String,
    /// The id of what changed.
    pub target: String,
    /// What changed, a JSON object; never a secret or a password.
    pub detail: String,
}

impl AuditNote {
    /// A note of `action` on `target` by `actor`, with `detail`.
    pub fn new(actor: &str, action: &str, target: &str, detail: serde_json::Value) -> Self {
        Self {
            actor: actor.into(),
            action: action.into(),
            target: target.into(),
            detail: detail.to_string(),
        }
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    /// Increasing id: newer entries have larger ones.
    pub id: i64,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: String,
    /// The change, a JSON object.
    pub detail: String,
    /// When, in milliseconds since the Unix epoch.
    pub created_at: i64,
}

/// A queue with everything an admin sets on it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueDetails {
    /// Stable id.
    pub id: String,
    /// Name shown to visitors.
    pub name: String,
    /// Order among the portal's queues (smaller first).
    pub position: i64,
    /// How long one agent has to answer an offer, in milliseconds.
    pub answer_timeout_ms: i64,
    /// How long a chat may wait for any agent, in milliseconds.
    pub queue_timeout_ms: i64,
    /// The agents who serve it (user ids).
    #[sqlx(skip)]
    pub members: Vec<String>,
}

/// An API key as the admin sees it: never its secret, once created.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKeyInfo {
    /// The key's SID.
    pub sid: String,
    /// When it was created, in milliseconds since the Unix epoch.
    pub created_at: i64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<i64>,
}

/// An agent to create, with the queues they serve.
#[derive(Debug, Clone)]
pub struct NewAgent {
    /// The account.
    pub agent: Agent,
    /// The queues they serve (ids of their portal's queues).
    pub queues: Vec<String>,
}

/// Why a change was not made.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// What it names does not exist in the portal.
    #[error("not found")]
    NotFound,
    /// A unique value is taken (an email, a queue name).
    #[error("already exists")]
    Taken,
    /// The storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => ChangeError::Taken,
            _ => ChangeError::Store(StoreError::Database(error)),
        }
    }
}

/// The administration's storage operations. Every method that changes something takes the
/// [`AuditNote`] to write with it; `portal_id` confines each to one portal.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Every portal, oldest first.
    async fn portals(&self) -> Result<Vec<Portal>, StoreError>;
    /// Replaces a portal's settings (everything but its id, widget key and visitor secret).
    async fn update_portal(&self, portal: &Portal, note: &AuditNote) -> Result<(), StoreError>;

    /// A portal's queues with their members, in display order.
    async fn queue_details(&self, portal_id: &str) -> Result<Vec<QueueDetails>, StoreError>;
    /// Creates a queue; its members must be agents of the portal.
    async fn create_queue(
        &self,
        portal_id: &str,
        queue: &QueueDetails,
        note: &AuditNote,
    ) -> Result<(), ChangeError>;
    /// Replaces a queue's settings and members.
    async fn update_queue(
        &self,
        portal_id: &str,
        queue: &QueueDetails,
        note: &AuditNote,
    ) -> Result<(), ChangeError>;
    /// Deletes a queue; its chats and tickets keep their history without it.
    async fn delete_queue(
        &self,
        portal_id: &str,
        queue_id: &str,
        note: &AuditNote,
    ) -> Result<(), ChangeError>;

    /// Creates an agent (emails are unique across the server).
    async fn create_agent(&self, new: &NewAgent, note: &AuditNote) -> Result<(), ChangeError>;
    /// Replaces an agent's account (name, role, capacity, active, avatar, password hash) and,
    /// when given, the queues they serve.
    async fn update_agent(
        &self,
        agent: &Agent,
        queues: Option<&[String]>,
        note: &AuditNote,
    ) -> Result<(), ChangeError>;
    /// Deletes an agent: they leave every list and their email is free again; their chats keep
    /// their history, and their row stays, inactive, so that their tokens stay refused.
    async fn delete_agent(
        &self,
        portal_id: &str,
        user_id: &str,
        note: &AuditNote,
    ) -> Result<(), ChangeError>;

    /// Puts an active chat of `agent_id` back in its queue: it waits again, and the agent leaves
    /// it (keeping the history they saw). Returns whether it was theirs and active.
    async fn return_to_queue(&self, conv_id: &str, agent_id: &str) -> Result<bool, StoreError>;

    /// Records an invitation to set a password (`token_hash` is the SHA-256 of the link's token).
    async fn create_invitation(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: i64,
    ) -> Result<(), StoreError>;
    /// Uses an invitation that is neither used nor expired at `now`; returns its agent.
    async fn redeem_invitation(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError>;

    /// The site's API keys of a portal, revoked ones too, oldest first (never the key Parlor
    /// signs its own tokens with).
    async fn api_key_list(&self, portal_id: &str) -> Result<Vec<ApiKeyInfo>, StoreError>;
    /// Adds an API key to a portal.
    async fn create_api_key(
        &self,
        portal_id: &str,
        key: &ApiKey,
        note: &AuditNote,
    ) -> Result<(), StoreError>;
    /// Revokes a key: tokens it signed are refused from then on.
    async fn revoke_api_key(
        &self,
        portal_id: &str,
        sid: &str,
        note: &AuditNote,
    ) -> Result<(), ChangeError>;

    /// Writes an audit entry on its own (a change that has no row of its own, like a sign-out).
    async fn audit(&self, portal_id: &str, note: &AuditNote) -> Result<(), StoreError>;
    /// A portal's audit log, newest first: at most `limit` entries with ids below `before`.
    async fn audit_log(
        &self,
        portal_id: &str,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError>;
}

//! Portals and what they are made of: queues, API keys, agents, and their settings.

use async_trait::async_trait;

use super::{Role, StoreError};

/// A portal: one website's live chat, with its widget settings.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Portal {
    /// Stable id.
    pub id: String,
    /// The public key that the widget's script tag carries to name this portal.
    pub widget_key: String,
    /// Display name, shown in the widget header.
    pub name: String,
    /// Default widget language (`en`, `vi`).
    pub language: String,
    /// Brand color, `#rrggbb`.
    pub color: String,
    /// URL of the logo, empty for none.
    pub logo_url: String,
    /// Whether a missed chat becomes a ticket without asking the visitor.
    pub auto_create_ticket: bool,
    /// Default maximum of concurrent chats per agent.
    #[sqlx(try_from = "i64")]
    pub agent_max_serve: u32,
    /// Whether live chat is switched on.
    pub enabled: bool,
    /// Business hours as text; empty means always open (see [`crate::hours`]).
    pub business_hours: String,
    /// Origins allowed to use the portal's widget, comma-separated; empty means any.
    pub allowed_origins: String,
    /// Which corner the launcher sits in: `left` or `right`.
    pub position: String,
    /// Shown to the visitor when the widget opens; empty for the widget's own words.
    pub greeting: String,
    /// Shown when nobody is available (outside hours, nobody online); empty for the widget's own.
    pub offline_message: String,
    /// Shown under the portal's name ("We usually reply in a few minutes"); empty for none.
    pub reply_time_text: String,
    /// When on, visitors' tokens must be minted by the site's backend with an API key: the
    /// live chat token call is refused.
    pub identity_verification: bool,
    /// Days the portal is closed, a JSON list of `YYYY-MM-DD` in the business hours' zone.
    pub closed_dates: String,
    /// The pre-chat form's extra fields and consent, a JSON object (see [`parlor_protocol::prechat`]).
    pub prechat_fields: String,
    /// The secret visitors' user ids are derived from (never leaves the server).
    pub visitor_secret: String,
    /// When on, agents see a visitor's draft as they type it (the widget tells the visitor);
    /// off, nothing of a draft leaves the visitor's browser.
    pub typing_preview: bool,
    /// Days a finished chat is kept; 0 keeps them (see [`crate::retention`]).
    pub retention_days: i64,
}

impl Portal {
    /// A portal with the given ids and name, every setting at its default.
    pub fn new(id: &str, widget_key: &str, name: &str) -> Self {
        Self {
            id: id.into(),
            widget_key: widget_key.into(),
            name: name.into(),
            language: "en".into(),
            color: "#2563eb".into(),
            logo_url: String::new(),
            auto_create_ticket: false,
            agent_max_serve: 3,
            enabled: true,
            business_hours: String::new(),
            allowed_origins: String::new(),
            position: "right".into(),
            greeting: String::new(),
            offline_message: String::new(),
            reply_time_text: String::new(),
            identity_verification: false,
            closed_dates: "[]".into(),
            prechat_fields: "{}".into(),
            visitor_secret: String::new(),
            typing_preview: false,
            retention_days: 0,
        }
    }
}

/// A queue of a portal ("Sales", "Support").
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Queue {
    /// Stable id; visitors create a live chat conversation whose name is this id.
    pub id: String,
    /// Name shown to visitors.
    pub name: String,
}

/// A queue with its routing timeouts.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueueSettings {
    /// Stable id.
    pub id: String,
    /// Name shown to visitors.
    pub name: String,
    /// How long one agent has to answer an offer, in milliseconds.
    pub answer_timeout_ms: i64,
    /// How long a chat may wait for any agent, in milliseconds.
    pub queue_timeout_ms: i64,
}

/// An API key of a portal: the key SID is a JWT's `iss`, the secret signs it (HS256).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiKey {
    /// Public identifier, `SK…`.
    pub sid: String,
    /// Signing secret; never leaves the server except through `parlor init`.
    pub secret: String,
}

/// An agent as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Agent {
    /// Stable user id; the `userId` of the agent's tokens.
    pub user_id: String,
    /// The portal the agent works for.
    pub portal_id: String,
    /// Login email.
    pub email: String,
    /// Name shown to visitors.
    pub display_name: String,
    /// Argon2 PHC string of the password; an invited agent who has not set one has a value
    /// that no password matches.
    pub password_hash: String,
    /// What the agent may do in their portal.
    #[sqlx(try_from = "String")]
    pub role: Role,
    /// A deactivated agent cannot sign in, and their tokens are refused.
    pub active: bool,
    /// Most chats the agent serves at once.
    #[sqlx(try_from = "i64")]
    pub max_chats: u32,
    /// Picture URL, empty for none.
    pub avatar_url: String,
}

impl Agent {
    /// An active agent with the given identity, role `agent`, the given capacity, no picture.
    pub fn new(user_id: &str, portal_id: &str, email: &str, display_name: &str) -> Self {
        Self {
            user_id: user_id.into(),
            portal_id: portal_id.into(),
            email: email.into(),
            display_name: display_name.into(),
            password_hash: crate::auth::NO_PASSWORD.into(),
            role: Role::Agent,
            active: true,
            max_chats: 3,
            avatar_url: String::new(),
        }
    }

    /// Whether the agent may change the portal's settings.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// Everything `parlor init` writes for a new portal, in one transaction.
#[derive(Debug, Clone)]
pub struct NewPortal {
    /// The portal itself.
    pub portal: Portal,
    /// Its API key.
    pub api_key: ApiKey,
    /// Its queues, in display order.
    pub queues: Vec<Queue>,
    /// Its agents; each serves every queue of the portal.
    pub agents: Vec<Agent>,
}

/// The portals, their queues, keys and agents, as routing, tokens and sign-in read them.
#[async_trait]
pub trait PortalStore: Send + Sync {
    /// The portal whose widget key is `key`, if any.
    async fn portal_by_widget_key(&self, key: &str) -> Result<Option<Portal>, StoreError>;
    /// The portal with this id.
    async fn portal(&self, id: &str) -> Result<Option<Portal>, StoreError>;
    /// The first portal created on this server: the one the demo page embeds.
    async fn first_portal(&self) -> Result<Option<Portal>, StoreError>;
    /// The queues of a portal, in display order.
    async fn queues(&self, portal_id: &str) -> Result<Vec<Queue>, StoreError>;
    /// The API keys of a portal that are not revoked: first the one Parlor signs its own tokens
    /// with (kept apart from the site's keys), then the site's, oldest first.
    async fn api_keys(&self, portal_id: &str) -> Result<Vec<ApiKey>, StoreError>;
    /// The agents of a portal, oldest first (deleted ones left out).
    async fn agents(&self, portal_id: &str) -> Result<Vec<Agent>, StoreError>;
    /// The API key with this SID, and the id of its portal; none when it is revoked.
    async fn api_key(&self, sid: &str) -> Result<Option<(ApiKey, String)>, StoreError>;
    /// The agent who signs in with this email (compared without case).
    async fn agent_by_email(&self, email: &str) -> Result<Option<Agent>, StoreError>;
    /// The agent with this user id.
    async fn agent(&self, user_id: &str) -> Result<Option<Agent>, StoreError>;
    /// The queue with this id and its timeouts, if it belongs to `portal_id`.
    async fn queue(
        &self,
        portal_id: &str,
        queue_id: &str,
    ) -> Result<Option<QueueSettings>, StoreError>;
    /// The ids of the queues an agent serves, and their maximum of concurrent chats.
    async fn agent_queues(&self, user_id: &str) -> Result<(Vec<String>, u32), StoreError>;
    /// Creates a portal with its key, queues and agents, all or nothing.
    async fn create_portal(&self, new: &NewPortal) -> Result<(), StoreError>;
    /// Changes a portal's business hours and allowed origins.
    async fn configure_portal(
        &self,
        portal_id: &str,
        business_hours: &str,
        allowed_origins: &str,
    ) -> Result<(), StoreError>;
    /// Changes a queue's answer and queue timeouts, in milliseconds.
    async fn configure_queue(
        &self,
        queue_id: &str,
        answer_timeout_ms: i64,
        queue_timeout_ms: i64,
    ) -> Result<(), StoreError>;
}

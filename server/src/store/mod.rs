//! Persistence: one trait, [`Store`], and its backends.
//!
//! Routing, the socket gateway and the HTTP handlers only ever see this trait, never SQL, so
//! that the PostgreSQL backend (for several nodes) slots in beside [`sqlite::SqliteStore`].

// The column lists every backend selects: defined before the backends, which use them.
/// `SELECT` of every portal column, followed by the given clauses (a literal, so the query
/// stays a `&'static str` that sqlx accepts as audited SQL).
macro_rules! select_portal {
    ($tail:literal) => {
        concat!(
            "SELECT id, widget_key, name, language, color, logo_url, auto_create_ticket, \
             agent_max_serve, enabled, business_hours, allowed_origins, position, greeting, \
             offline_message, reply_time_text, identity_verification, closed_dates, \
             prechat_fields, visitor_secret, typing_preview, retention_days FROM portals ",
            $tail
        )
    };
}

/// `SELECT` of every agent column, then the given clauses (a literal: audited SQL).
macro_rules! select_agent {
    ($tail:literal) => {
        concat!(
            "SELECT user_id, portal_id, email, display_name, password_hash, role, active, \
             max_chats, avatar_url FROM agents ",
            $tail
        )
    };
}

/// `SELECT` of every conversation column, then the given clauses (a literal: audited SQL).
macro_rules! select_conversation {
    ($tail:literal) => {
        concat!(
            "SELECT id, portal_id, queue_id, name, creator, channel_type, status, agent_id, \
             custom_data, last_seq, created_at, updated_at, ended_by FROM conversations ",
            $tail
        )
    };
}

pub mod admin;
pub mod canned;
pub mod chat;
pub mod history;
pub mod label;
pub mod note;
pub mod postgres;
pub mod presence;
pub mod report;
pub mod retention;
pub mod search;
pub mod sqlite;
pub mod visitor_data;
pub mod webhook;

pub use admin::{
    AdminStore, ApiKeyInfo, AuditEntry, AuditNote, ChangeError, NewAgent, QueueDetails, Role,
};
pub use canned::{Canned, CannedStore};
pub use history::{HistoryStore, PastChat};
pub use label::{Label, LabelStore};
pub use note::{Note, NoteStore};
pub use presence::{OpenChat, PresenceStore};
pub use report::{ChatFacts, RatingComment, ReportStore, TicketFacts};
pub use retention::RetentionStore;
pub use search::{Rating, SearchHit, SearchQuery, SearchStore};
pub use visitor_data::{Erased, Person, VisitorData, VisitorDataStore};
pub use webhook::{Delivery, Outcome, Webhook, WebhookStore};

pub use chat::{
    Conversation, Message, MessageQuery, NewConversation, NewMessage, NewTicket, Participant,
    Status, StoredFile, Ticket, WaitingChat,
};

use async_trait::async_trait;

/// A failure of the storage backend. Handlers turn it into a generic 500 and log the source.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database answered with an error or could not be reached.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the embedded migrations failed.
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

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
    /// The pre-chat form's extra fields and consent, a JSON object (see [`crate::prechat`]).
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

/// A visitor's profile, as given with the live chat token call or updated later.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Visitor {
    /// The visitor's user id (the `userId` of their tokens).
    pub user_id: String,
    /// The portal whose widget they use.
    pub portal_id: String,
    /// Name they gave.
    pub name: String,
    /// Email they gave.
    pub email: String,
    /// Phone they gave, empty for none.
    pub phone: String,
    /// Picture URL, empty for none.
    pub avatar_url: String,
    /// What the widget told about their browser and page (UPDATE_USER_INFO), as a JSON object.
    pub details: String,
}

impl Visitor {
    /// A visitor known only by ids, as a token minted by the site's backend introduces one.
    pub fn new(user_id: &str, portal_id: &str) -> Self {
        Self {
            user_id: user_id.into(),
            portal_id: portal_id.into(),
            name: String::new(),
            email: String::new(),
            phone: String::new(),
            avatar_url: String::new(),
            details: "{}".into(),
        }
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

/// The storage operations Parlor needs, whatever the database; the administration's are in
/// [`AdminStore`], the private notes' in [`NoteStore`], the canned responses' in
/// [`CannedStore`], the visitors' history in [`HistoryStore`], the labels in [`LabelStore`],
/// search in [`SearchStore`], who has a chat open in [`PresenceStore`], one visitor's data to
/// export or erase in [`VisitorDataStore`], old chats' deletion in [`RetentionStore`], webhooks
/// and their outbox in [`WebhookStore`], what reports are computed from in [`ReportStore`].
#[async_trait]
pub trait Store:
    AdminStore
    + NoteStore
    + CannedStore
    + HistoryStore
    + LabelStore
    + SearchStore
    + PresenceStore
    + VisitorDataStore
    + RetentionStore
    + WebhookStore
    + ReportStore
    + Send
    + Sync
    + 'static
{
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
    /// Creates the visitor if they do not exist yet; leaves an existing one as it is.
    async fn ensure_visitor(&self, visitor: &Visitor) -> Result<(), StoreError>;
    /// Creates the visitor, or updates their name and email.
    async fn upsert_visitor(&self, visitor: &Visitor) -> Result<(), StoreError>;
    /// Replaces an existing visitor's profile (name, email, phone, avatar, details).
    async fn update_visitor(&self, visitor: &Visitor) -> Result<(), StoreError>;
    /// The queue with this id and its timeouts, if it belongs to `portal_id`.
    async fn queue(
        &self,
        portal_id: &str,
        queue_id: &str,
    ) -> Result<Option<QueueSettings>, StoreError>;
    /// The ids of the queues an agent serves, and their maximum of concurrent chats.
    async fn agent_queues(&self, user_id: &str) -> Result<(Vec<String>, u32), StoreError>;
    /// A visitor's profile.
    async fn visitor(&self, user_id: &str) -> Result<Option<Visitor>, StoreError>;
    /// Creates a live chat conversation with its creator as first member; if the creator already
    /// created one with the same `create_local_id`, returns that one instead. The flag says
    /// whether it is new.
    async fn create_conversation(
        &self,
        new: &NewConversation,
    ) -> Result<(Conversation, bool), StoreError>;
    /// The conversation with this id.
    async fn conversation(&self, id: &str) -> Result<Option<Conversation>, StoreError>;
    /// The conversations `user_id` is (or was) a member of, most recently updated first.
    async fn conversations_of(
        &self,
        user_id: &str,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError>;
    /// The members of a conversation.
    async fn participants(&self, conv_id: &str) -> Result<Vec<Participant>, StoreError>;
    /// The conversation and its members together (each message needs both; a backend may
    /// answer in one query).
    async fn conversation_and_participants(
        &self,
        id: &str,
    ) -> Result<Option<(Conversation, Vec<Participant>)>, StoreError> {
        match self.conversation(id).await? {
            Some(conversation) => Ok(Some((conversation, self.participants(id).await?))),
            None => Ok(None),
        }
    }
    /// Makes `agent_id` the conversation's agent and a member; the chat becomes active.
    async fn assign_agent(&self, conv_id: &str, agent_id: &str) -> Result<(), StoreError>;
    /// Ends a conversation that is not over yet, with `status` (ended or missed); returns
    /// whether it changed.
    async fn finish_conversation(
        &self,
        conv_id: &str,
        status: Status,
        ended_by: &str,
    ) -> Result<bool, StoreError>;
    /// Stores a message with the conversation's next seq, in one transaction; a message resent
    /// with the same sender and `local_db_id` returns the stored one. The flag says whether it
    /// is new.
    async fn append_message(&self, new: &NewMessage) -> Result<(Message, bool), StoreError>;
    /// Loads messages of a conversation by seq.
    async fn messages(
        &self,
        conv_id: &str,
        query: MessageQuery,
    ) -> Result<Vec<Message>, StoreError>;
    /// Records that `user_id` has received (status 1) or read (status 2) up to `seq`; never
    /// moves backwards.
    async fn report(
        &self,
        conv_id: &str,
        user_id: &str,
        seq: i64,
        read: bool,
    ) -> Result<(), StoreError>;
    /// Creates a portal with its key, queues and agents, all or nothing.
    async fn create_portal(&self, new: &NewPortal) -> Result<(), StoreError>;
    /// Records the visitor's rating (0 bad, 1 good) and comment; a later rating replaces it.
    async fn rate_conversation(
        &self,
        conv_id: &str,
        rating: i64,
        comment: &str,
    ) -> Result<(), StoreError>;
    /// Hands an active chat from one agent to another: `from` leaves (keeping the history they
    /// saw), `to` joins and becomes the chat's agent.
    async fn transfer_conversation(
        &self,
        conv_id: &str,
        from: &str,
        to: &str,
    ) -> Result<(), StoreError>;
    /// Adds an agent to an active chat as a member, without making them its agent.
    async fn join_conversation(&self, conv_id: &str, user_id: &str) -> Result<(), StoreError>;
    /// Makes an ended chat active again; returns whether it was ended.
    async fn reopen_conversation(&self, conv_id: &str) -> Result<bool, StoreError>;
    /// The ids of the active chats `agent_id` is the agent of.
    async fn active_chats_of(&self, agent_id: &str) -> Result<Vec<String>, StoreError>;
    /// Marks every chat still waiting for an agent as missed (at start-up: routing state is
    /// in memory, so a chat queued before a restart would otherwise wait forever); returns how
    /// many.
    async fn miss_waiting_chats(&self) -> Result<u64, StoreError>;
    /// Every chat still waiting for an agent, oldest first (a node taking over routing puts
    /// them back in line).
    async fn waiting_chats(&self) -> Result<Vec<WaitingChat>, StoreError>;
    /// The most recent chat of `visitor_id` that nobody answered, if any.
    async fn last_missed_conversation(
        &self,
        visitor_id: &str,
    ) -> Result<Option<Conversation>, StoreError>;
    /// Stores a ticket and returns it.
    async fn create_ticket(&self, new: &NewTicket) -> Result<Ticket, StoreError>;
    /// A portal's tickets, newest first.
    async fn tickets(&self, portal_id: &str, limit: i64) -> Result<Vec<Ticket>, StoreError>;
    /// A portal's missed chats, newest first.
    async fn missed_conversations(
        &self,
        portal_id: &str,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError>;
    /// Records an uploaded file (its bytes are already in the data folder).
    async fn create_file(&self, file: &StoredFile) -> Result<(), StoreError>;
    /// The uploaded file with this id.
    async fn file(&self, id: &str) -> Result<Option<StoredFile>, StoreError>;
    /// Makes a file readable by a conversation's members.
    async fn link_file(&self, file_id: &str, conv_id: &str) -> Result<(), StoreError>;
    /// Whether `user_id` may read the file: its uploader, or a member of a conversation it was
    /// sent in.
    async fn file_readable_by(&self, file_id: &str, user_id: &str) -> Result<bool, StoreError>;
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
    /// Closes the connections, waiting for those in use (at shutdown).
    async fn close(&self);
}

/// Where a server's records live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// The embedded default: this SQLite file (`DATA/parlor.db`).
    Sqlite(std::path::PathBuf),
    /// A PostgreSQL database that several nodes share, by its URL.
    Postgres(String),
}

impl Database {
    /// `--database URL` when given (it must be a `postgres://` or `postgresql://` URL),
    /// otherwise the SQLite file in the data folder.
    pub fn choose(url: Option<&str>, data_dir: &std::path::Path) -> Result<Self, String> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => Ok(Self::Sqlite(data_dir.join(crate::seed::DATABASE_FILE))),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(url.to_string()))
            }
            Some(_) => Err(
                "--database takes a PostgreSQL URL (postgres://user@host:5432/name); \
                 without it, the SQLite file in --data is used"
                    .into(),
            ),
        }
    }

    /// Opens the database (creating a SQLite file if needed) and applies pending migrations.
    pub async fn open(&self) -> Result<std::sync::Arc<dyn Store>, StoreError> {
        Ok(match self {
            Self::Sqlite(path) => std::sync::Arc::new(sqlite::SqliteStore::open(path).await?),
            Self::Postgres(url) => std::sync::Arc::new(postgres::PostgresStore::open(url).await?),
        })
    }

    /// What to call it in messages: the file, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Self::Sqlite(path) => path.display().to_string(),
            Self::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => {
                    let user = &url[scheme + 3..at];
                    let user = user.split(':').next().unwrap_or_default();
                    format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
                }
                _ => url.clone(),
            },
        }
    }
}

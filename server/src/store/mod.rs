//! Persistence: the [`Store`] trait (with its parts, one trait per domain) and its backends.
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
pub mod file;
pub mod history;
pub mod label;
pub mod note;
pub mod portal;
pub mod postgres;
pub mod presence;
pub mod report;
pub mod retention;
pub mod search;
pub mod sqlite;
pub mod ticket;
pub mod visitor;
pub mod visitor_data;
pub mod webhook;

pub use admin::{
    AdminStore, ApiKeyInfo, AuditEntry, AuditNote, ChangeError, NewAgent, QueueDetails, Role,
};
pub use canned::{Canned, CannedStore};
pub use file::FileStore;
pub use history::{HistoryStore, PastChat};
pub use label::{Label, LabelStore};
pub use note::{Note, NoteStore};
pub use portal::{Agent, ApiKey, NewPortal, Portal, PortalStore, Queue, QueueSettings};
pub use presence::{OpenChat, PresenceStore};
pub use report::{ChatFacts, RatingComment, ReportStore, TicketFacts};
pub use retention::RetentionStore;
pub use search::{Rating, SearchHit, SearchQuery, SearchStore};
pub use ticket::TicketStore;
pub use visitor::{Visitor, VisitorStore};
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

/// The storage operations Parlor needs, whatever the database: here the conversations and
/// their messages; portals, queues, keys and agents are in [`PortalStore`], visitors' profiles
/// in [`VisitorStore`], tickets in [`TicketStore`], uploaded files in [`FileStore`], the
/// administration's changes in [`AdminStore`], the private notes' in [`NoteStore`], the canned responses' in
/// [`CannedStore`], the visitors' history in [`HistoryStore`], the labels in [`LabelStore`],
/// search in [`SearchStore`], who has a chat open in [`PresenceStore`], one visitor's data to
/// export or erase in [`VisitorDataStore`], old chats' deletion in [`RetentionStore`], webhooks
/// and their outbox in [`WebhookStore`], what reports are computed from in [`ReportStore`].
#[async_trait]
pub trait Store:
    PortalStore
    + VisitorStore
    + TicketStore
    + FileStore
    + AdminStore
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
    /// A portal's missed chats, newest first.
    async fn missed_conversations(
        &self,
        portal_id: &str,
        limit: i64,
    ) -> Result<Vec<Conversation>, StoreError>;
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

//! Visitors' profiles.

use async_trait::async_trait;

use super::StoreError;

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

/// Visitors' profiles, as the live chat token and UPDATE_USER_INFO give them.
#[async_trait]
pub trait VisitorStore: Send + Sync {
    /// Creates the visitor if they do not exist yet; leaves an existing one as it is.
    async fn ensure_visitor(&self, visitor: &Visitor) -> Result<(), StoreError>;
    /// Creates the visitor, or updates their name and email.
    async fn upsert_visitor(&self, visitor: &Visitor) -> Result<(), StoreError>;
    /// Replaces an existing visitor's profile (name, email, phone, avatar, details).
    async fn update_visitor(&self, visitor: &Visitor) -> Result<(), StoreError>;
    /// A visitor's profile.
    async fn visitor(&self, user_id: &str) -> Result<Option<Visitor>, StoreError>;
}

//! Labels: names with a colour that a portal's admins define and its agents put on
//! conversations, to sort them and to find them again (search filters by label).

use async_trait::async_trait;

use super::StoreError;

/// A label of a portal.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Label {
    pub id: String,
    pub portal_id: String,
    pub name: String,
    /// A CSS colour, `#rrggbb`.
    pub color: String,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Storing labels and which conversations carry them.
#[async_trait]
pub trait LabelStore: Send + Sync {
    /// The labels of `portal_id`, by name.
    async fn labels(&self, portal_id: &str) -> Result<Vec<Label>, StoreError>;

    /// Stores a new label, or renames and recolours the one with the same id.
    async fn save_label(&self, label: &Label) -> Result<(), StoreError>;

    /// Deletes a label of `portal_id`, and takes it off every conversation; says whether it
    /// existed.
    async fn delete_label(&self, portal_id: &str, id: &str) -> Result<bool, StoreError>;

    /// The ids of the labels on `conv_id`, in label-name order.
    async fn conversation_labels(&self, conv_id: &str) -> Result<Vec<String>, StoreError>;

    /// Puts exactly `label_ids` on `conv_id` (the caller has checked they are the portal's).
    async fn set_conversation_labels(
        &self,
        conv_id: &str,
        label_ids: &[String],
    ) -> Result<(), StoreError>;
}

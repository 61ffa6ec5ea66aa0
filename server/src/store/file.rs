//! Uploaded files' records (their bytes are in the data folder).

use async_trait::async_trait;

use super::{StoreError, StoredFile};

/// Uploaded files, and who may read them.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// Records an uploaded file (its bytes are already in the data folder).
    async fn create_file(&self, file: &StoredFile) -> Result<(), StoreError>;
    /// The uploaded file with this id.
    async fn file(&self, id: &str) -> Result<Option<StoredFile>, StoreError>;
    /// Makes a file readable by a conversation's members.
    async fn link_file(&self, file_id: &str, conv_id: &str) -> Result<(), StoreError>;
    /// Whether `user_id` may read the file: its uploader, or a member of a conversation it was
    /// sent in.
    async fn file_readable_by(&self, file_id: &str, user_id: &str) -> Result<bool, StoreError>;
}

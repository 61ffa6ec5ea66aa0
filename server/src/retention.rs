//! Retention: every hour (and at start), each portal with `retention_days` set has its finished
//! chats older than that deleted, files and all (see [`crate::store::RetentionStore`]). Every
//! node sweeps; a deletion already done by another finds nothing.

use std::path::Path;
use std::time::Duration;

use crate::AppState;
use crate::store::{Store, StoreError};

/// How often the sweep runs.
pub const EVERY: Duration = Duration::from_secs(3600);
const DAY_MS: i64 = 86_400_000;

/// Deletes what the portals' retention lets go as of `now_ms`, files' bytes in `files_dir`
/// too; answers how many chats went.
pub async fn sweep(store: &dyn Store, files_dir: &Path, now_ms: i64) -> Result<u64, StoreError> {
    let mut deleted = 0;
    for portal in store.portals().await? {
        if portal.retention_days <= 0 {
            continue;
        }
        let before = now_ms - portal.retention_days * DAY_MS;
        let (chats, files) = store.delete_chats_before(&portal.id, before).await?;
        for id in files {
            if let Err(e) = tokio::fs::remove_file(files_dir.join(&id)).await
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(file = %id, error = %e, "an expired file's bytes could not be removed");
            }
        }
        if chats > 0 {
            tracing::info!(portal = %portal.id, chats, "retention deleted old chats");
        }
        deleted += chats;
    }
    Ok(deleted)
}

/// Sweeps every [`EVERY`], for as long as the server runs.
pub async fn run(state: AppState) {
    let mut tick = tokio::time::interval(EVERY);
    loop {
        tick.tick().await;
        if let Err(error) = sweep(
            state.store.as_ref(),
            &state.files_dir,
            crate::hours::now_ms(),
        )
        .await
        {
            tracing::warn!(%error, "the retention sweep failed");
        }
    }
}

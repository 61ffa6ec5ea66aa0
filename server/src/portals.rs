//! The portals' settings, read through one cache: every chat profile, token call and AUTHEN
//! needs its portal, and settings change rarely. A change made through the admin API
//! invalidates the portal's entry at once; one written to the store by another process (the
//! `parlor configure` command, another node) shows once the entry is [`MAX_AGE`] old.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::store::{Portal, Store, StoreError};

/// How long an entry is trusted without a change seen by this process.
pub const MAX_AGE: Duration = Duration::from_secs(5);

/// Portals by id, and widget keys to ids.
#[derive(Debug, Default)]
pub struct PortalCache {
    // A std Mutex: held only to read or edit the maps, never across an `.await`.
    entries: Mutex<Entries>,
}

#[derive(Debug, Default)]
struct Entries {
    by_id: HashMap<String, (Arc<Portal>, Instant)>,
    key_to_id: HashMap<String, String>,
}

impl PortalCache {
    /// The portal with this id. Unknown ids are not remembered, so that guesses cannot fill
    /// the cache.
    pub async fn by_id(
        &self,
        store: &dyn Store,
        id: &str,
    ) -> Result<Option<Arc<Portal>>, StoreError> {
        if let Some(portal) = self.lock().fresh(id) {
            return Ok(Some(portal));
        }
        Ok(store.portal(id).await?.map(|p| self.remember(p)))
    }

    /// The portal whose widget key is `key`.
    pub async fn by_widget_key(
        &self,
        store: &dyn Store,
        key: &str,
    ) -> Result<Option<Arc<Portal>>, StoreError> {
        {
            let entries = self.lock();
            if let Some(portal) = entries.key_to_id.get(key).and_then(|id| entries.fresh(id)) {
                return Ok(Some(portal));
            }
        }
        Ok(store
            .portal_by_widget_key(key)
            .await?
            .map(|p| self.remember(p)))
    }

    /// Forgets a portal: the next read fetches it from the store.
    pub fn invalidate(&self, id: &str) {
        let mut entries = self.lock();
        if let Some((portal, _)) = entries.by_id.remove(id) {
            entries.key_to_id.remove(&portal.widget_key);
        }
    }

    fn remember(&self, portal: Portal) -> Arc<Portal> {
        let portal = Arc::new(portal);
        let mut entries = self.lock();
        entries
            .key_to_id
            .insert(portal.widget_key.clone(), portal.id.clone());
        entries
            .by_id
            .insert(portal.id.clone(), (portal.clone(), Instant::now()));
        portal
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Entries {
    fn fresh(&self, id: &str) -> Option<Arc<Portal>> {
        self.by_id
            .get(id)
            .filter(|(_, at)| at.elapsed() < MAX_AGE)
            .map(|(portal, _)| portal.clone())
    }
}

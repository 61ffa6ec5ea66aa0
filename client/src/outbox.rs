//! The outbox: the user's messages not yet acknowledged by the server, in the order written,
//! kept in `localStorage` so that a reload or a lost connection loses none of them.

use parlor_protocol::read::{int, some_text};
use serde::Serialize;
use serde_json::Value;

/// One message waiting for the server's acknowledgement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pending {
    /// The id the server deduplicates resends by.
    pub local_db_id: String,
    pub conv_id: String,
    pub kind: i64,
    pub message: Value,
    /// When it was written, milliseconds since the Unix epoch.
    pub created: i64,
}

impl Pending {
    /// The entry as [`Outbox::save`] writes it (serde's names, written by hand: no
    /// serializer in the widget's wasm).
    fn to_json(&self) -> Value {
        crate::json::object(vec![
            ("local_db_id", Value::from(self.local_db_id.as_str())),
            ("conv_id", Value::from(self.conv_id.as_str())),
            ("kind", Value::from(self.kind)),
            ("message", self.message.clone()),
            ("created", Value::from(self.created)),
        ])
    }

    /// An entry as [`Outbox::save`] wrote it (serde's field names).
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            local_db_id: some_text(v, "local_db_id")?,
            conv_id: some_text(v, "conv_id")?,
            kind: v.get("kind")?.as_i64()?,
            message: v.get("message")?.clone(),
            created: int(v, "created"),
        })
    }
}

/// The outbox, mirrored to `localStorage` under `key` after every change.
#[derive(Debug, Default)]
pub struct Outbox {
    key: String,
    entries: Vec<Pending>,
}

impl Outbox {
    /// The outbox kept under `key`, with whatever an earlier page left there.
    pub fn load(key: &str) -> Self {
        let entries = storage()
            .and_then(|s| s.get_item(key).ok().flatten())
            .and_then(|text| crate::json::parse(&text))
            .and_then(|all| {
                all.as_array()
                    .map(|all| all.iter().filter_map(Pending::from_json).collect())
            })
            .unwrap_or_default();
        Self {
            key: key.to_string(),
            entries,
        }
    }

    /// An outbox that is not persisted (for tests outside a browser).
    #[cfg(test)]
    pub fn in_memory() -> Self {
        Self::default()
    }

    pub fn push(&mut self, entry: Pending) {
        self.entries.push(entry);
        self.save();
    }

    /// Removes the entry with this local id; returns it.
    pub fn remove(&mut self, local_db_id: &str) -> Option<Pending> {
        let index = self
            .entries
            .iter()
            .position(|e| e.local_db_id == local_db_id)?;
        let entry = self.entries.remove(index);
        self.save();
        Some(entry)
    }

    /// The oldest entry, which goes out first.
    pub fn first(&self) -> Option<&Pending> {
        self.entries.first()
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> &[Pending] {
        &self.entries
    }

    fn save(&self) {
        if self.key.is_empty() {
            return;
        }
        let Some(storage) = storage() else { return };
        let result = if self.entries.is_empty() {
            storage.remove_item(&self.key)
        } else {
            let all = self.entries.iter().map(Pending::to_json).collect();
            let text = crate::json::stringify(&Value::Array(all));
            storage.set_item(&self.key, &text)
        };
        // A full or blocked storage keeps the outbox in memory only: the page still sends.
        let _ = result;
    }
}

fn storage() -> Option<web_sys::Storage> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Pending {
        Pending {
            local_db_id: id.into(),
            conv_id: "c".into(),
            kind: 1,
            message: serde_json::json!({"content": id}),
            created: 0,
        }
    }

    #[test]
    fn entries_leave_in_the_order_they_came_and_only_once() {
        let mut outbox = Outbox::in_memory();
        outbox.push(entry("a"));
        outbox.push(entry("b"));
        assert_eq!(outbox.first().unwrap().local_db_id, "a");
        assert!(outbox.remove("a").is_some());
        assert!(outbox.remove("a").is_none());
        assert_eq!(outbox.first().unwrap().local_db_id, "b");
    }

    #[test]
    fn an_entry_is_stored_as_serde_writes_it_and_read_back_whole() {
        let mut written = entry("a");
        written.created = 1_764_000_000_000;
        written.message = serde_json::json!({"photo": {"filePath": "/v1/file/x", "ratio": 1.5}});
        let stored = written.to_json();
        assert_eq!(stored, serde_json::to_value(&written).unwrap());
        assert_eq!(Pending::from_json(&stored), Some(written));
        // An entry from an older page without its time still goes out.
        let old = serde_json::json!({"local_db_id": "b", "conv_id": "c", "kind": 1,
            "message": {"content": "hi"}});
        assert_eq!(Pending::from_json(&old).map(|p| p.created), Some(0));
    }
}

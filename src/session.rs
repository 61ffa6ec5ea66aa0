//! What the widget keeps in `localStorage`, so that a reload (or a second tab) finds the
//! visitor and their chat where they were: the browser's visitor id, what they told us, their
//! token and their current chat.

use parlor_client::json;
use parlor_protocol::read::{some_text, text};
use serde::Serialize;

/// The visitor, as this browser remembers them for one portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Saved {
    /// The id this browser keeps for the visitor (the token call's `userId`).
    pub browser_id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// The live chat token, to reconnect after a reload.
    pub token: String,
    /// The chat in progress, if any.
    pub conv_id: Option<String>,
    /// Its queue.
    pub queue_id: Option<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn key(widget_key: &str) -> String {
    format!("parlor.{widget_key}.visitor")
}

impl Saved {
    /// What this browser remembers for the portal, with a visitor id made on first use.
    pub fn load(widget_key: &str) -> Self {
        let mut saved: Saved = storage()
            .and_then(|s| s.get_item(&key(widget_key)).ok().flatten())
            .and_then(|text| json::parse(&text))
            .map(|v| Self::from_json(&v))
            .unwrap_or_default();
        if saved.browser_id.is_empty() {
            saved.browser_id = format!(
                "b{:x}{:x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * f64::from(u32::MAX)) as u32
            );
            saved.store(widget_key);
        }
        saved
    }

    /// What [`Saved::store`] wrote (serde's field names); what is missing reads as empty.
    fn from_json(v: &serde_json::Value) -> Self {
        Self {
            browser_id: text(v, "browser_id"),
            name: text(v, "name"),
            email: text(v, "email"),
            phone: text(v, "phone"),
            token: text(v, "token"),
            conv_id: some_text(v, "conv_id"),
            queue_id: some_text(v, "queue_id"),
        }
    }

    /// Writes it back.
    pub fn store(&self, widget_key: &str) {
        if let (Some(storage), Ok(value)) = (storage(), serde_json::to_value(self)) {
            let _ = storage.set_item(&key(widget_key), &json::stringify(&value));
        }
    }
}

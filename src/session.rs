//! What the widget keeps in `localStorage`, so that a reload (or a second tab) finds the
//! visitor and their chat where they were: the browser's visitor id, what they told us, their
//! token and their current chat.

use parlor_client::json;
use parlor_protocol::read::{some_text, text};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;

/// What the page told the widget about the visitor (`Parlor.setUser`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageUser {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// A token the site's backend minted for this user (identity verification).
    pub token: String,
}

impl PageUser {
    /// Reads `Parlor.setUser`'s object; a field missing or not a string stays empty.
    pub fn from_js(user: &JsValue) -> Self {
        use crate::options::text;
        Self {
            name: text(user, "name"),
            email: text(user, "email"),
            phone: text(user, "phone"),
            token: text(user, "token"),
        }
    }
}

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
    /// The token the page gave for its signed-in user on this page view (`Parlor.setUser`):
    /// not stored, so that a visitor who signed out on the site is not taken for who they were.
    #[serde(skip)]
    pub page_token: String,
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
    fn from_json(v: &Value) -> Self {
        Self {
            browser_id: text(v, "browser_id"),
            name: text(v, "name"),
            email: text(v, "email"),
            phone: text(v, "phone"),
            token: text(v, "token"),
            conv_id: some_text(v, "conv_id"),
            queue_id: some_text(v, "queue_id"),
            page_token: String::new(),
        }
    }

    /// What the page said of the visitor fills what it gives; a token of theirs is the
    /// identity the chat uses.
    pub fn told(&mut self, user: PageUser) {
        for (kept, given) in [
            (&mut self.name, user.name),
            (&mut self.email, user.email),
            (&mut self.phone, user.phone),
        ] {
            if !given.is_empty() {
                *kept = given;
            }
        }
        if !user.token.is_empty() {
            self.token = user.token.clone();
            self.page_token = user.token;
        }
    }

    /// Writes it back.
    pub fn store(&self, widget_key: &str) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(&key(widget_key), &json::stringify(&self.to_json()));
        }
    }

    /// As serde writes it (its names; `null` for no chat), by hand: the widget's wasm carries
    /// no serializer.
    fn to_json(&self) -> Value {
        let string = |value: &str| Value::String(value.to_string());
        let maybe = |value: &Option<String>| value.as_deref().map_or(Value::Null, string);
        json::object(vec![
            ("browser_id", string(&self.browser_id)),
            ("name", string(&self.name)),
            ("email", string(&self.email)),
            ("phone", string(&self.phone)),
            ("token", string(&self.token)),
            ("conv_id", maybe(&self.conv_id)),
            ("queue_id", maybe(&self.queue_id)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test;

    use super::{PageUser, Saved};

    #[wasm_bindgen_test]
    fn what_is_stored_reads_back_whole_and_as_serde_writes_it() {
        let mid_chat = Saved {
            browser_id: "b1".into(),
            name: "Lan".into(),
            email: "lan@example.com".into(),
            phone: String::new(),
            token: "t".into(),
            conv_id: Some("c1".into()),
            queue_id: Some("q1".into()),
            page_token: String::new(),
        };
        for saved in [mid_chat, Saved::default()] {
            let stored = saved.to_json();
            assert_eq!(stored, serde_json::to_value(&saved).unwrap());
            assert_eq!(Saved::from_json(&stored), saved);
        }
    }

    #[wasm_bindgen_test]
    fn what_the_page_tells_fills_the_visitor_in_and_its_token_is_not_stored() {
        let mut saved = Saved {
            name: "Lan".into(),
            email: "lan@old.example".into(),
            token: "minted-by-the-server".into(),
            ..Saved::default()
        };
        saved.told(PageUser {
            name: String::new(),
            email: "lan@example.com".into(),
            phone: "0901 234 567".into(),
            token: "from-the-site".into(),
        });
        // What the page left empty stays as it was.
        assert_eq!(saved.name, "Lan");
        assert_eq!(saved.email, "lan@example.com");
        assert_eq!(saved.phone, "0901 234 567");
        assert_eq!(saved.token, "from-the-site");
        assert_eq!(saved.page_token, "from-the-site");
        // The next page view knows the token the chat used, not that the page gave one.
        let next_view = Saved::from_json(&saved.to_json());
        assert_eq!(next_view.token, "from-the-site");
        assert_eq!(next_view.page_token, "");
    }
}

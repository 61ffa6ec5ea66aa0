//! The customer REST calls (StringeeX API paths, served by Parlor under the same paths).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::read::{FromJson, list, small, some_text, text};

/// Path of the chat profile call: `GET /v1/chatcustomer/getsettingandqueues?key=<widget key>`.
pub const CHAT_PROFILE_PATH: &str = "/v1/chatcustomer/getsettingandqueues";

/// Every failed REST call answers this shape, whatever the HTTP status: `{"r": <non-zero>, "msg"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestError {
    /// Non-zero result code; see [`rest_code`] for the values Parlor uses.
    pub r: i32,
    /// A sentence for a developer reading the network log; never shown to visitors as is.
    pub msg: String,
}

/// Result codes of Parlor's REST answers. Stringee documents no table for these; Parlor keeps
/// them stable so that clients can branch on them (see `docs/protocol.md`).
pub mod rest_code {
    /// The request was malformed: a parameter missing, too long, or of the wrong shape.
    pub const BAD_REQUEST: i32 = 1;
    /// The widget key (or another identifier in the request) names nothing on this server.
    pub const NOT_FOUND: i32 = 2;
    /// The request's `Origin` is not one of the portal's allowed origins.
    pub const ORIGIN_NOT_ALLOWED: i32 = 3;
    /// Credentials or token missing, expired or wrong.
    pub const UNAUTHORIZED: i32 = 4;
    /// Too many requests from this client; try again later.
    pub const RATE_LIMITED: i32 = 5;
    /// The caller's role does not allow this (an agent calling an admin route).
    pub const NOT_PERMITTED: i32 = 6;
    /// The change conflicts with what exists (a name taken, the last admin).
    pub const CONFLICT: i32 = 7;
    /// A value is well-formed but not acceptable (a colour that is not `#rrggbb`).
    pub const INVALID_VALUE: i32 = 8;
    /// The server failed; the details are in its log, not in the answer.
    pub const INTERNAL: i32 = 500;
}

/// Answer of the chat profile call: the portal's widget settings and its queues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatProfileReply {
    /// Always [`crate::R_OK`] in a successful answer.
    pub r: i32,
    /// The portal's widget settings.
    pub chat_profile: ChatProfile,
    /// The queues a visitor may choose from, in the portal's order (Stringee puts them at the
    /// top level of the answer, not inside `chatProfile`).
    pub queues: Vec<Queue>,
}

/// A portal's live chat settings, with Stringee's field names. Fields Parlor does not use are
/// still sent with neutral values, because Stringee's SDKs read them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatProfile {
    /// The portal's id.
    pub id: String,
    /// The portal's display name, shown in the widget's header.
    pub portal: String,
    /// Stringee's project id; Parlor answers the portal id again.
    #[serde(default)]
    pub project_id: String,
    /// The widget's default language (`en`, `vi`).
    #[serde(default)]
    pub language: String,
    /// The brand color as `#rrggbb`.
    #[serde(default)]
    pub background: String,
    /// URL of the portal's logo, empty when there is none.
    #[serde(default)]
    pub logo_url: String,
    /// 1 when a missed chat becomes a ticket on its own, 0 when the visitor is asked.
    #[serde(default)]
    pub auto_create_ticket: u8,
    /// Stringee's pop-up answer URL for agents; Parlor leaves it empty.
    #[serde(default)]
    pub popup_answer_url: String,
    /// Default maximum of concurrent chats per agent.
    #[serde(default)]
    pub agent_max_serve: u32,
    /// 1 when live chat is on for this portal.
    #[serde(default)]
    pub enabled: u8,
    /// Id of the portal's business hours; empty when the portal is always open.
    #[serde(default)]
    pub business_hour_id: String,
    /// The business hours themselves, as text (`Mon-Fri 08:00-17:00 +07:00`); empty = always open.
    #[serde(default)]
    pub hour: String,
    /// Stringee's channel switches; always 0 in Parlor.
    #[serde(default)]
    pub facebook_as_livechat: u8,
    /// Stringee's channel switches; always 0 in Parlor.
    #[serde(default)]
    pub zalo_as_livechat: u8,
    /// Parlor extension: the launcher's corner, `left` or `right` (empty: the widget's default).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub position: String,
    /// Parlor extension: the portal's greeting, shown when the widget opens (empty: the
    /// widget's own words).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub greeting: String,
    /// Parlor extension: shown when nobody can take a chat (empty: the widget's own words).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub offline_message: String,
    /// Parlor extension: the expected reply time, shown under the portal's name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reply_time_text: String,
    /// Parlor extension: 1 when visitors' tokens must come from the site's backend, so the
    /// widget does not ask for one with a name and email.
    #[serde(default)]
    pub identity_verification: u8,
    /// Parlor extension: the pre-chat form's extra fields and consent.
    #[serde(default)]
    pub prechat: crate::prechat::PrechatForm,
    /// Parlor extension: 1 when agents see the visitor's draft as they type (typing preview);
    /// the widget then says so, and sends drafts (service `DRAFT`).
    #[serde(default)]
    pub typing_preview: u8,
}

/// A queue a visitor can pick ("Sales", "Support"); its id is the `name` of the live chat
/// conversation the visitor then creates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    /// Stable id of the queue.
    pub id: String,
    /// Name shown to visitors.
    pub name: String,
    /// Parlor extension: how many agents are available to this queue now. A widget sends the
    /// visitor to the ticket form when it is 0 (absent, as from StringeeX, reads as unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agents_online: Option<u32>,
}

impl FromJson for ChatProfileReply {
    fn from_json(value: &Value) -> Option<Self> {
        Some(Self {
            r: small(value, "r"),
            chat_profile: ChatProfile::from_json(value.get("chatProfile")?)?,
            queues: list(value, "queues"),
        })
    }
}

impl FromJson for ChatProfile {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            id: some_text(v, "id")?,
            portal: some_text(v, "portal")?,
            project_id: text(v, "project_id"),
            language: text(v, "language"),
            background: text(v, "background"),
            logo_url: text(v, "logo_url"),
            auto_create_ticket: small(v, "auto_create_ticket"),
            popup_answer_url: text(v, "popup_answer_url"),
            agent_max_serve: small(v, "agent_max_serve"),
            enabled: small(v, "enabled"),
            business_hour_id: text(v, "business_hour_id"),
            hour: text(v, "hour"),
            facebook_as_livechat: small(v, "facebook_as_livechat"),
            zalo_as_livechat: small(v, "zalo_as_livechat"),
            position: text(v, "position"),
            greeting: text(v, "greeting"),
            offline_message: text(v, "offline_message"),
            reply_time_text: text(v, "reply_time_text"),
            identity_verification: small(v, "identity_verification"),
            prechat: v
                .get("prechat")
                .and_then(crate::prechat::PrechatForm::from_json)
                .unwrap_or_default(),
            typing_preview: small(v, "typing_preview"),
        })
    }
}

impl FromJson for Queue {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            id: some_text(v, "id")?,
            name: some_text(v, "name")?,
            agents_online: v
                .get("agents_online")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok()),
        })
    }
}

impl FromJson for RestError {
    fn from_json(v: &Value) -> Option<Self> {
        Some(Self {
            r: i32::try_from(v.get("r")?.as_i64()?).ok()?,
            msg: some_text(v, "msg")?,
        })
    }
}

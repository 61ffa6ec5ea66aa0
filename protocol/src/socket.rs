//! The socket: frames, service ids and result codes.
//!
//! Every WebSocket text frame is a JSON object `{"service": <id>, "body": {...}}`. A request's
//! body carries `requestId`; the reply has the same service id and `requestId`, a result code
//! `r` (0 = success) and a `message`. Pushes from the server carry no `requestId`.

use serde::{Deserialize, Serialize};

/// One socket frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Frame {
    /// Which service (see [`service`]).
    pub service: u16,
    /// The service's fields; an object on the wire.
    #[serde(default)]
    pub body: serde_json::Value,
}

impl crate::read::FromJson for Frame {
    fn from_json(value: &serde_json::Value) -> Option<Self> {
        Some(Self {
            service: u16::try_from(value.get("service")?.as_u64()?).ok()?,
            body: value.get("body").cloned().unwrap_or_default(),
        })
    }
}

/// Service ids, Stringee's, plus Parlor's extensions from 1000 up (Stringee's stay below 200).
pub mod service {
    /// Keep-alive, both ways.
    pub const PING: u16 = 1;
    /// First request of a connection: the access token.
    pub const AUTHEN: u16 = 2;
    /// Create a conversation; for live chat, `name` is the queue id.
    pub const CHAT_CREATE_CONVERSATION: u16 = 41;
    /// Send a message.
    pub const CHAT_MESSAGE: u16 = 42;
    /// Push: a message from someone else.
    pub const CHAT_MESSAGE_FROM_SERVER: u16 = 45;
    /// Delivered / seen report.
    pub const CHAT_MESSAGE_REPORT: u16 = 46;
    /// Push: someone's delivered / seen report.
    pub const CHAT_MESSAGE_REPORT_FROM_SERVER: u16 = 47;
    /// Load the caller's conversations.
    pub const CHAT_CONVERSATION_LOAD: u16 = 48;
    /// Load a conversation's messages by seq.
    pub const CHAT_MESSAGES_LOAD: u16 = 50;
    /// Custom message to a user.
    pub const CUSTOM_MESSAGE: u16 = 54;
    /// Push: a custom message.
    pub const CUSTOM_MESSAGE_FROM_SERVER: u16 = 55;
    /// Users' public info.
    pub const CHAT_GET_USERS_INFO: u16 = 56;
    /// Conversations by id.
    pub const CHAT_GET_CONVERSATIONS_INFO: u16 = 57;
    /// Push to an agent: a chat request (an offer).
    pub const CHAT_ROUTE_TO_AGENT: u16 = 64;
    /// An agent accepts or rejects a chat request.
    pub const CHAT_AGENT_RESPONSE: u16 = 65;
    /// Push to an agent: the offer timed out.
    pub const TIMEOUT_ROUTE_TO_AGENT: u16 = 66;
    /// Push to a visitor: no agent took the chat in time.
    pub const TIMEOUT_ROUTE_TO_QUEUE: u16 = 67;
    /// End a chat; also its push to the other members.
    pub const END_CHAT: u16 = 68;
    /// Rate a chat.
    pub const RATE_CHAT: u16 = 69;
    /// Update the caller's profile.
    pub const UPDATE_USER_INFO: u16 = 70;
    /// Mail the transcript.
    pub const SEND_EMAIL_TRANSCRIPT: u16 = 71;
    /// Push: another user's profile changed.
    pub const USER_INFO_CHANGED: u16 = 81;
    /// Agent transfers a chat to another agent.
    pub const CHAT_TRANSFER_TO_ANOTHER_AGENT: u16 = 77;
    /// The receiving agent confirms or refuses a transfer.
    pub const CHAT_CONFIRM_TRANSFER_REQUEST: u16 = 78;
    /// Push to the receiving agent: a transfer request.
    pub const CHAT_TRANSFER_REQUEST_FROM_ANOTHER_AGENT: u16 = 79;
    /// An agent joins another agent's chat (to help; the chat's agent stays).
    pub const JOIN_CHAT_CUSTOMER_CARE: u16 = 74;
    /// Agent keeps chatting after the visitor left.
    pub const AGENT_CONTINUE_CHATTING: u16 = 82;
    /// Begin typing (and its push, 86).
    pub const BEGIN_TYPING: u16 = 84;
    /// End typing (and its push, 87).
    pub const END_TYPING: u16 = 85;
    /// Push: someone began typing.
    pub const USER_BEGIN_TYPING: u16 = 86;
    /// Push: someone stopped typing.
    pub const USER_END_TYPING: u16 = 87;
    /// Push: a conversation ended.
    pub const CONVERSATION_ENDED: u16 = 98;
    /// Load the agent's pending chat requests.
    pub const CHAT_REQUEST_LOAD: u16 = 99;
    /// Parlor extension: an agent sets itself available or away (`{"status": "available"|"away"}`).
    pub const AGENT_SET_PRESENCE: u16 = 1001;
    /// Parlor extension: an agent adds a private note to a conversation (`{"convId", "text"}`);
    /// the reply carries the `note`. Visitors are refused (403).
    pub const NOTE_ADD: u16 = 1002;
    /// Parlor extension, push to the conversation's other agents: a note was added (`{"note"}`).
    /// Never sent to a visitor.
    pub const NOTE_FROM_SERVER: u16 = 1003;
    /// Parlor extension: an agent loads a conversation's notes, oldest first (`{"convId"}` →
    /// `{"notes": [...]}`). Visitors are refused (403).
    pub const NOTES_LOAD: u16 = 1004;
    /// Parlor extension, push to a waiting visitor: their chat's place in the queue and an
    /// estimate of the wait (`{"convId", "queueId", "position", "estimateMs"}`, `estimateMs`
    /// null when the queue has answered no chat lately), each time either changes.
    pub const QUEUE_POSITION: u16 = 1005;
    /// Parlor extension, push to online agents: how many chats wait in each queue
    /// (`{"queues": [{"queueId", "queueName", "waiting"}]}`, queues with none left out), when
    /// it changes and when the agent comes online.
    pub const QUEUE_LENGTHS: u16 = 1006;
    /// Parlor extension: a visitor's draft, as they type it (`{"convId", "text"}`, empty text
    /// when the box is cleared or sent). Only when the portal's typing preview is on (403
    /// otherwise); never stored. The widget sends one at most every 300 ms.
    pub const DRAFT: u16 = 1007;
    /// Parlor extension, push to the conversation's agents: the visitor's draft
    /// (`{"convId", "userId", "text"}`).
    pub const DRAFT_FROM_SERVER: u16 = 1008;
}

/// AUTHEN result codes (Stringee's).
pub mod authen_code {
    /// No token.
    pub const TOKEN_MISSING: i32 = 1;
    /// The token cannot be decoded.
    pub const TOKEN_UNDECODABLE: i32 = 2;
    /// The token's format is invalid.
    pub const TOKEN_INVALID_FORMAT: i32 = 3;
    /// The token is not HS256.
    pub const TOKEN_NOT_HS256: i32 = 4;
    /// The API key SID is unknown.
    pub const KEY_SID_NOT_FOUND: i32 = 5;
    /// The token is expired or invalid: the client asks for a new one.
    pub const TOKEN_EXPIRED: i32 = 6;
    /// The payload lacks a claim.
    pub const PAYLOAD_INCORRECT: i32 = 7;
    /// The project (portal) is not found.
    pub const PROJECT_NOT_FOUND: i32 = 8;
    /// Authentication failed otherwise.
    pub const AUTHENTICATION_FAILED: i32 = 9;
    /// The signature does not match.
    pub const INVALID_SIGNATURE: i32 = 10;
}

/// Result codes of other requests' replies. Stringee documents none; Parlor's follow HTTP's
/// meanings so that they read at a glance (see `docs/protocol.md`).
pub mod code {
    /// Success.
    pub const OK: i32 = 0;
    /// Malformed frame, or a field missing or of the wrong type.
    pub const BAD_REQUEST: i32 = 400;
    /// Request before a successful AUTHEN.
    pub const NOT_AUTHENTICATED: i32 = 401;
    /// Not allowed for this user (not a member, not an agent…).
    pub const FORBIDDEN: i32 = 403;
    /// The conversation, queue or user does not exist.
    pub const NOT_FOUND: i32 = 404;
    /// The state forbids it (chat ended, offer gone, already answered).
    pub const CONFLICT: i32 = 409;
    /// A frame or a message over the size limit.
    pub const TOO_LARGE: i32 = 413;
    /// Too many requests on this connection.
    pub const RATE_LIMITED: i32 = 429;
    /// The server failed; the details are in its log.
    pub const INTERNAL: i32 = 500;
    /// Outside the portal's business hours: no chat now, leave a ticket.
    pub const OUTSIDE_BUSINESS_HOURS: i32 = 423;
    /// The service id is unknown to this server.
    pub const UNKNOWN_SERVICE: i32 = 501;
}

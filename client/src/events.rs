//! What a [`crate::Client`] reports (Stringee's client and chat events).

use serde_json::Value;

use crate::Error;
use crate::model::{ChatRequest, Message, MessageState};

/// An event of the client; receive them from [`crate::Client::events`].
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The socket is authenticated (`didConnect`). After a reconnect the client has already
    /// loaded what it missed and is resending what it kept.
    Connected { user_id: String, agent: bool },
    /// The socket was lost (`didDisconnect`); the client reconnects by itself.
    Disconnected,
    /// The server refused the token for good, or the token provider failed
    /// (`didFailWithError`); the client stops trying.
    Failed(Error),
    /// The token expired (`requestAccessToken`); the token provider, if set, is being asked.
    RequestAccessToken,
    /// Another user's custom message (`didReceiveCustomMessage`).
    CustomMessage {
        from_user_id: String,
        message: Value,
    },
    /// A chat is offered to this agent (`didReceiveChatRequest`).
    ChatRequest(ChatRequest),
    /// Another agent asks this agent to take a chat (`didReceiveTransferChatRequest`).
    TransferChatRequest(ChatRequest),
    /// The agent this agent asked answered the transfer.
    TransferAnswered {
        conv_id: String,
        to_user_id: String,
        accepted: bool,
    },
    /// The offer to this agent timed out (`timeoutAnswerChat`).
    TimeoutAnswerChat { conv_id: String },
    /// Nobody took the visitor's chat in time (`timeoutInQueue`): offer a ticket.
    TimeoutInQueue { conv_id: String },
    /// A conversation ended (`conversationEnded`).
    ConversationEnded { conv_id: String, ended_by: String },
    /// Someone started typing (`userBeginTyping`).
    UserBeginTyping {
        conv_id: String,
        user_id: String,
        display_name: String,
    },
    /// Someone stopped typing (`userEndTyping`).
    UserEndTyping {
        conv_id: String,
        user_id: String,
        display_name: String,
    },
    /// A member's profile changed.
    UserInfoChanged(Value),
    /// Messages changed (`didReceiveObjectChange`).
    ObjectChange(ObjectChange),
}

/// A change to the messages the application shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectChange {
    /// A message the client had not seen: someone else's, or the user's own once the server
    /// stored it (then `local_db_id` matches the one [`crate::Conversation::send_message`]
    /// reported). Each seq is reported once per client.
    MessageInserted(Message),
    /// One of the user's own messages changed state before it had a seq (queued in the
    /// outbox, or refused for good).
    MessageState {
        conv_id: String,
        local_db_id: String,
        state: MessageState,
    },
    /// A member received (`read == false`) or read the conversation up to `seq`.
    Report {
        conv_id: String,
        user_id: String,
        seq: i64,
        read: bool,
    },
}

//! What a [`crate::Client`] reports (Stringee's client and chat events).

use serde_json::Value;

use crate::Error;
use crate::model::{ChatRequest, Message, MessageState, Note};

/// An event of the client; receive them from [`crate::Client::events`].
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The socket is authenticated (`didConnect`). After a reconnect the client has already
    /// loaded what it missed and is resending what it kept.
    Connected {
        /// The user the token stands for.
        user_id: String,
        /// Whether the user is an agent (AUTHEN's `chatAgent`).
        agent: bool,
    },
    /// The socket was lost (`didDisconnect`); the client reconnects by itself.
    Disconnected,
    /// The server refused the token for good, or the token provider failed
    /// (`didFailWithError`); the client stops trying.
    Failed(Error),
    /// The token expired (`requestAccessToken`); the token provider, if set, is being asked.
    RequestAccessToken,
    /// Another user's custom message (`didReceiveCustomMessage`).
    CustomMessage {
        /// The sender.
        from_user_id: String,
        /// What they sent, as they sent it.
        message: Value,
    },
    /// A chat is offered to this agent (`didReceiveChatRequest`).
    ChatRequest(ChatRequest),
    /// Another agent asks this agent to take a chat (`didReceiveTransferChatRequest`).
    TransferChatRequest(ChatRequest),
    /// The agent this agent asked answered the transfer.
    TransferAnswered {
        /// The chat.
        conv_id: String,
        /// The agent who was asked.
        to_user_id: String,
        /// Whether they took it (it is theirs now) or not (it stays with this agent).
        accepted: bool,
    },
    /// The offer to this agent timed out (`timeoutAnswerChat`).
    TimeoutAnswerChat {
        /// The chat that was offered.
        conv_id: String,
    },
    /// Nobody took the visitor's chat in time (`timeoutInQueue`): offer a ticket.
    TimeoutInQueue {
        /// The visitor's chat.
        conv_id: String,
    },
    /// A conversation ended (`conversationEnded`).
    ConversationEnded {
        /// The chat.
        conv_id: String,
        /// Who ended it.
        ended_by: String,
    },
    /// Someone started typing (`userBeginTyping`).
    UserBeginTyping {
        /// Where.
        conv_id: String,
        /// Who.
        user_id: String,
        /// Their name, to show.
        display_name: String,
    },
    /// Someone stopped typing (`userEndTyping`).
    UserEndTyping {
        /// Where.
        conv_id: String,
        /// Who.
        user_id: String,
        /// Their name, to show.
        display_name: String,
    },
    /// The visitor's waiting chat moved in its queue (Parlor's).
    QueuePosition {
        /// The chat.
        conv_id: String,
        /// Its place in line: 1 is next.
        position: u32,
        /// About how long until an agent answers, when the server can tell.
        estimate_ms: Option<u64>,
    },
    /// How many chats wait in each queue, as (queue name, count), queues with none left out
    /// (agents, Parlor's).
    QueueLengths(Vec<(String, usize)>),
    /// Another agent of a conversation added a private note (agents only).
    NoteAdded(Note),
    /// The visitor's draft, as they type it (agents, when the portal's typing preview is
    /// on; empty once cleared or sent).
    Draft {
        /// The chat.
        conv_id: String,
        /// The visitor.
        user_id: String,
        /// What they have typed so far.
        text: String,
    },
    /// A member's profile changed (`userId`, `display_name`, `email`, `phone`, `details`…).
    UserInfoChanged(Value),
    /// Messages changed (`didReceiveObjectChange`).
    ObjectChange(ObjectChange),
}

/// A change to the messages the application shows.
#[derive(Debug, Clone, PartialEq)]
pub enum ObjectChange {
    /// A message the client had not seen: someone else's, or the user's own once the server
    /// stored it (then `local_db_id` matches the one [`ObjectChange::MessageState`] reported
    /// while it was sending). Each seq is reported once per client.
    MessageInserted(Message),
    /// One of the user's own messages changed state before it had a seq (queued in the
    /// outbox, or refused for good).
    MessageState {
        /// The conversation.
        conv_id: String,
        /// The local id of the message.
        local_db_id: String,
        /// [`MessageState::Sending`] or [`MessageState::Failed`].
        state: MessageState,
    },
    /// A member received (`read == false`) or read the conversation up to `seq`: the user's own
    /// messages up to it are [`MessageState::Delivered`] or [`MessageState::Read`].
    Report {
        /// The conversation.
        conv_id: String,
        /// The member who received or read.
        user_id: String,
        /// Up to which message.
        seq: i64,
        /// Read (`true`) or only received.
        read: bool,
    },
}

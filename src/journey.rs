//! Where the visitor is in their journey, and how client events move them on. A pure state
//! machine: the view reads [`Stage`], and every input goes through [`Stage::on_event`] or the
//! visitor's own actions.

use parlor_client::model::kind;
use parlor_client::{Event, ObjectChange};

/// Why the ticket form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketReason {
    /// Nobody took the chat within the queue timeout.
    NoAnswer,
    /// Outside business hours.
    Closed,
    /// No agent of the queue is online.
    Nobody,
}

/// A screen of the panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Choosing a queue (skipped when there is one).
    PickQueue,
    /// Name, email, phone.
    PreChat,
    /// The chat exists; no agent has taken it yet.
    Waiting,
    /// Chatting with an agent.
    Chat,
    /// The chat ended: rating and transcript.
    Ended,
    /// Leaving a message instead.
    Ticket(TicketReason),
    /// The ticket was received.
    TicketSent,
}

impl Stage {
    /// The first screen: the queue picker, or the pre-chat form when there is one queue (or
    /// the ticket form when nobody serves it).
    pub fn start(queues: usize, only_queue_online: Option<u32>) -> Self {
        match (queues, only_queue_online) {
            (1, Some(0)) => Stage::Ticket(TicketReason::Nobody),
            (1, _) => Stage::PreChat,
            _ => Stage::PickQueue,
        }
    }

    /// Where a picked queue leads: the form, or the ticket form when nobody is online.
    pub fn after_pick(agents_online: Option<u32>) -> Self {
        if agents_online == Some(0) {
            Stage::Ticket(TicketReason::Nobody)
        } else {
            Stage::PreChat
        }
    }

    /// Where a created (or resumed) chat stands, by its status.
    pub fn of_status(status: &str) -> Self {
        match status {
            "active" => Stage::Chat,
            "ended" => Stage::Ended,
            "missed" => Stage::Ticket(TicketReason::NoAnswer),
            _ => Stage::Waiting,
        }
    }

    /// The stage after `event` about the visitor's chat `conv_id`; `None` leaves it as is.
    pub fn on_event(&self, event: &Event, conv_id: &str) -> Option<Stage> {
        match event {
            Event::TimeoutInQueue { conv_id: c } if c == conv_id && *self == Stage::Waiting => {
                Some(Stage::Ticket(TicketReason::NoAnswer))
            }
            Event::ConversationEnded { conv_id: c, .. }
                if c == conv_id && matches!(self, Stage::Waiting | Stage::Chat) =>
            {
                Some(Stage::Ended)
            }
            Event::ObjectChange(ObjectChange::MessageInserted(message))
                if message.conv_id == conv_id
                    && *self == Stage::Waiting
                    && message.kind == kind::NOTIFICATION
                    && message.content.get("type").and_then(|t| t.as_i64()) == Some(1) =>
            {
                Some(Stage::Chat)
            }
            _ => None,
        }
    }
}

//! What the routing task is asked, and what it answers: plain data, so that a request can come
//! from this node over a channel or from another node over the bus ([`super::cluster`]).

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::engine::{AnswerError, ChatRef, Effect, Engine, Timeouts, Transfer, TransferError};

/// A request to the routing task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// An agent's socket authenticated on `node`; `active` are the chats the database says
    /// they serve.
    AgentConnected {
        node: String,
        agent: String,
        queues: HashSet<String>,
        max_chats: usize,
        active: Vec<String>,
    },
    /// A visitor's socket authenticated: their waiting chats' places are told again.
    VisitorConnected {
        visitor: String,
    },
    /// An agent's socket on `node` closed.
    AgentDisconnected {
        node: String,
        agent: String,
    },
    SetAvailable {
        agent: String,
        available: bool,
    },
    /// A chat waits for an agent; it has waited `waited` already (zero when new).
    Enqueue {
        chat: ChatRef,
        timeouts: Timeouts,
        waited: Duration,
    },
    Answer {
        agent: String,
        conv_id: String,
        accept: bool,
    },
    ChatEnded {
        conv_id: String,
    },
    Offers {
        agent: String,
    },
    RequestTransfer {
        transfer: Transfer,
    },
    AnswerTransfer {
        agent: String,
        conv_id: String,
        accept: bool,
    },
    Resumed {
        conv_id: String,
        agent: String,
    },
    Available,
    Waiting,
    /// Which agents have a socket open, on any node.
    Online,
    AgentChanged {
        agent: String,
        queues: HashSet<String>,
        max_chats: usize,
    },
    AgentRemoved {
        agent: String,
    },
    QueueDeleted {
        queue_id: String,
    },
    /// `node` is alive, and these are its agents' sockets now (it replaces what the node said
    /// before); the answer names the routing node.
    Heartbeat {
        node: String,
        presence: Vec<super::cluster::Presence>,
    },
}

/// The routing task's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    Done,
    Answer(Result<ChatRef, AnswerError>),
    Offers(Vec<ChatRef>, Vec<Transfer>),
    Transfer(Result<(), TransferError>),
    TransferAnswer(Result<Transfer, TransferError>),
    /// Ids: of chats, or of agents.
    Chats(Vec<String>),
    Counts(BTreeMap<String, usize>),
    /// The node that routes.
    Router(String),
}

/// Applies a request to the engine (but the nodes' bookkeeping, which the task keeps).
pub fn handle(engine: &mut Engine, request: Request, now: Instant) -> (Response, Vec<Effect>) {
    let done = |effects| (Response::Done, effects);
    match request {
        Request::AgentConnected {
            agent,
            queues,
            max_chats,
            active,
            ..
        } => {
            engine.restore_chats(&agent, &active, max_chats, now);
            done(engine.agent_connected(&agent, queues, max_chats, now))
        }
        Request::AgentDisconnected { agent, .. } => done(engine.agent_disconnected(&agent, now)),
        Request::VisitorConnected { visitor } => {
            engine.retell_places(&visitor);
            done(Vec::new())
        }
        Request::SetAvailable { agent, available } => {
            done(engine.set_available(&agent, available, now))
        }
        Request::Enqueue {
            chat,
            timeouts,
            waited,
        } => done(engine.enqueue_waited(chat, timeouts, waited, now)),
        Request::Answer {
            agent,
            conv_id,
            accept,
        } => match engine.answer(&agent, &conv_id, accept, now) {
            Ok((chat, effects)) => (Response::Answer(Ok(chat)), effects),
            Err(error) => (Response::Answer(Err(error)), Vec::new()),
        },
        Request::ChatEnded { conv_id } => done(engine.chat_ended(&conv_id, now)),
        Request::Offers { agent } => (
            Response::Offers(engine.offers_of(&agent), engine.transfers_to(&agent)),
            Vec::new(),
        ),
        Request::RequestTransfer { transfer } => (
            Response::Transfer(engine.request_transfer(transfer)),
            Vec::new(),
        ),
        Request::AnswerTransfer {
            agent,
            conv_id,
            accept,
        } => match engine.answer_transfer(&agent, &conv_id, accept, now) {
            Ok((transfer, effects)) => (Response::TransferAnswer(Ok(transfer)), effects),
            Err(error) => (Response::TransferAnswer(Err(error)), Vec::new()),
        },
        Request::Resumed { conv_id, agent } => {
            engine.chat_resumed(&conv_id, &agent);
            done(Vec::new())
        }
        Request::Available => (
            Response::Counts(engine.available_per_queue().into_iter().collect()),
            Vec::new(),
        ),
        Request::Waiting => (Response::Counts(engine.waiting_per_queue()), Vec::new()),
        Request::Online => (Response::Chats(engine.online_agents()), Vec::new()),
        Request::AgentChanged {
            agent,
            queues,
            max_chats,
        } => done(engine.agent_changed(&agent, queues, max_chats, now)),
        Request::AgentRemoved { agent } => {
            let (chats, effects) = engine.agent_removed(&agent, now);
            (Response::Chats(chats), effects)
        }
        Request::QueueDeleted { queue_id } => done(engine.queue_deleted(&queue_id, now)),
        // Answered by the task, which knows the nodes.
        Request::Heartbeat { .. } => done(Vec::new()),
    }
}

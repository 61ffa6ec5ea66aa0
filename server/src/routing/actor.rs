//! Runs the routing [`Engine`] on its own task: commands come in over a channel, effects go out
//! as pushes and database updates, and the engine's next deadline wakes the task.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use parlor_protocol::socket::{Frame, service};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use std::collections::HashMap;

use super::engine::{AnswerError, ChatRef, Effect, Engine, Timeouts, Transfer, TransferError};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::store::{Status, Store};

enum Command {
    AgentConnected {
        agent: String,
        queues: HashSet<String>,
        max_chats: usize,
        active: Vec<String>,
    },
    AgentDisconnected {
        agent: String,
    },
    SetAvailable {
        agent: String,
        available: bool,
    },
    Enqueue {
        chat: ChatRef,
        timeouts: Timeouts,
    },
    Answer {
        agent: String,
        conv_id: String,
        accept: bool,
        reply: oneshot::Sender<Result<ChatRef, AnswerError>>,
    },
    ChatEnded {
        conv_id: String,
    },
    Offers {
        agent: String,
        reply: oneshot::Sender<(Vec<ChatRef>, Vec<Transfer>)>,
    },
    RequestTransfer {
        transfer: Transfer,
        reply: oneshot::Sender<Result<(), TransferError>>,
    },
    AnswerTransfer {
        agent: String,
        conv_id: String,
        accept: bool,
        reply: oneshot::Sender<Result<Transfer, TransferError>>,
    },
    Resumed {
        conv_id: String,
        agent: String,
    },
    Available {
        reply: oneshot::Sender<HashMap<String, usize>>,
    },
    Waiting {
        reply: oneshot::Sender<BTreeMap<String, usize>>,
    },
    AgentChanged {
        agent: String,
        queues: HashSet<String>,
        max_chats: usize,
    },
    AgentRemoved {
        agent: String,
        reply: oneshot::Sender<Vec<String>>,
    },
    QueueDeleted {
        queue_id: String,
    },
}

/// A handle to the routing task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Routing {
    commands: mpsc::UnboundedSender<Command>,
}

impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("routing command")
    }
}

impl Routing {
    /// Starts the routing task; it stops when every handle is dropped.
    pub fn start(hub: Arc<Hub>, store: Arc<dyn Store>, metrics: Arc<Metrics>) -> Self {
        let (commands, inbox) = mpsc::unbounded_channel();
        tokio::spawn(run(inbox, hub, store, metrics));
        Self { commands }
    }

    fn send(&self, command: Command) {
        // Fails only once the task has stopped, i.e. during shutdown.
        let _ = self.commands.send(command);
    }

    /// An agent's socket authenticated; `active` are the chats the database says they serve.
    pub fn agent_connected(
        &self,
        agent: &str,
        queues: HashSet<String>,
        max_chats: usize,
        active: Vec<String>,
    ) {
        self.send(Command::AgentConnected {
            agent: agent.into(),
            queues,
            max_chats,
            active,
        });
    }

    /// An agent's socket closed.
    pub fn agent_disconnected(&self, agent: &str) {
        self.send(Command::AgentDisconnected {
            agent: agent.into(),
        });
    }

    /// An agent set themselves available or away.
    pub fn set_available(&self, agent: &str, available: bool) {
        self.send(Command::SetAvailable {
            agent: agent.into(),
            available,
        });
    }

    /// A new live chat waits for an agent.
    pub fn enqueue(&self, chat: ChatRef, timeouts: Timeouts) {
        self.send(Command::Enqueue { chat, timeouts });
    }

    /// An agent answers an offer; on `Ok` with `accept`, the chat is theirs to record.
    pub async fn answer(
        &self,
        agent: &str,
        conv_id: &str,
        accept: bool,
    ) -> Result<ChatRef, AnswerError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Answer {
            agent: agent.into(),
            conv_id: conv_id.into(),
            accept,
            reply,
        });
        answer.await.unwrap_or(Err(AnswerError::NotWaiting))
    }

    /// A chat ended: its agent's capacity is freed, or it leaves the queue.
    pub fn chat_ended(&self, conv_id: &str) {
        self.send(Command::ChatEnded {
            conv_id: conv_id.into(),
        });
    }

    /// The chats offered to `agent` now, and the transfers waiting for their answer.
    pub async fn offers(&self, agent: &str) -> (Vec<ChatRef>, Vec<Transfer>) {
        let (reply, offers) = oneshot::channel();
        self.send(Command::Offers {
            agent: agent.into(),
            reply,
        });
        offers.await.unwrap_or_default()
    }

    /// The chat's agent asks another to take it over.
    pub async fn request_transfer(&self, transfer: Transfer) -> Result<(), TransferError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::RequestTransfer { transfer, reply });
        answer.await.unwrap_or(Err(TransferError::Unavailable))
    }

    /// The receiving agent answers a transfer.
    pub async fn answer_transfer(
        &self,
        agent: &str,
        conv_id: &str,
        accept: bool,
    ) -> Result<Transfer, TransferError> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::AnswerTransfer {
            agent: agent.into(),
            conv_id: conv_id.into(),
            accept,
            reply,
        });
        answer.await.unwrap_or(Err(TransferError::NotOffered))
    }

    /// An ended chat is active again with its agent.
    pub fn chat_resumed(&self, conv_id: &str, agent: &str) {
        self.send(Command::Resumed {
            conv_id: conv_id.into(),
            agent: agent.into(),
        });
    }

    /// An admin changed the queues or capacity of `agent`.
    pub fn agent_changed(&self, agent: &str, queues: HashSet<String>, max_chats: usize) {
        self.send(Command::AgentChanged {
            agent: agent.into(),
            queues,
            max_chats,
        });
    }

    /// `agent` was deactivated or deleted: they leave routing. Returns the chats they served,
    /// which the caller puts back in their queues.
    pub async fn agent_removed(&self, agent: &str) -> Vec<String> {
        let (reply, chats) = oneshot::channel();
        self.send(Command::AgentRemoved {
            agent: agent.into(),
            reply,
        });
        chats.await.unwrap_or_default()
    }

    /// A queue was deleted: its waiting chats are missed at once.
    pub fn queue_deleted(&self, queue_id: &str) {
        self.send(Command::QueueDeleted {
            queue_id: queue_id.into(),
        });
    }

    /// How many agents are available to each queue now.
    pub async fn available_per_queue(&self) -> HashMap<String, usize> {
        let (reply, counts) = oneshot::channel();
        self.send(Command::Available { reply });
        counts.await.unwrap_or_default()
    }

    /// How many chats wait for an agent in each queue now (queues with none left out).
    pub async fn waiting_per_queue(&self) -> BTreeMap<String, usize> {
        let (reply, counts) = oneshot::channel();
        self.send(Command::Waiting { reply });
        counts.await.unwrap_or_default()
    }
}

async fn run(
    mut inbox: mpsc::UnboundedReceiver<Command>,
    hub: Arc<Hub>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
) {
    let mut engine = Engine::default();
    loop {
        let deadline = engine.next_deadline();
        let effects = tokio::select! {
            command = inbox.recv() => match command {
                None => break,
                Some(command) => handle(&mut engine, command),
            },
            () = sleep_until(deadline), if deadline.is_some() => engine.tick(Instant::now()),
        };
        for effect in effects {
            apply(effect, &hub, &store, &metrics);
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

fn handle(engine: &mut Engine, command: Command) -> Vec<Effect> {
    let now = Instant::now();
    match command {
        Command::AgentConnected {
            agent,
            queues,
            max_chats,
            active,
        } => {
            engine.restore_chats(&agent, &active, max_chats, now);
            engine.agent_connected(&agent, queues, max_chats, now)
        }
        Command::AgentDisconnected { agent } => engine.agent_disconnected(&agent, now),
        Command::SetAvailable { agent, available } => engine.set_available(&agent, available, now),
        Command::Enqueue { chat, timeouts } => engine.enqueue(chat, timeouts, now),
        Command::Answer {
            agent,
            conv_id,
            accept,
            reply,
        } => match engine.answer(&agent, &conv_id, accept, now) {
            Ok((chat, effects)) => {
                let _ = reply.send(Ok(chat));
                effects
            }
            Err(error) => {
                let _ = reply.send(Err(error));
                Vec::new()
            }
        },
        Command::ChatEnded { conv_id } => engine.chat_ended(&conv_id, now),
        Command::Offers { agent, reply } => {
            let _ = reply.send((engine.offers_of(&agent), engine.transfers_to(&agent)));
            Vec::new()
        }
        Command::RequestTransfer { transfer, reply } => {
            let _ = reply.send(engine.request_transfer(transfer));
            Vec::new()
        }
        Command::AnswerTransfer {
            agent,
            conv_id,
            accept,
            reply,
        } => match engine.answer_transfer(&agent, &conv_id, accept, now) {
            Ok((transfer, effects)) => {
                let _ = reply.send(Ok(transfer));
                effects
            }
            Err(error) => {
                let _ = reply.send(Err(error));
                Vec::new()
            }
        },
        Command::Resumed { conv_id, agent } => {
            engine.chat_resumed(&conv_id, &agent);
            Vec::new()
        }
        Command::Available { reply } => {
            let _ = reply.send(engine.available_per_queue());
            Vec::new()
        }
        Command::Waiting { reply } => {
            let _ = reply.send(engine.waiting_per_queue());
            Vec::new()
        }
        Command::AgentChanged {
            agent,
            queues,
            max_chats,
        } => engine.agent_changed(&agent, queues, max_chats, now),
        Command::AgentRemoved { agent, reply } => {
            let (chats, effects) = engine.agent_removed(&agent, now);
            let _ = reply.send(chats);
            effects
        }
        Command::QueueDeleted { queue_id } => engine.queue_deleted(&queue_id, now),
    }
}

/// The body of a chat request (CHAT_ROUTE_TO_AGENT, and each entry of CHAT_REQUEST_LOAD).
pub fn chat_request(chat: &ChatRef) -> serde_json::Value {
    json!({
        "convId": chat.conv_id,
        "customerId": chat.visitor_id,
        "customerName": chat.visitor_name,
        "queueId": chat.queue_id,
        "queueName": chat.queue_name,
        "channelType": 1,
        "type": 0,
    })
}

fn apply(effect: Effect, hub: &Hub, store: &Arc<dyn Store>, metrics: &Metrics) {
    let store = store.clone();
    match effect {
        Effect::Offer {
            agent,
            chat,
            answer_within,
        } => {
            metrics.offered();
            let mut body = chat_request(&chat);
            // Parlor's: how long the agent has, for the console's countdown.
            body["answerTimeoutMs"] = json!(answer_within.as_millis() as u64);
            hub.push(
                &agent,
                &Frame {
                    service: service::CHAT_ROUTE_TO_AGENT,
                    body,
                },
            );
        }
        Effect::OfferTimedOut { agent, conv_id } => {
            metrics.offer_timed_out();
            hub.push(
                &agent,
                &Frame {
                    service: service::TIMEOUT_ROUTE_TO_AGENT,
                    body: json!({ "convId": conv_id }),
                },
            );
        }
        Effect::Missed { chat } => {
            let body = json!({
                "convId": chat.conv_id,
                "customerId": chat.visitor_id,
                "customerName": chat.visitor_name,
            });
            // The visitor is told at once; the routing task does not wait for the database.
            hub.push(
                &chat.visitor_id,
                &Frame {
                    service: service::TIMEOUT_ROUTE_TO_QUEUE,
                    body,
                },
            );
            tokio::spawn(async move {
                if let Err(error) = store
                    .finish_conversation(&chat.conv_id, Status::Missed, "system")
                    .await
                {
                    tracing::error!(%error, conv = chat.conv_id, "could not mark a missed chat");
                }
            });
        }
        Effect::TransferDropped { from, to, conv_id } => {
            hub.push(
                &from,
                &Frame {
                    service: service::CHAT_CONFIRM_TRANSFER_REQUEST,
                    body: json!({ "convId": conv_id, "toUserId": to, "answer": false }),
                },
            );
        }
    }
}

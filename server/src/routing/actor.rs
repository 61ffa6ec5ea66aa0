//! Runs the routing [`Engine`] on its own task: requests come in over a channel, effects go out
//! as pushes and database updates, and the engine's next deadline wakes the task.
//!
//! [`Routing`] is the handle the rest of the server asks. On one node the task runs beside it;
//! with several nodes it runs on the one that routes, and the handle's requests travel over
//! the bus ([`super::cluster`]).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use parlor_protocol::socket::{Frame, service};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::cluster::{Member, Presence};
use super::engine::{AnswerError, ChatRef, Effect, Engine, Timeouts, Transfer, TransferError};
use super::request::{Request, Response, handle};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::store::{Status, Store};

/// A request and, when the asker waits for it, where the answer goes.
pub type Envelope = (Request, Option<oneshot::Sender<Response>>);

/// A node that sent no heartbeat for this long is gone: its agents leave routing.
pub const NODE_TIMEOUT: Duration = Duration::from_secs(5);

/// A handle to the routing task; cheap to clone.
#[derive(Debug, Clone)]
pub struct Routing {
    link: Link,
}

#[derive(Debug, Clone)]
enum Link {
    /// The task runs on this node.
    Local(mpsc::UnboundedSender<Envelope>),
    /// The task runs on the routing node of a cluster.
    Cluster(Arc<Member>),
}

/// This node's name in requests when it is the only one.
const LOCAL: &str = "local";

impl Routing {
    /// Starts the routing task on this node; it stops when every handle is dropped.
    pub fn start(hub: Arc<Hub>, store: Arc<dyn Store>, metrics: Arc<Metrics>) -> Self {
        let (requests, _) = spawn_task(hub, store, metrics, LOCAL.into(), false);
        Self {
            link: Link::Local(requests),
        }
    }

    /// A handle whose requests go to the routing node of a cluster.
    pub fn member(member: Arc<Member>) -> Self {
        Self {
            link: Link::Cluster(member),
        }
    }

    fn tell(&self, request: Request) {
        match &self.link {
            // Fails only once the task has stopped, i.e. during shutdown.
            Link::Local(requests) => {
                let _ = requests.send((request, None));
            }
            Link::Cluster(member) => member.tell(request),
        }
    }

    async fn call(&self, request: Request) -> Option<Response> {
        match &self.link {
            Link::Local(requests) => {
                let (reply, answer) = oneshot::channel();
                requests.send((request, Some(reply))).ok()?;
                answer.await.ok()
            }
            Link::Cluster(member) => member.call(request).await,
        }
    }

    /// An agent's socket authenticated; `active` are the chats the database says they serve.
    pub fn agent_connected(
        &self,
        agent: &str,
        queues: HashSet<String>,
        max_chats: usize,
        active: Vec<String>,
    ) {
        match &self.link {
            Link::Local(_) => self.tell(Request::AgentConnected {
                node: LOCAL.into(),
                agent: agent.into(),
                queues,
                max_chats,
                active,
            }),
            Link::Cluster(member) => member.connected(Presence {
                agent: agent.into(),
                sockets: 1,
                queues,
                max_chats,
                active,
                away: false,
            }),
        }
    }

    /// An agent's socket closed.
    pub fn agent_disconnected(&self, agent: &str) {
        match &self.link {
            Link::Local(_) => self.tell(Request::AgentDisconnected {
                node: LOCAL.into(),
                agent: agent.into(),
            }),
            Link::Cluster(member) => member.disconnected(agent),
        }
    }

    /// A visitor's socket authenticated: where their waiting chats stand is told again.
    pub fn visitor_connected(&self, visitor: &str) {
        self.tell(Request::VisitorConnected {
            visitor: visitor.to_string(),
        });
    }

    /// An agent set themselves available or away.
    pub fn set_available(&self, agent: &str, available: bool) {
        if let Link::Cluster(member) = &self.link {
            member.set_away(agent, !available);
        }
        self.tell(Request::SetAvailable {
            agent: agent.into(),
            available,
        });
    }

    /// A new live chat waits for an agent.
    pub fn enqueue(&self, chat: ChatRef, timeouts: Timeouts) {
        self.tell(Request::Enqueue {
            chat,
            timeouts,
            waited: Duration::ZERO,
        });
    }

    /// An agent answers an offer; on `Ok` with `accept`, the chat is theirs to record.
    pub async fn answer(
        &self,
        agent: &str,
        conv_id: &str,
        accept: bool,
    ) -> Result<ChatRef, AnswerError> {
        match self
            .call(Request::Answer {
                agent: agent.into(),
                conv_id: conv_id.into(),
                accept,
            })
            .await
        {
            Some(Response::Answer(answer)) => answer,
            _ => Err(AnswerError::NotWaiting),
        }
    }

    /// A chat ended: its agent's capacity is freed, or it leaves the queue.
    pub fn chat_ended(&self, conv_id: &str) {
        self.tell(Request::ChatEnded {
            conv_id: conv_id.into(),
        });
    }

    /// The chats offered to `agent` now, and the transfers waiting for their answer.
    pub async fn offers(&self, agent: &str) -> (Vec<ChatRef>, Vec<Transfer>) {
        match self
            .call(Request::Offers {
                agent: agent.into(),
            })
            .await
        {
            Some(Response::Offers(offers, transfers)) => (offers, transfers),
            _ => Default::default(),
        }
    }

    /// The chat's agent asks another to take it over.
    pub async fn request_transfer(&self, transfer: Transfer) -> Result<(), TransferError> {
        match self.call(Request::RequestTransfer { transfer }).await {
            Some(Response::Transfer(result)) => result,
            _ => Err(TransferError::Unavailable),
        }
    }

    /// The receiving agent answers a transfer.
    pub async fn answer_transfer(
        &self,
        agent: &str,
        conv_id: &str,
        accept: bool,
    ) -> Result<Transfer, TransferError> {
        match self
            .call(Request::AnswerTransfer {
                agent: agent.into(),
                conv_id: conv_id.into(),
                accept,
            })
            .await
        {
            Some(Response::TransferAnswer(result)) => result,
            _ => Err(TransferError::NotOffered),
        }
    }

    /// An ended chat is active again with its agent.
    pub fn chat_resumed(&self, conv_id: &str, agent: &str) {
        self.tell(Request::Resumed {
            conv_id: conv_id.into(),
            agent: agent.into(),
        });
    }

    /// An admin changed the queues or capacity of `agent`.
    pub fn agent_changed(&self, agent: &str, queues: HashSet<String>, max_chats: usize) {
        if let Link::Cluster(member) = &self.link {
            member.changed(agent, &queues, max_chats);
        }
        self.tell(Request::AgentChanged {
            agent: agent.into(),
            queues,
            max_chats,
        });
    }

    /// `agent` was deactivated or deleted: they leave routing. Returns the chats they served,
    /// which the caller puts back in their queues.
    pub async fn agent_removed(&self, agent: &str) -> Vec<String> {
        if let Link::Cluster(member) = &self.link {
            member.removed(agent);
        }
        match self
            .call(Request::AgentRemoved {
                agent: agent.into(),
            })
            .await
        {
            Some(Response::Chats(chats)) => chats,
            _ => Vec::new(),
        }
    }

    /// A queue was deleted: its waiting chats are missed at once.
    pub fn queue_deleted(&self, queue_id: &str) {
        self.tell(Request::QueueDeleted {
            queue_id: queue_id.into(),
        });
    }

    /// How many agents are available to each queue now.
    pub async fn available_per_queue(&self) -> HashMap<String, usize> {
        match self.call(Request::Available).await {
            Some(Response::Counts(counts)) => counts.into_iter().collect(),
            _ => HashMap::new(),
        }
    }

    /// The agents with a socket open now, on whichever node (in a cluster, this node's hub
    /// knows only its own sockets).
    pub async fn online_agents(&self) -> HashSet<String> {
        match self.call(Request::Online).await {
            Some(Response::Chats(agents)) => agents.into_iter().collect(),
            _ => HashSet::new(),
        }
    }

    /// How many chats wait for an agent in each queue now (queues with none left out).
    pub async fn waiting_per_queue(&self) -> BTreeMap<String, usize> {
        match self.call(Request::Waiting).await {
            Some(Response::Counts(counts)) => counts,
            _ => BTreeMap::new(),
        }
    }
}

/// Starts the routing task, named `router` in its answers to heartbeats; with `watch_nodes`,
/// the agents of a node whose heartbeats stop leave routing after [`NODE_TIMEOUT`].
pub fn spawn_task(
    hub: Arc<Hub>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    router: String,
    watch_nodes: bool,
) -> (mpsc::UnboundedSender<Envelope>, tokio::task::JoinHandle<()>) {
    let (requests, inbox) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(inbox, hub, store, metrics, router, watch_nodes));
    (requests, task)
}

/// What the task knows of each node: when it last heard of it, and its agents' sockets.
#[derive(Debug, Default)]
struct Nodes {
    seen: HashMap<String, (Instant, HashMap<String, Presence>)>,
}

impl Nodes {
    /// Brings the engine from what `node` said before to what it says now.
    fn reconcile(
        &mut self,
        engine: &mut Engine,
        node: &str,
        now_present: Vec<Presence>,
        now: Instant,
    ) -> Vec<Effect> {
        let entry = self
            .seen
            .entry(node.to_string())
            .or_insert_with(|| (now, HashMap::new()));
        entry.0 = now;
        let mut next: HashMap<String, Presence> = HashMap::new();
        for presence in now_present {
            next.insert(presence.agent.clone(), presence);
        }
        let mut effects = Vec::new();
        for (agent, before) in &entry.1 {
            let after = next.get(agent).map_or(0, |p| p.sockets);
            for _ in after..before.sockets {
                effects.extend(engine.agent_disconnected(agent, now));
            }
        }
        for (agent, presence) in &next {
            let before = entry.1.get(agent).map_or(0, |p| p.sockets);
            for _ in before..presence.sockets {
                engine.restore_chats(agent, &presence.active, presence.max_chats, now);
                effects.extend(engine.agent_connected(
                    agent,
                    presence.queues.clone(),
                    presence.max_chats,
                    now,
                ));
            }
            if presence.sockets > 0 && entry.1.get(agent).is_none_or(|p| p.away != presence.away) {
                effects.extend(engine.set_available(agent, !presence.away, now));
            }
        }
        entry.1 = next;
        effects
    }

    /// Takes out the nodes not heard of within [`NODE_TIMEOUT`].
    fn expire(&mut self, engine: &mut Engine, now: Instant) -> Vec<Effect> {
        let gone: Vec<String> = self
            .seen
            .iter()
            .filter(|(_, (seen, _))| now.duration_since(*seen) > NODE_TIMEOUT)
            .map(|(node, _)| node.clone())
            .collect();
        let mut effects = Vec::new();
        for node in gone {
            tracing::warn!(
                node,
                "routing: a node stopped answering; its agents leave routing"
            );
            effects.extend(self.reconcile(engine, &node, Vec::new(), now));
            self.seen.remove(&node);
        }
        effects
    }
}

async fn run(
    mut inbox: mpsc::UnboundedReceiver<Envelope>,
    hub: Arc<Hub>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
    router: String,
    watch_nodes: bool,
) {
    let mut engine = Engine::default();
    let mut nodes = Nodes::default();
    let mut watch = tokio::time::interval(Duration::from_secs(1));
    loop {
        let deadline = engine.next_deadline();
        let effects = tokio::select! {
            envelope = inbox.recv() => match envelope {
                None => break,
                Some((Request::Heartbeat { node, presence }, reply)) => {
                    let effects = nodes.reconcile(&mut engine, &node, presence, Instant::now());
                    if let Some(reply) = reply {
                        let _ = reply.send(Response::Router(router.clone()));
                    }
                    effects
                }
                Some((request, reply)) => {
                    let (response, effects) = handle(&mut engine, request, Instant::now());
                    if let Some(reply) = reply {
                        let _ = reply.send(response);
                    }
                    effects
                }
            },
            () = sleep_until(deadline), if deadline.is_some() => engine.tick(Instant::now()),
            _ = watch.tick(), if watch_nodes => nodes.expire(&mut engine, Instant::now()),
        };
        for effect in effects {
            apply(effect, &hub, &store, &metrics);
        }
        super::waiting::tell(&mut engine, &hub);
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
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

//! Routing with several nodes: one node routes, the others ask it over the bus.
//!
//! - **Who routes.** Every node tries to take a PostgreSQL advisory lock, on a connection of
//!   its own, once a second. The node that holds it runs the routing task and answers requests
//!   on `<prefix>.routing`. When that node dies its connection drops, PostgreSQL releases the
//!   lock, and another node takes it within about a second. The new routing node reloads the
//!   waiting chats from the database with the time each has waited (their place in line and
//!   what is left of their queue timeout); offers that were in flight are made again.
//! - **Presence.** Each node keeps its own agents' sockets ([`Presence`]) and sends all of it
//!   in a heartbeat, every second and at once on a change. The routing node brings its engine
//!   to what each node says (so a new routing node knows every agent after one heartbeat) and
//!   drops the agents of a node it has not heard from for [`super::actor::NODE_TIMEOUT`].
//! - **Requests** (a new chat, an answer, a transfer…) go to the routing node as NATS
//!   requests, retried while no node routes (during a takeover); those nobody waits for are
//!   sent one at a time, in order.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use tokio::sync::{Notify, mpsc, oneshot};

use super::actor::{Routing, spawn_task};
use super::engine::{ChatRef, Timeouts};
use super::request::{Request, Response};
use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::store::Store;

/// One agent's sockets on one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub agent: String,
    pub sockets: usize,
    pub queues: HashSet<String>,
    pub max_chats: usize,
    /// The chats the database said they serve when their first socket opened.
    pub active: Vec<String>,
    pub away: bool,
}

/// How often a node says it is alive.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long a request that someone waits for may look for a routing node.
const CALL_PATIENCE: Duration = Duration::from_secs(10);
/// How long a request nobody waits for may look for one before it is given up (and logged).
const TELL_PATIENCE: Duration = Duration::from_secs(30);

/// This node's side of the cluster's routing.
#[derive(Debug)]
pub struct Member {
    node: String,
    client: async_nats::Client,
    subject: String,
    presence: Mutex<HashMap<String, Presence>>,
    changed: Notify,
    in_order: mpsc::UnboundedSender<Request>,
    metrics: Arc<Metrics>,
}

impl Member {
    /// Sends `request` to the routing node after those sent before it.
    pub fn tell(&self, request: Request) {
        let _ = self.in_order.send(request);
    }

    /// Asks the routing node and waits for its answer; `None` when no node routes for
    /// ten seconds (`CALL_PATIENCE`).
    pub async fn call(&self, request: Request) -> Option<Response> {
        self.metrics
            .bus(
                "routing_request",
                ask(&self.client, &self.subject, &request, CALL_PATIENCE),
            )
            .await
    }

    fn edit(&self, change: impl FnOnce(&mut HashMap<String, Presence>)) {
        change(&mut self.presence.lock().unwrap_or_else(|p| p.into_inner()));
        self.changed.notify_one();
    }

    /// An agent's socket opened on this node.
    pub fn connected(&self, presence: Presence) {
        self.edit(|all| {
            let entry = all
                .entry(presence.agent.clone())
                .or_insert_with(|| Presence {
                    sockets: 0,
                    ..presence.clone()
                });
            entry.sockets += 1;
            entry.queues = presence.queues;
            entry.max_chats = presence.max_chats;
            entry.active = presence.active;
        });
    }

    /// An agent's socket on this node closed.
    pub fn disconnected(&self, agent: &str) {
        self.edit(|all| {
            if let Some(entry) = all.get_mut(agent) {
                entry.sockets = entry.sockets.saturating_sub(1);
                if entry.sockets == 0 {
                    all.remove(agent);
                }
            }
        });
    }

    /// The agent set themselves away or back.
    pub fn set_away(&self, agent: &str, away: bool) {
        self.edit(|all| {
            if let Some(entry) = all.get_mut(agent) {
                entry.away = away;
            }
        });
    }

    /// An admin changed the agent's queues or capacity.
    pub fn changed(&self, agent: &str, queues: &HashSet<String>, max_chats: usize) {
        self.edit(|all| {
            if let Some(entry) = all.get_mut(agent) {
                entry.queues = queues.clone();
                entry.max_chats = max_chats;
            }
        });
    }

    /// The agent was deactivated or deleted (their sockets are being closed).
    pub fn removed(&self, agent: &str) {
        self.edit(|all| {
            all.remove(agent);
        });
    }

    fn snapshot(&self) -> Vec<Presence> {
        let all = self.presence.lock().unwrap_or_else(|p| p.into_inner());
        all.values().cloned().collect()
    }
}

/// Joins the cluster on `prefix`: starts this node's heartbeat, its bid to route (on the
/// PostgreSQL database at `database_url`), and returns the routing handle for this node.
pub async fn join(
    client: async_nats::Client,
    prefix: &str,
    node: &str,
    database_url: &str,
    hub: Arc<Hub>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
) -> Routing {
    let subject = format!("{prefix}.routing");
    let (in_order, mut to_send) = mpsc::unbounded_channel::<Request>();
    let member = Arc::new(Member {
        node: node.to_string(),
        client: client.clone(),
        subject: subject.clone(),
        presence: Mutex::default(),
        changed: Notify::new(),
        in_order,
        metrics: metrics.clone(),
    });

    // Requests nobody waits for, one at a time, in order.
    let (sender, sender_subject) = (client.clone(), subject.clone());
    tokio::spawn(async move {
        while let Some(request) = to_send.recv().await {
            if ask(&sender, &sender_subject, &request, TELL_PATIENCE)
                .await
                .is_none()
            {
                tracing::error!(
                    ?request,
                    "routing: no routing node answered; request dropped"
                );
            }
        }
    });

    // Heartbeats: every second, and at once when an agent's presence changes.
    let beating = member.clone();
    tokio::spawn(async move {
        let mut router = String::new();
        loop {
            let presence = beating.snapshot();
            let answer = ask(
                &beating.client,
                &beating.subject,
                &Request::Heartbeat {
                    node: beating.node.clone(),
                    presence,
                },
                HEARTBEAT,
            )
            .await;
            if let Some(Response::Router(now)) = answer
                && now != router
            {
                tracing::info!(router = now, "routing: the routing node is");
                router = now;
            }
            tokio::select! {
                () = tokio::time::sleep(HEARTBEAT) => {}
                () = beating.changed.notified() => {}
            }
        }
    });

    metrics.set_routes(false);
    tokio::spawn(bid_to_route(
        client,
        subject,
        node.to_string(),
        database_url.to_string(),
        lock_key(prefix),
        hub,
        store,
        metrics,
    ));
    Routing::member(member)
}

/// Sends `request` and waits for the answer, retrying while no routing node answers.
async fn ask(
    client: &async_nats::Client,
    subject: &str,
    request: &Request,
    patience: Duration,
) -> Option<Response> {
    let payload = serde_json::to_vec(request).expect("requests serialize");
    let give_up = tokio::time::Instant::now() + patience;
    loop {
        let asked = client.request(subject.to_string(), payload.clone().into());
        if let Ok(Ok(answer)) = tokio::time::timeout(Duration::from_secs(2), asked).await {
            return serde_json::from_slice(&answer.payload).ok();
        }
        if tokio::time::Instant::now() >= give_up {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The advisory lock's second key: the deployment's prefix, hashed (the first is Parlor's).
fn lock_key(prefix: &str) -> i32 {
    let hash = prefix.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    hash as i32
}

/// Parlor's first key of its advisory locks ("parl").
const LOCK_CLASS: i32 = 0x7061_726c;

/// Takes the routing lock when it is free, routes while holding it, and tries again when it
/// loses it (its database connection broke).
#[allow(clippy::too_many_arguments)]
async fn bid_to_route(
    client: async_nats::Client,
    subject: String,
    node: String,
    database_url: String,
    key: i32,
    hub: Arc<Hub>,
    store: Arc<dyn Store>,
    metrics: Arc<Metrics>,
) {
    loop {
        let Ok(mut lock) = sqlx::PgConnection::connect(&database_url).await else {
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        };
        loop {
            let taken: Result<bool, _> = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
                .bind(LOCK_CLASS)
                .bind(key)
                .fetch_one(&mut lock)
                .await;
            match taken {
                Ok(true) => {
                    route(&client, &subject, &node, &mut lock, &hub, &store, &metrics).await;
                    break;
                }
                Ok(false) => tokio::time::sleep(Duration::from_secs(1)).await,
                Err(_) => break,
            }
        }
        let _ = lock.close().await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Routes until the lock's connection breaks.
async fn route(
    client: &async_nats::Client,
    subject: &str,
    node: &str,
    lock: &mut sqlx::PgConnection,
    hub: &Arc<Hub>,
    store: &Arc<dyn Store>,
    metrics: &Arc<Metrics>,
) {
    let Ok(mut incoming) = client.subscribe(subject.to_string()).await else {
        return;
    };
    tracing::info!(node, "routing: this node routes now");
    metrics.set_routes(true);
    let (requests, task) = spawn_task(
        hub.clone(),
        store.clone(),
        metrics.clone(),
        node.to_string(),
        true,
    );
    // The chats that were waiting under the last routing node keep their place and timeouts.
    match store.waiting_chats().await {
        Ok(waiting) => {
            let now = crate::hours::now_ms();
            for chat in waiting {
                let waited =
                    Duration::from_millis(now.saturating_sub(chat.created_at).max(0) as u64);
                let timeouts = Timeouts {
                    answer: Duration::from_millis(chat.answer_timeout_ms.max(1) as u64),
                    queue: Duration::from_millis(chat.queue_timeout_ms.max(1) as u64),
                };
                let _ = requests.send((
                    Request::Enqueue {
                        chat: ChatRef {
                            conv_id: chat.conv_id,
                            queue_id: chat.queue_id,
                            queue_name: chat.queue_name,
                            visitor_id: chat.visitor_id,
                            visitor_name: chat.visitor_name,
                        },
                        timeouts,
                        waited,
                    },
                    None,
                ));
            }
        }
        Err(error) => tracing::error!(%error, "routing: cannot load the waiting chats"),
    }
    let mut check = tokio::time::interval(Duration::from_secs(2));
    loop {
        tokio::select! {
            message = incoming.next() => {
                let Some(message) = message else { break };
                let Ok(request) = serde_json::from_slice::<Request>(&message.payload) else {
                    tracing::warn!("routing: a request that does not parse");
                    continue;
                };
                let (reply, answer) = oneshot::channel();
                if requests.send((request, Some(reply))).is_err() {
                    break;
                }
                if let Some(reply_to) = message.reply {
                    let client = client.clone();
                    tokio::spawn(async move {
                        if let Ok(response) = answer.await {
                            let body = serde_json::to_vec(&response).expect("answers serialize");
                            let _ = client.publish(reply_to, body.into()).await;
                        }
                    });
                }
            }
            _ = check.tick() => {
                if sqlx::query("SELECT 1").execute(&mut *lock).await.is_err() {
                    tracing::warn!(node, "routing: lost the routing lock's connection; stepping down");
                    break;
                }
            }
        }
    }
    metrics.set_routes(false);
    let _ = incoming.unsubscribe().await;
    drop(requests);
    task.abort();
}

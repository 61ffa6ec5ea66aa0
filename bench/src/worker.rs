//! One load process: it holds a share of the visitors and agents, each on its own socket from
//! one of its source addresses, and obeys the coordinator's commands, one JSON line each on
//! stdin, answering one JSON line each on stdout.
//!
//! Every message carries its send time (µs since the epoch: all processes share the machine's
//! clock), its level, its sender's tag and a counter, so the receiver, in whatever process,
//! measures the latency and notices a duplicate. A worker ends when told, when stdin closes
//! (the coordinator is gone) or at its deadline, whichever comes first.

use std::collections::HashMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpSocket;
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio_tungstenite::tungstenite::Message;

use crate::hist::Histogram;
use crate::relay::JOIN_SERVICE;

mod reader;

use reader::Reader;

/// Which server the load is aimed at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// `parlor serve`: chats are created by visitors, routed, and accepted by agents.
    Parlor,
    /// The bare relay: sockets join their conversations' rooms directly.
    Relay,
}

/// What a worker is given when it starts (one JSON argument).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The server.
    pub target: Target,
    /// Its socket address.
    pub server: SocketAddr,
    /// The path of its WebSocket endpoint (`/ws`).
    pub path: String,
    /// Source addresses this worker's sockets are bound to, in turn.
    pub sources: Vec<Ipv4Addr>,
    /// The visitors this worker holds: indexes `first..first + count` of all visitors.
    pub visitors: (usize, usize),
    /// The agents this worker holds, likewise.
    pub agents: (usize, usize),
    /// How many agents there are in all (the relay's agents pick their rooms from it).
    pub total_agents: usize,
    /// How many visitors there are in all (one room each on the relay).
    pub total_visitors: usize,
    /// The portal's API key, to mint tokens as a site's backend would.
    pub key_sid: String,
    /// Its secret.
    pub key_secret: String,
    /// The queue visitors ask for.
    pub queue: String,
    /// Characters of filler in each message, to give it a chat message's size.
    pub message_bytes: usize,
    /// The worker exits after this many seconds whatever happens.
    pub deadline_secs: u64,
}

/// A command from the coordinator.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "lowercase")]
pub enum Command {
    /// Connect this worker's agents.
    Agents,
    /// Connect this worker's visitors and put each in a live chat.
    Visitors,
    /// Send messages on every conversation held, at `per_second` per conversation and
    /// direction, for `seconds`; answers when the sending is over.
    Run {
        /// The load level's number, carried in each message.
        level: u32,
        /// Messages a second each side of each conversation sends.
        per_second: f64,
        /// How long to send.
        seconds: f64,
    },
    /// Report the counts since the last `run` started.
    Tally,
    /// Close every socket and exit.
    Quit,
}

/// What this worker counted since the current level started.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Messages sent.
    pub sent: u64,
    /// Messages received (each once).
    pub received: u64,
    /// Messages received a second time.
    pub duplicates: u64,
    /// Messages of an earlier level received during this one.
    pub late: u64,
    /// Requests the server refused, and sockets that failed.
    pub errors: u64,
    /// Visitor → agent latencies.
    pub to_agent: Histogram,
    /// Agent → visitor latencies.
    pub to_visitor: Histogram,
    /// Sockets open now.
    pub open: u64,
    /// Conversations held (a visitor's own, or an agent's accepted ones).
    pub conversations: u64,
    /// The last error's text, for the report.
    pub last_error: Option<String>,
}

impl Tally {
    /// Adds another worker's counts.
    pub fn merge(&mut self, other: &Tally) {
        self.sent += other.sent;
        self.received += other.received;
        self.duplicates += other.duplicates;
        self.late += other.late;
        self.errors += other.errors;
        self.to_agent.merge(&other.to_agent);
        self.to_visitor.merge(&other.to_visitor);
        self.open += other.open;
        self.conversations += other.conversations;
        if other.last_error.is_some() {
            self.last_error.clone_from(&other.last_error);
        }
    }
}

/// Microseconds since the Unix epoch.
pub fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Visitor,
    Agent,
}

/// What the reader of a socket tells the code that set it up.
#[derive(Debug)]
enum Event {
    Authen(i64),
    Created(Result<String, String>),
    Joined,
}

/// One socket's state, shared by its reader, its senders and the reports.
struct Socket {
    role: Role,
    /// The socket's own tag (`v12`, `a3`), unique in the run.
    tag: String,
    out: mpsc::UnboundedSender<Message>,
    tally: Mutex<Tally>,
    conversations: Mutex<Vec<String>>,
    open: std::sync::atomic::AtomicBool,
}

impl Socket {
    fn send(&self, service: u64, body: Value) {
        let text = json!({"service": service, "body": body}).to_string();
        let _ = self.out.send(Message::Text(text.into()));
    }

    fn error(&self, text: String) {
        let mut tally = self.tally.lock().expect("tally lock");
        tally.errors += 1;
        tally.last_error = Some(text);
    }
}

struct Worker {
    plan: Plan,
    level: AtomicU32,
    sockets: Mutex<Vec<Arc<Socket>>>,
    next_source: AtomicUsize,
}

/// Runs a worker until it is told to quit.
pub async fn run(plan: Plan) {
    let deadline = Duration::from_secs(plan.deadline_secs);
    let worker = Arc::new(Worker {
        plan,
        level: AtomicU32::new(0),
        sockets: Mutex::new(Vec::new()),
        next_source: AtomicUsize::new(0),
    });
    let commands = async {
        let mut lines = BufReader::new(tokio::io::stdin()).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let command: Command = match serde_json::from_str(&line) {
                Ok(command) => command,
                Err(e) => {
                    eprintln!("worker: bad command {line:?}: {e}");
                    return;
                }
            };
            let answer = match command {
                Command::Agents => worker.clone().connect_agents().await,
                Command::Visitors => worker.clone().connect_visitors().await,
                Command::Run {
                    level,
                    per_second,
                    seconds,
                } => worker.clone().send_for(level, per_second, seconds).await,
                Command::Tally => serde_json::to_value(worker.tally()).expect("tally"),
                Command::Quit => return,
            };
            println!("{answer}");
        }
    };
    if tokio::time::timeout(deadline, commands).await.is_err() {
        eprintln!("worker: deadline reached, exiting");
    }
}

impl Worker {
    async fn connect_agents(self: Arc<Self>) -> Value {
        let (first, count) = self.plan.agents;
        let opened = self
            .clone()
            .open_all(first..first + count, Role::Agent)
            .await;
        json!({"ok": "agents", "connected": opened})
    }

    async fn connect_visitors(self: Arc<Self>) -> Value {
        let (first, count) = self.plan.visitors;
        let opened = self
            .clone()
            .open_all(first..first + count, Role::Visitor)
            .await;
        json!({"ok": "visitors", "chatting": opened})
    }

    /// Sets up every socket of `range`, 64 at a time; answers how many are ready.
    async fn open_all(self: Arc<Self>, range: std::ops::Range<usize>, role: Role) -> usize {
        let gate = Arc::new(Semaphore::new(64));
        let mut tasks = JoinSet::new();
        for index in range {
            let worker = self.clone();
            let gate = gate.clone();
            tasks.spawn(async move {
                let _permit = gate.acquire_owned().await;
                match tokio::time::timeout(Duration::from_secs(60), worker.setup(index, role)).await
                {
                    Ok(Ok(())) => true,
                    Ok(Err(e)) => {
                        eprintln!("worker: {role:?} {index}: {e}");
                        false
                    }
                    Err(_) => {
                        eprintln!("worker: {role:?} {index}: set-up timed out");
                        false
                    }
                }
            });
        }
        tasks.join_all().await.into_iter().filter(|ok| *ok).count()
    }

    async fn setup(self: &Arc<Self>, index: usize, role: Role) -> Result<(), String> {
        let plan = &self.plan;
        let source =
            plan.sources[self.next_source.fetch_add(1, Ordering::Relaxed) % plan.sources.len()];
        let tcp = TcpSocket::new_v4().map_err(|e| e.to_string())?;
        tcp.bind(SocketAddr::from((source, 0)))
            .map_err(|e| format!("bind {source}: {e}"))?;
        let stream = tcp
            .connect(plan.server)
            .await
            .map_err(|e| format!("connect from {source}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        let url = format!("ws://{}{}", plan.server, plan.path);
        let (socket, _) = tokio_tungstenite::client_async(url, stream)
            .await
            .map_err(|e| format!("upgrade: {e}"))?;
        let (mut sink, mut stream) = socket.split();
        let (out, mut queue) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = queue.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let tag = match role {
            Role::Visitor => format!("v{index}"),
            Role::Agent => format!("a{index}"),
        };
        let socket = Arc::new(Socket {
            role,
            tag,
            out,
            tally: Mutex::new(Tally::default()),
            conversations: Mutex::new(Vec::new()),
            open: true.into(),
        });
        let (events, mut setup_events) = mpsc::unbounded_channel();
        {
            let socket = socket.clone();
            let worker = self.clone();
            tokio::spawn(async move {
                let mut reader = Reader {
                    socket: &socket,
                    worker: &worker,
                    events,
                    offers: HashMap::new(),
                    next_request: 1000,
                    last_seen: HashMap::new(),
                };
                while let Some(frame) = stream.next().await {
                    match frame {
                        Ok(Message::Text(text)) => reader.frame(text.as_str()),
                        Ok(Message::Close(_)) => break,
                        Ok(_) => {}
                        Err(e) => {
                            socket.error(format!("socket: {e}"));
                            break;
                        }
                    }
                }
                socket.open.store(false, Ordering::Relaxed);
            });
        }
        let mut next = async || {
            setup_events
                .recv()
                .await
                .ok_or("socket closed during set-up")
        };

        let user_id = match role {
            Role::Visitor => format!("bench-visitor-{index}"),
            Role::Agent => format!("bench-agent-{index}"),
        };
        let token = parlor_server::token::issue(&user_id, &plan.key_sid, &plan.key_secret, 86_400);
        socket.send(2, json!({"accesstoken": token, "deviceId": "bench", "platform": 3, "sdkVersion": "bench", "requestId": 0}));
        match next().await? {
            Event::Authen(0) => {}
            other => return Err(format!("AUTHEN: {other:?}")),
        }
        match (plan.target, role) {
            (Target::Parlor, Role::Visitor) => {
                socket.send(41, json!({"isGroup": true, "distinct": false, "name": plan.queue, "participants": [], "localDbId": "bench", "requestId": 1}));
                // An agent may accept (and the visitor hear of it) before the reply arrives.
                let (mut conv, mut joined) = (None, false);
                while conv.is_none() || !joined {
                    match next().await? {
                        Event::Created(Ok(id)) => conv = Some(id),
                        Event::Joined => joined = true,
                        other => return Err(format!("create: {other:?}")),
                    }
                }
                socket.conversations.lock().expect("lock").extend(conv);
            }
            (Target::Parlor, Role::Agent) => {} // offers are accepted as they come
            (Target::Relay, role) => {
                let rooms: Vec<String> = match role {
                    Role::Visitor => vec![format!("c{index}")],
                    Role::Agent => (0..plan.total_visitors)
                        .filter(|v| v % plan.total_agents == index)
                        .map(|v| format!("c{v}"))
                        .collect(),
                };
                for room in &rooms {
                    socket.send(JOIN_SERVICE, json!({"convId": room}));
                }
                for _ in &rooms {
                    match next().await? {
                        Event::Joined => {}
                        other => return Err(format!("join: {other:?}")),
                    }
                }
                socket.conversations.lock().expect("lock").extend(rooms);
            }
        }
        self.sockets.lock().expect("lock").push(socket);
        Ok(())
    }

    async fn send_for(self: Arc<Self>, level: u32, per_second: f64, seconds: f64) -> Value {
        let sockets: Vec<Arc<Socket>> = self.sockets.lock().expect("lock").clone();
        for socket in &sockets {
            *socket.tally.lock().expect("lock") = Tally::default();
        }
        self.level.store(level, Ordering::SeqCst);
        let period = Duration::from_secs_f64(1.0 / per_second.max(0.001));
        let until = tokio::time::Instant::now() + Duration::from_secs_f64(seconds);
        let filler = "x".repeat(self.plan.message_bytes);
        let mut senders = JoinSet::new();
        for socket in sockets {
            let conversations = socket.conversations.lock().expect("lock").clone();
            for conv in conversations {
                let socket = socket.clone();
                let filler = filler.clone();
                let offset = period.mul_f64(random_fraction());
                senders.spawn(async move {
                    let tag = format!("{}:{conv}", socket.tag);
                    let mut ticks =
                        tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
                    let mut counter: u64 = 0;
                    loop {
                        ticks.tick().await;
                        if tokio::time::Instant::now() >= until {
                            break;
                        }
                        counter += 1;
                        let content = format!("pb|{level}|{tag}|{counter}|{}|{filler}", now_micros());
                        socket.send(42, json!({"convId": conv, "type": 1, "localDbId": format!("{tag}-{level}-{counter}"), "message": {"content": content}, "requestId": counter}));
                        socket.tally.lock().expect("lock").sent += 1;
                    }
                });
            }
        }
        senders.join_all().await;
        json!({"ok": "run", "level": level})
    }

    fn tally(&self) -> Tally {
        let mut total = Tally::default();
        for socket in self.sockets.lock().expect("lock").iter() {
            let tally = socket.tally.lock().expect("lock");
            total.merge(&tally);
            if socket.open.load(Ordering::Relaxed) {
                total.open += 1;
            }
            total.conversations += socket.conversations.lock().expect("lock").len() as u64;
        }
        total
    }
}

/// A number in [0, 1) from the operating system's generator.
fn random_fraction() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

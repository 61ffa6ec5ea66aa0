//! The socket gateway at `/ws`: AUTHEN, pings, request/reply correlation by `requestId`, and
//! a bounded send queue per connection.
//!
//! A connection is two tasks joined by `select!`: the reader parses frames and dispatches them,
//! the writer drains the connection's send queue (replies and pushes alike) into the socket.
//! Bad input — malformed JSON, an unknown service, a wrong field type, an oversized frame, too
//! many requests — is answered with an error code; it never closes anyone else's session.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use parlor_protocol::socket::{Frame, authen_code, code, service};
use serde_json::{Value, json};
use tokio::sync::{Notify, mpsc};
use tokio::time::Instant;

use crate::AppState;
use crate::error::ApiError;
use crate::hub::{Outgoing, SEND_QUEUE, SocketHandle};
use crate::origin::RequestOrigin;
use crate::store::Visitor;

/// Frames above this size are refused with [`code::TOO_LARGE`]; the connection stays open.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Bytes read from a socket at a time.
const READ_BUFFER_BYTES: usize = 4 * 1024;
/// Frames above this size end the connection: nobody sends a megabyte of chat by mistake.
const HARD_FRAME_LIMIT: usize = 1024 * 1024;
/// How long a new socket may wait before its AUTHEN.
const AUTHEN_WITHIN: Duration = Duration::from_secs(10);
/// Requests one connection may make per second, on average ...
const RATE_PER_SEC: f64 = 20.0;
/// ... and in a burst.
const RATE_BURST: f64 = 40.0;

/// Who a connection is, once AUTHEN succeeded.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user the token stands for.
    pub user_id: String,
    /// Their portal.
    pub portal_id: String,
    /// Whether the user is one of the portal's agents.
    pub agent: bool,
    /// The name others see (typing, "joined"), read at AUTHEN and refreshed by the caller's
    /// own profile updates (service 70). Empty for a visitor who gave none.
    pub display_name: String,
    /// This connection's id (a user may hold several).
    pub connection: u64,
    /// Mails (transcripts) this connection has asked for, to cap them.
    pub mails_sent: Arc<std::sync::atomic::AtomicU32>,
}

/// A request's failure: the reply's `r` and `message`.
#[derive(Debug)]
pub struct Refusal {
    pub code: i32,
    pub message: String,
}

impl Refusal {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<crate::store::StoreError> for Refusal {
    fn from(error: crate::store::StoreError) -> Self {
        tracing::error!(%error, "socket request failed");
        Refusal::new(code::INTERNAL, "internal error")
    }
}

/// Open sockets per client address, so that one address cannot hold every file descriptor.
#[derive(Debug, Default)]
pub struct AddressCounts(Mutex<HashMap<IpAddr, usize>>);

/// One counted socket; the count goes down when it is dropped.
pub struct AddressSlot {
    counts: Arc<AddressCounts>,
    address: IpAddr,
}

impl AddressCounts {
    /// Counts a new socket from `address`, unless it already holds `max`.
    pub fn acquire(self: &Arc<Self>, address: IpAddr, max: usize) -> Option<AddressSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let count = counts.entry(address).or_default();
        if *count >= max {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            counts: self.clone(),
            address,
        })
    }
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(count) = counts.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// `GET /ws`: upgrades to the socket, unless the client's address holds too many already.
pub async fn upgrade(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let max = state.settings.max_connections_per_address;
    let Some(slot) = state.connections.acquire(peer.ip(), max) else {
        return ApiError::TooMany(format!(
            "this address holds {max} sockets already; close one first"
        ))
        .into_response();
    };
    let origin = RequestOrigin::from_headers(&headers);
    ws.max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        // The default read buffer is 128 KiB a socket, most of a socket's memory; chat
        // frames are small, and a larger one still arrives (the buffer grows as needed).
        .read_buffer_size(READ_BUFFER_BYTES)
        .on_upgrade(move |socket| async move {
            connection(socket, state, origin).await;
            drop(slot);
        })
}

async fn connection(socket: WebSocket, state: AppState, origin: RequestOrigin) {
    let (mut sink, mut stream) = socket.split();
    let (sender, mut queue) = mpsc::channel::<Outgoing>(SEND_QUEUE);
    let close = Arc::new(Notify::new());
    let connection = state.hub.connection_id();
    // Where the reader leaves the session, so that it is unregistered however the socket ends.
    let authenticated: Mutex<Option<(String, bool)>> = Mutex::new(None);

    let writer = {
        let close = close.clone();
        async move {
            loop {
                tokio::select! {
                    outgoing = queue.recv() => match outgoing {
                        Some(Outgoing::Frame(text)) => {
                            if sink.send(Message::Text(text.into())).await.is_err() {
                                break;
                            }
                        }
                        Some(Outgoing::Close(code, reason)) => {
                            let frame = axum::extract::ws::CloseFrame {
                                code,
                                reason: reason.into(),
                            };
                            let _ = sink.send(Message::Close(Some(frame))).await;
                            break;
                        }
                        None => break,
                    },
                    () = close.notified() => break,
                }
            }
            let _ = sink.close().await;
        }
    };

    let reader = {
        let sender = sender.clone();
        let state = state.clone();
        let authenticated = &authenticated;
        async move {
            let mut session: Option<Session> = None;
            let mut bucket = TokenBucket::new(RATE_BURST);
            let ping_every = state.settings.ping_interval;
            let mut next_ping = Instant::now() + ping_every;
            let authen_deadline = Instant::now() + AUTHEN_WITHIN;
            loop {
                let deadline = if session.is_some() {
                    next_ping
                } else {
                    authen_deadline.min(next_ping)
                };
                let message = tokio::select! {
                    message = stream.next() => message,
                    () = tokio::time::sleep_until(deadline) => {
                        if session.is_none() && Instant::now() >= authen_deadline {
                            break; // never authenticated: free the socket
                        }
                        send(&sender, service::PING, json!({}));
                        next_ping = Instant::now() + ping_every;
                        continue;
                    }
                };
                let text = match message {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        refuse(
                            &sender,
                            0,
                            None,
                            Refusal::new(code::BAD_REQUEST, "frames are JSON text"),
                        );
                        continue;
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue, // transport-level ping/pong
                };
                if text.len() > MAX_FRAME_BYTES {
                    let message = format!("frame larger than {MAX_FRAME_BYTES} bytes");
                    refuse(&sender, 0, None, Refusal::new(code::TOO_LARGE, message));
                    continue;
                }
                let frame: Frame = match serde_json::from_str::<Frame>(text.as_str()) {
                    Ok(frame) if frame.body.is_object() || frame.body.is_null() => frame,
                    Ok(frame) => {
                        let refusal = Refusal::new(code::BAD_REQUEST, "body must be an object");
                        refuse(&sender, frame.service, None, refusal);
                        continue;
                    }
                    Err(error) => {
                        let refusal =
                            Refusal::new(code::BAD_REQUEST, format!("malformed frame: {error}"));
                        refuse(&sender, 0, None, refusal);
                        continue;
                    }
                };
                if frame.service == service::PING {
                    continue; // the client's answer to our ping: its arrival is the point
                }
                let request_id = frame.body.get("requestId").cloned();
                if !bucket.take(Instant::now()) {
                    let refusal = Refusal::new(code::RATE_LIMITED, "too many requests; slow down");
                    refuse(&sender, frame.service, request_id, refusal);
                    continue;
                }
                let body = if frame.body.is_null() {
                    json!({})
                } else {
                    frame.body
                };
                let result = match (&mut session, frame.service) {
                    (None, service::AUTHEN) => {
                        match authen(&state, &body, connection, &origin).await {
                            Ok((new_session, reply)) => {
                                let handle = SocketHandle {
                                    sender: sender.clone(),
                                    close: close.clone(),
                                };
                                state.hub.register(&new_session.user_id, connection, handle);
                                state.metrics.socket(new_session.agent, 1);
                                *authenticated.lock().unwrap_or_else(|p| p.into_inner()) =
                                    Some((new_session.user_id.clone(), new_session.agent));
                                let routing = if new_session.agent {
                                    match crate::offer::agent_routing(&state, &new_session).await {
                                        Ok(routing) => Some(routing),
                                        Err(refusal) => {
                                            tracing::error!(
                                                message = refusal.message,
                                                "agent not routed"
                                            );
                                            None
                                        }
                                    }
                                } else {
                                    None
                                };
                                // Reply first, so the agent knows it is connected before offers come.
                                answer(&sender, frame.service, request_id.clone(), reply);
                                if let Some(routing) = routing {
                                    crate::offer::agent_connected(&state, &new_session, routing);
                                } else if !new_session.agent {
                                    state.routing.visitor_connected(&new_session.user_id);
                                }
                                session = Some(new_session);
                                continue;
                            }
                            Err(refusal) => Err(refusal),
                        }
                    }
                    (Some(_), service::AUTHEN) => Err(Refusal::new(
                        code::CONFLICT,
                        "this connection is already authenticated",
                    )),
                    (None, _) => Err(Refusal::new(code::NOT_AUTHENTICATED, "send AUTHEN first")),
                    (Some(session), service) => {
                        crate::chat::handle(&state, session, service, &body).await
                    }
                };
                match result {
                    Ok(reply) => answer(&sender, frame.service, request_id, reply),
                    Err(refusal) => refuse(&sender, frame.service, request_id, refusal),
                }
            }
        }
    };

    tokio::select! {
        () = reader => {},
        () = writer => {},
    }
    let who = authenticated
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take();
    if let Some((user_id, agent)) = who {
        state.hub.unregister(&user_id, connection);
        state.metrics.socket(agent, -1);
        if agent {
            state.routing.agent_disconnected(&user_id);
        }
    }
    drop(sender);
}

async fn authen(
    state: &AppState,
    body: &Value,
    connection: u64,
    origin: &RequestOrigin,
) -> Result<(Session, Value), Refusal> {
    let raw = body
        .get("accesstoken")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let crate::auth::Verified { claims, portal_id } =
        match crate::auth::verify_token(state.store.as_ref(), raw).await {
            Ok(verified) => verified,
            Err(crate::auth::VerifyError::Token(e)) => {
                return Err(Refusal::new(e.code(), e.to_string()));
            }
            Err(crate::auth::VerifyError::Store(e)) => return Err(e.into()),
        };
    let portal = state
        .portals
        .by_id(state.store.as_ref(), &portal_id)
        .await?
        .ok_or_else(|| Refusal::new(authen_code::PROJECT_NOT_FOUND, "the portal is gone"))?;
    if !origin.allowed_by(&portal.allowed_origins) {
        return Err(Refusal::new(
            authen_code::AUTHENTICATION_FAILED,
            "this page's origin is not allowed for the portal",
        ));
    }
    let (agent, display_name) = match state.store.agent(&claims.user_id).await? {
        Some(agent) if agent.portal_id == portal_id && !agent.active => {
            return Err(Refusal::new(
                authen_code::AUTHENTICATION_FAILED,
                "this agent account is deactivated",
            ));
        }
        Some(agent) if agent.portal_id == portal_id => (true, agent.display_name),
        Some(_) => {
            return Err(Refusal::new(
                authen_code::AUTHENTICATION_FAILED,
                "this user belongs to another portal",
            ));
        }
        None => (false, String::new()),
    };
    let display_name = if agent {
        display_name
    } else {
        // A token minted by the site's own backend may name a visitor Parlor has not met yet.
        state
            .store
            .ensure_visitor(&Visitor::new(&claims.user_id, &portal_id))
            .await?;
        let visitor = state.store.visitor(&claims.user_id).await?;
        visitor.map(|v| v.name).unwrap_or_default()
    };
    let session = Session {
        user_id: claims.user_id,
        portal_id,
        agent,
        display_name,
        connection,
        mails_sent: Arc::default(),
    };
    let reply = json!({
        "userId": session.user_id,
        "projectId": session.portal_id,
        "connectionId": connection,
        "ping_after_ms": state.settings.ping_interval.as_millis() as u64,
        "chatAgent": agent,
        // Stringee's web SDK iterates these two; Parlor has no other clients or ICE servers.
        "clients": [],
        "ice_servers": [],
    });
    Ok((session, reply))
}

fn send(sender: &mpsc::Sender<Outgoing>, service: u16, body: Value) {
    let text = serde_json::to_string(&Frame { service, body }).expect("frames serialize");
    // A full queue means the client is not reading; the hub closes such sockets on the next push.
    let _ = sender.try_send(Outgoing::Frame(text));
}

fn answer(
    sender: &mpsc::Sender<Outgoing>,
    service: u16,
    request_id: Option<Value>,
    mut reply: Value,
) {
    if let Value::Object(fields) = &mut reply {
        fields.insert("r".into(), json!(code::OK));
        fields.entry("message").or_insert_with(|| json!("Success"));
        if let Some(id) = request_id {
            fields.insert("requestId".into(), id);
        }
    }
    send(sender, service, reply);
}

fn refuse(
    sender: &mpsc::Sender<Outgoing>,
    service: u16,
    request_id: Option<Value>,
    refusal: Refusal,
) {
    let mut body = json!({ "r": refusal.code, "message": refusal.message });
    if let Some(id) = request_id {
        body["requestId"] = id;
    }
    send(sender, service, body);
}

/// Per-connection rate limit: `RATE_PER_SEC` requests a second, bursts up to `RATE_BURST`.
struct TokenBucket {
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    fn new(burst: f64) -> Self {
        Self {
            tokens: burst,
            last: Instant::now(),
        }
    }

    fn take(&mut self, now: Instant) -> bool {
        let refill = now.duration_since(self.last).as_secs_f64() * RATE_PER_SEC;
        self.tokens = (self.tokens + refill).min(RATE_BURST);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

//! The connected client (Stringee's `StringeeClient` with `StringeeChat`'s socket calls): one
//! socket, AUTHEN, requests matched to replies by `requestId`, pushes turned into [`Event`]s,
//! and a connection that comes back by itself.
//!
//! How it keeps its promises:
//! - **Reconnect.** When the socket drops (or stays silent for `ping_after_ms` + 15 s) the
//!   client reconnects with exponential backoff and jitter, at once when the browser says it is
//!   back online. An expired token (AUTHEN code 6) asks the token provider for a new one.
//! - **Nothing lost.** A message goes into the [`Outbox`] (and `localStorage`) before it is
//!   sent, and leaves it only when the server acknowledged it. After a reconnect or a reload
//!   the outbox is sent again, oldest first, one at a time; the server's `localDbId` dedup makes
//!   a resend of something it already stored harmless.
//! - **Nothing twice.** Every message is reported once per seq: pushes, loads and the
//!   catch-up after a reconnect (which loads what was missed by seq, before the outbox goes
//!   out) all pass through the same record of seen seqs.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use std::rc::{Rc, Weak};

use futures_channel::{mpsc, oneshot};
use futures_util::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::Message as WsMessage;
use gloo_net::websocket::futures::WebSocket;
use parlor_protocol::read::FromJson;
use parlor_protocol::socket::{Frame, service};
use serde_json::{Value, json};

use crate::Error;
use crate::chat::ClientConfig;
use crate::conversation::Conversation;
use crate::events::{Event, ObjectChange};
use crate::model::{ChatRequest, ConversationInfo, Message, MessageState, UserInfo};
use crate::outbox::{Outbox, Pending};
use crate::table::Table;
use crate::time::{backoff_ms, now_ms, random, sleep};

/// How long a request waits for its reply before failing with [`Error::NOT_CONNECTED`].
const REQUEST_TIMEOUT_MS: u32 = 15_000;
/// How long AUTHEN may take.
const AUTHEN_TIMEOUT_MS: u32 = 10_000;
/// Silence beyond the server's ping interval after which the socket counts as dead.
const WATCHDOG_GRACE_MS: u32 = 15_000;
/// Messages per page when catching up after a reconnect.
const CATCH_UP_PAGE: i64 = 100;

/// Supplies a fresh access token when the current one expired.
pub type TokenProvider = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, Error>>>>>;

/// A live chat client: the socket and every call made over it. Cheap to clone; all clones are
/// the same client.
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.inner.state.borrow();
        f.debug_struct("Client")
            .field("user_id", &state.session.as_ref().map(|s| &s.user_id))
            .field("connected", &state.link.is_some())
            .finish()
    }
}

struct Inner {
    config: ClientConfig,
    state: RefCell<State>,
}

#[derive(Default)]
struct State {
    token: Option<String>,
    token_provider: Option<TokenProvider>,
    /// Whether the application wants to be connected (false after `disconnect`).
    wanted: bool,
    /// Bumped by every `connect`/`disconnect`, so an old connection task knows to stop.
    generation: u64,
    link: Option<Link>,
    session: Option<Session>,
    next_request: u64,
    pending: Table<u64, oneshot::Sender<Value>>,
    subscribers: Vec<mpsc::UnboundedSender<Event>>,
    /// Seqs reported, per conversation.
    seen: Table<String, BTreeSet<i64>>,
    /// Per conversation, how far the other members received and read (highest seqs).
    marks: Table<String, (i64, i64)>,
    outbox: Outbox,
    /// Callers waiting for their message's acknowledgement, by local id.
    waiters: Table<String, oneshot::Sender<Result<Message, Error>>>,
    /// Whether a task is sending the outbox now.
    flushing: bool,
    /// Wakes the reconnect wait (the browser came back online).
    wake: Option<oneshot::Sender<()>>,
    /// Which socket address to try next, when there are several.
    socket_turn: usize,
    /// The nodes the server listed (when it lists more than one and the configuration named
    /// no socket): tried in turn when the current one cannot be reached.
    nodes: Vec<String>,
}

struct Link {
    frames: mpsc::UnboundedSender<String>,
    stop: Option<oneshot::Sender<()>>,
}

#[derive(Clone)]
struct Session {
    user_id: String,
    agent: bool,
}

enum Outcome {
    /// The socket could not be opened, or closed before AUTHEN answered.
    Unreachable,
    /// It was authenticated, then closed.
    Closed,
    /// AUTHEN said the token expired (code 6).
    TokenExpired,
    /// AUTHEN refused the token for good.
    Refused(Error),
}

impl Client {
    /// A client for the server named by `config`; nothing happens until [`Client::connect`].
    /// Messages an earlier page left unsent are in its outbox and go out once it connects.
    pub fn new(config: ClientConfig) -> Self {
        let outbox = Outbox::load(&format!("{}.outbox", config.storage_prefix()));
        let client = Self {
            inner: Rc::new(Inner {
                config,
                state: RefCell::new(State {
                    outbox,
                    ..State::default()
                }),
            }),
        };
        client.watch_network();
        client
    }

    /// A stream of every event from now on. Several streams may be open at once.
    pub fn events(&self) -> mpsc::UnboundedReceiver<Event> {
        let (sender, receiver) = mpsc::unbounded();
        self.inner.state.borrow_mut().subscribers.push(sender);
        receiver
    }

    /// Sets what the client calls for a new token when the current one expired (Stringee's
    /// `requestAccessToken`); without one, an expired token ends in [`Event::Failed`].
    pub fn set_token_provider<F, Fut>(&self, provider: F)
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = Result<String, Error>> + 'static,
    {
        let provider: TokenProvider = Rc::new(move || Box::pin(provider()));
        self.inner.state.borrow_mut().token_provider = Some(provider);
    }

    /// Connects with `token` and stays connected until [`Client::disconnect`]; progress comes
    /// as [`Event::Connected`], [`Event::Disconnected`], [`Event::Failed`].
    pub fn connect(&self, token: &str) {
        let generation = {
            let mut state = self.inner.state.borrow_mut();
            state.token = Some(token.to_string());
            state.wanted = true;
            state.generation += 1;
            if let Some(mut link) = state.link.take()
                && let Some(stop) = link.stop.take()
            {
                let _ = stop.send(());
            }
            state.generation
        };
        let weak = Rc::downgrade(&self.inner);
        wasm_bindgen_futures::spawn_local(run(weak, generation));
    }

    /// Closes the socket and stops reconnecting. The outbox is kept.
    pub fn disconnect(&self) {
        let mut state = self.inner.state.borrow_mut();
        state.wanted = false;
        state.generation += 1;
        if let Some(mut link) = state.link.take()
            && let Some(stop) = link.stop.take()
        {
            let _ = stop.send(());
        }
        if let Some(wake) = state.wake.take() {
            let _ = wake.send(());
        }
    }

    /// Drops the socket as a network failure would, without stopping the client: it
    /// reconnects as it would after a real one. For tests and diagnostics.
    #[doc(hidden)]
    pub fn drop_connection(&self) {
        let mut state = self.inner.state.borrow_mut();
        if let Some(link) = state.link.as_mut()
            && let Some(stop) = link.stop.take()
        {
            let _ = stop.send(());
        }
    }

    /// Completes once the socket is authenticated (at once if it is), or with the error that
    /// ended the attempt, or [`Error::NOT_CONNECTED`] after `timeout_ms`.
    pub async fn until_connected(&self, timeout_ms: u32) -> Result<(), Error> {
        let mut events = self.events();
        if self.is_connected() {
            return Ok(());
        }
        let timeout = sleep(timeout_ms).fuse();
        futures_util::pin_mut!(timeout);
        loop {
            let next = events.next().fuse();
            futures_util::pin_mut!(next);
            futures_util::select! {
                event = next => match event {
                    Some(Event::Connected { .. }) => return Ok(()),
                    Some(Event::Failed(error)) => return Err(error),
                    Some(_) => {}
                    None => return Err(Error::new(Error::NOT_CONNECTED, "the client is gone")),
                },
                () = timeout => {
                    return Err(Error::new(Error::NOT_CONNECTED, "the server could not be reached"));
                }
            }
        }
    }

    /// Whether the socket is authenticated now.
    pub fn is_connected(&self) -> bool {
        self.inner.state.borrow().link.is_some()
    }

    /// The user id AUTHEN answered, once connected.
    pub fn user_id(&self) -> Option<String> {
        self.inner
            .state
            .borrow()
            .session
            .as_ref()
            .map(|s| s.user_id.clone())
    }

    /// A handle on a conversation by id (no request is made).
    pub fn conversation(&self, conv_id: &str) -> Conversation {
        Conversation::new(self.clone(), conv_id)
    }

    /// Where one of the user's own messages stands: sending (no seq yet), sent, or delivered
    /// or read by the others as far as their reports say. Others' messages answer `Sent`.
    pub fn state_of(&self, message: &Message) -> MessageState {
        if message.state == MessageState::Failed {
            return MessageState::Failed;
        }
        if message.seq == 0 {
            return MessageState::Sending;
        }
        let state = self.inner.state.borrow();
        let own = state
            .session
            .as_ref()
            .is_some_and(|s| s.user_id == message.from);
        let (delivered, read) = state
            .marks
            .get(&message.conv_id)
            .copied()
            .unwrap_or_default();
        match () {
            () if own && message.seq <= read => MessageState::Read,
            () if own && message.seq <= delivered => MessageState::Delivered,
            () => MessageState::Sent,
        }
    }

    /// The user's messages not yet acknowledged (in the outbox), oldest first; a page that
    /// reloads shows them as "sending".
    pub fn pending_messages(&self, conv_id: &str) -> Vec<Message> {
        self.inner
            .state
            .borrow()
            .outbox
            .entries()
            .iter()
            .filter(|e| e.conv_id == conv_id)
            .map(|e| Message {
                id: String::new(),
                conv_id: e.conv_id.clone(),
                seq: 0,
                from: String::new(),
                kind: e.kind,
                content: e.message.clone(),
                created: e.created,
                local_db_id: Some(e.local_db_id.clone()),
                state: MessageState::Sending,
            })
            .collect()
    }

    // ----- customer calls -----

    /// Starts a live chat in `queue_id` (Stringee's `createLiveChatConversation`);
    /// `custom_data` goes to the agent (page URL, cart…).
    pub async fn create_live_chat_conversation(
        &self,
        queue_id: &str,
        custom_data: Option<Value>,
    ) -> Result<(Conversation, ConversationInfo), Error> {
        let body = json!({
            "isGroup": true, "distinct": false, "name": queue_id, "participants": [],
            "customData": custom_data.map(|d| crate::json::stringify(&d)), "localDbId": local_id(),
        });
        let reply = self
            .request(service::CHAT_CREATE_CONVERSATION, body)
            .await?;
        let info = ConversationInfo::from_wire(&reply).ok_or_else(|| {
            Error::new(Error::INVALID_VALUE, "the server answered no conversation")
        })?;
        if let Some(last) = &info.last_message {
            self.record_seen(last);
        }
        Ok((self.conversation(&info.id), info))
    }

    /// Completes or corrects the user's profile (Stringee's `updateUserInfo`).
    pub async fn update_user_info(&self, info: &UserInfo) -> Result<Value, Error> {
        let body = info.to_json();
        self.request(service::UPDATE_USER_INFO, body).await
    }

    /// Sends a profile change nobody waits for (the page the visitor is on, as they move).
    pub fn tell_user_info(&self, info: &UserInfo) {
        let body = info.to_json();
        self.tell(service::UPDATE_USER_INFO, body);
    }

    /// The user's conversations, most recent first.
    pub async fn get_conversations(&self, limit: u32) -> Result<Vec<ConversationInfo>, Error> {
        let reply = self
            .request(service::CHAT_CONVERSATION_LOAD, json!({ "limit": limit }))
            .await?;
        Ok(list(&reply, "listConvs")
            .iter()
            .filter_map(ConversationInfo::from_wire)
            .collect())
    }

    /// Conversations by id (only the user's own are answered).
    pub async fn get_conversations_by_ids(
        &self,
        ids: &[&str],
    ) -> Result<Vec<ConversationInfo>, Error> {
        let reply = self
            .request(
                service::CHAT_GET_CONVERSATIONS_INFO,
                json!({ "convIds": ids.join(",") }),
            )
            .await?;
        Ok(list(&reply, "listConvs")
            .iter()
            .filter_map(ConversationInfo::from_wire)
            .collect())
    }

    /// Users' public details (`CHAT_GET_USERS_INFO`).
    pub async fn get_users_info(&self, user_ids: &[&str]) -> Result<Vec<Value>, Error> {
        let reply = self
            .request(
                service::CHAT_GET_USERS_INFO,
                json!({ "userIds": user_ids.join(",") }),
            )
            .await?;
        Ok(list(&reply, "users").to_vec())
    }

    /// Sends an application's own payload to another user's open sockets; answers how many
    /// it reached.
    pub async fn send_custom_message(&self, to_user: &str, message: Value) -> Result<u64, Error> {
        let reply = self
            .request(
                service::CUSTOM_MESSAGE,
                json!({ "toUser": to_user, "message": message }),
            )
            .await?;
        Ok(reply.get("delivered").and_then(Value::as_u64).unwrap_or(0))
    }

    // ----- agent calls -----

    /// The chats offered to this agent now, and the transfers waiting for their answer.
    pub async fn get_chat_requests(&self) -> Result<Vec<ChatRequest>, Error> {
        let reply = self.request(service::CHAT_REQUEST_LOAD, json!({})).await?;
        Ok(list(&reply, "chatRequests")
            .iter()
            .map(|r| ChatRequest::from_wire(r, false))
            .collect())
    }

    /// Accepts (`true`) or rejects a chat request; an accepted chat's facts come back.
    pub async fn answer_chat_request(
        &self,
        conv_id: &str,
        accept: bool,
    ) -> Result<Option<ConversationInfo>, Error> {
        let reply = self
            .request(
                service::CHAT_AGENT_RESPONSE,
                json!({ "convId": conv_id, "answer": accept, "channelType": 1 }),
            )
            .await?;
        Ok(if accept {
            ConversationInfo::from_wire(&reply)
        } else {
            None
        })
    }

    /// Accepts or refuses a transfer another agent asked of this one.
    pub async fn answer_transfer(
        &self,
        conv_id: &str,
        accept: bool,
    ) -> Result<Option<ConversationInfo>, Error> {
        let reply = self
            .request(
                service::CHAT_CONFIRM_TRANSFER_REQUEST,
                json!({ "convId": conv_id, "answer": accept }),
            )
            .await?;
        Ok(if accept {
            ConversationInfo::from_wire(&reply)
        } else {
            None
        })
    }

    /// Joins a colleague's chat in progress to help.
    pub async fn join_chat(&self, conv_id: &str) -> Result<ConversationInfo, Error> {
        let reply = self
            .request(
                service::JOIN_CHAT_CUSTOMER_CARE,
                json!({ "convId": conv_id }),
            )
            .await?;
        ConversationInfo::from_wire(&reply)
            .ok_or_else(|| Error::new(Error::INVALID_VALUE, "the server answered no conversation"))
    }

    /// Sets this agent available for new chats, or away (Parlor's presence service).
    pub async fn set_available(&self, available: bool) -> Result<(), Error> {
        let status = if available { "available" } else { "away" };
        self.request(service::AGENT_SET_PRESENCE, json!({ "status": status }))
            .await
            .map(|_| ())
    }

    // ----- the machinery -----

    /// Sends a request over the socket and waits for its reply; `r != 0` is an [`Error`] with
    /// the server's code and message.
    pub async fn request(&self, service: u16, body: Value) -> Result<Value, Error> {
        let reply = self.inner.send_request(service, body)?;
        let timeout = sleep(REQUEST_TIMEOUT_MS).fuse();
        let reply = reply.fuse();
        futures_util::pin_mut!(timeout, reply);
        let body = futures_util::select! {
            body = reply => body.map_err(|_| Error::new(Error::NOT_CONNECTED, "the connection was lost"))?,
            () = timeout => return Err(Error::new(Error::NOT_CONNECTED, "the server did not answer")),
        };
        let code = body.get("r").and_then(Value::as_i64).unwrap_or(-1);
        if code == 0 {
            Ok(body)
        } else {
            let message = body
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("refused");
            Err(Error::new(code as i32, message))
        }
    }

    /// Sends a request whose answer nobody waits for (typing, drafts, read marks): dropped
    /// when not connected.
    pub(crate) fn tell(&self, service: u16, body: Value) {
        let _ = self.inner.send_request(service, body);
    }

    /// Queues a message in the outbox and sends it; completes when the server stored it (after
    /// reconnects if need be) or refused it for good.
    pub(crate) async fn send_message(
        &self,
        conv_id: &str,
        kind: i64,
        message: Value,
    ) -> Result<Message, Error> {
        let local = local_id();
        let (done, acknowledged) = oneshot::channel();
        {
            let mut state = self.inner.state.borrow_mut();
            state.outbox.push(Pending {
                local_db_id: local.clone(),
                conv_id: conv_id.to_string(),
                kind,
                message,
                created: now_ms() as i64,
            });
            state.waiters.insert(local.clone(), done);
        }
        self.inner
            .emit(Event::ObjectChange(ObjectChange::MessageState {
                conv_id: conv_id.to_string(),
                local_db_id: local,
                state: MessageState::Sending,
            }));
        self.inner.clone().flush();
        acknowledged
            .await
            .unwrap_or_else(|_| Err(Error::new(Error::NOT_CONNECTED, "the client was dropped")))
    }

    /// Notes a message as reported; returns whether it is new.
    pub(crate) fn record_seen(&self, message: &Message) -> bool {
        self.inner.record_seen(message)
    }

    /// Reports every message of `messages` not reported yet, as [`ObjectChange::MessageInserted`].
    pub(crate) fn report_new(&self, messages: &[Message]) {
        for message in messages {
            if self.inner.record_seen(message) {
                self.inner
                    .emit(Event::ObjectChange(ObjectChange::MessageInserted(
                        message.clone(),
                    )));
            }
        }
    }

    /// Reconnects at once when the browser comes back online; drops the socket when it goes
    /// offline, instead of waiting for the watchdog.
    fn watch_network(&self) {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(window) = web_sys::window() else {
            return;
        };
        let weak = Rc::downgrade(&self.inner);
        let online = Closure::<dyn Fn()>::new({
            let weak = weak.clone();
            move || {
                if let Some(inner) = weak.upgrade()
                    && let Some(wake) = inner.state.borrow_mut().wake.take()
                {
                    let _ = wake.send(());
                }
            }
        });
        let offline = Closure::<dyn Fn()>::new(move || {
            if let Some(inner) = weak.upgrade()
                && let Some(link) = inner.state.borrow_mut().link.as_mut()
                && let Some(stop) = link.stop.take()
            {
                let _ = stop.send(());
            }
        });
        let _ = window.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        let _ =
            window.add_event_listener_with_callback("offline", offline.as_ref().unchecked_ref());
        // The listeners hold only a weak reference; they live as long as the page.
        online.forget();
        offline.forget();
    }
}

impl Inner {
    fn emit(&self, event: Event) {
        let mut state = self.state.borrow_mut();
        state
            .subscribers
            .retain(|subscriber| subscriber.unbounded_send(event.clone()).is_ok());
    }

    fn record_seen(&self, message: &Message) -> bool {
        self.state
            .borrow_mut()
            .seen
            .entry(message.conv_id.clone())
            .insert(message.seq)
    }

    fn send_request(
        &self,
        service: u16,
        mut body: Value,
    ) -> Result<oneshot::Receiver<Value>, Error> {
        let mut state = self.state.borrow_mut();
        let Some(link) = state.link.as_ref() else {
            return Err(Error::new(Error::NOT_CONNECTED, "not connected"));
        };
        let frames = link.frames.clone();
        state.next_request += 1;
        let id = state.next_request;
        body["requestId"] = json!(id);
        let (sender, receiver) = oneshot::channel();
        state.pending.insert(id, sender);
        drop(state);
        let text = encode(service, body);
        frames
            .unbounded_send(text)
            .map_err(|_| Error::new(Error::NOT_CONNECTED, "not connected"))?;
        Ok(receiver)
    }

    /// Sends the outbox, oldest first, one message at a time, unless a flush is running or the
    /// socket is down (the next connect flushes).
    fn flush(self: Rc<Self>) {
        {
            let mut state = self.state.borrow_mut();
            if state.flushing || state.link.is_none() {
                return;
            }
            state.flushing = true;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let client = Client {
                inner: self.clone(),
            };
            loop {
                let Some(entry) = self.state.borrow().outbox.first().cloned() else {
                    break;
                };
                let body = crate::json::object(vec![
                    ("convId", Value::from(entry.conv_id.as_str())),
                    ("type", Value::from(entry.kind)),
                    ("localDbId", Value::from(entry.local_db_id.as_str())),
                    ("message", entry.message.clone()),
                ]);
                match client.request(service::CHAT_MESSAGE, body).await {
                    Ok(reply) => {
                        let message = Message {
                            id: reply
                                .get("msgId")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            conv_id: entry.conv_id.clone(),
                            seq: reply.get("seq").and_then(Value::as_i64).unwrap_or_default(),
                            from: client.user_id().unwrap_or_default(),
                            kind: entry.kind,
                            content: entry.message.clone(),
                            created: reply
                                .get("created")
                                .and_then(Value::as_i64)
                                .unwrap_or(entry.created),
                            local_db_id: Some(entry.local_db_id.clone()),
                            state: MessageState::Sent,
                        };
                        self.settle(&entry.local_db_id, Ok(message.clone()));
                        client.report_new(std::slice::from_ref(&message));
                    }
                    Err(error) if error.code < 0 => break, // connection lost: the next connect resumes
                    Err(error) if error.code == 429 => sleep(1_000).await,
                    Err(error) => {
                        self.emit(Event::ObjectChange(ObjectChange::MessageState {
                            conv_id: entry.conv_id.clone(),
                            local_db_id: entry.local_db_id.clone(),
                            state: MessageState::Failed,
                        }));
                        self.settle(&entry.local_db_id, Err(error));
                    }
                }
            }
            self.state.borrow_mut().flushing = false;
        });
    }

    /// Takes an entry out of the outbox and answers whoever waits for it.
    fn settle(&self, local_db_id: &str, result: Result<Message, Error>) {
        let waiter = {
            let mut state = self.state.borrow_mut();
            state.outbox.remove(local_db_id);
            state.waiters.remove(local_db_id)
        };
        if let Some(waiter) = waiter {
            let _ = waiter.send(result);
        }
    }

    fn socket_url(&self) -> String {
        let state = self.state.borrow();
        match state.nodes.len() {
            0 => self.config.socket_url_at(state.socket_turn),
            n => state.nodes[state.socket_turn % n].clone(),
        }
    }

    /// Learns the nodes the server lists, while connected (a node that has died cannot be
    /// asked), so that a reconnect can try another. Only for a configuration that names no
    /// socket: one that does (a StringeeX portal) keeps to what it names.
    fn learn_nodes(self: &Rc<Self>, token: &str) {
        if self.config.socket.is_some()
            || !self.config.sockets.is_empty()
            || !self.state.borrow().nodes.is_empty()
        {
            return;
        }
        let inner = self.clone();
        let token = token.to_string();
        wasm_bindgen_futures::spawn_local(async move {
            let chat = crate::chat::Chat::new(inner.config.clone());
            if let Ok(nodes) = chat.get_server_addresses(&token).await
                && nodes.len() > 1
            {
                let mut state = inner.state.borrow_mut();
                // Start from the node this socket is on, if it is listed.
                let here = inner.config.socket_url();
                state.socket_turn = nodes.iter().position(|n| *n == here).unwrap_or(0);
                state.nodes = nodes;
            }
        });
    }

    /// Handles one frame from the server.
    fn dispatch(self: &Rc<Self>, frame: Frame) {
        let body = frame.body;
        if let Some(id) = body.get("requestId").and_then(Value::as_u64) {
            let waiter = self.state.borrow_mut().pending.remove(&id);
            if let Some(waiter) = waiter {
                let _ = waiter.send(body);
            }
            return;
        }
        let text = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let event = match frame.service {
            service::PING => {
                self.send_raw(service::PING, json!({}));
                return;
            }
            service::CHAT_MESSAGE_FROM_SERVER => {
                let Some(message) = Message::from_wire(&body) else {
                    return;
                };
                if !self.record_seen(&message) {
                    return;
                }
                Event::ObjectChange(ObjectChange::MessageInserted(message))
            }
            service::CHAT_MESSAGE_REPORT_FROM_SERVER => {
                let seq = body
                    .get("lastMsgSeq")
                    .and_then(Value::as_i64)
                    .unwrap_or_default();
                let read = body.get("status").and_then(Value::as_i64) == Some(2);
                let mut state = self.state.borrow_mut();
                // The user's own reports (from another tab) say nothing about the others.
                let own = state
                    .session
                    .as_ref()
                    .is_some_and(|s| s.user_id == text("from"));
                if !own {
                    let marks = state.marks.entry(text("convId"));
                    marks.0 = marks.0.max(seq);
                    if read {
                        marks.1 = marks.1.max(seq);
                    }
                }
                drop(state);
                Event::ObjectChange(ObjectChange::Report {
                    conv_id: text("convId"),
                    user_id: text("from"),
                    seq: body
                        .get("lastMsgSeq")
                        .and_then(Value::as_i64)
                        .unwrap_or_default(),
                    read: body.get("status").and_then(Value::as_i64) == Some(2),
                })
            }
            service::CUSTOM_MESSAGE_FROM_SERVER => Event::CustomMessage {
                from_user_id: text("fromUserId"),
                message: body.get("message").cloned().unwrap_or(Value::Null),
            },
            #[cfg(feature = "agent")]
            service::CHAT_ROUTE_TO_AGENT => {
                Event::ChatRequest(ChatRequest::from_wire(&body, false))
            }
            #[cfg(feature = "agent")]
            service::CHAT_TRANSFER_REQUEST_FROM_ANOTHER_AGENT => {
                Event::TransferChatRequest(ChatRequest::from_wire(&body, true))
            }
            #[cfg(feature = "agent")]
            service::CHAT_CONFIRM_TRANSFER_REQUEST => Event::TransferAnswered {
                conv_id: text("convId"),
                to_user_id: text("toUserId"),
                accepted: body.get("answer").and_then(Value::as_bool).unwrap_or(false),
            },
            #[cfg(feature = "agent")]
            service::TIMEOUT_ROUTE_TO_AGENT => Event::TimeoutAnswerChat {
                conv_id: text("convId"),
            },
            service::TIMEOUT_ROUTE_TO_QUEUE => Event::TimeoutInQueue {
                conv_id: text("convId"),
            },
            service::CONVERSATION_ENDED | service::END_CHAT => Event::ConversationEnded {
                conv_id: text("convId"),
                ended_by: text("endedby"),
            },
            service::USER_BEGIN_TYPING => Event::UserBeginTyping {
                conv_id: text("convId"),
                user_id: text("userId"),
                display_name: text("displayName"),
            },
            service::USER_END_TYPING => Event::UserEndTyping {
                conv_id: text("convId"),
                user_id: text("userId"),
                display_name: text("displayName"),
            },
            service::USER_INFO_CHANGED => Event::UserInfoChanged(body),
            service::QUEUE_POSITION => Event::QueuePosition {
                conv_id: text("convId"),
                position: body.get("position").and_then(Value::as_u64).unwrap_or(0) as u32,
                estimate_ms: body.get("estimateMs").and_then(Value::as_u64),
            },
            #[cfg(feature = "agent")]
            service::QUEUE_LENGTHS => Event::QueueLengths(
                list(&body, "queues")
                    .iter()
                    .map(|q| {
                        (
                            q.get("queueName")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string(),
                            q.get("waiting").and_then(Value::as_u64).unwrap_or(0) as usize,
                        )
                    })
                    .collect(),
            ),
            #[cfg(feature = "agent")]
            service::NOTE_FROM_SERVER => {
                match body.get("note").and_then(crate::model::Note::from_wire) {
                    Some(note) => Event::NoteAdded(note),
                    None => return,
                }
            }
            #[cfg(feature = "agent")]
            service::DRAFT_FROM_SERVER => {
                let text = |name: &str| {
                    body.get(name)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                Event::Draft {
                    conv_id: text("convId"),
                    user_id: text("userId"),
                    text: text("text"),
                }
            }
            _ => return,
        };
        self.emit(event);
    }

    fn send_raw(&self, service: u16, body: Value) {
        if let Some(link) = self.state.borrow().link.as_ref() {
            let text = encode(service, body);
            let _ = link.frames.unbounded_send(text);
        }
    }

    /// Loads what each known conversation missed while the socket was down, by seq.
    async fn catch_up(self: &Rc<Self>) {
        let client = Client {
            inner: self.clone(),
        };
        let known: Vec<(String, i64)> = self
            .state
            .borrow()
            .seen
            .iter()
            .filter_map(|(conv, seqs)| seqs.last().map(|last| (conv.clone(), *last)))
            .collect();
        for (conv_id, mut after) in known {
            loop {
                let page = client
                    .conversation(&conv_id)
                    .missed_after(after, CATCH_UP_PAGE as u32)
                    .await;
                let Ok(page) = page else { break };
                client.report_new(&page);
                match page.last() {
                    Some(last) if page.len() as i64 == CATCH_UP_PAGE => after = last.seq,
                    _ => break,
                }
            }
        }
    }
}

/// The connection task of one `connect`: opens, authenticates, serves, and reconnects until
/// the client is dropped, disconnected, or connected anew.
async fn run(weak: Weak<Inner>, generation: u64) {
    let mut attempt = 0u32;
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let (token, current) = {
            let state = inner.state.borrow();
            (
                state.token.clone(),
                state.wanted && state.generation == generation,
            )
        };
        let Some(token) = token.filter(|_| current) else {
            return;
        };
        match serve(&inner, &token, generation).await {
            Outcome::Closed => {
                inner.emit(Event::Disconnected);
                attempt = 0;
            }
            // The next attempt tries the next address, when there are several.
            Outcome::Unreachable => {
                inner.state.borrow_mut().socket_turn += 1;
            }
            Outcome::TokenExpired => {
                inner.emit(Event::RequestAccessToken);
                let provider = inner.state.borrow().token_provider.clone();
                let Some(provider) = provider else {
                    inner.state.borrow_mut().wanted = false;
                    inner.emit(Event::Failed(Error::new(6, "the access token expired")));
                    return;
                };
                drop(inner);
                let fresh = provider().await;
                let Some(inner) = weak.upgrade() else { return };
                match fresh {
                    Ok(token) => {
                        inner.state.borrow_mut().token = Some(token);
                        continue;
                    }
                    Err(error) => {
                        inner.state.borrow_mut().wanted = false;
                        inner.emit(Event::Failed(error));
                        return;
                    }
                }
            }
            Outcome::Refused(error) => {
                inner.state.borrow_mut().wanted = false;
                inner.emit(Event::Failed(error));
                return;
            }
        }
        // Wait before the next attempt, or less if the browser says it is back online.
        let (wake, woken) = oneshot::channel();
        inner.state.borrow_mut().wake = Some(wake);
        drop(inner);
        let delay = sleep(backoff_ms(attempt, random())).fuse();
        let woken = woken.fuse();
        futures_util::pin_mut!(delay, woken);
        futures_util::select! {
            () = delay => {},
            _ = woken => {},
        }
        attempt = attempt.saturating_add(1);
    }
}

/// One socket's life: open, AUTHEN, then frames both ways until it ends.
async fn serve(inner: &Rc<Inner>, token: &str, generation: u64) -> Outcome {
    let Ok(socket) = WebSocket::open(&inner.socket_url()) else {
        return Outcome::Unreachable;
    };
    let (mut sink, mut stream) = socket.split();
    let authen = json!({
        "service": service::AUTHEN,
        "body": {
            "accesstoken": token, "requestId": 0, "platform": 3, "sdkVersion": "parlor-client",
            "deviceId": inner.config.storage_prefix(),
        },
    });
    if sink
        .send(WsMessage::Text(crate::json::stringify(&authen)))
        .await
        .is_err()
    {
        return Outcome::Unreachable;
    }
    let reply = {
        let timeout = sleep(AUTHEN_TIMEOUT_MS).fuse();
        futures_util::pin_mut!(timeout);
        loop {
            let next = stream.next().fuse();
            futures_util::pin_mut!(next);
            let frame = futures_util::select! {
                frame = next => frame,
                () = timeout => return Outcome::Unreachable,
            };
            let Some(Ok(WsMessage::Text(text))) = frame else {
                return Outcome::Unreachable;
            };
            if let Some(frame) = decode(&text)
                && frame.service == service::AUTHEN
            {
                break frame.body;
            }
        }
    };
    let code = reply.get("r").and_then(Value::as_i64).unwrap_or(-1);
    match code {
        0 => {}
        6 => return Outcome::TokenExpired,
        _ => {
            let message = reply
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("refused");
            return Outcome::Refused(Error::new(code as i32, message));
        }
    }
    let session = Session {
        user_id: reply
            .get("userId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        agent: reply
            .get("chatAgent")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    };
    let ping_after = reply
        .get("ping_after_ms")
        .and_then(Value::as_u64)
        .unwrap_or(25_000)
        .min(600_000) as u32;
    let (frames, mut outgoing) = mpsc::unbounded::<String>();
    let (stop, mut stopped) = oneshot::channel::<()>();
    {
        let mut state = inner.state.borrow_mut();
        if state.generation != generation || !state.wanted {
            return Outcome::Closed;
        }
        state.link = Some(Link {
            frames,
            stop: Some(stop),
        });
        state.session = Some(session.clone());
    }
    inner.learn_nodes(token);
    // Before anything is reported as connected: load what was missed, then resend the outbox.
    {
        let inner = inner.clone();
        wasm_bindgen_futures::spawn_local(async move {
            inner.catch_up().await;
            inner.emit(Event::Connected {
                user_id: session.user_id,
                agent: session.agent,
            });
            inner.clone().flush();
        });
    }
    loop {
        let watchdog = sleep(ping_after.saturating_add(WATCHDOG_GRACE_MS)).fuse();
        let next = stream.next().fuse();
        futures_util::pin_mut!(watchdog, next);
        futures_util::select! {
            frame = next => match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    if let Some(frame) = decode(&text) {
                        inner.dispatch(frame);
                    }
                }
                Some(Ok(WsMessage::Bytes(_))) => {}
                Some(Err(_)) | None => break,
            },
            text = outgoing.next() => match text {
                Some(text) => {
                    if sink.send(WsMessage::Text(text)).await.is_err() {
                        break;
                    }
                }
                None => break,
            },
            _ = stopped => break,
            () = watchdog => break,
        }
    }
    // The socket is gone: requests in flight fail, and will be retried where that is safe.
    let mut state = inner.state.borrow_mut();
    if state.generation == generation {
        state.link = None;
    }
    state.pending.clear();
    Outcome::Closed
}

fn list<'a>(reply: &'a Value, name: &str) -> &'a [Value] {
    reply
        .get(name)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A fresh local id: unique within the browser (time and randomness).
pub(crate) fn local_id() -> String {
    format!(
        "l{:x}{:08x}",
        now_ms() as u64,
        (random() * f64::from(u32::MAX)) as u32
    )
}

/// A frame as text for the socket (`JSON.stringify`: see [`crate::json`]).
fn encode(service: u16, body: Value) -> String {
    crate::json::stringify(&crate::json::object(vec![
        ("service", Value::from(service)),
        ("body", body),
    ]))
}

/// A frame from the socket's text; `None` when it is not one.
fn decode(text: &str) -> Option<Frame> {
    Frame::from_json(&crate::json::parse(text)?)
}

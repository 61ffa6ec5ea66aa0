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
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use futures_channel::{mpsc, oneshot};
use futures_util::{FutureExt, StreamExt};
use serde_json::Value;

use crate::Error;
use crate::chat::ClientConfig;
use crate::conversation::Conversation;
use crate::events::{Event, ObjectChange};
use crate::model::{Message, MessageState};
use crate::outbox::{Outbox, Pending};
use crate::seqs::Seqs;
use crate::table::Table;
use crate::time::{now_ms, random, sleep};

mod calls;
mod connection;
mod dispatch;

use connection::run;

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
    seen: Table<String, Seqs>,
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

//! The signed-in agent's workspace, three columns: chat requests and chats · the conversation ·
//! the visitor's details; and the portal's tickets.

use std::collections::HashMap;

use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::model::kind;
use parlor_client::{
    Agent, AgentSession, Chat, ChatRequest, Client, ClientConfig, Event, Message, ObjectChange,
};
use serde_json::Value;

/// AUTHEN's answer to an agent whose account was deactivated or deleted.
const AUTHENTICATION_FAILED: i32 =
    parlor_client::protocol::socket::authen_code::AUTHENTICATION_FAILED;

/// A chat this agent serves (or served).
#[derive(Debug, Clone, PartialEq)]
struct ChatItem {
    conv_id: String,
    customer_id: String,
    customer_name: String,
    queue_name: String,
    /// Seconds the visitor waited before this agent took the chat, when known.
    waited: Option<u64>,
    unread: usize,
    ended: bool,
}

#[derive(Clone, Copy)]
struct Desk {
    client: StoredValue<Client, LocalStorage>,
    me: StoredValue<String>,
    token: StoredValue<String>,
    connected: RwSignal<bool>,
    available: RwSignal<bool>,
    requests: RwSignal<Vec<ChatRequest>>,
    chats: RwSignal<Vec<ChatItem>>,
    selected: RwSignal<Option<String>>,
    messages: RwSignal<HashMap<String, Vec<Message>>>,
    typing: RwSignal<HashMap<String, String>>,
    visitors: RwSignal<HashMap<String, Value>>,
    error: RwSignal<Option<String>>,
    show_tickets: RwSignal<bool>,
    /// Per chat, where its transfer stands ("Waiting for Bob…", "Bob declined").
    transfers: RwSignal<HashMap<String, String>>,
    /// When each request arrived (ms), for its countdown.
    asked_at: RwSignal<HashMap<String, f64>>,
    /// The clock, ticking every second while requests wait.
    now: RwSignal<f64>,
    /// Bumped when delivered/read marks change, so message states re-render.
    marks: RwSignal<u32>,
    /// Called when the server refuses this agent (deactivated, deleted): the console signs out.
    signed_out: Callback<String>,
}

impl Desk {
    fn fail(&self, error: &parlor_client::Error) {
        self.error
            .set(Some(format!("{} (code {})", error.message, error.code)));
    }

    fn add_message(&self, message: Message) {
        let conv = message.conv_id.clone();
        self.messages.update(|all| {
            let list = all.entry(conv.clone()).or_default();
            if message.seq > 0 && list.iter().any(|m| m.seq == message.seq) {
                return;
            }
            list.push(message);
            list.sort_by_key(|m| m.seq);
        });
        if self.selected.get_untracked().as_deref() != Some(conv.as_str()) {
            self.chats.update(|chats| {
                if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv) {
                    chat.unread += 1;
                }
            });
        }
    }

    fn on_event(&self, event: Event) {
        match event {
            Event::Connected { .. } => {
                self.connected.set(true);
                self.load();
            }
            Event::Disconnected => self.connected.set(false),
            Event::Failed(error) if error.code == AUTHENTICATION_FAILED => {
                self.signed_out.run(error.message)
            }
            Event::Failed(error) => self.fail(&error),
            Event::ChatRequest(request) | Event::TransferChatRequest(request) => {
                self.asked_at.update(|at| {
                    at.insert(request.conv_id.clone(), js_sys::Date::now());
                });
                parlor_client::alert::chime_once(&request.conv_id);
                self.requests.update(|list| {
                    if !list.iter().any(|r| r.conv_id == request.conv_id) {
                        list.push(request);
                    }
                });
            }
            Event::TimeoutAnswerChat { conv_id } => {
                self.requests
                    .update(|list| list.retain(|r| r.conv_id != conv_id));
            }
            Event::ConversationEnded { conv_id, .. } => {
                self.requests
                    .update(|list| list.retain(|r| r.conv_id != conv_id));
                self.chats.update(|chats| {
                    if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id) {
                        chat.ended = true;
                    }
                });
            }
            Event::ObjectChange(ObjectChange::Report { .. }) => self.marks.update(|n| *n += 1),
            Event::ObjectChange(ObjectChange::MessageInserted(message)) => {
                self.typing.update(|t| {
                    t.remove(&message.conv_id);
                });
                self.add_message(message);
            }
            Event::UserBeginTyping {
                conv_id,
                display_name,
                ..
            } => self.typing.update(|t| {
                t.insert(conv_id, display_name);
            }),
            Event::UserEndTyping { conv_id, .. } => self.typing.update(|t| {
                t.remove(&conv_id);
            }),
            Event::TransferAnswered {
                conv_id, accepted, ..
            } => {
                let note = if accepted {
                    "Transferred: your colleague has the chat now."
                } else {
                    "Your colleague declined the transfer; the chat stays with you."
                };
                self.transfers.update(|t| {
                    t.insert(conv_id.clone(), note.to_string());
                });
                if accepted {
                    self.chats.update(|chats| {
                        if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id) {
                            chat.ended = true;
                        }
                    });
                }
            }
            Event::UserInfoChanged(info) => {
                if let Some(id) = info.get("userId").and_then(Value::as_str) {
                    let id = id.to_string();
                    self.visitors.update(|v| {
                        v.insert(id, info);
                    });
                }
            }
            _ => {}
        }
    }

    /// After (re)connecting: pending requests and the chats this agent serves.
    fn load(&self) {
        let desk = *self;
        let client = self.client.get_value();
        spawn_local(async move {
            if let Ok(requests) = client.get_chat_requests().await {
                desk.requests.set(requests);
            }
            let Ok(conversations) = client.get_conversations(50).await else {
                return;
            };
            let me = desk.me.get_value();
            for info in conversations
                .into_iter()
                .filter(|c| c.status == "active" && c.agent_id.as_deref() == Some(me.as_str()))
            {
                desk.open_chat(&info.id, &info.creator, None);
            }
        });
    }

    /// Adds a chat to the list (once), loads its history and its visitor.
    fn open_chat(&self, conv_id: &str, customer_id: &str, request: Option<&ChatRequest>) {
        let known = self
            .chats
            .with_untracked(|chats| chats.iter().any(|c| c.conv_id == conv_id));
        if !known {
            self.chats.update(|chats| {
                let waited = self.asked_at.with_untracked(|at| {
                    at.get(conv_id)
                        .map(|asked| ((js_sys::Date::now() - asked) / 1000.0) as u64)
                });
                chats.push(ChatItem {
                    conv_id: conv_id.to_string(),
                    customer_id: customer_id.to_string(),
                    customer_name: request.map(|r| r.customer_name.clone()).unwrap_or_default(),
                    queue_name: request.map(|r| r.queue_name.clone()).unwrap_or_default(),
                    waited,
                    unread: 0,
                    ended: false,
                })
            });
        }
        let desk = *self;
        let client = self.client.get_value();
        let (conv_id, customer_id) = (conv_id.to_string(), customer_id.to_string());
        spawn_local(async move {
            if let Ok(history) = client.conversation(&conv_id).last_messages(100).await {
                for message in history {
                    desk.add_message(message);
                }
            }
            if let Ok(users) = client.get_users_info(&[&customer_id]).await
                && let Some(user) = users.into_iter().next()
            {
                let name = user
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                desk.chats.update(|chats| {
                    if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id)
                        && chat.customer_name.is_empty()
                    {
                        chat.customer_name = name;
                    }
                });
                desk.visitors.update(|v| {
                    v.insert(customer_id, user);
                });
            }
        });
    }

    fn select(&self, conv_id: &str) {
        self.selected.set(Some(conv_id.to_string()));
        self.chats.update(|chats| {
            if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv_id) {
                chat.unread = 0;
            }
        });
    }

    fn answer(&self, request: ChatRequest, accept: bool) {
        let desk = *self;
        let client = self.client.get_value();
        spawn_local(async move {
            let result = if request.transfer {
                client.answer_transfer(&request.conv_id, accept).await
            } else {
                client.answer_chat_request(&request.conv_id, accept).await
            };
            desk.requests
                .update(|list| list.retain(|r| r.conv_id != request.conv_id));
            match result {
                Ok(_) if accept => {
                    desk.open_chat(&request.conv_id, &request.customer_id, Some(&request));
                    desk.select(&request.conv_id);
                }
                Ok(_) => {}
                Err(error) => desk.fail(&error),
            }
        });
    }
}

/// The workspace of the agent signed in as `email`.
#[component]
pub fn Workspace(
    email: String,
    agent: AgentSession,
    /// Called with the server's words when it signs this agent out.
    signed_out: Callback<String>,
) -> impl IntoView {
    let client = Client::new(ClientConfig::new("").with_storage(format!("parlor.agent.{email}")));
    let desk = Desk {
        client: StoredValue::new_local(client.clone()),
        me: StoredValue::new(agent.user_id.clone()),
        token: StoredValue::new(agent.access_token.clone()),
        connected: RwSignal::new(false),
        available: RwSignal::new(true),
        requests: RwSignal::new(Vec::new()),
        chats: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
        messages: RwSignal::new(HashMap::new()),
        typing: RwSignal::new(HashMap::new()),
        visitors: RwSignal::new(HashMap::new()),
        error: RwSignal::new(None),
        show_tickets: RwSignal::new(false),
        transfers: RwSignal::new(HashMap::new()),
        asked_at: RwSignal::new(HashMap::new()),
        now: RwSignal::new(js_sys::Date::now()),
        marks: RwSignal::new(0),
        signed_out,
    };
    // The countdowns tick; the page title says how many requests wait, so a hidden tab shows it.
    if let Ok(handle) = set_interval_with_handle(
        move || desk.now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    Effect::new(move || {
        let waiting = desk.requests.with(Vec::len);
        document().set_title(&match waiting {
            0 => "Parlor · Agent console".to_string(),
            1 => "(1) Chat request · Parlor".to_string(),
            n => format!("({n}) Chat requests · Parlor"),
        });
    });
    let mut events = client.events();
    spawn_local(async move {
        while let Some(event) = events.next().await {
            desk.on_event(event);
        }
    });
    client.connect(&agent.access_token);
    on_cleanup(move || desk.client.get_value().disconnect());

    let toggle_presence = move |_| {
        let next = !desk.available.get_untracked();
        let client = desk.client.get_value();
        spawn_local(async move {
            match client.set_available(next).await {
                Ok(()) => desk.available.set(next),
                Err(error) => desk.fail(&error),
            }
        });
    };

    view! {
        <div class="desk">
            <nav class="desk__side" aria-label="Chats">
                <div class="presence">
                    <span class="presence__dot" class:presence__dot--on=move || desk.connected.get() && desk.available.get()></span>
                    <span>{move || match (desk.connected.get(), desk.available.get()) {
                        (false, _) => "Connecting…",
                        (true, true) => "Available",
                        (true, false) => "Away",
                    }}</span>
                    <span class="muted">
                        {move || {
                            let serving = desk.chats.with(|c| c.iter().filter(|c| !c.ended).count());
                            format!("· serving {serving}")
                        }}
                    </span>
                    <button type="button" class="small" on:click=toggle_presence>
                        {move || if desk.available.get() { "Set away" } else { "Set available" }}
                    </button>
                </div>
                <h2>"Chat requests"</h2>
                <ul class="list" aria-live="polite">
                    <For
                        each=move || desk.requests.get()
                        key=|r| r.conv_id.clone()
                        children=move |request| {
                            let (accept, reject) = (request.clone(), request.clone());
                            view! {
                                <li class="request">
                                    <span class="request__who">{request.customer_name.clone()}</span>
                                    <span class="muted">
                        {if request.transfer { "transfer" } else { "new chat" }}
                        {(!request.queue_name.is_empty()).then(|| format!(" · {}", request.queue_name))}
                    </span>
                                    {request.answer_timeout_ms.map(|limit| {
                                        let conv = request.conv_id.clone();
                                        view! {
                                            <span class="countdown" aria-label="Seconds left to answer">
                                                {move || {
                                                    let asked = desk.asked_at.with(|at| at.get(&conv).copied()).unwrap_or_else(|| desk.now.get());
                                                    // The clock ticks each second: it may lag the arrival a little.
                                                    let waited = (desk.now.get() - asked).max(0.0);
                                                    let left = (limit as f64 - waited) / 1000.0;
                                                    format!("{}s", left.max(0.0).ceil())
                                                }}
                                            </span>
                                        }
                                    })}
                                    <button type="button" class="small" on:click=move |_| desk.answer(accept.clone(), true)>"Accept"</button>
                                    <button type="button" class="small secondary" on:click=move |_| desk.answer(reject.clone(), false)>"Reject"</button>
                                </li>
                            }
                        }
                    />
                </ul>
                <Show when=move || desk.requests.with(Vec::is_empty)>
                    <p class="muted">"No chat waiting."</p>
                </Show>
                <h2>"Chats"</h2>
                <ul class="list">
                    <For
                        each=move || desk.chats.get()
                        key=|c| (c.conv_id.clone(), c.unread, c.ended, c.customer_name.clone())
                        children=move |chat| {
                            let conv = chat.conv_id.clone();
                            let current = chat.conv_id.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="chat-link"
                                        aria-current=move || (desk.selected.get().as_deref() == Some(current.as_str())).then_some("true")
                                        on:click=move |_| desk.select(&conv)
                                    >
                                        {chat.customer_name.clone()}
                                        {chat.ended.then_some(" (ended)")}
                                        {(chat.unread > 0).then(|| view! { <span class="badge">{chat.unread}" unread"</span> })}
                                    </button>
                                </li>
                            }
                        }
                    />
                </ul>
                <button type="button" class="small secondary" on:click=move |_| desk.show_tickets.update(|s| *s = !*s)>
                    {move || if desk.show_tickets.get() { "Hide tickets" } else { "Tickets" }}
                </button>
            </nav>
            <main class="desk__main">
                <p class="error" role="alert">{move || desk.error.get()}</p>
                {move || if desk.show_tickets.get() {
                    view! { <Tickets desk /> }.into_any()
                } else {
                    match desk.selected.get() {
                        Some(conv) => view! { <ChatPane desk conv /> }.into_any(),
                        None => view! { <p class="muted">"Accept a chat request, or pick a chat."</p> }.into_any(),
                    }
                }}
            </main>
            <aside class="desk__details" aria-label="Visitor">
                {move || {
                    let conv = desk.selected.get()?;
                    let chat = desk.chats.with(|c| c.iter().find(|c| c.conv_id == conv).cloned())?;
                    let info = desk.visitors.with(|v| v.get(&chat.customer_id).cloned()).unwrap_or(Value::Null);
                    let field = |name: &str| info.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
                    let detail = |name: &str| info.get("details").and_then(|d| d.get(name)).and_then(Value::as_str).unwrap_or_default().to_string();
                    Some(view! {
                        <h2>"Visitor"</h2>
                        <dl>
                            <dt>"Name"</dt><dd>{chat.customer_name.clone()}</dd>
                            <dt>"Queue"</dt><dd>{chat.queue_name.clone()}</dd>
                            <dt>"Waited"</dt><dd>{chat.waited.map(|s| format!("{s} s")).unwrap_or_default()}</dd>
                            <dt>"Email"</dt><dd>{field("email")}</dd>
                            <dt>"Phone"</dt><dd>{field("phone")}</dd>
                            <dt>"Page"</dt><dd>{detail("pageUrl")}</dd>
                            <dt>"Browser"</dt><dd>{if detail("browser").is_empty() { detail("useragent") } else { detail("browser") }}</dd>
                            {info.get("details").and_then(|d| d.get("fields")).and_then(Value::as_array).cloned().unwrap_or_default().into_iter().map(|answer| view! {
                                <dt>{answer["label"].as_str().unwrap_or_default().to_string()}</dt>
                                <dd>{answer["value"].as_str().unwrap_or_default().to_string()}</dd>
                            }).collect_view()}
                        </dl>
                    })
                }}
            </aside>
        </div>
    }
}

/// One conversation: history, typing, composer, end.
#[component]
fn ChatPane(desk: Desk, conv: String) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let me = desk.me.get_value();
    let conversation = move |conv: &str| desk.client.get_value().conversation(conv);
    let send = {
        let conv = conv.clone();
        move || {
            let text = draft.get_untracked();
            if text.trim().is_empty() {
                return;
            }
            draft.set(String::new());
            let conversation = conversation(&conv);
            spawn_local(async move {
                if let Err(error) = conversation.send_text(text.trim_end()).await {
                    desk.fail(&error);
                }
            });
        }
    };
    let last_typing = StoredValue::new(0.0f64);
    let on_input = {
        let conv = conv.clone();
        move |_| {
            let now = js_sys::Date::now();
            if now - last_typing.get_value() > 3_000.0 {
                last_typing.set_value(now);
                let conversation = conversation(&conv);
                spawn_local(async move {
                    let _ = conversation.begin_typing().await;
                });
            }
        }
    };
    let send_on_enter = {
        let send = send.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            if ev.key() == "Enter" && !ev.shift_key() {
                ev.prevent_default();
                send();
            }
        }
    };
    let end = {
        let conv = conv.clone();
        move |_| {
            let conversation = conversation(&conv);
            let conv = conv.clone();
            spawn_local(async move {
                match conversation.end_chat().await {
                    // The server tells the other members; this agent learns it from the reply.
                    Ok(()) => desk.chats.update(|chats| {
                        if let Some(chat) = chats.iter_mut().find(|c| c.conv_id == conv) {
                            chat.ended = true;
                        }
                    }),
                    Err(error) => desk.fail(&error),
                }
            });
        }
    };
    // The newest message is marked read while the chat is open.
    {
        let conv = conv.clone();
        Effect::new(move || {
            let last = desk
                .messages
                .with(|all| all.get(&conv).and_then(|l| l.last().map(|m| m.seq)));
            if let Some(seq) = last {
                let conversation = conversation(&conv);
                spawn_local(async move {
                    let _ = conversation.mark_as_read(seq).await;
                });
            }
        });
    }
    let list_conv = conv.clone();
    let typing_conv = conv.clone();
    let ended_conv = conv.clone();
    let note_conv = conv.clone();
    let transfer_conv = conv.clone();
    let colleagues = RwSignal::new(Vec::<(String, String)>::new());
    let target = RwSignal::new(String::new());
    let load_colleagues = move |_| {
        let token = desk.token.get_value();
        let me = desk.me.get_value();
        spawn_local(async move {
            match Agent::new(ClientConfig::new("")).agents(&token).await {
                Ok(agents) => colleagues.set(
                    agents
                        .iter()
                        .filter(|a| a.get("online").and_then(Value::as_bool) == Some(true))
                        .filter_map(|a| {
                            let id = a.get("userId")?.as_str()?.to_string();
                            let name = a.get("name")?.as_str()?.to_string();
                            (id != me).then_some((id, name))
                        })
                        .collect(),
                ),
                Err(error) => desk.fail(&error),
            }
        });
    };
    let transfer = move |_| {
        let to = target.get_untracked();
        if to.is_empty() {
            return;
        }
        let name = colleagues.with_untracked(|c| {
            c.iter()
                .find(|(id, _)| *id == to)
                .map(|(_, n)| n.clone())
                .unwrap_or_default()
        });
        let conversation = conversation(&transfer_conv);
        let conv = transfer_conv.clone();
        spawn_local(async move {
            match conversation.transfer_to(&to).await {
                Ok(()) => desk.transfers.update(|t| {
                    t.insert(conv, format!("Waiting for {name} to accept the transfer…"));
                }),
                Err(error) => desk.fail(&error),
            }
        });
    };
    view! {
        <section class="pane" aria-label="Conversation">
            <ol class="pane__messages" tabindex="0" aria-label="Messages">
                {move || {
                    let me = me.clone();
                    desk.messages.with(|all| {
                        all.get(&list_conv)
                            .cloned()
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|m| m.kind != kind::CREATED)
                            .map(|m| {
                                let own = m.from == me;
                                let text = match m.kind {
                                    kind::NOTIFICATION => match m.content.get("type").and_then(Value::as_i64) {
                                        Some(1) => {
                                            let who = m.content.pointer("/participants/0/displayName").and_then(Value::as_str).unwrap_or_default();
                                            if who.is_empty() { "An agent joined the chat".to_string() } else { format!("{who} joined the chat") }
                                        }
                                        Some(2) => "left the chat".to_string(),
                                        Some(4) => "The chat ended.".to_string(),
                                        _ => String::new(),
                                    },
                                    kind::RATING => format!(
                                        "Rated {}{}",
                                        if m.content.get("rating").and_then(Value::as_i64) == Some(1) { "good" } else { "bad" },
                                        m.content.get("comment").and_then(Value::as_str).filter(|c| !c.is_empty()).map(|c| format!(": {c}")).unwrap_or_default()
                                    ),
                                    _ => m.text().map(str::to_string).unwrap_or_default(),
                                };
                                let file = [("photo", kind::PHOTO), ("video", kind::VIDEO), ("audio", kind::AUDIO), ("file", kind::FILE)]
                                    .iter()
                                    .find(|(_, k)| *k == m.kind)
                                    .and_then(|(field, _)| m.content.get(*field))
                                    .map(|f| {
                                        let path = f.get("filePath").and_then(Value::as_str).unwrap_or_default().to_string();
                                        let name = f.get("filename").and_then(Value::as_str).unwrap_or("attachment").to_string();
                                        view! { <FileLink desk path name /> }
                                    });
                                let class = if m.kind == kind::NOTIFICATION || m.kind == kind::RATING { "event" } else if own { "msg msg--own" } else { "msg" };
                                let state = (own && class != "event").then(|| {
                                    desk.marks.track();
                                    match desk.client.get_value().state_of(&m) {
                                        parlor_client::MessageState::Read => "Read",
                                        parlor_client::MessageState::Delivered => "Delivered",
                                        parlor_client::MessageState::Sending => "Sending",
                                        parlor_client::MessageState::Failed => "Not sent",
                                        parlor_client::MessageState::Sent => "Sent",
                                    }
                                });
                                view! {
                                    <li class=class>
                                        {text}
                                        {file}
                                        {state.map(|s| view! { <span class="msg__state">{s}</span> })}
                                    </li>
                                }
                            })
                            .collect_view()
                    })
                }}
            </ol>
            <p class="muted typing">{move || desk.typing.with(|t| t.get(&typing_conv).map(|name| format!("{name} is typing…")))}</p>
            <p class="muted" role="status">{move || desk.transfers.with(|t| t.get(&note_conv).cloned())}</p>
            {move || {
                let ended = desk.chats.with(|c| c.iter().any(|c| c.conv_id == ended_conv && c.ended));
                if ended {
                    view! { <p class="muted">"This chat has ended."</p> }.into_any()
                } else {
                    let send = send.clone();
                    let send_on_enter = send_on_enter.clone();
                    let end = end.clone();
                    let transfer = transfer.clone();
                    let on_input = on_input.clone();
                    view! {
                        <div class="composer">
                            <label for="reply" class="sr-only">"Reply"</label>
                            <textarea id="reply" rows="2" placeholder="Reply…" bind:value=draft on:keydown=send_on_enter on:input=on_input></textarea>
                            <button type="button" on:click=move |_| send()>"Send"</button>
                            <button type="button" class="secondary" on:click=end>"End chat"</button>
                        </div>
                        <div class="transfer">
                            <button type="button" class="small secondary" on:click=load_colleagues>"Transfer…"</button>
                            <Show when=move || !colleagues.with(Vec::is_empty)>
                                <label for="transfer-to">"Transfer to"</label>
                                <select id="transfer-to" on:change=move |ev| target.set(event_target_value(&ev))>
                                    <option value="">"Choose a colleague"</option>
                                    {move || colleagues.get().into_iter().map(|(id, name)| view! { <option value=id>{name}</option> }).collect_view()}
                                </select>
                                <button type="button" class="small" on:click=transfer.clone()>"Transfer"</button>
                            </Show>
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

/// The portal's tickets, newest first.
#[component]
fn Tickets(desk: Desk) -> impl IntoView {
    let token = desk.token.get_value();
    let missed_token = token.clone();
    let tickets = LocalResource::new(move || {
        let token = token.clone();
        async move { Agent::new(ClientConfig::new("")).tickets(&token).await }
    });
    let missed = LocalResource::new(move || {
        let token = missed_token.clone();
        async move { Agent::new(ClientConfig::new("")).missed_chats(&token).await }
    });
    view! {
        <section class="pane" aria-label="Tickets">
            <h2>"Tickets"</h2>
            {move || match tickets.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error">{error.message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No tickets."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="tickets">
                        {list.into_iter().map(|t| {
                            let text = |n: &str| t.get(n).and_then(Value::as_str).unwrap_or_default().to_string();
                            view! {
                                <li class="ticket">
                                    <strong>{text("name")}</strong>" · "{text("email")}
                                    {(!text("phone").is_empty()).then(|| format!(" · {}", text("phone")))}
                                    <p>{text("note")}</p>
                                    <dl class="visitor-fields">
                                        {t.get("fields").and_then(Value::as_array).cloned().unwrap_or_default().into_iter().map(|answer| view! {
                                            <dt>{answer["label"].as_str().unwrap_or_default().to_string()}</dt>
                                            <dd>{answer["value"].as_str().unwrap_or_default().to_string()}</dd>
                                        }).collect_view()}
                                    </dl>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <h2>"Missed chats"</h2>
            {move || match missed.get() {
                Some(Ok(list)) if !list.is_empty() => view! {
                    <ul class="tickets">
                        {list.into_iter().map(|c| {
                            let text = |n: &str| c.get(n).and_then(Value::as_str).unwrap_or_default().to_string();
                            view! { <li class="ticket"><strong>{text("customerName")}</strong>" · "{text("customerEmail")}</li> }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
                Some(_) => view! { <p class="muted">"No missed chats."</p> }.into_any(),
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            }}
        </section>
    }
}

/// An attachment: fetched with the agent's token, offered as a download (images previewed).
#[component]
fn FileLink(desk: Desk, path: String, name: String) -> impl IntoView {
    let token = desk.token.get_value();
    let image = [".png", ".jpg", ".jpeg", ".gif", ".webp"]
        .iter()
        .any(|ext| name.to_ascii_lowercase().ends_with(ext));
    let url = LocalResource::new(move || {
        let (path, token) = (path.clone(), token.clone());
        async move {
            Chat::new(ClientConfig::new(""))
                .open_file(&token, &path)
                .await
                .ok()
        }
    });
    view! {
        {move || match url.get().flatten() {
            Some(href) if image => {
                let src = href.clone();
                view! { <a href=href download=name.clone()><img class="file__image" src=src alt=name.clone() /></a> }.into_any()
            }
            Some(href) => view! { <a href=href download=name.clone()>{name.clone()}</a> }.into_any(),
            None => view! { <span>{name.clone()}</span> }.into_any(),
        }}
    }
}

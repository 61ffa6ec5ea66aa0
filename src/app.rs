//! The widget's root component: the launcher and the chat panel, and the visitor's journey
//! through it (queue → pre-chat form → waiting → chat → end, or the ticket form).

use std::collections::HashMap;

use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::model::kind;
use parlor_client::protocol::rest::{ChatProfile, Queue};
use parlor_client::{
    Chat, Client, ClientConfig, Event, Message, MessageState, ObjectChange, Rating, TicketRequest,
    UserInfo,
};
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};

use crate::i18n::{Lang, with_count, with_name};
use crate::journey::{Stage, TicketReason};
use crate::options::{Position, WidgetOptions};
use crate::prechat::{CustomFields, Greeting};
use crate::queue_picker::QueuePicker;
use crate::session::Saved;
use crate::text::{Segment, clock, linkify, looks_like_email};

/// Reports widget events to the page's `Parlor.on(name, fn)` listeners, through the loader.
#[derive(Clone)]
pub struct Events {
    emit: Option<js_sys::Function>,
}

impl Events {
    /// Events delivered through the loader's `emit(name, detail)` function.
    pub fn new(emit: js_sys::Function) -> Self {
        Self { emit: Some(emit) }
    }

    /// Events that go nowhere (component tests).
    pub fn none() -> Self {
        Self { emit: None }
    }

    /// Emits `name` with no detail.
    pub fn emit(&self, name: &str) {
        self.emit_with(name, &serde_json::Value::Null);
    }

    /// Emits `name` with `detail` (a JSON value, handed to the listener as an object).
    pub fn emit_with(&self, name: &str, detail: &serde_json::Value) {
        if let Some(emit) = &self.emit {
            let detail = serde_wasm_bindgen::to_value(detail).unwrap_or(JsValue::NULL);
            // A listener's failure is the page's business, not the widget's.
            let _ = emit.call2(&JsValue::NULL, &JsValue::from_str(name), &detail);
        }
    }
}

/// What the page told the widget about the visitor (`Parlor.setUser`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct PageUser {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// A token the site's backend minted for this user (identity verification).
    pub token: String,
}

/// Signals the JS handle drives.
#[derive(Clone, Copy)]
pub struct Controls {
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// The language.
    pub lang: RwSignal<Lang>,
    /// Whether the page chose the language (`data-locale`, `setLocale`): then the portal's
    /// setting does not replace it.
    pub lang_chosen: RwSignal<bool>,
    /// What `Parlor.setUser` said.
    pub user: RwSignal<PageUser>,
}

/// Everything the journey shares, cheap to copy into closures.
#[derive(Clone, Copy)]
struct Ctx {
    options: StoredValue<WidgetOptions>,
    controls: Controls,
    events: StoredValue<Events>,
    stage: RwSignal<Stage>,
    queue: RwSignal<Option<Queue>>,
    saved: RwSignal<Saved>,
    conv: RwSignal<Option<String>>,
    messages: RwSignal<Vec<Message>>,
    names: RwSignal<HashMap<String, String>>,
    online: RwSignal<bool>,
    typing: RwSignal<Option<String>>,
    unread: RwSignal<usize>,
    announce: RwSignal<String>,
    /// Bumped when delivered/read marks change, so message states re-render.
    marks: RwSignal<u32>,
    error: RwSignal<Option<String>>,
    client: StoredValue<Option<Client>, LocalStorage>,
    /// The panel, to give focus back to when the focused control goes away.
    panel: NodeRef<leptos::html::Section>,
    /// The portal's settings, once the chat profile arrived.
    portal: RwSignal<Option<ChatProfile>>,
}

impl Ctx {
    fn t(&self) -> &'static crate::i18n::Texts {
        self.controls.lang.get().texts()
    }

    fn key(&self) -> String {
        self.options.with_value(|o| o.widget_key.clone())
    }

    fn config(&self) -> ClientConfig {
        let (server, key) = self
            .options
            .with_value(|o| (o.server.clone(), o.widget_key.clone()));
        ClientConfig::new(server).with_storage(format!("parlor.{key}"))
    }

    fn chat(&self) -> Chat {
        Chat::new(self.config())
    }

    fn save(&self, change: impl FnOnce(&mut Saved)) {
        let key = self.key();
        self.saved.update(|saved| {
            change(saved);
            saved.store(&key);
        });
    }

    /// The socket client, made (and connected with the saved token) on first use.
    fn client(&self) -> Client {
        if let Some(client) = self.client.get_value() {
            return client;
        }
        let client = Client::new(self.config());
        let ctx = *self;
        client.set_token_provider(move || async move {
            let saved = ctx.saved.get_untracked();
            let token = ctx
                .chat()
                .get_live_chat_token(&ctx.key(), &saved.name, &saved.email, &saved.browser_id)
                .await?;
            ctx.save(|s| s.token = token.clone());
            Ok(token)
        });
        let mut events = client.events();
        spawn_local(async move {
            while let Some(event) = events.next().await {
                ctx.on_event(event);
            }
        });
        client.connect(&self.saved.get_untracked().token);
        self.client.set_value(Some(client.clone()));
        client
    }

    /// A screen that replaces the focused control (a form sent) would leave focus nowhere, out
    /// of reach of the keyboard: it goes to the panel then. Runs after the DOM is updated.
    /// Checks the portal's own fields of a form: shows the first one missing, focuses it, and
    /// says whether one is.
    fn fields_missing(
        &self,
        form: &parlor_client::protocol::prechat::PrechatForm,
        answers: crate::prechat::Answers,
        error: RwSignal<Option<(String, String)>>,
    ) -> bool {
        let lang = self.controls.lang.get_untracked();
        let missing = answers.with_untracked(|a| crate::prechat::missing(form, a, lang));
        error.set(missing.clone());
        let Some((field, _)) = missing else {
            return false;
        };
        let id = if field == "consent" {
            field
        } else {
            format!("field-{field}")
        };
        self.focus_in_panel(&format!("#parlor-{id}"));
        true
    }

    /// Focuses the element of the panel that `selector` names (the first field in error).
    fn focus_in_panel(&self, selector: &str) {
        if let Some(panel) = self.panel.get_untracked()
            && let Ok(Some(element)) = panel.query_selector(selector)
            && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = element.focus();
        }
    }

    fn refocus(&self) {
        let panel = self.panel;
        request_animation_frame(move || {
            let Some(panel) = panel.get_untracked() else {
                return;
            };
            let root = panel.get_root_node();
            let focused = match root.dyn_ref::<web_sys::ShadowRoot>() {
                Some(shadow) => shadow.active_element(),
                None => document()
                    .active_element()
                    .filter(|e| e.tag_name() != "BODY"),
            };
            if focused.is_none() {
                let _ = panel.focus();
            }
        });
    }

    fn show_error(&self, error: &parlor_client::Error) {
        self.error.set(Some(format!(
            "{}{} ({})",
            self.t().error,
            error.message,
            error.code
        )));
    }

    fn on_event(&self, event: Event) {
        let conv = self.conv.get_untracked().unwrap_or_default();
        if let Some(next) = self.stage.get_untracked().on_event(&event, &conv) {
            if next == Stage::Ended {
                self.events
                    .with_value(|e| e.emit_with("chatEnded", &json!({ "convId": conv })));
            }
            self.stage.set(next);
        }
        match event {
            Event::Connected { .. } => {
                self.online.set(true);
                self.refresh();
            }
            Event::Disconnected => self.online.set(false),
            Event::ObjectChange(ObjectChange::MessageInserted(message))
                if message.conv_id == conv =>
            {
                self.typing.set(None);
                let own = self
                    .client
                    .with_value(|c| c.as_ref().and_then(Client::user_id))
                    == Some(message.from.clone());
                if !own && message.kind == kind::TEXT {
                    let name = self.name_of(&message.from);
                    let text = message.text().unwrap_or_default().to_string();
                    self.announce.set(format!(
                        "{}{text}",
                        with_name(self.t().new_message_from, &name)
                    ));
                    if !self.controls.open.get_untracked() {
                        self.unread.update(|n| *n += 1);
                        if self.options.with_value(|o| o.sound) {
                            parlor_client::alert::chime_once(&message.id);
                        }
                    }
                    self.events.with_value(|e| {
                        e.emit_with("message", &json!({ "from": name, "text": text }))
                    });
                }
                if message.kind == kind::NOTIFICATION {
                    self.learn_names(&message);
                }
                self.messages.update(|list| merge(list, message));
            }
            Event::ObjectChange(ObjectChange::MessageState { conv_id, .. }) if conv_id == conv => {
                let pending = self.client.with_value(|c| {
                    c.as_ref()
                        .map(|c| c.pending_messages(&conv))
                        .unwrap_or_default()
                });
                self.messages.update(|list| {
                    list.retain(|m| m.seq > 0);
                    list.extend(pending);
                });
            }
            Event::ObjectChange(ObjectChange::Report { .. }) => self.marks.update(|n| *n += 1),
            Event::UserBeginTyping {
                conv_id,
                display_name,
                ..
            } if conv_id == conv => {
                self.typing.set(Some(display_name));
            }
            Event::UserEndTyping { conv_id, .. } if conv_id == conv => self.typing.set(None),
            _ => {}
        }
    }

    /// Learns agents' names from "joined" notifications, to label their messages.
    fn learn_names(&self, message: &Message) {
        if let Some(list) = message
            .content
            .get("participants")
            .and_then(|p| p.as_array())
        {
            self.names.update(|names| {
                for p in list {
                    if let (Some(id), Some(name)) = (
                        p.get("userId").and_then(|v| v.as_str()),
                        p.get("displayName").and_then(|v| v.as_str()),
                    ) {
                        names.insert(id.to_string(), name.to_string());
                    }
                }
            });
        }
    }

    fn name_of(&self, user_id: &str) -> String {
        self.names
            .with_untracked(|n| n.get(user_id).cloned())
            .unwrap_or_else(|| self.t().agent.to_string())
    }

    /// After (re)connecting: the chat's state and history from the server.
    fn refresh(&self) {
        let Some(conv) = self.conv.get_untracked() else {
            return;
        };
        let ctx = *self;
        let client = self.client();
        spawn_local(async move {
            let conversation = client.conversation(&conv);
            match conversation.info().await {
                Ok(info) => {
                    let stage = Stage::of_status(&info.status);
                    if ctx.stage.get_untracked() != stage
                        && !matches!(ctx.stage.get_untracked(), Stage::Ended | Stage::TicketSent)
                    {
                        ctx.stage.set(stage);
                    }
                }
                Err(error) if error.code == 404 => {
                    ctx.forget_chat();
                    return;
                }
                Err(_) => return,
            }
            if let Ok(history) = conversation.last_messages(100).await {
                for message in &history {
                    if message.kind == kind::NOTIFICATION {
                        ctx.learn_names(message);
                    }
                }
                let pending = client.pending_messages(&conv);
                ctx.messages.update(|list| {
                    for message in history.into_iter().chain(pending) {
                        merge(list, message);
                    }
                });
            }
        });
    }

    fn forget_chat(&self) {
        self.save(|s| {
            s.conv_id = None;
            s.queue_id = None;
        });
        self.conv.set(None);
        self.messages.set(Vec::new());
        self.typing.set(None);
    }
}

/// Adds `message` to `list` in seq order: once per seq, and replacing its own pending copy.
fn merge(list: &mut Vec<Message>, message: Message) {
    if message.seq > 0 && list.iter().any(|m| m.seq == message.seq) {
        return;
    }
    if let Some(local) = &message.local_db_id {
        list.retain(|m| !(m.seq == 0 && m.local_db_id.as_ref() == Some(local)));
    }
    if message.seq == 0
        && list
            .iter()
            .any(|m| m.seq == 0 && m.local_db_id == message.local_db_id)
    {
        return;
    }
    list.push(message);
    list.sort_by_key(|m| if m.seq == 0 { i64::MAX } else { m.seq });
}

/// The whole widget: launcher button, and the panel when open.
#[component]
pub fn App(
    /// Configuration from the script tag.
    options: WidgetOptions,
    /// What the JS handle drives: open, language, the page's user.
    controls: Controls,
    /// Where `opened`, `closed`, `message`, `chatStarted`, `chatEnded`, `ticketCreated` go.
    events: Events,
) -> impl IntoView {
    let saved = Saved::load(&options.widget_key);
    let ctx = Ctx {
        conv: RwSignal::new(saved.conv_id.clone()),
        queue: RwSignal::new(None),
        saved: RwSignal::new(saved),
        options: StoredValue::new(options.clone()),
        controls,
        events: StoredValue::new(events),
        stage: RwSignal::new(Stage::PickQueue),
        messages: RwSignal::new(Vec::new()),
        names: RwSignal::new(HashMap::new()),
        online: RwSignal::new(true),
        typing: RwSignal::new(None),
        unread: RwSignal::new(0),
        announce: RwSignal::new(String::new()),
        marks: RwSignal::new(0),
        error: RwSignal::new(None),
        client: StoredValue::new_local(None),
        panel: NodeRef::new(),
        portal: RwSignal::new(None),
    };
    let open = controls.open;
    let chat = ctx.chat();
    let widget_key = options.widget_key.clone();
    let profile = LocalResource::new(move || {
        let chat = chat.clone();
        let key = widget_key.clone();
        async move { chat.get_chat_profile(&key).await }
    });

    // The first screen, once the queues are known; a chat in progress resumes.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let Some(Ok(profile)) = profile.get() else {
            return false;
        };
        if !controls.lang_chosen.get_untracked() && !profile.chat_profile.language.is_empty() {
            controls
                .lang
                .set(crate::i18n::Lang::from_tag(&profile.chat_profile.language));
        }
        ctx.portal.set(Some(profile.chat_profile.clone()));
        let saved = ctx.saved.get_untracked();
        if let Some(queue_id) = &saved.queue_id {
            ctx.queue
                .set(profile.queues.iter().find(|q| &q.id == queue_id).cloned());
        }
        if saved.conv_id.is_some() && !saved.token.is_empty() {
            ctx.stage.set(Stage::Waiting);
            ctx.client();
        } else {
            let only = (profile.queues.len() == 1).then(|| profile.queues[0].clone());
            ctx.stage.set(Stage::start(
                profile.queues.len(),
                only.as_ref().and_then(|q| q.agents_online),
            ));
            ctx.queue.set(only);
        }
        true
    });

    // Opening the panel reads the unread messages; the page title says how many wait.
    let original_title = StoredValue::new(document().title());
    let flashing = StoredValue::new_local(None::<leptos::prelude::IntervalHandle>);
    Effect::new(move || {
        let unread = ctx.unread.get();
        let is_open = open.get();
        if let Some(handle) = flashing.get_value() {
            handle.clear();
            flashing.set_value(None);
        }
        let title = original_title.get_value();
        document().set_title(&title);
        if is_open {
            if unread > 0 {
                ctx.unread.set(0);
            }
            return;
        }
        if unread == 0 {
            return;
        }
        // The title alternates between the page's own and the unread count until the panel opens.
        let alert = with_count(ctx.t().unread, unread);
        let title = format!("({unread}) {title}");
        document().set_title(&alert);
        let showing_alert = std::cell::Cell::new(true);
        let handle = set_interval_with_handle(
            move || {
                let next = !showing_alert.get();
                showing_alert.set(next);
                document().set_title(if next { &alert } else { &title });
            },
            std::time::Duration::from_millis(1500),
        )
        .ok();
        flashing.set_value(handle);
    });
    // Effects run after the current task, so a call replayed right after mounting may already
    // have changed `open` before the first run: compare with the state at mount, not with None.
    let at_mount = open.get_untracked();
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if was_open.unwrap_or(at_mount) != is_open {
            ctx.events
                .with_value(|e| e.emit(if is_open { "opened" } else { "closed" }));
        }
        is_open
    });
    // The page's user fills the forms; a token of theirs is the identity the chat uses.
    Effect::new(move || {
        let user = controls.user.get();
        ctx.save(|s| {
            if !user.name.is_empty() {
                s.name = user.name.clone();
            }
            if !user.email.is_empty() {
                s.email = user.email.clone();
            }
            if !user.phone.is_empty() {
                s.phone = user.phone.clone();
            }
            if !user.token.is_empty() {
                s.token = user.token.clone();
            }
        });
    });

    let panel_ref = ctx.panel;
    let launcher_ref = NodeRef::<leptos::html::Button>::new();
    // Opening moves focus into the panel; Escape closes it and returns focus to the launcher.
    Effect::new(move || {
        if open.get()
            && let Some(panel) = panel_ref.get()
        {
            let _ = panel.focus();
        }
    });
    Effect::new(move || {
        ctx.stage.track();
        ctx.refocus();
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
            if let Some(button) = launcher_ref.get() {
                let _ = button.focus();
            }
        }
    };

    let title = move || {
        profile
            .get()
            .and_then(Result::ok)
            .map(|p| p.chat_profile.portal)
            .unwrap_or_else(|| ctx.t().default_title.to_string())
    };
    let body = move || match profile.get() {
        None => view! { <p class="status" role="status">{ctx.t().loading}</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="status status--error" role="alert">
                {ctx.t().unavailable}
                <span class="status__detail">{format!(" ({})", error.code)}</span>
            </p>
        }
        .into_any(),
        Some(Ok(profile)) => match ctx.stage.get() {
            Stage::PickQueue => {
                let on_pick = Callback::new(move |queue: Queue| {
                    ctx.stage.set(Stage::after_pick(queue.agents_online));
                    ctx.queue.set(Some(queue));
                });
                view! {
                    <Greeting portal=ctx.portal lang=ctx.controls.lang />
                    <QueuePicker queues=profile.queues lang=ctx.controls.lang on_pick />
                }
                .into_any()
            }
            Stage::PreChat => view! { <PreChat ctx /> }.into_any(),
            Stage::Waiting | Stage::Chat => view! { <Conversation ctx /> }.into_any(),
            Stage::Ended => view! { <Ended ctx /> }.into_any(),
            Stage::Ticket(reason) => view! { <TicketForm ctx reason /> }.into_any(),
            Stage::TicketSent => view! {
                <div class="done">
                    <p class="status" role="status">{ctx.t().ticket_sent}</p>
                    <NewChatButton ctx />
                </div>
            }
            .into_any(),
        },
    };

    // The brand colour: the script tag's, else the portal's; a colour too light for white text
    // is darkened until white text reads (AA). Set through the CSS object model, which a strict
    // Content-Security-Policy allows (a `style` attribute would need 'unsafe-inline').
    let root_ref = NodeRef::<leptos::html::Div>::new();
    let script_color = options.color.clone();
    Effect::new(move || {
        let portal_color = ctx
            .portal
            .with(|p| p.as_ref().map(|p| p.background.clone()));
        let brand = if script_color.is_empty() {
            portal_color.unwrap_or_default()
        } else {
            script_color.clone()
        };
        if let (Some(root), Some(shade)) =
            (root_ref.get(), parlor_client::theme::readable_shade(&brand))
        {
            let _ = web_sys::HtmlElement::style(&root).set_property("--parlor-brand", &shade);
        }
    });
    let position = options.position;
    let left = move || match position {
        Position::Left => true,
        Position::Right => false,
        Position::Portal => ctx
            .portal
            .with(|p| p.as_ref().is_some_and(|p| p.position == "left")),
    };
    let reply_time = move || {
        ctx.portal
            .with(|p| p.as_ref().map(|p| p.reply_time_text.clone()))
            .filter(|text| !text.is_empty())
    };
    view! {
        <div
            class="parlor"
            class:parlor--left=left
            node_ref=root_ref
            lang=move || ctx.controls.lang.get().tag()
            on:keydown=on_keydown
        >
            <Show when=move || open.get()>
                <section
                    class="panel"
                    role="dialog"
                    aria-modal="false"
                    aria-labelledby="parlor-title"
                    tabindex="-1"
                    node_ref=panel_ref
                >
                    <header class="panel__header">
                        <div class="panel__heading">
                            <h2 class="panel__title" id="parlor-title">{title}</h2>
                            {move || reply_time().map(|text| view! { <p class="panel__subtitle">{text}</p> })}
                        </div>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label=move || ctx.t().close_chat
                            on:click=move |_| open.set(false)
                        >
                            "×"
                        </button>
                    </header>
                    <Show when=move || !ctx.online.get()>
                        <p class="banner" role="status">{move || ctx.t().offline}</p>
                    </Show>
                    <Show when=move || ctx.error.get().is_some()>
                        <p class="banner banner--error" role="alert">{move || ctx.error.get()}</p>
                    </Show>
                    <div class="panel__body">{body}</div>
                </section>
            </Show>
            <div class="sr-only" aria-live="polite" aria-atomic="true">{move || ctx.announce.get()}</div>
            <button
                type="button"
                class="launcher"
                node_ref=launcher_ref
                aria-label=move || {
                    let t = ctx.t();
                    let action = if open.get() { t.close_chat } else { t.open_chat };
                    match ctx.unread.get() {
                        0 => action.to_string(),
                        n => format!("{action}, {}", with_count(t.unread, n)),
                    }
                }
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="launcher__icon" aria-hidden="true"></span>
                <Show when=move || { ctx.unread.get() > 0 && !open.get() }>
                    <span class="launcher__badge" aria-hidden="true">{move || ctx.unread.get()}</span>
                </Show>
            </button>
        </div>
    }
}

/// Checks the pre-chat form: the message for each field that is wrong, by field.
pub fn validate(
    name: &str,
    email: &str,
    lang: Lang,
) -> (Option<&'static str>, Option<&'static str>) {
    let t = lang.texts();
    let name_error = name.trim().is_empty().then_some(t.name_required);
    let email_error = if email.trim().is_empty() {
        Some(t.email_required)
    } else if !looks_like_email(email.trim()) {
        Some(t.email_invalid)
    } else {
        None
    };
    (name_error, email_error)
}

/// Name, email (required) and phone; then the chat starts.
#[component]
fn PreChat(ctx: Ctx) -> impl IntoView {
    let saved = ctx.saved.get_untracked();
    let name = RwSignal::new(saved.name);
    let email = RwSignal::new(saved.email);
    let phone = RwSignal::new(saved.phone);
    let errors = RwSignal::new((None::<&'static str>, None::<&'static str>));
    let busy = RwSignal::new(false);
    let name_ref = NodeRef::<leptos::html::Input>::new();
    let email_ref = NodeRef::<leptos::html::Input>::new();
    let form = ctx
        .portal
        .with_untracked(|p| p.as_ref().map(|p| p.prechat.clone()))
        .unwrap_or_default();
    let answers = RwSignal::new(HashMap::new());
    let field_error = RwSignal::new(None::<(String, String)>);
    let checked_form = form.clone();
    Effect::new(move || {
        if let Some(input) = name_ref.get() {
            let _ = input.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let found = validate(
            &name.get_untracked(),
            &email.get_untracked(),
            ctx.controls.lang.get_untracked(),
        );
        errors.set(found);
        match found {
            (Some(_), _) => {
                if let Some(input) = name_ref.get() {
                    let _ = input.focus();
                }
                return;
            }
            (_, Some(_)) => {
                if let Some(input) = email_ref.get() {
                    let _ = input.focus();
                }
                return;
            }
            _ => {}
        }
        if ctx.fields_missing(&checked_form, answers, field_error) {
            return;
        }
        // A portal that verifies identity takes only tokens from the site's backend
        // (`Parlor.setUser({token})`): without one, say so rather than fail on the token call.
        let verified_only = ctx
            .portal
            .with_untracked(|p| p.as_ref().is_some_and(|p| p.identity_verification == 1));
        if verified_only && ctx.controls.user.get_untracked().token.is_empty() {
            ctx.error.set(Some(ctx.t().sign_in_first.to_string()));
            return;
        }
        busy.set(true);
        ctx.error.set(None);
        let (name, email, phone) = (
            name.get_untracked().trim().to_string(),
            email.get_untracked().trim().to_string(),
            phone.get_untracked().trim().to_string(),
        );
        let fields = (!checked_form.fields.is_empty() || checked_form.consent.is_some())
            .then(|| answers.with_untracked(crate::prechat::to_json));
        spawn_local(async move {
            let result = start_chat(ctx, name, email, phone, fields).await;
            busy.set(false);
            if let Err(error) = result {
                if error.code == parlor_client::protocol::socket::code::OUTSIDE_BUSINESS_HOURS {
                    ctx.stage.set(Stage::Ticket(TicketReason::Closed));
                } else {
                    ctx.show_error(&error);
                }
            }
        });
    };
    let t = move || ctx.t();
    view! {
        <form class="form" on:submit=submit novalidate>
            <Greeting portal=ctx.portal lang=ctx.controls.lang />
            <p class="form__intro">{move || t().prechat_intro}</p>
            <ContactFields
                ctx
                prefix="parlor"
                name
                email
                phone
                name_error=Signal::derive(move || errors.get().0)
                email_error=Signal::derive(move || errors.get().1)
                name_ref
                email_ref
            />
            <CustomFields form answers error=field_error lang=ctx.controls.lang />
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { t().starting } else { t().start_chat }}
            </button>
        </form>
    }
}

/// Name and email (required, with their errors) and phone (optional): the fields the pre-chat
/// form and the ticket form share. Ids are `{prefix}-name`, `{prefix}-email`, `{prefix}-phone`.
#[component]
fn ContactFields(
    ctx: Ctx,
    prefix: &'static str,
    name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    name_error: Signal<Option<&'static str>>,
    email_error: Signal<Option<&'static str>>,
    name_ref: NodeRef<leptos::html::Input>,
    email_ref: NodeRef<leptos::html::Input>,
) -> impl IntoView {
    let t = move || ctx.t();
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <label for=id("name")>{move || t().name}</label>
        <input
            id=id("name")
            type="text"
            autocomplete="name"
            maxlength="100"
            required
            node_ref=name_ref
            aria-invalid=move || name_error.get().is_some().to_string()
            aria-describedby=id("name-error")
            bind:value=name
        />
        <p class="form__error" id=id("name-error")>{move || name_error.get()}</p>
        <label for=id("email")>{move || t().email}</label>
        <input
            id=id("email")
            type="email"
            autocomplete="email"
            maxlength="254"
            required
            node_ref=email_ref
            aria-invalid=move || email_error.get().is_some().to_string()
            aria-describedby=id("email-error")
            bind:value=email
        />
        <p class="form__error" id=id("email-error")>{move || email_error.get()}</p>
        <label for=id("phone")>{move || t().phone} " " <span class="muted">{move || t().optional}</span></label>
        <input id=id("phone") type="tel" autocomplete="tel" maxlength="40" bind:value=phone />
    }
}

/// Token, connection, profile, conversation: the chat starts.
async fn start_chat(
    ctx: Ctx,
    name: String,
    email: String,
    phone: String,
    fields: Option<serde_json::Value>,
) -> Result<(), parlor_client::Error> {
    let saved = ctx.saved.get_untracked();
    let token = if ctx.controls.user.get_untracked().token.is_empty() {
        ctx.chat()
            .get_live_chat_token(&ctx.key(), &name, &email, &saved.browser_id)
            .await?
    } else {
        ctx.controls.user.get_untracked().token
    };
    ctx.save(|s| {
        s.name = name.clone();
        s.email = email.clone();
        s.phone = phone.clone();
        s.token = token.clone();
    });
    let client = ctx.client();
    if !client.is_connected() {
        client.connect(&token);
    }
    client.until_connected(15_000).await?;
    let window = web_sys::window();
    let page = window.as_ref().and_then(|w| w.location().href().ok());
    let agent = window
        .as_ref()
        .and_then(|w| w.navigator().user_agent().ok());
    client
        .update_user_info(&UserInfo {
            display_name: Some(name),
            email: Some(email),
            phone: (!phone.is_empty()).then_some(phone),
            page_url: page.clone(),
            useragent: agent,
            language: Some(ctx.controls.lang.get_untracked().tag().to_string()),
            fields,
            ..UserInfo::default()
        })
        .await?;
    let queue = ctx.queue.get_untracked().map(|q| q.id).unwrap_or_default();
    let (conversation, info) = client
        .create_live_chat_conversation(&queue, Some(json!({ "pageUrl": page })))
        .await?;
    let conv = conversation.id().to_string();
    ctx.save(|s| {
        s.conv_id = Some(conv.clone());
        s.queue_id = Some(queue.clone());
    });
    ctx.conv.set(Some(conv.clone()));
    ctx.messages.set(Vec::new());
    ctx.stage.set(Stage::of_status(&info.status));
    ctx.events
        .with_value(|e| e.emit_with("chatStarted", &json!({ "convId": conv, "queueId": queue })));
    Ok(())
}

/// The messages and the composer.
#[component]
fn Conversation(ctx: Ctx) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let uploading = RwSignal::new(None::<String>);
    let confirm_end = RwSignal::new(false);
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    let composer_ref = NodeRef::<leptos::html::Textarea>::new();
    let file_ref = NodeRef::<leptos::html::Input>::new();
    // Follows new messages only while the visitor is at the bottom: reading back is not
    // interrupted.
    let stick = StoredValue::new(true);
    let last_typing = StoredValue::new(0.0f64);
    Effect::new(move || {
        ctx.messages.track();
        ctx.typing.track();
        if stick.get_value()
            && let Some(list) = list_ref.get()
        {
            list.set_scroll_top(list.scroll_height());
        }
    });
    Effect::new(move || {
        if let Some(composer) = composer_ref.get() {
            let _ = composer.focus();
        }
    });
    // What the visitor has on screen is read: the agent sees it marked so.
    let marked = StoredValue::new(0i64);
    Effect::new(move || {
        let newest = ctx
            .messages
            .with(|list| list.iter().map(|m| m.seq).max().unwrap_or(0));
        if !ctx.controls.open.get() || newest <= marked.get_value() {
            return;
        }
        marked.set_value(newest);
        if let Some(conv) = ctx.conv.get_untracked() {
            let conversation = ctx.client().conversation(&conv);
            spawn_local(async move {
                let _ = conversation.mark_as_read(newest).await;
            });
        }
    });
    let on_scroll = move |_| {
        if let Some(list) = list_ref.get() {
            stick.set_value(list.scroll_height() - list.scroll_top() - list.client_height() < 48);
        }
    };
    let conversation = move || {
        ctx.conv
            .get_untracked()
            .map(|conv| ctx.client().conversation(&conv))
    };

    let send = move || {
        let text = draft.get_untracked();
        if text.trim().is_empty() {
            return;
        }
        let Some(conversation) = conversation() else {
            return;
        };
        draft.set(String::new());
        stick.set_value(true);
        last_typing.set_value(0.0);
        spawn_local(async move {
            let _ = conversation.end_typing().await;
            if let Err(error) = conversation.send_text(text.trim_end()).await {
                ctx.show_error(&error);
            }
        });
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            send();
        }
    };
    let on_input = move |_| {
        let now = js_sys::Date::now();
        if now - last_typing.get_value() > 3_000.0
            && let Some(conversation) = conversation()
        {
            last_typing.set_value(now);
            spawn_local(async move {
                let _ = conversation.begin_typing().await;
            });
        }
    };
    let on_file = move |_| {
        let Some(input) = file_ref.get() else { return };
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        input.set_value("");
        let Some(conversation) = conversation() else {
            return;
        };
        uploading.set(Some(file.name()));
        spawn_local(async move {
            let token = ctx.saved.get_untracked().token;
            let result = conversation.send_file(&ctx.chat(), &token, &file).await;
            uploading.set(None);
            if let Err(error) = result {
                ctx.show_error(&error);
            }
        });
    };
    let end = move |_| {
        confirm_end.set(false);
        let Some(conversation) = conversation() else {
            return;
        };
        spawn_local(async move {
            match conversation.end_chat().await {
                Ok(()) => {
                    ctx.events.with_value(|e| {
                        e.emit_with("chatEnded", &json!({ "convId": conversation.id() }))
                    });
                    ctx.stage.set(Stage::Ended);
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let t = move || ctx.t();
    let me = move || {
        ctx.client
            .with_value(|c| c.as_ref().and_then(Client::user_id))
            .unwrap_or_default()
    };

    view! {
        <div class="conversation">
            <Show when=move || ctx.stage.get() == Stage::Waiting>
                <div class="waiting" role="status">
                    <p class="waiting__title">{move || t().waiting}</p>
                    <p class="muted">{move || t().waiting_hint}</p>
                </div>
            </Show>
            // Focusable, so that a keyboard can scroll back through a long history (a scrollable
            // region without focusable content is out of a keyboard's reach).
            <ol class="messages" tabindex="0" node_ref=list_ref on:scroll=on_scroll aria-label=move || t().messages_label>
                {move || {
                    let me = me();
                    let list = ctx.messages.get();
                    ctx.marks.track();
                    let mut previous: Option<String> = None;
                    list.into_iter()
                        .filter(|m| m.kind != kind::CREATED)
                        .map(|message| {
                            let first_of_group = previous.as_deref() != Some(message.from.as_str())
                                || message.kind == kind::NOTIFICATION;
                            previous = Some(message.from.clone());
                            view! { <MessageView ctx message me=me.clone() first_of_group /> }
                        })
                        .collect_view()
                }}
            </ol>
            <p class="typing" aria-hidden="true">
                {move || ctx.typing.get().map(|name| with_name(t().typing, &name))}
            </p>
            {move || uploading.get().map(|name| view! { <p class="muted" role="status">{with_name(t().uploading, &name)}</p> })}
            <Show
                when=move || confirm_end.get()
                fallback=move || view! {
                    <div class="composer">
                        <label for="parlor-composer" class="sr-only">{move || t().composer_label}</label>
                        <textarea
                            id="parlor-composer"
                            rows="2"
                            maxlength="5000"
                            placeholder=move || t().composer_placeholder
                            node_ref=composer_ref
                            on:keydown=on_keydown
                            on:input=on_input
                            bind:value=draft
                        ></textarea>
                        <input type="file" class="sr-only" id="parlor-file" tabindex="-1" aria-label=move || t().attach node_ref=file_ref on:change=on_file />
                        <button
                            type="button"
                            class="icon-button"
                            aria-label=move || t().attach
                            on:click=move |_| {
                                if let Some(input) = file_ref.get() {
                                    input.click();
                                }
                            }
                        >
                            "+"
                        </button>
                        <button type="button" class="primary" on:click=move |_| send()>{move || t().send}</button>
                    </div>
                    <button type="button" class="link-button" on:click=move |_| confirm_end.set(true)>
                        {move || t().end_chat}
                    </button>
                }
            >
                <div class="confirm" role="alertdialog" aria-labelledby="parlor-end-q">
                    <p id="parlor-end-q">{move || t().end_confirm}</p>
                    <button type="button" class="primary" on:click=end>{move || t().end_yes}</button>
                    <button type="button" on:click=move |_| confirm_end.set(false)>{move || t().end_no}</button>
                </div>
            </Show>
        </div>
    }
}

/// One message: a bubble with its text (links clickable, nothing as HTML), attachment, time
/// and, for the visitor's own, its state.
#[component]
fn MessageView(ctx: Ctx, message: Message, me: String, first_of_group: bool) -> impl IntoView {
    let t = ctx.t();
    let own = message.from == me || message.seq == 0;
    if message.kind == kind::NOTIFICATION {
        let who = message
            .content
            .get("participants")
            .and_then(|p| p.get(0))
            .and_then(|p| p.get("displayName").or_else(|| p.get("userId")))
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| ctx.name_of(&message.from));
        let text = match message.content.get("type").and_then(|v| v.as_i64()) {
            Some(1) => with_name(t.joined, &who),
            Some(2) => with_name(t.left, &ctx.name_of(&who)),
            Some(4) => t.ended.to_string(),
            _ => return ().into_any(),
        };
        return view! { <li class="event">{text}</li> }.into_any();
    }
    if message.kind == kind::RATING {
        return ().into_any();
    }
    let sender = if own {
        t.you.to_string()
    } else {
        ctx.name_of(&message.from)
    };
    let state = ctx
        .client
        .with_value(|c| c.as_ref().map(|c| c.state_of(&message)))
        .unwrap_or(MessageState::Sending);
    let state_text = match state {
        MessageState::Sending => t.sending,
        MessageState::Sent => t.sent,
        MessageState::Delivered => t.delivered,
        MessageState::Read => t.read,
        MessageState::Failed => t.failed,
    };
    let body = match message.kind {
        kind::TEXT | kind::LINK => {
            let text = message.text().unwrap_or_default().to_string();
            linkify(&text)
                .into_iter()
                .map(|segment| match segment {
                    Segment::Text(text) => view! { <span>{text}</span> }.into_any(),
                    Segment::Link(url) => view! {
                        <a href=url.clone() target="_blank" rel="noopener noreferrer nofollow">{url.clone()}</a>
                    }
                    .into_any(),
                })
                .collect_view()
                .into_any()
        }
        kind::PHOTO | kind::VIDEO | kind::AUDIO | kind::FILE => {
            let field = match message.kind {
                kind::PHOTO => "photo",
                kind::VIDEO => "video",
                kind::AUDIO => "audio",
                _ => "file",
            };
            let attachment = message.content.get(field).cloned().unwrap_or_default();
            let path = attachment
                .get("filePath")
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string();
            let name = attachment
                .get("filename")
                .and_then(|v| v.as_str())
                .unwrap_or(field)
                .to_string();
            view! { <Attachment ctx path name image=message.kind == kind::PHOTO /> }.into_any()
        }
        _ => view! { <span class="muted">"…"</span> }.into_any(),
    };
    view! {
        <li class="message" class:message--own=own class:message--first=first_of_group>
            <Show when=move || first_of_group>
                <span class="message__sender">{sender.clone()}</span>
            </Show>
            <div class="bubble">{body}</div>
            <span class="message__meta">
                <time>{if message.created > 0 { clock(message.created) } else { String::new() }}</time>
                {own.then(|| view! { <span class="message__state">{" · "}{state_text}</span> })}
            </span>
        </li>
    }
    .into_any()
}

/// A file of a message: fetched with the visitor's token (tokens never go in URLs) and shown
/// from a local object URL; images as a preview.
#[component]
fn Attachment(ctx: Ctx, path: String, name: String, image: bool) -> impl IntoView {
    let token = ctx.saved.get_untracked().token;
    let object_url = LocalResource::new(move || {
        let (path, token) = (path.clone(), token.clone());
        async move { ctx.chat().open_file(&token, &path).await.ok() }
    });
    let label = with_name(ctx.t().open_attachment, &name);
    view! {
        {move || match object_url.get().flatten() {
            Some(href) if image => {
                let src = href.clone();
                view! {
                    <a href=href target="_blank" rel="noopener" aria-label=label.clone()>
                        <img class="attachment__image" src=src alt=name.clone() />
                    </a>
                }
                .into_any()
            }
            Some(href) => view! {
                <a href=href download=name.clone()>{name.clone()}</a>
            }
            .into_any(),
            None => view! { <span class="muted">{name.clone()}</span> }.into_any(),
        }}
    }
}

/// The end of a chat: a rating with a comment, and the transcript by email.
#[component]
fn Ended(ctx: Ctx) -> impl IntoView {
    let rating = RwSignal::new(None::<Rating>);
    let comment = RwSignal::new(String::new());
    let rated = RwSignal::new(false);
    let email = RwSignal::new(ctx.saved.get_untracked().email);
    let mailed = RwSignal::new(None::<String>);
    let conversation = move || {
        ctx.conv
            .get_untracked()
            .map(|conv| ctx.client().conversation(&conv))
    };
    let rate = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(rating), Some(conversation)) = (rating.get_untracked(), conversation()) else {
            return;
        };
        let comment = comment.get_untracked();
        spawn_local(async move {
            match conversation.rate_chat(rating, comment.trim()).await {
                Ok(()) => {
                    rated.set(true);
                    ctx.refocus();
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let mail = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_string();
        if !looks_like_email(&address) {
            ctx.error.set(Some(ctx.t().email_invalid.to_string()));
            return;
        }
        let Some(conversation) = conversation() else {
            return;
        };
        let domain = web_sys::window()
            .and_then(|w| w.location().host().ok())
            .unwrap_or_default();
        spawn_local(async move {
            match conversation.send_chat_transcript(&address, &domain).await {
                Ok(()) => {
                    mailed.set(Some(address));
                    ctx.refocus();
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let t = move || ctx.t();
    let choice = move |value: Rating, label: &'static str| {
        view! {
            <button
                type="button"
                class="choice"
                aria-pressed=move || (rating.get() == Some(value)).to_string()
                on:click=move |_| rating.set(Some(value))
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="ended">
            <p class="status" role="status">{move || t().ended}</p>
            <Show
                when=move || rated.get()
                fallback=move || view! {
                    <form class="form" on:submit=rate>
                        <fieldset>
                            <legend>{move || t().rate_prompt}</legend>
                            {choice(Rating::Good, t().good)}
                            {choice(Rating::Bad, t().bad)}
                        </fieldset>
                        <label for="parlor-comment">{move || t().comment} " " <span class="muted">{move || t().optional}</span></label>
                        <textarea id="parlor-comment" rows="2" maxlength="1000" bind:value=comment></textarea>
                        <button type="submit" class="primary" disabled=move || rating.get().is_none()>{move || t().send_rating}</button>
                    </form>
                }
            >
                <p class="status" role="status">{move || t().rating_thanks}</p>
            </Show>
            <Show
                when=move || mailed.get().is_some()
                fallback=move || view! {
                    <form class="form" on:submit=mail>
                        <label for="parlor-transcript">{move || t().transcript_prompt}</label>
                        <input id="parlor-transcript" type="email" autocomplete="email" bind:value=email />
                        <button type="submit">{move || t().send_transcript}</button>
                    </form>
                }
            >
                <p class="status" role="status">{move || with_name(t().transcript_sent, &mailed.get().unwrap_or_default())}</p>
            </Show>
            <NewChatButton ctx />
        </div>
    }
}

/// Starts over: the queue picker (or the form, with one queue).
#[component]
fn NewChatButton(ctx: Ctx) -> impl IntoView {
    view! {
        <button
            type="button"
            class="link-button"
            on:click=move |_| {
                ctx.forget_chat();
                ctx.error.set(None);
                ctx.stage.set(Stage::PickQueue);
            }
        >
            {move || ctx.t().new_chat}
        </button>
    }
}

/// The ticket form: name and email prefilled, a description; stored and mailed to the team.
#[component]
fn TicketForm(ctx: Ctx, reason: TicketReason) -> impl IntoView {
    let saved = ctx.saved.get_untracked();
    let name = RwSignal::new(saved.name);
    let email = RwSignal::new(saved.email);
    let phone = RwSignal::new(saved.phone);
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new((
        None::<&'static str>,
        None::<&'static str>,
        None::<&'static str>,
    ));
    let busy = RwSignal::new(false);
    let first_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move || {
        if let Some(input) = first_ref.get() {
            let _ = input.focus();
        }
    });
    // A visitor sent here before any chat answers the portal's own fields here; after a chat
    // nobody took, the server has their answers from the pre-chat form.
    let form = match reason {
        TicketReason::NoAnswer => Default::default(),
        TicketReason::Closed | TicketReason::Nobody => ctx
            .portal
            .with_untracked(|p| p.as_ref().map(|p| p.prechat.clone()))
            .unwrap_or_default(),
    };
    let answers = RwSignal::new(HashMap::new());
    let field_error = RwSignal::new(None::<(String, String)>);
    let checked_form = form.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lang = ctx.controls.lang.get_untracked();
        let (name_error, email_error) =
            validate(&name.get_untracked(), &email.get_untracked(), lang);
        let note_error = note
            .get_untracked()
            .trim()
            .is_empty()
            .then_some(lang.texts().description_required);
        errors.set((name_error, email_error, note_error));
        if name_error.is_some() || email_error.is_some() || note_error.is_some() {
            return;
        }
        if ctx.fields_missing(&checked_form, answers, field_error) {
            return;
        }
        busy.set(true);
        let has_fields = !checked_form.fields.is_empty() || checked_form.consent.is_some();
        let request = TicketRequest {
            name: name.get_untracked().trim().to_string(),
            email: email.get_untracked().trim().to_string(),
            phone: phone.get_untracked().trim().to_string(),
            note: note.get_untracked().trim().to_string(),
            browser_id: ctx.saved.get_untracked().browser_id,
            queue_id: ctx.queue.get_untracked().map(|q| q.id),
            fields: has_fields.then(|| answers.with_untracked(crate::prechat::to_json).to_string()),
        };
        spawn_local(async move {
            let result = ctx
                .chat()
                .create_live_chat_ticket(&ctx.key(), &request)
                .await;
            busy.set(false);
            match result {
                Ok(ticket) => {
                    ctx.save(|s| {
                        s.name = request.name.clone();
                        s.email = request.email.clone();
                    });
                    ctx.forget_chat();
                    ctx.events.with_value(|e| {
                        e.emit_with("ticketCreated", &json!({ "ticketId": ticket }))
                    });
                    ctx.stage.set(Stage::TicketSent);
                }
                Err(error) => ctx.show_error(&error),
            }
        });
    };
    let t = move || ctx.t();
    // The portal's own words for "nobody is here", when it has them.
    let offline = ctx
        .portal
        .with_untracked(|p| p.as_ref().map(|p| p.offline_message.clone()))
        .filter(|text| !text.trim().is_empty());
    let intro = move || match (reason, offline.clone()) {
        (TicketReason::NoAnswer, _) => t().ticket_no_answer.to_string(),
        (TicketReason::Closed | TicketReason::Nobody, Some(text)) => text,
        (TicketReason::Closed, None) => t().ticket_closed.to_string(),
        (TicketReason::Nobody, None) => t().ticket_nobody.to_string(),
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <p class="form__intro" role="status">{intro}</p>
            <ContactFields
                ctx
                prefix="parlor-ticket"
                name
                email
                phone
                name_error=Signal::derive(move || errors.get().0)
                email_error=Signal::derive(move || errors.get().1)
                name_ref=first_ref
                email_ref=NodeRef::new()
            />
            <CustomFields form answers error=field_error lang=ctx.controls.lang />
            <label for="parlor-ticket-note">{move || t().description}</label>
            <textarea id="parlor-ticket-note" rows="4" maxlength="5000" required
                aria-invalid=move || errors.get().2.is_some().to_string() aria-describedby="parlor-ticket-note-error"
                bind:value=note></textarea>
            <p class="form__error" id="parlor-ticket-note-error">{move || errors.get().2}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>{move || t().send_ticket}</button>
        </form>
    }
}

//! The widget's root component: the launcher and the chat panel, and the visitor's journey
//! through it (queue → pre-chat form → waiting → chat → end, or the ticket form).

use leptos::prelude::*;
use parlor_client::protocol::rest::Queue;
use wasm_bindgen::{JsCast, JsValue};

use crate::context::Ctx;
#[cfg(feature = "chat")]
use crate::conversation::Conversation;
#[cfg(feature = "chat")]
use crate::ended::{Ended, NewChatButton};
use crate::fields::Greeting;
use crate::i18n::Lang;
use crate::journey::Stage;
use crate::launcher::Launcher;
use crate::options::{Position, WidgetOptions};
use crate::prechat::PreChat;
use crate::queue_picker::QueuePicker;
use crate::session::Saved;
#[cfg(feature = "chat")]
use crate::ticket::TicketForm;
use parlor_ui::{ElementRef, attr, attr_with, listen, shown_if, watch};

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

    /// Emits `name` with a detail object of these string fields; with none, no detail.
    pub fn emit(&self, name: &str, detail: &[(&str, &str)]) {
        let Some(emit) = &self.emit else {
            return;
        };
        let object = if detail.is_empty() {
            JsValue::NULL
        } else {
            let object = js_sys::Object::new();
            for (key, value) in detail {
                let _ = js_sys::Reflect::set(
                    &object,
                    &JsValue::from_str(key),
                    &JsValue::from_str(value),
                );
            }
            object.into()
        };
        // A listener's failure is the page's business, not the widget's.
        let _ = emit.call2(&JsValue::NULL, &JsValue::from_str(name), &object);
    }
}

/// What the JS handle drives (signals, and what the browser remembers), shared with the screens
/// through `Ctx::controls`.
#[derive(Clone, Copy)]
pub struct Controls {
    /// Whether the panel is open.
    pub open: RwSignal<bool>,
    /// The language.
    pub lang: RwSignal<Lang>,
    /// Whether the page chose the language (`data-locale`, `setLocale`): then the portal's
    /// setting does not replace it.
    pub lang_chosen: RwSignal<bool>,
    /// What this browser remembers of the visitor, with what `Parlor.setUser` said (read when
    /// needed, never watched: a stored value).
    pub saved: StoredValue<Saved>,
    /// The page the visitor went to last (URL, title), as the loader reports it (the chat
    /// module's only: it tells the agent).
    #[cfg(feature = "chat")]
    pub page: RwSignal<Option<(String, String)>>,
    /// What went wrong, shown above the panel's body: the journey's errors, and the loader's
    /// report that the chat module could not be loaded.
    pub error: RwSignal<Option<String>>,
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
    let ctx = Ctx {
        #[cfg(feature = "chat")]
        conv: RwSignal::new(controls.saved.with_value(|s| s.conv_id.clone())),
        queue: RwSignal::new(None),
        setup: StoredValue::new((options.clone(), events)),
        controls,
        stage: RwSignal::new(Stage::PickQueue),
        #[cfg(feature = "chat")]
        messages: RwSignal::new(Vec::new()),
        #[cfg(feature = "chat")]
        names: RwSignal::new(Vec::new()),
        #[cfg(feature = "chat")]
        online: RwSignal::new(true),
        #[cfg(feature = "chat")]
        typing: RwSignal::new(None),
        #[cfg(feature = "chat")]
        place: RwSignal::new(None),
        #[cfg(feature = "chat")]
        unread: RwSignal::new(0),
        #[cfg(feature = "chat")]
        announce: RwSignal::new(String::new()),
        #[cfg(feature = "chat")]
        marks: RwSignal::new(0),
        #[cfg(feature = "chat")]
        client: StoredValue::new_local(None),
        panel: ElementRef::new(),
        portal: RwSignal::new(None),
    };
    let open = controls.open;
    let chat = ctx.chat();
    let widget_key = options.widget_key.clone();
    // Fetched once, by a task rather than a `LocalResource`, whose async machinery would weigh
    // on the bundle for this one value. Then the first screen: a chat in progress resumes. The
    // portal is set last: it is what shows the screen.
    let queues = StoredValue::new(Vec::new());
    let failed = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        let profile = match chat.get_chat_profile(&widget_key).await {
            Ok(profile) => profile,
            Err(error) => return failed.set(Some(error.code.to_string())),
        };
        let portal = profile.chat_profile;
        if !controls.lang_chosen.get_untracked() && !portal.language.is_empty() {
            controls
                .lang
                .set(crate::i18n::Lang::from_tag(&portal.language));
        }
        let saved = ctx.controls.saved.get_value();
        if let Some(queue_id) = &saved.queue_id
            && profile.queues.iter().any(|q| &q.id == queue_id)
        {
            ctx.queue.set(Some(queue_id.clone()));
        }
        // Taken over from the front, the chat module opens where the front left the visitor;
        // else a chat in progress resumes, or the first screen shows.
        if !ctx.take_over() {
            if saved.conv_id.is_some() && !saved.token.is_empty() {
                ctx.stage.set(Stage::Waiting);
                #[cfg(feature = "chat")]
                ctx.client();
            } else {
                let only = profile.queues.first().filter(|_| profile.queues.len() == 1);
                ctx.stage.set(Stage::start(
                    profile.queues.len(),
                    only.and_then(|q| q.agents_online),
                ));
                ctx.queue.set(only.map(|q| q.id.clone()));
            }
        }
        queues.set_value(profile.queues);
        ctx.portal.set(Some(portal));
    });

    #[cfg(feature = "chat")]
    crate::launcher::flash_title(ctx);
    #[cfg(not(feature = "chat"))]
    crate::handoff::hand_over_past_the_form(ctx);
    // Effects run after the current task, so a call replayed right after mounting may already
    // have changed `open` before the first run: compare with the state at mount, not with None.
    let at_mount = open.get_untracked();
    let mut was_open = at_mount;
    watch(move || {
        let is_open = open.get();
        if was_open != is_open {
            ctx.emit(if is_open { "opened" } else { "closed" }, &[]);
        }
        was_open = is_open;
    });
    // While a chat is open, the agent sees the pages the visitor goes to.
    #[cfg(feature = "chat")]
    watch(move || {
        let Some((url, title)) = controls.page.get() else {
            return;
        };
        if ctx.conv.get_untracked().is_none() {
            return;
        }
        ctx.client().tell_user_info(&parlor_client::UserInfo {
            page_url: Some(url),
            page_title: Some(title),
            ..parlor_client::UserInfo::default()
        });
    });

    let panel_ref = ctx.panel;
    let launcher_ref = ElementRef::new();
    // Opening moves focus into the panel; Escape closes it and returns focus to the launcher.
    watch(move || {
        if open.get()
            && let Some(panel) = panel_ref.get()
        {
            let _ = panel.focus();
        }
    });
    watch(move || {
        ctx.stage.track();
        ctx.refocus();
    });
    let on_keydown = move |ev: web_sys::Event| {
        let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if ev.key() == "Escape" {
            open.set(false);
            if let Some(button) = launcher_ref.get() {
                let _ = button.focus();
            }
        }
    };

    let title = move || {
        ctx.portal
            .with(|p| p.as_ref().map(|p| p.portal.clone()))
            .unwrap_or_else(|| ctx.t().default_title.to_string())
    };
    let body = move || match (failed.get(), ctx.portal.with(Option::is_some)) {
        (Some(code), _) => view! {
            <p class="status status--error" role="alert">
                {ctx.t().unavailable.to_string()}
                <span class="status__detail">{format!(" ({code})")}</span>
            </p>
        }
        .into_any(),
        (None, false) => {
            view! { <p class="status" role="status">{ctx.t().loading.to_string()}</p> }.into_any()
        }
        (None, true) => match ctx.stage.get() {
            Stage::PickQueue => {
                let on_pick = Callback::new(move |queue: Queue| {
                    ctx.stage.set(Stage::after_pick(queue.agents_online));
                    ctx.queue.set(Some(queue.id));
                });
                view! {
                    <Greeting portal=ctx.portal lang=ctx.controls.lang />
                    <QueuePicker queues=queues.get_value() lang=ctx.controls.lang on_pick />
                }
                .into_any()
            }
            Stage::PreChat => view! { <PreChat ctx /> }.into_any(),
            // The front's screens end here: the chat module takes over (see `handoff`).
            #[cfg(not(feature = "chat"))]
            _ => view! { <p class="status" role="status">{ctx.t().loading.to_string()}</p> }
                .into_any(),
            #[cfg(feature = "chat")]
            Stage::Waiting | Stage::Chat => view! { <Conversation ctx /> }.into_any(),
            #[cfg(feature = "chat")]
            Stage::Ended => view! { <Ended ctx /> }.into_any(),
            #[cfg(feature = "chat")]
            Stage::Ticket(reason) => view! { <TicketForm ctx reason /> }.into_any(),
            #[cfg(feature = "chat")]
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
    let root_ref = ElementRef::new();
    let script_color = options.color.clone();
    watch(move || {
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
    // Empty when the portal says nothing of it (the paragraph is then not shown: CSS).
    let reply_time = move || {
        ctx.portal
            .with(|p| p.as_ref().map(|p| p.reply_time_text.clone()))
            .unwrap_or_default()
    };
    view! {
        <div
            {..attr_with("class", move || if left() { "parlor parlor--left" } else { "parlor" })}
            node_ref={root_ref}
            {..attr_with("lang", move || ctx.controls.lang.get().tag())}
            {..listen("keydown", on_keydown)}
        >
            {shown_if(move || open.get(), move || view! {
                <section
                    class="panel"
                    role="dialog"
                    {..attr("aria-modal", "false")}
                    {..attr("aria-labelledby", "parlor-title")}
                    {..attr("tabindex", "-1")}
                    node_ref=panel_ref
                >
                    <header class="panel__header">
                        <div class="panel__heading">
                            <h2 class="panel__title" id="parlor-title">{title}</h2>
                            <p class="panel__subtitle">{reply_time}</p>
                        </div>
                        <button
                            type="button"
                            class="icon-button"
                            {..attr_with("aria-label", move || ctx.t().close_chat)}
                            {..listen("click", move |_| open.set(false))}
                        >
                            "×"
                        </button>
                    </header>
                    {offline_banner(ctx)}
                    {shown_if(move || ctx.controls.error.get().is_some(), move || view! {
                        <p class="banner banner--error" role="alert">{move || ctx.controls.error.get().unwrap_or_default()}</p>
                    }.into_any())}
                    <div class="panel__body">{body}</div>
                </section>
            }.into_any())}
            {announcer(ctx)}
            <Launcher ctx button_ref=launcher_ref />
        </div>
    }
}

/// Says when the connection is lost (the chat module's: the front has no socket).
#[cfg(feature = "chat")]
fn offline_banner(ctx: Ctx) -> AnyView {
    let banner =
        move || view! { <p class="banner" role="status">{move || ctx.t().offline}</p> }.into_any();
    shown_if(move || !ctx.online.get(), banner)
}

#[cfg(not(feature = "chat"))]
fn offline_banner(_: Ctx) {}

/// Where screen readers hear of new messages (the chat module's: the front has none).
#[cfg(feature = "chat")]
fn announcer(ctx: Ctx) -> impl IntoView {
    view! {
        <div class="sr-only" {..attr("aria-live", "polite")} {..attr("aria-atomic", "true")}>
            {move || ctx.announce.get()}
        </div>
    }
}

#[cfg(not(feature = "chat"))]
fn announcer(_: Ctx) {}

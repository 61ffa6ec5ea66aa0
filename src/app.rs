//! The widget's root component: the launcher and the chat panel.

use leptos::prelude::*;
use parlor_client::protocol::rest::Queue;
use parlor_client::{Chat, ClientConfig};
use wasm_bindgen::JsValue;

use crate::options::{Position, WidgetOptions};
use crate::queue_picker::QueuePicker;

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
        if let Some(emit) = &self.emit {
            // A listener's failure is the page's business, not the widget's.
            let _ = emit.call1(&JsValue::NULL, &JsValue::from_str(name));
        }
    }
}

/// The whole widget: launcher button, and the panel when open.
#[component]
pub fn App(
    /// Configuration from the script tag.
    options: WidgetOptions,
    /// Whether the panel is open; shared with the JS handle.
    open: RwSignal<bool>,
    /// Where `opened` / `closed` go.
    events: Events,
) -> impl IntoView {
    let chat = Chat::new(ClientConfig::new(options.server.clone()));
    let widget_key = options.widget_key.clone();
    let profile = LocalResource::new(move || {
        let chat = chat.clone();
        let key = widget_key.clone();
        async move { chat.get_chat_profile(&key).await }
    });
    let chosen = RwSignal::new(None::<Queue>);

    // Effects run after the current task, so a call replayed right after mounting may already
    // have changed `open` before the first run: compare with the state at mount, not with None.
    let at_mount = open.get_untracked();
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if was_open.unwrap_or(at_mount) != is_open {
            events.emit(if is_open { "opened" } else { "closed" });
        }
        is_open
    });

    let title = move || {
        profile
            .get()
            .and_then(Result::ok)
            .map(|p| p.chat_profile.portal)
            .unwrap_or_else(|| "Chat with us".to_string())
    };
    let body = move || match profile.get() {
        None => view! { <p class="status" role="status">"Loading…"</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="status status--error" role="alert">
                "Chat is unavailable right now. Please try again later."
                <span class="status__detail">{format!(" ({})", error.code)}</span>
            </p>
        }
        .into_any(),
        Some(Ok(profile)) => match chosen.get() {
            None => {
                let on_pick = Callback::new(move |queue: Queue| chosen.set(Some(queue)));
                view! { <QueuePicker queues=profile.queues on_pick /> }.into_any()
            }
            Some(queue) => view! {
                <div class="chosen">
                    <p class="status" role="status">{format!("You chose {}.", queue.name)}</p>
                    <button type="button" class="link-button" on:click=move |_| chosen.set(None)>
                        "Choose another team"
                    </button>
                </div>
            }
            .into_any(),
        },
    };

    view! {
        <div class="parlor" class:parlor--left=options.position == Position::Left>
            <Show when=move || open.get()>
                <section class="panel" role="dialog" aria-modal="false" aria-labelledby="parlor-title">
                    <header class="panel__header">
                        <h2 class="panel__title" id="parlor-title">{title}</h2>
                        <button
                            type="button"
                            class="icon-button"
                            aria-label="Close chat"
                            on:click=move |_| open.set(false)
                        >
                            "×"
                        </button>
                    </header>
                    <div class="panel__body">{body}</div>
                </section>
            </Show>
            <button
                type="button"
                class="launcher"
                aria-label=move || if open.get() { "Close chat" } else { "Open chat" }
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <span class="launcher__icon" aria-hidden="true"></span>
            </button>
        </div>
    }
}

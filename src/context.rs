//! What every screen of the journey shares ([`Ctx`]): the signals of the visitor's state and
//! the helpers the screens call. The socket side is in `live` (the chat module only).

use leptos::prelude::*;
use parlor_client::protocol::rest::ChatProfile;
use parlor_client::{Chat, ClientConfig};
#[cfg(feature = "chat")]
use parlor_client::{Client, Message};
use wasm_bindgen::JsCast;

use crate::app::{Controls, Events};
use crate::journey::Stage;
use crate::options::WidgetOptions;
use crate::pairs::Pairs;
use crate::session::Saved;
use parlor_ui::ElementRef;

/// Everything the journey shares, cheap to copy into closures. The conversation's own state
/// is the chat module's only (the `chat` feature): the front makes none of it.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The script tag's options, and where the widget's events go: one stored value (each
    /// value type of one is code of its own in the wasm).
    pub(crate) setup: StoredValue<(WidgetOptions, Events)>,
    /// What the JS handle drives, and what it shares with the screens: what the browser
    /// remembers (`controls.saved`) and the panel's error (`controls.error`).
    pub(crate) controls: Controls,
    pub(crate) stage: RwSignal<Stage>,
    /// The chosen queue's id.
    pub(crate) queue: RwSignal<Option<String>>,
    #[cfg(feature = "chat")]
    pub(crate) conv: RwSignal<Option<String>>,
    #[cfg(feature = "chat")]
    pub(crate) messages: RwSignal<Vec<Message>>,
    #[cfg(feature = "chat")]
    pub(crate) names: RwSignal<Pairs>,
    #[cfg(feature = "chat")]
    pub(crate) online: RwSignal<bool>,
    #[cfg(feature = "chat")]
    pub(crate) typing: RwSignal<Option<String>>,
    #[cfg(feature = "chat")]
    /// A waiting chat's place in the queue and the estimated wait (ms), by chat: the first may
    /// come before the reply that names the chat.
    pub(crate) place: RwSignal<Option<(String, usize, Option<u64>)>>,
    #[cfg(feature = "chat")]
    pub(crate) unread: RwSignal<usize>,
    #[cfg(feature = "chat")]
    pub(crate) announce: RwSignal<String>,
    #[cfg(feature = "chat")]
    /// Bumped when delivered/read marks change, so message states re-render. A `usize`, as
    /// the other counters: each value type of a signal is code of its own in the wasm.
    pub(crate) marks: RwSignal<usize>,
    #[cfg(feature = "chat")]
    pub(crate) client: StoredValue<Option<Client>, LocalStorage>,
    /// The panel, to give focus back to when the focused control goes away.
    pub(crate) panel: ElementRef,
    /// The portal's settings, once the chat profile arrived.
    pub(crate) portal: RwSignal<Option<ChatProfile>>,
}

impl Ctx {
    /// The words of the language shown: the chat module's, with the front's.
    #[cfg(feature = "chat")]
    pub(crate) fn t(&self) -> &'static crate::i18n::ChatTexts {
        self.controls.lang.get().chat_texts()
    }

    /// The words of the language shown. The front's screens render them as `String`s
    /// (`.to_string()`), as their other texts: a `&str` child is a renderer and a render
    /// effect of its own in the wasm (some 2 KB, measured), which the front then does without.
    #[cfg(not(feature = "chat"))]
    pub(crate) fn t(&self) -> &'static crate::i18n::Texts {
        self.controls.lang.get().texts()
    }

    pub(crate) fn key(&self) -> String {
        self.setup.with_value(|(o, _)| o.widget_key.clone())
    }

    /// Emits the widget event `name` with a detail object of these string fields (none:
    /// no detail).
    pub(crate) fn emit(&self, name: &str, detail: &[(&str, &str)]) {
        self.setup
            .with_value(|(_, events)| events.emit(name, detail));
    }

    pub(crate) fn config(&self) -> ClientConfig {
        let (server, key) = self
            .setup
            .with_value(|(o, _)| (o.server.clone(), o.widget_key.clone()));
        ClientConfig::new(server).with_storage(format!("parlor.{key}"))
    }

    pub(crate) fn chat(&self) -> Chat {
        Chat::new(self.config())
    }

    pub(crate) fn save(&self, change: impl FnOnce(&mut Saved)) {
        let key = self.key();
        self.controls.saved.update_value(|saved| {
            change(saved);
            saved.store(&key);
        });
    }

    /// Checks the portal's own fields of a form: shows the first one missing, focuses it, and
    /// says whether one is.
    pub(crate) fn fields_missing(
        &self,
        form: &parlor_client::protocol::prechat::PrechatForm,
        answers: crate::fields::Answers,
        error: RwSignal<Pairs>,
    ) -> bool {
        let lang = self.controls.lang.get_untracked();
        let missing = answers.with_untracked(|a| crate::fields::missing(form, a, lang));
        error.set(missing.iter().cloned().collect());
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
    pub(crate) fn focus_in_panel(&self, selector: &str) {
        if let Some(panel) = self.panel.get_untracked()
            && let Ok(Some(element)) = panel.query_selector(selector)
            && let Ok(element) = element.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = element.focus();
        }
    }

    /// A screen that replaces the focused control (a form sent) would leave focus nowhere, out
    /// of reach of the keyboard: it goes to the panel then. Runs after the DOM is updated.
    pub(crate) fn refocus(&self) {
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
}

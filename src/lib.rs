//! Parlor's visitor widget: Leptos (client-side rendering) compiled to WebAssembly.
//!
//! A site owner never loads this crate directly: the loader (`loader/parlor.js`, a few KB of
//! plain JS) draws the launcher inside a Shadow DOM root at once, loads this module on first
//! open (or when the page is idle), and calls [`mount`] with a container inside that root. The
//! returned [`WidgetHandle`] is what `window.Parlor.open()` and friends call into.
//!
//! The crate builds into two modules: without its `chat` feature, the front (launcher, queue
//! picker, pre-chat form), which is what the loader fetches first; with it (the default), the
//! whole widget, which takes over when the visitor goes past the form ([`handoff`]).
//!
//! The widget has no wire details of its own: everything it asks the server goes through
//! `parlor-client`.

pub mod app;
mod context;
#[cfg(feature = "chat")]
mod conversation;
#[cfg(feature = "chat")]
mod ended;
pub mod fields;
pub mod handoff;
pub mod i18n;
pub mod journey;
mod launcher;
#[cfg(feature = "chat")]
mod live;
#[cfg(feature = "chat")]
mod message;
pub mod options;
mod pairs;
pub mod prechat;
pub mod queue_picker;
pub mod session;
pub mod text;
#[cfg(feature = "chat")]
mod ticket;
#[cfg(feature = "chat")]
mod upload;
#[cfg(feature = "chat")]
mod waiting;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

pub use app::{App, Controls};
pub use options::WidgetOptions;
pub use prechat::validate;
pub use queue_picker::QueuePicker;
pub use session::PageUser;

/// The widget, once mounted: the loader forwards `window.Parlor` calls to it.
#[wasm_bindgen]
pub struct WidgetHandle {
    controls: Controls,
    /// The portal's widget key: what the browser remembers is kept under it.
    key: String,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Opens the chat panel.
    pub fn open(&self) {
        self.controls.open.set(true);
    }

    /// Closes the chat panel (the conversation goes on; the launcher stays).
    pub fn close(&self) {
        self.controls.open.set(false);
    }

    /// Opens the panel if it is closed, closes it otherwise.
    pub fn toggle(&self) {
        self.controls.open.update(|open| *open = !*open);
    }

    /// `Parlor.setUser({name, email, phone, token})`: fills the forms; a `token` minted by the
    /// site's backend becomes the identity the chat uses.
    #[wasm_bindgen(js_name = setUser)]
    pub fn set_user(&self, user: JsValue) -> Result<(), JsValue> {
        if !user.is_object() {
            return Err(JsValue::from_str("Parlor.setUser: expected an object"));
        }
        let user = PageUser::from_js(&user);
        self.controls.saved.update_value(|saved| {
            saved.told(user);
            saved.store(&self.key);
        });
        Ok(())
    }

    /// The loader's report that the visitor went to another page of the site (also within a
    /// single-page app): told to the agent while a chat is open. The chat module's only.
    #[cfg(feature = "chat")]
    #[wasm_bindgen(js_name = pageChanged)]
    pub fn page_changed(&self, url: String, title: String) {
        self.controls.page.set(Some((url, title)));
    }

    /// The front's report that the chat module could not be loaded: the visitor is told, and
    /// the form is theirs again to send once more.
    #[cfg(not(feature = "chat"))]
    #[wasm_bindgen(js_name = handoffFailed)]
    pub fn handoff_failed(&self) {
        let unavailable = self.controls.lang.get_untracked().texts().unavailable;
        self.controls.error.set(Some(unavailable.to_string()));
    }

    /// `Parlor.setLocale("vi")`: the widget's language from now on.
    #[wasm_bindgen(js_name = setLocale)]
    pub fn set_locale(&self, tag: &str) {
        self.controls.lang_chosen.set(true);
        self.controls.lang.set(i18n::Lang::from_tag(tag));
    }
}

/// Mounts the widget into `container` (an element inside the loader's shadow root).
///
/// `options` is the loader's configuration object (see [`WidgetOptions`]); `emit(name, detail)`
/// is how the widget reports events (`opened`, `closed`) to the page's `Parlor.on` listeners.
#[wasm_bindgen]
pub fn mount(
    container: web_sys::HtmlElement,
    options: JsValue,
    emit: js_sys::Function,
) -> Result<WidgetHandle, JsValue> {
    if !options.is_object() {
        return Err(JsValue::from_str(
            "Parlor: the widget options must be an object",
        ));
    }
    let options = WidgetOptions::from_js(&options);
    // Created outside the mounted tree on purpose: the handle outlives any render of the app,
    // and there is one widget per page for the page's whole life.
    // Until the portal's language is known, the browser's; `data-locale` and `setLocale` win.
    let browser = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default();
    let tag = if options.locale.is_empty() {
        &browser
    } else {
        &options.locale
    };
    let controls = Controls {
        open: RwSignal::new(options.open),
        lang: RwSignal::new(i18n::Lang::from_tag(tag)),
        lang_chosen: RwSignal::new(!options.locale.is_empty()),
        saved: StoredValue::new(session::Saved::load(&options.widget_key)),
        #[cfg(feature = "chat")]
        page: RwSignal::new(None),
        error: RwSignal::new(None),
    };
    let events = app::Events::new(emit);
    let key = options.widget_key.clone();
    leptos::mount::mount_to(container, move || view! { <App options controls events /> }).forget();
    Ok(WidgetHandle { controls, key })
}

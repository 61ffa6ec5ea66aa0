//! Parlor's visitor widget: Leptos (client-side rendering) compiled to WebAssembly.
//!
//! A site owner never loads this crate directly: the loader (`loader/parlor.js`, a few KB of
//! plain JS) draws the launcher inside a Shadow DOM root at once, loads this module on first
//! open (or when the page is idle), and calls [`mount`] with a container inside that root. The
//! returned [`WidgetHandle`] is what `window.Parlor.open()` and friends call into.
//!
//! The widget has no wire details of its own: everything it asks the server goes through
//! `parlor-client`.

pub mod app;
pub mod options;
pub mod queue_picker;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

pub use app::App;
pub use options::WidgetOptions;
pub use queue_picker::QueuePicker;

/// The widget, once mounted: the loader forwards `window.Parlor` calls to it.
#[wasm_bindgen]
pub struct WidgetHandle {
    open: RwSignal<bool>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Opens the chat panel.
    pub fn open(&self) {
        self.open.set(true);
    }

    /// Closes the chat panel (the conversation goes on; the launcher stays).
    pub fn close(&self) {
        self.open.set(false);
    }

    /// Opens the panel if it is closed, closes it otherwise.
    pub fn toggle(&self) {
        self.open.update(|open| *open = !*open);
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
    let options: WidgetOptions = serde_wasm_bindgen::from_value(options)
        .map_err(|e| JsValue::from_str(&format!("Parlor: invalid widget options: {e}")))?;
    // Created outside the mounted tree on purpose: the handle outlives any render of the app,
    // and there is one widget per page for the page's whole life.
    let open = RwSignal::new(false);
    let events = app::Events::new(emit);
    leptos::mount::mount_to(container, move || view! { <App options open events /> }).forget();
    Ok(WidgetHandle { open })
}

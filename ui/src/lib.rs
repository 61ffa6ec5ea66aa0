//! `parlor-ui`: the view helpers the widget and the agent console share: effects,
//! conditional views, bound fields, element references, attributes and listeners, each
//! compiled once.
//!
//! Leptos compiles its `Effect` and `Show` anew for every closure handed to them (each closure
//! is a type of its own), and the renderer's code for an attribute or a listener anew for each
//! attribute name and each kind of event: some hundreds of bytes of wasm each time. These
//! helpers take boxed closures and names instead, so the framework's side is compiled once for
//! a whole app and only the closures' own bodies remain per call site (see
//! docs/performance.md, "Widget size").

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Runs `run` now and again whenever a signal it read changes (Leptos's `Effect::new`).
pub fn watch(run: impl FnMut() + 'static) {
    let run: Box<dyn FnMut()> = Box::new(run);
    Effect::new(run);
}

/// `then` while `when` holds, else `otherwise` (Leptos's `Show`): rebuilt only when `when`
/// changes value, so what the visitor typed in either survives other signals' changes.
pub fn shown(
    when: impl Fn() -> bool + Send + Sync + 'static,
    then: impl Fn() -> AnyView + Send + Sync + 'static,
    otherwise: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    either(Box::new(when), Box::new(then), Box::new(otherwise))
}

/// [`shown`] with nothing in place of `otherwise`.
pub fn shown_if(
    when: impl Fn() -> bool + Send + Sync + 'static,
    then: impl Fn() -> AnyView + Send + Sync + 'static,
) -> AnyView {
    shown(when, then, || ().into_any())
}

/// The one non-generic body behind [`shown`]: one `Memo<bool>` and one view closure type for
/// every conditional view of the widget.
fn either(
    when: Box<dyn Fn() -> bool + Send + Sync>,
    then: Box<dyn Fn() -> AnyView + Send + Sync>,
    otherwise: Box<dyn Fn() -> AnyView + Send + Sync>,
) -> AnyView {
    let when = Memo::new(move |_| when());
    (move || if when.get() { then() } else { otherwise() }).into_any()
}

/// The value of an `<input>` or `<textarea>` kept in `text` both ways: what the visitor types
/// goes into it, and what it holds shows in the field. Spread onto the element
/// (`<input {..text_value(name)} />`); an `on:input` written after it sees `text` updated.
/// One type for every field: Leptos's `bind:value` brings a memo and signal wrappers of its
/// own for the value it binds.
pub fn text_value(text: RwSignal<String>) -> impl leptos::attr::Attribute {
    (
        prop_with("value", move || text.get()),
        listen("input", move |ev| text.set(event_target_value(&ev))),
    )
}

/// A property of the element that follows signals (`value` as text, `checked` and
/// `disabled` as true or false), for `{..prop_with("disabled", move || …)}`: one
/// implementation per kind of value, where each `prop:` closure compiles its own (see
/// [`attr`]).
pub fn prop_with<T>(
    name: &'static str,
    value: impl Fn() -> T + Send + Sync + 'static,
) -> impl leptos::attr::Attribute
where
    Box<dyn Fn() -> T + Send + Sync>: leptos::tachys::html::property::IntoProperty,
{
    let value: Box<dyn Fn() -> T + Send + Sync> = Box::new(value);
    leptos::tachys::html::property::prop(name, value)
}

/// An element of a view, once it is built: Leptos's `NodeRef`, one type for every kind of
/// element (`node_ref=` takes it on any). A `NodeRef` is a type per element kind, and each
/// brought some 3 KB of wasm.
#[derive(Clone, Copy)]
pub struct ElementRef(RwSignal<Option<web_sys::HtmlElement>, LocalStorage>);

impl ElementRef {
    /// A reference to no element yet: `node_ref=` fills it when the view is built.
    pub fn new() -> Self {
        Self(RwSignal::new_local(None))
    }

    /// The element, tracked: a `watch` that reads it runs again once the element is built.
    pub fn get(&self) -> Option<web_sys::HtmlElement> {
        self.0.get()
    }

    /// The element, without tracking.
    pub fn get_untracked(&self) -> Option<web_sys::HtmlElement> {
        self.0.get_untracked()
    }
}

impl Default for ElementRef {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: leptos::html::ElementType> leptos::tachys::html::node_ref::NodeRefContainer<E>
    for ElementRef
{
    fn load(self, element: &web_sys::Element) {
        self.0.set(Some(element.clone().unchecked_into()));
    }
}

/// An attribute given by name, for `{..attr("rows", "2")}` in a view: every attribute made
/// this way shares one implementation, where `rows="2"` compiles one per attribute name (some
/// 380 bytes of wasm each; see docs/performance.md, "Widget size").
pub fn attr(name: &'static str, value: &'static str) -> impl leptos::attr::Attribute {
    leptos::tachys::html::attribute::custom::custom_attribute(name, value)
}

/// An attribute given by name whose value follows signals, for
/// `{..attr_with("aria-label", move || …)}`: one implementation for all of them (see [`attr`]).
pub fn attr_with<T: Into<String>>(
    name: &'static str,
    value: impl Fn() -> T + Send + Sync + 'static,
) -> impl leptos::attr::Attribute {
    let value: Box<dyn Fn() -> String + Send + Sync> = Box::new(move || value().into());
    leptos::tachys::html::attribute::custom::custom_attribute(name, value)
}

/// An attribute given by name with a value made at run time (an address, a file name), for
/// `{..attr_owned("href", url)}`: one implementation for all of them (see [`attr`]).
pub fn attr_owned(name: &'static str, value: String) -> impl leptos::attr::Attribute {
    leptos::tachys::html::attribute::custom::custom_attribute(name, value)
}

/// A listener for the event `name`, for `{..listen("submit", move |ev| …)}`: one
/// implementation for every kind of event listened to so, where each `on:` event kind compiles
/// its own (some 400 bytes of wasm each; see [`attr`]). The handler gets the plain `Event`.
pub fn listen(
    name: &'static str,
    handler: impl FnMut(web_sys::Event) + 'static,
) -> impl leptos::attr::Attribute {
    use leptos::tachys::html::event::{Custom, on};
    let handler: Box<dyn FnMut(web_sys::Event)> = Box::new(handler);
    on(Custom::new(name), handler)
}

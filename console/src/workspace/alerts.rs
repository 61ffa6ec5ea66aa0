//! Desktop notifications: once the agent allows them (the console asks with a button, never by
//! itself), a new chat request, a transfer and a visitor's message show as a notification while
//! the console's tab is hidden; clicking one brings the console forward, on that chat.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Notification, NotificationOptions, NotificationPermission};

use super::desk::Desk;

/// Whether the browser has notifications and the agent allowed them.
fn allowed() -> bool {
    Notification::permission() == NotificationPermission::Granted
}

/// Whether the agent has not answered the browser's question yet.
pub(super) fn undecided() -> bool {
    js_sys::Reflect::has(&window(), &"Notification".into()).unwrap_or(false)
        && Notification::permission() == NotificationPermission::Default
}

/// Asks the browser for permission (from a click: browsers ask only then); `decided` learns
/// the answer.
pub(super) fn ask(decided: RwSignal<bool>) {
    if let Ok(promise) = Notification::request_permission() {
        leptos::task::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
            decided.set(true);
        });
    }
}

/// Shows a notification while the console is hidden; a click focuses the console and, for a
/// chat the agent serves, opens it.
pub(super) fn notify(desk: Desk, title: &str, body: &str, conv: &str, open_chat: bool) {
    if !allowed() || !document().hidden() {
        return;
    }
    let options = NotificationOptions::new();
    options.set_body(body);
    // One notification per chat: a newer one replaces the older.
    options.set_tag(conv);
    let Ok(notification) = Notification::new_with_options(title, &options) else {
        return;
    };
    let conv = conv.to_string();
    let shown = notification.clone();
    // Called at most once, and freed then: a notification never clicked leaks only its own.
    let on_click = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = window().focus();
        if open_chat {
            desk.select(&conv);
        }
        shown.close();
    });
    notification.set_onclick(Some(on_click.unchecked_ref()));
}

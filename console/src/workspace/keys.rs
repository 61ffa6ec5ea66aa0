//! The workspace's keyboard shortcuts, and the `?` overlay that lists them. Alt-chords (by key
//! position, so that layouts and macOS's Option characters do not matter) work anywhere in
//! the workspace, the reply box included; `?` only where it would not be typed into a field.

use leptos::prelude::*;
use parlor_ui::{ElementRef, shown_if, watch};
use wasm_bindgen::JsCast;

use super::desk::Desk;

/// The shortcuts, as the overlay lists them.
const SHORTCUTS: [(&str, &str); 6] = [
    ("Alt + A", "Accept the oldest chat request"),
    ("Alt + ↓", "Next chat"),
    ("Alt + ↑", "Previous chat"),
    ("Alt + R", "Go to the reply box"),
    ("Alt + /", "Open the canned responses"),
    ("?", "Show or hide this list"),
];

/// Whether the key went to a field (where `?` is text, not a shortcut).
fn in_field(ev: &leptos::ev::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// Focuses the reply box of the open chat, if there is one, with the caret at the end.
pub(super) fn focus_reply() {
    if let Some(reply) = document()
        .get_element_by_id("reply")
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
    {
        let _ = reply.focus();
        let end = reply.value().encode_utf16().count() as u32;
        let _ = reply.set_selection_range(end, end);
    }
}

/// Listens for the shortcuts while the workspace is shown.
pub(super) fn listen(desk: Desk, help: RwSignal<bool>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.alt_key() && !ev.ctrl_key() && !ev.meta_key() {
            let handled = match ev.code().as_str() {
                "KeyA" => {
                    if let Some(oldest) = desk.requests.with_untracked(|r| r.first().cloned()) {
                        desk.answer(oldest, true);
                    }
                    true
                }
                "ArrowDown" => {
                    step(desk, 1);
                    true
                }
                "ArrowUp" => {
                    step(desk, -1);
                    true
                }
                "KeyR" => {
                    focus_reply();
                    true
                }
                "Slash" => {
                    desk.canned_wanted.update(|n| *n += 1);
                    true
                }
                _ => false,
            };
            if handled {
                ev.prevent_default();
            }
            return;
        }
        if ev.key() == "?" && !ev.ctrl_key() && !ev.meta_key() && !in_field(&ev) {
            ev.prevent_default();
            help.update(|open| *open = !*open);
        } else if ev.key() == "Escape" && help.get_untracked() {
            help.set(false);
        }
    });
    on_cleanup(move || handle.remove());
}

/// Selects the chat `by` places after (or before) the selected one, wrapping around.
fn step(desk: Desk, by: isize) {
    let ids: Vec<String> = desk
        .chats
        .with_untracked(|chats| chats.iter().map(|c| c.conv_id.clone()).collect());
    if ids.is_empty() {
        return;
    }
    let count = ids.len() as isize;
    let at = desk
        .selected
        .with_untracked(|s| s.as_ref().and_then(|s| ids.iter().position(|id| id == s)));
    let next = match at {
        Some(at) => (at as isize + by).rem_euclid(count),
        None if by > 0 => 0,
        None => count - 1,
    };
    desk.select(&ids[next as usize]);
}

/// The list of shortcuts, over the workspace while `open`.
#[component]
pub(super) fn ShortcutsHelp(open: RwSignal<bool>) -> impl IntoView {
    let close_ref = ElementRef::new();
    watch(move || {
        if open.get()
            && let Some(button) = close_ref.get()
        {
            let _ = button.focus();
        }
    });
    view! {
        {shown_if(move || open.get(), move || view! {
            <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="keys-title">
                <div class="overlay__box">
                    <h2 id="keys-title">"Keyboard shortcuts"</h2>
                    <table class="keys">
                        <tbody>
                            {SHORTCUTS
                                .into_iter()
                                .map(|(keys, what)| view! { <tr><th scope="row"><kbd>{keys}</kbd></th><td>{what}</td></tr> })
                                .collect_view()}
                        </tbody>
                    </table>
                    <button type="button" node_ref={close_ref} {..parlor_ui::listen("click", move |_| open.set(false))}>"Close"</button>
                </div>
            </div>
        }.into_any())}
    }
}

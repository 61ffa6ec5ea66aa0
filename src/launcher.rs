//! The launcher: the round button that opens and closes the panel, with the unread count on it
//! and, while the panel is closed, in the page's title.

use leptos::prelude::*;

use crate::context::Ctx;
#[cfg(feature = "chat")]
use crate::i18n::with_count;
use parlor_ui::{ElementRef, attr_with, listen};
#[cfg(feature = "chat")]
use parlor_ui::{attr, shown_if, watch};

/// The launcher button (its label says how many messages wait).
#[component]
pub(crate) fn Launcher(ctx: Ctx, button_ref: ElementRef) -> impl IntoView {
    let open = ctx.controls.open;
    view! {
        <button
            type="button"
            class="launcher"
            node_ref={button_ref}
            {..attr_with("aria-label", move || label(ctx))}
            {..attr_with("aria-expanded", move || open.get().to_string())}
            {..listen("click", move |_| open.update(|o| *o = !*o))}
        >
            <span class="launcher__icon" aria-hidden="true"></span>
            {badge(ctx)}
        </button>
    }
}

/// What a click does, and how many messages wait (in the front, none has come yet).
fn label(ctx: Ctx) -> String {
    let t = ctx.t();
    let action = if ctx.controls.open.get() {
        t.close_chat
    } else {
        t.open_chat
    };
    #[cfg(feature = "chat")]
    if let n @ 1.. = ctx.unread.get() {
        return format!("{action}, {}", with_count(t.unread, n));
    }
    action.to_string()
}

/// The count of unread messages, while the panel is closed.
#[cfg(feature = "chat")]
fn badge(ctx: Ctx) -> AnyView {
    let open = ctx.controls.open;
    let count = move || {
        view! {
            <span class="launcher__badge" {..attr("aria-hidden", "true")}>
                {move || ctx.unread.get().to_string()}
            </span>
        }
        .into_any()
    };
    shown_if(move || ctx.unread.get() > 0 && !open.get(), count)
}

/// None in the front: no message has come yet.
#[cfg(not(feature = "chat"))]
fn badge(_: Ctx) {}

/// Opening the panel reads the unread messages; while it is closed, the page title says how
/// many wait.
#[cfg(feature = "chat")]
pub(crate) fn flash_title(ctx: Ctx) {
    let open = ctx.controls.open;
    let original_title = StoredValue::new(document().title());
    let flashing = StoredValue::new_local(None::<leptos::prelude::IntervalHandle>);
    watch(move || {
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
}

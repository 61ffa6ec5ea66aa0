//! Waiting for an agent: what the visitor sees above the conversation until one accepts.

use leptos::prelude::*;

use crate::context::Ctx;

/// The waiting notice: the chat is in the queue, and the visitor may write already.
#[component]
pub(crate) fn Waiting(ctx: Ctx) -> impl IntoView {
    let t = move || ctx.t();
    view! {
        <div class="waiting" role="status">
            <p class="waiting__title">{move || t().waiting}</p>
            <p class="muted">{move || t().waiting_hint}</p>
        </div>
    }
}

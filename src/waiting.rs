//! Waiting for an agent: what the visitor sees above the conversation until one accepts, with
//! their place in line and the estimated wait once the server tells them.

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
            <p class="waiting__place">
                {move || {
                    let conv = ctx.conv.get();
                    ctx.place
                        .get()
                        .filter(|(of, _, _)| Some(of) == conv.as_ref())
                        .map(|(_, position, estimate)| ctx.controls.lang.get().place_in_line(position, estimate))
                        .unwrap_or_default()
                }}
            </p>
        </div>
    }
}

//! The queue picker: the portal's queues ("Sales", "Support") as a list of buttons.

use leptos::prelude::*;
use parlor_client::protocol::rest::Queue;

use crate::i18n::Lang;
use parlor_ui::{attr, listen};

/// Lists `queues`; choosing one calls `on_pick` with it.
#[component]
pub fn QueuePicker(
    /// The queues from the chat profile, in the portal's order.
    queues: Vec<Queue>,
    /// The language to ask in (the widget's own signal: a `Signal` wrapper would bring its
    /// own code for this one value type).
    #[prop(optional)]
    lang: RwSignal<Lang>,
    /// Called with the queue the visitor chose.
    on_pick: Callback<Queue>,
) -> impl IntoView {
    let empty = queues.is_empty();
    view! {
        <div class="queue-picker">
            <p class="queue-picker__prompt" id="parlor-queue-prompt">
                {move || {
                    let t = lang.get().texts();
                    if empty { t.no_queue } else { t.pick_prompt }.to_string()
                }}
            </p>
            <ul class="queue-picker__list" {..attr("aria-labelledby", "parlor-queue-prompt")}>
                {queues
                    .into_iter()
                    .map(|queue| {
                        let name = queue.name.clone();
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="queue-picker__queue"
                                    {..listen("click", move |_| on_pick.run(queue.clone()))}
                                >
                                    {name}
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </div>
    }
}

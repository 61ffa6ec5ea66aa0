//! The left column: the agent's presence, chat requests with their countdowns, their chats,
//! and the way to the tickets.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{attr_with, listen, shown_if};

use super::desk::Desk;

/// The left column.
#[component]
pub(super) fn Side(desk: Desk) -> impl IntoView {
    let toggle_presence = move |_| {
        let next = !desk.available.get_untracked();
        let client = desk.client.get_value();
        spawn_local(async move {
            match client.set_available(next).await {
                Ok(()) => desk.available.set(next),
                Err(error) => desk.fail(&error),
            }
        });
    };

    // Browsers ask for notifications only from a click: a button, until the agent answered.
    let decided = RwSignal::new(!super::alerts::undecided());
    // The chats the label filter lets through.
    let shown_chats = move || {
        let chats: Vec<_> = desk
            .chats
            .get()
            .into_iter()
            .filter(|c| desk.labels.shown(&c.conv_id))
            .collect();
        chats
    };
    view! {
    <nav class="desk__side" aria-label="Chats">
        {shown_if(move || !decided.get(), move || view! {
            <button type="button" class="small secondary" {..listen("click", move |_| super::alerts::ask(decided))}>
                "Turn on desktop notifications"
            </button>
        }.into_any())}
        <div class="presence">
            <span {..attr_with("class", move || if desk.connected.get() && desk.available.get() { "presence__dot presence__dot--on" } else { "presence__dot" })}></span>
            <span>{move || match (desk.connected.get(), desk.available.get()) {
                (false, _) => "Connecting…",
                (true, true) => "Available",
                (true, false) => "Away",
            }}</span>
            <span class="muted">
                {move || {
                    let serving = desk.chats.with(|c| c.iter().filter(|c| !c.ended).count());
                    format!("· serving {serving}")
                }}
            </span>
            <button type="button" class="small" {..listen("click", toggle_presence)}>
                {move || if desk.available.get() { "Set away" } else { "Set available" }}
            </button>
        </div>
        <p class="queues-waiting" role="status" aria-label="Waiting in the queues">
            {move || {
                let lengths = desk.queue_lengths.get();
                if lengths.is_empty() {
                    "Queues: nobody waiting".to_string()
                } else {
                    let each: Vec<String> = lengths
                        .iter()
                        .map(|(queue, waiting)| format!("{queue} {waiting}"))
                        .collect();
                    format!("Waiting: {}", each.join(" · "))
                }
            }}
        </p>
        <h2>"Chat requests"</h2>
        <ul class="list" aria-live="polite">
            <For
                each=move || desk.requests.get()
                key=|r| r.conv_id.clone()
                children=move |request| {
                    let (accept, reject) = (request.clone(), request.clone());
                    view! {
                        <li class="request">
                            <span class="request__who">{request.customer_name.clone()}</span>
                            <span class="muted">
                {if request.transfer { "transfer" } else { "new chat" }}
                {(!request.queue_name.is_empty()).then(|| format!(" · {}", request.queue_name))}
            </span>
                            {request.answer_timeout_ms.map(|limit| {
                                let conv = request.conv_id.clone();
                                view! {
                                    <span class="countdown" aria-label="Seconds left to answer">
                                        {move || {
                                            let asked = desk.asked_at.with(|at| at.get(&conv).copied()).unwrap_or_else(|| desk.now.get());
                                            // The clock ticks each second: it may lag the arrival a little.
                                            let waited = (desk.now.get() - asked).max(0.0);
                                            let left = (limit as f64 - waited) / 1000.0;
                                            format!("{}s", left.max(0.0).ceil())
                                        }}
                                    </span>
                                }
                            })}
                            <button type="button" class="small" {..listen("click", move |_| desk.answer(accept.clone(), true))}>"Accept"</button>
                            <button type="button" class="small secondary" {..listen("click", move |_| desk.answer(reject.clone(), false))}>"Reject"</button>
                        </li>
                    }
                }
            />
        </ul>
        {shown_if(move || desk.requests.with(Vec::is_empty), move || view! {
            <p class="muted">"No chat waiting."</p>
        }.into_any())}
        <h2>"Chats"</h2>
        <super::labels::Filter desk />
        <ul class="list">
            <For
                each=shown_chats
                key=|c| (c.conv_id.clone(), c.unread, c.ended, c.customer_name.clone())
                children=move |chat| {
                    let conv = chat.conv_id.clone();
                    let current = chat.conv_id.clone();
                    view! {
                        <li>
                            <button
                                type="button"
                                class="chat-link"
                                aria-current=move || (desk.selected.get().as_deref() == Some(current.as_str())).then_some("true")
                                {..listen("click", move |_| desk.select(&conv))}
                            >
                                {chat.customer_name.clone()}
                                {chat.ended.then_some(" (ended)")}
                                {(chat.unread > 0).then(|| view! { <span class="badge">{chat.unread}" unread"</span> })}
                            </button>
                            <super::labels::Chips desk conv=chat.conv_id.clone() />
                        </li>
                    }
                }
            />
        </ul>
        <button type="button" class="small secondary" {..listen("click", move |_| desk.show_tickets.update(|s| *s = !*s))}>
            {move || if desk.show_tickets.get() { "Hide tickets" } else { "Tickets" }}
        </button>
    </nav>
    }
}

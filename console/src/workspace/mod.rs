//! The signed-in agent's workspace, three columns: chat requests and chats · the conversation ·
//! the visitor's details; and the portal's tickets.

use std::collections::HashMap;

use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::{AgentSession, Client, ClientConfig};
use parlor_ui::watch;

use conversation::ChatPane;
use desk::Desk;
use details::Details;
use side::Side;
use tickets::Tickets;

mod alerts;
mod canned;
mod conversation;
mod desk;
mod details;
mod history;
mod keys;
mod labels;
mod note;
mod side;
mod tickets;
mod upload;

/// The workspace of the agent signed in as `email`.
#[component]
pub fn Workspace(
    email: String,
    agent: AgentSession,
    /// Called with the server's words when it signs this agent out.
    signed_out: Callback<String>,
) -> impl IntoView {
    let client = Client::new(ClientConfig::new("").with_storage(format!("parlor.agent.{email}")));
    let desk = Desk {
        client: StoredValue::new_local(client.clone()),
        me: StoredValue::new(agent.user_id.clone()),
        token: StoredValue::new(agent.access_token.clone()),
        connected: RwSignal::new(false),
        available: RwSignal::new(true),
        requests: RwSignal::new(Vec::new()),
        chats: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
        messages: RwSignal::new(HashMap::new()),
        notes: RwSignal::new(HashMap::new()),
        queue_lengths: RwSignal::new(Vec::new()),
        canned_wanted: RwSignal::new(0),
        typing: RwSignal::new(HashMap::new()),
        drafts: RwSignal::new(HashMap::new()),
        visitors: RwSignal::new(HashMap::new()),
        error: RwSignal::new(None),
        show_tickets: RwSignal::new(false),
        transfers: RwSignal::new(HashMap::new()),
        asked_at: RwSignal::new(HashMap::new()),
        now: RwSignal::new(js_sys::Date::now()),
        marks: RwSignal::new(0),
        labels: labels::Labels::new(),
        signed_out,
    };
    // The countdowns tick; the page title says how many requests wait, so a hidden tab shows it.
    if let Ok(handle) = set_interval_with_handle(
        move || desk.now.set(js_sys::Date::now()),
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }
    watch(move || {
        let waiting = desk.requests.with(Vec::len);
        document().set_title(&match waiting {
            0 => "Parlor · Agent console".to_string(),
            1 => "(1) Chat request · Parlor".to_string(),
            n => format!("({n}) Chat requests · Parlor"),
        });
    });
    let mut events = client.events();
    spawn_local(async move {
        while let Some(event) = events.next().await {
            desk.on_event(event);
        }
    });
    client.connect(&agent.access_token);
    on_cleanup(move || desk.client.get_value().disconnect());
    let help = RwSignal::new(false);
    keys::listen(desk, help);
    labels::watch(desk);

    view! {
        <keys::ShortcutsHelp open=help />
        <div class="desk">
            <Side desk />
            <main class="desk__main">
                <p class="error" role="alert">{move || desk.error.get()}</p>
                {move || if desk.show_tickets.get() {
                    view! { <Tickets desk /> }.into_any()
                } else {
                    match desk.selected.get() {
                        Some(conv) => view! { <ChatPane desk conv /> }.into_any(),
                        None => view! { <p class="muted">"Accept a chat request, or pick a chat."</p> }.into_any(),
                    }
                }}
            </main>
            <Details desk />
        </div>
    }
}

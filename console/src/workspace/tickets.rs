//! The portal's tickets and missed chats.

use leptos::prelude::*;
use parlor_client::{Agent, ClientConfig};
use serde_json::Value;

use super::desk::Desk;

/// The portal's tickets, newest first.
#[component]
pub(super) fn Tickets(desk: Desk) -> impl IntoView {
    let token = desk.token.get_value();
    let missed_token = token.clone();
    // Each fetched once into a signal (a `LocalResource` per type weighs some KB of wasm).
    let tickets = RwSignal::new(None);
    let missed = RwSignal::new(None);
    leptos::task::spawn_local(async move {
        tickets.set(Some(
            Agent::new(ClientConfig::new("")).tickets(&token).await,
        ));
    });
    leptos::task::spawn_local(async move {
        let agent = Agent::new(ClientConfig::new(""));
        missed.set(Some(agent.missed_chats(&missed_token).await));
    });
    view! {
        <section class="pane" aria-label="Tickets">
            <h2>"Tickets"</h2>
            {move || match tickets.get() {
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
                Some(Err(error)) => view! { <p class="error">{error.message}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="muted">"No tickets."</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="tickets">
                        {list.into_iter().map(|t| {
                            let text = |n: &str| t.get(n).and_then(Value::as_str).unwrap_or_default().to_string();
                            view! {
                                <li class="ticket">
                                    <strong>{text("name")}</strong>" · "{text("email")}
                                    {(!text("phone").is_empty()).then(|| format!(" · {}", text("phone")))}
                                    <p>{text("note")}</p>
                                    <dl class="visitor-fields">
                                        {t.get("fields").and_then(Value::as_array).cloned().unwrap_or_default().into_iter().map(|answer| view! {
                                            <dt>{answer["label"].as_str().unwrap_or_default().to_string()}</dt>
                                            <dd>{answer["value"].as_str().unwrap_or_default().to_string()}</dd>
                                        }).collect_view()}
                                    </dl>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
            }}
            <h2>"Missed chats"</h2>
            {move || match missed.get() {
                Some(Ok(list)) if !list.is_empty() => view! {
                    <ul class="tickets">
                        {list.into_iter().map(|c| {
                            let text = |n: &str| c.get(n).and_then(Value::as_str).unwrap_or_default().to_string();
                            view! { <li class="ticket"><strong>{text("customerName")}</strong>" · "{text("customerEmail")}</li> }
                        }).collect_view()}
                    </ul>
                }
                .into_any(),
                Some(_) => view! { <p class="muted">"No missed chats."</p> }.into_any(),
                None => view! { <p class="muted">"Loading…"</p> }.into_any(),
            }}
        </section>
    }
}

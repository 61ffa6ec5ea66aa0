//! The visitor's history in the right column: their earlier chats (with their rating) and
//! tickets, found by their email across browsers; any chat opens below, notes included.

use leptos::prelude::*;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::listen;
use serde_json::Value;

use super::desk::Desk;

/// `YYYY-MM-DD` of a time in milliseconds.
fn day(ms: &Value) -> String {
    let date = js_sys::Date::new(&ms.as_f64().unwrap_or(0.0).into());
    String::from(date.to_iso_string())
        .chars()
        .take(10)
        .collect()
}

fn text(value: &Value, name: &str) -> String {
    value[name].as_str().unwrap_or_default().to_string()
}

/// The earlier chats and tickets of the visitor `visitor_id` (the chat `current` left out).
#[component]
pub(super) fn VisitorHistory(desk: Desk, visitor_id: String, current: String) -> impl IntoView {
    let token = desk.token.get_value();
    let api = StoredValue::new(Admin::new(ClientConfig::new(""), &token));
    let history = RwSignal::new(None);
    let admin = api.get_value();
    leptos::task::spawn_local(async move {
        let path = format!("/v1/agent/visitors/{visitor_id}/history");
        history.set(Some(admin.get(&path, "").await.ok()));
    });
    let opened = RwSignal::new(None::<String>);
    let transcript = LocalResource::new(move || {
        let conv = opened.get();
        async move {
            let path = format!("/v1/agent/conversations/{}/messages", conv?);
            api.get_value().get(&path, "").await.ok()
        }
    });
    view! {
        <h3>"Earlier chats"</h3>
        {move || {
            let reply = history.get().flatten()?;
            let chats: Vec<Value> = reply["chats"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|c| c["convId"].as_str() != Some(current.as_str()))
                .collect();
            let tickets = reply["tickets"].as_array().cloned().unwrap_or_default();
            if chats.is_empty() && tickets.is_empty() {
                return Some(view! { <p class="muted">"None."</p> }.into_any());
            }
            Some(view! {
                <ul class="list history">
                    {chats.into_iter().map(|c| {
                        let conv = text(&c, "convId");
                        let rating = match c["rating"].as_i64() {
                            Some(1) => "rated good".to_string(),
                            Some(_) => "rated bad".to_string(),
                            None => "not rated".to_string(),
                        };
                        let comment = text(&c, "ratingComment");
                        let label = format!("{} · {} · {rating}{}", day(&c["created"]), text(&c, "status"),
                            if comment.is_empty() { String::new() } else { format!(": {comment}") });
                        let this = conv.clone();
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="chat-link"
                                    aria-expanded=move || (opened.get().as_deref() == Some(this.as_str())).to_string()
                                    {..listen("click", move |_| opened.update(|o| *o = if o.as_deref() == Some(conv.as_str()) { None } else { Some(conv.clone()) }))}
                                >
                                    {label}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                    {tickets.into_iter().map(|t| view! {
                        <li class="history__ticket">{format!("{} · ticket: {}", day(&t["created"]), text(&t, "note"))}</li>
                    }).collect_view()}
                </ul>
            }.into_any())
        }}
        {move || {
            opened.get()?;
            let reply = transcript.get().flatten()?;
            let lines = crate::transcript::lines(&reply);
            Some(view! {
                <ol class="history__transcript" aria-label="Earlier chat" tabindex="0">
                    {lines.into_iter().map(|line| view! { <li class=if line.note { "note" } else { "" }>{line.text}</li> }).collect_view()}
                </ol>
            })
        }}
    }
}

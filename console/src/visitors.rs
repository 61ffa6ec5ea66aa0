//! The Visitors page: every visitor with a chat open, waiting in a queue or with an agent, and
//! the page they are on (as text: a visitor's browser reports it). Refreshed every 5 seconds
//! while shown, and on demand.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_client::ClientConfig;
use parlor_client::admin::Admin;
use parlor_ui::listen;
use serde_json::Value;

/// How often the list is read again while shown.
const EVERY: std::time::Duration = std::time::Duration::from_secs(5);

fn text(value: &Value, name: &str) -> String {
    value[name].as_str().unwrap_or_default().to_string()
}

/// Minutes (or seconds) since `ms`, as "3 min".
fn since(ms: &Value, now: f64) -> String {
    let seconds = ((now - ms.as_f64().unwrap_or(now)) / 1000.0).max(0.0) as u64;
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{} min", seconds / 60)
    }
}

/// The Visitors page.
#[component]
pub fn Visitors(token: String) -> impl IntoView {
    let api = StoredValue::new(Admin::new(ClientConfig::new(""), &token));
    let list = RwSignal::new(None::<Vec<Value>>);
    let error = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            match api.get_value().get("/v1/agent/visitors", "visitors").await {
                Ok(Value::Array(visitors)) => {
                    error.set(None);
                    list.set(Some(visitors));
                }
                Ok(_) => list.set(Some(Vec::new())),
                Err(e) => error.set(Some(format!("Not loaded: {}", e.message))),
            }
        });
    };
    load();
    if let Ok(handle) = set_interval_with_handle(load, EVERY) {
        on_cleanup(move || handle.clear());
    }
    view! {
        <main class="visitors">
            <h1>"Visitors"</h1>
            <p class="muted">"Everyone with a chat open now, and the page they are on."</p>
            <button type="button" class="small secondary" {..listen("click", move |_| load())}>"Refresh"</button>
            <p class="error" role="alert">{move || error.get()}</p>
            {move || {
                let visitors = list.get()?;
                if visitors.is_empty() {
                    return Some(view! { <p class="muted">"Nobody has a chat open."</p> }.into_any());
                }
                let now = js_sys::Date::now();
                Some(view! {
                    <table class="table">
                        <caption class="sr-only">"Visitors with a chat open"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Visitor"</th>
                                <th scope="col">"Chat"</th>
                                <th scope="col">"For"</th>
                                <th scope="col">"Page"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {visitors.into_iter().map(|v| {
                                let name = text(&v, "name");
                                let who = if name.is_empty() { "Visitor".to_string() } else { name };
                                let state = if v["status"] == "queued" {
                                    format!("Waiting in {}", text(&v, "queueName"))
                                } else {
                                    format!("With {} · {}", text(&v, "agentName"), text(&v, "queueName"))
                                };
                                view! {
                                    <tr>
                                        <td>{who}" "<span class="muted">{text(&v, "email")}</span></td>
                                        <td>{state}</td>
                                        <td>{since(&v["since"], now)}</td>
                                        <td>{text(&v, "pageTitle")}" "<span class="muted">{text(&v, "pageUrl")}</span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any())
            }}
        </main>
    }
}

//! Settings › Audit log: who changed what and when, newest first.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use super::Ctx;
use super::security::date;

/// The audit log page.
#[component]
pub fn Audit(ctx: Ctx) -> impl IntoView {
    let entries = RwSignal::new(Vec::<Value>::new());
    let names = RwSignal::new(std::collections::HashMap::<String, String>::new());
    spawn_local(async move {
        let api = ctx.api.get_value();
        if let Ok(Value::Array(agents)) = api.get("/v1/admin/agents", "agents").await {
            names.set(
                agents
                    .iter()
                    .map(|a| {
                        (
                            a["user_id"].as_str().unwrap_or_default().to_string(),
                            a["display_name"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            );
        }
        if let Ok(Value::Array(list)) = api.get("/v1/admin/audit?limit=100", "entries").await {
            entries.set(list);
        }
    });
    view! {
        <h1>"Audit log"</h1>
        <table class="table">
            <caption class="sr-only">"Changes to the portal, newest first"</caption>
            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"What"</th><th scope="col">"Details"</th></tr></thead>
            <tbody>
                <For each=move || entries.get() key=|e| e["id"].to_string() let:entry>
                    {
                        let actor = entry["actor"].as_str().unwrap_or_default().to_string();
                        let who = move || names.get().get(&actor).cloned().unwrap_or_else(|| actor.clone());
                        view! {
                            <tr>
                                <td>{date(&entry["created_at"])}</td>
                                <td>{who}</td>
                                <td>{entry["action"].as_str().unwrap_or_default().to_string()}</td>
                                <td><code class="detail">{entry["detail"].to_string()}</code></td>
                            </tr>
                        }
                    }
                </For>
            </tbody>
        </table>
    }
}

//! The right column: who the visitor of the selected chat is (contact, queue, wait, page,
//! browser, and their answers to the portal's pre-chat fields), and their earlier chats.

use leptos::prelude::*;
use serde_json::Value;

use super::desk::Desk;
use super::history::VisitorHistory;

/// The right column.
#[component]
pub(super) fn Details(desk: Desk) -> impl IntoView {
    view! {
    <aside class="desk__details" aria-label="Visitor">
        {move || {
            let conv = desk.selected.get()?;
            let chat = desk.chats.with(|c| c.iter().find(|c| c.conv_id == conv).cloned())?;
            let info = desk.visitors.with(|v| v.get(&chat.customer_id).cloned()).unwrap_or(Value::Null);
            let field = |name: &str| info.get(name).and_then(Value::as_str).unwrap_or_default().to_string();
            let detail = |name: &str| info.get("details").and_then(|d| d.get(name)).and_then(Value::as_str).unwrap_or_default().to_string();
            Some(view! {
                <h2>"Visitor"</h2>
                <dl>
                    <dt>"Name"</dt><dd>{chat.customer_name.clone()}</dd>
                    <dt>"Queue"</dt><dd>{chat.queue_name.clone()}</dd>
                    <dt>"Waited"</dt><dd>{chat.waited.map(|s| format!("{s} s")).unwrap_or_default()}</dd>
                    <dt>"Email"</dt><dd>{field("email")}</dd>
                    <dt>"Phone"</dt><dd>{field("phone")}</dd>
                    <dt>"Page"</dt><dd>{detail("pageTitle")}" "<span class="muted">{detail("pageUrl")}</span></dd>
                    <dt>"Pages visited"</dt>
                    <dd>
                        // As text only: a visitor's browser reports these, they are never links.
                        <ol class="pages" aria-label="Pages visited">
                            {info.get("details").and_then(|d| d.get("pages")).and_then(Value::as_array).cloned().unwrap_or_default().into_iter().rev().map(|page| {
                                let title = page["title"].as_str().unwrap_or_default().to_string();
                                let url = page["url"].as_str().unwrap_or_default().to_string();
                                view! { <li>{if title.is_empty() { url.clone() } else { format!("{title} · {url}") }}</li> }
                            }).collect_view()}
                        </ol>
                    </dd>
                    <dt>"Browser"</dt><dd>{if detail("browser").is_empty() { detail("useragent") } else { detail("browser") }}</dd>
                    {info.get("details").and_then(|d| d.get("fields")).and_then(Value::as_array).cloned().unwrap_or_default().into_iter().map(|answer| view! {
                        <dt>{answer["label"].as_str().unwrap_or_default().to_string()}</dt>
                        <dd>{answer["value"].as_str().unwrap_or_default().to_string()}</dd>
                    }).collect_view()}
                </dl>
                <super::labels::Picker desk conv=chat.conv_id.clone() />
                <VisitorHistory desk visitor_id=chat.customer_id.clone() current=chat.conv_id.clone() />
            })
        }}
    </aside>
    }
}

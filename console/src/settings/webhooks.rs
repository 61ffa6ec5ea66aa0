//! Settings › Webhooks: the endpoints the portal's events are sent to, each with its latest
//! deliveries (how each went, and "Send again"), and a test event.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parlor_ui::{listen, prop_with, text_value};
use serde_json::{Value, json};

use super::Ctx;
use super::security::date;

/// The webhooks page.
#[component]
pub fn Webhooks(ctx: Ctx) -> impl IntoView {
    let hooks = RwSignal::new(Vec::<Value>::new());
    let events = RwSignal::new(Vec::<String>::new());
    let reload = move || {
        spawn_local(async move {
            let api = ctx.api.get_value();
            if let Ok(reply) = api.get("/v1/admin/webhooks", "").await {
                hooks.set(reply["webhooks"].as_array().cloned().unwrap_or_default());
                let all = reply["events"].as_array().cloned().unwrap_or_default();
                events.set(
                    all.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect(),
                );
            }
        });
    };
    reload();
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    // Every event is chosen until the admin says otherwise.
    Effect::new(move |_| {
        if chosen.get_untracked().is_empty() {
            chosen.set(events.get());
        }
    });
    let add = move |ev: web_sys::Event| {
        ev.prevent_default();
        let body = json!({ "url": url.get_untracked(), "events": chosen.get_untracked() });
        spawn_local(async move {
            let outcome = ctx.api.get_value().post("/v1/admin/webhooks", &body).await;
            if ctx.report(outcome, "Endpoint added.") {
                url.set(String::new());
                reload();
            }
        });
    };
    view! {
        <h1>"Webhooks"</h1>
        <p class="muted">
            "Each event is POSTed as JSON to the endpoints that asked for it, signed with the \
             endpoint's secret (X-Parlor-Signature), in order per conversation, and retried for a \
             day while the endpoint fails."
        </p>
        <form {..listen("submit", add)} class="form">
            <label for="webhook-url">"Endpoint URL"</label>
            <input id="webhook-url" type="url" required placeholder="https://example.com/parlor" {..text_value(url)} />
            <fieldset>
                <legend>"Events"</legend>
                <For each=move || events.get() key=|e| e.clone() let:event>
                    <EventBox event chosen />
                </For>
            </fieldset>
            <button type="submit">"Add endpoint"</button>
        </form>
        <For each=move || hooks.get() key=|h| h.to_string() let:hook>
            <Endpoint ctx hook reload=Callback::new(move |()| reload()) />
        </For>
    }
}

/// A checkbox for one event, in or out of `chosen`.
#[component]
fn EventBox(event: String, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let name = StoredValue::new(event.clone());
    let id = format!("webhook-event-{}", event.replace('.', "-"));
    let label_for = id.clone();
    view! {
        <label class="check" for=label_for>
            <input
                id=id
                type="checkbox"
                {..prop_with("checked", move || chosen.get().contains(&name.get_value()))}
                {..listen("change", move |ev| {
                    let on = event_target_checked(&ev);
                    chosen.update(|list| {
                        list.retain(|e| *e != name.get_value());
                        if on {
                            list.push(name.get_value());
                        }
                    });
                })}
            />
            <code>{event}</code>
        </label>
    }
}

/// One endpoint: its events and secret, on/off, test, delete, and its latest deliveries.
#[component]
fn Endpoint(ctx: Ctx, hook: Value, reload: Callback<()>) -> impl IntoView {
    let id = hook["id"].as_str().unwrap_or_default().to_string();
    let url = hook["url"].as_str().unwrap_or_default().to_string();
    let enabled = hook["enabled"].as_bool().unwrap_or(true);
    let path = StoredValue::new(format!("/v1/admin/webhooks/{id}"));
    let deliveries = RwSignal::new(Vec::<Value>::new());
    let load = move || {
        spawn_local(async move {
            let list = format!("{}/deliveries", path.get_value());
            if let Ok(Value::Array(list)) = ctx.api.get_value().get(&list, "deliveries").await {
                deliveries.set(list);
            }
        });
    };
    load();
    let toggle = move |_| {
        let body = json!({ "enabled": !enabled });
        spawn_local(async move {
            let outcome = ctx.api.get_value().patch(&path.get_value(), &body).await;
            if ctx.report(
                outcome,
                if enabled {
                    "Endpoint switched off."
                } else {
                    "Endpoint switched on."
                },
            ) {
                reload.run(());
            }
        });
    };
    let test = move |_| {
        spawn_local(async move {
            let test = format!("{}/test", path.get_value());
            let outcome = ctx.api.get_value().post(&test, &json!({})).await;
            if ctx.report(outcome, "Test event queued: it shows below once sent.") {
                load();
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            let outcome = ctx.api.get_value().delete(&path.get_value()).await;
            if ctx.report(outcome, "Endpoint deleted.") {
                reload.run(());
            }
        });
    };
    let events = hook["events"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let secret = hook["secret"].as_str().unwrap_or_default().to_string();
    let heading = url.clone();
    view! {
        <section class="webhook" aria-label=format!("Endpoint {url}")>
            <h2 class="webhook__url">{heading}</h2>
            <p>{if enabled { "On" } else { "Off" }} " · " {events}</p>
            <details>
                <summary>"Signing secret"</summary>
                <code class="detail">{secret}</code>
            </details>
            <p class="actions">
                <button type="button" class="small" {..listen("click", test)}>"Send a test event"</button>
                <button type="button" class="small secondary" {..listen("click", move |_| load())}>"Refresh"</button>
                <button type="button" class="small secondary" {..listen("click", toggle)}>
                    {if enabled { "Switch off" } else { "Switch on" }}
                </button>
                <button type="button" class="small secondary" aria-label=format!("Delete endpoint {url}") {..listen("click", remove)}>
                    "Delete"
                </button>
            </p>
            <table class="table">
                <caption class="sr-only">"Latest deliveries, newest first"</caption>
                <thead><tr>
                    <th scope="col">"When"</th><th scope="col">"Event"</th><th scope="col">"Status"</th>
                    <th scope="col">"Attempts"</th><th scope="col">"Last answer"</th><th scope="col"></th>
                </tr></thead>
                <tbody>
                    <For each=move || deliveries.get() key=|d| d.to_string() let:delivery>
                        <DeliveryRow ctx delivery hook=path.get_value() reload=Callback::new(move |()| load()) />
                    </For>
                </tbody>
            </table>
        </section>
    }
}

/// One delivery and its "Send again".
#[component]
fn DeliveryRow(ctx: Ctx, delivery: Value, hook: String, reload: Callback<()>) -> impl IntoView {
    let id = delivery["id"].as_str().unwrap_or_default().to_string();
    let event = delivery["event"].as_str().unwrap_or_default().to_string();
    let status = delivery["status"].as_str().unwrap_or_default().to_string();
    let answer = match (
        delivery["last_status"].as_i64(),
        delivery["last_error"].as_str(),
    ) {
        (Some(code), _) if code > 0 => format!("HTTP {code}"),
        (_, Some(error)) if !error.is_empty() => error.to_string(),
        _ => "—".to_string(),
    };
    let again = StoredValue::new(format!("{hook}/deliveries/{id}/redeliver"));
    let status_class = format!("delivery delivery--{status}");
    let send_again = move |_| {
        spawn_local(async move {
            let outcome = ctx
                .api
                .get_value()
                .post(&again.get_value(), &json!({}))
                .await;
            if ctx.report(outcome, "Delivery queued again.") {
                reload.run(());
            }
        });
    };
    view! {
        <tr>
            <td>{date(&delivery["created_at"])}</td>
            <td><code>{event.clone()}</code></td>
            <td class=status_class>{status}</td>
            <td>{delivery["attempts"].as_i64().unwrap_or(0)}</td>
            <td>{answer}</td>
            <td>
                <button type="button" class="small secondary" aria-label=format!("Send again: {event}") {..listen("click", send_again)}>
                    "Send again"
                </button>
            </td>
        </tr>
    }
}
